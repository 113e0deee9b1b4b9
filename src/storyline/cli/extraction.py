"""``storyline eval extraction``: article body extraction on the scrapinghub benchmark."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from storyline.cli._common import JsonOption
from storyline.cli.evaluate import eval_app, report
from storyline.config import load_config

__all__ = ["eval_extraction"]


@eval_app.command("extraction")
def eval_extraction(
    data: Annotated[Path | None, typer.Option("--data",
                                              help="The scrapinghub folder \\[default: shared data].")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Score an evenly spaced sample of N pages.")] = None,
    mode: Annotated[str, typer.Option("--mode", help="html, text (the scrape cleaner) or both.")] = "both",
    config: Annotated[Path | None, typer.Option("--config", help="TOML config file overriding defaults.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Score HTML extraction (beside trafilatura, readability-lxml) and the scrape cleaner (beside jusText)."""
    from storyline.eval.extraction import evaluate_html, evaluate_text

    if mode not in ("html", "text", "both"):
        raise typer.BadParameter(f"--mode must be html, text or both, not {mode!r}")
    settings = load_config(config)
    results = []
    if mode in ("html", "both"):
        results.append(evaluate_html(data, limit, settings.extract))
    if mode in ("text", "both"):
        results.append(evaluate_text(data, limit))
    report(results, json_output)
