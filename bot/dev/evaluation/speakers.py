"""A strict speaker measure on PolNeAR, beside the shared scorer's lenient one.

Lenient (the shared scorer) counts a speaker right when its span overlaps the gold source or its name shares
a word with it. Strict asks for the person: the gold source is resolved to the article's person (a surname or
"Mr. Gonzalez" to the one full name in the article that contains it, a pronoun through the corpus's own
coreference chains), and the predicted canonical name must be that person's full name. A surname shared by
two people of the article counts only when the full names match.

Usage: python -m bot.dev.evaluation.speakers SPLIT PRED.jsonl [--errors N] [--lenient-errors N]
The corpus is read by the shared scorer (../shared/eval/polnear.py, POLNEAR_GIT); the test split is refused.
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from bot.dev.evaluation.labelled_sets import import_scorer, shared_eval_dir

RESERVED_SPLITS = ("test",)
MATCH_OVERLAP = 0.3  # the shared scorer's lenient threshold
PRONOUNS = frozenset({"he", "she", "i", "him", "her", "his", "we", "they", "me"})
NAME_TITLES = frozenset({
    "mr", "mrs", "ms", "miss", "dr", "sen", "senator", "rep", "gov", "governor", "president", "gen", "general",
    "secretary", "king", "queen", "prince", "judge", "justice", "mayor", "rev", "former", "vice", "candidate",
    "nominee", "the", "speaker", "leader", "sir", "lord", "lady", "dame", "chairman", "prime", "minister",
})
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# A source that starts like this describes someone without naming them ("a senior Cruz adviser").
INDEFINITE_STARTS = ("a ", "an ", "another ", "one ", "some ", "several ")
PREPOSITIONS = frozenset({"to", "for", "of", "by", "with", "from", "at", "in", "on", "about"})
# Words after a name that do not make it a modifier ("Charles Rangel of New York", "Trump and Pence").
NOT_MODIFIED_NOUNS = frozenset({"and", "or", "of", "from", "in", "at", "on", "for", "to", "with", "by", "himself",
                                "herself", "who", "whom", "whose", "that", "said", "says", "told"})


def load_shared_scorer() -> ModuleType:
    """The shared PolNeAR scorer, imported from ../shared/eval (it reads POLNEAR_GIT on import)."""
    try:
        return import_scorer(shared_eval_dir() / "polnear.py", "shared_polnear")
    except FileNotFoundError as error:
        raise SystemExit(str(error)) from None


def name_tokens(name: str) -> list[str]:
    """Lower-cased name words without titles, suffixes, initials, possessives or a "(role)" tail."""
    name = re.sub(r"\(.*?\)", " ", name).replace("\u2019", "'")
    name = re.sub(r"'s\b", "", name)
    words = [w.strip(".,'\"").lower() for w in name.split()]
    return [w for w in words if w not in NAME_TITLES and w not in NAME_SUFFIXES and len(w) > 1
            and w.replace("-", "").isalpha()]


@dataclass
class ArticlePeople:
    """The people of one article as the corpus's CoreNLP layer tags them, with its coreference chains."""

    names: list[tuple[int, int, list[str]]] = field(default_factory=list)  # char start, end, name tokens
    chains: list[list[tuple[int, int]]] = field(default_factory=list)  # character spans of each chain

    def full_names(self) -> list[list[str]]:
        seen: dict[tuple[str, ...], list[str]] = {}
        for _s, _e, tokens in self.names:
            if len(tokens) >= 2:
                seen.setdefault(tuple(tokens), tokens)
        return list(seen.values())

    def names_in(self, start: int, end: int) -> list[list[str]]:
        return [toks for s, e, toks in self.names if s >= start and e <= end]

    def head_name(self, text: str, start: int, end: int) -> list[str]:
        """The name a source span is about: the last name before its first comma or relative clause that is
        neither a possessive ("Hillary Clinton's campaign manager Robby Mook" -> Robby Mook) nor a modifier of a
        noun ("the Clinton campaign"). A description of someone not named ("a senior Cruz adviser", "a spokesman for
        Sanders") is no one; "an angry Hollande" is Hollande."""
        indefinite = text[start:end].lower().startswith(INDEFINITE_STARTS)
        cut = len(text[start:end])
        for stop in (",", " who ", " whom ", " (", " \u2014"):
            k = text.find(stop, start, end)
            if k >= 0:
                cut = min(cut, k - start)
        head: list[str] = []
        for s, e, toks in self.names:
            if s >= start and e <= start + cut and not text[e:e + 2].replace("\u2019", "'").startswith("'s") \
                    and not _modifies_a_noun(text[e:start + cut]) and not (indefinite and _not_the_head(text[start:s],
                                                                                          text[e:start + cut])):
                head = toks
        return head


def _modifies_a_noun(rest: str) -> bool:
    """The words right after a name go on with a common noun it modifies ("Cruz adviser", "Trump campaign")."""
    words = rest.split(maxsplit=1)
    return bool(words) and words[0].isalpha() and words[0].islower() and words[0] not in NOT_MODIFIED_NOUNS


def _not_the_head(before: str, after: str) -> bool:
    """In a description that starts "a"/"one" …, a name that words go on after ("a senior Cruz adviser") or that a
    preposition governs ("a longtime adviser to Trump") is not the one described; "an angry Hollande" is."""
    return bool(after.strip(" -\u2014")) or bool(PREPOSITIONS & set(before.lower().split()))


def read_people(scorer: ModuleType, split: str, stem: str) -> ArticlePeople:
    """PERSON spans and coreference chains from data/SPLIT/corenlp/STEM.txt.xml (part of the corpus)."""
    people = ArticlePeople()
    try:
        xml = scorer.show(f"data/{split}/corenlp/{stem}.txt.xml")
    except Exception:  # noqa: BLE001 - an article without the CoreNLP layer has no chains
        return people
    root = ET.fromstring(xml)
    offsets: dict[tuple[int, int], tuple[int, int]] = {}
    for sentence in root.iter("sentence"):
        sid = int(sentence.get("id", "0"))
        run: list[tuple[int, int, str]] = []
        tokens = sentence.find("tokens")
        for token in tokens if tokens is not None else []:
            tid = int(token.get("id", "0"))
            begin = int(token.findtext("CharacterOffsetBegin", "0"))
            end = int(token.findtext("CharacterOffsetEnd", "0"))
            offsets[(sid, tid)] = (begin, end)
            if token.findtext("NER") == "PERSON":
                run.append((begin, end, token.findtext("word", "")))
                continue
            _close_run(people, run)
            run = []
        _close_run(people, run)
    for chain in root.iter("coreference"):
        spans = []
        for mention in chain.findall("mention"):
            sid = int(mention.findtext("sentence", "0"))
            first = offsets.get((sid, int(mention.findtext("start", "0"))))
            last = offsets.get((sid, int(mention.findtext("end", "0")) - 1))
            if first and last:
                spans.append((first[0], last[1]))
        if spans:
            people.chains.append(spans)
    return people


def _close_run(people: ArticlePeople, run: list[tuple[int, int, str]]) -> None:
    if run:
        tokens = name_tokens(" ".join(w for _, _, w in run))
        if tokens:
            people.names.append((run[0][0], run[-1][1], tokens))


def gold_person(people: ArticlePeople, text: str, source: tuple[int, int]) -> list[str] | None:
    """The full name (tokens) of the person the gold source names, or None when it is not one person."""
    tokens = people.head_name(text, *source)
    if not tokens:
        if text[source[0]:source[1]].strip().lower() not in PRONOUNS:
            return None
        return _chain_person(people, text, source)
    return _full_name(people, text, tokens, source)


def _chain(people: ArticlePeople, source: tuple[int, int]) -> list[tuple[int, int]]:
    for chain in people.chains:
        if any(s <= source[0] and source[1] <= e for s, e in chain):
            return chain
    return []


def _chain_person(people: ArticlePeople, text: str, source: tuple[int, int]) -> list[str] | None:
    """A pronoun's person through the corpus's coreference chain; None when the chain names no one person."""
    persons = set()
    for s, e in _chain(people, source):
        head = people.head_name(text, s, e)
        if head:
            persons.add(tuple(_full_name(people, text, head, (s, e))))
    full = {p for p in persons if len(p) >= 2}
    if len(full) == 1:
        return list(full.pop())
    if not full and len(persons) == 1:
        return list(persons.pop())
    return None


def _full_name(people: ArticlePeople, text: str, tokens: list[str], source: tuple[int, int]) -> list[str]:
    """A surname to the article's one full name containing it; with several, the coreference chain's or
    else the nearest one before it."""
    if len(tokens) >= 2:
        return tokens
    word = tokens[0]
    candidates = [full for full in people.full_names() if word in full]
    if len(candidates) <= 1:
        return candidates[0] if candidates else tokens
    in_chain = {tuple(toks) for s, e in _chain(people, source) for toks in people.names_in(s, e) if len(toks) >= 2}
    chained = [c for c in candidates if tuple(c) in in_chain]
    if len(chained) == 1:
        return chained[0]
    before = [(s, toks) for s, _e, toks in people.names if s < source[0] and len(toks) >= 2 and word in toks]
    return max(before)[1] if before else tokens


def same_person(predicted: str | None, gold: list[str], people: ArticlePeople) -> bool:
    """The predicted canonical name is the gold person: first and last name agree; a bare surname only when
    no other person of the article has it."""
    if not predicted:
        return False
    tokens = name_tokens(predicted)
    if not tokens:
        return False
    if len(gold) < 2 or len(tokens) < 2:
        if tokens[-1] != gold[-1]:
            return False
        sharing = {tuple(full) for full in people.full_names() if gold[-1] in full}
        return len(sharing) <= 1
    return tokens[-1] == gold[-1] and tokens[0] == gold[0]


@dataclass
class Tally:
    lenient_right: int = 0
    lenient_total: int = 0
    strict_right: int = 0
    strict_total: int = 0  # gold sources that are one person of the article
    errors: list[dict[str, Any]] = field(default_factory=list)  # strict misses
    lenient_errors: list[dict[str, Any]] = field(default_factory=list)


def score(split: str, pred_path: str) -> Tally:
    """Lenient and strict speaker accuracy over the gold direct quotes that a predicted quote matches."""
    if split in RESERVED_SPLITS:
        raise SystemExit(f"the {split} split is reserved for release checks")
    scorer = load_shared_scorer()
    preds: dict[str, dict[str, Any]] = {}
    with open(pred_path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                preds[row["id"]] = row
    tally = Tally()
    for stem, text, gold, _date in scorer.articles(split):
        predicted = [q for q in preds.get(stem, {}).get("quotes", []) if q.get("direct", True)]
        people: ArticlePeople | None = None
        for g in gold:
            content = text[g["content"][0]:g["content"][1]]
            if g["source"] is None or not any(ch in content for ch in scorer.QUOTE_CHARS):
                continue
            cands = [q for q in predicted if scorer.overlap((q["start"], q["end"]), g["content"]) >= MATCH_OVERLAP]
            if not cands:
                continue
            q = max(cands, key=lambda q: scorer.overlap((q["start"], q["end"]), g["content"]))
            source = g["source"]
            lenient = _lenient(scorer, q, source, text)
            tally.lenient_total += 1
            tally.lenient_right += lenient
            if not lenient:
                tally.lenient_errors.append({"id": stem, "at": q["start"], "quote": text[q["start"]:q["end"]][:70],
                                             "gold_source": text[source[0]:source[1]],
                                             "predicted": q.get("speaker"), "predicted_text": q.get("speaker_text")})
            if people is None:
                people = read_people(scorer, split, stem)
            person = gold_person(people, text, source)
            if person is None:
                continue
            tally.strict_total += 1
            right = same_person(q.get("speaker"), person, people)
            tally.strict_right += right
            if not right:
                tally.errors.append({"id": stem, "at": q["start"], "quote": text[q["start"]:q["end"]][:70],
                                     "gold_source": text[source[0]:source[1]], "gold_person": " ".join(person),
                                     "predicted": q.get("speaker"), "predicted_text": q.get("speaker_text"),
                                     "lenient": lenient})
    return tally


def _lenient(scorer: ModuleType, q: dict[str, Any], source: tuple[int, int], text: str) -> bool:
    if q.get("speaker_start") is not None and q.get("speaker_end") is not None:
        if scorer.overlap((q["speaker_start"], q["speaker_end"]), source) > 0:
            return True
    return bool(q.get("speaker")) and bool(scorer.toks(q["speaker"]) & scorer.toks(text[source[0]:source[1]]))


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    split, pred_path = argv[0], argv[1]
    show_errors = int(argv[argv.index("--errors") + 1]) if "--errors" in argv else 0
    show_lenient = int(argv[argv.index("--lenient-errors") + 1]) if "--lenient-errors" in argv else 0
    tally = score(split, pred_path)
    for error in tally.lenient_errors[:show_lenient] + tally.errors[:show_errors]:
        print(json.dumps(error, ensure_ascii=False))
    print(json.dumps({
        "split": split,
        "lenient_speaker_acc": round(tally.lenient_right / tally.lenient_total, 3) if tally.lenient_total else 0.0,
        "lenient_n": tally.lenient_total,
        "strict_speaker_acc": round(tally.strict_right / tally.strict_total, 3) if tally.strict_total else 0.0,
        "strict_n": tally.strict_total,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
