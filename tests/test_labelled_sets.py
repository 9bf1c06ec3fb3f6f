"""`diplobot eval`'s labelled sets: found in the checkout, or where DIPLOBOT_EVAL_DIR points; the wheel's contents."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.dev.evaluation.labelled_sets import labelled_set_path, missing_labelled_set

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("filename", ["deadlines.jsonl", "stories.jsonl", "stories_te3.tsv", "identity.jsonl"])
def test_the_checkout_labelled_sets_are_found(filename: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DIPLOBOT_EVAL_DIR", raising=False)
    assert missing_labelled_set(filename) is None
    assert labelled_set_path(filename) == REPO / "eval" / filename


def test_a_missing_labelled_set_says_where_it_looked_and_what_to_set(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIPLOBOT_EVAL_DIR", str(tmp_path))
    problem = missing_labelled_set("stories.jsonl")
    assert problem is not None
    assert str(tmp_path / "stories.jsonl") in problem and "DIPLOBOT_EVAL_DIR" in problem
    assert "\n" not in problem


def test_diplobot_eval_names_the_missing_set_and_goes_on(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "DIPLOBOT_EVAL_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite", "COLUMNS": "1000", "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "bot", "eval", "deadlines"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 2, done.stderr
    assert "deadlines.jsonl: labelled set not found" in done.stdout and "DIPLOBOT_EVAL_DIR" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_the_wheel_carries_the_license_migrations_demo_feeds_and_the_command(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    for package in ("bot", "handlers"):
        shutil.copytree(REPO / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(tmp_path / "wheel"), str(source)], check=True, timeout=240)
    (wheel,) = (tmp_path / "wheel").glob("diplobot-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = next(archive.read(n).decode() for n in names if n.endswith(".dist-info/METADATA"))
        entry_points = next(archive.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "License-Expression: MIT" in metadata.splitlines()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "bot/storage/migrations/env.py" in names
    assert any(n.startswith("bot/storage/migrations/versions/0001_") for n in names)
    assert any(n.startswith("bot/dev/demo_feeds/") for n in names)
    assert "diplobot = bot.cli:cli" in entry_points
    assert not any(n.startswith(("tests/", "eval/")) for n in names)
