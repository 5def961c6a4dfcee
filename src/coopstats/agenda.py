"""Analysis of the cooperation agenda: themes, persistence, projects, search, concentration.

Pure functions over the public frames; none of them prints. Each takes the
corpus by default and accepts frames of its own (``tasks=``, ``provisions=``,
``assignments=``), so a document a user parsed can be analysed the same way.
statsmodels, scipy and numpy are imported inside the functions.

- :func:`theme_shares`: share of tasks per theme per document, Wilson intervals.
- :func:`compare_themes`: chi-square test of independence of theme and document,
  Cramér's V, standardised residuals, a Monte Carlo p-value when expected counts
  are small.
- :func:`persistence`: which tasks of one key-work list reappear in another,
  by TF-IDF cosine similarity of character bigrams in a script-independent form.
- :func:`project_mentions`: document × flagship project counts, both scripts.
- :func:`search`: a word or phrase in every document, in either script.
- :func:`concentration`: HHI, Gini and top-k share of the agencies' workload,
  with bootstrap intervals over tasks.
"""

from __future__ import annotations

import logging
import math
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from coopstats.errors import CoopstatsError, CoopstatsWarning
from coopstats.themes import assign_themes, match_form, themes

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "PersistenceResult",
    "ThemeComparison",
    "compare_themes",
    "concentration",
    "persistence",
    "project_mentions",
    "projects",
    "search",
    "theme_shares",
]

logger = logging.getLogger(__name__)

DocIds = str | Iterable[str] | None


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------


def _doc_list(doc_ids: DocIds) -> list[str] | None:
    if doc_ids is None:
        return None
    return [doc_ids] if isinstance(doc_ids, str) else list(doc_ids)


def _themed_tasks(doc_ids: DocIds, tasks: pd.DataFrame | None) -> pd.DataFrame:
    """Tasks with a theme: the corpus (themed here if the frames are not yet) or the frame given."""
    from coopstats import frames

    if tasks is None:
        tasks = frames.tasks(_doc_list(doc_ids))
        if "theme" not in tasks or tasks["theme"].isna().all():
            _, tasks = assign_themes(frames.provisions(_doc_list(doc_ids)), tasks)
    else:
        wanted = _doc_list(doc_ids)
        if wanted is not None:
            tasks = tasks[tasks["doc_id"].isin(wanted)]
        if "theme" not in tasks:
            raise CoopstatsError(
                "the tasks frame has no `theme` column: pass frames from cs.tasks() or cs.parse_document()"
            )
    return tasks


def _provisions(doc_ids: DocIds, provisions: pd.DataFrame | None) -> pd.DataFrame:
    from coopstats import frames

    if provisions is None:
        return frames.provisions(_doc_list(doc_ids))
    wanted = _doc_list(doc_ids)
    return provisions if wanted is None else provisions[provisions["doc_id"].isin(wanted)]


def _years(doc_ids: Iterable[str]) -> dict[str, int | None]:
    from coopstats import frames

    issued = dict(zip(frames.documents()["doc_id"], frames.documents()["issued"], strict=True))
    out: dict[str, int | None] = {}
    for doc in doc_ids:
        value = issued.get(doc)
        out[doc] = int(str(value)[:4]) if value is not None and str(value)[:4].isdigit() else None
    return out


# ---------------------------------------------------------------------------
# Theme shares and the test of independence
# ---------------------------------------------------------------------------


def theme_shares(
    doc_ids: DocIds = None, *, tasks: pd.DataFrame | None = None, alpha: float = 0.05, method: str = "wilson"
) -> pd.DataFrame:
    """Share of tasks per theme in each document, with confidence intervals.

    Parameters
    ----------
    doc_ids : str or list of str, optional
        Documents (the corpus by default; documents without tasks drop out).
    tasks : pandas.DataFrame, optional
        A tasks frame with a ``theme`` column (e.g. ``ParsedDocument.tasks``).
    alpha : float, default 0.05
        1 − confidence level of the intervals.
    method : str, default "wilson"
        Any method of ``statsmodels.stats.proportion.proportion_confint``.

    Returns
    -------
    pandas.DataFrame
        One row per document × theme of the taxonomy (zero counts included):
        ``doc_id, theme, label_en, label_zh, tasks, total, share, low, high``.
        ``total`` counts the document's tasks that have a theme.

    Examples
    --------
    >>> s = theme_shares("gdhk-keywork-2017")
    >>> row = s[s["theme"] == "finance"].iloc[0]
    >>> int(row["tasks"]), int(row["total"]), round(float(row["share"]), 3)
    (7, 77, 0.091)
    """
    import pandas as pd
    from statsmodels.stats.proportion import proportion_confint

    frame = _themed_tasks(doc_ids, tasks)
    taxonomy = themes()
    codes = list(taxonomy["code"])
    labelled = frame[frame["theme"].notna()]
    counts = labelled.groupby(["doc_id", "theme"]).size()
    rows = []
    for doc in pd.unique(frame["doc_id"]):
        total = int((labelled["doc_id"] == doc).sum())
        for code in codes + sorted(set(labelled.loc[labelled["doc_id"] == doc, "theme"]) - set(codes)):
            n = int(counts.get((doc, code), 0))
            low, high = (
                proportion_confint(n, total, alpha=alpha, method=method) if total else (math.nan, math.nan)
            )
            rows.append((doc, code, n, total, n / total if total else math.nan, float(low), float(high)))
    out = pd.DataFrame(rows, columns=["doc_id", "theme", "tasks", "total", "share", "low", "high"])
    out = out.merge(taxonomy[["code", "label_en", "label_zh"]], left_on="theme", right_on="code", how="left")
    out = out[["doc_id", "theme", "label_en", "label_zh", "tasks", "total", "share", "low", "high"]]
    return out.astype({"doc_id": "string", "theme": "string", "label_en": "string", "label_zh": "string"})


@dataclass(frozen=True)
class ThemeComparison:
    """Result of :func:`compare_themes`.

    Attributes
    ----------
    table : pandas.DataFrame
        Observed counts, themes × the two documents (themes absent from both dropped).
    expected : pandas.DataFrame
        Expected counts under independence.
    residuals : pandas.DataFrame
        Standardised (adjusted) residuals from statsmodels ``Table.standardized_resids``:
        about N(0, 1) under independence; |r| > 2 marks the themes that drive the difference.
    statistic, dof, pvalue : float, int, float
        Pearson chi-square, its degrees of freedom and asymptotic p-value.
    cramers_v : float
        Cramér's V (0 = same mix, 1 = no theme in common).
    n : int
        Tasks in the table.
    share_small_expected : float
        Share of cells with an expected count below ``min_expected``.
    pvalue_simulated : float or None
        Monte Carlo p-value (tasks' document labels permuted, both margins fixed),
        computed when the asymptotic test is doubtful.
    n_simulations : int
        Permutations behind ``pvalue_simulated`` (0 when not computed).
    warning : str or None
        Why the asymptotic p-value should not be trusted, when it should not.
    """

    a: str
    b: str
    table: pd.DataFrame
    expected: pd.DataFrame
    residuals: pd.DataFrame
    statistic: float
    dof: int
    pvalue: float
    cramers_v: float
    n: int
    share_small_expected: float
    pvalue_simulated: float | None = None
    n_simulations: int = 0
    warning: str | None = field(default=None)

    def summary(self) -> pd.DataFrame:
        """One-row frame of the test's numbers."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "a": self.a,
                    "b": self.b,
                    "n": self.n,
                    "chi2": self.statistic,
                    "dof": self.dof,
                    "pvalue": self.pvalue,
                    "pvalue_simulated": self.pvalue_simulated,
                    "cramers_v": self.cramers_v,
                    "share_small_expected": self.share_small_expected,
                }
            ]
        )

    def _repr_html_(self) -> str:
        """A notebook's view: the test's numbers and the themes that drive the difference."""
        import html

        from coopstats.messages import t

        return (
            f"<div><strong>{html.escape(t('repr.comparison', 'en', a=self.a, b=self.b))}</strong>"
            + (f"<p>{html.escape(self.warning)}</p>" if self.warning else "")
            + _frame_html(self.summary(), percent=("share_small_expected",), decimals=4)
            + _frame_html(self.drivers(), percent=("share_a", "share_b"), decimals=2)
            + "</div>"
        )

    def drivers(self) -> pd.DataFrame:
        """Themes ordered by how much they drive the difference.

        ``theme, count_a, count_b, share_a, share_b, residual`` where
        ``residual`` is the standardised residual of document ``b`` (positive:
        ``b`` gives the theme more weight than ``a``), sorted by its size.
        """
        out = self.table.copy()
        out.columns = ["count_a", "count_b"]
        out["share_a"] = out["count_a"] / out["count_a"].sum()
        out["share_b"] = out["count_b"] / out["count_b"].sum()
        out["residual"] = self.residuals.iloc[:, 1]
        out = out.reset_index().rename(columns={"index": "theme"})
        return out.reindex(out["residual"].abs().sort_values(ascending=False).index).reset_index(drop=True)


def _chi2(table: np.ndarray) -> float:
    import numpy as np

    expected = table.sum(1, keepdims=True) * table.sum(0, keepdims=True) / table.sum()
    return float(((table - expected) ** 2 / expected).sum()) if np.all(expected > 0) else math.nan


def compare_themes(
    a: str = "gdhk-keywork-2011",
    b: str = "gdhk-keywork-2017",
    *,
    tasks: pd.DataFrame | None = None,
    min_expected: float = 5.0,
    n_simulations: int = 10_000,
    seed: int = 0,
) -> ThemeComparison:
    """Test whether two documents spread their tasks over themes alike.

    Pearson chi-square test of independence of theme and document on the
    themes × documents table (statsmodels ``Table.test_nominal_association``),
    Cramér's V, and standardised residuals. When more than a fifth of the
    cells have expected counts below ``min_expected`` (Cochran's rule) a
    :class:`coopstats.errors.CoopstatsWarning` is issued and a Monte Carlo
    p-value is computed by permuting the tasks' document labels, which keeps
    both margins fixed (the exact conditional test, by simulation).

    Parameters
    ----------
    a, b : str
        The two documents.
    tasks : pandas.DataFrame, optional
        A tasks frame with a ``theme`` column holding both documents.
    min_expected : float, default 5
        Expected count below which a cell is "small".
    n_simulations : int, default 10000
        Permutations for the Monte Carlo p-value (0 to skip it).
    seed : int, default 0
        Seed of the permutations.

    Returns
    -------
    ThemeComparison

    Raises
    ------
    coopstats.errors.CoopstatsError
        ``a`` equals ``b``, or one of them has no task with a theme.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     result = compare_themes("gdhk-keywork-2011", "gdhk-keywork-2017", n_simulations=200)
    >>> result.dof, result.n
    (12, 148)
    """
    import numpy as np
    import pandas as pd
    from statsmodels.stats.contingency_tables import Table

    if a == b:
        raise CoopstatsError(f"compare_themes needs two different documents, got {a!r} twice")
    frame = _themed_tasks([a, b], tasks)
    frame = frame[frame["theme"].notna()]
    for doc in (a, b):
        if not (frame["doc_id"] == doc).any():
            raise CoopstatsError(f"document {doc!r} has no task with a theme to compare")
    table = pd.crosstab(frame["theme"].astype(str), frame["doc_id"].astype(str))[[a, b]]
    table = table[table.sum(axis=1) > 0]
    counts = table.to_numpy(dtype=float)
    st = Table(counts, shift_zeros=False)
    test = st.test_nominal_association()
    n = int(counts.sum())
    expected = pd.DataFrame(st.fittedvalues, index=table.index, columns=table.columns)
    residuals = pd.DataFrame(st.standardized_resids, index=table.index, columns=table.columns)
    small = float((expected.to_numpy() < min_expected).mean())
    cramers_v = math.sqrt(float(test.statistic) / (n * (min(counts.shape) - 1)))
    warning = None
    p_sim: float | None = None
    n_done = 0
    if small > 0.2:
        warning = (
            f"{small:.0%} of the expected counts are below {min_expected:g}: the chi-square p-value is "
            "approximate; use pvalue_simulated (permutation test with both margins fixed)"
        )
        warnings.warn(warning, CoopstatsWarning, stacklevel=2)
        if n_simulations > 0:
            rng = np.random.default_rng(seed)
            theme_codes = pd.Categorical(frame["theme"].astype(str), categories=table.index).codes
            doc_codes = (frame["doc_id"].astype(str) == b).to_numpy().astype(int)
            k = len(table.index)
            observed = float(test.statistic)
            exceed = 0
            for _ in range(n_simulations):
                shuffled = rng.permutation(doc_codes)
                sim = np.bincount(theme_codes * 2 + shuffled, minlength=2 * k).reshape(k, 2)
                if _chi2(sim.astype(float)) >= observed - 1e-9:
                    exceed += 1
            p_sim = (exceed + 1) / (n_simulations + 1)
            n_done = n_simulations
    return ThemeComparison(
        a=a,
        b=b,
        table=table.rename_axis(index=None, columns=None),
        expected=expected.rename_axis(index=None, columns=None),
        residuals=residuals.rename_axis(index=None, columns=None),
        statistic=float(test.statistic),
        dof=int(test.df),
        pvalue=float(test.pvalue),
        cramers_v=cramers_v,
        n=n,
        share_small_expected=small,
        pvalue_simulated=p_sim,
        n_simulations=n_done,
        warning=warning,
    )


# ---------------------------------------------------------------------------
# Persistence of tasks between two key-work lists
# ---------------------------------------------------------------------------

# Characters that carry no content for similarity: ASCII digits (years change
# from list to list), punctuation and symbols of either width.
_NON_CONTENT = re.compile(r"[0-9\W_]+")


def _bigrams(text: str) -> list[str]:
    """Character bigrams of the script-independent form, within runs of content characters."""
    grams: list[str] = []
    for run in _NON_CONTENT.split(match_form(text)):
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def _tfidf(texts: list[str], reference: list[str]) -> np.ndarray:
    """L2-normalised TF-IDF matrix of character bigrams of ``texts``.

    Document frequencies come from ``reference`` (smooth idf, as scikit-learn
    computes it), a wider body of the genre than the two lists compared, so
    that boilerplate such as 珠三角地区 or 粤港两地 weighs little.
    """
    import numpy as np

    docs = [_bigrams(t) for t in texts]
    vocabulary: dict[str, int] = {}
    for grams in docs:
        for g in grams:
            vocabulary.setdefault(g, len(vocabulary))
    matrix = np.zeros((len(docs), len(vocabulary)))
    for i, grams in enumerate(docs):
        for g in grams:
            matrix[i, vocabulary[g]] += 1.0
    df = np.zeros(len(vocabulary))
    for text in reference:
        for g in set(_bigrams(text)):
            if g in vocabulary:
                df[vocabulary[g]] += 1.0
    idf = np.log((1 + len(reference)) / (1 + df)) + 1.0
    matrix *= idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


@dataclass(frozen=True)
class PersistenceResult:
    """Result of :func:`persistence`.

    Attributes
    ----------
    links : pandas.DataFrame
        Linked pairs: ``task_id_a, task_id_b, score, theme_a, theme_b, text_a, text_b``,
        each pair the best counterpart of at least one of its two tasks, scoring
        at least ``threshold``; sorted by score.
    tasks : pandas.DataFrame
        Every task of both documents: ``doc_id, task_id, theme, status``
        (``persisted`` for a task of ``a`` linked to one of ``b``, ``dropped`` for
        one not linked; ``continued`` and ``new`` likewise for the tasks of ``b``),
        ``best_match, best_score, text``.
    threshold : float
        Score a pair needs to be linked.
    null_scores : pandas.Series
        For every task of either document, its best score against the tasks
        of the other document that have a *different* theme: the score an
        unrelated best match reaches, the distribution the default threshold
        is taken from.
    """

    a: str
    b: str
    links: pd.DataFrame
    tasks: pd.DataFrame
    threshold: float
    null_scores: pd.Series

    def _repr_html_(self) -> str:
        """A notebook's view: the threshold, counts by theme and status, and the ten closest links.

        Examples
        --------
        >>> page = persistence()._repr_html_()
        >>> "Persistence of tasks from gdhk-keywork-2011 to gdhk-keywork-2017" in page
        True
        """
        import html

        from coopstats.messages import t

        links = self.links[["task_id_a", "task_id_b", "score", "text_a", "text_b"]].head(10)
        heading = t("repr.persistence", "en", a=self.a, b=self.b)
        note = t("repr.threshold", "en", threshold=f"{self.threshold:.3f}", links=len(self.links))
        return (
            f"<div><strong>{html.escape(heading)}</strong><p>{html.escape(note)}</p>"
            + _frame_html(self.summary().reset_index())
            + _frame_html(links)
            + "</div>"
        )

    def summary(self) -> pd.DataFrame:
        """Counts of tasks by theme and status (themes × ``persisted, dropped, continued, new``)."""
        out = self.tasks.pivot_table(
            index="theme", columns="status", values="task_id", aggfunc="count", fill_value=0
        )
        for col in ("persisted", "dropped", "continued", "new"):
            if col not in out:
                out[col] = 0
        return out[["persisted", "dropped", "continued", "new"]].rename_axis(columns=None)


def _frame_html(frame: pd.DataFrame, *, percent: Iterable[str] = (), decimals: int = 3) -> str:
    """A frame as an escaped HTML table with the catalogue's English column labels where it has them."""
    from coopstats import messages

    labels = {column: messages.label("col", column, "en") for column in frame.columns}
    shown = messages.format_table(frame, "en", percent=percent, decimals=decimals, labels=labels)
    return messages.table_html(shown)


def persistence(
    a: str = "gdhk-keywork-2011",
    b: str = "gdhk-keywork-2017",
    threshold: float | None = None,
    *,
    tasks: pd.DataFrame | None = None,
    null_quantile: float = 0.95,
) -> PersistenceResult:
    """Link the tasks of two key-work lists that carry on the same work.

    Each task's wording is put in a script-independent form (NFKC, traditional
    → simplified with OpenCC ``hk2s``), cut into character bigrams (digits and
    punctuation dropped, so a new target year does not count as new wording),
    weighted by TF-IDF with document frequencies taken over every provision of
    the corpus and the tasks compared (so boilerplate such as 粤港两地 or
    珠三角地区 weighs little and a rare name such as 清洁生产伙伴计划 weighs
    much) and compared by cosine similarity. Each task is linked to its best
    counterpart in the other list when that scores at least ``threshold``.

    The default threshold is data-driven: for every task, the best score it
    reaches against the tasks of the other list that have a *different* theme
    is the score of a best match that is (almost always) unrelated; the
    threshold is the ``null_quantile`` quantile of these scores, so with the
    default 0.95 an unrelated best match is linked with a probability of about
    5%. Cross-theme pairs include a few real continuations (a 2011 tourism
    task filed under the services chapter), which only makes the threshold
    stricter.

    Parameters
    ----------
    a, b : str
        Earlier and later document.
    threshold : float, optional
        Minimum cosine score of a link (overrides the data-driven one).
    tasks : pandas.DataFrame, optional
        Tasks frame with ``theme`` holding both documents.
    null_quantile : float, default 0.95
        Quantile of the cross-theme best-match scores used as default threshold.

    Returns
    -------
    PersistenceResult

    Examples
    --------
    >>> r = persistence()
    >>> link = r.links.set_index("task_id_b").loc["gdhk-keywork-2017/c5.s1.i52"]
    >>> link["task_id_a"]
    'gdhk-keywork-2011/c5.s1.i5'
    """
    import numpy as np
    import pandas as pd

    frame = _themed_tasks([a, b], tasks)
    ta = frame[frame["doc_id"] == a].reset_index(drop=True)
    tb = frame[frame["doc_id"] == b].reset_index(drop=True)
    if ta.empty or tb.empty:
        raise CoopstatsError(
            f"persistence needs tasks in both documents: {a!r} has {len(ta)}, {b!r} has {len(tb)}"
        )
    reference = [str(t) for t in ta["text"]] + [str(t) for t in tb["text"]]
    if tasks is None:
        from coopstats import frames

        reference += [str(t) for t in frames.provisions()["text"].dropna()]
    vectors = _tfidf([str(t) for t in ta["text"]] + [str(t) for t in tb["text"]], reference)
    scores = vectors[: len(ta)] @ vectors[len(ta) :].T
    theme_a = ta["theme"].astype(object).where(ta["theme"].notna(), None).to_numpy()
    theme_b = tb["theme"].astype(object).where(tb["theme"].notna(), None).to_numpy()
    differ = np.array([[x is not None and y is not None and x != y for y in theme_b] for x in theme_a])
    cross = np.where(differ, scores, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a task with no cross-theme counterpart
        best_cross = np.concatenate([np.nanmax(cross, axis=1), np.nanmax(cross, axis=0)])
    null_scores = pd.Series(best_cross[~np.isnan(best_cross)], name="score")
    if threshold is None:
        threshold = float(null_scores.quantile(null_quantile)) if len(null_scores) else 0.5
    best_b_for_a = scores.argmax(axis=1)
    best_a_for_b = scores.argmax(axis=0)
    pairs = {(i, int(best_b_for_a[i])) for i in range(len(ta))} | {
        (int(best_a_for_b[j]), j) for j in range(len(tb))
    }
    pairs = {(i, j) for i, j in pairs if scores[i, j] >= threshold}
    links = pd.DataFrame(
        [
            {
                "task_id_a": ta.at[i, "task_id"],
                "task_id_b": tb.at[j, "task_id"],
                "score": float(scores[i, j]),
                "theme_a": ta.at[i, "theme"],
                "theme_b": tb.at[j, "theme"],
                "text_a": ta.at[i, "text"],
                "text_b": tb.at[j, "text"],
            }
            for i, j in pairs
        ],
        columns=["task_id_a", "task_id_b", "score", "theme_a", "theme_b", "text_a", "text_b"],
    )
    links = links.sort_values(["score", "task_id_a"], ascending=[False, True], ignore_index=True)

    def status_rows(
        doc: str,
        own: pd.DataFrame,
        other: pd.DataFrame,
        best: Any,
        linked: set[int],
        kept: str,
        lost: str,
        own_scores: Any,
    ) -> list[tuple[Any, ...]]:
        """Each task of one list with its best match in the other and whether it is linked."""
        return [
            (
                doc,
                own.at[k, "task_id"],
                own.at[k, "theme"],
                kept if k in linked else lost,
                other.at[int(best[k]), "task_id"],
                float(own_scores[k, int(best[k])]),
                own.at[k, "text"],
            )
            for k in range(len(own))
        ]

    rows = status_rows(a, ta, tb, best_b_for_a, {i for i, _ in pairs}, "persisted", "dropped", scores)
    rows += status_rows(b, tb, ta, best_a_for_b, {j for _, j in pairs}, "continued", "new", scores.T)
    status = pd.DataFrame(
        rows, columns=["doc_id", "task_id", "theme", "status", "best_match", "best_score", "text"]
    )
    return PersistenceResult(
        a=a, b=b, links=links, tasks=status, threshold=threshold, null_scores=null_scores
    )


# ---------------------------------------------------------------------------
# Flagship projects and search
# ---------------------------------------------------------------------------


@cache
def _project_table() -> tuple[pd.DataFrame, re.Pattern[str], dict[str, str]]:
    import pandas as pd

    from coopstats._resources import data_dir

    with data_dir().joinpath("reference", "projects.csv").open("rb") as handle:
        table = pd.read_csv(handle, dtype=str, keep_default_na=False)
    project_by_form: dict[str, str] = {}
    for project_id, name, aliases in zip(
        table["project_id"], table["name_zh_hans"], table["aliases"], strict=True
    ):
        for written in [name, *aliases.split("|")]:
            form = match_form(written.strip())
            if not form:
                continue
            other = project_by_form.setdefault(form, project_id)
            if other != project_id:
                raise CoopstatsError(
                    f"projects.csv: the name {written!r} belongs to both {other!r} and {project_id!r}"
                )
    # longest names first, so 落马洲河套 is one mention and not also 河套
    alternation = "|".join(re.escape(f) for f in sorted(project_by_form, key=len, reverse=True))
    return table, re.compile(alternation), project_by_form


def projects() -> pd.DataFrame:
    """The flagship-project gazetteer: ``project_id, name_zh_hans, aliases, name_en, kind, source, verified``.

    Examples
    --------
    >>> "hzmb" in set(projects()["project_id"])
    True
    """
    return _project_table()[0].copy()


def project_mentions(doc_ids: DocIds = None, *, provisions: pd.DataFrame | None = None) -> pd.DataFrame:
    """How often each flagship project is named in each document, in either script.

    A name is matched in the script-independent form of each provision's
    wording, so 港珠澳大橋 and 港珠澳大桥 count alike; names overlap-free and
    longest first, so 落馬洲河套 is one mention of the Lok Ma Chau Loop.

    Parameters
    ----------
    doc_ids : str or list of str, optional
        Documents (the corpus by default).
    provisions : pandas.DataFrame, optional
        A provisions frame (e.g. ``ParsedDocument.provisions``) instead of the corpus.

    Returns
    -------
    pandas.DataFrame
        One row per document × project (zeros included): ``doc_id, year,
        project_id, name_zh_hans, name_en, kind, mentions`` (occurrences of any
        of its names) and ``provisions`` (provisions naming it). ``year`` is the
        year the document was issued (missing for a document outside the corpus).

    Examples
    --------
    >>> m = project_mentions("gdhk-keywork-2011")
    >>> int(m.set_index("project_id").loc["hzmb", "mentions"])
    2
    """
    import pandas as pd

    table, pattern, project_by_form = _project_table()
    frame = _provisions(doc_ids, provisions)
    counts: dict[tuple[str, str], list[int]] = {}
    for doc, text in zip(frame["doc_id"].astype(str), frame["text"], strict=True):
        if text is None or (not isinstance(text, str) and pd.isna(text)):
            continue
        seen: set[str] = set()
        for match in pattern.finditer(match_form(str(text))):
            project = project_by_form[match.group(0)]
            cell = counts.setdefault((doc, project), [0, 0])
            cell[0] += 1
            if project not in seen:
                cell[1] += 1
                seen.add(project)
    docs = list(pd.unique(frame["doc_id"].astype(str)))
    years = _years(docs)
    rows = [
        (doc, years.get(doc), pid, name, name_en, kind, *counts.get((doc, pid), [0, 0]))
        for doc in docs
        for pid, name, name_en, kind in zip(
            table["project_id"], table["name_zh_hans"], table["name_en"], table["kind"], strict=True
        )
    ]
    out = pd.DataFrame(
        rows,
        columns=["doc_id", "year", "project_id", "name_zh_hans", "name_en", "kind", "mentions", "provisions"],
    )
    return out.astype({"year": "Int64", "mentions": "int64", "provisions": "int64"})


def _form_with_positions(text: str) -> tuple[str, list[int]]:
    """match_form of ``text`` with, for every character of it, its index in ``text``."""
    from coopstats.text import normalized_with_positions

    return normalized_with_positions(text, simplified=True, keep=lambda c: bool(match_form(c)))


def search(
    pattern: str, doc_ids: DocIds = None, *, regex: bool = False, provisions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Find a word or phrase in every document, whichever script it is typed or printed in.

    Parameters
    ----------
    pattern : str
        Text to find (either script; whitespace ignored), or a regular
        expression over the simplified form when ``regex=True``.
    doc_ids : str or list of str, optional
        Documents to search (the corpus by default).
    regex : bool, default False
        Treat ``pattern`` as a regular expression.
    provisions : pandas.DataFrame, optional
        A provisions frame to search instead of the corpus.

    Returns
    -------
    pandas.DataFrame
        One row per matching provision, in document order: ``doc_id, node_id,
        level, label, chapter_no, section_no, item_no, para_no, line, start,
        end, heading, theme, hits, matches, text``. ``matches`` holds the
        matched wording as printed (``|``-joined), ``line/start/end`` locate
        the provision in the source file.

    Raises
    ------
    ValueError
        An empty pattern, or an invalid regular expression.

    Examples
    --------
    >>> hits = search("港珠澳大桥")
    >>> sorted(set(hits["matches"].str.split("|").explode()))
    ['港珠澳大桥', '港珠澳大橋']
    """
    import pandas as pd

    form = match_form(pattern) if not regex else pattern
    if not form.strip():
        raise ValueError("search needs a non-empty word or phrase, e.g. search('港珠澳大桥')")
    try:
        compiled = re.compile(form if regex else re.escape(form))
    except re.error as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc
    frame = _provisions(doc_ids, provisions).reset_index(drop=True)
    hits: list[int] = []
    surfaces: list[str] = []
    keep: list[int] = []
    for index, text in enumerate(frame["text"]):
        if text is None or (not isinstance(text, str) and pd.isna(text)):
            continue
        text_form, where = _form_with_positions(str(text))
        found = [m for m in compiled.finditer(text_form) if m.end() > m.start()]
        if found:
            keep.append(index)
            hits.append(len(found))
            surfaces.append("|".join(str(text)[where[m.start()] : where[m.end() - 1] + 1] for m in found))
    out = frame.iloc[keep].copy()
    out["hits"] = pd.array(hits, dtype="int64")
    out["matches"] = pd.array(surfaces, dtype="string")
    columns = [
        "doc_id",
        "node_id",
        "level",
        "label",
        "chapter_no",
        "section_no",
        "item_no",
        "para_no",
        "line",
        "start",
        "end",
        "heading",
        "theme",
        "hits",
        "matches",
        "text",
    ]
    return out[[c for c in columns if c in out.columns]].reset_index(drop=True)


# ---------------------------------------------------------------------------
# Concentration of the workload
# ---------------------------------------------------------------------------


def _gini(counts: np.ndarray) -> float:
    import numpy as np

    x = np.sort(counts.astype(float))
    n = len(x)
    if n == 0 or x.sum() == 0:
        return math.nan
    ranks = np.arange(1, n + 1)
    return float((2 * (ranks * x).sum()) / (n * x.sum()) - (n + 1) / n)


def _concentration_stats(counts: np.ndarray, k: int) -> tuple[float, float, float]:
    import numpy as np

    counts = counts[counts > 0]
    total = counts.sum()
    if total == 0:
        return math.nan, math.nan, math.nan
    shares = counts / total
    top = np.sort(counts)[::-1][:k].sum() / total
    return float((shares**2).sum()), _gini(counts), float(top)


def _bca_interval(
    estimate: float, boot: np.ndarray, jackknife: np.ndarray, alpha: float
) -> tuple[float, float, float]:
    """BCa interval (Efron 1987) of one statistic, and the bootstrap estimate of its bias.

    The bias correction ``z0`` comes from the share of replicates below the
    estimate, the acceleration from the jackknife (leave one task out). An
    interval that still misses the estimate (fewer than ``alpha/2`` of the
    replicates on one side of it) is stretched to reach it.
    """
    import numpy as np
    from scipy.stats import norm

    boot = boot[~np.isnan(boot)]
    if not len(boot) or math.isnan(estimate):
        return math.nan, math.nan, math.nan
    below = (np.sum(boot < estimate) + 0.5 * np.sum(boot == estimate)) / len(boot)
    below = min(max(below, 0.5 / len(boot)), 1 - 0.5 / len(boot))
    z0 = float(norm.ppf(below))
    jack = jackknife[~np.isnan(jackknife)]
    d = jack.mean() - jack if len(jack) else np.zeros(1)
    spread = float((d**2).sum())
    a = float((d**3).sum() / (6 * spread**1.5)) if spread > 0 else 0.0
    z = norm.ppf([alpha / 2, 1 - alpha / 2])
    levels = norm.cdf(z0 + (z0 + z) / (1 - a * (z0 + z)))
    low, high = np.quantile(boot, np.clip(levels, 0, 1))
    return min(float(low), estimate), max(float(high), estimate), float(boot.mean() - estimate)


def concentration(
    doc_id: DocIds = None,
    *,
    k: int = 5,
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int = 0,
    include_groups: bool = False,
    assignments: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """How concentrated the work is on a few agencies, per document.

    An agency's workload is the number of distinct tasks that name it (the
    ``tasks`` column of ``cs.workload``). From these counts: the
    Herfindahl–Hirschman index of the agencies' shares of all task–agency
    pairs, on the 0–1 scale (1 = one agency does everything; ``n_equivalent``
    = 1/HHI is the number of equally loaded agencies that would give the
    same index), the Gini coefficient over the agencies named, and the
    share of the top ``k``.

    Intervals are bias-corrected and accelerated (BCa) bootstrap intervals
    over the document's tasks (each resampled with all its agencies). A
    plain percentile interval would sit mostly above the estimate: the HHI is
    a sum of *squared* shares, and resampling adds noise to each share,
    which squaring turns into a positive term (E[s*²] = s² + Var(s*)); tasks
    drawn twice and agencies of rarely named tasks dropped both make a
    replicate look more concentrated than the document. BCa corrects for
    this median bias (``z0``, from the share of replicates below the
    estimate) and for skew (the acceleration, from the jackknife), so the
    interval contains the estimate. ``hhi_bias`` is the bootstrap estimate
    of the bias (mean of the replicates minus the estimate).

    Parameters
    ----------
    doc_id : str or list of str, optional
        Documents (those with agency clauses; the corpus by default).
    k : int, default 5
        Agencies in the top-k share.
    n_boot : int, default 1000
        Bootstrap replications.
    alpha : float, default 0.05
        1 − confidence level.
    seed : int, default 0
        Seed of the bootstrap.
    include_groups : bool, default False
        Count generic groups (省有关单位, …) as agencies.
    assignments : pandas.DataFrame, optional
        An assignments frame instead of the corpus.

    Returns
    -------
    pandas.DataFrame
        One row per document: ``doc_id, tasks, agencies, pairs, hhi,
        hhi_low, hhi_high, n_equivalent, gini, gini_low, gini_high, k,
        top_k_share, top_k_low, top_k_high`` and ``n_equivalent_low,
        n_equivalent_high`` (1/HHI at the interval's ends), ``hhi_bias``,
        ``interval`` (``"BCa"``). Shares and indices are on the 0–1 scale.

    Examples
    --------
    >>> c = concentration("gdhk-keywork-2017", n_boot=200)
    >>> int(c.loc[0, "tasks"]), int(c.loc[0, "agencies"]) > 10
    (77, True)
    >>> bool(c.loc[0, "hhi_low"] <= c.loc[0, "hhi"] <= c.loc[0, "hhi_high"] < 1)
    True
    """
    import numpy as np
    import pandas as pd

    if assignments is None:
        from coopstats import frames

        assignments = frames.assignments(_doc_list(doc_id))
    elif doc_id is not None:
        assignments = assignments[assignments["doc_id"].isin(_doc_list(doc_id) or [])]
    frame = assignments
    if not include_groups and "level" in frame:
        frame = frame[frame["level"].astype(object).ne("group").fillna(True)]
    key = frame["agency_id"].astype(object).where(frame["agency_id"].notna(), frame["name"].astype(object))
    pairs = pd.DataFrame(
        {"doc_id": frame["doc_id"].astype(str), "task_id": frame["task_id"].astype(str), "agency": key}
    )
    pairs = pairs.dropna().drop_duplicates()
    rng = np.random.default_rng(seed)
    rows = []
    for doc, group in pairs.groupby("doc_id", sort=False):
        task_codes, task_index = pd.factorize(group["task_id"])
        agency_codes, agency_index = pd.factorize(group["agency"])
        incidence = np.zeros((len(task_index), len(agency_index)))
        incidence[task_codes, agency_codes] = 1.0
        totals = incidence.sum(axis=0)
        estimate = _concentration_stats(totals, k)
        boot = np.array(
            [
                _concentration_stats(
                    incidence[rng.integers(0, len(task_index), len(task_index))].sum(axis=0), k
                )
                for _ in range(n_boot)
            ]
        ).reshape(-1, 3)
        jackknife = np.array([_concentration_stats(totals - row, k) for row in incidence]).reshape(-1, 3)
        intervals = [
            _bca_interval(estimate[j], boot[:, j], jackknife[:, j], alpha) if n_boot else (math.nan,) * 3
            for j in range(3)
        ]
        hhi = estimate[0]
        (hhi_low, hhi_high, hhi_bias), (gini_low, gini_high, _), (top_low, top_high, _) = intervals
        rows.append(
            {
                "doc_id": doc,
                "tasks": len(task_index),
                "agencies": len(agency_index),
                "pairs": int(incidence.sum()),
                "hhi": hhi,
                "hhi_low": hhi_low,
                "hhi_high": hhi_high,
                "n_equivalent": 1 / hhi if hhi else math.nan,
                "gini": estimate[1],
                "gini_low": gini_low,
                "gini_high": gini_high,
                "k": k,
                "top_k_share": estimate[2],
                "top_k_low": top_low,
                "top_k_high": top_high,
                "n_equivalent_low": 1 / hhi_high if hhi_high else math.nan,
                "n_equivalent_high": 1 / hhi_low if hhi_low else math.nan,
                "hhi_bias": hhi_bias,
                "interval": "BCa",
            }
        )
    columns = [
        "doc_id",
        "tasks",
        "agencies",
        "pairs",
        "hhi",
        "hhi_low",
        "hhi_high",
        "n_equivalent",
        "gini",
        "gini_low",
        "gini_high",
        "k",
        "top_k_share",
        "top_k_low",
        "top_k_high",
        "n_equivalent_low",
        "n_equivalent_high",
        "hhi_bias",
        "interval",
    ]
    return pd.DataFrame(rows, columns=columns)
