"""Persistence: the SQLite store and its schema."""

from storyline.store.integrity import check_store, claim_clustering_generation, clustering_generation, snapshot
from storyline.store.store import Store, StoryRow

__all__ = ["Store", "StoryRow", "check_store", "claim_clustering_generation", "clustering_generation", "snapshot"]
