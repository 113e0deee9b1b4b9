"""The records every stage reads and writes: documents, articles, stories, summaries, actors, quotes.

Stages are functions from these records to these records; only ``pipeline`` and ``store`` persist
them. A citation is always ``(article id, character span)`` into the stored article text, so any
derived sentence can be traced back and highlighted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

__all__ = [
    "Article",
    "ArticleDate",
    "Citation",
    "ClaimValue",
    "Discrepancy",
    "Entity",
    "Failure",
    "Mention",
    "Quote",
    "RawDocument",
    "Span",
    "Story",
    "Storyline",
    "StorylineEvent",
    "Summary",
    "SummarySentence",
    "Timeline",
    "TimelineEntry",
]


def utc_now() -> str:
    """Return the current UTC time as an ISO-8601 string with seconds precision."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def utc_iso(value: str | None) -> str | None:
    """Return an ISO-8601 timestamp in UTC with seconds precision, or None if ``value`` is not one.

    Naive timestamps are taken as UTC.

    >>> utc_iso("2026-11-20T10:15:00.5+02:00")
    '2026-11-20T08:15:00+00:00'
    """
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open character range ``[start, end)`` into an article's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def slice(self, text: str) -> str:
        """Return the part of ``text`` this span covers."""
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True, order=True)
class Citation:
    """A pointer from a derived sentence back to the article text it comes from.

    ``kind`` is "exact" when the cited text is the derived sentence itself, "variant" when it is
    another outlet's lightly edited copy of it (see ``provenance``).
    """

    article_id: str
    start: int
    end: int
    kind: str = "exact"

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input as it arrived: bytes plus where they came from.

    ``metadata`` carries hints the source already knows (a JSONL record's title, a feed item's
    date, the URL a page was fetched from); extraction prefers what the content itself says.
    """

    origin: str
    content: bytes
    content_type: str
    sha256: str
    fetched_at: str
    metadata: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_bytes(
        cls,
        origin: str,
        content: bytes,
        content_type: str,
        metadata: dict[str, str] | None = None,
        fetched_at: str | None = None,
    ) -> RawDocument:
        """Build a RawDocument, computing its content hash."""
        return cls(
            origin=origin,
            content=content,
            content_type=content_type,
            sha256=hashlib.sha256(content).hexdigest(),
            fetched_at=fetched_at or utc_now(),
            metadata=dict(metadata or {}),
        )


@dataclass(frozen=True, slots=True)
class ArticleDate:
    """When an article was published, and how sure we are.

    ``inferred`` is False only when the page states its publication date (metadata, dateline,
    byline). A date guessed from the content (a caption, "on Sunday") is ``inferred=True`` and
    never presented as the publication date. ``precision`` is "minute", "hour", "day", "week" or
    "month"; ``source`` says where the date came from.
    """

    value: str
    precision: str
    inferred: bool
    source: str

    PRECISIONS = ("minute", "hour", "day", "week", "month")

    def __post_init__(self) -> None:
        if self.precision not in self.PRECISIONS:
            raise ValueError(f"date precision must be one of {self.PRECISIONS}, not {self.precision!r}")
        date.fromisoformat(self.value[:10])

    @property
    def day(self) -> date:
        """The calendar day of this date."""
        return date.fromisoformat(self.value[:10])


@dataclass(slots=True)
class Article:
    """A clean article: main text plus metadata, paragraph and sentence offsets."""

    id: str
    raw_sha256: str
    origin: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    authors: list[str] = field(default_factory=list)
    date: ArticleDate | None = None
    language: str | None = None
    paragraphs: list[Span] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    extraction_method: str = ""
    warnings: list[str] = field(default_factory=list)
    source_id: str | None = None
    extraction_reason: str = ""
    """Why ``extraction_method`` won (e.g. which extractors agreed or what the loser added)."""

    @property
    def day(self) -> date | None:
        """The article's (published or inferred) calendar day, if any."""
        return self.date.day if self.date else None

    def sentence_texts(self) -> list[str]:
        """Return the text of every sentence, in order."""
        return [s.slice(self.text) for s in self.sentences]

    def cite(self, span: Span) -> Citation:
        """Return a citation of ``span`` in this article."""
        return Citation(self.id, span.start, span.end)


@dataclass(frozen=True, slots=True)
class Failure:
    """A bad input or a failed stage, recorded instead of dropped."""

    origin: str
    stage: str
    error_type: str
    message: str
    sha256: str | None = None

    @classmethod
    def of(cls, origin: str, stage: str, error: BaseException, message: str | None = None,
           sha256: str | None = None) -> Failure:
        """Return the failure of ``stage`` on ``origin`` caused by ``error``.

        The error's class names the failure; the message is ``message``, else the error's own.

        >>> Failure.of("a.txt", "ingest", ValueError("bad bytes"))
        Failure(origin='a.txt', stage='ingest', error_type='ValueError', message='bad bytes', sha256=None)
        """
        return cls(origin, stage, type(error).__name__, str(error) if message is None else message, sha256)


@dataclass(slots=True)
class Story:
    """Articles about one event."""

    id: str
    article_ids: list[str]
    first_seen: str | None = None
    last_seen: str | None = None
    label: str = ""
    keywords: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StorylineEvent:
    """One change in a storyline's history: created, story added, merged, split."""

    kind: str
    at: str
    detail: str


@dataclass(slots=True)
class Storyline:
    """Stories linked over time; the id stays stable as news keeps coming."""

    id: str
    story_ids: list[str]
    label: str = ""
    history: list[StorylineEvent] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """A summary sentence and every article span that carries it."""

    text: str
    citations: tuple[Citation, ...]


@dataclass(slots=True)
class Summary:
    """An extractive, cited summary of a story or storyline."""

    subject_id: str
    sentences: list[SummarySentence]
    method: str


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A dated timeline entry; ``precision`` is "day" unless the date is approximate."""

    date: str
    precision: str
    sentences: tuple[SummarySentence, ...]


@dataclass(slots=True)
class Timeline:
    """Dated entries of a storyline, oldest first."""

    subject_id: str
    entries: list[TimelineEntry]


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical actor: person, organisation or place, with the names it goes by."""

    id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of an entity in an article."""

    article_id: str
    start: int
    end: int
    entity_id: str
    text: str


@dataclass(frozen=True, slots=True)
class Quote:
    """Something someone said, direct or reported, with where each outlet carried it."""

    text: str
    speaker: str | None
    speaker_entity_id: str | None
    cue: str | None
    direct: bool
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class ClaimValue:
    """One value reported for a claim, with its status and support."""

    value: str
    status: str
    outlet: str | None
    citations: tuple[Citation, ...]
    source: str | None = None
    """Who the outlet attributes the value to ("ISIL", "a former local official"), if anyone."""


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """The same quantity or claim reported differently by different outlets or sources."""

    claim: str
    values: tuple[ClaimValue, ...]
