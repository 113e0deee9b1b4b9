"""The records of actors, quotes, claims and stances that the store persists.

What the annotate pass finds in one article (:class:`ArticleAnnotation`: name mentions, quotes,
claims), before mentions are resolved into canonical actors across articles (``nlp.resolve``),
and a stored attribution with its resolved speaker (:class:`SpeakerQuote`). Spans are character
offsets into the article text, so every record can be cited.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storyline.model.core import Citation, Span

__all__ = ["ArticleAnnotation", "Claim", "NameMention", "QuoteMention", "SpeakerQuote", "StanceEvidence"]


@dataclass(frozen=True, slots=True)
class NameMention:
    """A span naming (or describing) an actor in one article.

    ``label`` is ``person``, ``org``, ``gpe``, ``group``, ``loc``, ``nominal`` ("the secretary") or
    ``unknown`` (a capitalised name the rules could not type). ``role`` and ``titles`` come from the
    words around a person's name ("Pentagon spokesman", ("Rear Admiral",)).
    """

    article_id: str
    start: int
    end: int
    text: str
    label: str
    role: str | None = None
    titles: tuple[str, ...] = ()
    source: str = "rules"
    canonical: str | None = None
    """A form this mention is known to share an actor with: the alias table's name, or the long
    form an acronym was defined with."""

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True, slots=True)
class QuoteMention:
    """One attribution in one article: who said what, with which cue, where.

    ``parts`` are the content spans (a direct quote split by "he said" has two); ``speaker`` is the
    speaker phrase as written ("he", "a Pentagon spokesman"); ``speaker_ref`` points at the name the
    speaker resolves to (the antecedent of "he", the name inside "Pentagon spokesman Rear Admiral
    John Kirby"), None when the article names no one; ``channel`` is who relayed it ("IRNA",
    "Agence France-Presse"), never the speaker. ``kind`` is ``quote`` (direct, or a speech or
    cognition verb with a clause) or ``attribution`` (a noun phrase: "accused the United States"),
    which stances use but no view shows as a quote. ``resolved_by`` says how the speaker was found:
    ``name``, ``pronoun``, ``description``, ``principal`` (a spokesperson's organisation),
    ``unnamed`` (an anonymous source), ``channel`` or ``none``.
    """

    article_id: str
    parts: tuple[Span, ...]
    text: str
    direct: bool
    cue: str | None = None
    cue_span: Span | None = None
    speaker: str | None = None
    speaker_span: Span | None = None
    speaker_ref: Span | None = None
    channel: str | None = None
    kind: str = "quote"
    resolved_by: str | None = None

    @property
    def span(self) -> Span:
        return Span(self.parts[0].start, self.parts[-1].end)

    @property
    def attributed(self) -> bool:
        return self.speaker is not None


@dataclass(frozen=True, slots=True)
class Claim:
    """A number reported for something countable ("1,700 soldiers executed"), with its status.

    ``measure`` is the normalised event (killed, captured, sent, ...), ``unit`` the normalised thing
    counted (troops, people, ...), ``status`` one of claimed, confirmed, unconfirmed, disputed,
    reported; ``source`` is who the article attributes the number to.
    """

    article_id: str
    span: Span
    value: str
    low: float
    high: float
    measure: str
    unit: str
    places: tuple[str, ...]
    status: str
    source: str | None
    status_span: Span | None = None


@dataclass(frozen=True, slots=True)
class StanceEvidence:
    """A sentence or quote saying how two actors relate, with its coarse label and facet."""

    article_id: str
    span: Span
    actor_a: str
    actor_b: str
    relation: str
    facet: str
    weight: float

    @property
    def citation(self) -> Citation:
        return Citation(self.article_id, self.span.start, self.span.end)


@dataclass(slots=True)
class ArticleAnnotation:
    """Everything the annotate pass found in one article."""

    article_id: str
    mentions: list[NameMention] = field(default_factory=list)
    quotes: list[QuoteMention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    method: str = "rules"


@dataclass(frozen=True, slots=True)
class SpeakerQuote:
    """A stored attribution with its speaker resolved (entity id and canonical name, if any).

    ``speaker`` is the resolved actor's name (None when the article names no one); ``speaker_phrase``
    the words the article uses ("he", "a Pentagon spokesman"); ``parts`` the quote's spans.
    """

    article_id: str
    start: int
    end: int
    text: str
    direct: bool
    cue: str | None
    speaker: str | None
    entity_id: str | None
    parts: tuple[Span, ...] = ()
    speaker_phrase: str | None = None
    channel: str | None = None
    resolved_by: str | None = None
    kind: str = "quote"
