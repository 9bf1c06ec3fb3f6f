from bot.bench import BenchResult, median_result


def test_median_run_is_reported_with_the_highest_peak_memory() -> None:
    runs = [BenchResult("analyze", 10, 1000, s, m) for s, m in ((3.0, 300), (1.0, 420), (2.0, 310))]
    median = median_result(runs)
    assert median.seconds == 2.0 and median.peak_mb == 420 and median.words_per_second == 500
