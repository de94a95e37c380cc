"""The public release (spec/publication.md): a static site and open data as known at a date D,
with disclosure control, that never changes once built.

One action for the CLI (`stem-tracker publish`) and the dashboard's Releases page:
``build_release`` reads the store (``content``), applies disclosure control once
(``tables``), draws the charts (``charts``), lays out the pages (``pages``, rendered by
``site``) and the open data (``opendata``), writes them all, and logs the release in the
store. It renders charts, so it lives beside the briefing, in the dashboard layer.
``check_release`` says whether a release folder still matches the store.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard import export
from dashboard.release import charts, content, opendata, site, tables
from dashboard.release.pages import all_pages
from etl import store
from etl.errors import TrackerError
from etl.figures_used import FiguresUsed, changes_since, figures_used
from etl.periods import AsAtOutOfRange, Quarter, check_as_at, day_text, last_ended
from etl.releases import log_release
from etl.status import return_due_date
from etl.strategy.model import Settings

Progress = Callable[[float, str], None]
MANIFEST = "release.json"


class ReleaseError(TrackerError, ValueError):
    """A release cannot be built or checked as asked; the message says why."""


@dataclass(frozen=True)
class Release:
    folder: Path
    as_at: dt.date
    fingerprint: str
    strategy_sha256: str
    pages: int
    charts: int
    rows: int  # published rows in the open data
    suppressed: int
    demo: bool
    has_returns: bool
    log_id: int


def default_as_at(db: Path | str, today: dt.date | None = None) -> dt.date:
    """The end of the last quarter whose returns are due by ``today``."""
    today = today or dt.date.today()
    with store.connect(db) as con:
        store.require_schema(con)
        due_days = Settings(**store.settings(con)).returns_due_days
    quarter = last_ended(today)
    while return_due_date(str(quarter), due_days) > today:
        quarter = quarter.previous()
    return quarter.end


def release_files(
    db: Path | str, as_at: dt.date, strategy_file: Path, progress: Progress | None = None
) -> tuple[dict[str, bytes], dict]:
    """Every file of the release as at ``as_at`` (path → bytes) and its manifest: nothing
    written, nothing logged. The same store and date give the same bytes.

    A release's cost is its charts, so the rest hides behind Chromium's start: a second
    thread starts it (waiting, mostly) while this one reads the store and writes the pages
    and open data; then this thread draws, alone (a busy second thread would hold Python's
    lock and slow kaleido's every step), reporting progress."""
    step = progress or (lambda share, what: None)
    with export.browser(), ThreadPoolExecutor(max_workers=1) as helper:
        warming = helper.submit(charts.warm_up)
        step(0.02, "Reading the figures")
        read = content.read(db, as_at, strategy_file)
        figures = charts.all_figures(read)
        step(0.06, "Writing the pages and the open data")
        files, manifest = _pages_and_data(read, figures)
        warming.result()
        step(0.1, f"Drawing {len(figures)} charts")

        def drawn(done: int, total: int) -> None:
            step(0.1 + 0.88 * done / total, f"Drawing charts ({done} of {total})")

        files.update({f"charts/{name}": svg for name, svg in charts.svgs(figures, drawn).items()})
    files[MANIFEST] = (json.dumps(manifest, indent=2) + "\n").encode()
    return files, manifest | {"has_returns": read.has_returns, "used": read.inputs.figures}


def _pages_and_data(read: content.Content, figures: dict) -> tuple[dict[str, bytes], dict]:
    """The pages, the style sheet and the open data, and the release's manifest."""
    inputs = read.inputs
    published = tables.published(read)
    pages = all_pages(read, published, figures)
    env, about = site.environment(), _site(read)
    files = {page.path: site.render(env, page, about) for page in pages}
    files["style.css"] = site.stylesheet()
    files.update(opendata.files(published, read.as_at, inputs.strategy_title, inputs.demo))
    manifest = {
        "as_at": read.as_at.isoformat(),
        "fingerprint": inputs.figures.fingerprint,
        "strategy_sha256": read.strategy_sha256,
        "tracker_version": read.version,
        "demo": inputs.demo,
        "pages": len(pages),
        "charts": len(figures),
        "published_rows": published.rows,
        "suppressed_cells": published.suppressed,
        "figures": inputs.figures.to_json(),
    }
    return files, manifest


def _site(read: content.Content) -> dict:
    inputs = read.inputs
    return {
        "title": "STEM strategy tracker",
        "strategy_title": inputs.strategy_title,
        "demo": inputs.demo,
        "as_at_text": day_text(read.as_at),
        "fingerprint_short": inputs.figures.fingerprint[:12],
        "themes": [{"id": t.id, "name": t.name} for t in inputs.report.themes],
    }


def build_release(
    db: Path | str,
    as_at: dt.date,
    out: Path,
    strategy_file: Path,
    built_by: str,
    progress: Progress | None = None,
) -> Release:
    """Build the release as at ``as_at`` into the folder ``out`` (which must not exist or be
    empty) and log it in the store."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReleaseError(f"{out} already exists and is not an empty folder: choose a new one")
    _check_date(db, as_at)
    files, manifest = release_files(db, as_at, strategy_file, progress)
    for name, data in sorted(files.items()):
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    with store.connect(db) as con:
        log_id = log_release(
            con, manifest["used"], manifest["strategy_sha256"], manifest["pages"],
            manifest["published_rows"], built_by,
        )  # fmt: skip
    if progress:
        progress(1.0, "Done")
    return Release(
        out, as_at, manifest["fingerprint"], manifest["strategy_sha256"], manifest["pages"],
        manifest["charts"], manifest["published_rows"], manifest["suppressed_cells"],
        manifest["demo"], manifest["has_returns"], log_id,
    )  # fmt: skip


def _check_date(db: Path | str, as_at: dt.date) -> None:
    with store.connect(db) as con:
        store.require_schema(con)
        start = store.get_meta(con, "start")
    if start is None:
        raise ReleaseError("the strategy is not loaded yet: run `stem-tracker init` first")
    try:
        check_as_at(as_at, Quarter.parse(start), dt.date.today())
    except AsAtOutOfRange as error:
        raise ReleaseError(str(error)) from None


@dataclass(frozen=True)
class ReleaseCheck:
    folder: Path
    used: FiguresUsed
    changed: pd.DataFrame  # figures changed since (etl.figures_used.CHANGE_COLUMNS)

    @property
    def matches(self) -> bool:
        return self.changed.empty


def check_release(db: Path | str, folder: Path) -> ReleaseCheck:
    """Whether the release in ``folder`` still matches the store, and which figures changed."""
    manifest = Path(folder) / MANIFEST
    if not manifest.is_file():
        raise ReleaseError(f"{folder} is not a release: it has no {MANIFEST}")
    try:
        used = FiguresUsed.from_json(json.loads(manifest.read_text("utf-8"))["figures"])
    except (ValueError, KeyError, TypeError):
        raise ReleaseError(f"{manifest} is not a release's manifest (it cannot be read)") from None
    with store.connect(db) as con:
        store.require_schema(con)
        now = figures_used(con, used.as_at, used.revised, used.method)
        changed = changes_since(con, used) if now.fingerprint != used.fingerprint else None
    return ReleaseCheck(Path(folder), used, changed if changed is not None else _no_changes())


def _no_changes() -> pd.DataFrame:
    from etl.figures_used import CHANGE_COLUMNS

    return pd.DataFrame(columns=CHANGE_COLUMNS)


def release_log(db: Path | str) -> pd.DataFrame:
    """Every release built, the latest first, and whether each still matches the store."""
    from etl.releases import releases, still_matches

    with store.connect(db) as con:
        rows = [
            {
                "As at": day_text(r.as_at),
                "Fingerprint": r.fingerprint[:12],
                "Built by": r.built_by,
                "Built on": r.built_at.strftime("%d/%m/%Y %H:%M"),
                "Pages": r.pages,
                "Rows of open data": r.published_rows,
                "Still matches": "yes" if still_matches(con, r) else "no: figures changed since",
            }
            for r in releases(con)
        ]
    return pd.DataFrame(rows)


def zip_of(folder: Path) -> bytes:
    """The release folder as a ZIP, its files in name order with a fixed date."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()
