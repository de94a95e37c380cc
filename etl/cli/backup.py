"""Commands that keep the store safe: backup, restore-backup, verify-backup. Thin shells over
``etl.actions.back_up`` and ``etl.backup``; their errors become plain messages (exit 1). Both
are imported only when one of them runs: the fingerprint needs numpy and pyarrow, a third of
a second that every other command would pay."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from etl.backup.files import BackupError, Progress
from etl.cli.options import CliError

if TYPE_CHECKING:
    from etl.backup import Restored

BACKUP_FOLDER = typer.Argument(
    ..., help="The backup's folder, as `stem-tracker backup` printed it.", show_default=False
)
KEY = typer.Option(
    None,
    "--key",
    envvar="STEM_TRACKER_BACKUP_KEY",
    help="A file holding the backup key (kept apart from the backups): signs a backup, or "
    "checks that a backup was signed with it. Also from STEM_TRACKER_BACKUP_KEY.",
    show_default=False,
)


def _key(path: Path | None) -> bytes | None:
    from etl.backup.files import read_key

    try:
        return read_key(path) if path is not None else None
    except BackupError as error:
        raise CliError(str(error)) from None


def _progress() -> Progress:
    """Each step on its own line; on a terminal, with how far through it is."""
    tty = sys.stderr.isatty()
    last = [""]  # the step shown last

    def show(step: str, fraction: float | None) -> None:
        if tty:
            end = "\n" if last[0] and last[0] != step else ""
            done = f" {fraction:4.0%}" if fraction is not None else ""
            typer.echo(f"{end}\r{step}…{done}", nl=False, err=True)
        elif last[0] != step:
            typer.echo(f"{step}…", err=True)
        last[0] = step

    return show


def _finish_progress() -> None:
    if sys.stderr.isatty():
        typer.echo("", err=True)


def _rows(count: int) -> str:
    return f"{count:,} row{'s' if count != 1 else ''}"


def _report(restored: Restored, what: str, folder: Path) -> None:
    from etl.backup.files import SIGNATURE

    manifest = restored.manifest
    upgraded = (
        f", upgraded from schema {manifest.schema_version} "
        f"(migration {', '.join(map(str, restored.migrations_applied))})"
        if restored.migrations_applied
        else ""
    )
    typer.echo(f"{what}: taken {manifest.taken_at}, schema {manifest.schema_version}{upgraded}")
    width = max(map(len, restored.tables), default=0)
    for table, rows in restored.tables.items():
        typer.echo(f"  {table:<{width}}  {rows:>12,}")
    typer.echo(
        f"every file's SHA-256 matches; the restored tables' rows and the fingerprint of the "
        f"{_rows(manifest.figures)} of current figures ({restored.fingerprint[:16]}) match "
        "the manifest"
    )
    if restored.signed:
        typer.echo(f"{SIGNATURE} matches the key: the backup is as it was taken")
    elif (folder / SIGNATURE).is_file():
        typer.echo(f"the backup is signed ({SIGNATURE}); give --key to check it was not changed")


def backup_command(
    ctx: typer.Context,
    out: Path = typer.Option(
        None,
        "--out",
        help="Folder to keep backups in; each backup is a new folder in it "
        "(default: backups/ beside the database).",
    ),
    wait: float = typer.Option(
        300, "--wait", help="Seconds to wait while another program writes to the database."
    ),
    key: Path = KEY,
) -> None:
    """Back up the whole store, with its commitments file, a manifest and checksums, into a
    new folder; safe while the dashboard runs and returns arrive."""
    from etl import actions

    folder = out or ctx.obj.db.parent / "backups"
    try:
        made = actions.back_up(
            ctx.obj.db, folder, ctx.obj.commitments, wait=wait, on_progress=_progress(),
            key=_key(key),
        )  # fmt: skip
    except BackupError as error:
        raise CliError(str(error)) from None
    finally:
        _finish_progress()
    manifest = made.manifest
    typer.echo(
        f"{made.path}: backup complete: schema {manifest.schema_version}, "
        f"{_rows(sum(manifest.tables.values()))} in {len(manifest.tables)} tables, "
        f"{_rows(manifest.figures)} of current figures (fingerprint {manifest.fingerprint[:16]}), "
        f"{made.bytes / 1e6:,.1f} MB{', signed with the key' if key else ''}. "
        "Keep a copy off this machine."
    )


def restore_backup(
    folder: Path = BACKUP_FOLDER,
    db: Path = typer.Option(
        ..., "--db", help="The database file to create from the backup.", show_default=False
    ),
    force: bool = typer.Option(False, "--force", help="Replace the database at --db if it exists."),
    key: Path = KEY,
) -> None:
    """Restore a backup into a new database file (or replace one, with --force), upgrading an
    older schema; refuses a backup any of whose files fail their checksum."""
    from etl import backup

    try:
        restored = backup.restore(folder, db, force=force, on_progress=_progress(), key=_key(key))
    except BackupError as error:
        raise CliError(str(error)) from None
    finally:
        _finish_progress()
    _report(restored, f"{db}: restored from {folder}", folder)


def verify_backup(folder: Path = BACKUP_FOLDER, key: Path = KEY) -> None:
    """Check every file of a backup against its checksum and restore it into a temporary file;
    exit 1 when anything is wrong."""
    from etl import backup

    try:
        restored = backup.verify(folder, on_progress=_progress(), key=_key(key))
    except BackupError as error:
        raise CliError(str(error)) from None
    finally:
        _finish_progress()
    _report(restored, f"{folder}: backup verified", folder)


def register(app: typer.Typer) -> None:
    app.command(name="backup")(backup_command)
    app.command(name="restore-backup")(restore_backup)
    app.command(name="verify-backup")(verify_backup)
