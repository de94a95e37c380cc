"""`stem-tracker status` and `stem-tracker completeness`: the status engine on the command line."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import typer

from etl import store
from etl.cli.options import AS_AT, REVISED, CliError, parse_as_at
from etl.periods import Quarter, day_text, last_ended

if TYPE_CHECKING:  # the engine (pandas) is imported by the commands that use it, so that
    from etl.status import StatusReport  # other commands start quickly


def _report(ctx: typer.Context, as_at: dt.date, revised: bool = False) -> StatusReport:
    from etl import status as status_engine

    with store.connect(ctx.obj.db) as con:
        return status_engine.report(con, as_at, revised)


def _word(status: str) -> str:
    from etl.status.words import word  # with the engine, which the status commands load

    return word(status)


def _counts(counts: dict[str, int]) -> str:
    shown = [f"{n} {_word(s)}" for s, n in counts.items() if n]
    return ", ".join(shown) or "none"


def status(
    ctx: typer.Context,
    as_at: str = AS_AT,
    revised: bool = REVISED,
    as_json: bool = typer.Option(False, "--json", help="Print the whole status report as JSON."),
) -> None:
    """Statuses of milestones, indicators, commitments and themes as at a date, by theme."""
    day = parse_as_at(as_at)
    result = _report(ctx, day, revised)
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2))
        return
    data = result.to_json()
    typer.echo(f"Status as at {day_text(day)}, on the {result.figures_label}")
    for theme in data["themes"]:
        typer.echo("")
        rate = theme["delivery_rate"]
        typer.echo(f"{theme['name']}")
        typer.echo(f"  commitments: {_counts(theme['commitments'])}")
        typer.echo(
            f"  milestones due by {day_text(day)}: {theme['milestones_due']}, completed "
            f"{theme['milestones_completed']}"
            + (f" (delivery rate {rate:.0%})" if rate is not None else "")
        )
        typer.echo(f"  indicators: {_counts(theme['indicators'])}")
        for c in data["commitments"]:
            if c["theme"] != theme["id"]:
                continue
            notes = [n for n in (c["reason"],) if n]
            if c["manual"]:
                notes.insert(0, f"manual, {c['override_date']}")
            if c["data_gap"]:
                notes.append("data gap")
            typer.echo(
                f"    {c['id']} {c['title']}: {_word(c['status']).upper()}"
                + (f" ({'; '.join(notes)})" if notes else "")
            )
    returns, latest = result.returns, result.coverage_period  # as the dashboard counts
    if latest is not None:
        typer.echo("")
        typer.echo(f"Returns for {latest}: {_return_summary(returns[returns['period'] == latest])}")
    typer.echo("")
    typer.echo(
        "Figures as known on a date are the latest versions of councils' returns received by "
        "then (--revised for today's versions); see `stem-tracker completeness` for who has "
        "returned."
    )


def _return_summary(rows) -> str:
    from etl.status import RETURN_STATUSES

    counts = rows["status"].value_counts().to_dict()
    received = counts.get("submitted_on_time", 0) + counts.get("submitted_late", 0)
    due_date = rows["due_date"].iloc[0]
    return (
        f"{received} of {len(rows)} councils returned (due {day_text(due_date)}; "
        + _counts({s: counts.get(s, 0) for s in RETURN_STATUSES})
        + ")"
    )


def completeness(
    ctx: typer.Context,
    period: str = typer.Option(
        None, "--period", help="Only this quarter, e.g. 2025-Q2 (default: every quarter)."
    ),
    as_at: str = AS_AT,
    as_json: bool = typer.Option(False, "--json", help="Print one row per council and quarter."),
) -> None:
    """Which councils have and have not sent each quarter's return, for chasing."""
    day = parse_as_at(as_at)
    quarter = None
    if period is not None:
        try:
            quarter = str(Quarter.parse(period))
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="--period") from None
    returns = _report(ctx, day).returns
    if quarter is not None:
        if quarter not in set(returns["period"]):
            raise CliError(
                f"no return is expected for {quarter} as at {day.isoformat()}: returns run "
                f"from the strategy start to {last_ended(day)}, the last quarter ended by then"
            )
        returns = returns[returns["period"] == quarter]
    if as_json:
        from etl.status import json_records

        rows = json_records(returns)
        typer.echo(json.dumps({"as_at": day.isoformat(), "returns": rows}, indent=2))
        return
    typer.echo(f"Returns as at {day_text(day)}")
    if not len(returns):
        typer.echo("No quarter has ended since the strategy started: no returns expected yet.")
        return
    if quarter is None:
        for period_name, rows in returns.groupby("period", sort=True):
            typer.echo(f"  {period_name}: {_return_summary(rows)}")
        quarter = returns["period"].max()
        typer.echo("")
    rows = returns[returns["period"] == quarter]
    typer.echo(f"{quarter}: {_return_summary(rows)}")
    for wanted, heading in (
        ("overdue", "Not returned, overdue (chase)"),
        ("not_yet_due", "Not returned, not yet due"),
        ("submitted_late", "Returned late"),
        ("submitted_on_time", "Returned on time"),
    ):
        names = list(rows.loc[rows["status"] == wanted, "authority_name"])
        if names:
            typer.echo(f"  {heading} ({len(names)}): {', '.join(names)}")


def revisions(
    ctx: typer.Context,
    indicator: str = typer.Argument(..., help="The indicator's id, e.g. C01-I1."),
    as_json: bool = typer.Option(
        False, "--json", help="Print the quarters, the averages and the revisions triangle."
    ),
) -> None:
    """Each quarter's national figure as first published against the latest, the revision,
    and the mean and mean absolute revision."""
    from etl.revisions import UnknownIndicator
    from etl.revisions import revisions as revisions_of

    with store.connect(ctx.obj.db) as con:
        try:
            found = revisions_of(con, [indicator])[indicator]
        except UnknownIndicator as error:
            raise CliError(str(error)) from None
    if as_json:
        typer.echo(json.dumps(found.to_json(), indent=2))
        return
    typer.echo(f"{found.indicator_id} {found.name}: revisions of the national figure")
    typer.echo("(first published: as known at the return due date; latest: revised figures)")
    if found.table.empty:
        typer.echo("no quarter has a figure yet")
        return
    typer.echo(f"{'quarter':<9} {'first published':>26} {'latest':>12} {'revision':>12}")
    for row in found.table.itertuples(index=False):
        when = f"({row.first_published_on})" if row.first_published_on else ""
        typer.echo(
            f"{row.period:<9} {_figure(row.first_published):>13} {when:>12} "
            f"{_figure(row.latest):>12} {_figure(row.revision, signed=True):>12}"
        )
    typer.echo(
        f"mean revision {_figure(found.mean_revision, signed=True)}, "
        f"mean absolute revision {_figure(found.mean_absolute_revision)}"
    )


def _figure(value, signed: bool = False) -> str:
    if value is None or value != value:
        return "–"
    return f"{value:+,.1f}" if signed else f"{value:,.1f}"


def register(app: typer.Typer) -> None:
    app.command()(status)
    app.command()(completeness)
    app.command()(revisions)
