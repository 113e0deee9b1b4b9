"""Persistence of outlet profiles: on how many of an outlet's scraped pages each line occurs.

Functions over a :class:`~storyline.store.Store` (tables ``outlet_pages`` and ``outlet_lines``
of the outlet-profiles migration). Lines are stored as ``extract.scrape.line_key`` hashes, and a
profile is loaded for the lines of one page only, so memory stays bounded however many pages
an outlet has. Writes run in the store's transaction, so counting a page can share the
transaction that stores its document.
"""

from __future__ import annotations

from collections.abc import Iterable

from storyline.extract.scrape import OutletProfile
from storyline.store.store import Store

__all__ = ["add_outlet_page", "load_outlet_profile"]

_CHUNK = 500  # SQLite's bound-parameter limit is far above this


def load_outlet_profile(store: Store, outlet: str, keys: Iterable[str], min_pages: int) -> OutletProfile:
    """The outlet's page counts for the given line keys (the lines of the page about to be cleaned)."""
    row = store.db.execute("SELECT pages FROM outlet_pages WHERE outlet = ?", (outlet,)).fetchone()
    profile = OutletProfile(pages=row[0] if row else 0, min_pages=min_pages)
    wanted = sorted(set(keys))
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for key, pages in store.db.execute(
                f"SELECT line_key, pages FROM outlet_lines WHERE outlet = ? AND line_key IN ({marks})",
                (outlet, *chunk)):
            profile.line_pages[key] = pages
    return profile


def add_outlet_page(store: Store, outlet: str, keys: Iterable[str]) -> None:
    """Count one more page of ``outlet`` holding each of ``keys`` (its distinct line keys)."""
    with store.transaction() as db:
        db.execute("INSERT INTO outlet_pages (outlet, pages) VALUES (?, 1) "
                   "ON CONFLICT(outlet) DO UPDATE SET pages = pages + 1", (outlet,))
        db.executemany("INSERT INTO outlet_lines (outlet, line_key, pages) VALUES (?, ?, 1) "
                       "ON CONFLICT(outlet, line_key) DO UPDATE SET pages = pages + 1",
                       [(outlet, key) for key in sorted(set(keys))])
