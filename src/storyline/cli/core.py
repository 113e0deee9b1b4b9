"""Core commands: ingest, stories, show, search, failures, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from platformdirs import user_data_dir
from rich.table import Table

from storyline.cli._common import (
    ConfigOption,
    DbOption,
    JsonOption,
    app,
    console,
    demo_corpus_path,
    open_store,
    print_json,
    print_story,
    report_line,
    run_ingest,
    stories_table,
)
from storyline.cli.serve import offer_to_serve
from storyline.cli.sources import AllowPrivateOption, InputsArgument, UrlsOption, ingest_inputs
from storyline.config import StorylineConfig
from storyline.store import Store
from storyline.views import article_view, failure_view, story_detail, story_view


@app.command()
def ingest(
    inputs: InputsArgument = None,
    urls: UrlsOption = None,
    allow_private: AllowPrivateOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
    json_output: JsonOption = False,
) -> None:
    """Ingest articles (files, WARC files, pages, feeds), then update stories and their summaries."""
    ingest_inputs(inputs, urls, allow_private, db, config, json_output)


@app.command()
def stories(db: DbOption = None, json_output: JsonOption = False) -> None:
    """List stories, most recently active first."""
    with open_store(db) as store:
        if json_output:
            print_json([story_view(row) for row in store.stories()])
        else:
            console.print(stories_table(store))


@app.command()
def show(story_id: str, db: DbOption = None, json_output: JsonOption = False) -> None:
    """Show a story: its cited summary, then its articles."""
    with open_store(db) as store:
        view = story_detail(store, story_id)
    if json_output:
        print_json(view)
    else:
        print_story(view)


@app.command()
def search(query: str, db: DbOption = None, limit: int = 20, json_output: JsonOption = False) -> None:
    """Full-text search over article titles and texts."""
    with open_store(db) as store:
        hits = store.search(query, limit=limit)
    if json_output:
        print_json([{**article_view(a), "snippet": snippet} for a, snippet in hits])
        return
    table = Table(title=f"Search: {query}")
    for column in ("id", "outlet", "date", "title", "snippet"):
        table.add_column(column, overflow="fold")
    for article, snippet in hits:
        table.add_row(article.id, article.outlet or "", article.date.value[:10] if article.date else "",
                      article.title or "", snippet)
    console.print(table)


@app.command()
def failures(db: DbOption = None, json_output: JsonOption = False) -> None:
    """List inputs that could not be ingested, with the reason."""
    with open_store(db) as store:
        rows = store.failures()
    if json_output:
        print_json([failure_view(f) for f in rows])
        return
    table = Table(title="Failures")
    for column in ("input", "stage", "error", "message"):
        table.add_column(column, overflow="fold")
    for f in rows:
        table.add_row(f.origin, f.stage, f.error_type, f.message)
    console.print(table)


@app.command()
def demo(db: Annotated[Path | None, typer.Option("--db", help="Store for the demo [default: demo.db in the "
                                                   "user data dir].")] = None) -> None:
    """Ingest the bundled demo corpus, print its stories and the largest story's cited summary."""
    path = db or Path(user_data_dir("storyline")) / "demo.db"
    with Store(path) as store:
        report = run_ingest(store, [demo_corpus_path()], StorylineConfig(), quiet=False)
        console.print(report_line(report))
        console.print(stories_table(store))
        largest = max(store.stories(), key=lambda row: (len(row.story.article_ids), row.id), default=None)
        if largest is not None:
            print_story(story_detail(store, largest.id))
    console.print(f"\nDemo store: {path}\nTry: storyline --help, or storyline show STORY_ID --db {path}")
    offer_to_serve(path)


