"""Cost of the Spark run beside the local pipeline, and how close their results are.

Input: N JSONL records generated from the real T17 articles of ../shared/data/timelines (read at
run time, written to a temporary folder, never to the repository); record i is article i mod 2,526
with its own id and date, so every record is distinct content (beyond 2,526 the texts repeat, so
provenance then also finds the copies; with ``--copies distinct`` or ``unaligned`` each later copy
gets a vocabulary of its own instead, see ``t17_corpus.py``). Shards of 1,000 records per file, as a
crawl would be split.

For every size: the local pipeline (``Pipeline.run``: ingest, provenance, clustering, storylines,
summaries into SQLite; with ``--extract-only`` just ``Pipeline.ingest`` without provenance) and
``run_spark`` (the same stages; ``stories=False`` with ``--extract-only``) on local[1] and local[2]
(a fresh session each, started before the clock), with wall time, docs/s, the 1->2 core speed-up
and the shuffle bytes Spark reports (its REST status API: shuffle write of every stage). After the
local[2] run its output is imported into a fresh store and compared with the local store
(``scale.equivalence``: same articles, same provenance pairs, story and storyline B-cubed F1).
With ``--work DIR`` the corpus, the local store and the Spark outputs stay in ``DIR/<size>``, so
a size too large to run both systems in one sitting can be run in two (``--no-local``, then
``--cores`` with no value: the local pipeline, compared with the kept ``out-2``).
Run: ``python bench/spark.py --sizes 2526``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from t17_corpus import add_copies_option, load_articles, write_corpus

from storyline import Pipeline, Store
from storyline.config import StorylineConfig
from storyline.ingest import read_paths
from storyline.scale import compare_stores, import_output, run_spark, spark_session


def stages(spark) -> list[dict] | None:
    """Every stage of this application from Spark's REST status API (None: no answer)."""
    sc = spark.sparkContext
    url = f"{sc.uiWebUrl}/api/v1/applications/{sc.applicationId}/stages"
    try:
        with urllib.request.urlopen(url, timeout=300) as response:
            return json.load(response)
    except OSError:  # a timed-out status API must not lose the measured run
        return None


def shuffle_bytes(listed: list[dict] | None) -> int | None:
    """Shuffle write bytes of the listed stages (None: the status API did not answer)."""
    return None if listed is None else sum(stage.get("shuffleWriteBytes", 0) for stage in listed)


def print_stage_times(listed: list[dict], top: int = 8) -> None:
    """The stages that took most executor time (where a run's cost goes), as Markdown lines."""
    busiest = sorted(listed, key=lambda st: -st.get("executorRunTime", 0))[:top]
    for st in busiest:
        print(f"  stage {st['stageId']} ({st.get('numTasks', '?')} tasks, {st.get('name', '')[:60]}): "
              f"{st.get('executorRunTime', 0) / 1000:.0f} executor-s, shuffle write "
              f"{st.get('shuffleWriteBytes', 0) / 1e6:.0f} MB, spilled to disk "
              f"{st.get('diskBytesSpilled', 0) / 1e6:.0f} MB", flush=True)


def bench_local(corpus: Path, work: Path, full: bool) -> tuple[float, int]:
    started = time.perf_counter()
    with Store(work / "local.db") as store, Pipeline(store, CONFIG) as pipeline:
        report = pipeline.run([corpus]) if full else pipeline.ingest(read_paths([corpus]))
    return time.perf_counter() - started, len(report.ingested)


def bench_spark(corpus: Path, work: Path, cores: int, full: bool, memory: str | None = None,
                verbose: bool = False, worker_memory: str | None = None) -> tuple[float, int, int | None, int]:
    conf = {"spark.ui.enabled": "true", **({"spark.driver.memory": memory} if memory else {}),
            **({"spark.python.worker.memory": worker_memory} if worker_memory else {})}
    spark = spark_session(f"local[{cores}]", f"storyline-bench-{cores}", conf)
    try:
        spark.range(1).count()  # JVM and session warm, so the clock measures the run
        before = shuffle_bytes(stages(spark)) or 0
        report = run_spark([corpus], work / f"out-{cores}", spark=spark, config=CONFIG, stories=full)
        listed = stages(spark)
        after = shuffle_bytes(listed)
        if verbose:
            print_stage_times(listed or [])
        return report.seconds, report.articles, None if after is None else after - before, report.stories
    finally:
        spark.stop()


CONFIG = StorylineConfig().replace("nlp", enabled=False)  # actor annotation is not part of the Spark run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2526])
    parser.add_argument("--extract-only", action="store_true", help="time reading and extraction only")
    parser.add_argument("--cores", type=int, nargs="*", default=[1, 2],
                        help="Spark local[N] runs (none: the local pipeline only, compared with out-2 of --work)")
    parser.add_argument("--work", default=None,
                        help="keep the corpus, the local store and the Spark outputs in WORK/<size> (default: a "
                             "temporary folder); a later run can compare a local pipeline with a kept Spark output")
    parser.add_argument("--driver-memory", default=None,
                        help="spark.driver.memory (local mode: the one JVM heap; the default 1g ran out at 100k)")
    parser.add_argument("--python-worker-memory", default=None,
                        help="spark.python.worker.memory: what a Python worker holds before spilling a group-by "
                             "to disk (Spark's default 512m)")
    parser.add_argument("--stages", action="store_true",
                        help="after each Spark run, print the stages that took most executor time")
    parser.add_argument("--no-local", action="store_true",
                        help="Spark only: no local pipeline run and no comparison (sizes too large to run both)")
    add_copies_option(parser)
    args = parser.parse_args()
    full = not args.extract_only
    articles = load_articles()
    print("| articles | system | seconds | docs/s | speed-up vs local[1] | shuffle MB | articles out | stories |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        if args.work:
            run_size(n, Path(args.work) / str(n), articles, args, full)
            continue
        with tempfile.TemporaryDirectory() as tmp:
            run_size(n, Path(tmp), articles, args, full)


def fresh_store(path: Path) -> None:
    """Remove a store kept by an earlier run (with its SQLite journal files)."""
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def run_size(n: int, work: Path, articles: list[dict], args: argparse.Namespace, full: bool) -> None:
    """Benchmark one corpus size in ``work``: print the table rows, then the equivalence check."""
    corpus = write_corpus(work / "corpus", n, articles, copies=args.copies)
    if not args.no_local:
        fresh_store(work / "local.db")
        seconds, count = bench_local(corpus, work, full)
        with Store(work / "local.db") as store:
            local_stories = len(store.stories())
        print(f"| {n:,} | local pipeline (1 process) | {seconds:.1f} | {n / seconds:.1f} | | | {count:,} | "
              f"{local_stories:,} |", flush=True)
    one = None
    for cores in args.cores:
        seconds, count, shuffled, stories = bench_spark(corpus, work, cores, full, args.driver_memory,
                                                      args.stages, args.python_worker_memory)
        one = one or seconds
        print(f"| {n:,} | spark local[{cores}] | {seconds:.1f} | {n / seconds:.1f} | {one / seconds:.2f} | "
              f"{'?' if shuffled is None else f'{shuffled / 1e6:.1f}'} | {count:,} | {stories:,} |", flush=True)
    # the last core count's output (of this run, or of an earlier one kept with --work)
    output = work / f"out-{args.cores[-1] if args.cores else 2}"
    if full and not args.no_local and output.exists():
        fresh_store(work / "spark.db")
        with Store(work / "local.db") as local, Store(work / "spark.db") as imported:
            started = time.perf_counter()
            import_output(output, imported, CONFIG)
            print(f"import of {output.name}: {time.perf_counter() - started:.1f} s", flush=True)
            print(compare_stores(local, imported), flush=True)

if __name__ == "__main__":
    main()
