"""Precision and recall of the agency resolver against the hand-typed gold, beside a naive baseline.

Run: ``python benchmarks/agency_accuracy.py``. Part 1, the corpus: for every clause of the two documents with
agency clauses, the names (and name + role pairs) produced are compared, as multisets, with the gold
(``tests/gold/assignments_*.csv``). The baseline splits a clause on punctuation (、，,；;及) and strips
role words and 等, but distributes no prefix or suffix; its roles come from the same words (names before
牵头 lead, the rest co; 负责 without a lead: responsible; otherwise listed).
Part 2, every layout (trailing clause, fields, table, words in the text): the same scores per layout
against ``tests/gold/layouts.csv`` (typed from ``tests/fixtures/samples/``); the naive splitter gets
each task's ``agency_clause`` as found by the parser.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pandas as pd

import coopstats as cs
from coopstats.agency_resolution import assign, detect_lead_rule
from coopstats.text import normalize, to_simplified

GOLD = Path(__file__).resolve().parent.parent / "tests" / "gold"
DOCS = ["gdhk-keywork-2017", "panprd-gd-opinions-2017"]
KEY = ["chapter_no", "section_no", "item_no", "clause_no"]

_NAIVE_SPLIT = re.compile(r"以及|[、，,；;及]")
_ROLE_WORDS = re.compile(r"(等)?(按职责分工负责|负责|牵头)$")


def naive(clause: str) -> list[tuple[str, str]]:
    text = to_simplified(normalize(clause))
    names: list[tuple[str, str | None]] = []
    for part in _NAIVE_SPLIT.split(text):
        marker = None
        if m := _ROLE_WORDS.search(part):
            marker = "lead" if m.group(2) == "牵头" else "responsible"
            part = part[: m.start()]
        part = part.rstrip("等").strip()
        if part:
            names.append((part, marker))
    lead_markers = [i for i, (_, m) in enumerate(names) if m == "lead"]
    if lead_markers:  # names up to the last 牵头 lead, the rest are co
        return [(n, "lead" if i <= lead_markers[-1] else "co") for i, (n, _) in enumerate(names)]
    role = "responsible" if any(m == "responsible" for _, m in names) else "listed"
    return [(n, role) for n, _ in names]


def scores(pred: dict, gold: dict) -> tuple[float, float]:
    tp = sum((Counter(pred.get(k, [])) & Counter(v)).total() for k, v in gold.items())
    n_pred = sum(len(v) for v in pred.values())
    n_gold = sum(len(v) for v in gold.values())
    return tp / n_pred, tp / n_gold


def main() -> None:
    rows = []
    for doc in DOCS:
        gold = pd.read_csv(GOLD / f"assignments_{doc}.csv", comment="#", dtype="string")
        tasks = cs.tasks(doc)
        started = time.perf_counter()
        out = assign(tasks, lead_rule=detect_lead_rule(cs.source_text(doc)))
        elapsed = time.perf_counter() - started
        out = out.merge(tasks[["task_id", "chapter_no", "section_no", "item_no"]], on="task_id")
        for column in KEY:
            out[column] = out[column].astype("string")
        key = lambda f: tuple(f[c] if not pd.isna(f[c]) else "" for c in KEY)  # noqa: E731
        gold_names = {}
        gold_pairs = {}
        for rec in gold.to_dict("records"):
            gold_names.setdefault(key(rec), []).append(rec["name"])
            gold_pairs.setdefault(key(rec), []).append((rec["name"], rec["role"]))
        ours_names, ours_pairs = {}, {}
        for rec in out.to_dict("records"):
            ours_names.setdefault(key(rec), []).append(rec["expanded"])
            ours_pairs.setdefault(key(rec), []).append((rec["expanded"], rec["role"]))
        base_names, base_pairs = {}, {}
        for rec in out.drop_duplicates(KEY).to_dict("records"):
            pairs = naive(rec["raw_clause"])
            base_names[key(rec)] = [n for n, _ in pairs]
            base_pairs[key(rec)] = pairs
        for method, names, pairs in (("resolver", ours_names, ours_pairs), ("naive", base_names, base_pairs)):
            p_name, r_name = scores(names, gold_names)
            p_pair, r_pair = scores(pairs, gold_pairs)
            rows.append(
                {
                    "doc_id": doc,
                    "method": method,
                    "clauses": len(gold_names),
                    "gold_names": sum(len(v) for v in gold_names.values()),
                    "name_precision": round(p_name, 3),
                    "name_recall": round(r_name, 3),
                    "name_role_precision": round(p_pair, 3),
                    "name_role_recall": round(r_pair, 3),
                    "clauses_per_s": round(len(gold_names) / elapsed) if method == "resolver" else None,
                }
            )
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()


# ---------------------------------------------------------------------------
# Every layout of the genre: the samples' gold (tests/gold/layouts.csv)
# ---------------------------------------------------------------------------

SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "samples"


def _task_key(frame: pd.DataFrame) -> pd.Series:
    keys = frame[["chapter_no", "section_no", "item_no"]].astype("string").fillna("").agg("/".join, axis=1)
    return keys.where(keys != "//", pd.Series(range(1, len(frame) + 1), index=frame.index).astype("string"))


def layouts() -> pd.DataFrame:
    """Name and name+role precision/recall per layout, resolver against the naive splitter."""
    import warnings

    gold = pd.read_csv(GOLD / "layouts.csv", dtype="string", keep_default_na=False)
    rows = []
    for layout, part in gold.groupby("layout", sort=True):
        counts = {m: Counter() for m in ("resolver", "naive")}
        totals = {m: [0, 0, 0, 0] for m in counts}  # tp names, tp pairs, predicted, gold
        for sample, sample_gold in part.groupby("sample"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                doc = cs.parse_document(SAMPLES / f"{sample}.txt")
            tasks = doc.tasks.assign(key=_task_key(doc.tasks))
            keys = sample_gold[["chapter_no", "section_no", "item_no"]].agg("/".join, axis=1)
            keys = keys.where(keys != "//", sample_gold["seq"])
            ours = doc.assignments.merge(tasks[["task_id", "key"]], on="task_id")
            for key in sorted(set(keys)):
                g = sample_gold[keys == key]
                g_names, g_pairs = list(g["name"]), list(zip(g["name"], g["role"], strict=True))
                o = ours[ours["key"] == key]
                clause_text = tasks.loc[tasks["key"] == key, "agency_clause"].dropna()
                naive_pairs = [p for c in clause_text for line in c.split("\n") for p in naive(line)]
                for method, pairs in (
                    ("resolver", list(zip(o["expanded"], o["role"], strict=True))),
                    ("naive", naive_pairs),
                ):
                    names = [n for n, _ in pairs]
                    t = totals[method]
                    t[0] += (Counter(names) & Counter(g_names)).total()
                    t[1] += (Counter(pairs) & Counter(g_pairs)).total()
                    t[2] += len(pairs)
                    t[3] += len(g_pairs)
        for method, (tp_n, tp_p, n_pred, n_gold) in totals.items():
            rows.append(
                {
                    "layout": layout,
                    "method": method,
                    "gold_names": n_gold,
                    "name_precision": round(tp_n / n_pred, 3) if n_pred else None,
                    "name_recall": round(tp_n / n_gold, 3),
                    "name_role_precision": round(tp_p / n_pred, 3) if n_pred else None,
                    "name_role_recall": round(tp_p / n_gold, 3),
                }
            )
    return pd.DataFrame(rows)


if __name__ == "__main__":
    print()
    print(layouts().to_string(index=False))
