"""Outline stage: the numbered structure of a document of the genre.

Government documents on regional cooperation share one outline grammar:

- chapters ``一、`` (or ``第一章``), sections ``（一）`` / ``(一)`` (or ``第一节``), Arabic-numbered
  items ``1.`` / ``1、`` / ``１．`` (or articles ``第一条``), sub-items whose numbering restarts in
  every section;
- a briefing paper's numbered paragraphs ``2.`` (the first paragraph is often unnumbered),
  footnotes ``1  …`` and unnumbered topic headings;
- annexes ``附件一``;
- a trailing parenthesised agency clause after an item's sentence, ``（省发展改革委牵头，…）``.

The source text arrives hard-wrapped (a paragraph broken over lines of equal
width, blank lines between them, page numbers such as `` - 5 -``) or one
paragraph per line. :func:`parse_outline` first rebuilds logical units from the
physical lines, then reads the numbered structure from them. Nothing here knows
a particular document: per-document facts (which lines belong to which logical
document, its kind) come from the manifest.

Every node keeps its first line number and the offsets ``[start, end)`` of its
own wording in the source; spans of different nodes never overlap.
"""

from __future__ import annotations

import itertools
import operator
import re
import statistics
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from os import PathLike
from typing import Any

from coopstats import clauses
from coopstats.clauses import split_agency_clause
from coopstats.errors import ParseError
from coopstats.text import (
    PhysicalLine,
    _CharacterSum,
    clean_wording,
    clean_wording_of,
    lines_with_glosses,
    normalize,
    normalized_wordings,
    offset_after_normalized,
    parse_number,
    wording_lines,
)

__all__ = ["Node", "Note", "Outline", "parse_outline", "split_agency_clause"]

_CN_NUMERAL = "零〇一二两三四五六七八九十百"


@lru_cache(maxsize=4096)
def _outline_number(numeral: str) -> int:
    """Value of an outline number: Arabic (第3条) or Chinese (三十五); 0 when absurd (bounded).

    Remembered: a document's numerals repeat (一 in every chapter's first section).
    """
    return int(parse_number(numeral) or 0)


# ---------------------------------------------------------------------------
# Markers (matched against the NFKC-normalised line, so full-width forms are covered)
# ---------------------------------------------------------------------------

# Every marker, one anchored alternation tried in this order (the first that matches wins): an annex
# label alone on its line 附件一; an article or chapter 第一条 / 第一章; a chapter 一、; a section (一);
# an item "1." "1、" "12 ." but not "2.5", "33.7%" or "1.5倍" ("5.2017年举办…" is item 5 followed by a
# year); a footnote number followed by spaces "1  不包括…", not "48 個國家", "2011 年", "12 月".
_MARKER = re.compile(
    r"(?P<annex>附件\s*(?P<annex_no>[一二三四五六七八九十\d]*)\s*[:：]?$)"
    rf"|(?P<article>第(?P<article_no>[{_CN_NUMERAL}\d]+)(?P<article_kind>[章节節条條])\s*)"
    rf"|(?P<chapter>(?P<chapter_no>[{_CN_NUMERAL}]+)[、.]\s*)"
    rf"|(?P<section>\((?P<section_no>[{_CN_NUMERAL}]+)\)\s*)"
    r"|(?P<item>(?P<item_no>\d{1,3})\s*[.、](?:(?!\d)|(?=(?:19|20)\d{2}年))\s*)"
    r"|(?P<footnote>(?P<footnote_no>\d{1,2})\s+(?![年月日号號个個家项項名种種类類%.万萬亿億千百多余餘])(?=\S))"
)
# What a marker can begin with (a line that begins otherwise is text), tried on the lines' first characters.
_MARKER_LEAD = re.compile(rf"[附第(\d{_CN_NUMERAL}]")
_ARTICLE_KINDS = {"章": "chapter", "节": "section", "節": "section", "条": "item", "條": "item"}
_BOLD = re.compile(r"\*\*(?P<heading>[^*]+)\*\*")
# Back matter of a government document: how it is published, who receives copies, the date.
_BACK_MATTER = re.compile(r"^(?:公开方式|公開方式|抄送|抄报|抄報|印发|印發|主题词|主題詞|联系人|聯系人)[:：]")
_DATE_LINE = re.compile(
    r"^(?:\d{4}年\d{1,2}月(?:\d{1,2}日)?|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月(?:[一二三四五六七八九十]{1,3}日)?)$"
)


def _is_date_line(norm: str) -> bool:
    """Whether a unit's wording is a date alone (spaces aside): only one ending with 月 or 日 is matched."""
    tail = norm.rstrip(" ")
    if tail.endswith("\n"):  # the pattern's end matches before a last line break too
        tail = tail[:-1].rstrip(" ")
    return tail[-1:] in _DATE_ENDINGS and _DATE_LINE.match(norm.replace(" ", "")) is not None


_DATE_ENDINGS = ("月", "日")
_TERMINATORS = "。！？；:：!?;"
_OPEN_ENDINGS = "，,、"
_SENTENCE_PUNCT = re.compile(r"[，,。；;：:！？!?]")
_MAX_HEADING_CHARS = 40
_MAX_SHORT_HEADING_CHARS = 30


_NARROW = _CharacterSum(lambda ch: int(unicodedata.east_asian_width(ch) not in "FW"))
_START, _CONTENT_START, _CONTENT_END, _IS_PAGE_HEADER = map(
    operator.itemgetter, (1, 3, 4, 5)
)  # of a PhysicalLine
_NUMBER_AND_WORDING = operator.itemgetter(0, 3, 4)


def _balance(text: str) -> int:
    """Open brackets minus closed brackets (all kinds together)."""
    return clauses.bracket_balance(text)


class _BracketBalances(dict[str, int]):
    """:func:`_balance` of texts of brackets alone, each computed once (at most 4,096 kept)."""

    def __missing__(self, brackets: str) -> int:
        if len(self) >= 4_096:
            self.clear()
        value = self[brackets] = _balance(brackets)
        return value


_BRACKET_BALANCES = _BracketBalances()


@cache
def _not_brackets() -> re.Pattern[str]:
    """Runs of characters that are neither brackets nor line breaks."""
    openers, closers = clauses.bracket_characters()
    return re.compile("[^" + re.escape("".join(sorted(openers | closers))) + "\n]+")


def _balances(texts: list[str]) -> list[int]:
    """``[_balance(text) for text in texts]``: the texts joined, all but their brackets removed at once."""
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:  # a text holds a line break
        return list(map(_balance, texts))
    return list(map(_BRACKET_BALANCES.__getitem__, _not_brackets().sub("", joined).split("\n")))


def _display_width(text: str) -> int:
    """Columns ``text`` takes: two for a full-width or wide character, one for any other."""
    return len(text) if text.isascii() else 2 * len(text) - _NARROW(text)


def _is_heading_like(norm: str) -> bool:
    """Short, without sentence punctuation and with balanced brackets: a heading or title."""
    return (
        0 < len(norm) <= _MAX_HEADING_CHARS
        and _SENTENCE_PUNCT.search(norm) is None
        and _balance(norm) == 0
        and norm.rstrip("*")[-1:] not in _OPEN_ENDINGS
    )


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


@dataclass
class Note:
    """Something the parser repaired, skipped or found missing."""

    line: int
    kind: str
    message: str


@dataclass
class Node:
    """One provision: a heading, a numbered unit or a paragraph."""

    node_id: str
    parent_id: str | None
    level: str
    label: str
    line: int
    start: int
    end: int
    text: str
    heading: str | None = None
    chapter_no: int | None = None
    section_no: int | None = None
    item_no: int | None = None
    para_no: int | None = None
    annex: str | None = None
    body_start: int = 0
    cells: tuple[Any, ...] = ()  # a table row's cells (coopstats.clauses.Cell)
    children: list[Node] = field(default_factory=list, repr=False)


@dataclass
class Outline:
    """The nodes of one document in document order, and the parser's notes."""

    nodes: list[Node]
    notes: list[Note]

    def by_id(self) -> dict[str, Node]:
        """Nodes keyed by ``node_id``."""
        return {node.node_id: node for node in self.nodes}


# ---------------------------------------------------------------------------
# Logical units
# ---------------------------------------------------------------------------


@dataclass
class _Unit:
    kind: str  # annex / chapter / section / item / footnote / text
    number: int | None
    label: str
    line: int
    start: int
    end: int
    body_start: int
    norm: str  # normalised text of the whole unit (page breaks repaired)
    article: bool = False  # 第一条 / 第一章 forms
    # normalize(source[body_start:end]) when known without normalising again (a unit of one line,
    # one normalised character for each of its characters); else None
    body: str | None = None


_NEVER_OPENS = frozenset({"text", "footnote"})  # kinds that never open a unit inside an unfinished sentence
_Kind = tuple[str, int | None, str, int, bool]
_TEXT: _Kind = ("text", None, "", 0, False)


def _classify(norm: str) -> _Kind:
    """(kind, number, label, length of the marker in the normalised line, article form)."""
    if not _MARKER_LEAD.match(norm) or (match := _MARKER.match(norm)) is None:
        return _TEXT
    kind = match.lastgroup
    if kind == "annex":
        no = match["annex_no"]
        return "annex", _outline_number(no) if no else None, norm, len(norm), False
    if kind == "article":
        return (
            _ARTICLE_KINDS[match["article_kind"]],
            _outline_number(match["article_no"]),
            match.group().strip(),
            match.end(),
            True,
        )
    if kind == "footnote":
        return "footnote", int(match["footnote_no"]), match["footnote_no"], match.end(), False
    no = match[f"{kind}_no"]
    number = int(no) if kind == "item" else _outline_number(no)
    return kind, number, match.group().strip(), match.end(), False  # type: ignore[return-value]


def _classify_lines(norms: list[str]) -> list[_Kind]:
    """:func:`_classify` of each line: only lines whose first character may begin a marker are matched."""
    kinds = [_TEXT] * len(norms)
    leads = "".join([norm[:1] or " " for norm in norms])
    for found in _MARKER_LEAD.finditer(leads):
        index = found.start()
        kinds[index] = _classify(norms[index])
    return kinds


class _WrapProfile:
    """Whether a text is hard-wrapped, and at what width."""

    def __init__(self, widths: list[int]) -> None:
        long_lines = [w for w in widths if w >= 20]
        self.hard_wrapped = False
        self.full_width = 0
        if len(long_lines) >= 10:
            median = statistics.median(long_lines)
            near = sum(abs(w - median) <= 8 for w in long_lines)
            if median <= 90 and near >= 0.6 * len(long_lines):
                self.hard_wrapped = True
                self.full_width = int(0.8 * sorted(long_lines)[int(0.9 * (len(long_lines) - 1))])

    def is_full(self, width: int) -> bool:
        return self.hard_wrapped and width >= self.full_width


class _Lines:
    """The wording lines of a document's span, each read once: wording, normalised forms, width, brackets.

    ``norm[i]`` is line ``i`` normalised without its pinyin glosses (what a unit
    is made of), ``plain[i]`` normalised with them (what the next line is
    judged by; the same object as ``norm[i]`` when the line has no gloss),
    ``kind[i]`` what :func:`_classify` makes of ``norm[i]``, ``width[i]`` its
    display width from the line's start and ``balance[i]`` the brackets
    ``norm[i]`` leaves open. Each is found for all the lines at once.
    """

    __slots__ = ("balance", "kind", "lines", "norm", "plain", "raw", "width")

    def __init__(self, source: str, lines: list[PhysicalLine]) -> None:
        self.lines = lines
        self.raw = list(
            map(source.__getitem__, map(slice, map(_CONTENT_START, lines), map(_CONTENT_END, lines)))
        )
        self.norm = normalized_wordings(source, lines)
        self.plain = self.norm.copy()
        for index in lines_with_glosses(source, lines):
            self.plain[index] = normalize(self.raw[index])
        self.kind = _classify_lines(self.norm)
        indented = list(map(source.__getitem__, map(slice, map(_START, lines), map(_CONTENT_END, lines))))
        self.width = list(map(operator.sub, map((2).__mul__, map(len, indented)), _NARROW.counts(indented)))
        self.balance = _balances(self.norm)

    def next_is_text(self, index: int) -> bool:
        """Whether the line after ``index`` is unnumbered text."""
        following = index + 1
        if following >= len(self.lines):
            return False
        plain = self.plain[following]
        if plain is self.norm[following]:
            return self.kind[following][0] == "text"
        return _classify(plain)[0] == "text"


def _units(
    source: str, start: int, end: int, notes: list[Note], lines: list[PhysicalLine] | None = None
) -> Iterator[_Unit]:
    """Rebuild logical units from physical lines, repairing page breaks.

    A unit's normalised wording, its open brackets and its last character are
    carried along line by line, so a paragraph of many lines costs as many
    lines, not their square. ``lines`` are ``wording_lines(source, start, end)``
    when the caller has them already.
    """
    if lines is None:
        lines = wording_lines(source, start, end)
    if any(map(_IS_PAGE_HEADER, lines)):
        for ln in lines:
            if ln.is_page_header:
                notes.append(
                    Note(
                        ln.number,
                        "page-header",
                        f"page header {source[ln.content_start : ln.content_end]!r} removed",
                    )
                )
        lines = list(itertools.filterfalse(_IS_PAGE_HEADER, lines))
    read = _Lines(source, lines)
    profile = _WrapProfile(read.width)
    expected: dict[str, int] = {}
    current: _Unit | None = None
    current_open = False
    parts: list[str] = []  # the current unit's normalised lines
    length = balance = 0  # their length and open brackets
    last = ""  # their last character before trailing "*" and spaces
    norms, kinds, balances, plains = read.norm, read.kind, read.balance, read.plain
    for index, ln in enumerate(lines):
        norm_line = norms[index]
        kind, number, _label, marker_len, article = kinds[index]
        # Inside an unfinished sentence only a marker with the expected number opens a unit.
        if (
            current_open
            and current is not None
            and (
                kind in _NEVER_OPENS
                or not (
                    number is None
                    or number == expected.get(kind, 0) + 1
                    or (number == 1 and kind != "chapter")
                )
            )
        ):
            current.end = ln.content_end
            parts.append(norm_line)
            length += len(norm_line)
            balance += balances[index]
            last = norm_line.rstrip("* ")[-1:] or last
            short = "".join(parts) if length <= _MAX_HEADING_CHARS else None
            current_open = bool(last) and _is_open(
                last, balance, short, profile, read, index, numbered=current.kind == "item"
            )
            continue
        raw_line = read.raw[index]
        if current is not None:
            current.norm = "".join(parts)
            if len(parts) > 1:
                current.body = None
            yield current
        if kind != "text":
            expected[kind] = number or 0
        one_for_one = plains[index] is norm_line and len(norm_line) == len(raw_line)
        if not marker_len or one_for_one:
            body_offset = marker_len  # no gloss, no character NFKC expands: one character for one
        else:
            body_offset = _source_offset_after(raw_line, marker_len)
        current = _Unit(
            kind=kind,
            number=number,
            label=source[ln.content_start : ln.content_start + body_offset].strip() if marker_len else "",
            line=ln.number,
            start=ln.content_start,
            end=ln.content_end,
            body_start=ln.content_start + body_offset,
            norm=norm_line,
            article=article,
            body=norm_line[marker_len:] if one_for_one else None,
        )
        parts = [norm_line]
        length, balance, last = len(norm_line), balances[index], norm_line.rstrip("* ")[-1:]
        if kind == "annex":
            current_open = False
        elif kind in ("chapter", "section") and _is_heading_like(norm_line[marker_len:]):
            current_open = profile.is_full(read.width[index]) and read.next_is_text(index)
        else:
            short = norm_line if length <= _MAX_HEADING_CHARS else None
            current_open = _is_open(last, balance, short, profile, read, index, numbered=kind == "item")
    if current is not None:
        current.norm = "".join(parts)
        if len(parts) > 1:
            current.body = None
        yield current


def _source_offset_after(raw_line: str, marker_len: int) -> int:
    """Offset in the raw line after the first ``marker_len`` normalised characters."""
    return offset_after_normalized(raw_line, marker_len)


def _is_open(
    last: str,
    balance: int,
    short: str | None,
    profile: _WrapProfile,
    read: _Lines,
    index: int,
    *,
    numbered: bool = False,
) -> bool:
    """Whether the unit ending with line ``index`` continues on the next line.

    ``last`` is the unit's last character before trailing ``*`` and spaces
    (empty if none), ``balance`` its open brackets and ``short`` its normalised
    wording when no longer than a heading (else ``None``).
    """
    if not last:
        return False
    if index + 1 < len(read.lines):
        following = read.plain[index + 1]
        if (":" in following or "：" in following) and clauses.field_run(following) is not None:
            return False  # a field line (牵头单位：…) stands on its own (a label ends with a colon)
    if balance > 0 or last in _OPEN_ENDINGS:
        return True
    if last in _TERMINATORS:
        return False
    if clauses.is_closer(last) or last in "”\"'":
        return False
    if profile.hard_wrapped:
        return profile.is_full(read.width[index])
    # One paragraph per line: an unterminated line runs on unless it is a heading or title
    # (a numbered item is never a heading).
    if not numbered and short is not None and _is_heading_like(short):
        return False
    return read.next_is_text(index)


# ---------------------------------------------------------------------------
# The outline
# ---------------------------------------------------------------------------


def _cell_wording(source: str, start: int, end: int) -> str:
    """A table cell's wording: hard breaks inside it (``工作机 制``) removed."""
    text = clean_wording(source, start, end).replace("**", "")
    return re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", text).strip()


def _short_heading(body: str) -> str | None:
    """The short heading of a section: bold text, or the words before the first 。."""
    if match := _BOLD.search(body):
        return match["heading"].strip()
    before, stop, _ = body.partition("。")
    before = before.strip()
    if stop and before and len(before) <= _MAX_SHORT_HEADING_CHARS and not re.search(r"[，,；;：:]", before):
        return before
    if not stop and _is_heading_like(body):
        return body.strip()
    return None


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.clean = clean_wording_of(source)
        self.nodes: list[Node] = []
        self.notes: list[Note] = []
        self.id_counts: dict[str, int] = {}  # base id -> how many nodes took it (base, base~2, …)
        self.by_id: dict[str, Node] = {}
        # annex label -> its paragraphs with a number, and those without that may yet take 1
        self.numbered: dict[str | None, int] = {}
        self.unnumbered: dict[str | None, list[Node]] = {}
        self.last_section_no: dict[str | None, int | None] = {}  # annex label -> its last section
        self.annex: Node | None = None
        self.chapter: Node | None = None
        self.section: Node | None = None
        self.item: Node | None = None
        self.paragraph: Node | None = None  # current numbered paragraph of a briefing
        self.topic: str | None = None
        self.back_matter = False
        self.annex_counter = 0

    # -- helpers -------------------------------------------------------
    def _id(self, *parts: str) -> str:
        base = ".".join(parts) if parts else "root"
        n = self.id_counts.get(base, 0) + 1
        self.id_counts[base] = n
        return base if n == 1 else f"{base}~{n}"

    def _scope(self) -> list[str]:
        parts = []
        if self.annex is not None:
            parts.append(f"a{self.annex_counter}")
        return parts

    def _wording(self, start: int, end: int) -> str:
        return self.clean(start, end).replace("**", "")

    def _add(self, node: Node, parent: Node | None) -> Node:
        node.parent_id = parent.node_id if parent is not None else None
        node.annex = self.annex.label if self.annex is not None else None
        if parent is not None:
            parent.children.append(node)
        self.nodes.append(node)
        self.by_id[node.node_id] = node
        if node.level == "paragraph":
            if node.para_no is not None:
                self.numbered[node.annex] = self.numbered.get(node.annex, 0) + 1
            else:
                self.unnumbered.setdefault(node.annex, []).append(node)
        return node

    # -- units ---------------------------------------------------------
    def feed(self, unit: _Unit, next_unit: _Unit | None) -> None:
        if unit.kind == "annex":
            self._annex(unit, next_unit)
        elif unit.kind == "chapter":
            self._chapter(unit)
        elif unit.kind == "section":
            self._section(unit)
        elif unit.kind == "item" and (self.chapter is not None or unit.article):
            self._item(unit)
        elif unit.kind == "item":
            self._numbered_paragraph(unit)
        elif unit.kind == "footnote" and self.chapter is None and self.paragraph is not None:
            self._footnote(unit)
        else:
            self._text(unit, last=next_unit is None)

    def _annex(self, unit: _Unit, next_unit: _Unit | None) -> None:
        if (
            self.item is not None
            and next_unit is not None
            and next_unit.kind == "item"
            and next_unit.number == (self.item.item_no or 0) + 1
        ):
            self.notes.append(
                Note(
                    unit.line,
                    "displaced-annex-label",
                    f"annex label {unit.norm!r} sits inside a numbered list (item {self.item.item_no} is "
                    f"followed by {next_unit.number}): a page-break artefact, not the start of an annex",
                )
            )
            return
        self.annex_counter += 1
        self.annex = None
        self.chapter = self.section = self.item = self.paragraph = None
        self.topic = None
        self.back_matter = False
        node = Node(
            node_id=self._id(f"a{self.annex_counter}"),
            parent_id=None,
            level="annex",
            label=unit.label or self.source[unit.start : unit.end].strip(),
            line=unit.line,
            start=unit.start,
            end=unit.end,
            text="",
        )
        self._add(node, None)
        self.annex = node

    def _chapter(self, unit: _Unit) -> None:
        previous = self.chapter.chapter_no if self.chapter is not None else None
        if previous is not None and unit.number is not None and unit.number != previous + 1:
            self.notes.append(
                Note(unit.line, "numbering", f"chapter {unit.number} follows chapter {previous}")
            )
        if unit.body is not None:  # one line: the normalised wording after the marker
            body = unit.body
        else:
            body = unit.norm[len(unit.norm) - len(normalize(self.source[unit.body_start : unit.end])) :]
        heading_like = _is_heading_like(body)
        wording = self._wording(unit.body_start, unit.end)
        node = Node(
            node_id=self._id(*self._scope(), f"c{unit.number}"),
            parent_id=None,
            level="chapter",
            label=unit.label,
            line=unit.line,
            start=unit.start,
            end=unit.end,
            text=wording,
            heading=wording if heading_like else _short_heading(body),
            chapter_no=unit.number,
        )
        self.chapter = self._add(node, self.annex)
        self.section = self.item = self.paragraph = None
        self.back_matter = False

    def _section(self, unit: _Unit) -> None:
        chapter = self.chapter
        previous = self.section
        expected_first = previous is None and chapter is not None
        if expected_first and unit.number not in (1, None) and not self._sections_continue(unit):
            self.notes.append(
                Note(
                    unit.line,
                    "missing-section",
                    f"the first section of chapter {chapter.chapter_no} is numbered ({unit.number}): "
                    f"section(s) 1–{unit.number - 1} are missing from the text; the paragraphs before it "
                    "stay with the chapter",
                )
            )
        body = unit.body if unit.body is not None else normalize(self.source[unit.body_start : unit.end])
        scope = [*self._scope()] + ([f"c{chapter.chapter_no}"] if chapter is not None else [])
        node = Node(
            node_id=self._id(*scope, f"s{unit.number}"),
            parent_id=None,
            level="section",
            label=unit.label,
            line=unit.line,
            start=unit.start,
            end=unit.end,
            text=self._wording(unit.body_start, unit.end),
            heading=_short_heading(body),
            chapter_no=chapter.chapter_no if chapter is not None else None,
            section_no=unit.number,
            body_start=unit.body_start,
        )
        self.section = self._add(node, chapter or self.annex)
        self.last_section_no[self._annex_label()] = unit.number
        self.item = self.paragraph = None

    def _sections_continue(self, unit: _Unit) -> bool:
        """Whether section numbers run on across chapters ((四) in chapter 二 after (三) in chapter 一)."""
        annex = self._annex_label()
        if annex not in self.last_section_no:
            return False
        return unit.number == (self.last_section_no[annex] or 0) + 1

    def _annex_label(self) -> str | None:
        return self.annex.label if self.annex is not None else None

    def _item(self, unit: _Unit) -> None:
        parent = self.section or self.chapter or self.annex
        scope = [*self._scope()]
        if self.chapter is not None:
            scope.append(f"c{self.chapter.chapter_no}")
        if self.section is not None:
            scope.append(f"s{self.section.section_no}")
        node = Node(
            node_id=self._id(*scope, f"i{unit.number}"),
            parent_id=None,
            level="item",
            label=unit.label,
            line=unit.line,
            start=unit.start,
            end=unit.end,
            text=self._wording(unit.body_start, unit.end),
            heading=None,
            chapter_no=self.chapter.chapter_no if self.chapter is not None else None,
            section_no=self.section.section_no if self.section is not None else None,
            item_no=unit.number,
            body_start=unit.body_start,
        )
        self.item = self._add(node, parent)

    def table(self, table: clauses.Table) -> None:
        """One item per row of a task table, its cells kept for the frames stage."""
        for row in table.rows:
            task = next((c for c in row.cells if c.kind == "task"), None)
            body_start = task.start if task is not None else row.start
            unit = _Unit("item", row.number, str(row.number), row.line, row.start, row.end, body_start, "")
            self._item(unit)
            node = self.nodes[-1]
            node.cells = row.cells
            node.text = _cell_wording(self.source, task.start, task.end) if task is not None else ""

    def _numbered_paragraph(self, unit: _Unit) -> None:
        node = Node(
            node_id=self._id(*self._scope(), f"p{unit.number}"),
            parent_id=None,
            level="paragraph",
            label=unit.label,
            line=unit.line,
            start=unit.start,
            end=unit.end,
            text=self._wording(unit.body_start, unit.end),
            heading=self.topic,
            para_no=unit.number,
            body_start=unit.body_start,
        )
        if unit.number == 2:
            self._imply_first_paragraph()
        self.paragraph = self._add(node, self.annex)

    def _imply_first_paragraph(self) -> None:
        """An unnumbered paragraph before paragraph 2 of the same block is paragraph 1.

        The block's paragraphs with a number are counted, and those without are
        kept until asked about once: one that does not take 1 now never will (its
        parent is no longer the annex being read, or it became a heading).
        """
        label = self._annex_label()
        if self.numbered.get(label, 0):
            return
        annex_id = self.annex.node_id if self.annex else None
        unnumbered = [
            n
            for n in self.unnumbered.pop(label, [])
            if n.level == "paragraph" and n.para_no is None and n.parent_id == annex_id
        ]
        for node in unnumbered:
            node.para_no = 1
        self.numbered[label] = len(unnumbered)
        if unnumbered:
            self.notes.append(
                Note(
                    unnumbered[0].line,
                    "implied-paragraph-number",
                    "the unnumbered paragraph before paragraph 2 is taken as paragraph 1",
                )
            )

    def _footnote(self, unit: _Unit) -> None:
        node = Node(
            node_id=self._id(*self._scope(), f"fn{unit.number}"),
            parent_id=None,
            level="footnote",
            label=unit.label,
            line=unit.line,
            start=unit.start,
            end=unit.end,
            text=self._wording(unit.body_start, unit.end),
            body_start=unit.body_start,
        )
        self._add(node, self.paragraph)

    def _text(self, unit: _Unit, last: bool = False) -> None:
        norm = unit.norm
        if last and self.chapter is not None and re.fullmatch(r"\d{1,3}", norm.strip()):
            items = [n.item_no for n in self.nodes if n.level == "item" and n.item_no is not None]
            if items and int(norm.strip()) == items[-1] + 1:
                # "8" alone at the end: the start of an item the copy cut off
                self.notes.append(
                    Note(unit.line, "truncated", f"item {norm.strip()} is cut off after its number")
                )
                no = int(norm.strip())
                self._item(_Unit("item", no, str(no), unit.line, unit.start, unit.end, unit.end, norm))
                return
        is_heading = _is_heading_like(norm) and unit.kind != "footnote"
        if _BACK_MATTER.match(norm) or _is_date_line(norm):
            self._enter_back_matter(unit)
        if is_heading and not self.back_matter and self.chapter is None:
            # A topic heading of a briefing, a title line or a signature line.
            node = Node(
                node_id=self._id(*self._scope(), f"h{unit.line}"),
                parent_id=None,
                level="heading",
                label="",
                line=unit.line,
                start=unit.start,
                end=unit.end,
                text=(wording := self._wording(unit.start, unit.end)),
                heading=wording,
            )
            self._add(node, self.annex)
            self.topic = node.heading
            self.paragraph = None
            return
        if self.back_matter:
            parent: Node | None = self.annex
        elif self.chapter is not None:
            parent = self.item or self.section or self.chapter
        else:
            parent = self.paragraph or self.annex
        node = Node(
            node_id=self._id(*([parent.node_id] if parent is not None else self._scope()), f"t{unit.line}"),
            parent_id=None,
            level="heading" if is_heading else "paragraph",
            label="",
            line=unit.line,
            start=unit.start,
            end=unit.end,
            text=self._wording(unit.start, unit.end),
            heading=self.topic if self.chapter is None and not is_heading else None,
            chapter_no=parent.chapter_no if parent is not None else None,
            section_no=parent.section_no if parent is not None else None,
            item_no=parent.item_no if parent is not None else None,
            para_no=parent.para_no if parent is not None else None,
            body_start=unit.start,
        )
        if is_heading:
            node.heading = node.text
        self._add(node, parent)

    def _enter_back_matter(self, unit: _Unit) -> None:
        if self.back_matter:
            return
        self.back_matter = True
        self.chapter = self.section = self.item = self.paragraph = None
        # A signature line (issuer) right before the date belongs to the back matter too.
        if _is_date_line(unit.norm) and self.nodes:
            last = self.nodes[-1]
            if last.level == "heading" or (
                _is_heading_like(normalize(last.text)) and last.level == "paragraph"
            ):
                self._reparent(last, self.annex)

    def _reparent(self, node: Node, parent: Node | None) -> None:
        if node.parent_id is not None:
            self.by_id[node.parent_id].children.remove(node)
        if node.level == "paragraph" and node.para_no is not None:
            self.numbered[node.annex] -= 1
        node.parent_id = parent.node_id if parent is not None else None
        node.level = "heading"
        node.heading = node.text
        node.chapter_no = node.section_no = node.item_no = node.para_no = None
        if parent is not None:
            parent.children.append(node)

    def finish(self) -> None:
        self._mark_subitems()
        self._fill_annex_titles()

    def _mark_subitems(self) -> None:
        """Items whose numbering restarts in every section are sub-items."""
        by_annex: dict[str | None, list[Node]] = {}
        for node in self.nodes:
            if node.level == "item" and not node.label.startswith("第"):  # articles (第三条) never restart
                by_annex.setdefault(node.annex, []).append(node)
        for items in by_annex.values():
            restarts = any(
                later.item_no == 1
                and earlier.section_no != later.section_no
                and earlier.section_no is not None
                for earlier, later in itertools.pairwise(items)
            )
            if restarts:
                for node in items:
                    if node.section_no is not None:
                        node.level = "subitem"

    def _fill_annex_titles(self) -> None:
        for annex in (n for n in self.nodes if n.level == "annex"):
            titles = []
            for child in annex.children:
                if child.level != "heading" or child.line - (titles[-1].line if titles else annex.line) > 4:
                    break
                titles.append(child)
            if titles:
                annex.heading = "".join(t.text for t in titles[:2])


def parse_outline(
    source: str,
    start: int = 0,
    end: int | None = None,
    *,
    path: str | PathLike[str] | None = None,
) -> Outline:
    """Read the numbered structure of ``source[start:end]``.

    Parameters
    ----------
    source : str
        The whole decoded source text; offsets of the result index into it.
    start, end : int, optional
        The part of the source that holds the document.
    path : path-like, optional
        Named in errors.

    Returns
    -------
    Outline
        Nodes in document order (annexes, chapters, sections, items, sub-items,
        paragraphs, headings, footnotes) and notes on what was repaired or missing.

    A text with no numbered structure (a press release, a notice) gives
    paragraphs and headings only. A task table flattened to text (a header row
    naming 序号 / 工作任务 / 牵头单位 …) gives one item per row, with its cells.

    Raises
    ------
    ParseError
        The text is empty.

    Examples
    --------
    >>> text = "一、跨界基础设施\\n\\n1. 加快协商通行政策。（省发展改革委）"
    >>> text += "\\n\\n2. 力争建成\\n\\n通车。（广铁集团）"
    >>> for node in parse_outline(text).nodes:
    ...     print(node.level, node.item_no, node.text)
    chapter None 跨界基础设施
    item 1 加快协商通行政策。（省发展改革委）
    item 2 力争建成通车。（广铁集团）
    """
    end = len(source) if end is None else end
    notes: list[Note] = []
    physical = wording_lines(source, start, end)
    units = list(_units(source, start, end, notes, physical))
    if not units:
        raise ParseError("the text is empty", path=path, line=1, expected="a document of the genre")
    builder = _Builder(source)
    builder.notes = notes
    lines = list(map(_NUMBER_AND_WORDING, physical))
    table = clauses.read_table(source, lines)
    table_read = False
    for index, unit in enumerate(units):
        if table is not None and table.start <= unit.start < table.rows[-1].end:
            if not table_read:
                builder.table(table)
                table_read = True
            continue
        builder.feed(unit, units[index + 1] if index + 1 < len(units) else None)
    builder.finish()
    _check_truncation(builder, source)
    return Outline(builder.nodes, builder.notes)


def _check_truncation(builder: _Builder, source: str) -> None:
    """Note a document that ends inside an unfinished sentence or clause."""
    last = builder.nodes[-1]
    tail = normalize(source[last.start : last.end]).rstrip()
    if _balance(tail) > 0 or (tail and tail[-1] in _OPEN_ENDINGS):
        builder.notes.append(
            Note(
                last.line,
                "truncated",
                "the text ends inside an unfinished sentence or an unclosed parenthesis: "
                "the document may be truncated",
            )
        )
