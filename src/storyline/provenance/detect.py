"""Decide which candidates really share text with a new article, by aligning them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from storyline.config import ProvenanceConfig
from storyline.model import Article
from storyline.provenance.align import Alignment, align_articles
from storyline.provenance.candidates import CopyCandidate

__all__ = ["Related", "find_related"]


@dataclass(frozen=True, slots=True)
class Related:
    """A candidate confirmed by alignment; ``alignment.article_a`` is the smaller article id."""

    candidate: CopyCandidate
    alignment: Alignment

    @property
    def containment(self) -> float:
        """The larger of the two containments: how much of the smaller text the other one carries."""
        return max(self.alignment.containment_a, self.alignment.containment_b)


def find_related(article: Article, candidates: Sequence[CopyCandidate], others: Mapping[str, Article],
                 config: ProvenanceConfig | None = None) -> list[Related]:
    """Align ``article`` with each candidate and keep those that share text.

    A pair shares text when its alignment is ``related`` (enough aligned sentences and words) or
    when the texts are exact duplicates. Candidates missing from ``others`` are skipped.
    """
    config = config or ProvenanceConfig()
    related = []
    for candidate in candidates:
        other = others.get(candidate.article_id)
        if other is None or other.id == article.id:
            continue
        a, b = sorted((article, other), key=lambda x: x.id)
        alignment = align_articles(a, b, config)
        alignment.related = alignment.related or (candidate.exact and bool(alignment.pairs))
        if alignment.related:
            related.append(Related(candidate, alignment))
    return related
