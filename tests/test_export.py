"""Static chart export: PNG at 2× scale and SVG, titles and source lines kept, one browser."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import zipfile

import plotly.graph_objects as go
import pytest
from PIL import Image
from typer.testing import CliRunner

from dashboard import briefing, export
from dashboard import cli as dashboard_cli
from dashboard.charts import overview as charts
from tests.kaleido_session import kaleido_browser  # noqa: F401  (the fixture)

# The demo store held open while this module runs (tests/conftest.py: its reads skip
# reopening the file).
pytestmark = pytest.mark.usefixtures("demo_db_held_open")

AS_AT = dt.date(2022, 12, 31)


@pytest.fixture(scope="module")
def inputs(demo_db):
    return briefing.read(demo_db, AS_AT)


@pytest.fixture(scope="module")
def commitments_figure(inputs):
    return charts.commitments_by_theme(inputs.report.themes, AS_AT, inputs.source)


@pytest.mark.usefixtures("kaleido_browser")
def test_png_is_twice_the_css_size(commitments_figure):
    png = export.image(commitments_figure, "png")
    size = Image.open(io.BytesIO(png)).size
    assert size == (export.WIDTH * 2, commitments_figure.layout.height * 2)


@pytest.mark.usefixtures("kaleido_browser")
def test_svg_keeps_title_as_at_date_and_source_line(commitments_figure, inputs):
    svg = export.image(commitments_figure, "svg").decode()
    assert svg.startswith("<svg")
    assert export.title_of(commitments_figure) in svg
    assert "As at 31 December 2022" in svg
    assert "Source: Councils" in svg
    assert "DEMO DATA" in svg  # the demo database says its figures are invented
    received = inputs.coverage["received"]
    assert f"{received} of 32 councils reported for {inputs.coverage['period']}" in svg


def test_a_chart_without_source_line_is_refused():
    bare = go.Figure(go.Bar(x=[1], y=[2]), layout={"title": {"text": "A finding"}})
    with pytest.raises(export.ExportError, match="does not show the as-at date and source line"):
        export.images({"bare": bare}, ["svg"])


def test_unknown_format_is_a_plain_error(commitments_figure):
    with pytest.raises(export.ExportError, match="unknown image format 'gif'"):
        export.image(commitments_figure, "gif")


@pytest.mark.usefixtures("kaleido_browser")
def test_batch_writes_every_figure_in_every_format(commitments_figure, tmp_path):
    steps = []
    files = export.images(
        {"Commitments by theme": commitments_figure, "again": commitments_figure},
        progress=lambda done, total: steps.append((done, total)),
    )
    assert sorted(files) == [
        "again.png", "again.svg", "commitments-by-theme.png", "commitments-by-theme.svg",
    ]  # fmt: skip
    assert steps[-1] == (4, 4)
    archive = zipfile.ZipFile(io.BytesIO(export.zip_of(files)))
    assert sorted(archive.namelist()) == sorted(files)
    assert archive.read("again.svg") == files["again.svg"]


@pytest.mark.usefixtures("kaleido_browser")
def test_charts_command_exports_every_dashboard_chart(demo_db, inputs, tmp_path):
    out = tmp_path / "charts"
    result = CliRunner().invoke(
        dashboard_cli.app,
        ["--db", str(demo_db), "charts", "--as-at", "2022-12-31", "--out", str(out),
         "--format", "svg"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    expected = ["commitments-by-theme", "delivery-by-theme", "indicators-by-theme",
                "milestones", "returns-completeness"]  # fmt: skip
    expected += [
        export.file_stem(f"{i}-against-trajectory") for i in inputs.report.indicators["id"]
    ]
    assert names == sorted(f"{name}.svg" for name in expected)
    assert f"wrote {len(expected)} charts as at 2022-12-31" in result.output
    for path in out.iterdir():
        svg = path.read_text()
        assert "As at 31 December 2022" in svg, path.name


def _stem_tracker(*args, db):
    env = {**os.environ, "STEM_TRACKER_DB": str(db)}
    command = [sys.executable, "-c", "from dashboard.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def test_charts_command_errors_are_plain(tmp_path):
    result = _stem_tracker(
        "charts", "--as-at", "2022-12-31", "--out", str(tmp_path), "--format", "gif",
        db=tmp_path / "none.duckdb",
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == "error: --format must be png or svg, not gif"
    missing = _stem_tracker("charts", "--out", str(tmp_path), db=tmp_path / "none.duckdb")
    assert missing.returncode == 1
    assert "Traceback" not in missing.stderr
    assert "there is no database at" in missing.stderr
    assert "run `stem-tracker init` first" in missing.stderr


def test_without_chromium_export_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no browser on it
    with pytest.raises(export.ExportError, match="sudo apt-get install chromium"), export.browser():
        pass
