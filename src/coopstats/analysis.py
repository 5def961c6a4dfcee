"""Analysis stage: tables computed from the public frames.

Workload
--------
:func:`workload` counts, for each agency, the distinct tasks that name it and
the tasks in which it had each role. :func:`workload_table` is the pure part,
taking an assignments frame and a registry frame.

Folding successors
------------------
With ``fold_successors=True`` every agency is replaced by the body that
succeeded it in the 2018 institutional reforms (the registry's ``successor``
column, followed until a body has none), so that workloads of documents from
before and after 2018 compare. A unit split between several successors (省海洋与渔业厅 →
省自然资源厅 and 省农业农村厅) counts its tasks **for each successor**: the
reform handed each successor a share of the unit's duties and the documents
do not say which task went where, so each successor is credited with every
task its predecessor had. The ``tasks`` column then counts distinct tasks per
successor, so a task naming two predecessors of one successor counts once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coopstats import vocabulary

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["workload", "workload_table"]

# Highest role first: ``primary_role`` is the first of these an agency had.
ROLE_ORDER: tuple[str, ...] = vocabulary.roles()

_WORKLOAD_BY = ("role", "doc_id")


def _successor_map(registry: pd.DataFrame) -> dict[str, list[str]]:
    """agency_id -> agency_ids of its final successors (itself when it has none)."""
    id_by_name = dict(zip(registry["name"].astype(str), registry["agency_id"].astype(str), strict=True))
    direct: dict[str, list[str]] = {}
    for agency_id, successor in zip(
        registry["agency_id"].astype(str), registry["successor"].fillna("").astype(str), strict=True
    ):
        names = [s.strip() for s in successor.split("|") if s.strip()]
        direct[agency_id] = [id_by_name[n] for n in names if n in id_by_name]

    def final(agency_id: str, seen: frozenset[str]) -> list[str]:
        nexts = [n for n in direct.get(agency_id, []) if n not in seen]
        if not nexts:
            return [agency_id]
        out: list[str] = []
        for n in nexts:
            out.extend(x for x in final(n, seen | {n}) if x not in out)
        return out

    return {agency_id: final(agency_id, frozenset({agency_id})) for agency_id in direct}


def workload_table(
    assignments: pd.DataFrame,
    registry: pd.DataFrame,
    *,
    by: str = "role",
    include_groups: bool = False,
    fold_successors: bool = False,
) -> pd.DataFrame:
    """Distinct task counts per agency from an assignments frame (pure).

    Parameters
    ----------
    assignments : pandas.DataFrame
        ``doc_id, task_id, name, agency_id, role`` at least (as
        :func:`coopstats.assignments` returns).
    registry : pandas.DataFrame
        ``agency_id, name, name_en, level, successor`` (as
        :func:`coopstats.agencies` returns).
    by : {"role", "doc_id"}, default "role"
        ``"role"``: one row per agency over all documents given;
        ``"doc_id"``: one row per document × agency.
    include_groups : bool, default False
        Keep generic groups (``level == "group"``, e.g. 省有关单位).
    fold_successors : bool, default False
        Count each agency under its successor(s) after the 2018 reforms (see
        the module notes for units split between successors).

    Returns
    -------
    pandas.DataFrame
        ``[doc_id,] agency_id, name, name_en, level, tasks, lead, co,
        responsible, listed, primary_role``, sorted by ``tasks``, ``lead`` and
        ``co`` (descending) and ``name``. Agencies the registry lacks keep their
        name, with ``agency_id`` missing.

    Raises
    ------
    ValueError
        Unknown ``by`` or missing columns.

    Examples
    --------
    >>> import pandas as pd
    >>> reg = pd.DataFrame({"agency_id": ["a", "b", "c"], "name": ["甲厅", "乙厅", "丙厅"],
    ...     "name_en": ["A", "B", "C"], "level": ["provincial-department"] * 3,
    ...     "successor": ["", "丙厅", ""]})
    >>> asg = pd.DataFrame({"doc_id": "d", "task_id": ["t1", "t1", "t2", "t2"],
    ...     "name": ["甲厅", "乙厅", "甲厅", "丙厅"], "agency_id": ["a", "b", "a", "c"],
    ...     "role": ["lead", "co", "co", "lead"]})
    >>> cols = ["name", "tasks", "lead", "co", "primary_role"]
    >>> print(workload_table(asg, reg)[cols].to_string(index=False))
    name  tasks  lead  co primary_role
      甲厅      2     1   1         lead
      丙厅      1     1   0         lead
      乙厅      1     0   1           co
    >>> folded = workload_table(asg, reg, fold_successors=True)
    >>> print(folded[["name", "tasks", "lead", "co"]].to_string(index=False))
    name  tasks  lead  co
      丙厅      2     1   1
      甲厅      2     1   1
    """
    import pandas as pd

    if by not in _WORKLOAD_BY:
        raise ValueError(f"by must be one of {', '.join(_WORKLOAD_BY)}, not {by!r}")
    needed = ["doc_id", "task_id", "name", "agency_id", "role"]
    missing = [c for c in needed if c not in assignments.columns]
    if missing:
        raise ValueError(f"the assignments frame lacks the columns {', '.join(missing)}")
    frame = assignments[needed].copy()
    frame["agency_id"] = frame["agency_id"].astype("string")
    frame["role"] = frame["role"].astype("string")
    if fold_successors:
        successors = _successor_map(registry)
        frame["agency_id"] = [
            successors.get(a, [a]) if not pd.isna(a) else [pd.NA] for a in frame["agency_id"]
        ]
        frame = frame.explode("agency_id", ignore_index=True)
        frame["agency_id"] = frame["agency_id"].astype("string")
    info = registry.set_index(registry["agency_id"].astype(str))[["name", "name_en", "level"]]
    known = frame["agency_id"].notna()
    # the key of an agency: its id, or its name when the registry lacks it
    frame["key"] = frame["agency_id"].where(known, "?" + frame["name"].astype("string"))
    frame["task"] = frame["doc_id"].astype(str) + "\x1f" + frame["task_id"].astype(str)
    keys = ["doc_id", "key"] if by == "doc_id" else ["key"]
    counts = frame.groupby(keys, sort=False)["task"].nunique().rename("tasks").to_frame()
    for role in ROLE_ORDER:
        counts[role] = frame[frame["role"] == role].groupby(keys, sort=False)["task"].nunique()
    counts = counts.fillna(0).astype("int64").reset_index()
    counts["agency_id"] = counts["key"].where(~counts["key"].str.startswith("?"), pd.NA).astype("string")
    looked_up = info.reindex(counts["agency_id"].fillna("").astype(str))
    counts["name"] = pd.array(
        [
            looked_up["name"].iloc[i] if not pd.isna(a) else k[1:]
            for i, (a, k) in enumerate(zip(counts["agency_id"], counts["key"], strict=True))
        ],
        dtype="string",
    )
    counts["name_en"] = pd.array(looked_up["name_en"].to_numpy(), dtype="string")
    counts["level"] = pd.array(looked_up["level"].to_numpy(), dtype="string")
    if not include_groups:
        counts = counts[counts["level"].fillna("") != "group"]
    role_present = counts[list(ROLE_ORDER)].gt(0)
    counts["primary_role"] = pd.Categorical(
        role_present.idxmax(axis=1).where(role_present.any(axis=1)), categories=list(ROLE_ORDER)
    )
    sort_by = ["tasks", "lead", "co", "name"]
    ascending = [False, False, False, True]
    if by == "doc_id":
        sort_by, ascending = ["doc_id", *sort_by], [True, *ascending]
    counts = counts.sort_values(sort_by, ascending=ascending, kind="stable")
    columns = [
        *(["doc_id"] if by == "doc_id" else []),
        "agency_id",
        "name",
        "name_en",
        "level",
        "tasks",
        *ROLE_ORDER,
        "primary_role",
    ]
    return counts[columns].reset_index(drop=True)


def workload(
    doc_id: str | list[str] | None = None,
    by: str = "role",
    *,
    include_groups: bool = False,
    fold_successors: bool = False,
    assignments: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Distinct task counts per agency, with the split by role (``cs.workload()``).

    Parameters
    ----------
    doc_id : str or list of str, optional
        Documents to count (the whole corpus by default).
    by : {"role", "doc_id"}, default "role"
        One row per agency, or one per document × agency.
    include_groups : bool, default False
        Keep generic groups (省有关单位, 有关地级以上市政府, …).
    fold_successors : bool, default False
        Count agencies under their successors after the 2018 reforms; a unit
        split between successors counts its tasks for each of them.
    assignments : pandas.DataFrame, optional
        An assignments frame to count instead of the corpus (e.g. a
        ``ParsedDocument.assignments``); ``doc_id`` then selects within it.

    Returns
    -------
    pandas.DataFrame
        ``[doc_id,] agency_id, name, name_en, level, tasks, lead, co,
        responsible, listed, primary_role``: ``tasks`` counts distinct tasks
        naming the agency; each role column the tasks in which it had that role
        at least once (they need not add up to ``tasks``); ``primary_role`` its
        highest role (lead > co > responsible > listed). Sorted by ``tasks``,
        then ``lead``, then ``co`` (descending).

    Raises
    ------
    coopstats.errors.UnknownDocumentError
        An unknown ``doc_id``.

    Examples
    --------
    >>> w = workload("panprd-gd-opinions-2017")
    >>> print(w.head(2)[["name", "tasks", "lead", "co", "primary_role"]].to_string(index=False))
        name  tasks  lead  co primary_role
      省发展改革委     30    13  17         lead
    省经济和信息化委     14     1  11         lead
    """
    from coopstats import agency_resolution

    registry = agency_resolution.agencies()
    if assignments is None:
        from coopstats import frames

        assignments = frames.assignments(doc_id)
    elif doc_id is not None:
        wanted = [doc_id] if isinstance(doc_id, str) else list(doc_id)
        assignments = assignments[assignments["doc_id"].isin(wanted)]
    return workload_table(
        assignments, registry, by=by, include_groups=include_groups, fold_successors=fold_successors
    )
