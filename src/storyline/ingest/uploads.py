"""Read inputs that arrive as bytes rather than paths: uploaded files, pasted JSONL, JSON records.

The HTTP API and web UI use these; they follow the file readers' rules (same content types, same
size limit, one JSONL line is one RawDocument with its own origin) so an upload and the same file
ingested from disk become the same article.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import PurePath
from typing import Any

from storyline.config import IngestConfig
from storyline.errors import MalformedRecordError, TooLargeError, UnsupportedFormatError
from storyline.ingest.files import CONTENT_TYPES, GZIP, file_type, inflate_limited, read_jsonl_gzip, read_jsonl_stream
from storyline.model import Failure, RawDocument

__all__ = ["read_jsonl_bytes", "read_records", "read_upload"]


def _failure(origin: str, error: Exception) -> Failure:
    return Failure.of(origin, "ingest", error)


def read_jsonl_bytes(origin: str, content: bytes,
                     config: IngestConfig | None = None) -> Iterator[RawDocument | Failure]:
    """Yield one RawDocument per non-blank JSONL line (origin ``<origin>#L<n>``), a Failure for oversized lines.

    The file reader's ``read_jsonl_stream`` over the bytes, so an upload and the same file read
    from disk split into the same lines; the name is kept under ``metadata['upload']``.
    """
    yield from read_jsonl_stream(io.BytesIO(content), origin, config, source_key="upload")


def read_upload(filename: str, content: bytes, config: IngestConfig | None = None) -> Iterator[RawDocument | Failure]:
    """Yield the RawDocuments of one uploaded file (``.txt``, ``.html``/``.htm`` or ``.jsonl``, each also gzipped).

    Only the file name's last component is kept (``upload:<name>``): a client-supplied path says
    nothing trustworthy about where the file came from.
    """
    config = config or IngestConfig()
    name = PurePath(filename.replace("\\", "/")).name or "unnamed"
    origin = f"upload:{name}"
    suffix = file_type(name)
    if suffix not in config.extensions or suffix.removesuffix(GZIP) not in CONTENT_TYPES:
        yield _failure(origin, UnsupportedFormatError(
            f"{origin}: unsupported file type {suffix or '(none)'!r}; storyline reads {', '.join(config.extensions)}",
            origin=origin))
        return
    if suffix == ".jsonl.gz":
        yield from read_jsonl_gzip(gzip.GzipFile(fileobj=io.BytesIO(content)), origin, config, source_key="upload")
        return
    if suffix == ".jsonl":
        yield from read_jsonl_bytes(origin, content, config)
        return
    if suffix.endswith(GZIP):  # inflated up to the limit, as a gzipped file on disk is
        inflated = inflate_limited(gzip.GzipFile(fileobj=io.BytesIO(content)), origin, config)
        if isinstance(inflated, Failure):
            yield inflated
            return
        content, suffix = inflated, suffix.removesuffix(GZIP)
    if len(content) > config.max_bytes:
        yield _failure(origin, TooLargeError(
            f"{origin}: file is {len(content):,} bytes, over the limit of {config.max_bytes:,} (ingest.max_bytes)",
            origin=origin))
        return
    yield RawDocument.from_bytes(origin, content, CONTENT_TYPES[suffix], metadata={"upload": name})


def read_records(origin: str, records: Iterable[Any], config: IngestConfig | None = None
                 ) -> Iterator[RawDocument | Failure]:
    """Yield a RawDocument per JSON article record (the JSONL schema: ``text`` or ``html``, ``title``, ...).

    A record that is not a JSON object is a Failure; field checks are extraction's job, as for JSONL.
    """
    config = config or IngestConfig()
    for number, record in enumerate(records, start=1):
        record_origin = f"{origin}#{number}"
        if not isinstance(record, dict):
            yield _failure(record_origin, MalformedRecordError(
                f"{record_origin}: an article record must be a JSON object, not {type(record).__name__}",
                origin=record_origin))
            continue
        content = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
        if len(content) > config.max_bytes:
            yield _failure(record_origin, TooLargeError(
                f"{record_origin}: record is {len(content):,} bytes, over the limit of {config.max_bytes:,} "
                "(ingest.max_bytes)", origin=record_origin))
            continue
        yield RawDocument.from_bytes(record_origin, content, CONTENT_TYPES[".jsonl"], metadata={"upload": origin})
