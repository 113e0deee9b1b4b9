"""The records of polled sources that the store persists: what is known of a source between runs."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["SourceHealth", "SourceState"]


@dataclass(slots=True)
class SourceState:
    """What the store remembers of a source between runs."""

    ref: str
    kind: str
    etag: str | None = None
    last_modified: str | None = None
    seen: set[str] = field(default_factory=set)

    def conditional_headers(self) -> dict[str, str]:
        """Request headers for a conditional GET (empty when nothing is known yet)."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """How polling a source has gone: the watch loop's back-off reads this."""

    ref: str
    kind: str
    last_attempt: str | None = None
    last_success: str | None = None
    failures: int = 0
    next_attempt: str | None = None
    last_error: str | None = None
    seen_items: int = 0
