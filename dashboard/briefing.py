"""The ministers' briefing pack: what goes on each slide, from the status engine's report.

One code path for the page and the CLI: ``read()`` takes what the pack needs from
the database (one short connection), ``build()`` turns it into a ``Pack`` of
slides holding plain data (key messages, charts as categories × series, tables),
and ``files()`` renders that one pack as PowerPoint (native, editable charts:
``briefing_pptx``), PDF (``briefing_pdf``) and a ZIP of PNG/SVG charts (``export``).
Every number on a slide comes from the ``StatusReport``; nothing here re-judges a
status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from dashboard import charts, charts_indicators, sql, views
from dashboard import format as fmt
from etl import status as engine
from etl import store
from etl.status import StatusReport

INDICATOR_CHARTS_PER_SLIDE = 2


class BriefingError(ValueError):
    """A briefing cannot be built as asked (e.g. an unknown theme); the message says why."""


# --- What the pack is made of -------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """One chart as plain data, drawn natively in PowerPoint and by plotly for PNG/SVG/PDF.

    kind: "bar" (one series, one bar per category, each coloured by its status),
    "stacked" (one series per status, stacked), or "line" (series over quarters).
    """

    name: str  # file stem of its exports
    title: str  # the finding
    subtitle: str  # what is shown
    kind: str
    categories: list[str]
    series: dict[str, list[float | None]]
    colours: list[str]  # per category for "bar", per series otherwise
    summary: str  # one sentence: alt text on the slide, caption elsewhere
    unit: str = "count"  # "count" or "percent": the number format
    value_axis: str = ""

    def table(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.series, index=self.categories)
        frame.index.name = ""
        return frame

    def table_text(self) -> str:
        """The chart's data as a plain-text table, for the speaker notes."""
        return f"{self.title}\n" + text_table(self.table().reset_index(), self.unit)


@dataclass
class Slide:
    title: str
    kind: str  # title, overview, theme, indicators, milestones, annex
    messages: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    table: pd.DataFrame | None = None
    notes: str = ""


@dataclass
class Pack:
    as_at: dt.date
    strategy_title: str
    source: str  # as-at date, source, councils reporting, demo data
    demo: bool
    slides: list[Slide]

    def charts(self) -> list[Chart]:
        return [chart for slide in self.slides for chart in slide.charts]


@dataclass(frozen=True)
class Inputs:
    """Everything a pack is built from, read in one short connection."""

    report: StatusReport
    series: pd.DataFrame  # national_series for every indicator
    strategy_title: str
    demo: bool
    coverage: dict  # as the dashboard shows it: period, received, councils
    tables: dict[str, pd.DataFrame]  # strategy tables the dashboard's charts need

    @property
    def as_at(self) -> dt.date:
        return self.report.as_at


STRATEGY_TABLES = ("indicators", "indicator_targets", "indicator_changes")


def read(db: Path | str, as_at: dt.date) -> Inputs:
    """The status report and what goes with it, as at ``as_at``."""
    db = Path(db)
    if not db.exists():  # connect() would create an empty file
        raise store.StoreNotReady(f"there is no database at {db}: run `stem-tracker init` first")
    with store.connect(db) as con:
        report = engine.report(con, as_at)
        series = engine.national_series(con, as_at)
        meta = dict(con.execute(*sql.meta()).fetchall())
        tables = {name: con.execute(*sql.table(name)).df() for name in STRATEGY_TABLES}
    return Inputs(
        report=report,
        series=series,
        strategy_title=meta.get("title") or "STEM Education and Training Strategy",
        demo=meta.get("figures") == "demo",
        coverage=views.coverage(report.returns, report.coverage_period),
        tables=tables,
    )


def source_line(inputs: Inputs) -> str:
    """The dashboard's source line: as-at date, councils reporting, demo data."""
    return charts.source_line(
        inputs.as_at, inputs.coverage["received"], inputs.coverage["period"], demo=inputs.demo
    )


def dashboard_figures(inputs: Inputs) -> dict[str, go.Figure]:
    """Every dashboard chart for the as-at date, drawn by the dashboard's own builders:
    the overview's three, the milestone timeline, returns completeness and each
    indicator against its trajectory."""
    report, as_at, source = inputs.report, inputs.as_at, source_line(inputs)
    figs = {
        "commitments-by-theme": charts.commitments_by_theme(report.themes, as_at, source),
        "delivery-by-theme": charts.delivery_by_theme(report.themes, as_at, source),
        "indicators-by-theme": charts.indicators_by_theme(report.themes, as_at, source),
        "milestones": charts.milestone_timeline(report.milestones, as_at, source),
        "returns-completeness": charts.returns_grid(
            views.recent_returns(report.returns), as_at, source
        ),
    }
    declared = inputs.tables["indicators"]
    for indicator_id in report.indicators["id"]:
        targets, changes = views.targets_of(
            inputs.tables["indicator_targets"], inputs.tables["indicator_changes"], indicator_id
        )
        figs[f"{indicator_id}-against-trajectory"] = charts_indicators.indicator_vs_trajectory(
            inputs.series[inputs.series["indicator_id"] == indicator_id],
            views.indicator_detail(report.indicators, declared, indicator_id),
            targets,
            as_at,
            source,
            changes,
        )
    return figs


# --- Building the slides --------------------------------------------------------------------


def build(
    inputs: Inputs,
    themes: Iterable[str] | None = None,
    commitments: Iterable[str] | None = None,
) -> Pack:
    """The pack for the chosen themes (default: all) and commitments (default: all in them)."""
    report = inputs.report
    theme_names = dict(zip(report.themes["id"], report.themes["name"], strict=True))
    chosen_themes = list(themes) if themes else list(theme_names)
    unknown = [t for t in chosen_themes if t not in theme_names]
    if unknown:
        raise BriefingError(
            f"unknown theme {', '.join(unknown)}: choose from {', '.join(theme_names)}"
        )
    known = set(report.commitments["id"])
    chosen = list(commitments) if commitments else None
    if chosen is not None and (missing := [c for c in chosen if c not in known]):
        raise BriefingError(f"unknown commitment {', '.join(missing)}")

    in_scope = report.commitments[report.commitments["theme"].isin(chosen_themes)]
    if chosen is not None:
        in_scope = in_scope[in_scope["id"].isin(chosen)]
    ids = set(in_scope["id"])
    milestones = report.milestones[report.milestones["commitment_id"].isin(ids)]
    indicators = report.indicators[report.indicators["commitment_id"].isin(ids)]

    slides = [_title_slide(inputs, [theme_names[t] for t in chosen_themes])]
    slides.append(_overview_slide(inputs))
    for theme in chosen_themes:
        theme_commitments = in_scope[in_scope["theme"] == theme]
        slides.append(
            _theme_slide(
                inputs,
                theme_names[theme],
                theme_commitments,
                milestones[milestones["commitment_id"].isin(theme_commitments["id"])],
                indicators[indicators["commitment_id"].isin(theme_commitments["id"])],
            )
        )
        slides += _indicator_slides(
            inputs,
            theme_names[theme],
            indicators[indicators["commitment_id"].isin(theme_commitments["id"])],
        )
    slides += _milestone_slides(inputs, milestones)
    slides += _annex_slides(in_scope, indicators)
    for slide in slides:
        if slide.charts and not slide.notes:
            slide.notes = "\n\n".join(chart.table_text() for chart in slide.charts)
        elif slide.table is not None and not slide.notes:
            slide.notes = text_table(slide.table)
    return Pack(inputs.as_at, inputs.strategy_title, source_line(inputs), inputs.demo, slides)


def _title_slide(inputs: Inputs, theme_names: list[str]) -> Slide:
    messages = [
        f"Briefing pack as at {fmt.long_date(inputs.as_at)}",
        "Themes: " + ", ".join(theme_names),
    ]
    if inputs.demo:
        messages.append("DEMO DATA: the figures are invented for demonstration, not official")
    return Slide(inputs.strategy_title, "title", messages)


def status_counts(statuses: pd.Series, order: tuple[str, ...]) -> list[int]:
    return [int((statuses == s).sum()) for s in order]


def _overview_slide(inputs: Inputs) -> Slide:
    report = inputs.report
    themes = report.themes
    names = themes["name"].tolist()
    commitments_chart = Chart(
        name="overview-commitments-by-theme",
        title=_commitments_title(report.commitments["status"]),
        subtitle="Commitments by status and theme",
        kind="stacked",
        categories=names,
        series={
            fmt.label(s): themes[f"commitments_{s}"].astype(int).tolist()
            for s in fmt.COMMITMENT_ORDER
        },
        colours=[fmt.colour(s) for s in fmt.COMMITMENT_ORDER],
        summary=_counts_sentence(
            inputs.as_at, report.commitments["status"], fmt.COMMITMENT_ORDER, "commitments"
        ),
        value_axis="Number of commitments",
    )
    indicators_chart = Chart(
        name="overview-indicators-by-theme",
        title=_indicators_title(report.indicators["status"]),
        subtitle="Indicators against their trajectory, by status and theme",
        kind="stacked",
        categories=names,
        series={
            fmt.label(s): themes[f"indicators_{s}"].astype(int).tolist()
            for s in fmt.INDICATOR_ORDER
        },
        colours=[fmt.colour(s) for s in fmt.INDICATOR_ORDER],
        summary=_counts_sentence(
            inputs.as_at, report.indicators["status"], fmt.INDICATOR_ORDER, "indicators"
        ),
        value_axis="Number of indicators",
    )
    due, done = int(themes["milestones_due"].sum()), int(themes["milestones_completed"].sum())
    messages = [
        _commitments_message(report.commitments),
        _delivery_message(done, due),
        _milestones_message(report.milestones),
        _indicators_message(report.indicators),
    ]
    cov = inputs.coverage
    if cov["period"]:
        messages.append(
            f"{cov['received']} of {cov['councils']} councils have sent their "
            f"{cov['period']} return."
        )
    return Slide(
        "Overview: the strategy as a whole",
        "overview",
        messages,
        [commitments_chart, indicators_chart],
    )


def _theme_slide(inputs, theme_name, commitments, milestones, indicators) -> Slide:
    slug = fmt_slug(theme_name)
    commitments_chart = Chart(
        name=f"{slug}-commitments-by-status",
        title=_commitments_title(commitments["status"]),
        subtitle=f"{theme_name}: commitments by status",
        kind="bar",
        categories=[fmt.label(s) for s in fmt.COMMITMENT_ORDER],
        series={"Commitments": status_counts(commitments["status"], fmt.COMMITMENT_ORDER)},
        colours=[fmt.colour(s) for s in fmt.COMMITMENT_ORDER],
        summary=f"{theme_name}: "
        + _counts_sentence(
            inputs.as_at, commitments["status"], fmt.COMMITMENT_ORDER, "commitments"
        ),
        value_axis="Number of commitments",
    )
    with_ratio = indicators
    indicators_chart = Chart(
        name=f"{slug}-indicators-against-trajectory",
        title=_indicators_title(indicators["status"]),
        subtitle=f"{theme_name}: latest national figure as % of trajectory (100% = on it)",
        kind="bar",
        categories=[
            f"{row.id} {_short(row.name, 34)} ({fmt.label(row.status)})"
            for row in with_ratio.itertuples(index=False)
        ],
        series={
            "% of trajectory": [
                None if pd.isna(r) else round(float(r) * 100, 1) for r in with_ratio["ratio"]
            ]
        },
        colours=[fmt.colour(s) for s in with_ratio["status"]],
        summary=f"{theme_name}: " + _ratio_sentence(inputs.as_at, with_ratio),
        unit="percent",
        value_axis="Latest figure as % of trajectory (100% = on trajectory)",
    )
    due_by = milestones[[d <= inputs.as_at for d in milestones["due"]]]
    done = int((due_by["status"] == "complete").sum())
    messages = [
        _commitments_message(commitments),
        _milestones_message(milestones),
        _delivery_message(done, len(due_by)),
        _indicators_message(indicators),
    ]
    manual = commitments[commitments["manual"]]
    for row in manual.itertuples(index=False):
        messages.append(
            f"{row.id} is {fmt.word(row.status).lower()} by manual judgement: "
            + _short(row.reason or "no reason given", 160)
        )
    gaps = commitments.loc[commitments["data_gap"], "id"].tolist()
    if gaps:
        messages.append(f"Data gap: {', '.join(gaps)} have an indicator without enough data.")
    charts_ = [commitments_chart] + ([indicators_chart] if len(indicators) else [])
    return Slide(f"{theme_name}", "theme", messages, charts_)


def _indicator_slides(inputs: Inputs, theme_name: str, indicators: pd.DataFrame) -> list[Slide]:
    """Each indicator's national figure against its trajectory, a few to a slide."""
    charts_ = [_trajectory_chart(inputs, row) for row in indicators.itertuples(index=False)]
    slides = []
    for start in range(0, len(charts_), INDICATOR_CHARTS_PER_SLIDE):
        part = charts_[start : start + INDICATOR_CHARTS_PER_SLIDE]
        title = f"{theme_name}: indicators against trajectory"
        if start:
            title += " (continued)"
        slides.append(Slide(title, "indicators", [c.summary for c in part], part))
    return slides


def _trajectory_chart(inputs: Inputs, indicator) -> Chart:
    series = inputs.series[inputs.series["indicator_id"] == indicator.id]
    # Quarters before the first figure or trajectory point carry nothing to show.
    shown = series[series["compared_value"].notna() | series["trajectory"].notna()]
    figure = [
        None if pd.isna(v) or not ok else round(float(v), 2)
        for v, ok in zip(shown["compared_value"], shown["enough_coverage"], strict=True)
    ]
    status_text = fmt.indicator_status_text(
        indicator.status, indicator.authorities_reported, reported_by=indicator.reported_by
    )
    if indicator.status == "no_data":
        title = f"{indicator.name}: not enough data to judge yet"
        summary = (
            f"{indicator.id} {indicator.name}: {status_text.lstrip('○ ')} "
            f"as at {fmt.long_date(inputs.as_at)}."
        )
    else:
        title = f"{indicator.name}: {fmt.word(indicator.status).lower()}"
        summary = (
            f"{indicator.id} {indicator.name}: {status_text.lstrip('●▲✖○✔ ')}; "
            f"{fmt.number(indicator.actual, indicator.unit)} in {indicator.latest_period}"
            + (
                f" against a trajectory of {fmt.number(indicator.trajectory, indicator.unit)}"
                f" ({indicator.ratio * 100:.0f}%)"
                if not pd.isna(indicator.trajectory) and not pd.isna(indicator.ratio)
                else ""
            )
            + ("; estimated for 32 councils" if indicator.estimated else "")
            + "."
        )
    return Chart(
        name=f"{indicator.id}-against-trajectory",
        title=title,
        subtitle=f"{indicator.id}: national figure (solid) against trajectory (dashed), by quarter",
        kind="line",
        categories=shown["period"].tolist(),
        series={
            "National figure": figure,
            "Trajectory": [None if pd.isna(v) else round(float(v), 2) for v in shown["trajectory"]],
        },
        colours=[fmt.PALETTE[0], fmt.PALETTE[1]],
        summary=summary,
        unit=indicator.unit,
        value_axis=fmt.axis_title(indicator.unit),
    )


def _milestone_slides(inputs: Inputs, milestones: pd.DataFrame) -> list[Slide]:
    order = {s: n for n, s in enumerate(fmt.MILESTONE_ORDER)}
    pressing = milestones[milestones["status"].isin(["overdue", "due_soon"])].copy()
    pressing["_order"] = pressing["status"].map(order)
    pressing = pressing.sort_values(["_order", "due", "id"])
    table = pd.DataFrame(
        {
            "Milestone": pressing["id"],
            "What": pressing["title"],
            "Commitment": pressing["commitment_id"],
            "Due": [
                fmt.due_text(d, o)[4:]
                for d, o in zip(pressing["due"], pressing["original_due"], strict=True)
            ],
            "Status": [fmt.label(s) for s in pressing["status"]],
        }
    )
    overdue = int((pressing["status"] == "overdue").sum())
    soon = int((pressing["status"] == "due_soon").sum())
    title = "Milestones overdue and due in the next 90 days"
    if table.empty:
        return [
            Slide(
                title,
                "milestones",
                [
                    "No milestone is overdue or due in the 90 days after "
                    f"{fmt.long_date(inputs.as_at)}."
                ],
            )
        ]
    message = f"{overdue} milestone{'s' if overdue != 1 else ''} overdue and {soon} due soon."
    return _table_slides(title, "milestones", table, [message])


def _annex_slides(commitments: pd.DataFrame, indicators: pd.DataFrame) -> list[Slide]:
    commitment_table = pd.DataFrame(
        {
            "Commitment": commitments["id"],
            "Title": commitments["title"],
            "Theme": commitments["theme"].map(lambda t: fmt.THEME_NAMES.get(t, t)),
            "Status": [
                fmt.label(s) + (" (manual)" if m else "")
                for s, m in zip(commitments["status"], commitments["manual"], strict=True)
            ],
            "Why": commitments["reason"].fillna(""),
        }
    )
    indicator_table = pd.DataFrame(
        {
            "Indicator": indicators["id"],
            "Name": indicators["name"].map(_short),
            "Quarter": indicators["latest_period"].fillna("none"),
            "Figure": [
                fmt.number(v, u) + (" (est.)" if e else "")
                for v, u, e in zip(
                    indicators["actual"], indicators["unit"], indicators["estimated"], strict=True
                )
            ],
            "Trajectory": [
                fmt.number(v, u)
                for v, u in zip(indicators["trajectory"], indicators["unit"], strict=True)
            ],
            "% of trajectory": [
                "" if pd.isna(r) else f"{r * 100:.0f}%" for r in indicators["ratio"]
            ],
            "Status": [
                fmt.indicator_status_text(s, n, reported_by=b)
                for s, n, b in zip(
                    indicators["status"],
                    indicators["authorities_reported"],
                    indicators["reported_by"],
                    strict=True,
                )
            ],
        }
    )
    shown = commitment_table.assign(Why=commitment_table["Why"].map(lambda t: _short(t, 120)))
    slides = _table_slides("Data annex: commitments", "annex", shown, [], commitment_table)
    if not indicator_table.empty:
        slides += _table_slides("Data annex: indicators", "annex", indicator_table, [])
    return slides


def _table_slides(
    title: str,
    kind: str,
    table: pd.DataFrame,
    messages: list[str],
    full: pd.DataFrame | None = None,
) -> list[Slide]:
    """As many slides as the table needs, by the estimated height of its wrapped rows.
    ``full``: the same rows untruncated, for the speaker notes."""
    widths = column_widths(table, TABLE_WIDTH)
    heights = [
        max(_lines_needed(str(v), w) for v, w in zip(row, widths, strict=True)) * LINE_HEIGHT
        + ROW_PADDING
        for row in table.itertuples(index=False)
    ]
    header = max(_lines_needed(str(c), w) for c, w in zip(table.columns, widths, strict=True))
    budget = TABLE_HEIGHT - header * LINE_HEIGHT - ROW_PADDING
    pages: list[list[int]] = [[]]
    used = 0.0
    for i, height in enumerate(heights):
        if pages[-1] and used + height > budget:
            pages.append([])
            used = 0.0
        pages[-1].append(i)
        used += height
    slides = []
    for n, rows in enumerate(pages):
        part = table.iloc[rows].reset_index(drop=True)
        notes = text_table((full if full is not None else table).iloc[rows])
        slides.append(
            Slide(
                title + (" (continued)" if n else ""),
                kind,
                messages if not n else [],
                table=part,
                notes=notes,
            )
        )
    return slides


# Table geometry in inches (10-point text), shared by the PowerPoint and PDF tables.
TABLE_WIDTH, TABLE_HEIGHT = 12.3, 5.1
LINE_HEIGHT, ROW_PADDING, CHARS_PER_INCH = 0.19, 0.1, 15


def column_widths(table: pd.DataFrame, total: float) -> list[float]:
    """Widths in inches by content: short codes stay on one line, long text wraps."""

    def longest_word(text: str) -> int:
        return max((len(w) for w in text.split()), default=0)

    weights = []
    for i, name in enumerate(table.columns):
        cells = [str(v) for v in table.iloc[:, i]]
        longest = max([len(c) for c in cells], default=0)
        unbreakable = max([longest_word(str(name))] + [longest_word(c) for c in cells])
        weights.append(max(min(longest, 55), unbreakable + 3, 8))
    return [total * w / sum(weights) for w in weights]


def _lines_needed(text: str, width: float) -> int:
    per_line = max(int((width - 0.15) * CHARS_PER_INCH), 1)
    return max(1, -(-len(text) // per_line))


# --- Key messages, written from the statuses -------------------------------------------------


def _commitments_message(commitments: pd.DataFrame) -> str:
    total = len(commitments)
    if not total:
        return "No commitments in this choice."
    counts = dict(
        zip(
            fmt.COMMITMENT_ORDER,
            status_counts(commitments["status"], fmt.COMMITMENT_ORDER),
            strict=True,
        )
    )
    good = counts["on_track"] + counts["complete"]
    text = f"{good} of {total} commitments on track or complete"
    worse = []
    for status in ("off_track", "at_risk"):
        ids = commitments.loc[commitments["status"] == status, "id"].tolist()
        if ids:
            worse.append(f"{len(ids)} {fmt.word(status).lower()}: {', '.join(ids)}")
    return text + ("; " + "; ".join(worse) if worse else "") + "."


def _milestones_message(milestones: pd.DataFrame) -> str:
    overdue = milestones[milestones["status"] == "overdue"].sort_values("due")
    soon = int((milestones["status"] == "due_soon").sum())
    if overdue.empty:
        text = "No milestone overdue"
    else:
        listed = ", ".join(
            f"{m.id} (due {fmt.long_date(m.due)})" for m in overdue.head(4).itertuples(index=False)
        )
        more = f" and {len(overdue) - 4} more" if len(overdue) > 4 else ""
        text = f"{len(overdue)} milestone{'s' if len(overdue) != 1 else ''} overdue: {listed}{more}"
    return text + f"; {soon} due in the next 90 days."


def _delivery_message(done: int, due: int) -> str:
    if not due:
        return "No milestone was due yet."
    return f"Delivery rate: {done} of {due} milestones due were completed ({done / due:.0%})."


def _indicators_message(indicators: pd.DataFrame) -> str:
    if indicators.empty:
        return "No indicators in this choice."
    counts = status_counts(indicators["status"], fmt.INDICATOR_ORDER)
    parts = [
        f"{n} {fmt.word(s).lower()}" for s, n in zip(fmt.INDICATOR_ORDER, counts, strict=True) if n
    ]
    return f"Indicators: {', '.join(parts)} (of {len(indicators)})."


def _commitments_title(statuses: pd.Series) -> str:
    counts = dict(
        zip(fmt.COMMITMENT_ORDER, status_counts(statuses, fmt.COMMITMENT_ORDER), strict=True)
    )
    good = counts["on_track"] + counts["complete"]
    title = f"{good} of {len(statuses)} commitments on track or complete"
    if counts["off_track"]:
        title += f"; {counts['off_track']} off track"
    return title


def _indicators_title(statuses: pd.Series) -> str:
    counts = dict(
        zip(fmt.INDICATOR_ORDER, status_counts(statuses, fmt.INDICATOR_ORDER), strict=True)
    )
    measured = len(statuses) - counts["no_data"]
    title = f"{counts['on_track']} of {measured} measured indicators on track"
    if counts["no_data"]:
        title += f"; {counts['no_data']} without enough data"
    return title


def _counts_sentence(as_at, statuses: pd.Series, order, noun: str) -> str:
    counts = status_counts(statuses, order)
    listed = ", ".join(f"{n} {fmt.word(s).lower()}" for s, n in zip(order, counts, strict=True))
    return f"As at {fmt.long_date(as_at)}, {listed} of {len(statuses)} {noun}."


def _ratio_sentence(as_at, indicators: pd.DataFrame) -> str:
    if indicators.empty:
        return f"no indicators as at {fmt.long_date(as_at)}."
    parts = [
        f"{row.id} {'no data' if pd.isna(row.ratio) else f'{row.ratio * 100:.0f}% of trajectory'}"
        f" ({fmt.word(row.status).lower()})"
        for row in indicators.itertuples(index=False)
    ]
    return (
        f"latest figure against trajectory as at {fmt.long_date(as_at)}: " + "; ".join(parts) + "."
    )


# --- helpers --------------------------------------------------------------------------------


def _short(text: str, length: int = 48) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def fmt_slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def text_table(frame: pd.DataFrame, unit: str | None = None) -> str:
    """A frame as aligned plain text (speaker notes are plain text)."""

    def cell(value) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return "–"
        if isinstance(value, float) and unit:
            return fmt.number(value, unit)
        return str(value)

    rows = [[str(c) for c in frame.columns]] + [
        [cell(v) for v in row] for row in frame.itertuples(index=False)
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )


# --- Figures for PNG/SVG/PDF: the same charts drawn by plotly -----------------------------------


PIXELS_PER_INCH = 130  # CSS pixels: text on the image reads at the size of the slide's


def figure(chart: Chart, source: str, width_in: float = 6.0, height_in: float = 3.8) -> go.Figure:
    """The plotly twin of a slide chart, with its title, as-at date and source line,
    sized for the box it fills on the slide."""
    fig = go.Figure()
    if chart.kind == "line":
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
    elif chart.kind == "stacked":
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
            )
        fig.update_layout(barmode="stack")
        fig.update_yaxes(autorange="reversed")
        fig.update_xaxes(title_text=chart.value_axis, rangemode="tozero", dtick=1)
    else:
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
    charts.finish(
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


def _value_text(value, unit: str) -> str:
    if value is None:
        return "no data"
    return f"{value:.0f}%" if unit == "percent" else fmt.number(value, unit)


def figures(pack: Pack) -> dict[str, go.Figure]:
    """Every slide chart's plotly twin, sized for its box on the slide."""
    from dashboard.briefing_pptx import chart_boxes

    out = {}
    for slide in pack.slides:
        for chart, (_, _, width, height) in zip(slide.charts, chart_boxes(slide), strict=True):
            out[chart.name] = figure(chart, pack.source, width, height)
    return out


# --- The files -------------------------------------------------------------------------------

Progress = Callable[[float, str], None]


def files(
    pack: Pack,
    *,
    pdf: bool = True,
    images: bool = True,
    pdf_engine: str = "auto",
    progress: Progress | None = None,
) -> dict[str, bytes]:
    """The pack as ``{"pptx": …, "pdf": …, "zip": …}``; one kaleido browser for all images."""
    from dashboard import briefing_pdf, briefing_pptx, export

    def step(share: float, what: str) -> None:
        if progress:
            progress(share, what)

    out: dict[str, bytes] = {}
    step(0.05, "Writing the PowerPoint slides")
    out["pptx"] = briefing_pptx.pptx(pack)
    engine = briefing_pdf.engine(pdf_engine) if pdf else None
    with ThreadPoolExecutor(max_workers=1) as background:
        # LibreOffice converts the deck in its own process while Chromium draws the charts.
        converting = (
            background.submit(briefing_pdf.from_pptx, out["pptx"])
            if engine == "libreoffice"
            else None
        )
        pngs: dict[str, bytes] = {}
        if images or engine == "direct":
            formats = ["png", "svg"] if images else ["png"]

            def drawn(done: int, total: int) -> None:
                step(0.1 + 0.65 * done / total, f"Drawing charts ({done} of {total})")

            rendered = export.images(figures(pack), formats, progress=drawn)
            pngs = {c.name: rendered[f"{export.file_stem(c.name)}.png"] for c in pack.charts()}
            if images:
                out["zip"] = export.zip_of(rendered)
        if engine:
            step(0.8, "Making the PDF")
            out["pdf"] = converting.result() if converting else briefing_pdf.direct(pack, pngs)
    step(1.0, "Done")
    return out
