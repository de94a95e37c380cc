"""Manual statuses that age (issue 27, part 6): an override's `review_by`; past it every
view says the status has not been reviewed since it was set, and `stem-tracker check` warns."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dashboard import views
from etl import status, store
from etl.strategy.errors import StrategyError
from etl.strategy.load import parse_strategy
from tests.conftest import ROOT
from tests.test_strategy_validation import run_cli

REAL = (ROOT / "commitments.yaml").read_text(encoding="utf-8")
NOT_REVIEWED = "Manual status not reviewed since 30 June 2021 (review was due 31 December 2021)"


@pytest.mark.parametrize(
    "as_at, stale", [(dt.date(2021, 12, 31), False), (dt.date(2025, 9, 30), True)], ids=str
)
def test_past_its_review_date_a_manual_status_says_it_was_not_reviewed(demo_db, as_at, stale):
    with store.connect(demo_db) as con:
        report = status.report(con, as_at)
    c01 = report.commitments.set_index("id").loc["C01"]
    assert c01["manual"] and bool(c01["not_reviewed"]) is stale
    assert c01["reason"].startswith(NOT_REVIEWED) is stale
    why = views.commitment_table(report.commitments).set_index("Commitment").loc["C01", "Why"]
    assert (NOT_REVIEWED in why) is stale


def _with_review_by(day: str) -> str:
    assert "      review_by: 2021-12-31\n" in REAL
    return REAL.replace("      review_by: 2021-12-31\n", f"      review_by: {day}\n")


@pytest.mark.parametrize("day, warned", [("2021-12-31", True), ("2999-12-31", False)])
def test_check_warns_of_a_manual_status_past_its_review(tmp_path, day, warned):
    path = tmp_path / "commitments.yaml"
    path.write_text(_with_review_by(day), encoding="utf-8")
    result = run_cli("check", str(path))
    assert result.returncode == 0, result.stdout + result.stderr  # a warning, not a problem
    warning = (
        "warning: commitment C01: the manual status (at risk) set on 30 June 2021 has not "
        "been reviewed since; its review was due 31 December 2021"
    )
    assert (warning in result.stdout) is warned
    as_json = json.loads(run_cli("check", "--json", str(path)).stdout)
    assert len(as_json["warnings"]) == int(warned)


def test_a_review_date_before_the_override_is_a_problem():
    with pytest.raises(StrategyError, match="review_by 2021-01-01 is before the override's date"):
        parse_strategy(_with_review_by("2021-01-01"))
