"""Periods of figures: the grammar of ``period`` and the reading of period words.

A period is a span of whole months, or a stock at the end of a month. Its one
spelling (genre.md §3) is

========================  ==============================================
``Y``                     a calendar year (``2023``)
``Y-MM``                  one month (``2023-05``)
``Y-MM/Y-MM``             whole months, both ends included (``2023-01/2023-05``)
``Y/Y``                   whole years, both ends included (``2011/2015``)
``end-Y``                 a stock at the end of a year (``end-2009``)
``end-Y-MM``              a stock at the end of another month (``end-2016-09``)
========================  ==============================================

A whole year is never ``Y-01/Y-12`` and the end of December never
``end-Y-12``; quarters and half-years are month spans.

Relative words (今年, 去年同期, 前5个月, 一季度, 上月, 截至9月底, 过去5年) are resolved
against a :class:`Reference`: the date the text was published and, where the
text fixes its own year (a title naming it), that year. Without a reference a
relative word is *unresolved*: it gives no period, never one taken from the
clock.

Examples
--------
>>> ref = Reference.of("2024-03")
>>> [m.period.label for m in find_periods("今年1至2月出口下降，2月份进口上升", ref)]
['2024-01/2024-02', '2024-02']
>>> Period.parse("2010-01/2010-12").label
'2010'
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache, cached_property

from coopstats import vocabulary
from coopstats.text import CHINESE_DIGITS, parse_chinese_numeral

__all__ = [
    "Period",
    "PeriodMention",
    "PeriodReading",
    "Reference",
    "find_periods",
    "own_year",
    "parse_published",
    "period_resolution",
    "resolve_period",
]

Month = tuple[int, int]  # (year, month)


def _month_index(m: Month) -> int:
    return m[0] * 12 + m[1] - 1


def _from_index(k: int) -> Month:
    return k // 12, k % 12 + 1


@dataclass(frozen=True)
class Period:
    """Whole months ``first``..``last`` (both included), or a stock at the end of ``last``.

    Examples
    --------
    >>> Period.months(2017, 1, 2017, 5).label, Period.end_of(2009).label, Period.years(2011, 2015).label
    ('2017-01/2017-05', 'end-2009', '2011/2015')
    >>> Period.parse("end-2016-09").dates
    (datetime.date(2016, 9, 30), datetime.date(2016, 9, 30))
    """

    first: Month
    last: Month
    stock: bool = False

    @classmethod
    def year(cls, y: int) -> Period:
        """The calendar year ``y``."""
        return cls((y, 1), (y, 12))

    @classmethod
    def month(cls, y: int, m: int) -> Period:
        """One month."""
        return cls((y, m), (y, m))

    @classmethod
    def months(cls, y1: int, m1: int, y2: int, m2: int) -> Period:
        """Whole months from ``y1-m1`` to ``y2-m2``."""
        return cls((y1, m1), (y2, m2))

    @classmethod
    def years(cls, y1: int, y2: int) -> Period:
        """Whole years ``y1`` to ``y2``."""
        return cls((y1, 1), (y2, 12))

    @classmethod
    def end_of(cls, y: int, m: int = 12) -> Period:
        """A stock at the end of month ``m`` of ``y`` (December: the end of the year)."""
        return cls((y, m), (y, m), stock=True)

    # label and dates are read once per period (a frozen dataclass keeps them in its __dict__; its fields,
    # which alone make its equality, hash and repr, never change)
    @cached_property
    def label(self) -> str:
        """The one spelling of the period."""
        (y1, m1), (y2, m2) = self.first, self.last
        if self.stock:
            return f"end-{y2}" if m2 == 12 else f"end-{y2}-{m2:02d}"
        if m1 == 1 and m2 == 12:
            return f"{y1}" if y1 == y2 else f"{y1}/{y2}"
        if (y1, m1) == (y2, m2):
            return f"{y1}-{m1:02d}"
        return f"{y1}-{m1:02d}/{y2}-{m2:02d}"

    @cached_property
    def dates(self) -> tuple[dt.date, dt.date]:
        """First and last day (a stock: its day, twice)."""
        (y1, m1), (y2, m2) = self.first, self.last
        last_day = dt.date(y2, m2, calendar.monthrange(y2, m2)[1])
        if self.stock:
            return last_day, last_day
        return dt.date(y1, m1, 1), last_day

    @property
    def is_year(self) -> bool:
        """Whether the period is one calendar year (a flow)."""
        return not self.stock and self.first[1] == 1 and self.last[1] == 12 and self.first[0] == self.last[0]

    def shifted(self, years: int) -> Period:
        """The same months ``years`` later (negative: earlier)."""
        return replace(
            self, first=(self.first[0] + years, self.first[1]), last=(self.last[0] + years, self.last[1])
        )

    @classmethod
    def parse(cls, label: str) -> Period:
        """Read a period written in the grammar (``Y-01/Y-12`` is read, and spelled ``Y``).

        Raises
        ------
        ValueError
            Text that is not a period of the grammar.
        """
        m = _LABEL.fullmatch(label.strip())
        if m is None:
            raise ValueError(f"not a period: {label!r} (expected Y, Y-MM, Y-MM/Y-MM, Y/Y, end-Y or end-Y-MM)")
        if m["end"]:
            return cls.end_of(int(m["y1"]), int(m["m1"] or 12))
        y1, m1 = int(m["y1"]), int(m["m1"] or 1)
        if m["y2"] is None:
            return cls.month(y1, m1) if m["m1"] else cls.year(y1)
        y2 = int(m["y2"])
        m2 = int(m["m2"] or 12)
        if (m["m1"] is None) != (m["m2"] is None):
            raise ValueError(f"not a period: {label!r} (both ends of a range have the same granularity)")
        return cls.months(y1, m1, y2, m2)


_LABEL = re.compile(
    r"(?P<end>end-)?(?P<y1>[12][0-9]{3})(?:-(?P<m1>0[1-9]|1[0-2]))?"
    r"(?:/(?P<y2>[12][0-9]{3})(?:-(?P<m2>0[1-9]|1[0-2]))?)?"
)


def parse_published(value: dt.date | str | None) -> tuple[int, int | None] | None:
    """Year and month (``None`` when only the year is known) of a publication date.

    Parameters
    ----------
    value : datetime.date, str or None
        A date, or ISO text ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.

    Raises
    ------
    ValueError
        Text that is not such a date.

    Examples
    --------
    >>> parse_published("2024-03"), parse_published("2021-12-19"), parse_published(None)
    ((2024, 3), (2021, 12), None)
    """
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.year, value.month
    text = str(value).strip()
    if not text:
        return None
    m = re.fullmatch(r"([12][0-9]{3})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12][0-9]|3[01]))?)?", text)
    if m is None:
        raise ValueError(f"published must be a date or ISO text YYYY-MM-DD, YYYY-MM or YYYY, not {value!r}")
    if m[3]:
        try:
            dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise ValueError(f"published must be a real date, not {value!r}") from None
    return int(m[1]), (int(m[2]) if m[2] else None)


@dataclass(frozen=True)
class Reference:
    """What relative period words resolve against.

    ``published`` is (year, month or None); ``own_year`` the year a text fixes
    for itself (its title), which resolves 全年, 年末, 上年.
    """

    published: tuple[int, int | None] | None = None
    own_year: int | None = None

    @classmethod
    def of(cls, published: dt.date | str | None, own: int | None = None) -> Reference:
        """A reference from a publication date (see :func:`parse_published`)."""
        return cls(parse_published(published), own)

    @property
    def known(self) -> bool:
        """Whether any date is known."""
        return self.published is not None or self.own_year is not None

    def latest(self, first_month: int, last_month: int) -> int | None:
        """Year of the latest months ``first_month..last_month`` ended by the publication month."""
        if self.published is None:
            return None
        year, month = self.published
        if month is None:
            return year
        return year if last_month <= month else year - 1

    def relative_year(self, word: str) -> int | None:
        """The year a relative year word names."""
        shift = _YEAR_WORDS.get(word)
        if shift is None:
            return None
        if word in _OWN_YEAR_WORDS and self.own_year is not None:
            return self.own_year + shift
        if self.published is None:
            return None
        return self.published[0] + shift


# Relative year words -> years after year(P); 上年 and 全年 follow a text's own year where it has one.
_YEAR_WORDS: dict[str, int] = {
    "今年": 0,
    "本年": 0,
    "全年": 0,
    "去年": -1,
    "上年": -1,
    "前年": -2,
}
_OWN_YEAR_WORDS = ("上年", "全年")
# Words that continue the period of the figures before them.
CARRY_WORDS: tuple[str, ...] = (
    "其中",
    "同期",
    "當中",
    "当中",
    "同年",
    "該年",
    "该年",
    "當年",
    "当年",
    "月內",
    "月内",
    "季內",
    "季内",
    "期內",
    "期内",
    "期間",
    "期间",
)

_NUM = r"[0-9]{1,2}|[一二三四五六七八九十两兩]{1,3}"
_YEAR = r"(?P<y>(?:19|20)[0-9]{2})\s*年(?:度)?"
_RYEAR = r"(?P<ry>今年|本年|去年|上年|前年)"
_ANY_YEAR = rf"(?:{_YEAR}|{_RYEAR})"
_QUARTER_NO = r"[1-4一二三四]"


def _n(text: str | None) -> int | None:
    if text is None:
        return None
    if text.isdigit():
        return int(text)
    value = parse_chinese_numeral(text)
    return None if value is None else int(value)


# Each pattern names what it matches; most specific first (earlier matches take their characters).
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "plan",
        re.compile(
            r"[“\"「]?十(?P<plan>[一二三四五六七八九])五[”\"」]?\s*(?:规划|規劃|计划|計劃)?\s*(?:期间|期間|时期|時期)?"
        ),
    ),
    ("past-years", re.compile(rf"(?:过去|過去|近)\s*(?P<n>{_NUM})\s*年(?!代)")),
    (
        "end-month",
        re.compile(
            rf"(?:截至|截止|到|至)?\s*{_ANY_YEAR}?\s*(?:的)?\s*(?P<m>[0-9]{{1,2}})\s*月"
            rf"(?:\s*(?P<d>[0-9]{{1,2}})\s*日|\s*(?:底|末))"
        ),
    ),
    ("end-month-since", re.compile(rf"(?:截至|截止)\s*{_ANY_YEAR}?\s*(?P<m>[0-9]{{1,2}})\s*月(?!份)")),
    ("end-year", re.compile(rf"(?:截至|截止|到|至)?\s*(?:{_ANY_YEAR}\s*年?|(?<![年月0-9])年)\s*(?:底|末)")),
    (
        "first-quarters",
        re.compile(rf"{_ANY_YEAR}?\s*(?:的)?\s*[前首]\s*(?P<n>{_QUARTER_NO}|两|兩)\s*(?:个|個)?\s*季(?:度)?"),
    ),
    (
        "quarter",
        re.compile(
            rf"{_ANY_YEAR}?\s*(?:的)?\s*(?:第\s*(?P<q>{_QUARTER_NO})\s*季(?:度)?|(?P<q2>[一二三四])季度|(?P<q1>首)季(?:度)?)"
        ),
    ),
    ("half", re.compile(rf"{_ANY_YEAR}?\s*(?:的)?\s*(?P<half>上半年|下半年)")),
    (
        "month-span",
        re.compile(
            rf"(?:自\s*)?{_ANY_YEAR}?\s*(?:自|从|從)?\s*(?<![0-9])(?P<m1>[0-9]{{1,2}})\s*(?:月)?\s*(?:-|–|—|~|～|至|到)\s*"
            r"(?P<m2>[0-9]{1,2})\s*月(?!\s*[0-9]+\s*日)"
        ),
    ),
    (
        "first-months",
        re.compile(rf"{_ANY_YEAR}?\s*(?:的)?\s*[前首]\s*(?P<n>{_NUM})\s*(?:个|個)?\s*月"),
    ),
    (
        "year-span",
        re.compile(
            r"(?P<y1>(?:19|20)[0-9]{2})\s*(?:年)?\s*(?:-|–|—|至|到|~|～)\s*(?P<y2>(?:19|20)?[0-9]{2})\s*年(?:度)?"
        ),
    ),
    ("full-year", re.compile(rf"{_ANY_YEAR}?\s*(?:的)?\s*全年")),
    ("last-month", re.compile(r"上(?:个|個)?月")),
    ("this-month", re.compile(r"本月")),
    (
        "month",
        re.compile(
            rf"{_ANY_YEAR}?\s*(?<![0-9])(?P<m>[0-9]{{1,2}}|十[一二]|[一二三四五六七八九十])\s*月(?:份)?(?![0-9])"
        ),
    ),
    ("same-last-year", re.compile(r"(?:去年|上年)同期")),
    ("year", re.compile(rf"{_ANY_YEAR}(?!\s*(?:以來|以来|起|代))")),
)
# The characters a match of each pattern can start with, where its first part is optional (a year, 截至,
# 的 …): a lookahead on them lets the search pass the other characters at once instead of trying the
# optional parts at each (same matches: property-tested against the patterns without it).
_YEAR_STARTS = "12今本去上前"
_FIRST_CHARACTERS: dict[str, str] = {
    "end-month": "截到至的0-9" + _YEAR_STARTS,
    "end-year": "截到至年" + _YEAR_STARTS,
    "first-quarters": "的前首" + _YEAR_STARTS,
    "quarter": "的第一二三四首" + _YEAR_STARTS,
    "half": "的上下" + _YEAR_STARTS,
    "month-span": "自从從0-9" + _YEAR_STARTS,
    "first-months": "的前首" + _YEAR_STARTS,
    "full-year": "的全" + _YEAR_STARTS,
    "month": "0-9一二三四五六七八九十" + _YEAR_STARTS,
    "year": _YEAR_STARTS,
}
#: The patterns as searched: those of :data:`_PATTERNS`, each behind a lookahead on its first characters.
_SCANS: dict[str, re.Pattern[str]] = {
    kind: re.compile(rf"(?=[\s{_FIRST_CHARACTERS[kind]}])" + pattern.pattern)
    if kind in _FIRST_CHARACTERS
    else pattern
    for kind, pattern in _PATTERNS
}
# What each pattern cannot match without: every group of words, one word of each (a pattern whose words
# a text lacks has no match in it, and is not run).
_DIGITS = tuple("0123456789")
_DASHES = ("-", "–", "—", "~", "～", "至", "到")  # what joins the two ends of a span
_NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "plan": (("十",), ("五",)),
    "past-years": (("年",), ("过去", "過去", "近")),
    "end-month": (("月",), ("日", "底", "末"), _DIGITS),
    "end-month-since": (("截至", "截止"), ("月",)),
    "end-year": (("年",), ("底", "末")),
    "first-quarters": (("季",), ("前", "首")),
    "quarter": (("季",), ("第", "季度", "首")),
    "half": (("上半年", "下半年"),),
    "month-span": (("月",), _DASHES, _DIGITS),
    "first-months": (("月",), ("前", "首")),
    "year-span": (("年",), _DASHES, ("19", "20")),
    "full-year": (("全年",),),
    "last-month": (("上",), ("月",)),
    "this-month": (("本月",),),
    "month": (("月",), (*_DIGITS, *"一二三四五六七八九十")),
    "same-last-year": (("去年同期", "上年同期"),),
    "year": (("年",), ("19", "20", "今年", "本年", "去年", "上年", "前年")),
}
# The characters of those words: which patterns a text may match follows from which of them it has.
_NEED_CHARS = frozenset("".join(word for groups in _NEEDS.values() for words in groups for word in words))
_KINDS_BY_CHARS: dict[frozenset[str], tuple[tuple[str, re.Pattern[str]], ...]] = {}


def _patterns_for(text: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The patterns ``text`` has the characters of the words for (:data:`_NEEDS`), in their order."""
    chars = _NEED_CHARS.intersection(text)
    found = _KINDS_BY_CHARS.get(chars)
    if found is None:
        if len(_KINDS_BY_CHARS) > 4096:  # kept small whatever texts come
            _KINDS_BY_CHARS.clear()
        found = _KINDS_BY_CHARS[chars] = tuple(
            (kind, _SCANS[kind])
            for kind, _ in _PATTERNS
            if all(any(chars.issuperset(word) for word in words) for words in _NEEDS[kind])
        )
    return found


# What just before a period word (spaces aside) makes it a comparison base, a start or an end of
# something else.
_COMPARISON_PREFIX = (
    "比",
    "較",
    "较",
    "与",
    "與",
    "同",
    "相比",
    "相較",
    "相较",
    "超過",
    "超过",
    "超",
    "高於",
    "高于",
    "低於",
    "低于",
)
# 是上年的两倍, 相当于2019年同期的83.5%: the period word names the base of a ratio.
_RATIO_PREFIX = ("是", "為", "为", "相當於", "相当于", "回復至", "回复至", "恢復至", "恢复至", "達到", "达到")
_RATIO_AFTER = re.compile(r"\s*(?:的|同期)")
_START_PREFIX = ("自", "從", "从")
_TARGET_PREFIX = ("至", "到")
_SINCE_AFTER = ("以來", "以来", "起")
# A year written digit by digit in Chinese numerals (二零一六年), read as digits.
_CHINESE_YEAR = re.compile(r"(?P<digits>[〇零一二三四五六七八九]{4})年")
_BOOK_TITLE = re.compile(r"《[^《》]*》")


@dataclass(frozen=True)
class PeriodMention:
    """A period word in a text: where it stands, what it is, and the period it names.

    ``role``: ``own`` (the period of what follows), ``comparison`` (a base after
    比/较/同比), ``start`` (自 …), ``target`` (到/至 …), ``same-last-year``
    (去年同期: the figure's own months a year earlier). ``period`` is ``None``
    when the word is relative and nothing resolves it (``unresolved``).
    """

    start: int
    end: int
    kind: str
    role: str
    period: Period | None
    unresolved: bool = False


def clean_segment(segment: str) -> str:
    """Blank book titles and write Chinese-numeral years in digits, keeping offsets.

    Examples
    --------
    >>> clean_segment("二零一六年《2010年重點工作》共41項")
    '2016年＿＿＿＿＿＿＿＿＿＿＿共41項'
    """
    if "《" in segment:
        segment = _BOOK_TITLE.sub(lambda m: "＿" * len(m.group()), segment)
    if "年" not in segment:
        return segment
    return _CHINESE_YEAR.sub(lambda m: "".join(str(CHINESE_DIGITS[ch]) for ch in m["digits"]) + "年", segment)


def find_periods(segment: str, ref: Reference | None = None) -> list[PeriodMention]:
    """Every period word of a stretch of text, in text order.

    Parameters
    ----------
    segment : str
        Text (a sentence, typically), either script.
    ref : Reference, optional
        What relative words resolve against; without it they are unresolved.

    Returns
    -------
    list of PeriodMention

    Examples
    --------
    >>> [(m.role, m.period.label) for m in find_periods("2015年出口比2010年增长1.5倍")]
    [('own', '2015'), ('comparison', '2010')]
    >>> [(m.kind, m.unresolved) for m in find_periods("今年前5个月")]
    [('first-months', True)]
    >>> find_periods("前5个月", Reference.of("2024-01"))[0].period.label
    '2023-01/2023-05'
    """
    ref = ref or Reference()
    text = clean_segment(segment)
    found: list[PeriodMention] = []
    patterns = _patterns_for(text)
    if not patterns:
        return found
    taken = bytearray(len(text))
    for kind, pattern in patterns:
        for m in pattern.finditer(text):
            a, b = m.span()
            if a == b or taken.find(1, a, b) >= 0:  # a character of it taken
                continue
            taken[a:b] = b"\x01" * (b - a)
            found.append(_mention(kind, m, text, ref))
    if len(found) > 1:
        found.sort(key=_start)
    return found


def _start(mention: PeriodMention) -> int:
    return mention.start


def _mention(kind: str, m: re.Match[str], text: str, ref: Reference) -> PeriodMention:
    start, end = m.span()
    before = text[:start].rstrip()
    after = text[end : end + 3]
    word = text[start:end]
    role = "own"
    if kind == "same-last-year":
        role = "same-last-year"
    elif word.startswith(("截至", "截止")) or (
        kind in ("end-month", "end-year") and word.startswith(("到", "至"))
    ):
        role = "target" if word.startswith(("到", "至")) else "own"
    elif before.endswith(_COMPARISON_PREFIX) or (
        before.endswith(_RATIO_PREFIX) and _RATIO_AFTER.match(text, end)
    ):
        role = "comparison"
    elif word.startswith("自") or before.endswith(_START_PREFIX) or after.startswith(_SINCE_AFTER):
        role = "start"
    elif before.endswith(_TARGET_PREFIX):
        role = "target"
    if kind == "month-span" and before.endswith(("至", "到")):
        role = "target"
    if role == "start" and kind == "month-span":
        role = "own"  # 自2010年1月至12月: a span, read whole
    period, relative = _period_of_match(kind, m, ref)
    return PeriodMention(start, end, kind, role, period, relative and period is None)


_PERIODS_OF: dict[tuple[object, ...], tuple[Period | None, bool]] = {}


def _period_of_match(kind: str, m: re.Match[str], ref: Reference) -> tuple[Period | None, bool]:
    """:func:`_period_of`, made once per kind, groups of the match and reference (memoised).

    ``_period_of`` reads nothing of the match but its groups (the kind fixes the pattern, so their
    names), and its periods are immutable: equal inputs share one result. The reference is keyed by
    its fields (what its equality compares).
    """
    key = (kind, m.groups(), ref.published, ref.own_year)
    found = _PERIODS_OF.get(key)
    if found is None:
        if len(_PERIODS_OF) > 4096:  # kept small whatever texts come
            _PERIODS_OF.clear()
        found = _PERIODS_OF[key] = _period_of(kind, m, ref)
    return found


def _explicit_year(m: re.Match[str], ref: Reference) -> tuple[int | None, bool]:
    """The year a match names (digits or a relative word) and whether it is relative."""
    groups = m.re.groupindex
    if "y" in groups and m["y"]:
        return int(m["y"]), False
    if "ry" in groups and m["ry"]:
        return ref.relative_year(m["ry"]), True
    return None, True


def _period_of(kind: str, m: re.Match[str], ref: Reference) -> tuple[Period | None, bool]:
    """The period a match names, and whether it was relative."""
    if kind == "plan":
        n = 10 + int(CHINESE_DIGITS[m["plan"]])
        first = 1966 + 5 * (n - 3)  # the third plan began in 1966; five years each since
        return Period.years(first, first + 4), False
    if kind == "past-years":
        n = _n(m["n"])
        if ref.published is None or not n:
            return None, True
        y = ref.published[0]
        return Period.years(y - n, y - 1), True
    if kind == "year-span":
        y1, y2 = m["y1"], m["y2"]
        if len(y2) == 2:
            y2 = y1[:2] + y2
        return (Period.years(int(y1), int(y2)) if int(y2) > int(y1) else None), False
    if kind == "same-last-year":
        return None, False  # resolved by the figure it belongs to
    if kind == "last-month":
        if ref.published is None or ref.published[1] is None:
            return None, True
        return Period.month(*_from_index(_month_index((ref.published[0], ref.published[1])) - 1)), True
    if kind == "this-month":
        if ref.published is None or ref.published[1] is None:
            return None, True
        return Period.month(ref.published[0], ref.published[1]), True
    year, relative = _explicit_year(m, ref)
    if kind == "year":
        return (Period.year(year) if year else None), relative
    if kind == "full-year":
        if year is None and not (m["y"] or m["ry"]):
            year = ref.own_year if ref.own_year is not None else ref.relative_year("今年")
        return (Period.year(year) if year else None), True if not m["y"] else relative
    if kind == "end-year":
        if year is None and not (m["y"] or m["ry"]):
            year = ref.own_year if ref.own_year is not None else ref.relative_year("今年")
        return (Period.end_of(year) if year else None), relative
    first, last, stock = _months_of(kind, m)
    if first is None or last is None:
        return None, False
    if year is None and relative and not (m["y"] or m["ry"]):
        year = ref.latest(first, last)
    if year is None:
        return None, True
    if stock:
        if kind == "end-month" and m["d"]:
            day = int(m["d"])
            if not 1 <= day <= calendar.monthrange(year, last)[1]:
                return None, relative
            if day != calendar.monthrange(year, last)[1]:
                return Period.month(year, last), relative  # a day inside a month: that month
        return Period.end_of(year, last), relative
    return Period.months(year, first, year, last), relative


def _months_of(kind: str, m: re.Match[str]) -> tuple[int | None, int | None, bool]:
    """First and last month (of one year) a month-like match names, and whether it is a stock."""
    if kind in ("end-month", "end-month-since"):
        month = int(m["m"])
        return (month, month, True) if 1 <= month <= 12 else (None, None, False)
    if kind == "first-quarters":
        n = _n(m["n"])
        return (1, 3 * n, False) if n and 1 <= n <= 4 else (None, None, False)
    if kind == "quarter":
        q = 1 if m["q1"] else _n(m["q"] or m["q2"])
        return (3 * q - 2, 3 * q, False) if q and 1 <= q <= 4 else (None, None, False)
    if kind == "half":
        return (1, 6, False) if m["half"] == "上半年" else (7, 12, False)
    if kind == "month-span":
        m1, m2 = int(m["m1"]), int(m["m2"])
        return (m1, m2, False) if 1 <= m1 < m2 <= 12 else (None, None, False)
    if kind == "first-months":
        n = _n(m["n"])
        return (1, n, False) if n and 1 <= n <= 12 else (None, None, False)
    if kind == "month":
        month = _n(m["m"])
        return (month, month, False) if month and 1 <= month <= 12 else (None, None, False)
    return None, None, False


@cache
def _title_year() -> re.Pattern[str]:
    return re.compile(r"((?:19|20)[0-9]{2})\s*年")


def own_year(text: str, lines: int = 3) -> int | None:
    """The year a text fixes for itself: one named in its title (a short first line).

    Looks at the first ``lines`` non-empty lines that read as a heading (short,
    no sentence punctuation).

    Examples
    --------
    >>> own_year("跳至主要内容\\n二零一五年香港对外直接投资统计数字\\n政府统计处今日发表数字。")
    2015
    >>> own_year("统计局资料显示，2023年第3季本地生产总值增长。") is None
    True
    """
    seen = 0
    for line in _first_lines(text):
        line = line.strip()
        if not line:
            continue
        seen += 1
        if seen > lines:
            break
        if len(line) > 40 or re.search(r"[。，,；;：:！？]", line):
            continue
        m = _title_year().search(clean_segment(line))
        if m:
            return int(m[1])
    return None


def _first_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` from its start, one at a time (a long text is not split whole)."""
    at = 0
    while True:
        newline = text.find("\n", at)
        if newline < 0:
            yield text[at:]
            return
        yield text[at:newline]
        at = newline + 1


@dataclass(frozen=True)
class PeriodReading:
    """The period of one figure: the period, its kind, the figure's status, a flag.

    ``kind``: ``flow`` (over the period), ``stock`` (at its end) or ``change``
    (a change over it); ``status``: ``actual``, ``target`` or ``forecast``;
    ``flag``: ``period-unresolved`` where a relative word had no date to resolve
    against.
    """

    period: Period | None
    kind: str | None
    status: str
    flag: str | None = None

    @property
    def label(self) -> str | None:
        """The period's spelling, or ``None``."""
        return None if self.period is None else self.period.label


# Between a comparison word and a figure that is the base itself: 较去年同期的3,260亿元, 較去年同期(207.3億元)
@cache
def _base_gap() -> re.Pattern[str]:
    currencies = vocabulary.alternation(vocabulary.currency_forms())
    return re.compile(rf"\s*(?:同期)?\s*(?:(?:的|之|[(（])\s*)?(?:約|约)?\s*(?:{currencies})?\s*")


_FORECAST = re.compile(r"預計|预计|預測|预测|預期|预期|有望|估計|估计")
_TARGET = re.compile(r"力爭|力争|目標|目标|爭取|争取|計劃|计划|將達到|将达到")
_CHANGE_MEASURES = ("growth", "contribution")
# Measures of a level: only a level can be the base itself (a ratio to a base is of its own period).
_LEVEL_MEASURES = ("amount", "count", "volume")


def _kind(period: Period | None, measure: str) -> str | None:
    if period is None:
        return None
    if period.stock:
        return "stock"
    return "change" if measure in _CHANGE_MEASURES else "flow"


# The forecast and target words: a lead-in without any has neither once cleaned (cleaning writes only
# blanks and digits, neither a character of theirs, in place of others: it makes no word of theirs).
_STATUS_WORDS = re.compile(f"{_FORECAST.pattern}|{_TARGET.pattern}")


def _status_lead(sentence: str, start: int) -> str:
    """The words before the figure at ``start``, cleaned, where they have a forecast's or a target's word.

    Elsewhere ``""``: :func:`_status` reads the same status from no words as from words without those.
    """
    return clean_segment(sentence[:start]) if _STATUS_WORDS.search(sentence, 0, start) else ""


def _status(lead: str, role: str | None) -> str:
    if not lead:  # (_status_lead leaves it empty where it has no forecast or target word)
        return "target" if role == "target" else "actual"
    if _FORECAST.search(lead):
        return "forecast"
    if role == "target" or _TARGET.search(lead):
        return "target"
    return "actual"


def resolve_period(
    sentence: str,
    start: int,
    end: int,
    ref: Reference | None = None,
    *,
    measure: str = "amount",
    previous: Period | None = None,
    continues: bool = False,
    mentions: list[PeriodMention] | None = None,
) -> PeriodReading:
    """The period of the figure at ``sentence[start:end]``.

    The figure's own period is the last period word before it that is not a
    comparison base, a start or (after it) a target; a sentence opening with
    其中, 同期, 月内 … continues ``previous``; a figure that *is* a comparison base
    (较去年同期的X, 比2010年的X) has the base's period; a change against a base
    year two or more years before its own year spans both (比2010年增长1.5倍 in
    2015 → ``2010/2015``).

    Parameters
    ----------
    sentence : str
        The sentence the figure is in.
    start, end : int
        The figure's offsets in ``sentence``.
    ref : Reference, optional
        What relative words resolve against.
    measure : str
        The figure's measure (``growth`` and ``multiple`` may span years).
    previous : Period, optional
        The period of the figures of the sentence before.
    continues : bool
        Whether the sentence continues the one before (it follows a ``；``),
        so that it keeps ``previous`` like a sentence opening with 其中.
    mentions : list of PeriodMention, optional
        ``find_periods(sentence, ref)``, when already computed.

    Returns
    -------
    PeriodReading

    Examples
    --------
    >>> ref = Reference.of("2024-03")
    >>> s = "今年1至2月貿易總額共233.8億元,較去年同期的246.5億元下跌5.2%"
    >>> [resolve_period(s, s.index(x), s.index(x) + len(x), ref).label for x in ("233.8", "246.5", "5.2")]
    ['2024-01/2024-02', '2023-01/2023-02', '2024-01/2024-02']
    >>> s = "2015年出口比2010年增长1.5倍"
    >>> resolve_period(s, s.index("1.5"), len(s), measure="multiple").label
    '2010/2015'
    >>> r = resolve_period("今年前5个月出口3亿元", 9, 12)
    >>> r.label, r.flag
    (None, 'period-unresolved')
    """
    ref = ref or Reference()
    if mentions is None:
        mentions = find_periods(sentence, ref)
    carries = continues or sentence.lstrip().startswith(CARRY_WORDS)
    return PeriodReading(
        *period_resolution(
            sentence, start, end, mentions, measure=measure, previous=previous, carries=carries
        )
    )


#: What :func:`period_resolution` gives: the fields of a :class:`PeriodReading` (period, kind, status, flag).
Resolution = tuple[Period | None, str | None, str, str | None]


def period_resolution(
    sentence: str,
    start: int,
    end: int,
    mentions: list[PeriodMention],
    *,
    measure: str,
    previous: Period | None,
    carries: bool,
) -> Resolution:
    """:func:`resolve_period` as the fields of its reading, from what a sentence gives all its figures.

    Parameters
    ----------
    sentence : str
        The sentence the figure is in.
    start, end : int
        The figure's offsets in ``sentence``.
    mentions : list of PeriodMention
        ``find_periods(sentence, ref)``.
    measure : str
        The figure's measure.
    previous : Period or None
        The period of the figures of the sentence before.
    carries : bool
        Whether the sentence keeps ``previous`` where it names no period of its own: it continues
        the one before (``continues`` of :func:`resolve_period`) or opens with a word of
        :data:`CARRY_WORDS` (after spaces).

    Returns
    -------
    tuple
        ``(period, kind, status, flag)``: ``PeriodReading(*period_resolution(...))`` is
        :func:`resolve_period`'s reading (the reference reads only the period words).

    Examples
    --------
    >>> s = "2015年出口比2010年增长1.5倍"
    >>> found = period_resolution(
    ...     s, s.index("1.5"), len(s), find_periods(s), measure="multiple", previous=None, carries=False
    ... )
    >>> found[0].label, found[1:]
    ('2010/2015', ('flow', 'actual', None))
    """
    if not mentions:
        return _without_mentions(sentence, start, measure, previous if carries else None)
    before = [m for m in mentions if m.end <= start]
    owns = [m for m in before if m.role in ("own", "target")] if before else before
    own = owns[-1] if owns else None
    own_period = own.period if own is not None else None
    if own is None and previous is not None and carries:
        own_period = previous
    if (
        measure in _LEVEL_MEASURES
        and before
        and before[-1].role in ("comparison", "same-last-year")
        and _base_gap().fullmatch(sentence[before[-1].end : start])
    ):
        base = before[-1]
        basis = own_period if own_period is not None else previous
        period = base.period if base.role == "comparison" else (basis.shifted(-1) if basis else None)
        flag = "period-unresolved" if period is None and (base.unresolved or basis is None) else None
        return period, _kind(period, measure), "actual", flag
    if own is None and own_period is None:
        later = [m for m in mentions if m.start >= end and m.role == "own"]
        own = later[-1] if later else None
        own_period = own.period if own is not None else None
    lead = _status_lead(sentence, start)  # a forecast's or a target's words, not in a book title
    if own is not None and own.unresolved:
        return None, None, _status(lead, own.role), "period-unresolved"
    period = own_period
    if period is not None and measure in ("growth", "multiple") and period.is_year:
        bases = [m for m in before if m.role == "comparison" and m.period is not None and m.period.is_year]
        if bases and own is not None and bases[-1].start > own.start:
            y0, y1 = bases[-1].period.first[0], period.first[0]
            if y1 - y0 >= 2:
                period = Period.years(y0, y1)
    return period, _kind(period, measure), _status(lead, own.role if own else None), None


def _without_mentions(sentence: str, start: int, measure: str, kept: Period | None) -> Resolution:
    """:func:`period_resolution` in a sentence with no period words: the period kept, or none.

    With no mention there is no own, comparison or later word: the period is the one the sentence
    keeps from before (``kept``), its status is read from the words before the figure alone.
    """
    return kept, _kind(kept, measure), _status(_status_lead(sentence, start), None), None
