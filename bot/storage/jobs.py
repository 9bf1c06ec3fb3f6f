"""What the job engine (PostgreSQL only) asks of the database beside its own tables: work that has no job.

`bot.app.engine` defers a job whenever it stores the input of one; these queries find what a crash between
storing and deferring left without its job, so that a periodic round defers it (the engine's queueing locks
make a second defer of the same work a no-op).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

from bot.storage import Database, as_utc

# Job task names, as `bot.app.engine` registers them.
FETCH_TASK = "fetch_feed"
ANALYSE_TASK = "analyse_article"
GROUP_TASK = "group_article"
QUEUE_STORY_TASK = "queue_story"


def feeds_due_without_job(db: Database, now: datetime, *, limit: int) -> list[int]:
    """Feeds to poll now (not retired, never polled or due) that no waiting or running fetch job holds,
    most overdue first."""
    query = text(
        "SELECT f.id FROM feeds f WHERE NOT f.retired AND (f.next_poll_at IS NULL OR f.next_poll_at <= :now)"
        " AND f.id NOT IN (SELECT (j.args->>'feed_id')::integer FROM procrastinate_jobs j"
        " WHERE j.status IN ('todo', 'doing') AND j.task_name = :task)"
        " ORDER BY f.next_poll_at IS NOT NULL, f.next_poll_at, f.id LIMIT :limit")
    with db.engine.connect() as conn:
        return [row[0] for row in conn.execute(query, {"now": as_utc(now), "task": FETCH_TASK, "limit": limit})]


def articles_without_job(db: Database, *, limit: int) -> list[int]:
    """Articles not analysed yet that no waiting or running job (analysis or grouping) holds, oldest first."""
    query = text(
        "SELECT a.id FROM articles a WHERE a.analyzed_at IS NULL AND a.id NOT IN ("
        " SELECT (j.args->>'article_id')::integer FROM procrastinate_jobs j"
        " WHERE j.status IN ('todo', 'doing') AND j.task_name IN (:analyse, :group))"
        " ORDER BY a.id LIMIT :limit")
    with db.engine.connect() as conn:
        return [row[0] for row in conn.execute(query, {"analyse": ANALYSE_TASK, "group": GROUP_TASK,
                                                       "limit": limit})]


def stories_without_job(db: Database, *, limit: int) -> list[int]:
    """Stories not offered to the channels yet that no waiting or running job queues, oldest first."""
    query = text(
        "SELECT s.id FROM stories s WHERE s.queued_at IS NULL AND s.id NOT IN ("
        " SELECT (j.args->>'story_id')::integer FROM procrastinate_jobs j"
        " WHERE j.status IN ('todo', 'doing') AND j.task_name = :task)"
        " ORDER BY s.id LIMIT :limit")
    with db.engine.connect() as conn:
        return [row[0] for row in conn.execute(query, {"task": QUEUE_STORY_TASK, "limit": limit})]


def story_queued(db: Database, story_id: int) -> bool:
    """Whether the story was offered to the channels already (a missing story counts as queued: nothing to do)."""
    with db.engine.connect() as conn:
        queued = conn.execute(text("SELECT queued_at IS NOT NULL FROM stories WHERE id = :id"),
                              {"id": story_id}).scalar()
    return queued is None or bool(queued)


def next_grouping_turn(db: Database) -> int:
    """The next number of the grouping_turns sequence: a worker whose last grouping took the number before
    knows that nobody grouped in between, so its open stories in memory are current."""
    with db.engine.connect() as conn:
        turn = conn.execute(text("SELECT nextval('grouping_turns')")).scalar_one()
        conn.commit()
    return int(turn)


def unfinished_jobs(db: Database) -> int:
    """Jobs waiting or running (the load test waits for none)."""
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"))
                   .scalar_one())


def failed_jobs(db: Database) -> list[tuple[str, str]]:
    """(task name, arguments) of every job that failed."""
    with db.engine.connect() as conn:
        return [(row[0], str(row[1])) for row in conn.execute(
            text("SELECT task_name, args FROM procrastinate_jobs WHERE status = 'failed' ORDER BY id"))]
