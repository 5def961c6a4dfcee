"""Figures stage: money amounts, counts, shares, growth rates, multiples and volumes in prose.

The extractor works on the normalised, page-break-repaired view of a text
(:class:`coopstats.text.TextView`), so full-width digits and numbers split by a
line break are read like any other, and maps every match back to the source
with :meth:`~coopstats.text.TextView.source_span`: ``text[start:end] == surface``
holds for any input.

A *mention* is a number (Arabic digits with comma or space thousands separators,
or Chinese numerals) followed by what it counts: a scale (億, 萬, 萬億, 千 …), a
unit (元 and a currency, %, 個百分點, 倍, 成, 立方米, 噸 …) or a classifier (家,
項, 個 …). What the number is *not* is read from its surroundings: a year or date
(followed by 年/月/日), a duration (個月, 小時, 年以上), an ordinal (第, 首), a
footnote marker (a bare digit glued to a figure), a name or rating (PM2.5,
±800千伏) or a fixed collective designation from ``figure_stoplist.csv`` (兩地,
九省区, 9+2). A bare number with no unit is never a figure.
"""

from __future__ import annotations

import csv
import logging
import re
import warnings
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from coopstats._resources import data_dir
from coopstats.errors import FigureWarning
from coopstats.schemas import FRAMES
from coopstats.text import CHINESE_DIGITS, CHINESE_GROUPS, CHINESE_PLACES, TextView, parse_chinese_numeral

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FIGURE_COLUMNS", "document_figures", "extract_figures", "parse_chinese_numeral"]

logger = logging.getLogger(__name__)

# The columns of an extraction: those declared for cs.figures(), less the document's own.
FIGURE_COLUMNS: tuple[str, ...] = tuple(
    column.name for column in FRAMES["figures"] if column.name not in ("doc_id", "para_no", "node_id")
)

_MAX_DIGITS = 20  # longer digit strings are not figures of this genre

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

_CHINESE_NUMERAL_CHARS = "".join([*CHINESE_DIGITS, *CHINESE_PLACES, *CHINESE_GROUPS])

# Scale words after a number, longest first.
_SCALES: dict[str, float] = {
    "萬億": 1e12,
    "万亿": 1e12,
    "千萬": 1e7,
    "千万": 1e7,
    "百萬": 1e6,
    "百万": 1e6,
    "億": 1e8,
    "亿": 1e8,
    "萬": 1e4,
    "万": 1e4,
    "千": 1e3,
    "百": 1e2,
}

# Currency names, written before an amount (港幣31,280億元) or after it (3,692億元人民幣).
_CURRENCY_NAMES: dict[str, str] = {
    "港幣": "HKD",
    "港币": "HKD",
    "港元": "HKD",
    "人民幣": "CNY",
    "人民币": "CNY",
    "美元": "USD",
    "澳門元": "MOP",
    "澳门元": "MOP",
    "澳門幣": "MOP",
    "澳门币": "MOP",
    "葡幣": "MOP",
    "葡币": "MOP",
    "歐元": "EUR",
    "欧元": "EUR",
}
# Units that name their currency themselves (億港元, 億美元).
_CURRENCY_UNITS = {k: v for k, v in _CURRENCY_NAMES.items() if k.endswith("元")}

_PHYSICAL_UNITS: dict[str, str] = {
    "立方米": "m3",
    "平方公里": "km2",
    "平方米": "m2",
    "公里": "km",
    "千瓦": "kW",
    "噸": "t",
    "吨": "t",
    "公頃": "ha",
    "公顷": "ha",
    "畝": "mu",
    "亩": "mu",
    "公斤": "kg",
    "千克": "kg",
    "標箱": "TEU",
    "标箱": "TEU",
    "頭": "head",
    "头": "head",
}

_PERCENT_POINT_UNITS = ("個百分點", "个百分点", "百分點", "百分点")

# Classifiers that make a number a count (a count of firms, projects, cities …).
_CLASSIFIERS = (
    "人次",
    "家",
    "個",
    "个",
    "項",
    "项",
    "間",
    "间",
    "名",
    "種",
    "种",
    "類",
    "类",
    "份",
    "輪",
    "轮",
    "宗",
    "件",
    "所",
    "座",
    "條",
    "条",
    "批",
    "架",
    "艘",
    "輛",
    "辆",
    "次",
    "位",
    "場",
    "场",
    "隻",
    "只",
    "套",
    "部",
    "台",
    "棟",
    "栋",
    "戶",
    "户",
    "人",
    "團",
    "团",
    "款",
    "張",
    "张",
    "篇",
)

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
    "工作日",
    "歲",
    "岁",
    "世紀",
    "世纪",
)

# 成 that begins a word (成為, 成立 …) rather than meaning "tenths".
_CHENG_WORD_STARTS = "為为立果功本員员熟效交績绩就長长型品份都不"

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
# Words between an approximation word and the number: 約為港幣, 超過了.
_LINK_WORDS = ("為", "为", "是", "達", "达", "了", "有", "共", "佔", "占")

_DECLINE_WORDS = (
    "負增長",
    "负增长",
    "下降",
    "減少",
    "减少",
    "下跌",
    "回落",
    "降低",
    "萎縮",
    "萎缩",
    "跌",
    "減",
    "减",
)
_GROWTH_WORDS = ("增長", "增长", "上升", "增加", "上漲", "上涨", "提高", "增幅", "升幅", "增")
# 提高至, 下降到: the number after is the level reached.
_TO_A_LEVEL = re.compile(r"\s*(?:了)?\s*(?:至|到)")
_SHARE_WORDS = ("佔", "占", "比重", "份額", "份额", "佔比", "占比")

# ---------------------------------------------------------------------------
# Patterns
# ---------------------------------------------------------------------------

# A run of characters that may be an Arabic number, checked afterwards: digits
# with commas, points or space-separated groups of three.
_ARABIC_CANDIDATE = re.compile(
    r"""
    (?<![0-9A-Za-z.+±])              # not inside a name (PM2.5), a code or a rating (±800)
    [0-9]
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
    (?<![第首{_CHINESE_NUMERAL_CHARS}])       # 第十六次, 首屆: ordinals; not mid-numeral
    [〇零一二三四五六七八九十兩两]             # a numeral starts with a digit or 十
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
# A currency carried forward: (人民幣，下同), （单位：港元，下同）.
_CURRENCY_CARRY_NOTE = re.compile(
    r"""[(]\s*(?:單位|单位)?[:：]?\s*(?:億元|亿元|萬元|万元|元)?\s*
        (?P<currency>港幣|港币|港元|人民幣|人民币|美元|澳門元|澳门元|澳門幣|澳门币)
        \s*(?:元)?\s*[,，、;；]\s*下同\s*[)]""",
    re.VERBOSE,
)
_SENTENCE_END = re.compile(r"[。；;！？!?]")
_CLAUSE_BOUNDARY = re.compile(r"[。；;！？!?:：()「」《》]|(?<![0-9]),|,(?![0-9])|、")
_BOOK_TITLE = re.compile(r"《[^《》]*》")

# Periods stated in a sentence, most specific first. Each names what it matches.
_YEAR = r"(?P<y>(?:19|20)[0-9]{2})\s*年"
_PERIOD_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "end-month",
        re.compile(r"截至\s*(?:(?P<y>(?:19|20)[0-9]{2})\s*年)\s*(?P<m>[0-9]{1,2})\s*月\s*(?:底|末)?"),
    ),
    ("end-year", re.compile(rf"(?:(?:截至|截止|到)\s*)?{_YEAR}\s*(?:年)?\s*(?:底|末)")),
    (
        "month-span",
        re.compile(
            rf"(?:自\s*)?{_YEAR}\s*(?P<m1>[0-9]{{1,2}})\s*(?:月)?\s*(?:-|–|—|至|到)\s*(?P<m2>[0-9]{{1,2}})\s*月"
        ),
    ),
    (
        "first-months",
        re.compile(
            rf"{_YEAR}\s*(?:的)?\s*[前首]\s*(?P<n>[0-9]{{1,2}}|[一二三四五六七八九十兩两]+)\s*(?:個|个)?\s*月"
        ),
    ),
    (
        "year-span",
        re.compile(
            r"(?P<y1>(?:19|20)[0-9]{2})\s*(?:年)?\s*(?:-|–|—|至|到)\s*(?P<y2>(?:19|20)?[0-9]{2})\s*年(?:度)?"
        ),
    ),
    ("month", re.compile(rf"{_YEAR}\s*(?P<m>[0-9]{{1,2}})\s*月")),
    ("year", re.compile(rf"{_YEAR}")),
)
# A year written digit by digit in Chinese numerals (二零一六年), read as digits.
_CHINESE_YEAR = re.compile(r"(?P<digits>[〇零一二三四五六七八九]{4})年")
# Years that are not the period of the figures: a comparison base (比2008年), a
# start (自2008年以來, 自2002年起) or a target (至2030年).
_NOT_A_PERIOD_BEFORE = ("比", "較", "较", "同比", "以來", "以来", "與", "与")
_NOT_A_PERIOD_PREFIX = re.compile(r"(?:比|較|较|自|從|从|至|到)\s*$")
# 由 … (時的|原來的) X … 增至 Y: X is the value before a change, of another period.
_CHANGE_FROM = re.compile(r"由[^,，]*$")
_CHANGE_TO = re.compile(
    r"[^,，]{0,12}?(?:增至|增加到|增加至|擴展至|扩展至|擴大至|扩大至|升至|降至|減至|减至|提高到|提高至)"
)
# Sentences that continue the period of the previous one.
_PERIOD_CARRY_WORDS = ("其中", "同期", "當中", "当中", "同年", "該年", "该年")


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


# ---------------------------------------------------------------------------
# Extraction over a view
# ---------------------------------------------------------------------------


@dataclass
class _Mention:
    i: int  # view offset of the first character of the surface
    j: int  # view offset after the surface
    value: float
    unit: str | None
    measure: str
    approx: bool
    bound: str | None
    currency_source: str | None
    flag: str | None
    resolution: float


def _match_any(text: str, pos: int, words: tuple[str, ...]) -> str | None:
    for word in words:
        if text.startswith(word, pos):
            return word
    return None


def _skip_spaces(text: str, pos: int, limit: int = 2) -> int:
    n = 0
    while pos < len(text) and text[pos] == " " and n < limit:
        pos += 1
        n += 1
    return pos


def _approx_before(text: str, i: int) -> tuple[bool, str | None, str | None]:
    """Approximation word and currency written just before the number at ``i``."""
    window = text[max(0, i - 10) : i].rstrip()
    currency = None
    for name, code in sorted(_CURRENCY_NAMES.items(), key=lambda kv: -len(kv[0])):
        if window.endswith(name):
            currency = code
            window = window[: -len(name)].rstrip()
            break
    for word in _LINK_WORDS:
        if window.endswith(word):
            window = window[: -len(word)].rstrip()
            break
    for word, bound in _APPROX_BEFORE:
        if window.endswith(word):
            return True, bound, currency
    return False, None, currency


def _unit_after(text: str, pos: int) -> tuple[str, str, float, int, str | None] | None:
    """Read what follows a number: (kind, unit, multiplier, end, approx bound) or None.

    ``kind`` is money, percent, pp, multiple, tenths, physical, count or scale.
    Returns ``None`` when the number is a date, a duration, a rating or bare.
    """
    bound = None
    pos = _skip_spaces(text, pos)
    if _match_any(text, pos, ("多", "余", "餘")) and _match_any(text, pos + 1, tuple(_SCALES)):
        pos += 1
        bound = "over"
    multiplier = 1.0
    scale = _match_any(text, pos, tuple(_SCALES))
    if scale and not _match_any(text, pos, ("千瓦", "千伏", "千克", "千米", "百分")):
        multiplier = _SCALES[scale]
        pos += len(scale)
    if bound is None and _match_any(text, pos, ("多", "余", "餘")):
        pos += 1
        bound = "over"
    pos_unit = _skip_spaces(text, pos, 1)
    if text.startswith(("%", "‰"), pos_unit):
        return "percent", "percent", multiplier, pos_unit + 1, bound
    if word := _match_any(text, pos_unit, _PERCENT_POINT_UNITS):
        return "pp", "pp", multiplier, pos_unit + len(word), bound
    if word := _match_any(text, pos_unit, tuple(_CURRENCY_UNITS)):
        return "money", _CURRENCY_UNITS[word], multiplier, pos_unit + len(word), bound
    if text.startswith("元", pos_unit):
        end = pos_unit + 1
        after = _match_any(text, end, tuple(sorted(_CURRENCY_NAMES, key=len, reverse=True)))
        if after:
            return "money", _CURRENCY_NAMES[after], multiplier, end + len(after), bound
        return "money", "", multiplier, end, bound
    if text.startswith("倍", pos_unit):
        return "multiple", "times", multiplier, pos_unit + 1, bound
    if text.startswith("成", pos_unit) and not _match_any(text, pos_unit + 1, tuple(_CHENG_WORD_STARTS)):
        return "tenths", "percent", multiplier, pos_unit + 1, bound
    if text.startswith(("千伏", "伏", "kV"), pos_unit):
        return None  # ±800千伏, 500千伏: a rating, not a quantity
    if word := _match_any(text, pos_unit, tuple(sorted(_PHYSICAL_UNITS, key=len, reverse=True))):
        return "physical", _PHYSICAL_UNITS[word], multiplier, pos_unit + len(word), bound
    if _match_any(text, pos_unit, _TIME_WORDS):
        return None
    if word := _match_any(text, pos_unit, _CLASSIFIERS):
        after = pos_unit + len(word)
        if word in ("個", "个", "多") and (
            _match_any(text, after, _TIME_WORDS) or _match_any(text, after, ("多月", "多小時", "多小时"))
        ):
            return None  # 兩個月, 三個工作日: durations
        return "count", "count", multiplier, after, bound
    if multiplier != 1.0:
        return "scale", "count", multiplier, pos, bound
    return None


def _clause_bounds(text: str, i: int, j: int) -> tuple[int, int]:
    start = 0
    for m in _CLAUSE_BOUNDARY.finditer(text, 0, i):
        start = m.end()
    end_match = _CLAUSE_BOUNDARY.search(text, j)
    return start, (end_match.start() if end_match else len(text))


def _sentence_bounds(sentence_ends: list[int], i: int, length: int) -> tuple[int, int]:
    import bisect

    k = bisect.bisect_right(sentence_ends, i)
    start = sentence_ends[k - 1] if k > 0 else 0
    end = sentence_ends[k] if k < len(sentence_ends) else length
    return start, end


def _period_in(text: str, lo: int, hi: int) -> str | None:
    """The period stated in ``text[lo:hi]`` nearest its end, or None."""
    best: tuple[int, str] | None = None
    segment = _BOOK_TITLE.sub(lambda m: "＿" * len(m.group()), text[lo:hi])
    segment = _CHINESE_YEAR.sub(
        lambda m: "".join(str(CHINESE_DIGITS[ch]) for ch in m["digits"]) + "年", segment
    )
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PERIOD_PATTERNS:
        for m in pattern.finditer(segment):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            before = segment[: m.start()]
            after = segment[m.end() : m.end() + 3]
            if kind in ("year", "month", "year-span", "month-span", "first-months") and (
                _NOT_A_PERIOD_PREFIX.search(before) and not m.group().startswith("自")
            ):
                continue
            if kind in ("year", "month") and (
                after.startswith(("以來", "以来", "起")) or before.endswith("自")
            ):
                continue
            if kind == "month-span" and before.rstrip().endswith("至"):
                continue
            period = _format_period(kind, m)
            if period is not None and (best is None or m.start() >= best[0]):
                best = (m.start(), period)
    return None if best is None else best[1]


def _format_period(kind: str, m: re.Match[str]) -> str | None:
    if kind == "end-month":
        return f"end-{m['y']}-{int(m['m']):02d}"
    if kind == "end-year":
        return f"end-{m['y']}"
    if kind == "month-span":
        return f"{m['y']}-{int(m['m1']):02d}/{m['y']}-{int(m['m2']):02d}"
    if kind == "first-months":
        n = m["n"]
        months = int(n) if n.isdigit() else parse_chinese_numeral(n)
        if months is None or not 1 <= months <= 12:
            return None
        return f"{m['y']}-01/{m['y']}-{int(months):02d}"
    if kind == "year-span":
        y1, y2 = m["y1"], m["y2"]
        if len(y2) == 2:
            y2 = y1[:2] + y2
        return f"{y1}/{y2}" if y2 > y1 else None
    if kind == "month":
        month = int(m["m"])
        return f"{m['y']}-{month:02d}" if 1 <= month <= 12 else m["y"]
    return m["y"]


def _measure(lead_in: str, kind: str) -> tuple[str, int]:
    """Measure and sign from the words just before a number."""
    if kind in ("money",):
        return "amount", 1
    if kind in ("count", "scale"):
        return "count", 1
    if kind == "physical":
        return "volume", 1
    if kind == "multiple":
        return "multiple", 1
    # percentages, tenths, percentage points: the nearest keyword decides
    best: tuple[int, str, int] | None = None
    for words, measure, sign in (
        (_DECLINE_WORDS, "growth", -1),
        (_GROWTH_WORDS, "growth", 1),
        (_SHARE_WORDS, "share", 1),
    ):
        for word in words:
            at = lead_in.rfind(word)
            if at < 0:
                continue
            found = (at + len(word), measure, sign)
            if measure == "growth" and _TO_A_LEVEL.match(lead_in, at + len(word)):
                found = (at + len(word), "percent", 1)  # 提高至80%: a level reached, not a growth
            if best is None or found[0] > best[0]:
                best = found
    if best is None:
        return "percent", 1
    return best[1], best[2]


_SUBJECT_TRIM_START = re.compile(
    r"^(?:而|並|并|且|另外|此外|其中|同期|當中|当中|同時|同时|目前|現時|现时|至今|已|共|總共|总共)+"
)
_SUBJECT_TRIM_END = re.compile(
    r"(?:約|约|大約|大约|逾|超過|超过|近|接近|為|为|是|達|达|達到|达到|有|共有|共|了|已|至|增至|"
    r"港幣|港币|港元|人民幣|人民币|美元|澳門元|澳门元|的|\s)+$"
)
# What may stand before a rate without naming its subject: 比去年, 較去年同期, 同比, 按年實質.
_COMPARISON_ONLY = re.compile(
    r"(?:比|較|较|與|与)?\s*(?:上年|去年|前年|上年同期|去年同期|(?:19|20)[0-9]{2}\s*年)(?:同期)?(?:相比)?"
    r"|同比|環比|环比|按年(?:實質|实质)?|按月|實質|实质|分别|分別|了|約|约"
)
_PERIOD_WORDS = re.compile(
    r"(?:在|於|于|截至|截止|自|從|从)?\s*(?:19|20)[0-9]{2}\s*年(?:[0-9]{1,2}\s*月)?(?:年?底|年?末)?(?:以來|以来|起)?"
)


def _subject(text: str, m: _Mention, clause: tuple[int, int], kind: str) -> str:
    if kind in ("count", "scale", "physical"):
        tail = text[m.j : clause[1]]
        tail = re.split(r"[在於于參参獲获被由向從从已將将可的擴扩增來来]|[0-9]|大幅", tail, maxsplit=1)[0]
        if tail.strip():
            return tail.strip()[:16]
    lead = text[clause[0] : m.i]
    lead = _PERIOD_WORDS.sub("", lead)
    lead = _SUBJECT_TRIM_START.sub("", lead.strip().lstrip("0123456789 "))
    if m.measure in ("growth", "share", "multiple"):
        # 比去年增長32.4%, 同比下降2.1%: the rate is of what the sentence spoke of before
        head = lead
        for word in (*_DECLINE_WORDS, *_GROWTH_WORDS, *_SHARE_WORDS, "為", "为", "是"):
            at = head.rfind(word)
            if at >= 0 and m.measure != "share":
                head = head[:at]
        if not _COMPARISON_ONLY.sub("", head).strip():
            return ""
    lead = _SUBJECT_TRIM_END.sub("", lead)
    return lead.strip()[-24:]


def _arabic_value(raw: str) -> tuple[float, float]:
    """Value and resolution of a well-formed Arabic number."""
    digits = raw.replace(",", "").replace(" ", "")
    decimals = len(digits.split(".", 1)[1]) if "." in digits else 0
    return float(digits), 10.0**-decimals


def _split_at_list_comma(raw: str) -> tuple[str, str] | None:
    """Split a malformed run at the one comma that leaves two well-formed numbers, if there is one."""
    for k, ch in enumerate(raw):
        if ch == "," and _WELL_FORMED_ARABIC.match(raw[:k]) and _WELL_FORMED_ARABIC.match(raw[k + 1 :]):
            return raw[:k], raw[k + 1 :]
    return None


def _scan_numbers(text: str) -> list[tuple[int, int, float, float, str]]:
    """Candidate numbers in a view: (i, j, value, resolution, script), skipping bad ones with a warning."""
    found: list[tuple[int, int, float, float, str]] = []
    for m in _ARABIC_CANDIDATE.finditer(text):
        raw = m.group()
        digit_count = sum(ch.isdigit() for ch in raw)
        if digit_count > _MAX_DIGITS:
            warnings.warn(
                f"skipped a number of {digit_count} digits at offset {m.start()} "
                f"(expected at most {_MAX_DIGITS} digits)",
                FigureWarning,
                stacklevel=4,
            )
            continue
        if not _WELL_FORMED_ARABIC.match(raw):
            pieces = _split_at_list_comma(raw)
            if pieces is not None:  # 共5，3,000家: two numbers, the comma is punctuation
                head, tail = pieces
                for offset, piece in ((0, head), (len(head) + 1, tail)):
                    value, resolution = _arabic_value(piece)
                    i = m.start() + offset
                    found.append((i, i + len(piece), value, resolution, "arabic"))
                continue
            if _unit_after(text, m.end()) is not None or "," in raw or ".." in raw:
                warnings.warn(
                    f"skipped the malformed number {raw!r} at offset {m.start()} "
                    "(expected digits with thousands separators every three digits and one decimal point)",
                    FigureWarning,
                    stacklevel=4,
                )
            continue
        value, resolution = _arabic_value(raw)
        found.append((m.start(), m.end(), value, resolution, "arabic"))
    for m in _PERCENT_WORDS.finditer(text):
        number = m["number"]
        value = float(number) if number[0].isdigit() else parse_chinese_numeral(number)
        if value is not None:
            found.append((m.start(), m.end(), value, 0.0, "percent-words"))
    for m in _FRACTION_WORDS.finditer(text):
        den, num = m["denominator"], m["numerator"]
        d = float(den) if den.isdigit() else parse_chinese_numeral(den)
        n = float(num) if num.isdigit() else parse_chinese_numeral(num)
        if d and n is not None and d > 0 and not _overlaps(found, m.start(), m.end()):
            found.append((m.start(), m.end(), 100.0 * n / d, 0.0, "fraction"))
    for m in _CHINESE_NUMERAL_RUN.finditer(text):
        if _overlaps(found, m.start(), m.end()):
            continue
        raw = m.group()
        # A trailing scale character belongs to the unit reader (八百三十億元 keeps 億 in the number).
        value = parse_chinese_numeral(raw)
        if value is None:
            continue
        found.append((m.start(), m.end(), value, _chinese_resolution(raw), "chinese"))
    found.sort()
    return found


def _overlaps(found: list[tuple[int, int, float, float, str]], i: int, j: int) -> bool:
    return any(a < j and i < b for a, b, *_ in found)


def _extract_view(
    view: TextView, default_currency: str | None, carried_currency: str | None
) -> tuple[list[dict[str, object]], str | None]:
    text = view.text
    stop_spans = [(m.start(), m.end()) for m in _stop_pattern().finditer(text)]
    notes = [
        (m.start(), m.end(), _CURRENCY_NAMES[m["currency"]]) for m in _CURRENCY_CARRY_NOTE.finditer(text)
    ]
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    rows: list[dict[str, object]] = []
    previous_sentence_period: tuple[int, str | None] = (-1, None)
    for i, j, number, resolution, script in _scan_numbers(text):
        if any(a < j and i < b for a, b in stop_spans):
            continue
        flag = None
        if script in ("percent-words", "fraction"):
            reading: tuple[str, str, float, int, str | None] | None = ("percent", "percent", 1.0, j, None)
        else:
            reading = _unit_after(text, j)
        if reading is None:
            continue
        kind, unit, multiplier, end, bound_after = reading
        if script == "chinese":
            if text[i:j] == "一" and kind == "count" and multiplier == 1.0:
                continue  # 一套, 一項: an article, not a count
            if kind == "scale":
                continue  # a bare Chinese numeral with a scale word is prose (萬一, 千百)
        if text[max(0, i - 2) : i].rstrip().endswith(("第", "首")):
            continue  # 第 5 項: an ordinal
        value = number * multiplier
        resolution = resolution * multiplier
        if kind == "tenths":
            value *= 10
            resolution *= 10
        approx, bound, currency_before = _approx_before(text, i)
        after_word = None
        for word, word_bound in _APPROX_AFTER:
            if text.startswith(word, end):
                after_word = word_bound
                break
        if bound_after is not None:
            approx, bound = True, bound_after
        elif after_word is not None:
            approx, bound = True, after_word
        currency_source = None
        if kind == "money":
            if unit:
                currency_source = "explicit"
            elif currency_before:
                unit, currency_source = currency_before, "explicit"
            else:
                applicable = [note for note in notes if note[0] <= end + 2]
                if applicable:
                    unit, currency_source = applicable[-1][2], "carried"
                elif carried_currency:
                    unit, currency_source = carried_currency, "carried"
                elif default_currency:
                    unit, currency_source = default_currency, "default"
                else:
                    unit, currency_source, flag = None, None, "currency-unknown"
        if value != value or value in (float("inf"), float("-inf")):
            warnings.warn(
                f"skipped a number too large to represent at offset {i}", FigureWarning, stacklevel=3
            )
            continue
        mention = _Mention(i, end, value, unit, "", approx, bound, currency_source, flag, resolution)
        sentence = _sentence_bounds(sentence_ends, i, len(text))
        clause = _clause_bounds(text, i, end)
        lead_in = text[clause[0] : i]
        measure, sign = _measure(lead_in or text[sentence[0] : i][-12:], kind)
        mention.measure = measure
        mention.value = value * sign
        period = _period_in(text, sentence[0], i)
        if period is None:
            sentence_text = text[sentence[0] : sentence[1]].lstrip()
            if sentence_text.startswith(_PERIOD_CARRY_WORDS) and previous_sentence_period[1] is not None:
                period = previous_sentence_period[1]
            else:
                period = _period_in(text, i, sentence[1])
        if _CHANGE_FROM.search(lead_in) and _CHANGE_TO.match(text, end, clause[1]):
            period, flag = None, "change-from"  # 由5個城市擴展至20個省市: the value before the change
        if period is not None:
            previous_sentence_period = (sentence[0], period)
        elif previous_sentence_period[0] != sentence[0]:
            previous_sentence_period = (sentence[0], None)
        subject = _subject(text, mention, clause, kind)
        if not subject and rows and rows[-1]["sentence"] == text[sentence[0] : sentence[1]].strip():
            subject = str(rows[-1]["subject"])
        start, stop = view.source_span(mention.i, mention.j)
        rows.append(
            {
                "start": start,
                "end": stop,
                "surface": view.source[start:stop],
                "value": mention.value,
                "unit": mention.unit,
                "measure": mention.measure,
                "period": period,
                "approx": mention.approx,
                "subject": subject,
                "sentence": text[sentence[0] : sentence[1]].strip(),
                "bound": mention.bound,
                "currency_source": mention.currency_source,
                "flag": mention.flag,
                "resolution": mention.resolution,
                "clause": text[clause[0] : clause[1]].strip(),
                "lead_in": lead_in.strip(),
                "context": (lead_in + "#" + text[end : clause[1]]).strip(),
            }
        )
    if notes:
        carried_currency = notes[-1][2]
    return rows, carried_currency


def _frame(rows: list[dict[str, object]], extra: tuple[str, ...] = ()) -> pd.DataFrame:
    import pandas as pd

    columns = [*extra, *FIGURE_COLUMNS]
    frame = pd.DataFrame(rows, columns=columns)
    dtypes = {
        "start": "Int64",
        "end": "Int64",
        "value": "float64",
        "approx": "boolean",
        "resolution": "float64",
    }
    for column in columns:
        frame[column] = frame[column].astype(dtypes.get(column, "string"))
    return frame


def extract_figures(text: str, default_currency: str | None = None) -> pd.DataFrame:
    r"""Every money amount, count, share, growth rate, multiple and volume in a text.

    Parameters
    ----------
    text : str
        Any text; Chinese prose of the genre in either script.
    default_currency : str, optional
        Currency of amounts in 元 that name none and follow no "(人民幣，下同)"
        note (``"HKD"`` for a Hong Kong paper, ``"CNY"`` for a Mainland one).

    Returns
    -------
    pandas.DataFrame
        One row per mention: ``start, end`` (offsets into ``text``, with
        ``text[start:end] == surface``), ``surface, value`` (base units; a
        percentage as written; a decline negative), ``unit`` (HKD, CNY, USD,
        MOP, percent, pp, count, times, m3, t …), ``measure`` (amount, count,
        share, growth, percent, volume, multiple), ``period``, ``approx``,
        ``subject``, ``sentence``, and extras ``bound`` (about, over, at-least,
        under), ``currency_source`` (explicit, carried, default), ``flag``,
        ``resolution`` (the place value of the last written digit, in base
        units), ``clause``, ``lead_in`` and ``context`` (the clause; its words
        before the number; the clause with the mention replaced by ``#``).

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
    >>> extract_figures(text).loc[:, ["value", "measure"]].values.tolist()
    [[-3.2, 'growth'], [2.0, 'multiple']]
    """
    view = TextView.of(text)
    rows, _ = _extract_view(view, default_currency, None)
    return _frame(rows)


def document_figures(provisions: pd.DataFrame, source: str, *, default_currency: str | None) -> pd.DataFrame:
    r"""The figures of one document, from its provisions, with offsets into its source.

    Parameters
    ----------
    provisions : pandas.DataFrame
        Provisions of one document (``doc_id, node_id, level, para_no, start,
        end, text``), spans not overlapping.
    source : str
        The whole decoded source text the offsets index.
    default_currency : str or None
        The document's default currency (manifest ``default_currency``).

    Returns
    -------
    pandas.DataFrame
        ``doc_id, para_no, node_id`` and the columns of :func:`extract_figures`,
        in document order; ``source[start:end] == surface``. A currency note
        ("(人民幣，下同)") carries forward through the document.

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
    rows: list[dict[str, object]] = []
    carried: str | None = None
    ordered = provisions.sort_values("start", kind="stable")
    for provision in ordered.itertuples(index=False):
        start, end = int(provision.start), int(provision.end)
        if end <= start:
            continue
        view = TextView.of(source, start, end)
        if not view.text:
            continue
        found, carried = _extract_view(view, default_currency, carried)
        para_no = getattr(provision, "para_no", None)
        for row in found:
            row["doc_id"] = provision.doc_id
            row["para_no"] = para_no
            row["node_id"] = provision.node_id
            rows.append(row)
    frame = _frame(rows, extra=("doc_id", "para_no", "node_id"))
    frame["para_no"] = frame["para_no"].astype("Int64")
    return frame
