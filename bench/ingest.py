"""How fast a national back-fill loads, against DuckDB merely reading the same file.

Builds a synthetic strategy (the real commitments.yaml plus 300 generated
indicators with both breakdowns) and a valid back-fill of about two million
rows, then times whole processes, alternating: a bare DuckDB ``read_csv`` of the
file into a table, and ``stem-tracker ingest`` of it into a fresh database
(every validation rule applied). Prints the medians of three and the ratio;
the goal is at most 2.0x. Not part of the test suite:

    .venv/bin/python bench/ingest.py [--rows-per-quarter-scale 1.0] [--keep DIR]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.councils import councils  # noqa: E402
from etl.periods import Quarter, quarters_between  # noqa: E402
from etl.returns import contract  # noqa: E402
from etl.strategy.load import load_strategy  # noqa: E402
from etl.strategy.yamlfile import load_with_lines  # noqa: E402
from etl.submissions.spec_cache import spec_in_store  # noqa: E402

EXTRA_INDICATORS = 300
QUARTERS = quarters_between(Quarter(2022, 1), Quarter(2024, 4))  # 12 quarters


def synthetic_strategy(folder: Path) -> Path:
    # The project's own reader: plain YAML would read the key "on" as True.
    data, _ = load_with_lines((ROOT / "commitments.yaml").read_text(encoding="utf-8"))
    source = data["strategy"]["sources"][0]["id"]
    data["commitments"].append(
        {
            "id": "BENCH",
            "title": "Generated for the ingest benchmark",
            "theme": "excellence",
            "lead": "Benchmark",
            "source": source,
            "indicators": [
                {
                    "id": f"BENCH-I{n:03d}",
                    "name": f"Generated indicator {n}",
                    "unit": "percent" if n % 3 == 0 else "count",
                    "direction": "up",
                    "reported_by": "local_authorities",
                    "aggregation": "sum",
                    "breakdowns": ["sex", "simd_quintile"],
                    "baseline": {"period": "2018-Q1", "value": 10},
                    "targets": [{"period": "2026-Q4", "value": 50}],
                }
                for n in range(EXTRA_INDICATORS)
            ],
        }
    )
    path = folder / "commitments-bench.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def back_fill(folder: Path, strategy_path: Path) -> tuple[Path, int]:
    """Every council, quarter, generated indicator and breakdown: one valid row each."""
    strategy = load_strategy(strategy_path)
    ids = [i.id for _, i in strategy.indicators if i.id.startswith("BENCH-")]
    path = folder / "back-fill.csv"
    con = duckdb.connect()
    con.execute(
        f"""
        COPY (
            SELECT a.code AS authority_code, p.period, i.id AS indicator_id,
                CASE WHEN right(i.id, 3)::INT % 3 = 0 THEN round(random() * 100, 1)
                     ELSE floor(random() * 5000) END AS value,
                s.sex, q.simd_quintile,
                CASE WHEN random() < 0.01 THEN 'Figures checked by the data team' END AS comment
            FROM unnest($codes) a(code), unnest($periods) p(period), unnest($ids) i(id),
                unnest($sexes) s(sex), unnest($quintiles) q(simd_quintile)
        ) TO '{path}' (HEADER)
        """,
        {
            "codes": [c.code for c in councils()],
            "periods": [str(q) for q in QUARTERS],
            "ids": ids,
            "sexes": list(contract.SEX_VALUES),
            "quintiles": list(contract.SIMD_VALUES),
        },
    )
    rows = con.execute(f"SELECT count(*) FROM read_csv('{path}')").fetchone()[0]
    return path, rows


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cpu: list[float] | None = None) -> float:
    """Wall seconds of one process; its CPU seconds (user + system) go to ``cpu``."""
    start, start_cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if cpu is not None:
        cpu.append(_children_cpu() - start_cpu)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[:3])}… failed ({done.returncode}):\n{done.stdout[-2000:]}"
                 f"\n{done.stderr[-2000:]}")  # fmt: skip
    return elapsed


def ingest_command(cli: str, db: Path, strategy_path: Path, csv_path: Path) -> list[str]:
    return [cli, "--db", str(db), "--commitments", str(strategy_path),
            "ingest", str(csv_path), "--today", "2025-06-30"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Build the files here and keep them.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="stem-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    cli = str(Path(python).with_name("stem-tracker"))
    try:
        strategy_path = synthetic_strategy(folder)
        csv_path, rows = back_fill(folder, strategy_path)
        size = csv_path.stat().st_size / 1e6
        print(f"back-fill: {rows:,} rows, {size:.0f} MB; strategy + {EXTRA_INDICATORS} indicators")
        empty = folder / "empty.duckdb"
        empty.unlink(missing_ok=True)
        # Set up as the command line leaves it: the strategy parsed once and held in the
        # store, with what returns are checked against (as any ingest leaves it).
        spec_in_store(empty, strategy_path)
        read_only = (
            "import duckdb, sys; duckdb.connect().execute("
            '"CREATE TABLE t AS SELECT * FROM read_csv(?)", [sys.argv[1]])'
        )
        bare = [python, "-c", read_only, str(csv_path)]
        # The same read, kept in a database file as an ingest must: the like-for-like load.
        read_to_file = read_only.replace("duckdb.connect()", "duckdb.connect(sys.argv[2])")
        reads, ingests, read_cpu, ingest_cpu, file_reads = [], [], [], [], []
        for run in range(args.runs):
            # The two timings compared run back to back: this machine's speed drifts.
            db = folder / f"run{run}.duckdb"
            shutil.copyfile(empty, db)
            reads.append(timed(bare, read_cpu))
            ingests.append(timed(ingest_command(cli, db, strategy_path, csv_path), ingest_cpu))
            target = folder / f"bare{run}.duckdb"
            target.unlink(missing_ok=True)
            file_reads.append(timed([python, "-c", read_to_file, str(csv_path), str(target)]))
            print(f"run {run + 1}: read_csv {reads[-1]:.2f} s, ingest {ingests[-1]:.2f} s "
                  f"({ingests[-1] / reads[-1]:.2f}x)")  # fmt: skip
        again = timed(ingest_command(cli, folder / "run0.duckdb", strategy_path, csv_path))
        read, ingest = statistics.median(reads), statistics.median(ingests)
        print(f"median: read_csv {read:.2f} s, ingest {ingest:.2f} s")
        print(f"same file again (every submission unchanged): {again:.2f} s")
        print(f"ratio ingest / read_csv: {ingest / read:.2f}x (goal: at most 2.0x)")
        file_read = statistics.median(file_reads)
        print(f"read_csv kept in a database file: {file_read:.2f} s; "
              f"ratio ingest / that: {ingest / file_read:.2f}x")  # fmt: skip
        # Other work on a shared machine stretches wall time; CPU seconds vary less.
        cpu_read, cpu_ingest = statistics.median(read_cpu), statistics.median(ingest_cpu)
        print(f"CPU seconds: read_csv {cpu_read:.2f}, ingest {cpu_ingest:.2f} "
              f"({cpu_ingest / cpu_read:.2f}x)")  # fmt: skip
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
