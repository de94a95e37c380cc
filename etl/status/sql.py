"""The reads behind the status engine: small parameterised queries, aggregation done in DuckDB.

Figures come from the store's ``figures_at(D, revised)``: as known at D by default, the
current versions when revised figures are chosen (spec/status-rules.md).

Figures are only ever read aggregated (one row per indicator and quarter), so the
status engine stays fast on a database of millions of figure rows. The rules
themselves live in ``etl/status/rules.py``.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from etl.councils import NATIONAL_CODE

# One row per as-at date, indicator and quarter: the authorities' headline figures (sex =
# all, simd_quintile = all) as known at that date, combined. Councils report local-authority
# indicators; only Scotland's own row (S92000003) counts for a national indicator. The returns
# loader keeps one headline row per authority, indicator and quarter, so count(*) is n. Many
# dates in one query (revisions ask for dozens), each up to its own last quarter.
HEADLINE_TOTALS = """
    SELECT d.as_at, f.indicator_id, f.period,
           count(*) AS authorities_reported,
           sum(f.value) AS total,
           avg(f.value) AS mean
    FROM (SELECT unnest($days, recursive := true)) d,
         LATERAL figures_at(d.as_at, $revised) f
    JOIN indicators i ON i.id = f.indicator_id
    JOIN authorities a ON a.code = f.authority_code
    WHERE f.sex = 'all' AND f.simd_quintile = 'all'
      AND f.period <= d.last_period
      AND ($indicator_id IS NULL OR f.indicator_id = $indicator_id)
      AND CASE WHEN i.reported_by = 'national' THEN a.code = $national
               ELSE a.kind = 'council' END
    GROUP BY d.as_at, f.indicator_id, f.period
"""


def headline_totals(
    con: duckdb.DuckDBPyConnection,
    last_period: str,
    indicator_id: str | None = None,
    *,
    as_at: dt.date,
    revised: bool = False,
) -> pd.DataFrame:
    """Per indicator and quarter up to ``last_period``: n reporting, their sum and mean, from
    the figures as known at ``as_at`` (or the revised figures)."""
    totals = headline_totals_at(con, {as_at: last_period}, indicator_id, revised=revised)
    return totals.drop(columns="as_at")


def headline_totals_at(
    con: duckdb.DuckDBPyConnection,
    days: dict[dt.date, str],
    indicator_id: str | None = None,
    *,
    revised: bool = False,
) -> pd.DataFrame:
    """headline_totals for several as-at dates at once (``days``: date → its last quarter),
    with the date in column ``as_at``."""
    return con.execute(
        HEADLINE_TOTALS,
        {
            "days": [{"as_at": day, "last_period": last} for day, last in days.items()],
            "indicator_id": indicator_id,
            "national": NATIONAL_CODE,
            "revised": revised,
        },
    ).df()


# The first time each authority's return for a quarter arrived, counting only what had
# arrived by the as-at date: a return received after D was not received "as at D".
FIRST_RECEIVED = """
    SELECT authority_code, period, min(received_at) AS received_at
    FROM submissions
    WHERE CAST(received_at AS DATE) <= $as_at
    GROUP BY authority_code, period
"""


def first_received(con: duckdb.DuckDBPyConnection, as_at: dt.date) -> pd.DataFrame:
    return _frame(con, FIRST_RECEIVED, {"as_at": as_at})


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> pd.DataFrame:
    """A small result as a DataFrame of Python values (dates stay ``datetime.date``)."""
    cursor = con.execute(sql, params or {})
    columns = [d[0] for d in cursor.description]
    return pd.DataFrame(cursor.fetchall(), columns=columns, dtype=object)


def councils(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _frame(
        con,
        "SELECT code AS authority_code, name AS authority_name FROM authorities "
        "WHERE kind = 'council' ORDER BY name",
    )


def themes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _frame(con, "SELECT id, name FROM themes ORDER BY position")


def commitments(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _frame(
        con,
        """
        SELECT id, title, theme, lead, sectors, override_status, override_reason,
               override_by, override_date, override_review_by
        FROM commitments ORDER BY position
        """,
    )


def milestones(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _frame(
        con,
        """
        SELECT m.id, m.commitment_id, m.title, m.due, m.original_due, m.due_text, m.completed,
               c.theme
        FROM milestones m JOIN commitments c ON c.id = m.commitment_id
        ORDER BY c.position, m.position
        """,
    )


def indicators(con: duckdb.DuckDBPyConnection, indicator_id: str | None = None) -> pd.DataFrame:
    """Indicators with their targets as a list of (period, value), in order."""
    return _frame(
        con,
        """
        SELECT i.id, i.commitment_id, c.theme, i.name, i.unit, i.direction, i.reported_by,
               i.aggregation, i.baseline_period, i.baseline_value,
               coalesce(i.illustrative, false)
                 OR coalesce(bool_or(t.illustrative), false) AS illustrative,
               list({'period': t.period, 'value': t.value} ORDER BY t.position)
                 FILTER (WHERE t.period IS NOT NULL) AS targets
        FROM indicators i
        JOIN commitments c ON c.id = i.commitment_id
        LEFT JOIN indicator_targets t ON t.indicator_id = i.id
        WHERE $indicator_id IS NULL OR i.id = $indicator_id
        GROUP BY i.id, i.commitment_id, c.theme, i.name, i.unit, i.direction, i.reported_by,
                 i.aggregation, i.baseline_period, i.baseline_value, i.illustrative,
                 c.position, i.position
        ORDER BY c.position, i.position
        """,
        {"indicator_id": indicator_id},
    )
