"""The manifest in deploy/ lists every command, scope and event the app uses."""

import re
from pathlib import Path

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
    for name in ("Dockerfile", "docker-compose.yml", "diplobot.service", "README.md"):
        assert (DEPLOY / name).is_file(), name
