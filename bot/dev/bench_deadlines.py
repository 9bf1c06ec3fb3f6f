"""`diplobot bench deadlines`: /deadlines latency on a synthetic year of news whose stories repeat their deadlines.

The store is shaped like a year of about 1,000 feeds: stories of one to a few dozen articles (most of one or two)
spread over the year, each about one or two countries (Zipf-distributed: "North Korea" is frequent, "Iran"
middling) and a few invented people; most stories state a deadline or two, and most of a story's articles repeat
them, in tellings that differ as real ones do (the party left out, the date written as a span). Due dates run
from a year before the bench's today to half a year after it. Rows are written in their stored shape (search text
as saving an analysis writes it) with the helpers of `bot.dev.bench`, and /deadlines is asked through the slash
command's `answer`, so the folding of a story's repeats (`bot.storage.search.find_deadlines`) is timed too.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from rich.console import Console

from bot.config import Settings
from bot.dev.bench import (
    DEADLINE_ACTIONS,
    DEADLINE_COLUMNS,
    WORDS,
    SyntheticPerson,
    _bulk,
    _drop_indexes,
    _mark_built,
    bench_database,
    bulk_stories,
    synthetic_countries,
    synthetic_people,
    timed_row,
    timed_table,
)

if TYPE_CHECKING:
    from bot.storage import Database

TODAY = date(2026, 6, 1)  # the bench's "today": articles run over the year before it
FEEDS = 1000
PEOPLE = 20_000
BUILT = "bench_deadlines_built"
# Articles in a story (weights): most stories are told once or twice, a few by dozens of outlets.
STORY_SIZES = ((1, 38), (2, 20), (3, 12), (4, 8), (5, 6), (6, 4), (8, 4), (10, 3), (15, 3), (25, 1), (40, 1))
STORY_DEADLINES = ((0, 25), (1, 45), (2, 20), (3, 10))  # deadlines a story states (weights)
REPEATED = 0.75  # the share of a story's later articles that repeat each of its deadlines
OWN_DEADLINE = 0.1  # articles that state a deadline of their own, told nowhere else
QUERY_KINDS = ("all", "all, upcoming", "north korea", "north korea, page 3", "iran", "iran, overdue", "rare word",
               "absent topic")


def reused_name(stories: int, seed: int) -> str:
    return f"bench_deadlines_{stories}_{seed}"


def synthetic_cast(seed: int) -> list[SyntheticPerson]:
    """The invented people of the store built from `seed`, the most named first."""
    import numpy as np

    return synthetic_people(PEOPLE, np.random.default_rng(seed))


def _weighted(pick: random.Random, choices: tuple[tuple[int, int], ...]) -> int:
    return pick.choices([c for c, _ in choices], [w for _, w in choices])[0]


def build_deadlines_database(db: Database, stories: int, *, seed: int = 7,
                             echo: Callable[[str], object] = print) -> list[SyntheticPerson]:
    """Fill a migrated, empty database with `stories` stories over the year before `TODAY`, their articles,
    actors and deadlines. Returns the invented people, the most named first."""
    from bot.storage.deadline_index import deadline_search_text

    pick = random.Random(seed)
    cast = synthetic_cast(seed)
    person_weights = list(accumulate(1 / (rank + 1) ** 1.07 for rank in range(len(cast))))
    countries = synthetic_countries()
    country_weights = list(accumulate(1 / (rank + 1) ** 1.1 for rank in range(len(countries))))
    sqlite = db.engine.dialect.name == "sqlite"
    start = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC) - timedelta(days=365)

    def stamp(moment: datetime) -> datetime | str:  # what the driver stores for a DateTime(timezone=True)
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else moment

    def day(value: date) -> date | str:  # and for a Date
        return value.isoformat() if sqlite else value

    columns = DEADLINE_COLUMNS + ("setter",)
    started = time.perf_counter()
    story_rows: list[tuple[Any, ...]] = []
    article_rows: list[tuple[Any, ...]] = []
    actor_rows: list[tuple[Any, ...]] = []
    deadline_rows: list[tuple[Any, ...]] = []
    article_id = 0
    begins = sorted(pick.uniform(0, 365 * 24 * 60) for _ in range(stories))
    with db.engine.begin() as connection:
        indexes = [] if sqlite else _drop_indexes(connection)
        _bulk(connection, "feeds", ("id", "url", "title", "consecutive_failures", "retired", "created_at"),
              [(i + 1, f"http://feeds.example/{i + 1}.xml", f"Wire {i + 1}", 0, False, stamp(start))
               for i in range(FEEDS)])

        def flush() -> None:
            bulk_stories(connection, story_rows, article_rows, actor_rows)
            _bulk(connection, "deadlines", columns if not sqlite else tuple(c.strip('"') for c in columns),
                  deadline_rows)
            for rows in (story_rows, article_rows, actor_rows, deadline_rows):
                rows.clear()

        for story_id, minute in enumerate(begins, start=1):
            first = start + timedelta(minutes=minute)
            named = sorted(set(pick.choices(countries, cum_weights=country_weights, k=pick.choice((1, 1, 2)))))
            people = [cast[i] for i in sorted(set(pick.choices(range(len(cast)), cum_weights=person_weights,
                                                               k=pick.randint(1, 3))))]
            parties = [p.name for p in people] + named
            words = " ".join(pick.choice(WORDS) for _ in range(4))
            title = f"{named[0]}: {words}" if pick.random() < 0.6 else f"{people[0].surname} says {words}"
            # The story's deadlines: (due, kind, days, action, actor, setter).
            told: list[tuple[date | None, str, int, str, str | None, str | None]] = []
            for _ in range(_weighted(pick, STORY_DEADLINES)):
                roll = pick.random()
                action = pick.choice(DEADLINE_ACTIONS)
                actor = pick.choice(parties) if pick.random() < 0.85 else None
                setter = pick.choice(parties) if pick.random() < 0.4 else None
                if roll < 0.85:
                    days = pick.randint(1, 180) if roll < 0.7 else pick.choice((7, 10, 14, 30, 60, 90))
                    told.append(((first + timedelta(days=days)).date(), "date" if roll < 0.7 else "duration",
                                 days, action, actor, setter))
                else:
                    told.append((None, "condition", 0, action, actor, setter))
            size = _weighted(pick, STORY_SIZES)
            lead = article_id + 1
            story_rows.append((story_id, title, lead, stamp(first), stamp(first), stamp(first)))
            for n in range(size):
                article_id += 1
                published = first + timedelta(hours=0 if n == 0 else pick.uniform(0, 72))
                heading = title if n == 0 else f"{title} ({n + 1})"
                article_rows.append((article_id, 1 + pick.randrange(FEEDS), f"g{article_id}",
                                     f"https://news.example/{article_id}", heading, stamp(published),
                                     stamp(published), heading + ".", "feed", f"h{article_id}", stamp(published),
                                     story_id))
                actor_rows.extend((article_id, p.name, "person", 1, "[]", p.role) for p in people)
                actor_rows.extend((article_id, country, "country", 1, "[]", None) for country in named)
                tellings = [t for t in told if n == 0 or pick.random() < REPEATED]
                if pick.random() < OWN_DEADLINE:
                    days = pick.randint(1, 200)
                    tellings.append(((published + timedelta(days=days)).date(), "date", days,
                                     pick.choice(DEADLINE_ACTIONS), pick.choice(parties), None))
                for due, kind, days, action, actor, setter in tellings:
                    if n and pick.random() < 0.25:  # a later telling that leaves the party out
                        actor = None
                    if kind == "date":
                        text = f"by {due:%d %B %Y}" if pick.random() < 0.7 else f"by {due:%d %B}"
                    elif kind == "duration":
                        text = f"within {days} days"
                    else:
                        text = "until the talks are over"
                    deadline_rows.append((
                        article_id, text, 0, len(text), None if due is None else due.isoformat(),
                        None if due is None else day(due), kind, action, actor,
                        deadline_search_text(text, action, actor, heading, parties), stamp(published), setter))
            if len(deadline_rows) >= 50_000:
                flush()
                echo(f"  {story_id:,} stories, {article_id:,} articles written "
                     f"({time.perf_counter() - started:.0f} s)")
        flush()
        if indexes:
            echo(f"  rows written ({time.perf_counter() - started:.0f} s); building {len(indexes)} indexes")
        for definition in indexes:
            connection.exec_driver_sql(definition)
        if not sqlite:
            for table in ("feeds", "stories", "articles"):
                connection.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                           f"(SELECT max(id) FROM {table}))")
        # Only the tables built here (a bare ANALYZE on PostgreSQL takes every schema's tables).
        connection.exec_driver_sql("ANALYZE" if sqlite else "ANALYZE feeds, stories, articles, actors, deadlines")
    if not sqlite:  # the tables as autovacuum leaves them in a running database: index-only scans
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE articles, deadlines")
    echo(f"  {stories:,} stories, {article_id:,} articles stored in {time.perf_counter() - started:.0f} s")
    return cast


def deadline_queries(cast: list[SyntheticPerson], count: int, seed: int = 13) -> dict[str, list[tuple[str, int]]]:
    """`count` typed /deadlines arguments (and the offset of the page asked for) of each kind: no topic, a
    frequent country, a middling one, the surname of someone named in a story or two, a word no deadline has."""
    pick = random.Random(seed)
    rare = [p.surname for p in cast[-len(cast) // 10:]]

    def absent() -> str:
        return "Qx" + "".join(pick.choice("bcdfgklmnprstvz") for _ in range(6))

    typed: dict[str, Callable[[], tuple[str, int]]] = {
        "all": lambda: ("", 0), "all, upcoming": lambda: ("upcoming", 0), "north korea": lambda: ("north korea", 0),
        "north korea, page 3": lambda: ("north korea", 20), "iran": lambda: ("iran", 0),
        "iran, overdue": lambda: ("iran overdue", 0), "rare word": lambda: (pick.choice(rare), 0),
        "absent topic": lambda: (absent(), 0)}
    return {kind: [typed[kind]() for _ in range(count)] for kind in QUERY_KINDS}


def run_deadlines_bench(stories: int, database_url: str | None = None, queries: int = 100, seed: int = 7,
                        keep: bool = False, reuse: bool = False, console: Console | None = None) -> int:
    """Build a synthetic store of `stories` stories (SQLite in a temporary folder, or a fresh schema of the
    PostgreSQL database at `database_url`, dropped afterwards) and time /deadlines answers by kind of query.

    With `reuse`, the store is named by its shape (schema `bench_deadlines_<stories>_<seed>`, or that file in the
    temporary folder), built only when no whole one is there, and kept.
    """
    from sqlalchemy import func, select

    from bot.slack.commands import CommandContext
    from bot.slack.commands.deadlines import answer, parse
    from bot.storage.models import ArticleRow, DeadlineRow

    console = console or Console(width=150)
    with bench_database(reused_name(stories, seed), database_url, reuse=reuse, keep=keep, mark=BUILT) as (
            db, where, built):
        if built:
            console.print(f"reusing the {stories:,} stories already built in {where}")
            cast = synthetic_cast(seed)
        else:
            console.print(f"building {stories:,} stories in {where}")
            cast = build_deadlines_database(db, stories, seed=seed, echo=console.print)
            if reuse:
                _mark_built(db, stories, seed, BUILT)
        with db.session() as session:
            articles = session.scalar(select(func.count()).select_from(ArticleRow)) or 0
            deadlines = session.scalar(select(func.count()).select_from(DeadlineRow)) or 0
        settings = Settings(_env_file=None, database_url=db.url)  # type: ignore[call-arg]
        ctx = CommandContext(now=datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC))

        def ask(query: tuple[str, int]) -> str:
            args = parse(query[0])
            args.offset = query[1]
            return answer(db, settings, args, ctx).text

        table = timed_table(f"/deadlines over {stories:,} stories, {articles:,} articles, {deadlines:,} deadlines "
                            f"({where}); today {TODAY}; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; "
                            f"{queries} queries each, ms (CPU: this process's)")
        for kind, asked in deadline_queries(cast, queries).items():
            timed_row(table, kind, asked, ask, f"/deadlines {asked[0][0]}".strip())
        console.print(table)
    return 0
