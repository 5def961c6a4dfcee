"""Showing results in a notebook or an HTML report: figures, tables, lines of text.

Used by the report notebooks so that they stay thin. Everything is escaped:
text from a document never becomes markup in a report. IPython and matplotlib
are imported inside the functions.

Tables shown with a ``lang`` get their column labels from the message
catalogue (``col.<column>``; role columns from the vocabulary's role labels),
shares as percentages and every float to the same number of decimals
(:func:`format_table`, which lives in :mod:`coopstats.messages` so that result
objects of the analysis stage can use it too).
"""

from __future__ import annotations

import base64
import html
import io
from typing import TYPE_CHECKING

from coopstats.messages import column_label, format_table, table_html

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "column_label",
    "figure_html",
    "format_table",
    "heading",
    "say",
    "show",
    "table",
    "table_html",
]


def figure_html(fig: Figure, alt: str | None = None) -> str:
    """An ``<img>`` with the figure embedded as PNG; its alternative text is ``alt`` or the chart's title.

    The figure is closed afterwards.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("Tasks per agency")
    >>> figure_html(fig)[:43]
    '<img src="data:image/png;base64,iVBORw0KGgo'
    >>> 'alt="Tasks per agency"' in figure_html(plt.subplots()[0], alt="Tasks per agency")
    True
    """
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96)
    plt.close(fig)
    suptitle = fig._suptitle.get_text() if fig._suptitle is not None else ""
    axes_titles = (t for ax in fig.axes for t in (ax.get_title("left"), ax.get_title()) if t)
    title = alt or suptitle or next(axes_titles, "chart")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(title)}" style="max-width: 100%">'


def heading(text: object, level: int = 2) -> None:
    """Display a heading (``<h1>``…``<h4>``), escaped."""
    say(text, f"h{level}")


def show(fig: Figure, alt: str | None = None) -> None:
    """Display a figure as an embedded PNG (see :func:`figure_html`)."""
    from IPython.display import HTML, display

    display(HTML(figure_html(fig, alt)))


def table(frame: pd.DataFrame, lang: str | None = None, **options: object) -> None:
    """Display a frame without its index; with ``lang``, labelled and formatted (see :func:`format_table`)."""
    from IPython.display import HTML, display

    shown = frame if lang is None else format_table(frame, lang, **options)  # type: ignore[arg-type]
    display(HTML(table_html(shown)))


def say(text: object, tag: str = "p") -> None:
    """Display a line of text in an HTML element (escaped)."""
    from IPython.display import HTML, display

    display(HTML(f"<{tag}>{html.escape(str(text))}</{tag}>"))
