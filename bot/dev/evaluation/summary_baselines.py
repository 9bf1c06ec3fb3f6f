"""Plain sumy summarizers over the same spaCy sentences, to compare our summaries with on one run."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, cast

from spacy.language import Language

from bot.analysis.sumy_tokenizer import sumy_document

METHODS = ("lexrank", "textrank", "lsa", "luhn")
# A sumy summarizer, called with a document and a sentence count (sumy has no type information).
SumySummarizer = Callable[[Any, int], Sequence[Any]]


def sumy_summarizer(method: str) -> SumySummarizer:
    """A sumy summarizer with English stemming and stop words, as a user of sumy alone would set it up."""
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    kinds = {"lexrank": LexRankSummarizer, "textrank": TextRankSummarizer, "lsa": LsaSummarizer,
             "luhn": LuhnSummarizer}
    summarizer = kinds[method](Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    return cast(SumySummarizer, summarizer)


def write_baselines(nlp: Language, articles: Iterable[dict[str, Any]], outputs: Mapping[str, IO[str]],
                    count: int = 3) -> None:
    """For each article, one contract line per method with its `count`-sentence summary."""
    summarizers = {method: sumy_summarizer(method) for method in outputs}
    items = list(articles)
    for doc, article in zip(nlp.pipe(a["text"] for a in items), items, strict=True):
        sentences = [s for s in doc.sents if s.text.strip()]
        document = sumy_document(sentences)
        for method, out in outputs.items():
            summary = [str(s) for s in summarizers[method](document, count)] if sentences else []
            out.write(json.dumps({"id": article["id"], "summary": summary}) + "\n")


def baseline_files(nlp: Language, exported: Path, workdir: Path) -> dict[str, Path]:
    """Write every method's predictions for the exported articles; returns the file of each method."""
    articles = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines() if line.strip()]
    paths = {method: workdir / f"sumy-{method}.jsonl" for method in METHODS}
    handles = {method: path.open("w", encoding="utf-8") for method, path in paths.items()}
    try:
        write_baselines(nlp, articles, handles)
    finally:
        for handle in handles.values():
            handle.close()
    return paths
