"""Which channel gets which story, and when: the routing rules without a database."""

from datetime import UTC, datetime, timedelta

from bot.analysis.records import Actor
from bot.domain.channels import Channel, Delivery, Subscription
from bot.domain.routing import backfill, resumes_on_subscribe, route_stories
from bot.domain.schedule import ASAP, parse_schedule
from bot.domain.stories import Story
from bot.domain.topics import parse_topic

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # 10:00 in Berlin


def story(story_id: int, title: str, hours_ago: float = 1, actors: tuple[str, ...] = ()) -> Story:
    return Story(id=story_id, title=title, url=None, published=NOW - timedelta(hours=hours_ago),
                 actors=[Actor(name, "country", 1) for name in actors])


def subscription(channel_id: str, topic: str, team_id: str = "T1") -> Subscription:
    return Subscription(0, team_id, channel_id, parse_topic(topic), "U1", NOW)


def channel(channel_id: str, schedule: str = "asap", timezone: str = "UTC", paused_reason: str | None = None,
            team_id: str = "T1") -> Channel:
    return Channel(team_id, channel_id, parse_schedule(schedule), timezone, paused_reason is not None,
                   paused_reason)


MISSILE, TALKS, VOTE = story(1, "North Korea fires missile"), story(2, "Iran deal talks"), story(3, "Brexit vote")


def test_each_story_goes_to_the_channels_whose_topic_it_matches() -> None:
    deliveries = route_stories([MISSILE, TALKS, VOTE],
                               [subscription("C_NK", "north korea"), subscription("C_IRAN", "iran"),
                                subscription("C_ALL", "*")], [], NOW)
    assert deliveries == [Delivery("T1", "C_NK", (1,)), Delivery("T1", "C_IRAN", (2,)),
                          Delivery("T1", "C_ALL", (1, 2, 3))]


def test_a_story_matching_two_topics_of_a_channel_is_delivered_once() -> None:
    deliveries = route_stories([MISSILE], [subscription("C1", "north korea"), subscription("C1", "missile")],
                               [channel("C1")], NOW)
    assert deliveries == [Delivery("T1", "C1", (1,))]


def test_a_story_matches_by_its_actors_as_well_as_its_words() -> None:
    grain = story(4, "Corridor extended for six months", actors=("Turkey",))
    assert route_stories([grain], [subscription("C1", "turkey")], [], NOW) == [Delivery("T1", "C1", (4,))]


def test_paused_channels_get_nothing() -> None:
    subs = [subscription("C1", "north korea"), subscription("C2", "north korea")]
    deliveries = route_stories([MISSILE], subs, [channel("C1", paused_reason="not_in_channel"), channel("C2")], NOW)
    assert [d.channel_id for d in deliveries] == ["C2"]


def test_a_daily_channel_gets_its_stories_at_its_next_time_in_its_zone() -> None:
    subs = [subscription("C_LIVE", "iran"), subscription("C_DAILY", "iran"), subscription("C_LATE", "iran")]
    channels = [channel("C_LIVE"), channel("C_DAILY", "daily@08:30", "Europe/Berlin"),
                channel("C_LATE", "daily@18:00", "Europe/Berlin")]
    due = {d.channel_id: d.not_before for d in route_stories([TALKS], subs, channels, NOW)}
    assert due == {"C_LIVE": None,
                   "C_DAILY": datetime(2026, 11, 28, 7, 30, tzinfo=UTC),  # 08:30 Berlin has passed today
                   "C_LATE": datetime(2026, 11, 27, 17, 0, tzinfo=UTC)}


def test_the_same_channel_id_in_another_workspace_is_another_channel() -> None:
    deliveries = route_stories([TALKS], [subscription("C1", "iran", "T1"), subscription("C1", "iran", "T2")],
                               [channel("C1", "daily@08:00", team_id="T2")], NOW)
    assert [(d.team_id, d.not_before is None) for d in deliveries] == [("T1", True), ("T2", False)]


def test_no_stories_no_deliveries() -> None:
    assert route_stories([], [subscription("C1", "*")], [channel("C1")], NOW) == []


def test_backfill_takes_the_newest_matching_stories_oldest_first() -> None:
    stories = [story(n, f"Iran talks round {n}", hours_ago=10 - n) for n in range(1, 7)] + [story(9, "Brexit vote")]
    assert backfill(stories, parse_topic("iran"), 3) == [4, 5, 6]
    assert backfill(stories, parse_topic("iran"), 0) == []
    assert backfill(stories, parse_topic("cuba"), 3) == []


def test_only_a_channel_error_pause_is_lifted_by_subscribing() -> None:
    assert resumes_on_subscribe(channel("C1", paused_reason="not_in_channel"))
    assert resumes_on_subscribe(channel("C1", paused_reason="is_archived"))
    assert not resumes_on_subscribe(channel("C1", paused_reason="workspace token refused: token_revoked"))
    assert not resumes_on_subscribe(channel("C1"))
    assert not resumes_on_subscribe(None)
    assert channel("C1").schedule == ASAP
