"""A synthetic copy-detection benchmark with exact ground truth, built at run time from real articles.

Real articles (Timeline17: several topics, many outlets) are the originals. Only articles that
share no 8-word shingle with any other chosen article are used, so every shared passage in the
benchmark is one we made. From each original we derive one copy of one kind:

- ``verbatim``: the whole text;
- ``truncated``: the first 40-70% of its paragraphs;
- ``dropped``: 25-40% of its paragraphs removed;
- ``reordered``: paragraphs shuffled (at least half move);
- ``reworded``: light edits in most sentences (synonyms, number formats, British/American spelling);
- ``embedded``: 4-9 consecutive sentences placed inside a different real article (a host), kept
  only when the pair's containment is >= 0.3 and its Jaccard < 0.2 (word 4-shingles);

plus ``distractor`` articles on the same topics that share no text with anything. Gold spans are
character ranges on both sides of every (original, copy) pair.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from storyline.model import Article
from storyline.text import paragraph_spans, shingles, split_sentences, tokenize

__all__ = ["KINDS", "BenchDoc", "BenchPair", "Benchmark", "build_benchmark", "detokenize", "load_t17_articles",
           "make_article"]

KINDS = ("verbatim", "truncated", "dropped", "reordered", "reworded", "embedded")

_SYNONYMS = {
    "said": "stated", "says": "states", "killed": "slain", "people": "persons", "government": "administration",
    "president": "leader", "attack": "assault", "attacks": "assaults", "city": "town", "capital": "capital city",
    "officials": "authorities", "soldiers": "troops", "protesters": "demonstrators", "told": "informed",
    "began": "started", "big": "large", "help": "aid", "show": "indicate", "about": "around", "buy": "purchase",
    "country": "nation", "major": "key", "meeting": "talks", "announced": "declared", "army": "military",
    "forces": "troops", "fighting": "clashes", "week": "seven days", "called": "urged", "near": "close to",
}
_SPELLING = {
    "organisation": "organization", "organization": "organisation", "centre": "center", "center": "centre",
    "defence": "defense", "defense": "defence", "favour": "favor", "favor": "favour", "harbour": "harbor",
    "labour": "labor", "labor": "labour", "program": "programme", "programme": "program",
    "neighbouring": "neighboring", "neighboring": "neighbouring", "criticised": "criticized",
    "criticized": "criticised", "recognised": "recognized", "recognized": "recognised",
}
_NUMBER_WORDS = {"2": "two", "3": "three", "4": "four", "5": "five", "6": "six", "7": "seven", "8": "eight",
                 "9": "nine", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7"}
_PTB = [
    (r"-LRB-\s*", "("), (r"\s*-RRB-", ")"), (r"-LSB-\s*", "["), (r"\s*-RSB-", "]"),
    (r"``\s*", '"'), (r"\s*''", '"'), (r"\s+([.,;:?!%])", r"\1"), (r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1"),
    (r"\$\s+(\d)", r"$\1"), (r"\s+", " "),
]


@dataclass(slots=True)
class BenchDoc:
    """One benchmark document."""

    id: str
    text: str
    kind: str
    topic: str
    date: str | None = None


@dataclass(slots=True)
class BenchPair:
    """A gold pair: ``copy`` derived from ``original``, with the shared character ranges on both sides."""

    original: str
    copy: str
    kind: str
    original_spans: list[tuple[int, int]] = field(default_factory=list)
    copy_spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass(slots=True)
class Benchmark:
    """Documents (in insertion order) and gold pairs."""

    docs: list[BenchDoc]
    pairs: list[BenchPair]


def detokenize(line: str) -> str:
    """Undo PTB tokenisation of one sentence line (as in the T17 article texts).

    >>> detokenize("He said `` no '' , -LRB- AP -RRB- . It 's $ 5 .")
    'He said "no", (AP). It\\'s $5.'
    """
    text = line.strip()
    for pattern, repl in _PTB:
        text = re.sub(pattern, repl, text)
    return text.strip()


def load_t17_articles(root: Path, max_sentences: int = 30, topics: tuple[str, ...] | None = None
                      ) -> Iterator[tuple[str, str, list[list[str]], str | None]]:
    """Yield ``(id, topic, paragraphs as lists of sentences, date)`` from ``t17/<topic>/articles.jsonl.gz``.

    The first line (headline glued to the first sentence) is dropped; sentences are grouped three
    to a paragraph, and articles are cut to ``max_sentences`` sentences.
    """
    for path in sorted(root.glob("*/articles.jsonl.gz")):
        topic = path.parent.name
        if topics is not None and topic not in topics:
            continue
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                sentences = [detokenize(s) for s in record["text"].split("\n")[1:]]
                sentences = [s for s in sentences if len(tokenize(s)) >= 4][:max_sentences]
                paragraphs = [sentences[i : i + 3] for i in range(0, len(sentences), 3)]
                yield record["id"], topic, paragraphs, record.get("date")


def make_article(doc_id: str, text: str, date: str | None = None) -> Article:
    """Build an Article from plain text with paragraph and sentence offsets (as extraction would)."""
    from storyline.model import ArticleDate

    paragraphs = paragraph_spans(text)
    return Article(id=doc_id, raw_sha256=doc_id, origin=doc_id, text=text, paragraphs=paragraphs,
                   sentences=split_sentences(text, paragraphs),
                   date=ArticleDate(date, "day", False, "benchmark") if date else None)


def _join(paragraphs: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Join paragraphs with blank lines; return the text and each paragraph's span."""
    spans, parts, offset = [], [], 0
    for p in paragraphs:
        spans.append((offset, offset + len(p)))
        parts.append(p)
        offset += len(p) + 2
    return "\n\n".join(parts), spans


def _reword(sentence: str, rng: random.Random) -> str:
    words = sentence.split(" ")
    spots = [i for i, w in enumerate(words) if _edit(w) is not None]
    rng.shuffle(spots)
    for i in spots[: max(1, len(words) // 18)]:
        words[i] = _edit(words[i]) or words[i]
    return " ".join(words)


def _edit(word: str) -> str | None:
    match = re.fullmatch(r"([\"(]?)([\w,.$%-]+?)([.,;:\")]?)", word)
    if not match:
        return None
    lead, core, tail = match.groups()
    lower = core.lower()
    for table in (_SYNONYMS, _SPELLING, _NUMBER_WORDS):
        if lower in table:
            new = table[lower]
            return lead + (new.capitalize() if core[:1].isupper() else new) + tail
    if re.fullmatch(r"\d{1,3}(,\d{3})+", core):
        return lead + core.replace(",", "") + tail
    if re.fullmatch(r"\d{4,}", core):
        return lead + f"{int(core):,}" + tail
    return None


def _shingle_set(text: str) -> set[str]:
    return shingles(tokenize(text), 4)


def build_benchmark(root: Path, per_kind: int = 40, distractors: int = 40, seed: int = 13,
                    topics: tuple[str, ...] | None = None) -> Benchmark:
    """Build the benchmark (see the module docstring) from T17 articles under ``root``.

    Args:
        root: the ``timelines/t17`` folder.
        per_kind: copies made of each kind.
        distractors: same-topic articles that share no text with anything.
        seed: the random seed; the same seed gives the same benchmark.
        topics: only these topic folders (default: all).
    """
    rng = random.Random(seed)
    pool = [a for a in load_t17_articles(root, topics=topics) if sum(len(p) for p in a[2]) >= 12]
    rng.shuffle(pool)
    seen: set[str] = set()
    remaining = iter(pool)
    docs: list[BenchDoc] = []
    pairs: list[BenchPair] = []
    copies: list[BenchDoc] = []

    def take() -> tuple[str, str, list[list[str]], str | None]:
        """The next article sharing no 8-word shingle with any article taken before (an independent original)."""
        for doc_id, topic, paragraphs, date in remaining:
            grams = shingles(tokenize(" ".join(s for p in paragraphs for s in p)), 8)
            if not grams & seen:
                seen.update(grams)
                return doc_id, topic, paragraphs, date
        raise ValueError(f"not enough independent articles under {root} for per_kind={per_kind}")

    for kind in KINDS:
        made = 0
        while made < per_kind:
            doc_id, topic, paragraphs, date = take()
            texts = [" ".join(p) for p in paragraphs]
            original, spans = _join(texts)
            order = list(range(len(texts)))
            copy_id = f"{doc_id}~{kind}"
            if kind == "embedded":
                _, host_topic, host_paragraphs, host_date = take()
                made += _embed(rng, doc_id, topic, paragraphs, date, original, host_paragraphs, host_topic,
                               host_date, docs, copies, pairs)
                continue
            if kind == "truncated":
                order = order[: max(2, round(len(order) * rng.uniform(0.4, 0.7)))]
            elif kind == "dropped":
                drop = set(rng.sample(order, max(1, round(len(order) * rng.uniform(0.25, 0.4)))))
                order = [i for i in order if i not in drop]
            elif kind == "reordered":
                while sum(a != b for a, b in zip(order, range(len(order)), strict=True)) < len(order) / 2:
                    rng.shuffle(order)
            new_texts = [texts[i] for i in order]
            if kind == "reworded":
                new_texts = [" ".join(_reword(s, rng) for s in paragraphs[i]) for i in order]
            copy_text, copy_spans = _join(new_texts)
            pairs.append(BenchPair(doc_id, copy_id, kind, [spans[i] for i in order], copy_spans))
            docs.append(BenchDoc(doc_id, original, "original", topic, date))
            copies.append(BenchDoc(copy_id, copy_text, kind, topic, date))
            made += 1
    for _ in range(distractors):
        doc_id, topic, paragraphs, date = take()
        docs.append(BenchDoc(doc_id, _join([" ".join(p) for p in paragraphs])[0], "distractor", topic, date))
    rng.shuffle(copies)
    return Benchmark(docs + copies, pairs)


def _embed(rng: random.Random, doc_id: str, topic: str, paragraphs: list[list[str]], date: str | None,
           original: str, host_paragraphs: list[list[str]], host_topic: str, host_date: str | None,
           docs: list[BenchDoc], copies: list[BenchDoc], pairs: list[BenchPair]) -> int:
    """Embed a passage of the original in the host; 1 if a passage met containment >= 0.3, Jaccard < 0.2."""
    sentences = [s for p in paragraphs for s in p]
    host = [" ".join(p) for p in host_paragraphs]
    a = _shingle_set(original)
    for _attempt in range(20):
        size = rng.randint(4, min(9, len(sentences) - 2))
        start = rng.randint(0, len(sentences) - size)
        passage = sentences[start : start + size]
        at = rng.randint(1, len(host) - 1)
        copy_text, copy_spans = _join([*host[:at], " ".join(passage), *host[at:]])
        o_spans = _sentence_ranges(original, passage)
        b = _shingle_set(copy_text)
        shared = a & b
        containment = len(shared) / max(1, min(len(a), len(b)))
        jaccard = len(shared) / max(1, len(a | b))
        if o_spans and containment >= 0.3 and jaccard < 0.2:
            copy_id = f"{doc_id}~embedded"
            pairs.append(BenchPair(doc_id, copy_id, "embedded", o_spans, [copy_spans[at]]))
            docs.append(BenchDoc(doc_id, original, "original", topic, date))
            copies.append(BenchDoc(copy_id, copy_text, "embedded", host_topic, host_date))
            return 1
    return 0


def _sentence_ranges(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Character ranges of consecutive sentences in ``text`` (one range per paragraph they touch)."""
    ranges: list[tuple[int, int]] = []
    position = 0
    for sentence in sentences:
        found = text.find(sentence, position)
        if found < 0:
            return []
        end = found + len(sentence)
        if ranges and "\n" not in text[ranges[-1][1] : found]:
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((found, end))
        position = end
    return ranges

