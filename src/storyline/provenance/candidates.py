"""Which indexed documents may share text with a new one: the index hits, ranked.

Three routes lead to a candidate, and any one suffices:

1. the same normalised-text hash (an exact duplicate);
2. a shared document LSH band (near duplicate: high Jaccard over the whole text);
3. at least ``min_window_hits`` shared passage-window band keys (containment: a passage of one
   sits inside the other, even when their whole-document Jaccard is low).

Candidates are only candidates: ``align`` decides, sentence by sentence, what is really shared.
"""

from __future__ import annotations

from dataclasses import dataclass

from storyline.config import ProvenanceConfig
from storyline.model import Fingerprint, IndexHits
from storyline.provenance.fingerprint import signature_jaccard

__all__ = ["CopyCandidate", "rank_candidates"]


@dataclass(frozen=True, slots=True)
class CopyCandidate:
    """An indexed document that may share text with the query, and why."""

    article_id: str
    exact: bool
    jaccard: float
    window_hits: int
    route: str


def rank_candidates(fp: Fingerprint, hits: IndexHits, config: ProvenanceConfig | None = None) -> list[CopyCandidate]:
    """Turn index hits into candidates, best first (exact, then estimated Jaccard, then window hits).

    At most ``config.max_candidates`` are returned; ties are broken by article id.
    """
    config = config or ProvenanceConfig()
    found: dict[str, CopyCandidate] = {}
    for article_id in hits.exact:
        found[article_id] = CopyCandidate(article_id, True, 1.0, hits.window_hits.get(article_id, 0), "exact")
    ids = set(hits.doc_hits) | {a for a, n in hits.window_hits.items() if n >= config.min_window_hits}
    for article_id in sorted(ids - set(found)):
        signature = hits.signatures.get(article_id)
        jaccard = signature_jaccard(fp.signature, signature) if signature is not None else 0.0
        route = "document" if article_id in hits.doc_hits else "passage"
        found[article_id] = CopyCandidate(article_id, False, jaccard, hits.window_hits.get(article_id, 0), route)
    ranked = sorted(found.values(), key=lambda c: (not c.exact, -c.jaccard, -c.window_hits, c.article_id))
    return ranked[: config.max_candidates]
