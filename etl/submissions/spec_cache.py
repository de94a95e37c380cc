"""The strategy and the return spec held in the store, so that a load need not parse
commitments.yaml again: each kept with the fingerprint of the file it came from, and
rebuilt when that file, or the store's strategy, has changed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from etl import store
from etl.returns.spec import ReturnSpec

if TYPE_CHECKING:
    from etl.strategy.model import StrategyFile

STRATEGY_SOURCE = "strategy_source_sha256"  # meta: which commitments file strategy_json is
RETURN_SPEC = "return_spec_json"  # meta: the ReturnSpec of that strategy, with its fingerprint


def strategy_in_store(db_path: str | Path, commitments_path: str | Path) -> StrategyFile:
    """The strategy, set up in the database: ``store.init`` unless the database already
    holds this very file's strategy, which is then read back from it.

    Parsing a large commitments.yaml with line numbers takes seconds; a back-fill
    loaded twice in a row should not pay that each time. Raises StrategyError.
    """
    from etl.strategy.load import load_strategy  # pydantic: only when needed
    from etl.strategy.model import StrategyFile

    source = _source(commitments_path)
    if source:
        with store.connect(db_path, create=True) as con:  # an ingest sets up its store
            held = _held(con, source)
            if held is not None:
                return StrategyFile.model_validate_json(held)
    strategy = load_strategy(commitments_path)
    store.init(db_path, strategy)
    if source:
        with store.connect(db_path) as con:
            held = store.get_meta(con, "strategy_json") or ""
            store.set_meta(con, STRATEGY_SOURCE, _fingerprint(source, held))
    return strategy


def spec_in_store(db_path: str | Path, commitments_path: str | Path) -> ReturnSpec:
    """What returns are checked against, for the strategy in ``commitments_path``: read back
    as plain JSON when the database holds that file's strategy (no pydantic model is
    built, a fifth of a second saved on every ingest), else via ``strategy_in_store``.
    Raises StrategyError."""
    source = _source(commitments_path)
    if source:
        with store.connect(db_path, create=True) as con:  # an ingest sets up its store
            held = _held(con, source)
            saved = store.get_meta(con, RETURN_SPEC) if held is not None else None
        spec = _saved_spec(saved, _fingerprint(source, held)) if saved else None
        if spec is not None:
            return spec
    spec = ReturnSpec.of(strategy_in_store(db_path, commitments_path))
    if source:
        with store.connect(db_path) as con:
            held = store.get_meta(con, "strategy_json") or ""
            saved = {"fingerprint": _fingerprint(source, held), "spec": spec.to_json()}
            store.set_meta(con, RETURN_SPEC, json.dumps(saved))
    return spec


def _saved_spec(saved: str, fingerprint: str) -> ReturnSpec | None:
    """The spec saved in the store when it was saved for ``fingerprint``; None when it was
    not, or cannot be read (it is then rebuilt from the commitments file)."""
    try:
        data = json.loads(saved)
        if data["fingerprint"] == fingerprint:
            return ReturnSpec.from_json(data["spec"])
    except (ValueError, KeyError, TypeError):
        pass
    return None


def _source(commitments_path: str | Path) -> str | None:
    try:
        return hashlib.sha256(Path(commitments_path).read_bytes()).hexdigest()
    except OSError:
        return None  # load_strategy says what is wrong with the file


def _held(con, source: str) -> str | None:
    """The held strategy's JSON when the database holds the strategy of the file with
    hash ``source``, else None."""
    if store.schema_version(con) != store.SCHEMA_VERSION:
        return None
    held = store.get_meta(con, "strategy_json") or ""
    return held if store.get_meta(con, STRATEGY_SOURCE) == _fingerprint(source, held) else None


def _fingerprint(source: str, strategy_json: str) -> str:
    """The file's hash with the held strategy's: a later `init` from another file breaks it."""
    return f"{source}:{hashlib.sha256(strategy_json.encode()).hexdigest()}"
