"""Charts of agency workload, co-assignment and trade indicators (matplotlib).

Labels are English by default, taken from the agency registry (``name_en``); an
agency without an English name is labelled by its ``agency_id``, never left
blank. ``lang="zh"`` labels agencies by their Chinese names when a CJK font is
installed (e.g. Debian's ``fonts-noto-cjk``; the font file is registered with
matplotlib even when matplotlib's font cache predates it); without one, a
warning is issued once and the labels fall back to English, so a chart never
shows empty boxes.

matplotlib is imported inside the functions, so ``import coopstats`` does not
load it; no chart needs seaborn, so a report kernel never imports it.
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
    "indicator_label",
    "panel_chart",
    "period_kind",
    "period_label",
    "project_timeline_chart",
    "resolve_lang",
    "role_split",
    "shares_chart",
    "theme_intervals_chart",
    "theme_shares_chart",
    "workload_chart",
    "wrap",
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

    from coopstats.messages import t

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
    ax.set_xlabel(t("chart.workload_x", lang), **font_kwargs(lang))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlim(0, float(shown["tasks"].max() if len(shown) else 1) * 1.08 + 1)
    ax.spines[["top", "right"]].set_visible(False)
    legend = ax.legend(loc="lower right", frameon=False, title=t("chart.role", lang))
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

    from coopstats.messages import t

    lang = resolve_lang(lang)
    n = len(matrix)
    size = max(5.0, 0.45 * n + 3.5)
    # cells about square without a fixed aspect (constrained layout cannot make room for the labels
    # of a fixed-aspect axes): the width adds the longest label's columns
    longest = max(
        (sum(2 if ord(c) > 0x2E7F else 1 for c in line) for label in labels for line in label.split("\n")),
        default=0,
    )
    fig, ax = plt.subplots(figsize=(size + 1.0 + 0.05 * longest, size), layout="constrained")
    counts = matrix.to_numpy(dtype=float)
    # the diagonal (own tasks) is masked: it would swamp the colour scale
    shared = np.ma.masked_array(counts, mask=np.eye(n, dtype=bool))
    mesh = ax.pcolormesh(shared, cmap="Blues", edgecolors="white", linewidths=0.5)
    ax.set(xlim=(0, n), ylim=(n, 0))  # row 1 at the top, as the matrix reads
    for spine in ax.spines.values():
        spine.set_visible(False)
    colorbar = fig.colorbar(mesh, ax=ax, shrink=0.6)
    colorbar.outline.set_linewidth(0)
    if n <= 20:
        _annotate_cells(ax, mesh, counts, shared.mask)
    # rows carry the names, numbered; columns only the numbers, so long names never overlap
    numbered = [f"{label}  {i}" for i, label in enumerate(labels, start=1)]
    ax.set_xticks([i + 0.5 for i in range(n)], [str(i) for i in range(1, n + 1)], rotation=0, fontsize=8)
    ax.set_yticks([i + 0.5 for i in range(n)], numbered, rotation=0, fontsize=8, **font_kwargs(lang))
    ax.set_xlabel("")
    ax.set_ylabel("")
    fig.axes[-1].set_ylabel(t("chart.shared_tasks", lang), **font_kwargs(lang))
    if title:
        ax.set_title(title, loc="left", **font_kwargs(lang))
    return fig


def _annotate_cells(ax: Axes, mesh: Any, counts: Any, masked: Any) -> None:
    """Each unmasked, non-zero cell's count, dark on light cells and white on dark ones."""
    import numpy as np

    mesh.update_scalarmappable()
    colours = mesh.get_facecolors()[:, :3]
    linear = np.where(colours <= 0.03928, colours / 12.92, ((colours + 0.055) / 1.055) ** 2.4)
    luminance = linear @ np.array([0.2126, 0.7152, 0.0722])  # relative luminance (WCAG)
    width = counts.shape[1]
    for k, (value, hidden) in enumerate(zip(counts.flat, np.ravel(masked), strict=True)):
        if hidden or value <= 0:
            continue
        row, col = divmod(k, width)
        ink = ".15" if luminance[k] > 0.408 else "w"
        ax.text(col + 0.5, row + 0.5, f"{value:.0f}", color=ink, ha="center", va="center", fontsize=8)


def _scale(values: pd.Series) -> tuple[float, str]:
    """The largest factor that leaves the typical (median) value at 10 or more: billions for trade flows."""
    typical = float(values.abs().median()) if len(values) else 0.0
    for factor, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if typical >= 10 * factor:
            return factor, word
    return 1.0, ""


def _unit_text(word: str, unit: str, lang: str) -> str:
    """An axis's unit: ``billion HKD``, or in Chinese 十亿港元 (the scale word and the currency's name)."""
    from coopstats.messages import t

    if lang == "zh":
        physical = {term.code: term.label_zh for term in vocabulary.terms("unit")}
        if unit in vocabulary.currency_codes():
            name = vocabulary.currency_label(unit, "zh")
        else:
            name = physical.get(unit, "" if unit == "count" else unit)
        return f"{t(f'scale.{word}', lang) if word else ''}{name}"
    return f"{word} {unit}".strip()


def wrap(text: str, width: int, lang: str = "en") -> str:
    """``text`` broken into lines of at most ``width`` columns (a CJK character takes two).

    Examples
    --------
    >>> wrap("Cross-boundary infrastructure and transport", 20)
    'Cross-boundary\\ninfrastructure and\\ntransport'
    >>> wrap("省经济和信息化委员会", 10, "zh")
    '省经济和信\\n息化委员会'
    """
    text = " ".join(str(text).split())
    if any(ord(c) > 0x2E7F for c in text):
        lines, line = [], ""
        for char in text:
            if sum(2 if ord(c) > 0x2E7F else 1 for c in line + char) > width and line:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
        # a closing bracket or punctuation never starts a line
        for i in range(1, len(lines)):
            while lines[i] and lines[i][0] in "）)」』、，。：；" and len(lines[i]) > 1:
                lines[i - 1] += lines[i][0]
                lines[i] = lines[i][1:]
        return "\n".join(lines)
    return "\n".join(textwrap.wrap(text, width)) or text


def period_label(period: object, lang: str = "en") -> str:
    """A period as a reader says it: ``end-2009`` → "end of 2009" / "2009年末", ``2010-06`` → "June 2010".

    Examples
    --------
    >>> period_label("end-2009"), period_label("end-2009", "zh"), period_label("2010-06", "zh")
    ('end of 2009', '2009年末', '2010年6月')
    >>> period_label(None)
    'undated'
    """
    import calendar
    import re

    from coopstats.messages import t

    if _missing(period):
        return t("period.undated", lang)
    text = str(period)
    if m := re.fullmatch(r"end-(\d{4})", text):
        return t("period.end_of_year", lang, year=m.group(1))
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        month = int(m.group(2))
        return t("period.month", lang, year=m.group(1), month=month, month_name=calendar.month_name[month])
    if re.fullmatch(r"\d{4}", text):
        return t("period.year", lang, year=text)
    return text


def period_kind(period: object) -> str:
    """``stock`` for a position at a date (``end-2009``), ``flow`` for a year or month, ``undated``.

    Examples
    --------
    >>> period_kind("end-2009"), period_kind("2010"), period_kind(None)
    ('stock', 'flow', 'undated')
    """
    if _missing(period):
        return "undated"
    return "stock" if str(period).startswith("end-") else "flow"


def indicator_label(row: Any, lang: str = "en") -> str:
    """An indicator's name in ``lang``: ``indicator.<code>`` of the catalogue, else its ``label_en``.

    Examples
    --------
    >>> row = pd.Series({"indicator": "gd_hk_trade", "label_en": "Guangdong–Hong Kong trade"})
    >>> indicator_label(row, "zh")
    '粤港贸易（进出口）'
    """
    from coopstats.messages import label

    english = str(row["label_en"])
    if lang == "en":
        return english
    return label("indicator", row.get("indicator") if hasattr(row, "get") else None, lang, default=english)


def _panels(rows: pd.DataFrame) -> list[tuple[str, object, pd.DataFrame]]:
    """Rows split by kind (flows, stocks, undated) and period, in that order: one panel each."""
    kinds = rows["period"].map(period_kind)
    order = {"flow": 0, "stock": 1, "undated": 2}
    keys = sorted(
        {(kind, None if _missing(p) else str(p)) for kind, p in zip(kinds, rows["period"], strict=True)},
        key=lambda k: (order[k[0]], k[1] or ""),
    )
    panels = []
    for kind, period in keys:
        mask = (kinds == kind) & (
            rows["period"].isna() if period is None else rows["period"].astype("string").eq(period)
        )
        panels.append((kind, period, rows[mask.fillna(False).to_numpy()]))
    return panels


def _panel_title(kind: str, period: object, lang: str, kinds: bool = True) -> str:
    from coopstats.messages import t

    if not kinds:  # shares are neither stocks nor flows: the period alone
        return period_label(period, lang)
    return t(f"chart.panel_{kind}", lang, period=period_label(period, lang))


def _bar_panels(
    indicators: pd.DataFrame, *, lang: str, wrap_width: int, title: str | None, kinds: bool = True
) -> tuple[Figure, list[tuple[Axes, pd.DataFrame]]]:
    """A figure with one horizontal-bar panel per kind and period, heights by their rows' label lines."""
    import matplotlib.pyplot as plt

    panels = _panels(indicators)
    labelled = []
    for kind, period, rows in panels:
        rows = rows.iloc[::-1]
        labels = [wrap(indicator_label(row, lang), wrap_width, lang) for _, row in rows.iterrows()]
        labelled.append((kind, period, rows, labels))
    heights = [max(1.0, 0.3 * sum(lb.count("\n") + 1 for lb in labels) + 0.5) for *_, labels in labelled]
    extra = 0.6 if title else 0.2
    fig, axes = plt.subplots(
        max(1, len(labelled)),
        1,
        figsize=(10, max(2.5, sum(heights) + 0.6 * len(labelled) + extra)),
        layout="constrained",
        height_ratios=heights or None,
        squeeze=False,
    )
    out = []
    font = font_kwargs(lang)
    for ax, (kind, period, rows, labels) in zip(axes[:, 0], labelled, strict=False):
        ax.set_yticks(range(len(rows)), labels, fontsize=9, **font)
        if len(labelled) > 1 or kind != "flow":
            ax.set_title(_panel_title(kind, period, lang, kinds), loc="left", fontsize=10, **font)
        ax.spines[["top", "right"]].set_visible(False)
        out.append((ax, rows))
    if title:
        fig.suptitle(title, x=0.01, ha="left", **font)
    return fig, out


def amounts_chart(
    indicators: pd.DataFrame, *, title: str | None = None, wrap: int = 46, lang: str = "en"
) -> Figure:
    """Horizontal bars of money amounts, one panel per kind and period, labelled with the unit.

    Flows (a year's trade) and stocks (a position at the end of a year) are
    never drawn on one axis, and neither are different periods: each
    ``(kind, period)`` gets its own panel (see :func:`period_kind`), all on
    one scale so panels compare.

    Parameters
    ----------
    indicators : pandas.DataFrame
        ``indicator, label_en, period, value, unit`` rows of one currency (``cs.indicators()``
        or ``cs.derived_indicators()``, optionally ``cs.convert``-ed); ``low`` and
        ``high`` are drawn as error bars when present, and rows with a
        ``formula`` (derived figures) in a lighter colour.
    title : str, optional
        Chart title (the figure's).
    wrap : int, default 46
        Columns per line of a label.
    lang : {"en", "zh"}, default "en"
        Label language (indicator names from the catalogue's ``indicator.<code>``).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        Rows in more than one unit: filter by ``unit`` first.

    Examples
    --------
    >>> f = pd.DataFrame({"label_en": ["Trade", "Exports"], "period": ["2010", "2010"],
    ...                   "value": [1.2334e12, 1.187e12], "unit": ["HKD", "HKD"]})
    >>> amounts_chart(f).axes[0].get_xlabel()
    'billion HKD'
    """
    import numpy as np

    from coopstats.messages import t

    units = sorted(indicators["unit"].dropna().astype(str).unique())
    if len(units) > 1:
        raise ValueError(f"amounts_chart draws one unit at a time, got {', '.join(units)}")
    lang = resolve_lang(lang)
    unit = units[0] if units else ""
    factor, word = _scale(indicators["value"].astype(float))
    unit_text = _unit_text(word, unit, lang)
    fig, panels = _bar_panels(indicators, lang=lang, wrap_width=wrap, title=title)
    high_all = float((indicators["value"].astype(float) / factor).max()) if len(indicators) else 1.0
    if {"low", "high"} <= set(indicators.columns):
        high_all = max(high_all, float((indicators["high"].astype(float) / factor).max(skipna=True) or 0))
    any_derived = False
    for ax, rows in panels:
        values = rows["value"].astype(float) / factor
        error = None
        if {"low", "high"} <= set(rows.columns):
            low = rows["low"].astype(float) / factor
            high = rows["high"].astype(float) / factor
            error = [(values - low).clip(lower=0).fillna(0), (high - values).clip(lower=0).fillna(0)]
        derived = rows["formula"].notna().to_numpy() if "formula" in rows else np.zeros(len(rows), dtype=bool)
        any_derived |= bool(derived.any())
        colours = np.where(derived, "#9fc5e8", "#1f5f99")
        ax.barh(range(len(rows)), values, xerr=error, color=colours, capsize=3)
        beyond = error[1].to_numpy() if error is not None else np.zeros(len(rows))
        for y, (value, extra) in enumerate(zip(values, beyond, strict=True)):
            ax.text(value + extra, y, f" {value:,.1f}", va="center", fontsize=8)
        ax.set_xlim(0, high_all * 1.18 if high_all > 0 else 1)
        ax.set_xlabel(unit_text, **font_kwargs(lang))
    if any_derived:
        from matplotlib.patches import Patch

        legend = panels[0][0].legend(
            handles=[
                Patch(color="#1f5f99", label=t("chart.published", lang)),
                Patch(color="#9fc5e8", label=t("chart.derived", lang)),
            ],
            loc="lower right",
            frameon=False,
        )
        for text in legend.get_texts():
            text.set(**font_kwargs(lang))
    return fig


def shares_chart(
    indicators: pd.DataFrame, *, title: str | None = None, wrap: int = 46, lang: str = "en"
) -> Figure:
    """Horizontal bars of shares in percent, one panel per kind and period, on a 0–100 axis.

    Parameters
    ----------
    indicators : pandas.DataFrame
        ``indicator, label_en, period, value`` rows whose ``unit`` is ``percent``.
    title : str, optional
        Chart title (the figure's).
    wrap : int, default 46
        Columns per line of a label.
    lang : {"en", "zh"}, default "en"
        Label language.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> f = pd.DataFrame({"label_en": ["Share of trade"], "period": [None], "value": [20.2]})
    >>> shares_chart(f).axes[0].get_yticklabels()[0].get_text()
    'Share of trade'
    """
    from coopstats.messages import t

    lang = resolve_lang(lang)
    fig, panels = _bar_panels(indicators, lang=lang, wrap_width=wrap, title=title, kinds=False)
    for ax, rows in panels:
        values = rows["value"].astype(float)
        ax.barh(range(len(rows)), values, color="#6fa8dc")
        for y, value in enumerate(values):
            ax.text(value, y, f" {value:.1f}%", va="center", fontsize=8)
        ax.set_xlim(0, 100)
        ax.set_xlabel(t("chart.percent", lang), **font_kwargs(lang))
    return fig


def theme_shares_chart(tasks: pd.DataFrame, *, title: str | None = None, lang: str = "en") -> Figure:
    """Bars of the share of tasks by theme (rows without a theme are counted as "unclassified").

    Parameters
    ----------
    tasks : pandas.DataFrame
        ``theme`` at least (``cs.tasks()``).
    title : str, optional
        Chart title.
    lang : {"en", "zh"}, default "en"
        Label language (axis and "unclassified"; themes are drawn as coded).

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

    from coopstats.messages import t

    lang = resolve_lang(lang)
    themes = tasks["theme"].astype("string").fillna(t("theme.unclassified", lang))
    counts = themes.value_counts().rename_axis("theme").reset_index(name="n")
    counts = counts.sort_values(["n", "theme"], ascending=[False, True], kind="stable")
    shares = (counts.set_index("theme")["n"] / len(themes) * 100).iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, max(2.5, 0.35 * len(shares) + 1.2)), layout="constrained")
    ax.barh(range(len(shares)), shares.to_numpy(), color="#1f5f99")
    ax.set_yticks(range(len(shares)), [wrap(str(x), 40, lang) for x in shares.index], fontsize=9)
    ax.set_xlabel(t("chart.share_of_tasks", lang), **font_kwargs(lang))
    ax.set_xlim(0, 100)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, loc="left", **font_kwargs(lang))
    return fig


# ---------------------------------------------------------------------------
# The cooperation agenda (coopstats.agenda)
# ---------------------------------------------------------------------------


def _new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def theme_intervals_chart(
    shares: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Dot-and-whisker chart of theme shares with their intervals, one colour per document.

    Theme names are wrapped to two or three lines (the full names are in the
    report's table); the legend sits below the plot, so nothing overlaps or
    leaves the figure.

    Parameters
    ----------
    shares : pandas.DataFrame
        The frame of :func:`coopstats.agenda.theme_shares`.
    lang : {"en", "zh"}, default "en"
        Label language (theme labels ``label_en``/``label_zh``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (a new figure, constrained layout, by default).
    title : str, optional
        Chart title.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> s = pd.DataFrame({"doc_id": ["a", "a"], "label_en": ["Finance", "Tourism"],
    ...                   "label_zh": ["金融", "旅游"], "share": [0.2, 0.1], "low": [0.1, 0.05],
    ...                   "high": [0.3, 0.2]})
    >>> [t.get_text() for t in theme_intervals_chart(s).get_yticklabels()]
    ['Tourism', 'Finance']
    """
    from coopstats.messages import t

    lang = resolve_lang(lang)
    label = "label_zh" if lang == "zh" else "label_en"
    order = shares.groupby(label)["share"].mean().sort_values().index.tolist()
    labels = [wrap(str(x), 26, lang) for x in order]
    lines = sum(lb.count("\n") + 1 for lb in labels)
    docs = list(dict.fromkeys(shares["doc_id"]))
    own_figure = ax is None
    ax = _new_axes(ax, (9, 0.085 * len(order) * max(1, len(docs)) + 0.06 * lines + 1.8))
    for k, doc in enumerate(docs):
        part = shares[shares["doc_id"] == doc].set_index(label).reindex(order)
        y = [i + (k - (len(docs) - 1) / 2) * 0.15 for i in range(len(order))]
        ax.errorbar(
            part["share"] * 100,
            y,
            xerr=[
                (part["share"] - part["low"]).clip(lower=0) * 100,
                (part["high"] - part["share"]).clip(lower=0) * 100,
            ],
            fmt="o",
            markersize=4,
            capsize=2,
            label=doc,
        )
    font = font_kwargs(lang)
    ax.set_yticks(range(len(order)), labels, fontsize=8, **font)
    ax.set_xlabel(t("agenda.theme_chart_x", lang), **font)
    ax.set_xlim(left=0)
    ax.set_ylim(-0.6, len(order) - 0.4)
    ax.spines[["top", "right"]].set_visible(False)
    columns = min(3, max(1, len(docs)))
    if own_figure:  # below the axes, inside the figure (constrained layout makes room)
        ax.figure.legend(loc="outside lower center", ncols=columns, fontsize="small", frameon=False)
    else:
        ax.legend(loc="lower right", fontsize="small")
    if title:
        ax.set_title(title, loc="left", **font)
    return ax


def project_timeline_chart(
    mentions: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Heat map of project mentions by document, ordered by year; ``mentions`` from ``project_mentions``.

    Parameters
    ----------
    mentions : pandas.DataFrame
        ``doc_id, year, name_en, name_zh_hans, mentions`` (:func:`coopstats.agenda.project_mentions`).
    lang : {"en", "zh"}, default "en"
        Project names in English (wrapped) or Chinese.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (a new figure, constrained layout, by default).
    title : str, optional
        Chart title (default: the catalogue's "Mentions of flagship projects").

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> m = pd.DataFrame({"doc_id": ["d-2011", "d-2017"], "year": [2011, 2017], "mentions": [2, 1],
    ...                   "name_en": ["Hong Kong–Zhuhai–Macao Bridge"] * 2,
    ...                   "name_zh_hans": ["港珠澳大桥"] * 2})
    >>> [t.get_text() for t in project_timeline_chart(m, lang="zh").get_xticklabels()]
    ['2011\\nd-2011', '2017\\nd-2017']
    """
    from coopstats.messages import t

    lang = resolve_lang(lang)
    name = "name_zh_hans" if lang == "zh" else "name_en"
    table = mentions[mentions["mentions"] > 0].pivot_table(
        index=name, columns=["year", "doc_id"], values="mentions", aggfunc="sum", fill_value=0
    )
    table = table.reindex(sorted(table.columns, key=lambda c: (c[0], c[1])), axis=1)
    labels = [wrap(str(x), 44, lang) for x in table.index]
    lines = sum(lb.count("\n") + 1 for lb in labels)
    ax = _new_axes(ax, (1.3 * table.shape[1] + 5, 0.2 * lines + 0.12 * table.shape[0] + 2.2))
    ax.imshow(table.to_numpy(), aspect="auto", cmap="Blues")
    ax.set_xticks(
        range(table.shape[1]),
        [f"{y}\n{d}" for y, d in table.columns],
        fontsize="small",
        rotation=30,
        ha="right",
        rotation_mode="anchor",
    )
    ax.set_yticks(range(table.shape[0]), labels, fontsize="small", **font_kwargs(lang))
    for i in range(table.shape[0]):
        for j in range(table.shape[1]):
            value = int(table.iat[i, j])
            if value:
                ax.text(j, i, str(value), ha="center", va="center", fontsize="x-small")
    ax.set_title(title or t("agenda.projects_chart_title", lang), loc="left", **font_kwargs(lang))
    return ax


def concentration_chart(
    result: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None, title: str | None = None
) -> Axes:
    """HHI (0–1) with its bias-corrected bootstrap interval per document, 1/HHI written beside each point.

    Parameters
    ----------
    result : pandas.DataFrame
        :func:`coopstats.agenda.concentration`: ``doc_id, hhi, hhi_low, hhi_high, n_equivalent``.
    lang : {"en", "zh"}, default "en"
        Label language.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (a new figure, constrained layout, by default).
    title : str, optional
        Chart title.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> r = pd.DataFrame({"doc_id": ["d"], "hhi": [0.05], "hhi_low": [0.04], "hhi_high": [0.07],
    ...                   "n_equivalent": [20.0]})
    >>> ax = concentration_chart(r)
    >>> float(ax.get_xlim()[0]), [t.get_text() for t in ax.texts]
    (0.0, ['  ≈ 20 agencies'])
    """
    from coopstats.messages import t

    lang = resolve_lang(lang)
    ax = _new_axes(ax, (8, 0.55 * len(result) + 1.8))
    y = list(range(len(result)))[::-1]
    ax.errorbar(
        result["hhi"],
        y,
        xerr=[
            (result["hhi"] - result["hhi_low"]).clip(lower=0),
            (result["hhi_high"] - result["hhi"]).clip(lower=0),
        ],
        fmt="o",
        capsize=3,
        color="#1f5f99",
    )
    for yy, hhi, high, n in zip(y, result["hhi"], result["hhi_high"], result["n_equivalent"], strict=True):
        ax.text(
            max(hhi, high),
            yy,
            "  " + t("agenda.n_equivalent_note", lang, n=f"{n:.0f}"),
            va="center",
            fontsize=8,
            **font_kwargs(lang),
        )
    ax.set_yticks(y, [str(d) for d in result["doc_id"]], fontsize=9)
    top = float(result["hhi_high"].max()) if len(result) else 0.1
    ax.set_xlim(0, max(top, 0.01) * 1.45)
    ax.set_ylim(-0.6, len(result) - 0.4)
    ax.set_xlabel(wrap(t("agenda.concentration_chart_x", lang), 80, lang), **font_kwargs(lang))
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, loc="left", **font_kwargs(lang))
    return ax


def panel_chart(panel: pd.DataFrame, indicator: str, *, lang: str = "en", title: str | None = None) -> Figure:
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
    lang : {"en", "zh"}, default "en"
        Language of the titles, axis labels and legend (the indicator's name from
        ``indicator_names.csv``, measures and kinds from the message catalogue).
    title : str, optional
        Title (default: the indicator's name in ``lang``).

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

    from coopstats.messages import label, t
    from coopstats.panels import indicator_names

    lang = resolve_lang(lang)
    text = font_kwargs(lang)
    names = {n.code: (n.label_zh if lang == "zh" else n.label_en) for n in indicator_names()}
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
                    label=t("col.conflict", lang),
                )
        ax.set_ylabel(_unit_text(word, unit, lang) or t("chart.panel_value", lang), **text)
        ax.set_title(
            f"{label('figure_measure', measure, lang)} ({label('period_kind', kind, lang)})",
            loc="left",
            fontsize=10,
            **text,
        )
        ax.legend(loc="best", prop={"size": 8, **({"family": text["fontfamily"]} if text else {})})
    fig.suptitle(title or names.get(indicator, indicator), x=0.01, ha="left", **text)
    return fig
