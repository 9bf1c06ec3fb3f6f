"""SQLAlchemy 2 tables. Only `bot/storage/` sees these; everything else gets records."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class FeedRow(Base):
    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str | None] = mapped_column(String(500))
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_polled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    next_poll_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StoryRow(Base):
    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    lead_article_id: Mapped[int | None] = mapped_column(Integer)
    first_published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # Changed on every article filed in it: the poster looks for posted stories changed since a moment.
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # Set once the story was offered to the subscribed channels; NULL survives a crash before that.
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # What grouping compares a new article with (`bot.domain.stories.StoryState`: centroid, marks, span), and
    # the publication time of its latest article: a story is open while that is within the grouping window.
    grouping_state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    last_published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class ArticleRow(Base):
    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("feed_id", "guid", name="uq_articles_feed_guid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    guid: Mapped[str] = mapped_column(String(2048))
    url: Mapped[str | None] = mapped_column(String(2048), index=True)
    title: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    text: Mapped[str] = mapped_column(Text)
    text_source: Mapped[str] = mapped_column(String(10), default="feed")  # "feed" or "page"
    # Why the article page (fetched for a teaser-only entry) was not used; the teaser was kept.
    page_error: Mapped[str | None] = mapped_column(Text)
    # Word counts of title and text as story grouping reads them (`bot.domain.grouping.article_terms`), kept so that
    # comparing a new article with the stories of the last days does not re-read every text.
    terms: Mapped[dict[str, int] | None] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    analyzed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    analysis_error: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[list[str] | None] = mapped_column(JSON)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="SET NULL"), index=True)


class ArticleCopyRow(Base):
    """The same article (same content hash) carried by another feed: one article, one more source."""

    __tablename__ = "article_copies"
    __table_args__ = (UniqueConstraint("feed_id", "guid", name="uq_article_copies_feed_guid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    guid: Mapped[str] = mapped_column(String(2048))
    url: Mapped[str | None] = mapped_column(String(2048))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TermDocumentsRow(Base):
    """In how many analysed articles a word (or `actor:` name) appears: the IDF of story grouping.

    The row with the empty term counts the articles themselves.
    """

    __tablename__ = "term_documents"

    term: Mapped[str] = mapped_column(String(320), primary_key=True)
    documents: Mapped[int] = mapped_column(Integer, default=0)


class ActorRow(Base):
    __tablename__ = "actors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    mentions: Mapped[int] = mapped_column(Integer, default=1)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    role: Mapped[str | None] = mapped_column(Text)


class QuoteRow(Base):
    __tablename__ = "quotes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    direct: Mapped[bool] = mapped_column(Boolean, default=True)
    speaker: Mapped[str | None] = mapped_column(String(300), index=True)
    speaker_text: Mapped[str | None] = mapped_column(String(300))
    speaker_start: Mapped[int | None] = mapped_column(Integer)
    speaker_end: Mapped[int | None] = mapped_column(Integer)
    cue: Mapped[str | None] = mapped_column(String(100))
    # The person the speaker is across articles (`bot.storage.people`), and the article's publication time,
    # copied so that a person's quotes page through one index.
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


Index("ix_quotes_speaker_published", QuoteRow.speaker_id, QuoteRow.published_at.desc(), QuoteRow.id)


class PersonRow(Base):
    """One person across articles: a full name (or a surname that could not be told apart) and what
    disambiguates it (role, organisation, country)."""

    __tablename__ = "people"
    __table_args__ = (Index("uq_people_identity_key", "identity_key", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    # The name's words without titles or middle initials ("george bush"): where linking and exact lookups start.
    name_key: Mapped[str] = mapped_column(String(300), index=True)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)  # spellings seen on quotes and actors
    role: Mapped[str | None] = mapped_column(String(300))
    organisation: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(100))
    quote_count: Mapped[int] = mapped_column(Integer, default=0)
    last_published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    # Name key, offices and country the person was created with: one row however many workers save them at once.
    identity_key: Mapped[str | None] = mapped_column(String(400))
    # How many articles gave the person each role word ({"secretary": 6, "state": 4}).
    role_words: Mapped[dict[str, int] | None] = mapped_column(JSON, default=dict)
    # A surname-only entry: the full names its articles gave people of that surname (it is one of them).
    namesakes: Mapped[list[str] | None] = mapped_column(JSON, default=list)


class PersonTokenRow(Base):
    """Name-token index: each word of a person's names (and `role:` office words) → the person."""

    __tablename__ = "person_name_tokens"

    token: Mapped[str] = mapped_column(String(100), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)


class PersonWordRow(Base):
    """Each indexed name word once: where a misspelt word is looked up (pg_trgm's index is on it)."""

    __tablename__ = "person_words"

    token: Mapped[str] = mapped_column(String(100), primary_key=True)


class TokenGramRow(Base):
    """3-grams of the indexed name words, for spelling mistakes where PostgreSQL's pg_trgm is not there."""

    __tablename__ = "person_token_grams"

    gram: Mapped[str] = mapped_column(String(12), primary_key=True)
    token: Mapped[str] = mapped_column(String(100), primary_key=True)


class DateMentionRow(Base):
    __tablename__ = "date_mentions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    value: Mapped[str | None] = mapped_column(String(50))


class DeadlineRow(Base):
    __tablename__ = "deadlines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    due: Mapped[str | None] = mapped_column(String(50))
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    action: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(300), index=True)
    setter: Mapped[str | None] = mapped_column(String(300))  # who set it (None when the sentence names no one)
    # What a /deadlines topic is looked for in, and the article's publication time (the answer's second order):
    # `bot.storage.deadline_index`.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


Index("ix_deadlines_due_order", DeadlineRow.due_date, DeadlineRow.published_at.desc(), DeadlineRow.id)


class ChannelRow(Base):
    """A Slack channel diplobot delivers to (the demo uses team `local`, channel `demo`)."""

    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", name="uq_channels_team_channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(50))
    channel_id: Mapped[str] = mapped_column(String(50))
    schedule: Mapped[str] = mapped_column(String(50), default="asap")  # "asap" or "daily@HH:MM"
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    layout: Mapped[str] = mapped_column(String(20), default="compact", server_default="compact")  # or "full"
    weekly_chart: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class SubscriptionRow(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "topic", name="uq_subscriptions_topic"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(50))
    channel_id: Mapped[str] = mapped_column(String(50), index=True)
    topic: Mapped[str] = mapped_column(String(500))
    include_terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    exclude_terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FollowupRow(Base):
    """Something owed to a channel after one of its messages, sent once: a story's update reply in the story's
    thread ("story_update"), or the weekly coverage chart of a Monday digest ("weekly_chart")."""

    __tablename__ = "followups"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "key", name="uq_followups_channel_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(50))
    channel_id: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(30))
    key: Mapped[str] = mapped_column(String(200))  # one per channel: "update:<story>:<what was shown>", "chart:<day>"
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    day: Mapped[date | None] = mapped_column(Date)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)  # pending | sending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message_ts: Mapped[str | None] = mapped_column(String(50))
    last_error: Mapped[str | None] = mapped_column(Text)
    not_before: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Until when the poster that claimed it ("sending") owns it: only then may another put it back in the queue.
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OutboxRow(Base):
    """One row per (channel, story): the memory of what was posted, so nothing is posted twice."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "story_id", name="uq_outbox_channel_story"),
        Index("ix_outbox_state", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(50))
    channel_id: Mapped[str] = mapped_column(String(50))
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="pending")  # pending | sending | sent | failed | skipped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message_ts: Mapped[str | None] = mapped_column(String(50))
    # What the channel has seen of the story (source, quote and deadline keys): its message, then its updates.
    shown: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The story's `updated_at` last compared with `shown`: a story changed since is looked at again.
    story_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    not_before: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The poster sending the row ("sending") and until when the row is its own: another poster returns the row to
    # the queue only once that time has passed (the holder died or hung).
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ChannelLeaseRow(Base):
    """Which poster sends to a channel now, and when the channel may take its next message: Slack's pace of
    one message a second per channel holds however many posters run."""

    __tablename__ = "channel_leases"

    team_id: Mapped[str] = mapped_column(String(50), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    next_post_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
