"""Timeline metrics follow tilse's definitions: date F1, concat and alignment (align+ m:1) ROUGE."""

from __future__ import annotations

from datetime import date

import pytest

from storyline.eval.tlmetrics import align_m1, concat, date_prf, score_timeline

D1, D2, D3 = date(2011, 1, 25), date(2011, 1, 28), date(2011, 2, 11)
GOLD = {D1: ["Protesters gather in Tahrir Square ."], D2: ["The government shuts down the internet ."],
        D3: ["Mubarak resigns as president ."]}


def test_identical_timelines_score_one():
    scores = score_timeline(GOLD, GOLD)
    for prf in (scores.concat1, scores.concat2, scores.align1, scores.align2, scores.dates):
        assert prf.f1 == pytest.approx(1.0)


def test_date_f1():
    pred = {D1: ["x"], date(2011, 1, 26): ["y"]}
    prf = date_prf(pred, GOLD)
    assert (prf.precision, prf.recall) == (0.5, pytest.approx(1 / 3))


def test_a_day_off_halves_the_aligned_match():
    pred = {date(2011, 2, 12): ["Mubarak resigns as president ."]}
    aligned = align_m1(pred, GOLD)[1]
    # three content tokens (mubarak, resign, presid), matched one day off: weight 1/2
    assert aligned.precision == pytest.approx(0.5)
    assert concat(pred, GOLD, 1).precision == pytest.approx(1.0)


def test_stop_words_and_punctuation_do_not_count():
    pred = {D3: ["The the , . of"]}
    assert concat(pred, GOLD, 1).precision == 0.0
