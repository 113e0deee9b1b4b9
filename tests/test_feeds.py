"""Atom feeds of stories, storylines and what's new: valid for feed readers (feedparser), announced by
their pages, escaped, and moving when a story grows."""

from __future__ import annotations

import json
import re
import shutil
from xml.etree import ElementTree

import feedparser
import pytest
from fastapi.testclient import TestClient

from storyline import Pipeline, Store
from storyline.api import create_app

ATOM = "{http://www.w3.org/2005/Atom}"


def _parse(response) -> feedparser.FeedParserDict:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    root = ElementTree.fromstring(response.content)  # and well-formed XML with what Atom requires
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    for entry in root.iter(f"{ATOM}entry"):
        assert all(entry.find(f"{ATOM}{tag}") is not None for tag in ("id", "title", "updated", "link"))
    return feed


@pytest.fixture(scope="module")
def client(demo_pipeline_store):
    with TestClient(create_app(demo_pipeline_store)) as c:
        yield c


def _first_story(client, words: str) -> dict:
    stories = client.get("/api/stories?limit=50").json()["items"]
    return next(s for s in stories if words in s["label"])


def test_story_storyline_and_whatsnew_feeds_are_valid_atom_announced_by_their_pages(client):
    strike = _first_story(client, "port strike")
    detail = client.get(f"/api/stories/{strike['id']}").json()["story"]
    pages = {f"/stories/{strike['id']}": f"/stories/{strike['id']}/feed.atom",
             f"/storylines/{detail['storyline_id']}": f"/storylines/{detail['storyline_id']}/feed.atom",
             "/": "/whatsnew/feed.atom", "/whatsnew": "/whatsnew/feed.atom"}
    for page, feed_path in pages.items():
        html = client.get(page).text
        announced = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)">',
                               html)
        assert announced == [feed_path], page
        feed = _parse(client.get(feed_path))
        assert feed.entries and feed.feed.links[0].href.startswith("http://testserver/")
        for entry in feed.entries:  # every entry links a page of the site that answers
            assert entry.id.startswith("urn:storyline:") and entry.updated
            assert client.get(entry.link.removeprefix("http://testserver")).status_code == 200
    story_feed = feedparser.parse(client.get(pages[f"/stories/{strike['id']}"]).content)
    assert len(story_feed.entries) == strike["size"]
    members = {a["id"] for a in client.get(f"/api/articles?story={strike['id']}&limit=50").json()["items"]}
    assert {e.link.rsplit("/", 1)[1] for e in story_feed.entries} == members
    assert all(e.author for e in story_feed.entries) and any(e.get("published") for e in story_feed.entries)
    line = feedparser.parse(client.get(pages[f"/storylines/{detail['storyline_id']}"]).content)
    assert any(strike["label"] == e.title and "5 articles from" in e.summary for e in line.entries)


def test_unknown_ids_are_404(client):
    assert client.get("/stories/s-nope/feed.atom").status_code == 404
    assert client.get("/storylines/l-nope/feed.atom").status_code == 404


def test_feeds_escape_titles_and_drop_what_xml_cannot_carry(tmp_path):
    db = tmp_path / "evil.db"
    title = 'Mayor <script>alert("x")</script> & the “levee” ]]> \x01vote'
    record = {"title": title, "outlet": "<b>Gazette</b>", "url": "javascript:alert(1)", "date": "2025-03-04",
              "text": "The Lowmarsh council voted on Tuesday to raise the levee after the river rose again, "
                      "officials said. " * 6}
    (tmp_path / "evil.jsonl").write_text(json.dumps(record) + "\n")
    with Store(db) as store:
        Pipeline(store).run([tmp_path / "evil.jsonl"])
        story_id = store.stories()[0].id
    with TestClient(create_app(db)) as c:
        response = c.get(f"/stories/{story_id}/feed.atom")
        feed = _parse(response)
        assert b"<script>" not in response.content and b"&lt;script&gt;" in response.content
        entry = feed.entries[0]
        assert entry.title == 'Mayor <script>alert("x")</script> & the “levee” ]]> vote (<b>Gazette</b>)'
        assert not any(link.get("rel") == "related" for link in entry.links)  # no javascript: link
        whatsnew = _parse(c.get("/whatsnew/feed.atom"))
        assert whatsnew.entries[0].title.startswith("Mayor <script>")


def test_a_storyline_entry_moves_when_its_story_gains_an_article(tmp_path, demo_pipeline_store, demo_dir):
    db = tmp_path / "grow.db"
    shutil.copy(demo_pipeline_store, db)
    with TestClient(create_app(db)) as c:
        strike = _first_story(c, "port strike")
        line_id = c.get(f"/api/stories/{strike['id']}").json()["story"]["storyline_id"]
        before = {e.id: e.updated for e in _parse(c.get(f"/storylines/{line_id}/feed.atom")).entries}
    follow_up = {"title": "Valmora dockworkers back at work as first ships leave port", "outlet": "Valmora Herald",
                 "date": "2025-03-08", "text": (
                     "Dockworkers at the Port of Valmora returned to work on Saturday after their union accepted a "
                     "two-year pay deal, and the port authority said the first container ships had left the "
                     "harbour. The Valmora Dockworkers' Union said its members would watch how automated cranes "
                     "at Terminal 4 were introduced. ") * 3}
    (tmp_path / "more.jsonl").write_text(json.dumps(follow_up) + "\n")
    with Store(db) as store:
        Pipeline(store).run([tmp_path / "more.jsonl"])
    with TestClient(create_app(db)) as c:
        after = {e.id: e.updated for e in _parse(c.get(f"/storylines/{line_id}/feed.atom")).entries}
        story_entries = _parse(c.get(f"/stories/{strike['id']}/feed.atom")).entries
    entry_id = f"urn:storyline:story:{strike['id']}"
    assert after[entry_id] > before[entry_id]
    assert story_entries[0].title.startswith("Valmora dockworkers back at work")  # the last stored first
