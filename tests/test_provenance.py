"""Provenance: fingerprints, the persistent index, alignment, shared passages, origin, and the benchmark."""

from __future__ import annotations

import json
from difflib import SequenceMatcher

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from storyline import Pipeline, Store, StorylineConfig
from storyline.cli import app
from storyline.config import ProvenanceConfig
from storyline.errors import ConfigError
from storyline.eval.provenance import run_datasketch, run_exact_hash, run_storyline, score
from storyline.eval.provenance_data import KINDS, build_benchmark, make_article
from storyline.extract.metadata import agency_name, find_credits
from storyline.provenance import (
    Alignment,
    align_articles,
    fingerprint,
    linked_sentence_groups,
    provenance_grouper,
    rank_candidates,
    sentence_groups,
    shared_passages,
)
from storyline.store import ProvenanceIndex
from storyline.store.integrity import check_store
from storyline.store.provenance import tagged_keys
from storyline.summarize import summarize_articles
from storyline.text import shingle_hashes, shingles, tokenize
from storyline.views import diff_view, provenance_view
from tests.conftest import shared_data

WIRE = ("HALDEN, May 2 (Norvane Wire) - Firefighters brought a warehouse blaze in the Halden docks under control "
        "early on Friday after an eleven-hour battle, the city fire service said.\n\n"
        "About 120 firefighters and 30 engines fought the fire, which broke out shortly after 6 p.m. on Thursday "
        "in a storage hall holding 4,000 tonnes of timber. Nobody was hurt, the service said.\n\n"
        "Fire chief Ola Brandt said the cause was not yet known and that investigators would enter the building "
        "once it was safe. The harbour was closed to shipping overnight as a precaution.\n\n"
        "(Reporting by Ina Vass; Editing by Per Lund)")
COPY = ("Halden fire under control\n\n"
        "Residents of the old town woke to the smell of smoke on Friday morning.\n\n"
        "Firefighters brought a warehouse blaze in the Halden docks under control early on Friday after an "
        "eleven-hour battle, the city fire service said, Norvane Wire reported.\n\n"
        "About 120 firefighters and 30 engines fought the fire, which broke out shortly after 6 p.m. on Thursday "
        "in a storage hall holding 4000 tonnes of lumber. Nobody was hurt, the service said.\n\n"
        "Fire chief Ola Brandt said the cause was not yet known and that investigators would enter the building "
        "once it was safe. The harbor was closed to shipping overnight as a precaution.\n\n"
        "The local council will meet on Monday to discuss compensation for businesses in the docks.")
OTHER = ("Halden council approves new bridge\n\n"
         "The Halden city council voted on Friday to build a second bridge across the harbour, ending a "
         "decade of debate over traffic in the old town.\n\n"
         "The bridge will cost 80 million crowns and is due to open in 2029, the mayor said after the vote.\n\n"
         "Opponents said the money would be better spent on the ferry service and on repairs to the docks.")


def _articles():
    return [make_article("wire", WIRE, "2025-05-02"), make_article("copy", COPY, "2025-05-03"),
            make_article("other", OTHER, "2025-05-03")]


# -- fingerprints and the index ---------------------------------------------------------------
def test_signature_is_datasketch_minhash():
    from datasketch import MinHash

    article = _articles()[0]
    fp = fingerprint(article.text, article.sentences)
    hashes, _ = shingle_hashes([tokenize(span.slice(article.text)) for span in article.sentences], 4)
    reference = MinHash(num_perm=128, seed=1, hashfunc=int)
    reference.update_batch(hashes.tolist())
    assert np.array_equal(reference.hashvalues, fp.signature)
    assert len(fp.doc_keys) == 32 and fp.window_keys
    # one hash per distinct shingle of text.shingles, sentence by sentence
    distinct = sum(len(shingles(tokenize(span.slice(article.text)), 4)) for span in article.sentences)
    assert len(set(hashes.tolist())) == distinct


def test_config_is_validated():
    with pytest.raises(ConfigError, match=r"provenance\.doc_bands"):
        StorylineConfig().replace("provenance", doc_bands=33)
    with pytest.raises(ConfigError, match=r"provenance\.sentence_similarity"):
        ProvenanceConfig(sentence_similarity=0)
    with pytest.raises(ConfigError, match=r"provenance\.max_segment_docs"):
        ProvenanceConfig(segment_docs=100, max_segment_docs=50)
    with pytest.raises(ConfigError, match=r"provenance\.filter_bits_per_key"):
        ProvenanceConfig(filter_bits_per_key=-1)
    assert ProvenanceConfig(max_segment_docs=0).max_segment_docs == 0


def test_index_survives_restart_and_double_insert_is_a_no_op(tmp_path):
    wire, copy, other = _articles()
    path = tmp_path / "index.db"
    fps = {a.id: fingerprint(a.text, a.sentences) for a in (wire, copy, other)}
    with Store(path) as store:
        index = ProvenanceIndex(store)
        assert index.insert("wire", fps["wire"]) and index.insert("other", fps["other"])
        before = index.lookup(fps["copy"])
        rows = [store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("prov_docs", "prov_bands", "prov_segments")]
        assert not index.insert("wire", fps["wire"])
        assert rows == [store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                        for t in ("prov_docs", "prov_bands", "prov_segments")]
    with Store(path) as store:
        after = ProvenanceIndex(store).lookup(fps["copy"])
    assert (after.exact, after.doc_hits, after.window_hits) == (before.exact, before.doc_hits, before.window_hits)
    candidates = rank_candidates(fps["copy"], after)
    assert [c.article_id for c in candidates] == ["wire"] and not candidates[0].exact


def _hits(index, fp):
    hits = index.lookup(fp)
    return hits.exact, hits.doc_hits, hits.window_hits


def test_index_segments_are_sealed_and_merged_and_answer_the_same(tmp_path):
    wire, copy, other = _articles()
    fps = {a.id: fingerprint(a.text, a.sentences) for a in (wire, copy, other)}
    # many small documents: each one a distinct slice of the three articles' sentences
    items = [(f"{name}-{i}", fps[name]) for i in range(9) for name in ("wire", "other")]
    small = ProvenanceConfig(segment_docs=2, merge_fanout=2, max_segment_docs=12)
    with Store(tmp_path / "one.db") as one, Store(tmp_path / "many.db") as many:
        whole = ProvenanceIndex(one)
        assert whole.insert_many(items) == len(items)
        segmented = ProvenanceIndex(many, small)
        for i in range(0, len(items), 3):  # batches of 3 into segments of 2 documents
            segmented.insert_many(items[i : i + 3])
        assert _hits(segmented, fps["copy"]) == _hits(whole, fps["copy"])
        assert _hits(segmented, fps["wire"]) == _hits(whole, fps["wire"])
        segments = segmented.segments()
        assert len(whole.segments()) == 1 and len(segments) > 1
        # merged levels exist, no merge went past the cap, and every band row sits in a listed segment
        assert max(level for _, level, _, _ in segments) >= 2
        assert all(docs <= 12 for _, level, docs, _ in segments if level > 0)
        assert sum(docs for _, _, docs, _ in segments) == len(items)
        listed = {seg for seg, *_ in segments}
        assert {r[0] for r in many.db.execute("SELECT DISTINCT seg FROM prov_bands")} <= listed
        assert many.db.execute("SELECT count(*) FROM prov_bands").fetchone() == \
            one.db.execute("SELECT count(*) FROM prov_bands").fetchone()


def _filter_problems(store):
    """The integrity check's findings about filters, every key checked (these tests store no articles)."""
    import storyline.store.integrity as integrity

    sample, integrity.FILTER_SAMPLE = integrity.FILTER_SAMPLE, 1
    try:
        return [p for p in check_store(store, deep=True) if "prov_filters" in p]
    finally:
        integrity.FILTER_SAMPLE = sample


def test_segment_filters_skip_probes_and_never_lose_a_hit(tmp_path):
    wire, copy, other = _articles()
    fps = {a.id: fingerprint(a.text, a.sentences) for a in (wire, copy, other)}
    items = [(f"{name}-{i}", fps[name]) for i in range(9) for name in ("wire", "other")]
    small = ProvenanceConfig(segment_docs=2, merge_fanout=2, max_segment_docs=12)
    bare = ProvenanceConfig(segment_docs=2, merge_fanout=2, max_segment_docs=12, filter_bits_per_key=0)
    with Store(tmp_path / "filtered.db") as filtered, Store(tmp_path / "bare.db") as unfiltered:
        index, reference = ProvenanceIndex(filtered, small), ProvenanceIndex(unfiltered, bare)
        for i in range(0, len(items), 3):
            index.insert_many(items[i : i + 3])
            reference.insert_many(items[i : i + 3])
        for name in ("copy", "wire", "other"):
            assert _hits(index, fps[name]) == _hits(reference, fps[name])
        # every sealed segment is covered by filters (merged ones by their parts), the open one by none
        covered = dict(filtered.db.execute("SELECT seg, sum(docs) FROM prov_filters GROUP BY seg"))
        for seg, _, docs, sealed in index.segments():
            assert covered.get(seg, 0) == (docs if sealed else 0)
        assert unfiltered.db.execute("SELECT count(*) FROM prov_filters").fetchone()[0] == 0
        # a text sharing nothing with the index is probed in the open segment only
        bus = make_article("bus", "Quarterly figures for the regional bus network were published today. "
                           "Ridership rose by a tenth over the year. Two new routes open in the spring.", "2025-05-04")
        unrelated = fingerprint(bus.text, bus.sentences)
        keys = tagged_keys(unrelated.doc_keys, unrelated.window_keys)
        probed = index._probes(keys)
        open_segments = {seg for seg, _, _, sealed in index.segments() if not sealed}
        assert sum(len(k) for seg, k in probed if seg not in open_segments) <= 0.1 * len(keys) * len(covered)
        assert {seg for seg, k in probed if len(k) == len(keys)} <= open_segments
        assert _filter_problems(filtered) == []


def test_default_index_seals_without_merging_and_every_sealed_segment_is_filtered(tmp_path):
    wire, copy, other = _articles()
    fps = {a.id: fingerprint(a.text, a.sentences) for a in (wire, copy, other)}
    config = ProvenanceConfig(segment_docs=2)  # the default max_segment_docs: no merging
    with Store(tmp_path / "s.db") as store:
        index = ProvenanceIndex(store, config)
        for i in range(7):
            index.insert_many([(f"w-{i}", fps["wire"]), (f"o-{i}", fps["other"])])
        segments = index.segments()
        assert [level for _, level, _, _ in segments] == [0] * 7 and all(s[3] for s in segments)
        assert store.db.execute("SELECT count(*) FROM prov_filters").fetchone()[0] == 7
        hits = index.lookup(fps["copy"])
        assert set(hits.doc_hits) | set(hits.window_hits) >= {f"w-{i}" for i in range(7)}
        assert not {f"o-{i}" for i in range(7)} & set(hits.doc_hits)


def test_filters_are_right_after_restarts_rollbacks_and_other_writers(tmp_path):
    wire, copy, other = _articles()
    fps = {a.id: fingerprint(a.text, a.sentences) for a in (wire, copy, other)}
    small = ProvenanceConfig(segment_docs=4, merge_fanout=2, max_segment_docs=64)
    with Store(tmp_path / "s.db") as store:
        first = ProvenanceIndex(store, small)
        first.insert_many([("w-0", fps["wire"])])
        with pytest.raises(RuntimeError), store.transaction():  # a batch rolled back after its insert
            first.insert_many([("c-0", fps["copy"]), ("c-1", fps["copy"])])
            raise RuntimeError("abort")
        # another writer (a fresh object) takes the rolled-back documents' numbers with other texts
        ProvenanceIndex(store, small).insert_many([("o-1", fps["other"]), ("o-2", fps["other"])])
        first.insert_many([("w-1", fps["wire"])])  # seals the segment: its keys must come from the store
        assert _filter_problems(store) == []
        first.insert_many([(f"w-{i}", fps["wire"]) for i in range(2, 8)])  # seals one from its own batches
        assert store.db.execute("SELECT count(*) FROM prov_filters").fetchone()[0] >= 2
        assert _filter_problems(store) == []
        restarted = ProvenanceIndex(store, small)
        assert _hits(restarted, fps["copy"]) == _hits(first, fps["copy"])
        assert {"w-0", "w-6"} <= set(restarted.lookup(fps["copy"]).doc_hits)
        assert "c-0" not in restarted.lookup(fps["copy"]).doc_hits


def test_old_band_tables_are_migrated_and_answer_the_same(tmp_path, monkeypatch):
    import storyline.store.store as store_module
    from storyline.store.schema import MIGRATIONS

    wire, copy, other = _articles()
    fps = {a.id: fingerprint(a.text, a.sentences) for a in (wire, copy, other)}
    path = tmp_path / "old.db"
    # a store of the layout before segments (schema 7), written as that version's insert did
    old_version = MIGRATIONS.index(next(m for m in MIGRATIONS if "CREATE TABLE prov_segments" in m))
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", old_version)
    with Store(path) as store:
        assert store.schema_version() == old_version
        with store.transaction() as db:
            for doc, name in enumerate(("wire", "other"), start=1):
                fp = fps[name]
                db.execute("INSERT INTO prov_docs (doc, article_id, text_hash, n_shingles, signature) "
                           "VALUES (?, ?, ?, ?, ?)", (doc, name, fp.text_hash, fp.n_shingles,
                                                      fp.signature.astype("<u4").tobytes()))
                db.executemany("INSERT INTO prov_doc_bands (key, doc) VALUES (?, ?)", [(k, doc) for k in fp.doc_keys])
                db.executemany("INSERT INTO prov_window_bands (key, doc) VALUES (?, ?)",
                               [(k, doc) for k in fp.window_keys])
    monkeypatch.undo()
    with Store(path) as upgraded, Store(tmp_path / "new.db") as fresh:
        assert upgraded.schema_version() == len(MIGRATIONS)
        index = ProvenanceIndex(upgraded)
        reference = ProvenanceIndex(fresh)
        reference.insert("wire", fps["wire"]) and reference.insert("other", fps["other"])
        assert index.segments() == [(1, 0, 2, True)]
        for name in ("copy", "wire", "other"):
            assert _hits(index, fps[name]) == _hits(reference, fps[name])
        assert rank_candidates(fps["copy"], index.lookup(fps["copy"]))[0].article_id == "wire"
        # the upgraded index keeps growing: a new document goes to a new open segment
        assert index.insert("copy", fps["copy"]) and not index.insert("wire", fps["wire"])
        assert [s[3] for s in index.segments()] == [True, False]
        assert "copy" in index.lookup(fps["copy"]).exact
        # the segment sealed before filters existed gets one, and answers the same
        assert index.build_filters() == 1 and index.build_filters() == 0
        assert [tuple(r) for r in upgraded.db.execute("SELECT seg, docs FROM prov_filters")] == [(1, 2)]
        for name in ("copy", "wire", "other"):
            assert _hits(index, fps[name]) == _hits(ProvenanceIndex(upgraded, ProvenanceConfig(filter_bits_per_key=0)),
                                                    fps[name])
        assert _filter_problems(upgraded) == []


def test_pipeline_indexes_each_article_once(tmp_path, tmp_store):
    for name, text in (("wire.txt", WIRE), ("copy.txt", COPY)):
        (tmp_path / name).write_text(text)
    pipeline = Pipeline(tmp_store)
    pipeline.run([tmp_path])
    index = ProvenanceIndex(tmp_store)
    assert index.count() == 2
    ids = [a.id for a in tmp_store.articles()]
    assert len(index.pairs_for(ids)) == 1
    for article in tmp_store.articles():
        assert pipeline.index_provenance(article) == 0
    assert index.count() == 2 and len(index.pairs_for(ids)) == 1
    # the id-only readers (store comparison at scale) agree with the full ones
    assert tmp_store.article_ids() == sorted(ids)
    assert index.pair_ids() == {(p.article_a, p.article_b) for p in index.pairs_for(ids)}


# -- alignment, passages, origin -----------------------------------------------------------------
def test_alignment_finds_edits_and_unique_runs():
    wire, copy, other = _articles()
    alignment = align_articles(wire, copy)
    assert alignment.related
    kinds = {wire.text[p.a_span[0]:p.a_span[1]][:30]: p.kind for p in alignment.pairs}
    assert kinds["Fire chief Ola Brandt said the"] == "identical"
    edits = [e for p in alignment.pairs for e in p.edits]
    assert {"op": "replace", "a": "timber.", "b": "lumber."} in edits
    assert {"op": "replace", "a": "harbour", "b": "harbor"} in edits
    assert not any(e["b"] == "4000" for e in edits), "3,000 and 3000 are the same word key"
    unique_b = [copy.text[r.b_span[0]:r.b_span[1]] for r in alignment.runs if r.kind == "unique_b"]
    assert any("council will meet" in t for t in unique_b)
    assert not align_articles(wire, other).related


_WORDS = st.lists(st.sampled_from(["iraq", "iran", "said", "the", "troops", "3,000", "kerry", "talks", "on", "a"]),
                  max_size=16)


@given(_WORDS, _WORDS, st.floats(0.1, 1.0), st.floats(0.1, 1.0))
def test_the_cheap_bound_never_rejects_a_sentence_pair_difflib_would_align(a_words, b_words, similar, cover):
    from storyline.model import Span
    from storyline.provenance.align import _compare, _may_align, _sentences

    a_text, b_text = " ".join(a_words), " ".join(b_words)
    (a,), (b,) = _sentences(a_text, (Span(0, len(a_text)),)), _sentences(b_text, (Span(0, len(b_text)),))
    config = ProvenanceConfig(sentence_similarity=similar, sentence_cover=cover)
    similarity, covered, _ = _compare(a, b)
    if similarity >= similar or covered >= cover:
        assert _may_align(a, b, config)


def test_credits_name_generic_agencies():
    assert find_credits("HALDEN, May 2 (Norvane Wire) - Firefighters") == ["Norvane Wire"]
    assert "Norvane Wire" in find_credits("the service said, Norvane Wire reported.")
    assert agency_name("Associated Press") == "AP" and agency_name("Halden Post") is None


def test_summary_cites_edited_copies_as_variants():
    wire, copy, other = _articles()
    groups = sentence_groups({a.id: a for a in (wire, copy)}, [align_articles(copy, wire)])
    summary = summarize_articles("s", [wire, copy, other], StorylineConfig().summarize, provenance_grouper(groups))
    by_text = {a.id: a.text for a in (wire, copy, other)}
    carried = [s for s in summary.sentences if len({c.article_id for c in s.citations}) > 1]
    assert carried, "a sentence both carry should cite both"
    variants = 0
    for sentence in summary.sentences:
        for citation in sentence.citations:
            cited = by_text[citation.article_id][citation.start:citation.end]
            if citation.kind == "exact":
                assert cited == sentence.text
            else:
                variants += 1
                assert citation.kind == "variant"
                assert SequenceMatcher(None, tokenize(cited), tokenize(sentence.text)).ratio() >= 0.6
    assert variants >= 1
    texts = [s.text for s in summary.sentences]
    assert len(texts) == len(set(texts))


# -- seeds and demo ------------------------------------------------------------------------------
SEED_PASSAGES = [  # (sentence start in 000, sentence start in 001)
    ("Overnight, the fighters captured the mainly ethnic Turkmen city of Tal Afar",
     "ISIS fighters captured the mainly ethnic Turkmen city of Tal Afar"),
    ("Tal Afar is a short drive west from Mosul", "Tal Afar is a short drive west from Mosul"),
    ("Iraq’s army is holding out in Samarra", "Iraq’s army is holding out in Samarra"),
    ("A convoy travelling to reinforce the troops", "A convoy travelling to reinforce the troops"),
    ("ISIL fighters’ sweep through the Tigris valley", "They swept through other Sunni cities in the Tigris valley"),
    ("A series of pictures distributed on a purported ISIL", "A series of pictures distributed on a purported ISIS"),
    ("ISIL said it executed 1,700 soldiers", "ISIS said it executed 1,700 soldiers"),
    ("A former local official in Tikrit told Reuters ISIL", "A former local official in Tikrit told Reuters ISIS"),
    ("ISIL emerged after Saddam’s fall", "ISIS emerged after Saddam’s fall"),
    ("It says the movement founded by Osama Bin Laden", "It says the movement founded by Osama bin Laden"),
]


def test_seeds_shared_passages_have_exact_spans(tmp_store, ingest, seed_files):
    ingest(*seed_files)
    articles = {a.origin.rsplit("/", 1)[-1][:3]: a for a in tmp_store.articles()}
    index = ProvenanceIndex(tmp_store)
    pairs = index.pairs_for([a.id for a in articles.values()])
    assert [{p.article_a, p.article_b} for p in pairs] == [{articles["000"].id, articles["001"].id}]
    a, b = articles["000"], articles["001"]
    alignment = align_articles(a, b)
    spans = {(p.a_span, p.b_span) for p in alignment.pairs}
    for start_a, start_b in SEED_PASSAGES:
        sa = next(s for s in a.sentences if s.slice(a.text).startswith(start_a))
        sb = next(s for s in b.sentences if s.slice(b.text).startswith(start_b))
        assert ((sa.start, sa.end), (sb.start, sb.end)) in spans, start_a
    edits = [e for p in alignment.pairs for e in p.edits]
    assert {"op": "replace", "a": "ISIL", "b": "ISIS"} in edits
    assert {"op": "replace", "a": "Al Qaeda’s", "b": "Al-Qaeda’s"} in edits
    # origin does not depend on how clustering groups the seeds: passages of the stored pair
    stored = [Alignment.from_dict(p.alignment) for p in pairs]
    passages = shared_passages({a.id: a, b.id: b}, stored)
    assert passages and all(p.origin == "Reuters" for p in passages)
    together = [row.id for row in tmp_store.stories() if {a.id, b.id} <= set(row.story.article_ids)]
    for story in together:
        assert len(provenance_view(tmp_store, story)["passages"]) == len(passages)


def test_demo_wire_passage_found_across_carriers(tmp_store, ingest, demo_dir):
    ingest(demo_dir)
    strike = next(row for row in tmp_store.stories() if any(
        tmp_store.article(a).outlet == "Northgate Gazette" for a in row.story.article_ids))
    view = provenance_view(tmp_store, strike.id)
    lead = next(p for p in view["passages"] if "About 3,000 dockworkers" in p["text"])
    outlets = {c["outlet"]: c for c in lead["carriers"]}
    assert set(outlets) == {"Continental Wire", "Corvania Times", "Northgate Gazette"}
    assert lead["origin"] == "Continental Wire"
    assert outlets["Corvania Times"]["kind"] == "identical" and outlets["Northgate Gazette"]["kind"] == "edited"
    assert {"op": "replace", "a": "harbour", "b": "harbor"} in outlets["Northgate Gazette"]["edits"]
    northgate = outlets["Northgate Gazette"]
    text = tmp_store.article(northgate["article_id"]).text[northgate["start"]:northgate["end"]]
    assert text.startswith("About 3000 dockworkers")
    # the summary's wire sentence cites every carrier, the edited copy as a variant
    summary = tmp_store.summary(strike.id)
    kinds = {c.kind for s in summary.sentences for c in s.citations if len(s.citations) >= 3}
    assert "variant" in kinds


def test_cli_provenance_and_diff(tmp_path, demo_dir):
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(demo_dir), "--db", db]).exit_code == 0
    stories = json.loads(runner.invoke(app, ["stories", "--db", db, "--json"]).output)
    for story in stories:
        result = runner.invoke(app, ["provenance", story["id"], "--db", db, "--json"])
        assert result.exit_code == 0, result.output
        view = json.loads(result.output)
        assert {"pairs", "passages", "articles"} <= set(view)
    strike = next(s for s in stories if "Dockworkers" in s["label"] or "port" in s["label"].lower())
    view = json.loads(runner.invoke(app, ["provenance", strike["id"], "--db", db, "--json"]).output)
    pair = view["pairs"][0]
    result = runner.invoke(app, ["diff", pair["article_a"], pair["article_b"], "--db", db, "--json"])
    diff = json.loads(result.output)
    assert diff["related"] and any(r["kind"] in ("identical", "edited") for r in diff["runs"])
    assert runner.invoke(app, ["diff", pair["article_a"], pair["article_b"], "--db", db]).exit_code == 0
    assert runner.invoke(app, ["provenance", strike["id"], "--db", db]).exit_code == 0
    with Store(db) as store:
        assert diff_view(store, pair["article_a"], pair["article_b"])["shared_words"] == diff["shared_words"]


# -- the synthetic benchmark ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def bench_scores():
    root = shared_data("timelines", "t17")
    bench = build_benchmark(root, per_kind=6, distractors=10, seed=5, topics=("egypt", "haiti", "mj"))
    articles = [make_article(d.id, d.text, d.date) for d in bench.docs]
    by_id = {a.id: a for a in articles}
    return {"storyline": score(bench, by_id, run_storyline(articles)),
            "exact_hash": score(bench, by_id, run_exact_hash(articles)),
            "datasketch": score(bench, by_id, run_datasketch(articles))}


@pytest.mark.parametrize("kind", KINDS)
def test_each_copy_kind_is_found(bench_scores, kind):
    ours = bench_scores["storyline"]
    assert ours[f"recall_{kind}"] >= 0.95 and ours[f"precision_{kind}"] >= 0.98


def test_benchmark_overall_beats_baselines(bench_scores):
    ours = bench_scores["storyline"]
    assert ours["precision"] >= 0.98 and ours["recall"] >= 0.95 and ours["span_f1"] >= 0.9
    assert ours["distractor_fp_rate"] == 0.0
    assert bench_scores["exact_hash"]["recall_embedded"] == 0.0
    assert bench_scores["datasketch"]["recall_embedded"] < ours["recall_embedded"]
    assert bench_scores["datasketch"]["span_f1"] < ours["span_f1"]


def test_stores_without_an_index_are_caught_up(tmp_path, tmp_store):
    for name, text in (("wire.txt", WIRE), ("copy.txt", COPY), ("other.txt", OTHER)):
        (tmp_path / name).write_text(text)
    pipeline = Pipeline(tmp_store)
    pipeline.run([tmp_path])
    with tmp_store.transaction() as db:  # as if the articles were stored before provenance existed
        for table in ("prov_docs", "prov_bands", "prov_segments", "prov_pairs"):
            db.execute(f"DELETE FROM {table}")
    index = ProvenanceIndex(tmp_store)
    assert len(index.unindexed()) == 3
    assert pipeline.index_unindexed() == 3 and index.unindexed() == []
    assert len(index.pairs_for([a.id for a in tmp_store.articles()])) == 1


def test_streamed_sentence_links_group_sentences_as_the_stored_alignments_do(demo_pipeline_store):
    # the summariser streams aligned sentence indices out of SQLite instead of loading every pair's
    # alignment (a story of 7,800 templated copies held 380k alignments: 5.3 GB); same groups
    with Store(demo_pipeline_store) as store:
        index = ProvenanceIndex(store)
        grouped = 0
        for story in store.stories():
            articles = {a.id: a for a in store.articles(store.story(story.id).story.article_ids)}
            streamed = linked_sentence_groups(articles, index.sentence_links(list(articles)))
            loaded = sentence_groups(articles, [Alignment.from_dict(p.alignment)
                                                for p in index.pairs_for(list(articles))])
            assert streamed == loaded
            grouped += len(streamed)
        assert grouped  # the demo's wire passage is carried by three articles
        some = next(iter(store.articles()))
        assert list(index.sentence_links([some.id])) == []  # a pair needs both sides among the ids
