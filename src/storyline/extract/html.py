"""HTML pages to article text and metadata: a cascade of extractors with a documented choice.

Steps (each later step runs only when it can still change the result):

1. **trafilatura** main extractor (``fast``: its internal fallbacks are skipped, because step 2
   is an independent second opinion) without comments, plus metadata: title, author, site name,
   canonical URL, and the publication date the page's markup states;
2. **readability-lxml** (Arc90 content scoring) on the same page, if installed
   (``extract.use_readability``), unless trafilatura's proposal is long and nearly all prose
   (``extract.second_opinion_*``): such a proposal almost never loses the choice, and skipping
   the second extractor there saves a third of the chain's time (cheap checks first);
3. **choice** between the two by agreement and the look of their difference
   (``extract.agreement``); the winner and the reason are recorded on the Article;
4. **rescue**: when neither finds text, the page's visible text (block elements on their own lines)
   goes through the plain-text scrape cleaner (``extract.scrape``).

Dates: a date in the page's metadata (htmldate without extensive search) is the stated
publication date. Only when there is none, htmldate's extensive search guesses one from the URL
and the text; that date is kept with ``inferred=True``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from storyline.config import ExtractConfig
from storyline.extract.agreement import choose_candidate
from storyline.extract.candidates import ExtractionCandidate, readability_candidate, trafilatura_candidate
from storyline.extract.features import prose_line
from storyline.extract.htmltext import html_to_lines
from storyline.extract.metadata import find_credits
from storyline.extract.scrape import clean_scrape
from storyline.model import ArticleDate

__all__ = ["HtmlExtraction", "extract_html"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class HtmlExtraction:
    """What a page gave: paragraphs plus metadata, the method that produced them and why it won."""

    paragraphs: list[str]
    method: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: ArticleDate | None = None
    outlet: str | None = None
    url: str | None = None
    language: str | None = None
    credits: list[str] | None = None
    """Wire agencies the paragraphs credit; None when not searched yet (``extract_article`` does it)."""
    reason: str = ""


def _authors(raw: str | None) -> list[str]:
    if not raw:
        return []
    return [a.strip() for a in raw.replace(" and ", ";").split(";") if a.strip()]


def _stated_date(value: str | None) -> ArticleDate | None:
    if not value:
        return None
    return ArticleDate(value[:10], "day", inferred=False, source="page metadata")


def _guessed_date(html: str, url: str | None) -> ArticleDate | None:
    """htmldate's extensive search (URL, text, copyright lines): a guess, marked inferred."""
    try:
        from htmldate import find_date

        value = find_date(html, url=url, extensive_search=True, original_date=True)
    except Exception as exc:  # htmldate raises on unparseable markup; a missing date is not an error
        log.debug("htmldate failed: %r", exc)
        return None
    if not value:
        return None
    return ArticleDate(value[:10], "day", inferred=True, source="htmldate extensive search (URL or text)")


def _confident(primary: ExtractionCandidate, config: ExtractConfig) -> str | None:
    """Why trafilatura's proposal needs no second opinion (long, nearly all prose), or None when it does."""
    if not primary.paragraphs or config.second_opinion_prose_share >= 1:
        return None
    words = prose = 0
    for line in primary.paragraphs:
        count, is_prose = prose_line(line)
        words += count
        prose += count if is_prose else 0
    if words >= config.second_opinion_min_words and prose > config.second_opinion_prose_share * words:
        return (f"trafilatura alone: {words} words, {prose / words:.0%} in prose lines "
                "(extract.second_opinion_*: readability not needed)")
    return None


def _rescue(html: str) -> tuple[list[str], str]:
    cleaned = clean_scrape("\n".join(html_to_lines(html)))
    return cleaned.paragraphs, "neither extractor found text; visible text through the scrape cleaner"


def extract_html(html: str, url: str | None = None, config: ExtractConfig | None = None) -> HtmlExtraction:
    """Extract the article from an HTML page (steps in the module docstring).

    Args:
        html: the decoded page.
        url: where the page came from, if known (helps trafilatura and fills ``url``).
        config: extraction settings; defaults when None.

    Returns:
        The extraction; its ``paragraphs`` may be empty when the page holds no article.
    """
    config = config or ExtractConfig()
    primary, document = trafilatura_candidate(html, url)
    title = document.title if document is not None and document.title else None
    confident = _confident(primary, config)
    second = readability_candidate(html, title) if config.use_readability and confident is None else None
    if second is None:
        winner: ExtractionCandidate | None = primary if primary.paragraphs else None
        reason = confident or "trafilatura (readability not run)"
    else:
        choice = choose_candidate(primary, second, config)
        winner, reason = (choice.candidate if choice.candidate.paragraphs else None), choice.reason
    if winner is not None:
        paragraphs, method = winner.paragraphs, winner.name
    else:
        paragraphs, reason = _rescue(html)
        method = "visible-text+scrape-cleaner"
    log.debug("%s: %s won: %s", url or "page", method, reason)
    date = _stated_date(document.date if document is not None else None)
    if date is None and paragraphs:
        date = _guessed_date(html, url)
    meta = document
    return HtmlExtraction(
        paragraphs=paragraphs,
        method=method,
        reason=reason,
        title=title,
        authors=_authors(meta.author) if meta is not None else [],
        date=date,
        outlet=(meta.sitename or None) if meta is not None else None,
        url=(meta.url or url) if meta is not None else url,
        credits=find_credits("\n".join(paragraphs)),
    )
