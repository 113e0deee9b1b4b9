"""The ``storyline`` command line: parses arguments, calls the Python API, prints results.

No logic lives here. Each module registers its commands on the one typer ``app``
(``core``: ingest, stories, show, search, failures, demo; ``evaluate``: the ``eval``
group); commands open a Store, run a Pipeline
or read a view, and print it as a rich table or, with ``--json``, as JSON for scripts.
"""

from __future__ import annotations

from rich.text import Text
from typer.models import CommandInfo, TyperInfo

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

__all__ = ["COMMAND_GROUPS", "app", "demo_corpus_path", "main"]

COMMAND_GROUPS: dict[str, tuple[str, ...]] = {
    "Get started": ("demo", "info", "serve"),
    "Add articles": ("ingest", "watch", "sources", "failures", "import"),
    "Read": ("stories", "show", "article", "timeline", "update", "export", "search", "storylines", "whatsnew"),
    "Analyse": ("actors", "quotes", "stances", "compare", "provenance", "diff", "annotate"),
    "Maintain, measure, scale": ("check", "eval", "spark"),
}
"""The panels of ``storyline --help``, in order; a command in no group is listed last, under Commands."""


def _command_name(info: CommandInfo | TyperInfo) -> str:
    if info.name:
        return info.name
    return info.callback.__name__.replace("_", "-") if info.callback else ""


def _group_commands() -> None:
    """Put every command in its help panel and order the help by :data:`COMMAND_GROUPS`."""
    order = {name: (g, i) for g, names in enumerate(COMMAND_GROUPS.values()) for i, name in enumerate(names)}
    panels = {name: panel for panel, names in COMMAND_GROUPS.items() for name in names}
    for info in [*app.registered_commands, *app.registered_groups]:
        info.rich_help_panel = panels.get(_command_name(info))
    app.registered_commands.sort(key=lambda info: order.get(_command_name(info), (len(COMMAND_GROUPS), 0)))


_group_commands()


def main() -> None:
    """Entry point of the ``storyline`` console script: turns storyline errors into clean messages."""
    try:
        app()
    except StorylineError as exc:
        err_console.print(Text.assemble(("error:", "red"), " ", exc.message))
        raise SystemExit(1) from None
