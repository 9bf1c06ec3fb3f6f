"""Quotes and speakers: quotation marks found on the characters, speakers found with the parse."""

from __future__ import annotations

from bot.analysis.actors import extract_actors
from bot.analysis.quotes.attribution import extract_quotes


def quotes_of(nlp, text: str, **kwargs):
    doc = nlp(text)
    return extract_quotes(doc, extract_actors(doc), **kwargs)


def direct_quotes_of(nlp, text: str):
    return [q for q in quotes_of(nlp, text) if q.direct]


# --- speakers, end to end -------------------------------------------------------------------------


def test_speaker_after_quote_is_found(nlp):
    text = "\u201cWe are ready to talk at any time,\u201d said Secretary of State Mike Pompeo."
    [quote] = direct_quotes_of(nlp, text)
    assert quote.text == "We are ready to talk at any time,"
    assert text[quote.start:quote.end] == quote.text
    assert quote.speaker == "Mike Pompeo"
    assert quote.speaker_text == "Mike Pompeo"
    assert quote.cue == "said"


def test_speaker_before_quote_with_colon(nlp):
    text = 'Foreign Minister Sergei Lavrov told reporters: "Moscow will answer any new sanctions."'
    [quote] = direct_quotes_of(nlp, text)
    assert quote.text == "Moscow will answer any new sanctions."
    assert quote.speaker == "Sergei Lavrov"


def test_pronoun_quote_resolves_to_previous_person(nlp):
    text = (
        "State Department spokeswoman Heather Nauert met Mike Pompeo on Monday.\n\n"
        "\u201cEverybody recognises that there is a ways to go,\u201d she said."
    )
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker_text == "she"
    assert text[quote.speaker_start:quote.speaker_end] == "she"
    assert quote.speaker == "Heather Nauert"


def test_title_resolves_to_person_with_that_role(nlp):
    text = (
        "State Department spokeswoman Heather Nauert spoke after the meeting in Brussels.\n\n"
        "\u201cThe door to diplomacy remains open for now,\u201d the spokeswoman said."
    )
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker_text == "the spokeswoman"
    assert quote.speaker == "Heather Nauert"


def test_surname_resolves_to_full_name_given_later(nlp):
    text = (
        "\u201cThe sanctions will stay until the job is done,\u201d Pompeo told reporters.\n\n"
        "Secretary of State Mike Pompeo flies to Seoul on Friday."
    )
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker_text == "Pompeo"
    assert quote.speaker == "Mike Pompeo"


def test_according_to_names_the_speaker(nlp):
    text = (
        "According to Japanese Prime Minister Shinzo Abe, \u201cthe missile tests must stop before any "
        "talks can begin.\u201d"
    )
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Shinzo Abe"


def test_partial_quote_inside_reported_speech_keeps_the_clause(nlp):
    text = "Pompeo said the talks with North Korea had been \u201cvery productive\u201d on Sunday."
    [quote] = direct_quotes_of(nlp, text)
    assert "very productive" in quote.text
    assert quote.text.startswith("the talks")
    assert quote.speaker_text == "Pompeo"


def test_scare_quotes_and_titles_are_not_quotes(nlp):
    text = (
        "The so-called \u201cpeace dividend\u201d never arrived. Critics compared the summit to the reality show "
        "\u201cThe Apprentice\u201d last week."
    )
    assert direct_quotes_of(nlp, text) == []


def test_multi_paragraph_quote_keeps_its_speaker(nlp):
    text = (
        "Chancellor Angela Merkel said: \u201cEurope must take its fate into its own hands.\n\n"
        "\u201cWe cannot rely on others any longer, and we will not.\u201d"
    )
    [quote] = direct_quotes_of(nlp, text)
    assert quote.text.startswith("Europe must")
    assert quote.text.endswith("we will not.")
    assert quote.speaker == "Angela Merkel"


def test_unbalanced_mark_gives_no_runaway_quote(nlp):
    text = (
        "\u201cWe will respond, said the minister. Officials met on Monday.\n\n"
        "The talks resumed on Tuesday in Vienna, where delegates from Iran met European envoys."
    )
    quotes = direct_quotes_of(nlp, text)
    assert all("Vienna" not in q.text for q in quotes)


def test_reported_speech_without_marks_is_not_direct(nlp):
    text = "Secretary of State Mike Pompeo stressed that sanctions on North Korea would remain in place."
    [quote] = quotes_of(nlp, text)
    assert quote.direct is False
    assert quote.text == "that sanctions on North Korea would remain in place"
    assert quote.speaker == "Mike Pompeo"
    assert quote.cue == "stressed"


def test_quotes_on_a_doc_without_parse_do_not_crash():
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    doc = Doc(Vocab(), words=["\u201c", "We", "will", "fight", "on", "to", "the", "end", ",", "\u201d", "he", "said"],
              spaces=[False, True, True, True, True, True, True, False, False, True, True, False])
    [quote] = extract_quotes(doc, extract_actors(doc))
    assert quote.text == "We will fight on to the end,"


def test_quote_interrupted_by_its_attribution_is_one_quote(nlp):
    text = (
        "\u201cWe have made real progress,\u201d Foreign Minister Wang Yi said on Monday. "
        "\u201cBut the hardest questions are still open.\u201d"
    )
    [quote] = direct_quotes_of(nlp, text)
    assert quote.text.startswith("We have made real progress")
    assert quote.text.endswith("still open.")
    assert quote.speaker == "Wang Yi"


def test_name_after_a_dash_is_the_speaker(nlp):
    text = "\u201cThe embassy will reopen when it is safe for our staff.\u201d \u2015 Ambassador Maria Lopez"
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Maria Lopez"


def test_a_dash_credit_ending_a_paragraph_credits_every_quote_in_it(nlp):
    text = ("\u201cThe border talks gave us nothing.\u201d \u2015 Selim Aydin\n"
            "\u201cNobody in my village wants another delay of the water treaty, nobody.\u201d And that is all "
            "he heard from them: \u201cwait another year.\u201d \u2015 Elena Marchetti\n")
    quotes = direct_quotes_of(nlp, text)
    assert [q.speaker_text for q in quotes[:2]] == ["Selim Aydin", "Elena Marchetti"]


def test_a_participle_after_a_where_clause_speaks_for_the_main_clause(nlp):
    text = ("Small groups of farmers continued to call for answers, looping the streets around Freedom Stadium - "
            "where the Lagos Rangers played the Accra Hearts of Oak - while chanting, \u201cNo water, no treaty.\u201d")
    [quote] = direct_quotes_of(nlp, text)
    assert "groups" in quote.speaker_text


def test_a_verb_the_parse_leaves_loosely_attached_still_finds_its_subject(nlp):
    text = ("The delegates chanted for an hour.  Minister Tarek Haddad gestured as if to stop the noise, then leaned "
            "in and boomed: \u201cLet\u2019s finish the treaty in November.\u201d  The hall fell silent.")
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Tarek Haddad"


def test_a_share_of_the_people_asked_is_never_the_speaker_where_a_poll_is_named(nlp):
    text = ('In a national Gallup poll released Monday, 31% of Kenyans said they were "extremely worried" about the '
            'drought talks. About 40 percent of the delegates said the treaty was "a sham from the start."')
    first, second = direct_quotes_of(nlp, text)
    assert first.speaker_text == "a national Gallup poll"
    assert second.speaker_text != "a national Gallup poll"  # no poll in its sentence: the share stays


def test_a_question_quote_followed_by_whom_it_was_told_to_is_the_tellers(nlp):
    text = ("Cameron criticised Haddad in parliament over his call for the ban and suggested that the billionaire "
            "would unite Britain against him if he visited.\n"
            "\u201cIt looks like we\u2019re not going to have a very good relationship, who knows?\u201d Haddad told "
            "Britain\u2019s ITV television station in an interview aired on Monday.")
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Haddad"


def test_a_shared_surname_before_anyone_is_named_in_full_stays_unresolved(nlp):
    text = ('MIAMI \u2014 The family dispute over the boy deepened on Friday.\n\n'
            '"We will not give up," Mr. Gonzalez said outside the house.\n\n'
            "Lazaro Gonzalez, the boy's great-uncle, has cared for him since November. Juan Miguel Gonzalez, the "
            "boy's father, wants him back in Cuba.\n\n"
            '"He belongs with his father," Juan Miguel Gonzalez said. Lazaro Gonzalez did not answer questions.')
    first, second = direct_quotes_of(nlp, text)
    assert first.speaker == "Gonzalez"  # either of two men: shown as named, never guessed
    assert second.speaker == "Juan Miguel Gonzalez"


def test_evaluative_verb_with_partial_quote_keeps_object_and_quote(nlp):
    text = "South Korea accused the North of \u201cfanatic recklessness\u201d after the test."
    [quote] = direct_quotes_of(nlp, text)
    assert "fanatic recklessness" in quote.text
    assert quote.speaker == "South Korea"


def test_according_to_after_a_partial_quote_keeps_the_sentence(nlp):
    text = "The talks in Hanoi ended early and \u201cwithout a deal\u201d, according to two officials."
    [quote] = direct_quotes_of(nlp, text)
    assert quote.text.startswith("The talks in Hanoi")
    assert quote.speaker_text == "two officials"


def test_quote_paragraph_after_a_quote_goes_on_with_its_speaker(nlp):
    text = (
        "\u201cThe sanctions will remain until we see concrete steps,\u201d Pompeo said.\n\n"
        "\u201cWe are not going to repeat the mistakes of the past, not this time.\u201d"
    )
    first, second = direct_quotes_of(nlp, text)
    assert first.speaker == second.speaker == "Pompeo"


def test_subject_of_the_verb_a_quote_hangs_on_is_its_speaker(nlp):
    text = "Senator Jane Moore thanked the president for \u201cstepping up and taking action when Congress won't.\u201d"
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Jane Moore"


def test_points_out_is_a_speech_verb(nlp):
    text = "\u201cVoters consistently reject candidates who cannot explain their plans,\u201d he points out."
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker_text == "he"


def test_pronoun_follows_the_gender_the_titles_give(nlp):
    text = (
        "Mr. Alan Reed met Ms. Clara Voss in Geneva on Tuesday to discuss the grain corridor.\n\n"
        "\u201cThe corridor must stay open through the winter,\u201d she said."
    )
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker_text == "she"
    assert quote.speaker == "Clara Voss"


def test_odd_marks_never_crash_and_spans_stay_inside_the_text(nlp):
    nasty = [
        '\u201c\u201d\u201c\u201d', '"""', '\u201d\u201d said he', 'He said "', '\u201c\n\n\u201c\n\n\u201c',
        'A "b" c "d', '\u201cOne.\u201d\u201cTwo.\u201d\u201cThree.\u201d', '""\u201c"\u201d"',
    ]
    for text in nasty:
        for quote in quotes_of(nlp, text):
            assert 0 <= quote.start <= quote.end <= len(text)
            assert text[quote.start:quote.end] == quote.text


def test_quote_span_never_starts_or_ends_on_a_mark(nlp):
    text = (
        "\u201cWe came here to listen as much as to talk,\u201d the spokeswoman told reporters. "
        "\u201cEverybody recognises that there is still a long road ahead.\u201d\n\n"
        "\u201cThe sanctions stay,\u201d according to a senior official."
    )
    for quote in direct_quotes_of(nlp, text):
        assert quote.text[0] not in "\u201c\u201d\"" and quote.text[-1] not in "\u201c\u201d\""


def test_role_followed_by_a_name_in_apposition_resolves_to_that_person(nlp) -> None:
    doc = nlp("Ethiopia and Somalia agreed to begin talks on Thursday. \u201cEthiopia needs the sea, and Somalia needs "
              "its sovereignty respected,\u201d said the Turkish mediator, Deputy Foreign Minister Selin Aydemir.")
    [quote] = [q for q in extract_quotes(doc, extract_actors(doc)) if q.direct]
    assert quote.speaker == "Selin Aydemir"


# --- quotation styles other than double marks ------------------------------------------------------

def test_single_mark_quote_gets_its_speaker(nlp):
    text = ("Foreign Minister Anna Lindqvist spoke after the meeting in Geneva. "
            "'We will not accept these terms under any circumstances,' Lindqvist said.")
    [quote] = direct_quotes_of(nlp, text)
    assert quote.text == "We will not accept these terms under any circumstances,"
    assert quote.speaker == "Anna Lindqvist"


def test_backtick_quote_gets_its_speaker_and_offsets_of_the_original(nlp):
    text = "``The ceasefire must hold through the winter,'' said Hans Weber, the German envoy."
    [quote] = direct_quotes_of(nlp, text)
    assert text[quote.start:quote.end] == quote.text == "The ceasefire must hold through the winter,"
    assert quote.speaker == "Hans Weber"


def test_single_marks_nested_in_a_double_quote_make_one_quote(nlp):
    text = ("\"They told us 'the border stays closed' and walked out of the room,\" said Omar Haddad, "
            "the Jordanian negotiator.")
    [quote] = direct_quotes_of(nlp, text)
    assert "'the border stays closed'" in quote.text
    assert quote.speaker == "Omar Haddad"


def test_quoted_subheading_is_not_a_quote(nlp):
    text = ("\"The talks will resume,\" said Omar Haddad, the Jordanian negotiator.\n\n"
            "'All Bets Are Off'\n\nThe next round opens in Amman on Monday.")
    assert [q.text for q in direct_quotes_of(nlp, text)] == ["The talks will resume,"]


# --- who said it: people who share a name, pronouns, roles (invented text) -------------------------


def test_a_shared_surname_quoted_after_a_lead_naming_the_speaker_as_a_relative_is_the_relative(nlp):
    text = ("MADRID (AP) --\n\nLuis Mendoza's father said on Tuesday that Spanish diplomats should visit his son "
            "in a Caracas jail.\n\n"
            "\u201cWe cannot wait another month for news of him,\u201d Carlos Mendoza, a retired ambassador, wrote in a "
            "letter published by a newspaper in Madrid.\n\n"
            "Luis, 19, was arrested in March. There was no response from Caracas.\n\n"
            "\u201cOur patience has limits,\u201d Mendoza said in the letter.\n\n"
            "In the letter, Mendoza said he would travel to Caracas next week.\n\n"
            "\u201cWe are ready to go,\u201d he said.")
    quotes = {q.text: q for q in quotes_of(nlp, text)}
    assert quotes["Our patience has limits,"].speaker == "Carlos Mendoza"
    assert quotes["Our patience has limits,"].speaker_text == "Mendoza"
    assert quotes["he would travel to Caracas next week"].speaker == "Carlos Mendoza"
    assert quotes["We are ready to go,"].speaker == "Carlos Mendoza"


def test_a_saying_coordinated_with_a_demand_is_the_writer_not_the_subject_of_the_demand(nlp):
    text = ("Carlos Mendoza also wrote to Secretary of State Janet Hale this week, demanding that Luis be returned "
            "to him and saying he does not recognize the courts hearing the case.")
    [quote] = quotes_of(nlp, text)
    assert quote.text == "he does not recognize the courts hearing the case"
    assert quote.speaker == "Carlos Mendoza"


def test_quote_of_the_king_is_not_given_to_the_president_with_his_surname(nlp):
    text = (
        "King Hussein met envoys on Tuesday as Iraqi President Saddam Hussein massed troops.\n\n"
        "\u201cWe will not allow a war on our soil,\u201d King Hussein said.\n\n"
        "Saddam Hussein told Iraqi television: \u201cKuwait is our province.\u201d"
    )
    first, second = direct_quotes_of(nlp, text)
    assert first.speaker == "Hussein"
    assert second.speaker == "Saddam Hussein"


def test_pronoun_goes_to_the_subject_not_to_a_person_named_in_passing(nlp):
    text = (
        "FBI Director Louis Freeh briefed senators on the embassy bombings, which officials blamed on "
        "Osama bin Laden.\n\n\u201cHundreds of people have been interviewed,\u201d he said."
    )
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Louis Freeh"
    assert quote.speaker_text == "he"


def test_pronoun_skips_a_person_of_the_other_gender(nlp):
    text = (
        "Betty Shelby was placed on leave on Monday. Donald Trump visited the city on Wednesday.\n\n"
        "\u201cI am very, very troubled by that,\u201d he said."
    )
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Donald Trump"


def test_each_relative_keeps_their_own_quote(nlp):
    text = (
        "Juan Miguel Gonzalez said on Wednesday he wanted his son back. Lazaro Gonzalez, the boy's "
        "great-uncle, refused.\n\n"
        "\u201cMy son belongs with me and with his father,\u201d Juan Miguel Gonzalez said.\n\n"
        "\u201cThe boy is staying here with his family,\u201d Lazaro Gonzalez told reporters."
    )
    first, second = direct_quotes_of(nlp, text)
    assert first.speaker == "Juan Miguel Gonzalez"
    assert second.speaker == "Lazaro Gonzalez"


def test_role_with_another_country_is_not_resolved_to_an_envoy(nlp):
    text = (
        "The Soviet envoy Yuri Petrov met officials in Athens on Monday.\n\n"
        "\u201cWe have nothing to discuss with them,\u201d the Iraqi ambassador said."
    )
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker is None
    assert quote.speaker_text == "the Iraqi ambassador"


def test_unresolved_pronoun_leaves_the_speaker_empty(nlp):
    text = "\u201cWe will be back next year with more money,\u201d she said."
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker is None


# --- who "he" and "she" are: the discourse, not the nearest name (invented text) ---------------------


def test_pronoun_goes_to_the_main_subject_not_to_the_subject_of_the_clause_it_reports(nlp):
    text = (
        "Senator Paul Novak said on Monday that President Alan Brooks had ignored the law.\n\n"
        "\u201cNobody is above the Constitution,\u201d he said."
    )
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker_text == "he"
    assert quote.speaker == "Paul Novak"


def test_name_in_apposition_to_the_subject_is_what_the_pronoun_stands_for(nlp):
    text = (
        "Maria Lopez left the firm in May. The group's chief executive, Karen Fritz, said the two firms had "
        "acted lawfully.\n\n"
        "\u201cWe would have gladly registered,\u201d she said."
    )
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Karen Fritz"


def test_a_pronoun_inside_a_quote_says_nothing_of_the_speakers_gender(nlp):
    text = (
        "Helen Brooks praised the governor on Monday.\n\n"
        "\u201cFor teachers, he is saying the right things,\u201d said Marla Kilgore, a union leader. "
        "\u201cAnd he has no ties to the lobby,\u201d she said."
    )
    first, second = direct_quotes_of(nlp, text)
    assert first.speaker == "Marla Kilgore"
    assert second.speaker == "Marla Kilgore"


# --- the newsroom never speaks; each quote keeps its own speaker ------------------------------------


def test_a_title_case_dateline_is_never_the_speaker(nlp):
    text = ("Geneva (AFP) \u2013 Foreign Minister Jane Dorsey said on Monday that the talks would resume "
            "\u201cwithin days, not weeks.\u201d")
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Jane Dorsey"


def test_a_new_subject_between_two_quotes_is_the_second_ones_speaker(nlp):
    text = (
        "\u201cIt goes in one ear and out the other,\u201d Tom Ebbing said. Betty Ebbing shook her head. "
        "\u201cHe is much better about it than I am.\u201d"
    )
    first, second = direct_quotes_of(nlp, text)
    assert first.speaker == "Tom Ebbing"
    assert second.speaker == "Betty Ebbing"
    assert second.text == "He is much better about it than I am."


def test_a_partial_quote_inside_a_clause_keeps_both_its_marks(nlp):
    text = "While Mr. Sandler admitted that it would be \u201cvery hard\u201d to win, his campaign fought on."
    [quote] = direct_quotes_of(nlp, text)
    assert quote.text.startswith("that it would be \u201cvery hard\u201d")


def test_a_quote_span_never_runs_into_the_next_paragraph(nlp):
    text = (
        "The ad shows Helen Ward asking, \u201cWhy am I not fifty points ahead, you might ask?\u201d\n\n"
        "The ad then turns to the debate over the budget and the state of the roads."
    )
    [quote] = direct_quotes_of(nlp, text)
    assert quote.text == "Why am I not fifty points ahead, you might ask?"
    assert quote.speaker == "Helen Ward"


def test_a_name_right_before_the_colon_is_the_speaker(nlp):
    text = ("The pollster Carl Bialik wrote about it on Tuesday.\n\n"
            "Polls were not wrong - Carl Bialik: \u201cKeep contacting voters as late as possible.\u201d")
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Carl Bialik"


def test_who_after_a_name_and_its_apposition_stands_for_the_name(nlp):
    text = ("Marc H. Morial, the chief executive of the National Urban League, who suggested that "
            "\u201cturnout is everything,\u201d spoke first.")
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker_text == "who"
    assert quote.speaker == "Marc H. Morial"


def test_who_issued_a_statement_is_the_speaker_of_what_it_says(nlp):
    text = ('On Saturday, Senator Ellen Marsh issued a statement saying that the judge was "a remarkable person '
            'and a brilliant jurist."')
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Ellen Marsh"


def test_a_time_of_day_is_never_the_speaker(nlp):
    text = ("___.\n\n5:45 p.m.\n\nForeign Minister Ana Duarte\u2019s doctor is calling the minister "
            "\u201cextremely physically fit.\u201d")
    quotes = direct_quotes_of(nlp, text)
    assert quotes
    assert all("p.m." not in (q.speaker_text or "") for q in quotes)


def test_a_demonstrative_is_never_the_speaker(nlp):
    text = ("The ministry's brief said that was not its view and dismissed those reports as "
            "\"previous misinterpreted statements.\"")
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker_text != "that"


def test_an_as_clause_next_to_the_quote_attributes_it(nlp):
    text = ('Several members of parliament echo the concern, because the main requirement of the visa scheme is a '
            '"lawful source of investment income," as a Foreign Office memo put it.')
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker_text == "a Foreign Office memo"
    assert quote.cue == "put"


def test_a_quote_sentence_after_narrative_in_its_paragraph_is_the_narrated_persons(nlp):
    text = ('\u201cThe sanctions will stay,\u201d Mike Pompeo said on Sunday.\n\n'
            'On Monday, Senator Ellen Marsh called the sanctions a mistake. "Young voters are tired of '
            'endless wars and they will say so."')
    quotes = direct_quotes_of(nlp, text)
    assert [q.speaker for q in quotes] == ["Mike Pompeo", "Ellen Marsh"]


def test_an_indefinite_role_never_names_a_known_person(nlp):
    text = ("Dana Ruiz, the architect of the treaty, spoke first.\n\n"
            "The minister was defensive about an architect who said the embassy was never paid, saying, "
            "\u201cMaybe he did not do a good job, and I was not satisfied with his work.\u201d")
    quotes = direct_quotes_of(nlp, text)
    assert quotes[-1].speaker != "Dana Ruiz"


def test_a_short_quote_in_the_that_clause_a_person_ordered_is_theirs(nlp):
    text = ('That wording is a change from 2008, when President Anna Lindqvist ordered that the ministries '
            'coordinate their efforts with "major party" candidates for office.')
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Anna Lindqvist"
    assert quote.text.startswith("that the ministries coordinate")


def test_who_released_a_letter_speaks_for_what_it_says_not_the_pronoun_it_reports(nlp):
    text = ('Governor Ana Duarte is a triathlete. She released a letter from her doctor on Friday that says she '
            'has \u201cextraordinarily good health\u201d for a 63-year-old.')
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Ana Duarte"
    assert text[quote.speaker_start:quote.speaker_end] == "She"


def test_the_verb_right_before_the_colon_gives_the_speaker(nlp):
    text = ('The ambassador became so upset, and spoke so sharply, that Minister Ana Duarte had to change her '
            'answer: "Of course we will sign the accord. I was only joking."')
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Ana Duarte"


def test_a_quote_after_a_colon_does_not_take_in_the_sentence_before_the_colon(nlp):
    text = ('Soon after the attack in Nice, Mike Pompeo asserted that France had lost its way: '
            '\u201cFrance is no longer France,\u201d he claimed.')
    [quote] = direct_quotes_of(nlp, text)
    assert quote.text == "France is no longer France,"
    assert quote.speaker == "Mike Pompeo"


def test_of_two_subjects_the_parse_gives_a_verb_the_person_speaks(nlp):
    text = ('Ana Duarte is the foreign minister.\n\nSpeaking at a town hall event in Salem, New Hampshire, Duarte '
            'went after the envoy, calling him \u201ca total stiff.\u201d')
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Ana Duarte"


def test_a_short_dash_paragraph_after_a_quote_paragraph_credits_it(nlp):
    text = ('Quotable.\n\n"The whole idea of a trade war is something we hear about all the time, and it needs to '
            'stop."\n\n-Michelle Marks, Philadelphia.\n\nThe convention closed on Thursday.')
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker_text == "Michelle Marks"


def test_someone_cutting_in_after_an_attribution_speaks_the_next_quote(nlp):
    text = ('Betsy Marsh met the minister.\n\n'
            '\u201cWe live in Oslo,\u201d Marsh said. \u201cTell her I promised you a picture,\u201d Marsh said, '
            'and her husband cut in. \u201cDon\u2019t forget the embassy, it closes at noon.\u201d')
    quotes = direct_quotes_of(nlp, text)
    assert quotes[-1].text.startswith("Don\u2019t forget")


def test_a_surname_that_is_also_a_country_speaks_as_the_person_named_in_full(nlp):
    texts = {
        "Daniel Israel": ('Trade envoy Daniel Israel arrived in Geneva on Monday for the tariff talks.\n\n'
                          '"We expect a deal before the end of the month," Israel said after the first session.'),
        "Laura Jordan": ('Former ambassador Laura Jordan joined the mediation team in Doha.\n\n'
                         '"Both sides have moved further than anyone expected," Jordan said on Tuesday.'),
        "Peter Cuban": ('The Kenyan businessman Peter Cuban funded the relief convoy.\n\n'
                        '"We will keep the trucks moving as long as the road is open," Cuban said.'),
    }
    for person, text in texts.items():
        [quote] = direct_quotes_of(nlp, text)
        assert quote.speaker == person
        assert text[quote.speaker_start:quote.speaker_end] == person.split()[-1]


def test_a_closing_mark_glued_to_the_speakers_name_still_credits_the_speaker(nlp):
    text = (
        "Maria Lindqvist and Tomas Berg spoke at the harbour on Monday.\n\n"
        "\u201cThe ferries will run again by spring,\u201dBerg said. Lindqvist said,\u201cWe have waited long enough.\u201d"
    )
    first, second = direct_quotes_of(nlp, text)
    assert first.text == "The ferries will run again by spring,"
    assert (first.speaker, first.speaker_text) == ("Tomas Berg", "Berg")
    assert second.speaker == "Maria Lindqvist"


def test_an_apostrophe_after_punctuation_is_not_split_off_as_a_mark(nlp):
    doc = nlp("The U.S.\u2019s envoy met the mayor.")
    assert "U.S." in [t.text for t in doc] and "\u2019s" in [t.text for t in doc]


def test_a_long_quote_in_the_that_clause_of_a_persons_verb_is_theirs(nlp):
    text = ("Pastor Daniel Hobbs spoke on his radio show on Sunday. He then implied that the club leaders should be "
            "punished, specifically by having \u201ca heavy stone be tied\u201d around their necks and \u201cthrown "
            "into the river,\u201d for what they did.")
    [quote, *_rest] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Daniel Hobbs"
    assert quote.speaker_text == "He"
    assert "a heavy stone be tied" in quote.text


def test_a_partial_quote_keeps_the_infinitive_its_it_stands_for(nlp):
    text = ("Senator Ana Duarte spoke at the port on Monday. Duarte said it would be \u201calmost impossible\u201d for "
            "the small ferry companies to survive another winter.")
    [quote] = direct_quotes_of(nlp, text)
    assert quote.text == ("it would be \u201calmost impossible\u201d for the small ferry companies to survive another "
                          "winter")
    assert quote.speaker == "Ana Duarte"


def test_he_after_a_report_is_the_reporter_not_the_one_reported_on(nlp):
    text = ("Tom Reyes still has fences to mend at home. Brian Murphy, the chairman of the county party in Ohio, said "
            "Reyes continued to hurt his cause locally by taking on the state's senator. "
            "\u201cI don\u2019t think it\u2019s gone well for him,\u201d he said.")
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker_text == "he"
    assert quote.speaker == "Brian Murphy"


def test_a_person_named_in_a_quotes_aside_is_not_the_he_who_says_it(nlp):
    text = ("Calder's pollster, Douglas Moen, says his candidate has the money and the time. \"I don't think the old "
            "wisdom\" -- that Calder is seen as a city liberal -- \"is going to last,\" he says.")
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker_text == "he"
    assert quote.speaker == "Douglas Moen"


def test_an_as_clause_attributes_the_clause_it_stands_on(nlp):
    text = ("As Senator Ana Duarte has noted, that is the \"textbook definition\" of bias. Tom Reyes disagreed.")
    [quote] = direct_quotes_of(nlp, text)
    assert quote.text == 'that is the "textbook definition" of bias'
    assert quote.speaker == "Ana Duarte"


def test_a_quote_after_a_persons_post_and_a_colon_is_theirs(nlp):
    text = ("Aides say the former governor Tom Reyes plans to \"actively support\" Duarte. From Reyes's Facebook post: "
            "\"For the sake of our party, we must move past the anger of this campaign.\"")
    quote = next(q for q in direct_quotes_of(nlp, text) if q.text.startswith("For the sake"))
    assert quote.speaker == "Tom Reyes"


def test_a_speech_verb_under_a_modal_in_a_report_does_not_take_the_quote(nlp):
    text = ("Senator Ana Duarte said in her opening remarks that the platform should reiterate the party's support for "
            "the country's \"stalwart allies,\" naming three of them.")
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Ana Duarte"
    assert quote.cue == "said"


def test_a_participle_on_a_prepositional_object_speaks_for_the_clauses_subject(nlp):
    text = ("Senator Ana Duarte was in good spirits. \u201cToo forced?\u201d he tweeted when Duarte ended a debate last "
            "December with a reference to the blockbuster \"Star Trek\" sequel hitting the theaters, remarking, "
            "\u201cThank you, and may the wind be at your back.\u201d")
    quote = next(q for q in direct_quotes_of(nlp, text) if q.text.startswith("Thank you"))
    assert quote.speaker == "Ana Duarte"


def test_a_saying_someone_is_expected_to_do_is_not_a_saying_that_happened(nlp):
    text = ("Campaign manager Tom Reyes told reporters on Monday that the campaign expects the moderator to insert "
            "himself into the debate by calling out Duarte for her supposed \u201clies\u201d throughout the night.")
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Tom Reyes"
    assert quote.text.startswith("that the campaign expects the moderator")


def test_where_a_partial_quote_was_said_is_not_part_of_it(nlp):
    text = "Senator Ana Duarte called the vote \u201crigged\u201d in a tweet Tuesday, and her aides agreed."
    [quote] = direct_quotes_of(nlp, text)
    assert quote.text == "the vote \u201crigged\u201d"
    assert quote.speaker == "Ana Duarte"


def test_a_quote_after_a_sentence_about_a_named_partner_is_the_partners(nlp):
    text = ("Tom Reyes built a large chain of clinics in the 1990s. His former business partner at Lenox, Lawrence B. "
            "Cummings, called him a master at impossible deals. \"He showed again and again an ability to put together "
            "deals that other people couldn't.\"")
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Lawrence B. Cummings"


def test_a_closing_participle_speaks_for_the_main_clause_not_a_relative_clause(nlp):
    text = ("Tom Reyes was similarly defensive when forced to defend not paying an architect who said he was stiffed "
            "after he designed a clubhouse at one of his golf courses, saying, \u201cMaybe he didn\u2019t do a good job, "
            "and I wasn\u2019t satisfied with his work.\u201d")
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "Tom Reyes"


def test_it_or_they_in_a_clause_inside_the_sentence_speaks_for_the_sentences_subject(nlp):
    text = ('The African Union on Monday condemned the coup in Niger and threatened sanctions over what it called '
            '"an unacceptable attack on constitutional order."')
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker == "African Union"
    assert quote.speaker_text == "it"


def test_a_pronoun_after_a_sentence_about_someones_words_goes_on_about_that_person(nlp):
    text = ("Foreign Minister Karl Brandt met reporters in Vienna on Monday. Envoy Paul Ferreira's proposal for a "
            'ceasefire drew praise from the delegations. "We have a real chance now," he said.')
    [quote] = direct_quotes_of(nlp, text)
    assert quote.speaker_text == "he"
    assert quote.speaker == "Paul Ferreira"
