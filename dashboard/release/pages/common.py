"""What the release's page builders share: a frame as a table, a published figure as words."""

from __future__ import annotations

import pandas as pd

from dashboard import format as fmt
from dashboard.release.site import Chart, Table
from etl.disclosure import SYMBOLS


def shown(value: str, unit: str) -> str:
    """A published figure (a number as text, or a symbol) as a page writes it."""
    if value in SYMBOLS or value == "":
        return value
    return fmt.number(float(value), unit)


def cell(value) -> str:
    """Any value of a frame as text: blank for none, dates in words, numbers as written."""
    if value is None or (not isinstance(value, str | list | tuple) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return fmt.number(value)
    if hasattr(value, "isoformat"):
        return fmt.long_date(value)
    return str(value)


def frame_table(id_: str, caption: str, frame: pd.DataFrame, numeric=(), notes=()) -> Table:
    """A frame as a page's table; ``numeric``: columns aligned right."""
    return Table(
        id_,
        caption,
        [str(c) for c in frame.columns],
        [[cell(v) for v in row] for row in frame.itertuples(index=False)],
        [c in numeric for c in frame.columns],
        list(notes),
    )


def chart_of(name: str, fig, table: Table) -> Chart:
    """A drawn figure on a page: its file, its title, its summary as the text alternative,
    and the table of its data."""
    from dashboard import export
    from dashboard.charts.common import summary
    from dashboard.release.charts import size

    width, height = size(fig)
    alt = summary(fig) or export.title_of(fig)
    return Chart(f"{export.file_stem(name)}.svg", export.title_of(fig), alt, table, width, height)
