"""Charts: the right rows and labels, today marked, and a PNG Slack's preview can read."""

import io
import struct
from datetime import UTC, date, datetime, timedelta

from bot.analysis.records import Actor
from bot.domain.stories import Story
from bot.domain.topics import parse_topic
from bot.slack.charts import (
    DPI,
    FONT_SIZE,
    MAX_ALT_CHARS,
    MAX_ROWS,
    Coverage,
    TimelineEntry,
    coverage_alt_text,
    coverage_chart,
    date_ticks,
    deadline_timeline,
    png_bytes,
    short,
    timeline_alt_text,
    weekly_coverage,
)

TODAY = date(2026, 12, 1)


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def texts(figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(lambda o: hasattr(o, "get_text")) if t.get_text()]


def entries() -> list[TimelineEntry]:
    return [TimelineEntry("Mexico", "close the routes through which Asian steel enters the market",
                          TODAY + timedelta(days=26)),
            TimelineEntry("Iran", "restore inspectors' access to Fordow", TODAY + timedelta(days=90)),
            TimelineEntry(None, "extend the grain corridor", TODAY - timedelta(days=9))]


def test_the_timeline_has_one_row_per_deadline_labelled_actor_and_act_soonest_on_top() -> None:
    figure = deadline_timeline(entries(), today=TODAY, title="Deadlines about trade")
    [axes] = figure.axes
    labels = [t.get_text() for t in axes.get_yticklabels()]
    assert labels == ["extend the grain corridor", "Mexico: close the routes through…",
                      "Iran: restore inspectors' access…"]
    assert list(axes.get_yticks()) == [2, 1, 0]  # top to bottom: the soonest (here passed) one on top
    assert axes.get_title(loc="left") == "Deadlines about trade"
    assert " today" in texts(figure)
    dates = [t.get_text() for t in axes.get_xticklabels()]
    assert "01 Dec\n2026" in dates  # today is on the date axis
    assert all(t.get_fontsize() >= FONT_SIZE - 2 for t in axes.get_xticklabels() + axes.get_yticklabels())


def test_the_timeline_png_is_readable_at_slacks_preview_size() -> None:
    png = png_bytes(deadline_timeline(entries(), today=TODAY, title="Deadlines"))
    width, height = png_size(png)
    assert width == 800 and 250 <= height <= 900
    # Slack's preview shows about 400 pixels wide: the labels' 13-point text stays at least 8 pixels tall.
    assert FONT_SIZE * DPI / 72 * 400 / width >= 8


def test_a_long_list_draws_at_most_twelve_rows_and_an_empty_one_says_so() -> None:
    many = [TimelineEntry("Actor", f"act number {n}", TODAY + timedelta(days=n)) for n in range(30)]
    [axes] = deadline_timeline(many, today=TODAY, title="All").axes
    assert len(axes.get_yticklabels()) == MAX_ROWS
    empty = deadline_timeline([], today=TODAY, title="None")
    assert "No dated deadlines" in texts(empty)
    assert png_size(png_bytes(empty))[0] == 800


def test_the_alt_text_says_what_the_timeline_shows() -> None:
    alt = timeline_alt_text(entries(), today=TODAY, title="Deadlines about trade")
    assert alt.startswith("Deadlines about trade: timeline of 3 deadlines (1 passed, 2 ahead), today 01 Dec 2026.")
    assert "27 Dec 2026: Mexico: close the routes through…" in alt
    many = [TimelineEntry("A" * 40, "b " * 40, TODAY) for _ in range(30)]
    assert len(timeline_alt_text(many, today=TODAY, title="x")) <= MAX_ALT_CHARS


def test_labels_are_cut_between_words() -> None:
    assert short("close the routes through which Asian steel enters", 20) == "close the routes…"
    assert short("Unbreakablewordthatgoesonandon", 12) == "Unbreakable…"
    assert short("  short\nenough ") == "short enough"


def test_date_ticks_always_hold_today() -> None:
    assert 0 in date_ticks(-9, 90) and len(date_ticks(-9, 90)) <= 6
    assert date_ticks(0, 0) == [0]


def story(story_id: int, published: datetime, *names: str) -> Story:
    return Story(id=story_id, title=f"Talks {story_id}", url=None, published=published,
                 summary=["Iran talks."], actors=[Actor(name, "country") for name in names], text="Iran talks")


def test_weekly_coverage_counts_stories_per_name_this_week_against_last_week() -> None:
    monday = date(2026, 11, 30)
    at = datetime(2026, 11, 30, 9, tzinfo=UTC)
    stories = [story(1, at, "Iran", "France"), story(2, at + timedelta(days=2), "Iran"),
               story(3, at - timedelta(days=3), "Iran", "Germany"), story(4, at - timedelta(days=20), "Iran")]
    rows = weekly_coverage(stories, [parse_topic("iran")], week_start=monday)
    assert rows == [Coverage("Iran", 2, 1), Coverage("France", 1, 0), Coverage("Germany", 0, 1)]
    figure = coverage_chart(rows, title="This week in #diplomacy")
    [axes] = figure.axes
    assert [t.get_text() for t in axes.get_yticklabels()] == ["Iran", "France", "Germany"]
    assert list(axes.get_yticks()) == [2, 1, 0]  # the most covered on top
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["this week", "last week"]
    width, height = png_size(png_bytes(figure))
    assert width == 800 and height <= 900
    assert coverage_alt_text(rows, title="Week").startswith("Week: stories this week against last week. Iran 2")


def test_png_bytes_open_as_an_image() -> None:
    from PIL import Image

    image = Image.open(io.BytesIO(png_bytes(deadline_timeline(entries(), today=TODAY, title="x"))))
    assert image.format == "PNG" and image.size[0] == 800
