"""The Spark scale-out against the local pipeline, on one local[2] SparkSession for the whole module.

The module's Spark run clusters in windows of 3 days replaying 2 (``scale``), so the 8 days of the
demo corpus are cut into windows and stories are stitched across them: the test of equivalence
covers the windowed clustering, not one window holding everything.

Skipped with a message when pyspark, pyarrow or Java is missing (``pip install 'storyline[spark]'``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("pyspark", reason="pyspark not installed: pip install 'storyline[spark]' to test the Spark run")
pytest.importorskip("pyarrow", reason="pyarrow not installed: pip install 'storyline[spark]' to test the Spark run")


def _java_works() -> bool:
    java = shutil.which("java") or (Path(os.environ["JAVA_HOME"]) / "bin" / "java"
                                    if os.environ.get("JAVA_HOME") else None)
    if not java:
        return False
    try:
        return subprocess.run([str(java), "-version"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


if not _java_works():
    pytest.skip("Java not available: Spark needs a JDK (17 or later) on PATH or JAVA_HOME", allow_module_level=True)

from storyline import Pipeline, Store  # noqa: E402
from storyline.cli import app  # noqa: E402
from storyline.config import StorylineConfig  # noqa: E402
from storyline.extract import RECORD_TYPE, extract_or_failure  # noqa: E402
from storyline.ingest import classify  # noqa: E402
from storyline.model import Article, RawDocument  # noqa: E402
from storyline.scale import TABLES, import_output, row_article, run_spark, spark_session  # noqa: E402
from storyline.scale.equivalence import compare_stores  # noqa: E402
from tests.conftest import SEEDS  # noqa: E402
from tests.news_site import write_warc  # noqa: E402

runner = CliRunner()

_ARROW_TYPES = {"string": "string", "boolean": "bool", "binary": "binary", "array<string>": "list<element: string>",
                "array<array<int>>": "list<element: list<element: int32>>", "int": "int32", "bigint": "int64",
                "double": "double", "array<bigint>": "list<element: int64>",
                TABLES["summaries"][2][1]: "list<element: struct<text: string, citations: list<element: struct<"
                                           "article_id: string, start: int32, end: int32, kind: string>>>>"}
_WINDOWS = StorylineConfig().replace("scale", window_days=3, overlap_days=2)
# invented record, written as a canonical JSONL line and again as a Parquet row: the same content
_RECORD = {"id": "cv-9", "title": "Corvania ferry timetable changes", "outlet": "Tessen Courier",
           "date": "2026-11-18", "text": "Ferries between Tessen and Valmora will sail every forty minutes from "
           "Monday, the Corvania transport office said on Tuesday. The change follows the reopening of the "
           "east pier after the flood repairs. Ticket prices stay the same, the office said."}


@pytest.fixture(scope="module")
def spark():
    session = spark_session("local[2]", "storyline-tests", {"spark.default.parallelism": "2",
                                                            "spark.sql.shuffle.partitions": "2",
                                                            "spark.ui.enabled": "false"})
    yield session
    session.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, demo_dir_module) -> dict[str, Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = tmp_path_factory.mktemp("spark")
    folder = root / "corpus"
    shutil.copytree(demo_dir_module, folder)
    lines = [json.dumps(_RECORD, ensure_ascii=False, sort_keys=True), '{"text": "too short"}', "not json at all",
             "[1, 2]", "", '{"title": "no body"}']
    if SEEDS.exists():
        lines += (SEEDS / "seeds.jsonl").read_text(encoding="utf-8").splitlines()[:2]
    (folder / "mixed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # copies: of failed content (each copy fails, naming the first) and of an article (skipped)
    (folder / "zz-copies.jsonl").write_text("not json at all\n" + lines[0] + "\n", encoding="utf-8")
    write_warc(folder / "crawl.warc.gz", gzip=True)
    notes = root / "notes.pdf"
    notes.write_bytes(b"%PDF-1.4 not an article")
    records = root / "zz-records.parquet"
    pq.write_table(pa.Table.from_pylist([_RECORD, {"id": "cv-10", "title": "only a title"}]), records)
    return {"folder": folder, "notes": notes, "missing": root / "missing.jsonl", "records": records,
            "out": root / "out", "root": root}


@pytest.fixture(scope="module")
def demo_dir_module():
    from storyline.cli import demo_corpus_path

    return demo_corpus_path()


@pytest.fixture(scope="module")
def spark_run(spark, corpus):
    inputs = [corpus["folder"], corpus["notes"], corpus["missing"], corpus["records"]]
    return run_spark(inputs, corpus["out"], spark=spark, config=_WINDOWS)


@pytest.fixture(scope="module")
def local_store(corpus):
    with Store(corpus["root"] / "local.db") as store:
        report = Pipeline(store).ingest_sources(
            [classify(str(p)) for p in (corpus["folder"], corpus["notes"], corpus["missing"])])
        yield store, report


def _table(path: Path):
    import pyarrow.dataset as ds

    return ds.dataset(str(path), format="parquet").to_table()


def _failures(rows) -> set[tuple]:
    return {(f.origin, f.stage, f.error_type, f.message, f.sha256) for f in rows}


def test_spark_articles_and_failures_equal_the_local_pipeline(spark_run, local_store, corpus):
    store, report = local_store
    spark_articles = [row_article(row) for row in _table(corpus["out"] / "articles").to_pylist()]
    local = {a.id: a for a in store.articles()}
    assert len(local) >= 12
    assert {a.id: a for a, _raw in spark_articles} == local  # every field: text, offsets, dates, origins
    for article, raw in spark_articles:
        assert raw is not None and raw.sha256 == article.raw_sha256 and raw.content == store.raw_content(raw.sha256)
    from storyline.scale.rows import row_failure

    spark_failures = [row_failure(row)[0] for row in _table(corpus["out"] / "failures").to_pylist()]
    records = str(corpus["records"])
    assert _failures(f for f in spark_failures if not f.origin.startswith(records)) == _failures(store.failures())
    origins = {f.origin for f in spark_failures}
    folder = corpus["folder"]
    assert {f"{folder}/mixed.jsonl#L{n}" for n in (2, 3, 4, 6)} <= origins  # blank line 5 is no record
    assert {f"{folder}/zz-copies.jsonl#L1", str(corpus["notes"]), str(corpus["missing"])} <= origins
    copy = next(f for f in spark_failures if f.origin == f"{folder}/zz-copies.jsonl#L1")
    assert f"same content as {folder}/mixed.jsonl#L3" in copy.message
    # the Parquet row with the JSONL line's content is that line's duplicate; the one without a body fails
    assert f"{records}#id=cv-10" in {_strip(o) for o in origins}
    assert spark_run.duplicates == report.duplicates + 1
    assert (spark_run.articles, spark_run.failures) == (len(local), len(spark_failures))


def _strip(origin: str) -> str:
    """A Parquet row's origin names the part file inside the ``.parquet`` path; keep the path and key."""
    path, _, key = origin.partition("#")
    return f"{path.split('.parquet')[0]}.parquet#{key}"


def test_parquet_record_rows_become_the_same_documents_as_jsonl_lines(spark_run, corpus):
    content = json.dumps(_RECORD, ensure_ascii=False, sort_keys=True).encode()
    expected = extract_or_failure(RawDocument.from_bytes("x", content, RECORD_TYPE))
    assert isinstance(expected, Article)
    ids = set(_table(corpus["out"] / "articles").column("id").to_pylist())
    assert expected.id in ids


def test_output_tables_have_the_documented_schema(spark_run, corpus):
    for table, columns in TABLES.items():
        schema = _table(corpus["out"] / table).schema
        assert [(f.name, str(f.type), f.nullable) for f in schema] == \
            [(name, _ARROW_TYPES[kind], nullable) for name, kind, nullable in columns], table


def test_spark_passage_matches_are_the_local_pairs_with_the_same_alignments(spark_run, local_store, corpus):
    from storyline.scale.rows import row_match
    from storyline.store.provenance import ProvenanceIndex

    store, _report = local_store
    local = {(p.article_a, p.article_b): p for p in ProvenanceIndex(store).pairs_for([a.id for a in store.articles()])}
    rows = _table(corpus["out"] / "passage_matches").to_pylist()
    spark = {(p.article_a, p.article_b): p for p in map(row_match, rows)}
    assert local and spark.keys() == local.keys() and spark_run.passage_matches == len(local)
    for key, pair in local.items():
        assert (spark[key].exact, spark[key].shared_words, spark[key].alignment) == \
            (pair.exact, pair.shared_words, pair.alignment)
        assert spark[key].containment == pytest.approx(pair.containment)


def test_spark_extraction_has_the_per_document_time_limit(spark, tmp_path):
    folder = tmp_path / "slow"
    folder.mkdir()
    (folder / "a.jsonl").write_text(json.dumps(_RECORD) + "\n", encoding="utf-8")
    config = StorylineConfig().replace("extract", timeout_seconds=0.001)  # no extraction finishes in 1 ms
    report = run_spark([folder], tmp_path / "out", spark=spark, config=config, stories=False)
    failures = _table(tmp_path / "out" / "failures").to_pylist()
    assert report.articles == 0 and [(f["error_type"], f["stage"]) for f in failures] == [("TimeLimitError", "extract")]
    assert "extract.timeout_seconds" in failures[0]["message"] and failures[0]["raw_content"]
    assert not (tmp_path / "out" / "stories").exists()


def test_import_gives_the_local_stories_and_the_cli_shows_them(spark_run, local_store, corpus, tmp_path):
    store, _report = local_store
    db = tmp_path / "imported.db"
    result = runner.invoke(app, ["import", str(corpus["out"]), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    imported = json.loads(result.output)
    assert imported["articles"] == spark_run.articles and imported["stories"]
    assert imported["computed_on_spark"]  # loaded from the Spark tables, not recomputed
    stories = json.loads(runner.invoke(app, ["stories", "--db", str(db), "--json"]).output)
    with Store(db) as spark_store:
        same = compare_stores(store, spark_store)
        assert same.same_articles and same.same_pairs and same.pairs
        assert same.story_bcubed_f1 >= 0.98 and same.storyline_bcubed_f1 >= 0.98  # measured: 1.0 and 1.0
        assert len(stories) == spark_run.stories == same.stories_spark
        # stable ids: a story is named after its first article, as locally
        assert {row.id for row in spark_store.stories()} == {row.id for row in store.stories()}
        for row in spark_store.stories():
            summary = spark_store.summary(row.id)
            assert summary is not None and summary == store.summary(row.id)
            assert all(c.article_id in row.story.article_ids for s in summary.sentences for c in s.citations)
        shown = runner.invoke(app, ["show", stories[0]["id"], "--db", str(db), "--json"])
        assert shown.exit_code == 0 and json.loads(shown.output)["summary"]
        lines = runner.invoke(app, ["storylines", "--db", str(db), "--json"])
        assert lines.exit_code == 0 and len(json.loads(lines.output)) == spark_run.storylines
        # importing again stores nothing new
        again = import_output(corpus["out"], spark_store)
        assert (again.articles, again.failures, again.stories) == (0, 0, [])


_WIRE = ("Engineers reopened the Halvard dam spillway on Thursday after three days of repairs, the regional water "
         "board said. The board said the reservoir had risen to ninety-two percent of its capacity after the storms. "
         "Farmers downstream were told to move livestock away from the low fields along the Ostra river. "
         "A spokeswoman for the board said the release would last at least two days and would be watched hourly. "
         "The dam, built in 1961, supplies drinking water to about 40,000 people in four towns.")


def test_spark_provenance_compares_each_article_with_earlier_arrivals_as_the_local_index_does(spark, tmp_path):
    # five outlets reprint one wire story; files are read in name order while the dates run backwards, and
    # one candidate per article is kept: which pairs exist depends on what had arrived, not on the dates
    folder = tmp_path / "wire"
    folder.mkdir()
    for n, name in enumerate("abcde"):
        record = {"id": f"w-{name}", "title": f"Halvard spillway reopened ({name})", "outlet": f"Outlet {name}",
                  "date": f"2026-10-{20 - n:02d}", "text": f"{_WIRE} Local note {name}: roads near the river stay "
                  f"open, the {name} county office said on day {n}."}
        (folder / f"{name}.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    config = StorylineConfig().replace("provenance", max_candidates=1)
    with Store(tmp_path / "local.db") as store:
        Pipeline(store, config).ingest_sources([classify(str(folder))])
        local = {(p.article_a, p.article_b) for p in _local_pairs(store)}
    report = run_spark([folder], tmp_path / "out", spark=spark, config=config)
    rows = _table(tmp_path / "out" / "passage_matches").to_pylist()
    spark_pairs = {(row["article_a"], row["article_b"]) for row in rows}
    assert len(local) == 4 and report.passage_matches == 4  # each later arrival keeps one earlier one
    assert spark_pairs == local


def _local_pairs(store: Store):
    from storyline.store.provenance import ProvenanceIndex

    return ProvenanceIndex(store).pairs_for([a.id for a in store.articles()])


def test_each_window_starts_from_the_document_frequencies_the_local_stream_has_reached():
    from storyline.scale.stories import _prior_df, _prior_docs

    # articles per (window, in the tail the next window replays): window w replays the tail of w - 1, so
    # its clusterer starts after everything before that tail
    segments = {(0, False): 2, (0, True): 1, (1, False): 3, (1, True): 1, (2, False): 4}
    assert [_prior_docs(segments, w) for w in (0, 1, 2)] == [0, 2, 6]
    # a term used by one article of each segment: window 0 starts from nothing (no row), 1 from 1, 2 from 3
    assert list(_prior_df("dam", [(s, 1) for s in segments])) == [(1, ("dam", 1)), (2, ("dam", 3))]
    # a term only in window 0's tail is needed by window 1 (which replays it) but counted there, not before
    assert list(_prior_df("spillway", [((0, True), 1)])) == []


_EVENTS = {"ferry": "ferry Brindle capsized harbour Oskavo coastguard rescue passengers divers hull storm",
           "quake": "earthquake Dunmere magnitude tremor aftershock rubble villages seismologists epicentre"}


def test_spark_cuts_a_story_over_two_events_as_the_local_pass_does(spark, tmp_path):
    # a join threshold so low that every article joins one story: the refinement must cut it in two, on
    # Spark (after stitching the windows, under the run's frequencies) exactly as the local pass does
    folder = tmp_path / "events"
    folder.mkdir()
    lines = []
    for i in range(32):
        event = "ferry" if i % 2 == 0 else "quake"
        words = _EVENTS[event].split()
        sentences = [" ".join(words[(i + k + s) % len(words)] for k in range(8)).capitalize() + "." for s in range(4)]
        lines.append(json.dumps({"id": f"ev-{i}", "title": f"{words[0]} report {i}", "outlet": "Outlet",
                                 "date": f"2026-10-{1 + i // 4:02d}", "text": " ".join(sentences)
                                 + f" Officials said the situation remained under review on day {i}."}))
    (folder / "events.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = _WINDOWS.replace("cluster", threshold=0.01, merge_threshold=1.0)
    with Store(tmp_path / "local.db") as store:
        Pipeline(store, config).ingest_sources([classify(str(folder))])
        local = {row.id: set(row.story.article_ids) for row in store.stories()}
    run_spark([folder], tmp_path / "out", spark=spark, config=config)
    with Store(tmp_path / "spark.db") as store:
        import_output(tmp_path / "out", store, config)
        imported = {row.id: set(row.story.article_ids) for row in store.stories()}
        splits = store.db.execute("SELECT part, kind, size FROM story_splits").fetchall()
        window = store.db.execute("SELECT story_id, size FROM cluster_state").fetchall()
    assert len(local) == 2 and sorted(map(len, local.values())) == [16, 16]
    assert imported == local
    assert [tuple(r) for r in splits] == [(max(local), "split", 16)]
    assert [tuple(r) for r in window] == [(min(local), 32)]  # the clusterer keeps the story whole
