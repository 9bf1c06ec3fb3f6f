"""TIMEX3 figures by document fold: each TempEval-3 tuning document falls in one of five folds by its id.

The normaliser is a set of rules, so a fold is not trained on; what the folds give is a check on tuning: errors
are read on folds 0-3 only, and fold 4 (never read) shows whether a change holds on documents it was not made
for. Each fold is scored the way the shared scorer (`eval/timex.py`) scores a whole set: a gold expression is
found when a predicted span overlaps it, and its value is right when the first overlapping prediction has the
gold value; value F1 = value accuracy x relaxed (extent) F1.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from bot.dev.evaluation.labelled_sets import import_scorer

FOLDS = 5
CHECK_FOLD = 4

# (start, end, type, value) of a gold TIMEX3, as the shared scorer parses it.
Gold = tuple[int, int, str | None, str | None]


def fold_of(doc_id: str) -> int:
    """The fold of a document, fixed by its id (stable across runs and machines)."""
    return zlib.crc32(doc_id.encode("utf-8")) % FOLDS


@dataclass
class Tally:
    """Counts behind the scorer's figures, summable over documents."""

    documents: int = 0
    system: int = 0
    gold: int = 0
    strict: int = 0
    found: int = 0
    right: int = 0

    def add(self, other: Tally) -> None:
        self.documents += other.documents
        self.system += other.system
        self.gold += other.gold
        self.strict += other.strict
        self.found += other.found
        self.right += other.right

    def figures(self) -> dict[str, Any]:
        strict, relaxed = self._f1(self.strict), self._f1(self.found)
        accuracy = self.right / max(self.found, 1)
        return {"docs": self.documents, "gold": self.gold, "system": self.system, "strict_F1": round(100 * strict, 1),
                "extent_F1": round(100 * relaxed, 1), "value_acc": round(100 * accuracy, 1),
                "value_F1": round(100 * accuracy * relaxed, 1)}

    def _f1(self, hits: int) -> float:
        precision, recall = hits / max(self.system, 1), hits / max(self.gold, 1)
        return 2 * precision * recall / max(precision + recall, 1e-9)


def tally_document(predicted: list[dict[str, Any]], gold: Iterable[Gold]) -> Tally:
    """One document's counts: predicted dates (contract form) against its gold expressions."""
    tally = Tally(documents=1, system=len(predicted))
    for start, end, _, value in gold:
        tally.gold += 1
        tally.strict += any(p["start"] == start and p["end"] == end for p in predicted)
        overlapping = [p for p in predicted if p["start"] < end and start < p["end"]]
        if overlapping:
            tally.found += 1
            tally.right += str(overlapping[0].get("value")) == str(value)
    return tally


def fold_report(tallies: dict[str, dict[str, Tally]]) -> dict[str, Any]:
    """Per fold, the tuning folds (0-3), the check fold and all documents, pooled over the sets and per set.

    `tallies` maps a set name to its documents' tallies by document id.
    """
    folds = [Tally() for _ in range(FOLDS)]
    per_set: dict[str, list[Tally]] = {name: [Tally() for _ in range(FOLDS)] for name in tallies}
    for name, documents in tallies.items():
        for doc_id, tally in documents.items():
            folds[fold_of(doc_id)].add(tally)
            per_set[name][fold_of(doc_id)].add(tally)

    def pooled(parts: Iterable[Tally]) -> Tally:
        total = Tally()
        for part in parts:
            total.add(part)
        return total

    tune = [f for f in range(FOLDS) if f != CHECK_FOLD]
    report: dict[str, Any] = {
        "folds": [{"fold": f, **folds[f].figures(),
                   **{f"{name} value_F1": per_set[name][f].figures()["value_F1"] for name in tallies}}
                  for f in range(FOLDS)],
        f"tune (folds {','.join(map(str, tune))})": pooled(folds[f] for f in tune).figures(),
        f"check (fold {CHECK_FOLD})": folds[CHECK_FOLD].figures(),
        "pooled": pooled(folds).figures(),
    }
    for name, parts in per_set.items():
        report[f"{name} check (fold {CHECK_FOLD})"] = parts[CHECK_FOLD].figures()
    return report


def load_scorer(scorer: Path) -> ModuleType:
    """The shared scorer as a module, for its reading of the gold documents (it needs TE3_GIT set)."""
    return import_scorer(scorer, "shared_timex_scorer")


def tally_predictions(scorer: ModuleType, split: str, predicted: Path) -> dict[str, Tally]:
    """Each document of `split` scored against the predictions file written by `diplobot analyze`."""
    dates: dict[str, list[dict[str, Any]]] = {}
    with predicted.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                dates[str(row["id"])] = row.get("dates") or []
    return {doc_id: tally_document(dates.get(doc_id, []), gold) for doc_id, (_, _, gold) in scorer.docs(split)}
