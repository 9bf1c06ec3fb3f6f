"""`diplobot bench`: analysis throughput and peak memory against raw spaCy, on the same texts, in one run.

Each pipeline runs in a child process of its own so that its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bot.config import Settings

PIPELINES = {
    "analyze": "diplobot analyze (all fields, nlp.pipe, only the components it needs)",
    "spacy": "raw spaCy nlp.pipe, the model's default components and batch size",
    "spacy-batch": "raw spaCy nlp.pipe, default components, at ANALYSIS_BATCH_SIZE (for comparison)",
    "peer": "naive peer: nlp() per article, textacy quotes, sumy LexRank",
}


@dataclass
class BenchResult:
    pipeline: str
    texts: int
    words: int
    seconds: float
    peak_mb: float

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


def bench_texts(count: int, source: Path | None = None) -> list[str]:
    """`count` article texts from a JSON Lines file of the analyze contract, or the demo articles, cycled."""
    if source is not None:
        texts = [json.loads(line)["text"] for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        from bot.dev.demo import demo_articles

        texts = [a.text for a in demo_articles()]
    if not texts:
        raise RuntimeError("no texts found to benchmark on")
    return [texts[i % len(texts)] for i in range(count)]


def _worker(pipeline: str, texts_path: str, model: str, batch_size: int) -> None:
    texts = json.loads(Path(texts_path).read_text(encoding="utf-8"))
    if pipeline == "analyze":
        from bot.analysis.pipeline import ArticleText, analyze_texts, load_pipeline

        nlp = load_pipeline(model)
        started = time.perf_counter()
        for _ in analyze_texts(nlp, (ArticleText(t) for t in texts), batch_size=batch_size):
            pass
    elif pipeline in ("spacy", "spacy-batch"):
        import spacy

        from bot.analysis.model import resolve_model_name

        nlp = spacy.load(resolve_model_name(model))
        started = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=batch_size if pipeline == "spacy-batch" else None):
            pass
    else:
        started = _naive_peer(texts, model)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    words = sum(len(t.split()) for t in texts)
    print(json.dumps({"pipeline": pipeline, "texts": len(texts), "words": words, "seconds": seconds,
                      "peak_mb": peak_kb / 1024}))


def _naive_peer(texts: list[str], model: str) -> float:
    """What a project would write with the usual open tools; returns its start time after loading."""
    import spacy
    import textacy.extract
    from sumy.summarizers.lex_rank import LexRankSummarizer

    from bot.analysis.model import resolve_model_name
    from bot.analysis.sumy_tokenizer import sumy_document

    nlp = spacy.load(resolve_model_name(model))
    summarizer = LexRankSummarizer()
    started = time.perf_counter()
    for text in texts:
        doc = nlp(text)
        try:
            list(textacy.extract.triples.direct_quotations(doc))
        except ValueError:  # textacy refuses some unbalanced quotation marks
            pass
        summarizer(sumy_document(list(doc.sents)), 3)
    return started


def run_pipeline(pipeline: str, texts_path: str, settings: Settings) -> BenchResult:
    out = subprocess.run(
        [sys.executable, "-m", "bot.dev.bench", pipeline, texts_path, settings.spacy_model,
         str(settings.analysis_batch_size)],
        capture_output=True, text=True, check=True, env={**os.environ},
    )
    lines = out.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"bench worker for {pipeline} printed no result; stderr: {out.stderr[-500:]}")
    return BenchResult(**json.loads(lines[-1]))


def _has_textacy() -> bool:
    import importlib.util

    return importlib.util.find_spec("textacy") is not None


def median_result(runs: list[BenchResult]) -> BenchResult:
    """The run with the median time; peak memory is the highest seen in any run."""
    middle = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]
    return BenchResult(middle.pipeline, middle.texts, middle.words, middle.seconds, max(r.peak_mb for r in runs))


def run_bench(settings: Settings, count: int, source: Path | None = None, rounds: int = 3) -> int:
    """Run every pipeline `rounds` times, interleaved so that a busy moment of the machine hits them alike."""
    console = Console()
    texts = bench_texts(count, source)
    names = [n for n in PIPELINES if n != "peer" or _has_textacy()]
    if "peer" not in names:
        console.print("[yellow]naive peer skipped: textacy is not installed (pip install -e '.[bench]')[/]")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(texts, f)
        path = f.name
    runs: dict[str, list[BenchResult]] = {name: [] for name in names}
    try:
        for round_number in range(1, rounds + 1):
            for name in names:
                with console.status(f"round {round_number}/{rounds}: {name} on {len(texts)} texts"):
                    runs[name].append(run_pipeline(name, path, settings))
    finally:
        os.unlink(path)
    results = {name: median_result(found) for name, found in runs.items()}
    table = Table(title=f"{len(texts)} texts, {results['spacy'].words:,} words, model {settings.spacy_model}, "
                        f"median of {rounds} round(s)")
    for column in ("pipeline", "words/s", "seconds", "peak memory (MB)", "× raw spaCy"):
        table.add_column(column, justify="left" if column == "pipeline" else "right")
    raw = results["spacy"].words_per_second
    for name, r in results.items():
        table.add_row(name, f"{r.words_per_second:,.0f}", f"{r.seconds:.2f}", f"{r.peak_mb:.0f}",
                      f"{r.words_per_second / raw:.2f}")
    console.print(table)
    for name in results:
        console.print(f"  {name}: {PIPELINES[name]}")
    ratio = results["analyze"].words_per_second / raw
    console.print(f"analyze / raw spaCy = {ratio:.2f}x; peak memory of analyze {results['analyze'].peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    _worker(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
