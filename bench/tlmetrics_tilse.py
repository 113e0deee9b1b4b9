"""Our timeline metrics beside tilse's on real timelines (needs `pip install tilse`; not a dependency).

Every pair of gold timelines of one topic (journalist A's timeline scored against journalist B's)
is scored with :mod:`storyline.eval.tlmetrics` (scikit-learn stop list, as the evaluation runs)
and with tilse 0.2.1's ``RougeReimplementation`` (ROUGE-1.5.5's SMART stop list), then once more
with our metrics given tilse's stop list. Prints the mean of each metric's F1 per variant and the
largest absolute difference over the pairs.

    python bench/tlmetrics_tilse.py            # T17 and Crisis topics with several timelines
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from storyline.eval import tlmetrics
from storyline.eval.common import find_shared_data
from storyline.eval.timelines import read_gold

METRICS = ("concat1", "concat2", "align1", "align2", "dates")


def _tilse_scores(pred: dict, gold: dict) -> dict[str, float]:
    from tilse.data.timelines import GroundTruth, Timeline
    from tilse.evaluation.dates import evaluate_dates
    from tilse.evaluation.rouge import TimelineRougeEvaluator

    evaluator = TimelineRougeEvaluator(measures={"rouge_1", "rouge_2"}, rouge_computation="reimpl")
    predicted, truth = Timeline(pred), GroundTruth([Timeline(gold)])
    concat = evaluator.evaluate_concat(predicted, truth)
    align = evaluator.evaluate_align_date_content_costs_many_to_one(predicted, truth)
    return {"concat1": concat["rouge_1"]["f_score"], "concat2": concat["rouge_2"]["f_score"],
            "align1": align["rouge_1"]["f_score"], "align2": align["rouge_2"]["f_score"],
            "dates": evaluate_dates(predicted, truth)["f_score"]}


def _ours(pred: dict, gold: dict, stop_words: frozenset[str]) -> dict[str, float]:
    saved = tlmetrics.STOP_WORDS
    tlmetrics.STOP_WORDS = stop_words
    try:
        scores = tlmetrics.score_timeline(pred, gold)
    finally:
        tlmetrics.STOP_WORDS = saved
    return {m: getattr(scores, m).f1 for m in METRICS}


def main() -> int:
    """Score every pair of gold timelines per topic with both implementations."""
    try:
        import tilse.evaluation.rouge as rouge
    except ImportError:
        print("tilse is not installed: pip install tilse", file=sys.stderr)
        return 1
    smart = frozenset((Path(rouge.__file__).parents[2] / "pyrouge/tools/ROUGE-1.5.5/data/smart_common_words.txt")
                      .read_text().splitlines())
    rows: dict[str, list[dict[str, float]]] = {"ours (sklearn stop list)": [], "ours (SMART stop list)": [],
                                               "tilse 0.2.1 (SMART)": []}
    for data in (find_shared_data("timelines", "t17"), find_shared_data("timelines", "crisis")):
        for path in sorted(data.glob("*/timeline.jsonl")):
            for pred, gold in itertools.permutations(read_gold(path), 2):
                rows["ours (sklearn stop list)"].append(_ours(pred, gold, tlmetrics.STOP_WORDS))
                rows["ours (SMART stop list)"].append(_ours(pred, gold, smart))
                rows["tilse 0.2.1 (SMART)"].append(_tilse_scores(pred, gold))
    pairs = len(rows["tilse 0.2.1 (SMART)"])
    print(f"{pairs} ordered pairs of gold timelines (same topic)")
    print("| variant | " + " | ".join(METRICS) + " | max abs diff to tilse |")
    print("| --- |" + " --- |" * (len(METRICS) + 1))
    for name, scores in rows.items():
        means = [sum(s[m] for s in scores) / pairs for m in METRICS]
        diff = max(abs(a[m] - b[m]) for a, b in zip(scores, rows["tilse 0.2.1 (SMART)"], strict=True) for m in METRICS)
        print(f"| {name} | " + " | ".join(f"{v:.4f}" for v in means) + f" | {diff:.4f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
