"""The release's charts, drawn by the dashboard's own builders and written as SVG by kaleido,
in one browser. Plotly gives each drawing a random id (in its clip paths' names), so the id
is replaced by one made from the chart's name: the same release drawn again is the same
bytes."""

from __future__ import annotations

import re
from collections.abc import Callable

import plotly.graph_objects as go

from dashboard import export, views
from dashboard.charts import indicators, overview, revisions
from dashboard.release.content import Content

# Where plotly.js writes its drawing id: defs-ab12cd, topdefs-ab12cd, clipab12cdxyplot, …
_DRAWING_ID = re.compile(rb'id="defs-([0-9a-f]+)"')


def overview_figures(content: Content) -> dict[str, go.Figure]:
    inputs = content.inputs
    themes, as_at, source = inputs.report.themes, inputs.as_at, inputs.source
    return {
        "commitments-by-theme": overview.commitments_by_theme(themes, as_at, source),
        "indicators-by-theme": overview.indicators_by_theme(themes, as_at, source),
        "delivery-by-theme": overview.delivery_by_theme(themes, as_at, source),
    }


def indicator_figures(content: Content, indicator_id: str) -> dict[str, go.Figure]:
    """An indicator's national series against its trajectory, and its revisions."""
    inputs = content.inputs
    report, tables = inputs.report, inputs.tables
    detail = views.indicator_detail(report.indicators, tables["indicators"], indicator_id)
    targets, changes = views.targets_of(
        tables["indicator_targets"], tables["indicator_changes"], indicator_id
    )
    source = views.indicator_source(detail, inputs.as_at, inputs.demo, figures=report.figures_label)
    series = inputs.series[inputs.series["indicator_id"] == indicator_id]
    return {
        f"{indicator_id}-against-trajectory": indicators.indicator_vs_trajectory(
            series, detail, targets, inputs.as_at, source, changes
        ),
        f"{indicator_id}-revisions": revisions.revisions_chart(
            inputs.revisions[indicator_id], source
        ),
    }


def all_figures(content: Content) -> dict[str, go.Figure]:
    figures = overview_figures(content)
    for indicator_id in content.inputs.report.indicators["id"]:
        figures.update(indicator_figures(content, indicator_id))
    return figures


def svgs(
    figures: dict[str, go.Figure], progress: Callable[[int, int], None] | None = None
) -> dict[str, bytes]:
    """Every figure as SVG, ``{"name.svg": bytes}``, the same bytes every time."""
    drawn = export.images({n: _named_traces(f) for n, f in figures.items()}, ["svg"], progress)
    return {name: steady(name.removesuffix(".svg"), svg) for name, svg in drawn.items()}


def _named_traces(fig: go.Figure) -> go.Figure:
    """A copy whose traces have fixed ids (plotly.js would name each at random)."""
    named = go.Figure(fig)
    for n, trace in enumerate(named.data):
        trace.uid = f"t{n}"
    return named


def warm_up() -> None:
    """Draw a tiny chart, so that Chromium has started by the time the first real one comes
    (call inside ``export.browser()``)."""
    export.image(go.Figure(go.Scatter(x=[0], y=[0])), "svg", width=50, height=50)


def steady(name: str, svg: bytes) -> bytes:
    """The SVG with plotly's random drawing id replaced by one made from its name."""
    found = _DRAWING_ID.search(svg)
    if not found:
        return svg
    fixed = re.sub(rb"[^a-z0-9]", b"", name.lower().encode())[:24] or b"chart"
    return re.sub(rb"(?<=[a-z\-])" + found[1] + rb"(?=[a-z\"\)])", fixed, svg)


def size(fig: go.Figure) -> tuple[int, int]:
    return int(fig.layout.width or export.WIDTH), int(fig.layout.height or export.DEFAULT_HEIGHT)
