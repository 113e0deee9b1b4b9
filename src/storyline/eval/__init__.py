"""Evaluation on the shared data sets: loaders, metrics and baselines, one module per task.

Every task prints the field's metrics for ``storyline`` side by side with well-known baselines
run in the same process, as ``{"system": {"metric": value}}``.
"""

from storyline.eval.common import EvalResult, find_shared_data, format_table

__all__ = ["EvalResult", "find_shared_data", "format_table"]
