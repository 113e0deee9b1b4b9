"""``storyline eval TASK``: measure quality on the shared data sets against baselines.

Each task module registers one command on ``eval_app`` and takes ``--data PATH`` (one data set
folder laid out as in ``shared/data``; default: every set of the task) and ``--json``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from storyline.cli._common import app, console, print_json

if TYPE_CHECKING:
    from storyline.eval.common import EvalResult

__all__ = ["eval_app", "report"]

eval_app = typer.Typer(help="Measure quality on the shared evaluation sets, beside baselines.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


def report(results: list[EvalResult], as_json: bool) -> None:
    """Print eval results: JSON ``{"system": {"metric": value}}`` (one set) or tables."""
    from storyline.eval.common import format_table

    if as_json:
        if len(results) == 1:
            print_json(results[0].as_json())
        else:
            print_json({r.data: r.as_json() for r in results})
        return
    for result in results:
        console.print(format_table(result), highlight=False, markup=False)
        console.print()
