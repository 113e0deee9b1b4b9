"""Grouping articles into stories (events), and stories into storylines."""

from storyline.cluster.features import EntityTerms, TermStats, default_entity_terms
from storyline.cluster.online import EventClusterer, StoryMerge, StoryState, story_id_for

__all__ = ["EntityTerms", "EventClusterer", "StoryMerge", "StoryState", "TermStats", "default_entity_terms",
           "story_id_for"]
