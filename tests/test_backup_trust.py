"""A backup is data, not code (issue 25): whoever can write to a backup folder can recompute
its checksums and manifest, so a restore never runs the backup's SQL, refuses scripts an
export never writes and files that do not fit their tables, and refuses symbolic links."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from etl import backup, store
from etl.backup import data as backup_data
from etl.backup.files import write_sums
from tests.test_backup import COMMITMENTS, cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def taken(demo_db, tmp_path_factory) -> Path:
    return backup.take(demo_db, tmp_path_factory.mktemp("backups"), COMMITMENTS).path


@pytest.fixture
def copy(taken, tmp_path) -> Path:
    folder = tmp_path / taken.name
    shutil.copytree(taken, folder)
    return folder


def refused_everywhere(folder: Path, target: Path, problem: str, *extra: str) -> None:
    """restore-backup and verify-backup both refuse, with ``problem``, and write no database."""
    for command in (["restore-backup", str(folder), "--db", str(target)],
                    ["verify-backup", str(folder)]):  # fmt: skip
        refused = cli(*command, *extra)
        assert refused.returncode == 1, refused.stdout
        assert f"error: the backup {folder} cannot be trusted:\n  {problem}" in refused.stderr
        assert "Traceback" not in refused.stderr
    assert not target.exists()


@pytest.mark.parametrize("script", ["schema.sql", "load.sql"])
def test_a_backup_whose_sql_writes_a_file_writes_nothing_and_is_refused_by_name(
    copy, tmp_path, script
):
    outside = tmp_path / "outside.txt"
    path = copy / "store" / script
    attack = f"COPY (SELECT 'written by a backup') TO '{outside}' (FORMAT csv);\n"
    path.write_text(path.read_text() + attack)
    write_sums(copy)  # SHA256SUMS carry no key: anyone may recompute them
    refused_everywhere(
        copy,
        tmp_path / "restored.duckdb",
        f"store/{script} holds a statement no backup writes (COPY (SELECT 'written by a "
        "backup') TO '",
    )
    assert not outside.exists()


def test_a_table_file_with_other_columns_is_refused_by_name(copy, tmp_path):
    themes = copy / "store" / "themes.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT 'T1' AS id, 'x' AS secret) TO '{themes}' (FORMAT parquet)")
    write_sums(copy)
    refused_everywhere(
        copy,
        tmp_path / "restored.duckdb",
        "store/themes.parquet has the columns (id, secret), not the table themes's "
        "(id, name, description, position) with their types",
    )


def test_a_symbolic_link_in_a_backup_is_refused_by_name(copy, tmp_path):
    # The link's target has the very bytes the checksum expects: only the link is wrong.
    elsewhere = tmp_path / "elsewhere.yaml"
    shutil.copyfile(copy / "commitments.yaml", elsewhere)
    (copy / "commitments.yaml").unlink()
    (copy / "commitments.yaml").symlink_to(elsewhere)
    refused_everywhere(
        copy,
        tmp_path / "restored.duckdb",
        "commitments.yaml is a symbolic link; a backup holds only files",
    )


def test_every_sequence_of_the_store_is_moved_on_by_a_restore(empty_db):
    with store.connect(empty_db) as con:
        sequences = {name for (name,) in con.execute(
            "SELECT sequence_name FROM duckdb_sequences() WHERE NOT temporary").fetchall()}  # fmt: skip
    assert sequences == set(backup_data.NUMBERED)


def test_a_restore_removes_what_a_killed_restore_left_and_keeps_a_running_ones(taken, tmp_path):
    """Issue 25: a restore killed part-way left its hidden temporary database for good."""
    import subprocess

    running = subprocess.Popen(["sleep", "30"])
    try:
        target = tmp_path / "restored.duckdb"
        ended = _pid_of_ended()
        dead = [tmp_path / f".restored.duckdb.restoring-{ended}{end}" for end in ("", ".wal")]
        live = tmp_path / f".restored.duckdb.restoring-{running.pid}"
        for path in [*dead, live]:
            path.write_bytes(b"left by a restore")
        backup.restore(taken, target)
        assert [p.exists() for p in dead] == [False, False]
        assert live.exists()
    finally:
        running.kill()
        running.wait()


def _pid_of_ended() -> int:
    """The id of a process that has ended (and been reaped)."""
    import subprocess

    ended = subprocess.Popen(["true"])
    ended.wait()
    return ended.pid


def test_a_signed_backup_checked_with_its_key_is_refused_once_changed(demo_db, tmp_path):
    """The checksums prove nothing against whoever can rewrite them; the HMAC over them needs
    the key, kept apart from the backups, so a changed backup no longer matches it."""
    key_file = tmp_path / "backup.key"
    key_file.write_text("c2VjcmV0IGtleSBmb3IgdGhlIHRlc3Qgb25seSwgMzIgYnl0ZXM=\n")
    made = cli("backup", "--out", str(tmp_path / "b"), "--key", str(key_file), db=demo_db)
    assert made.returncode == 0 and ", signed with the key." in made.stdout, made.stderr
    (folder,) = (tmp_path / "b").iterdir()
    checked = cli("verify-backup", str(folder), "--key", str(key_file))
    assert checked.returncode == 0, checked.stderr
    assert "SHA256SUMS.hmac matches the key: the backup is as it was taken" in checked.stdout
    unchecked = cli("verify-backup", str(folder))
    assert "the backup is signed (SHA256SUMS.hmac); give --key to check it" in unchecked.stdout

    meta = folder / "store" / "meta.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT * FROM '{meta}' UNION ALL SELECT 'x', 'y') TO '{meta}'")
    write_sums(folder)  # the checksums agree again; the HMAC cannot be remade without the key
    refused_everywhere(
        folder,
        tmp_path / "restored.duckdb",
        "SHA256SUMS.hmac does not match the key: the backup has been changed since it was "
        "taken, or was signed with another key",
        "--key",
        str(key_file),
    )


def test_a_key_does_not_vouch_for_an_unsigned_backup(copy, tmp_path):
    key_file = tmp_path / "backup.key"
    key_file.write_text("another key, long enough to be one\n")
    refused_everywhere(
        copy,
        tmp_path / "restored.duckdb",
        "SHA256SUMS.hmac is missing: the backup was not signed with a key, so the key cannot "
        "vouch for it",
        "--key",
        str(key_file),
    )
