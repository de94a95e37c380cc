"""Time a whole public release against a bare kaleido export of its charts, and a store with
ten years of returns against one with one year.

    .venv/bin/python bench/publish.py

On a fresh demo database (the real strategy; returns from 2017 to the last quarter ended),
in one process: (1) the charts alone, drawn as SVG by kaleido in a fresh browser, its
start included: the baseline; (2) the whole release; (3) the whole release on a copy that
keeps only the last year's returns. A release's cost is its charts: (2) should be within
1.3x of (1), and (2) within 1.2x of (3) (pages grow with the strategy, not the returns).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import kaleido  # noqa: E402

from dashboard import export, release  # noqa: E402
from dashboard.release import charts, content  # noqa: E402
from etl import demo, store  # noqa: E402
from etl.strategy.load import load_strategy  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STRATEGY = ROOT / "commitments.yaml"
ROUNDS = 3


def _build(db: Path, as_at, out: Path) -> float:
    started = time.perf_counter()
    release.build_release(db, as_at, out, STRATEGY, built_by="bench")
    return time.perf_counter() - started


def _bare(db: Path, as_at) -> tuple[float, int]:
    figures = charts.all_figures(content.read(db, as_at, STRATEGY))
    started = time.perf_counter()
    export.images(figures, ["svg"])  # starts and stops its own browser
    return time.perf_counter() - started, len(figures)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        db, year = scratch / "ten.duckdb", scratch / "one.duckdb"
        strategy = load_strategy(STRATEGY)
        store.init(db, strategy)
        demo.load_demo(db, strategy)
        as_at = release.default_as_at(db)
        shutil.copyfile(db, year)
        with store.connect(year) as con:
            cut = f"{as_at.year - 1}-Q{(as_at.month - 1) // 3 + 1}"
            con.execute("DELETE FROM figure_values WHERE submission_id IN "
                        "(SELECT id FROM submissions WHERE period <= ?)", [cut])  # fmt: skip
            con.execute("DELETE FROM submissions WHERE period <= ?", [cut])
        assert not kaleido._global_server.is_running()
        # Interleaved and repeated, the minimum of each: a shared machine's load comes and
        # goes, and would otherwise land on one side of a ratio.
        bares, wholes, ones = [], [], []
        for round_ in range(ROUNDS):
            bare, count = _bare(db, as_at)
            bares.append(bare)
            wholes.append(_build(db, as_at, scratch / f"ten-{round_}"))
            ones.append(_build(year, as_at, scratch / f"one-{round_}"))
        bare, whole, one = min(bares), min(wholes), min(ones)
    print(f"charts: {count}; bare kaleido: {bare:.1f} s ({bare / count:.2f} s a chart)")
    print(f"whole release, ten years of returns: {whole:.1f} s ({whole / bare:.2f}x bare; "
          "want <= 1.3x)")  # fmt: skip
    print(f"whole release, one year of returns: {one:.1f} s (ten years = {whole / one:.2f}x "
          "one; want <= 1.2x)")  # fmt: skip


if __name__ == "__main__":
    main()
