"""/diplo help names every command with an example."""

from bot.slack.commands import COMMANDS, DIPLO_COMMANDS
from bot.slack.commands.answer import CommandContext
from bot.slack.commands.help import HelpArgs

answer = COMMANDS["diplo"].answer


def test_help_lists_every_command_with_an_example(settings) -> None:
    result = answer(None, settings, HelpArgs(), CommandContext())
    for name in COMMANDS:
        assert f"/{name}" in result.text
    for name in DIPLO_COMMANDS:
        assert f"/diplo {name}" in result.text
    assert str(result.blocks).count("Example:") == len(COMMANDS) + len(DIPLO_COMMANDS)


def test_placeholders_are_escaped_so_slack_shows_them(settings) -> None:
    result = answer(None, settings, HelpArgs(), CommandContext())
    shown = result.text + str(result.blocks)
    assert "<person>" not in shown and "<topic>" not in shown
    assert "/who-said &lt;person&gt;" in result.text
