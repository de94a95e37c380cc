"""Read YAML keeping each value's line, so that every problem can name its line.

Dates stay strings here (pydantic parses them and says plainly when one is
wrong), and only ``true``/``false`` are booleans: YAML 1.1 would read the key
``on`` in ``{on: 2019-01-15}`` as True.
"""

from __future__ import annotations

import re
from typing import IO, Any

import yaml

from etl.errors import TrackerError


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

Path = tuple[str | int, ...]


class YamlSyntaxError(TrackerError, ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def load_with_lines(text: str) -> tuple[Any, dict[Path, int]]:
    """Parse YAML text; return the data and a map from each value's path to its 1-based line."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        refuse_alias_bombs(node)  # before anything walks the values the aliases repeat
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlSyntaxError(
            line,
            f"the YAML cannot be read: {error.problem} "
            "(check brackets, quotes and indentation here)",
        ) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(1, f"the YAML cannot be read: {error}") from None
    lines: dict[Path, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return data, lines


# More values than any strategy, contacts or users file holds once its aliases (``*name``,
# which repeat what ``&name`` marks) are expanded; a few lines of nested aliases can stand for
# billions ("billion laughs"), which reading them as values would build.
MAX_VALUES = 1_000_000


def refuse_alias_bombs(node: yaml.Node | None) -> None:
    """YamlSyntaxError when the document's aliases expand to more than MAX_VALUES values.
    Each node's expanded size is counted once (a shared node is not walked again), so the
    count costs the nodes written, not the values they stand for."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        if id(node) not in sizes:
            sizes[id(node)] = 1  # a node met again inside itself counts once
            children = node.value if isinstance(node, yaml.SequenceNode) else (
                [v for pair in node.value for v in pair]
                if isinstance(node, yaml.MappingNode) else []
            )  # fmt: skip
            sizes[id(node)] = min(1 + sum(size(c) for c in children), MAX_VALUES + 1)
        return sizes[id(node)]

    if node is not None and size(node) > MAX_VALUES:
        raise YamlSyntaxError(
            node.start_mark.line + 1,
            f"the YAML's aliases (*name) stand for more than {MAX_VALUES:,} values; "
            "write the values out, or use fewer aliases",
        )


def safe_load(source: str | bytes | IO[str] | IO[bytes]) -> Any:
    """``yaml.safe_load``, refusing alias bombs (YamlSyntaxError) before building values."""
    text = source.read() if hasattr(source, "read") else source
    refuse_alias_bombs(yaml.compose(text, Loader=yaml.SafeLoader))
    return yaml.safe_load(text)


def _walk(node: yaml.Node, path: Path, lines: dict[Path, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = path + (key.value,)
            _walk(value, child, lines)
            lines[child + ("<key>",)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), lines)


def line_of(lines: dict[Path, int], path: Path) -> int:
    """The line of ``path``, or of its nearest ancestor that has one (a missing key)."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), 1)
