"""Backups that restore (issue 18): real DuckDB files and real `stem-tracker` processes.

A backup is a consistent snapshot taken while returns may arrive; it restores to a store
whose export is the source's at the backup's moment, byte for byte. Nothing a killed
backup leaves is accepted; a tampered file is refused by name; an older schema upgrades;
a newer one is refused; an existing database is replaced only when asked.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etl import backup, store
from etl.backup.files import BackupError
from etl.submissions import export, ingest, spec_cache, versions
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

CLI = str(Path(sys.executable).with_name("stem-tracker"))
COMMITMENTS = ROOT / "commitments.yaml"


def cli(*args: str, db: Path | None = None) -> subprocess.CompletedProcess:
    where = ["--db", str(db)] if db else []
    return subprocess.run(
        [CLI, *where, "--commitments", str(COMMITMENTS), *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def the_backup(out: Path) -> Path:
    """The one complete backup in ``out``."""
    (found,) = [p for p in out.iterdir() if p.name.startswith("stem-tracker-backup-")]
    return found


@pytest.fixture
def demo_copy(demo_db, tmp_path) -> Path:
    path = tmp_path / "source.duckdb"
    shutil.copyfile(demo_db, path)
    return path


@pytest.fixture(scope="module")
def demo_backup(demo_db, tmp_path_factory) -> Path:
    """A backup of the demo, taken once; tests that alter it work on a copy."""
    return backup.take(demo_db, tmp_path_factory.mktemp("backups"), COMMITMENTS).path


def test_export_before_backup_equals_export_after_restore_byte_for_byte(demo_copy, tmp_path):
    before = cli("export", db=demo_copy)
    made = cli("backup", "--out", str(tmp_path / "backups"), db=demo_copy)
    assert made.returncode == 0, made.stderr
    folder = the_backup(tmp_path / "backups")
    assert f"{folder}: backup complete: schema {store.SCHEMA_VERSION}" in made.stdout
    assert "copying…" in made.stderr  # progress, step by step
    restored = tmp_path / "restored.duckdb"
    done = cli("restore-backup", str(folder), "--db", str(restored))
    assert done.returncode == 0, done.stderr
    figures = backup.Manifest.read(folder).figures
    assert f"rows and the fingerprint of the {figures:,} rows of current figures" in done.stdout
    after = cli("export", db=restored)
    assert before.returncode == after.returncode == 0
    assert after.stdout == before.stdout and len(before.stdout) > 1_000_000
    assert {p.name for p in folder.iterdir()} == {
        "SHA256SUMS", "manifest.json", "commitments.yaml", "store"
    }  # fmt: skip
    assert (folder / "commitments.yaml").read_bytes() == COMMITMENTS.read_bytes()


def test_a_restored_store_takes_new_returns_where_the_source_left_off(demo_backup, tmp_path):
    restored = backup.restore(demo_backup, tmp_path / "restored.duckdb").path
    one_pair = figures_of(export.export_current(restored), "S12000036", "2025-Q3")
    result = ingest.ingest_return(restored, with_new_values(one_pair), "again.csv", spec(restored))
    assert result.stored, [str(e) for e in result.report.errors]
    assert [o.action for o in result.outcomes] == ["replaced"]
    manifest = backup.Manifest.read(demo_backup)
    assert result.outcomes[0].submission_id == manifest.tables["submissions"] + 1


def test_backup_while_another_process_ingests_in_a_loop(demo_copy, tmp_path):
    """The backup waits for each load, copies one moment, and restores to exactly it."""
    pair = ("S12000036", "2025-Q3")
    base = tmp_path / "pair.csv"
    base.write_bytes(figures_of(export.export_current(demo_copy), *pair))
    spec(demo_copy)  # the strategy held in the store, as any earlier ingest leaves it
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(demo_copy), str(COMMITMENTS), str(base), str(stop)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        assert writer.stdout.readline().startswith("ingested"), writer.stderr.read()
        made = cli("backup", "--out", str(tmp_path / "backups"), db=demo_copy)
        for _ in range(2):  # loads after the backup
            assert writer.stdout.readline().startswith("ingested"), writer.stderr.read()
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0, writer.stderr.read()
    assert made.returncode == 0 and "backup complete" in made.stdout, made.stderr
    assert "Traceback" not in made.stderr
    restored = backup.restore(the_backup(tmp_path / "backups"), tmp_path / "r.duckdb").path
    taken = current_version(restored, *pair)
    assert 2 <= taken < current_version(demo_copy, *pair)
    # The source as it was at the backup's moment: that version of the pair made current.
    at_the_moment = tmp_path / "at-the-moment.duckdb"
    shutil.copyfile(demo_copy, at_the_moment)
    versions.restore_version(at_the_moment, *pair, taken, "test")
    assert export.export_current(restored) == export.export_current(at_the_moment)


WRITER = """
import csv, io, sys
from datetime import date
from pathlib import Path
from etl.submissions import ingest, spec_cache
db, commitments, base, stop = sys.argv[1:5]
rows = list(csv.DictReader(io.StringIO(Path(base).read_text(encoding="utf-8-sig"))))
spec = spec_cache.spec_in_store(db, commitments)
n = 0
while not Path(stop).exists():
    n += 1
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows({**row, "value": str(n % 40 + k + 1)} for k, row in enumerate(rows))
    result = ingest.ingest_return(db, out.getvalue().encode(), f"loop-{n}.csv", spec,
                                  today=date(2025, 12, 1))
    assert result.stored, [str(e) for e in result.report.errors]
    print("ingested", n, flush=True)
"""


def test_kill_9_during_a_backup_leaves_nothing_verify_backup_accepts(demo_copy, tmp_path):
    """Killed at each stage: once it has begun, once it is copying, once the copy is
    written, once even the checksums are. Only a folder renamed into place is a backup."""
    out = tmp_path / "backups"
    out.mkdir()
    unfinished = 0
    for stage in ("", "store", "store/schema.sql", "SHA256SUMS"):
        command = [CLI, "--db", str(demo_copy), "--commitments", str(COMMITMENTS), "backup",
                   "--out", str(out)]  # fmt: skip
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if any((partial / stage).exists() for partial in out.glob(".partial-*")):
                break
            time.sleep(0.001)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        for folder in out.iterdir():
            if folder.name.startswith("stem-tracker-backup-"):
                backup.verify(folder)  # renamed into place only when whole
            else:
                unfinished += 1
                with pytest.raises(BackupError, match="unfinished backup"):
                    backup.verify(folder)
            shutil.rmtree(folder)
    assert unfinished >= 2, "the backups finished before they could be killed"


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        ("alter store/figure_values.parquet",
         "store/figure_values.parquet has been altered or damaged (its SHA-256 is not SHA256SUMS's)"),
        ("alter manifest.json",
         "manifest.json has been altered or damaged (its SHA-256 is not SHA256SUMS's)"),
        ("remove store/schema.sql", "store/schema.sql is missing"),
        ("add store/extra.parquet",
         "store/extra.parquet is not part of the backup (not in SHA256SUMS)"),
        ("remove SHA256SUMS",
         "SHA256SUMS is missing: this is not a complete backup (an interrupted backup leaves "
         "such a folder); take a new one"),
    ],
)  # fmt: skip
def test_a_damaged_backup_is_refused_naming_the_file(demo_backup, tmp_path, damage, problem):
    folder = tmp_path / demo_backup.name
    shutil.copytree(demo_backup, folder)
    action, name = damage.split(" ", 1)
    if action == "alter":
        data = bytearray((folder / name).read_bytes())
        data[len(data) // 2] ^= 0x01
        (folder / name).write_bytes(bytes(data))
    elif action == "remove":
        (folder / name).unlink()
    else:
        (folder / name).write_bytes(b"not ours")
    target = tmp_path / "restored.duckdb"
    for command in (["restore-backup", str(folder), "--db", str(target)],
                    ["verify-backup", str(folder)]):  # fmt: skip
        refused = cli(*command)
        assert refused.returncode == 1
        assert refused.stderr.endswith(
            f"error: the backup {folder} cannot be trusted:\n  {problem}\n"
        ), refused.stderr
    assert not target.exists()


def test_a_backup_from_an_older_schema_restores_and_upgrades(tmp_path, strategy, monkeypatch):
    """Schema 3 held figures as a table with text indicator ids; 4 gave them integer keys."""
    path = tmp_path / "v3.duckdb"
    monkeypatch.setattr(store, "MIGRATIONS", store.MIGRATIONS[:3])
    with store.connect(path, create=True) as con:
        store.migrate(con)
        store.load_reference(con, strategy)
        con.execute("INSERT INTO submissions VALUES (1, 'S12000005', '2024-Q1', 1, now(), 'me', "
                    "'x', 2, 'f.csv', 'new', true, NULL, NULL)")  # fmt: skip
        con.execute("INSERT INTO figures VALUES (1, 'C01-I1', 'female', '3', 12.5, 'note'), "
                    "(1, 'C01-I1', 'all', 'all', 40, NULL)")  # fmt: skip
        before = con.execute("SELECT * FROM current_figures ORDER BY ALL").fetchall()
    taken = backup.take(path, tmp_path / "backups", COMMITMENTS)
    monkeypatch.undo()
    assert taken.manifest.schema_version == 3
    restored = backup.restore(taken.path, tmp_path / "restored.duckdb")
    assert restored.migrations_applied == [v for v, _ in store.MIGRATIONS if v > 3]
    assert restored.fingerprint == taken.manifest.fingerprint
    with store.connect(restored.path) as con:
        assert store.schema_version(con) == store.SCHEMA_VERSION
        assert con.execute("SELECT * FROM current_figures ORDER BY ALL").fetchall() == before


def test_a_backup_from_a_newer_schema_is_refused(demo_copy, tmp_path, monkeypatch):
    newer = store.SCHEMA_VERSION + 1
    monkeypatch.setattr(
        store, "MIGRATIONS", [*store.MIGRATIONS, (newer, "CREATE TABLE later_things (a INT)")]
    )
    with store.connect(demo_copy) as con:
        store.migrate(con)
    taken = backup.take(demo_copy, tmp_path / "backups", COMMITMENTS)
    monkeypatch.undo()
    refused = cli("restore-backup", str(taken.path), "--db", str(tmp_path / "r.duckdb"))
    assert refused.returncode == 1
    assert refused.stderr.endswith(
        f"error: the backup {taken.path} has schema version {newer}, newer than this version "
        f"of stem-tracker knows ({store.SCHEMA_VERSION}): restore it with the version that "
        "took it, or a later one\n"
    )


def test_restore_never_overwrites_a_database_unless_told(demo_backup, empty_db):
    before = empty_db.read_bytes()
    refused = cli("restore-backup", str(demo_backup), "--db", str(empty_db))
    assert refused.returncode == 1
    assert refused.stderr == (
        f"error: {empty_db} already exists: restore into a new file, or add --force to replace it\n"
    )
    assert empty_db.read_bytes() == before
    forced = cli("restore-backup", str(demo_backup), "--db", str(empty_db), "--force")
    assert forced.returncode == 0, forced.stderr
    manifest = backup.Manifest.read(demo_backup)
    with store.connect(empty_db) as con:
        assert backup.table_counts(con) == manifest.tables


def test_tables_added_later_are_backed_up_too(demo_copy, tmp_path):
    with store.connect(demo_copy) as con:  # as another feature might add, e.g. e-mails sent
        con.execute("CREATE TABLE email_outbox (id INTEGER, sent_to VARCHAR)")
        con.execute("INSERT INTO email_outbox VALUES (1, 'a@example.org'), (2, 'b@example.org')")
    taken = backup.take(demo_copy, tmp_path / "backups", COMMITMENTS)
    assert taken.manifest.tables["email_outbox"] == 2
    restored = backup.restore(taken.path, tmp_path / "restored.duckdb")
    assert restored.tables == taken.manifest.tables
    with store.connect(restored.path) as con:
        assert con.execute("SELECT sent_to FROM email_outbox ORDER BY id").fetchall() == [
            ("a@example.org",), ("b@example.org",)
        ]  # fmt: skip


def test_nothing_to_back_up_is_a_plain_message(tmp_path):
    missing = tmp_path / "nowhere.duckdb"
    refused = cli("backup", "--out", str(tmp_path / "b"), db=missing)
    assert refused.returncode == 1
    assert refused.stderr == f"error: there is no database at {missing} to back up\n"
    not_a_backup = cli("verify-backup", str(tmp_path))
    assert not_a_backup.returncode == 1 and "SHA256SUMS is missing" in not_a_backup.stderr


def test_the_checksums_can_be_checked_without_this_program(demo_backup):
    checked = subprocess.run(["sha256sum", "--check", "--quiet", "SHA256SUMS"],
                             cwd=demo_backup, capture_output=True, text=True)  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


def figures_of(export: bytes, authority: str, period: str) -> bytes:
    """The export's rows for one council and quarter, as a return file."""
    rows = list(csv.DictReader(io.StringIO(export.decode("utf-8-sig"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(r for r in rows if (r["authority_code"], r["period"]) == (authority, period))
    return out.getvalue().encode()


def with_new_values(data: bytes) -> bytes:
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows({**r, "value": str(k % 50 + 1)} for k, r in enumerate(rows))
    return out.getvalue().encode()


def spec(db: Path):
    return spec_cache.spec_in_store(db, COMMITMENTS)


def current_version(db: Path, authority: str, period: str) -> int:
    with store.connect(db) as con:
        return con.execute(
            "SELECT version FROM submissions WHERE authority_code = ? AND period = ? "
            "AND is_current",
            [authority, period],
        ).fetchone()[0]


def test_a_backup_that_waits_too_long_says_so_and_leaves_nothing(demo_copy, tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('held', flush=True); time.sleep(20)", str(demo_copy)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        out = tmp_path / "backups"
        refused = cli("backup", "--out", str(out), "--wait", "0.5", db=demo_copy)
    finally:
        holder.kill()
        holder.wait()
    assert refused.returncode == 1
    assert refused.stderr.endswith(
        f"error: the database {demo_copy} is in use by another program; try again when it "
        "has finished\n"
    ), refused.stderr
    assert list(out.iterdir()) == []
