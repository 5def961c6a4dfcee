"""The command line, through click's runner."""

from __future__ import annotations

from click.testing import CliRunner

from coopstats.cli import cli


def test_list_shows_every_document_with_its_task_count():
    result = CliRunner().invoke(cli, ["list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 6
    assert any(line.startswith("gdhk-keywork-2017") and " 77 tasks" in line for line in lines)


def test_parse_reports_parsed_flagged_and_refused_files(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(
        "一、合作机制\n\n1. 完善联席会议机制。（省港澳办）\n\n3. 跳号的任务。（省商务厅）\n", encoding="utf-8"
    )
    binary = tmp_path / "paper.pdf"
    binary.write_bytes(b"%PDF-1.5 binary")
    result = CliRunner().invoke(cli, ["parse", str(good), str(binary), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "parsed  " in result.output and "2 tasks" in result.output
    assert "REFUSED" in result.output and "PDF" in result.output
    assert (tmp_path / "out" / "good" / "tasks.csv").is_file()


def test_export_writes_the_requested_formats(tmp_path):
    result = CliRunner().invoke(cli, ["export", "--format", "parquet", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "tasks.parquet").is_file() and (tmp_path / "datapackage.json").is_file()


def test_validate_passes_on_the_corpus():
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output
