"""Charts of agency workload, co-assignment and trade indicators (seaborn/matplotlib).

Labels are English by default, taken from the agency registry (``name_en``); an
agency without an English name is labelled by its ``agency_id``, never left
blank. ``lang="zh"`` labels agencies by their Chinese names when a CJK font is
installed (e.g. Debian's ``fonts-noto-cjk``; the font file is registered with
matplotlib even when matplotlib's font cache predates it); without one, a
warning is issued once and the labels fall back to English, so a chart never
shows empty boxes.

matplotlib and seaborn are imported inside the functions, so ``import
coopstats`` does not load them.
"""

from __future__ import annotations

import functools
import textwrap
import warnings
from typing import TYPE_CHECKING, Any

import pandas as pd

from coopstats import vocabulary
from coopstats.errors import CoopstatsWarning

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "agency_labels",
    "amounts_chart",
    "cjk_font",
    "coassignment_heatmap",
    "coassignment_matrix",
    "concentration_chart",
    "font_kwargs",
    "panel_chart",
    "project_timeline_chart",
    "resolve_lang",
    "role_split",
    "shares_chart",
    "theme_intervals_chart",
    "theme_shares_chart",
    "workload_chart",
]


# File names of CJK fonts, best first: sans before serif, regular before bold.
_CJK_FONT_FILE_HINTS = (
    "NotoSansCJK-Regular",
    "NotoSansCJKsc-Regular",
    "NotoSansSC-Regular",
    "SourceHanSans",
    "NotoSansCJK",
    "wqy-microhei",
    "wqy-zenhei",
    "DroidSansFallback",
    "NotoSerifCJK-Regular",
    "NotoSerifCJK",
)
_LABEL_WIDTH = 38  # characters per line of a wrapped English agency name

_warned_no_cjk = False


@functools.cache
def cjk_font() -> str | None:
    """The family name of an installed CJK font, registered with matplotlib; ``None`` if none.

    Fonts matplotlib already knows are used first; otherwise the system's font
    files are searched and the best match is added to matplotlib's font manager
    (its cache may have been built before the font was installed).

    Examples
    --------
    >>> name = cjk_font()
    >>> name is None or isinstance(name, str)
    True
    """
    from matplotlib import font_manager

    for entry in font_manager.fontManager.ttflist:
        if "CJK" in entry.name and "Sans" in entry.name:
            return str(entry.name)
    files = font_manager.findSystemFonts()
    for hint in _CJK_FONT_FILE_HINTS:
        for path in sorted(files):
            if hint.lower() in path.lower():
                try:
                    font_manager.fontManager.addfont(path)
                    return str(font_manager.FontProperties(fname=path).get_name())
                except (OSError, RuntimeError, ValueError):  # an unreadable font file: try the next
                    continue
    return None


def resolve_lang(lang: str) -> str:
    """The label language a chart can actually draw: ``"zh"`` needs a CJK font.

    Parameters
    ----------
    lang : {"en", "zh"}
        Requested language.

    Returns
    -------
    str
        ``lang``, or ``"en"`` when ``"zh"`` was asked for and no CJK font is
        installed (a :class:`~coopstats.errors.CoopstatsWarning` is issued once).

    Examples
    --------
    >>> resolve_lang("en")
    'en'
    """
    global _warned_no_cjk
    if lang not in vocabulary.languages():
        raise ValueError(f"lang must be one of {', '.join(vocabulary.languages())}, got {lang!r}")
    if lang == "zh" and cjk_font() is None:
        if not _warned_no_cjk:
            warnings.warn(
                "no CJK font is installed (e.g. Debian's fonts-noto-cjk): charts use English labels",
                CoopstatsWarning,
                stacklevel=2,
            )
            _warned_no_cjk = True
        return "en"
    return lang


def font_kwargs(lang: str) -> dict[str, Any]:
    """Text properties for labels in ``lang`` (a CJK family with a Latin fallback for ``zh``).

    Pass ``lang`` through :func:`resolve_lang` first.

    Examples
    --------
    >>> font_kwargs("en")
    {}
    """
    if lang == "zh":
        return {"fontfamily": [cjk_font(), "DejaVu Sans"]}
    return {}


def _missing(value: object) -> bool:
    return value is None or bool(pd.isna(value)) or not str(value).strip()  # type: ignore[arg-type]


def agency_labels(frame: pd.DataFrame, lang: str = "en", *, width: int = _LABEL_WIDTH) -> list[str]:
    """Display labels of agencies: English registry names, Chinese names, or the ``agency_id``.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``agency_id, name, name_en`` (a workload or registry frame).
    lang : {"en", "zh"}, default "en"
        ``"en"``: ``name_en`` wrapped to ``width`` characters a line;
        ``"zh"``: ``name``. Either falls back to ``agency_id`` (then to
        ``name``) when empty.
    width : int, default 38
        Characters per line of a wrapped English name.

    Returns
    -------
    list of str
        One non-empty label per row.

    Examples
    --------
    >>> f = pd.DataFrame({"agency_id": ["gd-drc", "x-1"], "name": ["省发展改革委", "某局"],
    ...                   "name_en": ["Development and Reform Commission", None]})
    >>> agency_labels(f)
    ['Development and Reform Commission', 'x-1']
    >>> agency_labels(f, "zh")
    ['省发展改革委', '某局']
    """
    labels = []
    for row in frame.itertuples(index=False):
        primary = getattr(row, "name_en", None) if lang == "en" else getattr(row, "name", None)
        label = None
        for candidate in (primary, getattr(row, "agency_id", None), getattr(row, "name", None)):
            if not _missing(candidate):
                label = str(candidate).strip()
                break
        label = label or "(unnamed agency)"
        if lang == "en":
            label = "\n".join(textwrap.wrap(label, width)) or label
        labels.append(label)
    return labels


def _agency_key(frame: pd.DataFrame) -> pd.Series:
    """An agency's id, or ``?name`` for a name the registry lacks."""
    return frame["agency_id"].astype("string").fillna("?" + frame["name"].astype("string"))


def role_split(
    assignments: pd.DataFrame, *, fold_successors: bool = False, include_groups: bool = False
) -> pd.DataFrame:
    """Each agency's distinct tasks split by its highest role in the task, so the roles add up.

    ``cs.workload`` counts, per role, the tasks in which an agency had that
    role at least once, so its role columns can add up to more than ``tasks``
    (an agency that leads one paragraph of a task and co-operates in another).
    Here each task counts once, under the agency's highest role in it (lead >
    co > responsible > listed), after successors are folded when asked: the
    role columns add up to ``tasks``.

    Parameters
    ----------
    assignments : pandas.DataFrame
        ``doc_id, task_id, name, agency_id, role`` (``cs.assignments()``).
    fold_successors, include_groups : bool, default False
        As in :func:`coopstats.workload`.

    Returns
    -------
    pandas.DataFrame
        The columns and order of :func:`coopstats.workload`, role columns
        exclusive.

    Examples
    --------
    >>> a = pd.DataFrame({"doc_id": "d", "task_id": ["t1", "t1", "t2"], "name": "省商务厅",
    ...                   "agency_id": "gd-commerce", "role": ["co", "lead", "co"]})
    >>> role_split(a)[["agency_id", "tasks", "lead", "co"]].values.tolist()
    [['gd-commerce', 2, 1, 1]]
    """
    from coopstats.analysis import workload

    options = {"fold_successors": fold_successors, "include_groups": include_groups}
    total = workload(assignments=assignments, **options)
    key = _agency_key(total)
    split = total.copy()
    reached = pd.Series(0, index=total.index, dtype="int64")
    roles = vocabulary.roles()
    for depth, role in enumerate(roles, start=1):
        subset = assignments[assignments["role"].astype("string").isin(roles[:depth])]
        counted = workload(assignments=subset, **options) if len(subset) else total.iloc[:0]
        cumulative = key.map(dict(zip(_agency_key(counted), counted["tasks"], strict=True)))
        cumulative = cumulative.fillna(0).astype("int64")
        split[role] = (cumulative - reached).to_numpy()
        reached = cumulative
    return split


def workload_chart(
    workload: pd.DataFrame, *, top_n: int = 15, lang: str = "en", title: str | None = None
) -> Figure:
    """Horizontal bars of distinct tasks per agency, split by role.

    Parameters
    ----------
    workload : pandas.DataFrame
        ``agency_id, name, name_en, tasks, lead, co, responsible, listed``
        (:func:`role_split`, whose role columns add up to ``tasks``; a
        ``cs.workload()`` frame draws its overlapping role counts as they are).
    top_n : int, default 15
        Agencies shown (the first rows).
    lang : {"en", "zh"}, default "en"
        Label language.
    title : str, optional
        Chart title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> w = pd.DataFrame({"agency_id": ["gd-a", "gd-b"], "name": ["甲厅", "乙厅"],
    ...                   "name_en": ["Department A", None], "tasks": [3, 1],
    ...                   "lead": [1, 0], "co": [2, 0], "responsible": [0, 0], "listed": [0, 1]})
    >>> fig = workload_chart(w)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]  # top agency at the top
    ['gd-b', 'Department A']
    """
    import matplotlib.pyplot as plt

    lang = resolve_lang(lang)
    shown = workload.head(top_n).iloc[::-1]
    labels = agency_labels(shown, lang)
    lines = sum(label.count("\n") + 1 for label in labels)
    fig, ax = plt.subplots(figsize=(10, max(2.5, 0.32 * lines + 1.4)), layout="constrained")
    left = pd.Series(0.0, index=shown.index)
    role_names = vocabulary.role_labels(lang)
    colours = vocabulary.role_colours()
    for role in vocabulary.roles():
        if role not in shown or not shown[role].astype(float).any():
            continue
        values = shown[role].astype(float)
        ax.barh(range(len(shown)), values, left=left, color=colours[role], label=role_names[role])
        left += values
    for y, total in enumerate(shown["tasks"].astype(int)):
        ax.text(total + 0.2, y, str(total), va="center", fontsize=9)
    ax.set_yticks(range(len(shown)), labels, fontsize=9, **font_kwargs(lang))
    ax.set_xlabel(
        "distinct tasks naming the agency" if lang == "en" else "涉及的任务数（项）", **font_kwargs(lang)
    )
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlim(0, float(shown["tasks"].max() if len(shown) else 1) * 1.08 + 1)
    ax.spines[["top", "right"]].set_visible(False)
    legend = ax.legend(loc="lower right", frameon=False, title="role" if lang == "en" else "角色")
    for text in legend.get_texts():
        text.set(**font_kwargs(lang))
    legend.get_title().set(**font_kwargs(lang))
    if title:
        ax.set_title(title, loc="left", **font_kwargs(lang))
    return fig


def coassignment_matrix(assignments: pd.DataFrame, agency_ids: list[str]) -> pd.DataFrame:
    """Distinct tasks shared by each pair of agencies (pure).

    Parameters
    ----------
    assignments : pandas.DataFrame
        ``doc_id, task_id, agency_id`` at least.
    agency_ids : list of str
        Agencies to compare, in the order wanted.

    Returns
    -------
    pandas.DataFrame
        Square, indexed and labelled by ``agency_ids``; the diagonal holds each
        agency's own number of tasks.

    Examples
    --------
    >>> a = pd.DataFrame({"doc_id": "d", "task_id": ["t1", "t1", "t2", "t2"],
    ...                   "agency_id": ["x", "y", "x", "z"]})
    >>> coassignment_matrix(a, ["x", "y", "z"]).loc["x"].tolist()
    [2, 1, 1]
    """
    pairs = assignments.loc[assignments["agency_id"].isin(agency_ids), ["doc_id", "task_id", "agency_id"]]
    pairs = pairs.astype({"agency_id": "object"}).drop_duplicates()
    indicator = pd.crosstab([pairs["doc_id"], pairs["task_id"]], pairs["agency_id"]).clip(upper=1)
    indicator = indicator.reindex(columns=agency_ids, fill_value=0)
    matrix = indicator.T @ indicator
    matrix.index.name = matrix.columns.name = "agency_id"
    return matrix.astype(int)


def coassignment_heatmap(
    matrix: pd.DataFrame, labels: list[str], *, lang: str = "en", title: str | None = None
) -> Figure:
    """Heatmap of tasks shared by pairs of agencies (from :func:`coassignment_matrix`).

    Parameters
    ----------
    matrix : pandas.DataFrame
        Square frame of shared task counts.
    labels : list of str
        One label per row/column (:func:`agency_labels`; short ones read best).
        The diagonal (each agency's own tasks) is left blank.
    lang : {"en", "zh"}, default "en"
        Label language (for the font).
    title : str, optional
        Chart title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> m = pd.DataFrame([[2, 1], [1, 1]], index=["a", "b"], columns=["a", "b"])
    >>> fig = coassignment_heatmap(m, ["Agency A", "Agency B"])
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['Agency A  1', 'Agency B  2']
    """
    import matplotlib.pyplot as plt
    import numpy as np
    import seaborn as sns

    lang = resolve_lang(lang)
    n = len(matrix)
    size = max(5.0, 0.45 * n + 3.5)
    fig, ax = plt.subplots(figsize=(size + 1.5, size), layout="constrained")
    sns.heatmap(
        matrix,
        mask=np.eye(n, dtype=bool),  # the diagonal (own tasks) would swamp the colour scale
        annot=np.where(matrix.to_numpy() > 0, matrix.astype(str).to_numpy(), "") if n <= 20 else False,
        fmt="",
        cmap="Blues",
        square=True,
        linewidths=0.5,
        cbar_kws={"shrink": 0.6},
        ax=ax,
        annot_kws={"fontsize": 8},
    )
    # rows carry the names, numbered; columns only the numbers, so long names never overlap
    numbered = [f"{label}  {i}" for i, label in enumerate(labels, start=1)]
    ax.set_xticks([i + 0.5 for i in range(n)], [str(i) for i in range(1, n + 1)], rotation=0, fontsize=8)
    ax.set_yticks([i + 0.5 for i in range(n)], numbered, rotation=0, fontsize=8, **font_kwargs(lang))
    ax.set_xlabel("")
    ax.set_ylabel("")
    fig.axes[-1].set_ylabel("shared tasks" if lang == "en" else "共同任务数（项）", **font_kwargs(lang))
    if title:
        ax.set_title(title, loc="left", **font_kwargs(lang))
    return fig


def _scale(values: pd.Series) -> tuple[float, str]:
    """The largest factor that leaves the typical (median) value at 10 or more: billions for trade flows."""
    typical = float(values.abs().median()) if len(values) else 0.0
    for factor, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if typical >= 10 * factor:
            return factor, word
    return 1.0, ""


def _indicator_labels(rows: pd.DataFrame, wrap: int) -> list[str]:
    labels = []
    for label, period in zip(rows["label_en"], rows["period"], strict=True):
        text = str(label) if _missing(period) else f"{label} ({period})"
        labels.append("\n".join(textwrap.wrap(text, wrap)))
    return labels


def amounts_chart(indicators: pd.DataFrame, *, title: str | None = None, wrap: int = 46) -> Figure:
    """Horizontal bars of money amounts (one bar per indicator row), labelled with period and unit.

    Parameters
    ----------
    indicators : pandas.DataFrame
        ``label_en, period, value, unit`` rows of one currency (``cs.indicators()``
        or ``cs.derived_indicators()``, optionally ``cs.convert``-ed); ``low`` and
        ``high`` are drawn as error bars when present, and rows with a
        ``formula`` (derived figures) in a lighter colour.
    title : str, optional
        Chart title.
    wrap : int, default 46
        Characters per line of a label.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> f = pd.DataFrame({"label_en": ["Trade", "Exports"], "period": ["2010", "2010"],
    ...                   "value": [1.2334e12, 1.187e12], "unit": ["HKD", "HKD"]})
    >>> amounts_chart(f).axes[0].get_xlabel()
    'billion HKD'
    """
    import matplotlib.pyplot as plt
    import numpy as np

    units = sorted(indicators["unit"].dropna().astype(str).unique())
    if len(units) > 1:
        raise ValueError(f"amounts_chart draws one unit at a time, got {', '.join(units)}")
    unit = units[0] if units else ""
    rows = indicators.iloc[::-1]
    factor, word = _scale(rows["value"].astype(float))
    labels = _indicator_labels(rows, wrap)
    lines = sum(label.count("\n") + 1 for label in labels)
    fig, ax = plt.subplots(figsize=(10, max(2.5, 0.3 * lines + 1.5)), layout="constrained")
    values = rows["value"].astype(float) / factor
    error = None
    if {"low", "high"} <= set(rows.columns):
        low = rows["low"].astype(float) / factor
        high = rows["high"].astype(float) / factor
        error = [(values - low).clip(lower=0).fillna(0), (high - values).clip(lower=0).fillna(0)]
    derived = rows["formula"].notna().to_numpy() if "formula" in rows else np.zeros(len(rows), dtype=bool)
    colours = np.where(derived, "#9fc5e8", "#1f5f99")
    ax.barh(range(len(rows)), values, xerr=error, color=colours, capsize=3)
    beyond = error[1].to_numpy() if error is not None else np.zeros(len(rows))
    for y, (value, extra) in enumerate(zip(values, beyond, strict=True)):
        ax.text(value + extra, y, f" {value:,.1f}", va="center", fontsize=8)
    if derived.any():
        from matplotlib.patches import Patch

        ax.legend(
            handles=[Patch(color="#1f5f99", label="published"), Patch(color="#9fc5e8", label="derived")],
            loc="lower right",
            frameon=False,
        )
    ax.set_yticks(range(len(rows)), labels, fontsize=9)
    ax.set_xlabel(f"{word} {unit}".strip())
    ax.set_xlim(0, float(values.max()) * 1.18 if len(values) else 1)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, loc="left")
    return fig


def shares_chart(indicators: pd.DataFrame, *, title: str | None = None, wrap: int = 46) -> Figure:
    """Horizontal bars of shares in percent (one bar per indicator row), on a 0–100 axis.

    Parameters
    ----------
    indicators : pandas.DataFrame
        ``label_en, period, value`` rows whose ``unit`` is ``percent``.
    title : str, optional
        Chart title.
    wrap : int, default 46
        Characters per line of a label.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> f = pd.DataFrame({"label_en": ["Share of trade"], "period": [None], "value": [20.2]})
    >>> shares_chart(f).axes[0].get_yticklabels()[0].get_text()
    'Share of trade'
    """
    import matplotlib.pyplot as plt

    rows = indicators.iloc[::-1]
    labels = _indicator_labels(rows, wrap)
    lines = sum(label.count("\n") + 1 for label in labels)
    fig, ax = plt.subplots(figsize=(10, max(2.5, 0.3 * lines + 1.5)), layout="constrained")
    values = rows["value"].astype(float)
    ax.barh(range(len(rows)), values, color="#6fa8dc")
    for y, value in enumerate(values):
        ax.text(value, y, f" {value:.1f}%", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), labels, fontsize=9)
    ax.set_xlim(0, 100)
    ax.set_xlabel("percent")
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, loc="left")
    return fig


def theme_shares_chart(tasks: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Bars of the share of tasks by theme (rows without a theme are counted as "unclassified").

    Parameters
    ----------
    tasks : pandas.DataFrame
        ``theme`` at least (``cs.tasks()``).
    title : str, optional
        Chart title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> t = pd.DataFrame({"theme": ["transport", "transport", None, "finance"]})
    >>> [t.get_text() for t in theme_shares_chart(t).axes[0].get_yticklabels()]
    ['unclassified', 'finance', 'transport']
    >>> theme_shares_chart(t).axes[0].get_xlabel()
    'share of tasks (percent)'
    """
    import matplotlib.pyplot as plt

    themes = tasks["theme"].astype("string").fillna("unclassified")
    counts = themes.value_counts().rename_axis("theme").reset_index(name="n")
    counts = counts.sort_values(["n", "theme"], ascending=[False, True], kind="stable")
    shares = (counts.set_index("theme")["n"] / len(themes) * 100).iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, max(2.5, 0.35 * len(shares) + 1.2)), layout="constrained")
    ax.barh(range(len(shares)), shares.to_numpy(), color="#1f5f99")
    ax.set_yticks(range(len(shares)), [str(t) for t in shares.index], fontsize=9)
    ax.set_xlabel("share of tasks (percent)")
    ax.set_xlim(0, 100)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, loc="left")
    return fig


# ---------------------------------------------------------------------------
# The cooperation agenda (coopstats.agenda)
# ---------------------------------------------------------------------------


def theme_intervals_chart(shares: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Dot-and-whisker chart of theme shares with their intervals, one colour per document.

    ``shares`` is the frame of :func:`coopstats.agenda.theme_shares`.
    """
    import matplotlib.pyplot as plt

    lang = resolve_lang(lang)
    label = "label_zh" if lang == "zh" else "label_en"
    order = shares.groupby(label)["share"].mean().sort_values().index.tolist()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.45 * len(order) + 1.5))
    docs = list(dict.fromkeys(shares["doc_id"]))
    for k, doc in enumerate(docs):
        part = shares[shares["doc_id"] == doc].set_index(label).reindex(order)
        y = [i + (k - (len(docs) - 1) / 2) * 0.15 for i in range(len(order))]
        ax.errorbar(
            part["share"],
            y,
            xerr=[(part["share"] - part["low"]).clip(lower=0), (part["high"] - part["share"]).clip(lower=0)],
            fmt="o",
            capsize=2,
            label=doc,
        )
    ax.set_yticks(range(len(order)), order, **font_kwargs(lang))
    ax.set_xlabel("share of tasks (95% Wilson interval)")
    ax.legend(loc="lower right", fontsize="small")
    return ax


def project_timeline_chart(mentions: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Heat map of project mentions by document (ordered by year); ``mentions`` from ``project_mentions``."""
    import matplotlib.pyplot as plt

    table = mentions[mentions["mentions"] > 0].pivot_table(
        index="name_en", columns=["year", "doc_id"], values="mentions", aggfunc="sum", fill_value=0
    )
    table = table.reindex(sorted(table.columns, key=lambda c: (c[0], c[1])), axis=1)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.2 * table.shape[1] + 4, 0.35 * table.shape[0] + 1.5))
    ax.imshow(table.to_numpy(), aspect="auto", cmap="Blues")
    ax.set_xticks(
        range(table.shape[1]), [f"{y}\n{d}" for y, d in table.columns], fontsize="small", rotation=30
    )
    ax.set_yticks(range(table.shape[0]), table.index, fontsize="small")
    for i in range(table.shape[0]):
        for j in range(table.shape[1]):
            value = int(table.iat[i, j])
            if value:
                ax.text(j, i, str(value), ha="center", va="center", fontsize="x-small")
    ax.set_title("Mentions of flagship projects")
    return ax


def concentration_chart(result: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """HHI with bootstrap intervals per document; ``result`` from :func:`coopstats.agenda.concentration`."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.6 * len(result) + 1.5))
    y = range(len(result))
    ax.errorbar(
        result["hhi"],
        list(y),
        xerr=[
            (result["hhi"] - result["hhi_low"]).clip(lower=0),
            (result["hhi_high"] - result["hhi"]).clip(lower=0),
        ],
        fmt="o",
        capsize=3,
    )
    ax.set_yticks(list(y), result["doc_id"])
    ax.set_xlabel("Herfindahl–Hirschman index of agency workload (95% bootstrap interval)")
    return ax


def panel_chart(panel: pd.DataFrame, indicator: str, *, title: str | None = None) -> Figure:
    """One indicator's series of a panel, one axis per kind of value, sources in the legend.

    Stocks, flows and changes and different units never share an axis: each
    (``period_kind``, ``measure``, ``unit``) gets its own, and each reporter/partner
    its own line on it. A value stands at the end of its period; the legend names
    the documents it was read from, and a conflict (``conflict``) is drawn as a
    ring.

    Parameters
    ----------
    panel : pandas.DataFrame
        A panel (:func:`coopstats.panel`, ``ParsedDocument.panel``).
    indicator : str
        An indicator code of ``indicator_names.csv`` (``trade``, ``gdp`` …).
    title : str, optional
        Title (default: the indicator's code).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        The panel has no row of that indicator with a period.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"indicator": "gdp", "reporter": "CN-GD", "partner": None,
    ...     "period_kind": ["flow", "flow", "change"], "measure": ["amount", "amount", "growth"],
    ...     "unit": ["CNY", "CNY", "percent"], "period_end": pd.to_datetime(["2020-12-31", "2021-12-31",
    ...     "2021-12-31"]), "value": [1.1e13, 1.2e13, 8.0], "doc_id": "tjjgz", "conflict": False})
    >>> fig = panel_chart(p, "gdp")
    >>> len(fig.axes), fig.axes[0].get_legend().get_texts()[0].get_text()
    (2, 'CN-GD (tjjgz)')
    """
    import matplotlib.pyplot as plt

    rows = panel[(panel["indicator"] == indicator) & panel["period_end"].notna()].copy()
    if rows.empty:
        raise ValueError(f"the panel has no row of indicator {indicator!r} with a period")
    for column in ("period_kind", "measure", "unit", "reporter", "partner"):
        rows[column] = rows[column].astype("string").fillna("")
    groups = list(rows.groupby(["period_kind", "measure", "unit"], sort=True))
    fig, axes = plt.subplots(
        len(groups), 1, figsize=(9, 2.8 * len(groups) + 0.6), layout="constrained", squeeze=False
    )
    for ax, ((kind, measure, unit), group) in zip(axes[:, 0], groups, strict=True):
        factor, word = _scale(group["value"]) if unit not in ("percent", "pp") else (1.0, "")
        for (reporter, partner), series in group.groupby(["reporter", "partner"], sort=True):
            series = series.sort_values("period_end")
            name = reporter or "?"
            if partner:
                name += f"–{partner}"
            docs = ", ".join(dict.fromkeys(series["doc_id"].astype(str)))
            ax.plot(series["period_end"], series["value"] / factor, marker="o", label=f"{name} ({docs})")
            clash = series[series["conflict"].fillna(False).astype(bool)]
            if len(clash):
                ax.scatter(
                    clash["period_end"],
                    clash["value"] / factor,
                    s=140,
                    facecolors="none",
                    edgecolors="#b2182b",
                    label="conflict",
                )
        ax.set_ylabel(" ".join(p for p in (word, unit) if p) or "value")
        ax.set_title(f"{measure} ({kind})", loc="left", fontsize=10)
        ax.legend(fontsize=8, loc="best")
    fig.suptitle(title or indicator, x=0.01, ha="left")
    return fig
