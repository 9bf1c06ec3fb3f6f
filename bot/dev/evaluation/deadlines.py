"""Deadline precision, recall and due-date accuracy: on real news sentences, and on our invented set.

The real set, eval/deadlines_real.jsonl, holds no text: each line names a PolNeAR article (train or dev split),
one sentence of it by character offsets, and the deadlines a reader finds there (offsets, `due`, `kind`), or
none for a look-alike ("until" clauses, "by" agents, past events, forecasts). The article text is read from the
PolNeAR snapshot (POLNEAR_GIT) and analysed whole; predicted date and duration deadlines that start inside a
labelled sentence are scored. Sentences fall into five folds by article; folds 0-3 are for tuning, fold 4 is
only measured. Labelling rules: a deadline binds a party to an act by a point in time (must, ordered, due,
has until, pledged, target, plan of the party itself, "the deadline is", "expires on" for laws and programs);
not deadlines: forecasts and possibilities, schedules ("will not vote until June"), open "until" clauses,
deadlines already past when the article was published, and vague ones with no due point ("within weeks").

The invented set, eval/deadlines.jsonl:

Each line is an invented sentence or two with its `published` date and the gold `deadlines` (text, offsets,
due, kind, action, actor); traps (past events, agents, scheduled meetings) carry none. Lines of split "dev"
were used while writing the rules; lines of split "fresh" were written afterwards and only measured. A predicted deadline
is right when its span overlaps a gold one; due accuracy counts matched pairs with the same `due`; an action
is right when it shares half its words with the gold one; actor accuracy counts gold actors named exactly.
Run: `python -m bot.dev.evaluation.deadlines` (add `--model NAME`, `--show` to list the misses).
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

from bot.dev.evaluation.labelled_sets import labelled_set_path

if TYPE_CHECKING:
    from spacy.language import Language

LABELLED_SET = labelled_set_path("deadlines.jsonl")
REAL_SET = labelled_set_path("deadlines_real.jsonl")
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
    matched = due_ok = kind_ok = actor_ok = actor_total = action_ok = action_total = 0
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
        due_accuracy=round(due_ok / matched, 3) if matched else 0.0,
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


def real_predictions(nlp: Language, rows: Sequence[Mapping[str, Any]], git_dir: str
                     ) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """Predicted date/duration deadlines and conditions inside each labelled sentence, keyed by sentence."""
    from bot.analysis.pipeline import ArticleText, analyze_texts

    doc_ids = sorted({(r["split"], r["doc"]) for r in rows})
    texts = [polnear_article(git_dir, split, doc) for split, doc in doc_ids]
    analyses = dict(zip(doc_ids, analyze_texts(nlp, [ArticleText(text=t, published=p) for t, p in texts]),
                        strict=True))
    deadlines: dict[str, list[dict[str, Any]]] = {}
    conditions: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        key = sentence_key(row)
        inside = [asdict(d) for d in analyses[(row["split"], row["doc"])].deadlines
                  if row["start"] <= d.start < row["end"]]
        deadlines[key] = [d for d in inside if d["kind"] != "condition"]
        conditions[key] = [d for d in inside if d["kind"] == "condition"]
    return deadlines, conditions


def sentence_key(row: Mapping[str, Any]) -> str:
    return f"{row['doc']}@{row['start']}"


def evaluate_real_set(nlp: Language, git_dir: str, path: Path = REAL_SET) -> dict[str, Any]:
    """P/R/F1, due accuracy and readable acts on the real sentences: all, the tuning folds, the check fold,
    and each fold, with how many conditions were shown on sentences that state no deadline."""
    rows = load_labelled(path)
    predicted, conditions = real_predictions(nlp, rows, git_dir)

    def scores(part: list[dict[str, Any]]) -> dict[str, Any]:
        keys = [sentence_key(r) for r in part]
        gold = {sentence_key(r): r["deadlines"] for r in part}
        result = asdict(score_deadlines({k: predicted[k] for k in keys}, gold))
        matched = [p for k in keys for p in predicted[k] if any(_overlap(p, g) > 0 for g in gold[k])]
        result["readable_action"] = round(sum(readable_action(p["action"], nlp) for p in matched) / len(matched), 3
                                          ) if matched else 0.0
        result["sentences"] = len(part)
        result["conditions_shown"] = sum(len(conditions[k]) for k in keys)
        return result

    result: dict[str, Any] = {"set": path.name, "all": scores(rows)}
    result["tune (folds 0-3)"] = scores([r for r in rows if fold_of(r["doc"]) != CHECK_FOLD])
    result["check (fold 4)"] = scores([r for r in rows if fold_of(r["doc"]) == CHECK_FOLD])
    result["folds"] = [{k: v for k, v in scores([r for r in rows if fold_of(r["doc"]) == f]).items()
                        if k in ("precision", "recall", "f1", "due_accuracy", "gold", "predicted")}
                       for f in range(FOLDS)]
    return result


def real_misses(nlp: Language, git_dir: str, path: Path = REAL_SET) -> Iterable[str]:
    """The tuning folds' sentences where the predicted deadlines or their due points differ from the labels."""
    rows = [r for r in load_labelled(path) if fold_of(r["doc"]) != CHECK_FOLD]
    predicted, conditions = real_predictions(nlp, rows, git_dir)
    for row in rows:
        key = sentence_key(row)
        text, _ = polnear_article(git_dir, row["split"], row["doc"])
        got = [(text[d["start"]:d["end"]], d["due"], d["kind"], d["action"], d["actor"]) for d in predicted[key]]
        want = [(text[d["start"]:d["end"]], d["due"], d["kind"]) for d in row["deadlines"]]
        shown = [(text[d["start"]:d["end"]], d["action"]) for d in conditions[key]]
        if [g[1] for g in got] != [w[1] for w in want] or shown:
            yield (f"{key} ({row['split']}): {text[row['start']:row['end']]}\n   want {want}\n   got  {got}"
                   + (f"\n   conditions {shown}" if shown else ""))


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
        git_dir = os.environ.get("POLNEAR_GIT")
        if not git_dir:
            raise SystemExit("set POLNEAR_GIT to the PolNeAR snapshot's git directory (see ../shared/EVAL.md)")
        if args.show:
            for line in real_misses(nlp, git_dir):
                print(line)
        print(json.dumps(evaluate_real_set(nlp, git_dir)))
        return
    if args.show:
        for line in _misses(nlp, args.set):
            print(line)
    print(json.dumps(evaluate_labelled_set(nlp, args.set)))


if __name__ == "__main__":
    main()
