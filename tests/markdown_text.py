"""What a piece of Markdown shows a reader, for tests of text from users."""

from __future__ import annotations

from markdown_it import MarkdownIt


def shown(markdown: str) -> tuple[str, set[str]]:
    """What Markdown shows: its text, and the kinds of inline element it makes (``text``
    alone for plain text; ``link_open`` or ``image`` for a link or an image)."""
    text, kinds = [], set()
    for block in MarkdownIt("commonmark").parse(markdown):
        for token in block.children or []:
            kinds.add(token.type)
            text.append(token.content if token.type == "text" else "")
    return "".join(text), kinds
