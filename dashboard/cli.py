"""`stem-tracker` with the dashboard's commands added: `briefing`, `charts` and `publish`.

etl/ never imports dashboard/, so the commands that draw charts live here: `register`
adds them through etl's `make_app` hook, and `main` (the console script) offers every
command.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from etl.cli import AS_AT, REVISED, CliError, make_app, parse_as_at, run


def _inputs(ctx: typer.Context, as_at: dt.date, revised: bool = False):
    from dashboard import briefing

    return briefing.read(ctx.obj.db, as_at, revised)


def briefing_command(
    ctx: typer.Context,
    out: Path = typer.Option(
        None,
        "--out",
        help="The file to write: pack.pptx for the PowerPoint pack, note.docx for the Word "
        "briefing note.",
    ),
    as_at: str = AS_AT,
    revised: bool = REVISED,
    check: Path = typer.Option(
        None,
        "--check",
        help="Instead of building: say whether the pack PACK.pptx (or note NOTE.docx) still "
        "matches the tracker's figures and, if not, which figures changed since it was built.",
        metavar="PACK.pptx|NOTE.docx",
    ),
    theme: list[str] = typer.Option(
        None, "--theme", help="A theme to include (repeat for several; default: all four)."
    ),
    commitment: list[str] = typer.Option(
        None, "--commitment", help="Only these commitments (repeat for several; default: all)."
    ),
    pdf: bool = typer.Option(False, "--pdf", help="Also write the pack as PDF beside it."),
    charts_zip: bool = typer.Option(
        False, "--zip", help="Also write a ZIP of every chart as PNG and SVG beside it."
    ),
    pdf_engine: str = typer.Option(
        "auto", "--pdf-engine", help="auto (LibreOffice when installed), libreoffice or direct."
    ),
) -> None:
    """Build the ministers' briefing pack (PowerPoint with editable charts) or briefing note
    (Word) as at a date."""
    if check is not None:
        _check_pack(ctx, check)
        return
    if out is None:
        raise CliError(
            "say where to write the pack or the note with --out pack.pptx or --out note.docx",
            code=2,
        )
    day = parse_as_at(as_at)
    if out.suffix.lower() not in (".pptx", ".docx"):
        raise CliError(
            f"--out must name a .pptx file (the pack) or a .docx file (the note), not {out.name}",
            code=2,
        )
    if out.suffix.lower() == ".docx":
        if pdf or charts_zip:
            raise CliError("--pdf and --zip are for the pack (.pptx), not the note", code=2)
        _note(ctx, out, day, revised, theme or None, commitment or None)
        return
    _pack(
        ctx, out, day, revised, theme or None, commitment or None,
        pdf=pdf, images=charts_zip, pdf_engine=pdf_engine,
    )  # fmt: skip


def _pack(
    ctx, out: Path, day, revised: bool, themes, commitments, *, pdf: bool, images: bool,
    pdf_engine: str,
) -> None:  # fmt: skip
    """Build the pack and write it, with its PDF and charts ZIP beside it when asked."""
    from dashboard import briefing, export
    from dashboard.briefing import pdf as pdf_file

    try:
        pack = briefing.build(_inputs(ctx, day, revised), themes, commitments)
        made = briefing.files(pack, pdf=pdf, images=images, pdf_engine=pdf_engine)
    except (briefing.BriefingError, export.ExportError, pdf_file.PdfError) as error:
        raise CliError(str(error)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, suffix in (("pptx", ".pptx"), ("pdf", ".pdf"), ("zip", "-charts.zip")):
        if kind in made:
            path = out if kind == "pptx" else out.with_name(out.stem + suffix)
            path.write_bytes(made[kind])
            written.append(str(path))
    typer.echo(
        f"Briefing as at {day.isoformat()}: {len(pack.slides)} slides, "
        f"{len(pack.charts())} charts" + ("; demo data" if pack.demo else "")
    )
    typer.echo(f"{pack.figures_label}; fingerprint {pack.figures.fingerprint}")
    for path in written:
        typer.echo(f"wrote {path}")


def _note(ctx, out: Path, day, revised: bool, themes, commitments) -> None:
    from dashboard import briefing, export
    from dashboard.briefing import word

    try:
        made = word.build(_inputs(ctx, day, revised), themes, commitments)
    except (briefing.BriefingError, export.ExportError) as error:
        raise CliError(str(error)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(made.docx)
    typer.echo(
        f"Briefing note as at {day.isoformat()}: {len(made.charts())} charts"
        + ("; demo data" if made.pack.demo else "")
    )
    typer.echo(f"{made.pack.figures_label}; fingerprint {made.pack.figures.fingerprint}")
    typer.echo(f"wrote {out}")


def charts_command(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="Folder to write the charts into."),
    as_at: str = AS_AT,
    revised: bool = REVISED,
    image_format: list[str] = typer.Option(
        ["png"], "--format", help="png (2× scale) or svg; repeat for both."
    ),
) -> None:
    """Export every dashboard chart as at a date, as PNG or SVG files."""
    from dashboard import export
    from dashboard.briefing.figures import dashboard_figures

    day = parse_as_at(as_at)
    unknown = [f for f in image_format if f not in export.FORMATS]
    if unknown:
        raise CliError(f"--format must be png or svg, not {', '.join(unknown)}", code=2)
    try:
        written = export.write_images(
            dashboard_figures(_inputs(ctx, day, revised)), out, image_format
        )
    except export.ExportError as error:
        raise CliError(str(error)) from None
    typer.echo(f"wrote {len(written)} charts as at {day.isoformat()} to {out}")


def _check_pack(ctx: typer.Context, path: Path) -> None:
    """Exit 0 when the pack's (or note's) figures are still the tracker's, else 1 with each
    change."""
    from dashboard.briefing import pptx, word
    from etl import store
    from etl.figures_used import changes_since, figures_used

    if not path.is_file():
        raise CliError(f"there is no file {path}", code=2)
    # The suffix chooses, as for --out.
    reader = word.figures_of if path.suffix.lower() == ".docx" else pptx.figures_of
    if path.stat().st_size > word.MAX_FILE_BYTES:  # refused before it is read into memory
        raise CliError(f"{path} is too large to be a briefing pack or note")
    try:
        used = reader(path.read_bytes(), str(path))
    except (pptx.NotAPack, word.NotANote) as error:
        raise CliError(str(error)) from None
    with store.connect(ctx.obj.db) as con:
        now = figures_used(con, used.as_at, used.revised, used.method)
        changed = changes_since(con, used) if now.fingerprint != used.fingerprint else None
    what = f"as at {used.as_at.isoformat()}, {used.mode} figures"
    if changed is None:
        typer.echo(f"{path}: matches the tracker ({what}; fingerprint {used.fingerprint[:12]})")
        return
    _say_changed(path, what, changed, "note" if path.suffix.lower() == ".docx" else "pack")


def _value(value) -> str:
    return "none" if value is None or value != value else f"{value:g}"


def publish_command(
    ctx: typer.Context,
    out: Path = typer.Option(
        None, "--out", help="The folder to write the release into (new, or empty).", metavar="DIR"
    ),
    as_at: str = typer.Option(
        None,
        "--as-at",
        help="The release's date, YYYY-MM-DD (default: the end of the last quarter whose "
        "returns are due).",
        metavar="YYYY-MM-DD",
    ),
    check: Path = typer.Option(
        None,
        "--check",
        help="Instead of building: say whether the release in DIR still matches the tracker's "
        "figures and, if not, which figures changed since it was built.",
        metavar="DIR",
    ),
) -> None:
    """Publish the figures as at a date: a static web site and open data, with disclosure
    control, that never change once built."""
    from dashboard import export, release
    from etl.submissions.ingest import default_submitter

    if check is not None:
        _check_release(ctx, check)
        return
    if out is None:
        raise CliError("say where to write the release with --out DIR", code=2)
    try:
        day = parse_as_at(as_at) if as_at else release.default_as_at(ctx.obj.db)
        made = release.build_release(
            ctx.obj.db, day, out, ctx.obj.commitments, built_by=default_submitter().name
        )
    except (release.ReleaseError, export.ExportError) as error:
        raise CliError(str(error)) from None
    typer.echo(
        f"Release as at {day.isoformat()}: {made.pages} pages, {made.charts} charts, "
        f"{made.rows:,} rows of open data, {made.suppressed:,} cells suppressed"
        + ("; demo data" if made.demo else "")
        + ("" if made.has_returns else "; no returns had been received by then")
    )
    typer.echo(f"fingerprint {made.fingerprint}; strategy SHA-256 {made.strategy_sha256}")
    typer.echo(f"wrote {out}")


def _check_release(ctx: typer.Context, folder: Path) -> None:
    """Exit 0 when the release's figures are still the tracker's, else 1 with each change."""
    from dashboard import release

    try:
        checked = release.check_release(ctx.obj.db, folder)
    except release.ReleaseError as error:
        raise CliError(str(error)) from None
    used = checked.used
    if checked.matches:
        typer.echo(
            f"{folder}: matches the tracker (as at {used.as_at.isoformat()}; "
            f"fingerprint {used.fingerprint[:12]})"
        )
        return
    _say_changed(folder, f"as at {used.as_at.isoformat()}", checked.changed, "release")


def _say_changed(path: Path, what: str, changed, kind: str) -> None:
    typer.echo(
        f"{path}: does not match the tracker ({what}): {len(changed)} figure"
        f"{'s' if len(changed) != 1 else ''} changed since the {kind} was built"
    )
    for row in changed.itertuples(index=False):
        typer.echo(
            f"  {row.authority_code} {row.period} {row.indicator_id} "
            f"({row.sex}, SIMD {row.simd_quintile}): {_value(row.was)} -> {_value(row.now)}"
        )
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `briefing`, `charts` and `publish` to an app that etl's `make_app` builds."""
    app.command("briefing")(briefing_command)
    app.command("charts")(charts_command)
    app.command("publish")(publish_command)


# Every command: etl's, then these.
app = make_app(extra=(register,))


def main() -> None:
    """Console entry point: every command, with etl's plain error messages."""
    run(app)
