import json

import pytest
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
    strike = next(s for s in stories if "strike" in s["label"].lower() or "Dockworkers" in s["label"])
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


# -- the newcomer's path: help pages, stores opened on purpose, info, article, search -----------------

def _commands(command, path=()):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def _flat(text: str) -> str:
    """Help output without its box drawing and line wrapping, for substring checks."""
    return " ".join(text.replace("│", " ").replace("╭", " ").replace("╰", " ").split())


def test_every_help_page_shows_its_text_with_brackets_intact():
    """Rich markup in help ate "[spark]" and every "[default: ...]"; each help text must appear as written."""
    import typer

    root = typer.main.get_command(app)
    pages = 0
    for path, command in _commands(root):
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "400", "TERMINAL_WIDTH": "400"})
        assert result.exit_code == 0, (path, result.output)
        shown = _flat(result.output)
        texts = [command.help or ""] + [getattr(p, "help", None) or "" for p in command.params]
        for text in texts:
            # a help text's first paragraph is shown as written; "\[" is how a literal bracket is written
            intended = _flat(text.split("\n\n")[0].replace("\\[", "["))
            assert intended in shown, (path, intended)
        pages += 1
    assert pages > 30
    shown = _flat(runner.invoke(app, ["--help"], env={"COLUMNS": "400"}).output)
    assert "pip install 'storyline[spark]'" in shown
    db_help = _flat(runner.invoke(app, ["stories", "--help"], env={"COLUMNS": "400"}).output)
    assert "[default: storyline.db in the user data dir, or $STORYLINE_DB]" in db_help


def test_every_command_is_in_a_help_group():
    from storyline.cli import COMMAND_GROUPS

    grouped = {name for names in COMMAND_GROUPS.values() for name in names}
    import typer

    assert set(typer.main.get_command(app).commands) == grouped


def test_errors_and_stored_text_print_brackets_literally(tmp_path, monkeypatch, capsys):
    import sys

    from storyline.cli import main

    db = tmp_path / "b.db"
    page = tmp_path / "[web] [bold] page.txt"
    page.write_text("[bold]Title with [web] in it[/bold]\n\n" + "The flood defences at [red]Lowmarsh held. " * 20)
    assert runner.invoke(app, ["ingest", str(page), "--db", str(db)]).exit_code == 0
    monkeypatch.setattr(sys, "argv", ["storyline", "article", "[web] nope", "--db", str(db)])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 1
    assert "no article '[web] nope'" in capsys.readouterr().err
    article_id = json.loads(runner.invoke(app, ["search", "Lowmarsh", "--db", str(db), "--json"]).output)[0]["id"]
    shown = runner.invoke(app, ["article", article_id, "--db", str(db)]).output
    assert "[red]Lowmarsh" in shown


READ_COMMANDS = [
    ["stories"], ["show", "s-x"], ["article", "a-x"], ["search", "x"], ["failures"], ["timeline", "s-x"],
    ["update", "s-x", "--since", "2025-01-01"], ["export", "s-x"], ["storylines"], ["whatsnew", "--since-last"],
    ["actors", "s-x"], ["quotes"], ["stances", "s-x"], ["compare", "s-x"], ["provenance", "s-x"],
    ["diff", "a-x", "a-y"], ["annotate"], ["check"], ["info"], ["sources"], ["serve"],
]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: a[0])
def test_commands_other_than_ingest_refuse_a_missing_store(tmp_path, args):
    db = tmp_path / "typo" / "news.db"
    result = runner.invoke(app, [*args, "--db", str(db)])
    assert result.exit_code != 0
    assert str(result.exception) == f"no store at {db}; ingest first or pass --db"
    assert not db.parent.exists()  # nothing created, not even the folder


def test_info_names_the_store_and_what_it_holds(tmp_path, demo_dir, monkeypatch):
    db = tmp_path / "info.db"
    assert runner.invoke(app, ["ingest", str(demo_dir), "--db", str(db)]).exit_code == 0
    view = json.loads(runner.invoke(app, ["info", "--db", str(db), "--json"]).output)
    assert view["path"] == str(db.resolve()) and view["chosen_by"] == "--db" and view["size_bytes"] > 0
    assert (view["articles"], view["failures"], view["stories"]) == (16, 1, 5)
    assert view["outlets"] >= 4 and view["storylines"] >= 1 and view["first_day"] <= view["last_day"]
    monkeypatch.setenv("STORYLINE_DB", str(db))
    shown = runner.invoke(app, ["info"], env={"COLUMNS": "300"}).output
    assert str(db.resolve()) in shown and "$STORYLINE_DB" in shown and "16 articles" in shown
    assert "1 failure (storyline failures)" in shown


def test_article_prints_clean_text_and_metadata(demo_pipeline_store):
    db = str(demo_pipeline_store)
    hits = json.loads(runner.invoke(app, ["search", "dockworkers", "--db", db, "--json"]).output)
    view = json.loads(runner.invoke(app, ["article", hits[0]["id"], "--db", db, "--json"]).output)
    assert view["id"] == hits[0]["id"] and view["text"] and view["story_id"]
    assert {"title", "outlet", "url", "date", "warnings", "origin"} <= set(view)
    shown = runner.invoke(app, ["article", hits[0]["id"], "--db", db]).output
    assert view["text"].split("\n\n")[0][:40] in " ".join(shown.split())
    assert view["outlet"] in shown and view["story_id"] in shown


def test_search_finds_other_names_of_an_actor_and_stays_in_a_story(demo_pipeline_store):
    db = str(demo_pipeline_store)
    # the Valmora Herald names only "Financial Supervisory Authority of Corvania"; the NLP pass learnt
    # "FSAC" as its other name from the wire copy that defines the acronym
    hits = json.loads(runner.invoke(app, ["search", "FSAC", "--db", db, "--json"]).output)
    texts = [runner_json(["article", h["id"], "--db", db, "--json"])["text"] for h in hits]
    assert any("FSAC" not in t and "Financial Supervisory Authority" in t for t in texts)
    assert "also searched: Financial Supervisory Authority of Corvania" in runner.invoke(
        app, ["search", "FSAC", "--db", db]).output
    stories = runner_json(["stories", "--db", db, "--json"])
    strike = next(s for s in stories if "port strike" in s["label"])
    everywhere = runner_json(["search", "Corvania", "--db", db, "--json"])
    inside = runner_json(["search", "Corvania", "--story", strike["id"], "--db", db, "--json"])
    assert inside and len(inside) < len(everywhere) and {h["id"] for h in inside} <= set(strike["article_ids"])
    assert runner.invoke(app, ["search", "Valmora", "--story", "s-nope", "--db", db]).exit_code != 0


def runner_json(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_one_citation_numbering_in_show_timeline_export_and_the_web_pages(demo_pipeline_store):
    import re

    from fastapi.testclient import TestClient

    from storyline.api import create_app

    db = str(demo_pipeline_store)
    strike = next(s for s in runner_json(["stories", "--db", db, "--json"]) if "port strike" in s["label"])
    shown = runner_json(["show", strike["id"], "--db", db, "--json"])
    numbers = {a["id"]: a["number"] for a in shown["articles"] if a["number"]}
    assert sorted(numbers.values()) == list(range(1, len(numbers) + 1)) and len(numbers) >= 3
    cited = [c for s in shown["summary"] for c in s["citations"]]
    cited += [c for e in shown["timeline"] for s in e["sentences"] for c in s["citations"]]
    assert all(c["number"] == numbers[c["article_id"]] for c in cited)
    for command in (["timeline", strike["id"], "--json"], ["export", strike["id"], "--format", "json"]):
        report = runner_json([*command, "--db", db])
        assert {s["id"]: s["number"] for s in report["sources"]} == numbers, command
    markdown = runner.invoke(app, ["export", strike["id"], "--db", db]).output
    assert {m[1]: int(m[0]) for m in re.findall(r"^(\d+)\. .*\(`(a-[0-9a-f]+)`\)$", markdown, re.M)} == numbers
    printed = runner.invoke(app, ["show", strike["id"], "--db", db], env={"COLUMNS": "300"}).output
    assert all(f"[{n}] " in printed and a in printed.split(f"[{n}] ", 1)[1].split("\n", 1)[0]
               for a, n in numbers.items())
    cite = re.compile(r'href="/articles/(a-[0-9a-f]+)\?start=\d+&amp;end=\d+#cited"[^>]*>\[(\d+)\]</a>')
    with TestClient(create_app(demo_pipeline_store)) as client:
        story_page = client.get(f"/stories/{strike['id']}").text
        timeline_page = client.get(f"/timeline/{strike['id']}").text
    on_story_page = {a: int(n) for a, n in cite.findall(story_page)}
    assert on_story_page and all(numbers[a] == n for a, n in on_story_page.items())
    assert {a: int(n) for a, n in cite.findall(timeline_page)} == numbers


def test_folder_ingest_reads_gzipped_files_and_says_what_it_skipped(tmp_path, demo_dir):
    import gzip
    import os

    folder = tmp_path / "crawl"
    (folder / "pages").mkdir(parents=True)
    (folder / ".cache").mkdir()
    page = (demo_dir / "corvania-times-levee-breach.html").read_bytes()
    (folder / "pages" / "levee.html.gz").write_bytes(gzip.compress(page))
    (folder / "pages" / "river.htm.gz").write_bytes(gzip.compress((demo_dir / "riverside-observer-flood-recovery"
                                                                                ".html").read_bytes()))
    (folder / "hoard.txt.gz").write_bytes(gzip.compress((demo_dir / "hollin-weekly-bronze-age-hoard.txt").read_bytes()))
    (folder / "wire.jsonl.gz").write_bytes(gzip.compress((demo_dir / "wire-feed.jsonl").read_bytes()))
    (folder / "broken.html.gz").write_bytes(gzip.compress(page)[:-40])
    for name in ("memo.docx", "scan.pdf", "notes.docx", ".cache/old.txt"):
        (folder / name).write_text("x")
    os.symlink(demo_dir / "tessen-courier-river-rising.txt", folder / "linked.txt")
    db = tmp_path / "gz.db"
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(db)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    wire_lines = len((demo_dir / "wire-feed.jsonl").read_text().splitlines())
    assert f"{3 + wire_lines} ingested, 1 failed" in result.output
    assert ("skipped 5 files in folders: unsupported types 2 .docx, 1 .pdf; 1 hidden (its name or a folder's "
            "starts with a dot); 1 symbolic link (name the file itself to read it) (--verbose lists them)"
            ) in result.output
    failure = runner_json(["failures", "--db", str(db), "--json"])[0]
    assert failure["origin"].endswith("broken.html.gz") and failure["error_type"] == "DecodeError"
    verbose = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "-v"], env={"COLUMNS": "300"}).output
    assert f"skipped {folder / 'memo.docx'}  unsupported type .docx" in verbose
    report = runner_json(["ingest", str(folder), "--db", str(db), "--json"])
    assert sorted(s["reason"] for s in report["skipped"])[0] == "hidden (its name or a folder's starts with a dot)"
    # the gzipped page is the same article as the page itself: its id is the hash of the inflated bytes
    again = runner_json(["ingest", str(demo_dir / "corvania-times-levee-breach.html"), "--db", str(db), "--json"])
    assert again["ingested"] == [] and again["duplicates"] == 1


def test_empty_listings_say_so(tmp_path, demo_dir):
    db = tmp_path / "ok.db"
    assert runner.invoke(app, ["ingest", str(demo_dir / "tessen-courier-river-rising.txt"), "--db", str(db)]
                         ).exit_code == 0
    assert runner.invoke(app, ["failures", "--db", str(db)]).output.strip() == \
        "No failures recorded: every input was ingested."
    from storyline.store import Store

    Store(tmp_path / "empty.db").close()
    assert runner.invoke(app, ["sources", "--db", str(tmp_path / "empty.db")]).output.startswith("No polled sources")


def test_search_for_isis_finds_an_article_that_says_isil(tmp_path):
    records = [
        {"title": "Offensive near Tal Afar", "outlet": "Wire", "date": "2014-06-16",
         "text": "ISIL fighters advanced on Tal Afar on Monday, officials in Baghdad said, as thousands of "
                 "families fled the town toward the Kurdish region in the north of the country. " * 3},
        {"title": "Harvest festival opens", "outlet": "Gazette", "date": "2014-06-16",
         "text": "The harvest festival opened in the valley on Monday with music and a parade through the old "
                 "town, and the organisers said they expected record crowds this year. " * 3},
    ]
    source = tmp_path / "two.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records))
    db = str(tmp_path / "isis.db")
    assert runner.invoke(app, ["ingest", str(source), "--db", db]).exit_code == 0
    hits = runner_json(["search", "ISIS", "--db", db, "--json"])
    assert [h["title"] for h in hits] == ["Offensive near Tal Afar"] and "[ISIL]" in hits[0]["snippet"]
    assert runner_json(["search", "is", "--db", db, "--json"]) == []  # "IS" is the group only as written
