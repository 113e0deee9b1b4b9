"""Find the names of actors in one article: spaCy NER, or capitalised-span rules without it.

Steps, in order (each adds what the previous ones missed; on overlap the longer span wins):

1. named entities: spaCy's ``ents`` (PERSON, ORG, GPE, NORP, LOC, FAC) when a model is loaded,
   else capitalised word sequences typed by rules (titles, cue verbs, organisation suffixes);
2. the alias table: known actors written in any listed form ("ISIL", "Tehran", "Shi'ite");
3. acronym definitions: "Islamic State of Iraq and the Levant (ISIL)" makes the long form and
   every later "ISIL" mentions of one organisation;
4. descriptions: "the secretary", "the spokeswoman", resolved to a person later.

Persons get their role and titles from the words around the name ("Pentagon spokesman Rear
Admiral John Kirby": role "Pentagon spokesman", titles ("Rear Admiral",)).
"""

from __future__ import annotations

import re
from typing import Any

from storyline.model import NameMention, Span
from storyline.nlp.entity_types import appositive_role, repair_mentions
from storyline.nlp.gazetteer import AliasTable
from storyline.nlp.names import NAME_PARTICLES, acronym_definitions, parse_person, role_before
from storyline.text import fold_quotes

__all__ = ["find_mentions", "person_mention", "rule_mentions", "spacy_mentions"]

_SPACY_LABELS = {"PERSON": "person", "ORG": "org", "GPE": "gpe", "NORP": "group", "LOC": "loc", "FAC": "loc"}
_NAME_WORD = r"[A-Z][\w’'.\-]*[\w.]|[A-Z]"
_NAME_SEQ = re.compile(rf"(?:{_NAME_WORD})(?:\s+(?:(?:of|the|and|al|bin|ibn|de|la|von|van|for)\s+|"
                       rf"(?:al|el|as|ash|ad)-)?(?:{_NAME_WORD}))*")
_ORG_SUFFIX = frozenset({"agency", "ministry", "department", "army", "party", "council", "front", "committee", "bank",
                         "university", "forces", "force", "group", "news", "times", "post", "organization",
                         "organisation", "association", "union", "corporation", "inc", "company", "brigades", "guard",
                         "guards", "court", "parliament", "assembly", "congress", "senate", "administration", "office",
                         "institute", "center", "centre", "foundation", "house", "service", "police", "network",
                         "journal", "tribune", "herald", "gazette", "campaign", "commission", "fund", "board"})
_SENTENCE_START = frozenset({"the", "a", "an", "but", "and", "in", "on", "at", "it", "he", "she", "they", "we", "i",
                             "this", "that", "there", "if", "as", "after", "for", "some", "his", "her", "its", "their",
                             "when", "while", "with", "by", "from", "meanwhile", "asked", "speaking", "overnight",
                             "both", "all", "last", "more", "many", "most", "several", "what", "who", "how", "why",
                             "where", "we're", "it's", "those", "these", "our", "my", "your", "no", "not", "yes",
                             "one", "two", "three", "former", "accusing", "according", "resolving", "let's", "any",
                             "besides", "among", "should", "or", "so", "then", "still", "once", "since", "until",
                             "although", "though", "even", "just", "also", "only", "such", "other", "another"})
_MONTHS_DAYS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september",
                          "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
                          "saturday", "sunday", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                          "nov", "dec"})
_TITLE_WORDS = frozenset({"rear", "vice", "state", "admiral", "general", "secretary", "president", "minister",
                          "major-general", "major general", "supreme leader", "lieutenant general",
                          "prime minister", "ayatollah", "sheikh", "senator", "mr", "mrs", "ms", "dr"})
_CUE_AFTER = re.compile(r"^\s*(?:,[^,]{0,80},\s*)?(?:has\s+|had\s+|also\s+)?(?:said|says|told|added|adds|"
                        r"stated|warned|explained|noted|wrote|argued|insisted|claimed|announced)\b")
_NOMINAL = re.compile(r"\b[Tt]he\s+((?:[a-z][\w-]*\s+){0,2}?(?:spokes(?:man|woman|person)|secretary|prime minister|"
                      r"president|minister|commander|envoy|ambassador|cleric|leader|chief|general|admiral|"
                      r"senator|governor|mayor|ayatollah))\b(?!\s*,?\s+[A-Z])")


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    stop = text.rfind(". ", 0, start)
    left = max(text.rfind("\n", 0, start) + 1, stop + 2 if stop >= 0 else 0)
    right = text.find("\n", end)
    return left, len(text) if right < 0 else right


def person_mention(article_id: str, text: str, start: int, end: int, source: str) -> NameMention | None:
    """Build a person mention: titles inside the span move out of it; role from the context."""
    surface = text[start:end]
    parsed = parse_person(surface)
    if not parsed.surname:
        return None
    offset = fold_quotes(surface).find(parsed.full) if parsed.full else 0
    if offset > 0:
        start += offset
        end = start + len(parsed.full)
    while end > start and text[end - 1] in "’',.":
        end -= 1
    if text[start:end].endswith(("’s", "'s")):
        end -= 2
    left, right = _line_bounds(text, start, end)
    role, titles = role_before(text[left:start])
    if role is None:
        after = appositive_role(text, end, right)
        if after is not None:
            role = text[after[0]:after[1]]
    titles = tuple(dict.fromkeys((*titles, *parsed.titles)))
    return NameMention(article_id, start, end, text[start:end], "person", role, titles, source)


def spacy_mentions(article_id: str, text: str, doc: Any) -> list[NameMention]:
    """Turn a spaCy ``Doc`` of the article text into name mentions (persons with roles)."""
    found = []
    for ent in doc.ents:
        label = _SPACY_LABELS.get(ent.label_)
        if label is None:
            continue
        start, end = ent.start_char, ent.end_char
        if text[start:end].lower().startswith("the "):
            start += 4
        if text[start:end].endswith(("’s", "'s")):
            end -= 2
        if end - start < 2 or not text[start].isalpha() or text[start:end].lower() in _TITLE_WORDS:
            continue
        if label == "person":
            mention = person_mention(article_id, text, start, end, "spacy")
            if mention:
                found.append(mention)
        else:
            found.append(NameMention(article_id, start, end, text[start:end], label, source="spacy"))
    return found


def _rule_label(text: str, start: int, end: int, words: list[str]) -> str:
    lower = [w.lower().strip(".") for w in words]
    if lower[-1] in _ORG_SUFFIX or (len(words) == 1 and words[0].isupper() and len(words[0]) > 1):
        return "org"
    left, _ = _line_bounds(text, start, end)
    role, titles = role_before(text[left:start])
    if titles or role or parse_person(text[start:end]).titles:
        return "person"
    capitalised = all(w[0].isupper() or w.split("-")[0] in NAME_PARTICLES for w in words)
    if len(words) >= 2 and capitalised and not any(w in {"of", "the", "and"} for w in lower):
        return "person" if len(words) <= 4 else "org"
    if _CUE_AFTER.match(text[end:end + 100]):
        return "person"
    return "unknown"


def rule_mentions(article_id: str, text: str, sentences: list[Span]) -> list[NameMention]:
    """Model-free mentions: capitalised word sequences, typed by titles, cue verbs and suffixes."""
    found = []
    folded = fold_quotes(text)
    for sentence in sentences:
        chunk = folded[sentence.start:sentence.end]
        for match in _NAME_SEQ.finditer(chunk):
            start, end = sentence.start + match.start(), sentence.start + match.end()
            pieces = re.split(r"('s\b)", folded[start:end])
            offset = start
            for piece in pieces:
                if piece == "'s":
                    offset += 2
                    continue
                found.extend(_rule_piece(article_id, text, offset, offset + len(piece), sentence.start))
                offset += len(piece)
    return found


def _rule_piece(article_id: str, text: str, start: int, end: int, sentence_start: int) -> list[NameMention]:
    words = text[start:end].split()
    while words and (words[0].lower() in _SENTENCE_START or words[0].lower() in _MONTHS_DAYS):
        start = text.index(words[0], start) + len(words[0])
        words = words[1:]
    while start < end and text[start].isspace():
        start += 1
    while words and words[-1].lower().strip(".") in _MONTHS_DAYS:
        words = words[:-1]
    if not words:
        return []
    end = start + len(" ".join(words)) if text[start:end].startswith(" ".join(words)) else end
    while end > start and text[end - 1] in ".,":
        end -= 1
    if end - start < 2 or (len(words) == 1 and start == sentence_start and words[0].lower() in _SENTENCE_START):
        return []
    label = _rule_label(text, start, end, words)
    if label == "person":
        mention = person_mention(article_id, text, start, end, "rules")
        return [mention] if mention else []
    return [NameMention(article_id, start, end, text[start:end], label, source="rules")]


def _overlaps(a: NameMention, b: NameMention) -> bool:
    return a.start < b.end and b.start < a.end


def find_mentions(article_id: str, text: str, sentences: list[Span], aliases: AliasTable,
                  doc: Any = None) -> list[NameMention]:
    """Return the name mentions of one article, sorted by position (see the module docstring).

    Args:
        article_id: id used in the mentions.
        text: the article text.
        sentences: sentence spans (used by the rule fallback).
        aliases: the alias table.
        doc: a spaCy ``Doc`` of ``text``, or None for the rule-based fallback.
    """
    base = spacy_mentions(article_id, text, doc) if doc is not None else rule_mentions(article_id, text, sentences)
    matches = aliases.find(text)
    base = [person_mention(article_id, text, m.start, m.end, m.source) or m if m.label == "person" and m.role is None
            and not m.titles else m for m in repair_mentions(base, text, aliases, doc, matches)]
    known = []
    for start, end, actor in matches:
        known.append(NameMention(article_id, start, end, text[start:end], actor.type, source="alias",
                                 canonical=actor.name))
    for long_form, acronym, start, _ in acronym_definitions(text):
        known.append(NameMention(article_id, start, start + len(long_form), long_form, "org", source="acronym",
                                 canonical=long_form))
        for match in re.finditer(rf"(?<![\w]){re.escape(acronym)}(?![\w])", text):
            known.append(NameMention(article_id, match.start(), match.end(), acronym, "org", source="acronym",
                                     canonical=long_form))
    chosen: list[NameMention] = []
    # longest first, so NER spans keep an alias inside them ("Washington Post"); but known names beat
    # the rules' guesses, whose spans often swallow a capitalised sentence opener ("Later CFDA")
    for mention in sorted([*known, *base], key=lambda m: (m.source == "rules", -(m.end - m.start), m.start, m.source)):
        if any(_overlaps(mention, other) for other in chosen):
            continue
        chosen.append(mention)
    for match in _NOMINAL.finditer(text):
        nominal = NameMention(article_id, match.start(), match.end(), match.group(), "nominal", role=match.group(1),
                              source="rules")
        if not any(_overlaps(nominal, other) for other in chosen):
            chosen.append(nominal)
    return sorted(chosen, key=lambda m: (m.start, m.end))
