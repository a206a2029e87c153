"""Plotly charts: pure figure builders (lists in, a Figure out) and one component that draws a figure var.

The basic plotly bundle (`rx.plotly.basic`, ~1 MB of JS) covers the bars and lines used here."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import reflex as rx
from reflex.vars import Var

HEIGHT = 260


def _layout(fig: go.Figure, *, title: str, y_title: str, percent: bool = False) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 14}},
        height=HEIGHT,
        margin={"l": 50, "r": 20, "t": 40, "b": 40},
        showlegend=True,
        legend={"orientation": "h", "y": -0.2},
        template="plotly_white",
        yaxis={"title": y_title, "tickformat": ".0%" if percent else None, "rangemode": "tozero"},
    )
    return fig


def bars_with_line(
    *,
    x: Sequence[str],
    bars: Sequence[float],
    bar_name: str,
    title: str,
    y_title: str,
    line: float | Sequence[float | None] | None = None,
    line_name: str = "",
    percent: bool = False,
) -> go.Figure:
    """Bars per x, with a reference line: a constant (a floor, a cap) or a series (a trailing figure)."""
    fig = go.Figure(go.Bar(x=list(x), y=list(bars), name=bar_name, marker_color="#3e63dd"))
    if line is not None:
        ys = [line] * len(x) if isinstance(line, int | float) else list(line)
        dash = "dash" if isinstance(line, int | float) else "solid"
        fig.add_trace(go.Scatter(x=list(x), y=ys, name=line_name, mode="lines",
                                 line={"color": "#e5484d", "dash": dash}))  # fmt: skip
    return _layout(fig, title=title, y_title=y_title, percent=percent)


def lines(
    *,
    x: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    title: str,
    y_title: str,
    reference: float | None = None,
    reference_name: str = "",
    percent: bool = False,
) -> go.Figure:
    """One line per named series, with an optional constant reference line (a target)."""
    fig = go.Figure()
    for name, ys in series:
        fig.add_trace(go.Scatter(x=list(x), y=list(ys), name=name, mode="lines+markers"))
    if reference is not None and x:
        fig.add_trace(go.Scatter(x=list(x), y=[reference] * len(x), name=reference_name, mode="lines",
                                 line={"color": "#e5484d", "dash": "dash"}))  # fmt: skip
    return _layout(fig, title=title, y_title=y_title, percent=percent)


def chart(figure: Var, *, id: str) -> rx.Component:
    """Draw a Figure state var with the basic plotly bundle."""
    plot = rx.plotly.basic(data=figure, width="100%", height=f"{HEIGHT}px", config={"displayModeBar": False})
    return rx.box(plot, id=id, width="100%")


def empty_note(text: str, *, id: str) -> rx.Component:
    """The plain line a page shows where there is no data yet (never fake data)."""
    return rx.callout(text, icon="info", color_scheme="gray", size="1", id=id)
