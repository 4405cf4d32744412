"""The server-drawn charts stay readable when figures differ by orders of magnitude."""

from __future__ import annotations

import re

import pytest

from hub.web import charts

SERIES = [charts.Series(name="填报", colour="#9a6200"), charts.Series(name="免填", colour="#6cc08b")]


def bar_widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect x="0" y="\d+" width="([\d.]+)"', svg)]


def test_118_fields_filled_beside_200556_spared_is_a_readable_bar_on_its_own_scale() -> None:
    groups = [
        charts.Group(label="2026-春", values=[118, 200_556]),
        charts.Group(label="2026-秋", values=[59, 100_278]),
    ]
    shared = bar_widths(charts.grouped_bars("字段", SERIES, groups))
    assert shared[0] < 1.0 + 1e-9  # on one scale, 118 is a one-unit hairline next to 200,556
    own = charts.grouped_bars("字段", SERIES, groups, scale_per_series=True, scale_note="各自比例尺")
    widths = bar_widths(own)
    assert widths[0] == pytest.approx(widths[1])  # each series' largest fills the span
    assert widths[2] == pytest.approx(widths[0] / 2, rel=0.01)  # and within a series, bars compare
    assert "118" in own and "200,556" in own and "各自比例尺" in own


def test_a_goal_line_needs_one_scale() -> None:
    marked = [charts.Group(label="x", values=[1, 2], mark=1.5)]
    with pytest.raises(ValueError):
        charts.grouped_bars("x", SERIES, marked, scale_per_series=True)
