"""Pairwise precision and recall of story grouping on our labelled set, eval/stories.jsonl.

Each line is an invented article with its `event`; articles of one event should form one story. A pair of
articles put in one story is right when both tell the same event (precision); a pair telling the same event is
found when they land in one story (recall). Run: `python -m bot.dev.evaluation.stories` (add `--model NAME`).
`diplobot eval stories` also runs real news through `diplobot group`'s code: ECB+ topics 1-35 (`evaluate_ecb`) and
TempEval-3's TimeBank and AQUAINT in order of document date, labelled in eval/stories_te3.tsv (`evaluate_te3`).
"""

from __future__ import annotations

import argparse
import io
import json
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import combinations
from pathlib import Path
from types import ModuleType
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


# Story grouping on real wire text with real document dates: TempEval-3's TimeBank and AQUAINT documents (its
# tuning sets; TE3-Platinum is reserved and never read here), labelled by event in eval/stories_te3.tsv.
TE3_LABELS = labelled_set_path("stories_te3.tsv")
TE3_SETS = ("timebank", "aquaint")
LEVELS = ("fine", "coarse")  # the same event; the same running story
LEFT_OUT, SINGLETON = "-", "S"


def read_event_labels(path: Path = TE3_LABELS) -> dict[str, dict[str, str]]:
    """Per level, each labelled document's event. '-' leaves a document out of that level; 'S' makes it an
    event of its own. Lines starting with '#' are notes; a broken line is named with its number."""
    labels: dict[str, dict[str, str]] = {level: {} for level in LEVELS}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 1 + len(LEVELS) or not all(f.strip() for f in fields):
            raise ValueError(f"{path}:{number}: not 'id<TAB>fine<TAB>coarse'")
        doc_id = fields[0].strip()
        if any(doc_id in events for events in labels.values()):
            raise ValueError(f"{path}:{number}: {doc_id} labelled twice")
        for level, event in zip(LEVELS, (f.strip() for f in fields[1:]), strict=True):
            if event != LEFT_OUT:
                labels[level][doc_id] = f"{SINGLETON}:{doc_id}" if event == SINGLETON else event
    return labels


def _clusters(story_of: Mapping[str, Hashable], keys: Iterable[str]) -> list[list[str]]:
    clusters: dict[Hashable, list[str]] = {}
    for key in keys:
        clusters.setdefault(story_of[key], []).append(key)
    return list(clusters.values())


def bcubed(predicted: Sequence[Sequence[str]], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of `predicted` clusters over the keys of `gold` they hold: per key, the
    share of its cluster that tells its event, and the share of its event that is in its cluster."""
    cluster_of = {key: tuple(cluster) for cluster in predicted for key in cluster}
    event_of: dict[str, list[str]] = {}
    for key, event in gold.items():
        event_of.setdefault(event, []).append(key)
    keys = [key for key in gold if key in cluster_of]
    if not keys:
        return 1.0, 1.0, 1.0
    precision = recall = 0.0
    for key in keys:
        cluster, told = cluster_of[key], [k for k in event_of[gold[key]] if k in cluster_of]
        right = sum(1 for k in cluster if gold.get(k) == gold[key])
        precision += right / len(cluster)
        recall += right / len(told)
    precision, recall = precision / len(keys), recall / len(keys)
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def splits_and_merges(story_of: Mapping[str, Hashable], gold: Mapping[str, str]) -> dict[str, list[str]]:
    """The labelled events told in more than one story (split) and the stories telling more than one labelled
    event (merged), one line each with the documents as they fell."""
    scored = [key for key in gold if key in story_of]
    split = []
    events: dict[str, list[str]] = {}
    for key in scored:
        events.setdefault(gold[key], []).append(key)
    for event, keys in sorted(events.items()):
        parts = _clusters(story_of, keys)
        if len(parts) > 1:
            split.append(f"{event}: {len(keys)} documents in {len(parts)} stories "
                         + " | ".join(", ".join(part) for part in parts))
    merged = []
    for cluster in _clusters(story_of, scored):
        told: dict[str, list[str]] = {}
        for key in cluster:
            told.setdefault(gold[key], []).append(key)
        if len(told) > 1:
            merged.append(f"story {story_of[cluster[0]]}: " + " | ".join(
                f"{event} ({', '.join(keys)})" for event, keys in sorted(told.items())))
    return {"split": split, "merged": merged}


def level_scores(story_of: Mapping[str, Hashable], gold: Mapping[str, str]) -> dict[str, Any]:
    """Pairwise and B-cubed P/R/F1 of the stories over the labelled documents that got one, with the events
    split and merged."""
    scored = {key: event for key, event in gold.items() if key in story_of}
    predicted = _clusters(story_of, scored)
    events: dict[Hashable, str] = {key: event for key, event in scored.items()}
    pairwise = pair_scores(predicted, events)
    b3 = bcubed(predicted, scored)
    return {"documents": len(scored), "events": pairwise.events, "stories": pairwise.stories,
            "pairwise": [round(pairwise.precision, 3), round(pairwise.recall, 3), round(pairwise.f1, 3)],
            "gold_pairs": pairwise.gold_pairs, "predicted_pairs": pairwise.predicted_pairs,
            "true_pairs": pairwise.true_pairs, "b3": [round(v, 3) for v in b3],
            **splits_and_merges(story_of, scored)}


_SENTENCE_END = re.compile(r"[.!?]['\"]*(?=\s+[A-Z\"'`]|\s*$)")
_NOT_AN_END = re.compile(r"(?:[A-Z]\.)*[A-Z]|Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|St|Co|Corp|Inc|Ltd|Jan|Feb|Aug|Sept|Oct"
                         r"|Nov|Dec|Mo|Lt|Col|Sgt|No|Jr")


def opening_title(text: str, limit: int = 200) -> str:
    """A stand-in title for a text that has none: its opening sentence, dateline included (a dateline on a line
    of its own is joined to the sentence after it), cut at `limit` characters."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    opening = " ".join(lines) if lines and len(lines[0]) < 40 else (lines[0] if lines else "")
    for end in _SENTENCE_END.finditer(opening):
        word = opening[:end.start()].rsplit(None, 1)[-1] if opening[:end.start()].strip() else ""
        if end.start() >= 20 and not _NOT_AN_END.fullmatch(word):
            opening = opening[:end.end()]
            break
    return opening[:limit]


def te3_articles(scorer: ModuleType) -> list[dict[str, str]]:
    """TimeBank and AQUAINT as articles of the grouping contract, in order of document date (then id): the text as
    the shared scorer reads it, its opening sentence as the title, the id's source prefix (APW, NYT, XIE, wsj, …)
    as the feed."""
    rows = []
    for name in TE3_SETS:
        for doc_id, (creation, text, _) in scorer.docs(name):
            feed = re.match(r"[A-Za-z]+", doc_id)
            rows.append({"id": doc_id, "title": opening_title(text), "text": text, "published": creation[:10],
                         "feed": feed.group(0) if feed else "te3"})
    rows.sort(key=lambda row: (row["published"], row["id"]))
    return rows


def evaluate_te3(nlp: Language, settings: Settings, timex_scorer: Path, workdir: Path,
                 labels: Path = TE3_LABELS) -> dict[str, Any]:
    """TimeBank + AQUAINT (real AP, NYT, Xinhua, WSJ, … articles over days and months) through `diplobot group`'s
    code into a scratch SQLite database, in order of document date; pairwise and B-cubed figures on the labelled
    documents at the fine level (the same event) and the coarse level (the same running story)."""
    from bot.app.group_stream import run_group_stream
    from bot.dev.evaluation.date_folds import load_scorer
    from bot.storage import Database

    gold = read_event_labels(labels)
    articles = te3_articles(load_scorer(timex_scorer))
    unknown = sorted(set().union(*gold.values()) - {row["id"] for row in articles})
    if unknown:
        raise ValueError(f"{labels}: not TimeBank or AQUAINT documents: {', '.join(unknown)}")
    db = Database.connect(f"sqlite:///{workdir / 'te3-stories.db'}")
    db.upgrade()
    out, err = io.StringIO(), io.StringIO()
    run_group_stream(db, settings, nlp, ((f"te3:{row['id']}", json.dumps(row)) for row in articles), out, err)
    story_of = {str(row["id"]): row["story"] for row in map(json.loads, out.getvalue().splitlines())}
    labelled = set().union(*gold.values())
    return {"sets": "+".join(TE3_SETS), "documents": len(articles), "labelled": len(labelled),
            "labelled_without_story": sorted(labelled - story_of.keys()),
            **{level: level_scores(story_of, gold[level]) for level in LEVELS}}
