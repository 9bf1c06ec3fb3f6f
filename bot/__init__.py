"""diplobot: diplomacy news for Slack."""

__version__ = "0.1.0"
