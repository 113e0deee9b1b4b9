"""storyline: turn raw news articles into stories you can follow.

Typical use::

    from storyline import Pipeline, Store

    with Store("news.db") as store:
        report = Pipeline(store).run(["articles/"])
        for row in store.stories():
            print(row.story.label, store.summary(row.id))
"""

import logging

from storyline.config import StorylineConfig, load_config
from storyline.errors import (
    ConfigError,
    ExtractionError,
    FetchError,
    InputError,
    NotFoundError,
    StoreError,
    StorylineError,
)
from storyline.extract import extract_article
from storyline.ingest import HttpFetcher, read_paths
from storyline.model import (
    Article,
    ArticleDate,
    Citation,
    Failure,
    RawDocument,
    Span,
    Story,
    Summary,
    SummarySentence,
)
from storyline.pipeline import IngestReport, Pipeline
from storyline.store import Store
from storyline.summarize import summarize_articles
from storyline.watch import Watcher

__all__ = [
    "Article",
    "ArticleDate",
    "Citation",
    "ConfigError",
    "ExtractionError",
    "Failure",
    "FetchError",
    "HttpFetcher",
    "IngestReport",
    "InputError",
    "NotFoundError",
    "Pipeline",
    "RawDocument",
    "Span",
    "Store",
    "StoreError",
    "Story",
    "StorylineConfig",
    "StorylineError",
    "Summary",
    "SummarySentence",
    "Watcher",
    "extract_article",
    "load_config",
    "read_paths",
    "summarize_articles",
]

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
