"""What every evaluation shares: locating the shared data and reporting results."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from storyline.errors import NotFoundError

__all__ = ["DATA_ENV", "EvalResult", "find_shared_data", "format_table"]

DATA_ENV = "STORYLINE_DATA"


@dataclass(slots=True)
class EvalResult:
    """Metrics per system (``storyline`` first, then baselines by library name), plus notes."""

    task: str
    data: str
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, dict[str, float]]:
        """Return ``{"system": {"metric": value}}`` with values rounded to 4 places."""
        return {system: {k: round(v, 4) for k, v in values.items()} for system, values in self.metrics.items()}


def find_shared_data(*parts: str) -> Path:
    """Locate a folder of the shared evaluation data.

    Looks in ``$STORYLINE_DATA``, then ``shared/data`` beside the current folder or any parent
    (a checkout sits next to ``shared/``).

    Raises:
        NotFoundError: the folder is not found; pass ``--data PATH``.
    """
    roots = [Path(os.environ[DATA_ENV])] if os.environ.get(DATA_ENV) else []
    here = Path.cwd().resolve()
    roots += [p / "shared" / "data" for p in (here, *here.parents)]
    roots.append(Path(__file__).resolve().parents[4] / "shared" / "data")
    for root in roots:
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    raise NotFoundError(f"shared data {'/'.join(parts) or '.'} not found; pass --data PATH or set ${DATA_ENV}")


def format_table(result: EvalResult) -> str:
    """Render results as a plain text table: one row per system, one column per metric."""
    metrics = sorted({m for values in result.metrics.values() for m in values})
    width = max([len(s) for s in result.metrics] + [6])
    lines = [f"{result.task} on {result.data}", " ".join([" " * width, *(f"{m:>12}" for m in metrics)])]
    for system, values in result.metrics.items():
        cells = [f"{values[m]:>12.4f}" if m in values else f"{'':>12}" for m in metrics]
        lines.append(" ".join([f"{system:<{width}}", *cells]))
    lines.extend(f"note: {n}" for n in result.notes)
    return "\n".join(lines)
