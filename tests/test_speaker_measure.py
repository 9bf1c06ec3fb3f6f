"""The strict speaker measure: the gold source resolved to the article's person, names compared strictly."""

from __future__ import annotations

from bot.dev.evaluation.speakers import ArticlePeople, gold_person, name_tokens, same_person

TEXT = "Bill Clinton met Hillary Clinton. Later Clinton said it. Mr. Sanders said he agreed."


def people() -> ArticlePeople:
    found = ArticlePeople()
    for name in ("Bill Clinton", "Hillary Clinton", "Clinton", "Sanders"):
        start = TEXT.index(name, 33 if name == "Clinton" else 0)
        found.names.append((start, start + len(name), name_tokens(name)))
    return found


def test_titles_roles_and_possessives_are_not_name_words():
    assert name_tokens("President George W. Bush (President)") == ["george", "bush"]
    assert name_tokens("Clinton\u2019s") == ["clinton"]


def test_surname_shared_by_two_people_counts_only_with_the_full_name():
    article = people()
    source = (TEXT.index("Clinton said"), TEXT.index("Clinton said") + 7)
    gold = gold_person(article, TEXT, source)
    assert gold == ["hillary", "clinton"]  # the nearest full name before it
    assert same_person("Hillary Clinton", gold, article)
    assert not same_person("Clinton", gold, article)
    assert not same_person("Bill Clinton", gold, article)


def test_surname_of_one_person_is_that_person():
    article = people()
    source = (TEXT.index("Mr. Sanders"), TEXT.index("Mr. Sanders") + 11)
    gold = gold_person(article, TEXT, source)
    assert gold == ["sanders"]
    assert same_person("Sanders", gold, article)
    assert not same_person(None, gold, article)


def test_a_source_that_is_not_a_person_is_left_out():
    assert gold_person(people(), TEXT, (TEXT.index("it."), TEXT.index("it.") + 2)) is None


def test_a_description_of_someone_not_named_is_no_one_person():
    text = "Senator Maria Ortiz spoke. A senior Ortiz adviser said talks would resume. The Ortiz campaign agreed."
    article = ArticlePeople(names=[(text.index(w), text.index(w) + len(w), name_tokens(w))
                                   for w in ("Maria Ortiz",)])
    for phrase in ("Ortiz adviser", "Ortiz campaign"):
        k = text.index(phrase)
        article.names.append((k, k + 5, ["ortiz"]))
    adviser = (text.index("A senior"), text.index(" said"))
    assert gold_person(article, text, adviser) is None
    campaign = (text.index("The Ortiz campaign"), text.index(" agreed"))
    assert gold_person(article, text, campaign) is None
    senator = (text.index("Senator"), text.index(" spoke"))
    assert gold_person(article, text, senator) == ["maria", "ortiz"]


def test_a_described_name_is_the_person_but_a_name_after_a_preposition_is_not():
    text = "An angry Ortiz left the talks. A spokesman for Ortiz said nothing."
    k = text.index("Ortiz")
    j = text.index("Ortiz", k + 1)
    article = ArticlePeople(names=[(k, k + 5, ["ortiz"]), (j, j + 5, ["ortiz"])])
    assert gold_person(article, text, (0, k + 5)) == ["ortiz"]
    assert gold_person(article, text, (text.index("A spokesman"), j + 5)) is None
