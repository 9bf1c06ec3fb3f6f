"""Routing of slash commands, `share`, and `ask`: any words get an answer, never a trace."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.slack.commands import ask, clean_words, run_command, split_share
from bot.slack.commands import deadlines as deadlines_command
from bot.slack.commands import digest as digest_command
from bot.slack.commands import feeds as feeds_command
from bot.slack.commands import who_said as who_said_command
from bot.slack.commands.answer import CommandContext, UsageError
from tests.stored_news import add_demo_news


def test_share_word_makes_the_answer_public() -> None:
    assert split_share("Nauert share") == ("Nauert", True)
    assert split_share("public Nauert") == ("Nauert", True)
    assert split_share("Nauert") == ("Nauert", False)
    assert split_share("share") == ("", True)


def test_control_characters_and_runs_of_space_are_dropped() -> None:
    assert clean_words("  Mike\x00\u202e   Pompeo\n") == "Mike Pompeo"


def test_ask_runs_the_command_on_the_local_database(settings, db) -> None:
    add_demo_news(db)
    answer = ask(settings, db, "/who-said mike pompeo")
    assert "good, productive meeting" in str(answer.blocks)
    assert ask(settings, db, "who-said Pompeo").text == answer.text  # the slash is optional


def test_diplo_routes_to_other_commands_and_defaults_to_help(settings, db) -> None:
    add_demo_news(db)
    assert "ways to go" in str(ask(settings, db, "/diplo who-said Nauert").blocks)
    assert "/who-said" in ask(settings, db, "/diplo").text
    assert "/subscribe" in ask(settings, db, "/diplo help").text


def test_unknown_command_and_huge_input_get_a_plain_line(settings, db) -> None:
    ctx = CommandContext()
    assert "no command `/launch`" in run_command(db, settings, "/launch", "missiles", ctx).text
    huge = run_command(db, settings, "/who-said", "x" * 50_000, ctx)
    assert "50,000 characters" in huge.text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_every_parser_either_reads_the_words_or_says_how_to_write_them(text) -> None:
    for parse in (lambda t: who_said_command.parse(t, date(2018, 10, 20)), deadlines_command.parse,
                  feeds_command.parse, digest_command.parse, lambda t: split_share(clean_words(t))):
        try:
            parse(text)
        except UsageError as exc:
            assert str(exc)
