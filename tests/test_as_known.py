"""As at D means as known at D (spec/status-rules.md, issue 12): figures by arrival, the
revised figures chosen explicitly, revisions, briefings that can be rebuilt and checked, and
the audit export."""

from __future__ import annotations

import shutil
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from etl import store
from etl.figures_used import changes_since
from etl.periods import Quarter, last_ended, quarters_between
from etl.returns import Submitter
from etl.revisions import revisions
from etl.status import national_series, report
from etl.strategy.load import load_strategy
from etl.submissions.export import export_current
from etl.submissions.ingest import ingest_return
from etl.submissions.versions import restore_version
from tests.status_fixture import COUNCILS, add_return, status_db

D = date(2018, 6, 30)


def figure(con, as_at, revised=False, indicator="C01-I1", period="2018-Q1") -> float:
    series = national_series(con, as_at, indicator, revised)
    return float(series.set_index("period").loc[period, "compared_value"])


@pytest.fixture
def corrected(tmp_path) -> Path:
    """Every council reports 10 for 2018-Q1 in April 2018; one corrects its figure to 42 in
    September 2018, after D (30 June 2018)."""
    db = status_db(tmp_path)
    with store.connect(db) as con:
        for code in COUNCILS:
            add_return(
                con, code, "2018-Q1", {"C01-I1": 10}, "2018-04-20 10:00",
                is_current=code != COUNCILS[0],
            )  # fmt: skip
        add_return(con, COUNCILS[0], "2018-Q1", {"C01-I1": 42}, "2018-09-01 10:00", version=2)
    return db


def test_a_correction_received_after_d_changes_nothing_as_at_d(corrected):
    with store.connect(corrected) as con:
        assert figure(con, D) == 320  # 32 councils × 10, as known on 30 June 2018
        assert figure(con, D, revised=True) == 352  # the correction: 31 × 10 + 42
        assert figure(con, date(2018, 9, 1)) == 352  # known from the day it arrived
        assert figure(con, date(2018, 8, 31)) == 320
        known, now = report(con, D), report(con, D, revised=True)
    assert known.figures_label == "figures as known on 30 June 2018"
    today = date.today()
    assert now.figures_label == f"revised figures, as they stand on {today.day} {today:%B %Y}"
    row = known.indicators.set_index("id").loc["C01-I1"]
    assert (row["latest_period"], row["actual"]) == ("2018-Q1", 320)
    assert now.indicators.set_index("id").loc["C01-I1", "actual"] == 352


def test_a_restore_counts_from_its_own_time(tmp_path):
    small = load_strategy(Path(__file__).parent / "data" / "strategy-small.yaml")
    db = tmp_path / "restore.duckdb"
    store.init(db, small)
    header = "authority_code,period,indicator_id,value\n"
    me = Submitter("tester")
    for value in (5, 7):
        ingest_return(db, f"{header}S12000036,2025-Q3,C01-I1,{value}\n".encode(), "r.csv",
                      small, submitter=me, today=date(2025, 12, 1))  # fmt: skip
    with store.connect(db) as con:  # the two versions arrived in October and November 2025
        con.execute("UPDATE submissions SET received_at = '2025-10-20 10:00' WHERE version = 1")
        con.execute("UPDATE submissions SET received_at = '2025-11-10 10:00' WHERE version = 2")
    outcome = restore_version(db, "S12000036", "2025-Q3", 1, "admin")
    assert (outcome.action, outcome.version) == ("restored", 3)

    def value_as_known(day: date) -> str:
        rows = export_current(db, as_at=day).decode("utf-8-sig").splitlines()
        return rows[1].split(",")[7]

    assert value_as_known(date(2025, 10, 31)) == "5"
    assert value_as_known(date(2025, 11, 30)) == "7"  # the restore was made later
    assert value_as_known(date.today()) == "5"  # version 3, version 1's figures again


def replay_copy(source: Path, folder: Path) -> Path:
    copy = folder / "replay.duckdb"
    shutil.copyfile(source, copy)
    return copy


def keep_only_known(con, day: date) -> None:
    """What the store held on ``day``: versions received later removed, the latest left
    current (today's code then reads the copy's current figures)."""
    con.execute(
        "DELETE FROM figure_values WHERE submission_id IN "
        "(SELECT id FROM submissions WHERE CAST(received_at AS DATE) > ?)",
        [day],
    )
    con.execute("DELETE FROM submissions WHERE CAST(received_at AS DATE) > ?", [day])
    con.execute(
        """
        UPDATE submissions s SET is_current = s.version = (
            SELECT max(version) FROM submissions k
            WHERE k.authority_code = s.authority_code AND k.period = s.period)
        """
    )


def comparable(result) -> dict:
    data = result.to_json()
    data.pop("figures"), data.pop("figures_label")
    return data


def test_as_at_every_quarter_end_the_engine_equals_a_replay(demo_db, tmp_path):
    """A property over every quarter end of the demo (and three days mid-quarter): the
    status as known at D equals today's code reading a copy that holds only what had
    arrived by D. Dates run backwards, so one copy loses later versions as it goes."""
    with store.connect(demo_db) as con:
        start = Quarter.parse(store.get_meta(con, "start"))
        corrected = con.execute("SELECT count(*) FROM submissions WHERE version > 1").fetchone()[0]
    assert corrected > 0
    today = date.today()
    days = [q.end for q in quarters_between(start, last_ended(today))]
    days += [date(2019, 5, 15), date(2022, 8, 15), date(2025, 11, 15)]  # mid-quarter
    copy = replay_copy(demo_db, tmp_path)
    differed = 0
    # One connection to each for the whole walk (opening a file costs more than a report).
    with store.connect(demo_db) as con, store.connect(copy) as replay:
        for n, day in enumerate(sorted(days, reverse=True)):
            known = comparable(report(con, day))
            if n < 8:  # the latest quarter ends, where the corrections fall
                differed += known != comparable(report(con, day, revised=True))
            keep_only_known(replay, day)
            assert known == comparable(report(replay, day, revised=True)), day
    assert differed > 0  # the demo's late corrections do change past views


def test_a_pack_rebuilt_after_a_correction_has_the_same_fingerprint(demo_db, tmp_path):
    from dashboard import briefing
    from dashboard.briefing.pptx import figures_of

    db = replay_copy(demo_db, tmp_path)
    day = date(2022, 12, 31)
    before = briefing.build(briefing.read(db, day))
    before_revised = briefing.build(briefing.read(db, day, revised=True))
    pptx = briefing.files(before, pdf=False, images=False)["pptx"]
    assert figures_of(pptx) == before.figures  # the record travels inside the .pptx
    # The fingerprint is in the data annex (the technical record's one place), in full.
    assert before.figures.fingerprint in before.slides[-1].table["Value"].tolist()
    with store.connect(db) as con:  # a council corrects its 2022-Q4 return today
        code, value = con.execute(
            "SELECT authority_code, value FROM figures_at(?, true) WHERE period = '2022-Q4' "
            "AND indicator_id = 'C01-I1' AND sex = 'all' AND simd_quintile = 'all' "
            "AND authority_code <> 'S92000003' ORDER BY authority_code LIMIT 1",
            [day],
        ).fetchone()
        rows = con.execute(
            "SELECT indicator_id, sex, simd_quintile, value FROM figures_at(?, true) "
            "WHERE authority_code = ? AND period = '2022-Q4'",
            [day, code],
        ).fetchall()
    lines = ["authority_code,period,indicator_id,sex,simd_quintile,value"]
    lines += [
        f"{code},2022-Q4,{i},{s},{q},{value + 7 if (i, s, q) == ('C01-I1', 'all', 'all') else v}"
        for i, s, q, v in rows
    ]
    strategy = load_strategy(Path(__file__).resolve().parent.parent / "commitments.yaml")
    result = ingest_return(db, "\n".join(lines).encode(), "fix.csv", strategy)
    assert result.stored and result.outcomes[0].action == "replaced"

    after = briefing.build(briefing.read(db, day))
    assert after.figures.fingerprint == before.figures.fingerprint
    assert [s.messages for s in after.slides] == [s.messages for s in before.slides]
    after_revised = briefing.build(briefing.read(db, day, revised=True))
    assert after_revised.figures.fingerprint != before_revised.figures.fingerprint
    with store.connect(db) as con:
        assert changes_since(con, before.figures).empty
        changed = changes_since(con, before_revised.figures)
    assert changed.to_dict("records") == [
        {"authority_code": code, "period": "2022-Q4", "indicator_id": "C01-I1", "sex": "all",
         "simd_quintile": "all", "was": value, "now": value + 7}
    ]  # fmt: skip


def test_briefing_check_says_whether_a_pack_still_matches(demo_db, tmp_path, monkeypatch, capsys):
    from dashboard.cli import main

    db = replay_copy(demo_db, tmp_path)

    def cli(*args):
        monkeypatch.setattr(sys, "argv", ["stem-tracker", "--db", str(db), *args])
        with pytest.raises(SystemExit) as done:
            main()
        out, err = capsys.readouterr()
        return done.value.code or 0, out, err

    known, revised = tmp_path / "known.pptx", tmp_path / "revised.pptx"
    assert cli("briefing", "--as-at", "2020-03-31", "--out", str(known))[0] == 0
    code, out, _ = cli("briefing", "--as-at", "2020-03-31", "--revised", "--out", str(revised))
    assert code == 0 and "revised figures, as they stand on" in out
    with store.connect(db) as con:  # a correction today to a 2020-Q1 figure
        sid = con.execute(
            "SELECT submission_id FROM figures_at(DATE '2020-03-31', true) "
            "WHERE period = '2020-Q1' AND authority_code <> 'S92000003' LIMIT 1"
        ).fetchone()[0]
        code_, version = con.execute(
            "SELECT authority_code, version FROM submissions WHERE id = ?", [sid]
        ).fetchone()
        con.execute("UPDATE submissions SET is_current = false WHERE id = ?", [sid])
        new = add_return(
            con, code_, "2020-Q1", {"C01-I1": 123456}, datetime.now(), version=version + 1
        )
    assert new
    code, out, _ = cli("briefing", "--check", str(known))
    assert code == 0 and out.startswith(f"{known}: matches the tracker (as at 2020-03-31")
    code, out, _ = cli("briefing", "--check", str(revised))
    assert code == 1
    assert f"{revised}: does not match the tracker (as at 2020-03-31, revised figures)" in out
    assert f"  {code_} 2020-Q1 C01-I1 (all, SIMD all): " in out and "-> 123456" in out
    code, _, err = cli("briefing", "--check", str(tmp_path / "nothing.pptx"))
    assert code == 2 and "there is no file" in err
    (tmp_path / "plain.pptx").write_bytes(b"not a deck")
    code, _, err = cli("briefing", "--check", str(tmp_path / "plain.pptx"))
    assert code == 1 and "is not a PowerPoint file" in err


def test_the_audit_export_lists_every_version(tmp_path, corrected):
    text = export_current(corrected, all_versions=True).decode("utf-8-sig").splitlines()
    assert text[0].split(",")[-4:] == ["version", "received_at", "submitted_by", "action"]
    first = [r for r in text[1:] if r.startswith(COUNCILS[0])]
    assert [r.split(",")[7] for r in first] == ["10", "42"]  # value, version by version
    assert [r.split(",")[9:11] for r in first] == [
        ["1", "2018-04-20T10:00:00"], ["2", "2018-09-01T10:00:00"]
    ]  # fmt: skip
    assert len(text) == 1 + 33  # every version of every submission
    as_known = export_current(corrected, as_at=D).decode("utf-8-sig").splitlines()
    assert [r.split(",")[7] for r in as_known if r.startswith(COUNCILS[0])] == ["10"]
    current = export_current(corrected).decode("utf-8-sig").splitlines()
    assert [r.split(",")[7] for r in current if r.startswith(COUNCILS[0])] == ["42"]


def test_the_demo_has_real_revisions(demo_db):
    with store.connect(demo_db) as con:
        due_days = store.settings(con)["returns_due_days"]
        late = con.execute(
            "SELECT period, CAST(received_at AS DATE) FROM submissions WHERE version = 2"
        ).fetchall()
        found = revisions(con)
    assert late and all(
        received > Quarter.parse(period).end + timedelta(days=due_days) for period, received in late
    )
    revised = [r for r in found.values() if r.mean_absolute_revision]
    assert len(revised) >= len(found) // 2
    one = next(iter(revised))
    table = one.table.dropna(subset=["revision"])
    assert (table["revision"] == table["latest"] - table["first_published"]).all()
    assert one.mean_absolute_revision == pytest.approx(table["revision"].abs().mean())


def test_the_revisions_chart_says_what_was_revised(corrected):
    from dashboard.charts.revisions import revisions_chart

    with store.connect(corrected) as con:
        revised = revisions(con, ["C01-I1"], as_at=date(2018, 12, 31))["C01-I1"]
        as_known = revisions(con, ["C01-I1"], as_at=D, revised=False)["C01-I1"]
    row = revised.table.set_index("period").loc["2018-Q1"]
    assert (row["first_published"], row["latest"], row["revision"]) == (320, 352, 32)
    assert revised.triangle.loc["2018-Q1"].to_dict() == {
        "2018-06-30": 320.0, "2018-09-30": 352.0, "2018-12-31": 352.0
    }  # fmt: skip
    fig = revisions_chart(revised, "As at 31 December 2018 · Source: test")
    assert list(fig.data[0].y) == [320] and list(fig.data[1].y) == [352]
    assert fig.layout.meta["title"].endswith("the largest was 2018-Q1")
    assert [a.text for a in fig.layout.annotations][:2] == ["First published", "Latest"]
    unrevised = revisions_chart(as_known, "As at 30 June 2018 · Source: test")
    assert unrevised.layout.meta["title"] == (
        "Practitioners trained: no figure has been revised since it was first published"
    )
    assert unrevised.layout.annotations[0].text == "First published and latest"
