"""The listeners alone, called with stand-ins for what Bolt injects (ack, respond, client, logger)."""

import logging
from unittest.mock import Mock

from bot.storage import Database
from handlers.actions.buttons import remove_subscription_pressed
from handlers.commands.slash import acknowledge, answerer, needs_user_profile
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


def test_only_feed_changes_and_schedules_look_up_the_user() -> None:
    assert needs_user_profile({"command": "/feeds", "text": "add https://x.org/rss"})
    assert not needs_user_profile({"command": "/feeds", "text": "list"})
    assert needs_user_profile({"command": "/diplo", "text": "schedule daily 08:00"})
    assert not needs_user_profile({"command": "/diplo", "text": "schedule"})


def test_a_button_with_a_broken_value_is_answered_not_crashed(settings, caplog) -> None:
    db = Database.connect(settings.database_url)
    db.upgrade()
    respond = Mock()
    body = {"team": {"id": "T1"}, "channel": {"id": "C1"}, "user": {"id": "U1"}, "actions": [{"value": "²"}]}  # a digit to str.isdigit, not to int()
    remove_subscription_pressed(db, settings)(body=body, respond=respond, logger=logging.getLogger("test"))
    assert "already removed" in str(respond.call_args.kwargs["blocks"])
