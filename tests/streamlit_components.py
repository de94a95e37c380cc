"""Each new AppTest scans every installed package for Streamlit components (0.45 s of a
0.5 s page run on a 2-core machine). The installed packages do not change while tests or
a benchmark run, so scan once and hand every AppTest the same real result."""

from __future__ import annotations

from collections.abc import Callable


def scan_once() -> Callable[[], None]:
    """Scan now and answer every later scan with that result; returns the undo."""
    from streamlit.components.v2 import manifest_scanner

    scan = manifest_scanner.scan_component_manifests
    found = scan()
    manifest_scanner.scan_component_manifests = lambda max_workers=None: list(found)

    def undo() -> None:
        manifest_scanner.scan_component_manifests = scan

    return undo
