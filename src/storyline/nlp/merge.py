"""One quote, several citations: the same words carried by several outlets (or twice in one).

Two attributions are the same quote when their speakers agree (same entity, or one unknown) and
the shorter one's words occur, in order, in the longer one ("I wouldn't rule out anything that
would be constructive" inside the longer version another outlet printed).
"""

from __future__ import annotations

from collections.abc import Sequence

from storyline.model import Citation, Quote, SpeakerQuote
from storyline.partitions import DisjointSets
from storyline.text import tokenize

__all__ = ["merge_quotes"]


def _in_order(short: list[str], long: list[str]) -> float:
    """Share of ``short``'s words found in ``long`` in the same order (longest common subsequence)."""
    if not short:
        return 0.0
    previous = [0] * (len(long) + 1)
    for word in short:
        current = [0] * (len(long) + 1)
        for j, other in enumerate(long, start=1):
            current[j] = previous[j - 1] + 1 if word == other else max(previous[j], current[j - 1])
        previous = current
    return previous[-1] / len(short)


def merge_quotes(quotes: Sequence[SpeakerQuote], threshold: float = 0.8, min_words: int = 5) -> list[Quote]:
    """Group attributions that are the same quote; each group becomes one Quote with every citation.

    Args:
        quotes: attributions from any number of articles.
        threshold: share of the shorter quote's words that must occur in order in the longer one.
        min_words: shorter quotes only merge when identical (short phrases recur by chance).

    Returns:
        Quotes ordered by their first citation; the longest wording represents the group.
    """
    tokens = [tokenize(q.text) for q in quotes]
    sets = DisjointSets(range(len(quotes)))
    order = sorted(range(len(quotes)), key=lambda i: (quotes[i].article_id, quotes[i].start))
    articles = {i: {quotes[i].article_id} for i in range(len(quotes))}
    for x_pos, i in enumerate(order):
        for j in order[x_pos + 1:]:
            a, b = quotes[i], quotes[j]
            if a.entity_id and b.entity_id and a.entity_id != b.entity_id:
                continue
            ri, rj = sets.find(i), sets.find(j)
            # an article carries a quote once: two similar quotes of one article are two statements
            if ri == rj or articles[ri] & articles[rj]:
                continue
            short, long = sorted((tokens[i], tokens[j]), key=len)
            if short == long or (len(short) >= min_words and _in_order(short, long) >= threshold):
                articles[sets.union(ri, rj)] = articles[ri] | articles[rj]
    groups: dict[int, list[int]] = {}
    for i in order:
        groups.setdefault(sets.find(i), []).append(i)
    merged = []
    for members in groups.values():
        best = max(members, key=lambda i: (len(tokens[i]), quotes[i].speaker is not None, -i))
        named = next((quotes[i] for i in members if quotes[i].entity_id), None)
        lead = named or quotes[best]
        citations = tuple(sorted({Citation(quotes[i].article_id, quotes[i].start, quotes[i].end) for i in members}))
        merged.append(Quote(quotes[best].text, lead.speaker, lead.entity_id, lead.cue,
                            any(quotes[i].direct for i in members), citations))
    return sorted(merged, key=lambda q: (q.citations[0].article_id, q.citations[0].start))
