"""Figures in tables: the table gold in every form (│, spaces, tabs, HTML, Word); no double counts."""

from __future__ import annotations

import csv
import html
import io
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coopstats as cs
from coopstats.figure_extraction import extract_figures
from coopstats.periods import Reference
from coopstats.readers import read_document
from coopstats.tables import find_tables

HERE = Path(__file__).parent
SAMPLES = HERE / "fixtures" / "samples"
GOLD = HERE / "gold" / "figures_tables.csv"
TEXTS = HERE / "gold" / "table_texts.csv"
CELL = " │ "


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if not row[next(iter(row))].startswith("#")]


ENTRIES = {row["text_id"]: row for row in _read(TEXTS)}
GOLD_ROWS = _read(GOLD)


def _lines(text_id: str) -> list[str]:
    return (SAMPLES / ENTRIES[text_id]["file"]).read_text(encoding="utf-8").splitlines()


def _rows(lines: list[str]) -> tuple[list[str], list[list[str]], list[str]]:
    """Lines before the table, its rows (cells), lines after it, from the │ form."""
    first = next(k for k, line in enumerate(lines) if CELL in line)
    last = max(k for k, line in enumerate(lines) if CELL in line)
    return lines[:first], [line.split(CELL) for line in lines[first : last + 1]], lines[last + 1 :]


def _as_text(lines: list[str], form: str) -> str:
    before, rows, after = _rows(lines)
    if form == "spaces":
        widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
        body = ["   ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    else:
        body = ["\t".join(r) for r in rows]
    return "\n".join([*before, *body, *after]) + "\n"


def _as_html(lines: list[str]) -> bytes:
    before, rows, after = _rows(lines)
    cells = "".join(
        "<tr>"
        + "".join(f"<{'th' if k == 0 else 'td'}>{html.escape(c)}</{'th' if k == 0 else 'td'}>" for c in r)
        + "</tr>"
        for k, r in enumerate(rows)
    )
    paras = lambda ps: "".join(f"<p>{html.escape(p)}</p>" for p in ps)  # noqa: E731
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>release</title></head><body><main>'
        f"<h1>{html.escape(before[0])}</h1>{paras(before[1:])}<table>{cells}</table>{paras(after)}"
        "</main></body></html>"
    )
    return page.encode("utf-8")


def _as_docx(lines: list[str]) -> bytes:
    import docx

    before, rows, after = _rows(lines)
    document = docx.Document()
    for line in before:
        document.add_paragraph(line)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    for line in after:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _source(text_id: str, form: str) -> str:
    lines = _lines(text_id)
    if form == "text":
        return "\n".join(lines) + "\n"
    if form in ("spaces", "tabs"):
        return _as_text(lines, form)
    data = _as_html(lines) if form == "html" else _as_docx(lines)
    read = read_document(data)
    assert read.format == form
    return read.text


CASES = [
    pytest.param(text_id, form, id=f"{text_id}-{form}")
    for text_id, entry in ENTRIES.items()
    for form in entry["forms"].split("|")
]


@pytest.mark.parametrize(("text_id", "form"), CASES)
def test_table_gold(text_id: str, form: str) -> None:
    entry = ENTRIES[text_id]
    source = _source(text_id, form)
    found = extract_figures(source, published=entry["published"], issuer=entry["issuer"])
    cells = found[found["table_no"].notna()]
    gold = [g for g in GOLD_ROWS if g["text_id"] == text_id]
    assert len(cells) == len(gold)
    for (_, got), want in zip(cells.iterrows(), gold, strict=True):
        assert source[int(got["start"]) : int(got["end"])] == got["surface"] == want["surface"]
        assert math.isclose(float(got["value"]), float(want["value"]), rel_tol=1e-12)
        assert (got["unit"], got["measure"], got["period"]) == (want["unit"], want["measure"], want["period"])
        assert (int(got["row_no"]), got["subject"], got["column"]) == (
            int(want["row_no"]),
            want["label"],
            want["column"],
        )
        kind = (
            "stock"
            if want["period"].startswith("end-")
            else "change"
            if want["measure"] == "growth"
            else "flow"
        )
        assert got["period_kind"] == kind


@pytest.mark.parametrize(("text_id", "form"), CASES)
def test_prose_does_not_count_table_cells(text_id: str, form: str) -> None:
    entry = ENTRIES[text_id]
    source = _source(text_id, form)
    found = extract_figures(source, published=entry["published"], issuer=entry["issuer"])
    assert not found.duplicated(["start", "end"]).any()
    prose = found[found["table_no"].isna()]
    # the made-up releases end with one sentence repeating the total's growth: read as prose, once
    assert len(prose) == (0 if text_id.startswith("tjjgz") else 1)
    if len(prose):
        assert prose.iloc[0]["measure"] == "growth"
        assert prose.iloc[0]["period"] == found[found["table_no"].notna()].iloc[2]["period"]


def test_cut_row_gives_no_cells() -> None:
    source = _source("tjjgz-2022-gdind-hans", "text")
    assert source.rstrip().endswith("(100 mil")
    cut = source.rstrip().rsplit("\n", 1)[1]
    tables = find_tables(source, ref=Reference.of("2022"))
    assert len(tables) == 1
    last = tables[0].cells[-1]
    assert source.index(cut) > last.end  # the cut 地方一般公共预算支出 row: its values are not in the text


def test_relative_headers_resolve_against_published_without_a_title() -> None:
    text = "指标 │ 本月 │ 上年同期 │ 同比±%\n出口 │ 512 │ 480 │ 6.7\n"
    found = extract_figures(text, published="2024-05-15", issuer="广东省统计局")
    assert found[["period", "measure"]].values.tolist() == [
        ["2024-05", "count"],
        ["2023-05", "count"],
        ["2024-05", "growth"],
    ]
    assert found["flag"].iloc[0] == "unit-unknown"
    unresolved = extract_figures(text)
    assert unresolved["period"].isna().all()
    assert unresolved["flag"].str.contains("period-unresolved").all()


def test_unit_line_and_row_units() -> None:
    text = (
        "單位：百萬港元\n項目  2022年  2023年\n整體出口  4,531,000  4,256,000\n"
        "貨櫃吞吐量(萬標箱)  1,669  1,434\n"
    )
    found = extract_figures(text)
    assert found[["value", "unit", "currency_source"]].values.tolist()[:1] == [[4.531e12, "HKD", "carried"]]
    assert found.iloc[2][["value", "unit", "measure"]].tolist() == [1.669e7, "TEU", "volume"]


def test_prose_with_spaces_is_not_a_table() -> None:
    text = "2023年  全省进出口总额8.3万亿元，增长0.3%。\n2024年  预计增长5%。"
    found = extract_figures(text, issuer="广东省统计局")
    assert found["table_no"].isna().all()
    assert len(found) == 3


def test_parsed_documents_carry_table_cells() -> None:
    lines = _lines("madeup-2024-dsectrade-hant")
    doc = cs.parse_document(
        _as_docx(["一、貿易", *lines]), published="2024-03-28", issuer="統計暨普查局", doc_id="dsec"
    )
    cells = doc.figures[doc.figures["table_no"].notna()]
    assert len(cells) == 18
    assert set(cells["table_no"]) == {1}
    assert cells["row_no"].min() == 2
    assert all(doc.source[int(s) : int(e)] == f for s, e, f in cells[["start", "end", "surface"]].values)
    assert pd.api.types.is_integer_dtype(cells["row_no"])


CELL_PIECES = [*"年月12３出口亿元%() \t\u3000\u2003│|｜-", "2020年", "1-9月", "12624", "  "]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(CELL_PIECES), min_size=1, max_size=12))
def test_a_line_without_a_gap_has_one_cell_at_most(pieces: list[str]) -> None:
    """find_tables reads no header in a line with no separator or space inside (tables._CELL_GAP)."""
    from coopstats import tables

    line = "".join(pieces)
    cells, _ = tables._cells(line, 0, len(line))
    if not tables._CELL_GAP.search(line.strip()):
        assert sum(1 for cell in cells if cell.text) <= 1
        assert tables._header(cells, Reference()) is None


def _lines_one_by_one(source: str, start: int, end: int) -> tuple[list[tuple[int, int]], list[int]]:
    # tables._lines and find_tables' test of each line as they were: a find and a test per line
    import re

    spans = []
    at = start
    while at < end:
        nl = source.find("\n", at, end)
        stop = end if nl < 0 else nl
        spans.append((at, stop))
        at = stop + 1
    heads = [
        k
        for k, (a, b) in enumerate(spans)
        if not (
            b - a < 4
            or re.search("[。；;！？]", source[a:b])
            or not re.search("[│|\t｜ 　]", source[a:b].strip())
        )
    ]
    return spans, heads


@given(
    st.text(alphabet="ab 　\t\n│|｜。;12\x1c\u2028\r", max_size=40),
    st.integers(0, 40),
    st.integers(0, 40),
)
@settings(max_examples=500, deadline=None)
def test_lines_and_header_candidates_read_as_line_by_line(source: str, start: int, end: int) -> None:
    from coopstats import tables

    start, end = min(start, len(source)), min(max(start, end), len(source))
    assert tables._lines(source, start, end) == _lines_one_by_one(source, start, end)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("０１９．，－＋％　｜（）：0123 出口亿元│|\t") | st.characters(), max_size=40
    )
)
def test_narrowing_a_line_is_translating_it(text: str) -> None:
    """A line is translated only when it holds a wide character: the same as translating every line."""
    from coopstats.tables import _WIDE, _narrow

    assert _narrow(text) == text.translate(_WIDE)
