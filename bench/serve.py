"""Load test of ``storyline serve`` on loopback against a store of >= 100k articles.

    python bench/serve.py [--articles 100000] [--clients 50] [--seconds 30] [--store PATH]

1. Build the store once (kept at ``--store`` for later runs): real news text from the shared data
   (GoogleNews TS items and T17 articles, read at run time, never copied into the project),
   repeated over eight 45-day "epochs" with invented outlets and new dates, until ``--articles``.
   Articles are made with the same helpers extraction uses (``text.paragraph_spans``,
   ``text.split_sentences``) and stored through the Store API (``save_document``,
   ``save_clustering``, ``save_summary``). Stories come from the data sets' own labels (cluster
   or topic, per epoch) instead of the online clusterer, and each story's cited summary is built by
   ``summarize_articles`` over its first 40 articles: running the full pipeline over 100k
   articles takes hours (it is measured by the pipeline's own benchmarks), and this benchmark is
   about serving.
   Storylines link each label's stories across the epochs (``save_linking``, added to an older
   store that has none).
2. Start ``storyline serve`` (the real CLI, uvicorn, ``--workers`` processes) on a free 127.0.0.1 port.
3. Run one client alone for ``--serial-seconds`` (the service time, without queueing), then
   ``--clients`` concurrent HTTP/1.1 keep-alive clients (httpx, in a separate process) for
   ``--seconds``, each looping over home, storyline, story, search and article pages with random ids, pages
   and query words; report requests/s, p50/p95/p99 per endpoint, every non-200 as an error, and
   the server's CPU time per request (contention on a shared machine inflates latency, less so this).

Two load models (``--think``): by default each client sends its next request as soon as the last
one is answered (closed loop, no think time): that measures saturation, and latency is then mostly
queueing (clients / throughput). With ``--think MIN MAX`` each client is a reader who waits a random
MIN..MAX seconds between page views (as Locust's ``wait_time = between(MIN, MAX)``), starting at a
random point of that interval: that measures what that many people reading at once see.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import multiprocessing as mp
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyline import Store  # noqa: E402
from storyline.extract import article_id_for  # noqa: E402
from storyline.model import Article, ArticleDate, RawDocument, Story, StoryRow  # noqa: E402
from storyline.summarize import summarize_articles  # noqa: E402
from storyline.text import content_terms, paragraph_spans, split_sentences  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
EPOCHS = 8
EPOCH_DAYS = 45
OUTLETS = [f"{a} {b}" for a in ("Northern", "Coastal", "Metro", "Daily", "Evening") for b in
           ("Herald", "Courier", "Post", "Ledger", "Observer", "Gazette", "Times", "Wire")]


def _sources() -> list[tuple[str, str]]:
    """(label, text) of every source text: GoogleNews TS items and T17 articles."""
    gn = DATA / "clustering" / "googlenews" / "TS.jsonl.gz"
    if not gn.exists():
        raise SystemExit(f"shared data not found: {gn}")
    items = []
    with gzip.open(gn, "rt", encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            items.append((f"gn{r['cluster']}", r["text"].strip() + "."))  # the source stripped punctuation
    for path in sorted((DATA / "timelines" / "t17").glob("*/articles.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                r = json.loads(line)
                items.append((f"t17{path.parent.name}", r["text"].replace("\n", "\n\n")))
    return items


def build_store(path: Path, n_articles: int, seed: int = 7) -> None:
    """Create the benchmark store (see the module docstring)."""
    rng = random.Random(seed)
    sources = _sources()
    start = date(2023, 1, 2)
    members: dict[str, list[Article]] = {}
    t0 = time.perf_counter()
    with Store(path) as store:
        made = 0
        for epoch in range(EPOCHS):
            base = start + timedelta(days=epoch * EPOCH_DAYS)
            for label, text in sources:
                if made >= n_articles:
                    break
                day = base + timedelta(days=rng.randrange(EPOCH_DAYS - 5))
                outlet = OUTLETS[rng.randrange(len(OUTLETS))]
                words = text.split()
                title = " ".join(words[:10]).rstrip(".").capitalize()
                record = {"title": title, "text": text, "outlet": outlet, "date": day.isoformat(), "n": made}
                raw = RawDocument.from_bytes(f"bench:{made}", json.dumps(record).encode(), "application/x-jsonl-record")
                paragraphs = paragraph_spans(text)
                article = Article(id=article_id_for(raw), raw_sha256=raw.sha256, origin=raw.origin, text=text,
                                  title=title, outlet=outlet, date=ArticleDate(day.isoformat(), "day", False, "bench"),
                                  language="en", paragraphs=paragraphs,
                                  sentences=split_sentences(text, paragraphs), extraction_method="bench")
                store.save_document(raw, article)
                members.setdefault(f"{label}-e{epoch}", []).append(article)
                made += 1
                if made % 10_000 == 0:
                    print(f"  {made:,} articles ({time.perf_counter() - t0:.0f} s)", flush=True)
        rows, assignments = [], {}
        for key, arts in sorted(members.items()):
            arts.sort(key=lambda a: (a.date.value, a.id))
            story_id = f"s-bench-{key}"
            terms: dict[str, int] = {}
            for a in arts[:40]:
                for t in content_terms(a.text[:2000]):
                    terms[t] = terms.get(t, 0) + 1
            keywords = [t for t, _ in sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))[:8]]
            rows.append(StoryRow(Story(story_id, [a.id for a in arts], arts[0].date.value, arts[-1].date.value,
                                       arts[0].title or story_id, keywords), size=len(arts)))
            assignments.update({a.id: story_id for a in arts})
        store.save_clustering(rows, assignments, {}, made)
        print(f"  {len(rows):,} stories; summarising ({time.perf_counter() - t0:.0f} s)", flush=True)
        link_storylines(store)
        for row in rows:
            arts = members[row.id.removeprefix("s-bench-")]
            store.save_summary(summarize_articles(row.id, arts[:40]))
    print(f"built {path}: {made:,} articles, {len(rows):,} stories in {time.perf_counter() - t0:.0f} s", flush=True)


def link_storylines(store: Store) -> int:
    """Give every label a storyline holding its stories of all epochs (ids ``s-bench-<label>-e<k>``)."""
    from storyline.model import Linking
    from storyline.store.storylines import save_linking

    if store.db.execute("SELECT count(*) FROM storyline_stories").fetchone()[0]:
        return 0
    stories = [r[0] for r in store.db.execute("SELECT id FROM stories ORDER BY id")]
    linking = Linking(storyline_of={s: "l-bench-" + s.removeprefix("s-bench-").rsplit("-e", 1)[0] for s in stories})
    save_linking(store, linking, {})
    return len(set(linking.storyline_of.values()))


def _targets(path: Path, seed: int = 11) -> dict[str, list[str]]:
    """Sample URLs for every endpoint: story pages, articles (with a cited span), searches, home pages."""
    rng = random.Random(seed)
    with Store(path) as store:
        db = store.db
        stories = [r[0] for r in db.execute("SELECT id FROM stories ORDER BY id")]
        lines = [r[0] for r in db.execute("SELECT id FROM storylines ORDER BY id")]
        n_pages = max(1, len(stories) // 20)
        cites = list(db.execute("SELECT article_id, start, end FROM citations ORDER BY random() LIMIT 2000"))
        arts = [r[0] for r in db.execute("SELECT id FROM articles ORDER BY random() LIMIT 5000")]
        titles = [r[0] for r in db.execute("SELECT title FROM articles ORDER BY random() LIMIT 3000")]
    words = [w for t in titles for w in t.lower().split() if w.isalpha() and len(w) > 3]
    home = ["/"] + [f"/?page={rng.randrange(1, min(n_pages, 50) + 1)}" for _ in range(200)]
    story = [f"/stories/{rng.choice(stories)}" for _ in range(2000)]
    article = [f"/articles/{a}?start={s}&end={e}#cited" for a, s, e in cites] + [f"/articles/{a}" for a in arts]
    search = [f"/search?q={'+'.join(rng.sample(words, rng.choice((1, 1, 2))))}" for _ in range(2000)]
    storyline = [f"/storylines/{rng.choice(lines)}" for _ in range(2000)]
    return {"home": home, "storyline": storyline, "story": story, "search": search, "article": article}


async def _load(base: str, targets: dict[str, list[str]], clients: int, seconds: float, seed: int,
                think: tuple[float, float] = (0.0, 0.0)) -> dict:
    import httpx

    rng = random.Random(seed)
    names = sorted(targets)
    latencies: dict[str, list[float]] = {n: [] for n in names}
    errors: dict[str, int] = {n: 0 for n in names}
    kinds: dict[str, int] = {}
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(k: int, http: httpx.AsyncClient) -> None:
        i = k
        if think[1] > 0:  # readers arrive spread over one think interval, not all in the same instant
            await asyncio.sleep(rng.uniform(0, think[1]))
        while time.perf_counter() < deadline:
            name = names[i % len(names)]
            i += 1
            url = rng.choice(targets[name])
            t = time.perf_counter()
            try:
                response = await http.get(base + url)
                await response.aread()
                kind = "" if response.status_code == 200 else f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                kind = type(exc).__name__
            latencies[name].append(time.perf_counter() - t)
            if kind:
                errors[name] += 1
                kinds[kind] = kinds.get(kind, 0) + 1
            if think[1] > 0:
                await asyncio.sleep(rng.uniform(*think))

    async with httpx.AsyncClient(limits=limits, timeout=30.0) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(k, http) for k in range(clients)))
        elapsed = time.perf_counter() - started
    return {"latencies": latencies, "errors": errors, "error_kinds": kinds, "elapsed": elapsed}


def _load_process(base: str, targets: dict, clients: int, seconds: float, seed: int, think: tuple[float, float],
                  out: mp.Queue) -> None:
    out.put(asyncio.run(_load(base, targets, clients, seconds, seed, think)))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a process and its children (uvicorn workers): Linux ``/proc``, else 0."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _summary(parts: list[dict], names: list[str]) -> dict:
    latencies = {n: [x for p in parts for x in p["latencies"][n]] for n in names}
    errors = {n: sum(p["errors"][n] for p in parts) for n in names}
    elapsed = max(p["elapsed"] for p in parts)
    total = sum(len(v) for v in latencies.values())
    kinds: dict[str, int] = {}
    for p in parts:
        for kind, n in p["error_kinds"].items():
            kinds[kind] = kinds.get(kind, 0) + n
    return {"seconds": round(elapsed, 1), "requests": total, "rps": round(total / elapsed, 1),
            "errors": sum(errors.values()), "error_kinds": kinds,
            "endpoints": {n: {"requests": len(v), "rps": round(len(v) / elapsed, 1), "errors": errors[n],
                              "p50_ms": round(_pct(v, 50), 1), "p95_ms": round(_pct(v, 95), 1),
                              "p99_ms": round(_pct(v, 99), 1), "mean_ms": round(statistics.fmean(v) * 1000, 1)}
                          for n, v in latencies.items() if v}}


def run(store: Path, clients: int, seconds: float, processes: int, serial_seconds: float, workers: int,
        think: tuple[float, float] = (0.0, 0.0)) -> dict:
    """Serve ``store`` and load it: one client alone (service time), then ``clients`` together."""
    import httpx

    targets = _targets(store)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen([sys.executable, "-m", "storyline", "serve", "--db", str(store), "--port", str(port),
                               "--workers", str(workers)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"server did not start: {server.stderr.read().decode() if server.stderr else ''}")
            time.sleep(0.3)
        for urls in targets.values():  # warm up: first use of each page template, the OS page cache
            for url in urls[:20]:
                httpx.get(base + url, timeout=30)
        names = sorted(targets)
        serial = _summary([asyncio.run(_load(base, targets, 1, serial_seconds, 99))], names)
        queue: mp.Queue = mp.Queue()
        cpu_before = _cpu_seconds(server.pid)
        shares = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
        loaders = [mp.Process(target=_load_process, args=(base, targets, share, seconds, 100 + i, think, queue))
                   for i, share in enumerate(shares)]
        for loader in loaders:
            loader.start()
        parts = [queue.get(timeout=seconds + 120) for _ in loaders]
        for loader in loaders:
            loader.join(timeout=30)
        cpu_used = _cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    loaded = _summary(parts, names)
    loaded["server_cpu_ms_per_request"] = round(cpu_used / max(loaded["requests"], 1) * 1000, 2)
    return {"clients": clients, "think_seconds": list(think), "workers": workers, "serial": serial,
            "loaded": loaded}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--processes", type=int, default=1, help="load-generator processes sharing the clients")
    parser.add_argument("--serial-seconds", type=float, default=10.0, help="first, one client alone this long")
    parser.add_argument("--store", type=Path, default=Path("/tmp/storyline-bench-serve.db"))
    parser.add_argument("--workers", type=int, default=2, help="server processes (storyline serve --workers)")
    parser.add_argument("--think", type=float, nargs=2, default=(0.0, 0.0), metavar=("MIN", "MAX"),
                        help="seconds each client waits between requests (default: none, closed loop)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.store.exists():
        build_store(args.store, args.articles)
    with Store(args.store) as store:
        link_storylines(store)
        n = store.count_articles()
        n_stories = store.db.execute("SELECT count(*) FROM stories").fetchone()[0]
    load_average = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    result = {"articles": n, "stories": n_stories, "cpus": os.cpu_count(), "load_average_1m": load_average,
              **run(args.store, args.clients, args.seconds, args.processes, args.serial_seconds, args.workers,
                    tuple(args.think))}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"store: {n:,} articles, {n_stories:,} stories; {result['cpus']} CPUs, load average {load_average}; "
          f"{args.workers} server worker(s)")
    for label, part in (("1 client", result["serial"]), (f"{result['clients']} clients", result["loaded"])):
        print(f"{label} for {part['seconds']} s: {part['requests']:,} requests, {part['rps']} req/s, "
              f"{part['errors']} errors {part['error_kinds'] or ''}")
        print(f"  {'endpoint':10} {'req':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
        for name, e in part["endpoints"].items():
            print(f"  {name:10} {e['requests']:>7} {e['rps']:>7} {e['p50_ms']:>8} {e['p95_ms']:>8} {e['p99_ms']:>8} "
                  f"{e['errors']:>6}")
    print(f"server CPU per request under load: {result['loaded']['server_cpu_ms_per_request']} ms")


if __name__ == "__main__":
    main()
