"""Dated, cited timelines of a story or storyline (date-wise timeline summarisation).

1. Candidates are built as for summaries (one per statement, citing every carrier); each knows
   the dates it mentions, resolved against its article's *stated* publication day
   (:mod:`storyline.summarize.dates`; inferred dates never anchor relative expressions).
2. Every day is scored by how the coverage refers to it: articles mentioning it, articles
   published *after* it that still mention it (lasting importance), distinct outlets referring
   to it, and articles published on it. The best ``max_dates`` days are kept.
3. Each day's sentences are those mentioning it, plus undated lead sentences of articles
   published on it or on the next ``lead_days_back`` days (a report tells yesterday's events).
   One or two are chosen per day: closest to the day's centroid, explicit mentions and
   self-contained sentences preferred (not opening with a pronoun, not a piece of a quotation
   that names no speaker), no near-repeats.
4. Articles whose date cannot be grounded (no stated publication date, nothing dated in them
   chosen) appear as *approximate* entries with their inferred date's precision, never as a
   made-up exact day.

The same function runs in the pipeline (a story's or storyline's articles) and in the T17/Crisis
evaluation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.config import TimelineConfig
from storyline.model import Article, SummarySentence, Timeline, TimelineEntry
from storyline.summarize.candidates import Grouper, SummaryCandidate, build_candidates, group_identical
from storyline.summarize.dates import article_anchor
from storyline.summarize.extractive import speakerless_quote
from storyline.summarize.select import stem_terms

__all__ = ["DateStats", "build_timeline", "date_stats", "rank_dates"]

_MIN_WORDS = 6
_EXPLICIT_BONUS = 0.1
_REPEAT = 0.5


@dataclass(slots=True)
class DateStats:
    """How the coverage refers to one day."""

    mentioned_by: set[str] = field(default_factory=set)
    mentioned_later_by: set[str] = field(default_factory=set)
    published: set[str] = field(default_factory=set)
    outlets: set[str] = field(default_factory=set)

    def score(self, config: TimelineConfig) -> float:
        """Importance of the day under the config's weights."""
        return (config.mention_weight * len(self.mentioned_by)
                + config.later_mention_weight * len(self.mentioned_later_by)
                + config.publication_weight * len(self.published)
                + config.outlet_weight * len(self.outlets))


def date_stats(articles: Sequence[Article], candidates: Sequence[SummaryCandidate]) -> dict[date, DateStats]:
    """Count, per day, the articles and outlets that mention it or were published on it."""
    by_id = {a.id: a for a in articles}
    stats: dict[date, DateStats] = defaultdict(DateStats)
    for article in articles:
        anchor = article_anchor(article)
        if anchor is not None:
            stats[anchor].published.add(article.id)
            stats[anchor].outlets.add(article.outlet or article.id)
    for candidate in candidates:
        for mention in candidate.dates:
            if mention.precision != "day":
                continue
            day = stats[mention.value]
            for article_id in candidate.article_ids:
                article = by_id[article_id]
                day.mentioned_by.add(article_id)
                day.outlets.add(article.outlet or article_id)
                anchor = article_anchor(article)
                if anchor is not None and anchor > mention.value:
                    day.mentioned_later_by.add(article_id)
    return dict(stats)


def rank_dates(stats: dict[date, DateStats], config: TimelineConfig, start: date | None = None,
               end: date | None = None) -> list[date]:
    """Return days best first (ties: earlier day first), optionally within ``[start, end]``."""
    days = [d for d in stats if (start is None or d >= start) and (end is None or d <= end)]
    return sorted(days, key=lambda d: (-stats[d].score(config), d))


def _pools(candidates: Sequence[SummaryCandidate], articles: dict[str, Article], lead: int, days_back: int = 0,
           ) -> dict[date, list[tuple[int, bool]]]:
    """Map each day to ``(candidate index, mentions the day explicitly)`` pairs."""
    pools: dict[date, list[tuple[int, bool]]] = defaultdict(list)
    for i, c in enumerate(candidates):
        days = {m.value for m in c.dates if m.precision == "day"}
        for day in sorted(days):
            pools[day].append((i, True))
        if not c.dates and c.position < lead:
            first = articles[c.citations[0].article_id]
            anchor = article_anchor(first)
            if anchor is not None:
                for back in range(days_back + 1):
                    pools[anchor - timedelta(days=back)].append((i, False))
    return pools


def _pick(pool: list[tuple[int, bool]], candidates: Sequence[SummaryCandidate], vectors: sparse.csr_matrix,
          k: int) -> list[int]:
    indices = [i for i, _ in pool]
    explicit = {i for i, e in pool if e}
    rows = vectors[indices]
    centroid = np.asarray(rows.sum(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    relevance = rows @ (centroid / norm) if norm else np.zeros(len(indices))
    scored = []
    for i, rel in zip(indices, relevance, strict=True):
        score = float(rel) + (_EXPLICIT_BONUS if i in explicit else 0.0)
        score *= 0.5 if candidates[i].dependent or speakerless_quote(candidates[i]) else 1.0
        scored.append((-score, candidates[i].order, i))
    chosen: list[int] = []
    for _, _, i in sorted(scored):
        if len(chosen) >= k:
            break
        if i in chosen or any(float(vectors[i].multiply(vectors[j]).sum()) > _REPEAT for j in chosen):
            continue
        chosen.append(i)
    return sorted(chosen, key=lambda i: candidates[i].order)


def _sentence(candidate: SummaryCandidate) -> SummarySentence:
    return SummarySentence(candidate.text, tuple(candidate.citations))


def build_timeline(subject_id: str, articles: Sequence[Article], config: TimelineConfig | None = None,
                   start: date | None = None, end: date | None = None, grouper: Grouper = group_identical,
                   ) -> Timeline:
    """Build a dated timeline with cited sentences (see the module docstring).

    Args:
        subject_id: the story or storyline the timeline is for.
        articles: its articles.
        config: how many dates and sentences, and how days are scored.
        start, end: only days in this range (inclusive) become entries.
        grouper: how carriers of one statement are grouped (as for summaries).

    Returns:
        Entries oldest first; exact days have precision "day", approximate ones their
        inferred date's precision.
    """
    config = config or TimelineConfig()
    candidates = build_candidates(articles, _MIN_WORDS, grouper)
    if not candidates:
        return Timeline(subject_id, [])
    by_id = {a.id: a for a in articles}
    vectorizer = TfidfVectorizer(analyzer=stem_terms, sublinear_tf=True)
    try:
        vectors = vectorizer.fit_transform([c.text for c in candidates]).tocsr()
    except ValueError:  # no content terms at all
        return Timeline(subject_id, [])
    stats = date_stats(articles, candidates)
    pools = _pools(candidates, by_id, config.lead_sentences, config.lead_days_back)
    entries: list[TimelineEntry] = []
    used: set[int] = set()
    for day in rank_dates(stats, config, start, end):
        if len(entries) >= config.max_dates:
            break
        pool = [(i, e) for i, e in pools.get(day, []) if i not in used]
        chosen = _pick(pool, candidates, vectors, config.sentences_per_date) if pool else []
        if not chosen:
            continue
        used.update(chosen)
        entries.append(TimelineEntry(day.isoformat(), "day", tuple(_sentence(candidates[i]) for i in chosen)))
    if config.approximate_entries:
        entries.extend(_approximate(articles, candidates, used, start, end))
    return Timeline(subject_id, sorted(entries, key=lambda e: (e.date, e.precision != "day")))


def _approximate(articles: Sequence[Article], candidates: Sequence[SummaryCandidate], used: set[int],
                 start: date | None, end: date | None) -> list[TimelineEntry]:
    """One approximate entry per ungrounded article that no dated entry cites."""
    cited = {c.article_id for i in used for c in candidates[i].citations}
    entries = []
    for article in articles:
        if article.date is None or article_anchor(article) is not None or article.id in cited:
            continue
        if (start and article.day < start) or (end and article.day > end):
            continue
        lead = next((c for c in candidates if c.citations[0].article_id == article.id and not c.dependent), None)
        if lead is not None:
            entries.append(TimelineEntry(article.date.value[:10], article.date.precision, (_sentence(lead),)))
    return entries
