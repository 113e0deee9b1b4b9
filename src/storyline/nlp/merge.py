"""One quote, several citations: the same words carried by several outlets, grouped by the words alone.

Two attributions are one quote when a run of one's words, holding at least ``threshold`` of the
shorter quote's words (and ``min_words`` of them), occurs unbroken in the other: an outlet that
prints “I wouldn't rule out anything that would be constructive” carries the quote another printed
with a longer tail. Speakers and cues never group two quotes: different words are different quotes
whoever said them. The group shows the run of words every carrier prints, so every citation holds
what is shown; each citation keeps its own wording and parts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from storyline.model import Citation, Quote, SpeakerQuote
from storyline.text import fold_quotes

__all__ = ["QuoteGroup", "group_quotes", "merge_quotes", "quote_words", "words_within"]

_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class QuoteGroup:
    """Attributions of the same words: the shown ``text`` is held by every member's wording."""

    text: str
    members: list[SpeakerQuote] = field(default_factory=list)

    @property
    def direct(self) -> bool:
        return any(m.direct for m in self.members)

    @property
    def speaker(self) -> tuple[str | None, str | None]:
        """``(name, entity id)`` most members name (the earliest on a tie); none when no member names one."""
        named = Counter((m.speaker, m.entity_id) for m in self.members if m.entity_id)
        if not named:
            return None, None
        best = max(named.values())
        return next((m.speaker, m.entity_id) for m in self.members if named.get((m.speaker, m.entity_id)) == best)


def quote_words(text: str) -> list[str]:
    """The words a quote is compared by: lower case, quotes folded, punctuation dropped.

    >>> quote_words("I wouldn’t rule out — anything…")
    ['i', 'wouldn', 't', 'rule', 'out', 'anything']
    """
    return _WORD.findall(fold_quotes(text).lower())


def words_within(shown: str, wording: str) -> bool:
    """True when the words of ``shown`` occur unbroken, in order, in ``wording`` (what a citation must hold)."""
    a, b = quote_words(shown), quote_words(wording)
    if not a:
        return False
    match = SequenceMatcher(None, b, a, autojunk=False).find_longest_match(0, len(b), 0, len(a))
    return match.size == len(a)


def _run(seed: list[str], lo: int, hi: int, other: list[str]) -> tuple[int, int]:
    """The longest run of ``seed[lo:hi]`` that ``other`` holds unbroken, as seed word offsets."""
    match = SequenceMatcher(None, other, seed[lo:hi], autojunk=False).find_longest_match(0, len(other), 0, hi - lo)
    return lo + match.b, lo + match.b + match.size


def _text_of(text: str, lo: int, hi: int) -> str:
    """The characters of ``text`` from its ``lo``-th word to the end of its ``hi - 1``-th word."""
    spans = [m.span() for m in _WORD.finditer(fold_quotes(text))]
    return text[spans[lo][0]:spans[hi - 1][1]].strip(" ,;:…") if hi > lo else ""


def group_quotes(quotes: Sequence[SpeakerQuote], threshold: float = 0.8, min_words: int = 5) -> list[QuoteGroup]:
    """Group attributions that are the same words (see the module docstring).

    Args:
        quotes: attributions from any number of articles.
        threshold: share of the shorter quote's words the shared unbroken run must hold.
        min_words: a shorter run only groups identical wordings (short phrases recur by chance).

    Returns:
        Groups ordered by their first citation; an article carries a group once.
    """
    words = [quote_words(q.text) for q in quotes]
    # the shortest wording seeds a group; a longer one joins the group whose shared run it holds best
    order = sorted(range(len(quotes)), key=lambda i: (len(words[i]), quotes[i].article_id, quotes[i].start))
    seeds: list[int] = []
    runs: list[tuple[int, int]] = []
    members: list[list[int]] = []
    for i in order:
        best = None
        for g, seed in enumerate(seeds):
            if any(quotes[j].article_id == quotes[i].article_id for j in members[g]):
                continue  # an article carries a quote once: two similar quotes of one article are two statements
            lo, hi = _run(words[seed], *runs[g], words[i])
            size = hi - lo
            exact = words[seed][runs[g][0]:runs[g][1]] == words[i]
            if not exact and (size < min_words or size < threshold * len(words[seed])):
                continue
            if size and (best is None or size > best[0]):
                best = (size, g, lo, hi)
        if best is None:
            seeds.append(i)
            runs.append((0, len(words[i])))
            members.append([i])
        else:
            _, g, lo, hi = best
            runs[g] = (lo, hi)
            members[g].append(i)
    groups = []
    for seed, (lo, hi), member in zip(seeds, runs, members, strict=True):
        text = quotes[seed].text if (lo, hi) == (0, len(words[seed])) else _text_of(quotes[seed].text, lo, hi)
        ordered = sorted(member, key=lambda i: (quotes[i].article_id, quotes[i].start))
        groups.append(QuoteGroup(text, [quotes[i] for i in ordered]))
    return sorted(groups, key=lambda g: (g.members[0].article_id, g.members[0].start))


def merge_quotes(quotes: Sequence[SpeakerQuote], threshold: float = 0.8, min_words: int = 5) -> list[Quote]:
    """Group attributions that are the same words; each group becomes one Quote citing every carrier."""
    merged = []
    for group in group_quotes(quotes, threshold, min_words):
        speaker, entity = group.speaker
        cue = next((m.cue for m in group.members if m.entity_id == entity and m.cue), group.members[0].cue)
        citations = tuple(Citation(m.article_id, m.start, m.end) for m in group.members)
        merged.append(Quote(group.text, speaker, entity, cue, group.direct, citations))
    return merged
