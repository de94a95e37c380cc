"""Each theme's counts as at D: its commitments and indicators by status, and its milestones
due and completed. One typed value per theme, so that every view reads a field (``counts.
commitments["at_risk"]``) and no one rebuilds a column's name from a status."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from etl.status.rules import COMMITMENT_STATUSES, INDICATOR_STATUSES


@dataclass(frozen=True)
class ThemeCounts:
    id: str
    name: str
    # status → count, every status in the spec's order (COMMITMENT_STATUSES,
    # INDICATOR_STATUSES), zero included. Plain dicts, not read-only mappings, because the
    # dashboard's cache pickles the report.
    commitments: dict[str, int]
    indicators: dict[str, int]
    milestones_due: int  # due by D (due ≤ D)
    milestones_completed: int  # of those due by D, the ones complete by D

    @property
    def delivery_rate(self) -> float | None:
        """Completed of those due by D; None while none is due."""
        return self.milestones_completed / self.milestones_due if self.milestones_due else None

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "commitments": dict(self.commitments),
            "milestones_due": self.milestones_due,
            "milestones_completed": self.milestones_completed,
            "delivery_rate": self.delivery_rate,
            "indicators": dict(self.indicators),
        }


def theme_counts(
    themes: pd.DataFrame,
    commitments: pd.DataFrame,
    milestones: pd.DataFrame,
    indicators: pd.DataFrame,
    as_at: dt.date,
) -> tuple[ThemeCounts, ...]:
    """One ``ThemeCounts`` per theme (``themes``: id and name, in the strategy's order),
    counted from the report's commitments, milestones and indicators (each with ``theme``
    and ``status``)."""
    by_commitment = _count(commitments)
    by_indicator = _count(indicators)
    due = _count(milestones, where=[day <= as_at for day in milestones["due"]])
    return tuple(
        ThemeCounts(
            id=theme.id,
            name=theme.name,
            commitments={s: by_commitment[theme.id, s] for s in COMMITMENT_STATUSES},
            indicators={s: by_indicator[theme.id, s] for s in INDICATOR_STATUSES},
            milestones_due=sum(n for (t, _), n in due.items() if t == theme.id),
            milestones_completed=due[theme.id, "complete"],
        )
        for theme in themes.itertuples(index=False)
    )


def _count(frame: pd.DataFrame, *, where: list[bool] | None = None) -> Counter:
    """(theme, status) → how many rows, of those kept by ``where``."""
    pairs = zip(frame["theme"], frame["status"], strict=True)
    if where is not None:
        pairs = (pair for pair, keep in zip(pairs, where, strict=True) if keep)
    return Counter(pairs)
