"""Themes stage: taxonomy, heading mapping, inheritance, keyword topics, user documents.

Expected counts are typed by reading the headings of the raw texts
(``data/raw/gdhk-keywork-2017.txt`` and Annex II of ``data/raw/legco-cb-trade-2011.txt``);
how each count was made is written next to it.
"""

from __future__ import annotations

import functools
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coopstats as cs
from coopstats.errors import CoopstatsError
from coopstats.themes import (
    _check_tables,
    assign_themes,
    heading_key,
    heading_theme,
    tables,
    themes,
    topics_of,
)


@pytest.fixture(scope="module")
def themed() -> tuple[pd.DataFrame, pd.DataFrame]:
    return assign_themes(cs.provisions(), cs.tasks())


def test_taxonomy_has_ten_to_fourteen_themes_with_both_labels() -> None:
    taxonomy = themes()
    assert 10 <= len(taxonomy) <= 14
    assert taxonomy["code"].is_unique
    assert (taxonomy[["label_en", "label_zh", "description", "source"]] != "").all().all()


def test_every_chapter_and_section_heading_of_the_corpus_maps_to_a_theme() -> None:
    provisions = cs.provisions()
    headed = provisions[provisions["level"].isin(["chapter", "section"]) & provisions["heading"].notna()]
    known = tables().theme_by_key
    unmapped = [
        (r.doc_id, r.heading) for r in headed.itertuples() if known.get(heading_key(r.heading)) is None
    ]
    assert unmapped == []
    # chapters: 9 (2009) + 8 (2017) + 3 (Pan-PRD opinions) + 9 (2011 list) + 10 (guidance) = 39;
    # sections with a printed heading: 31 + 15 + 14 + 16 (of 44; 28 print none) + 35 = 111
    assert len(headed) == 39 + 111


def test_every_unnumbered_heading_is_listed_topic_or_front_matter() -> None:
    provisions = cs.provisions()
    headings = provisions[provisions["level"].isin(["heading", "annex"])]
    known = tables().theme_by_key
    assert [h for h in headings["heading"] if heading_key(h) not in known] == []
    listed = tables().headings
    assert set(listed["kind"]) == {"topic", "front-matter"}
    assert (listed["theme"] == "").eq(listed["kind"] == "front-matter").all()


def test_mapping_rows_are_real_headings_of_their_documents() -> None:
    provisions = cs.provisions()
    by_place = {
        (r.doc_id, r.level, r.chapter_no, r.section_no, heading_key(r.heading))
        for r in provisions.itertuples()
        if r.heading is not pd.NA
    }
    rows = tables().headings
    for r in rows.itertuples():
        chapter = int(r.chapter_no) if r.chapter_no else pd.NA
        section = int(r.section_no) if r.section_no else pd.NA
        assert (r.doc_id, r.level, chapter, section, heading_key(r.heading)) in by_place, r


def test_codes_used_by_the_tables_exist_and_topics_have_one_theme() -> None:
    codes = set(themes()["code"])
    assert set(tables().headings["theme"]) - {""} <= codes
    assert set(tables().keywords["theme"]) <= codes
    assert tables().keywords.groupby("topic")["theme"].nunique().max() == 1


def test_bad_reference_tables_raise_naming_the_problem() -> None:
    taxonomy = pd.DataFrame({"code": ["infra"]})
    headings = pd.DataFrame({"theme": ["infra", "transport"]})
    keywords = pd.DataFrame({"topic": ["rail"], "theme": ["infra"]})
    with pytest.raises(CoopstatsError, match="transport"):
        _check_tables(taxonomy, headings, keywords)
    split = pd.DataFrame({"topic": ["rail", "rail"], "theme": ["infra", "infra2"]})
    with pytest.raises(CoopstatsError, match="rail"):
        _check_tables(pd.DataFrame({"code": ["infra", "infra2"]}), headings.iloc[:1], split)


# Hand count from the headings of gdhk-keywork-2017 (items are numbered 1-77 across the list):
#   一、跨界基础设施 items 1-7                                      infra 7
#   二、(一)服务贸易自由化 8; (四)物流、运输与会展 20-21; (五)文化创意 22;
#       (六)专业服务 23-30                                          services 1+2+1+8 = 12
#   二、(二)金融合作 9-15                                           finance 7
#   二、(三)旅游合作 16-19                                          tourism 4
#   三、创新及科技 31-40                                            innovation 10
#   四、(一)贸易投资促进 41-45                                      opening 5
#   四、(二)通关监管 46; (三)知识产权保护 47                        business 2
#   五、(一)生态建设和环境保护 48-54                                environment 7
#   五、(二)文化交流 55; 六、教育、人才和青年合作 65-72             education 1+8 = 9
#   五、(三)医疗卫生 56-57; (四)食品安全 58-59; (五)社会保障 60-63  social 2+2+4 = 8
#   五、(六)治安管理 64                                             governance 1
#   七、重点合作区域 73-75                                          zones 3
#   八、合作机制 76-77                                              planning 2
KEYWORK_2017 = {
    "infra": 7,
    "services": 12,
    "finance": 7,
    "tourism": 4,
    "innovation": 10,
    "opening": 5,
    "business": 2,
    "environment": 7,
    "education": 9,
    "social": 8,
    "governance": 1,
    "zones": 3,
    "planning": 2,
}

# Hand count from the headings of Annex II (gdhk-keywork-2011); a section printed without a
# heading inherits its chapter:
#   一、跨界基礎設施 (一)-(四)                                       infra 4
#   二、現代服務業 (一),(三)-(九) without headings                  services 8
#   二、(二)深化金融合作 1-5                                         finance 5
#   三、製造業及科技創新 (一)-(五); 四、(二)電子商務合作            innovation 5+1 = 6
#   四、(一)口岸建設與通關監管 1-6; (三)技術標準 ; (四)知識產權 1-4;
#       (五)法律事務 1-3                                            business 6+1+4+3 = 14
#   四、(六)貿易投資促進 1-2                                         opening 2
#   五、(一)生態建設和環境保護 1-7                                   environment 7
#   五、(二)社會保障 1-6                                             social 6
#   五、(三)治安管理 1-2; (四)應急管理                               governance 3
#   五、(五)文化交流; 六、教育與人才 (一)-(五)                       education 1+5 = 6
#   七、重點合作區域 (一)-(四)                                       zones 4
#   八、區域合作規劃 (一)-(三); 九、合作機制 (一)-(三)               planning 6
KEYWORK_2011 = {
    "infra": 4,
    "services": 8,
    "finance": 5,
    "innovation": 6,
    "business": 14,
    "opening": 2,
    "environment": 7,
    "social": 6,
    "governance": 3,
    "education": 6,
    "zones": 4,
    "planning": 6,
}


@pytest.mark.parametrize(
    ("doc_id", "expected"), [("gdhk-keywork-2017", KEYWORK_2017), ("gdhk-keywork-2011", KEYWORK_2011)]
)
def test_theme_counts_equal_the_hand_count(themed, doc_id: str, expected: dict[str, int]) -> None:
    _, tasks = themed
    counts = tasks[tasks["doc_id"] == doc_id]["theme"].value_counts().to_dict()
    assert counts == expected


def test_every_corpus_task_has_a_theme_and_only_front_matter_provisions_lack_one(themed) -> None:
    provisions, tasks = themed
    assert tasks["theme"].notna().all()
    missing = provisions[provisions["theme"].isna()]
    assert set(missing["level"]) <= {"heading", "paragraph"}
    front = {heading_key(h) for h in tables().headings.query("kind == 'front-matter'")["heading"]}
    assert all(heading_key(h) in front for h in missing["heading"])


def test_a_task_inherits_its_section_else_its_chapter(themed) -> None:
    _, tasks = themed
    theme = tasks.set_index("task_id")["theme"]
    assert theme["gdhk-keywork-2011/c2.s2.i1"] == "finance"  # 二、現代服務業 > (二)深化金融合作
    assert theme["gdhk-keywork-2011/c2.s7"] == "services"  # headingless tourism section: chapter decides
    assert theme["gdhk-keywork-2017/c1.i2"] == "infra"  # no section: chapter 跨界基础设施
    assert theme["gd-hkmo-decision-2009/c2.s3"] == "education"  # 推进教育培训合作 inside the services chapter


def test_briefing_paragraphs_take_their_topic_heading(themed) -> None:
    provisions, _ = themed
    legco = provisions[provisions["doc_id"] == "legco-cb-trade-2011"].set_index("node_id")
    assert legco.loc["a1.p4", "theme"] == "zones"  # 前海發展
    assert legco.loc["a1.p6", "theme"] == "infra"  # 基礎設施建設及口岸合作
    assert (
        legco.loc["fn1", "theme"] == legco.loc["p2", "theme"] == "services"
    )  # 背景, footnote follows its paragraph


def test_heading_matching_is_script_independent() -> None:
    assert heading_theme("現代服務業") == heading_theme("现代服务业") == "services"
    assert heading_theme("（二）**金融合作。**") == "finance"
    assert heading_key("支持香港青年服務團及其他青年團體到廣東交流\n\n和提供服務") == heading_key(
        "支持香港青年服务团及其他青年团体到广东交流和提供服务"
    )


def test_topics_are_keyword_tags_in_either_script(themed) -> None:
    _, tasks = themed
    topics = tasks.set_index("task_id")["topics"]
    assert "cleaner-production" in topics["gdhk-keywork-2011/c5.s1.i5"].split("|")
    assert "cleaner-production" in topics["gdhk-keywork-2017/c5.s1.i52"].split("|")
    assert topics_of("推廣「一程多站」旅遊線路") == topics_of("推广“一程多站”旅游线路") == "tourism"
    assert topics_of("研究設立聯絡處。") is None


USER_DOCUMENT = """粵港合作2018年重點工作

一、跨界基礎設施
（一）港珠澳大橋
1. 加快港珠澳大橋通車準備。（省交通運輸廳）
二、深化旅遊與會展合作
1. 推廣「一程多站」旅遊線路。（省旅遊局）
三、其他事項
1. 研究設立聯絡處。（省港澳辦）
"""


def test_a_parsed_user_document_gets_themes_without_crashing() -> None:
    parsed = cs.parse_document(USER_DOCUMENT)
    provisions, tasks = assign_themes(parsed.provisions, parsed.tasks)
    theme = dict(zip(tasks["text"], tasks["theme"], strict=True))
    assert theme["加快港珠澳大橋通車準備。"] == "infra"  # mapped heading, traditional script
    assert theme["推廣「一程多站」旅遊線路。"] == "tourism"  # unmapped heading: keywords decide
    assert theme["研究設立聯絡處。"] is pd.NA  # no keyword: no theme, no crash
    assert provisions["theme"].dtype == "string"


def test_empty_frames_and_tasks_missing_from_provisions() -> None:
    provisions, tasks = assign_themes(
        pd.DataFrame(columns=["doc_id", "node_id", "parent_id", "level", "heading", "text"]),
        pd.DataFrame(columns=["doc_id", "node_id", "text"]),
    )
    assert list(provisions["theme"]) == [] and list(tasks["theme"]) == []
    orphan = pd.DataFrame(
        {
            "doc_id": ["x"],
            "node_id": ["c9.i1"],
            "chapter_title": ["合作機制"],
            "section_title": [None],
            "text": ["整合專責小組。"],
        }
    )
    _, tasks = assign_themes(
        pd.DataFrame(columns=["doc_id", "node_id", "parent_id", "level", "heading", "text"]), orphan
    )
    assert tasks.loc[0, "theme"] == "planning"


def test_keywords_found_by_the_trie_are_those_a_substring_test_finds() -> None:
    """Every keyword of the table, inside, overlapping or next to others, is found (each counted once)."""
    from coopstats.themes import _keyword_hits

    keyword_list = tables().keyword_list
    forms = sorted({keyword for keyword, _, _ in keyword_list if keyword})
    texts = ["", "无关文字", "".join(forms), "|".join(forms), "".join(reversed(forms))]
    texts += [forms[i] + forms[(i * 7 + 3) % len(forms)][1:] for i in range(len(forms))]  # overlaps
    for text in texts:
        expected = [(topic, theme) for keyword, topic, theme in keyword_list if keyword and keyword in text]
        assert _keyword_hits(text) == expected, text


@functools.cache
def _trie() -> re.Pattern[str]:
    """The keyword trie regex the automaton replaced (the longest keyword at a start)."""
    keyword_list = tables().keyword_list
    trie: dict[str, dict] = {}
    for word in {keyword for keyword, _, _ in keyword_list if keyword}:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def branch(node: dict[str, dict]) -> str:
        alternatives = [re.escape(ch) + branch(child) for ch, child in sorted(node.items()) if ch]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(branch(trie))


def _trie_keyword_indices(form: str) -> set[int]:
    """The keyword search the automaton replaced: the trie searched again after each match start."""
    keyword_list = tables().keyword_list
    pattern = _trie()
    found: set[int] = set()
    position = 0
    while (match := pattern.search(form, position)) is not None:
        found.update(i for i, (k, _, _) in enumerate(keyword_list) if k and k in match.group())
        position = match.start() + 1
    return found


@settings(max_examples=400, deadline=None)
@given(
    pieces=st.lists(
        st.one_of(
            st.sampled_from(sorted({k for k, _, _ in tables().keyword_list if k})),
            st.text(alphabet="合作推进港澳粤区域发展金融服务。、，()", max_size=6),
        ),
        max_size=12,
    ),
    cut=st.integers(min_value=0, max_value=3),
)
def test_the_automaton_finds_what_the_trie_search_found(pieces: list[str], cut: int) -> None:
    """Keywords glued, cut at either end or separated by other wording: the same indices and topics."""
    from coopstats.themes import _keyword_indices, _topics_of_form

    form = "".join(piece[cut:] if n % 2 else piece for n, piece in enumerate(pieces))
    expected = _trie_keyword_indices(form)
    assert _keyword_indices(form) == expected
    topics = sorted({tables().keyword_list[i][1] for i in expected})
    assert _topics_of_form(form) == ("|".join(topics) if topics else None)


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(
        st.one_of(
            st.none(),
            st.just(""),
            st.lists(
                st.one_of(
                    st.sampled_from(sorted({k for k, _, _ in tables().keyword_list if k})),
                    st.text(alphabet="合作推進港澳粵區域發展金融服務。，（）“”　 \n*\x00", max_size=5),
                ),
                max_size=6,
            ).map("".join),
        ),
        max_size=10,
    )
)
def test_topics_of_texts_searched_together_are_those_of_each_text(texts: list[str | None]) -> None:
    """One pass over the joined match forms gives every text the topics a search of it alone gives."""
    from coopstats.themes import _topics

    assert _topics(texts + texts[:2]) == [topics_of(text) for text in texts + texts[:2]]
