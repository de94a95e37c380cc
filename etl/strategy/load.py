"""Read ``commitments.yaml`` into the strategy's models, collecting every problem.

Each problem is reported with the line of the file it is on, e.g.
``commitments.yaml line 88: milestone C04-M2: due "2018-13-01" is not a date``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from etl.strategy.errors import Problem, StrategyError
from etl.strategy.model import THEME_IDS, StrategyFile
from etl.strategy.yamlfile import YamlSyntaxError, line_of, load_with_lines


def load_strategy(path: str | Path) -> StrategyFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StrategyError([Problem(path.name, 1, "the file does not exist")]) from None
    except UnicodeDecodeError:
        raise StrategyError([Problem(path.name, 1, "the file is not UTF-8 text")]) from None
    except OSError as error:
        raise StrategyError(
            [Problem(path.name, 1, f"the file cannot be read ({error.strerror})")]
        ) from None
    return parse_strategy(text, path.name)


def parse_strategy(text: str, file_name: str = "commitments.yaml") -> StrategyFile:
    try:
        data, lines = load_with_lines(text)
    except YamlSyntaxError as error:
        raise StrategyError([Problem(file_name, error.line, error.message)]) from None
    if not isinstance(data, dict):
        raise StrategyError(
            [
                Problem(
                    file_name, 1, "the file must be a mapping with strategy, themes and commitments"
                )
            ]
        )
    problems = [
        Problem(file_name, line_of(lines, path), message) for path, message in _cross_checks(data)
    ]
    try:
        model = StrategyFile.model_validate(data)
    except ValidationError as error:
        for item in error.errors():
            path = tuple(item["loc"])
            problems.append(Problem(file_name, line_of(lines, path), _describe(data, path, item)))
    else:
        if not problems:
            return model
    problems.sort(key=lambda p: p.line)
    raise StrategyError(problems)


def _label(data: Any, path: tuple) -> str:
    """'milestone C04-M2: ' for a path inside that milestone, and so on."""
    label, node = "", data
    kinds = {
        "commitments": "commitment",
        "milestones": "milestone",
        "indicators": "indicator",
        "themes": "theme",
    }
    kind = None
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(step, str):
            kind = kinds.get(step)
        elif kind and isinstance(node, dict):
            label = f"{kind} {node.get('id', f'number {step + 1}')}: "
    return label


def _describe(data: Any, path: tuple, item: dict) -> str:
    field = next((str(step) for step in reversed(path) if isinstance(step, str)), "value")
    value = item.get("input")
    shown = f'"{value}"' if not isinstance(value, dict | list) else ""
    kind = item["type"]
    if kind == "missing":
        text = f"{field} is missing"
    elif kind == "extra_forbidden":
        text = f'"{field}" is not a known field (a typo?)'
    elif kind.startswith("date"):
        text = f"{field} {shown} is not a date (write it as 2019-06-30)"
    elif kind == "literal_error":
        allowed = item.get("ctx", {}).get("expected", "")
        text = f"{field} {shown} is not one of {allowed}"
    elif kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        text = f"{field} {shown} is not a number"
    elif kind == "value_error":
        error = item["ctx"]["error"]
        text = f"{field}: {error}" if path and isinstance(path[-1], str) else str(error)
    elif kind == "too_short":
        text = f"{field} needs at least one entry"
    elif kind in (
        "string_type",
        "model_type",
        "list_type",
        "dict_type",
        "bool_type",
        "bool_parsing",
    ):
        expected = {
            "string_type": "text",
            "model_type": "a mapping",
            "dict_type": "a mapping",
            "list_type": "a list",
            "bool_type": "true or false",
            "bool_parsing": "true or false",
        }[kind]
        text = f"{field} {shown} should be {expected}".replace("  ", " ")
    else:
        text = f"{field} {shown}: {item['msg']}".replace("  ", " ")
    return _label(data, path) + text


def _cross_checks(data: dict) -> list[tuple[tuple, str]]:
    """Ids unique across the file, and every reference (theme, source) declared."""
    problems: list[tuple[tuple, str]] = []

    def items(value: Any) -> list[tuple[int, dict]]:
        return (
            [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]
            if isinstance(value, list)
            else []
        )

    strategy = data.get("strategy") if isinstance(data.get("strategy"), dict) else {}
    source_ids = {s.get("id") for _, s in items(strategy.get("sources"))}
    themes = items(data.get("themes"))
    theme_ids = [t.get("id") for _, t in themes]
    for theme_id in sorted(set(THEME_IDS) - set(theme_ids)):
        problems.append((("themes",), f'the theme "{theme_id}" is missing (the strategy has four)'))

    seen: Counter = Counter()
    for kind, path, node in _all_ids(data):
        seen[node.get("id")] += 1
        if seen[node.get("id")] == 2:
            problems.append(
                (path + ("id",), f'{kind} id "{node.get("id")}" is used more than once')
            )
    for ci, commitment in items(data.get("commitments")):
        where = ("commitments", ci)
        label = f"commitment {commitment.get('id')}: "
        if "theme" in commitment and commitment["theme"] not in theme_ids:
            problems.append(
                (
                    where + ("theme",),
                    f'{label}theme "{commitment["theme"]}" is not a declared theme',
                )
            )
        for ti, theme in enumerate(commitment.get("also_themes") or []):
            if theme not in theme_ids:
                problems.append(
                    (
                        where + ("also_themes", ti),
                        f'{label}also_themes "{theme}" is not a declared theme',
                    )
                )
        refs = [(where + ("source",), label, commitment.get("source"))]
        for key in ("milestones", "indicators"):
            for i, node in items(commitment.get(key)):
                node_label = f"{key[:-1]} {node.get('id')}: "
                refs.append((where + (key, i, "source"), node_label, node.get("source")))
        for path, node_label, ref in refs:
            if ref is not None and ref not in source_ids:
                problems.append(
                    (path, f'{node_label}source "{ref}" is not one of strategy.sources')
                )
    return problems


def _all_ids(data: dict):
    commitments = data.get("commitments") if isinstance(data.get("commitments"), list) else []
    for ci, commitment in enumerate(commitments):
        if not isinstance(commitment, dict):
            continue
        yield "commitment", ("commitments", ci), commitment
        for key in ("milestones", "indicators"):
            children = commitment.get(key) if isinstance(commitment.get(key), list) else []
            for i, node in enumerate(children):
                if isinstance(node, dict):
                    yield key[:-1], ("commitments", ci, key, i), node
