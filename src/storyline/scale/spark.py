"""Run the local pipeline's stages inside Spark tasks, writing Parquet tables.

The stages are the local ones, called in ``mapPartitions``: the JSONL, WARC and file readers of
``ingest/`` (over the bytes of each input file, from any Hadoop file system: local, HDFS, S3A),
then ``extract_or_failure`` (with the per-document time limit of ``isolation``). Between them one
shuffle keeps the first input of every content hash, as the local pipeline keeps the first and
skips the rest. Then provenance (``scale/provenance.py``) and stories, storylines and summaries
(``scale/stories.py``). Every bad input becomes a row of ``failures``; no exception escapes a
task. The output layout is defined in ``scale/rows.py``.

Parquet inputs (files or folders whose name ends in ``.parquet``) hold one record per row with the
JSONL record columns (``id``, ``title``, ``url``, ``outlet``, ``date``, ``author``, ``text``,
``html``); each row becomes the JSON record of its non-null columns (keys sorted), origin
``<file>#id=<id>`` (or ``#sha256=<hash prefix>`` without an id).
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storyline.config import ExtractConfig, IngestConfig, StorylineConfig
from storyline.errors import StorylineError, UnsupportedFormatError
from storyline.extract import extract_article, extract_or_failure
from storyline.ingest.files import CONTENT_TYPES, document_from_bytes, read_jsonl_stream
from storyline.ingest.warc import is_warc, read_warc_stream
from storyline.isolation import IsolatedRunner
from storyline.model import Article, Failure, RawDocument
from storyline.scale.provenance import spark_provenance
from storyline.scale.rows import ARTICLE_COLUMNS, article_row, failure_row, row_article, spark_schema
from storyline.scale.stories import spark_stories

__all__ = ["PARQUET_RECORD_COLUMNS", "SparkRunReport", "run_spark", "spark_session"]

PARQUET_RECORD_COLUMNS = ("id", "title", "url", "outlet", "date", "author", "text", "html")

# (file, position in file): the order in which the local reader would meet an input
Order = tuple[str, int]


def arrival_key(order: Order, origin: str) -> str:
    """The position of an input in the local reader's stream, as one sortable string.

    The local walk sorts a folder's files as paths (component by component: ``a/x`` before
    ``a-b/x``), then reads each file's records in order; the key sorts the same way (path
    separators become ``\\x01``, below any character of a name; positions are zero-padded). The
    origin breaks ties (rows of one Parquet file share a position).
    """
    name, position = order
    return f"{name.replace('/', chr(1))}{chr(0)}{position:012d}{chr(0)}{origin}"


@dataclass(slots=True)
class SparkRunReport:
    """What a Spark run wrote."""

    output: str
    articles: int
    failures: int
    duplicates: int
    seconds: float
    passage_matches: int = 0
    stories: int = 0
    storylines: int = 0


def spark_session(master: str | None = None, app_name: str = "storyline", conf: dict[str, str] | None = None) -> Any:
    """Start (or join) a SparkSession whose Python workers run this storyline.

    ``master`` None leaves the master to ``spark-submit --master`` (or pyspark's default, local[*]).

    In local mode the workers are started from this process's environment, so the folder this
    ``storyline`` package was imported from is put first on their ``PYTHONPATH`` and they use this
    Python; on a cluster install the wheel on the executors instead (docs/spark.md).

    Raises:
        StorylineError: pyspark is not installed.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise StorylineError("the Spark scale-out needs pyspark: pip install 'storyline[spark]'") from exc
    package_root = str(Path(__file__).resolve().parents[2])
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if package_root not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([package_root, *paths])
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    for key, value in {"spark.ui.showConsoleProgress": "false", **(conf or {})}.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _local_name(uri: str) -> str:
    """A Hadoop path as the local reader names it: ``file:/a/b`` -> ``/a/b``; other schemes kept."""
    if uri.startswith("file://"):
        return uri[len("file://"):]
    if uri.startswith("file:"):
        return uri[len("file:"):]
    return uri


def _read_file(uri: str, content: bytes, explicit: bool, config: IngestConfig
               ) -> Iterator[tuple[Order, RawDocument | Failure]]:
    """Run the local reader that fits one file over its bytes; yield ``(order, document or failure)``."""
    name = _local_name(uri)
    suffix = Path(name).suffix.lower()
    if is_warc(name):
        docs: Iterable[RawDocument | Failure] = read_warc_stream(io.BytesIO(content), name, config)
    elif suffix not in config.extensions or suffix not in CONTENT_TYPES:
        if explicit:
            supported = ", ".join(config.extensions)
            error = UnsupportedFormatError(
                f"{name}: unsupported file type {suffix or '(none)'!r}; storyline reads {supported}", origin=name)
            docs = [Failure.of(name, "ingest", error)]
        else:
            docs = []
    elif suffix == ".jsonl":
        docs = read_jsonl_stream(io.BytesIO(content), name, config)
    else:
        docs = [document_from_bytes(name, content, config)]
    for position, doc in enumerate(docs):
        yield (name, position), doc


def _read_files(rows: Iterable[Any], explicit: frozenset[str], config: IngestConfig
                ) -> Iterator[tuple[Order, RawDocument | Failure]]:
    for row in rows:
        try:
            yield from _read_file(row.path, bytes(row.content), row.path in explicit, config)
        except Exception as exc:  # a reader bug on hostile bytes fails this file, not the job
            name = _local_name(row.path)
            yield (name, 0), Failure.of(name, "ingest", exc, f"{name}: unexpected error while reading: "
                                                                         f"{exc!r}")


def _read_records(rows: Iterable[Any]) -> Iterator[tuple[Order, RawDocument]]:
    """Turn Parquet record rows into JSONL-record RawDocuments."""
    from storyline.extract import RECORD_TYPE

    for row in rows:
        data = row.asDict()
        name = _local_name(data.pop("_file"))
        record = {k: v if isinstance(v, str | int | float) else str(v) for k, v in data.items() if v is not None}
        content = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
        raw = RawDocument.from_bytes(name, content, RECORD_TYPE, metadata={"path": name})
        key = f"id={record['id']}" if "id" in record else f"sha256={raw.sha256[:16]}"
        origin = f"{name}#{key}"
        yield (name, 0), RawDocument(origin, raw.content, raw.content_type, raw.sha256, raw.fetched_at, raw.metadata)


def _first(a: tuple[Order, RawDocument, list[tuple[Order, str]]], b: tuple[Order, RawDocument, list[tuple[Order, str]]]
           ) -> tuple[Order, RawDocument, list[tuple[Order, str]]]:
    """Keep the earlier of two inputs with the same content; remember the later ones' origins."""
    first, second = (a, b) if arrival_key(a[0], a[1].origin) <= arrival_key(b[0], b[1].origin) else (b, a)
    return first[0], first[1], sorted([*first[2], *second[2], (second[0], second[1].origin)])


def _extract(items: Iterable[tuple[str, tuple[Order, RawDocument, list[tuple[Order, str]]]]], config: ExtractConfig
             ) -> Iterator[tuple[Any, ...]]:
    """Extract the first input of every content hash; tag each output row with its table (or "duplicates").

    An ``articles`` row carries a third item, the input's ``arrival_key``.

    As in ``Pipeline.extract``: with ``extract.timeout_seconds`` > 0 each document is extracted in a
    worker process (one per task, reused) and a document over the limit, or one that kills the
    worker, becomes a failure row.
    """
    runner = None
    if config.timeout_seconds > 0:
        runner = IsolatedRunner(config.timeout_seconds, "extract.timeout_seconds",
                                preload=("trafilatura", "readability", "lxml.html", "charset_normalizer"))
    try:
        yield from _extract_each(items, config, runner)
    finally:
        if runner is not None:
            runner.close()


def _extract_each(items: Iterable[tuple[str, tuple[Order, RawDocument, list[tuple[Order, str]]]]],
                  config: ExtractConfig, runner: IsolatedRunner | None) -> Iterator[tuple[Any, ...]]:
    for _sha, (order, raw, later) in items:
        extractor = None
        if runner is not None:
            def extractor(doc: RawDocument, runner: IsolatedRunner = runner) -> Article:
                return runner.run(extract_article, doc, config, origin=doc.origin)
        result = extract_or_failure(raw, config, extractor=extractor)
        if isinstance(result, Failure):
            yield "failures", failure_row(result, raw)
            for _later_order, origin in later:
                # as Pipeline.process: the same bad bytes under another name failed too, and says so
                yield "failures", failure_row(Failure(
                    origin, result.stage, result.error_type,
                    f"{origin}: same content as {raw.origin}, which failed: {result.message}", raw.sha256), None)
        else:
            # the arrival key rides along (not written): provenance looks up earlier arrivals only
            yield "articles", article_row(result, raw), arrival_key(order, raw.origin)
            if later:
                yield "duplicates", len(later)  # copies of stored content: skipped, as locally


def _is_parquet(path: str) -> bool:
    return path.rstrip("/").lower().endswith(".parquet")


def _file_status(spark: Any, path: str) -> str:
    """Return "file", "dir" or "missing" for a path on any Hadoop file system."""
    jvm = spark.sparkContext._jvm
    hpath = jvm.org.apache.hadoop.fs.Path(path)
    fs = hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if not fs.exists(hpath):
        return "missing"
    return "file" if fs.getFileStatus(hpath).isFile() else "dir"


def _qualified(spark: Any, path: str) -> str:
    jvm = spark.sparkContext._jvm
    hpath = jvm.org.apache.hadoop.fs.Path(path)
    fs = hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    return str(fs.makeQualified(hpath).toString())


def _remove(spark: Any, path: str) -> None:
    """Delete a folder on any Hadoop file system (nothing if it is missing)."""
    jvm = spark.sparkContext._jvm
    hpath = jvm.org.apache.hadoop.fs.Path(path)
    hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).delete(hpath, True)


def run_spark(inputs: Iterable[str | Path], output: str | Path, *, spark: Any = None, master: str | None = None,
              config: StorylineConfig | None = None, partitions: int | None = None,
              stories: bool = True) -> SparkRunReport:
    """Read, de-duplicate and extract ``inputs`` on Spark, then find provenance, stories, storylines and
    summaries; write every table of ``scale/rows.py``.

    Args:
        inputs: files or folders (JSONL, WARC, ``.txt``/``.html``; ``*.parquet`` record tables), local
            or any Hadoop URI (``hdfs://``, ``s3a://``).
        output: the folder receiving ``articles/`` and ``failures/`` (overwritten).
        spark: a running SparkSession; when None one is started (or joined) on ``master``.
        master: a Spark master URL; None: spark-submit's, else local[*].
        config: the same settings the local pipeline takes.
        partitions: tasks of the extraction and of every later shuffle (default: Spark's default parallelism).
        stories: False stops after extraction (``articles`` and ``failures`` only; ``import`` then
            runs provenance, clustering and summaries locally).
    """
    config = config or StorylineConfig()
    spark = spark or spark_session(master)
    sc = spark.sparkContext
    started = time.perf_counter()
    ingest_config, extract_config = config.ingest, config.extract
    reader_failures: list[tuple[Order, Failure]] = []
    files: list[str] = []
    explicit: set[str] = set()
    record_inputs: list[str] = []
    for item in map(str, inputs):
        status = _file_status(spark, item)
        if status == "missing":
            reader_failures.append(((item, 0), Failure(item, "ingest", "InputError",
                                                       f"{item}: no such file or directory")))
        elif _is_parquet(item):
            record_inputs.append(item)
        else:
            files.append(item)
            if status == "file":
                explicit.add(_qualified(spark, item))
    parts = []
    if files:
        binary = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(files)
        wanted = frozenset(explicit)
        parts.append(binary.select("path", "content").rdd.mapPartitions(
            lambda rows: _read_files(rows, wanted, ingest_config)))
    if record_inputs:
        from pyspark.sql.functions import col, input_file_name

        records = spark.read.parquet(*record_inputs)
        present = [c for c in PARQUET_RECORD_COLUMNS if c in records.columns]
        parts.append(records.select(*[col(c) for c in present], input_file_name().alias("_file"))
                     .rdd.mapPartitions(_read_records))
    if reader_failures:
        parts.append(sc.parallelize(reader_failures, 1))
    read = sc.union(parts) if parts else sc.emptyRDD()
    failed_reads = read.filter(lambda item: isinstance(item[1], Failure)) \
        .map(lambda item: ("failures", failure_row(item[1], None)))
    docs = read.filter(lambda item: isinstance(item[1], RawDocument)) \
        .map(lambda item: (item[1].sha256, (item[0], item[1], [])))
    firsts = docs.reduceByKey(_first, numPartitions=partitions)
    tagged = firsts.mapPartitions(lambda items: _extract(items, extract_config)).union(failed_reads)
    from pyspark import StorageLevel

    tagged.persist(StorageLevel.MEMORY_AND_DISK)
    persisted = [tagged]
    out = str(output).rstrip("/")
    counts: dict[str, int] = {}
    storylines = 0
    try:
        extracted = tagged.filter(lambda item: item[0] in ("articles", "failures"))
        sources = {"articles": [extracted], "failures": [extracted]}  # per table: the RDDs holding its rows
        if stories:
            arrivals = tagged.filter(lambda item: item[0] == "articles").map(_article).persist(
                StorageLevel.MEMORY_AND_DISK)
            articles = arrivals.values()
            provenance = spark_provenance(spark, arrivals, config.provenance, partitions).persist(
                StorageLevel.MEMORY_AND_DISK)
            matches = provenance.filter(lambda item: item[0] == "passage_matches").map(lambda item: item[1])
            later, result = spark_stories(articles, matches, config, partitions)
            later = later.persist(StorageLevel.MEMORY_AND_DISK)
            persisted += [arrivals, provenance, later]
            sources["failures"] += [provenance, later]
            sources.update({"fingerprints": [provenance], "passage_matches": [provenance], "stories": [later],
                            "term_stats": [later], "summaries": [later]})
            sc_rows = {"storylines": result.storyline_rows(), "story_links": result.link_rows()}
            for table, rows in sc_rows.items():
                spark.createDataFrame(rows, spark_schema(table)).coalesce(1).write.mode("overwrite") \
                    .parquet(f"{out}/{table}")
            storylines = len(sc_rows["storylines"])
        if not stories:  # tables of an earlier full run in the same folder would not match these articles
            for table in (*_LATER_TABLES, "storylines", "story_links"):
                _remove(spark, f"{out}/{table}")
        tables = ("articles", "failures", *(_LATER_TABLES if stories else ()))
        for table in tables:
            rows = sc.union([rdd.filter(lambda item, t=table: item[0] == t) for rdd in sources[table]]) \
                .map(lambda item: item[1])
            frame = spark.createDataFrame(rows, spark_schema(table))
            frame.write.mode("overwrite").parquet(f"{out}/{table}")
            counts[table] = spark.read.parquet(f"{out}/{table}").count()
        duplicates = int(tagged.filter(lambda item: item[0] == "duplicates").map(lambda item: item[1]).sum())
    finally:
        for rdd in persisted:
            rdd.unpersist()
    return SparkRunReport(output=out, articles=counts["articles"], failures=counts["failures"],
                          duplicates=duplicates, seconds=time.perf_counter() - started,
                          passage_matches=counts.get("passage_matches", 0), stories=counts.get("stories", 0),
                          storylines=storylines)


_LATER_TABLES = ("fingerprints", "passage_matches", "stories", "term_stats", "summaries")
_ARTICLE_NAMES = tuple(name for name, _kind, _null in ARTICLE_COLUMNS)


def _article(item: tuple[str, tuple[Any, ...], str]) -> tuple[str, Article]:
    """The arrival key and Article of an ``articles`` row (its raw document left behind: later stages
    need the text only)."""
    row = dict(zip(_ARTICLE_NAMES, item[1], strict=True))
    row["raw_content"] = None
    return item[2], row_article(row)[0]
