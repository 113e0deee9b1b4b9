"""Read files and directories: ``.txt``, ``.html``/``.htm`` and ``.jsonl``, each also gzipped (``.html.gz``).

Directories are walked recursively in sorted order (hidden files and symlinks skipped); files whose type is
not read are skipped there (:func:`skipped_files` says which and why) but reported as failures when
named explicitly. A file over the size limit is refused before it is read; a gzipped one is
inflated only up to the limit, so a gzip bomb costs no more than a file at the limit. A JSONL file is
read line by line, each non-blank line its own RawDocument with origin ``path#L<n>``, so one
malformed line fails alone.
"""

from __future__ import annotations

import gzip
import stat
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from storyline.config import IngestConfig
from storyline.errors import DecodeError, TooLargeError, UnsupportedFormatError
from storyline.ingest.warc import is_warc
from storyline.model import Failure, RawDocument

__all__ = ["CONTENT_TYPES", "GZIP", "document_from_bytes", "file_type", "inflate_limited", "input_files",
           "read_jsonl_gzip", "read_jsonl_stream", "read_paths", "skipped_files"]

CONTENT_TYPES = {
    ".txt": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".jsonl": "application/x-jsonl-record",
}


GZIP = ".gz"
_GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)
SYMLINK = "symbolic link (name the file itself to read it)"
UNSUPPORTED = "unsupported type "
HIDDEN = "hidden (its name or a folder's starts with a dot)"


def file_type(path: str | Path) -> str:
    """The type of a file by its name, with ``.gz`` kept on: gzipped HTML is ``.html.gz``.

    >>> file_type("a/Page.HTML.gz"), file_type("notes.txt"), file_type("crawl.warc.gz"), file_type("README")
    ('.html.gz', '.txt', '.warc.gz', '')
    """
    suffixes = [s.lower() for s in Path(path).suffixes]
    if len(suffixes) >= 2 and suffixes[-1] == GZIP:
        return suffixes[-2] + GZIP
    return suffixes[-1] if suffixes else ""


def _readable(kind: str, config: IngestConfig) -> bool:
    return kind in config.extensions and kind.removesuffix(GZIP) in CONTENT_TYPES


def _failure(origin: str, error: Exception) -> Failure:
    return Failure.of(origin, "ingest", error)


def _origin(path: Path) -> str:
    """Name a file for the store: undecodable bytes in its name (surrogate escapes) become ``\\xNN``."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _folder(folder: Path, config: IngestConfig) -> Iterator[tuple[Path, str | None]]:
    """Yield every file under ``folder`` (sorted) with why it is not read, or None when it is."""
    for child in sorted(p for p in folder.rglob("*") if p.is_symlink() or p.is_file()):
        if child.is_symlink():
            # symlinks are not followed inside a walked folder: a link dropped into a watched inbox
            # must not pull files from elsewhere on the machine into the store (name them explicitly)
            yield child, SYMLINK
        elif any(part.startswith(".") for part in child.relative_to(folder).parts):
            yield child, HIDDEN
        elif _readable(file_type(child), config) or is_warc(child):
            yield child, None
        else:
            yield child, UNSUPPORTED + (file_type(child) or "(no extension)")


def _files(paths: Iterable[str | Path], config: IngestConfig) -> Iterator[tuple[Path, bool]]:
    """Yield ``(file, named_explicitly)`` for every input file, sorted within directories (WARC files aside)."""
    for path in map(Path, paths):
        if path.is_dir():
            for child, reason in _folder(path, config):
                if reason is None and not is_warc(child):
                    yield child, False
        else:
            yield path, True


def skipped_files(paths: Iterable[str | Path], config: IngestConfig | None = None) -> list[tuple[str, str]]:
    """Return ``(file, reason)`` for every file inside the folders among ``paths`` that ingest does not read.

    Reasons: an unsupported type (``unsupported type .docx``), a hidden file, a symbolic link.
    Files named directly are never skipped: they are read or fail with a Failure.
    """
    config = config or IngestConfig()
    return [(_origin(child), reason) for path in map(Path, paths) if path.is_dir()
            for child, reason in _folder(path, config) if reason is not None]


def _read_line(handle: BinaryIO, limit: int) -> tuple[bytes, int]:
    """Read one line, keeping at most ``limit + 1`` bytes of it; return ``(kept bytes, full length)``.

    An over-long line is skipped in chunks rather than held in memory, so one 5 GB line costs
    no more memory than the limit.
    """
    line = handle.readline(limit + 1)
    size = len(line)
    if size > limit and not line.endswith(b"\n"):
        while chunk := handle.readline(1 << 20):
            size += len(chunk)
            if chunk.endswith(b"\n"):
                break
    return line, size


def input_files(paths: Iterable[str | Path], config: IngestConfig | None = None) -> Iterator[Path]:
    """Yield the files ``read_paths`` would read (directories walked in sorted order)."""
    for path, _explicit in _files(paths, config or IngestConfig()):
        yield path


def read_jsonl_stream(handle: BinaryIO, name: str, config: IngestConfig | None = None, *,
                      source_key: str = "path") -> Iterator[RawDocument | Failure]:
    """Yield one RawDocument per non-blank line of an open JSONL file (origin ``name#L<n>``).

    Lines end at ``\n`` (a trailing ``\r`` is dropped) and are read in bounded chunks, so an
    endless line cannot exhaust memory. The one JSONL reader: the local files, the Spark reader
    (``scale/``) and uploads (``ingest.uploads``) all build their documents here.

    Args:
        handle: the open JSONL bytes.
        name: the file's (or upload's) name; each line's origin is ``name#L<n>``.
        config: the size limit; defaults when None.
        source_key: the metadata key that records ``name`` (``path`` for files, ``upload`` for uploads).
    """
    config = config or IngestConfig()
    number = 0
    while True:
        line, size = _read_line(handle, config.max_bytes)
        if not line:
            break
        number += 1
        origin = f"{name}#L{number}"
        if not line.strip():
            continue
        if size > config.max_bytes:
            yield _failure(origin, TooLargeError(
                f"{origin}: record is {size:,} bytes, over the limit of {config.max_bytes:,} "
                "(ingest.max_bytes)", origin=origin))
            continue
        yield RawDocument.from_bytes(origin, line.rstrip(b"\r\n"), CONTENT_TYPES[".jsonl"],
                                     metadata={source_key: name, "line": str(number)})


def document_from_bytes(name: str, content: bytes, config: IngestConfig | None = None) -> RawDocument | Failure:
    """Turn the bytes of one ``.txt``/``.html``/``.htm`` file into its RawDocument (or a too-large Failure).

    ``name`` may end in ``.gz`` (``page.html.gz``): ``content`` is then the inflated bytes.
    """
    config = config or IngestConfig()
    if len(content) > config.max_bytes:
        return _failure(name, TooLargeError(
            f"{name}: file is {len(content):,} bytes, over the limit of {config.max_bytes:,} (ingest.max_bytes)",
            origin=name))
    return RawDocument.from_bytes(name, content, CONTENT_TYPES[file_type(name).removesuffix(GZIP)],
                                  metadata={"path": name})


def _open(path: Path, kind: str) -> BinaryIO:
    """Open a file for reading its bytes, inflating a ``.gz`` one as it is read."""
    return gzip.open(path, "rb") if kind.endswith(GZIP) else path.open("rb")  # type: ignore[return-value]


def read_jsonl_gzip(handle: BinaryIO, origin: str, config: IngestConfig, *,
                    source_key: str = "path") -> Iterator[RawDocument | Failure]:
    """:func:`read_jsonl_stream` over an inflating handle: a stream that breaks off fails after the lines before it."""
    try:
        yield from read_jsonl_stream(handle, origin, config, source_key=source_key)
    except _GZIP_ERRORS as exc:
        yield _failure(origin, DecodeError(f"{origin}: gzip stream is broken ({exc}); the lines before the break "
                                           "were read", origin=origin))


def inflate_limited(handle: BinaryIO, origin: str, config: IngestConfig) -> bytes | Failure:
    """Inflate a gzipped file's bytes up to ``ingest.max_bytes``: a gzip bomb costs no more than a file at the limit.

    Returns:
        The bytes, or the Failure of a broken gzip stream or of content over the limit.
    """
    try:
        content = handle.read(config.max_bytes + 1)
    except _GZIP_ERRORS as exc:
        return _failure(origin, DecodeError(f"{origin}: not a readable gzip file ({exc}); re-compress it or save it "
                                            "uncompressed", origin=origin))
    if len(content) > config.max_bytes:
        return _failure(origin, TooLargeError(f"{origin}: file inflates to more than the limit of "
                                              f"{config.max_bytes:,} bytes (ingest.max_bytes)", origin=origin))
    return content


def _read_jsonl(path: Path, origin: str, config: IngestConfig) -> Iterator[RawDocument | Failure]:
    """Read a ``.jsonl`` or ``.jsonl.gz`` file."""
    try:
        with _open(path, file_type(path)) as handle:
            yield from read_jsonl_gzip(handle, origin, config)
    except OSError as exc:
        yield _failure(origin, exc)


def read_paths(paths: Iterable[str | Path], config: IngestConfig | None = None) -> Iterator[RawDocument | Failure]:
    """Yield a RawDocument for every readable input under ``paths``, a Failure for the others.

    Args:
        paths: files or directories.
        config: size limit and file types; defaults when None.
    """
    config = config or IngestConfig()
    for path, explicit in _files(paths, config):
        origin = _origin(path)
        suffix = file_type(path)
        if not _readable(suffix, config):
            if explicit:
                supported = ", ".join(config.extensions)
                yield _failure(origin, UnsupportedFormatError(
                    f"{origin}: unsupported file type {suffix or '(none)'!r}; storyline reads {supported}",
                    origin=origin))
            continue
        try:
            info = path.stat()
        except OSError as exc:
            yield _failure(origin, exc)
            continue
        if not stat.S_ISREG(info.st_mode):
            # a FIFO or device named explicitly would block or never end (/dev/zero)
            yield _failure(origin, UnsupportedFormatError(
                f"{origin}: not a regular file (a pipe, socket or device); save the content to a file first",
                origin=origin))
            continue
        size = info.st_size
        if suffix in (".jsonl", ".jsonl.gz"):
            yield from _read_jsonl(path, origin, config)
            continue
        if size > config.max_bytes:
            yield _failure(origin, TooLargeError(
                f"{origin}: file is {size:,} bytes, over the limit of {config.max_bytes:,} (ingest.max_bytes)",
                origin=origin))
            continue
        try:
            with _open(path, suffix) as handle:
                if suffix.endswith(GZIP):
                    inflated = inflate_limited(handle, origin, config)
                    yield inflated if isinstance(inflated, Failure) else document_from_bytes(origin, inflated, config)
                    continue
                content = handle.read(config.max_bytes + 1)  # the file may have grown since stat
        except OSError as exc:
            yield _failure(origin, exc)
            continue
        if len(content) > config.max_bytes:
            yield _failure(origin, TooLargeError(
                f"{origin}: file grew past the limit of {config.max_bytes:,} bytes while being read "
                "(ingest.max_bytes)", origin=origin))
            continue
        yield document_from_bytes(origin, content, config)
