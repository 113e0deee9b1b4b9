"""Persistence of outlet profiles: on how many of an outlet's scraped pages each line occurs.

Functions over a :class:`~storyline.store.Store` (tables ``outlet_pages`` and ``outlet_lines``
of the outlet-profiles migration). Lines are stored as ``extract.scrape.line_key`` hashes, and a
profile is loaded for the lines of one page only, so memory stays bounded however many pages
an outlet has. Writes run in the store's transaction, so counting a page can share the
transaction that stores its document.
"""

from __future__ import annotations

from collections.abc import Iterable

from storyline.store.store import Store

__all__ = ["add_outlet_page", "outlet_line_pages"]

_CHUNK = 500  # SQLite's bound-parameter limit is far above this


def outlet_line_pages(store: Store, outlet: str, keys: Iterable[str]) -> tuple[int, dict[str, int]]:
    """The outlet's number of pages, and on how many of them each of the given line keys occurs
    (the lines of the page about to be cleaned; keys on no page are left out)."""
    row = store.db.execute("SELECT pages FROM outlet_pages WHERE outlet = ?", (outlet,)).fetchone()
    line_pages: dict[str, int] = {}
    wanted = sorted(set(keys))
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for key, pages in store.db.execute(
                f"SELECT line_key, pages FROM outlet_lines WHERE outlet = ? AND line_key IN ({marks})",
                (outlet, *chunk)):
            line_pages[key] = pages
    return (row[0] if row else 0), line_pages


def add_outlet_page(store: Store, outlet: str, keys: Iterable[str]) -> None:
    """Count one more page of ``outlet`` holding each of ``keys`` (its distinct line keys)."""
    with store.transaction() as db:
        db.execute("INSERT INTO outlet_pages (outlet, pages) VALUES (?, 1) "
                   "ON CONFLICT(outlet) DO UPDATE SET pages = pages + 1", (outlet,))
        db.executemany("INSERT INTO outlet_lines (outlet, line_key, pages) VALUES (?, ?, 1) "
                       "ON CONFLICT(outlet, line_key) DO UPDATE SET pages = pages + 1",
                       [(outlet, key) for key in sorted(set(keys))])
