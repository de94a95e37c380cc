"""A demo release, built once per test session: the small strategy (four indicators, so
eleven charts) on demo returns. Building is the expensive part (Chromium draws the charts),
so every build in the session shares one kaleido browser; tests that change the store work
on their own copy of it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from etl import demo, store
from etl.strategy.load import load_strategy
from tests.kaleido_session import kaleido_browser  # noqa: F401 (the fixture)

SMALL = Path(__file__).parent / "data" / "strategy-small.yaml"


@dataclass(frozen=True)
class Built:
    db: Path  # the store it was built from (a copy per session: the build logs itself)
    folder: Path
    release: object  # dashboard.release.Release

    def copy_db(self, folder: Path) -> Path:
        copy = folder / "release-copy.duckdb"
        shutil.copyfile(self.db, copy)
        return copy


@pytest.fixture(scope="session")
def small_demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("release-demo") / "demo.duckdb"
    strategy = load_strategy(SMALL)
    store.init(path, strategy)
    demo.load_demo(path, strategy)
    return path


@pytest.fixture(scope="session")
def demo_release(small_demo_db, tmp_path_factory, kaleido_browser) -> Built:  # noqa: F811
    from dashboard.release import build_release, default_as_at

    folder = tmp_path_factory.mktemp("release") / "site"
    made = build_release(
        small_demo_db, default_as_at(small_demo_db), folder, SMALL, built_by="tester"
    )
    return Built(small_demo_db, folder, made)
