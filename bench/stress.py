"""Stress run: a large generated corpus of valid and hostile inputs, kill -9 trials, isolation overhead.

    python bench/stress.py                      # full run: 10,000 inputs, 20 kill trials on 2,000 inputs
    python bench/stress.py --inputs 500 --kill-trials 3 --kill-inputs 500   # about what CI runs

Prints a JSON report (``--out FILE`` also writes it): inputs, failures by reason, lost documents,
store problems, docs/s, peak RSS of the ingest process and of its extraction worker, kill trials
passed, and the cost of running extraction in a worker process (demo corpus, timeout on vs off).
Every ingest runs the real CLI (``python -m storyline ingest``) in a subprocess.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.crash import KILL_WHEN, ingest_command, kill_trial, patient_config  # noqa: E402
from tests.fuzz_corpus import ARTICLE, DUPLICATE, Sizes, generate_corpus, store_contents, verify  # noqa: E402

from storyline import Failure, Store, StorylineConfig, StorylineError, read_paths  # noqa: E402
from storyline.cli import demo_corpus_path  # noqa: E402
from storyline.ingest import CONTENT_TYPES  # noqa: E402
from storyline.store import check_store  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def _ingest(corpus_root: Path, db: Path, config: Path | None = None) -> tuple[float, int]:
    """Run the CLI ingest to completion; return (seconds, peak RSS in KB of the ingest process)."""
    started = time.monotonic()
    process = subprocess.Popen(ingest_command(corpus_root, db, config), env=ENV, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"ingest failed ({process.returncode}): {process.stderr.read().decode()[-2000:]}")
    return time.monotonic() - started, usage.ru_maxrss


def full_run(workdir: Path, inputs: int, seed: int) -> dict[str, object]:
    """Ingest a generated corpus once and check every guarantee."""
    started = time.monotonic()
    corpus = generate_corpus(workdir / "corpus", inputs, seed=seed, sizes=Sizes())
    generated = time.monotonic() - started
    db = workdir / "full.db"
    seconds, ingest_rss = _ingest(corpus.root, db)
    children_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with Store(db) as store:
        problems, failures_by_type = verify(corpus, store, CONTENT_TYPES)
        store_problems = check_store(store)
        articles = store.count_articles()
        failures_by_stage: dict[str, int] = {}
        for f in store.failures():
            failures_by_stage[f.stage] = failures_by_stage.get(f.stage, 0) + 1
    valid = [e for e in corpus.expected if e.outcome in (ARTICLE, DUPLICATE)]
    lost = sum(1 for p in problems if "valid input not stored" in p)
    return {
        "inputs": len(corpus.expected), "cases": corpus.cases(), "valid_inputs": len(valid),
        "articles_stored": articles, "lost_documents": lost, "failures_by_reason": failures_by_type,
        "time_limit_hits": failures_by_type.get("TimeLimitError", 0),
        "worker_crashes": failures_by_type.get("WorkerCrashError", 0),
        "failures_by_stage": failures_by_stage, "guarantee_problems": problems[:50],
        "store_problems": store_problems[:50], "generate_seconds": round(generated, 1),
        "ingest_seconds": round(seconds, 1), "inputs_per_second": round(len(corpus.expected) / seconds, 1),
        "peak_rss_mb_ingest_process": round(ingest_rss / 1024, 1),
        "peak_rss_mb_any_child": round(children_rss / 1024, 1),
    }


def kill_trials(workdir: Path, inputs: int, trials: int, seed: int, jobs: int = 1) -> dict[str, object]:
    """Kill the ingest at chosen points, check the store, re-run, compare every table with a clean run.

    Trials rotate over four kinds of kill point: while documents are stored (at a random share of
    the articles), right after the clustering pass committed, while actors are analysed (at a random
    share of the annotations), and at a random time anywhere in the run. ``jobs`` trials run at once
    (each on its own database; the points are drawn before any trial starts, so they do not depend
    on ``jobs``).
    """
    # heavy inputs stay small and the time limit is out of reach (patient_config): an input near
    # extract.timeout_seconds fails in one run and not in the next on a busy machine (the limit is
    # wall time), and the trials compare runs exactly; the full run covers heavy inputs and the limit
    sizes = Sizes(big_page_bytes=1 << 20, nest_depth=2_000, huge_attribute_bytes=100_000, bomb_bytes=1 << 20,
                  heavy_every=10**9)
    corpus = generate_corpus(workdir / "kill-corpus", inputs, seed=seed + 1, sizes=sizes)
    reference, config = workdir / "reference.db", patient_config(workdir)
    duration, _ = _ingest(corpus.root, reference, config)
    expected = store_contents(reference)
    n_articles = len(expected["articles"])
    rng = random.Random(seed)
    points: list[tuple[str, float | None, str | None]] = []
    for trial in range(trials):
        kind = ("mid-ingest", "clustered", "annotating", "random")[trial % 4]
        if kind == "random":
            delay = rng.uniform(0.02, 1.0) * duration
            points.append((f"random {delay:.1f}s", delay, None))
        else:
            n = max(1, int(rng.uniform(0.05, 0.95) * n_articles))
            points.append((f"{kind} ({n})" if kind != "clustered" else kind, None, KILL_WHEN[kind].format(n=n)))

    def run(trial: int) -> dict[str, object]:
        db = workdir / f"killed-{trial}.db"
        point, delay, when = points[trial]
        result = kill_trial(corpus.root, db, expected, point=point, after=delay, when=when, config=config)
        row = {"trial": trial, "point": result.point, "killed": result.killed,
               "articles_at_kill": result.articles_at_kill, "problems_after_kill": result.problems_after_kill[:5],
               "problems_after_rerun": result.problems_after_rerun[:5], "differences": result.differences[:5],
               "passed": result.passed}
        db.unlink()
        print(f"kill trial {trial}: {row}", file=sys.stderr, flush=True)
        return row

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:  # each trial is subprocesses: threads suffice
        results = list(pool.map(run, range(trials)))
    return {"inputs": len(corpus.expected), "articles": n_articles, "clean_run_seconds": round(duration, 1),
            "trials": trials, "killed_mid_run": sum(r["killed"] for r in results),
            "passed": sum(r["passed"] for r in results), "points": [r["point"] for r in results],
            "failed_trials": [r for r in results if not r["passed"]]}


def isolation_overhead(repeats: int) -> dict[str, object]:
    """Extract the demo corpus in a worker process (the default) and in-process, interleaved; medians.

    Only extraction is timed (the store is not involved), so the difference is the worker's cost:
    pickling each document and its article through a pipe.
    """
    from storyline.extract import extract_article
    from storyline.isolation import IsolatedRunner

    docs = [d for d in read_paths([demo_corpus_path()]) if not isinstance(d, Failure)]
    config = StorylineConfig().extract
    worker, direct = [], []
    with IsolatedRunner(30.0) as runner:
        for _ in range(repeats):
            for name, times in (("worker", worker), ("direct", direct)):
                started = time.perf_counter()
                for doc in docs:
                    with contextlib.suppress(StorylineError):  # the demo's broken file fails on both paths
                        runner.run(extract_article, doc, config) if name == "worker" else extract_article(doc, config)
                times.append(time.perf_counter() - started)
    med_worker, med_direct = statistics.median(worker), statistics.median(direct)
    return {"documents": len(docs), "repeats": repeats, "median_seconds_worker_process": round(med_worker, 3),
            "median_seconds_in_process": round(med_direct, 3),
            "overhead_ms_per_document": round(1000 * (med_worker - med_direct) / len(docs), 2),
            "overhead_percent": round(100 * (med_worker / med_direct - 1), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--kill-inputs", type=int, default=2_000)
    parser.add_argument("--kill-trials", type=int, default=20)
    parser.add_argument("--kill-jobs", type=int, default=1, help="kill trials run at once")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--overhead-repeats", type=int, default=15)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--workdir", type=Path, help="keep files here (default: a temporary folder, removed)")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="storyline-stress-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        report: dict[str, object] = {"command": " ".join(["python", "bench/stress.py", *sys.argv[1:]])}
        if args.overhead_repeats:
            report["isolation_overhead"] = isolation_overhead(args.overhead_repeats)
            print(f"overhead: {report['isolation_overhead']}", file=sys.stderr, flush=True)
        if args.inputs:
            report["full_run"] = full_run(workdir, args.inputs, args.seed)
            print(f"full run: {report['full_run']}", file=sys.stderr, flush=True)
        if args.kill_trials:
            report["kill_trials"] = kill_trials(workdir, args.kill_inputs, args.kill_trials, args.seed, args.kill_jobs)
        report["peak_rss_mb_bench_process"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
