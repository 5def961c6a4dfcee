"""Word documents (.docx): paragraphs and tables in document order, numbering as printed.

The body's ``w:p`` and ``w:tbl`` children are read in order (content controls
``w:sdt`` are looked into). Word's automatic numbering, which python-docx does
not render, is rendered from ``numbering.xml``: a paragraph's ``w:numPr`` (or
its style's) names a list and a level; the list's abstract numbering gives each
level a start value, a number format (``chineseCounting`` 一, ``decimal`` 1,
``decimalFullWidth`` １ …) and a text such as ``%1、`` or ``（%1）``. Counters run
per list and level, and a level restarts when a higher level advances.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from os import PathLike
from typing import TYPE_CHECKING, Any

from coopstats.readers import ReadDocument, TextBuilder, unsupported

if TYPE_CHECKING:
    from docx.document import Document

__all__ = ["Numbering", "format_number", "read"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_IDEOGRAPH_TRADITIONAL = "甲乙丙丁戊己庚辛壬癸"
_IDEOGRAPH_ZODIAC = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _chinese(
    n: int, digits: str = _CN_DIGITS, ten: str = "十", hundred: str = "百", thousand: str = "千"
) -> str:
    """Chinese counting as Word prints it: 一 … 十, 十一, 二十, 一百零一, 一千零二十."""
    if n <= 0:
        return digits[0]
    if n >= 10000:
        return str(n)
    out = ""
    places = ((1000, thousand), (100, hundred), (10, ten), (1, ""))
    zero_pending = False
    for value, name in places:
        digit = (n // value) % 10
        if digit == 0:
            if out:
                zero_pending = True
            continue
        if zero_pending:
            out += digits[0]
            zero_pending = False
        if value == 10 and digit == 1 and not out and digits is _CN_DIGITS:
            out += ten  # 十, 十一 … (not 一十)
        else:
            out += digits[digit] + name
    return out


def _roman(n: int) -> str:
    values = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
        (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    out = ""
    for value, letters in values:
        while n >= value:
            out += letters
            n -= value
    return out


def _letters(n: int) -> str:
    # Word repeats the letter: a … z, aa … zz
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


def format_number(n: int, fmt: str) -> str:
    """A counter value in one of Word's number formats (``w:numFmt``).

    Examples
    --------
    >>> [format_number(n, "chineseCounting") for n in (1, 10, 11, 20, 101)]
    ['一', '十', '十一', '二十', '一百零一']
    >>> format_number(3, "decimalFullWidth"), format_number(2, "ideographTraditional")
    ('３', '乙')
    >>> format_number(4, "lowerRoman"), format_number(28, "upperLetter")
    ('iv', 'BB')
    >>> format_number(3, "decimalEnclosedCircle")
    '③'
    """
    if fmt in ("decimal", "decimalZero") or not fmt:
        return f"{n:02d}" if fmt == "decimalZero" else str(n)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt in ("decimalHalfWidth",):
        return str(n)
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
        "japaneseCounting",
        "ideographDigital",
    ):
        if fmt == "ideographDigital":
            return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
        return _chinese(n)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        if fmt == "ideographLegalTraditional":
            return _chinese(n, "零壹貳參肆伍陸柒捌玖", "拾", "佰", "仟")
        return _chinese(n, _CN_LEGAL, "拾", "佰", "仟")
    if fmt == "ideographTraditional":
        return _IDEOGRAPH_TRADITIONAL[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _IDEOGRAPH_ZODIAC[(n - 1) % 12]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return _CIRCLED[n - 1] if 1 <= n <= len(_CIRCLED) else str(n)
    if fmt == "decimalEnclosedParen":
        return chr(0x2474 + n - 1) if 1 <= n <= 20 else f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return chr(0x2488 + n - 1) if 1 <= n <= 20 else f"{n}."
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


@dataclass(frozen=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"


@dataclass
class Numbering:
    """The lists of a document's ``numbering.xml`` and their running counters.

    Examples
    --------
    >>> numbering = Numbering(
    ...     levels={"1": {0: _Level(1, "chineseCounting", "%1、"), 1: _Level(1, "chineseCounting", "（%2）")}}
    ... )
    >>> [numbering.label("1", lvl) for lvl in (0, 1, 1, 0, 1)]
    ['一、', '（一）', '（二）', '二、', '（一）']
    """

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, document: Document) -> Numbering:
        """Read the numbering definitions of a python-docx document (empty when it has none)."""
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return cls()
        abstract: dict[str, dict[int, _Level]] = {}
        for node in root.iter(f"{_W}abstractNum"):
            abstract[node.get(f"{_W}abstractNumId")] = _levels_of(node)
        levels: dict[str, dict[int, _Level]] = {}
        for node in root.iter(f"{_W}num"):
            num_id = node.get(f"{_W}numId")
            ref = node.find(f"{_W}abstractNumId")
            base = dict(abstract.get(ref.get(f"{_W}val"), {})) if ref is not None else {}
            for override in node.iter(f"{_W}lvlOverride"):
                ilvl = int(override.get(f"{_W}ilvl", "0"))
                lvl = override.find(f"{_W}lvl")
                if lvl is not None:
                    base[ilvl] = _level_of(lvl)
                start = override.find(f"{_W}startOverride")
                if start is not None:
                    old = base.get(ilvl, _Level())
                    base[ilvl] = _Level(int(start.get(f"{_W}val", "1")), old.fmt, old.text, old.suffix)
            levels[num_id] = base
        return cls(levels)

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the counter of ``(num_id, ilvl)`` and return the printed number with its suffix."""
        definition = self.levels.get(num_id)
        if not definition or ilvl not in definition:
            return ""
        counters = self.counters.setdefault(num_id, {})
        level = definition[ilvl]
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]  # a lower level restarts when a higher one advances
        text = level.text
        for k in range(9, -1, -1):
            placeholder = f"%{k + 1}"
            if placeholder in text:
                value = counters.get(k, definition[k].start if k in definition else 1)
                fmt = definition[k].fmt if k in definition else "decimal"
                text = text.replace(placeholder, format_number(value, fmt))
        if not text:
            return ""
        return text + (" " if level.suffix in ("tab", "space") and text[-1] not in "、）)" else "")


def _levels_of(node: Any) -> dict[int, _Level]:
    return {int(lvl.get(f"{_W}ilvl", "0")): _level_of(lvl) for lvl in node.findall(f"{_W}lvl")}


def _level_of(lvl: Any) -> _Level:
    def val(tag: str, default: str) -> str:
        child = lvl.find(f"{_W}{tag}")
        return default if child is None else child.get(f"{_W}val", default)

    return _Level(int(val("start", "1")), val("numFmt", "decimal"), val("lvlText", ""), val("suff", "tab"))


def read(data: bytes, *, path: str | PathLike[str] | None = None) -> ReadDocument:
    """Read a .docx: paragraphs (headings by style), tables as rows, automatic numbers as printed.

    Examples
    --------
    >>> import io, docx
    >>> d = docx.Document()
    >>> _ = d.add_heading("一、总体要求", level=1)
    >>> _ = d.add_paragraph("1.加快协商。")
    >>> table = d.add_table(rows=1, cols=2)
    >>> table.cell(0, 0).text, table.cell(0, 1).text = "1", "推进工作\\n机制"
    >>> buffer = io.BytesIO(); d.save(buffer)
    >>> doc = read(buffer.getvalue())
    >>> print(doc.text)
    一、总体要求
    1.加快协商。
    1 │ 推进工作机制
    >>> [(b.kind, b.table_no, b.row_no) for b in doc.blocks]
    [('heading', None, None), ('paragraph', None, None), ('table-row', 1, 1)]
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise unsupported(
            f"not a readable Word document: {exc}", path, "a .docx file Word can open"
        ) from None
    reader = _Reader(document)
    reader.body(document.element.body)
    return reader.builder.build("docx")


class _Reader:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.numbering = Numbering.of(document)
        self.builder = TextBuilder()
        self.table_no = 0
        self._style_numbering: dict[str, tuple[str, int] | None] = {}

    def body(self, element: Any) -> None:
        for child in _content_children(element):
            if child.tag == f"{_W}p":
                text, heading = self.paragraph(child)
                self.builder.add(text, kind="heading" if heading else "paragraph")
            elif child.tag == f"{_W}tbl":
                self.table(child)

    def paragraph(self, element: Any) -> tuple[str, bool]:
        from docx.text.paragraph import Paragraph

        paragraph = Paragraph(element, self.document)
        style = paragraph.style
        numbered = self._num_pr(element, style)
        label = self.numbering.label(*numbered) if numbered else ""
        name = (style.name or "").lower() if style is not None else ""
        heading = (
            name.startswith(("heading", "title", "标题"))
            or element.find(f"{_W}pPr/{_W}outlineLvl") is not None
        )
        return label + paragraph.text, heading

    def _num_pr(self, element: Any, style: Any) -> tuple[str, int] | None:
        num_pr = element.find(f"{_W}pPr/{_W}numPr")
        if num_pr is not None:
            return _num_pr_values(num_pr, default_level=0)
        # numbering inherited from the paragraph style (or the style it is based on)
        while style is not None:
            style_id = style.style_id
            if style_id not in self._style_numbering:
                found = style.element.find(f"{_W}pPr/{_W}numPr")
                self._style_numbering[style_id] = (
                    _num_pr_values(found, default_level=0) if found is not None else None
                )
            if self._style_numbering[style_id] is not None:
                return self._style_numbering[style_id]
            style = style.base_style
        return None

    def table(self, element: Any) -> None:
        self.table_no += 1
        table_no = self.table_no
        row_no = 0
        for tr in element.iter(f"{_W}tr"):
            if _ancestor_table(tr) is not element:
                continue  # a row of a table nested in a cell: part of that cell's text
            cells = []
            for tc in tr.findall(f"{_W}tc"):
                if _merged_continuation(tc):
                    cells.append("")
                    continue
                cells.append("\n".join(self.cell_lines(tc)))
            if not any(cell.strip() for cell in cells):
                continue
            row_no += 1
            self.builder.add_row(cells, table_no=table_no, row_no=row_no)

    def cell_lines(self, tc: Any) -> Iterator[str]:
        for child in _content_children(tc):
            if child.tag == f"{_W}p":
                yield self.paragraph(child)[0]
            elif child.tag == f"{_W}tbl":
                for tr in child.iter(f"{_W}tr"):
                    for inner in tr.findall(f"{_W}tc"):
                        yield from self.cell_lines(inner)


def _num_pr_values(num_pr: Any, *, default_level: int) -> tuple[str, int] | None:
    num_id = num_pr.find(f"{_W}numId")
    ilvl = num_pr.find(f"{_W}ilvl")
    if num_id is None or num_id.get(f"{_W}val") in (None, "0"):
        return None
    level = int(ilvl.get(f"{_W}val", "0")) if ilvl is not None else default_level
    return num_id.get(f"{_W}val"), level


def _content_children(element: Any) -> Iterator[Any]:
    """Paragraphs and tables of a body or cell, looking into content controls and custom XML."""
    for child in element.iterchildren():
        if child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child
        elif child.tag in (f"{_W}sdt", f"{_W}customXml", f"{_W}sdtContent"):
            yield from _content_children(child)


def _ancestor_table(element: Any) -> Any:
    parent = element.getparent()
    while parent is not None and parent.tag != f"{_W}tbl":
        parent = parent.getparent()
    return parent


def _merged_continuation(tc: Any) -> bool:
    """A cell continuing a vertical merge (``w:vMerge`` without ``restart``): printed empty."""
    merge = tc.find(f"{_W}tcPr/{_W}vMerge")
    return merge is not None and merge.get(f"{_W}val") in (None, "continue")
