"""Commands for councils' quarterly progress returns: template, validate, ingest, export,
history, restore, schema. Each is a thin shell: checking, loading and restoring are
``etl.actions``, the same calls the dashboard's pages make; exporting is
``etl.submissions``."""

from __future__ import annotations

import functools
import json
import sys
from datetime import date, datetime
from pathlib import Path

import typer

from etl.cli.options import CliError, strategy_of
from etl.returns import Report, Submitter, contract
from etl.returns.spec import ReturnSpec
from etl.submissions import export as return_export
from etl.submissions import ingest, spec_cache, versions
from etl.submissions import workbook as return_workbook

FILES = typer.Argument(
    ...,
    exists=True,
    dir_okay=False,
    help="Return files (CSV or Excel .xlsx), one or more.",
    show_default=False,
)
AS_JSON = typer.Option(False, "--json", help="Print the result as JSON (for scripts).")
AUTHORITY = typer.Option(..., "--authority", help="GSS code, e.g. S12000036.")
PERIOD = typer.Option(..., "--period", help="Quarter, e.g. 2025-Q3.")
TODAY = typer.Option(None, "--today", hidden=True, help="Pretend today is this date (tests).")


def _today(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f'--today "{text}" is not a date like 2025-10-01', 2) from None


def _read(path: Path) -> bytes | str:
    try:
        return path.read_bytes()
    except OSError as error:
        return f"{path}: the file cannot be read ({error.strerror})"


def _rows(count: int) -> str:
    return f"{count:,} row{'s' if count != 1 else ''}"


def _print_report(report: Report, lines: list[str], *, stored: bool) -> None:
    for line in lines:
        typer.echo(line)
    for warning in report.warnings:
        typer.echo(f"warning: {warning}")
    for error in report.errors:
        typer.echo(str(error))
    if not report.valid:
        count = sum(1 for e in report.errors if e.code != "more")
        more = sum(int(e.value.replace(",", "")) for e in report.errors if e.code == "more")
        total = count + more
        typer.echo(
            f"{report.file_name}: {total:,} error{'s' if total != 1 else ''}"
            + ("; nothing from this file was stored" if stored else "")
        )


def _outcome(o: ingest.Outcome) -> str:
    """What happened to one submission, e.g. ``S12000036 2025-Q3: new (version 1, 4 rows)``."""
    return f"{o.authority_code} {o.period}: {o.action} (version {o.version}, {_rows(o.rows)})"


def _write(data: bytes, out: Path | None) -> None:
    if out is None or str(out) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        out.write_bytes(data)


def _loaded_spec(context) -> ReturnSpec:
    """What returns are checked against, held in the store after the first load."""
    from etl.strategy.errors import StrategyError

    try:
        return spec_cache.spec_in_store(context.db, context.commitments)
    except StrategyError as error:
        raise CliError(f"{context.commitments} is not valid:\n{error}") from None


def validate(
    ctx: typer.Context,
    files: list[Path] = FILES,
    as_json: bool = AS_JSON,
    today: str = TODAY,
) -> None:
    """Check return files against the contract; store nothing. Exit 1 when any has an error."""
    from etl import actions

    strategy = strategy_of(ctx.obj)
    day = _today(today)
    results, ok = [], True
    for path in files:
        data = _read(path)
        if isinstance(data, str):
            raise CliError(data)
        # The file alone: the command needs no store (a page also compares with the store).
        report = actions.check_return(
            None, data, str(path), strategy, today=day, source_path=str(path)
        ).report
        ok &= report.valid
        if as_json:
            results.append(report.to_dict())
        else:
            rows = sum(s.rows for s in report.submissions)
            lines = [
                f"{report.file_name}: {s.authority_code} {s.period}: {_rows(s.rows)}"
                for s in report.submissions
            ]
            if report.valid:
                lines.append(f"{report.file_name}: valid ({_rows(rows)})")
            _print_report(report, lines, stored=False)
    if as_json:
        typer.echo(json.dumps({"valid": ok, "files": results}, default=str))
    if not ok:
        raise typer.Exit(1)


def ingest_command(
    ctx: typer.Context,
    files: list[Path] = FILES,
    submitted_by: str = typer.Option(
        None, "--submitted-by", help="Who sent the files (default: your user name)."
    ),
    as_json: bool = AS_JSON,
    today: str = TODAY,
    notify: bool = typer.Option(
        False, "--notify", help="E-mail a receipt to the council's contacts for each return stored."
    ),
) -> None:
    """Check and load return files, each in one transaction. A file with any error stores
    nothing (the others still load); exit 1 when any file had an error."""
    from etl import actions
    from etl.cli import mail as cli_mail

    day = _today(today)
    mailer = cli_mail.mailer() if notify else None  # a broken file is named before any load
    # Read from the store by the first ingest, on its open connection (a second connection
    # of its own would cost a twentieth of a second), then kept for the other files.
    spec = functools.cache(lambda: _loaded_spec(ctx.obj))
    submitter = Submitter(submitted_by) if submitted_by else ingest.default_submitter()
    results, ok = [], True
    for path in files:
        data = _read(path)
        if isinstance(data, str):
            raise CliError(data)
        result = actions.send_return(
            ctx.obj.db, data, str(path), spec, submitter, today=day, source_path=str(path),
            with_receipts=False, mail=mailer,
        )  # fmt: skip
        ok &= result.stored
        if as_json:
            results.append(result.to_dict())
        else:
            lines = [f"{path}: {_outcome(o)}" for o in result.outcomes]
            _print_report(result.report, lines, stored=True)
        if result.mail is not None:
            sent = cli_mail.print_receipt_mail(result.mail)
            if as_json:
                results[-1]["receipts"] = sent
    if as_json:
        typer.echo(json.dumps({"valid": ok, "files": results}, default=str))
    if not ok:
        raise typer.Exit(1)


def export(
    ctx: typer.Context,
    out: Path = typer.Option(
        None,
        "--out",
        help="File to write: CSV, or a workbook if it ends in .xlsx (default: CSV on standard "
        "output).",
    ),
    as_at: str = typer.Option(
        None,
        "--as-at",
        metavar="YYYY-MM-DD",
        help="The figures as known at this date (the latest version of each return received "
        "by then) instead of the current ones.",
    ),
    all_versions: bool = typer.Option(
        False,
        "--all-versions",
        help="The audit export: every version of every submission, with version, received_at, "
        "submitted_by and action.",
    ),
) -> None:
    """Export the current figures in the return format; ingesting it again changes nothing."""
    from etl.cli.options import parse_as_at

    if as_at is not None and all_versions:
        raise CliError("choose --as-at or --all-versions, not both", 2)
    day = parse_as_at(as_at) if as_at is not None else None
    data = return_export.export_current(ctx.obj.db, as_at=day, all_versions=all_versions)
    _write(_as_suffix(data, out), out)
    if out is not None and str(out) != "-":
        what = (
            "every version of every submission"
            if all_versions
            else f"figures as known on {day.isoformat()}"
            if day
            else "current figures"
        )
        typer.echo(f"{out}: {what} written", err=True)


def _is_xlsx(out: Path | None) -> bool:
    """The file's suffix chooses the format: a workbook for .xlsx, else CSV."""
    return out is not None and out.suffix.lower() == ".xlsx"


def _as_suffix(data: bytes, out: Path | None) -> bytes:
    """An export (CSV) as the file named ``out`` wants it."""
    if not _is_xlsx(out):
        return data
    try:
        return return_workbook.from_csv(data)
    except return_workbook.TooManyRows as error:
        raise CliError(str(error)) from None


def history_command(
    ctx: typer.Context,
    authority: str = AUTHORITY,
    period: str = PERIOD,
    as_json: bool = AS_JSON,
) -> None:
    """Every version of one council's return for one quarter, oldest first."""
    try:
        held = versions.history(ctx.obj.db, authority, period)
    except ValueError as error:
        raise CliError(str(error), 2) from None
    if as_json:
        typer.echo(json.dumps(held, default=str))
        return
    if not held:
        typer.echo(f"no submission for {authority} {period}")
        return
    for v in held:
        received = v["received_at"]
        when = received.strftime("%Y-%m-%d %H:%M:%S") if isinstance(received, datetime) else ""
        action = v["action"] + (
            f" from version {v['restored_from']}" if v["restored_from"] is not None else ""
        )
        typer.echo(
            f"version {v['version']}{' (current)' if v['is_current'] else ''}: {action}, "
            f"{when} by {v['submitted_by']}, {_rows(v['rows'])}, {v['file_name']}, "
            f"sha256 {v['sha256']}"
        )


def restore(
    ctx: typer.Context,
    authority: str = AUTHORITY,
    period: str = PERIOD,
    version: int = typer.Option(..., "--version", help="The version to make current again."),
    submitted_by: str = typer.Option(None, "--submitted-by", help="Who restores it."),
    notify: bool = typer.Option(
        False, "--notify", help="E-mail the receipt to the council's contacts."
    ),
) -> None:
    """Make an earlier version of a submission current again, as a new version."""
    from etl import actions
    from etl.cli import mail as cli_mail

    mailer = cli_mail.mailer() if notify else None
    who = submitted_by or ingest.default_submitter().name
    try:
        restored = actions.restore_version(ctx.obj.db, authority, period, version, who, mail=mailer)
    except (ValueError, versions.SubmissionNotFound) as error:
        raise CliError(str(error).strip("'\"")) from None
    typer.echo(_outcome(restored.outcome))
    if restored.mail is not None:
        cli_mail.print_receipt_mail(restored.mail)


def template(
    ctx: typer.Context,
    authority: str = AUTHORITY,
    period: str = PERIOD,
    out: Path = typer.Option(
        None,
        "--out",
        help="File to write: CSV, or a workbook if it ends in .xlsx (default: CSV on standard "
        "output).",
    ),
) -> None:
    """A return pre-filled for one council and quarter: every indicator and breakdown it
    reports, values blank, ready to fill in Excel (a workbook when --out ends in .xlsx)."""
    try:
        make = return_workbook.template if _is_xlsx(out) else return_export.template
        data = make(strategy_of(ctx.obj), authority, period)
    except ValueError as error:
        raise CliError(str(error), 2) from None
    _write(data, out)


def schema(
    ctx: typer.Context,
    out: Path = typer.Option(None, "--out", help="JSON file to write (default: standard output)."),
) -> None:
    """The return contract as a Frictionless Table Schema (JSON), from the validator's own
    column definitions."""
    text = json.dumps(contract.table_schema(strategy_of(ctx.obj)), indent=2) + "\n"
    _write(text.encode("utf-8"), out)


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command(name="ingest")(ingest_command)
    app.command()(export)
    app.command(name="history")(history_command)
    app.command()(restore)
    app.command()(template)
    app.command()(schema)
