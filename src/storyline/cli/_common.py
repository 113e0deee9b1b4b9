"""What every command module shares: the typer app, consoles, common options and printers."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer
from platformdirs import user_data_dir
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from storyline.config import StorylineConfig, load_config
from storyline.errors import StoreError
from storyline.ingest import read_paths
from storyline.ingest.files import file_type
from storyline.pipeline import IngestReport, Pipeline
from storyline.store import Store
from storyline.text import count_noun
from storyline.views import story_view

app = typer.Typer(help="Turn raw news articles into stories you can follow.", no_args_is_help=True,
                  add_completion=False)
# markup off: titles, outlets, file names and error messages are printed as they are ("[web]" and
# "[/x]" stay text); styled output is built with rich Text and style arguments instead
console = Console(markup=False)
err_console = Console(stderr=True, markup=False)

DEFAULT_DB_ENV = "STORYLINE_DB"

# help texts go through typer's rich markup: a literal bracket is written "\\[" so it is shown, not eaten
DbOption = Annotated[Path | None, typer.Option(
    "--db", envvar=DEFAULT_DB_ENV, help="SQLite store file \\[default: storyline.db in the user data dir, or "
                                         "$STORYLINE_DB].")]
ConfigOption = Annotated[Path | None, typer.Option("--config", help="TOML config file overriding defaults.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def default_db_path() -> Path:
    """Return the store used when neither ``--db`` nor ``$STORYLINE_DB`` is given."""
    return Path(user_data_dir("storyline")) / "storyline.db"


def store_path(db: Path | None) -> Path:
    """Return the store a command uses: ``--db`` (or ``$STORYLINE_DB``), else :func:`default_db_path`."""
    return db or default_db_path()


def open_store(db: Path | None, *, create: bool = False) -> Store:
    """Open the store named by ``--db`` (or the default).

    Only the commands that add data (``ingest``, ``watch``, ``demo``, ``import``) pass
    ``create=True``; the others refuse a missing store, so a mistyped ``--db`` is an error instead
    of a new empty store and an empty listing.

    Raises:
        StoreError: ``create`` is False and no store exists at the path.
    """
    path = store_path(db)
    if not create and not path.exists():
        raise StoreError(f"no store at {path}; ingest first or pass --db")
    return Store(path)


def config_from(path: Path | None) -> StorylineConfig:
    """Load the config named by ``--config`` (or the defaults)."""
    return load_config(path)


def print_json(data: Any) -> None:
    """Print data as indented JSON on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def count_inputs(paths: list[Path], config: StorylineConfig) -> int | None:
    """Count input files for the progress bar; None when JSONL makes the count unknown."""
    total = 0
    for path in paths:
        if path.is_dir():
            total += sum(1 for p in path.rglob("*") if p.is_file() and file_type(p) in config.ingest.extensions
                         and not file_type(p).startswith(".jsonl"))
        elif not file_type(path).startswith(".jsonl"):
            total += 1
        else:
            return None  # JSONL files hold an unknown number of records
    return total


def run_ingest(store: Store, paths: list[Path], config: StorylineConfig, quiet: bool) -> IngestReport:
    """Ingest paths with a progress bar, then update stories."""
    pipeline = Pipeline(store, config)
    with Progress(*progress_columns(), console=err_console, disable=quiet, transient=True) as progress:
        task = progress.add_task("ingesting", total=count_inputs(paths, config))
        report = pipeline.ingest(read_paths(paths, config.ingest),
                                 progress=lambda origin: progress.update(task, advance=1,
                                                                         description=Path(origin).name[:40]))
        progress.update(task, description="clustering stories")
        report.stories = pipeline.update_stories()
    return report


def progress_columns() -> list[ProgressColumn]:
    """The columns of an ingest's progress bar; the description (a file name) is shown literally."""
    return [SpinnerColumn(), TextColumn("{task.description}", style="progress.description", markup=False),
            BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]


def plain(*values: str) -> list[Text]:
    """Table cells that show stored text literally: a title like "[/x]" is not rich markup."""
    return [Text(value) for value in values]


def report_line(report: IngestReport) -> str:
    """Return the closing line of an ingest: "N ingested, M failed (storyline failures)"."""
    line = f"{len(report.ingested)} ingested, {report.failed} failed"
    if report.failed:
        line += " (storyline failures)"
    if report.duplicates:
        line += f", {report.duplicates} already stored"
    return line


def stories_table(store: Store) -> Table:
    """Return a table of all stories."""
    table = Table(title="Stories", show_lines=False)
    for column in ("id", "articles", "first", "last", "label"):
        table.add_column(column, overflow="fold")
    for row in store.stories():
        view = story_view(row)
        table.add_row(*plain(view["id"], str(view["size"]), view["first_seen"] or "?", view["last_seen"] or "?",
                              view["label"]))
    return table


def print_story(view: dict[str, Any]) -> None:
    """Print a story view: the cited summary and the timeline with numbered citations, then its articles.

    Numbers are the view's (:func:`storyline.views.report.citation_numbers`), the ones ``timeline``,
    ``export`` and the web pages show; cited articles are listed first, in that order.
    """
    console.rule(Text(f"{view['label']}  ({view['id']}, {count_noun(view['size'], 'article')}, "
                      f"{view['first_seen']} – {view['last_seen']})", style="bold"))
    numbers = {a["id"]: a["number"] for a in view["articles"] if a.get("number")}
    cut = view.get("cut")
    if cut:
        other = Text.assemble(cut["label"] or cut["id"], (f" ({cut['id']}, {count_noun(cut['size'], 'article')})",
                                                          "dim"))
        console.print(Text.assemble("Cut off this story: " if cut["role"] == "part" else "Cut off ", other,
                                    ": it grew with it but tells another event." if cut["role"] == "part"
                                    else ": these articles grew with that story but tell another event."))
    console.print("Summary", style="bold")
    for sentence in view["summary"]:
        marks = "".join(f"[{numbers[c['article_id']]}]" for c in sentence["citations"] if c["article_id"] in numbers)
        console.print(Text.assemble("• ", sentence["text"], (f" {marks}", "cyan")))
    print_timeline(view.get("timeline", []), numbers)
    console.print("\nArticles", style="bold")
    for article in sorted(view["articles"], key=lambda a: numbers.get(a["id"], len(numbers) + 1)):
        date = article["date"][:10] if article["date"] else "undated"
        if article["date_inferred"]:
            date += f" (inferred, ±{article['date_precision']})"
        if article.get("date_estimate"):
            date += f", {approximate_date(article['date_estimate'])}"
        mark = f"[{numbers[article['id']]}]" if article["id"] in numbers else " - "
        console.print(Text.assemble(f"{mark} {article['outlet'] or 'unknown outlet'} · {date} · ",
                                    article["title"] or "(untitled)", (f"  {article['id']}", "dim")))


def approximate_date(estimate: dict[str, Any]) -> str:
    """An undated article's estimate as text, marked approximate: "≈ 2014-06-16 – 2014-06-20 (its story's dates)"."""
    span = estimate["from"] if estimate["from"] == estimate["to"] else f"{estimate['from']} – {estimate['to']}"
    return f"≈ {span} (its story's dates)"


def print_timeline(entries: list[dict[str, Any]], numbers: dict[str, int]) -> None:
    """Print timeline entries with numbered citations; approximate dates are marked as such."""
    console.print("\nTimeline", style="bold")
    if not entries:
        console.print("  (no dated events found)")
    for entry in entries:
        when = entry["date"] if not entry["approximate"] else f"≈{entry['date']} (±{entry['precision']})"
        console.print(Text(when, style="bold yellow" if not entry["approximate"] else "yellow"))
        for sentence in entry["sentences"]:
            marks = "".join(f"[{numbers[c['article_id']]}]" for c in sentence["citations"]
                            if c["article_id"] in numbers)
            console.print(Text.assemble("  • ", sentence["text"], (f" {marks}", "cyan")))


def demo_corpus_path() -> Path:
    """Return the folder of the bundled demo corpus."""
    return Path(str(resources.files("storyline") / "demo" / "corpus"))
