"""A message's words, written once as blocks and rendered as plain text and simple HTML.

Every block is text, escaped on its way into the HTML, so nothing a council wrote (a
query's explanation, a file name) is ever read as markup.
"""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, str], ...]  # label, value


Block = str | Link | Table


@dataclass(frozen=True)
class Letter:
    """One e-mail: to whom, about what, and its words."""

    to: tuple[str, ...]
    subject: str
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(_text(block) for block in self.blocks) + "\n"

    @property
    def html(self) -> str:
        body = "\n".join(_html(block) for block in self.blocks)
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.subject)}</title></head>\n"
            f'<body style="font-family: Arial, sans-serif">\n{body}\n</body></html>\n'
        )


def _text(block: Block) -> str:
    if isinstance(block, Link):
        return f"{block.label}: {block.url}"
    if isinstance(block, Table):
        width = max(len(label) for label, _ in block.rows) + 2
        return "\n".join(f"{label + ':':<{width}}{value}" for label, value in block.rows)
    return block


def _html(block: Block) -> str:
    if isinstance(block, Link):
        return f'<p><a href="{html.escape(block.url)}">{html.escape(block.label)}</a></p>'
    if isinstance(block, Table):
        rows = "".join(
            f'<tr><th scope="row" style="text-align: left">{html.escape(label)}</th>'
            f"<td>{html.escape(value)}</td></tr>"
            for label, value in block.rows
        )
        return f"<table>{rows}</table>"
    return "<p>" + html.escape(block).replace("\n", "<br>") + "</p>"
