"""Running reports: one notebook through papermill, a grid of them in parallel, and progress for logs.

:func:`run_report` checks the parameters against the notebook's declarations
*before* any kernel starts, executes the notebook under a time limit and
writes, side by side::

    <output_dir>/<name>/<slug>.ipynb   the executed notebook
    <output_dir>/<name>/<slug>.html    the report: no code cells, images embedded,
                                       no script, stylesheet or font fetched from anywhere

Both are written to temporary files and renamed into place, so a failed run
never replaces the last good report; the failed executed notebook is kept as
``<slug>.failed.ipynb``. Every run is recorded in the index.

:func:`run_all` runs a grid (default: :func:`~coopstats.reports.parameters.default_grid`)
with parallel workers and reports progress as a bar (on a terminal), one line
per finished report (``plain``: logs, cron), or not at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from coopstats.errors import ReportError
from coopstats.reports.index import ReportRecord, inside, raw_documents, record_run, report_slug
from coopstats.reports.parameters import check_parameters, default_grid, notebook_file, report_spec
from coopstats.reports.pdf import html_to_pdf, pdf_engine
from coopstats.reports.render import FILE_MODE, atomic_write, export_html

__all__ = [
    "DEFAULT_TIMEOUT",
    "PROGRESS_MODES",
    "build_reports",
    "prepare_frames",
    "resolve_progress",
    "run_all",
    "run_report",
    "summary_table",
]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 600.0
"""Seconds a report notebook may run (all cells together) before it is stopped."""

KERNEL_NAME = "python3"

#: How :func:`run_all` shows progress: ``auto`` is ``bar`` when stdout is a terminal, else ``plain``.
PROGRESS_MODES = ("auto", "bar", "plain", "none")

# Seconds the frames may take to load before a line says they are being built (a warm cache reads in ~1 s).
_SLOW_FRAMES_S = 2.0

Echo = Callable[[str], None]


def _echo(line: str) -> None:
    import click

    click.echo(line)


def resolve_progress(progress: bool | str = "auto", *, stream: Any = None) -> str:
    """The progress mode to use: ``auto`` (or ``True``) becomes ``bar`` on a terminal, else ``plain``.

    Examples
    --------
    >>> import io
    >>> resolve_progress("auto", stream=io.StringIO()), resolve_progress(False), resolve_progress("bar")
    ('plain', 'none', 'bar')
    """
    if progress is False:
        return "none"
    if progress is True:
        progress = "auto"
    if progress not in PROGRESS_MODES:
        raise ValueError(f"progress must be one of {', '.join(PROGRESS_MODES)}, got {progress!r}")
    if progress == "auto":
        stream = sys.stdout if stream is None else stream
        return "bar" if getattr(stream, "isatty", lambda: False)() else "plain"
    return str(progress)


def prepare_frames(echo: Echo = _echo) -> float:
    """Load the corpus frames in this process before kernels want them; say so if they must be built.

    A first run (or the first after an update) parses the corpus and caches it,
    which takes tens of seconds: a line says so when it starts and when it is
    done, so a log is never silent. Returns the seconds it took.
    """
    from coopstats import frames

    def load() -> None:
        frames.assignments()  # parses and caches every corpus frame on a cold cache
        frames.figures()

    clock = time.monotonic()
    failure: list[BaseException] = []

    def target() -> None:
        try:
            load()
        except BaseException as exc:  # reported in the calling thread
            failure.append(exc)

    worker = threading.Thread(target=target, name="coopstats-frames", daemon=True)
    worker.start()
    worker.join(_SLOW_FRAMES_S)
    slow = worker.is_alive()
    if slow:
        echo("building the corpus frames (a first run parses the corpus and caches it; about a minute) ...")
    worker.join()
    if failure:
        raise failure[0]
    seconds = time.monotonic() - clock
    if slow:
        echo(f"corpus frames ready ({seconds:.0f} s)")
    return seconds


def _failure_message(name: str, exc: BaseException, kept: Path | None) -> str:
    from coopstats.reports import remote

    where = f"; the executed notebook is kept at {kept}" if kept else ""
    return f"report {name} {exc if isinstance(exc, remote.RemoteCellError) else remote.describe(exc)}{where}"


def run_report(
    name: str,
    parameters: Mapping[str, Any] | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    notebook_dir: str | os.PathLike[str] | None = None,
    from_text: bool = False,
    pdf: bool = False,
) -> Path:
    """Execute report notebook ``name`` with papermill and write its HTML report (and its PDF).

    Parameters
    ----------
    name : str
        Report name (see :func:`~coopstats.reports.available_reports`).
    parameters : mapping, optional
        Values for the notebook's ``parameters`` cell; checked against the
        notebook's declarations before any kernel starts.
    output_dir : path, optional
        Folder of the reports (default: :func:`coopstats._resources.reports_dir`:
        ``$COOPSTATS_REPORTS``, else the user folder's ``reports/``); the run
        writes ``<name>/<slug>.ipynb`` and ``<name>/<slug>.html`` there and
        updates ``index.json``/``index.html``.
    timeout : float, default DEFAULT_TIMEOUT
        Seconds all cells together may run.
    notebook_dir : path, optional
        Folder to find the notebook in (default: the package's notebooks).
    from_text : bool, default False
        Parameter values are text to convert to the declared types (the CLI).
    pdf : bool, default False
        Also print the page to ``<slug>.pdf`` (:func:`coopstats.reports.pdf.html_to_pdf`:
        WeasyPrint, else headless Chromium; checked before any kernel starts).

    Returns
    -------
    pathlib.Path
        The HTML report.

    Raises
    ------
    coopstats.errors.ReportParameterError
        Before any kernel starts, for an undeclared parameter or a value the
        notebook does not allow.
    coopstats.errors.ReportError
        The notebook raised or ran out of time: the message names the cell and
        the error. The last good report is left in place and the failed
        executed notebook is kept as ``<slug>.failed.ipynb``.

    Examples
    --------
    >>> import tempfile
    >>> out = tempfile.mkdtemp()
    >>> run_report("trade_investment", {"currency": "USD"}, out).relative_to(out).as_posix()
    'trade_investment/currency-USD.html'
    """
    from coopstats._resources import reports_dir

    folder = reports_dir(output_dir)
    record = run_one(
        name, parameters, folder, timeout=timeout, notebook_dir=notebook_dir, from_text=from_text, pdf=pdf
    )
    if record.status != "ok" or record.html is None:
        kept = str(folder / record.notebook) if record.notebook else None
        raise ReportError(
            record.error or f"report {name} failed",
            cell_index=record.cell_index,
            ename=record.ename,
            kept_path=kept,
        )
    return folder / record.html


def run_one(
    name: str,
    parameters: Mapping[str, Any] | None,
    output_dir: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    notebook_dir: str | os.PathLike[str] | None = None,
    from_text: bool = False,
    checked: Mapping[str, Any] | None = None,
    executor: Executor | None = None,
    pdf: bool = False,
) -> ReportRecord:
    """Run one report and record it in the index; parameter errors raise, run failures are returned.

    With ``executor`` (a Dask cluster's), the notebook runs where the executor
    puts it (:func:`coopstats.reports.remote.execute`, bytes in and out); this
    process writes the report and the index.
    """
    import nbformat

    from coopstats import __version__

    if checked is None:
        checked = check_parameters(name, parameters, from_text=from_text, notebook_dir=notebook_dir)
    checked = dict(checked)
    if pdf:
        pdf_engine()  # no engine: refused before the kernel starts
    slug = report_slug(checked, report_spec(name, notebook_dir=notebook_dir).defaults)
    folder = output_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    html_path = inside(output_dir, folder / f"{slug}.html")
    notebook_path = inside(output_dir, folder / f"{slug}.ipynb")
    failed_path = inside(output_dir, folder / f"{slug}.failed.ipynb")
    handle, temporary = tempfile.mkstemp(prefix=f".{slug}.", suffix=".ipynb", dir=folder)
    os.close(handle)
    executed = Path(temporary)

    started = dt.datetime.now(dt.UTC)
    clock = time.monotonic()
    record = ReportRecord(
        name=name,
        parameters=checked,
        slug=slug,
        status="ok",
        started=started.isoformat(timespec="seconds"),
        duration_s=0.0,
        version=__version__,
        raw_documents=raw_documents(checked),
    )
    lang = str(checked.get("lang", "en"))
    title = page_title(name, checked, lang)
    logger.info("running report %s with %s", name, checked or "defaults")
    try:
        _execute(executor, name, notebook_dir, checked, executed, timeout)
        os.chmod(executed, FILE_MODE)
        notebook = nbformat.read(str(executed), as_version=4)
        atomic_write(html_path, export_html(notebook, title=title, lang=lang))
        if pdf:
            record.pdf = html_to_pdf(html_path).relative_to(output_dir.resolve()).as_posix()
        os.replace(executed, notebook_path)
        with contextlib.suppress(FileNotFoundError):
            failed_path.unlink()
        record.html = html_path.relative_to(output_dir.resolve()).as_posix()
        record.notebook = notebook_path.relative_to(output_dir.resolve()).as_posix()
    except Exception as exc:
        kept: Path | None = None
        if executed.exists() and executed.stat().st_size > 0:
            os.replace(executed, failed_path)
            kept = failed_path
        else:
            with contextlib.suppress(FileNotFoundError):
                executed.unlink()
        record.status = "failed"
        record.cell_index = getattr(exc, "cell_index", None)
        record.ename = getattr(exc, "ename", None) or type(exc.__cause__ or exc).__name__
        record.error = _failure_message(name, exc, kept) if not isinstance(exc, ReportError) else str(exc)
        if kept and isinstance(exc, ReportError):
            record.error += f"; the executed notebook is kept at {kept}"
        record.notebook = kept.relative_to(output_dir.resolve()).as_posix() if kept else None
        # the caller reports the failure (once); the log has it for -v
        logger.info("%s", record.error)
    record.duration_s = round(time.monotonic() - clock, 2)
    record_run(output_dir, record)
    return record


def page_title(name: str, parameters: Mapping[str, Any], lang: str = "en") -> str:
    """A report page's title in ``lang``: the report's title from the catalogue and its parameters.

    Examples
    --------
    >>> page_title("agency_workload", {"doc_id": "gdhk-keywork-2017"})
    'Agency workload (doc_id=gdhk-keywork-2017)'
    >>> page_title("agency_workload", {"lang": "zh"}, "zh")
    '机构工作量（lang=zh）'
    """
    from coopstats import messages

    key = f"report.{name}.title"
    title = messages.t(key, lang) if messages.has(key) else name
    shown = ", ".join(f"{k}={v}" for k, v in parameters.items()) or messages.t("index.defaults", lang)
    return f"{title}（{shown}）" if lang == "zh" else f"{title} ({shown})"


def _out_of_time(name: str, timeout: float, first_line: str) -> ReportError:
    return ReportError(
        f"report {name} ran out of time: the {timeout:g} s limit was reached in the cell "
        f"starting {first_line!r}",
        ename="CellTimeoutError",  # what nbclient raised where the notebook ran
    )


def _execute(
    executor: Executor | None,
    name: str,
    notebook_dir: str | os.PathLike[str] | None,
    checked: Mapping[str, Any],
    executed: Path,
    timeout: float,
) -> None:
    """Run the notebook (here, or on the executor); write what came back to ``executed``; raise if it failed.

    Both ways run :func:`coopstats.reports.remote.execute`, bytes in and out; here the kernel starts in
    the caller's folder.
    """
    from coopstats import __version__
    from coopstats.reports import remote

    with notebook_file(name, notebook_dir) as source:
        notebook = Path(source).read_bytes()
    options = {"timeout": timeout, "kernel_name": KERNEL_NAME, "version": __version__}
    if executor is None:
        result = remote.execute(notebook, dict(checked), cwd=str(Path.cwd()), **options)
    else:
        result = executor.submit(remote.execute, notebook, dict(checked), **options).result()
    executed.write_bytes(result.notebook)
    if result.timed_out:
        raise _out_of_time(name, timeout, result.first_line)
    if result.error is not None:
        raise remote.RemoteCellError(result)


def _parameters_text(parameters: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in parameters.items()) or "defaults"


def progress_line(record: ReportRecord, number: int, total: int) -> str:
    """One line for a finished report: counter, status, report, parameters, seconds (and the error).

    Examples
    --------
    >>> r = ReportRecord("trade_investment", {"currency": "USD"}, "currency-USD", "ok", "", 3.25)
    >>> progress_line(r, 2, 11)
    '[ 2/11] ok      trade_investment currency=USD (3.2 s)'
    """
    width = len(str(total))
    line = (
        f"[{number:{width}d}/{total}] {record.status:7} {record.name} {_parameters_text(record.parameters)} "
    )
    line += f"({record.duration_s:.1f} s)"
    if record.status != "ok" and record.error:
        line += f": {' '.join(record.error.split())}"
    return line


def run_all(
    output_dir: str | os.PathLike[str] | None = None,
    *,
    jobs: int = 2,
    timeout: float = DEFAULT_TIMEOUT,
    grid: Sequence[tuple[str, Mapping[str, Any]]] | None = None,
    progress: bool | str = "auto",
    notebook_dir: str | os.PathLike[str] | None = None,
    echo: Echo = _echo,
    executor: Executor | None = None,
    pdf: bool = False,
) -> list[ReportRecord]:
    """Run a grid of reports with ``jobs`` parallel workers (here, or on an executor's).

    Parameters
    ----------
    output_dir : path, optional
        Folder of the reports (default: :func:`coopstats._resources.reports_dir`).
    jobs : int, default 2
        Notebooks run at once (each in its own kernel).
    timeout : float, default DEFAULT_TIMEOUT
        Seconds each notebook may run.
    grid : sequence of (name, parameters), optional
        The reports to run (default: what the notebooks declare, see
        :func:`~coopstats.reports.default_grid`).
    progress : {"auto", "bar", "plain", "none"} or bool, default "auto"
        ``bar``: a tqdm bar on stderr; ``plain``: one line per finished report
        (status and seconds) on stdout, for logs; ``auto``: ``bar`` when
        stdout is a terminal, else ``plain``. ``True`` is ``auto``, ``False``
        is ``none``. Unless ``none``, a line says when the corpus frames are
        being built (a first run).
    notebook_dir : path, optional
        Folder to find the notebooks in.
    echo : callable, optional
        Where progress lines go (default: stdout).
    executor : concurrent.futures.Executor, optional
        Run the notebooks there (a Dask cluster's ``Client.get_executor()``):
        ``jobs`` notebooks are in flight at once; this process alone writes
        the reports and the index.
    pdf : bool, default False
        Also print every page to PDF (see :func:`run_report`).

    Returns
    -------
    list of ReportRecord
        One per report, in grid order; failures are records with
        ``status == "failed"``, not exceptions.

    Raises
    ------
    coopstats.errors.ReportParameterError
        A parameter set of the grid is refused: nothing has run.
    """
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from coopstats._resources import reports_dir

    folder = reports_dir(output_dir)
    mode = resolve_progress(progress)
    todo = list(grid) if grid is not None else default_grid(notebook_dir)
    # check every parameter set before starting any kernel
    checked = [check_parameters(name, parameters, notebook_dir=notebook_dir) for name, parameters in todo]
    if pdf:
        pdf_engine()  # no engine: refused before any kernel starts
    if mode != "none":
        prepare_frames(echo)
    records: list[ReportRecord | None] = [None] * len(todo)
    bar = None
    if mode == "bar":
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc="reports", unit="report", file=sys.stderr)
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {
                pool.submit(
                    run_one,
                    name,
                    None,
                    folder,
                    timeout=timeout,
                    notebook_dir=notebook_dir,
                    checked=values,
                    executor=executor,
                    pdf=pdf,
                ): i
                for i, ((name, _), values) in enumerate(zip(todo, checked, strict=True))
            }
            for done, future in enumerate(as_completed(futures), start=1):
                record = future.result()
                records[futures[future]] = record
                if bar is not None:
                    bar.set_postfix_str(f"{record.name}/{record.slug} {record.status}")
                    bar.update()
                elif mode == "plain":
                    echo(progress_line(record, done, len(todo)))
    finally:
        if bar is not None:
            bar.close()
    return [r for r in records if r is not None]


def summary_table(records: Sequence[ReportRecord]) -> str:
    """A plain-text table of report runs (name, parameters, status, seconds).

    Examples
    --------
    >>> r = ReportRecord("trade_investment", {}, "default", "ok", "2026-01-01T00:00:00+00:00", 3.25)
    >>> print(summary_table([r]))
    report            parameters  status  seconds
    trade_investment  defaults    ok          3.2
    1 ok, 0 failed
    """
    rows = [(r.name, _parameters_text(r.parameters), r.status, r.duration_s) for r in records]
    widths = [
        max([len(h), *(len(str(row[i])) for row in rows)]) for i, h in enumerate(["report", "parameters"])
    ]
    status_width = max([len("status"), *(len(row[2]) for row in rows)])
    lines = [f"{'report':{widths[0]}}  {'parameters':{widths[1]}}  {'status':{status_width}}  seconds"]
    lines += [f"{a:{widths[0]}}  {b:{widths[1]}}  {c:{status_width}}  {d:7.1f}" for a, b, c, d in rows]
    lines.append(totals_line(records))
    return "\n".join(lines)


def totals_line(records: Sequence[ReportRecord]) -> str:
    """``N ok, M failed``."""
    ok = sum(r.status == "ok" for r in records)
    return f"{ok} ok, {len(records) - ok} failed"


def finish(records: Sequence[ReportRecord], mode: str, folder: Path, echo: Echo = _echo) -> None:
    """Close a grid run: the summary (a table, or the totals after plain lines), failures, the index."""
    if mode == "plain":
        echo(totals_line(records))  # each report already had its line, failures with their error
    else:
        echo(summary_table(records))
        for record in records:
            if record.status != "ok":
                echo(f"FAILED {record.name}/{record.slug}: {record.error}")
    echo(f"index: {folder / 'index.html'}")


def build_reports(
    output_dir: str | os.PathLike[str] | None = None,
    *,
    jobs: int = 2,
    progress: bool | str = "auto",
    grid: Sequence[tuple[str, Mapping[str, Any]]] | None = None,
) -> list[ReportRecord]:
    """Run the default grid (``coopstats build --reports``); return the failed runs.

    ``output_dir`` defaults to :func:`coopstats._resources.reports_dir`, as for
    ``coopstats report``. Prints the summary and where the index is.

    Examples
    --------
    >>> import tempfile
    >>> build_reports(tempfile.mkdtemp(), grid=[("trade_investment", {})], progress=False)
    report            parameters  status  seconds
    trade_investment  defaults    ok      ...
    1 ok, 0 failed
    index: ...index.html
    []
    """
    from coopstats._resources import reports_dir

    folder = reports_dir(output_dir)
    mode = resolve_progress(progress)
    records = run_all(folder, jobs=jobs, progress=mode, grid=grid)
    finish(records, mode, folder)
    return [r for r in records if r.status != "ok"]
