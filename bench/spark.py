"""Cost of the Spark run (read + de-duplicate + extract + write Parquet) beside the local pipeline.

Input: N JSONL records generated from the real T17 articles of ../shared/data/timelines (read at
run time, written to a temporary folder, never to the repository); record i is article i mod 2,526
with its own id, so every record is distinct content and extraction does the same work as on real
text. Shards of 1,000 records per file, as a crawl would be split.

For every size: the local pipeline (``Pipeline.ingest`` into SQLite, no clustering: the same stages
the Spark run does) and ``run_spark`` on local[1] and local[2] (a fresh session each, started before
the clock), with wall time, docs/s, the 1->2 core speed-up and the shuffle bytes Spark reports
(its REST status API: shuffle write of every stage). Run:
``python bench/spark.py --sizes 2000 10000``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storyline import Pipeline, Store
from storyline.ingest import read_paths
from storyline.scale import run_spark, spark_session

T17 = Path(__file__).resolve().parents[2] / "shared" / "data" / "timelines" / "t17"


def load_articles() -> list[dict]:
    articles = []
    for path in sorted(T17.glob("*/articles.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            articles += [json.loads(line) for line in handle if line.strip()]
    if not articles:
        raise SystemExit(f"no T17 articles under {T17}")
    return articles


def write_corpus(folder: Path, n: int, articles: list[dict], shard: int = 1000) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, n, shard):
        with (folder / f"part-{start // shard:05d}.jsonl").open("w", encoding="utf-8") as handle:
            for i in range(start, min(n, start + shard)):
                base = articles[i % len(articles)]
                record = {"id": f"bench-{i}", "date": base.get("date"), "text": base["text"]}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return folder


def shuffle_bytes(spark) -> int:
    """Shuffle write bytes of every stage of this application, from Spark's REST status API."""
    sc = spark.sparkContext
    url = f"{sc.uiWebUrl}/api/v1/applications/{sc.applicationId}/stages"
    with urllib.request.urlopen(url, timeout=30) as response:
        return sum(stage.get("shuffleWriteBytes", 0) for stage in json.load(response))


def bench_local(corpus: Path, work: Path) -> tuple[float, int]:
    started = time.perf_counter()
    with Store(work / "local.db") as store:
        report = Pipeline(store).ingest(read_paths([corpus]))
    return time.perf_counter() - started, len(report.ingested)


def bench_spark(corpus: Path, work: Path, cores: int) -> tuple[float, int, int]:
    spark = spark_session(f"local[{cores}]", f"storyline-bench-{cores}", {"spark.ui.enabled": "true"})
    try:
        spark.range(1).count()  # JVM and session warm, so the clock measures the run
        before = shuffle_bytes(spark)
        report = run_spark([corpus], work / f"out-{cores}", spark=spark)
        return report.seconds, report.articles, shuffle_bytes(spark) - before
    finally:
        spark.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    args = parser.parse_args()
    articles = load_articles()
    print("| articles | system | seconds | docs/s | speed-up vs local[1] | shuffle MB | articles out |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            corpus = write_corpus(work / "corpus", n, articles)
            seconds, count = bench_local(corpus, work)
            print(f"| {n:,} | local pipeline (1 process) | {seconds:.1f} | {n / seconds:.0f} | | | {count:,} |",
                  flush=True)
            one = None
            for cores in (1, 2):
                seconds, count, shuffled = bench_spark(corpus, work, cores)
                one = one or seconds
                print(f"| {n:,} | spark local[{cores}] | {seconds:.1f} | {n / seconds:.0f} | {one / seconds:.2f} | "
                      f"{shuffled / 1e6:.1f} | {count:,} |", flush=True)


if __name__ == "__main__":
    main()
