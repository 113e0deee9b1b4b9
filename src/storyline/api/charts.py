"""Charts drawn on the server as plain SVG geometry (no JavaScript, nothing fetched, works offline).

The template turns the numbers into ``<rect>`` elements; styling comes from the stylesheet, so
the page needs no inline style either.
"""

from __future__ import annotations

from typing import Any

__all__ = ["bar_chart"]


def bar_chart(series: list[dict[str, Any]], *, width: int = 720, height: int = 140, pad: int = 22) -> dict[str, Any]:
    """Lay out a bar chart of ``[{"day", "count"}, ...]`` (oldest first) in a ``width`` x ``height`` box.

    Returns:
        ``{"width", "height", "bars": [{"x", "y", "w", "h", "day", "count"}], "max", "first", "last",
        "total", "baseline"}``; ``bars`` is empty for an empty series.
    """
    chart: dict[str, Any] = {"width": width, "height": height, "bars": [], "max": 0, "first": None, "last": None,
                             "total": 0, "baseline": height - pad}
    if not series:
        return chart
    top = max(point["count"] for point in series) or 1
    plot_h = height - 2 * pad
    step = (width - 2 * pad) / len(series)
    bar_w = max(step * 0.8, 1.0)
    for i, point in enumerate(series):
        h = plot_h * point["count"] / top
        chart["bars"].append({"x": round(pad + i * step + (step - bar_w) / 2, 2), "y": round(height - pad - h, 2),
                              "w": round(bar_w, 2), "h": round(h, 2), "day": point["day"], "count": point["count"]})
    chart.update(max=top, first=series[0]["day"], last=series[-1]["day"],
                 total=sum(point["count"] for point in series))
    return chart
