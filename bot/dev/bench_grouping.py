"""`diplobot bench grouping`: the cost of giving an article its story as the store grows.

A generated stream (no spaCy: each article comes with its analysis' actors), shaped like news from many feeds:
events that last a day or three, told by a few to a few dozen articles, with their own words, names and
numbers over a Zipf-distributed common vocabulary; `--per-hour` articles an hour, so the 48-hour window holds
about 48 × that many. Articles are stored as a poll stores them, then each goes through `store_analysis` with
the open stories of the run (the grouping step of `bot.app.ingest`, its reads and writes included), and the
time per article is reported for each stretch of the stream.
"""

from __future__ import annotations

import inspect
import random
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bot.analysis.records import Actor, Analysis
from bot.domain.articles import Entry, content_hash

START = datetime(2026, 1, 5, tzinfo=UTC)
COMMON_WORDS = 6000
EVENT_WORDS = 12
ARTICLE_WORDS = 160


@dataclass(frozen=True)
class GeneratedArticle:
    feed: int
    entry: Entry
    analysis: Analysis


def _word(rng: random.Random, syllables: Sequence[str], parts: int) -> str:
    return "".join(rng.choice(syllables) for _ in range(parts))


def generated_stream(count: int, per_hour: float, feeds: int = 1000, seed: int = 7) -> Iterator[GeneratedArticle]:
    """`count` articles in publication order, about `per_hour` an hour."""
    rng = random.Random(seed)
    syllables = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"]
    common = [_word(rng, syllables, 2 + i % 3) for i in range(COMMON_WORDS)]
    weights = [1 / (rank + 1) for rank in range(COMMON_WORDS)]
    surnames = [_word(rng, syllables, 3).title() for _ in range(4000)]
    given = [_word(rng, syllables, 2).title() for _ in range(600)]
    open_events: list[tuple[datetime, list[str], list[str], list[str]]] = []
    now = START
    for number in range(count):
        now += timedelta(hours=rng.expovariate(per_hour))
        open_events = [e for e in open_events if e[0] > now]
        if not open_events or rng.random() < 0.25:  # a new event: its own words, people and numbers
            open_events.append((now + timedelta(hours=rng.uniform(12, 72)),
                                [_word(rng, syllables, 4) for _ in range(EVENT_WORDS)],
                                [f"{rng.choice(given)} {rng.choice(surnames)}" for _ in range(3)],
                                [str(rng.randint(10, 5000)) for _ in range(2)]))
        _, event_words, people, figures = rng.choice(open_events)
        body = rng.choices(common, weights, k=ARTICLE_WORDS)
        for index in rng.sample(range(ARTICLE_WORDS), ARTICLE_WORDS // 4):
            body[index] = rng.choice(event_words)
        text = " ".join(body) + ". " + " and ".join(people[: rng.randint(1, 3)]) + " said " + " ".join(figures)
        title = " ".join(rng.sample(event_words, 4)).capitalize()
        entry = Entry(guid=f"g{number}", url=f"https://news{number % feeds}.example/{number}", title=title,
                      text=text, published_at=now, content_hash=content_hash(title, text))
        yield GeneratedArticle(number % feeds, entry,
                               Analysis(actors=[Actor(p, "person", 1, [p.split()[-1]]) for p in people]))


def run_grouping_bench(articles: int, per_hour: float, marks: Sequence[int], database_url: str | None,
                       console: Console | None = None) -> int:
    """Store and group `articles` generated articles; print ms per article around each of `marks`. Without
    `database_url` the store is a temporary SQLite file, removed afterwards."""
    if database_url is not None:
        return _bench(articles, per_hour, marks, database_url, console or Console())
    with tempfile.TemporaryDirectory(prefix="diplobot-bench-grouping-") as folder:
        return _bench(articles, per_hour, marks, f"sqlite:///{Path(folder) / 'bench.db'}", console or Console())


def _bench(articles: int, per_hour: float, marks: Sequence[int], database_url: str, console: Console) -> int:
    from bot.app import stories as app_stories
    from bot.storage import Database
    from bot.storage.articles import add_feed, record_poll_success

    db = Database.connect(database_url)
    try:
        db.upgrade()
        # Earlier versions (one article per feed per story) had no open stories: the bench times them as they were.
        keeps_open_stories = "stories" in inspect.signature(app_stories.store_analysis).parameters
        open_stories = app_stories.OpenStories(db) if keeps_open_stories else None
        feeds: dict[int, int] = {}
        now = datetime.now(UTC)
        timings: list[float] = []
        cpu: list[float] = []
        stories: set[int] = set()
        for item in generated_stream(articles, per_hour):
            if item.feed not in feeds:
                feeds[item.feed] = add_feed(db, f"http://127.0.0.1/bench/{item.feed}.xml", now=now).id
            [stored] = record_poll_success(db, feeds[item.feed], [item.entry], now=now, next_poll_at=now,
                                           body_came=False)
            started, started_cpu = time.perf_counter(), time.process_time()
            if open_stories is not None:
                story = app_stories.store_analysis(db, stored.id, item.analysis, now, stories=open_stories)
            else:
                story = app_stories.store_analysis(db, stored.id, item.analysis, now)
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            stories.add(story)
    finally:
        db.dispose()
    table = Table(title=f"grouping step: {articles} articles, {per_hour:g} an hour "
                        f"(~{48 * per_hour:.0f} in the 48 h window), {len(stories)} stories")
    # CPU time beside the wall clock: on a shared machine the wall clock also counts other processes' turns.
    for column in ("stored articles", "ms / article (median of the 200 before)", "CPU ms / article",
                   "articles / min"):
        table.add_column(column, justify="right")
    for mark in marks:
        stretch = sorted(timings[max(0, mark - 200):mark])
        if not stretch:
            continue
        median = stretch[len(stretch) // 2]
        cpu_median = sorted(cpu[max(0, mark - 200):mark])[len(stretch) // 2]
        table.add_row(f"{mark:,}", f"{median * 1000:.1f}", f"{cpu_median * 1000:.1f}", f"{60 / median:,.0f}")
    console.print(table)
    return 0
