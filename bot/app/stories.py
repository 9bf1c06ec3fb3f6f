"""Giving an analysed article its story: keep the open stories' states at hand, let grouping decide, save both.

`OpenStories` loads the grouping states of the stories still open (their latest article within the window)
once per run of the pipeline, and then keeps them, and the document frequencies it has read, up to date in
memory: an article costs one query for the frequencies of its new words and the writes of its analysis, not a
re-reading of the stories' articles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from bot.analysis.records import Analysis
from bot.domain.grouping import (
    DEFAULT_RULES,
    MARK_PREFIX,
    ArticleFacts,
    Rules,
    Scorer,
    StoryIndex,
    TermStats,
    adding,
    choose_lead,
    document_terms,
    new_state,
    term_weights,
)
from bot.domain.stories import LeadCandidate, StoryChoice, StoryState
from bot.storage import Database
from bot.storage.articles import Article, get_articles
from bot.storage.stories import (
    FoldRefused,
    StoredTelling,
    offered_stories,
    open_story_states,
    save_article_analysis,
    save_article_story,
    save_story_states,
    stateless_story_tellings,
    story_lead_candidates,
    term_documents,
)


class OpenStories:
    """The stories a new article may join, with what grouping needs to compare it with them.

    States are loaded from storage for the window around the articles seen (once, then only for earlier
    times an article reaches back to), and stories whose latest article fell out of the window behind the
    newest article are dropped from memory.
    """

    def __init__(self, db: Database, rules: Rules = DEFAULT_RULES) -> None:
        self.db = db
        self.rules = rules
        self.index = StoryIndex(rules)
        self._loaded_from: datetime | None = None
        self._newest: datetime | None = None
        self._documents: int | None = None
        self._frequencies: dict[str, int] = {}
        self._counted: object = None  # the article last counted in the frequencies (chosen again after a refusal)

    def _load(self, published: datetime) -> None:
        since = published - self.rules.window
        if self._loaded_from is not None and since >= self._loaded_from:
            return
        backfill_story_states(self.db, since, self._loaded_from, self.rules)
        states = open_story_states(self.db, since, before=self._loaded_from)
        self._loaded_from = since
        fresh = [s for s in states if s.story_id not in self.index.stories]
        for state in fresh:
            self.index.put(state)
        self._learn({t for s in fresh for t in s.terms} | {MARK_PREFIX + m for s in fresh for m in s.marks})

    def _learn(self, terms: set[str]) -> None:
        """Read the document frequencies of the terms not known yet (and the article count, once)."""
        unknown = [t for t in terms if t not in self._frequencies]
        if not unknown and self._documents is not None:
            return
        documents, frequencies = term_documents(self.db, unknown)
        if self._documents is None:
            self._documents = documents
        self._frequencies.update(dict.fromkeys(unknown, 0))
        self._frequencies.update(frequencies)

    def _forget_old(self, published: datetime) -> None:
        if self._newest is None or published > self._newest:
            self._newest = published
            horizon = published - 2 * self.rules.window
            oldest = self.index.oldest()
            if oldest is not None and oldest < horizon:
                self.index.forget_before(horizon)
                self._loaded_from = max(self._loaded_from or horizon, horizon)

    def choose(self, facts: ArticleFacts, refused: frozenset[int] = frozenset()) -> StoryChoice:
        """Where `facts` goes: the story it joins (None: a new one), the stories folded into it
        (`StoryIndex.folds`: never one offered to a channel, nor one of `refused`) and that story's state once
        it has.

        The article is counted in the frequencies it is compared under (it is stored right after), once however
        often it is chosen for.
        """
        self._forget_old(facts.published)
        self._load(facts.published)
        terms = document_terms(facts)
        if self._counted != facts.key:
            self._learn(terms)
            for term in terms:
                self._frequencies[term] = self._frequencies.get(term, 0) + 1
            self._documents = (self._documents or 0) + 1
            self._counted = facts.key
        stats = TermStats(self._documents or 1, self._frequencies)
        scorer, vector, scored = self.index.ranked(facts, stats)
        needed = self.rules.threshold(stats.documents)
        chosen = scored[0][1] if scored and scored[0][0] >= needed else None
        story_id = chosen if isinstance(chosen, int) else None
        if story_id is None:
            return StoryChoice(None, 0, facts.terms, frozenset(terms), new_state(None, facts, vector))
        state = adding(self.index.stories[story_id], facts, self.rules.story_terms, vector)
        # Only the stories that score well enough to fold are looked up (one query, and only then).
        near = [sid for score, sid in scored[1:] if score >= needed + self.rules.fold_margin and isinstance(sid, int)]
        if not near:
            return StoryChoice(story_id, 0, facts.terms, frozenset(terms), state)
        barred = offered_stories(self.db, near) | refused
        gone, state = self.index.folds(facts, state, scored, scorer, needed,
                                       lambda sid: isinstance(sid, int) and sid not in barred)
        return StoryChoice(story_id, 0, facts.terms, frozenset(terms), state,
                           folded=tuple(sid for sid in gone if isinstance(sid, int)))

    def joined(self, choice: StoryChoice, story_id: int) -> None:
        """Record that the article of `choice` was saved in `story_id` (and the stories it folded dropped)."""
        for folded in choice.folded:
            self.index.drop(folded)
        if choice.state is not None:
            self.index.put(replace(choice.state, story_id=story_id))


def state_of_tellings(story_id: int, tellings: Sequence[StoredTelling], stats: TermStats,
                      rules: Rules = DEFAULT_RULES) -> StoryState | None:
    """A story's grouping state rebuilt from its analysed articles under the document frequencies `stats`
    (None when it has none)."""
    scorer = Scorer(stats, rules)
    state: StoryState | None = None
    for telling in sorted(tellings, key=lambda t: t.published):
        facts = article_facts(telling.article_id, telling.title, telling.text, telling.published, telling.analysis,
                              telling.feed_id)
        vector = scorer.vector(term_weights(facts.terms))
        state = (new_state(story_id, facts, vector) if state is None
                 else adding(state, facts, rules.story_terms, vector))
    return state


def backfill_story_states(db: Database, since: datetime, before: datetime | None = None,
                          rules: Rules = DEFAULT_RULES) -> int:
    """Give the stories stored without a grouping state (before it was kept on the story) that have an article
    published in [`since`, `before`) their state, rebuilt from their articles, so that new articles can join
    them; returns how many were given one. Their articles' words are already in the document frequencies."""
    found = stateless_story_tellings(db, since, before)
    if not found:
        return 0
    facts = {story_id: [article_facts(t.article_id, t.title, t.text, t.published, t.analysis, t.feed_id)
                        for t in tellings] for story_id, tellings in found.items()}
    documents, frequencies = term_documents(db, {term for told in facts.values() for f in told
                                                 for term in document_terms(f)})
    stats = TermStats(documents, frequencies)
    states = {}
    for story_id, tellings in found.items():
        state = state_of_tellings(story_id, tellings, stats, rules)
        if state is not None:
            states[story_id] = state
    if states:
        save_story_states(db, states)
    return len(states)


def article_facts(article_id: int, title: str, text: str, published: datetime, analysis: Analysis,
                  source: int | None) -> ArticleFacts:
    """What grouping reads of an analysed article: words, actors with their other names, dates."""
    return ArticleFacts.of(article_id, title, text, published, [a.name for a in analysis.actors], source,
                           dates=[d.value for d in analysis.dates],
                           aliases={a.name: a.aliases for a in analysis.actors},
                           people={a.name: a.mentions for a in analysis.actors if a.kind == "person"},
                           places={a.name: a.mentions for a in analysis.actors if a.kind == "place"},
                           organisations={a.name: a.mentions for a in analysis.actors if a.kind == "organization"})


def store_analysis(db: Database, article_id: int, analysis: Analysis, now: datetime, *,
                   text: str | None = None, text_source: str | None = None, page_error: str | None = None,
                   rules: Rules = DEFAULT_RULES, stories: OpenStories | None = None, rows_stored: bool = False,
                   then: Callable[[Session, int], None] | None = None, article: Article | None = None) -> int:
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
        rules: story grouping thresholds (when `stories` is not given).
        stories: the open stories of this run, kept between articles; loaded for this article when None.
        rows_stored: the analysis rows (and `text`) are stored already (`save_analysis_rows`, the job engine's
            analysis step): only the story is filed here.
        then: with `rows_stored`, called with the session and the story id in the filing transaction, before it
            commits (the job engine defers the story's next job there).
        article: the article's record, when the caller has just read it (it is not read again).
    """
    if article is None or article.id != article_id:
        found = get_articles(db, [article_id])
        if not found:
            raise LookupError(f"article {article_id} does not exist")
        article = found[0]
    body = text if text is not None else article.text
    open_stories = stories or OpenStories(db, rules)
    facts = article_facts(article.id, article.title, body, article.published_at, analysis, article.feed_id)
    refused: frozenset[int] = frozenset()
    while True:
        if article.story_id is None:
            choice = open_stories.choose(facts, refused)
        else:
            choice = StoryChoice(article.story_id, 0, facts.terms, frozenset(document_terms(facts)))
        story_id = choice.story_id
        itself = LeadCandidate(article.id, article.published_at, len(body or ""), has_summary=bool(analysis.summary),
                               quotes=len(analysis.quotes))
        others = [c for sid in ([story_id] if story_id is not None else []) + list(choice.folded)
                  for c in story_lead_candidates(db, sid)]
        lead = choose_lead([c for c in others if c.key != article.id] + [itself])
        choice = replace(choice, lead_article_id=lead if isinstance(lead, int) else article.id)
        try:
            if rows_stored:
                saved = save_article_story(db, article_id, now, choice, then=then)
            else:
                saved = save_article_analysis(db, article_id, analysis, now, choice, text=text,
                                              text_source=text_source, page_error=page_error)
        except FoldRefused as exc:  # offered to a channel since it was chosen: nothing was written, choose again
            refused |= exc.story_ids
            continue
        break
    if article.story_id is None:
        open_stories.joined(choice, saved)
    return saved
