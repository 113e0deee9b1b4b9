"""Who a speaker phrase names, inside one article: a name, a pronoun's antecedent, a description's actor.

A pure per-article step (article text, its name mentions, its quotes' speaker phrases in; name
spans out). For each speaker phrase:

1. a name inside the phrase: its head ("Michael Mussa of the Peterson Institute" is Mussa,
   "Pentagon spokesman Rear Admiral John Kirby" is Kirby), or an appositive name right after it
   ("CNN's president, Jim Walton"); a spokesperson or a document with no name of its own speaks
   for its principal ("a Pentagon spokesman", "Dr Murray's spokeswoman", "Katherine Jackson's suit");
   a news outlet ("Reuters reported", "according to AFP") is a channel, never the speaker;
2. a pronoun ("he", "she", "it", "they"): the most salient earlier referent of matching gender,
   number and kind, in the spirit of Lappin and Leass (1994): every earlier mention outside quotes
   is an event with a weight (a quote's speaker 2, a clause subject 1.5, anything else 1) that halves
   with each narrative sentence back (sentences wholly inside a quotation do not count), within four
   sentences; subject pronouns met on the way are resolved too, so "He was shown ... “…,” he said"
   follows the chain. A description without a name ("An Iraqi army spokesman", "a city official")
   is a referent too: when it is the most salient, the quote stays unattributed, never given to
   someone named earlier;
3. a definite description ("the prime minister", "the official", "the ministry"): the latest
   referent whose role, title or name holds its head noun; a description found nowhere in the
   article is left for the story-level step (``annotate.analyze_story``), which looks among the
   story's actors.

Gender comes from the article alone: titles (Mr, Mrs, King, Queen), gendered roles (spokeswoman,
his wife), and pronouns that follow the person in a sentence naming no one else. Unknown gender
matches both pronouns.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from storyline.model import NameMention, Span
from storyline.nlp.names import PERSON_NOUNS, parse_person, translit_key

__all__ = ["SpeakerRef", "SpeakerResolver", "can_speak", "is_outlet"]

_MALE_WORDS = frozenset({"mr", "mr.", "sir", "lord", "king", "prince", "sheikh", "sheik", "ayatollah", "father",
                         "husband", "son", "brother", "spokesman", "chairman", "congressman", "businessman",
                         "widower", "grandfather", "uncle", "nephew", "boyfriend", "himself", "emir", "pope",
                         "cardinal", "bishop", "rabbi", "imam", "monsignor", "count", "duke", "baron"})
_FEMALE_WORDS = frozenset({"mrs", "mrs.", "ms", "ms.", "miss", "madam", "lady", "dame", "queen", "princess",
                           "mother", "wife", "daughter", "sister", "spokeswoman", "chairwoman", "congresswoman",
                           "businesswoman", "actress", "widow", "grandmother", "aunt", "niece", "girlfriend",
                           "herself", "duchess", "baroness", "countess", "nun"})
_MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
_FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})
_SUBJECT_PRONOUNS = frozenset({"he", "she", "it", "they"})
# who speaks for someone else: their principal is the speaker when they have no name of their own
_PROXY_NOUNS = frozenset({"spokesman", "spokeswoman", "spokesperson", "spokespeople", "spokesmen", "statement",
                          "statements", "suit", "lawsuit", "report", "letter", "memo", "website", "release",
                          "communique", "communiqué", "account", "office", "representative", "press"})
# outlets and agencies relay; they are channels, not speakers
_OUTLET_NAMES = re.compile(
    r"\b(?:reuters|afp|agence france[- ]presse|associated press|xinhua|irna|isna|fars|tasnim|mehr|interfax|"
    r"itar-tass|tass|ria novosti|kcna|yonhap|kyodo|bernama|anadolu|bloomberg|cnn|bbc|nbc|cbs|msnbc|npr|pbs|"
    r"al[- ]jazeera|al[- ]arabiya|sky news|fox news|abc news|dpa|efe|ansa|sana|wafa|kuna|yahoo!? news|"
    r"(?:news|press) agency|news service|wire service|state (?:television|tv|radio|media|news)|"
    r"(?:television|tv|radio) station|newspaper|broadcaster|news channel|news website)\b", re.IGNORECASE)
_OUTLET_LAST = re.compile(r"\b[A-Z][\w.&'-]*\s+(?:Times|Post|Journal|Tribune|Herald|Gazette|Telegraph|Guardian|"
                          r"Chronicle|Daily|Magazine|News|Monitor|Standard|Express|Mirror|Sun|Star)\s*$")
# heads of a speaker phrase that can say something though they are no person: documents, outlets, bodies
_SOURCE_NOUNS = frozenset({
    "report", "reports", "study", "survey", "poll", "polls", "document", "documents", "caption", "captions",
    "filing", "complaint", "indictment", "ruling", "resolution", "announcement", "video", "footage", "post", "tweet",
    "message", "note", "letter", "memo", "website", "site", "media", "newspaper", "newspapers", "agency",
    "agencies", "television", "tv", "radio", "government", "governments", "ministry", "ministries", "army",
    "military", "police", "authorities", "authority", "administration", "department", "office", "embassy",
    "council", "committee", "court", "commission", "party", "group", "groups", "company", "firm", "campaign",
    "board", "regime", "movement", "coalition", "alliance", "institute", "foundation", "union", "bank", "forces",
    "force", "militia", "navy", "parliament", "senate", "congress", "cabinet", "organisation", "organization",
    "organizations", "organisations", "country", "countries", "nation", "nations", "state", "states", "side",
    "sides", "leadership", "team", "investigation", "inquiry", "panel", "analysis", "data", "figures", "estimates",
    "research", "paper", "journal", "book", "account", "accounts", "transcript", "record", "records", "sign",
    "banner", "warrant", "guidelines", "plan", "proposal", "bill", "law", "constitution", "treaty", "agreement",
})
# heads of a definite description of an organisation ("the company", "the ministry")
_ORG_NOUNS = frozenset({"company", "firm", "group", "organisation", "organization", "agency", "ministry", "retailer",
                        "bank", "network", "charity", "union", "party", "council", "committee", "department",
                        "corporation", "carrier", "airline", "manufacturer", "maker", "lender", "insurer", "club",
                        "team", "campaign", "institute", "foundation", "university", "court", "board"})
_PHRASE_BREAK = re.compile(r"^\s*(?:[,(–—-]|of\b|for\b|at\b|in\b|from\b|with\b|on\b|who\b|whose\b|which\b|"
                           r"and\b|speaking\b|based\b)")
_DESCRIPTIVE = re.compile(r"^(?:the|a|an|his|her|its|their|former|senior|top|chief|deputy|vice|acting|state|"
                          r"news|agency|[A-Z][\w’'.&-]*|[a-z]+-based|[\w’'-]+(?:man|woman|person|er|or|ist|ant|ent)s?)$")
_WINDOW = 4          # narrative sentences a pronoun looks back
_PERSON_KINDS = frozenset({"person", "unnamed-person"})


def is_outlet(name: str) -> bool:
    """True for a news outlet or agency ("Reuters", "the IRNA news agency", "The Washington Post").

    >>> is_outlet("Agence France-Presse"), is_outlet("the Pentagon"), is_outlet("National Emergency Management Agency")
    (True, False, False)
    """
    name = name.strip()
    return bool(_OUTLET_NAMES.search(name) or _OUTLET_LAST.search(name) or name.lower() in {"ap", "the ap"})


@dataclass(frozen=True, slots=True)
class SpeakerRef:
    """What a speaker phrase resolved to: a name mention's span, or none (with why)."""

    span: Span | None
    how: str
    """``name``, ``pronoun``, ``description``, ``principal``, ``unnamed``, ``channel`` or ``none``."""
    channel: str | None = None


@dataclass(slots=True)
class _Referent:
    kind: str                      # person, org, place, group, unnamed-person, unnamed-thing
    span: Span | None              # a name mention (or the description) to point at
    gender: str | None = None
    plural: bool = False
    roles: set[str] = field(default_factory=set)
    single: bool = False
    """A one-word name typed as a person, with no title or role (maybe a company)."""

    @property
    def named(self) -> bool:
        return not self.kind.startswith("unnamed")


def can_speak(phrase: str) -> bool:
    """False for a speaker phrase headed by a thing that says nothing ("The fighting has threatened to ...").

    >>> can_speak("The fighting"), can_speak("a senior official in Baghdad"), can_speak("the report")
    (False, True, True)
    """
    cut = re.split(r",|\s(?:of|for|at|in|from|with|on|who|which|that|by)\s", phrase.strip(), maxsplit=1)[0]
    words = re.findall(r"[\w’'-]+", cut)
    if not words or words[-1][:1].isupper() or words[0].lower() in _SUBJECT_PRONOUNS | {"i", "we", "you"}:
        return True
    head = words[-1].lower()
    return head in PERSON_NOUNS or head in _SOURCE_NOUNS or head in _PROXY_NOUNS or head.rstrip("s") in PERSON_NOUNS


@dataclass(frozen=True, slots=True)
class _Event:
    at: int
    sentence: int
    referent: int
    weight: float


_KIND_OF_LABEL = {"person": "person", "org": "org", "gpe": "org", "group": "group", "loc": "place"}


class SpeakerResolver:
    """Resolve the speaker phrases of one article (see the module docstring).

    Args:
        text: the article text.
        mentions: its name mentions (persons with roles and titles; nominal descriptions).
        sentences: its sentence spans.
        quoted: spans inside quotation marks (their words are never antecedents).
        speakers: every speaker phrase of the article (a quote's speaker is a salient referent).
        doc: the spaCy ``Doc`` of ``text`` (subjects from the parse), or None (subjects by position).
    """

    def __init__(self, text: str, mentions: list[NameMention], sentences: list[Span], quoted: list[Span],
                 speakers: list[Span], doc: Any = None) -> None:
        self.text = text
        self.doc = doc
        self.quoted = sorted(quoted, key=lambda s: s.start)
        self._quoted_starts = [s.start for s in self.quoted]
        self.mentions = sorted((m for m in mentions if not self._in_quote(m.start)), key=lambda m: m.start)
        self.sentences = sentences
        self._sentence_starts = [s.start for s in sentences]
        self._narrative = self._narrative_index()
        self.referents: list[_Referent] = []
        self.events: list[_Event] = []
        self._referent_of_span: dict[tuple[int, int], int] = {}
        self._speaker_heads: set[tuple[int, int]] = set()
        for phrase in speakers:  # the name a speaker phrase is headed by is the speaker: most salient
            inside = [m for m in self.mentions if phrase.start <= m.start and m.end <= phrase.end
                      and m.label != "nominal"]
            head = self._named(phrase, inside) or self._appositive_name(phrase)
            if head is None and inside and self._head_word(phrase) in _PROXY_NOUNS:
                head = next((m for m in inside if m.label == "person"), inside[0])  # "A report by the NIC"
            if head is not None:
                self._speaker_heads.add((head.start, head.end))
        self._build(speakers)

    # -- positions -----------------------------------------------------------------------
    def _in_quote(self, pos: int) -> bool:
        i = bisect.bisect_right(self._quoted_starts, pos) - 1
        return i >= 0 and self.quoted[i].start <= pos < self.quoted[i].end

    def _sentence(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._sentence_starts, pos) - 1)

    def _narrative_index(self) -> list[int]:
        """For each sentence, how many sentences with words outside quotation marks come before it."""
        index, count = [], 0
        for sentence in self.sentences:
            index.append(count)
            words = re.finditer(r"\w+", self.text[sentence.start:sentence.end])
            if any(not self._in_quote(sentence.start + w.start()) for w in words):
                count += 1
        return index

    def _distance(self, at: int, earlier: int) -> int:
        if not self.sentences:
            return 0
        return self._narrative[self._sentence(at)] - self._narrative[self._sentence(earlier)]

    # -- referents -----------------------------------------------------------------------
    def _build(self, speakers: list[Span]) -> None:
        persons: dict[str, int] = {}     # surname key -> referent
        given: dict[str, int] = {}
        names: dict[str, int] = {}
        for m in self.mentions:
            if m.label == "nominal":
                continue
            kind = _KIND_OF_LABEL.get(m.label, "unknown")
            parsed = parse_person(m.text) if kind in {"person", "unknown"} else None
            key = translit_key(parsed.surname) if parsed and parsed.surname else ""
            if kind == "person" and key:
                if parsed.given and key in persons and self._given_clash(persons[key], parsed.given[0]):
                    referent = self._new(_Referent("person", m.span))  # another person, same surname
                elif key in persons:
                    referent = persons[key]
                else:
                    referent = given.get(key) if not parsed.given and key in given else self._new(
                        _Referent("person", m.span))
                persons[key] = referent
                if parsed.given:
                    given.setdefault(translit_key(parsed.given[0]), referent)
                    self.referents[referent].span = self._full(self.referents[referent].span, m.span)
            elif len(m.text.split()) == 1 and translit_key(m.text) in persons:
                referent = persons[translit_key(m.text)]  # "Kellenberger" typed as an organisation
            else:
                name_key = m.canonical or m.text
                if name_key not in names:
                    names[name_key] = self._new(_Referent("org" if kind == "unknown" else kind, m.span))
                referent = names[name_key]
            self._referent_of_span[(m.start, m.end)] = referent
            for role in (m.role, *m.titles):
                if role:
                    self.referents[referent].roles.add(role.lower())
            self._event(m.start, m.end, referent)
        for span in speakers:  # "A report by the NIC says": the NIC is "the report" from then on
            head = self._head_word(span)
            if head in _PROXY_NOUNS:
                for m in self.mentions:
                    if span.start <= m.start and m.end <= span.end and (m.start, m.end) in self._referent_of_span:
                        self.referents[self._referent_of_span[(m.start, m.end)]].roles.add(head)
                        break
        self.events.sort(key=lambda e: e.at)
        for span in sorted(speakers, key=lambda s: s.start):  # a speaker phrase with no name in it
            if self._in_quote(span.start) or any(span.start <= m.start < span.end for m in self.mentions
                                                 if m.label != "nominal"):
                continue
            words = self.text[span.start:span.end].split()
            if not words or words[0].lower() in _SUBJECT_PRONOUNS | {"i", "we", "you"}:
                continue
            again = self._described(span, self._head_word(span)) if words[0].lower() == "the" else None
            if again is not None:  # "the report says": the report met before, not a new one
                referent = again
            elif self.missed_name(span):  # "Summers argued": a name the tagger missed
                key = translit_key(parse_person(self.text[span.start:span.end]).surname)
                referent = persons.get(key)
                if referent is None:
                    referent = persons[key] = self._new(_Referent("person", span))
            else:
                head = self._head_word(span)
                person = head in PERSON_NOUNS or head.rstrip("s") in PERSON_NOUNS
                referent = self._new(_Referent("unnamed-person" if person else "unnamed-thing", span,
                                               plural=head.endswith("s") and not head.endswith("ss"), roles={head}))
            self._referent_of_span[(span.start, span.end)] = referent
            bisect.insort(self.events, _Event(span.start, self._sentence(span.start), referent, 2.0),
                          key=lambda e: e.at)
        self.events.sort(key=lambda e: e.at)
        # a person known by one word only, with no title or role, may be a company NER took for a person
        # ("Twitter", "Vodafone"): "it" may point back at it too, at half the weight
        for referent in self.referents:
            referent.single = referent.kind == "person" and referent.span is not None and not referent.roles \
                and len(self.text[referent.span.start:referent.span.end].split()) == 1
        self._genders()

    def missed_name(self, span: Span) -> bool:
        """True for a speaker phrase of one to three capitalised words the tagger did not see as a name.

        With a parse its words must be proper nouns ("Summers argued", not "Eyewitnesses said");
        without one it must not be a single word opening its sentence.
        """
        words = self.text[span.start:span.end].split()
        if not 1 <= len(words) <= 3 or not all(w[:1].isupper() for w in words):
            return False
        if len(words) == 1 and words[0].isupper() and len(words[0]) > 3:
            return False  # "ANBAR, Iraq (Reuters) -": a dateline, not a name
        if words[0].lower() in _SUBJECT_PRONOUNS | {"i", "we", "you", "the", "a", "an"}:
            return False
        if self.doc is not None:
            tokens = self.doc.char_span(span.start, span.end, alignment_mode="expand")
            return tokens is not None and all(t.tag_ in {"NNP", "NNPS"} for t in tokens if t.is_alpha)
        sentence = self.sentences[self._sentence(span.start)] if self.sentences else Span(0, 0)
        return len(words) > 1 or self.text[sentence.start:span.start].strip() != ""

    def _new(self, referent: _Referent) -> int:
        self.referents.append(referent)
        return len(self.referents) - 1

    def _full(self, current: Span | None, candidate: Span) -> Span:
        """Keep pointing at the longest name (the full name resolves best across articles)."""
        if current is None or candidate.end - candidate.start > current.end - current.start:
            return candidate
        return current

    def _given_clash(self, referent: int, given: str) -> bool:
        span = self.referents[referent].span
        parsed = parse_person(self.text[span.start:span.end]) if span else None
        return bool(parsed and parsed.given and translit_key(parsed.given[0]) != translit_key(given)
                    and parsed.given[0][:1] != given[:1])

    def _event(self, start: int, end: int, referent: int) -> None:
        weight = 2.0 if (start, end) in self._speaker_heads else 1.5 if self._is_subject(start, end) else 1.0
        self.events.append(_Event(start, self._sentence(start), referent, weight))

    def _is_subject(self, start: int, end: int) -> bool:
        if self.doc is not None:
            span = self.doc.char_span(start, end, alignment_mode="expand")
            if span is not None and len(span):
                dep = span.root.dep_
                return dep in {"nsubj", "nsubjpass"} or (dep in {"appos", "compound"} and
                                                         span.root.head.dep_ in {"nsubj", "nsubjpass"})
            return False
        sentence = self.sentences[self._sentence(start)] if self.sentences else Span(0, len(self.text))
        before = self.text[sentence.start:start].split()
        return len(before) <= 2

    def _head_word(self, span: Span) -> str:
        """The head noun of a description: the last word before a preposition, comma or clause."""
        phrase = self.text[span.start:span.end]
        cut = re.split(r",|\s(?:of|for|at|in|from|with|on|by|who|which|that)\s", phrase, maxsplit=1)[0]
        words = re.findall(r"[\w’'-]+", cut.lower())
        return words[-1] if words else ""

    def _genders(self) -> None:
        votes: list[list[int]] = [[0, 0] for _ in self.referents]
        for m in self.mentions:
            referent = self._referent_of_span.get((m.start, m.end))
            if referent is None or self.referents[referent].kind != "person":
                continue
            near = self.text[max(0, m.start - 40):m.start].lower().split()[-4:]
            words = {w.strip(",.;:'’") for w in [*near, *(t.lower() for t in m.titles),
                                                 *(m.role.lower().split() if m.role else [])]}
            votes[referent][0] += 2 * len(words & _MALE_WORDS)
            votes[referent][1] += 2 * len(words & _FEMALE_WORDS)
        # pronouns after a person in a sentence that names no one else
        by_sentence: dict[int, set[int]] = {}
        for e in self.events:
            if self.referents[e.referent].kind == "person":
                by_sentence.setdefault(e.sentence, set()).add(e.referent)
        for sentence, people in by_sentence.items():
            if len(people) != 1 or not self.sentences:
                continue
            (referent,) = people
            first = min(e.at for e in self.events if e.sentence == sentence and e.referent == referent)
            span = self.sentences[sentence]
            for match in re.finditer(r"\b\w+\b", self.text[first:span.end]):
                word = match.group().lower()
                if self._in_quote(first + match.start()):
                    continue
                if word in _MALE_PRONOUNS:
                    votes[referent][0] += 1
                elif word in _FEMALE_PRONOUNS:
                    votes[referent][1] += 1
        for referent, (male, female) in zip(self.referents, votes, strict=True):
            if referent.kind == "person" and male != female:
                referent.gender = "m" if male > female else "f"
        for referent in self.referents:
            if referent.kind == "unnamed-person" and referent.span is not None:
                words = set(self.text[referent.span.start:referent.span.end].lower().split())
                if words & _MALE_WORDS and not words & _FEMALE_WORDS:
                    referent.gender = "m"
                elif words & _FEMALE_WORDS and not words & _MALE_WORDS:
                    referent.gender = "f"

    # -- resolution ----------------------------------------------------------------------
    def resolve(self, phrase: Span | None, cue: Span | None = None) -> SpeakerRef:
        """Resolve one speaker phrase (``cue``: where its cue is, for a pronoun before or after it)."""
        if phrase is None:
            return SpeakerRef(None, "none")
        words = self.text[phrase.start:phrase.end].split()
        if not words:
            return SpeakerRef(None, "none")
        first = words[0].lower()
        if len(words) == 1 and first in _SUBJECT_PRONOUNS:
            return self._pronoun(first, min(phrase.start, cue.start if cue else phrase.start))
        if len(words) == 1 and first in {"i", "we", "you"}:
            return SpeakerRef(None, "none")
        inside = [m for m in self.mentions if phrase.start <= m.start and m.end <= phrase.end and m.label != "nominal"]
        named = self._named(phrase, inside)
        if named is not None:
            if is_outlet(self.text[named.start:named.end]) and named.label != "person":
                return SpeakerRef(None, "channel", self.text[named.start:named.end])
            return SpeakerRef(named.span, "name")
        after = self._appositive_name(phrase)
        if after is not None:
            return SpeakerRef(after.span, "name")
        if not inside and self.missed_name(phrase):
            if is_outlet(self.text[phrase.start:phrase.end]):
                return SpeakerRef(None, "channel", self.text[phrase.start:phrase.end])
            return SpeakerRef(phrase, "name")
        head = self._head_word(phrase)
        if inside and head in _PROXY_NOUNS:
            principal = next((m for m in inside if m.label == "person"), None) or inside[0]
            if is_outlet(self.text[principal.start:principal.end]):
                return SpeakerRef(None, "channel", self.text[principal.start:principal.end])
            return SpeakerRef(principal.span, "principal")
        if inside and all(is_outlet(self.text[m.start:m.end]) for m in inside):
            return SpeakerRef(None, "channel", self.text[inside[0].start:inside[0].end])
        if not inside and is_outlet(" ".join(words)) and head not in PERSON_NOUNS:
            return SpeakerRef(None, "channel", " ".join(words))
        if first == "the" or (first in {"his", "her", "its", "their"} and not inside):
            return self._description(phrase, head)
        return SpeakerRef(None, "unnamed")

    def _named(self, phrase: Span, inside: list[NameMention]) -> NameMention | None:
        """The name heading the phrase: persons first, then organisations and places."""
        if self.doc is not None:
            span = self.doc.char_span(phrase.start, phrase.end, alignment_mode="expand")
            if span is not None and len(span):
                root = span.root
                hit = next((m for m in inside if m.start <= root.idx < m.end), None)
                if hit is not None and not (root.lower_ in _PROXY_NOUNS or root.lower_ in PERSON_NOUNS):
                    return hit
                # "CNN's president Jim Walton", "his lawyer Catherine Recker": the name beside the head noun
                for child in root.children:
                    if child.dep_ in {"appos", "compound", "nmod"}:
                        hit = next((m for m in inside if m.label == "person" and m.start <= child.idx < m.end), None)
                        if hit is not None:
                            return hit
                return None  # the phrase is headed by a description ("The Respect MP for Bethnal Green")
        ranked = sorted(inside, key=lambda m: (m.label != "person", m.start))
        for m in ranked:
            before = self.text[phrase.start:m.start].split()
            rest = self.text[m.end:phrase.end]
            if all(_DESCRIPTIVE.match(w) for w in before) and (not rest.strip() or _PHRASE_BREAK.match(rest)):
                if m.label != "person" and any(w.lower().strip(",") in _PROXY_NOUNS | PERSON_NOUNS
                                               for w in rest.split()[:1]):
                    continue  # "Pentagon spokesman ...": a proxy, decided by the caller
                return m
        return None

    def _appositive_name(self, phrase: Span) -> NameMention | None:
        """A person named right after the phrase: "CNN's president, Jim Walton, said"."""
        follow = re.match(r"\s*,\s*", self.text[phrase.end:phrase.end + 4])
        if follow is None:
            return None
        at = phrase.end + follow.end()
        return next((m for m in self.mentions if m.start == at and m.label == "person"), None)

    def _described(self, phrase: Span, head: str) -> int | None:
        """The referent a definite description points back at: the latest holding its head noun as a
        role, title or name word; for an organisation noun ("the company") the one "it" would be."""
        if not head:
            return None
        for event in reversed(self.events):
            if event.at >= phrase.start:
                continue
            referent = self.referents[event.referent]
            if referent.span is not None and referent.span.start == phrase.start:
                continue
            name = self.text[referent.span.start:referent.span.end].lower() if referent.span else ""
            if any(head in role.split() for role in referent.roles) or (referent.kind in {"org", "group"}
                                                                          and head in name.split()):
                return event.referent
        if head in _ORG_NOUNS:
            found = self._pronoun("it", phrase.start)
            if found.span is not None:
                return self._referent_of_span.get((found.span.start, found.span.end))
        return None

    def _description(self, phrase: Span, head: str) -> SpeakerRef:
        """"the prime minister", "the official", "the ministry": see ``_described``."""
        referent = self._described(phrase, head)
        if referent is None:
            return SpeakerRef(None, "description")
        chosen = self.referents[referent]
        return SpeakerRef(chosen.span, "description") if chosen.named else SpeakerRef(None, "unnamed")

    def _pronoun(self, pronoun: str, at: int) -> SpeakerRef:
        best, best_score = None, 0.0
        scores: dict[int, float] = {}
        for event in self.events:
            if event.at >= at:
                break
            distance = self._distance(at, event.at)
            if distance > _WINDOW or (distance == 0 and event.weight < 1.5):
                continue  # in its own sentence a pronoun subject points back at a subject, not at "followers of X"
            referent = self.referents[event.referent]
            if not _compatible(pronoun, referent):
                continue
            score = event.weight * 0.5 ** distance * (0.5 if pronoun == "it" and referent.kind == "person" else 1)
            scores[event.referent] = max(scores.get(event.referent, 0.0), score)
        for referent, score in scores.items():
            if score > best_score or (score == best_score and best is not None and referent > best):
                best, best_score = referent, score
        if best is None:
            return SpeakerRef(None, "pronoun")
        chosen = self.referents[best]
        if not chosen.named:
            return SpeakerRef(None, "unnamed")
        return SpeakerRef(chosen.span, "pronoun")

    def subject_before(self, at: int) -> Span | None:
        """The one named person who is the subject of the sentence right before ``at``, if any.

        A quote opening a paragraph after "Sergeant David Phillips, 23, sighed and patted his flak
        jacket." is his.
        """
        sentence = self._sentence(at)
        if not self.sentences or sentence == 0 or self.text[self.sentences[sentence].start:at].strip():
            return None  # the quote does not open its sentence
        previous = sentence - 1
        subjects = {e.referent for e in self.events if e.sentence == previous and e.weight >= 1.5}
        people = [r for r in subjects if self.referents[r].kind == "person"]
        if len(people) != 1 or len(subjects) != 1:
            return None
        return self.referents[people[0]].span

    def chain_pronouns(self) -> None:
        """Resolve the subject pronouns outside quotes in order, adding each as an event of its referent.

        Run once before ``resolve``: "He was shown on television ... “…,” he said" then finds the
        same person through the first "He".
        """
        found: list[_Event] = []
        for match in re.finditer(r"\b(?:[Hh]e|[Ss]he)\b", self.text):
            if self._in_quote(match.start()) or not self._pronoun_is_subject(match.start(), match.end()):
                continue
            ref = self._pronoun(match.group().lower(), match.start())
            if ref.span is None:
                continue
            referent = self._referent_of_span.get((ref.span.start, ref.span.end))
            if referent is None:
                continue
            event = _Event(match.start(), self._sentence(match.start()), referent, 1.5)
            found.append(event)
            bisect.insort(self.events, event, key=lambda e: e.at)
        del found

    def _pronoun_is_subject(self, start: int, end: int) -> bool:
        if self.doc is None:
            return True
        span = self.doc.char_span(start, end)
        return span is not None and len(span) == 1 and span[0].dep_ in {"nsubj", "nsubjpass"}


def _compatible(pronoun: str, referent: _Referent) -> bool:
    if pronoun in {"he", "she"}:
        if referent.kind not in _PERSON_KINDS or referent.plural:
            return False
        return referent.gender is None or referent.gender == ("m" if pronoun == "he" else "f")
    if pronoun == "it":
        return (referent.kind in {"org", "unnamed-thing"} or referent.single) and not referent.plural
    # "they said" points back at sources like "witnesses and police" far more often than at an organisation
    return referent.kind == "group" or (referent.kind.startswith("unnamed") and referent.plural)
