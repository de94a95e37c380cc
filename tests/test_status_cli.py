"""`stem-tracker status` and `stem-tracker completeness`, run through the real entry point."""

from __future__ import annotations

import json
import re
import sys

import pytest

from etl import store
from etl.cli import main
from tests.status_fixture import COUNCILS, STRATEGY, add_return, status_db
from tests.test_status_report import worked_example


def run(monkeypatch, capsys, *args) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["stem-tracker", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    return exit_info.value.code or 0, out, plain(err)


def plain(text: str) -> str:
    """Usage errors come in a box that may wrap: keep the words only."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


@pytest.fixture(scope="module")
def example_db(tmp_path_factory):
    """The hand-worked example's database; the commands only read it."""
    db = status_db(tmp_path_factory.mktemp("status-cli"))
    with store.connect(db) as con:
        worked_example(con)
    return db


@pytest.fixture
def cli(example_db, monkeypatch, capsys):
    db = example_db

    def invoke(*args):
        return run(monkeypatch, capsys, "--db", str(db), "--commitments", str(STRATEGY), *args)

    return invoke


def test_status_json_is_the_report(cli):
    code, out, _ = cli("status", "--as-at", "2018-11-30", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["as_at"] == "2018-11-30"
    assert [c["status"] for c in data["commitments"]] == [
        "on_track",
        "off_track",
        "at_risk",
        "on_track",
    ]
    assert data["themes"][0]["commitments"]["on_track"] == 1
    assert len(data["returns"]) == 4 * 32


def test_status_summary_by_theme(cli):
    code, out, _ = cli("status", "--as-at", "2018-11-30")
    assert code == 0
    assert "Status as at 30 November 2018" in out
    for theme in ("Excellence", "Equity", "Inspiration", "Connection"):
        assert f"\n{theme}\n" in out
    assert (
        "C02 Closing the gender gap: OFF TRACK (Gap in STEM uptake: 22.0% against 18.8% "
        "expected by now (April to June 2018); 3.2 points above it, and lower is better)"
    ) in out
    assert "milestones due by 30 November 2018: 1, completed 1 (delivery rate 100%)" in out
    assert "Returns for 2018-Q3: 24 of 32 councils returned" in out


def test_a_manual_status_shows_its_reason(cli):
    code, out, _ = cli("status", "--as-at", "2019-01-01")
    assert code == 0
    assert "C02 Closing the gender gap: AT RISK (manual, 2019-01-01; Survey paused)" in out


@pytest.mark.parametrize(
    "as_at, message",
    [
        ("2019-02-30", '"2019-02-30" is not a real date'),
        ("30/09/2025", 'Invalid value for --as-at: "30/09/2025" is not a date like 2025-09-30'),
        ("yesterday", '"yesterday" is not a date'),
    ],
)
@pytest.mark.parametrize("command", ["status", "completeness"])
def test_a_bad_date_is_a_plain_usage_error(cli, command, as_at, message):
    code, out, err = cli(command, "--as-at", as_at)
    assert code == 2
    assert message in err
    assert "Traceback" not in out + err


def test_an_uninitialised_database_is_a_plain_message(tmp_path, monkeypatch, capsys):
    db = tmp_path / "nothing.duckdb"
    code, _, err = run(monkeypatch, capsys, "--db", str(db), "status")
    assert code == 1
    assert err == f"error: there is no database at {db}: run `stem-tracker init` first"
    assert not db.exists()
    store.connect(db, create=True).__enter__().close()  # an empty file, never initialised
    code, _, err = run(monkeypatch, capsys, "--db", str(db), "completeness")
    assert code == 1
    assert "run `stem-tracker init` first" in err


def test_completeness_for_one_quarter_names_who_to_chase(cli):
    code, out, _ = cli("completeness", "--period", "2018 Q3", "--as-at", "2018-11-30")
    assert code == 0
    assert "2018-Q3: 24 of 32 councils returned (due 11 November 2018; 24 on time, 8 overdue)" in (
        out
    )
    chase = next(line for line in out.splitlines() if "overdue (chase)" in line)
    assert chase.startswith("  Not returned, overdue (chase) (8): ")
    assert "Returned on time (24)" in out


def test_completeness_every_quarter(cli):
    code, out, _ = cli("completeness", "--as-at", "2018-11-30")
    assert code == 0
    assert "  2017-Q4: 0 of 32 councils returned (due 11 February 2018; 32 overdue)" in out
    assert "  2018-Q2: 32 of 32 councils returned (due 11 August 2018; 31 on time, 1 late)" in out


def test_completeness_json(cli):
    code, out, _ = cli("completeness", "--period", "2018-Q2", "--as-at", "2018-11-30", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["as_at"] == "2018-11-30"
    assert len(data["returns"]) == 32
    late = [r for r in data["returns"] if r["status"] == "submitted_late"]
    assert [(r["authority_code"], r["received_at"]) for r in late] == [
        (COUNCILS[30], "2018-08-20T10:00:00")
    ]


@pytest.mark.parametrize(
    "period, code, message",
    [
        ("2018-Q9", 2, '"2018-Q9" is not a quarter like 2025-Q3'),
        ("2018-Q4", 1, "no return is expected for 2018-Q4 as at 2018-11-30"),
        ("2016-Q1", 1, "no return is expected for 2016-Q1"),
    ],
)
def test_completeness_period_problems(cli, period, code, message):
    got, _, err = cli("completeness", "--period", period, "--as-at", "2018-11-30")
    assert got == code
    assert message in err


def test_a_return_received_after_d_is_not_received(tmp_path, monkeypatch, capsys):
    db = status_db(tmp_path)
    with store.connect(db) as con:
        add_return(con, COUNCILS[0], "2018-Q1", {"C01-I1": 1}, "2018-06-01 09:00")
    args = ("--db", str(db), "completeness", "--period", "2018-Q1", "--json", "--as-at")
    before = json.loads(run(monkeypatch, capsys, *args, "2018-05-31")[1])["returns"]
    after = json.loads(run(monkeypatch, capsys, *args, "2018-06-01")[1])["returns"]
    mine = {r["authority_code"]: r for r in before}[COUNCILS[0]]
    assert (mine["status"], mine["received_at"]) == ("overdue", None)
    mine = {r["authority_code"]: r for r in after}[COUNCILS[0]]
    assert (mine["status"], mine["received_at"]) == ("submitted_late", "2018-06-01T09:00:00")


def test_commands_have_help(monkeypatch, capsys):
    for command in ("status", "completeness"):
        code, out, _ = run(monkeypatch, capsys, command, "--help")
        assert code == 0
        assert "--as-at" in out and "--json" in out
