"""Streaming cost of the event clusterer: docs/s, peak memory and active window from 10k to 1M.

Real text from ../shared/data/clustering (GoogleNews TS and S snippets, ECB+ articles), cycled
and re-dated so the stream spreads evenly over months (``--per-day`` articles a day). Each size
runs in a fresh process so peak RSS is its own. Two baselines show what the window saves: the
"unbounded" run is the same clusterer with no window (every story stays a candidate), and
``--baseline N`` times the brute-force single-pass clusterer of the evaluation (every article
compared with every story so far, on a batch TF-IDF) on the first N articles of the same stream.
Every run reports ``brute_force_comparisons_per_doc``: the stories a brute-force single pass
would compare each article with (all stories created so far), beside our postings touched.

    python bench/clustering.py --sizes 10000 100000 1000000 --baseline 5000 10000 20000
    python bench/clustering.py --sizes 40000 --fresh-cycles [--unbounded]
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import re
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyline.cluster import EventClusterer, TermStats  # noqa: E402
from storyline.cluster.online import story_id_for  # noqa: E402
from storyline.config import ClusterConfig  # noqa: E402
from storyline.eval.common import find_shared_data  # noqa: E402
from storyline.model import Article, ArticleDate  # noqa: E402

_WORD = re.compile(r"[^\W\d_]+")


def _texts() -> list[str]:
    texts = []
    news = find_shared_data("clustering", "googlenews")
    for variant in ("TS", "S"):
        with gzip.open(news / f"{variant}.jsonl.gz", "rt", encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle]
    with gzip.open(find_shared_data("clustering", "ecbplus") / "documents.jsonl.gz", "rt", encoding="utf-8") as h:
        texts += [json.loads(line)["text"] for line in h]
    return texts


def stream(n: int, per_day: int, fresh_cycles: bool = False) -> Iterator[Article]:
    """Yield ``n`` re-dated articles cycling through the shared texts.

    With ``fresh_cycles`` every pass over the texts marks its words (``word`` -> ``wordx2``), so
    later passes are new events rather than repeats of stories already open.
    """
    texts = _texts()
    start = date(2020, 1, 1)
    for i in range(n):
        day = (start + timedelta(days=i // per_day)).isoformat()
        text = texts[i % len(texts)]
        cycle = i // len(texts)
        if fresh_cycles and cycle:
            text = _WORD.sub(lambda m, c=cycle: f"{m.group()}x{c}", text)
        yield Article(id=f"a-{i:016x}", raw_sha256="", origin=f"bench#{i}", text=text,
                      date=ArticleDate(day, "day", False, "bench"))


def run_one(n: int, per_day: int, unbounded: bool, fresh_cycles: bool = False) -> dict[str, float]:
    """Cluster a stream of ``n`` articles; return speed, memory and window figures."""
    config = ClusterConfig()
    if unbounded:
        config = dataclasses.replace(config, max_active=10**9, window_days=10**6)
    clusterer = EventClusterer(config, TermStats())
    checkpoints = []
    start = last = time.perf_counter()
    cpu = time.process_time()
    last_cmp = 0
    last_cpu = cpu
    brute = brute_step = stories = 0  # a brute-force single pass compares each article with every story so far
    step = max(n // 10, 1)
    for i, article in enumerate(stream(n, per_day, fresh_cycles), start=1):
        brute += stories
        if clusterer.add(article) == story_id_for(article):
            stories += 1
        if i % step == 0:
            now, now_cpu = time.perf_counter(), time.process_time()
            checkpoints.append({"docs": i, "docs_per_s": round(step / (now - last)),
                                "cpu_us_per_doc": round(1e6 * (now_cpu - last_cpu) / step),
                                "comparisons_per_doc": round((clusterer.comparisons - last_cmp) / step, 1),
                                "brute_force_comparisons_per_doc": round((brute - brute_step) / step),
                                "active": len(clusterer.active),
                                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)})
            print(json.dumps(checkpoints[-1]), file=sys.stderr, flush=True)  # progress of long runs
            last, last_cmp, last_cpu, brute_step = now, clusterer.comparisons, now_cpu, brute
    elapsed = time.perf_counter() - start
    return {"docs": n, "unbounded": unbounded, "fresh_cycles": fresh_cycles, "docs_per_s": round(n / elapsed),
            "seconds": round(elapsed, 1),
            "cpu_docs_per_s": round(n / (time.process_time() - cpu)),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "active_stories": len(clusterer.active), "index_postings": clusterer.index_size(),
            "vocabulary": len(clusterer.stats.df), "stories_closed": len(clusterer.evicted),
            "comparisons_per_doc": round(clusterer.comparisons / n, 1),
            "brute_force_comparisons_per_doc": round(brute / n), "stories_founded": stories, "curve": checkpoints}


def run_baseline(n: int, per_day: int) -> dict[str, float]:
    """Time the brute-force single-pass baseline (batch TF-IDF, threshold 0.15) on ``n`` articles."""
    from storyline.eval.clustering import _tfidf, single_pass

    articles = list(stream(n, per_day))
    start = time.perf_counter()
    matrix = _tfidf(articles)
    fitted = time.perf_counter()
    cpu = time.process_time()
    labels = single_pass(matrix, ClusterConfig().threshold)
    elapsed = time.perf_counter() - fitted
    return {"baseline": "singlepass_bruteforce", "docs": n, "docs_per_s": round(n / elapsed),
            "cpu_docs_per_s": round(n / (time.process_time() - cpu)), "tfidf_seconds": round(fitted - start, 1),
            "stories": len(set(labels)),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    """Run each size in its own process and print one JSON line per run."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--per-day", type=int, default=2_000, help="articles per day of the re-dated stream")
    parser.add_argument("--unbounded", action="store_true", help="baseline: no active window")
    parser.add_argument("--fresh-cycles", action="store_true", help="each pass over the texts is new events")
    parser.add_argument("--baseline", type=int, nargs="*", default=[],
                        help="also time the brute-force single pass on the first N articles")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--one-baseline", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.per_day, args.unbounded, args.fresh_cycles)))
        return
    if args.one_baseline:
        print(json.dumps(run_baseline(args.one_baseline, args.per_day)))
        return
    for n in args.baseline:
        command = [sys.executable, __file__, "--one-baseline", str(n), "--per-day", str(args.per_day)]
        print(subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip(), flush=True)
    for n in args.sizes:
        command = [sys.executable, __file__, "--one", str(n), "--per-day", str(args.per_day)]
        command += [flag for flag, on in (("--unbounded", args.unbounded), ("--fresh-cycles", args.fresh_cycles)) if on]
        out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
        print(out.strip(), flush=True)


if __name__ == "__main__":
    main()
