"""The release's pages as plain data (``Page`` of ``Part``s: text, facts, tables, charts)
and their one renderer: jinja2 templates with autoescape on, so no figure or name from the
store can become markup. Links are relative to the page (``root`` is the way up to the
release's folder), so the site works from disk, a web server or a CDN."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from etl.disclosure import CONFIDENTIAL, NOT_APPLICABLE, NOT_AVAILABLE

TEMPLATES = Path(__file__).resolve().parent / "templates"

SYMBOL_NOTES = {
    CONFIDENTIAL: "[c] confidential: a small count (or one that would reveal a small count) "
    "suppressed to protect learners; see About these statistics.",
    NOT_AVAILABLE: "[x] not available: no return had been received for that quarter.",
    NOT_APPLICABLE: "[z] not applicable: a breakdown this indicator does not collect.",
}


@dataclass(frozen=True)
class Link:
    href: str
    text: str


@dataclass
class Table:
    id: str
    caption: str
    columns: list[str]
    rows: list[list]  # text or Link; the first cell of a row is its header
    numeric: list[bool] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.numeric:
            self.numeric = [False] * len(self.columns)
        used = {str(cell) for row in self.rows for cell in row}
        self.notes = self.notes + [note for s, note in SYMBOL_NOTES.items() if s in used]
        if not self.rows:
            self.notes.append("No rows: nothing had been received for this table by the date.")


@dataclass(frozen=True)
class Chart:
    file: str  # under charts/
    title: str
    alt: str  # what the chart shows, in a sentence
    table: Table
    width: int = 1000
    height: int = 440


@dataclass(frozen=True)
class Part:
    kind: str  # heading, text, facts, list, links, table, chart
    text: str = ""
    id: str = ""
    items: tuple = ()
    table: Table | None = None
    chart: Chart | None = None


def heading(text: str, id_: str = "") -> Part:
    return Part("heading", text=text, id=id_)


def text(words: str) -> Part:
    return Part("text", text=words)


def facts(items: list[tuple[str, str]]) -> Part:
    return Part("facts", items=tuple(items))


def bullets(items: list[str]) -> Part:
    return Part("list", items=tuple(items))


def links(items: list[tuple[str, str, str]]) -> Part:
    return Part("links", items=tuple(items))


def table(t: Table) -> Part:
    return Part("table", table=t)


def chart(c: Chart) -> Part:
    return Part("chart", chart=c)


@dataclass(frozen=True)
class Page:
    path: str  # relative to the release folder, e.g. indicators/C01-I1.html
    title: str
    parts: list[Part]
    crumbs: list[tuple[str, str]] = field(default_factory=list)  # (path from root, text)

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(env: jinja2.Environment, page: Page, site: dict) -> bytes:
    crumbs = [(page.root + href, words) for href, words in page.crumbs]
    html = env.get_template("page.html").render(
        title=page.title, parts=page.parts, root=page.root, crumbs=crumbs, site=site
    )
    return html.encode("utf-8")


def stylesheet() -> bytes:
    return (TEMPLATES / "style.css").read_bytes()
