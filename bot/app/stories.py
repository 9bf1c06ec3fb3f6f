"""Giving an analysed article its story: read what grouping compares, let it decide, save both together."""

from __future__ import annotations

from datetime import datetime

from bot.analysis.records import Analysis
from bot.domain.grouping import (
    DEFAULT_RULES,
    ArticleFacts,
    Rules,
    TermStats,
    choose_lead,
    choose_story,
    document_terms,
    story_facts,
)
from bot.domain.stories import LeadCandidate, StoryChoice
from bot.storage import Database
from bot.storage.articles import get_articles
from bot.storage.stories import (
    nearby_story_articles,
    save_article_analysis,
    story_lead_candidates,
    term_documents,
)


def store_analysis(db: Database, article_id: int, analysis: Analysis, now: datetime, *,
                   text: str | None = None, text_source: str | None = None, page_error: str | None = None,
                   rules: Rules = DEFAULT_RULES) -> int:
    """Store one article's analysis with its story (the one `bot.domain.grouping` says it tells, or a new one);
    returns the story id. An article analysed again keeps its story.

    The analysis and the story are written in one transaction, so a crash leaves the article unanalysed
    (to be read again) or filed, never half of it.

    Args:
        db: the database.
        article_id: the analysed article.
        analysis: what the analysis found in `text` (or in the stored text when `text` is None).
        now: the time of the analysis.
        text, text_source: the text that was analysed when it is not the stored one (the article page's text,
            source "page"); it replaces the stored text.
        page_error: why the article's page was not used (the teaser was kept), or None.
        rules: story grouping thresholds.
    """
    found = get_articles(db, [article_id])
    if not found:
        raise LookupError(f"article {article_id} does not exist")
    article = found[0]
    body = text if text is not None else article.text
    facts = ArticleFacts.of(article.id, article.title, body, article.published_at,
                            [a.name for a in analysis.actors], article.feed_id)
    story_id = article.story_id
    if story_id is None:
        candidates = story_facts(nearby_story_articles(db, article.id, facts.published, rules.window))
        terms = {t for f in [facts, *(a for story in candidates for a in story.articles)] for t in document_terms(f)}
        stats = TermStats(*term_documents(db, terms)).counting(facts)
        chosen = choose_story(facts, candidates, stats, rules)
        story_id = chosen if isinstance(chosen, int) else None
    itself = LeadCandidate(article.id, article.published_at, len(body or ""), has_summary=bool(analysis.summary),
                           quotes=len(analysis.quotes))
    others = story_lead_candidates(db, story_id) if story_id is not None else []
    lead = choose_lead([c for c in others if c.key != article.id] + [itself])
    choice = StoryChoice(story_id, lead if isinstance(lead, int) else article.id, facts.terms,
                         frozenset(document_terms(facts)))
    return save_article_analysis(db, article_id, analysis, now, choice, text=text, text_source=text_source,
                                 page_error=page_error)
