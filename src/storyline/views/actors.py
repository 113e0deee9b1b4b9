"""Read views of actors, quotes, stances and comparisons as JSON-ready dicts (CLI and API share them)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from storyline.compare import Comparison, compare_story, outlet_label
from storyline.config import NlpConfig
from storyline.errors import NotFoundError
from storyline.model import Article, Citation
from storyline.nlp.merge import QuoteGroup, group_quotes, merge_quotes
from storyline.nlp.stance import article_relation
from storyline.store import (
    Store,
    load_claims,
    load_entities,
    load_entity_mentions,
    load_speaker_quotes,
    load_stances,
)
from storyline.store.storylines import load_storyline

__all__ = ["actors_view", "compare_view", "comparison_view", "quotes_view", "stances_view", "subject_articles"]


def subject_articles(store: Store, subject_id: str | None) -> list[Article]:
    """Return the articles of a story (or of a storyline, when the store has storylines), or all.

    Raises:
        NotFoundError: no story or storyline has this id.
    """
    if subject_id is None:
        return store.articles()
    try:
        return store.articles(store.story(subject_id).story.article_ids)
    except NotFoundError:
        line = load_storyline(store, subject_id)
        if line is None:
            raise NotFoundError(f"no story or storyline {subject_id!r}; list them with `storyline stories` "
                                "or `storyline storylines`") from None
        return store.articles([a for row in line.stories for a in row.story.article_ids])


def _cite(c: Citation, articles: dict[str, Article]) -> dict[str, Any]:
    article = articles.get(c.article_id)
    return {"article_id": c.article_id, "start": c.start, "end": c.end,
            "outlet": outlet_label(article) if article else None,
            "cited_text": article.text[c.start:c.end] if article else None}


def actors_view(store: Store, subject_id: str | None, limit: int | None = None) -> list[dict[str, Any]]:
    """Describe the actors of a story (or all): name, type, aliases, roles and every mention with its span."""
    articles = subject_articles(store, subject_id)
    ids = [a.id for a in articles]
    mentions = defaultdict(list)
    for m in load_entity_mentions(store, ids):
        mentions[m.entity_id].append({"article_id": m.article_id, "start": m.start, "end": m.end, "text": m.text})
    rows = load_entities(store, ids)[:limit] if limit else load_entities(store, ids)
    return [{"id": e.id, "name": e.name, "type": e.type, "aliases": list(e.aliases), "roles": list(roles),
             "mention_count": count, "articles": len({m["article_id"] for m in mentions[e.id]}),
             "mentions": mentions[e.id]} for e, roles, count in rows]


def quotes_view(store: Store, subject_id: str | None = None, speaker: str | None = None,
                config: NlpConfig | None = None) -> list[dict[str, Any]]:
    """Describe quotes (one quote per wording, cited in every article carrying it), optionally by speaker name.

    Named speakers come first (most quoted first), each speaker's quotes in text order, then the
    quotes whose article names no speaker (``speaker`` None, ``attributed`` False; the words the
    article uses are in ``speaker_phrase``). ``text`` is the wording every citation holds: verbatim
    when ``direct``, else the article's paraphrase. Each citation keeps its own wording
    (``quote_text``) and ``parts``; ``outlets`` lists the carriers.
    """
    config = config or NlpConfig()
    articles = subject_articles(store, subject_id) if subject_id else None
    by_id = {a.id: a for a in articles} if articles is not None else None
    groups = group_quotes(load_speaker_quotes(store, list(by_id) if by_id is not None else None), config.quote_match)
    if speaker:
        wanted = speaker.lower()
        aliases = {e.id: [e.name, *e.aliases] for e, _, _ in load_entities(store)}
        groups = [g for g in groups if (g.speaker[0] and wanted in g.speaker[0].lower()) or any(
            wanted in a.lower() for a in aliases.get(g.speaker[1] or "", []))]
    if by_id is None:
        by_id = {a.id: a for a in store.articles({m.article_id for g in groups for m in g.members})}
    rows = [_quote_row(g, by_id) for g in groups]
    counts = Counter(r["speaker_entity_id"] for r in rows if r["attributed"])
    return sorted(rows, key=lambda r: (not r["attributed"], -counts.get(r["speaker_entity_id"], 0),
                                       r["speaker"] or "", r["citations"][0]["article_id"], r["citations"][0]["start"]))


def _quote_row(group: QuoteGroup, articles: dict[str, Article]) -> dict[str, Any]:
    name, entity = group.speaker
    lead = next((m for m in group.members if m.entity_id == entity), group.members[0])
    citations = []
    for m in group.members:
        cite = _cite(Citation(m.article_id, m.start, m.end), articles)
        cite["quote_text"] = m.text
        cite["parts"] = [[p.start, p.end] for p in m.parts]
        citations.append(cite)
    outlets = list(dict.fromkeys(c["outlet"] for c in citations if c["outlet"]))
    return {"text": group.text, "speaker": name, "speaker_entity_id": entity, "cue": lead.cue,
            "direct": group.direct, "attributed": name is not None, "speaker_phrase": lead.speaker_phrase,
            "resolved_by": lead.resolved_by if name is not None else None, "channel": lead.channel,
            "outlets": outlets, "citations": citations}


def stances_view(store: Store, subject_id: str | None, config: NlpConfig | None = None) -> list[dict[str, Any]]:
    """Describe how actor pairs relate over time: per pair, per article (with its day), relation and evidence."""
    config = config or NlpConfig()
    articles = subject_articles(store, subject_id)
    by_id = {a.id: a for a in articles}
    names = {e.id: e.name for e, _, _ in load_entities(store, list(by_id))}
    evidence = defaultdict(lambda: defaultdict(list))
    for e in load_stances(store, list(by_id)):
        evidence[(e.actor_a, e.actor_b)][e.article_id].append(e)
    pairs = []
    for (a, b), per_article in evidence.items():
        timeline = []
        for article_id, items in sorted(per_article.items(), key=lambda kv: (str(by_id[kv[0]].day), kv[0])):
            relation, facets = article_relation(items, config.stance_ratio)
            article = by_id[article_id]
            timeline.append({"article_id": article_id, "outlet": outlet_label(article),
                             "date": article.day.isoformat() if article.day else None, "relation": relation,
                             "facets": facets, "evidence": [
                                 {**_cite(x.citation, by_id), "relation": x.relation, "facet": x.facet}
                                 for x in items]})
        periods = defaultdict(list)
        for e in (x for items in per_article.values() for x in items):
            day = by_id[e.article_id].day
            periods[day.isoformat()[:7] if day else "undated"].append(e)
        overall = [{"period": period, "relation": article_relation(items, config.stance_ratio)[0],
                    "facets": article_relation(items, config.stance_ratio)[1],
                    "articles": len({x.article_id for x in items})} for period, items in sorted(periods.items())]
        weight = sum(x.weight for items in per_article.values() for x in items)
        pairs.append({"actors": [names.get(a, a), names.get(b, b)], "entity_ids": [a, b], "weight": weight,
                      "periods": overall, "articles": timeline})
    return sorted(pairs, key=lambda p: (-p["weight"], p["actors"]))


def compare_view(store: Store, story_id: str, articles: list[Article] | None = None) -> dict[str, Any]:
    """Compare the outlets of a story (coverage, exclusives, naming, discrepancies), with citations.

    ``articles``: the story's articles when the caller has loaded them already (default: read them).
    """
    if articles is None:
        articles = subject_articles(store, story_id)
    ids = [a.id for a in articles]
    entities = [e for e, _, _ in load_entities(store, ids)]
    quotes = merge_quotes(load_speaker_quotes(store, ids))
    comparison = compare_story(story_id, articles, entities, load_entity_mentions(store, ids), quotes,
                               load_claims(store, ids))
    return comparison_view(comparison, articles)


def comparison_view(comparison: Comparison, articles: Sequence[Article]) -> dict[str, Any]:
    """Describe a comparison as JSON-ready data (entity ids resolved to names, citations with text)."""
    by_id = {a.id: a for a in articles}

    def cite(c: Citation) -> dict[str, Any]:
        article = by_id.get(c.article_id)
        return {"article_id": c.article_id, "start": c.start, "end": c.end,
                "outlet": outlet_label(article) if article else None,
                "cited_text": article.text[c.start:c.end] if article else None}

    names = {e: comparison.entities[e].name for e in comparison.entities}
    return {
        "story_id": comparison.story_id,
        "outlets": comparison.outlets,
        "coverage": {
            "actors": [{"entity_id": e, "name": names[e], "outlets": by}
                       for e, by in sorted(comparison.actors.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))],
            "quotes": [{"text": q.text, "speaker": q.speaker, "outlets": carriers,
                        "citations": [cite(c) for c in q.citations]} for q, carriers in comparison.quotes],
            "claims": [{"claim": label, "outlets": by} for label, by in sorted(comparison.claims.items())],
        },
        "exclusive": comparison.exclusive,
        "naming": [{"entity_id": e, "name": names[e], "forms": forms} for e, forms in comparison.naming.items()],
        "discrepancies": [{"claim": d.claim, "values": [
            {"value": v.value, "status": v.status, "outlet": v.outlet, "source": v.source,
             "citations": [cite(c) for c in v.citations]} for v in d.values]} for d in comparison.discrepancies],
    }
