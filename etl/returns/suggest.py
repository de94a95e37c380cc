"""'Did you mean C16-I1?': the nearest indicator id or council code to one not known.

A code typed by hand is most often one letter out (a lower-case L for a capital I, an O
for a zero). The suggestion is added to the problem's words; nothing is changed in the file.
"""

from __future__ import annotations

from dataclasses import replace

from etl.councils import NATIONAL_CODE, council_name, councils
from etl.returns.report import Problem

# Characters a person types for another: compared as the one they stand for.
_LOOK_ALIKE = str.maketrans({"L": "I", "O": "0", "l": "I", "o": "0"})


def _one_apart(first: str, second: str) -> bool:
    """One character changed, added or left out."""
    if abs(len(first) - len(second)) > 1 or first == second:
        return False
    if len(first) == len(second):
        return sum(a != b for a, b in zip(first, second, strict=True)) == 1
    short, long = sorted((first, second), key=len)
    return any(long[:n] + long[n + 1 :] == short for n in range(len(long)))


def nearest(value: str, known: list[str]) -> str | None:
    """The one known code a character away from ``value`` (look-alikes read as meant); None
    when none is, or several are (a guess between two would mislead)."""
    typed = (value or "").strip().upper().translate(_LOOK_ALIKE)
    if typed in known:  # one look-alike character ('l' for 'I')
        return typed
    found = [code for code in known if _one_apart(typed, code.upper())]
    return found[0] if len(found) == 1 else None


def _hint(problem: Problem, indicator_ids: list[str]) -> str:
    if problem.code == "unknown_indicator":
        found = nearest(problem.value or "", indicator_ids)
        return f" (did you mean {found}?)" if found else ""
    codes = [c.code for c in councils()] + [NATIONAL_CODE]
    found = nearest(problem.value or "", codes)
    return f"; did you mean {found} ({council_name(found)})?" if found else ""


def with_suggestions(problems: list[Problem], indicator_ids: list[str]) -> list[Problem]:
    """The problems, each unknown indicator or council code with its nearest known one."""
    return [
        replace(p, extra=_hint(p, indicator_ids))
        if p.code in ("unknown_indicator", "unknown_authority")
        else p
        for p in problems
    ]
