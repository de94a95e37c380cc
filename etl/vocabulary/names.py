"""What each commitment, milestone and indicator is called in a sentence.

On first use a code comes with its name ('C22 STEM hub network …'), after that the name
alone; a code never stands alone in a sentence. One ``Names`` is made per text (a slide,
an e-mail, a page), so 'first use' means first in what one reader reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class Names:
    def __init__(self, names: Mapping[str, str]):
        self._names = dict(names)
        self._used: set[str] = set()

    @classmethod
    def from_report(cls, report) -> Names:
        """From a status report's commitments (title), milestones (title) and indicators
        (name)."""
        names = {}
        for frame, column in (
            (report.commitments, "title"),
            (report.milestones, "title"),
            (report.indicators, "name"),
        ):
            names.update(zip(frame["id"], frame[column], strict=True))
        return cls(names)

    def fresh(self) -> Names:
        """The same names, every one not yet used (a new slide or e-mail)."""
        return Names(self._names)

    def title(self, code: str) -> str:
        """The name alone (the code itself where none is declared)."""
        return self._names.get(code, code)

    def full(self, code: str) -> str:
        """'C22 STEM hub network …': the code and its name, whatever came before."""
        name = self._names.get(code)
        return f"{code} {name}" if name else code

    def __call__(self, code: str, width: int | None = None) -> str:
        """The code and name on first use, the name alone after; a name longer than
        ``width`` characters is cut with an ellipsis (a slide's bullet has room for a few)."""
        title = _cut(self.title(code), width)
        if code in self._used or code not in self._names:
            return title
        self._used.add(code)
        return f"{code} {title}"

    def listed(self, codes: Iterable[str], most: int = 4, width: int | None = None) -> str:
        """'A, B, C and D', or 'A, B, C and 3 more' beyond ``most``."""
        codes = list(codes)
        shown = [self(code, width) for code in codes[:most]]
        if len(codes) > most:
            shown.append(f"{len(codes) - most} more")
        if len(shown) <= 1:
            return "".join(shown)
        return ", ".join(shown[:-1]) + " and " + shown[-1]


def _cut(text: str, width: int | None) -> str:
    if width is None or len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut:  # at a word's end, not inside one
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"
