"""Reference data: the 32 councils, Scotland, and the superseded codes older returns carry."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

NATIONAL_CODE = "S92000003"  # Scotland, for national figures (strategy-facts.md §5)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Authority:
    code: str
    name: str
    kind: str  # "council" or "national"


@cache
def councils() -> tuple[Authority, ...]:
    with open(DATA_DIR / "councils.csv", encoding="utf-8", newline="") as f:
        return tuple(Authority(row["code"], row["name"], "council") for row in csv.DictReader(f))


@cache
def superseded_codes() -> dict[str, str]:
    """Old GSS code → current code."""
    with open(DATA_DIR / "superseded_codes.csv", encoding="utf-8", newline="") as f:
        return {row["old_code"]: row["code"] for row in csv.DictReader(f)}


def council_count() -> int:
    """How many councils there are (32): the number every "n of 32 councils" gives."""
    return len(councils())


SCOTLAND = Authority(NATIONAL_CODE, "Scotland", "national")


def authorities() -> tuple[Authority, ...]:
    """Every body that may send a return: the 32 councils, then Scotland."""
    return (*councils(), SCOTLAND)


@cache
def _names() -> dict[str, str]:
    return {a.code: a.name for a in authorities()}


def council_name(code: str) -> str:
    """The name of a council (or Scotland) by GSS code; an unknown code as it is."""
    return _names().get(code, code)
