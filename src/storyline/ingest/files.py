"""Read files and directories: ``.txt``, ``.html``/``.htm`` and ``.jsonl``.

Directories are walked recursively in sorted order (hidden files and symlinks skipped); files whose type is
not read are skipped there but reported as failures when named explicitly. A file over the size
limit is refused before it is read. A JSONL file is read line by line, each non-blank line its own
RawDocument with origin ``path#L<n>``, so one malformed line fails alone.
"""

from __future__ import annotations

import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from storyline.config import IngestConfig
from storyline.errors import TooLargeError, UnsupportedFormatError
from storyline.model import Failure, RawDocument

__all__ = ["CONTENT_TYPES", "document_from_bytes", "input_files", "read_jsonl_stream", "read_paths"]

CONTENT_TYPES = {
    ".txt": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".jsonl": "application/x-jsonl-record",
}


def _failure(origin: str, error: Exception) -> Failure:
    return Failure.of(origin, "ingest", error)


def _origin(path: Path) -> str:
    """Name a file for the store: undecodable bytes in its name (surrogate escapes) become ``\\xNN``."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _files(paths: Iterable[str | Path], config: IngestConfig) -> Iterator[tuple[Path, bool]]:
    """Yield ``(file, named_explicitly)`` for every input file, sorted within directories."""
    for path in map(Path, paths):
        if path.is_dir():
            # symlinks are not followed inside a walked folder: a link dropped into a watched inbox
            # must not pull files from elsewhere on the machine into the store (name them explicitly)
            for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink()):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if not hidden and child.suffix.lower() in config.extensions:
                    yield child, False
        else:
            yield path, True


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
    """Turn the bytes of one ``.txt``/``.html``/``.htm`` file into its RawDocument (or a too-large Failure)."""
    config = config or IngestConfig()
    if len(content) > config.max_bytes:
        return _failure(name, TooLargeError(
            f"{name}: file is {len(content):,} bytes, over the limit of {config.max_bytes:,} (ingest.max_bytes)",
            origin=name))
    return RawDocument.from_bytes(name, content, CONTENT_TYPES[Path(name).suffix.lower()], metadata={"path": name})


def read_paths(paths: Iterable[str | Path], config: IngestConfig | None = None) -> Iterator[RawDocument | Failure]:
    """Yield a RawDocument for every readable input under ``paths``, a Failure for the others.

    Args:
        paths: files or directories.
        config: size limit and file types; defaults when None.
    """
    config = config or IngestConfig()
    for path, explicit in _files(paths, config):
        origin = _origin(path)
        suffix = path.suffix.lower()
        if suffix not in config.extensions or suffix not in CONTENT_TYPES:
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
        if suffix == ".jsonl":
            try:
                with path.open("rb") as handle:
                    yield from read_jsonl_stream(handle, origin, config)
            except OSError as exc:
                yield _failure(origin, exc)
            continue
        if size > config.max_bytes:
            yield _failure(origin, TooLargeError(
                f"{origin}: file is {size:,} bytes, over the limit of {config.max_bytes:,} (ingest.max_bytes)",
                origin=origin))
            continue
        try:
            with path.open("rb") as handle:
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
