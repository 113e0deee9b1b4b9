"""Persistence: the SQLite store, its schema, and per-area modules over it."""

from storyline.store import queries, storylines
from storyline.store.integrity import check_store, claim_clustering_generation, clustering_generation, snapshot
from storyline.store.nlp import (
    annotated_ids,
    clear_nlp_pending,
    entity_names_matching,
    load_annotations,
    load_claims,
    load_entities,
    load_entity_mentions,
    load_speaker_quotes,
    load_stances,
    mark_nlp_pending,
    nlp_pending,
    save_annotations,
    save_story_analysis,
)
from storyline.store.outlets import add_outlet_page, outlet_line_pages
from storyline.store.provenance import ProvenanceIndex
from storyline.store.sources import (
    load_source_state,
    record_attempt,
    remember_item,
    save_source_state,
    source_health,
    source_healths,
)
from storyline.store.store import Store

__all__ = [
    "ProvenanceIndex",
    "Store",
    "add_outlet_page",
    "annotated_ids",
    "check_store",
    "claim_clustering_generation",
    "clear_nlp_pending",
    "clustering_generation",
    "entity_names_matching",
    "load_annotations",
    "load_claims",
    "load_entities",
    "load_entity_mentions",
    "load_source_state",
    "load_speaker_quotes",
    "load_stances",
    "mark_nlp_pending",
    "nlp_pending",
    "outlet_line_pages",
    "queries",
    "record_attempt",
    "remember_item",
    "save_annotations",
    "save_source_state",
    "save_story_analysis",
    "snapshot",
    "source_health",
    "source_healths",
    "storylines",
]
