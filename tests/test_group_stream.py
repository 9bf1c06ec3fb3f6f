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


def line(ident: str, feed: str, title: str, text: str, hours: int = 0) -> str:
    return json.dumps({"id": ident, "feed": feed, "title": title, "text": text,
                       "published": f"2026-11-30T{9 + hours:02d}:00:00+00:00", "link": f"https://{feed}.example/{ident}"})


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
