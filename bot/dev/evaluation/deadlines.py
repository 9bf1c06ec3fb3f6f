"""Deadline precision, recall and due-date accuracy: on real news sentences, and on our invented set.

Two real sets hold no text: each line names an article (`corpus` polnear: a PolNeAR train or dev article;
ecb: an ECB+ topic 1-35 article as the shared scorer exports it, with the date it gives each topic), one
sentence of it by character offsets, and the deadlines a reader finds there (offsets of the due expression,
`due`, `kind`, and in the second set `act_start`/`act_end` for the act), or none for a look-alike. The article
text is read from the snapshots (POLNEAR_GIT, ECB_GIT) and analysed whole; predicted date and duration deadlines
that start inside a labelled sentence are scored.

- eval/deadlines_real.jsonl: 263 PolNeAR sentences; its errors were read while the rules were written.
- eval/deadlines_real_fresh.jsonl: 739 sentences from articles not in the first set (276 PolNeAR, 463 ECB+),
  found by a filter that ignores the product's rules (a deadline word - by, until, till, within, before, due,
  deadline, no later than, expires - followed within 60 characters by a date or duration word, or "deadline",
  "expir-", "no later than", "in time for" anywhere) and labelled before the product was run on them. Its first
  score is the held-out figure; its fold 4 is never listed by --show.
- eval/deadlines_real_fresh2.jsonl: 97 sentences, every hit of a wider filter of the same kind (the cue followed by
  a date word, weekday, season, "next", "this", "the end", a year or a unit, or "ultimatum" anywhere) in the articles
  neither set had used (71 from 57 PolNeAR train/dev articles, 26 from ECB+ topics 1-35), labelled before the
  product ran on them. The articles with many cue sentences were already taken: all 97 are look-alikes, so this set
  measures false deadlines only (its `predicted` is the count of them).

Sentences fall into five folds, by article (PolNeAR) or by topic (ECB+, whose articles retell one event);
folds 0-3 are for tuning, fold 4 is only measured.

Labelling guideline (the fresh set; the first set follows the same rules). A deadline binds a party to an act
by a point in time or within a duration: "must respond by July 26", "ordered to be transferred within 10 days",
"gave him a May 10 deadline", "Sunday's deadline to declare", "the goal is passage by Friday", a party's own
stated aim or plan with a due point ("aiming to get it into production by the fall", "hopes to pass it by the
end of the week", "determined to defeat it before the end of the year"), a court date binding a defendant ("is
due in court Feb. 17", "due to enter his plea in September"). Not deadlines: forecasts and expectations, also
a company's about its own repairs ("should be back to normal by Dec. 31", "expects repairs by early next
week", "expected to be charged by noon Friday"); hopes or advice of third parties ("I hope Microsoft produces a
patch within a few days"); predictions and questions ("will throw his support behind her before the
convention, predicted X"); open "until" conditions ("until further notice", "until their concerns are
addressed"); schedules of events ("due to meet the Steelers on Sunday", "updates are due Jan. 13", "take
effect in 30 days"); possibilities ("can clinch the nomination before the convention"); negated plans ("no
plans to endorse before March"); vague due points ("within the next few days", "in time for this school year").
Past deadlines: a deadline whose due point lies before the article's date, or which the sentence reports as
met, missed or over ("had to file by July 31" in a December article, "barely making the deadline", "was due to
appear today but didn't"), is a look-alike; one reported in the past tense but still ahead ("the judge gave him
until May 10", "urging them to pass it by Friday") is a deadline. ECB+ dates are the scorer's (its topics
are dated 2026, three days apart), so month-day and weekday due points are resolved forward from them; a due
point anchored to another date than the article's ("within 60 days" of a signing) is labelled `due: null` and
left out of due accuracy.

The invented set, eval/deadlines.jsonl:

Each line is an invented sentence or two with its `published` date and the gold `deadlines` (text, offsets,
due, kind, action, actor); traps (past events, agents, scheduled meetings) carry none. Lines of split "dev"
were used while writing the rules; lines of split "fresh" were written afterwards and only measured. A predicted deadline
is right when its span overlaps a gold one; due accuracy counts matched pairs with the same `due`; an action
is right when it shares half its words with the gold one; actor accuracy counts gold actors named exactly.
Run: `python -m bot.dev.evaluation.deadlines` (add `--model NAME`, `--show` to list the misses); the real sets:
`--real` with POLNEAR_GIT and ECB_GIT set (the ECB+ export uses DIPLOBOT_SHARED/eval/ecb_grouping.py).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import subprocess
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.dev.evaluation.labelled_sets import labelled_set_path, shared_eval_dir

if TYPE_CHECKING:
    from spacy.language import Language

LABELLED_SET = labelled_set_path("deadlines.jsonl")
REAL_SET = labelled_set_path("deadlines_real.jsonl")
FRESH_SET = labelled_set_path("deadlines_real_fresh.jsonl")
LOOKALIKE_SET = labelled_set_path("deadlines_real_fresh2.jsonl")
REAL_SETS = (REAL_SET, FRESH_SET, LOOKALIKE_SET)
ECB_TOPICS = "1-35"  # topics 36-45 are reserved for release checks: never read here
FOLDS = 5
CHECK_FOLD = 4


@dataclass(frozen=True)
class DeadlineScores:
    precision: float
    recall: float
    f1: float
    due_accuracy: float
    kind_accuracy: float
    actor_accuracy: float
    action_accuracy: float
    matched: int
    predicted: int
    gold: int


def score_deadlines(predictions: Mapping[str, Sequence[Mapping[str, Any]]],
                    gold: Mapping[str, Sequence[Mapping[str, Any]]]) -> DeadlineScores:
    """Span-overlap precision and recall, and due/kind/actor accuracy over the matched pairs.

    Args:
        predictions: deadlines per text id, each with `start`, `end`, `due`, `kind` (and `actor`).
        gold: the labelled deadlines per text id, same fields.
    """
    matched = due_ok = due_total = kind_ok = actor_ok = actor_total = action_ok = action_total = 0
    n_pred = sum(len(v) for v in predictions.values())
    n_gold = sum(len(v) for v in gold.values())
    for text_id, gold_items in gold.items():
        free = list(predictions.get(text_id, []))
        for item in gold_items:
            best = max(free, key=lambda p: _overlap(p, item), default=None)
            if best is None or _overlap(best, item) <= 0:
                continue
            free.remove(best)
            matched += 1
            if item.get("due") is not None or "due" not in item:
                due_total += 1
                due_ok += best.get("due") == item.get("due")
            kind_ok += best.get("kind") == item.get("kind")
            if item.get("actor"):
                actor_total += 1
                actor_ok += best.get("actor") == item.get("actor")
            if item.get("action"):
                action_total += 1
                action_ok += _same_words(best.get("action"), item["action"])
    precision = matched / n_pred if n_pred else 0.0
    recall = matched / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return DeadlineScores(
        precision=round(precision, 3), recall=round(recall, 3), f1=round(f1, 3),
        due_accuracy=round(due_ok / due_total, 3) if due_total else 0.0,
        kind_accuracy=round(kind_ok / matched, 3) if matched else 0.0,
        actor_accuracy=round(actor_ok / actor_total, 3) if actor_total else 0.0,
        action_accuracy=round(action_ok / action_total, 3) if action_total else 0.0,
        matched=matched, predicted=n_pred, gold=n_gold,
    )


def _same_words(predicted: str | None, gold: str) -> bool:
    """An action is right when it shares at least half of the words of the two (Jaccard ≥ 0.5)."""
    if not predicted:
        return False
    a, b = set(predicted.lower().split()), set(gold.lower().split())
    return len(a & b) / len(a | b) >= 0.5


def _overlap(a: Mapping[str, Any], b: Mapping[str, Any]) -> int:
    return int(min(a["end"], b["end"]) - max(a["start"], b["start"]))


def load_labelled(path: Path = LABELLED_SET) -> list[dict[str, Any]]:
    """The labelled lines, with a clear error naming the line that is broken."""
    rows = []
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
    return rows


def predict(nlp: Language, rows: Iterable[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The analysis pipeline's deadlines for each labelled text."""
    from bot.analysis.pipeline import ArticleText, analyze_texts

    rows = list(rows)
    articles = [ArticleText(text=r["text"], published=date.fromisoformat(r["published"]) if r.get("published")
                            else None) for r in rows]
    return {
        row["id"]: [asdict(d) for d in analysis.deadlines]
        for row, analysis in zip(rows, analyze_texts(nlp, articles), strict=True)
    }


def evaluate_labelled_set(nlp: Language, path: Path = LABELLED_SET) -> dict[str, Any]:
    """Scores of the pipeline on the labelled set, as a plain dict for printing."""
    rows = load_labelled(path)
    predicted = predict(nlp, rows)
    result: dict[str, Any] = {"set": path.name, "texts": len(rows),
                              **asdict(score_deadlines(predicted, {r["id"]: r["deadlines"] for r in rows}))}
    for split in sorted({r.get("split", "dev") for r in rows}):
        part = [r for r in rows if r.get("split", "dev") == split]
        scores = score_deadlines({r["id"]: predicted[r["id"]] for r in part}, {r["id"]: r["deadlines"] for r in part})
        result[split] = {"texts": len(part), **asdict(scores)}
    return result


def fold_of(doc_id: str) -> int:
    """The fold of an article (all sentences of one article share it), stable across runs."""
    return zlib.crc32(doc_id.encode("utf-8")) % FOLDS


# Nouns that name an act ("the EPA's decision", "the denuclearisation of North Korea"): readable as what is due.
EVENT_NOUN = re.compile(r"(?:tion|sion|ment|ance|ence|ure|sis|al|(?<!th)ing|ery|ade)s?$")
LIGHT_VERBS = {"be", "is", "are", "was", "were", "been", "being", "have", "has", "had", "do", "does", "did"}


def readable_action(action: str | None, nlp: Language) -> bool:
    """An act a reader understands on its own: a verb phrase or clause with a content verb ('complete the
    denuclearisation of North Korea', 'withdraw troops from Syria', 'Voters must register') or a noun naming an
    act ('the EPA's decision'); 2 to 14 words; never 'be', a bare noun ('the last one'), a fragment that starts
    or ends on a function word ('to the', 'that it raised more in'), or unbalanced brackets and quotes."""
    if not action:
        return False
    words = action.split()
    if not 2 <= len(words) <= 14 or action.count("(") != action.count(")") or action.count('"') % 2:
        return False
    doc = nlp(action)
    first, last = doc[0], doc[-1]
    if first.pos_ in ("ADP", "SCONJ", "CCONJ", "PART", "PUNCT", "AUX") or first.tag_ in ("WDT", "WP", "WP$"):
        return False
    if last.pos_ in ("ADP", "DET", "CCONJ", "SCONJ", "PART", "AUX", "PRON") and last.lower_ not in ("it", "them"):
        return False
    if last.is_punct or first.lower_ in LIGHT_VERBS:
        return False
    if any(t.pos_ == "VERB" and t.lower_ not in LIGHT_VERBS for t in doc):
        return True
    as_instruction = nlp("They will " + action)
    if as_instruction[2].pos_ == "VERB" and as_instruction[2].lower_ not in LIGHT_VERBS:
        return True  # "complete denuclearisation", read as a verb where a noun reading was also possible
    return any(t.dep_ == "ROOT" and t.pos_ == "NOUN" and EVENT_NOUN.search(t.lower_) for t in doc)


def polnear_article(git_dir: str, split: str, doc_id: str) -> tuple[str, date | None]:
    """The text and publication date of one PolNeAR article, read from the snapshot's git directory."""
    def show(path: str) -> str:
        return subprocess.run(["git", "--git-dir", git_dir, "show", f"HEAD:{path}"], check=True,
                              capture_output=True).stdout.decode("utf-8")

    text = show(f"data/{split}/text/{doc_id}.txt")
    published = None
    for row in csv.DictReader(io.StringIO(show("data/metadata.tsv")), delimiter="\t"):
        if row.get("filename") == doc_id and row.get("publication_date"):
            published = date.fromisoformat(row["publication_date"][:10])
    return text, published


def ecb_articles(scorer: Path, ecb_git: str) -> dict[str, tuple[str, date | None]]:
    """ECB+ topics 1-35 as the shared scorer exports them (text and the date it gives each topic), by id."""
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "ecb.jsonl"
        subprocess.run([sys.executable, str(scorer), "export", "--topics", ECB_TOPICS, str(out)], check=True,
                       capture_output=True, env={**os.environ, "ECB_GIT": ecb_git})
        articles = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line]
    return {a["id"]: (a["text"], date.fromisoformat(a["published"][:10]) if a.get("published") else None)
            for a in articles}


@dataclass(frozen=True)
class Snapshots:
    """Where the real sentences' articles are read from: the PolNeAR git directory, and for ECB+ the shared
    scorer that exports topics 1-35 from ECB_GIT (None when that corpus is not at hand)."""
    polnear_git: str
    ecb_git: str | None = None
    ecb_scorer: Path | None = None

    @classmethod
    def from_environment(cls) -> Snapshots:
        polnear = os.environ.get("POLNEAR_GIT")
        if not polnear:
            raise SystemExit("set POLNEAR_GIT to the PolNeAR snapshot's git directory (see ../shared/EVAL.md)")
        scorer = shared_eval_dir() / "ecb_grouping.py"
        return cls(polnear, os.environ.get("ECB_GIT"), scorer if scorer.is_file() else None)


def article_texts(rows: Sequence[Mapping[str, Any]], snapshots: Snapshots
                  ) -> dict[tuple[str, str], tuple[str, date | None]]:
    """The text and date of every article the rows name, keyed by (corpus, doc)."""
    texts: dict[tuple[str, str], tuple[str, date | None]] = {}
    for corpus, split, doc in sorted({(r["corpus"], r["split"], r["doc"]) for r in rows if r["corpus"] == "polnear"}):
        texts[(corpus, doc)] = polnear_article(snapshots.polnear_git, split, doc)
    if any(r["corpus"] == "ecb" for r in rows):
        if not (snapshots.ecb_git and snapshots.ecb_scorer):
            raise SystemExit("set ECB_GIT (and DIPLOBOT_SHARED if ../shared is elsewhere) for the ECB+ sentences")
        for doc, article in ecb_articles(snapshots.ecb_scorer, snapshots.ecb_git).items():
            texts[("ecb", doc)] = article
    return texts


def real_predictions(nlp: Language, rows: Sequence[Mapping[str, Any]],
                     texts: Mapping[tuple[str, str], tuple[str, date | None]]
                     ) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """Predicted date/duration deadlines and conditions inside each labelled sentence, keyed by sentence."""
    from bot.analysis.pipeline import ArticleText, analyze_texts

    keys = sorted({(r["corpus"], r["doc"]) for r in rows})
    analyses = dict(zip(keys, analyze_texts(nlp, [ArticleText(text=texts[k][0], published=texts[k][1])
                                                  for k in keys]), strict=True))
    deadlines: dict[str, list[dict[str, Any]]] = {}
    conditions: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        key = sentence_key(row)
        inside = [asdict(d) for d in analyses[(row["corpus"], row["doc"])].deadlines
                  if row["start"] <= d.start < row["end"]]
        deadlines[key] = [d for d in inside if d["kind"] != "condition"]
        conditions[key] = [d for d in inside if d["kind"] == "condition"]
    return deadlines, conditions


def sentence_key(row: Mapping[str, Any]) -> str:
    return f"{row['corpus']}:{row['doc']}@{row['start']}"


def row_fold(row: Mapping[str, Any]) -> int:
    """PolNeAR sentences fall into folds by article; ECB+ sentences by topic, whose articles retell one event."""
    if row["corpus"] == "ecb":
        return fold_of("ecb topic " + row["doc"].split("_", 1)[0])
    return fold_of(row["doc"])


def _scores(nlp: Language, part: Sequence[Mapping[str, Any]], predicted: Mapping[str, list[dict[str, Any]]],
            conditions: Mapping[str, list[dict[str, Any]]], texts: Mapping[tuple[str, str], tuple[str, date | None]]
            ) -> dict[str, Any]:
    keys = [sentence_key(r) for r in part]
    gold = {sentence_key(r): r["deadlines"] for r in part}
    result = asdict(score_deadlines({k: predicted[k] for k in keys}, gold))
    matched = [(p, g, r) for r in part for p in predicted[sentence_key(r)] for g in r["deadlines"]
               if _overlap(p, g) > 0]
    result["readable_action"] = round(sum(readable_action(p["action"], nlp) for p, _, _ in matched)
                                      / len(matched), 3) if matched else 0.0
    with_act = [(p, g, r) for p, g, r in matched if "act_start" in g]
    result["act_agrees"] = round(sum(_same_words(p["action"], texts[(r["corpus"], r["doc"])][0][
        g["act_start"]:g["act_end"]]) for p, g, r in with_act) / len(with_act), 3) if with_act else None
    result["sentences"] = len(part)
    result["conditions_shown"] = sum(len(conditions[k]) for k in keys)
    return result


def evaluate_real_set(nlp: Language, snapshots: Snapshots, paths: Sequence[Path] = REAL_SETS) -> dict[str, Any]:
    """P/R/F1, due accuracy and readable acts on the real sentences: each labelled set whole, and the sets
    merged by fold (every fold's figures and the pooled ones), with the conditions shown on the sentences."""
    sets = {path.name: load_labelled(path) for path in paths}
    rows = [r for part in sets.values() for r in part]
    texts = article_texts(rows, snapshots)
    predicted, conditions = real_predictions(nlp, rows, texts)
    result: dict[str, Any] = {name: _scores(nlp, part, predicted, conditions, texts) for name, part in sets.items()}
    wanted = ("precision", "recall", "f1", "due_accuracy", "readable_action", "gold", "predicted")
    result["merged, by fold"] = [{k: v for k, v in _scores(nlp, [r for r in rows if row_fold(r) == f], predicted,
                                                           conditions, texts).items() if k in wanted}
                                 for f in range(FOLDS)]
    result["merged, pooled"] = _scores(nlp, rows, predicted, conditions, texts)
    return result


def real_misses(nlp: Language, snapshots: Snapshots, paths: Sequence[Path] = REAL_SETS) -> Iterable[str]:
    """The tuning folds' sentences where the predicted deadlines or their due points differ from the labels;
    the check fold's are never listed."""
    rows = [r for path in paths for r in load_labelled(path) if row_fold(r) != CHECK_FOLD]
    texts = article_texts(rows, snapshots)
    predicted, conditions = real_predictions(nlp, rows, texts)
    for row in rows:
        key = sentence_key(row)
        text = texts[(row["corpus"], row["doc"])][0]
        got = [(text[d["start"]:d["end"]], d["due"], d["kind"], d["action"], d["actor"]) for d in predicted[key]]
        want = [(text[d["start"]:d["end"]], d["due"], d["kind"],
                 text[d["act_start"]:d["act_end"]] if "act_start" in d else None) for d in row["deadlines"]]
        shown = [(text[d["start"]:d["end"]], d["action"]) for d in conditions[key]]
        if [g[1] for g in got] != [w[1] for w in want] or shown:
            yield (f"{key} ({row['split']}, fold {row_fold(row)}): {text[row['start']:row['end']]}\n   want {want}"
                   f"\n   got  {got}" + (f"\n   conditions {shown}" if shown else ""))


def _misses(nlp: Language, path: Path) -> Iterable[str]:
    rows = load_labelled(path)
    predicted = predict(nlp, rows)
    for row in rows:
        got = [(d["text"], d["due"], d["kind"], d["action"], d["actor"]) for d in predicted[row["id"]]]
        want = [(d["text"], d["due"], d["kind"], d["action"], d["actor"]) for d in row["deadlines"]]
        if [(g[1], g[2]) for g in got] != [(w[1], w[2]) for w in want]:
            yield f"{row['id']}: {row['text']}\n   want {want}\n   got  {got}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="en_core_web_sm")
    parser.add_argument("--set", type=Path, default=LABELLED_SET)
    parser.add_argument("--show", action="store_true", help="list the texts where due or kind differ")
    parser.add_argument("--real", action="store_true",
                        help="score the real PolNeAR sentences (eval/deadlines_real.jsonl, needs POLNEAR_GIT)")
    args = parser.parse_args(argv)
    from bot.analysis.pipeline import load_pipeline

    nlp = load_pipeline(args.model)
    if args.real:
        snapshots = Snapshots.from_environment()
        if args.show:
            for line in real_misses(nlp, snapshots):
                print(line)
        print(json.dumps(evaluate_real_set(nlp, snapshots)))
        return
    if args.show:
        for line in _misses(nlp, args.set):
            print(line)
    print(json.dumps(evaluate_labelled_set(nlp, args.set)))


if __name__ == "__main__":
    main()
