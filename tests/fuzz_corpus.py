"""A deterministic corpus of valid and hostile inputs, shared by the reliability tests and ``bench/stress.py``.

``generate_corpus(root, n, seed)`` writes ``n`` inputs under ``root`` (files, and JSONL files whose
lines are inputs of their own) and returns the expected outcome of each: an article with a known
id (ids are content hashes, so they can be predicted), a failure with accepted error types, a
duplicate of another input, "either" for inputs where both an article and a failure are correct
(the guarantee is then only: exactly one outcome, no crash), or "skipped" for files the directory
walk does not read.

Every article text is invented here from templates and word lists (no third-party text). The
same ``(n, seed, sizes)`` always gives byte-identical files.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from storyline.model import Article, Failure
from storyline.store import Store

PLACES = ["Valmora", "Corvania", "Estrava", "Tessen", "Hollin", "Northgate", "Merrow", "Dunhale", "Ostrel",
          "Kavin Bay", "Lorrach", "Pellan", "Sarvik", "Brennet", "Ulmwood", "Quarry Point"]
PEOPLE = ["Jana Dorsek", "Ilse Marrow", "Tomas Vell", "Ana Perrin", "Odile Strand", "Ruben Kast", "Mira Tolland",
          "Petra Lindqvist", "Aurel Danu", "Hugo Brandt", "Lena Oskarsen", "Nils Ferreira", "Sara Quell"]
ORGS = ["the Port Authority", "the River Board", "the Dockworkers' Union", "the Finance Ministry", "Quillon Bank",
        "the Regional Council", "the Harbour Pilots' Guild", "the Weather Office", "Corvania Rail"]
OUTLETS = ["Valmora Herald", "Northgate Gazette", "Tessen Courier", "Estrava Post", "Hollin Weekly",
           "Meridian Business", "Corvania Times", "Riverside Observer"]
EVENTS = [("strike", "dockworkers walked off the job", "pay talks"),
          ("flood", "the river rose above its banks", "flood barriers"),
          ("breach", "customer records were exposed", "the security review"),
          ("election", "voters went to the polls", "the coalition talks"),
          ("fire", "a warehouse fire spread overnight", "the investigation"),
          ("budget", "the council approved new spending", "the budget vote"),
          ("rail", "trains were halted on the coast line", "the track repairs")]
VERBS = ["said", "told reporters", "confirmed", "warned", "added", "explained", "announced"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# outcome kinds
ARTICLE, FAILURE, DUPLICATE, EITHER, SKIPPED = "article", "failure", "duplicate", "either", "skipped"


@dataclass(frozen=True, slots=True)
class Expected:
    """What the pipeline must make of one input."""

    origin: str
    """The input as the pipeline names it: the file path, or ``path#L<n>`` for a JSONL line."""
    case: str
    """The generator case that wrote it (e.g. ``valid-html``, ``utf16-no-bom``)."""
    outcome: str
    """article, failure, duplicate, either or skipped."""
    article_id: str | None = None
    """The article id (a-<sha256 prefix>) when the outcome is an article, a duplicate or either."""
    error_types: tuple[str, ...] = ()
    """Accepted Failure.error_type values when the outcome is a failure (empty: any)."""
    check: str | None = None
    """An extra property to check on the stored article (see tests/test_reliability.py)."""


@dataclass(slots=True)
class FuzzCorpus:
    """The generated inputs and their expectations."""

    root: Path
    expected: list[Expected] = field(default_factory=list)

    def by_outcome(self, outcome: str) -> list[Expected]:
        """Return the expectations with this outcome."""
        return [e for e in self.expected if e.outcome == outcome]

    def cases(self) -> dict[str, int]:
        """Return how many inputs each case wrote."""
        counts: dict[str, int] = {}
        for e in self.expected:
            counts[e.case] = counts.get(e.case, 0) + 1
        return dict(sorted(counts.items()))


def article_id(content: bytes) -> str:
    """The article id the pipeline gives to these exact input bytes (see extract.article_id_for)."""
    return f"a-{hashlib.sha256(content).hexdigest()[:16]}"


@dataclass(slots=True)
class _Story:
    title: str
    paragraphs: list[str]
    outlet: str
    author: str
    day: str


def _story(rng: random.Random, serial: int) -> _Story:
    """Invent a short news article; ``serial`` makes its text unique."""
    place, other = rng.sample(PLACES, 2)
    person, second = rng.sample(PEOPLE, 2)
    org = rng.choice(ORGS)
    kind, happened, topic = rng.choice(EVENTS)
    day = rng.choice(DAYS)
    number = rng.randint(12, 4800)
    title = f"{place} {kind}: {org.replace('the ', '').capitalize()} responds as {topic} continue"
    paragraphs = [
        f"In {place} on {day}, {happened}, and {org} {rng.choice(VERBS)} that {topic} would resume "
        f"within days. Report {serial} counted some {number:,} people affected across the district.",
        f"\u201cWe are doing everything we can for the families of {place},\u201d {person} {rng.choice(VERBS)} "
        f"in a statement on {day} evening, adding that help from {other} was already on its way.",
        f"{second}, who has followed {topic} for years, {rng.choice(VERBS)} that the situation in {place} was "
        f"the most serious since {rng.randint(1990, 2024)} and that officials had been slow to react.",
        f"Residents said they had waited {rng.randint(2, 40)} hours for news. Shops near the harbour closed early "
        f"and the ferry to {other} was cancelled for the rest of the week, the operator said.",
        f"Officials expect to publish a full account of the {kind} by the end of the month, with a figure "
        f"of {number * 3:,} for the total cost so far (case {serial}).",
    ]
    rng.shuffle(paragraphs[2:])
    year = rng.randint(2019, 2025)
    month = rng.randint(1, 12)
    day = f"{year}-{month:02}-{rng.randint(1, 28):02}"
    return _Story(title, paragraphs, rng.choice(OUTLETS), rng.choice(PEOPLE), day)


def _txt(s: _Story) -> str:
    y, m, d = s.day.split("-")
    head = f"{s.outlet}\nHome | News | World | Business | Sport\n\n{s.title}\n\n" \
           f"By {s.author} - {MONTHS[int(m) - 1]} {int(d)}, {y}\n\n"
    return head + "\n\n".join(s.paragraphs) + "\n\nShare this: Facebook Twitter Email\n"


def _html(s: _Story, *, title: str | None = None, charset: str = "utf-8", body_prefix: str = "",
          attrs: str = "", date: str | None = None) -> str:
    paragraphs = "\n".join(f"    <p>{p}</p>" for p in s.paragraphs)
    return (f'<!doctype html>\n<html lang="en"><head>\n<meta charset="{charset}">\n'
            f"<title>{title if title is not None else s.title}</title>\n"
            f'<meta property="og:site_name" content="{s.outlet}">\n<meta name="author" content="{s.author}">\n'
            f'<meta property="article:published_time" content="{date or s.day}">\n</head>\n<body{attrs}>\n'
            f'<nav><a href="/">Home</a> <a href="/news">News</a></nav>\n{body_prefix}'
            f"<article>\n  <h1>{s.title}</h1>\n{paragraphs}\n</article>\n<footer>All rights reserved.</footer>\n"
            "</body></html>\n")


def _record(s: _Story, **extra: object) -> dict[str, object]:
    return {"title": s.title, "outlet": s.outlet, "date": s.day, "text": "\n\n".join(s.paragraphs), **extra}


@dataclass(slots=True)
class Sizes:
    """Sizes of the heavy cases; CI uses smaller ones than the full stress run."""

    big_page_bytes: int = 50 * 1024 * 1024
    nest_depth: int = 10_000
    huge_attribute_bytes: int = 8 * 1024 * 1024
    bomb_bytes: int = 200 * 1024 * 1024
    heavy_every: int = 2500
    """One of each heavy case (big page, deep nesting, huge attribute, bomb) per this many inputs."""


class _Writer:
    """Writes files and records their expectations."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root = root
        self.rng = rng
        self.corpus = FuzzCorpus(root)
        self.serial = 0

    def story(self) -> _Story:
        self.serial += 1
        return _story(self.rng, self.serial)

    def path(self, case: str, suffix: str, name: str | None = None) -> Path:
        folder = self.root / f"part{len(self.corpus.expected) // 500:03}"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / (name or f"{len(self.corpus.expected):05}-{case}{suffix}")

    def file(self, case: str, suffix: str, content: bytes, outcome: str, *, errors: tuple[str, ...] = (),
             name: str | None = None, check: str | None = None) -> Path:
        path = self.path(case, suffix, name)
        path.write_bytes(content)
        ident = article_id(content) if outcome in (ARTICLE, EITHER, DUPLICATE) else None
        self.corpus.expected.append(Expected(str(path), case, outcome, ident, errors, check))
        return path

    def jsonl(self, case: str, lines: list[tuple[bytes, str, tuple[str, ...], str | None]]) -> None:
        """Write a JSONL file; each line is ``(bytes, outcome, error types, check)``; blank lines are not inputs."""
        path = self.path(case, ".jsonl")
        path.write_bytes(b"\n".join(line for line, *_ in lines) + b"\n")
        for number, (line, outcome, errors, check) in enumerate(lines, start=1):
            if not line.strip():
                continue
            ident = article_id(line.rstrip(b"\r\n")) if outcome in (ARTICLE, EITHER, DUPLICATE) else None
            self.corpus.expected.append(Expected(f"{path}#L{number}", case, outcome, ident, errors, check))


def _dumps(record: object, ensure_ascii: bool = False) -> bytes:
    return json.dumps(record, ensure_ascii=ensure_ascii).encode("utf-8")


# -- the cases ------------------------------------------------------------------------------------
# Each case writes one or more inputs. Valid cases come first; generate_corpus mixes them.

def _valid_txt(w: _Writer) -> None:
    w.file("valid-txt", ".txt", _txt(w.story()).encode(), ARTICLE, check="offsets")


def _valid_html(w: _Writer) -> None:
    w.file("valid-html", ".html", _html(w.story()).encode(), ARTICLE, check="offsets")


def _valid_jsonl(w: _Writer) -> None:
    lines = []
    for _ in range(w.rng.randint(2, 5)):
        s = w.story()
        record = _record(s, id=f"src-{w.serial}", url=f"https://example.org/news/{w.serial}")
        if w.rng.random() < 0.3:
            record.pop("text")
            record["html"] = _html(s)
        lines.append((_dumps(record), ARTICLE, (), "offsets"))
    w.jsonl("valid-jsonl", lines)


def _empty(w: _Writer) -> None:
    w.file("empty", w.rng.choice([".txt", ".html"]), b"", FAILURE, errors=("EmptyInputError",))


def _whitespace(w: _Writer) -> None:
    w.file("whitespace", ".html", b" \n\t\r\n " * w.rng.randint(1, 500), FAILURE, errors=("EmptyInputError",))


def _binary(w: _Writer) -> None:
    noise = bytes(w.rng.getrandbits(8) for _ in range(w.rng.randint(64, 4096)))
    w.file("binary", w.rng.choice([".txt", ".html"]), b"\x89PNG\r\n\x1a\n" + noise, FAILURE,
           errors=("BinaryInputError", "DecodeError"))


def _nul_bytes(w: _Writer) -> None:
    text = _txt(w.story()).encode()
    cut = w.rng.randint(10, len(text) - 10)
    # a few stray NULs in a text are removed (with a warning on the article), not a reason to refuse it
    w.file("nul-bytes", ".txt", text[:cut] + b"\x00" * w.rng.randint(1, 8) + text[cut:], ARTICLE, check="offsets")


def _utf16_no_bom(w: _Writer) -> None:
    codec = w.rng.choice(["utf-16-le", "utf-16-be"])
    w.file("utf16-no-bom", ".txt", _txt(w.story()).encode(codec), ARTICLE, check="offsets")


def _utf16_with_bom(w: _Writer) -> None:
    w.file("utf16-bom", ".txt", _txt(w.story()).encode("utf-16"), ARTICLE, check="offsets")


def _latin1_declared_utf8(w: _Writer) -> None:
    s = w.story()
    s.paragraphs = [p.replace("families", "famílies").replace("officials", "officiéls") + " Café señor naïve."
                    for p in s.paragraphs]
    w.file("latin1-declared-utf8", ".html", _html(s, charset="utf-8").encode("latin-1", "replace"), EITHER)


def _mixed_encoding(w: _Writer) -> None:
    s = w.story()
    first = "\n\n".join(s.paragraphs[:2]).replace("families", "famílies").encode("utf-8")
    rest = "\n\n".join(s.paragraphs[2:]).replace("officials", "officiéls").encode("latin-1")
    w.file("mixed-encoding", ".txt", s.title.encode() + b"\n\n" + first + b"\n\n" + rest, EITHER)


def _undecodable(w: _Writer) -> None:
    junk = bytes(w.rng.choice(range(0x80, 0x100)) for _ in range(w.rng.randint(200, 2000)))
    w.file("undecodable", ".txt", junk, FAILURE, errors=("DecodeError", "BinaryInputError", "ExtractionError"))


def _too_short(w: _Writer) -> None:
    w.file("too-short", ".txt", b"Breaking news.\n", FAILURE, errors=("ExtractionError",))


def _only_scripts(w: _Writer) -> None:
    page = "<html><head><style>p{color:red}</style></head><body><script>var a = 1;</script></body></html>"
    w.file("only-scripts", ".html", page.encode(), FAILURE, errors=("ExtractionError",))


def _rtl_zero_width(w: _Writer) -> None:
    s = w.story()
    marks = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202e", "\u2066", "\u2069", "\ufeff", "\u061c"]
    s.paragraphs = [" ".join(word + (w.rng.choice(marks) if w.rng.random() < 0.2 else "") for word in p.split(" "))
                    for p in s.paragraphs]
    s.paragraphs.append("\u05d4\u05d7\u05d3\u05e9\u05d5\u05ea \u05e9\u05dc \u05d4\u05d9\u05d5\u05dd, "
                        "\u0644\u0623\u062e\u0628\u0627\u0631 \u0627\u0644\u064a\u0648\u0645, the reporter wrote.")
    if w.rng.random() < 0.5:
        w.file("rtl-zero-width", ".txt", _txt(s).encode(), ARTICLE, check="offsets")
    else:
        w.file("rtl-zero-width", ".html", _html(s).encode(), ARTICLE, check="offsets")


INJECTIONS = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "<style>body{display:none}</style>",
              "</title><script>alert(1)</script>", "javascript:alert(1)", "{{7*7}} ${7*7} [/bold] [link=x]y[/link]"]


def _script_in_title(w: _Writer) -> None:
    s = w.story()
    injection = w.rng.choice(INJECTIONS)
    if w.rng.random() < 0.5:
        # in HTML, <title> holds raw text: the markup is the title's literal text
        w.file("script-in-title", ".html", _html(s, title=f"{s.title} {injection}").encode(), ARTICLE,
               check="offsets")
    else:
        line = _dumps(_record(s, title=f"{injection} {s.title}", author=injection, outlet=injection))
        w.jsonl("script-in-title", [(line, ARTICLE, (), "title-literal")])


def _url_credentials(w: _Writer) -> None:
    s = w.story()
    url = f"https://editor:hunter2-{w.serial}@example.org/news/{w.serial}?token=abc"
    w.jsonl("url-credentials", [(_dumps(_record(s, url=url)), ARTICLE, (), "url-safe")])


def _url_scheme(w: _Writer) -> None:
    s = w.story()
    url = w.rng.choice(["javascript:alert(document.cookie)", "file:///etc/passwd", "data:text/html,<script>x</script>",
                        "ftp://example.org/x", "  JaVaScRiPt:alert(1)", "vbscript:msgbox", "//evil.example/x",
                        "http://[::1]:80/", "mailto:someone@example.org"])
    w.jsonl("url-scheme", [(_dumps(_record(s, url=url)), ARTICLE, (), "url-safe")])


def _duplicate_ids(w: _Writer) -> None:
    lines = [(_dumps(_record(w.story(), id="same-id-everywhere")), ARTICLE, (), "offsets") for _ in range(3)]
    w.jsonl("duplicate-id", lines)


def _duplicate_content(w: _Writer) -> None:
    content = _txt(w.story()).encode()
    first = w.file("duplicate-content", ".txt", content, ARTICLE)
    copy = w.path("duplicate-content", ".txt", name=first.stem + "-copy.txt")
    copy.write_bytes(content)
    w.corpus.expected.append(Expected(str(copy), "duplicate-content", DUPLICATE, article_id(content)))


def _far_dates(w: _Writer) -> None:
    lines = []
    for value in ["0001-01-01", "9999-12-31", "1970-01-01T00:00:00Z", "2023-02-30", "2023-13-01",
                  "not a date", "99999-01-01", "-0001-01-01", "1969-12-31T23:59:59-12:00", "9999-12-31T23:59:59+14:00"]:
        if w.rng.random() < 0.5:
            lines.append((_dumps(_record(w.story(), date=value)), ARTICLE, (), "date-plausible"))
    s = w.story()
    lines.append((_dumps({"html": _html(s, date=w.rng.choice(["0001-01-01", "9999-12-31", "1970-01-01"])),
                          "title": s.title}), ARTICLE, (), "date-plausible"))
    w.jsonl("far-dates", lines)
    s = w.story()
    y = w.rng.choice(["0001", "9999", "1970"])
    text = _txt(s).replace(f"By {s.author} - ", f"By {s.author} - Jan 1, {y} - was ", 1)
    w.file("far-dates", ".txt", text.encode(), ARTICLE, check="date-plausible")


def _jsonl_broken(w: _Writer) -> None:
    good = _dumps(_record(w.story()))
    lines = [
        (good, ARTICLE, (), "offsets"),
        (good[: len(good) // 2], FAILURE, ("MalformedRecordError",), None),
        (b"[1, 2, 3]", FAILURE, ("MalformedRecordError",), None),
        (b"null", FAILURE, ("MalformedRecordError",), None),
        (b'"just a string"', FAILURE, ("MalformedRecordError",), None),
        (b'{"title": "no body at all"}', FAILURE, ("MalformedRecordError",), None),
        (b'{"text": 42}', FAILURE, ("MalformedRecordError", "ExtractionError"), None),
        (b"", SKIPPED, (), None),
        (b"   ", SKIPPED, (), None),
        (_dumps({"text": "Too short."}), FAILURE, ("ExtractionError",), None),
        (b'{"text": "bad \xff\xfe utf8 ' + b"word " * 30 + b'"}', EITHER, (), None),
        (b'{"text": "raw \x00 nul"}', FAILURE, ("BinaryInputError", "MalformedRecordError", "ExtractionError"), None),
        (b"{" * 5000 + b"}" * 5000, FAILURE, ("MalformedRecordError",), None),
        (b"\x1f\x8b\x08\x00" + bytes(40), FAILURE, ("BinaryInputError",), None),
    ]
    w.rng.shuffle(lines)
    lines.append((_dumps(_record(w.story())) + b"\r", ARTICLE, (), "offsets"))
    w.jsonl("jsonl-broken", lines)


def _escaped_controls(w: _Writer) -> None:
    """JSON escapes decode to characters that bytes-level checks never see: NUL, lone surrogates, ESC."""
    s = w.story()
    s.paragraphs[1] = s.paragraphs[1].replace(" ", " \u0000 ", 1).replace("the", "the \ud800", 1)
    record = _record(s, title=f"\u001b[2J\u001b]8;;https://evil.example\u0007{s.title}\ud83d")
    w.jsonl("escaped-controls", [(_dumps(record, ensure_ascii=True), EITHER, (), "clean-text")])


def _weird_names(w: _Writer) -> None:
    s = w.story()
    name = w.rng.choice(["[/bold] [link=javascript:x].txt", "-rf --db x.txt", "new\nline.txt", "sp ace\t.txt",
                         "\u202eevil\u202dtxt.txt", "caf\udce9-latin1.txt", ".." + "x" * 200 + ".txt"])
    try:
        w.file("weird-name", ".txt", _txt(s).encode(), ARTICLE, name=f"{w.serial}-{name}", check="offsets")
    except (OSError, UnicodeEncodeError):  # a file system that refuses the name: write an ordinary one
        w.file("weird-name", ".txt", _txt(s).encode(), ARTICLE, check="offsets")


def _gzip_truncated(w: _Writer) -> None:
    data = gzip.compress(_html(w.story()).encode(), mtime=0)
    suffix = w.rng.choice([".html.gz", ".warc.gz", ".jsonl.gz"])
    content = data[: w.rng.randint(10, len(data) - 5)]
    if suffix == ".warc.gz":
        # a WARC reader may keep the readable part of the record (an article named by its URI) or fail
        uri = f"https://example.org/warc/{w.serial}"
        record = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n".encode()
                  + b"Content-Length: 99999\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
                  + _html(w.story()).encode())
        w.file("truncated-gzip", suffix, gzip.compress(record, mtime=0)[:-30], SKIPPED)
        w.corpus.expected.append(Expected(uri, "truncated-gzip", EITHER))
        return
    if suffix == ".jsonl.gz":
        # the lines inflated before the break are read (here the one record, when the cut spares it);
        # the break itself is the file's failure
        line = _dumps(_record(w.story())) + b"\n"
        data = gzip.compress(line, mtime=0)
        path = w.file("truncated-gzip", suffix, data[: w.rng.randint(10, len(data) - 5)], FAILURE,
                      errors=("DecodeError",))
        w.corpus.expected.append(Expected(f"{path}#L1", "truncated-gzip", EITHER))
        return
    w.file("truncated-gzip", suffix, content, FAILURE, errors=("DecodeError",))


def _gzipped(w: _Writer) -> None:
    """Gzipped pages and JSONL, as crawls save them: read like the uncompressed files."""
    s = w.story()
    suffix = w.rng.choice([".html.gz", ".htm.gz", ".txt.gz"])
    text = (_txt(s) if suffix == ".txt.gz" else _html(s)).encode()
    path = w.file("gzipped", suffix, gzip.compress(text, mtime=0), ARTICLE, check="offsets")
    # the article id is the hash of the inflated bytes: the same page saved plain is the same article
    w.corpus.expected[-1] = Expected(str(path), "gzipped", ARTICLE, article_id(text), (), "offsets")
    line = _dumps(_record(w.story()))
    jsonl = w.file("gzipped", ".jsonl.gz", gzip.compress(line + b"\n", mtime=0), SKIPPED)
    w.corpus.expected[-1] = Expected(f"{jsonl}#L1", "gzipped", ARTICLE, article_id(line), (), "offsets")


def _gzip_as_html(w: _Writer) -> None:
    w.file("gzip-as-html", ".html", gzip.compress(_html(w.story()).encode(), mtime=0), FAILURE,
           errors=("BinaryInputError", "DecodeError"))


# -- heavy cases: a few per corpus --------------------------------------------------------------

def _big_page(w: _Writer, sizes: Sizes) -> None:
    """A page over ingest.max_bytes, written sparsely (holes read as NUL) so it costs no disk."""
    path = w.path("big-page", ".html")
    head = _html(w.story()).encode()
    with path.open("wb") as handle:
        handle.write(head)
        handle.seek(sizes.big_page_bytes - 16)
        handle.write(b"</html>\n" + b" " * 8)
    w.corpus.expected.append(Expected(str(path), "big-page", FAILURE, None, ("TooLargeError", "BinaryInputError")))


def _deep_nesting(w: _Writer, sizes: Sizes) -> None:
    s = w.story()
    body = "<div>" * sizes.nest_depth + "".join(f"<p>{p}</p>" for p in s.paragraphs) + "</div>" * sizes.nest_depth
    w.file("deep-nesting", ".html", _html(s, body_prefix=body).encode(), EITHER)
    unclosed = "<b><i><span>" * (sizes.nest_depth // 3) + " ".join(s.paragraphs)
    w.file("deep-nesting", ".html", f"<html><body>{unclosed}".encode(), EITHER)


def _huge_attribute(w: _Writer, sizes: Sizes) -> None:
    value = "A" * sizes.huge_attribute_bytes
    w.file("huge-attribute", ".html", _html(w.story(), attrs=f' data-x="{value}" class="{value[:1000]}"').encode(),
           EITHER)


def _gzip_bomb(w: _Writer, sizes: Sizes) -> None:
    """A small .gz that inflates to ``bomb_bytes`` (compressed in chunks so writing it stays cheap)."""
    path = w.path("gzip-bomb", ".html.gz")
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"<div>" + b" " * (1024 * 1024 - 5)
    with path.open("wb") as handle:
        for _ in range(sizes.bomb_bytes // len(chunk) + 1):  # just over bomb_bytes
            handle.write(compressor.compress(chunk))
        handle.write(compressor.flush())
    # inflated only up to ingest.max_bytes: over it, refused; under it, a page of empty divs without text
    w.corpus.expected.append(Expected(str(path), "gzip-bomb", FAILURE, None, ("TooLargeError", "ExtractionError")))


def _symlink_loop(w: _Writer) -> None:
    folder = w.path("symlink-loop", "")
    folder.mkdir(exist_ok=True)
    try:
        os.symlink("..", folder / "loop")
    except (OSError, NotImplementedError):
        return


VALID_CASES: list[Callable[[_Writer], None]] = [_valid_txt, _valid_html, _valid_jsonl]
HOSTILE_CASES: list[Callable[[_Writer], None]] = [
    _empty, _whitespace, _binary, _nul_bytes, _utf16_no_bom, _utf16_with_bom, _latin1_declared_utf8, _mixed_encoding,
    _undecodable, _too_short, _only_scripts, _rtl_zero_width, _script_in_title, _url_credentials, _url_scheme,
    _duplicate_ids, _duplicate_content, _far_dates, _jsonl_broken, _escaped_controls, _weird_names, _gzip_truncated,
    _gzip_as_html, _gzipped,
]
HEAVY_CASES: list[Callable[[_Writer, Sizes], None]] = [_big_page, _deep_nesting, _huge_attribute, _gzip_bomb]


def generate_corpus(root: Path, n: int, seed: int = 0, sizes: Sizes | None = None,
                    hostile_share: float = 0.4) -> FuzzCorpus:
    """Write about ``n`` inputs under ``root`` and return what the pipeline must make of each.

    Args:
        root: an empty folder.
        n: number of inputs to write (JSONL lines count one each; the last case may overshoot a little).
        seed: the same seed writes the same bytes.
        sizes: heavy case sizes (defaults: the full stress sizes).
        hostile_share: share of cases that are hostile; every hostile case appears at least once.
    """
    sizes = sizes or Sizes()
    rng = random.Random(seed)
    w = _Writer(root, rng)
    for heavy in HEAVY_CASES:
        for _ in range(max(1, n // sizes.heavy_every)):
            heavy(w, sizes)
    _symlink_loop(w)
    for case in HOSTILE_CASES:
        case(w)
    while len(w.corpus.expected) < n:
        if rng.random() < hostile_share:
            rng.choice(HOSTILE_CASES)(w)
        else:
            rng.choice(VALID_CASES)(w)
    return w.corpus


# -- checking a store against the expectations -------------------------------------------------

_CONTROL_OR_SURROGATE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")


def _check_article(e: Expected, article: Article) -> str | None:
    if e.check == "url-safe":
        if article.url is not None:
            parts = urlsplit(article.url)
            if parts.scheme not in ("http", "https") or "@" in parts.netloc:
                return f"{e.origin}: unsafe url stored: {article.url!r}"
        if "hunter2" in repr(article):
            return f"{e.origin}: URL credentials stored in the article"
    if e.check == "title-literal" and (not article.title or not any(i in article.title for i in INJECTIONS)):
        return f"{e.origin}: title not kept as literal text: {article.title!r}"
    if e.check == "date-plausible" and article.date is not None and not 1800 <= article.date.day.year <= 2100:
        return f"{e.origin}: implausible date stored: {article.date.value}"
    if e.check == "clean-text":
        for name in ("text", "title", "outlet"):
            value = getattr(article, name) or ""
            if _CONTROL_OR_SURROGATE.search(value):
                return f"{e.origin}: control character or lone surrogate in {name}"
    return None


def verify(corpus: FuzzCorpus, store: Store, readable_suffixes: Iterable[str]) -> tuple[list[str], dict[str, int]]:
    """Compare a store holding an ingested corpus with the expectations.

    Args:
        corpus: what was generated.
        store: where it was ingested.
        readable_suffixes: file suffixes the ingest reads (a "skipped" file of such a type must fail instead).

    Returns:
        ``(problems, failures by error type)``; no problems means every guarantee held: every valid
        input stored exactly once, every bad input a failure naming it, nothing else stored.
    """
    readable = {s.lower() for s in readable_suffixes}
    articles = {a.id: a for a in store.articles()}
    failures: dict[str, list[Failure]] = {}
    for f in store.failures():
        failures.setdefault(f.origin, []).append(f)
    problems: list[str] = []
    expected_ids: set[str] = set()
    expected_origins: set[str] = set()
    by_origin = {a.origin: a.id for a in articles.values()}
    for e in corpus.expected:
        if e.article_id is None and e.outcome == EITHER and e.origin in by_origin:
            e = Expected(e.origin, e.case, e.outcome, by_origin[e.origin])  # the id is known once stored
        stored = e.article_id in articles if e.article_id else False
        failed = failures.get(e.origin, [])
        expected_origins.add(e.origin)
        if e.article_id:
            expected_ids.add(e.article_id)
        if e.outcome in (ARTICLE, DUPLICATE) and not stored:
            reasons = "; ".join(f.message for f in failed)[:300]
            problems.append(f"{e.case} {e.origin}: valid input not stored ({reasons or 'no failure either'})")
        elif e.outcome == ARTICLE and failed:
            problems.append(f"{e.case} {e.origin}: stored and also failed")
        elif e.outcome == FAILURE and not failed:
            problems.append(f"{e.case} {e.origin}: bad input has no failure row"
                            + (" (it was stored as an article)" if stored else ""))
        elif e.outcome == FAILURE and e.error_types and failed[0].error_type not in e.error_types:
            problems.append(f"{e.case} {e.origin}: failed as {failed[0].error_type}, expected one of "
                            f"{e.error_types}: {failed[0].message[:200]}")
        elif e.outcome == EITHER and stored == bool(failed) and (stored or e.article_id):
            state = "both stored and failed" if stored else "neither stored nor failed"
            problems.append(f"{e.case} {e.origin}: {state}")
        elif e.outcome == SKIPPED and Path(e.origin.split("#L")[0]).suffix.lower() in readable and not failed:
            problems.append(f"{e.case} {e.origin}: a readable file type was neither stored nor failed")
        if stored and e.outcome in (SKIPPED, FAILURE):
            problems.append(f"{e.case} {e.origin}: bad input stored as an article")
        for f in failed:
            name = Path(f.origin.split("#L")[0]).name
            if not f.message or not f.error_type or (name not in f.message and f.stage != "ingest"):
                problems.append(f"{e.case} {e.origin}: failure does not name its input and reason: {f.message!r}")
        if stored:
            problem = _check_article(e, articles[e.article_id])  # type: ignore[index]
            if problem:
                problems.append(problem)
    problems.extend(f"article {a} ({articles[a].origin}) matches no generated input"
                    for a in sorted(set(articles) - expected_ids))
    problems.extend(f"failure for {o} matches no generated input" for o in sorted(set(failures) - expected_origins))
    by_type: dict[str, int] = {}
    for fs in failures.values():
        for f in fs:
            by_type[f.error_type] = by_type.get(f.error_type, 0) + 1
    return problems, dict(sorted(by_type.items()))


# Columns that record when something happened (or a row number): they differ between two correct
# runs, so they are left out of the comparison; every other column of every table must match.
_VOLATILE_COLUMNS = frozenset({"id", "created_at", "updated_at", "ingested_at", "fetched_at", "added_at", "seen_at",
                               "last_attempt", "last_success", "next_attempt"})
# the row id of these tables is the deterministic key itself (not an insertion counter)
_ID_IS_KEY = frozenset({"articles", "stories", "storylines", "entities"})


def store_contents(db: Path) -> dict[str, list]:
    """What a finished run must reproduce: every table's rows, less timestamps and insertion counters.

    Covers documents, articles, failures, stories, summaries and citations, the clusterer's state
    and term statistics, storylines with their history and links, the provenance index (documents,
    band keys, pairs with alignments) and the NLP tables (annotations, entities, mentions, stances).
    """
    with Store(db) as store:
        tables = [r[0] for r in store.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'articles_fts%' ORDER BY name")]
        contents: dict[str, list] = {}
        for table in tables:
            columns = [r[1] for r in store.db.execute(f"PRAGMA table_info({table})")
                       if r[1] not in _VOLATILE_COLUMNS or (r[1] == "id" and table in _ID_IS_KEY)]
            if table == "raw_documents":  # the bytes are named by sha256; no need to hold them all
                columns.remove("content")
            if table == "meta":  # how many clustering passes were stored depends on where a run was killed
                rows = store.db.execute("SELECT key, value FROM meta WHERE key != 'clustering_generation'")
            else:
                rows = store.db.execute(f"SELECT {', '.join(columns)} FROM {table}")
            contents[table] = sorted(tuple(r) for r in rows)
        return contents


def contents_diff(got: dict[str, list], expected: dict[str, list]) -> list[str]:
    """Describe how two ``store_contents`` differ (table, rows missing and extra), for test messages."""
    diff = []
    for table in sorted(set(got) | set(expected)):
        mine, theirs = set(got.get(table, [])), set(expected.get(table, []))
        if mine != theirs:
            diff.append(f"{table}: {len(theirs - mine)} rows missing, {len(mine - theirs)} extra "
                        f"(e.g. missing {sorted(theirs - mine, key=repr)[:1]!r:.300}, "
                        f"extra {sorted(mine - theirs, key=repr)[:1]!r:.300})")
    return diff
