"""`diplobot eval identity`: is each quote given to the right person, and does `/who-said` answer the person meant?

eval/identity.jsonl holds PolNeAR train/dev article ids, character offsets and labels only: the texts are
rebuilt from the corpus snapshot (POLNEAR_GIT) at run time and checked against the hashes stored with the set.
Speakers: each labelled direct quote is matched to the analysis's direct quote that overlaps it most (overlap
>= 0.3, as the shared PolNeAR scorer); strict = the predicted canonical name is the labelled person's full name
(or the fullest name the article gives, when it gives no full name), lenient = the shared scorer's rule (the
speaker span overlaps the gold source, or the name shares a name word with the person's). A quote not found
counts as wrong in both. Queries: the set's articles are served as feeds on 127.0.0.1, polled with
`diplobot poll` into a scratch database, and each query is asked with `diplobot ask "/who-said …"`.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from bot.dev.evaluation.labelled_sets import labelled_set_path

if TYPE_CHECKING:
    from rich.console import Console
    from spacy.language import Language

    from bot.config import Settings

REPO = Path(__file__).resolve().parents[3]
LABELLED_SET = labelled_set_path("identity.jsonl")
RESERVED_SPLITS = frozenset({"test"})
MIN_OVERLAP = 0.3
ASK_TIMEOUT_SECONDS = 300
POLL_TIMEOUT_SECONDS = 3600


class SnapshotMismatch(RuntimeError):
    """The corpus snapshot does not hold the texts the set was labelled on."""


@dataclass(frozen=True)
class ArticleRef:
    id: str
    split: str
    text_sha256: str


@dataclass(frozen=True)
class LabelledQuote:
    """A direct quote's content span and the person who said it."""

    article: str
    start: int
    end: int
    speaker: str
    source_start: int | None = None
    source_end: int | None = None
    aliases: tuple[str, ...] = ()  # other names of the person (from the set's person lines)
    role: str | None = None
    mention: str = ""  # how the article names the speaker: full name, surname, pronoun, title and surname, …
    article_name: str | None = None  # the fullest name the article gives, when it never gives the full name
    span_sha256: str | None = None

    def names(self) -> tuple[str, ...]:
        """Every name under which this person counts as named right."""
        return (self.speaker, *self.aliases, *([self.article_name] if self.article_name else []))


@dataclass(frozen=True)
class WhoSaidQuery:
    """A `/who-said` query, the people its answer must name and those it must not."""

    query: str
    must: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()
    why: str = ""


@dataclass(frozen=True)
class IdentitySet:
    commit: str | None
    articles: dict[str, ArticleRef]
    quotes: tuple[LabelledQuote, ...]
    queries: tuple[WhoSaidQuery, ...]
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # person -> other names the articles give

    def people(self) -> dict[str, tuple[str, ...]]:
        """Every labelled or queried person with the names they go by."""
        everyone = {q.speaker for q in self.quotes} | {p for q in self.queries for p in (*q.must, *q.must_not)}
        return {person: (person, *self.aliases.get(person, ())) for person in sorted(everyone)}


def load_set(path: Path = LABELLED_SET) -> IdentitySet:
    """The labelled set; a line of a reserved split is refused."""
    commit, articles, quotes, queries, aliases = None, {}, [], [], {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        row = json.loads(raw)
        kind = row.get("kind")
        if row.get("split") in RESERVED_SPLITS:
            raise ValueError(f"{path}:{number}: split {row['split']!r} is reserved for release checks")
        if kind == "set":
            commit = row.get("commit")
        elif kind == "person":
            aliases[row["name"]] = tuple(row.get("aliases", ()))
        elif kind == "article":
            articles[row["id"]] = ArticleRef(row["id"], row["split"], row["text_sha256"])
        elif kind == "quote":
            quotes.append(LabelledQuote(
                article=row["article"], start=row["start"], end=row["end"], speaker=row["speaker"],
                source_start=row.get("source_start"), source_end=row.get("source_end"),
                role=row.get("role"), mention=row.get("mention", ""),
                article_name=row.get("article_name"), span_sha256=row.get("span_sha256")))
        elif kind == "query":
            queries.append(WhoSaidQuery(row["query"], tuple(row.get("must", ())), tuple(row.get("must_not", ())),
                                        row.get("why", "")))
        else:
            raise ValueError(f"{path}:{number}: unknown kind {kind!r}")
    missing = sorted({q.article for q in quotes} - set(articles))
    if missing:
        raise ValueError(f"{path}: quotes of articles not listed: {', '.join(missing[:3])}")
    quotes = [replace(q, aliases=aliases.get(q.speaker, ())) for q in quotes]
    return IdentitySet(commit, articles, tuple(quotes), tuple(queries), aliases)


def short_sha(text: str) -> str:
    """The first 16 hex digits of the text's SHA-256: how the set names a text without holding it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# --- the corpus snapshot ---------------------------------------------------------------------------------------


def _git(git_dir: str, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(["git", "--git-dir", git_dir, *args], input=data, capture_output=True,
                          check=True).stdout


def _read_blobs(git_dir: str, paths: Sequence[str]) -> dict[str, bytes | None]:
    """The files at HEAD in one `git cat-file --batch`; None for a path the snapshot lacks."""
    out = _git(git_dir, "cat-file", "--batch", data="".join(f"HEAD:{p}\n" for p in paths).encode())
    blobs: dict[str, bytes | None] = {}
    position = 0
    for path in paths:
        header_end = out.index(b"\n", position)
        header = out[position:header_end].split()
        if len(header) < 3 or header[1] != b"blob":
            blobs[path] = None
            position = header_end + 1
            continue
        size = int(header[2])
        blobs[path] = out[header_end + 1:header_end + 1 + size]
        position = header_end + 1 + size + 1
    return blobs


def read_texts(git_dir: str, identity_set: IdentitySet) -> dict[str, str]:
    """Every article text of the set, checked against the set's hashes; SnapshotMismatch names what differs."""
    paths = {ref.id: f"data/{ref.split}/text/{ref.id}.txt" for ref in identity_set.articles.values()}
    blobs = _read_blobs(git_dir, list(paths.values()))
    texts, problems = {}, []
    for article_id, path in paths.items():
        blob = blobs[path]
        if blob is None:
            problems.append(f"{path} is missing")
            continue
        text = blob.decode("utf-8")
        if short_sha(text) != identity_set.articles[article_id].text_sha256:
            problems.append(f"{path} has other text than the set was labelled on")
            continue
        texts[article_id] = text
    for quote in identity_set.quotes:
        article_text = texts.get(quote.article)
        if article_text is None:
            continue
        span = article_text[quote.start:quote.end]
        if quote.end > len(article_text) or (quote.span_sha256 and short_sha(span) != quote.span_sha256):
            problems.append(f"{quote.article} [{quote.start}:{quote.end}] is not the labelled span")
    if problems:
        wanted = f" (the set was labelled on commit {identity_set.commit})" if identity_set.commit else ""
        raise SnapshotMismatch(f"POLNEAR_GIT={git_dir} differs from the snapshot of the identity set{wanted}: "
                               + "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else ""))
    return texts


def read_metadata(git_dir: str) -> dict[str, dict[str, str]]:
    """PolNeAR's data/metadata.tsv by article id (title, publisher, publication_date, …)."""
    rows = csv.DictReader(io.StringIO(_git(git_dir, "show", "HEAD:data/metadata.tsv").decode("utf-8")),
                          delimiter="\t")
    return {row["filename"]: row for row in rows}


# --- scoring speakers ------------------------------------------------------------------------------------------

TITLE_WORDS = frozenset(
    "mr mrs ms miss dr sir president vice former sen senator rep representative gov governor secretary speaker "
    "justice judge king queen prince minister chairman chairwoman the house state of".split())


def name_key(name: str) -> str:
    """A name as compared: accents, case, punctuation, parenthesised roles and titles dropped."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    plain = re.sub(r"\([^)]*\)", " ", plain)
    words = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", plain.replace("’", "'"))
    while words and words[0] in TITLE_WORDS:
        words = words[1:]
    return " ".join(words)


def _name_words(name: str) -> set[str]:
    return {w for w in name_key(name).split() if len(w) > 2 and w not in TITLE_WORDS and w != "jr"}


def strict_match(predicted: str | None, quote: LabelledQuote) -> bool:
    """The predicted canonical name is the labelled person's."""
    return bool(predicted) and name_key(predicted or "") in {name_key(n) for n in quote.names()}


def lenient_match(prediction: Mapping[str, Any], quote: LabelledQuote) -> bool:
    """The shared scorer's rule: the speaker span overlaps the gold source, or the name shares a name word."""
    start, end = prediction.get("speaker_start"), prediction.get("speaker_end")
    if start is not None and end is not None and quote.source_start is not None and quote.source_end is not None:
        if min(end, quote.source_end) > max(start, quote.source_start):
            return True
    predicted = prediction.get("speaker")
    if not predicted:
        return False
    return bool(_name_words(predicted) & set().union(*(_name_words(n) for n in quote.names())))


def overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Shared characters over the longer span."""
    shared = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return shared / max(a[1] - a[0], b[1] - b[0], 1)


@dataclass
class SpeakerScores:
    total: int = 0
    found: int = 0
    strict: int = 0
    lenient: int = 0
    by_mention: dict[str, list[int]] = field(default_factory=dict)  # mention -> [quotes, strict right]
    wrong: list[tuple[LabelledQuote, str | None]] = field(default_factory=list)  # (quote, predicted or None)

    def as_dict(self) -> dict[str, Any]:
        def share(n: int, of: int) -> float:
            return round(n / of, 3) if of else 0.0

        return {"quotes": self.total, "found": self.found, "strict_accuracy": share(self.strict, self.total),
                "lenient_accuracy": share(self.lenient, self.total),
                "strict_of_found": share(self.strict, self.found), "lenient_of_found": share(self.lenient, self.found),
                "strict_by_mention": {k: f"{v[1]}/{v[0]}" for k, v in sorted(self.by_mention.items())}}


def score_speakers(quotes: Iterable[LabelledQuote],
                   predictions: Mapping[str, Sequence[Mapping[str, Any]]]) -> SpeakerScores:
    """Strict and lenient speaker accuracy over the labelled quotes; a quote not found is wrong."""
    scores = SpeakerScores()
    for quote in quotes:
        scores.total += 1
        tally = scores.by_mention.setdefault(quote.mention or "unknown", [0, 0])
        tally[0] += 1
        span = (quote.start, quote.end)
        candidates = [p for p in predictions.get(quote.article, ()) if p.get("direct", True)
                      and overlap((p["start"], p["end"]), span) >= MIN_OVERLAP]
        if not candidates:
            scores.wrong.append((quote, None))
            continue
        scores.found += 1
        best = max(candidates, key=lambda p: overlap((p["start"], p["end"]), span))
        if strict_match(best.get("speaker"), quote):
            scores.strict += 1
            tally[1] += 1
        else:
            scores.wrong.append((quote, best.get("speaker") or "(no speaker)"))
        scores.lenient += lenient_match(best, quote)
    return scores


def analyze_texts(nlp: Language, texts: Mapping[str, str], batch_size: int) -> dict[str, list[dict[str, Any]]]:
    """The quotes of each text through the analyze contract (the product's own analysis)."""
    from bot.dev.evaluation.contract import lines_of, run_contract

    lines = io.StringIO("".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in texts.items()))
    out = io.StringIO()
    run_contract(nlp, lines_of([("identity", lines)]), out, io.StringIO(), batch_size=batch_size)
    results = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    return {r["id"]: r.get("quotes", []) for r in results}


# --- judging /who-said answers ---------------------------------------------------------------------------------

_BUTTON = re.compile(r"\[ (.+?) \]")
_SOURCE_LINE = re.compile(r"\d{4}-\d{2}-\d{2} · ")
_NO_QUOTES = re.compile(r"\bno (?:more )?quotes\b", re.IGNORECASE)


@dataclass
class QueryResult:
    query: WhoSaidQuery
    returned: list[str]
    problems: list[str]
    answer: str

    @property
    def right(self) -> bool:
        return not self.problems


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", text).lower())


def _name_segments(answer: str) -> tuple[list[str], list[str]]:
    """(where the answer names people, the quotes it shows): quote lines and source lines set apart."""
    segments, shown = [], []
    for line in answer.splitlines():
        stripped = line.strip()
        if stripped.startswith("│"):
            shown.append(stripped.lstrip("│ "))
            continue
        if _SOURCE_LINE.match(stripped):  # a quote's "date · article · source" line
            continue
        for label in _BUTTON.findall(stripped):
            segments.append(label.split(" — ")[0])
        segments.append(_BUTTON.sub(" ", stripped).split(" — ")[0])
    return [re.sub(r"\([^)]*\)", " ", s) for s in segments], shown


def people_named(answer: str, people: Mapping[str, Iterable[str]]) -> list[str]:
    """The people (by full name or alias) that the answer names outside the quotes it shows."""
    segments, _ = _name_segments(answer)
    keys = [f" {name_key(s)} " for s in segments]
    named = []
    for person, names in people.items():
        wanted = [f" {name_key(n)} " for n in names if len(name_key(n).split()) >= 2]
        if any(w in k for w in wanted for k in keys):
            named.append(person)
    return sorted(named)


def speakers_of_shown_quotes(answer: str, quotes: Iterable[LabelledQuote], texts: Mapping[str, str]) -> list[str]:
    """The labelled speakers of the set's quotes that the answer shows (matched on their words)."""
    _, shown = _name_segments(answer)
    labelled = [(_letters(texts[q.article][q.start:q.end]), q.speaker) for q in quotes if q.article in texts]
    speakers = []
    for line in shown:
        for piece in re.split(r"…|\.\.\.", line):
            key = _letters(piece)
            for content, speaker in labelled:
                if key == content or (min(len(key), len(content)) >= 20 and (key[:40] in content or content[:40] in key)):
                    speakers.append(speaker)
    return sorted(set(speakers))


def judge_answer(query: WhoSaidQuery, answer: str, people: Mapping[str, Iterable[str]],
                 quotes: Iterable[LabelledQuote] = (), texts: Mapping[str, str] | None = None) -> QueryResult:
    """Right when every must person is named, no must-not person is named or quoted, and nothing is invented."""
    everyone = {**people, **{p: (p,) for p in (*query.must, *query.must_not) if p not in people}}
    returned = people_named(answer, everyone)
    problems = [f"does not name {p}" for p in query.must if p not in returned]
    problems += [f"names {p}" for p in query.must_not if p in returned]
    shown_by = speakers_of_shown_quotes(answer, quotes, texts or {})
    problems += [f"shows a quote by {p}" for p in shown_by if p in query.must_not]
    if len(query.must) == 1:
        problems += [f"shows a quote by {p}" for p in shown_by if p != query.must[0] and p not in query.must_not]
    if query.must and _NO_QUOTES.search(answer):
        problems.append("says it has no quotes")
    if not query.must and _name_segments(answer)[1]:
        problems.append("shows quotes for a person no article quotes")
    return QueryResult(query, returned, problems, answer)


# --- the product, end to end -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedArticle:
    id: str
    feed: str
    title: str
    text: str
    published: datetime


def feed_articles(texts: Mapping[str, str], metadata: Mapping[str, Mapping[str, str]]) -> list[FeedArticle]:
    """The set's articles as feed items: one feed per publisher, the corpus's titles and dates."""
    articles = []
    for article_id, text in sorted(texts.items()):
        meta = metadata.get(article_id, {})
        publisher = meta.get("publisher") or article_id.split("_", 1)[0]
        day = meta.get("publication_date") or article_id.split("_")[1]
        published = datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)
        title = meta.get("title") or article_id
        articles.append(FeedArticle(article_id, publisher, title, text, published))
    return articles


def rss_document(feed: str, items: Sequence[FeedArticle], base_url: str) -> bytes:
    """An RSS 2.0 feed carrying each article's full text as paragraphs in content:encoded."""
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n',
             '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n',
             f"<title>{escape(feed)}</title>\n<link>{escape(base_url)}/</link>\n",
             f"<description>identity set articles of {escape(feed)}</description>\n"]
    for item in items:
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", item.text) if p.strip()]
        body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        link = f"{base_url}/articles/{item.id}"
        parts.append("<item>\n"
                     f"<title>{escape(item.title)}</title>\n<link>{escape(link)}</link>\n"
                     f'<guid isPermaLink="false">{escape(item.id)}</guid>\n'
                     f"<pubDate>{format_datetime(item.published, usegmt=True)}</pubDate>\n"
                     f"<description>{escape(html.escape(paragraphs[0][:300] if paragraphs else ''))}</description>\n"
                     f"<content:encoded>{escape(body)}</content:encoded>\n</item>\n")
    parts.append("</channel>\n</rss>\n")
    return "".join(parts).encode("utf-8")


class _FeedHandler(BaseHTTPRequestHandler):
    documents: dict[str, bytes] = {}

    def do_GET(self) -> None:
        body = self.documents.get(self.path.split("?", 1)[0])
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve_feeds(articles: Sequence[FeedArticle]) -> Iterator[list[str]]:
    """Serve the articles as one RSS feed per publisher on a free 127.0.0.1 port; yield the feed URLs."""
    by_feed: dict[str, list[FeedArticle]] = {}
    for article in articles:
        by_feed.setdefault(article.feed, []).append(article)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FeedHandler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    documents = {f"/feeds/{feed}.xml": rss_document(feed, items, base) for feed, items in sorted(by_feed.items())}
    server.RequestHandlerClass = type("IdentityFeeds", (_FeedHandler,), {"documents": documents})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield [base + path for path in documents]
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def scratch_database(configured_url: str) -> Iterator[str]:
    """A fresh database for the run: a schema of its own on PostgreSQL (dropped after), else a temporary SQLite."""
    if configured_url.startswith("postgres"):
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        from bot.storage import normalise_url

        url = make_url(normalise_url(configured_url))
        schema = "identity_eval_" + uuid.uuid4().hex[:10]
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
        finally:
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()
        return
    with tempfile.TemporaryDirectory(prefix="diplobot-identity-") as tmp:
        yield f"sqlite:///{tmp}/identity.db"


def product_env(database_url: str) -> dict[str, str]:
    """The environment `diplobot` runs in: the scratch database, local feeds allowed, no Slack, no page fetches."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FEEDS_FILE", "DATABASE_URL"))}
    env.update({"DATABASE_URL": database_url, "ALLOW_PRIVATE_FEEDS": "true", "FETCH_PAGES": "false",
                "TIMEZONE": "UTC", "FETCH_TIMEOUT_SECONDS": "60", "FETCH_MAX_BYTES": str(50_000_000),
                "COLUMNS": "1000", "NO_COLOR": "1", "TERM": "dumb",
                "PYTHONPATH": os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])})
    return env


def run_diplobot(args: Sequence[str], env: Mapping[str, str], timeout: float,
                 cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    """`diplobot ARGS` as a user runs it (the same CLI, in this checkout), output captured."""
    return subprocess.run([sys.executable, "-m", "bot", *args], env=dict(env), capture_output=True, text=True,
                          timeout=timeout, cwd=cwd or str(REPO))


@dataclass
class PollReport:
    served: int
    stored: int
    analysed: int
    quotes: int
    output: str
    problems: list[str]


def poll_articles(articles: Sequence[FeedArticle], env: Mapping[str, str], workdir: Path) -> PollReport:
    """Serve the articles as feeds and run `diplobot poll --feeds-file F --all` once."""
    from sqlalchemy import create_engine, text

    problems = []
    with serve_feeds(articles) as urls:
        feeds_file = workdir / "feeds.txt"
        feeds_file.write_text("".join(u + "\n" for u in urls), encoding="utf-8")
        proc = run_diplobot(["poll", "--feeds-file", str(feeds_file), "--all"], env, POLL_TIMEOUT_SECONDS,
                            cwd=str(workdir))
    if proc.returncode != 0:
        problems.append(f"diplobot poll exited {proc.returncode}: {proc.stderr.strip()[-600:]}")
    engine = create_engine(env["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT count(*) FROM articles")).scalar_one()
            analysed = conn.execute(text("SELECT count(*) FROM articles WHERE analyzed_at IS NOT NULL "
                                         "AND analysis_error IS NULL")).scalar_one()
            quotes = conn.execute(text("SELECT count(*) FROM quotes")).scalar_one()
    except Exception as exc:  # noqa: BLE001 - no tables: the poll failed before migrating
        problems.append(f"cannot read the polled database ({type(exc).__name__}: {exc})")
        stored = analysed = quotes = 0
    finally:
        engine.dispose()
    if stored != len(articles):
        problems.append(f"{stored} of {len(articles)} served articles were stored")
    elif analysed != len(articles):
        problems.append(f"{analysed} of {len(articles)} articles were analysed without error")
    return PollReport(len(articles), stored, analysed, quotes, proc.stdout.strip(), problems)


def ask_who_said(query: str, env: Mapping[str, str]) -> str:
    """`diplobot ask "/who-said QUERY"`'s printed answer (its error, when it fails)."""
    proc = run_diplobot(["ask", f"/who-said {query}"], env, ASK_TIMEOUT_SECONDS)
    if proc.returncode != 0:
        return f"(diplobot ask exited {proc.returncode}) {proc.stderr.strip()[-300:]}"
    return proc.stdout


# --- the command -----------------------------------------------------------------------------------------------


def _ratio(n: int, of: int) -> str:
    return f"{n}/{of} = {n / of:.3f}" if of else "0/0"


def print_speakers(console: Console, scores: SpeakerScores, texts: Mapping[str, str], show: int) -> None:
    console.print(f"[bold]speakers[/] on {scores.total} labelled direct quotes in {len(texts)} articles: "
                  f"found {scores.found}; strict {_ratio(scores.strict, scores.total)}, "
                  f"lenient {_ratio(scores.lenient, scores.total)} "
                  f"(of found: strict {scores.strict / max(scores.found, 1):.3f}, "
                  f"lenient {scores.lenient / max(scores.found, 1):.3f})", soft_wrap=True)
    console.print("  strict, by how the article names the speaker: " + ", ".join(
        f"{kind} {right}/{n}" for kind, (n, right) in sorted(scores.by_mention.items())), soft_wrap=True)
    for quote, predicted in scores.wrong[:show]:
        said = " ".join(texts[quote.article][quote.start:quote.end].split())
        said = said if len(said) <= 60 else said[:57] + "…"
        console.print(f"  ✗ {quote.article[:40]} [{quote.start}] {quote.mention}: {quote.speaker} → "
                      f"{predicted or 'quote not found'}   “{said}”", markup=False, highlight=False, soft_wrap=True)
    if len(scores.wrong) > show:
        console.print(f"  … and {len(scores.wrong) - show} more wrong (--show N lists more)")


def print_query(console: Console, result: QueryResult, answer_lines: int = 2) -> None:
    mark = "✓" if result.right else "✗"
    returned = ", ".join(result.returned) or "nobody"
    line = f"  {mark} /who-said {result.query.query} → {returned}"
    if result.problems:
        line += "   (" + "; ".join(result.problems) + ")"
    console.print(line, markup=False, highlight=False, soft_wrap=True)
    if not result.right:
        for answer_line in [x.strip() for x in result.answer.splitlines() if x.strip()][:answer_lines]:
            shown = answer_line if len(answer_line) <= 110 else answer_line[:109] + "…"
            console.print(f"      {shown}", markup=False, highlight=False, soft_wrap=True)


def evaluate(settings: Settings, nlp_loader: Callable[[], Language], console: Console, git_dir: str | None = None,
             set_path: Path = LABELLED_SET, show: int = 15, queries: bool = True) -> int:
    """Print speaker accuracy on the set's quotes and the result of each `/who-said` query; 1 when it could not run."""
    git_dir = git_dir or os.environ.get("POLNEAR_GIT")
    if not git_dir:
        console.print("[yellow]identity: skipped, set POLNEAR_GIT to the PolNeAR git directory "
                      "(see ../shared/EVAL.md)[/]")
        return 1
    identity_set = load_set(set_path)
    try:
        texts = read_texts(git_dir, identity_set)
    except SnapshotMismatch as exc:
        console.print(f"[red]identity: {exc}[/]", highlight=False)
        return 1
    console.print(f"[bold]identity[/] ({set_path.name}: {len(identity_set.quotes)} quotes, "
                  f"{len(identity_set.queries)} queries, {len(texts)} PolNeAR train/dev articles)", soft_wrap=True)
    nlp = nlp_loader()
    predictions = analyze_texts(nlp, texts, settings.analysis_batch_size)
    print_speakers(console, score_speakers(identity_set.quotes, predictions), texts, show)
    if not queries:
        return 0
    articles = feed_articles(texts, read_metadata(git_dir))
    status = 0
    with scratch_database(settings.database_url) as url, tempfile.TemporaryDirectory() as tmp:
        env = product_env(url)
        report = poll_articles(articles, env, Path(tmp))
        database = "PostgreSQL (scratch schema)" if url.startswith("postgres") else "SQLite (temporary)"
        console.print(f"[bold]/who-said[/] end to end on {database}: {report.served} articles served as "
                      f"{len({a.feed for a in articles})} feeds, `diplobot poll` stored {report.stored}, analysed "
                      f"{report.analysed}, {report.quotes} quotes", highlight=False, soft_wrap=True)
        for problem in report.problems:
            console.print(f"  [red]poll: {problem}[/]", highlight=False)
            status = 1
        people = identity_set.people()
        results = []
        for query in identity_set.queries:
            answer = ask_who_said(query.query, env)
            results.append(judge_answer(query, answer, people, identity_set.quotes, texts))
            print_query(console, results[-1])
        right = sum(r.right for r in results)
        console.print(f"  queries right: {_ratio(right, len(results))}")
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bot.dev.evaluation.identity [--check]`: check the set against the snapshot, or run it."""
    import argparse

    from rich.console import Console

    from bot.config import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only rebuild the texts and verify the offsets")
    parser.add_argument("--speakers-only", action="store_true", help="skip the end-to-end /who-said queries")
    parser.add_argument("--show", type=int, default=15, help="how many wrong speakers to list")
    args = parser.parse_args(argv)
    console = Console()
    if args.check:
        git_dir = os.environ.get("POLNEAR_GIT")
        if not git_dir:
            console.print("set POLNEAR_GIT to the PolNeAR git directory")
            return 1
        identity_set = load_set()
        try:
            texts = read_texts(git_dir, identity_set)
        except SnapshotMismatch as exc:
            console.print(str(exc), markup=False)
            return 1
        console.print(f"{len(identity_set.quotes)} quotes in {len(texts)} articles match the snapshot")
        return 0
    settings = Settings()
    from bot.analysis.pipeline import load_pipeline

    return evaluate(settings, lambda: load_pipeline(settings.spacy_model), console, show=args.show,
                    queries=not args.speakers_only)


if __name__ == "__main__":
    sys.exit(main())
