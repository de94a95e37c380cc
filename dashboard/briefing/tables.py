"""Tables on briefing slides: as many slides as a table needs, by its wrapped height.

The geometry is shared by the PowerPoint and PDF tables, so both break a table over
the same slides.
"""

from __future__ import annotations

import pandas as pd

from dashboard.briefing.pack import Slide, text_table


def table_slides(
    title: str,
    kind: str,
    table: pd.DataFrame,
    messages: list[str],
    full: pd.DataFrame | None = None,
) -> list[Slide]:
    """As many slides as the table needs, by the estimated height of its wrapped rows.
    ``full``: the same rows untruncated, for the speaker notes."""
    widths = column_widths(table, TABLE_WIDTH)
    heights = [
        max(_lines_needed(str(v), w) for v, w in zip(row, widths, strict=True)) * LINE_HEIGHT
        + ROW_PADDING
        for row in table.itertuples(index=False)
    ]
    header = max(_lines_needed(str(c), w) for c, w in zip(table.columns, widths, strict=True))
    budget = TABLE_HEIGHT - header * LINE_HEIGHT - ROW_PADDING
    pages: list[list[int]] = [[]]
    used = 0.0
    for i, height in enumerate(heights):
        if pages[-1] and used + height > budget:
            pages.append([])
            used = 0.0
        pages[-1].append(i)
        used += height
    slides = []
    for n, rows in enumerate(pages):
        part = table.iloc[rows].reset_index(drop=True)
        notes = text_table((full if full is not None else table).iloc[rows])
        slides.append(
            Slide(
                title + (" (continued)" if n else ""),
                kind,
                messages if not n else [],
                table=part,
                notes=notes,
            )
        )
    return slides


# Table geometry in inches (10-point text), shared by the PowerPoint and PDF tables.
TABLE_WIDTH, TABLE_HEIGHT = 12.3, 5.1
LINE_HEIGHT, ROW_PADDING, CHARS_PER_INCH = 0.19, 0.1, 15


def column_widths(table: pd.DataFrame, total: float) -> list[float]:
    """Widths in inches by content: short codes stay on one line, long text wraps."""

    def longest_word(text: str) -> int:
        return max((len(w) for w in text.split()), default=0)

    weights = []
    for i, name in enumerate(table.columns):
        cells = [str(v) for v in table.iloc[:, i]]
        longest = max([len(c) for c in cells], default=0)
        unbreakable = max([longest_word(str(name))] + [longest_word(c) for c in cells])
        weights.append(max(min(longest, 55), unbreakable + 3, 8))
    return [total * w / sum(weights) for w in weights]


def _lines_needed(text: str, width: float) -> int:
    per_line = max(int((width - 0.15) * CHARS_PER_INCH), 1)
    return max(1, -(-len(text) // per_line))
