"""The SQLite store: the only module that talks to the database.

WAL journal (readers never block the writer), foreign keys on, a busy timeout instead of
"database is locked" errors, numbered migrations, and one transaction per unit of work: a
document with its article or failure, or a clustering pass with its stories.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from storyline.errors import NotFoundError, StoreError
from storyline.model import (
    Article,
    ArticleDate,
    Citation,
    Failure,
    RawDocument,
    Span,
    Story,
    StoryRow,
    Summary,
    SummarySentence,
    utc_now,
)
from storyline.store.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["Store"]

_ARTICLE_COLUMNS = (
    "id, raw_sha256, origin, source_id, url, outlet, title, authors, date_value, date_precision, "
    "date_inferred, date_source, language, text, paragraphs, sentences, credits, extraction_method, warnings, "
    "extraction_reason"
)


def _spans(data: str) -> list[Span]:
    return [Span(a, b) for a, b in json.loads(data)]


def _story_row(r: sqlite3.Row, members: list[str]) -> StoryRow:
    return StoryRow(Story(r["id"], members, r["first_seen"], r["last_seen"], r["label"], json.loads(r["keywords"])),
                    json.loads(r["centroid"]), json.loads(r["named"]), r["size"])


def _article(row: sqlite3.Row) -> Article:
    date = None
    if row["date_value"]:
        date = ArticleDate(row["date_value"], row["date_precision"], bool(row["date_inferred"]),
                           row["date_source"] or "")
    return Article(
        id=row["id"], raw_sha256=row["raw_sha256"], origin=row["origin"], text=row["text"],
        title=row["title"], url=row["url"], outlet=row["outlet"], authors=json.loads(row["authors"]),
        date=date, language=row["language"], paragraphs=_spans(row["paragraphs"]),
        sentences=_spans(row["sentences"]), credits=json.loads(row["credits"]),
        extraction_method=row["extraction_method"], warnings=json.loads(row["warnings"]),
        source_id=row["source_id"], extraction_reason=row["extraction_reason"],
    )


class Store:
    """A storyline database file. Use as a context manager; ``close`` is safe to call twice.

    Args:
        path: the SQLite file; parent folders are created. ``":memory:"`` works for tests.

    Raises:
        StoreError: the file cannot be opened or is from a newer storyline.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db: sqlite3.Connection | None = sqlite3.connect(self.path, timeout=30.0,
                                                                  isolation_level=None,
                                                                  check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database; calling it again does nothing."""
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise StoreError(f"store {self.path} is closed")
        return self._db

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(f"store {self.path} has schema version {version}, newer than this storyline "
                             f"({SCHEMA_VERSION}); upgrade storyline")
        while version < SCHEMA_VERSION:
            with self.transaction():
                # read again under the write lock: another process may have migrated meanwhile
                version = self.schema_version()
                if version >= SCHEMA_VERSION:
                    break
                for statement in _statements(MIGRATIONS[version]):
                    self.db.execute(statement)
                version += 1
                self.db.execute(f"PRAGMA user_version = {version}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block in one write transaction: all of it is stored, or none of it."""
        db = self.db
        if db.in_transaction:
            # nested: a savepoint, so a failed inner block leaves nothing behind in the outer one
            db.execute("SAVEPOINT nested")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK TO nested")
                db.execute("RELEASE nested")
                raise
            db.execute("RELEASE nested")
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def schema_version(self) -> int:
        """Return the number of migrations applied."""
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    # -- documents -------------------------------------------------------------------------
    def has_raw(self, sha256: str) -> bool:
        """Return True if a raw document with this hash was already processed."""
        return self.db.execute("SELECT 1 FROM raw_documents WHERE sha256 = ?", (sha256,)).fetchone() is not None

    def save_document(self, raw: RawDocument, article: Article | None, failure: Failure | None = None) -> bool:
        """Store a raw document with its article or its failure, in one transaction.

        Returns:
            False if the raw document was already stored (nothing changed), True otherwise.
        """
        with self.transaction() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO raw_documents (sha256, origin, content_type, fetched_at, size, content, "
                "metadata) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (raw.sha256, raw.origin, raw.content_type, raw.fetched_at, len(raw.content),
                 zlib.compress(raw.content), json.dumps(raw.metadata, sort_keys=True)),
            ).rowcount
            if not inserted:
                return False
            if article is not None:
                self._insert_article(db, article)
            if failure is not None:
                self._insert_failure(db, failure)
        return True

    def _insert_article(self, db: sqlite3.Connection, a: Article) -> None:
        date = a.date
        db.execute(
            f"INSERT INTO articles ({_ARTICLE_COLUMNS}, day, ingested_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (a.id, a.raw_sha256, a.origin, a.source_id, a.url, a.outlet, a.title, json.dumps(a.authors),
             date.value if date else None, date.precision if date else None,
             int(date.inferred) if date else None, date.source if date else None, a.language, a.text,
             json.dumps([[s.start, s.end] for s in a.paragraphs]),
             json.dumps([[s.start, s.end] for s in a.sentences]), json.dumps(a.credits),
             a.extraction_method, json.dumps(a.warnings), a.extraction_reason,
             date.day.isoformat() if date else None, utc_now()),
        )

    def raw_content(self, sha256: str) -> bytes:
        """Return the original bytes of a stored raw document."""
        row = self.db.execute("SELECT content FROM raw_documents WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            raise NotFoundError(f"no raw document {sha256}")
        return zlib.decompress(row["content"])

    # -- failures --------------------------------------------------------------------------
    def save_failure(self, failure: Failure) -> bool:
        """Record a failure that has no stored raw document; returns False if already recorded."""
        with self.transaction() as db:
            return self._insert_failure(db, failure)

    def _insert_failure(self, db: sqlite3.Connection, f: Failure) -> bool:
        return bool(db.execute(
            "INSERT OR IGNORE INTO failures (origin, sha256, stage, error_type, message, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)", (f.origin, f.sha256, f.stage, f.error_type, f.message, utc_now()),
        ).rowcount)

    def failure_for(self, sha256: str) -> Failure | None:
        """Return the failure recorded for a raw document, if processing it failed."""
        r = self.db.execute("SELECT * FROM failures WHERE sha256 = ? ORDER BY id LIMIT 1", (sha256,)).fetchone()
        return Failure(r["origin"], r["stage"], r["error_type"], r["message"], r["sha256"]) if r else None

    def failures(self, limit: int | None = None) -> list[Failure]:
        """Return recorded failures, oldest first."""
        rows = self.db.execute("SELECT * FROM failures ORDER BY id LIMIT ?", (limit or -1,))
        return [Failure(r["origin"], r["stage"], r["error_type"], r["message"], r["sha256"]) for r in rows]

    # -- articles --------------------------------------------------------------------------
    def article(self, article_id: str) -> Article:
        """Return one article.

        Raises:
            NotFoundError: no article has this id.
        """
        row = self.db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?",
                              (_encodable(article_id),)).fetchone()
        if row is None:
            raise NotFoundError(f"no article {article_id!r}; list articles with `storyline search`")
        return _article(row)

    def articles(self, ids: Iterable[str] | None = None, *, unassigned: bool = False) -> list[Article]:
        """Return articles (all, the given ids, or those in no story), ordered by day then id."""
        order = " ORDER BY coalesce(day, '9999-12-31'), id"
        if ids is not None:
            wanted = list(ids)
            rows = [r for chunk in _chunks(wanted, 500) for r in self.db.execute(
                f"SELECT {_ARTICLE_COLUMNS}, day FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
                chunk)]
            rows.sort(key=lambda r: (r["day"] or "9999-12-31", r["id"]))
            return [_article(r) for r in rows]
        where = " WHERE story_id IS NULL" if unassigned else ""
        return [_article(r) for r in self.db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles{where}{order}")]

    def article_ids(self) -> list[str]:
        """Return the ids of every stored article, sorted (without loading the articles)."""
        return [r[0] for r in self.db.execute("SELECT id FROM articles ORDER BY id")]

    def count_articles(self) -> int:
        """Return the number of stored articles."""
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def search(self, query: str, limit: int = 20) -> list[tuple[Article, str]]:
        """Full-text search over titles and texts (FTS5, BM25 ranking).

        Returns:
            ``(article, snippet)`` pairs, best first. The query is matched as plain words.
        """
        # a lone surrogate (undecodable bytes in a command-line argument) cannot be encoded for SQLite,
        # and FTS5's query parser stops at a NUL ("unterminated string"): both become plain separators
        query = "".join(" " if ord(c) < 32 else c for c in query.encode("utf-8", "replace").decode("utf-8"))
        terms = " ".join(f'"{word}"' for word in query.replace('"', " ").split())
        if not terms:
            return []
        rows = self.db.execute(
            f"SELECT {', '.join('a.' + c.strip() for c in _ARTICLE_COLUMNS.split(','))}, "
            "snippet(articles_fts, 1, '[', ']', '…', 12) AS snip FROM articles_fts "
            "JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH ? "
            "ORDER BY bm25(articles_fts) LIMIT ?", (terms, limit))
        return [(_article(r), r["snip"]) for r in rows]

    # -- clustering state ------------------------------------------------------------------
    def term_stats(self) -> tuple[dict[str, int], int]:
        """Return document frequencies of terms and the number of documents counted."""
        df = {r["term"]: r["df"] for r in self.db.execute("SELECT term, df FROM term_stats")}
        row = self.db.execute("SELECT value FROM meta WHERE key = 'n_docs'").fetchone()
        return df, int(row["value"]) if row else 0

    def stories(self, since_day: str | None = None) -> list[StoryRow]:
        """Return stories (optionally only those seen on or after ``since_day``), newest first."""
        query = "SELECT * FROM stories"
        params: tuple[Any, ...] = ()
        if since_day:
            query += " WHERE last_seen >= ? OR last_seen IS NULL"
            params = (since_day,)
        rows = list(self.db.execute(query + " ORDER BY coalesce(last_seen, '') DESC, id", params))
        members: dict[str, list[str]] = {r["id"]: [] for r in rows}
        for r in self.db.execute("SELECT id, story_id FROM articles WHERE story_id IS NOT NULL "
                                 "ORDER BY coalesce(day, '9999-12-31'), id"):
            if r["story_id"] in members:
                members[r["story_id"]].append(r["id"])
        return [_story_row(r, members[r["id"]]) for r in rows]

    def story(self, story_id: str) -> StoryRow:
        """Return one story (two indexed lookups: the pipeline calls this for every changed story).

        Raises:
            NotFoundError: no story has this id.
        """
        row = self.db.execute("SELECT * FROM stories WHERE id = ?", (_encodable(story_id),)).fetchone()
        if row is None:
            raise NotFoundError(f"no story {story_id!r}; list stories with `storyline stories`")
        members = [r["id"] for r in self.db.execute(
            "SELECT id FROM articles WHERE story_id = ? ORDER BY coalesce(day, '9999-12-31'), id", (row["id"],))]
        return _story_row(row, members)

    def save_clustering(self, stories: Iterable[StoryRow], assignments: dict[str, str],
                        df_delta: dict[str, int], n_docs: int) -> None:
        """Store a clustering pass in one transaction: stories, article assignments, term stats."""
        now = utc_now()
        with self.transaction() as db:
            for s in stories:
                db.execute(
                    "INSERT INTO stories (id, label, keywords, centroid, named, size, first_seen, last_seen, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                    "label=excluded.label, keywords=excluded.keywords, centroid=excluded.centroid, "
                    "named=excluded.named, size=excluded.size, first_seen=excluded.first_seen, "
                    "last_seen=excluded.last_seen, updated_at=excluded.updated_at",
                    (s.id, s.story.label, json.dumps(s.story.keywords), json.dumps(s.centroid, sort_keys=True),
                     json.dumps(s.named, sort_keys=True), s.size, s.story.first_seen, s.story.last_seen, now, now))
            db.executemany("UPDATE articles SET story_id = ? WHERE id = ?",
                           [(story, article) for article, story in sorted(assignments.items())])
            db.executemany("INSERT INTO term_stats (term, df) VALUES (?, ?) "
                           "ON CONFLICT(term) DO UPDATE SET df = df + excluded.df", sorted(df_delta.items()))
            db.execute("INSERT INTO meta (key, value) VALUES ('n_docs', ?) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (str(n_docs),))

    # -- summaries -------------------------------------------------------------------------
    def save_summary(self, summary: Summary) -> None:
        """Replace the stored summary of a story or storyline."""
        with self.transaction() as db:
            db.execute("DELETE FROM citations WHERE subject_id = ?", (summary.subject_id,))
            db.execute("DELETE FROM summary_sentences WHERE subject_id = ?", (summary.subject_id,))
            db.execute("DELETE FROM summaries WHERE subject_id = ?", (summary.subject_id,))
            db.execute("INSERT INTO summaries (subject_id, method, created_at) VALUES (?, ?, ?)",
                       (summary.subject_id, summary.method, utc_now()))
            for position, sentence in enumerate(summary.sentences):
                db.execute("INSERT INTO summary_sentences (subject_id, position, text) VALUES (?, ?, ?)",
                           (summary.subject_id, position, sentence.text))
                db.executemany(
                    "INSERT INTO citations (subject_id, position, article_id, start, end, kind) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [(summary.subject_id, position, c.article_id, c.start, c.end, c.kind)
                     for c in sentence.citations])

    def summary(self, subject_id: str) -> Summary | None:
        """Return the stored summary of a story or storyline, or None if none was built yet."""
        subject_id = _encodable(subject_id)
        head = self.db.execute("SELECT method FROM summaries WHERE subject_id = ?", (subject_id,)).fetchone()
        if head is None:
            return None
        cites: dict[int, list[Citation]] = {}
        for r in self.db.execute("SELECT position, article_id, start, end, kind FROM citations WHERE subject_id = ? "
                                 "ORDER BY position, article_id, start", (subject_id,)):
            cites.setdefault(r["position"], []).append(
                Citation(r["article_id"], r["start"], r["end"], r["kind"]))
        sentences = [SummarySentence(r["text"], tuple(cites.get(r["position"], ())))
                     for r in self.db.execute("SELECT position, text FROM summary_sentences WHERE subject_id = ? "
                                              "ORDER BY position", (subject_id,))]
        return Summary(subject_id, sentences, head["method"])

    def integrity_ok(self) -> bool:
        """Return True when SQLite's integrity check passes."""
        return self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (trigger bodies kept whole)."""
    statements, current = [], []
    for line in script.splitlines():
        current.append(line)
        candidate = "\n".join(current).strip()
        if candidate and sqlite3.complete_statement(candidate):
            statements.append(candidate)
            current = []
    return statements


def _encodable(value: str) -> str:
    """An id from a command line may hold lone surrogates (undecodable bytes); SQLite cannot take them."""
    return value.encode("utf-8", "replace").decode("utf-8")


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
