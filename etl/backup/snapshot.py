"""Backups that restore: a consistent snapshot of the store, checked, and restored through the
migrations.

A backup waits for whoever is writing (``store.connect``), then copies every table, view,
type and sequence in one transaction with DuckDB's EXPORT DATABASE; the table list is read
from the database, so tables added later are backed up too. It is written into a hidden
folder beside where it goes and renamed into place only when whole, SHA256SUMS last: a
backup killed part-way leaves a folder that no check accepts (see ``etl.backup.files``).
A restore checks every file, loads the tables' data into a temporary file whose schema the
tracker's own migrations make (never the backup's SQL: ``etl.backup.data``), checks the
manifest's counts and fingerprint, upgrades an older schema, and only then puts the file in
place.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from etl import store
from etl.backup import data
from etl.backup.files import (
    COMMITMENTS,
    MANIFEST,
    PARTIAL,
    STORE,
    BackupDamaged,
    BackupError,
    Manifest,
    Progress,
    check_sums,
    quiet,
    sign,
    write_sums,
)
from etl.fingerprint import figures_fingerprint

ABANDONED_AFTER = 24 * 3600  # seconds: older partial folders are an interrupted backup's


class BackupTooNew(BackupError):
    """The backup's schema is newer than this program knows."""


class TargetExists(BackupError):
    """A restore would overwrite a database, and was not told to."""


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: Manifest
    bytes: int


@dataclass(frozen=True)
class Restored:
    path: Path
    manifest: Manifest
    tables: dict[str, int]  # rows in each table after the restore (and any upgrade)
    fingerprint: str
    migrations_applied: list[int]
    signed: bool = False  # its signature was checked against the key


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows in every table of the database, by name (``schema.name`` outside ``main``)."""
    names = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND NOT internal AND NOT temporary "
        "ORDER BY ALL"
    ).fetchall()
    counts = {}
    for schema, table in names:
        name = table if schema == "main" else f"{schema}.{table}"
        sql = f"SELECT count(*) FROM {_ident(schema)}.{_ident(table)}"
        # fetchall: DuckDB holds a result half-read by fetchone open, and will not start the
        # fingerprint's read of current_figures on this connection meanwhile.
        (counts[name],) = con.execute(sql).fetchall()[0]
    return counts


def take(
    db_path: str | Path,
    out_dir: str | Path,
    commitments_path: str | Path,
    *,
    wait: float | None = None,
    on_progress: Progress = quiet,
    key: bytes | None = None,
) -> Backup:
    """Back up the store at ``db_path`` into a new folder in ``out_dir``, waiting up to
    ``wait`` seconds (default: the store's) for another program to finish writing; signed
    with ``key`` when given (SHA256SUMS.hmac)."""
    db_path, out_dir = Path(db_path), Path(out_dir)
    if not db_path.is_file():
        raise BackupError(f"there is no database at {db_path} to back up")
    try:
        commitments = Path(commitments_path).read_bytes()
    except OSError as error:
        raise BackupError(
            f"the commitments file {commitments_path} cannot be read ({error.strerror}): "
            "pass --commitments with the file the store was loaded from"
        ) from None
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(out_dir)
    partial = Path(tempfile.mkdtemp(prefix=PARTIAL, dir=out_dir))
    try:
        on_progress("opening the database", None)
        with store.connect(db_path, timeout=wait) as con:
            manifest = _snapshot(con, partial / STORE, on_progress)
        _order_schema(partial / STORE / "schema.sql")
        (partial / COMMITMENTS).write_bytes(commitments)
        manifest = replace(
            manifest,
            database=str(db_path.resolve()),
            commitments_sha256=hashlib.sha256(commitments).hexdigest(),
        )
        (partial / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        size = write_sums(partial, on_progress)
        if key is not None:
            sign(partial, key)
        final = _rename_into_place(partial, out_dir, manifest.taken_at)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return Backup(final, manifest, size)


def _snapshot(con: duckdb.DuckDBPyConnection, folder: Path, on_progress: Progress) -> Manifest:
    """Export the whole database into ``folder`` and describe it, in one transaction."""
    version = store.schema_version(con)
    if version == 0:
        raise store.StoreNotReady("the database is not set up yet: there is nothing to back up")
    with store.transaction(con):
        taken_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        tables = table_counts(con)
        on_progress("fingerprinting the current figures", None)
        figures, fingerprint = figures_fingerprint(con)
        try:
            _run(con, f"EXPORT DATABASE {_text(folder)} (FORMAT parquet)", "copying", on_progress)
        except duckdb.Error as error:  # e.g. the disk is full
            raise BackupError(f"the backup could not be written: {error}") from None
    return Manifest(
        schema_version=version, tables=tables, figures=figures, fingerprint=fingerprint,
        taken_at=taken_at, database="", commitments_sha256="",
        duckdb_version=duckdb.__version__,
    )  # fmt: skip


def _order_schema(path: Path) -> None:
    """Put schema.sql's statements in an order that runs: EXPORT DATABASE writes views by
    name, so ``current_figures`` would come before the ``figures`` view it reads. Found by
    trying them in an empty database, each failing one again after the others."""
    pending = [s.query.strip() for s in duckdb.extract_statements(path.read_text("utf-8"))]
    ordered: list[str] = []
    with duckdb.connect() as trial:
        while pending:
            failed = []
            for statement in pending:
                try:
                    trial.execute(statement)
                    ordered.append(statement)
                except duckdb.Error as error:
                    failed.append(statement)
                    last = error
            if len(failed) == len(pending):
                raise BackupError(f"the database's schema cannot be written back: {last}")
            pending = failed
    path.write_text("".join(f"{s.rstrip(';')};\n" for s in ordered), encoding="utf-8")


def _rename_into_place(partial: Path, out_dir: Path, taken_at: str) -> Path:
    stamp = taken_at.replace("-", "").replace(":", "")
    for n in range(1, 100):
        final = out_dir / f"stem-tracker-backup-{stamp}{'' if n == 1 else f'-{n}'}"
        if not final.exists():
            os.rename(partial, final)
            _sync_folder(out_dir)
            return final
    raise BackupError(f"{out_dir} already holds 99 backups taken at {taken_at}")


def _remove_abandoned(out_dir: Path) -> None:
    """Remove what backups killed part-way left (never a backup still being written)."""
    for folder in out_dir.glob(f"{PARTIAL}*"):
        if folder.is_dir() and time.time() - folder.stat().st_mtime > ABANDONED_AFTER:
            shutil.rmtree(folder, ignore_errors=True)


def restore(
    folder: str | Path,
    target: str | Path,
    *,
    force: bool = False,
    on_progress: Progress = quiet,
    key: bytes | None = None,
) -> Restored:
    """Restore the backup in ``folder`` as the database ``target``, upgrading an older schema.

    Every file is checked first; the target is written only when the restored store has
    the manifest's counts and fingerprint. An existing target is replaced only with
    ``force`` (once no other program is using it). With ``key``, the backup must be signed
    with it."""
    folder, target = Path(folder), Path(target)
    if not force and (target.exists() or _wal(target).exists()):
        raise TargetExists(
            f"{target} already exists: restore into a new file, or add --force to replace it"
        )
    check_sums(folder, on_progress, key)
    manifest = Manifest.read(folder)
    if manifest.schema_version > store.SCHEMA_VERSION:
        raise BackupTooNew(
            f"the backup {folder} has schema version {manifest.schema_version}, newer than "
            f"this version of stem-tracker knows ({store.SCHEMA_VERSION}): restore it with "
            "the version that took it, or a later one"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_restores(target)
    temporary = target.with_name(f".{target.name}.restoring-{os.getpid()}")
    _remove_database(temporary)
    try:
        restored = _import(folder, temporary, manifest, on_progress)
        _put_in_place(temporary, target, force)
    finally:
        _remove_database(temporary)
    return replace(restored, path=target, signed=key is not None)


def verify(
    folder: str | Path, *, on_progress: Progress = quiet, key: bytes | None = None
) -> Restored:
    """Check every file's checksum (and, with ``key``, the backup's signature) and restore
    the backup into a temporary file."""
    with tempfile.TemporaryDirectory(prefix="stem-verify-") as scratch:
        return restore(folder, Path(scratch) / "trial.duckdb", on_progress=on_progress, key=key)


def _import(folder: Path, path: Path, manifest: Manifest, on_progress: Progress) -> Restored:
    data.check_scripts(folder)
    with store.connect(path, timeout=0, create=True) as con:
        on_progress("restoring", None)
        try:  # into a temporary file, removed if anything fails
            data.load(con, folder, manifest)
        except duckdb.Error as error:
            raise BackupError(f"the backup {folder} cannot be restored: {error}") from None
        on_progress("comparing with the manifest", None)
        tables = table_counts(con)
        _, fingerprint = figures_fingerprint(con)
        differ = [
            f"{name}: {tables.get(name, 0):,} rows restored, {rows:,} in the manifest"
            for name, rows in manifest.tables.items()
            if tables.get(name, 0) != rows
        ] + [f"{name}: a table not in the manifest" for name in tables.keys() - manifest.tables]
        if fingerprint != manifest.fingerprint:
            differ.append("the current figures differ from the manifest's fingerprint")
        if differ:
            raise BackupDamaged(folder, differ)
        if manifest.schema_version < store.SCHEMA_VERSION:
            on_progress("upgrading", None)
        try:
            applied = store.migrate(con)
        except duckdb.Error as error:
            raise BackupError(f"upgrading the backup {folder} failed: {error}") from None
        if applied:
            tables = table_counts(con)
            if figures_fingerprint(con)[1] != manifest.fingerprint:
                raise BackupError(f"upgrading the backup {folder} changed its current figures")
        con.execute("CHECKPOINT")
    return Restored(path, manifest, tables, fingerprint, applied)


def _remove_abandoned_restores(target: Path) -> None:
    """Remove the temporary files of restores to ``target`` that were killed part-way: those
    of a process that is no longer running (a restore still running keeps its own)."""
    for found in target.parent.glob(f".{target.name}.restoring-*"):
        pid = found.name.rsplit("-", 1)[1].removesuffix(".wal")
        if pid.isdigit() and not _running(int(pid)):
            found.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _put_in_place(temporary: Path, target: Path, force: bool) -> None:
    if not force:
        try:
            os.link(temporary, target)  # fails, rather than overwrite, if the target appeared
        except FileExistsError:
            raise TargetExists(f"{target} appeared while the backup was being restored") from None
        except OSError:  # a file system without hard links
            os.replace(temporary, target)
    elif target.exists():
        try:
            with store.connect(target):  # waits for whoever is using it; replays its log
                os.replace(temporary, target)
        except duckdb.Error:  # not a database: replaced, as asked
            os.replace(temporary, target)
            _wal(target).unlink(missing_ok=True)
    else:
        os.replace(temporary, target)
    _sync_folder(target.parent)


def _remove_database(path: Path) -> None:
    path.unlink(missing_ok=True)
    _wal(path).unlink(missing_ok=True)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _run(con: duckdb.DuckDBPyConnection, sql: str, step: str, on_progress: Progress) -> None:
    """Run one long statement, reporting DuckDB's own measure of its progress meanwhile."""
    con.execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false")
    failure: list[BaseException] = []

    def work() -> None:
        try:
            con.execute(sql)
        except BaseException as error:  # raised again in the caller's thread
            failure.append(error)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    on_progress(step, None)
    try:
        while worker.is_alive():
            worker.join(0.25)
            progress = con.query_progress()
            if worker.is_alive() and progress >= 0:
                on_progress(step, progress / 100)
    except BaseException:
        con.interrupt()
        worker.join()
        raise
    if failure:
        raise failure[0]
    on_progress(step, 1.0)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
