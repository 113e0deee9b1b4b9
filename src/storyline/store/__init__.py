"""Persistence: the SQLite store and its schema."""

from storyline.store import storylines
from storyline.store.store import Store, StoryRow

__all__ = ["Store", "StoryRow", "storylines"]
