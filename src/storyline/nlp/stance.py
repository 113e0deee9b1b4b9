"""How two actors relate, per sentence and per article: cooperate, oppose, or neutral/mixed.

Each sentence that names both actors (after alias resolution, so "Washington", "U.S." and
"America" are one actor) is matched against a small hand-built cue lexicon with four facets:

- ``joint action`` (cooperate, weight 3): "worked with a common purpose", "fighting alongside";
  what actors do together counts more than what they say;
- ``open to talks`` (cooperate, weight 1): "discussions", "open to working with", "can think about it";
- ``no coordination`` (oppose, weight 1.5): "no plan to coordinate", "not working directly with";
- ``hostility`` (oppose, weight 1): "foe", "strongly opposed", "accused", "hegemony".

A negation just before a cue flips it ("no ... coordinate" is no coordination, "wouldn't rule
out" is open to talks); a modal ("could", "might", "would") turns joint action into talk. Each
(sentence, pair, facet) is one piece of evidence; :func:`article_relation` aggregates them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from storyline.model import Mention, Span, StanceEvidence

__all__ = ["FACETS", "article_relation", "find_stance_evidence"]

FACETS: dict[str, tuple[str, float, tuple[str, ...]]] = {
    "joint action": ("cooperate", 3.0, (
        "worked with", "working with", "work with", "works with", "working together", "worked together",
        "work together", "fought alongside", "fighting alongside", "fight alongside", "common purpose", "cooperating",
        "cooperated", "coordinated", "in coordination", "unlikely allies", "joint action", "joint operation")),
    "open to talks": ("cooperate", 1.0, (
        "talks", "talk", "discussions", "discussion", "discuss", "open to", "consider", "considering", "contact",
        "cooperate", "cooperation", "collaboration", "collaborate", "think about it", "overture", "thaw", "engage",
        "common interest", "mutual", "help", "assist", "deal")),
    "no coordination": ("oppose", 1.5, (
        "rule out", "ruled out", "no plan", "no plans", "no intention", "not consult", "will not consult",
        "no direct coordination", "not working directly", "not be possible", "not possible", "stay out")),
    "hostility": ("oppose", 1.0, (
        "enemy", "enemies", "arch-enemy", "foe", "hostility", "hostile", "opposed", "oppose", "opposes", "accused",
        "accusing", "condemnation", "condemned", "reject", "rejects", "rejected", "hegemony", "stooges", "criticism",
        "vied", "opposite goals", "sworn", "blames", "blamed", "intervention", "threat", "exploit", "exploiting")),
}
_NEGATION = re.compile(r"(?:\b(?:no|not|never|without|nor|neither)\b|n't)[^.;:,]{0,40}$", re.I)
_NEGATED_ALREADY = re.compile(r"\b(?:no|not)\b")
_MODAL = re.compile(r"\b(?:could|might|may|would|should|if|open to|willing to|ready to|consider(?:ing)?|"
                    r"contemplating|prospect|speculation)\b", re.I)
_HYPOTHETICAL = re.compile(r"\b(?:could|might|would)\b")
_FLIP = {"joint action": "no coordination", "open to talks": "no coordination", "no coordination": "open to talks",
         "hostility": "open to talks"}


@dataclass(frozen=True, slots=True)
class _Cue:
    """A relation cue found in a sentence."""

    facet: str
    start: int


@lru_cache(maxsize=1)
def _lexicon() -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation of every cue phrase (longest first) and the facet of each phrase."""
    facet_of = {p: facet for facet, (_, _, phrases) in FACETS.items() for p in phrases}
    pattern = "|".join(re.escape(p) for p in sorted(facet_of, key=len, reverse=True))
    return re.compile(rf"\b(?:{pattern})\b"), facet_of


def _cues(sentence: str) -> list[_Cue]:
    lowered = sentence.lower().replace("’", "'")
    pattern, facet_of = _lexicon()
    found: list[_Cue] = []
    for match in pattern.finditer(lowered):
        phrase = match.group()
        facet = facet_of[phrase]
        # "no plans" carries its own negation; "wouldn't rule out" negates a denial into openness
        negated = bool(_NEGATION.search(lowered[max(0, match.start() - 45):match.start()])) \
            and not _NEGATED_ALREADY.search(phrase)
        if negated:
            facet = _FLIP[facet]
        elif facet == "joint action" and (_MODAL.search(lowered[max(0, match.start() - 60):match.start()])
                                          or _HYPOTHETICAL.search(lowered[match.end():])):
            facet = "open to talks"
        found.append(_Cue(facet, match.start()))
    return found


def find_stance_evidence(article_id: str, text: str, sentences: Iterable[Span], mentions: Iterable[Mention],
                         pairs: Iterable[tuple[str, str]] | None = None,
                         speakers: dict[tuple[int, int], str] | None = None) -> list[StanceEvidence]:
    """Return one piece of evidence per (sentence, actor pair) whose sentence has a relation cue.

    Args:
        article_id: the article.
        text: its text.
        sentences: its sentence spans.
        mentions: resolved mentions of this article (entity ids).
        pairs: only these (entity id, entity id) pairs, or every pair named together when None.
        speakers: optional ``(start, end) -> entity id`` of quote contents: the speaker counts as
            named in the sentences of what they said ("We can think about it" by Rouhani).
    """
    wanted = {tuple(sorted(p)) for p in pairs} if pairs is not None else None
    by_sentence: dict[Span, set[str]] = defaultdict(set)
    sentence_list = list(sentences)
    for m in mentions:
        for s in sentence_list:
            if s.start <= m.start < s.end:
                by_sentence[s].add(m.entity_id)
    for (start, end), entity in (speakers or {}).items():
        for s in sentence_list:
            if start <= s.start < end or s.start <= start < s.end:
                by_sentence[s].add(entity)
    evidence = []
    for s in sentence_list:
        actors = sorted(by_sentence.get(s, ()))
        if len(actors) < 2:
            continue
        weights: dict[str, float] = defaultdict(float)
        for cue in _cues(text[s.start:s.end]):
            weights[cue.facet] += FACETS[cue.facet][1]
        for i, a in enumerate(actors):
            for b in actors[i + 1:]:
                if wanted is not None and (a, b) not in wanted:
                    continue
                for facet in sorted(weights):
                    evidence.append(StanceEvidence(article_id, s, a, b, FACETS[facet][0], facet, weights[facet]))
    return evidence


def article_relation(evidence: Iterable[StanceEvidence], ratio: float = 1.5) -> tuple[str, dict[str, float]]:
    """Aggregate one pair's evidence (one article, or a period) into a relation and weight per facet.

    Deeds over words: realised joint action that outweighs hostility is ``cooperate`` even when
    officials deny coordinating (de facto cooperation). Otherwise denials and hostility against
    openness decide ``oppose`` by ``ratio``; openness to talks alone, or both sides, is ``mixed``.
    """
    facets: dict[str, float] = defaultdict(float)
    for e in evidence:
        facets[e.facet] += e.weight
    deeds, talk = facets.get("joint action", 0.0), facets.get("open to talks", 0.0)
    denial, hostile = facets.get("no coordination", 0.0), facets.get("hostility", 0.0)
    if not facets:
        relation = "neutral"
    elif deeds > 0 and deeds >= hostile:
        relation = "cooperate"
    elif denial + hostile >= ratio * (deeds + talk):
        relation = "oppose"
    else:
        relation = "mixed"
    return relation, dict(sorted(facets.items()))
