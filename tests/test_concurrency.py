"""Processes at once and killed runs never leave wrong data: the frame cache and the user's manifest.

Each test starts its processes together (they wait for a start file), so they race for real.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa

WAIT_FOR_GO = "import os, time\nwhile not os.path.exists(os.environ['GO']):\n    time.sleep(0.005)\n"


def _start(home: Path, go: Path, code: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "COOPSTATS_HOME": str(home), "GO": str(go)}
    return subprocess.Popen(
        [sys.executable, "-c", WAIT_FOR_GO + code, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(processes: list[subprocess.Popen[str]]) -> list[str]:
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        outputs.append(out.strip())
    return outputs


def _frames_in(home: Path) -> dict[str, pd.DataFrame]:
    """Every cached frame file under ``home``, read back (each must be whole)."""
    found = {}
    for path in sorted((home / "cache").glob("frames-*/*/*.arrow")):
        found[f"{path.parent.name}/{path.name}"] = pa.ipc.open_file(path).read_all().to_pandas()
    return found


def test_four_processes_on_a_cold_cache_get_the_same_frames(tmp_path):
    home, go = tmp_path / "home", tmp_path / "go"
    code = "import coopstats as cs\nt = cs.tasks()\nprint(len(t), t['task_id'].iloc[-1])\n"
    processes = [_start(home, go, code) for _ in range(4)]
    go.touch()
    outputs = _finish(processes)
    assert outputs == ["250 panprd-guidance-2016/c10.s35"] * 4
    documents = [p for p in (home / "cache").glob("frames-*/*") if p.is_dir()]
    assert len(documents) == 6  # one folder per document: nobody wrote a second or a partial one
    assert len(_frames_in(home)) == 6 * 5  # and every file reads


def test_two_adds_at_once_both_land_in_the_manifest(tmp_path):
    home, go = tmp_path / "home", tmp_path / "go"
    files = []
    for year in (2018, 2019):
        path = tmp_path / f"kw-{year}.txt"
        path.write_text(
            f"{year}年重点工作\n一、合作\n1. 推进合作。（省商务厅牵头，省港澳办配合）\n", encoding="utf-8"
        )
        files.append(path)
    code = "import sys, coopstats as cs\nprint(cs.add(sys.argv[1])['doc_id'].iloc[0])\n"
    processes = [_start(home, go, code, str(path)) for path in files]
    go.touch()
    assert sorted(_finish(processes)) == ["kw-2018", "kw-2019"]
    with (home / "corpus" / "manifest.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(row["doc_id"] for row in rows) == ["kw-2018", "kw-2019"]  # each once
    assert sorted(p.name for p in (home / "corpus" / "raw").iterdir()) == ["kw-2018.txt", "kw-2019.txt"]


def test_a_build_killed_midway_leaves_a_cache_that_gives_correct_frames(tmp_path):
    clean_home = tmp_path / "clean"
    script = (
        "import coopstats as cs\n"
        "import pandas as pd\n"
        "for name in ('provisions', 'tasks', 'assignments', 'figures'):\n"
        "    getattr(cs, name)().to_parquet(f'{name}.parquet')\n"
    )
    env = {**os.environ, "COOPSTATS_HOME": str(clean_home)}
    (tmp_path / "clean-out").mkdir()
    subprocess.run([sys.executable, "-c", script], env=env, cwd=tmp_path / "clean-out", check=True)
    for delay in (0.3, 0.8, 1.5):
        home = tmp_path / f"killed-{delay}"
        env = {**os.environ, "COOPSTATS_HOME": str(home)}
        victim = subprocess.Popen([sys.executable, "-c", "import coopstats as cs; cs.assignments()"], env=env)
        time.sleep(delay)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        out = tmp_path / f"out-{delay}"
        out.mkdir()
        subprocess.run([sys.executable, "-c", script], env=env, cwd=out, check=True)
        for name in ("provisions", "tasks", "assignments", "figures"):
            pd.testing.assert_frame_equal(
                pd.read_parquet(out / f"{name}.parquet"),
                pd.read_parquet(tmp_path / "clean-out" / f"{name}.parquet"),
            )


def test_eight_report_runs_finishing_together_all_land_in_the_index(tmp_path):
    """Eight `coopstats report` processes at once into one folder: the index lists eight runs."""
    import json

    home, go, out = tmp_path / "home", tmp_path / "go", tmp_path / "reports"
    notebooks = Path(__file__).resolve().parent / "notebooks"
    code = (
        "import sys\n"
        "from coopstats.cli import main\n"
        "notebooks, message, out = sys.argv[1:4]\n"
        "sys.argv = ['coopstats', 'report', 'echo', '--notebook-dir', notebooks, '-p', 'message', message,"
        " '--out', out, '--progress', 'none']\n"
        "main()\n"
    )
    processes = [_start(home, go, code, str(notebooks), f"run-{k}", str(out)) for k in range(8)]
    go.touch()
    _finish(processes)
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert sorted(entry["parameters"]["message"] for entry in index["reports"]) == [
        f"run-{k}" for k in range(8)
    ]
    assert all(entry["status"] == "ok" for entry in index["reports"])
