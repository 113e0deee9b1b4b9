"""Consistency of a store: read snapshots, an invariant check, and the clustering write guard.

``check_store`` is what ``storyline check`` runs and what the crash and concurrency tests assert
after killing a writer: SQLite's own checks plus the invariants storyline's transactions promise
(no half-written document, story or summary). ``snapshot`` runs reads in one read transaction, so
a reader sees one committed state even while another process writes (WAL).

Clustering reads the stories, computes, then writes; two writers doing that at once would
overwrite each other's stories. ``clustering_generation`` / ``claim_clustering_generation`` make
that write conditional (optimistic concurrency): the writer re-reads the generation inside its
write transaction and retries when another writer got there first.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from storyline.store.store import Store

__all__ = ["check_store", "claim_clustering_generation", "clustering_generation", "snapshot"]

_GENERATION_KEY = "clustering_generation"
# failures of these stages mean "no article was made from this raw document"
_DOCUMENT_STAGES = ("ingest", "extract", "store")


@contextmanager
def snapshot(store: Store) -> Iterator[sqlite3.Connection]:
    """Run reads in one read transaction: every query inside sees the same committed state."""
    db = store.db
    if db.in_transaction:
        yield db
        return
    db.execute("BEGIN")
    try:
        yield db
    finally:
        db.execute("COMMIT")


def clustering_generation(store: Store) -> int:
    """Return the number of clustering passes written so far (read it before reading stories)."""
    row = store.db.execute("SELECT value FROM meta WHERE key = ?", (_GENERATION_KEY,)).fetchone()
    return int(row[0]) if row else 0


def claim_clustering_generation(db: sqlite3.Connection, expected: int) -> bool:
    """Inside a write transaction: advance the generation if it is still ``expected``.

    Returns:
        False when another writer stored a clustering pass since ``expected`` was read; the
        caller must then roll back (write nothing) and recompute from fresh state.
    """
    row = db.execute("SELECT value FROM meta WHERE key = ?", (_GENERATION_KEY,)).fetchone()
    if (int(row[0]) if row else 0) != expected:
        return False
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
               (_GENERATION_KEY, str(expected + 1)))
    return True


def _spans_ok(spans: list[list[int]], length: int) -> bool:
    previous_end = 0
    for start, end in spans:
        if not previous_end <= start < end <= length:
            return False
        previous_end = end
    return True


def check_store(store: Store, *, fts: bool = True, deep: bool = True) -> list[str]:
    """Check a store's integrity and storyline's invariants; return the problems found (empty: fine).

    Args:
        store: the store to check (its own connection: the checks run in one read snapshot).
        fts: also run FTS5's index check (it takes a write lock briefly; skip it while others write).
        deep: also check every article's paragraph and sentence offsets (reads every text).

    Checks, in order: SQLite ``integrity_check`` and ``foreign_key_check``; every raw document has
    exactly one outcome (an article, or a failure of ingest/extract/store); every story has
    articles and its stored size matches them; the document count behind the term statistics
    matches the clustered articles; every story has a summary whose citations point inside
    articles of that story; offsets lie inside their text, in order.
    """
    problems: list[str] = []
    with snapshot(store) as db:
        result = [r[0] for r in db.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            problems.extend(f"integrity_check: {r}" for r in result[:20])
        for row in db.execute("PRAGMA foreign_key_check").fetchall()[:20]:
            problems.append(f"foreign key: row {row[1]} of {row[0]} points to a missing {row[2]}")
        stages = ",".join("?" * len(_DOCUMENT_STAGES))
        for (sha,) in db.execute(
                "SELECT r.sha256 FROM raw_documents r WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE "
                f"a.raw_sha256 = r.sha256) AND NOT EXISTS (SELECT 1 FROM failures f WHERE f.sha256 = r.sha256 "
                f"AND f.stage IN ({stages}))", _DOCUMENT_STAGES).fetchall()[:20]:
            problems.append(f"raw document {sha[:16]} has neither an article nor a failure (half-written)")
        for (article_id,) in db.execute(
                f"SELECT a.id FROM articles a JOIN failures f ON f.sha256 = a.raw_sha256 AND f.stage IN ({stages})",
                _DOCUMENT_STAGES).fetchall()[:20]:
            problems.append(f"article {article_id} also has a failure for its raw document")
        for story_id, size, members in db.execute(
                "SELECT s.id, s.size, (SELECT count(*) FROM articles a WHERE a.story_id = s.id) FROM stories s"
                ).fetchall():
            if members == 0:
                problems.append(f"story {story_id} has no articles")
            elif size != members:
                problems.append(f"story {story_id} says it has {size} articles but {members} point to it")
        row = db.execute("SELECT value FROM meta WHERE key = 'n_docs'").fetchone()
        clustered = db.execute("SELECT count(*) FROM articles WHERE story_id IS NOT NULL").fetchone()[0]
        if int(row[0] if row else 0) != clustered:
            problems.append(f"term statistics count {row[0] if row else 0} documents but {clustered} are clustered")
        problems.extend(_check_summaries(db))
        if deep:
            for article_id, text, paragraphs, sentences in db.execute(
                    "SELECT id, text, paragraphs, sentences FROM articles"):
                if not (_spans_ok(json.loads(paragraphs), len(text)) and _spans_ok(json.loads(sentences), len(text))):
                    problems.append(f"article {article_id} has offsets outside its text or out of order")
    if fts:
        try:
            store.db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as exc:
            problems.append(f"full-text index: {exc}")
    return problems


def _check_summaries(db: sqlite3.Connection) -> list[str]:
    problems = []
    missing = db.execute("SELECT id FROM stories s WHERE NOT EXISTS "
                         "(SELECT 1 FROM summaries m WHERE m.subject_id = s.id)").fetchall()
    problems.extend(f"story {story_id} has no summary" for (story_id,) in missing[:20])
    for subject, position, article_id, start, end, length, story, is_story in db.execute(
            "SELECT c.subject_id, c.position, c.article_id, c.start, c.end, length(a.text), a.story_id, "
            "EXISTS (SELECT 1 FROM stories s WHERE s.id = c.subject_id) "
            "FROM citations c LEFT JOIN articles a ON a.id = c.article_id"):
        where = f"summary of {subject}, sentence {position}"
        if length is None:
            problems.append(f"{where} cites missing article {article_id}")
        elif not 0 <= start < end <= length:
            problems.append(f"{where} cites [{start}, {end}) outside article {article_id}")
        elif is_story and story != subject:
            problems.append(f"{where} cites article {article_id}, which is not in that story")
    return problems
