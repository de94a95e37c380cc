"""The progress-return contract's columns, in one place.

The validator (``etl.returns``), the one writer of the format
(``etl.submissions.export``: the template, a version, the export) and the
Frictionless Table Schema all read these definitions, so they cannot drift apart. The
contract itself is ``shared/spec/progress-return.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from etl.councils import NATIONAL_CODE

if TYPE_CHECKING:
    from etl.strategy.model import Indicator, StrategyFile

# The contract's version, in the template workbook's properties: a template made for an
# earlier version is named as such when its rows have errors.
VERSION = "1"
SEX_VALUES = ("all", "female", "male")
SIMD_VALUES = ("all", "1", "2", "3", "4", "5")
MAX_COMMENT = 1000
# The widest header a return may have: its nine columns, and room for the blank ones
# Excel writes after a cell that was once used. Wider files are refused unread.
MAX_COLUMNS = 100
# The largest plausible figure of an indicator, unless commitments.yaml gives its own
# `maximum`: a percent is at most 100, and no count the strategy tracks (pupils, teachers,
# places, in a council or in Scotland) comes near ten million, Scotland's population twice.
# A gap in percentage points lies between -100 and 100.
DEFAULT_MAXIMUM = {"percent": 100.0, "percentage_points": 100.0, "count": 10_000_000.0}


def maximum(unit: str, declared: float | None = None) -> float:
    """The largest figure a return may give for an indicator of this unit."""
    return float(declared) if declared is not None else DEFAULT_MAXIMUM[unit]


# Text a spreadsheet would run as a formula; exports neutralise it with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The same, as one pattern for Python and DuckDB alike: a formula sign after any spaces or
# line breaks (spreadsheets skip them), the full-width signs Excel reads as the plain ones
# (＝ ＋ － ＠), or a tab or carriage return first. Anchored, with no nested repeats: linear.
FORMULA_PATTERN = "^[ \t\r\n]*[=+\\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]"
_FORMULA = re.compile(FORMULA_PATTERN)
FORMULA_SQL = "'" + FORMULA_PATTERN.replace("'", "''") + "'"  # the pattern as a SQL literal


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    description: str
    # Frictionless field properties beyond name/description (type, constraints, ...).
    frictionless: dict = field(default_factory=dict)
    ignored: bool = False  # read for the person filling it in; never stored


# Forms Quarter.parse accepts, as an (implicitly anchored) Frictionless pattern. One run of
# spaces each side of the dash: two runs around an optional space could split the same spaces
# every way, which a backtracking validator tries one by one.
_PERIOD_PATTERN = r"\s*(\d{4}\s*(-\s*)?[qQ][1-4]|[qQ][1-4]\s*(-\s*)?\d{4})\s*"

COLUMNS: tuple[Column, ...] = (
    Column(
        "authority_code",
        True,
        "GSS code of the council (e.g. S12000036 for City of Edinburgh); national figures "
        f"use Scotland's code {NATIONAL_CODE}. Superseded codes are mapped with a warning.",
        {"type": "string", "constraints": {"required": True, "pattern": r"\s*[sS]\d{8}\s*"}},
    ),
    Column(
        "period",
        True,
        "Calendar quarter reported on: 2025-Q3 is July to September 2025. Also accepted: "
        "2025 Q3, 2025Q3, Q3 2025, q3-2025.",
        {"type": "string", "constraints": {"required": True, "pattern": _PERIOD_PATTERN}},
    ),
    Column(
        "indicator_id",
        True,
        "An indicator declared in commitments.yaml (case-insensitive), reported by this kind "
        "of body (a council, or Scotland for national figures).",
        {"type": "string", "constraints": {"required": True}},
    ),
    Column(
        "value",
        True,
        "The figure: a number of at least 0 (1,234 and 12.5% are accepted); a percent is 0 to "
        "100; a gap in percentage points may be negative, -100 to 100; and no figure may be "
        "above its indicator's plausible maximum (commitments.yaml "
        "`maximum`, else 10,000,000 for a count). A blank value means the row is left out.",
        {"type": "number", "groupChar": ",", "bareNumber": False, "constraints": {"minimum": -100}},
    ),
    Column(
        "sex",
        False,
        f"Breakdown by sex: all (or blank), {', '.join(SEX_VALUES[1:])}. Only for indicators "
        "that declare it.",
        {"type": "string", "constraints": {"enum": ["", *SEX_VALUES]}},
    ),
    Column(
        "simd_quintile",
        False,
        "Breakdown by Scottish Index of Multiple Deprivation quintile (1 = most deprived): "
        f"all (or blank), {SIMD_VALUES[1]} to {SIMD_VALUES[-1]}. Only for indicators that "
        "declare it.",
        {"type": "string", "constraints": {"enum": ["", *SIMD_VALUES]}},
    ),
    Column(
        "comment",
        False,
        f"The council's narrative for the row, at most {MAX_COMMENT:,} characters.",
        {"type": "string", "constraints": {"maxLength": MAX_COMMENT}},
    ),
    Column("indicator_name", False, "For the person filling it in; ignored.", {}, ignored=True),
    Column("unit", False, "For the person filling it in; ignored.", {}, ignored=True),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
REQUIRED = tuple(c.name for c in COLUMNS if c.required)
# The order of the template and the export: what a person reads left to right.
FILE_ORDER = (
    "authority_code",
    "period",
    "indicator_id",
    "indicator_name",
    "unit",
    "sex",
    "simd_quintile",
    "value",
    "comment",
)


def reports(indicator: Indicator, authority_code: str) -> bool:
    """Whether this kind of body (a council, or Scotland) reports this indicator."""
    national = authority_code == NATIONAL_CODE
    return (indicator.reported_by == "national") == national


def breakdown_rows(indicator: Indicator) -> list[tuple[str, str]]:
    """Every (sex, simd_quintile) the indicator allows, the total first."""
    sexes = SEX_VALUES if "sex" in indicator.breakdowns else ("all",)
    quintiles = SIMD_VALUES if "simd_quintile" in indicator.breakdowns else ("all",)
    return [(s, q) for s in sexes for q in quintiles]


def breakdown_order(sex: str, simd_quintile: str) -> str:
    """SQL ORDER BY terms that put a return's rows in the breakdowns' own order (the total
    first, as ``breakdown_rows``), for every writer of the return format."""
    return ", ".join(
        f"array_position([{', '.join(repr(v) for v in values)}], {column})"
        for values, column in ((SEX_VALUES, sex), (SIMD_VALUES, simd_quintile))
    )


def formula_like(text: str | None) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula (``FORMULA_PATTERN``)."""
    return bool(text) and _FORMULA.match(text) is not None


def neutralise(text: str | None) -> str | None:
    """Prefix an apostrophe to text a spreadsheet would run as a formula."""
    if formula_like(text):
        return "'" + text
    return text


def safe_file_name(name: str) -> str:
    """An uploaded file's name as it may be stored and shown: its last part only, letters,
    digits and ``. _ - ( )`` (anything else becomes ``_``), starting with a letter or digit.

    The name comes from the browser, so it is whatever the sender chose, including
    ``=HYPERLINK(…)&".csv``, which a spreadsheet would run from any table it reaches."""
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(c if c.isalnum() or c in "._-() " else "_" for c in last)
    kept = kept.lstrip("._-() ").strip()[:120]
    return kept or "return.csv"


def strip_neutraliser(text: str | None) -> str | None:
    """Undo ``neutralise`` (ingest removes that one apostrophe again)."""
    if text and text.startswith("'") and formula_like(text[1:]):
        return text[1:]
    return text


def table_schema(strategy: StrategyFile) -> dict:
    """The contract as a Frictionless Table Schema (JSON-ready dict)."""
    indicator_ids = [i.id for _, i in strategy.indicators]
    fields = []
    for column in COLUMNS:
        spec = {"name": column.name, "description": column.description, **column.frictionless}
        if column.name == "indicator_id":
            spec["constraints"] = {**spec["constraints"], "enum": indicator_ids}
        if column.name in ("authority_code", "period", "indicator_id", "value"):
            spec["title"] = column.name.replace("_", " ").capitalize()
        fields.append(spec)
    return {
        "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
        "title": "Quarterly progress return",
        "description": (
            "One row per reported value. Column names are case-insensitive and may come in "
            "any order; unknown columns are errors. One file may hold several (authority, "
            "period) pairs; each is one submission. The same (indicator_id, sex, "
            "simd_quintile) may appear once per submission."
        ),
        "fields": fields,
        # Any of these columns in any order, none other (names case-insensitive, per the
        # contract); a blank value is a row left out, so ``value`` is not "required".
        "fieldsMatch": "superset",
        "missingValues": [""],
    }
