"""PDF of a report: the offline HTML page printed with WeasyPrint, or headless Chromium as the fallback.

WeasyPrint (``pip install 'coopstats[pdf]'``; it needs the system's pango,
Debian ``libpango-1.0-0 libpangoft2-1.0-0``) lays the page out itself and
embeds the subset of every font it uses, the CJK font of a Chinese report
included (``fonts-noto-cjk``). Without WeasyPrint, headless Chromium
(``chromium --headless --print-to-pdf``) prints the page; without either,
:func:`pdf_engine` raises a :class:`~coopstats.errors.ReportError` naming both.
Neither fetches anything: the page holds its images as ``data:`` URIs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from coopstats.errors import ReportError

__all__ = ["PDF_ENGINES", "html_to_pdf", "pdf_engine"]

#: Engines in order of preference.
PDF_ENGINES = ("weasyprint", "chromium")

_BROWSERS = ("chromium", "chromium-browser", "google-chrome")
_CHROMIUM_TIMEOUT_S = 120.0

# Print styles: A4, margins, tables and images kept inside the page, CJK fonts named for the fallback.
PRINT_CSS = """
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "DejaVu Sans", "Noto Sans CJK SC", "Noto Sans CJK JP", sans-serif; font-size: 10pt; }
img { max-width: 100%; height: auto; page-break-inside: avoid; }
table { font-size: 8pt; border-collapse: collapse; max-width: 100%; }
th, td { padding: 2px 4px; vertical-align: top; }
.jp-OutputArea-output { overflow: visible !important; }
"""


def _chromium() -> str | None:
    return next((path for name in _BROWSERS if (path := shutil.which(name))), None)


def _has_weasyprint() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: the wheel is there but pango is not
        return False
    return True


def pdf_engine(engine: str = "auto") -> str:
    """The PDF engine to use: WeasyPrint when installed, else headless Chromium.

    Parameters
    ----------
    engine : {"auto", "weasyprint", "chromium"}, default "auto"
        ``auto``: the first of :data:`PDF_ENGINES` that is available.

    Returns
    -------
    str
        ``"weasyprint"`` or ``"chromium"``.

    Raises
    ------
    coopstats.errors.ReportError
        The engine asked for, or with ``auto`` every engine, is not available;
        the message says how to install each.

    Examples
    --------
    >>> pdf_engine() in PDF_ENGINES
    True
    """
    available = {"weasyprint": _has_weasyprint, "chromium": lambda: _chromium() is not None}
    if engine not in ("auto", *PDF_ENGINES):
        raise ValueError(f"engine must be auto or one of {', '.join(PDF_ENGINES)}, got {engine!r}")
    for name in PDF_ENGINES if engine == "auto" else (engine,):
        if available[name]():
            return name
    raise ReportError(
        "a PDF needs WeasyPrint (pip install 'coopstats[pdf]', with Debian's libpango-1.0-0 "
        "libpangoft2-1.0-0) or headless Chromium (apt-get install chromium); neither is installed"
        if engine == "auto"
        else f"the PDF engine {engine} is not installed"
    )


def html_to_pdf(
    html_path: str | os.PathLike[str], pdf_path: str | os.PathLike[str] | None = None, *, engine: str = "auto"
) -> Path:
    """Print an offline HTML report to PDF, fonts embedded.

    Parameters
    ----------
    html_path : path
        The report page (self-contained: images as ``data:`` URIs).
    pdf_path : path, optional
        Where to write (default: beside the page, ``.pdf``); written to a
        temporary file and renamed into place.
    engine : {"auto", "weasyprint", "chromium"}, default "auto"
        See :func:`pdf_engine`.

    Returns
    -------
    pathlib.Path
        The PDF.

    Raises
    ------
    coopstats.errors.ReportError
        No engine is available, or printing failed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> page = pathlib.Path(tempfile.mkdtemp()) / "r.html"
    >>> _ = page.write_text("<html><body><h1>机构工作量</h1></body></html>", encoding="utf-8")
    >>> html_to_pdf(page).read_bytes()[:5]
    b'%PDF-'
    """
    from coopstats.reports.render import FILE_MODE

    source = Path(html_path)
    target = Path(pdf_path) if pdf_path is not None else source.with_suffix(".pdf")
    chosen = pdf_engine(engine)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        if chosen == "weasyprint":
            import weasyprint

            document = weasyprint.HTML(filename=str(source), base_url=str(source.parent))
            document.write_pdf(temporary, stylesheets=[weasyprint.CSS(string=PRINT_CSS)])
        else:
            _print_with_chromium(source, Path(temporary))
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, target)
    except ReportError:
        raise
    except Exception as exc:
        raise ReportError(f"could not print {source.name} to PDF with {chosen}: {exc}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return target


def _print_with_chromium(source: Path, target: Path) -> None:
    browser = _chromium()
    if browser is None:  # pragma: no cover - pdf_engine checked
        raise ReportError("headless Chromium is not installed (apt-get install chromium)")
    profile = tempfile.mkdtemp(prefix="coopstats-pdf-")
    try:
        completed = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--no-pdf-header-footer",
                f"--user-data-dir={profile}",
                f"--print-to-pdf={target}",
                source.resolve().as_uri(),
            ],
            capture_output=True,
            timeout=_CHROMIUM_TIMEOUT_S,
            check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if completed.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        tail = completed.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise ReportError(
            f"chromium could not print {source.name} to PDF (exit {completed.returncode}): {tail[0]}"
        )
