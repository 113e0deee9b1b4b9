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

import numpy as np

from storyline.store.bloom import BloomFilter
from storyline.store.store import Store

__all__ = ["check_store", "claim_clustering_generation", "clustering_generation", "snapshot"]

_GENERATION_KEY = "clustering_generation"
FILTER_SAMPLE = 61
"""The deep check tests one band key in this many against its segment's Bloom filters."""
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
    articles of that story; storylines (every story in exactly one live storyline; history, merges,
    links, the clusterer's window and every cut-off part name existing stories and storylines); NLP tables (mention,
    quote, claim and stance spans inside their article's text; speakers, mentions and stances name
    existing entities); the provenance index (every indexed document is an article, every band
    entry an indexed document, every pair two articles in order with passage spans inside their
    texts); offsets lie inside their text, in order.
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
        problems.extend(_check_storylines(db))
        problems.extend(_check_nlp(db))
        problems.extend(_check_provenance(db, deep))
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


def _first(rows: list[tuple], limit: int = 20) -> list[tuple]:  # type: ignore[type-arg]
    return rows[:limit]


def _check_storylines(db: sqlite3.Connection) -> list[str]:
    """Every story in exactly one live storyline; merges, history, links, cut parts and window state resolve."""
    problems = [f"story {s} belongs to no storyline" for (s,) in _first(db.execute(
        "SELECT id FROM stories s WHERE NOT EXISTS (SELECT 1 FROM storyline_stories m WHERE m.story_id = s.id)"
        ).fetchall())]
    # storyline_stories.story_id is its primary key, so "more than one storyline" cannot be stored
    problems += [f"storyline membership names missing story {s}" for (s,) in _first(db.execute(
        "SELECT story_id FROM storyline_stories m WHERE NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = m.story_id)"
        ).fetchall())]
    problems += [f"story {s} belongs to storyline {line}, which was merged into {into}" for s, line, into in _first(
        db.execute("SELECT m.story_id, l.id, l.merged_into FROM storyline_stories m JOIN storylines l "
                   "ON l.id = m.storyline_id WHERE l.merged_into IS NOT NULL").fetchall())]
    problems += [f"storyline {line} was merged into missing storyline {into}" for line, into in _first(db.execute(
        "SELECT id, merged_into FROM storylines l WHERE merged_into IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM storylines o WHERE o.id = l.merged_into)").fetchall())]
    problems += [f"storyline history row {i} names missing storyline {line}" for i, line in _first(db.execute(
        "SELECT id, storyline_id FROM storyline_events e WHERE NOT EXISTS "
        "(SELECT 1 FROM storylines l WHERE l.id = e.storyline_id)").fetchall())]
    problems += [f"story merge {i}: absorbed story {a} still exists" for i, a in _first(db.execute(
        "SELECT id, absorbed FROM story_merges m WHERE EXISTS (SELECT 1 FROM stories s WHERE s.id = m.absorbed)"
        ).fetchall())]
    # a survivor may itself be absorbed later; it must then appear as absorbed by a later merge
    problems += [f"story merge {i}: survivor {s} is neither a story nor merged later" for i, s in _first(db.execute(
        "SELECT id, survivor FROM story_merges m WHERE NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = m.survivor) "
        "AND NOT EXISTS (SELECT 1 FROM story_merges n WHERE n.absorbed = m.survivor AND n.id > m.id)").fetchall())]
    problems += [f"story link {a} - {b} names a missing story" for a, b in _first(db.execute(
        "SELECT a, b FROM story_links k WHERE NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = k.a) "
        "OR NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = k.b)").fetchall())]
    problems += [f"story {s} was cut off a story that does not exist" for (s,) in _first(db.execute(
        "SELECT id FROM stories p WHERE id LIKE '%.2' AND NOT EXISTS "
        "(SELECT 1 FROM stories s WHERE s.id = substr(p.id, 1, length(p.id) - 2))").fetchall())]
    problems += [f"clusterer window holds missing story {s}" for (s,) in _first(db.execute(
        "SELECT story_id FROM cluster_state c WHERE NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = c.story_id)"
        ).fetchall())]
    return problems


# (table, columns naming spans of the row's article text); NULL spans (no cue, no speaker) are fine
_NLP_SPANS = (("name_mentions", (("start", "end"),)), ("entity_mentions", (("start", "end"),)),
              ("quotes", (("start", "end"), ("cue_start", "cue_end"), ("speaker_start", "speaker_end"),
                          ("ref_start", "ref_end"))),
              ("claims", (("start", "end"), ("status_start", "status_end"))), ("stances", (("start", "end"),)))


def _check_nlp(db: sqlite3.Connection) -> list[str]:
    """Annotation spans lie inside their article's text; speakers, mentions and stances name entities."""
    problems: list[str] = []
    for table, spans in _NLP_SPANS:
        bad = " OR ".join(f"({a} IS NOT NULL AND NOT (0 <= {a} AND {a} < {b} AND {b} <= length(t.text)))"
                          for a, b in spans)
        rows = db.execute(f"SELECT x.article_id, x.start, x.end FROM {table} x LEFT JOIN articles t "
                          f"ON t.id = x.article_id WHERE t.id IS NULL OR {bad}").fetchall()
        problems += [f"{table} row at [{start}, {end}) of article {article} is outside the article's text"
                     for article, start, end in _first(rows)]
    for article, start, parts, length in db.execute(
            "SELECT q.article_id, q.start, q.parts, length(a.text) FROM quotes q "
            "JOIN articles a ON a.id = q.article_id"):
        if not _spans_ok(json.loads(parts), length):
            problems.append(f"quote at {start} of article {article} has parts outside the text or out of order")
    problems += [f"quote at {start} of article {article} names missing speaker entity {entity}"
                 for article, start, entity in _first(db.execute(
                     "SELECT article_id, start, speaker_entity FROM quotes q WHERE speaker_entity IS NOT NULL AND "
                     "NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = q.speaker_entity)").fetchall())]
    problems += [f"mention at {start} of article {article} names missing entity {entity}"
                 for article, start, entity in _first(db.execute(
                     "SELECT article_id, start, entity_id FROM entity_mentions m WHERE NOT EXISTS "
                     "(SELECT 1 FROM entities e WHERE e.id = m.entity_id)").fetchall())]
    problems += [f"stance at {start} of article {article} names missing actor {a} or {b}"
                 for article, start, a, b in _first(db.execute(
                     "SELECT article_id, start, actor_a, actor_b FROM stances s WHERE "
                     "NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = s.actor_a) OR "
                     "NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = s.actor_b)").fetchall())]
    return problems


def _filter_misses(db: sqlite3.Connection) -> list[str]:
    """Segments whose Bloom filters cover them yet miss one of their keys (a lookup would skip it).

    Checks one key in ``FILTER_SAMPLE`` (SQLite picks them in its scan, so a 1M-document index
    costs seconds): a wrong filter misses keys by the thousand.
    """
    problems = []
    covered = db.execute("SELECT s.seg FROM prov_segments s JOIN prov_filters f ON f.seg = s.seg "
                         "GROUP BY s.seg HAVING sum(f.docs) = s.docs").fetchall()
    for (seg,) in covered:
        filters = [BloomFilter.from_bytes(bits, hashes) for hashes, bits in db.execute(
            "SELECT hashes, bits FROM prov_filters WHERE seg = ?", (seg,))]
        keys = np.fromiter((r[0] for r in db.execute(
            "SELECT key FROM prov_bands WHERE seg = ? AND key % ? = 0", (seg, FILTER_SAMPLE))), dtype=np.int64)
        held = np.zeros(len(keys), dtype=bool)
        for bloom in filters:
            held |= bloom.might_contain(keys)
        if not held.all():
            problems.append(f"prov_filters of segment {seg} miss {int((~held).sum())} of its keys")
    return problems


def _check_provenance(db: sqlite3.Connection, deep: bool) -> list[str]:
    """Indexed documents are articles, band entries indexed documents, pairs ordered with spans in their texts."""
    problems = [f"provenance index holds document {doc} for missing article {article}" for doc, article in _first(
        db.execute("SELECT doc, article_id FROM prov_docs p WHERE NOT EXISTS "
                   "(SELECT 1 FROM articles a WHERE a.id = p.article_id)").fetchall())]
    problems += [f"prov_bands entry (segment {seg}, key {key}) names missing indexed document {doc}"
                 for seg, key, doc in _first(db.execute(
                     "SELECT seg, key, doc FROM prov_bands b WHERE NOT EXISTS "
                     "(SELECT 1 FROM prov_docs p WHERE p.doc = b.doc)").fetchall())]
    problems += [f"prov_bands entry (key {key}, document {doc}) is in missing segment {seg}"
                 for seg, key, doc in _first(db.execute(
                     "SELECT seg, key, doc FROM prov_bands b WHERE NOT EXISTS "
                     "(SELECT 1 FROM prov_segments s WHERE s.seg = b.seg)").fetchall())]
    problems += [f"prov_filters entry {fid} belongs to missing segment {seg}" for fid, seg in _first(db.execute(
        "SELECT id, seg FROM prov_filters f WHERE NOT EXISTS (SELECT 1 FROM prov_segments s WHERE s.seg = f.seg)"
    ).fetchall())]
    problems += [f"prov_filters of segment {seg} cover {covered} documents, more than its {docs}"
                 for seg, covered, docs in _first(db.execute(
                     "SELECT f.seg, sum(f.docs), s.docs FROM prov_filters f JOIN prov_segments s ON s.seg = f.seg "
                     "GROUP BY f.seg HAVING sum(f.docs) > s.docs").fetchall())]
    if deep:
        problems += _filter_misses(db)
    problems += [f"provenance pair {a} - {b} is not in order" for a, b in _first(db.execute(
        "SELECT article_a, article_b FROM prov_pairs WHERE NOT article_a < article_b").fetchall())]
    rows = db.execute("SELECT p.article_a, p.article_b, length(a.text), length(b.text), "
                      "CASE WHEN ? THEN p.alignment END FROM prov_pairs p "
                      "LEFT JOIN articles a ON a.id = p.article_a LEFT JOIN articles b ON b.id = p.article_b", (deep,))
    for article_a, article_b, length_a, length_b, alignment in rows:
        if length_a is None or length_b is None:
            problems.append(f"provenance pair {article_a} - {article_b} names a missing article")
        elif alignment is not None and not _alignment_ok(json.loads(alignment), length_a, length_b):
            problems.append(f"provenance pair {article_a} - {article_b} has passage spans outside the texts")
        if len(problems) > 60:
            break
    return problems


def _alignment_ok(alignment: dict, length_a: int, length_b: int) -> bool:  # type: ignore[type-arg]
    def inside(span: list[int] | None, length: int) -> bool:
        return span is None or 0 <= span[0] <= span[1] <= length

    return all(inside(p["a_span"], length_a) and inside(p["b_span"], length_b) for p in alignment.get("pairs", ())) \
        and all(inside(r["a_span"], length_a) and inside(r["b_span"], length_b) for r in alignment.get("runs", ()))
