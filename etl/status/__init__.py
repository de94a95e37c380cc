"""The status engine: every status in ``spec/status-rules.md``, as at a date D, in one place.

Each rule is a small pure function in ``etl/status/rules.py``, named after the spec's
section, so it can be read (and tested, table by table) next to the spec. ``report()``
(``etl/status/assembly.py``) reads the strategy and the *aggregated* figures from
DuckDB (``etl/status/sql.py``) and applies the rules to those small tables.

Conventions shared by every frame in a ``StatusReport`` (its ``themes`` are a tuple of
``ThemeCounts`` instead: each theme's counts by status, read by field):
- dates (due, completed, due_date, …) are ``datetime.date`` objects (or None), so
  they compare directly with ``as_at``; ``received_at`` is a pandas Timestamp;
- a missing number is NaN / <NA>; ``to_json()`` turns both into ``null``.

Figures are those *as known at D* (for each authority and quarter, the latest version
received by D), so a past view never changes when a correction arrives later; with
``revised=True`` they are the current versions for the quarters ended by D, and every
view says so (``figures_label``). Returns completeness is likewise about what had
arrived by D: a submission received after D does not count as received as at D.

The package: ``rules`` (the spec's rules, pure), ``assembly`` (the report as at D),
``themes`` (each theme's counts, a typed value), ``sql`` (the aggregates it reads),
``words`` (the one set of status words). What callers use is named here.
"""

from etl.status.assembly import (
    StatusReport,
    figures_label,
    json_records,
    national_series,
    report,
)
from etl.status.rules import (
    COMMITMENT_STATUSES,
    DUE_SOON_DAYS,
    INDICATOR_STATUSES,
    MILESTONE_STATUSES,
    RETURN_STATUSES,
    NationalFigure,
    commitment_status,
    indicator_status,
    milestone_on_time,
    milestone_status,
    national_figure,
    overdue_returns,
    override_applies,
    return_due_date,
    return_status,
    trajectory,
)
from etl.status.themes import ThemeCounts

__all__ = [
    "StatusReport",
    "figures_label",
    "json_records",
    "national_series",
    "report",
    "ThemeCounts",
    "COMMITMENT_STATUSES",
    "DUE_SOON_DAYS",
    "INDICATOR_STATUSES",
    "MILESTONE_STATUSES",
    "RETURN_STATUSES",
    "NationalFigure",
    "commitment_status",
    "indicator_status",
    "milestone_on_time",
    "milestone_status",
    "national_figure",
    "overdue_returns",
    "override_applies",
    "return_due_date",
    "return_status",
    "trajectory",
]
