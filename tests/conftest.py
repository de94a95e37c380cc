"""Shared fixtures: real files, real DuckDB databases under pytest's tmp_path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from etl import demo, store
from etl.strategy.load import load_strategy
from tests.held_open import held_open
from tests.mail_server import mail_server  # noqa: F401 (a fixture: a real SMTP server)
from tests.release_fixture import (  # noqa: F401 (fixtures: a built release, its browser)
    demo_release,
    kaleido_browser,
    small_demo_db,
)
from tests.streamlit_components import scan_once

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True, scope="session")
def _no_default_database(tmp_path_factory):
    """No test may touch data/tracker.duckdb: point the default at a scratch file."""
    os.environ["STEM_TRACKER_DB"] = str(tmp_path_factory.mktemp("default") / "tracker.duckdb")
    os.environ.setdefault("STEM_TRACKER_BUSY_TIMEOUT", "30")


@pytest.fixture(autouse=True, scope="session")
def _components_scanned_once():
    """Every AppTest gets the one scan of installed Streamlit components."""
    undo = scan_once()
    yield
    undo()


@pytest.fixture(scope="session")
def strategy():
    """The real strategy, from commitments.yaml."""
    return load_strategy(ROOT / "commitments.yaml")


@pytest.fixture
def empty_db(tmp_path, strategy) -> Path:
    """An initialised database with the real strategy and no returns."""
    path = tmp_path / "tracker.duckdb"
    store.init(path, strategy)
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, strategy) -> Path:
    """A database full of demo returns. Session-wide: tests must not write to it."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    store.init(path, strategy)
    demo.load_demo(path, strategy)
    return path


@pytest.fixture(scope="module")
def demo_db_held_open(demo_db) -> Iterator[Path]:
    """The demo database, held open while one module runs (pytest closes it whenever
    another module's test runs in between). Opt in with
    ``pytestmark = pytest.mark.usefixtures("demo_db_held_open")``."""
    with held_open(demo_db):
        yield demo_db
