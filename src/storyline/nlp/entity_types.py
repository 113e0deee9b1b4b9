"""Repair the name spans and types a small NER model gives, from the article's own words.

Per article, pure (mentions in, mentions out). Steps:

1. not a name: a span with no proper noun in it ("Betrayal", "Captions", "Eyewitnesses" opening a
   sentence) or a group adjective ("Islamist insurgency") is dropped, unless the alias table knows it;
2. two names run together are split: a span the alias table's names cover word for word ("Sunni
   Saudi Arabia", "Reuters ISIS"), a place glued to a name that the article also writes alone
   ("Haiti BBC News"), two titled persons ("Prime Minister Shinzo Abe President Donald Trump");
3. types from context, voted per written form over the article: a role or title before the name or
   an appositive role after it ("DEA spokeswoman Violet Szeleczky", "Hovig Etyemezian, a field
   officer") make a person; "in", "near", "the town of" before, or "province", "valley", ", west of"
   after make a place ("Tal Afar", "Tigris", "Qaim"); places listed with a place share its type
   ("from Rawa, Ana and Rutba"). Evidence on one side only changes the NER type; a name with
   evidence both ways keeps it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from storyline.model import NameMention
from storyline.nlp.gazetteer import AliasTable
from storyline.nlp.names import PERSON_NOUNS, ROLE_NOUNS, name_key, role_before, title_words
from storyline.text import fold_quotes

__all__ = ["appositive_role", "repair_mentions"]

_PROPER = frozenset({"NNP", "NNPS"})
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:in|near|outside|inside|across|into|throughout|around|nearby)\s+(?:the\s+)?(?:(?:northern|southern|"
    r"eastern|western|central|north|south|east|west|nearby|neighbouring|neighboring|besieged|rebel-held|"
    r"embattled|strategic|oil|mainly|ethnic|northwestern|northeastern|southwestern|southeastern)\s+)*"
    r"|\b(?:city|town|village|province|district|region|governorate|capital|port|valley|river|suburb|enclave|"
    r"outskirts|neighbou?rhood|state|county|island|islands)\s+of\s+(?:the\s+)?"
    r"|\b(?:north|south|east|west|northeast|northwest|southeast|southwest|north-east|north-west|south-east|"
    r"south-west)(?:ern)?\s+of\s+(?:the\s+)?"
    r"|\b(?:withdr[ae]wn?|withdrawing|fled|flee(?:ing)?|retreat(?:ed|ing)?|driven|returned|evacuated|expelled|"
    r"away|km|kilometres|kilometers|miles|drive)\s+from\s+(?:the\s+)?)$",
    re.IGNORECASE)
_PLACE_AFTER = re.compile(
    r"^(?:\s+(?:province|city|town|village|district|governorate|region|valley|river|mountains?|airport|border|"
    r"crossing|dam|refinery|basin|delta|plain|plains|highway|square|county|state)\b"
    r"|,\s+(?:(?:a|an|the)\s+)?(?:[\w'-]+\s+){0,3}(?:city|town|village|province|district|region|capital|port|"
    r"suburb|area)\b"
    r"|,\s+(?:\d+\s+(?:km|kilometres|kilometers|miles)\s+)?(?:north|south|east|west|northeast|northwest|southeast|"
    r"southwest)(?:ern)?\s+of\b)",
    re.IGNORECASE)
_ROLE_WORDS = "|".join(sorted({*ROLE_NOUNS, *PERSON_NOUNS}, key=len, reverse=True))
_APPOSITIVE_ROLE = re.compile(
    r"^\s*[,(–—-]\s*(?:the\s+|a\s+|an\s+|his\s+|her\s+|its\s+)?((?:[\w’'.-]+\s+){0,5}?(?i:" + _ROLE_WORDS +
    r")(?:\s+(?:for|of|at|in|to|with)\s+(?:the\s+)?[\w’'.-]+(?:\s+[\w’'.-]+){0,4}?)?)\s*[,.;)–—-]")
_LIST_GLUE = re.compile(r"^(?:,\s*|\s+and\s+|,\s+and\s+|\s+or\s+|,\s+or\s+)$")


def appositive_role(text: str, end: int, limit: int) -> tuple[int, int] | None:
    """The span of a role written after a name (", a field officer for the U.N. refugee agency,")."""
    match = _APPOSITIVE_ROLE.match(fold_quotes(text[end:limit]))
    return (end + match.start(1), end + match.end(1)) if match else None


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind("\n", 0, start) + 1, text.rfind(". ", 0, start) + 2)
    right = text.find("\n", end)
    return left, len(text) if right < 0 else right


def _evidence(text: str, m: NameMention) -> str | None:
    """"person", "place" or None: what the words around one mention say it is."""
    left, right = _sentence_bounds(text, m.start, m.end)
    prefix = fold_quotes(text[left:m.start])
    role, titles = role_before(prefix)
    if titles or role or appositive_role(text, m.end, right) is not None:
        return "person"
    if _PLACE_BEFORE.search(prefix) or _PLACE_AFTER.match(fold_quotes(text[m.end:right])):
        return "place"
    return None


def _is_name(m: NameMention, doc: Any) -> bool:
    """False for a span without a proper noun ("Betrayal", "Eyewitnesses", the adjective "Islamist")."""
    if doc is None or m.source != "spacy":
        return True
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    return span is None or any(t.tag_ in _PROPER for t in span)


def _split(m: NameMention, text: str, known: list[tuple[int, int, Any]], alone: set[str]) -> list[NameMention]:
    """Split a span that holds two names (see the module docstring); else ``[m]``."""
    inside = [(s, e, a) for s, e, a in known if m.start <= s and e <= m.end]
    words = list(re.finditer(r"\S+", text[m.start:m.end]))
    if inside and not (inside[0][0] == m.start and inside[-1][1] == m.end and len(inside) == 1):
        covered = all(any(s <= m.start + w.start() and m.start + w.end() <= e for s, e, _ in inside) for w in words)
        if covered and len(inside) > 1:
            return [NameMention(m.article_id, s, e, text[s:e], a.type, source="alias", canonical=a.name)
                    for s, e, a in inside]
    if len(words) >= 2 and m.label != "person":
        for k in range(1, len(words)):
            head = text[m.start:m.start + words[k - 1].end()]
            rest_start = m.start + words[k].start()
            rest = text[rest_start:m.end]
            if name_key(head) in alone and (name_key(rest) in alone or name_key(rest.split()[0]) in alone):
                return [NameMention(m.article_id, m.start, m.start + len(head), head, "gpe", source=m.source),
                        NameMention(m.article_id, rest_start, m.end, rest, m.label, source=m.source)]
    if m.label == "person":  # "Prime Minister Shinzo Abe President Donald Trump"
        titles = title_words()
        for k in range(2, len(words) - 1):
            word = words[k].group().lower().strip(".,")
            if word in titles and words[k - 1].group()[:1].isupper() and words[k + 1].group()[:1].isupper() \
                    and name_key(words[k - 1].group()) not in titles:
                cut = m.start + words[k].start()
                first_end = m.start + words[k - 1].end()
                return [NameMention(m.article_id, m.start, first_end, text[m.start:first_end], "person", m.role,
                                    m.titles, m.source),
                        NameMention(m.article_id, cut, m.end, text[cut:m.end], "person", source=m.source)]
    return [m]


def repair_mentions(mentions: list[NameMention], text: str, aliases: AliasTable, doc: Any = None,
                    known: list[tuple[int, int, Any]] | None = None) -> list[NameMention]:
    """Drop non-names, split run-together names and retype by context (see the module docstring).

    Args:
        mentions: the NER (or rule) mentions of one article.
        text: the article text.
        aliases: the alias table (a known name is always a name).
        doc: the spaCy ``Doc`` (part-of-speech tags), or None.
        known: the alias table's matches in ``text`` (``aliases.find(text)``), when already computed.

    Returns:
        The repaired mentions, in text order; persons carry the role and titles of their context.
    """
    known = aliases.find(text) if known is None else known
    kept = [m for m in mentions if _is_name(m, doc) or aliases.lookup(m.text) is not None]
    alone = {name_key(m.text) for m in kept if len(m.text.split()) == 1} | {name_key(text[s:e]) for s, e, _ in known}
    split = [part for m in kept for part in _split(m, text, known, alone)]
    split.sort(key=lambda m: (m.start, m.end))
    votes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    evidence: list[str | None] = []
    previous: NameMention | None = None
    for m in split:
        found = _evidence(text, m)
        if found is None and previous is not None and evidence and evidence[-1] == "place" \
                and _LIST_GLUE.match(text[previous.end:m.start]):
            found = "place"  # "from Rawa, Ana and Rutba"
        evidence.append(found)
        previous = m
        if found is not None:
            votes[name_key(m.text)][0 if found == "person" else 1] += 1
    repaired = []
    for m in split:
        person, place = votes.get(name_key(m.text), (0, 0))
        label = m.label
        if aliases.lookup(m.canonical or m.text) is None and (person == 0) != (place == 0):
            wanted = "person" if person else "place"
            if wanted == "place" and label not in {"gpe", "loc"}:
                label = "gpe"
            elif wanted == "person" and label in {"org", "gpe", "loc", "unknown"} and len(m.text.split()) >= 2:
                label = "person"
        repaired.append(m if label == m.label else NameMention(m.article_id, m.start, m.end, m.text, label,
                                                               m.role, m.titles, m.source, m.canonical))
    return repaired
