"""diplobot processes for tests/test_crash_recovery.py to kill: poll → analyze → queue → post, over and over.

`python -m tests.crash_child` loads the spaCy model once, prints `loaded`, then reads commands on stdin:
`fork CYCLES` forks a bot process (it prints `pid N`) that connects to the database, prints `ready N`, then
`stage` lines as it goes (polling, analysed i/n, posting), one `cycle` line per finished cycle, and exits after CYCLES cycles (0: runs until killed); when that process
has ended it prints `exit N STATUS` (-9 after a kill -9). Forking from a loaded parent makes each restart
take milliseconds instead of seconds, so the test can afford many kills. Settings come from the environment
as in `diplobot run` (DATABASE_URL, FEEDS_FILE, SLACK_API_URL, SLACK_BOT_TOKEN, ...).
"""

from __future__ import annotations

import itertools
import logging
import os
import sys
import time
import traceback

from spacy.language import Language

from bot.analysis.pipeline import ArticleText, analyze_texts, load_pipeline
from bot.app.ingest import run_cycle
from bot.config import Settings
from bot.slack.outbox.poster import Poster
from bot.storage import Database

# How long a killed process's outbox rows and channels stay its own before the next process takes them back.
LEASE_SECONDS = 2.0


def run_bot(nlp: Language, cycles: int) -> None:
    """One bot process's life: cycles of run_cycle then the poster, from a fresh database connection."""
    settings = Settings(_env_file=None)
    db = Database.connect(settings.database_url)
    db.upgrade()
    # Short pauses between messages and retries: the test is about crashes, not about Slack's pace.
    # Leases of 2 s: rows a killed process was sending are taken back by the next one soon after.
    poster = Poster(db, settings, min_interval=0.01, backoff_base=0.05, max_backoff=0.2, timeout=5,
                    lease_seconds=LEASE_SECONDS)
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="log %(created).3f %(name)s %(message)s",
                        force=True)
    print(f"ready {os.getpid()} {time.time():.3f}", flush=True)
    for cycle in itertools.count(1) if cycles == 0 else range(1, cycles + 1):
        print("stage polling", flush=True)
        cycle_report = run_cycle(settings, lambda: nlp, db=db, force=True,
                                 progress=lambda done, total: print(f"stage analysed {done}/{total}", flush=True))
        print("stage posting", flush=True)
        delivery = poster.send_due()
        print(f"cycle {cycle}: {len(cycle_report.poll.new_articles)} new, {cycle_report.analyzed} analyzed, "
              f"{delivery.sent} sent, {delivery.recovered} recovered", flush=True)
    db.dispose()


def serve_forks(nlp: Language) -> None:
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command != "fork":
            continue
        pid = os.fork()
        if pid == 0:
            try:
                run_bot(nlp, int(argument or 0))
            except BaseException:  # noqa: BLE001 - whatever stops the child is printed for the campaign
                traceback.print_exc()
                sys.stderr.flush()
                os._exit(1)
            os._exit(0)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        # On a fresh line: the killed process may have left half a line behind.
        print(f"\nexit {pid} {os.waitstatus_to_exitcode(status)}", flush=True)


if __name__ == "__main__":
    model = load_pipeline(Settings(_env_file=None).spacy_model)
    # The summarizer imports sumy, nltk and scipy on first use (seconds): once here, not in every bot process.
    warm_up = " ".join(f"Minister Kovar met envoy Reyes in Geneva for round {n} of the talks on the strait." for n in range(6))
    list(analyze_texts(model, [ArticleText(warm_up)]))
    print("loaded", flush=True)
    serve_forks(model)
