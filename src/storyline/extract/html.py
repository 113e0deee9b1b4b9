"""HTML pages to article text and metadata with trafilatura.

Steps:

1. trafilatura's ``bare_extraction`` (main text with its own fallbacks, plus title, author,
   date, site name, canonical URL);
2. if trafilatura finds no text, the page's visible text goes through the scrape cleaner
   (``extract.scrape``), so a page with unusual markup still yields its paragraphs.

The publication date comes from the page's metadata (trafilatura's htmldate pass, which prefers
the original publication date); it is kept as stated, with day precision.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storyline.extract.metadata import find_credits
from storyline.extract.scrape import clean_scrape
from storyline.model import ArticleDate

__all__ = ["HtmlExtraction", "extract_html"]


@dataclass(slots=True)
class HtmlExtraction:
    """What an HTML page gave: paragraphs plus metadata, and the method that produced them."""

    paragraphs: list[str]
    method: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: ArticleDate | None = None
    outlet: str | None = None
    url: str | None = None
    language: str | None = None
    credits: list[str] = field(default_factory=list)


def _authors(raw: str | None) -> list[str]:
    if not raw:
        return []
    return [a.strip() for a in raw.replace(" and ", ";").split(";") if a.strip()]


def _visible_text(html: str) -> str:
    import lxml.html

    tree = lxml.html.fromstring(html)
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    lines = []
    for element in tree.iter("p", "h1", "h2", "h3", "li", "div", "td", "blockquote", "figcaption"):
        text = " ".join(element.xpath("text()")).strip()
        if text:
            lines.append(text)
    return "\n\n".join(lines)


def extract_html(html: str, url: str | None = None) -> HtmlExtraction:
    """Extract the article from an HTML page (see the module docstring for the steps).

    Args:
        html: the decoded page.
        url: where the page came from, if known (helps trafilatura and fills ``url``).

    Returns:
        The extraction; its ``paragraphs`` may be empty when the page holds no article.
    """
    import trafilatura

    document = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                           include_tables=False)
    if document is not None and document.text and document.text.strip():
        lines = [line.strip() for line in document.text.split("\n") if line.strip()]
        if lines and document.title and lines[0].strip() == document.title.strip():
            lines = lines[1:]
        date = ArticleDate(document.date[:10], "day", inferred=False, source="page metadata") \
            if document.date else None
        return HtmlExtraction(
            paragraphs=lines,
            method="trafilatura",
            title=document.title or None,
            authors=_authors(document.author),
            date=date,
            outlet=document.sitename or None,
            url=document.url or url,
            language=document.language or None,
            credits=find_credits(document.text),
        )
    try:
        cleaned = clean_scrape(_visible_text(html))
    except ValueError:  # lxml refuses documents it cannot parse at all
        return HtmlExtraction(paragraphs=[], method="none")
    return HtmlExtraction(paragraphs=cleaned.paragraphs, method="visible-text+scrape-cleaner", url=url,
                          credits=find_credits("\n".join(cleaned.paragraphs)))
