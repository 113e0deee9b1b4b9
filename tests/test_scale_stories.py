"""The windowing and stitching of the Spark story stage, in plain Python (no Spark needed)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from storyline.cluster.features import default_entity_terms, raw_terms
from storyline.config import StorylineConfig
from storyline.model import Article, ArticleDate
from storyline.scale.stories import Part, _cluster_window, _merge_parts, _slim, _state, _stitch, _windows


def _article(n: int, day: str | None, text: str, title: str = "") -> Article:
    return Article(id=f"a-{n:016x}", raw_sha256="", origin=f"t#{n}", text=text, title=title,
                   date=ArticleDate(day, "day", False, "test") if day else None)


def test_an_article_near_a_window_end_is_replayed_in_the_next_window():
    width, overlap = 7, 2
    start = date(2025, 3, 3).toordinal() // width * width  # first day of a window
    last = start // width + 5
    routed = [(w, own) for w, (_o, own, _a, _t) in _windows(
        _article(1, date.fromordinal(start + 5).isoformat(), "x"), Counter(), width, overlap, last)]
    assert routed == [(start // width, True), (start // width + 1, False)]
    early = list(_windows(_article(2, date.fromordinal(start + 1).isoformat(), "x"), Counter(), width, overlap, last))
    assert [(w, own) for w, (_o, own, _a, _t) in early] == [(start // width, True)]
    undated = list(_windows(_article(3, None, "x"), Counter(), width, overlap, last))
    assert [(w, own) for w, (_o, own, _a, _t) in undated] == [(last, True)]  # the local stream meets them last


def test_a_story_cut_by_a_window_boundary_is_stitched_back():
    config = StorylineConfig()
    ferry = "Tessen ferry crews strike over pay at the Valmora harbour, the ferry union said."
    days = ["2025-03-05", "2025-03-06", "2025-03-08", "2025-03-09"]
    articles = [_article(i, d, f"{ferry} Day {i} of the strike.", "Ferry strike") for i, d in enumerate(days)]
    width = 4
    windows: dict[int, list] = {}
    last = max(a.day.toordinal() for a in articles) // width
    for a in articles:
        terms = raw_terms(a, default_entity_terms, config.cluster.title_weight)  # shipped instead of the text
        for w, item in _windows(_slim(a), terms, width, 3, last):
            windows.setdefault(w, []).append(item)
    assert len(windows) == 2  # the boundary cuts the story
    out = [t for w, items in sorted(windows.items()) for t in _cluster_window(w, items, config, {})]
    parts = dict(t[1] for t in out if t[0] == "part")
    homes = {aid: key for key, part in parts.items() for _o, aid in part.members}
    edges = {}
    for _tag, (article_id, key) in (t for t in out if t[0] == "replayed"):
        edges[key] = homes[article_id]
    root_of = _stitch(list(edges.items()))
    merged: dict = {}
    for key, part in parts.items():
        root = root_of.get(key, key)
        merged[root] = _merge_parts(merged[root], part) if root in merged else part
    assert len(parts) == 2 and len(merged) == 1
    state, members = _state(next(iter(merged.values())), config.cluster.centroid_terms)
    assert members == [a.id for a in articles] and state.id == "s-" + articles[0].id[2:] and state.size == 4


def test_merged_parts_keep_the_earliest_founder_and_prune_like_the_clusterer():
    a = Part("2025-03-01 a-1", "a-1", "first", [("2025-03-01 a-1", "a-1")], 1, 1, 10, 10, {"x": 1.0, "y": 0.5})
    b = Part("2025-03-09 a-2", "a-2", "second", [("2025-03-09 a-2", "a-2")], 5, 5, 18, 18, {"y": 0.5, "z": 2.0})
    m = _merge_parts(b, a)
    assert (m.first_id, m.label, m.first_tick, m.last_tick, m.first_day, m.last_day) == ("a-1", "first", 1, 5, 10, 18)
    assert m.vector == {"x": 1.0, "y": 1.0, "z": 2.0}
    big = Part("o", "a-3", "", [("o", "a-3")], 1, 1, None, None, {f"t{i:03d}": float(i) for i in range(25)})
    state, _members = _state(big, 10)  # more than twice centroid_terms: pruned to the 10 strongest
    assert sorted(state.vector) == [f"t{i:03d}" for i in range(15, 25)]
