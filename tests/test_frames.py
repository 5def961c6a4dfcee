"""Public frames, the cache, the import cost, and what happens with bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coopstats as cs
from coopstats import schemas
from coopstats.errors import CoopstatsError, CorpusIntegrityError, ParseError, UnknownDocumentError

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def test_documents_frame_follows_the_manifest():
    docs = cs.documents()
    assert docs["doc_id"].tolist() == [
        "gd-hkmo-decision-2009",
        "gdhk-keywork-2017",
        "panprd-gd-opinions-2017",
        "legco-cb-trade-2011",
        "gdhk-keywork-2011",
        "panprd-guidance-2016",
    ]
    row = docs.set_index("doc_id").loc["panprd-guidance-2016"]
    assert (row["doc_number"], row["issued"], row["script"], row["kind"]) == (
        "国发〔2016〕18号",
        "2016-03-03",
        "hans",
        "policy",
    )
    # one raw file holds two documents, split by line
    split = docs.set_index("doc_id").loc[
        ["legco-cb-trade-2011", "gdhk-keywork-2011"], ["source_file", "line_start", "line_end"]
    ]
    assert split.values.tolist() == [
        ["legco-cb-trade-2011.txt", 1, 592],
        ["legco-cb-trade-2011.txt", 593, 1063],
    ]


@pytest.mark.parametrize("name", list(schemas.FRAMES))
def test_frames_conform_to_their_declared_schema(name):
    frame = {"notes": cs.parse_notes}.get(name, getattr(cs, name, None))()
    schemas.validate(name, frame)
    declared = [c.name for c in schemas.FRAMES[name]]
    assert frame.columns.tolist()[: len(declared)] == declared


def test_unknown_doc_id_names_the_known_ones():
    with pytest.raises(UnknownDocumentError) as info:
        cs.tasks("gdhk-keywork-2018")
    assert "gdhk-keywork-2017" in str(info.value)
    assert "gdhk-keywork-2017" in info.value.known
    assert isinstance(info.value, LookupError)


def test_doc_id_selects_several_in_the_order_asked():
    tasks = cs.tasks(["panprd-guidance-2016", "gdhk-keywork-2017"])
    assert tasks["doc_id"].unique().tolist() == ["panprd-guidance-2016", "gdhk-keywork-2017"]


def test_changed_raw_file_is_refused(tmp_path, monkeypatch):
    from coopstats import _resources, corpus

    copy = tmp_path / "data"
    shutil.copytree(RAW.parent / "raw", copy / "raw")
    (copy / "raw" / "gdhk-keywork-2017.txt").write_bytes((RAW / "gdhk-keywork-2017.txt").read_bytes() + b" ")
    monkeypatch.setattr(corpus, "data_dir", lambda: copy)
    corpus._read.cache_clear()
    try:
        with pytest.raises(CorpusIntegrityError, match=r"gdhk-keywork-2017\.txt"):
            corpus.source_text("gdhk-keywork-2017")
        (copy / "raw" / "gdhk-keywork-2017.txt").unlink()
        with pytest.raises(CorpusIntegrityError, match="missing"):
            corpus.check_integrity()
    finally:
        corpus._read.cache_clear()
    assert _resources.data_dir() is not None


def test_import_is_light():
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import coopstats"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    loaded = {line.rsplit("|", 1)[-1].strip() for line in out.splitlines()}
    assert not loaded & {"matplotlib", "seaborn", "statsmodels", "papermill", "pandas", "pandera"}


def test_a_second_process_reads_the_cache_without_parsing(tmp_path):
    env = {**os.environ, "COOPSTATS_HOME": str(tmp_path)}
    script = "import sys, coopstats as cs; n = len(cs.tasks()); print(n, 'coopstats.outline' in sys.modules)"
    first = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    second = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert first.stdout.split() == ["250", "True"]  # 31 + 77 + 36 + 71 + 35 tasks, parsed
    assert second.stdout.split() == ["250", "False"]  # read from the cache: the parser never loaded
    assert list(tmp_path.glob("cache/frames-*/*/tasks.arrow"))


# --- parse_document: any text of the genre -------------------------------------------------------


KEYWORK_2018_STYLE = """实施《粤澳合作框架协议》2018年重点工作

一、跨境基础设施

1. 加快推进港珠澳大桥珠澳口岸配套工程建设。（省发展改革委牵头，省交通运输厅、口岸办，\
珠海市政府等按职责分工负责）

2. 推进横琴口岸
（金融岛）改造。（珠海市政府）

二、现代服务业

（一）金融合作。

3. 支持澳门发展特色金融。（人民银行广州分行、省金融办）
"""


def test_parse_document_of_an_unseen_key_work_list():
    doc = cs.parse_document(KEYWORK_2018_STYLE, doc_id="gdmo-keywork-2018")
    assert doc.tasks["item_no"].tolist() == [1, 2, 3]
    assert doc.tasks["agency_clause"].tolist() == [
        "省发展改革委牵头，省交通运输厅、口岸办，珠海市政府等按职责分工负责",
        "珠海市政府",
        "人民银行广州分行、省金融办",
    ]
    assert doc.tasks.loc[1, "text"] == "推进横琴口岸（金融岛）改造。"
    assert doc.tasks.loc[2, "section_title"] == "金融合作"
    assert doc.meta["script"] == "hans" and doc.meta["kind"] == "task-list"


def test_parse_document_traditional_big5_file(tmp_path):
    path = tmp_path / "keywork-trad.txt"
    path.write_bytes(
        "一、跨界基礎設施\n\n（一）按照國家批准的方案，加快推進港珠澳大橋主體\n\n工程建設。\n\n（二）推進深港西部快速軌道交通專題研究。\n".encode(
            "big5"
        )
    )
    doc = cs.parse_document(path)
    assert (
        doc.meta["encoding"] == "big5"
        and doc.meta["script"] == "hant"
        and doc.meta["doc_id"] == "keywork-trad"
    )
    assert doc.tasks["text"].tolist() == [
        "按照國家批准的方案，加快推進港珠澳大橋主體工程建設。",
        "推進深港西部快速軌道交通專題研究。",
    ]


def test_a_str_is_text_never_a_path(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("一、合作\n1. 推进。", encoding="utf-8")
    with pytest.raises(ParseError, match=r"a str is text; pass pathlib\.Path\(") as info:
        cs.parse_document(str(path))  # the path's characters are not a document
    assert str(path) in str(info.value)
    # a str that names no file is text, whatever it parses to
    assert cs.parse_document(str(tmp_path / "absent.txt")).tasks.empty


def test_text_without_numbered_structure_gives_paragraphs_and_no_tasks(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_bytes("这是一段没有任何编号结构的文字。它只是说明。".encode())
    doc = cs.parse_document(path)
    assert doc.tasks.empty and doc.assignments.empty
    assert doc.provisions["text"].tolist() == ["这是一段没有任何编号结构的文字。它只是说明。"]


@pytest.mark.parametrize(
    ("payload", "match"),
    [
        (b"", "empty"),
        (b"%PDF-1.4 ...", "PDF"),
    ],
    ids=["empty", "pdf"],
)
def test_bad_files_get_a_coopstats_error_with_the_file(tmp_path, payload, match):
    path = tmp_path / "bad.txt"
    path.write_bytes(payload)
    with pytest.raises(ParseError, match=match) as info:
        cs.parse_document(path)
    assert info.value.path == str(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ParseError, match="no such file"):
        cs.parse_document(tmp_path / "absent.txt")


def test_truncated_task_list_gives_frames_and_a_note():
    truncated = (
        "一、跨界基础设施\n\n1. 加快协商通行政策。（省发展改革委）\n\n2. 力争工程建成通车。（广铁集团，省口"
    )
    doc = cs.parse_document(truncated)
    assert doc.tasks["item_no"].tolist() == [1, 2]
    notes = doc.notes.set_index("kind")
    assert notes.loc["truncated", "line"] == 5


@settings(deadline=None, max_examples=60)
@given(
    st.lists(
        st.sampled_from(
            [
                "一、合作",
                "（二）金融。",
                "(三) **旅游**。",
                "1. 推进合作。（省港澳办）",
                "2、完善机制",
                "33.7%。",
                "附件一",
                " - 5 -",
                "",
                "\u3000",
                "ﬁ㈠¼\uf98e",
                "1  注释。",
                "１．全角",
                "第三章 总则",
            ]
        ),
        max_size=12,
    )
)
def test_any_text_gives_frames_whose_offsets_slice_back_or_a_coopstats_error(lines):
    text = "\n".join(lines)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            doc = cs.parse_document(text)
    except CoopstatsError:
        return
    for frame in (doc.provisions, doc.tasks):
        for row in frame.itertuples():
            assert 0 <= row.start <= row.end <= len(text)
            assert text[row.start : row.end].strip() == text[row.start : row.end]


# --- export ------------------------------------------------------------------------------------


def test_export_stata_keeps_chinese_text_and_csv_opens_in_excel(tmp_path):
    import pyreadstat

    from coopstats.export import export_frames

    frames = {"tasks": cs.tasks("gdhk-keywork-2017"), "documents": cs.documents()}
    export_frames(tmp_path, formats=("csv", "dta", "parquet"), frames=frames)
    assert (tmp_path / "tasks.dta").read_bytes()[:40].startswith(b"<stata_dta><header><release>118")
    back, _ = pyreadstat.read_dta(str(tmp_path / "tasks.dta"))
    assert back["chapter_title"].iloc[0] == "跨界基础设施"
    assert back["text"].tolist() == frames["tasks"]["text"].tolist()
    assert (tmp_path / "tasks.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    assert (
        pd.read_csv(tmp_path / "tasks.csv", encoding="utf-8-sig")["agency_clause"].iloc[1]
        == "广铁集团，省口岸办"
    )
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["name"] for r in package["resources"]}
    assert {"tasks-csv", "tasks-dta", "documents-parquet"} <= names
    assert {s["sha256"] for s in package["sources"]} == set(cs.documents()["sha256"])
    fields = next(r for r in package["resources"] if r["name"] == "tasks-csv")["schema"]["fields"]
    assert fields[0] == {
        "name": "doc_id",
        "type": "string",
        "description": schemas.FRAMES["tasks"][0].description,
    }


def test_committed_data_dictionary_is_the_generated_one():
    committed = (Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md").read_text(
        encoding="utf-8"
    )
    assert committed == schemas.data_dictionary()


def test_no_submodule_shadows_a_public_function():
    import importlib
    import pkgutil

    import coopstats

    for module in pkgutil.iter_modules(coopstats.__path__):
        importlib.import_module(f"coopstats.{module.name}")
    for name in coopstats.__all__:
        if name != "__version__":
            assert callable(getattr(coopstats, name)), name


def test_every_corpus_task_carries_a_theme():
    tasks = cs.tasks()
    assert tasks["theme"].notna().all()
    themes = set(cs.theme_shares()["theme"])
    assert set(tasks["theme"]) <= themes


@pytest.mark.parametrize(
    ("doc_id", "title"),
    [
        ("gdhk-keywork-2017", "广东省人民政府关于印发实施粤港合作 框架协议2017年重点工作的通知"),
        ("panprd-guidance-2016", "国务院关于深化泛珠三角区域合作的指导意见"),
        ("legco-cb-trade-2011", "內地與香港的商貿關係及粵港合作聯席會議有關兩地的商貿事宜"),
    ],
)
def test_parsed_document_title_is_the_title_not_the_issuer(doc_id, title):
    from coopstats.text import normalize

    doc = cs.parse_document(RAW / f"{doc_id}.txt")
    assert normalize(doc.meta["title"]) == title  # the briefing spells 關 and others as compatibility forms
