"""Story clustering evaluation: GoogleNews (TS, S) and ECB+, beside batch and single-pass baselines.

The data sets are turned into :class:`~storyline.model.Article` records and streamed, in file
order, through the same :class:`~storyline.cluster.EventClusterer` and storyline linker the
pipeline runs over stored articles. Baselines run on a batch TF-IDF of the same tokens
(``text.content_terms``, sublinear tf): k-means given the true number of clusters (on ECB+ also
Ward's and average-link agglomerative clustering given it), and a plain single-pass
cosine-threshold clusterer whose threshold is tuned on the very set it is scored on (an oracle
setting storyline does not get).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from storyline.cluster import EventClusterer, TermStats
from storyline.cluster.refine import article_members, refine_stories
from storyline.cluster.storylines import link_storylines
from storyline.config import ClusterConfig
from storyline.eval.common import EvalResult
from storyline.model import Article, ArticleDate, StoryNode
from storyline.partitions import bcubed_f1
from storyline.text import content_terms

__all__ = [
    "LabelledDoc",
    "cluster_articles",
    "evaluate_ecbplus",
    "evaluate_googlenews",
    "load_ecbplus",
    "load_googlenews",
    "partition_scores",
]


@dataclass(frozen=True, slots=True)
class LabelledDoc:
    """An evaluation article with its gold labels (``event`` and, for ECB+, ``topic``)."""

    article: Article
    event: str
    topic: str


def _article(dataset: str, doc_id: str, text: str, title: str | None = None, day: str | None = None) -> Article:
    digest = hashlib.sha256(f"{dataset}/{doc_id}".encode()).hexdigest()[:16]
    date = ArticleDate(day, "day", False, "dataset") if day else None
    return Article(id=f"a-{digest}", raw_sha256="", origin=f"{dataset}#{doc_id}", text=text, title=title, date=date)


def _jsonl(path: Path) -> Iterable[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def load_googlenews(folder: Path, variant: str) -> list[LabelledDoc]:
    """Load GoogleNews ``TS`` or ``S`` in file order (undated, untitled, pre-stemmed snippets)."""
    return [LabelledDoc(_article(f"googlenews-{variant}", r["id"], r["text"]), str(r["cluster"]), str(r["cluster"]))
            for r in _jsonl(folder / f"{variant}.jsonl.gz")]


def load_ecbplus(folder: Path) -> list[LabelledDoc]:
    """Load ECB+ documents in file order, with their headline and (where known) date."""
    return [LabelledDoc(_article("ecbplus", r["id"], r["text"], r.get("title"), r.get("date")), r["subtopic"],
                        r["topic"]) for r in _jsonl(folder / "documents.jsonl.gz")]


# -- metrics ------------------------------------------------------------------------------------
def partition_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Return NMI, ARI and B-cubed F1 of a partition, plus its number of clusters."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return {"nmi": float(normalized_mutual_info_score(gold, predicted)),
            "ari": float(adjusted_rand_score(gold, predicted)),
            "bcubed_f1": bcubed_f1(gold, predicted),
            "clusters": float(len(set(predicted)))}


# -- storyline ----------------------------------------------------------------------------------
def cluster_articles(articles: Sequence[Article], config: ClusterConfig) -> tuple[list[str], list[str], float]:
    """Stream articles through the clusterer, refine its stories (``cluster.refine``), link them into storylines.

    Returns:
        The story id and the storyline id of every article (in input order), and docs/s of the
        event clustering with its refinement.
    """
    clusterer = EventClusterer(config, TermStats())
    start = time.perf_counter()
    for article in articles:
        clusterer.add(article)
    partition = clusterer.partition()
    states = {s.id: s for s in [*clusterer.evicted, *clusterer.active.values()]}
    members: dict[str, list[str]] = {}
    for article in articles:
        members.setdefault(partition[article.id], []).append(article.id)
    by_id = {a.id: a for a in articles}
    parts = refine_stories([(states[sid], members[sid]) for sid in sorted(members)],
                           lambda ids: article_members([by_id[i] for i in ids], clusterer.stats, config,
                                                       clusterer.entity_terms), config)
    elapsed = time.perf_counter() - start
    story_of = {article_id: part.state.id for part in parts for article_id in part.article_ids}
    stories = [story_of[a.id] for a in articles]
    lines = link_storylines([StoryNode.from_state(part.state, config.centroid_terms) for part in parts], config)
    return stories, [lines.storyline_of[s] for s in stories], len(articles) / elapsed if elapsed else 0.0


# -- baselines ----------------------------------------------------------------------------------
def _tfidf(articles: Sequence[Article]):  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=content_terms, sublinear_tf=True, dtype=__import__("numpy").float32)
    return vectorizer.fit_transform([f"{a.title or ''}\n{a.text}" for a in articles])


def single_pass(matrix, threshold: float) -> list[int]:  # type: ignore[no-untyped-def]
    """The plain baseline: each row joins the most cosine-similar centroid at or above ``threshold``."""
    import numpy as np

    n, vocab = matrix.shape
    sums = np.zeros((64, vocab), dtype=np.float32)
    norms = np.zeros(64, dtype=np.float32)
    labels: list[int] = []
    k = 0
    for i in range(n):
        row = matrix.getrow(i)
        idx, vals = row.indices, row.data
        if k:
            sims = sums[:k, idx] @ vals / np.maximum(norms[:k], 1e-9)
            best = int(np.argmax(sims))
            if sims[best] >= threshold:
                sums[best, idx] += vals
                norms[best] = np.linalg.norm(sums[best])
                labels.append(best)
                continue
        if k == sums.shape[0]:
            sums = np.vstack([sums, np.zeros_like(sums)])
            norms = np.concatenate([norms, np.zeros_like(norms)])
        sums[k, idx] = vals
        norms[k] = np.linalg.norm(vals)
        labels.append(k)
        k += 1
    return labels


def _baselines(articles: Sequence[Article], gold: Sequence[str], result: EvalResult, kmeans: bool,
               agglomerative: bool = False) -> None:
    """Score the single-pass baseline (threshold tuned on ``gold``) and the batch methods told the true k.

    ``agglomerative`` adds Ward's and average-link clustering; they need the dense matrix and all
    pairs, so they run on small sets only (ECB+).
    """
    from sklearn.cluster import AgglomerativeClustering, KMeans

    matrix = _tfidf(articles)
    best: tuple[float, float, dict[str, float]] | None = None
    for step in range(2, 9):
        threshold = step / 20
        start = time.perf_counter()
        labels = [str(x) for x in single_pass(matrix, threshold)]
        speed = len(articles) / (time.perf_counter() - start)
        scores = partition_scores(gold, labels)
        if best is None or scores["nmi"] > best[1]:
            best = (threshold, scores["nmi"], {**scores, "docs_per_s": speed})
    assert best is not None
    result.metrics["singlepass_tuned"] = best[2]
    result.notes.append(f"singlepass_tuned: threshold {best[0]:.2f} chosen on this set (best NMI of 0.10..0.40)")
    if kmeans:
        k = len(set(gold))
        start = time.perf_counter()
        labels = KMeans(n_clusters=k, n_init=3, random_state=0).fit_predict(matrix)
        speed = len(articles) / (time.perf_counter() - start)
        result.metrics["sklearn_kmeans_true_k"] = {**partition_scores(gold, [str(x) for x in labels]),
                                                   "docs_per_s": speed}
    if agglomerative:
        dense, k = matrix.toarray(), len(set(gold))
        for linkage, metric in (("ward", "euclidean"), ("average", "cosine")):
            labels = AgglomerativeClustering(n_clusters=k, linkage=linkage, metric=metric).fit_predict(dense)
            result.metrics[f"sklearn_{linkage}_true_k"] = partition_scores(gold, [str(x) for x in labels])


# -- robustness ---------------------------------------------------------------------------------
def _robustness(docs: Sequence[LabelledDoc], config: ClusterConfig, result: EvalResult, shuffles: int) -> None:
    import statistics

    gold = [d.event for d in docs]
    values: dict[str, list[float]] = {"nmi": [], "ari": [], "bcubed_f1": []}
    for seed in range(shuffles):
        order = list(docs)
        random.Random(seed).shuffle(order)
        stories, _, _ = cluster_articles([d.article for d in order], config)
        scores = partition_scores([d.event for d in order], stories)
        for metric, series in values.items():
            series.append(scores[metric])
    if values["nmi"]:
        shuffled: dict[str, float] = {}
        for metric, series in values.items():
            shuffled[metric] = statistics.mean(series)
            shuffled[f"{metric}_sd"] = statistics.stdev(series) if len(series) > 1 else 0.0
        shuffled["nmi_min"], shuffled["nmi_max"] = min(values["nmi"]), max(values["nmi"])
        result.metrics["storyline_shuffled"] = shuffled
    articles = [d.article for d in docs]
    for factor, name in ((0.8, "storyline_threshold_-20%"), (1.2, "storyline_threshold_+20%")):
        changed = ClusterConfig(**{**_fields(config), "threshold": config.threshold * factor})
        stories, _, _ = cluster_articles(articles, changed)
        scores = partition_scores(gold, stories)
        result.metrics[name] = {"nmi": scores["nmi"], "ari": scores["ari"], "bcubed_f1": scores["bcubed_f1"]}


def _fields(config: ClusterConfig) -> dict:
    import dataclasses

    return {f.name: getattr(config, f.name) for f in dataclasses.fields(config)}


# -- entry points -------------------------------------------------------------------------------
def evaluate_googlenews(folder: Path, variant: str, config: ClusterConfig, *, limit: int | None = None,
                        baselines: bool = True, shuffles: int = 5) -> EvalResult:
    """Score storyline's stories on GoogleNews ``variant`` beside the baselines."""
    docs = load_googlenews(folder, variant)[:limit]
    gold = [d.event for d in docs]
    articles = [d.article for d in docs]
    result = EvalResult("clustering", f"googlenews-{variant}" + (f"[:{limit}]" if limit else ""))
    stories, _, speed = cluster_articles(articles, config)
    result.metrics["storyline"] = {**partition_scores(gold, stories), "docs_per_s": speed}
    if baselines:
        _baselines(articles, gold, result, kmeans=True)
    _robustness(docs, config, result, shuffles)
    return result


def evaluate_ecbplus(folder: Path, config: ClusterConfig, *, limit: int | None = None, baselines: bool = True,
                     shuffles: int = 5) -> EvalResult:
    """Score storyline on ECB+: stories against sub-events, storylines and stories against topics."""
    docs = load_ecbplus(folder)
    if limit:
        keep = sorted({d.topic for d in docs}, key=lambda t: int(t))[:limit]
        docs = [d for d in docs if d.topic in keep]
    articles = [d.article for d in docs]
    events, topics = [d.event for d in docs], [d.topic for d in docs]
    result = EvalResult("clustering", "ecbplus" + (f"[{limit} topics]" if limit else ""))
    stories, lines, speed = cluster_articles(articles, config)
    result.metrics["storyline"] = {**_prefixed("subevent", partition_scores(events, stories)),
                                   **_prefixed("topic", partition_scores(topics, lines)), "docs_per_s": speed}
    result.metrics["storyline_stories_as_topics"] = _prefixed("topic", partition_scores(topics, stories))
    if baselines:
        for level, gold in (("subevent", events), ("topic", topics)):
            level_result = EvalResult("clustering", level)
            _baselines(articles, gold, level_result, kmeans=True, agglomerative=True)
            for system, values in level_result.metrics.items():
                result.metrics.setdefault(system, {}).update(_prefixed(level, values))
            result.notes.extend(f"{level}: {n}" for n in level_result.notes)
    _robustness(docs, config, result, shuffles)
    for name in [n for n in result.metrics if n.startswith("storyline_") and n != "storyline_stories_as_topics"]:
        result.metrics[name] = _prefixed("subevent", result.metrics[name])
    return result


def _prefixed(prefix: str, values: dict[str, float]) -> dict[str, float]:
    return {f"{prefix}_{k}": v for k, v in values.items()}
