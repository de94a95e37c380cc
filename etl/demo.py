"""Demo data: plausible, deterministic quarterly returns for every council.

Every figure made here is invented. The database is marked ``figures = demo``
and every screen and export says so. Values follow each indicator's own
trajectory (baseline → targets), scaled to each council by an approximate
population share, with seeded variation so that every status appears: some
indicators ahead, some just behind, some well behind, a COVID-19 dip in
2020–21, one indicator too thinly reported to judge, councils late or missing
in some quarters, and a few returns corrected and re-sent.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from etl import store
from etl.councils import NATIONAL_CODE, councils
from etl.errors import TrackerError
from etl.periods import Quarter, last_ended, quarters_between
from etl.status import trajectory
from etl.strategy.model import Indicator, StrategyFile

# Approximate populations in thousands (NRS mid-year estimates, rounded), used only to
# give demo councils plausible relative sizes. Illustrative, not a statistic.
POPULATION_THOUSANDS = {
    "S12000005": 52, "S12000006": 149, "S12000008": 122, "S12000010": 108,
    "S12000011": 96, "S12000013": 27, "S12000014": 160, "S12000017": 235,
    "S12000018": 78, "S12000019": 94, "S12000020": 96, "S12000021": 134,
    "S12000023": 22, "S12000026": 116, "S12000027": 23, "S12000028": 112,
    "S12000029": 322, "S12000030": 94, "S12000033": 227, "S12000034": 262,
    "S12000035": 86, "S12000036": 527, "S12000038": 179, "S12000039": 88,
    "S12000040": 183, "S12000041": 116, "S12000042": 149, "S12000045": 109,
    "S12000047": 374, "S12000048": 152, "S12000049": 635, "S12000050": 341,
}  # fmt: skip

# How each indicator runs against its trajectory, by position in the file: ahead,
# just behind, well behind, level. The cycle makes every indicator status appear.
PROFILES = (1.08, 0.95, 0.82, 1.02)
COVID = (Quarter(2020, 2), Quarter(2021, 2))  # schools closed or disrupted
COVID_DIP = 0.8
THIN_SHARE = 0.6  # the last council indicator is reported by this share of councils only
SIMD_SHARES = (0.14, 0.18, 0.2, 0.23, 0.25)  # participation by quintile 1 (most deprived) … 5


class DemoRefused(TrackerError, RuntimeError):
    """The database holds returns that are not demo data."""


def _rng(seed: int, *keys: str) -> np.random.Generator:
    """A generator per (indicator, council, …): adding a quarter never changes earlier figures."""
    return np.random.default_rng([seed, *(zlib.crc32(k.encode()) for k in keys)])


def _performance(profile: float, quarter: Quarter, start: Quarter) -> float:
    """Early quarters sit near the trajectory; the profile shows as the strategy goes on."""
    progress = min(1.0, (quarter.index - start.index) / 8)
    factor = 1 + (profile - 1) * progress
    if COVID[0] <= quarter <= COVID[1]:
        factor *= COVID_DIP
    return factor


def _trajectory_at(indicator: Indicator, quarter: Quarter) -> float:
    """The status engine's trajectory (the one rule); demo quarters start at the baseline."""
    targets = [(t.period, t.value) for t in indicator.targets]
    return trajectory((indicator.baseline.period, indicator.baseline.value), targets, str(quarter))


def _value(indicator: Indicator, national: float, weight: float, factor: float) -> float:
    value = national * weight if indicator.aggregation == "sum" else national
    value = value * factor if indicator.direction == "up" else value / factor
    if indicator.unit == "percent":
        return round(float(np.clip(value, 0, 100)), 1)
    if indicator.unit == "percentage_points":
        return round(float(np.clip(value, -100, 100)), 1)
    return float(max(0, round(value)))


def _breakdown_rows(
    indicator: Indicator, headline: float, rng: np.random.Generator, progress: float
):
    """Rows for each declared breakdown, one dimension at a time, consistent with the headline."""
    rows = []
    is_count = indicator.unit == "count"
    if "sex" in indicator.breakdowns:
        female_share = 0.36 + 0.08 * progress + rng.normal(0, 0.02)
        female = headline * female_share if is_count else headline * (0.9 + 0.15 * progress)
        male = headline - female if is_count else headline * (1.1 - 0.1 * progress)
        rows += [("female", "all", female), ("male", "all", male)]
    if "simd_quintile" in indicator.breakdowns:
        shares = np.array(SIMD_SHARES) + np.array([0.03, 0.01, 0, -0.01, -0.03]) * progress
        shares = shares / shares.sum()
        for quintile, share in enumerate(shares, start=1):
            value = headline * share if is_count else headline * (0.8 + share)
            rows.append(("all", str(quintile), value))
    cap = 100 if indicator.unit != "count" else None
    return [
        (sex, simd, round(float(np.clip(v, 0, cap)), 1) if cap else float(max(0, round(v))))
        for sex, simd, v in rows
    ]


def _corrected(rows: list[tuple], factor: float, percent: set[str]) -> list[tuple]:
    """A council's correction: every headline figure times ``factor`` (a percent kept to 100,
    a count whole), its breakdowns as they were."""

    def moved(indicator_id: str, value: float) -> float:
        if indicator_id in percent:
            return min(100.0, round(value * factor, 1))
        return float(round(value * factor))

    return [
        (i, s, q, moved(i, v)) if s == "all" and q == "all" else (i, s, q, v) for i, s, q, v in rows
    ]


@dataclass(frozen=True)
class _Plan:
    """What every body's returns share: the quarters, the clock, how each indicator runs."""

    seed: int
    start: Quarter
    quarters: list[Quarter]
    due_days: int
    now: datetime
    profiles: dict[str, float]  # indicator id: its factor against the trajectory (PROFILES)
    thin: str | None  # the indicator reported by only some councils


def _plan(strategy: StrategyFile, seed: int, today: date) -> _Plan:
    start = Quarter.parse(strategy.strategy.start)
    indicators = [i for _, i in strategy.indicators]
    council_indicators = [i for i in indicators if i.reported_by == "local_authorities"]
    return _Plan(
        seed=seed,
        start=start,
        quarters=quarters_between(start, last_ended(today)),
        due_days=strategy.settings.returns_due_days,
        now=datetime.combine(today, time(9, 0)),
        profiles={i.id: PROFILES[n % len(PROFILES)] for n, i in enumerate(indicators)},
        thin=council_indicators[-1].id if len(council_indicators) > 1 else None,
    )


def build_demo(strategy: StrategyFile, *, seed: int = 2017, today: date | None = None):
    """Return (submissions, figures) data frames of demo returns up to the last ended quarter."""
    plan = _plan(strategy, seed, today or date.today())
    indicators = [i for _, i in strategy.indicators]
    submissions, figures = [], []
    bodies = [(c.code, c.name) for c in councils()] + [(NATIONAL_CODE, "Scotland")]
    for code, name in bodies:
        national = code == NATIONAL_CODE
        own = [i for i in indicators if (i.reported_by == "national") == national]
        if not own:
            continue
        by = "demo: STEM policy team" if national else f"demo: {name} data officer"
        for quarter, sent in _returns(plan, code, own):
            for version, (received, rows) in enumerate(sent, start=1):
                submissions.append(
                    {
                        "authority_code": code,
                        "period": str(quarter),
                        "version": version,
                        "received_at": received,
                        "submitted_by": by,
                        "sha256": hashlib.sha256(repr(rows).encode()).hexdigest(),
                        "row_count": len(rows),
                        "file_name": f"demo-{code}-{quarter}.csv",
                        "action": "new" if version == 1 else "replaced",
                        "is_current": version == len(sent),
                    }
                )
                figures += [
                    {"authority_code": code, "period": str(quarter), "version": version,
                     "indicator_id": i, "sex": s, "simd_quintile": q, "value": v}
                    for i, s, q, v in rows
                ]  # fmt: skip
    return pd.DataFrame(submissions), pd.DataFrame(figures), plan.quarters


def _returns(
    plan: _Plan, code: str, own: list[Indicator]
) -> Iterator[tuple[Quarter, list[tuple[datetime, list[tuple]]]]]:
    """One body's returns, quarter by quarter, each as the versions it sent: (quarter,
    [(received, rows), correction if any]). A quarter never sent, or not sent yet, is left
    out. The draws keep their order, so the demo stays the same for a seed."""
    national = code == NATIONAL_CODE
    total = sum(POPULATION_THOUSANDS.values())
    weight = 1 if national else POPULATION_THOUSANDS.get(code, 0) / total
    percent = {i.id for i in own if i.unit != "count"}
    # Each council has its own habits: how often it is late, and how far it runs ahead.
    habits = _rng(plan.seed, code)
    lateness, council_factor = habits.uniform(0.03, 0.3), habits.normal(1, 0.06)
    for quarter in plan.quarters:
        rng = _rng(plan.seed, code, str(quarter))
        if not national and rng.random() < 0.03:
            continue  # never sent
        received = _received(rng, quarter, plan.due_days, late=rng.random() < lateness)
        if received > plan.now:
            continue  # not sent yet
        rows = _return_rows(
            plan, code, quarter, own, weight, 1 if national else council_factor, rng
        )
        if not rows:
            continue
        due = datetime.combine(quarter.end + timedelta(days=plan.due_days), time(17, 0))
        correction = _correction(rng, max(received, due), plan.now, rows, percent)
        yield quarter, [(received, rows), *correction]


def _return_rows(
    plan: _Plan, code: str, quarter: Quarter, own: list[Indicator], weight: float,
    council_factor: float, rng: np.random.Generator,
) -> list[tuple]:  # fmt: skip
    """The rows of one return: each indicator the body reports that has begun by the
    quarter (the thin one from only some councils), near its trajectory."""
    rows = []
    for indicator in own:
        if indicator.baseline.quarter > quarter:
            continue
        if indicator.id == plan.thin and _rng(plan.seed, code, indicator.id).random() > THIN_SHARE:
            continue
        noise = rng.normal(1, 0.05) * council_factor
        factor = _performance(plan.profiles[indicator.id], quarter, plan.start) * noise
        rows += _indicator_rows(indicator, quarter, plan.start, weight, factor, rng)
    return rows


def _received(rng: np.random.Generator, quarter: Quarter, due_days: int, late: bool) -> datetime:
    """When a return arrived: before its due date, or 3 to 45 days after it."""
    days = int(rng.integers(due_days + 3, due_days + 45) if late else rng.integers(10, due_days))
    return datetime.combine(
        quarter.end + timedelta(days=days),
        time(int(rng.integers(8, 18)), int(rng.integers(0, 60))),
    )


def _indicator_rows(indicator, quarter, start, weight, factor, rng) -> list[tuple]:
    """One indicator's rows in a return: the headline, then each declared breakdown."""
    headline = _value(indicator, _trajectory_at(indicator, quarter), weight, factor)
    progress = min(1.0, (quarter.index - start.index) / 20)
    rows = [(indicator.id, "all", "all", headline)]
    return rows + [(indicator.id, *r) for r in _breakdown_rows(indicator, headline, rng, progress)]


def _correction(rng, after: datetime, now: datetime, rows, percent) -> list[tuple]:
    """Some councils send a correction weeks after the due date: a real revision (none if
    it has not come yet)."""
    if rng.random() >= 0.06:
        return []
    later = after + timedelta(days=int(rng.integers(20, 150)))
    change = float(rng.uniform(0.04, 0.15)) * (1 if rng.random() < 0.5 else -1)
    return [(later, _corrected(rows, 1 + change, percent))] if later <= now else []


def load_demo(
    db_path: str | Path, strategy: StrategyFile, *, seed: int = 2017, today: date | None = None
) -> dict:
    """Replace the figures with demo returns; refuse a database that holds real returns."""
    submissions, figures, quarters = build_demo(strategy, seed=seed, today=today)
    with store.connect(db_path) as con:
        store.require_schema(con)
        has_returns = con.execute("SELECT count(*) FROM submissions").fetchone()[0] > 0
        if has_returns and store.get_meta(con, "figures") != "demo":
            raise DemoRefused(
                f"{db_path} holds councils' returns that are not demo data; "
                "load the demo into another database with --db"
            )
        store.indicator_keys(con, [i.id for _, i in strategy.indicators])  # not in a transaction
        with store.transaction(con):
            con.execute("DELETE FROM figure_values")
            con.execute("DELETE FROM submissions")
            if len(submissions):
                con.register("demo_submissions", submissions)
                con.register("demo_figures", figures)
                con.execute(
                    """
                    INSERT INTO submissions (authority_code, period, version, received_at,
                        submitted_by, sha256, row_count, file_name, action, is_current)
                    SELECT authority_code, period, version, received_at, submitted_by, sha256,
                        row_count, file_name, action, is_current
                    FROM demo_submissions ORDER BY received_at
                    """
                )
                con.execute(
                    """
                    INSERT INTO figure_values (submission_id, indicator_key, sex, simd_quintile,
                        value)
                    SELECT s.id, k.key, f.sex, f.simd_quintile, f.value
                    FROM demo_figures f JOIN submissions s
                      USING (authority_code, period, version)
                    JOIN indicator_keys k ON k.id = f.indicator_id
                    """
                )
                store.digest_new_versions(con)
            store.set_meta(con, "figures", "demo")
    return {
        "submissions": len(submissions),
        "rows": len(figures),
        "first_period": str(quarters[0]),
        "last_period": str(quarters[-1]),
    }
