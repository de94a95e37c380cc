"""How long a backup and a restore of the two-million-row store take, against DuckDB's own
EXPORT DATABASE and IMPORT DATABASE of the same store.

Builds the store as bench/ingest.py does (the real strategy plus 300 generated indicators,
a back-fill of about two million rows, loaded with ``stem-tracker ingest``), then times
whole processes, alternating, the two compared back to back:

- ``stem-tracker backup`` against a bare ``EXPORT DATABASE … (FORMAT parquet)``;
- ``stem-tracker restore-backup`` against a bare ``IMPORT DATABASE`` of the backup's
  ``store/`` folder (DuckDB's export of the store: its own export does not import, as it
  writes the ``current_figures`` view before the ``figures`` view it reads).

Prints the medians and the ratios. Not part of the test suite:

    .venv/bin/python bench/backup.py [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest import back_fill, ingest_command, synthetic_strategy, timed  # noqa: E402
from etl import store  # noqa: E402

EXPORT = (
    "import duckdb, sys; duckdb.connect(sys.argv[1]).execute("
    '"EXPORT DATABASE \'" + sys.argv[2] + "\' (FORMAT parquet)")'
)
IMPORT = (
    "import duckdb, sys; duckdb.connect(sys.argv[1]).execute("
    '"IMPORT DATABASE \'" + sys.argv[2] + "\'")'
)


def build_store(folder: Path, cli: str) -> tuple[Path, Path]:
    db, strategy_path = folder / "store.duckdb", synthetic_strategy(folder)
    if not db.exists():
        csv_path, rows = back_fill(folder, strategy_path)
        print(f"loading the back-fill ({rows:,} rows) into {db} …", flush=True)
        timed(ingest_command(cli, db, strategy_path, csv_path))
        csv_path.unlink()
    with store.connect(db) as con:
        figures = con.execute("SELECT count(*) FROM figure_values").fetchone()[0]
    print(f"store: {figures:,} figures, {db.stat().st_size / 1e6:.0f} MB")
    return db, strategy_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Build the store here and keep it.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="stem-bench-backup-"))
    folder.mkdir(parents=True, exist_ok=True)
    python, cli = sys.executable, str(Path(sys.executable).with_name("stem-tracker"))
    try:
        db, strategy_path = build_store(folder, cli)
        times: dict[str, list[float]] = {k: [] for k in ("export", "backup", "import", "restore")}
        cpu: dict[str, list[float]] = {k: [] for k in times}
        for run in range(args.runs):
            scratch = folder / f"run{run}"
            shutil.rmtree(scratch, ignore_errors=True)
            scratch.mkdir()
            export = [python, "-c", EXPORT, str(db), str(scratch / "export")]
            times["export"].append(timed(export, cpu["export"]))
            ours = [cli, "--db", str(db), "--commitments", str(strategy_path), "backup",
                    "--out", str(scratch / "backups")]  # fmt: skip
            times["backup"].append(timed(ours, cpu["backup"]))
            made = next((scratch / "backups").glob("stem-tracker-backup-*"))
            bare = [python, "-c", IMPORT, str(scratch / "imported.duckdb"), str(made / "store")]
            times["import"].append(timed(bare, cpu["import"]))
            restore = [cli, "restore-backup", str(made), "--db", str(scratch / "restored.duckdb")]
            times["restore"].append(timed(restore, cpu["restore"]))
            print(f"run {run + 1}: export {times['export'][-1]:.2f} s, backup "
                  f"{times['backup'][-1]:.2f} s; import {times['import'][-1]:.2f} s, restore "
                  f"{times['restore'][-1]:.2f} s")  # fmt: skip
            size = sum(p.stat().st_size for p in made.rglob("*") if p.is_file())
            shutil.rmtree(scratch)
        median = {k: statistics.median(v) for k, v in times.items()}
        cpu_median = {k: statistics.median(v) for k, v in cpu.items()}
        print(f"backup size: {size / 1e6:.0f} MB")
        for ours, theirs in (("backup", "export"), ("restore", "import")):
            print(f"{ours} / DuckDB {theirs.upper()} DATABASE: {median[ours]:.2f} s / "
                  f"{median[theirs]:.2f} s = {median[ours] / median[theirs]:.2f}x wall, "
                  f"{cpu_median[ours] / cpu_median[theirs]:.2f}x CPU seconds")  # fmt: skip
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
