"""Clauses stage: where a task's agencies are written (``genre.md`` §1), as spans.

A task of the genre names its agencies in one of these shapes, and this module
is the only one that knows them:

- a **bracket clause** closing the task, ``（省发展改革委牵头，省财政厅等按职责分工负责）``,
  ``〔…〕``, ``【…】``, with or without **labelled fields** inside
  (``（牵头单位：市经贸委；配合单位：市发改委）``);
- **field lines** after the task, or inline fields (``牵头单位：区发改局`` /
  ``部门分工：X牵头，Y配合。``);
- **table cells** under a header naming 序号 / 工作任务 / 牵头单位 / 完成时限 …;
- **words in the task text**: ``由X负责``, ``X会同Y``, ``X牵头会同Y``.

Every function returns offsets into the text it was given (frozen dataclasses),
never copies of it: the outline and frames stages map them back to the source.
A *label* is a phrase ending in 单位/部门/机构 (or one of the declared field
labels: 完成时限, 责任领导, 部门分工 …) right before a colon; its role comes from
the words in it. The vocabulary (role words, label endings, brackets, field
labels) is declared in ``data/reference/vocabulary.csv``.

Examples
--------
>>> clause = trailing_clause("推进口岸通关便利化。(牵头单位:省商务厅;配合单位:省财政厅)")
>>> clause.kind, [(f.kind, f.role) for f in clause.fields]
('bracket', [('agency', 'lead'), ('agency', 'co')])
"""

from __future__ import annotations

import bisect
import calendar
import operator
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from coopstats import vocabulary
from coopstats.text import to_simplified

__all__ = [
    "Cell",
    "Clause",
    "Field",
    "Table",
    "TableRow",
    "bracket_balance",
    "bracket_characters",
    "clause_fields",
    "deadline_date",
    "field_run",
    "first_listed_statements",
    "inline_fields",
    "is_closer",
    "is_opener",
    "read_table",
    "split_agency_clause",
    "text_clauses",
    "trailing_clause",
]


@dataclass(frozen=True)
class Field:
    """One field of a clause: an optional label and the value it stands over.

    Attributes
    ----------
    kind : str
        ``agency`` (names), ``division`` (names whose roles come from their
        words, 部门分工), ``person``, ``scope``, ``note``, ``deadline``,
        ``measures``, ``task``, ``number``.
    label : str or None
        The label as printed in the text given (without its colon).
    role : str or None
        The role the label gives its names (``lead``, ``co``, ``responsible``,
        ``listed``), ``None`` when the names' own words decide.
    label_span : tuple of int or None
        ``(start, end)`` of the label and its colon.
    value_span : tuple of int
        ``(start, end)`` of the value.
    """

    kind: str
    label: str | None
    role: str | None
    label_span: tuple[int, int] | None
    value_span: tuple[int, int]


@dataclass(frozen=True)
class Clause:
    """Where a task names its agencies.

    Attributes
    ----------
    kind : str
        ``bracket`` (a closing bracket clause), ``fields`` (labelled lines or
        inline fields), ``table`` (cells of a table row) or ``text`` (words of
        the task).
    span : tuple of int
        Outer span: the brackets included.
    inner : tuple of int
        Inner span: what the clause says.
    fields : tuple of Field
        Its fields, in order (a clause without labels has one unlabelled field).
    """

    kind: str
    span: tuple[int, int]
    inner: tuple[int, int]
    fields: tuple[Field, ...]


# ---------------------------------------------------------------------------
# Brackets
# ---------------------------------------------------------------------------

# Brackets that are never agency clauses but must balance for a sentence to end: quotes, titles.
_QUOTE_BRACKETS = {"《": "》", "「": "」", "『": "』", "〈": "〉", "{": "}"}


@cache
def _clause_brackets() -> dict[str, str]:
    return vocabulary.brackets()


@cache
def _all_brackets() -> tuple[frozenset[str], frozenset[str]]:
    pairs = {**_clause_brackets(), **_QUOTE_BRACKETS}
    return frozenset(pairs), frozenset(pairs.values())


def bracket_balance(text: str) -> int:
    """Open brackets minus closed brackets, all kinds together.

    Examples
    --------
    >>> bracket_balance("推进(省商务厅、《规划》"), bracket_balance("(甲)")
    (1, 0)
    """
    pattern, depth = _bracket_counter()
    found = pattern.findall(text)
    return sum(map(depth.__getitem__, found)) if found else 0


@cache
def _bracket_counter() -> tuple[re.Pattern[str], dict[str, int]]:
    """One character class of every bracket (a count is one regex pass) and what each adds to the depth."""
    openers, closers = _all_brackets()
    pattern = re.compile("[" + re.escape("".join(sorted(openers | closers))) + "]")
    return pattern, {ch: (ch in openers) - (ch in closers) for ch in openers | closers}


def bracket_characters() -> tuple[frozenset[str], frozenset[str]]:
    """Every opening and every closing bracket (agency clause brackets, quotes, titles).

    Examples
    --------
    >>> openers, closers = bracket_characters()
    >>> "（" in openers, "》" in closers
    (True, True)
    """
    return _all_brackets()


def is_opener(ch: str) -> bool:
    """Whether ``ch`` opens a bracket.

    Examples
    --------
    >>> is_opener("("), is_opener("《"), is_opener(")")
    (True, True, False)
    """
    return ch in _all_brackets()[0]


def is_closer(ch: str) -> bool:
    """Whether ``ch`` closes a bracket.

    Examples
    --------
    >>> is_closer(")"), is_closer("〕"), is_closer("。")
    (True, True, False)
    """
    return ch in _all_brackets()[1]


@cache
def _trailing_patterns() -> dict[str, tuple[re.Pattern[str], ...]]:
    """The pattern of a clause in each kind of bracket, by its closer (in the vocabulary's order)."""
    patterns: dict[str, list[re.Pattern[str]]] = {}
    for opener, closer in _clause_brackets().items():
        o, c = re.escape(opener), re.escape(closer)
        not_either = f"[^{o}{c}]"
        patterns.setdefault(closer, []).append(
            re.compile(rf"{o}(?P<inner>{not_either}*(?:{o}{not_either}*{c}{not_either}*)*){c}\s*$")
        )
    return {closer: tuple(found) for closer, found in patterns.items()}


# Parentheticals that are never agency clauses.
_NOT_A_CLAUSE = re.compile(
    r"^\s*(?:以下简称|以下簡稱|以下称|以下稱|下同|此件|注|註|略|摘要|[\d\s\-–—~～/.,、年月日]*)\s*"
)
_SENTENCE_END = "。！？；!?;"
_NOT_A_CLAUSE_START = ("以下", "下同", "此件")  # (以下简称…), (下同), (此件…): never a clause


def split_agency_clause(norm: str) -> tuple[int, int] | None:
    """Span ``(open, close)`` of a trailing bracket clause in normalised paragraph text.

    The clause is the bracketed text that ends the paragraph right after a
    sentence (``…通行政策。（省发展改革委、公安厅）``); the span covers the
    brackets. ``None`` when the paragraph has no such clause.

    Examples
    --------
    >>> from coopstats.text import normalize
    >>> text = normalize("加快协商通行政策。（省发展改革委、公安厅）")
    >>> span = split_agency_clause(text)
    >>> text[span[0] : span[1]]
    '(省发展改革委、公安厅)'
    >>> split_agency_clause(normalize("关于安排(以下简称CEPA)")) is None
    True
    >>> split_agency_clause("推进试点。〔责任单位:省科技厅〕")
    (5, 16)
    """
    # a clause closes the text: only the brackets its last character closes can hold it
    stripped = norm.rstrip()
    if not stripped:
        return None
    for pattern in _trailing_patterns().get(stripped[-1], ()):
        match = pattern.search(norm)
        if match is None:
            continue
        inner = match["inner"]
        before = norm[: match.start()].rstrip()
        if not inner.strip() or _NOT_A_CLAUSE.fullmatch(inner) or inner.startswith(_NOT_A_CLAUSE_START):
            return None
        if "。" in inner and not _labels(to_simplified(inner)):
            return None
        if before and before[-1] not in _SENTENCE_END:
            return None
        return match.start(), match.end()
    return None


def trailing_clause(norm: str) -> Clause | None:
    """The bracket clause closing a task, with its fields.

    Examples
    --------
    >>> c = trailing_clause("完善机制。(省港澳办牵头,省商务厅等按职责分工负责)")
    >>> c.span, c.inner, len(c.fields)
    ((5, 26), (6, 25), 1)
    """
    span = split_agency_clause(norm)
    if span is None:
        return None
    inner = (span[0] + 1, span[1] - 1)
    return Clause("bracket", span, inner, clause_fields(norm, *inner))


# ---------------------------------------------------------------------------
# Labels and fields
# ---------------------------------------------------------------------------

_FIELD_BOUNDARY = "；;，,。、 \t\u3000(（〔【[|│\n"


@cache
def _label_pattern() -> re.Pattern[str]:
    # An agency label names its kind before its ending (牵头单位, 责任部门): a bare 单位： is a unit line
    # (单位：亿元), not a label. Field labels (备注, 完成时限 …) stand alone.
    endings = vocabulary.alternation(vocabulary.label_endings())
    fields = vocabulary.alternation(vocabulary.field_labels())
    return re.compile(
        rf"(?P<label>[\u4e00-\u9fff]{{0,6}}?(?:{fields})|[\u4e00-\u9fff]{{1,6}}?(?:{endings}))\s*[:：]"
    )


@lru_cache(maxsize=4096)
def _label_kind(label: str) -> tuple[str, str | None]:
    """(kind, role) of a label, from its words (simplified script)."""
    persons = [f for f, kind in vocabulary.field_labels().items() if kind == "person"]
    if any(form in label for form in persons):
        return "person", None
    for form, kind in vocabulary.field_labels().items():
        if label.endswith(form) and kind != "person":
            return kind, None
    for form, role in vocabulary.label_roles().items():
        if form in label:
            return "agency", role
    return "agency", None


@cache
def _label_after_boundary() -> re.Pattern[str]:
    """A label right after a field boundary (the first label of a stretch may stand at its start)."""
    return re.compile(rf"(?<=[{re.escape(_FIELD_BOUNDARY)}])(?:{_label_pattern().pattern})")


def _labels(simp: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """Labels ``(start, end_after_colon, label)`` in ``simp[start:end]`` that start a field.

    A label stands at ``start`` or right after a field boundary; the search goes on after
    each label's colon.
    """
    end = len(simp) if end is None else end
    # every label ends with a colon, which script conversion leaves where it is
    if start >= end or (simp.find(":", start, end) == -1 and simp.find("：", start, end) == -1):
        return []
    found: list[tuple[int, int, str]] = []
    position = start + 1
    if (first := _label_pattern().match(simp, start, end)) is not None:
        found.append((start, first.end(), first["label"]))
        position = first.end()
    found.extend(
        (match.start(), match.end(), match["label"])
        for match in _label_after_boundary().finditer(simp, position, end)
    )
    return found


_STRIP = "；;，,。 \t\u3000|│"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _STRIP:
        start += 1
    while end > start and text[end - 1] in _STRIP:
        end -= 1
    return start, end


@cache
def _deadline_phrase() -> re.Pattern[str]:
    words = vocabulary.alternation(vocabulary.time_words())
    return re.compile(rf"^(?:(?:{words})|\d{{4}}年|\d{{1,2}}月(?:底|前|内|份)?)[^、]{{0,14}}$")


def _split_tail(text: str, simp: str, start: int, end: int) -> list[Field]:
    """An unlabelled stretch of names: a note after a 。 and a closing time phrase are split off."""
    fields: list[Field] = []
    note: Field | None = None
    stop = simp.find("。", start, end)
    if stop != -1 and _trim(simp, stop + 1, end)[0] < _trim(simp, stop + 1, end)[1]:
        note = Field("note", None, None, None, _trim(simp, stop + 1, end))
        end = stop
    last_group = max(simp.rfind(sep, start, end) for sep in "，,；;")
    deadline: Field | None = None
    if last_group != -1:
        a, b = _trim(simp, last_group + 1, end)
        if a < b and _deadline_phrase().match(simp[a:b]):
            deadline = Field("deadline", None, None, None, (a, b))
            end = last_group
    a, b = _trim(simp, start, end)
    if a < b:
        fields.append(Field("agency", None, None, None, (a, b)))
    fields.extend(f for f in (deadline, note) if f is not None)
    return fields


def clause_fields(text: str, start: int = 0, end: int | None = None) -> tuple[Field, ...]:
    """The fields of a clause (or of a run of field lines) in ``text[start:end]``.

    A field runs to the next label; text before the first label is an
    unlabelled field. In a field of names, a note after a ``。`` and a time
    phrase closing it (``…负责，年内完成``) are fields of their own.

    Examples
    --------
    >>> t = "牵头单位:市经贸委;配合单位:市发改委、规划局"
    >>> [(f.label, f.role, t[slice(*f.value_span)]) for f in clause_fields(t)]
    [('牵头单位', 'lead', '市经贸委'), ('配合单位', 'co', '市发改委、规划局')]
    >>> t = "国务院各部门分别负责,年内持续推进"
    >>> [(f.kind, t[slice(*f.value_span)]) for f in clause_fields(t)]
    [('agency', '国务院各部门分别负责'), ('deadline', '年内持续推进')]
    >>> t = "责任领导:叶林 责任单位:改革办"
    >>> [(f.kind, f.role) for f in clause_fields(t)]
    [('person', None), ('agency', 'listed')]
    """
    end = len(text) if end is None else end
    simp = to_simplified(text)
    labels = _labels(simp, start, end)
    fields: list[Field] = []
    first = labels[0][0] if labels else end
    if _trim(simp, start, first)[0] < _trim(simp, start, first)[1]:
        fields.extend(_split_tail(text, simp, start, first))
    for n, (label_start, label_end, label) in enumerate(labels):
        value_end = labels[n + 1][0] if n + 1 < len(labels) else end
        kind, role = _label_kind(label)
        value = _trim(simp, label_end, value_end)
        if kind in ("agency", "division"):
            parts = _split_tail(text, simp, *value)
            head = parts[0] if parts and parts[0].kind == "agency" else None
            fields.append(
                Field(
                    kind,
                    text[label_start : label_start + len(label)],
                    role,
                    (label_start, label_end),
                    head.value_span if head else (value[0], value[0]),
                )
            )
            fields.extend(p for p in parts if p is not head)
        else:
            fields.append(
                Field(
                    kind, text[label_start : label_start + len(label)], role, (label_start, label_end), value
                )
            )
    return tuple(fields)


def field_run(text: str, start: int = 0, end: int | None = None) -> Clause | None:
    """Text that starts with a label (a field line, or inline fields) as a ``fields`` clause.

    Examples
    --------
    >>> c = field_run("牵头单位:区发改局")
    >>> c.kind, c.fields[0].role
    ('fields', 'lead')
    >>> field_run("推进改革。") is None
    True
    """
    end = len(text) if end is None else end
    # a label ends with a colon, which script conversion leaves where it is: no colon, no field run
    # (asked before trimming: what is trimmed holds no colon)
    if text.find(":", start, end) == -1 and text.find("：", start, end) == -1:
        return None
    a, b = _trim(text, start, end)
    if _label_pattern().match(to_simplified(text), a, b) is None:
        return None
    return Clause("fields", (a, b), (a, b), clause_fields(text, a, b))


_GAP = re.compile(r"\s+")


class _NextFrom:
    """The first position at or after ``at`` where something is found, asked for growing ``at``.

    ``find(at)`` gives that position (``-1``: none up to the end). A position found
    stays the answer until ``at`` passes it, so no stretch is scanned twice (linear
    however many fields a text has).
    """

    def __init__(self, find: Callable[[int], int]) -> None:
        self._find = find
        self._at = sys.maxsize  # where the last scan started
        self._found = -1  # what it found

    def __call__(self, at: int) -> int:
        if at < self._at or (self._found != -1 and at > self._found):
            self._at, self._found = at, self._find(at)
        return self._found


def inline_fields(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, Clause]]:
    """Task segments of a run-on text with inline fields: ``(task_start, clause)`` per task.

    A task ends with its agency fields (``部门分工：…。``); the next task's
    wording starts after them. Used where a text has no numbering but names its
    tasks' agencies in inline fields.

    Examples
    --------
    >>> t = "粮食稳产 部门分工:省农业农村厅牵头,各地配合。 推进集群 部门分工:省工信厅牵头。"
    >>> [(s, t[slice(*c.span)]) for s, c in inline_fields(t)]
    [(0, '部门分工:省农业农村厅牵头,各地配合'), (24, '部门分工:省工信厅牵头')]
    """
    end = len(text) if end is None else end
    if text.find(":", start, end) == -1 and text.find("：", start, end) == -1:
        return []  # no label, no field (a colon is where script conversion leaves it)
    simp = to_simplified(text)
    out: list[tuple[int, Clause]] = []
    task_start = start
    labels = [lab for lab in _labels(simp, start, end) if _label_kind(lab[2])[0] in ("agency", "division")]
    starts = [lab[0] for lab in labels]
    stops = _NextFrom(lambda at: simp.find("。", at, end))
    gaps = _NextFrom(lambda at: gap.start() if (gap := _GAP.search(simp, at, end)) else -1)
    for label_start, label_end, _label in labels:
        if label_start < task_start:
            continue
        stop, space = stops(label_end), gaps(label_end)
        value_end = min(x for x in (stop, space, end) if x != -1)
        # following agency labels right after this field belong to the same clause
        while (k := bisect.bisect_left(starts, value_end)) < len(starts) and starts[k] <= value_end + 2:
            stop = stops(labels[k][1])
            value_end = stop if stop != -1 else end
        clause = Clause(
            "fields",
            (label_start, value_end),
            (label_start, value_end),
            clause_fields(text, label_start, value_end),
        )
        out.append((task_start, clause))
        task_start = value_end + 1 if value_end < end else end
    return out


# ---------------------------------------------------------------------------
# Words in the task text
# ---------------------------------------------------------------------------

_NAME_ENDINGS = "厅|委|办|局|部|院|会|中心|集团|公司|行|署|站|政府|单位|部门|机构|银行|总局|总署"


@cache
def _text_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    name = rf"[^\s，,。；;、:：()（）“”\"《》]{{2,24}}?(?:{_NAME_ENDINGS})"
    names = rf"{name}(?:(?:、|以及|及){name})*"
    lead_co = vocabulary.alternation(vocabulary.clause_words("lead-co"))
    by = vocabulary.alternation(vocabulary.clause_words("by"))
    group = r"(?:等(?:有关|相关)?(?:部门|单位|机构))?"
    verbs = r"(?=负责|牵头|研究|组织|制定|落实|提出|统筹|推进|按职责)"
    with_by = re.compile(
        rf"(?:{by})(?P<lead>{names})(?:牵头)?(?:(?:{lead_co})(?P<co>{names}){group})?{group}{verbs}"
    )
    after = r"(?=等|[，。；,;]|要|负责|研究|组织|制定|落实|提出|统筹|推进|按职责|开展|共同|$)"
    sentence = re.compile(rf"^(?P<lead>{names})(?:{lead_co})(?P<co>{names}){group}{after}")
    return with_by, sentence


def text_clauses(norm: str) -> list[Clause]:
    """Agencies named by the words of a task: ``由X负责``, ``X会同Y``, ``X牵头会同Y``.

    ``由X…`` counts anywhere in the task; ``X会同Y`` where it opens the task (later in
    a paragraph of prose it describes, it does not assign). The clause's span is the
    stretch of words naming them; ``fields`` give the
    lead names and the co-operating names.

    Examples
    --------
    >>> t = "由國土資源部會同農業部等部門負責落實。"
    >>> c = text_clauses(t)[0]
    >>> t[slice(*c.span)], [(f.role, t[slice(*f.value_span)]) for f in c.fields]
    ('由國土資源部會同農業部等部門', [(None, '國土資源部'), ('co', '農業部等部門')])
    >>> t = "省人社厅会同省财政厅研究制定办法。"
    >>> [t[slice(*c.span)] for c in text_clauses(t)]
    ['省人社厅会同省财政厅']
    """
    simp = to_simplified(norm)
    found: list[Clause] = []
    # spans taken, sorted and never overlapping (so their ends are sorted too): a span overlaps one of
    # them exactly when it overlaps the last one starting before its end
    starts: list[int] = []
    ends: list[int] = []
    for pattern in _text_patterns():
        for match in pattern.finditer(simp):
            span = match.span()
            k = bisect.bisect_left(starts, span[1])
            if k and ends[k - 1] > span[0]:
                continue
            starts.insert(k, span[0])
            ends.insert(k, span[1])
            fields = [Field("agency", None, None, None, match.span("lead"))]
            if match["co"]:
                co_end = span[1]
                fields.append(Field("agency", None, "co", None, (match.start("co"), co_end)))
            found.append(Clause("text", span, span, tuple(fields)))
    return sorted(found, key=lambda c: c.span)


# ---------------------------------------------------------------------------
# The first-listed rule, deadlines
# ---------------------------------------------------------------------------

_FIRST_LISTED = re.compile(
    r"""
    (?:列在|排在|位列|列|排)?[^。；;，,()]{0,8}?
    (?:首位|第一位|第一个|第一家|首个|排名第一|第一)
    (?:者|的|单位|部门)?[^。；;，,()]{0,6}?
    (?:为|是|作为)?
    (?:牵头)(?:单位|部门)?
    (?:[^。；;()]{0,12}?(?:参加|参与|配合|协办)(?:单位|部门))?
    (?:[，,]?下同)?
    """,
    re.VERBOSE,
)


def first_listed_statements(text: str, *, simplified: bool = False) -> list[tuple[int, int]]:
    """Spans of statements that the first-listed unit leads (``排首位者牵头，下同``).

    ``simplified=True`` says ``text`` already is in simplified script (it is not
    converted again).

    Examples
    --------
    >>> t = "省商务厅、省财政厅(排首位者牵头,下同)"
    >>> [t[a:b] for a, b in first_listed_statements(t)]
    ['排首位者牵头,下同']
    >>> first_listed_statements("列在任务分工首位的为牵头单位,其他为主要参加单位")
    [(0, 24)]
    >>> first_listed_statements("省发展改革委牵头,省财政厅配合")
    []
    """
    return _first_listed_spans(text if simplified else to_simplified(text))


# Every statement holds 首 or 第一 (排名第一 included) at most this far from its start: the optional
# 列在/排在 (2) and the gap before the ordinal (8), and 排名 before 第一 (2).
_FIRST_LISTED_ANCHOR = re.compile(r"首|第一")
_FIRST_LISTED_REACH = 12


def _first_listed_spans(simp: str) -> list[tuple[int, int]]:
    """:func:`first_listed_statements` of text already simplified.

    What ``_FIRST_LISTED.finditer`` finds, tried only at the starts within reach of
    an ordinal: the leftmost statement from where the last one ended, each time.
    """
    spans: list[tuple[int, int]] = []
    position = 0  # where the next statement may start
    tried = 0  # every start before this was tried
    match_at = _FIRST_LISTED.match
    for anchor in _FIRST_LISTED_ANCHOR.finditer(simp):
        at = anchor.start()
        start = max(position, tried, at - _FIRST_LISTED_REACH)
        while start <= at:
            found = match_at(simp, start)
            if found is not None:
                if found.group().strip():
                    spans.append(found.span())
                position = max(found.end(), start + 1)
                break
            start += 1
        tried = max(tried, at + 1)
    return spans


_DATE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日"), "day"),
    (re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月"), "month"),
    (re.compile(r"(?P<y>\d{4})年(?:上半年)"), "half"),
    (re.compile(r"(?P<y>\d{4})年"), "year"),
    (re.compile(r"(?P<m>\d{1,2})月(?P<d>\d{1,2})日"), "day"),
    (re.compile(r"(?P<m>\d{1,2})月"), "month"),
    (re.compile(r"上半年"), "half"),
    (re.compile(r"年内|年底|年末|全年|今年|年度内"), "year"),
)


def deadline_date(deadline: str | None, year: int | None = None) -> str | None:
    """The date a deadline names (ISO 8601), or ``None`` where it names none.

    Relative wordings (``年内``, ``6月底前``) resolve against ``year``, the
    document's year.

    Examples
    --------
    >>> deadline_date("2019年底前"), deadline_date("2020年6月底前"), deadline_date("年内", 2023)
    ('2019-12-31', '2020-06-30', '2023-12-31')
    >>> deadline_date("长期坚持", 2023) is None, deadline_date("年内") is None
    (True, True)
    """
    if not deadline:
        return None
    text = to_simplified(deadline)
    for pattern, grain in _DATE_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        groups = match.groupdict()
        y = int(groups["y"]) if groups.get("y") else year
        if y is None:
            return None
        if grain == "year":
            return f"{y:04d}-12-31"
        if grain == "half":
            return f"{y:04d}-06-30"
        m = int(groups["m"])
        if not 1 <= m <= 12:
            return None
        if grain == "month":
            return f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"
        d = int(groups["d"])
        return f"{y:04d}-{m:02d}-{d:02d}" if 1 <= d <= calendar.monthrange(y, m)[1] else None
    return None


# ---------------------------------------------------------------------------
# Tables flattened to text
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One cell of a table row: its column's header, kind and role, and its span in the source."""

    header: str
    kind: str
    role: str | None
    start: int
    end: int


@dataclass(frozen=True)
class TableRow:
    """A row of a task table: its number, the line it starts on, its span and its cells."""

    number: int
    line: int
    start: int
    end: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    """A task table: the span of its header and its rows."""

    start: int
    end: int
    header: tuple[str, ...]
    rows: tuple[TableRow, ...]


_CELL_SPLIT = re.compile(r"\t|\s*[│|]\s*")


def _trim_cell(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\u3000|│":
        start += 1
    while end > start and text[end - 1] in " \t\u3000|│":
        end -= 1
    return start, end


def _cells_of_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cell spans of one physical line (cells split by tabs, │ or |)."""
    if _CELL_SPLIT.search(text, start, end) is None:  # one cell (most lines: prose)
        a, b = _trim_cell(text, start, end)
        return [(a, b)] if a < b else []
    spans: list[tuple[int, int]] = []
    position = start
    for match in _CELL_SPLIT.finditer(text, start, end):
        spans.append(_trim_cell(text, position, match.start()))
        position = match.end()
    spans.append(_trim_cell(text, position, end))
    while spans and spans[-1][0] >= spans[-1][1]:  # "序号 |": a bar closing the line
        spans.pop()
    while spans and spans[0][0] >= spans[0][1]:  # "| 序号 | …": a bar opening it
        spans.pop(0)
    return spans  # empty cells inside a row keep their column


_MAX_HEADER_CELL = 8  # characters of a header cell, whitespace stripped
_CELL_SEPARATOR = re.compile(r"[\t│|]")  # what _CELL_SPLIT splits at


def _lines_with_cell_separators(source: str, lines: list[tuple[int, int, int]]) -> set[int]:
    """Indices of the lines ``(line_no, start, end)`` holding a tab, ``│`` or ``|`` (one regex pass)."""
    if not lines:
        return set()
    starts = [start for _, start, _ in lines]
    ends = [end for _, _, end in lines]
    if not all(map(operator.le, ends, starts[1:])):  # not in order, or overlapping: line by line
        return {i for i, (_, a, b) in enumerate(lines) if _CELL_SEPARATOR.search(source, a, b)}
    found: set[int] = set()
    for match in _CELL_SEPARATOR.finditer(source, starts[0], lines[-1][2]):
        k = bisect.bisect_right(starts, match.start()) - 1
        if match.start() < lines[k][2]:
            found.add(k)
    return found


@cache
def _field_label_forms() -> tuple[str, ...]:
    return tuple(vocabulary.field_labels())


def _header_kind(cell: str) -> tuple[str, str | None] | None:
    stripped = cell.strip()
    if not stripped or len(stripped) > _MAX_HEADER_CELL:  # script conversion keeps length and whitespace
        return None
    simp = to_simplified(cell).strip()
    fields = vocabulary.field_labels()
    if simp.endswith(_field_label_forms()):  # one test before the one per label (the first one that ends it)
        for form, kind in fields.items():
            if simp.endswith(form):
                return _label_kind(simp) if kind == "person" else (kind, None)
    if simp.endswith(vocabulary.label_endings()):
        return _label_kind(simp)
    return None


def _is_header(kinds: list[tuple[str, str | None]]) -> bool:
    names = {k for k, _ in kinds}
    return len(kinds) >= 3 and bool(names & {"number", "task"}) and bool(names & {"agency", "deadline"})


def read_table(source: str, lines: list[tuple[int, int, int]]) -> Table | None:
    """A task table in physical lines ``(line_no, start, end)`` of ``source``, or ``None``.

    The header row (序号 / 工作任务 / 牵头单位 / 配合单位 / 责任单位 / 完成时限 …) gives
    the columns: cells split by tabs, ``│`` or ``|`` on one line, or one cell
    per line. A row starts at the cell in the number column holding the next
    number.

    Examples
    --------
    >>> text = "序号 | 工作任务 | 牵头单位 | 完成时限\\n1 | 推进改革。 | 省发展改革委 | 2019年底前"
    >>> table = read_table(text, [(1, 0, 23), (2, 24, len(text))])
    >>> [(c.kind, text[c.start : c.end]) for c in table.rows[0].cells]
    [('number', '1'), ('task', '推进改革。'), ('agency', '省发展改革委'), ('deadline', '2019年底前')]
    """
    # A line of prose (no cell separator, more than a header cell's 8 characters, no whitespace at its
    # edges) is one cell, whole, and never a header cell: the header is looked for among the other
    # lines alone (most documents have a handful), and every line's cells are listed only for a table.
    split = _lines_with_cell_separators(source, lines)
    candidates = [
        index
        for index, (_, start, end) in enumerate(lines)
        if end - start <= _MAX_HEADER_CELL
        or index in split
        or source[start].isspace()
        or source[end - 1].isspace()
    ]
    cells_of = {index: _cells_of_line(source, lines[index][1], lines[index][2]) for index in candidates}
    # the header: a line of ≥3 header cells, or ≥3 consecutive one-cell lines of header words
    header: list[tuple[int, int, int]] = []
    kinds: list[tuple[str, str | None]] = []
    run_end = 0  # one-cell lines before this are in a run already found not to be a header
    for index in candidates:
        line_no = lines[index][0]
        spans = cells_of[index]
        if len(spans) >= 3:
            line_kinds = []
            for a, b in spans:
                if (kind := _header_kind(source[a:b])) is None:
                    break
                line_kinds.append(kind)
            else:
                if _is_header(line_kinds):
                    header = [(line_no, a, b) for a, b in spans]
                    kinds = line_kinds
                    break
        elif len(spans) == 1 and index >= run_end and _header_kind(source[slice(*spans[0])]):
            run = []
            j = index
            while (
                j in cells_of  # a line of prose ends the run
                and len(cells_of[j]) == 1
                and (kind := _header_kind(source[slice(*cells_of[j][0])]))
            ):
                run.append(((lines[j][0], *cells_of[j][0]), kind))
                j += 1
            if _is_header([k for _, k in run]):
                header = [c for c, _ in run]
                kinds = [k for _, k in run]
                break
            # a run later in this one is part of it: its kinds are fewer, and no more a header
            run_end = j
    if not header:
        return None
    per_line = [cells_of.get(index, [(start, end)]) for index, (_, start, end) in enumerate(lines)]
    cells = [  # (line_no, start, end) of every non-empty cell
        (line_no, a, b)
        for (line_no, _, _), spans in zip(lines, per_line, strict=True)
        for a, b in spans
        if a < b or len(spans) > 1
    ]
    columns = [k for k, _ in kinds]
    number_col = columns.index("number") if "number" in columns else None
    after = [c for c in cells if c[1] >= header[-1][2]]
    rows: list[TableRow] = []
    expected = 1
    group: list[tuple[int, int, int]] = []

    def close() -> None:
        if not group:
            return
        row_cells = tuple(
            Cell(source[h[1] : h[2]], kind, role, a, b)
            for (h, (kind, role), (_, a, b)) in zip(header, kinds, group, strict=False)
        )
        rows.append(TableRow(expected - 1, group[0][0], group[0][1], group[-1][2], row_cells))

    for cell in after:
        text = source[cell[1] : cell[2]].strip()
        starts_row = text.isdigit() and int(text) == expected and (number_col in (None, 0) or not group)
        if starts_row and (not group or len(group) >= len(header) or group[0][0] != cell[0]):
            close()
            group = [cell]
            expected += 1
        elif group:
            if len(group) >= len(header):
                break  # past the table
            group.append(cell)
    close()
    if not rows:
        return None
    return Table(header[0][1], header[-1][2], tuple(source[h[1] : h[2]] for h in header), tuple(rows))
