"""A submission's versions: every one of them, oldest first, and an earlier one made
current again (as a new version: nothing is ever deleted).
"""

from __future__ import annotations

from pathlib import Path

from etl import store
from etl.councils import superseded_codes
from etl.errors import TrackerError
from etl.periods import Quarter
from etl.submissions.ingest import Outcome

# A figure as stored (``figure_values``): the key of its indicator, breakdown, value, comment.
ROW = ("indicator_key", "sex", "simd_quintile", "value", "comment")


class SubmissionNotFound(TrackerError, LookupError):
    """No such (authority, period) or version in the store."""


def _pair(authority_code: str, period: str) -> tuple[str, str]:
    code = authority_code.strip().upper()
    return superseded_codes().get(code, code), str(Quarter.parse(period))


def history(db_path: str | Path, authority_code: str, period: str) -> list[dict]:
    """Every version of one submission, oldest first."""
    code, quarter = _pair(authority_code, period)
    with store.connect(db_path) as con:
        store.require_schema(con)
        cursor = con.execute(
            """
            SELECT version, received_at, submitted_by, sha256, row_count AS rows, file_name,
                action, restored_from, is_current, id AS submission_id
            FROM submissions WHERE authority_code = ? AND period = ? ORDER BY version
            """,
            [code, quarter],
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def restore_version(
    db_path: str | Path, authority_code: str, period: str, version: int, submitted_by: str
) -> Outcome:
    """Make an earlier version current again, as a new version; nothing is deleted.

    Restoring rows identical to the current ones changes nothing ("unchanged").
    """
    code, quarter = _pair(authority_code, period)
    with store.connect(db_path) as con:
        store.require_schema(con)
        with store.transaction(con):
            outcome = _restore(con, code, quarter, version, submitted_by)
    return outcome


def _restore(con, code: str, quarter: str, version: int, submitted_by: str) -> Outcome:
    found = con.execute(
        "SELECT id, sha256, row_count, file_name, queries FROM submissions "
        "WHERE authority_code = ? AND period = ? AND version = ?",
        [code, quarter, version],
    ).fetchone()
    if found is None:
        raise SubmissionNotFound(f"{code} {quarter} has no version {version}")
    source_id, sha256, row_count, file_name, queries = found
    current_id, current_version, last = con.execute(
        "SELECT arg_max(id, is_current::INT), arg_max(version, is_current::INT), max(version) "
        "FROM submissions WHERE authority_code = ? AND period = ?",
        [code, quarter],
    ).fetchone()
    columns = ", ".join(ROW)
    differs = con.execute(
        f"""
        SELECT count(*) FROM (
            (SELECT {columns} FROM figure_values WHERE submission_id = $a
             EXCEPT ALL SELECT {columns} FROM figure_values WHERE submission_id = $b)
            UNION ALL
            (SELECT {columns} FROM figure_values WHERE submission_id = $b
             EXCEPT ALL SELECT {columns} FROM figure_values WHERE submission_id = $a))
        """,
        {"a": source_id, "b": current_id},
    ).fetchone()[0]
    if not differs:
        return Outcome(code, quarter, "unchanged", current_version, row_count, current_id)
    new_id = con.execute("SELECT nextval('submission_ids')").fetchone()[0]
    con.execute("UPDATE submissions SET is_current = false WHERE id = ?", [current_id])
    con.execute(
        """
        INSERT INTO submissions (id, authority_code, period, version, received_at, submitted_by,
            sha256, row_count, file_name, action, is_current, queries, restored_from)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'restored', true, ?, ?)
        """,
        [new_id, code, quarter, last + 1, store.uk_now(), submitted_by, sha256, row_count,
         file_name, queries, version],
    )  # fmt: skip
    con.execute(
        f"INSERT INTO figure_values (submission_id, {columns}) "
        f"SELECT ?, {columns} FROM figure_values WHERE submission_id = ?",
        [new_id, source_id],
    )
    store.digest_new_versions(con)
    return Outcome(code, quarter, "restored", last + 1, row_count, new_id)
