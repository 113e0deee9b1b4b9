"""Import the Parquet output of a Spark run into a Store, as ``storyline ingest`` would have stored it.

Articles are stored with their raw documents, failures with theirs when they have one, through
the Store API in batched transactions. Into a store that held no articles, the provenance index
and pairs, stories, storylines, links, term statistics and summaries the Spark run computed are
loaded as they are (nothing recomputed; ids kept). Otherwise (a store with articles of its own,
or an extraction-only run) the new articles are indexed for provenance
(``Pipeline.index_unindexed``) and clustered and summarised by ``Pipeline.update_stories``, as
after a local ingest, so the Spark run's stories never overwrite stories the store already has.
Either way ``storyline stories``, ``show`` and the web UI work unchanged. Reads with pyarrow (no
Spark, no Java needed).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.cluster.online import window_of
from storyline.cluster.passes import imported_pass
from storyline.cluster.refine import StoryPart, coarse_id, whole_state
from storyline.config import StorylineConfig
from storyline.errors import InputError, StoreError, StorylineError
from storyline.model import Linking, StorylineChange, StoryState
from storyline.pipeline import Pipeline
from storyline.scale.rows import (
    TABLES,
    json_state,
    row_article,
    row_failure,
    row_fingerprint,
    row_match,
    row_summary,
)
from storyline.store import ProvenanceIndex, Store, claim_clustering_generation, clustering_generation
from storyline.store import storylines as storylines_store

__all__ = ["ImportReport", "import_output"]


@dataclass(slots=True)
class ImportReport:
    """What an import stored."""

    articles: int = 0
    failures: int = 0
    already_stored: int = 0
    provenance_indexed: int = 0
    stories: list[str] = field(default_factory=list)
    computed_on_spark: bool = False
    """True when provenance, stories and summaries came from the Spark run's tables (not recomputed)."""


def _has_table(output: str, table: str) -> bool:
    import pyarrow.dataset as ds

    try:
        ds.dataset(f"{output.rstrip('/')}/{table}", format="parquet")
    except (OSError, ValueError):
        return False
    return True


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
    """Load the tables of a Spark run into ``store`` (see the module docstring for what is recomputed when).

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
    fresh = store.count_articles() == 0
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
    if not update_stories:
        return report
    pipeline = Pipeline(store, config)
    if fresh and report.articles and all(_has_table(output, t) for t in _LATER_TABLES):
        report.provenance_indexed, report.stories = _load_later(output, store, pipeline.config, batch_size)
        report.computed_on_spark = True
        if pipeline.config.nlp.enabled:
            pipeline.annotate_stories(report.stories)
        return report
    report.provenance_indexed = pipeline.index_unindexed()  # what ingest does per article
    report.stories = pipeline.update_stories()
    return report


_LATER_TABLES = ("fingerprints", "passage_matches", "stories", "storylines", "story_links", "term_stats",
                 "summaries")


def _load_later(output: str, store: Store, config: StorylineConfig, batch_size: int) -> tuple[int, list[str]]:
    """Load the provenance, story, storyline and summary tables of a Spark run; return (indexed, story ids)."""
    index = ProvenanceIndex(store)
    indexed = 0
    for batch in _rows(output, "fingerprints", batch_size):
        indexed += index.insert_many(row_fingerprint(row) for row in batch)
    for batch in _rows(output, "passage_matches", batch_size):
        index.save_pairs(row_match(row) for row in batch)
    parts = []
    for batch in _rows(output, "stories", batch_size):
        parts.extend(StoryPart(json_state(row["id"], row["state"]), list(row["article_ids"])) for row in batch)
    n_articles = sum(len(p.article_ids) for p in parts)
    df: dict[str, int] = {}
    for batch in _rows(output, "term_stats", batch_size):
        df.update((row["term"], int(row["df"])) for row in batch)
    linking = Linking()
    changes = sorted((row for batch in _rows(output, "storylines", batch_size) for row in batch),
                     key=lambda row: row["seq"])
    for row in changes:
        linking.changes.append(StorylineChange(row["id"], "created", row["detail"]))
        linking.storyline_of.update((story, row["id"]) for story in row["story_ids"])
        linking.centres[row["id"]] = list(row.get("centres") or [])  # absent in the tables of earlier runs
    for batch in _rows(output, "story_links", batch_size):
        linking.edges.update(((row["a"], row["b"]), row["score"]) for row in batch)
    cfg = config.cluster
    # the clusterer keeps each story whole: a story cut in two by the refinement is its parts summed
    wholes: dict[str, list[StoryState]] = {}
    for part in parts:
        wholes.setdefault(coarse_id(part.state.id), []).append(part.state)
    states = [whole_state(group) for _story, group in sorted(wholes.items())]
    # the clusterer's active window and archive after the run: what a local stream would still compare new
    # articles (and undated ones) with
    active, archived, clock = window_of(states, cfg)
    ids = sorted(p.state.id for p in parts)
    with store.transaction() as db:
        if not claim_clustering_generation(db, clustering_generation(store)):
            raise StoreError(f"store {store.path}: another process clustered while importing; import again")
        storylines_store.save_cluster_pass(store, imported_pass(parts, active, df, n_articles, clock,
                                                                cfg.centroid_terms, archived))
        storylines_store.save_linking(store, linking, {})
        for batch in _rows(output, "summaries", batch_size):
            for row in batch:
                store.save_summary(row_summary(row))
    return indexed, ids
