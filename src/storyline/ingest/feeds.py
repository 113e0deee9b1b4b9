"""Parse RSS and Atom feeds (feedparser) into entries: id, link, title, date and inline content.

Parsing only: fetching the feed and its article pages is the source reader's job
(``ingest/sources.py``), through the fetcher. Relative links resolve against the URL the feed
was fetched from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storyline.errors import MalformedRecordError

__all__ = ["Feed", "FeedEntry", "parse_feed"]


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed."""

    id: str
    """The entry's stable id (guid/id, else its link, else a hash of its text)."""
    link: str | None
    title: str | None
    published: str | None
    """ISO-8601 UTC time the feed gives as published (or updated), if any."""
    content: str | None
    """Inline HTML (full content, else the summary), for entries that have no link."""


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed feed: its title and its entries in feed order (usually newest first)."""

    url: str
    title: str | None
    entries: list[FeedEntry]


def _iso(value: Any) -> str | None:
    """feedparser's UTC ``struct_time`` as an ISO-8601 string."""
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC).isoformat()
    except (TypeError, ValueError):
        return None


def _content(entry: Any) -> str | None:
    for part in entry.get("content") or []:
        if part.get("value", "").strip():
            return str(part["value"])
    summary = entry.get("summary")
    return str(summary) if summary and summary.strip() else None


def parse_feed(content: bytes, url: str, content_type: str | None = None) -> Feed:
    """Parse RSS 0.9x/1.0/2.0 or Atom bytes.

    Args:
        content: the feed document.
        url: where it was fetched from (relative links resolve against it).
        content_type: the response's Content-Type header, which may declare the charset.

    Returns:
        The feed with its entries.

    Raises:
        MalformedRecordError: the bytes are not an RSS or Atom feed.
    """
    import feedparser

    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(content, response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        problem = f" ({parsed.get('bozo_exception')})" if parsed.get("bozo") else ""
        raise MalformedRecordError(f"{url}: not an RSS or Atom feed{problem}", origin=url)
    entries = []
    for entry in parsed.entries:
        link = entry.get("link") or None
        if link and not str(link).lower().startswith(("http://", "https://")):
            link = None  # feedparser falls back to the entry id (e.g. a urn:), which is no page to fetch
        inline = _content(entry)
        ident = entry.get("id") or link
        if not ident:
            digest = hashlib.sha256(f"{entry.get('title', '')}\n{inline or ''}".encode()).hexdigest()
            ident = f"sha256:{digest[:32]}"
        entries.append(FeedEntry(
            id=str(ident), link=str(link) if link else None, title=entry.get("title") or None,
            published=_iso(entry.get("published_parsed") or entry.get("updated_parsed")), content=inline))
    return Feed(url=url, title=parsed.feed.get("title") or None, entries=entries)
