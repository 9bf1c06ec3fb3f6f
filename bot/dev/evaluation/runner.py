"""`diplobot eval`: run the analysis over the evaluation corpora and print the shared scorers' figures.

The corpora stay outside the repository (../shared/EVAL.md): each scorer finds its git snapshot through
POLNEAR_GIT, TE3_GIT or REALSUMM_GIT. Reserved splits are refused unless asked for with `--release`.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from bot.config import Settings
from bot.dev.evaluation.labelled_sets import missing_labelled_set, shared_eval_dir

if TYPE_CHECKING:
    from spacy.language import Language

REPO = Path(__file__).resolve().parents[3]
LABELLED_SETS = {"deadlines": "deadlines.jsonl", "stories": "stories.jsonl", "identity": "identity.jsonl"}


@dataclass(frozen=True)
class Corpus:
    scorer: str
    variable: str
    splits: tuple[str, ...]
    reserved: tuple[str, ...]


CORPORA = {
    "quotes": Corpus("polnear.py", "POLNEAR_GIT", ("dev",), ("test",)),
    "dates": Corpus("timex.py", "TE3_GIT", ("timebank", "aquaint"), ("platinum",)),
    "summaries": Corpus("summaries.py", "REALSUMM_GIT", ("dev",), ("heldout",)),
}


def analyze_file(nlp: Language, source: Path, target: Path, batch_size: int) -> None:
    from bot.dev.evaluation.contract import lines_of, run_contract

    with source.open(encoding="utf-8") as f, target.open("w", encoding="utf-8") as out:
        run_contract(nlp, lines_of([(source.name, f)]), out, io.StringIO(), batch_size=batch_size)


def _score(scorer: Path, split: str, predicted: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, str(scorer), "score", split, str(predicted)], check=True,
                         capture_output=True, text=True)
    scores: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return scores


def predicted_path(workdir: Path, what: str, split: str) -> Path:
    """Where `score_corpus` writes the analysis of a split."""
    return workdir / f"{what}-{split}-out.jsonl"


def score_corpus(what: str, split: str, nlp: Language, settings: Settings, workdir: Path) -> dict[str, Any]:
    """Export the split, analyze it, and score it; summaries also score plain sumy methods on the same run."""
    corpus = CORPORA[what]
    scorer = shared_eval_dir() / corpus.scorer
    exported, predicted = workdir / f"{what}-{split}-in.jsonl", predicted_path(workdir, what, split)
    subprocess.run([sys.executable, str(scorer), "export", split, str(exported)], check=True)
    analyze_file(nlp, exported, predicted, settings.analysis_batch_size)
    result = _score(scorer, split, predicted)
    if what == "summaries":
        from bot.dev.evaluation.summary_baselines import baseline_files
        from bot.dev.evaluation.summary_checks import half_margins, unfit_counts
        from bot.dev.evaluation.summary_folds import cross_validate, weighting_margins

        table = {"diplobot": result["system"], "lead3": result["lead3"], **half_margins(scorer, split, predicted),
                 "unfit summary sentences": unfit_counts(predicted),
                 "weights chosen on four folds, scored on the fifth": cross_validate(
                     weighting_margins(nlp, scorer, split))}
        for method, path in baseline_files(nlp, exported, workdir).items():
            table[f"sumy {method}"] = _score(scorer, split, path)["system"]
        return table
    return result


def pooled_dates(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """TimeBank and AQUAINT scored as one set, recomputed from each set's (rounded) figures."""
    gold = sum(r["gold"] for r in results.values())
    system = sum(r["system"] for r in results.values())
    found = sum(r["relaxed"][1] / 100 * r["gold"] for r in results.values())
    right = sum(r["value_acc"] / 100 * r["relaxed"][1] / 100 * r["gold"] for r in results.values())
    precision, recall = found / max(system, 1), found / max(gold, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    accuracy = right / max(found, 1e-9)
    return {"sets": "+".join(results), "gold": gold, "system": system, "relaxed_F1": round(100 * f1, 1),
            "value_acc": round(100 * accuracy, 1), "value_F1": round(100 * accuracy * f1, 1)}


def run_evaluations(settings: Settings, what: str, split: str | None, nlp_loader: Callable[[], Language],
                    release: bool = False) -> int:
    console = Console()
    wanted = ["quotes", "dates", "deadlines", "stories", "summaries", "identity"] if what == "all" else [what]
    nlp = nlp_loader()
    status = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in wanted:
            problem = missing_labelled_set(LABELLED_SETS[name]) if name in LABELLED_SETS else None
            if problem:
                console.print(f"[red]{name}: {escape(problem)}[/]", soft_wrap=True)
                status = max(status, 2)
                continue
            if name == "deadlines":
                from bot.dev.evaluation.deadlines import (
                    REAL_SET,
                    REAL_SETS,
                    Snapshots,
                    evaluate_labelled_set,
                    evaluate_real_set,
                )

                if os.environ.get("POLNEAR_GIT"):
                    snapshots = Snapshots.from_environment()
                    paths = REAL_SETS if snapshots.ecb_git and snapshots.ecb_scorer else (REAL_SET,)
                    if len(paths) == 1:
                        console.print("[yellow]deadlines: eval/deadlines_real_fresh*.jsonl skipped, set ECB_GIT[/]")
                        status = 1
                    console.print("[bold]deadlines[/] (eval/deadlines_real*.jsonl: real PolNeAR and ECB+ "
                                  "sentences, by fold)")
                    console.print_json(json.dumps(evaluate_real_set(nlp, snapshots, paths)))
                else:
                    console.print("[yellow]deadlines: real sentences skipped, set POLNEAR_GIT[/]")
                    status = 1
                console.print("[bold]deadlines[/] (eval/deadlines.jsonl, invented sentences: a regression check)")
                console.print_json(json.dumps(evaluate_labelled_set(nlp)))
                continue
            if name == "stories":
                from bot.dev.evaluation.stories import evaluate_labelled_set as evaluate_stories

                console.print("[bold]stories[/] (eval/stories.jsonl, our own labelled set: pairwise clustering)")
                console.print_json(json.dumps(evaluate_stories(nlp)))
                if os.environ.get("ECB_GIT"):
                    from bot.dev.evaluation.stories import evaluate_ecb

                    console.print("[bold]stories[/] (ECB+ topics 1-35, real news: B-cubed, look-alike merges)")
                    console.print_json(json.dumps(evaluate_ecb(nlp, settings, shared_eval_dir() / "ecb_grouping.py",
                                                               Path(tmp))))
                else:
                    console.print("[yellow]stories on ECB+: skipped, set ECB_GIT (see ../shared/EVAL.md)[/]")
                te3_problem = missing_labelled_set("stories_te3.tsv")
                if te3_problem:
                    console.print(f"[red]stories on TimeBank+AQUAINT: {escape(te3_problem)}[/]", soft_wrap=True)
                    status = max(status, 2)
                elif os.environ.get(CORPORA["dates"].variable):
                    from bot.dev.evaluation.stories import evaluate_te3

                    console.print("[bold]stories[/] (TimeBank+AQUAINT, real wire text by document date, "
                                  "eval/stories_te3.tsv: pairwise and B-cubed P/R/F1 by level, events split or "
                                  "merged)")
                    console.print_json(json.dumps(evaluate_te3(nlp, settings, shared_eval_dir() / "timex.py",
                                                               Path(tmp))))
                else:
                    console.print("[yellow]stories on TimeBank+AQUAINT: skipped, set TE3_GIT "
                                  "(see ../shared/EVAL.md)[/]")
                continue
            if name == "identity":
                from bot.dev.evaluation.identity import evaluate as evaluate_identity

                status = max(status, evaluate_identity(settings, lambda: nlp, console))
                continue
            corpus = CORPORA[name]
            if not os.environ.get(corpus.variable):
                console.print(f"[yellow]{name}: skipped, set {corpus.variable} to the corpus git directory "
                              "(see ../shared/EVAL.md)[/]")
                status = 1
                continue
            results = {}
            for one_split in [split] if split else corpus.splits:
                if one_split in corpus.reserved and not release:
                    console.print(f"[red]{name}: split {one_split!r} is reserved for release checks "
                                  "(use --release)[/]")
                    status = 1
                    continue
                console.print(f"[bold]{name}[/] ({corpus.scorer} {one_split})")
                results[one_split] = score_corpus(name, one_split, nlp, settings, Path(tmp))
                console.print_json(json.dumps(results[one_split]))
            if name == "dates" and len(results) > 1:
                console.print("[bold]dates[/] (pooled)")
                console.print_json(json.dumps(pooled_dates(results)))
            tuning = [s for s in results if s in corpus.splits]
            if name == "dates" and tuning:
                from bot.dev.evaluation.date_folds import fold_report, load_scorer, tally_predictions

                scorer = load_scorer(shared_eval_dir() / corpus.scorer)
                tallies = {s: tally_predictions(scorer, s, predicted_path(Path(tmp), name, s)) for s in tuning}
                console.print(f"[bold]dates[/] (by document fold, {'+'.join(tuning)}: errors are read on folds "
                              "0-3 only, fold 4 checks)")
                console.print_json(json.dumps(fold_report(tallies)))
    return status
