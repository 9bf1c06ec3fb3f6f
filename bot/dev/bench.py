"""`diplobot bench`: analysis throughput and peak memory against raw spaCy, on the same texts, in one run;
`diplobot bench who-said`: /who-said latency on a synthetic database of realistic shape.

Each pipeline runs in a child process of its own so that its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from bot.config import Settings

if TYPE_CHECKING:
    import numpy as np
    from sqlalchemy import Connection

    from bot.storage import Database

PIPELINES = {
    "analyze": "diplobot analyze (all fields, nlp.pipe, only the components it needs)",
    "spacy": "raw spaCy nlp.pipe, the model's default components and batch size",
    "spacy-batch": "raw spaCy nlp.pipe, default components, at ANALYSIS_BATCH_SIZE (for comparison)",
    "peer": "naive peer: nlp() per article, textacy quotes, sumy LexRank",
}


@dataclass
class BenchResult:
    pipeline: str
    texts: int
    words: int
    seconds: float
    peak_mb: float

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


def bench_texts(count: int, source: Path | None = None) -> list[str]:
    """`count` article texts from a JSON Lines file of the analyze contract, or the demo articles, cycled."""
    if source is not None:
        texts = [json.loads(line)["text"] for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        from bot.dev.demo import demo_articles

        texts = [a.text for a in demo_articles()]
    if not texts:
        raise RuntimeError("no texts found to benchmark on")
    return [texts[i % len(texts)] for i in range(count)]


def _worker(pipeline: str, texts_path: str, model: str, batch_size: int) -> None:
    texts = json.loads(Path(texts_path).read_text(encoding="utf-8"))
    if pipeline == "analyze":
        from bot.analysis.pipeline import ArticleText, analyze_texts, load_pipeline

        nlp = load_pipeline(model)
        started = time.perf_counter()
        for _ in analyze_texts(nlp, (ArticleText(t) for t in texts), batch_size=batch_size):
            pass
    elif pipeline in ("spacy", "spacy-batch"):
        import spacy

        from bot.analysis.model import resolve_model_name

        nlp = spacy.load(resolve_model_name(model))
        started = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=batch_size if pipeline == "spacy-batch" else None):
            pass
    else:
        started = _naive_peer(texts, model)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    words = sum(len(t.split()) for t in texts)
    print(json.dumps({"pipeline": pipeline, "texts": len(texts), "words": words, "seconds": seconds,
                      "peak_mb": peak_kb / 1024}))


def _naive_peer(texts: list[str], model: str) -> float:
    """What a project would write with the usual open tools; returns its start time after loading."""
    import spacy
    import textacy.extract
    from sumy.summarizers.lex_rank import LexRankSummarizer

    from bot.analysis.model import resolve_model_name
    from bot.analysis.sumy_tokenizer import sumy_document

    nlp = spacy.load(resolve_model_name(model))
    summarizer = LexRankSummarizer()
    started = time.perf_counter()
    for text in texts:
        doc = nlp(text)
        try:
            list(textacy.extract.triples.direct_quotations(doc))
        except ValueError:  # textacy refuses some unbalanced quotation marks
            pass
        summarizer(sumy_document(list(doc.sents)), 3)
    return started


def run_pipeline(pipeline: str, texts_path: str, settings: Settings) -> BenchResult:
    out = subprocess.run(
        [sys.executable, "-m", "bot.dev.bench", pipeline, texts_path, settings.spacy_model,
         str(settings.analysis_batch_size)],
        capture_output=True, text=True, check=True, env={**os.environ},
    )
    lines = out.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"bench worker for {pipeline} printed no result; stderr: {out.stderr[-500:]}")
    return BenchResult(**json.loads(lines[-1]))


def _has_textacy() -> bool:
    import importlib.util

    return importlib.util.find_spec("textacy") is not None


def median_result(runs: list[BenchResult]) -> BenchResult:
    """The run with the median time; peak memory is the highest seen in any run."""
    middle = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]
    return BenchResult(middle.pipeline, middle.texts, middle.words, middle.seconds, max(r.peak_mb for r in runs))


def run_bench(settings: Settings, count: int, source: Path | None = None, rounds: int = 3) -> int:
    """Run every pipeline `rounds` times, interleaved so that a busy moment of the machine hits them alike."""
    console = Console()
    texts = bench_texts(count, source)
    names = [n for n in PIPELINES if n != "peer" or _has_textacy()]
    if "peer" not in names:
        console.print(r"[yellow]naive peer skipped: textacy is not installed (pip install -e '.\[bench]')[/]")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(texts, f)
        path = f.name
    runs: dict[str, list[BenchResult]] = {name: [] for name in names}
    try:
        for round_number in range(1, rounds + 1):
            for name in names:
                with console.status(f"round {round_number}/{rounds}: {name} on {len(texts)} texts"):
                    runs[name].append(run_pipeline(name, path, settings))
    finally:
        os.unlink(path)
    results = {name: median_result(found) for name, found in runs.items()}
    table = Table(title=f"{len(texts)} texts, {results['spacy'].words:,} words, model {settings.spacy_model}, "
                        f"median of {rounds} round(s)")
    for column in ("pipeline", "words/s", "seconds", "peak memory (MB)", "× raw spaCy"):
        table.add_column(column, justify="left" if column == "pipeline" else "right")
    raw = results["spacy"].words_per_second
    for name, r in results.items():
        table.add_row(name, f"{r.words_per_second:,.0f}", f"{r.seconds:.2f}", f"{r.peak_mb:.0f}",
                      f"{r.words_per_second / raw:.2f}")
    console.print(table)
    for name in results:
        console.print(f"  {name}: {PIPELINES[name]}")
    ratio = results["analyze"].words_per_second / raw
    console.print(f"analyze / raw spaCy = {ratio:.2f}x; peak memory of analyze {results['analyze'].peak_mb:.0f} MB")
    return 0



# --- /who-said at scale ------------------------------------------------------------------------------------

SYLLABLES = ("ka ri to mel san dor vi len ba ro mi sha tek lu nor fa gri zan pe dal ko ver is ul am ber chi den "
             "go har jo kel lin mor nak pol ras sol tam ur val wen ya zor bel cas fen hal mun ost tri").split()
SURNAME_ENDINGS = ("", "", "", "ov", "son", "ez", "i", "ski", "ani", "berg", "ard")
ROLES = (("President", 3), ("Prime Minister", 3), ("Foreign Minister", 6), ("Secretary of State", 2),
         ("spokeswoman", 5), ("spokesman", 5), ("Ambassador", 6), ("King", 1), ("Senator", 6),
         ("Defence Minister", 4), ("Director", 4), ("envoy", 4), (None, 51))
QUERY_KINDS = ("exact", "surname", "title + name", "typo", "absent")
DEADLINE_ACTIONS = ("set up the payment channel", "withdraw its troops from the border", "answer the inspectors",
                    "sign the trade agreement", "lift the sanctions", "hold new elections", "release the detained "
                    "sailors", "submit a reform plan", "reopen the embassy", "hand over the enrichment data",
                    "agree a ceasefire line", "repay the bridging loan", "ratify the treaty", "name a negotiator")
DEADLINE_QUERY_KINDS = ("all", "all, upcoming", "frequent topic", "frequent topic, upcoming", "rare topic",
                        "rare topic, overdue", "absent topic", "absent topic, upcoming")
DEADLINES_TODAY = date(2021, 7, 1)  # the bench's "today": articles run from 2020 to 2022
WORDS = ("talks will continue we are ready to negotiate the agreement must be respected our position has not "
         "changed sanctions will stay there is progress we reject the proposal the ceasefire holds").split()


@dataclass
class SyntheticPerson:
    first: str
    surname: str
    role: str | None

    @property
    def name(self) -> str:
        return f"{self.first} {self.surname}"


def synthetic_people(count: int, rng: np.random.Generator) -> list[SyntheticPerson]:
    """Invented people whose surnames are shared Zipf-wise (a few very common, most rare)."""
    import random

    pick = random.Random(int(rng.integers(1 << 30)))

    def word(parts: int) -> str:
        return "".join(pick.choice(SYLLABLES) for _ in range(parts)).capitalize()

    surnames = sorted({word(pick.randint(2, 3)) + pick.choice(SURNAME_ENDINGS)
                       for _ in range(max(count // 5, 10))})
    firsts = sorted({word(2) for _ in range(600)})
    surname_weights = 1 / (1 + rng.permutation(len(surnames))) ** 0.9
    surname_picks = rng.choice(len(surnames), size=count, p=surname_weights / surname_weights.sum())
    role_names = [r for r, _ in ROLES]
    role_weights = [w / sum(w for _, w in ROLES) for _, w in ROLES]
    role_picks = rng.choice(len(ROLES), size=count, p=role_weights)
    return [SyntheticPerson(pick.choice(firsts), surnames[s], role_names[r])
            for s, r in zip(surname_picks, role_picks, strict=True)]


def _bulk(connection: Connection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    raw = connection.connection.driver_connection
    assert raw is not None
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    quoted = ", ".join(f'"{c}"' for c in columns)
    raw.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)


def bulk_stories(connection: Connection, story_rows: list[tuple[Any, ...]], article_rows: list[tuple[Any, ...]],
                 actor_rows: list[tuple[Any, ...]]) -> None:
    """Write synthetic stories, their articles and the articles' actors, in their stored shape (`_bulk`)."""
    _bulk(connection, "stories", ("id", "title", "lead_article_id", "first_published_at", "updated_at", "queued_at"),
          story_rows)
    _bulk(connection, "articles", ("id", "feed_id", "guid", "url", "title", "published_at", "fetched_at", "text",
                                   "text_source", "content_hash", "analyzed_at", "story_id"), article_rows)
    _bulk(connection, "actors", ("article_id", "name", "kind", "mentions", "aliases", "role"), actor_rows)


def build_quotes_database(db: Database, quotes: int, *, people: int = 50_000, seed: int = 7,
                          echo: Callable[[str], object] = print) -> list[SyntheticPerson]:
    """Fill a migrated, empty database with `quotes` quotes shaped like the product's: five to an article,
    Zipf-distributed speakers over `people` invented names, 20% unattributed, 3% named by surname only; one or
    two countries named per article (the first few far more often) and one deadline per article on average.

    Speakers are linked by the product's rules (`bot.domain.people.Directory`, as when an analysis is saved) and
    written with `bot.storage.people.insert_people`; articles, actors and quotes are bulk-inserted in their shape.
    Returns the people quoted at least once, most quoted first.
    """
    import numpy as np
    from sqlalchemy import text

    from bot.domain.people import Directory, Person, Speaker
    from bot.storage.people import Tally, insert_people

    rng, cast, picks, kinds = _draw(quotes, people, seed)
    articles = max(quotes // 5, 1)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    minutes = np.sort(rng.integers(0, 60 * 24 * 365 * 3, size=articles))
    sqlite = db.engine.dialect.name == "sqlite"

    def stamp(moment: datetime) -> datetime | str:  # what the driver stores for a DateTime(timezone=True)
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else moment

    def day(value: date) -> date | str:  # and for a Date
        return value.isoformat() if sqlite else value

    directory = Directory()
    tallies: dict[int, Tally] = {}
    cache: dict[Speaker, Person] = {}
    started = time.perf_counter()
    # Who says each quote, linked as saving an analysis links them: (name written, person id) or None.
    said: list[tuple[str, int] | None] = []
    for q in range(quotes):
        person, kind = cast[int(picks[q])], kinds[q]
        if kind < 0.20:
            said.append(None)
            continue
        speaker = Speaker(person.surname if kind < 0.23 else person.name, role=person.role)
        linked = cache.get(speaker)
        if linked is None:
            linked, is_new, _ = directory.link(speaker)
            if is_new:
                linked.id = len(directory.people)
            cache[speaker] = linked
        assert linked.id is not None
        said.append((speaker.name, linked.id))
        article = min(q // 5, articles - 1)
        tallies.setdefault(linked.id, Tally()).add(start + timedelta(minutes=int(minutes[article])), article + 1)
    roles = {p.name: p.role for p in cast} | {p.surname: p.role for p in cast}
    countries = synthetic_countries()
    echo(f"  {len(directory.people):,} people linked ({time.perf_counter() - started:.0f} s)")
    feed_rows = [(i + 1, f"http://feeds.example/{i + 1}.xml", f"Wire {i + 1}", 0, False, stamp(start))
                 for i in range(1000)]
    article_rows: list[tuple[Any, ...]] = []
    story_rows: list[tuple[Any, ...]] = []
    actor_rows: list[tuple[Any, ...]] = []
    quote_rows: list[tuple[Any, ...]] = []
    deadline_rows: list[tuple[Any, ...]] = []
    pick = random.Random(seed)
    country_weights = [1 / (rank + 1) ** 1.1 for rank in range(len(countries))]
    with db.engine.begin() as connection:
        indexes = [] if sqlite else _drop_indexes(connection)
        _bulk(connection, "feeds", ("id", "url", "title", "consecutive_failures", "retired", "created_at"), feed_rows)
        # People first (quotes point at them), their newest article once the articles are there.
        insert_people(connection, directory.people,
                      {i: Tally(t.quotes, t.last_published, None) for i, t in tallies.items()})

        def flush() -> None:
            bulk_stories(connection, story_rows, article_rows, actor_rows)
            _bulk(connection, "quotes", ("article_id", "text", "start", '"end"' if not sqlite else "end", "direct",
                                         "speaker", "speaker_text", "cue", "speaker_id", "published_at"),
                  quote_rows)
            _bulk(connection, "deadlines", DEADLINE_COLUMNS if not sqlite
                  else tuple(c.strip('"') for c in DEADLINE_COLUMNS), deadline_rows)
            for rows in (story_rows, article_rows, actor_rows, quote_rows, deadline_rows):
                rows.clear()

        for a in range(articles):
            article_id = a + 1
            published = stamp(start + timedelta(minutes=int(minutes[a])))
            title = f"{WORDS[a % len(WORDS)].capitalize()} {WORDS[(a * 7) % len(WORDS)]} report {article_id}"
            story_rows.append((article_id, title, article_id, published, published, published))
            article_rows.append((article_id, 1 + a % 1000, f"g{article_id}", f"https://news.example/{article_id}",
                                 title, published, published, title + ".", "feed", f"h{article_id}", published,
                                 article_id))
            seen = set()
            for q in range(a * 5, min(a * 5 + 5, quotes) if a < articles - 1 else quotes):
                name, person_id = said[q] or (None, None)
                if name is not None and name not in seen:
                    seen.add(name)
                    actor_rows.append((article_id, name, "person", 1, "[]", roles.get(name)))
                words = " ".join(WORDS[(q * k) % len(WORDS)] for k in (3, 5, 11, 13))
                quote_rows.append((article_id, words, (q % 5) * 60, (q % 5) * 60 + len(words), True, name, name,
                                   "said", person_id, published))
            named = sorted(set(pick.choices(countries, country_weights, k=pick.choice((1, 1, 2)))))
            actor_rows.extend((article_id, country, "country", 1, "[]", None) for country in named)
            deadline_rows.extend(synthetic_deadlines(pick, article_id, start + timedelta(minutes=int(minutes[a])),
                                                     title, sorted(seen) + named, day, stamp))
            if len(quote_rows) >= 50_000:
                flush()
                if article_id % 200_000 < 10_000:
                    echo(f"  {article_id * 5:,} quotes written ({time.perf_counter() - started:.0f} s)")
        flush()
        connection.execute(text("UPDATE people SET last_article_id = :a WHERE id = :i"),
                           [{"a": t.last_article_id, "i": i} for i, t in tallies.items()])
        if indexes:
            echo(f"  rows written ({time.perf_counter() - started:.0f} s); building {len(indexes)} indexes")
        for definition in indexes:
            connection.exec_driver_sql(definition)
        if not sqlite:
            for table in ("feeds", "stories", "articles", "people"):
                connection.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                           f"(SELECT max(id) FROM {table}))")
        # Only the tables built here: a bare ANALYZE on PostgreSQL takes every schema's tables, and waits for (or
        # deadlocks with) whoever else is writing in the same database.
        connection.exec_driver_sql("ANALYZE" if sqlite else "ANALYZE feeds, stories, articles, actors, quotes, "
                                   "deadlines, people, person_name_tokens, person_words, person_token_grams")
    if not sqlite:  # the name index as autovacuum leaves it in a running database: index-only lookups
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE people, person_name_tokens, person_words")
    echo(f"  {quotes:,} quotes, {len(directory.people):,} people stored in {time.perf_counter() - started:.0f} s")
    return _quoted(cast, picks, kinds)


def _draw(quotes: int, people: int, seed: int) -> tuple[np.random.Generator, list[SyntheticPerson], np.ndarray,
                                                       np.ndarray]:
    """The invented cast, who says each quote and how they are named (< 0.20 unattributed, < 0.23 surname
    only), drawn from `seed`; the generator goes on to draw the rest of the database."""
    import numpy as np

    rng = np.random.default_rng(seed)
    cast = synthetic_people(people, rng)
    weights = 1 / np.arange(1, len(cast) + 1) ** 1.07
    picks = rng.choice(len(cast), size=quotes, p=weights / weights.sum())
    kinds = rng.random(quotes)
    return rng, cast, picks, kinds


def _quoted(cast: list[SyntheticPerson], picks: np.ndarray, kinds: np.ndarray) -> list[SyntheticPerson]:
    """The people quoted at least once, most quoted first."""
    import numpy as np

    return [cast[int(i)] for i in np.unique(picks[kinds >= 0.20])]


def synthetic_cast(quotes: int, seed: int, people: int = 50_000) -> list[SyntheticPerson]:
    """The people quoted at least once in the database `build_quotes_database` builds with these arguments."""
    _, cast, picks, kinds = _draw(quotes, people, seed)
    return _quoted(cast, picks, kinds)


def _drop_indexes(connection: Connection) -> list[str]:
    """On PostgreSQL, drop the schema's indexes that no constraint owns and skip the foreign-key checks for this
    transaction (the synthetic rows are consistent by construction): a bulk load builds each index once at the
    end, several times faster than keeping ten of them up to date over 10M rows. Returns the statements that
    create the indexes again."""
    rows = connection.exec_driver_sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename IN ('stories', 'articles', 'actors', 'quotes', 'deadlines', 'people', "
        "'person_name_tokens', 'person_words') "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)").all()
    for name, _ in rows:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    if connection.exec_driver_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar():
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
    connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
    return [definition for _, definition in rows]


DEADLINE_COLUMNS = ("article_id", "text", "start", '"end"', "due", "due_date", "kind", "action", "actor", "search_text",
                    "published_at")


def synthetic_countries() -> list[str]:
    """Country names as articles name them, the most written about first."""
    from bot.analysis.places import COUNTRIES

    return list(COUNTRIES)


def synthetic_deadlines(pick: random.Random, article_id: int, published: datetime, title: str, actors: list[str],
                        as_day: Callable[[date], object], stamp: Callable[[datetime], object]) -> list[tuple[Any, ...]]:
    """None to two deadlines of one article (one on average): a due day within a year of publication (70%),
    a span of days (15%) or a condition without a date (15%); the actor is one the article names. Each comes
    with its search text, as saving an analysis writes it."""
    from bot.storage.deadline_index import deadline_search_text

    rows: list[tuple[Any, ...]] = []
    for _ in range(pick.choice((0, 1, 1, 2))):
        action = pick.choice(DEADLINE_ACTIONS)
        actor = pick.choice(actors) if actors and pick.random() < 0.8 else None
        roll = pick.random()
        if roll < 0.85:
            days = pick.randint(1, 400) if roll < 0.7 else pick.choice((7, 10, 14, 30, 60, 90))
            due = (published + timedelta(days=days)).date()
            text = f"by {due:%d %B %Y}" if roll < 0.7 else f"within {days} days"
            due_text: str | None = due.isoformat()
            kind = "date" if roll < 0.7 else "duration"
        else:
            due, due_text, kind, text = None, None, "condition", "until the talks are over"
        rows.append((article_id, text, 0, len(text), due_text, None if due is None else as_day(due), kind, action,
                     actor, deadline_search_text(text, action, actor, title, actors), stamp(published)))
    return rows


def deadline_queries(cast: list[SyntheticPerson], count: int, seed: int = 13) -> dict[str, list[tuple[str | None, str | None]]]:
    """`count` (topic, when) pairs of each kind: no topic, a country most articles name, the surname of someone
    quoted once or twice, a word no deadline has; with and without a date range."""
    import numpy as np

    rng = np.random.default_rng(seed)
    frequent = synthetic_countries()[:5]
    rare = [p.surname for p in cast[-max(len(cast) // 10, 1):]]

    def absent() -> str:
        return "Qx" + "".join(rng.choice(list("bcdfgklmnprstvz")) for _ in range(6))

    topics = {"all": lambda: None, "frequent topic": lambda: frequent[int(rng.integers(len(frequent)))],
              "rare topic": lambda: rare[int(rng.integers(len(rare)))], "absent topic": absent}
    queries: dict[str, list[tuple[str | None, str | None]]] = {}
    for kind in DEADLINE_QUERY_KINDS:
        topic, _, when = kind.partition(", ")
        queries[kind] = [(topics[topic](), when or None) for _ in range(count)]
    return queries


def who_said_queries(cast: list[SyntheticPerson], count: int, seed: int = 11) -> dict[str, list[str]]:
    """`count` typed names of each kind, half for much-quoted people and half for anyone."""
    import numpy as np

    rng = np.random.default_rng(seed)
    quoted = [cast[i] for i in range(min(200, len(cast)))]

    def someone() -> SyntheticPerson:
        return quoted[int(rng.integers(len(quoted)))] if rng.random() < 0.5 else cast[int(rng.integers(len(cast)))]

    def misspelt(word: str) -> str:
        i = int(rng.integers(1, len(word) - 1))
        return word[:i] + word[i + 1] + word[i] + word[i + 2:] if rng.random() < 0.5 else word[:i] + word[i + 1:]

    queries: dict[str, list[str]] = {kind: [] for kind in QUERY_KINDS}
    for _ in range(count):
        person = someone()
        queries["exact"].append(person.name)
        queries["surname"].append(someone().surname)
        titled = next(p for p in iter(someone, None) if p.role)
        queries["title + name"].append(f"{titled.role} {titled.surname}")
        mistaken = someone()
        queries["typo"].append(f"{mistaken.first} {misspelt(mistaken.surname)}" if rng.random() < 0.5
                               else misspelt(mistaken.surname))
        queries["absent"].append("Qx" + "".join(rng.choice(list("bcdfgklmnprstvz")) for _ in range(6)))
    return queries


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def deadlines_table(db: Database, settings: Settings, cast: list[SyntheticPerson], queries: int, where: str) -> Table:
    """/deadlines answer times (p50, p95, max) for each kind of query."""
    from bot.slack.commands import CommandContext
    from bot.slack.commands.deadlines import DeadlinesArgs, answer

    with db.session() as session:
        from sqlalchemy import func, select

        from bot.storage.models import DeadlineRow

        stored = session.scalar(select(func.count()).select_from(DeadlineRow)) or 0
    ctx = CommandContext(now=datetime.combine(DEADLINES_TODAY, datetime.min.time(), tzinfo=UTC))
    table = Table(title=f"/deadlines over {stored:,} deadlines of {where}; today {DEADLINES_TODAY}; "
                        f"{queries} queries each, ms")
    for column in ("query", "p50", "p95", "max", "example", "answer"):
        table.add_column(column, justify="left" if column in ("query", "example", "answer") else "right")
    for kind, asked in deadline_queries(cast, queries).items():
        answer(db, settings, DeadlinesArgs(*asked[0]), ctx)  # warm the connection and caches
        times, results = [], []
        for topic, when in asked:
            began = time.perf_counter()
            result = answer(db, settings, DeadlinesArgs(topic, when), ctx)
            times.append((time.perf_counter() - began) * 1000)
            results.append(result.text)
        table.add_row(kind, f"{percentile(times, 0.5):.1f}", f"{percentile(times, 0.95):.1f}", f"{max(times):.1f}",
                      " ".join(w for w in asked[0] if w) or "-", results[0][:60])
    return table


BUILT_MARK = "bench_who_said_built"  # a table written last: the synthetic database is whole


def reused_name(quotes: int, seed: int) -> str:
    """The name of a kept synthetic database of this shape (a PostgreSQL schema, or a SQLite file's stem)."""
    return f"bench_who_said_{quotes}_{seed}"


def _is_built(db: Database, mark: str = BUILT_MARK) -> bool:
    from sqlalchemy import inspect

    return inspect(db.engine).has_table(mark)


def _has_rows(db: Database) -> bool:
    from sqlalchemy import select

    from bot.storage.models import FeedRow

    with db.session() as session:
        return session.scalar(select(FeedRow.id).limit(1)) is not None


def _mark_built(db: Database, quotes: int, seed: int, mark: str = BUILT_MARK) -> None:
    with db.engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE TABLE {mark} (quotes integer, seed integer)")
        connection.exec_driver_sql(f"INSERT INTO {mark} VALUES ({int(quotes)}, {int(seed)})")


@contextmanager
def bench_database(name: str, database_url: str | None, *, reuse: bool, keep: bool,
                   mark: str = BUILT_MARK) -> Iterator[tuple[Database, str, bool]]:
    """A migrated database for a bench, as (database, where it is, whether a whole kept one is there): SQLite in a
    temporary folder, or a fresh schema of the PostgreSQL database at `database_url`, dropped afterwards.

    With `reuse`, the database is named `name` (schema, or that file in the temporary folder) and kept; `built`
    says it holds a whole build (the table `mark`, written by `_mark_built`), and a partial one is refused.
    """
    import shutil
    import uuid

    from sqlalchemy import create_engine, text

    from bot.storage import Database, normalise_url

    keep = keep or reuse
    folder = (tempfile.gettempdir() if reuse else tempfile.mkdtemp(prefix="diplobot-bench-"))
    schema = None
    if database_url and not database_url.startswith("sqlite"):
        url = normalise_url(database_url)
        schema = name if reuse else "bench_" + uuid.uuid4().hex[:10]
        admin = create_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        db = Database(create_engine(url, connect_args={"options": f"-csearch_path={schema}"}))
        where = f"PostgreSQL, schema {schema}"
    else:
        admin = None
        db = Database.connect(database_url or f"sqlite:///{Path(folder) / (f'{name}.db' if reuse else 'bench.db')}")
        where = f"SQLite {db.engine.url.database}"
    try:
        built = reuse and _is_built(db, mark)
        db.upgrade()
        if reuse and not built and _has_rows(db):
            raise RuntimeError(f"{where} holds an unfinished build: drop it and run again")
        yield db, where, built
    finally:
        db.dispose()
        if admin is not None and schema is not None and not keep:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        if admin is not None:
            admin.dispose()
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def timed_row(table: Table, kind: str, asked: Sequence[Any], run: Callable[[Any], str], example: str) -> None:
    """Ask each of `asked` once (after one unmeasured ask that warms the connection and caches) and add a row of
    wall-clock and CPU (this process's) milliseconds: p50, p95, max, CPU p50, CPU p95, then the example and the
    first answer's text."""
    run(asked[0])
    times, cpu, results = [], [], []
    for one in asked:
        began, began_cpu = time.perf_counter(), time.process_time()
        results.append(run(one))
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    table.add_row(kind, f"{percentile(times, 0.5):.1f}", f"{percentile(times, 0.95):.1f}", f"{max(times):.1f}",
                  f"{percentile(cpu, 0.5):.1f}", f"{percentile(cpu, 0.95):.1f}", example, results[0][:60])


TIMED_COLUMNS = ("query", "p50", "p95", "max", "CPU p50", "CPU p95", "example", "answer")


def timed_table(title: str) -> Table:
    table = Table(title=title)
    for column in TIMED_COLUMNS:
        table.add_column(column, justify="left" if column in ("query", "example", "answer") else "right")
    return table


def run_who_said_bench(quotes: int, database_url: str | None = None, queries: int = 100, seed: int = 7,
                       keep: bool = False, reuse: bool = False) -> int:
    """Build a synthetic database of `quotes` quotes (SQLite in a temporary folder, or a fresh schema of the
    PostgreSQL database at `database_url`, dropped afterwards) and time /who-said answers by kind of name.

    With `reuse`, the database is named by its shape (schema `bench_who_said_<quotes>_<seed>`, or that file in
    the temporary folder), built only when no whole one is there, brought to the current migrations, and kept:
    10M quotes take long to build. Drop the schema (or delete the file) to build it again.
    """
    from bot.slack.commands import CommandContext
    from bot.slack.commands.who_said import WhoSaidArgs, answer

    console = Console(width=150)
    with bench_database(reused_name(quotes, seed), database_url, reuse=reuse, keep=keep) as (db, where, built):
        if built:
            console.print(f"reusing the {quotes:,} quotes already built in {where}")
            cast = synthetic_cast(quotes, seed)
        else:
            console.print(f"building {quotes:,} quotes in {where}")
            cast = build_quotes_database(db, quotes, seed=seed, echo=console.print)
            if reuse:
                _mark_built(db, quotes, seed)
        settings = Settings(_env_file=None, database_url=db.url)  # type: ignore[call-arg]
        ctx = CommandContext()
        table = timed_table(f"/who-said over {quotes:,} quotes ({where}); {os.cpu_count()} CPUs, load "
                            f"{os.getloadavg()[0]:.1f}; {queries} queries each, ms (CPU: this process's)")
        for kind, typed in who_said_queries(cast, queries, seed).items():
            timed_row(table, kind, typed, lambda name: answer(db, settings, WhoSaidArgs(name), ctx).text, typed[0])
        console.print(table)
        console.print(deadlines_table(db, settings, cast, queries, f"{quotes:,} quotes ({where})"))
    return 0


if __name__ == "__main__":
    _worker(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
