"""The Parquet tables a Spark run writes, and the conversions between their rows and model records.

Two tables, one folder each under the output path:

``articles`` — one row per extracted article (first input holding that content, as locally):
    the Article's fields, the raw document it came from (``raw_*``), so that ``storyline import``
    stores exactly what ``storyline ingest`` stores.
``failures`` — one row per input that did not become an article: a reader failure (no raw
    document: ``sha256`` and ``raw_*`` null), an extraction failure (with its raw document), or a
    later copy of content that failed (``sha256`` set, ``raw_*`` null: stored once, under its first input).

Column types are given as Spark SQL DDL types; ``spark_schema`` builds the StructType. Lists of
spans are ``array<array<int>>`` of ``[start, end)`` pairs; ``raw_metadata`` is a JSON object string.
"""

from __future__ import annotations

import json
from typing import Any

from storyline.model import Article, ArticleDate, Failure, RawDocument, Span

__all__ = ["ARTICLE_COLUMNS", "FAILURE_COLUMNS", "TABLES", "article_row", "failure_row", "row_article",
           "row_failure", "spark_schema"]

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

TABLES = {"articles": ARTICLE_COLUMNS, "failures": FAILURE_COLUMNS}


def spark_schema(table: str) -> Any:
    """Return the pyspark StructType of one output table (``articles`` or ``failures``)."""
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
