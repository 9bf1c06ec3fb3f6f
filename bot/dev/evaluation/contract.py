"""The analyze contract (../shared/EVAL.md): JSON Lines of articles in, one analysis line per article out."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import IO

from spacy.language import Language

from bot.analysis.pipeline import ArticleText, analyze_doc
from bot.analysis.records import Analysis

log = logging.getLogger(__name__)

# Characters that str.splitlines() and many readers take for a line end; JSON escapes them so one line stays one.
_LINE_BREAKS = {code: f"\\u{code:04x}" for code in (0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029)}


def json_line(record: object) -> str:
    """One JSON Lines record: non-ASCII kept readable, every character a reader could split a line at escaped."""
    return json.dumps(record, ensure_ascii=False).translate(_LINE_BREAKS) + "\n"


@dataclass
class InputLine:
    """One line of input: where it came from and what it held."""

    where: str  # "FILE:LINE" or "stdin:LINE"
    raw: str


@dataclass
class ContractRun:
    """What a run saw: how many lines were answered and which were refused."""

    answered: int = 0
    problems: list[str] = field(default_factory=list)


class BadInputLine(ValueError):
    """An input line that is not a JSON object with a string `text`."""


def parse_published(value: object) -> date | None:
    """`published` as a date: ISO date or datetime (or an RSS date), None when absent; else BadInputLine."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadInputLine(f'"published" must be an ISO date string, got {type(value).__name__}')
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        pass
    try:  # RSS dates ("Thu, 26 Nov 2026 08:00:00 GMT") are common enough to accept too
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError) as exc:
        raise BadInputLine(f'"published" is not an ISO date: {value[:40]!r}') from exc


def read_article(line: InputLine, max_length: int | None = None) -> tuple[object, ArticleText]:
    """The article's id and text from one input line, or BadInputLine saying what is wrong.

    `max_length` is the longest text the model takes (spaCy's `nlp.max_length`); a longer one is refused alone.
    """
    try:
        record = json.loads(line.raw)
    except json.JSONDecodeError as exc:
        raise BadInputLine(f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(record, dict):
        raise BadInputLine("not a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        raise BadInputLine('no "text" string' if text is None else '"text" is not a string')
    if max_length is not None and len(text) > max_length:
        raise BadInputLine(f'"text" has {len(text):,} characters, more than the {max_length:,} the model takes')
    title = record.get("title") if isinstance(record.get("title"), str) else None
    return record.get("id"), ArticleText(text=text, published=parse_published(record.get("published")), title=title)


def lines_of(sources: Iterable[tuple[str, IO[str]]]) -> Iterator[InputLine]:
    """Every non-blank line of every source, named by source and line number."""
    for name, stream in sources:
        for number, raw in enumerate(stream, start=1):
            if raw.strip():
                yield InputLine(f"{name}:{number}", raw)


def run_contract(nlp: Language, lines: Iterable[InputLine], out: IO[str], err: IO[str],
                 batch_size: int = 16) -> ContractRun:
    """Answer every good line in input order, streaming; report each bad one on `err`."""
    run = ContractRun()

    def articles() -> Iterator[tuple[str, tuple[str, object, ArticleText]]]:
        for line in lines:
            try:
                article_id, article = read_article(line, nlp.max_length)
                yield article.text, (line.where, article_id, article)
            except BadInputLine as exc:
                message = f"{line.where}: {exc}; line skipped"
                run.problems.append(message)
                print(message, file=err, flush=True)

    for doc, (where, article_id, article) in nlp.pipe(articles(), as_tuples=True,
        batch_size=batch_size,
    ):
        try:
            result = analyze_doc(doc, article.published)
            line = result.to_json(article_id)
        except Exception as exc:  # one broken article never stops the others
            log.exception("analysis failed for %s", where)
            message = f"{where}: analysis failed ({type(exc).__name__}: {exc})"
            run.problems.append(message)
            print(message, file=err, flush=True)
            line = {**Analysis().to_json(article_id), "error": message}
        out.write(json_line(line))
        out.flush()
        run.answered += 1
    return run
