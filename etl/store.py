"""The DuckDB store: schema with a recorded version, forward migrations, short-lived connections.

DuckDB lets one process write a file at a time (a second process cannot even
read it meanwhile), so every caller opens a connection for one piece of work
and closes it; a caller that finds the file busy waits and retries, then gives
up with a plain message. Every connection uses the default configuration:
within one process all connections to a file must share it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import duckdb

from etl.councils import authorities, superseded_codes
from etl.errors import TrackerError

if TYPE_CHECKING:
    from etl.strategy.model import StrategyFile

UK = ZoneInfo("Europe/London")


def uk_now() -> datetime:
    """Now in UK local time, without a zone: how ``received_at`` is stored, so that the day a
    return arrived is the day as the councils count it (spec/status-rules.md)."""
    return datetime.now(UK).replace(tzinfo=None)


BUSY_TIMEOUT_SECONDS = float(os.environ.get("STEM_TRACKER_BUSY_TIMEOUT", "30"))


class StoreBusy(TrackerError, RuntimeError):
    """Another process held the database for longer than we were willing to wait."""


class StoreNotReady(TrackerError, RuntimeError):
    """The database has not been initialised (run `stem-tracker init`)."""


def _say_busy() -> None:
    print("database busy, retrying…", file=sys.stderr)


@contextmanager
def connect(
    db_path: str | Path,
    *,
    timeout: float | None = None,
    on_busy: Callable[[], None] = _say_busy,
    create: bool = False,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the database for one piece of work, waiting while another process holds it.

    Only ``init`` creates a database (``create=True``): any other use of a path where there
    is none, a mistyped ``--db`` say, is StoreNotReady, and leaves no file or folder behind."""
    db_path = Path(db_path)
    if create:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    elif not db_path.is_file():
        raise StoreNotReady(f"there is no database at {db_path}: run `stem-tracker init` first")
    deadline = time.monotonic() + (BUSY_TIMEOUT_SECONDS if timeout is None else timeout)
    delay, told = 0.05, False
    while True:
        try:
            con = duckdb.connect(str(db_path))
            break
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            if time.monotonic() >= deadline:
                raise StoreBusy(
                    f"the database {db_path} is in use by another program; "
                    "try again when it has finished"
                ) from None
            if not told:
                on_busy()
                told = True
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
    try:
        yield con
    finally:
        con.close()


# Each migration takes the schema from the version before it to its own number.
# Append new ones; never edit one that has shipped.
MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
        CREATE TABLE themes (id VARCHAR PRIMARY KEY, name VARCHAR, description VARCHAR,
            position INTEGER);
        CREATE TABLE commitments (id VARCHAR PRIMARY KEY, title VARCHAR, theme VARCHAR,
            also_themes VARCHAR[], lead VARCHAR, sectors VARCHAR[], source VARCHAR,
            source_title VARCHAR, source_text VARCHAR, override_status VARCHAR,
            override_reason VARCHAR, override_by VARCHAR, override_date DATE, position INTEGER);
        CREATE TABLE milestones (id VARCHAR PRIMARY KEY, commitment_id VARCHAR, title VARCHAR,
            due DATE, due_text VARCHAR, completed DATE, original_due DATE, position INTEGER);
        CREATE TABLE milestone_changes (milestone_id VARCHAR, changed_on DATE, was DATE,
            reason VARCHAR);
        CREATE TABLE indicators (id VARCHAR PRIMARY KEY, commitment_id VARCHAR, name VARCHAR,
            unit VARCHAR, direction VARCHAR, reported_by VARCHAR, aggregation VARCHAR,
            breakdowns VARCHAR[], baseline_period VARCHAR, baseline_value DOUBLE,
            illustrative BOOLEAN, position INTEGER);
        CREATE TABLE indicator_targets (indicator_id VARCHAR, period VARCHAR, value DOUBLE,
            illustrative BOOLEAN, position INTEGER);
        CREATE TABLE indicator_changes (indicator_id VARCHAR, changed_on DATE,
            was_period VARCHAR, was_value DOUBLE, reason VARCHAR);
        CREATE TABLE authorities (code VARCHAR PRIMARY KEY, name VARCHAR, kind VARCHAR);
        CREATE TABLE superseded_codes (old_code VARCHAR PRIMARY KEY, code VARCHAR);
        CREATE SEQUENCE submission_ids START 1;
        CREATE TABLE submissions (
            id INTEGER PRIMARY KEY DEFAULT nextval('submission_ids'),
            authority_code VARCHAR NOT NULL, period VARCHAR NOT NULL, version INTEGER NOT NULL,
            received_at TIMESTAMP NOT NULL, submitted_by VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL, row_count INTEGER NOT NULL, file_name VARCHAR,
            action VARCHAR NOT NULL, is_current BOOLEAN NOT NULL, queries JSON);
        CREATE TABLE figures (submission_id INTEGER NOT NULL, indicator_id VARCHAR NOT NULL,
            sex VARCHAR NOT NULL, simd_quintile VARCHAR NOT NULL, value DOUBLE NOT NULL,
            comment VARCHAR);
        CREATE VIEW current_figures AS
            SELECT s.authority_code, s.period, f.indicator_id, f.sex, f.simd_quintile,
                   f.value, f.comment, s.id AS submission_id
            FROM figures f JOIN submissions s ON s.id = f.submission_id
            WHERE s.is_current;
        """,
    ),
    (
        2,
        # A restored version names the version it was copied from
        # (etl.submissions.versions.restore_version).
        "ALTER TABLE submissions ADD COLUMN restored_from INTEGER;",
    ),
    (
        3,
        # Breakdowns stored as the contract's fixed value lists (one byte each, not text): a
        # two-million-row back-fill writes about a fifth faster. Readers of current_figures
        # still see text.
        """
        CREATE TYPE sex_value AS ENUM ('all', 'female', 'male');
        CREATE TYPE simd_value AS ENUM ('all', '1', '2', '3', '4', '5');
        ALTER TABLE figures ALTER sex SET DATA TYPE sex_value;
        ALTER TABLE figures ALTER simd_quintile SET DATA TYPE simd_value;
        CREATE OR REPLACE VIEW current_figures AS
            SELECT s.authority_code, s.period, f.indicator_id, f.sex::VARCHAR AS sex,
                   f.simd_quintile::VARCHAR AS simd_quintile, f.value, f.comment,
                   s.id AS submission_id
            FROM figures f JOIN submissions s ON s.id = f.submission_id
            WHERE s.is_current;
        """,
    ),
    (
        4,
        # Each figure names its indicator by a small integer key (``indicator_key``), not its
        # id as text: a two-million-row back-fill writes about a quarter less. Keys are
        # handed out once and never reused, so figures of an indicator later dropped from the
        # strategy keep their id. The view ``figures`` shows the rows as before (with text
        # ids); only writers use ``figure_values``.
        """
        CREATE SEQUENCE indicator_key_numbers START 0 MINVALUE 0;
        CREATE TABLE indicator_keys (key INTEGER PRIMARY KEY, id VARCHAR NOT NULL UNIQUE);
        INSERT INTO indicator_keys
            SELECT nextval('indicator_key_numbers'), id
            FROM (SELECT DISTINCT indicator_id AS id FROM figures ORDER BY id);
        CREATE TABLE figure_values (submission_id INTEGER NOT NULL,
            indicator_key INTEGER NOT NULL, sex sex_value NOT NULL,
            simd_quintile simd_value NOT NULL, value DOUBLE NOT NULL, comment VARCHAR);
        INSERT INTO figure_values
            SELECT f.submission_id, k.key, f.sex, f.simd_quintile, f.value, f.comment
            FROM figures f JOIN indicator_keys k ON k.id = f.indicator_id;
        DROP VIEW current_figures;
        DROP TABLE figures;
        CREATE VIEW figures AS
            SELECT v.submission_id, k.id AS indicator_id, v.sex, v.simd_quintile, v.value,
                   v.comment
            FROM figure_values v JOIN indicator_keys k ON k.key = v.indicator_key;
        CREATE VIEW current_figures AS
            SELECT s.authority_code, s.period, f.indicator_id, f.sex::VARCHAR AS sex,
                   f.simd_quintile::VARCHAR AS simd_quintile, f.value, f.comment,
                   s.id AS submission_id
            FROM figures f JOIN submissions s ON s.id = f.submission_id
            WHERE s.is_current;
        """,
    ),
    (
        5,
        # The figures as known at a date D (spec/status-rules.md): for each authority and
        # quarter, the latest version received on or before D (a restore counts from when it
        # was made); or, with ``revised``, the current version whatever D. Every reader of
        # figures for a view as at D reads them here, so a past view never changes when a
        # correction arrives later. ``received_at`` is UK local time, so its date is the day
        # as the councils count it.
        """
        CREATE MACRO figures_at(as_at, revised) AS TABLE
            SELECT s.authority_code, s.period, f.indicator_id, f.sex::VARCHAR AS sex,
                   f.simd_quintile::VARCHAR AS simd_quintile, f.value, f.comment,
                   s.id AS submission_id
            FROM (
                SELECT id, authority_code, period FROM submissions
                WHERE CASE WHEN revised THEN is_current
                           ELSE CAST(received_at AS DATE) <= as_at END
                QUALIFY revised OR row_number() OVER (
                    PARTITION BY authority_code, period ORDER BY version DESC) = 1
            ) s
            JOIN figures f ON f.submission_id = s.id;
        """,
    ),
    (
        6,
        # Every e-mail the tracker sends, or tries to (issue 17): reminders to councils that
        # have not sent a return, receipts for those that have. Kept so that a council is
        # not reminded twice for a quarter on one day, a failed send is retried, and what
        # was sent can be shown. One row per attempt; nothing is updated or deleted.
        """
        CREATE SEQUENCE mail_log_ids START 1;
        CREATE TABLE mail_log (
            id INTEGER PRIMARY KEY DEFAULT nextval('mail_log_ids'),
            kind VARCHAR NOT NULL, authority_code VARCHAR NOT NULL, period VARCHAR NOT NULL,
            submission_id INTEGER, recipients VARCHAR[] NOT NULL, subject VARCHAR NOT NULL,
            attempted_at TIMESTAMP NOT NULL, sent_by VARCHAR NOT NULL,
            outcome VARCHAR NOT NULL, answer VARCHAR);
        """,
    ),
    (
        7,
        # Each version's figures digested once, when they are stored (issue 26): a view's
        # fingerprint then hashes one digest per return it uses instead of sorting and
        # hashing every figure, so opening the Briefing page follows the number of returns,
        # not of figures. Versions never change, so a digest never goes stale.
        # ``versions_at`` names the rule that picks, for each authority and quarter, the
        # version a view as at D uses; ``figures_at`` reads its figures.
        """
        ALTER TABLE submissions ADD COLUMN figures_sha256 VARCHAR;
        CREATE MACRO versions_at(as_at, revised) AS TABLE
            SELECT * FROM submissions
            WHERE CASE WHEN revised THEN is_current
                       ELSE CAST(received_at AS DATE) <= as_at END
            QUALIFY revised OR row_number() OVER (
                PARTITION BY authority_code, period ORDER BY version DESC) = 1;
        CREATE OR REPLACE MACRO figures_at(as_at, revised) AS TABLE
            SELECT s.authority_code, s.period, f.indicator_id, f.sex::VARCHAR AS sex,
                   f.simd_quintile::VARCHAR AS simd_quintile, f.value, f.comment,
                   s.id AS submission_id
            FROM versions_at(as_at, revised) s
            JOIN figures f ON f.submission_id = s.id;
        """,
    ),
    (
        8,
        # A return sent as an Excel workbook is kept as sent (issue 23): the receipt's
        # SHA-256 is the workbook's, and the history gives the same file back. A CSV needs
        # no copy: its figures written again in the return's own format are the file.
        # Keyed by the SHA-256, so a workbook sent again, or restored, is held once.
        """
        CREATE TABLE submission_files (sha256 VARCHAR PRIMARY KEY, file_name VARCHAR NOT NULL,
            data BLOB NOT NULL);
        """,
    ),
    (
        9,
        # Every public release built (issue 22, spec/publication.md): which figures it used
        # (the versions, so that a later check names each figure changed since), who built it
        # and when, so that a later view can say "revised since the release of …". One row per
        # build; nothing is updated or deleted.
        """
        CREATE SEQUENCE release_ids START 1;
        CREATE TABLE releases (
            id INTEGER PRIMARY KEY DEFAULT nextval('release_ids'),
            as_at DATE NOT NULL, fingerprint VARCHAR NOT NULL,
            strategy_sha256 VARCHAR NOT NULL, figure_rows INTEGER NOT NULL,
            submissions INTEGER[] NOT NULL, pages INTEGER NOT NULL,
            published_rows INTEGER NOT NULL, built_by VARCHAR NOT NULL,
            built_at TIMESTAMP NOT NULL);
        """,
    ),
    (
        10,
        # A manual status carries a review date (issue 27): past it, every view says the
        # status has not been reviewed since it was set, so an old judgement cannot pass
        # for a current one. NULL for an override without one; `init` fills it.
        """
        ALTER TABLE commitments ADD COLUMN override_review_by DATE;
        """,
    ),
]


def version_digests(among: str = "") -> str:
    """SQL for the digest of each version that has none yet (``among``: a further condition
    on ``s``, the submission): its figures as canonical text lines, sorted and hashed, so
    the same figures give the same digest whatever their order, file or version."""
    line = (
        "f.indicator_id || ',' || f.sex || ',' || f.simd_quintile || ',' || "
        "CAST(f.value AS VARCHAR)"
    )
    return f"""
        SELECT s.id AS submission_id,
               sha256(coalesce(string_agg({line}, chr(10) ORDER BY {line}), '')) AS digest
        FROM submissions s LEFT JOIN figures f ON f.submission_id = s.id
        WHERE s.figures_sha256 IS NULL {f"AND {among}" if among else ""}
        GROUP BY s.id
    """


def digest_new_versions(con: duckdb.DuckDBPyConnection) -> None:
    """Store the digest of every version that has none yet (each writer calls this after
    storing figures; a migration, for the versions stored before digests)."""
    con.execute(
        f"UPDATE submissions SET figures_sha256 = d.digest FROM ({version_digests()}) d "
        "WHERE submissions.id = d.submission_id"
    )


SCHEMA_VERSION = MIGRATIONS[-1][0]


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN, then COMMIT when the block ends, or ROLLBACK when anything escapes it
    (a failing COMMIT too), and the error goes on."""
    con.execute("BEGIN")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def migrate(con: duckdb.DuckDBPyConnection, upto: int | None = None) -> list[int]:
    """Bring the schema up to date, or to version ``upto`` (a restore makes a backup's own
    schema this way before loading its data); return the versions applied (none when already
    current)."""
    applied = []
    with transaction(con):
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER, applied_at TIMESTAMP)"
        )
        current = schema_version(con)
        for version, sql in MIGRATIONS:
            if version > current and (upto is None or version <= upto):
                con.execute(sql)
                con.execute("INSERT INTO schema_version VALUES (?, ?)", [version, datetime.now()])
                applied.append(version)
        if 7 in applied:  # the versions stored before digests were kept
            digest_new_versions(con)
    return applied


def indicator_keys(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[int]:
    """The key of each indicator id in ``ids``, in order; ids never seen get new keys, for
    good (in the order given, so a store's first strategy numbers its indicators 0, 1, …).

    Run it outside a transaction: when another connection adds the same id at the same
    moment, the statement that comes second fails (on the id, or at its commit), and here
    it just tries again and finds the id's key."""
    for attempt in range(3):
        try:
            con.execute(_NEW_KEYS, {"ids": ids})
            break
        except (duckdb.ConstraintException, duckdb.TransactionException):
            if attempt == 2:
                raise
    keys = dict(con.execute("SELECT id, key FROM indicator_keys").fetchall())
    return [keys[i] for i in ids]


# Keys come from a sequence, so two connections adding different ids never clash; adding
# the same id at once, the second finds it held when it tries again.
_NEW_KEYS = """
    INSERT INTO indicator_keys
    SELECT nextval('indicator_key_numbers'), id
    FROM (SELECT id, min(n) AS n FROM unnest($ids) WITH ORDINALITY AS u(id, n) GROUP BY id
          ORDER BY n)
    WHERE id NOT IN (SELECT id FROM indicator_keys)
"""


def require_schema(con: duckdb.DuckDBPyConnection) -> None:
    if schema_version(con) < SCHEMA_VERSION:
        raise StoreNotReady("the database is not set up yet: run `stem-tracker init` first")


def load_reference(con: duckdb.DuckDBPyConnection, strategy: StrategyFile) -> bool:
    """Replace the strategy and councils in the store; return whether anything changed."""
    fingerprint = strategy.model_dump_json()
    if get_meta(con, "strategy_json") == fingerprint and con.execute(
        "SELECT count(*) FROM authorities"
    ).fetchone()[0] == len(authorities()):
        return False
    with transaction(con):
        _replace_strategy(con, strategy)
        con.execute("DELETE FROM authorities")
        con.executemany(
            "INSERT INTO authorities VALUES (?, ?, ?)",
            [(a.code, a.name, a.kind) for a in authorities()],
        )
        con.execute("DELETE FROM superseded_codes")
        con.executemany(
            "INSERT INTO superseded_codes VALUES (?, ?)", list(superseded_codes().items())
        )
        set_meta(con, "strategy_json", fingerprint)
    return True


def _replace_strategy(con: duckdb.DuckDBPyConnection, strategy: StrategyFile) -> None:
    rows = _strategy_rows(strategy)
    for table in rows:
        con.execute(f"DELETE FROM {table}")
    info = strategy.strategy
    for key, value in {
        "title": info.title,
        "published": info.published.isoformat(),
        "start": info.start,
        "settings": strategy.settings.model_dump_json(),
    }.items():
        set_meta(con, key, value)
    for table, values in rows.items():
        if values:
            # A column a later migration added comes last: a store still at an older schema
            # (one being upgraded) takes the columns it has.
            width = con.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = ?", [table]
            ).fetchone()[0]
            values = [row[:width] for row in values]
            marks = ", ".join("?" * len(values[0]))
            con.executemany(f"INSERT INTO {table} VALUES ({marks})", values)


def _strategy_rows(strategy: StrategyFile) -> dict[str, list[tuple]]:
    """The strategy's tables, row by row, in the order of their columns."""
    milestones, indicators = strategy.milestones, strategy.indicators
    return {
        "themes": [(t.id, t.name, t.description, n) for n, t in enumerate(strategy.themes)],
        "commitments": _commitment_rows(strategy),
        "milestones": [
            (m.id, c.id, m.title, m.due, m.due_text, m.completed, m.original_due, n)
            for n, (c, m) in enumerate(milestones)
        ],
        "milestone_changes": [
            (m.id, ch.on, ch.was, ch.reason) for _, m in milestones for ch in m.rebaselined
        ],
        "indicators": _indicator_rows(strategy),
        "indicator_targets": [
            (i.id, t.period, t.value, i.illustrative or t.illustrative, n)
            for _, i in indicators
            for n, t in enumerate(i.targets)
        ],
        "indicator_changes": [
            (i.id, ch.on, ch.was.period, ch.was.value, ch.reason)
            for _, i in indicators
            for ch in i.rebaselined
        ],
    }


def _commitment_rows(strategy: StrategyFile) -> list[tuple]:
    sources = {s.id: s.title for s in strategy.strategy.sources}
    rows = []
    for n, c in enumerate(strategy.commitments):
        override = c.override
        rows.append(
            (c.id, c.title, c.theme, c.also_themes, c.lead, c.sectors, c.source,
             sources.get(c.source), c.source_text,
             override.status if override else None, override.reason if override else None,
             override.by if override else None, override.date if override else None, n,
             override.review_by if override else None)
        )  # fmt: skip
    return rows


def _indicator_rows(strategy: StrategyFile) -> list[tuple]:
    return [
        (i.id, c.id, i.name, i.unit, i.direction, i.reported_by, i.aggregation,
         list(i.breakdowns), i.baseline.period, i.baseline.value,
         i.illustrative or i.baseline.illustrative, n)
        for n, (c, i) in enumerate(strategy.indicators)
    ]  # fmt: skip


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute(
        "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def settings(con: duckdb.DuckDBPyConnection) -> dict:
    return json.loads(get_meta(con, "settings") or "{}")


def init(db_path: str | Path, strategy: StrategyFile) -> dict:
    """Create or upgrade the database and load the strategy and councils (idempotent)."""
    with connect(db_path, create=True) as con:
        applied = migrate(con)
        loaded = load_reference(con, strategy)
        # Every indicator has its key before any load, so loads only read keys (two uploads
        # at once in the dashboard's process never both hand out the same new key).
        indicator_keys(con, [i.id for _, i in strategy.indicators])
    return {"migrations_applied": applied, "strategy_loaded": loaded, "version": SCHEMA_VERSION}
