"""`diplobot eval identity` scoring, on an invented two-article set (no corpus needed)."""

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.dev.evaluation.identity import (
    FeedArticle,
    LabelledQuote,
    SnapshotMismatch,
    WhoSaidQuery,
    judge_answer,
    load_set,
    read_texts,
    rss_document,
    score_speakers,
    short_sha,
    strict_match,
)
from bot.feeds.parse import parse_feed

ARTICLES = {
    "wire_a": ("Former President Bill Clinton spoke in Dover. \"The deal is fair,\" Clinton said.\n\n"
               "Hillary Clinton answered the next day. \"We will not sign it,\" she said."),
    "wire_b": "Mr. Obama was brief. \"Talks resume Monday,\" Mr. Obama said.",
}


def _span(article: str, words: str) -> tuple[int, int]:
    start = ARTICLES[article].index(words)
    return start, start + len(words)


def _quote(article: str, words: str, speaker: str, **more: object) -> LabelledQuote:
    start, end = _span(article, words)
    return LabelledQuote(article=article, start=start, end=end, speaker=speaker, **more)


BILL = _quote("wire_a", "The deal is fair,", "Bill Clinton", mention="surname")
HILLARY = _quote("wire_a", "We will not sign it,", "Hillary Clinton", aliases=("Hillary Rodham Clinton",),
                 mention="pronoun")
OBAMA = _quote("wire_b", "Talks resume Monday,", "Barack Obama", article_name="Obama", mention="title and surname")
PEOPLE = {"Bill Clinton": ("Bill Clinton",), "Hillary Clinton": ("Hillary Clinton", "Hillary Rodham Clinton"),
          "Barack Obama": ("Barack Obama",)}


def _predicted(quote: LabelledQuote, speaker: str | None) -> dict:
    return {"start": quote.start, "end": quote.end, "direct": True, "speaker": speaker}


def test_a_quote_given_to_the_other_clinton_is_wrong_strictly_and_right_leniently() -> None:
    predictions = {"wire_a": [_predicted(BILL, "Bill Clinton"), _predicted(HILLARY, "Bill Clinton")]}

    scores = score_speakers([BILL, HILLARY], predictions)

    assert (scores.total, scores.found, scores.strict, scores.lenient) == (2, 2, 1, 2)
    assert scores.wrong == [(HILLARY, "Bill Clinton")]
    assert scores.by_mention == {"surname": [1, 1], "pronoun": [1, 0]}


def test_a_quote_the_analysis_did_not_find_counts_as_wrong() -> None:
    scores = score_speakers([BILL, OBAMA], {"wire_a": [_predicted(BILL, "Bill Clinton")]})

    assert (scores.found, scores.strict) == (1, 1)
    assert scores.as_dict()["strict_accuracy"] == 0.5
    assert scores.wrong == [(OBAMA, None)]


def test_strict_names_accept_aliases_and_the_name_the_article_gives_but_not_a_bare_surname() -> None:
    assert strict_match("Hillary Rodham Clinton", HILLARY)
    assert strict_match("Obama (President)", OBAMA)  # the article never gives his first name
    assert not strict_match("Clinton", HILLARY)
    assert not strict_match(None, BILL)


def test_an_answer_naming_a_must_not_person_fails_the_query() -> None:
    query = WhoSaidQuery("Hillary Clinton", must=("Hillary Clinton",), must_not=("Bill Clinton",))
    answer = ("I have no quotes from Hillary Clinton. Did you mean one of these?\n"
              "[ Bill Clinton ]  [ Hillary Rodham Clinton ]\n")

    result = judge_answer(query, answer, PEOPLE)

    assert not result.right
    assert "names Bill Clinton" in result.problems
    assert "says it has no quotes" in result.problems


def test_a_choice_list_with_both_people_passes_a_shared_surname_query() -> None:
    query = WhoSaidQuery("Clinton", must=("Hillary Clinton", "Bill Clinton"))
    answer = ("Several people called Clinton have quotes:\n"
              "[ Bill Clinton (former President) ]  [ Hillary Rodham Clinton — latest: Deal talks ]\n")

    result = judge_answer(query, answer, PEOPLE)

    assert result.right, result.problems
    assert result.returned == ["Bill Clinton", "Hillary Clinton"]


def test_names_inside_the_quotes_and_source_lines_are_not_people_returned() -> None:
    query = WhoSaidQuery("Barack Obama", must=("Barack Obama",), must_not=("Bill Clinton",))
    answer = ("Barack Obama — quotes 1–1 of 1, newest first\n"
              "│ Bill Clinton was right about the deal\n"
              "2016-05-01 · Bill Clinton in Dover · wire\n")

    result = judge_answer(query, answer, PEOPLE)

    assert result.right, result.problems


def test_a_heading_with_the_role_after_the_name_names_the_person() -> None:
    query = WhoSaidQuery("President Clinton", must=("Bill Clinton",), must_not=("Hillary Clinton",))
    answer = ("Bill Clinton (former President) — quotes 1–1 of 1, newest first\n"
              "│ The deal is fair\n"
              "2016-05-01 · Hillary Clinton answers · wire\n")

    result = judge_answer(query, answer, PEOPLE, [BILL, HILLARY], ARTICLES)

    assert result.right, result.problems
    assert result.returned == ["Bill Clinton"]


def test_a_right_heading_over_another_persons_quote_fails() -> None:
    query = WhoSaidQuery("Hillary Clinton", must=("Hillary Clinton",), must_not=("Bill Clinton",))
    answer = ("Hillary Clinton — quotes 1–2 of 2, newest first\n"
              "│ We will not sign it\n"
              "2016-05-02 · Deal talks · wire\n"
              "│ The deal is fair\n"
              "2016-05-01 · Deal talks · wire\n")

    result = judge_answer(query, answer, PEOPLE, [BILL, HILLARY], ARTICLES)

    assert result.returned == ["Hillary Clinton"]
    assert result.problems == ["shows a quote by Bill Clinton"]


def test_an_absent_person_must_get_no_quotes() -> None:
    query = WhoSaidQuery("Angela Merkel", must_not=("Hillary Clinton",))

    assert judge_answer(query, "I have no quotes from Angela Merkel, and no name close to it.", PEOPLE).right
    shown = judge_answer(query, "Angela Merkel — quotes 1–1 of 1\n│ Talks resume Monday\n", PEOPLE)
    assert shown.problems == ["shows quotes for a person no article quotes"]


def _write_set(path: Path, texts: dict[str, str], split: str = "train") -> None:
    rows = [{"kind": "set", "corpus": "invented", "commit": None},
            {"kind": "person", "name": "Hillary Clinton", "aliases": ["Hillary Rodham Clinton"]}]
    rows += [{"kind": "article", "id": k, "split": split, "text_sha256": short_sha(v)} for k, v in texts.items()]
    for quote in (BILL, HILLARY):
        rows.append({"kind": "quote", "article": quote.article, "split": split, "start": quote.start,
                     "end": quote.end, "speaker": quote.speaker, "mention": quote.mention,
                     "span_sha256": short_sha(texts[quote.article][quote.start:quote.end])})
    rows.append({"kind": "query", "query": "Clinton", "must": ["Hillary Clinton", "Bill Clinton"]})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _corpus_snapshot(root: Path, texts: dict[str, str]) -> str:
    work = root / "corpus"
    for article_id, text in texts.items():
        target = work / "data" / "train" / "text" / f"{article_id}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    git = ["git", "-C", str(work), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "invented"], check=True)
    return str(work / ".git")


def test_texts_are_rebuilt_from_the_snapshot_and_a_changed_text_is_named(tmp_path: Path) -> None:
    set_path = tmp_path / "identity.jsonl"
    _write_set(set_path, {"wire_a": ARTICLES["wire_a"]})
    identity_set = load_set(set_path)
    assert identity_set.quotes[1].aliases == ("Hillary Rodham Clinton",)

    texts = read_texts(_corpus_snapshot(tmp_path / "good", {"wire_a": ARTICLES["wire_a"]}), identity_set)
    assert texts == {"wire_a": ARTICLES["wire_a"]}

    changed = _corpus_snapshot(tmp_path / "changed", {"wire_a": "Another text altogether."})
    with pytest.raises(SnapshotMismatch, match="data/train/text/wire_a.txt has other text"):
        read_texts(changed, identity_set)


def test_a_set_with_the_reserved_split_is_refused(tmp_path: Path) -> None:
    set_path = tmp_path / "identity.jsonl"
    _write_set(set_path, {"wire_a": ARTICLES["wire_a"]}, split="test")

    with pytest.raises(ValueError, match="reserved"):
        load_set(set_path)


def test_served_feeds_carry_each_article_whole_to_the_feed_parser() -> None:
    article = FeedArticle("wire_a", "wire", "Deal talks", ARTICLES["wire_a"], datetime(2016, 5, 1, 12, tzinfo=UTC))

    feed = parse_feed(rss_document("wire", [article], "http://127.0.0.1:9"), url="http://127.0.0.1:9/feeds/wire.xml",
                      now=datetime(2026, 1, 1, tzinfo=UTC))

    [entry] = feed.entries
    assert entry.guid == "wire_a"
    assert entry.published_at == article.published
    assert "\"The deal is fair,\" Clinton said." in entry.text
    assert "\"We will not sign it,\" she said." in entry.text
