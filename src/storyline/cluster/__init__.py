"""Grouping articles into stories (events)."""

from storyline.cluster.online import OnlineClusterer, story_id_for

__all__ = ["OnlineClusterer", "story_id_for"]
