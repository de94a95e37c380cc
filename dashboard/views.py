"""Pure shaping of the status report and query results into what a page shows.

Pages hold layout only, so every filter, comparison and table the dashboard
shows is made here, from frames in to frames out, and tested on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd

from dashboard import format as fmt
from etl.councils import NATIONAL_CODE, council_count
from etl.periods import Quarter, last_ended
from etl.status import ThemeCounts, overdue_returns
from etl.vocabulary import changes


def quarter_ends(today: date, count: int = 8) -> list[date]:
    """The last day of each of the ``count`` latest quarters ended by ``today``, latest first."""
    quarter, ends = last_ended(today), []
    for _ in range(count):
        ends.append(quarter.end)
        quarter = quarter.previous()
    return ends


def previous_quarter_end(as_at: date, start: str) -> date | None:
    """The end of the latest quarter ended strictly before ``as_at``; None when that is
    before the strategy's first quarter (``start``, e.g. 2017-Q4): nothing to compare with."""
    end = last_ended(as_at - timedelta(days=1)).end
    return end if end >= Quarter.parse(start).start else None


def _missing(value) -> bool:
    """NaN, <NA>, NaT or None; a list or array (even an empty one) is a value."""
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def record(frame: pd.DataFrame, id_: str, key: str = "id") -> dict:
    """The row of ``frame`` whose ``key`` is ``id_``, as a dict with every missing value (NaN,
    <NA>, NaT) as None: the one place where a frame's row becomes plain values, so that a
    missing period never reaches SQL or an ``if`` as a truthy float."""
    row = frame.set_index(key).loc[id_].to_dict()
    return {key: id_} | {name: None if _missing(value) else value for name, value in row.items()}


def _options(values) -> list[str]:
    return sorted({v for v in values if isinstance(v, str) and v})


def _chosen(frame: pd.DataFrame, column: str, values) -> pd.DataFrame:
    """The rows whose ``column`` is one of the chosen ``values``; all rows if none chosen."""
    return frame[frame[column].isin(values)] if values else frame


def commitment_filters(commitments: pd.DataFrame) -> dict[str, list[str]]:
    """The choices offered for each filter, from the commitments themselves."""
    return {
        "theme": _options(commitments["theme"]),
        "lead": _options(commitments["lead"]),
        "sector": _options(s for sectors in commitments["sectors"] for s in (sectors or [])),
        "status": [s for s in fmt.COMMITMENT_ORDER if s in set(commitments["status"])],
    }


def commitment_table(
    commitments: pd.DataFrame,
    themes: list[str] = (),
    leads: list[str] = (),
    sectors: list[str] = (),
    statuses: list[str] = (),
    search: str = "",
) -> pd.DataFrame:
    """Commitments matching every chosen filter, with status in words for the table."""
    frame = _chosen(_chosen(commitments, "theme", themes), "lead", leads)
    if sectors:
        wanted = set(sectors)
        frame = frame[frame["sectors"].map(lambda s: bool(wanted & set(s or []))).astype(bool)]
    frame = _chosen(frame, "status", statuses)
    if search.strip():
        needle = search.strip().lower()
        text = (
            frame["id"].str.lower()
            + " "
            + frame["title"].str.lower()
            + " "
            + frame["lead"].fillna("").str.lower()
        )
        frame = frame[text.str.contains(needle, regex=False)]
    return pd.DataFrame(
        {
            "Commitment": frame["id"],
            "Title": frame["title"],
            # Status and why come next: a reader at 1,400 px sees them without scrolling.
            "Status": [
                fmt.label(s) + (" (manual)" if m else "") + (" · data gap" if g else "")
                for s, m, g in zip(frame["status"], frame["manual"], frame["data_gap"], strict=True)
            ],
            "Why": frame["reason"].fillna(""),
            "Theme": frame["theme"].map(lambda t: fmt.THEME_NAMES.get(t, t)),
            "Lead": frame["lead"],
            "Sectors": [", ".join(s or []) for s in frame["sectors"]],
        }
    ).reset_index(drop=True)


def what_changed(previous, current) -> pd.DataFrame:
    """Commitments and indicators whose status moved between two reports, which way, and
    why (a late return or a correction, a milestone passing its date, a manual status, the
    rule)."""
    rows = []
    for kind, key in (("Commitment", "commitments"), ("Indicator", "indicators")):
        before = getattr(previous, key).set_index("id")["status"]
        after = getattr(current, key)
        name = "title" if key == "commitments" else "name"
        for row in after.itertuples(index=False):
            was = before.get(row.id)
            if was is None or was == row.status:
                continue
            rank_was, rank_now = fmt.RANK.get(was), fmt.RANK.get(row.status)
            if rank_was is None or rank_now is None:
                way = "changed"
            else:
                way = "better" if rank_now > rank_was else "worse"
            rows.append(
                {
                    "What": kind,
                    "Id": row.id,
                    "Name": getattr(row, name),
                    "Was": fmt.label(was),
                    "Now": fmt.label(row.status),
                    "Direction": {"better": "↑ better", "worse": "↓ worse"}.get(way, way),
                    "Why": (
                        changes.commitment_moved(row.id, previous, current)
                        if key == "commitments"
                        else changes.indicator_moved_by_id(row.id, previous, current)
                    ),
                }
            )
    return pd.DataFrame(rows, columns=["What", "Id", "Name", "Was", "Now", "Direction", "Why"])


def coverage(returns: pd.DataFrame, period: str | None) -> dict:
    """How many councils sent a return for ``period``: the status report's
    ``coverage_period``, so every view and the briefing pack count the same quarter."""
    if period is None:
        return {"period": None, "received": 0, "councils": council_count()}
    latest = returns[returns["period"] == period]
    received = int(latest["status"].str.startswith("submitted").sum())
    return {"period": period, "received": received, "councils": len(latest)}


def completeness_grid(returns: pd.DataFrame, quarters: int = 8) -> pd.DataFrame:
    """Councils × the latest quarters, each cell an icon and a word (not colour alone)."""
    if returns.empty:
        return pd.DataFrame()
    periods = sorted(returns["period"].unique())[-quarters:]
    recent = returns[returns["period"].isin(periods)]
    grid = recent.pivot_table(
        index="authority_name", columns="period", values="status", aggfunc="first"
    ).reindex(columns=periods)
    return grid.apply(lambda column: column.map(fmt.return_label)).rename_axis(
        index="Council", columns=None
    )


def recent_returns(returns: pd.DataFrame, quarters: int = 8) -> pd.DataFrame:
    periods = sorted(returns["period"].unique())[-quarters:]
    return returns[returns["period"].isin(periods)]


def chasing_list(returns: pd.DataFrame, period: str | None, as_at: date) -> pd.DataFrame:
    """Councils whose return for ``period`` (the coverage quarter) is overdue."""
    columns = ["Council", "Code", "Quarter", "Due", "Days overdue"]
    if period is None:
        return pd.DataFrame(columns=columns)
    late = overdue_returns(returns, period)
    return pd.DataFrame(
        {
            "Council": late["authority_name"],
            "Code": late["authority_code"],
            "Quarter": late["period"],
            "Due": [fmt.long_date(d) for d in late["due_date"]],
            "Days overdue": [(as_at - pd.Timestamp(d).date()).days for d in late["due_date"]],
        },
        columns=columns,
    ).reset_index(drop=True)


def reminder_text(chasing: pd.DataFrame, as_at: date) -> str:
    """A reminder ready to paste into an e-mail to the councils on the chasing list."""
    if chasing.empty:
        return ""
    period, due = chasing["Quarter"].iloc[0], chasing["Due"].iloc[0]
    names = "\n".join(f"- {name}" for name in chasing["Council"])
    return (
        f"Subject: STEM Strategy progress return for {period}: overdue\n\n"
        f"Dear colleague,\n\n"
        f"Our records show that the STEM Education and Training Strategy progress return "
        f"for {period} was due on {due} and has not yet been received (as at "
        f"{fmt.long_date(as_at)}).\n\n"
        f"Please download the template for your council from the tracker, complete it and "
        f"upload it as soon as you can. If you have already sent it, or expect a delay, "
        f"please reply to let us know.\n\n"
        f"Councils this reminder is for:\n{names}\n\n"
        f"Thank you,\nSTEM Strategy team, Scottish Government"
    )


def milestone_table(
    milestones: pd.DataFrame,
    statuses: list[str] = (),
    commitment: str | None = None,
    themes: list[str] = (),
) -> pd.DataFrame:
    """Milestones (optionally only some statuses, themes or one commitment), soonest first."""
    frame = _chosen(_chosen(milestones, "theme", themes), "status", statuses)
    if commitment:
        frame = frame[frame["commitment_id"] == commitment]
    return frame.sort_values(["due", "id"]).reset_index(drop=True)


def milestone_rows(milestones: pd.DataFrame) -> pd.DataFrame:
    """The table under a timeline: deadline in the strategy's words and any rebaselining."""
    return pd.DataFrame(
        {
            "Milestone": milestones["id"],
            "Title": milestones["title"],
            "Deadline": [
                fmt.due_text(d, o).capitalize() + (f" ({t})" if t else "")
                for d, o, t in zip(
                    milestones["due"],
                    milestones["original_due"],
                    milestones["due_text"],
                    strict=True,
                )  # fmt: skip
            ],
            "Completed": [fmt.long_date(c) for c in milestones["completed"]],
            "Status": [
                fmt.milestone_text(s, t)
                for s, t in zip(milestones["status"], milestones["on_time"], strict=True)
            ],
        }
    )


def indicator_detail(indicators: pd.DataFrame, strategy_indicators: pd.DataFrame, id_: str):
    """One indicator's report row joined with its declaration (baseline, breakdowns)."""
    row, declared = record(indicators, id_), record(strategy_indicators, id_)
    row.update(
        baseline_period=declared["baseline_period"],
        baseline_value=declared["baseline_value"],
        breakdowns=[] if declared["breakdowns"] is None else list(declared["breakdowns"]),
    )
    return row


def indicator_statuses(indicators: pd.DataFrame) -> list[str]:
    """Each indicator's status in words with its coverage ('▲ At risk (provisional: …)')."""
    return [
        fmt.indicator_status_text(s, n, reported_by=r)
        for s, n, r in zip(
            indicators["status"],
            indicators["authorities_reported"],
            indicators["reported_by"],
            strict=True,
        )
    ]


def indicator_rows(indicators: pd.DataFrame) -> pd.DataFrame:
    """Indicators as a table: status with coverage, latest figure against trajectory."""
    return pd.DataFrame(
        {
            "Indicator": indicators["id"],
            "Name": indicators["name"],
            "Status": indicator_statuses(indicators),
            "Latest quarter": indicators["latest_period"].fillna(""),
            "Figure": [
                fmt.number(v, u) if pd.notna(v) else ""
                for v, u in zip(indicators["actual"], indicators["unit"], strict=True)
            ],
            "Trajectory": [
                fmt.number(v, u) if pd.notna(v) else ""
                for v, u in zip(indicators["trajectory"], indicators["unit"], strict=True)
            ],
        }
    )


def targets_of(targets: pd.DataFrame, changes: pd.DataFrame, indicator_id: str):
    """(current targets, rebaselined originals) for one indicator."""
    current = targets[targets["indicator_id"] == indicator_id][["period", "value"]]
    was = changes[changes["indicator_id"] == indicator_id][["was_period", "was_value", "reason"]]
    return current.reset_index(drop=True), was.reset_index(drop=True)


def council_comparison(
    council: pd.DataFrame, national: pd.DataFrame, council_name: str, aggregation: str
) -> pd.DataFrame:
    """One council beside Scotland: for a sum, Scotland's average per reporting council,
    so that a council of any size is compared like with like."""
    scotland = national[national["enough_coverage"].astype(bool)][
        ["period", "value", "authorities_reported"]
    ].copy()
    label = "Scotland"
    if aggregation == "sum":
        scotland["value"] = scotland["value"] / scotland["authorities_reported"].astype(float)
        label = "Scotland (average per council)"
    frames = [
        scotland.assign(scope=label)[["period", "scope", "value"]],
        council.assign(scope=council_name)[["period", "scope", "value"]],
    ]
    return pd.concat(frames, ignore_index=True)


def equity_series(
    breakdowns: pd.DataFrame, names: dict[str, str], council: str | None = None
) -> pd.DataFrame:
    """Female share (%) and SIMD 5 − 1 gap by quarter for Scotland and, if chosen, a council.

    ``breakdowns``: sql.breakdowns rows (authority_code NULL for Scotland).
    """
    columns = ["period", "scope", "female_share", "simd_gap", "authorities_reported"]
    if breakdowns.empty:
        return pd.DataFrame(columns=columns)
    frame = equity_series_all(breakdowns, names)
    frame = frame[frame["authority_code"].isna() | (frame["authority_code"] == council)]
    frame["scope"] = [
        "Scotland" if pd.isna(code) else names.get(code, code) for code in frame["authority_code"]
    ]
    frame["order"] = frame["authority_code"].notna()
    return frame.sort_values(["order", "period"])[columns].reset_index(drop=True)


def themes_table(themes: Sequence[ThemeCounts]) -> pd.DataFrame:
    """The four themes' counts with plain column names, for the data expander and CSV."""
    frame = pd.DataFrame({"Theme": [t.name for t in themes]})
    for s in fmt.COMMITMENT_ORDER:
        frame[f"Commitments {fmt.word(s).lower()}"] = [t.commitments[s] for t in themes]
    frame["Milestones due"] = [t.milestones_due for t in themes]
    frame["Milestones completed"] = [t.milestones_completed for t in themes]
    rate = pd.Series([t.delivery_rate for t in themes], dtype="float64")
    frame["Delivery rate (%)"] = (rate * 100).round(1)
    for s in fmt.INDICATOR_ORDER:
        frame[f"Indicators {fmt.word(s).lower()}"] = [t.indicators[s] for t in themes]
    return frame


def theme_cards(themes: Sequence[ThemeCounts]) -> list[dict]:
    """One card per theme: commitments and indicators by status, delivery rate in words."""
    cards = []
    for theme in themes:
        due, done = theme.milestones_due, theme.milestones_completed
        cards.append(
            {
                "name": theme.name,
                "commitments": {s: theme.commitments[s] for s in fmt.COMMITMENT_ORDER},
                "indicators": {s: theme.indicators[s] for s in fmt.INDICATOR_ORDER},
                # Short enough for a metric's large figure in a quarter of the page (the
                # whole sentence is the caption below it): "none due yet" showed "none due …".
                "delivery": f"{done / due:.0%}" if due else "None due",
                "delivery_detail": f"{done} of {due} milestones due were completed"
                if due
                else "no milestone due yet",
            }
        )
    return cards


def theme_names(themes: Sequence[ThemeCounts]) -> dict[str, str]:
    """Each theme's id → its name, in the strategy's order."""
    return {theme.id: theme.name for theme in themes}


def commitment_detail(report_commitments: pd.DataFrame, declared: pd.DataFrame, id_: str) -> dict:
    """One commitment's status row joined with its declaration (source text, override)."""
    row, more = record(report_commitments, id_), record(declared, id_)
    row.update(
        source_title=more.get("source_title"),
        source_text=more.get("source_text"),
        also_themes=list(more["also_themes"]) if more.get("also_themes") is not None else [],
        status_text=fmt.label(row["status"]) + (" (manual)" if row["manual"] else ""),
    )
    return row


def indicator_source(indicator: dict, as_at: date, demo: bool, figures: str | None = None) -> str:
    """The source line for an indicator's charts: who reported and how many councils, and
    which figures (``figures``: the report's figures_label)."""
    from dashboard.charts.common import source_line

    if indicator.get("reported_by") == "national":
        return source_line(
            as_at, demo=demo, what="Scottish Government national figures", figures=figures
        )
    n = indicator.get("authorities_reported")
    return source_line(
        as_at,
        None if n is None or pd.isna(n) else int(n),
        indicator.get("latest_period") or None,
        demo,
        what="councils' quarterly progress returns",
        figures=figures,
    )


def series_table(series: pd.DataFrame, unit: str) -> pd.DataFrame:
    """An indicator's national series as a plain table for the data expander."""
    return pd.DataFrame(
        {
            "Quarter": series["period"],
            "Reported figure": series["value"],
            "Councils reporting": series["authorities_reported"],
            f"Figure compared (estimated for {council_count()} councils when marked)": series[
                "compared_value"
            ],
            "Estimated": series["estimated"].map({True: "yes", False: "no"}),
            "Enough councils": series["enough_coverage"].map({True: "yes", False: "no"}),
            "Trajectory": series["trajectory"],
            "Unit": fmt.UNITS.get(unit, unit),
        }
    )


def council_indicators(indicators: pd.DataFrame) -> dict[str, str]:
    """Indicators councils report (id → name), for council comparisons and the tile map."""
    local = indicators[indicators["reported_by"] != "national"]
    return dict(zip(local["id"], local["name"], strict=True))


def latest_quarter(indicator: dict, returns: pd.DataFrame) -> str | None:
    """The quarter to map: the indicator's latest with enough data, else the latest ended."""
    if indicator.get("latest_period"):
        return indicator["latest_period"]
    return max(returns["period"]) if not returns.empty else None


def breakdown_indicators(declared: pd.DataFrame) -> dict[str, list[str]]:
    """Indicators councils report with a breakdown: id → the breakdowns it declares."""
    found = {}
    for row in declared.itertuples(index=False):
        breakdowns = list(row.breakdowns) if row.breakdowns is not None else []
        if breakdowns and row.reported_by != "national":
            found[row.id] = breakdowns
    return found


def equity_by_council(
    breakdowns: pd.DataFrame, names: dict[str, str], period: str, measure: str
) -> pd.DataFrame:
    """Every council's female share or SIMD gap (``measure``) for one quarter."""
    frame = equity_series_all(breakdowns, names)
    frame = frame[(frame["period"] == period) & frame["authority_code"].notna()]
    result = pd.DataFrame({"authority_code": list(names), "authority_name": list(names.values())})
    values = dict(zip(frame["authority_code"], frame[measure], strict=True))
    result["value"] = [values.get(code) for code in result["authority_code"]]
    return result.astype({"value": "float64"})


def equity_series_all(breakdowns: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    frame = breakdowns.copy()
    both = frame["female"] + frame["male"]
    frame["female_share"] = (frame["female"] / both.where(both > 0) * 100).astype("float64")
    frame["simd_gap"] = (frame["simd_5"] - frame["simd_1"]).astype("float64")
    return frame


def target_changes(changes: pd.DataFrame, targets: pd.DataFrame, unit: str) -> list[str]:
    """'Target now 60.0% by 2025-Q4, originally 50.0% by 2022-Q4: <reason>' for each change."""
    if changes.empty:
        return []
    last = targets.iloc[-1] if not targets.empty else None
    now = f"now {fmt.number(last['value'], unit)} by {last['period']}, " if last is not None else ""
    return [
        f"**Target changed:** {now}originally {fmt.number(c.was_value, unit)} by "
        f"{c.was_period}. {c.reason}"
        for c in changes.itertuples(index=False)
    ]


def returns_rows(returns: pd.DataFrame) -> pd.DataFrame:
    """Returns as a long table: council, quarter, due date, received, status in words."""
    return pd.DataFrame(
        {
            "Council": returns["authority_name"],
            "Code": returns["authority_code"],
            "Quarter": returns["period"],
            "Due": [fmt.long_date(d) for d in returns["due_date"]],
            "Received": [
                "" if pd.isna(r) else pd.Timestamp(r).strftime("%d/%m/%Y %H:%M")
                for r in returns["received_at"]
            ],
            "Status": [fmt.return_label(s) for s in returns["status"]],
        }
    ).reset_index(drop=True)


def labels(frame: pd.DataFrame, key: str = "id", name: str = "name") -> dict[str, str]:
    """id → name from a frame, in its order (for choices shown by name)."""
    return dict(zip(frame[key], frame[name], strict=True))


def council_names(authorities: pd.DataFrame) -> dict[str, str]:
    """The councils' codes → names, alphabetical by name (Scotland left out)."""
    councils = authorities[authorities["code"] != NATIONAL_CODE].sort_values("name")
    return labels(councils, "code", "name")


def commitment_indicators(indicators: pd.DataFrame, commitment: str) -> pd.DataFrame:
    return indicators[indicators["commitment_id"] == commitment]


def revisions_rows(revisions) -> pd.DataFrame:
    """The revisions table under its chart, in plain column names with units."""
    table, unit = revisions.table, fmt.UNITS.get(revisions.unit, revisions.unit)
    return pd.DataFrame(
        {
            "Quarter": table["period"],
            "First published on": [fmt.long_date(d) for d in table["first_published_on"]],
            "First published": table["first_published"].round(2),
            "Latest": table["latest"].round(2),
            "Revision (latest − first)": table["revision"].round(2),
            "Unit": unit,
        }
    )


def revisions_triangle(revisions) -> pd.DataFrame:
    """Rows quarters, columns the as-at dates of successive quarter ends."""
    triangle = revisions.triangle.round(2)
    triangle.columns = [f"as at {fmt.long_date(pd.Timestamp(c))}" for c in triangle.columns]
    return triangle.reset_index().rename(columns={"quarter": "Quarter"})


def revised_since_text(since, unit: str) -> str | None:
    """'Revised since the release of 30 September 2025: 2025-Q2 1,234 (released) → 1,240.'
    for an etl.releases.RevisedSince; None when nothing was revised."""
    if since is None:
        return None
    changes = "; ".join(
        f"{period} {fmt.number(was, unit)} (released) → {fmt.number(now, unit)}"
        for period, was, now in since.changes
    )
    return f"Revised since the release of {fmt.long_date(since.release_as_at)}: {changes}."
