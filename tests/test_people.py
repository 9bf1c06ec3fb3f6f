"""People across articles: name rules (no database), linking when analyses are saved, the name index, and
/who-said answering the person meant, on SQLite and PostgreSQL."""

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, text

from bot.analysis.records import Actor, Analysis, Quote
from bot.app.stories import store_analysis
from bot.domain.people import (
    Directory,
    Person,
    Query,
    Speaker,
    choose,
    name_key,
    name_tokens,
    person_for,
    same_name,
)
from bot.slack.commands.answer import CommandContext
from bot.slack.commands.who_said import WhoSaidArgs, answer, args_from_button
from bot.storage import Database
from bot.storage.models import PersonRow, QuoteRow
from bot.storage.search import match_speaker
from tests.test_storage_stories import add_article

NOW = datetime(2000, 1, 20, 9, tzinfo=UTC)
CTX = CommandContext(now=NOW)


# --- name rules ------------------------------------------------------------------------------------------


def test_spellings_of_one_name_fold_together() -> None:
    assert name_tokens("Kim Jong-un") == name_tokens("Kim Jong Un") == ("kim", "jong", "un")
    assert name_tokens("José Núñez") == ("jose", "nunez")
    assert name_tokens("Secretary of State Madeleine Albright") == ("madeleine", "albright")
    assert name_tokens("O'Brien") == name_tokens("OBrien")
    assert name_key(name_tokens("George W. Bush")) == "george bush"


def test_middle_names_and_initials_are_optional_but_must_agree() -> None:
    assert same_name(name_tokens("George W. Bush"), name_tokens("George Bush"))
    assert same_name(name_tokens("George W. Bush"), name_tokens("George Walker Bush"))
    assert not same_name(name_tokens("George W. Bush"), name_tokens("George H. W. Bush"))
    assert not same_name(name_tokens("Jeb Bush"), name_tokens("George Bush"))
    assert not same_name(name_tokens("Bush"), name_tokens("George Bush"))


def people(*specs: tuple[str, str | None]) -> list[Person]:
    return [Person(id=i + 1, name=name, role=role) for i, (name, role) in enumerate(specs)]


def test_a_surname_joins_the_one_compatible_full_name_only() -> None:
    clintons = people(("Bill Clinton", "President"), ("Hillary Clinton", "Secretary of State"))
    assert person_for(Speaker("Clinton"), clintons) is None  # two Clintons: stays its own entry
    assert person_for(Speaker("Clinton", role="President"), clintons).name == "Bill Clinton"
    assert person_for(Speaker("President Clinton"), clintons).name == "Bill Clinton"
    husseins = people(("Saddam Hussein", "President"))
    assert person_for(Speaker("Hussein", role="King"), husseins) is None
    assert person_for(Speaker("Hussein"), husseins).name == "Saddam Hussein"


def test_same_full_name_with_another_role_or_country_is_another_person() -> None:
    known = [Person(id=1, name="Ahmed Khan", role="Foreign Minister", country="Pakistan")]
    assert person_for(Speaker("Ahmed Khan", role="Minister", country="Pakistan"), known) is known[0]
    assert person_for(Speaker("Ahmed Khan", country="India"), known) is None
    assert person_for(Speaker("Ahmed Khan", role="Governor", country="India"), known) is None
    # one person through a change of office: senator, then secretary of state
    assert person_for(Speaker("Ahmed Khan", role="Governor"), known) is known[0]
    assert person_for(Speaker("Kim Jong-un"), [Person(id=2, name="Kim Jong Un")]).id == 2


def test_linking_in_any_order_keeps_people_apart() -> None:
    directory = Directory()
    for speaker in (Speaker("Hussein", role="King"), Speaker("Saddam Hussein", role="President"),
                    Speaker("King Hussein"), Speaker("Saddam Hussein"), Speaker("Hussein", role="President")):
        person, is_new, _ = directory.link(speaker)
        if is_new:
            person.id = len(directory.people)
    assert sorted((p.name, p.role) for p in directory.people) == [("Hussein", "King"),
                                                                   ("Saddam Hussein", "President")]


def test_typed_names_choose_the_person_meant() -> None:
    known = people(("Bill Clinton", "President"), ("Hillary Clinton", "Secretary of State"),
                   ("Madeleine Albright", "Secretary of State"), ("Hussein", "King"),
                   ("Saddam Hussein", "President"), ("Heather Nauert", "State Department spokeswoman"))
    assert [p.name for p in choose(Query.of("President Clinton"), known).chosen] == ["Bill Clinton"]
    assert [p.name for p in choose(Query.of("Hillary Clinton"), known).chosen] == ["Hillary Clinton"]
    assert {p.name for p in choose(Query.of("Clinton"), known).choices} == {"Bill Clinton", "Hillary Clinton"}
    assert [(p.name, p.role) for p in choose(Query.of("King Hussein"), known).chosen] == [("Hussein", "King")]
    assert [p.name for p in choose(Query.of("Secretary Albright"), known).chosen] == ["Madeleine Albright"]
    assert [p.name for p in choose(Query.of("the spokeswoman"), known).chosen] == ["Heather Nauert"]
    assert [p.name for p in choose(Query.of("Albrite"), known).choices] == ["Madeleine Albright"]


# --- stored people ---------------------------------------------------------------------------------------


def _save(db: Database, guid: str, day: int, title: str, said: list[tuple[str, str, str | None]]) -> int:
    """An analysed article whose quotes are (words, speaker, speaker's role)."""
    published = datetime(2000, 1, day, 12, tzinfo=UTC)
    article_id = add_article(db, title, guid, published)
    actors = [Actor(speaker, "person", 1, [], role) for _, speaker, role in said]
    quotes = [Quote(words, i * 40, i * 40 + len(words), True, speaker, speaker, None, None, "said")
              for i, (words, speaker, _) in enumerate(said)]
    store_analysis(db, article_id, Analysis(actors=actors, quotes=quotes, summary=[title]), published)
    return article_id


def _wire(db: Database) -> None:
    _save(db, "a1", 3, "Clinton meets Arafat", [("We will not give up on peace", "Bill Clinton", "President")])
    _save(db, "a2", 4, "Senate race in New York", [("I am listening to New Yorkers", "Hillary Clinton", "First Lady")])
    _save(db, "a3", 5, "Jordan's king in hospital", [("I am feeling better", "Hussein", "King")])
    _save(db, "a4", 6, "Baghdad defiant", [("We will fight", "Saddam Hussein", "President"),
                                           ("The embargo is a crime", "Saddam Hussein", "President")])
    _save(db, "a5", 7, "Albright in Cairo", [("Progress is possible", "Madeleine Albright", "Secretary of State")])


def test_saved_quotes_are_linked_and_counted_once(db: Database) -> None:
    _wire(db)
    article = _save(db, "a6", 8, "Baghdad again", [("No inspectors", "Saddam Hussein", "President")])
    store_analysis(db, article, Analysis(quotes=[Quote("No inspectors", 0, 13, True, "Saddam Hussein")],
                                                actors=[Actor("Saddam Hussein", "person", 1, [], "President")]),
                          NOW)  # analysed again: replaced, not added
    with db.session() as session:
        counts = dict(session.execute(select(PersonRow.name, PersonRow.quote_count)).all())
        linked = session.scalars(select(QuoteRow.speaker_id).where(QuoteRow.speaker_id.is_(None))).all()
    assert counts == {"Bill Clinton": 1, "Hillary Clinton": 1, "Hussein": 1, "Saddam Hussein": 3,
                      "Madeleine Albright": 1}
    assert linked == []


def test_a_shared_surname_answers_with_a_choice_of_people(settings, db: Database) -> None:
    _wire(db)
    result = answer(db, settings, WhoSaidArgs("Clinton"), CTX)
    shown = json.dumps(result.blocks, ensure_ascii=False)
    assert "no quotes" not in result.text.casefold()
    assert "Bill Clinton (President)" in shown and "Hillary Clinton (First Lady)" in shown
    assert "Clinton meets Arafat" in shown and "Senate race in New York" in shown  # most recent story of each
    hillary = next(b for b in result.blocks[-1]["elements"] if b["text"]["text"].startswith("Hillary"))
    page = answer(db, settings, args_from_button(hillary["value"]), CTX)
    assert "listening to New Yorkers" in json.dumps(page.blocks) and "give up on peace" not in json.dumps(page.blocks)


def test_title_and_full_name_find_the_right_hussein(settings, db: Database) -> None:
    _wire(db)
    king = json.dumps(answer(db, settings, WhoSaidArgs("King Hussein"), CTX).blocks)
    assert "feeling better" in king and "We will fight" not in king
    saddam = json.dumps(answer(db, settings, WhoSaidArgs("Saddam Hussein"), CTX).blocks)
    assert "We will fight" in saddam and "feeling better" not in saddam
    assert "give up on peace" in json.dumps(answer(db, settings, WhoSaidArgs("President Clinton"), CTX).blocks)


def test_misspelt_names_still_find_the_person(db: Database) -> None:
    _wire(db)
    assert match_speaker(db, "Madeleine Albrigt").name == "Madeleine Albright"
    assert "Madeleine Albright" in match_speaker(db, "Albrite").suggestions
    assert match_speaker(db, "Zzyzx Qwv").name is None


def test_quotes_page_newest_first_across_days(settings, db: Database) -> None:
    for day in range(1, 13):
        _save(db, f"b{day}", day, f"Briefing {day}", [(f"Remark {day}", "Jamie Rubin", "spokesman")])
    first = answer(db, settings, WhoSaidArgs("Rubin"), CTX)
    assert "quotes 1–5 of 12" in json.dumps(first.blocks, ensure_ascii=False)
    second = answer(db, settings, args_from_button(first.blocks[-1]["elements"][-1]["value"]), CTX)  # Show more
    third = answer(db, settings, args_from_button(second.blocks[-1]["elements"][-1]["value"]), CTX)
    shown = [json.dumps(a.blocks, ensure_ascii=False) for a in (first, second, third)]
    said = [re.findall(r"Remark \d+", page) for page in shown]
    assert said == [[f"Remark {d}" for d in range(12, 7, -1)], [f"Remark {d}" for d in range(7, 2, -1)],
                    ["Remark 2", "Remark 1"]]
    assert "quotes 11–12 of 12" in shown[2]
    since = answer(db, settings, WhoSaidArgs("Rubin", since=date(2000, 1, 10)), CTX)
    assert "quotes 1–3 of 3" in json.dumps(since.blocks, ensure_ascii=False)


@pytest.fixture
def old_db(db_at: Callable[[str], Database]) -> Database:
    """A database migrated only up to 0004, before people were stored."""
    return db_at("0004")


def test_migration_links_the_quotes_already_stored(old_db: Database) -> None:
    with old_db.engine.begin() as conn:
        feed = conn.scalar(text("INSERT INTO feeds (url, created_at, consecutive_failures, retired) "
                                "VALUES ('http://127.0.0.1/wire.xml', '2000-01-01 00:00:00', 0, false) RETURNING id"))
        for day, speaker in ((2, "Madeleine Albright"), (3, "Albright"), (4, None)):
            article_id = conn.scalar(text(
                "INSERT INTO articles (feed_id, guid, title, published_at, fetched_at, text, text_source, "
                "content_hash) VALUES (:f, :g, 't', :p, :p, 'x', 'feed', :g) RETURNING id"),
                {"f": feed, "g": f"g{day}", "p": datetime(2000, 1, day, 12, tzinfo=UTC)})
            conn.execute(text("INSERT INTO quotes (article_id, text, start, \"end\", direct, speaker) "
                              "VALUES (:a, 'We are ready', 0, 12, true, :s)"), {"a": article_id, "s": speaker})
    old_db.upgrade()
    with old_db.engine.connect() as conn:
        rows = conn.execute(text("SELECT q.speaker_id, q.published_at, p.name, p.quote_count FROM quotes q "
                                 "LEFT JOIN people p ON p.id = q.speaker_id ORDER BY q.id")).all()
    assert [(r.name, r.quote_count) for r in rows] == [("Madeleine Albright", 2), ("Madeleine Albright", 2),
                                                       (None, None)]
    assert all(r.published_at for r in rows)
    assert match_speaker(old_db, "Albright").name == "Madeleine Albright"
    assert match_speaker(old_db, "Albrigth").name == "Madeleine Albright"  # the misspelling index is filled too
    _save(old_db, "new", 9, "Albright again", [("Still ready", "Madeleine Albright", None)])  # ids carry on
    assert match_speaker(old_db, "Albright").person_ids == [1]


# --- identity across articles (issue 10, points 2 and 6) --------------------------------------------------


def test_a_title_typed_or_written_is_matched_against_every_role_the_person_had() -> None:
    hillary = Person(id=1, name="Hillary Clinton", role="Democratic nominee",
                     role_words={"secretary": 6, "state": 5, "democratic": 3, "nominee": 3})
    bill = Person(id=2, name="Bill Clinton", role="President", role_words={"president": 7, "secretary": 1})
    ryan = Person(id=3, name="Paul Ryan", role="House Speaker", role_words={"house": 9, "speaker": 9})
    rand = Person(id=4, name="Rand Paul", role="Senator", role_words={"senator": 4})
    known = [hillary, bill, ryan, rand]
    assert [p.name for p in choose(Query.of("Secretary Clinton"), known).chosen] == ["Hillary Clinton"]
    assert [p.name for p in choose(Query.of("President Clinton"), known).chosen] == ["Bill Clinton"]
    assert [p.name for p in choose(Query.of("Speaker Ryan"), known).chosen] == ["Paul Ryan"]
    # a word that is somebody's name is never read as a title ("Hillary's husband" is a role of Bill's)
    bill.role_words["hillary"] = 1
    assert [p.name for p in choose(Query.of("Hillary Clinton"), known).chosen] == ["Hillary Clinton"]
    assert [p.name for p in choose(Query.of("Paul Ryan"), known).chosen] == ["Paul Ryan"]


def test_a_surname_choice_lists_full_names_and_office_holders_first() -> None:
    known = [Person(id=1, name="Gary Johnson", quote_count=8), Person(id=2, name="Hank Johnson", role="Rep.",
             quote_count=2), Person(id=3, name="Ron Johnson", role="Sen.", quote_count=2),
             Person(id=4, name="Dean Johnson", quote_count=1), Person(id=5, name="Brenda Johnson", quote_count=1),
             Person(id=6, name="Jeh Johnson", role="Homeland Security Secretary", quote_count=1),
             Person(id=7, name="Johnson", quote_count=3)]
    choice = choose(Query.of("Johnson"), known)
    assert [p.name for p in choice.choices] == ["Gary Johnson", "Hank Johnson", "Ron Johnson", "Jeh Johnson",
                                                "Brenda Johnson"]
    assert [p.name for p in choose(Query.of("Senator Johnson"), known).chosen] == ["Ron Johnson"]


def test_titles_go_only_from_the_front_of_a_name() -> None:
    assert name_tokens("Justice Ruth Bader Ginsburg") == ("ruth", "bader", "ginsburg")
    assert name_tokens("Jim Justice") == ("jim", "justice")
    assert name_tokens("Julie Bishop") == ("julie", "bishop")
    assert name_tokens("U.S. Secretary of State Mike Pompeo") == ("mike", "pompeo")
    assert name_tokens("Martin Luther King Jr.") == ("martin", "luther", "king")
    assert name_tokens("the spokeswoman") == ()


def test_a_surname_the_article_itself_could_not_tell_apart_stays_apart() -> None:
    chris = Person(id=1, name="Chris Murphy", role="Senator", role_words={"senator": 3})
    mike = Person(id=2, name="Mike Murphy", role="GOP consultant")
    local = Speaker("Murphy", namesakes=("Anne Marie Murphy", "Chris Murphy"))
    assert person_for(local, [chris, mike]) is None  # not Mike Murphy of another article, not a guess
    assert person_for(Speaker("Murphy", namesakes=("Mike Murphy",)), [chris, mike]) is mike
    assert person_for(Speaker("Murphy", role="Sen.", namesakes=("Anne Marie Murphy", "Chris Murphy")),
                      [chris, mike]) is chris


def test_a_role_gives_the_country_and_organisation_it_names() -> None:
    from bot.domain.people import affiliation

    countries = [("Iraq", ["Iraqi"]), ("Greece", ["Greek"]), ("United States", ["U.S."])]
    assert affiliation("Iraqi ambassador to Greece", countries) == "Iraq"
    assert affiliation("ambassador to Greece", countries) is None
    assert affiliation("U.S. Secretary of State", countries) == "United States"
    assert affiliation("chairman of the Rockingham County GOP", [("GOP", [])]) == "GOP"


def _save_with(db: Database, guid: str, day: int, said: list[tuple[str, str, str | None]],
               others: list[Actor] | None = None) -> int:
    published = datetime(2000, 1, day, 12, tzinfo=UTC)
    article_id = add_article(db, f"Story {guid}", guid, published)
    actors = [Actor(speaker, "person", 1, [], role) for _, speaker, role in said] + list(others or [])
    quotes = [Quote(words, i * 40, i * 40 + len(words), True, speaker, speaker, None, None, "said")
              for i, (words, speaker, _) in enumerate(said)]
    store_analysis(db, article_id, Analysis(actors=actors, quotes=quotes, summary=["x"]), published)
    return article_id


def _people(db: Database) -> dict[str, tuple[int, str | None, str | None]]:
    with db.session() as session:
        return {p.name: (p.quote_count, p.country, p.organisation) for p in session.scalars(select(PersonRow))}


def test_a_surname_saved_first_joins_the_full_name_when_it_can_only_be_them(db: Database) -> None:
    _save_with(db, "s1", 2, [("We are ready", "Albright", "Secretary of State")])
    _save_with(db, "s2", 3, [("Not yet", "Hussein", None)],
               others=[Actor("Saddam Hussein", "person", 1, [], "President"),
                       Actor("King Hussein", "person", 1, [], "King")])
    assert _people(db) == {"Albright": (1, None, None), "Hussein": (1, None, None)}
    _save_with(db, "s3", 4, [("Progress is possible", "Madeleine Albright", "Secretary of State")])
    _save_with(db, "s4", 5, [("We will fight", "Saddam Hussein", "President")])
    people = _people(db)
    assert people["Madeleine Albright"][0] == 2 and "Albright" not in people  # re-linked: the only Albright
    assert people["Hussein"][0] == 1  # its article named two Husseins: it stays its own entry
    match = match_speaker(db, "Madeleine Albright")
    assert len(match.person_ids) == 1 and "Albright" in match.names


def test_country_and_organisation_come_from_the_role_and_keep_namesakes_apart(db: Database) -> None:
    pakistan, india = Actor("Pakistan", "country", 1, ["Pakistani"]), Actor("India", "country", 1, ["Indian"])
    _save_with(db, "k1", 2, [("Talks resume", "Ahmed Khan", "Pakistani Foreign Minister")], others=[pakistan])
    _save_with(db, "k2", 3, [("Rain is late", "Ahmed Khan", "Indian farm leader")], others=[india])
    _save_with(db, "k3", 4, [("Talks go on", "Ahmed Khan", "Foreign Minister")], others=[pakistan])
    with db.session() as session:
        rows = session.execute(select(PersonRow.quote_count, PersonRow.country)).all()
    assert sorted(tuple(r) for r in rows) == [(1, "India"), (2, "Pakistan")]


def test_two_workers_saving_one_new_person_make_one_row(db: Database) -> None:
    from bot.domain.people import new_person
    from bot.storage.people import _insert_or_get

    first, second = new_person(Speaker("Jamie Rubin", "spokesman")), new_person(Speaker("Jamie Rubin", "spokesman"))
    second.aliases.append("James Rubin")
    with db.session() as one, db.session() as two:  # both looked and found nobody
        _insert_or_get(one, first, {})
        one.commit()
        _insert_or_get(two, second, {})  # the same identity: the stored row, with what this save adds
        two.commit()
    assert first.id == second.id and set(second.aliases) == {"Jamie Rubin", "James Rubin"}
    with db.session() as session:
        assert session.scalar(select(func.count(PersonRow.id))) == 1


def test_a_full_name_quoted_only_by_an_unresolved_surname_offers_that_surname(settings, db: Database) -> None:
    _save_with(db, "m1", 2, [("There is a ton of work", "Murphy", None)],
               others=[Actor("Chris Murphy", "person", 1, [], "Senator"), Actor("Anne Marie Murphy", "person", 1, [])])
    _save_with(db, "m2", 3, [("The party is split", "Mike Murphy", "GOP consultant")])
    result = answer(db, settings, WhoSaidArgs("Chris Murphy"), CTX)
    shown = json.dumps(result.blocks, ensure_ascii=False)
    assert "no quotes" not in result.text.casefold()
    assert "No quote is given to *Chris Murphy* by name" in shown and "one of Anne Marie Murphy, Chris Murphy" in shown
    assert "Mike Murphy" not in shown
    page = answer(db, settings, args_from_button(result.blocks[-1]["elements"][0]["value"]), CTX)
    assert "a ton of work" in json.dumps(page.blocks, ensure_ascii=False)


def test_spelling_variants_across_articles_answer_as_one_person(settings, db: Database) -> None:
    _save_with(db, "v1", 2, [("We want peace", "Kim Jong Un", "leader")])
    _save_with(db, "v2", 3, [("The talks were useful", "Kim Jong-un", "North Korean leader")])
    _save_with(db, "v3", 4, [("Our port is open", "José Núñez", "Minister")])
    _save_with(db, "v4", 5, [("Trade will grow", "Jose Nunez", "Minister")])
    _save_with(db, "v5", 6, [("We stand firm", "George W. Bush", "President")])
    _save_with(db, "v6", 7, [("No deal yet", "George Bush", "President")])
    for typed, said in (("Kim Jong-un", ("We want peace", "The talks were useful")),
                        ("Kim Jong Un", ("We want peace", "The talks were useful")),
                        ("Jose Nunez", ("Our port is open", "Trade will grow")),
                        ("José Núñez", ("Our port is open", "Trade will grow")),
                        ("George Bush", ("We stand firm", "No deal yet"))):
        shown = json.dumps(answer(db, settings, WhoSaidArgs(typed), CTX).blocks, ensure_ascii=False)
        assert "quotes 1–2 of 2" in shown and all(words in shown for words in said), typed


def test_namesakes_from_two_countries_are_offered_apart_and_a_bare_surname_is_never_merged(settings,
                                                                                           db: Database) -> None:
    pakistan, india = Actor("Pakistan", "country", 1, ["Pakistani"]), Actor("India", "country", 1, ["Indian"])
    _save_with(db, "n1", 2, [("Talks resume", "Ahmed Khan", "Pakistani Foreign Minister")], others=[pakistan])
    _save_with(db, "n2", 3, [("Rain is late", "Ahmed Khan", "Indian farm leader")], others=[india])
    result = answer(db, settings, WhoSaidArgs("Ahmed Khan"), CTX)
    shown = json.dumps(result.blocks, ensure_ascii=False)
    assert "Pakistani Foreign Minister" in shown and "Indian farm leader" in shown
    assert "Talks resume" not in shown  # a choice, not one list mixing both
    _save_with(db, "n3", 4, [("We will see", "Jeb Bush", "Governor")])
    _save_with(db, "n4", 5, [("Stay the course", "George W. Bush", "President")])
    _save_with(db, "n5", 6, [("Maybe later", "Bush", None)])
    jeb = json.dumps(answer(db, settings, WhoSaidArgs("Jeb Bush"), CTX).blocks, ensure_ascii=False)
    assert "We will see" in jeb and "Maybe later" not in jeb and "Stay the course" not in jeb


def test_a_speaker_named_by_title_and_surname_is_answered_with_the_title(settings, db: Database) -> None:
    _save_with(db, "t1", 2, [("We will stand firm", "Bush", "President")])
    result = answer(db, settings, WhoSaidArgs("President Bush"), CTX)
    shown = json.dumps(result.blocks, ensure_ascii=False)
    assert "*Bush* (President) — quotes 1–1 of 1" in shown and "We will stand firm" in shown
    _save_with(db, "t2", 3, [("Talks go on", "Madeleine Albright", "Secretary of State")])
    shown = json.dumps(answer(db, settings, WhoSaidArgs("Albright"), CTX).blocks, ensure_ascii=False)
    assert "*Madeleine Albright* (Secretary of State) — quotes 1–1 of 1" in shown
