"""Large changes against the council's previous quarter, raised as queries before a submission.

A figure that moves by more than half since the previous quarter is often a typing
slip (a missing zero, a percent typed as a count). Each such change is a *query*:
the sender ticks it and says in a few words why it is right, and the answers are
stored with the submission (``submissions.queries``) so a policy officer reading
the figures later sees the explanation beside them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from etl import store
from etl.errors import TrackerError
from etl.periods import Quarter
from etl.returns import CheckedRows

LARGE_CHANGE = 0.5  # ±50 %
MIN_EXPLANATION = 5  # characters: "typo" is not an explanation; "new school opened" is
KEY = ["indicator_id", "sex", "simd_quintile"]


class QueriesUnanswered(TrackerError, ValueError):
    """A large change was not ticked and explained; the message lists which."""


@dataclass(frozen=True)
class Query:
    authority_code: str
    period: str
    indicator_id: str
    sex: str
    simd_quintile: str
    previous: float
    value: float
    change: float | None  # fraction, e.g. 0.62 for +62 %; None when the previous value was 0
    explanation: str = ""

    @property
    def key(self) -> str:
        return (
            f"{self.authority_code} {self.period} {self.indicator_id}/{self.sex}/"
            f"{self.simd_quintile}"
        )

    @property
    def breakdown(self) -> str:
        """'' for the headline figure, else ' (female, SIMD quintile 1)'."""
        parts = [self.sex] if self.sex != "all" else []
        if self.simd_quintile != "all":
            parts.append(f"SIMD quintile {self.simd_quintile}")
        return f" ({', '.join(parts)})" if parts else ""

    def named(self, names: Mapping[str, str] | None = None) -> str:
        """'C03-I1 CLD practitioners attending … (female)': the figure in the council's words."""
        name = (names or {}).get(self.indicator_id, "")
        return f"{self.indicator_id} {name}".rstrip() + self.breakdown

    @property
    def change_text(self) -> str:
        if self.change is None:
            return "from 0"
        return f"{self.change:+.0%}"


def previous_figures(db_path: str | Path, pairs: list[tuple[str, str]]) -> pd.DataFrame:
    """Current figures for the quarter before each (authority, period), in one connection.

    Columns: authority_code, period (the *later* quarter, to join on), KEY, value.
    """
    later = {str(Quarter.parse(p).previous()): str(Quarter.parse(p)) for _, p in pairs}
    wanted = pd.DataFrame(
        [(code, str(Quarter.parse(p).previous())) for code, p in pairs],
        columns=["authority_code", "previous_period"],
    )
    with store.connect(db_path) as con:
        con.register("wanted", wanted)
        found = con.execute(
            "SELECT f.authority_code, f.period, f.indicator_id, f.sex, f.simd_quintile, f.value "
            "FROM current_figures f JOIN wanted w "
            "ON w.authority_code = f.authority_code AND w.previous_period = f.period "
            "ORDER BY ALL"
        ).df()
    found["period"] = found["period"].map(later)
    return found


def compare(previous: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Each new figure beside the previous quarter's, with the change and whether it is a query.

    Both frames have KEY columns and ``value``. A figure with nothing to compare
    against is shown but never queried.
    """
    merged = new[[*KEY, "value"]].merge(
        previous[[*KEY, "value"]].rename(columns={"value": "previous"}), on=KEY, how="left"
    )
    merged["value"] = merged["value"].astype("float64")
    merged["previous"] = merged["previous"].astype("float64")
    change = (merged["value"] - merged["previous"]) / merged["previous"]
    merged["change"] = change.where(merged["previous"] != 0)
    from_zero = (merged["previous"] == 0) & (merged["value"] != 0)
    merged["query"] = (merged["change"].abs() > LARGE_CHANGE) | from_zero
    return merged.sort_values(KEY, ignore_index=True)


def queries(comparison: pd.DataFrame, authority_code: str, period: str) -> list[Query]:
    flagged = comparison[comparison["query"]]
    return [
        Query(
            authority_code,
            period,
            r.indicator_id,
            r.sex,
            r.simd_quintile,
            float(r.previous),
            float(r.value),
            None if pd.isna(r.change) else float(r.change),
        )
        for r in flagged.itertuples()
    ]


def answer(
    raised: list[Query],
    explanations: dict[str, str],
    ticked: set[str],
    names: Mapping[str, str] | None = None,
) -> list[Query]:
    """The queries with their explanations; raise QueriesUnanswered naming any left open
    (by indicator and breakdown, in words: ``names`` maps an indicator id to its name)."""
    open_ = [
        q.named(names)
        for q in raised
        if q.key not in ticked or len(explanations.get(q.key, "").strip()) < MIN_EXPLANATION
    ]
    if open_:
        raise QueriesUnanswered(
            "each large change needs a tick and a short explanation "
            f"(at least {MIN_EXPLANATION} characters): " + "; ".join(open_)
        )
    return [Query(**{**asdict(q), "explanation": explanations[q.key].strip()}) for q in raised]


def to_json(answered: list[Query]) -> str | None:
    """What ``submissions.queries`` holds: the answered queries, or NULL when none."""
    return json.dumps([asdict(q) for q in answered]) if answered else None


def checked_figures(rows: CheckedRows) -> pd.DataFrame:
    """A checked file's figures as a frame: authority_code, period, KEY, value (a page's
    upload, small enough to compare in pandas; a load stores its rows set-based)."""
    return rows.con.execute(
        "SELECT authority_code, period, indicator_id, sex::VARCHAR AS sex, "
        f"simd_quintile::VARCHAR AS simd_quintile, value FROM {rows.table}"
    ).df()


def beside_last_quarter(
    db_path: str | Path, figures: pd.DataFrame
) -> dict[tuple[str, str], pd.DataFrame]:
    """Each (authority, period) of ``figures`` (``checked_figures``) beside the same
    council's figures for the quarter before, as ``compare`` sets them out."""
    pairs = sorted(set(zip(figures["authority_code"], figures["period"], strict=True)))
    previous = previous_figures(db_path, pairs)
    before = dict(iter(previous.groupby(["authority_code", "period"])))
    empty = previous.iloc[0:0]
    return {
        (code, period): compare(before.get((code, period), empty), new)
        for (code, period), new in figures.groupby(["authority_code", "period"], sort=True)
    }
