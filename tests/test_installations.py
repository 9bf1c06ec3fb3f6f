"""A workspace removes diplobot or revokes its token: the stored tokens go, its channels pause, others carry on."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pydantic import SecretStr
from slack_sdk.oauth.installation_store import Installation

from bot.slack.app import build_app
from bot.storage.delivery import add_subscription, get_channel
from tests.test_slack_app import JSON, dispatch


def event(kind: str, team_id: str, **fields) -> str:
    return json.dumps({"token": "unused", "team_id": team_id, "api_app_id": "A0001", "type": "event_callback",
                       "event_id": f"Ev-{kind}-{team_id}", "event_time": 1_700_000_000,
                       "event": {"type": kind, **fields}})


def install(store, team_id: str, token: str) -> None:
    store.save(Installation(app_id="A0001", team_id=team_id, bot_token=token, bot_id="B1", bot_user_id="UB",
                            user_id="U1", installed_at=datetime.now(UTC).timestamp()))


def test_an_uninstalled_workspace_loses_its_token_and_its_channels_pause(settings, db, slack_api, signed,
                                                                         listener_work) -> None:
    oauth = settings.model_copy(update={"slack_client_id": "111.222", "slack_client_secret": SecretStr("shh"),
                                        "slack_signing_secret": SecretStr("test-signing-secret-0123456789abcdef"),
                                        "slack_api_url": slack_api.base_url})
    app = build_app(oauth, db, listener_executor=listener_work)
    store = app.installation_store
    install(store, "T0002", "xoxb-team-two")
    install(store, "T0003", "xoxb-team-three")
    for team in ("T0002", "T0003"):
        add_subscription(db, team, "C1", "iran", created_by="U1", now=datetime.now(UTC))
    body = event("app_uninstalled", "T0002")
    assert dispatch(app, body, {**JSON, **signed(body)}).status == 200
    listener_work.settle()
    assert store.find_bot(enterprise_id=None, team_id="T0002") is None
    assert get_channel(db, "T0002", "C1").paused
    # Another workspace keeps its token and its delivery.
    assert store.find_bot(enterprise_id=None, team_id="T0003").bot_token == "xoxb-team-three"
    assert not get_channel(db, "T0003", "C1").paused

    body = event("tokens_revoked", "T0003", tokens={"oauth": [], "bot": ["UB"]})
    assert dispatch(app, body, {**JSON, **signed(body)}).status == 200
    listener_work.settle()
    assert store.find_bot(enterprise_id=None, team_id="T0003") is None
    assert get_channel(db, "T0003", "C1").paused


def test_single_workspace_revoked_token_pauses_delivery(slack_settings, db, slack_api, signed, listener_work) -> None:
    app = build_app(slack_settings, db, listener_executor=listener_work)
    add_subscription(db, "T0001", "C1", "iran", created_by="U1", now=datetime.now(UTC))
    body = event("tokens_revoked", "T0001", tokens={"oauth": ["U9"], "bot": []})
    assert dispatch(app, body, {**JSON, **signed(body)}).status == 200
    listener_work.settle()
    assert not get_channel(db, "T0001", "C1").paused  # only a user's token went; the bot still works
    body = event("tokens_revoked", "T0001", tokens={"oauth": [], "bot": ["UBOT"]})
    assert dispatch(app, body, {**JSON, **signed(body)}).status == 200
    listener_work.settle()
    channel = get_channel(db, "T0001", "C1")
    assert channel.paused and "revoked" in (channel.paused_reason or "")
