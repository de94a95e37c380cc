"""The councils: an index, and one page per council with its returns received and its
published (disclosure-controlled) figures."""

from __future__ import annotations

from dashboard import format as fmt
from dashboard.release.content import Content
from dashboard.release.pages.common import shown
from dashboard.release.pages.indicator import CELL_NAMES, RECENT_QUARTERS
from dashboard.release.site import Page, Table, heading, links
from dashboard.release.site import table as table_part
from dashboard.release.site import text as words
from dashboard.release.tables import CELLS, Published


def pages(content: Content, published: Published) -> list[Page]:
    councils = content.authorities[content.authorities["kind"] == "council"]
    index = Page(
        "councils/index.html",
        "Councils",
        [
            words("Each council's returns received and its figures, as published."),
            links([(f"{c.code}.html", c.name, "") for c in councils.itertuples(index=False)]),
        ],
        [("index.html", "Home")],
    )
    return [index] + [_council(content, published, c.code, c.name)
                      for c in councils.itertuples(index=False)]  # fmt: skip


def _council(content: Content, published: Published, code: str, name: str) -> Page:
    parts = [heading("Returns received", "returns"), table_part(_returns(published, code, name))]
    indicators = content.inputs.report.indicators
    local = indicators[indicators["reported_by"] != "national"]
    parts.append(heading("Figures", "figures"))
    if local.empty:
        parts.append(words("Councils report no indicator in this strategy."))
    else:
        parts.append(links([(f"../indicators/{i.id}.html", f"{i.id}: {i.name}", "")
                            for i in local.itertuples(index=False)]))  # fmt: skip
    for ind in local.itertuples(index=False):
        parts.append(table_part(_figures(published, content.quarters, code, ind, name)))
    crumbs = [("index.html", "Home"), ("councils/index.html", "Councils")]
    return Page(f"councils/{code}.html", name, parts, crumbs)


def _returns(published: Published, code: str, name: str) -> Table:
    returns = published.returns[published.returns["authority_code"] == code]
    recent = returns.sort_values("period").tail(RECENT_QUARTERS)
    rows = [
        [r.period, fmt.long_date(r.due_date),
         fmt.long_date(r.received_on) if r.received else "not received", r.status]
        for r in recent.itertuples(index=False)
    ]  # fmt: skip
    return Table(
        f"returns-{code}",
        f"{name}: returns for the latest {len(rows)} quarters (every quarter is in the open data)",
        ["Quarter", "Due", "Received", "Status"],
        rows,
    )


def _figures(published: Published, quarters: list[str], code: str, ind, name: str) -> Table:
    rows = [
        [period] + [shown(published.lookup[(code, period, ind.id, *cell)], ind.unit)
                    for cell in CELLS]
        for period in quarters[-RECENT_QUARTERS:]
    ]  # fmt: skip
    return Table(
        f"figures-{ind.id}",
        f"{name}: {ind.id} {ind.name}, latest {len(rows)} quarters",
        ["Quarter", *(CELL_NAMES[c] for c in CELLS)],
        rows,
        [False, *([True] * len(CELLS))],
    )
