"""Sources end to end: a local news site (feeds, pages, bad cases), WARC files, URL lists, the CLI."""

from __future__ import annotations

import doctest
import json

import pytest
from typer.testing import CliRunner

from storyline import Pipeline, StorylineConfig
from storyline.cli import app
from storyline.errors import BlockedAddressError
from storyline.ingest import HttpFetcher, Source, classify, parse_feed, read_url_list
from storyline.ingest import sources as sources_module
from storyline.ingest import warc as warc_module
from storyline.store import source_health
from tests.news_site import ARTICLES, write_warc

LOCAL = ("127.0.0.1/32",)  # the test site lives on loopback: let exactly that through the guard


def site_config(**fetch) -> StorylineConfig:
    settings = {"allow_networks": LOCAL, "timeout_seconds": 0.5, "max_bytes": 200_000, "max_redirects": 3,
                "host_interval_seconds": 0} | fetch
    return StorylineConfig().replace("fetch", **settings)


def run(store, sources, config=None, **kwargs):
    config = config or site_config()
    with HttpFetcher(config.fetch) as fetcher:
        return Pipeline(store, config).ingest_sources(sources, fetcher, **kwargs)


def test_doctests():
    for module in (sources_module, warc_module):
        assert doctest.testmod(module).failed == 0


def test_feed_items_ingested_and_every_bad_case_is_a_clear_failure(tmp_store, news_site, tmp_path):
    base = news_site.base
    bad = {"/redirect-private": "refused to fetch from 169.254.169.254: a cloud metadata address",
           "/redirect-ten": "10.0.0.8: a private address",
           "/missing": "HTTP 404",
           "/slow": "timed out",
           "/huge": "too large (300,007 bytes announced",
           "/huge-stream": "download stopped",
           "/image.png": "wrong content type 'image/png'",
           "/loop": "too many redirects"}
    url_list = tmp_path / "urls.txt"
    url_list.write_text("# pages and feeds\n\n" + f"{base}/feed.xml\n" +
                        "".join(f"{base}{path}   # bad case\n" for path in bad), encoding="utf-8")
    report = run(tmp_store, [Source("urls", str(url_list))])

    assert len(report.ingested) == 3
    articles = {a.url: a for a in tmp_store.articles()}
    for key, (title, published, _paragraphs) in ARTICLES.items():
        article = articles[f"{base}/articles/{key}.html"]
        assert article.title == title
        assert article.date is not None and article.date.value.startswith(published.date().isoformat())
        assert "walked out" in article.text or "talks" in article.text or "Flood warnings" in article.text
    messages = {f.origin: f.message for f in tmp_store.failures()}
    for path, expected in bad.items():
        assert expected in messages[f"{base}{path}"], messages.get(f"{base}{path}")
    assert {f.stage for f in report.failures} == {"fetch"}
    assert report.failed == len(bad)
    assert news_site.hits("/latest/meta-data/") == 0
    assert report.stories  # the new articles were clustered


def test_loopback_is_refused_without_allow_private(tmp_store, news_site):
    config = StorylineConfig()
    with HttpFetcher(config.fetch) as fetcher, pytest.raises(BlockedAddressError, match="loopback"):
        fetcher.fetch(f"{news_site.base}/articles/a1.html", accept=config.fetch.page_types)
    report = run(tmp_store, [classify(f"{news_site.base}/feed.xml")], config)
    assert report.ingested == [] and "refused to fetch from 127.0.0.1" in report.failures[0].message
    assert news_site.requests == []  # nothing ever reached the server


def test_host_names_connect_to_the_resolved_address(news_site):
    # "news.test" exists only in this resolver: the page can come back only if the connection went
    # to the address the guard vetted (with the Host header still naming the site)
    config = StorylineConfig().replace("fetch", allow_private=True)
    port = news_site.base.rsplit(":", 1)[1]
    with HttpFetcher(config.fetch, resolver=lambda host, _port: {"news.test": ["127.0.0.1"]}[host]) as fetcher:
        page = fetcher.fetch(f"http://news.test:{port}/redirect-ok", accept=("text/html",))
    assert page.final_url == f"http://news.test:{port}/articles/a2.html"
    assert b"second day" in page.content
    assert news_site.requests[-1][1]["host"] == f"news.test:{port}"
    with HttpFetcher(StorylineConfig().fetch, resolver=lambda host, _port: ["127.0.0.1"]) as fetcher, \
            pytest.raises(BlockedAddressError, match=r"news.test \(127.0.0.1\): a loopback address"):
        fetcher.fetch(f"http://news.test:{port}/articles/a1.html", accept=("text/html",))


def test_feed_conditional_get_and_seen_entries(tmp_store, news_site):
    first = run(tmp_store, [classify(f"{news_site.base}/feed.xml")])
    assert len(first.ingested) == 3
    assert source_health(tmp_store, f"{news_site.base}/feed.xml").seen_items == 3
    second = run(tmp_store, [classify(f"{news_site.base}/feed.xml")])
    assert (second.ingested, second.duplicates, second.failures) == ([], 0, [])
    feed_requests = [headers for path, headers in news_site.requests if path == "/feed.xml"]
    assert feed_requests[-1]["if-none-match"] == '"feed-v1"'
    assert feed_requests[-1]["if-modified-since"] == "Sat, 21 Nov 2026 09:30:00 GMT"

    # a feed without validators is fetched again, but its entries are not
    run(tmp_store, [classify(f"{news_site.base}/plain-feed.xml")])
    before = news_site.hits("/articles/a1.html")
    again = run(tmp_store, [classify(f"{news_site.base}/plain-feed.xml")])
    assert again.ingested == [] and news_site.hits("/articles/a1.html") == before


def test_failed_feed_entries_are_retried_only_when_the_failure_may_pass(tmp_store, news_site):
    base = news_site.base
    feed = (f'<rss version="2.0"><channel><title>T</title>'
            f"<item><title>Gone</title><link>{base}/missing</link><guid>gone</guid></item>"
            f"<item><title>Slow</title><link>{base}/slow</link><guid>slow</guid></item>"
            f"<item><title>Good</title><link>{base}/articles/a3.html</link><guid>good</guid></item>"
            "</channel></rss>").encode()
    news_site.routes["/mixed.xml"] = lambda _h: __import__("tests.news_site").news_site.Reply(
        body=feed, headers={"Content-Type": "application/rss+xml", "ETag": '"m1"'})
    report = run(tmp_store, [classify(f"{base}/mixed.xml")])
    assert len(report.ingested) == 1 and report.failed == 2
    state = source_health(tmp_store, f"{base}/mixed.xml")
    assert state.seen_items == 2  # the 404 (final) and the good page; the timeout will be retried
    run(tmp_store, [classify(f"{base}/mixed.xml")])
    assert news_site.hits("/slow") == 2 and news_site.hits("/missing") == 1
    # a retry is pending, so the feed's ETag was not kept: no conditional request was made
    assert all("if-none-match" not in h for p, h in news_site.requests if p == "/mixed.xml")


def test_charset_from_the_http_header_reaches_decoding(tmp_store, news_site):
    report = run(tmp_store, [classify(f"{news_site.base}/latin1.html")])
    article = tmp_store.article(report.ingested[0])
    assert "Le café du port reste ouvert à tous." in article.text
    metadata = json.loads(tmp_store.db.execute("SELECT metadata FROM raw_documents").fetchone()[0])
    assert metadata["charset"] == "iso-8859-1"


@pytest.mark.parametrize("name, gzip", [("crawl.warc", False), ("crawl.warc.gz", True)])
def test_warc_responses_are_ingested_with_their_urls_and_dates(tmp_store, tmp_path, name, gzip):
    expected = write_warc(tmp_path / name, gzip)
    report = Pipeline(tmp_store).ingest_sources([classify(str(tmp_path / name))])
    assert (len(report.ingested), report.failed) == (2, 0)
    rows = {r["origin"]: r for r in tmp_store.db.execute("SELECT origin, fetched_at, metadata FROM raw_documents")}
    for article in tmp_store.articles():
        assert article.url in expected and article.origin == article.url
        row = rows[article.url]
        assert row["fetched_at"] == expected[article.url].replace("Z", "+00:00")
        assert json.loads(row["metadata"])["warc_date"] == expected[article.url]


def test_damaged_warc_files_fail_without_losing_what_was_read(tmp_store, tmp_path):
    path = tmp_path / "broken.warc.gz"
    write_warc(path, gzip=True)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # cut mid-record: the records before the cut are kept
    garbage = tmp_path / "garbage.warc"
    garbage.write_bytes(b"this is not a WARC file\r\n" * 4)
    report = Pipeline(tmp_store).ingest_sources([classify(str(path)), classify(str(garbage))])
    assert len(report.ingested) == 1
    assert [f.origin for f in report.failures] == [str(path), str(garbage)]
    assert all(f.message.startswith(f"{f.origin}: damaged WARC file") for f in report.failures)


@pytest.mark.parametrize("gzip", [True, False])
def test_a_truncated_warc_is_a_recorded_failure_not_silence(tmp_store, tmp_path, gzip):
    whole = tmp_path / ("whole.warc.gz" if gzip else "whole.warc")
    write_warc(whole, gzip=gzip)
    data = whole.read_bytes()
    # where the second article capture starts: cut inside it, and just before the file's end
    second = data.index(b"flood.html") if not gzip else len(data) * 3 // 5
    for name, cut in (("mid", second + 40), ("end", len(data) - 10)):
        path = tmp_path / f"{name}-{whole.name}"
        path.write_bytes(data[:cut])
        report = Pipeline(tmp_store).ingest_sources([classify(str(path))])
        assert [f.origin for f in report.failures] == [str(path)], name
        message = report.failures[0].message
        assert message.startswith(f"{path}: damaged WARC file") and ("truncated" in message or "ends" in message)
        assert any(f.origin == str(path) for f in tmp_store.failures())  # a stored Failure row
    assert len(tmp_store.articles()) >= 1  # the records before the cut were kept


def test_url_lists_and_classify(tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text("# comment\n\nhttps://a.test/x#frag\nhttps://b.test/y   # note\nhttps://a.test/x#frag\n")
    assert read_url_list(listing) == ["https://a.test/x#frag", "https://b.test/y"]
    assert [classify(a).kind for a in ("HTTP://X.TEST/", "a.WARC.GZ", "dir/", "x.html")] == [
        "url", "warc", "path", "path"]


def test_atom_entries_with_inline_content_and_relative_links():
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title>Hollin Weekly</title>
      <entry><id>urn:hw:1</id><title>Hoard found</title><link href="/2026/hoard.html"/>
        <updated>2026-11-18T12:00:00Z</updated></entry>
      <entry><id>urn:hw:2</id><title>Inline only</title><updated>2026-11-17T07:45:00+01:00</updated>
        <content type="html">&lt;p&gt;Full text in the feed.&lt;/p&gt;</content></entry>
    </feed>"""
    feed = parse_feed(atom, "https://hollin.test/feeds/atom.xml")
    assert feed.title == "Hollin Weekly"
    first, second = feed.entries
    assert (first.id, first.link, first.published) == ("urn:hw:1", "https://hollin.test/2026/hoard.html",
                                                       "2026-11-18T12:00:00+00:00")
    assert second.link is None and "Full text" in second.content and second.published == "2026-11-17T06:45:00+00:00"


def test_cli_ingests_urls_warc_and_url_lists(tmp_path, news_site):
    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    refused = runner.invoke(app, ["ingest", f"{news_site.base}/articles/a1.html", "--db", db])
    assert refused.exit_code == 0 and "0 ingested, 1 failed" in refused.output
    listing = tmp_path / "urls.txt"
    listing.write_text(f"{news_site.base}/articles/a1.html\n{news_site.base}/missing\n")
    write_warc(tmp_path / "crawl.warc.gz", gzip=True)
    fast = tmp_path / "fast.toml"
    fast.write_text("[fetch]\nhost_interval_seconds = 0\n")
    result = runner.invoke(app, ["ingest", str(tmp_path / "crawl.warc.gz"), "--urls", str(listing),
                                 "--allow-private", "--db", db, "--json", "--config", str(fast)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    # the strike page from the list has the same bytes as its WARC capture: stored once
    assert (len(data["ingested"]), data["duplicates"]) == (2, 1)
    assert [f["message"] for f in data["failures"]] == [f"{news_site.base}/missing: HTTP 404 Not Found"]
    failures = runner.invoke(app, ["failures", "--db", db, "--json"])
    assert "refused to fetch from 127.0.0.1" in failures.output
    nothing = runner.invoke(app, ["ingest", "--db", db])
    assert nothing.exit_code != 0 and "at least one" in nothing.output


def test_feed_entries_without_links_are_read_from_their_inline_content(tmp_store, news_site):
    from tests.news_site import ARTICLES

    paragraphs = "".join(f"&lt;p&gt;{p}&lt;/p&gt;" for p in ARTICLES["a3"][2])
    atom = (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Valmora Herald</title><entry><id>urn:vh:flood</id><title>Flood warning lifted</title>"
            f'<updated>2026-11-19T18:00:00Z</updated><content type="html">{paragraphs}</content></entry>'
            "</feed>").encode()
    news_site.routes["/atom.xml"] = lambda _h: __import__("tests.news_site").news_site.Reply(
        body=atom, headers={"Content-Type": "application/atom+xml"})
    report = run(tmp_store, [classify(f"{news_site.base}/atom.xml")])
    (article,) = tmp_store.articles(report.ingested)
    assert article.origin == f"{news_site.base}/atom.xml#urn:vh:flood"
    assert article.title == "Flood warning lifted" and article.date.value.startswith("2026-11-19")
    assert "river Estra" in article.text


def test_sitemaps_and_sitemap_indexes_are_read_like_feeds(tmp_store, news_site):
    from storyline.ingest import sitemaps
    from tests.news_site import Reply

    assert doctest.testmod(sitemaps).failed == 0
    base = news_site.base
    urlset = (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
              f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
              f"<url><loc>{base}/articles/a1.html</loc><news:news><news:publication_date>2026-11-20T08:15:00Z"
              f"</news:publication_date><news:title>Cranes idle in Tessen</news:title></news:news></url>"
              f"<url><loc>{base}/articles/a2.html</loc><lastmod>2026-11-21</lastmod></url></urlset>").encode()
    index = (f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<sitemap><loc>{base}/news-sitemap.xml</loc></sitemap>"
             f"<sitemap><loc>{base}/gone-sitemap.xml</loc></sitemap></sitemapindex>").encode()
    news_site.routes["/news-sitemap.xml"] = lambda _h: Reply(body=urlset, headers={"Content-Type": "application/xml"})
    news_site.routes["/sitemap.xml"] = lambda _h: Reply(body=index, headers={"Content-Type": "text/xml"})
    report = run(tmp_store, [classify(f"{base}/sitemap.xml")])
    assert len(report.ingested) == 2
    assert [f.origin for f in report.failures] == [f"{base}/gone-sitemap.xml"]
    by_url = {a.url: a for a in tmp_store.articles()}
    assert by_url[f"{base}/articles/a1.html"].title == "Cranes idle in Tessen"
    assert by_url[f"{base}/articles/a2.html"].date.value.startswith("2026-11-21")
    again = run(tmp_store, [classify(f"{base}/sitemap.xml")])
    assert again.ingested == [] and news_site.hits("/articles/a1.html") == 1


def test_malformed_feed_is_a_failure_of_that_source(tmp_store, news_site):
    from tests.news_site import Reply

    news_site.routes["/bad.xml"] = lambda _h: Reply(body=b"<html><body>not a feed</body></html>",
                                                    headers={"Content-Type": "application/xml"})
    report = run(tmp_store, [classify(f"{news_site.base}/bad.xml"), classify(f"{news_site.base}/articles/a1.html")])
    assert len(report.ingested) == 1
    assert report.failures[0].message.startswith(f"{news_site.base}/bad.xml: not an RSS or Atom feed")


def test_an_upload_and_the_same_jsonl_file_split_into_the_same_documents(tmp_path):
    from storyline.config import IngestConfig
    from storyline.ingest import read_jsonl_bytes, read_paths

    config = IngestConfig(max_bytes=200)
    content = (b'{"text": "First record."}\r\n\n   \n{"text": "' + b"x" * 300 + b'"}\n'
               b'{"text": "Third, no final newline."}')
    path = tmp_path / "batch.jsonl"
    path.write_bytes(content)
    from_file = list(read_paths([path], config))
    uploaded = list(read_jsonl_bytes("upload:batch.jsonl", content, config))
    assert [type(d).__name__ for d in uploaded] == [type(d).__name__ for d in from_file] == [
        "RawDocument", "Failure", "RawDocument"]
    assert [d.origin.rsplit("#", 1)[1] for d in uploaded] == [d.origin.rsplit("#", 1)[1] for d in from_file] == [
        "L1", "L4", "L5"]
    assert [d.sha256 for d in uploaded if hasattr(d, "content")] == [d.sha256 for d in from_file
                                                                     if hasattr(d, "content")]
    assert uploaded[0].content == b'{"text": "First record."}'
    assert uploaded[0].metadata == {"upload": "upload:batch.jsonl", "line": "1"}
    assert from_file[0].metadata == {"path": str(path), "line": "1"}
    assert "over the limit of 200" in uploaded[1].message
