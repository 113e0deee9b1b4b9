"""Unknown stays unknown: undated articles, and dates that are only inferred, in clustering and linking."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from storyline import Pipeline, Store, StorylineConfig
from storyline.cluster import EventClusterer, TermStats
from storyline.cluster.online import stated_day, stream_order
from storyline.config import ClusterConfig
from storyline.model import Article, ArticleDate, RawDocument
from storyline.store import storylines as storylines_store

# Invented events of one spring, each with its own words; all three share a head of state and a capital.
EVENTS = {
    "visit": "Macrand state visit banquet Elysium treaty toast ceremony guard honour delegation",
    "tariff": "tariff steel aluminium duties exporters retaliation quota levy customs smelters",
    "lawsuit": "lawsuit filed court plaintiff injunction judge defamation hearing damages attorneys",
}
SHARED = "President Harlan Voss said in Capitol City on Tuesday that officials would respond."


def _article(i: int, event: str, when: ArticleDate | None) -> Article:
    words = EVENTS[event].split()
    sentences = [" ".join(words[(i + k + 3 * s) % len(words)] for k in range(8)).capitalize() + "." for s in range(5)]
    text = " ".join([sentences[0], SHARED, *sentences[1:]])
    return Article(id=f"a-{event[:4]}{i:012d}", raw_sha256="", origin=f"t#{event}{i}", text=text, date=when)


def _stated(day: date) -> ArticleDate:
    return ArticleDate(day.isoformat(), "day", False, "byline")


def _stream() -> list[Article]:
    """Five articles per event; in "visit" one is undated and two carry dates inferred years off (a
    background mention of 2001, a caption of 1999), and they sort first by id."""
    start = date(2018, 4, 23)
    articles = []
    for event in EVENTS:
        for i in range(5):
            when: ArticleDate | None = _stated(start + timedelta(days=i))
            if event == "visit" and i == 0:
                when = ArticleDate("2001-09-11", "day", True, "latest date mentioned in the text")
            elif event == "visit" and i == 1:
                when = ArticleDate("1999-01-01", "day", True, "latest date mentioned in a photo caption")
            elif event == "visit" and i == 2:
                when = None
            articles.append(_article(i, event, when))
    return articles


def _store_articles(store: Store, articles: list[Article]) -> None:
    for article in articles:
        raw = RawDocument.from_bytes(article.origin, article.text.encode(), "text/plain", fetched_at="2018-05-01")
        store.save_document(raw, dataclasses.replace(article, raw_sha256=raw.sha256))


def test_inferred_dates_are_unknown_to_the_clusterer():
    articles = _stream()
    assert stated_day(articles[0]) is None and stated_day(articles[3]) == date(2018, 4, 26)
    # the stream order puts stated days first; an inferred 2001 is not "oldest"
    visit = [a for a in sorted(articles, key=stream_order) if a.id.startswith("a-visi")]
    assert [a.id[-1] for a in visit] == ["3", "4", "0", "1", "2"]
    clusterer = EventClusterer(ClusterConfig(), TermStats())
    for article in sorted(articles, key=stream_order):
        clusterer.add(article)
    states = {s.id: s for s in clusterer.active.values()}
    assert all(s.first_day is None or s.first_day >= date(2018, 4, 23).toordinal() for s in states.values())


def test_undated_and_inferred_articles_join_their_event_by_content(tmp_path):
    """The issue's case: articles whose date was guessed years off were split off their events. Fails on the
    code before issue 24 (the 2001 article founded its own story, dated 2001)."""
    articles = _stream()
    with Store(tmp_path / "s.db") as store:
        _store_articles(store, articles)
        Pipeline(store).update_stories()
        stories = {row.id: row for row in store.stories()}
        groups = {frozenset(row.story.article_ids) for row in stories.values()}
        expected = {frozenset(a.id for a in articles if a.id[2:6] == event[:4]) for event in EVENTS}
        assert groups == expected
        visit = next(row for row in stories.values() if articles[0].id in row.story.article_ids)
        # the span comes from the stated days; no inferred date founds or dates the story
        assert (visit.story.first_seen, visit.story.last_seen) == ("2018-04-26", "2018-04-27")
        assert visit.id == "s-" + articles[3].id.removeprefix("a-")
        lines = storylines_store.load_storylines(store)
        assert all(row.first_seen is None or row.first_seen >= "2018-04-23" for row in lines)


def test_an_undated_article_reaches_stories_the_clock_has_closed(tmp_path):
    """The clock (the latest stated day) closes stories for dated articles; an undated article has no place on
    that clock, so it still joins the story it belongs to, in one pass or after a restart."""
    config = dataclasses.replace(ClusterConfig(), window_days=10)
    march = [_article(i, "visit", _stated(date(2018, 3, 1) + timedelta(days=i))) for i in range(3)]
    may = [_article(i, "tariff", _stated(date(2018, 5, 1) + timedelta(days=i))) for i in range(3)]
    undated_visit = _article(7, "visit", None)
    dated_visit = _article(8, "visit", _stated(date(2018, 5, 3)))
    clusterer = EventClusterer(config, TermStats())
    for article in [*march, *may]:
        clusterer.add(article)
    visit = clusterer.assignments[march[0].id]
    assert visit in clusterer.archive
    assert clusterer.add(undated_visit) == visit  # joins by content
    assert clusterer.add(dated_visit) != visit  # a dated article never reaches back past the window
    assert clusterer.archive[visit].last_day == date(2018, 3, 3).toordinal()  # the undated one moved no date
    with Store(tmp_path / "s.db") as store:  # the archive is kept across passes
        _store_articles(store, [*march, *may])
        Pipeline(store, StorylineConfig(cluster=config)).update_stories()
        _store_articles(store, [undated_visit])
        Pipeline(store, StorylineConfig(cluster=config)).update_stories()
        visit_story = store.story("s-" + march[0].id.removeprefix("a-"))
        assert undated_visit.id in visit_story.story.article_ids


def test_an_undated_article_shows_its_story_period_marked_approximate(tmp_path):
    """In ``show --json`` (and the CLI text, the web page, what's new): ≈ the story's period, source "story"."""
    import json

    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from storyline.api.app import create_app
    from storyline.cli import app

    articles = [a for a in _stream() if a.id.startswith("a-visi")]
    db = tmp_path / "s.db"
    with Store(db) as store:
        _store_articles(store, articles)
        Pipeline(store).update_stories()
        story_id = store.stories()[0].id
    runner = CliRunner()
    shown = json.loads(runner.invoke(app, ["show", story_id, "--db", str(db), "--json"]).output)
    by_id = {a["id"]: a for a in shown["articles"]}
    estimate = {"from": "2018-04-26", "to": "2018-04-27", "precision": "week", "source": "story", "approximate": True}
    assert by_id[articles[2].id]["date"] is None and by_id[articles[2].id]["date_estimate"] == estimate
    assert by_id[articles[0].id]["date_estimate"] == estimate  # the inferred 2001 is no better than unknown
    assert by_id[articles[3].id]["date_estimate"] is None  # a stated date needs no estimate
    text = runner.invoke(app, ["show", story_id, "--db", str(db)]).output
    assert "≈ 2018-04-26 – 2018-04-27" in text
    news = json.loads(runner.invoke(app, ["whatsnew", "--since", "2000-01-01", "--db", str(db), "--json"]).output)
    assert any(a["date_estimate"] == estimate for entry in news for a in entry["articles"])
    client = TestClient(create_app(db))
    assert "≈ 2018-04-26 – 2018-04-27" in client.get(f"/stories/{story_id}").text
    page = client.get(f"/api/articles/{articles[2].id}").json()["article"]
    assert page["date_estimate"] == estimate
