"""Actor, quote, stance and comparison commands: actors, quotes, stances, compare, annotate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from storyline.cli._common import ConfigOption, DbOption, JsonOption, app, config_from, console, open_store, print_json
from storyline.cli.evaluate import eval_app, report
from storyline.pipeline import Pipeline

SubjectArg = Annotated[str, typer.Argument(help="A story id (or a storyline id when the store has storylines).")]


def _marks(citations: list[dict[str, Any]]) -> str:
    return " ".join(f"[{c['outlet']}]" for c in citations)


@app.command()
def actors(subject_id: SubjectArg, db: DbOption = None,
           limit: Annotated[int, typer.Option(help="Show at most this many actors, most mentioned first.")] = 30,
           json_output: JsonOption = False) -> None:
    """List the actors of a story: canonical name, aliases, roles, mentions (with spans in --json)."""
    from storyline.views import actors_view

    with open_store(db) as store:
        rows = actors_view(store, subject_id, limit=limit)
    if json_output:
        print_json(rows)
        return
    table = Table(title=f"Actors of {subject_id}")
    for column in ("name", "type", "mentions", "articles", "also called", "roles"):
        table.add_column(column, overflow="fold")
    for row in rows:
        aliases = ", ".join(a for a in row["aliases"] if a != row["name"])
        table.add_row(row["name"], row["type"], str(row["mention_count"]), str(row["articles"]), aliases,
                      "; ".join(row["roles"]))
    console.print(table)


@app.command()
def quotes(subject_id: Annotated[str | None, typer.Argument(help="A story id; all quotes when left out.")] = None,
           speaker: Annotated[str | None, typer.Option("--speaker", help="Only quotes by this name.")] = None,
           db: DbOption = None, config: ConfigOption = None, json_output: JsonOption = False) -> None:
    """List who said what: one quote per wording, cited in every article that carries it."""
    from storyline.views import quotes_view

    with open_store(db) as store:
        rows = quotes_view(store, subject_id, speaker, config_from(config).nlp)
    if json_output:
        print_json(rows)
        return
    heading = object()
    for row in rows:  # named speakers first (the view's order), then the quotes no article attributes
        who = row["speaker"] or "Unattributed (no speaker named in the article)"
        if who != heading:
            heading = who
            count = sum(1 for r in rows if (r["speaker"] or None) == row["speaker"])
            console.print(Text.assemble((who, "bold"), f"  {count} quote{'' if count == 1 else 's'}"))
        # verbatim words in quotation marks; a paraphrase never is
        words = f"“{row['text']}”" if row["direct"] else row["text"]
        console.print(Text.assemble("  ", words, (_how(row), "dim"), (f"  {_marks(row['citations'])}", "cyan")))


_PRONOUNS = frozenset({"he", "she", "it", "they", "i", "we", "you"})


def _how(row: dict[str, Any]) -> str:
    """" (said by a medical source, via Reuters)": the cue, an unnamed source's description, the channel."""
    bits = [row["cue"]] if row["cue"] else []
    phrase = row.get("speaker_phrase")
    if not row["attributed"] and phrase and phrase.lower() not in _PRONOUNS:
        bits.append(f"by {phrase}")  # an anonymous source as the article describes it, never a pronoun
    if row.get("channel"):
        bits.append(f"via {row['channel']}")
    return f"  ({' '.join(bits)})" if bits else ""


@app.command()
def stances(subject_id: SubjectArg, db: DbOption = None, config: ConfigOption = None,
            json_output: JsonOption = False,
            pairs: Annotated[int, typer.Option(help="Print this many actor pairs, most evidence first "
                                                    "(--json gives all).")] = 5) -> None:
    """Show how pairs of actors relate over time (cooperate / oppose / mixed), with evidence."""
    from storyline.views import stances_view

    with open_store(db) as store:
        rows = stances_view(store, subject_id, config_from(config).nlp)
    if json_output:
        print_json(rows)
        return
    for pair in rows[:pairs]:
        console.rule(" – ".join(pair["actors"]))
        for period in pair["periods"]:
            facets = ", ".join(f"{k} {v:g}" for k, v in period["facets"].items())
            console.print(Text.assemble(f"{period['period']}: ", (period["relation"], "bold"), f" ({facets})"))
        for article in pair["articles"]:
            console.print(f"  {article['date'] or 'undated'} {article['outlet']}: {article['relation']}")


@app.command()
def compare(story_id: SubjectArg, db: DbOption = None, json_output: JsonOption = False) -> None:
    """Compare a story's outlets: coverage, what only one reports, naming, discrepancies."""
    from storyline.views import compare_view

    with open_store(db) as store:
        view = compare_view(store, story_id)
    if json_output:
        print_json(view)
        return
    outlets = view["outlets"]
    table = Table(title=f"Actor coverage of {story_id}")
    table.add_column("actor")
    for outlet in outlets:
        table.add_column(outlet[:18], justify="right")
    for row in view["coverage"]["actors"][:25]:
        table.add_row(row["name"], *[str(row["outlets"].get(o, "")) for o in outlets])
    console.print(table)
    console.print("Naming differences", style="bold")
    for row in view["naming"]:
        console.print(f"  {row['name']}: " + "; ".join(f"{o}: {', '.join(f[:3])}" for o, f in row["forms"].items()))
    console.print("Only one outlet reports", style="bold")
    for outlet, only in view["exclusive"].items():
        items = [*(f"actor {a}" for a in only["actors"]), *(f"claim {c}" for c in only["claims"])]
        if items:
            console.print(f"  {outlet}: " + "; ".join(items[:8]))
    console.print("Discrepancies", style="bold")
    for d in view["discrepancies"]:
        console.print(f"  {d['claim']}")
        for v in d["values"]:
            console.print(f"    {v['value']} ({v['status']}{', per ' + v['source'] if v['source'] else ''}) "
                          f"— {v['outlet']}")


@app.command()
def annotate(db: DbOption = None, config: ConfigOption = None) -> None:
    """Find actors, quotes, claims and stances in stories not annotated yet (ingest does this too)."""
    with open_store(db) as store:
        story_ids = [row.id for row in store.stories()]
        Pipeline(store, config_from(config)).annotate_stories(story_ids)
    console.print(f"annotated {len(story_ids)} stories")


DataOption = Annotated[Path | None, typer.Option("--data", help="The data set folder \\[default: ../shared/data/...].")]


@eval_app.command("quotes")
def eval_quotes(data: DataOption = None,
                limit: Annotated[int | None, typer.Option(help="Only the first N documents (PolNeAR).")] = None,
                json_output: JsonOption = False) -> None:
    """Quotes: PolNeAR dev span F1 (vs a quote-mark baseline); T17 gold quotes found and named-speaker accuracy.

    ``--data`` is one set: a PolNeAR folder (``dev.jsonl``) or a hand-labelled speaker set
    (``articles.jsonl`` + ``quotes.jsonl``, as ``quotes/t17-gold``); default: both shared sets.
    """
    from storyline.eval.common import find_shared_data
    from storyline.eval.quotes import evaluate_quotes
    from storyline.eval.speakers import evaluate_speakers
    from storyline.nlp.annotate import Annotator

    folders = [data] if data else [find_shared_data("quotes", "polnear"), find_shared_data("quotes", "t17-gold")]
    annotator = Annotator()
    results = [evaluate_speakers(folder, annotator=annotator) if (folder / "quotes.jsonl").exists()
               else evaluate_quotes(folder, limit, annotator=annotator) for folder in folders]
    report(results, json_output)


@eval_app.command("entities")
def eval_entities(data: DataOption = None,
                  topics: Annotated[int | None, typer.Option(help="Only the first N ECB+ topics.")] = None,
                  json_output: JsonOption = False) -> None:
    """Cross-document alias resolution on ECB+ entity chains (CoNLL F1, B-cubed) vs exact string match."""
    from storyline.eval.common import find_shared_data
    from storyline.eval.entities import evaluate_entities

    report([evaluate_entities(data or find_shared_data("clustering", "ecbplus"), topics)], json_output)
