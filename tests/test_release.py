"""The public release (spec/publication.md, issue 22): built once on demo returns, then read
as its public would: pages, links, open data, symbols; rebuilt after a late correction;
checked against the store; refused plainly when asked wrongly."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag

import pytest

from dashboard.release import ReleaseError, build_release, check_release
from etl import store
from etl.releases import releases, still_matches
from tests.release_fixture import SMALL
from tests.status_fixture import add_return

pytestmark = pytest.mark.slow


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if (tag, name) in (("a", "href"), ("img", "src"), ("link", "href")):
                self.links.append(value)


def pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def test_every_kind_of_page_is_there_and_says_demo_data(demo_release):
    folder = demo_release.folder
    names = {p.relative_to(folder).as_posix() for p in pages(folder)}
    for wanted in ("index.html", "about.html", "data.html", "accessibility.html",
                   "themes/equity.html", "councils/index.html", "councils/S12000033.html"):  # fmt: skip
        assert wanted in names
    assert any(n.startswith("commitments/") for n in names)
    assert any(n.startswith("indicators/") for n in names)
    for page in pages(folder):
        assert "Demo data" in page.read_text("utf-8"), page


def test_every_internal_link_resolves_and_is_relative(demo_release):
    folder = demo_release.folder
    for page in pages(folder):
        parser = _Links()
        parser.feed(page.read_text("utf-8"))
        for link in parser.links:
            target, _ = urldefrag(link)
            assert not re.match(r"^(/|[a-z]+:)", target), f"{page}: {link} is not relative"
            if target:
                assert (page.parent / target).resolve().is_file(), f"{page}: {link} is broken"


def test_every_chart_has_a_text_alternative_and_a_data_table(demo_release):
    charts = 0
    for page in pages(demo_release.folder):
        html = page.read_text("utf-8")
        for found in re.finditer(r'<figure class="chart">\s*<img src="[^"]+" alt="([^"]*)"', html):
            charts += 1
            assert len(found[1]) > 20, f"{page}: a chart without a text alternative"
            after = html[found.end() :]
            assert after.index("<table") < after.find("<figure") % (len(after) + 1) or (
                "<figure" not in after
            )
            assert "<caption" in after and '<th scope="col"' in after
    assert charts == demo_release.release.charts


def test_the_open_data_is_a_valid_frictionless_package(demo_release):
    from frictionless import Package

    report = Package(demo_release.folder / "data" / "datapackage.json").validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    package = json.loads((demo_release.folder / "data" / "datapackage.json").read_text())
    for resource in package["resources"]:
        assert resource["schema"]["missingValues"] == ["", "[c]", "[x]", "[z]"]


def test_themes_csv_keeps_its_published_columns_and_holds_the_engines_counts(demo_release):
    import csv

    from etl import status

    with (demo_release.folder / "data" / "themes.csv").open(encoding="utf-8") as f:
        header, *rows = csv.reader(f)
    # Column names in the open data are a contract with its users: never renamed.
    assert header == [
        "id", "name", "commitments_complete", "commitments_on_track", "commitments_at_risk",
        "commitments_off_track", "milestones_due", "milestones_completed", "delivery_rate",
        "indicators_on_track", "indicators_at_risk", "indicators_off_track", "indicators_no_data",
    ]  # fmt: skip
    with store.connect(demo_release.db) as con:
        themes = status.report(con, demo_release.release.as_at).themes
    expected = [
        [t.id, t.name, *map(str, t.commitments.values()), str(t.milestones_due),
         str(t.milestones_completed), "" if t.delivery_rate is None else repr(t.delivery_rate),
         *map(str, t.indicators.values())]
        for t in themes
    ]  # fmt: skip
    assert rows == expected


def test_no_count_under_five_is_published_below_scotland(demo_release):
    import pandas as pd

    from etl.strategy.load import load_strategy

    count_ids = [i.id for _, i in load_strategy(SMALL).indicators if i.unit == "count"]
    cells = pd.read_csv(demo_release.folder / "data" / "council-figures.csv", dtype=str)
    counts = cells[cells["indicator_id"].isin(count_ids)]
    below = counts[(counts["authority_code"] != "S92000003") | (counts["sex"] != "all")
                   | (counts["simd_quintile"] != "all")]  # fmt: skip
    numbers = pd.to_numeric(below["value"], errors="coerce")
    assert not numbers.between(1, 4).any()
    assert (below["value"] == "[c]").sum() == demo_release.release.suppressed > 0
    assert {"[z]", "[x]"} <= set(cells["value"])
    about = (demo_release.folder / "about.html").read_text("utf-8")
    assert "counts of 1 to 4" in about and demo_release.release.fingerprint in about


def test_council_figures_stop_at_the_last_quarter_whose_returns_were_due(demo_release):
    """A quarter still open for returns would be a column of "[x] no return received" for
    every council, though none was late: the default release is as at the end of a quarter
    whose own returns come in weeks later."""
    import pandas as pd

    data = demo_release.folder / "data"
    cells = pd.read_csv(data / "council-figures.csv", dtype=str)
    received = pd.read_csv(data / "returns-received.csv", dtype=str)
    due = received.loc[received["status"] != "Not yet due", "period"].max()
    assert cells["period"].max() == due
    latest = cells[(cells["period"] == due) & (cells["authority_code"] != "S92000003")]
    assert (~latest["value"].isin(["[x]", "[z]"])).any()


def test_release_json_and_the_log(demo_release):
    manifest = json.loads((demo_release.folder / "release.json").read_text())
    assert manifest["as_at"] == demo_release.release.as_at.isoformat()
    assert manifest["fingerprint"] == demo_release.release.fingerprint
    with store.connect(demo_release.db) as con:
        logged = [r for r in releases(con) if r.id == demo_release.release.log_id][0]
        assert logged.fingerprint == manifest["fingerprint"] and logged.built_by == "tester"
        assert still_matches(con, logged)


def cli(monkeypatch, capsys, db: Path, *args):
    from dashboard.cli import main

    monkeypatch.setattr(
        sys, "argv", ["stem-tracker", "--db", str(db), "--commitments", str(SMALL), *args]
    )
    with pytest.raises(SystemExit) as done:
        main()
    out, err = capsys.readouterr()
    return done.value.code or 0, out, err


def correct_today(con, period_at_most: str) -> tuple[str, str]:
    """A council's correction, received now, to a headline figure of a quarter up to
    ``period_at_most``; returns its council and quarter."""
    sid, code, period, version = con.execute(
        "SELECT s.id, s.authority_code, s.period, s.version FROM submissions s "
        "WHERE s.is_current AND s.period <= ? AND s.authority_code <> 'S92000003' "
        "ORDER BY s.period DESC, s.authority_code LIMIT 1",
        [period_at_most],
    ).fetchone()
    con.execute("UPDATE submissions SET is_current = false WHERE id = ?", [sid])
    add_return(con, code, period, {"C01-I1": 123456}, dt.datetime.now(), version=version + 1)
    return code, period


def test_a_rebuild_after_a_late_correction_is_byte_identical_and_still_matches(
    demo_release, tmp_path, monkeypatch, capsys
):
    db = demo_release.copy_db(tmp_path)
    with store.connect(db) as con:
        correct_today(con, str(demo_release.release.as_at.year) + "-Q4")
    code, out, _ = cli(monkeypatch, capsys, db, "publish", "--check", str(demo_release.folder))
    assert code == 0 and "matches the tracker" in out
    again = tmp_path / "again"
    as_at = demo_release.release.as_at.isoformat()
    code, out, err = cli(monkeypatch, capsys, db, "publish", "--as-at", as_at, "--out", str(again))
    assert code == 0, err
    first = {p.relative_to(demo_release.folder): p.read_bytes()
             for p in demo_release.folder.rglob("*") if p.is_file()}  # fmt: skip
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [_first_difference(name, first[name], second[name])
            for name in first if first[name] != second[name]] == []  # fmt: skip


def _first_difference(name, was: bytes, now: bytes) -> str:
    at = next(i for i, (a, b) in enumerate(zip(was + b"\0", now + b"\0", strict=False)) if a != b)
    return f"{name} at byte {at}: {was[at - 60 : at + 60]!r} then, {now[at - 60 : at + 60]!r} now"


def test_check_names_the_figure_a_correction_changed_in_a_release_as_at_today(
    demo_release, tmp_path, monkeypatch, capsys
):
    db = demo_release.copy_db(tmp_path)
    today = tmp_path / "today"
    code, _, err = cli(monkeypatch, capsys, db, "publish", "--as-at",
                       dt.date.today().isoformat(), "--out", str(today))  # fmt: skip
    assert code == 0, err
    with store.connect(db) as con:
        council, period = correct_today(con, "9999-Q4")
    code, out, _ = cli(monkeypatch, capsys, db, "publish", "--check", str(today))
    assert code == 1 and "does not match the tracker" in out
    assert f"  {council} {period} C01-I1 (all, SIMD all): " in out and "-> 123456" in out
    assert not check_release(db, today).matches


def test_bad_requests_get_one_plain_line_and_write_nothing(
    demo_release, tmp_path, monkeypatch, capsys
):
    db = demo_release.copy_db(tmp_path)
    out = tmp_path / "new"
    code, _, err = cli(monkeypatch, capsys, db, "publish", "--as-at", "1990-01-01",
                       "--out", str(out))  # fmt: skip
    assert code == 1 and err.startswith("error: 1990-01-01 is outside the dates the tracker")
    assert len(err.strip().splitlines()) == 1 and not out.exists()
    code, _, err = cli(monkeypatch, capsys, db, "publish", "--out", str(demo_release.folder))
    assert code == 1 and "already exists and is not an empty folder" in err
    code, _, err = cli(monkeypatch, capsys, db, "publish", "--check", str(tmp_path))
    assert code == 1 and err == f"error: {tmp_path} is not a release: it has no release.json\n"
    with pytest.raises(ReleaseError):
        build_release(db, dt.date(1990, 1, 1), out, SMALL, built_by="tester")
    assert not out.exists()


def test_a_store_with_no_returns_gives_a_release_that_says_so(tmp_path, kaleido_browser):
    from etl.strategy.load import load_strategy

    db = tmp_path / "empty.duckdb"
    store.init(db, load_strategy(SMALL))
    made = build_release(db, dt.date(2019, 3, 31), tmp_path / "site", SMALL, built_by="t")
    assert not made.has_returns
    home = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert "No council returns had been received by 31 March 2019" in home


def test_a_later_view_says_what_was_revised_since_the_release(demo_release, tmp_path):
    from dashboard.views import revised_since_text
    from etl.periods import last_ended
    from etl.releases import revised_since

    db = demo_release.copy_db(tmp_path)
    as_at = demo_release.release.as_at
    today = dt.date.today()
    with store.connect(db) as con:
        council, period = correct_today(con, str(last_ended(as_at).previous()))
        since = revised_since(con, "C01-I1", today)
        assert revised_since(con, "C01-I1", as_at) is None  # the release's own date: no later
    assert since.release_as_at == as_at
    changed = {p: now - was for p, was, now in since.changes}
    assert changed[period] > 100_000  # the correction to 123456
    text = revised_since_text(since, "count")
    assert text.startswith(f"Revised since the release of {as_at.day} {as_at:%B %Y}: ")
    assert f"; {period} " in text or f": {period} " in text
