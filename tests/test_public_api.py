import storyline


def test_all_matches_exports():
    exported = {name for name in dir(storyline) if not name.startswith("_")}
    assert set(storyline.__all__) <= exported
    modules = {"cli", "cluster", "config", "errors", "extract", "ingest", "model", "pipeline", "store",
               "summarize", "text", "views", "logging", "eval", "watch", "report", "nlp", "compare",
               "provenance", "api", "isolation", "scale", "page_views"}
    assert exported - set(storyline.__all__) - modules == set()
