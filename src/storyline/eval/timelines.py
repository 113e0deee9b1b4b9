"""Timeline summarisation on Timeline17 and Crisis, beside a most-referenced-dates baseline.

Protocol (as in news-tls): for each gold timeline, the input is restricted to its span (first to
last gold date), the number of dates is the gold timeline's, and the sentences per date are its
average (rounded, at least one). ``storyline`` is :func:`storyline.summarize.build_timeline`, the
pipeline's timeline builder. ``baseline`` ranks days by publication count plus mention count and
takes the first sentences dated to each. Metrics (:mod:`storyline.eval.tlmetrics`): concat
ROUGE-1/2 F1, alignment ROUGE-1/2 F1 (tilse "align+ m:1", AR-n) and date F1; precision and recall
are averaged over a topic's timelines, then over topics, and F1 is taken of the averages.

Topics with articles (T17) use them with their publication dates; topics with only a dated
sentence pool (T17 bpoil, Crisis) turn each pooled sentence into a one-sentence article
published on its pool date.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from storyline.config import TimelineConfig
from storyline.errors import NotFoundError
from storyline.eval.common import EvalResult, find_shared_data
from storyline.eval.summarization import make_article
from storyline.eval.tlmetrics import PRF, TimelineScores, score_timeline
from storyline.model import Article
from storyline.summarize import build_timeline
from storyline.summarize.candidates import build_candidates
from storyline.summarize.dates import article_anchor

__all__ = ["Topic", "evaluate_timelines", "load_topics", "read_gold"]

Dated = dict[date, list[str]]


@dataclass(slots=True)
class Topic:
    """One topic: its articles and its gold timelines."""

    name: str
    articles: list[Article]
    timelines: list[Dated]
    pooled: bool


def read_gold(path: Path) -> list[Dated]:
    """Read the gold timelines of one topic (``timeline.jsonl``)."""
    timelines = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            timelines.append({date.fromisoformat(e["date"][:10]): list(e["sentences"]) for e in record["entries"]})
    return timelines


def _read_gz(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def load_topics(folder: Path, topics: Sequence[str] | None = None) -> list[Topic]:
    """Read the topics of a T17 or Crisis folder (see its README)."""
    if not folder.is_dir():
        raise NotFoundError(f"{folder} is not a timeline data folder; pass --data")
    loaded = []
    for topic_dir in sorted(p for p in folder.iterdir() if (p / "timeline.jsonl").exists()):
        if topics and topic_dir.name not in topics:
            continue
        if (topic_dir / "articles.jsonl.gz").exists():
            articles = [make_article(r["id"], r["text"], r["date"][:10], r.get("outlet"))
                        for r in _read_gz(topic_dir / "articles.jsonl.gz")]
            pooled = False
        else:
            articles = [make_article(f"{topic_dir.name}-{r['date']}-{i}", sentence, r["date"][:10])
                        for r in _read_gz(topic_dir / "dated_sentences.jsonl.gz")
                        for i, sentence in enumerate(r["sentences"])]
            pooled = True
        loaded.append(Topic(topic_dir.name, articles, read_gold(topic_dir / "timeline.jsonl"), pooled))
    return loaded


def _storyline(articles: list[Article], length: int, per_date: int, start: date, end: date) -> Dated:
    config = TimelineConfig(max_dates=length, sentences_per_date=per_date, approximate_entries=False)
    timeline = build_timeline("eval", articles, config, start, end)
    return {date.fromisoformat(e.date): [s.text for s in e.sentences] for e in timeline.entries}


def _baseline(articles: list[Article], length: int, per_date: int, start: date, end: date) -> Dated:
    """Most-referenced days (publications + mentions) and the first sentences dated to each."""
    counts: Counter[date] = Counter()
    sentences: dict[date, list[str]] = defaultdict(list)
    anchors = {a.id: article_anchor(a) for a in articles}
    for article in articles:
        if anchors[article.id]:
            counts[anchors[article.id]] += 1
    for candidate in build_candidates(articles, 6):
        days = [m.value for m in candidate.dates if m.precision == "day"]
        for day in days:
            counts[day] += len(candidate.article_ids)
            sentences[day].append(candidate.text)
        anchor = anchors[candidate.citations[0].article_id]
        if not days and anchor:
            sentences[anchor].append(candidate.text)
    ranked = sorted((d for d in counts if start <= d <= end and sentences[d]), key=lambda d: (-counts[d], d))
    return {d: sentences[d][:per_date] for d in ranked[:length]}


def _mean(scores: Sequence[PRF]) -> PRF:
    return PRF(sum(s.precision for s in scores) / len(scores), sum(s.recall for s in scores) / len(scores))


def evaluate_timelines(folder: Path | None = None, topics: Sequence[str] | None = None) -> list[EvalResult]:
    """Score storyline and the baseline on the timeline sets.

    Args:
        folder: one set (``.../timelines/t17`` or ``.../crisis``); default: both.
        topics: only these topic names (for quick checks and tests).

    Returns:
        One result per data set, systems ``storyline`` and ``baseline``.
    """
    folders = [folder] if folder else [find_shared_data("timelines", "t17"), find_shared_data("timelines", "crisis")]
    results = []
    for data in folders:
        per_system: dict[str, dict[str, list[TimelineScores]]] = {"storyline": {}, "baseline": {}}
        loaded = load_topics(data, topics)
        for topic in loaded:
            for gold in topic.timelines:
                start, end = min(gold), max(gold)
                articles = [a for a in topic.articles if a.day and start <= a.day <= end]
                length = len(gold)
                per_date = max(1, round(sum(len(s) for s in gold.values()) / length))
                for name, system in (("storyline", _storyline), ("baseline", _baseline)):
                    predicted = system(articles, length, per_date, start, end)
                    per_system[name].setdefault(topic.name, []).append(score_timeline(predicted, gold))
        result = EvalResult("timelines", data.name)
        for name, by_topic in per_system.items():
            if not by_topic:
                continue
            metrics = {}
            for metric in ("concat1", "concat2", "align1", "align2", "dates"):
                macro = _mean([_mean([getattr(s, metric) for s in scores]) for scores in by_topic.values()])
                metrics[metric] = macro.f1
            result.metrics[name] = {"rouge1": metrics["concat1"], "rouge2": metrics["concat2"],
                                    "ar1_f": metrics["align1"], "ar2_f": metrics["align2"], "date_f1": metrics["dates"]}
        for topic in loaded:
            # per-topic F1 of the P/R averaged over the topic's timelines (the macro mean's parts)
            cells = []
            for name, by_topic in per_system.items():
                if topic.name in by_topic:
                    scores = by_topic[topic.name]
                    cells.append(f"{name} date_f1 {_mean([s.dates for s in scores]).f1:.4f} "
                                 f"ar1_f {_mean([s.align1 for s in scores]).f1:.4f}")
            result.notes.append(f"{topic.name} ({len(topic.timelines)} timelines): " + "; ".join(cells))
        n_timelines = sum(len(t.timelines) for t in loaded)
        result.notes.append(f"{len(loaded)} topics, {n_timelines} gold timelines; rouge1/rouge2 = concat F1, "
                            "ar1_f/ar2_f = alignment ROUGE F1 (tilse align+ m:1), macro over topics")
        results.append(result)
    return results
