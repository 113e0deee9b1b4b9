"""Persistence of the event clusterer's active window, story merges and storylines.

Functions over a :class:`Store`. The clusterer's state is saved exactly (weights as JSON floats,
which round-trip), so continuing a stream after a restart gives the same stories as one long run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from storyline.model import (
    ClusterPass,
    Linking,
    Storyline,
    StorylineEvent,
    StoryNode,
    StoryRow,
    StoryState,
    utc_now,
)
from storyline.store.store import Store

__all__ = [
    "ClusterSnapshot",
    "StorylineRow",
    "existing_stories",
    "link_inputs",
    "load_cluster_state",
    "load_storyline",
    "load_storylines",
    "meta_value",
    "save_cluster_pass",
    "save_linking",
    "set_meta_value",
    "story_members",
    "whatsnew_rows",
]


@dataclass(slots=True)
class ClusterSnapshot:
    """Everything the event clusterer needs to continue a stream."""

    states: list[StoryState]
    df: dict[str, int]
    n_docs: int
    tick: int
    clock: int | None
    archived: list[StoryState] = field(default_factory=list)


@dataclass(slots=True)
class StorylineRow:
    """A storyline with its stories (oldest first) and its date range."""

    storyline: Storyline
    stories: list[StoryRow] = field(default_factory=list)
    first_seen: str | None = None
    last_seen: str | None = None
    merged_into: str | None = None


def meta_value(store: Store, key: str) -> str | None:
    """Return a value of the ``meta`` table, or None."""
    row = store.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row["value"] if row else None


def set_meta_value(store: Store, key: str, value: str) -> None:
    """Set a value of the ``meta`` table."""
    with store.transaction() as db:
        db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   (key, value))


def load_cluster_state(store: Store) -> ClusterSnapshot:
    """Return the saved active window and archive, document frequencies and stream position."""
    df, n_docs = store.term_stats()
    states: list[StoryState] = []
    archived: list[StoryState] = []
    for r in store.db.execute("SELECT * FROM cluster_state ORDER BY last_tick, story_id"):
        (archived if r["archived"] else states).append(StoryState(
            r["story_id"], json.loads(r["vector"]), r["norm"], r["size"], r["founded"], r["last_tick"],
            r["first_day"], r["last_day"], r["label"]))
    tick = meta_value(store, "cluster_tick")
    clock = meta_value(store, "cluster_clock")
    return ClusterSnapshot(states, df, n_docs, int(tick) if tick else 0, int(clock) if clock else None, archived)


def save_cluster_pass(store: Store, record: ClusterPass) -> None:
    """Store one clustering pass in one transaction (see :class:`~storyline.model.ClusterPass`)."""
    now = utc_now()
    with store.transaction() as db:
        store.save_clustering(record.stories, record.assignments, record.df_delta, record.n_docs)
        for merge in record.merges:
            db.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (merge.survivor, merge.absorbed))
            _merge_away(db, merge.absorbed, merge.survivor, merge.similarity, merge.tick, now)
        for change in record.part_changes:
            if change.kind == "merged":
                _merge_away(db, change.part, change.into or change.story, 0.0, record.tick, now)
            elif change.kind == "rejoined":
                _record_split(db, change.story, change.part, "rejoined", 0, record.tick, now)
                _forget_story(db, change.part, change.story, now)
            else:
                _record_split(db, change.story, change.part, "split", change.size, record.tick, now)
                line = db.execute("SELECT storyline_id FROM storyline_stories WHERE story_id = ?",
                                  (change.story,)).fetchone()
                if line is not None:
                    db.execute("INSERT INTO storyline_events (storyline_id, kind, detail, created_at) "
                               "VALUES (?, ?, ?, ?)",
                               (line["storyline_id"], "story_split",
                                f"story {change.part} ({change.size} articles) split off story {change.story}", now))
        for story_id in record.closed:
            db.execute("DELETE FROM cluster_state WHERE story_id = ?", (story_id,))
        for s, is_archived in [*((s, 0) for s in record.active), *((s, 1) for s in record.archived)]:
            db.execute(
                "INSERT INTO cluster_state (story_id, vector, norm, size, founded, last_tick, first_day, last_day, "
                "label, archived) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(story_id) DO UPDATE SET "
                "vector=excluded.vector, norm=excluded.norm, size=excluded.size, founded=excluded.founded, "
                "last_tick=excluded.last_tick, first_day=excluded.first_day, last_day=excluded.last_day, "
                "label=excluded.label, archived=excluded.archived",
                (s.id, json.dumps(s.vector, sort_keys=True), s.norm, s.size, s.founded, s.last_tick, s.first_day,
                 s.last_day, s.label, is_archived))
        for key, value in (("cluster_tick", record.tick), ("cluster_clock", record.clock)):
            if value is not None:
                db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                           "value = excluded.value", (key, str(value)))


def story_members(store: Store, story_ids: list[str]) -> list[tuple[str, str, str | None]]:
    """Return (article id, story id, stated day) of the stored articles of these stories.

    The stated day is the day the page states: None when the article is undated or its date only inferred.
    """
    rows: list[tuple[str, str, str | None]] = []
    for chunk in _chunks(sorted(story_ids), 500):
        rows.extend((r["id"], r["story_id"], None if r["date_inferred"] else r["day"]) for r in store.db.execute(
            f"SELECT id, story_id, day, date_inferred FROM articles WHERE story_id IN ({','.join('?' * len(chunk))})",
            chunk))
    return rows


def existing_stories(store: Store, story_ids: list[str]) -> set[str]:
    """Return the ids among ``story_ids`` that are stored stories."""
    found: set[str] = set()
    for chunk in _chunks(sorted(story_ids), 500):
        found.update(r["id"] for r in store.db.execute(
            f"SELECT id FROM stories WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return found


def _merge_away(db: Any, absorbed: str, survivor: str, similarity: float, tick: int, now: str) -> None:
    """Record that ``absorbed`` merged into ``survivor``, then forget the absorbed story."""
    db.execute("INSERT INTO story_merges (survivor, absorbed, similarity, tick, created_at) VALUES (?, ?, ?, ?, ?)",
               (survivor, absorbed, similarity, tick, now))
    _forget_story(db, absorbed, survivor, now)


def _record_split(db: Any, story: str, part: str, kind: str, size: int, tick: int, now: str) -> None:
    """Record a part cut off ``story`` (``split``) or gone back into it (``rejoined``)."""
    db.execute("INSERT INTO story_splits (story, part, kind, size, tick, created_at) VALUES (?, ?, ?, ?, ?, ?)",
               (story, part, kind, size, tick, now))


def _forget_story(db: Any, absorbed: str, survivor: str, now: str) -> None:
    """Remove a merged-away story: its row, state, summary, links and storyline membership."""
    line = db.execute("SELECT storyline_id FROM storyline_stories WHERE story_id = ?", (absorbed,)).fetchone()
    if line is not None:
        db.execute("INSERT INTO storyline_events (storyline_id, kind, detail, created_at) VALUES (?, ?, ?, ?)",
                   (line["storyline_id"], "story_merged", f"story {absorbed} merged into story {survivor}", now))
    db.execute("DELETE FROM storyline_stories WHERE story_id = ?", (absorbed,))
    if line is not None:
        _follow_last_story(db, line["storyline_id"], absorbed, survivor, now)
    db.execute("DELETE FROM story_links WHERE a = ? OR b = ?", (absorbed, absorbed))
    db.execute("DELETE FROM cluster_state WHERE story_id = ?", (absorbed,))
    db.execute("DELETE FROM citations WHERE subject_id = ?", (absorbed,))
    db.execute("DELETE FROM summary_sentences WHERE subject_id = ?", (absorbed,))
    db.execute("DELETE FROM summaries WHERE subject_id = ?", (absorbed,))
    db.execute("DELETE FROM stories WHERE id = ?", (absorbed,))


def _follow_last_story(db: Any, line: str, absorbed: str, survivor: str, now: str) -> None:
    """A storyline whose last story merged away is merged into the survivor's storyline (its id says where it went)."""
    if db.execute("SELECT 1 FROM storyline_stories WHERE storyline_id = ? LIMIT 1", (line,)).fetchone():
        return
    home = db.execute("SELECT storyline_id FROM storyline_stories WHERE story_id = ?", (survivor,)).fetchone()
    if home is None or home["storyline_id"] == line:
        return
    target = home["storyline_id"]
    db.execute("UPDATE storylines SET merged_into = ?, updated_at = ? WHERE id = ?", (target, now, line))
    detail = f"its last story {absorbed} merged into story {survivor}"
    db.executemany("INSERT INTO storyline_events (storyline_id, kind, detail, created_at) VALUES (?, ?, ?, ?)",
                   [(line, "merged_into", f"merged into storyline {target} ({detail})", now),
                    (target, "merged", f"absorbed storyline {line} ({detail})", now)])


def _ordinal(day: str | None) -> int | None:
    return date.fromisoformat(day).toordinal() if day else None


def _node(row: Any) -> StoryNode:
    return StoryNode(row["id"], json.loads(row["centroid"]), _ordinal(row["first_seen"]), _ordinal(row["last_seen"]),
                     row["size"])


def link_inputs(store: Store, changed: set[str], window_days: int, max_stories: int,
                ) -> tuple[list[StoryNode], dict[str, str], dict[str, tuple[int, str]]]:
    """Gather what linking the changed stories needs.

    Returns:
        Nodes (the changed stories, the ``max_stories`` most recent stories within ``window_days``
        of them, and every story of a storyline any of those belongs to), each node's current
        storyline, and the age of each storyline.
    """
    db = store.db
    if not changed:
        return [], {}, {}
    marks = ",".join("?" * len(changed))
    ids = sorted(changed)
    rows = {r["id"]: r for r in db.execute(f"SELECT id, centroid, first_seen, last_seen, size FROM stories "
                                           f"WHERE id IN ({marks})", ids)}
    days = [d for r in rows.values() for d in (r["first_seen"], r["last_seen"]) if d]
    if days:
        low = date.fromordinal(date.fromisoformat(min(days)).toordinal() - window_days).isoformat()
        high = date.fromordinal(date.fromisoformat(max(days)).toordinal() + window_days).isoformat()
        near = db.execute("SELECT id, centroid, first_seen, last_seen, size FROM stories WHERE last_seen IS NULL OR "
                          "(last_seen >= ? AND first_seen <= ?) ORDER BY coalesce(last_seen, '9999') DESC, id LIMIT ?",
                          (low, high, max_stories))
    else:
        near = db.execute("SELECT id, centroid, first_seen, last_seen, size FROM stories "
                          "ORDER BY coalesce(last_seen, '9999') DESC, id LIMIT ?", (max_stories,))
    for r in near:
        rows.setdefault(r["id"], r)
    previous: dict[str, str] = {}
    lines: set[str] = set()
    for chunk in _chunks(sorted(rows), 500):
        for r in db.execute(f"SELECT story_id, storyline_id FROM storyline_stories WHERE story_id IN "
                            f"({','.join('?' * len(chunk))})", chunk):
            previous[r["story_id"]] = r["storyline_id"]
            lines.add(r["storyline_id"])
    for chunk in _chunks(sorted(lines), 500):
        for r in db.execute(f"SELECT story_id, storyline_id FROM storyline_stories WHERE storyline_id IN "
                            f"({','.join('?' * len(chunk))})", chunk):
            previous.setdefault(r["story_id"], r["storyline_id"])
    for sub in _chunks(sorted(s for s in previous if s not in rows), 500):
        for r in db.execute(f"SELECT id, centroid, first_seen, last_seen, size FROM stories WHERE id IN "
                            f"({','.join('?' * len(sub))})", sub):
            rows[r["id"]] = r
    nodes = [_node(rows[i]) for i in sorted(rows)]
    ages = {r["id"]: (r["seq"], r["id"]) for r in db.execute("SELECT id, seq FROM storylines")}
    return nodes, previous, ages


def save_linking(store: Store, linking: Linking, previous: dict[str, str]) -> list[str]:
    """Store a linking result in one transaction; return the storylines that changed.

    The links of every linked story are replaced by the new ones; every storyline of the result
    takes the label of its most representative story that has one (``linking.centres``; without
    centres, as in a result read back from a Spark run's tables: its largest story's).
    """
    now = utc_now()
    touched: set[str] = set()
    with store.transaction() as db:
        seq = int(db.execute("SELECT coalesce(max(seq), 0) FROM storylines").fetchone()[0])
        known = {r["id"] for r in db.execute("SELECT id FROM storylines")}
        for change in linking.changes:
            if change.storyline_id not in known:
                seq += 1
                db.execute("INSERT INTO storylines (id, seq, created_at, updated_at) VALUES (?, ?, ?, ?)",
                           (change.storyline_id, seq, now, now))
                known.add(change.storyline_id)
            if change.kind == "merged_into":
                db.execute("UPDATE storylines SET merged_into = ?, updated_at = ? WHERE id = ?",
                           (change.other, now, change.storyline_id))
            db.execute("INSERT INTO storyline_events (storyline_id, kind, detail, created_at) VALUES (?, ?, ?, ?)",
                       (change.storyline_id, change.kind, change.detail, now))
            touched.add(change.storyline_id)
        for story, line in sorted(linking.storyline_of.items()):
            if previous.get(story) == line:
                continue
            if line not in known:
                seq += 1
                db.execute("INSERT INTO storylines (id, seq, created_at, updated_at) VALUES (?, ?, ?, ?)",
                           (line, seq, now, now))
                known.add(line)
            db.execute("INSERT INTO storyline_stories (story_id, storyline_id, added_at) VALUES (?, ?, ?) "
                       "ON CONFLICT(story_id) DO UPDATE SET storyline_id = excluded.storyline_id", (story, line, now))
            kind = "story_moved" if story in previous else "story_added"
            db.execute("INSERT INTO storyline_events (storyline_id, kind, detail, created_at) VALUES (?, ?, ?, ?)",
                       (line, kind, f"story {story}", now))
            touched.add(line)
        for story in sorted(linking.storyline_of):  # links are kept under the whole story's id, one of these
            db.execute("DELETE FROM story_links WHERE a = ? OR b = ?", (story, story))
        db.executemany("INSERT OR REPLACE INTO story_links (a, b, score) VALUES (?, ?, ?)",
                       [(a, b, s) for (a, b), s in sorted(linking.edges.items())])
        for line in sorted(set(linking.storyline_of.values()) | touched):
            label = _storyline_label(db, line, linking.centres.get(line, []))
            db.execute("UPDATE storylines SET label = coalesce(?, label), updated_at = ? WHERE id = ?",
                       (label, now, line))
    return sorted(touched)


def _storyline_label(db: Any, line: str, centres: list[str]) -> str | None:
    """The label of a storyline's most representative story that has one (its largest story's without centres)."""
    for story in centres:
        row = db.execute("SELECT label FROM stories WHERE id = ?", (story,)).fetchone()
        if row is not None and row["label"]:
            return str(row["label"])
    row = db.execute("SELECT s.label FROM storyline_stories m JOIN stories s ON s.id = m.story_id "
                     "WHERE m.storyline_id = ? AND s.label != '' ORDER BY s.size DESC, coalesce(s.first_seen, '9999'), "
                     "s.id LIMIT 1", (line,)).fetchone()
    return str(row["label"]) if row else None


def load_storylines(store: Store, include_merged: bool = False) -> list[StorylineRow]:
    """Return storylines with their stories and history, most recently active first."""
    stories = {row.id: row for row in store.stories()}
    members: dict[str, list[StoryRow]] = {}
    for r in store.db.execute("SELECT story_id, storyline_id FROM storyline_stories"):
        if r["story_id"] in stories:
            members.setdefault(r["storyline_id"], []).append(stories[r["story_id"]])
    history: dict[str, list[StorylineEvent]] = {}
    for r in store.db.execute("SELECT storyline_id, kind, detail, created_at FROM storyline_events ORDER BY id"):
        history.setdefault(r["storyline_id"], []).append(StorylineEvent(r["kind"], r["created_at"], r["detail"]))
    result = []
    for r in store.db.execute("SELECT id, label, merged_into FROM storylines ORDER BY seq"):
        if r["merged_into"] and not include_merged:
            continue
        rows = sorted(members.get(r["id"], []), key=lambda s: (s.story.first_seen or "9999", s.id))
        if not rows and not r["merged_into"]:
            continue
        firsts = [s.story.first_seen for s in rows if s.story.first_seen]
        lasts = [s.story.last_seen for s in rows if s.story.last_seen]
        line = Storyline(r["id"], [s.id for s in rows], r["label"], history.get(r["id"], []))
        result.append(StorylineRow(line, rows, min(firsts, default=None), max(lasts, default=None), r["merged_into"]))
    result.sort(key=lambda row: (row.last_seen or "", row.storyline.id), reverse=True)
    return result


def load_storyline(store: Store, storyline_id: str) -> StorylineRow | None:
    """Return one storyline (merged ones too), or None; reads only that storyline's stories."""
    from storyline.errors import NotFoundError

    r = store.db.execute("SELECT id, label, merged_into FROM storylines WHERE id = ?", (storyline_id,)).fetchone()
    if r is None:
        return None
    rows = []
    for m in store.db.execute("SELECT story_id FROM storyline_stories WHERE storyline_id = ?", (storyline_id,)):
        try:
            rows.append(store.story(m["story_id"]))
        except NotFoundError:  # as in load_storylines: a link to a story no longer stored is skipped
            continue
    if not rows and not r["merged_into"]:
        return None
    rows.sort(key=lambda s: (s.story.first_seen or "9999", s.id))
    history = [StorylineEvent(e["kind"], e["created_at"], e["detail"]) for e in store.db.execute(
        "SELECT kind, detail, created_at FROM storyline_events WHERE storyline_id = ? ORDER BY id", (storyline_id,))]
    firsts = [s.story.first_seen for s in rows if s.story.first_seen]
    lasts = [s.story.last_seen for s in rows if s.story.last_seen]
    line = Storyline(r["id"], [s.id for s in rows], r["label"], history)
    return StorylineRow(line, rows, min(firsts, default=None), max(lasts, default=None), r["merged_into"])


def whatsnew_rows(store: Store, *, published_since: str | None = None,
                  ingested_since: str | None = None) -> list[dict[str, Any]]:
    """Return articles new since a time, with their story and storyline, oldest first.

    ``published_since`` (an ISO date) selects articles published on or after that day (undated
    ones by their ingestion time); ``ingested_since`` (an ISO timestamp) selects articles stored at
    or after that moment (seconds precision: an article stored in that very second shows up again).
    """
    if published_since is not None:
        where, param = "coalesce(a.day, substr(a.ingested_at, 1, 10)) >= ?", published_since[:10]
    else:
        where, param = "a.ingested_at >= ?", ingested_since or ""
    rows = store.db.execute(
        "SELECT a.id, a.title, a.outlet, a.day, a.date_inferred, a.ingested_at, a.story_id, m.storyline_id, "
        "s.first_seen AS story_first, s.last_seen AS story_last, s.created_at AS story_created FROM articles a "
        "LEFT JOIN storyline_stories m ON m.story_id = a.story_id "
        f"LEFT JOIN stories s ON s.id = a.story_id WHERE a.story_id IS NOT NULL AND {where} "
        "ORDER BY coalesce(a.day, '9999'), a.id", (param,))
    return [dict(r) for r in rows]


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
