import json

from typer.testing import CliRunner

from storyline.cli import app

runner = CliRunner()


def test_ingest_stories_show_search_failures(tmp_path, seed_files):
    db = str(tmp_path / "cli.db")
    result = runner.invoke(app, ["ingest", *map(str, seed_files), "--db", db])
    assert result.exit_code == 0, result.output
    assert "5 ingested, 0 failed" in result.output
    stories = json.loads(runner.invoke(app, ["stories", "--db", db, "--json"]).output)
    # event-level stories: 000-003 (June 2014) are one story, 004 (Amerli, September) its own
    assert sorted(s["size"] for s in stories) == [1, 4]
    stories.sort(key=lambda s: -s["size"])
    detail = json.loads(runner.invoke(app, ["show", stories[0]["id"], "--db", db, "--json"]).output)
    assert detail["summary"] and all(c["cited_text"] == s["text"] for s in detail["summary"] for c in s["citations"]
                                     if c["kind"] == "exact")
    assert all(any(c["kind"] == "exact" for c in s["citations"]) for s in detail["summary"])
    shown = runner.invoke(app, ["show", stories[0]["id"], "--db", db])
    assert "Summary" in shown.output and "[1]" in shown.output
    hits = json.loads(runner.invoke(app, ["search", "Kerry", "--db", db, "--json"]).output)
    assert any("Kerry" in h["title"] for h in hits)
    again = runner.invoke(app, ["ingest", *map(str, seed_files), "--db", db])
    assert "0 ingested, 0 failed, 5 already stored" in again.output
    assert json.loads(runner.invoke(app, ["failures", "--db", db, "--json"]).output) == []


def test_failures_are_reported(tmp_path):
    db = str(tmp_path / "f.db")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    result = runner.invoke(app, ["ingest", str(bad), "--db", db])
    assert "0 ingested, 1 failed (storyline failures)" in result.output
    rows = json.loads(runner.invoke(app, ["failures", "--db", db, "--json"]).output)
    assert rows[0]["error_type"] == "EmptyInputError" and rows[0]["origin"].endswith("bad.txt")


def test_db_from_environment(tmp_path, seed_files, monkeypatch):
    db = tmp_path / "env.db"
    monkeypatch.setenv("STORYLINE_DB", str(db))
    runner.invoke(app, ["ingest", str(seed_files[0])])
    assert db.exists()


def test_unknown_story_is_a_clean_error(tmp_path):
    result = runner.invoke(app, ["show", "s-nope", "--db", str(tmp_path / "x.db")])
    assert result.exit_code != 0


def test_demo(tmp_path):
    result = runner.invoke(app, ["demo", "--db", str(tmp_path / "demo.db")])
    assert result.exit_code == 0, result.output
    assert "16 ingested, 1 failed" in result.output
    assert "Summary" in result.output and "Demo store:" in result.output


def test_timeline_update_and_export(tmp_path, demo_dir):
    db = str(tmp_path / "t.db")
    assert runner.invoke(app, ["ingest", str(demo_dir), "--db", db]).exit_code == 0
    stories = json.loads(runner.invoke(app, ["stories", "--db", db, "--json"]).output)
    strike = next(s for s in stories if "Dockworkers" in s["label"])
    shown = runner.invoke(app, ["show", strike["id"], "--db", db])
    assert "Summary" in shown.output and "Timeline" in shown.output and "2025-03-03" in shown.output
    timeline = json.loads(runner.invoke(app, ["timeline", strike["id"], "--db", db, "--json"]).output)
    assert timeline["timeline"] and all(c["cited_text"] == s["text"] for e in timeline["timeline"]
                                        for s in e["sentences"] for c in s["citations"])
    assert "2025-03-04" in runner.invoke(app, ["timeline", strike["id"], "--db", db]).output
    exported = json.loads(runner.invoke(app, ["export", strike["id"], "--format", "json", "--db", db]).output)
    assert exported["summary"] and exported["timeline"] and exported["sources"]
    assert all({"outlet", "title", "url"} <= set(s) for s in exported["sources"])
    cited = {c["article_id"] for s in exported["summary"] for c in s["citations"]}
    assert cited <= {s["id"] for s in exported["sources"]}
    out = tmp_path / "strike.md"
    assert runner.invoke(app, ["export", strike["id"], "--format", "md", "-o", str(out), "--db", db]).exit_code == 0
    markdown = out.read_text()
    assert "## Summary" in markdown and "## Timeline" in markdown and "## Sources" in markdown
    assert "(https://" in markdown
    update = json.loads(runner.invoke(app, ["update", strike["id"], "--since", "2025-03-05", "--db", db,
                                            "--json"]).output)
    assert update["summary"] and all(c["date"] > "2025-03-05" for s in update["summary"] for c in s["citations"])
    bad = runner.invoke(app, ["update", strike["id"], "--since", "soon", "--db", db])
    assert bad.exit_code != 0
