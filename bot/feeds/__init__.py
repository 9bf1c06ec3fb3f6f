"""Feeds: fetch over HTTP, parse with feedparser, poll on a schedule."""
