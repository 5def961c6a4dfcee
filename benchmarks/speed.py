"""Speed against the floor, side by side in one run (issue 19).

Prints, CPU time (``time.process_time``), best of three:

- ``extract_figures`` on the figure texts of ``tests/fixtures/samples/`` (news-length, with their
  ``published`` and ``issuer`` from ``tests/gold/figure_texts.csv``) and on the corpus documents' text
  spans, one call per text and batched (one call, a list of texts), as a ratio to the floor: one
  ``re.finditer`` of ``FLOOR`` over the same texts (target ≤ 20×); and, where importable, to the
  number, percentage and currency models of Recognizers-Text (Chinese);
- ``parse_document`` on the corpus raw files and the fixture samples, by path, as a ratio to reading
  the same files, decoding them and one pass of ``FLOOR`` (target ≤ 50×): the parse alone (its frames
  are built from the stages' columns when first read), the parse with every frame read, and the first
  parse of the files in a fresh process (no memo of an earlier run of the same texts), with the
  exclusive CPU time of each stage (timers wrapped around the stage functions; a stage's time excludes
  the stages it calls).

Recognizers-Text is not a dependency of coopstats (it needs ``emoji<1.0``); to have its column, make a
separate venv::

    python3 -m venv /tmp/rt-venv && /tmp/rt-venv/bin/pip install -e . recognizers-text-suite 'emoji<1.0'
    /tmp/rt-venv/bin/python benchmarks/speed.py

Run: ``python benchmarks/speed.py [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import csv
import functools
import gc
import os
import re
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import coopstats as cs
from coopstats import corpus

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "fixtures" / "samples"
FRAMES = ("provisions", "tasks", "assignments", "figures", "notes")
FLOOR = re.compile(r"\d+(?:[,，]\d{3})*(?:\.\d+)?\s*(?:萬億|万亿|億|亿|萬|万)?\s*(?:%|％)?")


def cpu(function: Callable[[], object], repeat: int = 3) -> float:
    """Best CPU time of ``repeat`` runs of ``function``, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()  # a collection owed by earlier work is not charged to this run
        start = time.process_time()
        function()
        best = min(best, time.process_time() - start)
    return best


def sample_texts() -> list[tuple[str, str, str, str]]:
    """``(text_id, text, published, issuer)`` of the sample figure texts."""
    with (ROOT / "tests" / "gold" / "figure_texts.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        (r["text_id"], (SAMPLES / r["file"]).read_text(encoding="utf-8"), r["published"], r["issuer"])
        for r in rows
    ]


def corpus_texts() -> list[tuple[str, str, str, str]]:
    """``(doc_id, text, published, issuer)`` of the corpus documents' parsed spans."""
    out = []
    for row in corpus.manifest():
        start, end = corpus.span(row.doc_id)
        published = getattr(row, "published", "") or row.issued or ""
        out.append((row.doc_id, corpus.source_text(row.doc_id)[start:end], published, row.issuer or ""))
    return out


def floor_pass(texts: list[str]) -> None:
    """One regex pass over every text: the least a figure extractor must do."""
    for text in texts:
        for _ in FLOOR.finditer(text):
            pass


def recognizers() -> Callable[[list[str]], None] | None:
    """Recognizers-Text's number, percentage and currency models over texts, if importable."""
    try:
        from recognizers_number import Culture, recognize_number, recognize_percentage
        from recognizers_number_with_unit import recognize_currency
    except ImportError:
        return None

    def run(texts: list[str]) -> None:
        for text in texts:
            recognize_number(text, Culture.Chinese)
            recognize_percentage(text, Culture.Chinese)
            recognize_currency(text, Culture.Chinese)

    return run


def supports_batch() -> bool:
    """Whether ``extract_figures`` takes a list of texts (issue 19)."""
    try:
        cs.extract_figures(["1%"], ids=["a"])
    except TypeError:
        return False
    return True


def figures_rows(label: str, items: list[tuple[str, str, str, str]], repeat: int) -> None:
    texts = [text for _, text, _, _ in items]
    chars = sum(map(len, texts))
    floor = cpu(lambda: floor_pass(texts), repeat=max(repeat, 25))  # cheap and noisy: the best of many

    def one_by_one() -> None:
        for _, text, published, issuer in items:
            cs.extract_figures(text, published=published or None, issuer=issuer or None)

    single = cpu(one_by_one, repeat)
    cells = [f"one by one {single * 1000:8.1f} ms {single / floor:6.1f}×"]
    if supports_batch():
        # one call: texts of one issuer and date each make one batch call with the ids
        batched = cpu(
            lambda: cs.extract_figures(
                texts,
                ids=[ident for ident, _, _, _ in items],
                published=[p or None for _, _, p, _ in items],
                issuer=[i or None for _, _, _, i in items],
            ),
            repeat,
        )
        cells.append(f"batched {batched * 1000:8.1f} ms {batched / floor:6.1f}×")
    else:
        cells.append("batched (not supported)")
    rt = recognizers()
    if rt is not None:
        theirs = cpu(lambda: rt(texts), 1)
        cells.append(f"Recognizers-Text {theirs * 1000:9.1f} ms {theirs / floor:7.1f}×")
    else:
        cells.append("Recognizers-Text: not importable (see the docstring)")
    print(
        f"{label:8} {len(texts):3} texts {chars:8,} chars  floor {floor * 1000:7.2f} ms  " + "  ".join(cells)
    )
    print(f"{'':8} extract_figures one by one: {chars / single:,.0f} characters/s")


# --- stage timers ----------------------------------------------------------------------------------

_TOTALS: dict[str, float] = defaultdict(float)
_STACK: list[list[float]] = []  # per active stage: [start, time spent in nested stages]


def _timed(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _STACK.append([time.process_time(), 0.0])
        try:
            return function(*args, **kwargs)
        finally:
            start, nested = _STACK.pop()
            spent = time.process_time() - start
            _TOTALS[stage] += spent - nested
            if _STACK:
                _STACK[-1][1] += spent

    return wrapper


STAGES: dict[str, list[tuple[str, str]]] = {
    "read + decode": [("coopstats.readers", "read_file"), ("coopstats.readers", "read_document")],
    "settings": [],
    "outline": [("coopstats.outline", "parse_outline")],
    "clauses/agencies": [
        ("coopstats.clauses", "field_run"),
        ("coopstats.clauses", "trailing_clause"),
        ("coopstats.clauses", "inline_fields"),
        ("coopstats.clauses", "text_clauses"),
        ("coopstats.agency_resolution", "assign"),
        ("coopstats.agency_resolution", "assignment_columns"),
    ],
    "figures": [
        ("coopstats.figure_extraction", "document_figures"),
        ("coopstats.figure_extraction", "document_figure_columns"),
    ],
    "themes": [("coopstats.themes", "assign_themes"), ("coopstats.themes", "theme_columns")],
    "conform": [("coopstats.frames", "conform")],
}


def install_timers() -> Callable[[], None]:
    """Wrap every stage function; returns the function that takes the wrappers off."""
    import importlib

    from coopstats.settings import DocumentSettings

    undo: list[Callable[[], None]] = []
    for stage, targets in STAGES.items():
        for module_name, name in targets:
            module = importlib.import_module(module_name)
            original = getattr(module, name, None)
            if original is None:  # renamed or gone: the stage shows 0%
                continue
            setattr(module, name, _timed(stage, original))
            undo.append(lambda m=module, n=name, o=original: setattr(m, n, o))
    original_resolve = DocumentSettings.__dict__["resolve"]
    DocumentSettings.resolve = classmethod(_timed("settings", original_resolve.__func__))
    undo.append(lambda: setattr(DocumentSettings, "resolve", original_resolve))
    return lambda: [step() for step in undo] and None


_FIRST_PARSE = """
import sys, time, warnings
warnings.simplefilter("ignore")
import coopstats as cs
cs.parse_document("一、合作\\n1. 推进合作，出口增长3%。（省商务厅牵头）\\n")  # imports, reference tables
paths = sys.argv[1:]
start = time.process_time()
for path in paths:
    cs.parse_document(__import__("pathlib").Path(path))
print(time.process_time() - start)
"""


def first_parse(paths: list[Path]) -> float:
    """CPU seconds of parsing ``paths`` once in a fresh process (imports and reference tables loaded
    first): what a user's first parse of these texts costs, no memo of an earlier run of them."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", _FIRST_PARSE, *map(str, paths)], capture_output=True, text=True, check=True
    )
    return float(out.stdout.split()[-1])


def parse_rows(label: str, paths: list[Path], repeat: int) -> None:
    def floor() -> None:
        for path in paths:
            for _ in FLOOR.finditer(path.read_bytes().decode("utf-8")):
                pass

    def parse() -> None:
        for path in paths:
            cs.parse_document(path)

    def parse_and_read() -> None:
        for path in paths:
            document = cs.parse_document(path)
            for name in FRAMES:
                getattr(document, name)

    chars = sum(len(p.read_bytes().decode("utf-8")) for p in paths)
    bottom = cpu(floor, max(repeat, 25))  # cheap and noisy: the best of many
    parsed = cpu(parse, repeat)
    read = cpu(parse_and_read, repeat)
    first = min(first_parse(paths) for _ in range(repeat))
    print(
        f"{label:8} {len(paths):3} files {chars:8,} chars  floor {bottom * 1000:7.2f} ms  "
        f"parse_document {parsed * 1000:8.1f} ms  ratio {parsed / bottom:6.1f}×   "
        f"and every frame read {read * 1000:8.1f} ms  ratio {read / bottom:6.1f}×   "
        f"first time in a process {first * 1000:8.1f} ms  ratio {first / bottom:6.1f}×"
    )
    _TOTALS.clear()
    remove = install_timers()
    total = 0.0
    try:
        for _ in range(repeat):  # the shares over several runs: one collection does not skew a stage
            gc.collect()
            start = time.process_time()
            parse()
            total += time.process_time() - start
    finally:
        remove()
    rest = total - sum(_TOTALS.values())
    shares = [*((stage, _TOTALS.get(stage, 0.0)) for stage in STAGES), ("the rest (untimed calls)", rest)]
    print(
        f"{'':8} stages ({repeat} timed runs, {total * 1000 / repeat:.1f} ms each): "
        + ", ".join(f"{stage} {seconds / total:4.0%}" for stage, seconds in shares)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    cs.extract_figures("前5個月出口總值約為2,345億元，下降3.1%。")  # imports, reference tables
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"CPU time, best of {args.repeat}; {os.cpu_count()} cores, load average {load}")
    print("\nextract_figures against one regex pass (target ≤ 20×)")
    samples, documents = sample_texts(), corpus_texts()
    figures_rows("samples", samples, args.repeat)
    figures_rows("corpus", documents, args.repeat)
    figures_rows("both", samples + documents, args.repeat)
    print("\nparse_document against reading, decoding and one regex pass (target ≤ 50×)")
    raw = [corpus.data_dir().joinpath("raw", row.source_file) for row in corpus.manifest()]
    sample_files = sorted(SAMPLES.glob("*.txt"))
    cs.parse_document(raw[0])
    parse_rows("corpus", raw, args.repeat)
    parse_rows("samples", sample_files, args.repeat)
    parse_rows("both", raw + sample_files, args.repeat)


if __name__ == "__main__":
    main()
