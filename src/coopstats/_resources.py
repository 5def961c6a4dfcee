"""Where coopstats finds its package data and writes its caches and output.

Package data (the raw corpus, reference tables, notebooks) is read with
:mod:`importlib.resources`. In a built wheel it lives in ``coopstats/_data`` and
``coopstats/_notebooks`` (hatchling's ``force-include`` maps the top-level
``data/`` and ``notebooks/`` folders there). In a source checkout used through an
editable install those folders are not copied, so the checkout's own folders
are used; they are recognised by the manifest they hold, never guessed.

User folders come from :mod:`platformdirs`; the environment variable
``COOPSTATS_HOME`` moves all of them under one folder.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import platformdirs

__all__ = [
    "atomic_write",
    "cache_dir",
    "checkout_root",
    "data_dir",
    "fsync_folder",
    "notebooks_dir",
    "output_dir",
    "reports_dir",
    "user_dir",
]

HOME_ENV = "COOPSTATS_HOME"
REPORTS_ENV = "COOPSTATS_REPORTS"


def checkout_root() -> Path | None:
    """The source checkout this package runs from, if it runs from one.

    A checkout is recognised by ``pyproject.toml`` and ``data/raw/manifest.csv``
    two levels above the package (the ``src`` layout); an installed wheel has
    neither.
    """
    package = Path(str(files("coopstats")))
    root = package.parent.parent
    if (root / "pyproject.toml").is_file() and (root / "data" / "raw" / "manifest.csv").is_file():
        return root
    return None


def data_dir() -> Traversable:
    """The folder holding ``raw/`` and ``reference/``."""
    packaged = files("coopstats").joinpath("_data")
    if packaged.is_dir():
        return packaged
    root = checkout_root()
    if root is None:
        raise FileNotFoundError("coopstats package data is missing: reinstall the package")
    return root / "data"


def notebooks_dir() -> Traversable:
    """The folder holding the report notebooks."""
    packaged = files("coopstats").joinpath("_notebooks")
    if packaged.is_dir():
        return packaged
    root = checkout_root()
    if root is None:
        raise FileNotFoundError("coopstats notebooks are missing: reinstall the package")
    return root / "notebooks"


def user_dir() -> Path:
    """The user's coopstats folder (``$COOPSTATS_HOME`` or the platform's data folder)."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("coopstats", appauthor=False))


def cache_dir() -> Path:
    """Where parsed frames are cached (``$COOPSTATS_HOME/cache`` when set)."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser() / "cache"
    return Path(platformdirs.user_cache_dir("coopstats", appauthor=False))


def output_dir() -> Path:
    """Where ``coopstats build`` writes frames: ``data/processed`` in a checkout, else the user folder."""
    root = checkout_root()
    if root is not None and os.environ.get(HOME_ENV) is None:
        return root / "data" / "processed"
    return user_dir() / "processed"


def atomic_write(path: Path, data: bytes | str, *, mode: int = 0o644) -> None:
    """Write ``data`` (bytes, or text as UTF-8) to ``path`` in one step: a temporary file, fsync, rename.

    A reader sees the old file or the new one, never a part; a killed writer
    leaves the old file (and a temporary ``.<name>.*.tmp`` that the next
    writer's clean-up removes).

    Raises
    ------
    coopstats.errors.StorageError
        The folder cannot be written (read-only, full disk); ``path`` is unchanged.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write(target, b"one"); atomic_write(target, b"two"); target.read_bytes()
    b'two'
    """
    from coopstats.errors import StorageError

    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)  # mkstemp creates 0600; what coopstats writes is for reading
        os.replace(tmp, path)
        tmp = None
        fsync_folder(path.parent)
    except OSError as exc:
        raise StorageError(path, exc.strerror or str(exc)) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename into it) to disk; a no-op where folders cannot be opened."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


def reports_dir(out: str | os.PathLike[str] | None = None) -> Path:
    """Where reports are written: ``out``, else ``$COOPSTATS_REPORTS``, else the user folder's ``reports/``.

    The one rule for ``coopstats report``, ``coopstats build --reports`` and
    :func:`coopstats.run_report`; it never depends on the current folder (a
    relative ``out`` or ``$COOPSTATS_REPORTS`` is made absolute once, here).

    Examples
    --------
    >>> import os
    >>> reports_dir("/srv/reports").as_posix()
    '/srv/reports'
    >>> os.environ.get(REPORTS_ENV) or reports_dir() == user_dir() / "reports"
    True
    """
    if out is not None and str(out) != "":
        return Path(out).expanduser().absolute()
    override = os.environ.get(REPORTS_ENV)
    if override:
        return Path(override).expanduser().absolute()
    return (user_dir() / "reports").absolute()
