"""Choose between two extractors' proposals by how far they agree and what their difference looks like.

Two independent extractors (trafilatura, readability) usually find the same article; where they
differ, one of them took in extra page furniture (a "related stories" list, a newsletter box, an
about-the-company footer) or stopped early. Rules, in order:

1. a candidate with no text loses; the other one wins if it holds at least one prose line
   (otherwise it is a menu, and the page has no article);
2. the shorter candidate wins ("the longer one's extra text is in one extractor only"), unless
3. the shorter one is nearly contained in the longer one (``cover_min``) and the longer one's extra
   lines are prose (``prose_share`` of their words are in sentence-like lines, see
   ``extract.features``): then the shorter one stopped early and the longer one wins.

Measured on the scrapinghub benchmark this beats either extractor alone (see docs/results.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from storyline.config import ExtractConfig
from storyline.extract.candidates import ExtractionCandidate
from storyline.extract.features import prose_line
from storyline.text import shingles, tokenize

__all__ = ["Choice", "choose_candidate"]

_SHINGLE = 4


@dataclass(frozen=True, slots=True)
class Choice:
    """The winning candidate and why it won."""

    candidate: ExtractionCandidate
    reason: str


def _supported(line: str, other: set[str], other_text: str, threshold: float) -> bool:
    tokens = tokenize(line)
    if len(tokens) < _SHINGLE:
        return f" {' '.join(tokens)} " in other_text
    own = shingles(tokens, _SHINGLE)
    return len(own & other) / len(own) >= threshold


def choose_candidate(first: ExtractionCandidate, second: ExtractionCandidate, config: ExtractConfig) -> Choice:
    """Pick the better of two proposals for the same page (rules in the module docstring).

    Args:
        first: the primary extractor's proposal (wins ties).
        second: an independent extractor's proposal.
        config: thresholds (``agreement_cover_min``, ``agreement_prose_share``, ``line_support``).

    Returns:
        The winner and a one-line reason.
    """
    n_first, n_second = len(first.tokens), len(second.tokens)
    if not n_first or not n_second:
        found, empty = (second, first) if n_second else (first, second)
        if any(prose_line(line)[1] for line in found.paragraphs):
            return Choice(found, f"{empty.name} found no text")
        # a lone, unconfirmed proposal without a single sentence is a menu, not an article
        return Choice(ExtractionCandidate(found.name, []), f"{empty.name} found no text and {found.name} no prose")
    longer, shorter = (second, first) if n_second > n_first else (first, second)
    long_shingles, short_shingles = longer.shingle_set(_SHINGLE), shorter.shingle_set(_SHINGLE)
    cover = len(short_shingles & long_shingles) / len(short_shingles)
    short_text = f" {' '.join(shorter.tokens)} "
    extra = [line for line in longer.paragraphs
             if not _supported(line, short_shingles, short_text, config.line_support)]
    judged = [prose_line(line) for line in extra]
    extra_words = sum(count for count, _ in judged)
    prose_words = sum(count for count, is_prose in judged if is_prose)
    share = prose_words / extra_words if extra_words else 0.0
    if longer is first and not extra_words:
        return Choice(first, f"{first.name} and {second.name} agree")
    if cover >= config.agreement_cover_min and extra_words and share >= config.agreement_prose_share:
        return Choice(longer, f"{shorter.name} is contained in {longer.name} ({cover:.0%}), whose "
                              f"{extra_words} extra words are prose ({share:.0%}): {shorter.name} stopped early")
    return Choice(shorter, f"{longer.name} has {extra_words} extra words, {share:.0%} prose, "
                           f"not confirmed by {shorter.name} (cover {cover:.0%})")
