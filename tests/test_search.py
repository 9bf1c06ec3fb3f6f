"""Read queries behind the commands, on SQLite and PostgreSQL."""

from datetime import date

from bot.storage.search import (
    find_deadlines,
    known_speakers,
    list_feeds,
    match_speaker,
    quotes_by_speaker,
    resolve_speaker,
)
from tests.stored_news import add_demo_news

TODAY = date(2018, 10, 20)


def test_pompeo_spellings_find_the_same_person(db) -> None:
    add_demo_news(db)
    for typed in ("Pompeo", "mike pompeo", "Secretary Pompeo", "Secretary of State Mike Pompeo", "POMPEO"):
        match = match_speaker(db, typed)
        assert match.name == "Mike Pompeo", typed
        assert set(match.names) == {"Mike Pompeo", "Pompeo"}


def test_quotes_come_newest_first_across_spellings(db) -> None:
    add_demo_news(db)
    hits = quotes_by_speaker(db, match_speaker(db, "Pompeo").person_ids, limit=10)
    assert [h.text for h in hits] == ["It was a good, productive meeting", "the talks would continue at a working level",
                                      "We are making progress on denuclearization"]
    assert hits[0].source == "Capital Dispatch"
    assert hits[1].direct is False


def test_since_drops_older_quotes_and_paging_continues(db) -> None:
    add_demo_news(db)
    names = match_speaker(db, "Mike Pompeo").person_ids
    assert len(quotes_by_speaker(db, names, since=date(2018, 10, 6))) == 2
    assert [h.text for h in quotes_by_speaker(db, names, limit=1, offset=2)] == [
        "We are making progress on denuclearization"]


def test_shared_first_name_is_ambiguous_and_suggests_both(db) -> None:
    add_demo_news(db)
    match = match_speaker(db, "Kim")
    assert match.name is None
    assert set(match.suggestions) == {"Kim Jong Un", "Kim Yo Jong"}


def test_misspelt_name_suggests_close_matches() -> None:
    match = resolve_speaker("Pompio", ["Mike Pompeo", "Heather Nauert"])
    assert match.name is None and match.suggestions == ["Mike Pompeo"]
    assert resolve_speaker("Nauret", ["Heather Nauert"]).suggestions == ["Heather Nauert"]
    assert resolve_speaker("Pompeio", ["Mike Pompeo"]).name == "Mike Pompeo"  # one letter off still finds him


def test_alias_links_a_short_spelling_to_the_person() -> None:
    match = resolve_speaker("Heather", ["Heather Nauert", "Nauert"], {"Heather Nauert": ["Nauert"]})
    assert match.name == "Heather Nauert" and set(match.names) == {"Heather Nauert", "Nauert"}


def test_hostile_names_find_nobody(db) -> None:
    add_demo_news(db)
    for typed in ("'; DROP TABLE quotes; --", "%", "_", "🙂🙂", "مرحبا", "x" * 5000, ""):
        assert match_speaker(db, typed).name is None
    assert known_speakers(db)


def test_deadlines_sorted_by_due_date_with_undated_last(db) -> None:
    add_demo_news(db)
    hits = find_deadlines(db, today=TODAY)
    assert [h.due for h in hits] == ["2018-10-15", "2018-11-04", "2021-01", None]
    assert hits[0].source == "Diplomatic Wire"


def test_deadlines_overdue_upcoming_and_topic(db) -> None:
    add_demo_news(db)
    assert [h.action for h in find_deadlines(db, today=TODAY, when="overdue")] == ["answer the inspectors"]
    assert [h.due for h in find_deadlines(db, today=TODAY, when="upcoming")] == ["2018-11-04", "2021-01"]
    assert [h.actor for h in find_deadlines(db, today=TODAY, topic="north korea")] == ["North Korea"]
    # an article's actor counts: the EU article names Iran
    assert len(find_deadlines(db, today=TODAY, topic="iran")) == 3
    assert find_deadlines(db, today=TODAY, topic="100%_") == []


def test_feeds_listed_with_article_counts(db) -> None:
    add_demo_news(db)
    feeds = list_feeds(db)
    assert [(f.title, f.articles) for f in feeds] == [("Capital Dispatch", 1), ("Diplomatic Wire", 2)]
