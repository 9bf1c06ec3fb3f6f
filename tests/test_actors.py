"""Actors: merged by name, countries canonical, roles from titles and appositives, label slips fixed."""

from __future__ import annotations

from spacy.tokens import Doc
from spacy.vocab import Vocab

from bot.analysis.actors import extract_actors
from bot.analysis.places import country_for


def by_name(actors):
    return {a.name: a for a in actors}


# --- the country table, no model ------------------------------------------------------------------


def test_capitals_metonyms_and_demonyms_name_their_country():
    assert country_for("Pyongyang").country == "North Korea"
    assert country_for("the White House").country == "United States"
    assert country_for("Kremlin").country == "Russia"
    assert country_for("Downing Street").country == "United Kingdom"
    assert country_for("North Korean").country == "North Korea"
    assert country_for("U.S.").country == "United States"


def test_plain_words_and_cities_are_not_countries():
    assert country_for("us") is None
    assert country_for("Chicago") is None


# --- a hand-built Doc, no model -------------------------------------------------------------------


def test_entities_on_a_hand_built_doc_are_merged_and_classified():
    words = ["Mike", "Pompeo", "met", "Kim", "in", "Pyongyang", ".", "Pompeo", "left", "."]
    doc = Doc(Vocab(), words=words, ents=["B-PERSON", "I-PERSON", "O", "B-PERSON", "O", "B-GPE", "O",
                                            "B-PERSON", "O", "O"])
    actors = by_name(extract_actors(doc))
    assert actors["Mike Pompeo"].mentions == 2
    assert actors["Mike Pompeo"].aliases == ["Pompeo"]
    assert actors["North Korea"].kind == "country"
    assert actors["Kim"].kind == "person"



def test_an_entity_ends_at_a_dash_set_off_by_spaces():
    words = ["Fans", "met", "the", "Lagos", "Rangers", "-", "while", "singing", "."]
    spaces = [True, True, True, True, True, True, True, False, False]
    doc = Doc(Vocab(), words=words, spaces=spaces,
              ents=["O", "O", "O", "B-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "O"])
    assert "Lagos Rangers" in by_name(extract_actors(doc))

# --- end to end -----------------------------------------------------------------------------------


def test_full_name_surname_and_title_form_are_one_person(nlp):
    doc = nlp(
        "Secretary of State Mike Pompeo arrived in Seoul on Sunday. Pompeo met officials there. "
        "Mr. Pompeo then flew to Tokyo."
    )
    pompeo = by_name(extract_actors(doc))["Mike Pompeo"]
    assert pompeo.kind == "person"
    assert pompeo.mentions == 3
    assert "Pompeo" in pompeo.aliases


def test_capital_metonym_and_demonym_count_for_the_country(nlp):
    doc = nlp(
        "North Korea tested a missile on Friday. Pyongyang said the test was a success, and North Korean "
        "state media praised it. The White House said Washington would respond. The Kremlin stayed silent."
    )
    actors = by_name(extract_actors(doc))
    assert actors["North Korea"].kind == "country"
    assert actors["North Korea"].mentions >= 3
    assert {"Pyongyang", "North Korean"} <= set(actors["North Korea"].aliases)
    assert actors["United States"].kind == "country"
    assert actors["Russia"].kind == "country"


def test_role_from_title_before_the_name(nlp):
    doc = nlp("State Department spokeswoman Heather Nauert said the talks would continue.")
    assert by_name(extract_actors(doc))["Heather Nauert"].role == "State Department spokeswoman"


def test_role_from_appositive_after_the_name(nlp):
    doc = nlp("Heather Nauert, the State Department spokeswoman, told reporters the talks would continue.")
    assert by_name(extract_actors(doc))["Heather Nauert"].role == "State Department spokeswoman"


def test_hyphenated_summit_name_yields_two_people(nlp):
    doc = nlp(
        "President Donald Trump met North Korean leader Kim Jong Un in June. "
        "Critics said the Trump-Kim summit produced little."
    )
    actors = by_name(extract_actors(doc))
    assert actors["Donald Trump"].mentions == 2
    assert actors["Kim Jong Un"].mentions == 2
    assert not any("Trump-Kim" in a.name for a in actors.values())


def test_name_tagged_as_organization_once_is_still_a_person(nlp):
    doc = nlp(
        "Senator Lindsey Graham criticized the deal. Graham said it was weak. "
        "Later, Graham called the agreement a mistake."
    )
    actors = by_name(extract_actors(doc))
    graham = actors["Lindsey Graham"]
    assert graham.kind == "person"
    assert graham.mentions == 3
    assert "Graham" not in actors


def test_acronym_after_full_name_is_one_organization(nlp):
    doc = nlp(
        "The International Atomic Energy Agency (IAEA) sent inspectors to Iran. The IAEA said access was limited."
    )
    iaea = by_name(extract_actors(doc))["International Atomic Energy Agency"]
    assert iaea.kind == "organization"
    assert "IAEA" in iaea.aliases


def test_international_bodies_have_one_canonical_name(nlp):
    doc = nlp(
        "The U.N. Security Council met on Friday. Later the Security Council condemned the test, "
        "and the U.N. said new sanctions were likely."
    )
    actors = by_name(extract_actors(doc))
    council = actors["United Nations Security Council"]
    assert council.kind == "organization"
    assert council.mentions == 2
    assert actors["United Nations"].kind == "organization"


def test_the_north_in_a_korea_story_is_north_korea(nlp):
    doc = nlp(
        "North Korea fired two missiles on Sunday. Seoul said the North had been warned repeatedly by "
        "South Korea and Japan."
    )
    actors = by_name(extract_actors(doc))
    assert "North" in actors["North Korea"].aliases
    assert "North" not in actors


def test_name_with_a_ministers_title_is_a_person_even_if_tagged_organization(nlp):
    doc = nlp(
        "Jean-Marc Ayrault, the foreign minister of France, said Paris would push for new sanctions."
    )
    ayrault = by_name(extract_actors(doc))["Jean-Marc Ayrault"]
    assert ayrault.kind == "person"
    assert ayrault.role == "foreign minister of France"


# --- the parties to the news, not its newsroom ---------------------------------------------------------


def test_dateline_and_agency_credit_are_not_actors(nlp):
    doc = nlp("NICOSIA, Cyprus (AP) _ The Turkish envoy, Mehmet Aksoy, said on Tuesday that talks with "
              "Greece would resume next month.")
    actors = by_name(extract_actors(doc))
    assert "Mehmet Aksoy" in actors
    assert "Greece" in actors
    assert not {"NICOSIA", "Nicosia", "Cyprus", "AP", "Associated Press"} & set(actors)


def test_dateline_with_a_dash_is_not_an_actor(nlp):
    doc = nlp("JOHANNESBURG \u2014 South Africa's foreign minister, Thandi Mokoena, said on Friday that the "
              "border with Zimbabwe would reopen.")
    actors = by_name(extract_actors(doc))
    assert "South Africa" in actors and "Zimbabwe" in actors
    assert not {"JOHANNESBURG", "Johannesburg"} & set(actors)


def test_byline_reporters_and_photo_credits_are_not_actors(nlp):
    doc = nlp("By PETER LANG and MARIA SOTO, Associated Press Writers\n\n"
              "Ukraine's president, Olena Marchenko, met Hungary's prime minister in Vienna on Monday. "
              "(AP Photo/Karl Brandt)\n\nJonas Weber in Berlin contributed reporting.")
    names = set(by_name(extract_actors(doc)))
    assert "Olena Marchenko" in names and "Ukraine" in names
    assert not {"Peter Lang", "PETER LANG", "Maria Soto", "MARIA SOTO", "Karl Brandt", "Jonas Weber"} & names


def test_agency_as_source_is_not_an_actor_but_as_a_party_it_is(nlp):
    doc = nlp("Xinhua reported that the talks had ended. Foreign Minister Li Wei told Reuters the deal was "
              "close, according to AFP.")
    names = set(by_name(extract_actors(doc)))
    assert "Li Wei" in names
    assert not {"Xinhua", "Reuters", "AFP", "Agence France-Presse"} & names
    doc = nlp("The president sued CNN on Monday over its coverage of the summit.")
    assert by_name(extract_actors(doc))["CNN"].kind == "organization"


def test_tv_anchor_is_not_an_actor(nlp):
    doc = nlp("Senator Ruth Calder told CNN anchor Wolf Harlan that the treaty would pass. "
              "Calder said the vote would come in June.")
    names = set(by_name(extract_actors(doc)))
    assert "Ruth Calder" in names
    assert "Wolf Harlan" not in names


def test_a_country_is_a_country_in_every_mention(nlp):
    doc = nlp("Kenya and Tanzania agreed on Friday to reopen their border. Tanzania said the crossing at "
              "Namanga would open next week, and Kenya welcomed the deal.")
    actors = by_name(extract_actors(doc))
    assert actors["Kenya"].kind == "country"
    assert actors["Tanzania"].kind == "country"


def test_acronym_is_expanded_only_when_the_article_supports_it(nlp):
    doc = nlp("The ICC fined the Pakistan captain for a slow over rate in the third Test against England. "
              "The ICC said the fine was final.")
    names = set(by_name(extract_actors(doc)))
    assert "International Criminal Court" not in names
    assert "ICC" in names
    doc = nlp("The International Criminal Court issued a warrant on Monday. The ICC said the suspect must "
              "surrender to the court.")
    assert by_name(extract_actors(doc))["International Criminal Court"].mentions == 2


def test_capital_is_its_government_only_where_it_acts(nlp):
    doc = nlp("Washington said on Monday it would lift the sanctions. Beijing warned against the move. "
              "The next round of talks will be held in Nairobi.")
    actors = by_name(extract_actors(doc))
    assert actors["United States"].kind == "country"
    assert actors["China"].kind == "country"
    assert actors["Nairobi"].kind == "place"
    assert "Kenya" not in actors


def test_brussels_is_the_eu_in_a_sentence_about_the_eu(nlp):
    doc = nlp("Brussels warned London that the EU would not reopen the withdrawal agreement. "
              "Belgian police closed the streets of Brussels for the summit.")
    actors = by_name(extract_actors(doc))
    assert actors["European Union"].mentions == 2
    assert actors["United Kingdom"].kind == "country"
    assert actors["Brussels"].kind == "place"


def test_a_talk_show_host_quoted_as_a_commentator_stays_an_actor(nlp):
    doc = nlp("Conservative radio host Dale Pruitt said the treaty was a mistake. Pruitt has opposed it for years.")
    assert "Dale Pruitt" in by_name(extract_actors(doc))


# --- people who share a name stay apart (invented text) --------------------------------------------


def test_king_and_president_sharing_a_surname_stay_two_people(nlp):
    doc = nlp(
        "King Hussein met envoys on Tuesday as Iraqi President Saddam Hussein massed troops.\n\n"
        "Saddam Hussein spoke on television. King Hussein left for London."
    )
    people = by_name(a for a in extract_actors(doc) if a.kind == "person")
    assert set(people) == {"Hussein", "Saddam Hussein"}
    assert people["Hussein"].role == "King"
    assert "Hussein" not in people["Saddam Hussein"].aliases


def test_relatives_with_one_surname_keep_their_own_names(nlp):
    doc = nlp(
        "Juan Miguel Gonzalez said on Wednesday he wanted his son back. Lazaro Gonzalez, the boy's "
        "great-uncle, refused. Elian Gonzalez, 6, played in the yard."
    )
    people = {a.name for a in extract_actors(doc) if a.kind == "person"}
    assert {"Juan Miguel Gonzalez", "Lazaro Gonzalez", "Elian Gonzalez"} <= people


def test_bare_shared_surname_goes_to_the_person_named_far_more_often(nlp):
    doc = nlp(
        "Hillary Clinton campaigned in Ohio. Her husband, Bill Clinton, stayed home. Hillary Clinton "
        "spoke in Columbus and Hillary Clinton spoke in Dayton. Clinton then flew to Iowa."
    )
    people = by_name(a for a in extract_actors(doc) if a.kind == "person")
    assert people["Hillary Clinton"].mentions == 4
    assert people["Bill Clinton"].mentions == 1


def test_titled_surname_is_not_widened_to_a_relative_of_the_other_gender(nlp):
    doc = nlp("President Obama spoke at the dinner on Saturday. Michelle Obama introduced him. Mr. Obama smiled.")
    people = by_name(a for a in extract_actors(doc) if a.kind == "person")
    assert people["Michelle Obama"].mentions == 1
    assert people["Obama"].mentions == 2
    assert people["Obama"].role == "President"


def test_a_model_number_is_never_a_person(nlp):
    doc = nlp("The deputy fired an X26 Taser at the man, the sheriff said.")
    assert not [a for a in extract_actors(doc) if a.kind == "person" and "26" in a.name]


def test_a_person_who_shares_a_name_with_a_news_outlet_stays_a_person(nlp):
    doc = nlp("Former mayor Michael Bloomberg said on Monday that he would not run. Bloomberg said the "
              "race was already decided.")
    actors = by_name(extract_actors(doc))
    assert actors["Michael Bloomberg"].kind == "person"
    assert actors["Michael Bloomberg"].mentions == 2


def test_a_bare_shared_surname_is_the_one_named_in_full_just_before(nlp):
    doc = nlp(
        "Hillary Clinton campaigned in Ohio on Monday. Later, Bill Clinton spoke at a rally in Denver. "
        "Clinton said the health law was broken."
    )
    people = by_name(a for a in extract_actors(doc) if a.kind == "person")
    assert people["Bill Clinton"].mentions == 2
    assert people["Hillary Clinton"].mentions == 1


def test_a_bare_shared_surname_is_otherwise_the_person_introduced_first(nlp):
    doc = nlp(
        "Senator Chris Murray spoke about the shooting on Monday. Murray has pushed for new laws for years. "
        "He knew Anne Marie Murray, a teacher who died in the attack. The bill failed in the Senate. "
        "Murray said he would try again."
    )
    people = by_name(a for a in extract_actors(doc) if a.kind == "person")
    assert people["Chris Murray"].mentions == 3
    assert people["Anne Marie Murray"].mentions == 1


def test_a_name_written_only_to_say_whose_father_someone_is_does_not_take_the_surname(nlp):
    doc = nlp(
        "Luis Mendoza's father said on Tuesday that Spanish diplomats should visit his son in a Caracas jail.\n\n"
        "Carlos Mendoza, a retired ambassador, wrote in a letter published by a newspaper in Madrid that he was "
        "tired of waiting. There was no response from Caracas.\n\n"
        "Luis, 19, was arrested in March. Diplomats said they doubted Mendoza spoke for the family. "
        "Mendoza said he would travel to Caracas next week."
    )
    people = by_name(a for a in extract_actors(doc) if a.kind == "person")
    assert people["Carlos Mendoza"].mentions == 3
    assert "Mendoza" not in people["Luis Mendoza"].aliases


def test_a_name_written_to_say_whose_wife_someone_is_still_leads_when_kept_to_the_surname(nlp):
    doc = nlp(
        "Ambassador Carlos Mendoza's wife said on Tuesday that he was well. Carlos Mendoza, 61, was detained at the "
        "border in March.\n\n"
        "His wife, Maria Mendoza, spoke to reporters in Madrid. The ministry gave no details. "
        "Officials said Mendoza would be moved to a hospital."
    )
    people = by_name(a for a in extract_actors(doc) if a.kind == "person")
    assert people["Carlos Mendoza"].mentions == 3
    assert people["Maria Mendoza"].mentions == 1


def test_a_relative_named_in_full_after_the_lead_does_not_take_the_surname(nlp):
    doc = nlp(
        "Foreign Minister Rauf Aliyev arrived in Vienna on Monday. His nephew, Kamal Aliyev, a student, met "
        "him at the airport. Police closed the road. Later, Aliyev said the talks would go on."
    )
    people = by_name(a for a in extract_actors(doc) if a.kind == "person")
    assert people["Rauf Aliyev"].mentions == 2
    assert people["Kamal Aliyev"].mentions == 1


def test_a_surname_of_two_words_is_the_person_with_the_full_name(nlp):
    doc = nlp("Rep. Debbie Wasserman Schultz chaired the hearing on Monday. Wasserman Schultz said the platform "
              "was open.")
    people = by_name(a for a in extract_actors(doc) if a.kind == "person")
    assert people["Debbie Wasserman Schultz"].mentions == 2
    assert "Wasserman Schultz" not in people


def test_an_abbreviated_title_in_the_headline_joins_the_full_name(nlp):
    doc = nlp("Former AG Mukasey at the convention.\n\nFormer Attorney General Michael Mukasey told delegates "
              "that the scandal mattered. Mukasey said voters should pause.")
    people = by_name(a for a in extract_actors(doc) if a.kind == "person")
    assert set(people) == {"Michael Mukasey"}
    assert people["Michael Mukasey"].mentions == 3


def test_a_verb_glued_to_a_name_is_not_part_of_it(nlp):
    doc = nlp("FBI Director James Comey testified on Tuesday. Said Comey, \u201cThe error is ours.\u201d")
    people = by_name(a for a in extract_actors(doc) if a.kind == "person")
    assert set(people) == {"James Comey"}


def test_headline_words_taken_into_a_name_leave_the_full_name(nlp):
    doc = nlp("Black Lawmakers Rip Donald Trump.\n\nDonald Trump spoke on Friday. Trump said he was right.")
    people = by_name(a for a in extract_actors(doc) if a.kind == "person")
    assert set(people) == {"Donald Trump"}
    assert people["Donald Trump"].mentions == 3


def test_a_titled_name_the_model_took_for_an_organisation_is_a_person(nlp):
    doc = nlp("The campaign moved staff to the early states. Spokeswoman Haley Morris says the candidate has "
              "always run a lean campaign. Morris added that the campaign would seek federal funds.")
    people = {a.name for a in extract_actors(doc) if a.kind == "person"}
    assert "Haley Morris" in people
    assert "Spokeswoman Haley Morris" not in {a.name for a in extract_actors(doc)}


def test_a_headline_adjective_glued_to_a_surname_is_not_part_of_the_name(nlp):
    doc = nlp("Top Clinton aide Jake Sullivan wrote to her. Hillary Clinton answered him on Monday. "
              "Top Clinton said she would reply.")
    names = {a.name for a in extract_actors(doc)}
    assert "Top Clinton" not in names


def test_a_nationality_used_as_an_adjective_is_not_an_actor(nlp):
    doc = nlp("The board backed a European text giving Iran until March 1. The United States stood with its "
              "European allies, and European diplomats said they hoped for a deal. The Europeans said the "
              "deadline was firm. North Korean envoys were not invited.")
    actors = by_name(extract_actors(doc))
    assert "European" not in actors  # "European allies" describes the allies; it is no party
    assert actors["Europeans"].kind == "group"  # the people, named as such, are
    assert actors["North Korea"].kind == "country"  # a country's demonym is the country


def test_photo_credits_with_an_agency_via_another_are_not_actors(nlp):
    doc = nlp("Ukraine's president, Olena Marchenko, met Hungary's prime minister in Vienna on Monday.\n"
              "Karl Brandt/AFP via Getty Images\n\nPhotographs by Lena Ott for Reuters")
    names = set(by_name(extract_actors(doc)))
    assert "Olena Marchenko" in names
    assert not {"Getty Images", "Karl Brandt", "Lena Ott", "AFP", "Reuters"} & names


def test_a_surname_the_model_took_for_a_plural_noun_is_still_the_person(nlp):
    doc = nlp("President Nikos Anastasiades met the envoy on Monday.\n\n\"We are ready,\" Anastasiades said.")
    person = by_name(extract_actors(doc))["Nikos Anastasiades"]
    assert person.mentions == 2 and person.aliases == ["Anastasiades"]


def test_a_role_closed_by_a_place_stays_with_the_person_and_names_the_speaker(nlp):
    from bot.analysis.pipeline import analyze_doc

    doc = nlp("The Iraqi ambassador to Greece, Ahmed Saleh, said his country wanted talks. Soviet envoy Yevgeny "
              "Primakov met officials in Baghdad. \"We are ready,\" the ambassador said.")
    analysis = analyze_doc(doc, None)
    assert by_name(analysis.actors)["Ahmed Saleh"].role == "Iraqi ambassador to Greece"
    assert [q.speaker for q in analysis.quotes] == ["Ahmed Saleh", "Ahmed Saleh"]  # never the Soviet envoy


def test_the_king_is_the_person_the_article_calls_king(nlp):
    from bot.analysis.pipeline import analyze_doc

    doc = nlp("King Hussein of Jordan met Iraqi President Saddam Hussein in Baghdad on Monday. "
              "\"The region needs peace,\" the King said. \"We will not bow,\" Saddam said.")
    analysis = analyze_doc(doc, None)
    king = by_name(analysis.actors)["Hussein"]
    assert king.role == "King"
    assert [(q.speaker, q.speaker_text) for q in analysis.quotes] == [("Hussein", "the King"),
                                                                      ("Saddam Hussein", "Saddam")]
