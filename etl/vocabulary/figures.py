"""A figure in its unit, with one rounding for text, chart labels, tables and annexes.

A count is a whole number from 100 up and has one decimal below it (a mean of councils'
counts may be 12.5); a percent and a percentage-point gap have one decimal. ``rounded``
is the number every chart and table carries, ``figure`` the words, so the two cannot
disagree (a slide once said 99% where its chart said 100%).
"""

from __future__ import annotations

import math

UNITS = ("count", "percent", "percentage_points")


def _missing(value) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def decimals(value: float, unit: str) -> int:
    if unit in ("percent", "percentage_points"):
        return 1
    return 0 if abs(value) >= 100 or float(value).is_integer() else 1


def rounded(value: float | None, unit: str = "count") -> float | None:
    """The figure as every view shows it (None when there is none; an overflowed, infinite
    figure as it is, for the chart to leave out and say so)."""
    if _missing(value):
        return None
    value = float(value)
    if not math.isfinite(value):
        return value
    return round(value, decimals(value, unit))


def _digits(value: float, unit: str) -> str:
    text = f"{abs(value):,.{decimals(value, unit)}f}"
    return ("−" if value < 0 and float(text.replace(",", "")) else "") + text


def figure(value: float | None, unit: str = "count") -> str:
    """'1,234', '45.2%', '26.8 points': the figure in its unit."""
    if _missing(value):
        return "no figure"
    if not math.isfinite(float(value)):  # a sum of absurd figures overflowed
        return "too large to show"
    digits = _digits(float(value), unit)
    if unit == "percent":
        return f"{digits}%"
    if unit == "percentage_points":
        return f"{digits} point" + ("" if digits in ("1.0", "−1.0") else "s")
    return digits


def figure_against(
    actual: float, expected: float, unit: str, direction: str, when: str = ""
) -> str:
    """'11 against 13 expected by now' or, where lower is better, '26.8 points against
    22.4 points expected by now; 4.4 points above it, and lower is better'. ``when``: the
    quarter in words, said after the comparison."""
    text = f"{figure(actual, unit)} against {figure(expected, unit)} expected by now"
    text += f" ({when})" if when else ""
    if direction != "down":
        return text
    gap = (rounded(actual, unit) or 0) - (rounded(expected, unit) or 0)
    if gap == 0:
        return f"{text}; lower is better"
    side = "above" if gap > 0 else "below"
    return f"{text}; {figure(abs(gap), _difference_unit(unit))} {side} it, and lower is better"


def _difference_unit(unit: str) -> str:
    """A difference of two percents is in percentage points."""
    return "percentage_points" if unit == "percent" else unit


def axis_title(unit: str) -> str:
    return {"percent": "Per cent (%)", "percentage_points": "Percentage points"}.get(unit, "Number")
