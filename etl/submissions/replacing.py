"""The version a return would replace, said before Send: when it was sent and which figures
differ from it.

A council re-sending a quarter replaces what it sent before as a whole (progress-return.md),
so the page says so first ("You sent 2025-Q3 on 29 October 2025; this replaces it"), with
the figures that change, the ones left out and the ones added, in the indicator's unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from etl import store
from etl.periods import day_text
from etl.vocabulary import figure, quarter_words

KEY = ["indicator_id", "sex", "simd_quintile"]


@dataclass(frozen=True)
class Replacing:
    """The current version of one (authority, period) and how a new file differs from it."""

    authority_code: str
    period: str
    version: int
    received_at: datetime
    submitted_by: str
    differences: pd.DataFrame  # KEY, name, unit, was, now (NaN where absent)

    @property
    def sentence(self) -> str:
        """'You sent 2025-Q3 (July to September 2025) on 29 October 2025; this replaces it.'"""
        when = day_text(pd.Timestamp(self.received_at).date())
        text = f"You sent {quarter_words(self.period)} on {when}; this replaces it"
        if self.differences.empty:
            return text + ". The figures are the same, so nothing new will be stored."
        n = len(self.differences)
        return text + f". {n} figure{'s' if n != 1 else ''} differ from that version:"

    def table(self) -> pd.DataFrame:
        """The figures that differ, in words: indicator (code and name), breakdown, was, now."""
        d = self.differences
        return pd.DataFrame(
            {
                "Indicator": d["indicator_id"] + " " + d["name"],
                "Breakdown": [
                    _breakdown(s, q) for s, q in zip(d["sex"], d["simd_quintile"], strict=True)
                ],
                "Sent before": [_figure(v, u) for v, u in zip(d["was"], d["unit"], strict=True)],
                "This file": [_figure(v, u) for v, u in zip(d["now"], d["unit"], strict=True)],
            }
        )


def _breakdown(sex: str, quintile: str) -> str:
    parts = ([sex] if sex != "all" else []) + (
        [f"SIMD quintile {quintile}"] if quintile != "all" else []
    )
    return ", ".join(parts) or "all"


def _figure(value, unit: str) -> str:
    return "left out" if pd.isna(value) else figure(value, unit)


def replacing(db_path: str | Path, rows: pd.DataFrame) -> dict[tuple[str, str], Replacing]:
    """For each (authority, period) in ``rows`` (the checked file's figures: KEY, value) that
    already has a current version: that version and the figures that differ from it."""
    pairs = rows[["authority_code", "period"]].drop_duplicates()
    with store.connect(db_path) as con:
        con.register("wanted", pairs)
        held = con.execute(
            "SELECT s.authority_code, s.period, s.version, s.received_at, s.submitted_by "
            "FROM submissions s JOIN wanted w USING (authority_code, period) "
            "WHERE s.is_current ORDER BY ALL"
        ).fetchall()
        figures = con.execute(
            "SELECT f.authority_code, f.period, f.indicator_id, f.sex, f.simd_quintile, "
            "f.value AS was FROM current_figures f JOIN wanted w USING (authority_code, period)"
        ).df()
        indicators = con.execute("SELECT id AS indicator_id, name, unit FROM indicators").df()
    found = {}
    for code, period, version, received_at, by in held:
        was = figures[(figures["authority_code"] == code) & (figures["period"] == period)]
        now = rows[(rows["authority_code"] == code) & (rows["period"] == period)]
        both = was[[*KEY, "was"]].merge(
            now[[*KEY, "value"]].rename(columns={"value": "now"}), on=KEY, how="outer"
        )
        differ = both[~((both["was"] == both["now"]) | (both["was"].isna() & both["now"].isna()))]
        differ = differ.merge(indicators, on="indicator_id", how="left").sort_values(KEY)
        found[(code, period)] = Replacing(
            code, period, int(version), received_at, by, differ.reset_index(drop=True)
        )
    return found
