"""Layout pieces every page repeats: a chart with its summary and data, status badges."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import format as fmt
from dashboard.charts import common

PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


def chart(fig: go.Figure, data: pd.DataFrame, key: str) -> None:
    """The chart with its summary as alt text and as a visible sentence, and its data."""
    summary = common.summary(fig)
    # theme=None: the page shows the figure exactly as it is exported for briefings.
    st.plotly_chart(
        fig,
        key=f"chart_{key}",
        config=PLOTLY_CONFIG,
        width="stretch",
        theme=None,
        alt=f"{fig.layout.meta.get('title', '')}. {summary}",
    )
    st.caption(summary)
    with st.expander("Data for this chart"):
        st.dataframe(data, hide_index=True, width="stretch")
        name = fig.layout.meta.get("name", key) or key
        csv_download("Download the data (CSV)", data, f"{name}.csv", f"csv_{key}")


def csv_download(label: str, data: pd.DataFrame, file_name: str, key: str) -> None:
    """A button that downloads a table as CSV, as shown (no index)."""
    csv = data.to_csv(index=False).encode("utf-8")
    st.download_button(label, csv, file_name=file_name, mime="text/csv", key=key)


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def version_download(
    db, history: pd.DataFrame, label: str, keys: tuple[str, str], chosen: int | None = None
):
    """Choose one of ``history``'s versions and download it as it was sent (the workbook a
    council sent, else CSV); the submission ``chosen`` (e.g. the one just sent) is picked
    first. Returns (the version's label, its submission id)."""
    from dashboard import upload_view  # only the pages about returns need these
    from etl.submissions import receipts

    versions = upload_view.version_choices(history)
    ids = list(versions.values())
    first = ids.index(chosen) if chosen in ids else 0
    picked = st.selectbox(label, list(versions), index=first, key=keys[0])
    data, suffix = receipts.version_file(db, versions[picked])
    excel = suffix == ".xlsx"
    st.download_button(
        f"Download {picked} ({'Excel' if excel else 'CSV'})",
        data,
        file_name=upload_view.version_file_name(history, versions[picked]).removesuffix(".csv")
        + suffix,
        mime=XLSX_MIME if excel else "text/csv",
        key=keys[1],
    )
    return picked, versions[picked]


def status_count_lines(counts: dict[str, int], order: tuple[str, ...]) -> str:
    """'✖ 2 off track', '▲ 1 at risk', … one to a line, as markdown."""
    return "  \n".join(f"{fmt.icon(s)} {counts.get(s, 0)} {fmt.word(s).lower()}" for s in order)


def figures_note(report) -> None:
    """Which figures a page shows: as known on the as-at date, or revised (and says so)."""
    if report.revised:
        st.info(
            f"**Revised figures**: these are the {report.figures_label}. For the quarters "
            f"ended by {fmt.long_date(report.as_at)} they add every return councils sent "
            "after that day: late first returns and corrections. What changed below says "
            "which figures moved a status. Turn off *Revised figures* in the sidebar to see "
            "what was known on the day.",
            icon=":material/history:",
        )
    else:
        st.caption(
            f"Figures as known on {fmt.long_date(report.as_at)}: the returns received by "
            "that day; corrections sent later are not counted (see *Revised figures*)."
        )


def store_or_stop() -> Path:
    """The store's path, or the reason there is none yet said on the page, which stops."""
    from dashboard import queries

    try:
        return queries.source().db
    except queries.NotReady as error:
        st.error(str(error))
        st.stop()


def administrators_only(user, what: str) -> None:
    """Stop the page with ``what`` (e.g. "Only administrators can …") for anyone else: the
    page is not offered to them, and this guards a stale link."""
    if not user.can_administer:
        st.error(what)
        st.stop()


def show_notes(notes, *, escaped: bool = True) -> None:
    """What an action's e-mails did (``etl.mail.notes.Note``), each in the box of its level.
    They quote servers' answers and addresses, so they are shown as plain text; the upload
    and restore notes (``escaped=False``) keep the wording they have always shown."""
    for note in notes:
        getattr(st, note.level)(fmt.plain(note.text) if escaped else note.text)


def store_busy() -> None:
    st.info(
        "**The data is being updated.** Another program is loading figures into the "
        "tracker; try again in a moment.",
        icon=":material/hourglass_top:",
    )
    st.button("Try again", key="store_busy_retry")


def demo_banner() -> None:
    st.warning(
        "**Demo data.** These figures are invented to show how the tracker works; "
        "they are not official statistics.",
        icon="⚠️",
    )
