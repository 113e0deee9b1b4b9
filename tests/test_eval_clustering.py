"""Clustering evaluation on subsets of the shared sets (floors just under the measured subset numbers)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.config import ClusterConfig
from storyline.eval.clustering import evaluate_ecbplus, evaluate_googlenews
from storyline.eval.clustering_messy import evaluate_t17_mixed
from tests.conftest import shared_data

pytestmark = pytest.mark.slow


def test_googlenews_subset_quality():
    # measured on TS[:2000] with defaults: NMI 0.955, ARI 0.862, B-cubed F1 0.876 (the story refinement costs this
    # subset 0.007 NMI and gives it 0.006 ARI: it cuts small one-event stories too; on the full set it adds,
    # docs/results.md)
    result = evaluate_googlenews(shared_data("clustering", "googlenews"), "TS", ClusterConfig(), limit=2000,
                                 baselines=False, shuffles=0)
    ours = result.metrics["storyline"]
    assert ours["nmi"] >= 0.95 and ours["ari"] >= 0.85 and ours["bcubed_f1"] >= 0.87
    assert result.metrics["storyline_threshold_-20%"]["nmi"] >= 0.94
    assert result.metrics["storyline_threshold_+20%"]["nmi"] >= 0.94


@pytest.fixture(scope="module")
def ecbplus_subset():
    return evaluate_ecbplus(shared_data("clustering", "ecbplus"), ClusterConfig(), limit=10, baselines=False,
                            shuffles=0, samples=5)


def test_ecbplus_subset_quality(ecbplus_subset):
    # measured on the first 10 topics with defaults: sub-event B3 F1 0.914, topic B3 F1 0.928 (storylines)
    ours = ecbplus_subset.metrics["storyline"]
    assert ours["subevent_bcubed_f1"] >= 0.905 and ours["topic_bcubed_f1"] >= 0.92
    assert ours["topic_nmi"] >= 0.95


def test_ecbplus_without_dates_and_titles_and_mixed_samples(ecbplus_subset):
    # measured on the first 10 topics: undated sub-event B3 F1 0.917 (gap 0.003 to the dated run); 5 samples of
    # ten unrelated sub-events, undated and untitled: story B3 F1 0.997 (min 0.984), no storyline mixing two of
    # them; 5 samples of five twin pairs: 0.865 (min 0.813), no storyline mixing two topics
    result = ecbplus_subset
    undated = result.metrics["storyline_undated"]
    assert undated["subevent_bcubed_f1_gap_to_dated"] <= 0.02 and undated["subevent_bcubed_f1"] >= 0.9
    assert result.metrics["storyline_pipeline_order"]["subevent_bcubed_f1"] >= 0.88
    unrelated, twins = result.metrics["storyline_undated_samples"], result.metrics["storyline_sibling_samples"]
    assert unrelated["subevent_bcubed_f1_min"] >= 0.95 and unrelated["storyline_bcubed_precision_min"] >= 0.95
    assert twins["subevent_bcubed_f1"] >= 0.84 and twins["storyline_bcubed_precision"] >= 0.95


def test_t17_mixed_stream_subset():
    # measured on 60 articles per topic (420, spread over each topic's days): storylines against topics B3 F1 0.833
    # (P 0.859: on this thin subset Libya and Syria share a storyline; on the full stream P is 0.968, see
    # docs/results.md), stories 1.0 pure dated, 0.958 undated; 3 overlap samples: storyline P 0.913
    result = evaluate_t17_mixed(shared_data("timelines", "t17"), ClusterConfig(), per_topic=60, baselines=False,
                                samples=3)
    dated, undated = result.metrics["storyline"], result.metrics["storyline_undated"]
    assert dated["storyline_bcubed_f1"] >= 0.8 and dated["storyline_bcubed_precision"] >= 0.83
    assert dated["story_bcubed_precision"] >= 0.98 and undated["story_bcubed_precision"] >= 0.93
    assert dated["largest_storyline_share"] <= 0.4  # no storyline swallows the stream
    assert result.metrics["storyline_overlap_samples"]["storyline_bcubed_precision"] >= 0.85


def test_eval_command_reports_baselines_side_by_side():
    folder = shared_data("clustering", "googlenews")
    result = CliRunner().invoke(app, ["eval", "clustering", "--data", str(folder), "--limit", "200",
                                      "--shuffles", "2", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    ts = data["googlenews-TS[:200]"]
    assert {"storyline", "singlepass_tuned", "sklearn_kmeans_true_k", "storyline_shuffled"} <= set(ts)
    assert all(0 <= ts[system]["nmi"] <= 1 for system in ts)
