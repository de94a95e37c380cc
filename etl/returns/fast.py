"""The strict fast path: a return already in canonical form, read with DuckDB's own types.

Back-fills and our own exports are written in the canonical forms (exact codes,
``2025-Q3``, plain numbers, lower-case breakdowns). Such a file is read in one
``read_csv`` whose column types are the allowed values themselves (ENUMs of the
current codes, the quarters that may be reported, the indicator ids, the
breakdowns; DOUBLE for the value), strictly: any cell outside them makes DuckDB
refuse the file, and the caller then takes the general path, unchanged. From
that read, a view holds the same columns with the same meanings as the general path's
table (``etl.returns.checked``), so the same rules, summary and ingest run on it.
"""

from __future__ import annotations

import re
from datetime import date

import duckdb

from etl.councils import authorities
from etl.periods import Quarter, last_ended, quarters_between
from etl.returns import checked, contract
from etl.returns.checked import CheckedRows
from etl.returns.file import Text
from etl.returns.rules import comment_text
from etl.returns.spec import ReturnSpec
from etl.returns.values import register_places

# DuckDB reads 1_000 as a number; the contract does not (so the general path must say so).
_DIGIT_GROUPS = re.compile(rb"\d_\d")


def is_canonical(text: Text) -> bool:
    """Whether the file may take the fast path: a comma-separated file whose first line
    is a header of exactly the contract's column names (header_problems has already
    refused unknown, repeated and missing ones). Blank lines below it are looked for
    only if a message needs row numbers (``returns.check_return``)."""
    return (
        text.separator == ","
        and text.header_line == 0
        and all(name in contract.COLUMN_NAMES for name in text.header)
        and not _has_digit_groups(text.utf8)
    )


def _has_digit_groups(data: bytes) -> bool:
    """Whether a row (not the header, whose names hold underscores) has ``1_000``.

    The header is the first line here, and a search for the byte
    ``_`` runs at memory speed, so the regular expression only runs from the first
    underscore below the header, if there is one."""
    underscore = data.find(b"_", data.find(b"\n") + 1)
    return underscore != -1 and _DIGIT_GROUPS.search(data, max(underscore - 1, 0)) is not None


def _string(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _enum(values: list[str]) -> str:
    """An ENUM type in SQL."""
    return "ENUM(" + ", ".join(map(_string, values)) + ")"


def _quarters(spec: ReturnSpec, today: date) -> list[str]:
    """The quarters a return may hold: from the strategy's start to the last one ended."""
    start = Quarter.parse(spec.start)
    return [str(q) for q in quarters_between(start, last_ended(today))]


def _column_types(codes: list[str], quarters: list[str], spec: ReturnSpec) -> dict[str, str]:
    return {
        "authority_code": _enum(codes),
        "period": _enum(quarters),
        "indicator_id": _enum([i.id for i in spec.indicators]),
        "value": "DOUBLE",
        "sex": _enum(list(contract.SEX_VALUES)),
        "simd_quintile": _enum(list(contract.SIMD_VALUES)),
        "comment": "VARCHAR",
        "indicator_name": "VARCHAR",
        "unit": "VARCHAR",
    }


def read_checked(
    con: duckdb.DuckDBPyConnection, path: str, text: Text, spec: ReturnSpec, today: date
) -> CheckedRows | None:
    """Read a canonical file into ``typed`` and define the checked rows over it; None
    (nothing defined) when DuckDB refuses a cell or the file has no value at all (the
    general path then says which)."""
    codes, quarters = [a.code for a in authorities()], _quarters(spec, today)
    if not quarters:  # no quarter may be reported yet: let the rules say so
        return None
    types = _column_types(codes, quarters, spec)
    if not _read_typed(con, path, text, types):
        return None
    problems = _key_problems(con)
    if problems is None:
        return None
    # The ENUMs' codes are the keys: an indicator's is its position in the strategy, and a
    # place's is its authority's code times the number of quarters plus its quarter's.
    register_places(con, [(a, q) for a in codes for q in quarters])
    checked.drop(con)
    con.execute(_checked_view(text, types, spec, len(quarters), problems))
    return CheckedRows(con)


def _read_typed(con, path: str, text: Text, types: dict[str, str]) -> bool:
    """The file as the table ``typed``, each column of its type; False when DuckDB refuses
    a cell."""
    # read_csv takes each type as a string, in which quotes are doubled.
    quoted = {name: sql.replace("'", "''") for name, sql in types.items()}
    columns = ", ".join(f"'{name}': '{quoted[name]}'" for name in text.header)
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE typed AS
            SELECT * FROM read_csv($path, auto_detect = false, header = false, skip = 1,
                delim = ',', quote = '"', escape = '"', columns = {{{columns}}})
            """,
            {"path": path},
        )
    except duckdb.Error:
        return False
    return True


_KEYS = ("authority_code", "period", "indicator_id")


def _key_problems(con) -> dict[str, str] | None:
    """SQL for each key cell's problem ('missing' when blank); None when no row has a value.

    Where none is blank, the column's problem is a constant NULL, which DuckDB drops from
    the rules before it reads a row (a tenth of a CPU-second on two million rows)."""
    blanks = ", ".join(f"count(*) - count({key})" for key in _KEYS)
    with_value, *blank = con.execute(f"SELECT count(value), {blanks} FROM typed").fetchone()
    if not with_value:
        return None
    return {
        key: f"CASE WHEN t.{key} IS NULL THEN 'missing' END" if n else "NULL::VARCHAR"
        for key, n in zip(_KEYS, blank, strict=True)
    }


def _with_facts(indicators) -> str:
    """``typed`` with what the strategy says of each row's indicator, as the bits of one
    number looked up by its key in a constant list (one lookup a row, not a join or one
    lookup per fact), and its maximum."""
    facts = [
        (i.unit == "percent") | (i.reported_by == "national") << 1
        | ("sex" in i.breakdowns) << 2 | ("simd_quintile" in i.breakdowns) << 3
        | (i.unit == "percentage_points") << 4
        for i in indicators
    ]  # fmt: skip
    maxima = ", ".join(repr(float(i.maximum)) for i in indicators)
    return f"""
        SELECT rowid, *, [{", ".join(map(str, facts))}][enum_code(indicator_id) + 1] AS facts,
            ([{maxima}]::DOUBLE[])[enum_code(indicator_id) + 1] AS maximum
        FROM typed"""


_LOOKED_UP = """
    CASE WHEN t.facts & 1 = 1 THEN 'percent' WHEN t.facts & 16 = 16 THEN 'percentage_points'
         ELSE 'count' END AS unit,
    t.facts & 2 <> 0 AS national, t.facts & 4 <> 0 AS has_sex,
    t.facts & 8 <> 0 AS has_simd"""


def _checked_view(text: Text, types, spec: ReturnSpec, quarters: int, problem) -> str:
    """The checked rows as a view over ``typed``, with the general path's columns. A blank
    code, period or id reads as NULL: the same 'missing' the general path finds."""
    sex = "t.sex" if "sex" in text.header else f"NULL::{types['sex']}"
    simd = (
        "t.simd_quintile" if "simd_quintile" in text.header else f"NULL::{types['simd_quintile']}"
    )
    comment = comment_text("t.comment") if "comment" in text.header else "NULL::VARCHAR"
    return f"""
        CREATE OR REPLACE TEMP VIEW {checked.TABLE} AS
        SELECT t.rowid AS rid, t.rowid + 2 AS excel_row,
            enum_code(t.authority_code)::INTEGER * {quarters} + enum_code(t.period)
                AS place_key,
            enum_code(t.indicator_id)::INTEGER AS indicator_key,
            t.authority_code::VARCHAR AS authority_code, NULL::VARCHAR AS superseded,
            {problem["authority_code"]} AS authority_problem,
            t.period::VARCHAR AS period,
            {problem["period"]} AS period_problem,
            t.indicator_id::VARCHAR AS indicator_id,
            {problem["indicator_id"]} AS indicator_problem,
            {_LOOKED_UP}, t.maximum,
            coalesce({sex}, 'all'::{types["sex"]}) AS sex,
            coalesce({simd}, 'all'::{types["simd_quintile"]}) AS simd_quintile,
            coalesce(enum_code({sex}), 0)::INTEGER * {len(contract.SIMD_VALUES)}
                + coalesce(enum_code({simd}), 0) AS breakdown_key,
            false AS is_percent,
            CASE WHEN isfinite(t.value) THEN t.value END AS value,
            {comment} AS comment
        FROM ({_with_facts(spec.indicators)}) t
        WHERE t.value IS NOT NULL
        """
