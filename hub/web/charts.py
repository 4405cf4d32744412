"""Bar charts drawn on the server as inline SVG: no chart library, no script, readable on a phone.

Bars run horizontally so a label never has to squeeze under a narrow column; the drawing scales
to its box (viewBox), so one chart serves a 375 px phone and a desktop alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH = 360
LABEL_HEIGHT = 16
BAR_HEIGHT = 14
BAR_GAP = 3
GROUP_GAP = 12
VALUE_ROOM = 46  # space right of the longest bar for its figure


@dataclass(frozen=True, kw_only=True)
class Series:
    name: str
    colour: str


@dataclass(frozen=True, kw_only=True)
class Group:
    label: str
    values: Sequence[float | None]  # one per series; None draws nothing (no figure known)
    mark: float | None = None  # a dashed line across the group, e.g. the goal of rule 2
    mark_label: str = ""


def _figure(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def grouped_bars(
    title: str,
    series: Sequence[Series],
    groups: Sequence[Group],
    *,
    scale_per_series: bool = False,
    scale_note: str = "",
) -> Markup:
    """One block per group (a term, a school): its label, then one bar per series with its figure.

    With `scale_per_series` each series' bars run against that series' own largest value, so 118 fields
    filled beside 200,556 spared stays a readable bar instead of a hairline; the figures stay exact and
    the legend says the scales differ (`scale_note`, in the reader's language). Marks need one shared scale and are refused then.
    """
    if scale_per_series and any(g.mark for g in groups):
        raise ValueError("a mark needs one scale for every series")
    values = [v for g in groups for v in g.values if v is not None] + [g.mark for g in groups if g.mark]
    shared_top = max(values, default=0) or 1
    tops = [
        (max((g.values[i] or 0 for g in groups), default=0) or 1) if scale_per_series else shared_top
        for i in range(len(series))
    ]
    top = shared_top
    span = WIDTH - VALUE_ROOM
    parts: list[str] = []
    y = 0
    for group in groups:
        parts.append(f'<text x="0" y="{y + 12}" font-weight="600">{escape(group.label)}</text>')
        y += LABEL_HEIGHT
        first_bar = y
        for s, value, series_top in zip(series, group.values, tops, strict=True):
            if value is not None:
                length = max(1.0, span * value / series_top) if value > 0 else 0.0
                parts.append(
                    f'<rect x="0" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" rx="2" fill="{s.colour}">'
                    f"<title>{escape(s.name)}: {_figure(value)}</title></rect>"
                )
                parts.append(f'<text x="{length + 4:.1f}" y="{y + BAR_HEIGHT - 3}">{_figure(value)}</text>')
            else:
                parts.append(f'<text x="2" y="{y + BAR_HEIGHT - 3}" class="muted-text">–</text>')
            y += BAR_HEIGHT + BAR_GAP
        if group.mark is not None and group.mark > 0:
            x = span * group.mark / top
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{first_bar - 2}" y2="{y - BAR_GAP + 2}" stroke="#b3261e" '
                f'stroke-width="1.5" stroke-dasharray="3 2"><title>{escape(group.mark_label)}</title></line>'
            )
        y += GROUP_GAP
    height = max(y - GROUP_GAP, 1)
    legend = "".join(f'<span><i style="background:{s.colour}"></i>{escape(s.name)}</span>' for s in series)
    if scale_per_series and scale_note:
        legend += f'<span class="muted">{escape(scale_note)}</span>'
    svg = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
        f'preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>{"".join(parts)}</svg>'
    )
    return Markup(f'<figure class="chart-box"><div class="legend">{legend}</div>{svg}</figure>')


def meter(value: float | None, reference: float | None, goal_share: float | None = None) -> Markup:
    """A small bar of `value` against `reference` (e.g. tasks sent against the baseline), with a tick at
    `goal_share` of the reference; empty when there is no reference."""
    if not reference:
        return Markup("")
    width, height = 100, 10
    top = max(reference, value or 0)
    filled = width * (value or 0) / top
    full = width * reference / top
    colour = "#1d7a46" if goal_share is None or (value or 0) <= reference * goal_share else "#9a6200"
    tick = ""
    if goal_share is not None:
        x = full * goal_share
        tick = f'<line x1="{x:.1f}" x2="{x:.1f}" y1="0" y2="{height}" stroke="#b3261e" stroke-width="1.5"/>'
    return Markup(
        f'<svg class="meter" width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true">'
        f'<rect x="0" y="0" width="{full:.1f}" height="{height}" fill="#e3e8ee"/>'
        f'<rect x="0" y="0" width="{filled:.1f}" height="{height}" fill="{colour}"/>{tick}</svg>'
    )


@dataclass(frozen=True, kw_only=True)
class Panel:
    """One measure of a small-multiples chart: a value per row, drawn against this measure's own largest."""

    name: str
    colour: str
    values: Sequence[float | None]  # one per row label; None draws a dash (no figure known)


PANEL_WIDTH = 240
PANEL_VALUE_ROOM = 58


def small_multiples(
    title: str, labels: Sequence[str], panels: Sequence[Panel], *, scale_note: str = ""
) -> Markup:
    """One small chart per measure, side by side, each on its own scale (from 0 to its largest value), the
    rows in the same order in every chart: 118 fields filled and 200,556 spared are never two bars of one
    axis, and within a measure the bars compare (a county twice another's is twice as long)."""
    figures: list[str] = []
    span = PANEL_WIDTH - PANEL_VALUE_ROOM
    for panel in panels:
        top = max((v for v in panel.values if v is not None), default=0) or 1
        parts: list[str] = []
        y = 0
        for label, value in zip(labels, panel.values, strict=True):
            parts.append(f'<text x="0" y="{y + 11}" class="row-label">{escape(label)}</text>')
            y += LABEL_HEIGHT - 2
            if value is None:
                parts.append(f'<text x="2" y="{y + BAR_HEIGHT - 3}" class="muted-text">–</text>')
            else:
                length = max(1.0, span * value / top) if value > 0 else 0.0
                parts.append(
                    f'<rect x="0" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" rx="2" fill="{panel.colour}">'
                    f"<title>{escape(label)} · {escape(panel.name)}: {_figure(value)}</title></rect>"
                )
                parts.append(f'<text x="{length + 4:.1f}" y="{y + BAR_HEIGHT - 3}">{_figure(value)}</text>')
            y += BAR_HEIGHT + BAR_GAP + 3
        height = max(y - BAR_GAP - 3, 1)
        svg = (
            f'<svg class="chart panel" viewBox="0 0 {PANEL_WIDTH} {height}" role="img" '
            f'aria-label="{escape(title)} · {escape(panel.name)}" preserveAspectRatio="xMinYMin meet">'
            f"{''.join(parts)}</svg>"
        )
        figures.append(
            f'<figure data-measure="{escape(panel.name)}"><figcaption><i style="background:{panel.colour}"></i>'
            f"{escape(panel.name)} <small>0–{_figure(top)}</small></figcaption>{svg}</figure>"
        )
    note = f'<p class="muted small-note">{escape(scale_note)}</p>' if scale_note else ""
    return Markup(
        f'<figure class="chart-box multiples-box" aria-label="{escape(title)}">{note}'
        f'<div class="multiples">{"".join(figures)}</div></figure>'
    )
