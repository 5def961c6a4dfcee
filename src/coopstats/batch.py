"""Parsing many documents at once: every core of this machine, or a Dask cluster.

One pure function, :func:`parse_one`, parses one document from its **bytes**,
its name and its settings and returns a picklable :class:`BatchResult` (the
parsed frames and meta, or the error). It runs wherever an executor sends it:

- in this process (``jobs=1``);
- in a process pool (:class:`concurrent.futures.ProcessPoolExecutor`, the
  default with several files, one worker per core);
- on a Dask cluster, through any :class:`concurrent.futures.Executor`, e.g.
  ``distributed.Client(address).get_executor()`` (:func:`dask_executor`).

Files are read here and reach the workers as bytes, so no shared file system is
assumed. Results come back to this process in input order; only this process
writes anything (the user manifest, the frame cache, output folders). A file
that fails gives a result with its error and the batch goes on.

A worker whose coopstats differs from this process's (another version, other
reference tables) refuses to parse (:class:`~coopstats.errors.WorkerEnvironmentError`):
the frames it made would not be the ones this process caches.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import pickle
import socket
import sys
import time
import traceback
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from coopstats._resources import HOME_ENV
from coopstats.errors import CoopstatsError, MissingExtraError, ParseError, WorkerEnvironmentError
from coopstats.settings import REQUESTED

if TYPE_CHECKING:
    from coopstats.frames import ParsedDocument

__all__ = [
    "BatchResult",
    "dask_executor",
    "iter_parsed",
    "make_executor",
    "parse_documents",
    "parse_many",
    "parse_one",
    "resolve_jobs",
]

#: The settings a batch passes to every document (``doc_id`` is each file's own).
SETTINGS: tuple[str, ...] = ("encoding", "encoding_errors", *REQUESTED)

# tasks in flight per worker: enough to keep every worker busy, few enough to bound memory
_IN_FLIGHT_PER_WORKER = 4
_WORKERS_OF_OTHER_EXECUTORS = 64  # an executor that does not say (a Dask cluster's): assumed this many
# A task sends a worker several documents: a document parses in a few milliseconds, about what a task
# costs the pool (pickling, pipes, threads). At most this many documents, and this many bytes (a bigger
# document goes alone), and no more than leave each worker _IN_FLIGHT_PER_WORKER tasks of the batch.
_TASK_DOCUMENTS = 16
_TASK_BYTES = 1 << 20


@dataclass
class BatchResult:
    """What parsing one document of a batch gave: its frames, or its error.

    Attributes
    ----------
    name : str
        The file as given (its path, as text).
    doc_id : str or None
        The identifier the document was parsed under.
    document : ParsedDocument or None
        The parsed document (``.meta``, ``.provisions``, ``.tasks`` …); ``None`` on error.
    error : str or None
        The error message, naming the file.
    error_type : str or None
        The error's class name (``ParseError``, ``DecodingError`` …).
    refused : bool
        The file is not a document coopstats can read (a
        :class:`~coopstats.errors.CoopstatsError`), as opposed to a failure of
        coopstats or of the worker.
    exception : BaseException or None
        The error itself (the original in this process; from a worker, the
        original when it survives pickling, else a :class:`~coopstats.errors.ParseError`
        or :class:`RuntimeError` with the same message).
    traceback : str or None
        The worker's traceback of a failure that is not a refusal.
    warnings : tuple of str
        Warnings issued while parsing (``"ParseWarning: …"``).
    seconds : float
        Time the worker spent on the document.
    worker : str
        ``host:pid`` of the process that parsed it.
    peak_rss_kb : int or None
        Peak resident memory of that process so far, in KiB (``None`` where unknown).
    """

    name: str
    doc_id: str | None
    document: ParsedDocument | None = field(default=None, repr=False)
    error: str | None = None
    error_type: str | None = None
    refused: bool = False
    exception: BaseException | None = field(default=None, repr=False)
    traceback: str | None = field(default=None, repr=False)
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0
    worker: str = ""
    peak_rss_kb: int | None = None

    @property
    def ok(self) -> bool:
        """Whether the document was parsed."""
        return self.document is not None

    @property
    def status(self) -> str:
        """``parsed``, ``refused`` (not a document coopstats reads) or ``failed``."""
        if self.ok:
            return "parsed"
        return "refused" if self.refused else "failed"

    def raise_error(self) -> None:
        """Raise the document's error (nothing when it was parsed)."""
        if self.exception is not None:
            raise self.exception
        if self.error is not None:
            raise RuntimeError(self.error)


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _peak_rss_kb() -> int | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS reports bytes


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling unchanged, else an error of a picklable class with its message."""
    try:
        again = pickle.loads(pickle.dumps(exc))
        if type(again) is type(exc) and str(again) == str(exc):
            return exc
    except Exception:
        pass
    if isinstance(exc, CoopstatsError):
        return ParseError(str(exc))
    return RuntimeError(f"{type(exc).__name__}: {exc}")


def _failure(
    name: str,
    doc_id: str | None,
    exc: BaseException,
    *,
    portable: bool,
    seconds: float = 0.0,
    caught: Iterable[str] = (),
) -> BatchResult:
    refused = isinstance(exc, CoopstatsError)
    return BatchResult(
        name=name,
        doc_id=doc_id,
        error=str(exc) if refused else f"{type(exc).__name__}: {exc}",
        error_type=type(exc).__name__,
        refused=refused,
        exception=_portable(exc) if portable else exc,
        traceback=None if refused else "".join(traceback.format_exception(exc)),
        warnings=tuple(caught),
        seconds=seconds,
        worker=_worker_name(),
        peak_rss_kb=_peak_rss_kb(),
    )


def parse_one(
    data: bytes,
    name: str,
    settings: Mapping[str, Any],
    *,
    environment: str | None = None,
    portable: bool = True,
) -> BatchResult:
    """Parse one document from its bytes: the function every worker runs.

    Pure: it reads no file and writes nothing; what it returns can be pickled.

    Parameters
    ----------
    data : bytes
        The file's content, in any format :func:`coopstats.readers.read_document` reads.
    name : str
        The file's name or path, as given: used in messages and ``meta["path"]``.
    settings : mapping
        ``doc_id`` (default: the stem of ``name``) and any of ``encoding,
        lead_rule, script, default_currency, issuer, published`` (as
        :func:`coopstats.parse_document`).
    environment : str, optional
        The caller's :func:`coopstats.cache.environment_key`; a worker whose
        own key differs refuses the document with
        :class:`~coopstats.errors.WorkerEnvironmentError`.
    portable : bool, default True
        Make the error of a failed document picklable (``False`` in-process,
        to keep the original exception).

    Returns
    -------
    BatchResult
        ``document`` set when parsed, ``error`` and ``exception`` when not.

    Examples
    --------
    >>> text = "一、合作机制\\n1. 完善联席会议机制。（省港澳办牵头，省商务厅等按职责分工负责）"
    >>> result = parse_one(text.encode("utf-8"), "kw.txt", {})
    >>> result.status, result.doc_id, len(result.document.tasks)
    ('parsed', 'kw', 1)
    >>> failed = parse_one(b"", "empty.txt", {})
    >>> failed.status, failed.error_type, failed.error
    ('refused', '...Error', 'empty.txt:1: ...empty...')
    """
    from coopstats.frames import ParsedDocument

    options = dict(settings)
    doc_id = options.pop("doc_id", None) or Path(name).stem
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if environment is not None:
                _check_environment(environment)
            document = ParsedDocument.from_bytes(data, doc_id=doc_id, path=name, **options)
        except Exception as exc:  # a file that breaks a reader must not stop the batch
            messages = [f"{w.category.__name__}: {w.message}" for w in caught]
            return _failure(
                name, doc_id, exc, portable=portable, seconds=time.perf_counter() - started, caught=messages
            )
    return BatchResult(
        name=name,
        doc_id=doc_id,
        document=document,
        warnings=tuple(f"{w.category.__name__}: {w.message}" for w in caught),
        seconds=time.perf_counter() - started,
        worker=_worker_name(),
        peak_rss_kb=_peak_rss_kb(),
    )


def _check_environment(expected: str) -> None:
    from coopstats import __version__
    from coopstats import cache as frame_cache

    own = frame_cache.environment_key()
    if own != expected:
        raise WorkerEnvironmentError(
            f"worker {_worker_name()} runs coopstats {__version__} with environment key {own}, the main "
            f"process {expected}: install the same coopstats version on every worker and give them the same "
            "reference overlays (agencies.csv in $COOPSTATS_HOME)"
        )


# ---------------------------------------------------------------------------
# Executors
# ---------------------------------------------------------------------------


class _InProcessExecutor(cf.Executor):
    """Runs each call at once, in this process (``jobs=1``)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        future: cf.Future[Any] = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


#: Files of fewer bytes than this in all parse sooner in this process than a pool of processes starts
#: (about a second) and catches up (``benchmarks/parse.py``: 1,000 task lists of 11 kB, 4 ms each, gain
#: from two processes; 100 lose a second).
POOL_WORTH_BYTES = 4 << 20


def resolve_jobs(
    jobs: int | None, count: int | None = None, paths: Iterable[str | os.PathLike[str]] | None = None
) -> int:
    """The number of worker processes: ``jobs``, or one per core; never more than ``count`` files.

    ``jobs`` ``None`` is one per core, or 1 where ``paths`` are given and hold
    fewer than :data:`POOL_WORTH_BYTES` together (a pool would not pay for its
    start); 0 is one per core whatever the files.

    Examples
    --------
    >>> resolve_jobs(3), resolve_jobs(None, 1), resolve_jobs(4, 2), resolve_jobs(None, 2, paths=[])
    (3, 1, 2, 1)
    """
    if jobs is not None and jobs < 0:
        raise ValueError(f"jobs must be a number of processes (0 or None: one per core), not {jobs}")
    if jobs is None and paths is not None and _total_bytes(paths, POOL_WORTH_BYTES) < POOL_WORTH_BYTES:
        return 1
    wanted = jobs or os.cpu_count() or 1
    return max(1, min(wanted, count)) if count is not None else wanted


def _total_bytes(paths: Iterable[str | os.PathLike[str]], enough: int) -> int:
    """The sizes of the files that exist, summed until they reach ``enough``."""
    total = 0
    for path in paths:
        with contextlib.suppress(OSError):
            total += os.stat(path).st_size
        if total >= enough:
            break
    return total


def make_executor(jobs: int) -> cf.Executor:
    """An executor for ``jobs`` processes: this process for 1, else a process pool.

    The pool's workers start from a fork server that has imported coopstats
    (a fresh interpreter where there is none), never from a fork of this
    process, which may hold threads and locks.

    Examples
    --------
    >>> type(make_executor(1)).__name__
    '_InProcessExecutor'
    """
    if jobs <= 1:
        return _InProcessExecutor()
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["coopstats.frames", "coopstats.batch"])
    else:
        context = multiprocessing.get_context("spawn")
    return cf.ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_start_worker, initargs=(os.environ.get(HOME_ENV),)
    )


def _start_worker(home: str | None) -> None:
    """A pool worker sees this process's user folder as it is now (the fork server may be older)."""
    if home is None:
        os.environ.pop(HOME_ENV, None)
    else:
        os.environ[HOME_ENV] = home


@contextlib.contextmanager
def dask_executor(address: str) -> Iterator[cf.Executor]:
    """An executor on the Dask cluster whose scheduler is at ``address`` (``tcp://HOST:PORT``).

    Needs the ``dask`` extra (``pip install 'coopstats[dask]'``) here, and the
    same coopstats on every worker. The client is closed on exit.

    Raises
    ------
    coopstats.errors.MissingExtraError
        ``distributed`` is not installed.
    """
    try:
        import distributed
    except ImportError:
        raise MissingExtraError("dask", "distributed", "a Dask scheduler (--scheduler)") from None
    client = distributed.Client(address)
    try:
        yield client.get_executor()
    finally:
        client.close()


# ---------------------------------------------------------------------------
# The batch loop
# ---------------------------------------------------------------------------


class _Progress:
    """One tqdm bar on a terminal, one line per document elsewhere, or nothing."""

    def __init__(self, total: int | None, mode: bool | str, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        if mode is True or mode == "auto":
            isatty = getattr(self.stream, "isatty", None)
            mode = "bar" if isatty is not None and isatty() else "lines"
        elif mode is False:
            mode = "off"
        if mode not in ("bar", "lines", "off"):
            raise ValueError(f"progress must be True, False, 'bar', 'lines' or 'off', not {mode!r}")
        self.mode, self.total, self.done, self.failed = mode, total, 0, 0
        self.bar: Any = None
        if mode == "bar":
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, file=self.stream, unit="doc", desc="parsing", dynamic_ncols=True)

    def update(self, result: BatchResult) -> None:
        self.done += 1
        self.failed += not result.ok
        if self.bar is not None:
            self.bar.update(1)
            if self.failed:
                self.bar.set_postfix(failed=self.failed, refresh=False)
        elif self.mode == "lines":
            of = f"/{self.total}" if self.total is not None else ""
            detail = f": {result.error}" if result.error else ""
            print(
                f"[{self.done}{of}] {result.status:7} {result.name} {result.seconds:.2f}s{detail}",
                file=self.stream,
                flush=True,
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def iter_parsed(
    paths: Iterable[str | os.PathLike[str]],
    settings: Mapping[str, Any] | Callable[[Path], Mapping[str, Any]] | None = None,
    *,
    executor: cf.Executor | None = None,
    jobs: int | None = 1,
    progress: bool | str = False,
    in_flight: int | None = None,
) -> Iterator[tuple[Path, bytes | None, BatchResult]]:
    """Parse files on an executor and yield ``(path, bytes, result)`` in input order, as they come.

    Only this process reads the files and sees the results: the caller writes
    whatever it keeps (the manifest, the cache, output folders) while the
    workers go on with the next documents.

    Parameters
    ----------
    paths : iterable of path-like
        The files (read lazily, a bounded number ahead of the results).
    settings : mapping, or callable of the path, optional
        The settings of each document (see :func:`parse_one`); a callable may
        raise to refuse a file before it is read (its error becomes the file's result).
    executor : concurrent.futures.Executor, optional
        Where to parse; by default :func:`make_executor` of ``jobs`` (then shut down at the end).
    jobs : int or None, default 1
        Processes when no executor is given, no more than the files; 0: one per core; ``None``:
        one per core when the files hold :data:`POOL_WORTH_BYTES` or more, else this process.
    progress : bool or {"bar", "lines", "off"}
        ``True``: a tqdm bar when stderr is a terminal, else one line per document.
    in_flight : int, optional
        Documents submitted ahead of the one awaited (default: 4 tasks per worker process, a
        task being several small documents, :func:`_task_documents`).

    Yields
    ------
    tuple
        The path, its bytes (``None`` when it could not be read) and its :class:`BatchResult`.
    """
    from coopstats import cache as frame_cache

    paths = list(paths)
    own_executor = executor is None
    if executor is None:
        executor = make_executor(resolve_jobs(jobs, len(paths), paths))
    inline = isinstance(executor, _InProcessExecutor)
    environment = None if inline else frame_cache.environment_key()
    workers = 1 if inline else getattr(executor, "_max_workers", None) or _WORKERS_OF_OTHER_EXECUTORS
    per_task = _task_documents(len(paths), workers) if not inline else 1
    if in_flight is None:
        in_flight = _IN_FLIGHT_PER_WORKER * workers * per_task
    tasks_ahead = max(1, -(-max(1, in_flight) // per_task))
    bar = _Progress(len(paths), progress)
    # per document, in input order: its path, bytes, its result or the task parsing it and its place
    # there, and whether it is the last of the documents read together
    pending: deque[tuple[Path, bytes | None, cf.Future[list[BatchResult]] | BatchResult, int, bool]] = deque()
    queue = iter(paths)

    def submit_next() -> None:
        """Read the next documents (up to a task's worth) and send them to a worker as one task."""
        task: list[tuple[bytes, str, Mapping[str, Any]]] = []
        slots: list[tuple[Path, bytes | None, BatchResult | None]] = []  # a file not read: its failure
        size = 0
        while len(task) < per_task and size < _TASK_BYTES:
            item = next(queue, None)
            if item is None:
                break
            path = Path(item)
            doc_settings: Mapping[str, Any] = {}
            try:
                doc_settings = settings(path) if callable(settings) else dict(settings or {})
                data = _read(path)
            except Exception as exc:
                slots.append(
                    (path, None, _failure(str(path), doc_settings.get("doc_id"), exc, portable=False))
                )
                continue
            task.append((data, str(path), doc_settings))
            slots.append((path, data, None))
            size += len(data)
        future: cf.Future[list[BatchResult]] | None = None
        if task:
            try:
                future = executor.submit(parse_many, task, environment=environment, portable=not inline)
            except Exception as exc:  # a broken or shut-down pool
                slots = [
                    (path, data, failed or _failure(str(path), None, exc, portable=False))
                    for path, data, failed in slots
                ]
        k = 0
        for n, (path, data, failed) in enumerate(slots, 1):
            last = n == len(slots)  # once it is yielded, the next documents are read and sent
            if failed is not None or future is None:
                pending.append((path, data, failed, 0, last))  # type: ignore[arg-type]
            else:
                pending.append((path, data, future, k, last))
                k += 1

    try:
        for _ in range(tasks_ahead):
            submit_next()
        while pending:
            path, data, outcome, k, last = pending.popleft()
            result = outcome if isinstance(outcome, BatchResult) else _collect(outcome, k, path)
            if last:
                submit_next()
            bar.update(result)
            yield path, data, result
    finally:
        for _, _, outcome, _, _ in pending:
            if isinstance(outcome, cf.Future):
                outcome.cancel()
        bar.close()
        if own_executor:
            executor.shutdown(wait=True, cancel_futures=True)


def _task_documents(count: int, workers: int) -> int:
    """How many of ``count`` documents one task sends a worker, when there are ``workers``.

    Enough to make a task's cost small beside its documents', few enough that
    every worker has :data:`_IN_FLIGHT_PER_WORKER` tasks of the batch (no worker
    idle while another has a long queue), and :data:`_TASK_DOCUMENTS` at most.

    Examples
    --------
    >>> _task_documents(1000, 2), _task_documents(40, 2), _task_documents(3, 2)
    (16, 5, 1)
    """
    return max(1, min(_TASK_DOCUMENTS, count // (_IN_FLIGHT_PER_WORKER * max(1, workers))))


def parse_many(
    documents: list[tuple[bytes, str, Mapping[str, Any]]], *, environment: str | None, portable: bool
) -> list[BatchResult]:
    """:func:`parse_one` of each ``(data, name, settings)``: one task a worker runs."""
    return [
        parse_one(data, name, settings, environment=environment, portable=portable)
        for data, name, settings in documents
    ]


def _read(path: Path) -> bytes:
    """The file's bytes, through the readers' size-capped reader of regular files."""
    from coopstats.readers import read_file

    return read_file(path)


def _collect(future: cf.Future[list[BatchResult]], k: int, path: Path) -> BatchResult:
    """The ``k``-th result of a task; a dead worker or a lost result is the file's error."""
    try:
        return future.result()[k]
    except Exception as exc:
        return _failure(str(path), None, exc, portable=False)


# Options of the readers a batch passes on beside the document settings.
_READER_OPTIONS = {"encoding": None, "encoding_errors": ("strict", "replace")}


def _check_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Refuse unknown settings and values outside their choices before any file is parsed."""
    from coopstats.settings import check_requested

    readers = {k: v for k, v in settings.items() if k in _READER_OPTIONS}
    for key, allowed in _READER_OPTIONS.items():
        if allowed is not None and key in readers and readers[key] not in allowed:
            raise ValueError(f"{key} must be one of {', '.join(allowed)}, not {readers[key]!r}")
    check_requested({k: v for k, v in settings.items() if k not in _READER_OPTIONS})
    return dict(settings)


def parse_documents(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    executor: cf.Executor | None = None,
    jobs: int | None = None,
    progress: bool | str = True,
    **settings: Any,
) -> list[BatchResult]:
    """Parse many documents at once: on every core, or on any executor (a Dask cluster).

    Each file is read here and sent as bytes to a worker, which parses it
    exactly as :func:`coopstats.parse_document` would (``doc_id`` the file's
    stem). A file that fails gives a result with its error; the others go on.

    Parameters
    ----------
    paths : path-like or iterable of path-like
        The files, in any format :func:`coopstats.parse_document` reads.
    executor : concurrent.futures.Executor, optional
        Where to parse: any executor, e.g. ``distributed.Client(address).get_executor()``
        for a Dask cluster (left running). By default a process pool of ``jobs``
        processes, or this process when ``jobs`` is 1 (or there is one file, or the files
        are small: see ``jobs``).
    jobs : int, optional
        Processes of the default pool. When omitted, one per core if the files hold
        :data:`POOL_WORTH_BYTES` (4 MiB) or more together, else this process alone
        (a pool takes about a second to start); 0: one per core whatever the files.
    progress : bool or {"bar", "lines", "off"}, default True
        A tqdm bar when stderr is a terminal, else one line per document
        (status and time) on stderr; ``False`` is silent.
    **settings
        Any of ``encoding, lead_rule, script, default_currency, issuer,
        published`` (as :func:`coopstats.parse_document`), for every file.

    Returns
    -------
    list of BatchResult
        One per file, in input order: ``.document`` (a
        :class:`~coopstats.frames.ParsedDocument`) when parsed, ``.error``
        (naming the file) and ``.exception`` when not.

    Raises
    ------
    TypeError
        An unknown setting.
    ValueError
        A setting outside its choices.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "kw.txt").write_text("一、合作\\n1. 推进合作。（省商务厅牵头）", encoding="utf-8")
    >>> (folder / "empty.txt").write_bytes(b"")
    0
    >>> results = parse_documents([folder / "kw.txt", folder / "empty.txt"], jobs=1, progress=False)
    >>> [(r.doc_id, r.status) for r in results]
    [('kw', 'parsed'), ('empty', 'refused')]
    >>> results[0].document.tasks["agency_clause"].tolist()
    ['省商务厅牵头']
    """
    options = _check_settings(settings)
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    return [
        result
        for _, _, result in iter_parsed(items, options, executor=executor, jobs=jobs, progress=progress)
    ]
