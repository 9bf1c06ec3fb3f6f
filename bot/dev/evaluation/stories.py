"""Pairwise precision and recall of story grouping on our labelled set, eval/stories.jsonl.

Each line is an invented article with its `event`; articles of one event should form one story. A pair of
articles put in one story is right when both tell the same event (precision); a pair telling the same event is
found when they land in one story (recall). Run: `python -m bot.dev.evaluation.stories` (add `--model NAME`).
"""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.dev.evaluation.labelled_sets import labelled_set_path
from bot.domain.grouping import DEFAULT_RULES, ArticleFacts, Rules, group

if TYPE_CHECKING:
    from spacy.language import Language

    from bot.config import Settings

LABELLED_SET = labelled_set_path("stories.jsonl")


@dataclass(frozen=True)
class LabelledArticle:
    id: str
    event: str
    outlet: str
    title: str
    text: str
    published: datetime


@dataclass(frozen=True)
class PairScores:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    gold_pairs: int
    stories: int
    events: int

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 3), "recall": round(self.recall, 3), "f1": round(self.f1, 3),
                "true_pairs": self.true_pairs, "predicted_pairs": self.predicted_pairs,
                "gold_pairs": self.gold_pairs, "stories": self.stories, "events": self.events}


def read_labelled_set(path: Path = LABELLED_SET) -> list[LabelledArticle]:
    """The labelled articles; a broken line is named with its number."""
    articles = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            articles.append(LabelledArticle(row["id"], row["event"], row["outlet"], row["title"], row["text"],
                                            datetime.fromisoformat(row["published"])))
        except (ValueError, KeyError) as exc:
            raise ValueError(f"{path}:{number}: not a labelled article ({exc})") from exc
    return articles


def _pairs(clusters: Iterable[Sequence[Hashable]]) -> set[frozenset[Hashable]]:
    return {frozenset(pair) for cluster in clusters for pair in combinations(cluster, 2)}


def pair_scores(predicted: Sequence[Sequence[Hashable]], gold: dict[Hashable, str]) -> PairScores:
    """Pairwise precision/recall of `predicted` clusters against the `gold` event of each key."""
    events: dict[str, list[Hashable]] = {}
    for key, event in gold.items():
        events.setdefault(event, []).append(key)
    predicted_pairs, gold_pairs = _pairs(predicted), _pairs(events.values())
    true = len(predicted_pairs & gold_pairs)
    precision = true / len(predicted_pairs) if predicted_pairs else 1.0
    recall = true / len(gold_pairs) if gold_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1, true, len(predicted_pairs), len(gold_pairs), len(predicted),
                      len(events))


def labelled_facts(
    nlp: Language, articles: Sequence[LabelledArticle], batch_size: int = 16
) -> list[ArticleFacts]:
    """Analyse the labelled articles (actors) and turn them into grouping facts."""
    from bot.analysis.pipeline import ArticleText, analyze_texts
    from bot.app.stories import article_facts

    texts = (ArticleText(a.text, a.published.date(), a.title) for a in articles)
    return [replace(article_facts(0, a.title, a.text, a.published, analysis, None), key=a.id, source=a.outlet)
            for a, analysis in zip(articles, analyze_texts(nlp, texts, batch_size=batch_size), strict=True)]


def evaluate_facts(facts: Sequence[ArticleFacts], articles: Sequence[LabelledArticle],
                   rules: Rules = DEFAULT_RULES) -> PairScores:
    return pair_scores(group(facts, rules), {a.id: a.event for a in articles})


def evaluate_labelled_set(
    nlp: Language, path: Path = LABELLED_SET, rules: Rules = DEFAULT_RULES
) -> dict[str, Any]:
    """Pairwise scores of grouping on the labelled set, as a dict for `diplobot eval stories`."""
    articles = read_labelled_set(path)
    facts = labelled_facts(nlp, articles)
    scores = evaluate_facts(facts, articles, rules).as_dict()
    # The same grouping reading words alone (no marks, no cost for time within the window), for comparison.
    words_only = replace(rules, mark_weight=0.0, lead_weight=0.0, missing_weight=0.0, penalty_per_day=0.0)
    return {"set": str(path.name), "articles": len(articles), **scores,
            "words_only": evaluate_facts(facts, articles, words_only).as_dict()}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="en_core_web_sm")
    parser.add_argument("--file", type=Path, default=LABELLED_SET)
    options = parser.parse_args(argv)
    from bot.analysis.pipeline import load_pipeline

    print(json.dumps(evaluate_labelled_set(load_pipeline(options.model), options.file)))


if __name__ == "__main__":
    main()


ECB_TUNING_TOPICS = "1-35"  # topics 36-45 are reserved for release checks: never run here


def evaluate_ecb(nlp: Language, settings: Settings, scorer: Path, workdir: Path) -> dict[str, Any]:
    """ECB+ topics 1-35 (real news, two look-alike events per topic) through `diplobot group`'s code into a
    scratch SQLite database, scored by the shared scorer: B-cubed and pairwise figures, look-alike merges, and
    its TF-IDF average-linkage reference."""
    import subprocess
    import sys

    from bot.app.group_stream import run_group_stream
    from bot.storage import Database

    exported, predicted = workdir / "ecb-in.jsonl", workdir / "ecb-out.jsonl"
    subprocess.run([sys.executable, str(scorer), "export", "--topics", ECB_TUNING_TOPICS, str(exported)],
                   check=True, capture_output=True)
    db = Database.connect(f"sqlite:///{workdir / 'ecb.db'}")
    db.upgrade()
    with exported.open(encoding="utf-8") as lines, predicted.open("w", encoding="utf-8") as out:
        run_group_stream(db, settings, nlp, ((f"ecb:{n}", raw) for n, raw in enumerate(lines, 1)), out,
                         io.StringIO())
    scored = subprocess.run([sys.executable, str(scorer), "score", str(exported), str(predicted)], check=True,
                            capture_output=True, text=True)
    result: dict[str, Any] = json.loads(scored.stdout)
    return {"topics": ECB_TUNING_TOPICS, "articles": result["articles"], "product": result["product"],
            "tfidf_reference": {k: result["tfidf"][k] for k in ("b3", "pairwise", "lookalike_rate", "threshold")}}
