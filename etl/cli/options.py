"""What every command shares: the context, the error a command raises, the strategy
it reads, and the options several commands take (--as-at, --revised)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import typer

from etl.errors import TrackerError


@dataclass
class Context:
    db: Path
    commitments: Path
    debug: bool


class CliError(TrackerError):
    """A command's own message for the user and the exit code that goes with it."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.exit_code = code


def strategy_of(ctx: Context):
    from etl.strategy.errors import StrategyError  # pydantic: only when needed
    from etl.strategy.load import load_strategy

    try:
        return load_strategy(ctx.commitments)
    except StrategyError as error:
        raise CliError(f"{ctx.commitments} is not valid:\n{error}") from None


def parse_as_at(text: str | None) -> dt.date:
    """--as-at: an ISO date (YYYY-MM-DD); today when not given."""
    if text is None:
        return dt.date.today()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        raise typer.BadParameter(f'"{text}" is not a date like 2025-09-30', param_hint="--as-at")
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f'"{text}" is not a real date', param_hint="--as-at") from None


AS_AT = typer.Option(
    None,
    "--as-at",
    help="Judge everything as at this date, YYYY-MM-DD (default: today).",
    metavar="YYYY-MM-DD",
)


REVISED = typer.Option(
    False,
    "--revised",
    help="Use the revised figures (the current versions, as they stand today) instead of "
    "the figures as known at the as-at date.",
)
