"""Which figures a view used, so that a briefing can be rebuilt exactly and checked later.

A view as at D (as known, or revised) uses, for each authority and quarter ended by D, one
version of its return. Its *fingerprint* is the SHA-256 of those figures as canonical rows
(authority, quarter, indicator, sex, SIMD quintile, value; sorted), so two views with the
same figures have the same fingerprint whatever their versions' bytes. The versions' ids
are kept too: a later check names every figure that changed since, from the versions
themselves (nothing is ever deleted).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from etl.periods import last_ended

_CANONICAL = """
    SELECT authority_code || ',' || period || ',' || indicator_id || ',' || sex || ',' ||
           simd_quintile || ',' || CAST(value AS VARCHAR) AS line, submission_id
    FROM figures_at($as_at, $revised)
    WHERE period <= $last
"""


@dataclass(frozen=True)
class FiguresUsed:
    as_at: dt.date
    revised: bool
    fingerprint: str  # SHA-256 of the canonical rows
    rows: int
    submissions: tuple[int, ...]  # the version (submission id) of each authority and quarter

    @property
    def mode(self) -> str:
        return "revised" if self.revised else "as known"

    def to_json(self) -> dict:
        return {
            "as_at": self.as_at.isoformat(),
            "mode": self.mode,
            "fingerprint": self.fingerprint,
            "rows": self.rows,
            "submissions": list(self.submissions),
        }

    @classmethod
    def from_json(cls, data: dict) -> FiguresUsed:
        return cls(
            dt.date.fromisoformat(data["as_at"]),
            data["mode"] == "revised",
            data["fingerprint"],
            int(data["rows"]),
            tuple(int(i) for i in data["submissions"]),
        )


def figures_used(con: duckdb.DuckDBPyConnection, as_at: dt.date, revised: bool) -> FiguresUsed:
    params = {"as_at": as_at, "revised": revised, "last": str(last_ended(as_at))}
    digest, rows, ids = con.execute(
        f"""
        SELECT sha256(coalesce(string_agg(line, chr(10) ORDER BY line), '')), count(*),
               list(DISTINCT submission_id ORDER BY submission_id)
        FROM ({_CANONICAL})
        """,
        params,
    ).fetchone()
    return FiguresUsed(as_at, revised, digest, rows, tuple(ids or ()))


CHANGE_COLUMNS = ["authority_code", "period", "indicator_id", "sex", "simd_quintile", "was", "now"]


def changes_since(con: duckdb.DuckDBPyConnection, used: FiguresUsed) -> pd.DataFrame:
    """Every figure that differs between the versions ``used`` and those the same view
    uses now: one row each, with the value then and now (blank where there was none)."""
    params = {
        "as_at": used.as_at,
        "revised": used.revised,
        "last": str(last_ended(used.as_at)),
        "ids": list(used.submissions),
    }
    return con.execute(
        """
        WITH now AS (
            SELECT authority_code, period, indicator_id, sex, simd_quintile, value
            FROM figures_at($as_at, $revised) WHERE period <= $last
        ), was AS (
            SELECT s.authority_code, s.period, f.indicator_id, f.sex::VARCHAR AS sex,
                   f.simd_quintile::VARCHAR AS simd_quintile, f.value
            FROM submissions s JOIN figures f ON f.submission_id = s.id
            WHERE list_contains($ids, s.id)
        )
        SELECT coalesce(w.authority_code, n.authority_code) AS authority_code,
               coalesce(w.period, n.period) AS period,
               coalesce(w.indicator_id, n.indicator_id) AS indicator_id,
               coalesce(w.sex, n.sex) AS sex,
               coalesce(w.simd_quintile, n.simd_quintile) AS simd_quintile,
               w.value AS was, n.value AS now
        FROM was w FULL JOIN now n
          ON w.authority_code = n.authority_code AND w.period = n.period
         AND w.indicator_id = n.indicator_id AND w.sex = n.sex
         AND w.simd_quintile = n.simd_quintile
        WHERE w.value IS DISTINCT FROM n.value
        ORDER BY 1, 2, 3, 4, 5
        """,
        params,
    ).df()[CHANGE_COLUMNS]
