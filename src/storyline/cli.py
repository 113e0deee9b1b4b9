"""The ``storyline`` command line: parses arguments, calls the Python API, prints results.

No logic lives here: commands open a Store, run a Pipeline or read a view, and print it as a
rich table or, with ``--json``, as JSON for scripts.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer
from platformdirs import user_data_dir
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from storyline.config import StorylineConfig, load_config
from storyline.errors import StorylineError
from storyline.ingest import read_paths
from storyline.pipeline import IngestReport, Pipeline
from storyline.store import Store
from storyline.views import article_view, failure_view, story_detail, story_view

app = typer.Typer(help="Turn raw news articles into stories you can follow.", no_args_is_help=True,
                  add_completion=False)
console = Console()
err_console = Console(stderr=True)

DEFAULT_DB_ENV = "STORYLINE_DB"

DbOption = Annotated[Path | None, typer.Option(
    "--db", envvar=DEFAULT_DB_ENV, help="SQLite store file [default: the user data dir, or $STORYLINE_DB].")]
ConfigOption = Annotated[Path | None, typer.Option("--config", help="TOML config file overriding defaults.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def default_db_path() -> Path:
    """Return the store used when neither ``--db`` nor ``$STORYLINE_DB`` is given."""
    return Path(user_data_dir("storyline")) / "storyline.db"


def _open(db: Path | None) -> Store:
    return Store(db or default_db_path())


def _config(path: Path | None) -> StorylineConfig:
    return load_config(path)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _count_inputs(paths: list[Path], config: StorylineConfig) -> int | None:
    total = 0
    for path in paths:
        if path.is_dir():
            total += sum(1 for p in path.rglob("*") if p.is_file() and p.suffix.lower() in config.ingest.extensions
                         and p.suffix.lower() != ".jsonl")
        elif path.suffix.lower() != ".jsonl":
            total += 1
        else:
            return None  # JSONL files hold an unknown number of records
    return total


def _run_ingest(store: Store, paths: list[Path], config: StorylineConfig, quiet: bool) -> IngestReport:
    pipeline = Pipeline(store, config)
    columns = [SpinnerColumn(), TextColumn("[progress.description]{task.description}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=err_console, disable=quiet, transient=True) as progress:
        task = progress.add_task("ingesting", total=_count_inputs(paths, config))
        report = pipeline.ingest(read_paths(paths, config.ingest),
                                 progress=lambda origin: progress.update(task, advance=1,
                                                                         description=Path(origin).name[:40]))
        progress.update(task, description="clustering stories")
        report.stories = pipeline.update_stories()
    return report


def _report_line(report: IngestReport) -> str:
    line = f"{len(report.ingested)} ingested, {report.failed} failed"
    if report.failed:
        line += " (storyline failures)"
    if report.duplicates:
        line += f", {report.duplicates} already stored"
    return line


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories (.txt, .html, .htm, .jsonl).")],
    db: DbOption = None,
    config: ConfigOption = None,
    json_output: JsonOption = False,
) -> None:
    """Ingest articles, then update stories and their summaries."""
    cfg = _config(config)
    with _open(db) as store:
        report = _run_ingest(store, paths, cfg, quiet=json_output)
    if json_output:
        _print_json({"ingested": report.ingested, "duplicates": report.duplicates,
                     "failures": [failure_view(f) for f in report.failures], "stories_updated": report.stories})
    else:
        console.print(_report_line(report))


def _stories_table(store: Store) -> Table:
    table = Table(title="Stories", show_lines=False)
    for column in ("id", "articles", "first", "last", "label"):
        table.add_column(column, overflow="fold")
    for row in store.stories():
        view = story_view(row)
        table.add_row(view["id"], str(view["size"]), view["first_seen"] or "?", view["last_seen"] or "?",
                      view["label"])
    return table


@app.command()
def stories(db: DbOption = None, json_output: JsonOption = False) -> None:
    """List stories, most recently active first."""
    with _open(db) as store:
        if json_output:
            _print_json([story_view(row) for row in store.stories()])
        else:
            console.print(_stories_table(store))


def _print_story(view: dict[str, Any]) -> None:
    console.rule(Text(f"{view['label']}  ({view['id']}, {view['size']} articles, "
                      f"{view['first_seen']} – {view['last_seen']})", style="bold"))
    numbers = {a["id"]: i for i, a in enumerate(view["articles"], start=1)}
    console.print("[bold]Summary[/bold]")
    for sentence in view["summary"]:
        marks = "".join(f"[{numbers[c['article_id']]}]" for c in sentence["citations"] if c["article_id"] in numbers)
        console.print(Text.assemble("• ", sentence["text"], (f" {marks}", "cyan")))
    console.print("\n[bold]Articles[/bold]")
    for article in view["articles"]:
        date = article["date"][:10] if article["date"] else "undated"
        if article["date_inferred"]:
            date += f" (inferred, ±{article['date_precision']})"
        console.print(Text.assemble(f"[{numbers[article['id']]}] {article['outlet'] or 'unknown outlet'} · {date} · ",
                                    article["title"] or "(untitled)", (f"  {article['id']}", "dim")))

@app.command()
def show(story_id: str, db: DbOption = None, json_output: JsonOption = False) -> None:
    """Show a story: its cited summary, then its articles."""
    with _open(db) as store:
        view = story_detail(store, story_id)
    if json_output:
        _print_json(view)
    else:
        _print_story(view)


@app.command()
def search(query: str, db: DbOption = None, limit: int = 20, json_output: JsonOption = False) -> None:
    """Full-text search over article titles and texts."""
    with _open(db) as store:
        hits = store.search(query, limit=limit)
    if json_output:
        _print_json([{**article_view(a), "snippet": snippet} for a, snippet in hits])
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
    with _open(db) as store:
        rows = store.failures()
    if json_output:
        _print_json([failure_view(f) for f in rows])
        return
    table = Table(title="Failures")
    for column in ("input", "stage", "error", "message"):
        table.add_column(column, overflow="fold")
    for f in rows:
        table.add_row(f.origin, f.stage, f.error_type, f.message)
    console.print(table)


def demo_corpus_path() -> Path:
    """Return the folder of the bundled demo corpus."""
    return Path(str(resources.files("storyline") / "demo" / "corpus"))


@app.command()
def demo(db: Annotated[Path | None, typer.Option("--db", help="Store for the demo [default: demo.db in the "
                                                   "user data dir].")] = None) -> None:
    """Ingest the bundled demo corpus, print its stories and the largest story's cited summary."""
    path = db or Path(user_data_dir("storyline")) / "demo.db"
    with Store(path) as store:
        report = _run_ingest(store, [demo_corpus_path()], StorylineConfig(), quiet=False)
        console.print(_report_line(report))
        console.print(_stories_table(store))
        largest = max(store.stories(), key=lambda row: (len(row.story.article_ids), row.id), default=None)
        if largest is not None:
            _print_story(story_detail(store, largest.id))
    console.print(f"\nDemo store: {path}\nTry: storyline --help, or storyline show STORY_ID --db {path}")


def main() -> None:
    """Entry point of the ``storyline`` console script: turns storyline errors into clean messages."""
    try:
        app()
    except StorylineError as exc:
        err_console.print(f"[red]error:[/red] {exc.message}")
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
