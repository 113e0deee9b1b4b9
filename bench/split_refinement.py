"""Experiment: would bisecting finished stories reach issue 6's goals? (not yet in the product)

The online clusterer joins an article to a story whenever its cosine with the story's centroid
passes the join threshold, so two events that share names (a music video and its parody; a
team's game and its star's contract) can grow into one story article by article. This script
measures a refinement that runs after the stream: every story of at least ``2 · --min-part``
articles is cut in two by spherical 2-means over its members' TF-IDF vectors (computed with the
document frequencies at the end of the stream), and the cut is kept when each half holds at least
``--min-part`` articles and ``--min-share`` of the story, and the halves' centroids have a cosine
below ``--bound``. The refined stories are then linked into storylines as the pipeline does.

It streams GoogleNews-TS, GoogleNews-S and ECB+ through ``EventClusterer`` with the defaults of
``ClusterConfig`` (the evaluation's ``cluster_articles`` path) and prints, per set, the scores
before and after the refinement (ECB+: sub-events for stories, topics for storylines).

    python bench/split_refinement.py                       # file order, the defaults below
    python bench/split_refinement.py --shuffles 5          # also 5 shuffled orders (seeds 0-4)
    python bench/split_refinement.py --threshold-scale 0.8 # join threshold -20 %
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import random
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyline.cluster import EventClusterer  # noqa: E402
from storyline.cluster.features import default_entity_terms, raw_terms  # noqa: E402
from storyline.cluster.online import StoryState  # noqa: E402
from storyline.cluster.storylines import StoryNode, link_storylines  # noqa: E402
from storyline.config import ClusterConfig  # noqa: E402
from storyline.eval.clustering import LabelledDoc, bcubed_f1, load_ecbplus, load_googlenews, partition_scores  # noqa: E402
from storyline.eval.common import find_shared_data  # noqa: E402


@dataclasses.dataclass(frozen=True)
class SplitRule:
    """When a story is cut in two."""

    min_part: int = 6
    min_share: float = 0.3
    bound: float = 0.5


def bisect(vectors: Sequence[dict[str, float]], rule: SplitRule, iterations: int = 10) -> np.ndarray | None:
    """Return 0/1 labels cutting the members in two, or None when the rule keeps the story whole.

    Spherical 2-means, seeded with the member least like the centroid and the member least like it.
    """
    n = len(vectors)
    if n < 2 * rule.min_part:
        return None
    columns: dict[str, int] = {}
    rows, cols, values = [], [], []
    for i, vector in enumerate(vectors):
        for term, weight in vector.items():
            rows.append(i)
            cols.append(columns.setdefault(term, len(columns)))
            values.append(weight)
    matrix = sparse.csr_matrix((values, (rows, cols)), shape=(n, len(columns) + 1))
    centroid = np.asarray(matrix.sum(axis=0)).ravel()
    first = int(np.argmin(matrix @ centroid))
    second = int(np.argmin((matrix @ matrix[first].T).toarray().ravel()))
    centres = np.vstack([matrix[first].toarray(), matrix[second].toarray()])
    labels = np.zeros(n, dtype=int)
    for step in range(iterations):
        new = np.asarray((matrix @ centres.T).argmax(axis=1)).ravel()
        if step and (new == labels).all():
            break
        labels = new
        for k in (0, 1):
            if (labels == k).any():
                total = np.asarray(matrix[labels == k].sum(axis=0)).ravel()
                centres[k] = total / (np.linalg.norm(total) or 1.0)
    smaller = min(int(labels.sum()), n - int(labels.sum()))
    if smaller < max(rule.min_part, rule.min_share * n) or float(centres[0] @ centres[1]) >= rule.bound:
        return None
    return labels


def _node(story_id: str, vectors: Sequence[dict[str, float]], days: Sequence[int], terms: int) -> StoryNode:
    total: dict[str, float] = {}
    for vector in vectors:
        for term, weight in vector.items():
            total[term] = total.get(term, 0.0) + weight
    norm = math.sqrt(sum(w * w for w in total.values()))
    state = StoryState(story_id, total, norm, len(vectors), 0, 0, min(days, default=None), max(days, default=None))
    return StoryNode.from_state(state, terms)


def run(docs: Sequence[LabelledDoc], config: ClusterConfig, rule: SplitRule | None, topics: bool) -> dict[str, float]:
    """Stream ``docs``, refine the stories with ``rule`` (None: not at all) and score them.

    ``topics``: also link the stories into storylines and score those against the gold topics.
    """
    clusterer = EventClusterer(config)
    counts = {}
    for doc in docs:
        counts[doc.article.id] = raw_terms(doc.article, default_entity_terms, config.title_weight)
        clusterer.add(doc.article, counts[doc.article.id])
    partition = clusterer.partition()
    members: dict[str, list[LabelledDoc]] = defaultdict(list)
    for doc in docs:
        members[partition[doc.article.id]].append(doc)
    story_of: dict[str, str] = {}
    nodes = []
    splits = 0
    for story_id, group in sorted(members.items()):
        vectors = [clusterer.stats.vector(counts[d.article.id]) for d in group]
        labels = bisect(vectors, rule) if rule else None
        parts = [np.zeros(len(group), dtype=int)] if labels is None else [labels == labels[0], labels != labels[0]]
        splits += labels is not None
        for k, mask in enumerate(parts):
            part_id = story_id if k == 0 else f"{story_id}/{k}"
            chosen = [i for i in range(len(group)) if mask[i]] if labels is not None else range(len(group))
            for i in chosen:
                story_of[group[i].article.id] = part_id
            days = [group[i].article.day.toordinal() for i in chosen if group[i].article.day]
            nodes.append(_node(part_id, [vectors[i] for i in chosen], days, config.centroid_terms))
    stories = [story_of[d.article.id] for d in docs]
    scores = partition_scores([d.event for d in docs], stories)
    scores["splits"] = float(splits)
    if topics:
        lines = link_storylines(nodes, config)
        scores["topic_bcubed_f1"] = bcubed_f1([d.topic for d in docs], [lines.storyline_of[s] for s in stories])
    return scores


def main() -> None:
    """Print the scores of each set before and after the refinement, as JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bound", type=float, default=SplitRule.bound)
    parser.add_argument("--min-part", type=int, default=SplitRule.min_part)
    parser.add_argument("--min-share", type=float, default=SplitRule.min_share)
    parser.add_argument("--threshold-scale", type=float, default=1.0, help="multiply the join threshold")
    parser.add_argument("--shuffles", type=int, default=0, help="also run this many shuffled orders")
    parser.add_argument("--sets", nargs="+", default=["ts", "s", "ecbplus"])
    args = parser.parse_args()
    rule = SplitRule(args.min_part, args.min_share, args.bound)
    base = ClusterConfig()
    config = dataclasses.replace(base, threshold=base.threshold * args.threshold_scale)
    for name in args.sets:
        if name == "ecbplus":
            docs = load_ecbplus(find_shared_data("clustering", "ecbplus"))
        else:
            docs = load_googlenews(find_shared_data("clustering", "googlenews"), name.upper())
        orders = [("file order", list(docs))]
        for seed in range(args.shuffles):
            shuffled = list(docs)
            random.Random(seed).shuffle(shuffled)
            orders.append((f"shuffle {seed}", shuffled))
        for label, stream in orders:
            for variant, chosen in (("stream", None), ("refined", rule)):
                scores = {k: round(v, 4) for k, v in run(stream, config, chosen, name == "ecbplus").items()}
                print(json.dumps({"set": name, "order": label, "variant": variant, **scores}), flush=True)


if __name__ == "__main__":
    main()
