"""The numpy window index: exact dot products, independent of when its snapshot was rebuilt."""

from __future__ import annotations

import random

import numpy as np

from storyline.cluster.window import WindowIndex


def _random_vector(rng: random.Random, vocab: int, size: int) -> dict[str, float]:
    return {f"t{rng.randrange(vocab)}": rng.random() for _ in range(size)}


def _replay(min_rebuild: int) -> list[tuple[list[str], list[float], list[float]]]:
    """Build, grow, prune and drop stories at random; score probes after each step."""
    rng = random.Random(7)
    index = WindowIndex(min_rebuild=min_rebuild)
    vectors: dict[str, dict[str, float]] = {}
    out = []
    for step in range(300):
        action = rng.random()
        if action < 0.3 or not vectors:
            sid = f"s{step}"
            vectors[sid] = {}
            index.add(sid, vectors[sid])
            grow = _random_vector(rng, 200, 8)
        elif action < 0.85:
            sid = sorted(vectors)[rng.randrange(len(vectors))]
            grow = _random_vector(rng, 200, 6)
        elif action < 0.93:
            sid = sorted(vectors)[rng.randrange(len(vectors))]
            vectors[sid] = dict(list(vectors[sid].items())[:5])
            index.replace(sid, vectors[sid])
            grow = {}
        else:
            sid = sorted(vectors)[rng.randrange(len(vectors))]
            index.remove(sid)
            del vectors[sid]
            continue
        for term, weight in grow.items():
            vectors[sid][term] = vectors[sid].get(term, 0.0) + weight
            index.update(sid, term, vectors[sid][term])
        norm = float(np.sqrt(sum(w * w for w in vectors[sid].values())))
        index.set_meta(sid, norm, None, None)
        probe = _random_vector(rng, 200, 12)
        slots, dots, sims, _ = index.similarities(probe, None, 7.0)
        by_id = {index.ids[s]: (float(d), float(c)) for s, d, c in zip(slots, dots, sims, strict=True)}
        # exact against a plain dict computation, summed in the probe's term order
        for story, vector in vectors.items():
            expected = 0.0
            touched = False
            for term, weight in probe.items():
                if term in vector:
                    expected += weight * vector[term]
                    touched = True
            assert (story in by_id) == touched
            if touched:
                assert by_id[story][0] == expected
        keys = sorted(by_id)
        out.append((keys, [by_id[k][0] for k in keys], [by_id[k][1] for k in keys]))
    return out


def test_scores_are_exact_and_do_not_depend_on_rebuild_schedule():
    eager, lazy = _replay(min_rebuild=1), _replay(min_rebuild=10**9)
    assert eager == lazy


def test_time_decay_outside_the_story_dates():
    index = WindowIndex()
    index.add("s", {"a": 1.0})
    index.set_meta("s", 1.0, 100, 110)
    for day, expected in ((105, 1.0), (117, np.exp(-1.0)), (93, np.exp(-1.0)), (None, 1.0)):
        _, _, sims, _ = index.similarities({"a": 1.0}, day, 7.0)
        assert abs(float(sims[0]) - expected) < 1e-12


def test_keywords_leave_out_generic_words_and_still_fill_the_list():
    from storyline.model import StoryState
    from storyline.text import GENERIC_WORDS

    vector = {"months": 0.9, "recent": 0.8, "united": 0.7, "dockworkers": 0.6, "valmora": 0.5, "@Port": 0.95,
              **{f"term{i}": 0.1 - i / 100 for i in range(8)}}
    story = StoryState("s-1", vector, 1.0, 3, 1, 3)
    keywords = story.keywords(skip=GENERIC_WORDS)
    assert keywords[:2] == ["dockworkers", "valmora"] and len(keywords) == 8
    assert not {"months", "recent", "united", "@Port"} & set(keywords)
