"""The seeds, end to end through the pipeline: actors, quotes, the 1,700 discrepancy, the US–Iran shift."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline import Pipeline, Store
from storyline.cli import app
from storyline.views import actors_view, compare_view, quotes_view, stances_view
from tests.conftest import SEEDS, shared_data


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory, annotator) -> Path:
    shared_data("seeds")
    path = tmp_path_factory.mktemp("seeds") / "seeds.db"
    with Store(path) as store:
        Pipeline(store).run(sorted(SEEDS.glob("*.txt")))
    return path


@pytest.fixture
def store(seeds_db):
    with Store(seeds_db) as s:
        yield s


def _story(store: Store) -> str:
    """The June 2014 story (seeds 000-003); 004 (September) is a later story of the same storyline."""
    return max(store.stories(), key=lambda row: (len(row.story.article_ids), row.id)).id


def _storyline(store: Store) -> str:
    from storyline.store.storylines import load_storylines

    lines = load_storylines(store)
    assert len(lines) == 1
    return lines[0].storyline.id


def _seed_of(store: Store, article_id: str) -> str:
    return Path(store.article(article_id).origin).name[:3]


def _actor(actors: list[dict], alias: str) -> list[dict]:
    return [a for a in actors if alias in a["aliases"] or a["name"] == alias]


def test_one_actor_per_variant_set(store):
    actors = actors_view(store, _story(store))
    for variants in (("ISIS", "ISIL", "Islamic State"), ("Maliki", "Nouri al-Maliki", "Nuri Al-Maliki"),
                     ("Kerry", "John Kerry")):
        found = {a["id"] for v in variants for a in _actor(actors, v)}
        assert len(found) == 1, (variants, found)
    kerry = _actor(actors, "Kerry")[0]
    assert "Secretary of State" in kerry["roles"]
    kirby = _actor(actors, "Kirby")[0]
    assert kirby["name"] == "John Kirby" and "Pentagon spokesman" in kirby["roles"] and "Rear Admiral" in kirby["roles"]
    assert _actor(actors, "Pentagon")[0]["type"] == "org"
    for mention in kirby["mentions"]:
        assert store.article(mention["article_id"]).text[mention["start"]:mention["end"]] == mention["text"]


def _by(quotes: list[dict], speaker: str, words: str) -> dict:
    found = [q for q in quotes if q["speaker"] == speaker and words in q["text"]]
    assert found, f"no quote by {speaker} with {words!r}"
    return found[0]


def test_quotes_are_attributed(store):
    quotes = quotes_view(store, _story(store))
    kirby = _by(quotes, "John Kirby", "absolutely no intention")
    assert kirby["direct"] and kirby["cue"] == "said"
    _by(quotes, "John Kirby", "the United States has encouraged Iran")  # reported speech
    kerry = _by(quotes, "John Kerry", "rule out anything that would be constructive")
    assert {_seed_of(store, c["article_id"]) for c in kerry["citations"]} == {"000", "002"}
    rouhani = _by(quotes, "Hassan Rouhani", "We can think about it")
    assert {_seed_of(store, c["article_id"]) for c in rouhani["citations"]} == {"001", "002"}
    _by(quotes, "Tareq Al-Hashemi", "What happened is an uprising")
    khamenei = _by(quotes, "Ali Khamenei", "strongly opposed to US and other intervention")
    assert "quoted" in khamenei["cue"]
    psaki = _by(quotes, "Jen Psaki", "could not be confirmed")
    assert psaki["cue"] == "added" and not psaki["direct"]
    for quote in quotes:
        for c in quote["citations"]:
            assert c["cited_text"] == store.article(c["article_id"]).text[c["start"]:c["end"]]


_PRONOUNS = {"he", "she", "it", "they", "we", "i", "him", "her", "them"}


def test_acceptance_named_speakers_keep_their_quotes_and_nothing_else_is_a_quote(store):
    """Issue 25's acceptance on the seeds: six named speakers, no non-quotes, no pronoun or outlet speaker."""
    story = _story(store)
    quotes = quotes_view(store, story)
    for speaker, words in (("John Kirby", "absolutely no intention"), ("John Kerry", "rule out anything"),
                           ("Jen Psaki", "could not be confirmed"), ("Hassan Rouhani", "We can think about it"),
                           ("Ali Khamenei", "strongly opposed to US"), ("Tareq Al-Hashemi", "What happened is an")):
        _by(quotes, speaker, words)
    _by(quotes, "John Kirby", "It’s possible on the sideline")  # "he said", resolved
    _by(quotes, "John Kerry", "The United States would like the Iraqi people")
    _by(quotes, "Nouri al-Maliki", "We will work on purging Iraq")
    texts = {q["text"].strip(" .") for q in quotes}
    for non_quote in ("the United States", "on Saturday", "Washington", "sending them back", "the US"):
        assert non_quote not in texts
    assert not any(q["cue"] in {"has ruled", "accused", "Accusing"} for q in quotes)
    for q in quotes:
        assert q["speaker"] is None or q["speaker"].lower() not in _PRONOUNS
        assert q["speaker"] not in {"Agence France-Presse", "Reuters", "ANBAR"}
        assert "Iraq We are open" not in q["text"]  # a joined quote keeps its break
        assert not q["direct"] or q["speaker"] != "Iran" or "Rouhani" not in (q["speaker_phrase"] or "")
    rouhani = [q for q in quotes if "ready to assist Iraq" in q["text"]]
    assert rouhani and all(q["speaker"] in {"Hassan Rouhani", None} for q in rouhani)


def test_acceptance_kerry_is_cited_only_where_his_words_are(store):
    from storyline.nlp.merge import words_within

    for q in quotes_view(store, _storyline(store), speaker="Kerry"):
        for c in q["citations"]:
            article = store.article(c["article_id"])
            assert _seed_of(store, c["article_id"]) != "004"  # the September Amerli article never mentions him
            assert "Kerry" in article.text
            assert c["cited_text"] == article.text[c["start"]:c["end"]]
            assert words_within(q["text"], c["cited_text"]) or words_within(q["text"], c["quote_text"])


def test_speaker_filter(store):
    quotes = quotes_view(store, None, speaker="kirby")
    assert quotes and all(q["speaker"] == "John Kirby" for q in quotes)


def test_the_1700_discrepancy_is_cited(store):
    view = compare_view(store, _story(store))
    discrepancy = next(d for d in view["discrepancies"] if any("1,700" in v["value"] for v in d["values"]))
    values = {v["value"].split()[0] for v in discrepancy["values"]}
    assert {"1,700", "450-500"} <= values
    seeds = {_seed_of(store, c["article_id"]) for v in discrepancy["values"] for c in v["citations"]}
    assert {"000", "001", "002"} <= seeds
    unconfirmed = [v for v in discrepancy["values"] if v["status"] == "unconfirmed"]
    assert unconfirmed and all(_seed_of(store, c["article_id"]) == "002" for v in unconfirmed for c in v["citations"])
    assert any("could not be confirmed" in c["cited_text"] for v in unconfirmed for c in v["citations"])
    assert any(v["status"] == "disputed" for v in discrepancy["values"])


def test_coverage_and_naming(store):
    view = compare_view(store, _story(store))
    assert len(view["outlets"]) == 4
    naming = {row["name"]: row["forms"] for row in view["naming"]}
    forms = {f for per_outlet in naming["Islamic State"].values() for f in per_outlet[:1]}
    assert {"ISIL", "ISIS"} <= forms or {"ISIL", "Islamic State"} <= forms
    assert view["coverage"]["actors"] and view["coverage"]["quotes"] and view["coverage"]["claims"]


def test_us_iran_stance_moves_to_cooperation(store):
    pairs = stances_view(store, _storyline(store))
    pair = next(p for p in pairs if set(p["actors"]) == {"United States", "Iran"})
    periods = {p["period"]: p for p in pair["periods"]}
    june, september = periods["2014-06"], periods["2014-09"]
    assert june["relation"] in {"oppose", "mixed"}
    assert {"no coordination", "open to talks"} <= set(june["facets"])
    assert september["relation"] == "cooperate" and "joint action" in september["facets"]
    kirby_day = [a for a in pair["articles"] if a["date"] == "2014-06-16"]
    assert any(e["facet"] == "no coordination" and "no plan to coordinate" in e["cited_text"]
               for a in kirby_day for e in a["evidence"])


def test_cli_json(seeds_db, store):
    runner = CliRunner()
    story = _story(store)
    line = _storyline(store)
    for command in (["actors", story], ["quotes", "--speaker", "Psaki"], ["compare", story], ["stances", line],
                    ["actors", line]):
        result = runner.invoke(app, [*command, "--db", str(seeds_db), "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)
    result = runner.invoke(app, ["actors", "no-such-story", "--db", str(seeds_db)])
    assert result.exit_code != 0


def test_storyline_ids_are_accepted(store):
    by_line = actors_view(store, _storyline(store))
    assert {a["id"] for a in by_line} >= {a["id"] for a in actors_view(store, _story(store))}
    islamic_state = [a for a in by_line if "ISIL" in a["aliases"]]
    assert len(islamic_state) == 1 and islamic_state[0]["articles"] == 5  # one actor across both stories
