"""Story labels: what the story's centre says, re-chosen whenever the story changes.

A story is labelled by its most representative article: the member whose TF-IDF vector is
closest (cosine) to the story's centroid. When members have titles, the label is the title of the
most central titled member; a story without titles is labelled by the most central lead sentence
(one of the first body-like sentences of its five most central articles, scored by cosine to the
centroid), with a leading dateline ("WASHINGTON (Reuters) -") removed and long sentences cut at a
word. An article whose date is only inferred never names a story (its date may be wrong by
years, and such pages are often reactions filed under an old photo); when every member is such
an article the label is the story's top keywords. The founding article has no say beyond its
centrality: labels follow the story as it grows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = ["Labelled", "Lead", "clean_label", "lead_candidates", "story_label"]

LABEL_CHARS = 140
"""Longest label; a longer sentence is cut at a word and ends with an ellipsis."""
_LEADS = 3
_CENTRAL = 5
_MIN_WORDS, _MAX_WORDS = 6, 60
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Za-z.'’\- ]{1,40}(?:,\s*[A-Z][A-Za-z. ]{1,25})?\s*)?(?:\((?:[A-Za-z .&]{2,30})\))?\s*[-–—]+\s+")
_CAPTIONISH = re.compile(r"^(?:photo|image|picture|file|credit|copyright|click|share|follow|read more|subscribe)\b",
                         re.IGNORECASE)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Lead:
    """A lead sentence that may label a story, with its TF-IDF vector."""

    text: str
    vector: dict[str, float]


class Labelled(Protocol):
    """What labelling needs of a member (``cluster.refine.Member``): vector, title, inferred date, leads."""

    @property
    def vector(self) -> dict[str, float]: ...
    @property
    def title(self) -> str: ...
    @property
    def inferred(self) -> bool: ...
    @property
    def leads(self) -> tuple[Lead, ...]: ...


def clean_label(text: str) -> str:
    """Return a sentence as a label: spaces collapsed, a leading dateline removed, cut at a word past ``LABEL_CHARS``.

    >>> clean_label("BAGHDAD (Reuters) - Iran said on Monday it was ready to help.")
    'Iran said on Monday it was ready to help.'
    >>> clean_label("WEST PALM BEACH, Fla. — The president  met the visitor.")
    'The president met the visitor.'
    """
    text = _SPACES.sub(" ", text).strip()
    stripped = _DATELINE.sub("", text, count=1)
    if stripped != text and stripped[:1].isupper():
        text = stripped
    if len(text) <= LABEL_CHARS:
        return text
    cut = text[:LABEL_CHARS].rsplit(" ", 1)[0].rstrip(",;:—–- ")
    return cut + "…"


def lead_candidates(sentences: Sequence[str], limit: int = _LEADS) -> list[str]:
    """The first ``limit`` sentences that read as body prose (not a caption, credit, byline or fragment).

    >>> lead_candidates(["Photo: AP", "By Jane Doe", "Iran offered on Monday to help Iraq fight the insurgents.",
    ...                  "He said so."])
    ['Iran offered on Monday to help Iraq fight the insurgents.']
    """
    found = []
    for sentence in sentences:
        text = _SPACES.sub(" ", sentence).strip()
        words = text.split()
        if not _MIN_WORDS <= len(words) <= _MAX_WORDS or _CAPTIONISH.match(text):
            continue
        if not (text[:1].isupper() or text[:1].isdigit()) or sum(c.islower() for c in text) < len(text) // 3:
            continue  # a fragment left by a bad split, or a shouted heading / credit line
        found.append(text)
        if len(found) == limit:
            break
    return found


def _cosine(vector: dict[str, float], centroid: dict[str, float], norm: float) -> float:
    length = math.sqrt(sum(w * w for w in vector.values()))
    if not length or not norm:
        return 0.0
    return sum(w * centroid.get(t, 0.0) for t, w in vector.items()) / (length * norm)


def story_label(members: Sequence[Labelled], centroid: dict[str, float], keywords: Sequence[str] = ()) -> str:
    """Return a story's label by the rules of the module docstring.

    Args:
        members: the story's articles, in stream order (ties go to the earlier one).
        centroid: the story's centroid (its members' summed vectors, or a part's share of them).
        keywords: the story's keywords, the label when no member may name it.
    """
    norm = math.sqrt(sum(w * w for w in centroid.values()))
    eligible = [(m, i) for i, m in enumerate(members) if not m.inferred]
    if not eligible:
        return ", ".join(keywords[:4])
    ranked = sorted(eligible, key=lambda mi: (-round(_cosine(mi[0].vector, centroid, norm), 9), mi[1]))
    titled = [m for m, _ in ranked if m.title.strip()]
    if titled:
        return clean_label(titled[0].title)
    best: tuple[float, int, int, str] | None = None
    for rank, (member, _) in enumerate(ranked[:_CENTRAL]):
        for position, lead in enumerate(member.leads):
            key = (-round(_cosine(lead.vector, centroid, norm), 9), rank, position, lead.text)
            if best is None or key < best:
                best = key
    return clean_label(best[3]) if best else ", ".join(keywords[:4])
