"""Bloom filters over band keys: which sealed index segments may hold a key, without probing them.

A query of the provenance index looks each of a document's band keys up in every segment. Most
keys are in no segment at all, so a small filter per sealed segment answers "certainly not here"
for almost all of those probes in memory. The filter is *blocked* to one 64-bit word: all of a
key's bits lie in one word, so a lookup is one memory access, and numpy tests a whole query's
keys against a filter in one vectorised step. With 16-18 bits per key and 6 bits set per key the
false-positive rate is about 0.3% (a false positive costs one wasted probe; there are no false
negatives). It is kept that low because every sealed segment is asked about every key (at 1M
documents: ~100 keys × 112 segments, ~35 wasted probes), and a merged segment, which keeps the
filters of the segments it was made of, is probed when any of them says "maybe".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["BloomBank", "BloomFilter", "locate"]

_ONE = np.uint64(1)
_LOW6 = np.uint64(63)
_MAX_HASHES, _MAX_WORD_BITS = 6, 28  # 6 * 6 mask bits + 28 index bits: no bit of the mixed key used twice


def _mix(keys: np.ndarray) -> np.ndarray:
    """Return the splitmix64 finaliser of int64/uint64 keys (so every output bit depends on every input bit)."""
    x = np.asarray(keys).astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return x


@dataclass(frozen=True, slots=True, eq=False)
class BloomFilter:
    """A one-word blocked Bloom filter over 64-bit integer keys.

    Args:
        words: the filter's bits, a power-of-two number of uint64 words.
        hashes: bits set per key (at most 6: each takes 6 bits of the mixed key's low end, the word
            index its high end, up to 2^28 words).
    """

    words: np.ndarray
    hashes: int = 6

    def __post_init__(self) -> None:
        n = len(self.words)
        if n == 0 or n & (n - 1):
            raise ValueError(f"a Bloom filter needs a power-of-two number of words, got {n}")
        if not 1 <= self.hashes <= _MAX_HASHES:
            raise ValueError(f"a Bloom filter sets 1 to {_MAX_HASHES} bits per key, got {self.hashes}")

    @classmethod
    def from_keys(cls, keys: np.ndarray, bits_per_key: float = 16.0, hashes: int = 6) -> BloomFilter:
        """Build a filter holding ``keys``, sized to about ``bits_per_key`` bits per key (repeats are counted)."""
        keys = np.asarray(keys, dtype=np.int64)
        wanted = max(1.0, len(keys) * bits_per_key / 64)
        n_words = 1 << max(0, min(_MAX_WORD_BITS, round(np.log2(wanted))))
        words = np.zeros(n_words, dtype=np.uint64)
        index, masks = locate(keys, (n_words, hashes))
        np.bitwise_or.at(words, index, masks)
        return cls(words, hashes)

    @classmethod
    def from_bytes(cls, blob: bytes, hashes: int) -> BloomFilter:
        """Rebuild a filter from ``to_bytes`` output."""
        return cls(np.frombuffer(blob, dtype="<u8").astype(np.uint64), hashes)

    def to_bytes(self) -> bytes:
        """Return the filter's words as little-endian bytes (for storage)."""
        return self.words.astype("<u8").tobytes()

    @property
    def shape(self) -> tuple[int, int]:
        """Return ``(words, hashes)``: filters of one shape place a key alike (see ``locate``)."""
        return len(self.words), self.hashes

    def might_contain(self, keys: np.ndarray) -> np.ndarray:
        """Return a boolean array: False where a key is certainly not in the filter."""
        index, masks = locate(keys, self.shape)
        return (self.words[index] & masks) == masks


def locate(keys: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Return each key's word index (the mixed key's high bits) and bit mask (its low bits) in filters of ``shape``.

    Filters of one shape place a key alike, so a ``BloomBank`` places a query's keys once for all its rows.
    """
    n_words, hashes = shape
    mixed = _mix(np.asarray(keys, dtype=np.int64))
    shift = np.uint64(64 - (n_words.bit_length() - 1))
    index = (mixed >> shift).astype(np.int64) if shift < 64 else np.zeros(len(mixed), dtype=np.int64)
    masks = np.zeros(len(mixed), dtype=np.uint64)
    for i in range(hashes):
        masks |= _ONE << ((mixed >> np.uint64(6 * i)) & _LOW6)
    return index, masks


class BloomBank:
    """Filters of one shape side by side: a query's keys meet all of them in one gather.

    The words are stored transposed, one row per word position and one column per filter, so the
    words a key needs from every filter lie next to each other in memory (one row read per key,
    however many filters). Columns are added as segments are sealed (the array grows by doubling)
    and dropped when their filter is gone; ``test`` answers for every filter at once.

    Args:
        shape: ``(words, hashes)`` of every filter in the bank.
    """

    def __init__(self, shape: tuple[int, int]) -> None:
        self.shape = shape
        self._words = np.zeros((shape[0], 0), dtype=np.uint64)
        self._ids: list[int] = []

    @property
    def ids(self) -> list[int]:
        """The filters' ids, in column order."""
        return list(self._ids)

    def add(self, filter_id: int, bloom: BloomFilter) -> None:
        """Append a filter of the bank's shape under ``filter_id``."""
        if bloom.shape != self.shape:
            raise ValueError(f"filter of shape {bloom.shape} added to a bank of shape {self.shape}")
        n = len(self._ids)
        if n == self._words.shape[1]:
            grown = np.zeros((self.shape[0], max(4, 2 * n)), dtype=np.uint64)
            grown[:, :n] = self._words[:, :n]
            self._words = grown
        self._words[:, n] = bloom.words
        self._ids.append(filter_id)

    def keep(self, filter_ids: set[int]) -> None:
        """Drop the filters whose id is not in ``filter_ids``."""
        columns = [i for i, fid in enumerate(self._ids) if fid in filter_ids]
        if len(columns) < len(self._ids):
            self._words = self._words[:, columns].copy()
            self._ids = [self._ids[i] for i in columns]

    def test(self, keys: np.ndarray) -> np.ndarray:
        """Return a ``(filters, keys)`` boolean array: False where a filter certainly lacks a key."""
        index, masks = locate(keys, self.shape)
        words = self._words[index, : len(self._ids)]  # (keys, filters), one contiguous row per key
        return ((words & masks[:, None]) == masks[:, None]).T
