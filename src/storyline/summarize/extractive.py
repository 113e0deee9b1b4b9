"""Extractive, cited multi-document summaries.

1. Candidates are the articles' sentences, grouped so a sentence carried by several outlets is
   one candidate citing every carrier (:mod:`storyline.summarize.candidates`; the grouping is a
   seam other stages can replace).
2. Each candidate gets a prior: TF-IDF cosine to the story centroid, a lead-position bonus, a
   bonus for being carried by several articles, and small bonuses for naming actors, giving
   numbers and attributing ("said", "according to").
3. Sentences that cannot stand alone are never chosen: those opening with a pronoun or
   connective ("He", "But", "Those") lean on a sentence the reader is not shown, and a bare
   quotation without its speaker cannot be understood or checked, nor can a piece of one (a
   sentence starting inside a quotation, or opening one that goes on) that names no speaker: it
   would read as the outlet's own words.
4. A monotone submodular objective (:mod:`storyline.summarize.select`: concept coverage +
   saturated similarity coverage + prior) is maximised greedily under the word budget. A
   statement copied verbatim (wire copy) weighs as one source, and each day of the story is a
   concept covered by the leads of that day's articles, so a summary reaches past the lead
   articles to the latest developments.
5. Chosen sentences are shown in story order (article date, then position). Quotes stay verbatim:
   sentences are never rewritten.

The same function serves stories, storylines and the DUC evaluation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.config import SummarizeConfig
from storyline.model import Article, Summary, SummarySentence
from storyline.summarize.candidates import Grouper, SummaryCandidate, build_candidates, group_identical, opens_quotation
from storyline.summarize.select import SelectionWeights, featurize, greedy_select, stem_terms
from storyline.text import named_terms

__all__ = ["METHOD", "candidate_priors", "select_candidates", "speakerless_quote", "summarize_articles",
           "unattributed_quote"]

METHOD = "submodular-concepts"
_ATTRIBUTION = re.compile(r"\b(?:said|says|told|according to|announced|stated|added|confirmed|reported)\b")
_NUMBER = re.compile(r"\d")
_QUOTED = re.compile(r"^[\"“'‘`]+.*[\"”'’]+\W*$")
_DAY_LEAD = 3


def unattributed_quote(text: str) -> bool:
    """Return True for a sentence that is only a quotation, with no speaker named in it.

    >>> unattributed_quote("“We are contacting every customer.”"), unattributed_quote('"Yes," she said.')
    (True, False)
    """
    return bool(_QUOTED.match(text)) and not _ATTRIBUTION.search(text)


def speakerless_quote(candidate: SummaryCandidate) -> bool:
    """Return True for a quotation, or a piece of one, that names no speaker (see :func:`unattributed_quote`).

    A piece is a sentence starting inside a quotation an earlier sentence opened, or one opening a
    quotation that goes on in the next sentence: shown alone, either reads as the outlet's words.
    """
    if unattributed_quote(candidate.text):
        return True
    return not _ATTRIBUTION.search(candidate.text) and (candidate.in_quotation or opens_quotation(candidate.text))


def candidate_priors(candidates: Sequence[SummaryCandidate], tfidf: sparse.csr_matrix, n_articles: int,
                     config: SummarizeConfig) -> np.ndarray:
    """Return the modular score of each candidate (centroid, position, carriers, content cues)."""
    centroid = np.asarray(tfidf.sum(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    relevance = tfidf @ (centroid / norm) if norm else np.zeros(len(candidates))
    priors = np.zeros(len(candidates))
    for i, c in enumerate(candidates):
        score = config.centroid_weight * float(relevance[i])
        score += config.position_weight / (1.0 + c.position)
        if n_articles > 1:
            score += 0.05 * math.log(len(c.article_ids)) / math.log(n_articles)
        cues = (bool(named_terms(c.text)), bool(_NUMBER.search(c.text)), bool(_ATTRIBUTION.search(c.text)))
        score += config.cue_weight * sum(cues) / 3
        priors[i] = score * (0.5 if c.dependent else 1.0)
    return priors


def _day_concepts(candidates: Sequence[SummaryCandidate], concept_mass: float, share: float,
                  ) -> tuple[sparse.csr_matrix, np.ndarray]:
    """One concept per day of the story, together worth ``share`` of the content concepts' mass."""
    days = sorted({c.day for c in candidates if c.day is not None})
    if len(days) < 2 or share <= 0:
        return sparse.csr_matrix((len(candidates), 0)), np.zeros(0)
    index = {d: j for j, d in enumerate(days)}
    # a day is covered by the lead of an article published that day: that is where its news is
    rows = [i for i, c in enumerate(candidates) if c.day is not None and c.position < _DAY_LEAD]
    cols = [index[candidates[i].day] for i in rows]  # type: ignore[index]
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(candidates), len(days)))
    return matrix, np.full(len(days), share * concept_mass / len(days))


def _prefilter(candidates: Sequence[SummaryCandidate], config: SummarizeConfig,
               extra_prior: np.ndarray | None) -> np.ndarray:
    """Indices (in story order) of the ``config.max_candidates`` candidates with the best prior.

    The prior is linear in the number of candidates, unlike the pairwise selection that follows.
    """
    n_articles = len(frozenset().union(*(c.article_ids for c in candidates)))
    tfidf = TfidfVectorizer(analyzer=stem_terms, sublinear_tf=True).fit_transform([c.text for c in candidates])
    prior = candidate_priors(candidates, tfidf.tocsr(), n_articles, config)
    if extra_prior is not None:
        prior = prior + extra_prior
    # stable sort: equal priors keep story order, so the pool is deterministic
    best = np.argsort(-prior, kind="stable")[: config.max_candidates]
    return np.sort(best)


def select_candidates(candidates: Sequence[SummaryCandidate], config: SummarizeConfig, budget: int | None = None,
                      blocked: np.ndarray | None = None, extra_prior: np.ndarray | None = None,
                      story_order: bool = True) -> list[int]:
    """Choose candidates for a summary; returns their indices in story order.

    Args:
        candidates: from :func:`build_candidates`, in story order.
        config: weights and limits.
        budget: word budget (default ``config.max_words``).
        blocked: True for candidates that must not be chosen.
        extra_prior: added to each candidate's prior (the update summary uses it for novelty).
        story_order: False returns the indices in the order they were picked (most valuable first),
            for a reader of a summary that will be cut to a length.
    """
    if not candidates:
        return []
    if len(candidates) > config.max_candidates:
        keep = _prefilter(candidates, config, extra_prior)
        chosen = select_candidates([candidates[i] for i in keep], config, budget,
                                   None if blocked is None else blocked[keep],
                                   None if extra_prior is None else extra_prior[keep], story_order)
        return [int(keep[i]) for i in chosen]
    n_articles = len(frozenset().union(*(c.article_ids for c in candidates)))
    # a statement copied verbatim (wire copy) is one source: its carriers must not multiply the
    # weight of its words, or republished wire text would crowd out every other article
    sources = [frozenset({c.citations[0].article_id}) for c in candidates]
    try:
        features = featurize([c.text for c in candidates], [c.words for c in candidates], sources)
    except ValueError:  # no content terms at all
        return []
    prior = candidate_priors(candidates, features.tfidf, n_articles, config)
    if extra_prior is not None:
        prior = np.maximum(prior + extra_prior, 0.0)
    day_matrix, day_weights = _day_concepts(candidates, float(features.concept_weights.sum()),
                                            config.time_coverage_weight)
    features.concepts = sparse.hstack([features.concepts, day_matrix]).tocsr()
    features.concept_weights = np.concatenate([features.concept_weights, day_weights])
    weights = SelectionWeights(concepts=config.concept_weight, coverage=config.coverage_weight,
                               saturation=config.saturation, redundancy=config.redundancy,
                               length_exponent=config.length_exponent)
    # a bare quotation cannot be understood (or checked) without its speaker, nor can a sentence from
    # the middle of one; a sentence opening with "He" or "Those" leans on one the reader was not shown
    orphans = np.array([speakerless_quote(c) or c.dependent for c in candidates])
    blocked = orphans if blocked is None else blocked | orphans
    chosen = greedy_select(features, prior, budget or config.max_words, weights, config.max_sentences, blocked)
    ordered = sorted(chosen, key=lambda i: candidates[i].order)
    # never open with a dangling "He said ..."; the sentence it leans on was not chosen
    while ordered and candidates[ordered[0]].dependent:
        ordered.pop(0)
    if not story_order:
        kept = set(ordered)
        ordered = [i for i in chosen if i in kept]
    return ordered


def summarize_articles(subject_id: str, articles: Sequence[Article], config: SummarizeConfig | None = None,
                       grouper: Grouper = group_identical, budget: int | None = None,
                       story_order: bool = True) -> Summary:
    """Summarise a group of articles (see the module docstring for the method).

    Args:
        subject_id: the story or storyline the summary is for.
        articles: the group's articles (a story's, or all of a storyline's).
        config: length and weighting settings; defaults when None.
        grouper: how carriers of one statement are grouped into one candidate.
        budget: word budget, overriding ``config.max_words``.
        story_order: False lists the sentences most valuable first (for a summary cut to a length).

    Returns:
        A summary whose every sentence cites the article spans it was taken from.
    """
    config = config or SummarizeConfig()
    candidates = build_candidates(articles, config.min_words, grouper)
    chosen = select_candidates(candidates, config, budget, story_order=story_order)
    return Summary(subject_id, [SummarySentence(candidates[i].text, tuple(candidates[i].citations))
                                for i in chosen], METHOD)
