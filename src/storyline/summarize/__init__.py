"""Cited summaries, update summaries and dated timelines of stories and storylines.

Every function takes a list of Article records, so the same code serves a story, a storyline
(all its stories' articles) and the evaluation sets.
"""

from storyline.summarize.candidates import SentenceRef, SummaryCandidate, build_candidates, group_identical
from storyline.summarize.dates import DateMention, article_anchor, resolve_dates
from storyline.summarize.extractive import summarize_articles
from storyline.summarize.timeline import build_timeline
from storyline.summarize.update import update_summary

__all__ = [
    "DateMention",
    "SentenceRef",
    "SummaryCandidate",
    "article_anchor",
    "build_candidates",
    "build_timeline",
    "group_identical",
    "resolve_dates",
    "summarize_articles",
    "update_summary",
]
