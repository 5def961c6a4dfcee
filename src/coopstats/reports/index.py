"""The reports folder: file names of runs, ``index.json`` / ``index.html``, provenance, pruning.

A run of report ``name`` with parameters ``p`` writes ``<folder>/<name>/<slug>.html``
and ``.ipynb`` (:func:`report_slug` names ``p``); the index holds one entry per
``(name, slug)``: the last run of that parameter set. A failed run keeps
pointing at the last good page and leaves ``<slug>.failed.ipynb``;
:func:`prune_index` removes failed and old runs with their files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from coopstats.errors import ReportError
from coopstats.reports.render import INDEX_PAGES, atomic_write, index_page, utc_now

__all__ = [
    "PruneResult",
    "ReportRecord",
    "prune_index",
    "read_index",
    "record_run",
    "report_slug",
    "write_index",
]

logger = logging.getLogger(__name__)

# Parameters whose value names a file: only the file's name goes into a slug.
_PATH_PARAMETER = re.compile(r"^(?:source|.+_path)$")
# A slug keeps letters, digits, "_" and "-"; anything else (path separators, dots, spaces, CJK) is folded.
_UNSAFE_SLUG_CHARACTERS = re.compile(r"[^A-Za-z0-9_-]+")
_SLUG_MAX_LENGTH = 80

_index_lock = threading.Lock()
INDEX_LOCK_TIMEOUT_SECONDS = 120


@dataclass
class ReportRecord:
    """What one report run did: the rows of ``index.json``."""

    name: str
    parameters: dict[str, Any]
    slug: str
    status: str  # "ok" or "failed"
    started: str
    duration_s: float
    html: str | None = None
    notebook: str | None = None
    pdf: str | None = None
    error: str | None = None
    cell_index: int | None = None
    ename: str | None = None
    version: str = ""
    raw_documents: dict[str, str] = field(default_factory=dict)


def report_slug(parameters: Mapping[str, Any], defaults: Mapping[str, Any] | None = None) -> str:
    """A file-name-safe slug naming a parameter set.

    Only parameters that differ from their defaults count, so a run with the
    defaults spelt out is the same report as one without. Pairs ``key-value``
    are joined by ``__``. The slug holds only ``A-Z a-z 0-9 _ -``; when a value
    had to be folded (a path, CJK text, an underscore, …) or the slug is long, a
    short hash of the exact parameters is appended. So no value can form a path,
    and different parameter sets never share a file: an unhashed slug reads
    back to exactly one parameter set (keys hold no ``-``, values no ``_``).

    Examples
    --------
    >>> report_slug({})
    'default'
    >>> report_slug({"doc_id": "gdhk-keywork-2017", "top_n": 10})
    'doc_id-gdhk-keywork-2017__top_n-10'
    >>> report_slug({"source": "../../x"}).startswith("source-x-")
    True
    """
    defaults = defaults or {}
    chosen = {k: v for k, v in sorted(parameters.items()) if k not in defaults or defaults[k] != v}
    if not chosen:
        return "default"
    pieces = []
    for key, value in chosen.items():
        text = Path(str(value)).name if _PATH_PARAMETER.match(key) else str(value)
        pieces.append(f"{key}-{text}")
    raw = "__".join(pieces)
    slug = _UNSAFE_SLUG_CHARACTERS.sub("-", raw).strip("-_") or "report"
    slug = re.sub(r"-{2,}", "-", slug)
    ambiguous = any("_" in str(v) for v in chosen.values()) or any("__" in k for k in chosen)
    if (
        slug != raw
        or ambiguous
        or len(slug) > _SLUG_MAX_LENGTH
        or any(_PATH_PARAMETER.match(k) for k in chosen)
    ):
        digest = hashlib.sha256(json.dumps(chosen, sort_keys=True, default=str).encode()).hexdigest()[:10]
        slug = f"{slug[:_SLUG_MAX_LENGTH]}-{digest}"
    return slug


def inside(folder: Path, path: Path) -> Path:
    """``path`` resolved, refused unless it lies inside ``folder``."""
    resolved = path.resolve()
    if not resolved.is_relative_to(folder.resolve()):
        raise ReportError(f"refusing to write {resolved}: outside the output folder {folder.resolve()}")
    return resolved


def raw_documents(parameters: Mapping[str, Any]) -> dict[str, str]:
    """``{file: sha256}`` of the raw documents a report read (from the corpus manifest).

    A ``source`` file is hashed as it is now; ``doc_id``/``doc_ids`` select
    documents of the corpus; a report given neither reads the whole corpus.

    Examples
    --------
    >>> raw_documents({"doc_id": "gdhk-keywork-2011"})
    {'legco-cb-trade-2011.txt': '7764d13cd28b73624bf76db59f75cdd6302cabec9e1c20a6dfa2f6992d336be5'}
    """
    from coopstats import corpus

    source = parameters.get("source")
    if source:
        return {str(source): hashlib.sha256(Path(str(source)).read_bytes()).hexdigest()}
    wanted = parameters.get("doc_id") or parameters.get("doc_ids")
    chosen = {wanted} if isinstance(wanted, str) else set(wanted or ())
    return {row.source_file: row.sha256 for row in corpus.manifest() if not chosen or row.doc_id in chosen}


def read_index(output_dir: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The entries of ``<output_dir>/index.json`` (none if it is missing or unreadable)."""
    path = Path(output_dir) / "index.json"
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        logger.warning("%s is not valid JSON; starting a new index", path)
        return []
    return list(data.get("reports", []))


@contextlib.contextmanager
def _locked(output_dir: str | os.PathLike[str]) -> Iterator[None]:
    """The index's lock: threads of this process and other processes take turns to change it."""
    from filelock import FileLock

    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with _index_lock, FileLock(str(folder / ".index.lock"), timeout=INDEX_LOCK_TIMEOUT_SECONDS):
        yield


def record_run(output_dir: Path, record: ReportRecord) -> None:
    """Add or replace one report's entry in ``index.json`` and rewrite ``index.html``.

    Read, changed and written under a cross-process lock, so runs that finish
    together all land in the index.
    """
    key = (record.name, record.slug)
    with _locked(output_dir):
        existing = read_index(output_dir)
        entries = [e for e in existing if (e.get("name"), e.get("slug")) != key]
        previous = next((e for e in existing if (e.get("name"), e.get("slug")) == key), None)
        entry = asdict(record)
        if record.status != "ok" and previous is not None and previous.get("html"):
            # the last good report is still on disk: keep pointing at it
            entry["html"] = previous["html"]
            entry["last_ok"] = previous.get("last_ok") or (
                previous.get("started") if previous.get("status") == "ok" else None
            )
        elif record.status == "ok":
            entry["last_ok"] = record.started
        entries.append(entry)
        entries.sort(key=lambda e: (e["name"], e["slug"]))
        write_index(output_dir, entries)


def write_index(
    output_dir: str | os.PathLike[str], entries: Sequence[Mapping[str, Any]] | None = None
) -> Path:
    """Write ``index.json``, ``index.html`` and its Chinese edition ``index.zh.html``, listing every report.

    Parameters
    ----------
    output_dir : path
        The reports folder.
    entries : sequence of mappings, optional
        The report records (default: those already in ``index.json``).

    Returns
    -------
    pathlib.Path
        The path of ``index.html``.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> write_index(folder, []).name
    'index.html'
    >>> import json; json.loads((Path(folder) / "index.json").read_text())["reports"]
    []
    """
    from coopstats import __version__

    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    rows = list(entries) if entries is not None else read_index(folder)
    generated = utc_now()
    document = {"generated": generated, "coopstats_version": __version__, "reports": rows}
    atomic_write(folder / "index.json", json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    for lang, page in INDEX_PAGES.items():
        atomic_write(folder / page, index_page(rows, generated, lang))
    return folder / "index.html"


@dataclass(frozen=True)
class PruneResult:
    """What :func:`prune_index` removed."""

    failed: int
    old: int
    files: tuple[str, ...]
    kept: int

    def describe(self) -> str:
        """One line for a log."""
        return (
            f"pruned {self.failed + self.old} runs ({self.failed} failed, {self.old} old) and "
            f"{len(self.files)} files; {self.kept} runs kept"
        )


def _entry_files(output_dir: Path, entry: Mapping[str, Any]) -> list[Path]:
    folder = output_dir / str(entry.get("name", ""))
    slug = str(entry.get("slug", ""))
    candidates = [folder / f"{slug}{suffix}" for suffix in (".html", ".ipynb", ".failed.ipynb", ".pdf")]
    candidates += [output_dir / str(entry[k]) for k in ("html", "notebook", "pdf") if entry.get(k)]
    unique = {inside(output_dir, p) for p in candidates}
    return sorted(p for p in unique if p.is_file())


def prune_index(output_dir: str | os.PathLike[str], *, keep: int | None = None) -> PruneResult:
    """Remove failed runs, and all but the ``keep`` latest runs of each report, with their files.

    Parameters
    ----------
    output_dir : path
        The reports folder.
    keep : int, optional
        Runs (parameter sets) kept per report, the most recently started first;
        ``None`` keeps every run that did not fail.

    Returns
    -------
    PruneResult

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> runs = [ReportRecord("r", {"n": n}, f"n-{n}", "ok", f"2026-01-0{n}T00:00+00:00", 1.0) for n in (1, 2)]
    >>> runs.append(ReportRecord("r", {"n": 3}, "n-3", "failed", "2026-01-03T00:00+00:00", 1.0))
    >>> _ = write_index(folder, [asdict(r) for r in runs])
    >>> prune_index(folder, keep=1).describe()
    'pruned 2 runs (1 failed, 1 old) and 0 files; 1 runs kept'
    >>> [e["slug"] for e in read_index(folder)]
    ['n-2']
    """
    folder = Path(output_dir)
    with _locked(folder):
        entries = read_index(folder)
        failed = [e for e in entries if e.get("status") != "ok"]
        good = [e for e in entries if e.get("status") == "ok"]
        old: list[dict[str, Any]] = []
        if keep is not None:
            by_report: dict[str, list[dict[str, Any]]] = {}
            for entry in good:
                by_report.setdefault(str(entry.get("name")), []).append(entry)
            for runs in by_report.values():
                runs.sort(key=lambda e: str(e.get("started", "")), reverse=True)
                old += runs[keep:]
        removed_entries = failed + old
        removed: list[str] = []
        for entry in removed_entries:
            for path in _entry_files(folder, entry):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed.append(path.relative_to(folder.resolve()).as_posix())
        kept = [e for e in entries if not any(e is r for r in removed_entries)]
        write_index(folder, kept)
    return PruneResult(len(failed), len(old), tuple(removed), len(kept))
