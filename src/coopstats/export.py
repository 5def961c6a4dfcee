"""Writing frames for other tools: Parquet, CSV that Excel opens, Stata 14+ files, datapackage.json.

I/O lives here so that the stages that build frames stay pure.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from coopstats.schemas import FRAMES

if TYPE_CHECKING:
    from coopstats.frames import ParsedDocument

__all__ = ["corpus_frames", "export_frames", "to_stata", "write_data_dictionary", "write_parsed"]

_FRICTIONLESS_TYPES = {
    "string": "string",
    "Int64": "integer",
    "float64": "number",
    "boolean": "boolean",
    "category": "string",
}
STATA_VERSION = 14  # pyreadstat writes dta format 118 (Stata 14+; UTF-8 text) for version 14


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


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    # UTF-8 with BOM: Excel then opens Chinese text in the right script.
    frame.to_csv(path, index=False, encoding="utf-8-sig")


def to_stata(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a frame as a Stata 14+ ``.dta`` file (format 118) that keeps Chinese text.

    Nullable integers become doubles with missing values, categories and
    strings become strings, booleans 0/1.
    """
    import pyreadstat

    out = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(column.dtype):
            out[name] = column.astype("object").where(column.notna(), "").astype(str)
        elif pd.api.types.is_bool_dtype(column.dtype) or pd.api.types.is_numeric_dtype(column.dtype):
            out[name] = column.astype("Float64").astype(float)
        else:
            out[name] = column.astype(str)
    labels = _column_labels(frame.columns)
    pyreadstat.write_dta(out, str(path), version=STATA_VERSION, column_labels=labels)


def _column_labels(columns: Iterable[str]) -> list[str]:
    described = {c.name: c.description for cols in FRAMES.values() for c in cols}
    return [described.get(name, "")[:80] for name in columns]


def export_frames(
    out: str | Path,
    *,
    formats: Iterable[str] = ("csv",),
    frames: dict[str, pd.DataFrame] | None = None,
) -> list[Path]:
    """Write frames in the given formats plus ``datapackage.json``; return the files written.

    Parameters
    ----------
    out : path
        Folder to write to (created if needed).
    formats : iterable of {"csv", "parquet", "dta"}
        File formats.
    frames : dict, optional
        Frames to write; the corpus frames by default.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    frames = corpus_frames() if frames is None else frames
    written: list[Path] = []
    for name, frame in frames.items():
        for fmt in formats:
            path = out / f"{name}.{fmt}"
            if fmt == "csv":
                _write_csv(frame, path)
            elif fmt == "parquet":
                frame.to_parquet(path, index=False)
            elif fmt == "dta":
                to_stata(frame, path)
            else:
                raise ValueError(f"unknown format {fmt!r}: use csv, parquet or dta")
            written.append(path)
    written.append(_write_datapackage(out, frames, tuple(formats)))
    return written


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
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def write_parsed(doc: ParsedDocument, out: str | Path) -> list[Path]:
    """Write the frames of a parsed document as CSV and Parquet into ``out``, with ``meta.json``.

    ``source.txt`` (UTF-8) is the text that was parsed: the frames' ``start``/``end`` index into it.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("provisions", "tasks", "assignments", "figures", "notes"):
        frame = getattr(doc, name)
        _write_csv(frame, out / f"{name}.csv")
        frame.to_parquet(out / f"{name}.parquet", index=False)
        written += [out / f"{name}.csv", out / f"{name}.parquet"]
    meta = out / "meta.json"
    meta.write_text(json.dumps(doc.meta, ensure_ascii=False, indent=2), encoding="utf-8")
    source = out / "source.txt"
    source.write_bytes(doc.source.encode("utf-8"))
    return [*written, meta, source]


def write_data_dictionary(path: str | Path) -> Path:
    """Write the generated data dictionary (Markdown) to ``path``."""
    from coopstats.schemas import data_dictionary

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data_dictionary(), encoding="utf-8")
    return path
