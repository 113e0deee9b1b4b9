"""Budgeted, redundancy-aware sentence selection with a monotone submodular objective.

For a set S of candidates the objective is

    F(S) = a · concepts(S) + b · coverage(S) + Σ_{i∈S} prior_i

- ``concepts``: the summed weight of the word bigrams and content unigrams S covers, each weighted
  by how many articles use it (Gillick & Favre's concept model, as in the ICSI summariser:
  Snowball-stemmed bigrams of consecutive words, stop words kept unless both words are stop
  words, so "prime minister" and "the opposition" are concepts and "of the" is not; concepts
  used by fewer than ``min_df`` articles, or by fewer than a third of them in a small story,
  weigh nothing). A concept counts once however many
  chosen sentences repeat it, so redundancy earns nothing.
- ``coverage``: Lin & Bilmes' saturated coverage Σ_j min(Σ_{i∈S} sim(j, i), α Σ_k sim(j, k)): S
  should be similar to every candidate, up to a saturation point, so one topic cannot eat the
  budget.
- ``prior``: a modular score per candidate (see :mod:`storyline.summarize.extractive`).

Greedy selection by gain per word (cost-scaled, which keeps Lin & Bilmes' approximation
guarantee with the best-singleton check) until no candidate fits the word budget. A candidate
more similar than ``redundancy`` to a chosen one is never taken.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from storyline.text import content_terms

__all__ = ["Features", "SelectionWeights", "concept_grams", "featurize", "greedy_select", "stem_terms"]

_SUFFIXES = ("ies", "ied", "ing", "edly", "ed", "es", "s", "ly")
_CONCEPT_TOKEN = re.compile(r"[a-z0-9]+")
_BIGRAM_WEIGHT = 1.0
_UNIGRAM_WEIGHT = 0.5  # a bigram names an event or an actor ("port authority"); a single word less so


@lru_cache(maxsize=100_000)
def _stem(token: str) -> str:
    """A light suffix stripper: enough to join "strikes"/"striking"/"strike" for concept matching."""
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            return token[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
    return token


def stem_terms(text: str) -> list[str]:
    """Content terms of ``text``, lightly stemmed.

    >>> stem_terms("Dockworkers striking at ports")
    ['dockworker', 'strik', 'port']
    """
    return [_stem(t) for t in content_terms(text)]


@lru_cache(maxsize=1)
def _snowball():  # type: ignore[no-untyped-def]
    # snowballstemmer hands out PyStemmer's C stemmers when that package is installed (a dependency)
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def _concept_stem(token: str) -> str:
    return _snowball().stemWord(token)


def concept_grams(text: str) -> set[str]:
    """The concepts a sentence covers: stemmed word bigrams (not both stop words) and content unigrams.

    >>> sorted(concept_grams("The strikes of the dockworkers"))
    ['dockwork', 'strike', 'strike of', 'the dockwork', 'the strike']
    """
    tokens = _CONCEPT_TOKEN.findall(text.lower())
    stems = [_concept_stem(t) for t in tokens]
    stop = [t in ENGLISH_STOP_WORDS for t in tokens]
    grams = {stems[i] for i in range(len(tokens)) if not stop[i]}
    grams.update(f"{stems[i]} {stems[i + 1]}" for i in range(len(tokens) - 1) if not (stop[i] and stop[i + 1]))
    return grams


@dataclass(frozen=True, slots=True)
class SelectionWeights:
    """Weights of the objective's parts and the redundancy cut-off."""

    concepts: float = 1.0
    coverage: float = 1.0
    saturation: float = 0.2
    redundancy: float = 0.5
    length_exponent: float = 1.0


@dataclass(slots=True)
class Features:
    """What selection needs about a candidate list: term vectors, concepts and similarities."""

    tfidf: sparse.csr_matrix
    concepts: sparse.csr_matrix
    concept_weights: np.ndarray
    similarity: np.ndarray
    words: np.ndarray


def featurize(texts: Sequence[str], words: Sequence[int], sources: Sequence[frozenset[str]],
              min_df: int = 3) -> Features:
    """Build term vectors, concept incidence and weights, and pairwise similarities.

    Args:
        texts: candidate sentences.
        words: their lengths in words.
        sources: the article ids carrying each candidate; a concept's weight is the number of
            distinct articles using it.
        min_df: concepts used by fewer articles get no weight; in a story of fewer than 3 · min_df
            articles the floor is a third of them (at least 2, or 1 for a single article).

    Raises:
        ValueError: no candidate has any content term.
    """
    tokens = [stem_terms(t) for t in texts]
    vectorizer = TfidfVectorizer(analyzer=lambda toks: toks, sublinear_tf=True)
    tfidf = vectorizer.fit_transform(tokens).tocsr()
    similarity = (tfidf @ tfidf.T).toarray()
    np.fill_diagonal(similarity, 1.0)
    concept_ids: dict[str, int] = {}
    rows, cols = [], []
    carriers: dict[int, set[str]] = {}
    for i, text in enumerate(texts):
        for gram in concept_grams(text):
            j = concept_ids.setdefault(gram, len(concept_ids))
            rows.append(i)
            cols.append(j)
            carriers.setdefault(j, set()).update(sources[i])
    n_articles = len(set().union(*sources)) if sources else 0
    # 3 of DUC's 10 documents is ICSI's floor; in a four-article story two already make a concept shared
    floor = min(min_df, max(n_articles // 3, 2), max(n_articles, 1))
    weights = np.zeros(len(concept_ids))
    for gram, j in concept_ids.items():
        df = len(carriers[j])
        if df >= floor:
            weights[j] = df * (_BIGRAM_WEIGHT if " " in gram else _UNIGRAM_WEIGHT)
    incidence = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(concept_ids)))
    incidence.data[:] = 1.0
    return Features(tfidf, incidence, weights, similarity, np.asarray(words, dtype=float))


def greedy_select(features: Features, prior: np.ndarray, budget: int, weights: SelectionWeights,
                  max_sentences: int | None = None, blocked: np.ndarray | None = None,
                  order: Sequence[int] | None = None) -> list[int]:
    """Pick candidates maximising the objective under a word budget (see the module docstring).

    Args:
        features: from :func:`featurize`.
        prior: modular score per candidate (>= 0).
        budget: most words in the selection.
        weights: the objective's weights.
        max_sentences: most sentences, if any limit.
        blocked: True for candidates that must not be chosen.
        order: tie-break order of candidates (earlier wins), for determinism.

    Returns:
        Indices of chosen candidates, in the order they were picked.
    """
    n = len(prior)
    if n == 0:
        return []
    concept_w = features.concept_weights
    total_concepts = float(concept_w.sum()) or 1.0
    sim = features.similarity
    cap = weights.saturation * sim.sum(axis=1)
    total_cap = float(cap.sum()) or 1.0
    covered = np.zeros(len(concept_w), dtype=bool)
    current = np.zeros(n)
    available = np.ones(n, dtype=bool) if blocked is None else ~blocked
    rank = np.empty(n)
    rank[np.asarray(order if order is not None else range(n))] = np.arange(n)
    chosen: list[int] = []
    used = 0.0
    cost = np.maximum(features.words, 1.0) ** weights.length_exponent
    while max_sentences is None or len(chosen) < max_sentences:
        fits = available & (features.words + used <= budget)
        if not fits.any():
            break
        open_weights = np.where(covered, 0.0, concept_w)
        concept_gain = features.concepts @ open_weights / total_concepts
        base = np.minimum(current, cap).sum()
        coverage_gain = (np.minimum(current[:, None] + sim, cap[:, None]).sum(axis=0) - base) / total_cap
        gain = weights.concepts * concept_gain + weights.coverage * coverage_gain + prior
        score = np.where(fits, gain / cost, -np.inf)
        best = int(np.lexsort((rank, -score))[0])
        if not np.isfinite(score[best]) or gain[best] <= 0:
            break
        chosen.append(best)
        used += features.words[best]
        available[best] = False
        covered |= features.concepts[best].toarray().ravel() > 0
        current += sim[:, best]
        available &= sim[best] <= weights.redundancy
    return chosen
