"""Persistence of actors, quotes, claims and stances (schema migration 2).

Per-article annotations (name mentions, quotes, claims) are written once when an article is
annotated; per-story results (entities and their mentions, quote speakers, stance evidence) are
replaced for a story's articles each time the story is analysed. Each write is one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from storyline.model import (
    ArticleAnnotation,
    Claim,
    Entity,
    Mention,
    NameMention,
    QuoteMention,
    Span,
    SpeakerQuote,
    StanceEvidence,
    utc_now,
)
from storyline.store.store import Store

__all__ = [
    "annotated_ids",
    "clear_nlp_pending",
    "entity_names_matching",
    "load_annotations",
    "load_claims",
    "load_entities",
    "load_entity_mentions",
    "load_speaker_quotes",
    "load_stances",
    "mark_nlp_pending",
    "nlp_pending",
    "save_annotations",
    "save_story_analysis",
]


def _chunks(items: Sequence[str], size: int = 500) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield list(items[i:i + size])


def _where_in(column: str, count: int) -> str:
    return f"{column} IN ({','.join('?' * count)})"


def annotated_ids(store: Store, article_ids: Iterable[str]) -> set[str]:
    """Return which of these articles already have annotations."""
    ids = sorted(set(article_ids))
    found: set[str] = set()
    for chunk in _chunks(ids):
        found.update(r["article_id"] for r in store.db.execute(
            f"SELECT article_id FROM nlp_articles WHERE {_where_in('article_id', len(chunk))}", chunk))
    return found


def mark_nlp_pending(store: Store, story_ids: Iterable[str]) -> None:
    """Mark stories whose actors must be analysed (call inside the transaction that changed them)."""
    with store.transaction() as db:
        db.executemany("INSERT OR IGNORE INTO nlp_pending (story_id) VALUES (?)",
                       [(story_id,) for story_id in sorted(set(story_ids))])


def nlp_pending(store: Store) -> list[str]:
    """Return the stories marked for analysis and not analysed yet, sorted."""
    return [r[0] for r in store.db.execute("SELECT story_id FROM nlp_pending ORDER BY story_id")]


def clear_nlp_pending(store: Store, story_id: str) -> None:
    """Unmark a story (call inside the transaction that stores its analysis)."""
    with store.transaction() as db:
        db.execute("DELETE FROM nlp_pending WHERE story_id = ?", (story_id,))


def save_annotations(store: Store, annotations: Iterable[ArticleAnnotation]) -> None:
    """Store per-article annotations (replacing any earlier ones of the same articles), in one transaction."""
    now = utc_now()
    with store.transaction() as db:
        for a in annotations:
            for table in ("name_mentions", "quotes", "claims", "nlp_articles"):
                db.execute(f"DELETE FROM {table} WHERE article_id = ?", (a.article_id,))
            db.execute("INSERT INTO nlp_articles (article_id, method, created_at) VALUES (?, ?, ?)",
                       (a.article_id, a.method, now))
            db.executemany(
                "INSERT OR IGNORE INTO name_mentions (article_id, start, end, text, label, role, titles, source, "
                "canonical) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(m.article_id, m.start, m.end, m.text, m.label, m.role, json.dumps(list(m.titles)), m.source,
                  m.canonical) for m in a.mentions])
            db.executemany(
                "INSERT INTO quotes (article_id, start, end, parts, text, direct, cue, cue_start, cue_end, speaker, "
                "speaker_start, speaker_end, ref_start, ref_end, channel, kind, resolved_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(q.article_id, q.span.start, q.span.end, json.dumps([[p.start, p.end] for p in q.parts]), q.text,
                  int(q.direct), q.cue, *_pair(q.cue_span), q.speaker, *_pair(q.speaker_span),
                  *_pair(q.speaker_ref), q.channel, q.kind, q.resolved_by) for q in a.quotes])
            db.executemany(
                "INSERT INTO claims (article_id, start, end, value, low, high, measure, unit, places, status, "
                "source, status_start, status_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(c.article_id, c.span.start, c.span.end, c.value, c.low, c.high, c.measure, c.unit,
                  json.dumps(list(c.places)), c.status, c.source, *_pair(c.status_span)) for c in a.claims])


def _pair(span: Span | None) -> tuple[int | None, int | None]:
    return (span.start, span.end) if span is not None else (None, None)


def _span(start: int | None, end: int | None) -> Span | None:
    return Span(start, end) if start is not None and end is not None else None


def load_annotations(store: Store, article_ids: Iterable[str]) -> list[ArticleAnnotation]:
    """Return the stored annotations of these articles (articles never annotated are left out)."""
    ids = sorted(set(article_ids))
    result: dict[str, ArticleAnnotation] = {}
    for chunk in _chunks(ids):
        where = _where_in("article_id", len(chunk))
        for r in store.db.execute(f"SELECT article_id, method FROM nlp_articles WHERE {where}", chunk):
            result[r["article_id"]] = ArticleAnnotation(r["article_id"], method=r["method"])
        for r in store.db.execute(f"SELECT * FROM name_mentions WHERE {where} ORDER BY article_id, start", chunk):
            result[r["article_id"]].mentions.append(NameMention(
                r["article_id"], r["start"], r["end"], r["text"], r["label"], r["role"], tuple(json.loads(r["titles"])),
                r["source"], r["canonical"]))
        for r in store.db.execute(f"SELECT * FROM quotes WHERE {where} ORDER BY article_id, start", chunk):
            result[r["article_id"]].quotes.append(_quote(r))
        for claim in _claims(store, f"SELECT * FROM claims WHERE {where} ORDER BY article_id, start", chunk):
            result[claim.article_id].claims.append(claim)
    return [result[i] for i in ids if i in result]


def _quote(row: Any) -> QuoteMention:
    return QuoteMention(row["article_id"], tuple(Span(a, b) for a, b in json.loads(row["parts"])), row["text"],
                        bool(row["direct"]), row["cue"], _span(row["cue_start"], row["cue_end"]), row["speaker"],
                        _span(row["speaker_start"], row["speaker_end"]), _span(row["ref_start"], row["ref_end"]),
                        row["channel"], row["kind"], row["resolved_by"])


def _claims(store: Store, query: str, params: Sequence[object]) -> list[Claim]:
    return [Claim(r["article_id"], Span(r["start"], r["end"]), r["value"], r["low"], r["high"], r["measure"],
                  r["unit"], tuple(json.loads(r["places"])), r["status"], r["source"],
                  _span(r["status_start"], r["status_end"]))
            for r in store.db.execute(query, list(params))]


def save_story_analysis(store: Store, article_ids: Sequence[str], entities: Sequence[Entity],
                        roles: dict[str, tuple[str, ...]], mentions: Sequence[Mention],
                        speakers: dict[tuple[str, int, int], str], stances: Sequence[StanceEvidence]) -> None:
    """Replace the resolved mentions, quote speakers and stances of a story's articles; upsert entities.

    An entity seen before keeps its id; its aliases and roles grow by union.
    """
    now = utc_now()
    with store.transaction() as db:
        for chunk in _chunks(sorted(set(article_ids))):
            where = _where_in("article_id", len(chunk))
            db.execute(f"DELETE FROM entity_mentions WHERE {where}", chunk)
            db.execute(f"DELETE FROM stances WHERE {where}", chunk)
            db.execute(f"UPDATE quotes SET speaker_entity = NULL WHERE {where}", chunk)
        for e in entities:
            row = db.execute("SELECT aliases, roles FROM entities WHERE id = ?", (e.id,)).fetchone()
            aliases = set(e.aliases) | (set(json.loads(row["aliases"])) if row else set())
            all_roles = set(roles.get(e.id, ())) | (set(json.loads(row["roles"])) if row else set())
            db.execute("INSERT INTO entities (id, type, name, aliases, roles, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT(id) DO UPDATE SET name = excluded.name, aliases = excluded.aliases, "
                       "roles = excluded.roles, updated_at = excluded.updated_at",
                       (e.id, e.type, e.name, json.dumps(sorted(aliases)), json.dumps(sorted(all_roles)), now))
        db.executemany("INSERT OR REPLACE INTO entity_mentions (article_id, start, end, entity_id, text) "
                       "VALUES (?, ?, ?, ?, ?)",
                       [(m.article_id, m.start, m.end, m.entity_id, m.text) for m in mentions])
        db.executemany("UPDATE quotes SET speaker_entity = ? WHERE article_id = ? AND start = ? AND end = ?",
                       [(entity, a, s, e) for (a, s, e), entity in sorted(speakers.items())])
        db.executemany("INSERT OR REPLACE INTO stances (article_id, start, end, actor_a, actor_b, relation, facet, "
                       "weight) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [(s.article_id, s.span.start, s.span.end, s.actor_a, s.actor_b, s.relation, s.facet, s.weight)
                        for s in stances])


def load_entities(store: Store, article_ids: Iterable[str] | None = None) -> list[tuple[Entity, tuple[str, ...], int]]:
    """Return ``(entity, roles, mention count)`` of entities in these articles (or all), most mentioned first."""
    counts: dict[str, int] = {}
    if article_ids is None:
        for r in store.db.execute("SELECT entity_id, count(*) AS n FROM entity_mentions GROUP BY entity_id"):
            counts[r["entity_id"]] = r["n"]
    else:
        for chunk in _chunks(sorted(set(article_ids))):
            for r in store.db.execute(f"SELECT entity_id, count(*) AS n FROM entity_mentions WHERE "
                                      f"{_where_in('article_id', len(chunk))} GROUP BY entity_id", chunk):
                counts[r["entity_id"]] = counts.get(r["entity_id"], 0) + r["n"]
    result = []
    for chunk in _chunks(sorted(counts)):
        for r in store.db.execute(f"SELECT * FROM entities WHERE {_where_in('id', len(chunk))}", chunk):
            result.append((Entity(r["id"], r["type"], r["name"], tuple(json.loads(r["aliases"]))),
                           tuple(json.loads(r["roles"])), counts[r["id"]]))
    return sorted(result, key=lambda t: (-t[2], t[0].name, t[0].id))


def entity_names_matching(store: Store, names: Iterable[str]) -> list[tuple[str, ...]]:
    """Return the name and aliases of every stored actor called by one of ``names`` (case-insensitive)."""
    wanted = sorted({n.lower() for n in names if n.strip()})
    groups = []
    for chunk in _chunks(wanted):
        marks = ",".join("?" * len(chunk))
        rows = store.db.execute(
            f"SELECT name, aliases FROM entities WHERE lower(name) IN ({marks}) OR EXISTS "
            f"(SELECT 1 FROM json_each(entities.aliases) WHERE lower(json_each.value) IN ({marks})) ORDER BY id",
            [*chunk, *chunk])
        groups.extend((r["name"], *json.loads(r["aliases"])) for r in rows)
    return groups


def load_entity_mentions(store: Store, article_ids: Iterable[str]) -> list[Mention]:
    """Return the resolved mentions in these articles, by article and position."""
    mentions = []
    for chunk in _chunks(sorted(set(article_ids))):
        mentions.extend(Mention(r["article_id"], r["start"], r["end"], r["entity_id"], r["text"])
                        for r in store.db.execute(f"SELECT * FROM entity_mentions WHERE "
                                                  f"{_where_in('article_id', len(chunk))}", chunk))
    return sorted(mentions, key=lambda m: (m.article_id, m.start, m.end))


def load_speaker_quotes(store: Store, article_ids: Iterable[str] | None = None,
                        kinds: tuple[str, ...] = ("quote",)) -> list[SpeakerQuote]:
    """Return stored attributions of these ``kinds`` with their speaker's entity and canonical name.

    ``speaker`` is the resolved actor's name, None when the article names no one (the phrase as
    written is ``speaker_phrase``). The default kind is what a reader is shown: quotes, not the
    noun-phrase attributions stances use.
    """
    marks = ",".join("?" * len(kinds))
    query = ("SELECT q.article_id, q.start, q.end, q.parts, q.text, q.direct, q.cue, q.speaker, q.speaker_entity, "
             "q.channel, q.resolved_by, q.kind, e.name AS entity_name FROM quotes q "
             f"LEFT JOIN entities e ON e.id = q.speaker_entity WHERE q.kind IN ({marks})")
    rows = []
    if article_ids is None:
        rows = list(store.db.execute(query, kinds))
    else:
        for chunk in _chunks(sorted(set(article_ids))):
            rows.extend(store.db.execute(f"{query} AND {_where_in('q.article_id', len(chunk))}", [*kinds, *chunk]))
    return sorted((SpeakerQuote(r["article_id"], r["start"], r["end"], r["text"], bool(r["direct"]), r["cue"],
                                r["entity_name"] if r["speaker_entity"] else None, r["speaker_entity"],
                                tuple(Span(a, b) for a, b in json.loads(r["parts"])), r["speaker"], r["channel"],
                                r["resolved_by"], r["kind"]) for r in rows),
                  key=lambda q: (q.article_id, q.start))


def load_claims(store: Store, article_ids: Iterable[str]) -> list[Claim]:
    """Return the counted claims of these articles."""
    claims = []
    for chunk in _chunks(sorted(set(article_ids))):
        claims.extend(_claims(store, f"SELECT * FROM claims WHERE {_where_in('article_id', len(chunk))} "
                                     "ORDER BY article_id, start", chunk))
    return claims


def load_stances(store: Store, article_ids: Iterable[str]) -> list[StanceEvidence]:
    """Return the stance evidence found in these articles."""
    found = []
    for chunk in _chunks(sorted(set(article_ids))):
        found.extend(StanceEvidence(r["article_id"], Span(r["start"], r["end"]), r["actor_a"], r["actor_b"],
                                    r["relation"], r["facet"], r["weight"])
                     for r in store.db.execute(f"SELECT * FROM stances WHERE {_where_in('article_id', len(chunk))} "
                                               "ORDER BY article_id, start", chunk))
    return found
