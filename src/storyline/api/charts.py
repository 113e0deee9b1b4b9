"""Charts drawn on the server as inline SVG (no JavaScript, nothing fetched, works offline).

The SVG is built here rather than in a template: a year of daily bars is hundreds of elements,
and a template loop escaping each attribute costs more than the rest of the page. Every text
value is escaped; numbers are formatted by us. Styling comes from the stylesheet (classes only),
so the page needs no inline style either.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

__all__ = ["bar_chart", "bar_chart_svg"]


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


def bar_chart_svg(series: list[dict[str, Any]], caption: str) -> Markup:
    """Return a ``<figure>`` with the SVG bar chart of ``series`` (empty markup for an empty series)."""
    c = bar_chart(series)
    if not c["bars"]:
        return Markup("")
    label = escape(f"{caption}: {c['total']} articles from {c['first']} to {c['last']}")
    parts = [f'<figure class="chart"><svg viewBox="0 0 {c["width"]} {c["height"]}" role="img" aria-label="{label}">',
             f'<line class="axis" x1="0" y1="{c["baseline"]}" x2="{c["width"]}" y2="{c["baseline"]}"></line>']
    for b in c["bars"]:
        plural = "" if b["count"] == 1 else "s"
        parts.append(f'<rect class="bar" x="{b["x"]}" y="{b["y"]}" width="{b["w"]}" height="{b["h"]}">'
                     f'<title>{escape(b["day"])}: {int(b["count"])} article{plural}</title></rect>')
    parts.append(f'<text class="label" x="2" y="{c["height"] - 6}">{escape(c["first"])}</text>'
                 f'<text class="label end" x="{c["width"] - 2}" y="{c["height"] - 6}">{escape(c["last"])}</text>'
                 f'<text class="label" x="2" y="12">max {int(c["max"])}/day</text></svg>'
                 f"<figcaption>{escape(caption)}</figcaption></figure>")
    return Markup("".join(parts))
