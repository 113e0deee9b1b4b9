"""Clustering checks on messy input: without dates or titles, and mixed samples of a few events of one period.

What a reader exports is often text and outlet only. These checks run the sets of
:mod:`storyline.eval.clustering` the way such an export arrives:

- ``storyline_undated``: the same articles, in the same order, with dates and titles stripped;
  beside the dated run, with the absolute gap of the story B-cubed F1 (goal: within 0.02);
- ``storyline_pipeline_order`` (ECB+): the dated articles in the order ``storyline ingest`` streams
  them (stated day, undated last) instead of file order;
- ``storyline_undated_samples`` / ``storyline_sibling_samples`` (ECB+): random samples of ten
  sub-events of ten topics (unrelated events), or of five topics with both their sub-events (two
  earthquakes, two rehab stays), five articles each, undated, untitled and shuffled: story B-cubed F1
  against the sub-events, and whether storylines keep the events (or the topics) apart;
- the mixed Timeline17 stream (:func:`evaluate_t17_mixed`): all shared topics as one stream, whose
  2011 Egypt, Libya and Syria topics overlap in time and share Obama, Clinton, the UN and the Arab
  League; storylines are scored against the topics; ``storyline_overlap_samples`` draws the three
  from the weeks where they overlap, undated and untitled.
"""

from __future__ import annotations

import random
import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from storyline.config import ClusterConfig
from storyline.eval.clustering import (
    LabelledDoc,
    cluster_articles,
    load_t17,
    partition_scores,
    score_baselines,
    strip_dates_and_titles,
)
from storyline.eval.common import EvalResult
from storyline.partitions import bcubed

__all__ = ["ecbplus_samples", "evaluate_t17_mixed", "overlap_samples", "undated_runs"]

OVERLAP_TOPICS = ("egypt", "libya", "syria")
OVERLAP_DAYS = ("2011-02-15", "2011-03-31")
"""The weeks where the Egypt, Libya and Syria topics of Timeline17 all have articles."""


def _prefixed(prefix: str, values: dict[str, float]) -> dict[str, float]:
    return {f"{prefix}_{k}": v for k, v in values.items()}


def _scores(docs: Sequence[LabelledDoc], config: ClusterConfig, story_level: str, line_level: str,
            ) -> tuple[dict[str, float], float]:
    """Stories against ``story_level`` ("event" or "topic"), storylines against ``line_level``, and docs/s."""
    stories, lines, speed = cluster_articles([d.article for d in docs], config)
    gold = {"event": [d.event for d in docs], "topic": [d.topic for d in docs]}
    return {**_prefixed("story", partition_scores(gold[story_level], stories)),
            **_prefixed("storyline", partition_scores(gold[line_level], lines)),
            "largest_storyline_share": max(lines.count(x) for x in set(lines)) / len(lines)}, speed


def undated_runs(docs: Sequence[LabelledDoc], config: ClusterConfig, result: EvalResult,
                 dated: dict[str, float], levels: tuple[str, str] = ("subevent", "topic")) -> None:
    """Add ``storyline_undated``: the same documents without dates and titles, in the same order.

    ``dated`` holds the dated run's metrics (prefixed by ``levels``); the absolute gaps of the
    B-cubed F1 at both levels are reported beside the undated numbers.
    """
    stripped = [strip_dates_and_titles(d) for d in docs]
    stories, lines, _ = cluster_articles([d.article for d in stripped], config)
    story_level, line_level = levels
    undated = {**_prefixed(story_level, partition_scores([d.event for d in docs], stories)),
               **_prefixed(line_level, partition_scores([d.topic for d in docs], lines))}
    for level in levels:
        key = f"{level}_bcubed_f1"
        if key in dated:
            undated[f"{key}_gap_to_dated"] = abs(dated[key] - undated[key])
    result.metrics["storyline_undated"] = undated


def _sample(by_event: dict[str, list[LabelledDoc]], rng: random.Random, events: int, per_event: int,
            siblings: bool) -> list[LabelledDoc]:
    topics: dict[str, list[str]] = defaultdict(list)
    for event in sorted(by_event):
        if len(by_event[event]) >= per_event:
            topics[by_event[event][0].topic].append(event)
    if siblings:
        pairs = sorted(t for t, es in topics.items() if len(es) >= 2)
        chosen = [e for t in rng.sample(pairs, events // 2) for e in topics[t][:2]]
    else:
        chosen = [rng.choice(topics[t]) for t in rng.sample(sorted(topics), events)]
    picked = [strip_dates_and_titles(d) for e in chosen for d in rng.sample(by_event[e], per_event)]
    rng.shuffle(picked)
    return picked


def ecbplus_samples(docs: Sequence[LabelledDoc], config: ClusterConfig, *, samples: int = 20, events: int = 10,
                    per_event: int = 5, siblings: bool = False) -> dict[str, float]:
    """Mixed samples of ECB+ sub-events, undated and untitled (see the module docstring); seeds 0..samples-1.

    Returns the mean and minimum story B-cubed F1 against the sub-events, the mean storyline
    B-cubed precision against the sub-events (distinct events) or the topics (twin sub-events),
    and the share of samples where a storyline mixes them.
    """
    by_event: dict[str, list[LabelledDoc]] = defaultdict(list)
    for doc in docs:
        by_event[doc.event].append(doc)
    f1s, precisions, mixed = [], [], 0
    for seed in range(samples):
        picked = _sample(by_event, random.Random(seed), events, per_event, siblings)
        stories, lines, _ = cluster_articles([d.article for d in picked], config)
        f1s.append(bcubed([d.event for d in picked], stories)[2])
        apart = [d.topic if siblings else d.event for d in picked]
        precision = bcubed(apart, lines)[0]
        precisions.append(precision)
        mixed += precision < 1.0
    return {"subevent_bcubed_f1": statistics.mean(f1s), "subevent_bcubed_f1_min": min(f1s),
            "storyline_bcubed_precision": statistics.mean(precisions),
            "storyline_bcubed_precision_min": min(precisions), "samples_with_mixed_storylines": mixed / samples,
            "samples": float(samples)}


def overlap_samples(folder: Path, config: ClusterConfig, *, samples: int = 10, per_topic: int = 15
                    ) -> dict[str, float]:
    """Samples of the Egypt, Libya and Syria articles of the weeks they overlap, undated, untitled, shuffled.

    Storylines are scored against the topics (mean and minimum B-cubed precision, mean F1).
    """
    low, high = OVERLAP_DAYS
    pool = [d for d in load_t17(folder, OVERLAP_TOPICS) if d.article.date and low <= d.article.date.value <= high]
    by_topic: dict[str, list[LabelledDoc]] = defaultdict(list)
    for doc in pool:
        by_topic[doc.topic].append(doc)
    precisions, f1s = [], []
    for seed in range(samples):
        rng = random.Random(seed)
        picked = [strip_dates_and_titles(d) for t in OVERLAP_TOPICS
                  for d in rng.sample(by_topic[t], min(per_topic, len(by_topic[t])))]
        rng.shuffle(picked)
        _, lines, _ = cluster_articles([d.article for d in picked], config)
        precision, _, f1 = bcubed([d.topic for d in picked], lines)
        precisions.append(precision)
        f1s.append(f1)
    return {"storyline_bcubed_precision": statistics.mean(precisions),
            "storyline_bcubed_precision_min": min(precisions), "storyline_bcubed_f1": statistics.mean(f1s),
            "samples": float(samples)}


def evaluate_t17_mixed(folder: Path, config: ClusterConfig, *, per_topic: int | None = None, baselines: bool = True,
                       samples: int = 10) -> EvalResult:
    """Score storylines of all shared Timeline17 topics ingested as one stream against the topics.

    ``storyline``: the dated stream in the pipeline's order; ``storyline_undated``: dates and
    titles stripped; baselines (told the true number of topics, or tuned on it) beside them;
    ``storyline_overlap_samples`` unless ``samples`` is 0.
    """
    docs = load_t17(folder, per_topic=per_topic)
    result = EvalResult("clustering", "t17-mixed" + (f"[{per_topic} per topic]" if per_topic else ""))
    start = time.perf_counter()
    dated, speed = _scores(docs, config, "topic", "topic")
    result.metrics["storyline"] = {**dated, "docs_per_s": speed}
    stripped = [strip_dates_and_titles(d) for d in docs]
    undated, _ = _scores(stripped, config, "topic", "topic")
    undated["story_bcubed_precision_gap_to_dated"] = abs(dated["story_bcubed_precision"]
                                                         - undated["story_bcubed_precision"])
    result.metrics["storyline_undated"] = undated
    seconds = time.perf_counter() - start
    result.notes.append(f"{len(docs)} articles of {len({d.topic for d in docs})} topics, dated and undated runs in "
                        f"{seconds:.0f} s; stories are scored against the topics too (their precision is their purity)")
    if baselines:
        level = EvalResult("clustering", "topic")
        score_baselines([d.article for d in docs], [d.topic for d in docs], level, kmeans=True)
        for system, values in level.metrics.items():
            result.metrics[system] = _prefixed("storyline", values)
        result.notes.extend(level.notes)
    if samples:
        result.metrics["storyline_overlap_samples"] = overlap_samples(folder, config, samples=samples)
    return result
