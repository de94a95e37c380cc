"""How statuses, dates and figures are written and coloured, in one place.

Colours never carry meaning alone (status-rules.md): every status has a word and
an icon, and every chart and table shows them together.
"""

from __future__ import annotations

import re
import string
from datetime import date

import pandas as pd

from etl import vocabulary
from etl.councils import council_count
from etl.periods import day_text
from etl.status.words import WORDS

# Every ASCII punctuation character, which Markdown lets a backslash make plain text.
_MARKUP = re.compile("([" + re.escape(string.punctuation) + "])")
# Where Streamlit's Markdown makes a link of bare text (an address after "://", "www." or
# "@"), whatever is escaped: an invisible word joiner there keeps it text.
_BARE_LINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)")
WORD_JOINER = "\u2060"


def plain(text: object) -> str:
    """Text from a user (a link's ``?as_at=``, a file's name or cell, an error quoting them)
    as Markdown must show it: every character Markdown or Streamlit reads as markup (links,
    images, emphasis, ``:material/…:`` icons, ``$`` maths) escaped, and a word joiner in
    each bare address, so that a crafted ``[sign in again](https://…)`` shows as the
    characters typed, never as a link."""
    return _MARKUP.sub(r"\\\1", _BARE_LINK.sub(WORD_JOINER, str(text)))


# The Scottish Government Design System's categorical data palette, in its order
# (designsystem.gov.scot/guidance/charts/data-visualisation-colour-palettes).
PALETTE = (
    "#002d54",  # dark blue
    "#2b9c93",  # teal
    "#6a2063",  # purple
    "#e5682a",  # orange
    "#0b4c0b",  # dark green
    "#5d9f3c",  # green
    "#592c20",  # brown
    "#ca72a2",  # pink
)
# Sequential shades of the dark blue, light to dark, for the tile map.
SEQUENTIAL = ("#d9e4ef", "#8fb0cf", "#4a7aa6", "#1c4d7a", "#002d54")
TEXT = "#333333"
GRID = "#d9d9d9"

# Status colours. Checked (tests/test_status_colours.py) to stay apart under simulated
# deuteranopia, protanopia and tritanopia: the Design System's green (#5d9f3c, #428542) and
# orange merge for a red-green colour-blind reader, so "on track" is the palette's teal, "off
# track" a dark red that differs from the orange in lightness as well as hue, "complete" the
# palette's dark blue and "no data" a light grey. Red-amber-teal still reads as red-amber-green.
OFF_TRACK = "#a4262c"  # dark red
AT_RISK = "#e5682a"  # palette orange
ON_TRACK = "#2b9c93"  # palette teal
COMPLETE = "#002d54"  # palette dark blue
NO_DATA = "#cccccc"  # light grey

# icon, colour (returns reuse "overdue" and "not_yet_due"). One symbol, one meaning: ▲ is
# "at risk" only; a milestone due soon, a late return and one overdue have their own
# (tests/test_vocabulary.py checks no two words share a symbol).
_LOOK = {
    "complete": ("✔", COMPLETE),
    "on_track": ("●", ON_TRACK),
    "at_risk": ("▲", AT_RISK),
    "off_track": ("✖", OFF_TRACK),
    "no_data": ("○", NO_DATA),
    "overdue": ("■", OFF_TRACK),
    "due_soon": ("◆", AT_RISK),
    "not_yet_due": ("◇", ON_TRACK),
    "submitted_on_time": ("☑", ON_TRACK),
    "submitted_late": ("◐", AT_RISK),
}
# word (etl.status.words, the one set the command line uses too), icon, colour
STATUS: dict[str, tuple[str, str, str]] = {s: (WORDS[s], *_LOOK[s]) for s in WORDS}
# Worst first: the order statuses are listed and stacked in.
COMMITMENT_ORDER = ("off_track", "at_risk", "on_track", "complete")
INDICATOR_ORDER = ("off_track", "at_risk", "on_track", "no_data")
MILESTONE_ORDER = ("overdue", "due_soon", "not_yet_due", "complete")
RETURN_ORDER = ("overdue", "submitted_late", "submitted_on_time", "not_yet_due")
# Better is higher: used to say which way a status moved.
RANK = {"off_track": 0, "at_risk": 1, "on_track": 2, "complete": 3}

THEME_NAMES = {
    "excellence": "Excellence",
    "equity": "Equity",
    "inspiration": "Inspiration",
    "connection": "Connection",
}
UNITS = {"count": "number", "percent": "%", "percentage_points": "percentage points"}


def word(status: str | None) -> str:
    return STATUS.get(status or "", (str(status or "").replace("_", " ").capitalize(), "", ""))[0]


def icon(status: str | None) -> str:
    return STATUS.get(status or "", ("", "", ""))[1]


def colour(status: str | None) -> str:
    return STATUS.get(status or "", ("", "", NO_DATA))[2]


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of '#rrggbb'."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(colour: str) -> str:
    """White or black, whichever reads better on ``colour`` (labels inside bars and cells)."""
    return "#ffffff" if contrast(colour, "#ffffff") >= contrast(colour, "#000000") else "#000000"


def label(status: str | None) -> str:
    """'▲ At risk': icon and word, as shown in tables and on bars."""
    return f"{icon(status)} {word(status)}".strip()


def long_date(day: date | pd.Timestamp | None) -> str:
    """30 June 2019 (GOV.UK style: no leading zero, no comma)."""
    if day is None or pd.isna(day):
        return ""
    return day_text(pd.Timestamp(day).date())


def number(value: float | None, unit: str = "count") -> str:
    """The figure in its unit, rounded as everywhere else (etl.vocabulary.figure)."""
    return vocabulary.figure(value, unit)


def status_counts(statuses: pd.Series, order: tuple[str, ...]) -> dict[str, int]:
    """How many of ``statuses`` have each status in ``order`` (none counts 0), in that order."""
    return {s: int((statuses == s).sum()) for s in order}


def counts_sentence(as_at, counts: dict[str, int], total: int, what: str) -> str:
    """'As at 30 September 2025, 2 off track, 1 at risk, … of 9 commitments.' (``counts``
    in the order they are listed)."""
    listed = ", ".join(f"{n} {word(s).lower()}" for s, n in counts.items())
    return f"As at {long_date(as_at)}, {listed} of {total} {what}."


def commitments_on_track(counts: dict[str, int], total: int) -> str:
    """'7 of 9 commitments are on track or complete' (``counts`` by status)."""
    good = counts["on_track"] + counts["complete"]
    return f"{good} of {total} commitments are on track or complete"


def commitments_headline(counts: dict[str, int], total: int) -> str:
    """What the commitments' statuses say, as the overview's chart and the briefing's slide
    state it: '7 of 9 commitments are on track or complete; 2 off track'."""
    off = counts["off_track"]
    return commitments_on_track(counts, total) + (f"; {off} off track" if off else "")


def indicators_headline(counts: dict[str, int], total: int) -> str:
    """'5 of 8 measured indicators are on track; 2 without enough data' (``counts`` by
    status; an indicator without enough data is not measured)."""
    measured = total - counts["no_data"]
    title = f"{counts['on_track']} of {measured} measured indicators are on track"
    return title + (f"; {counts['no_data']} without enough data" if counts["no_data"] else "")


def first_upper(text: str) -> str:
    """The text with its first letter a capital and the rest as written (str.capitalize
    would lower 'June' and 'Q3')."""
    return text[:1].upper() + text[1:]


def axis_title(unit: str) -> str:
    return vocabulary.axis_title(unit)


def due_text(due, original_due) -> str:
    """'due 30 June 2019, originally 31 December 2018' so a slipped date is never hidden."""
    text = f"due {long_date(due)}"
    if (
        original_due is not None
        and not pd.isna(original_due)
        and pd.Timestamp(original_due) != pd.Timestamp(due)
    ):
        text += f", originally {long_date(original_due)}"
    return text


def indicator_status_text(
    status: str,
    authorities_reported,
    total: int | None = None,
    reported_by: str = "local_authorities",
) -> str:
    """'▲ At risk (provisional: 27 of 32 councils)'; below the threshold, 'insufficient data'.
    ``total``: the number of councils, unless given."""
    total = council_count() if total is None else total
    if reported_by == "national":
        return label(status) if status != "no_data" else "○ No data yet (national figure)"
    n = (
        0
        if authorities_reported is None or pd.isna(authorities_reported)
        else int(authorities_reported)
    )
    if status == "no_data":
        return (
            f"○ Insufficient data ({n} of {total} councils)"
            if n
            else "○ Insufficient data (too few councils have reported)"
        )
    if n < total:
        return f"{label(status)} (provisional: {n} of {total} councils)"
    return f"{label(status)} (all {total} councils)"


def milestone_text(status: str, on_time) -> str:
    if status == "complete":
        late = on_time is not None and not pd.isna(on_time) and not bool(on_time)
        return f"{label(status)} ({'late' if late else 'on time'})"
    return label(status)


def return_label(status: str) -> str:
    """A return's status: a return not yet due is neutral (○), not a milestone's green."""
    return label(status)


def return_colour(status: str) -> str:
    """A return not yet due is neutral grey, not a milestone's on-track colour."""
    return NO_DATA if status == "not_yet_due" else colour(status)
