"""Summary candidates: article sentences, grouped so that one statement is one candidate.

A sentence several outlets carry (wire copy) must appear once in a summary and cite every
carrier. How sentences are grouped is a seam: :func:`build_candidates` takes a ``grouper`` that
turns sentence references into groups. The default, :func:`group_identical`, joins sentences
with exactly the same text, so every citation's span holds the candidate's text character for
character; a provenance stage can pass a grouper that also joins lightly edited wire sentences
(then each citation still points at its own carrier's exact span). A candidate's text is always
the text of one carrier (the earliest), so it is verbatim in a cited article.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from storyline.model import Article, Citation, Span
from storyline.summarize.dates import DateMention, article_anchor, resolve_dates
from storyline.text import word_count

__all__ = [
    "Grouper",
    "SentenceRef",
    "SummaryCandidate",
    "build_candidates",
    "group_identical",
    "is_dependent",
    "opens_quotation",
    "quotation_starts",
]

_DEPENDENT_START = re.compile(
    r"^[\"“'‘`]*(?:he|she|it|they|this|these|those|his|her|its|their|him|them|but|however|meanwhile|also|and|"
    r"so|that|there|then|such|yet|or|nor|still|instead|moreover|furthermore|besides|otherwise|thus|"
    r"therefore|likewise|similarly|the latter|the former|both)\b", re.IGNORECASE)
_MAX_WORDS = 60
_OPEN_QUOTE = re.compile(r"``|“")
_CLOSE_QUOTE = re.compile(r"''|”")
_STRAIGHT_QUOTE = re.compile(r'"')


@dataclass(frozen=True, slots=True)
class SentenceRef:
    """One sentence of one article: the unit a grouper works on."""

    article: Article
    index: int
    span: Span

    @property
    def text(self) -> str:
        return self.span.slice(self.article.text)


Grouper = Callable[[Sequence[SentenceRef]], list[list[SentenceRef]]]
"""Turns sentence references into groups; each group becomes one candidate citing all members."""


@dataclass(slots=True)
class SummaryCandidate:
    """A statement that may go into a summary, with every article span carrying it.

    ``order`` sorts candidates in story order (day, article id, offset); ``position`` is the
    smallest sentence index among carriers (0 = lead); ``dates`` are the dates the text mentions,
    resolved against the first carrier's publication day; ``in_quotation`` is True when, in the
    first carrier, the sentence starts inside a quotation opened by an earlier sentence of its
    paragraph (it is part of someone's words; it may still name the speaker, as in "…,” she said.").
    """

    text: str
    citations: list[Citation]
    order: tuple[str, str, int]
    position: int
    day: date | None
    dates: list[DateMention] = field(default_factory=list)
    in_quotation: bool = False

    @property
    def article_ids(self) -> set[str]:
        return {c.article_id for c in self.citations}

    @property
    def words(self) -> int:
        return word_count(self.text)

    @property
    def dependent(self) -> bool:
        """True when the sentence leans on a missing antecedent ("He said", "But ...")."""
        return is_dependent(self.text)


def is_dependent(text: str) -> bool:
    """Return True when ``text`` opens with a pronoun or connective that needs a previous sentence.

    >>> is_dependent("He said the talks failed."), is_dependent("Kerry said the talks failed.")
    (True, False)
    """
    return bool(_DEPENDENT_START.match(text))


def _quote_marks(text: str) -> tuple[int, int, int]:
    return len(_OPEN_QUOTE.findall(text)), len(_CLOSE_QUOTE.findall(text)), len(_STRAIGHT_QUOTE.findall(text))


def _open(opened: int, closed: int, straight: int) -> bool:
    """Is a quotation left open? Curly and TeX-style marks count, straight ones pair up."""
    return opened - closed + straight % 2 > 0


def opens_quotation(text: str) -> bool:
    """Return True when ``text`` opens a quotation it does not close (the quote goes on in the next sentence).

    >>> opens_quotation("“No one should meddle in our affairs."), opens_quotation("“Yes,” she said.")
    (True, False)
    """
    return _open(*_quote_marks(text))


def quotation_starts(article: Article) -> list[bool]:
    """For each sentence of ``article``: does it start inside a quotation its paragraph opened earlier?

    >>> text = '“We will not sign. We want a fair deal,” the union said.'
    >>> quotation_starts(Article(id="a", raw_sha256="", origin="", text=text, sentences=[Span(0, 18), Span(19, 55)]))
    [False, True]
    """
    starts = [p.start for p in article.paragraphs]
    flags = []
    paragraph, cursor, marks = -1, 0, [0, 0, 0]
    for span in article.sentences:
        where = bisect_right(starts, span.start) - 1
        if where != paragraph:  # a new paragraph: no quotation is open at its start
            paragraph, cursor, marks = where, starts[where] if where >= 0 else 0, [0, 0, 0]
        for k, n in enumerate(_quote_marks(article.text[cursor:span.start])):
            marks[k] += n
        cursor = span.start
        flags.append(_open(*marks))
    return flags


def group_identical(refs: Sequence[SentenceRef]) -> list[list[SentenceRef]]:
    """Group sentences with exactly the same text (the default grouper)."""
    groups: dict[str, list[SentenceRef]] = {}
    for ref in refs:
        groups.setdefault(ref.text, []).append(ref)
    return list(groups.values())


def _eligible(text: str, min_words: int) -> bool:
    words = word_count(text)
    if not min_words <= words <= _MAX_WORDS:
        return False
    # a sentence starting lower case is usually a fragment left by a bad split or a caption tail
    first = text[:1]
    return first.isupper() or first.isdigit() or first in "\"“'‘`"


def _order_key(article: Article) -> tuple[str, str]:
    return (article.day.isoformat() if article.day else "9999-12-31", article.id)


def build_candidates(articles: Sequence[Article], min_words: int = 6, grouper: Grouper = group_identical,
                     ) -> list[SummaryCandidate]:
    """Turn the articles' sentences into candidates, one per group of carriers.

    Args:
        articles: the story's (or storyline's) articles.
        min_words: shorter sentences are not candidates (datelines, captions, fragments).
        grouper: how carriers of one statement are found (see the module docstring).

    Returns:
        Candidates in story order; each cites the exact span of every carrier.
    """
    refs = [SentenceRef(article, index, span)
            for article in sorted(articles, key=_order_key)
            for index, span in enumerate(article.sentences)
            if _eligible(span.slice(article.text), min_words)]
    quoted = {id(article): quotation_starts(article) for article in articles}  # a batch may repeat an article id
    candidates = []
    for group in grouper(refs):
        if not group:
            continue
        group = sorted(group, key=lambda r: (*_order_key(r.article), r.span.start))
        first = group[0]
        candidates.append(SummaryCandidate(
            text=first.text,
            # a carrier whose sentence differs from the candidate's text (an edited wire copy, joined
            # by a provenance grouper) is cited as a "variant": its span still holds its own text
            citations=sorted({Citation(r.article.id, r.span.start, r.span.end,
                                       "exact" if r.text == first.text else "variant") for r in group}),
            order=(*_order_key(first.article), first.span.start),
            position=min(r.index for r in group),
            day=first.article.day,
            dates=resolve_dates(first.text, article_anchor(first.article)),
            in_quotation=quoted[id(first.article)][first.index],
        ))
    return sorted(candidates, key=lambda c: c.order)
