"""Read-side views over the store as plain, JSON-ready dicts.

The CLI prints them and the HTTP API returns them, so both show the same thing.
"""

from __future__ import annotations

from typing import Any

from storyline.config import StorylineConfig
from storyline.model import Article, Failure, Summary
from storyline.report import timeline_view
from storyline.store import Store, StoryRow
from storyline.store import storylines as storylines_store
from storyline.store.storylines import StorylineRow
from storyline.summarize import build_timeline

__all__ = ["article_view", "failure_view", "story_detail", "story_view", "storyline_view", "summary_view",
           "whatsnew_view"]


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
    """Describe summary sentences with citations (article id, span, and the cited text)."""
    if summary is None:
        return []
    return [
        {
            "text": sentence.text,
            "citations": [
                {"article_id": c.article_id, "start": c.start, "end": c.end,
                 "outlet": articles[c.article_id].outlet if c.article_id in articles else None,
                 "cited_text": articles[c.article_id].text[c.start : c.end] if c.article_id in articles else None}
                for c in sentence.citations
            ],
        }
        for sentence in summary.sentences
    ]


def story_detail(store: Store, story_id: str, config: StorylineConfig | None = None) -> dict[str, Any]:
    """Describe a story with its cited summary, its dated timeline (computed) and its articles.

    Raises:
        NotFoundError: no story has this id.
    """
    row = store.story(story_id)
    articles = store.articles(row.story.article_ids)
    by_id = {a.id: a for a in articles}
    view = story_view(row)
    view["summary"] = summary_view(store.summary(story_id), by_id)
    view["timeline"] = timeline_view(build_timeline(story_id, articles, (config or StorylineConfig()).timeline), by_id)
    view["articles"] = [article_view(a) for a in articles]
    return view


def failure_view(failure: Failure) -> dict[str, Any]:
    """Describe a failure: input, stage, error type and message."""
    return {"origin": failure.origin, "stage": failure.stage, "error_type": failure.error_type,
            "message": failure.message, "sha256": failure.sha256}


def storyline_view(row: StorylineRow) -> dict[str, Any]:
    """Describe a storyline: id, label, date range, its stories (oldest first) and its history."""
    line = row.storyline
    return {
        "id": line.id,
        "label": line.label,
        "first_seen": row.first_seen,
        "last_seen": row.last_seen,
        "merged_into": row.merged_into,
        "size": sum(len(s.story.article_ids) for s in row.stories),
        "stories": [{k: v for k, v in story_view(s).items() if k != "article_ids"} for s in row.stories],
        "history": [{"kind": e.kind, "at": e.at, "detail": e.detail} for e in line.history],
    }


def whatsnew_view(store: Store, *, since: str | None = None, ingested_since: str | None = None,
                  ) -> list[dict[str, Any]]:
    """Per storyline, the stories and articles new since a day (published) or a moment (ingested).

    A story is new when it began in that period (first published on or after ``since``, or first
    stored at or after ``ingested_since``); its other articles are listed as new articles.
    """
    rows = storylines_store.whatsnew_rows(store, published_since=since, ingested_since=ingested_since)
    lines = {row.storyline.id: row for row in storylines_store.load_storylines(store)}
    grouped: dict[str, dict[str, Any]] = {}
    for r in rows:
        line_id = r["storyline_id"] or r["story_id"]
        line = lines.get(line_id)
        entry = grouped.setdefault(line_id, {
            "storyline_id": line_id, "label": line.storyline.label if line else "", "new_stories": [],
            "articles": [], "first_seen": line.first_seen if line else None,
            "last_seen": line.last_seen if line else None})
        story_new = (r["story_first"] or "") >= since if since is not None else (r["story_created"] or "") >= (
            ingested_since or "")
        if story_new and r["story_id"] not in {s["id"] for s in entry["new_stories"]}:
            story = next((s for s in (line.stories if line else []) if s.id == r["story_id"]), None)
            entry["new_stories"].append({"id": r["story_id"], "label": story.story.label if story else "",
                                         "first_seen": r["story_first"]})
        entry["articles"].append({"id": r["id"], "title": r["title"], "outlet": r["outlet"], "date": r["day"],
                                  "ingested_at": r["ingested_at"], "story_id": r["story_id"], "new_story": story_new})
    return sorted(grouped.values(), key=lambda e: (e["last_seen"] or "", e["storyline_id"]), reverse=True)
