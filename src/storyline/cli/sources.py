"""Source commands: ``watch`` (poll feeds, directories and URLs) and ``sources`` (their health).

Also the helpers ``ingest`` uses to read URLs, feeds, WARC files and URL lists.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from storyline.cli._common import (
    ConfigOption,
    DbOption,
    JsonOption,
    app,
    config_from,
    console,
    count_inputs,
    err_console,
    open_store,
    print_json,
    report_line,
)
from storyline.config import StorylineConfig
from storyline.ingest import HttpFetcher, Source, classify
from storyline.ingest.files import UNSUPPORTED, skipped_files
from storyline.notify import Notifier, describe
from storyline.pipeline import IngestReport, Pipeline
from storyline.store import Store, source_healths
from storyline.text import count_noun
from storyline.views import failure_view
from storyline.watch import CycleReport, Watcher

__all__ = ["parse_duration", "run_sources", "sources_from"]

InputsArgument = Annotated[list[str] | None, typer.Argument(
    metavar="PATH_OR_URL", show_default=False,
    help="Files or directories (.txt, .html, .htm, .jsonl, each also gzipped: .html.gz), WARC files (.warc, "
         ".warc.gz), or http(s) URLs of article pages, RSS/Atom feeds or sitemaps.")]
UrlsOption = Annotated[list[Path] | None, typer.Option(
    "--urls", metavar="FILE", help="A file of URLs (pages or feeds), one per line, # for comments; repeatable.")]
AllowPrivateOption = Annotated[bool, typer.Option(
    "--allow-private", help="Also fetch from loopback, private and link-local addresses (never from cloud "
                            "metadata addresses).")]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """Parse a duration such as ``90``, ``30s``, ``15m``, ``2h`` or ``1d`` into seconds.

    >>> parse_duration("15m"), parse_duration("90"), parse_duration("1.5h")
    (900.0, 90.0, 5400.0)
    """
    match = _DURATION.match(text)
    if not match:
        raise typer.BadParameter(f"{text!r} is not a duration; write e.g. 30s, 15m, 2h or 1d")
    return float(match.group(1)) * _UNIT_SECONDS[(match.group(2) or "s").lower()]


def sources_from(inputs: list[str] | None, url_lists: list[Path] | None) -> list[Source]:
    """Turn command-line inputs and ``--urls`` files into sources (at least one is required)."""
    sources = [classify(arg) for arg in inputs or []] + [Source("urls", str(p)) for p in url_lists or []]
    if not sources:
        raise typer.BadParameter("give at least one file, directory, WARC file or URL, or --urls FILE")
    return sources


def _with_fetch(config: StorylineConfig, allow_private: bool) -> StorylineConfig:
    return config.replace("fetch", allow_private=True) if allow_private else config


def run_sources(store: Store, sources: list[Source], config: StorylineConfig, quiet: bool) -> IngestReport:
    """Ingest sources with a progress bar (counted when only local files are named), then update stories."""
    paths = [Path(s.ref) for s in sources if s.kind == "path"]
    total = count_inputs(paths, config) if len(paths) == len(sources) else None
    columns = [SpinnerColumn(), TextColumn("[progress.description]{task.description}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn()]
    with HttpFetcher(config.fetch) as fetcher, Progress(*columns, console=err_console, disable=quiet,
                                                          transient=True) as progress:
        task = progress.add_task("ingesting", total=total)

        def advance(origin: str) -> None:
            progress.update(task, advance=1, description=origin.rsplit("/", 1)[-1][:40] or origin[-40:])

        report = Pipeline(store, config).ingest_sources(sources, fetcher, progress=advance)
    return report


def skip_summary(skipped: list[tuple[str, str]]) -> str:
    """One line saying what a folder walk skipped and why, unsupported files counted by type.

    >>> skip_summary([("a.docx", "unsupported type .docx"), ("b.docx", "unsupported type .docx"),
    ...               ("c.pdf", "unsupported type .pdf"), (".x", "hidden (its name starts with a dot)")])
    'skipped 4 files in folders: unsupported types 2 .docx, 1 .pdf; 1 hidden (its name starts with a dot)'
    """
    types = Counter(reason.removeprefix(UNSUPPORTED) for _, reason in skipped if reason.startswith(UNSUPPORTED))
    others = Counter(reason for _, reason in skipped if not reason.startswith(UNSUPPORTED))
    parts = [("unsupported types " if len(types) > 1 else "unsupported type ")
             + ", ".join(f"{n} {kind}" for kind, n in sorted(types.items(), key=lambda kv: (-kv[1], kv[0])))] \
        if types else []
    parts += [f"{n} {reason}" for reason, n in sorted(others.items())]
    return f"skipped {count_noun(len(skipped), 'file')} in folders: " + "; ".join(parts)


def ingest_inputs(inputs: list[str] | None, urls: list[Path] | None, allow_private: bool, db: Path | None,
                  config: Path | None, json_output: bool, verbose: bool = False) -> None:
    """The body of ``storyline ingest``: read every input, print the report and what folders held but were skipped."""
    sources = sources_from(inputs, urls)
    cfg = _with_fetch(config_from(config), allow_private)
    skipped = skipped_files([s.ref for s in sources if s.kind == "path"], cfg.ingest)
    with open_store(db, create=True) as store:
        report = run_sources(store, sources, cfg, quiet=json_output)
    if json_output:
        print_json({"ingested": report.ingested, "duplicates": report.duplicates,
                    "failures": [failure_view(f) for f in report.failures], "stories_updated": report.stories,
                    "skipped": [{"path": path, "reason": reason} for path, reason in skipped]})
        return
    console.print(report_line(report))
    if skipped:
        console.print(skip_summary(skipped) + ("" if verbose else " (--verbose lists them)"), highlight=False)
    if verbose:
        for path, reason in skipped:
            console.print(Text.assemble("  skipped ", path, (f"  {reason}", "dim")), highlight=False)


def _cycle_view(cycle: CycleReport) -> dict[str, Any]:
    return {"cycle": cycle.number, "started": cycle.started, "ingested": cycle.report.ingested,
            "duplicates": cycle.report.duplicates, "failures": [failure_view(f) for f in cycle.report.failures],
            "stories_updated": cycle.report.stories, "polled": cycle.polled, "backing_off": cycle.backing_off,
            "failed_sources": cycle.failed_sources, "alerts": [a.message for a in cycle.alerts],
            "alert_failures": [failure_view(f) for f in cycle.alert_failures]}


@app.command()
def watch(
    inputs: InputsArgument = None,
    urls: UrlsOption = None,
    every: Annotated[str, typer.Option("--every", help="Time between polls: 30s, 15m, 2h, 1d.")] = "15m",
    cycles: Annotated[int | None, typer.Option("--cycles", min=1, help="Stop after this many polls "
                                               "\\[default: run until interrupted].")] = None,
    allow_private: AllowPrivateOption = False,
    notify: Annotated[str | None, typer.Option(
        "--notify", metavar="URL", help="POST a JSON alert to this webhook when a followed storyline gains a story "
                                        "or a significant update (config section \\[notify]).")] = None,
    follow: Annotated[list[str] | None, typer.Option(
        "--follow", metavar="STORYLINE_ID", help="Storylines to alert about (repeatable) \\[default: all].")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON line per cycle.")] = False,
) -> None:
    """Poll feeds, directories and URLs; ingest only new items and keep stories up to date.

    A failing source is recorded (storyline failures, storyline sources) and retried with
    exponential back-off while the others carry on. With --notify, an alert that cannot be
    delivered is recorded as a failure and tried again at the next cycle; the watch goes on.
    """
    sources = sources_from(inputs, urls)
    cfg = _with_fetch(config_from(config), allow_private).replace("watch", every_seconds=parse_duration(every))
    if notify is not None and not re.match(r"^https?://", notify, re.IGNORECASE):
        raise typer.BadParameter(f"{notify!r} is not an http(s) URL", param_hint="--notify")

    def show(cycle: CycleReport) -> None:
        if json_output:
            print_json(_cycle_view(cycle))
            return
        extra = f"; {len(cycle.backing_off)} backing off" if cycle.backing_off else ""
        console.print(f"cycle {cycle.number} ({cycle.started}): {report_line(cycle.report)}; "
                      f"{len(cycle.polled)} polled{extra}", highlight=False)
        for line in describe(cycle.alerts):
            console.print(Text.assemble(("  alert sent: ", "green"), line), highlight=False)
        for failure in cycle.alert_failures:
            console.print(Text.assemble(("  alert not sent: ", "yellow"), failure.message), highlight=False)

    with open_store(db, create=True) as store, HttpFetcher(cfg.fetch) as fetcher:
        notifier = Notifier(notify, fetcher, cfg.notify, frozenset(follow or ())) if notify else None
        watcher = Watcher(Pipeline(store, cfg), sources, fetcher, notifier=notifier)
        try:
            watcher.run(cycles, on_cycle=show)
        except KeyboardInterrupt:
            err_console.print(f"stopped after {watcher.cycles_run} cycle(s)")


@app.command("sources")
def list_sources(db: DbOption = None, json_output: JsonOption = False) -> None:
    """List polled sources: last success, consecutive failures, next retry, items seen."""
    with open_store(db) as store:
        rows = source_healths(store)
    if json_output:
        print_json([{"ref": h.ref, "kind": h.kind, "last_attempt": h.last_attempt, "last_success": h.last_success,
                     "failures": h.failures, "next_attempt": h.next_attempt, "last_error": h.last_error,
                     "seen_items": h.seen_items} for h in rows])
        return
    if not rows:
        console.print("No polled sources: storyline watch records the sources it polls.")
        return
    table = Table(title="Sources")
    for column in ("source", "kind", "last success", "failures", "next retry", "seen", "last error"):
        table.add_column(column, overflow="fold")
    for h in rows:
        table.add_row(h.ref, h.kind, h.last_success or "never", str(h.failures), h.next_attempt or "",
                      str(h.seen_items), h.last_error or "")
    console.print(table)
