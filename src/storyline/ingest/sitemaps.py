"""Parse XML sitemaps (``urlset`` and ``sitemapindex``), including Google News sitemap tags.

A sitemap is read like a feed: each ``<url>`` becomes a FeedEntry (id and link: its ``<loc>``;
title and date from ``<news:title>`` / ``<news:publication_date>``, else ``<lastmod>``). A sitemap
index lists further sitemaps, which the source reader fetches (one level deep).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

from storyline.errors import MalformedRecordError
from storyline.ingest.feeds import FeedEntry
from storyline.model import utc_iso

__all__ = ["Sitemap", "is_sitemap", "parse_sitemap"]

_ROOT = re.compile(rb"<(?:[A-Za-z0-9_]+:)?(urlset|sitemapindex)[\s>]")


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A parsed sitemap: page entries (``urlset``) or child sitemap URLs (``sitemapindex``)."""

    url: str
    entries: list[FeedEntry]
    children: list[str]


def is_sitemap(content: bytes) -> bool:
    """Return True when XML bytes are a sitemap (its root is ``urlset`` or ``sitemapindex``).

    >>> is_sitemap(b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    True
    """
    return _ROOT.search(content[:2048]) is not None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(element: ElementTree.Element, name: str) -> str | None:
    for child in element.iter():
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def parse_sitemap(content: bytes, url: str) -> Sitemap:
    """Parse sitemap bytes.

    Raises:
        MalformedRecordError: the bytes are not well-formed XML or not a sitemap.
    """
    try:
        # expat refuses entity expansion bombs, and ElementTree never loads external entities
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        raise MalformedRecordError(f"{url}: sitemap is not well-formed XML ({exc})", origin=url) from exc
    kind = _local(root.tag)
    if kind == "sitemapindex":
        children = [loc for item in root if _local(item.tag) == "sitemap" and (loc := _child_text(item, "loc"))]
        return Sitemap(url, [], children)
    if kind != "urlset":
        raise MalformedRecordError(f"{url}: not a sitemap (root element <{kind}>)", origin=url)
    entries = []
    for item in root:
        loc = _child_text(item, "loc") if _local(item.tag) == "url" else None
        if loc and loc.lower().startswith(("http://", "https://")):
            published = utc_iso(_child_text(item, "publication_date") or _child_text(item, "lastmod"))
            entries.append(FeedEntry(id=loc, link=loc, title=_child_text(item, "title"), published=published,
                                     content=None))
    # newest first, like a feed, so a per-poll cap takes the latest pages
    entries.sort(key=lambda e: e.published or "", reverse=True)
    return Sitemap(url, entries, [])
