"""The outline of every corpus document, pinned by counts made by reading the text.

How the counts were made: by reading the raw files in data/raw/ (numbers in the comments are line numbers
of the raw file), not from parser output.
"""

from __future__ import annotations

import itertools
import re

import pytest

import coopstats as cs
from coopstats.text import clean_wording, normalize, to_simplified

ALL_DOCS = [
    "gd-hkmo-decision-2009",
    "gdhk-keywork-2017",
    "panprd-gd-opinions-2017",
    "legco-cb-trade-2011",
    "gdhk-keywork-2011",
    "panprd-guidance-2016",
]


# --- gdhk-keywork-2017 -------------------------------------------------------------------------


def test_keywork_2017_has_77_tasks_numbered_without_gap():
    tasks = cs.tasks("gdhk-keywork-2017")
    assert len(tasks) == 77
    assert tasks["item_no"].tolist() == list(range(1, 78))
    assert tasks["task_id"].is_unique


def test_keywork_2017_chapters_and_sections():
    tasks = cs.tasks("gdhk-keywork-2017")
    # chapter headings 一、…八、 on lines 17, 33, 99, 125, 149, 205, 223, 233
    titles = tasks.groupby("chapter_no")["chapter_title"].first().tolist()
    assert titles == [
        "跨界基础设施",
        "现代服务业",
        "创新及科技",
        "国际化营商环境",
        "优质生活圈",
        "教育、人才和青年合作",
        "重点合作区域",
        "合作机制",
    ]
    first_items = tasks.groupby("chapter_no")["item_no"].min().tolist()
    assert first_items == [1, 8, 31, 41, 48, 65, 73, 76]
    # sections: chapter 二 has six (items 8–30), 四 three (41–47), 五 six (48–64); the rest have none
    in_section = tasks[tasks["section_no"].notna()]
    assert sorted(in_section["item_no"]) == list(range(8, 31)) + list(range(41, 48)) + list(range(48, 65))
    sections = (
        tasks.dropna(subset=["section_no"]).groupby(["chapter_no", "section_no"])["section_title"].first()
    )
    assert sections.loc[(2, 2)] == "金融合作"
    assert sections.loc[(4, 1)] == "贸易投资促进"  # half-width "(一) 贸易投资促进。" on line 127
    assert sections.loc[(5, 4)] == "食品安全及检验检疫"
    assert len(sections) == 15


def test_keywork_2017_task_text_and_clause():
    tasks = cs.tasks("gdhk-keywork-2017").set_index("item_no")
    # line 47–49: the sentence is split by a page break
    assert tasks.loc[12, "text"].startswith(
        "推动粤港两地金融机构及非银行支付机构合作，促进粤港跨境电子商务业务发展。"
    )
    assert tasks.loc[12, "agency_clause"] == "人行广州分行"
    assert tasks.loc[12, "line"] == 47
    # line 229–231: the clause itself is split by a page break and closed with a half-width parenthesis
    assert tasks.loc[75, "agency_clause"] == "深圳市政府"
    assert tasks.loc[75, "text"].endswith("打造深港合作新平台。")
    # a role word inside the task's own sentence stays in the text
    assert tasks.loc[41, "text"].startswith("粤港共同牵头组织")
    assert tasks.loc[41, "agency_clause"] == "省商务厅"


@pytest.mark.parametrize("doc_id", ALL_DOCS)
def test_every_task_text_is_in_the_source_and_offsets_slice_it(doc_id):
    source = cs.source_text(doc_id)
    squeezed = re.sub(r"\s+", "", source).replace("**", "")
    for task in cs.tasks(doc_id).itertuples():
        unit = source[task.start : task.end]
        assert task.line == source.count("\n", 0, task.start) + 1
        for paragraph in task.text.split("\n"):
            assert re.sub(r"\s+", "", paragraph) in squeezed
            assert normalize(re.sub(r"\s+", "", paragraph))[:10] in normalize(
                re.sub(r"\s+", "", clean_wording(source, task.start, task.end))
            ).replace("**", "")
        assert unit.strip() == unit  # offsets cover the unit, not surrounding whitespace


# --- panprd-gd-opinions-2017 -------------------------------------------------------------------


def test_opinions_2017_has_30_numbered_tasks_and_6_section_tasks():
    tasks = cs.tasks("panprd-gd-opinions-2017")
    numbered = tasks[tasks["item_no"].notna()]
    assert numbered["item_no"].tolist() == list(range(1, 31))
    sections = tasks[tasks["item_no"].isna()]
    # (二)战略定位 and (三)合作目标 of 一、总体要求 (lines 10, 16); (一)…(四) of 三、保障措施 (lines 79–85)
    assert list(zip(sections["chapter_no"], sections["section_no"], sections["line"], strict=True)) == [
        (1, 2, 10),
        (1, 3, 16),
        (3, 1, 79),
        (3, 2, 81),
        (3, 3, 83),
        (3, 4, 85),
    ]
    assert sections["section_title"].tolist() == [
        "战略定位",
        "合作目标",
        "加强统筹协调",
        "创新合作机制",
        "建立合作资金支持机制",
        "强化督促落实",
    ]


def test_opinions_2017_multi_paragraph_task_keeps_its_paragraphs_and_clauses():
    task = cs.tasks("panprd-gd-opinions-2017").set_index("item_no").loc[1]
    # task 1 spans lines 24–26: three paragraphs, each with its own clause
    assert task["text"].count("\n") == 2
    clauses = task["agency_clause"].split("\n")
    assert len(clauses) == 3
    assert clauses[2] == "省发展改革委牵头,有关地级以上市政府等按职责分工负责"
    # task 27 has five paragraphs (lines 70–74)
    assert (
        len(cs.tasks("panprd-gd-opinions-2017").set_index("item_no").loc[27, "agency_clause"].split("\n"))
        == 5
    )


def test_opinions_2017_missing_first_section_is_reported_not_invented():
    provisions = cs.provisions("panprd-gd-opinions-2017")
    chapter_one_sections = provisions[(provisions["chapter_no"] == 1) & (provisions["level"] == "section")]
    assert chapter_one_sections["section_no"].tolist() == [2, 3]
    notes = cs.parse_notes("panprd-gd-opinions-2017")
    missing = notes[notes["kind"] == "missing-section"]
    assert missing["line"].tolist() == [10]
    # the orphan paragraph (line 9) stays with chapter 一, not renumbered as a section
    orphan = provisions[provisions["line"] == 9].iloc[0]
    assert orphan["level"] == "paragraph" and pd_isna(orphan["section_no"]) and orphan["parent_id"] == "c1"


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


# --- policy documents --------------------------------------------------------------------------


def test_guidance_2016_has_10_chapters_and_sections_1_to_35_in_order():
    provisions = cs.provisions("panprd-guidance-2016")
    assert provisions.loc[provisions["level"] == "chapter", "chapter_no"].tolist() == list(range(1, 11))
    assert provisions.loc[provisions["level"] == "section", "section_no"].tolist() == list(range(1, 36))
    assert len(cs.tasks("panprd-guidance-2016")) == 35
    sections = provisions[provisions["level"] == "section"].set_index("section_no")
    assert sections.loc[35, "heading"] == "建立合作资金保障机制"
    assert sections.loc[4, "chapter_no"] == 2  # numbering runs on across chapters


def test_decision_2009_has_9_chapters_and_every_section_heading():
    provisions = cs.provisions("gd-hkmo-decision-2009")
    chapters = provisions[provisions["level"] == "chapter"]
    assert chapters["chapter_no"].tolist() == list(range(1, 10))
    sections = provisions[provisions["level"] == "section"]
    # sections per chapter, read from lines 9–89: 3, 5, 3, 4, 3, 4, 3, 3, 3
    assert sections.groupby("chapter_no").size().tolist() == [3, 5, 3, 4, 3, 4, 3, 3, 3]
    headings = sections.set_index(["chapter_no", "section_no"])["heading"]
    assert headings.loc[(1, 1)] == "指导思想"  # bold, line 9
    assert headings.loc[(2, 4)] == "推进金融合作与创新"  # not bold, line 27
    assert headings.loc[(8, 3)] == "借助港澳提高对外开放水平"  # bold again, line 81
    assert headings.notna().all()


# --- the traditional-script briefing and its annexes --------------------------------------------


def test_keywork_2011_chapters_equal_their_simplified_forms():
    provisions = cs.provisions("gdhk-keywork-2011")
    chapters = provisions[provisions["level"] == "chapter"]
    assert [to_simplified(normalize(h)) for h in chapters["heading"]] == [
        "跨界基础设施",
        "现代服务业",
        "制造业及科技创新",
        "国际化营商环境",
        "优质生活圈",
        "教育与人才",
        "重点合作区域",
        "区域合作规划",
        "合作机制",
    ]


def test_keywork_2011_sections_and_restarting_sub_items():
    provisions = cs.provisions("gdhk-keywork-2011")
    # sections per chapter, lines 599–1062: 4, 9, 5, 6, 5, 5, 4, 3, 3
    sections = provisions[provisions["level"] == "section"]
    assert sections.groupby("chapter_no").size().tolist() == [4, 9, 5, 6, 5, 5, 4, 3, 3]
    subitems = provisions[provisions["level"] == "subitem"]
    per_section = subitems.groupby(["chapter_no", "section_no"])["item_no"].apply(list).to_dict()
    assert per_section == {
        (2, 2): [1, 2, 3, 4, 5],
        (4, 1): [1, 2, 3, 4, 5, 6],
        (4, 4): [1, 2, 3, 4],
        (4, 5): [1, 2, 3],
        (4, 6): [1, 2],
        (5, 1): [1, 2, 3, 4, 5, 6, 7],  # item 6 is written "6、" (line 893)
        (5, 2): [1, 2, 3, 4, 5, 6],
        (5, 3): [1, 2],
    }
    # tasks: 35 sub-items and the 36 sections without sub-items
    tasks = cs.tasks("gdhk-keywork-2011")
    assert len(tasks) == 71
    assert tasks["task_id"].is_unique


def test_keywork_2011_displaced_annex_label_is_noted_not_a_new_annex():
    provisions = cs.provisions("gdhk-keywork-2011")
    assert not (provisions["level"] == "annex").any()
    notes = cs.parse_notes("gdhk-keywork-2011")
    assert notes.loc[notes["kind"] == "displaced-annex-label", "line"].tolist() == [639]
    item_2 = provisions[
        (provisions["chapter_no"] == 2) & (provisions["section_no"] == 2) & (provisions["item_no"] == 2)
    ]
    assert item_2.iloc[0]["line"] == 640


def test_briefing_paragraphs_annex_and_footnotes():
    provisions = cs.provisions("legco-cb-trade-2011")
    assert cs.tasks("legco-cb-trade-2011").empty  # a briefing's paragraphs are not tasks
    numbered = provisions[provisions["label"].str.match(r"^\d+\.$", na=False)]
    body = numbered[numbered["annex"].isna()]
    annex = numbered[numbered["annex"] == "附件一"]
    assert body["para_no"].tolist() == list(range(2, 23))  # 2.–22., lines 23–334
    assert annex["para_no"].tolist() == list(range(2, 20))  # Annex I 2.–19., lines 370–585
    # the unnumbered first paragraphs are paragraph 1 of the body and of the annex
    firsts = provisions[(provisions["para_no"] == 1)]
    assert firsts["line"].tolist() == [15, 358]
    footnotes = provisions[provisions["level"] == "footnote"]
    assert footnotes["label"].tolist() == ["1", "2"]
    assert normalize(footnotes["text"].iloc[0]) == "不包括港幣 7,065 億元由內地經香港轉口回內地的貨額。"
    assert normalize(footnotes["text"].iloc[1]).endswith("有關2010年的數字會於2011年年底公布。")
    annexes = provisions[provisions["level"] == "annex"]
    assert annexes["label"].tolist() == ["附件一"]
    assert annexes["line"].tolist() == [348]
    # the briefing ends where Annex II begins
    assert provisions["line"].max() < 593 <= cs.provisions("gdhk-keywork-2011")["line"].min()


def test_briefing_paragraph_continued_after_a_line_ending_in_a_full_stop_keeps_its_number():
    provisions = cs.provisions("legco-cb-trade-2011")
    # paragraph 10 (line 155) continues on line 158 after a line that ends in 。
    line_158 = provisions[provisions["line"] == 158].iloc[0]
    assert line_158["para_no"] == 10 and line_158["level"] == "paragraph"


def test_lines_starting_with_a_number_that_are_not_items_stay_text():
    provisions = cs.provisions("legco-cb-trade-2011")
    # lines 60 ("33.7%。") and 68 ("利用外商直接投資61.3%）") continue paragraph 3
    assert not provisions["line"].isin([60, 64, 66, 68]).any()
    paragraph_3 = provisions[(provisions["para_no"] == 3) & (provisions["annex"].isna())].iloc[0]
    assert "33.7%。在2009年" in normalize(paragraph_3["text"])


@pytest.mark.parametrize("doc_id", ALL_DOCS)
def test_provision_spans_do_not_overlap_and_slice_back(doc_id):
    provisions = cs.provisions(doc_id)
    source = cs.source_text(doc_id)
    spans = sorted(zip(provisions["start"], provisions["end"], strict=True))
    for (_, e1), (s2, _) in itertools.pairwise(spans):
        assert e1 <= s2
    for row in provisions.itertuples():
        assert 0 <= row.start <= row.end <= len(source)
        if row.text:
            assert row.text in clean_wording(source, row.start, row.end).replace("**", "")


# --- documents of the genre that are not in the corpus ---------------------------------------------


ACTION_PLAN_WITH_ARTICLES = """广东省推进粤港澳大湾区建设三年行动计划

第一章 总体要求

第一条 为推进大湾区建设，制定本计划。

第二章 重点任务

第一节 基础设施

第二条 加快建设港珠澳大桥配套工程。（省交通运输厅牵头）

第三条 推进深中通道建设。
"""


def test_chapter_section_article_forms():
    doc = cs.parse_document(ACTION_PLAN_WITH_ARTICLES)
    p = doc.provisions
    assert p.loc[p["level"] == "chapter", "heading"].tolist() == ["总体要求", "重点任务"]
    assert p.loc[p["level"] == "section", ["chapter_no", "section_no", "heading"]].values.tolist() == [
        [2, 1, "基础设施"]
    ]
    assert doc.tasks["item_no"].tolist() == [1, 2, 3]
    assert doc.tasks["level"].tolist() == ["item", "item", "item"]
    assert doc.tasks["agency_clause"].tolist()[1] == "省交通运输厅牵头"


def test_full_width_numbers_and_restarting_sub_items_in_traditional_script():
    text = "一、金融合作\n（一）跨境人民幣\n１．擴大結算。\n２、推動債券發行。\n（二）保險\n１．保險互通。\n"
    doc = cs.parse_document(text)
    assert doc.tasks[["section_no", "item_no", "level"]].values.tolist() == [
        [1, 1, "subitem"],
        [1, 2, "subitem"],
        [2, 1, "subitem"],
    ]
    assert doc.tasks["section_title"].tolist() == ["跨境人民幣", "跨境人民幣", "保險"]
