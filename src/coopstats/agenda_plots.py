"""Charts for the cooperation-agenda notebook (matplotlib, imported inside each function)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["plot_concentration", "plot_project_timeline", "plot_theme_shares"]


def plot_theme_shares(shares: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Dot-and-whisker chart of theme shares with their intervals, one colour per document.

    ``shares`` is the frame of :func:`coopstats.agenda.theme_shares`.
    """
    import matplotlib.pyplot as plt

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
    ax.set_yticks(range(len(order)), order)
    ax.set_xlabel("share of tasks (95% Wilson interval)")
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_project_timeline(mentions: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
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


def plot_concentration(result: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
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
