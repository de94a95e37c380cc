"""A backup restored as data: the schema is the tracker's own, never the backup's.

EXPORT DATABASE writes ``schema.sql`` and ``load.sql`` beside one Parquet file per table, and
IMPORT DATABASE would run both: SQL from a folder that anyone who can write to it may change
(recomputing SHA256SUMS and the manifest, which carry no key), and SQL can ``COPY … TO`` any
path. So a restore runs neither. It makes the backup's schema version with the tracker's own
migrations, loads each table's rows from ``<table>.parquet`` once the file's columns are
found to be the table's, and moves each sequence past the ids its table holds. The scripts
are only read, so that one holding anything an export never writes is refused by name.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from etl import store
from etl.backup.files import STORE, BackupDamaged, Manifest

# A table EXPORT DATABASE writes as ``<name>.parquet``, unchanged (it rewrites other names).
_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")
# What load.sql holds, one line per table: COPY name FROM 'path' (FORMAT 'parquet');
# (a quote in the path is doubled; each alternative starts differently, so no backtracking)
_COPY_FROM = re.compile(r"""COPY [^'()]+ FROM '(?:[^']|'')*' \(FORMAT 'parquet'\);?""")
# What each of the store's sequences numbers (a test checks that every sequence is here).
NUMBERED = {
    "submission_ids": ("submissions", "id"),
    "mail_log_ids": ("mail_log", "id"),
    "indicator_key_numbers": ("indicator_keys", "key"),
    "release_ids": ("releases", "id"),
}


def check_scripts(folder: Path) -> None:
    """BackupDamaged naming a script that holds a statement EXPORT DATABASE never writes."""
    problems = []
    for name, written in (("schema.sql", "CREATE"), ("load.sql", "COPY")):
        path = folder / STORE / name
        try:
            statements = duckdb.extract_statements(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, duckdb.Error) as error:
            problems.append(f"{STORE}/{name} cannot be read ({str(error).splitlines()[0]})")
            continue
        for statement in statements:
            query = statement.query.strip()
            if statement.type.name != written or (
                written == "COPY" and not _COPY_FROM.fullmatch(query)
            ):
                problems.append(
                    f"{STORE}/{name} holds a statement no backup writes ({_shown(query)}): "
                    "the backup has been changed since it was taken; use another copy"
                )
                break
    if problems:
        raise BackupDamaged(folder, problems)


def load(con: duckdb.DuckDBPyConnection, folder: Path, manifest: Manifest) -> None:
    """Make ``manifest``'s schema version on the empty database ``con`` and load every table's
    rows from the backup; BackupDamaged naming each file that does not fit its table."""
    store.migrate(con, upto=manifest.schema_version)
    con.execute("DELETE FROM schema_version")  # the backup's own history replaces it
    ours = _columns(con)
    parquet = {p.name for p in (folder / STORE).glob("*.parquet")}
    problems = []
    for table in sorted(ours.keys() | manifest.tables.keys()):
        file = f"{table}.parquet"
        if not _PLAIN_NAME.fullmatch(table):
            problems.append(f"{table}: not a name a backup of the tracker holds")
        elif file not in parquet:
            problems.append(f"{STORE}/{file} is missing (the rows of the table {table})")
        else:
            problem = _load_table(con, table, folder / STORE / file, ours.get(table))
            problems += [problem] if problem else []
        parquet.discard(file)
    problems += [f"{STORE}/{name} is not a table of the store" for name in sorted(parquet)]
    if not problems and store.schema_version(con) != manifest.schema_version:
        problems.append(
            f"{STORE}/schema_version.parquet says schema {store.schema_version(con)}, "
            f"the manifest {manifest.schema_version}"
        )
    if problems:
        raise BackupDamaged(folder, problems)
    _advance_sequences(con)


def _load_table(
    con: duckdb.DuckDBPyConnection, table: str, path: Path, columns: list[tuple[str, str]] | None
) -> str | None:
    """Load one table's rows; the problem with its file, if any. A table the migrations do not
    make (added to a store by hand) is made from the file's own columns: data, not SQL."""
    name = f"{STORE}/{path.name}"
    try:
        found = con.execute(
            "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($path))",
            {"path": str(path)},
        ).fetchall()
    except duckdb.Error as error:
        return f"{name} cannot be read as Parquet ({str(error).splitlines()[0]})"
    if columns is not None and not _fits(found, columns):
        return (
            f"{name} has the columns ({', '.join(c for c, _ in found)}), not the table "
            f"{table}'s ({', '.join(c for c, _ in columns)}) with their types"
        )
    verb = "CREATE TABLE {} AS" if columns is None else "INSERT INTO {}"
    try:
        con.execute(f"{verb.format(_ident(table))} SELECT * FROM read_parquet($path)",
                    {"path": str(path)})  # fmt: skip
    except duckdb.Error as error:
        return f"{name} cannot be loaded into the table {table} ({str(error).splitlines()[0]})"
    return None


def _fits(found: list[tuple[str, str]], columns: list[tuple[str, str]]) -> bool:
    """The file's columns are the table's, by name and type in order (a fixed list of words,
    an ENUM, is written to Parquet as text and checked against the list as it loads)."""
    return len(found) == len(columns) and all(
        name == want_name and (kind == want or (want.startswith("ENUM(") and kind == "VARCHAR"))
        for (name, kind), (want_name, want) in zip(found, columns, strict=True)
    )


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Each table the migrations made, with its columns and their types in order."""
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal "
        "AND table_name IN (SELECT table_name FROM duckdb_tables() "
        "                   WHERE database_name = current_database() AND NOT temporary) "
        "ORDER BY table_name, column_index"
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        tables.setdefault(table, []).append((column, kind))
    return tables


def _advance_sequences(con: duckdb.DuckDBPyConnection) -> None:
    """Each sequence moved past the largest number loaded into what it numbers, so that the
    next return, e-mail or indicator gets the id it would have had in the source."""
    made = dict(con.execute(
        "SELECT sequence_name, start_value FROM duckdb_sequences() "
        "WHERE database_name = current_database()"
    ).fetchall())  # fmt: skip
    for sequence, (table, column) in NUMBERED.items():
        if sequence not in made:  # an older schema, before the sequence was added
            continue
        (largest,) = con.execute(f"SELECT max({_ident(column)}) FROM {_ident(table)}").fetchone()
        if largest is not None and largest >= made[sequence]:
            con.execute(f"SELECT max(nextval($s)) FROM range({int(largest) - made[sequence] + 1})",
                        {"s": sequence})  # fmt: skip


def _shown(query: str) -> str:
    """The start of a statement, on one line."""
    line = " ".join(query.split())
    return line if len(line) <= 60 else line[:57] + "…"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
