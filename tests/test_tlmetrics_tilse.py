"""Cross-check of our timeline metrics against tilse itself (skipped where tilse is not installed).

tilse is not a dependency (it pulls textacy, spaCy and numba). Where it is installed, its own
``RougeReimplementation`` (with ROUGE-1.5.5's SMART stop list, which it ships) and our metrics must
agree on every number once our stop list is swapped for the same SMART list: that is the only
documented deviation of :mod:`storyline.eval.tlmetrics`.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from storyline.eval import tlmetrics

_WORDS = [
    "protesters", "gather", "in", "tahrir", "square", "the", "government", "shuts", "down", "internet",
    "mubarak", "resigns", "as", "president", "of", "a", "and", "on", "army", "tanks", "cairo", "talks",
    "fail", "rebels", "seize", "town", "-lrb-", "-rrb-", "?", ",", ".", "``", "''", "-", "said",
    "officials", "killed", "wounded", "ceasefire", "vote", "parliament",
]


def _timeline(rng: random.Random, start: date, dates: int, span: int) -> dict[date, list[str]]:
    days = sorted(rng.sample(range(span), dates))
    return {start + timedelta(days=d): [" ".join(rng.choices(_WORDS, k=rng.randint(3, 14)))
                                        for _ in range(rng.randint(1, 3))] for d in days}


@pytest.fixture(scope="module")
def tilse_modules():
    rouge = pytest.importorskip("tilse.evaluation.rouge")
    dates = pytest.importorskip("tilse.evaluation.dates")
    timelines = pytest.importorskip("tilse.data.timelines")
    smart = Path(rouge.__file__).parents[2] / "pyrouge/tools/ROUGE-1.5.5/data/smart_common_words.txt"
    if not smart.exists():
        pytest.skip("tilse's ROUGE stop list is not installed")
    return rouge, dates, timelines, frozenset(smart.read_text().splitlines())


def test_metrics_equal_tilse_with_the_same_stop_list(tilse_modules, monkeypatch):
    rouge, dates, timelines, smart = tilse_modules
    monkeypatch.setattr(tlmetrics, "STOP_WORDS", smart)
    evaluator = rouge.TimelineRougeEvaluator(measures={"rouge_1", "rouge_2"}, rouge_computation="reimpl")
    rng = random.Random(7)
    start = date(2011, 1, 1)
    for _ in range(25):
        pred = _timeline(rng, start, rng.randint(1, 8), 30)
        gold = _timeline(rng, start, rng.randint(1, 8), 30)
        ours = tlmetrics.score_timeline(pred, gold)
        truth = timelines.GroundTruth([timelines.Timeline(gold)])
        predicted = timelines.Timeline(pred)
        concat = evaluator.evaluate_concat(predicted, truth)
        align = evaluator.evaluate_align_date_content_costs_many_to_one(predicted, truth)
        date_scores = dates.evaluate_dates(predicted, truth)
        for prf, theirs in ((ours.concat1, concat["rouge_1"]), (ours.concat2, concat["rouge_2"]),
                            (ours.align1, align["rouge_1"]), (ours.align2, align["rouge_2"]),
                            (ours.dates, date_scores)):
            assert prf.precision == pytest.approx(theirs["precision"], abs=1e-12)
            assert prf.recall == pytest.approx(theirs["recall"], abs=1e-12)
            assert prf.f1 == pytest.approx(theirs["f_score"], abs=1e-12)
