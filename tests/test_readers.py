"""Readers: the same real document as .txt, .html, .docx and .pdf gives the same tasks."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coopstats as cs
from coopstats.errors import LegacyFormatError, ScannedDocumentError, UnsupportedFormatError
from coopstats.readers import CELL_SEPARATOR, detect_format, read_document

FIXTURES = Path(__file__).parent / "fixtures"
GDHK = FIXTURES / "gdhk-2017-hans.txt"
DRC = FIXTURES / "drc-gd-2026-jnjt-hans.html"
NFJ = FIXTURES / "nfj-nea-2026-xkgt-hans.html"

TASK_COLUMNS = ["chapter_no", "section_no", "item_no", "text", "agency_clause"]
ASSIGNMENT_COLUMNS = ["task_id", "clause_no", "position", "name", "role"]

_ITEM = re.compile(r"^(\d+)\.(.*)$")
_CHAPTER = re.compile(r"^([一二三四五六七八九十]+)、(.*)$")
_SECTION = re.compile(r"^\(([一二三四五六七八九十]+)\)(.*)$")


# ---------------------------------------------------------------------------
# The real sample, written in every format
# ---------------------------------------------------------------------------


def sample_lines() -> list[str]:
    """The non-blank lines of the real sample, without their indentation."""
    text = GDHK.read_text(encoding="utf-8")
    return [line.strip() for line in text.split("\n") if line.strip()]


@pytest.fixture(scope="module")
def txt_doc() -> cs.ParsedDocument:
    return cs.parse_document(GDHK, doc_id="gdhk")


def html_page(lines: list[str], charset: str) -> str:
    body = "\n".join(f"<p>{_split_in_spans(line)}</p>" for line in lines)
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>广东省人民政府门户网站</title>
<script>var menu = "首页 政务公开"; document.write("<p>脚本文字</p>");</script>
<style>.nav {{ color: red; }}</style></head>
<body>
<div class="top-nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/hdjl">互动交流</a></li><li><a href="/bsfw">办事服务</a></li></ul></div>
<div class="wrap">
  <div class="side"><a href="/1">省政府常务会议</a><a href="/2">政策解读</a></div>
  <div class="article">
{body}
  </div>
</div>
<div class="footer"><p>版权所有：广东省人民政府办公厅 未经书面授权禁止复制或建立镜像</p>
<p>网站标识码4400000122 粤ICP备05070829号</p></div>
</body></html>"""


def _split_in_spans(line: str) -> str:
    """Agency clauses split over three spans, as content systems do."""
    if line.endswith(")") and "(" in line:
        open_at = line.rindex("(")
        clause = line[open_at:]
        third = max(1, len(clause) // 3)
        return (
            line[:open_at]
            + f'<span style="font-family: 楷体">{clause[:third]}</span><span></span>'
            + f"<span>{clause[third : 2 * third]}</span><span>{clause[2 * third :]}</span>"
        )
    return line


def _w(tag: str) -> str:
    return f"{{http://schemas.openxmlformats.org/wordprocessingml/2006/main}}{tag}"


NUMBERING_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
  <w:abstractNum w:abstractNumId="10">
    <w:multiLevelType w:val="multilevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/>
      <w:lvlText w:val="%1、"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCountingThousand"/><w:suff w:val="nothing"/>
      <w:lvlText w:val="(%2)"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="20">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:suff w:val="nothing"/>
      <w:lvlText w:val="%1."/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="20"/></w:num>
</w:numbering>"""


def _numbered(paragraph, num_id: int, ilvl: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    num_pr = OxmlElement("w:numPr")
    level = OxmlElement("w:ilvl")
    level.set(qn("w:val"), str(ilvl))
    num = OxmlElement("w:numId")
    num.set(qn("w:val"), str(num_id))
    num_pr.append(level)
    num_pr.append(num)
    paragraph._p.get_or_add_pPr().append(num_pr)


def _with_numbering_part(document) -> None:
    """Replace the document's numbering part by NUMBERING_XML (written through python-docx's part)."""
    from docx.oxml import parse_xml

    part = document.part.numbering_part
    part._element = parse_xml(NUMBERING_XML.encode("utf-8"))


def docx_numbered(lines: list[str]) -> bytes:
    """Chapters, sections and items as paragraphs with Word's automatic numbering."""
    import docx

    document = docx.Document()
    _with_numbering_part(document)
    for line in lines:
        if m := _CHAPTER.match(line):
            _numbered(document.add_paragraph(m.group(2)), 1, 0)
        elif m := _SECTION.match(line):
            _numbered(document.add_paragraph(m.group(2)), 1, 1)
        elif (m := _ITEM.match(line)) and m.group(2):
            _numbered(document.add_paragraph(m.group(2)), 2, 0)
        else:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_table(lines: list[str]) -> bytes:
    """The same document with each chapter's items in a Word table: 序号 │ 工作任务 │ 责任单位."""
    import docx

    document = docx.Document()
    rows: list[tuple[str, str, str]] = []

    def flush() -> None:
        if not rows:
            return
        table = document.add_table(rows=1, cols=3)
        for cell, head in zip(table.rows[0].cells, ("序号", "工作任务", "责任单位"), strict=True):
            cell.text = head
        for number, wording, clause in rows:
            cells = table.add_row().cells
            cells[0].text, cells[2].text = number, clause
            # a line break inside the cell, as Word users type them
            half = len(wording) // 2
            cells[1].text = wording[:half]
            cells[1].add_paragraph(wording[half:])
        rows.clear()

    for line in lines:
        m = _ITEM.match(line)
        if m and m.group(2) and line.endswith(")"):
            wording, clause = m.group(2).rsplit("(", 1)
            rows.append((m.group(1), wording, clause[:-1]))
            continue
        flush()
        document.add_paragraph(line)
    flush()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_document(lines: list[str], *, header: str = "广东省人民政府公报") -> bytes:
    """An A4 PDF of the lines, wrapped at the margin, first lines indented, headers and page numbers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    width, height = A4
    left, right, top, bottom, size, leading = 72, width - 72, height - 90, 90, 14, 26
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    page = 1
    y = top

    def furniture() -> None:
        pdf.setFont("STSong-Light", 9)
        pdf.drawCentredString(width / 2, height - 50, header)
        pdf.drawCentredString(width / 2, 40, f"- {page} -")
        pdf.setFont("STSong-Light", size)

    furniture()
    for line in lines:
        indent = 2 * size
        rest = line
        while rest:
            room = right - left - indent
            cut = len(rest)
            while pdfmetrics.stringWidth(rest[:cut], "STSong-Light", size) > room:
                cut -= 1
            if y < bottom:
                pdf.showPage()
                page += 1
                furniture()
                y = top
            pdf.drawString(left + indent, y, rest[:cut])
            rest, indent, y = rest[cut:], 0, y - leading
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scanned_pdf() -> bytes:
    """A PDF page that holds only an image of text (no text layer)."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (400, 200), 255)
    ImageDraw.Draw(image).rectangle((20, 20, 380, 60), fill=0)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawImage(ImageReader(image), 72, 500, width=400, height=200)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def same_tasks(doc: cs.ParsedDocument, reference: cs.ParsedDocument) -> None:
    assert len(doc.tasks) == len(reference.tasks)
    pd.testing.assert_frame_equal(
        doc.tasks[TASK_COLUMNS].reset_index(drop=True), reference.tasks[TASK_COLUMNS].reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(
        doc.assignments[ASSIGNMENT_COLUMNS].reset_index(drop=True),
        reference.assignments[ASSIGNMENT_COLUMNS].reset_index(drop=True),
    )


def offsets_slice_source(doc: cs.ParsedDocument) -> None:
    for frame in (doc.provisions, doc.tasks):
        for row in frame.itertuples():
            piece = doc.source[row.start : row.end]
            assert piece.strip(), row
            # line counts the newlines before start
            assert row.line == doc.source.count("\n", 0, row.start) + 1
    for row in doc.tasks.itertuples():
        first_words = re.sub(r"\s", "", row.text)[:6]
        assert first_words in re.sub(r"\s", "", doc.source[row.start : row.end])


# ---------------------------------------------------------------------------
# The same document in every format
# ---------------------------------------------------------------------------


def test_txt_reads_through_decode_unchanged(txt_doc: cs.ParsedDocument) -> None:
    data = GDHK.read_bytes()
    read = read_document(data)
    assert (read.format, read.encoding) == ("text", "utf-8")
    assert read.text == data.decode("utf-8")
    assert txt_doc.meta["format"] == "text"
    assert txt_doc.source == read.text
    assert len(txt_doc.tasks) == 7
    assert txt_doc.tasks["page"].isna().all() and txt_doc.tasks["table_no"].isna().all()


@pytest.mark.parametrize("charset, codec", [("utf-8", "utf-8"), ("gb2312", "gb18030")])
def test_html_page_gives_the_same_tasks(txt_doc: cs.ParsedDocument, charset: str, codec: str) -> None:
    data = html_page(sample_lines(), charset).encode(codec)
    doc = cs.parse_document(data, doc_id="gdhk")
    assert (doc.meta["format"], doc.meta["encoding"]) == ("html", codec)
    same_tasks(doc, txt_doc)
    for chrome in ("首页", "政务公开", "版权所有", "粤ICP备", "脚本文字", "color", "省政府常务会议"):
        assert chrome not in doc.source
    # the clause split over three spans is one line
    assert (
        "(省发展改革委、公安厅、交通运输厅、口岸办,珠海市政府,海关广东分署,珠海边检总站,珠海出入境检验检疫局)"
        in doc.source
    )
    offsets_slice_source(doc)


def test_docx_with_automatic_numbering_gives_the_same_tasks(txt_doc: cs.ParsedDocument) -> None:
    data = docx_numbered(sample_lines())
    read = read_document(data, path="anything.bin")
    assert read.format == "docx" and read.encoding is None
    printed = read.text.split("\n")
    assert "一、跨界基础设施" in printed and "二、现代服务业" in printed and "(一)服务贸易自由化。" in printed
    assert [ln.split(".")[0] for ln in printed if re.match(r"\d+\.", ln)] == [str(n) for n in range(1, 8)]
    doc = cs.parse_document(data, doc_id="gdhk")
    assert doc.meta["format"] == "docx"
    same_tasks(doc, txt_doc)
    offsets_slice_source(doc)


@pytest.fixture(scope="module")
def table_docx() -> bytes:
    return docx_table(sample_lines())


def test_docx_table_rows_arrive_as_text_rows_in_order(table_docx: bytes) -> None:
    read = read_document(table_docx)
    rows = [b for b in read.blocks if b.kind == "table-row"]
    assert [(b.table_no, b.row_no) for b in rows] == [(1, n) for n in range(1, 9)]
    lines = read.text.split("\n")
    header = lines.index(f"序号{CELL_SEPARATOR}工作任务{CELL_SEPARATOR}责任单位")
    assert lines[header - 1] == "一、跨界基础设施"
    assert lines[header + 1] == (
        f"1{CELL_SEPARATOR}加快协商港珠澳大桥跨境交通安排等通行政策。{CELL_SEPARATOR}"
        "省发展改革委、公安厅、交通运输厅、口岸办,珠海市政府,海关广东分署,珠海边检总站,珠海出入境检验检疫局"
    )
    assert [ln.split(CELL_SEPARATOR)[0] for ln in lines[header + 1 : header + 8]] == [
        str(n) for n in range(1, 8)
    ]
    assert rows[1].cells[0] == "1" and read.text[rows[1].start : rows[1].end] == lines[header + 1]
    doc = cs.parse_document(table_docx, doc_id="gdhk")
    positions = doc.provisions.dropna(subset=["table_no"])
    assert set(positions["table_no"]) <= {1}


def test_docx_table_gives_the_same_tasks(txt_doc: cs.ParsedDocument, table_docx: bytes) -> None:
    doc = cs.parse_document(table_docx, doc_id="gdhk")
    assert (doc.tasks["layout"] == "table").all()
    # a table's clause is its agency column, recorded under the column's header as its label
    header = "责任单位："
    assert doc.tasks["agency_clause"].str.startswith(header).all()
    unlabelled = doc.tasks.assign(agency_clause=doc.tasks["agency_clause"].str.removeprefix(header))
    same_tasks(doc.replace(tasks=unlabelled), txt_doc)
    assert set(doc.assignments["label"]) == {"责任单位"}


@pytest.fixture(scope="module")
def gdhk_pdf() -> bytes:
    return pdf_document(sample_lines())


def test_pdf_gives_the_same_tasks_with_pages(txt_doc: cs.ParsedDocument, gdhk_pdf: bytes) -> None:
    read = read_document(gdhk_pdf)
    assert read.format == "pdf"
    pages = {b.page for b in read.blocks}
    assert len(pages) >= 2
    assert "广东省人民政府公报" not in read.text  # running header
    assert not re.search(r"^- \d+ -$", read.text, re.M)  # page counters
    doc = cs.parse_document(gdhk_pdf, doc_id="gdhk")
    assert doc.meta["format"] == "pdf"
    same_tasks(doc, txt_doc)
    assert doc.tasks["page"].notna().all() and doc.provisions["page"].notna().all()
    assert doc.tasks["page"].is_monotonic_increasing and doc.tasks["page"].iloc[0] == 1
    assert doc.tasks["page"].iloc[-1] >= 2
    offsets_slice_source(doc)


def test_pdf_table_rows_with_page() -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    table = Table(
        [
            ["序号", "重点工作", "责任单位"],
            ["1", "推进工作机制建设", "区发改局"],
            ["2", "加快项目落地", "开发区"],
        ]
    )
    table.setStyle(
        TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light"), ("GRID", (0, 0), (-1, -1), 1, "black")])
    )
    SimpleDocTemplate(buffer, pagesize=A4).build([table])
    read = read_document(buffer.getvalue())
    assert read.text.split("\n") == [
        "序号 │ 重点工作 │ 责任单位",
        "1 │ 推进工作机制建设 │ 区发改局",
        "2 │ 加快项目落地 │ 开发区",
    ]
    assert [(b.kind, b.page, b.table_no, b.row_no) for b in read.blocks] == [
        ("table-row", 1, 1, 1),
        ("table-row", 1, 1, 2),
        ("table-row", 1, 1, 3),
    ]


# ---------------------------------------------------------------------------
# Real HTML samples
# ---------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::coopstats.errors.UnknownAgencyWarning")
def test_real_html_task_list() -> None:
    doc = cs.parse_document(DRC)
    assert (doc.meta["format"], doc.meta["encoding"], doc.meta["kind"]) == ("html", "utf-8", "task-list")
    # the annex: 二、重点任务 (一)–(九), 三、保障措施 (一)–(十) with clauses, 四、组织实施 (一)–(六)
    tasks = doc.tasks
    assert len(tasks) == 25
    assert tasks.groupby("chapter_no").size().to_dict() == {2: 9, 3: 10, 4: 6}
    clauses = tasks["agency_clause"].dropna().tolist()
    assert len(clauses) == 10
    assert clauses[0] == "省发展改革委、省工业和信息化厅、省财政厅、省能源局、省税务局等部门按职责分工落实"
    assert (
        clauses[1]
        == "省发展改革委、省工业和信息化厅、省生态环境厅、省能源局，广东电网公司、深圳供电局按职责分工落实"
    )
    # the clause of （十）推行合同能源管理 is split over three spans in the page
    assert clauses[-1] == "省工业和信息化厅、省财政厅、省生态环境厅、省住房城乡建设厅、省能源局按职责分工落实"
    assert tasks["text"].iloc[0].startswith("钢铁行业。推动高炉、转炉等重点工序")
    for chrome in ("版权所有", "首页", "政务公开", "开启网站无障碍", "打印文档", "分享到", "$(", "font:"):
        assert chrome not in doc.source
    offsets_slice_source(doc)


def test_real_html_without_tasks_reads_no_chrome() -> None:
    read = read_document(NFJ.read_bytes())
    assert read.format == "html"
    assert read.text.startswith("根据《电力业务许可证管理规定》")
    for chrome in ("版权所有", "设为首页", "机构概览", "网站地图", "办公地址", "扫一扫", "字体"):
        assert chrome not in read.text
    assert len(read.text.split("\n")) <= 5


def test_real_html_without_tasks_parses_to_no_tasks() -> None:
    assert len(cs.parse_document(NFJ).tasks) == 0


# ---------------------------------------------------------------------------
# Formats coopstats refuses, and why
# ---------------------------------------------------------------------------


def test_scanned_pdf_is_refused_with_ocr_advice() -> None:
    data = scanned_pdf()
    assert detect_format(data) == "pdf"
    with pytest.raises(ScannedDocumentError, match="OCR") as caught:
        cs.parse_document(data)
    assert isinstance(caught.value, UnsupportedFormatError)


OLE_DOC = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 64
)


def test_doc_without_soffice_says_how_to_convert(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    path = tmp_path / "task-list.doc"
    path.write_bytes(OLE_DOC)
    with pytest.raises(LegacyFormatError, match=r"soffice --headless --convert-to docx") as caught:
        cs.parse_document(path)
    assert isinstance(caught.value, UnsupportedFormatError)
    assert "task-list.doc" in str(caught.value)


def test_doc_is_converted_with_soffice_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    converted = docx_numbered(sample_lines())
    calls: list[list[str]] = []

    def fake_run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        calls.append(command)
        assert kwargs["timeout"] > 0
        out = Path(command[command.index("--outdir") + 1])
        out.mkdir(parents=True, exist_ok=True)
        (out / (Path(command[-1]).stem + ".docx")).write_bytes(converted)
        return subprocess.CompletedProcess(command, 0, b"", b"")

    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/soffice" if name == "soffice" else None)
    monkeypatch.setattr(subprocess, "run", fake_run)
    read = read_document(OLE_DOC)
    assert read.format == "docx" and "一、跨界基础设施" in read.text
    assert calls and calls[0][0] == "/usr/bin/soffice" and "--headless" in calls[0]
    assert calls[0][calls[0].index("--convert-to") + 1] == "docx"


def test_doc_conversion_failure_is_a_legacy_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/soffice")
    monkeypatch.setattr(
        subprocess,
        "run",
        lambda command, **kw: subprocess.CompletedProcess(
            command, 1, b"", b"source file could not be loaded"
        ),
    )
    with pytest.raises(LegacyFormatError, match="could not be loaded"):
        read_document(OLE_DOC)


def test_format_is_told_by_content_not_name(tmp_path: Path) -> None:
    page = html_page(sample_lines()[:12], "utf-8").encode()
    path = tmp_path / "looks-like.pdf"
    path.write_bytes(page)
    assert cs.parse_document(path).meta["format"] == "html"
    assert detect_format(b"PK\x03\x04not a docx") == "text"
    with pytest.raises(UnsupportedFormatError):
        read_document(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)


@pytest.mark.filterwarnings("ignore::coopstats.errors.UnknownAgencyWarning")
def test_cli_parse_reports_each_file_and_goes_on(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from coopstats.cli import cli

    good = tmp_path / "page.html"
    good.write_bytes(DRC.read_bytes())
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(scanned_pdf())
    result = CliRunner().invoke(cli, ["parse", str(bad), str(good), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "REFUSED" in result.output and "OCR" in result.output
    assert re.search(r"parsed\s+\S*page\.html: html, utf-8, hans, task-list; .*25 tasks", result.output)
    assert "agencies" in result.output
    ok = CliRunner().invoke(cli, ["parse", str(good), "--out", str(tmp_path / "out2")])
    assert ok.exit_code == 0, ok.output


def test_import_stays_light() -> None:
    import sys

    code = (
        "import sys, coopstats, coopstats.readers;"
        "heavy = {'selectolax', 'trafilatura', 'docx', 'pypdfium2', 'pdfplumber'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# ---------------------------------------------------------------------------
# Reading a file in its own size, not in a buffer of the limit
# ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    size=st.integers(0, 300),
    reported=st.integers(0, 300),
    limit=st.integers(0, 300),
    chunk=st.sampled_from([1, 7, 1 << 20]),
)
def test_read_capped_is_reading_the_limit_and_one_byte(
    size: int, reported: int, limit: int, chunk: int
) -> None:
    """Whatever size the file had when measured (it may have grown or shrunk since), reading it in that
    size gives what one read of ``limit + 1`` bytes gives (the reference)."""
    from coopstats import readers

    data = bytes(range(256)) * 2
    data = data[:size]
    original = readers._GROWTH_CHUNK
    readers._GROWTH_CHUNK = chunk
    try:
        got = readers._read_capped(io.BufferedReader(io.BytesIO(data)), reported, limit)
    finally:
        readers._GROWTH_CHUNK = original
    assert got == io.BytesIO(data).read(limit + 1)


def test_read_file_reads_a_file_whole_and_refuses_one_too_large(tmp_path: Path) -> None:
    from coopstats.errors import DocumentTooLargeError
    from coopstats.readers import read_file

    target = tmp_path / "a.txt"
    target.write_bytes(b"x" * 1000)
    assert read_file(target) == b"x" * 1000
    assert read_file(target, max_bytes=1000) == b"x" * 1000
    with pytest.raises(DocumentTooLargeError):
        read_file(target, max_bytes=999)


_BLOCKS = st.lists(
    st.tuples(
        st.integers(0, 5),  # gap before the block
        st.integers(1, 6),  # its length
        st.none() | st.integers(1, 3),  # page
        st.none() | st.integers(1, 3),  # table_no
        st.none() | st.integers(1, 3),  # row_no
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(spec=_BLOCKS, offsets=st.lists(st.none() | st.integers(0, 80), max_size=12), plain=st.booleans())
def test_a_read_document_without_positions_locates_as_the_blocks_do(spec, offsets, plain) -> None:
    """``ReadDocument.locate`` (no bisection when no block has a position) and the frames' ``_positions``
    and ``_with_table_positions`` give what locating every offset in the blocks gives (the reference)."""
    from coopstats import frames
    from coopstats.readers import Block, ReadDocument, locate
    from coopstats.schemas import Columns

    blocks, at = [], 0
    for gap, length, page, table_no, row_no in spec:
        at += gap
        if plain:
            page = table_no = row_no = None
        blocks.append(Block("paragraph", at, at + length, page, table_no, row_no))
        at += length + 1
    read = ReadDocument("x" * (at + 100), "text", blocks=tuple(blocks))
    expected = locate(blocks, offsets)
    assert read.locate(offsets) == expected
    assert read.locate(iter(offsets)) == expected
    assert frames._positions(offsets, read) == {
        column: [getattr(p, column) for p in expected] for column in ("page", "table_no", "row_no")
    }
    own = list(range(len(offsets)))
    figures = Columns("figures", {"start": offsets, "table_no": own, "row_no": own}, len(offsets))
    placed = frames._with_table_positions(figures, read)
    for column in ("table_no", "row_no"):
        assert placed[column] == [
            mine if getattr(p, column) is None else getattr(p, column)
            for p, mine in zip(expected, own, strict=True)
        ]
