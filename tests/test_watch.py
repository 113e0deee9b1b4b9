"""Watch mode: only new items, incremental stories, failing sources backed off (watch.py, store/sources.py)."""

from __future__ import annotations

import doctest
import json
import shutil
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from storyline import Pipeline, StorylineConfig
from storyline import watch as watch_module
from storyline.cli import app
from storyline.cli import sources as cli_sources
from storyline.ingest import HttpFetcher, Source, classify
from storyline.store import source_health
from tests.news_site import Reply, rss, write_warc


class FakeTime:
    """A clock that only moves when the watcher sleeps."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
        self.slept: list[float] = []

    def clock(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)


def watch_config(every: float = 900, base: float = 1800, cap: float = 7200) -> StorylineConfig:
    return (StorylineConfig()
            .replace("fetch", allow_networks=("127.0.0.1/32",), timeout_seconds=0.5, max_redirects=2,
                     host_interval_seconds=0)
            .replace("watch", every_seconds=every, backoff_base_seconds=base, backoff_max_seconds=cap))


def make_watcher(store, sources, config, fake):
    fetcher = HttpFetcher(config.fetch)
    return fetcher, watch_module.Watcher(Pipeline(store, config), sources, fetcher, clock=fake.clock,
                                         sleep=fake.sleep)


def test_doctests():
    for module in (watch_module, cli_sources):
        assert doctest.testmod(module).failed == 0


def test_watching_a_feed_twice_ingests_each_item_once(tmp_store, news_site):
    fake = FakeTime()
    config = watch_config()
    feed = f"{news_site.base}/plain-feed.xml"  # no validators: only the seen entry ids prevent re-ingesting
    cycles = []
    fetcher, watcher = make_watcher(tmp_store, [classify(feed)], config, fake)
    with fetcher:
        assert watcher.run(cycles=2, on_cycle=cycles.append) == 2
        assert [len(c.report.ingested) for c in cycles] == [3, 0]
        assert cycles[1].report.duplicates == 0 and cycles[1].polled == [feed]
        assert news_site.hits("/plain-feed.xml") == 2 and news_site.hits("/articles/a1.html") == 1
        # one wait between the two cycles: the interval counts from the start of the first cycle
        assert len(fake.slept) == 1 and 800 < fake.slept[0] <= 900
        assert cycles[0].report.stories and not cycles[1].report.stories
        assert tmp_store.count_articles() == 3

        # a new entry appears (pointing, through a redirect, at a page already stored): only it is fetched
        news_site.routes["/plain-feed.xml"] = lambda _h: Reply(
            body=rss(news_site.base, ["a2", "a1", "a3"]).replace(b"tc-a2", b"tc-a2-update").replace(
                b"/articles/a2.html", b"/redirect-ok"), headers={"Content-Type": "text/xml"})
        third = watcher.run_cycle()
    assert (third.report.ingested, third.report.duplicates, third.report.failed) == ([], 1, 0)
    assert news_site.hits("/redirect-ok") == 1 and news_site.hits("/articles/a1.html") == 1


def test_a_failing_source_is_recorded_and_backed_off_while_others_carry_on(tmp_store, news_site, tmp_path):
    fake = FakeTime()
    config = watch_config(every=900, base=1800, cap=3600)
    good, bad = f"{news_site.base}/feed.xml", f"{news_site.base}/news/feed.xml"  # the second answers 404
    fetcher, watcher = make_watcher(tmp_store, [classify(good), classify(bad)], config, fake)
    with fetcher:
        first = watcher.run_cycle()
        assert len(first.report.ingested) == 3 and first.failed_sources == [bad]
        health = source_health(tmp_store, bad)
        assert (health.failures, health.last_success) == (1, None) and "HTTP 404" in health.last_error
        assert health.next_attempt == (fake.now + timedelta(seconds=1800)).isoformat()
        assert any(f.origin == bad and "HTTP 404" in f.message for f in tmp_store.failures())

        fake.sleep(900)
        second = watcher.run_cycle()
        assert second.backing_off == [bad] and second.polled == [good]

        fake.sleep(900)
        third = watcher.run_cycle()  # 1800 s after the failure: tried again, fails again, waits longer
        assert third.polled == sorted([good, bad]) and third.failed_sources == [bad]
        assert source_health(tmp_store, bad).failures == 2
        assert source_health(tmp_store, bad).next_attempt == (fake.now + timedelta(seconds=3600)).isoformat()

        news_site.routes["/news/feed.xml"] = news_site.routes["/feed.xml"]  # the source recovers
        fake.sleep(3600)
        fourth = watcher.run_cycle()
        assert fourth.failed_sources == [] and fourth.report.ingested == []  # same items: already seen
        recovered = source_health(tmp_store, bad)
        assert (recovered.failures, recovered.next_attempt, recovered.last_error) == (0, None, None)
        assert recovered.last_success == fake.now.isoformat()
    assert source_health(tmp_store, good).failures == 0


def test_watching_a_directory_reads_only_new_or_changed_files(tmp_store, demo_dir, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    files = sorted(p for p in demo_dir.iterdir() if p.suffix in (".txt", ".html"))
    for path in files[:3]:
        shutil.copy(path, folder / path.name)
    fake = FakeTime()
    watcher = watch_module.Watcher(Pipeline(tmp_store, watch_config()), [Source("path", str(folder))],
                                   clock=fake.clock, sleep=fake.sleep)
    first = watcher.run_cycle()
    assert len(first.report.ingested) + first.report.failed == 3
    second = watcher.run_cycle()
    assert (second.report.ingested, second.report.duplicates, second.report.failed) == ([], 0, 0)
    shutil.copy(files[3], folder / files[3].name)
    third = watcher.run_cycle()
    assert len(third.report.ingested) + third.report.failed == 1 and third.report.duplicates == 0
    write_warc(folder / "crawl-0001.warc.gz", gzip=True)  # a crawler drops a WARC file in the folder
    fourth = watcher.run_cycle()
    assert (len(fourth.report.ingested), fourth.report.failed) == (2, 0)
    assert watcher.run_cycle().report.ingested == []
    missing = watch_module.Watcher(Pipeline(tmp_store, watch_config()), [Source("path", str(tmp_path / "gone"))],
                                   clock=fake.clock, sleep=fake.sleep).run_cycle()
    assert missing.failed_sources == [str(tmp_path / "gone")]
    assert "no such file or directory" in missing.report.failures[0].message


def test_cli_watch_runs_bounded_cycles_and_lists_sources(tmp_path, news_site):
    runner = CliRunner()
    db = str(tmp_path / "watch.db")
    config = tmp_path / "watch.toml"  # a TOML config reaches the fetcher: no politeness wait, loopback allowed
    config.write_text('[fetch]\nhost_interval_seconds = 0\nallow_networks = ["127.0.0.1/32"]\n')
    result = runner.invoke(app, ["watch", f"{news_site.base}/feed.xml", "--every", "0s", "--cycles", "2",
                                 "--config", str(config), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    decoder, cycles, text = json.JSONDecoder(), [], result.output.strip()
    while text:
        value, end = decoder.raw_decode(text)
        cycles.append(value)
        text = text[end:].strip()
    assert [len(c["ingested"]) for c in cycles] == [3, 0]
    listing = runner.invoke(app, ["sources", "--db", db, "--json"])
    (row,) = json.loads(listing.output)
    assert (row["ref"], row["kind"], row["failures"], row["seen_items"]) == (f"{news_site.base}/feed.xml",
                                                                             "url", 0, 3)
    plain = runner.invoke(app, ["watch", f"{news_site.base}/missing", "--every", "1s", "--cycles", "1",
                                "--allow-private", "--db", db])
    assert plain.exit_code == 0 and "0 ingested, 1 failed" in plain.output
    bad_every = runner.invoke(app, ["watch", "x", "--every", "soon", "--db", db])
    assert bad_every.exit_code != 0 and "not a duration" in bad_every.output
