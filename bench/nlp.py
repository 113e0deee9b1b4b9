"""Speed of the annotate stage: articles/s with spaCy and with the rule fallback, resolution growth.

Usage::

    PYTHONPATH=src python bench/nlp.py [--copies 4]

Annotates the bundled demo corpus plus the shared seeds (when present) ``--copies`` times (ids
made distinct), then resolves all mentions as one story at 1x, 2x, 4x ... the corpus to show how
alias resolution grows. Prints JSON; peak memory from tracemalloc (Python allocations only).
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

from storyline import Pipeline, Store
from storyline.cli import demo_corpus_path
from storyline.config import NlpConfig, StorylineConfig
from storyline.nlp.annotate import Annotator
from storyline.nlp.resolve import resolve_actors


def _articles(tmp: Path) -> list:
    paths = [demo_corpus_path()]
    seeds = Path(__file__).resolve().parents[2] / "shared" / "data" / "seeds"
    if seeds.exists():
        paths += sorted(seeds.glob("*.txt"))
    config = StorylineConfig().replace("nlp", enabled=False)
    with Store(tmp / "bench.db") as store:
        Pipeline(store, config).run(paths)
        return store.articles()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=4)
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        base = _articles(Path(tmp))
    articles = [replace(a, id=f"{a.id}-{i}") for i in range(args.copies) for a in base]
    words = sum(len(a.text.split()) for a in articles)
    report: dict[str, object] = {"articles": len(articles), "words": words}
    for name, config in (("spacy", NlpConfig()), ("rules", NlpConfig(use_spacy=False))):
        annotator = Annotator(config)
        annotator.model.get()  # loading is not part of the throughput
        tracemalloc.start()
        start = time.perf_counter()
        annotations = annotator.annotate(articles)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        report[name] = {"method": annotator.method, "seconds": round(elapsed, 2),
                        "articles_per_s": round(len(articles) / elapsed, 2), "words_per_s": round(words / elapsed),
                        "peak_mb": round(peak / 1e6, 1)}
        growth = {}
        n = len(base)
        while n <= len(articles):
            mentions = [m for a in annotations[:n] for m in a.mentions]
            start = time.perf_counter()
            resolve_actors(mentions, {a.article_id: "story" for a in annotations[:n]}, annotator.aliases)
            growth[n] = {"mentions": len(mentions), "seconds": round(time.perf_counter() - start, 3)}
            n *= 2
        report[name]["resolution_growth"] = growth
    report["spacy_vs_rules_slowdown"] = round(report["spacy"]["seconds"] / report["rules"]["seconds"], 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
