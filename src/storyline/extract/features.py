"""Language-light features of one line of text, shared by the scrape cleaner and the extractor cascade.

A line of page text is article prose or page furniture. What tells them apart without a list of
phrases: length, sentence punctuation, the share of function words, link-like tokens (URLs,
handles, menu separators), how many words are capitalised (menus and headlines are title case),
digits, and widget vocabulary (a small lexicon of interface words, used as one feature among many).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.text import STOPWORDS, fold_quotes, tokenize

__all__ = ["LineFeatures", "line_features", "prose_line"]

_TERMINAL = re.compile(r"""[.!?…](?:["'”’»)\]]+)?\s*$|["”»]\s*$""")
# the lookahead on the possible first characters lets the engine skip most positions at once (2x faster)
_LINK_LIKE = re.compile(r"(?=[hw.@#|»›·•\s>])(?:https?://|www\.|\.(?:com|org|net|html?)\b|(?<!\w)@\w|#\w|[|»›·•]|\s/\s|>>)")
_WIDGET = re.compile(
    r"\b(?:cookies?|subscribe|subscription|newsletter|sign (?:up|in)|log ?in|click|share|tweet|copyright"
    r"|rights reserved|advertisement|advertising|privacy|terms of (?:use|service)|accept|download|follow us"
    r"|read more|comments?|reply|menu|search)\b|©",
)  # searched in the lower-cased line: 3x faster than re.IGNORECASE
_CAPITALISED = re.compile(r"(?<!\S)[A-Z0-9]")  # a whitespace-separated word that starts capitalised
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class LineFeatures:
    """Features of one line (the scrape cleaner's model weighs them; ``prose_line`` judges with a few)."""

    words: int
    stop_ratio: float
    sentence_end: bool
    punctuation: int
    link_like: int
    capitalised: float
    digits: float
    widget: bool


def line_features(line: str) -> LineFeatures:
    """Compute the features of one line.

    >>> line_features("Home | World | Sport | Business | Contact Us").link_like
    4
    """
    folded = fold_quotes(line)
    tokens = tokenize(folded)
    raw_words = len(folded.split())
    return LineFeatures(
        words=len(tokens),
        stop_ratio=sum(map(STOPWORDS.__contains__, tokens)) / len(tokens) if tokens else 0.0,
        sentence_end=bool(_TERMINAL.search(folded)),
        punctuation=sum(folded.count(c) for c in ".,;!?"),
        link_like=len(_LINK_LIKE.findall(folded)),
        capitalised=len(_CAPITALISED.findall(folded)) / raw_words if raw_words else 0.0,
        digits=len(_DIGIT.findall(folded)) / max(len(folded), 1),
        widget=bool(_WIDGET.search(folded.lower())),
    )


def prose_line(line: str) -> tuple[int, bool]:
    """The line's word count, and whether it is sentence-like running text.

    Prose: at least 10 words, no link-like token or widget word, not title case when short (a
    headline or a menu), and punctuated like a sentence or long. Only the features the
    judgement needs are computed, cheapest first (most page lines fail on length).

    >>> prose_line("The minister said on Monday that the plan would go ahead.")
    (11, True)
    >>> prose_line("Home | World | Sport | Business | Contact Us")
    (6, False)
    """
    folded = fold_quotes(line)
    words = len(tokenize(folded))
    if words < 10 or _LINK_LIKE.search(folded) or _WIDGET.search(folded.lower()):
        return words, False
    if words < 25:
        raw_words = len(folded.split())
        if len(_CAPITALISED.findall(folded)) / raw_words > 0.7:
            return words, False  # a title-case line is a headline or a menu
    return words, words >= 20 or bool(_TERMINAL.search(folded)) or sum(folded.count(c) for c in ".,;!?") >= 2
