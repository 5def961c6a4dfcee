"""Exceptions and warnings raised by coopstats.

Every problem the library detects in its input is reported with one of these
classes, carrying the data a caller needs to act on it (the file, the line, the
known alternatives). Problems that should not stop a run are warnings
(subclasses of :class:`CoopstatsWarning`), issued with ``warnings.warn``.
"""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike

__all__ = [
    "CoopstatsError",
    "CoopstatsWarning",
    "CorpusIntegrityError",
    "DecodingError",
    "DecodingWarning",
    "DocumentExistsError",
    "DocumentTooLargeError",
    "ExchangeRateError",
    "ExportError",
    "FigureWarning",
    "LegacyFormatError",
    "MissingExtraError",
    "NotAFileError",
    "ParseError",
    "ParseWarning",
    "ReferenceDataError",
    "ReportError",
    "ReportParameterError",
    "ScannedDocumentError",
    "StorageError",
    "UndecodableBytesError",
    "UnknownAgencyWarning",
    "UnknownDocumentError",
    "UnsupportedFormatError",
    "WorkerEnvironmentError",
]


def _where(path: str | PathLike[str] | None, line: int | None) -> str:
    if path is None and line is None:
        return ""
    place = str(path) if path is not None else "<text>"
    return f"{place}:{line}: " if line is not None else f"{place}: "


class CoopstatsError(Exception):
    """Base class of every error raised by coopstats."""


class ParseError(CoopstatsError, ValueError):
    """A text could not be read as a document of the genre.

    Attributes
    ----------
    path : str or None
        The file (``None`` for text passed as a string).
    line : int or None
        1-based line number in the file where the problem was found.
    expected : str
        What the parser expected to find there.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | PathLike[str] | None = None,
        line: int | None = None,
        expected: str = "",
    ) -> None:
        self.path = None if path is None else str(path)
        self.line = line
        self.expected = expected
        detail = f" (expected {expected})" if expected else ""
        super().__init__(f"{_where(path, line)}{message}{detail}")


class DecodingError(ParseError):
    """The bytes are in no encoding coopstats accepts, or decode to implausible text."""


class UndecodableBytesError(DecodingError):
    """Bytes that are invalid in the encoding the text is in (a stray byte in a UTF-8 file …).

    Pass ``encoding_errors="replace"`` to read past them: each becomes U+FFFD
    and its byte offset is returned with the text.

    Attributes
    ----------
    offset : int
        0-based offset in the bytes of the first byte that cannot be decoded.
    encoding : str
        The encoding the rest of the bytes decode in.

    Examples
    --------
    >>> error = UndecodableBytesError("a.txt", offset=12, encoding="utf-8", byte=0xFF)
    >>> error.offset, error.encoding
    (12, 'utf-8')
    >>> str(error)  # doctest: +ELLIPSIS
    "a.txt: cannot decode as utf-8: byte 0xff at offset 12 is invalid (expected ...)"
    """

    def __init__(
        self, path: str | PathLike[str] | None, *, offset: int, encoding: str, byte: int | None = None
    ) -> None:
        self.offset = offset
        self.encoding = encoding
        shown = f"byte 0x{byte:02x}" if byte is not None else "a byte"
        super().__init__(
            f"cannot decode as {encoding}: {shown} at offset {offset} is invalid",
            path=path,
            expected=f"text in {encoding} throughout; pass encoding_errors='replace' to read past bad bytes",
        )


class DocumentTooLargeError(ParseError):
    """A file or bytes larger than the ``max_bytes`` limit (``COOPSTATS_MAX_BYTES``, 50 MB by default).

    Attributes
    ----------
    size : int or None
        The size in bytes, when known (at least ``limit + 1``).
    limit : int
        The limit in bytes.
    """

    def __init__(self, path: str | PathLike[str] | None, *, size: int | None, limit: int) -> None:
        self.size = size
        self.limit = limit
        shown = f"{size} bytes" if size is not None else "more bytes"
        super().__init__(
            f"{shown}, more than the limit of {limit} bytes",
            path=path,
            expected="a document of at most max_bytes (raise it with max_bytes= or COOPSTATS_MAX_BYTES)",
        )


class NotAFileError(ParseError):
    """A path that is not a regular file (a FIFO, a device such as ``/dev/zero``, a socket, a folder)."""


class UnsupportedFormatError(ParseError):
    """The file is a binary format (PDF, Word, a zip archive, an image …), not text."""


class ScannedDocumentError(UnsupportedFormatError):
    """A PDF without a text layer (scanned pages, images only): run OCR on it first."""


class LegacyFormatError(UnsupportedFormatError):
    """A legacy binary document (Word .doc, WPS .wps) that could not be converted to .docx.

    coopstats converts such files itself with LibreOffice (``soffice --headless
    --convert-to docx``) when ``soffice`` is on ``PATH``; this error says the
    conversion was not possible and how to do it by hand.
    """


class CorpusIntegrityError(CoopstatsError):
    """An embedded raw file is missing or differs from the checksum in the manifest."""

    def __init__(self, message: str, *, path: str, expected_sha256: str | None = None) -> None:
        self.path = path
        self.expected_sha256 = expected_sha256
        super().__init__(f"{path}: {message}")


class UnknownDocumentError(CoopstatsError, LookupError):
    """A ``doc_id`` that the corpus does not hold.

    Attributes
    ----------
    doc_id : str
        The identifier asked for.
    known : list of str
        The identifiers the corpus holds.
    """

    def __init__(self, doc_id: str, known: Iterable[str]) -> None:
        self.doc_id = doc_id
        self.known = sorted(known)
        super().__init__(f"unknown doc_id {doc_id!r}; known documents: {', '.join(self.known)}")

    def __str__(self) -> str:  # LookupError would repr() the message
        return str(self.args[0])


class DocumentExistsError(CoopstatsError, ValueError):
    """A document with this ``doc_id`` is already in the corpus (embedded or the user's).

    Attributes
    ----------
    doc_id : str
        The identifier asked for.
    origin : str
        ``"embedded"`` or ``"user"``: where the existing document is.
    """

    def __init__(self, doc_id: str, origin: str) -> None:
        self.doc_id = doc_id
        self.origin = origin
        if origin == "embedded":
            advice = "the embedded corpus cannot be replaced; choose another doc_id (--doc-id)"
        else:
            advice = "pass replace=True (coopstats add --replace) to replace it, or choose another doc_id"
        super().__init__(f"doc_id {doc_id!r} is already in the corpus ({origin}): {advice}")


class StorageError(CoopstatsError, OSError):
    """A file could not be written (a full disk, a read-only folder …); earlier files are intact.

    Attributes
    ----------
    path : str
        The file or folder that could not be written.
    """

    def __init__(self, path: str | PathLike[str], reason: str) -> None:
        self.path = str(path)
        super().__init__(f"cannot write {self.path}: {reason} (is the disk full or the folder read-only?)")

    def __str__(self) -> str:  # OSError would format its own arguments
        return str(self.args[0])


class MissingExtraError(CoopstatsError, ImportError):
    """An optional feature was asked for whose extra is not installed.

    Attributes
    ----------
    extra : str
        The extra that provides it (``dask``): ``pip install 'coopstats[dask]'``.
    package : str
        The package that could not be imported (``distributed``).

    Examples
    --------
    >>> str(MissingExtraError("dask", "distributed", "a Dask scheduler"))
    "a Dask scheduler needs distributed, which is not installed: pip install 'coopstats[dask]'"
    """

    def __init__(self, extra: str, package: str, feature: str) -> None:
        self.extra = extra
        self.package = package
        super().__init__(
            f"{feature} needs {package}, which is not installed: pip install 'coopstats[{extra}]'"
        )

    def __str__(self) -> str:  # ImportError would format its own arguments
        return str(self.args[0])


class WorkerEnvironmentError(CoopstatsError):
    """A worker's coopstats (version, code or reference tables) differs from the main process's.

    Frames parsed there would not be the frames the main process caches under its own
    environment key, so the document is not parsed: install the same coopstats on every worker
    and copy the user's reference overlays (``agencies.csv`` in ``$COOPSTATS_HOME``) there too.
    """


class ExportError(CoopstatsError, ValueError):
    """Frames that cannot be exported as asked: a frame name that is not a file name, an unknown format.

    Examples
    --------
    >>> str(ExportError("frame name '../x' is not a file name"))
    "frame name '../x' is not a file name"
    """


class ExchangeRateError(CoopstatsError, LookupError):
    """No exchange rate is known for a currency and period."""


class ReferenceDataError(ParseError):
    """A reference table (vocabulary, registry, themes, rates …) has a row coopstats cannot use.

    Attributes
    ----------
    table : str
        The table's file name (``vocabulary.csv``) or path.
    row : int or None
        1-based line of the file (the header is line 1).
    expected : str
        What the row should hold.

    Examples
    --------
    >>> str(ReferenceDataError("vocabulary.csv", 7, "a code and at least one written form"))
    'vocabulary.csv:7: bad reference row (expected a code and at least one written form)'
    """

    def __init__(
        self, table: str, row: int | None, expected: str, problem: str = "bad reference row"
    ) -> None:
        self.table = table
        self.row = row
        super().__init__(problem, path=table, line=row, expected=expected)


class ReportError(CoopstatsError):
    """A report notebook failed or could not be written.

    Attributes
    ----------
    cell_index : int or None
        Index of the cell that raised (papermill's numbering), when a cell raised.
    ename : str or None
        Name of the exception the cell raised (``"KeyError"``, ``"CellTimeoutError"`` …).
    kept_path : str or None
        The failed executed notebook, kept for inspection.
    """

    def __init__(
        self,
        message: str,
        *,
        cell_index: int | None = None,
        ename: str | None = None,
        kept_path: str | None = None,
    ) -> None:
        self.cell_index = cell_index
        self.ename = ename
        self.kept_path = kept_path
        super().__init__(message)


class ReportParameterError(ReportError, ValueError):
    """A report was given a parameter its notebook does not declare, or a value of the wrong type."""


class CoopstatsWarning(UserWarning):
    """Base class of every warning issued by coopstats."""


class ParseWarning(CoopstatsWarning):
    """Something in a text was skipped, repaired or found missing, and the parse went on."""


class UnknownAgencyWarning(CoopstatsWarning):
    """An agency name that the registry does not hold; the name is kept and flagged."""


class FigureWarning(CoopstatsWarning):
    """A number-like string that could not be read as a figure and was skipped."""


class DecodingWarning(CoopstatsWarning):
    """Text was read with a doubt or a repair.

    Bytes were replaced (``encoding_errors="replace"``), lone surrogates in a
    ``str`` became U+FFFD, or the encoding was guessed from too few bytes to be
    sure.
    """
