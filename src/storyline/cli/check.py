"""Store commands: ``check`` (verify a store's integrity and invariants) and ``info`` (which store, what it holds)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from storyline.cli._common import DEFAULT_DB_ENV, DbOption, JsonOption, app, console, open_store, print_json, store_path
from storyline.store import check_store
from storyline.store.queries import store_overview
from storyline.text import count_noun


@app.command()
def check(db: DbOption = None, json_output: JsonOption = False) -> None:
    """Check the store: SQLite integrity, no half-written document or story, citations that resolve.

    Exits with status 1 when a problem is found.
    """
    with open_store(db) as store:
        problems = check_store(store)
        counts = {"articles": store.count_articles(), "stories": len(store.stories()),
                  "failures": len(store.failures())}
    if json_output:
        print_json({"ok": not problems, "problems": problems, **counts})
    elif problems:
        for problem in problems:
            console.print(problem, markup=False, highlight=False)
    else:
        console.print(f"store OK: {count_noun(counts['articles'], 'article')}, "
                      f"{count_noun(counts['stories'], 'story', 'stories')}, "
                      f"{count_noun(counts['failures'], 'failure')} recorded")
    if problems:
        raise typer.Exit(1)


def _chosen_by(db: Path | None) -> str:
    if db is None:
        return "default"
    return "$" + DEFAULT_DB_ENV if os.environ.get(DEFAULT_DB_ENV) == str(db) else "--db"


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"


def info_view(db: Path | None) -> dict[str, Any]:
    """Describe the store a command would use: its path, how it was chosen, its size on disk and what it holds.

    Raises:
        StoreError: there is no store at that path.
    """
    path = store_path(db)
    with open_store(db) as store:
        view: dict[str, Any] = {"path": str(path.resolve()), "chosen_by": _chosen_by(db),
                                "schema_version": store.schema_version(), **store_overview(store)}
    # SQLite's write-ahead log holds recent writes until a checkpoint: it is part of the store's size
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    view["size_bytes"] = sum(f.stat().st_size for f in files if f.exists())
    return view


@app.command()
def info(db: DbOption = None, json_output: JsonOption = False) -> None:
    """Say which store is in use (its path, and what chose it), its size and what it holds."""
    view = info_view(db)
    if json_output:
        print_json(view)
        return
    table = Table(show_header=False, box=None, title="Store", title_justify="left")
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    published = (f", published {view['first_day']} – {view['last_day']}" if view["first_day"] else "")
    rows = [
        ("path", f"{view['path']}  (chosen by {view['chosen_by']})"),
        ("size", f"{_megabytes(view['size_bytes'])}, schema version {view['schema_version']}"),
        ("articles", f"{count_noun(view['articles'], 'article')} from {count_noun(view['outlets'], 'outlet')}"
                     f"{published}"),
        ("stories", f"{count_noun(view['stories'], 'story', 'stories')} in "
                    f"{count_noun(view['storylines'], 'storyline')}"),
        ("analysis", f"{count_noun(view['actors'], 'actor')}, {count_noun(view['quotes'], 'quote')}"),
        ("failures", count_noun(view["failures"], "failure") + (" (storyline failures)" if view["failures"] else "")),
        ("sources", f"{count_noun(view['sources'], 'polled source')} (storyline sources)" if view["sources"]
         else "no polled sources"),
        ("last ingest", view["last_ingested_at"] or "never"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
