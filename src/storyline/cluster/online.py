"""Online event clustering over a bounded active window.

Each arriving article (a unit TF-IDF vector, see ``cluster.features``) is compared only with the
*active* stories: at most ``cluster.max_active`` of them, and none whose last article is more than
``cluster.window_days`` older than the stream's clock. Its similarity to a story is::

    cosine(article, story centroid) * exp(-days outside the story's date range / time_scale_days)

(no decay when either side is undated). Every active story sharing a term with the article is
scored exactly, through the numpy inverted index of ``cluster.window``. The article joins the
best story at or above ``threshold`` or founds a new one. When it also scores above
``threshold`` with another story, the two stories are compared directly and merged when their
centroids are at least ``merge_threshold`` similar: the older story (founded first) survives and
keeps its id, and the merge is recorded.

Cost per article is bounded by the postings of its terms in the index (its terms times the
active stories, at worst), so it is constant in the length of the stream; the active window is
the only state that grows with a story's life, and eviction keeps it bounded. Everything
iterates in a fixed order, so the same input in the same order gives the same stories and ids;
the state can be saved and loaded exactly (see ``store.storylines``), so a stream cut in two
runs gives the same result as one run.
"""

from __future__ import annotations

import math
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

import numpy as np

from storyline.cluster.features import EntityTerms, TermStats, default_entity_terms, raw_terms
from storyline.cluster.window import WindowIndex
from storyline.config import ClusterConfig
from storyline.model import Article, StoryMerge, StoryState

__all__ = ["EventClusterer", "story_id_for", "stream_key", "stream_order"]


def story_id_for(article: Article) -> str:
    """Return the id of a story founded by ``article`` (unique, as one article founds one story).

    >>> story_id_for(Article(id="a-0123456789abcdef", raw_sha256="", origin="", text=""))
    's-0123456789abcdef'
    """
    return "s-" + article.id.removeprefix("a-")


def stream_key(day: str | None, article_id: str) -> str:
    """The clustering stream's order, (ISO day, id) with undated articles last, as one sortable string.

    >>> stream_key(None, "a-1"), stream_key("2014-06-16", "a-2")
    ('9999-12-31 a-1', '2014-06-16 a-2')
    """
    return f"{day or '9999-12-31'} {article_id}"


def stream_order(article: Article) -> str:
    """The :func:`stream_key` of an article."""
    return stream_key(article.day.isoformat() if article.day else None, article.id)


@dataclass(slots=True)
class EventClusterer:
    """Assigns articles to stories one at a time over a bounded active window.

    Args:
        config: clustering settings.
        stats: document frequencies so far (updated as articles arrive).
        active: the active stories, least recently updated first.
        tick: number of articles clustered before (the stream position).
        clock: the latest article day seen (date ordinal), if any.
        entity_terms: entity extractor; None disables entity features.
    """

    config: ClusterConfig
    stats: TermStats = field(default_factory=TermStats)
    active: OrderedDict[str, StoryState] = field(default_factory=OrderedDict)
    tick: int = 0
    clock: int | None = None
    entity_terms: EntityTerms | None = default_entity_terms
    assignments: dict[str, str] = field(default_factory=dict)
    merges: list[StoryMerge] = field(default_factory=list)
    evicted: list[StoryState] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)
    comparisons: int = 0
    _window: WindowIndex = field(default_factory=WindowIndex)
    _merged_into: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.stats.entity_boost = self.config.entity_boost
        for story in self.active.values():
            self._index(story)
        self._window.rebuild()

    @classmethod
    def from_states(cls, config: ClusterConfig, states: list[StoryState], df: dict[str, int], n_docs: int,
                    tick: int, clock: int | None, entity_terms: EntityTerms | None = default_entity_terms,
                    ) -> EventClusterer:
        """Rebuild a clusterer from saved state (stories in any order)."""
        ordered = OrderedDict((s.id, s) for s in sorted(states, key=lambda s: (s.last_tick, s.id)))
        return cls(config, TermStats(df, n_docs), ordered, tick, clock, entity_terms)

    # -- index ----------------------------------------------------------------------------
    def _index(self, story: StoryState) -> None:
        self._window.add(story.id, story.vector)
        self._window.set_meta(story.id, story.norm, story.first_day, story.last_day)

    # -- clustering -----------------------------------------------------------------------
    def vectorize(self, article: Article) -> dict[str, float]:
        """Count the article in the DF and return its unit vector."""
        return self.stats.add(raw_terms(article, self.entity_terms, self.config.title_weight))

    def add(self, article: Article, terms: Counter[str] | None = None) -> str:
        """Assign one article to a story (existing or new) and return the story id.

        ``terms`` are the article's ``raw_terms`` (with this clusterer's entity terms and title
        weight) when the caller has them already; the Spark run counts them once per article
        instead of once per window that clusters it, and ships them instead of the text.
        """
        cfg = self.config
        vector = self.vectorize(article) if terms is None else self.stats.add(terms)
        day = article.day.toordinal() if article.day else None
        self.tick += 1
        scored = self._score(vector, day)
        if scored and scored[0][0] >= cfg.threshold:
            _, story, dot = scored[0]
            self._absorb(story, vector, dot, day)
            for other_score, other, _ in scored[1:]:
                if other_score < cfg.threshold:
                    break
                if other.id in self.active and story.id in self.active:
                    story = self._maybe_merge(story, other)
        else:
            story = StoryState(story_id_for(article), {}, 0.0, 0, self.tick, self.tick, label=article.title or "")
            self.active[story.id] = story
            self._index(story)
            self._absorb(story, vector, 0.0, day)
        self.assignments[article.id] = story.id
        self.touched.add(story.id)
        if day is not None and (self.clock is None or day > self.clock):
            self.clock = day
        self._evict()
        return story.id

    def _score(self, vector: dict[str, float], day: int | None) -> list[tuple[float, StoryState, float]]:
        """Return (similarity, story, dot) of every story at or above ``threshold``, best first.

        Dot products are accumulated exactly over the inverted index of the active stories
        (``cluster.window``); the work is the total length of the article's posting lists, at
        most ``len(vector)`` times ``max_active``.
        """
        slots, dots, sims, work = self._window.similarities(vector, day, self.config.time_scale_days)
        self.comparisons += work
        ids = self._window.ids
        active = self.active
        above = np.flatnonzero(sims >= self.config.threshold)
        scored = [(float(sims[i]), active[ids[slots[i]]], float(dots[i])) for i in above]  # type: ignore[index]
        scored.sort(key=lambda x: (-x[0], x[1].id))
        return scored

    def _absorb(self, story: StoryState, vector: dict[str, float], dot: float, day: int | None) -> None:
        sv = story.vector
        update = self._window.update
        sid = story.id
        for term, weight in vector.items():
            value = sv.get(term, 0.0) + weight
            sv[term] = value
            update(sid, term, value)
        # |s + v|^2 = |s|^2 + 2 s.v + |v|^2, and |v| is 1 (or 0 for an empty vector)
        norm2 = story.norm * story.norm + 2.0 * dot + (1.0 if vector else 0.0)
        story.norm = math.sqrt(max(norm2, 0.0))
        story.size += 1
        story.last_tick = self.tick
        if day is not None:
            story.first_day = day if story.first_day is None else min(story.first_day, day)
            story.last_day = day if story.last_day is None else max(story.last_day, day)
        self._window.set_meta(sid, story.norm, story.first_day, story.last_day)
        self.active.move_to_end(story.id)
        if len(sv) > 2 * self.config.centroid_terms:
            self._prune(story)

    def _prune(self, story: StoryState) -> None:
        """Keep a story's ``centroid_terms`` strongest features (memory stays bounded per story)."""
        kept = story.top_terms(self.config.centroid_terms)
        story.vector = kept
        story.norm = math.sqrt(sum(w * w for w in kept.values()))
        self._window.replace(story.id, kept)
        self._window.set_meta(story.id, story.norm, story.first_day, story.last_day)

    def _maybe_merge(self, story: StoryState, other: StoryState) -> StoryState:
        """Merge ``other`` and ``story`` if their centroids converged; return the survivor."""
        small, large = (story.vector, other.vector) if len(story.vector) <= len(other.vector) else (
            other.vector, story.vector)
        dot = sum(w * large.get(t, 0.0) for t, w in small.items())
        self.comparisons += len(small)
        similarity = dot / (story.norm * other.norm) if story.norm and other.norm else 0.0
        if similarity < self.config.merge_threshold:
            return story
        survivor, absorbed = (story, other) if (story.founded, story.id) <= (other.founded, other.id) else (
            other, story)
        self._window.remove(absorbed.id)
        sv = survivor.vector
        for term, weight in absorbed.vector.items():
            sv[term] = sv.get(term, 0.0) + weight
        survivor.norm = math.sqrt(sum(w * w for w in sv.values()))
        survivor.size += absorbed.size
        survivor.last_tick = max(survivor.last_tick, absorbed.last_tick)
        days = [d for d in (survivor.first_day, survivor.last_day, absorbed.first_day, absorbed.last_day) if d]
        if days:
            survivor.first_day, survivor.last_day = min(days), max(days)
        del self.active[absorbed.id]
        self.active.move_to_end(survivor.id)
        self._window.replace(survivor.id, sv)
        self._window.set_meta(survivor.id, survivor.norm, survivor.first_day, survivor.last_day)
        if len(sv) > 2 * self.config.centroid_terms:
            self._prune(survivor)
        self.merges.append(StoryMerge(survivor.id, absorbed.id, round(similarity, 6), self.tick))
        self._merged_into[absorbed.id] = survivor.id
        self.touched.discard(absorbed.id)
        self.touched.add(survivor.id)
        return survivor

    def _evict(self) -> None:
        """Close the least recently updated stories beyond the cap or older than the window."""
        cfg = self.config
        while self.active:
            sid, story = next(iter(self.active.items()))
            too_many = len(self.active) > cfg.max_active
            too_old = (self.clock is not None and story.last_day is not None
                       and self.clock - story.last_day > cfg.window_days)
            if not (too_many or too_old):
                break
            del self.active[sid]
            self._window.remove(sid)
            self.evicted.append(story)

    # -- results --------------------------------------------------------------------------
    def resolve(self, story_id: str) -> str:
        """Return the story a story id ended up in (following merges)."""
        while story_id in self._merged_into:
            story_id = self._merged_into[story_id]
        return story_id

    def partition(self) -> dict[str, str]:
        """Return the final story of every article clustered by this instance."""
        return {article: self.resolve(story) for article, story in self.assignments.items()}

    def index_size(self) -> int:
        """Return the number of postings in the inverted index (memory of the active window)."""
        return self._window.postings()
