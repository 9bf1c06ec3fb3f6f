"""Block Kit shown in a terminal: readable text, links by label, escaped entities decoded, buttons visible."""

from rich.console import Console

from bot.dev.terminal import mrkdwn_text, render_answer, render_blocks
from bot.slack.blocks import SlackMessage, actions, button, context, divider, header, section


def shown(renderable) -> str:
    console = Console(width=100, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_blocks_render_as_readable_text() -> None:
    blocks = [header("Diplomacy digest — 2 stories"),
              section("*<https://news.example/a|Pompeo heads to Pyongyang>*\n&gt; “We are making progress”",
                      accessory=button("Remove", "x", "1", style="danger")),
              context("2018-10-05 · Diplomatic Wire"),
              divider(),
              actions(button("Show more", "more", "{}"))]
    text = shown(render_blocks(blocks))
    assert "Diplomacy digest — 2 stories" in text
    assert "Pompeo heads to Pyongyang" in text and "https://news.example/a" not in text
    assert "│ “We are making progress”" in text
    assert "[ Remove ]" in text and "[ Show more ]" in text
    assert "2018-10-05 · Diplomatic Wire" in text


def test_escaped_feed_text_shows_as_typed_and_styles_apply() -> None:
    rendered = mrkdwn_text("&lt;!channel&gt; said *bold* _soft_ `code` &amp; <#C123> <@U1>")
    assert rendered.plain == "<!channel> said bold soft code & #C123 @U1"
    assert mrkdwn_text(":warning: overdue").plain == "⚠ overdue"
    styles = {str(span.style) for span in rendered.spans}
    assert {"bold", "italic"} <= styles


def test_unknown_blocks_are_skipped_and_follow_ups_are_shown() -> None:
    first = SlackMessage(text="part one", blocks=[{"type": "mystery"}, section("part one")])
    first.followups = [SlackMessage(text="part two", blocks=[section("part two")]), SlackMessage(text="just text")]
    text = shown(render_answer(first))
    assert "part one" in text and "part two" in text and "just text" in text


def test_a_button_sits_beside_the_first_line_when_it_fits_and_is_never_broken() -> None:
    short = section("*Short headline*\n" + "a gist that goes on " * 6, accessory=button("Details", "d", "1"))
    lines = narrow(render_blocks([short])).splitlines()
    assert lines[0].startswith("Short headline") and lines[0].rstrip().endswith("[ Details ]")
    long_headline = section("*" + "headline words " * 5 + "*\n" + "gist " * 12, accessory=button("Details", "d", "1"))
    lines = narrow(render_blocks([long_headline])).splitlines()
    assert "[ Details ]" not in lines[0] and sum(line.count("[ Details ]") for line in lines) == 1
    assert all(line.count("[") == line.count("]") for line in lines)


def test_a_header_opening_a_message_has_no_blank_line_before_it() -> None:
    lines = shown(render_blocks([header("Digest — 2 stories"), section("one"), header("Later")])).splitlines()
    assert lines[0] == "Digest — 2 stories" and lines[2] == "" and lines[3] == "Later"


def narrow(renderable) -> str:
    console = Console(width=60, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()
