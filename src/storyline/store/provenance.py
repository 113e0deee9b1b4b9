"""Persistence of the provenance index and of the article pairs it found.

The index is incremental and log-structured. Adding a document writes one ``prov_docs`` row and
one ``prov_bands`` row per LSH band key (document bands and passage-window keys, told apart by the
key's lowest bit) into the one *open segment*. A segment holding ``segment_docs`` documents is
sealed, never written again, and gets a Bloom filter of its keys (``prov_filters``). Band rows are
keyed ``(seg, key, doc)``, so an insert only touches the pages of the small open segment: its cost
does not grow with the index.

A query probes a key only in the segments that may hold it: the filters of all sealed segments are
tested in memory at once (``store.bloom``), so of the ~100 keys of a document only those
indexed somewhere, plus ~0.3% false positives per segment, cost a B-tree probe; the open segment
is probed for every key. Optionally (``max_segment_docs``), ``merge_fanout`` sealed segments of one
level are merged in key order into one of the next; a merged segment keeps its parts' filters.
Merging is off by default: with filters it saves little query time and would rewrite every row.

Nothing is ever rebuilt, and a restarted process answers from the same tables.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, repeat

import numpy as np

from storyline.config import ProvenanceConfig
from storyline.model import Fingerprint, IndexHits, PairRecord, utc_now
from storyline.store.bloom import BloomBank, BloomFilter
from storyline.store.store import Store, _chunks

__all__ = ["ProvenanceIndex", "tagged_keys"]

_KIND_DOC, _KIND_WINDOW = 0, 1


def tagged_keys(doc_keys: Sequence[int], window_keys: Sequence[int]) -> np.ndarray:
    """Return the stored form of a fingerprint's band keys: lowest bit 0 for document, 1 for window keys.

    Sorted and unique (two window keys differing only in the lowest bit become one: a 2^-63 event
    that could at worst add a candidate, which alignment then checks).
    """
    doc = np.asarray(doc_keys, dtype=np.int64) & np.int64(-2)
    window = np.asarray(window_keys, dtype=np.int64) | np.int64(_KIND_WINDOW)
    return np.unique(np.concatenate((doc, window)))


class ProvenanceIndex:
    """The near-duplicate index and the found pairs, kept in a Store's database.

    Args:
        store: the store whose tables hold the index.
        config: segment sizes of the index (``segment_docs``, ``merge_fanout``, ``max_segment_docs``)
            and its filters (``filter_bits_per_key``); defaults when None.

    Keep one object for a stream of inserts and lookups: it caches the segments' filters (read once,
    checked against the store on every lookup) and the keys of the open segment's documents it
    inserted (so sealing the segment does not read them back).
    """

    def __init__(self, store: Store, config: ProvenanceConfig | None = None) -> None:
        self.store = store
        self.config = config or ProvenanceConfig()
        self._banks: dict[tuple[int, int], BloomBank] = {}
        self._tokens: dict[int, int] = {}
        self._pending: dict[int, tuple[tuple[str, ...], np.ndarray]] = {}
        self._cached_layout: tuple[tuple[object, ...], list[int], dict[int, int]] | None = None

    # -- index -----------------------------------------------------------------------------
    def has(self, article_id: str) -> bool:
        """Return True if the article is already indexed."""
        return self.store.db.execute("SELECT 1 FROM prov_docs WHERE article_id = ?",
                                     (article_id,)).fetchone() is not None

    def count(self) -> int:
        """Return the number of indexed documents."""
        return int(self.store.db.execute("SELECT count(*) FROM prov_docs").fetchone()[0])

    def segments(self) -> list[tuple[int, int, int, bool]]:
        """Return the index segments as ``(seg, level, docs, sealed)``, oldest first."""
        return [(r[0], r[1], r[2], bool(r[3])) for r in self.store.db.execute(
            "SELECT seg, level, docs, sealed FROM prov_segments ORDER BY seg")]

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

        Band rows of the whole batch go to the open segment in one ``executemany`` sorted by key,
        so its B-tree pages are visited in order; a segment that fills up is sealed and merged.
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
            keys, docs = _band_rows(first, [fp for _, fp in new])
            seg, filled = self._open_segment()
            db.executemany("INSERT INTO prov_bands (seg, key, doc) VALUES (?, ?, ?)",
                           zip(repeat(seg), keys.tolist(), docs.tolist()))
            if self.config.filter_bits_per_key:
                self._pending[first] = (tuple(a for a, _ in new), keys)
            sealed = int(filled + len(new) >= self.config.segment_docs)
            db.execute("UPDATE prov_segments SET docs = docs + ?, sealed = ? WHERE seg = ?", (len(new), sealed, seg))
            if sealed:
                if self.config.filter_bits_per_key:
                    self._save_filter(seg, filled + len(new), self._sealed_keys(seg, first + len(new) - 1,
                                                                               filled + len(new)))
                self._merge()
        return len(new)

    def _sealed_keys(self, seg: int, last: int, docs: int) -> np.ndarray:
        """Return the band keys of the segment just sealed: documents ``last - docs + 1 .. last``.

        They come from the batches this object inserted when those cover the segment and name the
        same articles as the store (another writer or a rolled-back batch would not); otherwise
        they are read back from the segment's rows.
        """
        first = last - docs + 1
        stored = dict(self.store.db.execute(
            "SELECT doc, article_id FROM prov_docs WHERE doc BETWEEN ? AND ?", (first, last)).fetchall())
        parts, doc = [], first
        while doc <= last and (batch := self._pending.get(doc)) is not None \
                and all(stored.get(doc + i) == a for i, a in enumerate(batch[0])):
            parts.append(batch[1])
            doc += len(batch[0])
        self._pending.clear()
        if doc == last + 1:
            return np.concatenate(parts)
        return self._segment_keys(seg)

    def _segment_keys(self, seg: int) -> np.ndarray:
        """Return the band keys stored in one segment."""
        rows = self.store.db.execute("SELECT key FROM prov_bands WHERE seg = ?", (seg,))
        return np.fromiter((r[0] for r in rows), dtype=np.int64)

    def _save_filter(self, seg: int, docs: int, keys: np.ndarray) -> None:
        """Store a Bloom filter of ``keys`` covering ``docs`` documents of segment ``seg``."""
        bloom = BloomFilter.from_keys(keys, self.config.filter_bits_per_key)
        self.store.db.execute("INSERT INTO prov_filters (seg, docs, hashes, token, bits) VALUES (?, ?, ?, ?, ?)",
                              (seg, docs, bloom.hashes, secrets.randbits(62), bloom.to_bytes()))

    def build_filters(self) -> int:
        """Give every sealed segment that no filters cover (stores indexed before filters) one filter.

        Reads the segment's keys once; returns how many segments got a filter.
        """
        if not self.config.filter_bits_per_key or not self._unfiltered_sealed():
            return 0  # the usual case, answered by a read: no write lock taken on every recover()
        with self.store.transaction() as db:
            bare = self._unfiltered_sealed()  # again under the write lock: another writer may have been first
            for seg, docs in bare:
                db.execute("DELETE FROM prov_filters WHERE seg = ?", (seg,))
                self._save_filter(seg, docs, self._segment_keys(seg))
        return len(bare)

    def _unfiltered_sealed(self) -> list[tuple[int, int]]:
        """Return ``(seg, docs)`` of the sealed segments whose filters do not cover all their documents."""
        return [(seg, docs) for seg, docs in self.store.db.execute(
            "SELECT s.seg, s.docs FROM prov_segments s WHERE s.sealed = 1 AND s.docs != "
            "(SELECT coalesce(sum(f.docs), 0) FROM prov_filters f WHERE f.seg = s.seg)")]

    def _open_segment(self) -> tuple[int, int]:
        """Return ``(seg, docs)`` of the open segment, opening a new one when all are sealed."""
        db = self.store.db
        row = db.execute("SELECT seg, docs FROM prov_segments WHERE sealed = 0 ORDER BY seg DESC LIMIT 1").fetchone()
        if row is not None:
            return int(row[0]), int(row[1])
        seg = int(db.execute("SELECT coalesce(max(seg), 0) + 1 FROM prov_segments").fetchone()[0])
        db.execute("INSERT INTO prov_segments (seg, level, docs, sealed) VALUES (?, 0, 0, 0)", (seg,))
        return seg, 0

    def _merge(self) -> None:
        """Merge ``merge_fanout`` sealed segments of a level into one of the next, while any level has enough.

        The merged rows are written in key order under a new (largest) segment number: an append
        at the end of the B-tree, then the old segments' rows are deleted as contiguous ranges.
        """
        db = self.store.db
        fanout, cap = self.config.merge_fanout, self.config.max_segment_docs
        while True:
            levels: dict[int, list[tuple[int, int]]] = {}
            for seg, level, docs in db.execute(
                    "SELECT seg, level, docs FROM prov_segments WHERE sealed = 1 ORDER BY level, seg"):
                levels.setdefault(level, []).append((seg, docs))
            group = next(((level, members[:fanout]) for level, members in sorted(levels.items())
                          if len(members) >= fanout and sum(d for _, d in members[:fanout]) <= cap), None)
            if group is None:
                return
            level, members = group
            segs = [seg for seg, _ in members]
            merged = int(db.execute("SELECT max(seg) + 1 FROM prov_segments").fetchone()[0])
            db.execute("INSERT INTO prov_segments (seg, level, docs, sealed) VALUES (?, ?, ?, 1)",
                       (merged, level + 1, sum(d for _, d in members)))
            db.execute(f"INSERT INTO prov_bands (seg, key, doc) SELECT ?, key, doc FROM prov_bands "
                       f"WHERE seg IN ({','.join('?' * len(segs))}) ORDER BY key, doc", [merged, *segs])
            db.execute(f"DELETE FROM prov_bands WHERE seg IN ({','.join('?' * len(segs))})", segs)
            db.execute(f"UPDATE prov_filters SET seg = ? WHERE seg IN ({','.join('?' * len(segs))})", [merged, *segs])
            db.execute(f"DELETE FROM prov_segments WHERE seg IN ({','.join('?' * len(segs))})", segs)

    def lookup(self, fp: Fingerprint, exclude: str | None = None) -> IndexHits:
        """Return the indexed documents that share the hash, a document band or passage windows with ``fp``."""
        db = self.store.db
        exact = [r[0] for r in db.execute("SELECT article_id FROM prov_docs WHERE text_hash = ?", (fp.text_hash,))]
        hits: tuple[dict[int, int], dict[int, int]] = ({}, {})
        for seg, keys in self._probes(tagged_keys(fp.doc_keys, fp.window_keys)):
            for chunk in _chunks(keys.tolist(), 500):
                for doc, kind, n in db.execute(
                        f"SELECT doc, key & 1, count(*) FROM prov_bands WHERE seg = ? "
                        f"AND key IN ({','.join('?' * len(chunk))}) GROUP BY doc, key & 1", [seg, *chunk]):
                    hits[kind][doc] = hits[kind].get(doc, 0) + n
        doc_hits, window_hits = hits
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

    def _probes(self, keys: np.ndarray) -> list[tuple[int, np.ndarray]]:
        """Return ``(segment, keys to probe there)``: every key in a segment whose filters do not cover
        all its documents (the open one), only the keys its filters may hold in the others."""
        unfiltered, owner = self._layout()
        probes = [(seg, keys) for seg in unfiltered]
        held_by: dict[int, np.ndarray] = {}
        for bank in self._banks.values():
            held = bank.test(keys)
            ids = bank.ids
            for row in np.flatnonzero(held.any(axis=1)).tolist():
                seg = owner.get(ids[row])
                if seg is not None:
                    held_by[seg] = held[row] | held_by[seg] if seg in held_by else held[row]
        probes += [(seg, keys[held]) for seg, held in sorted(held_by.items())]
        return probes

    def _layout(self) -> tuple[list[int], dict[int, int]]:
        """Return the segments probed for every key and, per filter, the covered segment it answers for.

        Read again only when the segments or filters changed (a cheap signature query per lookup).
        """
        db = self.store.db
        signature = tuple(db.execute(
            "SELECT (SELECT count(*) FROM prov_segments), (SELECT coalesce(max(seg), 0) FROM prov_segments), "
            "(SELECT total(sealed) FROM prov_segments), (SELECT count(*) FROM prov_filters), "
            "(SELECT coalesce(max(id), 0) FROM prov_filters), (SELECT total(token) FROM prov_filters)").fetchone())
        if self._cached_layout is not None and self._cached_layout[0] == signature:
            return self._cached_layout[1], self._cached_layout[2]
        segments: dict[int, tuple[int, list[tuple[int, int, int]]]] = {}
        for seg, docs, fid, token, covered in db.execute(
                "SELECT s.seg, s.docs, f.id, f.token, f.docs FROM prov_segments s "
                "LEFT JOIN prov_filters f ON f.seg = s.seg"):
            parts = segments.setdefault(seg, (docs, []))[1]
            if fid is not None:
                parts.append((fid, token, covered))
        use = bool(self.config.filter_bits_per_key)
        self._load_filters({fid: token for _, parts in segments.values() for fid, token, _ in parts if use})
        unfiltered, owner = [], {}
        for seg, (docs, parts) in sorted(segments.items()):
            if use and parts and sum(p[2] for p in parts) == docs:
                owner.update((fid, seg) for fid, _, _ in parts)
            else:
                unfiltered.append(seg)
        self._cached_layout = (signature, unfiltered, owner)
        return unfiltered, owner

    def _load_filters(self, wanted: dict[int, int]) -> None:
        """Make the filter banks hold exactly the filters ``{id: token}`` in ``wanted``, reading new ones."""
        stale = [fid for fid, token in self._tokens.items() if wanted.get(fid) != token]
        if stale:
            for fid in stale:
                del self._tokens[fid]
            for bank in self._banks.values():
                bank.keep(set(self._tokens))
        missing = sorted(fid for fid in wanted if fid not in self._tokens)
        for chunk in _chunks(missing, 200):
            for fid, token, hashes, bits in self.store.db.execute(
                    f"SELECT id, token, hashes, bits FROM prov_filters WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk):
                bloom = BloomFilter.from_bytes(bits, hashes)
                self._banks.setdefault(bloom.shape, BloomBank(bloom.shape)).add(fid, bloom)
                self._tokens[fid] = token

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

    def pair_ids(self) -> set[tuple[str, str]]:
        """Return ``(article_a, article_b)`` of every stored pair (without decoding the alignments)."""
        return {(r[0], r[1]) for r in self.store.db.execute("SELECT article_a, article_b FROM prov_pairs")}

    def sentence_links(self, article_ids: Sequence[str]) -> Iterator[tuple[str, str, list[tuple[int, int]]]]:
        """Stream ``(article_a, article_b, aligned sentence indices)`` of related stored pairs within ``article_ids``.

        SQLite reads the indices out of the stored alignments, so one row at a time is in memory: a
        story of thousands of copies (hundreds of thousands of pairs) costs the summariser no more
        than its links. Order: by ``article_a`` chunk, unspecified within.
        """
        keep = set(article_ids)
        for chunk in _chunks(sorted(keep), 400):
            marks = ",".join("?" * len(chunk))
            rows = self.store.db.execute(
                "SELECT p.article_a, p.article_b, (SELECT group_concat(json_extract(e.value, '$.a_index') || ' ' || "
                "json_extract(e.value, '$.b_index'), ' ') FROM json_each(p.alignment, '$.pairs') AS e) "
                f"FROM prov_pairs AS p WHERE p.article_a IN ({marks}) AND json_extract(p.alignment, '$.related')",
                chunk)
            for article_a, article_b, indices in rows:
                if article_b in keep and indices:
                    numbers = [int(n) for n in indices.split()]
                    yield article_a, article_b, list(zip(numbers[::2], numbers[1::2], strict=True))


def _pair(r) -> PairRecord:  # type: ignore[no-untyped-def]
    return PairRecord(r["article_a"], r["article_b"], bool(r["exact"]), r["jaccard"], r["containment"],
                      r["shared_words"], json.loads(r["alignment"]))


def _band_rows(first: int, fps: Sequence[Fingerprint]) -> tuple[np.ndarray, np.ndarray]:
    """Return the band rows ``(keys, docs)`` of consecutive documents ``first, first + 1, ...``, sorted, unique."""
    ids = np.arange(first, first + len(fps), dtype=np.int64)
    doc_keys = np.fromiter(chain.from_iterable(fp.doc_keys for fp in fps), dtype=np.int64)
    window_keys = np.fromiter(chain.from_iterable(fp.window_keys for fp in fps), dtype=np.int64)
    keys = np.concatenate((doc_keys & np.int64(-2), window_keys | np.int64(_KIND_WINDOW)))
    docs = np.concatenate((np.repeat(ids, [len(fp.doc_keys) for fp in fps]),
                           np.repeat(ids, [len(fp.window_keys) for fp in fps])))
    order = np.lexsort((docs, keys))
    keys, docs = keys[order], docs[order]
    keep = np.ones(len(keys), dtype=bool)
    keep[1:] = (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])
    return keys[keep], docs[keep]
