"""Page-sized read views of actors, stances, quotes and annotated article text, for the web UI.

The views in :mod:`storyline.views.actors` load every article of a story or storyline (the CLI
prints everything). A page shows the top of each list, so these read the NLP tables by article
id in SQL and load article text only for the passages they cite; a storyline of thousands of
articles costs its NLP rows, not its texts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any

from storyline.config import NlpConfig
from storyline.errors import NotFoundError
from storyline.model import Article, Citation, Span
from storyline.nlp.merge import QuoteGroup, group_quotes
from storyline.nlp.stance import article_relation
from storyline.store import Store, load_entities, load_entity_mentions, load_speaker_quotes, load_stances

__all__ = ["annotated_paragraphs", "article_annotations", "article_meta", "subject_actors_view", "subject_article_ids"]


def subject_article_ids(store: Store, subject_id: str) -> list[str]:
    """Return the ids of a story's articles, or of a storyline's (all its stories), oldest first.

    Raises:
        NotFoundError: no story or storyline has this id.
    """
    rows = store.db.execute("SELECT id FROM articles WHERE story_id = ? ORDER BY day, id", (subject_id,)).fetchall()
    if not rows:
        rows = store.db.execute(
            "SELECT id FROM articles WHERE story_id IN (SELECT story_id FROM storyline_stories WHERE storyline_id = ?) "
            "ORDER BY day, id", (subject_id,)).fetchall()
    if not rows and store.db.execute("SELECT 1 FROM stories WHERE id = ? UNION ALL SELECT 1 FROM storylines "
                                     "WHERE id = ?", (subject_id, subject_id)).fetchone() is None:
        raise NotFoundError(f"no story or storyline {subject_id!r}")
    return [r["id"] for r in rows]


def article_meta(store: Store, ids: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
    """Return ``id -> (outlet, day)`` of these articles, without reading their texts."""
    meta: dict[str, tuple[str | None, str | None]] = {}
    wanted = sorted(set(ids))
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for r in store.db.execute(f"SELECT id, outlet, day FROM articles WHERE id IN ({marks})", chunk):
            meta[r["id"]] = (r["outlet"], r["day"])
    return meta


def _cite(c: Citation, texts: dict[str, Article], meta: dict[str, tuple[str | None, str | None]]) -> dict[str, Any]:
    article = texts.get(c.article_id)
    outlet, day = meta.get(c.article_id, (None, None))
    return {"article_id": c.article_id, "start": c.start, "end": c.end, "outlet": outlet or c.article_id,
            "date": day, "cited_text": article.text[c.start:c.end] if article else None}


def _evidence_once(items: Sequence[Any], texts: dict[str, Article], meta: dict[str, tuple[str | None, str | None]],
                   shown: set[tuple[str, int, int]]) -> list[dict[str, Any]]:
    """One entry per evidence sentence (its facets and relations joined); ``repeat`` when an earlier pair quoted it.

    One sentence often backs several facets of a pair, and several pairs ("X and Y agreed with Z"):
    a page quotes it once, and later only links it.
    """
    merged: dict[tuple[str, int, int], dict[str, Any]] = {}
    for x in items:
        key = (x.citation.article_id, x.citation.start, x.citation.end)
        entry = merged.get(key)
        if entry is None:
            merged[key] = {**_cite(x.citation, texts, meta), "relation": x.relation, "facet": x.facet,
                           "repeat": key in shown}
        else:
            for field, value in (("facet", x.facet), ("relation", x.relation)):
                if value and value not in entry[field].split(", "):
                    entry[field] = f"{entry[field]}, {value}" if entry[field] else value
    shown.update(merged)
    return list(merged.values())


def subject_actors_view(store: Store, subject_id: str, config: NlpConfig | None = None, *, max_actors: int = 15,
                        max_pairs: int = 8, max_speakers: int = 12, max_quotes: int = 4) -> dict[str, Any]:
    """Describe the actors of a story or storyline for its page: top actors, stances over time, quotes by speaker.

    Stances: per actor pair (heaviest evidence first), one entry per dated article with the
    relation (cooperate, oppose, mixed...) its evidence gives and that evidence cited, each
    sentence once (:func:`_evidence_once`: ``repeat`` marks one a heavier pair quoted already). Quotes are
    merged across outlets (one quote, every carrier cited) and grouped by speaker.

    Raises:
        NotFoundError: no story or storyline has this id.
    """
    config = config or NlpConfig()
    ids = subject_article_ids(store, subject_id)
    entities = load_entities(store, ids)
    names = {e.id: e.name for e, _, _ in entities}
    actors = [{"id": e.id, "name": e.name, "type": e.type, "aliases": list(e.aliases), "roles": list(roles),
               "mention_count": n} for e, roles, n in entities[:max_actors]]
    meta = article_meta(store, ids)
    evidence: dict[tuple[str, str], dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for e in load_stances(store, ids):
        evidence[(e.actor_a, e.actor_b)][e.article_id].append(e)
    ranked = sorted(evidence.items(), key=lambda kv: (-sum(x.weight for v in kv[1].values() for x in v), kv[0]))
    ranked = ranked[:max_pairs]
    groups = group_quotes(load_speaker_quotes(store, ids), config.quote_match)
    by_speaker: dict[str, list[QuoteGroup]] = defaultdict(list)
    unattributed: list[QuoteGroup] = []
    for g in groups:
        name = g.speaker[0]
        (by_speaker[name] if name else unattributed).append(g)
    speakers = sorted(by_speaker.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:max_speakers]
    cited = {x.article_id for _, per in ranked for items in per.values() for x in items}
    texts = {a.id: a for a in store.articles(sorted(cited))}
    pairs = []
    shown: set[tuple[str, int, int]] = set()  # evidence sentences already quoted for a heavier pair
    for (a, b), per_article in ranked:
        dated = []
        for article_id, items in sorted(per_article.items(), key=lambda kv: (meta.get(kv[0], (None, ""))[1] or "",
                                                                             kv[0])):
            relation, _ = article_relation(items, config.stance_ratio)
            dated.append({"date": meta.get(article_id, (None, None))[1], "relation": relation,
                          "evidence": _evidence_once(items, texts, meta, shown)})
        pairs.append({"actors": [names.get(a, a), names.get(b, b)], "entity_ids": [a, b], "timeline": dated})
    return {
        "actors": actors,
        "actors_total": len(entities),
        "stances": pairs,
        "speakers": [{"speaker": name, "quotes_total": len(items),
                      "quotes": [_quote(g, meta) for g in items[:max_quotes]]} for name, items in speakers],
        "unattributed": {"quotes_total": len(unattributed),
                         "quotes": [_quote(g, meta) for g in unattributed[:max_quotes]]},
    }


def _quote(group: QuoteGroup, meta: dict[str, tuple[str | None, str | None]]) -> dict[str, Any]:
    """One quote for the page: its words (verbatim only when ``direct``), its cue and every carrier."""
    lead = next((m for m in group.members if m.entity_id == group.speaker[1]), group.members[0])
    citations = [{**_cite(Citation(m.article_id, m.start, m.end), {}, meta), "quote_text": m.text}
                 for m in group.members]
    return {"text": group.text, "direct": group.direct, "cue": lead.cue,
            "outlets": list(dict.fromkeys(c["outlet"] for c in citations)), "citations": citations}


def article_annotations(store: Store, article_id: str) -> list[tuple[Span, str, str]]:
    """Return the stored entity mentions and quotes of one article as ``(span, kind, label)``.

    ``kind`` is "mention" (label: the actor's name) or "quote" (label: the speaker, or "unattributed").
    """
    names = {e.id: e.name for e, _, _ in load_entities(store, [article_id])}
    found = [(Span(m.start, m.end), "mention", names.get(m.entity_id, m.text))
             for m in load_entity_mentions(store, [article_id])]
    found += [(Span(q.start, q.end), "quote", q.speaker or "unattributed")
              for q in load_speaker_quotes(store, [article_id])]
    return found


def annotated_paragraphs(article: Article, cited: Span | None,
                         annotations: Sequence[tuple[Span, str, str]] = ()) -> list[list[dict[str, Any]]]:
    """Split an article's text into paragraphs of segments, each marked as cited, quote and/or mention.

    Segments are cut at every span boundary, so overlapping spans (a mention inside a quote inside
    the cited sentence) each cover whole segments. Returns one list per paragraph of
    ``{"text", "mark", "quote", "mention"}``: ``mark`` is True inside ``cited``; ``quote`` and
    ``mention`` hold the label of the covering quote or mention, else None. The marked segments
    joined are exactly the cited text (minus paragraph breaks).
    """
    text = article.text
    spans = [(s, kind, label) for s, kind, label in annotations if 0 <= s.start < s.end <= len(text)]
    if cited is not None:
        spans.append((cited, "cited", ""))
    result = []
    for p in article.paragraphs or [Span(0, len(text))]:
        inside = [(s, kind, label) for s, kind, label in spans if s.start < p.end and s.end > p.start]
        cuts = sorted({p.start, p.end, *(max(p.start, min(p.end, x)) for s, _, _ in inside for x in (s.start, s.end))})
        segments = []
        for a, b in pairwise(cuts):
            covering = {kind: label for s, kind, label in sorted(inside, key=lambda t: t[0].end - t[0].start,
                                                                 reverse=True) if s.start <= a and b <= s.end}
            segments.append({"text": text[a:b], "mark": "cited" in covering, "quote": covering.get("quote"),
                             "mention": covering.get("mention")})
        result.append(segments)
    return result
