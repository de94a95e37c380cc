"""One kaleido browser for the whole test session (starting Chromium costs seconds).

Import the fixture into a test module: ``from tests.kaleido_session import kaleido_browser``.
"""

from __future__ import annotations

import pytest

from dashboard import export

needs_chromium = pytest.mark.skipif(
    export.chromium() is None,
    reason="chart export needs Debian's chromium on the PATH (sudo apt-get install chromium)",
)


@pytest.fixture(scope="session")
def kaleido_browser():
    if export.chromium() is None:
        pytest.skip(
            "chart export needs Debian's chromium on the PATH (sudo apt-get install chromium)"
        )
    with export.browser():
        yield
