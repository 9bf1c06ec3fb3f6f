"""/deadlines: sorted by due date, filtered by topic and by overdue/upcoming, who set it, the article."""

import json
from datetime import UTC, datetime

import pytest

from bot.slack.commands.answer import CommandContext, UsageError
from bot.slack.commands.deadlines import SHOWN, DeadlinesArgs, answer, args_from_button, parse
from bot.storage.models import ArticleRow, StoryRow
from tests.stored_news import add_article, add_demo_news, add_feed

CTX = CommandContext(now=datetime(2018, 10, 20, 9, tzinfo=UTC))


def test_words_become_topic_and_when() -> None:
    assert parse("north korea upcoming") == DeadlinesArgs("north korea", "upcoming")
    assert parse("overdue Iran") == DeadlinesArgs("Iran", "overdue")
    assert parse("") == DeadlinesArgs(None, None)


def test_answer_lists_due_date_what_who_and_article_in_order(settings, db) -> None:
    add_demo_news(db)
    result = answer(db, settings, DeadlinesArgs(), CTX)
    text = json.dumps(result.blocks, ensure_ascii=False)
    assert text.index("answer the inspectors") < text.index("set up the payment channel") < text.index(
        "keep talking")
    assert "overdue by 5 days" in text and "in 15 days" in text and "no fixed date" in text
    assert "Who must act: European Union" in text and "Who must act: not named" in text
    assert "Who must act: Iran · Set by: European Union" in text  # the party that gave Iran 30 days
    assert "EU sets Iran deadline on trade channel" in text


def test_filters_and_an_empty_result_say_what_was_asked(settings, db) -> None:
    add_demo_news(db)
    overdue = answer(db, settings, DeadlinesArgs("Iran", "overdue"), CTX)
    assert "answer the inspectors" in str(overdue.blocks) and "payment channel" not in str(overdue.blocks)
    by_capital = answer(db, settings, DeadlinesArgs("DPRK", None), CTX)  # named nowhere, found as its country
    assert "denuclearisation of North Korea" in str(by_capital.blocks)
    nothing = answer(db, settings, DeadlinesArgs("Antarctica", None), CTX)
    assert "No deadlines about *Antarctica*" in nothing.text


def test_long_lists_answer_ten_with_paging_buttons(settings, db) -> None:
    feed = add_feed(db)
    add_article(db, feed, "Many deadlines", datetime(2018, 10, 1, tzinfo=UTC),
                deadlines=[{"text": f"by day {i}", "due": f"2018-11-{i:02d}", "action": f"step {i}"}
                           for i in range(1, 21)])
    result = answer(db, settings, DeadlinesArgs(), CTX)
    assert SHOWN == 10 and len(result.blocks) == 1 + 2 * SHOWN + 1
    [following] = result.blocks[-1]["elements"]
    assert following["text"]["text"] == "Next"
    second = answer(db, settings, args_from_button(following["value"]), CTX)
    assert "step 11" in str(second.blocks) and "step 10" not in str(second.blocks)
    assert [e["text"]["text"] for e in second.blocks[-1]["elements"]] == ["Previous"]


def test_chart_word_asks_for_a_timeline_png_of_passed_and_coming_deadlines(settings, db) -> None:
    assert parse("iran chart") == DeadlinesArgs("iran", None, chart=True)
    assert parse("iran upcoming chart") == DeadlinesArgs("iran", "upcoming", chart=True)
    add_demo_news(db)
    result = answer(db, settings, parse("chart"), CTX)
    [picture] = result.files
    assert picture.content.startswith(b"\x89PNG") and picture.filename == "deadlines-all-2018-10-20.png"
    assert "timeline of 3 deadlines (1 passed, 2 ahead)" in picture.alt_text
    assert "15 Oct 2018: Iran: answer the inspectors" in picture.alt_text
    nothing = answer(db, settings, parse("antarctica chart"), CTX)
    assert nothing.files == [] and "No dated deadlines about antarctica" in nothing.text


def test_buttons_that_are_not_ours_are_refused(settings, db) -> None:
    for value in ("", "[]", '{"when": "someday"}', '{"topic": 5}', '{"offset": "x"}'):
        with pytest.raises(UsageError):
            args_from_button(value)


def test_the_fallback_text_shows_a_feeds_mentions_inertly(settings, db) -> None:
    feed = add_feed(db)
    add_article(db, feed, "Envoy sets a date", datetime(2018, 10, 1, tzinfo=UTC),
                deadlines=[{"text": "by 1 November", "due": "2018-11-01", "action": "reply <!channel> *now*"}])
    result = answer(db, settings, DeadlinesArgs(), CTX)
    assert "<!channel>" not in result.text and "*now*" not in result.text
    assert "reply &lt;!channel&gt;" in result.text


def test_a_deadline_the_articles_of_one_story_repeat_is_listed_once_with_their_outlets(settings, db) -> None:
    wire, paper = add_feed(db), add_feed(db, "http://127.0.0.1/paper.xml", "Harbour Gazette")
    first = add_article(db, wire, "Envoy given until 14 November to leave", datetime(2018, 10, 1, tzinfo=UTC),
                        deadlines=[{"text": "by Nov. 14", "due": "2018-11-14", "action": "the envoy",
                                    "setter": "Foreign Ministry"}])
    second = add_article(db, paper, "Envoy ordered out by 14 November", datetime(2018, 10, 2, tzinfo=UTC),
                         deadlines=[{"text": "by Nov. 14", "due": "2018-11-14", "action": "leave the country",
                                     "actor": "Paul Ferrand"},
                                    {"text": "by Nov. 14", "due": "2018-11-14", "action": "reply to the charges",
                                     "actor": "Defence Ministry"}])
    with db.session() as session:  # the paper's report joins the wire's story
        one, two = session.get(ArticleRow, first), session.get(ArticleRow, second)
        session.delete(session.get(StoryRow, two.story_id))
        two.story_id = one.story_id
    text = json.dumps(answer(db, settings, DeadlinesArgs(), CTX).blocks, ensure_ascii=False)
    assert text.count("leave the country") == 1 and "the envoy" not in text
    assert "Who must act: Paul Ferrand · Set by: Foreign Ministry" in text
    assert " · Diplomatic Wire, Harbour Gazette · " in text
    # Another party's deadline that the same article gives for the same day stays a deadline of its own.
    assert text.count("reply to the charges") == 1


def test_a_topic_is_looked_up_once_while_a_story_s_repeats_are_read_past(settings, db, monkeypatch) -> None:
    from bot.storage import search

    wire = add_feed(db)
    for n in range(12):  # one story's deadline, told by twelve articles, before two deadlines of other stories
        article = add_article(db, wire, f"Geneva talks given until 1 November ({n})",
                              datetime(2018, 10, 1, n, tzinfo=UTC), deadlines=[{"text": "by 1 November", "due": "2018-11-01", "action": "sign the accord",
                                          "actor": "Iran"}])
        with db.session() as session:
            row = session.get(ArticleRow, article)
            if n == 0:
                story = row.story_id
            else:
                session.delete(session.get(StoryRow, row.story_id))
                row.story_id = story
    for n, due in enumerate(("2018-11-02", "2018-11-03")):
        add_article(db, wire, f"Geneva envoy report {n}", datetime(2018, 10, 2, tzinfo=UTC),
                    deadlines=[{"text": "by then", "due": due, "action": f"reply {n}", "actor": "Norway"}])
    looked_up = []
    original = search.indexed_matches
    monkeypatch.setattr(search, "indexed_matches", lambda *args: looked_up.append(args) or original(*args))
    monkeypatch.setattr(search, "PROBED", 2)  # the probe finds too few: the topic's matches are looked up
    hits = search.find_deadlines(db, today=CTX.now.date(), topic="geneva", limit=3)
    assert [h.action for h in hits] == ["sign the accord", "reply 0", "reply 1"]
    assert len(looked_up) == 1  # read three times (3, 12, 48 tellings), looked up once
