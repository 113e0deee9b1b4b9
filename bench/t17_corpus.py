"""Benchmark input generated from the real Timeline17 articles of ../shared/data (read at run time).

Record i is article i mod 2,526 with its own id and the article's date, so every record is distinct
content up to 2,526. Beyond that, copy k >= 1 of an article depends on ``copies``:

- ``repeat``: the same text (provenance then finds every copy: a copy-heavy corpus);
- ``distinct``: every content word of four or more letters marked with the copy number ("Baghdad" ->
  "Baghdadqb"), so each copy is a parallel stream of news with the same length, sentence and paragraph
  structure, function words and dates, but a vocabulary of its own. Words of one to three letters and
  numbers stay as they are, so no stories are shared with other copies, but two copies of one article
  keep their function words in order and still align sentence by sentence;
- ``unaligned``: as ``distinct``, with words of two and three letters marked too and each copy's
  function words swapped by a permutation of its own, so copies of one article share no sentence
  (only numbers and abbreviations), while the passages articles share within one copy stay shared.

Written as JSONL shards of ``shard`` records, as a crawl would be split; nothing is written into the
repository.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
from pathlib import Path

from storyline.text import STOPWORDS

T17 = Path(__file__).resolve().parents[2] / "shared" / "data" / "timelines" / "t17"


def load_articles() -> list[dict]:
    """Return the T17 article records (``text``, ``date``, ``title``)."""
    articles = []
    for path in sorted(T17.glob("*/articles.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            articles += [json.loads(line) for line in handle if line.strip()]
    if not articles:
        raise SystemExit(f"no T17 articles under {T17}")
    return articles


_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")


def copy_marker(k: int) -> str:
    """The letters that mark copy ``k`` (1 -> "qb", 2 -> "qc", 26 -> "qba": base 26, a 'q' first)."""
    letters = ""
    while k:
        k, digit = divmod(k, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
    return "q" + letters


def distinct_copy(text: str, k: int) -> str:
    """Copy ``k`` of ``text``: every content word of four or more letters carries the copy's marker (k = 0: as is)."""
    if not k:
        return text
    marker = copy_marker(k)
    return _CONTENT_WORD.sub(lambda m: m[0] if m[0].lower() in STOPWORDS else m[0] + marker, text)


_WORD = re.compile(r"[^\W\d_]+\.?")
_STOPWORDS = sorted(STOPWORDS)


def _like(model: str, word: str) -> str:
    """``word`` in the letter case of ``model`` ("THE" -> upper, "The" -> capitalised)."""
    if len(model) > 1 and model.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def unaligned_copy(text: str, k: int) -> str:
    """Copy ``k`` of ``text`` that shares no sentence with the other copies (k = 0: as is).

    Every word of two or more letters carries the copy's marker, except function words, which are
    swapped for other function words by a permutation of its own per copy (so they stay function
    words, and the copy keeps the original's share of them), and words of up to four letters before
    a full stop, which may be abbreviations the sentence splitter needs ("Mr.", "Gen."; a
    sentence-final "Iraq." stays shared too, as numbers do).
    """
    if not k:
        return text
    marker = copy_marker(k)
    shuffled = _STOPWORDS[:]
    random.Random(k).shuffle(shuffled)
    swap = dict(zip(_STOPWORDS, shuffled, strict=True))

    def replace(match: re.Match[str]) -> str:
        word = match[0].rstrip(".")
        stop = match[0][len(word):]
        if len(word) == 1 or (stop and len(word) <= 4):
            return match[0]
        swapped = swap.get(word.lower())
        return (_like(word, swapped) if swapped else word + marker) + stop

    return _WORD.sub(replace, text)


COPIES = {"repeat": lambda text, k: text, "distinct": distinct_copy, "unaligned": unaligned_copy}


def add_copies_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--copies`` (and its older spelling ``--distinct-copies``) to a benchmark's options."""
    parser.add_argument("--copies", choices=sorted(COPIES), default="repeat",
                        help="how records beyond the 2,526 T17 texts differ from them (t17_corpus.py)")
    parser.add_argument("--distinct-copies", dest="copies", action="store_const", const="distinct",
                        help="the same as --copies distinct")


def write_corpus(folder: Path, n: int, articles: list[dict], shard: int = 1000, copies: str = "repeat") -> Path:
    """Write ``n`` records drawn in turn from ``articles`` into JSONL shards under ``folder``.

    ``copies``: how the records beyond the first pass over ``articles`` differ from it (``COPIES``,
    module docstring).
    """
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, n, shard):
        with (folder / f"part-{start // shard:05d}.jsonl").open("w", encoding="utf-8") as handle:
            for i in range(start, min(n, start + shard)):
                base = articles[i % len(articles)]
                k = i // len(articles)
                record = {"id": f"bench-{i}", "date": base.get("date"),
                          "title": COPIES[copies](base.get("title") or "", k) or None,
                          "text": COPIES[copies](base["text"], k)}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return folder
