"""HTML to plain text the way a naive scraper saves it: visible text, block elements on their own lines.

Used to turn readability's cleaned HTML into paragraphs, to rescue pages no extractor handles,
and to build the "scraped text" the plain-text cleaner is evaluated on. Scripts, styles and
other invisible elements are dropped; whitespace inside a line is collapsed.
"""

from __future__ import annotations

import re

__all__ = ["BLOCK_TAGS", "html_to_lines"]

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "option", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
    "th", "thead", "title", "tr", "ul",
})
_INVISIBLE = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe", "object"})
_SPACE = re.compile(r"\s+")


def html_to_lines(html: str | object) -> list[str]:
    """Return the visible text of an HTML document or element, one line per block element.

    Args:
        html: markup (a string) or an already parsed lxml element.

    Returns:
        Non-empty lines in document order; empty when the markup holds no visible text.

    >>> html_to_lines("<div><h1>Title</h1><p>One <b>bold</b> word.</p><script>x()</script></div>")
    ['Title', 'One bold word.']
    """
    import lxml.etree
    import lxml.html

    if isinstance(html, str):
        if not html.strip():
            return []
        try:
            root = lxml.html.document_fromstring(html)
        except (lxml.etree.ParserError, ValueError):
            return []
    else:
        root = html
    parts: list[str] = []
    skip_depth = 0  # > 0 while inside an invisible element
    for event, element in lxml.etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event in ("comment", "pi"):
            # their own text is invisible; the text after them is not
            if not skip_depth and element.tail:
                parts.append(element.tail)
            continue
        if tag in _INVISIBLE:
            skip_depth += 1 if event == "start" else -1
            if event == "end" and not skip_depth and element.tail:
                parts.append(element.tail)
            continue
        if skip_depth:
            continue
        if tag in BLOCK_TAGS:
            parts.append("\n")
        if event == "start":
            if element.text:
                parts.append(element.text)
        elif element.tail:
            parts.append(element.tail)
    lines = (_SPACE.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return [line for line in lines if line]
