"""commitments.yaml validation: each broken snippet and the exact message it must give."""

from __future__ import annotations

import subprocess
import sys

import pytest

from etl.strategy.errors import StrategyError
from etl.strategy.load import parse_strategy
from tests.conftest import ROOT, TEST_DATA

BASE = (TEST_DATA / "strategy" / "base.yaml").read_text(encoding="utf-8")


def broken(old: str, new: str, count: int = 1) -> str:
    assert BASE.count(old) >= 1, old
    return BASE.replace(old, new, count)


CASES = {
    "bad-date": (
        broken("due: 2019-06-30", 'due: "2018-13-01"'),
        ['commitments.yaml line 29: milestone C01-M1: due "2018-13-01" is not a date '
         "(write it as 2019-06-30)"],
    ),
    "unknown-unit": (
        broken("unit: count", "unit: kg"),
        ["commitments.yaml line 34: indicator C01-I1: unit \"kg\" is not one of 'count', "
         "'percent' or 'percentage_points'"],
    ),
    "missing-title": (
        broken("    title: Professional learning\n", ""),
        ["commitments.yaml line 20: commitment C01: title is missing"],
    ),
    "typo-field": (
        broken("completed: 2018-11-01", "complted: 2018-11-01"),
        ['commitments.yaml line 52: milestone C02-M1: "complted" is not a known field (a typo?)'],
    ),
    "duplicate-id": (
        broken("- id: C02-M1", "- id: C01-M1"),
        ['commitments.yaml line 48: milestone id "C01-M1" is used more than once'],
    ),
    "unknown-theme": (
        broken("theme: connection", "theme: conection"),
        ['commitments.yaml line 44: commitment C02: theme "conection" is not a declared theme'],
    ),
    "unknown-source": (
        broken("    source: cld-summary\n    milestones:\n      - id: C02",
               "    source: annex\n    milestones:\n      - id: C02"),
        ['commitments.yaml line 46: commitment C02: source "annex" is not one of strategy.sources'],
    ),
    "missing-theme": (
        broken("  - {id: equity, name: Equity, description: Closing gaps.}\n", ""),
        ['commitments.yaml line 15: the theme "equity" is missing (the strategy has four)'],
    ),
    "target-before-baseline": (
        broken("{period: 2022-Q4, value: 500}", "{period: 2017-Q4, value: 500}"),
        ["commitments.yaml line 32: indicator C01-I1: target 2017-Q4 must come after 2018-Q1 "
         "(targets follow the baseline, in order)"],
    ),
    "percent-out-of-range": (
        broken("{period: 2022-Q4, value: 50}", "{period: 2022-Q4, value: 150}"),
        ["commitments.yaml line 54: indicator C02-I1: 150 at 2022-Q4 is not a percent (0 to 100)"],
    ),
    "target-above-maximum": (
        broken("        breakdowns: [sex]\n", "        breakdowns: [sex]\n        maximum: 400\n"),
        ["commitments.yaml line 32: indicator C01-I1: 500 at 2022-Q4 is above the maximum 400"],
    ),
    "bad-period": (
        broken("{period: 2018-Q1, value: 120}", "{period: 2018-Q5, value: 120}"),
        ['commitments.yaml line 39: indicator C01-I1: period: "2018-Q5" is not a quarter '
         "like 2025-Q3"],
    ),
    "value-not-number": (
        broken("value: 120}", "value: lots}"),
        ['commitments.yaml line 39: indicator C01-I1: value "lots" is not a number'],
    ),
    "bad-yaml": (
        broken("    lead: Education Scotland\n", "    lead: [Education Scotland\n"),
        ["commitments.yaml line 24: the YAML cannot be read: expected ',' or ']', but got ':' "
         "(check brackets, quotes and indentation here)"],
    ),
    "not-a-mapping": (
        "- just\n- a list\n",
        ["commitments.yaml line 1: the file must be a mapping with strategy, themes and commitments"],
    ),
}  # fmt: skip


def test_base_snippet_is_valid():
    strategy = parse_strategy(BASE)
    assert [c.id for c in strategy.commitments] == ["C01", "C02"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_snippet_gives_exact_message(case):
    text, expected = CASES[case]
    with pytest.raises(StrategyError) as raised:
        parse_strategy(text)
    assert [str(p) for p in raised.value.problems] == expected


def test_every_problem_is_reported_at_once():
    text = broken("due: 2019-06-30", "due: 2019-02-30").replace("unit: count", "unit: kg")
    text = text.replace("theme: connection", "theme: nowhere")
    with pytest.raises(StrategyError) as raised:
        parse_strategy(text)
    lines = [p.line for p in raised.value.problems]
    assert lines == sorted(lines) and len(lines) == 3


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-c", "from etl.cli import main; main()", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip


def test_check_passes_on_the_real_strategy():
    result = run_cli("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout


def test_check_names_the_line_of_a_broken_date(tmp_path):
    real = (ROOT / "commitments.yaml").read_text(encoding="utf-8")
    lines = real.splitlines()
    number = next(n for n, line in enumerate(lines, 1) if line.strip().startswith("due: 20"))
    lines[number - 1] = lines[number - 1].split("due:")[0] + 'due: "2018-13-01"'
    broken_file = tmp_path / "commitments.yaml"
    broken_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("check", str(broken_file))
    assert result.returncode == 1
    assert f"commitments.yaml line {number}: milestone " in result.stdout
    assert 'due "2018-13-01" is not a date' in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "content",
    [b"", b"\xff\xfe\x00garbage", b"strategy: [", b"{{{{", b"commitments: 3\n"],
    ids=["empty", "binary", "unclosed", "braces", "wrong-types"],
)
def test_check_never_shows_a_traceback(tmp_path, content):
    path = tmp_path / "commitments.yaml"
    path.write_bytes(content)
    result = run_cli("check", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "commitments.yaml line" in result.stdout


def test_check_of_a_missing_file():
    result = run_cli("check", "/nonexistent/commitments.yaml")
    assert result.returncode == 1
    assert "commitments.yaml line 1: the file does not exist" in result.stdout
