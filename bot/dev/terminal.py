"""Block Kit shown readably in a terminal with rich: what `diplobot ask` and the demo print."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.rule import Rule
from rich.style import Style
from rich.text import Text

from bot.slack.blocks import SlackMessage
from bot.slack.mrkdwn import FENCED_MARKS, MARK_FENCE, WORD_JOINER

# One mrkdwn piece at a time: a <link|label>, <#channel>/<@user>/<!special>, *bold*, _italic_, `code`, ~strike~.
_TOKEN = re.compile(
    r"<(?P<target>[^<>|]+)(?:\|(?P<label>[^<>]*))?>"
    r"|(?<![\w*])\*(?P<bold>[^*\n]+)\*(?![\w*])"
    r"|(?<![\w_])_(?P<italic>[^_\n]+)_(?![\w_])"
    r"|`(?P<code>[^`\n]+)`"
    r"|(?<![\w~])~(?P<strike>[^~\n]+)~(?![\w~])"
)


# Formatting marks that `bot.slack.mrkdwn.escape` made literal stand in as private-use characters while the line is
# read, so they are never taken for markup; `_shown` puts them back and drops the invisible breakers.
_LITERAL_MARKS = {"*": "\ue000", "_": "\ue001", "~": "\ue002", "`": "\ue003"}
_HIDE = str.maketrans(_LITERAL_MARKS)
_RESTORE = str.maketrans({stand_in: mark for mark, stand_in in _LITERAL_MARKS.items()}
                         | {WORD_JOINER: None, MARK_FENCE: None})


def _hide_broken_marks(line: str) -> str:
    return FENCED_MARKS.sub(lambda m: m.group().replace(MARK_FENCE, "").translate(_HIDE), line)


def _shown(text: str) -> str:
    """Mrkdwn text as a person reads it: entities decoded, literal marks back, invisible breakers gone."""
    return html.unescape(text).translate(_RESTORE)


# The Slack emoji codes diplobot's own answers use, as terminal characters.
EMOJI = {":warning:": "⚠", ":alarm_clock:": "⏰", ":newspaper:": "📰", ":speech_balloon:": "💬",
         ":arrows_counterclockwise:": "🔄"}
_EMOJI = re.compile("|".join(re.escape(code) for code in EMOJI))


def mrkdwn_text(source: str, base: Style | str = "") -> Text:
    """Slack mrkdwn as rich `Text`: links show their label, entities are decoded, markup becomes style."""
    out = Text(style=base)
    source = _EMOJI.sub(lambda m: EMOJI[m.group(0)], source)
    for line_number, line in enumerate(source.split("\n")):
        if line_number:
            out.append("\n")
        if line.startswith("&gt; ") or line.startswith("> "):
            out.append("│ ", style="dim")
            line = line.split(" ", 1)[1]
        _append_inline(out, _hide_broken_marks(line))
    return out


def _append_inline(out: Text, line: str) -> None:
    position = 0
    for match in _TOKEN.finditer(line):
        out.append(_shown(line[position:match.start()]))
        position = match.end()
        if match.group("target") is not None:
            target, label = match.group("target"), match.group("label")
            if target.startswith(("#", "@")):
                out.append(_shown(label or target), style="bold cyan")
            elif target.startswith("!"):
                out.append("@" + _shown(label or target[1:]), style="bold cyan")
            else:
                url = html.unescape(target)
                out.append(_shown(label or url), style=Style(underline=True, color="blue", link=url))
        elif match.group("code") is not None:
            out.append(_shown(match.group("code")), style="bold magenta")
        else:
            # Bold, italic and strike may hold links and each other: render the inside, then style it.
            kind = next(k for k in ("bold", "italic", "strike") if match.group(k) is not None)
            inner = Text()
            _append_inline(inner, match.group(kind))
            inner.stylize(kind)
            out.append_text(inner)
    out.append(_shown(line[position:]))


def _text_object(obj: dict[str, Any] | None, base: Style | str = "") -> Text:
    if not obj:
        return Text()
    if obj.get("type") == "plain_text":
        return Text(str(obj.get("text", "")), style=base)
    return mrkdwn_text(str(obj.get("text", "")), base)


def _element(element: dict[str, Any]) -> Text:
    kind = element.get("type")
    if kind == "button":
        style = {"danger": "bold red", "primary": "bold green"}.get(element.get("style", ""), "bold")
        return Text("[ ", style="dim") + _text_object(element.get("text"), style) + Text(" ]", style="dim")
    if kind == "image":
        return Text(f"[image: {element.get('alt_text', '')}]", style="dim")
    if kind in ("mrkdwn", "plain_text"):
        return _text_object(element, "dim")
    return Text(f"[{kind}]", style="dim")


class _Beside:
    """A section's text with its accessory (a button): at the right of the first line, where Slack shows it, when
    that line has room; else at the end of the text's last line when that has room; else on a line of its own.
    A button is never broken across lines."""

    def __init__(self, text: Text, accessory: Text) -> None:
        self.text = text
        self.accessory = accessory

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        lines = list(self.text.wrap(console, width))
        button = self.accessory.cell_len
        if lines and width - lines[0].cell_len - button >= 2:
            lines[0] = lines[0] + Text(" " * (width - lines[0].cell_len - button)) + self.accessory
        elif lines and width - lines[-1].cell_len - button >= 2:
            lines[-1] = lines[-1] + Text("  ") + self.accessory
        else:
            lines.append(self.accessory.copy())
        yield Text("\n").join(lines)


def _block(block: dict[str, Any], *, first: bool = False) -> RenderableType | None:
    kind = block.get("type")
    if kind == "header":
        # A blank line sets a header apart from what comes before it; at the top of a message nothing does.
        heading = _text_object(block.get("text"), "bold underline")
        return heading if first else Text.assemble("\n", heading)
    if kind == "divider":
        return Rule(style="dim")
    if kind == "section":
        parts: list[RenderableType] = []
        text = _text_object(block.get("text"))
        parts.append(_Beside(text, _element(block["accessory"])) if block.get("accessory") else text)
        for field in block.get("fields", []):
            parts.append(Padding(_text_object(field), (0, 0, 0, 2)))
        return Group(*parts)
    if kind == "context":
        return Text(" · ", style="dim").join(_element(e) for e in block.get("elements", []))
    if kind == "actions":
        return Text("  ").join(_element(e) for e in block.get("elements", []))
    if kind == "image":
        return Text(f"[image: {block.get('alt_text', '')}]", style="dim")
    if kind == "rich_text":
        return Text("[rich text]", style="dim")
    return None


def render_blocks(blocks: Iterable[dict[str, Any]]) -> RenderableType:
    """A rich renderable for a list of Block Kit blocks (unknown block types are skipped)."""
    shown = [b for b in blocks if isinstance(b, dict)]
    rendered = [r for r in (_block(b, first=n == 0) for n, b in enumerate(shown)) if r is not None]
    return Group(*rendered)


def render_answer(answer: SlackMessage) -> RenderableType:
    """A `SlackMessage` and its follow-ups, each as its blocks (or its fallback text when it has none)."""
    parts: list[RenderableType] = []
    for number, message in enumerate(answer.messages()):
        if number:
            parts.append(Rule(style="dim"))
        parts.append(render_blocks(message.blocks) if message.blocks else mrkdwn_text(message.text))
    return Group(*parts)
