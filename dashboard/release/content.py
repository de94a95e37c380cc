"""What a release is built from, read from the store in short connections: the briefing's
inputs as known at D (the same status report and the same fingerprint a pack records), the
figures of every council and Scotland as known at D, the councils, and the strategy file's
SHA-256. Nothing here depends on the clock."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd

from dashboard import briefing, sql
from dashboard.briefing.pack import Inputs
from etl import store
from etl.councils import NATIONAL_CODE
from etl.periods import Quarter, quarters_between
from etl.strategy.load import load_strategy
from etl.strategy.model import Settings

# Councils' figures for local-authority indicators, Scotland's for national ones, as known
# at D, for the quarters whose returns were due by D.
_FIGURES = """
    SELECT f.authority_code, f.period, f.indicator_id, f.sex, f.simd_quintile, i.unit, f.value
    FROM figures_at($as_at, false) f
    JOIN indicators i ON i.id = f.indicator_id
    JOIN authorities a ON a.code = f.authority_code
    WHERE f.period <= $last
      AND CASE WHEN i.reported_by = 'national' THEN a.code = $national
               ELSE a.kind = 'council' END
    ORDER BY 1, 2, 3, 4, 5
"""


@dataclass(frozen=True)
class Content:
    inputs: Inputs  # the briefing's inputs as known at D
    figures: pd.DataFrame  # authority_code, period, indicator_id, sex, simd_quintile, unit, value
    authorities: pd.DataFrame  # code, name, kind
    strategy: dict[str, pd.DataFrame]  # themes and milestone_changes, as the store holds them
    settings: Settings
    # From the strategy's start to the last whose returns were due by D (the quarter every
    # view counts coverage for): a quarter still open for returns would show each council's
    # cells as "[x] no return received" though none was late.
    quarters: list[str]
    sources: list[tuple[str, str]]  # the strategy's sources: title, address (or "")
    strategy_sha256: str
    version: str  # the tracker's

    @property
    def as_at(self) -> dt.date:
        return self.inputs.as_at

    @property
    def has_returns(self) -> bool:
        return not self.figures.empty


def read(db: Path | str, as_at: dt.date, strategy_file: Path) -> Content:
    """Everything a release as at ``as_at`` shows, on the figures as known then."""
    inputs = briefing.read(db, as_at, revised=False)
    due = inputs.report.coverage_period
    last = Quarter.parse(due) if due else None
    with store.connect(db) as con:
        figures = con.execute(
            _FIGURES, {"as_at": as_at, "last": str(last or ""), "national": NATIONAL_CODE}
        ).df()
        authorities = con.execute("SELECT code, name, kind FROM authorities ORDER BY name").df()
        settings = Settings(**store.settings(con))
        strategy = {n: con.execute(*sql.table(n)).df() for n in ("themes", "milestone_changes")}
        start = Quarter.parse(store.get_meta(con, "start"))
    return Content(
        inputs=inputs,
        figures=figures,
        authorities=authorities,
        strategy=strategy,
        settings=settings,
        quarters=[str(q) for q in quarters_between(start, last)] if last else [],
        sources=[(s.title, s.url or "") for s in load_strategy(strategy_file).strategy.sources],
        strategy_sha256=hashlib.sha256(Path(strategy_file).read_bytes()).hexdigest(),
        version=_version(),
    )


def _version() -> str:
    try:
        return metadata.version("stem-tracker")
    except metadata.PackageNotFoundError:
        return "unknown"
