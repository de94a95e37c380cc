"""The dashboard's SQL, as small pure builders: (sql, parameters), never formatted user input.

Everything is aggregated in DuckDB so a page costs the same on a database of
two million figures as on the demo: pandas only ever sees one row per council
and quarter at most.
"""

from __future__ import annotations

from datetime import date

from etl.councils import NATIONAL_CODE

HEADLINE = "sex = 'all' AND simd_quintile = 'all'"
_AGGREGATES = {"sum": "sum", "mean": "avg"}


def data_version() -> tuple[str, list]:
    """Cheap fingerprint of everything a page shows: returns loaded, the strategy and the
    releases built (a view says what was revised since the latest)."""
    return (
        """
        SELECT (SELECT count(*) FROM submissions),
               (SELECT coalesce(max(id), 0) FROM submissions),
               (SELECT count(*) FROM submissions WHERE is_current),
               (SELECT md5(coalesce(max(value), '')) FROM meta WHERE key = 'strategy_json'),
               (SELECT coalesce(max(value), '') FROM meta WHERE key = 'figures'),
               (SELECT count(*) FROM releases)
        """,
        [],
    )


def meta() -> tuple[str, list]:
    return "SELECT key, value FROM meta WHERE key <> 'strategy_json'", []


def table(name: str) -> tuple[str, list]:
    """A whole strategy table (all are small). Only names from this list are accepted."""
    allowed = {
        "themes": "position",
        "commitments": "position",
        "milestones": "position",
        "milestone_changes": "milestone_id, changed_on",
        "indicators": "position",
        "indicator_targets": "indicator_id, position",
        "indicator_changes": "indicator_id, changed_on",
        "authorities": "name",
    }
    if name not in allowed:
        raise ValueError(f"unknown table {name!r}")
    return f"SELECT * FROM {name} ORDER BY {allowed[name]}", []


def council_figures(
    indicator_id: str, period: str, as_at: date, revised: bool = False
) -> tuple[str, list]:
    """Every council's headline figure for one indicator and quarter (blank if none), as
    known at ``as_at`` (or revised)."""
    return (
        f"""
        SELECT a.code AS authority_code, a.name AS authority_name, f.value
        FROM authorities a
        LEFT JOIN (
            SELECT authority_code, value FROM figures_at(?, ?)
            WHERE indicator_id = ? AND period = ? AND {HEADLINE}
        ) f ON f.authority_code = a.code
        WHERE a.kind = 'council'
        ORDER BY a.name
        """,
        [as_at, revised, indicator_id, period],
    )


def council_series(
    indicator_id: str, authority_code: str, last_period: str, as_at: date, revised: bool = False
) -> tuple[str, list]:
    """One council's headline figure for each quarter up to ``last_period``."""
    return (
        f"""
        SELECT period, value FROM figures_at(?, ?)
        WHERE indicator_id = ? AND authority_code = ? AND period <= ? AND {HEADLINE}
        ORDER BY period
        """,
        [as_at, revised, indicator_id, authority_code, last_period],
    )


def breakdowns(
    indicator_id: str, last_period: str, aggregation: str, as_at: date, revised: bool = False
) -> tuple[str, list]:
    """Female and male, SIMD quintile 1 and 5 figures by council and quarter, and nationally.

    National rows (authority_code NULL) combine councils the way the indicator
    does (sum or mean); period strings sort in time order (2025-Q3 < 2025-Q4).
    """
    combine = _AGGREGATES[aggregation]

    def part(sex: str, quintile: str) -> str:
        return f"{combine}(value) FILTER (WHERE sex = '{sex}' AND simd_quintile = '{quintile}')"

    return (
        f"""
        SELECT authority_code, period,
               {part("female", "all")} AS female,
               {part("male", "all")} AS male,
               {part("all", "1")} AS simd_1,
               {part("all", "5")} AS simd_5,
               count(DISTINCT authority_code) AS authorities_reported
        FROM figures_at(?, ?)
        WHERE indicator_id = ? AND period <= ? AND authority_code <> ?
          AND (sex <> 'all' OR simd_quintile <> 'all')
        GROUP BY GROUPING SETS ((authority_code, period), (period))
        ORDER BY period, authority_code NULLS FIRST
        """,
        [as_at, revised, indicator_id, last_period, NATIONAL_CODE],
    )
