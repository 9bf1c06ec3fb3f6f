"""The Prometheus metrics of `diplobot run`, served at /metrics on HEALTH_PORT.

One registry per process (`REGISTRY`); the layers count into it with the functions below, so none of them
needs to know how metrics are exported. Gauges read from the database (outbox depth, feeds in backoff) are
filled at scrape time by a collector that `bot.app.health` registers.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

FEED_POLLS = Counter("diplobot_feed_polls", "Feed polls by outcome (new, no_new, not_modified, failed).",
                     ["outcome"], registry=REGISTRY)
POLL_JOB_FAILURES = Counter("diplobot_poll_job_failures", "Poll jobs that raised (the poll or its analysis).",
                            registry=REGISTRY)
ARTICLES_FETCHED = Counter("diplobot_articles_fetched", "New articles stored from feeds.", registry=REGISTRY)
ARTICLES_ANALYSED = Counter("diplobot_articles_analysed", "Articles analysed.", registry=REGISTRY)
ANALYSIS_FAILURES = Counter("diplobot_analysis_failures", "Articles whose analysis failed.", registry=REGISTRY)
ANALYSIS_SECONDS = Histogram("diplobot_analysis_seconds", "Seconds one analysis run took (all pending articles).",
                             buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300), registry=REGISTRY)
STORIES_QUEUED = Counter("diplobot_stories_queued", "Outbox rows queued for channels.", registry=REGISTRY)
POSTS = Counter("diplobot_posts", "Messages posted to Slack by the poster.", registry=REGISTRY)
SLACK_CALLS = Counter("diplobot_slack_calls", "Slack Web API calls by method and outcome (ok or the error).",
                      ["method", "status"], registry=REGISTRY)
SLACK_RATE_LIMITED = Counter("diplobot_slack_rate_limited", "Slack answers of 429 (rate limited).",
                             registry=REGISTRY)
SLACK_RETRY_AFTER_SECONDS = Counter("diplobot_slack_retry_after_seconds", "Seconds Slack asked us to wait.",
                                    registry=REGISTRY)
COMMAND_SECONDS = Histogram("diplobot_command_seconds", "Seconds to acknowledge a Slack request, by kind.",
                            ["kind"], buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10), registry=REGISTRY)


def api_method(api_url: str | None) -> str:
    """`chat.postMessage` from `https://slack.com/api/chat.postMessage`; "unknown" when there is no URL."""
    if not api_url:
        return "unknown"
    return urlsplit(api_url).path.rsplit("/", 1)[-1] or "unknown"


def count_slack_call(api_url: str | None, status: str) -> None:
    """One Web API call answered with `status` ("ok", Slack's error code, or "connection_error")."""
    SLACK_CALLS.labels(method=api_method(api_url), status=status).inc()


def count_rate_limit(retry_after_seconds: float) -> None:
    SLACK_RATE_LIMITED.inc()
    SLACK_RETRY_AFTER_SECONDS.inc(retry_after_seconds)
