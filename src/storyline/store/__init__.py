"""Persistence: the SQLite store, its schema, and per-area modules over it."""

from storyline.store import storylines
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
    "load_source_state",
    "record_attempt",
    "remember_item",
    "save_source_state",
    "source_health",
    "source_healths",
    "storylines",
]
