"""Workload: distinct task counts per agency, role split, groups, successor folding."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import coopstats as cs
from coopstats.agency_resolution import agencies
from coopstats.analysis import workload, workload_table
from coopstats.errors import UnknownDocumentError

GOLD = Path(__file__).parent / "gold"
ROLES = ["lead", "co", "responsible", "listed"]


def gold_workload(doc_id: str) -> pd.DataFrame:
    """Counts computed straight from the hand-typed gold file (names as written, aliases resolved)."""
    gold = pd.read_csv(GOLD / f"assignments_{doc_id}.csv", comment="#", dtype="string")
    aliases = {
        "人行广州分行": "人民银行广州分行",
        "省城乡住房建设厅": "省住房城乡建设厅",
        "省海洋渔业厅": "省海洋与渔业厅",
    }
    gold["name"] = gold["name"].replace(aliases)
    gold["task"] = (
        gold["chapter_no"].fillna("") + "." + gold["section_no"].fillna("") + "." + gold["item_no"].fillna("")
    )
    out = gold.groupby("name")["task"].nunique().rename("tasks").to_frame()
    for role in ROLES:
        out[role] = gold[gold["role"] == role].groupby("name")["task"].nunique()
    return out.fillna(0).astype(int)


@pytest.mark.parametrize("doc_id", ["gdhk-keywork-2017", "panprd-gd-opinions-2017"])
def test_workload_agrees_with_the_gold(doc_id: str) -> None:
    expected = gold_workload(doc_id)
    groups = set(agencies().query("level == 'group'")["name"])
    expected = expected[~expected.index.isin(groups)]
    got = workload(doc_id).set_index("name")[["tasks", *ROLES]]
    pd.testing.assert_frame_equal(
        got.sort_index().astype(int), expected.sort_index(), check_names=False, check_index_type=False
    )


def test_panprd_top_five() -> None:
    w = workload("panprd-gd-opinions-2017")
    top = w.head(5)[["name", "tasks", "lead", "co", "responsible", "listed", "primary_role"]]
    assert top.astype(str).values.tolist() == [
        ["省发展改革委", "30", "13", "17", "5", "0", "lead"],
        ["省经济和信息化委", "14", "1", "11", "2", "0", "lead"],
        ["省商务厅", "12", "3", "7", "3", "0", "lead"],
        ["省交通运输厅", "8", "3", "4", "2", "0", "lead"],
        ["省港澳办", "8", "1", "6", "2", "0", "lead"],
    ]


def test_gdhk_top_five() -> None:
    w = workload("gdhk-keywork-2017")
    top = w.head(5)[["name", "tasks", "listed", "primary_role"]]
    assert top.astype(str).values.tolist() == [
        ["省商务厅", "11", "11", "listed"],
        ["省港澳办", "11", "11", "listed"],
        ["深圳市政府", "7", "7", "listed"],
        ["珠海市政府", "7", "7", "listed"],
        ["省科技厅", "7", "7", "listed"],
    ]
    assert (w["lead"] == 0).all()


def test_roles_need_not_add_up_to_tasks() -> None:
    # task 7 of the Pan-PRD opinions: 省交通运输厅 leads paragraphs 1-3 and is responsible in paragraph 4
    w = workload("panprd-gd-opinions-2017").set_index("name")
    row = w.loc["省交通运输厅"]
    assert row["lead"] + row["co"] + row["responsible"] > row["tasks"]


def test_groups_only_when_asked() -> None:
    default = workload("panprd-gd-opinions-2017")
    with_groups = workload("panprd-gd-opinions-2017", include_groups=True)
    assert "group" not in set(default["level"])
    groups = with_groups[with_groups["level"] == "group"].set_index("name")["tasks"].to_dict()
    assert groups == {
        "有关地级以上市政府": 9,
        "省有关单位": 4,
        "省社会信用体系建设统筹协调小组成员单位": 1,
        "省推进泛珠三角区域合作工作协调领导小组成员单位": 1,
    }


def test_fold_successors() -> None:
    folded = workload("panprd-gd-opinions-2017", fold_successors=True).set_index("name")
    plain = workload("panprd-gd-opinions-2017").set_index("name")
    assert "省经济和信息化委" not in folded.index
    assert folded.loc["省工业和信息化厅", "tasks"] == plain.loc["省经济和信息化委", "tasks"]
    # 省海洋与渔业厅 was split: its tasks count for both successors
    assert "省海洋与渔业厅" not in folded.index
    ocean_tasks = set(cs.assignments("panprd-gd-opinions-2017").query("name == '省海洋与渔业厅'")["task_id"])
    assert len(ocean_tasks) == plain.loc["省海洋与渔业厅", "tasks"] == 4
    # 省农业农村厅 = 省农业厅 + 省海洋与渔业厅 (distinct tasks)
    a = cs.assignments("panprd-gd-opinions-2017")
    agri = set(a.query("name in ['省农业厅', '省海洋与渔业厅']")["task_id"])
    assert folded.loc["省农业农村厅", "tasks"] == len(agri)
    natural = set(a.query("name in ['省国土资源厅', '省海洋与渔业厅']")["task_id"])
    assert folded.loc["省自然资源厅", "tasks"] == len(natural)
    # 省市场监督管理局 takes over 工商局, 质监局, 食品药品监管局, 知识产权局
    market = set(a.query("name in ['省工商局', '省质监局', '省食品药品监管局', '省知识产权局']")["task_id"])
    assert folded.loc["省市场监督管理局", "tasks"] == len(market)


def test_by_doc_id() -> None:
    both = workload(["gdhk-keywork-2017", "panprd-gd-opinions-2017"], by="doc_id")
    assert list(both.columns[:2]) == ["doc_id", "agency_id"]
    drc = both[both["name"] == "省发展改革委"].set_index("doc_id")["tasks"].to_dict()
    assert drc == {"gdhk-keywork-2017": 5, "panprd-gd-opinions-2017": 30}
    total = workload(["gdhk-keywork-2017", "panprd-gd-opinions-2017"]).set_index("name")
    assert total.loc["省发展改革委", "tasks"] == 35


def test_bad_by_and_unknown_document() -> None:
    with pytest.raises(ValueError, match="by must be one of"):
        workload("gdhk-keywork-2017", by="agency")
    with pytest.raises(UnknownDocumentError):
        workload("no-such-doc")


def test_unknown_agencies_are_kept_by_name() -> None:
    assignments = pd.DataFrame(
        {
            "doc_id": "d",
            "task_id": ["t1", "t2", "t2", "t3"],
            "name": ["惠州市政府", "惠州市政府", "省商务厅", "省商务厅"],
            "agency_id": [pd.NA, pd.NA, "gd-commerce", "gd-commerce"],
            "role": ["lead", "co", "lead", "listed"],
        }
    )
    out = workload_table(assignments, agencies())
    assert out[["name", "tasks", "lead", "co", "listed", "primary_role"]].astype(str).values.tolist() == [
        ["惠州市政府", "2", "1", "1", "0", "lead"],  # ties on tasks and lead: more co first
        ["省商务厅", "2", "1", "0", "1", "lead"],
    ]
    assert out["agency_id"].isna().tolist() == [True, False]


def test_workload_of_given_assignments() -> None:
    assignments = pd.DataFrame(
        {
            "doc_id": ["a", "b"],
            "task_id": ["a/1", "b/1"],
            "name": ["省商务厅", "省商务厅"],
            "agency_id": ["gd-commerce", "gd-commerce"],
            "role": ["co", "responsible"],
        }
    )
    out = workload("a", assignments=assignments)
    assert out[["name", "tasks", "co", "responsible", "primary_role"]].astype(str).values.tolist() == [
        ["省商务厅", "1", "1", "0", "co"]
    ]
    with pytest.raises(ValueError, match="lacks the columns role"):
        workload_table(assignments.drop(columns="role"), agencies())
