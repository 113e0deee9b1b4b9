"""Shared fixtures: a temporary store, the seeds and demo corpus, and an ingest helper."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from storyline import Pipeline, Store, StorylineConfig
from storyline.cli import demo_corpus_path
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
