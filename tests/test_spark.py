"""The Spark scale-out against the local pipeline, on one local[2] SparkSession for the whole module.

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
from storyline.extract import RECORD_TYPE, extract_or_failure  # noqa: E402
from storyline.ingest import classify  # noqa: E402
from storyline.model import Article, RawDocument  # noqa: E402
from storyline.scale import ARTICLE_COLUMNS, FAILURE_COLUMNS, import_output, row_article, run_spark, spark_session  # noqa: E402
from tests.conftest import SEEDS  # noqa: E402
from tests.news_site import write_warc  # noqa: E402

runner = CliRunner()

_ARROW_TYPES = {"string": "string", "boolean": "bool", "binary": "binary", "array<string>": "list<element: string>",
                "array<array<int>>": "list<element: list<element: int32>>"}
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
    return run_spark(inputs, corpus["out"], spark=spark)


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
    for table, columns in (("articles", ARTICLE_COLUMNS), ("failures", FAILURE_COLUMNS)):
        schema = _table(corpus["out"] / table).schema
        assert [(f.name, str(f.type), f.nullable) for f in schema] == \
            [(name, _ARROW_TYPES[kind], nullable) for name, kind, nullable in columns]


def test_import_gives_the_local_stories_and_the_cli_shows_them(spark_run, local_store, corpus, tmp_path):
    store, _report = local_store
    db = tmp_path / "imported.db"
    result = runner.invoke(app, ["import", str(corpus["out"]), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    imported = json.loads(result.output)
    assert imported["articles"] == spark_run.articles and imported["stories"]
    stories = json.loads(runner.invoke(app, ["stories", "--db", str(db), "--json"]).output)
    with Store(db) as spark_store:
        partition = {frozenset(row.story.article_ids) for row in spark_store.stories()}
        assert len(stories) == len(partition)
        assert partition == {frozenset(row.story.article_ids) for row in store.stories()}
        from storyline.store.provenance import ProvenanceIndex

        ids = [a.id for a in store.articles()]
        pairs = {(p.article_a, p.article_b) for p in ProvenanceIndex(store).pairs_for(ids)}
        assert pairs and {(p.article_a, p.article_b) for p in ProvenanceIndex(spark_store).pairs_for(ids)} == pairs
        shown = runner.invoke(app, ["show", stories[0]["id"], "--db", str(db), "--json"])
        assert shown.exit_code == 0 and json.loads(shown.output)["summary"]
        # importing again stores nothing new
        again = import_output(corpus["out"], spark_store)
        assert (again.articles, again.failures, again.stories) == (0, 0, [])
