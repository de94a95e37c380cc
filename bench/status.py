"""How long the status engine takes on the demo database, and on one padded to ~2M figures.

    .venv/bin/python bench/status.py [--versions 50] [--repeat 7]

Builds the demo in a scratch directory (never data/), then times report() as at
2025-09-30 against a baseline measured in the same run: a bare GROUP BY over
current_figures, i.e. the least work any status could do. The ratio is what to
watch; absolute times depend on the machine. With --versions N every submission
also gets N older (superseded) versions, as if each return had been re-sent N
times, so the figures table grows N+1-fold while the current figures stay the same.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl import demo, store  # noqa: E402
from etl.config import DEFAULT_COMMITMENTS  # noqa: E402
from etl.status import report  # noqa: E402
from etl.strategy.load import load_strategy  # noqa: E402

AS_AT = dt.date(2025, 9, 30)
BASELINE_SQL = "SELECT indicator_id, period, count(*) FROM current_figures GROUP BY ALL"
# The same read of the figures as known at D (the default for every view).
KNOWN_SQL = "SELECT indicator_id, period, count(*) FROM figures_at(?, false) GROUP BY ALL"


def timed(action, repeat: int) -> float:
    """The median of ``repeat`` runs, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def pad_with_old_versions(con, versions: int) -> None:
    """Give every submission ``versions`` superseded copies of itself (not current; numbered
    below it, so that the figures as known at any date are the same as before padding)."""
    con.execute("CREATE TEMP TABLE originals AS SELECT * FROM submissions")
    con.execute("CREATE TEMP TABLE original_figures AS SELECT * FROM figure_values")
    for n in range(versions):
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE copies AS
            SELECT id AS original_id, nextval('submission_ids') AS new_id FROM originals
            """
        )
        con.execute(
            """
            INSERT INTO submissions (id, authority_code, period, version, received_at,
                submitted_by, sha256, row_count, file_name, action, is_current)
            SELECT c.new_id, o.authority_code, o.period, o.version - 1000 - $n, o.received_at,
                o.submitted_by, o.sha256, o.row_count, o.file_name, 'replaced', false
            FROM originals o JOIN copies c ON c.original_id = o.id
            """,
            {"n": n},
        )
        con.execute(
            """
            INSERT INTO figure_values
            SELECT c.new_id, f.indicator_key, f.sex, f.simd_quintile, f.value * 1.01, f.comment
            FROM original_figures f JOIN copies c ON c.original_id = f.submission_id
            """
        )
    store.digest_new_versions(con)  # as every writer does


def measure(db: Path, label: str, repeat: int) -> None:
    with store.connect(db) as con:
        figures = con.execute("SELECT count(*) FROM figures").fetchone()[0]
        current = con.execute("SELECT count(*) FROM current_figures").fetchone()[0]
        report(con, AS_AT)  # warm up
        con.execute(BASELINE_SQL).fetchall()
        con.execute(KNOWN_SQL, [AS_AT]).fetchall()
        engine = timed(lambda: report(con, AS_AT), repeat)
        engine_revised = timed(lambda: report(con, AS_AT, revised=True), repeat)
        baseline = timed(lambda: con.execute(BASELINE_SQL).fetchall(), repeat)
        known = timed(lambda: con.execute(KNOWN_SQL, [AS_AT]).fetchall(), repeat)
    print(
        f"{label}: {figures:,} figures ({current:,} current). "
        f"report() as known: {engine:.0f} ms, revised: {engine_revised:.0f} ms; "
        f"bare GROUP BY over current_figures: {baseline:.0f} ms, over figures_at: {known:.0f} ms; "
        f"ratios: report {engine / baseline:.1f}×, figures as known / current "
        f"{known / baseline:.2f}×, report as known / revised {engine / engine_revised:.2f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=50, help="old versions per submission")
    parser.add_argument("--repeat", type=int, default=7, help="runs per timing (median)")
    args = parser.parse_args()
    strategy = load_strategy(DEFAULT_COMMITMENTS)
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "demo.duckdb"
        store.init(db, strategy)
        demo.load_demo(db, strategy)
        measure(db, "demo", args.repeat)
        if args.versions:
            with store.connect(db) as con:
                pad_with_old_versions(con, args.versions)
            measure(db, f"demo + {args.versions} old versions each", args.repeat)


if __name__ == "__main__":
    main()
