"""The release's tables, disclosure control applied once (etl.disclosure.suppress): the site
and the open data both lay out these frames, so they publish the same figures and symbols.

A published figure is text: the number as written in a CSV (``1234``, ``26.8``) or a GSS
symbol (``[c]`` suppressed, ``[x]`` no return received, ``[z]`` a breakdown the indicator
does not collect)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

import pandas as pd

from dashboard.release.content import Content
from etl.councils import NATIONAL_CODE
from etl.disclosure import NOT_APPLICABLE, NOT_AVAILABLE, suppress
from etl.status import ThemeCounts
from etl.status.words import WORDS

CELLS = [("all", "all"), ("female", "all"), ("male", "all"),
         *(("all", q) for q in "12345")]  # fmt: skip
_COMBINE = {"sum": "sum", "mean": "mean"}


@dataclass(frozen=True)
class Published:
    figures: pd.DataFrame  # every body, quarter, indicator and breakdown cell: value as text
    national: pd.DataFrame  # each indicator and quarter: Scotland's figure and trajectory
    revisions: pd.DataFrame  # each indicator and quarter: first published, as at D, revision
    returns: pd.DataFrame  # each council and quarter: received or not
    themes: pd.DataFrame  # each theme's counts, in the open data's columns (THEME_COLUMNS)
    commitments: pd.DataFrame
    milestones: pd.DataFrame
    indicators: pd.DataFrame
    suppressed: int  # cells shown as [c]
    lookup: dict[tuple, str]  # (body, quarter, indicator, sex, SIMD quintile) → value as text

    @property
    def rows(self) -> int:
        return sum(
            len(frame)
            for frame in (self.figures, self.national, self.revisions, self.returns,
                          self.themes, self.commitments, self.milestones, self.indicators)
        )  # fmt: skip


def published(content: Content) -> Published:
    report = content.inputs.report
    cells = _cells(content)
    keys = zip(*(cells[c].tolist() for c in ("authority_code", "period", "indicator_id", "sex",
                                              "simd_quintile")), strict=True)  # fmt: skip
    return Published(
        figures=cells,
        national=_national(content, cells),
        revisions=_revisions(content),
        returns=_returns(report.returns),
        themes=_themes(report.themes),
        commitments=_commitments(report.commitments),
        milestones=_milestones(report.milestones),
        indicators=_indicators(report.indicators),
        suppressed=int((cells["value"] == "[c]").sum()),
        lookup=dict(zip(keys, cells["value"].tolist(), strict=True)),
    )


def _with_scotland(content: Content) -> pd.DataFrame:
    """The councils' figures plus Scotland's cells for local-authority indicators (the
    councils' cells combined as the indicator combines them)."""
    declared = content.inputs.tables["indicators"].set_index("id")
    local = content.figures[content.figures["authority_code"] != NATIONAL_CODE]
    parts = [content.figures]
    for indicator_id, rows in local.groupby("indicator_id", sort=True):
        how = _COMBINE[declared.loc[indicator_id, "aggregation"]]
        keys = ["period", "indicator_id", "sex", "simd_quintile", "unit"]
        combined = rows.groupby(keys, as_index=False, sort=True)["value"].agg(how)
        parts.append(combined.assign(authority_code=NATIONAL_CODE))
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else content.figures


def _cells(content: Content) -> pd.DataFrame:
    """Every cell a release publishes: for each body that reports an indicator (the councils
    for local-authority ones, and Scotland for all), quarter and breakdown cell."""
    shown = suppress(_with_scotland(content), content.settings.disclosure_min_count)
    keys = zip(*(shown[c].tolist() for c in ("authority_code", "period", "indicator_id", "sex",
                                              "simd_quintile")), strict=True)  # fmt: skip
    lookup = dict(zip(keys, shown["shown"].tolist(), strict=True))
    names = dict(zip(content.authorities["code"], content.authorities["name"], strict=True))
    councils = sorted(
        content.authorities.loc[content.authorities["kind"] == "council", "code"],
        key=lambda code: names[code],
    )
    rows = []
    for ind in content.inputs.tables["indicators"].itertuples(index=False):
        breakdowns = set(ind.breakdowns if ind.breakdowns is not None else [])
        bodies = [NATIONAL_CODE] + ([] if ind.reported_by == "national" else councils)
        for body, period, (sex, simd) in product(bodies, content.quarters, CELLS):
            value = lookup.get((body, period, ind.id, sex, simd))
            if value is None:
                collected = (sex == "all" or "sex" in breakdowns) and (
                    simd == "all" or "simd_quintile" in breakdowns
                )
                value = NOT_AVAILABLE if collected else NOT_APPLICABLE
            rows.append((body, names[body], period, ind.id, sex, simd, value))
    columns = ["authority_code", "authority_name", "period", "indicator_id", "sex",
               "simd_quintile", "value"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _national(content: Content, cells: pd.DataFrame) -> pd.DataFrame:
    """Scotland's figure for each indicator and quarter, as published (after disclosure
    control), with the trajectory, any target for that quarter and the status in its latest
    quarter."""
    series = content.inputs.series
    headline = cells[
        (cells["authority_code"] == NATIONAL_CODE) & (cells["sex"] == "all")
        & (cells["simd_quintile"] == "all")
    ].set_index(["indicator_id", "period"])["value"]  # fmt: skip
    targets = content.inputs.tables["indicator_targets"]
    target = dict(zip(zip(targets["indicator_id"], targets["period"], strict=True),
                      targets["value"], strict=True))  # fmt: skip
    report = content.inputs.report.indicators.set_index("id")
    rows = []
    for s in series.itertuples(index=False):
        value = headline.get((s.indicator_id, s.period), NOT_AVAILABLE)
        hidden = value == "[c]"
        indicator = report.loc[s.indicator_id]
        rows.append(
            (s.indicator_id, indicator["name"], s.period, indicator["unit"], value,
             None if pd.isna(s.authorities_reported) else int(s.authorities_reported),
             bool(s.estimated), "[c]" if hidden else _text(s.compared_value),
             _text(s.trajectory), _text(target.get((s.indicator_id, s.period))),
             WORDS[indicator["status"]] if indicator["latest_period"] == s.period else "")
        )  # fmt: skip
    columns = ["indicator_id", "indicator_name", "period", "unit", "value",
               "councils_reported", "estimated", "compared_value", "trajectory", "target",
               "status"]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"councils_reported": "Int64"})


def _revisions(content: Content) -> pd.DataFrame:
    parts = []
    for indicator_id, revised in content.inputs.revisions.items():
        table = revised.table.copy()
        table.insert(0, "indicator_id", indicator_id)
        parts.append(table)
    columns = ["indicator_id", "period", "first_published_on", "first_published", "latest",
               "revision"]  # fmt: skip
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    # "latest" is the figure as known at the release's date (never a later revision).
    return frame[columns].rename(columns={"latest": "as_at_release"})


def _returns(returns: pd.DataFrame) -> pd.DataFrame:
    received = returns["received_at"].notna()
    return pd.DataFrame(
        {
            "authority_code": returns["authority_code"],
            "authority_name": returns["authority_name"],
            "period": returns["period"],
            "due_date": returns["due_date"],
            "received": received,
            "received_on": [
                d.date() if ok else None
                for d, ok in zip(returns["received_at"], received, strict=True)
            ],
            "status": returns["status"].map(WORDS),
        }  # fmt: skip
    )


# The open data's themes.csv columns: a published contract, so spelt out here, never made
# from the statuses' names (which a reader of the data cannot see change).
THEME_COLUMNS = [
    "id", "name", "commitments_complete", "commitments_on_track", "commitments_at_risk",
    "commitments_off_track", "milestones_due", "milestones_completed", "delivery_rate",
    "indicators_on_track", "indicators_at_risk", "indicators_off_track", "indicators_no_data",
]  # fmt: skip


def _themes(themes: Sequence[ThemeCounts]) -> pd.DataFrame:
    rows = [
        {
            "id": t.id,
            "name": t.name,
            "commitments_complete": t.commitments["complete"],
            "commitments_on_track": t.commitments["on_track"],
            "commitments_at_risk": t.commitments["at_risk"],
            "commitments_off_track": t.commitments["off_track"],
            "milestones_due": t.milestones_due,
            "milestones_completed": t.milestones_completed,
            "delivery_rate": t.delivery_rate,
            "indicators_on_track": t.indicators["on_track"],
            "indicators_at_risk": t.indicators["at_risk"],
            "indicators_off_track": t.indicators["off_track"],
            "indicators_no_data": t.indicators["no_data"],
        }
        for t in themes
    ]
    return pd.DataFrame(rows, columns=THEME_COLUMNS).astype({"delivery_rate": "float64"})


def _commitments(commitments: pd.DataFrame) -> pd.DataFrame:
    frame = commitments[["id", "title", "theme", "lead", "status", "manual", "reason",
                         "data_gap"]].copy()  # fmt: skip
    frame["status"] = frame["status"].map(WORDS)
    return frame


def _milestones(milestones: pd.DataFrame) -> pd.DataFrame:
    frame = milestones[["id", "commitment_id", "title", "due", "original_due", "due_text",
                        "completed", "status", "on_time"]].copy()  # fmt: skip
    frame["status"] = frame["status"].map(WORDS)
    return frame


def _indicators(indicators: pd.DataFrame) -> pd.DataFrame:
    frame = indicators[["id", "commitment_id", "name", "unit", "direction", "reported_by",
                        "latest_period", "reported_value", "authorities_reported", "estimated",
                        "actual", "trajectory", "status"]].copy()  # fmt: skip
    frame["status"] = frame["status"].map(WORDS)
    return frame


def _text(value) -> str:
    """A number as a CSV writes it; blank when there is none."""
    if value is None or pd.isna(value):
        return ""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.12g}"
