"""Which figures a view used, so that a briefing can be rebuilt exactly and checked later.

A view as at D (as known, or revised) uses, for each authority and quarter ended by D, one
version of its return. Its *fingerprint* stands for those figures: two views with the same
figures have the same fingerprint whatever their versions' bytes. The versions' ids are kept
too: a later check names every figure that changed since, from the versions themselves
(nothing is ever deleted).

Two methods, recorded with each fingerprint so that a check recomputes it the same way:
- ``versions`` (since issue 26): the SHA-256 of one line per return used (authority,
  quarter, and the digest of its figures that the store keeps per version). Its cost
  follows the number of returns, not of figures.
- ``rows`` (packs built before): the SHA-256 of every figure as a canonical row
  (authority, quarter, indicator, sex, SIMD quintile, value; sorted).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from etl.periods import last_ended
from etl.store import version_digests

_CANONICAL = """
    SELECT authority_code || ',' || period || ',' || indicator_id || ',' || sex || ',' ||
           simd_quintile || ',' || CAST(value AS VARCHAR) AS line, submission_id
    FROM figures_at($as_at, $revised)
    WHERE period <= $last
"""

_BY_ROWS = f"""
    SELECT sha256(coalesce(string_agg(line, chr(10) ORDER BY line), '')), count(*),
           list(DISTINCT submission_id ORDER BY submission_id)
    FROM ({_CANONICAL})
"""

# A version stored without a digest (by hand, or a test's fixture) is digested here.
_BY_VERSIONS = f"""
    WITH used AS (
        SELECT id, authority_code, period, row_count, figures_sha256
        FROM versions_at($as_at, $revised) WHERE period <= $last
    ), late AS ({version_digests("s.id IN (SELECT id FROM used)")})
    SELECT sha256(coalesce(string_agg(
               u.authority_code || ',' || u.period || ',' || coalesce(u.figures_sha256, l.digest),
               chr(10) ORDER BY u.authority_code, u.period), '')),
           coalesce(sum(u.row_count), 0)::INTEGER, list(u.id ORDER BY u.id)
    FROM used u LEFT JOIN late l ON l.submission_id = u.id
"""

METHODS = {"versions": _BY_VERSIONS, "rows": _BY_ROWS}


@dataclass(frozen=True)
class FiguresUsed:
    as_at: dt.date
    revised: bool
    fingerprint: str  # SHA-256, by ``method``
    rows: int
    submissions: tuple[int, ...]  # the version (submission id) of each authority and quarter
    method: str = "versions"  # how the fingerprint was made: a key of METHODS

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
            "method": self.method,
        }

    @classmethod
    def from_json(cls, data: dict) -> FiguresUsed:
        return cls(
            dt.date.fromisoformat(data["as_at"]),
            data["mode"] == "revised",
            data["fingerprint"],
            int(data["rows"]),
            tuple(int(i) for i in data["submissions"]),
            data.get("method", "rows"),  # packs built before methods were recorded
        )


def figures_used(
    con: duckdb.DuckDBPyConnection, as_at: dt.date, revised: bool, method: str = "versions"
) -> FiguresUsed:
    params = {"as_at": as_at, "revised": revised, "last": str(last_ended(as_at))}
    digest, rows, ids = con.execute(METHODS[method], params).fetchone()
    return FiguresUsed(as_at, revised, digest, rows, tuple(ids or ()), method)


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
