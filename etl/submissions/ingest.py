"""Load checked returns into the store as versioned submissions, and read them back.

One (authority, period) is one submission. A file is loaded in one transaction:
all of it or, on any error or crash, none of it. Sending a pair again replaces
its figures as a whole with a new version (the old one stays, not current);
rows identical to the current ones add nothing and are reported "unchanged".
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from etl import store
from etl.councils import superseded_codes
from etl.periods import Quarter, check_as_at
from etl.returns import Report, Submitter, check_return, contract
from etl.returns.spec import ReturnSpec

if TYPE_CHECKING:
    from etl.strategy import StrategyFile

# A figure as stored (``figure_values``): the key of its indicator, breakdown, value, comment.
ROW = ("indicator_key", "sex", "simd_quintile", "value", "comment")


STRATEGY_SOURCE = "strategy_source_sha256"  # meta: which commitments file strategy_json is
RETURN_SPEC = "return_spec_json"  # meta: the ReturnSpec of that strategy, with its fingerprint


class SubmissionNotFound(LookupError):
    """No such (authority, period) or version in the store."""


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
    ``spec_in_store`` does, shares this connection). The database must then be set up
    (``store.init``). ``fast`` is ``check_return``'s.
    """
    submitter = submitter or default_submitter()
    # hashlib lets go of the GIL: hash the file while DuckDB reads and checks it.
    # A load may set its store up (``strategy`` from spec_in_store), so it may create it.
    with ThreadPoolExecutor(1) as hasher, store.connect(db_path, create=True) as con:
        sha256 = hasher.submit(lambda: hashlib.sha256(data).hexdigest())
        spec = ReturnSpec.of(strategy() if callable(strategy) else strategy)
        store.require_schema(con)
        report = check_return(
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
                con, report, keys, submitter.name, result.sha256, queries
            )
    return result


def _store_checked(
    con, report: Report, keys: list[int], submitted_by: str, sha256: str, queries: str | None
) -> list[Outcome]:
    """Write the temp table ``checked`` as submissions, set-based whatever its size.

    ``checked.indicator_key`` is a position in the strategy's indicators; ``keys`` holds the
    store's own key of each, looked up as ``$keys``."""
    pairs = report.submissions
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE incoming AS
        SELECT n.authority_code, n.period, p.place_key, n.rows, c.id AS current_id,
            c.row_count AS current_rows, coalesce(v.last_version, 0) AS last_version
        FROM (SELECT unnest($codes) AS authority_code, unnest($periods) AS period,
                     unnest($rows) AS rows) n
        JOIN places p USING (authority_code, period)
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
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE matching AS
        SELECT i.authority_code, i.period, count(*) AS same
        FROM (SELECT * FROM incoming WHERE rows = current_rows) i
        JOIN checked k ON k.place_key = i.place_key
        JOIN figure_values f ON f.submission_id = i.current_id
            AND f.indicator_key = $keys[k.indicator_key + 1]
            AND f.sex = k.sex AND f.simd_quintile = k.simd_quintile AND f.value = k.value
            AND f.comment IS NOT DISTINCT FROM k.comment
        GROUP BY ALL
        """,
        {"keys": keys},
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE plan AS
        SELECT i.*,
            CASE WHEN i.current_id IS NULL THEN 'new'
                 WHEN m.same = i.rows THEN 'unchanged'
                 ELSE 'replaced' END AS action
        FROM incoming i
        LEFT JOIN matching m USING (authority_code, period)
        """
    )
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
        {
            "now": store.uk_now(),
            "by": submitted_by,
            "sha": sha256,
            "file": report.file_name,
            "queries": queries,
        },
    )
    con.execute(
        """
        INSERT INTO figure_values (submission_id, indicator_key, sex, simd_quintile, value,
            comment)
        SELECT w.new_id, $keys[k.indicator_key + 1], k.sex, k.simd_quintile, k.value, k.comment
        FROM checked k JOIN writes w USING (place_key)
        """,
        {"keys": keys},
    )
    rows = con.execute(
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
    return [Outcome(*row) for row in rows]


def strategy_in_store(db_path: str | Path, commitments_path: str | Path) -> StrategyFile:
    """The strategy, set up in the database: ``store.init`` unless the database already
    holds this very file's strategy, which is then read back from it.

    Parsing a large commitments.yaml with line numbers takes seconds; a back-fill
    loaded twice in a row should not pay that each time. Raises StrategyError.
    """
    from etl.strategy import StrategyFile, load_strategy  # pydantic: only when needed

    source = _source(commitments_path)
    if source:
        with store.connect(db_path, create=True) as con:  # an ingest sets up its store
            held = _held(con, source)
            if held is not None:
                return StrategyFile.model_validate_json(held)
    strategy = load_strategy(commitments_path)
    store.init(db_path, strategy)
    if source:
        with store.connect(db_path) as con:
            held = store.get_meta(con, "strategy_json") or ""
            store.set_meta(con, STRATEGY_SOURCE, _fingerprint(source, held))
    return strategy


def spec_in_store(db_path: str | Path, commitments_path: str | Path) -> ReturnSpec:
    """What returns are checked against, for the strategy in ``commitments_path``: read back
    as plain JSON when the database holds that file's strategy (no pydantic model is
    built, a fifth of a second saved on every ingest), else via ``strategy_in_store``.
    Raises StrategyError."""
    source = _source(commitments_path)
    if source:
        with store.connect(db_path, create=True) as con:  # an ingest sets up its store
            held = _held(con, source)
            saved = store.get_meta(con, RETURN_SPEC) if held is not None else None
        spec = _saved_spec(saved, _fingerprint(source, held)) if saved else None
        if spec is not None:
            return spec
    spec = ReturnSpec.of(strategy_in_store(db_path, commitments_path))
    if source:
        with store.connect(db_path) as con:
            held = store.get_meta(con, "strategy_json") or ""
            saved = {"fingerprint": _fingerprint(source, held), "spec": spec.to_json()}
            store.set_meta(con, RETURN_SPEC, json.dumps(saved))
    return spec


def _saved_spec(saved: str, fingerprint: str) -> ReturnSpec | None:
    """The spec saved in the store when it was saved for ``fingerprint``; None when it was
    not, or cannot be read (it is then rebuilt from the commitments file)."""
    try:
        data = json.loads(saved)
        if data["fingerprint"] == fingerprint:
            return ReturnSpec.from_json(data["spec"])
    except (ValueError, KeyError, TypeError):
        pass
    return None


def _source(commitments_path: str | Path) -> str | None:
    try:
        return hashlib.sha256(Path(commitments_path).read_bytes()).hexdigest()
    except OSError:
        return None  # load_strategy says what is wrong with the file


def _held(con, source: str) -> str | None:
    """The held strategy's JSON when the database holds the strategy of the file with
    hash ``source``, else None."""
    if store.schema_version(con) != store.SCHEMA_VERSION:
        return None
    held = store.get_meta(con, "strategy_json") or ""
    return held if store.get_meta(con, STRATEGY_SOURCE) == _fingerprint(source, held) else None


def _fingerprint(source: str, strategy_json: str) -> str:
    """The file's hash with the held strategy's: a later `init` from another file breaks it."""
    return f"{source}:{hashlib.sha256(strategy_json.encode()).hexdigest()}"


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
    return Outcome(code, quarter, "restored", last + 1, row_count, new_id)


# Integers print without a decimal point; other values in the shortest form that reads back
# exactly (DuckDB's own text for a double can round, e.g. 0.30000000000000004 → 0.3).
_VALUE_TEXT = """
    CASE WHEN f.value = trunc(f.value) AND abs(f.value) < 1e15
         THEN CAST(CAST(f.value AS BIGINT) AS VARCHAR)
         WHEN TRY_CAST(CAST(f.value AS VARCHAR) AS DOUBLE) = f.value
         THEN CAST(f.value AS VARCHAR)
         ELSE printf('%.17g', f.value) END
"""


def _neutralised(column: str) -> str:
    """SQL for contract.neutralise: a leading apostrophe before formula-like text."""
    starts = ", ".join(f"chr({ord(c)})" for c in contract.FORMULA_STARTS)
    return f"CASE WHEN {column}[1] IN ({starts}) THEN '''' || {column} ELSE {column} END"


def export_current(
    db_path: str | Path, *, as_at: date | None = None, all_versions: bool = False
) -> bytes:
    """The figures in the return's own format (UTF-8 with a byte-order mark): the current
    ones; with ``as_at``, those as known at that date (spec/status-rules.md); with
    ``all_versions``, every version of every submission, with its version, received_at (UK
    local time, to the second), submitted_by and action (the audit export)."""
    if all_versions:
        source = "figures_all_versions"
        extra = (
            ", s.version, strftime(s.received_at, '%Y-%m-%dT%H:%M:%S') AS received_at, "
            f"{_neutralised('s.submitted_by')} AS submitted_by, s.action"
        )
        key = "f.authority_code, f.period, s.version"
        params = []
    else:
        source, extra, key = "figures_at(?, ?)", "", "f.authority_code, f.period"
        params = [as_at or date.today(), as_at is None]
    with store.connect(db_path) as con:
        store.require_schema(con)
        if as_at is not None:
            check_as_at(as_at, Quarter.parse(store.get_meta(con, "start")), date.today())
        handle, path = tempfile.mkstemp(suffix=".csv", prefix="stem-export-")
        os.close(handle)
        try:
            con.execute(
                f"""
                COPY (
                    WITH figures_all_versions AS (
                        SELECT s.authority_code, s.period, f.indicator_id,
                               f.sex::VARCHAR AS sex, f.simd_quintile::VARCHAR AS simd_quintile,
                               f.value, f.comment, s.id AS submission_id
                        FROM submissions s JOIN figures f ON f.submission_id = s.id
                    )
                    SELECT f.authority_code, f.period, f.indicator_id,
                        {_neutralised("i.name")} AS indicator_name, i.unit, f.sex,
                        f.simd_quintile, {_VALUE_TEXT} AS value,
                        {_neutralised("f.comment")} AS comment{extra}
                    FROM {source} f
                    JOIN submissions s ON s.id = f.submission_id
                    LEFT JOIN indicators i ON i.id = f.indicator_id
                    ORDER BY {key}, i.position NULLS LAST, f.indicator_id,
                        {contract.breakdown_order("f.sex", "f.simd_quintile")}
                ) TO '{path.replace("'", "''")}' (HEADER, DELIMITER ',', QUOTE '"', ESCAPE '"')
                """,
                params,
            )
            return b"\xef\xbb\xbf" + Path(path).read_bytes()
        finally:
            os.unlink(path)
