"""``storyline check``: verify a store's integrity and invariants (after a crash, before a backup)."""

from __future__ import annotations

import typer

from storyline.cli._common import DbOption, JsonOption, app, console, open_store, print_json
from storyline.store import check_store


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
        console.print(f"store OK: {counts['articles']} articles, {counts['stories']} stories, "
                      f"{counts['failures']} failures recorded")
    if problems:
        raise typer.Exit(1)
