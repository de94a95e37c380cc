"""How long each dashboard page takes on the demo database and on one of ~2M figures.

    .venv/bin/python bench/dashboard.py [--versions 50] [--repeat 5]

Builds the demo in a scratch directory (never data/), copies it and pads the copy
to about two million figures (every return re-sent ``--versions`` times, the
superseded versions kept, as bench/status.py does), then runs every page with
Streamlit's AppTest on both databases, alternating, in the same run:

- cold: the data cache cleared first (every query and the status engine run);
- warm: the same page run again (cached reads; only the data version is read).

(bench/ingest.py's back-fill reaches two million rows by adding 300 generated
indicators to the strategy, so its pages would show a different strategy rather than
the same pages over more rows; padding keeps the strategy and grows the figures.)

Prints the medians per page and the ratio large/demo for cold runs (goal: at
most 1.5×), and warm/cold on the large database (goal: well under 1).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from dashboard import queries  # noqa: E402
from etl import demo, store  # noqa: E402
from etl.config import DEFAULT_COMMITMENTS  # noqa: E402
from etl.strategy.load import load_strategy  # noqa: E402
from tests.streamlit_components import scan_once  # noqa: E402

APP = str(ROOT / "dashboard" / "streamlit_app.py")
PAGES = ["overview", "commitments", "milestones", "councils", "equity", "briefing", "about"]
AS_AT = date(2025, 9, 30)


def pad(db: Path, versions: int) -> None:
    """Reuse bench/status.py's padding: superseded copies of every submission."""
    spec = importlib.util.spec_from_file_location("bench_status", ROOT / "bench" / "status.py")
    bench_status = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_status)
    with store.connect(db) as con:
        bench_status.pad_with_old_versions(con, versions)


def run_page(db: Path, page: str) -> tuple[float, float]:
    """(cold, warm) seconds for one page on one database."""
    os.environ["STEM_TRACKER_DB"] = str(db)
    queries.clear()
    at = AppTest.from_file(APP, default_timeout=300)
    at.switch_page(f"app_pages/{page}.py")
    at.query_params["as_at"] = AS_AT.isoformat()
    start = time.perf_counter()
    at.run()
    cold = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{page} failed on {db.name}: {at.exception}")
    start = time.perf_counter()
    at.run()
    warm = time.perf_counter() - start
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=50, help="old versions per submission")
    parser.add_argument("--repeat", type=int, default=5, help="runs per page (median)")
    args = parser.parse_args()
    # Time the pages, not AppTest's scan of installed packages (the same on both databases,
    # which would pull every ratio towards 1).
    scan_once()
    strategy = load_strategy(DEFAULT_COMMITMENTS)
    with tempfile.TemporaryDirectory() as scratch:
        small, large = Path(scratch) / "demo.duckdb", Path(scratch) / "large.duckdb"
        store.init(small, strategy)
        demo.load_demo(small, strategy)
        shutil.copy(small, large)
        pad(large, args.versions)
        for db in (small, large):
            with store.connect(db) as con:
                figures = con.execute("SELECT count(*) FROM figures").fetchone()[0]
            print(f"{db.name}: {figures:,} figures")
        run_page(small, "overview")  # import and compile everything once
        print(
            f"{'page':<12} {'demo cold':>10} {'large cold':>11} {'ratio':>6}"
            f" {'large warm':>11} {'warm/cold':>10}"
        )
        worst = 0.0
        for page in PAGES:
            times: dict[str, list[tuple[float, float]]] = {"small": [], "large": []}
            for _ in range(args.repeat):
                times["small"].append(run_page(small, page))
                times["large"].append(run_page(large, page))
            small_cold = statistics.median(t[0] for t in times["small"])
            large_cold = statistics.median(t[0] for t in times["large"])
            large_warm = statistics.median(t[1] for t in times["large"])
            ratio = large_cold / small_cold
            worst = max(worst, ratio)
            print(
                f"{page:<12} {small_cold * 1000:>8.0f}ms {large_cold * 1000:>9.0f}ms "
                f"{ratio:>5.2f}× {large_warm * 1000:>9.0f}ms {large_warm / large_cold:>9.2f}×"
            )
        print(f"worst large/demo ratio: {worst:.2f}× (goal: at most 1.5×)")


if __name__ == "__main__":
    main()
