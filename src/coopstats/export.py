"""Writing frames for other tools: Parquet, CSV that Excel opens, Stata 14+ files, datapackage.json.

I/O lives here so that the stages that build frames stay pure.

An export is written like the frame cache: every file into a temporary folder
beside the output folder, each fsynced, then the folder swapped into place in
one step (an atomic exchange of the two folders where the system has one, else
the old folder renamed aside and the new one renamed in). A reader sees the
previous export or the new one, never a mix or a short file; a killed export
leaves the previous one whole. Exports to one folder take turns under a file
lock beside it (``.<folder>.lock``), and each removes, when it starts, the
temporary files and folders that killed runs left (older than the running
process, or of a process that no longer runs).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from coopstats._resources import fsync_folder
from coopstats.errors import CoopstatsError, ExportError, StorageError
from coopstats.schemas import FRAMES

if TYPE_CHECKING:
    from coopstats.frames import ParsedDocument

__all__ = [
    "corpus_frames",
    "export_frames",
    "neutralise_formulas",
    "remove_stale_temporaries",
    "stata_names",
    "to_stata",
    "write_data_dictionary",
    "write_parsed",
]

_FRICTIONLESS_TYPES = {
    "string": "string",
    "Int64": "integer",
    "float64": "number",
    "boolean": "boolean",
    "category": "string",
}
STATA_VERSION = 14  # pyreadstat writes dta format 118 (Stata 14+; UTF-8 text) for version 14
FORMATS = ("csv", "parquet", "dta")
LOCK_TIMEOUT_SECONDS = 600  # an export takes seconds; a holder stuck for ten minutes is an error

#: A CSV cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_STATA_MAX_NAME = 32
_STATA_RESERVED = frozenset(
    {"_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long"}
    | {"_n", "_N", "_pi", "_pred", "_rc", "_skip", "strL", "using", "with"}
)
_STATA_LARGEST = 8.988465674311579e307  # larger doubles are Stata's missing-value codes
_SAFE_NAME = re.compile(r"\w[\w.\-]{0,99}")
# Temporary files and folders of exports, the frame cache and atomic_write (".<name>.<…>.tmp"), and the
# ".<frame>.<pid>.parquet" files of older exports.
_TEMPORARY = re.compile(r"^\..+\.tmp$|^\.[^.]+\.\d+\.parquet$")
_PID_IN_NAME = re.compile(r"\.(\d+)\.\d+(?:\.old)?\.tmp$|^\.[^.]+\.(\d+)\.parquet$")
_STALE_GRACE_SECONDS = 2.0


def corpus_frames() -> dict[str, pd.DataFrame]:
    """Every public corpus frame that can be built, keyed by name."""
    from coopstats import agency_resolution, analysis, frames, trade_indicators

    builders: dict[str, Callable[[], pd.DataFrame]] = {
        "documents": frames.documents,
        "provisions": frames.provisions,
        "tasks": frames.tasks,
        "assignments": frames.assignments,
        "figures": frames.figures,
        "notes": frames.parse_notes,
        "agencies": agency_resolution.agencies,
        "workload": analysis.workload,
        "indicators": trade_indicators.indicators,
        "derived_indicators": trade_indicators.derived_indicators,
    }
    return {name: build() for name, build in builders.items()}


# ---------------------------------------------------------------------------
# Cells and names
# ---------------------------------------------------------------------------


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas (CSV injection).

    As OWASP advises, a text cell (and a column name) starting with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``:
    Excel and LibreOffice then show it as text. Numbers are left alone; only
    the CSV export uses this (Parquet and Stata keep the original values).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"text": ["=1+1", "-5 -", "推进", "@x"], "n": [-1, 2, 3, 4]})
    >>> neutralise_formulas(frame)["text"].tolist()
    ["'=1+1", "'-5 -", '推进', "'@x"]
    >>> neutralise_formulas(frame)["n"].tolist()
    [-1, 2, 3, 4]
    """
    out = frame.copy()
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        dtype = column.dtype
        if not (
            isinstance(dtype, pd.CategoricalDtype)
            or pd.api.types.is_string_dtype(dtype)
            or pd.api.types.is_object_dtype(dtype)
        ):
            continue
        values = column.astype(object).tolist()
        if any(isinstance(v, str) and v.startswith(FORMULA_START) for v in values):
            safe = ["'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v for v in values]
            out.isetitem(position, pd.Series(safe, index=frame.index, dtype=object))
    out.columns = [
        "'" + c if isinstance(c, str) and c.startswith(FORMULA_START) else c for c in frame.columns
    ]
    return out


def stata_names(columns: Iterable[object]) -> list[str]:
    """Valid, unique Stata variable names for ``columns``.

    At most 32 characters of ``[A-Za-z0-9_]``, not starting with a digit, not
    a reserved word, unique; a valid name is kept as it is.

    Examples
    --------
    >>> stata_names(["doc_id", "task id", "金额", "1st", "if", "task_id"])
    ['doc_id', 'task_id', 'v3', '_1st', 'if_', 'task_id_2']
    """
    out: list[str] = []
    taken: set[str] = set()
    for index, column in enumerate(columns, start=1):
        name = re.sub(r"[^A-Za-z0-9_]+", "_", str(column)).strip("_") if str(column) else ""
        if str(column) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(column)):
            name = str(column)
        if not name or not re.search(r"[A-Za-z0-9]", name):
            name = f"v{index}"
        if name[0].isdigit():
            name = "_" + name
        name = name[:_STATA_MAX_NAME]
        if name in _STATA_RESERVED or re.fullmatch(r"str(?:\d+|L)", name):
            name = name[: _STATA_MAX_NAME - 1] + "_"
        base, suffix = name, 2
        while name.lower() in taken:
            tail = f"_{suffix}"
            name = base[: _STATA_MAX_NAME - len(tail)] + tail
            suffix += 1
        taken.add(name.lower())
        out.append(name)
    return out


def _file_stem(name: object) -> str:
    """A frame name usable as a file name in the output folder, or :class:`ExportError`."""
    if not isinstance(name, str) or not _SAFE_NAME.fullmatch(name) or ".." in name or name.endswith("."):
        raise ExportError(
            f"frame name {name!r} is not a file name: use letters, digits, '_', '-' and '.' "
            "(no path separators, no '..', at most 100 characters)"
        )
    return name


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    # UTF-8 with BOM: Excel then opens Chinese text in the right script.
    with open(path, "w", encoding="utf-8-sig", errors="backslashreplace", newline="") as handle:
        # CRLF as RFC 4180 says: a cell holding a lone carriage return is then quoted too.
        neutralise_formulas(frame).to_csv(handle, index=False, lineterminator="\r\n")
        handle.flush()
        os.fsync(handle.fileno())


def to_stata(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a frame as a Stata 14+ ``.dta`` file (format 118) that keeps Chinese text.

    Nullable integers become doubles with missing values, categories and
    strings become strings, booleans 0/1; ``inf``, ``-inf`` and doubles too
    large for Stata become missing. Column names become valid Stata names
    (:func:`stata_names`); a renamed column keeps its original name in its
    variable label.

    Raises
    ------
    coopstats.errors.ExportError
        The writer refused the frame.
    coopstats.errors.StorageError
        The file could not be written.

    Examples
    --------
    >>> import pathlib, tempfile, pandas as pd, pyreadstat
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.dta"
    >>> to_stata(pd.DataFrame({"growth rate": [1.5, float("inf")]}), path)
    >>> back, meta = pyreadstat.read_dta(str(path))
    >>> back.columns.tolist(), back["growth_rate"].isna().tolist(), meta.column_labels
    (['growth_rate'], [False, True], ['growth rate'])
    """
    import pyreadstat

    names = stata_names(frame.columns)
    out = pd.DataFrame(index=range(len(frame)))
    for position, name in enumerate(names):
        column = frame.iloc[:, position].reset_index(drop=True)
        if isinstance(column.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(column.dtype):
            values = column.astype("object").where(column.notna(), "")
            out[name] = values.map(lambda v: v.encode("utf-8", "replace").decode("utf-8").replace("\0", ""))
        elif pd.api.types.is_bool_dtype(column.dtype) or pd.api.types.is_numeric_dtype(column.dtype):
            numbers = column.astype("Float64").astype(float)
            out[name] = numbers.where(numbers.abs() <= _STATA_LARGEST)  # inf, -inf, too large: missing
        else:
            out[name] = column.astype(str)
    labels = _column_labels(frame.columns, names)
    try:
        pyreadstat.write_dta(out, str(path), version=STATA_VERSION, column_labels=labels)
    except OSError as exc:
        raise StorageError(path, exc.strerror or str(exc)) from exc
    except Exception as exc:  # pyreadstat's own errors
        raise ExportError(f"cannot write {path} for Stata: {type(exc).__name__}: {exc}") from exc
    _fsync_file(Path(path))


def _column_labels(columns: Iterable[object], names: Sequence[str] | None = None) -> list[str]:
    described = {c.name: c.description for cols in FRAMES.values() for c in cols}
    columns = list(columns)
    names = list(columns) if names is None else names
    labels = []
    for column, name in zip(columns, names, strict=True):
        description = described.get(column, "") if isinstance(column, str) else ""
        if str(column) != name:  # renamed for Stata: the label keeps the original name
            description = f"{column}: {description}" if description else str(column)
        labels.append(description.encode("utf-8", "replace").decode("utf-8")[:80])
    return labels


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=False)
    _fsync_file(path)


def _write_one(frame: pd.DataFrame, path: Path, fmt: str) -> None:
    """Write one frame in one format; a writer's own errors become ExportError or StorageError."""
    try:
        if fmt == "csv":
            _write_csv(frame, path)
        elif fmt == "parquet":
            _write_parquet(frame, path)
        else:
            to_stata(frame, path)
    except CoopstatsError:
        raise
    except OSError:
        raise  # named by the folder swap with the final path
    except Exception as exc:  # pyarrow, pandas and friends raise many kinds on frames they cannot write
        raise ExportError(f"cannot write {path.name}: {type(exc).__name__}: {exc}") from exc


def _check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(formats))
    for fmt in chosen:
        if fmt not in FORMATS:
            raise ExportError(f"unknown format {fmt!r}: use csv, parquet or dta")
    return chosen


def export_frames(
    out: str | Path,
    *,
    formats: Iterable[str] = ("csv",),
    frames: dict[str, pd.DataFrame] | None = None,
) -> list[Path]:
    """Write frames in the given formats plus ``datapackage.json``, all at once; return the files.

    The files are written into a temporary folder beside ``out`` and swapped
    into place together (see the module's description): a reader, or a later
    run after this one is killed, sees the previous export whole or this one.
    Files in ``out`` that the export does not write are kept.

    Parameters
    ----------
    out : path
        Folder to write to (created if needed).
    formats : iterable of {"csv", "parquet", "dta"}
        File formats. CSV cells that a spreadsheet would run as formulas get a
        leading ``'`` (:func:`neutralise_formulas`); Parquet and Stata keep the values.
    frames : dict, optional
        Frames to write, keyed by a name that becomes the file name (letters,
        digits, ``_``, ``-``, ``.``); the corpus frames by default.

    Returns
    -------
    list of Path
        The files written, ``datapackage.json`` last.

    Raises
    ------
    coopstats.errors.ExportError
        An unknown format, a frame name that is not a file name, a frame a
        writer refuses; nothing is changed.
    coopstats.errors.StorageError
        The folder cannot be written (read-only, full disk); the previous
        export is intact.

    Examples
    --------
    >>> import pathlib, tempfile, pandas as pd
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "export"
    >>> files = export_frames(out, formats=["csv"], frames={"t": pd.DataFrame({"text": ["=SUM(A1)"]})})
    >>> [f.name for f in files], (out / "t.csv").read_text(encoding="utf-8-sig").splitlines()
    (['t.csv', 'datapackage.json'], ['text', "'=SUM(A1)"])
    """
    chosen = _check_formats(formats)
    if frames is not None:
        stems = [_file_stem(name) for name in frames]
        if len({s.casefold() for s in stems}) != len(stems):
            raise ExportError(f"frame names differ only in case: {', '.join(stems)}")
    out = Path(out)
    frames = corpus_frames() if frames is None else frames
    names: list[str] = []
    with _replacing_folder(out) as staging:
        for name, frame in frames.items():
            for fmt in chosen:
                _write_one(frame, staging / f"{name}.{fmt}", fmt)
                names.append(f"{name}.{fmt}")
        _write_datapackage(staging, frames, chosen)
        names.append("datapackage.json")
    return [out / name for name in names]


def _write_datapackage(out: Path, frames: dict[str, pd.DataFrame], formats: tuple[str, ...]) -> Path:
    from coopstats import __version__, corpus

    resources = []
    for name, frame in frames.items():
        described = {c.name: c for c in FRAMES.get(name, ())}
        fields = []
        for column in frame.columns:
            declared = described.get(column)
            dtype = declared.dtype if declared else str(frame[column].dtype)
            field: dict[str, object] = {"name": column, "type": _FRICTIONLESS_TYPES.get(dtype, "string")}
            if declared:
                field["description"] = declared.description
                if declared.values:
                    field["constraints"] = {"enum": list(declared.values)}
            fields.append(field)
        for fmt in formats:
            resource: dict[str, object] = {
                "name": f"{name}-{fmt}" if len(formats) > 1 else name,
                "path": f"{name}.{fmt}",
                "format": fmt,
                "schema": {"fields": fields},
            }
            if fmt == "csv":
                resource.update({"mediatype": "text/csv", "encoding": "utf-8-sig"})
            resources.append(resource)
    package = {
        "profile": "tabular-data-package",
        "name": "coopstats",
        "title": "coopstats frames: tasks, agencies and trade figures from cooperation documents",
        "version": __version__,
        "sources": [
            {
                "title": row.title,
                "path": f"data/raw/{row.source_file}",
                "doc_id": row.doc_id,
                "sha256": row.sha256,
            }
            for row in corpus.manifest()
        ],
        "resources": resources,
    }
    path = out / "datapackage.json"
    _write_synced(path, json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8", "backslashreplace"))
    return path


def write_parsed(doc: ParsedDocument, out: str | Path) -> list[Path]:
    """Write the frames of a parsed document as CSV and Parquet into ``out``, with ``meta.json``.

    ``source.txt`` (UTF-8) is the text that was parsed: the frames' ``start``/``end`` index into it.
    The folder is replaced as a whole, as :func:`export_frames` does.

    Raises
    ------
    coopstats.errors.StorageError
        The folder cannot be written; a previous one is intact.
    """
    out = Path(out)
    names: list[str] = []
    with _replacing_folder(out) as staging:
        for name in ("provisions", "tasks", "assignments", "figures", "notes"):
            frame = getattr(doc, name)
            for fmt in ("csv", "parquet"):
                _write_one(frame, staging / f"{name}.{fmt}", fmt)
                names.append(f"{name}.{fmt}")
        meta = json.dumps(doc.meta, ensure_ascii=False, indent=2, default=str)
        _write_synced(staging / "meta.json", meta.encode("utf-8", "backslashreplace"))
        _write_synced(staging / "source.txt", doc.source.encode("utf-8", "replace"))
        names += ["meta.json", "source.txt"]
    return [out / name for name in names]


def write_data_dictionary(path: str | Path) -> Path:
    """Write the generated data dictionary (Markdown) to ``path``."""
    from coopstats._resources import atomic_write
    from coopstats.schemas import data_dictionary

    path = Path(path)
    atomic_write(path, data_dictionary().encode("utf-8"))
    return path


# ---------------------------------------------------------------------------
# Folders replaced as a whole
# ---------------------------------------------------------------------------


@contextlib.contextmanager
def _replacing_folder(out: Path) -> Iterator[Path]:
    """Yield an empty staging folder beside ``out``; on success it replaces ``out`` in one step.

    Under a file lock beside ``out``; stale temporaries are removed first. Any
    failure leaves ``out`` as it was: write errors become StorageError naming
    the file in ``out`` that could not be written.
    """
    from filelock import FileLock, Timeout

    out = _real_target(out)
    parent = out.parent
    lock_path = parent / f".{out.name}.lock"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(lock_path), timeout=LOCK_TIMEOUT_SECONDS)
        lock.acquire()
    except Timeout:
        raise StorageError(
            out, f"another process holds {lock_path} for more than {LOCK_TIMEOUT_SECONDS} s"
        ) from None
    except OSError as exc:
        raise StorageError(getattr(exc, "filename", None) or lock_path, exc.strerror or str(exc)) from exc
    staging = parent / f".{out.name}.{os.getpid()}.{time.monotonic_ns()}.tmp"
    try:
        _restore_aside(out)
        remove_stale_temporaries([parent, out, *_cache_and_user_folders()], prefix=None)
        if out.exists() and not out.is_dir():
            raise StorageError(out, "it exists and is not a folder")
        kept = _entries_to_keep(out)
        try:
            staging.mkdir()
            yield staging
            for entry in kept:
                if not (staging / entry.name).exists():
                    _carry_over(entry, staging / entry.name)
            fsync_folder(staging)
            _swap(staging, out)
            fsync_folder(parent)
        except StorageError:
            raise
        except OSError as exc:
            raise StorageError(_final_name(exc, staging, out), exc.strerror or str(exc)) from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # after an exchange it holds the previous folder
    finally:
        lock.release()


def _restore_aside(out: Path) -> None:
    """Put back a previous export that a run killed between two renames left aside."""
    if out.exists():
        return
    aside = [
        entry
        for entry in out.parent.glob(f".{_glob_escape(out.name)}.*.old.tmp")
        if entry.is_dir() and _stale(entry, process_start_time())
    ]
    if aside:
        os.rename(max(aside, key=lambda entry: entry.stat().st_mtime), out)


def _glob_escape(name: str) -> str:
    """``name`` with glob wildcards escaped.

    Examples
    --------
    >>> _glob_escape("a[1]*")
    'a[[]1[]][*]'
    """
    return re.sub(r"([*?\[\]])", r"[\1]", name)


def _real_target(out: Path) -> Path:
    out = Path(os.path.abspath(out))
    return out.resolve() if out.is_symlink() else out


def _final_name(exc: OSError, staging: Path, out: Path) -> Path:
    """The path in ``out`` a failed write was for (the error names the staging file)."""
    name = getattr(exc, "filename", None)
    if not name:
        return out
    path = Path(name)
    try:
        return out / path.relative_to(staging)
    except ValueError:
        return path


def _entries_to_keep(out: Path) -> list[Path]:
    """Files in ``out`` that an export does not write (kept across the swap); folders are refused."""
    if not out.is_dir():
        return []
    kept = []
    for entry in out.iterdir():
        if _TEMPORARY.match(entry.name):
            continue
        if entry.is_dir() and not entry.is_symlink():
            raise ExportError(
                f"{out} holds a folder ({entry.name}) that an export would replace: "
                "export into an empty folder or a previous export's folder"
            )
        kept.append(entry)
    return kept


def _carry_over(source: Path, target: Path) -> None:
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` at ``out``; the previous ``out``, if any, ends up at ``staging``."""
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        return
    aside = out.parent / f".{out.name}.{os.getpid()}.{time.monotonic_ns()}.old.tmp"
    os.rename(out, aside)
    try:
        os.rename(staging, out)
    except OSError:
        os.rename(aside, out)
        raise
    os.rename(aside, staging)  # removed by the caller with the staging folder


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically with Linux ``renameat2(RENAME_EXCHANGE)``; False where not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False  # no such call, or a file system without it: two renames instead
    raise OSError(code, os.strerror(code), str(second))


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


# ---------------------------------------------------------------------------
# Temporaries of killed runs
# ---------------------------------------------------------------------------


def process_start_time() -> float:
    """When the running process started (seconds since the epoch).

    Examples
    --------
    >>> 0 < process_start_time() <= time.time()
    True
    """
    try:
        with open("/proc/self/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        ticks = int(fields[19])  # field 22 of the whole line: start time in clock ticks after boot
        with open("/proc/stat", "rb") as handle:
            boot = next(int(line.split()[1]) for line in handle if line.startswith(b"btime"))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return _IMPORTED_AT


_IMPORTED_AT = time.time()


def _pid_running(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _stale(entry: Path, started: float) -> bool:
    match = _PID_IN_NAME.search(entry.name)
    pid = int(match.group(1) or match.group(2)) if match else None
    if pid is not None and pid != os.getpid():
        return not _pid_running(pid)  # a run in progress (or a reused pid) is left alone
    try:
        return entry.lstat().st_mtime < started - _STALE_GRACE_SECONDS
    except OSError:
        return False


def remove_stale_temporaries(
    folders: Iterable[str | Path], *, prefix: str | None = None, started: float | None = None
) -> list[Path]:
    """Remove temporary files and folders that killed runs left in ``folders``; return them.

    A temporary (``.<name>.<…>.tmp`` of exports, of the frame cache and of
    :func:`coopstats._resources.atomic_write`; ``.<frame>.<pid>.parquet`` of
    older exports) is stale when the process named in it no longer runs, or,
    without a process id, when it was last changed before this process
    started. Missing folders are skipped; nothing else is touched.

    Parameters
    ----------
    folders : iterable of path
        Folders to look in (not recursively).
    prefix : str, optional
        Only names starting with this.
    started : float, optional
        Time before which a temporary is stale (default :func:`process_start_time`).

    Examples
    --------
    >>> import os, pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / ".tasks.csv.k2j4.tmp").write_bytes(b"x"); os.utime(folder / ".tasks.csv.k2j4.tmp", (0, 0))
    1
    >>> (folder / "tasks.csv").write_bytes(b"x")
    1
    >>> [p.name for p in remove_stale_temporaries([folder])], sorted(p.name for p in folder.iterdir())
    (['.tasks.csv.k2j4.tmp'], ['tasks.csv'])
    """
    started = process_start_time() if started is None else started
    removed: list[Path] = []
    for folder in folders:
        try:
            entries = list(Path(folder).iterdir())
        except OSError:
            continue
        for entry in entries:
            if not _TEMPORARY.match(entry.name) or (prefix is not None and not entry.name.startswith(prefix)):
                continue
            if not _stale(entry, started):
                continue
            try:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
            except OSError:
                continue
            removed.append(entry)
    return removed


def _cache_and_user_folders() -> list[Path]:
    """Folders where the frame cache and atomic_write leave temporaries: the cache, the user's corpus."""
    from coopstats._resources import cache_dir, user_dir

    folders: list[Path] = [user_dir(), user_dir() / "corpus", user_dir() / "corpus" / "raw"]
    root = cache_dir()
    folders.append(root)
    with contextlib.suppress(OSError):
        folders += [
            child
            for child in root.glob("frames-*")
            if child.is_dir() and not child.is_symlink() and not _TEMPORARY.match(child.name)
        ]
    return list(dict.fromkeys(folders))
