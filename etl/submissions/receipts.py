"""What a sender keeps and what an administrator looks back on: receipts, versions, the log.

A receipt says what the tracker holds for one version of a submission (its
time, who sent it, the file's SHA-256 and row count, any large changes
explained), and any version can be downloaded again in the return's own format
(written by ``export``), so a council can check exactly what it sent last quarter.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from etl import store
from etl.councils import council_name
from etl.submissions import export
from etl.vocabulary import figure, quarter_words

_SUBMISSION_COLUMNS = (
    "id AS submission_id, authority_code, period, version, received_at, submitted_by, sha256, "
    "row_count AS rows, file_name, action, is_current, queries"
)


def receipt(db_path: str | Path, submission_id: int) -> dict:
    """One version of a submission, as the sender's receipt shows it."""
    with store.connect(db_path) as con:
        cursor = con.execute(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE id = ?", [submission_id]
        )
        names = [d[0] for d in cursor.description]
        row = cursor.fetchone()
        indicators = {
            i: (n, u) for i, n, u in con.execute("SELECT id, name, unit FROM indicators").fetchall()
        }
    if row is None:
        raise LookupError(f"there is no submission {submission_id}")
    found = dict(zip(names, row, strict=True))
    found["queries"] = json.loads(found["queries"]) if found["queries"] else []
    # Each query with its indicator's name and unit, so the receipt says them in words.
    for query in found["queries"]:
        name, unit = indicators.get(query["indicator_id"], (query["indicator_id"], "count"))
        query.setdefault("name", name)
        query.setdefault("unit", unit)
    return found


def receipt_rows(receipt: dict) -> list[tuple[str, str]]:
    """What a receipt states, label by label: the page's receipt and the e-mailed one."""
    code = receipt["authority_code"]
    return [
        ("Authority", f"{council_name(code)} ({code})"),
        ("Quarter", quarter_words(receipt["period"])),
        ("Version", str(receipt["version"])),
        ("Outcome", receipt["action"]),
        ("Received at", pd.Timestamp(receipt["received_at"]).strftime("%d/%m/%Y %H:%M:%S")),
        ("Submitted by", receipt["submitted_by"]),
        ("File", receipt.get("file_name") or ""),
        ("Rows", str(receipt["rows"])),
        ("SHA-256", receipt["sha256"]),
    ]


def explained_changes(receipt: dict) -> list[str]:
    """Each large change the sender explained, with the sender's words."""
    queries = receipt.get("queries") or []
    if isinstance(queries, str):
        queries = json.loads(queries)
    said = []
    for q in queries:
        unit = q.get("unit", "count")
        named = f"{q['indicator_id']} {q.get('name', '')}".rstrip() + _breakdown(q)
        moved = f"{figure(q['previous'], unit)} → {figure(q['value'], unit)}"
        said.append(f"{named}: {moved}: {q['explanation']}")
    return said


def _breakdown(query: dict) -> str:
    """' (female, SIMD quintile 1)'; nothing for the headline figure."""
    parts = [query["sex"]] if query["sex"] != "all" else []
    if query["simd_quintile"] != "all":
        parts.append(f"SIMD quintile {query['simd_quintile']}")
    return f" ({', '.join(parts)})" if parts else ""


def submissions(db_path: str | Path, authority_code: str | None = None) -> pd.DataFrame:
    """Every version of every submission (one authority's, or all), newest quarter first."""
    where, params = ("WHERE authority_code = ?", [authority_code]) if authority_code else ("", [])
    with store.connect(db_path) as con:
        return con.execute(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions {where} "
            "ORDER BY period DESC, authority_code, version DESC",
            params,
        ).df()


def version_csv(db_path: str | Path, submission_id: int) -> bytes:
    """One version's figures in the return's own format, ready to open in Excel or re-send."""
    with store.connect(db_path) as con:
        rows = export.stored("(SELECT * FROM figures WHERE submission_id = $id)")
        return export.write(con, rows, {"id": submission_id})


def version_file(db_path: str | Path, submission_id: int) -> tuple[bytes, str]:
    """One version as it was sent, and its suffix: a workbook as the council sent it
    (kept by its SHA-256), else the figures in the return's own format (CSV)."""
    with store.connect(db_path) as con:
        found = con.execute(
            "SELECT f.data FROM submissions s JOIN submission_files f USING (sha256) "
            "WHERE s.id = ?",
            [submission_id],
        ).fetchone()
    if found is not None:
        return bytes(found[0]), ".xlsx"
    return version_csv(db_path, submission_id), ".csv"
