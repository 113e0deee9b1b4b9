"""The Bloom filters that let an index query skip segments: no false negatives, few false positives."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.store.bloom import BloomBank, BloomFilter, locate

KEYS = st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), max_size=300)


@given(KEYS, st.sampled_from([1.0, 4.0, 10.0]), st.integers(1, 6))
def test_every_added_key_is_found(keys, bits_per_key, hashes):
    bloom = BloomFilter.from_keys(np.array(keys, dtype=np.int64), bits_per_key, hashes)
    assert bloom.might_contain(np.array(keys, dtype=np.int64)).all()


@given(KEYS)
def test_bytes_round_trip_and_shared_placement(keys):
    arr = np.array(keys, dtype=np.int64)
    bloom = BloomFilter.from_keys(arr)
    again = BloomFilter.from_bytes(bloom.to_bytes(), bloom.hashes)
    assert again.shape == bloom.shape
    assert np.array_equal(again.might_contain(arr), bloom.might_contain(arr))
    index, masks = locate(arr, bloom.shape)
    assert np.array_equal((bloom.words[index] & masks) == masks, bloom.might_contain(arr))


def test_false_positive_rate_and_size_at_default_bits_per_key():
    rng = np.random.default_rng(7)
    held = rng.integers(-(2**63), 2**63 - 1, size=200_000, dtype=np.int64)
    bloom = BloomFilter.from_keys(held)
    bits_per_key = len(bloom.words) * 64 / len(held)
    assert 11 <= bits_per_key <= 23  # 16 asked, rounded to a power-of-two number of words
    others = rng.integers(-(2**63), 2**63 - 1, size=400_000, dtype=np.int64)
    rate = bloom.might_contain(others).mean()
    assert 0.0005 < rate < 0.01  # about 0.3% at ~18 bits per key
    # keys differing only in the lowest bit (the index's kind tag) are told apart as well as any
    assert bloom.might_contain(held ^ 1).mean() < 0.01


def test_empty_filter_holds_nothing_and_bad_shapes_are_refused():
    empty = BloomFilter.from_keys(np.array([], dtype=np.int64))
    assert len(empty.words) == 1 and not empty.might_contain(np.arange(50, dtype=np.int64)).any()
    with pytest.raises(ValueError, match="power-of-two"):
        BloomFilter(np.zeros(3, dtype=np.uint64))
    with pytest.raises(ValueError, match="1 to 6"):
        BloomFilter(np.zeros(4, dtype=np.uint64), hashes=7)


def test_bank_answers_like_its_filters_as_rows_come_and_go():
    rng = np.random.default_rng(3)
    sets = [rng.integers(-(2**63), 2**63 - 1, size=500, dtype=np.int64) for _ in range(6)]
    filters = [BloomFilter.from_keys(keys, bits_per_key=16) for keys in sets]
    bank = BloomBank(filters[0].shape)
    for fid, bloom in enumerate(filters):  # grows past its first capacity
        bank.add(fid, bloom)
    query = np.concatenate([sets[1][:20], sets[4][:20], rng.integers(0, 2**62, size=40, dtype=np.int64)])
    assert bank.ids == list(range(6))
    assert np.array_equal(bank.test(query), np.stack([f.might_contain(query) for f in filters]))
    bank.keep({1, 4})
    assert bank.ids == [1, 4]
    hits = bank.test(query)
    assert hits[0, :20].all() and hits[1, 20:40].all()
    assert np.array_equal(hits, np.stack([filters[1].might_contain(query), filters[4].might_contain(query)]))
    with pytest.raises(ValueError, match="shape"):
        bank.add(9, BloomFilter.from_keys(sets[0], bits_per_key=64))
