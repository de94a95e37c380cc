"""The dashboard's pages, run with Streamlit's AppTest against real DuckDB files.

Each page must render on an empty database, on demo data and on a database with
a single return; the as-at date, filters and URL must change what is shown.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries, views
from etl import store
from tests.status_fixture import add_return

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py")
PAGES = [
    "app_pages/overview.py",
    "app_pages/commitments.py",
    "app_pages/milestones.py",
    "app_pages/councils.py",
    "app_pages/equity.py",
    "app_pages/about.py",
    "app_pages/accessibility.py",
]
EDINBURGH = "S12000036"
# The demo store held open while this module runs: its pages' reads skip reopening the file.
pytestmark = pytest.mark.usefixtures("demo_db_held_open")


@pytest.fixture(scope="session")
def single_return_db(tmp_path_factory, strategy):
    """The real strategy and one council's return for one quarter."""
    path = tmp_path_factory.mktemp("single") / "single.duckdb"
    store.init(path, strategy)
    indicator = strategy.indicators[0][1].id
    with store.connect(path) as con:
        add_return(con, EDINBURGH, "2025-Q3", {indicator: 42}, "2025-10-20 10:00")
    return path


@pytest.fixture(scope="session")
def session_empty_db(tmp_path_factory, strategy):
    path = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    store.init(path, strategy)
    return path


def run(db, monkeypatch, page: str | None = None, **query) -> AppTest:
    monkeypatch.setenv("STEM_TRACKER_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    if page:
        at.switch_page(page)  # opened directly, as from a link
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [t.value for t in at.title] + [h.value for h in at.header]
    parts += [str(m.value) + " " + m.label for m in at.metric]
    parts += [i.value for i in at.info] + [w.value for w in at.warning]
    return "\n".join(parts)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("kind", ["empty", "demo", "single"])
def test_every_page_renders(kind, page, request, monkeypatch):
    db = {"empty": "session_empty_db", "demo": "demo_db", "single": "single_return_db"}[kind]
    at = run(request.getfixturevalue(db), monkeypatch, page)
    assert at.title, f"{page} shows no title"


def test_missing_database_says_what_to_run(tmp_path, monkeypatch):
    at = run(tmp_path / "nowhere.duckdb", monkeypatch)
    assert "stem-tracker init" in texts(at)
    at.switch_page("app_pages/about.py").run()
    assert not at.exception


def test_demo_data_is_labelled(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch)
    assert "Demo data" in texts(at)


def test_overview_as_at_comes_from_the_url_and_changes_what_is_shown(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, as_at="2019-01-01")
    assert "As at 1 January 2019" in texts(at)
    early = [m.value for m in at.metric]
    at = run(demo_db, monkeypatch, as_at="2026-09-30")
    assert "As at 30 September 2026" in texts(at)
    assert [m.value for m in at.metric] != early


def test_a_theme_with_no_milestone_due_says_so_in_its_card(demo_db, monkeypatch):
    """As at 31 March 2018 Inspiration has no milestone due: its card's figure says "None
    due", short enough for a metric (a longer one was cut to "none due …") and the caption
    says it in full."""
    at = run(demo_db, monkeypatch, as_at="2018-03-31")
    values = [m.value for m in at.metric if m.label == "Milestone delivery rate"]
    assert "None due" in values and all(len(v) <= 8 for v in values)
    assert "no milestone due yet" in [c.value for c in at.caption]


def test_quick_as_at_choice_updates_the_url(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch)
    picker = at.sidebar.selectbox(key="_quarter_end")
    # Every quarter end since the strategy began (2017-Q4), latest first.
    assert picker.options[-1] == "31 December 2017 (2017-Q4)"
    assert len(picker.options) == len(views.quarter_ends(date.today(), 200)) - len(
        [e for e in views.quarter_ends(date.today(), 200) if e < date(2017, 12, 31)]
    )
    end = date(2019, 6, 30)
    picker.set_value(end).run()
    assert at.query_params["as_at"] == end.isoformat()
    assert f"As at {end.day} {end:%B %Y}" in texts(at)
    assert at.sidebar.selectbox(key="_quarter_end").value is None  # empty again


def test_every_commitment_filter_is_kept_in_the_address(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "app_pages/commitments.py", as_at="2025-09-30",
             status="off_track", search="STEM")  # fmt: skip
    table = at.dataframe[0].value
    assert len(table) and table["Status"].str.startswith("✖ Off track").all()
    assert all(
        "stem" in (c + t).lower() for c, t in zip(table["Commitment"], table["Title"], strict=True)
    )
    at.multiselect(key="f_theme").set_value(["equity"]).run()
    assert at.query_params["theme"] == "equity" and at.query_params["status"] == "off_track"
    at.multiselect(key="f_status").set_value([]).run()
    assert "status" not in at.query_params
    link = [c.value for c in at.sidebar.get("code")][-1]
    assert "theme=equity" in link and "search=STEM" in link and "as_at=2025-09-30" in link


def test_a_load_in_another_process_shows_on_the_next_run(tmp_path, strategy, monkeypatch):
    path = tmp_path / "live.duckdb"
    store.init(path, strategy)
    at = run(path, monkeypatch, as_at="2026-01-31")
    assert "0 of 32" in texts(at)
    with store.connect(path) as con:  # as the CLI would, while the app is open
        add_return(con, EDINBURGH, "2025-Q3", {strategy.indicators[0][1].id: 5}, "2026-01-05")
    at.run()
    assert "1 of 32" in texts(at)


def test_clear_forgets_cached_reads(tmp_path, strategy, monkeypatch):
    path = tmp_path / "clear.duckdb"
    store.init(path, strategy)
    monkeypatch.setenv("STEM_TRACKER_DB", str(path))
    src = queries.source()
    title = queries.meta(src)["title"]
    with store.connect(path) as con:  # a change the data version does not see
        store.set_meta(con, "title", "Renamed")
    assert queries.meta(queries.source())["title"] == title  # still cached
    queries.clear()
    assert queries.meta(queries.source())["title"] == "Renamed"


def test_commitment_filters_change_the_table(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "app_pages/commitments.py", as_at="2026-09-30")
    everything = len(at.dataframe[0].value)
    at.multiselect(key="f_theme").set_value(["equity"]).run()
    equity = at.dataframe[0].value
    assert 0 < len(equity) < everything
    assert set(equity["Theme"]) == {"Equity"}
    at.text_input(key="search").input("zzz-no-such-commitment").run()
    assert len(at.dataframe[0].value) == 0


def test_a_commitment_link_opens_that_commitment_and_indicator(demo_db, strategy, monkeypatch):
    commitment = next(c for c in strategy.commitments if len(c.indicators) > 1)
    indicator = commitment.indicators[1]
    at = run(
        demo_db,
        monkeypatch,
        "app_pages/commitments.py",
        as_at="2026-09-30",
        commitment=commitment.id,
        indicator=indicator.id,
    )
    assert at.header[0].value.startswith(f"{commitment.id}: ")
    assert at.selectbox(key="_indicator_choice").value == indicator.id
    assert any(indicator.name in c.value for c in at.caption)
    other = next(c for c in strategy.commitments if c.id != commitment.id and c.milestones)
    at.selectbox(key="_commitment_choice").select(other.id).run()
    assert at.query_params["commitment"] == other.id  # the URL follows the choice
    assert at.header[0].value.startswith(f"{other.id}: ")


def test_as_at_changes_a_commitments_status(demo_db, strategy, monkeypatch):
    first = strategy.commitments[0]
    statuses = set()
    for day in ("2018-03-31", "2026-09-30"):
        at = run(demo_db, monkeypatch, "app_pages/commitments.py", as_at=day, commitment=first.id)
        statuses.add(at.markdown[2].value)
    assert len(statuses) == 2


def test_milestones_can_be_narrowed_to_overdue_and_due_soon(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "app_pages/milestones.py", as_at="2026-09-30")
    every = len(at.dataframe[0].value)
    at.toggle(key="m_slipping").set_value(True).run()
    slipping = at.dataframe[0].value
    assert 0 < len(slipping) < every
    assert all(s.startswith(("■ Overdue", "◆ Due soon")) for s in slipping["Status"])


def test_councils_page_lists_who_to_chase_with_a_reminder(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "app_pages/councils.py", council=EDINBURGH)
    assert at.selectbox(key="_council_choice").value == EDINBURGH
    columns = ["Council", "Code", "Quarter", "Due", "Days overdue"]
    chasing = next(d.value for d in at.dataframe if list(d.value.columns) == columns)
    assert len(chasing) > 0
    reminder = at.text_area[0].value
    assert all(name in reminder for name in chasing["Council"])
    assert any("City of Edinburgh" in c.value for c in at.caption)


def test_equity_page_follows_the_chosen_indicator_and_council(demo_db, strategy, monkeypatch):
    indicator = next(i for _, i in strategy.indicators if "simd_quintile" in i.breakdowns)
    at = run(demo_db, monkeypatch, "app_pages/equity.py", indicator=indicator.id, council=EDINBURGH)
    assert at.selectbox(key="_indicator_choice").value == indicator.id
    headers = [h.value for h in at.header]
    assert "Gap between the least and most deprived areas" in headers
    assert any("SIMD quintile 5" in c.value for c in at.caption)


def test_equity_page_says_which_breakdown_an_indicator_lacks(demo_db, strategy, monkeypatch):
    indicator = next(i for _, i in strategy.indicators if i.breakdowns == ["sex"])
    at = run(demo_db, monkeypatch, "app_pages/equity.py", indicator=indicator.id)
    assert "Gap between the least and most deprived areas" not in [h.value for h in at.header]
    assert any("has no breakdown by SIMD quintile" in c.value for c in at.caption)


@pytest.mark.parametrize("page", PAGES[:-2])  # About and the accessibility statement: no charts
def test_every_chart_has_alt_text_and_states_the_as_at_date(page, demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, page, as_at="2026-09-30")
    charts = at.get("plotly_chart")
    assert charts, f"{page} shows no chart"
    for chart in charts:
        assert chart.proto.alt.strip(), "a chart without alt text"
        assert "As at 30 September 2026" in chart.proto.spec  # the source line, in the figure


def test_a_database_file_not_set_up_says_what_to_run(tmp_path, monkeypatch):
    path = tmp_path / "blank.duckdb"
    with store.connect(path, create=True):
        pass  # an empty DuckDB file: no schema yet
    at = run(path, monkeypatch, "app_pages/councils.py")
    assert "stem-tracker init" in texts(at)
