"""The real Bolt app driven by requests signed as Slack signs them, answering through the local Web API stand-in."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import urlencode

import pytest
import sqlalchemy
from pydantic import SecretStr
from slack_bolt.request import BoltRequest
from sqlalchemy import inspect, select

from bot.slack.app import SlackNotConfigured, build_app
from bot.slack.errors import FAILURE_LINE
from bot.storage import Database
from bot.storage.delivery import add_subscription, list_subscriptions
from bot.storage.models import FeedRow
from tests.stored_news import add_demo_news

FORM = {"content-type": "application/x-www-form-urlencoded"}
JSON = {"content-type": "application/json"}


@pytest.fixture
def app_db(slack_settings):
    database = Database.connect(slack_settings.database_url)
    database.upgrade()
    add_demo_news(database)
    yield database
    database.dispose()


@pytest.fixture
def app(slack_settings, app_db, listener_work):
    return build_app(slack_settings, app_db, listener_executor=listener_work)


def dispatch(app, body: str, headers: dict[str, str]):
    return app.dispatch(BoltRequest(body=body, headers={k: [v] for k, v in headers.items()}))


def slash(slack_api, command: str, text: str, *, user: str = "U1", reply: str = "r1") -> str:
    return urlencode({**SLASH_COMMAND, "command": command, "text": text, "user_id": user,
                      "response_url": slack_api.response_url(reply)})


def replies(slack_api, reply: str = "r1", count: int = 1) -> list[dict]:
    return [c.params for c in slack_api.wait_for(f"response_url:/response/{reply}", count)]


def all_text(message: dict) -> str:
    return json.dumps(message.get("blocks", []), ensure_ascii=False) + message.get("text", "")


# --- signatures --------------------------------------------------------------------------------------------


def test_bad_signature_is_rejected_and_no_listener_runs(app, slack_api, signed, listener_work) -> None:
    body = slash(slack_api, "/who-said", "Pompeo")
    headers = {**FORM, **signed(body, secret="not-the-signing-secret")}
    assert dispatch(app, body, headers).status == 401
    assert dispatch(app, body, FORM).status == 401  # no signature at all
    listener_work.settle()  # a wrongly started lazy listener would have answered by now
    assert slack_api.calls_to("response_url:/response/r1") == []


def test_stale_signature_is_rejected(app, slack_api, signed, listener_work) -> None:
    body = slash(slack_api, "/who-said", "Pompeo")
    six_minutes_ago = int(time.time()) - 6 * 60
    assert dispatch(app, body, {**FORM, **signed(body, timestamp=six_minutes_ago)}).status == 401
    six_minutes_ahead = int(time.time()) + 6 * 60
    assert dispatch(app, body, {**FORM, **signed(body, timestamp=six_minutes_ahead)}).status == 401
    listener_work.settle()
    assert slack_api.calls_to("response_url:/response/r1") == []


def test_tampered_body_is_rejected(app, slack_api, signed) -> None:
    body = slash(slack_api, "/who-said", "Pompeo")
    headers = {**FORM, **signed(body)}
    assert dispatch(app, body.replace("Pompeo", "Nauert"), headers).status == 401


# --- slash commands end to end -------------------------------------------------------------------------------


def test_who_said_answers_newest_quote_first_privately(app, slack_api, signed) -> None:
    body = slash(slack_api, "/who-said", "Secretary Pompeo")
    response = dispatch(app, body, {**FORM, **signed(body)})
    assert response.status == 200 and response.body == ""  # acknowledged at once, the answer follows
    [answer] = replies(slack_api)
    assert answer["response_type"] == "ephemeral"
    text = all_text(answer)
    assert text.index("good, productive meeting") < text.index("making progress on denuclearization")
    assert "Mike Pompeo" in text and "Capital Dispatch" in text and "paraphrase" in text


def test_share_posts_the_answer_to_the_channel(app, slack_api, signed) -> None:
    body = slash(slack_api, "/who-said", "Nauert share")
    dispatch(app, body, {**FORM, **signed(body)})
    [answer] = replies(slack_api)
    assert answer["response_type"] == "in_channel"
    assert "ways to go" in all_text(answer)


def test_show_more_sends_the_next_page(app, slack_api, signed) -> None:
    body = slash(slack_api, "/who-said", "Kim")
    dispatch(app, body, {**FORM, **signed(body)})
    [suggestion] = replies(slack_api)
    buttons = [e for b in suggestion["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert {b["text"]["text"] for b in buttons} == {"Kim Jong Un", "Kim Yo Jong"}
    pressed = next(b for b in buttons if b["text"]["text"] == "Kim Jong Un")
    action = "payload=" + json.dumps({**BLOCK_ACTION, "response_url": slack_api.response_url("r2"),
                                      "actions": [{**pressed, "block_id": "b1", "type": "button",
                                                   "action_ts": "1.2"}]})
    assert dispatch(app, action, {**FORM, **signed(action)}).status == 200
    [page] = replies(slack_api, "r2")
    assert "We welcome the American delegation" in all_text(page)


def test_deadlines_sorted_by_due_date(app, slack_api, signed) -> None:
    body = slash(slack_api, "/deadlines", "")
    dispatch(app, body, {**FORM, **signed(body)})
    text = all_text(replies(slack_api)[0])
    assert text.index("answer the inspectors") < text.index("set up the payment channel") < text.index(
        "denuclearisation of North Korea")


def test_subscribe_then_remove_with_the_button(app, app_db, slack_api, signed) -> None:
    body = slash(slack_api, "/subscribe", "north korea -sports")
    dispatch(app, body, {**FORM, **signed(body)})
    assert "now follows" in all_text(replies(slack_api)[0])
    [sub] = list_subscriptions(app_db, team_id="T0001", channel_id="C0001")
    assert sub.topic.exclude == ("sports",)

    body = slash(slack_api, "/subscriptions", "", reply="r2")
    dispatch(app, body, {**FORM, **signed(body)})
    [listing] = replies(slack_api, "r2")
    [remove] = buttons_named(listing, "Remove")
    assert "Layout: *compact*" in all_text(listing)
    action = "payload=" + json.dumps({**BLOCK_ACTION, "response_url": slack_api.response_url("r3"),
                                      "actions": [{**remove, "block_id": "b1", "action_ts": "1.2"}]})
    dispatch(app, action, {**FORM, **signed(action)})
    [redrawn] = replies(slack_api, "r3")
    assert redrawn["replace_original"] is True and "Removed" in all_text(redrawn)
    assert list_subscriptions(app_db, team_id="T0001") == []


def press(app, slack_api, signed, button: dict, *, reply: str, ephemeral: bool = True, trigger: bool = True) -> None:
    payload = {**BLOCK_ACTION, "response_url": slack_api.response_url(reply),
               "container": {**BLOCK_ACTION["container"], "is_ephemeral": ephemeral},
               "actions": [{**button, "block_id": "b1", "action_ts": "1.2"}]}
    if trigger:
        payload["trigger_id"] = "1337.42.abcd"
    action = "payload=" + json.dumps(payload)
    assert dispatch(app, action, {**FORM, **signed(action)}).status == 200


def buttons_named(message: dict, label: str) -> list[dict]:
    found = [b["accessory"] for b in message["blocks"] if b.get("accessory", {}).get("text", {}).get("text") == label]
    found += [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
              if e["text"]["text"].startswith(label)]
    return found


def test_details_opens_a_modal_with_the_storys_quotes_and_deadlines(app, slack_api, signed) -> None:
    body = slash(slack_api, "/digest", "iran")
    dispatch(app, body, {**FORM, **signed(body)})
    [digest] = replies(slack_api)
    [details] = buttons_named(digest, "Details")
    press(app, slack_api, signed, details, reply="r2")
    [opened] = slack_api.wait_for("views.open", 1)
    assert opened.params["trigger_id"] == "1337.42.abcd"
    view = opened.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["type"] == "modal" and len(view["blocks"]) <= 100
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert "The special purpose vehicle will be ready" in shown and "Federica Mogherini" in shown
    assert "set up the payment channel" in shown and "answer the inspectors" in shown and "keep talking" in shown
    assert slack_api.calls_to("response_url:/response/r2") == []


def test_details_come_as_a_private_message_where_no_modal_opens(app, slack_api, signed) -> None:
    body = slash(slack_api, "/digest", "iran")
    dispatch(app, body, {**FORM, **signed(body)})
    [details] = buttons_named(replies(slack_api)[0], "Details")
    slack_api.script("views.open", body={"ok": False, "error": "expired_trigger_id"})
    press(app, slack_api, signed, details, reply="r2")
    [private] = replies(slack_api, "r2")
    assert private["response_type"] == "ephemeral" and not private.get("replace_original")
    assert "The special purpose vehicle will be ready" in all_text(private)


def test_show_more_under_a_channel_digest_answers_privately_and_on_an_answer_pages_in_place(
        app, app_db, slack_api, signed) -> None:
    from datetime import UTC, datetime, timedelta

    from tests.stored_news import add_article, add_feed

    feed = add_feed(app_db, "http://127.0.0.1/more.xml", "More Wire")
    for i in range(14):
        add_article(app_db, feed, f"Geneva round {i}", datetime(2018, 10, 19, tzinfo=UTC) + timedelta(hours=i))
    body = slash(slack_api, "/digest", "geneva")
    dispatch(app, body, {**FORM, **signed(body)})
    [first] = replies(slack_api)
    assert len(buttons_named(first, "Details")) == 10
    [more] = buttons_named(first, "Show more")
    press(app, slack_api, signed, more, reply="r2", ephemeral=True)
    [page] = replies(slack_api, "r2")
    assert page["replace_original"] is True and len(buttons_named(page, "Details")) == 4
    assert "Geneva round 0" in all_text(page) and "Geneva round 13" not in all_text(page)
    press(app, slack_api, signed, more, reply="r3", ephemeral=False)  # under a digest everybody sees
    [private] = replies(slack_api, "r3")
    assert private["response_type"] == "ephemeral" and not private.get("replace_original")


def add_iran_deadlines_around_today(db) -> None:
    from datetime import UTC, date, datetime, timedelta

    from tests.stored_news import add_article, add_feed

    today = date.today()
    feed = add_feed(db, "http://127.0.0.1/iran.xml", "Iran Wire")
    add_article(db, feed, "Iran given weeks to answer the inspectors", datetime.now(UTC) - timedelta(days=6),
                actors=[("Iran", "country", [])],
                deadlines=[{"text": "within 30 days", "due": (today + timedelta(days=24)).isoformat(),
                            "action": "answer the inspectors", "actor": "Iran"},
                           {"text": "by last Friday", "due": (today - timedelta(days=3)).isoformat(),
                            "action": "name a negotiator", "actor": "Iran"}])


def test_deadlines_chart_is_uploaded_to_the_channel_as_a_png_with_alt_text(app, app_db, slack_api, signed) -> None:
    add_iran_deadlines_around_today(app_db)
    body = slash(slack_api, "/deadlines", "iran chart")
    dispatch(app, body, {**FORM, **signed(body)})
    [answer] = replies(slack_api)
    assert "Timeline of" in all_text(answer)
    [asked] = slack_api.wait_for("files.getUploadURLExternal", 1)
    [done] = slack_api.wait_for("files.completeUploadExternal", 1)
    assert asked.params["filename"].startswith("deadlines-iran-") and asked.params["filename"].endswith(".png")
    assert "timeline of" in asked.params["alt_txt"] and "answer the inspectors" in asked.params["alt_txt"]
    assert done.params["channel_id"] == "C0001" and "answer the inspectors" in done.params["initial_comment"]
    [png] = [data for data in slack_api.uploads.values() if data]
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and int(asked.params["length"]) == len(png)


def test_a_refused_chart_upload_tells_the_asker_why(app, app_db, slack_api, signed) -> None:
    add_iran_deadlines_around_today(app_db)
    slack_api.script("files.completeUploadExternal", body={"ok": False, "error": "not_in_channel"})
    body = slash(slack_api, "/deadlines", "iran chart")
    dispatch(app, body, {**FORM, **signed(body)})
    answer, refusal = replies(slack_api, count=2)
    assert "Timeline of" in all_text(answer)
    assert "not_in_channel" in refusal["text"] and "/invite @diplobot" in refusal["text"]


def test_deadlines_next_and_previous_move_pages_in_place(app, app_db, slack_api, signed) -> None:
    from datetime import UTC, datetime

    from tests.stored_news import add_article, add_feed

    feed = add_feed(app_db, "http://127.0.0.1/many.xml", "Many Wire")
    add_article(app_db, feed, "Many deadlines", datetime(2018, 10, 1, tzinfo=UTC),
                deadlines=[{"text": f"by day {i}", "due": f"2030-11-{i:02d}", "action": f"step {i:02d}"}
                           for i in range(1, 26)])
    body = slash(slack_api, "/deadlines", "many deadlines")
    dispatch(app, body, {**FORM, **signed(body)})
    [first] = replies(slack_api)
    assert "step 01" in all_text(first) and "step 11" not in all_text(first)
    [next_page] = buttons_named(first, "Next")
    press(app, slack_api, signed, next_page, reply="r2")
    [second] = replies(slack_api, "r2")
    assert second["replace_original"] is True
    assert "step 11" in all_text(second) and "step 10" not in all_text(second) and "11–20" in all_text(second)
    [previous] = buttons_named(second, "Previous")
    press(app, slack_api, signed, previous, reply="r3")
    assert "step 01" in all_text(replies(slack_api, "r3")[0])


def test_layout_switches_per_channel_and_shows_in_subscriptions(app, app_db, slack_api, signed) -> None:
    from bot.storage.delivery import get_channel

    body = slash(slack_api, "/diplo", "layout full")
    dispatch(app, body, {**FORM, **signed(body)})
    assert "now use the *full* layout" in all_text(replies(slack_api)[0])
    other = urlencode({**SLASH_COMMAND, "command": "/diplo", "text": "layout", "channel_id": "C0002",
                       "response_url": slack_api.response_url("r2")})
    dispatch(app, other, {**FORM, **signed(other)})
    assert "*compact* layout" in all_text(replies(slack_api, "r2")[0])
    assert get_channel(app_db, "T0001", "C0001").layout == "full"
    assert get_channel(app_db, "T0001", "C0002") is None  # asking changes nothing
    body = slash(slack_api, "/subscriptions", "", reply="r3")
    dispatch(app, body, {**FORM, **signed(body)})
    assert "Layout: *full*" in all_text(replies(slack_api, "r3")[0])
    body = slash(slack_api, "/diplo", "layout sideways", reply="r4")
    dispatch(app, body, {**FORM, **signed(body)})
    assert "no layout `sideways`" in all_text(replies(slack_api, "r4")[0])


def test_only_admins_add_feeds(app, app_db, slack_api, signed) -> None:
    url = "http://127.0.0.1:9/world.rss"
    body = slash(slack_api, "/feeds", f"add {url}", user="U1")
    dispatch(app, body, {**FORM, **signed(body)})
    assert "Only workspace admins" in all_text(replies(slack_api)[0])
    body = slash(slack_api, "/feeds", f"add {url}", user="UADMIN", reply="r2")
    dispatch(app, body, {**FORM, **signed(body)})
    assert "Added" in all_text(replies(slack_api, "r2")[0])
    with app_db.session() as session:
        assert session.scalar(select(FeedRow.added_by).where(FeedRow.url == url)) == "UADMIN"
    assert [c.params["user"] for c in slack_api.calls_to("users.info")] == ["U1", "UADMIN"]


def test_feeds_add_refuses_private_addresses_in_production(slack_settings, app_db, slack_api, signed) -> None:
    app = build_app(slack_settings.model_copy(update={"allow_private_feeds": False}), app_db)
    body = slash(slack_api, "/feeds", "add http://169.254.169.254/latest/meta-data", user="UADMIN")
    dispatch(app, body, {**FORM, **signed(body)})
    assert "cannot add" in all_text(replies(slack_api)[0])
    with app_db.session() as session:
        assert session.scalar(select(FeedRow).where(FeedRow.url.like("%169.254%"))) is None


def test_schedule_takes_the_users_time_zone_from_slack(app, app_db, slack_api, signed) -> None:
    from bot.storage.delivery import get_channel

    body = slash(slack_api, "/diplo", "schedule daily 07:30")
    dispatch(app, body, {**FORM, **signed(body)})
    assert "07:30 (Europe/Berlin)" in all_text(replies(slack_api)[0])
    assert get_channel(app_db, "T0001", "C0001").timezone == "Europe/Berlin"


@pytest.mark.parametrize("text", ["x" * 10_000, "'; DROP TABLE quotes; --", "🙂🙂🙂", "محمد جواد ظريف",
                                  "<!channel> <@U999>", "\u202e\x00\x07", "since", "Pompeo since tomorrow-ish???"])
def test_any_words_get_a_helpful_answer(app, slack_api, signed, text) -> None:
    body = slash(slack_api, "/who-said", text)
    assert dispatch(app, body, {**FORM, **signed(body)}).status == 200
    [answer] = replies(slack_api)
    assert answer["text"] and answer["text"] != FAILURE_LINE
    assert "<!channel>" not in all_text(answer) and "<@U999>" not in all_text(answer)


def test_a_failing_listener_logs_the_payload_and_tells_the_user_one_line(app, app_db, slack_api, signed,
                                                                          caplog) -> None:
    with app_db.engine.begin() as conn:  # the database loses the table /deadlines reads
        conn.execute(sqlalchemy.text("DROP TABLE deadlines"))
    body = slash(slack_api, "/deadlines", "iran")
    with caplog.at_level(logging.ERROR):
        dispatch(app, body, {**FORM, **signed(body)})
        [answer] = replies(slack_api)
    assert answer["text"] == FAILURE_LINE
    logged = caplog.text
    assert "no such table: deadlines" in logged and "/deadlines" in logged  # the error, with the payload
    assert "verification-token-not-real" not in logged and "/response/r1" not in logged


def test_commands_answer_from_ingested_demo_articles(slack_settings, slack_api, signed, nlp) -> None:
    """Bundled feeds served on 127.0.0.1 → poll → spaCy analysis → storage → signed slash commands → answers."""
    from datetime import UTC, datetime

    from bot.app.ingest import add_feeds, run_cycle
    from bot.dev.demo_server import serve_demo_feeds

    db = Database.connect(slack_settings.database_url)
    db.upgrade()
    with serve_demo_feeds(0) as urls:
        add_feeds(db, slack_settings, urls, datetime.now(UTC))
        report = run_cycle(slack_settings, lambda: nlp, db=db, force=True)
    assert report.analyzed >= 15
    app = build_app(slack_settings, db)
    asked = {"r1": ("/who-said", "Nauert"), "r2": ("/who-said", "heather nauert share"),
             "r3": ("/digest", "iran"), "r4": ("/feeds", "list"), "r5": ("/diplo", "help"), "r6": ("/digest", "")}
    for reply, (command, text) in asked.items():
        body = slash(slack_api, command, text, reply=reply)
        assert dispatch(app, body, {**FORM, **signed(body)}).status == 200
    nauert, shared, digest, feeds, help_answer, top = (replies(slack_api, r)[0] for r in asked)
    # Today's top stories: one screen of at most ten entries, at most 4,000 characters of text.
    shown = [b["text"]["text"] for b in top["blocks"] if "text" in b]
    shown += [e["text"] for b in top["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert 0 < len(buttons_named(top, "Details")) <= 10 and sum(len(t) for t in shown) <= 4000
    assert "Heather Nauert* (State Department spokeswoman) — quotes 1–" in all_text(nauert) and "“" in all_text(nauert)
    assert shared["response_type"] == "in_channel" and shared["blocks"] == nauert["blocks"]
    assert "Iran" in all_text(digest) and digest["blocks"][0]["type"] == "header"
    assert f"reads {len(urls)} feeds" in all_text(feeds)
    assert "/who-said" in all_text(help_answer)
    db.dispose()


def test_secrets_never_reach_the_logs(slack_settings, app_db, slack_api, signed, caplog) -> None:
    from tests.conftest import SIGNING_SECRET

    with caplog.at_level(logging.DEBUG):
        app = build_app(slack_settings, app_db)
        for command, text, user in (("/who-said", "Pompeo", "U1"), ("/feeds", "add http://127.0.0.1:9/x", "UADMIN")):
            body = slash(slack_api, command, text, user=user)
            dispatch(app, body, {**FORM, **signed(body)})
            dispatch(app, body, {**FORM, **signed(body, secret="wrong")})
        replies(slack_api, count=2)
        slack_api.wait_for("users.info", 1)
    logged = caplog.text
    assert logged  # the run did log
    for secret in (SIGNING_SECRET, slack_settings.slack_bot_token.get_secret_value()):
        assert secret not in logged


# --- App Home ------------------------------------------------------------------------------------------------


def open_home(app, slack_api, signed) -> tuple:
    """U1 opens the Home tab: the views.publish call and the view it published."""
    body = json.dumps(APP_HOME_OPENED)
    assert dispatch(app, body, {**JSON, **signed(body)}).status == 200
    [call] = slack_api.wait_for("views.publish", 1)
    view = call.params["view"]
    return call, json.loads(view) if isinstance(view, str) else view


def test_app_home_shows_subscriptions_deadlines_and_latest_stories(app, app_db, slack_api, signed) -> None:
    from datetime import UTC, datetime

    add_subscription(app_db, "T0001", "C0001", "iran", created_by="U1", now=datetime.now(UTC))
    call, view = open_home(app, slack_api, signed)
    text = json.dumps(view)
    assert call.params["user_id"] == "U1" and view["type"] == "home"
    assert "`iran`" in text and "Upcoming deadlines" in text and "Latest digest" in text
    assert "Layout: *compact*" in text and '"Details"' in text
    assert len(view["blocks"]) <= 100


def test_details_on_app_home_come_as_a_direct_message_where_no_modal_opens(app, app_db, slack_api, signed) -> None:
    from datetime import UTC, datetime

    add_subscription(app_db, "T0001", "C0001", "iran", created_by="U1", now=datetime.now(UTC))
    _, home = open_home(app, slack_api, signed)
    [details, *_] = buttons_named(home, "Details")
    # A press on the Home tab: no channel, no response_url; Slack will not open the modal this time.
    slack_api.script("views.open", body={"ok": False, "error": "expired_trigger_id"})
    payload = {**HOME_BLOCK_ACTION, "actions": [{**details, "block_id": "b1", "action_ts": "1.2"}]}
    action = "payload=" + json.dumps(payload)
    assert dispatch(app, action, {**FORM, **signed(action)}).status == 200
    [dm] = slack_api.wait_for("chat.postMessage", 1)
    assert dm.params["channel"] == "U1"
    blocks = dm.params["blocks"]
    shown = json.dumps(json.loads(blocks) if isinstance(blocks, str) else blocks, ensure_ascii=False)
    assert "The special purpose vehicle will be ready" in shown and "Federica Mogherini" in shown


# --- modes ---------------------------------------------------------------------------------------------------


def test_oauth_mode_serves_the_install_page_and_keeps_installations_in_our_database(settings, db, slack_api) -> None:
    oauth = settings.model_copy(update={"slack_client_id": "111.222", "slack_client_secret": SecretStr("shh"),
                                        "slack_signing_secret": SecretStr("secret"),
                                        "slack_api_url": slack_api.base_url})
    build_app(oauth, db)
    app = build_app(oauth, db)  # a restart: the tables already exist
    tables = set(inspect(db.engine).get_table_names())
    assert {"slack_installations", "slack_bots", "slack_oauth_states"} <= tables
    install = app.oauth_flow.handle_installation(BoltRequest(body="", query={}, headers={}))
    assert install.status in (200, 302)
    assert "slack.com/oauth/v2/authorize" in (install.body + json.dumps(install.headers))
    assert "client_id=111.222" in (install.body + json.dumps(install.headers))


def test_socket_mode_needs_no_signing_secret(settings, slack_api) -> None:
    socket = settings.model_copy(update={"slack_bot_token": SecretStr("xoxb-x"), "slack_app_token": SecretStr("xapp-x"),
                                         "slack_api_url": slack_api.base_url})
    app = build_app(socket, Database.connect(settings.database_url), socket_mode=True)
    assert app.client.base_url == slack_api.base_url


def test_missing_secrets_fail_with_a_clear_message(settings) -> None:
    with pytest.raises(SlackNotConfigured, match="SLACK_SIGNING_SECRET"):
        build_app(settings, Database.connect(settings.database_url))
    with pytest.raises(SlackNotConfigured, match="SLACK_BOT_TOKEN"):
        build_app(settings.model_copy(update={"slack_signing_secret": SecretStr("x")}),
                  Database.connect(settings.database_url))


# --- payloads ------------------------------------------------------------------------------------------------

SLASH_COMMAND = {
    "token": "verification-token-not-real",
    "team_id": "T0001",
    "team_domain": "example",
    "channel_id": "C0001",
    "channel_name": "diplomacy",
    "user_id": "U1",
    "user_name": "analyst",
    "api_app_id": "A0001",
    "trigger_id": "111.222.abc",
}

BLOCK_ACTION = {
    "type": "block_actions",
    "token": "verification-token-not-real",
    "team": {"id": "T0001", "domain": "example"},
    "user": {"id": "U1", "username": "analyst", "team_id": "T0001"},
    "api_app_id": "A0001",
    "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": "C0001",
                  "is_ephemeral": True},
    "channel": {"id": "C0001", "name": "diplomacy"},
    "trigger_id": "111.222.abc",
}

# A press on the Home tab: no channel, and (unlike a message's buttons) no response_url.
HOME_BLOCK_ACTION = {**{key: value for key, value in BLOCK_ACTION.items() if key != "channel"},
                     "container": {"type": "view", "view_id": "V0001"}, "view": {"id": "V0001", "type": "home"}}

APP_HOME_OPENED = {
    "token": "verification-token-not-real",
    "team_id": "T0001",
    "api_app_id": "A0001",
    "event": {"type": "app_home_opened", "user": "U1", "channel": "D0001", "tab": "home",
              "event_ts": "1700000000.000200"},
    "type": "event_callback",
    "event_id": "Ev0001",
    "event_time": 1700000000,
    "authorizations": [{"team_id": "T0001", "user_id": "UBOT", "is_bot": True}],
}
