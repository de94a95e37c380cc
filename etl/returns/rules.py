"""The rules of the return contract, each one condition over every row at once.

The checked rows (``etl.returns.checked``) hold every row with a value, interpreted
(NULL where a cell is wrong); each rule in ``RULES`` is a SQL condition on them. A valid
file costs one grouped pass (``summary``); only a file with a problem is read row by row.
"""

from __future__ import annotations

from etl.councils import NATIONAL_CODE, council_name
from etl.returns import checked, contract
from etl.returns.checked import CheckedRows
from etl.returns.file import Text
from etl.returns.report import Problem, SubmissionSummary, excel_column
from etl.returns.spec import ReturnSpec
from etl.returns.values import cell, register, register_places

# Beyond this many rows with the same problem in the same column, the rest are counted.
MAX_SHOWN_PER_RULE = 100

_NUMBER = """
    CASE WHEN n IS NULL OR contains(n, '_') THEN NULL
         WHEN contains(n, ',') THEN
              CASE WHEN regexp_full_match(n, '\\d{1,3}(,\\d{3})+(\\.\\d+)?')
                   THEN TRY_CAST(replace(n, ',', '') AS DOUBLE) END
         ELSE TRY_CAST(n AS DOUBLE) END
"""


def comment_text(cell_sql: str) -> str:
    """SQL for the stored comment: NULL when blank, without the apostrophe an export put
    before formula-like text (``contract.strip_neutraliser``)."""
    return f"""
        CASE WHEN {cell_sql} IS NULL OR trim({cell_sql}, ' ' || chr(9) || chr(10) || chr(13)) = ''
             THEN NULL
             WHEN {cell_sql}[1] = chr(39)
                  AND regexp_matches({cell_sql}[2:], {contract.FORMULA_SQL}) THEN {cell_sql}[2:]
             ELSE {cell_sql} END"""


def check_rows(
    con, text: Text, positions: dict[str, int], excel_rows: list[int] | None, places: list[tuple]
) -> CheckedRows:
    """Every row with a value, interpreted by the lookups of ``values.interpret``; NULL
    where a cell is wrong. ``places`` are the valid (authority, period) pairs, each at its
    ``place_key``. A row whose value is blank is left out (and so is a blank row)."""
    register_places(con, places)
    if excel_rows is None:
        row_expr, join = f"r.rowid + {text.header_line + 2}", ""
    else:
        register(con, "excel_rows", {"excel_row": ("INTEGER", excel_rows)})
        row_expr, join = "e.excel_row", "JOIN excel_rows e ON e.rowid = r.rowid"
    value = f"trim({cell(positions, 'value')})"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {checked.TABLE} AS
        WITH parsed AS (
            SELECT r.rowid AS rid, {row_expr} AS excel_row,
                coalesce({cell(positions, "authority_code")}, '') AS authority_raw,
                coalesce({cell(positions, "period")}, '') AS period_raw,
                coalesce({cell(positions, "indicator_id")}, '') AS indicator_raw,
                coalesce({cell(positions, "sex")}, '') AS sex_raw,
                coalesce({cell(positions, "simd_quintile")}, '') AS simd_raw,
                suffix({value}, '%') AS is_percent,
                CASE WHEN suffix({value}, '%') THEN rtrim(left({value}, length({value}) - 1))
                     ELSE {value} END AS n,
                {cell(positions, "comment")} AS c
            FROM raw r {join}
            WHERE {value} <> ''
        ),
        numbers AS (SELECT *, {_NUMBER} AS x FROM parsed)
        SELECT p.rid, p.excel_row, pl.place_key, i.key AS indicator_key,
            pl.code AS authority_code, pl.superseded,
            pl.authority_problem, pl.period, pl.period_problem,
            i.id AS indicator_id, i.problem AS indicator_problem, i.unit, i.national,
            i.has_sex, i.has_simd, i.maximum, b.sex, b.simd AS simd_quintile, b.breakdown_key,
            p.is_percent,
            CASE WHEN isfinite(p.x) THEN p.x END AS value,
            {comment_text("p.c")} AS comment
        FROM numbers p
        LEFT JOIN place_map pl
            ON pl.authority_raw = p.authority_raw AND pl.period_raw = p.period_raw
        LEFT JOIN indicator_map i ON i.raw = p.indicator_raw
        LEFT JOIN breakdown_map b ON b.sex_raw = p.sex_raw AND b.simd_raw = p.simd_raw
        """
    )
    return CheckedRows(con)


# Each rule: (code, column, condition on the checked rows, extra text). Conditions assume the
# cells they depend on are valid, so one mistake gives one message.
_RULES: list[tuple[str, str, str, str]] = [
    ("missing", "authority_code", "authority_problem = 'missing'",
     "'a GSS code such as S12000036'"),
    ("unknown_authority", "authority_code", "authority_problem = 'unknown_authority'", "NULL"),
    ("missing", "period", "period_problem = 'missing'", "'a quarter such as 2025-Q3'"),
    ("bad_period", "period", "period_problem = 'bad_period'", "NULL"),
    ("period_not_ended", "period", "period_problem = 'period_not_ended'", "period_extra"),
    ("period_before_start", "period", "period_problem = 'period_before_start'", "period_extra"),
    ("missing", "indicator_id", "indicator_problem = 'missing'", "'an indicator id'"),
    ("unknown_indicator", "indicator_id", "indicator_problem = 'unknown_indicator'", "NULL"),
    ("national_indicator", "indicator_id", f"national AND authority_code <> '{NATIONAL_CODE}'",
     "NULL"),
    ("council_indicator", "indicator_id", f"NOT national AND authority_code = '{NATIONAL_CODE}'",
     "NULL"),
    ("not_a_number", "value", "value IS NULL", "NULL"),
    ("negative", "value", "value < 0 AND unit <> 'percentage_points'", "NULL"),
    ("not_a_percent", "value", "unit = 'percent' AND value > 100", "indicator_id"),
    ("not_points", "value", "unit = 'percentage_points' AND abs(value) > 100", "indicator_id"),
    ("percent_of_count", "value", "unit = 'count' AND is_percent AND value >= 0", "indicator_id"),
    ("too_large", "value", "value > maximum AND NOT (unit <> 'count' AND abs(value) > 100)",
     "CASE WHEN maximum = floor(maximum) THEN format('{:,}', maximum::BIGINT) "
     "ELSE maximum::VARCHAR END || ', the most ' || indicator_id || ' can plausibly be'"),
    ("bad_sex", "sex", "sex IS NULL", "NULL"),
    ("no_breakdown", "sex", "sex <> 'all' AND NOT has_sex",
     "'indicator ' || indicator_id || ' has no breakdown by sex (use all or leave it blank)'"),
    ("bad_simd", "simd_quintile", "simd_quintile IS NULL", "NULL"),
    ("no_breakdown", "simd_quintile", "simd_quintile <> 'all' AND NOT has_simd",
     "'indicator ' || indicator_id || ' has no breakdown by SIMD quintile (use all or leave "
     "it blank)'"),
    ("comment_too_long", "comment", f"length(comment) > {contract.MAX_COMMENT}",
     "format('{:,}', length(comment))"),
]  # fmt: skip
_KEY = "authority_code, period, indicator_id, sex, simd_quintile"
_CELLS = ("authority_code", "period", "indicator_id", "value", "sex", "simd_quintile", "comment")


def rule_problems(rows: CheckedRows, positions: dict[str, int], file_name: str) -> list[Problem]:
    """Every broken rule, row by row (run only when ``summary`` found one)."""
    cells = ", ".join(f"{cell(positions, column)} AS {column}_cell" for column in _CELLS)
    rules = [r for r in _RULES if r[1] in positions]
    union = " UNION ALL ".join(
        f"SELECT '{code}' AS code, '{column}' AS column_name, excel_row, "
        f"{column}_cell AS value, {extra} AS extra FROM detail WHERE {condition}"
        for code, column, condition, extra in rules
    )
    # Same (indicator, breakdown) twice in one submission: name both rows.
    union += f""" UNION ALL
        SELECT 'duplicate', 'indicator_id', c.excel_row, c.indicator_id_cell,
            '(sex ' || c.sex || ', simd_quintile ' || c.simd_quintile || ') for '
            || c.authority_code || ' ' || c.period || ' is already in row ' || d.first_row
        FROM detail c JOIN (
            SELECT {_KEY}, min(excel_row) AS first_row
            FROM {rows.table}
            WHERE authority_code IS NOT NULL AND period IS NOT NULL
                AND indicator_id IS NOT NULL AND sex IS NOT NULL AND simd_quintile IS NOT NULL
            GROUP BY ALL HAVING count(*) > 1
        ) d USING ({_KEY})
        WHERE c.excel_row > d.first_row"""
    found = rows.con.execute(
        f"""
        WITH detail AS (
            SELECT c.*, {cells}, pm.extra AS period_extra
            FROM {rows.table} c JOIN raw r ON r.rowid = c.rid
            LEFT JOIN period_map pm ON pm.raw = coalesce({cell(positions, "period")}, '')
        )
        SELECT code, column_name, excel_row, value, extra, n, total FROM (
            SELECT *, row_number() OVER (PARTITION BY code, column_name ORDER BY excel_row) AS n,
                count(*) OVER (PARTITION BY code, column_name) AS total
            FROM ({union}))
        WHERE n <= {MAX_SHOWN_PER_RULE}
        """
    ).fetchall()
    problems = []
    for code, column, row, value, extra, n, total in found:
        letter = excel_column(positions[column])
        problems.append(Problem(code, file_name, row, letter, column, value, extra))
        if n == MAX_SHOWN_PER_RULE and total > n:
            problems.append(
                Problem("more", file_name, None, letter, column, f"{total - n:,}", str(n))
            )
    # Within a row and column, in the order of the rules (the query's order is not fixed).
    order, rank = dict(positions), {code: n for n, (code, *_) in enumerate(_RULES)}
    problems.sort(key=lambda p: (p.row is None, p.row or 0, order.get(p.column_name or "", 0),
                                 rank.get(p.code, len(rank)), p.value or ""))  # fmt: skip
    return problems


def superseded_warnings(rows: CheckedRows, positions, file_name: str) -> list[Problem]:
    letter = excel_column(positions["authority_code"])
    return [
        Problem("superseded_code", file_name, row, letter, "authority_code", old,
                f"{new} ({council_name(new)})")
        for old, new, row in rows.con.execute(
            f"SELECT superseded, authority_code, min(excel_row) FROM {rows.table} "
            "WHERE superseded IS NOT NULL GROUP BY ALL ORDER BY 3"
        ).fetchall()
    ]  # fmt: skip


def summary(rows: CheckedRows, positions: dict[str, int], file_name: str, spec: ReturnSpec):
    """Two passes over the checked rows: whether any rule is broken, then each (authority, period)
    with its rows, whether any key is there twice, and a warning for indicators left out.

    The rules are one filter, which DuckDB simplifies with what it knows of the columns
    (a rule on a column without blanks, say) before it reads a row. The grouped pass
    groups by the integer keys of places and indicators (positions in ``places`` and the
    strategy) and finds duplicates without a DISTINCT: within one (authority, period,
    indicator) each of the 18 (sex, quintile) pairs sets one bit, so rows outnumber the
    bits set only when a pair is repeated."""
    broken = " OR ".join(f"({condition})" for _, column, condition, _ in _RULES
                         if column in positions)  # fmt: skip
    con, table = rows.con, rows.table
    any_problem = con.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {broken})").fetchone()[0]
    found = con.execute(
        f"""
        WITH per_indicator AS (
            SELECT place_key, indicator_key, count(*) AS rows, count(breakdown_key) AS keyed,
                coalesce(bit_count(bit_or(1::BIGINT << breakdown_key)), 0) AS keys
            FROM {table} GROUP BY place_key, indicator_key
        )
        SELECT p.authority_code, p.period, sum(rows)::BIGINT,
            bool_or(indicator_key IS NOT NULL AND keyed > keys),
            list(indicator_key) FILTER (WHERE indicator_key IS NOT NULL)
        FROM per_indicator LEFT JOIN {rows.places} p USING (place_key) GROUP BY ALL ORDER BY ALL
        """
    ).fetchall()
    indicators = spec.indicators
    expected = {  # the keys of the indicators a council (False) or Scotland (True) reports
        national: {n for n, i in enumerate(indicators) if (i.reported_by == "national") == national}
        for national in (False, True)
    }
    summaries, warnings = [], []
    for code, period, count, repeated, present in found:
        any_problem |= bool(repeated)
        if code is None or period is None:
            continue
        summaries.append(SubmissionSummary(code, period, count))
        left_out = expected[code == NATIONAL_CODE].difference(present or ())
        if left_out:
            missing = [indicators[key].id for key in sorted(left_out)]
            shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if
                                               len(missing) > 10 else "")  # fmt: skip
            noun = "indicator" if len(missing) == 1 else "indicators"
            extra = f"{len(missing)} {noun} left out ({shown})"
            warnings.append(Problem("left_out", file_name, value=f"{code} {period}", extra=extra))
    return any_problem, summaries, warnings
