"""The annotate pass in the pipeline: incremental, and a failing article is recorded, not fatal."""

from __future__ import annotations

from storyline import Pipeline, Store, StorylineConfig
from storyline.nlp.annotate import Annotator
from storyline.store import annotated_ids, load_entities

RULES = StorylineConfig().replace("nlp", use_spacy=False)


def test_failing_article_is_recorded_and_the_rest_annotated(tmp_store, demo_dir, monkeypatch):
    original = Annotator.annotate_one

    def flaky(self, article, doc=None):
        if "Bronze Age" in (article.title or ""):
            raise RuntimeError("boom")
        return original(self, article, doc)

    monkeypatch.setattr(Annotator, "annotate_one", flaky)
    report = Pipeline(tmp_store, RULES).run([demo_dir])
    failures = [f for f in tmp_store.failures() if f.stage == "annotate"]
    assert len(failures) == 1 and "boom" in failures[0].message
    done = annotated_ids(tmp_store, [a.id for a in tmp_store.articles()])
    assert len(done) == len(report.ingested) - 1
    assert load_entities(tmp_store)


def test_annotation_is_incremental(tmp_store, demo_dir, monkeypatch):
    pipeline = Pipeline(tmp_store, RULES)
    pipeline.run([demo_dir])
    calls = []
    monkeypatch.setattr(Annotator, "annotate", lambda self, articles: calls.append(len(articles)) or [])
    pipeline.annotate_stories([row.id for row in tmp_store.stories()])
    assert calls == []  # every article already annotated: only resolution runs again


def test_spacy_worker_processes_annotate_exactly_as_one_process(annotator, demo_pipeline_store):
    import dataclasses

    import pytest

    from storyline import Store

    if annotator.model.get() is None:
        pytest.skip("spaCy model not installed (the nlp extra): nothing runs in worker processes")
    with Store(demo_pipeline_store) as store:
        articles = store.articles()
    assert len(articles) > 2 * 2  # more than two batches of 2: the workers are used
    single = Annotator(dataclasses.replace(annotator.config, batch_size=2))
    single.model = annotator.model  # the same loaded model
    parallel = Annotator(dataclasses.replace(annotator.config, batch_size=2, processes=2))
    parallel.model = annotator.model
    assert parallel.annotate(articles) == single.annotate(articles)


def test_the_quote_citation_check_catches_a_span_that_does_not_hold_its_quote(demo_pipeline_store, tmp_path):
    import json
    import shutil

    from tests.conftest import quote_citations_hold

    copy = tmp_path / "tampered.db"
    shutil.copy(demo_pipeline_store, copy)
    assert quote_citations_hold(str(copy)) == []
    with Store(copy) as store:
        row = store.db.execute("SELECT id, start, end, parts FROM quotes WHERE kind = 'quote' AND direct = 1 "
                               "ORDER BY id LIMIT 1").fetchone()
        shift = row["end"] - row["start"] + 40  # the same length, further on: other words
        parts = [[a + shift, b + shift] for a, b in json.loads(row["parts"])]
        store.db.execute("UPDATE quotes SET start = ?, end = ?, parts = ? WHERE id = ?",
                         (row["start"] + shift, row["end"] + shift, json.dumps(parts), row["id"]))
    problems = quote_citations_hold(str(copy))
    copy.unlink()  # the session's own check must not see it
    assert problems and "does not hold the quote" in problems[0]
