"""Figures stage: money amounts, counts, shares, growth rates, multiples and volumes in prose.

The extractor works on the normalised, page-break-repaired view of a text (the
text and source map of :class:`coopstats.text.TextView`, sliced from one view
of the document built once, its map one run of offsets a line), so full-width digits and
numbers split by a line break are read like any other, and maps every match
back to the source: ``text[start:end] == surface`` holds for any input.

A *mention* is a number (Arabic digits with comma or space thousands separators,
or Chinese numerals) followed by what it counts: a scale (億, 萬, 萬億, 千 …), a
unit (元 and a currency, %, 個百分點, 倍, 成, 立方米, 噸 …) or a classifier (家,
項, 個 …). What the number is *not* is read from its surroundings: a year or date
(followed by 年/月/日), a duration (個月, 小時, 年以上), an ordinal (第, 首), a
footnote marker (a bare digit glued to a figure), a name or rating (PM2.5,
±800千伏) or a fixed collective designation from ``figure_stoplist.csv`` (兩地,
九省区, 9+2). A bare number with no unit is never a figure.

The words are the genre's vocabulary (:mod:`coopstats.vocabulary`): currencies
in every written form, 元, scales, units, classifiers, percentage points. Each
number goes through small steps, each returning an immutable record: read the
number, read its unit, qualify it (approximation, a currency before it),
resolve its currency (:func:`resolve_currency`), classify its measure, locate
its period (:func:`coopstats.periods.resolve_period`, against the publication
date).

What is read at all is gated (:func:`_figure_gate`): a view with no digit or
numeral that a unit's first character follows, no 分之, no currency note and
no malformed or overlong number has no figure and is not read; in a document
(:func:`document_figure_columns`) the gate runs over each provision's part of
the document's one view, so a provision it finds nothing in gets no view of
its own.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import logging
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from coopstats import vocabulary
from coopstats._resources import data_dir
from coopstats.errors import FigureWarning
from coopstats.periods import (
    CARRY_WORDS,
    Period,
    PeriodMention,
    Reference,
    find_periods,
    own_year,
    period_resolution,
)
from coopstats.schemas import FRAMES, Column
from coopstats.tables import Table, TableCell, find_tables
from coopstats.text import (
    CHINESE_DIGITS,
    CHINESE_GROUPS,
    CHINESE_PLACES,
    TextView,
    parse_chinese_numeral,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FIGURE_COLUMNS",
    "CurrencyReading",
    "document_figure_columns",
    "document_figures",
    "extract_figures",
    "parse_chinese_numeral",
    "resolve_currency",
]

logger = logging.getLogger(__name__)

# The columns of an extraction: those declared for cs.figures(), less the document's own.
FIGURE_COLUMNS: tuple[str, ...] = tuple(
    column.name for column in FRAMES["figures"] if column.name not in ("doc_id", "para_no", "node_id")
)

#: How far a figure's ``sentence`` reaches on each side of it (characters): a sentence is where it
#: ends, or this far, whichever is nearer, so a text with no sentence punctuation (a flattened page)
#: costs what its figures cost, not its length once per figure.
SENTENCE_REACH = 400
#: The same for a figure's ``clause`` (and ``lead_in``, ``context``, ``subject``).
CLAUSE_REACH = 160
_MAX_DIGITS = 20  # longer digit strings are not figures of this genre
_DENSE = 200  # a view with a number for fewer characters than this lists its clause marks at once

# ---------------------------------------------------------------------------
# Vocabulary: derived from coopstats.vocabulary (data/reference/vocabulary.csv)
# ---------------------------------------------------------------------------

_CHINESE_NUMERAL_CHARS = "".join([*CHINESE_DIGITS, *CHINESE_PLACES, *CHINESE_GROUPS])


def _in_order(words: Sequence[str]) -> str:
    """A regex alternation of ``words`` in their order: an anchored match finds the first that fits."""
    return "|".join(map(re.escape, words)) if words else "(?!)"


@dataclass(frozen=True)
class _Words:
    """The genre's words the figures stage reads, derived once from the vocabulary."""

    scales: dict[str, float]
    scale_forms: tuple[str, ...]
    currencies: dict[str, str]  # every written form of a currency -> ISO code, longest first
    currency_forms: tuple[str, ...]
    yuan: tuple[str, ...]
    physical: dict[str, str]
    physical_forms: tuple[str, ...]
    percent_points: tuple[str, ...]
    classifiers: tuple[str, ...]
    not_a_scale: tuple[str, ...]  # words that begin with a scale character but are units or ratings
    currency_note: re.Pattern[str]
    subject_trim_end: re.Pattern[str]
    # the last characters of subject_trim_end's words: a lead-in ending otherwise keeps all
    subject_trim_last: frozenset[str]
    # anchored patterns (``.match(text, pos)``), each trying its words in their order
    scale_at: re.Pattern[str]
    not_a_scale_at: re.Pattern[str]
    unit_at: re.Pattern[str]  # the unit words of _unit_word, one named group per kind, in its order
    unit_ahead: re.Pattern[str]  # what may follow a number that has a unit: its first character


@cache
def _words() -> _Words:
    scales = vocabulary.scales()
    currencies = vocabulary.currency_forms()
    physical = vocabulary.physical_units()
    yuan = vocabulary.yuan_forms()
    scale_chars = {form[0] for form in scales}
    not_a_scale = tuple(
        sorted({f for f in physical if f[0] in scale_chars} | set(_RATINGS) | {"百分"}, key=len, reverse=True)
    )
    label = r"(?:單位|单位|貨幣單位|货币单位)"
    amount = rf"(?:{vocabulary.alternation(scales)})?\s*(?:{vocabulary.alternation(yuan)})?"
    cur = vocabulary.alternation(currencies)
    after = rf"(?:{vocabulary.alternation(yuan)})?"
    note = re.compile(
        rf"""[(（]\s*(?:{label}\s*[:：]?\s*)?{amount}\s*(?P<c1>{cur})\s*{after}\s*[,，、;；]\s*下同\s*[)）]
           | (?:[(（]\s*)?{label}\s*[:：]\s*{amount}\s*(?P<c2>{cur})\s*{after}
             \s*(?:[,，、;；]\s*下同)?\s*[)）]?""",
        re.VERBOSE,
    )
    # before a number: what is not its subject
    trim_words = (
        "約",
        "约",
        "大約",
        "大约",
        "逾",
        "超過",
        "超过",
        "突破",
        "近",
        "接近",
        "為",
        "为",
        "是",
        "達",
        "达",
        "達到",
        "达到",
        "有",
        "共有",
        "共",
        "了",
        "已",
        "至",
        "增至",
    )
    # one trailing run of those words: searched behind their first characters, so only where one begins
    trim_first = "".join(sorted(map(re.escape, {word[0] for word in (*trim_words, *currencies, "的")})))
    trim = _behind_first_characters(rf"(?:{'|'.join(trim_words)}|{cur}|的|\s)+$", rf"\s{trim_first}")
    trim_last = frozenset(word[-1] for word in (*trim_words, *currencies, "的"))
    percent_points = vocabulary.percent_point_forms()
    classifiers = vocabulary.classifiers()
    in_currency = _in_order(tuple(currencies))
    unit_at = re.compile(
        "|".join(
            [
                "(?P<percent>[%‰])",
                f"(?P<pp>{_in_order(percent_points)})",
                f"(?P<money>{in_currency})",
                f"(?P<yuan>{_in_order(yuan)})(?P<after>{in_currency})?",
                "(?P<multiple>倍)",
                f"(?P<tenths>成)(?!{_in_order(_CHENG_WORD_STARTS)})",
                f"(?P<rating>{_in_order(_RATINGS)})",
                f"(?P<physical>{_in_order(tuple(physical))})",
                f"(?P<time>{_in_order(_TIME_WORDS)})",
                f"(?P<count>{_in_order(classifiers)})",
            ]
        )
    )
    # _read_unit skips up to two spaces, an approximation suffix or a scale, then one more space
    leads = {*_ABOUT_SUFFIX, *scales, "%", "‰", "倍", "成"}
    leads |= {w[0] for w in (*percent_points, *currencies, *yuan, *physical, *classifiers)}
    unit_ahead = re.compile(" {0,3}[" + "".join(sorted(map(re.escape, {w[0] for w in leads}))) + "]")
    return _Words(
        scales=scales,
        scale_forms=tuple(scales),
        currencies=currencies,
        currency_forms=tuple(currencies),
        yuan=yuan,
        physical=physical,
        physical_forms=tuple(physical),
        percent_points=percent_points,
        classifiers=classifiers,
        not_a_scale=not_a_scale,
        currency_note=note,
        subject_trim_end=trim,
        subject_trim_last=trim_last,
        scale_at=re.compile(_in_order(tuple(scales))),
        not_a_scale_at=re.compile(_in_order(not_a_scale)),
        unit_at=unit_at,
        unit_ahead=unit_ahead,
    )


# Ratings and names after a number: ±800千伏, 500千伏 are not quantities.
_RATINGS = ("千伏", "伏", "kV")

# What after a classifier or a number makes it a duration or a date, not a figure.
_TIME_WORDS = (
    "年",
    "月",
    "日",
    "號",
    "号",
    "天",
    "週",
    "周",
    "星期",
    "小時",
    "小时",
    "分鐘",
    "分钟",
    "秒",
    "季度",
    "季",
    "工作日",
    "歲",
    "岁",
    "世紀",
    "世纪",
)

# 成 that begins a word (成為, 成立 …) rather than meaning "tenths".
_CHENG_WORD_STARTS = tuple("為为立果功本員员熟效交績绩就長长型品份都不")
_ABOUT_SUFFIX = ("多", "余", "餘")

_APPROX_BEFORE: tuple[tuple[str, str], ...] = (
    ("大約", "about"),
    ("大约", "about"),
    ("約", "about"),
    ("约", "about"),
    ("接近", "about"),
    ("將近", "about"),
    ("将近", "about"),
    ("近", "about"),
    ("超過", "over"),
    ("超过", "over"),
    ("突破", "over"),
    ("逾", "over"),
    ("多於", "over"),
    ("多于", "over"),
    ("至少", "at-least"),
    ("不少於", "at-least"),
    ("不少于", "at-least"),
    ("不足", "under"),
    ("不到", "under"),
)
_APPROX_AFTER: tuple[tuple[str, str], ...] = (
    ("以上", "at-least"),
    ("左右", "about"),
    ("以下", "under"),
    ("以內", "under"),
    ("以内", "under"),
)
_APPROX_BEFORE_WORDS = tuple(word for word, _ in _APPROX_BEFORE)
_APPROX_AFTER_WORDS = tuple(word for word, _ in _APPROX_AFTER)
# Words between an approximation word and the number: 約為港幣, 超過了.
_LINK_WORDS = ("為", "为", "是", "達", "达", "了", "有", "共", "佔", "占")

_DECLINE_WORDS = vocabulary.measure_words("decline")
_GROWTH_WORDS = vocabulary.measure_words("growth")
# Comparisons that give a difference in percentage points its sign: 低于全国1.2个百分点.
_PP_LOWER = ("低於", "低于", "慢")
_PP_HIGHER = ("高於", "高于", "快")
_CONTRIBUTION_WORDS = ("貢獻率", "贡献率", "拉動", "拉动")
_CONTRIBUTION = re.compile(_in_order(_CONTRIBUTION_WORDS))
# 提高至, 下降到: the number after is the level reached.
_TO_A_LEVEL = re.compile(r"\s*(?:了)?\s*(?:至|到)")
_SHARE_WORDS = vocabulary.measure_words("share")
_RATE_NOUNS = ("升幅", "增幅", "增速", "跌幅", "降幅")
# A rate named after the number: 23.6%的跌幅, 61.5%之按年增幅.
_RATE_AFTER = re.compile(r"\s*(?:的|之)\s*(?:按年|按月|按季)?\s*(?P<word>增幅|升幅|增長|增长|跌幅|降幅)")
_FORECAST_WORDS = re.compile(r"預計|预计|預測|预测|預期|预期|有望|估計|估计")
_TARGET_WORDS = re.compile(r"力爭|力争|目標|目标|爭取|争取|計劃|计划|規劃|规划|將達到|将达到")


# ---------------------------------------------------------------------------
# Patterns
# ---------------------------------------------------------------------------

# A run of characters that may be an Arabic number, checked afterwards: digits
# with commas, points or space-separated groups of three.
_ARABIC_CANDIDATE = re.compile(
    r"""
    [0-9]                            # a digit first, so that the search skips to the digits
    (?<![0-9A-Za-z.+±][0-9])         # not inside a name (PM2.5), a code or a rating (±800)
    (?:
        [0-9,.]*[0-9]                # 31,280 / 12.6 / 12,33,4 (checked later) / 1..5
      | (?:\ [0-9]{3})+(?![0-9])     # 3 800 / 107 464: space thousands separators
    )?
    (?:\ [0-9]{3}(?![0-9]))*         # a space group after a comma run
    """,
    re.VERBOSE,
)
_WELL_FORMED_ARABIC = re.compile(
    r"""^(?:
        [0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?    # comma thousands separators
      | [0-9]{1,3}(?:\ [0-9]{3})+                # space thousands separators
      | [0-9]+(?:\.[0-9]+)?                      # plain digits, optional decimals
    )$""",
    re.VERBOSE,
)
_CHINESE_NUMERAL_RUN = re.compile(
    rf"""
    [〇零一二三四五六七八九十兩两]             # a numeral starts with a digit or 十
    (?<![第首{_CHINESE_NUMERAL_CHARS}].)      # 第十六次, 首屆: ordinals; not mid-numeral
    [{_CHINESE_NUMERAL_CHARS}]*
    (?:[點点][〇零一二三四五六七八九]+)?      # 四点三
    """,
    re.VERBOSE,
)
# 百分之四点三 / 百分之12: a percentage written out.
_PERCENT_WORDS = re.compile(
    rf"百分之(?P<number>[0-9]+(?:\.[0-9]+)?|[{_CHINESE_NUMERAL_CHARS}]+(?:[點点][〇零一二三四五六七八九]+)?)"
)
# 三分之一: a fraction, read as a percentage.
_FRACTION_WORDS = re.compile(
    rf"(?P<denominator>[0-9]+|[{_CHINESE_NUMERAL_CHARS}]+)分之(?P<numerator>[0-9]+|[{_CHINESE_NUMERAL_CHARS}]+)"
)
_SENTENCE_END = re.compile(r"[。；;！？!?]")
# A clause mark, or a comma but one between two digits (a thousands separator); one character class
# first, so that the search skips to the marks.
_CLAUSE_BOUNDARY = re.compile(r"[。；;！？!?:：()「」《》、,](?<![0-9],(?=[0-9]))")
# What a currency note (_Words.currency_note) cannot be without, besides 下同: a unit label, its colon.
_UNIT_LABEL_COLON = re.compile(r"[單单]位\s*[:：]")
# 由 … (時的|原來的) X … 增至 Y: X is the value before a change, of another period.
_CHANGE_FROM = re.compile(r"由[^,，]*$")
_CHANGE_TO = re.compile(
    r"[^,，]{0,12}?(?:增至|增加到|增加至|擴展至|扩展至|擴大至|扩大至|升至|降至|減至|减至|提高到|提高至)"
)


@dataclass(frozen=True)
class _Stopword:
    term: str
    kind: str


@cache
def _stoplist() -> tuple[_Stopword, ...]:
    path = data_dir() / "reference" / "figure_stoplist.csv"
    with path.open(encoding="utf-8") as handle:
        return tuple(_Stopword(row["term"], row["kind"]) for row in csv.DictReader(handle))


@cache
def _stop_pattern() -> re.Pattern[str]:
    terms = sorted((w.term for w in _stoplist()), key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in terms))


# ---------------------------------------------------------------------------
# Records: what each step reads
# ---------------------------------------------------------------------------


class _Number(NamedTuple):
    """A number as written: view offsets, value, place value of its last digit, how it is written."""

    i: int
    j: int
    value: float
    resolution: float
    script: str  # arabic, chinese, percent-words, fraction


class _Unit(NamedTuple):
    """What follows a number: kind (money, percent, pp, multiple, tenths, physical, count, scale)."""

    kind: str
    unit: str  # a currency code ("" for a bare 元), percent, pp, times, count or a physical unit
    multiplier: float
    end: int
    bound: str | None


class _Qualifier(NamedTuple):
    """Approximation and a currency written before the number."""

    approx: bool
    bound: str | None
    currency_before: str | None


@dataclass(frozen=True)
class CurrencyReading:
    """The currency of an amount and its source: ``explicit``, ``carried``, ``issuer`` or ``default``."""

    unit: str | None
    source: str | None
    flag: str | None = None


class _MeasureReading(NamedTuple):
    measure: str
    sign: int


class _Context:
    """One view, read once: everything the steps look up by offset.

    Sentence and clause boundaries are looked up around each figure, within
    :data:`SENTENCE_REACH` and :data:`CLAUSE_REACH` of it (forwards in the text,
    backwards in the text reversed), so a long text with few figures is not
    read for them from end to end; a figure before the mark that ended the last
    figure's sentence takes that sentence without a search, and a text dense
    with numbers (one for fewer than :data:`_DENSE` characters) lists its clause
    and sentence marks at once. What a sentence gives its figures (its text, its
    period words, whether it keeps the period before) is read once per sentence
    (:class:`_Sentence`).
    """

    __slots__ = (
        "_last_sentence",
        "_reversed",
        "breaks",
        "carried_currency",
        "clause_marks",
        "default_currency",
        "issuer_currency",
        "mentions",
        "note_codes",
        "note_starts",
        "ref",
        "sentence_marks",
        "sentence_read",
        "stopped",
        "text",
        "view",
    )

    def __init__(
        self,
        view: TextView,
        ref: Reference,
        *,
        issuer_currency: str | None,
        default_currency: str | None,
        carried_currency: str | None,
        breaks: tuple[int, ...] = (),
    ) -> None:
        text = view.text
        words = _words()
        self.view = view
        self.text = text
        self.ref = ref
        self.issuer_currency = issuer_currency
        self.default_currency = default_currency
        self.carried_currency = carried_currency
        self.breaks = breaks  # a table's lines end sentences and clauses of the prose around them
        self._reversed: str | None = None
        self.clause_marks: list[int] | None = None  # every clause mark, where listed
        self.sentence_marks: list[int] | None = None  # every sentence mark, where listed
        # (figure, start, mark, end) of the last sentence found whose ends no reach or break cut
        self._last_sentence: tuple[int, int, int, int] | None = None
        self.sentence_read: _Sentence | None = None  # the last figure's sentence (:func:`_sentence`)
        self.mentions: dict[int, list[PeriodMention]] = {}  # sentence start -> its period words
        self.stopped: bytearray | bool | None = None  # read on first use: a text may have no number
        starts: list[int] = []
        codes: list[str] = []
        if "下同" in text or _UNIT_LABEL_COLON.search(text):
            for m in words.currency_note.finditer(text):
                starts.append(m.start())
                codes.append(words.currencies[m["c1"] or m["c2"]])
        self.note_starts = starts
        self.note_codes = codes

    def is_stopped(self, i: int, j: int) -> bool:
        """Whether a stop-list term stands on any of the characters ``i`` to ``j``."""
        if self.stopped is None:
            stopped: bytearray | bool = False  # no term in the text
            for m in _stop_pattern().finditer(self.text):
                if stopped is False:
                    stopped = bytearray(len(self.text))
                stopped[m.start() : m.end()] = b"\x01" * (m.end() - m.start())  # type: ignore[index]
            self.stopped = stopped
        return self.stopped is not False and self.stopped.find(1, i, j) >= 0  # type: ignore[union-attr]

    def note_before(self, pos: int) -> str | None:
        """The currency of the last carry-forward note starting at or before ``pos``."""
        k = bisect.bisect_right(self.note_starts, pos)
        return self.note_codes[k - 1] if k else None

    def _last_before(
        self, pattern: re.Pattern[str], i: int, reach: int, marks: list[int] | None = None
    ) -> int:
        """Where a clause or sentence that ``i`` is in starts, looking back ``reach`` characters.

        The end of the last one-character match of ``pattern`` (or a break)
        ending at or before ``i``, but not before ``i - reach`` (nor 0).

        ``pattern`` reads the same reversed (its one-character matches look at
        both neighbours alike), so it is searched forwards in the reversed text;
        or its matches are ``marks``, listed (ascending offsets).
        """
        text = self.text
        if marks is not None:
            k = bisect.bisect_left(marks, i)  # the last mark before i, within reach (as searched)
            start = marks[k - 1] + 1 if k and marks[k - 1] >= i - reach - 1 else 0
        else:
            if self._reversed is None:
                self._reversed = text[::-1]
            n = len(text)
            last = n - 1 - max(0, i - reach - 1)  # the reversed offset of the earliest character looked at
            found = pattern.search(self._reversed, n - i, min(n, last + 2))
            start = n - found.start() if found is not None and found.start() <= last else 0
        if self.breaks:
            k = bisect.bisect_right(self.breaks, i)
            if k:
                start = max(start, self.breaks[k - 1])
        return max(start, i - reach)

    def _first_from(self, pattern: re.Pattern[str], j: int, reach: int) -> int:
        """Where the clause of ``j`` ends: the first match or break from ``j``, ``reach`` away at most."""
        text = self.text
        found = pattern.search(text, j, min(len(text), j + reach + 1))
        end = found.start() if found is not None else len(text)
        if self.breaks:
            k = bisect.bisect_left(self.breaks, j)
            if k < len(self.breaks):
                end = min(end, self.breaks[k])
        return min(end, j + reach)

    def sentence(self, i: int) -> tuple[int, int]:
        """The sentence of the figure at ``i``: after the mark before it, to its mark (or a reach).

        Figures come in text order: one after the last figure, before the mark that
        ended its sentence, has that sentence, when neither end was cut by a reach or
        a break (the same marks are the nearest on both sides).
        """
        last = self._last_sentence
        if last is not None and last[0] <= i < last[2] < i + SENTENCE_REACH and last[1] >= i - SENTENCE_REACH:
            return last[1], last[3]
        # a run-on text with no sentence punctuation is not one sentence per figure
        text = self.text
        marks = self.sentence_marks
        start = self._last_before(_SENTENCE_END, i, SENTENCE_REACH, marks)
        if marks is None:
            found = _SENTENCE_END.search(text, i, i + SENTENCE_REACH)  # its sentence ends after its mark
            mark = found.start() if found is not None else None
        else:  # the first listed mark from i, within the searched reach
            k = bisect.bisect_left(marks, i)
            mark = marks[k] if k < len(marks) and marks[k] < i + SENTENCE_REACH else None
        end = mark + 1 if mark is not None else len(text)
        if self.breaks:
            k = bisect.bisect_right(self.breaks, i)
            if k < len(self.breaks):
                end = min(end, self.breaks[k])
        end = min(end, i + SENTENCE_REACH)
        cut = start <= i - SENTENCE_REACH and start != 0  # by the reach, not by a mark
        if mark is not None and end == mark + 1 and not self.breaks and not cut:
            # (start, mark) is the sentence of any later figure before the mark whose reach takes in both
            self._last_sentence = (i, start, mark, end)
        else:
            self._last_sentence = None
        return start, end

    def clause(self, i: int, j: int) -> tuple[int, int]:
        marks = self.clause_marks
        if marks is None:
            return self._last_before(_CLAUSE_BOUNDARY, i, CLAUSE_REACH), self._first_from(
                _CLAUSE_BOUNDARY, j, CLAUSE_REACH
            )
        # the same bounds from the listed marks: the last before i (within reach), the first from j
        k = bisect.bisect_left(marks, i)
        start = marks[k - 1] + 1 if k and marks[k - 1] >= i - CLAUSE_REACH - 1 else 0
        k = bisect.bisect_left(marks, j, k)
        end = marks[k] if k < len(marks) and marks[k] <= j + CLAUSE_REACH else len(self.text)
        if self.breaks:
            b = bisect.bisect_right(self.breaks, i)
            if b:
                start = max(start, self.breaks[b - 1])
            b = bisect.bisect_left(self.breaks, j)
            if b < len(self.breaks):
                end = min(end, self.breaks[b])
        return max(start, i - CLAUSE_REACH), min(end, j + CLAUSE_REACH)

    def list_marks(self) -> None:
        """List every clause and sentence mark of the text at once (dense with numbers: one search each)."""
        self.clause_marks = [m.start() for m in _CLAUSE_BOUNDARY.finditer(self.text)]
        self.sentence_marks = [m.start() for m in _SENTENCE_END.finditer(self.text)]


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------


def _chinese_resolution(text: str) -> float:
    """Place value of the last written digit of a Chinese numeral (八百三十 → 10, 十二 → 1)."""
    resolution = 1.0
    for ch in text:
        if ch in CHINESE_DIGITS:
            resolution = 1.0
        elif ch in CHINESE_PLACES:
            resolution = float(CHINESE_PLACES[ch])
        elif ch in CHINESE_GROUPS:
            resolution *= float(CHINESE_GROUPS[ch])
    return resolution


def _arabic_value(raw: str) -> tuple[float, float]:
    """Value and resolution of a well-formed Arabic number."""
    digits = raw.replace(",", "") if "," in raw else raw
    if " " in digits:
        digits = digits.replace(" ", "")
    point = digits.find(".")  # a well-formed number has one at most
    return float(digits), 10.0 ** -(len(digits) - point - 1 if point >= 0 else 0)


def _split_at_list_comma(raw: str) -> tuple[str, str] | None:
    """Split a malformed run at the one comma that leaves two well-formed numbers, if there is one."""
    for k, ch in enumerate(raw):
        if ch == "," and _WELL_FORMED_ARABIC.match(raw[:k]) and _WELL_FORMED_ARABIC.match(raw[k + 1 :]):
            return raw[:k], raw[k + 1 :]
    return None


def _unit_after(text: str, j: int, ahead: re.Pattern[str]) -> _Unit | None:
    """:func:`_read_unit` at ``j``, after a first look at the character that must come next."""
    return _read_unit(text, j) if ahead.match(text, j) else None


def _arabic_numbers(
    text: str, ahead: re.Pattern[str], covered: bytearray | None, found: list[tuple[_Number, _Unit]]
) -> None:
    """The Arabic numbers of a view: those with a unit go to ``found``.

    Each takes its characters in ``covered``, where given.
    """
    for m in _ARABIC_CANDIDATE.finditer(text):
        raw = m.group()
        i, j = m.span()
        if j - i > _MAX_DIGITS:  # the run has only digits, separators and points
            digit_count = sum(ch.isdigit() for ch in raw)
            if digit_count > _MAX_DIGITS:
                warnings.warn(
                    f"skipped a number of {digit_count} digits at offset {i} "
                    f"(expected at most {_MAX_DIGITS} digits)",
                    FigureWarning,
                    stacklevel=5,
                )
                continue
        if raw.isdigit() or _WELL_FORMED_ARABIC.match(raw):  # digits alone are well formed (the run is ASCII)
            if covered is not None:
                covered[i:j] = b"\x01" * (j - i)
            if text[j : j + 1] in _SIGNS:  # _read_unit's first step, inline: a sign is its unit
                unit: _Unit | None = _Unit("percent", "percent", 1.0, j + 1, None)
            else:
                unit = _read_unit(text, j) if ahead.match(text, j) else None  # _unit_after, inline
            if unit is not None:
                # plain digits (ASCII, the run's): their value, a resolution of one (_arabic_value's)
                value, resolution = (float(raw), 1.0) if raw.isdigit() else _arabic_value(raw)
                found.append((_Number(i, j, value, resolution, "arabic"), unit))
            continue
        pieces = _split_at_list_comma(raw)
        if pieces is not None:  # 共5，3,000家: two numbers, the comma is punctuation
            for offset, piece in ((0, pieces[0]), (len(pieces[0]) + 1, pieces[1])):
                a, b = i + offset, i + offset + len(piece)
                if covered is not None:
                    covered[a:b] = b"\x01" * (b - a)
                unit = _unit_after(text, b, ahead)
                if unit is not None:
                    found.append((_Number(a, b, *_arabic_value(piece), "arabic"), unit))
        elif _read_unit(text, j) is not None or "," in raw or ".." in raw:
            warnings.warn(
                f"skipped the malformed number {raw!r} at offset {i} "
                "(expected digits with thousands separators every three digits and one decimal point)",
                FigureWarning,
                stacklevel=5,
            )


def _scan_numbers(text: str) -> list[tuple[_Number, _Unit]]:
    """The numbers of a view that have a unit, with it, in text order; bad numbers skipped with a warning.

    Every number takes its characters (a fraction or a Chinese numeral is not
    read inside an Arabic number or a written-out percentage); only those a
    unit follows (:func:`_read_unit`) can be figures.
    """
    ahead = _words().unit_ahead
    found: list[tuple[_Number, _Unit]] = []
    # What numbers took is read only where a written-out percentage or a fraction may stand (a Chinese
    # numeral has none of an Arabic number's characters): otherwise nothing is marked.
    covered = bytearray(len(text)) if "分之" in text else None
    _arabic_numbers(text, ahead, covered, found)
    arabic = len(found)  # in text order: candidates found one after another, a split run's pieces in order
    if covered is not None:
        for m in _PERCENT_WORDS.finditer(text):
            value = _numeral(m["number"])
            if value is not None:
                i, j = m.span()
                covered[i:j] = b"\x01" * (j - i)
                found.append(
                    (_Number(i, j, value, 0.0, "percent-words"), _Unit("percent", "percent", 1.0, j, None))
                )
        for m in _FRACTION_WORDS.finditer(text):
            i, j = m.span()
            if any(covered[i:j]):
                continue
            d, n = _numeral(m["denominator"]), _numeral(m["numerator"])
            if d and n is not None and d > 0:
                covered[i:j] = b"\x01" * (j - i)
                found.append(
                    (_Number(i, j, 100.0 * n / d, 0.0, "fraction"), _Unit("percent", "percent", 1.0, j, None))
                )
    follows = ahead.match
    # most runs are words (进一步, 统一): those a unit does not follow are left in one comprehension
    for m in [m for m in _CHINESE_NUMERAL_RUN.finditer(text) if follows(text, m.end())]:
        i, j = m.span()
        if covered is not None and any(covered[i:j]):
            continue
        raw = m.group()
        value = parse_chinese_numeral(raw)  # a trailing scale character stays with the unit reader
        if value is not None:
            unit = _read_unit(text, j)
            if unit is not None:
                found.append((_Number(i, j, value, _chinese_resolution(raw), "chinese"), unit))
    if len(found) > arabic:
        found.sort(key=_number_order)
    return found


def _percent(end: int) -> _Unit:
    """The unit of a percentage written out in words (百分之四, 三分之一), ending at ``end``."""
    return _Unit("percent", "percent", 1.0, end, None)


def _number_order(item: tuple[_Number, _Unit]) -> tuple[int, int]:
    return item[0].i, item[0].j


def _numeral(raw: str) -> float | None:
    return float(raw) if raw[0].isdigit() else parse_chinese_numeral(raw)


# ---------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------


_ALTERNATIONS: dict[int, tuple[tuple[str, ...], re.Pattern[str]]] = {}


def _alternation(words: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled alternation of ``words`` in their order, made once per tuple."""
    entry = _ALTERNATIONS.get(id(words))
    if entry is None or entry[0] is not words:
        entry = _ALTERNATIONS[id(words)] = (words, re.compile(_in_order(words)))
    return entry[1]


def _match_any(text: str, pos: int, words: tuple[str, ...]) -> str | None:
    """The first of ``words`` (in their order) that ``text`` has at ``pos``: one anchored match."""
    found = _alternation(words).match(text, pos)
    return found.group() if found else None


def _read_unit(text: str, pos: int) -> _Unit | None:
    """Read what follows a number; ``None`` when the number is a date, a duration, a rating or bare.

    A percent or per-mille sign right after the number is its unit at once (:data:`_SIGNS`).
    """
    if text[pos : pos + 1] in _SIGNS:
        return _Unit("percent", "percent", 1.0, pos + 1, None)
    words = _words()
    bound = None
    if text.startswith(" ", pos):  # up to two spaces
        pos += 2 if text.startswith("  ", pos) else 1
    if text.startswith(_ABOUT_SUFFIX, pos) and words.scale_at.match(text, pos + 1):
        pos += 1
        bound = "over"
    multiplier = 1.0
    scale = words.scale_at.match(text, pos)
    if scale and not words.not_a_scale_at.match(text, pos):
        multiplier = words.scales[scale.group()]
        pos = scale.end()
    if bound is None and text.startswith(_ABOUT_SUFFIX, pos):
        pos += 1
        bound = "over"
    unit = _unit_word(text, pos + 1 if text.startswith(" ", pos) else pos, multiplier, bound)
    if unit is not None:
        return None if unit is _NOT_A_FIGURE else unit
    return _Unit("scale", "count", multiplier, pos, bound) if multiplier != 1.0 else None


# What stands alone for its unit right after a number: no space, suffix or scale begins with it and
# _Words.unit_at's first group (percent) matches it by itself (tests/test_figure_steps.py compares).
_SIGNS = frozenset("%‰")
# A date, a duration or a rating after the number: no figure at all.
_NOT_A_FIGURE = _Unit("none", "", 1.0, 0, None)
# What the kinds of _Words.unit_at give: (kind, unit) with a fixed unit, or None (read from the word).
_UNIT_KINDS: dict[str, tuple[str, str | None] | None] = {
    "percent": ("percent", "percent"),
    "pp": ("pp", "pp"),
    "money": ("money", None),
    "yuan": ("money", ""),
    "after": ("money", None),
    "multiple": ("multiple", "times"),
    "tenths": ("tenths", "percent"),
    "physical": ("physical", None),
    "count": ("count", "count"),
}


def _unit_word(text: str, at: int, multiplier: float, bound: str | None) -> _Unit | None:
    """The unit word at ``at``: %, percentage points, a currency, 元, 倍, 成, a unit, a classifier.

    One anchored match of :attr:`_Words.unit_at`, whose groups try the kinds in
    this order, each kind's words in the vocabulary's order.
    """
    m = _words().unit_at.match(text, at)
    if m is None:
        return None
    group = m.lastgroup
    if group in ("rating", "time"):
        return _NOT_A_FIGURE  # ±800千伏, 500千伏: a rating; 5年, 3个月: a date or a duration
    kind, unit = _UNIT_KINDS[group]  # type: ignore[misc]
    end = m.end()
    if unit is None:
        words = _words()
        unit = words.physical[m.group()] if kind == "physical" else words.currencies[m[group]]
    elif kind == "count":
        word = m.group()
        if word == "位" and _match_any(text, end, ("數", "数")):
            return _NOT_A_FIGURE  # 2位數增長: double digits, not a count of persons
        if word in ("個", "个") and (
            _match_any(text, end, _TIME_WORDS) or _match_any(text, end, ("多月", "多小時", "多小时"))
        ):
            return _NOT_A_FIGURE  # 兩個月, 三個工作日: durations
    return _Unit(kind, unit, multiplier, end, bound)


def _is_figure(ctx: _Context, number: _Number, unit: _Unit) -> bool:
    """What the surroundings say the number is not: an article, prose, an ordinal."""
    text = ctx.text
    if number.script == "chinese":
        if text[number.i : number.j] == "一" and unit.kind == "count" and unit.multiplier == 1.0:
            return False  # 一套, 一項: an article, not a count
        if text[number.i : number.j] in ("零", "〇"):
            return False  # 零件, 零售: a word, not a zero (no release writes a zero count in words)
        if unit.kind == "scale":
            return False  # a bare Chinese numeral with a scale word is prose (萬一, 千百)
    i = number.i
    # 第 or 首 right before, or before one space character: an ordinal
    return not (i and (text[i - 1] in "第首" or (i > 1 and text[i - 2] in "第首" and text[i - 1].isspace())))


def _qualify(ctx: _Context, number: _Number, unit: _Unit) -> _Qualifier:
    """Approximation words around the number and a currency written just before it."""
    words = _words()
    window = ctx.text[max(0, number.i - 10) : number.i].rstrip()
    currency = None
    if not window or window[-1] not in _qualifier_last():  # no currency, link or approximation word ends it
        after = (
            _approx_after(ctx.text, unit.end) if ctx.text.startswith(_APPROX_AFTER_WORDS, unit.end) else None
        )
        bound = unit.bound or after
        return _PLAIN if bound is None else _Qualifier(True, bound, None)
    if window.endswith(words.currency_forms):  # which one: the first in their order
        for form in words.currency_forms:
            if window.endswith(form):
                currency = words.currencies[form]
                window = window[: -len(form)].rstrip()
                break
    if window.endswith(_LINK_WORDS):
        for word in _LINK_WORDS:
            if window.endswith(word):
                window = window[: -len(word)].rstrip()
                break
    bound = None
    if window.endswith(_APPROX_BEFORE_WORDS):
        bound = next(b for word, b in _APPROX_BEFORE if window.endswith(word))
    after = _approx_after(ctx.text, unit.end) if ctx.text.startswith(_APPROX_AFTER_WORDS, unit.end) else None
    bound = unit.bound or after or bound
    if bound is None and currency is None:
        return _PLAIN
    return _Qualifier(bound is not None, bound, currency)


_PLAIN = _Qualifier(False, None, None)  # no approximation, no currency before


def _approx_after(text: str, end: int) -> str:
    """The bound of the approximation word at ``end`` (one of :data:`_APPROX_AFTER`'s is there)."""
    return next(b for word, b in _APPROX_AFTER if text.startswith(word, end))


@cache
def _qualifier_last() -> frozenset[str]:
    """The last characters of the words :func:`_qualify` reads before a number (currencies, links, bounds).

    A window ending in none of them ends in none of those words, and stripping none leaves it as it is.
    """
    return frozenset(word[-1] for word in (*_words().currency_forms, *_LINK_WORDS, *_APPROX_BEFORE_WORDS))


def resolve_currency(
    written: str | None,
    *,
    note: str | None = None,
    carried: str | None = None,
    issuer: str | None = None,
    default: str | None = None,
) -> CurrencyReading:
    """The currency of an amount in 元: as written, else a note's, the issuer's, the default.

    Parameters
    ----------
    written : str or None
        A currency written with the amount (港幣30億元, 30億元人民幣, 30億港元).
    note : str, optional
        The currency of the last carry-forward note before it ("(人民幣，下同)").
    carried : str, optional
        A note's currency carried from an earlier part of the document.
    issuer : str, optional
        The currency of the issuer's texts (:func:`coopstats.vocabulary.issuer_currency`).
    default : str, optional
        The caller's default, used when nothing else says.

    Returns
    -------
    CurrencyReading
        ``unit`` and ``source`` (``explicit``, ``carried``, ``issuer``, ``default``);
        with none of them, ``unit`` is ``None`` and ``flag`` is ``currency-unknown``.

    Examples
    --------
    >>> resolve_currency(None, note="MOP", issuer="HKD")
    CurrencyReading(unit='MOP', source='carried', flag=None)
    >>> resolve_currency(None, issuer="CNY", default="HKD").source
    'issuer'
    >>> resolve_currency(None).flag
    'currency-unknown'
    """
    for unit, source in ((written, "explicit"), (note, "carried"), (carried, "carried"), (issuer, "issuer")):
        if unit:
            return _reading(unit, source)
    if default:
        return _reading(default, "default")
    return _UNKNOWN_CURRENCY


_READINGS: dict[tuple[str, str], CurrencyReading] = {}  # (unit, source) -> its (immutable) reading
_UNKNOWN_CURRENCY = CurrencyReading(None, None, "currency-unknown")


def _reading(unit: str, source: str) -> CurrencyReading:
    """The reading of ``unit`` from ``source``, made once per pair."""
    reading = _READINGS.get((unit, source))
    if reading is None:
        if len(_READINGS) > 4096:  # kept small whatever currency codes come
            _READINGS.clear()
        reading = _READINGS[unit, source] = CurrencyReading(unit, source)
    return reading


_NOT_MONEY: dict[str, CurrencyReading] = {}  # the (immutable) reading of each unit that is not money


def _currency(ctx: _Context, unit: _Unit, qualifier: _Qualifier) -> CurrencyReading:
    if unit.kind != "money":
        reading = _NOT_MONEY.get(unit.unit)
        if reading is None:
            reading = _NOT_MONEY[unit.unit] = CurrencyReading(unit.unit, None)
        return reading
    return resolve_currency(
        unit.unit or qualifier.currency_before,
        note=ctx.note_before(unit.end + 2),
        carried=ctx.carried_currency,
        issuer=ctx.issuer_currency,
        default=ctx.default_currency,
    )


def _level_reached(lead_in: str) -> _MeasureReading:
    """提升1.5个百分点至56.6%, 升幅扩大至781.4%: the number after 至 is a level, of a rate or a share."""
    rates = [(lead_in.rfind(w), w) for w in _RATE_NOUNS if w in lead_in]
    if rates:
        return _MeasureReading("growth", -1 if max(rates)[1] in ("跌幅", "降幅") else 1)
    if any(word in lead_in for word in _SHARE_WORDS):
        return _MeasureReading("share", 1)
    return _MeasureReading("percent", 1)


# What stands between the items of a list of figures: nothing, 和, 及, 以及, 与, 或.
_LIST_LINK = re.compile(r"\s*(?:和|及|以及|与|與|或|、)?\s*")
_LISTED_FIGURE = re.compile(r"[0-9][0-9.,]*\s*(?:%|％|个百分点|個百分點)?")
# A character of neither: a lead-in with one is no list of figures.
_NOT_LISTED = re.compile(r"[^0-9.,\s%％个個百分点點和及以与與或、]")


# The measure of the units that say it themselves.
_FIXED_MEASURES = {
    "money": _MeasureReading("amount", 1),
    "count": _MeasureReading("count", 1),
    "scale": _MeasureReading("count", 1),
    "physical": _MeasureReading("volume", 1),
    "multiple": _MeasureReading("multiple", 1),
}


def _classify(lead_in: str, unit: _Unit, after: str) -> _MeasureReading:
    """Measure and sign from the unit and the words just before (or right after) the number."""
    fixed = _FIXED_MEASURES.get(unit.kind)
    if fixed is not None:
        return fixed
    if _CONTRIBUTION.search(lead_in):
        return _MeasureReading("contribution", 1)  # 拉动经济增长2.1个百分点: a part's contribution
    if unit.kind in ("percent", "tenths") and lead_in.rstrip().endswith(("至", "到")):
        return _level_reached(lead_in)
    # percentages, tenths, percentage points: the nearest keyword decides (the one ending last; of
    # words ending there, the first of the groups' order)
    keywords, meanings = _keywords(unit.kind == "pp")
    found = keywords.search(lead_in[::-1])
    if found is None:
        rate = _RATE_AFTER.match(after)
        if rate:
            return _MeasureReading("growth", -1 if rate["word"] in ("跌幅", "降幅") else 1)
        return _MeasureReading("percent", 1)
    reading = meanings[found.group()]
    if reading.measure == "growth" and _TO_A_LEVEL.match(lead_in, len(lead_in) - found.start()):
        return _MeasureReading("percent", 1)  # 提高至80%: a level reached, not a growth
    return reading


@cache
def _keywords(pp: bool) -> tuple[re.Pattern[str], dict[str, _MeasureReading]]:
    """The measure words, each reversed, in the order that decides ties, and their measure and sign.

    Searched in a lead-in reversed, the first match is the word ending last, and
    of the words ending there the first of this order.
    """
    groups: list[tuple[tuple[str, ...], str, int]] = [
        (_DECLINE_WORDS, "growth", -1),
        (_GROWTH_WORDS, "growth", 1),
        (_SHARE_WORDS, "share", 1),
    ]
    if pp:  # comparisons that give a difference in percentage points its sign
        groups += [(_PP_LOWER, "growth", -1), (_PP_HIGHER, "growth", 1)]
    meanings: dict[str, _MeasureReading] = {}
    for words, measure, sign in groups:
        for word in words:
            meanings.setdefault(word[::-1], _MeasureReading(measure, sign))
    return re.compile(_in_order(tuple(meanings))), meanings


_SUBJECT_TRIM_WORDS = (
    "而", "並", "并", "且", "另外", "此外", "其中", "同期", "當中", "当中", "同時", "同时", "目前", "現時",
    "现时", "至今", "已", "共", "總共", "总共",
)  # fmt: skip
_SUBJECT_TRIM_START = re.compile(rf"^(?:{'|'.join(map(re.escape, _SUBJECT_TRIM_WORDS))})+")
_SUBJECT_TRIM_FIRST = frozenset(word[0] for word in _SUBJECT_TRIM_WORDS)


def _behind_first_characters(body: str, first: str) -> re.Pattern[str]:
    """``body`` searched behind a lookahead on ``first``, the characters its matches start with.

    The search then skips every other character; ``first`` must hold every character a match of
    ``body`` can start with (``tests/test_figure_steps.py`` checks the gated pattern against ``body``).
    """
    return re.compile(f"(?=[{first}])(?:{body})")


# What may stand before a rate without naming its subject: 比去年, 較去年同期, 同比, 按年實質.
_COMPARISON_ONLY_BODY = (
    r"(?:比|較|较|與|与)?\s*(?:上年|去年|前年|上年同期|去年同期|(?:19|20)[0-9]{2}\s*年)(?:同期)?(?:相比)?"
    r"|同比|環比|环比|按年(?:實質|实质)?|按月|實質|实质|分别|分別|了|約|约"
)
_COMPARISON_ONLY = _behind_first_characters(
    _COMPARISON_ONLY_BODY, r"\s比較较與与上去前12同環环按實实分了約约"
)


def _outside(body: str) -> re.Pattern[str]:
    """A character that no match of ``body`` has: none of its non-ASCII characters, no digit, no space.

    ``body`` writes ASCII only as regex syntax, ``\\s`` and digits (``(?:19|20)[0-9]{2}``): its other
    characters are its literal words' (``tests/test_figure_steps.py`` checks the class against it).
    """
    words = "".join(sorted({ch for ch in body if not ch.isascii()}))
    return re.compile(f"[^\\s0-9{words}]")


_NOT_IN_COMPARISONS = _outside(_COMPARISON_ONLY_BODY)
_PERIOD_WORDS_BODY = (
    r"(?:在|於|于|截至|截止|自|從|从)?\s*(?:19|20)[0-9]{2}\s*年(?:[0-9]{1,2}\s*月)?(?:年?底|年?末)?"
    r"(?:以來|以来|起)?"
)
_PERIOD_WORDS = _behind_first_characters(_PERIOD_WORDS_BODY, r"\s在於于截自從从12")
# The words a rate's subject stands before (the last of each, in this order, cuts the lead-in).
_RATE_VERBS = (*_DECLINE_WORDS, *_GROWTH_WORDS, *_SHARE_WORDS, "為", "为", "是")
_RATE_VERB_CHARS = frozenset("".join(_RATE_VERBS))
_RATE_VERBS_BY_CHARS: dict[frozenset[str], tuple[str, ...]] = {}


def _rate_verbs_in(text: str) -> tuple[str, ...]:
    """The words of :data:`_RATE_VERBS` whose characters ``text`` has, in their order (memoised by them).

    A word ``text`` lacks a character of is not in it, nor in any part of it.
    """
    chars = _RATE_VERB_CHARS.intersection(text)
    found = _RATE_VERBS_BY_CHARS.get(chars)
    if found is None:
        if len(_RATE_VERBS_BY_CHARS) > 4096:  # kept small whatever texts come
            _RATE_VERBS_BY_CHARS.clear()
        found = _RATE_VERBS_BY_CHARS[chars] = tuple(w for w in _RATE_VERBS if chars.issuperset(w))
    return found


_COUNT_TAIL_STOP = re.compile(r"[在於于參参獲获被由向從从已將将可的擴扩增來来]|[0-9]|大幅")


def _subject(text: str, lead: str, j: int, measure: str, clause_end: int, kind: str) -> str:
    """What the figure is of: the words after a count, else the clause's words before it (``lead``)."""
    if kind in ("count", "scale", "physical"):
        tail = _COUNT_TAIL_STOP.split(text[j:clause_end], maxsplit=1)[0]
        if tail.strip():
            return tail.strip()[:16]
    if "年" in lead:  # every period word of _PERIOD_WORDS has it
        lead = _PERIOD_WORDS.sub("", lead)
    lead = lead.strip().lstrip("0123456789 ")
    if lead and lead[0] in _SUBJECT_TRIM_FIRST:
        lead = _SUBJECT_TRIM_START.sub("", lead)
    if measure in ("growth", "share", "multiple", "contribution"):
        # 比去年增長32.4%, 同比下降2.1%: the rate is of what the sentence spoke of before
        cut = len(lead)  # the lead-in before its last rate verb of each kind, in their order: lead[:cut]
        if measure != "share":
            for word in _rate_verbs_in(lead):
                at = lead.rfind(word, 0, cut)
                if at >= 0:
                    cut = at
        # a character no comparison word has stays after they are removed (_NOT_IN_COMPARISONS)
        if not _NOT_IN_COMPARISONS.search(lead, 0, cut) and not _COMPARISON_ONLY.sub("", lead[:cut]).strip():
            return ""
    if lead:
        words = _words()
        if lead[-1] in words.subject_trim_last or lead[-1].isspace():
            lead = words.subject_trim_end.sub("", lead)
    return lead.strip()[-24:]


class _Carry:
    """What a figure passes to the next: the period of its sentence and its subject (updated in place)."""

    __slots__ = ("period", "sentence", "sentence_start", "subject")

    def __init__(self) -> None:
        self.sentence_start = -1
        self.period: Period | None = None
        self.sentence: str | None = None
        self.subject = ""


#: The fields of a figure row, in this order (the frame takes the declared columns from them).
_FIELDS: tuple[str, ...] = (
    "start",
    "end",
    "surface",
    "value",
    "unit",
    "measure",
    "period",
    "period_start",
    "period_end",
    "period_kind",
    "status",
    "approx",
    "subject",
    "sentence",
    "bound",
    "currency_source",
    "flag",
    "resolution",
    "clause",
    "lead_in",
    "context",
    "table_no",
    "row_no",
    "column",
)
_Row = tuple[object, ...]  # one figure: the values of _FIELDS
_START, _END, _UNIT, _CURRENCY_SOURCE, _FLAG = (
    _FIELDS.index(name) for name in ("start", "end", "unit", "currency_source", "flag")
)
_row_order = itemgetter(_START, _END)


def _row_start(row: _Row) -> int:
    return int(row[_START])  # type: ignore[call-overload]


class _Sentence(NamedTuple):
    """What a sentence gives each of its figures, read once: its text, stripped, and its period words."""

    bounds: tuple[int, int]
    text: str
    stripped: str
    # it keeps the period before where it names none: it follows a ；, or opens with 其中, 同期 …
    carries: bool
    mentions: list[PeriodMention]


def _sentence(ctx: _Context, bounds: tuple[int, int]) -> _Sentence:
    """The sentence at ``bounds``: the last figure's when it is the same (only that one is kept).

    Its period words are those of the first sentence read from its start (:attr:`_Context.mentions`).
    """
    last = ctx.sentence_read
    if last is not None and last.bounds == bounds:
        return last
    text = ctx.text
    start, end = bounds
    sentence_text = text[start:end]
    mentions = ctx.mentions.get(start)
    if mentions is None:
        mentions = ctx.mentions[start] = find_periods(sentence_text, ctx.ref)
    found = ctx.sentence_read = _Sentence(
        bounds,
        sentence_text,
        sentence_text.strip(),
        (start > 0 and text[start - 1] in ";；") or sentence_text.lstrip().startswith(CARRY_WORDS),
        mentions,
    )
    return found


def _figure(ctx: _Context, number: _Number, unit: _Unit, carry: _Carry) -> _Row | None:
    """One figure from a number and its unit: qualify, resolve currency, classify, locate the period.

    ``carry`` (what the figure before passed on) is updated for the next.
    """
    text = ctx.text
    i, j, number_value, number_resolution, _ = number
    kind, _, multiplier, end, _ = unit
    if (ctx.stopped is not False and ctx.is_stopped(i, j)) or not _is_figure(ctx, number, unit):
        return None
    tenths = 10.0 if kind == "tenths" else 1.0
    value, resolution = number_value * multiplier * tenths, number_resolution * multiplier * tenths
    if not math.isfinite(value):
        warnings.warn(f"skipped a number too large to represent at offset {i}", FigureWarning, stacklevel=4)
        return None
    qualifier = _qualify(ctx, number, unit)
    currency = _currency(ctx, unit, qualifier)
    sentence = _sentence(ctx, ctx.sentence(i))
    sentence_start = sentence.bounds[0]
    clause_start, clause_end = ctx.clause(i, end)
    lead_in = text[clause_start:i]
    # 分別下跌12.9%、2.2%和7.7%: an item of a list (nothing but figures and 和 before it in its clause)
    # takes the words before the list
    listed = (
        not _NOT_LISTED.search(lead_in) and _LIST_LINK.fullmatch(_LISTED_FIGURE.sub("", lead_in)) is not None
    )
    words_before = text[sentence_start:i][-24:] if listed else lead_in
    measure = _classify(words_before, unit, text[end : end + 12])
    period, period_kind, status, period_flag = period_resolution(
        sentence.text,
        i - sentence_start,
        end - sentence_start,
        sentence.mentions,
        measure=measure.measure,
        previous=carry.period,
        carries=sentence.carries,
    )
    flag = (
        (f"{currency.flag}|{period_flag}" if period_flag else currency.flag) if currency.flag else period_flag
    )
    if "由" in lead_in and _CHANGE_FROM.search(lead_in) and _CHANGE_TO.match(text, end, clause_end):
        kept = [f for f in (currency.flag, period_flag) if f and f != "period-unresolved"]
        flag = "|".join([*kept, "change-from"])
        period = period_kind = None  # 由5個城市擴展至20個省市: the value before
    sentence_text = sentence.stripped
    subject = _subject(text, lead_in, end, measure.measure, clause_end, kind)
    if not subject and carry.sentence == sentence_text:
        subject = carry.subject
    start, stop = ctx.view.source_span(i, end)
    if period is not None:
        label = period.label
        first, last = period.dates
        carry.period = period
        carry.sentence_start = sentence_start
    else:
        label = first = last = None
        if carry.sentence_start != sentence_start:
            carry.period = None
            carry.sentence_start = sentence_start
    carry.sentence = sentence_text
    carry.subject = subject
    return (
        start,
        stop,
        ctx.view.source[start:stop],
        value * measure.sign,
        currency.unit,
        measure.measure,
        label,
        first,
        last,
        period_kind,
        status,
        qualifier.approx,
        subject,
        sentence_text,
        qualifier.bound,
        currency.source,
        flag or None,
        resolution,
        text[clause_start:clause_end].strip(),
        lead_in.strip(),
        (lead_in + "#" + text[end:clause_end]).strip(),
        None,
        None,
        None,
    )


@cache
def _figure_gate() -> re.Pattern[str]:
    """What a view with a figure, a currency note or a skipped number cannot be without (one search).

    A digit that a unit's first character follows (:attr:`_Words.unit_ahead`;
    an Arabic number ends in a digit), a digit before a comma or two points,
    or 21 digits in one run (:func:`_arabic_numbers` warns of those); a
    Chinese numeral (or 點) that a unit's first character follows; 分之 (a
    written-out percentage or fraction); 下同 or a unit label's colon (a
    currency note, :class:`_Context`). Behind a lookahead on those first
    characters, so the search skips to them; each match is a few characters
    from where it starts, so the search is linear in the text.
    """
    ahead = _words().unit_ahead.pattern
    numerals = f"{_CHINESE_NUMERAL_CHARS}點点"
    return re.compile(
        rf"(?=[0-9分下單单{numerals}])(?:"
        rf"[0-9](?:{ahead}|\.?,|\.\.|(?:[,.\ ]*+[0-9]){{{_MAX_DIGITS}}})"
        rf"|分之|下同|{_UNIT_LABEL_COLON.pattern}|[{numerals}]{ahead})"
    )


class _Gated:
    """:func:`_figure_gate` over the part of a whole document's view that a provision's characters are.

    A provision's view is a slice of the document's (a line it cuts is the
    same characters) and the gate looks at no character before where it
    starts, so a provision whose part of the document's view the gate finds
    nothing in (no character after it looked at) gives nothing.
    """

    __slots__ = ("gate", "view")

    def __init__(self, source: str) -> None:
        self.view = TextView.of(source)
        self.gate = _figure_gate()

    def may_have_figures(self, start: int, end: int) -> bool:
        """Whether the gate finds anything in the document view's characters of ``source[start:end]``."""
        view = self.view
        i, j = view.index(start), view.index(end)
        return i < j and self.gate.search(view.text, i, j) is not None


def _extract_view(
    view: TextView,
    ref: Reference,
    *,
    issuer_currency: str | None,
    default_currency: str | None,
    carried_currency: str | None,
    claimed: _Claimed | None = None,
) -> tuple[list[_Row], str | None]:
    """The figures of one view, and the currency a note carries past it.

    Numbers on the lines a table claims (``claimed``, source spans) are the
    table step's: the prose reading skips them. A view :func:`_figure_gate`
    finds nothing in is not read further.
    """
    if _figure_gate().search(view.text) is None:
        return [], carried_currency
    ctx = _Context(
        view,
        ref,
        issuer_currency=issuer_currency,
        default_currency=default_currency,
        carried_currency=carried_currency,
        breaks=claimed.breaks(view) if claimed is not None else (),
    )
    carry = _Carry()
    rows: list[_Row] = []
    numbers = _scan_numbers(view.text)
    if len(view.text) < _DENSE * len(numbers):  # listing the marks costs less than a search per figure
        ctx.list_marks()
    for number, unit in numbers:
        if claimed is not None and claimed.covers(view.position(number.i)):
            continue
        row = _figure(ctx, number, unit, carry)
        if row is not None:
            rows.append(row)
    return rows, (ctx.note_codes[-1] if ctx.note_codes else carried_currency)


# ---------------------------------------------------------------------------
# Tables: cells as figures (the layout is read by coopstats.tables)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claimed:
    """Source spans (sorted, not overlapping) of the lines tables claim from the prose reading."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    edges: tuple[int, ...]  # every start and end, ascending

    @classmethod
    def of(cls, tables: list[Table]) -> _Claimed | None:
        spans = sorted(span for table in tables for span in table.rows)
        if not spans:
            return None
        starts, ends = tuple(a for a, _ in spans), tuple(b for _, b in spans)
        return cls(starts, ends, tuple(sorted({*starts, *ends})))

    def breaks(self, view: TextView) -> tuple[int, ...]:
        """View offsets where a claimed line begins or ends: sentence breaks for the prose."""
        if not view.text:
            return ()
        lo, hi = view.position(0), view.position(len(view.text) - 1)
        edges = self.edges
        found = {
            view.index(edges[k])
            for k in range(bisect.bisect_right(edges, lo), bisect.bisect_right(edges, hi))
        }
        return tuple(sorted(found))

    def covers(self, pos: int) -> bool:
        k = bisect.bisect_right(self.starts, pos) - 1
        return k >= 0 and pos < self.ends[k]


_GROWTH_LABEL = re.compile(vocabulary.alternation(vocabulary.table_header_words("growth")))


def _table_unit(cell: TableCell) -> _Unit | None:
    if not cell.unit_text:
        return None
    if cell.unit_text in ("%", "‰"):
        return _Unit("percent", "percent", 1.0, 0, None)
    return _read_unit(cell.unit_text, 0)


def _table_rows(
    source: str,
    tables: list[Table],
    *,
    issuer_currency: str | None,
    default_currency: str | None,
    carried_currency: str | None,
) -> list[_Row]:
    """One figure per table cell: the column's period, the row's subject, the row's or table's unit."""
    rows: list[_Row] = []
    for table in tables:
        for cell in table.cells:
            unit = _table_unit(cell)
            flags: list[str] = []
            if unit is None or unit is _NOT_A_FIGURE:
                unit = _Unit("count", "", 1.0, 0, None)
                flags.append("unit-unknown")
            written = unit.unit if unit.kind == "money" and cell.unit_from == "row" else None
            if unit.kind == "money":
                currency = resolve_currency(
                    written,
                    note=unit.unit if cell.unit_from == "table" else None,
                    carried=carried_currency,
                    issuer=issuer_currency,
                    default=default_currency,
                )
            else:
                currency = CurrencyReading(unit.unit or None, None)
            if cell.change or (unit.kind in ("percent", "pp") and _GROWTH_LABEL.search(cell.label)):
                measure = _MeasureReading("growth", 1)
            else:
                measure = _classify("", unit, "")
            tenths = 10.0 if unit.kind == "tenths" else 1.0
            if currency.flag:
                flags.append(currency.flag)
            if cell.unresolved:
                flags.append("period-unresolved")
            period = cell.period
            line = source[cell.line_start : cell.line_end].strip()
            first, last = period.dates if period else (None, None)
            rows.append(
                (
                    cell.start,
                    cell.end,
                    source[cell.start : cell.end],
                    cell.value * unit.multiplier * tenths,
                    currency.unit,
                    measure.measure,
                    period.label if period else None,
                    first,
                    last,
                    (
                        None
                        if period is None
                        else "stock"
                        if period.stock
                        else "change"
                        if measure.measure in ("growth", "contribution")
                        else "flow"
                    ),
                    "actual",
                    False,
                    cell.label,
                    line,
                    None,
                    currency.source,
                    "|".join(flags) or None,
                    cell.resolution * unit.multiplier * tenths,
                    line,
                    cell.label,
                    f"{cell.label} {cell.column}#",
                    cell.table_no,
                    cell.row_no,
                    cell.column,
                )
            )
    return rows


def _frame(
    columns: Mapping[str, list[object]], length: int, *, first: tuple[str, ...] = (), name: str | None = None
) -> pd.DataFrame:
    """Columns (name → list) as a frame, each column converted once to its final dtype.

    With ``name`` the frame is that declared frame (:func:`coopstats.schemas.frame_of`,
    its columns in their declared order); without, ``first`` (``text_id``),
    then :data:`FIGURE_COLUMNS` (``string`` where undeclared).
    """
    from coopstats.schemas import column_array, frame_from_arrays, frame_of

    if name is not None:
        return frame_of(name, columns, length)
    declared = _declared_figure_columns()
    missing = [None] * length
    data = {}
    for column in (*first, *FIGURE_COLUMNS):
        values = columns.get(column, missing)
        kind = declared.get(column, "string")
        data[column] = column_array(kind, values)
    return frame_from_arrays(data, length)


def _columns(rows: list[_Row], extra: dict[str, list[object]] | None = None) -> dict[str, list[object]]:
    """Figure rows as columns, name → list, each column made once (and ``extra``'s)."""
    values = [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in _FIELDS]
    columns = dict(zip(_FIELDS, values, strict=True))
    if extra:
        columns.update(extra)
    return columns


@cache
def _declared_figure_columns() -> dict[str, Column]:
    return {column.name: column for column in FRAMES["figures"]}


def _recurrency(row: _Row, carried: str) -> _Row:
    """A table cell in a bare 元 after a currency note of an earlier part: the note's currency."""
    flag = row[_FLAG]
    if row[_CURRENCY_SOURCE] in ("issuer", "default") or (flag and "currency-unknown" in str(flag)):
        flags = [f for f in str(flag or "").split("|") if f and f != "currency-unknown"]
        out = list(row)
        out[_UNIT], out[_CURRENCY_SOURCE], out[_FLAG] = carried, "carried", "|".join(flags) or None
        return tuple(out)
    return row


def _reference(published: dt.date | str | None, source: str) -> Reference:
    return Reference.of(published, own_year(source))


def extract_figures(
    text: str | Sequence[str],
    *,
    ids: Sequence[object] | None = None,
    default_currency: str | Sequence[str | None] | None = None,
    published: dt.date | str | Sequence[dt.date | str | None] | None = None,
    issuer: str | Sequence[str | None] | None = None,
) -> pd.DataFrame:
    r"""Every money amount, count, share, growth rate, multiple and volume in a text.

    Parameters
    ----------
    text : str or sequence of str
        Any text; Chinese prose of the genre in either script. A list of texts
        gives one frame of all their figures, with a ``text_id`` column first.
    ids : sequence, optional
        With a list of texts: the ``text_id`` of each (as str; default its
        position). The settings below are then one value for every text or a
        sequence of one per text.
    default_currency : str, optional
        Currency of amounts in 元 that name none, follow no "(人民幣，下同)" note
        and whose issuer says none (``"HKD"``, ``"CNY"``, ``"MOP"`` …).
    published : datetime.date or str, optional
        When the text was published (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``):
        relative period words (今年, 去年同期, 前5个月, 上月) resolve against it.
        Without it they stay empty, flagged ``period-unresolved``.
    issuer : str, optional
        Who issued the text (政府統計處, 广东省人民政府 …): a bare 元 takes the
        issuer's currency (``vocabulary.csv``, kind ``issuer-currency``).

    Returns
    -------
    pandas.DataFrame
        One row per mention: ``start, end`` (offsets into ``text``, with
        ``text[start:end] == surface``), ``surface, value`` (base units; a
        percentage as written; a decline negative), ``unit`` (HKD, CNY, USD,
        MOP, percent, pp, count, times, m3, t …), ``measure`` (amount, count,
        share, growth, percent, volume, multiple, contribution), ``period`` (the
        grammar of :mod:`coopstats.periods`), ``period_start, period_end``
        (dates), ``period_kind`` (flow, stock, change), ``status`` (actual,
        target, forecast), ``approx``, ``subject``, ``sentence``, and extras
        ``bound`` (about, over, at-least, under), ``currency_source`` (explicit,
        carried, issuer, default), ``flag`` (``|``-joined: currency-unknown,
        period-unresolved, change-from), ``resolution`` (the place value of the
        last written digit, in base units), ``clause``, ``lead_in`` and
        ``context`` (the clause; its words before the number; the clause with
        the mention replaced by ``#``).

    Warns
    -----
    FigureWarning
        For number-like strings that cannot be read (malformed separators,
        "1..5%", absurdly long digit strings); they are skipped.

    Examples
    --------
    >>> f = extract_figures("在2010年，廣東省與香港的進出口總額約為港幣\n\n12,334億元，比去年增長32.4%。")
    >>> f[["surface", "value", "unit", "measure", "period", "approx"]].values.tolist()
    [['12,334億元', 1233400000000.0, 'HKD', 'amount', '2010', True],
     ['32.4%', 32.4, 'percent', 'growth', '2010', False]]
    >>> text = "今年前5个月出口下降3.2%，为去年同期的两倍"
    >>> extract_figures(text).loc[:, ["value", "measure", "flag"]].values.tolist()
    [[-3.2, 'growth', 'period-unresolved'], [2.0, 'multiple', 'period-unresolved']]
    >>> extract_figures(text, published="2024-06-15")["period"].tolist()
    ['2024-01/2024-05', '2024-01/2024-05']
    >>> extract_figures("出口300亿元", issuer="广东省统计局")[["unit", "currency_source"]].values.tolist()
    [['CNY', 'issuer']]
    >>> extract_figures(["出口300亿元", "增长3%"], ids=["a", "b"])[["text_id", "surface"]].values.tolist()
    [['a', '300亿元'], ['b', '3%']]
    """
    if not isinstance(text, str):
        return _batch_figures(
            list(text), ids, default_currency=default_currency, published=published, issuer=issuer
        )
    if not isinstance(published, (str, dt.date, type(None))) or not isinstance(issuer, (str, type(None))):
        raise TypeError("published and issuer are one value each for one text")
    rows = _text_rows(text, default_currency=default_currency, published=published, issuer=issuer)
    return _frame(_columns(rows), len(rows))


def _text_rows(
    text: str,
    *,
    default_currency: str | None,
    published: dt.date | str | None,
    issuer: str | None,
) -> list[_Row]:
    """The figure rows of one text, in text order."""
    view = TextView.of(text)
    ref = _reference(published, text)
    issuer_currency = vocabulary.issuer_currency(issuer)
    tables = find_tables(text, ref=ref)
    rows, _ = _extract_view(
        view,
        ref,
        issuer_currency=issuer_currency,
        default_currency=default_currency,
        carried_currency=None,
        claimed=_Claimed.of(tables),
    )
    if tables:
        rows += _table_rows(
            text,
            tables,
            issuer_currency=issuer_currency,
            default_currency=default_currency,
            carried_currency=None,
        )
        rows.sort(key=_row_order)
    return rows


def _per_text(value: object, count: int, name: str) -> list[object]:
    """A setting given once for every text, or once per text."""
    if value is None or isinstance(value, (str, dt.date)):
        return [value] * count
    values = list(value)  # type: ignore[call-overload]
    if len(values) != count:
        raise ValueError(f"{name}: {len(values)} values for {count} texts")
    return values


def _batch_figures(
    texts: list[str],
    ids: Sequence[object] | None,
    *,
    default_currency: str | Sequence[str | None] | None,
    published: dt.date | str | Sequence[dt.date | str | None] | None,
    issuer: str | Sequence[str | None] | None,
) -> pd.DataFrame:
    """The figures of many texts in one frame, ``text_id`` first (default: the text's position)."""
    names = list(range(len(texts))) if ids is None else list(ids)
    if len(names) != len(texts):
        raise ValueError(f"ids: {len(names)} ids for {len(texts)} texts")
    currencies = _per_text(default_currency, len(texts), "default_currency")
    dates = _per_text(published, len(texts), "published")
    issuers = _per_text(issuer, len(texts), "issuer")
    rows: list[_Row] = []
    text_ids: list[object] = []
    for k, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"texts[{k}] is {type(text).__name__}, not str")
        found = _text_rows(text, default_currency=currencies[k], published=dates[k], issuer=issuers[k])
        text_ids += [str(names[k])] * len(found)
        rows += found
    return _frame(_columns(rows, {"text_id": text_ids}), len(rows), first=("text_id",))


def document_figures(
    provisions: pd.DataFrame,
    source: str,
    *,
    default_currency: str | None,
    published: dt.date | str | None = None,
    issuer: str | None = None,
) -> pd.DataFrame:
    r"""The figures of one document, from its provisions, with offsets into its source.

    Parameters
    ----------
    provisions : pandas.DataFrame
        Provisions of one document (``doc_id, node_id, level, para_no, start,
        end, text``), spans not overlapping.
    source : str
        The whole decoded source text the offsets index.
    default_currency : str or None
        The document's default currency (manifest ``default_currency``), used
        when neither the text nor the issuer names one.
    published : datetime.date or str, optional
        When the document was published; relative period words resolve against it.
    issuer : str, optional
        The issuing body (manifest ``issuer``): a bare 元 takes its currency.

    Returns
    -------
    pandas.DataFrame
        The declared columns of ``cs.figures()`` (``doc_id, para_no, node_id``
        and those of :func:`extract_figures`) in their order and dtypes, in
        document order; ``source[start:end] == surface``. A currency note
        ("(人民幣，下同)") carries forward through the document.

    See Also
    --------
    document_figure_columns : the same, plain columns in and out.

    Examples
    --------
    >>> import pandas as pd
    >>> src = "1. 出口額達300億元(人民幣，下同)。\n2. 進口額為200億元。"
    >>> prov = pd.DataFrame({"doc_id": ["d", "d"], "node_id": ["p1", "p2"], "level": ["paragraph"] * 2,
    ...     "para_no": [1, 2], "start": [0, src.index("2.")], "end": [src.index("\n"), len(src)],
    ...     "text": ["", ""]})
    >>> document_figures(prov, src, default_currency="HKD")[["para_no", "surface", "unit"]].values.tolist()
    [[1, '300億元', 'CNY'], [2, '200億元', 'CNY']]
    """
    columns = {
        name: provisions[name].tolist()
        for name in ("doc_id", "node_id", "para_no", "start", "end")
        if name in provisions.columns
    }
    found, length = document_figure_columns(
        columns, source, default_currency=default_currency, published=published, issuer=issuer
    )
    return _frame(found, length, name="figures")


def document_figure_columns(
    provisions: Mapping[str, Sequence[object]],
    source: str,
    *,
    default_currency: str | None,
    published: dt.date | str | None = None,
    issuer: str | None = None,
) -> tuple[dict[str, list[object]], int]:
    r"""The figures of one document as plain columns: :func:`document_figures` before pandas.

    Parameters
    ----------
    provisions : mapping of str to sequence
        The provisions' ``doc_id, node_id, start, end`` and optionally
        ``para_no``, one value per provision, read as ``provisions[name]`` (a
        dict of lists, or the document pipeline's plain columns).
    source, default_currency, published, issuer
        As for :func:`document_figures`.

    Returns
    -------
    (dict of str to list, int)
        The columns of ``cs.figures()`` (every declared one; ``None`` for
        missing, dates as :class:`datetime.date`), each a list in document
        order, and the number of figures: what :func:`coopstats.schemas.frame_of`
        makes the frame of.

    Examples
    --------
    >>> src = "出口額達300億元。"
    >>> columns, n = document_figure_columns(
    ...     {"doc_id": ["d"], "node_id": ["p1"], "start": [0], "end": [len(src)]}, src, default_currency="HKD"
    ... )
    >>> n, columns["surface"], columns["node_id"], columns["unit"]
    (1, ['300億元'], ['p1'], ['HKD'])
    """
    rows: list[_Row] = []
    doc_ids: list[object] = []
    para_nos: list[object] = []
    node_ids: list[object] = []
    carried: str | None = None
    ref = _reference(published, source)
    issuer_currency = vocabulary.issuer_currency(issuer)
    starts = list(provisions["start"])
    ends = list(provisions["end"])
    order = sorted(range(len(starts)), key=starts.__getitem__)  # stable: provisions by start
    spans = [(int(starts[k]), int(ends[k])) for k in order if int(ends[k]) > int(starts[k])]
    tables = find_tables(source, spans[0][0], max(b for _, b in spans), ref=ref) if spans else []
    claimed = _Claimed.of(tables)
    cells = _table_rows(
        source,
        tables,
        issuer_currency=issuer_currency,
        default_currency=default_currency,
        carried_currency=None,
    )
    k = 0
    gated = _Gated(source)
    doc_column = list(provisions["doc_id"])
    node_column = list(provisions["node_id"])
    try:
        para_column = list(provisions["para_no"])
    except KeyError:  # provisions without numbered paragraphs
        para_column = [None] * len(starts)
    for n in order:
        start, end = int(starts[n]), int(ends[n])
        if end <= start:
            continue
        while k < len(cells) and _row_start(cells[k]) < start:
            k += 1  # cells outside every provision (a gap) are not the document's
        if not gated.may_have_figures(start, end) and not (k < len(cells) and _row_start(cells[k]) < end):
            continue  # no number, no note, no table cell: nothing to read
        view = TextView.of(source, start, end)
        if not view.text:
            continue
        found, carried_after = _extract_view(
            view,
            ref,
            issuer_currency=issuer_currency,
            default_currency=default_currency,
            carried_currency=carried,
            claimed=claimed,
        )
        while k < len(cells) and _row_start(cells[k]) < end:
            found.append(cells[k] if not carried else _recurrency(cells[k], carried))
            k += 1
        found.sort(key=_row_order)
        carried = carried_after
        rows += found
        doc_ids += [doc_column[n]] * len(found)
        para_nos += [para_column[n]] * len(found)
        node_ids += [node_column[n]] * len(found)
    return _columns(rows, {"doc_id": doc_ids, "para_no": para_nos, "node_id": node_ids}), len(rows)
