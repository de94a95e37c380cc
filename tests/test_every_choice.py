"""Nothing a user chooses breaks a page (issue 13): every page, every choice that lives in the
URL, on every kind of store, at every kind of as-at date.

The AppTest runs share their stores (built once per session) and the app's cached reads, so
a page costs a fraction of a second. The wide sweep (every value of every choice) is marked
``sweep``: CI runs it; ``pytest -m "not sweep"`` leaves it out of a quick local run.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import views
from etl import demo, store
from etl.councils import councils
from etl.periods import AsAtOutOfRange, Quarter, as_at_range, check_as_at
from etl.strategy.load import load_strategy
from tests.held_open import held_open
from tests.markdown_text import shown
from tests.status_fixture import add_return

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "streamlit_app.py")
PAGES = ["overview", "commitments", "milestones", "councils", "equity", "about", "briefing",
         "upload", "admin", "releases"]  # fmt: skip
TODAY = date.today()
DATES = {
    "before the first quarter ended": date(2017, 11, 15),
    "end of the first quarter": date(2017, 12, 31),
    "a quarter end": date(2020, 3, 31),
    "mid-quarter": date(2023, 5, 15),
    "a recent quarter end": date(2025, 9, 30),
    "today": TODAY,
}
EDINBURGH = "S12000036"
# Two indicators the demo has never reported: one councils would send, one national.
EXTRA_INDICATORS = """
      - id: C01-X1
        name: Extra indicator nobody has reported yet
        unit: count
        direction: up
        reported_by: local_authorities
        aggregation: sum
        breakdowns: [sex, simd_quintile]
        illustrative: true
        baseline: {period: 2018-Q1, value: 100}
        targets:
          - {period: 2025-Q4, value: 200}
      - id: C01-X2
        name: Extra national indicator without figures
        unit: percent
        direction: down
        reported_by: national
        aggregation: mean
        illustrative: true
        baseline: {period: 2018-Q1, value: 40}
        targets:
          - {period: 2025-Q4, value: 30}
"""


@pytest.fixture(scope="session")
def stores(tmp_path_factory, strategy, demo_db) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("every-choice")
    empty = folder / "empty.duckdb"
    store.init(empty, strategy)
    partial = folder / "partial.duckdb"
    store.init(partial, strategy)
    with store.connect(partial) as con:  # one council, one indicator, one quarter
        add_return(con, EDINBURGH, "2025-Q3", {"C01-I1": 42}, "2025-10-20 10:00")
    extra = folder / "extra.duckdb"
    store.init(extra, strategy)
    demo.load_demo(extra, strategy)
    text = (ROOT / "commitments.yaml").read_text()
    anchor = "          - {period: 2025-Q4, value: 3400}\n"
    assert anchor in text
    extra_yaml = folder / "extra.yaml"
    extra_yaml.write_text(text.replace(anchor, anchor + EXTRA_INDICATORS.lstrip("\n"), 1))
    store.init(extra, load_strategy(extra_yaml))
    return {"empty": empty, "partial": partial, "demo": demo_db, "extra": extra}


@pytest.fixture(scope="module", autouse=True)
def _stores_held_open(stores):
    """One connection to each store held while this module runs: a page's reads then share
    the open database instead of opening the file at each connect (most of a page's cost).
    (pytest closes them whenever another module's test runs in between.)"""
    with held_open(*stores.values()):
        yield


def open_page(db: Path, monkeypatch, page: str, **query: str) -> AppTest:
    monkeypatch.setenv("STEM_TRACKER_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(f"app_pages/{page}.py")
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    return at


def assert_sensible(at: AppTest, where: str) -> None:
    """No exception; a title; and something said beneath it."""
    assert not at.exception, f"{where}: {at.exception[0].message}"
    assert at.title, f"{where}: no title"
    said = [m.value for m in at.markdown] + [i.value for i in at.info]
    assert any(text.strip() for text in said), f"{where}: nothing said"


# Every kind of date on the stores with figures; on the nearly empty ones, three.
GRID = [(kind, when) for kind in ("demo", "extra") for when in DATES] + [
    (kind, when)
    for kind in ("empty", "partial")
    for when in ("before the first quarter ended", "mid-quarter", "today")
]


# Pages that show no figures (About, Send a return, All submissions) need each store once.
DATED = ["overview", "commitments", "milestones", "councils", "equity", "briefing"]
CASES = [(kind, when, page) for kind, when in GRID for page in DATED] + [
    (kind, "today", page)
    for kind in ("empty", "partial", "demo", "extra")
    for page in PAGES
    if page not in DATED
]


@pytest.mark.parametrize("kind,when,page", CASES)
def test_every_page_on_every_store_at_every_kind_of_date(stores, monkeypatch, kind, when, page):
    at = open_page(stores[kind], monkeypatch, page, as_at=DATES[when].isoformat())
    assert_sensible(at, f"{page} on the {kind} store as at {DATES[when]} ({when})")


def _choices(stores, councils_too: bool) -> list[tuple[str, str, str]]:
    """(page, URL key, value) for every value of every choice, and a value that is no
    choice at all; councils only when ``councils_too``."""
    strategy = load_strategy(stores["extra"].parent / "extra.yaml")
    commitments = [c.id for c in strategy.commitments]
    indicators = [i.id for _, i in strategy.indicators]
    codes = [c.code for c in councils()] if councils_too else []
    cases = [("commitments", "commitment", c) for c in [*commitments, "C99"]]
    for page in ("councils", "equity"):
        cases += [(page, "indicator", i) for i in [*indicators, "nonsense"]]
        cases += [(page, "council", c) for c in [*codes, "S12000099"]]
    return cases


# Every choice on the demo today; the commitments and indicators also before the first
# returns came in, and on the store with indicators nobody reported. (The Commitments page
# offers only the chosen commitment's indicators.)
SWEPT = [("demo", "today", True), ("demo", "end of the first quarter", False),
         ("extra", "today", False)]  # fmt: skip


@pytest.mark.sweep
@pytest.mark.parametrize("kind,when,councils_too", SWEPT)
@pytest.mark.parametrize("batch", range(4))
def test_every_value_of_every_choice_in_the_url(
    stores, monkeypatch, kind, when, councils_too, batch
):
    """Batched (four per store and date) so that two workers share the sweep evenly."""
    cases = _choices(stores, councils_too)[batch::4]
    assert cases
    for page, key, value in cases:
        at = open_page(
            stores[kind], monkeypatch, page, as_at=DATES[when].isoformat(), **{key: value}
        )
        assert_sensible(at, f"{page} on the {kind} store as at {DATES[when]}, {key}={value}")


def _widget_choices(db: Path) -> list[tuple[str, str, list]]:
    """(page, widget key, value) for every value of every multiselect on the Commitments,
    Milestones and Briefing pages, each alone (a briefing's commitment chosen from every
    theme, as the page offers it). The values are what the pages offer, read as they do."""
    from dashboard import format as fmt
    from dashboard import views
    from etl import status

    with store.connect(db) as con:
        commitments = status.report(con, TODAY).commitments
    offered = views.commitment_filters(commitments)
    cases = [("commitments", f"f_{name}", [value]) for name, values in offered.items()
             for value in values]  # fmt: skip
    cases += [("milestones", "m_status", [s]) for s in fmt.MILESTONE_ORDER]
    cases += [("milestones", "m_theme", [t]) for t in fmt.THEME_NAMES]
    return cases + [("briefing", "b_commitments", [c]) for c in commitments["id"]]


@pytest.mark.sweep
@pytest.mark.parametrize("kind", ["demo", "empty"])
@pytest.mark.parametrize("page", ["commitments", "milestones", "briefing"])
def test_every_value_of_every_filter_alone(stores, monkeypatch, kind, page):
    """One test per page (each page's choices all checked) so two workers share the sweep."""
    every = _widget_choices(stores[kind])
    assert len(every) > 40
    assert {p for p, _, _ in every} == {"commitments", "milestones", "briefing"}
    cases = [case for case in every if case[0] == page]
    at = open_page(stores[kind], monkeypatch, page)  # one page open for all its choices
    for _, key, value in cases:  # each alone
        for other in {k for p, k, _ in cases if p == page} - {key}:
            at.multiselect(key=other).set_value([])
        at.multiselect(key=key).set_value(value).run()
        assert_sensible(at, f"{page} on the {kind} store, {key}={value}")


def test_filters_that_leave_nothing(stores, monkeypatch):
    at = open_page(stores["demo"], monkeypatch, "commitments")
    at.multiselect(key="f_theme").set_value(["equity"])
    at.multiselect(key="f_sector").set_value([at.multiselect(key="f_sector").options[0]])
    at.text_input(key="search").set_value("no commitment says this").run()
    assert_sensible(at, "commitments filtered to nothing")


# --- The cases the issue found, each by name ------------------------------------------------


def test_councils_page_with_the_indicator_without_enough_data(stores, monkeypatch):
    at = open_page(stores["demo"], monkeypatch, "councils", indicator="C21-I2")
    assert_sensible(at, "Councils with C21-I2")
    assert at.query_params["indicator"] == "C21-I2"


def test_a_nan_period_never_reaches_sql():
    """views.record turns a frame's missing values into None: the period a page queries
    with is None or text, never a float NaN."""
    import pandas as pd

    from dashboard import views

    frame = pd.DataFrame({"id": ["A", "B"], "latest_period": ["2025-Q3", None],
                          "breakdowns": [[], ["sex"]]})  # fmt: skip
    frame["actual"] = [1.0, float("nan")]
    row = views.record(frame, "B")
    assert row == {"id": "B", "latest_period": None, "breakdowns": ["sex"], "actual": None}
    assert views.latest_quarter(row, pd.DataFrame({"period": []})) is None


@pytest.mark.parametrize("page", ["commitments", "councils"])
def test_pages_as_at_the_end_of_the_first_quarter(stores, monkeypatch, page):
    at = open_page(stores["demo"], monkeypatch, page, as_at="2017-12-31")
    assert_sensible(at, f"{page} as at 31 December 2017")
    assert "31 December 2017" in "\n".join(m.value for m in at.markdown)


def test_a_link_in_the_format_the_sidebar_shows_opens_that_date(stores, monkeypatch):
    at = open_page(stores["demo"], monkeypatch, "overview", as_at="30/09/2025")
    assert_sensible(at, "overview ?as_at=30/09/2025")
    assert at.date_input(key="as_at").value == date(2025, 9, 30)
    assert "As at 30 September 2025" in at.markdown[0].value
    assert not at.sidebar.warning


@pytest.mark.parametrize("text", ["2037-01-01", "1900-01-01", "31/02/2025", "yesterday"])
def test_a_link_with_a_date_that_cannot_be_shown_says_so(stores, monkeypatch, text):
    before = date.today()  # the day the page runs, read around it: a run may cross midnight
    at = open_page(stores["demo"], monkeypatch, "overview", as_at=text)
    today = at.date_input(key="as_at").value
    assert today in {before, date.today()}
    assert_sensible(at, f"overview ?as_at={text}")
    warning, _ = shown(at.sidebar.warning[0].value)  # as Markdown shows it
    assert f"'{text}'" in warning and "cannot be shown" in warning
    assert f"Showing today, {today.day} {today:%B %Y}" in warning
    # A quick choice (the latest quarter end): the warning has served its turn.
    at.sidebar.selectbox(key="_quarter_end").set_value(views.quarter_ends(today, 1)[0]).run()
    assert not at.sidebar.warning


def test_a_busy_store_says_to_try_again(stores, monkeypatch, tmp_path):
    """Another process holds the database (as a long load does): the page says so."""
    import subprocess
    import sys

    held = tmp_path / "held.duckdb"
    held.write_bytes(stores["demo"].read_bytes())
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('held', flush=True);"
         " time.sleep(60)", str(held)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(store, "BUSY_TIMEOUT_SECONDS", 0.5)
        at = open_page(held, monkeypatch, "overview")
        assert not at.exception, at.exception
        assert any("The data is being updated" in i.value for i in at.info)
        assert at.button(key="store_busy_retry")
    finally:
        holder.kill()
        holder.wait()
    at.button(key="store_busy_retry").click().run()  # the holder has gone: the page is back
    assert_sensible(at, "overview after the load")
    assert "How the STEM Strategy is doing" in at.title[0].value


# --- The command line: one range of dates, reads that create nothing ------------------------


@pytest.fixture
def cli(monkeypatch, capsys):
    """The real `stem-tracker` console script (dashboard.cli:main), in this process."""
    import sys

    from dashboard.cli import main

    def invoke(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["stem-tracker", *args])
        with pytest.raises(SystemExit) as exit_info:
            main()
        out, err = capsys.readouterr()
        return exit_info.value.code or 0, out, err.strip()

    return invoke


RANGE = (f"is outside the dates the tracker answers for: 1 October 2017 (the strategy's first "
         f"quarter) to 31 December {TODAY.year + 10}")  # fmt: skip


@pytest.mark.parametrize(
    "command",
    [["status"], ["completeness"], ["briefing", "--out", "PACK"], ["charts", "--out", "DIR"]],
)
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1900-01-01", "2017-09-30"])
def test_commands_refuse_dates_outside_the_range(stores, cli, tmp_path, command, day):
    args = [a.replace("PACK", str(tmp_path / "p.pptx")).replace("DIR", str(tmp_path / "c"))
            for a in command]  # fmt: skip
    code, out, err = cli("--db", str(stores["demo"]), *args, "--as-at", day)
    assert (code, out, err) == (1, "", f"error: {day} {RANGE}")
    assert not (tmp_path / "p.pptx").exists() and not (tmp_path / "c").exists()


def test_the_range_is_the_same_on_both_sides_of_its_ends():
    first, last = as_at_range(Quarter(2017, 4), TODAY)
    assert (first, last) == (date(2017, 10, 1), date(TODAY.year + 10, 12, 31))
    for day in (first, last):
        assert check_as_at(day, Quarter(2017, 4), TODAY) == day
    for day in (first - timedelta(1), last + timedelta(1)):
        with pytest.raises(AsAtOutOfRange, match=re.escape(RANGE)):
            check_as_at(day, Quarter(2017, 4), TODAY)


def test_a_mistyped_db_folder_is_not_created_by_a_read(cli, tmp_path):
    wrong = tmp_path / "no-such-folder" / "tracker.duckdb"
    for command in (["status"], ["completeness"], ["export"],
                    ["history", "--authority", EDINBURGH, "--period", "2025-Q3"]):  # fmt: skip
        code, _, err = cli("--db", str(wrong), *command)
        assert (code, err) == (
            1, f"error: there is no database at {wrong}: run `stem-tracker init` first"
        ), command  # fmt: skip
    assert not wrong.parent.exists()
