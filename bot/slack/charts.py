"""Charts for Slack, drawn with matplotlib's Agg canvas (no display, no pyplot state): a timeline of stated
deadlines and a weekly coverage chart. Pure: values in, a `Figure` out; `png_bytes` draws it.

Sizes are chosen for Slack's preview, which shows an image about 360-480 pixels wide: the PNG is 800 pixels
wide at most, with 13-point text (about 18 pixels, still 9 once the preview halves it) and labels cut short
enough to stay on one line.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.domain.stories import Story
from bot.domain.topics import Topic, matches_any
from bot.slack.blocks import SlackFile

WIDTH_INCHES = 8.0
DPI = 100
FONT_SIZE = 13
LABEL_CHARS = 34
MAX_ROWS = 12
MAX_ALT_CHARS = 1000  # files.completeUploadExternal's alt_txt limit
PAST_COLOUR = "#b23a48"
AHEAD_COLOUR = "#1d3557"
LAST_WEEK_COLOUR = "#a8b4c4"


@dataclass(frozen=True)
class TimelineEntry:
    """One deadline on the timeline: who must do what, by when."""

    actor: str | None
    act: str
    due: date


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """`text` on one line in at most `limit` characters, cut between words with "…"."""
    one_line = " ".join(text.split())
    if len(one_line) <= limit:
        return one_line
    cut = one_line[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def timeline_label(entry: TimelineEntry) -> str:
    """A row's label: "Actor: act", cut to one line."""
    return short(f"{entry.actor}: {entry.act}" if entry.actor else entry.act)


def _titled_figure(title: str, rows: int, *, row_inches: float) -> tuple[Figure, Axes]:
    """A figure as wide as every chart, tall enough for `rows` rows, with its one axes titled `title`."""
    figure = Figure(figsize=(WIDTH_INCHES, 1.6 + row_inches * max(rows, 1)), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(short(title, 60), fontsize=FONT_SIZE + 2, loc="left")
    return figure, axes


def _saying(figure: Figure, axes: Axes, text: str) -> Figure:
    """The figure with `text` in the middle instead of a chart (there is nothing to draw)."""
    axes.text(0.5, 0.5, text, ha="center", va="center", fontsize=FONT_SIZE, transform=axes.transAxes)
    axes.set_axis_off()
    return figure


def deadline_timeline(entries: Sequence[TimelineEntry], *, today: date, title: str) -> Figure:
    """One row per deadline (the soonest on top), a dot at its due date, passed ones in red, today marked.

    Args:
        entries: the deadlines to draw; the first `MAX_ROWS` by due date are drawn.
        today: the day marked "today" (the asking user's date).
        title: the chart's title (what was asked).
    """
    rows = sorted(entries, key=lambda e: e.due)[:MAX_ROWS]
    figure, axes = _titled_figure(title, len(rows), row_inches=0.45)
    if not rows:
        return _saying(figure, axes, "No dated deadlines")
    positions = list(range(len(rows)))[::-1]
    days = [(e.due - today).days for e in rows]  # x: days from today
    colours = [PAST_COLOUR if e.due < today else AHEAD_COLOUR for e in rows]
    for y, x, colour in zip(positions, days, colours, strict=True):
        axes.plot([0, x], [y, y], color=colour, linewidth=2, alpha=0.35)
    axes.scatter(days, positions, color=colours, s=70, zorder=3)
    for entry, y, x in zip(rows, positions, days, strict=True):
        axes.annotate(f"{entry.due:%d %b}", (x, y), xytext=(0, 7), textcoords="offset points", ha="center",
                      va="bottom", fontsize=FONT_SIZE - 3, color="#333333")
    axes.axvline(0, color="#333333", linestyle="--", linewidth=1.2)
    axes.text(0, len(rows) - 0.4, " today", fontsize=FONT_SIZE - 1, va="bottom", color="#333333")
    axes.set_yticks(positions, [timeline_label(e) for e in rows], fontsize=FONT_SIZE)
    low, high = min([*days, 0]), max([*days, 0])
    margin = max((high - low) * 0.08, 3)
    axes.set_xlim(low - margin, high + margin)
    axes.set_ylim(-0.7, len(rows) - 0.1)
    ticks = date_ticks(low, high)
    axes.set_xticks(ticks, [f"{today + timedelta(days=t):%d %b}\n{today + timedelta(days=t):%Y}" for t in ticks],
                    fontsize=FONT_SIZE - 2)
    axes.grid(axis="x", alpha=0.3)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    return figure


def date_ticks(low: int, high: int, most: int = 5) -> list[int]:
    """At most `most` evenly spaced day offsets from `low` to `high` for the date axis, always with today (0)."""
    step = max(1, -(-(high - low) // (most - 1)))
    ticks = list(range(low, high + 1, step))
    return sorted({*ticks, 0} - {t for t in ticks if t and abs(t) < step / 2})


def timeline_alt_text(entries: Sequence[TimelineEntry], *, today: date, title: str) -> str:
    """What the timeline shows, in words, for people who cannot see it (at most 1,000 characters)."""
    rows = sorted(entries, key=lambda e: e.due)[:MAX_ROWS]
    if not rows:
        return f"{title}: no dated deadlines."
    passed = sum(1 for e in rows if e.due < today)
    text = (f"{title}: timeline of {len(rows)} deadline{'s' if len(rows) != 1 else ''} "
            f"({passed} passed, {len(rows) - passed} ahead), today {today:%d %b %Y}. ")
    parts = [f"{e.due:%d %b %Y}: {timeline_label(e)}" for e in rows]
    return short(text + "; ".join(parts) + ".", MAX_ALT_CHARS)


# --- the weekly coverage chart ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """How many stories named one country, organisation or person this week and the week before."""

    name: str
    this_week: int
    last_week: int


def weekly_coverage(stories: Iterable[Story], topics: Sequence[Topic], *, week_start: date,
                    limit: int = 8) -> list[Coverage]:
    """Stories per country, organisation or person in the 7 days from `week_start` against the 7 days before,
    of the stories matching `topics` (all when none); the `limit` most covered this week, then last week."""
    this_week: Counter[str] = Counter()
    last_week: Counter[str] = Counter()
    earlier = week_start - timedelta(days=7)
    end = week_start + timedelta(days=7)
    for story in stories:
        if topics and not matches_any(story, topics):
            continue
        day = story.published.date()
        counter = this_week if week_start <= day < end else last_week if earlier <= day < week_start else None
        if counter is None:
            continue
        names = {a.name for a in story.actors if a.kind in ("country", "organization", "person")}
        counter.update(names)
    names = set(this_week) | set(last_week)
    ranked = sorted(names, key=lambda n: (-this_week[n], -last_week[n], n))[:limit]
    return [Coverage(name, this_week[name], last_week[name]) for name in ranked]


def coverage_chart(rows: Sequence[Coverage], *, title: str) -> Figure:
    """Horizontal bars: stories per name this week (dark) against last week (light), the most covered on top."""
    figure, axes = _titled_figure(title, len(rows), row_inches=0.55)
    if not rows:
        return _saying(figure, axes, "No stories these two weeks")
    positions = list(range(len(rows)))[::-1]
    height = 0.38
    axes.barh([p + height / 2 for p in positions], [r.this_week for r in rows], height, color=AHEAD_COLOUR,
              label="this week")
    axes.barh([p - height / 2 for p in positions], [r.last_week for r in rows], height, color=LAST_WEEK_COLOUR,
              label="last week")
    axes.set_yticks(positions, [short(r.name, 24) for r in rows], fontsize=FONT_SIZE)
    axes.tick_params(axis="x", labelsize=FONT_SIZE - 2)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("stories", fontsize=FONT_SIZE - 1)
    axes.legend(fontsize=FONT_SIZE - 2, loc="lower right", frameon=False)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    return figure


def coverage_alt_text(rows: Sequence[Coverage], *, title: str) -> str:
    if not rows:
        return f"{title}: no stories these two weeks."
    parts = [f"{r.name} {r.this_week} (last week {r.last_week})" for r in rows]
    return short(f"{title}: stories this week against last week. " + "; ".join(parts) + ".", MAX_ALT_CHARS)


def weekly_chart_file(stories: Iterable[Story], topics: Sequence[Topic], *, today: date) -> SlackFile:
    """The weekly coverage chart a channel's Monday digest carries: the 7 days before `today` against the 7
    before those, of the stories matching the channel's topics."""
    week_start = today - timedelta(days=7)
    rows = weekly_coverage(stories, topics, week_start=week_start)
    title = f"Stories per country and actor, {week_start:%d %b} to {today - timedelta(days=1):%d %b}"
    return SlackFile(f"weekly-coverage-{today.isoformat()}.png", png_bytes(coverage_chart(rows, title=title)),
                     title, coverage_alt_text(rows, title=title))


def png_bytes(figure: Figure) -> bytes:
    """The figure as a PNG."""
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()
