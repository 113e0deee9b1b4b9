"""Which stories belong to one storyline: grouping on specific shared evidence.

A storyline is what a reader would draw: stories that share *specific* actors, places and events,
not one ubiquitous name. A head of state who appears in every story must not chain a state visit
to a trade dispute to a lawsuit, so the grouping rests on three rules:

1. **Evidence weights.** A story is its centroid's strongest features (TF-IDF content terms and
   ``@`` entity features, as the event clusterer weighs them). Each feature is weighted again by
   how rare it is among the stories being linked (the window):
   ``min(1, log(n / story frequency) / log(1 / link_common_share))``, where ``n`` is the number
   of stories but at least ``link_min_stories`` (so a window of three stories does not call every
   shared word common). A feature found in at most ``link_common_share`` of the stories counts
   fully; one found in all of them counts nothing.
2. **Storyline against storyline, not story against story.** Story pairs whose weighted cosine
   (damped by ``exp(-days between them / link_time_scale_days)``, never across more than
   ``link_window_days``) reaches ``link_attach_threshold`` are candidates, strongest first. A
   candidate joins two storylines only when the storylines as wholes, their summed weighted
   centroids, reach ``link_threshold`` (time-damped between their date ranges). One bridging
   story, an overview mentioning three wars, cannot chain them: the wholes stay apart.
3. **Strays join the storyline they resemble.** A storyline still holding fewer than
   ``link_attach_articles`` articles joins the larger storyline whose centroid it resembles most,
   when that similarity reaches ``link_attach_threshold`` (time-damped as above).

Everything iterates in a fixed order (candidates by score then ids), so the same stories give the
same storylines. Measured on the mixed Timeline17 stream and ECB+ in docs/results.md.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from storyline.cluster.features import sum_vectors
from storyline.config import ClusterConfig

__all__ = ["Grouping", "LinkInput", "evidence_weights", "group_stories"]

_ATTACH_CHUNK = 512
_SHOWN_FEATURES = 3


@dataclass(frozen=True, slots=True)
class LinkInput:
    """One story as the grouping sees it: id, centroid features, date range (ordinals), articles."""

    id: str
    vector: dict[str, float]
    first_day: int | None
    last_day: int | None
    size: int


def evidence_weights(vectors: Sequence[dict[str, float]], config: ClusterConfig) -> dict[str, float]:
    """Per feature, how much it counts as evidence that two stories belong together (rule 1 above).

    A name in all ten stories counts nothing, one in a single story fully, one in half of them 0.43:

    >>> stories = [{"@voss": 1.0, f"own{i}": 1.0, ("half" if i % 2 else f"x{i}"): 1.0} for i in range(10)]
    >>> w = evidence_weights(stories, ClusterConfig())
    >>> w["@voss"], w["own3"], round(w["half"], 3)
    (0.0, 1.0, 0.431)
    """
    n = max(len(vectors), config.link_min_stories)
    frequency = Counter(term for vector in vectors for term in vector)
    scale = math.log(1.0 / config.link_common_share)
    return {term: min(1.0, math.log(n / count) / scale) for term, count in frequency.items()}


def _gap(a: tuple[int | None, int | None], b: tuple[int | None, int | None]) -> float:
    """Days between two date ranges (0 when they overlap or either is undated: unknown is not far)."""
    if a[0] is None or a[1] is None or b[0] is None or b[1] is None:
        return 0.0
    if a[1] < b[0]:
        return float(b[0] - a[1])
    if b[1] < a[0]:
        return float(a[0] - b[1])
    return 0.0


def _unit_matrix(vectors: Sequence[dict[str, float]], vocab: dict[str, int], grow: bool = True
                 ) -> sparse.csr_matrix:
    """Rows of unit vectors over ``vocab`` (extended with new terms when ``grow``, else they are left out)."""
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, vector in enumerate(vectors):
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        for term, weight in vector.items():
            column = vocab.setdefault(term, len(vocab)) if grow else vocab.get(term)
            if column is not None:
                rows.append(i)
                cols.append(column)
                vals.append(weight / norm)
    return sparse.csr_matrix((np.asarray(vals, dtype=np.float64), (rows, cols)),
                             shape=(len(vectors), max(len(vocab), 1)))


@dataclass(slots=True)
class _Group:
    """A storyline being built: its stories' summed weighted centroid, date range and articles."""

    vector: dict[str, float]
    norm: float
    first: int | None
    last: int | None
    size: int
    version: int = 0

    def absorb(self, other: _Group) -> None:
        for term, weight in other.vector.items():
            self.vector[term] = self.vector.get(term, 0.0) + weight
        self.norm = math.sqrt(sum(w * w for w in self.vector.values()))
        days = [d for d in (self.first, self.last, other.first, other.last) if d is not None]
        self.first, self.last = (min(days), max(days)) if days else (None, None)
        self.size += other.size
        self.version += 1


@dataclass(slots=True)
class Grouping:
    """The storylines found: the stories of each (as input indexes), the links inside them, and how to explain.

    ``groups`` are lists of input indexes; ``links`` the candidate pairs (input indexes, score)
    that ended inside one storyline; ``centres`` per group its stories ranked by how well each
    represents the whole (cosine of its weighted centroid with the group's).
    """

    inputs: Sequence[LinkInput]
    weighted: list[dict[str, float]]
    config: ClusterConfig
    groups: list[list[int]] = field(default_factory=list)
    links: list[tuple[int, int, float]] = field(default_factory=list)
    centres: list[list[int]] = field(default_factory=list)

    def centroid(self, members: Sequence[int]) -> dict[str, float]:
        """The summed weighted centroid of some stories."""
        total: dict[str, float] = {}
        for i in sorted(members):
            for term, weight in self.weighted[i].items():
                total[term] = total.get(term, 0.0) + weight
        return total

    def similarity(self, a: Sequence[int], b: Sequence[int]) -> float:
        """Storyline-against-storyline similarity of two sets of stories (rule 2), 0 beyond the link window."""
        return _similarity(self._group(a), self._group(b), self.config)

    def shared(self, a: Sequence[int], b: Sequence[int], n: int = _SHOWN_FEATURES, weighted: bool = True
               ) -> list[str]:
        """The features two sets of stories share that weigh most in their similarity (readable names).

        ``weighted=False`` ranks them before evidence weighting: what they share even if it is common.
        """
        if weighted:
            ca, cb = self.centroid(a), self.centroid(b)
        else:
            ca = sum_vectors(self.inputs[i].vector for i in sorted(a))
            cb = sum_vectors(self.inputs[i].vector for i in sorted(b))
        ranked = sorted(((ca[t] * cb[t], t) for t in ca if t in cb), key=lambda x: (-x[0], x[1]))
        names: list[str] = []
        for _, term in ranked:
            name = term.removeprefix("@")
            if name not in names:
                names.append(name)
            if len(names) == n:
                break
        return names

    def _group(self, members: Sequence[int]) -> _Group:
        vector = self.centroid(members)
        firsts = [self.inputs[i].first_day for i in members if self.inputs[i].first_day is not None]
        lasts = [self.inputs[i].last_day for i in members if self.inputs[i].last_day is not None]
        return _Group(vector, math.sqrt(sum(w * w for w in vector.values())), min(firsts, default=None),
                      max(lasts, default=None), sum(self.inputs[i].size for i in members))


def _similarity(a: _Group, b: _Group, config: ClusterConfig) -> float:
    gap = _gap((a.first, a.last), (b.first, b.last))
    if gap > config.link_window_days or not a.norm or not b.norm:
        return 0.0
    small, large = (a.vector, b.vector) if len(a.vector) <= len(b.vector) else (b.vector, a.vector)
    dot = sum(w * large.get(t, 0.0) for t, w in small.items())
    return dot / (a.norm * b.norm) * math.exp(-gap / config.link_time_scale_days)


def _candidates(inputs: Sequence[LinkInput], weighted: list[dict[str, float]], config: ClusterConfig
                ) -> list[tuple[float, int, int]]:
    """Story pairs at or above ``link_attach_threshold`` (time-damped), strongest first, then by index."""
    matrix = _unit_matrix(weighted, {})
    sims = sparse.triu(matrix @ matrix.T, k=1).tocoo()
    floor = config.link_attach_threshold
    found: list[tuple[float, int, int]] = []
    for r, c, sim in zip(sims.row.tolist(), sims.col.tolist(), sims.data.tolist(), strict=True):
        if sim < floor:
            continue
        a, b = inputs[r], inputs[c]
        gap = _gap((a.first_day, a.last_day), (b.first_day, b.last_day))
        if gap > config.link_window_days:
            continue
        score = sim * math.exp(-gap / config.link_time_scale_days)
        if score >= floor:
            found.append((score, r, c))
    found.sort(key=lambda x: (-x[0], x[1], x[2]))
    return found


def group_stories(inputs: Sequence[LinkInput], config: ClusterConfig) -> Grouping:
    """Group stories into storylines by the rules of the module docstring.

    Args:
        inputs: the stories of the window, in a fixed order (their indexes name them in the result).
        config: the ``link_*`` settings.
    """
    weights = evidence_weights([s.vector for s in inputs], config)
    weighted = [{t: w * weights[t] for t, w in s.vector.items() if weights[t] > 0} for s in inputs]
    result = Grouping(inputs, weighted, config)
    parent = list(range(len(inputs)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    groups = {i: _Group(dict(v), math.sqrt(sum(w * w for w in v.values())), s.first_day, s.last_day, s.size)
              for i, (s, v) in enumerate(zip(inputs, weighted, strict=True))}
    candidates = _candidates(inputs, weighted, config)
    rejected: set[tuple[int, int, int, int]] = set()
    for _, a, b in candidates:
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        ga, gb = groups[ra], groups[rb]
        key = (ra, ga.version, rb, gb.version) if ra < rb else (rb, gb.version, ra, ga.version)
        if key in rejected:
            continue
        if _similarity(ga, gb, config) < config.link_threshold:
            rejected.add(key)
            continue
        keep, gone = min(ra, rb), max(ra, rb)
        groups[keep].absorb(groups.pop(gone))
        parent[gone] = keep
    for small, large in sorted(_attachments(groups, config).items()):
        groups[large].absorb(groups.pop(small))
        parent[small] = large
    members: dict[int, list[int]] = {}
    for i in range(len(inputs)):
        members.setdefault(root(i), []).append(i)
    result.groups = [members[r] for r in sorted(members)]
    result.links = [(a, b, round(score, 6)) for score, a, b in candidates if root(a) == root(b)]
    result.centres = [_ranked(members[r], weighted, groups[r], inputs) for r in sorted(members)]
    return result


def _attachments(groups: dict[int, _Group], config: ClusterConfig) -> dict[int, int]:
    """Each small storyline's best larger storyline at or above ``link_attach_threshold`` (rule 3)."""
    small = [r for r in sorted(groups) if groups[r].size < config.link_attach_articles]
    large = [r for r in sorted(groups) if groups[r].size >= config.link_attach_articles]
    if not small or not large:
        return {}
    vocab: dict[str, int] = {}
    big = _unit_matrix([groups[r].vector for r in large], vocab)
    firsts = np.asarray([np.nan if groups[r].first is None else groups[r].first for r in large], dtype=np.float64)
    lasts = np.asarray([np.nan if groups[r].last is None else groups[r].last for r in large], dtype=np.float64)
    moves: dict[int, int] = {}
    for start in range(0, len(small), _ATTACH_CHUNK):
        chunk = small[start:start + _ATTACH_CHUNK]
        rows = _unit_matrix([groups[r].vector for r in chunk], vocab, grow=False)
        sims = np.asarray((rows @ big.T).todense())
        for i, r in enumerate(chunk):
            g = groups[r]
            if g.first is not None and g.last is not None:
                apart = np.where(g.last < firsts, firsts - g.last, np.where(g.first > lasts, g.first - lasts, 0.0))
                apart = np.nan_to_num(apart, nan=0.0)
                scores = np.where(apart > config.link_window_days, 0.0,
                                  sims[i] * np.exp(-apart / config.link_time_scale_days))
            else:
                scores = sims[i]
            best = int(np.argmax(scores))  # the first (smallest id) among equals
            if scores[best] >= config.link_attach_threshold:
                moves[r] = large[best]
    return moves


def _ranked(members: list[int], weighted: list[dict[str, float]], group: _Group, inputs: Sequence[LinkInput]
            ) -> list[int]:
    """A storyline's stories, most representative first: cosine with the whole, then more articles, then index."""
    def score(i: int) -> float:
        vector = weighted[i]
        norm = math.sqrt(sum(w * w for w in vector.values()))
        if not norm or not group.norm:
            return 0.0
        return sum(w * group.vector.get(t, 0.0) for t, w in vector.items()) / (norm * group.norm)

    return sorted(members, key=lambda i: (-round(score(i), 9), -inputs[i].size, i))
