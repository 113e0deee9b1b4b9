"""Core commands: ingest, stories, show, search, failures, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from platformdirs import user_data_dir
from rich.table import Table
from rich.text import Text

from storyline.cli._common import (
    ConfigOption,
    DbOption,
    JsonOption,
    app,
    console,
    demo_corpus_path,
    open_store,
    plain,
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
from storyline.store.queries import ArticleFilter, article_story, story_listing, story_storyline
from storyline.text import count_noun
from storyline.views import article_view, failure_view, story_detail, story_view
from storyline.views.search import search_view


@app.command()
def ingest(
    inputs: InputsArgument = None,
    urls: UrlsOption = None,
    allow_private: AllowPrivateOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
    json_output: JsonOption = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every file a folder held that was "
                                                                  "skipped, with the reason.")] = False,
) -> None:
    """Ingest articles (files, WARC files, pages, feeds), then update stories and their summaries.

    Folders are read recursively; the files they hold that are not read (other types, hidden files,
    symbolic links) are counted by type after the ingest (--verbose lists them).
    """
    ingest_inputs(inputs, urls, allow_private, db, config, json_output, verbose)


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
def article(article_id: Annotated[str, typer.Argument(help="An article id (as listed by show, search or --json).")],
            db: DbOption = None, json_output: JsonOption = False) -> None:
    """Print an article's clean text with its metadata: outlet, date, URL, authors, story."""
    with open_store(db) as store:
        found = store.article(article_id)
        story = article_story(store, article_id)
        storyline_id = story_storyline(store, story.id) if story else None
    view = {**article_view(found, with_text=True), "story_id": story.id if story else None,
            "story_label": story.label if story else None, "storyline_id": storyline_id}
    if json_output:
        print_json(view)
        return
    console.print(view["title"] or "(untitled)", style="bold", highlight=False)
    date = (view["date"] or "undated")[:10]
    if view["date_inferred"]:
        date += f" (inferred from the text, ±{view['date_precision']})"
    rows = [("outlet", view["outlet"] or "unknown"), ("date", date), ("url", view["url"] or ""),
            ("by", ", ".join(view["authors"])), ("credits", ", ".join(view["credits"])),
            ("story", f"{view['story_label'] or ''} ({view['story_id']})" if view["story_id"] else "not clustered yet"),
            ("id", view["id"]), ("warnings", "; ".join(view["warnings"]))]
    for name, value in rows:
        if value:
            console.print(Text.assemble((f"{name:>8}  ", "dim"), value), highlight=False)
    console.print()
    console.print(view["text"], highlight=False)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words that must all occur; an actor's name also finds its other "
                                              "names (ISIS finds ISIL).")],
    story: Annotated[str | None, typer.Option("--story", help="Only articles of this story.")] = None,
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many hits, best first.")] = 20,
    json_output: JsonOption = False,
) -> None:
    """Full-text search over article titles and texts."""
    with open_store(db) as store:
        if story is not None:
            story_listing(store, story)  # an unknown id is an error, not an empty result
        view = search_view(store, query, ArticleFilter(story_id=story) if story else None, limit=limit)
    hits = view["items"]
    if json_output:
        # "snippet" marks matches with [brackets], as it always has; snippet_parts splits them out
        print_json([{**hit, "snippet": "".join(f"[{p['text']}]" if p["hit"] else p["text"]
                                               for p in hit["snippet_parts"])} for hit in hits])
        return
    for alias in view["aliases"]:
        console.print(Text.assemble(("also searched: ", "dim"), ", ".join(alias["also"]),
                                    (f" (other names of {alias['name']})", "dim")))
    table = Table(title=Text(f"Search: {query}" + (f" in {story}" if story else "")
                             + f" ({count_noun(view['total'], 'match', 'matches')})"))
    for column in ("id", "outlet", "date", "title", "snippet"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        snippet = Text.assemble(*((p["text"], "bold yellow") if p["hit"] else p["text"] for p in hit["snippet_parts"]))
        table.add_row(*plain(hit["id"], hit["outlet"] or "", (hit["date"] or "")[:10], hit["title"] or ""), snippet)
    console.print(table)


@app.command()
def failures(db: DbOption = None, json_output: JsonOption = False) -> None:
    """List inputs that could not be ingested, with the reason."""
    with open_store(db) as store:
        rows = store.failures()
    if json_output:
        print_json([failure_view(f) for f in rows])
        return
    if not rows:
        console.print("No failures recorded: every input was ingested.")
        return
    table = Table(title=f"Failures ({len(rows):,})")
    for column in ("input", "stage", "error", "message"):
        table.add_column(column, overflow="fold")
    for f in rows:
        table.add_row(*plain(f.origin, f.stage, f.error_type, f.message))
    console.print(table)


@app.command()
def demo(db: Annotated[Path | None, typer.Option("--db", help="Store for the demo \\[default: demo.db in the "
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


