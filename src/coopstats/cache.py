"""The frame cache: per-document Arrow files keyed by every input of the parse.

Layout under :func:`coopstats._resources.cache_dir`::

    frames-<environment key>/        # package version and code, every reference table
        <document key>/              # the document's content and settings
            provisions.arrow  tasks.arrow  assignments.arrow  figures.arrow  notes.arrow
            checksums.json           # sha256 of each file, checked on read

- Each frame is an Arrow IPC file, uncompressed. Read back, its buffers are
  turned into the frame's declared dtypes with no decoding step
  (:func:`coopstats.schemas.frame_from_arrow`): a document's frames read
  several times faster than from Parquet, and faster than parsing it again.

- The **environment key** hashes the package version, the package's source
  files and every reference table: the packaged ones and the user's overlay of
  the same name in :func:`coopstats._resources.user_dir` (``agencies.csv``), so
  a user who edits the registry gets frames built with the new names.
- The **document key** hashes the document's content (sha256 of its bytes and
  span) and its :class:`~coopstats.settings.DocumentSettings`.
- A document's folder is written under a temporary name and renamed into place
  in one step, so readers see all of its files or none; a file whose checksum
  does not match is removed and rebuilt, with a warning. Folders of other
  environment keys untouched for a day are pruned when a new one is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import time
import warnings
from collections.abc import Iterator, Mapping
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from coopstats._resources import cache_dir, data_dir, user_dir
from coopstats.errors import CoopstatsWarning

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CacheWarning",
    "building",
    "document_key",
    "environment_key",
    "prune",
    "read_frame",
    "write_frames",
]

logger = logging.getLogger(__name__)

CHECKSUMS = "checksums.json"
SUFFIX = ".arrow"  # a frame's file: an Arrow IPC file
PRUNE_AFTER_SECONDS = 24 * 3600
LOCK_TIMEOUT_SECONDS = 600  # a document parses in well under a second; a stuck holder is an error


class CacheWarning(CoopstatsWarning):
    """A cache file was damaged and is rebuilt."""


def _reference_files() -> list[tuple[str, bytes]]:
    """Every reference table: the package's, then the user's overlay of the same name."""
    out: list[tuple[str, bytes]] = []
    reference = data_dir().joinpath("reference")
    names = sorted(r.name for r in reference.iterdir() if r.name.endswith(".csv"))
    home = user_dir()
    for name in names:
        out.append((f"package/{name}", reference.joinpath(name).read_bytes()))
        overlay = home / name
        if overlay.is_file():
            out.append((f"user/{name}", overlay.read_bytes()))
    return out


@cache
def _package_fingerprint() -> str:
    from coopstats import __version__

    digest = hashlib.sha256(__version__.encode())
    package = Path(str(files("coopstats")))
    for path in sorted(package.rglob("*.py")):  # subpackages (readers/, reports/) included
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def environment_key() -> str:
    """Hash of the package (version, code) and of every reference table, the user's included.

    Examples
    --------
    >>> len(environment_key())
    16
    """
    digest = hashlib.sha256(_package_fingerprint().encode())
    for name, content in _reference_files():
        digest.update(name.encode())
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()[:16]


def document_key(settings: Mapping[str, object], content_sha256: str) -> str:
    """Hash of a document's content and the settings it is parsed with.

    ``settings`` are the values asked for (``"auto"`` included): what a value
    resolves to is a function of the content and the code, both in the keys.

    Examples
    --------
    >>> a = document_key({"doc_id": "d", "lead_rule": "auto"}, "ab")
    >>> a == document_key({"doc_id": "d", "lead_rule": "marker"}, "ab")
    False
    """
    digest = hashlib.sha256(content_sha256.encode())
    digest.update(json.dumps(dict(settings), sort_keys=True, ensure_ascii=False, default=str).encode())
    return digest.hexdigest()[:20]


def _environment_folder(env_key: str) -> Path:
    return cache_dir() / f"frames-{env_key}"


def read_frame(env_key: str, doc_key: str, name: str) -> pd.DataFrame | None:
    """One cached frame of one document, conformed, or ``None`` when absent or damaged (then removed)."""
    folder = _environment_folder(env_key) / doc_key
    try:
        checksums = json.loads((folder / CHECKSUMS).read_text(encoding="utf-8"))
        data = (folder / f"{name}{SUFFIX}").read_bytes()
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        _discard(folder, f"unreadable cache index: {exc}")
        return None
    if hashlib.sha256(data).hexdigest() != checksums.get(name):
        _discard(folder, f"{name}{SUFFIX} does not match its checksum")
        return None
    import pyarrow as pa

    from coopstats.schemas import frame_from_arrow

    try:
        table = pa.ipc.open_file(pa.BufferReader(data)).read_all()
    except Exception as exc:  # pyarrow raises several kinds on damaged files
        _discard(folder, f"{name}{SUFFIX} cannot be read: {exc}")
        return None
    return frame_from_arrow(name, table)


def _discard(folder: Path, why: str) -> None:
    warnings.warn(f"damaged cache {folder} removed and rebuilt ({why})", CacheWarning, stacklevel=3)
    shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def building(env_key: str, doc_key: str) -> Iterator[None]:
    """Hold the lock of one document's cache entry while it is parsed and written.

    Processes that find the entry missing at the same time take turns: the
    first parses and writes, the others find the entry when they get the lock.
    Where no lock file can be made (a read-only cache folder) it runs unlocked.
    """
    from filelock import FileLock

    parent = _environment_folder(env_key)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(parent / f".{doc_key}.lock"), timeout=LOCK_TIMEOUT_SECONDS)
        lock.acquire()
    except OSError as exc:
        logger.warning("building %s without a cache lock: %s", doc_key, exc)
        yield
        return
    try:
        yield
    finally:
        lock.release()


def write_frames(env_key: str, doc_key: str, frames: Mapping[str, pd.DataFrame]) -> None:
    """Write a document's frames, all at once (a folder renamed into place).

    A folder another process wrote first is kept. A cache that cannot be
    written (read-only or full disk) is logged, not raised: the frames are
    still returned to the caller.
    """
    parent = _environment_folder(env_key)
    final = parent / doc_key
    if final.is_dir():
        return
    tmp = parent / f".{doc_key}.{os.getpid()}.{time.monotonic_ns()}.tmp"
    try:
        tmp.mkdir(parents=True)
        checksums: dict[str, str] = {}
        for name, frame in frames.items():
            data = _arrow_file(frame)
            checksums[name] = hashlib.sha256(data).hexdigest()
            _write_synced(tmp / f"{name}{SUFFIX}", data)
        _write_synced(tmp / CHECKSUMS, json.dumps(checksums, indent=1).encode())
        try:
            tmp.rename(final)
        except OSError:
            if not final.is_dir():
                raise
            # another process wrote the same document first: keep its folder
    except OSError as exc:
        logger.warning("could not write the frame cache to %s: %s", final, exc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _arrow_file(frame: pd.DataFrame) -> bytes:
    """A frame as the bytes of an Arrow IPC file (no index, no compression)."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def prune(env_key: str, *, older_than: float = PRUNE_AFTER_SECONDS) -> list[Path]:
    """Remove cache folders of other environment keys not touched for ``older_than`` seconds.

    Also removes temporary folders of killed writers. Returns what was removed.
    """
    root = cache_dir()
    if not root.is_dir():
        return []
    removed: list[Path] = []
    now = time.time()
    for folder in root.glob("frames-*"):
        if folder.name == f"frames-{env_key}" or not folder.is_dir():
            continue
        try:
            stale = now - folder.stat().st_mtime > older_than
        except OSError:
            continue
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    current = _environment_folder(env_key)
    if current.is_dir():
        for tmp in current.glob(".*.tmp"):
            try:
                stale = now - tmp.stat().st_mtime > 3600
            except OSError:
                continue
            if stale:
                shutil.rmtree(tmp, ignore_errors=True)
                removed.append(tmp)
    return removed
