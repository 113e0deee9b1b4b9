"""The records of wire provenance that the store persists and queries.

A :class:`Fingerprint` is what the provenance index stores for one article
(``provenance.fingerprint``), :class:`IndexHits` what a lookup of the index answers, and a
:class:`PairRecord` two articles found to share text, with their alignment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Fingerprint", "IndexHits", "PairRecord"]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the provenance index stores and queries for one article."""

    text_hash: int
    signature: np.ndarray
    doc_keys: tuple[int, ...]
    window_keys: tuple[int, ...]
    n_shingles: int


@dataclass(slots=True)
class IndexHits:
    """Raw answer of an index lookup: who shares what with the queried fingerprint."""

    exact: tuple[str, ...] = ()
    doc_hits: dict[str, int] = field(default_factory=dict)
    window_hits: dict[str, int] = field(default_factory=dict)
    signatures: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PairRecord:
    """Two articles that share text, with their alignment (``article_a < article_b``)."""

    article_a: str
    article_b: str
    exact: bool
    jaccard: float
    containment: float
    shared_words: int
    alignment: dict[str, object]
