"""Parsing speed, measured side by side in one run.

Prints:
- the corpus parsed cold (every stage, no cache) and warm (frames read from the cache, in a new process);
- the ratio of full parsing to the floor: reading the same bytes and one regex pass over them;
- throughput on synthetic corpora of 100 and 1,000 task-list documents made by recombining seed tasks,
  and the ratio of the two times (close to 10 means parsing scales linearly).

Run: python benchmarks/parse.py
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import tempfile
import time

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


def main() -> None:
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

    small, large = synthetic_documents(100), synthetic_documents(1000)
    t_small = timed(lambda: [cs.parse_document(d) for d in small], repeat=1)
    t_large = timed(lambda: [cs.parse_document(d) for d in large], repeat=1)
    chars_small, chars_large = sum(map(len, small)), sum(map(len, large))
    for label, seconds, chars, count in (
        ("100", t_small, chars_small, 100),
        ("1,000", t_large, chars_large, 1000),
    ):
        rate = f"{chars / seconds:10,.0f} chars/s  {count / seconds:6.1f} docs/s"
        print(f"synthetic {label:>5} documents: {seconds:7.2f} s  {rate}")
    print(f"time ratio 1,000 / 100: {t_large / t_small:.1f} (10 = linear)")


if __name__ == "__main__":
    main()
