"""What the upload page shows, as data: the error summary, the preview, the receipt."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from dashboard import upload_view as view
from etl.returns import Problem, Report
from etl.submissions import review

ROW_ERROR = Problem("not_a_number", "edinburgh.csv", 14, "D", "value", "twelve")
HEADER_ERROR = Problem("unknown_column", "edinburgh.csv", 1, "C", None, "indicatr_id")


def test_problem_table_gives_row_column_value_and_what_to_do():
    table = view.problem_table([ROW_ERROR])
    assert table.to_dict("records") == [
        {
            "Row": "14",
            "Column": "D (value)",
            "Value": "twelve",
            "What to do": '"twelve" is not a number',
        }
    ]
    assert ROW_ERROR.message == 'edinburgh.csv row 14, column D (value): "twelve" is not a number'


def test_a_whole_file_problem_has_no_row_or_column():
    (row,) = view.problem_table([Problem("empty", "e.csv")]).to_dict("records")
    assert row["Row"] == "" and row["Column"] == ""
    assert row["What to do"].startswith("the file is empty")


def test_summary_counts_problems_and_rows_and_says_nothing_was_stored():
    report = Report("edinburgh.csv", errors=[ROW_ERROR, ROW_ERROR, HEADER_ERROR])
    assert view.summary_line(report) == (
        "3 problems in 2 rows. Nothing from edinburgh.csv has been stored: fix the file in "
        "Excel, save it as CSV and upload it again."
    )
    assert view.status_label(report) == "Checked edinburgh.csv: 3 problems to fix"


def test_upload_limit_is_five_megabytes():
    assert view.too_large(5 * 1024 * 1024) is None
    assert view.too_large(6 * 1024 * 1024).startswith("The file is 6.0 MB; the limit is 5 MB.")


def test_quarter_choices_start_with_the_latest_ended_quarter():
    choices = view.quarter_choices("2017-Q4", date(2025, 11, 25))
    assert choices[:2] == ["2025-Q3", "2025-Q2"] and choices[-1] == "2017-Q4"


def test_preview_marks_large_changes_in_words():
    previous = pd.DataFrame(
        [("C01-I1", "all", "all", 100.0)], columns=["indicator_id", "sex", "simd_quintile", "value"]
    )
    new = pd.DataFrame(
        [("C01-I1", "all", "all", 1200.0), ("C02-I1", "all", "all", 3.0)],
        columns=["indicator_id", "sex", "simd_quintile", "value"],
    )
    table = view.preview_table(review.compare(previous, new))
    assert table.to_dict("records") == [
        {"Indicator": "C01-I1", "Sex": "all", "SIMD quintile": "all", "Previous quarter": "100",
         "This return": "1,200", "Change": "+1100%", "Query": "⚠ Large change: explain"},
        {"Indicator": "C02-I1", "Sex": "all", "SIMD quintile": "all", "Previous quarter": "–",
         "This return": "3", "Change": "", "Query": ""},
    ]  # fmt: skip


def test_receipt_names_version_time_sender_hash_rows_and_explanations():
    receipt = {
        "authority_code": "S12000036", "period": "2025-Q3", "version": 2, "action": "replaced",
        "received_at": datetime(2025, 10, 3, 9, 5, 7), "submitted_by": "officer@edinburgh.example",
        "file_name": "edinburgh.csv", "rows": 45, "sha256": "ab" * 32,
        "queries": [{"indicator_id": "C01-I1", "sex": "all", "simd_quintile": "all",
                     "previous": 100.0, "value": 1200.0, "explanation": "New STEM hub",
                     "name": "STEM hubs", "unit": "count"}],
    }  # fmt: skip
    text = view.receipt_text(receipt)
    for line in (
        "Authority:    City of Edinburgh (S12000036)",
        "Version:      2",
        "Received at:  03/10/2025 09:05:07",
        "Submitted by: officer@edinburgh.example",
        "Rows:         45",
        f"SHA-256:      {'ab' * 32}",
        "Quarter:      2025-Q3 (July to September 2025)",
        "- C01-I1 STEM hubs: 100 → 1,200: New STEM hub",
    ):
        assert line in text.splitlines()
    assert view.receipt_file_name(receipt) == "receipt-S12000036-2025-Q3-v2.txt"
    assert view.receipt_heading(receipt).startswith("Received: replaces the earlier version.")


def test_log_summary_counts_versions_submissions_and_authorities_in_words():
    log = pd.DataFrame(
        {"authority_code": ["S12000049", "S12000049"], "period": ["2025-Q3", "2025-Q3"]}
    )
    assert view.log_summary(log) == "2 versions of 1 submission from 1 authority."
