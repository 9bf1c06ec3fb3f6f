"""The command registry: /diplo help, the App Home and the admin check all read it."""

from bot.slack.commands import COMMANDS, DIPLO_COMMANDS, REGISTRY, run_command
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


def test_every_command_is_written_as_its_registry_name_says() -> None:
    for command in REGISTRY:
        prefix = f"/{command.name}" if command.slash else f"/diplo {command.name}"
        assert command.usage.startswith(prefix) or command.name == "diplo", command.usage
        assert command.example.startswith(prefix) or command.name == "diplo", command.example
        assert command.help


def test_the_app_home_lists_every_command(settings, db) -> None:
    from bot.slack.commands.home import home_view

    shown = str(home_view(db, settings, CommandContext(team_id="T1"))["blocks"])
    for command in REGISTRY:
        assert command.help in shown and f"`{command.usage.split(' ')[0]}" in shown


def test_only_admins_pass_a_command_the_registry_marks_admin_only(settings, db) -> None:
    member = CommandContext(team_id="T1", channel_id="C1", user_id="U1", is_admin=False)
    asked: list[str] = []

    def identify() -> tuple[bool, str | None]:
        asked.append("users.info")
        return False, None

    for line in ("add https://example.org/rss", "feeds add https://example.org/rss"):
        name = "feeds" if line.startswith("add") else "diplo"
        reply = run_command(db, settings, name, line, member, identify=identify)
        assert "Only workspace admins" in reply.text
    assert asked == ["users.info", "users.info"]
    assert "Only workspace admins" not in run_command(db, settings, "feeds", "list", member, identify=identify).text
    assert len(asked) == 2
