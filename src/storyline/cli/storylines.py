"""Storyline commands: ``storylines``, ``whatsnew`` and ``eval clustering``."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from storyline.cli._common import (
    ConfigOption,
    DbOption,
    JsonOption,
    app,
    approximate_date,
    config_from,
    console,
    open_store,
    print_json,
)
from storyline.cli.evaluate import eval_app, report
from storyline.errors import ConfigError, NotFoundError
from storyline.model import utc_now
from storyline.store import storylines as storylines_store
from storyline.text import count_noun
from storyline.views import storyline_view, whatsnew_view

LAST_LOOKED_KEY = "whatsnew_last_looked"


@app.command()
def storylines(db: DbOption = None, json_output: JsonOption = False,
               history: Annotated[bool, typer.Option("--history", help="Also print merges and splits.")] = False,
               ) -> None:
    """List storylines, most recently active first, with their stories and date ranges."""
    with open_store(db) as store:
        views = [storyline_view(row) for row in storylines_store.load_storylines(store)]
    if json_output:
        print_json(views)
        return
    for view in views:
        dates = f"{view['first_seen'] or '?'} – {view['last_seen'] or '?'}"
        sizes = f"{count_noun(len(view['stories']), 'story', 'stories')}, {count_noun(view['size'], 'article')}"
        console.print(Text.assemble((view["id"], "bold"), f"  {dates}  {sizes}  ", (view["label"], "bold")),
                      highlight=False)
        for story in view["stories"]:
            console.print(f"    {story['id']}  {story['first_seen'] or '?'} – {story['last_seen'] or '?'}  "
                          f"({story['size']})  {story['label']}", highlight=False)
        if history:
            for event in view["history"]:
                if event["kind"] in {"merged", "merged_into", "split", "split_from", "story_merged"}:
                    console.print(f"    {event['at']} {event['kind']}: {event['detail']}", style="dim",
                                  highlight=False)


@app.command()
def whatsnew(
    since: Annotated[str | None, typer.Option("--since", help="A day (YYYY-MM-DD): articles published since.")] = None,
    since_last: Annotated[bool, typer.Option("--since-last",
                                             help="Articles stored since the last --since-last.")] = False,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Per storyline, the new stories and articles since a day or since you last looked."""
    if (since is None) == (not since_last):
        raise ConfigError("give exactly one of --since DATE or --since-last")
    if since is not None:
        try:
            date.fromisoformat(since)
        except ValueError:
            raise ConfigError(f"--since {since!r} is not a date (YYYY-MM-DD)") from None
    with open_store(db) as store:
        if since_last:
            now = utc_now()  # taken before reading, so nothing stored meanwhile is skipped next time
            last = storylines_store.meta_value(store, LAST_LOOKED_KEY)
            views = whatsnew_view(store, ingested_since=last or "")
            storylines_store.set_meta_value(store, LAST_LOOKED_KEY, now)
            period = f"since you last looked ({last})" if last else "(first look: everything)"
        else:
            views = whatsnew_view(store, since=since)
            period = f"published since {since}"
    if json_output:
        print_json(views)
        return
    if not views:
        console.print(f"Nothing new {period}.")
        return
    console.print(f"What's new {period}", style="bold")
    for view in views:
        console.rule(f"{view['label']}  ({view['storyline_id']}, {view['first_seen']} – {view['last_seen']})")
        for story in view["new_stories"]:
            console.print(Text.assemble("  ", ("new story", "green"), f" {story['id']} "
                                        f"({story['first_seen'] or 'undated'}): {story['label']}"), highlight=False)
        for article in view["articles"]:
            when = article["date"] or "undated"
            if article["date"] and article["date_inferred"]:
                when += " (inferred)"
            if article["date_estimate"]:
                when += f", {approximate_date(article['date_estimate'])}"
            console.print(Text.assemble(f"  • {when} {article['outlet'] or 'unknown outlet'}: "
                                        f"{article['title'] or '(untitled)'}  ",
                                        (f"{article['id']} in {article['story_id']}", "dim")), highlight=False)


@eval_app.command("clustering")
def eval_clustering(
    data: Annotated[Path | None, typer.Option(
        "--data", help="A googlenews, ecbplus or timelines/t17 folder \\[default: all three].")] = None,
    json_output: JsonOption = False,
    config: ConfigOption = None,
    limit: Annotated[int | None, typer.Option(
        help="Only the first N GoogleNews items / N ECB+ topics / N articles per Timeline17 topic.")] = None,
    shuffles: Annotated[int, typer.Option(help="Shuffled input orders for the robustness check.")] = 5,
    samples: Annotated[int, typer.Option(help="Mixed undated samples per check (ECB+, Timeline17); 0 skips them.")
                       ] = 20,
) -> None:
    """Story and storyline quality (NMI, ARI, B-cubed, docs/s) beside k-means and single-pass baselines.

    ECB+ and Timeline17 also run without dates and titles, and on mixed samples of a few events.
    """
    from storyline.eval.clustering import evaluate_ecbplus, evaluate_googlenews
    from storyline.eval.clustering_messy import evaluate_t17_mixed
    from storyline.eval.common import find_shared_data

    cfg = config_from(config).cluster
    folders = [data] if data else [find_shared_data("clustering", name) for name in ("googlenews", "ecbplus")]
    if not data:
        with contextlib.suppress(NotFoundError):  # the clustering sets alone are enough to run
            folders.append(find_shared_data("timelines", "t17"))
    results = []
    for folder in folders:
        if (folder / "documents.jsonl.gz").exists():
            results.append(evaluate_ecbplus(folder, cfg, limit=limit, shuffles=shuffles, samples=samples))
        elif (folder / "TS.jsonl.gz").exists():
            results += [evaluate_googlenews(folder, variant, cfg, limit=limit, shuffles=shuffles)
                        for variant in ("TS", "S") if (folder / f"{variant}.jsonl.gz").exists()]
        elif (folder / "egypt" / "articles.jsonl.gz").exists():
            results.append(evaluate_t17_mixed(folder, cfg, per_topic=limit, samples=samples // 2))
        else:
            raise NotFoundError(f"{folder} holds neither GoogleNews (TS.jsonl.gz), ECB+ (documents.jsonl.gz) nor "
                                "Timeline17 (egypt/articles.jsonl.gz, ...)")
    report(results, json_output)
