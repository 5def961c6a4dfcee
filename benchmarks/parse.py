"""Parsing speed, measured side by side in one run.

Prints:
- the corpus parsed cold (every stage, no cache) and warm (frames read from the cache, in a new process);
- the ratio of full parsing to the floor: reading the same bytes and one regex pass over them;
- cs.parse_documents on synthetic corpora of 100 and 1,000 task-list documents (made by recombining seed
  tasks, written as files) with jobs 1 (this process) and jobs 2 (a process pool): time, per-document cost,
  the ratio jobs 1 / jobs 2 (2 is the most two cores can give), the ratio 1,000 / 100 (10 = linear) and
  peak memory (max RSS of the main process, which holds every result, and of the largest worker).
  Each run is a fresh process. --big adds 10,000 documents.

Run: python benchmarks/parse.py [--big]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import coopstats as cs
from coopstats import corpus, frames


def timed(function, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def floor() -> None:
    """Read the raw bytes, decode them and run one regex pass: the least any parser must do."""
    pattern = re.compile(
        r"^\s*(?:\d+[.、]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)", re.M
    )
    for row in corpus.manifest():
        data = corpus.data_dir().joinpath("raw", row.source_file).read_bytes()
        pattern.findall(data.decode("utf-8"))


def synthetic_documents(count: int, seed: int = 2017) -> list[str]:
    """Task-list documents recombined from the seed tasks (text and clause), 3 chapters × 8 items each."""
    tasks = cs.tasks(["gdhk-keywork-2017", "panprd-gd-opinions-2017"])
    tasks = tasks[tasks["agency_clause"].notna() & tasks["item_no"].notna()]
    pool = [(t.text.split("\n")[0], t.agency_clause.split("\n")[0]) for t in tasks.itertuples()]
    chapters = ["跨界基础设施", "现代服务业", "合作机制", "优质生活圈", "创新及科技"]
    rng = random.Random(seed)
    documents = []
    for _ in range(count):
        lines, number = ["实施重点工作", ""], 0
        for c, chapter in enumerate(rng.sample(chapters, 3), start=1):
            lines += ["一二三"[c - 1] + "、" + chapter, ""]
            for text, clause in rng.sample(pool, 8):
                number += 1
                lines += [f"{number}. {text}（{clause}）", ""]
        documents.append("\n".join(lines))
    return documents


def main(big: bool = False) -> None:
    corpus_chars = sum(len(corpus.source_text(row.doc_id)) for row in corpus.manifest())
    # In one process: every stage from decoded text to frames, against reading the cached frames.
    in_process_cold = timed(frames.build_corpus, repeat=3)
    cs.tasks()  # make sure the cache exists

    def read_cache() -> None:
        frames._MEMO.clear()
        for name in ("provisions", "tasks", "assignments", "figures", "notes"):
            frames._corpus_frame(name)

    in_process_warm = timed(read_cache, repeat=3)
    # In new processes, as a user meets it: the first cs.tasks() parses, the next ones read the cache.
    code = "\n".join(
        [
            "import time, coopstats as cs",
            "t = time.perf_counter()",
            "cs.tasks()",
            "print(time.perf_counter() - t)",
        ]
    )
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "COOPSTATS_HOME": home}

        def fresh_process() -> float:
            run = subprocess.run(
                [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
            )
            return float(run.stdout)

        cold = fresh_process()
        warm = min(fresh_process() for _ in range(3))
    bottom = timed(floor, repeat=5)
    print(f"corpus: 6 documents, {corpus_chars:,} characters")
    ms_cold, ms_warm = cold * 1000, warm * 1000
    ms_parse, ms_read, ms_floor = in_process_cold * 1000, in_process_warm * 1000, bottom * 1000
    print(f"first cs.tasks() in a new process (parse + write cache): {ms_cold:7.1f} ms")
    print(f"next cs.tasks() in a new process (read cache):  {ms_warm:7.1f} ms  ratio {cold / warm:4.1f}")
    print(f"in one process: parse all stages {ms_parse:6.1f} ms, read cache {ms_read:6.1f} ms")
    print(
        f"floor (read + decode + one regex): {ms_floor:6.1f} ms; parse / floor = {ms_parse / ms_floor:4.0f}"
    )

    sizes = (100, 1000, 10000) if big else (100, 1000)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\ncs.parse_documents on synthetic documents ({os.cpu_count()} cores, load average {load} now;")
    print("a load above the cores: other processes share them, jobs 2 cannot gain; each run a fresh process)")
    header = ("documents", 9), ("jobs", 4), ("seconds", 8), ("ms/doc", 7), ("docs/s", 7), ("main MiB", 8)
    print(" ".join(f"{name:>{width}}" for name, width in header), f"{'worker MiB':>10}")
    with tempfile.TemporaryDirectory() as folder:
        timings: dict[tuple[int, int], float] = {}
        for size in sizes:
            files = write_documents(Path(folder) / str(size), synthetic_documents(size))
            for jobs in (1, 2):
                run = batch_run(files, jobs)
                timings[size, jobs] = run["seconds"]
                worker = f"{run['worker_kb'] / 1024:10.0f}" if run["worker_kb"] else f"{'(main)':>10}"
                print(
                    f"{size:9,} {jobs:4} {run['seconds']:8.2f} {run['seconds'] / size * 1000:7.1f} "
                    f"{size / run['seconds']:7.1f} {run['main_kb'] / 1024:8.0f} {worker}"
                )
                assert run["parsed"] == size, run
        print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
        for size in sizes:
            speed_up = timings[size, 1] / timings[size, 2]
            print(f"{size:,} documents: jobs 1 / jobs 2 = {speed_up:.2f} (2 = both cores)")
        for jobs in (1, 2):
            ratio = timings[1000, jobs] / timings[100, jobs]
            print(f"jobs {jobs}: time 1,000 / 100 = {ratio:.1f} (10 = linear)")


def write_documents(folder: Path, documents: list[str]) -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for number, text in enumerate(documents):
        path = folder / f"kw-{number:05d}.txt"
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    return paths


def batch_run(files: list[Path], jobs: int) -> dict[str, float]:
    """cs.parse_documents over ``files`` in a fresh process: its time and peak memory."""
    listing = Path(files[0]).parent / "files.json"
    listing.write_text(json.dumps([str(p) for p in files]))
    command = [sys.executable, __file__, "--batch", str(listing), str(jobs)]
    run = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(run.stdout.splitlines()[-1])


def batch_child(listing: str, jobs: int) -> None:
    files = json.loads(Path(listing).read_text())
    cs.parse_documents(files[:1], jobs=1, progress=False)  # imports and reference tables, as in any session
    start = time.perf_counter()
    results = cs.parse_documents(files, jobs=jobs, progress=False)
    seconds = time.perf_counter() - start
    workers = [r.peak_rss_kb for r in results if r.peak_rss_kb and not r.worker.endswith(f":{os.getpid()}")]
    print(
        json.dumps(
            {
                "seconds": seconds,
                "parsed": sum(r.ok for r in results),
                "main_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "worker_kb": max(workers, default=0),
            }
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--big", action="store_true", help="also 10,000 documents")
    parser.add_argument("--batch", nargs=2, metavar=("LISTING", "JOBS"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.batch:
        batch_child(arguments.batch[0], int(arguments.batch[1]))
    else:
        main(big=arguments.big)
