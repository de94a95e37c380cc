"""Interpreting the values that repeat in a return: codes, periods, indicator ids, breakdowns.

Each distinct value is read once in Python, with the same functions the rest of
the tracker uses (``Quarter.parse``, the council list, the strategy), and the
answers go back to DuckDB as small lookup tables joined to every row.
"""

from __future__ import annotations

from datetime import date

import duckdb

from etl.councils import authorities, superseded_codes
from etl.periods import Quarter, day_text
from etl.returns import checked, contract
from etl.returns.ceiling import MAX_CELL, within_time
from etl.returns.spec import ReturnSpec


def _authority_map(values: list[str]) -> tuple[list, list, list]:
    current = {a.code for a in authorities()}
    old = superseded_codes()
    raws, codes, superseded = [], [], []
    for raw in within_time(values, every=1000):
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


def _period_map(values: list[str], spec: ReturnSpec, today: date):
    start = Quarter.parse(spec.start)
    raws, periods, problems, extras = [], [], [], []
    for raw in within_time(values, every=100):
        raws.append(raw)
        try:
            if len(raw.strip()) > MAX_CELL:  # no quarter is written so long: not parsed
                raise ValueError(raw)
            quarter = Quarter.parse(raw)
        except ValueError:
            periods.append(None)
            problems.append("bad_period" if raw.strip() else "missing")
            extras.append(None)
            continue
        periods.append(str(quarter))
        if not quarter.ended_by(today):
            problems.append("period_not_ended")
            extras.append(day_text(quarter.end))
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


def breakdown_key(sex: str | None, simd_quintile: str | None) -> int | None:
    """Each valid (sex, SIMD quintile) pair as a number from 0 to 17 (the checked rows'
    ``breakdown_key``; the fast path computes the same from its ENUM codes)."""
    if sex is None or simd_quintile is None:
        return None
    width = len(contract.SIMD_VALUES)
    return contract.SEX_VALUES.index(sex) * width + contract.SIMD_VALUES.index(simd_quintile)


def register_places(con: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str]]) -> None:
    """The checked rows' ``places``: each (authority, period) a file may hold, by its
    ``place_key`` (the position in ``pairs``)."""
    register(con, checked.PLACES, {
        "place_key": ("INTEGER", list(range(len(pairs)))),
        "authority_code": ("VARCHAR", [a for a, _ in pairs]),
        "period": ("VARCHAR", [p for _, p in pairs]),
    })  # fmt: skip


def cell(positions: dict[str, int], name: str) -> str:
    return f"r.c{positions[name]}" if name in positions else "NULL::VARCHAR"


def interpret(con, positions: dict[str, int], spec: ReturnSpec, today: date) -> list[tuple]:
    """Lookup tables for the distinct cells in the file: ``place_map`` by (authority,
    period), ``indicator_map`` by indicator id (with what the strategy says of it),
    ``breakdown_map`` by (sex, simd_quintile), and ``period_map`` for messages.

    Cells that go together are looked up as pairs, so that each of millions of rows
    needs three joins rather than six. Gives each valid (authority, period) at its
    ``place_key``, for the checked rows' ``places`` (``register_places``)."""
    places = _place_map(con, positions, spec, today)
    _indicator_map(con, positions, spec)
    _breakdown_map(con, positions)
    return places


def _distinct(con, positions: dict[str, int], *columns: str) -> list[tuple[str, ...]]:
    cells = ", ".join(f"coalesce({cell(positions, c)}, '')" for c in columns)
    return con.execute(f"SELECT DISTINCT {cells} FROM raw r").fetchall()


def _authorities(values: list[str]) -> dict[str, tuple]:
    """Each authority cell: its code, the superseded code written, and its problem."""
    raws, codes, superseded = _authority_map(values)
    return {
        raw: (code, old, None if code else ("missing" if not raw.strip() else "unknown_authority"))
        for raw, code, old in zip(raws, codes, superseded, strict=True)
    }


def _periods(con, values: list[str], spec: ReturnSpec, today: date) -> dict[str, tuple]:
    """Each period cell: its quarter and its problem (``period_map`` keeps the words)."""
    raws, periods, problems, extras = _period_map(values, spec, today)
    register(con, "period_map", {"raw": ("VARCHAR", raws), "period": ("VARCHAR", periods),
                                 "problem": ("VARCHAR", problems),
                                 "extra": ("VARCHAR", extras)})  # fmt: skip
    return {raw: (p, problem) for raw, p, problem in zip(raws, periods, problems, strict=True)}


def _place_map(con, positions: dict[str, int], spec: ReturnSpec, today: date) -> list[tuple]:
    """``place_map`` (and ``period_map``); the valid (authority, period) pairs by key."""
    places = _distinct(con, positions, "authority_code", "period")
    authority = _authorities(list(dict.fromkeys(a for a, _ in places)))
    period = _periods(con, list(dict.fromkeys(p for _, p in places)), spec, today)
    # Each valid (authority, period) gets a small integer: the rules group by it, not by text.
    keys: dict[tuple[str, str], int] = {}
    for a, p in places:
        if authority[a][0] and period[p][0]:
            keys.setdefault((authority[a][0], period[p][0]), len(keys))
    register(con, "place_map", {
        "authority_raw": ("VARCHAR", [a for a, _ in places]),
        "period_raw": ("VARCHAR", [p for _, p in places]),
        "code": ("VARCHAR", [authority[a][0] for a, _ in places]),
        "superseded": ("VARCHAR", [authority[a][1] for a, _ in places]),
        "authority_problem": ("VARCHAR", [authority[a][2] for a, _ in places]),
        "period": ("VARCHAR", [period[p][0] for _, p in places]),
        "period_problem": ("VARCHAR", [period[p][1] for _, p in places]),
        "place_key": ("INTEGER", [keys.get((authority[a][0], period[p][0])) for a, p in places]),
    })  # fmt: skip
    return list(keys)


def _indicator_map(con, positions: dict[str, int], spec: ReturnSpec) -> None:
    by_key = {i.id.lower(): (n, i) for n, i in enumerate(spec.indicators)}
    raws = [raw for (raw,) in _distinct(con, positions, "indicator_id")]
    keyed = [by_key.get(r.strip().lower(), (None, None)) for r in raws]
    found = [i for _, i in keyed]
    problems = [None if i else ("missing" if not r.strip() else "unknown_indicator")
                for r, i in zip(raws, found, strict=True)]  # fmt: skip
    register(con, "indicator_map", {
        "raw": ("VARCHAR", raws),
        "id": ("VARCHAR", [i and i.id for i in found]),
        "key": ("INTEGER", [n for n, _ in keyed]),
        "problem": ("VARCHAR", problems),
        "unit": ("VARCHAR", [i and i.unit for i in found]),
        "national": ("BOOLEAN", [i and i.reported_by == "national" for i in found]),
        "has_sex": ("BOOLEAN", [i and "sex" in i.breakdowns for i in found]),
        "has_simd": ("BOOLEAN", [i and "simd_quintile" in i.breakdowns for i in found]),
        "maximum": ("DOUBLE", [i and i.maximum for i in found]),
    })  # fmt: skip


def _breakdown_map(con, positions: dict[str, int]) -> None:
    pairs = _distinct(con, positions, "sex", "simd_quintile")
    _, sexes = _choice_map([s for s, _ in pairs], contract.SEX_VALUES)
    _, quintiles = _choice_map([q for _, q in pairs], contract.SIMD_VALUES)
    register(con, "breakdown_map", {
        "sex_raw": ("VARCHAR", [s for s, _ in pairs]),
        "simd_raw": ("VARCHAR", [q for _, q in pairs]),
        "sex": ("VARCHAR", sexes),
        "simd": ("VARCHAR", quintiles),
        "breakdown_key": ("INTEGER", [breakdown_key(s, q) for s, q in zip(sexes, quintiles,
                                                                          strict=True)]),
    })  # fmt: skip
