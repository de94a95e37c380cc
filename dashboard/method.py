"""How statuses are worked out and where the figures come from, in words: written once for
the About page and the briefing note's annex (both render this Markdown)."""

from __future__ import annotations

from etl.councils import council_count


def statuses_explained(settings: dict, chosen: str = "the date chosen in the sidebar") -> str:
    """The status rules in plain words, with the store's settings filled in; ``chosen`` says
    where the as-at date was chosen."""
    coverage = f"{settings.get('min_coverage', 0.75):.0%}"
    due_days = settings.get("returns_due_days", 42)
    on_track = settings.get("on_track_ratio", 1.0)
    at_risk = settings.get("at_risk_ratio", 0.9)
    councils = council_count()
    return f"""
Every status is worked out **as at** {chosen}, from the figures **as known** on that date:
for each council and quarter, the latest return received by then, so a view of a past date
shows what the tracker showed that day and does not change when a correction arrives later.
With **Revised figures** switched on, the same date is judged on the figures as they stand
today, corrections included, and every page says so.

**Milestones**
- ✔ **Complete** when it was completed on or before the as-at date (on time, or late).
- ■ **Overdue** when its due date has passed and it is not complete.
- ◆ **Due soon** when it is due within the next 90 days.
- ◇ **Not yet due** otherwise.

**Indicators** compare the national figure with the trajectory: straight lines from the
baseline to each target in turn.
- The national figure combines the councils' figures. When not every council has reported, a
  total is scaled up to all {councils} councils and marked *estimated*, and the status says how many
  councils it rests on ("provisional: 27 of {councils} councils").
- The latest quarter is the latest in which at least {coverage} of councils reported; with no
  such quarter the indicator says **insufficient data** rather than a colour.
- ● **On track** when the figure is at least {on_track:.0%} of the trajectory, ▲ **At risk**
  from {at_risk:.0%}, ✖ **Off track** below that (the other way round when lower is better).

**Commitments**
- A manual status set by the policy team, with its reason, always wins and is marked *manual*.
- Otherwise ✖ **Off track** if any milestone is overdue or any indicator off track; else
  ▲ **At risk** if any indicator is at risk; else ✔ **Complete** when every milestone is
  complete; else ● **On track**. Indicators without data are flagged as a *data gap*.

**Returns** are due {due_days} days after the quarter ends: ☑ on time, ◐ late, ■ overdue, or
◇ not yet due.

Changed due dates and targets are always shown beside the original
("due 30 June 2019, originally 31 December 2018").
"""


def sources() -> str:
    councils = council_count()
    return f"""
- The strategy's commitments, milestones and indicators: *Science, Technology, Engineering and
  Mathematics: Education and Training Strategy for Scotland* (Scottish Government, 26 October
  2017) and its progress reports, as declared in `commitments.yaml`.
- Council figures: the {councils} councils' quarterly progress returns; national figures from the
  Scottish Government (code S92000003).
- Council codes: the Government Statistical Service (GSS) codes for Scotland's council areas.
- SIMD: the Scottish Index of Multiple Deprivation; quintile 1 is the most deprived 20% of
  data zones.
"""
