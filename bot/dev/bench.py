"""`diplobot bench`: analysis throughput and peak memory against raw spaCy, on the same texts, in one run;
`diplobot bench who-said`: /who-said latency on a synthetic database of realistic shape.

Each pipeline runs in a child process of its own so that its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
        console.print("[yellow]naive peer skipped: textacy is not installed (pip install -e '.[bench]')[/]")
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


def build_quotes_database(db: Database, quotes: int, *, people: int = 50_000, seed: int = 7,
                          echo: Callable[[str], object] = print) -> list[SyntheticPerson]:
    """Fill a migrated, empty database with `quotes` quotes shaped like the product's: five to an article,
    Zipf-distributed speakers over `people` invented names, 20% unattributed, 3% named by surname only.

    Speakers are linked by the product's rules (`bot.domain.people.Directory`, as when an analysis is saved) and
    written with `bot.storage.people.insert_people`; articles, actors and quotes are bulk-inserted in their shape.
    Returns the people quoted at least once, most quoted first.
    """
    import numpy as np
    from sqlalchemy import text

    from bot.domain.people import Directory, Person, Speaker
    from bot.storage.people import Tally, insert_people

    rng = np.random.default_rng(seed)
    cast = synthetic_people(people, rng)
    weights = 1 / np.arange(1, len(cast) + 1) ** 1.07
    picks = rng.choice(len(cast), size=quotes, p=weights / weights.sum())
    kinds = rng.random(quotes)  # < 0.20 unattributed, < 0.23 surname only
    articles = max(quotes // 5, 1)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    minutes = np.sort(rng.integers(0, 60 * 24 * 365 * 3, size=articles))
    sqlite = db.engine.dialect.name == "sqlite"

    def stamp(moment: datetime) -> datetime | str:  # what the driver stores for a DateTime(timezone=True)
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else moment

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
    echo(f"  {len(directory.people):,} people linked ({time.perf_counter() - started:.0f} s)")
    feed_rows = [(i + 1, f"http://feeds.example/{i + 1}.xml", f"Wire {i + 1}", 0, False, stamp(start))
                 for i in range(1000)]
    article_rows: list[tuple[Any, ...]] = []
    story_rows: list[tuple[Any, ...]] = []
    actor_rows: list[tuple[Any, ...]] = []
    quote_rows: list[tuple[Any, ...]] = []
    with db.engine.begin() as connection:
        _bulk(connection, "feeds", ("id", "url", "title", "consecutive_failures", "retired", "created_at"), feed_rows)
        # People first (quotes point at them), their newest article once the articles are there.
        insert_people(connection, directory.people,
                      {i: Tally(t.quotes, t.last_published, None) for i, t in tallies.items()})

        def flush() -> None:
            _bulk(connection, "stories", ("id", "title", "lead_article_id", "first_published_at", "updated_at",
                                          "queued_at"), story_rows)
            _bulk(connection, "articles", ("id", "feed_id", "guid", "url", "title", "published_at", "fetched_at",
                                           "text", "text_source", "content_hash", "analyzed_at", "story_id"),
                  article_rows)
            _bulk(connection, "actors", ("article_id", "name", "kind", "mentions", "aliases", "role"), actor_rows)
            _bulk(connection, "quotes", ("article_id", "text", "start", '"end"' if not sqlite else "end", "direct",
                                         "speaker", "speaker_text", "cue", "speaker_id", "published_at"),
                  quote_rows)
            for rows in (story_rows, article_rows, actor_rows, quote_rows):
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
            if len(quote_rows) >= 50_000:
                flush()
                if article_id % 200_000 < 10_000:
                    echo(f"  {article_id * 5:,} quotes written ({time.perf_counter() - started:.0f} s)")
        flush()
        connection.execute(text("UPDATE people SET last_article_id = :a WHERE id = :i"),
                           [{"a": t.last_article_id, "i": i} for i, t in tallies.items()])
        if not sqlite:
            for table in ("feeds", "stories", "articles", "people"):
                connection.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                           f"(SELECT max(id) FROM {table}))")
        connection.exec_driver_sql("ANALYZE")
    echo(f"  {quotes:,} quotes, {len(directory.people):,} people stored in {time.perf_counter() - started:.0f} s")
    quoted = sorted({int(i) for i, k in zip(picks, kinds, strict=True) if k >= 0.20})
    return [cast[i] for i in quoted]


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


def run_who_said_bench(quotes: int, database_url: str | None = None, queries: int = 100, seed: int = 7,
                       keep: bool = False) -> int:
    """Build a synthetic database of `quotes` quotes (SQLite in a temporary folder, or a fresh schema of the
    PostgreSQL database at `database_url`, dropped afterwards) and time /who-said answers by kind of name."""
    import shutil
    import uuid

    from sqlalchemy import create_engine, text

    from bot.slack.commands import CommandContext
    from bot.slack.commands.who_said import WhoSaidArgs, answer
    from bot.storage import Database, normalise_url

    console = Console(width=150)
    folder = tempfile.mkdtemp(prefix="diplobot-bench-")
    schema = None
    if database_url and not database_url.startswith("sqlite"):
        url = normalise_url(database_url)
        schema = "bench_" + uuid.uuid4().hex[:10]
        admin = create_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        db = Database(create_engine(url, connect_args={"options": f"-csearch_path={schema}"}))
        where = f"PostgreSQL, schema {schema}"
    else:
        admin = None
        db = Database.connect(database_url or f"sqlite:///{Path(folder) / 'bench.db'}")
        where = f"SQLite {db.engine.url.database}"
    try:
        db.upgrade()
        console.print(f"building {quotes:,} quotes in {where}")
        cast = build_quotes_database(db, quotes, seed=seed, echo=console.print)
        settings = Settings(_env_file=None, database_url=db.url)  # type: ignore[call-arg]
        ctx = CommandContext()
        table = Table(title=f"/who-said over {quotes:,} quotes ({where}); {os.cpu_count()} CPUs; "
                            f"{queries} queries each, ms")
        for column in ("query", "p50", "p95", "max", "example", "answer"):
            table.add_column(column, justify="left" if column in ("query", "example", "answer") else "right")
        for kind, typed in who_said_queries(cast, queries, seed).items():
            answer(db, settings, WhoSaidArgs(typed[0]), ctx)  # warm the connection and caches
            times, results = [], []
            for name in typed:
                began = time.perf_counter()
                result = answer(db, settings, WhoSaidArgs(name), ctx)
                times.append((time.perf_counter() - began) * 1000)
                results.append(result.text)
            table.add_row(kind, f"{percentile(times, 0.5):.1f}", f"{percentile(times, 0.95):.1f}",
                          f"{max(times):.1f}", typed[0], results[0][:60])
        console.print(table)
    finally:
        db.dispose()
        if admin is not None and schema is not None and not keep:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    _worker(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
