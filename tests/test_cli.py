"""Every command has help text and is documented in the README."""

from pathlib import Path

import click
from click.testing import CliRunner

from bot.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def all_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found += all_commands(command, f"{prefix}{name} ")
    return found


def test_every_command_has_help_and_a_readme_entry() -> None:
    runner = CliRunner()
    for name, command in all_commands(cli):
        result = runner.invoke(cli, [*name.split(), "--help"])
        assert result.exit_code == 0, name
        assert command.help and command.help.strip(), f"{name} has no help text"
        if not isinstance(command, click.Group):
            assert f"diplobot {name}" in README, f"`diplobot {name}` is not in the README"


def test_bad_setting_is_named() -> None:
    result = CliRunner().invoke(cli, ["db", "upgrade"], env={"POLL_INTERVAL_SECONDS": "often"})
    assert result.exit_code == 2
    assert "POLL_INTERVAL_SECONDS" in result.output


def test_every_setting_is_listed_in_env_example() -> None:
    from bot.config import Settings

    example = (Path(__file__).resolve().parent.parent / ".env.example").read_text(encoding="utf-8")
    missing = [name.upper() for name in Settings.model_fields if f"{name.upper()}=" not in example]
    assert missing == []


def test_ask_for_a_chart_writes_the_png_and_prints_its_path(tmp_path) -> None:
    from datetime import UTC, date, datetime, timedelta

    from bot.storage import Database
    from tests.stored_news import add_article, add_feed

    url = f"sqlite:///{tmp_path / 'ask.db'}"
    db = Database.connect(url)
    db.upgrade()
    today = date.today()
    add_article(db, add_feed(db), "Iran given a month", datetime.now(UTC) - timedelta(days=2),
                deadlines=[{"text": "within a month", "due": (today + timedelta(days=28)).isoformat(),
                            "action": "answer the inspectors", "actor": "Iran"}])
    db.dispose()
    result = CliRunner().invoke(cli, ["ask", "/deadlines iran chart", "--out-dir", str(tmp_path / "charts")],
                                env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    written = tmp_path / "charts" / f"deadlines-iran-{today.isoformat()}.png"
    assert f"chart written to {written}" in result.output.replace("\n", "")
    assert written.read_bytes().startswith(b"\x89PNG")


def test_python_dash_m_bot_calls_itself_diplobot() -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    shown = subprocess.run([sys.executable, "-m", "bot", "--help"], cwd=root, capture_output=True, text=True,
                           env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("Usage: diplobot [OPTIONS] COMMAND") and "python -m bot" not in shown.stdout
