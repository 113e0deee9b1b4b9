"""What the alignment stage of a ``bench/spark.py`` run worked on: candidate pairs, matches and their kind.

Reads a Spark output kept with ``bench/spark.py --work DIR`` (its ``articles``, ``fingerprints`` and
``passage_matches`` tables) and prints, at a few arrival counts:

- **aligned pairs**: the candidate pairs the provenance ranking keeps, each of which the
  alignment stage aligns. They are recounted here by replaying the index lookup in the reader's
  arrival order over the stored fingerprints (exact hash, document bands, window bands,
  ``rank_candidates``), as the local index and the Spark self-join do;
- **related**: how many of them are stored passage matches;
- the matches by kind of pair in the generated corpus (``t17_corpus.py``: record i is T17
  article i mod 2,526, copy i // 2,526): within one copy (the real T17 wire overlap, repeated in
  every copy), between copies of the same T17 article (``--distinct-copies`` marks content
  words only, so two copies of one article still share their function words, short words and
  numbers, sentence by sentence), or between different articles of different copies; with the
  mean shared words per match, which is what alignment cost follows.

Run: ``python bench/spark_matches.py /tmp/w100k/101040/out-2``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storyline.config import ProvenanceConfig
from storyline.provenance import IndexHits, rank_candidates
from storyline.scale.rows import row_fingerprint

_ORIGIN = re.compile(r"part-(\d+)\.jsonl#L(\d+)$")
SHARD = 1000  # records per shard, as t17_corpus.write_corpus writes them
T17_ARTICLES = 2526


def read_table(output: Path, table: str, columns: list[str]) -> pa.Table:
    """Read one Parquet table of a Spark output (every part file)."""
    return pa.concat_tables([pq.read_table(f, columns=columns) for f in sorted((output / table).glob("*.parquet"))])


def record_numbers(output: Path) -> dict[str, int]:
    """Each article's record number in the generated corpus (its arrival position), from its origin."""
    table = read_table(output, "articles", ["id", "origin"])
    numbers = {}
    for article_id, origin in zip(table.column(0).to_pylist(), table.column(1).to_pylist(), strict=True):
        shard, line = _ORIGIN.search(origin).groups()
        numbers[article_id] = int(shard) * SHARD + int(line) - 1
    return numbers


def pair_kind(a: int, b: int) -> str:
    """How two records of the generated corpus relate (see the module docstring)."""
    if a // T17_ARTICLES == b // T17_ARTICLES:
        return "within one copy"
    return "copies of one T17 article" if a % T17_ARTICLES == b % T17_ARTICLES else "different articles and copies"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output", type=Path, help="a Spark output folder (bench/spark.py --work DIR: DIR/<size>/out-2)")
    parser.add_argument("--at", type=int, nargs="+", default=[2526, 10104],
                        help="also report the first N arrivals (the whole output is always reported)")
    args = parser.parse_args()
    config = ProvenanceConfig()
    number = record_numbers(args.output)
    matches = read_table(args.output, "passage_matches", ["article_a", "article_b", "shared_words"])
    shared = {(a, b): words for a, b, words in zip(*(matches.column(i).to_pylist() for i in range(3)), strict=True)}
    fingerprints = sorted(read_table(args.output, "fingerprints", [
        "article_id", "text_hash", "n_shingles", "signature", "doc_keys", "window_keys"]).to_pylist(),
        key=lambda row: number[row["article_id"]])
    exact_of: dict[int, list[str]] = defaultdict(list)
    doc_of: dict[int, list[str]] = defaultdict(list)
    window_of: dict[int, list[str]] = defaultdict(list)
    signatures = {}
    aligned, kinds, words = 0, Counter(), Counter()
    checkpoints = {n for n in args.at if n < len(fingerprints)} | {len(fingerprints)}
    print("| arrivals | aligned pairs | related | share related | match kind | matches | share | mean shared words |")
    print("|---:|---:|---:|---:|---|---:|---:|---:|")
    for n, row in enumerate(fingerprints, 1):
        article_id, fp = row_fingerprint(row)
        doc_hits, window_hits = Counter(), Counter()
        for key in row["doc_keys"]:
            doc_hits.update(doc_of[key])
        for key in row["window_keys"]:
            window_hits.update(window_of[key])
        ids = set(doc_hits) | {c for c, hits in window_hits.items() if hits >= config.min_window_hits}
        hits = IndexHits(tuple(sorted(exact_of[row["text_hash"]])), dict(doc_hits), dict(window_hits),
                         {c: signatures[c] for c in ids})
        for candidate in rank_candidates(fp, hits, config):
            aligned += 1
            pair = tuple(sorted((article_id, candidate.article_id)))
            if pair in shared:
                kind = pair_kind(number[pair[0]], number[pair[1]])
                kinds[kind] += 1
                words[kind] += shared[pair]
        exact_of[row["text_hash"]].append(article_id)
        for key in set(row["doc_keys"]):
            doc_of[key].append(article_id)
        for key in set(row["window_keys"]):
            window_of[key].append(article_id)
        signatures[article_id] = fp.signature
        if n in checkpoints:
            related = sum(kinds.values())
            for kind, count in kinds.most_common():
                print(f"| {n:,} | {aligned:,} | {related:,} | {related / aligned:.3f} | {kind} | {count:,} | "
                      f"{count / related:.3f} | {words[kind] / count:.0f} |", flush=True)


if __name__ == "__main__":
    main()
