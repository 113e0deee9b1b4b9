"""Speed and memory of storyline's HTML extraction chain vs trafilatura alone, on the same pages, in one run.

Each system runs in a fresh child process (so peak memory is its own: imports, models, parse
trees) over the scrapinghub pages, twice: a warm-up pass that is not timed (imports, the
language model) and a timed pass; the three systems run in interleaved rounds (``--repeats``,
default 3) and the median is reported. Reported: wall and CPU seconds, docs/s, peak resident
memory (ru_maxrss), and the chain's cost as a multiple of each trafilatura baseline, in CPU time
(steadier than wall time on a shared machine) and wall time: the ratio of the medians, and the
median of the per-round ratios (a round runs the three systems back to back).

    python bench/extraction.py [--data PATH] [--limit N] [--repeats R] [--json]

Systems:
- ``storyline``: ``extract_article`` on the raw bytes (decode, trafilatura fast + readability-lxml,
  choice, htmldate, language id, paragraph and sentence offsets);
- ``trafilatura_metadata``: ``trafilatura.bare_extraction(html, with_metadata=True)`` (trafilatura
  alone producing text and metadata, its default fallbacks on);
- ``trafilatura``: ``trafilatura.extract(html)`` (default settings, text only).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import resource
import statistics
import sys
import time
from pathlib import Path


def _run(system: str, data: str, limit: int | None, queue) -> None:  # type: ignore[no-untyped-def]
    from storyline.eval.extraction import load_pages

    pages = load_pages(Path(data), limit)
    if system == "storyline":
        from storyline.errors import StorylineError
        from storyline.extract import extract_article
        from storyline.model import RawDocument

        def work(page) -> None:  # type: ignore[no-untyped-def]
            with contextlib.suppress(StorylineError):  # pages without an article still cost their time
                extract_article(RawDocument.from_bytes(page.id, page.content, "text/html",
                                                       metadata={"url": page.url}))
    elif system == "trafilatura_metadata":
        import trafilatura

        def work(page) -> None:  # type: ignore[no-untyped-def]
            trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)
    else:
        import trafilatura

        def work(page) -> None:  # type: ignore[no-untyped-def]
            trafilatura.extract(page.html)

    for page in pages[:5]:  # warm-up: imports and lazily loaded models are not per-document cost
        work(page)
    start, cpu_start = time.perf_counter(), time.process_time()
    for page in pages:
        work(page)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put({"docs": len(pages), "seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2),
               "docs_per_s": round(len(pages) / elapsed, 2),
               "peak_rss_mb": round(peak_kb / 1024, 1)})


def main() -> None:
    """Run the benchmark and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=str, default=None, help="scrapinghub folder [default: shared data]")
    parser.add_argument("--limit", type=int, default=None, help="use an evenly spaced sample of N pages")
    parser.add_argument("--repeats", type=int, default=3, help="rounds of the three systems, interleaved")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from storyline.eval.extraction import default_data

    data = args.data or str(default_data())
    context = multiprocessing.get_context("spawn")
    runs: dict[str, list[dict]] = {system: [] for system in SYSTEMS}
    for _round in range(args.repeats):  # interleaved, so a busy spell on the machine hits every system
        for system in SYSTEMS:
            queue = context.Queue()
            process = context.Process(target=_run, args=(system, data, args.limit, queue))
            process.start()
            runs[system].append(queue.get())
            process.join()
    results = {system: {**rows[0], **{key: statistics.median(r[key] for r in rows)
                                      for key in ("seconds", "cpu_seconds", "peak_rss_mb")},
                        "docs_per_s": round(rows[0]["docs"] / statistics.median(r["seconds"] for r in rows), 2),
                        "repeats": len(rows)}
               for system, rows in runs.items()}
    for base in SYSTEMS[1:]:
        for key in ("seconds", "cpu_seconds"):
            results["storyline"][f"{key}_vs_{base}"] = round(results["storyline"][key] / results[base][key], 2)
        # the systems of one round ran back to back, so their ratio is steadier than a ratio of medians
        per_round = [ours["cpu_seconds"] / theirs["cpu_seconds"]
                     for ours, theirs in zip(runs["storyline"], runs[base], strict=True)]
        results["storyline"][f"cpu_seconds_vs_{base}_by_round"] = [round(r, 3) for r in per_round]
        results["storyline"][f"cpu_seconds_vs_{base}_median_of_rounds"] = round(statistics.median(per_round), 3)
    if args.json:
        sys.stdout.write(json.dumps(results, indent=2) + "\n")
        return
    print(f"median of {args.repeats} interleaved rounds")
    print(f"{'system':<22}{'docs':>6}{'seconds':>10}{'CPU s':>8}{'docs/s':>9}{'peak MB':>9}")
    for system, row in results.items():
        print(f"{system:<22}{row['docs']:>6}{row['seconds']:>10}{row['cpu_seconds']:>8}{row['docs_per_s']:>9}"
              f"{row['peak_rss_mb']:>9}")
    for base in SYSTEMS[1:]:
        print(f"storyline cost vs {base}: {results['storyline'][f'cpu_seconds_vs_{base}']}x CPU time, "
              f"{results['storyline'][f'seconds_vs_{base}']}x wall time")


SYSTEMS = ("storyline", "trafilatura_metadata", "trafilatura")


if __name__ == "__main__":
    main()
