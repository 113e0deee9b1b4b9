"""Date selection on Timeline17: the configured date score beside rankers learned leave-one-topic-out.

For every gold timeline (input restricted to its span, as many dates as it has) the days are
ranked by

- ``config``: :func:`storyline.summarize.timeline.rank_dates` with the default TimelineConfig
  weights (what the pipeline and ``storyline eval timelines`` use);
- ``mentions+publications``: the baseline's count (articles published on the day + mentions);
- ``lr-newstls``: logistic regression on news-tls's DATEWISE features (mention sentences and
  articles, split into before / after the publication day, articles published), each feature
  divided by its maximum within the timeline's collection;
- ``lr-extended``: the same plus articles published the next and the previous day, articles
  mentioning the day more than a week later, and mentions of the neighbouring days (log-scaled).

The learned rankers are trained on the other T17 topics (leave one topic out), so their numbers
are held out; the config weights were chosen on T17 itself (in-sample). Date F1 is computed on
the top-k days; it is macro-averaged over topics after averaging P and R over a topic's timelines.

    python bench/date_ranking.py          # T17 (8 topics, 16 timelines), about 3 minutes
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
from sklearn.linear_model import LogisticRegression

from storyline.config import TimelineConfig
from storyline.eval.common import find_shared_data
from storyline.eval.timelines import load_topics
from storyline.summarize.candidates import build_candidates
from storyline.summarize.dates import article_anchor
from storyline.summarize.timeline import date_stats, rank_dates

_DAY = timedelta(days=1)


def _features(articles, candidates, start: date, end: date) -> tuple[list[date], np.ndarray]:
    anchors = {a.id: article_anchor(a) for a in articles}
    published: dict[date, int] = defaultdict(int)
    for day in anchors.values():
        if day:
            published[day] += 1
    sents = {k: defaultdict(int) for k in ("total", "before", "after")}
    docs = {k: defaultdict(set) for k in ("total", "before", "after", "week")}
    for candidate in candidates:
        for day in {m.value for m in candidate.dates if m.precision == "day"}:
            for article_id in candidate.article_ids:
                anchor = anchors[article_id]
                sents["total"][day] += 1
                docs["total"][day].add(article_id)
                if anchor and anchor < day:
                    sents["before"][day] += 1
                    docs["before"][day].add(article_id)
                if anchor and anchor > day:
                    sents["after"][day] += 1
                    docs["after"][day].add(article_id)
                if anchor and anchor > day + 7 * _DAY:
                    docs["week"][day].add(article_id)
    days = sorted(d for d in set(published) | set(docs["total"]) if start <= d <= end)
    rows = [[sents["total"][d], sents["before"][d], sents["after"][d], len(docs["total"][d]),
             len(docs["before"][d]), len(docs["after"][d]), published[d],
             published[d + _DAY], published[d - _DAY], len(docs["week"][d]),
             len(docs["total"][d - _DAY]) + len(docs["total"][d + _DAY])] for d in days]
    return days, np.asarray(rows, dtype=float).reshape(len(days), 11)


def _scaled(x: np.ndarray) -> np.ndarray:
    top = x.max(axis=0) if len(x) else np.ones(x.shape[1])
    return x / np.where(top > 0, top, 1.0)


def _prf(ranked: list[date], gold: set[date]) -> tuple[float, float]:
    top = set(ranked[: len(gold)])
    hits = len(top & gold)
    return (hits / len(top) if top else 0.0), hits / len(gold)


def main() -> None:
    """Rank each gold timeline's days with every ranker and print date F1 per topic and macro."""
    config = TimelineConfig()
    items = []  # (topic, gold days, days, features, config ranking, baseline ranking)
    for topic in load_topics(find_shared_data("timelines", "t17")):
        for gold in topic.timelines:
            start, end = min(gold), max(gold)
            articles = [a for a in topic.articles if a.day and start <= a.day <= end]
            candidates = build_candidates(articles, 6)
            days, x = _features(articles, candidates, start, end)
            configured = rank_dates(date_stats(articles, candidates), config, start, end)
            counts = x[:, 3] + x[:, 6]
            baseline = [days[i] for i in sorted(range(len(days)), key=lambda i: (-counts[i], days[i]))]
            items.append((topic.name, set(gold), days, x, configured, baseline))
        print(f"features: {topic.name}", flush=True)

    def learned(columns: list[int], log: bool) -> Callable[[str, list[date], np.ndarray], list[date]]:
        def prepare(x: np.ndarray) -> np.ndarray:
            return _scaled(np.log1p(x[:, columns]) if log else x[:, columns])

        def rank(topic: str, days: list[date], x: np.ndarray) -> list[date]:
            train = [(prepare(f), [d in g for d in ds]) for t, g, ds, f, _, _ in items if t != topic and len(ds)]
            model = LogisticRegression(C=1.0, max_iter=2000).fit(np.vstack([f for f, _ in train]),
                                                                   np.concatenate([y for _, y in train]))
            score = model.predict_proba(prepare(x))[:, 1]
            return [days[i] for i in sorted(range(len(days)), key=lambda i: (-score[i], days[i]))]
        return rank

    rankers: dict[str, Callable[[str, list[date], np.ndarray], list[date]] | None] = {
        "config": None, "mentions+publications": None,
        "lr-newstls (held out)": learned(list(range(7)), log=False),
        "lr-extended (held out)": learned(list(range(11)), log=True),
    }
    topics = sorted({t for t, *_ in items})
    print("| ranker | " + " | ".join(topics) + " | macro date F1 |")
    print("| --- |" + " --- |" * (len(topics) + 1))
    for name, ranker in rankers.items():
        per_topic: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for topic, gold, days, x, configured, baseline in items:
            ranked = configured if name == "config" else baseline if ranker is None else ranker(topic, days, x)
            per_topic[topic].append(_prf(ranked, gold))
        f1s = []
        for topic in topics:
            p = float(np.mean([s[0] for s in per_topic[topic]]))
            r = float(np.mean([s[1] for s in per_topic[topic]]))
            f1s.append(2 * p * r / (p + r) if p + r else 0.0)
        print(f"| {name} | " + " | ".join(f"{v:.3f}" for v in f1s) + f" | {np.mean(f1s):.4f} |")


if __name__ == "__main__":
    main()
