"""Cutting a story that grew over two events in two (the refinement after a clustering pass).

The online clusterer joins an article to a story whenever it is close enough to the story's
centroid, so two events that share their names (a music video and its parody; a team's game and
its star's contract; two earthquakes in one region) can grow into one story article by article.
After each clustering pass, every story the pass touched is checked again with all its members
at hand: Ward's agglomerative clustering of the members' TF-IDF vectors (under the document
frequencies of the end of the pass) gives the two clusters it would merge last, and the cut into
them is kept when

- each half holds at least ``cluster.split_min_part`` articles and ``cluster.split_min_share`` of
  the story, and
- the halves' centroids have a cosine below ``cluster.split_bound``.

The clusterer keeps the whole story (later articles are compared with its full centroid, so the
stream's cost and the clusterer's state do not change); what readers see, store and link into
storylines are the parts. The part holding the story's founding article keeps the story's id; the
other is :func:`split_id` of it, so both ids stay stable while the cut holds, however it moves.
The parts' centroids share the story's centroid out term by term, in proportion to each part's
own mass of the term, so they sum to it (:func:`whole_state`) and linking can see the one story
they were. Measured on GoogleNews-TS, S and ECB+ in docs/results.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from storyline.cluster.features import EntityTerms, TermStats, default_entity_terms, raw_terms, sum_vectors
from storyline.cluster.online import story_id_for
from storyline.config import ClusterConfig
from storyline.model import Article, StoryState

__all__ = ["Member", "StoryPart", "article_members", "bisect_members", "coarse_id", "may_cut", "refine_stories",
           "refine_story", "split_id", "ward_halves", "whole_state"]

_SPLIT_SUFFIX = ".2"
WARD_SAMPLE = 2000
"""Most members clustered by Ward's linkage (it needs every pair: for 2,000 members a 32 MB Gram matrix)."""


def split_id(story_id: str) -> str:
    """Return the id of the part split off ``story_id``.

    >>> split_id("s-0123"), coarse_id(split_id("s-0123"))
    ('s-0123.2', 's-0123')
    """
    return story_id + _SPLIT_SUFFIX


def coarse_id(story_id: str) -> str:
    """Return the clusterer's story a stored story (whole, or a part split off) belongs to."""
    return story_id.removesuffix(_SPLIT_SUFFIX)


@dataclass(frozen=True, slots=True)
class Member:
    """What the refinement needs of one article of a story: its id, title, day and TF-IDF vector."""

    article_id: str
    title: str
    day: int | None
    vector: dict[str, float]

    @classmethod
    def of(cls, article: Article, vector: dict[str, float]) -> Member:
        """Build a member from an article and its unit vector."""
        return cls(article.id, article.title or "", article.day.toordinal() if article.day else None, vector)


@dataclass(slots=True)
class StoryPart:
    """One stored story made from a clusterer story: its state and its articles (in the members' order)."""

    state: StoryState
    article_ids: list[str]


def may_cut(size: int, config: ClusterConfig) -> bool:
    """Return True when a story of ``size`` articles is large enough for the rule to cut it (and cutting is on)."""
    return config.split_bound > 0 and size >= 2 * config.split_min_part


def bisect_members(vectors: Sequence[dict[str, float]], config: ClusterConfig) -> np.ndarray | None:
    """Return a 0/1 label per member cutting a story in two, or None when it stays whole.

    The two halves are the last two clusters of Ward's agglomerative clustering of the members'
    unit vectors (:func:`ward_halves`); the cut is kept under the rule of the module docstring.
    """
    n = len(vectors)
    if not may_cut(n, config):
        return None
    columns: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for i, vector in enumerate(vectors):
        for term, weight in vector.items():
            rows.append(i)
            cols.append(columns.setdefault(term, len(columns)))
            values.append(weight)
    matrix = sparse.csr_matrix((values, (rows, cols)), shape=(n, len(columns) + 1))
    labels = ward_halves(matrix)
    smaller = min(int(labels.sum()), n - int(labels.sum()))
    if smaller < max(config.split_min_part, config.split_min_share * n):
        return None
    centres = [np.asarray(matrix[labels == k].sum(axis=0)).ravel() for k in (0, 1)]
    cosine = float(centres[0] @ centres[1]) / (float(np.linalg.norm(centres[0]) * np.linalg.norm(centres[1])) or 1.0)
    if cosine >= config.split_bound:
        return None
    return labels


def ward_halves(matrix: sparse.csr_matrix, sample: int = WARD_SAMPLE) -> np.ndarray:
    """Return a 0/1 label per row: the two clusters Ward's linkage (Euclidean) merges last.

    The pairwise distances come from one sparse Gram product. Ward's clustering needs all pairs,
    so above ``sample`` rows it clusters every k-th row (a deterministic, evenly spread sample) and
    gives each other row the half whose mean is nearer. Label 1 is the half without the first row.
    """
    from scipy.cluster.hierarchy import fcluster, linkage

    n = matrix.shape[0]
    chosen = np.arange(n) if n <= sample else np.linspace(0, n - 1, sample).round().astype(np.int64)
    rows = matrix[chosen]
    gram = (rows @ rows.T).toarray()
    squared = np.diag(gram)
    upper = np.triu_indices(len(chosen), 1)
    distances = np.sqrt(np.clip(squared[upper[0]] + squared[upper[1]] - 2.0 * gram[upper], 0.0, None))
    clusters = fcluster(linkage(distances, method="ward"), 2, criterion="maxclust")
    sampled = (clusters != clusters[0]).astype(np.int64)
    if n <= sample:
        return sampled
    means = np.vstack([np.asarray(rows[sampled == k].mean(axis=0)).ravel() for k in (0, 1)])
    # squared distance to each mean, less the row's own squared norm (the same for both means)
    nearer = np.asarray((means * means).sum(axis=1)[None, :] - 2 * (matrix @ means.T)).argmin(axis=1)
    labels = nearer.ravel().astype(np.int64)
    labels[chosen] = sampled
    return labels


def _parts(story: StoryState, groups: Sequence[Sequence[Member]], ids: Sequence[str], labels: Sequence[str]
           ) -> list[StoryPart]:
    """The parts' states: the story's centroid shared out term by term in proportion to each part's mass."""
    sums = [sum_vectors(member.vector for member in members) for members in groups]
    parts = []
    for members, own, story_id, label in zip(groups, sums, ids, labels, strict=True):
        vector = {}
        for term, weight in story.vector.items():
            mass = sum(total.get(term, 0.0) for total in sums)
            if mass > 0 and own.get(term, 0.0) > 0:
                vector[term] = weight * own[term] / mass
        days = [m.day for m in members if m.day is not None]
        state = StoryState(story_id, vector, math.sqrt(sum(w * w for w in vector.values())), len(members),
                           story.founded, story.last_tick, min(days, default=None), max(days, default=None), label)
        parts.append(StoryPart(state, [m.article_id for m in members]))
    return parts


def refine_story(story: StoryState, members: Sequence[Member], config: ClusterConfig) -> list[StoryPart]:
    """Return the stored stories of a clusterer story: itself whole, or its two parts (see the module docstring).

    Args:
        story: the clusterer's state of the story.
        members: all its articles, in stream order, with vectors under the current frequencies.
        config: the split rule (``split_*``).

    Returns:
        One part (the story's own state, unchanged) or two: the one holding the founding article
        (the first member if the founder is not among them) under the story's id, then the other.
    """
    labels = bisect_members([m.vector for m in members], config)
    if labels is None:
        return [StoryPart(story, [m.article_id for m in members])]
    founder = next((i for i, m in enumerate(members) if story_id_for(_stub(m.article_id)) == story.id), 0)
    kept = [m for m, label in zip(members, labels, strict=True) if label == labels[founder]]
    split = [m for m, label in zip(members, labels, strict=True) if label != labels[founder]]
    return _parts(story, [kept, split], [story.id, split_id(story.id)], [story.label, split[0].title])


def refine_stories(stories: Sequence[tuple[StoryState, Sequence[str]]],
                   members: Callable[[Sequence[str]], Sequence[Member]], config: ClusterConfig) -> list[StoryPart]:
    """Refine clusterer stories given their article ids in stream order.

    ``members`` turns article ids into :class:`Member` records (vectors under the current
    frequencies); it is called only for stories large enough to be cut, so the others cost nothing.
    """
    parts: list[StoryPart] = []
    for story, article_ids in stories:
        if may_cut(len(article_ids), config):
            parts.extend(refine_story(story, members(article_ids), config))
        else:
            parts.append(StoryPart(story, list(article_ids)))
    return parts


def article_members(articles: Sequence[Article], stats: TermStats, config: ClusterConfig,
                    entity_terms: EntityTerms | None = default_entity_terms) -> list[Member]:
    """Members of articles, their vectors counted as the clusterer counts them, weighted by ``stats``."""
    return [Member.of(a, stats.vector(raw_terms(a, entity_terms, config.title_weight))) for a in articles]


def whole_state(parts: Sequence[StoryState]) -> StoryState:
    """The clusterer's state of a story from its stored parts (their centroids sum to its own).

    >>> a = StoryState("s-1", {"x": 1.0}, 1.0, 2, 1, 5, 10, 12, "A")
    >>> whole_state([a, StoryState("s-1.2", {"x": 0.5, "y": 2.0}, 2.06, 3, 1, 5, 11, 20, "B")]).vector
    {'x': 1.5, 'y': 2.0}
    """
    ordered = sorted(parts, key=lambda p: p.id)
    vector = sum_vectors(part.vector for part in ordered)
    firsts = [p.first_day for p in ordered if p.first_day is not None]
    lasts = [p.last_day for p in ordered if p.last_day is not None]
    return StoryState(coarse_id(ordered[0].id), vector, math.sqrt(sum(w * w for w in vector.values())),
                      sum(p.size for p in ordered), min(p.founded for p in ordered), max(p.last_tick for p in ordered),
                      min(firsts, default=None), max(lasts, default=None), ordered[0].label)


def _stub(article_id: str) -> Article:
    return Article(id=article_id, raw_sha256="", origin="", text="")
