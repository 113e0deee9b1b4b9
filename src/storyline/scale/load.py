"""Import the Parquet output of a Spark run into a Store, as ``storyline ingest`` would have stored it.

Articles are stored with their raw documents, failures with theirs when they have one, through
the Store API in batched transactions. Then the new articles are indexed for provenance
(``Pipeline.index_unindexed``) and those that have no story yet are clustered and summarised by
``Pipeline.update_stories``, as after a local ingest, so ``storyline
stories``, ``show`` and the web UI work unchanged. Reads with pyarrow (no Spark, no Java needed).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.config import StorylineConfig
from storyline.errors import InputError, StorylineError
from storyline.pipeline import Pipeline
from storyline.scale.rows import TABLES, row_article, row_failure
from storyline.store import Store

__all__ = ["ImportReport", "import_output"]


@dataclass(slots=True)
class ImportReport:
    """What an import stored."""

    articles: int = 0
    failures: int = 0
    already_stored: int = 0
    provenance_indexed: int = 0
    stories: list[str] = field(default_factory=list)


def _rows(output: str, table: str, batch_size: int) -> Iterator[list[dict[str, Any]]]:
    """Yield batches of a table's rows as column -> value dicts."""
    try:
        import pyarrow.dataset as ds
    except ImportError as exc:
        raise StorylineError("importing Spark output needs pyarrow: pip install 'storyline[spark]'") from exc
    try:
        dataset = ds.dataset(f"{output.rstrip('/')}/{table}", format="parquet")
    except (OSError, ValueError) as exc:
        raise InputError(f"{output}: no {table!r} table of a storyline Spark run ({exc})", origin=output) from exc
    missing = [name for name, _kind, _null in TABLES[table] if name not in dataset.schema.names]
    if missing:
        raise InputError(f"{output}/{table}: not a storyline {table} table (missing columns {missing})",
                         origin=output)
    for batch in dataset.to_batches(batch_size=batch_size):
        yield batch.to_pylist()


def import_output(output: str | Path, store: Store, config: StorylineConfig | None = None, *,
                  batch_size: int = 500, update_stories: bool = True) -> ImportReport:
    """Load the ``articles`` and ``failures`` tables of a Spark run into ``store``.

    Content already in the store (same hash) is skipped, so importing twice changes nothing.

    Args:
        output: the folder a Spark run wrote (local path or a URI pyarrow can read).
        store: where to store.
        config: settings for clustering and summaries.
        batch_size: rows per transaction.
        update_stories: index the new articles for provenance, cluster and summarise them (as ``ingest`` does).

    Raises:
        InputError: ``output`` holds no storyline tables.
    """
    output = str(output)
    report = ImportReport()
    for batch in _rows(output, "articles", batch_size):
        with store.transaction():
            for row in batch:
                article, raw = row_article(row)
                if raw is not None and store.save_document(raw, article):
                    report.articles += 1
                else:
                    report.already_stored += 1
    later: list = []
    for batch in _rows(output, "failures", batch_size):
        with store.transaction():
            for row in batch:
                failure, raw = row_failure(row)
                if raw is not None:
                    report.failures += store.save_document(raw, None, failure)
                elif failure.sha256 is not None:
                    later.append(failure)  # a copy of failed content: after the raw document it names
                else:
                    report.failures += store.save_failure(failure)
    with store.transaction():
        for failure in later:
            report.failures += store.save_failure(failure)
    if update_stories:
        pipeline = Pipeline(store, config)
        report.provenance_indexed = pipeline.index_unindexed()  # what ingest does per article
        report.stories = pipeline.update_stories()
    return report
