"""Story clustering evaluation: GoogleNews (TS, S), ECB+ and a mixed Timeline17 stream, beside baselines.

The data sets are turned into :class:`~storyline.model.Article` records and streamed, in file
order (the mixed Timeline17 stream in the pipeline's order: stated day, then id), through the
same :class:`~storyline.cluster.EventClusterer` and storyline linker the pipeline runs over stored
articles.

Inputs are messy, so every set that has dates and titles is also run without them (``*_undated``:
dates and titles stripped, text kept), and mixed samples stand in for a reader's export of a few
events of one period without dates or titles (``*_samples``): ECB+ sub-events of ten topics
(distinct events) or of five topics with their twin sub-events, and the 2011 Egypt, Libya and Syria
articles of the weeks where they overlap. Baselines run on a batch TF-IDF of the same tokens
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
from storyline.cluster.features import raw_terms
from storyline.cluster.online import stream_order
from storyline.cluster.refine import article_members, refine_stories
from storyline.cluster.storylines import link_storylines
from storyline.config import ClusterConfig
from storyline.eval.common import EvalResult
from storyline.model import Article, ArticleDate, StoryNode
from storyline.partitions import bcubed
from storyline.text import content_terms

__all__ = [
    "LabelledDoc",
    "cluster_articles",
    "evaluate_ecbplus",
    "evaluate_googlenews",
    "load_ecbplus",
    "load_googlenews",
    "load_t17",
    "partition_scores",
    "score_baselines",
    "strip_dates_and_titles",
]

T17_TOPICS = ("egypt", "finan", "haiti", "iraq", "libya", "mj", "syria")
"""The Timeline17 topics with articles in the shared data (bpoil has only a sentence pool)."""


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


def load_t17(folder: Path, topics: Sequence[str] = T17_TOPICS, per_topic: int | None = None) -> list[LabelledDoc]:
    """Load the Timeline17 articles of ``topics`` as one stream in the pipeline's order (day, then id).

    The gold label at both levels is the topic (the articles have no event labels). ``per_topic``
    keeps that many articles of each topic, evenly spread over its days (a small, fast subset).
    """
    docs = []
    for topic in topics:
        rows = sorted(_jsonl(folder / topic / "articles.jsonl.gz"), key=lambda r: (r["date"] or "", r["id"]))
        if per_topic and len(rows) > per_topic:
            step = len(rows) / per_topic
            rows = [rows[int(i * step)] for i in range(per_topic)]
        docs.extend(LabelledDoc(_article("t17", r["id"], r["text"], r.get("title"), r.get("date")), topic, topic)
                    for r in rows)
    return sorted(docs, key=lambda d: stream_order(d.article))


def strip_dates_and_titles(doc: LabelledDoc) -> LabelledDoc:
    """The same article as a messy export gives it: text only, no date and no title."""
    a = doc.article
    return LabelledDoc(Article(id=a.id, raw_sha256="", origin=a.origin, text=a.text), doc.event, doc.topic)


def load_ecbplus(folder: Path) -> list[LabelledDoc]:
    """Load ECB+ documents in file order, with their headline and (where known) date."""
    return [LabelledDoc(_article("ecbplus", r["id"], r["text"], r.get("title"), r.get("date")), r["subtopic"],
                        r["topic"]) for r in _jsonl(folder / "documents.jsonl.gz")]


# -- metrics ------------------------------------------------------------------------------------
def partition_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Return NMI, ARI and B-cubed F1 (with its precision and recall) of a partition, plus its number of clusters."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    precision, recall, f1 = bcubed(gold, predicted)
    return {"nmi": float(normalized_mutual_info_score(gold, predicted)),
            "ari": float(adjusted_rand_score(gold, predicted)),
            "bcubed_f1": f1, "bcubed_precision": precision, "bcubed_recall": recall,
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
    counted = {}
    for article in articles:
        counted[article.id] = raw_terms(article, clusterer.entity_terms, config.title_weight)
        clusterer.add(article, counted[article.id])
    partition = clusterer.partition()
    states = {s.id: s for s in [*clusterer.evicted, *clusterer.archive.values(), *clusterer.active.values()]}
    members: dict[str, list[str]] = {}
    for article in articles:
        members.setdefault(partition[article.id], []).append(article.id)
    by_id = {a.id: a for a in articles}
    parts = refine_stories([(states[sid], members[sid]) for sid in sorted(members)],
                           lambda ids: article_members([by_id[i] for i in ids], clusterer.stats, config,
                                                       clusterer.entity_terms, counted), config)
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


def score_baselines(articles: Sequence[Article], gold: Sequence[str], result: EvalResult, kmeans: bool,
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
def _robustness(docs: Sequence[LabelledDoc], config: ClusterConfig, shuffles: int) -> dict[str, dict[str, float]]:
    """Story scores over ``shuffles`` shuffled orders (mean, sd, range) and with the join threshold moved by ±20 %."""
    import statistics

    metrics: dict[str, dict[str, float]] = {}

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
        metrics["storyline_shuffled"] = shuffled
    articles = [d.article for d in docs]
    for factor, name in ((0.8, "storyline_threshold_-20%"), (1.2, "storyline_threshold_+20%")):
        changed = ClusterConfig(**{**_fields(config), "threshold": config.threshold * factor})
        stories, _, _ = cluster_articles(articles, changed)
        scores = partition_scores(gold, stories)
        metrics[name] = {"nmi": scores["nmi"], "ari": scores["ari"], "bcubed_f1": scores["bcubed_f1"]}
    return metrics


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
        score_baselines(articles, gold, result, kmeans=True)
    result.metrics.update(_robustness(docs, config, shuffles))
    return result


def evaluate_ecbplus(folder: Path, config: ClusterConfig, *, limit: int | None = None, baselines: bool = True,
                     shuffles: int = 5, samples: int = 20) -> EvalResult:
    """Score storyline on ECB+: stories against sub-events, storylines and stories against topics.

    Also without dates and titles, in the pipeline's order, and on ``samples`` mixed samples each
    of unrelated and of twin sub-events (``eval.clustering_messy``; 0 skips the samples).
    """
    from storyline.eval import clustering_messy as messy

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
    messy.undated_runs(docs, config, result, result.metrics["storyline"])
    ordered = sorted(docs, key=lambda d: stream_order(d.article))
    stories, lines, _ = cluster_articles([d.article for d in ordered], config)
    result.metrics["storyline_pipeline_order"] = {
        **_prefixed("subevent", partition_scores([d.event for d in ordered], stories)),
        **_prefixed("topic", partition_scores([d.topic for d in ordered], lines))}
    if samples:
        result.metrics["storyline_undated_samples"] = messy.ecbplus_samples(docs, config, samples=samples)
        result.metrics["storyline_sibling_samples"] = messy.ecbplus_samples(docs, config, samples=samples,
                                                                            siblings=True)
    if baselines:
        for level, gold in (("subevent", events), ("topic", topics)):
            level_result = EvalResult("clustering", level)
            score_baselines(articles, gold, level_result, kmeans=True, agglomerative=True)
            for system, values in level_result.metrics.items():
                result.metrics.setdefault(system, {}).update(_prefixed(level, values))
            result.notes.extend(f"{level}: {n}" for n in level_result.notes)
    robust = _robustness(docs, config, shuffles)
    result.metrics.update({name: _prefixed("subevent", values) for name, values in robust.items()})
    return result


def _prefixed(prefix: str, values: dict[str, float]) -> dict[str, float]:
    return {f"{prefix}_{k}": v for k, v in values.items()}
