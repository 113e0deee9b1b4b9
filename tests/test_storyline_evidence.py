"""Storylines a reader would draw: links on specific shared evidence, splits with their reasons, centre labels."""

from __future__ import annotations

import dataclasses
import json

from typer.testing import CliRunner

from storyline import Pipeline, Store
from storyline.cli import app
from storyline.cluster.linking import evidence_weights
from storyline.cluster.storylines import link_storylines
from storyline.config import ClusterConfig
from storyline.model import Article, RawDocument, StoryNode
from storyline.store import storylines as storylines_store

runner = CliRunner()

# Ten invented events of one spring; every article also names the head of state and the capital.
EVENTS = {
    "visit": "state visit banquet Elysium treaty toast ceremony honour guard delegation Macrand",
    "caravan": "caravan migrants border asylum marchers shelters Tapachula checkpoint convoy families",
    "tariff": "tariff steel aluminium duties exporters retaliation quota levy customs smelters",
    "lawsuit": "lawsuit plaintiff injunction judge defamation hearing damages attorneys complaint filing",
    "strike": "missile strike airbase chemical warplanes sorties munitions radar bombardment coalition",
    "memoir": "memoir publisher chapters bestseller excerpts interview promotional tour hardcover manuscript",
    "summit": "summit peninsula denuclearisation envoy handshake demilitarised Panmun negotiators agenda communique",
    "raid": "raid agents warrant seized documents subpoena prosecutors investigators premises records",
    "nominee": "nominee confirmation senators hearing committee vote nomination ambassador secretary ballots",
    "budget": "budget spending appropriations deficit shutdown lawmakers omnibus billion ceiling negotiators",
}
SHARED = "President Harlan Voss spoke in Capitol City, the White House said."


def _article(event: str, i: int) -> Article:
    words = EVENTS[event].split()
    sentences = [" ".join(words[(i + k + 2 * s) % len(words)] for k in range(8)).capitalize() + "." for s in range(5)]
    text = " ".join([sentences[0], SHARED, *sentences[1:]])
    return Article(id=f"a-{event[:6]:<6}{i:010d}".replace(" ", "x"), raw_sha256="", origin=f"t#{event}{i}",
                   text=text)


def _save(store: Store, articles: list[Article]) -> None:
    for article in articles:
        raw = RawDocument.from_bytes(article.origin, article.text.encode(), "text/plain", fetched_at="2018-05-01")
        store.save_document(raw, dataclasses.replace(article, raw_sha256=raw.sha256))


def _lines(store: Store) -> set[frozenset[str]]:
    return {frozenset(a for s in row.stories for a in s.story.article_ids)
            for row in storylines_store.load_storylines(store)}


def test_a_name_in_every_story_is_no_evidence():
    vectors = [{"@harlan voss": 2.0, "president": 1.0, f"own{i}": 1.0} for i in range(12)]
    weights = evidence_weights(vectors, ClusterConfig())
    assert weights["@harlan voss"] == 0.0 and weights["own3"] == 1.0
    # in a window of three stories nothing can be called common: names keep most of their weight
    assert evidence_weights(vectors[:3], ClusterConfig())["@harlan voss"] > 0.7


def test_a_head_of_state_in_every_story_does_not_chain_unrelated_events(tmp_path):
    """Ten undated, untitled events that all name the president: ten storylines. Before issue 24 the linker
    joined them all into one storyline on the shared names."""
    articles = [_article(event, i) for i in range(3) for event in EVENTS]
    with Store(tmp_path / "s.db") as store:
        _save(store, articles)
        Pipeline(store).update_stories()
        expected = {frozenset(a.id for a in articles if a.origin.startswith(f"t#{event}")) for event in EVENTS}
        assert {frozenset(row.story.article_ids) for row in store.stories()} == expected
        assert _lines(store) == expected


def _node(story: str, core: dict[str, float], day: int, size: int) -> StoryNode:
    """A story as the clusterer leaves it: its event's core features, a dozen of its own, summed over its articles."""
    own = {f"{story}-{k}": 1.0 for k in range(12)}
    return StoryNode(story, {t: w * size for t, w in {**core, **own}.items()}, day, day, size)


def test_one_bridging_story_does_not_chain_two_storylines():
    libya = {"@gaddafi": 2.0, "@tripoli": 2.0, "@benghazi": 2.0, "rebels": 1.5, "@nato": 1.5}
    syria = {"@assad": 2.0, "@damascus": 2.0, "@homs": 2.0, "protesters": 1.5, "@deraa": 1.5}
    nodes = [_node(f"s-l{i}", libya, 100 + i, 3) for i in range(5)] + [
        _node(f"s-s{i}", syria, 100 + i, 3) for i in range(5)]
    overview = _node("s-x", {**libya, **syria}, 103, 1)  # a round-up naming both wars
    linking = link_storylines([*nodes, overview], ClusterConfig())
    lines = linking.storyline_of
    assert len({lines[f"s-l{i}"] for i in range(5)}) == 1 and len({lines[f"s-s{i}"] for i in range(5)}) == 1
    assert lines["s-l0"] != lines["s-s0"]
    assert lines["s-x"] in {lines["s-l0"], lines["s-s0"]}


def test_a_storyline_over_unrelated_events_is_split_with_the_reason():
    shared = {"@harlan voss": 2.0, "@capitol city": 2.0, "president": 1.0}
    events = {e: {**shared, f"@{e}": 2.0, f"{e}-a": 1.5, f"{e}-b": 1.5} for e in ("visit", "tariff", "lawsuit")}
    nodes = [_node(f"s-{e}{i}", core, 100 + i, 3) for e, core in events.items() for i in range(4)]
    chained = {n.id: "l-visit0" for n in nodes}  # as the previous linker left it: one storyline
    linking = link_storylines(nodes, ClusterConfig(), previous=chained, storyline_age={"l-visit0": (1, "l-visit0")})
    assert linking.storyline_of["s-visit0"] == "l-visit0"  # the part holding the storyline's founder keeps the id
    assert len({linking.storyline_of[n.id] for n in nodes}) == 3
    split = next(c for c in linking.changes if c.storyline_id == "l-visit0" and c.kind == "split")
    assert "split off" in split.detail and "under the link threshold" in split.detail
    assert "harlan voss" in split.detail or "capitol city" in split.detail  # what chained them is named
    assert sum(c.kind == "split_from" and c.other == "l-visit0" for c in linking.changes) == 2


def test_the_split_and_its_reason_show_in_the_history(tmp_path):
    articles = [_article(event, i) for i in range(3) for event in ("visit", "tariff", "lawsuit")]
    db = tmp_path / "h.db"
    with Store(db) as store:
        _save(store, articles)
        Pipeline(store).update_stories()
        # a store left by the previous linker: every story in one storyline
        first = storylines_store.load_storylines(store)[0].storyline.id
        with store.transaction() as tx:
            tx.execute("UPDATE storyline_stories SET storyline_id = ?", (first,))
        _save(store, [_article(event, 3) for event in ("visit", "tariff", "lawsuit")])
        Pipeline(store).update_stories()
        assert len(storylines_store.load_storylines(store)) == 3
    shown = runner.invoke(app, ["storylines", "--db", str(db), "--history"])
    assert shown.exit_code == 0 and "split" in shown.output and "under the link threshold" in shown.output
    listed = json.loads(runner.invoke(app, ["storylines", "--db", str(db), "--json"]).output)
    line = next(v for v in listed if v["id"] == first)
    assert any(e["kind"] == "split" and "share only" in e["detail"] for e in line["history"])
