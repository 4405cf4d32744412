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


def test_small_multiples_give_each_measure_its_own_chart_and_scale() -> None:
    drawn = charts.small_multiples(
        "各学期",
        ["2025-秋", "2026-春"],
        [
            charts.Panel(name="填报", colour="#9a6200", values=[59, 118]),
            charts.Panel(name="免填", colour="#6cc08b", values=[100_278, 200_556]),
        ],
        scale_note="每张图各用自己的比例尺",
    )
    panels = drawn.split("<figure data-measure=")[1:]
    assert [p.split('"')[1] for p in panels] == ["填报", "免填"]
    filled, spared = (bar_widths(p) for p in panels)
    # Each measure's largest fills its own chart; within a chart the bars compare (half is half as long).
    assert filled[1] == pytest.approx(spared[1]) and filled[0] == pytest.approx(filled[1] / 2, rel=0.01)
    assert "0–118" in panels[0] and "0–200,556" in panels[1] and "每张图各用自己的比例尺" in drawn
    # A label is text, never markup.
    hostile = charts.small_multiples("x", ["<b>校</b>"], [charts.Panel(name="n", colour="#000", values=[1])])
    assert "<b>校</b>" not in hostile and "&lt;b&gt;" in hostile
