"""What a view's fingerprint costs as the figures grow (issue 26): opening the Briefing page
works it out, so it must follow the number of returns, not of figures.

    .venv/bin/python bench/fingerprint.py [--repeat 5]

Loads bench/ingest.py's national back-fill (about two million rows: 32 councils, 12
quarters, 300 generated indicators with both breakdowns) through the real ingest, and one
quarter of it (a twelfth) into another database, then times ``figures_used`` as at the
end of the last quarter on both, alternating, by each method: ``rows`` (every figure
sorted and hashed, as packs before issue 26 were checked) and ``versions`` (one digest
kept per return). Prints the medians and the ratio twelfth/whole for each; the goal is
that ``versions`` grows with the returns (12×) at most, and stays far below ``rows``.
Also prints what keeping the digests adds to the ingest itself.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl import store  # noqa: E402
from etl.figures_used import METHODS, figures_used  # noqa: E402
from etl.strategy.load import load_strategy  # noqa: E402
from etl.submissions.ingest import ingest_return  # noqa: E402

AS_AT = date.today()  # the back-fill arrives today


def bench_ingest():
    spec = importlib.util.spec_from_file_location("bench_ingest", ROOT / "bench" / "ingest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(db: Path, strategy_path: Path, csv_path: Path) -> float:
    """Ingest ``csv_path`` into a new database; the seconds its digests took."""
    strategy = load_strategy(strategy_path)
    store.init(db, strategy)
    result = ingest_return(db, csv_path.read_bytes(), csv_path.name, strategy, today=AS_AT)
    assert result.stored, result.report
    with store.connect(db) as con:
        con.execute("UPDATE submissions SET figures_sha256 = NULL")
        start = time.perf_counter()
        store.digest_new_versions(con)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    helpers = bench_ingest()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        strategy_path = helpers.synthetic_strategy(folder)
        whole_csv, rows = helpers.back_fill(folder, strategy_path)
        twelfth_csv = folder / "one-quarter.csv"
        last = str(helpers.QUARTERS[-1])
        duckdb.sql(
            f"COPY (SELECT * FROM read_csv('{whole_csv}', all_varchar = true) "
            f"WHERE period = '{last}') TO '{twelfth_csv}' (HEADER)"
        )
        dbs = {"whole": folder / "whole.duckdb", "twelfth": folder / "twelfth.duckdb"}
        digests = {name: load(db, strategy_path, csv) for (name, db), csv
                   in zip(dbs.items(), (whole_csv, twelfth_csv), strict=True)}  # fmt: skip
        print(f"back-fill: {rows:,} rows; one quarter of it: a twelfth")
        print(f"keeping the digests at ingest: {digests['whole']:.2f} s for the whole back-fill")
        for method in METHODS:
            times: dict[str, list[float]] = {name: [] for name in dbs}
            for _ in range(args.repeat):
                for name, db in dbs.items():
                    with store.connect(db) as con:
                        start = time.perf_counter()
                        figures_used(con, AS_AT, False, method)
                        times[name].append(time.perf_counter() - start)
            whole, twelfth = (statistics.median(times[n]) for n in ("whole", "twelfth"))
            print(f"{method:<9} whole {whole * 1000:7.1f} ms  twelfth {twelfth * 1000:6.1f} ms"
                  f"  whole/twelfth {whole / twelfth:5.2f}×")  # fmt: skip


if __name__ == "__main__":
    main()
