"""``check_store`` finds each kind of damage: one deliberately corrupted copy of a good store per check."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from storyline import Store
from storyline.store import check_store

FIRST_STORY = "(SELECT id FROM stories ORDER BY id LIMIT 1)"
SECOND_STORY = "(SELECT id FROM stories ORDER BY id LIMIT 1 OFFSET 1)"
FIRST_LINE = "(SELECT storyline_id FROM storyline_stories ORDER BY story_id LIMIT 1)"
FIRST_ARTICLE = "(SELECT id FROM articles ORDER BY id LIMIT 1)"
FIRST_QUOTE = "(SELECT min(id) FROM quotes WHERE speaker_start IS NOT NULL)"
FAR = 10**8

# (name, SQL that damages the store, text the problem must contain)
CORRUPTIONS = [
    # storylines
    ("story-without-storyline", [f"DELETE FROM storyline_stories WHERE story_id = {FIRST_STORY}"],
     "belongs to no storyline"),
    ("membership-of-missing-story", [f"INSERT INTO storyline_stories VALUES ('s-missing', {FIRST_LINE}, 'x')"],
     "storyline membership names missing story s-missing"),
    ("story-in-merged-storyline", ["INSERT INTO storylines (id, seq, created_at, updated_at) "
                                   "VALUES ('l-other', 99, 'x', 'x')",
                                   f"UPDATE storylines SET merged_into = 'l-other' WHERE id = {FIRST_LINE}"],
     "which was merged into l-other"),
    ("merged-into-missing-storyline", ["UPDATE storylines SET merged_into = 'l-missing' WHERE id = "
                                       "(SELECT id FROM storylines ORDER BY id LIMIT 1)"],
     "merged into missing storyline l-missing"),
    ("history-of-missing-storyline", ["INSERT INTO storyline_events (storyline_id, kind, detail, created_at) "
                                      "VALUES ('l-missing', 'created', '', 'x')"],
     "history row"),
    ("absorbed-story-still-exists", ["INSERT INTO story_merges (survivor, absorbed, similarity, tick, created_at) "
                                     f"VALUES ({FIRST_STORY}, {SECOND_STORY}, 0.5, 1, 'x')"],
     "absorbed story"),
    ("merge-survivor-missing", ["INSERT INTO story_merges (survivor, absorbed, similarity, tick, created_at) "
                                "VALUES ('s-gone', 's-gone-too', 0.5, 1, 'x')"],
     "survivor s-gone is neither"),
    ("link-to-missing-story", [f"INSERT INTO story_links VALUES ({FIRST_STORY}, 's-zzz-missing', 0.5)"],
     "names a missing story"),
    ("window-of-missing-story", ["INSERT INTO cluster_state (story_id, vector, norm, size, founded, last_tick) "
                                 "VALUES ('s-missing', '{}', 0, 1, 0, 0)"],
     "clusterer window holds missing story"),
    # NLP
    ("name-mention-outside-text", [f"UPDATE name_mentions SET end = {FAR} WHERE rowid = "
                                   "(SELECT min(rowid) FROM name_mentions)"], "name_mentions row"),
    ("entity-mention-outside-text", [f"UPDATE entity_mentions SET end = {FAR} WHERE rowid = "
                                     "(SELECT min(rowid) FROM entity_mentions)"], "entity_mentions row"),
    ("quote-speaker-span-outside-text", [f"UPDATE quotes SET speaker_start = -5 WHERE id = {FIRST_QUOTE}"],
     "quotes row"),
    ("quote-parts-out-of-order", [f"UPDATE quotes SET parts = '[[9, 3]]' WHERE id = {FIRST_QUOTE}"], "has parts"),
    ("claim-outside-text", ["INSERT INTO claims (article_id, start, end, value, low, high, measure, unit, status) "
                            f"VALUES ({FIRST_ARTICLE}, 0, {FAR}, '3', 3, 3, 'people', '', 'reported')"],
     "claims row"),
    ("stance-outside-text", [f"UPDATE stances SET start = {FAR} WHERE rowid = (SELECT min(rowid) FROM stances)"],
     "stances row"),
    ("speaker-is-missing-entity", [f"UPDATE quotes SET speaker_entity = 'e-missing' WHERE id = {FIRST_QUOTE}"],
     "missing speaker entity e-missing"),
    ("mention-of-missing-entity", ["UPDATE entity_mentions SET entity_id = 'e-missing' WHERE rowid = "
                                   "(SELECT min(rowid) FROM entity_mentions)"], "names missing entity e-missing"),
    ("stance-of-missing-actor", ["UPDATE stances SET actor_a = 'e-missing' WHERE rowid = "
                                 "(SELECT min(rowid) FROM stances)"], "names missing actor"),
    # provenance
    ("index-entry-of-missing-article", ["INSERT INTO prov_docs (doc, article_id, text_hash, n_shingles, signature) "
                                        "VALUES (999999, 'a-missing', 0, 0, x'')"],
     "document 999999 for missing article a-missing"),
    ("band-of-missing-document", ["INSERT INTO prov_bands SELECT seg, 2, 999999 FROM prov_segments LIMIT 1"],
     "(segment 1, key 2) names missing indexed document 999999"),
    ("window-band-of-missing-document", ["INSERT INTO prov_bands SELECT seg, 3, 999999 FROM prov_segments LIMIT 1"],
     "(segment 1, key 3) names missing indexed document 999999"),
    ("band-in-missing-segment", ["INSERT INTO prov_bands SELECT 999, key, doc FROM prov_bands LIMIT 1"],
     "is in missing segment 999"),
    ("pair-out-of-order", ["UPDATE prov_pairs SET article_a = article_b, article_b = article_a WHERE rowid = "
                           "(SELECT min(rowid) FROM prov_pairs)"], "is not in order"),
    ("pair-of-missing-article", ["INSERT INTO prov_pairs (article_a, article_b, exact, jaccard, containment, "
                                 "shared_words, alignment, created_at) SELECT article_a, 'a-zzz-missing', exact, "
                                 "jaccard, containment, shared_words, alignment, created_at FROM prov_pairs LIMIT 1"],
     "names a missing article"),
    ("pair-span-outside-text", [], "passage spans outside the texts"),  # the alignment JSON is edited below
]


@pytest.fixture(scope="module")
def good_store(demo_pipeline_store) -> Path:
    """The demo corpus ingested by the whole pipeline (storylines, actors, provenance pairs)."""
    with Store(demo_pipeline_store) as store:
        assert check_store(store) == []
        for table in ("storyline_stories", "quotes", "claims", "stances", "prov_pairs", "prov_bands"):
            assert store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table
    return demo_pipeline_store


def _copy(good: Path, target: Path) -> None:
    with sqlite3.connect(good) as source, sqlite3.connect(target) as copy:
        source.backup(copy)


def test_a_good_store_has_no_problems(good_store):
    with Store(good_store) as store:
        assert check_store(store) == []


@pytest.mark.parametrize(("name", "statements", "expected"), CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_check_store_finds_each_kind_of_damage(good_store, tmp_path, name, statements, expected):
    db = tmp_path / "damaged.db"
    _copy(good_store, db)
    with sqlite3.connect(db) as conn:
        for statement in statements:
            assert conn.execute(statement).rowcount != 0, statement
        if name == "pair-span-outside-text":
            rowid, alignment = conn.execute("SELECT rowid, alignment FROM prov_pairs ORDER BY rowid LIMIT 1").fetchone()
            data = json.loads(alignment)
            data["pairs"][0]["b_span"] = [0, FAR]
            conn.execute("UPDATE prov_pairs SET alignment = ? WHERE rowid = ?", (json.dumps(data), rowid))
    with Store(db) as store:
        problems = check_store(store)
    assert any(expected in p for p in problems), problems
