from bot.cli import cli

# "Usage: diplobot ...", as the installed command says, rather than "python -m bot".
cli(prog_name="diplobot")
