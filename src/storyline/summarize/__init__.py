"""Cited summaries of stories and storylines."""

from storyline.summarize.extractive import summarize_articles

__all__ = ["summarize_articles"]
