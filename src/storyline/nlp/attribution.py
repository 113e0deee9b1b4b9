"""Attribution cues in one article: who says (speaker phrase), the cue, and what (a content span or a quote).

Two finders give the same records: ``spacy_cues`` over a dependency parse (verbs and their
subjects and complements, nouns with a possessor, "according to"), and ``rule_cues``, patterns
for the common shapes when no parser is installed (``NAME said that ...``, ``"...," he said``).
``headline_cues`` adds a headline that names its speaker before a colon ("Graham: ...").

Every cue says whether its content is a *quote* (``clausal``): the words inside quotation marks,
or a speech or cognition verb with a clause ("said the harbour had reopened", "believe that ...",
"vowed to take the battle to Baghdad"). A noun phrase alone ("accused the United States",
"denounced the toll increase") is an attribution a stance can use, but not a quote a reader is shown.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from storyline.model import Span
from storyline.nlp.cues import (
    COMMIT_LEMMAS,
    CUE_FORMS,
    DEFAULT_CUES,
    NOUN_CUES,
    OBJECT_CUES,
    QUOTE_LEMMAS,
    WEAK_CUES,
    CueLexicon,
)
from storyline.nlp.quote_marks import QuoteRegion, covers, region_at, trim_span
from storyline.nlp.speakers import is_outlet

__all__ = ["Cue", "headline_cues", "rule_cues", "spacy_cues"]

_NOUN_PREPS = frozenset({"of", "on", "about", "for", "to", "against"})
# a cue verb's prepositional phrase with these is where or when, not what (on PolNeAR train fewer
# than 1 in 4 such phrases are attributed content: "argued in 2004", "learn from hard experience")
_CIRCUMSTANCE_PREPS = frozenset({"in", "from", "into", "like", "during", "until", "before", "under", "through",
                                 "throughout", "toward", "towards", "upon", "near", "along", "outside", "since",
                                 "within", "across", "around", "amid", "inside", "than"})
_HEARER_CUES = frozenset({"tell", "inform", "assure", "remind", "brief", "notify", "email", "text", "thank"})
_TIME_WORDS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
                         "february", "march", "april", "may", "june", "july", "august", "september", "october",
                         "november", "december", "today", "yesterday", "tomorrow", "morning", "evening",
                         "afternoon", "night", "weekend", "week", "month", "year", "occasion", "condition",
                         "basis", "behalf", "record", "camera", "television", "radio", "twitter", "telephone",
                         "phone", "day"})
# Penn tags, not universal POS: the attribute ruler that maps one to the other is not run (16% of spaCy's time)
_NOUN_TAGS = frozenset({"NN", "NNS"})
_VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD"})
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
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
_RULE_PREPS = re.compile(r"^(?:on|in|at|from|during|after|before|by|to|with|for|about|over)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Cue:
    """One attribution cue: its span, the speaker phrase, and a content span or a direct quote (region index).

    ``clausal`` is True when the content is a quote (see the module docstring); ``channel`` is who
    relayed it when the text says so ("IRNA news agency quoted Khamenei as saying").
    """

    cue: Span
    speaker: Span | None
    content: Span | None
    region: int | None
    channel: str | None = None
    clausal: bool = True
    lemma: str = ""


class _QuoteIndex:
    """Is a character offset inside a direct quote? (bisect over the sorted quote parts)."""

    def __init__(self, regions: list[QuoteRegion]) -> None:
        self.parts = sorted((p for r in regions for p in r.parts), key=lambda p: p.start)
        self.starts = [p.start for p in self.parts]

    def __call__(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and self.parts[i].start <= pos < self.parts[i].end


def spacy_cues(text: str, doc: Any, regions: list[QuoteRegion], lexicon: CueLexicon = DEFAULT_CUES) -> list[Cue]:
    """Find cues in a spaCy parse of ``text`` (verbs, nouns with a possessor, "according to")."""
    inside = _QuoteIndex(regions)
    in_quote = [inside(token.idx) for token in doc]
    cues: list[Cue] = []
    for token in doc:
        if in_quote[token.i]:
            continue
        if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
            cues.append(_according(text, token, regions, in_quote))
            continue
        lemma = lexicon.lemma(token)
        if token.tag_ in _NOUN_TAGS and token.lower_.rstrip("s") in NOUN_CUES:
            noun = _noun_cue(text, token, in_quote)
            if noun is not None:
                cues.append(noun)
            continue
        if not lexicon.is_verb(lemma) or token.tag_ not in _VERB_TAGS:
            continue
        cue = _verb_cue(text, token, regions, in_quote, lexicon)
        if cue is not None and (lemma not in WEAK_CUES or cue.region is not None or cue.content is not None):
            cues.append(cue)
    return cues


def _noun_cue(text: str, noun: Any, in_quote: list[bool]) -> Cue | None:
    """"Trump's claim that ...", "his comments on Muslims", "her plan to ...": the possessor speaks.

    The content is the that-clause, the infinitive, or the object of "of/on/about/for/to".
    """
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    possessor = owner is not None
    clause = next((c for c in noun.children if c.dep_ in {"acl", "ccomp", "relcl"} and
                   any(t.lower_ in {"that", "to"} and t.dep_ in {"mark", "aux"} for t in c.children)), None)
    clausal = clause is not None and any(t.lower_ == "that" for t in clause.children)
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
    content = subtree_span(text, clause, [False] * len(in_quote))
    speaker = subtree_span(text, owner, in_quote, stop_at_comma=not possessor)
    if content is None or speaker is None:
        return None
    if text[speaker.end - 2:speaker.end] in {"'s", "’s"}:
        speaker = Span(speaker.start, speaker.end - 2)
    return Cue(Span(noun.idx, noun.idx + len(noun.text)), speaker, content, None, clausal=clausal,
               lemma=noun.lower_.rstrip("s"))


def subtree_span(text: str, token: Any, in_quote: list[bool], stop_at_comma: bool = False) -> Span | None:
    """The span of a token's subtree outside quotes (``stop_at_comma``: the noun phrase without what follows)."""
    tokens = [t for t in token.subtree if not in_quote[t.i]]
    if not tokens:
        return None
    if stop_at_comma:  # the noun phrase, without an appositive or relative clause after the head
        kept = []
        for t in tokens:
            # an appositive name with no comma stays ("His lawyer Catherine Recker")
            if t.i > token.i and (t.text in {",", "(", "—", "–", "-", "--"} or t.dep_ in {"relcl", "acl"} or (
                    t.dep_ == "appos" and t.tag_ not in {"NNP", "NNPS"})):
                break
            kept.append(t)
        tokens = kept
        if not tokens:  # the head itself is inside a quote and a comma follows it
            return None
        doc = token.doc
        end = tokens[-1].i
        while end + 1 < len(doc) and doc[end + 1].ent_iob_ == "I" and not in_quote[end + 1]:
            end += 1  # a name the parse cut ("Interior Minister Habib | Adly warned", Adly tagged an adverb)
        tokens = [*tokens, *doc[tokens[-1].i + 1:end + 1]]
    return trim_span(text, tokens[0].idx, tokens[-1].idx + len(tokens[-1].text))


def _is_time(token: Any) -> bool:
    """A "when" phrase: "on Saturday", "in a statement on Monday", "on condition of anonymity"."""
    objects = [c for c in token.children if c.dep_ == "pobj"]
    return bool(objects) and all(o.lower_ in _TIME_WORDS or o.ent_type_ in {"DATE", "TIME"} for o in objects)


def _clausal_complement(verb: Any, comp: Any, lemma: str) -> bool:
    """True when a verb's complement is a clause the verb reports (a quote), not a thing or an act."""
    if lemma not in QUOTE_LEMMAS:
        return False
    if comp.dep_ == "ccomp" or comp.i == verb.head.i:
        return True
    if comp.dep_ == "xcomp":  # "vowed to take ...": an infinitive, and only for verbs that commit to it
        return comp.tag_ == "VB" and lemma in COMMIT_LEMMAS
    if comp.dep_ == "advcl":  # "calls for the U.S. to act"
        return lemma in COMMIT_LEMMAS
    return False


def _verb_cue(text: str, verb: Any, regions: list[QuoteRegion], in_quote: list[bool],
              lexicon: CueLexicon) -> Cue | None:
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
            channel_span = subtree_span(text, subject, in_quote) if subject is not None else None
            channel = text[channel_span.start:channel_span.end] if channel_span else channel
            subject = obj
    head = verb
    while subject is None and head.dep_ in {"conj", "advcl", "xcomp", "acomp"} and head.head is not head:
        head = head.head  # "..., adding that ..." takes the subject of the verb it hangs on
        subject = next((c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"} and not in_quote[c.i]), None)
    speaker = subtree_span(text, subject, in_quote, stop_at_comma=True) if subject is not None else None
    aux = [c for c in children if c.dep_ in {"aux", "auxpass", "neg"} and c.i < verb.i and not in_quote[c.i]]
    cue_start = aux[0].idx if aux else verb.idx
    # a particle or negation after the verb is part of the cue: "has ruled out", "said not"
    after = [c for c in children if c.dep_ in {"prt", "neg"} and c.i > verb.i and c.i <= verb.i + 2]
    last = max([verb, *after], key=lambda t: t.i)
    cue_end = last.idx + len(last.text)
    if lemma == "quote":
        as_saying = [t for t in verb.subtree if t.lower_ in {"saying", "said"} and t.i > verb.i]
        if as_saying:
            cue_end = as_saying[0].idx + len(as_saying[0].text)
    cue = Span(cue_start, cue_end)
    sentence = verb.sent
    # "calls for the U.S. to act": a for-to clause is the content too
    comps = [c for c in children if c.dep_ in {"ccomp", "xcomp"} or (c.dep_ == "advcl" and any(
        t.dep_ == "mark" and t.lower_ == "for" for t in c.children))]
    # "..., the port authority said on Monday, Agence France-Presse reported": the outlet's clause is the
    # channel, not what the authority said
    relay = next((c for c in comps if _channel_clause(text, c, lexicon)), None)
    if relay is not None:
        comps = [c for c in comps if c is not relay]
        relay_subject = next(t for t in relay.children if t.dep_ in {"nsubj", "nsubjpass"})
        channel = text[relay_subject.idx:relay_subject.idx + len(relay_subject.text)]
        channel_span = subtree_span(text, relay_subject, in_quote)
        channel = text[channel_span.start:channel_span.end] if channel_span else channel
        if not comps:  # "X, A said, B reported" parsed with X under the outlet's verb
            comps = [c for c in relay.children if c.dep_ == "ccomp" and c.i < verb.i]
    # a clause before the cue reports it ("The risk is high, he said") unless a colon or semicolon
    # parts them ("Summers argued that ...: the answers had been found by men like him")
    comps = [c for c in comps if c.i > verb.i or not any(
        t.text in {":", ";"} for t in verb.doc[max(t.i for t in c.subtree) + 1:verb.i])]
    comp = next((c for c in comps if c.i > verb.i), comps[0] if comps else None)
    if comp is None and (lemma in OBJECT_CUES or lemma not in WEAK_CUES):
        # "told BBC Caribbean": the object of a verb of telling is who hears, not what is said
        comp = next((c for c in children if c.i > verb.i and ((c.dep_ == "dobj" and lemma not in _HEARER_CUES) or (
            c.dep_ == "prep" and c.lower_ not in _CIRCUMSTANCE_PREPS and not _is_time(c)))), None)
    if comp is None and verb.dep_ == "parataxis" and verb.head.i != verb.i and _set_off(verb):
        comp = verb.head  # "The bigger risk, he said, is a clash ...": the clause the cue interrupts
    if lemma == "quote":
        comp = None
    region = None
    content = None
    clausal = False
    if comp is not None:
        comp_span = subtree_span(text, comp, [False] * len(in_quote))
        if comp_span is not None:
            comp_span = _within_paragraph(text, comp_span, verb.idx)
        if comp_span is not None:
            overlapping = region_at(regions, comp_span.start, comp_span.end)
            if overlapping is not None and covers(regions[overlapping], comp_span):
                region = overlapping
            else:
                content = comp_span
                clausal = _clausal_complement(verb, comp, lemma)
    if region is None and content is None and (lemma in QUOTE_LEMMAS or lemma in {"continue", "quote"}):
        region = _adjacent_region(text, regions, sentence.start_char, sentence.end_char, cue)
    if speaker is None and region is None and content is None:
        return None
    return Cue(cue, speaker, content, region, channel, clausal or region is not None, lemma)


def _channel_clause(text: str, clause: Any, lexicon: CueLexicon) -> bool:
    """True for a clause that only names an outlet relaying ("Agence France-Presse reported")."""
    subject = next((t for t in clause.children if t.dep_ in {"nsubj", "nsubjpass"}), None)
    if subject is None or lexicon.lemma(clause) not in {"report", "say", "quote", "write"}:
        return False
    own = {t.i for t in subject.subtree} | {clause.i}
    rest = [t for t in clause.subtree if not t.is_punct and t.i not in own]
    return len(rest) <= 2 and is_outlet(text[subject.left_edge.idx:subject.right_edge.idx + len(subject.right_edge)])


def _set_off(verb: Any) -> bool:
    """True for a cue set off by commas inside the clause it reports (", he said,")."""
    tokens = sorted(verb.subtree, key=lambda t: t.i)
    doc = verb.doc
    first, last = tokens[0].i, tokens[-1].i
    before = doc[first].text if doc[first].is_punct else doc[first - 1].text if first > 0 else ""
    after = doc[last].text if doc[last].is_punct else doc[last + 1].text if last + 1 < len(doc) else ""
    return before in {",", "—", "–"} and after in {",", ".", "—", "–", ";"}


def _within_paragraph(text: str, span: Span, anchor: int) -> Span | None:
    """Keep the part of a span in the paragraph of ``anchor`` (a parse may run on past a paragraph)."""
    left = text.rfind("\n\n", 0, anchor)
    right = text.find("\n\n", anchor)
    start = max(span.start, left + 2 if left >= 0 else 0)
    end = min(span.end, right if right >= 0 else len(text))
    return trim_span(text, start, end) if end > start else None


def _adjacent_region(text: str, regions: list[QuoteRegion], start: int, end: int, cue: Span) -> int | None:
    """A direct quote in the cue's sentence, or right after a cue that ends with a colon."""
    best = None
    for i, r in enumerate(regions):
        gap = text[r.end:cue.start] if r.end <= cue.start else text[cue.end:r.start]
        # the sentence may end just before its quote's mark, but not at a line break
        in_sentence = r.start < end + 2 and start - 2 < r.end and "\n" not in text[end:r.start] \
            and "\n" not in text[r.end:start]
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


def _according(text: str, token: Any, regions: list[QuoteRegion], in_quote: list[bool]) -> Cue:
    to = next(c for c in token.children if c.lower_ == "to")
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    speaker = subtree_span(text, pobj, in_quote) if pobj is not None else None
    cue = Span(token.idx, to.idx + len(to.text))
    sentence = token.sent
    phrase_end = speaker.end if speaker else cue.end
    before = trim_span(text, sentence.start_char, token.idx)
    after = trim_span(text, phrase_end, sentence.end_char)
    content = before if before and (after is None or before.end - before.start >= after.end - after.start) else after
    if content is not None and text[content.end - 1:content.end] == ".":
        content = trim_span(text, content.start, content.end - 1)
    region = region_at(regions, content.start, content.end) if content else None
    if region is not None and not covers(regions[region], content):
        region = None
    return Cue(cue, speaker, None if region is not None else content, region, lemma="according to")


_LABELS = frozenset({"born", "died", "updated", "update", "posted", "published", "correction", "editor's note",
                     "note", "watch", "video", "photo", "photos", "related", "source", "sources", "read", "read more",
                     "see also", "breaking", "live", "exclusive", "opinion", "analysis", "advertisement", "caption",
                     "credit", "file", "pictured", "location", "date", "time", "tags", "topics", "filed", "share",
                     "by", "written", "last updated", "email", "phone", "tel", "fax", "web", "website", "address",
                     "education", "age", "spouse", "children", "occupation", "nationality", "status", "listen"})
_HEADLINE = re.compile(r"^(?P<sp>[A-Z][\w’'.&-]*(?:\s+(?:[A-Z][\w’'.&/-]*|of|the|and|for|on)){0,5})"
                       r"(?P<cue>:)\s+(?P<content>\S.*\S)\s*$")


def headline_cues(text: str, regions: list[QuoteRegion], found: list[Cue]) -> list[Cue]:
    """"Graham: Trump's Rhetoric Destroying GOP's Chance": a headline line that names its speaker first.

    Only a line of its own (a headline, or a paragraph of one line) of 25 words or fewer after a
    short title-case phrase that is not a label ("Born: 1958", "Updated: ..."); a line another cue
    already attributes is left alone.
    """
    cues = []
    taken = [c.content or Span(regions[c.region].start, regions[c.region].end) for c in found
             if c.content is not None or c.region is not None]
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        match = _HEADLINE.match(line)
        speaker = match.group("sp") if match else ""
        if match and 3 <= len(re.findall(r"\w+", match.group("content"))) <= 25 and not speaker.isupper() \
                and speaker.lower() not in _LABELS and not any(t.start < end and start < t.end for t in taken):
            content = trim_span(text, start + match.start("content"), start + match.end("content"))
            region = region_at(regions, content.start, content.end) if content else None
            if region is not None and not covers(regions[region], content):
                region = None
            cues.append(Cue(Span(start + match.start("cue"), start + match.end("cue")),
                            Span(start + match.start("sp"), start + match.end("sp")),
                            None if region is not None else content, region, lemma=":"))
        start = end + 1
    return cues


def rule_cues(text: str, sentences: list[Span], regions: list[QuoteRegion],
              lexicon: CueLexicon = DEFAULT_CUES) -> list[Cue]:
    """Pattern fallback: ``"...," NAME said``, ``NAME said: "..."``, ``NAME said that ...``."""
    cues: list[Cue] = []
    for i, region in enumerate(regions):
        line_end = text.find("\n", region.end)
        after = text[region.end: len(text) if line_end < 0 else line_end]
        quoted = _QUOTED_AS.match(after)
        if quoted:
            speaker = Span(region.end + quoted.start("sp"), region.end + quoted.end("sp"))
            cue = Span(region.end + quoted.start("cue"), region.end + quoted.end())
            cues.append(Cue(cue, speaker, None, i, quoted.group("ch").strip(), lemma="quote"))
            continue
        match = _AFTER_QUOTE.match(after)
        if match:
            key_sp, key_cue = ("sp", "cue") if match.group("cue") else ("sp2", "cue2")
            speaker = Span(region.end + match.start(key_sp), region.end + match.end(key_sp))
            cue = Span(region.end + match.start(key_cue), region.end + match.end(key_cue))
            cues.append(Cue(cue, speaker, None, i, lemma=_lemma(text, cue, lexicon)))
            continue
        line_start = text.rfind("\n", 0, region.start) + 1
        before = text[line_start:region.start]
        match = _BEFORE_QUOTE.search(before)
        if match and ("“" not in before[match.start():] and '"' not in before[match.start():]):
            speaker = Span(line_start + match.start("sp"), line_start + match.end("sp"))
            cue = Span(line_start + match.start("cue"), line_start + match.end("cue"))
            cues.append(Cue(cue, speaker, None, i, lemma=_lemma(text, cue, lexicon)))
    for sentence in sentences:
        chunk = text[sentence.start:sentence.end]
        if any(r.start < sentence.end and sentence.start < r.end and covers(r, sentence) for r in regions):
            continue
        match = _INDIRECT.search(chunk)
        if match:
            speaker = Span(sentence.start + match.start("sp"), sentence.start + match.end("sp"))
            cue = Span(sentence.start + match.start("cue"), sentence.start + match.end("cue"))
            content = trim_span(text, sentence.start + match.start("content"), sentence.end)
            if content is not None and text[content.end - 1] == ".":
                content = trim_span(text, content.start, content.end - 1)
            if content is not None and not any(r.start <= content.start < r.end for r in regions):
                words = text[content.start:content.end].split()
                # without a parse: a that-clause, or three words or more not opening with a preposition
                clausal = words[0].lower() == "that" or (len(words) >= 3 and not _RULE_PREPS.match(words[0]))
                cues.append(Cue(cue, speaker, content, None, clausal=clausal, lemma=_lemma(text, cue, lexicon)))
        according = _ACCORDING.search(chunk)
        if according:
            speaker = Span(sentence.start + according.start("sp"), sentence.start + according.end("sp"))
            cue = Span(sentence.start + according.start(), sentence.start + according.start("sp") - 1)
            content = trim_span(text, sentence.start, sentence.start + according.start())
            if content is not None:
                cues.append(Cue(cue, speaker, content, None, lemma="according to"))
    return [Cue(c.cue, _clean_speaker(text, c.speaker), c.content, c.region, c.channel, c.clausal, c.lemma)
            for c in cues]


def _lemma(text: str, cue: Span, lexicon: CueLexicon) -> str:
    return lexicon.form_lemma(text[cue.start:cue.end].lower())


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
    return trim_span(text, start, end)
