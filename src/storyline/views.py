"""Read-side views over the store as plain, JSON-ready dicts.

The CLI prints them and the HTTP API returns them, so both show the same thing.
"""

from __future__ import annotations

from typing import Any

from storyline.model import Article, Failure, Summary
from storyline.store import Store, StoryRow

__all__ = ["article_view", "failure_view", "story_detail", "story_view", "summary_view"]


def article_view(article: Article, *, with_text: bool = False) -> dict[str, Any]:
    """Describe an article: metadata, and its text when asked."""
    view: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "authors": article.authors,
        "date": article.date.value if article.date else None,
        "date_precision": article.date.precision if article.date else None,
        "date_inferred": article.date.inferred if article.date else None,
        "date_source": article.date.source if article.date else None,
        "language": article.language,
        "credits": article.credits,
        "origin": article.origin,
        "extraction_method": article.extraction_method,
        "warnings": article.warnings,
    }
    if with_text:
        view["text"] = article.text
    return view


def story_view(row: StoryRow) -> dict[str, Any]:
    """Describe a story: id, label, size, dates and keywords."""
    story = row.story
    return {
        "id": story.id,
        "label": story.label,
        "size": len(story.article_ids),
        "first_seen": story.first_seen,
        "last_seen": story.last_seen,
        "keywords": story.keywords,
        "article_ids": story.article_ids,
    }


def summary_view(summary: Summary | None, articles: dict[str, Article]) -> list[dict[str, Any]]:
    """Describe summary sentences with citations (article id, span, kind and the cited text).

    A citation's ``kind`` is "exact" (the cited text is the sentence) or "variant" (another outlet's
    lightly edited copy of it, so the UI can mark it).
    """
    if summary is None:
        return []
    return [
        {
            "text": sentence.text,
            "citations": [
                {"article_id": c.article_id, "start": c.start, "end": c.end, "kind": c.kind,
                 "outlet": articles[c.article_id].outlet if c.article_id in articles else None,
                 "cited_text": articles[c.article_id].text[c.start : c.end] if c.article_id in articles else None}
                for c in sentence.citations
            ],
        }
        for sentence in summary.sentences
    ]


def story_detail(store: Store, story_id: str) -> dict[str, Any]:
    """Describe a story with its cited summary and its articles.

    Raises:
        NotFoundError: no story has this id.
    """
    row = store.story(story_id)
    articles = store.articles(row.story.article_ids)
    by_id = {a.id: a for a in articles}
    view = story_view(row)
    view["summary"] = summary_view(store.summary(story_id), by_id)
    view["articles"] = [article_view(a) for a in articles]
    return view


def failure_view(failure: Failure) -> dict[str, Any]:
    """Describe a failure: input, stage, error type and message."""
    return {"origin": failure.origin, "stage": failure.stage, "error_type": failure.error_type,
            "message": failure.message, "sha256": failure.sha256}
