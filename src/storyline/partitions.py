"""Partitions of items: disjoint sets (union-find), connected components, and how two partitions agree.

Every grouping of the stages goes through :class:`DisjointSets`: claims about one count
(``compare``), one quote carried by several outlets (``nlp.merge``), mentions of one actor
(``nlp.resolve``), sentences carried by several articles (``provenance.passages``), stories linked
into storylines (``cluster.storylines``) and parts stitched across Spark windows
(``scale.stories``). The smallest item of a set is its root, so results never depend on the
order in which pairs were joined.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Sequence
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["DisjointSets", "bcubed", "bcubed_f1", "connected_components"]


class _Ordered(Hashable, Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


T = TypeVar("T", bound=_Ordered)


class DisjointSets(Generic[T]):
    """Union-find over hashable, ordered items; the smallest item of a set is its root.

    Items join when first seen (by :meth:`find` or :meth:`union`) and are iterated in that order.

    >>> sets = DisjointSets(["c", "b", "a"])
    >>> sets.union("c", "a"), sets.find("c"), sets.groups()
    ('a', 'a', [['c', 'a'], ['b']])
    """

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._parent: dict[T, T] = {}
        for item in items:
            self._parent.setdefault(item, item)

    def __contains__(self, item: object) -> bool:
        return item in self._parent

    def __iter__(self) -> Iterator[T]:
        return iter(self._parent)

    def __len__(self) -> int:
        return len(self._parent)

    def find(self, item: T) -> T:
        """Return the root of ``item``'s set (adding ``item`` as a set of its own when new)."""
        parent = self._parent
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]  # path halving
            item = parent[item]
        return item

    def union(self, a: T, b: T) -> T:
        """Join the sets of ``a`` and ``b``; return the root of the joined set."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        low, high = (ra, rb) if ra < rb else (rb, ra)
        self._parent[high] = low
        return low

    def groups(self) -> list[list[T]]:
        """Return the sets, each in the order its items joined, ordered by their first item."""
        found: dict[T, list[T]] = {}
        for item in self._parent:
            found.setdefault(self.find(item), []).append(item)
        return list(found.values())


def connected_components(items: Iterable[T], pairs: Iterable[tuple[T, T]]) -> list[list[T]]:
    """Return the connected components of ``items`` under ``pairs``, in the order of ``items``.

    A pair naming an item not among ``items`` is ignored; every item is in exactly one component.

    >>> connected_components([1, 2, 3, 4], [(3, 1), (2, 9)])
    [[1, 3], [2], [4]]
    """
    sets = DisjointSets(items)
    for a, b in pairs:
        if a in sets and b in sets:
            sets.union(a, b)
    return sets.groups()


def bcubed(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> tuple[float, float, float]:
    """Return B-cubed precision, recall and F1 of a predicted partition against a gold one (item-averaged).

    >>> [round(x, 3) for x in bcubed(["a", "a", "b"], [1, 1, 1])]
    [0.556, 1.0, 0.714]
    """
    pair = Counter(zip(gold, predicted, strict=True))
    gold_size, pred_size = Counter(gold), Counter(predicted)
    n = len(gold)
    precision = sum(c * c / pred_size[p] for (_, p), c in pair.items()) / n
    recall = sum(c * c / gold_size[g] for (g, _), c in pair.items()) / n
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def bcubed_f1(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    """Return the B-cubed F1 of a predicted partition against a gold one (item-averaged P and R).

    >>> bcubed_f1(["a", "a", "b"], [1, 1, 2]), round(bcubed_f1(["a", "a", "b"], [1, 1, 1]), 3)
    (1.0, 0.714)
    """
    return bcubed(gold, predicted)[2]
