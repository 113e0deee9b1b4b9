"""Language identification of article text.

py3langid (langid.py's naive Bayes model over byte n-grams, 97 languages, shipped inside the
wheel) when installed; otherwise a crude English-only test on function words, so a missing
optional package degrades the label, never the article. Non-English articles are kept and
marked, never dropped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

from storyline.text import STOPWORDS, tokenize

__all__ = ["LanguageGuess", "identify_language"]

log = logging.getLogger(__name__)

_SAMPLE_CHARS = 1000  # same label as 5,000 on all 181 scrapinghub bodies (8 languages); cost grows with it


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """An ISO 639-1 code, the model's probability for it, and which method produced it."""

    code: str
    confidence: float
    method: str


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    # loading the model takes most of a second: once per process, not once per article
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _stopword_guess(text: str) -> LanguageGuess | None:
    tokens = tokenize(text)
    if len(tokens) < 20:
        return None
    share = sum(t in STOPWORDS for t in tokens) / len(tokens)
    return LanguageGuess("en", round(min(1.0, share * 2), 3), "stopwords") if share >= 0.25 else None


def identify_language(text: str, min_chars: int = 40) -> LanguageGuess | None:
    """Identify the language of ``text``.

    Args:
        text: the article text (its first 1,000 characters are used).
        min_chars: below this many characters there is too little evidence: None.

    Returns:
        The guess, or None when the text is too short (or, without py3langid, not English).

    >>> identify_language("The council voted on Tuesday to close the old bridge for repairs.").code
    'en'
    """
    sample = text[:_SAMPLE_CHARS].strip()
    if len(sample) < min_chars:
        return None
    try:
        identifier = _identifier()
    except ImportError:
        log.debug("py3langid not installed; falling back to an English stop-word test")
        return _stopword_guess(sample)
    code, probability = identifier.classify(sample)
    return LanguageGuess(str(code), round(float(probability), 3), "py3langid")
