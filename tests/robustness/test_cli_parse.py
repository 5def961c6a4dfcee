"""coopstats parse goes on after a bad file, never writes two inputs to one folder, reads past bad bytes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from coopstats.cli import cli

KEYWORK = "2018年重点工作\n一、合作\n1. 推进合作。（省商务厅牵头，省港澳办配合）\n"


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_parse_goes_on_after_a_bad_file_and_exits_1(tmp_path):
    good = _write(tmp_path / "a.txt", KEYWORK.encode())
    bad = _write(tmp_path / "bad.txt", b"")
    later = _write(tmp_path / "c.txt", KEYWORK.encode("gb18030"))
    result = CliRunner().invoke(
        cli, ["parse", str(good), str(bad), str(later), "--out", str(tmp_path / "o"), "--jobs", "1"]
    )
    assert result.exit_code == 1
    assert (tmp_path / "o" / "a" / "tasks.csv").is_file() and (tmp_path / "o" / "c" / "tasks.csv").is_file()
    assert "1 of 3 files refused or failed" in result.output


def test_two_inputs_with_one_name_get_two_folders(tmp_path):
    first = _write(tmp_path / "a" / "doc.txt", KEYWORK.encode())
    second = _write(tmp_path / "b" / "doc.txt", KEYWORK.replace("省港澳办", "省财政厅").encode())
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, ["parse", str(first), str(second), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert folders == ["a__doc", "b__doc"]
    assert "省财政厅" in (out / "b__doc" / "assignments.csv").read_text(encoding="utf-8-sig")
    assert "省财政厅" not in (out / "a__doc" / "assignments.csv").read_text(encoding="utf-8-sig")


def test_parse_reads_past_bad_bytes_when_asked(tmp_path):
    data = KEYWORK.encode()
    broken = _write(tmp_path / "broken.txt", data[:10] + b"\xff" + data[10:])
    out = tmp_path / "o"
    strict = CliRunner().invoke(cli, ["parse", str(broken), "--out", str(out), "--jobs", "1"])
    assert strict.exit_code == 1 and "offset 10" in strict.output
    lenient = CliRunner().invoke(
        cli, ["parse", str(broken), "--out", str(out), "--jobs", "1", "--encoding-errors", "replace"]
    )
    assert lenient.exit_code == 0, lenient.output
    assert "replaced-bytes" in lenient.output
