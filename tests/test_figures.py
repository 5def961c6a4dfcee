"""Tests of the figures stage: seed sentences, the gold of legco-cb-trade-2011, generalisation, bad input."""

from __future__ import annotations

import csv
import math
import re
import unicodedata
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coopstats as cs
from coopstats import vocabulary
from coopstats.errors import FigureWarning
from coopstats.figure_extraction import document_figures, extract_figures, parse_chinese_numeral

GOLD = Path(__file__).parent / "gold" / "figures_legco-cb-trade-2011.csv"
DOC_ID = "legco-cb-trade-2011"
FIELDS = ["surface", "value", "unit", "measure", "period", "approx"]


def rows(frame: pd.DataFrame, fields: list[str] = FIELDS) -> list[tuple[object, ...]]:
    out = []
    for record in frame[fields].itertuples(index=False):
        out.append(tuple(None if (not isinstance(v, str) and pd.isna(v)) else v for v in record))
    return out


# ---------------------------------------------------------------------------
# Real sentences of the seed briefing (line breaks as in the source file)
# ---------------------------------------------------------------------------

SEED_SENTENCES = [
    pytest.param(
        "內地與香港的商品貿易總\n\n額在2010年達港幣31,280億元，佔同期香港貿易總值的48.9%。",
        [
            ("31,280億元", 3.128e12, "HKD", "amount", "2010", False),
            ("48.9%", 48.9, "percent", "share", "2010", False),
        ],
        id="trade-total-and-share",
    ),
    pytest.param(
        "而同期內地經香港轉口往世界各\n\n地的貨物總值達港幣11,145億元1。另一方面，香港是內地的第三\n\n大貿易夥伴",
        [("11,145億元", 1.1145e12, "HKD", "amount", None, False)],
        id="footnote-marker-glued-and-ordinal",
    ),
    pytest.param(
        "內地亦同時是香港最大的外來投資者，截至2009年\n年底2，內地投資佔香港外來直接投資總額的36.4%，達港幣26,445\n億元。",
        [
            ("36.4%", 36.4, "percent", "share", "end-2009", False),
            ("26,445\n億元", 2.6445e12, "HKD", "amount", "end-2009", False),
        ],
        id="end-2009-footnote-after-year-and-split-number",
    ),
    pytest.param(
        "目前，超過3 800家內地企業在香港營運",
        [("3 800家", 3800.0, "count", "count", None, True)],
        id="space-separator-over",
    ),
    pytest.param(
        "在2010年，廣東省與香港的進出口總額約為港幣\n\n12,334億元，比去年增長32.4%，佔全省總額20.2%。其中出口到\n\n"
        "香港總額約為港幣11,870億元，比去年增長31.8%，佔全省總額\n\n33.7%。",
        [
            ("12,334億元", 1.2334e12, "HKD", "amount", "2010", True),
            ("32.4%", 32.4, "percent", "growth", "2010", False),
            ("20.2%", 20.2, "percent", "share", "2010", False),
            ("11,870億元", 1.187e12, "HKD", "amount", "2010", True),
            ("31.8%", 31.8, "percent", "growth", "2010", False),
            ("33.7%", 33.7, "percent", "share", "2010", False),
        ],
        id="guangdong-trade-period-carried-by-qizhong",
    ),
    pytest.param(
        "實際利用港商直接投資約港幣921億元，比2008年增長12.6 %。",
        [
            ("921億元", 9.21e10, "HKD", "amount", None, True),
            ("12.6 %", 12.6, "percent", "growth", None, False),
        ],
        id="space-before-percent-comparison-year-not-period",
    ),
    pytest.param(
        "截\n\n至2009年底，廣東省經批准的港資項目共107 464項（佔全省總數\n\n72.1%）",
        [
            ("107 464項", 107464.0, "count", "count", "end-2009", False),
            ("72.1%", 72.1, "percent", "share", "end-2009", False),
        ],
        id="share-in-parentheses-after-break",
    ),
    pytest.param(
        "自2008年以來，內地和香港公布了共41項以廣東省為試點的「先行先試」措施，涵蓋法律等21個領域",
        [("41項", 41.0, "count", "count", None, False), ("21個", 21.0, "count", "count", None, False)],
        id="since-2008-is-not-a-period",
    ),
    pytest.param(
        "投資推廣署已計劃在2011-12\n年與廣東及省內城市在海外舉辦六個聯合推介會，包括今年5月與",
        [("六個", 6.0, "count", "count", "2011/2012", False)],
        id="chinese-numeral-count-financial-year",
    ),
    pytest.param(
        "由原來的365\n家大幅增至67 359家。自2010年1月至12月，香港的人民幣貿易結\n\n算總額達3,692億元人民幣。",
        [
            ("365\n家", 365.0, "count", "count", None, False),
            ("67 359家", 67359.0, "count", "count", None, False),
            ("3,692億元人民幣", 3.692e11, "CNY", "amount", "2010", False),
        ],
        id="currency-after-amount-month-span",
    ),
    pytest.param(
        "現時粵港之間的貿易結算佔跨境貿易\n\n人民幣結算大約三成。",
        [("三成", 30.0, "percent", "share", None, True)],
        id="tenths-approx",
    ),
    pytest.param(
        "至今已有4家香港銀行獲廣東銀監局批准，設立共10間異地支\n\n行。",
        [("4家", 4.0, "count", "count", None, False), ("10間", 10.0, "count", "count", None, False)],
        id="bank-branches",
    ),
    pytest.param(
        "訂明供港東江水最終年供水量\n\n為11億立方米，足以應付至2030年香港的預計用水需求。",
        [("11億立方米", 1.1e9, "m3", "volume", None, False)],
        id="volume-target-year-not-period",
    ),
    pytest.param(
        "是次會議共有 500 多名\n\n來自全世界 48 個國家的執法人員",
        [("500 多名", 500.0, "count", "count", None, True), ("48 個", 48.0, "count", "count", None, False)],
        id="spaces-inside-line",
    ),
    pytest.param(
        "此外，12類香港法定註冊醫療衞生專業人員；為200種香港常用中藥材；食環署目前已進行了四輪測試，將會繼續進行新一輪測試",
        [
            ("12類", 12.0, "count", "count", None, False),
            ("200種", 200.0, "count", "count", None, False),
            ("四輪", 4.0, "count", "count", None, False),
        ],
        id="classifiers-and-article-yi",
    ),
]


@pytest.mark.parametrize(("text", "expected"), SEED_SENTENCES)
def test_seed_sentences(text: str, expected: list[tuple[object, ...]]) -> None:
    found = extract_figures(text, default_currency="HKD")
    assert rows(found) == expected


NOT_FIGURES = [
    "於 2011 年 2 月 28 日在廣州舉行",
    "粵港合作聯席會議第\n\n十六次工作會議",
    "香港是內地的第三\n\n大貿易夥伴",
    "粤府函〔2017〕38号",
    "由以往的2年以上降至1年以上",
    "而為期兩個月、於港深兩地同步進行的第\n\n一階段公眾參與活動",
    "以及推展「個人遊」和「144 小時便利簽證」等措施",
    "治理PM2.5污染",
    "建设±800千伏特高压直流输电工程",
    "粵港兩地、三地有關部門、九省区和港澳、9+2",
    "二零一一年三月；已於今年二月圓滿結束",
    "以減少兩地對同一批次貨物重複檢驗；也正發展一套用以接收",
    "由於政府統計處於每年12月發布前一年的數字，有關2010年的數字會\n\n於2011年年底公布。",
    "2.  內地是香港最大的貿易夥伴。\n\n - 5 -\n\n22.  特區政府",
    "大珠三角商務委員會；第六屆「國際環保博覽會」；首屆",
    "全面贯彻党的十八大和十八届三中、四中、五中全会精神，按照“五位一体”总体布局和“四个全面”战略布局",
    "更好利用国际国内两个市场、两种资源；关检合作“三个一”；畅通“最后一公里”；三条红线",
    "建设500千伏金中直流输电工程，打造“中国制造 2025”，21 世纪海上丝绸之路",
]


@pytest.mark.parametrize("text", NOT_FIGURES, ids=lambda t: t[:12].replace("\n", " "))
def test_not_figures(text: str) -> None:
    assert extract_figures(text, default_currency="HKD").empty


# ---------------------------------------------------------------------------
# The whole document against the hand-typed gold
# ---------------------------------------------------------------------------


def squash(surface: str) -> str:
    return unicodedata.normalize("NFKC", re.sub(r"\s*\n\s*", "", surface))


@pytest.fixture(scope="module")
def gold() -> list[dict[str, str]]:
    with GOLD.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def document() -> pd.DataFrame:
    source = cs.source_text(DOC_ID)
    found = document_figures(cs.provisions(DOC_ID), source, default_currency="HKD")
    found["line"] = [source.count("\n", 0, int(s)) + 1 for s in found["start"]]
    return found


def test_document_matches_gold(document: pd.DataFrame, gold: list[dict[str, str]]) -> None:
    got = [
        (
            int(r.line),
            squash(r.surface),
            float(r.value),
            r.unit,
            r.measure,
            "" if pd.isna(r.period) else r.period,
            str(bool(r.approx)),
        )
        for r in document.itertuples()
    ]
    expected = [
        (
            int(g["line"]),
            squash(g["surface"]),
            float(g["value"]),
            g["unit"],
            g["measure"],
            g["period"],
            g["approx"],
        )
        for g in gold
    ]
    assert got == expected


def test_document_offsets_slice_source(document: pd.DataFrame) -> None:
    source = cs.source_text(DOC_ID)
    assert all(
        source[s:e] == surface
        for s, e, surface in document[["start", "end", "surface"]].itertuples(index=False)
    )
    assert "26,445\n億元" in set(document["surface"])


def test_document_rows_carry_provenance(document: pd.DataFrame) -> None:
    by_surface = document.set_index("surface")
    assert by_surface.loc["31,280億元", "para_no"] == 2
    assert by_surface.loc["12,334億元", "para_no"] == 3
    levels = cs.provisions(DOC_ID).set_index("node_id")["level"]
    assert levels[by_surface.loc["7,065 億元", "node_id"]] == "footnote"
    assert pd.isna(by_surface.loc["7,065 億元", "para_no"])
    assert by_surface.loc["3,692億元人民幣", "currency_source"] == "explicit"
    assert by_surface.loc["31,280億元", "currency_source"] == "explicit"


def test_public_figures_frame_is_wired() -> None:
    frame = cs.figures(DOC_ID)
    assert len(frame) == 42
    assert frame["doc_id"].eq(DOC_ID).all()
    assert frame.set_index("surface").loc["12,334億元", "value"] == 1.2334e12


@pytest.mark.parametrize("doc_id", cs.documents()["doc_id"].tolist())
def test_no_year_date_or_ordinal_in_any_document(doc_id: str) -> None:
    frame = cs.figures(doc_id)
    source = cs.source_text(doc_id)
    for s, e, surface in frame[["start", "end", "surface"]].itertuples(index=False):
        assert source[s:e] == surface
        after = unicodedata.normalize("NFKC", source[e : e + 2]).lstrip()
        assert not after.startswith(("年", "月", "日", "号", "號"))
        before = unicodedata.normalize("NFKC", source[max(0, s - 2) : s]).rstrip()
        assert not before.endswith("第")


def test_subjects() -> None:
    text = (
        "在2010年，廣東省與香港的進出口總額約為港幣12,334億元，比去年增長32.4%，佔全省總額20.2%。"
        "2017年前5个月，广东省对香港进出口总额达3,580亿元，同比下降2.1%。"
        "目前，超過3 800家內地企業在香港營運。"
    )
    assert extract_figures(text)["subject"].tolist() == [
        "廣東省與香港的進出口總額",
        "廣東省與香港的進出口總額",
        "佔全省總額",
        "广东省对香港进出口总额",
        "广东省对香港进出口总额",
        "內地企業",
    ]


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("截至2010年年底，香港的資金佔內地外來投資總額43.4%", "end-2010"),
        ("2009年底，累计批准港资项目10万个", "end-2009"),
        ("截至2016年9月底，累計批准港資項目逾10萬個", "end-2016-09"),
        ("2017年1-5月，出口增长3.2%", "2017-01/2017-05"),
        ("2017年前5个月，出口增长3.2%", "2017-01/2017-05"),
        ("二零一六年首五個月，出口增長3.2%", "2016-01/2016-05"),
        ("自2010年1月至12月，結算總額達3,692億元人民幣", "2010"),
        ("於2010年6月擴展至20個省市", "2010-06"),
        ("在2011-12年舉辦六個推介會", "2011/2012"),
        ("2008至2011年共引進外資300億元", "2008/2011"),
        ("比2008年增長12.6%", None),
        ("自2008年以來，共41項", None),
        ("今年前5個月，出口增長3.2%", None),
        ("《2010年重點工作》共41項", None),
    ],
    ids=lambda v: str(v)[:14],
)
def test_periods(text: str, period: str | None) -> None:
    found = extract_figures(text, default_currency="HKD")
    assert [None if pd.isna(p) else p for p in found["period"]] == [period]


def test_level_reached_is_not_a_growth() -> None:
    found = extract_figures("到2020年海堤标准化率提高至80%以上，出口增长80%。")
    assert rows(found, ["surface", "measure", "bound"]) == [
        ("80%", "percent", "at-least"),
        ("80%", "growth", None),
    ]


def test_currency_note_carries_through_the_document() -> None:
    source = (
        "一、2016年出口額達300億元（人民幣，下同）。\n"
        "二、2016年進口額為200億元，另有港幣50億元。\n"
        "三、投資額為10億元。"
    )
    cuts = [0, source.index("二、"), source.index("三、"), len(source)]
    provisions = pd.DataFrame(
        {
            "doc_id": ["d"] * 3,
            "node_id": ["c1", "c2", "c3"],
            "level": ["chapter"] * 3,
            "para_no": [pd.NA] * 3,
            "start": cuts[:-1],
            "end": cuts[1:],
            "text": [""] * 3,
        }
    )
    found = document_figures(provisions, source, default_currency="HKD")
    assert rows(found, ["surface", "unit", "currency_source"]) == [
        ("300億元", "CNY", "carried"),
        ("200億元", "CNY", "carried"),
        ("50億元", "HKD", "explicit"),
        ("10億元", "CNY", "carried"),
    ]
    assert found["node_id"].tolist() == ["c1", "c2", "c2", "c3"]


# ---------------------------------------------------------------------------
# Generalisation: texts written in the style of HK releases and Mainland news
# ---------------------------------------------------------------------------

GENERAL_TEXTS = [
    pytest.param(
        "二零一六年首五個月，香港整體出口貨值為13,640億港元，較去年同期下跌1.7%。同期進口貨值為15,050億港元，下跌3.0%。",
        None,
        [
            ("13,640億港元", 1.364e12, "HKD", "amount", "2016-01/2016-05", False),
            ("1.7%", -1.7, "percent", "growth", "2016-01/2016-05", False),
            ("15,050億港元", 1.505e12, "HKD", "amount", "2016-01/2016-05", False),
            ("3.0%", -3.0, "percent", "growth", "2016-01/2016-05", False),
        ],
        id="hk-release-first-five-months-decline",
    ),
    pytest.param(
        "2017年前5个月，广东省对香港进出口总额达3,580亿元（人民币，下同），同比下降2.1%，占全省外贸总值的16.8%。"
        "其中出口2,950亿元，增长1.3倍。",
        "HKD",
        [
            ("3,580亿元", 3.58e11, "CNY", "amount", "2017-01/2017-05", False),
            ("2.1%", -2.1, "percent", "growth", "2017-01/2017-05", False),
            ("16.8%", 16.8, "percent", "share", "2017-01/2017-05", False),
            ("2,950亿元", 2.95e11, "CNY", "amount", "2017-01/2017-05", False),
            ("1.3倍", 1.3, "times", "multiple", "2017-01/2017-05", False),
        ],
        id="mainland-news-rmb-carried-multiple",
    ),
    pytest.param(
        "2016年，廣東省實現地區生產總值7.95萬億元（人民幣，下同），比上年增長7.5%，第三產業比重提高1.2個百分點。",
        None,
        [
            ("7.95萬億元", 7.95e12, "CNY", "amount", "2016", False),
            ("7.5%", 7.5, "percent", "growth", "2016", False),
            ("1.2個百分點", 1.2, "pp", "growth", "2016", False),
        ],
        id="trad-wan-yi-and-percentage-points",
    ),
    pytest.param(
        "2015年，粤港两地合作项目吸引投资八百三十亿元，进口增长百分之四点三，约三分之一为港资企业，是上年的两倍，共举办六个联合推介会，收到两份申请。",
        "CNY",
        [
            ("八百三十亿元", 8.3e10, "CNY", "amount", "2015", False),
            ("百分之四点三", 4.3, "percent", "growth", "2015", False),
            ("三分之一", 100 / 3, "percent", "percent", "2015", True),
            ("两倍", 2.0, "times", "multiple", "2015", False),
            ("六个", 6.0, "count", "count", "2015", False),
            ("两份", 2.0, "count", "count", "2015", False),
        ],
        id="wholly-chinese-numerals",
    ),
    pytest.param(
        "截至2016年9月底，累計批准港資項目逾10萬個，實際利用港資約2,800億美元，超過3,000家企業參展，其中500多家為中小企業。",
        None,
        [
            ("10萬個", 1e5, "count", "count", "end-2016-09", True),
            ("2,800億美元", 2.8e11, "USD", "amount", "end-2016-09", True),
            ("3,000家", 3000.0, "count", "count", "end-2016-09", True),
            ("500多家", 500.0, "count", "count", "end-2016-09", True),
        ],
        id="approx-yu-yue-chaoguo-duo",
    ),
    pytest.param(
        "２０１５年，粵港貿易額為１２，０００億元，澳門本地生產總值為3,623億澳門元，按年實質下跌20.3%。",
        "HKD",
        [
            ("１２，０００億元", 1.2e12, "HKD", "amount", "2015", False),
            ("3,623億澳門元", 3.623e11, "MOP", "amount", "2015", False),
            ("20.3%", -20.3, "percent", "growth", "2015", False),
        ],
        id="full-width-digits-default-currency-mop",
    ),
]


@pytest.mark.parametrize(("text", "default", "expected"), GENERAL_TEXTS)
def test_generalisation(text: str, default: str | None, expected: list[tuple[object, ...]]) -> None:
    found = extract_figures(text, default_currency=default)
    got = rows(found)
    assert [g[:1] + g[2:] for g in got] == [e[:1] + e[2:] for e in expected]
    assert [g[1] for g in got] == pytest.approx([e[1] for e in expected])


def test_bounds_and_currency_sources() -> None:
    found = extract_figures(
        "約港幣921億元，逾200家，超過3 800家，500多名，投資50億元以上，近三成，不足10%，人民幣30億元，15億元"
    )
    assert found["surface"].tolist() == [
        "921億元",
        "200家",
        "3 800家",
        "500多名",
        "50億元",
        "三成",
        "10%",
        "30億元",
        "15億元",
    ]
    assert found["bound"].fillna("").tolist() == [
        "about",
        "over",
        "over",
        "over",
        "at-least",
        "about",
        "under",
        "",
        "",
    ]
    assert found["approx"].tolist() == [True] * 7 + [False, False]
    assert found["currency_source"].fillna("").tolist() == [
        "explicit",
        "",
        "",
        "",
        "",
        "",
        "",
        "explicit",
        "",
    ]
    assert found["flag"].fillna("").tolist()[-2:] == ["", "currency-unknown"]
    assert pd.isna(found["unit"].iloc[-1])


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("八百三十億", 8.3e10),
        ("四点三", 4.3),
        ("一萬二千", 12000.0),
        ("兩千零五", 2005.0),
        ("十", 10.0),
        ("二零一一", 2011.0),
    ],
)
def test_parse_chinese_numeral(text: str, value: float) -> None:
    assert parse_chinese_numeral(text) == value


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("出口額為12,33,4億元。", "malformed number '12,33,4'"),
        ("增長1..5%。", "malformed number '1..5'"),
        ("金額為" + "9" * 400 + "億元。", "400 digits"),
    ],
    ids=["bad-separators", "double-point", "400-digits"],
)
def test_bad_numbers_warn_and_are_skipped(text: str, message: str) -> None:
    with pytest.warns(FigureWarning, match=re.escape(message)):
        found = extract_figures(text, default_currency="HKD")
    assert found.empty


def test_lone_percent_gives_empty_frame() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = extract_figures("%")
    assert found.empty
    assert list(found.columns[:10]) == [
        "start",
        "end",
        "surface",
        "value",
        "unit",
        "measure",
        "period",
        "approx",
        "subject",
        "sentence",
    ]


def test_list_comma_between_numbers_is_punctuation() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = extract_figures("分為5，3,000家企業參展。港幣11,145億元1，2010年")
    assert rows(found, ["surface", "value"]) == [("3,000家", 3000.0), ("11,145億元", 1.1145e12)]


def test_good_figure_beside_bad_one_is_kept() -> None:
    with pytest.warns(FigureWarning):
        found = extract_figures("增長1..5%，佔全省總額20.2%。")
    assert rows(found, ["surface", "value", "measure"]) == [("20.2%", 20.2, "share")]


GENRE_ALPHABET = st.sampled_from(
    list(
        "0123456789０１２３４５６７８９,，.．% ％\n\n  億亿萬万千百十"
        "一二三四五六七八九兩两零元港幣人民币美年月底第"
        "家個项成倍約逾多以上佔增長下降（）()-+±"
    )
)


@settings(deadline=None, max_examples=300)
@given(st.one_of(st.text(GENRE_ALPHABET, max_size=60), st.text(max_size=60)))
def test_any_string_gives_offsets_that_slice_back(text: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FigureWarning)
        found = extract_figures(text, default_currency="HKD")
    for start, end, surface, value in found[["start", "end", "surface", "value"]].itertuples(index=False):
        assert 0 <= start < end <= len(text)
        assert text[start:end] == surface
        assert math.isfinite(value)


# ---------------------------------------------------------------------------
# The vocabulary's currencies: every written form of every row (a new row is tested by itself)
# ---------------------------------------------------------------------------

CURRENCY_FORMS = [
    pytest.param(form, term.code, id=f"{term.code}-{form}")
    for term in vocabulary.terms("currency")
    for form in term.forms
]


def _prefix(form: str) -> str:
    # a Latin code is written with a space before digits (HKD 30億元): glued, it would be a code such as A30
    return form + (" " if form[-1].isascii() and form[-1].isalpha() else "")


@pytest.mark.parametrize(("form", "code"), CURRENCY_FORMS)
def test_currency_form_as_prefix(form: str, code: str) -> None:
    found = extract_figures(f"出口總額為{_prefix(form)}30億元。", default_currency="XXX")
    expected = [(3e9, code, "explicit", "出口總額")]
    assert rows(found, ["value", "unit", "currency_source", "subject"]) == expected


@pytest.mark.parametrize(("form", "code"), CURRENCY_FORMS)
def test_currency_form_as_suffix(form: str, code: str) -> None:
    found = extract_figures(f"出口總額為30億元{form}。", default_currency="XXX")
    assert rows(found, ["surface", "unit", "currency_source"]) == [(f"30億元{form}", code, "explicit")]


NOTE_SPELLINGS = [
    pytest.param("({X}，下同)", id="paren-xiatong"),
    pytest.param("（{X}，下同）", id="fullwidth-xiatong"),
    pytest.param("(單位：{X}，下同)", id="danwei-trad-xiatong"),
    pytest.param("（单位：{X}，下同）", id="danwei-simp-xiatong"),
    pytest.param("（单位：亿元{X}）", id="danwei-yiyuan"),
    pytest.param("（單位：{X}）", id="danwei-alone"),
    pytest.param("單位：百萬{X}", id="table-unit-line"),
]


@pytest.mark.parametrize("spelling", NOTE_SPELLINGS)
@pytest.mark.parametrize(("form", "code"), CURRENCY_FORMS)
def test_currency_carry_forward_note(form: str, code: str, spelling: str) -> None:
    note = spelling.format(X=form)
    found = extract_figures(f"貿易情況{note}\n出口總額為30億元，進口為20億元。", default_currency="XXX")
    expected = [(3e9, code, "carried"), (2e9, code, "carried")]
    assert rows(found, ["value", "unit", "currency_source"]) == expected


def test_aud_is_never_mop() -> None:
    found = extract_figures("投資澳元30億元，澳門元20億元，30億澳元")
    assert found["unit"].tolist() == ["AUD", "MOP", "AUD"]


def test_currency_before_the_amount_is_not_in_the_subject() -> None:
    assert extract_figures("本地生產總值為澳門幣30億元")["subject"].tolist() == ["本地生產總值"]


def test_every_item_of_a_list_of_rates_takes_the_verb_before_the_list():
    """As in the Macao DSEC release (gcs-2024-motrade-hant): the item after 和 was read as +7.7 percent."""
    found = extract_figures("按年分別下跌12.9%、2.2%和7.7%。", published="2024-03")
    assert found[["value", "measure"]].values.tolist() == [
        [-12.9, "growth"],
        [-2.2, "growth"],
        [-7.7, "growth"],
    ]


def test_a_word_starting_with_zero_is_not_a_figure():
    """零件 (parts) and 零售 (retail) are words: 零 is never a count written out."""
    assert extract_figures("機器設備與零件進口上升5%，社会消费品零售总额增长3%。")["surface"].tolist() == [
        "5%",
        "3%",
    ]
