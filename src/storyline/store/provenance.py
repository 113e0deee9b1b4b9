"""Persistence of the provenance index and of the article pairs it found.

The index is incremental: adding a document writes one ``prov_docs`` row and one row per LSH
band key (``doc_bands`` document keys plus the passage-window keys), and a query is one B-tree
lookup per key of the new document. Nothing is ever rebuilt, and a restarted process answers
from the same tables.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from storyline.model import utc_now
from storyline.provenance.candidates import IndexHits
from storyline.provenance.fingerprint import Fingerprint
from storyline.store.store import Store, _chunks

__all__ = ["PairRecord", "ProvenanceIndex"]


@dataclass(frozen=True, slots=True)
class PairRecord:
    """Two articles that share text, with their alignment (``article_a < article_b``)."""

    article_a: str
    article_b: str
    exact: bool
    jaccard: float
    containment: float
    shared_words: int
    alignment: dict[str, object]


class ProvenanceIndex:
    """The near-duplicate index and the found pairs, kept in a Store's database.

    Args:
        store: the store whose tables hold the index.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- index -----------------------------------------------------------------------------
    def has(self, article_id: str) -> bool:
        """Return True if the article is already indexed."""
        return self.store.db.execute("SELECT 1 FROM prov_docs WHERE article_id = ?",
                                     (article_id,)).fetchone() is not None

    def count(self) -> int:
        """Return the number of indexed documents."""
        return int(self.store.db.execute("SELECT count(*) FROM prov_docs").fetchone()[0])

    def unindexed(self) -> list[str]:
        """Return ids of stored articles not in the index yet (stores older than provenance), oldest first."""
        return [r[0] for r in self.store.db.execute(
            "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM prov_docs) "
            "ORDER BY coalesce(day, '9999-12-31'), id")]

    def insert(self, article_id: str, fp: Fingerprint) -> bool:
        """Index one article; inserting an article that is already indexed changes nothing.

        Returns:
            True if the article was added.
        """
        return self.insert_many([(article_id, fp)]) == 1

    def insert_many(self, items: Iterable[tuple[str, Fingerprint]]) -> int:
        """Index several articles in one transaction; returns how many were new.

        Band rows of the whole batch are written in one sorted ``executemany``, so B-tree pages are
        visited in key order (fewer page loads as the index outgrows the cache).
        """
        batch = {article_id: fp for article_id, fp in items}
        with self.store.transaction() as db:
            present = set()
            for chunk in _chunks(sorted(batch), 500):
                present.update(r[0] for r in db.execute(
                    f"SELECT article_id FROM prov_docs WHERE article_id IN ({','.join('?' * len(chunk))})", chunk))
            new = [(a, fp) for a, fp in batch.items() if a not in present]
            if not new:
                return 0
            first = int(db.execute("SELECT coalesce(max(doc), 0) + 1 FROM prov_docs").fetchone()[0])
            db.executemany("INSERT INTO prov_docs (doc, article_id, text_hash, n_shingles, signature) "
                           "VALUES (?, ?, ?, ?, ?)",
                           [(first + i, a, fp.text_hash, fp.n_shingles, fp.signature.astype("<u4").tobytes())
                            for i, (a, fp) in enumerate(new)])
            db.executemany("INSERT OR IGNORE INTO prov_doc_bands (key, doc) VALUES (?, ?)",
                           sorted((k, first + i) for i, (_, fp) in enumerate(new) for k in fp.doc_keys))
            db.executemany("INSERT OR IGNORE INTO prov_window_bands (key, doc) VALUES (?, ?)",
                           sorted((k, first + i) for i, (_, fp) in enumerate(new) for k in fp.window_keys))
        return len(new)

    def lookup(self, fp: Fingerprint, exclude: str | None = None) -> IndexHits:
        """Return the indexed documents that share the hash, a document band or passage windows with ``fp``."""
        db = self.store.db
        exact = [r[0] for r in db.execute("SELECT article_id FROM prov_docs WHERE text_hash = ?", (fp.text_hash,))]
        doc_hits = _count_hits(db, "prov_doc_bands", fp.doc_keys)
        window_hits = _count_hits(db, "prov_window_bands", fp.window_keys)
        docs = sorted(set(doc_hits) | set(window_hits))
        names: dict[int, str] = {}
        signatures: dict[str, np.ndarray] = {}
        for chunk in _chunks(docs, 500):
            for doc, article_id, blob in db.execute(
                    f"SELECT doc, article_id, signature FROM prov_docs WHERE doc IN ({','.join('?' * len(chunk))})",
                    chunk):
                names[doc] = article_id
                signatures[article_id] = np.frombuffer(blob, dtype="<u4")
        return IndexHits(
            exact=tuple(sorted(a for a in exact if a != exclude)),
            doc_hits={names[d]: n for d, n in doc_hits.items() if names.get(d, exclude) != exclude},
            window_hits={names[d]: n for d, n in window_hits.items() if names.get(d, exclude) != exclude},
            signatures={a: s for a, s in signatures.items() if a != exclude},
        )

    # -- pairs -----------------------------------------------------------------------------
    def save_pairs(self, pairs: Iterable[PairRecord]) -> None:
        """Store found pairs (replacing an earlier alignment of the same two articles)."""
        now = utc_now()
        with self.store.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO prov_pairs (article_a, article_b, exact, jaccard, containment, shared_words, "
                "alignment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(p.article_a, p.article_b, int(p.exact), p.jaccard, p.containment, p.shared_words,
                  json.dumps(p.alignment, sort_keys=True), now) for p in pairs])

    def pairs_for(self, article_ids: Sequence[str], *, within: bool = True) -> list[PairRecord]:
        """Return stored pairs touching these articles (``within``: both sides among them), sorted."""
        wanted = sorted(set(article_ids))
        found: dict[tuple[str, str], PairRecord] = {}
        for chunk in _chunks(wanted, 400):
            marks = ",".join("?" * len(chunk))
            for column in ("article_a", "article_b"):
                for r in self.store.db.execute(f"SELECT * FROM prov_pairs WHERE {column} IN ({marks})", chunk):
                    found[(r["article_a"], r["article_b"])] = _pair(r)
        keep = set(wanted)
        return [p for key, p in sorted(found.items())
                if not within or (p.article_a in keep and p.article_b in keep)]


def _count_hits(db, table: str, keys: Sequence[int]) -> dict[int, int]:  # type: ignore[no-untyped-def]
    hits: dict[int, int] = {}
    for chunk in _chunks(list(keys), 500):
        for doc, n in db.execute(f"SELECT doc, count(*) FROM {table} WHERE key IN ({','.join('?' * len(chunk))}) "
                                 "GROUP BY doc", chunk):
            hits[doc] = hits.get(doc, 0) + n
    return hits


def _pair(r) -> PairRecord:  # type: ignore[no-untyped-def]
    return PairRecord(r["article_a"], r["article_b"], bool(r["exact"]), r["jaccard"], r["containment"],
                      r["shared_words"], json.loads(r["alignment"]))
