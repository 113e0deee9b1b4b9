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
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from storyline.cluster.features import EntityTerms, TermStats, default_entity_terms, raw_terms, sum_vectors
from storyline.cluster.labels import Lead, lead_candidates, story_label
from storyline.cluster.online import stated_day, story_id_for
from storyline.config import ClusterConfig
from storyline.model import Article, StoryState
from storyline.text import split_sentences

__all__ = ["Member", "StoryPart", "article_members", "article_sentences", "bisect_members", "coarse_id", "may_cut",
           "member_leads", "refine_stories", "refine_story", "split_id", "ward_halves", "whole_state"]

_SPLIT_SUFFIX = ".2"
LEAD_CHARS = 2000
"""An article without sentence spans is split into sentences this far: its lead, where its label sentences are."""
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
    """What the refinement and the label need of one article of a story.

    Its id, title, stated day (ordinal), TF-IDF vector, whether its date is only inferred (such an
    article never names a story), and its lead sentences with their vectors (``cluster.labels``).
    """

    article_id: str
    title: str
    day: int | None
    vector: dict[str, float]
    inferred: bool = False
    leads: tuple[Lead, ...] = ()

    @classmethod
    def of(cls, article: Article, vector: dict[str, float], leads: tuple[Lead, ...] = ()) -> Member:
        """Build a member from an article and its unit vector (its day: the :func:`stated_day`, if any)."""
        day = stated_day(article)
        inferred = article.date is not None and article.date.inferred
        return cls(article.id, article.title or "", day.toordinal() if day else None, vector, inferred, leads)


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


def _parts(story: StoryState, groups: Sequence[Sequence[Member]], ids: Sequence[str]) -> list[StoryPart]:
    """The parts' states: the story's centroid shared out term by term in proportion to each part's mass,
    each labelled by its own centre (``cluster.labels``)."""
    sums = [sum_vectors(member.vector for member in members) for members in groups]
    parts = []
    for members, own, story_id in zip(groups, sums, ids, strict=True):
        vector = {}
        for term, weight in story.vector.items():
            mass = sum(total.get(term, 0.0) for total in sums)
            if mass > 0 and own.get(term, 0.0) > 0:
                vector[term] = weight * own[term] / mass
        days = [m.day for m in members if m.day is not None]
        state = StoryState(story_id, vector, math.sqrt(sum(w * w for w in vector.values())), len(members),
                           story.founded, story.last_tick, min(days, default=None), max(days, default=None))
        state.label = story_label(members, vector, state.keywords())
        parts.append(StoryPart(state, [m.article_id for m in members]))
    return parts


def refine_story(story: StoryState, members: Sequence[Member], config: ClusterConfig) -> list[StoryPart]:
    """Return the stored stories of a clusterer story: itself whole, or its two parts (see the module docstring).

    Args:
        story: the clusterer's state of the story.
        members: all its articles, in stream order, with vectors under the current frequencies.
        config: the split rule (``split_*``).

    Returns:
        One part (the story's own state, relabelled by its centre) or two: the one holding the
        founding article (the first member if the founder is not among them) under the story's id,
        then the other, each labelled by its own centre (``cluster.labels``).
    """
    halves = bisect_members([m.vector for m in members], config)
    if halves is None:
        story.label = story_label(members, story.vector, story.keywords())
        return [StoryPart(story, [m.article_id for m in members])]
    founder = next((i for i, m in enumerate(members) if story_id_for(_stub(m.article_id)) == story.id), 0)
    kept = [m for m, half in zip(members, halves, strict=True) if half == halves[founder]]
    split = [m for m, half in zip(members, halves, strict=True) if half != halves[founder]]
    return _parts(story, [kept, split], [story.id, split_id(story.id)])


def refine_stories(stories: Sequence[tuple[StoryState, Sequence[str]]],
                   members: Callable[[Sequence[str]], Sequence[Member]], config: ClusterConfig) -> list[StoryPart]:
    """Refine clusterer stories given their article ids in stream order, and label each stored story.

    ``members`` turns article ids into :class:`Member` records (vectors under the current
    frequencies); every story needs them for its label, only the large ones for the cut.
    """
    parts: list[StoryPart] = []
    for story, article_ids in stories:
        parts.extend(refine_story(story, members(article_ids), config))
    return parts


def article_members(articles: Sequence[Article], stats: TermStats, config: ClusterConfig,
                    entity_terms: EntityTerms | None = default_entity_terms,
                    terms: Mapping[str, Counter[str]] | None = None) -> list[Member]:
    """Members of articles, their vectors counted as the clusterer counts them, weighted by ``stats``.

    ``terms``: the articles' ``raw_terms`` where the caller counted them already (by article id).
    Untitled articles also carry their lead sentences (``cluster.labels``), vectors weighted alike.
    """
    known = terms or {}
    return [Member.of(a, stats.vector(known[a.id] if a.id in known else raw_terms(a, entity_terms,
                                                                                  config.title_weight)),
                      member_leads(a, stats, entity_terms)) for a in articles]


def member_leads(article: Article, stats: TermStats, entity_terms: EntityTerms | None = default_entity_terms
                 ) -> tuple[Lead, ...]:
    """The lead sentences that may label an untitled article's story, with vectors weighted by ``stats``.

    A titled article needs none (its title competes instead, ``cluster.labels``).
    """
    if article.title:
        return ()
    return tuple(Lead(text, stats.vector(raw_terms(_stub(article.id, text), entity_terms, 0)))
                 for text in lead_candidates(article_sentences(article)))


def article_sentences(article: Article, lead_chars: int = LEAD_CHARS) -> list[str]:
    """An article's sentences: its stored spans, or, when it has none, its first ``lead_chars`` characters split
    into sentences (the labels read only its lead)."""
    if article.sentences:
        return article.sentence_texts()
    spans = split_sentences(article.text[:lead_chars])
    cut = len(article.text) > lead_chars
    return [span.slice(article.text) for span in (spans[:-1] if cut else spans)]  # not the sentence cut short


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


def _stub(article_id: str, text: str = "") -> Article:
    return Article(id=article_id, raw_sha256="", origin="", text=text)
