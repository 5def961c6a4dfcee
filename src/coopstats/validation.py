"""Checks behind ``coopstats validate``: integrity, schemas, and what the parsers flagged."""

from __future__ import annotations

from typing import Any

__all__ = ["validate_corpus"]


def _finding(
    severity: str, message: str, doc_id: str | None = None, line: int | None = None
) -> dict[str, Any]:
    return {"severity": severity, "doc_id": doc_id, "line": line, "message": message}


def validate_corpus() -> list[dict[str, Any]]:
    """Check the embedded corpus and its frames; return findings (``severity`` error/warning/info).

    - every raw file matches its checksum;
    - every frame conforms to its declared schema;
    - every agency clause is used up by names, separators, role words and 等 (anything left over is an error);
    - agencies the registry does not know (warnings);
    - what the outline parser noted (info).
    """
    from coopstats import corpus, export, frames, schemas
    from coopstats.errors import CorpusIntegrityError

    findings: list[dict[str, Any]] = []
    try:
        corpus.check_integrity()
    except CorpusIntegrityError as exc:
        return [_finding("error", str(exc))]
    for name, frame in export.corpus_frames().items():
        try:
            schemas.validate(name, frame)
        except Exception as exc:  # pandera's SchemaError(s): report, do not crash
            findings.append(_finding("error", f"frame {name} does not conform to its schema: {exc}"))
    findings += _clause_findings(frames.tasks())
    assignments = frames.assignments()
    if len(assignments):
        unknown = assignments[~assignments["known"].astype(bool)]
        for row in unknown.itertuples():
            findings.append(
                _finding("warning", f"agency not in the registry: {row.name} ({row.task_id})", row.doc_id)
            )
    for note in frames.parse_notes().itertuples():
        findings.append(_finding("info", f"{note.kind}: {note.message}", note.doc_id, int(note.line)))
    return findings


def _clause_findings(tasks: Any) -> list[dict[str, Any]]:
    from coopstats.agency_resolution import clause_leftovers

    findings = []
    for task in tasks[tasks["agency_clause"].notna()].itertuples():
        for clause in str(task.agency_clause).split("\n"):
            leftover = clause_leftovers(clause)
            if leftover:
                findings.append(
                    _finding(
                        "error",
                        f"clause {clause!r} leaves {leftover!r} unresolved",
                        task.doc_id,
                        int(task.line),
                    )
                )
    return findings
