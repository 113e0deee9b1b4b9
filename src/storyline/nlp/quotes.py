"""Quotes and reported speech in one article: who said what, with which cue, where.

Steps for one article (a pure function: article in, records out):

1. direct quotes from quotation marks (``quote_marks``): curly, straight or ''two apostrophes'',
   nested, continued over paragraphs;
2. attribution cues (``attribution``): with a spaCy parse the speaker is the verb's subject and the
   content its complement or the quote next to it; without spaCy, patterns do the same for the
   common shapes; a cue inside another attribution's content belongs to it, except when the outer
   one is a news outlet relaying it ("..., the Pentagon said, AFP reported": the Pentagon speaks,
   AFP is the channel);
3. each attribution is a *quote* (direct, or a speech or cognition verb with a clause) or an
   *attribution* whose content is a noun phrase ("accused the United States"): kept for stances,
   never shown as a quote;
4. a quote with no cue of its own continues the attributed quote right before it
   (“…,” he said. “…”) and joins it as one quote with its parts; otherwise it is kept, unattributed;
5. the speaker phrase is pointed at a name of the article (``speakers``): the name inside it, a
   pronoun's antecedent, a description's actor; an outlet is a channel, never the speaker.
"""

from __future__ import annotations

import re
from typing import Any

from storyline.model import NameMention, QuoteMention, Span
from storyline.nlp.attribution import Cue, headline_cues, rule_cues, spacy_cues
from storyline.nlp.cues import DEFAULT_CUES, CueLexicon
from storyline.nlp.quote_marks import QuoteRegion, join_parts, part_text, quote_regions
from storyline.nlp.speakers import SpeakerResolver, can_speak

__all__ = ["attribute_quotes", "quote_regions"]

_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "it"})
# verbs a thing may be the subject of ("The fighting has threatened to ...", "The prospect shows how ..."):
# with such a subject they report no one's words
_THING_CUES = frozenset({"threaten", "show", "suggest", "indicate", "signal", "imply", "mean", "prove", "reveal",
                         "demonstrate", "highlight", "underscore", "hint", "point", "project", "promise", "find",
                         "predict", "forecast", "expect", "fear", "hope", "warn", "conclude"})
_CHANNEL_CUES = frozenset({"report", "according to", "quote", "say", "carry", "broadcast", "publish"})


def _plausible_speaker(phrase: str) -> bool:
    """False for subjects that cannot speak: relative pronouns, a bare lower-case noun ("time would tell")."""
    words = phrase.split()
    if words[0].lower() in {"which", "who", "whose", "that", "what"}:
        return False
    return not (len(words) == 1 and words[0].islower() and words[0] not in _PRONOUNS)


def _gap(region: QuoteRegion, cue: Span) -> int:
    return cue.start - region.end if region.end <= cue.start else max(0, region.start - cue.end)


def _overlap(span: Span, region: QuoteRegion) -> int:
    return max(0, min(span.end, region.end) - max(span.start, region.start))


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _inner(text: str, parts: tuple[Span, ...]) -> str:
    return join_parts([part_text(text, p) for p in parts])


def _is_channel(cue: Cue, resolver: SpeakerResolver) -> bool:
    """A news outlet relaying what it reports ("Reuters reported", "according to AFP")."""
    return cue.speaker is not None and cue.lemma in _CHANNEL_CUES and resolver.resolve(cue.speaker).how == "channel"


def _balanced(text: str, content: Span, regions: list[QuoteRegion]) -> Span:
    """Widen reported content to the whole of a quote it cuts ("was “deeply committed to ... country")."""
    start, end = content.start, content.end
    for region in regions:
        if start < region.start < end < region.end and region.end - end <= 3:
            end = region.end
        if region.start < start < region.end <= end and start - region.start <= 3:
            start = region.start
    return Span(start, end)


def attribute_quotes(article_id: str, text: str, mentions: list[NameMention], sentences: list[Span],
                     doc: Any = None, min_words: int = 3, cues: CueLexicon = DEFAULT_CUES) -> list[QuoteMention]:
    """Return the quotes and reported speech of one article (see the module docstring).

    Args:
        article_id: id used in the records.
        text: the article text.
        mentions: the article's name mentions (for speakers).
        sentences: sentence spans.
        doc: a spaCy ``Doc`` of ``text`` with a parser, or None for the pattern fallback.
        min_words: a quote with no cue and fewer words than this is a scare quote, not a quote.
        cues: the cue verbs.
    """
    regions = quote_regions(text)
    found = spacy_cues(text, doc, regions, cues) if doc is not None else rule_cues(text, sentences, regions, cues)
    # "Baghdad: With U.S. bombs ...": a dateline, not a headline naming its speaker
    places = {(m.start, m.end) for m in mentions if m.label in {"gpe", "loc"}}
    found += [c for c in headline_cues(text, regions, found)
              if c.speaker is None or (c.speaker.start, c.speaker.end) not in places]
    resolver = SpeakerResolver(text, mentions, sentences, [p for r in regions for p in r.parts],
                               [c.speaker for c in found if c.speaker is not None], doc)
    found = _select(text, regions, found, resolver, sentences)
    resolver.chain_pronouns()
    quotes: list[QuoteMention] = []
    claimed: dict[int, QuoteMention] = {}
    for cue in found:
        ref = resolver.resolve(cue.speaker, cue.cue)
        speaker_text = text[cue.speaker.start:cue.speaker.end] if cue.speaker else None
        # an outlet keeps its place as the phrase the text attributes to (PolNeAR's source), but it is
        # the channel: it resolves to no speaker
        channel = cue.channel or ref.channel
        cue_text = text[cue.cue.start:cue.cue.end]
        if cue.region is not None:
            if cue.region in claimed:
                continue
            parts = regions[cue.region].parts
            quote = QuoteMention(article_id, parts, _inner(text, parts), True, cue_text, cue.cue, speaker_text,
                                 cue.speaker, ref.span, channel, "quote", ref.how)
            claimed[cue.region] = quote
        else:
            if cue.content is None or _words(text[cue.content.start:cue.content.end]) < 1:
                continue
            content = _balanced(text, cue.content, regions)
            inner_regions = [i for i, r in enumerate(regions) if content.start <= r.start and r.end <= content.end]
            quoted = sum(p.end - p.start for i in inner_regions for p in regions[i].parts)
            if len(inner_regions) > 1 and quoted >= 0.8 * (content.end - content.start):
                # “Gaddafi you madman” and “Down with the dictator”: the content is the quotes themselves
                for i in inner_regions:
                    if i not in claimed:
                        parts = regions[i].parts
                        claimed[i] = QuoteMention(article_id, parts, _inner(text, parts), True, cue_text, cue.cue,
                                                  speaker_text, cue.speaker, ref.span, channel, "quote", ref.how)
                        quotes.append(claimed[i])
                continue
            # a clause reported by someone is a quote; by a thing ("The fighting has threatened to ...") it is not
            is_quote = cue.clausal and (speaker_text is None or ref.span is not None or cue.lemma not in _THING_CUES
                                        or can_speak(speaker_text))
            quote = QuoteMention(article_id, (content,), text[content.start:content.end], False, cue_text, cue.cue,
                                 speaker_text, cue.speaker, ref.span, channel, "quote" if is_quote else "attribution",
                                 ref.how)
            for i in inner_regions:  # scare quotes inside reported speech belong to it
                claimed.setdefault(i, quote)
        quotes.append(quote)
    quotes = _continue(article_id, text, regions, quotes, claimed, min_words)
    quotes += _fragments(text, regions, claimed, quotes, sentences, min_words)
    people = [m.span for m in mentions if m.label in {"person", "nominal"}]
    quotes = _same_voice(text, quotes, sentences, [c.cue for c in found], people, resolver)
    return sorted(quotes, key=lambda q: (q.parts[0].start, q.parts[-1].end))


def _fragments(text: str, regions: list[QuoteRegion], claimed: dict[int, QuoteMention], quotes: list[QuoteMention],
               sentences: list[Span], min_words: int) -> list[QuoteMention]:
    """Words quoted inside a sentence that attributes them: “…” of that sentence's speaker.

    ("Mr Rodgers said rescuers ... leaving it “very, very dark”", "Trump called the deal “a total
    disaster”".) The nearest cue of the sentence speaks; fewer than ``min_words`` words are a label.
    """
    found = []
    for i, region in enumerate(regions):
        if i in claimed or _words(_inner(text, region.parts)) < min_words:
            continue
        sentence = next((s for s in sentences if s.start <= region.start < s.end), None)
        if sentence is None:
            continue
        owners = [q for q in quotes if q.cue_span is not None and sentence.start <= q.cue_span.start < sentence.end
                  and q.resolved_by not in {None, "channel"}]
        if not owners:
            continue
        owner = min(owners, key=lambda q: abs(q.cue_span.start - region.start))
        quote = QuoteMention(owner.article_id, region.parts, _inner(text, region.parts), True, owner.cue,
                             owner.cue_span, owner.speaker, owner.speaker_span, owner.speaker_ref, owner.channel,
                             "quote", owner.resolved_by)
        claimed[i] = quote
        found.append(quote)
    return found


def _same_voice(text: str, quotes: list[QuoteMention], sentences: list[Span], cues: list[Span],
                people: list[Span], resolver: SpeakerResolver) -> list[QuoteMention]:
    """A quote with no cue after a little narration that names no one: the last speaker goes on.

    (“…,” Khanna said. It proves Asia is as important as any region. “It absolutely destroys that
    barrier.”) At most two sentences between, none naming a person or holding a cue. Failing that, a
    quote opening its sentence right after one whose only subject is a named person is theirs
    ("Sergeant David Phillips, 23, sighed and patted his flak jacket. “I just want to stay alive.”").
    """
    ordered = sorted(quotes, key=lambda q: q.span.start)
    result = []
    last: QuoteMention | None = None
    for quote in ordered:
        if quote.direct and quote.cue is None and quote.speaker is None and last is not None \
                and last.span.end <= quote.span.start:
            # what comes between, after the sentence of the last speaker's own cue (", said Blake
            # Hounshell, managing editor of Foreign Policy magazine.")
            cue = last.cue_span
            said = next((s.end for s in sentences if cue is not None and s.start <= cue.start < s.end), last.span.end)
            gap = Span(min(max(last.span.end, said), quote.span.start), quote.span.start)
            between = [s for s in sentences if gap.start <= s.start and s.end <= gap.end]
            if len(between) <= 2 and "\n\n" not in text[gap.start:gap.end].strip() \
                    and not any(gap.start <= c.start < gap.end for c in cues) \
                    and not any(gap.start <= p.start < gap.end for p in people):
                quote = QuoteMention(quote.article_id, quote.parts, quote.text, True, None, None, last.speaker,
                                     last.speaker_span, last.speaker_ref, last.channel, "quote", "continuation")
        if quote.direct and quote.cue is None and quote.speaker is None:
            subject = resolver.subject_before(quote.span.start)
            if subject is not None:
                quote = QuoteMention(quote.article_id, quote.parts, quote.text, True, None, None,
                                     text[subject.start:subject.end], subject, subject, None, "quote", "context")
        if quote.speaker is not None and quote.resolved_by != "channel":
            last = quote  # "He said he was walking to his hotel." “I could hear ...”
        result.append(quote)
    return result


def _select(text: str, regions: list[QuoteRegion], found: list[Cue], resolver: SpeakerResolver,
            sentences: list[Span]) -> list[Cue]:
    """Keep one cue per direct quote and drop cues that belong to another attribution's content."""
    # several cues may reach for one quote ("Asked if ..., Rouhani told ...: “…”"): the nearest wins
    nearest: dict[int, Cue] = {}
    for cue in found:
        if cue.region is not None:
            distance = _gap(regions[cue.region], cue.cue)
            if cue.region not in nearest or distance < _gap(regions[cue.region], nearest[cue.region].cue):
                nearest[cue.region] = cue
    reported = [c.content for c in found if c.content is not None]
    found = [c for c in found if c.region is None or (nearest[c.region] is c and not any(
        _overlap(r, regions[c.region]) >= 0.5 * (regions[c.region].end - regions[c.region].start) for r in reported))]
    found = [c for c in found if c.speaker is None or _plausible_speaker(text[c.speaker.start:c.speaker.end])]
    # an outlet relaying someone's words ("..., the Pentagon said Monday, Agence France-Presse reported"):
    # the inner attribution is the quote, the outlet's report an attribution with no speaker of its own
    relays = [c for c in found if c.content is not None and _is_channel(c, resolver)]
    relayed: dict[int, str] = {}
    relaying: set[int] = set()
    for outer in relays:
        sentence = next((s for s in sentences if s.start <= outer.cue.start < s.end), outer.cue)
        for c in found:
            inside = outer.content.start <= c.cue.start < outer.content.end
            # "..., the Pentagon said Monday, but left the door open ..., AFP reported": the same sentence
            if c is not outer and not _is_channel(c, resolver) and (
                    inside or sentence.start <= c.cue.start < outer.cue.start):
                relayed[id(c)] = text[outer.speaker.start:outer.speaker.end]
                relaying.add(id(outer))
    found = [c if id(c) not in relayed else Cue(c.cue, c.speaker, c.content, c.region, c.channel or relayed[id(c)],
                                                c.clausal, c.lemma) for c in found]
    found = [Cue(c.cue, c.speaker, c.content, c.region, c.channel, False, c.lemma) if id(c) in relaying else c
             for c in found]
    # a cue verb inside what someone else reported ("he thinks cutting the deficit matters more than
    # defending the nation", "Trump said he wants to ban ...") is part of that content, not a quote of its
    # own (with or without a speaker: on PolNeAR train such inner attributions are 9 in 10 times not annotated)
    return [c for c in found if c.region is not None or c.channel is not None or not any(
        o is not c and o.content is not None and o.content.start <= c.cue.start < o.content.end
        and not (c.content is not None and c.content.start <= o.cue.start < c.content.end) for o in found)]


def _continue(article_id: str, text: str, regions: list[QuoteRegion], quotes: list[QuoteMention],
              claimed: dict[int, QuoteMention], min_words: int) -> list[QuoteMention]:
    """Join a quote with no cue to the attributed quote it continues, or keep it unattributed."""
    merged: dict[int, QuoteMention] = {}
    for i, region in enumerate(regions):
        if i in claimed:
            continue
        previous = _previous_direct(text, regions, i, claimed)
        if previous is not None:
            owner = merged.get(id(previous), previous)
            parts = (*owner.parts, *region.parts)
            joined = QuoteMention(article_id, parts, _inner(text, parts), True, owner.cue, owner.cue_span,
                                  owner.speaker, owner.speaker_span, owner.speaker_ref, owner.channel, owner.kind,
                                  owner.resolved_by)
            quotes[quotes.index(owner)] = joined
            merged[id(previous)] = joined
            claimed[i] = previous
            continue
        inner = _inner(text, region.parts)
        if _words(inner) >= min_words and _stands_alone(text, region):
            quote = QuoteMention(article_id, region.parts, inner, True)
            claimed[i] = quote
            quotes.append(quote)
    return quotes


def _previous_direct(text: str, regions: list[QuoteRegion], i: int,
                     claimed: dict[int, QuoteMention]) -> QuoteMention | None:
    """The attributed quote this one continues: the region right before it, with only its cue between."""
    if i == 0 or (i - 1) not in claimed:
        return None
    owner = claimed[i - 1]
    if not owner.direct or (owner.speaker is None and owner.channel is None):
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


def _stands_alone(text: str, region: QuoteRegion) -> bool:
    """True for a quote that opens a sentence (not a scare quote inside running prose)."""
    before = text[:region.start].rstrip()
    return not before or before[-1] in ".!?:\n" or text[region.start - 1:region.start] == "\n"
