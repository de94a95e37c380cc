"""`stem-tracker`, the command line: `app.make_app` assembles it from the command
modules (start, returns, backup, status, mail); `options` holds what they share."""

from etl.cli.app import main, make_app, run
from etl.cli.options import AS_AT, REVISED, CliError, Context, parse_as_at, strategy_of

__all__ = [
    "AS_AT",
    "REVISED",
    "CliError",
    "Context",
    "main",
    "make_app",
    "parse_as_at",
    "run",
    "strategy_of",
]
