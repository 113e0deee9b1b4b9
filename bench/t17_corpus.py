"""Benchmark input generated from the real Timeline17 articles of ../shared/data (read at run time).

Record i is article i mod 2,526 with its own id and the article's date, so every record is distinct
content up to 2,526. Beyond that the texts repeat (provenance then finds every copy: a copy-heavy
corpus), unless ``distinct`` is set: then copy k >= 1 of an article has every content word of four or
more letters marked with the copy number ("Baghdad" -> "Baghdadqb"), so each copy is a parallel
stream of news with the same length, sentence and paragraph structure, function words and dates,
but a vocabulary of its own (words of one to three letters and numbers stay as they are, so few passages
and no stories are shared with other copies). Written as
JSONL shards of ``shard`` records, as a crawl would be split; nothing is written into the repository.
"""

from __future__ import annotations

import gzip
import json
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


def write_corpus(folder: Path, n: int, articles: list[dict], shard: int = 1000, distinct: bool = False) -> Path:
    """Write ``n`` records drawn in turn from ``articles`` into JSONL shards under ``folder``.

    ``distinct``: copies beyond the first pass over ``articles`` get their own vocabulary (module docstring).
    """
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, n, shard):
        with (folder / f"part-{start // shard:05d}.jsonl").open("w", encoding="utf-8") as handle:
            for i in range(start, min(n, start + shard)):
                base = articles[i % len(articles)]
                k = i // len(articles) if distinct else 0
                record = {"id": f"bench-{i}", "date": base.get("date"),
                          "title": distinct_copy(base.get("title") or "", k) or None,
                          "text": distinct_copy(base["text"], k)}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return folder
