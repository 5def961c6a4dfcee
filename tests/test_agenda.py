"""Agenda analysis: theme shares, the 2011/2017 test, persistence, projects, search, concentration.

Expected values are typed by reading the raw texts (which task names which project, which
tasks carry on the same work); the 2011 and 2017 theme tables are the hand counts of
``tests/test_themes.py``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from test_themes import KEYWORK_2011, KEYWORK_2017

import coopstats as cs
from coopstats import agenda
from coopstats.errors import CoopstatsError, CoopstatsWarning, UnknownDocumentError
from coopstats.themes import match_form


def _wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_theme_shares_with_wilson_intervals() -> None:
    shares = agenda.theme_shares("gdhk-keywork-2017").set_index("theme")
    assert shares["tasks"].to_dict() == {**dict.fromkeys(shares.index, 0), **KEYWORK_2017}
    assert (shares["total"] == 77).all()
    assert shares["share"].sum() == pytest.approx(1.0)
    low, high = _wilson(7, 77)  # finance: items 9-15
    assert shares.loc["finance", ["low", "high"]].tolist() == pytest.approx([low, high])
    assert shares.loc["general", "low"] == 0.0 and shares.loc["general", "high"] > 0


def test_theme_shares_for_several_documents_and_unknown_document() -> None:
    shares = agenda.theme_shares(["gdhk-keywork-2011", "gdhk-keywork-2017"])
    assert shares.groupby("doc_id")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    with pytest.raises(UnknownDocumentError):
        agenda.theme_shares("no-such-doc")


def test_compare_2011_2017_returns_the_statsmodels_statistic_of_the_hand_table() -> None:
    from scipy.stats import chi2_contingency
    from statsmodels.stats.contingency_tables import Table

    themes = sorted(set(KEYWORK_2011) | set(KEYWORK_2017))
    hand = np.array([[KEYWORK_2011.get(t, 0), KEYWORK_2017.get(t, 0)] for t in themes], dtype=float)
    expected = Table(hand, shift_zeros=False).test_nominal_association()
    with pytest.warns(CoopstatsWarning, match="expected counts"):
        result = agenda.compare_themes("gdhk-keywork-2011", "gdhk-keywork-2017", n_simulations=400)
    assert result.table.loc[themes].to_numpy().tolist() == hand.tolist()
    assert result.statistic == pytest.approx(expected.statistic)
    assert result.dof == expected.df == 12
    assert result.pvalue == pytest.approx(expected.pvalue)
    assert result.statistic == pytest.approx(chi2_contingency(hand, correction=False)[0])
    assert result.cramers_v == pytest.approx(math.sqrt(expected.statistic / 148))
    assert result.pvalue_simulated is not None and 0 < result.pvalue_simulated < 1
    assert result.n_simulations == 400
    drivers = result.drivers()
    assert drivers.loc[0, "theme"] == "business"  # 14 of 71 tasks in 2011, 2 of 77 in 2017
    assert drivers.loc[0, "residual"] < -2


def test_compare_rejects_one_document_twice() -> None:
    with pytest.raises(CoopstatsError, match="two different documents"):
        agenda.compare_themes("gdhk-keywork-2017", "gdhk-keywork-2017")


@pytest.fixture(scope="module")
def persisted() -> agenda.PersistenceResult:
    return agenda.persistence("gdhk-keywork-2011", "gdhk-keywork-2017")


def _linked(result: agenda.PersistenceResult) -> set[tuple[str, str]]:
    return set(zip(result.links["task_id_a"], result.links["task_id_b"], strict=True))


def test_persistence_links_pairs_defensible_by_reading(persisted) -> None:
    links = _linked(persisted)
    # 廣深港高速鐵路…香港段 2015 年建成 -> 力争广深港高速铁路工程香港段于2018年建成
    assert ("gdhk-keywork-2011/c1.s3", "gdhk-keywork-2017/c1.i2") in links
    # 繼續實施粵港“清潔生產夥伴計劃” -> 继续共同推进清洁生产伙伴计划
    assert ("gdhk-keywork-2011/c5.s1.i5", "gdhk-keywork-2017/c5.s1.i52") in links
    # 加快落馬洲河套地區發展規劃 -> 共同将落马洲河套地区发展成为“港深创新及科技园”
    assert ("gdhk-keywork-2011/c7.s4", "gdhk-keywork-2017/c7.i75") in links


def test_persistence_does_not_pair_unrelated_tasks(persisted) -> None:
    # 港珠澳大橋主體工程建設 and 粤港食品安全风险交流合作协议: nothing in common
    assert ("gdhk-keywork-2011/c1.s1", "gdhk-keywork-2017/c5.s4.i58") not in _linked(persisted)
    # 法律服務業合作先行先試 and 应对气候变化: nothing in common
    assert ("gdhk-keywork-2011/c4.s5.i2", "gdhk-keywork-2017/c5.s1.i51") not in _linked(persisted)
    assert (persisted.links["score"] >= persisted.threshold).all()


def test_persistence_statuses_cover_every_task(persisted) -> None:
    status = persisted.tasks.groupby(["doc_id", "status"]).size()
    assert status["gdhk-keywork-2011"].sum() == 71
    assert status["gdhk-keywork-2017"].sum() == 77
    assert set(persisted.tasks["status"]) == {"persisted", "dropped", "continued", "new"}
    assert 0 < persisted.threshold < 1
    assert persisted.threshold == pytest.approx(persisted.null_scores.quantile(0.95))
    summary = persisted.summary()
    assert summary[["persisted", "dropped"]].to_numpy().sum() == 71


def test_persistence_threshold_can_be_set() -> None:
    strict = agenda.persistence(threshold=0.4)
    assert strict.threshold == 0.4
    assert ("gdhk-keywork-2011/c1.s3", "gdhk-keywork-2017/c1.i2") in _linked(strict)  # scores above 0.4


@pytest.fixture(scope="module")
def mentions() -> pd.DataFrame:
    return agenda.project_mentions().set_index(["doc_id", "project_id"])


def test_project_mentions_count_both_scripts(mentions) -> None:
    # 港珠澳大橋 (traditional): 一、(一) 主體工程 and 四、(一)1 配套口岸
    assert mentions.loc[("gdhk-keywork-2011", "hzmb"), "mentions"] == 2
    # 港珠澳大桥 (simplified): items 1 and 6
    assert mentions.loc[("gdhk-keywork-2017", "hzmb"), "mentions"] == 2
    # 蓮塘／香園圍口岸 with a full-width slash (Annex I para 10) and 蓮塘/香園圍口岸 (Annex II 四、(一)1)
    assert mentions.loc[("legco-cb-trade-2011", "liantang"), "mentions"] == 1
    assert mentions.loc[("gdhk-keywork-2011", "liantang"), "mentions"] == 1
    # 2009 calls the express rail link 广深港客运专线
    assert mentions.loc[("gd-hkmo-decision-2009", "xrl"), "mentions"] == 1


def test_project_mentions_count_overlapping_names_once(mentions) -> None:
    # item 75: 落马洲河套地区 twice, 河套地区 once, 港深创新及科技园 twice, 深港科技创新合作区 once
    assert mentions.loc[("gdhk-keywork-2017", "loop"), "mentions"] == 6
    assert mentions.loc[("gdhk-keywork-2017", "loop"), "provisions"] == 1
    assert mentions.loc[("gdhk-keywork-2011", "loop"), "mentions"] == 1  # 七、(四) 落馬洲河套地區


def test_project_mentions_frame_shape_and_years(mentions) -> None:
    frame = mentions.reset_index()
    assert len(frame) == 6 * len(agenda.projects())
    years = frame.drop_duplicates("doc_id").set_index("doc_id")["year"].to_dict()
    assert years == {
        "gd-hkmo-decision-2009": 2009,
        "gdhk-keywork-2017": 2017,
        "panprd-gd-opinions-2017": 2017,
        "legco-cb-trade-2011": 2011,
        "gdhk-keywork-2011": 2011,
        "panprd-guidance-2016": 2016,
    }


def test_search_finds_both_scripts_with_location() -> None:
    hits = agenda.search("港珠澳大桥")
    assert set(hits["doc_id"]) == set(cs.documents()["doc_id"])
    surfaces = set(hits["matches"].str.split("|").explode())
    assert surfaces == {"港珠澳大桥", "港珠澳大橋"}
    traditional = agenda.search("港珠澳大橋")
    pd.testing.assert_frame_equal(hits, traditional)
    row = hits[(hits["doc_id"] == "gdhk-keywork-2011") & (hits["node_id"] == "c1.s1")].iloc[0]
    assert row["matches"] == "港珠澳大橋"
    assert cs.source_text("gdhk-keywork-2011")[row["start"] : row["end"]].count("港珠澳大橋") == 1


def test_search_across_punctuation_widths_and_bad_patterns() -> None:
    hits = agenda.search("蓮塘／香園圍")
    printed = set(hits["matches"].str.split("|").explode())
    # as printed: simplified (2016, 2017), traditional with a half-width slash (Annex II) and a
    # full-width one (Annex I); the traditional file writes 蓮 as a compatibility ideograph
    assert len(printed) == 3
    assert {m for m in printed if "／" in m} and "莲塘/香园围" in printed
    assert {match_form(m) for m in printed} == {"莲塘/香园围"}
    assert agenda.search("不存在的词语").empty
    with pytest.raises(ValueError, match="non-empty"):
        agenda.search("  ")
    with pytest.raises(ValueError, match="invalid regular expression"):
        agenda.search("(", regex=True)


def test_concentration_matches_the_workload_counts() -> None:
    result = agenda.concentration("gdhk-keywork-2017", n_boot=40).iloc[0]
    counts = cs.workload("gdhk-keywork-2017")["tasks"].to_numpy(dtype=float)
    shares = counts / counts.sum()
    assert result["pairs"] == counts.sum()
    assert result["agencies"] == len(counts)
    assert result["hhi"] == pytest.approx((shares**2).sum())
    assert result["top_k_share"] == pytest.approx(np.sort(counts)[::-1][:5].sum() / counts.sum())
    assert result["hhi_low"] <= result["hhi"] <= result["hhi_high"]
    assert result["gini_low"] <= result["gini"] <= result["gini_high"]
    assert 0 < result["gini"] < 1


def test_concentration_of_a_document_without_agencies_is_empty() -> None:
    assert agenda.concentration("panprd-guidance-2016", n_boot=10).empty


def test_gini_of_equal_and_unequal_workloads() -> None:
    assert agenda._gini(np.array([3, 3, 3])) == pytest.approx(0.0)
    assert agenda._gini(np.array([0, 0, 0, 4])) == pytest.approx(0.75)


def test_agenda_functions_do_not_print(capsys) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        agenda.theme_shares()
        agenda.compare_themes(n_simulations=10)
        agenda.project_mentions()
        agenda.search("前海")
        agenda.concentration(n_boot=5)
    assert capsys.readouterr() == ("", "")
