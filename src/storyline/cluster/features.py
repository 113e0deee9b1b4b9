"""Article vectors for clustering: TF-IDF over content terms with incrementally updated DF.

An article becomes a sparse unit vector. Content terms (``text.content_terms``; title terms count
``title_weight`` times) are weighted ``(1 + log tf) * idf`` where idf comes from the document
frequencies seen *so far* in the stream (the article itself included), so nothing needs the whole
corpus up front. Entity terms are extra features prefixed with ``@`` and multiplied by
``entity_boost``: by default they are ``text.named_terms`` (capitalised phrases, no model needed);
any callable returning entity names for an article (e.g. a spaCy NER stage) can be plugged in.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from storyline.model import ENTITY_PREFIX, Article
from storyline.text import content_terms, named_terms

__all__ = ["EntityTerms", "TermStats", "default_entity_terms", "entity_feature", "raw_terms", "sum_vectors"]

EntityTerms = Callable[[Article], list[str]]
"""A function returning the entity (actor, place, organisation) names of an article."""


def default_entity_terms(article: Article) -> list[str]:
    """Return model-free entity names: capitalised phrases of the title and text."""
    return named_terms(article.title or "") + named_terms(article.text)


def entity_feature(name: str) -> str:
    """Return the feature name of an entity.

    >>> entity_feature("Hassan Rouhani")
    '@hassan rouhani'
    """
    return ENTITY_PREFIX + name.lower()


def sum_vectors(vectors: Iterable[dict[str, float]]) -> dict[str, float]:
    """Return the term-by-term sum of sparse vectors, added in the order given.

    >>> sum_vectors([{"x": 1.0}, {"x": 0.5, "y": 2.0}])
    {'x': 1.5, 'y': 2.0}
    """
    total: dict[str, float] = {}
    for vector in vectors:
        for term, weight in vector.items():
            total[term] = total.get(term, 0.0) + weight
    return total


def raw_terms(article: Article, entity_terms: EntityTerms | None, title_weight: int) -> Counter[str]:
    """Return the term counts of an article: content terms plus ``@``-prefixed entity features."""
    counts = Counter(content_terms(article.text))
    if article.title and title_weight:
        for term in content_terms(article.title):
            counts[term] += title_weight
    if entity_terms is not None:
        counts.update(entity_feature(name) for name in entity_terms(article))
    return counts


@dataclass(slots=True)
class TermStats:
    """Document frequencies counted as the stream goes, and the unit TF-IDF vectors built from them.

    Args:
        df: document frequency of every term seen so far.
        n_docs: number of documents counted.
        entity_boost: weight multiplier of entity features.
    """

    df: dict[str, int] = field(default_factory=dict)
    n_docs: int = 0
    entity_boost: float = 1.0
    delta: Counter[str] = field(default_factory=Counter)

    def add(self, counts: Counter[str]) -> dict[str, float]:
        """Count a document's terms in the DF, then return its unit TF-IDF vector."""
        self.n_docs += 1
        df = self.df
        for term in counts:
            df[term] = df.get(term, 0) + 1
            self.delta[term] += 1
        return self.vector(counts)

    def vector(self, counts: Counter[str]) -> dict[str, float]:
        """Return the unit TF-IDF vector of term counts under the frequencies counted so far."""
        df = self.df
        log_n = math.log(1 + self.n_docs)
        vector: dict[str, float] = {}
        total = 0.0
        for term, tf in counts.items():
            weight = (1.0 + math.log(tf)) * (log_n - math.log(1 + df.get(term, 0)) + 1.0)
            if term[0] == ENTITY_PREFIX:
                weight *= self.entity_boost
            vector[term] = weight
            total += weight * weight
        if total <= 0.0:
            return {}
        norm = math.sqrt(total)
        return {term: weight / norm for term, weight in vector.items()}
