"""Sources: what ``storyline ingest`` and ``storyline watch`` read, and how each kind is read.

A source is a local path (file or directory), a WARC file, a URL (an article page, or an
RSS/Atom feed or XML sitemap: told apart by the response's content type and root element) or a
URL-list file (one URL per line, ``#`` comments), which expands into URL sources.
:class:`SourceReader` turns one source into :class:`Item` s, each a RawDocument or a Failure plus
the key under which it is remembered as seen.

A directory yields its readable files and the WARC files in it, in sorted order.

Per-source state (:class:`SourceState`: feed validators and seen keys) comes in from the store
and goes back to it; the reader itself never touches the store, only the fetcher. Feeds always
use their state: a conditional GET (ETag / Last-Modified) and only entries not seen before. With
``remember=True`` (watch mode) paths, WARC files and page URLs are remembered too, so an unchanged
file or an already fetched page is not read again.

A failure of the whole source (a missing path, a feed that answers 404) is raised as a
StorylineError; the failure of one entry is an Item holding a Failure, and the source carries on.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from storyline.config import StorylineConfig
from storyline.errors import FetchError, InputError, MalformedRecordError
from storyline.ingest.feeds import Feed, parse_feed
from storyline.ingest.fetch import Fetcher, FetchResponse
from storyline.ingest.files import input_files, read_paths
from storyline.ingest.sitemaps import is_sitemap, parse_sitemap
from storyline.ingest.warc import is_warc, read_warc
from storyline.model import Failure, RawDocument, SourceState

__all__ = ["Item", "Source", "SourceReader", "classify", "expand_sources", "read_url_list"]

SOURCE_KINDS = ("path", "warc", "url", "urls")
_URL = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(frozen=True, slots=True, order=True)
class Source:
    """One input named by the user: ``kind`` is "path", "warc", "url" or "urls" (a URL-list file)."""

    kind: str
    ref: str

    def __post_init__(self) -> None:
        if self.kind not in SOURCE_KINDS:
            raise ValueError(f"source kind must be one of {SOURCE_KINDS}, not {self.kind!r}")


def classify(arg: str) -> Source:
    """Tell what a command-line input is: a URL, a WARC file or a path.

    >>> classify("https://news.example/feed.xml"), classify("crawl.warc.gz").kind, classify("articles/").kind
    (Source(kind='url', ref='https://news.example/feed.xml'), 'warc', 'path')
    """
    if _URL.match(arg):
        return Source("url", arg)
    return Source("warc" if is_warc(arg) else "path", arg)


def read_url_list(path: str | Path) -> list[str]:
    """Return the URLs of a URL-list file: one per line, blank lines and ``#`` comments skipped.

    Raises:
        InputError: the file cannot be read.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read URL list: {exc}", origin=str(path)) from exc
    urls = (re.split(r"\s+#", line.strip(), maxsplit=1)[0] for line in lines)
    return list(dict.fromkeys(u for u in urls if u and not u.startswith("#")))


def expand_sources(sources: Iterable[Source]) -> Iterator[Source | Failure]:
    """Replace URL-list sources by one URL source per listed URL (a list that cannot be read fails)."""
    for source in sources:
        if source.kind != "urls":
            yield source
            continue
        try:
            urls = read_url_list(source.ref)
        except InputError as exc:
            yield Failure.of(source.ref, "ingest", exc)
            continue
        for url in urls:
            yield Source("url", url)


@dataclass(frozen=True, slots=True)
class Item:
    """A document (or failure) read from a source, and the key to remember it by once stored."""

    doc: RawDocument | Failure
    key: str | None = None


def _fetch_failure(exc: FetchError, origin: str) -> Failure:
    return Failure.of(origin, "fetch", exc)


def page_document(response: FetchResponse, metadata: dict[str, str] | None = None) -> RawDocument:
    """Wrap a fetched page as a RawDocument: origin is the URL asked for, ``url`` the final one."""
    meta = {k: v for k, v in (metadata or {}).items() if v}
    meta["url"] = response.final_url
    if response.charset:
        meta["charset"] = response.charset  # the HTTP header outranks <meta charset> when decoding
    return RawDocument.from_bytes(response.url, response.content, response.media_type, metadata=meta)


class SourceReader:
    """Read sources into Items.

    Args:
        config: ingest limits and fetch settings (accepted content types, feed item cap).
        fetcher: the network seam; None when only local sources may be read.
        remember: also remember paths, WARC files and pages as seen (watch mode).
    """

    def __init__(self, config: StorylineConfig, fetcher: Fetcher | None = None, *, remember: bool = False) -> None:
        self.config = config
        self.fetcher = fetcher
        self.remember = remember

    def read(self, source: Source, state: SourceState) -> Iterator[Item]:
        """Yield the new items of one source, updating ``state``'s feed validators as it goes.

        Raises:
            StorylineError: the source as a whole cannot be read (reported as its Failure).
        """
        if source.kind == "url":
            yield from self._read_url(source.ref, state)
        elif source.kind in ("path", "warc"):
            yield from self._read_local(source, state)
        else:
            raise InputError(f"{source.ref}: expand URL lists with expand_sources() before reading",
                             origin=source.ref)

    # -- local files -------------------------------------------------------------------------
    def _read_local(self, source: Source, state: SourceState) -> Iterator[Item]:
        path = Path(source.ref)
        if not path.exists():
            raise InputError(f"{path}: no such file or directory", origin=str(path))
        if source.kind == "warc" or (path.is_file() and is_warc(path)):
            files = [path]
        elif path.is_dir():
            # crawlers drop WARC files into a folder next to saved pages: read both
            warcs = {p for p in path.rglob("*") if p.is_file() and is_warc(p)
                     and not any(part.startswith(".") for part in p.relative_to(path).parts)}
            files = sorted(set(input_files([path], self.config.ingest)) | warcs)
        else:
            files = [path]
        for file in files:
            key = None
            if self.remember:
                stat = file.stat()
                key = f"{file}|{stat.st_size}|{stat.st_mtime_ns}"
                if key in state.seen:
                    continue
            docs = read_warc(file, self.config.ingest) if is_warc(file) else read_paths([file], self.config.ingest)
            # remember the file only with its last document, so a crash mid-file reads it again
            previous: RawDocument | Failure | None = None
            for doc in docs:
                if previous is not None:
                    yield Item(previous)
                previous = doc
            if previous is not None:
                yield Item(previous, key)

    # -- URLs and feeds ----------------------------------------------------------------------
    def _require_fetcher(self, url: str) -> Fetcher:
        if self.fetcher is None:
            raise FetchError(f"{url}: no fetcher given; URLs cannot be read here", origin=url)
        return self.fetcher

    def _read_url(self, url: str, state: SourceState) -> Iterator[Item]:
        fetcher = self._require_fetcher(url)
        if self.remember and url in state.seen:
            return
        fetch = self.config.fetch
        response = fetcher.fetch(url, accept=(*fetch.page_types, *fetch.feed_types),
                                 headers=state.conditional_headers())
        if response.not_modified:
            return
        if response.media_type in fetch.feed_types:
            if is_sitemap(response.content):
                feed = yield from self._sitemap_feed(response)
            else:
                feed = parse_feed(response.content, response.final_url,
                                  f"{response.media_type}; charset={response.charset}" if response.charset else None)
            yield from self._read_feed(feed, response, state)
            return
        yield Item(page_document(response), url if self.remember else None)

    def _sitemap_feed(self, response: FetchResponse) -> Generator[Item, None, Feed]:
        """Read a sitemap as a feed; a sitemap index's children are fetched (one level deep)."""
        sitemap = parse_sitemap(response.content, response.final_url)
        entries = list(sitemap.entries)
        for child in sitemap.children:
            try:
                answer = self._require_fetcher(child).fetch(child, accept=self.config.fetch.feed_types)
                entries.extend(parse_sitemap(answer.content, answer.final_url).entries)
            except (FetchError, MalformedRecordError) as exc:
                yield Item(Failure.of(child, "fetch", exc))
        entries.sort(key=lambda e: e.published or "", reverse=True)
        return Feed(url=response.url, title=None, entries=entries)

    def _read_feed(self, feed: Feed, response: FetchResponse, state: SourceState) -> Iterator[Item]:
        """Fetch the feed's unseen entries; keep the validators only when none is left to retry."""
        fetcher = self._require_fetcher(response.url)
        fetch = self.config.fetch
        fresh = [e for e in feed.entries if e.id not in state.seen]
        taken = fresh[: fetch.max_feed_items]
        retry_later = len(fresh) > len(taken)
        for entry in taken:
            metadata = {"title": entry.title or "", "date": entry.published or "", "feed": response.url,
                        "feed_title": feed.title or "", "feed_entry_id": entry.id}
            if entry.link:
                try:
                    page = fetcher.fetch(entry.link, accept=fetch.page_types)
                except FetchError as exc:
                    # a final failure (404, refused, wrong type) is remembered with its Failure;
                    # a passing one (timeout, 5xx) is tried again at the next poll
                    retry_later |= exc.transient
                    yield Item(_fetch_failure(exc, entry.link), None if exc.transient else entry.id)
                    continue
                yield Item(page_document(page, metadata), entry.id)
            elif entry.content:
                inline = {k: v for k, v in metadata.items() if v} | {"charset": "utf-8"}
                yield Item(RawDocument.from_bytes(f"{response.url}#{entry.id}", entry.content.encode("utf-8"),
                                                  "text/html", metadata=inline), entry.id)
        if not retry_later:
            # with validators stored, an unchanged feed answers 304 and costs nothing to poll
            state.etag, state.last_modified = response.etag, response.last_modified
        else:
            state.etag = state.last_modified = None
