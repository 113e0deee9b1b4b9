"""Benchmark input generated from the real Timeline17 articles of ../shared/data (read at run time).

Record i is article i mod 2,526 with its own id and date, so every record is distinct content up to
2,526 (beyond that the texts repeat, and provenance finds the copies). Written as JSONL shards of
``shard`` records, as a crawl would be split; nothing is written into the repository.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

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


def write_corpus(folder: Path, n: int, articles: list[dict], shard: int = 1000) -> Path:
    """Write ``n`` records drawn in turn from ``articles`` into JSONL shards under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, n, shard):
        with (folder / f"part-{start // shard:05d}.jsonl").open("w", encoding="utf-8") as handle:
            for i in range(start, min(n, start + shard)):
                base = articles[i % len(articles)]
                record = {"id": f"bench-{i}", "date": base.get("date"), "title": base.get("title"),
                          "text": base["text"]}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return folder
