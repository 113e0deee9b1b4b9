"""Cutting stories that grew over two events (cluster.refine): the rule, the parts, the store and the history."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from storyline import Pipeline, Store, StorylineConfig
from storyline.cluster import EventClusterer
from storyline.cluster.refine import (
    Member,
    article_members,
    bisect_members,
    coarse_id,
    refine_story,
    split_id,
    ward_halves,
    whole_state,
)
from storyline.cluster.storylines import link_storylines
from storyline.config import ClusterConfig
from storyline.model import Article, ArticleDate, RawDocument, StoryNode, StoryState
from storyline.store import check_store
from storyline.store import storylines as storylines_store

WORDS = {
    "ferry": "ferry Brindle capsized harbour Oskavo coastguard rescue passengers divers hull storm",
    "quake": "earthquake Dunmere magnitude tremor aftershock rubble villages seismologists epicentre",
}
COMMON = "officials said the situation remained under review"
# joins every article sharing the common sentence, never merges: one story over two events
GREEDY = ClusterConfig(threshold=0.01, merge_threshold=1.0)


def _article(i: int, event: str, day: date) -> Article:
    words = WORDS[event].split()
    text = " ".join(words[(i + k) % len(words)] for k in range(8)) + ". " + COMMON + f". Ref {i}."
    return Article(id=f"a-{i:04d}{event[:4]}00000000", raw_sha256="", origin=f"t#{i}", text=text,
                   title=" ".join(words[:3]).title(), date=ArticleDate(day.isoformat(), "day", False, "test"))


def _stream(n: int, start: int = 0) -> list[Article]:
    first = date(2024, 5, 1)
    return [_article(i, "ferry" if i % 2 == 0 else "quake", first + timedelta(days=i // 8))
            for i in range(start, start + n)]


def _members(articles: list[Article], clusterer: EventClusterer) -> list[Member]:
    return article_members(articles, clusterer.stats, clusterer.config)


def _one_story(articles: list[Article], config: ClusterConfig = GREEDY) -> tuple[EventClusterer, StoryState]:
    clusterer = EventClusterer(config)
    for article in articles:
        clusterer.add(article)
    assert len(set(clusterer.partition().values())) == 1
    return clusterer, next(iter(clusterer.active.values()))


def test_a_story_over_two_events_is_cut_into_them_and_the_founder_keeps_the_id():
    articles = _stream(24)
    clusterer, story = _one_story(articles)
    parts = refine_story(story, _members(articles, clusterer), GREEDY)
    assert [p.state.id for p in parts] == [story.id, split_id(story.id)]
    assert {frozenset(p.article_ids) for p in parts} == {
        frozenset(a.id for a in articles if "ferr" in a.id), frozenset(a.id for a in articles if "quak" in a.id)}
    assert articles[0].id in parts[0].article_ids  # the founding article stays under the story's id
    assert parts[1].state.label == articles[1].title  # a cut part is named by its centre (one title per event here)
    assert sum(p.state.size for p in parts) == story.size == 24
    assert parts[0].state.first_day == date(2024, 5, 1).toordinal()


def test_the_parts_centroids_sum_to_the_story_and_give_it_back_whole():
    articles = _stream(24)
    clusterer, story = _one_story(articles)
    parts = refine_story(story, _members(articles, clusterer), GREEDY)
    whole = whole_state([p.state for p in parts])
    assert whole.id == story.id and whole.size == story.size
    assert (whole.first_day, whole.last_day, whole.founded, whole.last_tick) == (
        story.first_day, story.last_day, story.founded, story.last_tick)
    assert set(whole.vector) == set(story.vector)
    assert all(math.isclose(whole.vector[t], w, rel_tol=1e-12) for t, w in story.vector.items())


def test_one_event_small_parts_and_a_zero_bound_keep_a_story_whole():
    articles = [a for a in _stream(48) if "ferr" in a.id]
    clusterer, story = _one_story(articles)
    assert len(refine_story(story, _members(articles, clusterer), GREEDY)) == 1  # one event: halves alike
    mixed = _stream(24)
    clusterer, story = _one_story(mixed)
    members = _members(mixed, clusterer)
    assert bisect_members([m.vector for m in members], dataclasses.replace(GREEDY, split_min_part=13)) is None
    assert bisect_members([m.vector for m in members], dataclasses.replace(GREEDY, split_bound=0.0)) is None
    lopsided = [a for a in _stream(48) if "ferr" in a.id][:20] + [a for a in _stream(10) if "quak" in a.id]
    clusterer, story = _one_story(lopsided)
    members = _members(lopsided, clusterer)
    # 5 of 25 is under the 30 % share a part must hold
    assert bisect_members([m.vector for m in members], dataclasses.replace(GREEDY, split_min_part=2)) is None


_vectors = st.lists(st.dictionaries(st.sampled_from("abcdefghij"), st.floats(0.05, 1.0), min_size=1, max_size=6),
                    min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(_vectors, st.floats(0.1, 1.0), st.integers(1, 6), st.floats(0.0, 0.5))
def test_parts_always_partition_the_story_and_respect_the_rule(vectors, bound, min_part, share):
    config = ClusterConfig(split_bound=bound, split_min_part=min_part, split_min_share=share)
    members = [Member(f"a-{i:03d}", f"t{i}", None, v) for i, v in enumerate(vectors)]
    total: dict[str, float] = {}
    for v in vectors:
        for t, w in v.items():
            total[t] = total.get(t, 0.0) + w
    story = StoryState("s-000", total, math.sqrt(sum(w * w for w in total.values())), len(vectors), 1, 9)
    parts = refine_story(story, members, config)
    assert sorted(a for p in parts for a in p.article_ids) == [m.article_id for m in members]
    assert parts[0].state.id == "s-000" and "a-000" in parts[0].article_ids
    if len(parts) == 2:
        smaller = min(len(p.article_ids) for p in parts)
        assert smaller >= max(min_part, share * len(vectors))
        whole = whole_state([p.state for p in parts])
        assert all(math.isclose(whole.vector[t], w, rel_tol=1e-9) for t, w in total.items())
    assert parts == refine_story(story, members, config)  # deterministic


def test_linking_sees_the_parts_as_the_one_story_they_were():
    config = ClusterConfig()
    part_a = StoryNode("s-a", {"x": 1.0}, 100, 101)
    part_b = StoryNode(split_id("s-a"), {"y": 1.0}, 100, 102)  # nothing in common with its sibling
    other = StoryNode("s-b", {"x": 0.5, "y": 0.5}, 101, 101)
    far = StoryNode("s-c", {"z": 1.0}, 100, 100)
    linking = link_storylines([part_a, part_b, other, far], config)
    assert linking.storyline_of["s-a"] == linking.storyline_of["s-a.2"] == linking.storyline_of["s-b"]
    assert linking.storyline_of["s-c"] != linking.storyline_of["s-a"]
    assert set(linking.edges) == {("s-a", "s-b")}  # links are kept under the clusterer's story id
    assert coarse_id("s-a.2") == "s-a"


def _save(store: Store, articles: list[Article]) -> None:
    for article in articles:
        raw = RawDocument.from_bytes(article.origin, article.text.encode(), "text/plain", fetched_at="2024-01-01")
        store.save_document(raw, dataclasses.replace(article, raw_sha256=raw.sha256))


def _stories(store: Store) -> dict[str, set[str]]:
    return {row.id: set(row.story.article_ids) for row in store.stories()}


def test_the_pipeline_stores_the_parts_and_their_history(tmp_path):
    config = StorylineConfig(cluster=GREEDY)
    with Store(tmp_path / "s.db") as store:
        _save(store, _stream(24))
        Pipeline(store, config).update_stories()
        stories = _stories(store)
        story = "s-" + _stream(1)[0].id[2:]
        assert set(stories) == {story, split_id(story)}
        assert stories[story] == {a.id for a in _stream(24) if "ferr" in a.id}
        assert check_store(store) == []  # sizes, summaries citing their own story's articles, storylines
        lines = {row.storyline.id: row.storyline.story_ids for row in storylines_store.load_storylines(store)}
        assert list(map(sorted, lines.values())) == [sorted(stories)]  # one storyline holds both parts
        rows = store.db.execute("SELECT story, part, kind, size FROM story_splits").fetchall()
        assert [tuple(r) for r in rows] == [(story, split_id(story), "split", 12)]
        # a second pass: new articles of both events join the whole story; the cut holds, the ids stay
        _save(store, _stream(8, start=24))
        Pipeline(store, config).update_stories()
        later = _stories(store)
        assert set(later) == set(stories) and later[split_id(story)] >= stories[split_id(story)]
        assert len(later[story]) == len(later[split_id(story)]) == 16
        assert store.db.execute("SELECT count(*) FROM story_splits").fetchone()[0] == 1
        assert check_store(store) == []
        # the rule changed so the cut no longer holds: the part goes back into the story, recorded
        _save(store, _stream(2, start=32))
        Pipeline(store, StorylineConfig(cluster=dataclasses.replace(GREEDY, split_bound=0.0))).update_stories()
        assert _stories(store) == {story: {a.id for a in _stream(34)}}
        kinds = [r[0] for r in store.db.execute("SELECT kind FROM story_splits ORDER BY id")]
        assert kinds == ["split", "rejoined"]
        assert check_store(store) == []


def test_two_halves_give_the_same_parts_as_one_pass(tmp_path):
    config = StorylineConfig(cluster=GREEDY)
    stream = _stream(40)
    with Store(tmp_path / "one.db") as store:
        _save(store, stream)
        Pipeline(store, config).update_stories()
        whole = _stories(store)
    with Store(tmp_path / "two.db") as store:
        _save(store, stream[:20])
        Pipeline(store, config).update_stories()
        _save(store, stream[20:])
        Pipeline(store, config).update_stories()
        assert _stories(store) == whole and len(whole) == 2
        assert check_store(store) == []


def test_check_store_reports_a_part_without_its_story(tmp_path):
    with Store(tmp_path / "s.db") as store:
        _save(store, _stream(24))
        Pipeline(store, StorylineConfig(cluster=GREEDY)).update_stories()
        assert check_store(store) == []
        with store.transaction() as db:
            db.execute("INSERT INTO stories (id, label, keywords, centroid, named, size, created_at, updated_at) "
                       "VALUES ('s-ghost.2', '', '[]', '{}', '{}', 0, '', '')")
        assert "story s-ghost.2 was cut off a story that does not exist" in check_store(store)


def test_each_part_names_the_other_in_the_api_and_on_its_page(tmp_path):
    from fastapi.testclient import TestClient

    from storyline.api.app import create_app

    with Store(tmp_path / "s.db") as store:
        articles = _stream(24)
        # the part's label (its centre's title), untrusted
        articles = [dataclasses.replace(a, title="Quake <b>Dunmere</b>") if "quak" in a.id else a for a in articles]
        _save(store, articles)
        Pipeline(store, StorylineConfig(cluster=GREEDY)).update_stories()
    story = "s-" + _stream(1)[0].id[2:]
    client = TestClient(create_app(tmp_path / "s.db"))
    whole = client.get(f"/api/stories/{story}").json()["story"]["cut"]
    part = client.get(f"/api/stories/{split_id(story)}").json()["story"]["cut"]
    assert (whole["id"], whole["role"], whole["size"]) == (split_id(story), "part", 12)
    assert (part["id"], part["role"]) == (story, "whole")
    page = client.get(f"/stories/{story}").text
    assert f'href="/stories/{split_id(story)}"' in page and "&lt;b&gt;Dunmere&lt;/b&gt;" in page
    assert "<b>Dunmere</b>" not in page


def test_storyline_show_names_the_other_part(tmp_path):
    from typer.testing import CliRunner

    from storyline.cli import app

    with Store(tmp_path / "s.db") as store:
        _save(store, _stream(24))
        Pipeline(store, StorylineConfig(cluster=GREEDY)).update_stories()
    story = "s-" + _stream(1)[0].id[2:]
    shown = CliRunner().invoke(app, ["show", split_id(story), "--db", str(tmp_path / "s.db")])
    assert shown.exit_code == 0 and f"Cut off Ferry Brindle Capsized ({story}, 12 articles)" in shown.output
    data = CliRunner().invoke(app, ["show", story, "--db", str(tmp_path / "s.db"), "--json"])
    assert json.loads(data.output)["cut"]["id"] == split_id(story)


def test_a_part_whose_story_is_absorbed_is_recorded_as_merged_into_the_survivor(tmp_path):
    from storyline.cluster.passes import cluster_pass
    from storyline.cluster.refine import StoryPart
    from storyline.model import StoryMerge

    with Store(tmp_path / "s.db") as store:
        _save(store, _stream(24))
        Pipeline(store, StorylineConfig(cluster=GREEDY)).update_stories()
        story = "s-" + _stream(1)[0].id[2:]
        # a later pass in which an older story "s-old" absorbed the cut story: its part goes with it
        ids = [a.id for a in _stream(24)]
        survivor = StoryState("s-old", {"ferry": 1.0}, 1.0, 24, 0, 25)
        clusterer = EventClusterer.from_states(GREEDY, [survivor], {}, 24, 25, None)
        clusterer.merges.append(StoryMerge("s-old", story, 0.5, 25))
        record = cluster_pass(clusterer, [StoryPart(survivor, ids)], {split_id(story): "s-old"}, 200)
        assert [(c.kind, c.part, c.into) for c in record.part_changes] == [("merged", split_id(story), "s-old")]
        storylines_store.save_cluster_pass(store, record)
        merges = [tuple(r) for r in store.db.execute("SELECT survivor, absorbed FROM story_merges ORDER BY id")]
        assert merges == [("s-old", story), ("s-old", split_id(story))]
        assert _stories(store) == {"s-old": set(ids)}
        assert [r[0] for r in store.db.execute("SELECT kind FROM story_splits")] == ["split"]  # no "rejoined"


def test_ward_halves_separates_two_groups_and_a_sample_gives_the_same_halves():
    rng = np.random.default_rng(7)
    rows = []
    for i in range(60):
        group = i % 3 == 0  # interleaved, so the evenly spread sample holds both groups
        weights = rng.uniform(0.5, 1.0, 4)
        row = np.zeros(9)
        row[[0, 1, 2, 3] if group else [4, 5, 6, 7]] = weights
        row[8] = 0.3  # a term both groups share
        rows.append(row / np.linalg.norm(row))
    matrix = sparse.csr_matrix(np.vstack(rows))
    expected = np.array([0 if i % 3 == 0 else 1 for i in range(60)])
    assert (ward_halves(matrix) == expected).all()
    assert (ward_halves(matrix, sample=12) == expected).all()  # 12 of 60 clustered, the rest assigned
    assert (ward_halves(matrix, sample=12) == ward_halves(matrix, sample=12)).all()
