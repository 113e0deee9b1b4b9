"""Speed of the source readers, each beside a baseline in the same run.

1. WARC: ``read_warc`` (HTML response records -> RawDocuments) vs bare warcio iteration reading
   every record body, on generated WARC.gz files of growing size (docs/s, peak Python memory).
2. Fetching: ``HttpFetcher`` (SSRF guard: resolution + vetting per hop and per connection, limits,
   manual redirects) vs a plain ``httpx.Client`` on the same pages of a local threaded server.
3. Feed polling: a conditional GET answered 304 vs a full feed fetch and parse.

Pages are invented filler, generated here. Run: ``python bench/sources.py [--sizes 1000 10000]``.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storyline.config import FetchConfig
from storyline.ingest import HttpFetcher, parse_feed, read_warc

WORDS = ("harbour", "council", "strike", "river", "levee", "talks", "union", "port", "flood", "market", "minister",
         "report", "week", "night", "shift", "crane", "lorry", "queue", "depot", "engineer", "barrier", "mill",
         "town", "water", "bank", "offer", "pay")


def page(i: int) -> bytes:
    body = "".join(f"<p>{' '.join(WORDS[(i * 7 + j * 3 + k) % len(WORDS)] for k in range(40))}.</p>"
                   for j in range(6))
    return f"<html><head><title>Story {i}</title></head><body><article>{body}</article></body></html>".encode()


def write_warc(path: Path, n: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for i in range(n):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"http://bench.test/{i}.html", "response",
                                                          payload=io.BytesIO(page(i)), http_headers=headers))
            if i % 4 == 0:  # non-HTML captures the reader must skip
                img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(f"http://bench.test/{i}.png", "response",
                                                              payload=io.BytesIO(b"\x89PNG" * 50), http_headers=img))


def measure(fn: Callable[[], int], memory: bool = True) -> tuple[float, float, int]:
    """Run ``fn`` for its speed, then again under tracemalloc for its peak memory.

    Returns:
        (items/s, peak MiB of Python allocations or 0.0 when not measured, items)
    """
    start = time.perf_counter()
    count = fn()
    elapsed = time.perf_counter() - start
    peak = 0.0
    if memory:  # tracemalloc slows allocation-heavy code several times: never time under it
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return count / elapsed, peak, count


def bare_warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    count = 0
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type == "response":
                record.content_stream().read()
                count += 1
    return count


def bench_warc(sizes: list[int]) -> None:
    print("WARC reading (docs/s, peak MiB)")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"bench-{n}.warc.gz"
            write_warc(path, n)
            base_rate, base_peak, base_count = measure(lambda path=path: bare_warcio(path))
            rate, peak, count = measure(lambda path=path: sum(1 for _ in read_warc(path)))
            print(f"  {n:>7,} pages ({path.stat().st_size / 2**20:.1f} MiB): read_warc {rate:,.0f} docs/s "
                  f"peak {peak:.1f} MiB ({count} docs) | bare warcio {base_rate:,.0f} records/s peak {base_peak:.1f} "
                  f"MiB ({base_count} records) | ratio {base_rate * count / base_count / rate:.2f}x time/doc")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs (~40 ms a request)

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/feed.xml":
            if self.headers.get("If-None-Match") == '"f1"':
                self.send_response(304)
                self.send_header("ETag", '"f1"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            items = "".join(f"<item><title>Story {i}</title><link>http://bench.test/{i}.html</link>"
                            f"<guid>g{i}</guid></item>" for i in range(50))
            body = f'<rss version="2.0"><channel><title>Bench</title>{items}</channel></rss>'.encode()
            kind = "application/rss+xml"
        else:
            body, kind = page(int(self.path.strip("/").split(".")[0] or 0)), "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", '"f1"')
        self.end_headers()
        self.wfile.write(body)


def bench_fetch(n: int) -> None:
    import httpx

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    urls = [f"{base}/{i}.html" for i in range(n)]
    config = FetchConfig(allow_networks=("127.0.0.1/32",), host_interval_seconds=0)  # measure cost, not politeness
    rss = ("application/rss+xml",)
    try:
        with httpx.Client(trust_env=False) as client:
            plain, _, _ = measure(memory=False, fn=lambda: sum(bool(client.get(u).content) for u in urls))
        with HttpFetcher(config) as fetcher:

            def pages() -> int:
                return sum(bool(fetcher.fetch(u, accept=("text/html",)).content) for u in urls)

            def full_polls() -> int:
                return sum(bool(parse_feed(fetcher.fetch(f"{base}/feed.xml", accept=rss).content, base).entries)
                           for _ in range(n // 10))

            def conditional_polls() -> int:
                return sum(fetcher.fetch(f"{base}/feed.xml", accept=rss, headers={"If-None-Match": '"f1"'}).not_modified
                           for _ in range(n // 10))

            guarded, _, _ = measure(pages, memory=False)
            full, _, _ = measure(full_polls, memory=False)
            cond, _, _ = measure(conditional_polls, memory=False)
    finally:
        server.shutdown()
        server.server_close()
    print(f"Fetching {n} pages from a local server: HttpFetcher {guarded:,.0f} pages/s | plain httpx.Client "
          f"{plain:,.0f} pages/s | ratio {plain / guarded:.2f}x time/page")
    print(f"Feed polls (50 items): full fetch+parse {full:,.0f} polls/s | conditional GET (304) {cond:,.0f} polls/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="WARC sizes (pages)")
    parser.add_argument("--pages", type=int, default=500, help="pages fetched from the local server")
    args = parser.parse_args()
    bench_warc(args.sizes)
    bench_fetch(args.pages)


if __name__ == "__main__":
    main()
