"""``storyline eval provenance``: copy detection on the synthetic benchmark, beside two baselines.

Systems, all fed the same documents one at a time (each is queried, then indexed):

- ``storyline``: the provenance stage (exact hash + document MinHash LSH + passage-window LSH
  candidates in the SQLite index, confirmed by sentence alignment); spans are the aligned runs;
- ``exact_hash``: pairs with the same normalised-text hash; spans are the whole texts;
- ``datasketch``: plain MinHash-Jaccard LSH (``datasketch.MinHashLSH``, threshold 0.5, 128
  permutations, the same word shingles); spans are the whole texts.

Pair metrics: precision and recall overall and per copy kind (precision of a kind: of the pairs
reported for copies of that kind, the share that are the gold pair), and the share of
same-topic distractors reported as copied. Span F1: characters (whitespace excluded) of the gold
shared ranges on both sides of every gold pair against the reported ranges, micro-averaged.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from storyline.config import ProvenanceConfig
from storyline.eval.common import EvalResult
from storyline.eval.provenance_data import KINDS, Benchmark, build_benchmark, make_article
from storyline.model import Article
from storyline.provenance import find_related, fingerprint, rank_candidates
from storyline.store import ProvenanceIndex, Store
from storyline.text import normalize, shingles, tokenize

__all__ = ["evaluate_provenance", "run_datasketch", "run_exact_hash", "run_storyline"]

# (doc a, doc b) -> {doc id: [(start, end), ...]} shared character ranges on each side
Found = dict[tuple[str, str], dict[str, list[tuple[int, int]]]]


def _key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _whole(a: Article, b: Article) -> dict[str, list[tuple[int, int]]]:
    return {a.id: [(0, len(a.text))], b.id: [(0, len(b.text))]}


def run_storyline(articles: list[Article], config: ProvenanceConfig | None = None) -> Found:
    """Run the provenance stage over the articles in order, with an in-memory store; return found pairs."""
    config = config or ProvenanceConfig()
    found: Found = {}
    by_id: dict[str, Article] = {}
    with Store(":memory:") as store:
        index = ProvenanceIndex(store, config)
        for article in articles:
            fp = fingerprint(article.text, article.sentences, config)
            candidates = rank_candidates(fp, index.lookup(fp, exclude=article.id), config)
            for related in find_related(article, candidates, by_id, config):
                al = related.alignment
                runs = al.shared_runs()
                found[(al.article_a, al.article_b)] = {al.article_a: [r.a_span for r in runs if r.a_span],
                                                       al.article_b: [r.b_span for r in runs if r.b_span]}
            index.insert(article.id, fp)
            by_id[article.id] = article
    return found


def run_exact_hash(articles: list[Article]) -> Found:
    """Baseline: pairs of articles with the same normalised text."""
    found: Found = {}
    seen: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        key = normalize(article.text)
        for other in seen[key]:
            found[_key(article.id, other.id)] = _whole(article, other)
        seen[key].append(article)
    return found


def run_datasketch(articles: list[Article], config: ProvenanceConfig | None = None, threshold: float = 0.5) -> Found:
    """Baseline: datasketch ``MinHashLSH`` over whole-document MinHash (Jaccard), no alignment."""
    from datasketch import MinHash, MinHashLSH

    config = config or ProvenanceConfig()
    lsh = MinHashLSH(threshold=threshold, num_perm=config.num_perm)
    by_id: dict[str, Article] = {}
    found: Found = {}
    for article in articles:
        minhash = MinHash(num_perm=config.num_perm, seed=config.seed)
        grams = set()
        for span in article.sentences:
            grams |= shingles(tokenize(span.slice(article.text)), config.shingle_size)
        minhash.update_batch([g.encode("utf-8") for g in sorted(grams)])  # datasketch's own (SHA-1) hashing
        for other in lsh.query(minhash):
            found[_key(article.id, other)] = _whole(article, by_id[other])
        lsh.insert(article.id, minhash)
        by_id[article.id] = article
    return found


def _chars(text: str, ranges: Iterable[tuple[int, int]]) -> set[int]:
    return {i for start, end in ranges for i in range(start, end) if not text[i].isspace()}


def score(bench: Benchmark, articles: dict[str, Article], found: Found) -> dict[str, float]:
    """Pair precision/recall (overall and per kind), distractor false-positive rate and span F1."""
    gold = {_key(p.original, p.copy): p for p in bench.pairs}
    kind_of_copy = {p.copy: p.kind for p in bench.pairs}
    metrics: dict[str, float] = {}
    hits = [k for k in found if k in gold]
    metrics["precision"] = len(hits) / len(found) if found else 1.0
    metrics["recall"] = len(hits) / len(gold) if gold else 1.0
    total = metrics["precision"] + metrics["recall"]
    metrics["f1"] = 2 * metrics["precision"] * metrics["recall"] / total if total else 0.0
    for kind in KINDS:
        kind_gold = [k for k, p in gold.items() if p.kind == kind]
        reported = [k for k in found if any(kind_of_copy.get(x) == kind for x in k)]
        metrics[f"recall_{kind}"] = sum(k in found for k in kind_gold) / len(kind_gold) if kind_gold else 1.0
        metrics[f"precision_{kind}"] = sum(k in gold for k in reported) / len(reported) if reported else 1.0
    distractors = {d.id for d in bench.docs if d.kind == "distractor"}
    flagged = {x for k in found for x in k if x in distractors}
    metrics["distractor_fp_rate"] = len(flagged) / len(distractors) if distractors else 0.0
    tp = fp = fn = 0
    for key in set(gold) | set(found):
        pair = gold.get(key)
        for doc_id in key:
            text = articles[doc_id].text
            truth: set[int] = set()
            if pair is not None:
                truth = _chars(text, pair.original_spans if doc_id == pair.original else pair.copy_spans)
            predicted = _chars(text, found.get(key, {}).get(doc_id, []))
            tp += len(truth & predicted)
            fp += len(predicted - truth)
            fn += len(truth - predicted)
    metrics["span_precision"] = tp / (tp + fp) if tp + fp else 0.0
    metrics["span_recall"] = tp / (tp + fn) if tp + fn else 0.0
    total = metrics["span_precision"] + metrics["span_recall"]
    metrics["span_f1"] = 2 * metrics["span_precision"] * metrics["span_recall"] / total if total else 0.0
    return metrics


def evaluate_provenance(data: Path, per_kind: int = 40, distractors: int = 40, seed: int = 13,
                        config: ProvenanceConfig | None = None,
                        progress: Callable[[str], None] | None = None) -> EvalResult:
    """Build the benchmark from the T17 articles under ``data`` and score storyline and the baselines."""
    bench = build_benchmark(data, per_kind=per_kind, distractors=distractors, seed=seed)
    articles = [make_article(d.id, d.text, d.date) for d in bench.docs]
    by_id = {a.id: a for a in articles}
    result = EvalResult("provenance", str(data))
    systems: dict[str, Callable[[list[Article]], Found]] = {
        "storyline": lambda arts: run_storyline(arts, config),
        "exact_hash": run_exact_hash,
        "datasketch": lambda arts: run_datasketch(arts, config),
    }
    for name, run in systems.items():
        if progress:
            progress(name)
        started = time.perf_counter()
        found = run(articles)
        elapsed = time.perf_counter() - started
        result.metrics[name] = score(bench, by_id, found)
        result.notes.append(f"{name}: {len(found)} pairs reported in {elapsed:.1f} s")
    counts = defaultdict(int)
    for d in bench.docs:
        counts[d.kind] += 1
    result.notes.insert(0, f"{len(bench.docs)} documents ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}), "
                           f"{len(bench.pairs)} gold pairs, seed {seed}")
    return result
