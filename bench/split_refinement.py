"""What cutting stories that grew over two events (``cluster.refine``) changes, and how robust it is.

Streams GoogleNews-TS, GoogleNews-S and ECB+ through ``cluster_articles`` (the evaluation's path:
the event clusterer, the refinement, storyline linking) twice per order, with the refinement off
(``split_bound`` 0) and with the given rule, and prints one JSON line per run: NMI, ARI, B-cubed F1
and the number of stories (ECB+: sub-events for stories, topic B-cubed F1 for storylines).

    python bench/split_refinement.py                        # file order, the defaults of ClusterConfig
    python bench/split_refinement.py --shuffles 5           # also 5 shuffled orders (seeds 0-4)
    python bench/split_refinement.py --threshold-scale 0.8  # join threshold -20 %
    python bench/split_refinement.py --bound 0.45 --min-part 8 --min-share 0.4 --sets ts ecbplus
    python bench/split_refinement.py --limit 2000 --sets ts # the first 2,000 articles only
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyline.config import ClusterConfig  # noqa: E402
from storyline.eval.clustering import (  # noqa: E402
    bcubed_f1,
    cluster_articles,
    load_ecbplus,
    load_googlenews,
    partition_scores,
)
from storyline.eval.common import find_shared_data  # noqa: E402


def main() -> None:
    """Print the scores of each set with the refinement off and on, as JSON lines."""
    defaults = ClusterConfig()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bound", type=float, default=defaults.split_bound)
    parser.add_argument("--min-part", type=int, default=defaults.split_min_part)
    parser.add_argument("--min-share", type=float, default=defaults.split_min_share)
    parser.add_argument("--threshold-scale", type=float, default=1.0, help="multiply the join threshold")
    parser.add_argument("--shuffles", type=int, default=0, help="also run this many shuffled orders")
    parser.add_argument("--limit", type=int, default=None, help="the first N articles of each set")
    parser.add_argument("--sets", nargs="+", default=["ts", "s", "ecbplus"])
    args = parser.parse_args()
    config = dataclasses.replace(defaults, threshold=defaults.threshold * args.threshold_scale,
                                 split_bound=args.bound, split_min_part=args.min_part, split_min_share=args.min_share)
    variants = (("stream", dataclasses.replace(config, split_bound=0.0)), ("refined", config))
    for name in args.sets:
        if name == "ecbplus":
            docs = load_ecbplus(find_shared_data("clustering", "ecbplus"))[:args.limit]
        else:
            docs = load_googlenews(find_shared_data("clustering", "googlenews"), name.upper())[:args.limit]
        orders = [("file order", list(docs))]
        for seed in range(args.shuffles):
            shuffled = list(docs)
            random.Random(seed).shuffle(shuffled)
            orders.append((f"shuffle {seed}", shuffled))
        for label, stream in orders:
            for variant, chosen in variants:
                stories, lines, _speed = cluster_articles([d.article for d in stream], chosen)
                scores = partition_scores([d.event for d in stream], stories)
                if name == "ecbplus":
                    scores["topic_bcubed_f1"] = bcubed_f1([d.topic for d in stream], lines)
                print(json.dumps({"set": name, "order": label, "variant": variant,
                                  **{k: round(v, 4) for k, v in scores.items()}}), flush=True)


if __name__ == "__main__":
    main()
