"""Small hand-made databases for the status engine's tests: the strategy in
tests/data/strategy-status.yaml and returns written straight into submissions/figures."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb

from etl import store
from etl.councils import NATIONAL_CODE, councils
from etl.strategy.load import load_strategy

STRATEGY = Path(__file__).resolve().parent / "data" / "strategy-status.yaml"
COUNCILS = [c.code for c in councils()]  # 32, in the file's order


def status_db(tmp_path: Path) -> Path:
    path = tmp_path / "status.duckdb"
    store.init(path, load_strategy(STRATEGY))
    return path


def add_return(
    con: duckdb.DuckDBPyConnection,
    authority_code: str,
    period: str,
    figures: dict[str, float] | list[tuple[str, str, str, float]],
    received_at: dt.datetime | str = "2018-01-01 09:00",
    *,
    version: int = 1,
    is_current: bool = True,
) -> int:
    """One submission; ``figures`` as {indicator: headline value} or (indicator, sex,
    simd_quintile, value) rows. Returns the submission id."""
    rows = (
        [(i, "all", "all", v) for i, v in figures.items()] if isinstance(figures, dict) else figures
    )
    (submission_id,) = con.execute(
        """
        INSERT INTO submissions (authority_code, period, version, received_at, submitted_by,
            sha256, row_count, file_name, action, is_current)
        VALUES (?, ?, ?, ?, 'test', 'sha', ?, 'test.csv', 'new', ?) RETURNING id
        """,
        [authority_code, period, version, received_at, len(rows), is_current],
    ).fetchone()
    keys = store.indicator_keys(con, [row[0] for row in rows])
    con.executemany(
        "INSERT INTO figure_values VALUES (?, ?, ?, ?, ?, NULL)",
        [(submission_id, key, *row[1:]) for key, row in zip(keys, rows, strict=True)],
    )
    return submission_id


def add_council_returns(con, period, n, figures, received_at="2018-01-01 09:00") -> None:
    """The first ``n`` councils each send the same headline figures for ``period``."""
    for code in COUNCILS[:n]:
        add_return(con, code, period, figures, received_at)


def add_national(con, period, figures, received_at="2018-01-01 09:00") -> int:
    return add_return(con, NATIONAL_CODE, period, figures, received_at)


def set_settings(con, **changes) -> None:
    settings = store.settings(con) | changes
    store.set_meta(con, "settings", json.dumps(settings))
