"""Docs kept honest: every command has help text and a row in the README."""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.testing import CliRunner

from dashboard.cli import app
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(typer.main.get_command(app).commands)


def test_the_cli_has_the_commands_the_issues_ask_for():
    assert set(COMMANDS) >= {
        "check", "init", "demo", "template", "validate", "ingest", "export", "history",
        "schema", "status", "completeness", "briefing", "charts",
    }  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_a_row_in_the_readme(command):
    click_command = typer.main.get_command(app).commands[command]
    assert (click_command.help or "").strip(), f"{command} has no --help text"
    assert f"`stem-tracker {command}" in README, f"{command} is missing from the README"


def test_the_command_list_keeps_each_summary_whole():
    """`stem-tracker --help` lists each command with its first paragraph; a docstring's line
    breaks used to cut sentences there ("A file with any error stores" / "nothing")."""
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "400"})
    panel = result.output.split("Commands", 1)[1]
    rows = [line for line in panel.splitlines() if line.startswith("│ ")]
    summaries = {row.split()[1]: row for row in rows}
    assert set(summaries) == set(COMMANDS)  # one row each: no continuation lines
    assert "A file with any error stores nothing (the others still load)" in summaries["ingest"]


def test_readme_starts_with_exactly_two_commands_that_exist():
    first = README.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", first, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["bash scripts/demo", "bash scripts/test"]
    for command in commands:
        assert (ROOT / command.split()[1]).is_file()


def test_ci_runs_the_readme_test_command():
    assert "bash scripts/test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
