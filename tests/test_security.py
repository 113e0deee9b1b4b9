"""Security review items of the core: SQL only with parameters, no secrets in logs or output,
hostile ids and queries, input paths, and rich markup in stored text.

XSS, SSRF, tokens and request limits are tested where those surfaces live (api/, ingest URLs).
"""

from __future__ import annotations

import ast
import json
import logging
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from storyline import NotFoundError, Pipeline, Store
from storyline.cli import app, main
from storyline.ingest import read_paths
from storyline.store import check_store

SRC = Path(__file__).resolve().parents[1] / "src" / "storyline"
ARTICLE = ("The council voted on Tuesday to close the old river bridge for urgent repairs after engineers found "
           "deep cracks in two of its supporting piers, officials said.\n\nThe mayor said safety came first.\n")

# Every expression interpolated into SQL text, with why it is safe. A new interpolation fails
# test_sql_is_built_only_from_constants until it is reviewed and added here.
REVIEWED_SQL_INTERPOLATIONS = {
    "_ARTICLE_COLUMNS": "module constant: a column list",
    "', '.join(('a.' + c.strip() for c in _ARTICLE_COLUMNS.split(',')))": "derived from the constant column list",
    "','.join('?' * len(chunk))": "placeholders only; the values are bound parameters",
    "','.join('?' * len(segs))": "placeholders only; the segment numbers are bound parameters (store/provenance.py)",
    "where": "one of two constant WHERE clauses",
    "order": "a constant ORDER BY clause",
    "version": "an int counted by the migration loop",
    "stages": "placeholders only ('?,?,?')",
    "query": "built from constant strings; the value is a bound parameter",
    "statement": "a statement of a migration script (constants in schema.py)",
    "_HEALTH_QUERY": "module constant (store/sources.py)",
    "','.join('?' * len(sub))": "placeholders only; the values are bound parameters (store/storylines.py)",
    "marks": "placeholders only ('?,?'), store/storylines.py, store/outlets.py and views/pages.py",
    "_where_in('id', len(chunk))": "a constant column name and placeholders only (store/nlp.py)",
    "_where_in('article_id', len(chunk))": "a constant column name and placeholders only (store/nlp.py)",
    "table": "a loop over a constant tuple of table names (store/nlp.py)",
    "_where_in('q.article_id', len(chunk))": "a constant column name and placeholders only (store/nlp.py)",
    "column": "a loop over the constant column names article_a / article_b (store/provenance.py)",
    "_STORYLINE_SELECT": "module constant (store/queries.py)",
    "_HEADER_COLUMNS": "module constant: a column list (store/queries.py)",
    "_A_COLUMNS": "derived from the constant column list (store/queries.py)",
    "columns": "_ARTICLE_COLUMNS or _HEADER_COLUMNS, module constants (store/queries.py)",
    "_where(clauses)": "constant conditions from ArticleFilter.article_clauses; values are bound (store/queries.py)",
    "base": "FROM/WHERE built from constant conditions; the values are bound (store/queries.py)",
    "','.join('?' * len(rowids))": "placeholders only; the values are bound parameters (store/queries.py)",
    "bad": "conditions over the constant column pairs of _NLP_SPANS (store/integrity.py)",
    "sql": "a loop over the constant queries of _OVERVIEW_COUNTS (store/queries.py)",
}


def _sql_problems(tree: ast.AST, source: str, filename: str) -> list[str]:
    problems = []

    def check(node: ast.expr) -> None:
        if isinstance(node, ast.Constant):
            return
        if isinstance(node, ast.JoinedStr):
            for part in node.values:
                if isinstance(part, ast.FormattedValue):
                    check_expr(part.value)
            return
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            check(node.left)
            check(node.right)
            return
        check_expr(node)

    def check_expr(node: ast.expr) -> None:
        text = ast.unparse(node)
        if text not in REVIEWED_SQL_INTERPOLATIONS:
            problems.append(f"{filename}:{node.lineno}: SQL built with {text!r}: bind it as a parameter "
                            "or review it in REVIEWED_SQL_INTERPOLATIONS")

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args \
                and node.func.attr in ("execute", "executemany", "executescript"):
            check(node.args[0])
    return problems


def test_sql_is_built_only_from_constants():
    problems = []
    for path in sorted(SRC.rglob("*.py")):
        source = path.read_text()
        tree = ast.parse(source)
        imports = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom) for a in n.names}
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        if "sqlite3" in imports or "sqlite3" in modules:
            assert path.parent.name == "store", f"{path}: only store/ may import sqlite3"
        problems.extend(_sql_problems(tree, source, str(path.relative_to(SRC))))
    assert problems == []


def test_the_sql_review_catches_an_interpolated_value():
    tree = ast.parse("db.execute(f\"SELECT * FROM articles WHERE id = '{article_id}'\")")
    assert len(_sql_problems(tree, "", "x.py")) == 1


HOSTILE = ["' OR 1=1 --", '"; DROP TABLE articles; --', "a* OR b", "NEAR(a b)", "title:x", "^start", "-x", '"', "'",
           "\\", "%", "_", "\x00", "\ud800", "(", ")", "{col}", "a AND (b OR", "*", "a:b:c", "\u202e", "1; VACUUM"]


@pytest.fixture
def filled(tmp_path, tmp_store):
    (tmp_path / "a.txt").write_text(ARTICLE)
    Pipeline(tmp_store).run([tmp_path / "a.txt"])
    return tmp_store


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_search_queries_and_ids_change_nothing(filled, query):
    before = filled.count_articles()
    assert isinstance(filled.search(query), list)
    with pytest.raises(NotFoundError):
        filled.article(query)
    with pytest.raises(NotFoundError):
        filled.story(query)
    assert filled.summary(query) is None
    assert filled.count_articles() == before and filled.integrity_ok()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_search_query_returns_results_or_nothing(filled, query):
    hits = filled.search(query)
    assert all(article.id.startswith("a-") for article, _ in hits)


def test_no_secret_reaches_logs_output_or_stored_fields(tmp_path, caplog):
    """Credentials in an input's URL are removed before storing; nothing prints or logs them."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"title": "Bridge closes", "text": ARTICLE,
                                "url": "https://editor:hunter2@example.org/bridge"}) + "\n"
                    + json.dumps({"text": "short", "url": "https://editor:hunter2@example.org/x"}) + "\n")
    db = tmp_path / "s.db"
    runner = CliRunner()
    with caplog.at_level(logging.DEBUG):
        outputs = [runner.invoke(app, [*args, "--db", str(db)]).output for args in
                   (["ingest", str(feed), "--json"], ["ingest", str(feed)], ["stories", "--json"], ["stories"],
                    ["failures", "--json"], ["failures"], ["search", "bridge", "--json"], ["search", "bridge"])]
        with Store(db) as store:
            story = store.stories()[0].id
            outputs.append(runner.invoke(app, ["show", story, "--db", str(db), "--json"]).output)
            stored = []
            tables = [r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                if table == "raw_documents" or table.startswith("articles_fts"):
                    continue  # raw documents keep the input's exact bytes, by design
                stored.extend(repr(tuple(row)) for row in store.db.execute(f"SELECT * FROM {table}"))
            url = store.articles()[0].url
    assert url == "https://example.org/bridge"
    assert all("hunter2" not in text for text in [*outputs, caplog.text, *stored])
    assert any("Bridge closes" in text for text in outputs)


def test_folder_walks_skip_symlinks_and_name_undecodable_files_safely(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    secret = tmp_path / "outside.txt"
    secret.write_text(ARTICLE)
    os.symlink(secret, inbox / "link.txt")
    os.symlink(tmp_path, inbox / "loop")
    latin1 = Path(os.fsdecode(bytes(inbox) + b"/caf\xe9.txt"))
    latin1.write_text(ARTICLE.replace("Tuesday", "Friday"))
    items = list(read_paths([inbox]))
    assert [i.origin for i in items] == [f"{inbox}/caf\\xe9.txt"]
    assert [i.origin for i in read_paths([inbox / "link.txt"])] == [f"{inbox}/link.txt"]  # named: followed
    with Store(tmp_path / "s.db") as store:
        report = Pipeline(store).run([inbox])
        assert len(report.ingested) == 1 and check_store(store) == []


def test_stored_text_that_looks_like_markup_prints_literally(tmp_path, monkeypatch, capsys):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"title": "[/x] [link=https://evil.example]click[/link] [bold]", "text": ARTICLE})
                    + "\n" + json.dumps({"title": "[/y]", "text": "too short"}) + "\n")
    db = str(tmp_path / "s.db")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(feed), "--db", db]).exit_code == 0
    for args in (["stories"], ["search", "council [/z]"], ["failures"]):
        result = runner.invoke(app, [*args, "--db", db])
        assert result.exit_code == 0, (args, result.exception)
    stories = runner.invoke(app, ["search", "council", "--db", db], env={"COLUMNS": "300"}).output
    assert "[link=https://evil.example]click[/link]" in stories
    monkeypatch.setattr(sys, "argv", ["storyline", "show", "[/nope]", "--db", db])
    with pytest.raises(SystemExit):
        main()
    assert "no story '[/nope]'" in capsys.readouterr().err
