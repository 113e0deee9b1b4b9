"""Grouping articles into stories (events), and stories into storylines."""

from storyline.cluster.features import EntityTerms, TermStats, default_entity_terms
from storyline.cluster.online import EventClusterer, story_id_for

__all__ = ["EntityTerms", "EventClusterer", "TermStats", "default_entity_terms", "story_id_for"]
