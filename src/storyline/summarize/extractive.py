"""Extractive, cited multi-document summaries.

1. Candidates are the articles' sentences (``summarize.min_words`` to 60 words). A sentence carried
   word for word by several articles (wire copy) is one candidate citing every carrier.
2. Each candidate is scored by its TF-IDF cosine to the story centroid, plus a bonus for being
   carried by several articles and for sitting in an article's lead; sentences that open with a
   pronoun or connective ("He", "But") are penalised, since they depend on a missing antecedent.
3. Maximal marginal relevance picks sentences until ``summarize.max_sentences`` or the word
   budget; a candidate too similar to a chosen one (``summarize.redundancy``) is skipped.
4. Chosen sentences are shown in story order (article date, then position in the article).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.config import SummarizeConfig
from storyline.model import Article, Citation, Summary, SummarySentence
from storyline.text import content_terms, word_count

__all__ = ["summarize_articles"]

METHOD = "centroid-mmr"
_DEPENDENT_START = re.compile(
    r"^(?:he|she|it|they|this|these|those|his|her|its|their|but|however|meanwhile|also|and|so|"
    r"that|there|then|such)\b", re.IGNORECASE)
_LEAD_SENTENCES = 3
_MMR_LAMBDA = 0.7


@dataclass(slots=True)
class _Candidate:
    text: str
    citations: list[Citation]
    order: tuple[str, str, int]
    lead: bool


def _candidates(articles: Sequence[Article], config: SummarizeConfig) -> list[_Candidate]:
    by_text: dict[str, _Candidate] = {}
    for article in articles:
        day = article.day.isoformat() if article.day else "9999-12-31"
        for position, span in enumerate(article.sentences):
            text = span.slice(article.text)
            if not config.min_words <= word_count(text) <= 60 or (not text[:1].isupper() and text[:1] not in "\"“'‘"):
                continue
            citation = article.cite(span)
            if text in by_text:
                by_text[text].citations.append(citation)
                by_text[text].lead |= position < _LEAD_SENTENCES
            else:
                by_text[text] = _Candidate(text, [citation], (day, article.id, span.start),
                                           position < _LEAD_SENTENCES)
    return list(by_text.values())


def summarize_articles(subject_id: str, articles: Sequence[Article], config: SummarizeConfig | None = None) -> Summary:
    """Summarise a group of articles (see the module docstring for the method).

    Args:
        subject_id: the story or storyline the summary is for.
        articles: the group's articles.
        config: length and redundancy settings; defaults when None.

    Returns:
        A summary whose every sentence cites the article spans it was taken from.
    """
    config = config or SummarizeConfig()
    candidates = _candidates(articles, config)
    if not candidates:
        return Summary(subject_id, [], METHOD)
    vectorizer = TfidfVectorizer(tokenizer=content_terms, lowercase=False, token_pattern=None)
    try:
        matrix = vectorizer.fit_transform([c.text for c in candidates])
    except ValueError:  # no content terms at all
        return Summary(subject_id, [], METHOD)
    centroid = np.asarray(matrix.sum(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    centroid = centroid / norm if norm else centroid
    relevance = matrix @ centroid
    n_articles = max(len(articles), 1)
    scores = []
    for i, c in enumerate(candidates):
        score = float(relevance[i])
        score += 0.15 * math.log(len({x.article_id for x in c.citations})) / math.log(n_articles + 1)
        score += 0.05 if c.lead else 0.0
        score *= 0.5 if _DEPENDENT_START.match(c.text) else 1.0
        scores.append(score)
    # each candidate's highest similarity to a chosen sentence, updated as sentences are chosen:
    # memory and time linear in the number of candidates (a full similarity matrix is quadratic,
    # gigabytes for a story of a thousand articles)
    redundancy = np.zeros(len(candidates))
    chosen: list[int] = []
    words = 0
    remaining = set(range(len(candidates)))
    while remaining and len(chosen) < config.max_sentences:
        def mmr(i: int) -> float:
            return _MMR_LAMBDA * scores[i] - (1 - _MMR_LAMBDA) * redundancy[i]

        # ties go to the earliest sentence in story order, so results are deterministic
        best = max(sorted(remaining, key=lambda i: candidates[i].order), key=mmr)
        remaining.discard(best)
        if redundancy[best] > config.redundancy:
            continue
        length = word_count(candidates[best].text)
        if words + length > config.max_words and chosen:
            continue
        chosen.append(best)
        words += length
        np.maximum(redundancy, (matrix @ matrix[best].T).toarray().ravel(), out=redundancy)
    ordered = sorted(chosen, key=lambda i: candidates[i].order)
    return Summary(subject_id, [SummarySentence(candidates[i].text, tuple(sorted(candidates[i].citations)))
                                for i in ordered], METHOD)
