"""Who may send figures for whom: the one rule, used by the validator (a row for a
council the sender may not send for is an error) and by the dashboard (which councils
the upload page offers)."""

from __future__ import annotations

from etl.councils import NATIONAL_CODE, council_name
from etl.returns.checked import CheckedRows
from etl.returns.report import Problem, Submitter, excel_column
from etl.returns.values import cell


def refusal_reason(submitter: Submitter | None, code: str) -> str | None:
    """Why ``submitter`` may not send figures for ``code``, or None when they may (no
    submitter: anyone may send anything, as the command line does)."""
    if submitter is None:
        return None
    if code == NATIONAL_CODE:
        if submitter.national:
            return None
        return "Scotland: national figures come only from policy officers"
    if submitter.authorities is None or code in submitter.authorities:
        return None
    own = ", ".join(f"{council_name(c)} ({c})" for c in sorted(submitter.authorities))
    return f"{council_name(code)}; you may send returns only for {own or 'no council'}"


def may_send(submitter: Submitter | None, code: str) -> bool:
    """Whether ``submitter`` may send figures for ``code``."""
    return refusal_reason(submitter, code) is None


def permission_problems(rows: CheckedRows, positions, file_name, submitter, codes) -> list[Problem]:
    """Each of ``codes`` the ``submitter`` may not send for, at its first row."""
    refused = {code: reason for code in codes if (reason := refusal_reason(submitter, code))}
    if not refused:
        return []
    found = rows.con.execute(
        f"SELECT c.authority_code, min(c.excel_row), "
        f"arg_min({cell(positions, 'authority_code')}, c.excel_row) "
        f"FROM {rows.table} c JOIN raw r ON r.rowid = c.rid "
        "WHERE list_contains($codes, c.authority_code) GROUP BY ALL ORDER BY 2",
        {"codes": sorted(refused)},
    ).fetchall()
    letter = excel_column(positions["authority_code"])
    return [
        Problem("not_allowed", file_name, row, letter, "authority_code", raw, refused[code])
        for code, row, raw in found
    ]
