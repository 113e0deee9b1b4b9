"""The web UI in a real browser: headless Chromium (Debian package) driven by playwright.

The server runs in-process (uvicorn in a thread, 127.0.0.1, a free port) over the demo store.
Screenshots go to ``test-artifacts/``. The tests skip, saying why, only when no browser or no
playwright can be found; ``.ci/run`` installs Chromium with apt-get when it is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from storyline import Pipeline, Store, StorylineConfig
from storyline.cli import demo_corpus_path
from tests.test_api import EVIL

TOKEN = "browser-test-token"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# set before any page script runs: the XSS payloads would change these, and dialogs are counted
XSS_HOOK = """
window.__xss = 0;
window.alert = window.confirm = window.prompt = function () { window.__xss = "dialog"; };
"""


def _chromium() -> str | None:
    for candidate in (os.environ.get("STORYLINE_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    uvicorn = pytest.importorskip("uvicorn")
    from storyline.api import create_app

    db = tmp_path_factory.mktemp("web") / "demo.db"
    with Store(db) as store:
        Pipeline(store).run([demo_corpus_path()])
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db, token=TOKEN, config=StorylineConfig()), host="127.0.0.1",
                                           port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = _chromium()
    if executable is None:
        pytest.skip("no Chromium found (install it: apt-get install -y chromium; or set STORYLINE_CHROMIUM)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(XSS_HOOK)
    page = context.new_page()
    page.set_default_timeout(15_000)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-last.png"), full_page=True)
    context.close()


def test_home_story_citation_highlight_search(server, page):
    page.goto(server + "/")
    assert page.locator(".story-card").count() >= 4
    assert page.locator(".chart svg rect.bar").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)

    page.locator("a.storyline-link", has_text="Dockworkers").first.click()
    page.wait_for_url("**/storylines/*")
    assert page.locator(".story-card a.story-link").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "storyline.png"), full_page=True)
    page.go_back()

    # the largest story: the dockworkers' strike (first by activity may be a single-article story)
    page.locator("a.story-link", has_text="Dockworkers").first.click()
    page.wait_for_url("**/stories/*")
    assert page.locator(".summary-sentence").count() >= 2
    assert page.locator(".outlet-col").count() >= 3
    page.screenshot(path=str(ARTIFACTS / "story.png"), full_page=True)

    sentence = page.locator(".summary-sentence").nth(1)
    cited_sentence = sentence.locator(".sentence-text").text_content()
    sentence.locator("a.cite").first.click()
    page.wait_for_url("**/articles/*")
    marks = page.locator("mark.cited")
    assert marks.count() >= 1
    assert "".join(marks.all_text_contents()) == cited_sentence
    assert page.evaluate("document.activeElement && document.activeElement.id") == "cited"
    page.screenshot(path=str(ARTIFACTS / "article-cited.png"), full_page=True)

    page.locator("a.story-link").first.click()  # back to its story from the article
    page.wait_for_url("**/stories/*")

    page.fill("header input[name=q]", "levee breach")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?*")
    results = page.locator(".result")
    assert results.count() >= 1
    assert "levee" in page.locator(".result mark").first.text_content().lower()
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)
    assert page.evaluate("window.__xss") == 0 and page.dialogs == []


def test_ingest_page_runs_a_job_and_hostile_article_does_not_execute(server, page):
    page.goto(server + "/ingest")
    page.fill("input[name=token]", TOKEN)
    page.fill("textarea[name=jsonl]", json.dumps(EVIL))
    page.click(".ingest-form button[type=submit]")
    page.wait_for_selector("[data-job-id]")
    # the job box is updated by /static/app.js polling the job's JSON
    # (wait_for_function would need eval, which the page's CSP rightly forbids)
    from playwright.sync_api import expect

    expect(page.locator("[data-field=state]")).to_have_text("done", timeout=30_000)
    assert page.locator("[data-field=ingested]").text_content() == "1"
    page.screenshot(path=str(ARTIFACTS / "ingest-job.png"), full_page=True)

    page.goto(server + "/search?q=" + "harbour+council+minutes")
    page.locator(".result a").first.click()
    page.wait_for_url("**/articles/*")
    title = page.locator("h1.article-title").text_content()
    assert title == EVIL["title"]  # shown as text, escaped, not parsed
    body = page.locator(".article-text").text_content()
    assert "<script>window.__xss=5</script>" in body and '<img src=x onerror="window.__xss=6">' in body
    assert page.locator(".article-meta .outlet").text_content() == EVIL["outlet"]
    # a javascript: URL never reaches the store (extract.urls.safe_url drops it with a warning)
    assert page.locator(".article-meta .url").count() == 0
    assert page.locator("a[href^='javascript:' i]").count() == 0
    assert page.locator("main script, main img, main b").count() == 0
    page.screenshot(path=str(ARTIFACTS / "hostile-article.png"), full_page=True)
    page.locator("a.story-link").first.click()  # its story page lists the same title
    page.wait_for_url("**/stories/*")
    assert page.evaluate("window.__xss") == 0 and page.dialogs == []


def test_wrong_token_is_refused_in_the_browser(server, page):
    page.goto(server + "/ingest")
    page.fill("input[name=token]", "not-the-token")
    page.fill("textarea[name=jsonl]", '{"title": "x", "text": "y"}')
    page.click(".ingest-form button[type=submit]")
    assert page.locator("h1").text_content() == "Error 403"
