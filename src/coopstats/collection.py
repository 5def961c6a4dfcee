"""The user's own corpus: add documents, remove them; every frame function then covers them.

``cs.add(path)`` (``coopstats add PATH…``) copies a file byte for byte into the
user folder's corpus (``<user folder>/corpus/raw/``, never the packaged data),
parses it once, records it in the user manifest with its sha256, format and
the settings it was parsed with, and puts its frames in the cache, so the
next ``cs.tasks()`` — in this process or another — includes it without
parsing again. Only the new document is parsed. ``cs.add(paths, jobs=2)``
(``coopstats add --jobs 2``) parses on several processes or a Dask cluster
(:mod:`coopstats.batch`) and records the results here, in input order:
workers never write the manifest or the cache.

Writes are safe with several processes at once and against kills: the
manifest is changed under a file lock (:mod:`filelock`), re-read inside the
lock, and every file is written to a temporary file, fsynced and renamed into
place. A full disk or a read-only folder raises
:class:`~coopstats.errors.StorageError` naming the path and leaves the
previous files intact.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coopstats import corpus
from coopstats._resources import atomic_write
from coopstats.errors import (
    CoopstatsError,
    DocumentExistsError,
    ParseError,
    StorageError,
    UnknownDocumentError,
)

if TYPE_CHECKING:
    from concurrent.futures import Executor

    import pandas as pd
    from filelock import BaseFileLock

    from coopstats.batch import BatchResult
    from coopstats.frames import ParsedDocument

__all__ = ["AddedDocument", "add", "add_one", "iter_add", "record", "remove"]

LOCK_TIMEOUT_SECONDS = 120
_BAD_ID_CHARACTERS = re.compile(r"[\s/\\:*?\"<>|]+")


@dataclass(frozen=True)
class AddedDocument:
    """What :func:`add_one` recorded for one file."""

    doc_id: str
    source_file: str
    format: str
    kind: str
    tasks: int
    assignments: int
    figures: int
    replaced: bool


def _lock() -> BaseFileLock:
    from filelock import FileLock

    folder = corpus.user_corpus_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(folder, exc.strerror or str(exc)) from exc
    return FileLock(str(folder / ".manifest.lock"), timeout=LOCK_TIMEOUT_SECONDS)


def _doc_id_for(path: Path, doc_id: str | None) -> str:
    wanted = doc_id if doc_id is not None else _BAD_ID_CHARACTERS.sub("-", path.stem).strip("-.")
    if not wanted or _BAD_ID_CHARACTERS.search(wanted) or wanted.startswith("."):
        raise ValueError(
            f"doc_id {wanted!r} is not usable: expected letters, digits, CJK characters, '-', '_' or '.', "
            "with no spaces or slashes"
        )
    return wanted


def _manifest_rows() -> list[dict[str, str]]:
    path = corpus.user_corpus_dir() / corpus.MANIFEST
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


def _write_manifest(rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(corpus.USER_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in corpus.USER_COLUMNS})
    atomic_write(corpus.user_corpus_dir() / corpus.MANIFEST, buffer.getvalue().encode("utf-8"))


def _check_new(path: str | os.PathLike[str], doc_id: str | None) -> tuple[Path, str]:
    """The file and the ``doc_id`` it would get; refused before parsing when the id is unusable."""
    source = Path(path)
    wanted = _doc_id_for(source, doc_id)
    embedded = {row.doc_id for row in corpus.manifest() if row.origin == "embedded"}
    if wanted in embedded:
        raise DocumentExistsError(wanted, "embedded")
    return source, wanted


def record(
    parsed: ParsedDocument, data: bytes, path: str | os.PathLike[str], *, replace: bool = False
) -> AddedDocument:
    """Record a document parsed elsewhere (a worker of a batch): raw copy, manifest row, cached frames.

    ``parsed`` must have been parsed from ``data`` (checked by sha256) under
    the ``doc_id`` it is to be added as. Only the calling process writes: the
    raw copy and the manifest under the manifest's lock, then the frames into
    the cache.

    Parameters
    ----------
    parsed : ParsedDocument
        What :meth:`coopstats.frames.ParsedDocument.from_bytes` gave for ``data``.
    data : bytes
        The file's bytes, copied as they are.
    path : path-like
        The file they came from (its suffix names the raw copy).
    replace : bool, default False
        Replace a user document with the same ``doc_id``.

    Raises
    ------
    DocumentExistsError
        The ``doc_id`` is taken (embedded, or the user's without ``replace``).
    StorageError
        The user folder cannot be written.
    """
    from coopstats import frames

    source = Path(path)
    wanted = parsed.settings.doc_id
    if parsed.meta.get("sha256") != hashlib.sha256(data).hexdigest():
        raise ParseError("the parsed document does not come from these bytes", path=source)
    embedded = {row.doc_id for row in corpus.manifest() if row.origin == "embedded"}
    if wanted in embedded:
        raise DocumentExistsError(wanted, "embedded")
    settings = parsed.settings
    extension = source.suffix.lower() if re.fullmatch(r"\.[a-z0-9]{1,5}", source.suffix.lower()) else ""
    row = {
        "doc_id": wanted,
        "source_file": f"{wanted}{extension}",
        "sha256": str(parsed.meta["sha256"]),
        "format": str(parsed.meta.get("format") or "text"),
        "title": str(parsed.meta.get("title") or ""),
        "issuer": settings.issuer or "",
        "published": settings.published or "",
        "script": settings.script,
        "kind": str(parsed.meta["kind"]),
        "lead_rule": settings.lead_rule,
        "default_currency": settings.default_currency or "",
        "added": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    raw_folder = corpus.user_corpus_dir() / "raw"
    with _lock():
        rows = _manifest_rows()
        existing = [r for r in rows if r["doc_id"] == wanted]
        if existing and not replace:
            raise DocumentExistsError(wanted, "user")
        atomic_write(raw_folder / row["source_file"], data)
        kept = [r for r in rows if r["doc_id"] != wanted]
        _write_manifest([*kept, row])
        for old in existing:
            if old["source_file"] != row["source_file"]:
                (raw_folder / old["source_file"]).unlink(missing_ok=True)
    frames.cache_parsed(parsed)
    return AddedDocument(
        doc_id=wanted,
        source_file=row["source_file"],
        format=row["format"],
        kind=row["kind"],
        tasks=len(parsed.tasks),
        assignments=len(parsed.assignments),
        figures=len(parsed.figures),
        replaced=bool(existing),
    )


def add_one(
    path: str | os.PathLike[str],
    *,
    doc_id: str | None = None,
    published: str | None = None,
    issuer: str | None = None,
    lead_rule: str = "auto",
    currency: str | None = None,
    script: str = "auto",
    replace: bool = False,
) -> AddedDocument:
    """Add one file to the user's corpus, parsed in this process (see :func:`add`)."""
    from coopstats import frames
    from coopstats.readers import read_file

    data = read_file(Path(path))  # a regular file within the size limit: never a FIFO or a device
    source, wanted = _check_new(path, doc_id)
    parsed = frames.ParsedDocument.from_bytes(
        data,
        doc_id=wanted,
        path=source,
        lead_rule=lead_rule,
        script=script,
        default_currency=currency,
        issuer=issuer,
        published=published,
    )
    return record(parsed, data, source, replace=replace)


def iter_add(
    paths: Iterable[str | os.PathLike[str]],
    *,
    doc_id: str | None = None,
    published: str | None = None,
    issuer: str | None = None,
    lead_rule: str = "auto",
    currency: str | None = None,
    script: str = "auto",
    replace: bool = False,
    jobs: int | None = 1,
    executor: Executor | None = None,
    progress: bool | str = False,
) -> Iterator[tuple[Path, AddedDocument | BaseException, BatchResult]]:
    """Add files, parsed on an executor; yield each file's outcome in input order as it is recorded.

    Workers parse (:func:`coopstats.batch.parse_one`); this process alone
    writes the raw copies, the manifest (under its lock) and the cache, in
    input order, so the manifest is the one adding the files one by one gives.
    Settings as :func:`add`; ``jobs``, ``executor`` and ``progress`` as
    :func:`coopstats.batch.iter_parsed`.

    Yields
    ------
    tuple
        The path, then its :class:`AddedDocument` or the error that kept it
        out, then its :class:`~coopstats.batch.BatchResult` (the parse, or the
        refusal before parsing).
    """
    from coopstats import batch

    items = list(paths)
    if doc_id is not None and len(items) != 1:
        raise ValueError("doc_id names one document: pass one path with it")
    settings = {
        "lead_rule": lead_rule,
        "script": script,
        "default_currency": currency,
        "issuer": issuer,
        "published": published,
    }
    batch._check_settings(settings)

    def prepare(path: Path) -> dict[str, object]:
        _, wanted = _check_new(path, doc_id)
        if not replace and any(r["doc_id"] == wanted for r in _manifest_rows()):
            raise DocumentExistsError(wanted, "user")  # checked again under the lock when recorded
        return {**settings, "doc_id": wanted}

    parsed = batch.iter_parsed(items, prepare, executor=executor, jobs=jobs, progress=progress)
    for path, data, result in parsed:
        if result.document is None or data is None:
            error = result.exception or RuntimeError(result.error or "not parsed")
            yield path, error, result
            continue
        try:
            yield path, record(result.document, data, path, replace=replace), result
        except (CoopstatsError, ValueError) as exc:
            yield path, exc, result


def add(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    doc_id: str | None = None,
    published: str | None = None,
    issuer: str | None = None,
    lead_rule: str = "auto",
    currency: str | None = None,
    script: str = "auto",
    replace: bool = False,
    jobs: int | None = 1,
    executor: Executor | None = None,
    progress: bool | str = False,
) -> pd.DataFrame:
    """Add documents of your own to the corpus that every frame function sees.

    Parameters
    ----------
    paths : path-like or iterable of path-like
        Files in any format the readers read (text in UTF-8/UTF-16/GB18030/Big5,
        and the other formats of :func:`coopstats.parse_document`).
    doc_id : str, optional
        Identifier of the document (default: the file's stem); only with one path.
    published : str, optional
        Publication date, ISO 8601 as precise as known (``2024-03``).
    issuer : str, optional
        The issuing body, as written.
    lead_rule : {"auto", "marker", "first-listed", "none"}
        How lead agencies are marked.
    currency : str, optional
        Currency of a bare 元 (an ISO code of the vocabulary).
    script : {"auto", "hans", "hant"}
        Script of the text.
    replace : bool, default False
        Replace a user document with the same ``doc_id`` (embedded ones never).
    jobs : int or None, default 1
        Processes that parse (``None``: one per core); 1 parses in this process.
    executor : concurrent.futures.Executor, optional
        Parse there instead (e.g. a Dask cluster's ``client.get_executor()``).
    progress : bool or {"bar", "lines", "off"}, default False
        Progress on stderr, as :func:`coopstats.parse_documents`.

    Returns
    -------
    pandas.DataFrame
        One row per file: ``doc_id, source_file, format, kind, tasks,
        assignments, figures, replaced``.

    Raises
    ------
    DocumentExistsError
        The ``doc_id`` is taken (embedded, or the user's without ``replace``).
    ParseError
        The file cannot be read as a document of the genre.
    StorageError
        The user folder cannot be written.

    The files before the first that fails are added, those after it are not,
    whatever ``jobs``: the same as adding them one by one.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "kw.txt").write_text("一、合作\\n1. 推进合作。（省商务厅牵头）", encoding="utf-8")
    >>> add(folder / "kw.txt")[["doc_id", "kind", "tasks"]].values.tolist()  # doctest: +SKIP
    [['kw', 'task-list', 1]]
    """
    import pandas as pd

    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if doc_id is not None and len(items) != 1:
        raise ValueError("doc_id names one document: pass one path with it")
    added: list[AddedDocument] = []
    if jobs == 1 and executor is None:
        for item in items:  # in this process, with the errors as raised
            added.append(
                add_one(
                    item,
                    doc_id=doc_id,
                    published=published,
                    issuer=issuer,
                    lead_rule=lead_rule,
                    currency=currency,
                    script=script,
                    replace=replace,
                )
            )
    else:
        outcomes = iter_add(
            items,
            doc_id=doc_id,
            published=published,
            issuer=issuer,
            lead_rule=lead_rule,
            currency=currency,
            script=script,
            replace=replace,
            jobs=jobs,
            executor=executor,
            progress=progress,
        )
        with contextlib.closing(outcomes):
            for _, outcome, _ in outcomes:
                if isinstance(outcome, BaseException):
                    raise outcome
                added.append(outcome)
    return pd.DataFrame([vars(a) for a in added], columns=list(AddedDocument.__dataclass_fields__))


def remove(doc_id: str) -> None:
    """Remove a document of your own from the corpus (its raw copy and manifest row).

    Raises
    ------
    UnknownDocumentError
        No user document has this ``doc_id``.
    DocumentExistsError
        ``doc_id`` is an embedded document, which cannot be removed.
    """
    embedded = [row.doc_id for row in corpus.manifest() if row.origin == "embedded"]
    if doc_id in embedded:
        raise DocumentExistsError(doc_id, "embedded")
    with _lock():
        rows = _manifest_rows()
        gone = [r for r in rows if r["doc_id"] == doc_id]
        if not gone:
            raise UnknownDocumentError(doc_id, [r["doc_id"] for r in rows])
        _write_manifest([r for r in rows if r["doc_id"] != doc_id])
        for row in gone:
            (corpus.user_corpus_dir() / "raw" / row["source_file"]).unlink(missing_ok=True)
