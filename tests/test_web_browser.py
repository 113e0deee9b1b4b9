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

def _serve(app) -> Iterator[str]:
    """Run the app with uvicorn on a free loopback port in a thread; yield its base URL, then stop it."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
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
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("uvicorn")
    from storyline.api import create_app

    db = tmp_path_factory.mktemp("web") / "demo.db"
    with Store(db) as store:
        Pipeline(store).run([demo_corpus_path()])
    yield from _serve(create_app(db, token=TOKEN, config=StorylineConfig()))


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

    page.locator("a.storyline-link", has_text="strike").first.click()
    page.wait_for_url("**/storylines/*")
    assert page.locator(".story-card a.story-link").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "storyline.png"), full_page=True)
    page.go_back()

    # the largest story: the dockworkers' strike (first by activity may be a single-article story)
    page.locator("a.story-link", has_text="strike").first.click()
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


# -- the seeds: wire provenance, the discrepancy, quotes; hostile outlets and quotes on the new sections ---------
HOSTILE_WIRE = ("Harbour officials said on Tuesday that the <script>window.__xss=11</script> flood barrier at "
                "Vellmark held overnight after three days of rain.\n\n"
                "\"<img src=x onerror=\"window.__xss=12\"> We will not open the sluices before Friday,\" said "
                "Mayor Alda Brennick, speaking at the town hall.\n\n"
                "Engineers from the <b>regional</b> water board inspected the barrier at dawn and found no "
                "damage to its gates.\n\n"
                "Residents of the lower town were told to keep sandbags in place until the weekend.")
HOSTILE = [
    {"title": "Vellmark <script>window.__xss=13</script> barrier holds", "outlet": "<b>Bold</b> Outlet",
     "date": "2025-04-02", "url": "https://example.org/a", "text": HOSTILE_WIRE},
    {"title": "Barrier <img src=x onerror=\"window.__xss=14\"> holds in Vellmark",
     "outlet": "<img src=x onerror=\"window.__xss=15\">Wire", "date": "2025-04-02", "url": "https://example.org/b",
     "text": HOSTILE_WIRE.replace("three days", "four days").replace("lower town", "old town")},
]


@pytest.fixture(scope="module")
def seeds_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("uvicorn")
    from storyline.api import create_app
    from tests.conftest import SEEDS, shared_data

    shared_data("seeds")
    db = tmp_path_factory.mktemp("web-seeds") / "seeds.db"
    hostile = tmp_path_factory.mktemp("hostile") / "hostile.jsonl"
    hostile.write_text("\n".join(json.dumps(r) for r in HOSTILE) + "\n", encoding="utf-8")
    with Store(db) as store:
        Pipeline(store).run([*sorted(SEEDS.glob("*.txt")), hostile])
    yield from _serve(create_app(db, config=StorylineConfig()))


def _seed_story(server: str, page) -> None:
    """Open the June 2014 story of the seeds (the largest story) from the story listing."""
    import httpx

    stories = httpx.get(server + "/api/stories", params={"limit": 50}).json()["items"]
    largest = max(stories, key=lambda s: (s["size"], s["id"]))
    page.goto(f"{server}/stories/{largest['id']}")


def test_story_page_shows_reuters_passage_and_the_discrepancy(seeds_server, page):
    _seed_story(seeds_server, page)
    passages = page.locator(".provenance .passage")
    assert passages.count() >= 1
    origins = set(page.locator(".provenance .origin").all_text_contents())
    assert origins == {"Reuters"}
    tal_afar = passages.filter(has_text="Tal Afar is a short drive west from Mosul").first
    assert tal_afar.locator(".carrier").count() == 2
    assert page.locator(".provenance ins", has_text="ISIS").count() >= 1  # the word-level edit ISIL -> ISIS
    assert page.locator(".coverage-matrix tbody tr").count() >= 3
    discrepancy = page.locator(".discrepancy").filter(has_text="1,700")
    assert discrepancy.count() >= 1
    assert discrepancy.first.locator(".claim-value").count() >= 2
    page.screenshot(path=str(ARTIFACTS / "story-provenance-discrepancy.png"), full_page=True)
    # each side is cited: the link opens the article with exactly the cited text highlighted
    cited = discrepancy.first.locator("blockquote.cited-text").first
    link = cited.locator("a.cite")
    expected = link.get_attribute("title")
    link.click()
    page.wait_for_url("**/articles/*")
    assert "".join(page.locator("mark.cited").all_text_contents()) == expected
    assert "1,700" in expected
    page.screenshot(path=str(ARTIFACTS / "discrepancy-cited.png"), full_page=True)


def test_article_page_highlights_quotes_and_mentions(seeds_server, page):
    _seed_story(seeds_server, page)
    page.locator(".articles a").first.click()
    page.wait_for_url("**/articles/*")
    quotes = page.locator(".article-text span.quote")
    assert quotes.count() >= 1
    assert quotes.first.get_attribute("title").startswith("said by ")
    assert page.locator(".article-text span.mention").count() >= 3
    page.screenshot(path=str(ARTIFACTS / "article-quotes-mentions.png"), full_page=True)


def test_storyline_page_shows_actors_stances_and_quotes(seeds_server, page):
    _seed_story(seeds_server, page)
    page.locator("a.storyline-link").first.click()
    page.wait_for_url("**/storylines/*")
    assert page.locator(".actors .actor").count() >= 3
    assert page.locator(".quotes .speaker").count() >= 1
    assert page.locator(".stances .stance").count() >= 1
    first = page.locator(".stances .stance blockquote a.cite").first
    expected = first.get_attribute("title")
    page.screenshot(path=str(ARTIFACTS / "storyline-actors.png"), full_page=True)
    first.click()
    page.wait_for_url("**/articles/*")
    assert "".join(page.locator("mark.cited").all_text_contents()) == expected


def test_hostile_outlets_and_quotes_stay_inert_on_analysis_pages(seeds_server, page):
    import httpx

    found = httpx.get(seeds_server + "/api/search", params={"q": "Vellmark barrier"}).json()["items"]
    assert len(found) == 2
    story = httpx.get(f"{seeds_server}/api/articles/{found[0]['id']}").json()["article"]["story"]["id"]
    page.goto(f"{seeds_server}/stories/{story}")
    assert page.locator(".provenance .passage").count() >= 1
    carriers = set(page.locator(".provenance .carrier a.cite").all_text_contents())
    assert {"<b>Bold</b> Outlet", "<img src=x onerror=\"window.__xss=15\">Wire"} <= carriers
    assert "<script>window.__xss=11</script>" in page.locator(".provenance").text_content()
    assert page.locator("main script, main img, main b").count() == 0
    page.screenshot(path=str(ARTIFACTS / "hostile-story-analysis.png"), full_page=True)
    page.locator(".provenance .carrier a.cite").first.click()
    page.wait_for_url("**/articles/*")
    assert page.locator("main script, main img, main b").count() == 0
    quoted = page.locator(".article-text span.quote").all_text_contents()
    assert any("<script>" in q or "<img" in q for q in quoted)  # hostile markup inside a quote, shown as text
    page.screenshot(path=str(ARTIFACTS / "hostile-article-annotated.png"), full_page=True)
    assert page.evaluate("window.__xss") == 0 and page.dialogs == []


# -- the newcomer's path, and a phone -------------------------------------------------------------------------
def _wait_for(url: str, process, seconds: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {seconds:g}s")


@pytest.fixture
def demo_served(tmp_path) -> Iterator[tuple[str, Path]]:
    """`storyline demo`, then the very `storyline serve --db ...` command it prints, as a real process."""
    import re
    import signal
    import subprocess
    import sys

    from typer.testing import CliRunner

    from storyline.cli import app
    from tests.crash import cli_env

    db = tmp_path / "newcomer.db"
    demo = CliRunner().invoke(app, ["demo", "--db", str(db)], env={"COLUMNS": "300"})
    assert demo.exit_code == 0, demo.output
    printed = re.search(r"Browse it in a web browser: (storyline serve --db \S+)", demo.output)
    assert printed, demo.output
    args = printed.group(1).split()[1:]
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "storyline", *args, "--port", str(port)], env=cli_env(),
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(f"http://127.0.0.1:{port}/api/health", process)
        yield f"http://127.0.0.1:{port}", db
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # the server and the workers it started (its own session)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        log.close()


def test_newcomer_path_demo_serve_home_story_article_feed(demo_served, page):
    import feedparser

    base, _db = demo_served
    page.goto(base + "/")
    assert page.locator("link[rel=icon]").count() == 1
    assert page.locator("head link[rel=alternate][type='application/atom+xml']").get_attribute("href") == \
        "/whatsnew/feed.atom"
    assert page.locator(".story-card").count() >= 4
    page.screenshot(path=str(ARTIFACTS / "newcomer-home.png"), full_page=True)

    page.locator("a.story-link", has_text="port strike").first.click()
    page.wait_for_url("**/stories/*")
    story_url = page.url
    assert page.locator(".summary-sentence").count() >= 2
    assert "5 articles from 5 outlets" in page.locator("main").text_content()
    page.screenshot(path=str(ARTIFACTS / "newcomer-story.png"), full_page=True)

    page.locator(".articles a").first.click()
    page.wait_for_url("**/articles/*")
    text = page.locator("main").text_content()
    assert page.locator("h1.article-title").text_content()
    assert str(demo_corpus_path()) not in text and "/demo/corpus" not in text  # no local path, ever
    assert page.locator(".article-meta .outlet").text_content() not in ("", "unknown")
    page.screenshot(path=str(ARTIFACTS / "newcomer-article.png"), full_page=True)

    page.locator("a.story-link").first.click()  # back to the story, then follow it in a feed reader
    page.wait_for_url(story_url)
    feed_link = page.locator("a.feed-link")
    href = feed_link.get_attribute("href")
    assert page.locator("head link[rel=alternate][type='application/atom+xml']").get_attribute("href") == href
    response = page.goto(base + href)
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.body())
    assert not feed.bozo and feed.version == "atom10" and len(feed.entries) == 5
    assert feed.feed.title == "Corvanian port strike strands ships as talks stall"  # the story's centre names it
    assert all(entry.link.startswith(base + "/articles/") for entry in feed.entries)
    assert page.evaluate("window.__xss") == 0 and page.dialogs == []


PHONE = {"width": 390, "height": 844}


def test_pages_fit_a_phone_screen(server, browser):
    import httpx

    stories = httpx.get(server + "/api/stories", params={"limit": 50}).json()["items"]
    strike = next(s for s in stories if "port strike" in s["label"])
    detail = httpx.get(f"{server}/api/stories/{strike['id']}").json()["story"]
    article = detail["articles"]["items"][0]["id"]
    pages = ["/", f"/stories/{strike['id']}", f"/storylines/{detail['storyline_id']}", f"/articles/{article}",
             f"/timeline/{strike['id']}", "/search?q=port+strike", "/whatsnew", "/failures", "/ingest", "/docs"]
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        for path in pages:
            page.goto(server + path)
            for summary in page.locator("details.more > summary").all():
                summary.click()  # what "show all" opens must fit too
            width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], f"{path} scrolls sideways on a phone: {width[0]}px wide, screen {width[1]}px"
            name = path.strip("/").split("/")[0].split("?")[0] or "home"
            page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)
    finally:
        context.close()
