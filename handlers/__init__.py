"""Slack listeners: parse the request, call `bot`, render the answer."""
