"""Showing results in a notebook or an HTML report: figures, tables, lines of text.

Used by the report notebooks so that they stay thin. Everything is escaped:
text from a document never becomes markup in a report. IPython and matplotlib
are imported inside the functions.

Tables shown with a ``lang`` get their column labels from the message
catalogue (``col.<column>``; role columns from the vocabulary's role labels),
shares as percentages and every float to the same number of decimals
(:func:`format_table`).
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

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


def column_label(column: str, lang: str = "en") -> str:
    """The label of a column in ``lang``: a role's label, else the catalogue's ``col.<column>``.

    Raises
    ------
    KeyError
        The catalogue has no ``col.<column>``.

    Examples
    --------
    >>> column_label("task_id_a"), column_label("lead", "zh"), column_label("tasks", "zh")
    ('task (first list)', '牵头', '任务数')
    """
    from coopstats import messages, vocabulary

    roles = vocabulary.role_labels(lang)
    if column in roles and not messages.has(f"col.{column}"):
        return roles[column]
    return messages.t(f"col.{column}", lang)


def format_table(
    frame: pd.DataFrame,
    lang: str = "en",
    *,
    percent: Iterable[str] = (),
    decimals: int | Mapping[str, int] = 2,
    codes: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """A frame ready to read: labelled columns, shares as percentages, floats to fixed decimals.

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame to show.
    lang : {"en", "zh"}, default "en"
        Language of the column labels (:func:`column_label`).
    percent : iterable of str
        Columns holding shares on the 0–1 scale, shown as ``12.3%``.
    decimals : int or mapping, default 2
        Decimals of every other float column (or per column; 1 for percentages).
    codes : mapping, optional
        ``column → prefix``: values shown as the catalogue's ``<prefix>.<value>``
        (``{"status": "status"}``), unknown codes as they are.
    labels : mapping, optional
        Column labels given directly (already in ``lang``), before the catalogue.

    Returns
    -------
    pandas.DataFrame
        Text cells (missing values blank), columns relabelled.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"score": [0.12345, 1.0], "share_a": [0.25, 0.031], "tasks": [3, 4]})
    >>> format_table(f, percent=["share_a"]).values.tolist()
    [['0.12', '25.0%', '3'], ['1.00', '3.1%', '4']]
    >>> list(format_table(f, "zh", percent=["share_a"]).columns)
    ['相似度', '第一份文件中的占比', '任务数']
    """
    import pandas as pd

    from coopstats import messages

    shares = set(percent)
    out = {}
    for column in frame.columns:
        values = frame[column]
        places = (
            decimals.get(column, 1 if column in shares else 2)
            if isinstance(decimals, Mapping)
            else (1 if column in shares else decimals)
        )
        if codes and column in codes:
            cells = [
                "" if pd.isna(v) else messages.label(codes[column], v, lang) for v in values.astype(object)
            ]
        elif column in shares:
            cells = ["" if pd.isna(v) else f"{100 * float(v):.{places}f}%" for v in values]
        elif pd.api.types.is_float_dtype(values):
            cells = ["" if pd.isna(v) else f"{float(v):,.{places}f}" for v in values]
        else:
            cells = ["" if pd.isna(v) else str(v) for v in values.astype(object)]
        name = (labels or {}).get(column) or column_label(str(column), lang)
        out[name] = cells
    return pd.DataFrame(out, index=frame.index)


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
