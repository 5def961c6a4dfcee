"""Write the parser's own output for every corpus document and fixture sample as Parquet.

The snapshot is what the parser gave *before* the speed work (issue 19), kept only to prove that the
optimisations change nothing: it is not gold and asserts nothing about being right.

Run from the repository root: ``python tests/snapshots/make_snapshot.py``. It replaces every file
under ``tests/snapshots/`` (``*.parquet``, ``dtypes.json``, ``skipped.json``).
"""

from __future__ import annotations

import io
import json
import os
import pathlib
import tempfile
import warnings

import pandas as pd

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FRAMES = ("provisions", "tasks", "assignments", "figures", "notes", "panel")


def sample_paths() -> list[pathlib.Path]:
    """The fixture files parsed by path: text samples and web pages."""
    fixtures = ROOT / "tests" / "fixtures"
    return sorted(fixtures.glob("samples/*.txt")) + sorted(fixtures.glob("*.html"))


def documents() -> tuple[dict[str, dict[str, pd.DataFrame]], dict[str, str]]:
    """Every frame of every document keyed by ``corpus:<doc_id>`` or ``sample:<file name>``.

    Returns
    -------
    tuple of dict
        The frames, and the samples that raised (file name → error).
    """
    import coopstats as cs
    from coopstats import corpus, frames, panels

    built: dict[str, dict[str, pd.DataFrame]] = {}
    skipped: dict[str, str] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for doc_id in corpus.doc_ids():
            parts = frames.build_document(doc_id)
            row = corpus.entry(doc_id)
            parts["panel"] = panels.observations(
                parts["figures"],
                doc_id=doc_id,
                published=getattr(row, "published", None) or row.issued or None,
                source=corpus.source_text(doc_id),
            )
            built[f"corpus:{doc_id}"] = parts
        for path in sample_paths():
            try:
                doc = cs.parse_document(path)
            except Exception as exc:  # record which samples the parser refuses
                skipped[path.name] = f"{type(exc).__name__}: {exc}"
                continue
            built[f"sample:{path.name}"] = {name: getattr(doc, name) for name in FRAMES}
    return built, skipped


def file_name(key: str, name: str) -> str:
    """The Parquet file of one frame of one document."""
    kind, ident = key.split(":", 1)
    return f"{kind}--{ident.replace('.', '_')}--{name}.parquet"


def to_parquet_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as Parquet bytes (index dropped: every frame has a RangeIndex)."""
    buffer = io.BytesIO()
    frame.reset_index(drop=True).to_parquet(buffer, index=False)
    return buffer.getvalue()


def round_trip(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` written to Parquet and read back, as the snapshot holds it."""
    return pd.read_parquet(io.BytesIO(to_parquet_bytes(frame)))


def dtypes(frame: pd.DataFrame) -> list[list[str]]:
    """Column names and dtypes, in order."""
    return [[str(column), str(dtype)] for column, dtype in frame.dtypes.items()]


def main() -> None:
    os.environ.setdefault("COOPSTATS_HOME", tempfile.mkdtemp(prefix="speed-snapshot-"))
    built, skipped = documents()
    for old in HERE.glob("*.parquet"):
        old.unlink()
    types: dict[str, dict[str, list[list[str]]]] = {}
    for key, parts in built.items():
        types[key] = {}
        for name in FRAMES:
            frame = parts[name]
            (HERE / file_name(key, name)).write_bytes(to_parquet_bytes(frame))
            types[key][name] = dtypes(frame)
    (HERE / "dtypes.json").write_text(json.dumps(types, ensure_ascii=False, indent=1) + "\n")
    (HERE / "skipped.json").write_text(json.dumps(skipped, ensure_ascii=False, indent=1) + "\n")
    print(f"{len(built)} documents, {len(built) * len(FRAMES)} frames; skipped {sorted(skipped)}")


if __name__ == "__main__":
    main()
