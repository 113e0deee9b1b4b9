"""Read files and directories: ``.txt``, ``.html``/``.htm`` and ``.jsonl``.

Directories are walked recursively in sorted order (hidden files skipped); files whose type is
not read are skipped there but reported as failures when named explicitly. A file over the size
limit is refused before it is read. A JSONL file is read line by line, each non-blank line its own
RawDocument with origin ``path#L<n>``, so one malformed line fails alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from storyline.config import IngestConfig
from storyline.errors import TooLargeError, UnsupportedFormatError
from storyline.model import Failure, RawDocument

__all__ = ["CONTENT_TYPES", "input_files", "read_paths"]

CONTENT_TYPES = {
    ".txt": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".jsonl": "application/x-jsonl-record",
}


def _failure(origin: str, error: Exception) -> Failure:
    return Failure(origin=origin, stage="ingest", error_type=type(error).__name__, message=str(error))


def _files(paths: Iterable[str | Path], config: IngestConfig) -> Iterator[tuple[Path, bool]]:
    """Yield ``(file, named_explicitly)`` for every input file, sorted within directories."""
    for path in map(Path, paths):
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if not hidden and child.suffix.lower() in config.extensions:
                    yield child, False
        else:
            yield path, True


def input_files(paths: Iterable[str | Path], config: IngestConfig | None = None) -> Iterator[Path]:
    """Yield the files ``read_paths`` would read (directories walked in sorted order)."""
    for path, _explicit in _files(paths, config or IngestConfig()):
        yield path


def _read_jsonl(path: Path, config: IngestConfig) -> Iterator[RawDocument | Failure]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            origin = f"{path}#L{number}"
            if not line.strip():
                continue
            if len(line) > config.max_bytes:
                yield _failure(origin, TooLargeError(
                    f"{origin}: record is {len(line):,} bytes, over the limit of {config.max_bytes:,} "
                    "(ingest.max_bytes)", origin=origin))
                continue
            yield RawDocument.from_bytes(origin, line.rstrip(b"\r\n"), CONTENT_TYPES[".jsonl"],
                                         metadata={"path": str(path), "line": str(number)})


def read_paths(paths: Iterable[str | Path], config: IngestConfig | None = None) -> Iterator[RawDocument | Failure]:
    """Yield a RawDocument for every readable input under ``paths``, a Failure for the others.

    Args:
        paths: files or directories.
        config: size limit and file types; defaults when None.
    """
    config = config or IngestConfig()
    for path, explicit in _files(paths, config):
        origin = str(path)
        suffix = path.suffix.lower()
        if suffix not in config.extensions or suffix not in CONTENT_TYPES:
            if explicit:
                supported = ", ".join(config.extensions)
                yield _failure(origin, UnsupportedFormatError(
                    f"{origin}: unsupported file type {suffix or '(none)'!r}; storyline reads {supported}",
                    origin=origin))
            continue
        try:
            size = path.stat().st_size
        except OSError as exc:
            yield _failure(origin, exc)
            continue
        if suffix == ".jsonl":
            yield from _read_jsonl(path, config)
            continue
        if size > config.max_bytes:
            yield _failure(origin, TooLargeError(
                f"{origin}: file is {size:,} bytes, over the limit of {config.max_bytes:,} (ingest.max_bytes)",
                origin=origin))
            continue
        try:
            content = path.read_bytes()
        except OSError as exc:
            yield _failure(origin, exc)
            continue
        yield RawDocument.from_bytes(origin, content, CONTENT_TYPES[suffix], metadata={"path": origin})
