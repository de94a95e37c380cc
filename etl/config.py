"""Where the database and the strategy file are: option, else environment, else default."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "tracker.duckdb"
DEFAULT_COMMITMENTS = PROJECT_ROOT / "commitments.yaml"


def db_path(option: str | Path | None = None) -> Path:
    return Path(option or os.environ.get("STEM_TRACKER_DB") or DEFAULT_DB)


def commitments_path(option: str | Path | None = None) -> Path:
    return Path(option or os.environ.get("STEM_TRACKER_COMMITMENTS") or DEFAULT_COMMITMENTS)
