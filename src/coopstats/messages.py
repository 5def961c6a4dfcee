"""The reports' message catalogue: every heading, sentence, chart label and column label, in each language.

One row per key of ``data/reference/messages.csv``: ``key`` then one column
per report language of the vocabulary (:func:`coopstats.vocabulary.languages`),
every cell filled (a missing translation is a
:class:`~coopstats.errors.ReferenceDataError` naming the row). Notebooks,
charts and tables call :func:`t` with a key and a language; no string of one
language only lives in code.

Keys are dotted: ``<report or area>.<name>``; column labels are
``col.<column>``, values of a coded column ``<column>.<code>`` (``status.new``),
indicator names ``indicator.<code>``. Texts are :meth:`str.format` templates:
``t("workload.top_chart_title", "en", n=15)``.

The table is read with :mod:`csv` on first use (no pandas) and cached.

Examples
--------
>>> t("chart.share_of_tasks", "en")
'share of tasks (percent)'
>>> t("chart.share_of_tasks", "zh")
'任务占比（%）'
"""

from __future__ import annotations

import csv
import string
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from coopstats._resources import data_dir
from coopstats.errors import ReferenceDataError
from coopstats.vocabulary import languages

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["catalogue", "column_label", "format_table", "has", "keys", "label", "t", "table_html"]

TABLE = "messages.csv"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message: key → {language → text}, checked complete in every language.

    Returns
    -------
    dict
        ``{key: {"en": ..., "zh": ...}}``.

    Raises
    ------
    coopstats.errors.ReferenceDataError
        A bad header, a duplicate key or an empty translation.

    Examples
    --------
    >>> sorted(catalogue()["report.agency_workload.title"])
    ['en', 'zh']
    """
    wanted = ("key", *languages())
    path = data_dir() / "reference" / TABLE
    out: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != wanted:
            raise ReferenceDataError(TABLE, 1, "the header " + ",".join(wanted))
        for line, row in enumerate(reader, start=2):
            key = (row.get("key") or "").strip()
            if not key or key.startswith("#"):
                continue
            if key in out:
                raise ReferenceDataError(TABLE, line, f"a key not given before ({key!r} is repeated)")
            texts = {lang: (row.get(lang) or "") for lang in languages()}
            empty = [lang for lang, text in texts.items() if not text.strip()]
            if empty:
                raise ReferenceDataError(TABLE, line, f"a text in every language ({key!r} lacks {empty})")
            out[key] = {lang: text.replace("\\n", "\n") for lang, text in texts.items()}
    return out


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def keys() -> tuple[str, ...]:
    """Every key of the catalogue, in table order.

    Examples
    --------
    >>> "chart.share_of_tasks" in keys()
    True
    """
    return tuple(catalogue())


def has(key: str) -> bool:
    """Whether the catalogue has ``key``.

    Examples
    --------
    >>> has("col.tasks"), has("col.no-such-column")
    (True, False)
    """
    return key in catalogue()


def t(key: str, lang: str = "en", /, **fields: Any) -> str:
    """The text of ``key`` in ``lang``, with ``fields`` filled in.

    Parameters
    ----------
    key : str
        A key of the catalogue.
    lang : str, default "en"
        One of :func:`coopstats.vocabulary.languages`.
    **fields
        Values for the template's ``{fields}``.

    Returns
    -------
    str

    Raises
    ------
    KeyError
        An unknown key (the message says which) or language.

    Examples
    --------
    >>> t("workload.top_chart_title", "en", n=15)
    'Top 15 agencies by distinct tasks'
    >>> t("workload.top_chart_title", "zh", n=15)
    '涉及任务最多的15个机构'
    """
    try:
        texts = catalogue()[key]
    except KeyError:
        raise KeyError(f"no message {key!r} in {TABLE}") from None
    if lang not in texts:
        raise KeyError(f"lang must be one of {', '.join(languages())}, got {lang!r}")
    text = texts[lang]
    return text.format(**fields) if fields or _fields(text) else text


def label(prefix: str, code: object, lang: str = "en", default: str | None = None) -> str:
    """The label of a coded value, ``t(f"{prefix}.{code}")``, or ``default`` (else the code) when absent.

    Examples
    --------
    >>> label("status", "new", "zh"), label("status", "other", "zh")
    ('新增', 'other')
    """
    key = f"{prefix}.{code}"
    if has(key):
        return t(key, lang)
    return str(code) if default is None else default


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
    from coopstats import vocabulary

    roles = vocabulary.role_labels(lang)
    if column in roles and not has(f"col.{column}"):
        return roles[column]
    return t(f"col.{column}", lang)


def format_table(
    frame: pd.DataFrame,
    lang: str = "en",
    *,
    percent: Iterable[str] = (),
    decimals: int | Mapping[str, int] = 2,
    codes: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """A frame ready to read: labelled columns, shares as percentages, floats to fixed decimals, yes/no.

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
    >>> format_table(pd.DataFrame({"conflict": pd.array([True, False, None])}), "zh").values.ravel().tolist()
    ['是', '否', '']
    >>> list(format_table(pd.DataFrame({"tasks": [3], "n": [3]}), "en").columns)
    ['tasks', 'tasks (n)']
    """
    import pandas as pd

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
            cells = ["" if pd.isna(v) else label(codes[column], v, lang) for v in values.astype(object)]
        elif column in shares:
            cells = ["" if pd.isna(v) else f"{100 * float(v):.{places}f}%" for v in values]
        elif pd.api.types.is_bool_dtype(values):
            words = {True: t("word.true", lang), False: t("word.false", lang)}
            cells = ["" if pd.isna(v) else words[bool(v)] for v in values.astype(object)]
        elif pd.api.types.is_float_dtype(values):
            cells = ["" if pd.isna(v) else f"{float(v):,.{places}f}" for v in values]
        else:
            cells = ["" if pd.isna(v) else str(v) for v in values.astype(object)]
        name = (labels or {}).get(column) or column_label(str(column), lang)
        if name in out:  # two columns of one label (synonyms in the catalogue): both kept, told apart
            name = f"{name} ({column})"
        out[name] = cells
    return pd.DataFrame(out, index=frame.index)
