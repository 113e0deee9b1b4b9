"""What a clustering pass changed, as one record for the store (:class:`~storyline.model.ClusterPass`).

The clusterer (``cluster.online``) and the cut (``cluster.refine``) decide; this module reads off
their decisions: the stored stories (whole, or the parts of a cut story) with the centroid kept
for each, every article's story, and which parts of a cut story start or stop being stories of
their own. A part stored before the pass and no longer cut went back into its story (*rejoined*),
unless that story merged into another meanwhile (then the part *merged* with it, for good).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from storyline.cluster.online import EventClusterer
from storyline.cluster.refine import StoryPart, coarse_id
from storyline.model import ENTITY_PREFIX, ClusterPass, PartChange, Story, StoryRow, StoryState
from storyline.text import GENERIC_WORDS

__all__ = ["cluster_pass", "imported_pass", "part_changes", "story_row"]


def story_row(state: StoryState, terms: int) -> StoryRow:
    """The stored story of a clusterer story state (or part): its ``terms`` strongest features as centroid."""
    first, last = state.days()
    centroid = state.top_terms(terms)
    named = {t: w for t, w in centroid.items() if t.startswith(ENTITY_PREFIX)}
    story = Story(state.id, [], first, last, state.label, state.keywords(skip=GENERIC_WORDS))
    return StoryRow(story, centroid, named, state.size)


def cluster_pass(clusterer: EventClusterer, parts: Sequence[StoryPart], cut_before: Mapping[str, str],
                 centroid_terms: int) -> ClusterPass:
    """Return the record of one clustering pass.

    Args:
        clusterer: the event clusterer after the pass (its merges, window, statistics and clock).
        parts: the stored stories of every story the pass touched (received articles or absorbed
            others), each whole or cut in two, with all their articles.
        cut_before: the parts cut off the touched and absorbed stories that were stored before the
            pass, each with the clusterer story it belongs to now (merges followed).
        centroid_terms: features kept in a story row's centroid.
    """
    return ClusterPass(
        stories=[story_row(p.state, centroid_terms) for p in parts], assignments=_assignments(parts),
        merges=list(clusterer.merges), part_changes=part_changes(parts, cut_before),
        active=list(clusterer.active.values()),
        closed=sorted(s.id for s in clusterer.evicted
                      if s.id not in clusterer.active and s.id not in clusterer.archive),
        df_delta=dict(clusterer.stats.delta), n_docs=clusterer.stats.n_docs, tick=clusterer.tick,
        clock=clusterer.clock, archived=list(clusterer.archive.values()))


def imported_pass(parts: Sequence[StoryPart], active: Sequence[StoryState], df: Mapping[str, int], n_docs: int,
                  clock: int | None, centroid_terms: int, archived: Sequence[StoryState] = ()) -> ClusterPass:
    """Return the record of stories computed elsewhere (a Spark run) as one pass over an empty store.

    Nothing merged or was cut before; the stream position is the number of articles clustered.
    """
    return ClusterPass(stories=[story_row(p.state, centroid_terms) for p in parts], assignments=_assignments(parts),
                       merges=[], part_changes=part_changes(parts, {}), active=list(active), closed=[],
                       df_delta=dict(df), n_docs=n_docs, tick=n_docs, clock=clock, archived=list(archived))


def part_changes(parts: Sequence[StoryPart], cut_before: Mapping[str, str]) -> list[PartChange]:
    """Return the parts gone since the pass before (merged or rejoined, by id), then the parts new (split).

    Args:
        parts: the stored stories of the touched stories after the pass.
        cut_before: the parts stored before the pass, each with the clusterer story it belongs to now.
    """
    cut_now = {part.state.id: part.state.size for part in parts if part.state.id != coarse_id(part.state.id)}
    changes = []
    for part in sorted(set(cut_before) - set(cut_now)):
        story, home = coarse_id(part), cut_before[part]
        if home != story:
            changes.append(PartChange(story, part, "merged", into=home))
        else:
            changes.append(PartChange(story, part, "rejoined"))
    changes += [PartChange(coarse_id(part), part, "split", cut_now[part])
                for part in sorted(set(cut_now) - set(cut_before))]
    return changes


def _assignments(parts: Sequence[StoryPart]) -> dict[str, str]:
    return {article_id: part.state.id for part in parts for article_id in part.article_ids}
