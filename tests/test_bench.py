from bot.dev.bench import BenchResult, median_result


def test_median_run_is_reported_with_the_highest_peak_memory() -> None:
    runs = [BenchResult("analyze", 10, 1000, s, m) for s, m in ((3.0, 300), (1.0, 420), (2.0, 310))]
    median = median_result(runs)
    assert median.seconds == 2.0 and median.peak_mb == 420 and median.words_per_second == 500


def test_a_worker_reports_words_time_and_memory(tmp_path, monkeypatch) -> None:
    import json

    from bot.config import Settings
    from bot.dev.bench import run_pipeline

    texts = tmp_path / "texts.json"
    texts.write_text(json.dumps(["The minister said talks would resume on Monday."] * 3), encoding="utf-8")
    result = run_pipeline("spacy", str(texts), Settings(_env_file=None))
    assert result.texts == 3 and result.words == 24 and result.seconds > 0 and result.peak_mb > 50
