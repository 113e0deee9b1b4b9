"""Provenance: exact and near duplicates, embedded wire passages, alignment and likely origin.

The stage, in the order the pipeline runs it for each new article:

1. ``fingerprint``: normalised-text hash, document MinHash and passage-window MinHash band keys;
2. the store's ``ProvenanceIndex.lookup`` gives the indexed articles sharing any of them, and
   ``rank_candidates`` orders those candidates;
3. ``find_related`` aligns the article with each candidate (``align``) and keeps real copies;
4. ``shared_passages`` joins the pairwise alignments of a story into passages with carriers and a
   likely origin, and ``sentence_groups`` (``linked_sentence_groups`` over the store's streamed
   ``sentence_links``) tells the summariser which sentences are one.
"""

from storyline.model import Fingerprint, IndexHits
from storyline.provenance.align import Alignment, Run, SentencePair, align_articles, align_texts, word_edits
from storyline.provenance.candidates import CopyCandidate, rank_candidates
from storyline.provenance.detect import Related, find_related
from storyline.provenance.fingerprint import fingerprint, signature_jaccard, text_hash
from storyline.provenance.passages import (
    Carrier,
    SentenceLink,
    SharedPassage,
    linked_sentence_groups,
    provenance_grouper,
    sentence_groups,
    shared_passages,
)

__all__ = [
    "Alignment",
    "Carrier",
    "CopyCandidate",
    "Fingerprint",
    "IndexHits",
    "Related",
    "Run",
    "SentenceLink",
    "SentencePair",
    "SharedPassage",
    "align_articles",
    "align_texts",
    "find_related",
    "fingerprint",
    "linked_sentence_groups",
    "provenance_grouper",
    "rank_candidates",
    "sentence_groups",
    "shared_passages",
    "signature_jaccard",
    "text_hash",
    "word_edits",
]
