import json
from pathlib import Path

from bot.dev.evaluation.summary_checks import unfit_counts


def test_unfit_summary_sentences_are_counted_by_kind(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    rows = [{"id": "a", "summary": ["WASHINGTON — Talks resumed on Monday in the capital.", "Talks resumed."]},
            {"id": "b", "summary": ["Click here for the full text.", "” he added, and left the room."]}]
    output.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert unfit_counts(output) == {"sentences": 4, "dateline": 1, "greeting": 0, "caption": 1, "fragment": 1}
