"""`briefing --check` reads a pack without unpacking more than any pack holds (issue 25): a
1.5 MB file held 1.5 GB of JSON, which took 3.3 GB of memory to read."""

from __future__ import annotations

import io
import sys
import time
import zipfile

import pytest
from pptx import Presentation
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI

from dashboard.briefing.pptx import MAX_UNPACKED, RECORD_NAME, RECORD_TYPE
from dashboard.cli import main


def run(monkeypatch, capsys, *args) -> tuple[int, str, str]:
    """The stem-tracker command with every command (the briefing's too), in this process."""
    monkeypatch.setattr(sys, "argv", ["stem-tracker", *args])
    with pytest.raises(SystemExit) as done:
        main()
    out, err = capsys.readouterr()
    return done.value.code or 0, out, err


def deck_with_record(record: bytes) -> bytes:
    """A PowerPoint file whose figures-used record is ``record``, as a pack keeps it."""
    deck = Presentation()
    part = Part(PackURI(RECORD_NAME), "application/json", deck.part.package, record)
    deck.part.relate_to(part, RECORD_TYPE)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def with_part(pack: bytes, name: str, size: int) -> bytes:
    """``pack`` with one more part of ``size`` spaces (a zip squeezes them to almost nothing)."""
    out = io.BytesIO(pack)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as package:
        package.writestr(name, b" " * size)
    return out.getvalue()


def test_a_small_pack_that_unpacks_to_more_than_any_pack_is_refused_unread(
    empty_db, monkeypatch, capsys, tmp_path
):
    path = tmp_path / "bomb.pptx"
    path.write_bytes(with_part(deck_with_record(b"{}"), "ppt/media/big.bin", MAX_UNPACKED))
    assert path.stat().st_size < 1_000_000
    start = time.perf_counter()
    code, _, err = run(monkeypatch, capsys, "--db", str(empty_db), "briefing", "--check", str(path))
    assert time.perf_counter() - start < 2.0
    assert code == 1
    assert err.startswith(f"error: {path} unpacks to 100 MB, more than any briefing pack made by")


def test_a_record_of_figures_deeper_or_larger_than_any_packs_is_refused(
    empty_db, monkeypatch, capsys, tmp_path
):
    for record, said in [(b"[" * 200_000, "is not a briefing pack made by the tracker"),
                         (b'{"as_at": "' + b" " * 2_000_000 + b'"}',
                          "record of the figures it used unpacks to 2.0 MB")]:  # fmt: skip
        path = tmp_path / "odd.pptx"
        path.write_bytes(deck_with_record(record))
        code, _, err = run(monkeypatch, capsys, "--db", str(empty_db), "briefing", "--check",
                           str(path))  # fmt: skip
        assert code == 1 and said in err and "Traceback" not in err, err
