"""Two writers and a killed load: whole processes on one database file.

DuckDB lets one process open a file at a time; a second `stem-tracker ingest`
waits ("database busy, retrying…") rather than failing, and a load killed with
SIGKILL leaves the database as it was before that file (or, had it committed,
with the whole file): never half a file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import yaml

from etl import store
from etl.councils import councils
from etl.strategy.load import load_strategy

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CLI = str(Path(sys.executable).with_name("stem-tracker"))
QUARTERS = [f"{year}-Q{q}" for year in range(2018, 2025) for q in range(1, 5)]


def big_strategy(folder: Path, indicators: int) -> Path:
    """The small test strategy plus generated indicators with both breakdowns."""
    data = yaml.safe_load((DATA / "strategy-small.yaml").read_text(encoding="utf-8"))
    data["commitments"][0]["indicators"] += [
        {"id": f"G-I{n:03d}", "name": f"Generated {n}", "unit": "count", "direction": "up",
         "reported_by": "local_authorities", "aggregation": "sum",
         "breakdowns": ["sex", "simd_quintile"], "baseline": {"period": "2018-Q1", "value": 1},
         "targets": [{"period": "2026-Q4", "value": 2}]}
        for n in range(indicators)
    ]  # fmt: skip
    path = folder / "strategy-big.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def back_fill(path: Path, codes: list[str], quarters: list[str], indicators: int) -> int:
    con = duckdb.connect()
    con.execute(
        f"""
        COPY (
            SELECT a AS authority_code, p AS period, format('G-I{{:03d}}', i) AS indicator_id,
                s AS sex, q AS simd_quintile, (i * 7 + length(a || p)) % 500 AS value
            FROM unnest($codes) t(a), unnest($quarters) u(p), range({indicators}) r(i),
                unnest(['all', 'female', 'male']) v(s),
                unnest(['all', '1', '2', '3', '4', '5']) w(q)
        ) TO '{path}' (HEADER)
        """,
        {"codes": codes, "quarters": quarters},
    )
    return len(codes) * len(quarters) * indicators * 18


def ingest(db: Path, strategy: Path, *files: Path, **kwargs) -> subprocess.Popen:
    command = [CLI, "--db", str(db), "--commitments", str(strategy), "ingest",
               *map(str, files), "--today", "2025-12-01"]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def contents(db: Path) -> tuple:
    with store.connect(db) as con:
        return (
            con.execute("SELECT * FROM submissions ORDER BY id").fetchall(),
            con.execute(
                "SELECT count(*), sum(value), sum(hash(indicator_id, sex, simd_quintile)) "
                "FROM figures"
            ).fetchone(),
        )


def test_two_ingest_processes_on_one_database_both_load(tmp_path):
    strategy = big_strategy(tmp_path, 10)
    db = tmp_path / "two.duckdb"
    store.init(db, load_strategy(strategy))
    codes = [c.code for c in councils()]
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    rows_first = back_fill(first, codes[:16], QUARTERS, 10)
    rows_second = back_fill(second, codes[16:], QUARTERS, 10)
    processes = [ingest(db, strategy, first), ingest(db, strategy, second)]
    results = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], results
    assert all("Traceback" not in out + err for out, err in results)
    with store.connect(db) as con:
        per_file = con.execute(
            "SELECT file_name, count(*), sum(row_count), bool_and(is_current), max(version) "
            "FROM submissions GROUP BY ALL ORDER BY 1"
        ).fetchall()
        figures = con.execute("SELECT count(*) FROM current_figures").fetchone()[0]
    assert per_file == [
        (first.name, 16 * len(QUARTERS), rows_first, True, 1),  # the name, not the path
        (second.name, 16 * len(QUARTERS), rows_second, True, 1),
    ]
    assert figures == rows_first + rows_second


def test_a_load_killed_midway_leaves_the_database_whole(tmp_path):
    strategy = big_strategy(tmp_path, 30)
    db = tmp_path / "killed.duckdb"
    store.init(db, load_strategy(strategy))
    small = tmp_path / "first.csv"
    back_fill(small, ["S12000036"], ["2025-Q3"], 30)
    first = ingest(db, strategy, small)
    assert first.wait(timeout=60) == 0
    before = contents(db)
    large = tmp_path / "large.csv"
    rows = back_fill(large, [c.code for c in councils()], QUARTERS, 30)
    size = db.stat().st_size
    process = ingest(db, strategy, large)
    wal = Path(f"{db}.wal")
    deadline = time.monotonic() + 60
    # Kill once the load is writing: the file grows or a write-ahead log appears.
    while process.poll() is None and time.monotonic() < deadline:
        if wal.exists() or db.stat().st_size != size:
            break
        time.sleep(0.002)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    after = contents(db)  # the database still opens
    loaded_whole = after[1][0] == before[1][0] + rows
    assert after == before or loaded_whole, "half a file was stored"
    if process.returncode != -signal.SIGKILL:
        pytest.skip("the load finished before it could be killed")
    assert after == before
    again = ingest(db, strategy, small)  # and still works
    out, _ = again.communicate(timeout=60)
    assert again.returncode == 0 and "unchanged (version 1" in out
