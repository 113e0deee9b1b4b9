"""Resolve name mentions across articles into canonical actors.

Steps:

1. organisations, places and groups: the alias table ("ISIS", "ISIL", "Daesh" -> Islamic State),
   then acronym definitions ("ISIL" -> "Islamic State of Iraq and the Levant"), then the name's
   normal form;
2. persons with a given name ("John Kerry", "Nuri al-Maliki") merge across articles when the
   surnames agree and the given names are spelling variants (transliteration key, or rapidfuzz
   ratio >= ``nlp.name_similarity``): Nuri = Nouri;
3. a surname alone ("Kerry", "Maliki") joins the person of its own article with that surname,
   else the one person of its *story* with that surname; with several candidates or none it stays
   a separate actor of that story, so two Kellys of two stories are never merged;
4. a single capitalised word that is the surname (or the unique given name) of a story's person
   becomes a mention of that person even when NER typed it otherwise ("Sistani" as ORG);
5. descriptions ("the secretary", "the prime minister") join the nearest preceding person of the
   article whose role or title contains them.

Names are compared by their written form whatever type NER gave them ("Deep Throat" as person in
one article and untyped in another is one actor), without a possessive or a company suffix
("Intel's", "Intel Corp." = Intel). A weekday or month name ("Friday") is a date, not an actor:
it names a different day in every story, so it only merges within its story.

Entity ids are hashes of a canonical key (type + transliteration-folded full name, or the alias
table's name), so the same actor gets the same id in every run and every story.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from storyline.model import Entity, Mention, NameMention
from storyline.nlp.gazetteer import AliasTable
from storyline.nlp.names import ParsedName, is_acronym_of, name_key, parse_person, translit_key
from storyline.partitions import DisjointSets

__all__ = ["Resolution", "known_entity_id", "resolve_actors"]

_NOT_ROLES = frozenset({"former", "late", "mr.", "mrs.", "ms.", "mr", "mrs", "ms", "dr.", "dr", "miss"})
_PERSONISH = frozenset({"person", "unknown", "gpe", "org", "loc", "group"})
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")
_COMPANY = re.compile(r",?\s+(?:Inc|Corp|Co|Ltd|LLC|plc|Corporation|Incorporated)\.?$", re.IGNORECASE)
_DATE_WORDS = re.compile(r"^(?:(?:on|in|last|next|this)\s+)?(?:monday|tuesday|wednesday|thursday|friday|"
                         r"saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december)$",
                         re.IGNORECASE)


def _form(text: str) -> str:
    """The written form a name is matched by: ``name_key`` without a possessive or a company suffix."""
    text = _POSSESSIVE.sub(lambda m: "s" if m.group().startswith("s") else "", text.strip())
    return name_key(_COMPANY.sub("", text)) or name_key(text)


@dataclass(slots=True)
class Resolution:
    """Canonical actors and the mentions that name them."""

    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def index(self) -> dict[tuple[str, int, int], str]:
        """Return ``(article id, start, end) -> entity id`` for every resolved mention."""
        return {(m.article_id, m.start, m.end): m.entity_id for m in self.mentions}

    def by_id(self) -> dict[str, Entity]:
        """Return entities by id."""
        return {e.id: e for e in self.entities}


@dataclass(slots=True)
class _Node:
    """A group of mentions already known to co-refer (one article's Kirby, or one known actor)."""

    kind: str            # "known", "name", "person", "surname"
    type: str
    key: str
    story: str | None
    mentions: list[NameMention] = field(default_factory=list)
    parsed: ParsedName | None = None


def _given_compatible(a: tuple[str, ...], b: tuple[str, ...], similarity: float) -> bool:
    if not a or not b:
        return True
    x, y = a[0], b[0]
    if x == y or translit_key(x) == translit_key(y):
        return True
    if len(x) == 1 or len(y) == 1:  # an initial
        return x[0] == y[0]
    from rapidfuzz.fuzz import ratio

    return ratio(x, y) >= similarity * 100


def _entity_id(key: str) -> str:
    return "e-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def known_entity_id(type_: str, name: str) -> str:
    """Return the entity id of an actor of the alias table (stable across runs and stories)."""
    return _entity_id(f"{type_}:{name}")


def resolve_actors(mentions: Iterable[NameMention], story_of: dict[str, str], aliases: AliasTable,
                   name_similarity: float = 0.85) -> Resolution:
    """Group mentions of many articles into canonical actors (see the module docstring).

    Args:
        mentions: name mentions of the articles (any order).
        story_of: the story of each article; surname-only mentions never leave their story.
        aliases: the alias table.
        name_similarity: given names at least this similar (0..1, rapidfuzz ratio) are variants.

    Returns:
        The entities (sorted by id) and one model Mention per resolved name mention.
    """
    by_article: dict[str, list[NameMention]] = {}
    for m in mentions:
        by_article.setdefault(m.article_id, []).append(m)
    # an acronym defined in one article ("... Authority (CFDA)") names the same actor in the others
    acronyms = {name_key(m.text): m.canonical for ms in by_article.values() for m in ms
                if m.canonical and m.canonical != m.text
                and (m.source == "acronym" or is_acronym_of(m.text, m.canonical))}
    nodes: list[_Node] = []
    node_of: dict[tuple[str, int, int], int] = {}
    singles: list[NameMention] = []
    nominals: list[NameMention] = []

    for article_id in sorted(by_article):
        story = story_of.get(article_id, article_id)
        doc_nodes: dict[tuple[str, str], _Node] = {}
        ordered = sorted(by_article[article_id], key=lambda m: (m.start, m.end))
        for m in ordered:
            if m.label == "nominal":
                nominals.append(m)
                continue
            if m.canonical is None and name_key(m.text) in acronyms:
                m = replace(m, canonical=acronyms[name_key(m.text)])
            known = aliases.lookup(m.canonical or m.text)
            if known is not None:
                node_key = ("known", known.name)
                if node_key not in doc_nodes:
                    doc_nodes[node_key] = _Node("known", known.type, known.name, story)
                doc_nodes[node_key].mentions.append(m)
                continue
            if m.label == "person":
                parsed = parse_person(m.text)
                if parsed.given:
                    node_key = ("person", f"{translit_key(parsed.given[0])} {translit_key(parsed.surname)}")
                    if node_key not in doc_nodes:
                        doc_nodes[node_key] = _Node("person", "person", node_key[1], story, parsed=parsed)
                    doc_nodes[node_key].mentions.append(m)
                    continue
            if (len(m.text.split()) == 1 and m.label in _PERSONISH) or (
                    m.label == "person" and len(parse_person(m.text).full.split()) == 1):
                singles.append(m)  # a surname alone ("Kerry", "Mr Bahn"): decided once every person is known
                continue
            node_key = ("name", _name_node_key(m, story))
            if node_key not in doc_nodes:
                doc_nodes[node_key] = _Node("name", m.label, node_key[1], story)
            doc_nodes[node_key].mentions.append(m)
        for node_key in sorted(doc_nodes):
            nodes.append(doc_nodes[node_key])
    for i, node in enumerate(nodes):
        for m in node.mentions:
            node_of[(m.article_id, m.start, m.end)] = i

    uf: DisjointSets[int] = DisjointSets()
    # 1-2: known actors and names merge on their key; persons on surname + compatible given name
    first_of: dict[tuple[str, str, str], int] = {}
    persons_by_surname: dict[str, list[int]] = {}
    for i, node in enumerate(nodes):
        uf.find(i)
        if node.kind in {"known", "name"}:
            key = (node.kind, "", node.key)  # NER types are noisy: the written form decides
            if key in first_of:
                uf.union(first_of[key], i)
            else:
                first_of[key] = i
        elif node.kind == "person" and node.parsed is not None:
            persons_by_surname.setdefault(translit_key(node.parsed.surname), []).append(i)
    # a full name NER typed as a person in one place and otherwise elsewhere ("Deep Throat")
    for i, node in enumerate(nodes):
        if node.kind == "person" and node.parsed is not None:
            other = first_of.get(("name", "", _form(node.parsed.full)))
            if other is not None:
                uf.union(other, i)
    for group in persons_by_surname.values():
        # same spelling of the given name: join at once; then compare one node per spelling
        spellings: dict[str, int] = {}
        for i in group:
            parsed = nodes[i].parsed
            key = translit_key(parsed.given[0]) if parsed and parsed.given else ""
            if key in spellings:
                uf.union(spellings[key], i)
            else:
                spellings[key] = i
        heads = list(spellings.values())
        for a_pos, a in enumerate(heads):
            for b in heads[a_pos + 1:]:
                pa, pb = nodes[a].parsed, nodes[b].parsed
                if pa and pb and _given_compatible(pa.given, pb.given, name_similarity):
                    uf.union(a, b)

    # 3-4: single words join a person of their article, else of their story, else stay apart.
    # Indexed by (story, key) so a large story costs one lookup per word, not a scan of its persons.
    surnames_in: dict[tuple[str, str], list[int]] = defaultdict(list)
    given_in: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, node in enumerate(nodes):
        if node.kind == "person" and node.story is not None and node.parsed is not None:
            surnames_in[(node.story, translit_key(node.parsed.surname))].append(i)
            if node.parsed.given:
                given_in[(node.story, translit_key(node.parsed.given[0]))].append(i)
    surname_nodes: dict[tuple[str, str], int] = {}
    for m in sorted(singles, key=lambda m: (m.article_id, m.start)):
        story = story_of.get(m.article_id, m.article_id)
        word = translit_key(parse_person(m.text).surname or m.text)
        by_surname = surnames_in.get((story, word), [])
        same_article = [i for i in by_surname if nodes[i].mentions[0].article_id == m.article_id]
        target = _one_root(uf, same_article) or _one_root(uf, by_surname)
        if target is None and not by_surname:  # a given name ("Nouri"), unless it is also a surname here
            target = _one_root(uf, given_in.get((story, word), []))
        if target is not None:
            nodes[target].mentions.append(m)
            node_of[(m.article_id, m.start, m.end)] = target
            continue
        if m.label == "person":
            key = (story, word)
            if key not in surname_nodes:
                nodes.append(_Node("surname", "person", f"{story}:{word}", story))
                surname_nodes[key] = len(nodes) - 1
                uf.find(len(nodes) - 1)
            nodes[surname_nodes[key]].mentions.append(m)
            node_of[(m.article_id, m.start, m.end)] = surname_nodes[key]
        else:  # an organisation, place or untyped name: the same written form is the same actor
            key_name = ("name", "", _name_node_key(m, story))
            if key_name not in first_of:
                nodes.append(_Node("name", m.label, key_name[2], story))
                first_of[key_name] = len(nodes) - 1
                uf.find(len(nodes) - 1)
            nodes[first_of[key_name]].mentions.append(m)
            node_of[(m.article_id, m.start, m.end)] = first_of[key_name]

    clusters: dict[int, list[int]] = {}
    for i in range(len(nodes)):
        clusters.setdefault(uf.find(i), []).append(i)
    resolution = Resolution()
    entity_of_root: dict[int, str] = {}
    roles_of_root: dict[int, list[str]] = {}
    for root, members in sorted(clusters.items()):
        cluster_mentions = [m for i in members for m in nodes[i].mentions]
        if not cluster_mentions:
            continue
        entity = _entity(nodes, members, cluster_mentions)
        entity_of_root[root] = entity.id
        roles = sorted({r for m in cluster_mentions for r in (m.role, *m.titles) if r and r.lower() not in _NOT_ROLES})
        roles_of_root[root] = roles
        resolution.entities.append(entity)
        if roles:
            resolution.roles[entity.id] = tuple(roles)
        resolution.mentions.extend(Mention(m.article_id, m.start, m.end, entity.id, m.text) for m in cluster_mentions)

    # 5: descriptions join the nearest preceding person whose role or title contains them
    spots: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for node in nodes:
        if node.type == "person":
            for m in node.mentions:
                spots[m.article_id].append((m.start, uf.find(node_of[(m.article_id, m.start, m.end)])))
    for m in nominals:
        head = (m.role or m.text).lower().split()[-1]
        for start, root in sorted(spots.get(m.article_id, []), reverse=True):
            if start >= m.start or root not in entity_of_root:
                continue
            if any(head in r.lower() for r in roles_of_root.get(root, [])):
                resolution.mentions.append(Mention(m.article_id, m.start, m.end, entity_of_root[root], m.text))
                break
    resolution.entities.sort(key=lambda e: e.id)
    resolution.mentions.sort(key=lambda x: (x.article_id, x.start, x.end))
    return resolution


def _name_node_key(m: NameMention, story: str) -> str:
    """The key a non-person name merges on: its written form, scoped to the story for a date word."""
    form = _form(m.canonical or m.text)
    return f"{story}:{form}" if _DATE_WORDS.match(m.text.strip()) else form


def _one_root(uf: DisjointSets[int], candidates: list[int]) -> int | None:
    """The one actor (union-find root) the candidates belong to, or None when none or several."""
    roots = {uf.find(i) for i in candidates}
    return min(roots) if len(roots) == 1 else None


def _entity(nodes: list[_Node], members: list[int], mentions: list[NameMention]) -> Entity:
    kinds = {nodes[i].kind for i in members}
    forms = Counter(m.text for m in mentions)
    aliases = tuple(sorted(forms))
    if "known" in kinds:
        node = next(nodes[i] for i in members if nodes[i].kind == "known")
        return Entity(_entity_id(f"{node.type}:{node.key}"), node.type, node.key, aliases)
    if "person" in kinds:
        full = Counter(parse_person(m.text).full for m in mentions if parse_person(m.text).given)
        name = sorted(full.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]
        parsed = parse_person(name)
        key = f"person:{translit_key(parsed.given[0])} {translit_key(parsed.surname)}"
        return Entity(_entity_id(key), "person", name, aliases)
    node = nodes[members[0]]
    name = sorted(forms.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]
    if node.kind == "name":  # the type most of its mentions were given
        types = Counter(nodes[i].type for i in members for _ in nodes[i].mentions if nodes[i].kind == "name")
        type_ = sorted(types.items(), key=lambda kv: (-kv[1], kv[0] == "unknown", kv[0]))[0][0]
        return Entity(_entity_id(f"{type_}:{node.key}"), type_, name, aliases)
    if node.kind == "surname":
        return Entity(_entity_id(f"person:{node.key}"), "person", name, aliases)
    return Entity(_entity_id(f"{node.type}:{node.key}"), node.type, name, aliases)
