"""Persistence: the SQLite store and its schema."""

from storyline.store import queries
from storyline.store.store import Store, StoryRow

__all__ = ["Store", "StoryRow", "queries"]
