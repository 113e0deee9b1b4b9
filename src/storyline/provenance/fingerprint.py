"""Fingerprints of an article for the provenance index: one pass over its sentences.

A fingerprint holds

1. ``text_hash``: a 63-bit hash of the normalised text, i.e. its word tokens (exact duplicates);
2. ``signature``: the document MinHash over word shingles, exactly what ``datasketch.MinHash``
   (affine32 scheme) gives for the same shingles, so it can be compared with datasketch's own
   ``MinHash``/``MinHashLSH`` (tests check the equivalence);
3. ``doc_keys``: LSH band keys of the signature (near duplicates by Jaccard);
4. ``window_keys``: LSH band keys of a small MinHash over every window of
   ``window_sentences`` consecutive sentences (passages, i.e. containment: a wire passage
   embedded in a longer article shares whole windows with its source even when the two
   documents' Jaccard is low).

Shingles never cross a sentence boundary, so a window's shingles are the union of its
sentences' shingles and a passage copied into another article has the same windows there.
Shingles are hashed by ``text.shingle_hashes`` (one CRC32 per word, a rolling polynomial per
shingle) and all MinHash arithmetic is vectorised with numpy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from storyline.config import ProvenanceConfig
from storyline.model import Fingerprint, Span
from storyline.text import shingle_hashes, tokenize

__all__ = ["fingerprint", "permutations", "signature_jaccard", "text_hash"]

_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))
_MIX64 = np.uint64(0x9E3779B97F4A7C15)



def text_hash(text: str, tokens: Sequence[str] | None = None) -> int:
    """Return a signed 63-bit hash of the normalised text: its word tokens (equal for exact duplicates).

    Case, spacing, quote styles and punctuation do not change it; any word does.

    >>> text_hash("The  Port\\n closed.") == text_hash("the port, closed")
    True
    """
    words = tokens if tokens is not None else tokenize(text)
    digest = hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return datasketch's affine32 permutation parameters ``(a, b)`` for ``num_perm`` and ``seed``."""
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed).permutations
    return np.asarray(a, dtype=np.uint32), np.asarray(b, dtype=np.uint32)


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's finaliser: an avalanching bijection on uint32 (the pre-mix datasketch applies)."""
    s1, m1, s2, m2, s3 = _FMIX
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)


def _band_keys(matrix: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Hash each band of each row of ``matrix`` (n x bands*rows uint32) to one int64 key."""
    n = matrix.shape[0]
    grouped = matrix[:, : bands * rows].reshape(n, bands, rows).astype(np.uint64)
    keys = np.broadcast_to(np.arange(1, bands + 1, dtype=np.uint64) * _MIX64, (n, bands)).copy()
    for r in range(rows):
        keys = (keys ^ grouped[:, :, r]) * _MIX64
        keys ^= keys >> np.uint64(29)
    return keys.view(np.int64)


def fingerprint(text: str, sentences: Sequence[Span], config: ProvenanceConfig | None = None) -> Fingerprint:
    """Compute an article's provenance fingerprint (see the module docstring).

    Args:
        text: the article text.
        sentences: its sentence spans (``Article.sentences``).
        config: shingle size, permutations and band layout; defaults when None.
    """
    config = config or ProvenanceConfig()
    a, b = permutations(config.num_perm, config.seed)
    tokens = [tokenize(span.slice(text)) for span in sentences]
    hashes, starts = shingle_hashes(tokens, config.shingle_size)
    digest = text_hash(text, [w for sentence in tokens for w in sentence])
    if hashes.size == 0:
        empty = np.full(config.num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
        return Fingerprint(digest, empty, (), (), 0)
    # every shingle under every permutation, as datasketch's affine32 scheme computes it
    permuted = _fmix32(hashes)[:, None] * a[None, :] + b[None, :]
    signature = permuted.min(axis=0)
    rows = config.num_perm // config.doc_bands
    doc_keys = _band_keys(signature[None, :], config.doc_bands, rows)[0]

    width = config.window_bands * config.window_rows
    ends = np.append(starts[1:], hashes.size)
    nonempty = np.flatnonzero(ends > starts)
    per_sentence = np.minimum.reduceat(permuted[:, :width], starts[nonempty], axis=0)
    w = min(config.window_sentences, len(nonempty))
    windows = per_sentence[: len(nonempty) - w + 1].copy()
    for shift in range(1, w):
        np.minimum(windows, per_sentence[shift : len(nonempty) - w + 1 + shift], out=windows)
    window_keys = np.unique(_band_keys(windows, config.window_bands, config.window_rows).ravel())
    return Fingerprint(
        text_hash=digest,
        signature=signature,
        doc_keys=tuple(np.unique(doc_keys).tolist()),
        window_keys=tuple(window_keys.tolist()),
        n_shingles=int(hashes.size),
    )


def signature_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimate the Jaccard similarity of two documents from their MinHash signatures."""
    return float(np.count_nonzero(a == b)) / len(a) if len(a) else 0.0
