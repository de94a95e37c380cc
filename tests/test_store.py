"""The DuckDB store: schema versions, forward migrations, idempotent init, busy waits."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import duckdb
import pytest

from etl import store
from etl.returns import contract
from tests.conftest import ROOT


def tables(path):
    with store.connect(path) as con:
        return {
            row[0]
            for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }


def test_init_creates_the_schema_and_loads_strategy_and_councils(tmp_path, strategy):
    path = tmp_path / "t.duckdb"
    result = store.init(path, strategy)
    assert result["migrations_applied"] == [v for v, _ in store.MIGRATIONS]
    assert result["strategy_loaded"] is True
    with store.connect(path) as con:
        assert store.schema_version(con) == store.SCHEMA_VERSION
        kinds = dict(con.execute("SELECT kind, count(*) FROM authorities GROUP BY kind").fetchall())
        assert kinds == {"council": 32, "national": 1}
        assert con.execute("SELECT count(*) FROM commitments").fetchone()[0] == len(
            strategy.commitments
        )
        assert con.execute("SELECT count(*) FROM milestones").fetchone()[0] == len(
            strategy.milestones
        )
        assert con.execute("SELECT count(*) FROM indicators").fetchone()[0] == len(
            strategy.indicators
        )
        assert con.execute("SELECT count(*) FROM superseded_codes").fetchone()[0] == 4


def test_init_twice_changes_nothing(tmp_path, strategy):
    path = tmp_path / "t.duckdb"
    store.init(path, strategy)
    with store.connect(path) as con:
        before = con.execute("SELECT * FROM schema_version").fetchall()
    again = store.init(path, strategy)
    assert again["migrations_applied"] == [] and again["strategy_loaded"] is False
    with store.connect(path) as con:
        assert con.execute("SELECT * FROM schema_version").fetchall() == before


def test_init_upgrades_an_older_database(tmp_path, strategy, monkeypatch):
    path = tmp_path / "old.duckdb"
    monkeypatch.setattr(store, "MIGRATIONS", store.MIGRATIONS[:1])
    with store.connect(path, create=True) as con:
        store.migrate(con)
        con.execute("INSERT INTO meta VALUES ('kept', 'yes')")
    monkeypatch.undo()
    result = store.init(path, strategy)
    assert result["migrations_applied"] == [v for v, _ in store.MIGRATIONS[1:]]
    with store.connect(path) as con:
        assert store.schema_version(con) == store.SCHEMA_VERSION
        assert store.get_meta(con, "kept") == "yes"


def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "t.duckdb"
    monkeypatch.setattr(
        store, "MIGRATIONS", [*store.MIGRATIONS, (999, "CREATE TABLE x (a INT); SELEC oops")]
    )
    with pytest.raises(duckdb.Error), store.connect(path, create=True) as con:
        store.migrate(con)
    with store.connect(path) as con:
        assert "x" not in {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
    assert "x" not in tables(path)


def test_require_schema_says_to_run_init(tmp_path):
    with (
        store.connect(tmp_path / "new.duckdb", create=True) as con,
        pytest.raises(store.StoreNotReady, match="stem-tracker init"),
    ):
        store.require_schema(con)


def test_connect_waits_for_another_process_then_gives_a_plain_error(tmp_path):
    path = tmp_path / "busy.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('held', flush=True); time.sleep(3)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        told = []
        with (
            pytest.raises(store.StoreBusy, match="in use by another program"),
            store.connect(path, timeout=0.5, on_busy=lambda: told.append(1)),
        ):
            pass
        assert told == [1]
        started = time.monotonic()
        with store.connect(path, timeout=20) as con:  # waits until the holder exits
            assert con.execute("SELECT 1").fetchone() == (1,)
        assert time.monotonic() - started > 0.2
    finally:
        holder.kill()
        holder.wait()


def test_cli_init_twice_then_demo_on_an_empty_path(tmp_path):
    path = tmp_path / "sub" / "fresh.duckdb"

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-c", "from etl.cli import main; main()", "--db", str(path), *args],
            capture_output=True, text=True, cwd=ROOT, timeout=120,
        )  # fmt: skip

    first, second, demo = cli("init"), cli("init"), cli("demo")
    assert first.returncode == 0 and "applied migration" in first.stdout
    assert (
        second.returncode == 0
        and "(up to date)" in second.stdout
        and "strategy unchanged" in second.stdout
    )
    assert demo.returncode == 0 and "demo data loaded" in demo.stdout, demo.stderr


def test_breakdowns_are_stored_as_the_contracts_values_and_read_as_text(tmp_path, strategy):
    path = tmp_path / "t.duckdb"
    store.init(path, strategy)
    with store.connect(path) as con:
        types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'figure_values'").fetchall())  # fmt: skip
        assert types["indicator_key"] == "INTEGER"
        assert types["sex"] == f"ENUM({', '.join(repr(v) for v in contract.SEX_VALUES)})"
        assert types["simd_quintile"] == (
            f"ENUM({', '.join(repr(v) for v in contract.SIMD_VALUES)})"
        )
        shown = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'current_figures'").fetchall())  # fmt: skip
        assert shown["sex"] == shown["simd_quintile"] == "VARCHAR"


def test_upgrading_keeps_every_figure_as_it_was(tmp_path, strategy, monkeypatch):
    path = tmp_path / "v2.duckdb"
    monkeypatch.setattr(store, "MIGRATIONS", store.MIGRATIONS[:2])
    with store.connect(path, create=True) as con:
        store.migrate(con)
        con.execute("INSERT INTO submissions VALUES (1, 'S12000005', '2024-Q1', 1, now(), 'me', "
                    "'x', 2, 'f.csv', 'new', true, NULL, NULL)")  # fmt: skip
        con.execute("INSERT INTO submissions VALUES (2, 'S12000005', '2023-Q4', 1, now(), 'me', "
                    "'y', 2, 'g.csv', 'new', false, NULL, NULL)")  # fmt: skip
        con.execute("INSERT INTO figures VALUES (1, 'C01-I1', 'female', '3', 12.5, 'note'), "
                    "(1, 'C01-I1', 'all', 'all', 40, NULL), (2, 'C02-I1', 'all', 'all', 7, NULL), "
                    "(2, 'GONE-I9', 'male', 'all', 3, 'an indicator no longer in the strategy')")  # fmt: skip
        before = con.execute("SELECT * FROM current_figures ORDER BY ALL").fetchall()
        every = con.execute("SELECT * FROM figures ORDER BY ALL").fetchall()
    monkeypatch.undo()
    store.init(path, strategy)
    with store.connect(path) as con:
        assert con.execute("SELECT * FROM current_figures ORDER BY ALL").fetchall() == before
        assert con.execute("SELECT * FROM figures ORDER BY ALL").fetchall() == every
        assert con.execute("SELECT count(*) FROM figures WHERE sex = 'female'").fetchone() == (1,)
        keys = con.execute("SELECT id, key FROM indicator_keys ORDER BY key").fetchall()
        # The figures' ids first (by id), then the rest of the strategy's, from init.
        assert keys[:3] == [("C01-I1", 0), ("C02-I1", 1), ("GONE-I9", 2)]
        assert {i.id for _, i in strategy.indicators} <= {held for held, _ in keys}


def test_an_indicator_keeps_its_key_for_good(tmp_path, strategy):
    path = tmp_path / "k.duckdb"
    store.init(path, strategy)
    ids = [i.id for _, i in strategy.indicators]
    with store.connect(path) as con:
        # init numbered the strategy's indicators in its order.
        assert store.indicator_keys(con, ids) == list(range(len(ids)))
        # Later calls keep those keys, whatever the order, and number new ids after them.
        n = len(ids)
        assert store.indicator_keys(con, ["NEW-I1", ids[1], "NEW-I1", ids[0]]) == [n, 1, n, 0]
        assert con.execute("SELECT count(*) FROM indicator_keys").fetchone() == (n + 1,)


def test_two_connections_handing_out_keys_at_once_both_get_theirs(tmp_path, strategy):
    """As two uploads in the dashboard's process might: each new id gets one key, none lost."""
    path = tmp_path / "race.duckdb"
    store.init(path, strategy)
    given: dict[str, int] = {}

    def register(name: str) -> None:
        with store.connect(path) as con:
            for n in range(25):
                ids = [f"{name}-{n}", f"SHARED-{n}"]
                given.update(zip(ids, store.indicator_keys(con, ids), strict=True))

    with store.connect(path):  # one database instance for both threads, as in one process
        threads = [threading.Thread(target=register, args=(name,)) for name in ("A", "B")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    with store.connect(path) as con:
        held = dict(con.execute("SELECT id, key FROM indicator_keys").fetchall())
    assert len(given) == 75  # 25 of A's, 25 of B's, 25 shared
    assert all(held[i] == key for i, key in given.items())
    assert len(set(held.values())) == len(held)
