"""Shared passages across several articles: who carried each one, its likely origin, who edited it.

Pairwise alignments are joined into groups of "the same sentence" across carriers (connected
components of aligned sentences), and groups that follow each other in every carrier are merged
into passages. The likely origin of a passage is decided by the first rule that applies:

1. a carrier that *is* a wire agency (its outlet is Reuters, AFP, AP, "... Wire", "... News Agency");
2. an agency credited inside the passage in some carrier ("(Reuters)", "Reuters—", "AFP reported",
   "according to AFP", "told Reuters");
3. an agency every crediting carrier credits (``Article.credits``, from bylines and text);
4. the earliest published carrier (ties broken by article id).

The version of the origin carrier (or of the earliest carrier) is the reference; every other
carrier is ``identical`` to it or ``edited`` (with its word-level edits).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from storyline.extract.metadata import agency_name, find_credits
from storyline.model import Article, Citation
from storyline.partitions import DisjointSets
from storyline.provenance.align import Alignment, word_edits

__all__ = ["Carrier", "SentenceLink", "SharedPassage", "linked_sentence_groups", "provenance_grouper",
           "sentence_groups", "shared_passages"]

_Node = tuple[str, int]  # (article id, sentence index)


@dataclass(frozen=True, slots=True)
class Carrier:
    """One article's copy of a shared passage."""

    article_id: str
    outlet: str | None
    published: str | None
    start: int
    end: int
    kind: str
    edits: tuple[dict[str, str], ...] = ()


@dataclass(slots=True)
class SharedPassage:
    """A passage several articles carry, with its likely origin."""

    text: str
    carriers: list[Carrier]
    origin: str | None
    origin_basis: str
    reference: str
    sentences: int = 1
    credits: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"text": self.text, "origin": self.origin, "origin_basis": self.origin_basis,
                "reference_article": self.reference, "sentences": self.sentences, "credits": self.credits,
                "carriers": [{"article_id": c.article_id, "outlet": c.outlet, "published": c.published,
                              "start": c.start, "end": c.end, "kind": c.kind, "edits": list(c.edits)}
                             for c in self.carriers]}


SentenceLink = tuple[str, str, Sequence[tuple[int, int]]]
"""A related pair's aligned sentences: ``(article_a, article_b, [(a_index, b_index), ...])``."""


def _components(links: Iterable[SentenceLink]) -> list[list[_Node]]:
    sets: DisjointSets[_Node] = DisjointSets()
    for article_a, article_b, indices in links:
        for a_index, b_index in indices:
            sets.union((article_a, a_index), (article_b, b_index))
    return [sorted(g) for g in sets.groups() if len({n[0] for n in g}) > 1]


def _published(article: Article) -> str:
    return article.date.value if article.date else "9999-12-31"


def sentence_groups(articles: Mapping[str, Article], alignments: Iterable[Alignment]) -> list[list[Citation]]:
    """Return groups of citations that carry the same (possibly edited) sentence, earliest carrier first.

    Only alignments of related pairs count, and only articles in ``articles``.
    """
    return linked_sentence_groups(articles, _links(alignments))


def _links(alignments: Iterable[Alignment]) -> Iterator[SentenceLink]:
    """The aligned sentence indices of the related alignments."""
    return ((a.article_a, a.article_b, [(p.a_index, p.b_index) for p in a.pairs]) for a in alignments if a.related)


def linked_sentence_groups(articles: Mapping[str, Article], links: Iterable[SentenceLink]) -> list[list[Citation]]:
    """:func:`sentence_groups` from related pairs' aligned sentence indices (``ProvenanceIndex.sentence_links``).

    ``links`` is consumed once, so it may stream from the store: memory grows with the sentences
    linked, not with the pairs' stored alignments.
    """
    groups = []
    for nodes in _components(links):
        nodes = [n for n in nodes if n[0] in articles and n[1] < len(articles[n[0]].sentences)]
        nodes.sort(key=lambda n: (_published(articles[n[0]]), n))
        if len({n[0] for n in nodes}) > 1:
            groups.append([articles[a].cite(articles[a].sentences[i]) for a, i in nodes])
    return sorted(groups)


def provenance_grouper(same_sentences: Sequence[Sequence[Citation]]) -> Callable[[Sequence[Any]], list[list[Any]]]:
    """Return a summariser grouper (``summarize.candidates.Grouper``) that joins provenance groups.

    Sentences in one group of ``same_sentences`` (from :func:`sentence_groups`) become one
    candidate; every other sentence is grouped with the sentences of exactly the same text.
    """
    group_of = {(c.article_id, c.start, c.end): k for k, group in enumerate(same_sentences) for c in group}

    def grouper(refs: Sequence[Any]) -> list[list[Any]]:
        groups: dict[object, list[Any]] = {}
        text_key: dict[str, object] = {}
        for ref in refs:
            key: object = group_of.get((ref.article.id, ref.span.start, ref.span.end), ("text", ref.text))
            # a sentence word for word equal to a member of a provenance group joins that group
            key = text_key.setdefault(ref.text, key)
            groups.setdefault(key, []).append(ref)
        return list(groups.values())

    return grouper


def _origin(carriers: Sequence[tuple[Article, int, int]]) -> tuple[str | None, str, Article]:
    """Apply the origin rules of the module docstring; return (origin, basis, reference article)."""
    for article, _, _ in carriers:
        agency = agency_name(article.outlet)
        if agency:
            return agency, f"published by the agency {agency}", article
    credited = Counter(c for article, start, end in carriers for c in find_credits(article.text[start:end]))
    earliest = min(carriers, key=lambda c: (_published(c[0]), c[0].id))[0]
    if credited:
        agency = sorted(credited.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        return agency, f"credited to {agency} in the passage", earliest
    crediting = [set(article.credits) for article, _, _ in carriers if article.credits]
    common = set.intersection(*crediting) if crediting else set()
    if common:
        agency = sorted(common)[0]
        return agency, f"every carrier that credits an agency credits {agency}", earliest
    return earliest.outlet or earliest.id, "earliest publication", earliest


def shared_passages(articles: Mapping[str, Article], alignments: Iterable[Alignment]) -> list[SharedPassage]:
    """Join pairwise alignments into passages shared by several articles (see the module docstring).

    Returns:
        Passages in the order they appear in their reference carrier, earliest reference first.
    """
    groups = [g for g in _components(_links(alignments)) if all(n[0] in articles for n in g)]
    where: dict[_Node, int] = {}
    for k, nodes in enumerate(groups):
        for node in nodes:
            where.setdefault(node, k)
    carriers_of = [frozenset(n[0] for n in g) for g in groups]
    first_of = [{a: min(i for x, i in g if x == a) for a in carriers_of[k]} for k, g in enumerate(groups)]
    # a group continues the previous one when it follows it in every carrier and has the same carriers
    follows: dict[int, int] = {}
    for k, firsts in enumerate(first_of):
        nexts = {where.get((a, max(i for x, i in groups[k] if x == a) + 1)) for a in firsts}
        if len(nexts) == 1:
            nxt = next(iter(nexts))
            if nxt is not None and nxt != k and carriers_of[nxt] == carriers_of[k] and nxt not in follows.values():
                follows[k] = nxt
    starts = sorted(set(range(len(groups))) - set(follows.values()))
    passages = []
    for start in starts:
        chain, k = [start], start
        while k in follows and follows[k] not in chain:
            k = follows[k]
            chain.append(k)
        passages.append(_passage(articles, [groups[c] for c in chain]))
    passages.sort(key=lambda p: (_published(articles[p.reference]), p.reference,
                                 next(c.start for c in p.carriers if c.article_id == p.reference)))
    return passages


def _passage(articles: Mapping[str, Article], chain: list[list[_Node]]) -> SharedPassage:
    spans: dict[str, list[int]] = {}
    for nodes in chain:
        for article_id, index in nodes:
            span = articles[article_id].sentences[index]
            lo_hi = spans.setdefault(article_id, [span.start, span.end])
            lo_hi[0], lo_hi[1] = min(lo_hi[0], span.start), max(lo_hi[1], span.end)
    carriers = [(articles[a], s, e) for a, (s, e) in sorted(spans.items())]
    origin, basis, reference = _origin(carriers)
    ref_start, ref_end = spans[reference.id]
    ref_text = reference.text[ref_start:ref_end]
    out = []
    for article, start, end in sorted(carriers, key=lambda c: (_published(c[0]), c[0].id)):
        if article.id == reference.id:
            kind, edits = "reference", ()
        else:
            edits = tuple(word_edits(ref_text.split(), article.text[start:end].split()))
            kind = "edited" if edits else "identical"
        out.append(Carrier(article.id, article.outlet, article.date.value if article.date else None,
                           start, end, kind, edits))
    credits = sorted({c for article, s, e in carriers for c in find_credits(article.text[s:e])})
    return SharedPassage(ref_text, out, origin, basis, reference.id, len(chain), credits)
