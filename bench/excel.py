"""How fast a return sent as an Excel workbook is checked, against the same rows as CSV.

Two cases, each timed as whole processes, alternating, in the same run:
``stem-tracker validate`` of the workbook and of the CSV holding the same rows. First a
council's full return (the real strategy's template for City of Edinburgh, every value
filled in), then a 50,000-row workbook (the generated strategy of bench/ingest.py, every
breakdown of its indicators for a few councils and quarters). The goal is at most 2.0x
in each. It also times the two readers weighed for the workbook (python-calamine, and
openpyxl's read-only mode) reading the 50,000-row sheet in this process. Not part of the
test suite:

    .venv/bin/python bench/excel.py [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import openpyxl  # noqa: E402
from ingest import synthetic_strategy, timed  # noqa: E402  (bench/ingest.py)
from python_calamine import CalamineWorkbook  # noqa: E402

from etl.councils import councils  # noqa: E402
from etl.returns import contract  # noqa: E402
from etl.strategy.load import load_strategy  # noqa: E402
from etl.submissions import export  # noqa: E402

ROWS = 50_000
PERIODS = ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4")


def council_return(folder: Path) -> tuple[Path, Path, int]:
    """City of Edinburgh's full return for 2025-Q3, as CSV and as the filled template."""
    strategy = load_strategy(ROOT / "commitments.yaml")
    rows = list(csv.reader(io.StringIO(export.template(strategy, "S12000036", "2025-Q3")
                                       .decode("utf-8-sig"))))  # fmt: skip
    at = rows[0].index("value")
    for n, row in enumerate(rows[1:]):
        row[at] = str(n % 90 + 1)
    return _both(folder / "council", rows)


def large_return(folder: Path, strategy_path: Path) -> tuple[Path, Path, int]:
    """50,000 valid rows of the generated indicators."""
    strategy = load_strategy(strategy_path)
    indicators = [i for _, i in strategy.indicators if i.id.startswith("BENCH-")]
    rows = [["authority_code", "period", "indicator_id", "sex", "simd_quintile", "value",
             "comment"]]  # fmt: skip
    for council in councils():
        for period in PERIODS:
            for indicator in indicators:
                for sex in contract.SEX_VALUES:
                    for quintile in contract.SIMD_VALUES:
                        if len(rows) > ROWS:
                            return _both(folder / "large", rows)
                        value = str(len(rows) % 97) if indicator.unit == "percent" else str(
                            len(rows) % 4000)  # fmt: skip
                        rows.append([council.code, period, indicator.id, sex, quintile, value,
                                     ""])  # fmt: skip
    return _both(folder / "large", rows)


def _both(stem: Path, rows: list[list[str]]) -> tuple[Path, Path, int]:
    """The rows as CSV and as a workbook (values as numbers, as a council's Excel holds them)."""
    csv_path, xlsx_path = stem.with_suffix(".csv"), stem.with_suffix(".xlsx")
    with csv_path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Return")
    at = rows[0].index("value")
    sheet.append(rows[0])
    for row in rows[1:]:
        sheet.append([float(c) if n == at else c for n, c in enumerate(row)])
    book.save(xlsx_path)
    return csv_path, xlsx_path, len(rows) - 1


def compare(cli: str, strategy_path: Path, csv_path: Path, xlsx_path: Path, runs: int) -> float:
    def validate(path: Path) -> list[str]:
        return [cli, "--commitments", str(strategy_path), "validate", str(path),
                "--today", "2025-12-01"]  # fmt: skip

    by_csv, by_book, cpu_csv, cpu_book = [], [], [], []
    for _ in range(runs):
        by_csv.append(timed(validate(csv_path), cpu_csv))
        by_book.append(timed(validate(xlsx_path), cpu_book))
    csv_s, book_s = statistics.median(by_csv), statistics.median(by_book)
    ratio = book_s / csv_s
    print(f"  CSV {csv_s:.2f} s, workbook {book_s:.2f} s: {ratio:.2f}x (goal: at most 2.0x)")
    # Other work on a shared machine stretches wall time; CPU seconds vary less.
    cpu_c, cpu_b = statistics.median(cpu_csv), statistics.median(cpu_book)
    print(f"  CPU seconds: CSV {cpu_c:.2f}, workbook {cpu_b:.2f} ({cpu_b / cpu_c:.2f}x)")
    return ratio


def readers(xlsx_path: Path) -> None:
    """The two readers on the large sheet, in this process (the better of three)."""
    data = xlsx_path.read_bytes()

    def calamine() -> int:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            return len(book.get_sheet_by_name("Return").to_python(skip_empty_area=False))

    def openpyxl_read_only() -> int:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = sum(1 for _ in book["Return"].iter_rows(values_only=True))
        book.close()
        return rows

    for name, read in (("python-calamine", calamine), ("openpyxl read-only", openpyxl_read_only)):
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            read()
            best = min(best, time.perf_counter() - start)
        print(f"  {name}: {best:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Build the files here and keep them.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="stem-bench-excel-"))
    folder.mkdir(parents=True, exist_ok=True)
    cli = str(Path(sys.executable).with_name("stem-tracker"))
    try:
        csv_path, xlsx_path, rows = council_return(folder)
        print(f"a council's full return ({rows} rows):")
        compare(cli, ROOT / "commitments.yaml", csv_path, xlsx_path, args.runs)
        strategy_path = synthetic_strategy(folder)
        csv_path, xlsx_path, rows = large_return(folder, strategy_path)
        size = xlsx_path.stat().st_size / 1e6
        print(f"a large return ({rows:,} rows, workbook {size:.1f} MB):")
        compare(cli, strategy_path, csv_path, xlsx_path, args.runs)
        print("reading the large sheet alone:")
        readers(xlsx_path)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
