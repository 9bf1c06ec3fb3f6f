"""Block Kit builders: long feed text is cut to Slack's limits without breaking what escaping and linking wrote."""

import re

from bot.slack.blocks import (
    MAX_SECTION_CHARS,
    SlackMessage,
    actions,
    button,
    context,
    limit_problems,
    section,
)
from bot.slack.mrkdwn import ELLIPSIS, escape, link, links_in, truncate

WORDS = "Talks <resume> & the envoys @here *agree* on a draft"
LINKED = " ".join([escape(WORDS), link("https://news.example/a?x=1&y=2", "Geneva & <Vienna> talks"), escape(WORDS)])


def assert_cut_safely(cut: str, source: str, limit: int) -> None:
    assert len(cut) <= limit
    body = cut.removesuffix(ELLIPSIS)
    assert source.startswith(body), "a cut only drops the end"
    # No half entity, and every link either whole (with its label) or gone.
    assert not re.search(r"&(?!amp;|lt;|gt;)", body)
    assert body.count("<") == body.count(">")
    assert links_in(body) in ([], links_in(source)[: len(links_in(body))])
    # Between words, unless one word (or link) would fill most of the room.
    rest = source[len(body):].lstrip(",.;:-")
    if rest and rest[0] not in " \n":
        assert not re.search(r"\s", body[(limit - len(ELLIPSIS)) // 2:]) or body.endswith(">"), (limit, body)


def test_a_cut_near_a_link_or_an_escape_keeps_both_whole() -> None:
    assert "&amp;" in LINKED and "&lt;" in LINKED and "<https://" in LINKED
    for limit in range(5, len(LINKED) + 2):
        assert_cut_safely(truncate(LINKED, limit), LINKED, limit)


def test_a_section_cut_at_slacks_limit_drops_a_straddling_link_whole() -> None:
    url = "https://news.example/" + "a" * 100
    filler = escape("Sanctions & tariffs were discussed at length. " * 80)
    filler = filler[: filler.rindex(" ", 0, MAX_SECTION_CHARS - 40)]
    text = filler + " " + link(url, "the full report on sanctions & tariffs") + " and more"
    block = section(text)
    shown = block["text"]["text"]
    assert len(text) > MAX_SECTION_CHARS >= len(shown) and shown.endswith(ELLIPSIS)
    assert url not in shown and "<" not in shown
    assert_cut_safely(shown, text, MAX_SECTION_CHARS)
    assert limit_problems(SlackMessage("fallback", [block, context(text)])) == []


def test_a_cut_falls_between_words() -> None:
    text = escape("The foreign ministers agreed to meet again in Vienna & Geneva next month")
    for limit in range(12, len(text)):
        kept = truncate(text, limit).removesuffix(ELLIPSIS)
        assert text[len(kept)] in " ,", (limit, kept)


def test_a_command_reply_and_a_digest_message_are_one_type() -> None:
    reply = SlackMessage("one", [section("one")], public=True, followups=[SlackMessage("two", [section("two")])])
    assert [m.as_message()["response_type"] for m in reply.messages()] == ["in_channel", "in_channel"]
    posted = SlackMessage("a story", [section("a story")], [7])
    assert posted.payload() == {"text": "a story", "blocks": [section("a story")]} and posted.story_ids == [7]


def test_limit_problems_names_buttons_and_actions_slack_would_refuse() -> None:
    too_long = {"type": "button", "text": {"type": "plain_text", "text": "x" * 80}, "action_id": "a", "value": "v"}
    heavy = {"type": "button", "text": {"type": "plain_text", "text": "More"}, "action_id": "b", "value": "v" * 2001}
    crowded = {"type": "actions", "elements": [button("b", f"a{n}", "v") for n in range(26)]}
    message = SlackMessage("text", [section("story", accessory=too_long), actions(heavy), crowded])
    assert limit_problems(message) == ["block 0: button text of 80 characters",
                                       "block 1: button value of 2001 characters",
                                       "block 2: actions with 26 elements"]
