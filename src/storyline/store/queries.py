"""Paginated, filtered read queries for browsing a large store (the HTTP API and web UI).

``Store.stories()`` loads every story with its clustering state, which the clusterer needs but a
page listing twenty stories does not. These queries read only the rows and columns a page shows,
use the indexes of migration 2 (stories by last activity, articles by story/outlet and day), and
take every user value as an SQL parameter, never as SQL text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from storyline.errors import NotFoundError
from storyline.model import Article, Failure
from storyline.store.store import _ARTICLE_COLUMNS, Store, _article
from storyline.text import STOPWORDS

__all__ = [
    "ArticleFilter",
    "ArticleHeader",
    "Page",
    "StoryListing",
    "StorylineListing",
    "article_headers",
    "article_page",
    "article_story",
    "articles_per_day",
    "failure_page",
    "outlet_counts",
    "outlet_samples",
    "recent_articles",
    "search_page",
    "store_overview",
    "story_activity",
    "story_coverage",
    "story_listing",
    "story_page",
    "story_storyline",
    "storyline_history",
    "storyline_listing",
    "storyline_page",
    "storyline_stories",
]

T = TypeVar("T")

_A_COLUMNS = ", ".join("a." + c.strip() for c in _ARTICLE_COLUMNS.split(","))


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of results and how many there are in all."""

    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """Which articles (or stories, through their articles) to show: all fields are optional.

    ``since``/``until`` are ISO days (inclusive); a story matches when its activity overlaps them.
    """

    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    story_id: str | None = None
    storyline_id: str | None = None

    def article_clauses(self, alias: str = "") -> tuple[list[str], list[Any]]:
        """Return SQL conditions on an articles table (with optional alias) and their parameters."""
        p = f"{alias}." if alias else ""
        clauses: list[str] = []
        params: list[Any] = []
        if self.since:
            clauses.append(f"{p}day >= ?")
            params.append(self.since)
        if self.until:
            clauses.append(f"{p}day <= ?")
            params.append(self.until)
        if self.outlet:
            clauses.append(f"{p}outlet = ?")
            params.append(self.outlet)
        if self.story_id:
            clauses.append(f"{p}story_id = ?")
            params.append(self.story_id)
        if self.storyline_id:
            clauses.append(f"{p}story_id IN (SELECT story_id FROM storyline_stories WHERE storyline_id = ?)")
            params.append(self.storyline_id)
        return clauses, params


@dataclass(frozen=True, slots=True)
class StoryListing:
    """A story as a listing shows it: no member list, no clustering state."""

    id: str
    label: str
    keywords: list[str]
    size: int
    first_seen: str | None
    last_seen: str | None


@dataclass(frozen=True, slots=True)
class ArticleHeader:
    """What a list of articles shows: metadata and the lede (first sentence), not the text."""

    id: str
    title: str | None
    outlet: str | None
    url: str | None
    date: str | None
    date_precision: str | None
    date_inferred: bool | None
    lede: str


# the lede is cut in SQL from the first sentence span, so a list never reads whole article texts
_HEADER_COLUMNS = ("id, title, outlet, url, date_value, date_precision, date_inferred, "
                   "CASE WHEN json_array_length(sentences) > 0 "
                   "THEN substr(text, json_extract(sentences, '$[0][0]') + 1, "
                   "json_extract(sentences, '$[0][1]') - json_extract(sentences, '$[0][0]')) "
                   "ELSE substr(text, 1, 300) END AS lede")


def _header(r: Any) -> ArticleHeader:
    inferred = None if r["date_inferred"] is None else bool(r["date_inferred"])
    return ArticleHeader(r["id"], r["title"], r["outlet"], r["url"], r["date_value"], r["date_precision"], inferred,
                         r["lede"] or "")


@dataclass(frozen=True, slots=True)
class StorylineListing:
    """A storyline as a listing shows it: its date range and how many stories and articles it holds."""

    id: str
    label: str
    first_seen: str | None
    last_seen: str | None
    stories: int
    articles: int
    merged_into: str | None = None


_STORYLINE_SELECT = ("SELECT l.id, l.label, l.merged_into, min(s.first_seen) AS first_seen, "
                     "max(s.last_seen) AS last_seen, count(s.id) AS n_stories, coalesce(sum(s.size), 0) AS n_articles "
                     "FROM storylines l LEFT JOIN storyline_stories m ON m.storyline_id = l.id "
                     "LEFT JOIN stories s ON s.id = m.story_id")


def _storyline(r: Any) -> StorylineListing:
    return StorylineListing(r["id"], r["label"], r["first_seen"], r["last_seen"], int(r["n_stories"]),
                            int(r["n_articles"]), r["merged_into"])


def _where(clauses: list[str]) -> str:
    return " WHERE " + " AND ".join(clauses) if clauses else ""


def story_page(store: Store, filters: ArticleFilter | None = None, *, limit: int = 20,
               offset: int = 0) -> Page[StoryListing]:
    """Return stories ranked by recent activity (last article day, newest first), one page.

    Args:
        filters: ``since``/``until`` keep stories whose activity overlaps the range; ``outlet``
            keeps stories with at least one article from that outlet.
    """
    f = filters or ArticleFilter()
    clauses: list[str] = []
    params: list[Any] = []
    if f.since:
        clauses.append("last_seen >= ?")
        params.append(f.since)
    if f.until:
        clauses.append("first_seen <= ?")
        params.append(f.until)
    if f.outlet:
        clauses.append("id IN (SELECT story_id FROM articles WHERE outlet = ? AND story_id IS NOT NULL)")
        params.append(f.outlet)
    where = _where(clauses)
    total = int(store.db.execute(f"SELECT count(*) FROM stories{where}", params).fetchone()[0])
    rows = store.db.execute(
        f"SELECT id, label, keywords, size, first_seen, last_seen FROM stories{where} "
        "ORDER BY last_seen DESC, id LIMIT ? OFFSET ?", [*params, limit, offset])
    return Page([_listing(r) for r in rows], total, limit, offset)


def _listing(r: Any) -> StoryListing:
    return StoryListing(r["id"], r["label"], json.loads(r["keywords"]), r["size"], r["first_seen"], r["last_seen"])


def story_listing(store: Store, story_id: str) -> StoryListing:
    """Return one story's header (no members, no clustering state).

    Raises:
        NotFoundError: no story has this id.
    """
    r = store.db.execute("SELECT id, label, keywords, size, first_seen, last_seen FROM stories WHERE id = ?",
                         (story_id,)).fetchone()
    if r is None:
        raise NotFoundError(f"no story {story_id!r}; list stories with `storyline stories`")
    return _listing(r)


def storyline_page(store: Store, *, limit: int = 20, offset: int = 0) -> Page[StorylineListing]:
    """Return storylines (not merged away) ranked by recent activity (their latest story's last day)."""
    total = int(store.db.execute("SELECT count(*) FROM storylines l WHERE l.merged_into IS NULL AND EXISTS "
                                 "(SELECT 1 FROM storyline_stories m WHERE m.storyline_id = l.id)").fetchone()[0])
    rows = store.db.execute(f"{_STORYLINE_SELECT} WHERE l.merged_into IS NULL GROUP BY l.id HAVING count(s.id) > 0 "
                            "ORDER BY last_seen DESC, l.id LIMIT ? OFFSET ?", (limit, offset))
    return Page([_storyline(r) for r in rows], total, limit, offset)


def storyline_listing(store: Store, storyline_id: str) -> StorylineListing:
    """Return one storyline's header (merged ones too: ``merged_into`` says where it went).

    Raises:
        NotFoundError: no storyline has this id.
    """
    r = store.db.execute(f"{_STORYLINE_SELECT} WHERE l.id = ? GROUP BY l.id", (storyline_id,)).fetchone()
    if r is None:
        raise NotFoundError(f"no storyline {storyline_id!r}; list them with `storyline storylines`")
    return _storyline(r)


def storyline_stories(store: Store, storyline_id: str) -> list[StoryListing]:
    """Return the stories of a storyline, oldest first."""
    rows = store.db.execute(
        "SELECT s.id, s.label, s.keywords, s.size, s.first_seen, s.last_seen FROM storyline_stories m "
        "JOIN stories s ON s.id = m.story_id WHERE m.storyline_id = ? ORDER BY coalesce(s.first_seen, '9999'), s.id",
        (storyline_id,))
    return [_listing(r) for r in rows]


def storyline_history(store: Store, storyline_id: str) -> list[tuple[str, str, str]]:
    """Return a storyline's history as ``(kind, at, detail)``, oldest first."""
    rows = store.db.execute("SELECT kind, created_at, detail FROM storyline_events WHERE storyline_id = ? ORDER BY id",
                            (storyline_id,))
    return [(r["kind"], r["created_at"], r["detail"]) for r in rows]


def story_storyline(store: Store, story_id: str) -> str | None:
    """Return the id of the storyline a story belongs to, or None."""
    row = store.db.execute("SELECT storyline_id FROM storyline_stories WHERE story_id = ?", (story_id,)).fetchone()
    return row["storyline_id"] if row else None


def _filtered_articles(store: Store, filters: ArticleFilter | None, columns: str, order: str,
                       limit: int, offset: int) -> tuple[int, list[Any]]:
    """Count the articles matching the filters and read one page of them (the given columns and order)."""
    clauses, params = (filters or ArticleFilter()).article_clauses()
    where = _where(clauses)
    total = int(store.db.execute(f"SELECT count(*) FROM articles{where}", params).fetchone()[0])
    rows = store.db.execute(f"SELECT {columns} FROM articles{where} ORDER BY {order} LIMIT ? OFFSET ?",
                            [*params, limit, offset]).fetchall()
    return total, rows


def article_page(store: Store, filters: ArticleFilter | None = None, *, limit: int = 20,
                 offset: int = 0, newest_first: bool = True) -> Page[Article]:
    """Return articles matching the filters, by day (newest first unless told) then id."""
    order = "day DESC, id" if newest_first else "day ASC, id"
    total, rows = _filtered_articles(store, filters, _ARTICLE_COLUMNS, order, limit, offset)
    return Page([_article(r) for r in rows], total, limit, offset)


def article_headers(store: Store, filters: ArticleFilter | None = None, *, limit: int = 20,
                    offset: int = 0, newest_first: bool = True) -> Page[ArticleHeader]:
    """Like :func:`article_page`, but headers only (metadata and lede): cheap for long lists."""
    order = "day DESC, id DESC" if newest_first else "day ASC, id ASC"
    total, rows = _filtered_articles(store, filters, _HEADER_COLUMNS, order, limit, offset)
    return Page([_header(r) for r in rows], total, limit, offset)


def article_story(store: Store, article_id: str) -> StoryListing | None:
    """Return the story an article belongs to, or None when it has none yet.

    Raises:
        NotFoundError: no article has this id.
    """
    row = store.db.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"no article {article_id!r}")
    if row["story_id"] is None:
        return None
    r = store.db.execute("SELECT id, label, keywords, size, first_seen, last_seen FROM stories WHERE id = ?",
                         (row["story_id"],)).fetchone()
    return _listing(r) if r else None


def articles_per_day(store: Store, filters: ArticleFilter | None = None) -> list[tuple[str, int]]:
    """Return ``(day, number of articles)`` for every day with articles, oldest first.

    Without an outlet or story filter the counts come from ``article_days`` (kept by triggers),
    so the cost does not grow with the number of articles.
    """
    f = filters or ArticleFilter()
    if not f.outlet and not f.story_id and not f.storyline_id:
        clauses, params = [], []
        if f.since:
            clauses.append("day >= ?")
            params.append(f.since)
        if f.until:
            clauses.append("day <= ?")
            params.append(f.until)
        rows = store.db.execute(f"SELECT day, n FROM article_days{_where(clauses)} ORDER BY day", params)
        return [(r["day"], int(r["n"])) for r in rows]
    clauses, params = f.article_clauses()
    clauses.append("day IS NOT NULL")
    rows = store.db.execute(f"SELECT day, count(*) AS n FROM articles{_where(clauses)} GROUP BY day ORDER BY day",
                            params)
    return [(r["day"], int(r["n"])) for r in rows]


def outlet_counts(store: Store, filters: ArticleFilter | None = None) -> list[tuple[str, int]]:
    """Return ``(outlet, number of articles)``, most articles first (unknown outlets left out)."""
    clauses, params = (filters or ArticleFilter()).article_clauses()
    clauses.append("outlet IS NOT NULL")
    rows = store.db.execute(f"SELECT outlet, count(*) AS n FROM articles{_where(clauses)} GROUP BY outlet "
                            "ORDER BY n DESC, outlet", params)
    return [(r["outlet"], int(r["n"])) for r in rows]


def outlet_samples(store: Store, story_id: str, per_outlet: int) -> dict[str, list[ArticleHeader]]:
    """Return the first ``per_outlet`` article headers (by day, then id) of every outlet in a story, in one pass."""
    rows = store.db.execute(
        f"SELECT {_HEADER_COLUMNS} FROM articles WHERE rowid IN (SELECT rowid FROM (SELECT rowid, row_number() "
        "OVER (PARTITION BY outlet ORDER BY day, id) AS rn FROM articles WHERE story_id = ? AND outlet IS NOT NULL) "
        "WHERE rn <= ?) ORDER BY outlet, day, id", (story_id, per_outlet))
    samples: dict[str, list[ArticleHeader]] = {}
    for r in rows:
        samples.setdefault(r["outlet"], []).append(_header(r))
    return samples


def _match_expression(query: str, aliases: Sequence[Sequence[str]] = ()) -> str:
    """Turn user text into an FTS5 query of quoted words (all must occur).

    Quoting makes operators and syntax in user input plain text. Stop words are dropped when the
    query has other words ("the levee" finds what "levee" finds), as search engines do: they would
    only make a common query slower. A run of query words that is one of the names in an
    ``aliases`` group (the names of one actor) matches any name of that group: with the group
    ("Islamic State", "ISIS", "ISIL"), "ISIS fighters" finds an article about ISIL fighters.

    >>> _match_expression('the "levee" breach')
    '"levee" AND "breach"'
    >>> _match_expression("isis fighters", [("ISIS", "ISIL", "Islamic State")])
    '("ISIS" OR "ISIL" OR "Islamic State") AND "fighters"'
    """
    # a lone surrogate (undecodable bytes in a command-line argument) cannot be encoded for SQLite,
    # and FTS5's query parser stops at a NUL ("unterminated string"): both become plain separators
    query = "".join(" " if ord(c) < 32 else c for c in query.encode("utf-8", "replace").decode("utf-8"))
    words = query.replace('"', " ").split()
    names: dict[tuple[str, ...], tuple[str, ...]] = {}
    for group in aliases:
        unique = tuple(dict.fromkeys(n.replace('"', " ").strip() for n in group if n.strip()))
        for name in unique:
            names.setdefault(tuple(name.lower().split()), unique)
    longest = max((len(k) for k in names), default=1)
    groups: list[str] = []
    plain: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            group = names.get(tuple(w.lower() for w in words[i:i + n]))
            if group:
                groups.append("(" + " OR ".join(f'"{name}"' for name in group) + ")")
                i += n
                break
        else:
            plain.append(words[i])
            i += 1
    content = [w for w in plain if w.lower() not in STOPWORDS]
    kept = content if content or groups else plain
    return " AND ".join([*groups, *(f'"{word}"' for word in kept)])


def search_page(store: Store, query: str, filters: ArticleFilter | None = None, *, limit: int = 20,
                offset: int = 0, max_total: int = 1000, rank_window: int = 2000,
                aliases: Sequence[Sequence[str]] = ()) -> Page[tuple[Article, str]]:
    """Full-text search (FTS5, BM25) with filters, one page of ``(article, snippet)``.

    Steps, each bounded so that a common word in a large store stays fast:

    1. ``total``: matches are counted up to ``max_total``;
    2. ranking: the ``rank_window`` most recently stored matches are ranked by BM25 (all of them
       when there are fewer), and the page is cut from that ranking;
    3. text and snippet are read for the page's rows only.

    Snippets mark matches with the control characters ``\\x02`` (start) and ``\\x03`` (end) for a
    view to split on (a stray one in an article would only misplace a highlight; the text is
    escaped either way). ``aliases``: groups of names of one actor, any of which a name in the
    query matches (see :func:`_match_expression`).
    """
    terms = _match_expression(query, aliases)
    if not terms:
        return Page([], 0, limit, offset)
    clauses, params = (filters or ArticleFilter()).article_clauses("a")
    join = " JOIN articles a ON a.rowid = articles_fts.rowid" if clauses else ""
    where = "".join(f" AND {c}" for c in clauses)
    base = f" FROM articles_fts{join} WHERE articles_fts MATCH ?{where}"
    total = int(store.db.execute(f"SELECT count(*) FROM (SELECT 1{base} LIMIT ?)",
                                 [terms, *params, max_total]).fetchone()[0])
    if offset >= total:
        return Page([], total, limit, offset)
    ranked = store.db.execute(
        f"SELECT rowid FROM (SELECT articles_fts.rowid AS rowid, bm25(articles_fts) AS score{base} "
        "ORDER BY articles_fts.rowid DESC LIMIT ?) ORDER BY score, rowid LIMIT ? OFFSET ?",
        [terms, *params, rank_window, limit, offset]).fetchall()
    rowids = [r["rowid"] for r in ranked]
    if not rowids:
        return Page([], total, limit, offset)
    rows = {r["rowid"]: r for r in store.db.execute(
        f"SELECT articles_fts.rowid AS rowid, {_A_COLUMNS}, snippet(articles_fts, 1, char(2), char(3), '…', 12) "
        "AS snip FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
        f"WHERE articles_fts MATCH ? AND articles_fts.rowid IN ({','.join('?' * len(rowids))})", [terms, *rowids])}
    return Page([(_article(rows[i]), rows[i]["snip"]) for i in rowids if i in rows], total, limit, offset)


def failure_page(store: Store, *, limit: int = 50, offset: int = 0) -> Page[tuple[Failure, str]]:
    """Return recorded failures, newest first, with when each was recorded."""
    total = int(store.db.execute("SELECT count(*) FROM failures").fetchone()[0])
    rows = store.db.execute("SELECT * FROM failures ORDER BY id DESC LIMIT ? OFFSET ?", (limit, offset))
    return Page([(Failure(r["origin"], r["stage"], r["error_type"], r["message"], r["sha256"]), r["created_at"])
                 for r in rows], total, limit, offset)


_OVERVIEW_COUNTS = (
    ("articles", "SELECT count(*) FROM articles"),
    ("stories", "SELECT count(*) FROM stories"),
    ("storylines", "SELECT count(*) FROM storylines WHERE merged_into IS NULL"),
    ("outlets", "SELECT count(DISTINCT outlet) FROM articles WHERE outlet IS NOT NULL"),
    ("failures", "SELECT count(*) FROM failures"),
    ("sources", "SELECT count(*) FROM sources"),
    ("actors", "SELECT count(*) FROM entities"),
    ("quotes", "SELECT count(*) FROM quotes"),
)


def store_overview(store: Store) -> dict[str, Any]:
    """Return what a store holds: row counts, first and last publication day, last ingest time."""
    view: dict[str, Any] = {name: int(store.db.execute(sql).fetchone()[0]) for name, sql in _OVERVIEW_COUNTS}
    r = store.db.execute("SELECT min(day), max(day), max(ingested_at) FROM articles").fetchone()
    view.update({"first_day": r[0], "last_day": r[1], "last_ingested_at": r[2]})
    return view


def recent_articles(store: Store, filters: ArticleFilter | None = None, *, limit: int = 50
                    ) -> list[tuple[ArticleHeader, str]]:
    """Return the articles stored most recently (last first) with when each was stored: what a feed lists."""
    clauses, params = (filters or ArticleFilter()).article_clauses()
    rows = store.db.execute(f"SELECT {_HEADER_COLUMNS}, ingested_at FROM articles{_where(clauses)} "
                            "ORDER BY ingested_at DESC, id LIMIT ?", [*params, limit])
    return [(_header(r), r["ingested_at"]) for r in rows]


def story_activity(store: Store, story_ids: Sequence[str] | None = None, *, limit: int = 50
                   ) -> list[tuple[StoryListing, str, str, int]]:
    """Return stories with when their first and latest articles were stored and their number of outlets.

    ``(listing, first stored, last stored, outlets)``, the story whose latest article was stored
    last first; all stories, or only ``story_ids``.
    """
    where, params = "", []
    if story_ids is not None:
        if not story_ids:
            return []
        where = f" WHERE a.story_id IN ({','.join('?' * len(story_ids))})"
        params = list(story_ids)
    rows = store.db.execute(
        "SELECT s.id, s.label, s.keywords, s.size, s.first_seen, s.last_seen, min(a.ingested_at) AS first_stored, "
        "max(a.ingested_at) AS last_stored, count(DISTINCT a.outlet) AS outlets FROM articles a "
        f"JOIN stories s ON s.id = a.story_id{where} GROUP BY s.id ORDER BY last_stored DESC, s.id LIMIT ?",
        [*params, limit]).fetchall()
    return [(_listing(r), r["first_stored"], r["last_stored"], int(r["outlets"])) for r in rows]


def story_coverage(store: Store) -> dict[str, tuple[str | None, dict[str, int]]]:
    """Return, for every clustered story, its storyline and its number of articles per outlet ("" for none)."""
    coverage: dict[str, tuple[str | None, dict[str, int]]] = {}
    for r in store.db.execute(
            "SELECT a.story_id, m.storyline_id, coalesce(a.outlet, '') AS outlet, count(*) AS n FROM articles a "
            "LEFT JOIN storyline_stories m ON m.story_id = a.story_id WHERE a.story_id IS NOT NULL "
            "GROUP BY a.story_id, m.storyline_id, a.outlet"):
        coverage.setdefault(r["story_id"], (r["storyline_id"], {}))[1][r["outlet"]] = int(r["n"])
    return coverage
