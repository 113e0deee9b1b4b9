"""Which story keywords are generic: words that turn up among the keywords of stories in many unrelated topics.

Clusters each Timeline17 or ECB+ topic's articles separately (the local clusterer, default
config) and counts, for every keyword shown for a story, in how many topics it appears. A word
that names the topic (bp, mubarak, haiti) stays in one or two; a word that says nothing about any
story (months, recent, united) turns up in most. Prints the share of stories showing a generic
word, with and without the display filter (``storyline.text.GENERIC_WORDS``); chosen on Timeline17, confirmed on ECB+.

    python bench/generic_keywords.py --data ../shared/data/timelines/t17 [--per-topic 300]
    python bench/generic_keywords.py --data ../shared/data/clustering/ecbplus
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from pathlib import Path

from storyline.cluster.online import EventClusterer
from storyline.config import ClusterConfig
from storyline.model import Article, ArticleDate
from storyline.text import GENERIC_WORDS


def _article(r: dict) -> Article:
    title = r.get("title") if r.get("title") not in (None, "None") else None
    date = ArticleDate(r["date"], "day", False, "record") if r.get("date") not in (None, "None") else None
    return Article(r["id"], r["id"], r["id"], r["text"], title=title, date=date)


def _topics(data: Path, limit: int) -> dict[str, list[Article]]:
    """Articles by topic: Timeline17 (one ``articles.jsonl.gz`` per topic) or ECB+ (``documents.jsonl.gz``)."""
    topics: dict[str, list[Article]] = {}
    for path in sorted(data.glob("**/*.jsonl.gz")):
        if path.name not in ("articles.jsonl.gz", "documents.jsonl.gz"):
            continue
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                r = json.loads(line)
                articles = topics.setdefault(str(r.get("topic") or path.parent.name), [])
                if len(articles) < limit:
                    articles.append(_article(r))
    return {t: sorted(a, key=lambda x: (x.date.value if x.date else "", x.id)) for t, a in topics.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/timelines/t17")
    parser.add_argument("--per-topic", type=int, default=400)
    parser.add_argument("--min-size", type=int, default=1, help="only stories of at least this many articles")
    parser.add_argument("--min-topics", type=int, default=4, help="a keyword in this many topics is generic")
    args = parser.parse_args()
    topics = _topics(args.data, args.per_topic)
    in_topics: Counter[str] = Counter()
    lists: list[tuple[list[str], list[str]]] = []  # (shown before, shown after) per story of 2+ articles
    for articles in topics.values():
        clusterer = EventClusterer(ClusterConfig())
        for article in articles:
            clusterer.add(article)
        stories = [s for s in [*clusterer.active.values(), *clusterer.evicted] if s.size >= args.min_size]
        seen: set[str] = set()
        for story in stories:
            ranked = sorted(((w, t) for t, w in story.vector.items() if t[0] != "@"),
                            key=lambda x: (-x[0], x[1]))
            before = [t for _, t in ranked[:8]]
            lists.append((before, story.keywords(skip=GENERIC_WORDS)))
            seen.update(before)
        in_topics.update(seen)
    generic = {w for w, n in in_topics.items() if n >= args.min_topics}
    total = max(len(lists), 1)
    hidden = Counter(w for before, _ in lists for w in before if w in GENERIC_WORDS)
    print(f"{len(topics)} topics, {len(lists)} stories of {args.min_size}+ articles")
    before = sum(any(w in GENERIC_WORDS for w in b) for b, _ in lists) / total
    after = sum(any(w in GENERIC_WORDS for w in a) for _, a in lists) / total
    print(f"stories showing a GENERIC_WORDS word: before {before:.3f}, after {after:.3f}")
    print("most often hidden:", ", ".join(f"{w} {n}" for w, n in hidden.most_common(25)))
    print(f"shown keywords in >= {args.min_topics} topics ({len(generic)}), for review: {', '.join(sorted(generic))}")
    print(f"stories with 8 keywords: before {sum(len(b) == 8 for b, _ in lists) / total:.3f}, "
          f"after {sum(len(a) == 8 for _, a in lists) / total:.3f}")

if __name__ == "__main__":
    main()
