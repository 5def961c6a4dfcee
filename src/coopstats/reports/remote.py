"""Running a report notebook where an executor puts it: a Dask worker, another machine.

:func:`execute` is a pure function of bytes: the notebook's file and its
checked parameters go in, the executed notebook (whole, or as far as it ran)
comes out, with what went wrong. No file system is shared: the worker runs the
notebook in a temporary folder of its own and keeps nothing. The main process
alone writes the HTML, the executed notebook and the report index
(:func:`coopstats.reports.run.run_one` with ``executor=``).

A worker must run the same coopstats as the caller (its notebooks, frames and
checks are the caller's); one that does not refuses with
:class:`~coopstats.errors.WorkerEnvironmentError`.
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ExecutedNotebook", "RemoteCellError", "describe", "died_starting", "execute"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExecutedNotebook:
    """What running a notebook gave: the executed notebook and, if it failed, how."""

    notebook: bytes
    seconds: float
    error: str | None = None
    ename: str | None = None
    cell_index: int | None = None
    timed_out: bool = False
    first_line: str = ""


class RemoteCellError(Exception):
    """A cell of a notebook run elsewhere raised (carries papermill's ``cell_index`` and ``ename``)."""

    def __init__(self, result: ExecutedNotebook) -> None:
        self.cell_index = result.cell_index
        self.ename = result.ename
        super().__init__(result.error or "the notebook failed")


def execute(
    notebook: bytes,
    parameters: dict[str, Any],
    *,
    timeout: float,
    kernel_name: str,
    version: str,
    cwd: str | None = None,
) -> ExecutedNotebook:
    """Execute a notebook's bytes with papermill in a temporary folder; return the executed bytes.

    Parameters
    ----------
    notebook : bytes
        The report notebook (``.ipynb``) as the caller has it.
    parameters : dict
        Values already checked by the caller.
    timeout : float
        Seconds the whole notebook may run.
    kernel_name : str
        Jupyter kernel to run it in (the worker must have it).
    version : str
        The caller's coopstats version; a worker with another refuses.
    cwd : str, optional
        Folder the kernel starts in: the caller's own when run here (a relative
        ``source`` parameter means what it meant to the caller), else the
        temporary folder.

    Returns
    -------
    ExecutedNotebook
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError

    from coopstats import __version__
    from coopstats.errors import WorkerEnvironmentError

    if version != __version__:
        raise WorkerEnvironmentError(
            f"this worker runs coopstats {__version__}, the caller {version}: install the same version"
        )
    started = time.monotonic()
    deadline = started + timeout
    running = {"first_line": ""}

    def remaining(cell: Any) -> int:
        running["first_line"] = next((ln for ln in str(cell.source).splitlines() if ln.strip()), "")[:80]
        return max(1, int(deadline - time.monotonic() + 0.999))

    with tempfile.TemporaryDirectory(prefix="coopstats-report-") as folder:
        source, executed = Path(folder) / "in.ipynb", Path(folder) / "out.ipynb"
        kernel_log = Path(folder) / "kernel.log"
        source.write_bytes(notebook)
        try:
            for attempt in range(1, KERNEL_STARTS + 1):
                try:
                    papermill.execute_notebook(
                        str(source),
                        str(executed),
                        parameters=parameters,
                        kernel_name=kernel_name,
                        progress_bar=False,
                        cwd=cwd or folder,
                        timeout_func=remaining,
                        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                        kernel_manager_class=_kernel_writing_to(kernel_log),
                    )
                    break
                except RuntimeError as exc:
                    if attempt == KERNEL_STARTS or not died_starting(exc):
                        raise
                    # no cell ran: the kernel lost a port to another process starting one (the
                    # port is chosen free, then bound by the kernel a moment later); start anew
                    logger.warning("kernel died starting (%s); starting it again", exc)
        except CellTimeoutError:
            return ExecutedNotebook(
                _read(executed), time.monotonic() - started, timed_out=True, first_line=running["first_line"]
            )
        except Exception as exc:  # a cell raised: the caller keeps the failed notebook and says why
            last_words = _last_line(kernel_log) if died_starting(exc) else ""
            return ExecutedNotebook(
                _read(executed),
                time.monotonic() - started,
                error=describe(exc) + (f" (the kernel's last words: {last_words})" if last_words else ""),
                ename=getattr(exc, "ename", None) or type(exc).__name__,
                cell_index=getattr(exc, "cell_index", None),
            )
        return ExecutedNotebook(executed.read_bytes(), time.monotonic() - started)


KERNEL_STARTS = 3  # attempts at starting a kernel that dies before it answers


def _kernel_writing_to(log: Path) -> type:
    """A kernel manager whose kernels write their own stderr to ``log``, not to the caller's.

    What a kernel process itself prints (a native library's message as it
    shuts down, the traceback of a kernel that dies starting) would otherwise
    land in the caller's terminal or cron log between the report lines; a
    cell's output is the notebook's, as always.
    """
    from jupyter_client import AsyncKernelManager

    class KernelWithItsOwnLog(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            with log.open("ab") as handle:  # the kernel keeps its own copy of the descriptor
                kw.setdefault("stderr", handle)
                await super()._async_launch_kernel(kernel_cmd, **kw)

    return KernelWithItsOwnLog


def _last_line(log: Path) -> str:
    """The last line a kernel wrote to its log (at most 300 characters), or ``""``."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    return lines[-1].strip()[:300] if lines else ""


def died_starting(exc: BaseException) -> bool:
    """Whether a kernel died before answering its first request (jupyter_client's words): no cell ran.

    Examples
    --------
    >>> died_starting(RuntimeError("Kernel died before replying to kernel_info"))
    True
    >>> died_starting(RuntimeError("a cell raised"))
    False
    """
    return isinstance(exc, RuntimeError) and "died before replying to kernel_info" in str(exc)


def describe(exc: BaseException) -> str:
    """What went wrong in a notebook, in one line: the cell, its first line, the exception.

    Examples
    --------
    >>> describe(KeyError("doc"))
    "failed: KeyError: 'doc'"
    """
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        first_line = next((line for line in str(exc.source).splitlines() if line.strip()), "")
        return (
            f"failed in cell {exc.cell_index} (In [{exc.exec_count}]: {first_line[:80]!r}): "
            f"{exc.ename}: {exc.evalue}"
        )
    return f"failed: {type(exc).__name__}: {exc}"


def _read(path: Path) -> bytes:
    return path.read_bytes() if path.is_file() else b""
