"""Benchmark of the provenance index: insert rate, query latency, memory and size from 10k to 1M documents.

Documents are generated from real text: sentences of the Timeline17 articles in ../shared/data,
each word replaced with probability ``--noise`` by a word drawn from the same text, ``--sentences``
sentences a document, so documents read like news but (almost) never share whole windows by
chance. A share ``--copies`` of the documents are light copies of an earlier one (a few
paragraphs, a few words changed), so queries find real candidates.

For each size N it reports, in one fresh SQLite store:

- fingerprint rate (docs/s, one core): ``provenance.fingerprint`` over the generated texts;
- insert rate (docs/s): ``ProvenanceIndex.insert_many`` in batches of 1,000 (one transaction each),
  and the per-document insert cost in each tenth of the run (flat means no growth);
- query latency p50/p99 (ms): ``lookup`` + ``rank_candidates`` for 1,000 documents (half copies
  of indexed ones, half new), against the full index;
- peak resident memory (MB) of the process and the store's size on disk (MB);
- the index segments at the end (sealing a segment and building its Bloom filter are included in
  the insert time, as are merges when ``--max-segment-docs`` turns them on; the costliest batch shows them);
- baseline, in the same run: datasketch's in-memory ``MinHashLSH`` (threshold 0.5, 128 permutations)
  inserting ``LeanMinHash`` objects of the same signatures, for the first ``--baseline-max`` documents
  (an in-memory Python index; 1M of them would not fit the memory goal), and the ratio of our
  insert rate to it. The machine is shared and noisy: the ratio is the comparable number.

``--synthetic-keys`` measures the index alone at sizes where fingerprinting every generated text
would not fit the time budget: each document gets random 64-bit band keys (as many as a real
20-sentence fingerprint has: 32 document keys, 72 window keys) and a random signature, and a
share ``--copies`` reuses most keys of an earlier document. Fingerprinting is a per-document pure
function whose cost does not depend on the index size (its rate is the one measured in the
normal mode), so the index curve is what grows with N.

Usage::

    python bench/provenance.py --sizes 10000 100000 [--json results.json]
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storyline.config import ProvenanceConfig
from storyline.eval.provenance_data import detokenize
from storyline.model import Span
from storyline.provenance import Fingerprint, fingerprint, rank_candidates
from storyline.store import ProvenanceIndex, Store

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "timelines" / "t17"


def load_sentences(root: Path) -> list[list[str]]:
    """Real sentences (as word lists) from every T17 topic."""
    out = []
    for path in sorted(root.glob("*/articles.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                for sentence in json.loads(line)["text"].split("\n")[1:]:
                    words = detokenize(sentence).split()
                    if 6 <= len(words) <= 60:
                        out.append(words)
    return out


class Generator:
    """Expands real sentences into an endless stream of distinct news-like documents (seeded)."""

    def __init__(self, sentences: list[list[str]], n_sentences: int, noise: float, copies: float, seed: int) -> None:
        self.sentences = sentences
        self.vocab = [w for s in sentences for w in s]
        self.n_sentences = n_sentences
        self.noise = noise
        self.copies = copies
        self.rng = random.Random(seed)
        self.recent: list[list[str]] = []

    def _sentence(self) -> str:
        words = list(self.rng.choice(self.sentences))
        for i in range(len(words)):
            if self.rng.random() < self.noise:
                words[i] = self.rng.choice(self.vocab)
        return " ".join(words)

    def document(self) -> tuple[str, bool]:
        """Return ``(text, is_copy)``."""
        rng = self.rng
        if self.recent and rng.random() < self.copies:
            source = rng.choice(self.recent)
            keep = source[: max(3, int(len(source) * rng.uniform(0.4, 1.0)))]
            edited = []
            for sentence in keep:
                words = sentence.split()
                if rng.random() < 0.3:
                    words[rng.randrange(len(words))] = rng.choice(self.vocab)
                edited.append(" ".join(words))
            sentences = [self._sentence() for _ in range(rng.randint(0, 5))] + edited
            is_copy = True
        else:
            sentences = [self._sentence() for _ in range(self.n_sentences)]
            is_copy = False
        self.recent.append(sentences)
        if len(self.recent) > 5000:
            self.recent.pop(rng.randrange(len(self.recent)))
        return "\n".join(sentences), is_copy


def _spans(text: str) -> list[Span]:
    """One sentence per line (the generator's layout), without running the sentence splitter."""
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append(Span(start, start + len(line)))
        start += len(line) + 1
    return spans


class SyntheticKeys:
    """Random fingerprints with the key counts of real ones; a share of them copy an earlier one."""

    def __init__(self, copies: float, seed: int, doc_keys: int = 32, window_keys: int = 72) -> None:
        self.rng = np.random.default_rng(seed)
        self.copies = copies
        self.doc_keys = doc_keys
        self.window_keys = window_keys
        self.recent: list[Fingerprint] = []

    def fingerprint(self) -> Fingerprint:
        """Return the next synthetic fingerprint."""
        rng = self.rng
        keys = rng.integers(-(2**63), 2**63 - 1, size=self.doc_keys + self.window_keys, dtype=np.int64)
        signature = rng.integers(0, 2**32 - 1, size=128, dtype=np.uint32)
        if self.recent and rng.random() < self.copies:
            source = self.recent[int(rng.integers(len(self.recent)))]
            keys[self.doc_keys : self.doc_keys + len(source.window_keys) // 2] = \
                source.window_keys[: len(source.window_keys) // 2]
            signature[:64] = source.signature[:64]
        fp = Fingerprint(int(keys[0]), signature, tuple(keys[: self.doc_keys].tolist()),
                         tuple(keys[self.doc_keys :].tolist()), 400)
        self.recent.append(fp)
        if len(self.recent) > 5000:
            self.recent.pop(int(rng.integers(len(self.recent))))
        return fp


def _size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6


def baseline(signatures: list[np.ndarray], config: ProvenanceConfig) -> dict[str, float]:
    """Insert rate of datasketch's in-memory MinHashLSH over the same signatures (wall and CPU docs/s)."""
    from datasketch import LeanMinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.5, num_perm=config.num_perm)
    wall, cpu = time.perf_counter(), time.process_time()
    with lsh.insertion_session() as session:
        for i, signature in enumerate(signatures):
            session.insert(f"d{i}", LeanMinHash(seed=config.seed, hashvalues=signature, scheme="affine32"))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"baseline_docs": len(signatures), "baseline_docs_per_s": round(len(signatures) / wall, 1),
            "baseline_docs_per_cpu_s": round(len(signatures) / cpu, 1)}


def measure_queries(index: ProvenanceIndex, generator: Generator | SyntheticKeys, config: ProvenanceConfig,
                    n: int) -> dict[str, float]:
    """Latency of ``n`` queries (``lookup`` + ``rank_candidates``) of new generated documents: wall and CPU ms."""
    queries: list[Fingerprint] = []
    for _ in range(n):
        if isinstance(generator, Generator):
            text, _ = generator.document()
            queries.append(fingerprint(text, _spans(text), config))
        else:
            queries.append(generator.fingerprint())
    latencies, cpu_latencies = [], []
    found = 0
    for fp in queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        candidates = rank_candidates(fp, index.lookup(fp), config)
        latencies.append((time.perf_counter() - started) * 1000)
        cpu_latencies.append((time.process_time() - started_cpu) * 1000)
        found += bool(candidates)
    return {
        "query_p50_ms": round(float(np.percentile(latencies, 50)), 3),
        "query_p99_ms": round(float(np.percentile(latencies, 99)), 3),
        "query_mean_cpu_ms": round(float(np.mean(cpu_latencies)), 3),
        "query_cpu_p50_ms": round(float(np.percentile(cpu_latencies, 50)), 3),
        "query_cpu_p99_ms": round(float(np.percentile(cpu_latencies, 99)), 3),
        "queries_with_candidates": found,
    }


def run(size: int, generator: Generator | SyntheticKeys, config: ProvenanceConfig, cache_mb: int,
        workdir: Path, baseline_max: int) -> dict[str, object]:
    """Index ``size`` generated documents into a fresh store and measure (see the module docstring)."""
    # one file per run and process: two runs sharing a workdir must never write into the same store
    path = workdir / f"prov-{size}-{os.getpid()}.db"
    if path.exists():
        raise SystemExit(f"{path} exists; use an empty --workdir")
    batch = 1000
    fingerprint_seconds = fingerprint_cpu = insert_seconds = insert_cpu = 0.0
    batch_costs: list[float] = []
    batch_cpu: list[float] = []
    checkpoint = 0
    signatures: list[np.ndarray] = []
    with Store(path) as store:
        store.db.execute(f"PRAGMA cache_size = -{cache_mb * 1024}")
        index = ProvenanceIndex(store, config)
        done = 0
        while done < size:
            count = min(batch, size - done)
            texts = [generator.document()[0] for _ in range(count)] if isinstance(generator, Generator) else []
            wall, cpu = time.perf_counter(), time.process_time()
            if isinstance(generator, Generator):
                items = [(f"d{done + i}", fingerprint(text, _spans(text), config)) for i, text in enumerate(texts)]
            else:
                items = [(f"d{done + i}", generator.fingerprint()) for i in range(count)]
            fingerprint_seconds += time.perf_counter() - wall
            fingerprint_cpu += time.process_time() - cpu
            if len(signatures) < baseline_max:
                signatures.extend(fp.signature for _, fp in items[: baseline_max - len(signatures)])
            wall, cpu = time.perf_counter(), time.process_time()
            index.insert_many(items)  # one transaction per batch
            elapsed = time.perf_counter() - wall
            insert_seconds += elapsed
            cpu = time.process_time() - cpu
            insert_cpu += cpu
            batch_costs.append(elapsed / len(items) * 1e6)
            batch_cpu.append(cpu / len(items) * 1e6)
            done += len(items)
            if done % max(batch, size // 10) == 0:
                # a checkpoint: the curve so far, so that a run stopped early still reports it
                interval = len(batch_costs) - checkpoint
                checkpoint = len(batch_costs)
                print(json.dumps({
                    "checkpoint": done, "of": size,
                    "interval_insert_us_per_doc": round(float(np.mean(batch_costs[-interval:])), 1),
                    "interval_insert_cpu_us_per_doc": round(float(np.mean(batch_cpu[-interval:])), 1),
                    "insert_docs_per_cpu_s": round(done / insert_cpu, 1),
                    "segments": [f"L{level}:{docs}" for _, level, docs, _ in index.segments()],
                    "store_mb": round(_size_mb(path), 1),
                    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                    **measure_queries(index, generator, config, 200),
                    "load_average": round(os.getloadavg()[0], 2)}), file=sys.stderr, flush=True)
        tenths, cpu_tenths = ([round(float(np.mean(part)), 1)
                               for part in np.array_split(np.array(costs), min(10, len(costs)))]
                              for costs in (batch_costs, batch_cpu))
        query = measure_queries(index, generator, config, 1000)
        rows = {t: store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("prov_docs", "prov_bands")}
        segments = index.segments()
    result = {
        "documents": size,
        "fingerprint_docs_per_s": round(size / fingerprint_seconds, 1),
        "fingerprint_docs_per_cpu_s": round(size / fingerprint_cpu, 1),
        "insert_docs_per_s": round(size / insert_seconds, 1),
        "insert_docs_per_cpu_s": round(size / insert_cpu, 1),
        "insert_us_per_doc_by_tenth": tenths,
        "insert_cpu_us_per_doc_by_tenth": cpu_tenths,
        "insert_us_per_doc_max_batch": round(max(batch_costs), 1),
        "segments": [f"L{level}:{docs}" for _, level, docs, _ in segments],
        **query,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "store_mb": round(_size_mb(path), 1),
        "rows": rows,
    }
    result.update(baseline(signatures, config))
    for clock, ours, theirs in (("cpu", "insert_docs_per_cpu_s", "baseline_docs_per_cpu_s"),
                                ("wall", "insert_docs_per_s", "baseline_docs_per_s")):
        result[f"insert_{clock}_rate_vs_baseline"] = round(result[ours] / result[theirs], 3)
    for p in path.parent.glob(path.name + "*"):
        p.unlink()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--sentences", type=int, default=20, help="sentences per generated document")
    parser.add_argument("--noise", type=float, default=0.3, help="share of words replaced")
    parser.add_argument("--copies", type=float, default=0.1, help="share of documents that copy an earlier one")
    parser.add_argument("--cache-mb", type=int, default=512, help="SQLite page cache for the run")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--baseline-max", type=int, default=100_000, help="documents for the datasketch baseline")
    parser.add_argument("--segment-docs", type=int, default=None, help="override provenance.segment_docs")
    parser.add_argument("--max-segment-docs", type=int, default=None,
                        help="override provenance.max_segment_docs (merge up to this size; default 0: never)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--synthetic-keys", action="store_true", help="index random keys (see the docstring)")
    args = parser.parse_args()
    config = ProvenanceConfig()
    if args.segment_docs:
        config = dataclasses.replace(config, segment_docs=args.segment_docs)
    if args.max_segment_docs:
        config = dataclasses.replace(config, max_segment_docs=args.max_segment_docs)
    sentences = [] if args.synthetic_keys else load_sentences(args.data)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="prov-bench-"))
    results = []
    for size in args.sizes:
        generator: Generator | SyntheticKeys = (
            SyntheticKeys(args.copies, args.seed) if args.synthetic_keys
            else Generator(sentences, args.sentences, args.noise, args.copies, args.seed))
        result = run(size, generator, config, args.cache_mb, workdir, args.baseline_max)
        result["load_average"] = round(os.getloadavg()[0], 2)
        result["mode"] = "synthetic-keys" if args.synthetic_keys else "generated-text"
        results.append(result)
        print(json.dumps(result), flush=True)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
