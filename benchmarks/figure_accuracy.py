"""Figure extraction accuracy against the hand-typed gold, beside a naive regex baseline, and throughput.

Run: ``.venv/bin/python benchmarks/figure_accuracy.py``

Two golds are scored:

- ``legco-cb-trade-2011`` (``tests/gold/figures_legco-cb-trade-2011.csv``): a predicted mention
  *matches* a gold row when it starts on the same source line and has the same surface once line
  breaks and their indentation are removed;
- the figure texts of ``tests/fixtures/samples/`` (``tests/gold/figures_samples.csv``, publication
  dates and issuers in ``tests/gold/figure_texts.csv``): the n-th predicted mention with a surface
  matches the n-th gold row with that surface in the same text.

Detection is precision and recall of matched mentions; value, unit, measure and period accuracy are
the share of gold rows matched *and* right on that field (so they are bounded by detection recall).
The samples are scored with and without ``published``, and against a naive regex (digits, a scale,
元/%/a classifier; bare 元 → the issuer's currency; no periods). Throughput is characters per second of
``extract_figures`` over the corpus and the samples, beside the naive regex, in the same run.
"""

from __future__ import annotations

import csv
import math
import re
import time
import unicodedata
import warnings
from collections import defaultdict
from pathlib import Path

import pandas as pd

import coopstats as cs
from coopstats import vocabulary
from coopstats.figure_extraction import document_figures, extract_figures

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "figures_legco-cb-trade-2011.csv"
SAMPLE_GOLD = ROOT / "tests" / "gold" / "figures_samples.csv"
SAMPLE_TEXTS = ROOT / "tests" / "gold" / "figure_texts.csv"
SAMPLES = ROOT / "tests" / "fixtures" / "samples"
DOC_ID = "legco-cb-trade-2011"
FIELDS = ("value", "unit", "measure", "period")

# The baseline: digits with separators, an optional scale and a unit, on each raw line.
NAIVE_FIGURE = re.compile(
    r"""(?P<number>[0-9][0-9,]*(?:\.[0-9]+)?)\s*
        (?P<scale>萬億|万亿|億|亿|萬|万)?
        (?P<unit>元|%|家|項|项|個|个|名|間|间|種|种|類|类)""",
    re.VERBOSE,
)
NAIVE_SCALES = {"萬億": 1e12, "万亿": 1e12, "億": 1e8, "亿": 1e8, "萬": 1e4, "万": 1e4, None: 1.0}


def squash(surface: str) -> str:
    return re.sub(r"\s*\n\s*", "", unicodedata.normalize("NFKC", surface))


def naive(text: str, currency: str | None) -> pd.DataFrame:
    rows = []
    for number, line in enumerate(text.split("\n"), start=1):
        for m in NAIVE_FIGURE.finditer(unicodedata.normalize("NFKC", line)):
            unit = {"元": currency, "%": "percent"}.get(m["unit"], "count")
            measure = {"percent": "percent", "count": "count"}.get(str(unit), "amount")
            value = float(m["number"].replace(",", "")) * NAIVE_SCALES[m["scale"]]
            rows.append(
                {"line": number, "surface": m.group(), "value": value, "unit": unit, "measure": measure}
            )
    frame = pd.DataFrame(rows, columns=["line", "surface", "value", "unit", "measure"])
    frame["period"] = None
    return frame


def _same(field: str, got: object, want: object) -> bool:
    if field == "value":
        return math.isclose(float(got), float(want), rel_tol=1e-9)  # type: ignore[arg-type]
    got = "" if got is None or (not isinstance(got, str) and pd.isna(got)) else str(got)
    return got == ("" if want is None or (not isinstance(want, str) and pd.isna(want)) else str(want))


def score(pairs: list[tuple[dict, dict]], n_pred: int, n_gold: int) -> dict[str, float]:
    """Detection P/R and per-field accuracy over gold rows."""
    out = {"P": len(pairs) / n_pred if n_pred else 0.0, "R": len(pairs) / n_gold if n_gold else 0.0}
    for field in FIELDS:
        out[field] = sum(_same(field, p[field], g[field]) for p, g in pairs) / n_gold if n_gold else 0.0
    return out


def pair_by_surface(predicted: pd.DataFrame, gold: list[dict]) -> list[tuple[dict, dict]]:
    want: dict[tuple[str, int], dict] = {(squash(g["surface"]), int(g["n"])): g for g in gold}
    seen: dict[str, int] = defaultdict(int)
    pairs = []
    for row in predicted.to_dict("records"):
        key = squash(str(row["surface"]))
        seen[key] += 1
        if (key, seen[key]) in want:
            pairs.append((row, want[key, seen[key]]))
    return pairs


def pair_by_line(predicted: pd.DataFrame, gold: pd.DataFrame) -> list[tuple[dict, dict]]:
    want = {(int(g["line"]), squash(g["surface"])): g for g in gold.to_dict("records")}
    return [
        (row, want[key])
        for row in predicted.to_dict("records")
        if (key := (int(row["line"]), squash(str(row["surface"])))) in want
    ]


def line(label: str, result: dict[str, float]) -> str:
    cells = " ".join(f"{result[k]:>7.3f}" for k in ("P", "R", *FIELDS))
    return f"{label:<34} {cells}"


def legco() -> None:
    gold = pd.read_csv(GOLD, dtype=str, keep_default_na=False)
    source = cs.source_text(DOC_ID)
    predicted = document_figures(cs.provisions(DOC_ID), source, default_currency="HKD")
    predicted["line"] = [source.count("\n", 0, int(s)) + 1 for s in predicted["start"]]
    baseline = naive(source[: cs.frames.corpus.span(DOC_ID)[1]], "HKD")
    print(f"{DOC_ID}: gold {len(gold)}, extractor {len(predicted)}, naive {len(baseline)}")
    print(f"{'':<34} {'P':>7} {'R':>7} {'value':>7} {'unit':>7} {'measure':>7} {'period':>7}")
    print(line("  extractor", score(pair_by_line(predicted, gold), len(predicted), len(gold))))
    print(line("  naive regex", score(pair_by_line(baseline, gold), len(baseline), len(gold))))


def samples() -> tuple[str, list[str]]:
    with SAMPLE_TEXTS.open(encoding="utf-8") as handle:
        texts = list(csv.DictReader(handle))
    with SAMPLE_GOLD.open(encoding="utf-8") as handle:
        gold = list(csv.DictReader(handle))
    print(f"\nsamples (tests/fixtures/samples/): {len(texts)} texts, {len(gold)} gold figures")
    print(f"{'':<34} {'P':>7} {'R':>7} {'value':>7} {'unit':>7} {'measure':>7} {'period':>7}")
    totals: dict[str, list] = {
        "with published": [[], 0, 0],
        "without published": [[], 0, 0],
        "naive regex": [[], 0, 0],
    }
    corpus_texts = []
    for entry in texts:
        text = (SAMPLES / entry["file"]).read_text(encoding="utf-8")
        corpus_texts.append(text)
        mine = [g for g in gold if g["text_id"] == entry["text_id"]]
        made_up = " (made up)" if entry["made_up"] == "true" else ""
        print(f"{entry['text_id']}{made_up}, published {entry['published']}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            runs = {
                "with published": extract_figures(text, published=entry["published"], issuer=entry["issuer"]),
                "without published": extract_figures(text, issuer=entry["issuer"]),
                "naive regex": naive(text, vocabulary.issuer_currency(entry["issuer"])),
            }
        for label, predicted in runs.items():
            pairs = pair_by_surface(predicted, mine)
            print(line(f"  {label}", score(pairs, len(predicted), len(mine))))
            totals[label][0] += pairs
            totals[label][1] += len(predicted)
            totals[label][2] += len(mine)
    print("all samples")
    for label, (pairs, n_pred, n_gold) in totals.items():
        print(line(f"  {label}", score(pairs, n_pred, n_gold)))
    return "\n".join(corpus_texts), corpus_texts


def tables() -> str:
    """Table cells against ``tests/gold/figures_tables.csv`` (the n-th cell with a surface)."""
    with (ROOT / "tests" / "gold" / "table_texts.csv").open(encoding="utf-8") as handle:
        texts = list(csv.DictReader(handle))
    with (ROOT / "tests" / "gold" / "figures_tables.csv").open(encoding="utf-8") as handle:
        gold = list(csv.DictReader(handle))
    print(f"\ntables (tests/gold/figures_tables.csv): {len(texts)} texts, {len(gold)} gold cells")
    print(f"{'':<34} {'P':>7} {'R':>7} {'value':>7} {'unit':>7} {'measure':>7} {'period':>7}")
    bodies = []
    all_pairs: list = []
    n_pred = n_gold = 0
    for entry in texts:
        text = (SAMPLES / entry["file"]).read_text(encoding="utf-8")
        bodies.append(text)
        mine = [dict(g, n=0) for g in gold if g["text_id"] == entry["text_id"]]
        seen: dict[str, int] = defaultdict(int)
        for g in mine:
            seen[g["surface"]] += 1
            g["n"] = seen[g["surface"]]
        predicted = extract_figures(text, published=entry["published"], issuer=entry["issuer"])
        cells = predicted[predicted["table_no"].notna()]
        pairs = pair_by_surface(cells, mine)
        print(line(f"  {entry['text_id']}", score(pairs, len(cells), len(mine))))
        all_pairs += pairs
        n_pred, n_gold = n_pred + len(cells), n_gold + len(mine)
    print(line("  all tables", score(all_pairs, n_pred, n_gold)))
    return "\n".join(bodies)


def throughput(text: str) -> None:
    repeats = 5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        began = time.perf_counter()
        for _ in range(repeats):
            extract_figures(text, default_currency="CNY", published="2020-01-01")
        ours = time.perf_counter() - began
        began = time.perf_counter()
        for _ in range(repeats):
            naive(text, "CNY")
        theirs = time.perf_counter() - began
    print(
        f"\nthroughput over {len(text):,} characters x {repeats}: extract_figures "
        f"{repeats * len(text) / ours:,.0f} characters/s; "
        f"naive regex {repeats * len(text) / theirs:,.0f} characters/s"
    )


def main() -> None:
    legco()
    sample_text, _ = samples()
    table_text = tables()
    corpus = "\n".join(cs.source_text(d) for d in dict.fromkeys(cs.documents()["doc_id"]))
    throughput(corpus + "\n" + sample_text + "\n" + table_text)


if __name__ == "__main__":
    main()
