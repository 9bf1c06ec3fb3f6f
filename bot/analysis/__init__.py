"""Reading an article: actors, quotes with speakers, dates, deadlines and a summary."""
