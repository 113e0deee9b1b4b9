"""Provenance commands: ``provenance STORY_ID`` (shared passages, carriers, origin), ``diff A B`` and
``eval provenance`` (the synthetic copy-detection benchmark beside baselines)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from storyline.cli._common import ConfigOption, DbOption, JsonOption, app, config_from, console, open_store, print_json
from storyline.cli.evaluate import eval_app, report
from storyline.pipeline import Pipeline
from storyline.text import count_noun
from storyline.views import diff_view, provenance_view


def _edits(edits: list[dict[str, str]]) -> str:
    return "; ".join(f"{e['a'] or '∅'} → {e['b'] or '∅'}" for e in edits)


@app.command()
def provenance(story_id: str, db: DbOption = None, config: ConfigOption = None,
               json_output: JsonOption = False) -> None:
    """Show the passages a story's articles share: who carried each, its likely origin, who edited it."""
    with open_store(db) as store:
        Pipeline(store, config_from(config)).index_unindexed()  # stores made before provenance existed
        view = provenance_view(store, story_id)
    if json_output:
        print_json(view)
        return
    outlets = {a["id"]: a["outlet"] or a["id"] for a in view["articles"]}
    console.rule(Text(f"Provenance of {view['label']} ({story_id}): "
                      f"{count_noun(len(view['passages']), 'shared passage')}, "
                      f"{count_noun(len(view['pairs']), 'related pair')}", style="bold"))
    for number, passage in enumerate(view["passages"], start=1):
        console.print(Text.assemble((f"[{number}] ", "bold"), (f"origin: {passage['origin']}", "green"),
                                    (f"  ({passage['origin_basis']})", "dim")))
        console.print(Text(passage["text"][:400] + ("…" if len(passage["text"]) > 400 else "")))
        for carrier in passage["carriers"]:
            published = (carrier["published"] or "undated")[:10]
            line = f"   {outlets.get(carrier['article_id'])} · {published} · {carrier['kind']}"
            if carrier["edits"]:
                line += f": {_edits(carrier['edits'])}"
            console.print(Text(line, style="cyan"))
        console.print()


@app.command()
def diff(article_a: str, article_b: str, db: DbOption = None, config: ConfigOption = None,
         json_output: JsonOption = False) -> None:
    """Align two articles side by side: shared sentences (identical or edited, with word edits) and unique ones."""
    with open_store(db) as store:
        view = diff_view(store, article_a, article_b, config_from(config).provenance)
    if json_output:
        print_json(view)
        return
    def name(side: dict[str, Any]) -> str:
        return f"{side['outlet'] or side['id']} ({(side['date'] or 'undated')[:10]})"

    table = Table(title=f"{name(view['a'])} vs {name(view['b'])}: {view['shared_words']} shared words, "
                        f"containment {view['containment_a']:.2f} / {view['containment_b']:.2f}", show_lines=True)
    for column in ("kind", "A", "B", "edits"):
        table.add_column(column, overflow="fold")
    for run in view["runs"]:
        edits = "\n".join(_edits(s["edits"]) for s in run["sentences"] if s["edits"])
        table.add_row(run["kind"], run["a"]["text"] if run["a"] else "", run["b"]["text"] if run["b"] else "", edits)
    console.print(table)


@eval_app.command("provenance")
def eval_provenance(
    data: Annotated[Path | None, typer.Option("--data", help="A Timeline17 folder (t17/<topic>/articles.jsonl.gz) "
                                              "\\[default: shared/data/timelines/t17].")] = None,
    per_kind: Annotated[int, typer.Option(help="Copies made of each kind.")] = 40,
    distractors: Annotated[int, typer.Option(help="Same-topic articles sharing no text.")] = 40,
    seed: Annotated[int, typer.Option(help="Seed of the benchmark generator.")] = 13,
    config: ConfigOption = None,
    json_output: JsonOption = False,
) -> None:
    """Copy detection on a synthetic benchmark built from real articles: storyline vs exact hash vs MinHash LSH."""
    from storyline.eval.common import find_shared_data
    from storyline.eval.provenance import evaluate_provenance

    root = data or find_shared_data("timelines", "t17")
    result = evaluate_provenance(root, per_kind=per_kind, distractors=distractors, seed=seed,
                                 config=config_from(config).provenance)
    report([result], json_output)
