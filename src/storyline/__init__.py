"""storyline: turn raw news articles into stories you can follow.

Typical use::

    from storyline import Pipeline, Store

    with Store("news.db") as store:
        report = Pipeline(store).run(["articles/"])
        for row in store.stories():
            print(row.story.label, store.summary(row.id))

The names below are imported on first use (PEP 562), so ``import storyline`` stays cheap: a
command that only reads the store never loads the extraction or NLP stages.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_EXPORTS = {
    "Article": "storyline.model",
    "ArticleDate": "storyline.model",
    "Citation": "storyline.model",
    "ConfigError": "storyline.errors",
    "ExtractionError": "storyline.errors",
    "Failure": "storyline.model",
    "FetchError": "storyline.errors",
    "HttpFetcher": "storyline.ingest",
    "IngestReport": "storyline.pipeline",
    "InputError": "storyline.errors",
    "NotFoundError": "storyline.errors",
    "Pipeline": "storyline.pipeline",
    "RawDocument": "storyline.model",
    "Span": "storyline.model",
    "Store": "storyline.store",
    "StoreError": "storyline.errors",
    "Story": "storyline.model",
    "StorylineConfig": "storyline.config",
    "StorylineError": "storyline.errors",
    "Summary": "storyline.model",
    "SummarySentence": "storyline.model",
    "Watcher": "storyline.watch",
    "extract_article": "storyline.extract",
    "load_config": "storyline.config",
    "read_paths": "storyline.ingest",
    "summarize_articles": "storyline.summarize",
}

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


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'storyline' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return [*__all__, "__version__"]


logging.getLogger(__name__).addHandler(logging.NullHandler())
