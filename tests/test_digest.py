"""Digests: the stories a channel gets and the Block Kit it sees."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.analysis.records import Actor, Deadline, Quote
from bot.domain.stories import Story, StorySource
from bot.domain.topics import parse_topic
from bot.slack.blocks import MAX_BLOCKS, SlackMessage, limit_problems
from bot.slack.digest import (
    GIST_CHARS,
    build_digest,
    by_importance,
    choose_stories,
    compact_digest,
    compact_entry,
    due_label,
    gist,
    key_actors,
    notable_quote,
    page_from_button,
    quotes_reply,
    story_blocks,
    story_details,
    story_message,
)
from bot.slack.mrkdwn import escape

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
    assert "*by the end of January 2027* — denuclearisation of North Korea (North Korea)" in rendered
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
        found += [e["text"] if isinstance(e["text"], str) else e["text"]["text"] for e in block.get("elements", [])]
    return found


feed_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=400) | st.sampled_from(
    ["<!channel>", "<@U123>", "<https://evil|click>", "&amp;<>|*_~`", "\x00\u202e", " ", "@here"])


@settings(max_examples=150, deadline=None)
@given(title=feed_text, summary=st.lists(feed_text, max_size=4), names=st.lists(feed_text, max_size=6),
       quote_texts=st.lists(feed_text, max_size=5), url=feed_text | st.just("https://ok.example/x"))
@example(title="", summary=[], names=["", "", "", "", "\r", ""], quote_texts=[], url="https://ok.example/x")  # a blank outlet name
@example(title="", summary=[], names=["", "", "", "", "0\n", ""], quote_texts=[], url="https://ok.example/x")  # a label ending in a line break
def test_any_feed_text_gives_valid_inert_block_kit(title, summary, names, quote_texts, url) -> None:
    story = talks_story(
        title=title, summary=summary, url=url,
        actors=[Actor(n, "person", 1, [n], n) for n in names],
        quotes=[Quote(q, 0, 1, True, q or None, q) for q in quote_texts],
        deadlines=[Deadline(n, 0, 1, n, "date", n, n) for n in names],
        sources=[StorySource(n, url) for n in names],
    )
    others = [talks_story(n, title=title) for n in range(2, 14)]
    messages = [story_message(story), *build_digest([story, story]), quotes_reply(story),
                compact_digest([story, *others], title="Daily digest"),
                compact_digest([*others, story], title="Daily digest", start=10),
                SlackMessage("details", story_details(story))]
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


# --- the compact layout ---------------------------------------------------------------------------------------


def eighteen_stories() -> list[Story]:
    return [talks_story(n, published=WHEN - timedelta(hours=n), title=f"Envoys meet in Geneva, round {n}")
            for n in range(1, 19)]


def entry_texts(blocks: list[dict]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b.get("accessory", {}).get("action_id", "").startswith("story_details")]


def test_compact_digest_is_one_message_of_ten_entries_and_show_more() -> None:
    message = compact_digest(eighteen_stories(), title="Daily digest, 20 Nov 2026")
    assert limit_problems(message) == [] and len(message.blocks) <= MAX_BLOCKS
    assert message.blocks[0]["text"]["text"] == "Daily digest, 20 Nov 2026 — 18 stories"
    assert message.story_ids == list(range(1, 19))  # it covers every story, shown or behind the button
    entries = entry_texts(message.blocks)
    assert len(entries) == 10
    assert entries[0].startswith("*<https://meridianwire.example/2026/11/geneva-talks|Envoys meet in Geneva, round 1>*")
    [paging] = [b for b in message.blocks if b["type"] == "actions"]
    [more] = paging["elements"]
    assert more["text"]["text"] == "Show more (8)"
    page = page_from_button(more["value"])
    assert (page.start, page.story_ids, page.title) == (10, tuple(range(1, 19)), "Daily digest, 20 Nov 2026")


def test_the_second_page_shows_the_rest_with_a_previous_button() -> None:
    message = compact_digest(eighteen_stories(), title="Daily digest", start=10)
    assert len(entry_texts(message.blocks)) == 8
    assert "Stories 11–18 of 18" in all_text(message.blocks)
    [paging] = [b for b in message.blocks if b["type"] == "actions"]
    assert [e["text"]["text"] for e in paging["elements"]] == ["Previous"]
    assert page_from_button(paging["elements"][0]["value"]).start == 0


def test_an_entry_has_headline_gist_details_and_a_context_line_of_markers() -> None:
    section_block, context_block = compact_entry(talks_story())
    assert section_block["text"]["text"] == ("*<https://meridianwire.example/2026/11/geneva-talks|North Korea agrees to "
                                             "resume denuclearisation talks in Geneva>*\nNorth Korea agreed on "
                                             "Thursday to resume talks in Geneva.")
    assert section_block["accessory"] == {"type": "button", "text": {"type": "plain_text", "text": "Details"},
                                          "action_id": "story_details:1", "value": "1"}
    markers = [e["text"] for e in context_block["elements"]]
    # The third actor would take the names past 40 characters and the line past one line: it waits for Details.
    assert markers == ["2 sources", "North Korea, Heather Nauert", ":alarm_clock: Jan 2027", ":speech_balloon: 2"]
    short_names = talks_story(actors=[Actor("Iran", "country", 3), Actor("Oman", "country", 2),
                                      Actor("IAEA", "organization", 1)])
    assert [e["text"] for e in compact_entry(short_names)[1]["elements"]][1] == "Iran, Oman, IAEA"


def test_the_gist_drops_the_dateline_and_is_cut_between_words_never_inside_a_link_or_entity() -> None:
    words = "The ministers said that talks & <b>progress</b> would continue " * 8
    story = talks_story(summary=["WASHINGTON — " + words])
    shown = gist(story)
    assert len(shown) <= GIST_CHARS and shown.endswith("…") and not shown.startswith("WASHINGTON")
    assert shown[:-1].rstrip() in escape(words)  # a prefix of the escaped words, ending at a word's end
    assert escape(words)[len(shown[:-1].rstrip())] == " "


def test_importance_puts_stories_told_by_more_sources_and_naming_the_topic_first() -> None:
    lone_newest = talks_story(1, published=WHEN, title="Ministers meet", sources=[StorySource("Wire", None)])
    told_twice = talks_story(2, published=WHEN - timedelta(hours=5), title="Ministers meet again")
    on_topic = talks_story(3, published=WHEN - timedelta(hours=10), title="Iran talks resume",
                           sources=[StorySource("Wire", None)])
    ranked = by_importance([lone_newest, told_twice, on_topic], [parse_topic("iran")])
    assert [s.id for s in ranked] == [2, 3, 1]


def test_due_labels_read_as_people_write_dates() -> None:
    assert [due_label(v) for v in ("2026-12-27", "2027-01", "2027-W05", "2027-02-30")] == [
        "27 Dec 2026", "Jan 2027", "the week of 1 Feb 2027", "an unclear date"]


def test_details_hold_the_whole_summary_every_quote_every_deadline_and_every_source() -> None:
    story = talks_story(quotes=[Quote(f"We will keep talking, point {n}", 0, 1, True, "Heather Nauert")
                                for n in range(30)],
                        sources=[StorySource(f"Outlet {n}", f"https://outlet{n}.example/a") for n in range(12)])
    blocks = story_details(story)
    text = all_text(blocks)
    assert "fourth sentence" in text and "denuclearisation of North Korea" in text
    assert "point 0" in text and "Heather Nauert" in text and "and 10 more quotes" in text
    assert "Outlet 11" in text and "12 sources" in text
    assert limit_problems(SlackMessage("details", blocks)) == []


def test_page_buttons_refuse_values_that_are_not_ours() -> None:
    for value in ("", "{}", '{"ids": [1], "at": 5, "t": "x"}', '{"ids": "x", "at": 0, "t": "x"}', "[1]"):
        with pytest.raises(ValueError):
            page_from_button(value)


def test_a_page_value_with_hundreds_of_stories_fits_a_button() -> None:
    stories = [talks_story(100_000 + n) for n in range(400)]
    message = compact_digest(stories, title="Daily digest")
    [more] = [b for b in message.blocks if b["type"] == "actions"][0]["elements"]
    assert len(more["value"]) <= 2000 and page_from_button(more["value"]).start == 10


def test_a_deadline_names_who_must_act_and_who_set_it() -> None:
    story = talks_story(deadlines=[Deadline("within 30 days", 300, 314, "2026-12-26", "duration",
                                            "hand over the inspection records", "Iran", "United Nations")])
    assert "hand over the inspection records (Iran; set by United Nations)" in all_text(story_blocks(story))


def test_a_quote_shows_its_speaker_with_the_title_or_role_the_story_gives() -> None:
    story = talks_story(actors=[Actor("Bush", "person", 2, [], "President"),
                                Actor("Heather Nauert", "person", 1, [], "State Department spokeswoman"),
                                Actor("Kim Yo Jong", "person", 1, [])],
                        quotes=[Quote("We will stand firm in the Gulf", 0, 5, True, "Bush", "President Bush"),
                                Quote("There is a ways to go", 10, 15, True, "Heather Nauert", "she"),
                                Quote("Our patience has limits", 20, 25, True, "Kim Yo Jong", "Kim")])
    thread = all_text(quotes_reply(story).blocks)
    assert "*Bush* (President)" in thread  # named by title and surname: shown as such, not widened
    assert "*Heather Nauert* (State Department spokeswoman)" in thread
    assert "*Kim Yo Jong*" in thread and "*Kim Yo Jong* (" not in thread  # no role given: none invented
    assert "*Bush* (President)" in all_text(story_details(story))


def test_a_quote_whose_he_or_she_was_not_resolved_is_unattributed_not_he() -> None:
    story = talks_story(quotes=[Quote("We will not sign anything this week", 0, 5, True, None, "he"),
                                Quote("The talks were useful", 10, 15, True, None, "a senior official")])
    thread = all_text(quotes_reply(story).blocks)
    assert "*he*" not in thread and "*unattributed*" in thread
    assert "*a senior official*" in thread


def wire_story(**changes) -> Story:
    """A story whose quote, deadline and sources two outlets carry, one of them in two articles."""
    story = talks_story(
        quotes=[Quote("Everybody recognises that there is a ways to go", 100, 148, True, "Heather Nauert", "she"),
                Quote("We will be in Geneva in December <for sure>", 200, 243, True, "Han Song-ryol", "he")],
        quote_sources=[["Meridian Wire", "Harbour Gazette"], ["Harbour Gazette"]],
        deadline_sources=[["Meridian Wire", "Harbour Gazette"]],
        sources=[StorySource("Meridian Wire", "https://meridianwire.example/a"),
                 StorySource("Harbour Gazette", "https://gazette.example/b"),
                 StorySource("Meridian Wire", "https://meridianwire.example/c")])
    for name, value in changes.items():
        setattr(story, name, value)
    return story


def test_details_and_the_quotes_reply_show_the_outlets_of_each_quote_and_deadline() -> None:
    details = all_text(story_details(wire_story()))
    assert "— *Heather Nauert* (State Department spokeswoman) · Meridian Wire, Harbour Gazette" in details
    assert "— *Han Song-ryol* · Harbour Gazette" in details
    assert "denuclearisation of North Korea (North Korea) · Meridian Wire, Harbour Gazette" in details
    thread = all_text(quotes_reply(wire_story()).blocks)
    assert "*Heather Nauert* (State Department spokeswoman) · Meridian Wire, Harbour Gazette" in thread
    assert "&lt;for sure&gt;" in thread
    # A story one outlet tells needs no outlet beside each quote; a long list is cut to a few names.
    lone = wire_story(sources=[StorySource("Meridian Wire", "https://meridianwire.example/a")])
    assert "· Meridian Wire" not in all_text(story_details(lone))
    many = wire_story(quote_sources=[[f"Outlet <{n}>" for n in range(5)], []])
    assert "· Outlet &lt;0&gt;, Outlet &lt;1&gt;, Outlet &lt;2&gt; +2" in all_text(story_details(many))


def test_the_sources_line_names_each_outlet_once_with_its_count() -> None:
    message = all_text(story_blocks(wire_story()))
    assert "3 sources: <https://meridianwire.example/a|Meridian Wire> ×2, <https://gazette.example/b|Harbour " \
           "Gazette>" in message
    details = all_text(story_details(wire_story()))
    assert "3 sources: <https://meridianwire.example/a|Meridian Wire> ×2 (<https://meridianwire.example/c|2>), " \
           "<https://gazette.example/b|Harbour Gazette>" in details
