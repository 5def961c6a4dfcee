"""Readers: the text of a published document and its structure, whatever its format.

Governments publish their documents as plain text, web pages, Word files and
PDFs. :func:`read_document` looks at the bytes (magic numbers, the members of a
zip archive; never the file name) and hands them to the reader of that format:

- :mod:`coopstats.readers.plain`: text files, through :func:`coopstats.text.decode`;
- :mod:`coopstats.readers.html`: the main text of a web page, without its chrome;
- :mod:`coopstats.readers.docx`: paragraphs and tables of a Word document, with
  Word's automatic numbering rendered as printed;
- :mod:`coopstats.readers.pdf`: the text layer of a PDF in reading order, tables
  as rows, page headers, footers and counters dropped;
- :mod:`coopstats.readers.legacy`: Word ``.doc`` and WPS ``.wps`` files, converted
  to ``.docx`` with LibreOffice when it is installed.

Each returns a :class:`ReadDocument`: the ``text`` that the later stages parse
(newlines ``\\n``) and its ``blocks`` (paragraphs, headings and table rows with
their offsets into ``text``, their page and their table position). A table row
becomes one line of ``text`` with its cells joined by :data:`CELL_SEPARATOR`.

The readers import their libraries inside functions, so ``import coopstats``
stays light.
"""

from __future__ import annotations

import bisect
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from os import PathLike
from typing import BinaryIO

from coopstats.errors import DocumentTooLargeError, NotAFileError, ParseError, UnsupportedFormatError

__all__ = [
    "CELL_SEPARATOR",
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "MAX_BYTES_ENV",
    "SUFFIXES",
    "Block",
    "BlockPosition",
    "ReadDocument",
    "TextBuilder",
    "detect_format",
    "locate",
    "max_bytes_limit",
    "read_document",
    "read_file",
]

#: Cells of a table row are joined by this in ``text``: space, U+2502 BOX DRAWINGS LIGHT VERTICAL, space.
CELL_SEPARATOR = " \u2502 "

#: The formats :func:`read_document` reads, with the file suffixes they are usually published under.
#: The format is told from the content, never the name; the suffixes are for choosers (report parameters).
SUFFIXES: dict[str, tuple[str, ...]] = {
    "text": (".txt",),
    "html": (".html", ".htm"),
    "docx": (".docx",),
    "pdf": (".pdf",),
}
FORMATS = tuple(SUFFIXES)

BLOCK_KINDS = ("paragraph", "heading", "table-row")

#: Largest document read, in bytes, unless ``max_bytes=`` or :data:`MAX_BYTES_ENV` says otherwise.
DEFAULT_MAX_BYTES = 50_000_000
#: Environment variable holding the default ``max_bytes`` (a number of bytes).
MAX_BYTES_ENV = "COOPSTATS_MAX_BYTES"

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(
    rb"^(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_TAG = re.compile(rb"<(?:html|head|body|meta|title|div|p|table)\b[^>]*>", re.I)


@dataclass(frozen=True)
class Block:
    """One paragraph, heading or table row of a read document.

    Attributes
    ----------
    kind : {"paragraph", "heading", "table-row"}
        What the block is.
    start, end : int
        Offsets of the block in :attr:`ReadDocument.text`; ``text[start:end]``
        is its line (a block never spans a newline).
    page : int or None
        1-based page of a PDF; ``None`` for other formats.
    table_no : int or None
        1-based number of the table in the document, for table rows.
    row_no : int or None
        1-based row within its table, for table rows.
    cells : tuple of str
        The cells of a table row, as printed (line breaks inside a cell removed).
    """

    kind: str
    start: int
    end: int
    page: int | None = None
    table_no: int | None = None
    row_no: int | None = None
    cells: tuple[str, ...] = ()


@dataclass(frozen=True)
class BlockPosition:
    """Where an offset of :attr:`ReadDocument.text` lies: page, table and row (``None`` if not known)."""

    page: int | None
    table_no: int | None
    row_no: int | None


_NOWHERE = BlockPosition(None, None, None)


@dataclass(frozen=True)
class ReadDocument:
    """The text of a document and its structure.

    Attributes
    ----------
    text : str
        What the later stages parse; newlines are ``\\n``.
    format : {"text", "html", "docx", "pdf"}
        The format the bytes were read as (a ``.doc`` converted by LibreOffice is ``docx``).
    encoding : str or None
        Codec of a text file or a web page; ``None`` for Word and PDF.
    blocks : tuple of Block
        Paragraphs, headings and table rows in the order of ``text``.
    replaced : tuple of int
        Byte offsets of undecodable bytes replaced by U+FFFD in a text file
        (``encoding_errors="replace"``); empty otherwise.
    encoding_guessed : bool
        A text file too short to tell its encoding for sure (see :func:`coopstats.text.decode`).
    """

    text: str
    format: str
    encoding: str | None = None
    blocks: tuple[Block, ...] = field(default=(), repr=False)
    replaced: tuple[int, ...] = field(default=(), repr=False)
    encoding_guessed: bool = False

    def locate(self, offsets: Iterable[int | None]) -> list[BlockPosition]:
        """Page, table and row of each offset into :attr:`text` (see :func:`locate`)."""
        if not self.positioned:  # a text file's lines: no offset has a position
            return [_NOWHERE] * sum(1 for _ in offsets)
        return locate(self.blocks, offsets)

    @cached_property
    def positioned(self) -> bool:
        """Whether a block has a page, table or row: else no offset of :attr:`text` has one.

        Examples
        --------
        >>> ReadDocument("a", "text", blocks=(Block("paragraph", 0, 1),)).positioned
        False
        >>> ReadDocument("a", "pdf", blocks=(Block("paragraph", 0, 1, page=1),)).positioned
        True
        """
        return any(
            block.page is not None or block.table_no is not None or block.row_no is not None
            for block in self.blocks
        )


class TextBuilder:
    """Builds a read document's text line by line, recording a block for each line.

    Examples
    --------
    >>> b = TextBuilder()
    >>> b.add("一、总体要求", kind="heading")
    >>> b.add_row(["序号", "工作任务"], table_no=1, row_no=1)
    >>> b.text
    '一、总体要求\\n序号 │ 工作任务'
    >>> [(blk.kind, blk.start, blk.end) for blk in b.blocks]
    [('heading', 0, 6), ('table-row', 7, 16)]
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.blocks: list[Block] = []

    @property
    def text(self) -> str:
        """The text so far, lines joined by ``\\n``."""
        return "".join(self._parts)

    def add(
        self,
        line: str,
        *,
        kind: str = "paragraph",
        page: int | None = None,
        table_no: int | None = None,
        row_no: int | None = None,
        cells: Sequence[str] = (),
    ) -> None:
        """Append one line (blank lines are skipped; inner line breaks become spaces)."""
        line = line.replace("\r", " ").replace("\n", " ").rstrip()
        if not line.strip():
            return
        if self._parts:
            self._parts.append("\n")
            self._length += 1
        start = self._length
        self._parts.append(line)
        self._length += len(line)
        self.blocks.append(Block(kind, start, self._length, page, table_no, row_no, tuple(cells)))

    def add_row(self, cells: Sequence[str], *, table_no: int, row_no: int, page: int | None = None) -> None:
        """Append a table row: its cells, line breaks removed, joined by :data:`CELL_SEPARATOR`."""
        flat = [join_cell_lines(cell) for cell in cells]
        if not any(flat):
            return
        self.add(
            CELL_SEPARATOR.join(flat),
            kind="table-row",
            page=page,
            table_no=table_no,
            row_no=row_no,
            cells=flat,
        )

    def build(self, fmt: str, encoding: str | None = None) -> ReadDocument:
        """The finished :class:`ReadDocument`."""
        return ReadDocument(self.text, fmt, encoding, tuple(self.blocks))


def join_cell_lines(cell: str | None) -> str:
    """A table cell's text on one line: line breaks removed (a space only between two Latin words).

    Examples
    --------
    >>> join_cell_lines("推进工作机\\n制建设")
    '推进工作机制建设'
    >>> join_cell_lines("Hong\\nKong")
    'Hong Kong'
    """
    if not cell:
        return ""
    lines = [ln.strip() for ln in re.split(r"[\r\n\v\u2028\u2029]+", cell) if ln.strip()]
    out = ""
    for ln in lines:
        if out and _latin(out[-1]) and _latin(ln[0]):
            out += " "
        out += ln
    return re.sub(r"[ \t]{2,}", " ", out)


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def locate(blocks: Sequence[Block], offsets: Iterable[int | None]) -> list[BlockPosition]:
    """Page, table number and row number of each offset, from the blocks that hold them.

    An offset between two blocks (on a newline) takes the block before it; an
    offset before the first block, or ``None``, gets no position. Each look-up
    is a bisection over the blocks' starts.

    Parameters
    ----------
    blocks : sequence of Block
        Blocks in text order (as :attr:`ReadDocument.blocks`).
    offsets : iterable of int or None
        Offsets into the text.

    Returns
    -------
    list of BlockPosition
        One per offset, in order.

    Examples
    --------
    >>> blocks = [Block("paragraph", 0, 4, page=1), Block("table-row", 5, 9, page=2, table_no=1, row_no=1)]
    >>> [(p.page, p.table_no, p.row_no) for p in locate(blocks, [2, 6, None])]
    [(1, None, None), (2, 1, 1), (None, None, None)]
    """
    starts = [block.start for block in blocks]
    none = _NOWHERE
    out: list[BlockPosition] = []
    for offset in offsets:
        if offset is None or offset != offset:  # None or NaN
            out.append(none)
            continue
        index = bisect.bisect_right(starts, int(offset)) - 1
        if index < 0:
            out.append(none)
            continue
        block = blocks[index]
        out.append(BlockPosition(block.page, block.table_no, block.row_no))
    return out


def detect_format(data: bytes) -> str:
    """The format of the bytes, from their content: ``pdf``, ``docx``, ``legacy``, ``html`` or ``text``.

    ``legacy`` is an OLE compound file (Word ``.doc``, WPS ``.wps``). Other
    binary files (images, other zip archives …) are ``text`` here and refused
    by the text reader.

    Examples
    --------
    >>> detect_format(b"%PDF-1.7 ...")
    'pdf'
    >>> detect_format("<!DOCTYPE html><html><body><p>通知</p></body></html>".encode())
    'html'
    >>> detect_format("一、总体要求".encode("gb18030"))
    'text'
    """
    head = data[:1024]
    if head.lstrip(b"\x00\t\n\r ").startswith(b"%PDF-"):
        return "pdf"
    if b"%PDF-" in head and b" obj" in data[:65536] and not _HTML_START.match(data):
        return "pdf"  # a PDF after some junk bytes, as some servers send them
    if data.startswith(b"PK\x03\x04"):
        return "docx" if _is_docx(data) else "text"
    if data.startswith(_OLE_SIGNATURE):
        return "legacy"
    sniff = data[:4096]
    if sniff.startswith(b"\xef\xbb\xbf"):
        sniff = sniff[3:]
    if _HTML_START.match(sniff) or len(_HTML_TAG.findall(sniff)) >= 3:
        return "html"
    return "text"


def _is_docx(data: bytes) -> bool:
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def max_bytes_limit(max_bytes: int | None = None) -> int:
    """The size limit in bytes: ``max_bytes`` if given, else ``$COOPSTATS_MAX_BYTES``, else 50 MB.

    Examples
    --------
    >>> max_bytes_limit(1000)
    1000
    >>> import os; os.environ.get("COOPSTATS_MAX_BYTES") is None and max_bytes_limit() == 50_000_000
    True
    """
    if max_bytes is not None:
        if max_bytes < 0:
            raise ValueError(f"max_bytes must be at least 0, not {max_bytes}")
        return int(max_bytes)
    configured = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not configured:
        return DEFAULT_MAX_BYTES
    try:
        value = int(float(configured))
    except ValueError:
        raise ValueError(f"{MAX_BYTES_ENV}={configured!r} is not a number of bytes") from None
    return max(value, 0)


def read_file(path: str | PathLike[str], *, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file, at most ``max_bytes`` of them; never a device, FIFO or socket.

    The file is opened without blocking (a FIFO would wait for a writer for
    ever) and checked to be a regular file before anything is read; it is read
    with a cap, so ``/dev/zero`` or a file growing while it is read cannot
    exhaust memory.

    Parameters
    ----------
    path : path-like
        The file.
    max_bytes : int, optional
        Size limit (default :func:`max_bytes_limit`: ``$COOPSTATS_MAX_BYTES`` or 50 MB).

    Returns
    -------
    bytes

    Raises
    ------
    coopstats.errors.ParseError
        No such file, or it cannot be read.
    coopstats.errors.NotAFileError
        A folder, FIFO, device or socket.
    coopstats.errors.DocumentTooLargeError
        More than ``max_bytes``.

    Examples
    --------
    >>> read_file("/dev/zero")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    coopstats.errors.NotAFileError: /dev/zero: this is a character device, not a regular file ...
    """
    limit = max_bytes_limit(max_bytes)
    try:
        kind = _file_kind(os.stat(path).st_mode)
        if kind is not None:  # checked before opening: opening a FIFO or a tape may already block
            raise NotAFileError(f"this is {kind}, not a regular file", path=path, expected="a document file")
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise ParseError("no such file", path=path, expected="an existing file") from None
    except OSError as exc:
        raise _unreadable(path, exc) from None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        kind = _file_kind(status.st_mode)
        if kind is not None:  # replaced between the check and the opening
            raise NotAFileError(f"this is {kind}, not a regular file", path=path, expected="a document file")
        if status.st_size > limit:
            raise DocumentTooLargeError(path, size=status.st_size, limit=limit)
        try:
            data = _read_capped(handle, status.st_size, limit)
        except OSError as exc:
            raise _unreadable(path, exc) from None
    if len(data) > limit:  # grew while read
        raise DocumentTooLargeError(path, size=None, limit=limit)
    return data


def _read_capped(handle: BinaryIO, size: int, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of an open file whose size was ``size``: all of it, or one byte too many.

    The file is read in the size it had (and one byte more, to see it grew), not
    in a buffer of ``limit`` bytes; a file that grew is read on, in chunks, up
    to ``limit + 1`` bytes.
    """
    wanted = min(size, limit) + 1
    data = handle.read(wanted)
    if len(data) < wanted or len(data) > limit:
        return data  # the end of the file, or already more than the limit
    chunks = [data]
    total = len(data)
    while total <= limit:
        chunk = handle.read(min(limit + 1 - total, _GROWTH_CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


_GROWTH_CHUNK = 1 << 20  # bytes read at a time from a file that grew after it was measured


def _unreadable(path: str | PathLike[str], exc: OSError) -> ParseError:
    return ParseError(f"cannot read the file: {exc.strerror or exc}", path=path, expected="a readable file")


def _file_kind(mode: int) -> str | None:
    """What a non-regular file is (``None`` for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_document(
    data: bytes,
    *,
    path: str | PathLike[str] | None = None,
    encoding: str = "auto",
    encoding_errors: str = "strict",
    max_bytes: int | None = None,
) -> ReadDocument:
    """Read the bytes of a published document: its text and structure, whatever its format.

    Parameters
    ----------
    data : bytes
        The file's bytes. The format is told from the content, never from a name.
    path : path-like, optional
        Used in error messages only.
    encoding : str, default "auto"
        Codec of a text file or web page, or ``"auto"`` (a page's declared
        charset, else detection). Ignored for Word and PDF.
    encoding_errors : {"strict", "replace"}, default "strict"
        Bytes of a text file invalid in its encoding: refused (the error names
        the first one's offset), or replaced by U+FFFD with their offsets in
        :attr:`ReadDocument.replaced` (see :func:`coopstats.text.decode`).
    max_bytes : int, optional
        Size limit in bytes (default :func:`max_bytes_limit`: ``$COOPSTATS_MAX_BYTES`` or 50 MB).

    Returns
    -------
    ReadDocument
        ``text``, ``format``, ``encoding`` and ``blocks``.

    Raises
    ------
    coopstats.errors.ScannedDocumentError
        A PDF without a text layer (run OCR on it first).
    coopstats.errors.LegacyFormatError
        A ``.doc`` or ``.wps`` file and LibreOffice is not installed or failed.
    coopstats.errors.UnsupportedFormatError
        Any other binary file (images, archives, a damaged document …).
    coopstats.errors.DecodingError
        Text in no encoding coopstats accepts.
    coopstats.errors.DocumentTooLargeError
        More than ``max_bytes``.

    Examples
    --------
    >>> doc = read_document("一、总体要求\\r\\n1.加快协商。".encode("gb18030"))
    >>> doc.format, doc.encoding, doc.text
    ('text', 'gb18030', '一、总体要求\\n1.加快协商。')
    >>> page = "<html><body><nav>首页</nav><p>一、<span>总体</span>要求</p></body></html>"
    >>> read_document(page.encode()).text
    '一、总体要求'
    """
    limit = max_bytes_limit(max_bytes)
    if len(data) > limit:
        raise DocumentTooLargeError(path, size=len(data), limit=limit)
    kind = detect_format(data)
    if kind == "pdf":
        from coopstats.readers import pdf

        return pdf.read(data, path=path)
    if kind == "docx":
        from coopstats.readers import docx

        return docx.read(data, path=path)
    if kind == "legacy":
        from coopstats.readers import legacy

        return legacy.read(data, path=path)
    if kind == "html":
        from coopstats.readers import html

        return html.read(data, path=path, encoding=encoding)
    from coopstats.readers import plain

    return plain.read(data, path=path, encoding=encoding, encoding_errors=encoding_errors)


def unsupported(message: str, path: str | PathLike[str] | None, expected: str) -> UnsupportedFormatError:
    """An :class:`~coopstats.errors.UnsupportedFormatError` for a reader to raise."""
    return UnsupportedFormatError(message, path=path, expected=expected)
