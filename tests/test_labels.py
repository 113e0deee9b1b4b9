"""Story and storyline labels: the centre of the story, re-chosen as it grows, never an inferred-date article."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

from typer.testing import CliRunner

from storyline import Pipeline, Store
from storyline.cli import app
from storyline.cluster.labels import Lead, clean_label, lead_candidates, story_label
from storyline.cluster.refine import Member
from storyline.model import Article, ArticleDate, RawDocument
from storyline.store import storylines as storylines_store
from tests.conftest import SEEDS, shared_data

runner = CliRunner()


def _member(vector: dict[str, float], title: str = "", inferred: bool = False, leads: tuple[Lead, ...] = ()
            ) -> Member:
    return Member("a-x", title, None, vector, inferred, leads)


CENTROID = {"iran": 3.0, "iraq": 3.0, "kerry": 2.0, "cooperation": 2.0}


def test_the_most_central_titled_article_names_the_story():
    members = [_member({"iran": 1.0, "khamenei": 1.0}, "Iran rejects US action in Iraq"),
               _member({"iran": 1.0, "iraq": 1.0, "kerry": 1.0, "cooperation": 1.0}, "Kerry open to working with Iran")]
    assert story_label(members, CENTROID) == "Kerry open to working with Iran"


def test_an_article_whose_date_is_only_inferred_never_names_the_story():
    central = _member({"iran": 1.0, "iraq": 1.0, "kerry": 1.0, "cooperation": 1.0}, "Central but dated from a caption",
                      inferred=True)
    other = _member({"iran": 1.0, "khamenei": 1.0}, "Stated date, less central")
    assert story_label([central, other], CENTROID) == "Stated date, less central"
    # nothing else to name it: its keywords, never the inferred-date article's title
    assert story_label([central], CENTROID, ["iran", "iraq", "kerry"]) == "iran, iraq, kerry"


def test_without_titles_the_most_central_lead_sentence_names_the_story():
    near = Lead("WASHINGTON (Reuters) - Kerry said the United States was open to cooperation with Iran over Iraq.",
                {"kerry": 1.0, "iran": 1.0, "iraq": 1.0, "cooperation": 1.0})
    far = Lead("Oil prices rose on Monday as traders watched the markets.", {"oil": 1.0, "prices": 1.0})
    members = [_member({"oil": 1.0, "iran": 0.2}, leads=(far,)), _member({"iran": 1.0, "kerry": 1.0}, leads=(near,))]
    assert story_label(members, CENTROID) == "Kerry said the United States was open to cooperation with Iran over Iraq."


def test_label_sentences_are_body_prose_cleaned_and_cut():
    assert lead_candidates(["Photo: Reuters", "By Staff Writer", "BAGHDAD", "Iraqi forces retook the town of Tikrit "
                            "on Sunday, officials said."]) == [
        "Iraqi forces retook the town of Tikrit on Sunday, officials said."]
    long = "Officials " + "said the talks would continue " * 12 + "next week."
    label = clean_label(long)
    assert len(label) <= 141 and label.endswith("…") and not label.endswith(" …")


EVENT = "earthquake Dunmere magnitude tremor aftershock rubble villages seismologists epicentre rescuers"


def _quake(i: int, title: str | None, sentences: list[str]) -> Article:
    words = EVENT.split()
    body = " ".join(" ".join(words[(i + k + 2 * s) % len(words)] for k in range(8)).capitalize() + "."
                    for s in range(4))
    text = " ".join(sentences) + " " + body
    return Article(id=f"a-quake{i:011d}", raw_sha256="", origin=f"q#{i}", text=text, title=title,
                   date=ArticleDate((date(2024, 3, 1) + timedelta(days=i)).isoformat(), "day", False, "byline"))


def _save(store: Store, articles: list[Article]) -> None:
    for article in articles:
        raw = RawDocument.from_bytes(article.origin, article.text.encode(), "text/plain", fetched_at="2024-03-10")
        store.save_document(raw, dataclasses.replace(article, raw_sha256=raw.sha256))


def test_the_label_is_chosen_again_as_the_story_grows(tmp_path):
    first = _quake(0, "Tremor felt in Dunmere", ["Residents felt a tremor."])
    with Store(tmp_path / "s.db") as store:
        _save(store, [first])
        Pipeline(store).update_stories()
        story = store.stories()[0]
        assert story.story.label == "Tremor felt in Dunmere"
        # later coverage, all about the quake's rescue: the story's centre moves to it, and so does its label
        later = [_quake(i, "Rescuers search rubble after Dunmere earthquake",
                        ["Rescuers searched the rubble of villages after the Dunmere earthquake and its aftershock."])
                 for i in range(1, 5)]
        _save(store, later)
        Pipeline(store).update_stories()
        grown = store.story(story.id)
        assert len(grown.story.article_ids) == 5
        assert grown.story.label == "Rescuers search rubble after Dunmere earthquake"
        lines = storylines_store.load_storylines(store)
        assert [row.storyline.label for row in lines] == ["Rescuers search rubble after Dunmere earthquake"]


def test_the_seeds_june_story_and_storyline_describe_the_us_iran_positions(tmp_path):
    """Issue 24: 003 (Khamenei, dated from a FILE photo caption) founded the June story and named it and its
    storyline "Iran rejects US action in Iraq", the opposite of most of the coverage."""
    shared_data("seeds")
    db = str(tmp_path / "seeds.db")
    assert runner.invoke(app, ["ingest", *map(str, sorted(SEEDS.glob("*.txt"))), "--db", db]).exit_code == 0
    stories = json.loads(runner.invoke(app, ["stories", "--db", db, "--json"]).output)
    with Store(tmp_path / "seeds.db") as store:
        origin = {a.id: a.origin.rsplit("/", 1)[-1][:3] for a in store.articles()}
    june = next(s for s in stories if "003" in {origin[a] for a in s["article_ids"]})
    assert {"000", "002"} <= {origin[a] for a in june["article_ids"]}
    lines = json.loads(runner.invoke(app, ["storylines", "--db", db, "--json"]).output)
    line = next(v for v in lines if june["id"] in {s["id"] for s in v["stories"]})
    for label in (june["label"], line["label"]):
        assert label and label != "Iran rejects US action in Iraq"
        assert "US" in label and "Iran" in label  # the US–Iran positions, from a page that states its date
    assert june["first_seen"] >= "2014-06-16"  # 003's caption date (June 13) does not open the story
