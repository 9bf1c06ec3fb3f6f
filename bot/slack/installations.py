"""A workspace that removed diplobot or revoked its token: its stored tokens deleted, its channels paused.

Slack sends `app_uninstalled` when the app is removed and `tokens_revoked` when tokens are revoked; after
either, the stored bot token is useless and must not be kept. Channels are paused (not deleted), so a
reinstall followed by `/diplo resume` picks up where delivery stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from bot.storage import Database
from bot.storage.delivery import pause_team

log = logging.getLogger(__name__)


def forget_workspace(db: Database, installation_store: Any, team_id: str, enterprise_id: str | None,
                     why: str) -> list[str]:
    """Delete every stored installation and bot token of the workspace and pause its channels; the paused ids."""
    if installation_store is not None:
        installation_store.delete_all(enterprise_id=enterprise_id, team_id=team_id)
    paused = pause_team(db, team_id, why)
    log.warning("workspace %s: %s; its stored tokens were deleted and %d channel(s) paused", team_id, why,
                len(paused))
    return paused


def forget_user_tokens(installation_store: Any, team_id: str, enterprise_id: str | None,
                       user_ids: Iterable[str]) -> None:
    """Delete the stored installations of users whose own (OAuth) tokens were revoked."""
    if installation_store is None:
        return
    for user_id in user_ids:
        installation_store.delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)
