"""Load checked returns into the store as versioned submissions.

One (authority, period) is one submission. A file is loaded in one transaction:
all of it or, on any error or crash, none of it. Sending a pair again replaces
its figures as a whole with a new version (the old one stays, not current);
rows identical to the current ones add nothing and are reported "unchanged".
"""

from __future__ import annotations

import getpass
import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from etl import store
from etl.returns import (
    CheckedRows,
    Report,
    SubmissionSummary,
    Submitter,
    check_return,
    workbook,
)
from etl.returns.contract import safe_file_name
from etl.returns.spec import ReturnSpec

if TYPE_CHECKING:
    from etl.strategy.model import StrategyFile


@dataclass(frozen=True)
class Outcome:
    """What happened to one submission: new, replaced, unchanged (or restored)."""

    authority_code: str
    period: str
    action: str
    version: int
    rows: int
    submission_id: int


@dataclass
class IngestResult:
    report: Report
    outcomes: list[Outcome] = field(default_factory=list)
    sha256: str = ""

    @property
    def stored(self) -> bool:
        return self.report.valid

    def to_dict(self) -> dict:
        return {
            **self.report.to_dict(),
            "sha256": self.sha256,
            "outcomes": [asdict(o) for o in self.outcomes],
        }


def default_submitter() -> Submitter:
    """The command line: the OS user, for any council and national figures."""
    try:
        name = getpass.getuser()
    except Exception:  # no user name in the environment (some containers)
        name = "unknown"
    return Submitter(name)


def ingest_return(
    db_path: str | Path,
    data: bytes,
    file_name: str,
    strategy: StrategyFile | ReturnSpec | Callable[[], StrategyFile | ReturnSpec],
    *,
    submitter: Submitter | None = None,
    today: date | None = None,
    queries: str | None = None,
    source_path: str | None = None,
    fast: bool = True,
) -> IngestResult:
    """Check one file and, when it has no error, store each of its submissions.

    ``submitter`` says who sends it and what they may send (default: the OS user,
    anything); a file with any error, including a refused authority, stores
    nothing. ``queries`` (JSON from ``etl.submissions.review``) is kept with each submission
    written. ``source_path`` may name a file holding exactly ``data`` (the command
    line), read in place rather than copied. ``strategy`` may be a function that gives it,
    called once the database is open (so that reading it from the store, as
    ``spec_cache.spec_in_store`` does, shares this connection). The database must then be set up
    (``store.init``). ``fast`` is ``check_return``'s.
    """
    submitter = submitter or default_submitter()
    # hashlib lets go of the GIL: hash the file while DuckDB reads and checks it.
    # A load may set its store up (``strategy`` from spec_in_store), so it may create it.
    with ThreadPoolExecutor(1) as hasher, store.connect(db_path, create=True) as con:
        sha256 = hasher.submit(lambda: hashlib.sha256(data).hexdigest())
        spec = ReturnSpec.of(strategy() if callable(strategy) else strategy)
        store.require_schema(con)
        report, rows = check_return(
            con,
            data,
            file_name,
            spec,
            today=today or date.today(),
            submitter=submitter,
            source_path=source_path,
            fast=fast,
        )
        result = IngestResult(report, sha256=sha256.result())
        if not report.valid:
            return result
        # Before the load's transaction: an id the store has not seen gets its key for good
        # (init gives the strategy's theirs; this is for a commitments file changed since).
        keys = store.indicator_keys(con, [i.id for i in spec.indicators])
        with store.transaction(con):
            result.outcomes = _store_checked(
                rows, report, keys, submitter.name, result.sha256, queries
            )
            if workbook.is_workbook(data, file_name):
                _keep_file(con, data, report.file_name, result.sha256, result.outcomes)
    return result


def _keep_file(con, data: bytes, file_name: str, sha256: str, outcomes: list[Outcome]) -> None:
    """A workbook as sent, for its versions (``receipts.version_file``): kept once."""
    if all(o.action == "unchanged" for o in outcomes):
        return
    con.execute(
        "INSERT INTO submission_files (sha256, file_name, data) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        [sha256, file_name, data],
    )


def _store_checked(
    rows: CheckedRows,
    report: Report,
    keys: list[int],
    submitted_by: str,
    sha256: str,
    queries: str | None,
) -> list[Outcome]:
    """Store a valid file's checked rows as submissions, set-based whatever their size:
    plan what each (authority, period) is (new, replaced or unchanged), write the new
    versions, and say what became of each.

    The rows' ``indicator_key`` is a position in the strategy's indicators; ``keys`` holds
    the store's own key of each, looked up as ``$keys``."""
    _plan(rows, report.submissions, keys)
    # The name only, made safe as the upload page makes it (a command line passes a path,
    # which receipts and e-mails would otherwise show).
    _write_versions(rows, keys, submitted_by, sha256, safe_file_name(report.file_name), queries)
    store.digest_new_versions(rows.con)
    return _outcomes(rows.con)


def _plan(rows: CheckedRows, pairs: list[SubmissionSummary], keys: list[int]) -> None:
    """``plan``: each (authority, period) of the file, its current version (if any) and
    what sending it does: new, replaced or unchanged."""
    rows.con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE incoming AS
        SELECT n.authority_code, n.period, p.place_key, n.rows, c.id AS current_id,
            c.row_count AS current_rows, coalesce(v.last_version, 0) AS last_version
        FROM (SELECT unnest($codes) AS authority_code, unnest($periods) AS period,
                     unnest($rows) AS rows) n
        JOIN {rows.places} p USING (authority_code, period)
        LEFT JOIN submissions c
            ON c.authority_code = n.authority_code AND c.period = n.period AND c.is_current
        LEFT JOIN (SELECT authority_code, period, max(version) AS last_version
                   FROM submissions GROUP BY ALL) v
            ON v.authority_code = n.authority_code AND v.period = n.period
        """,
        {
            "codes": [p.authority_code for p in pairs],
            "periods": [p.period for p in pairs],
            "rows": [p.rows for p in pairs],
        },
    )
    # Only a pair with a current version of the same size can be unchanged. Keys are unique
    # within a submission, so it is unchanged when every row finds its equal by key.
    rows.con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE plan AS
        WITH matching AS (
            SELECT i.authority_code, i.period, count(*) AS same
            FROM (SELECT * FROM incoming WHERE rows = current_rows) i
            JOIN {rows.table} k ON k.place_key = i.place_key
            JOIN figure_values f ON f.submission_id = i.current_id
                AND f.indicator_key = $keys[k.indicator_key + 1]
                AND f.sex = k.sex AND f.simd_quintile = k.simd_quintile AND f.value = k.value
                AND f.comment IS NOT DISTINCT FROM k.comment
            GROUP BY ALL
        )
        SELECT i.*,
            CASE WHEN i.current_id IS NULL THEN 'new'
                 WHEN m.same = i.rows THEN 'unchanged'
                 ELSE 'replaced' END AS action
        FROM incoming i
        LEFT JOIN matching m USING (authority_code, period)
        """,
        {"keys": keys},
    )


def _write_versions(
    rows: CheckedRows,
    keys: list[int],
    submitted_by: str,
    sha256: str,
    file_name: str,
    queries: str | None,
) -> None:
    """Each planned submission that is not unchanged as a new current version, with its
    figures; the version it replaces stays, no longer current."""
    con = rows.con
    con.execute(
        "CREATE OR REPLACE TEMP TABLE writes AS "
        "SELECT *, nextval('submission_ids') AS new_id, last_version + 1 AS version "
        "FROM plan WHERE action <> 'unchanged'"
    )
    con.execute(
        "UPDATE submissions SET is_current = false "
        "WHERE id IN (SELECT current_id FROM writes WHERE current_id IS NOT NULL)"
    )
    con.execute(
        """
        INSERT INTO submissions (id, authority_code, period, version, received_at,
            submitted_by, sha256, row_count, file_name, action, is_current, queries)
        SELECT new_id, authority_code, period, version, $now, $by, $sha, rows, $file, action,
            true, $queries
        FROM writes
        """,
        {"now": store.uk_now(), "by": submitted_by, "sha": sha256, "file": file_name,
         "queries": queries},
    )  # fmt: skip
    con.execute(
        f"""
        INSERT INTO figure_values (submission_id, indicator_key, sex, simd_quintile, value,
            comment)
        SELECT w.new_id, $keys[k.indicator_key + 1], k.sex, k.simd_quintile, k.value, k.comment
        FROM {rows.table} k JOIN writes w USING (place_key)
        """,
        {"keys": keys},
    )


def _outcomes(con) -> list[Outcome]:
    """What became of each planned submission, by authority and period."""
    found = con.execute(
        """
        SELECT p.authority_code, p.period, p.action,
            CASE WHEN p.action = 'unchanged' THEN s.version ELSE w.version END,
            p.rows, coalesce(w.new_id, p.current_id)
        FROM plan p
        LEFT JOIN writes w USING (authority_code, period)
        LEFT JOIN submissions s ON s.id = p.current_id
        ORDER BY p.authority_code, p.period
        """
    ).fetchall()
    return [Outcome(*row) for row in found]
