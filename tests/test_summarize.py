"""Cited summaries, update summaries and timelines over the demo corpus and the seeds."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline import Pipeline, Store
from storyline.cli import demo_corpus_path
from storyline.config import SummarizeConfig, TimelineConfig
from storyline.model import Article
from storyline.store import storylines as storylines_store
from storyline.summarize import build_candidates, build_timeline, summarize_articles, update_summary
from storyline.summarize.candidates import is_dependent
from storyline.summarize.extractive import speakerless_quote
from storyline.summarize.update import parse_time, published_after
from tests.conftest import SEEDS, shared_data

_QUOTE = re.compile(r"[“\"]([^”\"]{3,})[”\"]")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, list[Article]]:
    """Storylines of the demo corpus plus the seeds (when available): label -> all their articles."""
    paths = [demo_corpus_path()]
    if SEEDS.exists():
        paths.append(SEEDS / "000_b2cc618473fad162.txt")
        paths += sorted(p for p in SEEDS.glob("*.txt") if not p.name.startswith("000"))
    with Store(tmp_path_factory.mktemp("summ") / "s.db") as store:
        Pipeline(store).run(paths)
        return {line.storyline.label: store.articles([a for story in line.stories for a in story.story.article_ids])
                for line in storylines_store.load_storylines(store)}


def _story(corpus: dict[str, list[Article]], word: str) -> list[Article]:
    return next(articles for label, articles in corpus.items() if word in label)


def _check_citations(sentences, articles: list[Article]) -> None:
    by_id = {a.id: a for a in articles}
    for sentence in sentences:
        assert sentence.citations
        for c in sentence.citations:
            assert by_id[c.article_id].text[c.start:c.end] == sentence.text
            assert any((s.start, s.end) == (c.start, c.end) for s in by_id[c.article_id].sentences)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_citation_is_its_sentence(corpus, data):
    """Property: over any subset of any story, summaries, timelines and updates cite exact sentence spans."""
    articles = data.draw(st.sampled_from(sorted(corpus.values(), key=lambda a: a[0].id)))
    subset = data.draw(st.lists(st.sampled_from(articles), min_size=1, unique_by=lambda a: a.id))
    budget = data.draw(st.integers(min_value=20, max_value=300))
    summary = summarize_articles("s", subset, SummarizeConfig(max_words=max(budget, 10)))
    _check_citations(summary.sentences, subset)
    assert sum(len(s.text.split()) for s in summary.sentences) <= budget + 0 or len(summary.sentences) <= 1
    timeline = build_timeline("s", subset)
    for entry in timeline.entries:
        _check_citations(entry.sentences, subset)
    since = data.draw(st.dates(min_value=date(2014, 6, 1), max_value=date(2025, 3, 12)))
    update = update_summary("s", subset, since)
    _check_citations(update.sentences, subset)


def test_quotes_are_verbatim_in_a_cited_article(corpus):
    quotes = 0
    for articles in corpus.values():
        by_id = {a.id: a for a in articles}
        for sentence in summarize_articles("s", articles).sentences:
            for quote in _QUOTE.findall(sentence.text):
                quotes += 1
                assert any(quote in by_id[c.article_id].text for c in sentence.citations)
    assert quotes > 0


def test_wire_sentence_is_one_candidate_citing_every_carrier(corpus):
    strike = _story(corpus, "strike")
    shared = [c for c in build_candidates(strike) if "12 percent pay rise" in c.text]
    assert len(shared) == 1 and len(shared[0].article_ids) >= 2


def test_summary_reaches_the_end_of_the_story(corpus):
    strike = _story(corpus, "strike")
    summary = summarize_articles("s", strike)
    cited = {c.article_id for s in summary.sentences for c in s.citations}
    deal = next(a for a in strike if "deal" in (a.title or ""))
    assert deal.id in cited, "the final deal article must be summarised"
    assert len({a.day for a in strike if a.id in cited}) >= 3


def test_no_summary_opens_with_a_dangling_pronoun(corpus):
    for articles in corpus.values():
        summary = summarize_articles("s", articles)
        assert summary.sentences
        assert not is_dependent(summary.sentences[0].text)


def test_a_sentence_from_inside_a_quotation_is_never_chosen():
    from storyline.eval.summarization import make_article

    text = ("Talks between the port authority and the dockworkers' union broke down on Monday in Harlow.\n\n"
            "“We will not sign this offer. Our members deserve a fair deal for the work they do every night. "
            "We are ready to strike,” union leader Ana Reyes said after the meeting.\n\n"
            "The port authority said it would present a new offer to the union on Thursday morning.")
    article = make_article("a-1", text, "2026-03-02")
    candidates = build_candidates([article], min_words=4)
    inside = {c.text for c in candidates if c.in_quotation}
    assert inside == {"Our members deserve a fair deal for the work they do every night.",
                      "We are ready to strike,” union leader Ana Reyes said after the meeting."}
    # the piece that names its speaker may stand alone; the one that does not, never
    summary = summarize_articles("s", [article], SummarizeConfig(min_words=4))
    chosen = {s.text for s in summary.sentences}
    assert summary.sentences and "Our members deserve a fair deal for the work they do every night." not in chosen
    assert [c.text for c in candidates if speakerless_quote(c)] == [
        "“We will not sign this offer.", "Our members deserve a fair deal for the work they do every night."]


def test_articles_sharing_an_id_in_one_batch_are_each_read_whole():
    # DUC 2004 clusters list some documents twice; each copy's sentences are its own
    from storyline.eval.summarization import make_article

    short = make_article("a-1", "The harbour reopened on Tuesday after the storm passed over the coast.", "2026-03-02")
    long = make_article("a-1", "Ferries resumed their crossings on Wednesday morning. “The sea is calm. We sail "
                        "again,” the captain said. Tickets sold out within an hour of the announcement.", "2026-03-02")
    candidates = build_candidates([long, short], min_words=3)
    assert [c.in_quotation for c in candidates if c.text.startswith("We sail")] == [True]


def test_word_budget_is_respected(corpus):
    for articles in corpus.values():
        summary = summarize_articles("s", articles, SummarizeConfig(max_words=60))
        assert sum(len(s.text.split()) for s in summary.sentences) <= 60 or len(summary.sentences) == 1


def test_large_stories_select_from_a_bounded_pool(corpus, monkeypatch):
    """Selection is pairwise (quadratic), so only ``max_candidates`` candidates reach it."""
    from storyline.summarize import extractive

    sizes = []
    real = extractive.featurize

    def recording(texts, *args, **kwargs):
        sizes.append(len(texts))
        return real(texts, *args, **kwargs)

    monkeypatch.setattr(extractive, "featurize", recording)
    articles = [a for group in corpus.values() for a in group]
    assert len(build_candidates(articles, SummarizeConfig().min_words)) > 40
    summary = summarize_articles("all", articles, SummarizeConfig(max_candidates=40))
    assert sizes and max(sizes) <= 40
    assert summary.sentences
    _check_citations([s for s in summary.sentences if all(c.kind == "exact" for c in s.citations)], articles)


@pytest.mark.parametrize("since", ["2025-03-03", "2025-03-04", "2025-03-05", "2025-03-06", "2025-03-08"])
def test_update_summary_cites_only_articles_after_t(corpus, since):
    moment = parse_time(since)
    for articles in corpus.values():
        after = {a.id for a in articles if published_after(a, moment)}
        update = update_summary("s", articles, since)
        cited = {c.article_id for s in update.sentences for c in s.citations}
        assert cited <= after
        if not after:
            assert not update.sentences


def test_update_summary_reports_what_is_new(corpus):
    strike = _story(corpus, "strike")
    update = update_summary("s", strike, "2025-03-05")
    text = " ".join(s.text for s in update.sentences)
    assert "deal" in text or "agreement" in text
    old = {s for a in strike if not published_after(a, parse_time("2025-03-05")) for s in a.sentence_texts()}
    assert not any(s.text in old for s in update.sentences)


def test_demo_timeline_dates_are_grounded(corpus):
    strike = _story(corpus, "strike")
    timeline = build_timeline("s", strike)
    days = [e.date for e in timeline.entries]
    assert days == sorted(days)
    assert {"2025-03-03", "2025-03-04"} <= set(days)
    assert all(e.precision == "day" for e in timeline.entries)   # every demo article has a stated date
    assert all(1 <= len(e.sentences) <= 2 for e in timeline.entries)


def test_timeline_length_follows_config(corpus):
    flood = _story(corpus, "Tessen")
    timeline = build_timeline("s", flood, TimelineConfig(max_dates=2, sentences_per_date=1))
    assert len(timeline.entries) == 2 and all(len(e.sentences) == 1 for e in timeline.entries)


def test_seed_timeline(corpus):
    shared_data("seeds")
    seeds = _story(corpus, "Iran")
    timeline = build_timeline("s", seeds)
    entries = {e.date: e for e in timeline.entries if e.precision == "day"}
    june16 = " ".join(s.text for s in entries["2014-06-16"].sentences)
    assert "Kerry" in june16 and "Pentagon" in june16
    amerli = [s.text for d in ("2014-08-31", "2014-09-01") if d in entries for s in entries[d].sentences]
    assert any("Amerli" in t for t in amerli)
    # 003 has no dateline: its only date is a file-photo caption, so its "on Sunday" stays ungrounded
    undated = next(a for a in seeds if a.date and a.date.inferred and "rejects" in (a.title or ""))
    for entry in timeline.entries:
        for sentence in entry.sentences:
            if any(c.article_id == undated.id for c in sentence.citations) and entry.precision == "day":
                assert re.search(r"\b(?:19|20)\d\d\b", sentence.text), "only self-contained dates are grounded"
    approximate = [e for e in timeline.entries if e.precision != "day"]
    assert approximate and all(any(c.article_id == undated.id for s in e.sentences for c in s.citations)
                               or e.precision == "week" for e in approximate)


def test_storyline_ids_are_accepted(tmp_path, demo_dir):
    from storyline.errors import NotFoundError
    from storyline.views import export_markdown, subject_report
    with Store(tmp_path / "l.db") as store:
        Pipeline(store).run([demo_dir])
        lines = storylines_store.load_storylines(store)
        assert lines
        line = max(lines, key=lambda row: (len(row.stories), row.storyline.id))
        report = subject_report(store, line.storyline.id)
        members = {a for story in line.stories for a in story.story.article_ids}
        assert report["kind"] == "storyline" and report["summary"] and report["timeline"]
        assert {s["id"] for s in report["sources"]} <= members
        assert "## Timeline" in export_markdown(report)
        with pytest.raises(NotFoundError):
            subject_report(store, "l-404")
