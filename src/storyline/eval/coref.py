"""Coreference cluster metrics: MUC, B-cubed, CEAF-e and their CoNLL average.

Clusters are given as ``mention -> cluster id`` maps over the same mentions (a mention the
system left out is its own singleton). Definitions follow Pradhan et al. (2014), "Scoring
coreference partitions of predicted mentions: a reference implementation".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping

__all__ = ["bcubed", "ceafe", "conll", "muc"]


def _clusters(assignment: Mapping[Hashable, Hashable]) -> list[set[Hashable]]:
    groups: dict[Hashable, set[Hashable]] = defaultdict(set)
    for mention, cluster in assignment.items():
        groups[cluster].add(mention)
    return list(groups.values())


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(gold: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]) -> tuple[float, float, float]:
    """Return B-cubed precision, recall and F1 (per-mention overlap of its two clusters).

    >>> bcubed({1: "a", 2: "a", 3: "b"}, {1: "x", 2: "y", 3: "y"})
    (0.6666666666666666, 0.6666666666666666, 0.6666666666666666)
    """
    g = {m: c for c in _clusters(gold) for m in c}
    s = {m: c for c in _clusters(predicted) for m in c}
    mentions = list(gold)
    if not mentions:
        return 0.0, 0.0, 0.0
    p = sum(len(g[m] & s[m]) / len(s[m]) for m in mentions) / len(mentions)
    r = sum(len(g[m] & s[m]) / len(g[m]) for m in mentions) / len(mentions)
    return p, r, _f1(p, r)


def _muc_side(keys: list[set[Hashable]], responses: Mapping[Hashable, int]) -> float:
    numerator = denominator = 0
    for cluster in keys:
        parts = {responses[m] for m in cluster}
        numerator += len(cluster) - len(parts)
        denominator += len(cluster) - 1
    return numerator / denominator if denominator else 0.0


def muc(gold: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]) -> tuple[float, float, float]:
    """Return MUC precision, recall and F1 (links kept over links needed)."""
    gold_clusters, predicted_clusters = _clusters(gold), _clusters(predicted)
    gold_id = {m: i for i, c in enumerate(gold_clusters) for m in c}
    predicted_id = {m: i for i, c in enumerate(predicted_clusters) for m in c}
    r = _muc_side(gold_clusters, predicted_id)
    p = _muc_side(predicted_clusters, gold_id)
    return p, r, _f1(p, r)


def ceafe(gold: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]) -> tuple[float, float, float]:
    """Return entity-based CEAF precision, recall and F1 (best one-to-one cluster alignment)."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    gold_clusters, predicted_clusters = _clusters(gold), _clusters(predicted)
    if not gold_clusters or not predicted_clusters:
        return 0.0, 0.0, 0.0
    similarity = np.zeros((len(gold_clusters), len(predicted_clusters)))
    predicted_of = {m: j for j, c in enumerate(predicted_clusters) for m in c}
    for i, g in enumerate(gold_clusters):
        for m in g:
            j = predicted_of.get(m)
            if j is not None and similarity[i, j] == 0:
                s = predicted_clusters[j]
                similarity[i, j] = 2 * len(g & s) / (len(g) + len(s))
    rows, cols = linear_sum_assignment(-similarity)
    total = float(similarity[rows, cols].sum())
    p, r = total / len(predicted_clusters), total / len(gold_clusters)
    return p, r, _f1(p, r)


def conll(gold: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]) -> dict[str, float]:
    """Return MUC, B-cubed and CEAF-e F1 and their average (the CoNLL F1), plus B-cubed P and R."""
    m, b, c = muc(gold, predicted), bcubed(gold, predicted), ceafe(gold, predicted)
    return {"muc_f1": m[2], "bcubed_precision": b[0], "bcubed_recall": b[1], "bcubed_f1": b[2], "ceafe_f1": c[2],
            "conll_f1": (m[2] + b[2] + c[2]) / 3}
