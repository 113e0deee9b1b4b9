"""Persistence of sources: feed validators, items already seen, and watch-mode health.

Functions over a :class:`~storyline.store.Store` (tables ``sources`` and ``source_items`` of
migration 2). Writes run in the store's transaction, so remembering an item can share the
transaction that stores its document.
"""

from __future__ import annotations

from storyline.model import SourceHealth, SourceState, utc_now
from storyline.store.store import Store

__all__ = [

    "load_source_state",
    "record_attempt",
    "remember_item",
    "save_source_state",
    "source_health",
    "source_healths",
]



def _ensure(store: Store, ref: str, kind: str) -> None:
    store.db.execute("INSERT OR IGNORE INTO sources (ref, kind) VALUES (?, ?)", (ref, kind))


def load_source_state(store: Store, ref: str, kind: str) -> SourceState:
    """Return what the store remembers of a source (empty state for a new one)."""
    row = store.db.execute("SELECT etag, last_modified FROM sources WHERE ref = ?", (ref,)).fetchone()
    seen = {r[0] for r in store.db.execute("SELECT item FROM source_items WHERE source = ?", (ref,))}
    if row is None:
        return SourceState(ref, kind, seen=seen)
    return SourceState(ref, kind, row["etag"], row["last_modified"], seen)


def save_source_state(store: Store, state: SourceState) -> None:
    """Store a source's feed validators (ETag, Last-Modified) for its next conditional GET."""
    with store.transaction() as db:
        _ensure(store, state.ref, state.kind)
        db.execute("UPDATE sources SET etag = ?, last_modified = ? WHERE ref = ?",
                   (state.etag, state.last_modified, state.ref))


def remember_item(store: Store, state: SourceState, key: str) -> None:
    """Remember an item of a source as seen (in the current transaction, if one is open)."""
    with store.transaction() as db:
        _ensure(store, state.ref, state.kind)
        db.execute("INSERT OR IGNORE INTO source_items (source, item, seen_at) VALUES (?, ?, ?)",
                   (state.ref, key, utc_now()))
    state.seen.add(key)


def record_attempt(store: Store, ref: str, kind: str, *, at: str, error: str | None = None,
                   next_attempt: str | None = None) -> SourceHealth:
    """Record one poll of a source: a success resets its failures, a failure counts one more.

    Args:
        at: when the attempt was made (ISO-8601).
        error: the failure message; None for a success.
        next_attempt: when to try again (ISO-8601) after a failure; None = at the next cycle.
    """
    with store.transaction() as db:
        _ensure(store, ref, kind)
        if error is None:
            db.execute("UPDATE sources SET last_attempt = ?, last_success = ?, failures = 0, next_attempt = NULL, "
                       "last_error = NULL WHERE ref = ?", (at, at, ref))
        else:
            db.execute("UPDATE sources SET last_attempt = ?, failures = failures + 1, next_attempt = ?, "
                       "last_error = ? WHERE ref = ?", (at, next_attempt, error, ref))
    return source_health(store, ref)


def _health(row: object) -> SourceHealth:
    return SourceHealth(row["ref"], row["kind"], row["last_attempt"], row["last_success"],  # type: ignore[index]
                        row["failures"], row["next_attempt"], row["last_error"], row["seen"])  # type: ignore[index]


_HEALTH_QUERY = ("SELECT s.*, (SELECT count(*) FROM source_items i WHERE i.source = s.ref) AS seen "
                 "FROM sources s")


def source_health(store: Store, ref: str) -> SourceHealth:
    """Return the polling health of one source (a fresh record when it was never polled)."""
    row = store.db.execute(_HEALTH_QUERY + " WHERE s.ref = ?", (ref,)).fetchone()
    return _health(row) if row is not None else SourceHealth(ref, "")


def source_healths(store: Store) -> list[SourceHealth]:
    """Return every known source, sorted by reference."""
    return [_health(r) for r in store.db.execute(_HEALTH_QUERY + " ORDER BY s.ref")]
