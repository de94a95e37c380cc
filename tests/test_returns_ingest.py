"""Loading returns: versions, replace and unchanged, history, restore, export round trip,
the template and the Frictionless schema, and the commands around them."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from etl import store
from etl.cli import main
from etl.returns import Submitter, contract, validate_return
from etl.returns.spec import ReturnSpec
from etl.strategy.load import load_strategy
from etl.submissions import export, receipts
from etl.submissions.export import export_current
from etl.submissions.ingest import ingest_return
from etl.submissions.spec_cache import spec_in_store
from etl.submissions.versions import SubmissionNotFound, history, restore_version

DATA = Path(__file__).resolve().parent / "data"
GOOD = sorted((DATA / "returns" / "good").glob("*.csv"))
SMALL = DATA / "strategy-small.yaml"
TODAY = date(2025, 12, 1)
HEADER = "authority_code,period,indicator_id,value,sex,simd_quintile,comment\n"
CANONICAL = (DATA / "returns" / "good" / "canonical.csv").read_bytes()
ME = Submitter("tester")


@pytest.fixture(scope="module")
def small():
    return load_strategy(SMALL)


@pytest.fixture
def db(tmp_path, small) -> Path:
    path = tmp_path / "returns.duckdb"
    store.init(path, small)
    return path


def load(db, small, data, name="returns/test.csv", **kwargs):
    data = data.encode() if isinstance(data, str) else data
    kwargs.setdefault("submitter", ME)
    return ingest_return(db, data, name, small, today=TODAY, **kwargs)


def snapshot(db) -> tuple:
    with store.connect(db) as con:
        return (
            con.execute("SELECT * FROM submissions ORDER BY id").fetchall(),
            con.execute("SELECT * FROM figures ORDER BY ALL").fetchall(),
        )


def current(db) -> list[tuple]:
    with store.connect(db) as con:
        return con.execute(
            "SELECT authority_code, period, indicator_id, sex, simd_quintile, value, comment "
            "FROM current_figures ORDER BY ALL"
        ).fetchall()


def test_same_rows_in_any_form_are_unchanged(db, small):
    first = load(db, small, CANONICAL, "returns/canonical.csv")
    assert [(o.action, o.version, o.rows) for o in first.outcomes] == [("new", 1, 4)]
    for path in GOOD:
        result = load(db, small, path.read_bytes(), path.name)
        assert [(o.action, o.version) for o in result.outcomes] == [("unchanged", 1)], path.name
    assert current(db) == [
        ("S12000036", "2025-Q3", "C01-I1", "all", "all", 1234.0, 'Café STEM club, "new"'),
        ("S12000036", "2025-Q3", "C01-I1", "female", "all", 600.0, None),
        ("S12000036", "2025-Q3", "C01-I2", "all", "all", 12.5, None),
        ("S12000036", "2025-Q3", "C02-I1", "male", "3", 7.0, "=A1+1"),
    ]
    assert len(history(db, "S12000036", "2025-Q3")) == 1


def test_resubmitting_replaces_the_pair_as_a_whole_and_keeps_the_old_version(db, small):
    load(db, small, CANONICAL, "returns/v1.csv", submitter=Submitter("first.sender"))
    smaller = HEADER + "S12000036,2025-Q3,C01-I1,1300,,,corrected\n"
    result = load(db, small, smaller, "returns/v2.csv")
    assert [(o.action, o.version, o.rows) for o in result.outcomes] == [("replaced", 2, 1)]
    assert current(db) == [("S12000036", "2025-Q3", "C01-I1", "all", "all", 1300.0, "corrected")]
    versions = history(db, "s12000036", "Q3 2025")
    assert [(v["version"], v["action"], v["rows"], v["is_current"]) for v in versions] == [
        (1, "new", 4, False), (2, "replaced", 1, True),
    ]  # fmt: skip
    assert [v["submitted_by"] for v in versions] == ["first.sender", "tester"]
    # The name only: a path (here returns/) would be shown in receipts and e-mails.
    assert [v["file_name"] for v in versions] == ["v1.csv", "v2.csv"]
    assert versions[1]["sha256"] == result.sha256 and re.fullmatch("[0-9a-f]{64}", result.sha256)
    with store.connect(db) as con:  # the old version's figures are all still there
        assert con.execute("SELECT count(*) FROM figures").fetchone()[0] == 5


def test_same_count_but_one_value_differs_is_replaced(db, small):
    load(db, small, CANONICAL)
    changed = CANONICAL.replace(b"12.5", b"12.6")
    assert [o.action for o in load(db, small, changed).outcomes] == ["replaced"]
    changed_comment = changed.replace(b"=A1+1", b"=A1+2")
    assert [o.action for o in load(db, small, changed_comment).outcomes] == ["replaced"]


def test_a_file_with_several_pairs_loads_each_and_an_error_anywhere_stores_nothing(db, small):
    rows = "S12000036,2025-Q3,C01-I1,5,,,\nS12000036,2025-Q2,C01-I1,4,,,\n"
    first = load(db, small, HEADER + rows)
    assert [(o.period, o.action) for o in first.outcomes] == [
        ("2025-Q2", "new"), ("2025-Q3", "new"),
    ]  # fmt: skip
    before = snapshot(db)
    bad = HEADER + "S12000036,2025-Q3,C01-I1,6,,,\nS12000036,2025-Q2,C01-I1,lots,,,\n"
    result = load(db, small, bad)
    assert not result.stored and result.outcomes == []
    assert snapshot(db) == before
    second = load(
        db, small, HEADER + "S12000036,2025-Q3,C01-I1,6,,,\nS12000036,2025-Q2,C01-I1,4,,,\n"
    )
    assert [(o.period, o.action, o.version) for o in second.outcomes] == [
        ("2025-Q2", "unchanged", 1), ("2025-Q3", "replaced", 2),
    ]  # fmt: skip


def test_the_back_end_refuses_another_councils_or_national_figures(db, small):
    edinburgh = Submitter("data.officer@edinburgh", frozenset({"S12000036"}), national=False)
    before = snapshot(db)
    glasgow = load(db, small, HEADER + "S12000049,2025-Q3,C01-I1,5,,,\n", submitter=edinburgh)
    assert [e.code for e in glasgow.report.errors] == ["not_allowed"]
    national = load(db, small, HEADER + "S92000003,2025-Q3,C02-I2,5,,,\n", submitter=edinburgh)
    assert [e.code for e in national.report.errors] == ["not_allowed"]
    assert snapshot(db) == before
    own = load(db, small, HEADER + "S12000036,2025-Q3,C01-I1,5,,,\n", submitter=edinburgh)
    assert own.stored and history(db, "S12000036", "2025-Q3")[0]["submitted_by"] == (
        "data.officer@edinburgh"
    )


def test_queries_are_kept_with_the_submission(db, small):
    load(db, small, CANONICAL, queries='[{"indicator_id": "C01-I1"}]')
    with store.connect(db) as con:
        stored = con.execute("SELECT queries FROM submissions").fetchone()[0]
    assert json.loads(stored) == [{"indicator_id": "C01-I1"}]


def test_restore_makes_an_earlier_version_current_as_a_new_version(db, small):
    load(db, small, CANONICAL, "returns/v1.csv")
    v1 = current(db)
    load(db, small, HEADER + "S12000036,2025-Q3,C01-I1,1,,,\n", "returns/v2.csv")
    outcome = restore_version(db, "S12000036", "2025-Q3", 1, "admin")
    assert (outcome.action, outcome.version, outcome.rows) == ("restored", 3, 4)
    assert current(db) == v1
    versions = history(db, "S12000036", "2025-Q3")
    assert [(v["version"], v["action"], v["restored_from"], v["is_current"]) for v in versions] == [
        (1, "new", None, False), (2, "replaced", None, False), (3, "restored", 1, True),
    ]  # fmt: skip
    assert versions[2]["submitted_by"] == "admin" and versions[2]["file_name"] == "v1.csv"
    assert restore_version(db, "S12000036", "2025-Q3", 1, "admin").action == "unchanged"
    with pytest.raises(SubmissionNotFound, match="has no version 9"):
        restore_version(db, "S12000036", "2025-Q3", 9, "admin")


def test_export_then_ingest_changes_nothing(db, small):
    load(db, small, CANONICAL)
    load(db, small, HEADER + "S92000003,2025-Q2,C02-I2,0.30000000000000004,,,-3 points\n")
    load(db, small, HEADER + "S12000033,2025-Q3,C02-I1,4.5e3,female,5,@home\n")
    exported = export_current(db)
    text = exported.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(contract.FILE_ORDER)
    assert "S12000036,2025-Q3,C02-I1,STEM apprenticeship starts,count,male,3,7,'=A1+1" in text
    assert ",0.30000000000000004,'-3 points" in text and ",1234," in text and ",12.5," in text
    assert "'@home" in text
    before = snapshot(db)
    result = load(db, small, exported, "export.csv")
    assert {o.action for o in result.outcomes} == {"unchanged"}
    assert snapshot(db) == before
    assert export_current(db) == exported


def test_every_writer_writes_the_return_format_alike(tmp_path):
    """The template, a version's CSV and every export: the same header, CRLF line ends, the
    same text for a number and the same neutralising (etl.submissions.export writes all)."""
    yaml = SMALL.read_text(encoding="utf-8").replace("name: STEM apprenticeship starts",
        "name: =SUM(A1)").replace("maximum: 5000 ", "maximum: 1.0e+21 ")  # fmt: skip
    (tmp_path / "strategy.yaml").write_text(yaml, encoding="utf-8")
    strategy = load_strategy(tmp_path / "strategy.yaml")
    db = tmp_path / "writers.duckdb"
    store.init(db, strategy)
    sent = (
        f"S12000036,2025-Q3,C02-I1,{0.1 + 0.2!r},all,all,\n"
        "S12000036,2025-Q3,C02-I1,1e20,female,all,\n"
        "S12000036,2025-Q3,C02-I1,12.0,male,all,\n"
        "S12000036,2025-Q3,C02-I1,3.5,all,1,=SUM(A1)\n"
    )
    (outcome,) = load(db, strategy, HEADER + sent).outcomes
    version = receipts.version_csv(db, outcome.submission_id)
    files = {
        "template": export.template(strategy, "S12000036", "2025-Q3"),
        "version": version,
        "export": export_current(db),
        "as at": export_current(db, as_at=date.today()),
        "all versions": export_current(db, all_versions=True),
    }
    for name, data in files.items():
        assert data.startswith(b"\xef\xbb\xbf"), name
        text = data.decode("utf-8-sig")
        assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""), name
        header = ",".join(contract.FILE_ORDER)
        extra = ["version", "received_at", "submitted_by", "action"] if "all" in name else []
        assert text.split("\r\n")[0] == ",".join([header, *extra]), name
        rows = list(csv.DictReader(io.StringIO(text)))
        assert {r["indicator_name"] for r in rows if r["indicator_id"] == "C02-I1"} == {
            "'=SUM(A1)"
        }, name
    assert files["export"] == files["as at"] == version
    rows = list(csv.DictReader(io.StringIO(version.decode("utf-8-sig"))))
    assert [(r["sex"], r["simd_quintile"], r["value"], r["comment"]) for r in rows] == [
        ("all", "all", "0.30000000000000004", ""),
        ("all", "1", "3.5", "'=SUM(A1)"),
        ("female", "all", "100000000000000000000", ""),
        ("male", "all", "12", ""),
    ]
    audit = files["all versions"].decode("utf-8-sig").split("\r\n")[1:-1]
    assert [line.rsplit(",", 4)[0] for line in audit] == version.decode("utf-8-sig").split("\r\n")[
        1:-1
    ]
    assert load(db, strategy, version).outcomes[0].action == "unchanged"


def test_template_for_the_real_strategy_validates_once_filled(strategy):
    data = export.template(strategy, "S12000036", "Q3 2025")
    assert data.startswith(b"\xef\xbb\xbf")
    blank = validate_return(data, "template.csv", strategy, today=TODAY)
    assert [e.code for e in blank.errors] == ["no_values"]
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(contract.FILE_ORDER)
    councils = [i for _, i in strategy.indicators if i.reported_by == "local_authorities"]
    assert len(lines) - 1 == sum(len(contract.breakdown_rows(i)) for i in councils)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(rows[0])
    for row in rows[1:]:
        row[contract.FILE_ORDER.index("value")] = "1"  # fits counts and percents alike
        writer.writerow(row)
    report = validate_return(out.getvalue().encode(), "filled.csv", strategy, today=TODAY)
    assert report.valid, report.errors[:3]
    assert report.warnings == []
    assert [s.rows for s in report.submissions] == [len(lines) - 1]


def test_template_refuses_an_unknown_authority(small):
    with pytest.raises(ValueError, match="not a council's GSS code"):
        export.template(small, "S12999999", "2025-Q3")
    national = export.template(small, "S92000003", "2025-Q3").decode("utf-8-sig")
    assert [line.split(",")[2] for line in national.splitlines()[1:]] == ["C02-I2"]


def test_schema_comes_from_the_validators_definitions(small):
    schema = contract.table_schema(small)
    fields = {f["name"]: f for f in schema["fields"]}
    assert tuple(fields) == contract.COLUMN_NAMES
    required = [n for n, f in fields.items() if f.get("constraints", {}).get("required")]
    assert required == [n for n in contract.REQUIRED if n != "value"]  # blank value: left out
    assert schema["fieldsMatch"] == "superset" and schema["missingValues"] == [""]
    assert fields["sex"]["constraints"]["enum"] == ["", *contract.SEX_VALUES]
    assert fields["simd_quintile"]["constraints"]["enum"] == ["", *contract.SIMD_VALUES]
    assert fields["comment"]["constraints"]["maxLength"] == contract.MAX_COMMENT
    assert fields["indicator_id"]["constraints"]["enum"] == ["C01-I1", "C01-I2", "C02-I1", "C02-I2"]
    pattern = fields["period"]["constraints"]["pattern"]
    for form in ["2025-Q3", "2025 Q3", "2025Q3", "Q3 2025", "q3-2025"]:
        assert re.fullmatch(pattern, form), form
    for form in ["2025-Q5", "Q3-25", "July 2025"]:
        assert not re.fullmatch(pattern, form), form
    json.dumps(schema)


# --- the commands, through the real entry point ----------------------------------------------


def run(monkeypatch, capsys, *args) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["stem-tracker", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    return exit_info.value.code or 0, out, " ".join(re.sub(r"[│╭╮╰╯─]", " ", err).split())


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    db = tmp_path / "cli.duckdb"

    def invoke(*args):
        return run(monkeypatch, capsys, "--db", str(db), "--commitments", str(SMALL), *args)

    return invoke


def test_ingest_command_exit_codes_and_output(cli, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(CANONICAL)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "S12000033,2025-Q3,C01-I1,twelve,,,\n")
    code, out, err = cli("ingest", str(bad), str(good), "--today", "2025-12-01")
    assert code == 1
    assert f'{bad} row 2, column D (value): "twelve" is not a number' in out
    assert f"{bad}: 1 error; nothing from this file was stored" in out
    assert f"{good}: S12000036 2025-Q3: new (version 1, 4 rows)" in out
    code, out, _ = cli("ingest", str(good), "--today", "2025-12-01", "--submitted-by", "me")
    assert (code, out.splitlines()[0]) == (
        0,
        f"{good}: S12000036 2025-Q3: unchanged (version 1, 4 rows)",
    )
    code, out, _ = cli("ingest", str(bad), "--json", "--today", "2025-12-01")
    result = json.loads(out)
    assert code == 1 and result["valid"] is False
    assert result["files"][0]["errors"][0]["column"] == "D"
    code, _, err = cli("ingest", str(tmp_path / "missing.csv"))
    assert code == 2 and "does not exist" in err
    code, _, err = cli("ingest", str(good), "--today", "someday")
    assert code == 2 and "not a date" in err


def test_validate_history_export_template_schema_commands(cli, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(CANONICAL)
    code, out, _ = cli("validate", str(good), "--today", "2025-12-01")
    assert code == 0 and f"{good}: valid (4 rows)" in out
    code, _, err = cli("history", "--authority", "S12000036", "--period", "2025-Q3")
    db = tmp_path / "cli.duckdb"  # a read never creates a database (issue 13)
    assert (code, err) == (1, f"error: there is no database at {db}: run `stem-tracker init` first")
    assert not db.exists()
    cli("ingest", str(good), "--today", "2025-12-01", "--submitted-by", "me")
    code, out, _ = cli("history", "--authority", "S12000036", "--period", "2025-Q2")
    assert (code, out.strip()) == (0, "no submission for S12000036 2025-Q2")
    code, out, _ = cli("history", "--authority", "S12000036", "--period", "2025-Q3", "--json")
    versions = json.loads(out)
    assert [(v["version"], v["action"], v["submitted_by"], v["rows"]) for v in versions] == [
        (1, "new", "me", 4)
    ]
    code, out, _ = cli("history", "--authority", "S12000036", "--period", "2025-Q3")
    assert out.startswith("version 1 (current): new, ") and " by me, 4 rows, " in out
    exported = tmp_path / "export.csv"
    assert cli("export", "--out", str(exported))[0] == 0
    code, out, _ = cli("ingest", str(exported), "--today", "2025-12-01")
    assert code == 0 and "unchanged (version 1, 4 rows)" in out
    code, out, _ = cli("template", "--authority", "S12000036", "--period", "2025-Q3")
    assert code == 0 and out.lstrip("\ufeff").startswith(",".join(contract.FILE_ORDER))
    code, out, _ = cli("schema")
    assert code == 0 and json.loads(out)["fields"][0]["name"] == "authority_code"
    code, _, err = cli("template", "--authority", "S1", "--period", "2025-Q3")
    assert code == 2 and "not a council's GSS code" in err
    code, out, _ = cli(
        "restore", "--authority", "S12000036", "--period", "2025-Q3", "--version", "1"
    )
    assert code == 0 and "unchanged" in out


def test_every_returns_command_has_help(cli):
    for command in ("template", "validate", "ingest", "export", "history", "restore", "schema"):
        code, out, _ = cli(command, "--help")
        assert code == 0 and "Usage" in out and len(out.split("Options")[0]) > 80, command


# --- the strategy held in the store -----------------------------------------------------------


def test_the_return_spec_is_held_in_the_store_and_follows_the_commitments_file(tmp_path):
    db = tmp_path / "spec.duckdb"
    commitments = tmp_path / "commitments.yaml"
    commitments.write_bytes(SMALL.read_bytes())
    small = ReturnSpec.of(load_strategy(SMALL))
    assert spec_in_store(db, commitments) == small  # sets the store up
    assert spec_in_store(db, commitments) == small  # read back as JSON
    assert ReturnSpec.from_json(small.to_json()) == small
    real = Path(__file__).resolve().parent.parent / "commitments.yaml"
    commitments.write_bytes(real.read_bytes())  # another strategy in the same file name
    assert spec_in_store(db, commitments) == ReturnSpec.of(load_strategy(real))
    store.init(db, load_strategy(SMALL))  # `init` from another file: the held spec is stale
    assert spec_in_store(db, commitments) == ReturnSpec.of(load_strategy(real))
    for damaged in ("{not json", '{"fingerprint": 1}', '"a string"'):
        with store.connect(db) as con:
            store.set_meta(con, "return_spec_json", damaged)
        assert spec_in_store(db, commitments) == ReturnSpec.of(load_strategy(real)), damaged


def test_a_second_ingest_builds_no_strategy_model(tmp_path):
    db, good = tmp_path / "cli.duckdb", tmp_path / "good.csv"
    good.write_bytes(CANONICAL)
    script = (
        "import sys; from etl.cli import main\n"
        "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
        "print('etl.strategy.model' in sys.modules, code, file=sys.stderr)\n"
    )
    args = ["--db", str(db), "--commitments", str(SMALL), "ingest", str(good),
            "--today", "2025-12-01"]  # fmt: skip
    runs = [
        subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True)
        for _ in range(2)
    ]
    assert [r.stderr.split()[-2:] for r in runs] == [["True", "0"], ["False", "0"]]
    assert "new (version 1, 4 rows)" in runs[0].stdout
    assert "unchanged (version 1, 4 rows)" in runs[1].stdout
