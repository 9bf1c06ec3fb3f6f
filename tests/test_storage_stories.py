"""Saving an analysis with its story (`bot.app.stories` over `bot.storage.stories`) and reading it back, on SQLite
and PostgreSQL."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, null, select, update

from bot.analysis.records import Actor, Analysis, DateMention, Deadline, Quote
from bot.app.stories import OpenStories, store_analysis
from bot.domain.articles import Entry, content_hash
from bot.storage import Database
from bot.storage.articles import add_feed, article_for_entry, record_poll_success
from bot.storage.models import ArticleRow, DeadlineRow, FeedRow, QuoteRow, StoryRow, TermDocumentsRow
from bot.storage.stories import (
    deadline_groups,
    load_stories,
    record_analysis_failure,
    unique_deadlines,
    unique_quotes,
)

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def add_article(db: Database, title: str = "Talks resume in Geneva", guid: str = "g1",
                published: datetime = NOW) -> int:
    with db.session() as session:
        feed = session.scalar(select(FeedRow).where(FeedRow.url == "http://127.0.0.1/wire.xml"))
        if feed is None:
            feed = FeedRow(url="http://127.0.0.1/wire.xml", title="Meridian Wire", created_at=NOW,
                           consecutive_failures=0, retired=False)
            session.add(feed)
            session.flush()
        article = ArticleRow(feed_id=feed.id, guid=guid, url=f"https://meridianwire.example/{guid}", title=title,
                             published_at=published, fetched_at=published, text="Body.", text_source="feed",
                             content_hash=guid)
        session.add(article)
        session.flush()
        return article.id


ANALYSIS = Analysis(
    actors=[Actor("Heather Nauert", "person", 3, ["Nauert"], "State Department spokeswoman"),
            Actor("North Korea", "country", 2, ["Pyongyang"])],
    quotes=[Quote("There is a ways to go", 10, 31, True, "Heather Nauert", "she", 33, 36, "said")],
    dates=[DateMention("January 2021", 40, 52, "2021-01")],
    deadlines=[Deadline("by January 2021", 37, 52, "2021-01", "date", "denuclearisation", "North Korea",
                        "United States")],
    summary=["First sentence.", "Second sentence."],
)


def test_saved_analysis_comes_back_as_a_story(db: Database) -> None:
    article_id = add_article(db)
    story_id = store_analysis(db, article_id, ANALYSIS, NOW)
    [story] = load_stories(db)
    assert story.id == story_id
    assert story.title == "Talks resume in Geneva"
    assert story.summary == ["First sentence.", "Second sentence."]
    assert story.quotes[0].speaker == "Heather Nauert"
    assert story.actors[0].name == "Heather Nauert" and story.actors[0].aliases == ["Nauert"]
    assert [s.name for s in story.sources] == ["Meridian Wire"]
    assert [(d.actor, d.setter) for d in story.deadlines] == [("North Korea", "United States")]


def test_deadline_due_date_is_queryable(db: Database) -> None:
    store_analysis(db, add_article(db), ANALYSIS, NOW)
    with db.session() as session:
        assert session.scalar(select(DeadlineRow.due_date)) == date(2021, 1, 31)


def test_analysing_again_replaces_rather_than_duplicates(db: Database) -> None:
    article_id = add_article(db)
    first = store_analysis(db, article_id, ANALYSIS, NOW)
    second = store_analysis(db, article_id, ANALYSIS, NOW)
    assert first == second
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(QuoteRow)) == 1


def test_stories_are_newest_first_and_limited(db: Database) -> None:
    # Three days apart: three stories, whatever their words.
    ids = [store_analysis(db, add_article(db, f"Story {i}", f"g{i}", NOW + timedelta(days=3 * i)), ANALYSIS, NOW)
           for i in range(3)]
    assert [s.id for s in load_stories(db, limit=2)] == [ids[2], ids[1]]
    assert [s.id for s in load_stories(db, story_ids=[ids[0]])] == [ids[0]]


def test_failed_analysis_is_recorded(db: Database) -> None:
    article_id = add_article(db)
    record_analysis_failure(db, article_id, "ValueError: broken", NOW)
    with db.session() as session:
        article = session.get(ArticleRow, article_id)
        assert article.analysis_error == "ValueError: broken" and article.story_id is None


# --- one story per event across feeds ---------------------------------------------------------------------


def add_report(db: Database, feed: str, guid: str, title: str, text: str, published: datetime) -> int:
    with db.session() as session:
        url = f"http://127.0.0.1/{feed}.xml"
        row = session.scalar(select(FeedRow).where(FeedRow.url == url))
        if row is None:
            row = FeedRow(url=url, title=feed.title(), created_at=NOW, consecutive_failures=0, retired=False)
            session.add(row)
            session.flush()
        article = ArticleRow(feed_id=row.id, guid=guid, url=f"https://{feed}.example/{guid}", title=title,
                             published_at=published, fetched_at=NOW, text=text, text_source="feed",
                             content_hash=guid)
        session.add(article)
        session.flush()
        return article.id


def report_analysis(quote: str, speaker: str | None, deadline_text: str, summary: str) -> Analysis:
    return Analysis(
        actors=[Actor("Mike Pompeo", "person", 2, ["Pompeo"]), Actor("North Korea", "country", 2),
                Actor("Kim Jong Un", "person", 1)],
        quotes=[Quote(quote, 0, len(quote), True, speaker, "he" if speaker else None)],
        deadlines=[Deadline(deadline_text, 0, len(deadline_text), "2026-12-31", "date", "working-level talks",
                            "North Korea")],
        summary=[summary],
    )


TRIP = ("Secretary of State Mike Pompeo met Kim Jong Un in Pyongyang on Sunday and said both sides had agreed "
        "to working-level talks on denuclearisation before the end of the year. \"We made real progress,\" "
        "Pompeo said before flying to Seoul to brief President Moon Jae-in.")
TRIP_RETOLD = ("Mike Pompeo met North Korean leader Kim Jong Un in Pyongyang on Sunday. The secretary of state "
               "said both sides had agreed to working-level talks on denuclearisation before the end of the year. "
               "\"We made real progress,\" he said, before leaving for Seoul to brief President Moon Jae-in. "
               "Kim offered to let inspectors visit a nuclear test site, according to officials travelling "
               "with Pompeo, who described the lunch meeting as warm and businesslike.")


def test_retelling_from_another_feed_joins_the_story_with_sources_quotes_and_deadlines_merged(db: Database) -> None:
    sunday = datetime(2026, 10, 7, 9, 40, tzinfo=UTC)
    first = add_report(db, "meridian", "m1", "Pompeo meets Kim in Pyongyang", TRIP, sunday)
    second = add_report(db, "ledger", "l1", "Kim offers inspectors a look during Pompeo visit", TRIP_RETOLD,
                        sunday + timedelta(hours=4))
    story_id = store_analysis(db, first, report_analysis(
        "We made real progress", "Mike Pompeo", "before the end of the year", "Teaser summary."), NOW)
    joined = store_analysis(db, second, report_analysis(
        "We made real progress,", None, "before the end of the year", "Fuller summary."), NOW)

    assert joined == story_id
    [story] = load_stories(db)
    assert [s.name for s in story.sources] == ["Meridian", "Ledger"]
    assert [(q.text, q.speaker) for q in story.quotes] == [("We made real progress", "Mike Pompeo")]
    assert len(story.deadlines) == 1
    # The fuller retelling leads: its title and summary, while the story dates from the first report.
    assert story.title == "Kim offers inspectors a look during Pompeo visit"
    assert story.summary == ["Fuller summary."]
    assert story.published.replace(tzinfo=UTC) == sunday


def test_the_same_trip_a_month_later_is_a_new_story(db: Database) -> None:
    october = datetime(2026, 10, 7, 9, 40, tzinfo=UTC)
    analysis = report_analysis("We made real progress", "Mike Pompeo", "by December 31", "Summary.")
    first = store_analysis(db, add_report(db, "meridian", "m1", "Pompeo in Pyongyang", TRIP, october),
                           analysis, NOW)
    second = store_analysis(db, add_report(db, "ledger", "l1", "Pompeo back in Pyongyang", TRIP_RETOLD,
                                           october + timedelta(days=33)), analysis, NOW)
    assert first != second
    assert len(load_stories(db)) == 2


def test_unrelated_report_the_same_day_is_its_own_story(db: Database) -> None:
    sunday = datetime(2026, 10, 7, 9, 40, tzinfo=UTC)
    first = store_analysis(db, add_report(db, "meridian", "m1", "Pompeo in Pyongyang", TRIP, sunday),
                           report_analysis("We made real progress", "Mike Pompeo", "by May", "S."), NOW)
    grain = add_report(db, "ledger", "l1", "Black Sea grain corridor extended", "Russia, Ukraine and Turkey agreed "
                       "in Istanbul to extend the Black Sea grain corridor for six months and widen insurance cover "
                       "for ships calling at Odesa.", sunday + timedelta(hours=2))
    assert store_analysis(db, grain, Analysis(actors=[Actor("Turkey", "country", 2)]), NOW) != first


def test_page_text_is_stored_with_its_source_and_a_failed_page_is_marked(db: Database) -> None:
    page_id, teaser_id = add_article(db, guid="p1"), add_article(db, "Another story entirely", guid="p2")
    store_analysis(db, page_id, ANALYSIS, NOW, text="The full text from the page.", text_source="page")
    store_analysis(db, teaser_id, ANALYSIS, NOW, text="Body.", text_source="feed",
                   page_error="FeedHTTPError: HTTP 404")
    with db.session() as session:
        page, teaser = session.get(ArticleRow, page_id), session.get(ArticleRow, teaser_id)
        assert (page.text, page.text_source, page.page_error) == ("The full text from the page.", "page", None)
        assert (teaser.text, teaser.text_source, teaser.page_error) == ("Body.", "feed", "FeedHTTPError: HTTP 404")


def test_analysing_again_counts_an_article_once_in_the_word_frequencies(db: Database) -> None:
    article_id = add_article(db)
    store_analysis(db, article_id, ANALYSIS, NOW)
    store_analysis(db, article_id, ANALYSIS, NOW)
    with db.session() as session:
        documents = dict(session.execute(select(TermDocumentsRow.term, TermDocumentsRow.documents)).all())
    assert documents[""] == 1 and documents["talk"] == 1 and documents["mark:who:heather nauert"] == 1


def test_quotes_repeated_across_articles_are_kept_once_with_a_speaker() -> None:
    quotes = [Quote("There is no deal yet", 0, 20, True, None),
              Quote("We will be back in Geneva", 60, 85, True, "Clara Moretti"),
              Quote("there is no deal yet.", 5, 25, True, "Clara Moretti"),
              Quote("There is no deal yet, but we are close to one", 9, 50, True, None)]
    kept = unique_quotes(quotes)
    assert [(q.text, q.speaker) for q in kept] == [("there is no deal yet.", "Clara Moretti"),
                                                     ("We will be back in Geneva", "Clara Moretti")]


# Two wire copies of one statement, as copy editors leave them: a missing space, a tense, a pronoun, a synonym.
MINISTER = ("The government did not give any reason why theU.S. should be allowed to keep the envoy, they said, "
            "and the talks will go on in Geneva")
MINISTER_EDITED = ("The government does not give any reason why the U.S. should be permitted to keep the envoy, it "
                   "said, and the talks will go on in Geneva")


def test_copy_edited_tellings_of_one_quote_are_kept_once() -> None:
    quotes = [Quote(MINISTER, 0, 120, True, None), Quote(MINISTER_EDITED, 0, 120, True, "Clara Moretti")]
    assert [(q.text, q.speaker) for q in unique_quotes(quotes)] == [(MINISTER_EDITED, "Clara Moretti")]


def test_two_different_quotes_of_one_speaker_or_short_near_ones_stay_apart() -> None:
    different = [Quote("We will be back in Geneva next week to finish the work", 0, 50, True, "Clara Moretti"),
                 Quote("We will not be back in Geneva until the work is finished", 60, 110, True, "Clara Moretti")]
    short = [Quote("We will sign it", 0, 15, True, "Clara Moretti"),
             Quote("We won't sign it", 20, 35, True, "Clara Moretti")]
    others = [Quote(MINISTER, 0, 120, True, "Clara Moretti"), Quote(MINISTER_EDITED, 0, 120, True, "Ivo Marek")]
    assert len(unique_quotes(different)) == 2
    assert len(unique_quotes(short)) == 2
    assert len(unique_quotes(others)) == 2  # nearly the same words, said by two people


def test_one_deadline_told_with_different_parties_is_listed_once_in_its_best_form() -> None:
    tellings = [Deadline("by Jan. 14", 0, 10, "2027-01-14", "date", "the envoy", None, "Foreign Ministry"),
                Deadline("the Jan. 14 deadline", 0, 20, "2027-01-14", "date", "gave no reason", "Anna Berg"),
                Deadline("by Jan. 14", 0, 10, "2027-01-14", "date", "returned to the capital", "Paul Ferrand")]
    [kept] = unique_deadlines(tellings)
    assert (kept.action, kept.actor, kept.setter) == ("gave no reason", "Anna Berg", "Foreign Ministry")
    # A second copy names the envoy as the party: the party most tellings name is shown.
    [kept] = unique_deadlines([*tellings, tellings[2]])
    assert (kept.action, kept.actor, kept.setter) == ("returned to the capital", "Paul Ferrand", "Foreign Ministry")


def test_the_deadline_shown_is_the_act_its_tellings_agree_on_not_one_articles_misreading() -> None:
    tellings = [Deadline("the Jan. 14 deadline", 0, 20, "2027-01-14", "date", "gave no reason", "Anna Berg"),
                Deadline("by Jan. 14", 0, 10, "2027-01-14", "date", "returned to the capital", "Paul Ferrand"),
                Deadline("by Jan. 14", 0, 10, "2027-01-14", "date", "returned to the capital by sea", None)]
    [kept] = unique_deadlines(tellings)
    assert (kept.action, kept.actor) == ("returned to the capital", "Paul Ferrand")


def test_two_deadlines_of_different_parties_on_one_day_stay_apart() -> None:
    tellings = [Deadline("by Jan. 14", 0, 10, "2027-01-14", "date", "submit its reform list", "Greece"),
                Deadline("by Jan. 14", 40, 50, "2027-01-14", "date", "decide on the loan tranche", "Eurogroup"),
                Deadline("by Jan. 14", 0, 10, "2027-01-14", "date", "submit a reform list", "the Greek government"),
                Deadline("within 10 days", 60, 70, "2027-01-14", "duration", "submit its reform list", "Greece")]
    kept = unique_deadlines(tellings)
    assert [(d.kind, d.actor) for d in kept] == [("date", "Greece"), ("date", "Eurogroup"), ("duration", "Greece")]


def test_an_unnamed_party_never_joins_two_deadlines_one_article_tells_apart() -> None:
    tellings = [Deadline("by Jan. 14", 0, 10, "2027-01-14", "date", "the envoy", None, "Foreign Ministry"),
                Deadline("by Jan. 14", 0, 10, "2027-01-14", "date", "leave the country", "Paul Ferrand"),
                Deadline("by Jan. 14", 40, 50, "2027-01-14", "date", "reply to the charges", "Defence Ministry")]
    assert deadline_groups(tellings, ["wire", "paper", "paper"]) == [[0, 1], [2]]
    assert deadline_groups(tellings, ["wire", "paper", "gazette"]) == [[0, 1, 2]]


def test_a_copy_edited_quote_is_shown_once_with_the_outlets_that_carry_it(db: Database) -> None:
    sunday = datetime(2026, 10, 7, 9, 40, tzinfo=UTC)
    first = add_report(db, "meridian", "m1", "Pompeo meets Kim in Pyongyang", TRIP, sunday)
    second = add_report(db, "ledger", "l1", "Kim offers inspectors a look", TRIP_RETOLD, sunday + timedelta(hours=2))
    store_analysis(db, first, report_analysis(MINISTER, None, "before the end of the year", "S."), NOW)
    store_analysis(db, second, report_analysis(MINISTER_EDITED, "Mike Pompeo", "before the end of the year", "S."),
                   NOW)
    [story] = load_stories(db)
    assert [q.speaker for q in story.quotes] == ["Mike Pompeo"]
    assert story.quote_sources == [["Meridian", "Ledger"]]


def test_an_update_from_the_same_feed_joins_its_story_and_a_later_run_still_finds_it(db: Database) -> None:
    sunday = datetime(2026, 10, 7, 9, 40, tzinfo=UTC)
    analysis = report_analysis("We made real progress", "Mike Pompeo", "before the end of the year", "S.")
    first = store_analysis(db, add_report(db, "meridian", "m1", "Pompeo meets Kim in Pyongyang", TRIP, sunday),
                           analysis, NOW)
    # The same wire's update, a day and a half later, read in another run of the pipeline.
    update = add_report(db, "meridian", "m2", "UPDATE: Pompeo meets Kim, inspectors may visit test site",
                        TRIP_RETOLD, sunday + timedelta(hours=36))
    assert store_analysis(db, update, analysis, NOW, stories=OpenStories(db)) == first
    [story] = load_stories(db)
    assert [s.name for s in story.sources] == ["Meridian", "Meridian"]


def test_one_run_keeps_the_open_stories_between_articles(db: Database) -> None:
    sunday = datetime(2026, 10, 7, 9, 40, tzinfo=UTC)
    stories = OpenStories(db)
    analysis = report_analysis("We made real progress", "Mike Pompeo", "by May", "S.")
    ids = [store_analysis(db, add_report(db, feed, f"{feed}1", title, text, sunday + timedelta(hours=hours)),
                          analysis, NOW, stories=stories)
           for feed, title, text, hours in [("meridian", "Pompeo in Pyongyang", TRIP, 0),
                                            ("ledger", "Pompeo and Kim agree talks", TRIP_RETOLD, 3)]]
    assert ids[0] == ids[1]
    assert [s.articles for s in stories.index.stories.values()] == [2]


def test_a_quote_and_a_deadline_two_outlets_carry_are_shown_once_with_both(db: Database) -> None:
    sunday = datetime(2026, 10, 7, 9, 40, tzinfo=UTC)
    first = add_report(db, "meridian", "m1", "Pompeo meets Kim in Pyongyang", TRIP, sunday)
    second = add_report(db, "ledger", "l1", "Kim offers inspectors a look", TRIP_RETOLD, sunday + timedelta(hours=2))
    for article in (first, second):
        store_analysis(db, article, report_analysis("We made real progress", "Mike Pompeo",
                                                    "before the end of the year", "S."), NOW)
    [story] = load_stories(db)
    assert [q.text for q in story.quotes] == ["We made real progress"]
    assert story.quote_sources == [["Meridian", "Ledger"]]
    assert len(story.deadlines) == 1 and story.deadline_sources == [["Meridian", "Ledger"]]
    assert [len(tellings) for tellings in story.deadline_tellings] == [2]  # an update reply knows both tellings


def test_the_same_text_from_two_feeds_is_one_article_with_two_sources(db: Database) -> None:
    sunday = datetime(2026, 10, 7, 9, 40, tzinfo=UTC)
    feeds = [add_feed(db, f"http://127.0.0.1/{name}.xml", now=NOW) for name in ("wire", "paper")]
    copied = [Entry(guid=f"{feed.id}-trip", url=f"https://outlet{feed.id}.example/trip", title="Pompeo in Pyongyang",
                    text=TRIP, published_at=sunday, content_hash=content_hash("Pompeo in Pyongyang", TRIP))
              for feed in feeds]
    stored = [record_poll_success(db, feed.id, [entry], now=NOW, next_poll_at=NOW, body_came=True, title=name)
              for feed, entry, name in zip(feeds, copied, ["Wire", "Paper"], strict=True)]
    assert [len(new) for new in stored] == [1, 0]  # the paper's copy is not a second article ...
    story_id = store_analysis(db, stored[0][0].id, report_analysis("We made real progress", "Mike Pompeo",
                                                                   "by May", "S."), NOW)
    [story] = load_stories(db)  # ... but the paper is a second source of it, and of its quote
    assert story.id == story_id
    assert [(s.name, s.url) for s in story.sources] == [("Wire", f"https://outlet{feeds[0].id}.example/trip"),
                                                        ("Paper", f"https://outlet{feeds[1].id}.example/trip")]
    assert story.quote_sources == [["Wire", "Paper"]]
    assert article_for_entry(db, feeds[1].id, copied[1].guid) == article_for_entry(db, feeds[0].id, copied[0].guid)


def test_a_story_stored_before_grouping_states_were_kept_is_joined_after_the_upgrade(db: Database) -> None:
    sunday = datetime(2026, 10, 7, 9, 40, tzinfo=UTC)
    analysis = report_analysis("We made real progress", "Mike Pompeo", "before the end of the year", "S.")
    first = store_analysis(db, add_report(db, "meridian", "m1", "Pompeo meets Kim in Pyongyang", TRIP, sunday),
                           analysis, NOW)
    with db.session() as session:  # as migration 0009 leaves a story stored before it
        session.execute(update(StoryRow).values(grouping_state=null(), last_published_at=None))
    retold = add_report(db, "ledger", "l1", "Pompeo and Kim agree talks", TRIP_RETOLD, sunday + timedelta(hours=3))
    assert store_analysis(db, retold, analysis, NOW, stories=OpenStories(db)) == first
    [story] = load_stories(db)
    assert [s.name for s in story.sources] == ["Meridian", "Ledger"]
    with db.session() as session:
        row = session.get_one(StoryRow, first)
        assert row.grouping_state is not None and row.grouping_state["articles"] == 2
        assert set(row.grouping_state["vectors"]) >= {"pompeo", "pyongyang"}  # its articles' word vectors, summed
        assert row.last_published_at is not None


def test_a_story_keeps_the_toll_and_sums_its_openings_state(db: Database) -> None:
    from bot.storage.stories import open_story_states

    text = "A quake on Tarvo island killed 10 people on Sunday and caused $3 million of damage, officials said."
    story_id = store_analysis(db, add_report(db, "meridian", "q1", "Quake kills 10 on Tarvo", text, NOW),
                              Analysis(), NOW)
    [state] = open_story_states(db, NOW - timedelta(days=1))
    assert state.story_id == story_id
    assert state.details == {"dead:10": 1, "dead": 1, "usd:3e+06": 1, "usd": 1}


def test_a_story_keeps_how_salient_its_people_and_places_were(db: Database) -> None:
    from bot.storage.stories import open_story_states

    analysis = report_analysis("We made real progress", "Mike Pompeo", "before the end of the year", "S.")
    analysis.actors.append(Actor("Pyongyang", "place", 1))
    first = store_analysis(db, add_report(db, "meridian", "m1", "Pompeo meets Kim in Pyongyang", TRIP, NOW),
                           analysis, NOW)
    retold = add_report(db, "ledger", "l1", "Pompeo and Kim agree talks", TRIP_RETOLD, NOW + timedelta(hours=1))
    assert store_analysis(db, retold, analysis, NOW, stories=OpenStories(db)) == first
    [state] = open_story_states(db, NOW - timedelta(days=1))
    # Pompeo leads both titles and openings; a country is not what an article is about and takes no share.
    assert set(state.salient) == {"who:mike pompeo", "who:kim jong un", "who:pyongyang"}
    assert max(state.salient, key=lambda mark: state.salient[mark]) == "who:mike pompeo"
    assert abs(sum(state.salient.values()) - 2.0) < 0.01  # no organisation named: people and places share it all


TRIP_AGAIN = ("Pompeo and Kim Jong Un agreed in Pyongyang on Sunday to working-level talks on denuclearisation "
              "before the end of the year, the secretary of state said. \"We made real progress,\" Mike Pompeo told "
              "reporters before flying to Seoul to brief President Moon Jae-in on the meeting with Kim.")


def split_trip(db: Database) -> tuple[int, int]:
    """The Pompeo trip told twice in two stories: the second report kept apart (as a stray report can be) by a
    threshold nothing reaches."""
    from dataclasses import replace

    from bot.domain.grouping import DEFAULT_RULES

    sunday = datetime(2026, 10, 7, 9, 40, tzinfo=UTC)
    analysis = report_analysis("We made real progress", "Mike Pompeo", "by May", "S.")
    first = store_analysis(db, add_report(db, "meridian", "m1", "Pompeo meets Kim in Pyongyang", TRIP, sunday),
                           analysis, NOW)
    apart = store_analysis(db, add_report(db, "ledger", "l1", "Kim offers inspectors a look during Pompeo visit",
                                          TRIP_RETOLD, sunday + timedelta(hours=2)),
                           analysis, NOW, rules=replace(DEFAULT_RULES, min_score=99.0))
    assert first != apart
    return first, apart


def file_later_report(db: Database) -> int:
    sunday = datetime(2026, 10, 7, 9, 40, tzinfo=UTC)
    return store_analysis(db, add_report(db, "courier", "c1", "Pompeo and Kim agree talks", TRIP_AGAIN,
                                         sunday + timedelta(hours=4)),
                          report_analysis("We made real progress", "Mike Pompeo", "by May", "S."), NOW)


def test_a_story_a_later_report_also_fits_is_folded_into_the_one_it_joins_with_its_articles(db: Database) -> None:
    from bot.domain.channels import Delivery
    from bot.storage.delivery import enqueue_deliveries

    first, apart = split_trip(db)
    kept = file_later_report(db)
    # Queueing read before the fold: the folded story is skipped, the kept one queued.
    assert enqueue_deliveries(db, [Delivery("T1", "C1", (first, apart))], now=NOW) == 1
    with db.session() as session:
        assert session.scalars(select(StoryRow.id)).all() == [kept]  # the other story's row is gone
        assert set(session.scalars(select(ArticleRow.story_id))) == {kept}  # no article left without its story
        assert session.scalar(select(StoryRow.grouping_state).where(StoryRow.id == kept))["articles"] == 3
    [story] = load_stories(db)
    assert sorted(s.name for s in story.sources) == ["Courier", "Ledger", "Meridian"]
    assert [d.text for d in story.deadlines] == ["by May"] and story.quote_sources == [["Meridian", "Ledger",
                                                                                        "Courier"]]
    assert load_stories(db, story_ids=[kept])[0].quotes  # the moved articles' quotes come with them
    # A later run (a new process) sees one open story of three articles.
    stories = OpenStories(db)
    stories._load(datetime(2026, 10, 7, 14, 0, tzinfo=UTC))
    assert [s.articles for s in stories.index.stories.values()] == [3]


def test_a_story_offered_to_a_channel_is_never_folded(db: Database) -> None:
    from bot.storage.models import OutboxRow

    first, apart = split_trip(db)
    with db.session() as session:  # one queued, the other with its outbox row written but not yet marked queued
        session.execute(update(StoryRow).where(StoryRow.id == first).values(queued_at=NOW))
        session.add(OutboxRow(team_id="T1", channel_id="C1", story_id=apart, state="sent", attempts=1,
                              message_ts="1.1", created_at=NOW))
    kept = file_later_report(db)
    assert kept in (first, apart)
    with db.session() as session:
        assert sorted(session.scalars(select(StoryRow.id))) == sorted([first, apart])
        assert session.scalar(select(func.count()).select_from(OutboxRow)) == 1


def test_a_story_queued_after_grouping_chose_to_fold_it_is_kept_by_the_filing_transaction(db: Database,
                                                                                         monkeypatch) -> None:
    import bot.app.stories as app_stories

    first, apart = split_trip(db)
    with db.session() as session:  # the poster queues both while grouping looks (it saw neither queued)
        session.execute(update(StoryRow).values(queued_at=NOW))
    monkeypatch.setattr(app_stories, "offered_stories", lambda db, ids: set())
    kept = file_later_report(db)
    assert kept in (first, apart)
    with db.session() as session:
        assert sorted(session.scalars(select(StoryRow.id))) == sorted([first, apart])
        assert session.scalar(select(func.count()).select_from(ArticleRow).where(ArticleRow.story_id == kept)) == 2
