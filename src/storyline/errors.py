"""One exception tree for storyline.

::

    StorylineError
    ├── ConfigError            a config field has a bad value
    ├── InputError             an input cannot become an article (recorded as a Failure)
    │   ├── EmptyInputError        nothing to read
    │   ├── BinaryInputError       bytes that are not text
    │   ├── DecodeError            text in an encoding we cannot identify
    │   ├── TooLargeError          over the configured size limit
    │   ├── UnsupportedFormatError a file type we do not read
    │   └── MalformedRecordError   a JSONL line or record that does not parse
    ├── ExtractionError        the page parsed but held no article text
    ├── FetchError             a URL could not be fetched (or was refused)
    │   └── BlockedAddressError    the URL leads to a private, loopback or metadata address
    ├── StoreError             the database cannot be opened or written
    ├── TimeLimitError         one input took longer than its time limit (recorded as a Failure)
    ├── WorkerCrashError       the worker process died on one input (recorded as a Failure)
    └── NotFoundError          an id that is not in the store

Every error carries the input (``origin``: path, ``path#L3`` or URL) when there is one, and its
message says what to do next.
"""

from __future__ import annotations

__all__ = [
    "BinaryInputError",
    "BlockedAddressError",
    "ConfigError",
    "DecodeError",
    "EmptyInputError",
    "ExtractionError",
    "FetchError",
    "InputError",
    "MalformedRecordError",
    "NotFoundError",
    "StoreError",
    "StorylineError",
    "TimeLimitError",
    "TooLargeError",
    "UnsupportedFormatError",
    "WorkerCrashError",
]


class StorylineError(Exception):
    """Root of every error storyline raises on purpose."""

    def __init__(self, message: str, *, origin: str | None = None) -> None:
        super().__init__(message)
        self.origin = origin
        self.message = message


class ConfigError(StorylineError):
    """A configuration field has a bad value; the message names the field."""


class InputError(StorylineError):
    """An input cannot be turned into an article."""


class EmptyInputError(InputError):
    """The input holds no bytes or no text."""


class BinaryInputError(InputError):
    """The input is binary data, not text or HTML."""


class DecodeError(InputError):
    """The input's bytes are not in any text encoding we can identify."""


class TooLargeError(InputError):
    """The input is larger than ``ingest.max_bytes``."""


class UnsupportedFormatError(InputError):
    """The input's file type is not one storyline reads."""


class MalformedRecordError(InputError):
    """A structured record (a JSONL line) does not parse or lacks required fields."""


class ExtractionError(StorylineError):
    """The input parsed but no article text could be found in it."""


class FetchError(StorylineError):
    """A URL could not be fetched, or fetching it was refused.

    ``transient`` is True for causes that may pass (timeouts, connection errors, HTTP 5xx, 408,
    429): such a URL is tried again later; others (404, refused address, wrong type) are final.
    """

    def __init__(self, message: str, *, origin: str | None = None, transient: bool = False) -> None:
        super().__init__(message, origin=origin)
        self.transient = transient


class BlockedAddressError(FetchError):
    """The URL (or a redirect) leads to an address the SSRF guard refuses; see ``--allow-private``."""


class StoreError(StorylineError):
    """The store cannot be opened, migrated or written."""


class TimeLimitError(StorylineError):
    """One input took longer than its configured time limit (e.g. ``extract.timeout_seconds``)."""


class WorkerCrashError(StorylineError):
    """The worker process died (a parser crash, out of memory) while processing one input."""


class NotFoundError(StorylineError):
    """An id (article, story, storyline) that is not in the store."""
