"""Persistence: the SQLite store and its schema."""

from storyline.store.nlp import (
    annotated_ids,
    load_annotations,
    load_claims,
    load_entities,
    load_entity_mentions,
    load_speaker_quotes,
    load_stances,
    save_annotations,
    save_story_analysis,
)
from storyline.store.store import Store, StoryRow

__all__ = [
    "Store",
    "StoryRow",
    "annotated_ids",
    "load_annotations",
    "load_claims",
    "load_entities",
    "load_entity_mentions",
    "load_speaker_quotes",
    "load_stances",
    "save_annotations",
    "save_story_analysis",
]
