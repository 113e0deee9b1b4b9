"""Source state persistence (store/sources.py) and migration 2 on an existing store."""

from __future__ import annotations

import sqlite3

from storyline.model import SourceState
from storyline.store import (
    Store,
    load_source_state,
    record_attempt,
    remember_item,
    save_source_state,
    source_health,
    source_healths,
)
from storyline.store.schema import MIGRATIONS, SCHEMA_VERSION
from storyline.store.store import _statements


def test_a_version_1_store_is_migrated_with_its_data(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    for statement in _statements(MIGRATIONS[0]):
        db.execute(statement)
    db.execute("INSERT INTO meta (key, value) VALUES ('n_docs', '7')")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION >= 2
        assert store.term_stats() == ({}, 7)
        assert source_healths(store) == []


def test_source_state_round_trip(tmp_store):
    state = load_source_state(tmp_store, "https://news.test/feed.xml", "url")
    assert (state.etag, state.seen) == (None, set())
    state.etag, state.last_modified = '"v2"', "Sat, 21 Nov 2026 09:30:00 GMT"
    remember_item(tmp_store, state, "entry-1")
    remember_item(tmp_store, state, "entry-1")  # remembering twice is harmless
    save_source_state(tmp_store, state)
    again = load_source_state(tmp_store, "https://news.test/feed.xml", "url")
    assert again == SourceState("https://news.test/feed.xml", "url", '"v2"', "Sat, 21 Nov 2026 09:30:00 GMT",
                                {"entry-1"})
    assert again.conditional_headers() == {"If-None-Match": '"v2"',
                                           "If-Modified-Since": "Sat, 21 Nov 2026 09:30:00 GMT"}


def test_attempts_count_consecutive_failures(tmp_store):
    ref = "https://news.test/feed.xml"
    assert source_health(tmp_store, ref).failures == 0
    record_attempt(tmp_store, ref, "url", at="2026-11-23T06:00:00+00:00", error="HTTP 503",
                   next_attempt="2026-11-23T06:05:00+00:00")
    failed = record_attempt(tmp_store, ref, "url", at="2026-11-23T06:05:00+00:00", error="HTTP 503",
                            next_attempt="2026-11-23T06:15:00+00:00")
    assert (failed.failures, failed.next_attempt, failed.last_error) == (2, "2026-11-23T06:15:00+00:00", "HTTP 503")
    ok = record_attempt(tmp_store, ref, "url", at="2026-11-23T06:15:00+00:00")
    assert (ok.failures, ok.next_attempt, ok.last_success) == (0, None, "2026-11-23T06:15:00+00:00")
