"""The ``storyline`` command line: parses arguments, calls the Python API, prints results.

No logic lives here. Each module registers its commands on the one typer ``app``
(``core``: ingest, stories, show, search, failures, demo; ``evaluate``: the ``eval``
group); commands open a Store, run a Pipeline
or read a view, and print it as a rich table or, with ``--json``, as JSON for scripts.
"""

from __future__ import annotations

from rich.markup import escape

from storyline.cli import (  # noqa: F401  (register commands)
    check,
    core,
    evaluate,
    extraction,
    nlp,
    provenance,
    serve,
    sources,
    spark,
    storylines,
    summaries,
)
from storyline.cli._common import app, demo_corpus_path, err_console
from storyline.errors import StorylineError

__all__ = ["app", "demo_corpus_path", "main"]


def main() -> None:
    """Entry point of the ``storyline`` console script: turns storyline errors into clean messages."""
    try:
        app()
    except StorylineError as exc:
        err_console.print(f"[red]error:[/red] {escape(exc.message)}")
        raise SystemExit(1) from None
