"""`diplobot bench grouping`: a generated stream goes through the grouping step and the table names each mark."""

import tempfile

from rich.console import Console

from bot.dev.bench_grouping import generated_stream, run_grouping_bench


def test_the_generated_stream_is_in_publication_order_with_repeating_events() -> None:
    stream = list(generated_stream(60, per_hour=30))
    times = [a.entry.published_at for a in stream]
    assert times == sorted(times)
    people = [frozenset(actor.name for actor in a.analysis.actors) for a in stream]
    assert len(set(people)) < len(people)  # events are told more than once


def test_the_bench_reports_the_time_per_article_at_each_mark(tmp_path) -> None:
    console = Console(record=True, width=120)
    assert run_grouping_bench(60, 30, [30, 60], f"sqlite:///{tmp_path / 'bench.db'}", console) == 0
    report = console.export_text()
    assert "60 articles" in report and "│              30 │" in report and "│              60 │" in report
    assert "CPU ms / article" in report


def test_the_bench_removes_its_temporary_database(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert run_grouping_bench(20, 30, [20], None, Console(record=True, width=120)) == 0
    assert list(tmp_path.iterdir()) == []
