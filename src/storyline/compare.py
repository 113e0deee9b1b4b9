"""Cross-outlet comparison of one story: who covers whom, who says what alone, names, discrepancies.

A stage over records: articles, resolved actors and mentions, merged quotes and counted claims
in; a :class:`Comparison` out. Every value it reports carries citations.

Discrepancies: claims are linked when they count the same thing (same unit at a shared place,
"troops ... in Tikrit") or report the same number for the same event ("1,700 killed"); a linked
group is a discrepancy when its sources give different numbers for an event, or the same number
with a different status (claimed, unconfirmed, disputed, confirmed).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from storyline.model import Article, Citation, Claim, ClaimValue, Discrepancy, Entity, Mention, Quote
from storyline.nlp.names import name_key
from storyline.partitions import connected_components

__all__ = ["Comparison", "compare_story", "find_discrepancies", "outlet_label"]


def outlet_label(article: Article) -> str:
    """The outlet's name, or the article id when the outlet is unknown (each article its own voice)."""
    return article.outlet or article.id


@dataclass(slots=True)
class Comparison:
    """What each outlet of a story covers, and where they differ."""

    story_id: str
    outlets: list[str]
    actors: dict[str, dict[str, int]] = field(default_factory=dict)
    """entity id -> outlet -> mention count."""
    quotes: list[tuple[Quote, list[str]]] = field(default_factory=list)
    """each merged quote with the outlets carrying it."""
    claims: dict[str, list[str]] = field(default_factory=dict)
    """claim ("1,700 troops killed") -> outlets reporting it."""
    exclusive: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """outlet -> {"actors": [...], "quotes": [...], "claims": [...]} no other outlet reports."""
    naming: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """entity id -> outlet -> the forms it uses, most used first (only where outlets differ)."""
    discrepancies: list[Discrepancy] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)


def _claim_label(claim: Claim) -> str:
    return f"{claim.value} {claim.unit + ' ' if claim.unit else ''}{claim.measure}"


def compare_story(story_id: str, articles: Sequence[Article], entities: Sequence[Entity], mentions: Sequence[Mention],
                  quotes: Sequence[Quote], claims: Sequence[Claim], min_outlets: int = 2) -> Comparison:
    """Compare a story's outlets (see the module docstring).

    Args:
        story_id: the story.
        articles: its articles.
        entities: its resolved actors.
        mentions: resolved mentions in its articles.
        quotes: its quotes, merged across articles (one quote, several citations).
        claims: its counted claims.
        min_outlets: an actor only counts as exclusive to an outlet when the story has this many outlets.
    """
    outlet_of = {a.id: outlet_label(a) for a in articles}
    outlets = sorted(set(outlet_of.values()))
    comparison = Comparison(story_id, outlets, entities={e.id: e for e in entities})
    forms: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for m in mentions:
        outlet = outlet_of.get(m.article_id)
        if outlet is None or m.entity_id not in comparison.entities:
            continue
        comparison.actors.setdefault(m.entity_id, {})
        comparison.actors[m.entity_id][outlet] = comparison.actors[m.entity_id].get(outlet, 0) + 1
        if m.text[:1].isupper():
            forms[m.entity_id][outlet][m.text] += 1
    for quote in quotes:
        carriers = sorted({outlet_of[c.article_id] for c in quote.citations if c.article_id in outlet_of})
        comparison.quotes.append((quote, carriers))
    for claim in claims:
        outlet = outlet_of.get(claim.article_id)
        if outlet is not None:
            label = _claim_label(claim)
            comparison.claims.setdefault(label, [])
            if outlet not in comparison.claims[label]:
                comparison.claims[label].append(outlet)
    if len(outlets) >= min_outlets:
        for outlet in outlets:
            only = {
                "actors": sorted(comparison.entities[e].name for e, by in comparison.actors.items()
                                 if set(by) == {outlet} and by[outlet] >= 2),
                "quotes": [q.text for q, carriers in comparison.quotes if carriers == [outlet] and q.speaker],
                "claims": sorted(label for label, by in comparison.claims.items() if by == [outlet]),
            }
            comparison.exclusive[outlet] = only
    for entity_id, by_outlet in sorted(forms.items()):
        preferred = {outlet: [form for form, _ in counts.most_common()] for outlet, counts in sorted(by_outlet.items())}
        tops = {name_key(forms_[0]) for forms_ in preferred.values()}
        spellings = {f for forms_ in preferred.values() for f in forms_}
        if len(preferred) >= 2 and (len(tops) >= 2 or len({name_key(f) for f in spellings}) < len(spellings)):
            comparison.naming[entity_id] = preferred
    comparison.discrepancies = find_discrepancies(claims, outlet_of)
    return comparison


def find_discrepancies(claims: Sequence[Claim], outlet_of: dict[str, str]) -> list[Discrepancy]:
    """Group claims about the same count and keep groups whose sources disagree (value or status)."""
    items = [c for c in claims if c.article_id in outlet_of]

    def same_count(a: Claim, b: Claim) -> bool:
        same_number = a.measure == b.measure and (a.low, a.high) == (b.low, b.high)
        same_thing = bool(a.unit) and a.unit == b.unit and bool(set(a.places) & set(b.places))
        return same_number or same_thing

    pairs = [(i, j) for i in range(len(items)) for j in range(i + 1, len(items)) if same_count(items[i], items[j])]
    found = []
    for group in connected_components(range(len(items)), pairs):
        members = [items[i] for i in group]
        voices = {(c.article_id, c.source) for c in members}
        by_event: dict[str, set[tuple[float, float]]] = defaultdict(set)
        statuses: dict[tuple[str, float, float], set[str]] = defaultdict(set)
        for c in members:
            by_event[c.measure].add((c.low, c.high))
            statuses[(c.measure, c.low, c.high)].add(c.status)
        differs = any(len(v) >= 2 for v in by_event.values()) or any(len(s) >= 2 for s in statuses.values())
        if len(voices) < 2 or not differs:
            continue
        found.append(Discrepancy(_group_label(members), _values(members, outlet_of)))
    return sorted(found, key=lambda d: d.claim)


def _group_label(members: Sequence[Claim]) -> str:
    units = Counter(c.unit for c in members if c.unit)
    places = Counter(p for c in members for p in c.places)
    measures = sorted({c.measure for c in members})
    label = f"{units.most_common(1)[0][0] if units else 'people'} {'/'.join(measures)}"
    if places:
        label += f" in {places.most_common(1)[0][0]}"
    return label


def _values(members: Sequence[Claim], outlet_of: dict[str, str]) -> tuple[ClaimValue, ...]:
    grouped: dict[tuple[str, str, str, str | None], list[Citation]] = defaultdict(list)
    for c in members:
        key = (f"{c.value} {c.measure}", c.status, outlet_of[c.article_id], c.source)
        grouped[key].append(Citation(c.article_id, c.span.start, c.span.end))
        if c.status_span is not None:
            grouped[key].append(Citation(c.article_id, c.status_span.start, c.status_span.end))
    return tuple(ClaimValue(value, status, outlet, tuple(sorted(set(cites))), source)
                 for (value, status, outlet, source), cites in sorted(grouped.items(), key=lambda kv: (
                     kv[0][0], kv[0][2], kv[0][1], kv[0][3] or "")))
