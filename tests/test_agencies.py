"""Agency clauses: resolver examples, gold comparison, nothing lost, registry honesty, bad input."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coopstats as cs
from coopstats.agency_resolution import (
    agencies,
    assign,
    clause_leftovers,
    detect_lead_rule,
    load_registry,
    resolve_agencies,
)
from coopstats.errors import ParseError, ParseWarning, UnknownAgencyWarning
from coopstats.text import normalize, to_simplified

GOLD = Path(__file__).parent / "gold"
GOLD_DOCS = ["gdhk-keywork-2017", "panprd-gd-opinions-2017"]


def resolved(clause: str, lead_rule: str = "marker") -> list[tuple[str, str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownAgencyWarning)
        frame = resolve_agencies(clause, lead_rule)
    return list(zip(frame["expanded"], frame["role"], strict=True))


# ---------------------------------------------------------------------------
# Example table: clauses of the seeds (the traps named in issue 4)
# ---------------------------------------------------------------------------

SEED_CLAUSES = [
    (
        "省发展改革委、公安厅、交通运输厅、口岸办",
        [
            ("省发展改革委", "listed"),
            ("省公安厅", "listed"),
            ("省交通运输厅", "listed"),
            ("省口岸办", "listed"),
        ],
    ),
    ("深圳、珠海市政府", [("深圳市政府", "listed"), ("珠海市政府", "listed")]),
    (
        "广东、深圳、珠海出入境检验检疫局",
        [
            ("广东出入境检验检疫局", "listed"),
            ("深圳出入境检验检疫局", "listed"),
            ("珠海出入境检验检疫局", "listed"),
        ],
    ),
    ("省发展改革委、省交通运输厅牵头", [("省发展改革委", "lead"), ("省交通运输厅", "lead")]),
    (
        "民航中南管理局、省发展改革委、省机场管理集团、深圳机场集团等按职责分工负责",
        [
            ("民航中南管理局", "responsible"),
            ("省发展改革委", "responsible"),
            ("省机场管理集团", "responsible"),
            ("深圳机场集团", "responsible"),
        ],
    ),
    (
        "省人力资源社会保障厅牵头，省委组织部，省发展改革委、公安厅、卫生计生委，省总工会等按职责分工负责",
        [
            ("省人力资源社会保障厅", "lead"),
            ("省委组织部", "co"),
            ("省发展改革委", "co"),
            ("省公安厅", "co"),
            ("省卫生计生委", "co"),
            ("省总工会", "co"),
        ],
    ),
    (
        "省科技厅牵头，省发展改革委、经济和信息化委、教育厅、住房城乡建设厅，省科学院，有关地级以上市政府等按职责分工负责",
        [
            ("省科技厅", "lead"),
            ("省发展改革委", "co"),
            ("省经济和信息化委", "co"),
            ("省教育厅", "co"),
            ("省住房城乡建设厅", "co"),
            ("省科学院", "co"),
            ("有关地级以上市政府", "co"),
        ],
    ),
    ("团省委，省教育厅、港澳办", [("团省委", "listed"), ("省教育厅", "listed"), ("省港澳办", "listed")]),
    (
        "省水利厅、水利部珠江水利委员会牵头，省发展改革委等按职责分工负责",
        [("省水利厅", "lead"), ("水利部珠江水利委员会", "lead"), ("省发展改革委", "co")],
    ),
    (
        "省发展改革委牵头，省交通运输厅、水利厅、环境保护厅及交通运输部珠江航务管理局等按职责分工负责",
        [
            ("省发展改革委", "lead"),
            ("省交通运输厅", "co"),
            ("省水利厅", "co"),
            ("省环境保护厅", "co"),
            ("交通运输部珠江航务管理局", "co"),
        ],
    ),
    (
        "省知识产权局、公安厅、商务厅、工商局、版权局，海关广东分署，国家知识产权局专利局专利审查协作广东中心，"
        "工商总局商标审查协作广州中心、商标局驻广州办事处",
        [
            ("省知识产权局", "listed"),
            ("省公安厅", "listed"),
            ("省商务厅", "listed"),
            ("省工商局", "listed"),
            ("省版权局", "listed"),
            ("海关广东分署", "listed"),
            ("国家知识产权局专利局专利审查协作广东中心", "listed"),
            ("工商总局商标审查协作广州中心", "listed"),
            ("商标局驻广州办事处", "listed"),
        ],
    ),
    (
        "省扶贫办牵头，省有关单位及广州、深圳、佛山、中山、东莞、珠海市政府等按职责分工负责",
        [
            ("省扶贫办", "lead"),
            ("省有关单位", "co"),
            ("广州市政府", "co"),
            ("深圳市政府", "co"),
            ("佛山市政府", "co"),
            ("中山市政府", "co"),
            ("东莞市政府", "co"),
            ("珠海市政府", "co"),
        ],
    ),
    (
        "省发展改革委牵头，省社会信用体系建设统筹协调小组成员单位等按职责分工负责",
        [("省发展改革委", "lead"), ("省社会信用体系建设统筹协调小组成员单位", "co")],
    ),
    (
        "省食品药品监管局、质监局、工商局等按职责分工负责",
        [("省食品药品监管局", "responsible"), ("省质监局", "responsible"), ("省工商局", "responsible")],
    ),
    ("省发展改革委、交通运输厅牵头", [("省发展改革委", "lead"), ("省交通运输厅", "lead")]),
    ("省经济和信息化委", [("省经济和信息化委", "listed")]),
    ("深圳市政府)", [("深圳市政府", "listed")]),
    ("深圳市\n\n政府)", [("深圳市政府", "listed")]),
]


@pytest.mark.parametrize(("clause", "expected"), SEED_CLAUSES, ids=[c for c, _ in SEED_CLAUSES])
def test_seed_clause(clause: str, expected: list[tuple[str, str]]) -> None:
    assert resolved(clause) == expected


def test_trademark_office_is_not_provincial() -> None:
    frame = resolve_agencies("工商总局商标审查协作广州中心、商标局驻广州办事处")
    assert frame["agency_id"].tolist() == ["saic-tmrc-gz", "tmo-gz"]
    assert "省商标局驻广州办事处" not in frame["name"].tolist()


@pytest.mark.parametrize(
    ("clause", "agency_id", "name"),
    [
        ("人行广州分行", "pboc-gz", "人民银行广州分行"),
        ("人民银行广州分行", "pboc-gz", "人民银行广州分行"),
        (
            "省环境保护厅牵头，省发展改革委、城乡住房建设厅、财政厅等按职责分工负责",
            "gd-housing",
            "省住房城乡建设厅",
        ),
        ("省海洋渔业厅", "gd-ocean-fisheries", "省海洋与渔业厅"),
        ("广东省财政厅", "gd-finance", "省财政厅"),
        ("广州市人民政府", "gz-gov", "广州市政府"),
    ],
    ids=[
        "人行广州分行",
        "人民银行广州分行",
        "城乡住房建设厅",
        "海洋渔业厅",
        "广东省财政厅",
        "广州市人民政府",
    ],
)
def test_aliases_resolve_to_one_id(clause: str, agency_id: str, name: str) -> None:
    frame = resolve_agencies(clause)
    row = frame[frame["agency_id"] == agency_id].iloc[0]
    assert row["name"] == name
    assert bool(row["known"])


def test_groups_are_level_group_not_errors() -> None:
    frame = resolve_agencies(
        "省发展改革委牵头，省编办、省推进泛珠三角区域合作工作协调领导小组成员单位及有关地级以上市政府等按职责分工负责"
    )
    assert frame["level"].tolist() == ["provincial-department", "provincial-office", "group", "group"]
    assert frame["known"].all()
    assert frame["flag"].isna().all()


def test_he_is_never_a_separator() -> None:
    frame = resolve_agencies("省经济和信息化委、海洋与渔业厅")
    assert frame["name"].tolist() == ["省经济和信息化委", "省海洋与渔业厅"]


def test_raw_is_the_span_of_the_clause() -> None:
    clause = "省发展改革委、公安厅牵头，深圳、珠海市政府等按职责分工负责"
    frame = resolve_agencies(clause)
    assert frame["raw"].tolist() == ["省发展改革委", "公安厅", "深圳", "珠海市政府"]
    for raw, start, end in frame[["raw", "raw_start", "raw_end"]].itertuples(index=False):
        assert clause[start:end] == raw


# ---------------------------------------------------------------------------
# Generalisation: clauses in the style of other documents of the genre
# ---------------------------------------------------------------------------

GENRE_CLAUSES = [
    # a Guangdong–Macao key-work list (Macao-side units, Gongbei customs), traditional script
    (
        "省港澳辦、商務廳，珠海市政府，拱北海關",
        "marker",
        [("省港澳办", "listed"), ("省商务厅", "listed"), ("珠海市政府", "listed"), ("拱北海关", "listed")],
    ),
    # a Greater Bay Area action plan: cities first, then provincial units, half-width commas
    (
        "广州、深圳、珠海、佛山、中山、东莞市政府,省发展改革委、港澳办牵头",
        "marker",
        [
            ("广州市政府", "lead"),
            ("深圳市政府", "lead"),
            ("珠海市政府", "lead"),
            ("佛山市政府", "lead"),
            ("中山市政府", "lead"),
            ("东莞市政府", "lead"),
            ("省发展改革委", "lead"),
            ("省港澳办", "lead"),
        ],
    ),
    # the same plan in traditional script with full-width punctuation
    (
        "省發展改革委牽頭，省港澳辦、商務廳、交通運輸廳，廣州、深圳市政府等按職責分工負責",
        "marker",
        [
            ("省发展改革委", "lead"),
            ("省港澳办", "co"),
            ("省商务厅", "co"),
            ("省交通运输厅", "co"),
            ("广州市政府", "co"),
            ("深圳市政府", "co"),
        ],
    ),
    # half-width punctuation throughout, semicolons between groups
    (
        "省发展改革委、公安厅牵头;省财政厅、商务厅等按职责分工负责",
        "marker",
        [("省发展改革委", "lead"), ("省公安厅", "lead"), ("省财政厅", "co"), ("省商务厅", "co")],
    ),
    # a key-work list that states the first-listed rule: no role words in the clause
    (
        "省商务厅、港澳办，深圳市政府",
        "first-listed",
        [("省商务厅", "lead"), ("省港澳办", "co"), ("深圳市政府", "co")],
    ),
    # first-listed in traditional script, with a responsibility phrase but no lead
    (
        "省衞生計生委、食品藥品監管局等按職責分工負責",
        "first-listed",
        [("省卫生计生委", "lead"), ("省食品药品监管局", "co")],
    ),
    # several groups separated by "，", each with its own prefix
    (
        "省委组织部、宣传部，省发展改革委、财政厅，广东证监局、保监局",
        "marker",
        [
            ("省委组织部", "listed"),
            ("省委宣传部", "listed"),
            ("省发展改革委", "listed"),
            ("省财政厅", "listed"),
            ("广东证监局", "listed"),
            ("广东保监局", "listed"),
        ],
    ),
    # labelled roles, as in implementation plans that list 牵头单位 and 配合单位
    (
        "牵头单位：省发展改革委；配合单位：省财政厅、商务厅",
        "marker",
        [("省发展改革委", "lead"), ("省财政厅", "co"), ("省商务厅", "co")],
    ),
    ("由省发展改革委牵头，省财政厅配合", "marker", [("省发展改革委", "lead"), ("省财政厅", "co")]),
    # the whole clause with its parentheses, "以及" as a separator
    (
        "（省商务厅牵头，省自贸办以及广州、深圳、珠海市政府等按职责分工负责）",
        "marker",
        [
            ("省商务厅", "lead"),
            ("省自贸办", "co"),
            ("广州市政府", "co"),
            ("深圳市政府", "co"),
            ("珠海市政府", "co"),
        ],
    ),
    (
        "省发展改革委牵头，有关地级以上市政府等按职责分工负责",
        "none",
        [("省发展改革委", "listed"), ("有关地级以上市政府", "listed")],
    ),
]


@pytest.mark.parametrize(("clause", "rule", "expected"), GENRE_CLAUSES, ids=[c for c, _, _ in GENRE_CLAUSES])
def test_genre_clause(clause: str, rule: str, expected: list[tuple[str, str]]) -> None:
    assert resolved(clause, rule) == expected


def test_traditional_and_simplified_give_the_same_rows() -> None:
    simplified = (
        "省发展改革委、交通运输厅牵头，省经济和信息化委、国土资源厅、港澳办，"
        "广铁集团，深圳、珠海市政府等按职责分工负责"
    )
    traditional = (
        "省發展改革委、交通運輸廳牽頭，省經濟和信息化委、國土資源廳、港澳辦，"
        "廣鐵集團，深圳、珠海市政府等按職責分工負責"
    )
    columns = ["position", "name", "role", "agency_id", "known"]
    pd.testing.assert_frame_equal(
        resolve_agencies(simplified)[columns], resolve_agencies(traditional)[columns]
    )


def test_several_groups_with_unknown_city_units_are_expanded_and_flagged() -> None:
    with pytest.warns(UnknownAgencyWarning, match="广州市科技局"):
        frame = resolve_agencies("广州市发展改革委、科技局，深圳市发展改革委、科技创新委")
    assert frame["expanded"].tolist() == [
        "广州市发展改革委",
        "广州市科技局",
        "深圳市发展改革委",
        "深圳市科技创新委",
    ]
    assert not frame["known"].any()
    assert frame["flag"].str.contains("unknown-name").all()
    assert frame["agency_id"].isna().all()


def test_nested_parentheses_are_one_name() -> None:
    with pytest.warns(UnknownAgencyWarning):
        frame = resolve_agencies(
            "中国（广东）自由贸易试验区广州南沙新区片区管委会、省商务厅(含省自贸办,省口岸办)牵头，省发展改革委等按职责分工负责"
        )
    assert frame["expanded"].tolist() == [
        "中国(广东)自由贸易试验区广州南沙新区片区管委会",
        "省商务厅(含省自贸办,省口岸办)",
        "省发展改革委",
    ]
    assert frame["role"].tolist() == ["lead", "lead", "co"]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("各项工作中，列在任务分工首位的为牵头单位，其他为主要参加单位。", "first-listed"),
        ("列在任務分工首位的為牽頭單位，其他為主要參加單位。", "first-listed"),
        ("（注：排在第一位的为牵头单位）", "first-listed"),
        ("省发展改革委牵头，省财政厅等按职责分工负责。", "marker"),
        ("粤港共同牵头组织赴一带一路沿线重点国家考察。", "marker"),
    ],
    ids=["statement", "statement-traditional", "note", "clause-only", "role-word-in-task-sentence"],
)
def test_detect_lead_rule(text: str, rule: str) -> None:
    assert detect_lead_rule(text) == rule


def test_lead_rule_gate_holds_every_character_that_becomes_its_characters() -> None:
    # detect_lead_rule looks at the text as written before normalising and converting it: every
    # character NFKC or hk2s makes 首, 第一's 一, 牵 or 头 of must be in the gate's classes
    import sys
    import unicodedata

    from coopstats.agency_resolution import _LEAD_RULE_FIRST, _LEAD_RULE_ONE, _LEAD_RULE_STOPS

    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        normal = unicodedata.normalize("NFKC", ch)
        if normal == ch:
            continue
        if "首" in normal:
            assert ch in _LEAD_RULE_FIRST, hex(code)
        if normal.startswith("一"):
            assert ch in _LEAD_RULE_ONE, hex(code)
        assert not set(normal) & set("第牵牽头頭"), hex(code)
    blocks = [(0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2A6E0), (0x2F800, 0x2FA20)]
    for lo, hi in blocks:
        for code in range(lo, hi):
            simplified = to_simplified(normalize(chr(code)))
            for target, sources in (("首", "首"), ("第", "第"), ("一", "一"), ("牵", "牵牽"), ("头", "头頭")):
                if target in simplified:
                    assert normalize(chr(code)) in sources, hex(code)
    for ch in _LEAD_RULE_STOPS:  # the gap's excluded characters become punctuation a statement stops at
        assert to_simplified(normalize(ch)) in "。；;，,()", ch
    assert detect_lead_rule("列在任务分工\u2fb8位的为牽頭单位") == "first-listed"
    assert detect_lead_rule("首长联席会议审议。（省发展改革委牵头）") == "marker"


def test_compact_clause_is_normalized_with_positions() -> None:
    import random

    from coopstats.agency_resolution import _MATCHED, _compact
    from coopstats.text import normalized_with_positions

    alphabet = [
        *"省财政厅粵港澳牽頭、，；;（）()  \t\u3000\u200b\uf98e①ﾊ关区guānqū",
        "\xa0",
        "\n",
        "\x01",
        "㍿",
    ]
    rng = random.Random(19)
    for _ in range(20_000):
        clause = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        expected = normalized_with_positions(
            clause, simplified=True, keep=_MATCHED.__getitem__, space_runs=";", drop_glosses=True
        )
        assert _compact(clause) == expected, clause


def test_corpus_documents_use_marker_rule() -> None:
    for doc_id in cs.documents()["doc_id"]:
        assert detect_lead_rule(cs.source_text(doc_id)) == "marker"


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("clause", ["", "   ", "\n", "（）", "牵头", "等按职责分工负责"])
def test_empty_clause_is_a_clear_error(clause: str) -> None:
    with pytest.raises(ParseError, match="agency"):
        resolve_agencies(clause)


def test_non_string_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        resolve_agencies(None)  # type: ignore[arg-type]


def test_unknown_lead_rule() -> None:
    with pytest.raises(ValueError, match="first-listed"):
        resolve_agencies("省商务厅", "first")


@pytest.mark.parametrize(
    ("clause", "names", "leftover"),
    [
        ("省发展改革委（牵头", ["省发展改革委"], ["（"]),
        ("省商务厅)、省港澳办牵头", ["省商务厅", "省港澳办"], [")"]),
        ("(省商务厅", ["省商务厅"], ["("]),
    ],
    ids=["open-without-close", "close-without-open", "leading-open"],
)
def test_unbalanced_parenthesis_is_flagged(clause: str, names: list[str], leftover: list[str]) -> None:
    frame = resolve_agencies(clause)
    assert frame["name"].tolist() == names
    assert frame["flag"].str.contains("unbalanced-parenthesis").all()
    assert clause_leftovers(clause) == leftover


def test_control_characters_are_removed_and_flagged() -> None:
    frame = resolve_agencies("省发展改革委\x00、公安厅\u200b牵头\x07")
    assert frame["name"].tolist() == ["省发展改革委", "省公安厅"]
    assert frame["role"].tolist() == ["lead", "lead"]
    assert frame["flag"].str.contains("control-characters-removed").all()


def test_clause_of_2000_characters_of_names() -> None:
    clause = "省财政厅、省商务厅、" * 200
    assert len(clause) == 2000
    frame = resolve_agencies(clause)
    assert len(frame) == 400
    assert frame["name"].value_counts().to_dict() == {"省财政厅": 200, "省商务厅": 200}


def test_clause_of_2000_characters_without_separators_is_flagged() -> None:
    clause = "省" + "发" * 1999
    with pytest.warns(UnknownAgencyWarning):
        frame = resolve_agencies(clause)
    assert len(frame) == 1
    assert set(frame.loc[0, "flag"].split(";")) == {"unknown-name", "implausibly-long-name"}


def test_empty_name_between_separators_is_flagged() -> None:
    frame = resolve_agencies("省财政厅、、商务厅")
    assert frame["name"].tolist() == ["省财政厅", "省商务厅"]
    assert frame["flag"].tolist() == [pd.NA, "empty-name"]


# ---------------------------------------------------------------------------
# Property-based tests
# ---------------------------------------------------------------------------

_REGISTRY = load_registry(user=False)
_FULL_NAMES = sorted(_REGISTRY["name"])
_SEPARATORS = ["、", "，", ",", "；", "及", "以及"]


@settings(deadline=None, max_examples=150)
@given(
    names=st.lists(st.sampled_from(_FULL_NAMES), min_size=1, max_size=8),
    separators=st.lists(st.sampled_from(_SEPARATORS), min_size=8, max_size=8),
    tail=st.sampled_from(["", "等", "牵头", "等按职责分工负责", "按职责分工负责"]),
    traditional=st.booleans(),
)
def test_full_names_come_back_in_order(
    names: list[str], separators: list[str], tail: str, traditional: bool
) -> None:
    clause = names[0] + "".join(sep + name for sep, name in zip(separators, names[1:], strict=False)) + tail
    if traditional:
        import opencc

        clause = opencc.OpenCC("s2hk").convert(clause)
    frame = resolve_agencies(clause)
    assert frame["name"].tolist() == names
    assert frame["known"].all()
    assert clause_leftovers(clause) == []
    expected_role = {"": "listed", "等": "listed", "牵头": "lead"}.get(tail, "responsible")
    assert set(frame["role"]) == {expected_role}


@settings(deadline=None, max_examples=200)
@given(
    st.text(
        alphabet=st.sampled_from(list("省市厅办、，,；及等牵头负责()（）深圳珠海政府发展改革委\x00 \n")),
        max_size=60,
    )
)
def test_any_text_gives_rows_or_a_clear_error(clause: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnknownAgencyWarning)
            frame = resolve_agencies(clause)
    except ParseError as exc:
        assert "agency clause" in str(exc)
        return
    assert len(frame) >= 1
    assert frame["position"].tolist() == list(range(1, len(frame) + 1))
    assert set(frame["role"]) <= {"lead", "co", "responsible", "listed"}
    for raw, start, end in frame[["raw", "raw_start", "raw_end"]].itertuples(index=False):
        assert clause[start:end] == raw
    assert (frame["known"] | frame["flag"].str.contains("unknown-name")).all()


# ---------------------------------------------------------------------------
# Gold comparison through the tasks frame
# ---------------------------------------------------------------------------

_KEY = ["chapter_no", "section_no", "item_no", "clause_no", "position"]


@pytest.fixture(scope="module", params=GOLD_DOCS)
def gold_and_output(request: pytest.FixtureRequest) -> tuple[pd.DataFrame, pd.DataFrame]:
    doc_id = request.param
    gold = pd.read_csv(GOLD / f"assignments_{doc_id}.csv", comment="#", dtype="string")
    for column in [*_KEY, "line", "clause_line"]:
        gold[column] = gold[column].astype("Int64")
    tasks = cs.tasks(doc_id)
    rule = detect_lead_rule(cs.source_text(doc_id))
    out = assign(tasks, lead_rule=rule).merge(
        tasks[["task_id", "chapter_no", "section_no", "item_no", "line"]], on="task_id", how="left"
    )
    return gold, out


def test_gold_name_by_name(gold_and_output: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    gold, out = gold_and_output
    merged = gold.merge(out, on=_KEY, how="outer", suffixes=("_gold", "_out"), indicator=True)
    only = merged[merged["_merge"] != "both"]
    assert only.empty, only[[*_KEY, "name_gold", "expanded", "_merge"]].to_string()
    wrong_name = merged[merged["name_gold"] != merged["expanded"]]
    assert wrong_name.empty, wrong_name[[*_KEY, "name_gold", "expanded"]].to_string()
    wrong_role = merged[merged["role_gold"] != merged["role_out"]]
    assert wrong_role.empty, wrong_role[[*_KEY, "name_gold", "role_gold", "role_out"]].to_string()
    wrong_line = merged[merged["line_gold"] != merged["line_out"]]
    assert wrong_line.empty, wrong_line[[*_KEY, "line_gold", "line_out"]].to_string()


def test_gold_names_all_known(gold_and_output: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    _, out = gold_and_output
    assert out["known"].all(), out.loc[~out["known"], "name"].tolist()
    assert out["flag"].isna().all()


def test_gold_counts() -> None:
    counts = {doc: len(cs.assignments(doc)) for doc in GOLD_DOCS}
    gold_counts = {doc: len(pd.read_csv(GOLD / f"assignments_{doc}.csv", comment="#")) for doc in GOLD_DOCS}
    assert counts == gold_counts == {"gdhk-keywork-2017": 148, "panprd-gd-opinions-2017": 271}


def test_section_level_tasks_carry_their_clauses() -> None:
    a = cs.assignments("panprd-gd-opinions-2017")
    sections = a[a["task_id"].str.contains(r"/c3\.s\d$")]
    assert sections.groupby("task_id")["name"].count().to_dict() == {
        "panprd-gd-opinions-2017/c3.s1": 4,
        "panprd-gd-opinions-2017/c3.s2": 1,
        "panprd-gd-opinions-2017/c3.s3": 4,
        "panprd-gd-opinions-2017/c3.s4": 3,
    }


# ---------------------------------------------------------------------------
# Nothing lost: every clause of the corpus is used up
# ---------------------------------------------------------------------------


def _corpus_clauses() -> list[tuple[str, str]]:
    tasks = cs.tasks()
    out = []
    for task_id, clauses in tasks.loc[
        tasks["agency_clause"].notna(), ["task_id", "agency_clause"]
    ].itertuples(index=False):
        out.extend((task_id, clause) for clause in str(clauses).split("\n"))
    return out


def test_every_corpus_clause_is_used_up() -> None:
    clauses = _corpus_clauses()
    gold_clauses = sum(
        len(pd.read_csv(GOLD / f"assignments_{doc}.csv", comment="#").drop_duplicates(_KEY[:4]))
        for doc in GOLD_DOCS
    )
    # one per key-work item (77); 47 item paragraphs and 4 sections in the Pan-PRD opinions
    assert len(clauses) == gold_clauses == 77 + 47 + 4
    leftovers = {task: left for task, clause in clauses if (left := clause_leftovers(clause))}
    assert leftovers == {}


def test_leftovers_catch_what_is_not_a_known_name() -> None:
    assert clause_leftovers("省发展改革委、发展和改革局牵头") == ["发展和改革局"]
    assert clause_leftovers("省发展改革委牵头负责协调，省财政厅") == ["省发展改革委牵头负责协调"]


# ---------------------------------------------------------------------------
# Registry honesty
# ---------------------------------------------------------------------------


def _corpus_text() -> str:
    return "".join(to_simplified(normalize(cs.source_text(d))) for d in cs.documents()["doc_id"])


def test_registry_names_occur_in_the_corpus_or_are_successors() -> None:
    registry = load_registry(user=False)
    corpus = re.sub(r"\s", "", _corpus_text())
    gold_names = set()
    for doc in GOLD_DOCS:
        gold_names |= set(pd.read_csv(GOLD / f"assignments_{doc}.csv", comment="#")["name"])
    successors = {s for value in registry["successor"] for s in str(value).split("|") if s}
    names = list(registry["name"]) + [a for value in registry["aliases"] for a in str(value).split("|") if a]
    unsupported = [n for n in names if n not in corpus and n not in gold_names and n not in successors]
    assert unsupported == []
    # successors are rows of the registry
    assert successors <= set(registry["name"])
    # every name the gold files hold is in the registry (as a name or an alias)
    assert gold_names <= set(names)


def test_registry_names_hold_no_separator_or_role_word() -> None:
    registry = load_registry(user=False)
    names = list(registry["name"]) + [a for value in registry["aliases"] for a in str(value).split("|") if a]
    bad = [n for n in names if re.search(r"[、，,；;]|及|牵头|负责|配合|等$", n)]
    assert bad == []


def test_registry_ids_and_levels() -> None:
    registry = agencies()
    assert list(registry.columns) == [
        "agency_id",
        "name",
        "name_en",
        "level",
        "aliases",
        "successor",
        "source",
        "verified",
    ]
    assert registry["agency_id"].is_unique
    assert registry["agency_id"].str.fullmatch(r"[a-z0-9][a-z0-9-]*").all()
    assert registry["name"].is_unique
    assert (registry["source"].str.len() > 0).all()
    assert set(registry["level"]) <= {
        "provincial-department", "provincial-agency", "provincial-office", "public-institution",
        "city-government", "central-or-vertical", "state-owned-enterprise", "party-or-mass-organisation",
        "court", "group",
    }  # fmt: skip
    successors = registry.set_index("name")["successor"]
    assert successors["省经济和信息化委"] == "省工业和信息化厅"
    assert successors["省卫生计生委"] == "省卫生健康委"
    assert successors["省环境保护厅"] == "省生态环境厅"
    assert successors["省海洋与渔业厅"] == "省自然资源厅|省农业农村厅"


def test_user_registry_adds_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOPSTATS_HOME", str(tmp_path))
    (tmp_path / "agencies.csv").write_text(
        "agency_id,name,name_en,level,aliases,successor,source,verified\n"
        "gd-huizhou-gov,惠州市政府,Huizhou Municipal People's Government,city-government,惠州市人民政府,,"
        "user entry,true\n",
        encoding="utf-8",
    )
    with pytest.warns(UnknownAgencyWarning, match="江门市政府"):
        frame = resolve_agencies("惠州、江门市政府")
    assert frame["agency_id"].tolist()[0] == "gd-huizhou-gov"
    assert frame["known"].tolist() == [True, False]
    assert "gd-huizhou-gov" in set(agencies()["agency_id"])


def test_user_registry_needs_only_id_and_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOPSTATS_HOME", str(tmp_path))
    (tmp_path / "agencies.csv").write_text("agency_id,name\ngd-huizhou-gov,惠州市政府\n", encoding="utf-8")
    assert resolve_agencies("惠州市政府")["agency_id"].tolist() == ["gd-huizhou-gov"]
    (tmp_path / "agencies.csv").write_text("id,name\nx,惠州市政府\n", encoding="utf-8")
    with pytest.raises(ParseError, match="lacks the columns agency_id"):
        load_registry()


def test_user_registry_with_bad_ids_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOPSTATS_HOME", str(tmp_path))
    (tmp_path / "agencies.csv").write_text(
        "agency_id,name,name_en,level,aliases,successor,source,verified\nHuizhou Gov,惠州市政府,,,,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ParseError, match="invalid agency_id"):
        load_registry()


# ---------------------------------------------------------------------------
# assign()
# ---------------------------------------------------------------------------


def test_assign_columns_and_rules_per_document() -> None:
    tasks = pd.DataFrame(
        {
            "doc_id": ["a", "b", "b"],
            "task_id": ["a/1", "b/1", "b/2"],
            "agency_clause": ["省商务厅、港澳办", "省商务厅、港澳办", pd.NA],
        }
    )
    out = assign(tasks, lead_rule={"a": "first-listed"})
    assert list(out.columns[:11]) == [
        "doc_id", "task_id", "clause_no", "position", "name", "agency_id", "name_en", "level", "role",
        "raw_clause", "known",
    ]  # fmt: skip
    assert out["role"].tolist() == ["lead", "co", "listed", "listed"]


def test_assign_needs_the_clause_column() -> None:
    with pytest.raises(ValueError, match="agency_clause"):
        assign(pd.DataFrame({"doc_id": ["a"], "task_id": ["a/1"]}))


def test_assign_refuses_auto() -> None:
    tasks = pd.DataFrame({"doc_id": ["a"], "task_id": ["a/1"], "agency_clause": ["省商务厅"]})
    with pytest.raises(ValueError, match="detect_lead_rule"):
        assign(tasks, lead_rule="auto")


def test_assign_warns_on_an_empty_clause_line() -> None:
    tasks = pd.DataFrame({"doc_id": ["a"], "task_id": ["a/1"], "agency_clause": ["省商务厅\n\n省港澳办"]})
    with pytest.warns(ParseWarning, match="a/1: clause 2 is empty"):
        out = assign(tasks)
    assert out["clause_no"].tolist() == [1, 3]


def test_parsed_document_assignments_use_the_document_lead_rule() -> None:
    text = (
        "实施2018年重点工作\n\n列在任务分工首位的为牵头单位，其他为主要参加单位。\n\n"
        "一、基础设施\n\n1. 推进口岸建设。（省口岸办、發展改革委，深圳市政府）\n\n"
        "2. 促进旅游合作。（省旅游局）\n"
    )
    doc = cs.parse_document(text)
    a = doc.assignments
    assert a["name"].tolist() == ["省口岸办", "省发展改革委", "深圳市政府", "省旅游局"]
    assert a["role"].astype(str).tolist() == ["lead", "co", "co", "lead"]


def test_a_clause_of_many_huitong_stays_linear() -> None:
    """Was quadratic: every 会同 gave the co role to every name after it again."""
    resolved = resolve_agencies("省商务厅会同" * 16000 + "省财政厅")
    assert resolved["role"].value_counts().to_dict() == {"co": 16000, "lead": 1}
    assert resolved["role"].iloc[0] == "lead"


def test_a_clause_repeated_by_tasks_is_resolved_once_and_given_to_each() -> None:
    """Tasks sharing a clause get its assignments under their own ids; a degenerate one is noted twice."""
    from coopstats.agency_resolution import assignment_columns

    problems: list[tuple[str, int, str]] = []
    clause = "省商务厅牵头，省港澳办等按职责分工负责"
    columns = assignment_columns(
        ["d", "d", "d", "d"],
        ["d/1", "d/2", "d/3", "d/4"],
        [clause, "牵头", clause, "牵头"],
        problems=problems,
    )
    assert columns["task_id"] == ["d/1", "d/1", "d/3", "d/3"]
    assert columns["name"] == ["省商务厅", "省港澳办"] * 2
    assert columns["role"] == ["lead", "co"] * 2
    assert [(task_id, clause_no) for task_id, clause_no, _ in problems] == [("d/2", 1), ("d/4", 1)]
    alone = assignment_columns(["d"], ["d/3"], [clause])
    assert {name: values[2:] for name, values in columns.items()} == alone


def _every_clause_of_the_genre() -> list[tuple[str, str, str]]:
    """``(doc_id, task_id, agency_clause)`` of every task of the corpus and the samples."""
    rows = []
    frames = [cs.tasks()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in sorted((Path(__file__).parent / "fixtures" / "samples").glob("*.txt")):
            frames.append(cs.parse_document(path).tasks)
    for tasks in frames:
        for doc_id, task_id, clause in zip(
            tasks["doc_id"], tasks["task_id"], tasks["agency_clause"], strict=True
        ):
            rows.append((doc_id, task_id, None if pd.isna(clause) else clause))
    return rows


@pytest.mark.parametrize("lead_rule", ["marker", "first-listed", "none"])
def test_clauses_kept_by_the_index_resolve_as_a_fresh_index_resolves_them(lead_rule: str) -> None:
    """Every clause of the genre, resolved through the index's kept resolutions (twice: kept, then
    found there, in documents of their own and all together) gives what a fresh index that keeps
    nothing from an earlier call gives (the reference), problems included."""
    from coopstats.agency_resolution import _index_for, assignment_columns

    rows = _every_clause_of_the_genre()
    doc_ids, task_ids, clauses = (list(column) for column in zip(*rows, strict=True))
    registry = load_registry()

    def columns(fresh: bool) -> tuple[dict[str, list[object]], list[tuple[str, int, str]]]:
        problems: list[tuple[str, int, str]] = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = assignment_columns(
                doc_ids,
                task_ids,
                clauses,
                lead_rule=lead_rule,
                registry=registry if fresh else None,
                problems=problems,
            )
        return got, problems

    expected = columns(fresh=True)
    _index_for(None).resolved.clear()
    assert columns(fresh=False) == expected  # resolved and kept
    assert columns(fresh=False) == expected  # found kept
    one_by_one: dict[str, list[object]] = {name: [] for name in expected[0]}
    problems: list[tuple[str, int, str]] = []
    for doc in dict.fromkeys(doc_ids):
        mine = [k for k, d in enumerate(doc_ids) if d == doc]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = assignment_columns(
                [doc_ids[k] for k in mine],
                [task_ids[k] for k in mine],
                [clauses[k] for k in mine],
                lead_rule=lead_rule,
                problems=problems,
            )
        for name, values in got.items():
            one_by_one[name].extend(values)
    assert (one_by_one, problems) == expected


def test_a_kept_degenerate_clause_still_raises_without_a_list_of_problems() -> None:
    from coopstats.agency_resolution import _index_for, assignment_columns

    problems: list[tuple[str, int, str]] = []
    assignment_columns(["d"], ["d/1"], ["牵头"], problems=problems)
    assert len(problems) == 1
    assert isinstance(_index_for(None).resolved[("牵头", "marker")], ParseError)
    for _ in range(2):
        with pytest.raises(ParseError, match="names no agency"):
            assignment_columns(["d"], ["d/1"], ["牵头"])


def test_the_resolutions_an_index_keeps_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from coopstats import agency_resolution
    from coopstats.agency_resolution import _index_for, assignment_columns

    monkeypatch.setattr(agency_resolution, "_MAX_RESOLVED", 3)
    clauses = [f"省商务厅、{city}市政府" for city in ("广州", "深圳", "珠海", "佛山", "惠州")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = assignment_columns(["d"] * 5, [f"d/{k}" for k in range(5)], clauses)
    assert len(_index_for(None).resolved) <= 3
    assert got["name"][1::2] == ["广州市政府", "深圳市政府", "珠海市政府", "佛山市政府", "惠州市政府"]
