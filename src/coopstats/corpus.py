"""Corpus stage: the embedded raw documents, their manifest and checksums.

The raw files in ``data/raw/`` are kept byte for byte as published. The manifest
(``data/raw/manifest.csv``) holds one row per *logical* document: a source file
may hold several (a briefing paper and the key-work list annexed to it), and
``line_start``/``line_end`` say which lines belong to which ``doc_id``. Each
row records the sha256 of its source file; a missing or changed file raises
:class:`~coopstats.errors.CorpusIntegrityError` before anything is parsed.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from coopstats._resources import data_dir
from coopstats.errors import CorpusIntegrityError, UnknownDocumentError
from coopstats.text import decode

__all__ = [
    "DocumentEntry",
    "check_integrity",
    "doc_ids",
    "entry",
    "manifest",
    "raw_checksums",
    "select",
    "source_text",
]

MANIFEST = "manifest.csv"


@dataclass(frozen=True)
class DocumentEntry:
    """One row of the manifest."""

    doc_id: str
    source_file: str
    line_start: int | None
    line_end: int | None
    sha256: str
    title: str
    title_en: str
    issuer: str
    doc_number: str
    issued: str
    published: str
    issued_note: str
    script: str
    kind: str
    lead_rule: str
    default_currency: str
    seed_file: str
    structure_note: str


def _int_or_none(value: str) -> int | None:
    return int(value) if value.strip() else None


@cache
def manifest() -> tuple[DocumentEntry, ...]:
    """The manifest's rows, in corpus order."""
    raw = data_dir().joinpath("raw", MANIFEST).read_text(encoding="utf-8")
    rows = []
    for row in csv.DictReader(io.StringIO(raw)):
        row["line_start"] = _int_or_none(row["line_start"])
        row["line_end"] = _int_or_none(row["line_end"])
        rows.append(DocumentEntry(**row))
    return tuple(rows)


def doc_ids() -> list[str]:
    """The identifiers of the corpus documents, in corpus order.

    Examples
    --------
    >>> "gdhk-keywork-2017" in doc_ids()
    True
    """
    return [row.doc_id for row in manifest()]


def entry(doc_id: str) -> DocumentEntry:
    """The manifest row of one document; :class:`UnknownDocumentError` if there is none."""
    for row in manifest():
        if row.doc_id == doc_id:
            return row
    raise UnknownDocumentError(doc_id, doc_ids())


def select(doc_id: str | Iterable[str] | None) -> list[str]:
    """Normalise a ``doc_id`` argument: ``None`` (all), one id or several; unknown ids raise.

    Examples
    --------
    >>> select("panprd-guidance-2016")
    ['panprd-guidance-2016']
    """
    if doc_id is None:
        return doc_ids()
    wanted = [doc_id] if isinstance(doc_id, str) else list(doc_id)
    known = doc_ids()
    for one in wanted:
        if one not in known:
            raise UnknownDocumentError(one, known)
    return wanted


def _raw_bytes(source_file: str, expected_sha256: str) -> bytes:
    resource = data_dir().joinpath("raw", source_file)
    if not resource.is_file():
        raise CorpusIntegrityError("raw file is missing", path=str(resource), expected_sha256=expected_sha256)
    data = resource.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected_sha256:
        raise CorpusIntegrityError(
            f"raw file has changed: sha256 {actual} differs from the manifest's {expected_sha256}; "
            "the embedded corpus must stay byte for byte as published",
            path=str(resource),
            expected_sha256=expected_sha256,
        )
    return data


@cache
def _decoded(source_file: str, expected_sha256: str) -> str:
    return decode(_raw_bytes(source_file, expected_sha256), path=source_file).text


def source_text(doc_id: str) -> str:
    """The decoded text of the file that holds ``doc_id`` (newlines normalised).

    All offsets in coopstats frames index into this string.

    Examples
    --------
    >>> text = source_text("gdhk-keywork-2017")
    >>> text[text.index("粤府函") : text.index("粤府函") + 12]
    '粤府函〔2017〕38号'
    """
    row = entry(doc_id)
    return _decoded(row.source_file, row.sha256)


def span(doc_id: str) -> tuple[int, int]:
    """Offsets ``[start, end)`` of the document's lines within its source text."""
    row = entry(doc_id)
    text = source_text(doc_id)
    start = 0
    if row.line_start is not None and row.line_start > 1:
        start = _offset_of_line(text, row.line_start)
    end = len(text)
    if row.line_end is not None:
        end = _offset_of_line(text, row.line_end + 1) if row.line_end < text.count("\n") + 1 else len(text)
    return start, end


def _offset_of_line(text: str, line: int) -> int:
    position = 0
    for _ in range(line - 1):
        position = text.index("\n", position) + 1
    return position


def raw_checksums() -> dict[str, str]:
    """sha256 of every raw source file, as the manifest records it."""
    return {row.source_file: row.sha256 for row in manifest()}


def check_integrity() -> dict[str, str]:
    """Verify every raw file against the manifest; return the checksums.

    Raises
    ------
    CorpusIntegrityError
        A file is missing or changed.
    """
    for source_file, sha in raw_checksums().items():
        _raw_bytes(source_file, sha)
    return raw_checksums()
