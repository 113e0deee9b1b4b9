"""The records every stage reads and writes, and the store persists.

``model.core``: documents, articles, failures, stories, summaries, timelines, actors, quotes and
discrepancies; ``model.clustering``: the event clusterer's state, a clustering pass, linking;
``model.annotations``: per-article name mentions, quotes, claims, stance evidence;
``model.provenance``: fingerprints, index hits and article pairs; ``model.sources``: what is
known of a polled source. Everything is re-exported here: ``from storyline.model import Article``.
"""

from storyline.model.annotations import (
    ArticleAnnotation,
    Claim,
    NameMention,
    QuoteMention,
    SpeakerQuote,
    StanceEvidence,
)
from storyline.model.clustering import (
    ENTITY_PREFIX,
    UNDATED_ORDINAL,
    ClusterPass,
    Linking,
    PartChange,
    StorylineChange,
    StoryMerge,
    StoryNode,
    StoryRow,
    StoryState,
)
from storyline.model.core import (
    Article,
    ArticleDate,
    Citation,
    ClaimValue,
    Discrepancy,
    Entity,
    Failure,
    Mention,
    Quote,
    RawDocument,
    Span,
    Story,
    Storyline,
    StorylineEvent,
    Summary,
    SummarySentence,
    Timeline,
    TimelineEntry,
    utc_iso,
    utc_now,
)
from storyline.model.provenance import Fingerprint, IndexHits, PairRecord
from storyline.model.sources import SourceHealth, SourceState

__all__ = [
    "ENTITY_PREFIX",
    "UNDATED_ORDINAL",
    "Article",
    "ArticleAnnotation",
    "ArticleDate",
    "Citation",
    "Claim",
    "ClaimValue",
    "ClusterPass",
    "Discrepancy",
    "Entity",
    "Failure",
    "Fingerprint",
    "IndexHits",
    "Linking",
    "Mention",
    "NameMention",
    "PairRecord",
    "PartChange",
    "Quote",
    "QuoteMention",
    "RawDocument",
    "SourceHealth",
    "SourceState",
    "Span",
    "SpeakerQuote",
    "StanceEvidence",
    "Story",
    "StoryMerge",
    "StoryNode",
    "StoryRow",
    "StoryState",
    "Storyline",
    "StorylineChange",
    "StorylineEvent",
    "Summary",
    "SummarySentence",
    "Timeline",
    "TimelineEntry",
    "utc_iso",
    "utc_now",
]
