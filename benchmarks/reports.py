"""Wall time of ``coopstats report --all`` against the chain a user would otherwise script.

The naive chain runs, for every report of the default grid and one after the
other, the papermill CLI and then ``jupyter nbconvert --to html --no-input``.
``coopstats report --all --jobs N`` checks every parameter set first, runs the
notebooks N at a time and exports HTML in the same process. Both start from a
warm frame cache (built before timing), write to fresh folders and are timed in
this one run. The aim is a ratio of at most 0.5.

Run: ``python benchmarks/reports.py [--jobs 2]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        sys.exit(f"{name} is not installed next to {sys.executable}")
    return str(path)


def _run(command: list[str]) -> None:
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}")


def naive_chain(grid: list[tuple[str, dict[str, object]]], out: Path) -> float:
    """papermill CLI then nbconvert CLI per report, sequentially; seconds."""
    from importlib.resources import as_file

    from coopstats._resources import notebooks_dir

    papermill, jupyter = _tool("papermill"), _tool("jupyter")
    start = time.perf_counter()
    for number, (name, parameters) in enumerate(grid):
        with as_file(notebooks_dir().joinpath(f"{name}.ipynb")) as source:
            executed = out / f"{number:02d}-{name}.ipynb"
            command = [papermill, str(source), str(executed), "--kernel", "python3", "--no-progress-bar"]
            for key, value in parameters.items():
                command += ["-p", key, str(value)]
            _run(command)
        _run([jupyter, "nbconvert", "--to", "html", "--no-input", str(executed)])
    return time.perf_counter() - start


def coopstats_all(out: Path, jobs: int) -> float:
    """``coopstats report --all --jobs N``; seconds."""
    start = time.perf_counter()
    _run(
        [_tool("coopstats"), "report", "--all", "--jobs", str(jobs), "--out", str(out), "--progress", "none"]
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="parallel notebooks for coopstats (default 2)")
    args = parser.parse_args()

    import coopstats as cs
    from coopstats.reports import default_grid

    cs.tasks()  # build the frame cache once, outside the timings
    cs.figures()
    grid = default_grid()
    print(f"default grid: {len(grid)} reports; {os.cpu_count()} cores; jobs={args.jobs}")
    with tempfile.TemporaryDirectory() as naive_dir, tempfile.TemporaryDirectory() as ours_dir:
        naive = naive_chain(grid, Path(naive_dir))
        ours = coopstats_all(Path(ours_dir), args.jobs)
    print(f"naive chain (papermill CLI + jupyter nbconvert CLI, sequential): {naive:7.1f} s")
    print(f"coopstats report --all --jobs {args.jobs}:                          {ours:7.1f} s")
    print(f"ratio coopstats / naive: {ours / naive:.2f} (aim <= 0.50)")


if __name__ == "__main__":
    main()
