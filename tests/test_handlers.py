"""The listeners alone, called with stand-ins for what Bolt injects (ack, respond, client, logger)."""

import logging
from unittest.mock import Mock

from bot.storage import Database
from handlers.actions.buttons import remove_subscription_pressed
from handlers.commands.slash import acknowledge, answerer
from tests.stored_news import add_demo_news


def test_acknowledge_acks_with_nothing() -> None:
    ack = Mock()
    acknowledge(ack)
    ack.assert_called_once_with()


def test_the_command_listener_responds_with_the_answer(settings) -> None:
    db = Database.connect(settings.database_url)
    db.upgrade()
    add_demo_news(db)
    respond, client = Mock(), Mock()
    command = {"command": "/who-said", "text": "Nauert", "team_id": "T1", "channel_id": "C1", "user_id": "U1"}
    answerer(db, settings)(body=command, command=command, respond=respond, client=client,
                           logger=logging.getLogger("test"))
    [call] = respond.call_args_list
    assert call.kwargs["response_type"] == "ephemeral" and "ways to go" in str(call.kwargs["blocks"])
    client.users_info.assert_not_called()  # only /feeds add|remove and /diplo schedule ask about the user


def looks_up_the_user(settings, name: str, text: str) -> bool:
    """Run `/name text` through the listener and tell whether it asked Slack about the user."""
    db = Database.connect(settings.database_url)
    db.upgrade()
    respond, client = Mock(), Mock()
    client.users_info.return_value = {"user": {"id": "U1", "is_admin": False, "tz": "UTC"}}
    command = {"command": name, "text": text, "team_id": "T1", "channel_id": "C1", "user_id": "U1"}
    answerer(db, settings)(body=command, command=command, respond=respond, client=client,
                           logger=logging.getLogger("test"))
    return client.users_info.called


def test_only_feed_changes_and_schedules_look_up_the_user(settings) -> None:
    assert looks_up_the_user(settings, "/feeds", "add https://x.org/rss")
    assert not looks_up_the_user(settings, "/feeds", "list")
    assert looks_up_the_user(settings, "/diplo", "schedule daily 08:00")
    assert not looks_up_the_user(settings, "/diplo", "schedule")


def test_a_button_with_a_broken_value_is_answered_not_crashed(settings, caplog) -> None:
    db = Database.connect(settings.database_url)
    db.upgrade()
    respond = Mock()
    body = {"team": {"id": "T1"}, "channel": {"id": "C1"}, "user": {"id": "U1"}, "actions": [{"value": "²"}]}  # a digit to str.isdigit, not to int()
    remove_subscription_pressed(db, settings)(body=body, respond=respond, logger=logging.getLogger("test"))
    assert "already removed" in str(respond.call_args.kwargs["blocks"])
