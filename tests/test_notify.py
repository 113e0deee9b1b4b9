"""Alerts from ``storyline watch --notify URL``: a JSON message to a local webhook when a followed storyline
gains a story or a significant update; failures recorded, retried, never stopping the watch."""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline import Pipeline, Store, StorylineConfig
from storyline.cli import app
from storyline.ingest import HttpFetcher, Source
from storyline.notify import Notifier
from storyline.store.queries import story_page
from storyline.watch import Watcher

STRIKE_UPDATE = (
    "Dockworkers at the Port of Valmora stayed off the job as the strike over pay and automation went on, "
    "with container cranes idle and ships waiting at anchor outside Corvania's busiest harbour. The Valmora "
    "Dockworkers' Union is seeking a 12 percent wage increase and guarantees on jobs at Terminal 4; the Port "
    "Authority of Valmora has offered 6 percent. Union president Mirela Kostan said the strikers would not back "
    "down. {extra}")
OUTLETS = ["Harbour Times", "Corvania Daily", "Estrava Post", "Valmora Evening News"]
UNRELATED = ("Astronomers at the Kestrel Ridge observatory in northern Corvania said on Thursday they had found "
             "a new comet, the first discovered from the observatory in forty years. The comet, catalogued as "
             "C/2025 K1, will be visible with binoculars from late April, the observatory's director Ilse Varga "
             "said, and amateur astronomers have been invited to a viewing night on the ridge. ") * 2


class Webhook:
    """A local HTTP server recording the JSON bodies POSTed to it; ``status`` sets its answer."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.status = 200
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if hook.status == 200:
                    assert self.headers["Content-Type"] == "application/json"
                    hook.received.append(json.loads(body))
                self.send_response(hook.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook():
    hook = Webhook()
    yield hook
    hook.close()


@pytest.fixture
def store_copy(tmp_path, demo_pipeline_store) -> Path:
    db = tmp_path / "watched.db"
    shutil.copy(demo_pipeline_store, db)
    return db


def _drop(inbox: Path, name: str, records: list[dict]) -> None:
    inbox.mkdir(exist_ok=True)
    (inbox / name).write_text("".join(json.dumps(r) + "\n" for r in records))


def _strike_updates(count: int, start: int = 0) -> list[dict]:
    return [{"title": f"Valmora port strike goes on, day {start + i + 3}", "outlet": OUTLETS[(start + i) % 4],
             "date": f"2025-03-0{start + i + 5}", "text": STRIKE_UPDATE.format(extra=f"Report number {start + i}.")}
            for i in range(count)]


def _watcher(db: Path, inbox: Path, url: str, *, allow_private: bool = True, follow: frozenset[str] = frozenset(),
             min_new_articles: int = 3):
    config = StorylineConfig().replace("fetch", allow_private=allow_private).replace(
        "notify", min_new_articles=min_new_articles, min_new_outlets=4, site_url="http://127.0.0.1:8000")
    store = Store(db)
    fetcher = HttpFetcher(config.fetch)
    notifier = Notifier(url, fetcher, config.notify, follow)
    watcher = Watcher(Pipeline(store, config), [Source("path", str(inbox))], fetcher, notifier=notifier,
                      sleep=lambda _s: None)
    return store, fetcher, watcher


def test_a_new_story_and_a_significant_update_are_posted_once(store_copy, tmp_path, webhook):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    store, fetcher, watcher = _watcher(store_copy, inbox, webhook.url)
    with store, fetcher:
        first = watcher.run_cycle()  # baselines: the demo stories are not news
        assert first.alerts == [] and webhook.received == []
        _drop(inbox, "a.jsonl", _strike_updates(2))
        assert watcher.run_cycle().alerts == []  # 2 new articles, 2 known outlets... not yet significant
        comet = {"title": "Comet found over Kestrel Ridge", "outlet": "Sky Notes", "text": UNRELATED}
        _drop(inbox, "b.jsonl", [*_strike_updates(1, start=2), comet])
        third = watcher.run_cycle()
        kinds = sorted(a.kind for a in third.alerts)
        assert kinds == ["new_story", "story_update"], [a.message for a in third.alerts]
        assert [m["event"] for m in webhook.received] == [a.kind for a in third.alerts]
        update = next(m for m in webhook.received if m["event"] == "story_update")
        assert "strike" in update["story"]["label"].lower() and update["why"] == "3 new articles"  # its centre names it
        assert len(update["new_articles"]) == 3 and update["story"]["size"] == 8
        assert update["story"]["url"] == f"http://127.0.0.1:8000/stories/{update['story']['id']}"
        assert update["storyline"]["id"].startswith("l-") and "sent_at" in update
        new = next(m for m in webhook.received if m["event"] == "new_story")
        assert new["story"]["label"] == "Comet found over Kestrel Ridge" and new["new_articles"][0]["outlet"] == \
            "Sky Notes"
        assert watcher.run_cycle().alerts == []  # delivered: the baselines moved on


def test_only_followed_storylines_alert(store_copy, tmp_path, webhook):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with Store(store_copy) as store:
        other = next(s for s in story_page(store, limit=50).items if "Quillon" in s.label)
        from storyline.store.queries import story_storyline

        followed = frozenset({story_storyline(store, other.id)})
    store, fetcher, watcher = _watcher(store_copy, inbox, webhook.url, follow=followed)
    with store, fetcher:
        watcher.run_cycle()
        _drop(inbox, "a.jsonl", _strike_updates(4))
        assert watcher.run_cycle().alerts == [] and webhook.received == []


def test_failed_alerts_are_recorded_retried_and_never_stop_the_watch(store_copy, tmp_path, webhook):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    store, fetcher, watcher = _watcher(store_copy, inbox, webhook.url, min_new_articles=1)
    with store, fetcher:
        watcher.run_cycle()
        webhook.status = 500
        _drop(inbox, "a.jsonl", _strike_updates(1))
        failing = watcher.run_cycle()
        assert failing.report.ingested and failing.alerts == [] and len(failing.alert_failures) == 1
        failure = failing.alert_failures[0]
        assert failure.stage == "notify" and failure.origin == webhook.url and "HTTP 500" in failure.message
        assert any(f.stage == "notify" for f in store.failures())
        webhook.status = 200
        retried = watcher.run_cycle()  # nothing new ingested: the undelivered alert goes out now
        assert [a.kind for a in retried.alerts] == ["story_update"] and len(webhook.received) == 1


def test_the_ssrf_guard_refuses_a_private_webhook_without_allow_private(store_copy, tmp_path, webhook):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    store, fetcher, watcher = _watcher(store_copy, inbox, webhook.url, allow_private=False, min_new_articles=1)
    with store, fetcher:
        watcher.run_cycle()
        _drop(inbox, "a.jsonl", _strike_updates(1))
        cycle = watcher.run_cycle()
    assert cycle.report.ingested and cycle.alerts == [] and webhook.received == []
    assert cycle.alert_failures[0].error_type == "BlockedAddressError"


def test_watch_command_posts_alerts(store_copy, tmp_path, webhook):
    inbox = tmp_path / "inbox"
    _drop(inbox, "a.jsonl", _strike_updates(3))
    result = CliRunner().invoke(app, ["watch", str(inbox), "--db", str(store_copy), "--cycles", "1", "--every", "0",
                                      "--notify", webhook.url, "--allow-private", "--json"])
    assert result.exit_code == 0, result.output
    cycle = json.loads(result.output)
    assert [a["event"] for a in cycle["alerts"]] == ["story_update"] and cycle["alert_failures"] == []
    assert webhook.received == cycle["alerts"]
    bad = CliRunner().invoke(app, ["watch", str(inbox), "--db", str(store_copy), "--notify", "file:///etc/passwd"])
    assert bad.exit_code != 0 and "not an http(s) URL" in bad.output
