"""Persistence: the SQLite store, its schema, and per-area modules over it."""

from storyline.store import storylines
from storyline.store.integrity import check_store, claim_clustering_generation, clustering_generation, snapshot
from storyline.store.sources import (
    SourceHealth,
    load_source_state,
    record_attempt,
    remember_item,
    save_source_state,
    source_health,
    source_healths,
)
from storyline.store.store import Store, StoryRow

__all__ = [
    "SourceHealth",
    "Store",
    "StoryRow",
    "check_store",
    "claim_clustering_generation",
    "clustering_generation",
    "load_source_state",
    "record_attempt",
    "remember_item",
    "save_source_state",
    "snapshot",
    "source_health",
    "source_healths",
    "storylines",
]
