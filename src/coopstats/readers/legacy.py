"""Legacy binary documents: Word ``.doc`` and WPS ``.wps`` (OLE compound files).

coopstats does not read these formats itself. When LibreOffice's ``soffice`` is
on ``PATH`` it converts the file to ``.docx`` in a temporary folder (headless,
with a private profile and a time limit) and reads the result with
:mod:`coopstats.readers.docx`; otherwise, or when the conversion fails, it raises
:class:`~coopstats.errors.LegacyFormatError` saying how to convert the file.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from os import PathLike
from pathlib import Path

from coopstats.errors import LegacyFormatError
from coopstats.readers import ReadDocument, unsupported

__all__ = ["CONVERT_TIMEOUT", "kind_of", "read"]

#: Seconds LibreOffice may take to convert one file.
CONVERT_TIMEOUT = 120

_HOW = (
    "a .docx: convert it with LibreOffice, `soffice --headless --convert-to docx FILE`, "
    "or save it as .docx in Word or WPS"
)


def kind_of(data: bytes) -> str:
    """What an OLE compound file holds, from its stream names: ``doc``, ``xls``, ``ppt`` or ``ole``.

    Examples
    --------
    >>> kind_of(b"\\xd0\\xcf\\x11\\xe0" + "WordDocument".encode("utf-16-le"))
    'doc'
    """
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    if "PowerPoint Document".encode("utf-16-le") in data:
        return "ppt"
    return "ole"


def read(data: bytes, *, path: str | PathLike[str] | None = None) -> ReadDocument:
    """Convert a .doc or .wps to .docx with LibreOffice, if installed, and read it.

    Raises
    ------
    LegacyFormatError
        LibreOffice is not installed, or the conversion failed or timed out.
    UnsupportedFormatError
        The OLE file is a spreadsheet or a presentation, not a document.
    """
    kind = kind_of(data)
    if kind in ("xls", "ppt"):
        what = "an Excel .xls workbook" if kind == "xls" else "a PowerPoint .ppt presentation"
        raise unsupported(f"this is {what}, not a document", path, "a document (.txt, .html, .docx, .pdf)")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    described = "a legacy Word (.doc) or WPS (.wps) document"
    if soffice is None:
        raise LegacyFormatError(
            f"this is {described}, and LibreOffice (soffice), which coopstats uses to convert it, "
            "is not installed (Debian: apt-get install libreoffice-writer)",
            path=path,
            expected=_HOW,
        )
    from coopstats.readers import docx

    with tempfile.TemporaryDirectory(prefix="coopstats-soffice-") as folder:
        work = Path(folder)
        source = work / "document.doc"
        source.write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        try:
            result = subprocess.run(command, capture_output=True, timeout=CONVERT_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise LegacyFormatError(
                f"this is {described}; LibreOffice did not convert it within {CONVERT_TIMEOUT} s",
                path=path,
                expected=_HOW,
            ) from None
        except OSError as exc:
            raise LegacyFormatError(
                f"this is {described}; LibreOffice could not be run: {exc}", path=path, expected=_HOW
            ) from None
        converted = work / "out" / "document.docx"
        if result.returncode != 0 or not converted.is_file():
            detail = (result.stderr or result.stdout or b"").decode("utf-8", "replace").strip()[:300]
            raise LegacyFormatError(
                f"this is {described}; LibreOffice failed to convert it"
                + (f": {detail}" if detail else f" (exit code {result.returncode})"),
                path=path,
                expected=_HOW,
            )
        return docx.read(converted.read_bytes(), path=path)
