"""Exports: formula cells, frame names, Stata's rules, storage errors and temporaries of killed runs."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coopstats import export
from coopstats.errors import CoopstatsError, ExportError, StorageError

from .conftest import small_frames, snapshot


def test_csv_cells_that_spreadsheets_run_as_formulas_get_a_quote_and_parquet_and_stata_keep_them(tmp_path):
    cells = ['=HYPERLINK("http://x")', "+86 20", "-5 -", "@SUM(A1)", "\tx", "\rx", "推进", "a=b"]
    frame = pd.DataFrame({"text": cells, "value": [-1.5] * len(cells)})
    export.export_frames(tmp_path, formats=("csv", "parquet", "dta"), frames={"t": frame})
    back = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig", keep_default_na=False, engine="python")
    assert back["text"].tolist() == ["'" + c for c in cells[:6]] + cells[6:]
    assert back["value"].tolist() == [-1.5] * len(cells)  # numbers are not text: untouched
    assert pd.read_parquet(tmp_path / "t.parquet")["text"].tolist() == cells
    assert pyreadstat.read_dta(str(tmp_path / "t.dta"))[0]["text"].tolist() == cells


@pytest.mark.parametrize("name", ["../../x", "/etc/x", "a/b", "a\\b", "..", ".", "", ".hidden", "x\0y", 3])
def test_a_frame_name_that_is_not_a_file_name_is_refused_and_nothing_is_written(tmp_path, name):
    out = tmp_path / "deep" / "out"
    with pytest.raises(ExportError, match="not a file name"):
        export.export_frames(out, formats=("csv",), frames={name: pd.DataFrame({"a": [1]})})
    assert list(tmp_path.rglob("*")) == []


def test_stata_gets_missing_for_inf_and_valid_unique_names_with_the_originals_as_labels(tmp_path):
    frame = pd.DataFrame(
        {
            "growth rate": [1.0, float("inf"), float("-inf")],
            "growth-rate": [1.0, 2.0, 3.0],
            "金额": [1, 2, 3],
            "x" * 40: ["a", "b", "c"],
            "if": [1, 2, 3],
        }
    )
    export.to_stata(frame, tmp_path / "x.dta")
    back, meta = pyreadstat.read_dta(str(tmp_path / "x.dta"))
    assert back.columns.tolist() == ["growth_rate", "growth_rate_2", "v3", "x" * 32, "if_"]
    assert back["growth_rate"].isna().tolist() == [False, True, True]
    assert meta.column_labels[:3] == ["growth rate", "growth-rate", "金额"]


def test_a_read_only_folder_gives_a_storage_error_naming_it_and_keeps_the_previous_export(
    tmp_path, monkeypatch
):
    out = tmp_path / "out"
    export.export_frames(out, formats=("csv",), frames=small_frames("a"))
    before = snapshot(out)
    real_mkdir = Path.mkdir

    def read_only(self: Path, *args: object, **kwargs: object) -> None:
        if self.name.endswith(".tmp"):
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", read_only)
    with pytest.raises(StorageError, match="Read-only") as info:
        export.export_frames(out, formats=("csv",), frames=small_frames("b"))
    assert info.value.path == str(out)
    assert snapshot(out) == before


def test_a_full_disk_gives_a_storage_error_naming_the_file_and_keeps_the_previous_export(
    tmp_path, monkeypatch
):
    out = tmp_path / "out"
    export.export_frames(out, formats=("csv", "parquet"), frames=small_frames("a"))
    before = snapshot(out)
    real = export._write_parquet

    def full(frame: pd.DataFrame, path: Path) -> None:
        real(frame, path)
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(export, "_write_parquet", full)
    with pytest.raises(StorageError, match="No space left") as info:
        export.export_frames(out, formats=("csv", "parquet"), frames=small_frames("b"))
    assert info.value.path == str(out / "tasks.parquet")
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]  # no staging folder left


def test_cli_export_to_an_unwritable_place_exits_2_with_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from coopstats.cli import main; main()",
            "export",
            "--out",
            str(blocker / "out"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot write ") and "Traceback" not in result.stderr


def test_temporaries_of_killed_runs_are_removed_when_an_export_starts(tmp_path, monkeypatch):
    home = Path(os.environ["COOPSTATS_HOME"])
    out = tmp_path / "out"
    export.export_frames(out, formats=("csv",), frames=small_frames("a"))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    cache_folder = home / "cache" / "frames-0123456789abcdef"
    cache_folder.mkdir(parents=True, exist_ok=True)
    stale = [
        out / f".provisions.{dead_pid}.parquet",  # an older export's
        tmp_path / f".out.{dead_pid}.123.tmp",  # a killed export's staging folder
        cache_folder / f".abc.{dead_pid}.456.tmp",  # a killed cache writer's folder
        home / ".manifest.csv.k2j4x9.tmp",  # atomic_write's, older than this process
    ]
    live = [
        tmp_path / f".out.{os.getppid()}.1.tmp",  # a process that still runs
        home / ".fresh.csv.ab12cd.tmp",  # written after this process started
    ]
    for path in stale + live:
        path.write_bytes(b"x")
    os.utime(home / ".manifest.csv.k2j4x9.tmp", (1_000_000_000, 1_000_000_000))
    export.export_frames(out, formats=("csv",), frames=small_frames("b"))
    assert [p for p in stale if os.path.lexists(p)] == []
    assert all(os.path.lexists(p) for p in live)
    for path in live:
        path.unlink()


def test_files_of_the_user_in_the_folder_are_kept_and_folders_refused(tmp_path):
    out = tmp_path / "out"
    export.export_frames(out, formats=("csv",), frames=small_frames("a"))
    (out / "notes-of-mine.txt").write_text("mine")
    export.export_frames(out, formats=("csv",), frames=small_frames("b"))
    assert (out / "notes-of-mine.txt").read_text() == "mine"
    (out / "folder").mkdir()
    with pytest.raises(ExportError, match="holds a folder"):
        export.export_frames(out, formats=("csv",), frames=small_frames("c"))
    assert (out / "folder").is_dir()


_TEXT = st.text(
    alphabet=st.sampled_from(
        list("0123456789零一二三四五六七八九十百千万亿點点.,，、%()（）[]【】=+-@\t\r\n \"'")
    ),
    max_size=20_000,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(cells=["=" + "九亿" * 10_000, "-" * 20_000], name="long")
@given(cells=st.lists(_TEXT, min_size=1, max_size=3), name=st.text(max_size=12))
def test_any_long_text_cells_and_any_name_export_or_raise_a_coopstats_error(tmp_path, cells, name):
    frame = pd.DataFrame({"text": cells, "value": [float(len(c)) for c in cells]})
    out = tmp_path / "out"
    try:
        files = export.export_frames(out, formats=("csv", "parquet", "dta"), frames={name: frame})
    except CoopstatsError:
        return
    assert {f.name for f in files} == {f"{name}.csv", f"{name}.parquet", f"{name}.dta", "datapackage.json"}
    assert pd.read_parquet(out / f"{name}.parquet")["text"].tolist() == cells
    assert all(p.resolve().parent == out.resolve() for p in files)
