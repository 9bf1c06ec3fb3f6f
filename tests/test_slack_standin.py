"""The stand-in must behave like the Web API the tests rely on, or every Slack test means nothing."""

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


def test_post_message_is_recorded_and_visible_in_history(slack_api) -> None:
    client = WebClient(token="xoxb-x", base_url=slack_api.base_url)
    sent = client.chat_postMessage(channel="C1", text="hello",
                                   metadata={"event_type": "diplobot_story", "event_payload": {"story_id": 7}})
    assert slack_api.calls_to("chat.postMessage")[0].params["channel"] == "C1"
    history = client.conversations_history(channel="C1")["messages"]
    assert history[0]["ts"] == sent["ts"]
    assert history[0]["metadata"]["event_payload"]["story_id"] == 7


def test_scripted_error_is_served_once(slack_api) -> None:
    slack_api.script("chat.postMessage", body={"ok": False, "error": "channel_not_found"})
    client = WebClient(token="xoxb-x", base_url=slack_api.base_url)
    try:
        client.chat_postMessage(channel="C404", text="x")
        raise AssertionError("expected SlackApiError")
    except SlackApiError as exc:
        assert exc.response["error"] == "channel_not_found"
    assert client.chat_postMessage(channel="C404", text="x")["ok"]


def test_thread_replies_are_listed_under_their_parent(slack_api) -> None:
    client = WebClient(token="xoxb-x", base_url=slack_api.base_url)
    parent = client.chat_postMessage(channel="C1", text="story")["ts"]
    client.chat_postMessage(channel="C1", text="quotes", thread_ts=parent)
    replies = client.conversations_replies(channel="C1", ts=parent)["messages"]
    assert [m["text"] for m in replies] == ["story", "quotes"]
    assert [m["text"] for m in client.conversations_history(channel="C1")["messages"]] == ["story"]
