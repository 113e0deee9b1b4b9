"""The Parquet tables a Spark run writes, and the conversions between their rows and model records.

One folder per table under the output path. Extraction writes two:

``articles`` — one row per extracted article (first input holding that content, as locally):
    the Article's fields, the raw document it came from (``raw_*``), so that ``storyline import``
    stores exactly what ``storyline ingest`` stores.
``failures`` — one row per input that did not become an article: a reader failure (no raw
    document: ``sha256`` and ``raw_*`` null), an extraction failure (with its raw document), or a
    later copy of content that failed (``sha256`` set, ``raw_*`` null: stored once, under its first input).

The later stages write ``fingerprints`` and ``passage_matches`` (provenance), ``stories``,
``storylines``, ``story_links`` and ``term_stats`` (clustering and linking) and ``summaries``
(cited summaries); see the column tuples below and docs/spark.md.

Column types are given as Spark SQL DDL types; ``spark_schema`` builds the StructType. Lists of
spans are ``array<array<int>>`` of ``[start, end)`` pairs; ``raw_metadata`` is a JSON object string.
"""

from __future__ import annotations

import json
from typing import Any

from storyline.model import (
    Article,
    ArticleDate,
    Citation,
    Failure,
    Fingerprint,
    PairRecord,
    RawDocument,
    Span,
    StoryState,
    Summary,
    SummarySentence,
)

__all__ = ["ARTICLE_COLUMNS", "FAILURE_COLUMNS", "TABLES", "article_row", "failure_row", "fingerprint_row",
           "json_state", "match_row", "row_article", "row_failure", "row_fingerprint", "row_match", "row_summary",
           "spark_schema", "state_json", "summary_row"]

_RAW_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("raw_content_type", "string", True),
    ("raw_fetched_at", "string", True),
    ("raw_metadata", "string", True),
    ("raw_content", "binary", True),
)

#: (name, Spark SQL type, nullable) of every column of the ``articles`` table, in order.
ARTICLE_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("id", "string", False),
    ("raw_sha256", "string", False),
    ("origin", "string", False),
    ("source_id", "string", True),
    ("url", "string", True),
    ("outlet", "string", True),
    ("title", "string", True),
    ("authors", "array<string>", False),
    ("date_value", "string", True),
    ("date_precision", "string", True),
    ("date_inferred", "boolean", True),
    ("date_source", "string", True),
    ("day", "string", True),
    ("language", "string", True),
    ("text", "string", False),
    ("paragraphs", "array<array<int>>", False),
    ("sentences", "array<array<int>>", False),
    ("credits", "array<string>", False),
    ("extraction_method", "string", False),
    ("warnings", "array<string>", False),
    ("extraction_reason", "string", False),
    *_RAW_COLUMNS,
)

#: (name, Spark SQL type, nullable) of every column of the ``failures`` table, in order.
FAILURE_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("origin", "string", False),
    ("stage", "string", False),
    ("error_type", "string", False),
    ("message", "string", False),
    ("sha256", "string", True),
    *_RAW_COLUMNS,
)

#: ``fingerprints``: the provenance fingerprint of every article (what ``storyline import`` puts in the index).
FINGERPRINT_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("article_id", "string", False),
    ("text_hash", "bigint", False),
    ("n_shingles", "int", False),
    ("signature", "binary", False),
    ("doc_keys", "array<bigint>", False),
    ("window_keys", "array<bigint>", False),
)

#: ``passage_matches``: pairs of articles that share text, with their alignment (``article_a < article_b``).
MATCH_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("article_a", "string", False),
    ("article_b", "string", False),
    ("exact", "boolean", False),
    ("jaccard", "double", False),
    ("containment", "double", False),
    ("shared_words", "int", False),
    ("alignment", "string", False),
)

#: ``stories``: one row per story, with its members and the clusterer state it ends in.
STORY_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("id", "string", False),
    ("storyline_id", "string", False),
    ("article_ids", "array<string>", False),
    ("first_seen", "string", True),
    ("last_seen", "string", True),
    ("label", "string", False),
    ("keywords", "array<string>", False),
    ("size", "int", False),
    ("state", "string", False),
)

#: ``storylines``: one row per storyline, its stories oldest first, and its most representative stories first
#: (``centres``: its label is the first of them that has one).
STORYLINE_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("id", "string", False),
    ("seq", "int", False),
    ("story_ids", "array<string>", False),
    ("detail", "string", False),
    ("centres", "array<string>", False),
)

#: ``story_links``: the links between stories that made the storylines.
LINK_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("a", "string", False),
    ("b", "string", False),
    ("score", "double", False),
)

#: ``summaries``: the cited summary of every story.
SUMMARY_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("subject_id", "string", False),
    ("method", "string", False),
    ("sentences", "array<struct<text:string,citations:array<struct<article_id:string,start:int,end:int,"
                  "kind:string>>>>", False),
)

#: ``term_stats``: document frequency of every clustering term (so a later local ingest continues the stream).
TERM_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("term", "string", False),
    ("df", "bigint", False),
)

TABLES = {"articles": ARTICLE_COLUMNS, "failures": FAILURE_COLUMNS, "fingerprints": FINGERPRINT_COLUMNS,
          "passage_matches": MATCH_COLUMNS, "stories": STORY_COLUMNS, "storylines": STORYLINE_COLUMNS,
          "story_links": LINK_COLUMNS, "summaries": SUMMARY_COLUMNS, "term_stats": TERM_COLUMNS}


def spark_schema(table: str) -> Any:
    """Return the pyspark StructType of one output table (a key of ``TABLES``)."""
    from pyspark.sql.types import StructField, StructType, _parse_datatype_string

    return StructType([StructField(name, _parse_datatype_string(kind), nullable)
                       for name, kind, nullable in TABLES[table]])


def _raw_values(raw: RawDocument | None) -> tuple[Any, ...]:
    if raw is None:
        return (None, None, None, None)
    return (raw.content_type, raw.fetched_at, json.dumps(raw.metadata, sort_keys=True), raw.content)


def article_row(article: Article, raw: RawDocument) -> tuple[Any, ...]:
    """Return an article and its raw document as a row of ``articles`` (a tuple in column order)."""
    date = article.date
    return (
        article.id, article.raw_sha256, article.origin, article.source_id, article.url, article.outlet,
        article.title, list(article.authors),
        date.value if date else None, date.precision if date else None,
        date.inferred if date else None, date.source if date else None,
        date.day.isoformat() if date else None, article.language, article.text,
        [[s.start, s.end] for s in article.paragraphs], [[s.start, s.end] for s in article.sentences],
        list(article.credits), article.extraction_method, list(article.warnings), article.extraction_reason,
        *_raw_values(raw),
    )


def failure_row(failure: Failure, raw: RawDocument | None) -> tuple[Any, ...]:
    """Return a failure (and the raw document to store with it, if any) as a row of ``failures``."""
    return (failure.origin, failure.stage, failure.error_type, failure.message, failure.sha256, *_raw_values(raw))


def _raw(row: dict[str, Any], origin: str, sha256: str | None) -> RawDocument | None:
    if row.get("raw_content") is None or sha256 is None:
        return None
    return RawDocument(origin=origin, content=bytes(row["raw_content"]), content_type=row["raw_content_type"],
                       sha256=sha256, fetched_at=row["raw_fetched_at"],
                       metadata=json.loads(row["raw_metadata"] or "{}"))


def row_article(row: dict[str, Any]) -> tuple[Article, RawDocument | None]:
    """Turn a row of ``articles`` (a column -> value mapping) back into the Article and its raw document."""
    date = None
    if row["date_value"]:
        date = ArticleDate(row["date_value"], row["date_precision"], bool(row["date_inferred"]),
                           row["date_source"] or "")
    article = Article(
        id=row["id"], raw_sha256=row["raw_sha256"], origin=row["origin"], text=row["text"], title=row["title"],
        url=row["url"], outlet=row["outlet"], authors=list(row["authors"] or []), date=date,
        language=row["language"], paragraphs=[Span(a, b) for a, b in row["paragraphs"]],
        sentences=[Span(a, b) for a, b in row["sentences"]], credits=list(row["credits"] or []),
        extraction_method=row["extraction_method"], warnings=list(row["warnings"] or []),
        source_id=row["source_id"], extraction_reason=row["extraction_reason"],
    )
    return article, _raw(row, row["origin"], row["raw_sha256"])


def row_failure(row: dict[str, Any]) -> tuple[Failure, RawDocument | None]:
    """Turn a row of ``failures`` back into the Failure and the raw document stored with it (if any)."""
    failure = Failure(row["origin"], row["stage"], row["error_type"], row["message"], row["sha256"])
    return failure, _raw(row, row["origin"], row["sha256"])


def fingerprint_row(article_id: str, fp: Fingerprint) -> tuple[Any, ...]:
    """Return an article's provenance fingerprint as a row of ``fingerprints``."""
    return (article_id, int(fp.text_hash), int(fp.n_shingles), fp.signature.astype("<u4").tobytes(),
            [int(k) for k in fp.doc_keys], [int(k) for k in fp.window_keys])


def row_fingerprint(row: dict[str, Any]) -> tuple[str, Fingerprint]:
    """Turn a row of ``fingerprints`` back into ``(article id, Fingerprint)``."""
    import numpy as np

    signature = np.frombuffer(bytes(row["signature"]), dtype="<u4").astype(np.uint32)
    return row["article_id"], Fingerprint(int(row["text_hash"]), signature, tuple(row["doc_keys"]),
                                          tuple(row["window_keys"]), int(row["n_shingles"]))


def match_row(pair: PairRecord) -> tuple[Any, ...]:
    """Return a found pair as a row of ``passage_matches`` (the alignment as sorted-key JSON, as stored locally)."""
    return (pair.article_a, pair.article_b, bool(pair.exact), float(pair.jaccard), float(pair.containment),
            int(pair.shared_words), json.dumps(pair.alignment, sort_keys=True))


def row_match(row: dict[str, Any]) -> PairRecord:
    """Turn a row of ``passage_matches`` back into a PairRecord."""
    return PairRecord(row["article_a"], row["article_b"], bool(row["exact"]), row["jaccard"], row["containment"],
                      row["shared_words"], json.loads(row["alignment"]))


def state_json(state: StoryState) -> str:
    """Serialise a story's clusterer state (``state`` column of ``stories``)."""
    return json.dumps({"vector": state.vector, "norm": state.norm, "size": state.size, "founded": state.founded,
                       "last_tick": state.last_tick, "first_day": state.first_day, "last_day": state.last_day,
                       "label": state.label}, sort_keys=True)


def json_state(story_id: str, data: str) -> StoryState:
    """Rebuild a story's clusterer state from the ``state`` column."""
    d = json.loads(data)
    return StoryState(story_id, d["vector"], d["norm"], d["size"], d["founded"], d["last_tick"], d["first_day"],
                      d["last_day"], d["label"])


def summary_row(summary: Summary) -> tuple[Any, ...]:
    """Return a cited summary as a row of ``summaries``."""
    return (summary.subject_id, summary.method,
            [(s.text, [(c.article_id, c.start, c.end, c.kind) for c in s.citations]) for s in summary.sentences])


def row_summary(row: dict[str, Any]) -> Summary:
    """Turn a row of ``summaries`` back into the Summary."""
    sentences = [SummarySentence(s["text"], tuple(Citation(c["article_id"], c["start"], c["end"], c["kind"])
                                                  for c in s["citations"] or []))
                 for s in row["sentences"]]
    return Summary(row["subject_id"], sentences, row["method"])
