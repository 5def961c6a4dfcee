"""An export killed at any point, or run by two processes at once, never leaves a short or mixed export."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from coopstats import export
from coopstats.errors import ExportError

from .conftest import small_frames, snapshot

CHILD = """
import os, pathlib, sys, time
import pandas as pd
from coopstats import export

stage, out, ready, tag, rows = sys.argv[1:6]
rows = int(rows)
frames = {
    "tasks": pd.DataFrame({"task_id": [f"{tag}-{i}" for i in range(rows)], "n": range(rows)}),
    "figures": pd.DataFrame({"surface": [f"{tag} {i}亿元" for i in range(rows)],
                             "value": [i * 1e8 for i in range(rows)]}),
}

def pause():
    pathlib.Path(ready).touch()
    time.sleep(120)

if stage == "first-file":
    write_one = export._write_one
    def hooked(frame, path, fmt):
        write_one(frame, path, fmt)
        pause()
    export._write_one = hooked
elif stage == "before-swap":
    swap = export._swap
    export._swap = lambda staging, target: (pause(), swap(staging, target))
elif stage == "after-swap":
    swap = export._swap
    export._swap = lambda staging, target: (swap(staging, target), pause())
elif stage == "between-renames":
    export._exchange = lambda first, second: False  # systems without an atomic exchange
    rename = os.rename
    def hooked_rename(src, dst):
        rename(src, dst)
        if str(dst).endswith(".old.tmp"):
            pause()
    os.rename = hooked_rename
for _ in range(int(os.environ.get("REPEAT", "1"))):
    export.export_frames(out, formats=("csv", "parquet", "dta"), frames=frames)
print("done")
"""


def _run_child(stage: str, out: Path, ready: Path, tag: str, rows: int = 200, **env: str):
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, stage, str(out), str(ready), tag, str(rows)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_when_ready(process: subprocess.Popen[str], ready: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready.exists():
        if process.poll() is not None:
            raise AssertionError(process.stderr.read() if process.stderr else "child ended")
        assert time.monotonic() < deadline, "the child never reached its pause"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()


@pytest.mark.parametrize("stage", ["first-file", "before-swap", "between-renames"])
def test_an_export_killed_before_it_is_in_place_leaves_the_previous_one_byte_for_byte(tmp_path, stage):
    out, ready = tmp_path / "out", tmp_path / "ready"
    export.export_frames(out, formats=("csv", "parquet", "dta"), frames=small_frames("a"))
    before = snapshot(out)
    _kill_when_ready(_run_child(stage, out, ready, "b"), ready)
    if stage == "between-renames":
        # killed with the previous export renamed aside: the next export to the folder puts it back first
        assert not out.exists()
        with pytest.raises(ExportError):  # a frame pyarrow refuses: this export fails, changing nothing
            export.export_frames(out, formats=("parquet",), frames={"bad": pd.DataFrame({"x": [1, "a"]})})
    assert snapshot(out) == before
    export.export_frames(out, formats=("csv",), frames=small_frames("c"))
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []  # the killed run's staging folder was removed by the next export


def test_an_export_killed_after_the_swap_is_the_new_export_whole(tmp_path):
    out, ready = tmp_path / "out", tmp_path / "ready"
    export.export_frames(out, formats=("csv", "parquet", "dta"), frames=small_frames("a"))
    _kill_when_ready(_run_child("after-swap", out, ready, "b"), ready)
    reference = tmp_path / "reference"
    export.export_frames(reference, formats=("csv", "parquet", "dta"), frames=small_frames("b"))
    assert snapshot(out) == snapshot(reference)


def test_coopstats_export_killed_at_three_moments_leaves_the_first_export(tmp_path):
    out = tmp_path / "processed"
    command = [sys.executable, "-c", "from coopstats.cli import main; main()", "export", "--format", "csv"]
    command += ["--format", "parquet"]
    first = subprocess.run([*command, "--out", str(out)], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    assert len(before) == 21  # ten frames in two formats and datapackage.json
    for delay in (0.2, 0.5, 1.0):
        victim = subprocess.Popen(
            [*command, "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        assert snapshot(out) == before, f"killed after {delay} s"


def _read_whole(out: Path, seen: list[str], errors: list[str], stop: threading.Event) -> None:
    """Read the export again and again; every file must be one export's, whole."""
    while not stop.is_set():
        try:
            csv_bytes = (out / "tasks.csv").read_bytes()
            parquet_bytes = (out / "figures.parquet").read_bytes()
        except FileNotFoundError as exc:
            errors.append(f"missing: {exc}")
            continue
        tasks = pd.read_csv(io.BytesIO(csv_bytes), encoding="utf-8-sig")
        figures = pd.read_parquet(io.BytesIO(parquet_bytes))
        tags = {value.split("-")[0] for value in tasks["task_id"]}
        if len(tasks) != 3000 or len(tags) != 1:
            errors.append(f"tasks.csv: {len(tasks)} rows of {tags}")
        if len(figures) != 3000 or len({s.split(" ")[0] for s in figures["surface"]}) != 1:
            errors.append("figures.parquet: short or mixed")
        seen.extend(tags)


def test_two_exports_at_once_take_turns_and_readers_see_whole_files(tmp_path):
    out = tmp_path / "out"
    export.export_frames(out, formats=("csv", "parquet", "dta"), frames=small_frames("a", rows=3000))
    seen: list[str] = []
    errors: list[str] = []
    stop = threading.Event()
    reader = threading.Thread(target=_read_whole, args=(out, seen, errors, stop))
    reader.start()
    try:
        writers = [
            _run_child("none", out, tmp_path / "unused", tag, rows=3000, REPEAT="4") for tag in ("b", "c")
        ]
        for writer in writers:
            _, err = writer.communicate(timeout=120)
            assert writer.returncode == 0, err
    finally:
        stop.set()
        reader.join()
    assert errors == []
    assert {"b", "c"} & set(seen)  # the reader saw the writers' exports, not only the first one
    assert snapshot(out).keys() == {
        "tasks.csv",
        "tasks.parquet",
        "tasks.dta",
        "figures.csv",
        "figures.parquet",
        "figures.dta",
        "datapackage.json",
    }
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
