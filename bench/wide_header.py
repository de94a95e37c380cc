"""What a header with thousands of blank columns costs the return reader.

A return wider than ``contract.MAX_COLUMNS`` is refused before DuckDB reads a
row of it; this times that refusal for a 1 MB header of commas. Below the refusal
the reader's cost must still grow with the file, not with its square (the check
for columns with values but no name once ran one query per blank header cell), so
this also times the reader's own stages (decode, header, DuckDB's read, the
unnamed-column check) on 1,000 and 10,000 blank columns, past the limit, and
prints the ratio: about 10 is linear, 100 would be quadratic. Not part of the
test suite:

    .venv/bin/python bench/wide_header.py [--rows 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.returns import validate_return  # noqa: E402
from etl.returns.file import csv_file, decode, load_raw, unnamed_problems  # noqa: E402
from etl.strategy.load import load_strategy  # noqa: E402

NAMED = "authority_code,period,indicator_id,value"


def wide_file(blank: int, rows: int) -> bytes:
    row = "S12000036,2025-Q1,stem_example,1" + "," * blank
    return "\n".join([NAMED + "," * blank] + [row] * rows).encode() + b"\n"


def read(data: bytes) -> float:
    """Seconds for the reader's stages that a blank column costs."""
    start = time.perf_counter()
    text = decode(data, "wide.csv")
    with duckdb.connect() as con, csv_file(text) as path:
        load_raw(con, path, text)
        unnamed_problems(con, text, "wide.csv")
    return time.perf_counter() - start


def median(measure, repeat: int) -> float:
    return statistics.median(measure() for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    narrow, wide = wide_file(1_000, args.rows), wide_file(10_000, args.rows)
    read(narrow)  # warm up
    t_narrow = median(lambda: read(narrow), args.repeat)
    t_wide = median(lambda: read(wide), args.repeat)
    print(f"1,000 blank columns x {args.rows} rows:  {t_narrow * 1000:8.0f} ms")
    print(f"10,000 blank columns x {args.rows} rows: {t_wide * 1000:8.0f} ms")
    print(f"ratio: {t_wide / t_narrow:.1f}x for 10x the columns (linear ~10x, quadratic ~100x)")

    strategy = load_strategy(ROOT / "commitments.yaml")
    commas = (NAMED + "," * 1_000_000 + "\nS12000036,2025-Q1,x,1\n").encode()

    def refuse() -> float:
        start = time.perf_counter()
        report = validate_return(commas, "commas.csv", strategy)
        assert [e.code for e in report.errors] == ["too_wide"], report.errors
        return time.perf_counter() - start

    t_refuse = median(refuse, args.repeat)
    print(f"1 MB header of commas refused in {t_refuse * 1000:.0f} ms: {report_line(strategy)}")


def report_line(strategy) -> str:
    data = (NAMED + "," * 1_000_000 + "\n").encode()
    return str(validate_return(data, "commas.csv", strategy).errors[0])


if __name__ == "__main__":
    main()
