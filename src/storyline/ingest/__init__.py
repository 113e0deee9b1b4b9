"""Readers that turn inputs into RawDocuments (or Failures for inputs that cannot be read).

Readers never parse article content: that is extraction's job. They only find inputs, enforce
size limits and split container formats (one JSONL line, one WARC record is one RawDocument).
Local files are read directly; URLs and feeds only through a :class:`Fetcher` passed in
(``fetch.py``, the one network seam, with the SSRF guard of ``guard.py``).
"""

from storyline.ingest.feeds import Feed, FeedEntry, parse_feed
from storyline.ingest.fetch import Fetcher, FetchResponse, HttpFetcher
from storyline.ingest.files import CONTENT_TYPES, input_files, read_paths
from storyline.ingest.guard import AddressPolicy, blocked_reason
from storyline.ingest.sitemaps import Sitemap, parse_sitemap
from storyline.ingest.sources import Item, Source, SourceReader, classify, expand_sources, read_url_list
from storyline.ingest.uploads import read_jsonl_bytes, read_records, read_upload
from storyline.ingest.warc import is_warc, read_warc
from storyline.model import SourceState

__all__ = [
    "CONTENT_TYPES",
    "AddressPolicy",
    "Feed",
    "FeedEntry",
    "FetchResponse",
    "Fetcher",
    "HttpFetcher",
    "Item",
    "Sitemap",
    "Source",
    "SourceReader",
    "SourceState",
    "blocked_reason",
    "classify",
    "expand_sources",
    "input_files",
    "is_warc",
    "parse_feed",
    "parse_sitemap",
    "read_jsonl_bytes",
    "read_paths",
    "read_records",
    "read_upload",
    "read_url_list",
    "read_warc",
]
