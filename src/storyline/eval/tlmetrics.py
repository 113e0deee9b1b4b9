"""Timeline summarisation metrics, following tilse's definitions (Martschat & Markert, 2017).

- ``concat``: ROUGE-1/2 of all predicted sentences against all reference sentences.
- ``align+ m:1`` (the AR-n metric of news-tls): every predicted date is mapped to the reference date
  of least cost ``(1 - 1/(|Δdays|+1)) · (1 - ROUGE-1-approx)`` (many-to-one), and vice versa for
  recall; matched n-gram counts are weighted by ``1/(|Δdays|+1)``; unmatched dates count against
  precision (or recall) in full.
- ``date F1``: predicted vs reference date sets.

ROUGE counts follow tilse's ``RougeReimplementation``: lower-cased whitespace tokens, tilse's eight
punctuation tokens and stop words removed, Porter-stemmed, n-gram overlap clipped per reference.
Deviation: the stop list is scikit-learn's English list (:data:`STOP_WORDS`), not ROUGE-1.5.5's
SMART list (not shipped here). With the SMART list swapped in, every metric equals tilse 0.2.1's
(``tests/test_tlmetrics_tilse.py``, run where tilse is installed).
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

__all__ = ["PRF", "STOP_WORDS", "TimelineScores", "align_m1", "concat", "date_prf", "score_timeline"]

DatedSummaries = dict[date, list[str]]
STOP_WORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS)
# exactly tilse's list: other punctuation tokens ("?", "-lrb-") count as words there, so they do here
_PUNCT = frozenset({".", ",", ";", ":", "``", "''", "-", '"'})


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1."""

    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True, slots=True)
class TimelineScores:
    """All metrics of one predicted timeline against one reference timeline."""

    concat1: PRF
    concat2: PRF
    align1: PRF
    align2: PRF
    dates: PRF


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer()


@lru_cache(maxsize=200_000)
def _stem(token: str) -> str:
    return _stemmer().stem(token)


def _tokens(sentences: Sequence[str]) -> list[str]:
    out = []
    for sentence in sentences:
        for token in sentence.lower().split():
            if token in _PUNCT or token in STOP_WORDS:
                continue
            out.append(_stem(token))
    return out


def _counts(pred: Sequence[str], refs: Sequence[Sequence[str]], n: int) -> tuple[float, float, float]:
    """Return (matches, predicted n-grams x references, reference n-grams), as tilse counts them."""
    def grams(tokens: list[str]) -> Counter[tuple[str, ...]]:
        return Counter(zip(*(tokens[i:] for i in range(n)), strict=False))

    pred_counts = grams(_tokens(pred))
    ref_counts = [grams(_tokens(r)) for r in refs]
    match = sum(min(c, rc[g]) for g, c in pred_counts.items() for rc in ref_counts)
    return match, len(refs) * sum(pred_counts.values()), sum(sum(rc.values()) for rc in ref_counts)


def _rouge1_approx(pred: Sequence[str], ref: Sequence[str]) -> float:
    """tilse's content factor: unstemmed ROUGE-1 F1 with punctuation removed."""
    p = Counter(t for s in pred for t in s.split() if t not in string.punctuation)
    r = Counter(t for s in ref for t in s.split() if t not in string.punctuation)
    match = sum(min(c, r[t]) for t, c in p.items())
    prec = match / sum(p.values()) if p else 0.0
    rec = match / sum(r.values()) if r else 0.0
    return 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def concat(pred: DatedSummaries, ref: DatedSummaries, n: int) -> PRF:
    """Concat ROUGE-n: all predicted sentences against all reference sentences."""
    p = [s for d in sorted(pred) for s in pred[d]]
    r = [s for d in sorted(ref) for s in ref[d]]
    match, p_den, r_den = _counts(p, [r], n)
    return PRF(match / p_den if p_den else 0.0, match / r_den if r_den else 0.0)


def align_m1(pred: DatedSummaries, ref: DatedSummaries, ns: Sequence[int] = (1, 2)) -> dict[int, PRF]:
    """Alignment-based ROUGE-n ("align+ m:1") for each n in ``ns``."""
    pred_dates, ref_dates = sorted(pred), sorted(ref)
    result = {}
    if not pred_dates or not ref_dates:
        return {n: PRF(0.0, 0.0) for n in ns}
    content = np.array([[_rouge1_approx(pred[p], ref[r]) for r in ref_dates] for p in pred_dates])
    distance = np.array([[abs(p.toordinal() - r.toordinal()) for r in ref_dates] for p in pred_dates])
    cost = (1 - 1 / (distance + 1)) * (1 - content)
    pred_to_ref = cost.argmin(axis=1)   # precision: each predicted date to its cheapest reference date
    ref_to_pred = cost.argmin(axis=0)   # recall: each reference date to its cheapest predicted date
    for n in ns:
        p_num = p_den = r_num = r_den = 0.0
        for i, j in enumerate(pred_to_ref):
            match, p_d, _ = _counts(pred[pred_dates[i]], [ref[ref_dates[j]]], n)
            p_num += match / (distance[i, j] + 1)
            p_den += p_d
        for j, i in enumerate(ref_to_pred):
            match, _, r_d = _counts(pred[pred_dates[i]], [ref[ref_dates[j]]], n)
            r_num += match / (distance[i, j] + 1)
            r_den += r_d
        result[n] = PRF(p_num / p_den if p_den else 0.0, r_num / r_den if r_den else 0.0)
    return result


def date_prf(pred: DatedSummaries, ref: DatedSummaries) -> PRF:
    """Date selection precision and recall."""
    shared = len(set(pred) & set(ref))
    return PRF(shared / len(pred) if pred else 0.0, shared / len(ref) if ref else 0.0)


def score_timeline(pred: DatedSummaries, ref: DatedSummaries) -> TimelineScores:
    """Score one predicted timeline against one reference timeline with every metric."""
    aligned = align_m1(pred, ref)
    return TimelineScores(concat(pred, ref, 1), concat(pred, ref, 2), aligned[1], aligned[2], date_prf(pred, ref))
