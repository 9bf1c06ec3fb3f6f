"""Story grouping: retellings of one event join one story; look-alike events stay apart."""

from collections import Counter
from collections.abc import Hashable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.dev.demo import demo_articles
from bot.dev.evaluation.stories import evaluate_labelled_set, pair_scores
from bot.domain.grouping import (
    DEFAULT_RULES,
    ArticleFacts,
    LeadCandidate,
    Rules,
    StoryIndex,
    TermStats,
    article_marks,
    choose_lead,
    choose_story,
    document_terms,
    group,
    new_state,
    numbers,
    words,
)
from bot.domain.stories import StoryState
from tests.test_demo_feeds import SAME_EVENT_PAIRS

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def facts(key: str, hours: float, title: str, text: str, actors: list[str], source: str) -> ArticleFacts:
    return ArticleFacts.of(key, title, text, T0 + timedelta(hours=hours), actors, source)


def stories_of(articles: list[ArticleFacts]) -> set[frozenset[str]]:
    return {frozenset(story) for story in group(articles)}


def test_retellings_by_different_outlets_join_one_story_and_other_events_stay_alone() -> None:
    found = stories_of(NEWS)
    assert frozenset({"wire-stockholm", "gazette-stockholm"}) in found
    assert frozenset({"wire-grain", "ledger-grain"}) in found
    assert frozenset({"gazette-haiti"}) in found and frozenset({"ledger-cyprus"}) in found
    assert len(found) == 4


def test_two_trips_by_the_same_people_a_month_apart_stay_apart() -> None:
    october = facts("oct", 0, "Pompeo meets Kim in Pyongyang", POMPEO_TRIP, ["Mike Pompeo", "Kim Jong Un"], "wire")
    november = facts("nov", 24 * 33, "Pompeo meets Kim in Pyongyang again", POMPEO_TRIP,
                     ["Mike Pompeo", "Kim Jong Un"], "gazette")
    assert stories_of([october, november]) == {frozenset({"oct"}), frozenset({"nov"})}


def test_same_day_look_alike_sharing_country_and_spokeswoman_stays_apart() -> None:
    deadline = facts("iaea-deadline", 0, "Europe sets Iran a March deadline on inspectors", IRAN_DEADLINE,
                     ["Iran", "IAEA", "Heather Nauert", "State Department", "United States"], "gazette")
    tankers = facts("tankers", 6, "U.S. sanctions tankers carrying Iranian oil", IRAN_TANKERS,
                    ["Iran", "Heather Nauert", "State Department", "United States", "Hong Kong"], "wire")
    assert stories_of([*NEWS, deadline, tankers]) >= {frozenset({"iaea-deadline"}), frozenset({"tankers"})}


def test_an_update_from_the_same_feed_joins_its_story() -> None:
    first = facts("first", 0, "Grain corridor extended", GRAIN_WIRE, ["Ukraine", "Turkey", "Odesa"], "wire")
    update = facts("update", 2, "Grain corridor extended for six months (updated)", GRAIN_WIRE + " Kyiv welcomed it.",
                   ["Ukraine", "Turkey", "Odesa"], "wire")
    other = facts("other", 3, "Grain deal rolled over", GRAIN_LEDGER, ["Ukraine", "Turkey", "Odesa"], "ledger")
    assert any({"first", "update", "other"} <= story for story in stories_of([*NEWS, first, update, other]))


def test_a_story_stays_open_while_it_keeps_receiving_articles() -> None:
    days = [facts(f"day{n}", 30 * n, f"Grain corridor talks, day {n}", GRAIN_WIRE, ["Ukraine", "Turkey", "Odesa"],
                  "wire") for n in range(5)]  # 30 hours apart: four days from the first to the last
    assert any({f"day{n}" for n in range(5)} <= story for story in stories_of([*NEWS, *days]))


def test_look_alike_event_with_other_participants_and_numbers_stays_apart() -> None:
    quake_1 = [facts(f"q1-{n}", n, "Magnitude 6.1 earthquake strikes Lorca", QUAKE_LORCA, ["Lorca", "Spain", "Murcia"],
                     f"feed{n}") for n in range(3)]
    quake_2 = facts("q2", 4, "Magnitude 5.2 earthquake strikes Kastoria", QUAKE_KASTORIA,
                    ["Kastoria", "Greece", "Thessaloniki"], "feed9")
    found = stories_of([*NEWS, *quake_1, quake_2])
    assert frozenset({"q1-0", "q1-1", "q1-2"}) in found and frozenset({"q2"}) in found


def test_marks_are_participants_numbers_and_years() -> None:
    marks = article_marks("Quake kills 26", "The 6.1 quake of 2011 hit 1,200 homes on day 3.", ["Lorca"],
                          ["2011-05-11", "PRESENT_REF"])
    assert marks == {"who:lorca", "num:26", "num:2011", "num:1200"}  # 6.1 and 3 are below ten: too common
    assert numbers("the 86th Academy Awards, 1,000 guests, 3 hosts") == {"86", "1000"}


def test_young_frequency_table_asks_for_more_similarity() -> None:
    assert DEFAULT_RULES.threshold(0) > DEFAULT_RULES.threshold(25) > DEFAULT_RULES.min_score
    assert DEFAULT_RULES.threshold(10_000) == DEFAULT_RULES.min_score


def test_words_fold_plurals_and_possessives_and_drop_stop_words() -> None:
    assert words("The sanctions on Iran's tankers were renewed, officials said") == \
        ["sanction", "iran", "tanker", "renewed", "official"]


def test_lead_is_the_fullest_text_then_the_earliest() -> None:
    teaser = LeadCandidate("teaser", T0, 180, quotes=1)
    page = LeadCandidate("page", T0 + timedelta(hours=3), 2400, quotes=2)
    same_length_later = LeadCandidate("later", T0 + timedelta(hours=5), 2450, quotes=2)
    assert choose_lead([teaser, page, same_length_later]) == "page"
    assert choose_lead([LeadCandidate("failed", T0, 5000, has_summary=False), teaser]) == "teaser"
    assert choose_lead([]) is None


def test_a_new_article_counts_once_in_the_frequencies_it_is_compared_under() -> None:
    article = facts("new", 0, "Grain corridor extended", GRAIN_WIRE, ["Turkey"], "wire")
    stats = TermStats(10, {"grain": 3}).counting(article)
    assert stats.documents == 11
    assert stats.frequencies["grain"] == 4 and stats.frequencies["mark:who:turkey"] == 1
    assert stats.frequencies["corridor"] == 1


def test_the_index_offers_only_stories_sharing_a_rare_word_or_a_mark() -> None:
    index = StoryIndex()
    for n, article in enumerate(NEWS):
        index.put(new_state(n, article))
    retold = facts("retold", 12, "Grain deal rolled over", GRAIN_LEDGER, ["Ukraine", "Turkey"], "ledger")
    stats = TermStats(60, {}).counting(retold)
    offered = {s.story_id for s in index.candidates(retold, lambda term: stats.idf(term, 20))}
    assert {2, 3} <= offered and 0 not in offered  # the grain stories, not the Stockholm talks
    assert index.choose(retold, stats) == 3  # the telling with the same words
    assert choose_story(retold, [new_state(7, NEWS[3])], stats) == 7


def test_the_index_forgets_only_stories_silent_since_before_the_moment_and_offers_them_no_more() -> None:
    index = StoryIndex()
    grain = facts("grain", 0, "Grain corridor extended", GRAIN_WIRE, ["Ukraine", "Turkey", "Odesa"], "wire")
    index.join("grain", grain)
    index.join("stockholm", NEWS[0])
    late_update = facts("update", 30, "Grain corridor extended (updated)", GRAIN_WIRE, ["Ukraine", "Turkey"], "wire")
    index.join("grain", late_update)  # the grain story kept receiving articles
    assert index.oldest() == NEWS[0].published
    index.forget_before(T0 + timedelta(hours=20))
    assert set(index.stories) == {"grain"}
    assert index.oldest() == late_update.published
    retold = facts("retold", 31, "Stockholm talks resume", STOCKHOLM_WIRE, ["Yemen"], "ledger")
    stats = TermStats(60, {}).counting(retold)
    assert "stockholm" not in {s.story_id for s in index.candidates(retold, lambda term: stats.idf(term, 20))}
    index.forget_before(T0 + timedelta(hours=40))
    assert len(index) == 0 and index.oldest() is None


def test_an_article_is_compared_with_the_mean_of_the_story_articles_not_their_blurred_centroid() -> None:
    from dataclasses import replace

    from bot.domain.grouping import Rules, Scorer, adding, term_weights

    wire, ledger, retold = NEWS[2], NEWS[3], facts("r", 12, "Grain deal rolled over", GRAIN_LEDGER, [], "x")
    stats = TermStats(60, {})
    for article in (wire, ledger, retold):
        stats = stats.counting(article)
    scorer = Scorer(stats, replace(Rules(), mark_weight=0, mark_cosine_weight=0, lead_weight=0, penalty_per_day=0,
                                          short_weight=0))
    unit = {a.key: scorer.vector(term_weights(a.terms)) for a in (wire, ledger, retold)}
    story = adding(new_state("grain", wire, unit[wire.key]), ledger, vector=unit[ledger.key])

    def cosine(a: dict[str, float], b: dict[str, float]) -> float:
        return sum(w * b.get(t, 0.0) for t, w in a.items())

    mean = (cosine(unit["r"], unit[wire.key]) + cosine(unit["r"], unit[ledger.key])) / 2
    assert abs(scorer.score(retold, story, unit["r"]) - mean) < 1e-9


def test_pair_scores_count_pairs_within_stories() -> None:
    gold = {"a": "e1", "b": "e1", "c": "e1", "d": "e2", "e": "e2"}
    scores = pair_scores([["a", "b"], ["c"], ["d", "e"]], gold)
    assert (scores.true_pairs, scores.predicted_pairs, scores.gold_pairs) == (2, 2, 4)
    assert scores.precision == 1.0 and scores.recall == 0.5


def test_demo_feeds_tell_eighteen_stories_with_the_seven_pairs_merged(nlp) -> None:
    from bot.analysis.pipeline import ArticleText, analyze_texts

    entries = demo_articles(datetime(2026, 11, 28, tzinfo=UTC))
    analyses = analyze_texts(nlp, (ArticleText(e.text, e.published_at.date(), e.title) for e in entries))
    articles = [ArticleFacts.of(e.guid, e.title, e.text, e.published_at, [a.name for a in analysis.actors],
                                e.url.split("/")[2]) for e, analysis in zip(entries, analyses, strict=True)]
    stories = group(articles)
    assert len(entries) == 25 and len(stories) == 18
    merged = {frozenset(story) for story in stories if len(story) > 1}
    assert merged == {frozenset(pair) for pair in SAME_EVENT_PAIRS}


def test_labelled_set_reaches_the_precision_and_recall_targets(nlp) -> None:
    scores = evaluate_labelled_set(nlp)
    assert scores["precision"] >= 0.95 and scores["recall"] >= 0.90, scores


# Invented reports: two events told twice by different outlets, two told once.
STOCKHOLM_WIRE = """U.S. and North Korean negotiators resumed denuclearisation talks in Stockholm on Tuesday, the first
formal meeting in eight months. Special envoy Stephen Biegun said the delegations had agreed to meet again
before the end of the year. "We came to listen," Biegun told reporters outside the Swedish foreign ministry."""
STOCKHOLM_GAZETTE = """North Korea and the United States met in Stockholm on Tuesday for denuclearisation talks without
preconditions, hosted by the Swedish foreign ministry. Stephen Biegun, the U.S. envoy, said a second
round could follow before the end of the year, while Pyongyang's delegation asked for sanctions relief."""
GRAIN_WIRE = """Russia, Ukraine and Turkey agreed in Istanbul on Saturday to extend the Black Sea grain corridor for six
months and to widen insurance cover for ships calling at Odesa. Turkish officials said inspections of grain
ships would be speeded up."""
GRAIN_LEDGER = """The Black Sea grain corridor will stay open for another six months after Turkey brokered an extension
in Istanbul. Insurers welcomed the wider cover for ships sailing to Odesa, and Ukraine said grain exports
could rise before winter."""
HAITI = """The Security Council renewed the mandate of the multinational security mission in Haiti for a year on
Monday, with Russia and China abstaining. The mission's commander said more police were needed in
Port-au-Prince before elections can be held."""
CYPRUS = """The UN envoy for Cyprus said the Greek Cypriot and Turkish Cypriot leaders had agreed to an informal
meeting in Geneva in January, after weeks of shuttle diplomacy between Nicosia, Athens and Ankara."""

NEWS = [
    facts("wire-stockholm", 0, "U.S. and North Korea resume talks in Stockholm", STOCKHOLM_WIRE,
          ["United States", "North Korea", "Stephen Biegun", "Sweden"], "wire"),
    facts("gazette-stockholm", 5, "Stockholm talks: Washington and Pyongyang meet without preconditions",
          STOCKHOLM_GAZETTE, ["United States", "North Korea", "Stephen Biegun", "Sweden"], "gazette"),
    facts("wire-grain", 10, "Black Sea grain corridor extended for six months", GRAIN_WIRE,
          ["Russia", "Ukraine", "Turkey", "Odesa"], "wire"),
    facts("ledger-grain", 16, "Ships keep sailing: grain corridor rolled over", GRAIN_LEDGER,
          ["Turkey", "Ukraine", "Odesa"], "ledger"),
    facts("gazette-haiti", 20, "Security Council renews Haiti mission", HAITI,
          ["Security Council", "Haiti", "Russia", "China"], "gazette"),
    facts("ledger-cyprus", 22, "Cyprus leaders to meet in Geneva", CYPRUS,
          ["Cyprus", "Geneva", "Greece", "Turkey"], "ledger"),
]

POMPEO_TRIP = """Secretary of State Mike Pompeo met Kim Jong Un in Pyongyang on Sunday and said both sides had agreed
to working-level talks on denuclearisation. "We made progress," Pompeo said before flying to Seoul."""
QUAKE_LORCA = """A magnitude 6.1 earthquake struck Lorca in the Murcia region of Spain on Wednesday, killing 9 people and
damaging 1,200 buildings, the regional government said. Rescue teams searched collapsed homes in the old town."""
QUAKE_KASTORIA = """A magnitude 5.2 earthquake struck near Kastoria in northern Greece on Thursday, damaging 40 houses but
causing no deaths, the civil protection agency said. The quake was felt as far as Thessaloniki."""
IRAN_DEADLINE = """The IAEA board gave Iran until March 1 to readmit inspectors to Fordow and Natanz, backing a European
resolution. Heather Nauert, the State Department spokeswoman, said the United States stood with its allies."""
IRAN_TANKERS = """The U.S. Treasury imposed sanctions on eight tankers and a Hong Kong shipping firm accused of carrying
Iranian crude to China. "We intend to make that oil expensive," State Department spokeswoman Heather Nauert
said."""


TALKS = ("Mediator {who} opened ceasefire talks between Veloria and Dastan in Geneva on Monday, {n} days after "
         "the shelling of the border town of Kestrel stopped. {last} said both delegations had agreed to sit in one "
         "room. {last} will report to the council on Friday. {extra}")


def talks(key: str, who: str, extra: str = "", people: dict[str, int] | None = None, days: int = 12
          ) -> ArticleFacts:
    last = who.split()[-1]
    text = TALKS.format(who=who, last=last, n=days, extra=extra)
    actors = [who, "Veloria", "Dastan", "Geneva", "Kestrel", *(people or {})]
    return ArticleFacts.of(key, f"{who} opens Geneva ceasefire talks", text, T0 + timedelta(hours=1), actors,
                           key, people={who: 3, **(people or {})})


def test_a_long_story_does_not_take_an_article_about_a_person_it_never_named() -> None:
    retellings = [talks(f"ruiz-{i}", "Ana Ruiz", extra=f"Outlet {i} filed this.") for i in range(12)]
    spokesman = talks("ruiz-spokesman", "Ana Ruiz", extra="Spokesman Omar Haddad welcomed the talks.",
                      people={"Omar Haddad": 1})
    other_mediator = talks("berg", "Lars Berg")
    found = stories_of([*retellings, spokesman, other_mediator])
    assert frozenset({"berg"}) in found
    assert frozenset([*(a.key for a in retellings), "ruiz-spokesman"]) in found


BOARDING = ("The frigate {ship} of the Veloria navy boarded two pirate skiffs off Cape Harran on Thursday and "
            "detained {crew} men. {ship} had been escorting a convoy of grain ships. The crew of {ship} seized "
            "rifles and a ladder. {extra}")


def boarding(key: str, ship: str, extra: str = "", places: dict[str, int] | None = None, crew: int = 14
             ) -> ArticleFacts:
    text = BOARDING.format(ship=ship, crew=crew, extra=extra)
    actors = [ship, "Veloria", "Cape Harran", *(places or {})]
    return ArticleFacts.of(key, f"Veloria frigate {ship} foils pirate attack off Cape Harran", text,
                           T0 + timedelta(hours=1), actors, key, places=places if places is not None else {ship: 3})


def test_a_long_story_does_not_take_an_article_about_a_place_it_never_named() -> None:
    retellings = [boarding(f"marlin-{i}", "Marlin", extra=f"Outlet {i} filed this.") for i in range(12)]
    # A follow-up naming a port once, in passing, is still this story's.
    port = boarding("marlin-port", "Marlin", extra="The crews were handed over at Port Sable.",
                    places={"Marlin": 3, "Port Sable": 1})
    other_ship = boarding("osprey", "Osprey", crew=23)
    found = stories_of([*retellings, port, other_ship])
    assert frozenset({"osprey"}) in found
    assert frozenset([*(a.key for a in retellings), "marlin-port"]) in found
    # Read as a plain name (not known to be a place), the other warship's boarding tells the same words.
    unplaced = boarding("osprey", "Osprey", places={}, crew=23)
    assert frozenset({"osprey"}) not in stories_of([*retellings, unplaced])


def test_a_long_story_does_not_take_an_article_about_a_person_it_named_only_in_passing() -> None:
    aside = "Lars Berg, who led last year's round, was not invited."
    retellings = [talks(f"ruiz-{i}", "Ana Ruiz", extra=aside if i < 2 else f"Outlet {i} filed this.",
                        people={"Lars Berg": 1} if i < 2 else None) for i in range(12)]
    # The story's spokesman, named in half its articles, may lead a follow-up.
    spokesman = talks("ruiz-haddad", "Ana Ruiz", extra="Spokesman Omar Haddad welcomed the talks. Haddad said "
                      "more would follow. Haddad left for Kestrel.", people={"Omar Haddad": 3})
    retellings[5:11] = [talks(f"ruiz-{i}", "Ana Ruiz", extra="Spokesman Omar Haddad welcomed the talks.",
                              people={"Omar Haddad": 1}) for i in range(5, 11)]
    # Last year's round, told in the same words.
    other_mediator = talks("berg", "Lars Berg", days=30, extra="Berg said the next round would open in Tarsk.")
    found = stories_of([*retellings, spokesman, other_mediator])
    assert frozenset({"berg"}) in found
    assert frozenset([*(a.key for a in retellings), "ruiz-haddad"]) in found


WATER_ACCORD = (
    "Ministers of Veloria and Dastan signed an agreement in Kestrel on Tuesday to share the waters of the Oran river, "
    "ending a decade of quarrels over the Harran dam. Under the accord the dam will release a fixed volume each "
    "summer, monitored by a joint commission of engineers from both capitals. Farmers downstream in Dastan had "
    "accused Veloria of hoarding water during droughts; Velorian officials said the reservoir was needed for power. "
    "The commission will publish its readings every month, and disputes go to arbitration in Geneva. Both "
    "parliaments must still ratify the text.")
WATER_ACCORD_RETOLD = (
    "Veloria and Dastan have agreed how to share the Oran river after years of rows over the Harran dam, their "
    "ministers said in Kestrel on Tuesday. A joint commission of engineers will check that the dam releases the "
    "agreed volume in summer, when farmers in Dastan need it most. Veloria had said the reservoir fed its power "
    "stations. Readings will be published monthly and any dispute will be settled by arbitration in Geneva once "
    "both parliaments ratify the accord.")


def test_a_short_brief_told_in_the_story_words_gains_what_its_brevity_costs_its_cosine() -> None:
    from dataclasses import replace

    from bot.domain.grouping import Rules, Scorer, adding, term_weights

    full = facts("full", 0, "Veloria and Dastan sign Oran water accord", WATER_ACCORD, [], "wire")
    retold = facts("retold", 1, "Oran river accord signed", WATER_ACCORD_RETOLD, [], "ledger")
    brief = facts("brief", 2, "Oran water deal", "Veloria, Dastan sign Oran river deal on Harran dam releases.", [],
                  "gazette")
    other = facts("other", 2, "Port strike", "Dockers in Tarsk strike over pay; cranes idle, ferries held.", [],
                  "gazette")
    stats = TermStats(60, {})
    for article in (full, retold, brief, other):
        stats = stats.counting(article)
    scorer = Scorer(stats, Rules())
    without = Scorer(stats, replace(Rules(), short_weight=0))
    unit = {a.key: scorer.vector(term_weights(a.terms)) for a in (full, retold, brief, other)}
    story = adding(new_state("water", full, unit["full"]), retold, vector=unit["retold"])
    gain = scorer.brevity(brief, story, unit["brief"])
    assert len(brief.terms) < Rules().short_terms and gain > 0.04
    assert abs(scorer.score(brief, story, unit["brief"]) - without.score(brief, story, unit["brief"]) - gain) < 1e-9
    # A brief about something else gains (almost) nothing; a full report gains nothing.
    assert scorer.brevity(other, story, unit["other"]) < gain / 4
    assert len(full.terms) >= Rules().short_terms
    assert scorer.brevity(full, new_state("water", retold, unit["retold"]), unit["full"]) == 0.0


QUAKE = ("A magnitude 5.6 earthquake struck the island of Tarvo off the Veloria coast on Sunday, {toll}, officials "
         "said. The quake hit villages around the port of Kessa, damaging houses. Rescue teams from Kessa reached the "
         "villages by evening. {extra}")
# The next day's stronger quake on the same island, told by other outlets: ten dead, not five hurt.
QUAKE_AGAIN = ("A powerful earthquake shook the island of Tarvo on Monday, {toll} and flattening several villages, "
               "state media said. Rescue teams reached the villages by evening. Tremors were felt in Dastan. {extra}")
HEIST = ("Thieves rammed a car into a jewellery store on Marrow Avenue in central Kestrel on Monday and made off "
         "with {loot} worth of rings and watches, police said. The raid is the latest in a spate of jewel "
         "robberies in Kestrel. {extra}")
# Another heist on the same avenue: $108 million of diamonds, not a €2m ram-raid.
HEIST_AGAIN = ("Armed robbers stole diamonds worth {loot} from a jeweller on Marrow Avenue in Kestrel, "
               "prosecutors said, one of the largest jewel heists on record. {extra}")


def test_incident_details_are_the_toll_and_the_sums_an_opening_states() -> None:
    from bot.domain.grouping import incident_details

    assert incident_details("A quake hit Tarvo, killing at least 10 people and injuring dozens; five were "
                            "missing.") == {"dead:10", "hurt:24", "missing:5"}
    assert incident_details("Two villagers were slightly injured. No one was killed. Police arrested 23.") == {
        "hurt:2", "held:23"}
    # The same sum in two currencies stays close; a rate or a price by the year is not what the incident is worth.
    assert incident_details("They stole 85 million euros ($108 million) in gems.") == {"usd:1.1e+08"}
    assert incident_details("He wants $21 million a year; the average annual value of the $30 million deal.") == set()
    assert incident_details("The quake lasted 40 seconds and left 300 homes without power in 2024.") == set()
    # Games missed, a time of day, a date before "killing", "no-one" are no toll.
    assert incident_details("He was arrested around 1:30 a.m. after missing 10 of 16 games; the December 6 killing "
                            "of a boy; no-one was injured.") == set()


def test_a_look_alike_incident_with_another_toll_or_another_sum_stays_apart() -> None:
    from dataclasses import replace

    def report(key: str, hours: float, template: str, extra: str, **fields: str) -> ArticleFacts:
        text = template.format(extra=extra, **fields)
        names = ["Tarvo", "Kessa", "Veloria", "Dastan", "Kestrel", "Marrow Avenue"]
        return facts(key, hours, text.split(",")[0], text, [name for name in names if name in text], key)

    tolls = ["injuring five people", "leaving five people hurt", "injuring four people", "injuring five people"]
    hurt = [report(f"hurt-{i}", i, QUAKE, f"Outlet {i} filed this.", toll=tolls[i]) for i in range(4)]
    dead = report("dead", 20, QUAKE_AGAIN, "Outlet 9 filed this.", toll="killing at least 10 people")
    sums = ["€2 million", "$2.6 million", "two million euros", "€2m"]
    raid = [report(f"raid-{i}", 40 + i, HEIST, f"Outlet {i} filed this.", loot=sums[i]) for i in range(4)]
    heist = report("heist", 44, HEIST_AGAIN, "Outlet 9 filed this.", loot="$108 million")
    # The raid's sum told in pounds is still the raid.
    update = report("raid-update", 45, HEIST, "Outlet 8 filed this.", loot="£1.7m")
    articles = [*hurt, dead, *raid, heist, update]
    found = stories_of(articles)
    assert frozenset({"dead"}) in found and frozenset({"heist"}) in found
    assert frozenset([*(a.key for a in raid), "raid-update"]) in found
    without = {frozenset(story) for story in group(articles, replace(DEFAULT_RULES, detail_weight=0))}
    assert frozenset({"dead"}) not in without and frozenset({"heist"}) not in without


def _quake_index(rules: Rules) -> tuple[StoryIndex, Counter[str], int]:
    """Two reports of the Tarvo quake in story 1, a third report of it alone in story 2 (split off, as a stray
    report can be), and in story 3 a report in the same words of a quake that killed ten, not hurt five."""

    def report(key: str, hours: float, toll: str) -> ArticleFacts:
        text = QUAKE.format(extra=f"Outlet {key} filed this.", toll=toll)
        names = ["Tarvo", "Kessa", "Veloria"]
        return facts(key, hours, text.split(",")[0], text, [name for name in names if name in text], key)

    index = StoryIndex(rules)
    frequencies: Counter[str] = Counter()
    documents = 0
    for story_id, article in [(1, report("a", 0, "injuring five people")), (1, report("b", 1, "injuring five people")),
                              (2, report("stray", 1.5, "leaving five people hurt")),
                              (3, report("other", 2, "killing at least 10 people")),
                              *((article.key, article) for article in NEWS)]:
        documents += 1
        frequencies.update(document_terms(article))
        index.join(story_id, article)
    return index, frequencies, documents


def _later_report(index: StoryIndex, frequencies: Counter[str], documents: int
                  ) -> tuple[list[Hashable], StoryState, list[tuple[float, Hashable]]]:
    text = QUAKE.format(extra="Outlet later filed this.", toll="injuring five people")
    later = facts("later", 3, text.split(",")[0], text, ["Tarvo", "Kessa", "Veloria"], "later")
    frequencies.update(document_terms(later))
    stats = TermStats(documents + 1, frequencies)
    scorer, vector, scored = index.ranked(later, stats)
    joined = index.join(scored[0][1], later, vector)
    gone, state = index.folds(later, joined, scored, scorer, index.rules.threshold(stats.documents))
    return gone, state, scored


def test_a_story_of_one_report_folds_into_the_story_a_later_report_joins_when_it_fits_that_report_too() -> None:
    index, frequencies, documents = _quake_index(DEFAULT_RULES)
    gone, state, scored = _later_report(index, frequencies, documents)
    assert scored[0][1] == 1 and 2 in gone
    assert state.story_id == 1 and state.articles == 4  # the two reports, the stray and the later one
    assert state.details["hurt:5"] == 4
    # With no story small enough to fold, none is.
    assert _later_report(*_quake_index(replace(DEFAULT_RULES, fold_small=0)))[0] == []


def test_a_look_alike_whose_toll_contradicts_the_joined_story_is_not_folded_into_it() -> None:
    rules = replace(DEFAULT_RULES, detail_weight=0)  # it scores as high as the stray for the later report ...
    index, frequencies, documents = _quake_index(rules)
    gone, state, scored = _later_report(index, frequencies, documents)
    needed = rules.threshold(documents + 1)
    assert dict((sid, score) for score, sid in scored)[3] >= needed + rules.fold_margin
    assert 3 not in gone and 2 in gone  # ... but ten dead is not five hurt: it stays its own story
    assert "dead:10" not in state.details



def test_salience_is_each_person_and_place_share_of_the_naming_title_and_opening_counting_more() -> None:
    from bot.domain.grouping import salience

    text = ("Pastor Ines Varga said the church could not be saved. " + "Filler words. " * 40
            + "Varga thanked the Harlow Fire Department. The Harlow Fire Department stayed all night.")
    shares = salience("Harlow church destroyed by fire", text, {"Ines Varga": 2, "Harlow": 1, "Kestrel": 0},
                      {"Harlow Fire Department": 2}, {"Ines Varga": ["Varga"]})
    # Varga: 2 mentions + 1 for the opening = 3; Harlow: 1 + 3 for the title = 4 (its mention in the body is not in
    # the opening); the department's 2 share the naming (total 9) but an organisation is not what an article is
    # about; Kestrel, never named, has no share.
    assert shares == {"who:ines varga": round(3 / 9, 3), "who:harlow": round(4 / 9, 3)}
    assert salience("A title", "No names at all.", {}) == {}


FIRE = ("Fire gutted the {place} in {town} early on Sunday, and investigators said the blaze had been set on purpose. "
        "{who} said the building could not be saved. {last} thanked the volunteers who fought the flames for three "
        "hours. No one was hurt, and the state fire marshal has opened an arson inquiry. {extra}")


def fire(key: str, place: str, who: str, people: dict[str, int], extra: str = "", town: str = "Harlow",
         places: dict[str, int] | None = None) -> ArticleFacts:
    text = FIRE.format(place=place, town=town, who=who, last=who.split()[-1], extra=extra)
    places = places or {town: 1}
    return ArticleFacts.of(key, f"{place} destroyed by fire", text, T0 + timedelta(hours=1),
                           [*people, place, *places], key, people=people, places=places,
                           organisations={place: 2}, aliases={name: [name.split()[-1]] for name in people})


def test_a_long_story_does_not_take_an_article_about_someone_it_never_made_salient() -> None:
    church = [fire(f"church-{i}", "Harlow Bible Church", "Pastor Ines Varga", {"Ines Varga": 2},
                   extra=f"Outlet {i} filed this.") for i in range(10)]
    # A follow-up that makes a new person salient (the marshal) but is still about Harlow's fire joins.
    marshal = fire("church-marshal", "Harlow Bible Church", "Pastor Ines Varga", {"Ines Varga": 2, "Rafe Holt": 2},
                   extra="Fire marshal Rafe Holt said Holt's team found a fuel can.")
    # Another fire, told in the same words, about Palmer and its creamery's owner (named twice: too few for the
    # newcomer rule), where the church's town and pastor are named in passing.
    creamery = fire("creamery", "Palmer Creamery", "Owner Dag Moller", {"Dag Moller": 2, "Ines Varga": 1},
                    town="Palmer", places={"Palmer": 1, "Harlow": 1},
                    extra="Pastor Ines Varga, whose church in Harlow burned last month, came to watch. The milk vats "
                          "and the bottling line were lost; dairy farmers who sold milk to the creamery must truck "
                          "it north.")
    story = frozenset([*(a.key for a in church), "church-marshal"])
    assert {frozenset(s) for s in group([*church, marshal, creamery])} == {story, frozenset({"creamery"})}
    off = replace(DEFAULT_RULES, salience_weight=0.0)
    assert {frozenset(s) for s in group([*church, marshal, creamery], off)} == {story | {"creamery"}}


def test_a_story_sums_its_articles_salience_and_keeps_it_through_a_fold() -> None:
    from bot.domain.grouping import adding, folded

    first = fire("a", "Harlow Bible Church", "Pastor Ines Varga", {"Ines Varga": 2})
    second = fire("b", "Harlow Bible Church", "Pastor Ines Varga", {"Ines Varga": 2, "Rafe Holt": 2})
    state = adding(new_state(1, first), second)
    assert state.salient["who:ines varga"] == round(first.salience["who:ines varga"]
                                                    + second.salience["who:ines varga"], 3)
    assert state.salient["who:rafe holt"] == second.salience["who:rafe holt"]
    assert folded(new_state(1, first), new_state(2, second)).salient == state.salient


def test_a_toll_that_rises_as_reports_come_in_is_the_same_incident_a_much_smaller_one_is_not() -> None:
    from bot.domain.grouping import Scorer, TermStats, adding

    def report(key: str, hours: float, toll: str) -> ArticleFacts:
        text = QUAKE.format(extra=f"Outlet {key} filed this.", toll=toll)
        return facts(key, hours, text.split(",")[0], text, ["Tarvo", "Kessa", "Veloria"], key)

    first = [report(f"first-{i}", i, "killing dozens of people and injuring hundreds") for i in range(3)]
    state = new_state(1, first[0])
    for article in first[1:]:
        state = adding(state, article)
    scorer = Scorer(TermStats(10, Counter()))
    # The next day's count (82 dead, 1,700 hurt) is what "dozens" and "hundreds" became, not another quake ...
    update = report("next-day", 24, "killing at least 82 people and injuring more than 1,700")
    assert update.details == {"dead:82", "hurt:1700"}
    assert not scorer.details_differ(update, state)
    assert stories_of([*first, update]) == {frozenset([*(a.key for a in first), "next-day"])}
    # ... while a toll far below the story's is another incident's (a sum differs either way).
    counted = adding(adding(new_state(2, report("a", 0, "killing 82 people")), report("b", 1, "killing 82 people")),
                     report("c", 2, "killing 82 people"))
    assert scorer.details_differ(report("small", 3, "killing two people"), counted)
