"""One page per indicator: Scotland's series against the trajectory and targets, the
councils' figures in the latest quarter, the breakdowns, and revisions since first
published. Every figure below Scotland's whole population comes from the published
(disclosure-controlled) cells."""

from __future__ import annotations

import pandas as pd

from dashboard import format as fmt
from dashboard import views
from dashboard.release.content import Content
from dashboard.release.pages.common import chart_of, frame_table, shown
from dashboard.release.site import Link, Page, Table, bullets, chart, facts, heading
from dashboard.release.site import table as table_part
from dashboard.release.tables import CELLS, Published
from etl.councils import NATIONAL_CODE

CELL_NAMES = {("all", "all"): "All", ("female", "all"): "Female", ("male", "all"): "Male",
              **{("all", q): f"SIMD {q}" for q in "12345"}}  # fmt: skip
RECENT_QUARTERS = 8  # the breakdown tables on a page; the open data hold every quarter


def page(content: Content, published: Published, figures: dict, indicator_id: str) -> Page:
    inputs = content.inputs
    detail = views.indicator_detail(
        inputs.report.indicators, inputs.tables["indicators"], indicator_id
    )
    unit = detail["unit"]
    parts = [facts(_facts(detail)), *_target_changes(inputs, indicator_id, unit)]
    parts.append(heading("Scotland's figure against the trajectory", "trajectory"))
    name = f"{indicator_id}-against-trajectory"
    parts.append(chart(chart_of(name, figures[name], _national_table(published, detail))))
    if detail["reported_by"] != "national":
        period = detail.get("latest_period") or (content.quarters or [None])[-1]
        parts.append(heading("Councils' figures", "councils"))
        councils = content.authorities[content.authorities["kind"] == "council"]
        parts.append(table_part(_councils_table(published, councils, detail, period)))
    if detail["breakdowns"]:
        parts.append(heading("Breakdowns for Scotland", "breakdowns"))
        parts.append(table_part(_breakdowns_table(published, content.quarters, detail)))
    parts.append(heading("Revisions since first published", "revisions"))
    name = f"{indicator_id}-revisions"
    rows = views.revisions_rows(inputs.revisions[indicator_id])
    revisions = frame_table(
        f"{indicator_id}-revisions-data",
        f"{indicator_id}: Scotland's figure as first published and as known on "
        f"{fmt.long_date(content.as_at)}",
        rows,
        numeric=("First published", "Latest", "Revision (latest − first)"),
    )
    parts.append(chart(chart_of(name, figures[name], revisions)))
    crumbs = [("index.html", "Home"), (f"commitments/{detail['commitment_id']}.html",
                                       detail["commitment_id"])]  # fmt: skip
    return Page(f"indicators/{indicator_id}.html", f"{indicator_id}: {detail['name']}", parts,
                crumbs)  # fmt: skip


def _facts(detail: dict) -> list[tuple[str, str]]:
    unit = detail["unit"]
    return [
        ("Status", fmt.indicator_status_text(detail["status"], detail["authorities_reported"],
                                             reported_by=detail["reported_by"])),
        ("Latest quarter", detail.get("latest_period") or "none with enough returns"),
        ("Unit", fmt.UNITS.get(unit, unit)),
        ("Better when", "higher" if detail["direction"] == "up" else "lower"),
        ("Reported by", "the Scottish Government (national figure)"
         if detail["reported_by"] == "national" else "councils, combined by "
         + ("adding them up" if detail["aggregation"] == "sum" else "their average")),
        ("Baseline", f"{fmt.number(detail['baseline_value'], unit)} in "
                     f"{detail['baseline_period']}"),
    ]  # fmt: skip


def _target_changes(inputs, indicator_id: str, unit: str) -> list:
    targets, changes = views.targets_of(
        inputs.tables["indicator_targets"], inputs.tables["indicator_changes"], indicator_id
    )
    listed = [f"{fmt.number(t.value, unit)} by {t.period}" for t in targets.itertuples()]
    moved = [line.replace("**", "") for line in views.target_changes(changes, targets, unit)]
    return [heading("Targets", "targets"), bullets(listed + moved)]


def _national_table(published: Published, detail: dict) -> Table:
    unit = detail["unit"]
    rows = published.national[published.national["indicator_id"] == detail["id"]]
    body = [
        [r.period, shown(r.value, unit),
         "" if pd.isna(r.councils_reported) else str(r.councils_reported),
         shown(r.compared_value, unit) + (" (estimated)" if r.estimated else ""),
         shown(r.trajectory, unit), shown(r.target, unit), r.status]
        for r in rows.itertuples(index=False)
    ]  # fmt: skip
    columns = ["Quarter", "Scotland's figure", "Councils reporting", "Figure compared",
               "Trajectory", "Target", "Status in its latest quarter"]  # fmt: skip
    return Table(
        f"{detail['id']}-series", f"{detail['id']}: Scotland's figure by quarter against the "
        "trajectory", columns, body, [False, True, True, True, True, True, False],
        ["A sum over fewer than every council is compared with the trajectory scaled to all "
         "councils (marked estimated)."],
    )  # fmt: skip


def _wanted(detail: dict) -> list[tuple[str, str]]:
    """The cells worth a column: the headline and the breakdowns the indicator collects."""
    keep = set(detail["breakdowns"])
    return [
        cell for cell in CELLS
        if cell == ("all", "all") or (cell[0] != "all" and "sex" in keep)
        or (cell[1] != "all" and "simd_quintile" in keep)
    ]  # fmt: skip


def _councils_table(
    published: Published, councils: pd.DataFrame, detail: dict, period: str | None
) -> Table:
    unit, wanted = detail["unit"], _wanted(detail)
    rows = [
        [Link(f"../councils/{c.code}.html", c.name)]
        + [shown(published.lookup.get((c.code, period, detail["id"], *cell), ""), unit)
           for cell in wanted]
        for c in councils.itertuples(index=False)
    ]  # fmt: skip
    return Table(
        f"{detail['id']}-councils", f"{detail['id']}: each council's figures for {period}",
        ["Council", *(CELL_NAMES[c] for c in wanted)], rows,
        [False, *([True] * len(wanted))],
    )  # fmt: skip


def _breakdowns_table(published: Published, quarters: list[str], detail: dict) -> Table:
    unit, wanted = detail["unit"], _wanted(detail)
    recent = quarters[-RECENT_QUARTERS:]
    rows = [[period] + [shown(published.lookup[(NATIONAL_CODE, period, detail["id"], *c)], unit)
                        for c in wanted] for period in recent]  # fmt: skip
    return Table(
        f"{detail['id']}-breakdowns",
        f"{detail['id']}: Scotland's figures by sex and SIMD quintile, latest "
        f"{len(recent)} quarters",
        ["Quarter", *(CELL_NAMES[c] for c in wanted)], rows,
        [False, *([True] * len(wanted))],
        ["SIMD quintile 1 is the most deprived fifth of areas, 5 the least deprived. "
         "Every quarter is in the open data."],
    )  # fmt: skip
