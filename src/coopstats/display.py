"""Showing results in a notebook or an HTML report: figures, tables, lines of text.

Used by the report notebooks so that they stay thin. Everything is escaped:
text from a document never becomes markup in a report. IPython and matplotlib
are imported inside the functions.
"""

from __future__ import annotations

import base64
import html
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["figure_html", "say", "show", "table", "table_html"]


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
    title = alt or next((t for ax in fig.axes for t in (ax.get_title("left"), ax.get_title()) if t), "chart")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(title)}" style="max-width: 100%">'


def table_html(frame: pd.DataFrame) -> str:
    """A frame as an HTML table without its index, cells escaped, missing values blank.

    Examples
    --------
    >>> import pandas as pd
    >>> html_table = table_html(pd.DataFrame({"name": ["<script>"], "tasks": [None]}))
    >>> "<td>&lt;script&gt;</td>" in html_table, "<th></th>" in html_table
    (True, False)
    """
    shown = frame.astype(object).where(frame.notna(), "")
    return shown.to_html(index=False, escape=True, border=0)


def show(fig: Figure, alt: str | None = None) -> None:
    """Display a figure as an embedded PNG (see :func:`figure_html`)."""
    from IPython.display import HTML, display

    display(HTML(figure_html(fig, alt)))


def table(frame: pd.DataFrame) -> None:
    """Display a frame without its index (see :func:`table_html`)."""
    from IPython.display import HTML, display

    display(HTML(table_html(frame)))


def say(text: object, tag: str = "p") -> None:
    """Display a line of text in an HTML element (escaped)."""
    from IPython.display import HTML, display

    display(HTML(f"<{tag}>{html.escape(str(text))}</{tag}>"))
