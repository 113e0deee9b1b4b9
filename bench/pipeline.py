"""Time of the local pipeline, or of its NLP stage alone, on articles generated from real T17 text.

    python bench/pipeline.py [--articles 300] [--stage all|nlp] [--processes 1] [--no-nlp]
        [--copies repeat|distinct|unaligned]

``all``: ``Pipeline.run`` over ``--articles`` T17 records (``bench/t17_corpus.py``; extraction,
provenance, clustering, storylines, summaries, NLP; ``--no-nlp``: without the NLP stage, as the
Spark benchmark runs) into a fresh SQLite store. ``nlp``: the same
records run through the pipeline without NLP first (untimed), then ``Annotator.annotate`` over
all of them in one pass (spaCy when the nlp extra is installed) with ``nlp.processes`` =
``--processes``. Prints JSON: wall seconds, CPU seconds of this process (spaCy workers and the
extraction worker are not counted), articles/s.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from t17_corpus import add_copies_option, load_articles, write_corpus

from storyline import Pipeline, Store
from storyline.config import NlpConfig, StorylineConfig
from storyline.nlp.annotate import Annotator


def main() -> None:
    """Run the chosen stage once and print its timing (JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--stage", choices=("all", "nlp"), default="all")
    parser.add_argument("--processes", type=int, default=1, help="nlp.processes (spaCy worker processes)")
    parser.add_argument("--no-nlp", action="store_true", help="--stage all without the NLP stage")
    add_copies_option(parser)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    corpus = write_corpus(work / "in", args.articles, load_articles(), copies=args.copies)
    # the default configuration unless asked (so the script also times commits from before nlp.processes)
    nlp = NlpConfig() if args.processes == 1 else NlpConfig(processes=args.processes)
    config = StorylineConfig().replace("nlp", **{"processes": args.processes} if args.processes != 1 else {})
    with Store(work / "bench.db") as store:
        if args.stage == "all":
            if args.no_nlp:
                config = config.replace("nlp", enabled=False)
            run = lambda: Pipeline(store, config).run([corpus])  # noqa: E731
        else:
            Pipeline(store, config.replace("nlp", enabled=False)).run([corpus])
            articles = store.articles()
            annotator = Annotator(nlp)
            annotator.annotate(articles[:2])  # loads the model: not per-article cost
            run = lambda: annotator.annotate(articles)  # noqa: E731
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({"stage": args.stage, "nlp": not args.no_nlp, "articles": args.articles,
                      "processes": args.processes,
                      "seconds": round(wall, 1), "cpu_seconds": round(cpu, 1),
                      "articles_per_s": round(args.articles / wall, 2)}))


if __name__ == "__main__":
    main()
