"""Web pages: the main text of the page, without navigation, footer, scripts or styles.

The page is decoded with its declared charset (``<meta charset>`` or the
``http-equiv`` content type; GB2312 and GBK are read as their superset GB18030)
or, without one, with the encoding detection of :func:`coopstats.text.decode`.
The main block is a known content container of government publishing systems
where there is one, otherwise the element that holds most of the page's Chinese
text once navigation, headers and footers are removed; with no such block the
page goes to trafilatura. Inline elements (``<span>``, ``<strong>`` …) are joined
without breaks; block elements (``p``, ``div``, ``br``, ``li``, ``h1``–``h6``,
``tr`` …) break lines; the rows of a data table become table rows.
"""

from __future__ import annotations

import contextlib
import re
from os import PathLike
from typing import TYPE_CHECKING

from coopstats.readers import ReadDocument, TextBuilder

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

__all__ = ["declared_encoding", "decode_page", "read"]

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "svg",
    "canvas",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "select",
    "button",
    "input",
    "textarea",
    "object",
    "embed",
    "head",
)
_BLOCK_TAGS = frozenset(
    {
        *("p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6"),
        *("tr", "td", "th", "table", "tbody", "thead", "tfoot", "caption", "section", "article", "main"),
        *("blockquote", "pre", "center", "hr", "address", "figure", "figcaption", "body", "html"),
    }
)
_HEADING_TAGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
# Class or id words of page chrome, as whole words of a class or id (``wrapper-footer``, ``nav_bar``).
_CHROME = re.compile(
    r"(?:^|[-_\s])(?:header|hearder|footer|foot|nav|navbar|menu|breadcrumbs?|crumbs?|share|sidebar|"
    r"copyright|toolbar|search|topbar|bottom)(?:$|[-_\s\d])",
    re.I,
)
_ROLES_CHROME = frozenset({"navigation", "banner", "contentinfo", "search", "menu", "menubar"})
# Content containers of the publishing systems used by government sites (TRS, UCAP, generic CMS).
_CONTENT_SELECTORS = (
    "article",
    "main",
    "[role=main]",
    "#zoom",
    "#UCAP-CONTENT",
    ".TRS_Editor",
    ".TRS_UEDITOR",
    ".Custom_UnionStyle",
    ".article-content",
    ".article_content",
    "#article-content",
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_DOMINANT_SHARE = 0.7  # a child holding this share of its parent's Chinese text is the main block
_LAYOUT_CELL = 1000  # characters: a cell this long holds a page's text, not a table's data
_NEWLINE_SPACE = "\x00"  # whitespace with a line break in the markup, decided when the line is finished

_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_CODEC_OF_CHARSET = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5",
    "big-5": "big5",
    "x-big5": "big5",
    "cp950": "big5",
    "big5-hkscs": "big5hkscs",
    "utf-8": "utf-8",
    "utf8": "utf-8",
}


def declared_encoding(data: bytes) -> str | None:
    """The codec a page declares in its first 4 kB (GB2312/GBK → ``gb18030``), or ``None``.

    Examples
    --------
    >>> declared_encoding(b'<meta http-equiv="Content-Type" content="text/html; charset=GB2312">')
    'gb18030'
    >>> declared_encoding(b"<meta charset='utf-8'>")
    'utf-8'
    >>> declared_encoding(b"<p>no declaration</p>") is None
    True
    """
    match = _CHARSET.search(data[:4096])
    if match is None:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    return _CODEC_OF_CHARSET.get(name, name)


def decode_page(
    data: bytes, *, encoding: str = "auto", path: str | PathLike[str] | None = None
) -> tuple[str, str]:
    """Decode a page: ``(markup, codec)``, with the declared charset unless the bytes contradict it.

    A page declared in one encoding but valid UTF-8 with Chinese text (a
    common slip of content systems) is read as UTF-8. A forced ``encoding``
    wins over both.

    Examples
    --------
    >>> page = '<meta charset="gb2312"><p>粤港合作</p>'.encode("gb18030")
    >>> decode_page(page)
    ('<meta charset="gb2312"><p>粤港合作</p>', 'gb18030')
    """
    import codecs

    from coopstats.text import decode

    if encoding != "auto":
        return decode(data, encoding=encoding, path=path).text, encoding
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace"), "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace"), "utf-16"
    declared = declared_encoding(data)
    if declared is not None and declared != "utf-8" and not _valid_utf8_beyond_ascii(data):
        for codec in (declared, "big5hkscs") if declared == "big5" else (declared,):
            try:
                return data.decode(codec), codec
            except (UnicodeDecodeError, LookupError):
                continue
    if declared == "utf-8":
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    decoded = decode(data, path=path)
    return decoded.text, decoded.encoding


def _valid_utf8_beyond_ascii(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def read(data: bytes, *, path: str | PathLike[str] | None = None, encoding: str = "auto") -> ReadDocument:
    """Read a web page: its main text, tables as rows.

    Examples
    --------
    >>> page = (
    ...     '<html><head><meta charset="gbk"><script>var a;</script></head><body>'
    ...     '<div class="menu">首页 政务公开</div>'
    ...     '<div class="TRS_Editor"><h2>一、总体要求</h2><p>1.加快<span>协商</span>。</p>'
    ...     '<table><tr><td>序号</td><td>工作\\n任务</td></tr></table></div>'
    ...     '<div class="footer">版权所有</div></body></html>'
    ... ).encode("gb18030")
    >>> doc = read(page)
    >>> print(doc.text)
    一、总体要求
    1.加快协商。
    序号 │ 工作任务
    >>> doc.encoding, [b.kind for b in doc.blocks]
    ('gb18030', ['heading', 'paragraph', 'table-row'])
    """
    from selectolax.lexbor import LexborHTMLParser

    markup, codec = decode_page(data, encoding=encoding, path=path)
    tree = LexborHTMLParser(markup)
    for node in tree.css(", ".join(_DROP_TAGS)):
        node.decompose()
    body = tree.body
    if body is None:
        return _fallback(markup, codec)
    _drop_chrome(body)
    main = _main_block(body)
    if main is None:
        fallback = _fallback(markup, codec)
        if fallback.text.strip():
            return fallback
        main = body
    builder = TextBuilder()
    walker = _Walker(builder)
    walker.block(main)
    walker.flush()
    return builder.build("html", codec)


def _drop_chrome(root: LexborNode) -> None:
    doomed = []
    for node in root.traverse():
        if not node.is_element_node or node.tag in ("body", "html"):
            continue
        attrs = node.attributes
        role = (attrs.get("role") or "").lower()
        words = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
        if role in _ROLES_CHROME or _CHROME.search(words):
            doomed.append(node)
    for node in doomed:
        with contextlib.suppress(Exception):  # already gone with an ancestor
            node.decompose()


def _cjk_count(node: LexborNode) -> int:
    return len(_CJK.findall(node.text(deep=True) or ""))


def _main_block(body: LexborNode) -> LexborNode | None:
    """A known content container with Chinese text, else the element that holds most of it."""
    best: tuple[int, LexborNode] | None = None
    for selector in _CONTENT_SELECTORS:
        for node in body.css(selector):
            count = _cjk_count(node)
            if count and (best is None or count > best[0]):
                best = (count, node)
    if best is not None:
        return best[1]
    node = body
    total = _cjk_count(body)
    if total == 0:
        return None
    while True:
        children = [child for child in _element_children(node)]
        scored = [(_cjk_count(child), child) for child in children]
        scored = [item for item in scored if item[0]]
        if not scored:
            break
        count, child = max(scored, key=lambda item: item[0])
        if count < _DOMINANT_SHARE * _cjk_count(node):
            break
        node = child
    return None if node is body else node


def _element_children(node: LexborNode) -> list[LexborNode]:
    out = []
    child = node.child
    while child is not None:
        if child.is_element_node:
            out.append(child)
        child = child.next
    return out


def _fallback(markup: str, codec: str) -> ReadDocument:
    """Trafilatura's main text, one paragraph per line."""
    import trafilatura

    text = trafilatura.extract(markup, include_tables=True, include_comments=False, favor_recall=True) or ""
    builder = TextBuilder()
    for line in text.split("\n"):
        builder.add(line.strip())
    return builder.build("html", codec)


class _Walker:
    """Walks the main block, joining inline text and breaking lines at block elements."""

    def __init__(self, builder: TextBuilder) -> None:
        self.builder = builder
        self.line: list[str] = []
        self.kind = "paragraph"
        self.table_no = 0

    def flush(self) -> None:
        text = _finish_line("".join(self.line))
        self.builder.add(text, kind=self.kind)
        self.line = []
        self.kind = "paragraph"

    def block(self, node: LexborNode) -> None:
        child = node.child
        while child is not None:
            self.node(child)
            child = child.next

    def node(self, node: LexborNode) -> None:
        if node.is_text_node:
            self.line.append(_collapse(node.text_content or ""))
            return
        if not node.is_element_node:
            return
        tag = node.tag
        if tag == "br":
            self.flush()
            return
        if tag == "table" and _is_data_table(node):
            self.flush()
            self.table(node)
            return
        if tag in _BLOCK_TAGS:
            self.flush()
            if tag in _HEADING_TAGS:
                self.kind = "heading"
            self.block(node)
            self.flush()
            return
        self.block(node)

    def table(self, table: LexborNode) -> None:
        self.table_no += 1
        row_no = 0
        for row in _rows(table):
            cells = [_cell_text(cell) for cell in _element_children(row) if cell.tag in ("td", "th")]
            if not any(cells):
                continue
            row_no += 1
            self.builder.add_row(cells, table_no=self.table_no, row_no=row_no)


def _rows(table: LexborNode) -> list[LexborNode]:
    rows = []
    for child in _element_children(table):
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(row for row in _element_children(child) if row.tag == "tr")
    return rows


def _is_data_table(table: LexborNode) -> bool:
    """A table of cells, not a layout table: no table inside and at least two columns somewhere."""
    if len(table.css("table")) > 1:  # a table inside (css() matches the table itself too): layout
        return False
    if any(len(cell.text(deep=True) or "") > _LAYOUT_CELL for cell in table.css("td, th")):
        return False  # a cell holding a whole text: the page is laid out in a table
    return any(sum(cell.tag in ("td", "th") for cell in _element_children(row)) >= 2 for row in _rows(table))


def _cell_text(cell: LexborNode) -> str:
    builder = TextBuilder()
    walker = _Walker(builder)
    walker.block(cell)
    walker.flush()
    return builder.text  # lines joined by \n: the row joins them


def _collapse(text: str) -> str:
    """Markup whitespace: a run with a line break becomes a marker, other runs one space."""
    return re.sub(r"[ \t\r\n\f]+", lambda m: _NEWLINE_SPACE if "\n" in m.group() else " ", text)


def _finish_line(text: str) -> str:
    # a line break of the markup between two ideographs is no space in print
    text = re.sub(rf"(?<=[^\x00-\x7f]){_NEWLINE_SPACE}+(?=[^\x00-\x7f])", "", text)
    text = text.replace(_NEWLINE_SPACE, " ")
    text = re.sub(r" {2,}", " ", text)
    return text.strip(" ")
