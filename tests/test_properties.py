"""Property tests: random Unicode into the analysis, the mrkdwn escaper and the slash-command parsers.

Nothing raises (a parser may only refuse with `UsageError`, whose message is for the user), and every offset
the analysis reports lies inside the text it was given.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.analysis.pipeline import analyze_doc
from bot.config import Settings
from bot.dev.evaluation.contract import InputLine, run_contract
from bot.slack.commands import COMMANDS, DIPLO_COMMANDS, CommandContext, run_command
from bot.slack.commands.answer import UsageError
from bot.slack.commands.who_said import parse_day
from bot.slack.mrkdwn import escape, escape_within, link, plain, safe_url
from bot.storage import Database
from tests.stored_news import add_demo_news

# Text that looks like news often enough to reach the quote, date and deadline rules, and anything else.
NEWS_WORDS = st.sampled_from([
    "said", "told", "“", "”", '"', "'", "Kovar", "Minister", "Lissa", "by", "January", "15", "2021", "within",
    "30", "days", "until", "Monday", "next", "week", "the", "talks", ".", ",", "\n\n", "she", "he", "EU",
    "deadline", "agreed", "to", "must", "before", "end", "of", "month", "«", "»", "—", "(", ")", "Q4", "W40",
])
NEWS = st.lists(st.one_of(NEWS_WORDS, st.text(max_size=12)), max_size=60).map(" ".join)
ANY_TEXT = st.one_of(NEWS, st.text(max_size=400))
DATES = st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
SQL_AND_FRIENDS = st.sampled_from([
    "'; DROP TABLE articles; --", "\" OR 1=1 --", "%", "_", "\\", "\x00", "😀🇺🇳", "مرحبا بالعالم", "שָׁלוֹם",
    "\u202e", "‮evil", "a" * 10_000, "<!channel>", "*bold*", "since", "since since", "share", "public", "\n",
])
COMMAND_TEXT = st.one_of(st.text(max_size=200), SQL_AND_FRIENDS,
                         st.lists(st.one_of(SQL_AND_FRIENDS, st.text(max_size=20)), max_size=6).map(" ".join))

EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def offsets_inside(analysis, text: str) -> list[str]:
    """Every reported span that does not lie inside `text`."""
    bad = []
    spans = [("quote", q.start, q.end) for q in analysis.quotes]
    spans += [("speaker", q.speaker_start, q.speaker_end) for q in analysis.quotes if q.speaker_start is not None]
    spans += [("date", d.start, d.end) for d in analysis.dates]
    spans += [("deadline", d.start, d.end) for d in analysis.deadlines]
    for kind, start, end in spans:
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
            bad.append(f"{kind} {start}:{end} outside 0:{len(text)}")
    for d in analysis.dates:
        if text[d.start:d.end] != d.text:
            bad.append(f"date {d.text!r} is not text[{d.start}:{d.end}] = {text[d.start:d.end]!r}")
    return bad


@EXAMPLES
@given(text=ANY_TEXT, published=DATES)
def test_any_text_is_analysed_with_offsets_inside_it(nlp, text: str, published: date | None) -> None:
    analysis = analyze_doc(nlp(text), published)
    assert offsets_inside(analysis, text) == []
    json.dumps(analysis.to_json("x"))  # the contract's output is always serialisable


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.one_of(
    ANY_TEXT.map(lambda t: json.dumps({"id": "a", "text": t, "published": "2026-11-28"})),
    st.text(max_size=80),
    st.builds(lambda v: json.dumps({"id": 1, "text": v}), st.one_of(st.none(), st.integers(), st.lists(st.text()))),
    st.builds(lambda p: json.dumps({"text": "Talks resume.", "published": p}), st.text(max_size=30)),
), min_size=1, max_size=5))
def test_the_analyze_contract_answers_every_good_line_and_names_every_bad_one(nlp, lines: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    inputs = [InputLine(f"stdin:{n}", line) for n, line in enumerate(lines, start=1) if line.strip()]
    run = run_contract(nlp, inputs, out, err)
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert run.answered == len(answers) and len(answers) + len(run.problems) == len(inputs)
    for problem in run.problems:
        assert re.match(r"^stdin:\d+: ", problem)
    for line, answer in zip([i for i in inputs if not any(p.startswith(i.where + ":") for p in run.problems)],
                            answers, strict=True):
        text = json.loads(line.raw)["text"]
        for quote in answer["quotes"]:
            assert 0 <= quote["start"] <= quote["end"] <= len(text)
        for found in answer["dates"] + answer["deadlines"]:
            assert 0 <= found["start"] <= found["end"] <= len(text)


# --- the mrkdwn escaper ---------------------------------------------------------------------------------------

URLS = st.one_of(st.text(max_size=80), st.builds(lambda s, rest: f"{s}://{rest}",
                                                 st.sampled_from(["http", "https", "HTTPS", "javascript", "data"]),
                                                 st.text(max_size=60)))


@settings(max_examples=300, deadline=None)
@given(url=URLS, label=st.text(max_size=200), limit=st.one_of(st.none(), st.integers(1, 300)))
def test_a_link_is_our_link_or_just_its_escaped_label(url: str, label: str, limit: int | None) -> None:
    made = link(url, label, limit)
    target = safe_url(url)
    if made.startswith("<"):
        inner = made[1:-1]
        assert made.endswith(">") and inner.count("<") == 0 and inner.count(">") == 0
        href, _, shown = inner.partition("|")
        assert href == target and re.match(r"(?i)^https?://", href) and not re.search(r"[\s<>|]", href)
    else:
        assert "<" not in made and ">" not in made
    if limit is not None and made.startswith("<") and escape(label).strip():  # an empty label shows the URL
        assert len(made.partition("|")[2]) - 1 <= limit


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=500), limit=st.integers(1, 400))
def test_escaped_and_plain_text_fit_their_limits_and_stay_inert(text: str, limit: int) -> None:
    cut = escape_within(text, limit)
    assert len(cut) <= limit and "<" not in cut and ">" not in cut
    assert not re.search(r"&(?!amp;|lt;|gt;)", cut)  # no bare & and no half entity
    one_line = plain(text, limit)
    assert len(one_line) <= limit and "\n" not in one_line
    assert not re.search(r"(?<!\u2060)@(channel|here|everyone)\b", escape(text), flags=re.IGNORECASE)


# --- the slash-command parsers --------------------------------------------------------------------------------

TODAY = date(2026, 11, 28)
PARSERS = {
    **{f"/{name}": command.parse for name, command in COMMANDS.items()},
    **{f"/diplo {name}": command.parse for name, command in DIPLO_COMMANDS.items()},
}


@pytest.mark.parametrize("command", sorted(PARSERS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=COMMAND_TEXT)
def test_every_parser_reads_any_words_or_refuses_them_helpfully(command: str, text: str) -> None:
    ctx = CommandContext(now=datetime(2026, 11, 28, 9, tzinfo=UTC))
    try:
        PARSERS[command](text, ctx)
    except UsageError as exc:
        assert str(exc).strip() and "Traceback" not in str(exc)


@settings(max_examples=200, deadline=None)
@given(words=COMMAND_TEXT)
def test_a_day_in_words_is_a_day_or_a_usage_error(words: str) -> None:
    try:
        assert isinstance(parse_day(words, TODAY), date)
    except UsageError:
        pass


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path: Path = tmp_path_factory.mktemp("properties") / "demo.db"
    database = Database.connect(f"sqlite:///{path}")
    database.upgrade()
    add_demo_news(database)
    return database


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(COMMANDS) + ["diplo schedule", "diplo resume", "nonsense"]), text=COMMAND_TEXT)
def test_any_command_words_get_an_answer_never_a_trace(demo_db: Database, tmp_path_factory, name: str,
                                                       text: str) -> None:
    settings_ = Settings(_env_file=None, database_url="sqlite://")
    if name.startswith("diplo "):
        name, text = "diplo", name.split(" ", 1)[1] + " " + text
    ctx = CommandContext(team_id="T1", channel_id="C1", user_id="U1", is_admin=False,
                         now=datetime(2018, 10, 20, 9, tzinfo=UTC))
    answer = run_command(demo_db, settings_, name, text, ctx)
    assert answer.text.strip()
    assert "Traceback" not in answer.text and len(answer.text) <= 3000


def test_an_article_longer_than_spacy_allows_is_refused_alone(nlp) -> None:
    """One oversized line (spaCy refuses over 1,000,000 characters) costs only itself, named on stderr."""
    lines = [InputLine("stdin:1", json.dumps({"id": "a", "text": "Kovar said talks would resume."})),
             InputLine("stdin:2", json.dumps({"id": "b", "text": "word " * 220_000})),
             InputLine("stdin:3", json.dumps({"id": "c", "text": "Reyes said the monitors arrived."}))]
    out, err = io.StringIO(), io.StringIO()
    run_contract(nlp, lines, out, err)
    answered = [json.loads(line)["id"] for line in out.getvalue().splitlines()]
    assert answered[0] == "a" and answered[-1] == "c"
    assert "stdin:2" in err.getvalue()
