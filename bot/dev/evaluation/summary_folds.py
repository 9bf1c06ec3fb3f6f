"""Cross-validated summary weights: the margin over Lead-3 that a weighting chosen without an article scores on it.

The articles of a split are dealt into five folds (article i goes to fold i % 5). For each fold, every weighting of
`WEIGHT_GRID` is scored on the other four folds, the best one is kept, and its ROUGE-1 margin over Lead-3 is
reported on the fold it never saw. The weights diplobot ships are scored on each fold beside it.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.analysis import summary
from bot.analysis.actors import extract_actors
from bot.analysis.dates.spans import extract_dates
from bot.analysis.deadlines import extract_deadlines
from bot.analysis.quotes.attribution import extract_quotes
from bot.dev.evaluation.labelled_sets import import_scorer

if TYPE_CHECKING:
    from spacy.language import Language

FOLDS = 5
# The weights `summary.summarize` mixes, each at a few values around the shipped ones.
WEIGHT_GRID: dict[str, tuple[float, ...]] = {
    "position_decay": (0.5, 1.0),
    "centrality_weight": (0.25, 0.5, 1.0),
    "length_weight": (0.0, 0.4),
    "facts_weight": (0.0, 0.15),
}
SHIPPED = {"position_decay": 0.5, "centrality_weight": 0.5, "length_weight": 0.4, "facts_weight": 0.15}


@dataclass(frozen=True)
class Margins:
    """ROUGE-1 F margin over Lead-3 (points), per article in split order, for one weighting."""

    weights: Mapping[str, float]
    per_article: Sequence[float]


def weightings() -> list[dict[str, float]]:
    names = list(WEIGHT_GRID)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*WEIGHT_GRID.values())]


def fold_of(index: int) -> int:
    return index % FOLDS


def cross_validate(margins: Sequence[Margins]) -> dict[str, Any]:
    """Per fold: the weighting best on the other folds, and its mean margin on this one; the shipped weighting's."""
    count = len(margins[0].per_article)
    folds = [[i for i in range(count) if fold_of(i) == k] for k in range(FOLDS)]
    shipped = next((m for m in margins if dict(m.weights) == SHIPPED), None)
    rows: list[dict[str, Any]] = []
    for k, held in enumerate(folds):
        if not held:
            continue
        seen = [i for i in range(count) if fold_of(i) != k]
        best = max(margins, key=lambda m: statistics.mean(m.per_article[i] for i in seen))
        row: dict[str, Any] = {"fold": k, "articles": len(held), "chosen": dict(best.weights),
                               "held-out rouge1 - lead3": round(statistics.mean(best.per_article[i] for i in held), 2)}
        if shipped is not None:
            row["shipped rouge1 - lead3"] = round(statistics.mean(shipped.per_article[i] for i in held), 2)
        rows.append(row)
    held_out = [m for row in rows for m in [row["held-out rouge1 - lead3"]] * row["articles"]]
    return {"folds": rows, "held-out rouge1 - lead3 (all articles)": round(statistics.mean(held_out), 2)}


def weighting_margins(nlp: Language, scorer: Path, split: str) -> list[Margins]:
    """Every weighting's per-article margin over Lead-3 on the split (each article parsed and analysed once)."""
    from rouge_score import rouge_scorer

    shared = import_scorer(scorer, "shared_summaries_folds")
    rows = list(shared.data(split))
    texts = ["\n".join(shared.detok(s) for s in shared.split_sents(source)) for _, source, _ in rows]
    rouge = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    golds = ["\n".join(shared.ref_sents(reference)) for _, _, reference in rows]
    leads = [100 * rouge.score(gold, "\n".join(shared.detok(s) for s in shared.split_sents(source)[:3]))[
        "rouge1"].fmeasure for gold, (_, source, _) in zip(golds, rows, strict=True)]
    analysed = []
    for doc in nlp.pipe(texts):
        found_actors = extract_actors(doc)
        found_quotes = extract_quotes(doc, found_actors)
        found_deadlines = extract_deadlines(doc, extract_dates(doc, None), found_actors, None)
        analysed.append((doc, found_actors, found_quotes, found_deadlines))
    margins: list[Margins] = []
    for weights in weightings():
        per_article = []
        for (doc, found_actors, found_quotes, found_deadlines), gold, lead in zip(analysed, golds, leads, strict=True):
            sentences = summary.summarize(
                doc, found_actors, found_quotes, found_deadlines, count=3, position_weight=1.0,
                position_decay=weights["position_decay"], centrality_weight=weights["centrality_weight"],
                length_weight=weights["length_weight"], facts_weight=weights["facts_weight"])
            per_article.append(100 * rouge.score(gold, "\n".join(sentences))["rouge1"].fmeasure - lead)
        margins.append(Margins(weights, per_article))
    return margins
