"""Atom feeds (RFC 4287) for feed readers: a story's new articles, a storyline's stories, what's new.

- a story's feed lists its articles, the last stored first (entry: title and outlet, lede, link to
  the article page and to the original);
- a storyline's feed lists its stories (entry: the story's label, its cited summary as text, how
  many articles and outlets); an entry's ``updated`` moves when the story gains an article, so a
  reader shows it again;
- the what's-new feed lists the stories that gained articles last, across the store.

Entry ids are ``urn:storyline:<kind>:<id>``: stable whatever host name the site is reached by.
Times are when storyline stored the article (what is new to a reader), the publication date
going in ``published`` when it is known. The XML is built with ElementTree, which escapes text;
characters XML 1.0 cannot carry (control characters, lone surrogates) are dropped first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.etree import ElementTree

from storyline.extract.urls import safe_url
from storyline.store import Store
from storyline.store.queries import (
    ArticleFilter,
    recent_articles,
    story_activity,
    story_listing,
    storyline_listing,
    storyline_stories,
)
from storyline.text import count_noun

__all__ = ["Feed", "FeedEntry", "render_atom", "story_feed", "storyline_feed", "whatsnew_feed"]

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_EPOCH = "1970-01-01T00:00:00+00:00"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry: ``link`` is a site path ("/articles/a-..."), ``related`` an absolute URL (the original)."""

    id: str
    title: str
    updated: str
    link: str
    summary: str = ""
    published: str | None = None
    author: str | None = None
    related: str | None = None


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed: ``link`` is the site path of the page it follows, ``self_path`` its own path."""

    id: str
    title: str
    subtitle: str
    link: str
    self_path: str
    entries: list[FeedEntry] = field(default_factory=list)

    @property
    def updated(self) -> str:
        """The newest entry's time (the epoch for an empty feed: Atom requires one)."""
        return max((e.updated for e in self.entries), default=_EPOCH)


def rfc3339(value: str | None) -> str | None:
    """Return an ISO date or date-time as an RFC 3339 time (UTC assumed when none is given), else None.

    >>> rfc3339("2025-03-04"), rfc3339("2025-03-04T13:40:00+01:00"), rfc3339("not a date")
    ('2025-03-04T00:00:00+00:00', '2025-03-04T13:40:00+01:00', None)
    """
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def story_feed(store: Store, story_id: str, *, limit: int = 50) -> Feed:
    """The feed of a story: its articles, the last stored first.

    Raises:
        NotFoundError: no story has this id.
    """
    story = story_listing(store, story_id)
    entries = [FeedEntry(
        id=f"urn:storyline:article:{header.id}",
        title=f"{header.title or '(untitled)'} ({header.outlet or 'unknown outlet'})",
        updated=rfc3339(stored) or _EPOCH, link=f"/articles/{header.id}", summary=header.lede,
        published=rfc3339(header.date) if header.date and not header.date_inferred else None,
        author=header.outlet, related=header.url)
        for header, stored in recent_articles(store, ArticleFilter(story_id=story_id), limit=limit)]
    return Feed(f"urn:storyline:story:{story_id}", story.label or story_id,
                f"New articles in this story ({count_noun(story.size, 'article')} so far), from storyline",
                f"/stories/{story_id}", f"/stories/{story_id}/feed.atom", entries)


def _story_entries(store: Store, story_ids: list[str] | None, limit: int) -> list[FeedEntry]:
    entries = []
    for listing, first_stored, last_stored, outlets in story_activity(store, story_ids, limit=limit):
        summary = store.summary(listing.id)
        text = " ".join(s.text for s in summary.sentences) if summary else ""
        facts = (f"{count_noun(listing.size, 'article')} from {count_noun(outlets, 'outlet')}, "
                 f"{listing.first_seen or '?'} to {listing.last_seen or '?'}.")
        entries.append(FeedEntry(id=f"urn:storyline:story:{listing.id}", title=listing.label or listing.id,
                                 updated=rfc3339(last_stored) or _EPOCH, link=f"/stories/{listing.id}",
                                 summary=f"{facts} {text}".strip(), published=rfc3339(first_stored)))
    return entries


def storyline_feed(store: Store, storyline_id: str, *, limit: int = 50) -> Feed:
    """The feed of a storyline: its stories, the one that gained an article last first.

    A storyline merged into another gives the feed of the one it was merged into.

    Raises:
        NotFoundError: no storyline has this id.
    """
    line = storyline_listing(store, storyline_id)
    seen = {line.id}
    while line.merged_into and line.merged_into not in seen:
        seen.add(line.merged_into)
        line = storyline_listing(store, line.merged_into)
    ids = [s.id for s in storyline_stories(store, line.id)]
    return Feed(f"urn:storyline:storyline:{line.id}", line.label or line.id,
                f"New and growing stories of this storyline ({count_noun(line.stories, 'story', 'stories')} so far), "
                "from storyline", f"/storylines/{line.id}", f"/storylines/{line.id}/feed.atom",
                _story_entries(store, ids, limit))


def whatsnew_feed(store: Store, *, limit: int = 50) -> Feed:
    """The what's-new feed: the stories that gained articles last, across the store."""
    return Feed("urn:storyline:whatsnew", "What's new", "Stories that gained articles last, from storyline",
                "/whatsnew", "/whatsnew/feed.atom", _story_entries(store, None, limit))


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _add(parent: ElementTree.Element, tag: str, text: str | None = None, **attributes: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag, {k: _text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = _text(text)
    return element


def render_atom(feed: Feed, base_url: str) -> bytes:
    """Serialise a feed as an Atom document (UTF-8); ``base_url`` makes the site paths absolute."""
    base = base_url.rstrip("/")
    root = ElementTree.Element("feed", {"xmlns": ATOM})  # the default namespace: every element is Atom
    _add(root, "id", feed.id)
    _add(root, "title", feed.title)
    _add(root, "subtitle", feed.subtitle)
    _add(root, "updated", feed.updated)
    _add(root, "link", rel="self", type=MEDIA_TYPE, href=base + feed.self_path)
    _add(root, "link", rel="alternate", type="text/html", href=base + feed.link)
    _add(_add(root, "author"), "name", "storyline")
    _add(root, "generator", "storyline")
    for entry in feed.entries:
        item = _add(root, "entry")
        _add(item, "id", entry.id)
        _add(item, "title", entry.title)
        _add(item, "updated", entry.updated)
        if entry.published:
            _add(item, "published", entry.published)
        _add(item, "link", rel="alternate", type="text/html", href=base + entry.link)
        related = safe_url(entry.related)[0]
        if related:
            _add(item, "link", rel="related", href=related)
        if entry.author:
            _add(_add(item, "author"), "name", entry.author)
        if entry.summary:
            _add(item, "summary", entry.summary, type="text")
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
