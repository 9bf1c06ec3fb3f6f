"""Topics: what people type after /subscribe, and which stories it selects."""

from datetime import UTC, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.analysis.records import Actor
from bot.domain.stories import Story
from bot.domain.topics import InvalidTopic, Topic, matches_any, parse_topic, story_matches, topic_from_terms

WHEN = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def story(title: str, text: str = "", actors: list[Actor] | None = None, summary: list[str] | None = None) -> Story:
    return Story(id=1, title=title, url=None, published=WHEN, text=text, actors=actors or [],
                 summary=summary or [])


def test_words_in_a_row_form_one_phrase_and_minus_excludes() -> None:
    topic = parse_topic("North Korea -sports")
    assert topic == Topic(("north korea",), ("sports",))
    assert topic.text == "north korea -sports"


def test_commas_separate_alternatives_and_quotes_keep_phrases() -> None:
    topic = parse_topic('Iran,  north korea -"world cup" -football')
    assert topic.include == ("iran", "north korea")
    assert topic.exclude == ("world cup", "football")
    assert parse_topic(topic.text) == topic


def test_the_same_topic_written_differently_is_the_same() -> None:
    assert parse_topic("  NORTH   korea -Sports").text == parse_topic("north korea -sports").text


@pytest.mark.parametrize("text", ["", "   ", "-sports", "- -", "a" * 201, ",".join(f"w{i}" for i in range(11))])
def test_unreadable_topics_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(InvalidTopic) as error:
        parse_topic(text)
    assert str(error.value)


def test_phrase_matches_whole_words_case_insensitively() -> None:
    topic = parse_topic("north korea")
    assert story_matches(story("Talks with NORTH  Korea resume"), topic)
    assert not story_matches(story("Northern Koreans at the festival"), topic)
    assert not story_matches(story("Sanctions on Iran widen"), topic)


def test_short_word_does_not_match_inside_another_word() -> None:
    assert not story_matches(story("Iranian delegation arrives"), parse_topic("iran"))
    assert story_matches(story("Delegation from Iran arrives"), parse_topic("iran"))


def test_exclusion_wins_over_inclusion() -> None:
    topic = parse_topic("north korea -sports")
    assert not story_matches(story("North Korea sends sports team to Seoul"), topic)
    assert story_matches(story("North Korea fires missile", "No sport was played."), topic)


def test_actor_alias_matches_the_actor_named_in_the_story() -> None:
    nauert = Actor("Heather Nauert", "person", 3, ["Nauert"], "State Department spokeswoman")
    text = "The spokeswoman said talks would continue."
    assert story_matches(story("Talks continue", text, [nauert]), parse_topic("nauert"))
    assert story_matches(story("Talks continue", text, [nauert]), parse_topic("heather nauert"))


def test_country_names_capitals_and_abbreviations_find_the_country_actor() -> None:
    pytest.importorskip("bot.analysis.places")
    dprk = Actor("North Korea", "country", 2, [])
    item = story("Envoy arrives for talks", "The envoy landed on Tuesday.", [dprk])
    assert story_matches(item, parse_topic("dprk"))
    assert story_matches(item, parse_topic("Pyongyang"))
    assert not story_matches(item, parse_topic("south korea"))


def test_summary_counts_as_story_text() -> None:
    item = story("Ministers meet", summary=["The ministers discussed the Iran nuclear deal."])
    assert story_matches(item, parse_topic("nuclear deal"))


def test_star_matches_every_story_but_still_excludes() -> None:
    topic = parse_topic("* -sports")
    assert story_matches(story("Anything at all"), topic)
    assert not story_matches(story("Sports diplomacy"), topic)


def test_any_of_several_topics_is_enough() -> None:
    topics = [parse_topic("iran"), parse_topic("venezuela")]
    assert matches_any(story("Venezuela talks stall"), topics)
    assert not matches_any(story("Brexit vote delayed"), topics)


def test_stored_terms_rebuild_the_topic() -> None:
    assert topic_from_terms(["North Korea"], ["Sports"]) == parse_topic("north korea -sports")


def test_regex_characters_in_a_topic_are_plain_text() -> None:
    topic = parse_topic("c++ (talks) .*")
    assert story_matches(story("c++ (talks) .* here"), topic)
    assert not story_matches(story("c talks"), topic)


def test_a_phrase_with_a_comma_keeps_its_quotes_in_the_shown_topic() -> None:
    topic = parse_topic('"korea, north" -"a,b"')
    assert topic.text == '"korea, north" -"a,b"'
    assert parse_topic(topic.text) == topic


@given(st.text(max_size=300))
@example('",')
@example('0",')
def test_any_text_parses_or_is_refused_with_invalid_topic(text: str) -> None:
    try:
        topic = parse_topic(text)
    except InvalidTopic as error:
        assert str(error)
        return
    assert topic.include
    assert parse_topic(topic.text) == topic
    story_matches(story(text, text), topic)
