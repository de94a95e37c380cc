"""Status colours stay apart for colour-blind readers, and labels drawn on them are legible.

Status is never shown by colour alone (every bar and cell also carries a word or an icon), but
the colours should still help everyone, so we simulate the three dichromacies with the
Machado, Oliveira and Fernandes (2009) matrices at full severity, applied in linear sRGB, and
measure the difference between every pair of status colours with CIEDE2000.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from dashboard import format as fmt

MACHADO_2009 = {
    "normal vision": np.eye(3),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}
# A CIEDE2000 difference of about 1 is just noticeable between large patches side by side;
# status colours sit on small, separated marks (bar segments, grid cells, tiles) and must be
# told apart at a glance, for which colour-difference guidance for charts asks for roughly 10
# or more. We require 12 to leave room for the simulation being an approximation.
MIN_DIFFERENCE = 12
# WCAG 2.2 AA for normal-size text (the labels inside bars and grid cells are 11-12 px).
MIN_TEXT_CONTRAST = 4.5

# Statuses drawn side by side, with the colour each is drawn in.
STATUS_SETS = {
    "commitments": {s: fmt.colour(s) for s in fmt.COMMITMENT_ORDER},
    "indicators": {s: fmt.colour(s) for s in fmt.INDICATOR_ORDER},
    "milestones": {s: fmt.colour(s) for s in fmt.MILESTONE_ORDER},
    "returns": {s: fmt.return_colour(s) for s in fmt.RETURN_ORDER},
}


def linear_rgb(colour: str) -> np.ndarray:
    channels = np.array([int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)])
    return np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)


def lab(linear: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of a linear sRGB triple."""
    to_xyz = np.array(
        [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
    )
    xyz = to_xyz @ linear / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def ciede2000(first: np.ndarray, second: np.ndarray) -> float:
    """Sharma, Wu and Dalal (2005) formulation, with kL = kC = kH = 1."""
    (l1, a1, b1), (l2, a2, b2) = first, second
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1)) % 360, np.degrees(np.arctan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_hue = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * c_mean
    s_h = 1 + 0.015 * c_mean * t
    r_t = (
        -2
        * np.sqrt(c_mean**7 / (c_mean**7 + 25**7))
        * np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2))))
    )
    terms = ((l2 - l1) / s_l, (c2 - c1) / s_c, d_hue / s_h)
    return float(np.sqrt(sum(x**2 for x in terms) + r_t * terms[1] * terms[2]))


def seen_as(colour: str, vision: str) -> np.ndarray:
    return lab(np.clip(MACHADO_2009[vision] @ linear_rgb(colour), 0, 1))


def test_ciede2000_matches_published_test_data():
    # Pairs 1 and 17 of Sharma, Wu and Dalal's (2005) table of test data.
    assert ciede2000(np.array([50, 2.6772, -79.7751]), np.array([50, 0, -82.7485])) == (
        pytest.approx(2.0425, abs=1e-4)
    )
    assert ciede2000(np.array([50, 2.5, 0]), np.array([73, 25, -18])) == (
        pytest.approx(27.1492, abs=1e-4)
    )


@pytest.mark.parametrize("vision", MACHADO_2009)
@pytest.mark.parametrize("shown_together", STATUS_SETS)
def test_status_colours_stay_apart(vision, shown_together):
    colours = STATUS_SETS[shown_together]
    for first, second in itertools.combinations(colours, 2):
        difference = ciede2000(seen_as(colours[first], vision), seen_as(colours[second], vision))
        assert difference >= MIN_DIFFERENCE, (
            f"{vision}: {first} and {second} differ by only {difference:.1f}"
        )


@pytest.mark.parametrize("fill", sorted({fmt.colour(s) for s in fmt.STATUS} | {fmt.NO_DATA}))
def test_labels_on_status_colours_meet_wcag_aa(fill):
    assert fmt.contrast(fmt.text_on(fill), fill) >= MIN_TEXT_CONTRAST


def test_contrast_ratio_matches_wcag():
    assert fmt.contrast("#ffffff", "#000000") == pytest.approx(21)
    assert fmt.contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
