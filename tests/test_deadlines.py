"""Deadlines in invented diplomacy news: each kind, what is due, who must act, and the past-event traps."""

from __future__ import annotations

from datetime import date

from bot.analysis.dates.spans import extract_dates
from bot.analysis.deadlines import extract_deadlines
from bot.analysis.pipeline import analyze_doc
from bot.analysis.records import Actor

PUBLISHED = date(2021, 3, 10)  # a Wednesday
ACTORS = [
    Actor(name="North Korea", kind="country", mentions=2, aliases=["Pyongyang", "North Korean"]),
    Actor(name="Iran", kind="country", mentions=2, aliases=["Tehran"]),
    Actor(name="European Union", kind="organization", mentions=1, aliases=["EU", "Brussels"]),
    Actor(name="Greece", kind="country", mentions=1, aliases=["Athens"]),
]


def deadlines(nlp, text: str, published: date | None = PUBLISHED):
    doc = nlp(text)
    return extract_deadlines(doc, extract_dates(doc, published), ACTORS, published)


def test_a_passive_due_by_a_month_reads_as_the_act_to_complete(nlp):
    [found] = deadlines(nlp, "Washington wants the denuclearisation of North Korea to be completed by January 2021.",
                        date(2020, 10, 3))
    assert (found.text, found.due, found.kind) == ("by January 2021", "2021-01", "date")
    assert found.action == "complete the denuclearisation of North Korea"
    assert found.actor == "North Korea"


def test_no_later_than_gives_the_day_and_the_actor_doing_it(nlp):
    [found] = deadlines(nlp, "Iran must hand over the inspection records no later than March 1, 2022.")
    assert (found.due, found.kind, found.actor) == ("2022-03-01", "date", "Iran")
    assert found.action == "hand over the inspection records"


def test_within_thirty_days_is_a_duration_due_thirty_days_after_publication(nlp):
    [found] = deadlines(nlp, "Athens must submit the list of reforms within 30 days.")
    assert (found.text, found.due, found.kind, found.actor) == ("within 30 days", "2021-04-09", "duration", "Greece")


def test_duration_without_published_date_has_no_due(nlp):
    [found] = deadlines(nlp, "Athens must submit the list of reforms within 30 days.", published=None)
    assert (found.kind, found.due) == ("duration", None)


def test_granted_time_to_act_is_a_duration_even_in_the_past_tense(nlp):
    [found] = deadlines(nlp, "The Security Council gave the warring parties 48 hours to lay down their arms.")
    assert (found.kind, found.due, found.action) == ("duration", "2021-03-12", "lay down their arms")


def test_before_the_summit_next_month(nlp):
    [found] = deadlines(nlp, "Negotiators hope to finalise the text before the summit next month.")
    assert (found.text, found.due, found.action) == ("before the summit next month", "2021-04", "finalise the text")


def test_expires_on_a_weekday_looks_ahead(nlp):
    [found] = deadlines(nlp, "The temporary ceasefire in Idlib expires on Friday.")
    assert (found.due, found.kind) == ("2021-03-12", "date")
    assert found.action == "The temporary ceasefire in Idlib expires"


def test_deadline_of_names_what_it_is_for(nlp):
    [found] = deadlines(nlp, "Ministers set a deadline of June 1 for a deal on fishing rights.")
    assert (found.due, found.action) == ("2021-06-01", "a deal on fishing rights")


def test_by_year_end(nlp):
    [found] = deadlines(nlp, "The defence minister said the troops would be withdrawn by year-end.")
    assert (found.text, found.due) == ("by year-end", "2021-12-31")


def test_ultimatum_with_hours(nlp):
    [found] = deadlines(nlp, "Moscow issued a 24-hour ultimatum to the garrison to surrender.")
    assert (found.kind, found.due) == ("duration", "2021-03-11")


def test_given_until_friday_to_respond_resolves_actor_from_alias(nlp):
    [found] = deadlines(nlp, "Tehran was given until Friday to respond to the proposal.")
    assert (found.due, found.action, found.actor) == ("2021-03-12", "respond to the proposal", "Iran")


def test_until_a_process_completes_is_an_open_condition(nlp):
    [found] = deadlines(nlp, "Sanctions will remain in place until the denuclearization process is complete.")
    assert found.kind == "condition"
    assert found.due is None
    assert found.text == "until the denuclearization process is complete"
    assert found.action == "Sanctions will remain in place"


def test_condition_names_the_actor_of_the_main_clause(nlp):
    [found] = deadlines(nlp, "The EU will keep the tariffs until the dispute over steel subsidies is settled.")
    assert (found.kind, found.actor) == ("condition", "European Union")


def test_not_until_tuesday_did_they_agree_is_no_deadline(nlp):
    assert deadlines(nlp, "Not until Tuesday did the two delegations agree on a final text.") == []


def test_something_done_by_a_past_day_is_no_deadline(nlp):
    assert deadlines(nlp, "The ministers agreed on the communique by Tuesday evening.") == []
    assert deadlines(nlp, "By Friday, the rebels had withdrawn from the city.") == []


def test_past_until_and_within_are_no_deadlines(nlp):
    assert deadlines(nlp, "The talks in Geneva lasted until midnight.") == []
    assert deadlines(nlp, "Sanctions remained in place until 2016, when the nuclear deal took effect.") == []
    assert deadlines(nlp, "The army withdrew within 48 hours of the ceasefire.") == []


def test_by_naming_a_person_is_no_deadline(nlp):
    assert deadlines(nlp, "The statement is expected to be read by the foreign minister on Thursday.") == []


def test_scheduled_meeting_is_no_deadline(nlp):
    assert deadlines(nlp, "The foreign ministers will meet in Vienna on Thursday.") == []


def test_deadline_already_passed_at_publication_is_dropped(nlp):
    assert deadlines(nlp, "The deal, signed by both leaders in 2018, expired last year.") == []


def test_by_the_summer_is_due_until_the_summer_ends(nlp):
    text = "Iran must hand over the inspection records by the summer."
    [found] = deadlines(nlp, text, date(2021, 5, 10))
    assert (found.text, found.due) == ("by the summer", "2021-SU")
    assert deadlines(nlp, text, date(2021, 8, 31)) != []
    [later] = deadlines(nlp, text, date(2021, 10, 4))  # this summer is over: a reader means the next one
    assert later.due == "2022-SU"


def test_before_the_spring_in_november_is_next_spring(nlp):
    [found] = deadlines(nlp, "The government must decide on the pipeline before the spring.", date(2026, 11, 24))
    assert found.due == "2027-SP"


def test_an_extended_deadline_until_a_weekday_is_the_coming_one(nlp):
    [found] = deadlines(nlp, "The INS extended its deadline until 9 a.m. Tuesday.", date(2000, 4, 20))
    assert found.due == "2000-04-25T09:00"


def test_a_granted_time_binds_the_one_who_received_it(nlp):
    doc = nlp("The European Commission gave Google 10 weeks to change its practices.")
    parties = [Actor(name="European Commission", kind="organization", mentions=1),
               Actor(name="Google", kind="organization", mentions=1)]
    [found] = extract_deadlines(doc, extract_dates(doc, date(2016, 4, 20)), parties, date(2016, 4, 20))
    assert (found.kind, found.actor, found.action) == ("duration", "Google", "change its practices")


def test_until_clauses_that_set_no_date_are_not_deadlines(nlp):
    for text in ("The allies will strangle Iraq until it retreats from Kuwait.",
                 "Villagers will keep up protests until the boy comes home.",
                 "Democrats won't vote until June.",
                 "He may wait until February's primaries to decide who to back."):
        assert deadlines(nlp, text, date(2016, 1, 10)) == [], text


def test_a_forecast_is_not_a_deadline(nlp):
    for text in ("By 2026, the annual deficit would surpass $1 trillion.",
                 "Some countries are talking about possibly bringing the agreement into force by the end of this year.",
                 "Her lead will be insurmountable by the end of next week.",
                 "Only a third of students graduate within six years."):
        assert deadlines(nlp, text, date(2016, 1, 10)) == [], text


def test_a_date_that_modifies_deadline_is_one(nlp):
    [found] = deadlines(nlp, "Voters must register ahead of the Oct. 11 deadline.", date(2016, 8, 26))
    assert found.due == "2016-10-11"


def test_a_measure_kept_until_a_condition_is_a_condition(nlp):
    [found] = deadlines(nlp, "Germany will block the deal until Hungary restores the independence of its judges.")
    assert found.kind == "condition" and found.due is None


def test_offsets_point_at_the_cue_and_date(nlp):
    text = "Greece has until June to repay the loan to the eurozone."
    [found] = deadlines(nlp, text)
    assert text[found.start:found.end] == found.text == "until June"


def test_absurd_duration_gives_no_due_instead_of_crashing(nlp):
    found = deadlines(nlp, "The parties must ratify the accord within 99999999 years.")
    assert all(d.due is None for d in found)


def test_past_progressive_narration_is_no_deadline(nlp):
    assert deadlines(nlp, "By mid-afternoon, officials were saying that the operation was over.") == []


def test_appearing_before_a_judge_on_a_day_is_no_deadline(nlp):
    assert deadlines(nlp, "The suspect is scheduled to appear before a judge in Manhattan on Friday.") == []


def test_person_who_must_be_returned_is_the_actor_not_the_action(nlp):
    actors = [Actor(name="Elian Gonzalez", kind="person", mentions=3, aliases=["Elian"])]
    doc = nlp("The agency ruled that Elian must be returned to his father by Friday.")
    [found] = extract_deadlines(doc, extract_dates(doc, PUBLISHED), actors, PUBLISHED)
    assert (found.due, found.actor) == ("2021-03-12", "Elian Gonzalez")
    assert found.action == "returned to his father"


def test_what_could_happen_before_a_date_is_not_a_deadline(nlp) -> None:
    doc = nlp("Officials said a second round of talks could follow before Christmas.")
    dates = extract_dates(doc, date(2026, 11, 24))
    assert extract_deadlines(doc, dates, [], date(2026, 11, 24)) == []


def test_a_relative_clause_is_not_what_is_due(nlp) -> None:
    doc = nlp("The United States issued an ultimatum to Mexico: close the routes through which foreign steel "
              "enters the market within 30 days, or face tariffs.")
    [deadline] = extract_deadlines(doc, extract_dates(doc, date(2026, 11, 27)), [], date(2026, 11, 27))
    assert deadline.action.startswith("close the routes") and deadline.due == "2026-12-27"


def test_the_day_a_deadline_falls_on_is_a_deadline_about_the_deadline(nlp) -> None:
    doc = nlp("The U.S. deadline for a settlement falls in late December.")
    [deadline] = extract_deadlines(doc, extract_dates(doc, date(2026, 11, 27)), [], date(2026, 11, 27))
    assert deadline.action != "falls"


def test_hypotheticals_earlier_plans_and_terms_of_office_are_not_deadlines(nlp) -> None:
    for text in ("The treaty lets any member call a summit if it gathers ten signatures within 18 months.",
                 "The draft would require the ministry to answer every request within 90 days.",
                 "The envoy had urged the council to lift the blockade by July 31.",
                 "The foreign minister will finish his term by the end of the year.",
                 "Within five to 10 years the region will run short of water.",
                 "The delegation won't get a vote until 2027.",
                 "The merged utility is expected to earn $2 billion by 2028."):
        assert deadlines(nlp, text, date(2026, 11, 30)) == [], text


def test_a_date_that_is_the_deadline_and_a_plan_said_in_the_past(nlp) -> None:
    [named] = deadlines(nlp, "March 1 is the deadline to file claims for the reconstruction fund.", date(2027, 1, 5))
    assert (named.text, named.due, named.action) == ("March 1 is the deadline", "2027-03-01",
                                                    "file claims for the reconstruction fund")
    [plan] = deadlines(nlp, "The minister said he planned to visit Kyiv before January.", date(2026, 11, 30))
    assert (plan.due, plan.action) == ("2027-01", "visit Kyiv")
    [later] = deadlines(nlp, "She said the allies had agreed to draft a reform plan by March of next year.",
                        date(2026, 9, 18))
    assert later.due == "2027-03"


def test_acts_read_as_what_must_be_done(nlp) -> None:
    [passive] = deadlines(nlp, "The court ordered that the archives, some 900 pages, be released by Thursday.")
    assert passive.action == "release the archives"
    [purpose] = deadlines(nlp, "The accord was designed to cut emissions from coal plants by 2030.")
    assert purpose.action == "cut emissions from coal plants"
    [register] = deadlines(nlp, "Voters must register ahead of the Oct. 11 deadline.", date(2026, 8, 26))
    assert register.text == "ahead of the Oct. 11 deadline" and len(register.action.split()) >= 2


def test_who_set_a_deadline_and_for_whom_are_named_parties_of_the_sentence(nlp) -> None:
    cases = {
        "The European Commission gave Google 10 weeks to change its shopping service.":
            ("Google", "European Commission"),
        "Germany told Hungary to restore the independence of its judges within 30 days.": ("Hungary", "Germany"),
        "Iran pledged to release the detained sailors by Friday.": ("Iran", "Iran"),
        "The bank must repay the loan by June.": (None, None),  # a common noun is no party
    }
    for text, parties in cases.items():
        doc = nlp(text)
        [found] = analyze_doc(doc, PUBLISHED).deadlines
        assert (found.actor, found.setter) == parties, text


def test_an_article_keeps_its_deadline_and_its_condition(nlp) -> None:
    text = ("Washington wants the denuclearization of North Korea to be completed by January 2021, the State "
            "Department said on Wednesday. Sanctions will remain in place until the denuclearization process is "
            "complete, the spokeswoman added.")
    found = analyze_doc(nlp(text), date(2018, 10, 3)).deadlines
    assert [(d.text, d.kind, d.due) for d in found] == [
        ("by January 2021", "date", "2021-01"),
        ("until the denuclearization process is complete", "condition", None)]
    assert found[0].action == "complete the denuclearization of North Korea"
    assert (found[0].actor, found[0].setter) == ("North Korea", "United States")


def test_what_a_poll_says_should_happen_is_an_opinion_not_a_deadline(nlp):
    assert not deadlines(nlp, "By a wide margin, those surveyed say Greece should leave the coal business by 2030.")


def test_a_date_that_names_an_event_or_a_plan_nobody_has_is_no_deadline(nlp):
    for text in ("Five envoys are campaigning before the bloc's summit on March 30.",
                 "The rebels have no plans to disarm before the elections in May.",
                 "The delegations lobbied hard before the vote on March 22."):
        assert not deadlines(nlp, text), text


def test_what_was_done_in_time_or_happened_because_of_a_day_is_no_deadline(nlp):
    for text in ("Engineers were able to restore the pipeline to Athens by Saturday afternoon.",
                 "Monitors could not reach the border post due to heavy snow on Saturday.",
                 "Police officers will remain at the scene of the blast until Monday."):
        assert not deadlines(nlp, text), text


def test_a_deadline_owned_by_a_day_is_kept_with_its_noun(nlp):
    [found] = deadlines(nlp, "The minister said he might stay undecided until Sunday's deadline to sign the accord.")
    assert found.text == "until Sunday's deadline" and found.due == "2021-03-14"


def test_a_court_date_binds_the_defendant(nlp):
    [found] = deadlines(nlp, "The former envoy is due in court April 2.")
    assert (found.due, found.action) == ("2021-04-02", "appear in court")
    [found] = deadlines(nlp, "The smuggler is due to appear before magistrates on Friday.")
    assert (found.text, found.due, found.action) == ("on Friday", "2021-03-12", "appear before magistrates")
    assert not deadlines(nlp, "The delegation is due to meet the prime minister on Friday.")
    assert not deadlines(nlp, "The smuggler was due to appear at the Crown Court on Friday but did not.")


def test_a_season_after_by_is_a_due_point(nlp):
    [found] = deadlines(nlp, "Athens is aiming to get the new port into service by the fall.")
    assert (found.text, found.due) == ("by the fall", "2021-FA")
    assert not deadlines(nlp, "The minister was badly hurt by the fall from the stage.")


def test_a_birth_a_timetable_an_expected_result_and_a_prediction_are_not_deadlines(nlp):
    for text in ("The ambassador said she is pregnant with her first child, due next summer.",
                 "Over half the delegates will be chosen by the end of April.",
                 "The operator said it should have service restored to normal by March 31.",
                 '"They will call me up within 24 hours," he promises.'):
        assert not deadlines(nlp, text), text
    [found] = deadlines(nlp, '"I will call them within 24 hours," he promises.')
    assert found.due == "2021-03-11"


def test_a_due_date_is_a_deadline(nlp):
    [found] = deadlines(nlp, "Greece faces a May 19 due date on debt it cannot repay without the bailout.")
    assert (found.text, found.due) == ("a May 19 due date", "2021-05-19")


def test_a_standing_duty_to_answer_each_case_is_no_deadline(nlp):
    # The 24 hours run from each incident, not from the article: showing a due day would call it overdue tomorrow.
    assert deadlines(nlp, "The accord commits both navies to report incidents within 24 hours.") == []
    assert deadlines(nlp, "The agency must notify member states of any breach within 72 hours.") == []
    assert deadlines(nlp, "The ministry will answer requests from journalists within 10 days.") == []


def test_a_one_off_act_within_a_duration_stays_a_deadline(nlp):
    [report] = deadlines(nlp, "Iran must report its enriched uranium stockpile within 30 days.")
    assert (report.text, report.due) == ("within 30 days", "2021-04-09")
    [withdrawal] = deadlines(nlp, "Russia must withdraw troops from the border within 30 days.")
    assert (withdrawal.text, withdrawal.due) == ("within 30 days", "2021-04-09")


def test_within_two_and_a_half_years_falls_due_thirty_months_on(nlp):
    [found] = deadlines(nlp, "Tehran must ship out its enriched uranium within two and a half years.")
    assert (found.text, found.due, found.kind) == ("within two and a half years", "2023-09-10", "duration")


def test_a_day_at_a_clock_time_is_one_deadline(nlp):
    [found] = deadlines(nlp, "The ceasefire between the two militias expires on Sunday at midnight.")
    assert (found.due, found.kind) == ("2021-03-14T24:00", "date")


def test_has_until_a_date_to_act_is_a_deadline_whatever_the_parse(nlp):
    [found] = deadlines(nlp, "Serbia has until the end of the month to respond to the proposal from Brussels.")
    assert (found.text, found.due, found.kind) == ("until the end of the month", "2021-03", "date")
    assert found.action == "respond to the proposal from Brussels"


def test_a_passive_with_a_pronoun_subject_reads_as_an_act_done_to_it(nlp):
    [found] = deadlines(nlp, "They must be finalized by Dec. 19, the ministry said.")
    assert found.action == "finalize them"
    [found] = deadlines(nlp, "It must be approved by the end of the year.")
    assert found.action == "approve it"


def test_a_passive_act_keeps_its_preposition_and_reads_in_lower_case(nlp):
    [found] = deadlines(nlp, "The refugees must be returned to their homes by March.")
    assert found.action == "return the refugees to their homes"
    [found] = deadlines(nlp, "The prisoners must be freed within a week, the envoy said.")
    assert found.action == "free the prisoners"


def test_a_quantity_that_will_move_by_a_date_is_a_forecast_not_a_deadline(nlp):
    assert deadlines(nlp, "Inflation will fall below 3 percent by 2023, the central bank said.") == []
    assert deadlines(nlp, "Analysts say the ceasefire talks will end by the end of next year.") == []
    [found] = deadlines(nlp, "The deficit must fall below 3 percent of output by 2023 under the bloc's rules.")
    assert found.due == "2023"


def test_an_infinitive_after_the_due_point_of_an_act_says_what_it_is_for(nlp):
    [found] = deadlines(nlp, "Voters must register by March 31 to cast a ballot in the election.")
    assert found.action == "Voters must register"
    [found] = deadlines(nlp, "Iran must submit its report by Friday to avoid new sanctions.")
    assert found.action == "submit its report"
    [found] = deadlines(nlp, "The union gave the company until Friday to improve its offer.")
    assert found.action == "improve its offer"


def test_a_one_word_act_keeps_whom_it_binds(nlp):
    [found] = deadlines(nlp, "The governor signed the bill, which requires all plants to close by 2030.")
    assert found.action == "all plants to close"
    [found] = deadlines(nlp, "The judge gave him until Monday to respond.")
    assert found.action == "him to respond"


def test_time_a_party_had_until_a_day_is_a_deadline_gone_by(nlp):
    assert deadlines(nlp, "The ministry had until Monday to respond to the request but did not.") == []
    [found] = deadlines(nlp, "The ministry has until Monday to respond to the request.")
    assert found.due == "2021-03-15"


def test_an_aside_in_brackets_at_the_end_of_the_act_is_left_out(nlp):
    [found] = deadlines(nlp, "The ministry must pay the first tranche of aid (about $40 million) by Friday.")
    assert found.action == "pay the first tranche of aid"


def test_what_expires_names_no_party_that_must_act(nlp):
    [found] = deadlines(nlp, "The sanctions waiver for Iran's oil exports expires on Friday.")
    assert (found.due, found.action, found.actor) == ("2021-03-12", "The sanctions waiver for Iran's oil exports expires",
                                                      None)


def test_the_day_a_deadline_was_moved_from_is_no_deadline(nlp):
    [found] = deadlines(nlp, "The deadline was extended from March 12 to March 26, the inspectors said.")
    assert found.due == "2021-03-26"


def test_a_deadline_that_is_the_subject_of_its_clause_places_its_date(nlp):
    [found] = deadlines(nlp, "The deadline for the two sides to agree on a ceasefire is Friday.")
    assert (found.due, found.action) == ("2021-03-12", "the two sides to agree on a ceasefire")
    [found] = deadlines(nlp, "The deadline for Iran to respond to the European proposal has been extended to March 26.")
    assert (found.due, found.action, found.actor) == ("2021-03-26", "Iran to respond to the European proposal", "Iran")


def test_a_deadline_set_for_a_weekday_is_the_coming_one(nlp):
    [found] = deadlines(nlp, "The European Union set a Friday deadline for Athens to present its reform plan.")
    assert (found.due, found.action) == ("2021-03-12", "present its reform plan")


def test_a_place_is_no_party_that_sets_or_owes_a_deadline(nlp):
    actors = [Actor(name="Gulf", kind="place", mentions=2, aliases=[]),
              Actor(name="Qatar", kind="country", mentions=2, aliases=["Doha"])]
    doc = nlp("The Gulf states gave Qatar 10 days to meet their demands.")
    [found] = extract_deadlines(doc, extract_dates(doc, PUBLISHED), actors, PUBLISHED)
    assert (found.actor, found.setter) == ("Qatar", None)


def test_what_a_speaker_reports_will_happen_to_things_binds_no_party(nlp):
    assert deadlines(nlp, "The airline said flights to Tehran would resume by Monday.") == []
    assert deadlines(nlp, "The port operator said shipments would return to normal by Friday.") == []
    [found] = deadlines(nlp, "Iran said it would hand over the enrichment data by Monday.")
    assert (found.due, found.action) == ("2021-03-15", "hand over the enrichment data")
    [found] = deadlines(nlp, "The ministry said its troops would withdraw from the border by Monday.")
    assert found.due == "2021-03-15"


def test_a_deadline_given_to_a_party_binds_it_to_the_act_it_is_for(nlp):
    [found] = deadlines(nlp, "The European Union gave Iran a Monday deadline to reply.")
    assert (found.due, found.action, found.actor, found.setter) == (
        "2021-03-15", "Iran to reply", "Iran", "European Union")


def test_a_deadline_moved_to_a_day_far_after_its_name_is_still_found(nlp):
    [found] = deadlines(nlp, "The deadline for the report on the ceasefire talks between the two rival factions "
                             "was extended to Friday.")
    assert found.due == "2021-03-12"


def test_a_deadline_granted_without_an_act_is_for_the_time_asked_for(nlp):
    [found] = deadlines(nlp, "The envoy told the council he needed more time to consult the two sides, and the council "
                             "has given him a March 26 deadline, officials said.")
    assert (found.due, found.action) == ("2021-03-26", "consult the two sides")


def test_a_state_due_by_a_date_reads_as_bringing_it_about(nlp):
    [found] = deadlines(nlp, "The inspection report on the Arak reactor must be ready by Friday.")
    assert (found.due, found.action) == ("2021-03-12", "get the inspection report on the Arak reactor ready")
    [found] = deadlines(nlp, "All foreign troops must be out of the country by June 30.")
    assert found.action == "get all foreign troops out of the country"


def test_a_participle_describing_the_object_is_not_the_act(nlp):
    [found] = deadlines(nlp, "The board also asks Tehran to declare its stock of centrifuges installed at Fordow "
                             "within 45 days.")
    assert (found.action, found.actor) == ("declare its stock of centrifuges installed at Fordow", "Iran")



def test_a_state_due_under_are_to_be_reads_as_bringing_it_about(nlp):
    [found] = deadlines(nlp, "Customs officers are to be at the new crossing within ten days, officials said.")
    assert found.action == "get customs officers at the new crossing"



def test_sides_counted_out_by_the_subject_are_the_ones_bound(nlp):
    [found] = deadlines(nlp, "Both sides agreed to release all prisoners of war within three weeks.")
    assert (found.action, found.actor) == ("release all prisoners of war", "both sides")
    [found] = deadlines(nlp, "The two sides have ten days to pull heavy weapons back from the line.")
    assert found.actor == "the two sides"
    [found] = deadlines(nlp, "Envoys from Greece and Iran met in Geneva on Monday for the first talks in a decade. "
                             "Both sides agreed to reopen their embassies within a month.")
    assert (found.action, found.actor) == ("reopen their embassies", "Greece and Iran")
