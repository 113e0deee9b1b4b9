"""Single-pass event clustering: each new article joins the most similar story or opens one.

An article is a TF-IDF vector of its content terms (title counted twice; document frequencies
updated as articles arrive) plus the set of its named terms. Its similarity to a story is::

    ((1 - w) * cosine(article, story centroid) + w * named-term overlap) * exp(-days apart / scale)

where ``w`` is ``cluster.entity_weight`` and "days apart" is 0 when the article's day falls inside
the story's date range. Only stories seen within ``cluster.window_days`` are candidates. The
article joins the best story at or above ``cluster.threshold``, otherwise it opens a new story
whose id derives from the article's id, so the same input in the same order gives the same ids.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from storyline.config import ClusterConfig
from storyline.model import Article, Story
from storyline.store import StoryRow
from storyline.text import content_terms, named_terms

__all__ = ["OnlineClusterer", "story_id_for"]

_TOP_NAMED = 20


def story_id_for(article: Article) -> str:
    """Return the id of a story founded by ``article``.

    >>> story_id_for(Article(id="a-0123456789abcdef", raw_sha256="", origin="", text=""))
    's-0123456789ab'
    """
    return "s-" + article.id.removeprefix("a-")[:12]


def _norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(v * v for v in vector.values()))


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    na, nb = _norm(a), _norm(b)
    return dot / (na * nb) if na and nb else 0.0


def _days_apart(day: date | None, first: str | None, last: str | None) -> float:
    if day is None or first is None or last is None:
        return 0.0
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    if start <= day <= end:
        return 0.0
    return float(min(abs((day - start).days), abs((day - end).days)))


@dataclass(slots=True)
class OnlineClusterer:
    """Assigns articles to stories one at a time, keeping its state in plain dicts.

    Args:
        config: clustering settings.
        stories: the stored stories that may still receive articles.
        df: document frequency of each term so far.
        n_docs: number of documents counted in ``df``.
    """

    config: ClusterConfig
    stories: list[StoryRow]
    df: dict[str, int]
    n_docs: int
    df_delta: Counter[str] = field(default_factory=Counter)
    assignments: dict[str, str] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)

    def _vector(self, article: Article) -> dict[str, float]:
        counts = Counter(content_terms(article.text))
        for term in content_terms(article.title or ""):
            counts[term] += 2
        for term in counts:
            self.df_delta[term] += 1
        self.n_docs += 1
        vector = {}
        for term, tf in counts.items():
            df = self.df.get(term, 0) + self.df_delta[term]
            vector[term] = (1 + math.log(tf)) * (math.log((1 + self.n_docs) / (1 + df)) + 1)
        norm = _norm(vector)
        return {t: w / norm for t, w in vector.items()} if norm else vector

    def similarity(self, vector: dict[str, float], named: Counter[str], day: date | None, story: StoryRow) -> float:
        """Return the article-story similarity defined in the module docstring."""
        w = self.config.entity_weight
        top = dict(Counter(named).most_common(_TOP_NAMED))
        overlap = sum(1 for t in top if t in story.named) / len(top) if top else 0.0
        days = _days_apart(day, story.story.first_seen, story.story.last_seen)
        return ((1 - w) * _cosine(vector, story.centroid) + w * overlap) * math.exp(
            -days / self.config.time_scale_days)

    def _candidates(self, day: date | None) -> list[StoryRow]:
        if day is None:
            return self.stories
        window = self.config.window_days
        return [s for s in self.stories
                if s.story.last_seen is None or abs((date.fromisoformat(s.story.last_seen) - day).days) <= window
                or _days_apart(day, s.story.first_seen, s.story.last_seen) <= window]

    def add(self, article: Article) -> str:
        """Assign one article to a story (existing or new) and return the story id."""
        vector = self._vector(article)
        named = Counter(named_terms(article.title or "") + named_terms(article.text))
        day = article.day
        scored = [(self.similarity(vector, named, day, s), s.id, s) for s in self._candidates(day)]
        best = max(scored, key=lambda item: (item[0], item[1]), default=None)
        if best is not None and best[0] >= self.config.threshold:
            story = best[2]
        else:
            story = StoryRow(Story(story_id_for(article), [], label=article.title or ""))
            self.stories.append(story)
        self._absorb(story, article, vector, named)
        self.assignments[article.id] = story.id
        self.touched.add(story.id)
        return story.id

    def _absorb(self, story: StoryRow, article: Article, vector: dict[str, float], named: Counter[str]) -> None:
        merged = Counter(story.centroid)
        for term, weight in vector.items():
            merged[term] += weight
        story.centroid = dict(sorted(merged.most_common(self.config.centroid_terms)))
        names = Counter(story.named)
        names.update(dict(named.most_common(_TOP_NAMED)))
        story.named = dict(sorted(names.most_common(4 * _TOP_NAMED)))
        story.size += 1
        story.story.article_ids.append(article.id)
        if article.day is not None:
            day = article.day.isoformat()
            story.story.first_seen = min(filter(None, [story.story.first_seen, day]))
            story.story.last_seen = max(filter(None, [story.story.last_seen, day]))
        story.story.keywords = [t for t, _ in Counter(story.centroid).most_common(8)]
