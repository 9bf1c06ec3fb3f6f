"""What `diplobot eval summaries` adds to the shared scorer: summary sentences no reader wants, and the margin
over Lead-3 on each half of the split (a change that only helps one half is tuned to it, not a method)."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

from bot.analysis.summary import unfit_sentence
from bot.dev.evaluation.labelled_sets import import_scorer


def unfit_counts(predicted: Path) -> dict[str, int]:
    """How many summary sentences in a contract output file open with a dateline, or are a greeting, a
    caption or a fragment; 'sentences' is how many there are in all."""
    counts: Counter[str] = Counter()
    with predicted.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            for sentence in json.loads(line).get("summary", []):
                counts["sentences"] += 1
                problem = unfit_sentence(sentence)
                if problem is not None:
                    counts[problem] += 1
    return {key: counts[key] for key in ("sentences", "dateline", "greeting", "caption", "fragment")}


def half_margins(scorer: Path, split: str, predicted: Path) -> dict[str, Any]:
    """ROUGE-1 F of the summaries minus Lead-3's, on the split's articles in alternate order (two halves)."""
    from rouge_score import rouge_scorer

    shared = import_scorer(scorer, "shared_summaries")
    with predicted.open(encoding="utf-8") as f:
        summaries = {row["id"]: row.get("summary", []) for row in map(json.loads, filter(str.strip, f))}
    rouge = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    margins: list[list[float]] = [[], []]
    for index, (doc_id, source, reference) in enumerate(shared.data(split)):
        gold = "\n".join(shared.ref_sents(reference))
        lead = "\n".join(shared.detok(s) for s in shared.split_sents(source)[:3])
        ours = rouge.score(gold, "\n".join(summaries.get(doc_id, [])))["rouge1"].fmeasure
        margins[index % 2].append(100 * (ours - rouge.score(gold, lead)["rouge1"].fmeasure))
    return {f"half {k + 1} ({len(m)} articles) rouge1 - lead3": round(statistics.mean(m), 2) if m else None
            for k, m in enumerate(margins)}
