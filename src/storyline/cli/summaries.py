"""Summary and timeline commands: timeline, update, export; and ``eval summarization|timelines``."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from storyline.cli._common import (
    ConfigOption,
    DbOption,
    JsonOption,
    app,
    config_from,
    console,
    open_store,
    print_json,
    print_timeline,
)
from storyline.cli.evaluate import eval_app, report
from storyline.views import export_json, export_markdown, subject_report, update_view

DataOption = Annotated[Path | None, typer.Option("--data", help="One data set folder laid out as in shared/data "
                                                               "\\[default: every set of the task].")]


class ExportFormat(StrEnum):
    """Export formats."""

    md = "md"
    json = "json"


@app.command()
def timeline(subject_id: Annotated[str, typer.Argument(help="A story id (or a storyline id).")],
             db: DbOption = None, config: ConfigOption = None, json_output: JsonOption = False) -> None:
    """Show the dated, cited timeline of a story or storyline."""
    with open_store(db) as store:
        view = subject_report(store, subject_id, config_from(config))
    if json_output:
        print_json({"id": view["id"], "kind": view["kind"], "label": view["label"], "timeline": view["timeline"],
                    "sources": view["sources"]})
        return
    console.rule(Text(f"{view['label']}  ({view['kind']} {view['id']})", style="bold"))
    numbers = {s["id"]: s["number"] for s in view["sources"]}
    print_timeline(view["timeline"], numbers)
    console.print()
    for source in view["sources"]:
        console.print(f"[{numbers[source['id']]}] {source['outlet'] or 'unknown outlet'} · "
                      f"{(source['date'] or 'undated')[:10]} · {source['title'] or '(untitled)'}", highlight=False)


@app.command()
def update(subject_id: Annotated[str, typer.Argument(help="A story id (or a storyline id).")],
           since: Annotated[str, typer.Option("--since", help="Time T (ISO date or date-time); a bare day means "
                                                             "its end.")],
           db: DbOption = None, config: ConfigOption = None, json_output: JsonOption = False) -> None:
    """Summarise what articles published after T add to what was reported before."""
    with open_store(db) as store:
        view = update_view(store, subject_id, since, config_from(config))
    if json_output:
        print_json(view)
        return
    console.rule(Text(f"New since {since}: {view['label']}  ({view['kind']} {view['id']})", style="bold"))
    if not view["summary"]:
        console.print("Nothing new was published after that time.")
    for sentence in view["summary"]:
        sources = ", ".join(sorted({c["outlet"] or c["article_id"] for c in sentence["citations"]}))
        console.print(Text.assemble("• ", sentence["text"], (f" ({sources})", "cyan")))


@app.command()
def export(subject_id: Annotated[str, typer.Argument(help="A story id (or a storyline id).")],
           format: Annotated[ExportFormat, typer.Option("--format", help="md or json.")] = ExportFormat.md,
           output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
           db: DbOption = None, config: ConfigOption = None) -> None:
    """Export a story's or storyline's summary, timeline and cited sources as Markdown or JSON."""
    with open_store(db) as store:
        view = subject_report(store, subject_id, config_from(config))
    text = (json.dumps(export_json(view), indent=2, ensure_ascii=False) + "\n" if format is ExportFormat.json
            else export_markdown(view))
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}")


@eval_app.command("summarization")
def eval_summarization(data: DataOption = None, json_output: JsonOption = False,
                       limit: Annotated[int | None, typer.Option(help="Only the first N clusters.")] = None) -> None:
    """DUC 2004 task 2: ROUGE-1/2 recall at 100 words, beside sumy LexRank, TextRank and lead."""
    from storyline.eval.summarization import evaluate_summarization

    report([evaluate_summarization(data, limit)], json_output)


@eval_app.command("timelines")
def eval_timelines(data: DataOption = None, json_output: JsonOption = False,
                   topic: Annotated[list[str] | None, typer.Option(help="Only these topics (repeatable).")] = None,
                   ) -> None:
    """Timeline17 / Crisis: concat and alignment ROUGE, date F1, beside the most-referenced-dates baseline."""
    from storyline.eval.timelines import evaluate_timelines

    report(evaluate_timelines(data, topic), json_output)
