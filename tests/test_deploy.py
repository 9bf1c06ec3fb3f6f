"""The manifest in deploy/ lists every command, scope and event the app uses."""

import re
from pathlib import Path

import pytest

from bot.slack.app import BOT_SCOPES
from bot.slack.commands import REGISTRY

DEPLOY = Path(__file__).parent.parent / "deploy"
MANIFEST = (DEPLOY / "slack-app-manifest.yml").read_text(encoding="utf-8")


def test_manifest_declares_exactly_the_registrys_slash_commands() -> None:
    declared = re.findall(r"^\s*- command: /(\S+)", MANIFEST, flags=re.MULTILINE)
    assert sorted(declared) == sorted(command.name for command in REGISTRY if command.slash)


def test_manifest_requests_exactly_the_scopes_the_app_asks_for() -> None:
    bot_section = MANIFEST.split("    bot:\n", 1)[1].split("settings:", 1)[0]
    scopes = re.findall(r"^\s*- ([a-z:.]+)", bot_section, flags=re.MULTILINE)
    assert sorted(scopes) == sorted(BOT_SCOPES)


def test_manifest_subscribes_to_the_events_we_listen_to() -> None:
    assert "- app_home_opened" in MANIFEST and "home_tab_enabled: true" in MANIFEST


def test_every_deploy_file_is_there() -> None:
    for name in ("Dockerfile", "docker-compose.yml", "diplobot.service", "diplobot-worker@.service", "README.md"):
        assert (DEPLOY / name).is_file(), name


COMPOSE = (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8")
DOCKERFILE = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
UNIT = DEPLOY / "diplobot.service"


def test_compose_needs_a_password_kept_once_and_publishes_slack_on_localhost_only() -> None:
    assert "change-me" not in COMPOSE
    assert re.findall(r"\$\{POSTGRES_PASSWORD:\?", COMPOSE) and "${POSTGRES_PASSWORD:-" not in COMPOSE
    published = re.findall(r'^\s*- "([^"]+:\d+)"\s*$', COMPOSE.split("ports:", 1)[1], flags=re.MULTILINE)
    assert published and all(p.startswith("127.0.0.1:") for p in published)
    assert "/readyz" in COMPOSE


def test_image_installs_dependencies_before_copying_the_code() -> None:
    lines = [line for line in DOCKERFILE.splitlines() if line.strip() and not line.startswith("#")]
    first_build = lines[: next(i for i, line in enumerate(lines) if line.startswith("FROM") and i > 0)]
    dependencies = next(i for i, line in enumerate(first_build) if "-r requirements.txt" in line)
    code = next(i for i, line in enumerate(first_build) if line.startswith("COPY bot"))
    assert dependencies < code
    assert "/readyz" in DOCKERFILE and "HEALTH_PORT" in DOCKERFILE


def test_the_build_context_leaves_secrets_and_local_state_out() -> None:
    ignored = (DEPLOY.parent / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", ".env", "deploy/.env", "*.db"} <= set(ignored)


def test_compose_scales_workers_that_publish_nothing() -> None:
    worker = COMPOSE.split("\n  worker:\n", 1)[1].split("\nvolumes:", 1)[0]
    assert 'command: ["diplobot", "worker"' in worker and "JOB_ENGINE: procrastinate" in worker
    assert "ports:" not in worker and "container_name" not in worker  # --scale worker=N needs both absent
    assert COMPOSE.count("JOB_ENGINE: procrastinate") == 2  # the bot defers the same jobs


@pytest.mark.parametrize("unit", [UNIT, DEPLOY / "diplobot-worker@.service"], ids=lambda path: path.name)
def test_systemd_unit_is_hardened(unit: Path) -> None:
    import shutil
    import subprocess

    settings = dict(line.split("=", 1) for line in unit.read_text(encoding="utf-8").splitlines()
                    if "=" in line and not line.startswith("#"))
    assert settings["CapabilityBoundingSet"] == "" and settings["NoNewPrivileges"] == "true"
    assert settings["ProtectSystem"] == "strict" and settings["RestrictAddressFamilies"] == "AF_INET AF_INET6 AF_UNIX"
    if shutil.which("systemd-analyze") is None:
        return
    result = subprocess.run(["systemd-analyze", "security", "--offline=true", str(unit)], capture_output=True,
                            text=True, timeout=60)
    score = re.search(r"Overall exposure level for \S+: ([\d.]+)", result.stdout)
    assert score is not None, result.stdout + result.stderr
    assert float(score.group(1)) <= 2.0, result.stdout
