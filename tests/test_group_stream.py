"""`diplobot group`: articles in as a stream, one story per article out, through the steps of a poll."""

import io
import json

from bot.app.group_stream import run_group_stream
from bot.storage import Database
from bot.storage.stories import load_stories

GENEVA = ("Negotiators from Armenia and Azerbaijan met in Geneva on Monday for a third round of talks on the "
          "border commission, mediated by Swiss diplomats. Foreign ministers Ararat Mirzoyan and Jeyhun Bayramov "
          "agreed to exchange 32 detainees and to meet again within 60 days, a joint statement said.")
GENEVA_UPDATE = ("Armenia and Azerbaijan agreed in Geneva to swap 32 detainees and to hold a fourth round of border "
                 "commission talks within 60 days, foreign ministers Ararat Mirzoyan and Jeyhun Bayramov said after "
                 "the Swiss-mediated meeting on Monday.")
OTHER = ("The Security Council renewed the mandate of the multinational security mission in Haiti for a year, "
         "with Russia and China abstaining. The mission's commander asked for more police in Port-au-Prince.")


def line(ident: str, feed: str, title: str, text: str, hours: int = 0, *, day: int = 30, link: str = "") -> str:
    return json.dumps({"id": ident, "feed": feed, "title": title, "text": text,
                       "published": f"2026-11-{day:02d}T{9 + hours:02d}:00:00+00:00",
                       "link": link or f"https://{feed}.example/{ident}"})


def group(db: Database, settings, nlp, lines: list[str]) -> tuple[list[dict], str, object]:
    out, err = io.StringIO(), io.StringIO()
    run = run_group_stream(db, settings, nlp, [(f"in:{n}", raw) for n, raw in enumerate(lines, 1)], out, err)
    return [json.loads(row) for row in out.getvalue().splitlines()], err.getvalue(), run


def test_group_answers_each_article_in_input_order_and_names_a_bad_line(db: Database, settings, nlp) -> None:
    lines = [line("a", "wire", "Armenia and Azerbaijan hold Geneva talks", GENEVA),
             "not json",
             line("b", "wire", "UPDATE: Armenia, Azerbaijan to swap 32 detainees", GENEVA_UPDATE, 3),
             line("c", "gazette", "Armenia and Azerbaijan hold Geneva talks", GENEVA, 4),  # the wire's copy
             line("d", "gazette", "Haiti mission renewed", OTHER, 5)]
    out, err = io.StringIO(), io.StringIO()
    run = run_group_stream(db, settings, nlp, [(f"in:{n}", raw) for n, raw in enumerate(lines, 1)], out, err)

    answers = [json.loads(row) for row in out.getvalue().splitlines()]
    assert [a["id"] for a in answers] == ["a", "b", "c", "d"]
    story = {a["id"]: a["story"] for a in answers}
    assert story["a"] == story["b"] == story["c"] != story["d"]  # the update and the copy join
    assert run.answered == 4 and run.problems == ["in:2: not JSON (Expecting value: line 1 column 1 (char 0))"]
    assert "in:2" in err.getvalue()
    geneva = next(s for s in load_stories(db) if s.id == story["a"])
    assert sorted(s.name for s in geneva.sources) == ["gazette", "wire", "wire"]


def test_a_text_a_feed_sends_again_under_another_id_is_answered_with_its_story(db: Database, settings, nlp) -> None:
    """A wire re-sends the same story, word for word, days later under a new id: a poll stores it once (the feed
    knows its text), and its line is answered with that article's story, not left without one."""
    lines = [line("w-101", "wire", "Armenia and Azerbaijan hold Geneva talks", GENEVA, day=20),
             line("w-102", "wire", "Haiti mission renewed", OTHER, day=21),
             line("w-187", "wire", "Armenia and Azerbaijan hold Geneva talks", GENEVA, day=28),  # sent again
             line("g-5", "gazette", "Armenia and Azerbaijan hold Geneva talks", GENEVA, day=29)]  # and a copy
    answers, err, run = group(db, settings, nlp, lines)

    assert [a["id"] for a in answers] == ["w-101", "w-102", "w-187", "g-5"]
    story = {a["id"]: a["story"] for a in answers}
    assert story["w-101"] == story["w-187"] == story["g-5"] != story["w-102"]
    assert run.answered == 4 and run.problems == [] and err == ""


def test_an_id_or_a_link_naming_another_text_is_a_problem_named_on_stderr(db: Database, settings, nlp) -> None:
    """Every line is answered or named as a problem with its reason, never silently answered with another
    text's story: an id sent again with its own text is the same article; with another text, or another text
    at a known link, the poll keeps the first text, so that line gets no story and says why."""
    lines = [line("a", "wire", "Armenia and Azerbaijan hold Geneva talks", GENEVA),
             line("a", "wire", "Armenia and Azerbaijan hold Geneva talks", GENEVA, 1),  # the same article again
             line("a", "wire", "UPDATE: Armenia, Azerbaijan to swap 32 detainees", GENEVA_UPDATE, 2),
             line("b", "gazette", "Haiti mission renewed", OTHER, 3, link="https://news.example/haiti"),
             line("c", "post", "UPDATE: Armenia, Azerbaijan to swap 32 detainees", GENEVA_UPDATE, 4,
                  link="https://news.example/haiti"),
             line("a", "post", "Haiti mission renewed", OTHER, 5)]  # another feed's "a": its own article
    answers, err, run = group(db, settings, nlp, lines)

    assert [a["id"] for a in answers] == ["a", "a", "b", "a"]
    assert answers[0]["story"] == answers[1]["story"] != answers[2]["story"] == answers[3]["story"]
    assert run.answered == 4 and len(run.problems) == 2
    assert run.problems[0].startswith("in:3: its id is that of in:1 in feed 'wire', with another title or text")
    assert run.problems[1].startswith("in:5: its link https://news.example/haiti is that of in:4")
    assert "in:3: article 'a': its id is that of in:1" in err and "so this text was not grouped" in err
    assert "in:5: article 'c': its link" in err
