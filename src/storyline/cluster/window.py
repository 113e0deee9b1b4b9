"""The inverted index of the active stories, scored with numpy.

Scoring an article against the active window is the clustering's hot loop. The index keeps its
postings in two parts: a *snapshot*, a term-major compressed layout in numpy arrays (for each
term, the slots of the stories holding it and their weights), whose weights are updated in place
as stories grow, and a small dict of *extra* postings for terms a story gained since the snapshot
was built. When the extras grow past a quarter of the snapshot, the snapshot is rebuilt.

An article's dot products are the products of its terms' postings from both parts, ordered by
the article's term order and summed per story slot by ``np.bincount``: every story's dot product
is the same sum in the same order whichever part holds its postings, so the result does not
depend on when the snapshot was rebuilt and a clusterer restored from saved state scores exactly
as one that never stopped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["WindowIndex"]

_NO_DAY = math.nan


@dataclass(slots=True)
class WindowIndex:
    """Slots, date ranges, norms and postings of the active stories.

    Args:
        min_rebuild: extra postings always tolerated before a rebuild.
    """

    min_rebuild: int = 4096
    term_ids: dict[str, int] = field(default_factory=dict)
    slot_of: dict[str, int] = field(default_factory=dict)
    ids: list[str | None] = field(default_factory=list)
    vectors: dict[str, dict[str, float]] = field(default_factory=dict)
    free: list[int] = field(default_factory=list)
    norms: np.ndarray = field(default_factory=lambda: np.zeros(0))
    first: np.ndarray = field(default_factory=lambda: np.zeros(0))
    last: np.ndarray = field(default_factory=lambda: np.zeros(0))
    extra: dict[str, dict[int, float]] = field(default_factory=dict)
    n_extra: int = 0
    n_dead: int = 0
    _pos: dict[str, dict[str, int]] = field(default_factory=dict)
    _indptr: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    _slots: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _weights: np.ndarray = field(default_factory=lambda: np.zeros(0))
    _alive: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    # -- maintenance ----------------------------------------------------------------------
    def _grow(self) -> None:
        size = max(16, 2 * len(self.ids))
        extra = size - len(self.ids)
        self.norms = np.concatenate([self.norms, np.zeros(extra)])
        self.first = np.concatenate([self.first, np.full(extra, _NO_DAY)])
        self.last = np.concatenate([self.last, np.full(extra, _NO_DAY)])
        self.free.extend(range(len(self.ids) + extra - 1, len(self.ids) - 1, -1))
        self.ids.extend([None] * extra)

    def add(self, story_id: str, vector: dict[str, float]) -> None:
        """Index a new story (``vector`` is its live centroid dict, kept in step through ``update``)."""
        if not self.free:
            self._grow()
        slot = self.free.pop()
        self.slot_of[story_id] = slot
        self.ids[slot] = story_id
        self._pos[story_id] = {}
        self._put_extra(story_id, vector)

    def remove(self, story_id: str) -> None:
        """Drop a story (closed or merged away)."""
        self._drop_postings(story_id)
        slot = self.slot_of.pop(story_id)
        self.ids[slot] = None
        self.norms[slot] = 0.0
        self.first[slot] = self.last[slot] = _NO_DAY
        self.free.append(slot)
        del self.vectors[story_id], self._pos[story_id]

    def set_meta(self, story_id: str, norm: float, first_day: int | None, last_day: int | None) -> None:
        """Record a story's centroid length and date range (ordinals)."""
        slot = self.slot_of[story_id]
        self.norms[slot] = norm
        self.first[slot] = _NO_DAY if first_day is None else first_day
        self.last[slot] = _NO_DAY if last_day is None else last_day

    def update(self, story_id: str, term: str, weight: float) -> None:
        """Record the new weight of one term of a story (its vector dict holds it already)."""
        position = self._pos[story_id].get(term)
        if position is not None:
            self._weights[position] = weight
            return
        slot = self.slot_of[story_id]
        bucket = self.extra.get(term)
        if bucket is None:
            self.extra[term] = {slot: weight}
            self.n_extra += 1
        else:
            if slot not in bucket:
                self.n_extra += 1
            bucket[slot] = weight

    def replace(self, story_id: str, vector: dict[str, float]) -> None:
        """Re-index a story whose vector was replaced (pruned or merged)."""
        self._drop_postings(story_id)
        self._put_extra(story_id, vector)

    def _put_extra(self, story_id: str, vector: dict[str, float]) -> None:
        self.vectors[story_id] = vector
        extra = self.extra
        slot = self.slot_of[story_id]
        for term, weight in vector.items():
            extra.setdefault(term, {})[slot] = weight
        self.n_extra += len(vector)
        self._maybe_rebuild()

    def _drop_postings(self, story_id: str) -> None:
        positions = self._pos[story_id]
        if positions:
            self._alive[np.fromiter(positions.values(), dtype=np.int64, count=len(positions))] = False
            self.n_dead += len(positions)
            self._pos[story_id] = {}
        extra = self.extra
        slot = self.slot_of[story_id]
        for term in self.vectors[story_id]:
            bucket = extra.get(term)
            if bucket is not None and bucket.pop(slot, None) is not None:
                self.n_extra -= 1
                if not bucket:
                    del extra[term]

    def _maybe_rebuild(self) -> None:
        live = len(self._slots) - self.n_dead
        if self.n_extra > max(self.min_rebuild, live // 2) or self.n_dead > max(self.min_rebuild, live):
            self.rebuild()

    def rebuild(self) -> None:
        """Build a fresh snapshot of every story's postings (the extras become empty)."""
        term_ids = self.term_ids
        story_ids = sorted(self.vectors)
        lengths = [len(self.vectors[sid]) for sid in story_ids]
        total = sum(lengths)
        terms = np.fromiter((term_ids.setdefault(t, len(term_ids)) for sid in story_ids for t in self.vectors[sid]),
                            dtype=np.int64, count=total)
        weights = np.fromiter((w for sid in story_ids for w in self.vectors[sid].values()), dtype=np.float64,
                              count=total)
        slots = np.repeat(np.fromiter((self.slot_of[sid] for sid in story_ids), dtype=np.int64,
                                      count=len(story_ids)), lengths)
        order = np.argsort(terms, kind="stable")
        self._slots, self._weights = slots[order], weights[order]
        self._alive = np.ones(total, dtype=bool)
        self._indptr = np.concatenate([[0], np.cumsum(np.bincount(terms, minlength=len(term_ids)))])
        where = np.empty(total, dtype=np.int64)
        where[order] = np.arange(total, dtype=np.int64)
        start = 0
        flat = where.tolist()
        for sid, n in zip(story_ids, lengths, strict=True):
            self._pos[sid] = dict(zip(self.vectors[sid], flat[start:start + n], strict=True))
            start += n
        self.extra.clear()
        self.n_extra = self.n_dead = 0

    def postings(self) -> int:
        """Return the number of (term, story) postings of the active stories."""
        return sum(len(v) for v in self.vectors.values())

    # -- scoring --------------------------------------------------------------------------
    def similarities(self, vector: dict[str, float], day: int | None, time_scale_days: float,
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """Return the slots sharing a term with ``vector``, their dot products, decayed cosines, and the work.

        The work is the number of postings gathered (what the window bounds).
        """
        indptr = self._indptr
        known = len(indptr) - 1
        term_ids = self.term_ids
        rows: list[int] = []
        row_weights: list[float] = []
        row_positions: list[int] = []
        e_slots: list[int] = []
        e_values: list[float] = []
        e_weights: list[float] = []
        e_positions: list[int] = []
        e_sizes: list[int] = []
        extra = self.extra
        for position, (term, weight) in enumerate(vector.items()):
            tid = term_ids.get(term)
            if tid is not None and tid < known:
                rows.append(tid)
                row_weights.append(weight)
                row_positions.append(position)
            bucket = extra.get(term)
            if bucket:
                e_slots.extend(bucket)
                e_values.extend(bucket.values())
                e_weights.append(weight)
                e_positions.append(position)
                e_sizes.append(len(bucket))
        slots = np.asarray(e_slots, dtype=np.int64)
        products = np.asarray(e_values, dtype=np.float64) * np.repeat(np.asarray(e_weights), e_sizes)
        if rows:
            r = np.asarray(rows, dtype=np.int64)
            starts = indptr[r]
            lengths = indptr[r + 1] - starts
            ends = np.cumsum(lengths)
            gather = np.repeat(starts - (ends - lengths), lengths) + np.arange(int(ends[-1]), dtype=np.int64)
            alive = self._alive[gather]
            keep = gather[alive]
            s_slots = self._slots[keep]
            s_products = self._weights[keep] * np.repeat(np.asarray(row_weights), lengths)[alive]
            if e_slots:
                # sum every slot's products in the article's term order, whichever part holds them
                s_positions = np.repeat(np.asarray(row_positions, dtype=np.int64), lengths)[alive]
                order = np.argsort(np.concatenate([s_positions, np.repeat(np.asarray(e_positions, dtype=np.int64),
                                                                                     e_sizes)]), kind="stable")
                slots = np.concatenate([s_slots, slots])[order]
                products = np.concatenate([s_products, products])[order]
            else:
                slots, products = s_slots, s_products
        work = len(slots)
        if not work:
            empty = np.zeros(0)
            return np.zeros(0, dtype=np.int64), empty, empty, 0
        size = len(self.ids)
        hit = np.flatnonzero(np.bincount(slots, minlength=size))
        dots = np.bincount(slots, weights=products, minlength=size)[hit]
        sims = dots / self.norms[hit]
        if day is not None:
            first, last = self.first[hit], self.last[hit]
            apart = np.where(day < first, first - day, np.where(day > last, day - last, 0.0))
            sims = sims * np.exp(-apart / time_scale_days)
        return hit, dots, sims, work
