"""Persistence: the SQLite store and its schema."""

from storyline.store.provenance import PairRecord, ProvenanceIndex
from storyline.store.store import Store, StoryRow

__all__ = ["PairRecord", "ProvenanceIndex", "Store", "StoryRow"]
