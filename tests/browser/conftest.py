"""The real-browser harness: a `streamlit run` server on a free port, Debian's chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
# Without the background-networking flags chromium keeps dialling out on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    """Every test here drives a real browser: mark it, and skip it plainly without chromium."""
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
    for item in items:
        if Path(item.fspath).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(skip)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(
    *, host: str, cwd: Path, env: dict, log_path: Path, port: int | None = None
) -> Iterator[str]:
    """Run the dashboard with ``streamlit run`` until the block ends; yield its URL."""
    port = port or free_port()
    url = f"http://{host}:{port}"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "streamlit_app.py"),
             "--server.port", str(port), "--server.address", host,
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_until_healthy(url, process)
            yield url
        finally:
            process.terminate()
            process.wait(10)


@contextmanager
def local_dashboard(db: Path, folder: Path) -> Iterator[str]:
    """The dashboard in local mode on ``db``, on a free 127.0.0.1 port, its log in ``folder``."""
    env = {**os.environ, "STEM_TRACKER_DB": str(db)}
    with streamlit_server(
        host="127.0.0.1", cwd=ROOT, env=env, log_path=folder / "streamlit.log"
    ) as url:
        yield url


def _wait_until_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not come up")


@contextmanager
def browser_page(viewport_height: int, timeout_ms: int):
    """A fresh headless chromium tab."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        tab = browser.new_page(viewport={"width": 1400, "height": viewport_height})
        tab.set_default_timeout(timeout_ms)
        try:
            yield tab
        finally:
            browser.close()


class DemoServer(NamedTuple):
    url: str
    db: Path


@pytest.fixture(scope="session")
def demo_server(demo_db, tmp_path_factory) -> Iterator[DemoServer]:
    """The dashboard in local mode on a copy of the demo database, which its tests may write
    to (a council's return is sent); one server for the accessibility and keyboard tests."""
    folder = tmp_path_factory.mktemp("demo-server")
    db = folder / "demo.duckdb"
    shutil.copyfile(demo_db, db)
    with local_dashboard(db, folder) as url:
        yield DemoServer(url, db)


def wait_for_app(tab, timeout_ms: int = 30_000) -> None:
    """Until the page's script has finished running and its charts are drawn."""
    tab.get_by_test_id("stMain").locator("h1").first.wait_for(timeout=timeout_ms)
    tab.locator("[data-testid=stApp][data-test-script-state=notRunning]").wait_for(
        timeout=timeout_ms
    )
    tab.wait_for_timeout(300)  # plotly draws just after the script ends
