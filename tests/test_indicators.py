"""Tests of named indicators, derived indicators and currency conversion (issue 5)."""

from __future__ import annotations

import pandas as pd
import pytest

import coopstats as cs
from coopstats.errors import ExchangeRateError
from coopstats.figure_extraction import extract_figures
from coopstats.trade_indicators import (
    convert,
    derive,
    derived_indicators,
    exchange_rates,
    indicators,
    match_indicators,
)

DOC_ID = "legco-cb-trade-2011"

# indicator -> (value, unit, measure, period, reporter, partner, via, flow), typed from paragraphs 2-3,
# footnote 1 and Annex I of the briefing.
EXPECTED = {
    "mainland_hk_trade": (3.128e12, "HKD", "amount", "2010", "HKG", "CHN", None, "trade"),
    "mainland_hk_trade_share_hk_total": (48.9, "percent", "share", "2010", "HKG", "CHN", None, "trade"),
    "reexports_via_hk_to_mainland": (1.567e12, "HKD", "amount", "2010", "WLD", "CHN", "HKG", "re-exports"),
    "reexports_mainland_via_hk_to_world": (
        1.1145e12,
        "HKD",
        "amount",
        "2010",
        "CHN",
        "WLD",
        "HKG",
        "re-exports",
    ),
    "reexports_mainland_via_hk_to_mainland": (
        7.065e11,
        "HKD",
        "amount",
        "2010",
        "CHN",
        "CHN",
        "HKG",
        "re-exports",
    ),
    "hk_share_mainland_fdi_cum": (43.4, "percent", "share", "end-2010", "CHN", "HKG", None, "fdi"),
    "hk_fdi_mainland_cum": (3.5442e12, "HKD", "amount", "end-2010", "CHN", "HKG", None, "fdi"),
    "mainland_share_hk_inward_fdi": (36.4, "percent", "share", "end-2009", "HKG", "CHN", None, "fdi"),
    "mainland_fdi_hk_stock": (2.6445e12, "HKD", "amount", "end-2009", "HKG", "CHN", None, "fdi"),
    "mainland_enterprises_hk": (3800.0, "count", "count", None, "HKG", "CHN", None, "enterprises"),
    "gd_hk_trade": (1.2334e12, "HKD", "amount", "2010", "CN-GD", "HKG", None, "trade"),
    "gd_hk_trade_growth": (32.4, "percent", "growth", "2010", "CN-GD", "HKG", None, "trade"),
    "gd_hk_trade_share": (20.2, "percent", "share", "2010", "CN-GD", "HKG", None, "trade"),
    "gd_exports_hk": (1.187e12, "HKD", "amount", "2010", "CN-GD", "HKG", None, "exports"),
    "gd_exports_hk_growth": (31.8, "percent", "growth", "2010", "CN-GD", "HKG", None, "exports"),
    "gd_exports_hk_share": (33.7, "percent", "share", "2010", "CN-GD", "HKG", None, "exports"),
    "gd_new_hk_projects": (3063.0, "count", "count", "2009", "CN-GD", "HKG", None, "projects"),
    "gd_realised_hk_fdi": (9.21e10, "HKD", "amount", "2009", "CN-GD", "HKG", None, "fdi"),
    "gd_realised_hk_fdi_growth": (12.6, "percent", "growth", "2009", "CN-GD", "HKG", None, "fdi"),
    "gd_hk_projects_cum": (107464.0, "count", "count", "end-2009", "CN-GD", "HKG", None, "projects"),
    "gd_hk_projects_cum_share": (72.1, "percent", "share", "end-2009", "CN-GD", "HKG", None, "projects"),
    "gd_realised_hk_fdi_cum": (1.1082e12, "HKD", "amount", "end-2009", "CN-GD", "HKG", None, "fdi"),
    "gd_realised_hk_fdi_cum_share": (61.3, "percent", "share", "end-2009", "CN-GD", "HKG", None, "fdi"),
    "hk_banks_gd_subbranches": (4.0, "count", "count", None, "CN-GD", "HKG", None, "bank-branches"),
    "gd_cross_location_subbranches": (10.0, "count", "count", None, "CN-GD", "HKG", None, "bank-branches"),
    "rmb_pilot_areas_before": (5.0, "count", "count", None, "CHN", "WLD", None, "rmb-settlement"),
    "rmb_pilot_areas": (20.0, "count", "count", "2010-06", "CHN", "WLD", None, "rmb-settlement"),
    "rmb_pilot_exporters_before": (365.0, "count", "count", None, "CHN", "WLD", None, "rmb-settlement"),
    # "在12月" of a paper published in March 2011: December 2010 (relative words resolve against `published`)
    "rmb_pilot_exporters": (67359.0, "count", "count", "2010-12", "CHN", "WLD", None, "rmb-settlement"),
    "hk_rmb_trade_settlement": (
        3.692e11,
        "CNY",
        "amount",
        "2010",
        "HKG",
        "CHN",
        None,
        "rmb-settlement",
    ),
    "gdhk_share_rmb_trade_settlement": (
        30.0,
        "percent",
        "share",
        None,
        "CN-GD",
        "HKG",
        None,
        "rmb-settlement",
    ),
}
COLUMNS = ["value", "unit", "measure", "period", "reporter", "partner", "via", "flow"]


def plain(value: object) -> object:
    return None if not isinstance(value, str) and pd.isna(value) else value


@pytest.fixture(scope="module")
def found() -> pd.DataFrame:
    return indicators()


def test_every_indicator_is_found_once(found: pd.DataFrame) -> None:
    assert sorted(found["indicator"]) == sorted(EXPECTED)
    assert found["doc_id"].eq(DOC_ID).all()


@pytest.mark.parametrize("code", list(EXPECTED))
def test_indicator_values_pinned(found: pd.DataFrame, code: str) -> None:
    row = found.set_index("indicator").loc[code]
    assert tuple(plain(row[c]) for c in COLUMNS) == EXPECTED[code]


def test_indicators_link_to_their_mentions(found: pd.DataFrame) -> None:
    source = cs.source_text(DOC_ID)
    figures = cs.figures(DOC_ID)
    mentions = set(zip(figures["start"], figures["end"], strict=True))
    for row in found.itertuples():
        assert source[row.start : row.end] == row.surface
        assert (row.start, row.end) in mentions
    quote = found.set_index("indicator").loc["reexports_via_hk_to_mainland", "quote"]
    assert quote == "經香港轉口到內地的貨物總值為港幣15,670億元"


# A paragraph of the same kind, with other numbers, in each script.
OTHER_YEAR_HANT = (
    "3.  至於廣東方面，根據最新提供的貿易數字，在2012年，廣東省與香港的進出口總額約為港幣\n\n"
    "13,100億元，比去年增長5.4%，佔全省總額19.9%。其中出口到香港總額約為港幣12,050億元，"
    "比去年增長2.1%，佔全省總額32.0%。在2011年，廣東省新簽港商直接投資項目共有3 500項，"
    "實際利用港商直接投資約港幣1,050億元，比2010年增長14.0 %。"
)
OTHER_YEAR_HANS = (
    "在2013年，广东省与香港的进出口总额约为港币13,900亿元，比去年下降1.5%，占全省总额21.0%。"
    "其中出口到香港总额约为港币12,700亿元，比去年增长5.0%，占全省总额34.2%。"
)


def test_same_kind_of_paragraph_gives_new_values_traditional() -> None:
    found = match_indicators(extract_figures(OTHER_YEAR_HANT, default_currency="HKD")).set_index("indicator")
    assert found[["value", "period"]].to_dict("index") == {
        "gd_hk_trade": {"value": 1.31e12, "period": "2012"},
        "gd_hk_trade_growth": {"value": 5.4, "period": "2012"},
        "gd_hk_trade_share": {"value": 19.9, "period": "2012"},
        "gd_exports_hk": {"value": 1.205e12, "period": "2012"},
        "gd_exports_hk_growth": {"value": 2.1, "period": "2012"},
        "gd_exports_hk_share": {"value": 32.0, "period": "2012"},
        "gd_new_hk_projects": {"value": 3500.0, "period": "2011"},
        "gd_realised_hk_fdi": {"value": 1.05e11, "period": "2011"},
        "gd_realised_hk_fdi_growth": {"value": 14.0, "period": "2011"},
    }


def test_same_kind_of_paragraph_gives_new_values_simplified() -> None:
    found = match_indicators(extract_figures(OTHER_YEAR_HANS, default_currency="HKD")).set_index("indicator")
    assert found["value"].to_dict() == {
        "gd_hk_trade": 1.39e12,
        "gd_hk_trade_growth": -1.5,
        "gd_hk_trade_share": 21.0,
        "gd_exports_hk": 1.27e12,
        "gd_exports_hk_growth": 5.0,
        "gd_exports_hk_share": 34.2,
    }
    derived = derive(found.reset_index()).set_index("indicator")
    assert derived.loc["gd_total_trade", "value"] == pytest.approx(1.39e12 / 0.21)
    assert derived.loc["gd_hk_trade_prev", "value"] == pytest.approx(1.39e12 / 0.985)
    assert derived.loc["gd_hk_trade_prev", "period"] == "2012"


def test_unrelated_text_gives_no_indicator() -> None:
    text = "2015年，全省共举办六个联合推介会，增长3.2%。"
    assert match_indicators(extract_figures(text, default_currency="CNY")).empty


# ---------------------------------------------------------------------------
# Derived indicators: formula and interval from the rounding of the inputs
# ---------------------------------------------------------------------------

E8 = 1e8
# indicator -> (formula, period, unit, value, low, high), the bounds computed by hand from the
# published figures +- half a unit of their last digit.
DERIVED = {
    "gd_total_trade": (
        "gd_hk_trade / (gd_hk_trade_share / 100)",
        "2010",
        "HKD",
        12334 * E8 / 0.202,
        12333.5 * E8 / 0.2025,
        12334.5 * E8 / 0.2015,
    ),
    "gd_total_exports": (
        "gd_exports_hk / (gd_exports_hk_share / 100)",
        "2010",
        "HKD",
        11870 * E8 / 0.337,
        11869.5 * E8 / 0.3375,
        11870.5 * E8 / 0.3365,
    ),
    "gd_imports_from_hk": (
        "gd_hk_trade - gd_exports_hk",
        "2010",
        "HKD",
        464 * E8,
        463 * E8,
        465 * E8,
    ),
    "gd_hk_trade_prev": (
        "gd_hk_trade / (1 + gd_hk_trade_growth / 100)",
        "2009",
        "HKD",
        12334 * E8 / 1.324,
        12333.5 * E8 / 1.3245,
        12334.5 * E8 / 1.3235,
    ),
    "gd_exports_hk_prev": (
        "gd_exports_hk / (1 + gd_exports_hk_growth / 100)",
        "2009",
        "HKD",
        11870 * E8 / 1.318,
        11869.5 * E8 / 1.3185,
        11870.5 * E8 / 1.3175,
    ),
    "gd_imports_from_hk_prev": (
        "gd_hk_trade_prev - gd_exports_hk_prev",
        "2009",
        "HKD",
        12334 * E8 / 1.324 - 11870 * E8 / 1.318,
        12333.5 * E8 / 1.3245 - 11870.5 * E8 / 1.3175,
        12334.5 * E8 / 1.3235 - 11869.5 * E8 / 1.3185,
    ),
    "gd_realised_hk_fdi_prev": (
        "gd_realised_hk_fdi / (1 + gd_realised_hk_fdi_growth / 100)",
        "2008",
        "HKD",
        921 * E8 / 1.126,
        920.5 * E8 / 1.1265,
        921.5 * E8 / 1.1255,
    ),
    "hk_total_trade": (
        "mainland_hk_trade / (mainland_hk_trade_share_hk_total / 100)",
        "2010",
        "HKD",
        31280 * E8 / 0.489,
        31279.5 * E8 / 0.4895,
        31280.5 * E8 / 0.4885,
    ),
    "mainland_fdi_cum_total": (
        "hk_fdi_mainland_cum / (hk_share_mainland_fdi_cum / 100)",
        "end-2010",
        "HKD",
        35442 * E8 / 0.434,
        35441.5 * E8 / 0.4345,
        35442.5 * E8 / 0.4335,
    ),
    "hk_inward_fdi_stock_total": (
        "mainland_fdi_hk_stock / (mainland_share_hk_inward_fdi / 100)",
        "end-2009",
        "HKD",
        26445 * E8 / 0.364,
        26444.5 * E8 / 0.3645,
        26445.5 * E8 / 0.3635,
    ),
    "gd_projects_cum_total": (
        "gd_hk_projects_cum / (gd_hk_projects_cum_share / 100)",
        "end-2009",
        "count",
        107464 / 0.721,
        107463.5 / 0.7215,
        107464.5 / 0.7205,
    ),
    "gd_realised_fdi_cum_total": (
        "gd_realised_hk_fdi_cum / (gd_realised_hk_fdi_cum_share / 100)",
        "end-2009",
        "HKD",
        11082 * E8 / 0.613,
        11081.5 * E8 / 0.6135,
        11082.5 * E8 / 0.6125,
    ),
    "reexports_mainland_via_hk_all": (
        "reexports_mainland_via_hk_to_world + reexports_mainland_via_hk_to_mainland",
        "2010",
        "HKD",
        18210 * E8,
        18209 * E8,
        18211 * E8,
    ),
}


@pytest.fixture(scope="module")
def derived() -> pd.DataFrame:
    return derived_indicators().set_index("indicator")


@pytest.mark.parametrize("code", list(DERIVED))
def test_derived_formula_and_interval(derived: pd.DataFrame, code: str) -> None:
    formula, period, unit, value, low, high = DERIVED[code]
    row = derived.loc[code]
    assert (row["formula"], row["period"], row["unit"]) == (formula, period, unit)
    assert (row["value"], row["low"], row["high"]) == pytest.approx((value, low, high), rel=1e-12)
    assert row["low"] < row["value"] < row["high"]


def test_implied_import_growth_is_an_interval_around_the_point(derived: pd.DataFrame) -> None:
    row = derived.loc["gd_imports_from_hk_growth"]
    point = (464 * E8 / (12334 * E8 / 1.324 - 11870 * E8 / 1.318) - 1) * 100
    assert row["value"] == pytest.approx(point, rel=1e-12)
    assert row["low"] < point < row["high"]
    assert row["high"] - row["low"] > 5  # rounding of the inputs leaves the implied growth loose


# ---------------------------------------------------------------------------
# Currency conversion
# ---------------------------------------------------------------------------


def test_exchange_rates_cite_sources() -> None:
    rates = exchange_rates()
    assert rates["source"].str.len().gt(20).all()
    assert set(rates["verified"]) == {False}
    assert rates.set_index(["currency", "year"]).loc[("HKD", 2010), "per_usd"] == 7.769


def test_convert_indicators_to_usd(found: pd.DataFrame) -> None:
    converted = convert(found).set_index("indicator")
    assert converted.loc["gd_hk_trade", "unit"] == "USD"
    assert converted.loc["gd_hk_trade", "value"] == pytest.approx(1.2334e12 / 7.769)
    assert converted.loc["gd_hk_trade", "value_original"] == 1.2334e12
    assert converted.loc["mainland_fdi_hk_stock", "rate"] == 7.752  # end-2009: the 2009 average
    assert converted.loc["hk_rmb_trade_settlement", "value"] == pytest.approx(3.692e11 / 6.7695)
    assert converted.loc["gd_hk_trade_share", "unit"] == "percent"
    assert converted.loc["gd_hk_trade_share", "value"] == 20.2


def test_convert_to_cny_and_intervals(derived: pd.DataFrame) -> None:
    converted = convert(derived.reset_index(), to="CNY").set_index("indicator")
    rate = 7.769 / 6.7695
    assert converted.loc["gd_total_trade", "rate"] == pytest.approx(rate)
    assert converted.loc["gd_total_trade", "low"] == pytest.approx(12333.5 * E8 / 0.2025 / rate)


@pytest.mark.parametrize(
    ("period", "message"),
    [("1990", "no annual average rate for HKD in 1990"), (None, "has no period")],
)
def test_missing_rate_is_a_clear_error(period: str | None, message: str) -> None:
    frame = pd.DataFrame({"value": [1.0], "unit": ["HKD"], "period": [period]})
    with pytest.raises(ExchangeRateError, match=message):
        convert(frame)
