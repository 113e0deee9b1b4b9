"""Online event clustering over a bounded active window.

Each arriving article (a unit TF-IDF vector, see ``cluster.features``) is compared only with the
*active* stories: at most ``cluster.max_active`` of them, and none whose last article is more than
``cluster.window_days`` older than the stream's clock. Its similarity to a story is::

    cosine(article, story centroid) * exp(-days outside the story's date range / time_scale_days)

(no decay when either side is undated; only the dates articles state count, see
:func:`stated_day`). Every active story sharing a term with the article is scored exactly,
through the numpy inverted index of ``cluster.window``. The article joins the best story at or
above ``threshold`` or founds a new one. When it also scores above
``threshold`` with another story, the two stories are compared directly and merged when their
centroids are at least ``merge_threshold`` similar: the older story (founded first) survives and
keeps its id, and the merge is recorded.

Stories leaving the window are archived (at most ``max_active`` of them) for undated articles
only, which have no place on the clock that closed them (:class:`EventClusterer`).

Cost per article is bounded by the postings of its terms in the index (its terms times the
active stories, at worst; twice that for an undated article), so it is constant in the length of
the stream; the active window and the archive are the only state that grows with a story's life,
and eviction keeps them bounded. Everything
iterates in a fixed order, so the same input in the same order gives the same stories and ids;
the state can be saved and loaded exactly (see ``store.storylines``), so a stream cut in two
runs gives the same result as one run.
"""

from __future__ import annotations

import math
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from storyline.cluster.features import EntityTerms, TermStats, default_entity_terms, raw_terms
from storyline.cluster.window import WindowIndex
from storyline.config import ClusterConfig
from storyline.model import Article, StoryMerge, StoryState

__all__ = ["EventClusterer", "stated_day", "story_id_for", "stream_key", "stream_order", "window_of"]


def story_id_for(article: Article) -> str:
    """Return the id of a story founded by ``article`` (unique, as one article founds one story).

    >>> story_id_for(Article(id="a-0123456789abcdef", raw_sha256="", origin="", text=""))
    's-0123456789abcdef'
    """
    return "s-" + article.id.removeprefix("a-")


def stated_day(article: Article) -> date | None:
    """The day an article's page says it was published; None when it is undated or its date is only inferred.

    Clustering uses stated days only (the time decay, the window's clock, story spans and the
    stream order): a date guessed from the text (a caption, a background mention) can be wrong by
    years, and would then split the article off its story, found a story or date it. Unknown stays
    unknown: an undated article joins by content alone.

    >>> from storyline.model import ArticleDate
    >>> dated = lambda inferred: Article("a-1", "", "", "", date=ArticleDate("2014-06-19", "day", inferred, "x"))
    >>> stated_day(dated(True)), stated_day(dated(False))
    (None, datetime.date(2014, 6, 19))
    """
    return article.date.day if article.date is not None and not article.date.inferred else None


def stream_key(day: str | None, article_id: str) -> str:
    """The clustering stream's order, (ISO day, id) with undated articles last, as one sortable string.

    >>> stream_key(None, "a-1"), stream_key("2014-06-16", "a-2")
    ('9999-12-31 a-1', '2014-06-16 a-2')
    """
    return f"{day or '9999-12-31'} {article_id}"


def stream_order(article: Article) -> str:
    """The :func:`stream_key` of an article, by its :func:`stated_day` (an inferred date counts as none)."""
    day = stated_day(article)
    return stream_key(day.isoformat() if day else None, article.id)


def window_of(states: Sequence[StoryState], config: ClusterConfig
              ) -> tuple[list[StoryState], list[StoryState], int | None]:
    """Split stories as a stream that made them would have: the active window, the archive, and the clock.

    The clock is the latest story day; active are the ``max_active`` most recently updated stories
    within ``window_days`` of it (or undated), archived the ``max_active`` most recent others.
    """
    days = [s.last_day for s in states if s.last_day is not None]
    clock = max(days) if days else None
    ordered = sorted(states, key=lambda s: (s.last_tick, s.id))
    recent = [s for s in ordered if clock is None or s.last_day is None or clock - s.last_day <= config.window_days]
    active = recent[-config.max_active:]
    kept = {s.id for s in active}
    archived = [s for s in ordered if s.id not in kept][-config.max_active:]
    return active, archived, clock


@dataclass(slots=True)
class EventClusterer:
    """Assigns articles to stories one at a time over a bounded active window.

    Stories that leave the active window (too old for the clock, or beyond ``max_active``) are
    *archived*: at most ``max_active`` of them, least recently updated dropped first. Only undated
    articles are compared with archived stories: an article without a date has no place on the
    clock that closed them, so it joins by content among them too (unknown stays unknown), while a
    dated article never reaches back past the window. Archived stories take articles but never merge.

    Args:
        config: clustering settings.
        stats: document frequencies so far (updated as articles arrive).
        active: the active stories, least recently updated first.
        tick: number of articles clustered before (the stream position).
        clock: the latest article day seen (date ordinal), if any.
        entity_terms: entity extractor; None disables entity features.
        archive: the archived stories, least recently updated first.
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
    archive: OrderedDict[str, StoryState] = field(default_factory=OrderedDict)
    _window: WindowIndex = field(default_factory=WindowIndex)
    _archived: WindowIndex = field(default_factory=WindowIndex)
    _merged_into: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.stats.entity_boost = self.config.entity_boost
        for story in self.active.values():
            self._index(story, self._window)
        for story in self.archive.values():
            self._index(story, self._archived)
        self._window.rebuild()
        self._archived.rebuild()

    @classmethod
    def from_states(cls, config: ClusterConfig, states: list[StoryState], df: dict[str, int], n_docs: int,
                    tick: int, clock: int | None, entity_terms: EntityTerms | None = default_entity_terms,
                    archived: Sequence[StoryState] = ()) -> EventClusterer:
        """Rebuild a clusterer from saved state (active and archived stories, in any order)."""
        def ordered(stories: Iterable[StoryState]) -> OrderedDict[str, StoryState]:
            return OrderedDict((s.id, s) for s in sorted(stories, key=lambda s: (s.last_tick, s.id)))

        return cls(config, TermStats(df, n_docs), ordered(states), tick, clock, entity_terms,
                   archive=ordered(archived))

    # -- index ----------------------------------------------------------------------------
    @staticmethod
    def _index(story: StoryState, index: WindowIndex) -> None:
        index.add(story.id, story.vector)
        index.set_meta(story.id, story.norm, story.first_day, story.last_day)

    def _home(self, story_id: str) -> tuple[OrderedDict[str, StoryState], WindowIndex]:
        """The stories and the index holding a story: the active window, or the archive."""
        return (self.active, self._window) if story_id in self.active else (self.archive, self._archived)

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
        stated = stated_day(article)
        day = stated.toordinal() if stated else None
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
            self._index(story, self._window)
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
        (``cluster.window``), and for an undated article over the archive's too; the work is the
        total length of the article's posting lists, at most ``len(vector)`` times ``max_active``
        (twice that for an undated article).
        """
        scored: list[tuple[float, StoryState, float]] = []
        places = [(self.active, self._window)] + ([(self.archive, self._archived)] if day is None and self.archive
                                                  else [])
        for stories, index in places:
            slots, dots, sims, work = index.similarities(vector, day, self.config.time_scale_days)
            self.comparisons += work
            ids = index.ids
            above = np.flatnonzero(sims >= self.config.threshold)
            scored.extend((float(sims[i]), stories[ids[slots[i]]], float(dots[i])) for i in above)  # type: ignore[index]
        scored.sort(key=lambda x: (-x[0], x[1].id))
        return scored

    def _absorb(self, story: StoryState, vector: dict[str, float], dot: float, day: int | None) -> None:
        sv = story.vector
        stories, index = self._home(story.id)
        update = index.update
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
        index.set_meta(sid, story.norm, story.first_day, story.last_day)
        stories.move_to_end(story.id)
        if len(sv) > 2 * self.config.centroid_terms:
            self._prune(story)

    def _prune(self, story: StoryState) -> None:
        """Keep a story's ``centroid_terms`` strongest features (memory stays bounded per story)."""
        kept = story.top_terms(self.config.centroid_terms)
        story.vector = kept
        story.norm = math.sqrt(sum(w * w for w in kept.values()))
        _, index = self._home(story.id)
        index.replace(story.id, kept)
        index.set_meta(story.id, story.norm, story.first_day, story.last_day)

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
        """Archive the least recently updated stories beyond the cap or older than the window; drop the
        least recently updated archived stories beyond the cap (``evicted``)."""
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
            self.archive[sid] = story
            self._index(story, self._archived)
        while len(self.archive) > cfg.max_active:
            sid, story = self.archive.popitem(last=False)
            self._archived.remove(sid)
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
        """Return the number of postings in the inverted indexes (memory of the active window and the archive)."""
        return self._window.postings() + self._archived.postings()
