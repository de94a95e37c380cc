"""The tracker's words for its readers (issue 27, part 1): names with codes, reasons with
their figures, each figure in its unit with one rounding, one symbol for one meaning.

The last tests read every sentence the briefing pack, the dashboard's reason column and the
e-mails produce on the demo at four dates, as a reader would meet them.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dashboard import briefing, views
from dashboard import format as fmt
from etl import status, store
from etl.councils import NATIONAL_CODE
from etl.mail import receipts as receipt_mail
from etl.mail import reminders
from etl.returns import validate_return
from etl.strategy.model import Indicator
from etl.submissions import receipts
from etl.vocabulary import (
    Names,
    axis_title,
    figure,
    figure_against,
    quarter_words,
    rounded,
)

# The demo store held open while this module runs (tests/conftest.py: its reads skip
# reopening the file).
pytestmark = pytest.mark.usefixtures("demo_db_held_open")

DATES = [dt.date(2019, 6, 30), dt.date(2021, 12, 31), dt.date(2023, 9, 30), dt.date(2025, 9, 30)]
CODE = re.compile(r"(?<![\w-])(C\d{2}(?:-[IM]\d+)?)(?![\w-])")
# Our own files and the server's paths are no reader's business.
PATH = re.compile(r"commitments\.yaml|secrets\.toml|\.streamlit|\.duckdb|(?<![\w.])/[a-z]+/")


@pytest.mark.parametrize(
    "value, unit, text",
    [
        (1234.4, "count", "1,234"),
        (12.25, "count", "12.2"),
        (12.0, "count", "12"),
        (45.25, "percent", "45.2%"),
        (99.96, "percent", "100.0%"),
        (26.8, "percentage_points", "26.8 points"),
        (-3.04, "percentage_points", "−3.0 points"),
        (1.0, "percentage_points", "1.0 point"),
        (None, "count", "no figure"),
        (float("inf"), "count", "too large to show"),
    ],
)
def test_a_figure_is_written_in_its_unit_with_one_rounding(value, unit, text):
    assert figure(value, unit) == text
    if value is not None and abs(value) != float("inf"):
        # The number a chart or table carries is the one the text writes.
        assert figure(rounded(value, unit), unit) == text


def test_lower_is_better_says_how_far_and_which_side():
    assert figure_against(11, 13, "count", "up") == "11 against 13 expected by now"
    assert figure_against(26.8, 22.4, "percentage_points", "down", "April to June 2025") == (
        "26.8 points against 22.4 points expected by now (April to June 2025); 4.4 points "
        "above it, and lower is better"
    )
    # A difference of two percents is in points, not per cent.
    assert figure_against(20.0, 22.5, "percent", "down").endswith(
        "2.5 points below it, and lower is better"
    )
    assert axis_title("percentage_points") == "Percentage points"


def test_a_code_comes_with_its_name_on_first_use_then_the_name_alone():
    names = Names({"C22": "Regional STEM hubs", "C03": "Conferences"})
    assert names("C22") == "C22 Regional STEM hubs"
    assert names("C22") == "Regional STEM hubs"
    assert names.fresh()("C22") == "C22 Regional STEM hubs"
    assert Names({}).listed([]) == ""
    many = Names({f"C0{n}": f"Name {n}" for n in range(1, 7)})
    assert many.listed([f"C0{n}" for n in range(1, 7)], 3) == (
        "C01 Name 1, C02 Name 2, C03 Name 3 and 3 more"
    )


def test_a_quarter_is_said_in_months():
    assert quarter_words("2025-Q3") == "2025-Q3 (July to September 2025)"
    assert quarter_words("2026-Q1") == "2026-Q1 (January to March 2026)"


def test_one_symbol_means_one_thing():
    meanings: dict[str, set[str]] = {}
    for word, icon, _ in fmt.STATUS.values():
        meanings.setdefault(icon, set()).add(word)
    assert {icon: words for icon, words in meanings.items() if len(words) > 1} == {}
    assert fmt.label("at_risk") == "▲ At risk" and "▲" not in fmt.label("due_soon")
    assert "▲" not in fmt.return_label("submitted_late")


# --- percentage points: the strategy model and the return's checks ----------------------------

POINTS = {
    "id": "C10-I2", "name": "Gap", "unit": "percentage_points", "direction": "down",
    "reported_by": "national", "aggregation": "mean",
    "baseline": {"period": "2018-Q3", "value": 28}, "targets": [{"period": "2025-Q4", "value": -2}],
}  # fmt: skip


def test_a_gap_in_percentage_points_may_be_negative_but_not_beyond_100():
    assert Indicator.model_validate(POINTS).targets[0].value == -2
    too_far = POINTS | {"targets": [{"period": "2025-Q4", "value": -120}]}
    with pytest.raises(ValueError, match="-120 at 2025-Q4 is not a gap in percentage points"):
        Indicator.model_validate(too_far)


@pytest.mark.parametrize(
    "value, message",
    [
        ("-3.5", None),
        ("-100", None),
        ("-120", '"-120" is beyond 100 either way, and C10-I2 is a gap in percentage points'),
    ],
)
def test_a_return_may_give_a_negative_gap_in_points(strategy, value, message):
    csv = f"authority_code,period,indicator_id,value\n{NATIONAL_CODE},2025-Q2,C10-I2,{value}\n"
    report = validate_return(csv.encode(), "gap.csv", strategy, today=dt.date(2025, 12, 1))
    assert [str(e) for e in report.errors] == (
        [] if message is None else [f"gap.csv row 2, column D (value): {message} (-100 to 100)"]
    )


def test_a_negative_count_is_still_refused(strategy):
    csv = "authority_code,period,indicator_id,value\nS12000036,2025-Q2,C01-I1,-3\n"
    report = validate_return(csv.encode(), "count.csv", strategy, today=dt.date(2025, 12, 1))
    assert [e.code for e in report.errors] == ["negative"]


# --- every sentence a reader meets, on the demo at four dates -------------------------------


def _indicator_figures(text: str, indicators) -> list[tuple[str, str, str]]:
    """(unit, figure, expected) for each 'Name: figure against figure expected' in ``text``."""
    found = []
    for row in indicators.itertuples(index=False):
        for match in re.finditer(
            re.escape(row.name) + r": (\S+(?: points?)?) against (\S+(?: points?)?) expected",
            text,
        ):
            found.append((row.unit, match[1], match[2]))
    return found


@pytest.fixture(scope="module")
def sentences(demo_db):
    """date → every sentence: the pack's messages, chart titles and summaries and its
    annex's reasons; the dashboard's reason column; reminder and receipt e-mails."""
    with store.connect(demo_db) as con:
        latest = con.execute(
            "SELECT max(id) FROM submissions WHERE authority_code = 'S12000036'"
        ).fetchone()[0]
    found = {}
    for as_at in DATES:
        inputs = briefing.read(demo_db, as_at)
        pack = briefing.build(inputs)
        said = []
        for slide in pack.slides:
            if slide.title == "Data annex: the figures in this pack":
                continue  # the technical record's own place (fingerprint, how to check)
            said += [slide.title, *slide.messages]
            said += [t for c in slide.charts for t in (c.title, c.subtitle, c.summary)]
            if slide.table is not None and "Why" in slide.table:
                said += list(slide.table["Why"])
        said.append(pack.source)
        said += list(views.commitment_table(inputs.report.commitments)["Why"])
        contacts = {c: ("data@council.example",) for c in inputs.report.returns["authority_code"]}
        plan = reminders.plan_for(inputs.report, contacts, set(), insist=True)
        said += [reminders.letter(r, "https://tracker.example/upload").text for r in plan.reminders]
        found[as_at] = (inputs.report, said)
    receipt = receipts.receipt(demo_db, latest)
    found["receipt"] = receipt_mail.letter(receipt, ("a@b.example",), "https://t.example").text
    return found


@pytest.mark.parametrize("as_at", DATES, ids=str)
def test_every_sentence_names_its_codes_and_hides_our_files(sentences, as_at):
    report, said = sentences[as_at]
    names = Names.from_report(report)
    assert len(said) > 50
    for text in [*said, sentences["receipt"]]:
        assert not PATH.search(text), text
        for match in CODE.finditer(text):
            # A code never stands alone: its name follows it ("C22 STEM hub network …").
            follows = text[match.end() : match.end() + 21]
            assert follows.startswith(" " + names.title(match[1])[:20]), text


@pytest.mark.parametrize("as_at", DATES, ids=str)
def test_no_ratio_is_shown_and_every_figure_is_in_its_unit(sentences, as_at):
    report, said = sentences[as_at]
    text = "\n".join(said)
    # The rule's ratio r was shown as "(84%)" after the trajectory, or as "% of trajectory".
    assert "of trajectory" not in text
    assert not re.search(r"(trajectory|expected)[^.;\n]*\(\d{1,3}%\)", text)
    figures = _indicator_figures(text, report.indicators)
    assert figures, "no indicator's figure is said"
    suffix = {"percent": "%", "percentage_points": " points", "count": ""}
    for unit, shown, expected in figures:
        for number in (shown, expected):
            assert number.endswith(suffix[unit]) or number.endswith(" point"), (unit, number)
            if unit == "count":
                assert re.fullmatch(r"[\d,.]+", number), number


def test_the_pack_says_its_figures_as_its_charts_carry_them(demo_db):
    """One rounding: each trajectory chart's last figure is the one its summary writes."""
    pack = briefing.build(briefing.read(demo_db, dt.date(2025, 9, 30)))
    checked = 0
    for chart in pack.charts():
        if chart.kind != "line" or "against" not in chart.summary:
            continue
        last = [v for v in chart.series["National figure"] if v is not None][-1]
        assert f": {figure(last, chart.unit)} against" in chart.summary
        checked += 1
    assert checked >= 15


def test_the_gap_is_in_points_lower_is_better_on_the_demo(demo_db):
    with store.connect(demo_db) as con:
        report = status.report(con, dt.date(2025, 9, 30))
    gap = report.indicators.set_index("id").loc["C10-I2"]
    assert gap["unit"] == "percentage_points"
    why = report.commitments.set_index("id").loc["C10", "reason"]
    assert f"{figure(gap['actual'], 'percentage_points')} against" in why
    assert "lower is better" in why and "%" not in why
