"""Independent extractors that each propose an article body for an HTML page.

Each returns a :class:`ExtractionCandidate` (paragraphs plus the extractor's name) so the cascade in
``extract.html`` can compare them. Optional extractors return None when their library is not
installed, and the cascade goes on without them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from storyline.extract.htmltext import html_to_lines
from storyline.text import shingles, tokenize

__all__ = ["ExtractionCandidate", "readability_candidate", "trafilatura_candidate"]

log = logging.getLogger(__name__)


@dataclass
class ExtractionCandidate:
    """One extractor's proposal: body paragraphs in order, with their word tokens (computed once, when needed)."""

    name: str
    paragraphs: list[str]

    @cached_property
    def tokens(self) -> list[str]:
        """The proposal's word tokens (only a choice between two candidates needs them)."""
        return tokenize("\n".join(self.paragraphs))

    def shingle_set(self, k: int) -> set[str]:
        """The proposal's k-word shingles, for agreement with other candidates."""
        return shingles(self.tokens, k)


def _drop_title(lines: list[str], title: str | None) -> list[str]:
    """Drop a leading copy of the headline: the title is metadata, not body text."""
    if lines and title and tokenize(lines[0]) == tokenize(title):
        return lines[1:]
    return lines


def trafilatura_candidate(html: str, url: str | None) -> tuple[ExtractionCandidate, Any]:
    """Run trafilatura's main extractor (no comments, no internal fallbacks) with metadata.

    trafilatura's own fallback comparison is skipped (``fast=True``): the cascade compares
    against readability itself, so running it twice would only double the cost.

    Returns:
        The candidate and trafilatura's document (metadata), which may be None.
    """
    import trafilatura

    document = trafilatura.bare_extraction(
        html, url=url, fast=True, with_metadata=True, include_comments=False, include_tables=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None or not (document.text or "").strip():
        return ExtractionCandidate("trafilatura", []), document
    lines = [line.strip() for line in document.text.split("\n") if line.strip()]
    return ExtractionCandidate("trafilatura", _drop_title(lines, document.title)), document


def _without_invisible(html: str) -> Any:
    """The page parsed once, without scripts, styles, embeds, comments and navigation (None: unparseable).

    readability cleans these itself, but its cleaner (link rewriting included) costs time in
    proportion to the tree; removing them first halves readability's run time. The tree is handed
    to readability as it is (no serialising and re-parsing): readability's cleaner works on a
    deep copy, and the only changes it makes to its input first (dropping hidden elements) are
    the same on every retry.
    """
    import lxml.etree
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None
    lxml.etree.strip_elements(tree, "script", "style", "noscript", "svg", "iframe", "head", "nav",
                              lxml.etree.Comment, with_tail=False)
    return tree


def readability_candidate(html: str, title: str | None) -> ExtractionCandidate | None:
    """Run readability-lxml (Arc90's content scoring) and split its output into block lines.

    Returns:
        The candidate, or None when readability-lxml is not installed or cannot parse the page.
    """
    try:
        from readability import Document
    except ImportError:
        log.debug("readability-lxml not installed; extraction runs without its second opinion")
        return None
    try:
        tree = _without_invisible(html)
        summary = Document(html if tree is None else tree).summary(html_partial=True)
    except Exception as exc:  # readability raises bare Exceptions (Unparseable) on odd markup
        log.debug("readability failed: %r", exc)
        return None
    return ExtractionCandidate("readability", _drop_title(html_to_lines(summary), title))
