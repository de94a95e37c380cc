"""The return's own CSV format, written in one place: the template, a version's figures,
and the store's figures (current, as known at a date, or every version).

Every file has the columns of ``contract.FILE_ORDER`` (then any audit columns), is
UTF-8 with a byte-order mark so that Excel reads accents, ends its lines with CRLF
(RFC 4180), neutralises text a spreadsheet would run as a formula, and writes each
value in the shortest plain form that reads back exactly. DuckDB writes every one
(COPY): a two-million-row export as quickly as it reads one.
"""

from __future__ import annotations

import functools
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from etl import store
from etl.councils import NATIONAL_CODE, authorities, superseded_codes
from etl.periods import Quarter, check_as_at
from etl.returns import contract

if TYPE_CHECKING:
    from etl.strategy.model import StrategyFile

# The audit export's columns after the return's own: who sent each version, and when.
AUDIT = ("version", "received_at", "submitted_by", "action")


def _number(column: str) -> str:
    """SQL for a value's text: a whole number in digits (1e20 as 100000000000000000000), any
    other value in the shortest form that reads back exactly (DuckDB's own text for a double
    can round, e.g. 0.30000000000000004 → 0.3); NULL (a template's blank) stays NULL."""
    return f"""
        CASE WHEN {column} = trunc({column}) AND abs({column}) < 1e38
             THEN CAST(CAST({column} AS HUGEINT) AS VARCHAR)
             WHEN TRY_CAST(CAST({column} AS VARCHAR) AS DOUBLE) = {column}
             THEN CAST({column} AS VARCHAR)
             ELSE printf('%.17g', {column}) END"""


def _text(column: str) -> str:
    """SQL for contract.neutralise (a leading apostrophe before formula-like text); a blank
    is written as nothing, as NULL is."""
    text = f"CAST({column} AS VARCHAR)"
    formula = f"regexp_matches({text}, {contract.FORMULA_SQL})"
    return f"CASE WHEN {formula} THEN '''' || {text} ELSE nullif({text}, '') END"


_CELLS = {"indicator_name": _text("r.indicator_name"), "value": _number("r.value"),
          "comment": _text("r.comment")}  # fmt: skip


def write(
    con: duckdb.DuckDBPyConnection,
    rows: str,
    params: dict | list | None = None,
    audit: tuple[str, ...] = (),
) -> bytes:
    """The file of ``rows``: SQL giving ``contract.FILE_ORDER``'s columns (``value`` a
    number), the indicator's ``position`` in the strategy and the ``audit`` columns. Rows
    come by authority and quarter, then by the audit columns (a version's rows together),
    then in the strategy's order of indicators and breakdowns."""
    cells = [f"{_CELLS.get(name, f'r.{name}')} AS {name}" for name in contract.FILE_ORDER]
    cells += [f"{_text(f'r.{name}')} AS {name}" for name in audit]
    # Each r.column is the row's own (a version number, not its text in the file).
    order = ["r.authority_code", "r.period", *(f"r.{name}" for name in audit),
             "r.position NULLS LAST", "r.indicator_id",
             contract.breakdown_order("r.sex", "r.simd_quintile")]  # fmt: skip
    handle, path = tempfile.mkstemp(suffix=".csv", prefix="stem-export-")
    os.close(handle)
    try:
        con.execute(
            f"""
            COPY (SELECT {", ".join(cells)} FROM ({rows}) r ORDER BY {", ".join(order)})
            TO '{path.replace("'", "''")}'
            (HEADER, DELIMITER ',', QUOTE '"', ESCAPE '"', NEW_LINE '\\r\\n')
            """,
            params,
        )
        return b"\xef\xbb\xbf" + Path(path).read_bytes()
    finally:
        os.unlink(path)


def stored(source: str, audit: str = "") -> str:
    """Rows for ``write`` from ``source``, figures as the store holds them (``submission_id``,
    ``indicator_id``, ``sex``, ``simd_quintile``, ``value``, ``comment``), with ``audit``
    (more columns of the submission ``s``, each with a leading comma)."""
    return f"""
        SELECT s.authority_code, s.period, f.indicator_id, i.name AS indicator_name, i.unit,
            f.sex::VARCHAR AS sex, f.simd_quintile::VARCHAR AS simd_quintile, f.value,
            f.comment, i.position{audit}
        FROM {source} f
        JOIN submissions s ON s.id = f.submission_id
        LEFT JOIN indicators i ON i.id = f.indicator_id
    """


@functools.cache
def _scratch() -> duckdb.DuckDBPyConnection:
    """An in-memory database for the template (opening one costs more than writing it)."""
    return duckdb.connect(config={"threads": 1})


def template(strategy: StrategyFile, authority_code: str, period: str) -> bytes:
    """A return for one (authority, period): one row per indicator and allowed breakdown,
    values blank, ready to fill in Excel. Needs no store."""
    code = authority_code.strip().upper()
    code = superseded_codes().get(code, code)
    if code not in {a.code for a in authorities()}:
        raise ValueError(f'"{authority_code}" is not a council\'s GSS code or {NATIONAL_CODE}')
    rows = [
        (position, indicator, sex, quintile)
        for position, (_, indicator) in enumerate(strategy.indicators)
        if contract.reports(indicator, code)
        for sex, quintile in contract.breakdown_rows(indicator)
    ]
    with _scratch().cursor() as con:
        return write(
            con,
            """
            SELECT $code AS authority_code, $period AS period, unnest($ids) AS indicator_id,
                unnest($names) AS indicator_name, unnest($units) AS unit,
                unnest($sexes) AS sex, unnest($quintiles) AS simd_quintile,
                NULL::DOUBLE AS value, NULL::VARCHAR AS comment, unnest($positions) AS position
            """,
            {
                "code": code,
                "period": str(Quarter.parse(period)),
                "ids": [i.id for _, i, _, _ in rows],
                "names": [i.name for _, i, _, _ in rows],
                "units": [i.unit for _, i, _, _ in rows],
                "sexes": [sex for _, _, sex, _ in rows],
                "quintiles": [quintile for _, _, _, quintile in rows],
                "positions": [position for position, _, _, _ in rows],
            },
        )


def export_current(
    db_path: str | Path, *, as_at: date | None = None, all_versions: bool = False
) -> bytes:
    """The store's figures in the return's own format: the current ones; with ``as_at``,
    those as known at that date (spec/status-rules.md); with ``all_versions``, every
    version of every submission, with its version, received_at (UK local time, to the
    second), submitted_by and action (the audit export)."""
    with store.connect(db_path) as con:
        store.require_schema(con)
        if all_versions:
            received = "strftime(s.received_at, '%Y-%m-%dT%H:%M:%S')"
            audit = f", s.version, {received} AS received_at, s.submitted_by, s.action"
            return write(con, stored("figures", audit), audit=AUDIT)
        if as_at is not None:
            check_as_at(as_at, Quarter.parse(store.get_meta(con, "start")), date.today())
        return write(con, stored("figures_at(?, ?)"), [as_at or date.today(), as_at is None])
