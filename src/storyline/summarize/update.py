"""Update summaries: what articles published after a time T add to what was reported before T.

1. Articles are split at T. An article counts as *after* only when its date is known to be after
   T (an inferred date must be after T even at its earliest: a week-precision guess by a week);
   undated articles count as background.
2. Candidates come from the after-articles only, so every citation points after T. A statement
   an earlier article already carried (wire copy repeated) is old news and cannot be chosen, nor
   can a sentence more similar than ``summarize.novelty`` to anything reported before T.
3. The rest is selected like a story summary, with a prior lowered by each candidate's
   similarity to the earlier coverage, so new facts beat restatements.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.config import SummarizeConfig
from storyline.errors import StorylineError
from storyline.model import Article, Summary, SummarySentence
from storyline.summarize.candidates import Grouper, build_candidates, group_identical
from storyline.summarize.extractive import select_candidates
from storyline.summarize.select import stem_terms
from storyline.text import normalize

__all__ = ["METHOD", "parse_time", "published_after", "update_summary"]

METHOD = "update-submodular"
_SLACK = {"week": timedelta(days=7), "month": timedelta(days=31)}


def parse_time(value: str | date | datetime) -> datetime:
    """Turn ``2025-03-05``, ``2025-03-05T12:00`` or a date/datetime into a naive datetime.

    A bare day means the end of that day: "after 2025-03-05" starts on the 6th.

    Raises:
        StorylineError: the string is not an ISO date or date-time.
    """
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime.combine(value, datetime.max.time())
    try:
        if len(value.strip()) == 10:
            return datetime.combine(date.fromisoformat(value.strip()), datetime.max.time())
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError as exc:
        raise StorylineError(f"cannot read time {value!r}; use an ISO date such as 2025-03-05") from exc


def published_after(article: Article, since: datetime) -> bool:
    """Return True when the article is known to be published after ``since``."""
    if article.date is None:
        return False
    if article.date.precision in ("minute", "hour") and not article.date.inferred:
        try:
            return datetime.fromisoformat(article.date.value).replace(tzinfo=None) > since
        except ValueError:
            pass
    earliest = datetime.combine(article.date.day, datetime.min.time())
    if article.date.inferred or article.date.precision in _SLACK:
        earliest -= _SLACK.get(article.date.precision, timedelta(days=7))
    return earliest > since


def update_summary(subject_id: str, articles: Sequence[Article], since: str | date | datetime,
                   config: SummarizeConfig | None = None, grouper: Grouper = group_identical) -> Summary:
    """Summarise what articles after ``since`` add beyond the coverage before it.

    Args:
        subject_id: the story or storyline.
        articles: all its articles (before and after ``since``).
        since: the time T (ISO string, date or datetime; a bare day means its end).
        config: summary settings; ``novelty`` is the similarity to earlier coverage above which a
            sentence is old news.
        grouper: how carriers of one statement are grouped.

    Returns:
        A summary citing only articles published after T (empty when nothing new was published).
    """
    config = config or SummarizeConfig()
    moment = parse_time(since)
    after = [a for a in articles if published_after(a, moment)]
    before = [a for a in articles if not published_after(a, moment)]
    candidates = build_candidates(after, config.min_words, grouper)
    if not candidates:
        return Summary(subject_id, [], METHOD)
    old_sentences = [s for a in before for s in a.sentence_texts()]
    old_texts = {normalize(s) for s in old_sentences}
    blocked = np.array([normalize(c.text) in old_texts for c in candidates])
    novelty_penalty = np.zeros(len(candidates))
    if old_sentences:
        vectorizer = TfidfVectorizer(analyzer=stem_terms, sublinear_tf=True)
        try:
            matrix = vectorizer.fit_transform([c.text for c in candidates] + old_sentences)
        except ValueError:  # no content terms at all
            matrix = None
        if matrix is not None:
            new, old = matrix[: len(candidates)], matrix[len(candidates):]
            overlap = (new @ old.T).toarray().max(axis=1) if old.shape[0] else np.zeros(len(candidates))
            blocked |= overlap > config.novelty
            novelty_penalty = -0.1 * overlap
    chosen = select_candidates(candidates, config, blocked=blocked, extra_prior=novelty_penalty)
    return Summary(subject_id, [SummarySentence(candidates[i].text, tuple(candidates[i].citations))
                                for i in chosen], METHOD)
