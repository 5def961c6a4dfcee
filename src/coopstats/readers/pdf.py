"""PDF documents with a text layer: text in reading order, tables as rows, page noise dropped.

pypdfium2 gives each page's characters in reading order with their boxes;
they are grouped into lines, and lines into paragraphs (a paragraph breaks at an
indented line, after a line that ends short of the right margin, at a wider gap,
or at a numbered line after a finished sentence). pdfplumber finds the ruled
tables; the lines inside a table are replaced by its rows. Page counters
(``- 5 -``, ``第5页``, ``5/12``) at the top or bottom of a page, and a line repeated
at the same place on most pages (a running header or footer), are dropped. A PDF
without a text layer (scanned pages) is refused with
:class:`~coopstats.errors.ScannedDocumentError`.
"""

from __future__ import annotations

import io
import re
import statistics
from dataclasses import dataclass
from os import PathLike
from typing import Any

from coopstats.errors import ScannedDocumentError
from coopstats.readers import ReadDocument, TextBuilder, unsupported

__all__ = ["is_page_counter", "read"]

_COUNTER = re.compile(
    r"""^\s*(?:
        [-－—–]*\s*\d{1,4}\s*[-－—–]*                         # 5, - 5 -, —5—
      | 第\s*\d{1,4}\s*[页頁](?:\s*[,，/、]?\s*共\s*\d{1,4}\s*[页頁])?  # 第5页, 第5页 共12页
      | 共\s*\d{1,4}\s*[页頁]\s*第\s*\d{1,4}\s*[页頁]
      | \d{1,4}\s*/\s*\d{1,4}                                # 5/12
      | (?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?       # Page 5 of 12
    )\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_MARGIN_SHARE = 0.15  # a counter is in the top or bottom 15% of the page
_NUMBERED_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百]+[）)]|\d{1,3}[.．、]|第[一二三四五六七八九十百]+[章节条])"
)
_TERMINATORS = "。；;：:）)！？!?"


def is_page_counter(line: str) -> bool:
    """Whether a line is a printed page number.

    Examples
    --------
    >>> [is_page_counter(s) for s in ("- 5 -", "第5页", "第 3 页 共 12 页", "5/12", "— 12 —", "1.加快")]
    [True, True, True, True, True, False]
    """
    return bool(_COUNTER.match(line))


@dataclass
class _Line:
    text: str
    page: int
    x0: float
    x1: float
    top: float  # PDF coordinates: larger is higher on the page
    bottom: float
    height: float  # page height

    @property
    def size(self) -> float:
        return max(self.top - self.bottom, 1.0)


def read(data: bytes, *, path: str | PathLike[str] | None = None) -> ReadDocument:
    """Read a PDF's text layer: paragraphs with their page, ruled tables as rows.

    Raises
    ------
    ScannedDocumentError
        No page has text: the PDF is a scan or holds images only.
    UnsupportedFormatError
        The PDF is damaged or encrypted.
    """
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise unsupported(
            f"cannot open the PDF: {exc}", path, "a PDF that is not damaged or encrypted"
        ) from None
    try:
        pages = [_page_lines(pdf[index], index + 1) for index in range(len(pdf))]
    finally:
        pdf.close()
    if not any(line.text.strip() for lines in pages for line in lines):
        raise ScannedDocumentError(
            f"the PDF has no text layer ({len(pages)} page{'s' if len(pages) != 1 else ''} of images only): "
            "a scan",
            path=path,
            expected="a PDF with text: run OCR on it first "
            "(e.g. `ocrmypdf --language chi_sim in.pdf out.pdf`) and parse the result",
        )
    pages = _drop_page_noise(pages)
    tables = _tables(data)
    builder = TextBuilder()
    table_no = 0
    paragraph: list[_Line] = []

    def flush() -> None:
        if paragraph:
            builder.add(_join([ln.text for ln in paragraph]), page=paragraph[0].page)
            paragraph.clear()

    for page_no, lines in enumerate(pages, start=1):
        page_tables = tables.get(page_no, [])
        pending = sorted(page_tables, key=lambda t: -t[0])  # (top, bottom, x0, x1, rows), highest first
        left, right, size = _margins([ln for ln in lines if not any(_in_table(ln, t) for t in page_tables)])

        def emit(table: _Table, page_no: int = page_no, pending: list[_Table] = pending) -> None:
            nonlocal table_no
            flush()
            pending.remove(table)
            table_no += 1
            _add_table(builder, table[4], table_no, page_no)

        for line in lines:
            inside = next((t for t in page_tables if _in_table(line, t)), None)
            if inside is not None:
                if inside in pending:
                    emit(inside)
                continue
            while pending and pending[0][0] > line.top:
                emit(pending[0])
            if paragraph and _breaks(paragraph[-1], line, left, right, size):
                flush()
            paragraph.append(line)
        while pending:
            emit(pending[0])
    flush()
    return builder.build("pdf")


def _page_lines(page: Any, page_no: int) -> list[_Line]:
    """The page's text lines, with their boxes, in pdfium's reading order."""
    textpage = page.get_textpage()
    height = page.get_size()[1]
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    per_char = len(text) != count
    lines: list[_Line] = []
    chars: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []

    def close() -> None:
        content = "".join(chars).strip()
        if content and boxes:
            lines.append(
                _Line(
                    content,
                    page_no,
                    min(b[0] for b in boxes),
                    max(b[2] for b in boxes),
                    max(b[3] for b in boxes),
                    min(b[1] for b in boxes),
                    height,
                )
            )
        chars.clear()
        boxes.clear()

    for index in range(count):
        ch = textpage.get_text_range(index, 1) if per_char else text[index]
        if ch in ("\r", "\n"):
            close()
            continue
        chars.append(ch)
        if not ch.isspace():
            boxes.append(textpage.get_charbox(index, loose=True))
    close()
    textpage.close()
    page.close()
    return lines


def _noise_key(line: _Line) -> tuple[str, int]:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text)), round(line.top / 12)


def _drop_page_noise(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Drop page counters at a page's edge and lines repeated at the same place on most pages."""
    counts: dict[tuple[str, int], int] = {}
    for lines in pages:
        for key in {_noise_key(line) for line in _edge_lines(lines)}:
            counts[key] = counts.get(key, 0) + 1
    needed = max(2, (len(pages) + 1) // 2)
    out = []
    for lines in pages:
        edge = {id(line) for line in _edge_lines(lines)}
        kept = []
        for line in lines:
            at_edge = id(line) in edge
            in_margin = line.top > (1 - _MARGIN_SHARE) * line.height or line.top < _MARGIN_SHARE * line.height
            if at_edge and in_margin and is_page_counter(line.text):
                continue
            if at_edge and len(pages) >= 2 and counts.get(_noise_key(line), 0) >= needed:
                continue
            kept.append(line)
        out.append(kept)
    return out


def _edge_lines(lines: list[_Line]) -> list[_Line]:
    """The two highest and two lowest lines of a page."""
    ordered = sorted(lines, key=lambda ln: -ln.top)
    return ordered[:2] + ordered[2:][-2:]


def _margins(lines: list[_Line]) -> tuple[float, float, float]:
    if not lines:
        return 0.0, 0.0, 10.0
    size = statistics.median(line.size for line in lines)
    return min(line.x0 for line in lines), max(line.x1 for line in lines), size


def _breaks(previous: _Line, line: _Line, left: float, right: float, size: float) -> bool:
    """Whether ``line`` starts a new paragraph after ``previous``."""
    if line.x0 > left + 0.8 * size:  # indented, centred or set apart
        return True
    if previous.x1 < right - 1.5 * size:  # the previous line ended short
        return True
    if previous.page == line.page and previous.bottom - line.top > 1.0 * size:
        return True
    return bool(_NUMBERED_START.match(line.text) and previous.text.rstrip()[-1:] in _TERMINATORS)


def _join(lines: list[str]) -> str:
    out = ""
    for line in lines:
        if out and _latin(out[-1]) and _latin(line[0]):
            out += " "
        out += line
    return out


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


_Table = tuple[float, float, float, float, list[list[str]]]


def _tables(data: bytes) -> dict[int, list[_Table]]:
    """Ruled tables per page: (top, bottom, x0, x1 in PDF coordinates, rows of cell texts)."""
    import pdfplumber

    out: dict[int, list[_Table]] = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as document:
            for page_no, page in enumerate(document.pages, start=1):
                height = float(page.height)
                for table in page.find_tables():
                    x0, top, x1, bottom = table.bbox
                    rows = [[cell or "" for cell in row] for row in table.extract()]
                    if len(rows) >= 1 and max((len(r) for r in rows), default=0) >= 2:
                        out.setdefault(page_no, []).append((height - top, height - bottom, x0, x1, rows))
    except Exception:  # pdfplumber could not read the tables: keep the text as lines
        return {}
    return out


def _in_table(line: _Line, table: _Table) -> bool:
    top, bottom, x0, x1, _ = table
    middle = (line.top + line.bottom) / 2
    return bottom <= middle <= top and line.x1 > x0 and line.x0 < x1


def _add_table(builder: TextBuilder, rows: list[list[str]], table_no: int, page_no: int) -> None:
    row_no = 0
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        row_no += 1
        builder.add_row(row, table_no=table_no, row_no=row_no, page=page_no)
