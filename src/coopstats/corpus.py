"""Corpus stage: the embedded raw documents and the user's own, their manifests and checksums.

The raw files in ``data/raw/`` are kept byte for byte as published. The manifest
(``data/raw/manifest.csv``) holds one row per *logical* document: a source file
may hold several (a briefing paper and the key-work list annexed to it), and
``line_start``/``line_end`` say which lines belong to which ``doc_id``. Each
row records the sha256 of its source file; a missing or changed file raises
:class:`~coopstats.errors.CorpusIntegrityError` before anything is parsed.

The user's own documents (added with ``coopstats add`` / ``cs.add``) live in
the user folder: ``<user folder>/corpus/raw/`` holds each file byte for byte,
``<user folder>/corpus/manifest.csv`` one row per document with its sha256,
format and settings (:data:`USER_COLUMNS`). The corpus is the embedded
documents followed by the user's, in the order they were added; every frame
function covers both. This module only reads; :mod:`coopstats.collection`
writes the user's manifest, under a lock.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from coopstats._resources import data_dir, user_dir
from coopstats.errors import CorpusIntegrityError, ReferenceDataError, UnknownDocumentError

if TYPE_CHECKING:
    from coopstats.readers import ReadDocument

__all__ = [
    "USER_COLUMNS",
    "DocumentEntry",
    "check_integrity",
    "doc_ids",
    "entry",
    "manifest",
    "raw_checksums",
    "select",
    "source_reading",
    "source_text",
    "user_corpus_dir",
]

MANIFEST = "manifest.csv"


@dataclass(frozen=True)
class DocumentEntry:
    """One row of a manifest (the embedded one or the user's)."""

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
    issued_note: str
    script: str
    kind: str
    lead_rule: str
    default_currency: str
    seed_file: str = ""
    structure_note: str = ""
    published: str = ""
    format: str = "text"
    origin: str = "embedded"
    added: str = ""


# The columns of the user's manifest, in file order.
USER_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "source_file",
    "sha256",
    "format",
    "title",
    "issuer",
    "published",
    "script",
    "kind",
    "lead_rule",
    "default_currency",
    "added",
)
_FIELDS = {f.name for f in fields(DocumentEntry)}


def _int_or_none(value: str) -> int | None:
    return int(value) if value.strip() else None


def _entries(text: str, *, origin: str, table: str) -> list[DocumentEntry]:
    rows = []
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        record = {key: (value or "") for key, value in row.items() if key in _FIELDS - {"origin"}}
        for key in ("line_start", "line_end"):
            record[key] = _int_or_none(record.get(key, ""))  # type: ignore[assignment]
        for key in _FIELDS - set(record) - {"origin"}:
            if key not in ("seed_file", "structure_note", "published", "format", "added"):
                record[key] = ""
        if not record.get("doc_id") or not record.get("source_file") or not record.get("sha256"):
            raise ReferenceDataError(table, line, "a doc_id, a source_file and its sha256")
        rows.append(DocumentEntry(**record, origin=origin))  # type: ignore[arg-type]
    return rows


@cache
def _embedded() -> tuple[DocumentEntry, ...]:
    raw = data_dir().joinpath("raw", MANIFEST).read_text(encoding="utf-8")
    return tuple(_entries(raw, origin="embedded", table=MANIFEST))


def user_corpus_dir() -> Path:
    """The folder of the user's own documents: ``<user folder>/corpus``."""
    return user_dir() / "corpus"


@cache
def _user(path: str, signature: tuple[int, int]) -> tuple[DocumentEntry, ...]:
    text = Path(path).read_text(encoding="utf-8")
    return tuple(_entries(text, origin="user", table=path))


def manifest() -> tuple[DocumentEntry, ...]:
    """The rows of both manifests: the embedded documents, then the user's in the order added.

    The user's manifest is read again whenever it changes on disk.
    """
    path = user_corpus_dir() / MANIFEST
    try:
        stat = path.stat()
    except FileNotFoundError:
        return _embedded()
    return _embedded() + _user(str(path), (stat.st_mtime_ns, stat.st_size))


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


def _raw_path(source_file: str, origin: str) -> str:
    if origin == "user":
        return str(user_corpus_dir() / "raw" / source_file)
    return str(data_dir().joinpath("raw", source_file))


def _raw_bytes(source_file: str, expected_sha256: str, origin: str = "embedded") -> bytes:
    location = _raw_path(source_file, origin)
    resource = Path(location) if origin == "user" else data_dir().joinpath("raw", source_file)
    if not resource.is_file():
        raise CorpusIntegrityError("raw file is missing", path=location, expected_sha256=expected_sha256)
    data = resource.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected_sha256:
        what = "the embedded corpus must stay byte for byte as published"
        if origin == "user":
            what = "a document of your own corpus was changed after it was added (coopstats add --replace)"
        raise CorpusIntegrityError(
            f"raw file has changed: sha256 {actual} differs from the manifest's {expected_sha256}; {what}",
            path=location,
            expected_sha256=expected_sha256,
        )
    return data


@cache
def _read(source_file: str, expected_sha256: str, origin: str = "embedded") -> ReadDocument:
    from coopstats.readers import read_document

    data = _raw_bytes(source_file, expected_sha256, origin)
    return read_document(data, path=_raw_path(source_file, origin))


def source_reading(doc_id: str) -> ReadDocument:
    """What the reader gave for the file that holds ``doc_id``: its text, format and blocks."""
    row = entry(doc_id)
    return _read(row.source_file, row.sha256, row.origin)


def source_text(doc_id: str) -> str:
    """The text parsed from the file that holds ``doc_id`` (decoded, newlines normalised).

    A text file's decoded text; a web page's, Word or PDF document's text as
    its reader gave it. All offsets in coopstats frames index into this string.

    Examples
    --------
    >>> text = source_text("gdhk-keywork-2017")
    >>> text[text.index("粤府函") : text.index("粤府函") + 12]
    '粤府函〔2017〕38号'
    """
    return source_reading(doc_id).text


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
    """sha256 of every raw source file, as the manifests record it (user files as ``user/<file>``)."""
    return {
        (row.source_file if row.origin == "embedded" else f"user/{row.source_file}"): row.sha256
        for row in manifest()
    }


def check_integrity(doc_ids: Iterable[str] | None = None) -> dict[str, str]:
    """Verify raw files against the manifests (all, or those of ``doc_ids``); return the checksums.

    Raises
    ------
    CorpusIntegrityError
        A file is missing or changed.
    """
    wanted = None if doc_ids is None else set(doc_ids)
    for row in manifest():
        if wanted is None or row.doc_id in wanted:
            _raw_bytes(row.source_file, row.sha256, row.origin)
    return raw_checksums()
