"""Shared fixtures: a temporary store, the seeds and demo corpus, and an ingest helper.

Every store a test builds is checked after the test: each quote a view shows is held by every
span it cites (``quote_citations_hold``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from storyline import Pipeline, Store, StorylineConfig
from storyline.cli import demo_corpus_path
from storyline.model import Span
from storyline.pipeline import IngestReport

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SEEDS = SHARED_DATA / "seeds"


def shared_data(*parts: str) -> Path:
    """Return a path under ../shared/data, skipping the test when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return path


@pytest.fixture
def tmp_store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "test.db") as store:
        yield store


@pytest.fixture
def ingest(tmp_store: Store) -> Callable[..., IngestReport]:
    """Run the whole pipeline over paths into the temporary store."""

    def run(*paths: Path, config: StorylineConfig | None = None) -> IngestReport:
        return Pipeline(tmp_store, config).run(list(paths))

    return run


@pytest.fixture
def seed_files() -> list[Path]:
    shared_data("seeds")
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture
def demo_dir() -> Path:
    return demo_corpus_path()


@pytest.fixture
def news_site() -> Iterator:
    """An invented news site on 127.0.0.1 (feeds, pages and bad cases; see tests/news_site.py)."""
    from tests.news_site import RunningSite

    running = RunningSite()
    try:
        yield running.site
    finally:
        running.stop()


@pytest.fixture(scope="session")
def annotator():
    """One annotator (and spaCy model) for the whole test session: loading spaCy is slow."""
    from storyline.config import NlpConfig
    from storyline.nlp.annotate import Annotator

    return Annotator(NlpConfig())


@pytest.fixture(scope="session")
def rules_annotator():
    """The model-free fallback annotator."""
    from storyline.config import NlpConfig
    from storyline.nlp.annotate import Annotator

    return Annotator(NlpConfig(use_spacy=False))


@pytest.fixture(scope="session")
def demo_pipeline_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the demo corpus run through the whole pipeline, built once per session.

    Read it, or copy it before changing it (tests/test_integrity.py, tests/test_reliability.py).
    """
    db = tmp_path_factory.mktemp("demo-pipeline") / "demo.db"
    with Store(db) as store:
        Pipeline(store).run([demo_corpus_path()])
    return db


def quote_citations_hold(path: str) -> list[str]:
    """Check one store: every quote ``quotes_view`` shows is held, word for word, by each span it cites.

    Each citation's ``cited_text`` is the article text at its span, its parts lie inside that span,
    its own wording is what those parts say, and the quote's shown ``text`` occurs unbroken in that
    wording. Parts that are not spans of the text at all are ``check_store``'s to report. Returns the
    problems found (empty: fine).
    """
    from storyline.errors import StorylineError
    from storyline.nlp.merge import words_within
    from storyline.nlp.quote_marks import join_parts, part_text
    from storyline.views.actors import quotes_view

    problems: list[str] = []
    try:
        store = Store(path)
    except (StorylineError, sqlite3.DatabaseError):
        return problems  # a store a test broke on purpose
    with store:
        try:
            rows = quotes_view(store)
        except (StorylineError, sqlite3.DatabaseError, ValueError):  # a broken store: its own test reports it
            return problems
        texts = {a.id: a.text for a in store.articles({c["article_id"] for r in rows for c in r["citations"]})}
    for row in rows:
        for c in row["citations"]:
            text = texts[c["article_id"]]
            if not all(0 <= a < b <= len(text) for a, b in c["parts"]):
                continue  # a row damaged on purpose: spans out of order are check_store's to report
            where = f"{path}: quote {row['text'][:50]!r} cites {c['article_id']} [{c['start']}, {c['end']})"
            if c["cited_text"] != text[c["start"]:c["end"]]:
                problems.append(f"{where}: cited text is not the article's text there")
            if not all(c["start"] <= a < b <= c["end"] for a, b in c["parts"]):
                problems.append(f"{where}: parts outside the cited span")
            wording = join_parts([part_text(text, Span(a, b)) for a, b in c["parts"]]) if row["direct"] \
                else c["quote_text"]
            if not words_within(c["quote_text"], wording) or not words_within(row["text"], c["quote_text"]):
                problems.append(f"{where}: the cited span does not hold the quote")
    return problems


@pytest.fixture(scope="session", autouse=True)
def _stores_opened() -> Iterator[set[str]]:
    """The store files opened since the last check (``Store.__init__`` records its path)."""
    opened: set[str] = set()
    original = Store.__init__

    def recording(self: Store, path: str | Path) -> None:
        original(self, path)
        if self.path != ":memory:":
            opened.add(self.path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Store, "__init__", recording)
        yield opened


@pytest.fixture(autouse=True)
def _quotes_hold_their_citations(_stores_opened: set[str]) -> Iterator[None]:
    """After each test, check every store it (or a fixture it uses) opened: see ``quote_citations_hold``."""
    yield
    pending = sorted(_stores_opened)
    _stores_opened.clear()
    problems = []
    for path in pending:
        if Path(path).exists():
            with suppress(OSError):
                problems += quote_citations_hold(path)
    _stores_opened.clear()  # the check's own openings
    assert not problems, "\n".join(problems[:10])

