"""The name a process holds its leases under (outbox rows, channels): the same after a restart, never shared by two
live processes.

A name is host, role and the first free slot number (`box1:run:0`). A slot is held for the life of the process:
on PostgreSQL by a session advisory lock on a connection of its own (per schema), on SQLite by a lock on a file
beside the database; the system releases either when the process dies, however it dies. So `diplobot run`
restarted after a crash takes slot 0 again and finds the leases of its previous life its own at once (no wait
for them to run out), while a second replica started beside a live one takes slot 1.
"""

from __future__ import annotations

import fcntl
import logging
import socket
import uuid
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import Connection, text

from bot.storage import Database

log = logging.getLogger(__name__)

MAX_SLOTS = 64


@dataclass
class HeldName:
    """A lease holder's name, held until `release` (or the end of the process)."""

    name: str
    _resource: Any = field(default=None, repr=False)

    def release(self) -> None:
        resource, self._resource = self._resource, None
        if resource is None:
            return
        try:
            if isinstance(resource, Connection):
                resource.invalidate()  # really closed, not back to the pool: its advisory lock ends with it
            resource.close()
        except Exception:
            log.debug("could not release holder name %s", self.name, exc_info=True)


def claim_holder_name(db: Database, role: str, *, host: str | None = None) -> HeldName:
    """The first name `host:role:N` no live process holds, held by this one (see the module's docstring)."""
    base = f"{(host or socket.gethostname())[:100]}:{role}"
    postgres = db.engine.dialect.name == "postgresql"
    if not postgres and _database_file(db) is None:
        return HeldName(f"{base}:{uuid.uuid4().hex[:8]}")  # an in-memory database lives and dies with us
    for slot in range(MAX_SLOTS):
        name = f"{base}:{slot}"
        resource = _lock_in_postgres(db, name) if postgres else _lock_file(db, name)
        if resource is not None:
            return HeldName(name, resource)
    name = f"{base}:{uuid.uuid4().hex[:8]}"
    log.warning("no free lease holder slot for %s; using %s (a restart will wait for its leases to run out)",
                base, name)
    return HeldName(name)


def _lock_in_postgres(db: Database, name: str) -> Any:
    connection = db.engine.connect()
    try:
        held = connection.execute(text("SELECT pg_try_advisory_lock(hashtextextended("
                                       "'diplobot-holder:' || current_schema() || ':' || :name, 0))"),
                                  {"name": name}).scalar_one()
        connection.commit()
    except Exception:
        connection.close()
        raise
    if held:
        return connection
    connection.close()
    return None


def _database_file(db: Database) -> str | None:
    path = db.engine.url.database
    return path if path and path != ":memory:" and not path.startswith("file::memory:") else None


def _lock_file(db: Database, name: str) -> IO[str] | None:
    path = _database_file(db)
    if path is None:
        return None
    lock = open(f"{path}.holder-{name.replace('/', '_').replace(':', '-')}.lock", "a", encoding="utf-8")
    try:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        return None
    return lock
