"""A fingerprint of the current figures: the same for the same figures in any order, in any
version of DuckDB, and different when any figure differs.

A backup's manifest holds it, and a restore must reproduce it, before and after an upgrade
of the schema, so it is computed from ``current_figures`` as readers see them, not from the
tables behind. Each text is hashed with MD5 once per distinct value (not DuckDB's own
``hash``, which may change between versions), each value by its exact bits; each row's
parts are mixed (SplitMix64) and the rows' hashes summed. Hashing every row's text with
MD5 in SQL instead took four times as long: most of a large store's backup.
"""

from __future__ import annotations

import hashlib

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

TEXTS = ("authority_code", "period", "indicator_id", "sex", "simd_quintile", "comment")
_SELECT = (
    "SELECT "
    + ", ".join(f"CAST({name} AS VARCHAR) AS {name}" for name in TEXTS)
    + ", CAST(value AS DOUBLE) AS value FROM current_figures"
)
_NULL = np.uint64(0x6E756C6C)  # a missing comment: not the hash of any text, but for chance
_GOLDEN, _M1, _M2 = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9),
                     np.uint64(0x94D049BB133111EB))  # fmt: skip


def figures_fingerprint(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    """How many current figures there are, and a SHA-256 of them all."""
    count, total, seen = 0, 0, {}
    for batch in con.sql(_SELECT).to_arrow_reader(1_000_000):
        rows = np.zeros(batch.num_rows, dtype=np.uint64)
        for name in TEXTS:
            rows = _mix(rows ^ _text_hashes(batch.column(name), seen))
        rows = _mix(rows ^ batch.column("value").to_numpy().view(np.uint64))
        total = (total + int(rows.sum(dtype=np.uint64))) % 2**64
        count += batch.num_rows
    return count, hashlib.sha256(f"{count} {total}".encode()).hexdigest()


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, on every element (numpy's uint64 arithmetic wraps)."""
    x = x + _GOLDEN
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


def _text_hashes(column: pa.Array, seen: dict[str, int]) -> np.ndarray:
    """The first 64 bits of the MD5 of each text (``_NULL`` for none), computed once per
    distinct text."""
    encoded = pc.dictionary_encode(column)
    words = []
    for text in encoded.dictionary.to_pylist():
        if text not in seen:
            seen[text] = int.from_bytes(hashlib.md5(text.encode()).digest()[:8], "little")
        words.append(seen[text])
    table = np.array([*words, _NULL], dtype=np.uint64)
    return table[pc.fill_null(encoded.indices, len(words)).to_numpy()]
