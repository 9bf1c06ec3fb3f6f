"""What a story gained since a channel saw it (`bot.domain.updates`), and the thread reply that says so
(`bot.slack.updates`)."""

from datetime import UTC, datetime

from bot.analysis.records import Deadline, Quote
from bot.domain.stories import Story, StorySource
from bot.domain.updates import Seen, seen_in, story_change
from bot.slack.blocks import SlackMessage, limit_problems
from bot.slack.updates import update_reply

WHEN = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def story(**changes) -> Story:
    base = Story(1, "Envoys agree to resume Geneva talks", "https://wire.example/geneva", WHEN,
                 summary=["Envoys agreed on Monday to resume talks in Geneva."],
                 quotes=[Quote("We will be back at the table", 0, 10, True, "Anna Kovar")],
                 deadlines=[Deadline("by 15 December", 0, 1, "2026-12-15", "date", "send a draft", "Lissa")],
                 sources=[StorySource("Meridian Wire", "https://wire.example/geneva")])
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def test_nothing_is_new_when_only_spacing_case_or_quote_marks_differ() -> None:
    seen = seen_in(story())
    again = story(quotes=[Quote("we will be  back at the table", 0, 10, True, "Kovar")],
                  sources=[StorySource("Meridian Wire", "https://WIRE.example/geneva")])
    assert story_change(again, seen) is None
    assert Seen.from_json(seen.as_json()) == seen and Seen.from_json(seen.as_json()).digest() == seen.digest()


def test_a_new_source_quote_and_deadline_are_named_once_each() -> None:
    seen = seen_in(story())
    quote = Quote("The draft must be signed by January", 0, 10, True, "Tomas Reyes")
    grown = story(quotes=[*story().quotes, quote, quote],
                  deadlines=[*story().deadlines, Deadline("by January", 0, 1, "2027-01", "date", "sign it", None)],
                  sources=[*story().sources, StorySource("Capital Dispatch", "https://dispatch.example/g")])
    change = story_change(grown, seen)
    assert change is not None
    assert [s.name for s in change.sources] == ["Capital Dispatch"]
    assert [q.text for q in change.quotes] == ["The draft must be signed by January"]
    assert [d.action for d in change.deadlines] == ["sign it"]
    assert story_change(grown, seen | seen_in(grown)) is None


def test_the_reply_says_updated_and_shows_only_what_is_new_escaped_and_within_limits() -> None:
    hostile = Quote("<!channel> pay attention & act *now*", 0, 10, True, "<@U123>")
    grown = story(quotes=[*story().quotes, hostile, *[Quote(f"Point {n} of the plan", 0, 1, True, "Reyes")
                                                   for n in range(5)]],
                  sources=[*story().sources, StorySource("Capital Dispatch", "https://dispatch.example/g")])
    reply = update_reply(story_change(grown, seen_in(story())))
    text = str(reply.blocks)
    assert "*Updated:*" in text and ":arrows_counterclockwise: updated" in text and "1 new source" in text
    assert "6 new quotes" in text and "Point 0 of the plan" in text and "_and 3 more in Details_" in text
    assert "We will be back at the table" not in text and "send a draft" not in text
    assert "&lt;!channel&gt; pay attention &amp; act" in text
    assert "<!channel>" not in text and "<@U123>" not in text
    assert reply.blocks[0]["accessory"]["text"]["text"] == "Details"
    assert limit_problems(SlackMessage(reply.text, reply.blocks)) == [] and reply.text.startswith("Update: ")


def test_a_copy_edited_telling_of_a_quote_the_channel_saw_is_not_new() -> None:
    said = "The government did not give any reason why theU.S. should be allowed to keep the envoy, they said"
    edited = "The government does not give any reason why the U.S. should be permitted to keep the envoy, it said"
    seen = seen_in(story(quotes=[Quote(said, 0, 10, True, None)]))
    assert story_change(story(quotes=[Quote(edited, 0, 10, True, "Anna Kovar")]), seen) is None
    other = Quote("The government will name a new envoy to Geneva before the talks resume", 0, 10, True, "Kovar")
    assert story_change(story(quotes=[Quote(edited, 0, 10, True, "Anna Kovar"), other]), seen).quotes == (other,)


def test_new_sources_name_each_outlet_once_with_a_count() -> None:
    grown = story(sources=[*story().sources, StorySource("Capital Dispatch", "https://dispatch.example/g"),
                           StorySource("Capital Dispatch", "https://dispatch.example/h")])
    text = str(update_reply(story_change(grown, seen_in(story()))).blocks)
    assert "2 new sources: <https://dispatch.example/g|Capital Dispatch> ×2" in text


def test_a_deadline_the_channel_saw_in_another_telling_is_not_new() -> None:
    vague = Deadline("by 15 December", 0, 1, "2026-12-15", "date", "the draft", None)
    shown_then = story(deadlines=[vague], deadline_tellings=[[vague]])
    # A later article tells the same deadline better: the story now shows that telling, with the first among its
    # tellings; the channel is not told of a "new" deadline.
    better = Deadline("by 15 December", 0, 1, "2026-12-15", "date", "send a draft to both capitals", "Lissa")
    other = Deadline("by 31 January", 0, 1, "2027-01-31", "date", "sign the accord", "Tomas Reyes")
    grown = story(deadlines=[better], deadline_tellings=[[vague, better]])
    assert story_change(grown, seen_in(shown_then)) is None
    # ... while a deadline none of whose tellings it saw is new.
    grown_more = story(deadlines=[better, other], deadline_tellings=[[vague, better], [other]])
    assert [d.action for d in story_change(grown_more, seen_in(shown_then)).deadlines] == ["sign the accord"]
    # Without the tellings (a story built by hand), the better telling reads as new, as before.
    assert story_change(story(deadlines=[better]), seen_in(shown_then)) is not None
