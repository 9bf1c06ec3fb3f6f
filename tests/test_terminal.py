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
