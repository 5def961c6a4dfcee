"""Cost per character as inputs grow: every stage should be linear in its input.

Prints, for each stage and each input, CPU time (best of three) at 1×, 4×, 16× and 64× a base length,
the cost per character and the ratio of the cost per character at the largest size to that at 1× (1.0 =
linear). The inputs are a real seed document repeated, and the pathological texts that once made stages
quadratic: numbering that repeats, 16,000 chapters all numbered 一、, one clause of 16,000 agencies, a
clause of role words only, and one long figure text. A size whose run takes more than ``--cap``
seconds stops that row (marked ``>cap``).

Usage: ``python benchmarks/scaling.py [--cap SECONDS] [--max-factor 64]``.
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Callable

from speed import cpu  # the same CPU timer, best of N (benchmarks/ is on the path when run)

import coopstats as cs
from coopstats import corpus
from coopstats.errors import CoopstatsError, CoopstatsWarning


def seed_text() -> str:
    return corpus.source_text("gdhk-keywork-2017")


def figure_text() -> str:
    source = corpus.source_text("legco-cb-trade-2011")
    start, end = corpus.span("legco-cb-trade-2011")
    return source[start:end]


def repeating_numbering(count: int) -> str:
    return "".join(f"一、章{k}\n（二）节。\n" for k in range(count))


# (stage, input name, base text maker, function of the text)
def cases() -> list[tuple[str, str, Callable[[int], str], Callable[[str], object]]]:
    parse = lambda text: cs.parse_document(text)  # noqa: E731
    resolve = lambda text: cs.resolve_agencies(text)  # noqa: E731
    figures = lambda text: cs.extract_figures(text)  # noqa: E731
    seed = seed_text()
    facts = figure_text()
    return [
        ("parse_document", "seed key-work list", lambda n: seed * n, parse),
        ("parse_document", "repeating numbering", lambda n: repeating_numbering(250 * n), parse),
        ("parse_document", "chapters all 一、", lambda n: "一、章。\n" * (250 * n), parse),
        ("resolve_agencies", "clause of n agencies", lambda n: "、".join(["省商务厅"] * 250 * n), resolve),
        ("resolve_agencies", "牵头 repeated", lambda n: "省商务厅" + "牵头" * (250 * n), resolve),
        ("extract_figures", "briefing text", lambda n: facts * n, figures),
        ("extract_figures", "增长1%， repeated", lambda n: "增长1%，" * (250 * n), figures),
        ("extract_figures", "三分之 repeated", lambda n: "三分之" * (250 * n), figures),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=20.0, help="seconds a single run may take")
    parser.add_argument("--max-factor", type=int, default=64)
    args = parser.parse_args()
    factors = [f for f in (1, 4, 16, 64) if f <= args.max_factor]
    print(f"{'stage':17} {'input':26} " + " ".join(f"{f'{f}×':>14}" for f in factors) + "   ratio")
    warnings.simplefilter("ignore", CoopstatsWarning)
    for stage, name, make, run in cases():
        per_char: list[float] = []
        cells: list[str] = []
        for factor in factors:
            text = make(factor)
            try:
                seconds = cpu(lambda text=text, run=run: run(text), repeat=1 if factor >= 16 else 3)
            except CoopstatsError as exc:
                cells.append(f"{'error':>14}")
                print(f"  ({stage} {name} {factor}×: {exc})")
                break
            per_char.append(seconds / len(text) * 1e6)
            cells.append(f"{seconds:6.2f}s {per_char[-1]:5.1f}µ")
            if seconds > args.cap:
                cells.append(f"{'>cap':>14}")
                break
        ratio = per_char[-1] / per_char[0] if per_char and per_char[0] > 0 else float("nan")
        print(f"{stage:17} {name:26} " + " ".join(cells) + f"   {ratio:5.1f}")
    print("cells: CPU seconds, µs per character; ratio: µs per character at the largest size / at 1×")


if __name__ == "__main__":
    main()
