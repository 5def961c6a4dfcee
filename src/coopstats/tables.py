"""Tables flattened to text: where their cells stand, each cell's column period, row label and unit.

Statistical releases print their numbers in tables. Flattened to text (a
release pasted from a web page, a PDF's text layer, the rows the HTML and Word
readers give, cells joined by `` │ ``) a table is a block of lines with the
same column structure:

- a **header row** whose last cells are periods (``2020年  2021年``, ``2020 2021``,
  ``1-9月``, ``本月 / 1-9月累计``, ``上年同期``) or changes (``增长%``,
  ``比上年增长(%)``, ``同比±%``, ``變動%``);
- a **unit**: a line before the header (``单位：亿元``, ``單位：百萬澳門元``) or a
  parenthesised unit on the row label (``地区生产总值  (亿元)``), in the words
  of the vocabulary (:mod:`coopstats.vocabulary`);
- **data rows**: a label (the subject) and one number per column.

Columns are separated by two or more spaces, tabs, ``│`` or ``|``; a cell of
numbers separated by single spaces (``12624 12684``) is one cell per number.
This module only reads the layout: it finds tables and their cells, with
source offsets (``source[start:end]`` is the number as printed) and each
column's period through :mod:`coopstats.periods` (relative headers resolved
against the table's title, else the publication date). Turning a cell into a
figure (its unit's scale and currency, its measure) is the figures stage's
(:func:`coopstats.figure_extraction.extract_figures`), which also keeps the
prose extractor off the lines a table claims.

Examples
--------
>>> text = "单位：亿元\\n指标  2020年  2021年\\n出口  100.5  120.3\\n"
>>> [(c.label, c.column, c.period.label, c.unit_text) for c in find_tables(text)[0].cells]
[('出口', '2020年', '2020', '亿元'), ('出口', '2021年', '2021', '亿元')]
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from functools import cache

from coopstats import vocabulary
from coopstats.periods import Period, Reference, find_periods

__all__ = ["Table", "TableCell", "find_tables"]

# Length-preserving normalisation of the characters a cell's number may be printed in.
_WIDE = str.maketrans(
    "０１２３４５６７８９．，－＋％　｜（）：",
    "0123456789.,-+% |():",
)
_WIDE_CHARACTER = re.compile("[" + re.escape("".join(map(chr, _WIDE))) + "]")


def _narrow(text: str) -> str:
    """``text.translate(_WIDE)``, translated only when it holds a wide character.

    A translate looks every character up; a search for the few it changes costs a tenth of that.
    """
    return text.translate(_WIDE) if _WIDE_CHARACTER.search(text) else text


_SEPARATED = re.compile(r"[│|\t]")
_CELL_SPLIT_SEPARATED = re.compile(r"[│|\t]")
_CELL_SPLIT_SPACES = re.compile(r" {2,}")
_NUMBER = re.compile(r"[+\-−]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_MISSING = frozenset({"-", "—", "--", "…", "...", "x", "X", "/", "－", "–", ""})
_YEAR_CELL = re.compile(r"((?:19|20)[0-9]{2})\s*(?:年|年度)?")
# What a column's header says of it (coopstats.vocabulary, kind table-header)
_HEADER = vocabulary.table_header_words
_CHANGE = re.compile(vocabulary.alternation([*_HEADER("growth"), *_HEADER("change")]))
_THIS_MONTH = re.compile(vocabulary.alternation(_HEADER("this-month")))
_CUMULATIVE = re.compile(vocabulary.alternation(_HEADER("cumulative")))
_SAME_LAST_YEAR = re.compile(vocabulary.alternation(_HEADER("same-last-year")))
# Words a period header may carry beside its period: 2021年(亿元), 1-9月累计, 金额, 数值.
_HEADER_NOISE = re.compile(
    r"[()（）%\s]|累计|累計|合计|合計|数值|數值|金额|金額|绝对值|絕對值|实际|實際|[:：]"
)
_UNIT_LABEL = re.compile(r"(?:计量单位|計量單位|货币单位|貨幣單位|单位|單位)\s*[:：]\s*")
_PAREN = re.compile(r"[(（]\s*([^()（）]{1,14}?)\s*[)）]")
_STOCK_LABEL = re.compile(r"^(?:年末|年底|期末)")
_SUBJECT_OPENING = re.compile(r"^(?:其中|其中包括|内|內)\s*[:：]\s*")
_CJK = re.compile(r"[\u3400-\u9fff]")
_SENTENCE = re.compile(r"[。；;！？]")
# Inside a line of two cells or more: a separator or a space (ideographic spaces are spaces, ｜ is |).
_CELL_GAP = re.compile("[│|\t｜ 　]")
_MAX_GAP = 2  # label-only lines (a cut row, 其中：) a table may hold between its data rows


@dataclass(frozen=True)
class _Cell:
    start: int  # source offsets
    end: int
    text: str  # normalised, stripped


@dataclass(frozen=True)
class _Column:
    header: str
    kind: str  # period, change, this-month, cumulative, same-last-year
    period: Period | None
    unresolved: bool = False


@dataclass(frozen=True)
class TableCell:
    """One number in a table: where it stands and what its row and column say about it.

    ``start``/``end`` index the source (``source[start:end]`` is the number as
    printed); ``value`` and ``resolution`` are the number as written (no scale);
    ``unit_text`` the unit words of its row or table (``亿元``, ``%``, ``万人``),
    ``unit_from`` ``row`` or ``table``; ``change`` whether its column is a change
    (a growth rate); ``line_start``/``line_end`` the row's line.
    """

    start: int
    end: int
    value: float
    resolution: float
    table_no: int
    row_no: int
    column: str
    label: str
    unit_text: str | None
    unit_from: str | None
    change: bool
    period: Period | None
    unresolved: bool
    line_start: int
    line_end: int


@dataclass(frozen=True)
class Table:
    """A table found in a text: its number, source span (header to last row), unit and cells."""

    table_no: int
    start: int
    end: int
    unit_text: str | None
    columns: tuple[str, ...]
    cells: tuple[TableCell, ...]
    rows: tuple[tuple[int, int], ...]  # source spans of the header and data lines (claimed from prose)


@cache
def _unit_pattern() -> re.Pattern[str]:
    scales = vocabulary.alternation(vocabulary.scales())
    currencies = vocabulary.alternation(vocabulary.currency_forms())
    yuan = vocabulary.alternation(vocabulary.yuan_forms())
    words = vocabulary.alternation(
        [*vocabulary.physical_units(), *vocabulary.classifiers(), *vocabulary.percent_point_forms(), "%", "‰"]
    )
    return re.compile(
        rf"(?:{scales})?\s*(?:{currencies})?\s*(?:(?:{yuan})\s*(?:{currencies})?|{currencies}|{words})"
        rf"|(?:{scales})"
    )


def _is_unit(text: str) -> bool:
    """Whether ``text`` is a unit in the vocabulary's words (亿元, 百萬澳門元, 万人, %, 万吨)."""
    return bool(text) and _unit_pattern().fullmatch(text.strip()) is not None


def _lines(source: str, start: int, end: int) -> tuple[list[tuple[int, int]], list[int]]:
    """The lines of ``source[start:end]`` (``(start, end)``, no line break; none after a last one).

    And the indices of those that may be header rows: four characters or
    more, no sentence mark, a cell gap once stripped (one test a line, on the
    lines split at once).
    """
    if start >= end:
        return [], []
    texts = source[start:end].split("\n")
    if len(texts) > 1 and not texts[-1]:
        texts.pop()  # no line after the last line break
    starts = list(itertools.accumulate((len(t) + 1 for t in texts[:-1]), initial=start))
    spans = [(a, a + len(t)) for a, t in zip(starts, texts, strict=True)]
    heads = [
        k
        for k, t in enumerate(texts)
        if len(t) >= 4 and not _SENTENCE.search(t) and _CELL_GAP.search(t.strip())
    ]
    return spans, heads


def _cells(source: str, a: int, b: int) -> tuple[list[_Cell], bool]:
    """The cells of a line, and whether they were separated by │, | or tabs."""
    line = _narrow(source[a:b])
    separated = _SEPARATED.search(line) is not None
    splitter = _CELL_SPLIT_SEPARATED if separated else _CELL_SPLIT_SPACES
    cells: list[_Cell] = []
    at = 0
    for m in [*splitter.finditer(line), None]:
        stop = m.start() if m is not None else len(line)
        piece = line[at:stop]
        stripped = piece.strip()
        lead = len(piece) - len(piece.lstrip())
        i = a + at + lead
        if stripped or separated:
            if not separated and " " in stripped and all(_NUMBER.fullmatch(t) for t in stripped.split()):
                for t in re.finditer(r"\S+", stripped):  # 12624 12684: one number per cell
                    cells.append(_Cell(i + t.start(), i + t.end(), t.group()))
            else:
                cells.append(_Cell(i, i + len(stripped), stripped))
        at = m.end() if m is not None else len(line)
    if separated and cells and not cells[0].text:
        cells = cells[1:]  # a leading │
    if separated and cells and not cells[-1].text:
        cells = cells[:-1]
    return cells, separated


def _column(header: str, ref: Reference) -> _Column | None:
    text = header.strip()
    if not text or len(text) > 24:
        return None
    if _SAME_LAST_YEAR.search(text):
        return _Column(text, "same-last-year", None)
    if _CHANGE.search(text) or text in ("%", "(%)"):
        found = [m for m in find_periods(text, ref) if m.role == "own" and m.period is not None]
        return _Column(text, "change", found[-1].period if found else None)
    year = _YEAR_CELL.fullmatch(text)
    if year:
        return _Column(text, "period", Period.year(int(year[1])))
    mentions = find_periods(text, ref)
    blanked = list(text)
    for m in mentions:
        blanked[m.start : m.end] = " " * (m.end - m.start)
    rest = _HEADER_NOISE.sub("", "".join(blanked))
    if mentions and not rest:
        m = mentions[-1]
        return _Column(text, "period", m.period, unresolved=m.unresolved)
    if _THIS_MONTH.fullmatch(_HEADER_NOISE.sub("", text)):
        return _Column(text, "this-month", None)
    if _CUMULATIVE.fullmatch(_HEADER_NOISE.sub("", text)) or (mentions and _CUMULATIVE.search(text)):
        return _Column(text, "cumulative", mentions[-1].period if mentions else None)
    return None


def _header(cells: list[_Cell], ref: Reference) -> tuple[int, list[_Column]] | None:
    """Index of the first period column and the columns, if the line is a header row."""
    columns: list[_Column] = []
    k = len(cells)
    while k > 0:
        column = _column(cells[k - 1].text, ref)
        if column is None:
            break
        columns.insert(0, column)
        k -= 1
    if len(columns) < 2 or all(c.kind == "change" for c in columns):
        return None
    return k, columns


def _title_period(source: str, lines: list[tuple[int, int]], ref: Reference) -> Period | None:
    for a, b in reversed(lines):
        found = [m for m in find_periods(_narrow(source[a:b]), ref) if m.period is not None]
        if found:
            return found[-1].period
    return None


def _resolve_columns(columns: list[_Column], title: Period | None, ref: Reference) -> list[_Column]:
    """Periods of 本月, 累计, 上年同期 and of change columns, from the title and the columns beside."""
    month: tuple[int, int] | None = None
    if title is not None and not title.stock:
        month = title.last
    elif ref.published is not None and ref.published[1] is not None:
        month = (ref.published[0], ref.published[1])
    for c in columns:
        if (
            c.kind == "period"
            and c.period is not None
            and not c.period.is_year
            and c.period.first[0] == c.period.last[0]
        ):
            month = month or c.period.last
    out: list[_Column] = []
    for c in columns:
        period, unresolved = c.period, c.unresolved
        if c.kind == "this-month":
            period = Period.month(*month) if month else None
            unresolved = month is None
        elif c.kind == "cumulative" and period is None:
            period = Period.months(month[0], 1, month[0], month[1]) if month else None
            unresolved = month is None
        elif c.kind == "same-last-year":
            base = next(
                (o.period for o in reversed(out) if o.kind != "change" and o.period is not None), None
            )
            period = base.shifted(-1) if base is not None else None
            unresolved = base is None
        elif c.kind == "change" and period is None:
            base = next(
                (
                    o
                    for o in reversed(out)
                    if o.kind not in ("change", "same-last-year") and o.period is not None
                ),
                None,
            )
            period = base.period if base is not None else None
            unresolved = base is None
        out.append(_Column(c.header, c.kind, period, unresolved))
    return out


def _number(text: str) -> tuple[float, float] | None:
    if not _NUMBER.fullmatch(text):
        return None
    digits = text.replace(",", "").replace("−", "-")
    decimals = len(digits.split(".", 1)[1]) if "." in digits else 0
    return float(digits), 10.0**-decimals


def _row_unit(label_cells: list[_Cell]) -> tuple[str, str | None]:
    """The row's subject (its first CJK cell, without a unit in brackets) and unit."""
    unit: str | None = None
    subject = ""
    for cell in label_cells:
        text = cell.text
        for m in _PAREN.finditer(text):
            inner = _UNIT_LABEL.sub("", m[1])
            if unit is None and _is_unit(inner):
                unit = inner.strip()
                text = text.replace(m.group(), " ")
        if unit is None and _is_unit(text):
            unit = text.strip()
            continue
        text = _SUBJECT_OPENING.sub("", text.strip())
        if not subject and _CJK.search(text):
            subject = text
    if not subject and label_cells:
        subject = label_cells[0].text
    return subject, unit


def _table_unit(source: str, lines: list[tuple[int, int]]) -> str | None:
    for a, b in reversed(lines):
        line = _narrow(source[a:b])
        m = _UNIT_LABEL.search(line)
        if m:
            tail = re.split(r"[)）,，;；\s]", line[m.end() :].strip(), maxsplit=1)[0]
            if _is_unit(tail):
                return tail
        stripped = line.strip()
        paren = _PAREN.fullmatch(stripped)
        if paren and _is_unit(paren[1]):
            return paren[1].strip()
    return None


def find_tables(
    source: str, start: int = 0, end: int | None = None, ref: Reference | None = None
) -> list[Table]:
    r"""Every table flattened into ``source[start:end]``, with its cells.

    Parameters
    ----------
    source : str
        The whole source text (offsets of the result index it).
    start, end : int, optional
        The part of ``source`` to read (default: all of it).
    ref : Reference, optional
        What relative headers (1-9月, 本月, 上年同期) resolve against where the
        table's title names no period.

    Returns
    -------
    list of Table
        In text order, numbered from 1. A row whose numbers are fewer than the
        columns (a row cut off, a sub-heading such as ``其中：``) gives no cells.

    Examples
    --------
    >>> text = ("2024年1-9月进出口（单位：亿元）\n指标 │ 本月 │ 1-9月累计 │ 同比±%\n"
    ...         "出口 │ 512.3 │ 4,803.6 │ -2.1\n")
    >>> t = find_tables(text)[0]
    >>> [(c.period.label, c.change, text[c.start:c.end]) for c in t.cells]
    [('2024-09', False, '512.3'), ('2024-01/2024-09', False, '4,803.6'), ('2024-01/2024-09', True, '-2.1')]
    """
    ref = ref or Reference()
    end = len(source) if end is None else end
    lines, heads = _lines(source, start, end)  # heads: not a sentence, two cells or more
    tables: list[Table] = []
    k = 0
    h = 0
    while (h := bisect.bisect_left(heads, k, h)) < len(heads):
        k = heads[h]
        a, b = lines[k]
        cells, separated = _cells(source, a, b)
        found = _header(cells, ref)
        if found is None:
            k += 1
            continue
        before = [ln for ln in lines[max(0, k - 3) : k] if source[ln[0] : ln[1]].strip()]
        title = _title_period(source, before, ref)
        table_ref = Reference((title.last[0], title.last[1]), title.last[0]) if title is not None else ref
        first, columns = found
        if title is not None and any(c.unresolved or c.period is None for c in columns):
            found = _header(cells, table_ref)
            first, columns = found if found is not None else (first, columns)
        columns = _resolve_columns(columns, title, table_ref)
        table_unit = _table_unit(source, [*before, (a, b)])
        n = len(columns)
        table_no = len(tables) + 1
        table_cells: list[TableCell] = []
        claimed = [(a, b)]
        row_no = 1
        gap = 0
        j = k + 1
        last = k
        while j < len(lines):
            la, lb = lines[j]
            if not source[la:lb].strip():
                j += 1
                continue
            if _SENTENCE.search(source, la, lb):
                break
            row, row_separated = _cells(source, la, lb)
            values: list[_Cell] = []
            for cell in reversed(row):
                if _NUMBER.fullmatch(cell.text) or cell.text in _MISSING:
                    values.insert(0, cell)
                else:
                    break
            labels = row[: len(row) - len(values)]
            if row_separated and separated and len(row) == len(cells) and len(values) >= n:
                values, labels = row[first:], row[:first]
            if len(values) < n or not labels or not any(v.text not in _MISSING for v in values[-n:]):
                if _header(row, ref) is not None or gap >= _MAX_GAP:
                    break
                gap += 1
                row_no += 1
                j += 1
                continue
            gap = 0
            row_no += 1
            subject, row_unit = _row_unit(labels)
            stock = _STOCK_LABEL.search(subject) is not None
            for cell, column in zip(values[-n:], columns, strict=True):
                number = _number(cell.text)
                if number is None:
                    continue
                period = column.period
                if stock and period is not None and column.kind != "change" and not period.stock:
                    period = Period.end_of(*period.last)
                table_cells.append(
                    TableCell(
                        start=cell.start,
                        end=cell.end,
                        value=number[0],
                        resolution=number[1],
                        table_no=table_no,
                        row_no=row_no,
                        column=column.header,
                        label=subject,
                        unit_text="%" if column.kind == "change" else (row_unit or table_unit),
                        unit_from="row"
                        if column.kind == "change" or row_unit
                        else ("table" if table_unit else None),
                        change=column.kind == "change",
                        period=period,
                        unresolved=column.unresolved,
                        line_start=la,
                        line_end=lb,
                    )
                )
            claimed.append((la, lb))
            last = j
            j += 1
        if table_cells:
            tables.append(
                Table(
                    table_no=table_no,
                    start=a,
                    end=lines[last][1],
                    unit_text=table_unit,
                    columns=tuple(c.header for c in columns),
                    cells=tuple(table_cells),
                    rows=tuple(claimed),
                )
            )
            k = last + 1
        else:
            k += 1
    return tables
