"""Small stateless table helpers shared by the chart pages."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex.vars import Var


def simple_table(headers: list[str], rows: Var, cells: Callable[[Var], list[rx.Component | Var | str]], *,
                 id: str) -> rx.Component:  # fmt: skip
    """A table with the given headers; `cells(row)` gives one row's cells."""
    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(rx.foreach(rows, lambda row: rx.table.row(*[rx.table.cell(c) for c in cells(row)]))),
        width="100%",
        size="1",
        id=id,
    )


def private_page(authorized: Var, content: rx.Component) -> rx.Component:
    """Nothing private renders until the server has checked the session and loaded the data."""
    return rx.cond(authorized, content, rx.center(rx.spinner(size="3"), padding="4em"))
