"""Keyboard-only helpers for the browser tests: move with keys, check the focus can be seen."""

from __future__ import annotations

from collections.abc import Callable

from tests.browser.conftest import ARTIFACTS as ARTIFACTS_DIR

# Where the focus is, in the words a test can match: the element's role, name and text.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  // A hidden control (a file input) shows its focus on the nearest box that can be seen.
  let box = e;
  while (box.parentElement && box.getBoundingClientRect().width < 1) box = box.parentElement;
  const r = box.getBoundingClientRect();
  return {
    tag: e.tagName.toLowerCase(), role: e.getAttribute('role') || '', type: e.type || '',
    name: (e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].innerText)
      || e.innerText || e.value || '').trim().slice(0, 120),
    testid: (e.closest('[data-testid]') || e).getAttribute('data-testid') || '',
    x: r.x, y: r.y, width: r.width, height: r.height,
  };
}"""
MARGIN = 6  # px around the element, where outlines and focus rings are drawn


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def _clip(box: dict, page) -> dict:
    view = page.viewport_size
    x, y = max(box["x"] - MARGIN, 0), max(box["y"] - MARGIN, 0)
    right = min(box["x"] + box["width"] + MARGIN, view["width"])
    bottom = min(box["y"] + box["height"] + MARGIN, view["height"])
    return {"x": x, "y": y, "width": max(right - x, 1), "height": max(bottom - y, 1)}


def assert_focus_visible(page) -> dict:
    """The focused element looks different from the same element unfocused (a screenshot of
    it and its surroundings, with and without focus); returns where the focus is."""
    where = focused(page)
    # A rerun (a tick, a left box) re-renders the focused box, and Streamlit puts the focus
    # back only once the new box is drawn, which can be after the script state says the run
    # has ended: give it up to 3 s. A focus truly lost stays on the body and still fails.
    for _ in range(30):
        if where:
            break
        page.wait_for_timeout(100)
        where = focused(page)
    assert where, "the focus is lost (on the page's body)"
    for _ in range(20):  # until a smooth scroll to it has ended and focus rings faded in
        page.wait_for_timeout(50)
        settled, where = where, focused(page)
        if where == settled:
            break
    with_focus = page.screenshot(clip=_clip(where, page), animations="disabled")
    page.evaluate("() => { window.__focused = document.activeElement; window.__focused.blur(); }")
    page.wait_for_timeout(60)
    without = page.screenshot(clip=_clip(where, page), animations="disabled")
    page.evaluate("() => window.__focused.focus({preventScroll: true})")
    if with_focus == without:
        (ARTIFACTS_DIR / "focus-not-seen-a.png").write_bytes(with_focus)
        (ARTIFACTS_DIR / "focus-not-seen-b.png").write_bytes(page.screenshot())
    assert with_focus != without, f"the focus cannot be seen on {where}"
    return where


def press(page, key: str) -> dict:
    page.keyboard.press(key)
    return assert_focus_visible(page)


def tab_to(page, wanted: Callable[[dict], bool], limit: int = 60, key: str = "Tab") -> dict:
    """Press Tab (or ``key``) until the focus is on what ``wanted`` accepts, checking at every
    stop that the focus can be seen."""
    seen = []
    for _ in range(limit):
        if seen and seen[-1].startswith("canvas"):
            page.keyboard.press("Escape")  # Tab moves between a data grid's cells until then
        where = press(page, key)
        if wanted(where):
            return where
        seen.append(f"{where['tag']} {where['role']} {where['name'][:40]!r}")
    raise AssertionError(f"never reached it by {key}; went through: " + " | ".join(seen))


def skip_to_main(page, key: str = "Tab") -> None:
    """Streamlit's first stop, "Skip to main content", past the navigation and sidebar
    (``key="Shift+Tab"`` to go back up to it from the navigation)."""
    tab_to(page, named("Skip to main content"), limit=15, key=key)
    page.keyboard.press("Enter")


def named(text: str) -> Callable[[dict], bool]:
    return lambda where: text in where["name"]
