"""Read WARC and WARC.gz files (warcio): one RawDocument per HTML response record.

Only ``response`` records with an HTTP 200 and an HTML content type become documents; requests,
metadata, redirects and non-HTML captures are skipped, as they hold no article. Each document
keeps the record's target URI (its origin and its ``url`` hint) and its WARC-Date (as
``fetched_at`` and ``metadata['warc_date']``: the capture time, not the publication date). The
body is de-chunked and decompressed by warcio; one over ``ingest.max_bytes`` fails alone, and a
damaged archive fails from the damaged record on, keeping what came before it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from storyline.config import IngestConfig
from storyline.errors import MalformedRecordError, TooLargeError
from storyline.ingest.fetch import media_type
from storyline.model import Failure, RawDocument, utc_iso

__all__ = ["WARC_SUFFIXES", "is_warc", "read_warc", "read_warc_stream"]

WARC_SUFFIXES = (".warc", ".warc.gz")
_HTML = ("text/html", "application/xhtml+xml")


def is_warc(path: str | Path) -> bool:
    """Return True when a path names a WARC file (``.warc`` or ``.warc.gz``).

    >>> is_warc("crawl-00001.warc.gz"), is_warc("page.html")
    (True, False)
    """
    return str(path).lower().endswith(WARC_SUFFIXES)


def _failure(origin: str, error: Exception, message: str) -> Failure:
    return Failure(origin=origin, stage="ingest", error_type=type(error).__name__, message=message)


def read_warc(path: str | Path, config: IngestConfig | None = None) -> Iterator[RawDocument | Failure]:
    """Yield a RawDocument for every HTML response record of a WARC file, a Failure for bad ones.

    Args:
        path: a ``.warc`` or ``.warc.gz`` file (gzip is detected from the content).
        config: the size limit; defaults when None.
    """
    config = config or IngestConfig()
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield _failure(str(path), exc, f"{path}: cannot open WARC file: {exc.strerror or exc}")
        return
    with handle:
        yield from read_warc_stream(handle, str(path), config)


def read_warc_stream(handle: BinaryIO, path: str, config: IngestConfig | None = None
                     ) -> Iterator[RawDocument | Failure]:
    """Read an open WARC stream as :func:`read_warc` does (shared with the Spark reader in ``scale/``).

    Args:
        handle: the WARC bytes (gzip detected from the content).
        path: the file's name, used in failures and ``metadata['path']``.
        config: the size limit; defaults when None.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    config = config or IngestConfig()
    try:
        for record in ArchiveIterator(handle):
            if not record.format.startswith("warc"):
                # warcio reads legacy ARC too, and so takes arbitrary text lines for ARC records
                raise ValueError(f"not a WARC record at offset {record.raw_stream.tell()}")
            if record.rec_type != "response" or record.http_headers is None:
                continue
            if record.http_headers.get_statuscode() != "200":
                continue
            kind, charset = media_type(record.http_headers.get_header("Content-Type"))
            if kind not in _HTML:
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or f"{path}@{record.raw_stream.tell()}"
            content = record.content_stream().read(config.max_bytes + 1)
            if len(content) > config.max_bytes:
                error = TooLargeError(f"{uri}: WARC record body is over the limit of {config.max_bytes:,} "
                                      f"bytes (ingest.max_bytes), in {path}", origin=uri)
                yield _failure(uri, error, error.message)
                continue
            warc_date = record.rec_headers.get_header("WARC-Date")
            metadata = {"url": uri, "path": str(path)}
            for key, value in (("warc_date", warc_date), ("charset", charset),
                               ("warc_record_id", record.rec_headers.get_header("WARC-Record-ID"))):
                if value:
                    metadata[key] = value
            yield RawDocument.from_bytes(uri, content, kind, metadata=metadata, fetched_at=utc_iso(warc_date))
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        error = MalformedRecordError(f"{path}: damaged WARC file ({exc}); records before the damage were read",
                                     origin=str(path))
        yield _failure(str(path), error, error.message)
