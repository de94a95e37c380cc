"""Interpreting the values that repeat in a return: codes, periods, indicator ids, breakdowns.

Each distinct value is read once in Python, with the same functions the rest of
the tracker uses (``Quarter.parse``, the council list, the strategy), and the
answers go back to DuckDB as small lookup tables joined to every row.
"""

from __future__ import annotations

from datetime import date

import duckdb

from etl import contract
from etl.councils import authorities, superseded_codes
from etl.periods import Quarter
from etl.strategy import StrategyFile


def _authority_map(values: list[str]) -> tuple[list, list, list]:
    current = {a.code for a in authorities()}
    old = superseded_codes()
    raws, codes, superseded = [], [], []
    for raw in values:
        code = raw.strip().upper()
        raws.append(raw)
        if code in current:
            codes.append(code)
            superseded.append(None)
        elif code in old:
            codes.append(old[code])
            superseded.append(code)
        else:
            codes.append(None)
            superseded.append(None)
    return raws, codes, superseded


def _period_map(values: list[str], strategy: StrategyFile, today: date):
    start = Quarter.parse(strategy.strategy.start)
    raws, periods, problems, extras = [], [], [], []
    for raw in values:
        raws.append(raw)
        try:
            quarter = Quarter.parse(raw)
        except ValueError:
            periods.append(None)
            problems.append("bad_period" if raw.strip() else "missing")
            extras.append(None)
            continue
        periods.append(str(quarter))
        if not quarter.ended_by(today):
            problems.append("period_not_ended")
            extras.append(f"{quarter.end.day} {quarter.end:%B %Y}")
        elif quarter < start:
            problems.append("period_before_start")
            extras.append(str(start))
        else:
            problems.append(None)
            extras.append(None)
    return raws, periods, problems, extras


def _choice_map(values: list[str], allowed: tuple[str, ...]) -> tuple[list, list]:
    canonical = [v.strip().lower() or "all" for v in values]
    return values, [c if c in allowed else None for c in canonical]


def register(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, tuple[str, list]]):
    """A small lookup table from Python lists, passed as parameters (no string building)."""
    select = ", ".join(
        f"unnest(${key}::{sql_type}[]) AS {key}" for key, (sql_type, _) in columns.items()
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {select}",
        {key: values for key, (_, values) in columns.items()},
    )


def cell(positions: dict[str, int], name: str) -> str:
    return f"r.c{positions[name]}" if name in positions else "NULL::VARCHAR"


def interpret(con, positions: dict[str, int], strategy: StrategyFile, today: date) -> None:
    """Lookup tables for the distinct codes, periods, ids and breakdowns in the file."""

    def distinct(column: str) -> list[str]:
        query = f"SELECT DISTINCT coalesce({cell(positions, column)}, '') FROM raw r"
        return [value for (value,) in con.execute(query).fetchall()]

    raws, codes, superseded = _authority_map(distinct("authority_code"))
    problems = [None if c else ("missing" if not r.strip() else "unknown_authority")
                for r, c in zip(raws, codes, strict=True)]  # fmt: skip
    register(con, "authority_map", {"raw": ("VARCHAR", raws), "code": ("VARCHAR", codes),
                                     "superseded": ("VARCHAR", superseded),
                                     "problem": ("VARCHAR", problems)})  # fmt: skip
    raws, periods, problems, extras = _period_map(distinct("period"), strategy, today)
    register(con, "period_map", {"raw": ("VARCHAR", raws), "period": ("VARCHAR", periods),
                                  "problem": ("VARCHAR", problems),
                                  "extra": ("VARCHAR", extras)})  # fmt: skip
    indicators = [i for _, i in strategy.indicators]
    by_key = {i.id.lower(): i.id for i in indicators}
    raws = distinct("indicator_id")
    ids = [by_key.get(r.strip().lower()) for r in raws]
    problems = [None if i else ("missing" if not r.strip() else "unknown_indicator")
                for r, i in zip(raws, ids, strict=True)]  # fmt: skip
    register(con, "indicator_map", {"raw": ("VARCHAR", raws), "id": ("VARCHAR", ids),
                                     "problem": ("VARCHAR", problems)})  # fmt: skip
    register(con, "indicator_info", {
        "id": ("VARCHAR", [i.id for i in indicators]),
        "unit": ("VARCHAR", [i.unit for i in indicators]),
        "national": ("BOOLEAN", [i.reported_by == "national" for i in indicators]),
        "has_sex": ("BOOLEAN", ["sex" in i.breakdowns for i in indicators]),
        "has_simd": ("BOOLEAN", ["simd_quintile" in i.breakdowns for i in indicators]),
    })  # fmt: skip
    raws, values = _choice_map(distinct("sex"), contract.SEX_VALUES)
    register(con, "sex_map", {"raw": ("VARCHAR", raws), "sex": ("VARCHAR", values)})
    raws, values = _choice_map(distinct("simd_quintile"), contract.SIMD_VALUES)
    register(con, "simd_map", {"raw": ("VARCHAR", raws), "simd": ("VARCHAR", values)})
