"""Static export of plotly figures as PNG (2× scale) and SVG, with kaleido.

Kaleido drives a headless Chromium: Debian's ``/usr/bin/chromium``, found on the
PATH, so nothing is downloaded. Starting the browser costs seconds and each
figure a fraction of one, so a batch runs inside one ``browser()`` block, which
starts kaleido's sync server once and stops it at the end (unless it was already
running, e.g. started by a test session).

Figures come from ``dashboard.charts`` and already carry their title, the as-at
date and the source line; ``require_labels`` refuses a figure that does not, so
no chart leaves the tracker without them.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import kaleido
import plotly.graph_objects as go

from etl.errors import TrackerError

FORMATS = ("png", "svg")
SCALE = 2  # PNG only: crisp on slides and high-density screens
WIDTH = 1000  # CSS pixels; a PNG is WIDTH × SCALE pixels wide
DEFAULT_HEIGHT = 450


class ExportError(TrackerError, RuntimeError):
    """A chart could not be exported; the message says why and what to do."""


def chromium() -> str | None:
    """The browser kaleido will use, or None when there is none on the PATH."""
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("chrome")


@contextmanager
def browser() -> Iterator[None]:
    """One kaleido browser for every export inside the block."""
    if chromium() is None:
        raise ExportError(
            "Chart export needs Chromium and none was found on the PATH: "
            "install it with `sudo apt-get install chromium` "
            "(or run `bash scripts/setup --browser`)."
        )
    server = kaleido._global_server  # the singleton behind start_sync_server
    started_here = not server.is_running()
    if started_here:
        # mathjax=False: our charts use no LaTeX, and the default would fetch MathJax online.
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    try:
        yield
    finally:
        if started_here:
            kaleido.stop_sync_server(silence_warnings=True)


def title_of(fig: go.Figure) -> str:
    """The figure's title in plain text (the finding, without the subtitle's markup)."""
    meta = fig.layout.meta
    if isinstance(meta, dict) and meta.get("title"):
        return str(meta["title"])
    text = fig.layout.title.text or ""
    return re.sub(r"<[^>]+>", "", text.split("<br>")[0]).strip()


def require_labels(fig: go.Figure, name: str = "chart") -> None:
    """Every exported chart states its title, the as-at date and the source line."""
    annotations = " ".join(a.text or "" for a in fig.layout.annotations)
    if not title_of(fig):
        raise ExportError(f"{name}: the chart has no title")
    if "As at " not in annotations or "Source:" not in annotations:
        raise ExportError(f"{name}: the chart does not show the as-at date and source line")


def image(
    fig: go.Figure,
    fmt: str,
    *,
    width: int | None = None,
    height: int | None = None,
    scale: float | None = None,
) -> bytes:
    """One figure as PNG or SVG bytes, at the figure's own size if it has one (else WIDTH
    wide) and, for PNG, ``scale`` pixels per CSS pixel (default SCALE). Call inside
    ``browser()`` when exporting several."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown image format {fmt!r}: choose one of {', '.join(FORMATS)}")
    opts = {
        "format": fmt,
        "width": width or fig.layout.width or WIDTH,
        "height": height or fig.layout.height or DEFAULT_HEIGHT,
        "scale": (scale or SCALE) if fmt == "png" else 1,
    }
    # On a busy machine kaleido can ask its tab before the page has loaded its own script
    # ("kaleido_scopes is not defined", seen once in CI): that, and only that, is asked again.
    for attempt in (1, 2):
        try:
            return kaleido.calc_fig_sync(fig, opts=opts)
        except Exception as error:  # kaleido and choreographer raise many kinds
            if attempt == 2 or "is not defined" not in str(error):
                message = f"the chart could not be drawn by Chromium: {error}"
                raise ExportError(message) from error
        time.sleep(0.5)


def file_stem(name: str) -> str:
    """A safe file name: letters, digits and hyphens."""
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "chart"


def too_large_to_show(fig: go.Figure) -> int:
    """How many of the figure's numbers are infinite (a sum of absurd figures overflowed);
    plotly draws them as gaps, so the chart must say they are missing."""
    count = 0
    for trace in fig.data:
        for axis in ("x", "y"):
            values = getattr(trace, axis, None)
            if values is not None and not isinstance(values, str):
                count += sum(
                    1 for v in values if isinstance(v, float | int) and math.isinf(float(v))
                )
    return count


def saying_what_is_missing(fig: go.Figure) -> go.Figure:
    """The figure, with a note on it when some of its numbers are too large to show."""
    missing = too_large_to_show(fig)
    if not missing:
        return fig
    noun = "1 figure is" if missing == 1 else f"{missing} figures are"
    marked = go.Figure(fig)
    marked.add_annotation(
        text=f"{noun} too large to show (a council's value out of range?) and left out",
        xref="paper", yref="paper", x=0.5, y=1.0, yanchor="bottom", showarrow=False,
        font={"size": 12, "color": "#d4351c"}, bgcolor="#ffffff",
    )  # fmt: skip
    return marked


def images(
    figures: dict[str, go.Figure],
    formats: Iterable[str] = FORMATS,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, bytes]:
    """Every figure in every format, in one browser: ``{"name.png": bytes, ...}``."""
    formats = list(formats)
    for name, fig in figures.items():
        require_labels(fig, name)
    figures = {name: saying_what_is_missing(fig) for name, fig in figures.items()}
    out: dict[str, bytes] = {}
    total = len(figures) * len(formats)
    with browser():
        for name, fig in figures.items():
            for fmt in formats:
                out[f"{file_stem(name)}.{fmt}"] = image(fig, fmt)
                if progress:
                    progress(len(out), total)
    return out


def write_images(
    figures: dict[str, go.Figure], directory: Path, formats: Iterable[str] = FORMATS
) -> list[Path]:
    """Write every figure to ``directory`` (created if need be); returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, data in images(figures, formats).items():
        path = directory / filename
        path.write_bytes(data)
        written.append(path)
    return written


def zip_of(files: dict[str, bytes]) -> bytes:
    """A ZIP of named files (PNGs are already compressed: stored as they are)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for filename, data in files.items():
            method = zipfile.ZIP_STORED if filename.endswith(".png") else zipfile.ZIP_DEFLATED
            archive.writestr(filename, data, compress_type=method)
    return buffer.getvalue()
