"""The user's own corpus: coopstats add / remove / list, cs.add, and what every frame then covers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import coopstats as cs
from coopstats import cli, collection, corpus, frames
from coopstats.errors import CorpusIntegrityError, DocumentExistsError, StorageError, UnknownDocumentError

# A key-work list in the genre's trailing-clause layout (made up, modelled on the 2017 list). Read by hand:
# task 1 names 4 agencies (省发展改革委 lead; 省交通运输厅, 省口岸办, 珠海市政府 co), task 2 two, task 3 two.
KEYWORK = """实施合作框架协议{year}年重点工作

一、跨界基础设施

1. 加快推进港珠澳大桥珠澳口岸配套工程建设。（省发展改革委牵头，省交通运输厅、口岸办，珠海市政府等按职责分工\
负责）

2. 推进粤澳新通道建设。（省口岸办、珠海市政府）

二、合作机制

3. 完善联席会议机制。（省港澳办牵头，省商务厅等按职责分工负责）
"""


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("COOPSTATS_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def _keywork(folder: Path, name: str, year: int, *, encoding: str = "utf-8") -> Path:
    path = folder / name
    text = KEYWORK.format(year=year)
    if encoding == "big5":
        import opencc

        text = opencc.OpenCC("s2hk").convert(text)
    path.write_bytes(text.encode(encoding))
    return path


def test_added_documents_reach_every_frame_in_a_new_process(home, tmp_path):
    text_file = _keywork(tmp_path, "kw-2018.txt", 2018)
    big5_file = _keywork(tmp_path, "kw-2019-big5.txt", 2019, encoding="big5")
    page = tmp_path / "kw-2020.html"
    body = "".join(f"<p>{line}</p>" for line in KEYWORK.format(year=2020).splitlines() if line.strip())
    page.write_text(
        f'<html><head><meta charset="utf-8"><title>重点工作</title></head><body><nav>首页 | 政务公开</nav>'
        f'<div class="article">{body}</div><footer>版权所有</footer></body></html>',
        encoding="utf-8",
    )
    runner = CliRunner()
    paths = [str(text_file), str(big5_file), str(page)]
    result = runner.invoke(cli.cli, ["add", *paths, "--published", "2019-02-01", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "added as kw-2018 (text, task-list): 3 tasks, 8 assignments" in result.output
    assert "added as kw-2019-big5 (text, task-list): 3 tasks, 8 assignments" in result.output
    assert "added as kw-2020 (html, task-list): 3 tasks, 8 assignments" in result.output
    # byte for byte in the user folder, never in the packaged data
    assert (home / "corpus" / "raw" / "kw-2019-big5.txt").read_bytes() == big5_file.read_bytes()
    script = (
        "import coopstats as cs\n"
        "t = cs.tasks()\n"
        "print(len(t), sorted(t.loc[t.doc_id.str.startswith('kw-'), 'doc_id'].unique()))\n"
        "a = cs.assignments('kw-2019-big5')\n"
        "print(a.loc[a.role == 'lead', 'name'].tolist())\n"
        "d = cs.documents().set_index('doc_id')\n"
        "print(d.loc['kw-2019-big5', ['origin', 'script', 'published']].tolist())\n"
    )
    env = {**os.environ, "COOPSTATS_HOME": str(home)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [
        "259 ['kw-2018', 'kw-2019-big5', 'kw-2020']",  # the corpus's 250 tasks and 3 + 3 + 3
        "['省发展改革委', '省港澳办']",
        "['user', 'hant', '2019-02-01']",
    ]
    listed = runner.invoke(cli.cli, ["list"]).output.splitlines()
    assert [line.split()[:2] for line in listed[-3:]] == [
        ["kw-2018", "user"],
        ["kw-2019-big5", "user"],
        ["kw-2020", "user"],
    ]
    assert listed[0].split()[:2] == ["gd-hkmo-decision-2009", "embedded"]


def test_adding_a_tenth_document_parses_only_that_one(home, tmp_path, monkeypatch):
    for year in range(2010, 2019):
        cs.add(_keywork(tmp_path, f"kw-{year}.txt", year))
    cs.tasks()  # every document parsed or cached
    parsed: list[str] = []
    real_build = frames._build_document

    def counting_build(settings, *args, **kwargs):
        parsed.append(settings.doc_id)
        return real_build(settings, *args, **kwargs)

    monkeypatch.setattr(frames, "_build_document", counting_build)
    cs.add(_keywork(tmp_path, "kw-2019.txt", 2019))
    tasks = cs.tasks()
    assert parsed == ["kw-2019"]  # parsed once, when added; cs.tasks() read it from the cache
    assert tasks["doc_id"].str.startswith("kw-").sum() == 30
    added = cs.tasks("kw-2019")
    again = frames.build_document("kw-2019")["tasks"]
    pd.testing.assert_frame_equal(added, frames.conform("tasks", again))


def test_removing_a_document_drops_it_everywhere(home, tmp_path):
    cs.add(_keywork(tmp_path, "kw-2018.txt", 2018))
    assert "kw-2018" in set(cs.assignments()["doc_id"])
    result = CliRunner().invoke(cli.cli, ["remove", "kw-2018"])
    assert result.exit_code == 0, result.output
    for frame in (cs.tasks(), cs.assignments(), cs.provisions(), cs.figures(), cs.documents()):
        assert "kw-2018" not in set(frame["doc_id"])
    assert not (home / "corpus" / "raw" / "kw-2018.txt").exists()
    with pytest.raises(UnknownDocumentError):
        cs.tasks("kw-2018")
    with pytest.raises(UnknownDocumentError):
        collection.remove("kw-2018")


def test_a_modified_user_file_is_refused_like_a_packaged_one(home, tmp_path):
    cs.add(_keywork(tmp_path, "kw-2018.txt", 2018))
    raw = home / "corpus" / "raw" / "kw-2018.txt"
    raw.write_bytes(raw.read_bytes().replace("口岸".encode(), "港口".encode()))
    corpus._read.cache_clear()
    with pytest.raises(CorpusIntegrityError, match="changed after it was added"):
        corpus.check_integrity()
    raw.unlink()
    corpus._read.cache_clear()
    with pytest.raises(CorpusIntegrityError, match="missing"):
        corpus.source_text("kw-2018")


def test_a_colliding_doc_id_is_refused_unless_replaced(home, tmp_path):
    first = _keywork(tmp_path, "kw-2018.txt", 2018)
    cs.add(first)
    with pytest.raises(DocumentExistsError, match="already in the corpus \\(user\\)"):
        cs.add(_keywork(tmp_path, "kw-2018-b.txt", 2020), doc_id="kw-2018")
    with pytest.raises(DocumentExistsError, match="embedded corpus cannot be replaced"):
        cs.add(first, doc_id="gdhk-keywork-2017", replace=True)
    replaced = cs.add(_keywork(tmp_path, "kw-2018-b.txt", 2020), doc_id="kw-2018", replace=True)
    assert replaced["replaced"].tolist() == [True]
    assert cs.documents().set_index("doc_id").loc["kw-2018", "title"] == "实施合作框架协议2020年重点工作"
    result = CliRunner().invoke(cli.cli, ["add", str(first)])
    assert result.exit_code == 1
    assert "not added" in result.output and "already in the corpus" in result.output


def test_a_bad_file_among_good_ones_is_reported_and_the_others_added(home, tmp_path):
    good = _keywork(tmp_path, "kw-2018.txt", 2018)
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    later = _keywork(tmp_path, "kw-2019.txt", 2019)
    result = CliRunner().invoke(cli.cli, ["add", str(good), str(bad), str(later)])
    assert result.exit_code == 1
    assert [row.doc_id for row in corpus.manifest() if row.origin == "user"] == ["kw-2018", "kw-2019"]


def test_a_read_only_user_folder_gives_a_storage_error_and_keeps_the_manifest(home, tmp_path, monkeypatch):
    cs.add(_keywork(tmp_path, "kw-2018.txt", 2018))
    manifest = home / "corpus" / "manifest.csv"
    before = manifest.read_bytes()

    def read_only(*args, **kwargs):  # what mkstemp meets in a read-only folder (also as root)
        raise OSError(30, "Read-only file system")

    with monkeypatch.context() as patch, pytest.raises(StorageError, match="Read-only file system") as caught:
        patch.setattr("tempfile.mkstemp", read_only)
        cs.add(_keywork(tmp_path, "kw-2019.txt", 2019))
    assert caught.value.path.endswith("kw-2019.txt")
    assert manifest.read_bytes() == before
    assert [row.doc_id for row in corpus.manifest() if row.origin == "user"] == ["kw-2018"]


def test_a_full_disk_gives_a_storage_error_and_keeps_the_manifest(home, tmp_path, monkeypatch):
    cs.add(_keywork(tmp_path, "kw-2018.txt", 2018))
    manifest = home / "corpus" / "manifest.csv"
    before = manifest.read_bytes()
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch, pytest.raises(StorageError, match="No space left") as caught:
        patch.setattr(
            os,
            "fdopen",
            lambda fd, mode="r", *a, **k: (
                FullDisk(real_fdopen(fd, mode)) if "w" in mode else real_fdopen(fd, mode, *a, **k)
            ),
        )
        cs.add(_keywork(tmp_path, "kw-2019.txt", 2019))
    assert caught.value.path.endswith("kw-2019.txt")
    assert manifest.read_bytes() == before
    assert [p.name for p in (home / "corpus" / "raw").iterdir()] == ["kw-2018.txt"]  # no temporary left
    assert [row.doc_id for row in corpus.manifest() if row.origin == "user"] == ["kw-2018"]


def test_report_grid_covers_user_documents_only_when_asked(home, tmp_path):
    from coopstats.reports import default_grid

    cs.add(_keywork(tmp_path, "kw-2018.txt", 2018))
    assert ("agency_workload", {"doc_id": "kw-2018"}) not in default_grid()
    with_user = default_grid(user=True)
    assert ("agency_workload", {"doc_id": "kw-2018"}) in with_user
    assert with_user.count(("trade_investment", {})) == 1  # a run naming no document is not repeated
    assert all(run in with_user for run in default_grid())
