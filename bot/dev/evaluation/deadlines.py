"""Deadline precision, recall and due-date accuracy on our labelled set, eval/deadlines.jsonl.

Each line is an invented sentence or two with its `published` date and the gold `deadlines` (text, offsets,
due, kind, action, actor); traps (past events, agents, scheduled meetings) carry none. Lines of split "dev"
were used while writing the rules; lines of split "fresh" were written afterwards and only measured. A predicted deadline
is right when its span overlaps a gold one; due accuracy counts matched pairs with the same `due`; an action
is right when it shares half its words with the gold one; actor accuracy counts gold actors named exactly.
Run: `python -m bot.dev.evaluation.deadlines` (add `--model NAME`, `--show` to list the misses).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

LABELLED_SET = Path(__file__).resolve().parents[3] / "eval" / "deadlines.jsonl"


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
    args = parser.parse_args(argv)
    from bot.analysis.pipeline import load_pipeline

    nlp = load_pipeline(args.model)
    if args.show:
        for line in _misses(nlp, args.set):
            print(line)
    print(json.dumps(evaluate_labelled_set(nlp, args.set)))


if __name__ == "__main__":
    main()
