"""Speed and memory of storyline's HTML extraction chain vs trafilatura alone, on the same pages, in one run.

Each system runs in a fresh child process (so peak memory is its own: imports, models, parse
trees) over the scrapinghub pages, twice: a warm-up pass that is not timed (imports, the
language model) and a timed pass. Reported: docs/s, peak resident memory (ru_maxrss), and the
chain's cost as a multiple of each trafilatura baseline.

    python bench/extraction.py [--data PATH] [--limit N] [--json]

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
    start = time.perf_counter()
    for page in pages:
        work(page)
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put({"docs": len(pages), "seconds": round(elapsed, 2), "docs_per_s": round(len(pages) / elapsed, 2),
               "peak_rss_mb": round(peak_kb / 1024, 1)})


def main() -> None:
    """Run the benchmark and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=str, default=None, help="scrapinghub folder [default: shared data]")
    parser.add_argument("--limit", type=int, default=None, help="use an evenly spaced sample of N pages")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from storyline.eval.extraction import default_data

    data = args.data or str(default_data())
    context = multiprocessing.get_context("spawn")
    results = {}
    for system in ("storyline", "trafilatura_metadata", "trafilatura"):
        queue = context.Queue()
        process = context.Process(target=_run, args=(system, data, args.limit, queue))
        process.start()
        results[system] = queue.get()
        process.join()
    chain = results["storyline"]["seconds"]
    for base in ("trafilatura_metadata", "trafilatura"):
        results["storyline"][f"cost_vs_{base}"] = round(chain / results[base]["seconds"], 2)
    if args.json:
        sys.stdout.write(json.dumps(results, indent=2) + "\n")
        return
    print(f"{'system':<22}{'docs':>6}{'seconds':>10}{'docs/s':>9}{'peak MB':>9}")
    for system, row in results.items():
        print(f"{system:<22}{row['docs']:>6}{row['seconds']:>10}{row['docs_per_s']:>9}{row['peak_rss_mb']:>9}")
    for base in ("trafilatura_metadata", "trafilatura"):
        print(f"storyline cost vs {base}: {results['storyline'][f'cost_vs_{base}']}x")


if __name__ == "__main__":
    main()
