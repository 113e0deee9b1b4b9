"""How close a Spark run (imported into a store) is to the local pipeline over the same inputs.

Compares two stores: the articles (ids), the provenance pairs, and the story and storyline
partitions of the shared articles as B-cubed F1 of one against the other (1.0: the same
partition; symmetric, since F1 swaps precision and recall).
"""

from __future__ import annotations

from dataclasses import dataclass

from storyline.partitions import bcubed_f1
from storyline.store import ProvenanceIndex, Store
from storyline.store.storylines import load_storylines

__all__ = ["Equivalence", "compare_stores"]


@dataclass(frozen=True, slots=True)
class Equivalence:
    """Agreement of two stores built from the same inputs."""

    articles: int
    same_articles: bool
    pairs: int
    same_pairs: bool
    pairs_only_local: int
    pairs_only_spark: int
    stories_local: int
    stories_spark: int
    story_bcubed_f1: float
    storyline_bcubed_f1: float


def _partition(store: Store) -> tuple[dict[str, str], dict[str, str]]:
    """Each article's story, and each article's storyline."""
    story_of = {a: row.id for row in store.stories() for a in row.story.article_ids}
    line_of_story = {s.id: line.storyline.id for line in load_storylines(store) for s in line.stories}
    return story_of, {a: line_of_story.get(s, s) for a, s in story_of.items()}


def compare_stores(local: Store, spark: Store) -> Equivalence:
    """Compare the store of a local run with the store a Spark run was imported into.

    Reads ids (articles, pairs) and the stories' members, never texts or alignments: two stores
    of 100k articles compare in 1.6 GB, where loading their articles and pairs took over 24 GB.
    """
    local_ids, spark_ids = set(local.article_ids()), set(spark.article_ids())
    shared_ids = local_ids & spark_ids
    ids = sorted(shared_ids)

    def pairs(store: Store) -> set[tuple[str, str]]:
        return {(a, b) for a, b in ProvenanceIndex(store).pair_ids() if a in shared_ids and b in shared_ids}

    local_pairs, spark_pairs = pairs(local), pairs(spark)
    local_story, local_line = _partition(local)
    spark_story, spark_line = _partition(spark)
    shared = [a for a in ids if a in local_story and a in spark_story]

    def f1(gold: dict[str, str], predicted: dict[str, str]) -> float:
        return bcubed_f1([gold[a] for a in shared], [predicted[a] for a in shared]) if shared else 1.0

    return Equivalence(
        articles=len(local_ids), same_articles=local_ids == spark_ids, pairs=len(local_pairs),
        same_pairs=local_pairs == spark_pairs, pairs_only_local=len(local_pairs - spark_pairs),
        pairs_only_spark=len(spark_pairs - local_pairs), stories_local=len(set(local_story.values())),
        stories_spark=len(set(spark_story.values())), story_bcubed_f1=f1(local_story, spark_story),
        storyline_bcubed_f1=f1(local_line, spark_line))
