"""A send that warns first (issue 27, part 3): the version a return replaces is said before
Send, with the figures that differ; the quarter's months and due date beside its code; "did
you mean" for a mistyped code; messages in the council's words; no controls that do nothing.
"""

from __future__ import annotations

from datetime import date

import pytest

from dashboard import upload_view
from etl import store
from etl.actions import check_return
from etl.returns import validate_return
from etl.submissions import ingest, receipts
from etl.vocabulary import quarter_words
from tests.test_upload_page import EDINBURGH, PERIOD, app, db, filled  # noqa: F401 (fixture)

OFFICER = "officer@edinburgh.example"


@pytest.fixture
def sent_before(db, strategy, monkeypatch, tmp_path):  # noqa: F811 (the fixture above)
    """Edinburgh's return for the last quarter, sent on 29 October 2025; no e-mail set up."""
    monkeypatch.setenv("STEM_TRACKER_SECRETS", str(tmp_path / "no-secrets.toml"))
    ingest.ingest_return(db, filled(strategy, EDINBURGH, PERIOD, "10"), "first.csv", strategy)
    with store.connect(db) as con:
        con.execute("UPDATE submissions SET received_at = TIMESTAMP '2025-10-29 10:00:00'")
    return db


def test_the_version_replaced_and_its_changed_figures_are_said_before_send(sent_before, strategy):
    at = app(OFFICER)
    at.switch_page("app_pages/upload.py").run()
    # The quarter's months and due date beside its code.
    assert at.selectbox(key="upload_period").options[0] == upload_view.quarter_text(
        PERIOD, strategy.settings.returns_due_days
    )
    new = filled(strategy, EDINBURGH, PERIOD, "10").replace(b",10,", b",12,", 1)
    at.get("file_uploader")[0].set_value(("second.csv", new, "text/csv"))
    at.run()
    assert not at.exception
    warning = f"You sent {quarter_words(PERIOD)} on 29 October 2025; this replaces it. 1 figure"
    assert any(w.value.startswith(warning) for w in at.warning)
    (changed,) = [t.value for t in at.table if "Sent before" in t.value.columns]
    assert changed[["Sent before", "This file"]].values.tolist() == [["10", "12"]]
    assert changed["Indicator"].iloc[0].split(" ", 1)[1]  # the code with its name
    assert len(receipts.submissions(sent_before, EDINBURGH)) == 1  # nothing stored yet

    at.button(key="send").click().run()
    assert "Received: replaces the earlier version" in at.success[0].value
    # The e-mail note is in the council's words: no server file names.
    notes = " ".join(i.value for i in at.info)
    assert "e-mail is not set up on this tracker" in notes and "secrets" not in notes
    # History newest first, and the version just sent is the one offered for download.
    (history,) = [d.value for d in at.dataframe if "Version" in d.value.columns]
    assert history["Version"].tolist() == [2, 1]
    assert at.selectbox(key="history_pick").value == (
        f"{PERIOD} version 2 (City of Edinburgh, current)"
    )


def test_the_same_figures_again_say_nothing_new_will_be_stored(sent_before, strategy):
    preview = check_return(
        sent_before,
        filled(strategy, EDINBURGH, PERIOD, "10"),
        "again.csv",
        strategy,
        None,
    )
    (replacing,) = preview.replacing.values()
    assert replacing.version == 1 and replacing.differences.empty
    assert replacing.sentence.endswith("The figures are the same, so nothing new will be stored.")


def test_the_upload_page_has_no_as_at_date_or_revised_switch(db):  # noqa: F811
    at = app(OFFICER)
    assert at.sidebar.date_input and at.sidebar.toggle  # the other pages judge as at a date
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception
    assert not at.sidebar.date_input and not at.sidebar.toggle


@pytest.mark.parametrize(
    "column, typed, hint",
    [
        ("indicator_id", "C16-l1", '"C16-l1" is not one of the strategy\'s indicators (did you '
         "mean C16-I1?)"),
        ("authority_code", "S12000O36", "or Scotland's S92000003; did you mean S12000036 (City "
         "of Edinburgh)?"),
    ],
)  # fmt: skip
def test_a_mistyped_code_gets_a_did_you_mean(strategy, column, typed, hint):
    row = {"authority_code": EDINBURGH, "period": "2025-Q2", "indicator_id": "C16-I1"}
    row[column] = typed
    csv = "authority_code,period,indicator_id,value\n" + ",".join(row.values()) + ",4\n"
    report = validate_return(csv.encode(), "r.csv", strategy, today=date(2025, 12, 1))
    (error,) = report.errors
    assert hint in error.message and "commitments.yaml" not in error.message
