"""Disclosure control for published figures (spec/publication.md): one pure function on a
table, used by everything the tracker publishes (the release's pages and its open data).

*Primary*: a count between 1 and ``min_count`` − 1 for one council, or for any sex or
SIMD-quintile breakdown, is suppressed; Scotland's whole-population totals are published.
*Secondary*: within each group of cells that adds up to a published total (female + male =
all; quintiles 1–5 = all; the councils of one indicator, quarter and breakdown = Scotland's
figure), a single suppressed cell could be recovered by subtraction, so the smallest other
non-zero cell of the group is suppressed too (a zero when there is none; the total itself
when the group has no other cell), repeated until no group whose total is published holds
exactly one suppressed cell. Percentages are published as councils report them.

The symbols are the GSS Analysis Function's ("Symbols in tables").
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass

import pandas as pd

from etl.councils import NATIONAL_CODE

CONFIDENTIAL = "[c]"  # suppressed to protect a small group of learners
NOT_AVAILABLE = "[x]"  # no return received
NOT_APPLICABLE = "[z]"  # a breakdown the indicator does not collect
SYMBOLS = (CONFIDENTIAL, NOT_AVAILABLE, NOT_APPLICABLE)
DEFAULT_MIN_COUNT = 5

KEY = ["authority_code", "period", "indicator_id", "sex", "simd_quintile"]
COLUMNS = [*KEY, "unit", "value"]
SEXES = ("female", "male")
QUINTILES = ("1", "2", "3", "4", "5")


@dataclass(frozen=True)
class Group:
    """Cells (row positions) that add up to the cell ``total``."""

    total: int
    members: tuple[int, ...]


def suppress(
    table: pd.DataFrame, min_count: int = DEFAULT_MIN_COUNT, national: str = NATIONAL_CODE
) -> pd.DataFrame:
    """The table (``COLUMNS``) with two more columns: ``suppressed`` (None, "primary" or
    "secondary") and ``shown`` (the value as published: the number, or ``[c]``); the value of
    a suppressed cell becomes NaN, so nothing downstream can publish it by mistake."""
    out = table[COLUMNS].reset_index(drop=True).copy()
    values = out["value"].to_numpy(dtype="float64").tolist()
    counts = (out["unit"] == "count").to_numpy().tolist()
    whole = (
        (
            (out["authority_code"] == national)
            & (out["sex"] == "all")
            & (out["simd_quintile"] == "all")
        )
        .to_numpy()
        .tolist()
    )
    reason: list[str | None] = [
        "primary" if counts[i] and not whole[i] and 1 <= values[i] < min_count else None
        for i in range(len(out))
    ]
    _secondary(groups(out[out["unit"] == "count"], national), values, reason)
    out["suppressed"] = reason
    hidden = out["suppressed"].notna()
    out["shown"] = [
        CONFIDENTIAL if r is not None else _number(v) for r, v in zip(reason, values, strict=True)
    ]
    out.loc[hidden, "value"] = float("nan")
    return out


def _secondary(found: list[Group], values, reason: list[str | None]) -> None:
    """Suppress one more cell in each group with a published total and exactly one suppressed
    cell, until there is none (a worklist: only the groups a new suppression touches are
    looked at again)."""
    touching: dict[int, list[int]] = defaultdict(list)
    for n, group in enumerate(found):
        for cell in (group.total, *group.members):
            touching[cell].append(n)
    queue, queued = deque(range(len(found))), set(range(len(found)))
    while queue:
        n = queue.popleft()
        queued.discard(n)
        group = found[n]
        if reason[group.total] is not None:
            continue  # the total is not published: nothing to recover from
        hidden = [m for m in group.members if reason[m] is not None]
        if len(hidden) != 1:
            continue
        cell = _partner(group, hidden[0], values, reason)
        reason[cell] = "secondary"
        for other in touching[cell]:
            if other not in queued:
                queue.append(other)
                queued.add(other)


def _partner(group: Group, hidden: int, values, reason) -> int:
    """The cell to suppress beside the group's single suppressed cell: the smallest other
    non-zero cell; else the smallest other (a zero); else the total itself."""
    others = [m for m in group.members if m != hidden and reason[m] is None]
    non_zero = [m for m in others if values[m] != 0]
    pool = non_zero or others
    if not pool:
        return group.total
    return min(pool, key=lambda m: (values[m], m))


def groups(counts: pd.DataFrame, national: str = NATIONAL_CODE) -> list[Group]:
    """Every group of count cells that adds up to a cell of the table (row positions of
    ``counts``' index): each body's sexes and quintiles, and the councils of one indicator,
    quarter and breakdown under Scotland's figure."""
    keys = list(_keys(counts))
    position = {key: n for n, key in zip(counts.index.tolist(), keys, strict=True)}
    members: dict[tuple, list[int]] = defaultdict(list)
    for n, (authority, period, indicator, sex, simd) in zip(
        counts.index.tolist(), keys, strict=True
    ):
        if simd == "all" and sex in SEXES:
            members[(authority, period, indicator, "all", "all")].append(n)
        if sex == "all" and simd in QUINTILES:
            members[(authority, period, indicator, "all", "all", "simd")].append(n)
        if authority != national:
            members[(national, period, indicator, sex, simd, "councils")].append(n)
    found = []
    for key, cells in members.items():
        total = position.get(key[:5])
        if total is not None:
            found.append(Group(total, tuple(cells)))
    return found


def _keys(frame: pd.DataFrame):
    return zip(*(frame[c].tolist() for c in KEY), strict=True)


def _number(value: float) -> str:
    """A published number as written in a table or CSV: whole numbers without a point."""
    return str(int(value)) if float(value).is_integer() else f"{value:.12g}"
