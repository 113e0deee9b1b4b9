"""Passage alignment of two articles: which sentences they share, and what each one changed.

1. Sentences are compared as sequences of word keys (``text.tokenize`` of each whitespace word,
   so "3,000" and "3000" or "ISIL’s" and "ISIL's" are the same key, and every word keeps its
   original form for display).
2. Only sentence pairs sharing a word trigram are compared (an inverted index, so the cost is
   linear in the text, not quadratic in sentences), and only when the words they share could
   reach a threshold (a multiset bound, checked before difflib). Two sentences align when their word-level
   similarity (2 * matched / total words, difflib's matching blocks) reaches
   ``provenance.sentence_similarity``, or when nearly all of the shorter one is inside the longer
   one (``provenance.sentence_cover``: a sentence cut short or extended by a credit).
3. Pairs are chosen one to one, best first; consecutive aligned sentences form runs. A run is
   ``identical`` when every word matches, otherwise ``edited`` (with the word-level edits).
   Sentences left over form ``unique`` runs of their side.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from storyline.config import ProvenanceConfig
from storyline.model import Article, Span
from storyline.text import tokenize

__all__ = ["Alignment", "Run", "SentencePair", "align_articles", "align_texts", "word_edits"]

_MIN_COVER_WORDS = 8


@dataclass(frozen=True, slots=True)
class SentencePair:
    """One sentence of A aligned with one sentence of B."""

    a_index: int
    b_index: int
    a_span: tuple[int, int]
    b_span: tuple[int, int]
    kind: str
    similarity: float
    matched_words: int
    edits: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive sentences shared (``identical``/``edited``) or found on one side only (``unique_a``/``unique_b``)."""

    kind: str
    a_span: tuple[int, int] | None
    b_span: tuple[int, int] | None
    pairs: tuple[int, ...] = ()


@dataclass(slots=True)
class Alignment:
    """The aligned sentences and runs of two articles, with how much of each is shared."""

    article_a: str
    article_b: str
    pairs: list[SentencePair] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    shared_words: int = 0
    words_a: int = 0
    words_b: int = 0
    related: bool = False

    @property
    def containment_a(self) -> float:
        """Share of A's words that B carries."""
        return self.shared_words / self.words_a if self.words_a else 0.0

    @property
    def containment_b(self) -> float:
        """Share of B's words that A carries."""
        return self.shared_words / self.words_b if self.words_b else 0.0

    def shared_runs(self) -> list[Run]:
        """Return the runs both articles carry (identical or edited)."""
        return [r for r in self.runs if r.kind in ("identical", "edited")]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (``from_dict`` reads it back)."""
        return {"article_a": self.article_a, "article_b": self.article_b, "shared_words": self.shared_words,
                "words_a": self.words_a, "words_b": self.words_b, "related": self.related,
                "pairs": [asdict(p) for p in self.pairs], "runs": [asdict(r) for r in self.runs]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alignment:
        """Rebuild an alignment stored with ``to_dict``."""
        pairs = [SentencePair(p["a_index"], p["b_index"], tuple(p["a_span"]), tuple(p["b_span"]), p["kind"],
                              p["similarity"], p["matched_words"], tuple(p["edits"])) for p in data["pairs"]]
        runs = [Run(r["kind"], tuple(r["a_span"]) if r["a_span"] else None,
                    tuple(r["b_span"]) if r["b_span"] else None, tuple(r["pairs"])) for r in data["runs"]]
        return cls(data["article_a"], data["article_b"], pairs, runs, data["shared_words"], data["words_a"],
                   data["words_b"], data["related"])


@dataclass(frozen=True, slots=True)
class _Sentence:  # shared by every alignment of its text (cached): never changed
    span: Span
    words: list[str]
    keys: list[str]
    grams: set[str]
    distinct: frozenset[str]


@lru_cache(maxsize=1 << 16)
def _word_key(word: str) -> str:
    """A whitespace-separated word's comparison key: its word tokens joined (cached: news repeats its words)."""
    return "".join(tokenize(word))


@lru_cache(maxsize=256)
def _sentences(text: str, spans: tuple[Span, ...]) -> tuple[_Sentence, ...]:
    """The sentences of a text, prepared for comparison (cached: a new article meets several candidates,
    and a common candidate several new articles)."""
    out = []
    for span in spans:
        words, keys = [], []
        for word in span.slice(text).split():
            key = _word_key(word)
            if key:
                words.append(word)
                keys.append(key)
        out.append(_Sentence(span, words, keys, _trigrams(keys), frozenset(keys)))
    return tuple(out)


@lru_cache(maxsize=256)
def _gram_index(text: str, spans: tuple[Span, ...]) -> dict[str, list[int]]:
    """Which sentences of a text hold each word trigram (cached like ``_sentences``: never changed)."""
    index: dict[str, list[int]] = defaultdict(list)
    for i, sentence in enumerate(_sentences(text, spans)):
        for gram in sentence.grams:
            index[gram].append(i)
    return dict(index)  # a plain dict: a lookup of a missing trigram must not add it to the shared cache


def _trigrams(keys: list[str]) -> set[str]:
    """A sentence's word trigrams, joined by spaces (keys hold no spaces; strings, unlike tuples, cost the
    garbage collector nothing)."""
    if len(keys) < 3:
        return {" ".join(keys)} if keys else set()
    return {f"{keys[i]} {keys[i + 1]} {keys[i + 2]}" for i in range(len(keys) - 2)}


def word_edits(a_words: Sequence[str], b_words: Sequence[str], a_keys: Sequence[str] | None = None,
               b_keys: Sequence[str] | None = None) -> list[dict[str, str]]:
    """Return the word-level edits turning ``a_words`` into ``b_words`` (words compared by key).

    >>> word_edits("ISIL seized 3,000 ships".split(), "ISIS seized 3000 vessels".split())
    [{'op': 'replace', 'a': 'ISIL', 'b': 'ISIS'}, {'op': 'replace', 'a': 'ships', 'b': 'vessels'}]
    """
    a_keys = list(a_keys) if a_keys is not None else [_word_key(w) for w in a_words]
    b_keys = list(b_keys) if b_keys is not None else [_word_key(w) for w in b_words]
    edits = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a_keys, b_keys, autojunk=False).get_opcodes():
        if op != "equal":
            edits.append({"op": op, "a": " ".join(a_words[i1:i2]), "b": " ".join(b_words[j1:j2])})
    return edits


def _may_align(a: _Sentence, b: _Sentence, config: ProvenanceConfig) -> bool:
    """Whether two sentences can reach either alignment threshold (a cheap test before difflib).

    difflib's matching blocks are a common subsequence, so they match at most the words both
    sentences hold, counted with repeats; that is at most the distinct words they share plus the
    repeats of the sentence with fewer. When even that many matched words stay under both
    thresholds, the pair cannot align.
    """
    repeats = min(len(a.keys) - len(a.distinct), len(b.keys) - len(b.distinct))
    bound = len(a.distinct & b.distinct) + repeats
    total = len(a.keys) + len(b.keys)
    shorter = min(len(a.keys), len(b.keys))
    return (bool(total) and 2 * bound / total >= config.sentence_similarity) or (
        shorter >= _MIN_COVER_WORDS and bound / shorter >= config.sentence_cover)


def _compare(a: _Sentence, b: _Sentence) -> tuple[float, float, int]:
    matcher = SequenceMatcher(None, a.keys, b.keys, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    total = len(a.keys) + len(b.keys)
    similarity = 2 * matched / total if total else 0.0
    shorter = min(len(a.keys), len(b.keys))
    cover = matched / shorter if shorter >= _MIN_COVER_WORDS else 0.0
    return similarity, cover, matched


def align_texts(id_a: str, text_a: str, spans_a: Sequence[Span], id_b: str, text_b: str, spans_b: Sequence[Span],
                config: ProvenanceConfig | None = None) -> Alignment:
    """Align the sentences of two texts (see the module docstring).

    Args:
        id_a, text_a, spans_a: the first article's id, text and sentence spans.
        id_b, text_b, spans_b: the same for the second.
        config: similarity thresholds and what counts as related; defaults when None.
    """
    config = config or ProvenanceConfig()
    spans_a = tuple(spans_a)
    sa, sb = _sentences(text_a, spans_a), _sentences(text_b, tuple(spans_b))
    index = _gram_index(text_a, spans_a)
    scored = []
    for j, sentence in enumerate(sb):
        for i in set().union(*(index[gram] for gram in sentence.grams if gram in index)):
            if not _may_align(sa[i], sentence, config):
                continue
            similarity, cover, matched = _compare(sa[i], sentence)
            if similarity >= config.sentence_similarity or cover >= config.sentence_cover:
                scored.append((max(similarity, cover), similarity, i, j, matched))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for _score, similarity, i, j, matched in sorted(scored, key=lambda s: (-s[0], s[2], s[3])):
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        identical = sa[i].keys == sb[j].keys
        edits = () if identical else tuple(word_edits(sa[i].words, sb[j].words, sa[i].keys, sb[j].keys))
        pairs.append(SentencePair(i, j, (sa[i].span.start, sa[i].span.end), (sb[j].span.start, sb[j].span.end),
                                  "identical" if identical else "edited", round(similarity, 4), matched, edits))
    pairs.sort(key=lambda p: (p.a_index, p.b_index))
    runs = _runs(pairs, sa, sb, used_a, used_b)
    shared_words = sum(p.matched_words for p in pairs)
    alignment = Alignment(id_a, id_b, pairs, runs, shared_words, sum(len(s.keys) for s in sa),
                          sum(len(s.keys) for s in sb))
    alignment.related = len(pairs) >= config.min_shared_sentences and shared_words >= config.min_shared_words
    return alignment


def _runs(pairs: list[SentencePair], sa: Sequence[_Sentence], sb: Sequence[_Sentence], used_a: set[int],
          used_b: set[int]) -> list[Run]:
    runs: list[Run] = []
    current: list[int] = []

    def close() -> None:
        if current:
            first, last = pairs[current[0]], pairs[current[-1]]
            kind = "identical" if all(pairs[k].kind == "identical" for k in current) else "edited"
            runs.append(Run(kind, (first.a_span[0], last.a_span[1]), (first.b_span[0], last.b_span[1]),
                            tuple(current)))
            current.clear()

    for k, pair in enumerate(pairs):
        if current and not (pair.a_index == pairs[current[-1]].a_index + 1
                            and pair.b_index == pairs[current[-1]].b_index + 1):
            close()
        current.append(k)
    close()
    for side, sentences, used in (("unique_a", sa, used_a), ("unique_b", sb, used_b)):
        start = None
        for i in range(len(sentences) + 1):
            if i < len(sentences) and i not in used:
                start = i if start is None else start
            elif start is not None:
                span = (sentences[start].span.start, sentences[i - 1].span.end)
                runs.append(Run(side, span if side == "unique_a" else None, span if side == "unique_b" else None))
                start = None
    return runs


def align_articles(a: Article, b: Article, config: ProvenanceConfig | None = None) -> Alignment:
    """Align two articles' sentences; see :func:`align_texts`."""
    return align_texts(a.id, a.text, a.sentences, b.id, b.text, b.sentences, config)
