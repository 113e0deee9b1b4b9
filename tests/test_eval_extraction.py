"""``storyline eval extraction`` on a 20-page subset of scrapinghub, with floors under the full-set scores.

Full set (181 pages, docs/results.md): HTML F1 0.9695 (trafilatura 0.9525, readability 0.9544);
scraped-text cleaner F1 0.8841 (jusText 0.7676, keep everything 0.6719).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from storyline.cli import app

from .conftest import shared_data

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def subset() -> dict[str, dict[str, dict[str, float]]]:
    data = shared_data("extraction", "scrapinghub")
    result = CliRunner().invoke(app, ["eval", "extraction", "--data", str(data), "--limit", "20", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout[result.stdout.index("{"):])


def test_html_extraction_beats_both_single_extractors(subset):
    scores = subset["scrapinghub html (20 pages)"]
    assert set(scores) == {"storyline", "trafilatura", "readability"}
    assert scores["storyline"]["f1"] >= 0.96
    assert scores["storyline"]["f1"] > max(scores["trafilatura"]["f1"], scores["readability"]["f1"])


def test_scrape_cleaner_beats_justext_and_keeping_everything(subset):
    scores = subset["scrapinghub scraped text (20 pages)"]
    assert scores["storyline"]["f1"] >= 0.87
    assert scores["storyline"]["f1"] > scores["justext"]["f1"] > scores["keep_everything"]["f1"]
    assert scores["keep_everything"]["recall"] > 0.95  # the naive scrape holds the article
