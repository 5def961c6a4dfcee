"""Frames stage: tidy pandas frames of the corpus and of any document a user parses.

The corpus frames are the concatenation of per-document frames, each parsed once
from the embedded raw files and cached on disk (:mod:`coopstats.cache`), keyed by
the document's bytes and settings, every reference table (the user's overlay
included) and the package; a fresh process that finds the cache reads it
without parsing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from coopstats import cache as frame_cache
from coopstats import corpus
from coopstats.schemas import Columns, conform
from coopstats.settings import DocumentSettings, check_requested

if TYPE_CHECKING:
    from coopstats.outline import Node, Outline
    from coopstats.readers import ReadDocument

__all__ = [
    "ParsedDocument",
    "assignments",
    "build_corpus",
    "build_document",
    "cache_parsed",
    "documents",
    "figures",
    "panel",
    "parse_document",
    "parse_notes",
    "provisions",
    "source_text",
    "tasks",
]

logger = logging.getLogger(__name__)

_CORPUS_FRAMES = ("provisions", "tasks", "assignments", "figures", "notes")
DocIds = str | Iterable[str] | None


# ---------------------------------------------------------------------------
# Building frames from an outline
# ---------------------------------------------------------------------------


_PROVISION_FIELDS = (
    "node_id", "parent_id", "level", "label", "chapter_no", "section_no", "item_no", "para_no", "heading",
    "text", "line", "start", "end", "annex",
)  # fmt: skip


def _provisions_columns(doc_id: str, outline: Outline) -> Columns:
    nodes = outline.nodes
    columns: dict[str, list[Any]] = {"doc_id": [doc_id] * len(nodes)}
    for name in _PROVISION_FIELDS:
        columns[name] = [getattr(n, name) for n in nodes]
    return Columns("provisions", columns, len(nodes))


def _task_nodes(outline: Outline, source: str = "") -> list[Node]:
    """Lowest numbered units that carry text of their own."""
    out = []
    for node in outline.nodes:
        if node.level in ("item", "subitem"):
            if node.text.strip() or node.cells or any(c.level == "paragraph" for c in node.children):
                out.append(node)  # an item cut off after its number carries no text
        elif node.level == "section":
            # A section with no numbered units below it is the task, even when its one
            # sentence doubles as its heading ("（二）推进深港西部快速轨道交通专题研究。").
            numbered_below = any(child.level in ("item", "subitem") for child in node.children)
            has_paragraphs = any(child.level == "paragraph" for child in node.children)
            if not numbered_below and (node.text.strip() or has_paragraphs):
                out.append(node)
        elif node.level == "chapter" and source and _chapter_is_task(source, node):
            out.append(node)
    return out


def _chapter_is_task(source: str, node: Node) -> bool:
    """A top-level item (一、) with no numbered units below that names its agencies is a task."""
    from coopstats import clauses
    from coopstats.text import TextView

    if any(child.level in ("section", "item", "subitem") for child in node.children):
        return False
    if clauses.trailing_clause(TextView.of(source, node.body_start or node.start, node.end).text):
        return True
    return any(
        child.level == "paragraph" and clauses.field_run(TextView.of(source, child.start, child.end).text)
        for child in node.children
    )


@dataclass
class _Part:
    """One paragraph of a task: its wording, the clause it ends with, where it ends."""

    wording: str
    clause: str | None
    end: int
    layout: str | None = None
    deadline: str | None = None
    field_lines: bool = False  # the clause came from field lines after the wording


_LAYOUTS = {"bracket": "clause", "fields": "fields", "table": "table", "text": "text"}


def _deadline_of(view_text: str, found: Any, source: str, view: Any) -> str | None:
    for fld in found.fields:
        if fld.kind == "deadline" and fld.value_span[0] < fld.value_span[1]:
            a, b = view.source_span(*fld.value_span)
            return source[a:b].strip()
    return None


def _task_parts(source: str, node: Node) -> list[_Part]:
    """The task's own text and its paragraphs, each with the clause that names its agencies."""
    from coopstats import clauses
    from coopstats.text import TextView, clean_wording

    if node.cells:
        return [_table_part(source, node)]
    parts: list[_Part] = []
    pieces = [(node.body_start or node.start, node.end, False)] + [
        (child.start, child.end, True) for child in node.children if child.level == "paragraph"
    ]
    views = []
    for start, end, is_child in pieces:
        view = TextView.of(source, start, end)
        views.append(view)
        if is_child and (run := clauses.field_run(view.text)) is not None:
            a, b = view.source_span(*run.span)
            clause = clean_wording(source, a, b)
            deadline = _deadline_of(view.text, run, source, view)
            if parts and parts[-1].field_lines:
                previous = parts.pop()  # field lines of one task make one clause
                parts.append(
                    _Part(
                        previous.wording,
                        f"{previous.clause}；{clause}",
                        end,
                        "fields",
                        previous.deadline or deadline,
                        True,
                    )
                )
            elif parts and parts[-1].clause is None:
                previous = parts.pop()  # the field lines belong to the paragraph before them
                parts.append(_Part(previous.wording, clause, end, "fields", deadline, True))
            else:
                parts.append(_Part("", clause, end, "fields", deadline, True))
            continue
        found = clauses.trailing_clause(view.text)
        if found is None:
            inline = clauses.inline_fields(view.text)
            if len(inline) == 1:
                _, found = inline[0]
        if found is None:
            parts.append(_Part(clean_wording(source, start, end).replace("**", ""), None, end))
            continue
        open_at, _ = view.source_span(*found.span)
        inner_at, inner_end = view.source_span(*found.inner)
        wording = clean_wording(source, start, open_at).replace("**", "").rstrip()
        parts.append(
            _Part(
                wording,
                clean_wording(source, inner_at, inner_end),
                end,
                _LAYOUTS[found.kind],
                _deadline_of(view.text, found, source, view),
            )
        )
    if not any(part.clause for part in parts):
        view = views[0]  # the task's own text (pieces[0])
        words = clauses.text_clauses(view.text)
        if words and parts:
            texts = [clean_wording(source, *view.source_span(*c.span)) for c in words]
            first = parts[0]
            parts[0] = _Part(first.wording, "\n".join(texts), first.end, "text")
    return parts


def _table_part(source: str, node: Node) -> _Part:
    """A table row: the task cell is its wording; agency, person and deadline cells make its clause."""
    fields = []
    deadline = None
    for cell in node.cells:
        value = re.sub(r"\s+", "", source[cell.start : cell.end])
        if cell.kind == "deadline":
            deadline = value
        elif cell.kind in ("agency", "division") and value:
            fields.append(f"{cell.header}：{value}")
    return _Part(node.text, "；".join(fields) or None, node.end, "table", deadline)


def _document_year(source: str) -> int | None:
    """The document's year: its number (〔2023〕) or its date, for deadlines such as 年内."""
    head = source[:4000]
    match = (
        re.search(r"[〔\[(（](?P<y>(?:19|20)\d{2})[〕\])）]", head)
        or re.search(r"(?P<y>(?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日", head)
        or re.search(r"(?P<y>(?:19|20)\d{2})\s*年", head)
    )
    return int(match["y"]) if match else None


def _task_row(
    doc_id: str,
    task_id: str,
    node: Node,
    chapter: Node | None,
    section: Node | None,
    parts: list[_Part],
    year: int | None,
) -> dict[str, Any]:
    from coopstats.clauses import deadline_date

    task_clauses = [part.clause for part in parts if part.clause]
    layout = next((part.layout for part in parts if part.layout), None)
    deadline = next((part.deadline for part in parts if part.deadline), None)
    return {
        "doc_id": doc_id,
        "task_id": task_id,
        "chapter_no": chapter.chapter_no if chapter else None,
        "chapter_title": (chapter.heading or chapter.text) if chapter and chapter is not node else None,
        "section_no": section.section_no if section else None,
        "section_title": section.heading if section else None,
        "item_no": node.item_no,
        "text": "\n".join(part.wording for part in parts if part.wording),
        "agency_clause": "\n".join(task_clauses) if task_clauses else None,
        "layout": layout,
        "deadline": deadline,
        "deadline_date": deadline_date(deadline, year),
        "line": node.line,
        "start": node.start,
        "end": max(part.end for part in parts),
        "node_id": node.node_id,
        "level": node.level,
    }


def _tasks_columns(doc_id: str, source: str, outline: Outline) -> Columns:
    nodes = outline.by_id()
    year = _document_year(source)
    rows = []
    for node in _task_nodes(outline, source):
        chapter = node if node.level == "chapter" else _ancestor(nodes, node, "chapter")
        section = node if node.level == "section" else _ancestor(nodes, node, "section")
        parts = _task_parts(source, node)
        rows.append(_task_row(doc_id, f"{doc_id}/{node.node_id}", node, chapter, section, parts, year))
    if not rows:
        rows = _inline_field_tasks(doc_id, source, outline, year)
    if not rows:
        return Columns("tasks", {}, 0)
    names = list(rows[0])
    return Columns("tasks", {name: [row[name] for row in rows] for name in names}, len(rows))


def _inline_field_tasks(doc_id: str, source: str, outline: Outline, year: int | None) -> list[dict[str, Any]]:
    """A text without numbered tasks whose paragraphs name agencies in inline fields (部门分工：…)."""
    from coopstats import clauses
    from coopstats.text import TextView, clean_wording

    rows = []
    for node in outline.nodes:
        if node.level not in ("paragraph", "heading"):
            continue
        view = TextView.of(source, node.start, node.end)
        for n, (task_start, found) in enumerate(clauses.inline_fields(view.text), start=1):
            if task_start >= found.span[0]:
                continue
            start, _ = view.source_span(task_start, task_start + 1)
            open_at, close_at = view.source_span(*found.span)
            part = _Part(
                clean_wording(source, start, open_at).strip(),
                clean_wording(source, open_at, close_at),
                close_at,
                "fields",
                _deadline_of(view.text, found, source, view),
            )
            row = _task_row(doc_id, f"{doc_id}/{node.node_id}.f{n}", node, None, None, [part], year)
            row.update(start=start, level="paragraph", item_no=None)
            rows.append(row)
    return rows


def _ancestor(nodes: dict[str, Node], node: Node, level: str) -> Node | None:
    current = nodes.get(node.parent_id) if node.parent_id else None
    while current is not None:
        if current.level == level:
            return current
        current = nodes.get(current.parent_id) if current.parent_id else None
    return None


def _notes_columns(doc_id: str, outline: Outline, extra: list[dict[str, Any]] | None = None) -> Columns:
    notes = outline.notes
    rows = extra or []
    columns = {
        "doc_id": [doc_id] * len(notes) + [row.get("doc_id") for row in rows],
        "line": [n.line for n in notes] + [row.get("line") for row in rows],
        "kind": [n.kind for n in notes] + [row.get("kind") for row in rows],
        "message": [n.message for n in notes] + [row.get("message") for row in rows],
    }
    return Columns("notes", columns, len(notes) + len(rows))


def _themes(provisions: Columns, tasks: Columns) -> tuple[Columns, Columns]:
    """The ``theme`` and ``topics`` of every provision and task."""
    from coopstats.themes import theme_columns

    themed_provisions, themed_tasks = theme_columns(provisions, tasks)
    return provisions.replace(**themed_provisions), tasks.replace(**themed_tasks)


def _assignments(tasks: Columns, lead_rule: str) -> tuple[Columns, Columns, list[dict[str, Any]]]:
    """Assignments; the tasks with their ``flag`` and ``n_agencies``; notes of clauses naming no agency."""
    from coopstats import agency_resolution as agencies

    problems: list[tuple[str, int, str]] = []
    columns = agencies.assignment_columns(
        tasks["doc_id"], tasks["task_id"], tasks["agency_clause"], lead_rule=lead_rule, problems=problems
    )
    assignments = Columns("assignments", columns, len(columns["doc_id"]))
    flags = {task_id: "degenerate-clause" for task_id, _, _ in problems}
    task_ids = tasks["task_id"]
    names: dict[str, set[str]] = {}
    for task_id, name in zip(assignments["task_id"], assignments["name"], strict=True):
        if isinstance(name, str):
            names.setdefault(task_id, set()).add(name)
    tasks = tasks.replace(
        flag=[flags.get(task_id) for task_id in task_ids],
        n_agencies=[
            len(names.get(task_id, ())) if clause is not None else None
            for task_id, clause in zip(task_ids, tasks["agency_clause"], strict=True)
        ],
    )
    lines = dict(zip(task_ids, tasks["line"], strict=True))
    notes = [
        {
            "doc_id": task_id.split("/", 1)[0],
            "line": lines.get(task_id),
            "kind": "degenerate-clause",
            "message": f"task {task_id}, clause {clause_no}: {message}; kept raw in agency_clause",
        }
        for task_id, clause_no, message in problems
    ]
    return assignments, tasks, notes


def _figures(provisions: Columns, source: str, settings: DocumentSettings) -> Columns:
    from coopstats import figure_extraction as figures_stage

    columns, length = figures_stage.document_figure_columns(
        provisions,
        source,
        default_currency=settings.default_currency,
        published=settings.published,
        issuer=settings.issuer,
    )
    return Columns("figures", columns, length)


def _build_document(
    settings: DocumentSettings,
    source: str,
    start: int,
    end: int,
    *,
    path: Any = None,
    read: ReadDocument | None = None,
) -> dict[str, Columns]:
    """The columns of every frame of one document, parsed from ``source[start:end]`` under resolved settings.

    Stages pass plain columns to each other (:class:`~coopstats.schemas.Columns`);
    pandas frames are built from them when read. ``read`` (what a reader gave
    for the file) adds each unit's ``page``, ``table_no`` and ``row_no``.
    """
    from coopstats.outline import parse_outline

    doc_id = settings.doc_id
    outline = parse_outline(source, start, end, path=path)
    provisions, tasks = _themes(_provisions_columns(doc_id, outline), _tasks_columns(doc_id, source, outline))
    assignments, tasks, clause_notes = _assignments(tasks, settings.lead_rule)
    if read is not None and read.positioned:  # else page, table_no and row_no stay missing, as given
        provisions = provisions.replace(**_positions(provisions["start"], read))
        tasks = tasks.replace(**_positions(tasks["start"], read))
    figures = _figures(provisions, source, settings)
    if read is not None:
        figures = _with_table_positions(figures, read)
    return {
        "provisions": provisions,
        "tasks": tasks,
        "assignments": assignments,
        "figures": figures,
        "notes": _notes_columns(doc_id, outline, clause_notes),
    }


# ---------------------------------------------------------------------------
# The corpus, cached per document
# ---------------------------------------------------------------------------


def _requested_settings(row: corpus.DocumentEntry) -> dict[str, str | None]:
    """The settings the manifest asks for (``auto`` unresolved): part of the document's cache key."""
    return {
        "doc_id": row.doc_id,
        "script": row.script or "auto",
        "lead_rule": row.lead_rule or "auto",
        "default_currency": row.default_currency or None,
        "issuer": row.issuer or None,
        # relative period words resolve against the publication date, else the date of issue
        "published": getattr(row, "published", None) or row.issued or None,
    }


@cache
def _settings_of(row: corpus.DocumentEntry) -> DocumentSettings:
    start, end = corpus.span(row.doc_id)
    return DocumentSettings.resolve(corpus.source_text(row.doc_id)[start:end], **_requested_settings(row))


def _corpus_settings(doc_id: str) -> DocumentSettings:
    """The resolved settings of a corpus document (``auto`` read from its text once per process)."""
    return _settings_of(corpus.entry(doc_id))


def _corpus_document_key(row: corpus.DocumentEntry) -> str:
    content = f"{row.sha256}:{row.line_start}-{row.line_end}"
    return frame_cache.document_key(_requested_settings(row), content)


def build_document(doc_id: str) -> dict[str, pd.DataFrame]:
    """Parse one corpus document (no cache): its frames keyed by name."""
    row = corpus.entry(doc_id)
    start, end = corpus.span(doc_id)
    logger.info("parsing %s", doc_id)
    read = corpus.source_reading(doc_id)
    built = _build_document(_corpus_settings(doc_id), read.text, start, end, path=row.source_file, read=read)
    return {name: columns.frame() for name, columns in built.items()}


def build_corpus() -> dict[str, pd.DataFrame]:
    """Parse every corpus document (no cache): frames keyed by name."""
    corpus.check_integrity()
    built: dict[str, list[pd.DataFrame]] = {name: [] for name in _CORPUS_FRAMES}
    for row in corpus.manifest():
        for name, frame in build_document(row.doc_id).items():
            built[name].append(frame)
    return {name: conform(name, pd.concat(parts, ignore_index=True)) for name, parts in built.items()}


def _document_frame(env_key: str, row: corpus.DocumentEntry, doc_key: str, name: str) -> pd.DataFrame:
    """One frame of one corpus document: from the cache, else parsed (and all its frames cached)."""
    cached = frame_cache.read_frame(env_key, doc_key, name)  # conformed
    if cached is not None:
        return cached
    with frame_cache.building(env_key, doc_key):  # one process parses; the others wait, then read
        cached = frame_cache.read_frame(env_key, doc_key, name)
        if cached is not None:
            return cached
        corpus.check_integrity([row.doc_id])
        frames = build_document(row.doc_id)
        frame_cache.write_frames(env_key, doc_key, frames)
    return frames[name]


def cache_parsed(parsed: ParsedDocument) -> None:
    """Put the frames of a document just added to the user's corpus into the cache.

    The frames were parsed from the same bytes under the settings the user
    manifest now records, so the corpus build would give the same frames.
    """
    row = corpus.entry(parsed.settings.doc_id)
    frames = {name: getattr(parsed, name) for name in _CORPUS_FRAMES}
    frame_cache.write_frames(frame_cache.environment_key(), _corpus_document_key(row), frames)


_MEMO: dict[tuple[str, str, tuple[str, ...]], pd.DataFrame] = {}
_PRUNED: set[str] = set()


def _corpus_frame(name: str) -> pd.DataFrame:
    """A corpus frame: the concatenation of each document's cached frame.

    Memoised in this process by the environment key and the documents' keys,
    so a user who edits a reference table (their ``agencies.csv``) or adds a
    document gets new frames in the next call.
    """
    env_key = frame_cache.environment_key()
    rows = corpus.manifest()
    doc_keys = tuple(_corpus_document_key(row) for row in rows)
    memo = _MEMO.get((env_key, name, doc_keys))
    if memo is not None:
        return memo
    frame = _documents_frame(env_key, name, rows, doc_keys)
    _MEMO[(env_key, name, doc_keys)] = frame
    return frame


def _documents_frame(
    env_key: str, name: str, rows: list[corpus.DocumentEntry], doc_keys: tuple[str, ...]
) -> pd.DataFrame:
    """One frame of some corpus documents, in their order, each read from the cache (or parsed)."""
    if env_key not in _PRUNED:  # once per process and environment
        _PRUNED.add(env_key)
        frame_cache.prune(env_key)
    parts = [_document_frame(env_key, row, key, name) for row, key in zip(rows, doc_keys, strict=True)]
    return conform(name, pd.concat(parts, ignore_index=True))


def _select(name: str, doc_id: DocIds) -> pd.DataFrame:
    """A corpus frame, or the rows of the documents asked for, in the order asked.

    Documents asked for by id are read alone (a large user corpus is not read for one
    document), unless this process already holds the whole frame.
    """
    wanted = corpus.select(doc_id)
    if doc_id is None:
        return _corpus_frame(name).copy()
    env_key = frame_cache.environment_key()
    rows = {row.doc_id: row for row in corpus.manifest()}
    keys = {doc: _corpus_document_key(row) for doc, row in rows.items()}
    whole = _MEMO.get((env_key, name, tuple(keys.values())))
    if whole is not None:
        order = {d: i for i, d in enumerate(wanted)}
        out = whole[whole["doc_id"].isin(wanted)]
        out = out.sort_values("doc_id", key=lambda s: s.map(order), kind="stable")
        return out.reset_index(drop=True)
    chosen = list(dict.fromkeys(wanted))
    return _documents_frame(env_key, name, [rows[d] for d in chosen], tuple(keys[d] for d in chosen))


# ---------------------------------------------------------------------------
# Public frames
# ---------------------------------------------------------------------------


def documents() -> pd.DataFrame:
    """The corpus documents and their metadata.

    Returns
    -------
    pandas.DataFrame
        One row per logical document: ``doc_id, title, title_en, issuer,
        doc_number, issued, script, kind, lead_rule, source_file, sha256`` and
        ``line_start, line_end, default_currency, issued_note``. ``lead_rule``
        is the rule in force: the manifest's value, or, where it says ``auto``,
        what the document's own text states.

    Examples
    --------
    >>> docs = documents()
    >>> docs.loc[docs["doc_id"] == "legco-cb-trade-2011", ["script", "kind"]].values.tolist()
    [['hant', 'briefing']]
    """
    rows = []
    for row in corpus.manifest():
        record = {key: getattr(row, key) for key in row.__dataclass_fields__}
        record["lead_rule"] = _corpus_settings(row.doc_id).lead_rule
        rows.append(record)
    return conform("documents", pd.DataFrame(rows))


def source_text(doc_id: str) -> str:
    """The decoded source file that holds ``doc_id``; frame offsets index into it.

    Examples
    --------
    >>> t = tasks("gdhk-keywork-2017").iloc[0]
    >>> source_text("gdhk-keywork-2017")[t.start : t.start + 2]
    '1.'
    """
    return corpus.source_text(doc_id)


def provisions(doc_id: DocIds = None) -> pd.DataFrame:
    """Headings, numbered units and paragraphs in document order.

    Parameters
    ----------
    doc_id : str or list of str, optional
        Documents to return; all when omitted. An unknown id raises
        :class:`~coopstats.errors.UnknownDocumentError`.

    Returns
    -------
    pandas.DataFrame
        ``doc_id, node_id, parent_id, level, label, chapter_no, section_no,
        item_no, para_no, heading, text, line, start, end, annex, theme``.

    See Also
    --------
    tasks : the numbered units that carry text of their own.

    Examples
    --------
    >>> p = provisions("panprd-guidance-2016")
    >>> int((p["level"] == "chapter").sum()), int((p["level"] == "section").sum())
    (10, 35)
    """
    return _select("provisions", doc_id)


def tasks(doc_id: DocIds = None) -> pd.DataFrame:
    """Tasks: the lowest numbered units that carry text of their own.

    An Arabic-numbered item where there is one, otherwise a section with text
    of its own (``item_no`` missing). ``text`` is the task's wording without
    its trailing agency clause(s), which are in ``agency_clause``.

    Parameters
    ----------
    doc_id : str or list of str, optional
        Documents to return; all when omitted.

    Returns
    -------
    pandas.DataFrame
        ``doc_id, task_id, chapter_no, chapter_title, section_no,
        section_title, item_no, text, agency_clause, line, start, end, theme,
        n_agencies, node_id, level``.

    Examples
    --------
    >>> t = tasks("gdhk-keywork-2017")
    >>> len(t), int(t["item_no"].min()), int(t["item_no"].max())
    (77, 1, 77)
    >>> t.iloc[0]["agency_clause"]
    '省发展改革委、公安厅、交通运输厅、口岸办，珠海市政府，海关广东分署，珠海边检总站，珠海出入境检验检疫局'
    """
    return _select("tasks", doc_id)


def assignments(doc_id: DocIds = None) -> pd.DataFrame:
    """One row per task × clause × agency, with the agency's role.

    Returns
    -------
    pandas.DataFrame
        ``doc_id, task_id, clause_no, position, name, agency_id, name_en,
        level, role, raw_clause, known``.
    """
    return _select("assignments", doc_id)


def figures(doc_id: DocIds = None) -> pd.DataFrame:
    """Numeric mentions (amounts, counts, shares, growth rates …) in the documents.

    Returns
    -------
    pandas.DataFrame
        ``doc_id, para_no, start, end, surface, value, unit, measure, period,
        approx, subject, sentence`` and extras.
    """
    return _select("figures", doc_id)


def parse_notes(doc_id: DocIds = None) -> pd.DataFrame:
    """What the parser repaired, skipped or found missing, by document and line.

    Examples
    --------
    >>> n = parse_notes("panprd-gd-opinions-2017")
    >>> n.loc[n["kind"] == "missing-section", "line"].tolist()
    [10]
    """
    return _select("notes", doc_id)


def panel(doc_id: DocIds = None) -> pd.DataFrame:
    """Observations of named indicators across the corpus (and your own documents), long format.

    Parameters
    ----------
    doc_id : str or list of str, optional
        Documents to read (default: all of them).

    Returns
    -------
    pandas.DataFrame
        ``indicator, reporter, partner, via, flow, measure, unit, period,
        period_start, period_end, period_kind, status, value, approx, low, high,
        doc_id, published, quote, line, start, end, conflict`` (and
        ``label_en, surface, table_no, column``); ``cs.source_text(doc_id)[start:end]``
        is the value as printed.

    Examples
    --------
    >>> p = panel("legco-cb-trade-2011")
    >>> row = p[(p["indicator"] == "trade") & (p["reporter"] == "CN-GD")].iloc[0]
    >>> row["reporter"], row["partner"], row["period"], float(row["value"])
    ('CN-GD', 'HKG', '2010', 1233400000000.0)
    """
    from coopstats.panels import combine, observations

    docs = documents()
    if doc_id is not None:
        wanted = [doc_id] if isinstance(doc_id, str) else list(doc_id)
        docs = docs[docs["doc_id"].isin(wanted)]
    parts = []
    for entry in docs.to_dict("records"):
        doc = str(entry["doc_id"])
        published = entry.get("published") or entry.get("issued")
        parts.append(
            observations(
                figures(doc),
                doc_id=doc,
                published=None if pd.isna(published) else str(published),
                source=source_text(doc),
            )
        )
    return combine(parts)


# ---------------------------------------------------------------------------
# Any document of the genre
# ---------------------------------------------------------------------------


class _Frame:
    """A frame of a :class:`ParsedDocument`: held as :class:`~coopstats.schemas.Columns` until first read.

    The pandas frame is built on first access and kept; a document whose
    figures are never read never builds its figures frame.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, document: ParsedDocument | None, owner: type | None = None) -> Any:
        if document is None:
            return self
        held = document._frames[self.name]
        if isinstance(held, Columns):
            held = document._frames[self.name] = held.frame()
        return held


FrameData = pd.DataFrame | Columns


class ParsedDocument:
    """A document parsed into frames.

    Attributes
    ----------
    meta : dict
        ``doc_id, title, script, kind, lead_rule, default_currency, issuer,
        published, format, encoding, path, sha256``; ``format`` is ``text``,
        ``html``, ``docx`` or ``pdf``.
    settings : DocumentSettings
        The resolved settings the document was parsed with.
    source : str
        The text that was parsed (a file's decoded text, the main text of a web
        page, a Word or PDF document's text as its reader gave it); every
        offset in the frames indexes into it.
    provisions, tasks, assignments, figures, notes : pandas.DataFrame
        As :func:`coopstats.provisions` and friends; each is built when first
        read (the parser hands over plain columns).
    """

    provisions = _Frame()
    tasks = _Frame()
    assignments = _Frame()
    figures = _Frame()
    notes = _Frame()

    def __init__(
        self,
        meta: dict[str, Any],
        settings: DocumentSettings,
        source: str,
        *,
        provisions: FrameData,
        tasks: FrameData,
        assignments: FrameData,
        figures: FrameData,
        notes: FrameData,
    ) -> None:
        self.meta = meta
        self.settings = settings
        self.source = source
        self._frames: dict[str, FrameData] = {
            "provisions": provisions,
            "tasks": tasks,
            "assignments": assignments,
            "figures": figures,
            "notes": notes,
        }

    def __repr__(self) -> str:
        return f"ParsedDocument(meta={self.meta!r})"

    def replace(self, **frames: FrameData) -> ParsedDocument:
        """The same document with some frames given anew (the others shared).

        Examples
        --------
        >>> doc = parse_document("一、合作机制\\n1. 完善联席会议机制。（省港澳办牵头）")
        >>> doc.replace(tasks=doc.tasks.head(0)).tasks.shape[0], len(doc.tasks)
        (0, 1)
        """
        unknown = set(frames) - set(self._frames)
        if unknown:
            raise TypeError(f"not frames of a parsed document: {sorted(unknown)}")
        return ParsedDocument(self.meta, self.settings, self.source, **{**self._frames, **frames})

    def _repr_html_(self) -> str:
        """A notebook's view: the document's meta and the number of rows of each frame (escaped).

        Examples
        --------
        >>> doc = parse_document("关于示例的重点工作\\n一、基础设施\\n1．建设通道。（省交通运输厅）\\n")
        >>> page = doc._repr_html_()
        >>> "<th>tasks</th><td>1</td>" in page, "Parsed document" in page
        (True, True)
        """
        import html

        from coopstats.messages import t

        meta = "".join(
            f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
            for k, v in self.meta.items()
            if v is not None and k != "sha256"
        )
        counts = "".join(
            f"<tr><th>{name}</th><td>{len(held)}</td></tr>" for name, held in self._frames.items()
        )
        title = html.escape(str(self.meta.get("title") or self.meta.get("doc_id") or ""))
        return (
            f"<div><strong>{t('repr.document')}</strong>: {title}"
            f"<table>{meta}</table>"
            f"<table><thead><tr><th>{t('repr.frame')}</th><th>{t('repr.rows')}</th></tr></thead>"
            f"{counts}</table></div>"
        )

    @property
    def panel(self) -> pd.DataFrame:
        """Observations of named indicators in this document (see :func:`coopstats.panel`).

        Examples
        --------
        >>> doc = parse_document("1. 2023年全省进出口总额8.3万亿元。", issuer="广东省统计局",
        ...     published="2024-01")
        >>> doc.panel[["indicator", "reporter", "period", "surface", "published"]].values.tolist()
        [['trade', 'CN-GD', '2023', '8.3万亿元', '2024-01']]
        """
        from coopstats.panels import observations

        return observations(
            self.figures,
            doc_id=str(self.meta["doc_id"]),
            published=None if self.settings.published is None else str(self.settings.published),
            source=self.source,
        )

    @classmethod
    def from_path(
        cls,
        path: str | os.PathLike[str],
        *,
        doc_id: str | None = None,
        encoding: str = "auto",
        encoding_errors: str = "strict",
        max_bytes: int | None = None,
        **settings: Any,
    ) -> ParsedDocument:
        """Parse a file (text, web page, Word or PDF, told by content); settings as :func:`parse_document`.

        Only regular files are read (never a FIFO or a device), at most
        ``max_bytes`` (``$COOPSTATS_MAX_BYTES``, 50 MB by default).
        """
        from coopstats.readers import read_file

        path = Path(path)
        data = read_file(path, max_bytes=max_bytes)
        return cls.from_bytes(
            data,
            doc_id=doc_id or path.stem,
            encoding=encoding,
            encoding_errors=encoding_errors,
            max_bytes=max_bytes,
            path=path,
            **settings,
        )

    @classmethod
    def from_bytes(
        cls,
        data: bytes,
        *,
        doc_id: str | None = None,
        encoding: str = "auto",
        encoding_errors: str = "strict",
        max_bytes: int | None = None,
        path: str | os.PathLike[str] | None = None,
        **settings: Any,
    ) -> ParsedDocument:
        """Parse raw bytes of any format :func:`coopstats.readers.read_document` reads.

        ``settings`` as :func:`parse_document`.
        """
        from coopstats.readers import read_document

        read = read_document(
            data, path=path, encoding=encoding, encoding_errors=encoding_errors, max_bytes=max_bytes
        )
        return cls.from_text(
            read.text,
            doc_id=doc_id,
            path=path,
            _read=read,
            _sha256=hashlib.sha256(data).hexdigest(),
            **settings,
        )

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        doc_id: str | None = None,
        path: str | os.PathLike[str] | None = None,
        _read: ReadDocument | None = None,
        _sha256: str | None = None,
        **settings: Any,
    ) -> ParsedDocument:
        """Parse text already decoded; ``settings`` as :func:`parse_document`."""
        from coopstats.errors import ParseError
        from coopstats.text import normalize_newlines

        requested = check_requested(settings)
        source, surrogates = _without_lone_surrogates(normalize_newlines(text), path)
        if not source.strip():
            raise ParseError("the text is empty", path=path, line=1, expected="a document of the genre")
        resolved = DocumentSettings.resolve(
            source, doc_id=doc_id or "document", encoding=_read.encoding if _read else None, **requested
        )
        # a bare 元 takes the issuer's currency, else default_currency: never one guessed from the script
        frames = _build_document(resolved, source, 0, len(source), path=path, read=_read)
        frames["notes"] = _with_reading_notes(frames["notes"], resolved.doc_id, source, _read, surrogates)
        clauses = frames["tasks"]["agency_clause"]
        if any(clause is not None for clause in clauses):
            kind = "task-list"
        elif clauses:
            kind = "policy"
        else:
            kind = "briefing"
        meta = {
            "doc_id": resolved.doc_id,
            "title": _title(frames["provisions"]),
            "script": resolved.script,
            "kind": kind,
            "lead_rule": resolved.lead_rule,
            "default_currency": resolved.default_currency,
            "issuer": resolved.issuer,
            "published": resolved.published,
            "format": _read.format if _read is not None else "text",
            "encoding": resolved.encoding,
            "path": None if path is None else str(path),
            "sha256": _sha256 or hashlib.sha256(source.encode("utf-8")).hexdigest(),
        }
        return cls(meta=meta, settings=resolved, source=source, **frames)


def _without_lone_surrogates(text: str, path: str | os.PathLike[str] | None) -> tuple[str, int]:
    """``text`` with lone surrogates (not text: U+D800–U+DFFF) replaced by U+FFFD, with a warning."""
    import re
    import warnings

    from coopstats.errors import DecodingWarning

    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text, count = re.subn("[\ud800-\udfff]", "\ufffd", text)
        where = f"{path}: " if path is not None else ""
        warnings.warn(
            f"{where}{count} lone surrogate(s) (U+D800–U+DFFF, not characters) replaced by U+FFFD",
            DecodingWarning,
            stacklevel=4,
        )
        return text, count
    return text, 0


def _with_reading_notes(
    notes: Columns, doc_id: str, source: str, read: ReadDocument | None, surrogates: int
) -> Columns:
    """Notes of what reading the text replaced or guessed: bad bytes (with offsets), surrogates."""
    rows = []
    replaced = read.replaced if read is not None else ()
    if replaced or surrogates:
        marks = [i for i, ch in enumerate(source) if ch == "\ufffd"]
        lines = [source.count("\n", 0, i) + 1 for i in marks]
        if replaced:
            for k, offset in enumerate(replaced):
                line = lines[k] if len(lines) == len(replaced) else None
                rows.append([doc_id, line, "replaced-bytes", f"undecodable byte(s) at byte offset {offset}"])
        else:
            rows.append(
                [
                    doc_id,
                    lines[0] if lines else None,
                    "replaced-surrogates",
                    f"{surrogates} lone surrogate(s) replaced by U+FFFD",
                ]
            )
    if read is not None and read.encoding_guessed:
        rows.append(
            [doc_id, None, "guessed-encoding", f"too short to be sure of the encoding ({read.encoding})"]
        )
    if not rows:
        return notes
    names = ("doc_id", "line", "kind", "message")
    return Columns(
        "notes",
        {name: notes[name] + [row[k] for row in rows] for k, name in enumerate(names)},
        len(notes) + len(rows),
    )


def _positions(starts: list[Any], read: ReadDocument) -> dict[str, list[int | None]]:
    """``page``, ``table_no`` and ``row_no`` of each offset, from the reader's blocks."""
    if not read.positioned:  # a text file: no offset has a page, table or row
        return {column: [None] * len(starts) for column in ("page", "table_no", "row_no")}
    positions = read.locate(starts)
    return {column: [getattr(p, column) for p in positions] for column in ("page", "table_no", "row_no")}


def _with_table_positions(figures: Columns, read: ReadDocument) -> Columns:
    """A figure in a reader's table (HTML, Word) takes the reader's ``table_no`` and ``row_no``."""
    if not read.positioned:  # no table of the reader's: the figures keep their own
        return figures
    given = _positions(figures["start"], read)
    return figures.replace(
        **{
            column: [
                own if theirs is None else theirs
                for theirs, own in zip(given[column], figures[column], strict=True)
            ]
            for column in ("table_no", "row_no")
        }
    )


# A document title names its kind at the end: 通知, 意见, 重点工作, 行动计划 …
_TITLE_ENDING = re.compile(
    r"(?:通知|意见|意見|决定|決定|方案|计划|計劃|规划|規劃|纲要|綱要|办法|辦法|规定|規定|工作|协议|協議|"
    r"安排|报告|報告|指引|指南|措施|条例|條例|事宜|情况|情況)(?:\s*[(（][^)）]*[)）])?$"
)


def _title(provisions: Columns) -> str | None:
    """The title: the first front-matter heading that names a kind of document, else the longest.

    A title broken over two lines after a connective (…商貿關係及 / 粵港合作…) is joined.
    """
    from coopstats.text import normalize

    lines: list[str] = []
    for level, chapter_no, text in zip(
        provisions["level"], provisions["chapter_no"], provisions["text"], strict=True
    ):
        if level != "heading" or chapter_no is not None or not isinstance(text, str):
            continue  # front matter: headings before the first chapter
        if lines and normalize(lines[-1])[-1:] in "及和與与的":
            lines[-1] += text
        else:
            lines.append(text)
    if not lines:
        return None
    for text in lines:
        if _TITLE_ENDING.search(normalize(text)):
            return text
    return max(lines, key=len)


def _refuse_a_file_name(text: str) -> None:
    """A one-line str naming an existing file is a mistake: a str is always text."""
    from coopstats.errors import ParseError

    candidate = text.strip()
    if not candidate or "\n" in candidate or len(candidate) > 4096:
        return
    try:
        is_file = Path(candidate).expanduser().is_file()
    except (OSError, ValueError):
        return
    if is_file:
        raise ParseError(
            f"a str is text; pass pathlib.Path({candidate!r}) to read the file",
            expected="the text of a document, or a pathlib.Path to its file",
        )


def parse_document(
    source: str | bytes | os.PathLike[str],
    *,
    doc_id: str | None = None,
    lead_rule: str = "auto",
    script: str = "auto",
    encoding: str = "auto",
    default_currency: str | None = None,
    issuer: str | None = None,
    published: str | None = None,
    encoding_errors: str = "strict",
    max_bytes: int | None = None,
) -> ParsedDocument:
    """Parse any document of the genre into frames.

    Parameters
    ----------
    source : path-like, bytes or str
        A file (``pathlib.Path`` or another ``os.PathLike``), raw bytes, or the
        text itself. A ``str`` is always text, never taken for a path: pass
        ``pathlib.Path("file.txt")`` for a file.
    doc_id : str, optional
        Identifier used in the frames (default: the file's stem, or ``"document"``).
    lead_rule : {"auto", "marker", "first-listed", "none"}
        How lead agencies are marked; ``"auto"`` reads the document's own
        statement (e.g. 列在任务分工首位的为牵头单位) and otherwise uses ``"marker"``.
    script : {"auto", "hans", "hant"}
        Script of the text; detected by default.
    encoding : str
        Codec of a file or bytes; ``"auto"`` detects UTF-8 (with or without
        BOM), UTF-16, GB18030 and Big5.
    default_currency : str, optional
        ISO code of the currency of a bare 元 (a code of the vocabulary).
    issuer : str, optional
        The issuing body, as written.
    published : str, optional
        Publication date, ISO 8601 as precise as known.
    encoding_errors : {"strict", "replace"}, default "strict"
        Bytes invalid in the text's encoding: refused (the error names the
        first one's byte offset) or replaced by U+FFFD, each with a
        ``replaced-bytes`` note carrying its byte offset.
    max_bytes : int, optional
        Largest file or bytes read (default ``$COOPSTATS_MAX_BYTES`` or 50 MB).

    Returns
    -------
    ParsedDocument
        ``.meta``, ``.settings``, ``.provisions``, ``.tasks``, ``.assignments``,
        ``.figures``, ``.notes``.

    Raises
    ------
    coopstats.errors.ParseError
        Empty, binary or undecodable text, a file that does not exist, or a
        one-line ``str`` naming an existing file (a ``str`` is text: pass a
        ``pathlib.Path``). A text with no numbered structure is parsed (its
        paragraphs, no tasks), not refused.
    ValueError
        A setting outside its choices.

    Examples
    --------
    >>> doc = parse_document("一、合作机制\\n1. 完善联席会议机制。（省港澳办牵头，省商务厅等按职责分工负责）")
    >>> doc.tasks[["item_no", "text"]].values.tolist()
    [[1, '完善联席会议机制。']]
    >>> doc.tasks["agency_clause"].iloc[0]
    '省港澳办牵头，省商务厅等按职责分工负责'
    >>> doc.settings.lead_rule
    'marker'
    """
    settings: dict[str, Any] = {
        "lead_rule": lead_rule,
        "script": script,
        "default_currency": default_currency,
        "issuer": issuer,
        "published": published,
    }
    reading: dict[str, Any] = {
        "encoding": encoding,
        "encoding_errors": encoding_errors,
        "max_bytes": max_bytes,
    }
    if isinstance(source, (bytes, bytearray)):
        return ParsedDocument.from_bytes(bytes(source), doc_id=doc_id, **reading, **settings)
    if isinstance(source, str):
        _refuse_a_file_name(source)
        return ParsedDocument.from_text(source, doc_id=doc_id, **settings)
    if isinstance(source, os.PathLike):
        return ParsedDocument.from_path(source, doc_id=doc_id, **reading, **settings)
    raise TypeError(f"source must be a path, bytes or str, not {type(source).__name__}")
