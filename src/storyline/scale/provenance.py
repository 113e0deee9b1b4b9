"""Provenance on Spark: the local index lookup as a distributed self-join on LSH band keys.

The local pipeline indexes articles one at a time as they arrive (``Pipeline.process``: in the
order the reader meets the inputs, not by date): each article looks up the already indexed ones
sharing its text hash, a document band or passage-window bands (``ProvenanceIndex.lookup``), ranks
them (``rank_candidates``, at most ``max_candidates``) and aligns them (``find_related``). Which
articles are "already indexed" matters: where more than ``max_candidates`` earlier articles share
text with one (wire copy reprinted by many outlets), the cap keeps the best of *those*, so the
pairs depend on the arrival order. Here the same functions run in tasks:

1. ``fingerprint`` of every article (``mapPartitions``);
2. its keys exploded to rows ``(kind, key, arrival, id)`` (kind 0: text hash, 1: document band,
   2: window band) and self-joined on ``(kind, key)``, keeping pairs whose candidate arrived
   first (``scale.spark.arrival_key``: the local reader's order); per (query, candidate) the
   shared keys are counted per kind: exactly the ``IndexHits`` the local lookup returns, since the
   index holds every earlier arrival;
3. per query article, ``rank_candidates`` over those hits (with the candidates' signatures);
4. each kept (query, candidate) pair is aligned with ``find_related`` next to both texts.

So the pairs equal the local ones (tests check). Every exception becomes a failure row (stage
``provenance``), as ``Pipeline.index_provenance`` records it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from storyline.config import ProvenanceConfig
from storyline.model import Article, Failure, PairRecord
from storyline.provenance import IndexHits, find_related, fingerprint, rank_candidates
from storyline.scale.rows import failure_row, fingerprint_row, match_row, row_fingerprint

__all__ = ["spark_provenance"]

_KEYS_SCHEMA = "kind int, key bigint, ord string, id string"  # ord: the arrival key


def _failure(article: Article, what: str, exc: Exception) -> tuple[str, tuple[Any, ...]]:
    failure = Failure.of(article.origin, "provenance", exc,
                      f"{article.origin}: {what} failed for article {article.id}: {exc!r}", article.raw_sha256)
    return "failures", failure_row(failure, None)


def _fingerprints(arrivals: Iterable[tuple[str, Article]], config: ProvenanceConfig) -> Iterator[tuple[str, Any]]:
    """Fingerprint each article; yield ``("fingerprints", (arrival key, row))`` or ``("failures", row)``."""
    for arrival, article in arrivals:
        try:
            fp = fingerprint(article.text, article.sentences, config)
        except Exception as exc:  # one article's provenance never fails the job
            yield _failure(article, "fingerprinting", exc)
            continue
        yield "fingerprints", (arrival, fingerprint_row(article.id, fp))


def _keys(item: tuple[str, tuple[Any, ...]]) -> Iterator[tuple[int, int, str, str]]:
    order, row = item
    article_id, text_hash, _n, _sig, doc_keys, window_keys = row
    yield 0, text_hash, order, article_id
    for key in doc_keys:
        yield 1, key, order, article_id
    for key in window_keys:
        yield 2, key, order, article_id


def _rank(item: tuple[str, tuple[Any, list[Any]]], config: ProvenanceConfig) -> Iterator[tuple[str, str]]:
    """Rank one query article's hits as the local lookup would; yield ``(query, candidate)`` pairs kept."""
    query_id, (query_row, hits) = item
    _id, fp = row_fingerprint(_fp_dict(query_row))
    index_hits = IndexHits(
        exact=tuple(sorted(c for c, exact, _d, _w, _s in hits if exact)),
        doc_hits={c: d for c, _e, d, _w, _s in hits if d},
        window_hits={c: w for c, _e, _d, w, _s in hits if w},
        signatures={c: row_fingerprint(_fp_dict(s))[1].signature for c, _e, _d, _w, s in hits})
    for candidate in rank_candidates(fp, index_hits, config):
        yield candidate.article_id, (query_id, candidate)


def _fp_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    names = ("article_id", "text_hash", "n_shingles", "signature", "doc_keys", "window_keys")
    return dict(zip(names, row, strict=True))


def _align(items: Iterable[tuple[str, tuple[tuple[str, Any, Article], Article]]], config: ProvenanceConfig
           ) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Align each (query, candidate) pair with ``find_related``; yield match rows (or failure rows)."""
    for _candidate_id, ((_query_id, candidate, query), other) in items:
        try:
            related = find_related(query, [candidate], {other.id: other}, config)
        except Exception as exc:
            yield _failure(query, "provenance alignment", exc)
            continue
        for r in related:
            yield "passage_matches", match_row(PairRecord(
                r.alignment.article_a, r.alignment.article_b, r.candidate.exact, r.candidate.jaccard,
                r.containment, r.alignment.shared_words, r.alignment.to_dict()))


def spark_provenance(spark: Any, arrivals: Any, config: ProvenanceConfig, partitions: int | None = None) -> Any:
    """Find the pairs of articles sharing text; return an RDD of ``(table, row)``.

    Args:
        spark: the SparkSession.
        arrivals: an RDD of ``(arrival key, Article)`` (each id once): an article is compared with
            those of smaller keys, as the local index holds the articles that arrived before it.
        config: the provenance settings the local pipeline uses.
        partitions: tasks of the shuffles (default: Spark's).

    Returns:
        Rows tagged ``fingerprints``, ``passage_matches`` or ``failures``.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    fps = arrivals.mapPartitions(lambda part: _fingerprints(part, config)).persist(StorageLevel.MEMORY_AND_DISK)
    good = fps.filter(lambda item: item[0] == "fingerprints").map(lambda item: item[1])
    keys = spark.createDataFrame(good.flatMap(_keys), _KEYS_SCHEMA)
    q, c = keys.alias("q"), keys.alias("c")
    hits = (q.join(c, (F.col("q.kind") == F.col("c.kind")) & (F.col("q.key") == F.col("c.key"))
                   & (F.col("c.ord") < F.col("q.ord")))
            .groupBy(F.col("q.id").alias("query"), F.col("c.id").alias("candidate"))
            .agg(F.max(F.when(F.col("q.kind") == 0, 1).otherwise(0)).alias("exact"),
                 F.sum(F.when(F.col("q.kind") == 1, 1).otherwise(0)).alias("doc_hits"),
                 F.sum(F.when(F.col("q.kind") == 2, 1).otherwise(0)).alias("window_hits"))
            # what rank_candidates keeps anyway: less to carry to the ranking
            .where((F.col("exact") == 1) | (F.col("doc_hits") > 0) | (F.col("window_hits") >= config.min_window_hits)))
    by_id = good.map(lambda item: (item[1][0], item[1]))
    # (candidate, hit) joined with the candidate's fingerprint, then grouped by query with the query's own
    hit_rows = hits.rdd.map(lambda r: (r["candidate"], (r["query"], bool(r["exact"]), r["doc_hits"], r["window_hits"])))
    with_sig = hit_rows.join(by_id, partitions).map(
        lambda kv: (kv[1][0][0], (kv[0], kv[1][0][1], kv[1][0][2], kv[1][0][3], kv[1][1])))
    grouped = by_id.join(with_sig.groupByKey(partitions), partitions).mapValues(lambda v: (v[0], list(v[1])))
    kept = grouped.flatMap(lambda item: _rank(item, config))  # (candidate id, (query id, CopyCandidate))
    texts = arrivals.map(lambda ka: (ka[1].id, ka[1]))
    with_query = kept.map(lambda kv: (kv[1][0], (kv[0], kv[1][1]))).join(texts, partitions) \
        .map(lambda kv: (kv[1][0][0], (kv[0], kv[1][0][1], kv[1][1])))
    matches = with_query.join(texts, partitions).mapPartitions(lambda part: _align(part, config))
    tagged = fps.map(lambda item: item if item[0] == "failures" else ("fingerprints", item[1][1]))
    return tagged.union(matches)
