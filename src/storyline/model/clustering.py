"""The records of clustering and linking that the store persists.

The event clusterer (``cluster.online``) keeps one :class:`StoryState` per active story and
records :class:`StoryMerge` s; a clustering pass ends in one :class:`ClusterPass`, everything the
store writes for it (``store.storylines.save_cluster_pass``). Linking (``cluster.storylines``)
reads :class:`StoryNode` s and returns a :class:`Linking`. The stages decide; these records carry
the decisions to the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from storyline.model.core import Story

__all__ = [
    "ENTITY_PREFIX",
    "UNDATED_ORDINAL",
    "ClusterPass",
    "Linking",
    "PartChange",
    "StoryMerge",
    "StoryNode",
    "StoryRow",
    "StoryState",
    "StorylineChange",
]

ENTITY_PREFIX = "@"
"""The first character of an entity feature (``@hassan rouhani``), told apart from content terms."""

UNDATED_ORDINAL = 10**7
"""The day ordinal an undated story sorts at: after every dated one."""


@dataclass(slots=True)
class StoryState:
    """The clustering state of one active story.

    ``vector`` is the sum of its members' unit vectors (``norm`` its length), ``founded`` and
    ``last_tick`` the stream positions of its first and latest article, ``first_day`` and
    ``last_day`` date ordinals of its dated members (None while it has none).
    """

    id: str
    vector: dict[str, float]
    norm: float
    size: int
    founded: int
    last_tick: int
    first_day: int | None = None
    last_day: int | None = None
    label: str = ""

    def keywords(self, n: int = 8, skip: frozenset[str] = frozenset()) -> list[str]:
        """Return the ``n`` highest-weighted content terms (entity features and ``skip`` excluded).

        Callers pass ``text.GENERIC_WORDS`` as ``skip``: the keywords a reader sees leave out words
        that say nothing about the story (the vector itself keeps them).
        """
        ranked = sorted(((w, t) for t, w in self.vector.items() if t[0] != ENTITY_PREFIX and t not in skip),
                        key=lambda x: (-x[0], x[1]))
        return [t for _, t in ranked[:n]]

    def top_terms(self, n: int) -> dict[str, float]:
        """Return the ``n`` highest-weighted features with their weights, sorted by term."""
        ranked = sorted(self.vector.items(), key=lambda x: (-x[1], x[0]))[:n]
        return dict(sorted(ranked))

    def days(self) -> tuple[str | None, str | None]:
        """Return the first and last day as ISO dates."""
        return (date.fromordinal(self.first_day).isoformat() if self.first_day else None,
                date.fromordinal(self.last_day).isoformat() if self.last_day else None)


@dataclass(frozen=True, slots=True)
class StoryMerge:
    """Two stories found to be one: ``absorbed`` joined ``survivor`` at stream position ``tick``."""

    survivor: str
    absorbed: str
    similarity: float
    tick: int


@dataclass(slots=True)
class StoryRow:
    """A stored story together with the clustering state kept beside it."""

    story: Story
    centroid: dict[str, float] = field(default_factory=dict)
    named: dict[str, float] = field(default_factory=dict)
    size: int = 0

    @property
    def id(self) -> str:
        return self.story.id


@dataclass(frozen=True, slots=True)
class PartChange:
    """A part of a story cut in two (``cluster.refine``) that starts or stops being a stored story.

    ``kind`` is ``split`` (cut off ``story`` with ``size`` articles), ``rejoined`` (the cut no
    longer holds: its articles are back in ``story``) or ``merged`` (``story`` merged into
    ``into``, and the part went with it for good).
    """

    story: str
    part: str
    kind: str
    size: int = 0
    into: str | None = None


@dataclass(slots=True)
class ClusterPass:
    """Everything one clustering pass changed, as the store writes it (in one transaction).

    Attributes:
        stories: the stored stories the pass touched (whole, or the parts of a cut story).
        assignments: each of their articles' story.
        merges: the clusterer's story merges, in order.
        part_changes: parts gone (merged or rejoined, by part id) and then parts new (split).
        active: the clusterer's whole active window after the pass (replaces the saved one).
        closed: stories that left the window and the archive.
        df_delta, n_docs: document frequency increments and the new document count.
        tick, clock: stream position and latest day (date ordinal) after the pass.
        archived: the clusterer's archive after the pass (stories open to undated articles only).
    """

    stories: list[StoryRow]
    assignments: dict[str, str]
    merges: list[StoryMerge]
    part_changes: list[PartChange]
    active: list[StoryState]
    closed: list[str]
    df_delta: dict[str, int]
    n_docs: int
    tick: int
    clock: int | None
    archived: list[StoryState] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StoryNode:
    """What linking needs of a story: its strongest features, its date range (ordinals) and its articles."""

    id: str
    vector: dict[str, float]
    first_day: int | None = None
    last_day: int | None = None
    size: int = 1

    @classmethod
    def from_state(cls, state: StoryState, terms: int) -> StoryNode:
        """Build a node from an event clusterer's story state."""
        return cls(state.id, state.top_terms(terms), state.first_day, state.last_day, state.size)

    @property
    def age_key(self) -> tuple[int, str]:
        """Sort key putting the oldest story first (undated stories last, then by id)."""
        return (self.first_day if self.first_day is not None else UNDATED_ORDINAL, self.id)


@dataclass(frozen=True, slots=True)
class StorylineChange:
    """One entry of a storyline's history.

    ``kind`` is ``created``, ``merged`` (absorbed ``other``), ``merged_into`` (was absorbed by
    ``other``), ``split`` (``other`` split off it) or ``split_from`` (split off ``other``).
    """

    storyline_id: str
    kind: str
    detail: str
    other: str | None = None


@dataclass(slots=True)
class Linking:
    """The result of linking: every story's storyline, the links inside storylines, the changes, the centres.

    ``centres`` lists, per storyline, its most representative stories first (its label comes
    from the first of them that has one).
    """

    storyline_of: dict[str, str] = field(default_factory=dict)
    edges: dict[tuple[str, str], float] = field(default_factory=dict)
    changes: list[StorylineChange] = field(default_factory=list)
    centres: dict[str, list[str]] = field(default_factory=dict)
