"""Digests: the stories a channel gets and the Block Kit it sees."""

import json
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis.records import Actor, Deadline, Quote
from bot.domain.stories import Story, StorySource
from bot.domain.topics import parse_topic
from bot.slack.blocks import MAX_BLOCKS, limit_problems
from bot.slack.digest import (
    build_digest,
    choose_stories,
    key_actors,
    notable_quote,
    quotes_reply,
    story_blocks,
    story_message,
)

WHEN = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def talks_story(story_id: int = 1, published: datetime = WHEN, **changes) -> Story:
    story = Story(
        id=story_id,
        title="North Korea agrees to resume denuclearisation talks in Geneva",
        url="https://meridianwire.example/2026/11/geneva-talks",
        published=published,
        summary=["North Korea agreed on Thursday to resume talks in Geneva.",
                 "The first round is set for December.",
                 "Seoul welcomed the move.",
                 "A fourth sentence that the digest leaves out."],
        actors=[Actor("Heather Nauert", "person", 4, ["Nauert"], "State Department spokeswoman"),
                Actor("North Korea", "country", 6, ["Pyongyang"]),
                Actor("United Nations", "organization", 1)],
        quotes=[Quote("Everybody recognises that there is a ways to go", 100, 148, True, "Heather Nauert", "she"),
                Quote("Short", 200, 205, True, None, None)],
        deadlines=[Deadline("to be completed by January 2027", 300, 331, "2027-01", "date",
                            "denuclearisation of North Korea", "North Korea")],
        sources=[StorySource("Meridian Wire", "https://meridianwire.example/2026/11/geneva-talks"),
                 StorySource("Harbour Gazette", "https://gazette.example/geneva")],
        text="North Korea agreed on Thursday to resume talks in Geneva.",
    )
    for name, value in changes.items():
        setattr(story, name, value)
    return story


def all_text(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_story_shows_title_link_summary_actors_quote_deadline_and_sources() -> None:
    rendered = all_text(story_blocks(talks_story()))
    assert "*<https://meridianwire.example/2026/11/geneva-talks|North Korea agrees to resume" in rendered
    assert "Seoul welcomed the move." in rendered
    assert "fourth sentence" not in rendered
    assert "*Key actors:* North Korea, Heather Nauert (State Department spokeswoman), United Nations" in rendered
    assert "“Everybody recognises that there is a ways to go”" in rendered and "*Heather Nauert*" in rendered
    assert "*2027-01* — denuclearisation of North Korea (North Korea)" in rendered
    assert "2 sources: <https://meridianwire.example/2026/11/geneva-talks|Meridian Wire>, " \
           "<https://gazette.example/geneva|Harbour Gazette>" in rendered


def test_notable_quote_prefers_an_attributed_readable_one() -> None:
    assert notable_quote(talks_story()).speaker == "Heather Nauert"
    assert notable_quote(talks_story(quotes=[])) is None


def test_story_without_analysis_still_reads() -> None:
    bare = talks_story(summary=[], actors=[], quotes=[], deadlines=[], sources=[], url=None)
    blocks = story_blocks(bare)
    assert blocks[0]["text"]["text"] == "*North Korea agrees to resume denuclearisation talks in Geneva*"
    assert limit_problems(story_message(bare)) == []


def test_hostile_feed_text_renders_as_plain_text() -> None:
    hostile = "<!channel> Wake up <!here> <@U123> see <https://evil.example|click> @channel *now*"
    story = talks_story(
        title=hostile, summary=[hostile], text=hostile, url="https://news.example/a>b|<!channel>",
        actors=[Actor("<@U123>", "person", 2, [], "<!here>")],
        quotes=[Quote(hostile, 0, 10, True, "<!channel>", None)],
        deadlines=[Deadline(hostile, 0, 5, "<!here>", "date", hostile, "<@U123>")],
        sources=[StorySource("<!channel>", "https://evil.example/x|<!here>")],
    )
    message = story_message(story)
    rendered = all_text(message.blocks) + message.text
    for dangerous in ("<!channel>", "<!here", "<@U123>", "<https://evil.example|click>", "@channel"):
        assert dangerous not in rendered
    assert "&lt;!channel&gt;" in rendered
    # The only links are the story's and its source's, with nothing able to close them early.
    assert rendered.count("<http") == 2


def test_feed_formatting_shows_as_typed_and_our_bold_title_still_applies() -> None:
    from rich.console import Console

    from bot.dev.terminal import render_blocks

    story = talks_story(title="*URGENT* talks", summary=["Envoys _must_ meet ~today~ in `Geneva`."], url=None)
    blocks = story_blocks(story)
    rendered = all_text(blocks)
    for live in ("*URGENT*", "_must_", "~today~", "`Geneva`"):
        assert live not in rendered
    assert blocks[0]["text"]["text"].startswith("*") and blocks[0]["text"]["text"].endswith("*")
    console = Console(width=200, record=True, color_system=None)
    console.print(render_blocks(blocks))
    shown = console.export_text()
    assert "*URGENT* talks" in shown and "Envoys _must_ meet ~today~ in `Geneva`." in shown
    assert "\u2060" not in shown and "\u200b" not in shown


def test_sixty_stories_split_into_messages_within_block_kit_limits() -> None:
    stories = [talks_story(i, WHEN - timedelta(hours=i)) for i in range(1, 61)]
    messages = build_digest(stories, title="Diplomacy digest for #north-korea " + "x" * 300)
    assert len(messages) > 1
    for message in messages:
        assert len(message.blocks) <= MAX_BLOCKS
        assert limit_problems(message) == []
        assert message.text
    ids = [story_id for message in messages for story_id in message.story_ids]
    assert ids == list(range(1, 61))
    assert messages[0].blocks[0]["type"] == "header"
    assert len(messages[0].blocks[0]["text"]["text"]) <= 150
    assert messages[-1].blocks[-1]["elements"][0]["text"] == f"Part {len(messages)} of {len(messages)}"


def test_huge_fields_are_cut_to_section_limits_on_word_boundaries() -> None:
    long_text = "The envoys talked at length about sanctions relief. " * 300
    story = talks_story(title=long_text, summary=[long_text, long_text],
                        quotes=[Quote(long_text, 0, 10, True, "Heather Nauert")],
                        deadlines=[Deadline(long_text, 0, 1, "2027-01", "date", long_text, long_text)] * 5)
    message = story_message(story)
    assert limit_problems(message) == []
    summary = message.blocks[1]["text"]["text"]
    assert summary.endswith("…") and not summary.endswith(" …")
    assert build_digest([story] * 3) and all(limit_problems(m) == [] for m in build_digest([story] * 3))


def test_thread_reply_holds_every_quote() -> None:
    quotes = [Quote(f"We will meet again in round {n}", 0, 5, True, "Kim Yo Jong") for n in range(1, 4)]
    reply = quotes_reply(talks_story(quotes=quotes))
    text = all_text(reply.blocks)
    assert all(f"round {n}" in text for n in range(1, 4))
    assert reply.story_ids == [1]


def test_thread_reply_with_hundreds_of_long_quotes_stays_within_limits() -> None:
    quotes = [Quote("word " * 200, 0, 5, True, "Speaker") for _ in range(400)]
    reply = quotes_reply(talks_story(quotes=quotes))
    assert limit_problems(reply) == []
    assert "more quotes" in all_text(reply.blocks)


def test_no_thread_reply_when_the_message_shows_the_only_quote() -> None:
    assert quotes_reply(talks_story(quotes=talks_story().quotes[:1])) is None


def test_empty_digest_says_so() -> None:
    [message] = build_digest([])
    assert "No stories match" in all_text(message.blocks)
    assert limit_problems(message) == []


def test_choose_stories_keeps_matching_ones_newest_first() -> None:
    old = talks_story(1, WHEN - timedelta(days=2))
    new = talks_story(2, WHEN)
    other = talks_story(3, WHEN, title="Brexit vote delayed", summary=[], text="", actors=[])
    chosen = choose_stories([old, other, new, new], [parse_topic("north korea")])
    assert [s.id for s in chosen] == [2, 1]
    assert [s.id for s in choose_stories([old, new], [parse_topic("north korea")], limit=1)] == [2]


def test_many_sources_with_long_links_never_cut_a_link() -> None:
    sources = [StorySource(f"Outlet {n}", "https://news.example/" + "a" * 1500 + str(n)) for n in range(8)]
    message = story_message(talks_story(sources=sources))
    assert limit_problems(message) == []
    line = message.blocks[-1]["elements"][0]["text"]
    assert line.startswith("8 sources: ") and line.endswith(" and 7 more")
    assert line.count("<") == line.count(">") == 1


def test_small_stories_fill_messages_without_passing_fifty_blocks() -> None:
    tiny = [talks_story(i, summary=[], actors=[], quotes=[], deadlines=[], sources=[], url=None)
            for i in range(1, 101)]
    messages = build_digest(tiny)
    assert all(limit_problems(m) == [] for m in messages)
    assert len(messages) > 1
    assert MAX_BLOCKS - 3 <= max(len(m.blocks) for m in messages) <= MAX_BLOCKS


def test_a_title_of_control_characters_still_shows_something() -> None:
    message = story_message(talks_story(title="\x00\x01 ", url=None))
    assert message.blocks[0]["text"]["text"] == "*Untitled story*"
    assert limit_problems(message) == []


def test_upcoming_deadlines_are_those_due_within_the_window_soonest_first() -> None:
    from datetime import date

    from bot.slack.digest import deadline_reminder, upcoming_deadlines

    deadlines = [Deadline("by 3 December", 0, 1, "2026-12-03", "date", "reply to the proposal", "Iran"),
                 Deadline("by 1 December", 0, 1, "2026-12-01", "date", "release the detainees", "<!channel>"),
                 Deadline("by next year", 0, 1, "2027", "date", "far away"),
                 Deadline("until talks end", 0, 1, None, "condition", "no date"),
                 Deadline("last week", 0, 1, "2026-11-20", "date", "already past")]
    today = date(2026, 11, 30)
    items = upcoming_deadlines([talks_story(deadlines=deadlines)], today=today, days=7)
    assert [i.deadline.action for i in items] == ["release the detainees", "reply to the proposal"]
    message = deadline_reminder(items, today=today)
    rendered = all_text(message.blocks)
    assert "*01 Dec 2026* (tomorrow) — release the detainees (&lt;!channel&gt;)" in rendered
    assert "(in 3 days)" in rendered
    assert limit_problems(message) == []
    assert deadline_reminder([], today=today) is None


def _without_our_links(text: str) -> str:
    import re

    text = re.sub(r"^> ", "", text, flags=re.MULTILINE)  # our own quote markers
    return re.sub(r"<https?://[^\s<>|]+\|[^<>]*>", "", text)


def _texts(blocks: list[dict]) -> list[str]:
    found = []
    for block in blocks:
        if "text" in block:
            found.append(block["text"]["text"])
        found += [e["text"] for e in block.get("elements", [])]
    return found


feed_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=400) | st.sampled_from(
    ["<!channel>", "<@U123>", "<https://evil|click>", "&amp;<>|*_~`", "\x00\u202e", " ", "@here"])


@settings(max_examples=150, deadline=None)
@given(title=feed_text, summary=st.lists(feed_text, max_size=4), names=st.lists(feed_text, max_size=6),
       quote_texts=st.lists(feed_text, max_size=5), url=feed_text | st.just("https://ok.example/x"))
def test_any_feed_text_gives_valid_inert_block_kit(title, summary, names, quote_texts, url) -> None:
    story = talks_story(
        title=title, summary=summary, url=url,
        actors=[Actor(n, "person", 1, [n], n) for n in names],
        quotes=[Quote(q, 0, 1, True, q or None, q) for q in quote_texts],
        deadlines=[Deadline(n, 0, 1, n, "date", n, n) for n in names],
        sources=[StorySource(n, url) for n in names],
    )
    messages = [story_message(story), *build_digest([story, story]), quotes_reply(story)]
    for message in filter(None, messages):
        assert limit_problems(message) == []
        for text in [*_texts(message.blocks), message.text]:
            rest = _without_our_links(text)
            assert "<" not in rest and ">" not in rest


def test_notable_quote_prefers_a_direct_quote_to_a_paraphrase() -> None:
    paraphrase = Quote("the government would retaliate if the tariffs were imposed on its steel exports next month",
                       0, 80, direct=False, speaker="Mexico")
    direct = Quote("We will not be pushed,", 100, 122, direct=True, speaker="Rodrigo Salcedo")
    story = Story(id=1, title="Steel", url=None, published=datetime(2026, 11, 27, tzinfo=UTC),
                  quotes=[paraphrase, direct])
    assert notable_quote(story) is direct
    text = " ".join(b.get("text", {}).get("text", "") for b in story_blocks(story))
    assert "“We will not be pushed”" in text


def test_a_group_named_once_is_not_a_key_actor() -> None:
    story = Story(id=1, title="Steel", url=None, published=datetime(2026, 11, 27, tzinfo=UTC),
                  actors=[Actor("Mexico", "country", 4), Actor("Asian", "group", 1),
                          Actor("Rapid Support Forces", "group", 3)])
    assert [a.name for a in key_actors(story)] == ["Mexico", "Rapid Support Forces"]
