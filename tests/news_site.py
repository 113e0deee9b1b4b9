"""A small invented news site served on 127.0.0.1 for the source tests (feeds, pages, bad cases).

Everything here is invented for storyline's tests. ``NewsSite.routes`` maps a path to a handler,
so a test can add, change or break a route while the server runs.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ARTICLES = {
    "a1": ("Harbour cranes idle as Tessen dockers begin strike",
           datetime(2026, 11, 20, 8, 15, tzinfo=UTC),
           ["Dock workers at the port of Tessen walked out on Thursday morning, leaving the container "
            "cranes idle and more than forty ships waiting at anchor outside the harbour wall.",
            "The dockers' union said the strike would continue until the port authority agreed to restore "
            "the night-shift allowance that was cut in the spring budget round.",
            "Hauliers said queues of lorries stretched for several kilometres along the coast road by noon, "
            "and the chamber of commerce warned that fresh produce would begin to spoil within days."]),
    "a2": ("Port authority offers talks as strike enters second day",
           datetime(2026, 11, 21, 9, 30, tzinfo=UTC),
           ["The Tessen port authority invited union leaders to talks on Friday as the dockers' strike entered "
            "its second day and the backlog of vessels grew to more than sixty.",
            "A spokesperson for the authority said the night-shift allowance could be discussed as part of a "
            "wider agreement on working hours, but not restored on its own.",
            "Union organisers said they would attend the meeting but that pickets would stay at the gates "
            "until a written offer was on the table."]),
    "a3": ("Valmora lifts flood warning after river falls below banks",
           datetime(2026, 11, 19, 17, 0, tzinfo=UTC),
           ["Flood warnings along the river Estra were lifted on Wednesday evening after the water level fell "
            "below the banks for the first time in nine days.",
            "Residents of the lower town began clearing mud from ground-floor rooms, and the council opened "
            "two depots where sandbags can be returned and cleaning kits collected.",
            "Engineers will inspect the damaged levee near the old mill next week before deciding whether the "
            "temporary barrier can be removed."]),
}


def article_html(key: str, *, charset: str | None = "utf-8", extra: str = "") -> str:
    """An invented article page with page chrome around the body."""
    title, _, paragraphs = ARTICLES[key]
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head>{meta}<title>{title} | Tessen Courier</title>"
            f'<meta property="og:title" content="{title}"><meta property="og:site_name" content="Tessen Courier">'
            f"</head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<article><h1>{title}</h1>{body}{extra}</article><footer>© Tessen Courier</footer></body></html>")


def rss(base: str, keys: list[str], *, title: str = "Tessen Courier") -> bytes:
    """An RSS 2.0 feed whose items link to the article pages."""
    items = "".join(
        f"<item><title>{ARTICLES[k][0]}</title><link>{base}/articles/{k}.html</link><guid>tc-{k}</guid>"
        f"<pubDate>{format_datetime(ARTICLES[k][1], usegmt=True)}</pubDate></item>" for k in keys)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>{base}/</link><description>News</description>{items}</channel></rss>").encode()


def write_warc(path: Path, gzip: bool) -> dict[str, str]:
    """Write a WARC (gzip or not) with two article captures plus records to skip; return URI -> WARC-Date."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    captures = {"http://tessen-courier.test/2026/11/strike.html": ("a1", "2026-11-20T10:00:00Z"),
                "http://tessen-courier.test/2026/11/flood.html": ("a3", "2026-11-19T18:30:05Z")}
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)

        def record(uri, kind, body, status="200 OK", content_type="text/html; charset=utf-8", date=None):
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            warc_headers = {"WARC-Date": date} if date else None
            writer.write_record(writer.create_warc_record(uri, kind, payload=io.BytesIO(body), http_headers=headers,
                                                          warc_headers_dict=warc_headers))

        writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "storyline tests"}))
        for uri, (key, date) in captures.items():
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "tessen-courier.test")], is_http_request=True)
            writer.write_record(writer.create_warc_record(uri, "request", http_headers=req))
            record(uri, "response", article_html(key).encode(), date=date)
        record("http://tessen-courier.test/logo.png", "response", b"\x89PNG\r\n", content_type="image/png")
        record("http://tessen-courier.test/old", "response", b"", status="404 Not Found")
        record("http://tessen-courier.test/moved", "response", b"", status="301 Moved Permanently")
    return {uri: date for uri, (_key, date) in captures.items()}


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    stream_chunks: int = 0  # > 0: send the body this many times, without Content-Length


Route = Callable[[BaseHTTPRequestHandler], Reply]


class NewsSite:
    """The routes of the invented site and a log of the requests it got."""

    def __init__(self) -> None:
        self.base = ""
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.routes: dict[str, Route] = {}

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)

    def install_defaults(self) -> None:
        base = self.base
        for key in ARTICLES:
            html = article_html(key).encode()
            self.routes[f"/articles/{key}.html"] = lambda _h, html=html: Reply(
                body=html, headers={"Content-Type": "text/html; charset=utf-8"})
        feed = rss(base, ["a1", "a2", "a3"])

        def etag_feed(handler: BaseHTTPRequestHandler) -> Reply:
            if handler.headers.get("If-None-Match") == '"feed-v1"':
                return Reply(304, headers={"ETag": '"feed-v1"'})
            return Reply(body=feed, headers={"Content-Type": "application/rss+xml", "ETag": '"feed-v1"',
                                             "Last-Modified": "Sat, 21 Nov 2026 09:30:00 GMT"})

        self.routes["/feed.xml"] = etag_feed
        self.routes["/plain-feed.xml"] = lambda _h: Reply(body=feed, headers={"Content-Type": "text/xml"})
        latin = article_html("a3", charset=None, extra="<p>Le café du port reste ouvert à tous.</p>")
        self.routes["/latin1.html"] = lambda _h: Reply(body=latin.encode("iso-8859-1"),
                                                       headers={"Content-Type": "text/html; charset=ISO-8859-1"})
        self.routes["/redirect-ok"] = lambda _h: Reply(301, headers={"Location": "/articles/a2.html"})
        self.routes["/redirect-private"] = lambda _h: Reply(
            302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
        self.routes["/redirect-ten"] = lambda _h: Reply(302, headers={"Location": "http://10.0.0.8/admin"})
        self.routes["/loop"] = lambda _h: Reply(302, headers={"Location": "/loop"})
        self.routes["/missing"] = lambda _h: Reply(404, b"not here", {"Content-Type": "text/html"})
        self.routes["/slow"] = lambda _h: Reply(body=article_html("a1").encode(), delay=2.0,
                                                headers={"Content-Type": "text/html"})
        self.routes["/huge"] = lambda _h: Reply(body=b"<p>" + b"x" * 300_000 + b"</p>",
                                                headers={"Content-Type": "text/html"})
        self.routes["/huge-stream"] = lambda _h: Reply(body=b"<p>" + b"y" * 10_000 + b"</p>", stream_chunks=40,
                                                       headers={"Content-Type": "text/html"})
        self.routes["/image.png"] = lambda _h: Reply(body=b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
                                                     headers={"Content-Type": "image/png"})


def make_handler(site: NewsSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            site.requests.append((path, {k.lower(): v for k, v in self.headers.items()}))
            route = site.routes.get(path)
            reply = route(self) if route else Reply(404, b"no such page", {"Content-Type": "text/plain"})
            try:
                if reply.delay:
                    time.sleep(reply.delay)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if not reply.stream_chunks:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                for _ in range(max(reply.stream_chunks, 1)):
                    self.wfile.write(reply.body)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout, size limit): that is the point of those routes

    return Handler


class RunningSite:
    """Start the site on 127.0.0.1 on a free port; ``stop`` shuts it down."""

    def __init__(self) -> None:
        self.site = NewsSite()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self.site))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.site.base = f"http://127.0.0.1:{self.port}"
        self.site.install_defaults()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
