"""The briefing's charts as plotly figures, for PNG/SVG exports and the direct PDF.

``figure()`` draws a slide's ``Chart`` the way PowerPoint does, sized for its box on
the slide, and ``slide_figures()`` every chart of a pack; ``dashboard_figures()`` draws
every dashboard chart for the as-at date with the dashboard's own builders
(``stem-tracker charts``).
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard import views
from dashboard.briefing.pack import Chart, Inputs, Pack
from dashboard.charts import common, indicators, milestones, overview, returns


def dashboard_figures(inputs: Inputs) -> dict[str, go.Figure]:
    """Every dashboard chart for the as-at date, drawn by the dashboard's own builders:
    the overview's three, the milestone timeline, returns completeness and each
    indicator against its trajectory."""
    report, as_at, source = inputs.report, inputs.as_at, inputs.source
    figs = {
        "commitments-by-theme": overview.commitments_by_theme(report.themes, as_at, source),
        "delivery-by-theme": overview.delivery_by_theme(report.themes, as_at, source),
        "indicators-by-theme": overview.indicators_by_theme(report.themes, as_at, source),
        "milestones": milestones.milestone_timeline(report.milestones, as_at, source),
        "returns-completeness": returns.returns_grid(
            views.recent_returns(report.returns), as_at, source, report.coverage_period
        ),
    }
    declared = inputs.tables["indicators"]
    for indicator_id in report.indicators["id"]:
        targets, changes = views.targets_of(
            inputs.tables["indicator_targets"], inputs.tables["indicator_changes"], indicator_id
        )
        figs[f"{indicator_id}-against-trajectory"] = indicators.indicator_vs_trajectory(
            inputs.series[inputs.series["indicator_id"] == indicator_id],
            views.indicator_detail(report.indicators, declared, indicator_id),
            targets,
            as_at,
            source,
            changes,
        )
    return figs


PIXELS_PER_INCH = 130  # CSS pixels: text on the image reads at the size of the slide's


def figure(chart: Chart, source: str, width_in: float = 6.0, height_in: float = 3.8) -> go.Figure:
    """The plotly twin of a slide chart, with its title, as-at date and source line,
    sized for the box it fills on the slide."""
    fig = go.Figure()
    if chart.kind == "line":
        _draw_lines(fig, chart)
    elif chart.kind == "stacked":
        _draw_stacked_bars(fig, chart)
    else:
        _draw_bars(fig, chart)
    common.finish(
        fig,
        chart.title,
        chart.subtitle,
        source,
        chart.summary,
        height=round(height_in * PIXELS_PER_INCH),
        data_name=chart.name,
    )
    fig.update_layout(width=round(width_in * PIXELS_PER_INCH))
    if chart.kind == "line":
        fig.update_layout(margin={"r": 110})
    return fig


def _draw_lines(fig: go.Figure, chart: Chart) -> None:
    """A line chart: each series (a trajectory dashed) over the quarters, named at its end."""
    for (name, values), colour in zip(chart.series.items(), chart.colours, strict=True):
        trajectory = name == "Trajectory"
        fig.add_scatter(
            x=chart.categories,
            y=values,
            name=name,
            mode="lines" if trajectory else "lines+markers",
            line={
                "color": colour,
                "width": 2 if trajectory else 3,
                "dash": "dash" if trajectory else "solid",
            },
            connectgaps=False,
        )
        last = max((i for i, v in enumerate(values) if v is not None), default=None)
        if last is not None:  # a direct label rather than a legend
            fig.add_annotation(
                x=chart.categories[last], y=values[last], text=name, showarrow=False,
                xanchor="left", xshift=6, yshift=9 if trajectory else -9,
                font={"color": colour, "size": 11},
            )  # fmt: skip
    fig.update_yaxes(title_text=chart.value_axis, rangemode="tozero")
    fig.update_xaxes(type="category", nticks=8)


def _draw_stacked_bars(fig: go.Figure, chart: Chart) -> None:
    """Stacked horizontal bars: one colour per series, each part's count and name on it."""
    for (name, values), colour in zip(chart.series.items(), chart.colours, strict=True):
        fig.add_bar(
            y=chart.categories,
            x=values,
            orientation="h",
            name=name,
            marker={"color": colour, "line": {"color": "white", "width": 1}},
            text=[f"{v} {name}" if v else "" for v in values],  # the word on the bar
            textposition="inside",
            insidetextanchor="middle",
            textangle=0,
            textfont={"color": fmt.text_on(colour)},
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=chart.value_axis, rangemode="tozero", dtick=1)


def _draw_bars(fig: go.Figure, chart: Chart) -> None:
    """Horizontal bars of one series, each value written beyond its bar; a percent chart
    marks 100."""
    ((name, values),) = chart.series.items()
    fig.add_bar(
        y=chart.categories,
        x=[0 if v is None else v for v in values],
        orientation="h",
        name=name,
        marker={"color": chart.colours},
        text=[_value_text(v, chart.unit) for v in values],
        textposition="outside",
        cliponaxis=False,
    )
    if chart.unit == "percent":
        fig.add_vline(x=100, line={"color": fmt.TEXT, "dash": "dash"})
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=chart.value_axis, rangemode="tozero")


def _value_text(value, unit: str) -> str:
    if value is None:
        return "no data"
    return fmt.number(value, unit)


def slide_figures(pack: Pack) -> dict[str, go.Figure]:
    """Every slide chart's plotly twin, sized for its box on the slide."""
    from dashboard.briefing.pptx import chart_boxes

    out = {}
    for slide in pack.slides:
        for chart, (_, _, width, height) in zip(slide.charts, chart_boxes(slide), strict=True):
            out[chart.name] = figure(chart, pack.source, width, height)
    return out


# A printed page: CSS pixels at their nominal size (12 px text prints at 9 pt), and PNG pixels
# enough for 300 dots per inch.
PRINT_PIXELS_PER_INCH = 96
PRINT_DPI = 300


def print_figure(chart: Chart, width_in: float, height_in: float) -> go.Figure:
    """The chart alone, for a document whose own text gives its title, caption and source:
    the slide chart's plotly twin without the title above it or the source line below, and
    a legend rather than direct labels (at print size the two labels of a line that ends
    near its trajectory overlap)."""
    fig = figure(chart, "")
    fig.layout.annotations = []
    fig.update_layout(
        title=None,
        width=round(width_in * PRINT_PIXELS_PER_INCH),
        height=round(height_in * PRINT_PIXELS_PER_INCH),
        margin={"t": 10, "b": 10, "l": 10, "r": 30},
        font={"size": 12},
        showlegend=chart.kind == "line",
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
    )
    if chart.kind != "line" and len(chart.value_axis) > 40 and " (" in chart.value_axis:
        # wider than the plot: on two lines
        fig.update_xaxes(title_text=chart.value_axis.replace(" (", "<br>(", 1))
    return fig
