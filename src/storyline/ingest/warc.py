"""Read WARC and WARC.gz files (warcio): one RawDocument per HTML response record.

Only ``response`` records with an HTTP 200 and an HTML content type become documents; requests,
metadata, redirects and non-HTML captures are skipped, as they hold no article. Each document
keeps the record's target URI (its origin and its ``url`` hint) and its WARC-Date (as
``fetched_at`` and ``metadata['warc_date']``: the capture time, not the publication date). The
body is de-chunked and decompressed by warcio; one over ``ingest.max_bytes`` fails alone, and a
damaged archive fails from the damaged record on, keeping what came before it. A truncated file
(a copy cut short, a crawl still being written) is a damaged archive too: warcio ends such a file
quietly, so the reader checks that the last gzip member and the last record are complete.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

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


def _checked_iterator(handle: BinaryIO) -> Any:
    """A warcio ArchiveIterator that notes whether the file ended inside a record.

    warcio stops without an error when a file is cut short: a gzip member that ends early leaves
    only its decompressor's ``eof`` flag unset (and ``close`` drops the decompressor), and a file
    cut inside a record's headers ends the iteration as if the file were over, although the
    record's first line (``next_line``) was already read.
    """
    from warcio.archiveiterator import ArchiveIterator

    class _Checked(ArchiveIterator):  # type: ignore[misc]
        cut_short = False

        def _next_record(self, next_line: Any) -> Any:
            try:
                return super()._next_record(next_line)
            except EOFError:
                if next_line:
                    self.cut_short = True
                raise

        def close(self) -> None:
            reader = self.reader
            decompressor = getattr(reader, "decompressor", None)
            if decompressor is not None and not decompressor.eof:
                self.cut_short = True
            super().close()

    return _Checked(handle)


def _drained(record: Any) -> bool:
    """Read what is left of a record's block; False when the file ends before its Content-Length."""
    stream = record.raw_stream
    while stream.read(1 << 16):
        pass
    return getattr(stream, "limit", 0) <= 0


def _document(record: Any, path: str, config: IngestConfig) -> RawDocument | Failure | None:
    """The document of one HTML 200 response record (a Failure when too large); None for other records."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if record.http_headers.get_statuscode() != "200":
        return None
    kind, charset = media_type(record.http_headers.get_header("Content-Type"))
    if kind not in _HTML:
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI") or f"{path}@{record.raw_stream.tell()}"
    content = record.content_stream().read(config.max_bytes + 1)
    if len(content) > config.max_bytes:
        error = TooLargeError(f"{uri}: WARC record body is over the limit of {config.max_bytes:,} "
                              f"bytes (ingest.max_bytes), in {path}", origin=uri)
        return _failure(uri, error, error.message)
    warc_date = record.rec_headers.get_header("WARC-Date")
    metadata = {"url": uri, "path": str(path)}
    for key, value in (("warc_date", warc_date), ("charset", charset),
                       ("warc_record_id", record.rec_headers.get_header("WARC-Record-ID"))):
        if value:
            metadata[key] = value
    return RawDocument.from_bytes(uri, content, kind, metadata=metadata, fetched_at=utc_iso(warc_date))


def _failure(origin: str, error: Exception, message: str) -> Failure:
    return Failure.of(origin, "ingest", error, message)


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
    from warcio.exceptions import ArchiveLoadFailed

    config = config or IngestConfig()
    records = 0
    try:
        iterator = _checked_iterator(handle)
        for record in iterator:
            records += 1
            if not record.format.startswith("warc"):
                # warcio reads legacy ARC too, and so takes arbitrary text lines for ARC records
                raise ValueError(f"not a WARC record at offset {record.raw_stream.tell()}")
            item = _document(record, path, config)
            if not _drained(record):
                uri = record.rec_headers.get_header("WARC-Target-URI") or "a record"
                raise EOFError(f"the file is truncated inside the {record.rec_type} record for {uri}")
            if item is not None:
                yield item
        if iterator.cut_short:
            raise EOFError("the file is truncated: its last record is incomplete" if records
                           else "no complete record: the file is empty or truncated")
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        error = MalformedRecordError(f"{path}: damaged WARC file ({exc}); records before the damage were read",
                                     origin=str(path))
        yield _failure(str(path), error, error.message)
