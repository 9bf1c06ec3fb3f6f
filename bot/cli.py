"""The `diplobot` command line: demo, poll, analyze, group, db upgrade, run, ask, eval, bench."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click
from pydantic import ValidationError

from bot.config import Settings

if TYPE_CHECKING:
    from spacy.language import Language

    from bot.storage import Database


class SettingProblem(click.ClickException):
    """A setting that stops the command: one line on stderr naming it, exit status 2."""

    exit_code = 2


def _configure_logging(verbose: bool) -> None:
    """LOG_LEVEL and LOG_FORMAT from the settings (defaults while they cannot be read), secrets masked."""
    from bot.logs import configure_logging

    try:
        settings = Settings()
    except ValidationError:
        configure_logging(verbose=verbose)  # the command itself names the bad setting
        return
    secrets = [value.get_secret_value() for value in (settings.slack_bot_token, settings.slack_signing_secret,
                                                      settings.slack_app_token, settings.slack_client_secret)
               if value is not None]
    configure_logging(level=settings.log_level, log_format=settings.log_format, verbose=verbose, secrets=secrets)


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment and `.env`, or a clear error naming the bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()
        )
        raise SettingProblem(f"bad setting: {problems}".replace("\n", " ")) from exc


def _open_database(settings: Settings) -> Database:
    """DATABASE_URL connected (with retries while the server starts) and migrated, or one line naming it."""
    from bot.app.preflight import StartupFailure, migrate, open_database

    try:
        database = open_database(settings.database_url, wait_seconds=settings.database_wait_seconds)
        migrate(database)
    except StartupFailure as exc:
        raise SettingProblem(str(exc).replace("\n", " ")) from exc
    return database


def _load_nlp(settings: Settings) -> Language:
    from bot.analysis.model import ModelNotInstalled
    from bot.analysis.pipeline import load_pipeline

    try:
        return load_pipeline(settings.spacy_model)
    except ModelNotInstalled as exc:
        raise click.ClickException(str(exc)) from exc  # exit 1, as the analyze contract says


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages to stderr.")
@click.version_option(package_name="diplobot")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """diplobot: diplomacy news for Slack: actors, quotes with speakers, deadlines, summaries."""
    _configure_logging(verbose)
    ctx.ensure_object(dict)


@cli.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Run the whole pipeline on the bundled sample feeds and print the channel digest.

    Serves the sample feeds on 127.0.0.1 (DEMO_PORT), polls them, analyzes every article, stores everything
    in the database (SQLite by default) and prints what would be posted to Slack. Run it twice: the second
    run gets 304 Not Modified and posts nothing twice.

    Example: diplobot demo
    """
    from bot.dev.demo import run_demo

    if not ctx.find_root().params.get("verbose"):
        logging.getLogger("bot").setLevel(logging.WARNING)  # the demo prints its own report
    settings = load_settings()
    nlp_loader = lambda: _load_nlp(settings)  # noqa: E731 - loaded only when there is something to read
    sys.exit(run_demo(settings, nlp_loader))


@cli.command()
@click.option("--feeds-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Add the feed URLs in this file (one a line) before polling.")
@click.option("--all", "poll_all", is_flag=True, help="Poll every feed now, not only those due.")
def poll(feeds_file: Path | None, poll_all: bool) -> None:
    """Poll the due feeds once, analyze what is new and queue it for the subscribed channels.

    With JOB_ENGINE=procrastinate it defers one fetch job per feed instead, for the workers to take (polling
    here as well would do their work twice).

    Example: diplobot poll --feeds-file feeds.txt
    """
    from bot.app.ingest import run_cycle

    settings = load_settings()
    if feeds_file is not None:
        settings = settings.model_copy(update={"feeds_file": feeds_file})
    database = _open_database(settings)
    if settings.job_engine == "procrastinate":
        click.echo(_defer_polls(settings, database, poll_all))
        return
    report = run_cycle(settings, lambda: _load_nlp(settings), db=database, force=poll_all)
    click.echo(report.describe())


def _defer_polls(settings: Settings, database: Database, poll_all: bool) -> str:
    """JOB_ENGINE=procrastinate: fetch jobs for the due feeds (every active feed with --all); what was done."""
    from datetime import UTC, datetime

    from bot.app.engine import EngineUnavailable, Work
    from bot.app.ingest import add_feeds, feed_urls_from_file
    from bot.storage.articles import due_feeds, list_feeds

    now = datetime.now(UTC)
    if settings.feeds_file is not None:
        for problem in add_feeds(database, settings, feed_urls_from_file(settings.feeds_file), now):
            click.echo(problem, err=True)
    try:
        work = Work(database, settings)
    except EngineUnavailable as exc:
        raise SettingProblem(str(exc)) from exc
    try:
        feeds = [f.id for f in (list_feeds(database) if poll_all else due_feeds(database, now)) if not f.retired]
        deferred = work.defer_fetches(feeds, force=poll_all)
    finally:
        work.close()
    return (f"deferred {deferred} fetch job(s) for {len(feeds)} feed(s) ({len(feeds) - deferred} already waiting); "
            "`diplobot worker` processes take them")


@cli.command()
@click.argument("files", nargs=-1, type=click.File("r", encoding="utf-8"))
def analyze(files: tuple[IO[str], ...]) -> None:
    """Analyze JSON Lines articles (files or stdin) and write one JSON line of results per article.

    Input lines: {"id", "text", "title"?, "published"?, "url"?}. Output: actors, quotes, dates, deadlines and
    summary, with character offsets into `text` (see ../shared/EVAL.md). Bad lines are reported on stderr
    with their line number; the others are still answered; the exit status is then 1.

    Example: diplobot analyze articles.jsonl > analyses.jsonl
    """
    from bot.dev.evaluation.contract import lines_of, run_contract

    settings = load_settings()
    nlp = _load_nlp(settings)
    sources = [(f.name, f) for f in files] or [("stdin", sys.stdin)]
    run = run_contract(nlp, lines_of(sources), sys.stdout, sys.stderr, batch_size=settings.analysis_batch_size)
    if run.problems:
        click.echo(f"{len(run.problems)} line(s) not analyzed; {run.answered} answered", err=True)
        sys.exit(1)


@cli.command()
@click.argument("files", nargs=-1, type=click.File("r", encoding="utf-8"))
def group(files: tuple[IO[str], ...]) -> None:
    """Group JSON Lines articles (files or stdin) into stories, as a poll would, one {"id", "story"} line each.

    Input lines: {"id", "text", "title"?, "published"?, "feed"?, "link"?}, read in input order as a stream;
    each is stored as an entry of its feed, analysed and given its story in the database (DATABASE_URL). A text
    sent again (another id, or another feed) is the same article and gets its story. Lines without a story (bad
    lines; an id its feed, or a link, already gave another text; a failed analysis) are named on stderr
    with their line number and why; the exit status is then 1.

    Example: DATABASE_URL=sqlite:///scratch.db diplobot group articles.jsonl > stories.jsonl
    """
    from bot.app.group_stream import run_group_stream
    from bot.dev.evaluation.contract import lines_of
    from bot.storage import Database

    settings = load_settings()
    database = Database.connect(settings.database_url)
    database.upgrade()
    sources = [(f.name, f) for f in files] or [("stdin", sys.stdin)]
    lines = ((line.where, line.raw) for line in lines_of(sources))
    run = run_group_stream(database, settings, _load_nlp(settings), lines, sys.stdout, sys.stderr)
    if run.problems:
        click.echo(f"{len(run.problems)} line(s) without a story; {run.answered} answered", err=True)
        sys.exit(1)


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations (also done at every start).

    Example: DATABASE_URL=postgresql+psycopg://bot@db/diplobot diplobot db upgrade
    """
    settings = load_settings()
    database = _open_database(settings)
    click.echo(f"database at {database.engine.url.render_as_string(hide_password=True)} is up to date")


@cli.command()
def run() -> None:
    """Run the Slack app, the scheduler (polling, digests, reminders) and the poster in one process.

    Example: SLACK_BOT_TOKEN=xoxb-… SLACK_SIGNING_SECRET=… diplobot run
    """
    from bot.app.preflight import StartupFailure
    from bot.app.runner import run as run_bot

    settings = load_settings()
    try:
        run_bot(settings)
    except StartupFailure as exc:
        if click.get_current_context().find_root().params.get("verbose"):
            logging.getLogger("bot.app.runner").debug("start-up failure", exc_info=True)
        raise SettingProblem(str(exc).replace("\n", " ")) from exc


@cli.command()
@click.option("--queues", default="", metavar="QUEUE,…",
              help="Only these queues (fetch, analysis, grouping, stories, post), comma-separated; default: all.")
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Jobs at once in this process (threads: feeds and posts wait on the network; analyses take "
                   "turns on the one model, so run one worker process per core for them).")
def worker(queues: str, concurrency: int) -> None:
    """Take jobs (fetch a feed, analyse an article, group, queue a story, post to a channel) until SIGTERM.

    Needs PostgreSQL and JOB_ENGINE=procrastinate on every process; start as many as you like, on any machine.

    Example: JOB_ENGINE=procrastinate diplobot worker --queues analysis,grouping --concurrency 1
    """
    from bot.app.engine import EngineUnavailable, Work, run_worker, worker_queues

    settings = load_settings()
    names = [name.strip() for name in queues.split(",") if name.strip()]
    try:
        worker_queues(names)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--queues") from exc
    database = _open_database(settings)
    try:
        work = Work(database, settings, nlp_loader=lambda: _load_nlp(settings))
    except EngineUnavailable as exc:
        raise SettingProblem(str(exc)) from exc
    log = logging.getLogger("bot.app.engine")
    run_worker(work, queues=names, concurrency=concurrency,
               ready=lambda: log.info("worker ready: queues %s, concurrency %d", ", ".join(names) or "all",
                                      concurrency))
    database.dispose()


@cli.command()
@click.argument("command_line")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Where charts the answer uploads in Slack are written.")
def ask(command_line: str, out_dir: Path) -> None:
    """Run a slash command against the local database and print the answer as Slack would show it; a chart
    (`/deadlines iran chart`) is written as a PNG file and its path printed.

    Example: diplobot ask "/who-said Nauert"
    """
    from rich.console import Console

    from bot.dev.terminal import render_answer
    from bot.slack.commands import ask as ask_command

    settings = load_settings()
    database = _open_database(settings)
    answer = ask_command(settings, database, command_line)
    console = Console()
    console.print(render_answer(answer))
    for picture in answer.files:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = (out_dir / picture.filename).resolve()
        path.write_bytes(picture.content)
        console.print(f"chart written to {path}", soft_wrap=True, highlight=False)


@cli.command("eval")
@click.argument("what", type=click.Choice(["quotes", "dates", "deadlines", "stories", "summaries", "identity", "all"]))
@click.option("--split", default=None, help="Corpus split (default: the tuning splits of each corpus).")
@click.option("--release", is_flag=True, help="Allow the reserved splits (release checks only).")
def eval_command(what: str, split: str | None, release: bool) -> None:
    """Print quality figures on the evaluation corpora and our own labelled sets.

    Corpora are located through POLNEAR_GIT, TE3_GIT and REALSUMM_GIT (see ../shared/EVAL.md). `stories` scores
    eval/stories.jsonl, then ECB+ topics 1-35 (ECB_GIT) and TimeBank+AQUAINT by eval/stories_te3.tsv (TE3_GIT),
    both through `diplobot group`'s code into a scratch database (skipped when the variable is unset). `identity`
    scores speakers on eval/identity.jsonl and asks its `/who-said` queries end to end (`diplobot poll` and
    `diplobot ask` on the set's articles served as local feeds, into a scratch database: a temporary SQLite,
    or a schema of its own when DATABASE_URL is PostgreSQL).

    Example: POLNEAR_GIT=/path/to/PolNeAR/.git diplobot eval quotes
    """
    from bot.dev.evaluation.runner import run_evaluations

    settings = load_settings()
    sys.exit(run_evaluations(settings, what, split, lambda: _load_nlp(settings), release=release))


@cli.group(invoke_without_command=True)
@click.option("--articles", default=300, show_default=True, help="How many texts to run through each pipeline.")
@click.option("--input", "source", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON Lines articles to use instead of the bundled demo articles.")
@click.option("--rounds", default=3, show_default=True, help="Runs of each pipeline; the median is shown.")
@click.pass_context
def bench(ctx: click.Context, articles: int, source: Path | None, rounds: int) -> None:
    """Analysis throughput (words/s) and peak memory against raw spaCy `nlp.pipe`, on the same texts.

    Example: diplobot bench --articles 200
    """
    if ctx.invoked_subcommand is not None:
        return
    from bot.dev.bench import run_bench

    settings = load_settings()
    sys.exit(run_bench(settings, articles, source, rounds))


@bench.command("grouping")
@click.option("--articles", default=20_000, show_default=True, help="Articles in the generated stream.")
@click.option("--per-hour", default=420.0, show_default=True,
              help="Articles an hour (420: ~20k in the 48-hour window, about 1,000 feeds).")
@click.option("--at", "marks", default="1000,10000,20000", show_default=True,
              help="Stored-article counts to report the time per article at (comma-separated).")
@click.option("--database-url", default=None, help="The database to build in; default: a temporary SQLite file.")
def bench_grouping(articles: int, per_hour: float, marks: str, database_url: str | None) -> None:
    """The grouping step's time per article (store_analysis with the run's open stories, no spaCy) as the store
    fills with a generated stream of news.

    Example: diplobot bench grouping --articles 100000 --at 1000,10000,100000
    """
    from bot.dev.bench_grouping import run_grouping_bench

    try:
        at = [int(m) for m in marks.split(",") if m.strip()]
    except ValueError as exc:
        raise click.BadParameter(f"--at wants comma-separated numbers, got {marks!r}") from exc
    sys.exit(run_grouping_bench(articles, per_hour, at, database_url))


@bench.command("scale")
@click.option("--feeds", default=1000, show_default=True, help="Local feeds served and polled.")
@click.option("--per-feed", default=20, show_default=True, help="Articles in each feed.")
@click.option("--pollers", default=2, show_default=True, help="Poller processes (diplobot worker --queues fetch).")
@click.option("--poller-concurrency", default=4, show_default=True, help="Fetch jobs at once in each poller.")
@click.option("--workers", "worker_counts", default="1,2,4", show_default=True,
              help="Analysis worker processes to measure, comma-separated.")
@click.option("--window", default=40.0, show_default=True, help="Seconds of analysis measured for each count.")
@click.option("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test", show_default=True,
              help="PostgreSQL to build in (a new schema, dropped afterwards).")
@click.option("--keep", is_flag=True, help="Keep the schema afterwards.")
def bench_scale(feeds: int, per_feed: int, pollers: int, poller_concurrency: int, worker_counts: str, window: float,
                database_url: str, keep: bool) -> None:
    """The job engine under load: N local feeds polled by separate `diplobot worker` processes (first poll and a
    304 poll), analysis throughput with 1, 2, 4 worker processes, and the duplicate counts.

    Example: diplobot bench scale --feeds 1000 --workers 1,2,4
    """
    from bot.dev.bench_scale import run_scale_bench

    try:
        counts = [int(c) for c in worker_counts.split(",") if c.strip()]
    except ValueError as exc:
        raise click.BadParameter(f"comma-separated numbers, got {worker_counts!r}", param_hint="--workers") from exc
    sys.exit(run_scale_bench(database_url, feeds=feeds, per_feed=per_feed, pollers=pollers,
                             poller_concurrency=poller_concurrency, worker_counts=counts, window=window, keep=keep,
                             out=click.echo))


@bench.command("deadlines")
@click.option("--stories", default=100_000, show_default=True,
              help="Stories in the synthetic year (about 3.7 articles and 3.7 deadlines each).")
@click.option("--queries", default=100, show_default=True, help="Queries timed for each kind.")
@click.option("--database-url", default=None,
              help="PostgreSQL to build in (a new schema, dropped afterwards); default: a temporary SQLite file.")
@click.option("--keep", is_flag=True, help="Keep the synthetic database (and schema) afterwards.")
@click.option("--reuse", is_flag=True,
              help="Use the database kept by an earlier --reuse run of this size (schema or temporary file "
                   "bench_deadlines_<stories>_7), building and keeping it when there is none.")
def bench_deadlines(stories: int, queries: int, database_url: str | None, keep: bool, reuse: bool) -> None:
    """/deadlines latency (p50/p95/max, CPU) with no topic, a frequent and a middling country (a later page, a
    date range), a rare word and an absent one, on a synthetic year of 1,000 feeds whose stories' articles repeat
    their deadlines.

    Example: diplobot bench deadlines --stories 200000 --reuse --database-url postgresql+psycopg://postgres@127.0.0.1/test
    """
    from bot.dev.bench_deadlines import run_deadlines_bench

    sys.exit(run_deadlines_bench(stories, database_url, queries, keep=keep, reuse=reuse))


@bench.command("who-said")
@click.option("--quotes", default=100_000, show_default=True, help="Quotes in the synthetic database.")
@click.option("--queries", default=100, show_default=True, help="Typed names timed for each kind of query.")
@click.option("--database-url", default=None,
              help="PostgreSQL to build in (a new schema, dropped afterwards); default: a temporary SQLite file.")
@click.option("--keep", is_flag=True, help="Keep the synthetic database (and schema) afterwards.")
@click.option("--reuse", is_flag=True,
              help="Use the database kept by an earlier --reuse run of this size (schema or temporary file "
                   "bench_who_said_<quotes>_7), building and keeping it when there is none.")
def bench_who_said(quotes: int, queries: int, database_url: str | None, keep: bool, reuse: bool) -> None:
    """/who-said latency (p50/p95/max) for exact, surname, title + name, typo and absent names, and /deadlines
    latency with no topic and a frequent, rare or absent topic (with and without a date range), on a synthetic
    database of realistic shape (Zipf-distributed speakers over 50k names sharing surnames, one deadline per article).

    Example: diplobot bench who-said --quotes 10000000 --reuse --database-url postgresql+psycopg://postgres@127.0.0.1/test
    """
    from bot.dev.bench import run_who_said_bench

    sys.exit(run_who_said_bench(quotes, database_url, queries, keep=keep, reuse=reuse))
