"""Time a full briefing pack against a bare kaleido export of the same figures.

    .venv/bin/python bench/briefing.py [--as-at 2022-12-31] [--pdf-engine auto|direct|libreoffice]

Both run in one kaleido browser in the same process on a fresh demo database, so
the ratio says what the pack adds (reading, slides, PDF, ZIP) on top of drawing
its charts, which is the bulk of the work.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import briefing, export  # noqa: E402
from dashboard.briefing import pdf as pdf_file  # noqa: E402
from dashboard.briefing.figures import slide_figures  # noqa: E402
from etl import demo, store  # noqa: E402
from etl.strategy.load import load_strategy  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-at", default="2022-12-31", type=dt.date.fromisoformat)
    parser.add_argument("--pdf-engine", default="auto", choices=["auto", "direct", "libreoffice"])
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "demo.duckdb"
        strategy = load_strategy(ROOT / "commitments.yaml")
        store.init(db, strategy)
        demo.load_demo(db, strategy)

        with export.browser():
            warm = briefing.build(briefing.read(db, args.as_at), themes=["equity"])
            export.images(slide_figures(warm), ["png"])  # Chromium's first page is slow

            started = time.perf_counter()
            pack = briefing.build(briefing.read(db, args.as_at))
            figures = slide_figures(pack)
            export.images(figures, ["png", "svg"])
            bare = time.perf_counter() - started

            started = time.perf_counter()
            steps: list[tuple[float, str]] = []
            pack = briefing.build(briefing.read(db, args.as_at))
            made = briefing.files(
                pack,
                pdf=True,
                images=True,
                pdf_engine=args.pdf_engine,
                progress=lambda share, what: steps.append((time.perf_counter(), what)),
            )
            full = time.perf_counter() - started

    engine = pdf_file.engine(args.pdf_engine)
    print(f"as at {args.as_at}: {len(pack.slides)} slides, {len(figures)} charts")
    print(f"bare kaleido export (PNG + SVG of the same figures): {bare:6.2f} s")
    print(f"full pack (PPTX + PDF via {engine} + ZIP):{full:12.2f} s")
    print(f"ratio full / bare: {full / bare:.2f}x")
    print(
        "sizes: " + ", ".join(f"{kind} {len(data) / 1024:.0f} KiB" for kind, data in made.items())
    )


if __name__ == "__main__":
    main()
