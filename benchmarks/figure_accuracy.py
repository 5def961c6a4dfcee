"""Figure extraction accuracy against the hand-typed gold, beside a naive regex baseline, and throughput.

Run: ``/work/venv/bin/python benchmarks/figure_accuracy.py``

A predicted mention *matches* a gold row when it starts on the same source line and has the same
surface once line breaks and their indentation are removed. Precision and recall are then counted
separately for value, unit and measure: a prediction counts as correct for a field when it matches a
gold row and agrees on that field.
"""

from __future__ import annotations

import csv
import math
import re
import time
import unicodedata
import warnings
from pathlib import Path

import pandas as pd

import coopstats as cs
from coopstats.figure_extraction import document_figures, extract_figures

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "figures_legco-cb-trade-2011.csv"
DOC_ID = "legco-cb-trade-2011"
FIELDS = ("value", "unit", "measure", "period")

# The baseline: digits with separators, an optional scale and a unit, on each raw line.
NAIVE_FIGURE = re.compile(
    r"""(?P<number>[0-9][0-9,]*(?:\.[0-9]+)?)\s*
        (?P<scale>萬億|億|萬)?
        (?P<unit>元|%|家|項|個|名|間|種|類)""",
    re.VERBOSE,
)
NAIVE_SCALES = {"萬億": 1e12, "億": 1e8, "萬": 1e4, None: 1.0}


def squash(surface: str) -> str:
    return re.sub(r"\s*\n\s*", "", surface)


def load_gold() -> pd.DataFrame:
    with GOLD.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    gold = pd.DataFrame(rows)
    gold["line"] = gold["line"].astype(int)
    gold["value"] = gold["value"].astype(float)
    return gold


def naive_baseline(source: str, last_line: int) -> pd.DataFrame:
    rows = []
    for number, line in enumerate(source.split("\n")[:last_line], start=1):
        normal = unicodedata.normalize("NFKC", line)
        for m in NAIVE_FIGURE.finditer(normal):
            unit = {"元": "HKD", "%": "percent"}.get(m["unit"], "count")
            measure = {"HKD": "amount", "percent": "percent"}.get(unit, "count")
            value = float(m["number"].replace(",", "")) * NAIVE_SCALES[m["scale"]]
            rows.append(
                {
                    "line": number,
                    "surface": m.group(),
                    "value": value,
                    "unit": unit,
                    "measure": measure,
                    "period": "",
                }
            )
    return pd.DataFrame(rows)


def score(predicted: pd.DataFrame, gold: pd.DataFrame) -> dict[str, tuple[float, float]]:
    gold_keys = {
        (int(r.line), squash(unicodedata.normalize("NFKC", r.surface))): r for r in gold.itertuples()
    }
    matched: dict[tuple[int, str], object] = {}
    for r in predicted.itertuples():
        # the traditional-script file writes 六, 類, 立 … as CJK compatibility ideographs
        key = (int(r.line), squash(unicodedata.normalize("NFKC", r.surface)))
        if key in gold_keys:
            matched[key] = r
    results = {}
    for field in ("mention", *FIELDS):
        correct = 0
        for key, r in matched.items():
            g = gold_keys[key]
            if field == "mention":
                correct += 1
            elif field == "value":
                correct += math.isclose(float(r.value), float(g.value), rel_tol=1e-9)
            else:
                p = "" if pd.isna(getattr(r, field)) else str(getattr(r, field))
                correct += p == str(getattr(g, field))
        precision = correct / len(predicted) if len(predicted) else 0.0
        recall = correct / len(gold)
        results[field] = (precision, recall)
    return results


def main() -> None:
    gold = load_gold()
    source = cs.source_text(DOC_ID)

    last_line = 592  # the document ends where Annex II begins (manifest line_end)
    provisions = cs.provisions(DOC_ID)
    predicted = document_figures(provisions, source, default_currency="HKD")
    predicted["line"] = [source.count("\n", 0, int(s)) + 1 for s in predicted["start"]]
    baseline = naive_baseline(source, last_line)

    print(f"gold mentions: {len(gold)}; extractor: {len(predicted)}; naive regex: {len(baseline)}")
    print(f"{'field':<8} {'extractor P':>12} {'R':>6} {'naive P':>9} {'R':>6}")
    ours, theirs = score(predicted, gold), score(baseline, gold)
    for field in ("mention", *FIELDS):
        (p1, r1), (p2, r2) = ours[field], theirs[field]
        print(f"{field:<8} {p1:>12.3f} {r1:>6.3f} {p2:>9.3f} {r2:>6.3f}")

    gold_keys = {(int(r.line), squash(unicodedata.normalize("NFKC", r.surface))) for r in gold.itertuples()}
    pred_keys = {
        (int(r.line), squash(unicodedata.normalize("NFKC", r.surface))) for r in predicted.itertuples()
    }
    for key in sorted(pred_keys - gold_keys):
        print("  extra:", key)
    for key in sorted(gold_keys - pred_keys):
        print("  missed:", key)
    compared = predicted.merge(gold, on="line", suffixes=("", "_gold"))
    compared = compared[
        [
            squash(unicodedata.normalize("NFKC", a)) == squash(unicodedata.normalize("NFKC", b))
            for a, b in zip(compared["surface"], compared["surface_gold"], strict=True)
        ]
    ]
    for field in FIELDS[1:]:
        got = compared[field].fillna("").astype(str)
        for r in compared[got != compared[f"{field}_gold"].fillna("")].itertuples():
            print(
                f"  {field} differs at line {r.line} {r.surface!r}: "
                f"extractor {getattr(r, field)!r}, gold {getattr(r, field + '_gold')!r}"
            )

    corpus = "\n".join(cs.source_text(d) for d in dict.fromkeys(cs.documents()["doc_id"]))
    repeats = 5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        began = time.perf_counter()
        for _ in range(repeats):
            extract_figures(corpus, default_currency="CNY")
        elapsed = time.perf_counter() - began
    print(
        f"throughput: {repeats * len(corpus) / elapsed:,.0f} characters/s "
        f"({len(corpus):,} characters x {repeats} in {elapsed:.2f} s)"
    )


if __name__ == "__main__":
    main()
