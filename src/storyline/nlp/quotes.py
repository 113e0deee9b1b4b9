"""Quotes and reported speech: who said what, with which cue verb, where.

Steps for one article:

1. direct quotes from quotation marks (curly, straight, or ''two apostrophes''): a quote may hold
   several sentences, nest single or curly quotes inside, and run over paragraphs (a paragraph that ends inside a
   quote and a next one that opens with a quotation mark continue it);
2. attributions from cue verbs ("said", "told", "added", "quoted ... as saying", "according to"):
   with a spaCy parse the speaker is the verb's subject and the content its clausal complement
   or the quote next to it; without spaCy, patterns over the sentence do the same for the
   common shapes (``NAME said that ...``, ``"...," he said``, ``said NAME``); nouns with a possessor
   ("Trump's claim that ...", "his comments on ...") or a verb's subject ("Trump made the claim
   that ...") and headlines ("Graham: ...") are cues too; a cue that interrupts a sentence ("The
   risk, he said, is ...") reports that sentence; the cue verbs are a hand-written list and one
   learned from PolNeAR train (``cues``); a cue inside another attribution's content belongs to it;
3. a quote with no cue of its own continues the attributed quote right before it
   (“…,” he said. “…”) and joins it; otherwise it is kept and marked unattributed;
4. the speaker is pointed at a name: the name inside the speaker phrase ("Pentagon spokesman
   Rear Admiral John Kirby"), or for "he"/"she" the nearest person named before, or a
   description ("the spokeswoman") that resolution links to a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from storyline.model import NameMention, QuoteMention, Span
from storyline.nlp.cues import CUE_FORMS, DEFAULT_CUES, NOUN_CUES, OBJECT_CUES, WEAK_CUES, CueLexicon
from storyline.nlp.names import ROLE_NOUNS, name_key

__all__ = ["attribute_quotes", "quote_regions"]

_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "it"})
_NOUN_PREPS = frozenset({"of", "on", "about", "for", "to", "against"})
# a cue verb's prepositional phrase with these is where or when, not what (on PolNeAR train fewer
# than 1 in 4 such phrases are attributed content: "argued in 2004", "learn from hard experience")
_CIRCUMSTANCE_PREPS = frozenset({"in", "from", "into", "like", "during", "until", "before", "under", "through",
                                 "throughout", "toward", "towards", "upon", "near", "along", "outside", "since",
                                 "within", "across", "around", "amid", "inside", "than"})
# Penn tags, not universal POS: the attribute ruler that maps one to the other is not run (16% of spaCy's time)
_NOUN_TAGS = frozenset({"NN", "NNS"})
_VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD"})
_OPEN = "“\u201f"
_CLOSE = "”"
_SPEAKER = (r"(?:[Hh]e|[Ss]he|[Tt]hey|I|[Ww]e|"
            r"(?:(?:[Tt]he|[Aa]n?|[A-Z][\w’'.-]*|[a-z][\w’'-]*)\s+){0,6}?[A-Z]?[\w’'.-]+)")
_AFTER_QUOTE = re.compile(rf"^\s*(?P<sp>{_SPEAKER})\s+(?P<cue>{CUE_FORMS})\b|^\s*(?P<cue2>{CUE_FORMS})\s+"
                          r"(?P<sp2>(?:the\s+|a\s+|an\s+)?[\w’'.-]+(?:\s+[\w’'.-]+){0,7}?)\s*(?=[,.;]|$)")
_BEFORE_QUOTE = re.compile(rf"(?P<sp>{_SPEAKER})\s+(?:also\s+|has\s+|had\s+)?(?P<cue>{CUE_FORMS})\b"
                           r"[^“\".!?]*?[,:]?\s*$")
_INDIRECT = re.compile(rf"(?:^|[,;]\s+|\bbut\s+|\band\s+)(?P<sp>{_SPEAKER})\s+(?:also\s+|has\s+|had\s+|have\s+)?"
                       rf"(?P<cue>{CUE_FORMS})(?:\s+(?P<obj>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*|reporters|him|her|them))?"
                       r"\s+(?P<content>(?:that\s+)?\S.*)$")
_QUOTED_AS = re.compile(r"^\s*,?\s*(?P<ch>(?:[A-Z][\w’'.-]*\s+)+(?:news agency\s+|agency\s+)?)(?P<cue>quoted)\s+"
                        r"(?P<sp>(?:[A-Z][\w’'.-]*\s*){1,4}?)\s+as saying")
_ACCORDING = re.compile(r"\baccording to\s+(?P<sp>(?:the\s+)?[A-Z][\w’'.-]*(?:\s+(?:[A-Z][\w’'.-]*|news agency|"
                        r"officials?|sources?|witnesses))*|officials?|witnesses|sources)")


@dataclass(frozen=True, slots=True)
class _Region:
    """A direct quote: one or more parts (with their marks), in order."""

    parts: tuple[Span, ...]

    @property
    def start(self) -> int:
        return self.parts[0].start

    @property
    def end(self) -> int:
        return self.parts[-1].end


def quote_regions(text: str) -> list[_Region]:
    """Find direct quotes: spans including their quotation marks, continued over paragraphs.

    Curly quotes nest (“a “b” c” is one quote); straight quotes, and two apostrophes used as one
    (''like this'', a newswire style), open after a space or line start and close otherwise. A
    quote left open at a paragraph end continues when the next paragraph opens with a quotation
    mark, else it ends with its paragraph.
    """
    regions: list[_Region] = []
    parts: list[Span] = []
    depth, start, i, n = 0, -1, 0, len(text)
    while i < n:
        ch, width = text[i], 1
        if ch == "'" and text.startswith("''", i):
            ch, width = '"', 2
        if depth == 0:
            if ch in _OPEN or (ch == '"' and (i == 0 or not text[i - 1].isalnum())):
                depth, start = 1, i
        elif text.startswith("\n\n", i) or (text[i] == "\n" and text[i + 1:i + 2] == "\n"):
            j = i
            while j < n and text[j].isspace():
                j += 1
            parts.append(Span(start, i))
            if j < n and (text[j] in _OPEN or text[j] == '"' or text.startswith("''", j)):
                depth, start, i = 1, j, j + (2 if text.startswith("''", j) else 1)
                continue
            regions.append(_Region(tuple(parts)))
            parts, depth = [], 0
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE or (ch == '"' and (i + width == n or not text[i + width].isalnum()
                                             or text[i - 1] in ".,?!")):
            depth -= 1
            if depth == 0:
                parts.append(Span(start, i + width))
                regions.append(_Region(tuple(parts)))
                parts = []
        i += width
    if depth and start >= 0:
        parts.append(Span(start, n))
        regions.append(_Region(tuple(parts)))
    return [r for r in regions if any(p.end - p.start > 2 for p in r.parts)]


def _inner(text: str, region: _Region) -> str:
    pieces = []
    for part in region.parts:
        piece = text[part.start:part.end].strip()
        piece = piece[2:] if piece[:2] == "''" else piece[1:] if piece[:1] in _OPEN + '"' else piece
        piece = piece[:-2] if piece[-2:] == "''" else piece[:-1] if piece[-1:] in _CLOSE + '"' else piece
        pieces.append(piece.strip().rstrip(",").strip())
    return " ".join(p for p in pieces if p)


def _overlap(span: Span, region: _Region) -> int:
    return max(0, min(span.end, region.end) - max(span.start, region.start))


def _plausible_speaker(phrase: str) -> bool:
    """False for subjects that cannot speak: relative pronouns, a bare lower-case noun ("time would tell")."""
    words = phrase.split()
    if words[0].lower() in {"which", "who", "whose", "that", "what"}:
        return False
    return not (len(words) == 1 and words[0].islower() and words[0] not in _PRONOUNS)


def _gap(region: _Region, cue: Span) -> int:
    return cue.start - region.end if region.end <= cue.start else max(0, region.start - cue.end)


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


_DESCRIPTIVE = frozenset({"the", "a", "an", "of", "former", "senior", "top", "chief", "deputy", "vice", "acting",
                          "state", "news", "agency", *ROLE_NOUNS})


class _Speakers:
    """Points speaker phrases at names: a name inside, a pronoun's antecedent, a description."""

    def __init__(self, text: str, mentions: list[NameMention], regions: list[_Region]) -> None:
        self.text = text
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.regions = regions
        self.described: list[Span] = []
        self.surnames = {name_key(m.text.split()[-1]) for m in mentions if m.label == "person"}

    def _in_quote(self, pos: int) -> bool:
        return any(p.start <= pos < p.end for r in self.regions for p in r.parts)

    def _named(self, span: Span, inside: list[NameMention]) -> NameMention | None:
        """The name a speaker phrase is headed by, if any ("Pentagon spokesman ... John Kirby", "IRNA news agency")."""
        for m in inside:
            if m.label == "nominal":
                return m
            before = self.text[span.start:m.start].split()
            after = self.text[m.end:span.end].split()
            # the name ends the phrase and only titles, roles or names come before it
            if not after and all(w[:1].isupper() or w.lower() in _DESCRIPTIVE for w in before):
                return m
            # the name opens the phrase and a word or two of its kind follow ("IRNA news agency")
            if not before and len(after) <= 2 and all(w.lower() in _DESCRIPTIVE for w in after):
                return m
        return None

    def _personal(self, m: NameMention) -> bool:
        return m.label == "person" or (m.label != "nominal" and name_key(m.text) in self.surnames)

    def ref(self, span: Span | None, cue_at: int) -> Span | None:
        if span is None:
            return None
        inside = [m for m in self.mentions if span.start <= m.start and m.end <= span.end]
        named = self._named(span, inside)
        if named is not None:
            return named.span
        words = self.text[span.start:span.end].split()
        if not inside and 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words) \
                and words[0].lower() not in _PRONOUNS:
            return span  # a name the tagger missed ("Rouhani said"); annotate adds it as a mention
        if len(words) == 1 and words[0].lower() in {"he", "she"}:
            return self._antecedent(min(span.start, cue_at))
        return None

    def _antecedent(self, at: int) -> Span | None:
        """The person "he"/"she" refers to: the last person who spoke, else the last person named.

        A description that spoke after them ("An Iraqi army spokesman ... He said") wins, and
        then the speaker has no name.
        """
        spoke = [d for d in self.described if d.end <= at]
        named = [m for m in self.mentions if self._personal(m) and m.end <= at and not self._in_quote(m.start)]
        for phrase in reversed(spoke):
            if at - phrase.end > 1500:
                break
            inside = [m for m in self.mentions if phrase.start <= m.start and m.end <= phrase.end]
            first = self.text[phrase.start:phrase.end].split()[0].lower()
            if first in _PRONOUNS:
                continue  # "he said" before: keep looking for who that was
            person = next((m for m in inside if self._personal(m)), None)
            if person is not None:
                return person.span
            if inside:
                return None  # "An Iraqi army spokesman in Baghdad": a description, no name
            if not inside:
                if all(w[:1].isupper() for w in self.text[phrase.start:phrase.end].split()):
                    return phrase  # a name the tagger missed
                return None if not named or named[-1].end < phrase.start else named[-1].span
        return named[-1].span if named else None


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-"):
        end -= 1
    return Span(start, end) if end > start else None


def attribute_quotes(article_id: str, text: str, mentions: list[NameMention], sentences: list[Span],
                     doc: Any = None, min_words: int = 3, cues: CueLexicon = DEFAULT_CUES) -> list[QuoteMention]:
    """Return the quotes and reported speech of one article (see the module docstring).

    Args:
        article_id: id used in the records.
        text: the article text.
        mentions: the article's name mentions (for speakers).
        sentences: sentence spans (used without spaCy).
        doc: a spaCy ``Doc`` of ``text`` with a parser, or None for the pattern fallback.
        min_words: a quote with no cue and fewer words than this is a scare quote, not a quote.
        cues: the cue verbs of the parse-based finder.
    """
    regions = quote_regions(text)
    speakers = _Speakers(text, mentions, regions)
    found = _spacy_cues(text, doc, regions, cues) if doc is not None else _rule_cues(text, sentences, regions)
    found += _headline_cues(text, regions, found)
    # several cues may reach for one quote ("Asked if ..., Rouhani told ...: “…”"): the nearest wins
    nearest: dict[int, _Cue] = {}
    for cue in found:
        if cue.region is not None:
            distance = _gap(regions[cue.region], cue.cue)
            if cue.region not in nearest or distance < _gap(regions[cue.region], nearest[cue.region].cue):
                nearest[cue.region] = cue
    speakers.described = [c.speaker for c in found if c.speaker is not None]
    reported = [c.content for c in found if c.content is not None]
    found = [c for c in found if c.region is None or (nearest[c.region] is c and not any(
        _overlap(r, regions[c.region]) >= 0.5 * (regions[c.region].end - regions[c.region].start) for r in reported))]
    found = [c for c in found if c.speaker is None or _plausible_speaker(text[c.speaker.start:c.speaker.end])]
    # a cue verb inside what someone else reported ("he thinks cutting the deficit matters more than
    # defending the nation", "Trump said he wants to ban ...") is part of that content, not a quote of its
    # own (with or without a speaker: on PolNeAR train such inner attributions are 9 in 10 times not annotated)
    found = [c for c in found if c.region is not None or not any(
        o is not c and o.content is not None and o.content.start <= c.cue.start < o.content.end
        and not (c.content is not None and c.content.start <= o.cue.start < c.content.end) for o in found)]
    quotes: list[QuoteMention] = []
    claimed: dict[int, QuoteMention] = {}
    for cue in found:
        ref = speakers.ref(cue.speaker, cue.cue.start)
        speaker_text = text[cue.speaker.start:cue.speaker.end] if cue.speaker else None
        cue_text = text[cue.cue.start:cue.cue.end]
        if cue.region is not None:
            region = regions[cue.region]
            if cue.region in claimed:
                continue
            quote = QuoteMention(article_id, region.parts, _inner(text, region), True, cue_text, cue.cue,
                                 speaker_text, cue.speaker, ref, cue.channel)
            claimed[cue.region] = quote
        else:
            if cue.content is None or _words(text[cue.content.start:cue.content.end]) < 1:
                continue
            inner_regions = [i for i, r in enumerate(regions)
                             if cue.content.start <= r.start and r.end <= cue.content.end]
            quote = QuoteMention(article_id, (cue.content,), text[cue.content.start:cue.content.end], False, cue_text,
                                 cue.cue, speaker_text, cue.speaker, ref, cue.channel)
            for i in inner_regions:  # scare quotes inside reported speech belong to it
                claimed.setdefault(i, quote)
        quotes.append(quote)
    # a quote with no cue continues the attributed direct quote right before it, or stands alone
    merged: dict[int, QuoteMention] = {}
    for i, region in enumerate(regions):
        if i in claimed:
            continue
        previous = _previous_direct(text, regions, i, claimed)
        if previous is not None:
            owner = merged.get(id(previous), previous)
            joined = QuoteMention(article_id, (*owner.parts, *region.parts), f"{owner.text} {_inner(text, region)}",
                                  True, owner.cue, owner.cue_span, owner.speaker, owner.speaker_span,
                                  owner.speaker_ref, owner.channel)
            quotes[quotes.index(owner)] = joined
            merged[id(previous)] = joined
            claimed[i] = previous
            continue
        inner = _inner(text, region)
        if _words(inner) >= min_words and _stands_alone(text, region):
            quote = QuoteMention(article_id, region.parts, inner, True)
            claimed[i] = quote
            quotes.append(quote)
    return sorted(quotes, key=lambda q: (q.parts[0].start, q.parts[-1].end))


def _previous_direct(text: str, regions: list[_Region], i: int,
                     claimed: dict[int, QuoteMention]) -> QuoteMention | None:
    """The attributed quote this one continues: the region right before it, with only its cue between."""
    if i == 0 or (i - 1) not in claimed:
        return None
    owner = claimed[i - 1]
    if not owner.direct or owner.speaker is None:
        return None
    gap_start, gap_end = regions[i - 1].end, regions[i].start
    gap = list(text[gap_start:gap_end])
    for span in (owner.speaker_span, owner.cue_span):
        if span is not None and gap_start <= span.start and span.end <= gap_end:
            gap[span.start - gap_start:span.end - gap_start] = " " * (span.end - span.start)
    rest = "".join(gap)
    if "\n\n" in rest.strip() and _words(rest) > 0:
        return None
    # the cue sits between the two halves (“…,” he said at a conference in London. “…”), or only a
    # few words are left ("IRNA news agency quoted Khamenei as saying" keeps the channel)
    cue_between = owner.cue_span is not None and gap_start <= owner.cue_span.start < gap_end
    return owner if cue_between or _words(rest) <= 4 else None


def _stands_alone(text: str, region: _Region) -> bool:
    """True for a quote that opens a sentence (not a scare quote inside running prose)."""
    before = text[:region.start].rstrip()
    return not before or before[-1] in ".!?:\n" or text[region.start - 1:region.start] == "\n"


@dataclass(frozen=True, slots=True)
class _Cue:
    cue: Span
    speaker: Span | None
    content: Span | None
    region: int | None
    channel: str | None = None


def _region_at(regions: list[_Region], start: int, end: int) -> int | None:
    for i, r in enumerate(regions):
        if r.start < end and start < r.end:
            return i
    return None


def _spacy_cues(text: str, doc: Any, regions: list[_Region], lexicon: CueLexicon) -> list[_Cue]:
    in_quote = [False] * len(doc)
    for token in doc:
        in_quote[token.i] = any(p.start <= token.idx < p.end for r in regions for p in r.parts)
    cues: list[_Cue] = []
    for token in doc:
        if in_quote[token.i]:
            continue
        if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
            cues.append(_according(text, doc, token, regions, in_quote))
            continue
        lemma = lexicon.lemma(token)
        if token.tag_ in _NOUN_TAGS and token.lower_.rstrip("s") in NOUN_CUES:
            noun = _noun_cue(text, token, in_quote)
            if noun is not None:
                cues.append(noun)
            continue
        if not lexicon.is_verb(lemma) or token.tag_ not in _VERB_TAGS:
            continue
        cue = _verb_cue(text, doc, token, regions, in_quote, lexicon)
        if cue is not None and (lemma not in WEAK_CUES or cue.region is not None or cue.content is not None):
            cues.append(cue)
    return [c for c in cues if c is not None]


def _noun_cue(text: str, noun: Any, in_quote: list[bool]) -> _Cue | None:
    """"Trump's claim that ...", "his comments on Muslims", "her plan to ...": the possessor speaks.

    The content is the that-clause, the infinitive, or the object of "of/on/about/for/to".
    """
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    possessor = owner is not None
    clause = next((c for c in noun.children if c.dep_ in {"acl", "ccomp", "relcl"} and
                   any(t.lower_ in {"that", "to"} and t.dep_ in {"mark", "aux"} for t in c.children)), None)
    if clause is None:
        prep = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ in _NOUN_PREPS and c.i > noun.i), None)
        clause = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
    if owner is None and clause is not None and noun.dep_ in {"dobj", "attr"}:
        # "Trump made an assertion that ...", "she issued a call for ...": the subject of the verb speaks
        owner = next((c for c in noun.head.children if c.dep_ == "nsubj" and not in_quote[c.i]), None)
        if owner is not None and owner.lower_ in {"which", "who", "that"}:
            owner = None
    if owner is None or clause is None:
        return None
    content = _subtree_span(text, clause, [False] * len(in_quote))
    speaker = _subtree_span(text, owner, in_quote, stop_at_comma=not possessor)
    if content is None or speaker is None:
        return None
    if text[speaker.end - 2:speaker.end] in {"'s", "’s"}:
        speaker = Span(speaker.start, speaker.end - 2)
    return _Cue(Span(noun.idx, noun.idx + len(noun.text)), speaker, content, None)


def _subtree_span(text: str, token: Any, in_quote: list[bool], stop_at_comma: bool = False) -> Span | None:
    tokens = [t for t in token.subtree if not in_quote[t.i]]
    if not tokens:
        return None
    if stop_at_comma:  # the noun phrase, without an appositive or relative clause after the head
        kept = []
        for t in tokens:
            if t.i > token.i and (t.text in {",", "(", "—", "–"} or t.dep_ in {"relcl", "appos", "acl"}):
                break
            kept.append(t)
        tokens = kept
        if not tokens:  # the head itself is inside a quote and a comma follows it
            return None
    return _trim(text, tokens[0].idx, tokens[-1].idx + len(tokens[-1].text))


def _verb_cue(text: str, doc: Any, verb: Any, regions: list[_Region], in_quote: list[bool],
              lexicon: CueLexicon = DEFAULT_CUES) -> _Cue | None:
    children = list(verb.children)
    if verb.tag_ == "VBN" and not any(c.dep_ in {"aux", "auxpass"} for c in children):
        return None  # "Asked if ...", "when asked": a participle, not an attribution
    subject = next((c for c in children if c.dep_ == "nsubj" and not in_quote[c.i]), None)
    if subject is None:  # passive: the speaker is the agent ("was confirmed by the U.S.")
        agent = next((c for c in children if c.dep_ == "agent"), None)
        subject = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    if subject is not None and subject.lower_ in {"which", "who", "that"} and verb.dep_ == "relcl":
        subject = verb.head  # "Iran, which has said ..." speaks through its antecedent
    channel = None
    lemma = lexicon.lemma(verb)
    if lemma == "quote":  # "IRNA news agency quoted Khamenei as saying"
        obj = next((c for c in children if c.dep_ == "dobj"), None)
        if obj is not None:
            channel = text[subject.idx:subject.idx + len(subject.text)] if subject is not None else None
            channel_span = _subtree_span(text, subject, in_quote) if subject is not None else None
            channel = text[channel_span.start:channel_span.end] if channel_span else channel
            subject = obj
    head = verb
    while subject is None and head.dep_ in {"conj", "advcl", "xcomp", "acomp"} and head.head is not head:
        head = head.head  # "..., adding that ..." takes the subject of the verb it hangs on
        subject = next((c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"} and not in_quote[c.i]), None)
    speaker = _subtree_span(text, subject, in_quote, stop_at_comma=True) if subject is not None else None
    aux = [c for c in children if c.dep_ in {"aux", "auxpass", "neg"} and c.i < verb.i and not in_quote[c.i]]
    cue_start = aux[0].idx if aux else verb.idx
    cue_end = verb.idx + len(verb.text)
    if lemma == "quote":
        as_saying = [t for t in verb.subtree if t.lower_ in {"saying", "said"} and t.i > verb.i]
        if as_saying:
            cue_end = as_saying[0].idx + len(as_saying[0].text)
    cue = Span(cue_start, cue_end)
    sentence = verb.sent
    # "calls for the U.S. to act": a for-to clause is the content too
    comps = [c for c in children if c.dep_ in {"ccomp", "xcomp"} or (c.dep_ == "advcl" and any(
        t.dep_ == "mark" and t.lower_ == "for" for t in c.children))]
    comp = next((c for c in comps if c.i > verb.i), comps[0] if comps else None)
    if comp is None and (lemma in OBJECT_CUES or lemma not in WEAK_CUES):
        comp = next((c for c in children if c.i > verb.i and (c.dep_ == "dobj" or (
            c.dep_ == "prep" and c.lower_ not in _CIRCUMSTANCE_PREPS))), None)
    if comp is None and verb.dep_ == "parataxis" and verb.head.i != verb.i:
        comp = verb.head  # "The bigger risk, he said, is a clash ...": the clause the cue interrupts

    if lemma == "quote":
        comp = None
    region = None
    content = None
    if comp is not None:
        comp_span = _subtree_span(text, comp, [False] * len(in_quote))
        if comp_span is not None:
            comp_span = _within_paragraph(text, comp_span, verb.idx)
        if comp_span is not None:
            overlapping = _region_at(regions, comp_span.start, comp_span.end)
            if overlapping is not None and _covers(regions[overlapping], comp_span):
                region = overlapping
            else:
                content = comp_span
    if region is None and content is None:
        region = _adjacent_region(text, regions, sentence.start_char, sentence.end_char, cue)
    if speaker is None and region is None and content is None:
        return None
    return _Cue(cue, speaker, content, region, channel)


def _within_paragraph(text: str, span: Span, anchor: int) -> Span | None:
    """Keep the part of a span in the paragraph of ``anchor`` (a parse may run on past a paragraph)."""
    left = text.rfind("\n\n", 0, anchor)
    right = text.find("\n\n", anchor)
    start = max(span.start, left + 2 if left >= 0 else 0)
    end = min(span.end, right if right >= 0 else len(text))
    return _trim(text, start, end) if end > start else None


def _covers(region: _Region, span: Span) -> bool:
    """True when the complement is (mostly) the quote itself, not reported speech quoting a phrase."""
    inside = sum(max(0, min(p.end, span.end) - max(p.start, span.start)) for p in region.parts)
    return inside >= 0.85 * (span.end - span.start)


def _adjacent_region(text: str, regions: list[_Region], start: int, end: int, cue: Span) -> int | None:
    """A direct quote in the cue's sentence, or right after a cue that ends with a colon."""
    best = None
    for i, r in enumerate(regions):
        gap = text[r.end:cue.start] if r.end <= cue.start else text[cue.end:r.start]
        in_sentence = r.start < end + 2 and start - 2 < r.end
        # "Cruz continued:" closing a paragraph introduces the quote that opens the next one
        colon_lead = r.start >= cue.end and re.fullmatch(r"[^.!?“”\"\n]{0,60}:\s*", gap) is not None
        if ("\n\n" in gap and not colon_lead) or not (in_sentence or (":" in gap and len(gap) <= 60)):
            continue
        before = r.end <= cue.start
        # “…,” X said: a quote closing on a comma hands over to the cue after it
        hand_over = before and text[max(r.start, r.end - 3):r.end].rstrip("”\"'")[-1:] in {",", "?", "!"}
        rank = (0 if hand_over else 1, len(gap))
        if best is None or rank < best[0]:
            best = (rank, i)
    return best[1] if best else None


def _according(text: str, doc: Any, token: Any, regions: list[_Region], in_quote: list[bool]) -> _Cue:
    to = next(c for c in token.children if c.lower_ == "to")
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    speaker = _subtree_span(text, pobj, in_quote) if pobj is not None else None
    cue = Span(token.idx, to.idx + len(to.text))
    sentence = token.sent
    phrase_end = speaker.end if speaker else cue.end
    before = _trim(text, sentence.start_char, token.idx)
    after = _trim(text, phrase_end, sentence.end_char)
    content = before if before and (after is None or before.end - before.start >= after.end - after.start) else after
    if content is not None and text[content.end - 1:content.end] == ".":
        content = _trim(text, content.start, content.end - 1)
    region = _region_at(regions, content.start, content.end) if content else None
    if region is not None and not _covers(regions[region], content):
        region = None
    return _Cue(cue, speaker, None if region is not None else content, region)


_HEADLINE = re.compile(r"^(?P<sp>[A-Z][\w’'.&-]*(?:\s+(?:[A-Z][\w’'.&/-]*|of|the|and|for|on)){0,5})"
                       r"(?P<cue>:)\s+(?P<content>\S.*\S)\s*$")


def _headline_cues(text: str, regions: list[_Region], found: list[_Cue]) -> list[_Cue]:
    """"Graham: Trump's Rhetoric Destroying GOP's Chance": a headline line that names its speaker first.

    Only a line of its own (a headline, or a paragraph of one line) with a short title-case name
    before the colon; a line another cue already attributes is left alone.
    """
    cues = []
    taken = [c.content or Span(regions[c.region].start, regions[c.region].end) for c in found
             if c.content is not None or c.region is not None]
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        match = _HEADLINE.match(line)
        if match and _words(match.group("content")) >= 3 and not match.group("sp").isupper() \
                and not any(t.start < end and start < t.end for t in taken):
            content = _trim(text, start + match.start("content"), start + match.end("content"))
            region = _region_at(regions, content.start, content.end) if content else None
            if region is not None and not _covers(regions[region], content):
                region = None
            cues.append(_Cue(Span(start + match.start("cue"), start + match.end("cue")),
                             Span(start + match.start("sp"), start + match.end("sp")),
                             None if region is not None else content, region))
        start = end + 1
    return cues


def _rule_cues(text: str, sentences: list[Span], regions: list[_Region]) -> list[_Cue]:
    """Pattern fallback: ``"...," NAME said``, ``NAME said: "..."``, ``NAME said that ...``."""
    cues: list[_Cue] = []
    for i, region in enumerate(regions):
        line_end = text.find("\n", region.end)
        after = text[region.end: len(text) if line_end < 0 else line_end]
        quoted = _QUOTED_AS.match(after)
        if quoted:
            speaker = Span(region.end + quoted.start("sp"), region.end + quoted.end("sp"))
            cue = Span(region.end + quoted.start("cue"), region.end + quoted.end())
            cues.append(_Cue(cue, speaker, None, i, quoted.group("ch").strip()))
            continue
        match = _AFTER_QUOTE.match(after)
        if match:
            key_sp, key_cue = ("sp", "cue") if match.group("cue") else ("sp2", "cue2")
            speaker = Span(region.end + match.start(key_sp), region.end + match.end(key_sp))
            cue = Span(region.end + match.start(key_cue), region.end + match.end(key_cue))
            cues.append(_Cue(cue, speaker, None, i))
            continue
        line_start = text.rfind("\n", 0, region.start) + 1
        before = text[line_start:region.start]
        match = _BEFORE_QUOTE.search(before)
        if match and ("“" not in before[match.start():] and '"' not in before[match.start():]):
            speaker = Span(line_start + match.start("sp"), line_start + match.end("sp"))
            cue = Span(line_start + match.start("cue"), line_start + match.end("cue"))
            cues.append(_Cue(cue, speaker, None, i))
    for sentence in sentences:
        chunk = text[sentence.start:sentence.end]
        if any(r.start < sentence.end and sentence.start < r.end and _covers(r, sentence) for r in regions):
            continue
        match = _INDIRECT.search(chunk)
        if match:
            speaker = Span(sentence.start + match.start("sp"), sentence.start + match.end("sp"))
            cue = Span(sentence.start + match.start("cue"), sentence.start + match.end("cue"))
            content = _trim(text, sentence.start + match.start("content"), sentence.end)
            if content is not None and text[content.end - 1] == ".":
                content = _trim(text, content.start, content.end - 1)
            if content is not None and not any(r.start <= content.start < r.end for r in regions):
                cues.append(_Cue(cue, speaker, content, None))
        according = _ACCORDING.search(chunk)
        if according:
            speaker = Span(sentence.start + according.start("sp"), sentence.start + according.end("sp"))
            cue = Span(sentence.start + according.start(), sentence.start + according.start("sp") - 1)
            content = _trim(text, sentence.start, sentence.start + according.start())
            if content is not None:
                cues.append(_Cue(cue, speaker, content, None))
    return [_Cue(c.cue, _clean_speaker(text, c.speaker), c.content, c.region, c.channel) for c in cues]


def _clean_speaker(text: str, span: Span | None) -> Span | None:
    """Drop a leading conjunction and trailing punctuation from a pattern-found speaker phrase."""
    if span is None:
        return None
    start, end = span.start, span.end
    match = re.match(r"(?:But|And|So|Yet)\s+", text[start:end])
    if match and end - start > match.end():
        start += match.end()
    if text[end - 1:end] == "." and end - start > 2:
        end -= 1
    return _trim(text, start, end)
