"""The panel: corpus and samples, quotes and offsets, to_wide round trip, conflicts, revisions."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import pandas as pd
import pytest

import coopstats as cs
from coopstats.figure_extraction import extract_figures
from coopstats.panels import PANEL_COLUMNS, combine, indicator_names, observations, to_long, to_wide
from coopstats.schemas import FRAMES

HERE = Path(__file__).parent
SAMPLES = HERE / "fixtures" / "samples"


def _texts() -> list[dict[str, str]]:
    rows = []
    for name in ("figure_texts.csv", "table_texts.csv"):
        with (HERE / "gold" / name).open(encoding="utf-8") as handle:
            rows += list(csv.DictReader(handle))
    return rows


@pytest.fixture(scope="module")
def sample_panel() -> pd.DataFrame:
    parts = [cs.panel()]
    for entry in _texts():
        text = (SAMPLES / entry["file"]).read_text(encoding="utf-8")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            figures = extract_figures(text, published=entry["published"], issuer=entry["issuer"])
        parts.append(
            observations(figures, doc_id=entry["text_id"], published=entry["published"], source=text)
        )
    return combine(parts)


def test_declared_columns() -> None:
    assert tuple(c.name for c in FRAMES["panel"]) == PANEL_COLUMNS
    assert list(cs.panel("legco-cb-trade-2011").columns[: len(PANEL_COLUMNS)]) == list(PANEL_COLUMNS)


def test_indicator_names_have_both_scripts() -> None:
    from coopstats.text import to_simplified

    for name in indicator_names():
        assert name.code and name.label_en and name.label_zh and name.source
        hant = [s for s in name.synonyms if to_simplified(s) != s]
        assert hant or all(to_simplified(s) == s for s in name.synonyms), name.code


def test_series_over_several_periods_with_quotes(sample_panel: pd.DataFrame) -> None:
    gdp = sample_panel[
        (sample_panel["indicator"] == "gdp") & (sample_panel["doc_id"] == "tjjgz-2022-gdind-hans")
    ]
    assert gdp["period"].tolist() == ["2020", "2021"]
    assert gdp["reporter"].tolist() == ["CN-GD", "CN-GD"]
    source = (SAMPLES / "tjjgz-2022-gdind-hans.txt").read_text(encoding="utf-8")
    for row in gdp.itertuples():
        assert source[row.start : row.end] == row.surface
        assert row.surface in row.quote and "地区生产总值" in row.quote
        assert source.split("\n")[row.line - 1].strip() == row.quote
    several = sample_panel.groupby(["indicator", "reporter", "measure", "unit"], dropna=False)[
        "period"
    ].nunique()
    assert (several > 1).sum() >= 3
    assert sample_panel["quote"].notna().all()


def test_corpus_rows_index_the_source() -> None:
    p = cs.panel()
    assert len(p)
    for row in p.itertuples():
        assert cs.source_text(row.doc_id)[row.start : row.end] == row.surface


def test_to_wide_round_trips(sample_panel: pd.DataFrame) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wide = to_wide(sample_panel, freq="Y")
    assert any("left out" in str(w.message) for w in caught)
    assert isinstance(wide.index, pd.PeriodIndex) and wide.index.freqstr in ("Y-DEC", "A-DEC")
    long = to_long(wide)
    keep = sample_panel[sample_panel["period"].str.fullmatch(r"(?:end-)?[0-9]{4}", na=False)]
    # one value per series and period: the latest publication's
    keep = keep.assign(_p=keep["published"].fillna("")).sort_values("_p", kind="stable")
    keys = ["indicator", "reporter", "partner", "measure", "unit"]
    keep = keep.assign(period=keep["period"].str.removeprefix("end-"))
    expected = keep.groupby([*keys, "period"], dropna=False)["value"].last().reset_index()
    expected[keys] = expected[keys].astype("string").fillna("").replace("", None)
    got = long.sort_values([*keys, "period"]).reset_index(drop=True)
    merged = expected.astype({k: "string" for k in keys}).merge(
        got.astype({k: "string" for k in keys}), on=[*keys, "period"], how="outer", suffixes=("_x", "_y")
    )
    assert merged["value_x"].notna().all() and merged["value_y"].notna().all()
    assert (merged["value_x"] == merged["value_y"]).all()
    months = sample_panel[sample_panel["period"].str.fullmatch(r"[0-9]{4}-[0-9]{2}", na=False)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert to_wide(months, freq="M").index.freqstr == "M"


def test_constructed_conflict_and_revision() -> None:
    text_a = "广东省主要指标\n单位：亿元\n指标  2022年  2023年\n进出口总额  83,102.9  83,040.8\n"
    text_b = "1. 2023年全省进出口总额8.30万亿元，增长0.3%。"  # 82,950–83,050 亿: holds a's 83,040.8
    text_c = "1. 2023年全省进出口总额8.1万亿元。"  # a disjoint value
    parts = []
    for doc, text, published in (
        ("a", text_a, "2024-01-20"),
        ("b", text_b, "2024-03-01"),
        ("c", text_c, "2024-02"),
    ):
        figures = extract_figures(text, issuer="广东省统计局", published=published)
        parts.append(observations(figures, doc_id=doc, published=published, source=text))
    p = combine(parts)
    trade = p[(p["indicator"] == "trade") & (p["period"] == "2023") & (p["measure"] == "amount")]
    assert trade["doc_id"].tolist() == ["a", "b", "c"]
    by_doc = dict(zip(trade["doc_id"], trade["conflict"], strict=True))
    assert by_doc == {"a": True, "b": True, "c": True}  # c disagrees with both; a and b overlap
    a, b = trade.iloc[0], trade.iloc[1]
    assert a["low"] <= b["high"] and b["low"] <= a["high"]  # a revision within rounding
    only_ab = combine(parts[:2])
    assert not only_ab["conflict"].any()
    assert only_ab["published"].tolist()[:3] == ["2024-01-20", "2024-01-20", "2024-03-01"]
    with pytest.warns(UserWarning, match="latest publication"):
        wide = to_wide(p[p["measure"] == "amount"])
    assert wide.loc[pd.Period("2023", "Y")].iloc[0] == pytest.approx(8.3e12)  # b, published last


def test_parsed_document_panel_from_html() -> None:
    page = (
        "<html><body><main><h1>2024年1-2月澳門商品貿易</h1><p>單位：百萬澳門元</p><table>"
        "<tr><th>項目</th><th>2023年1-2月</th><th>2024年1-2月</th><th>變動%</th></tr>"
        "<tr><td>出口</td><td>1,932</td><td>2,154</td><td>11.5</td></tr></table>"
        "<p>一、今年首兩個月貨物出口總值按年上升11.5%。</p></main></body></html>"
    ).encode()
    doc = cs.parse_document(page, published="2024-03-28", issuer="統計暨普查局", doc_id="dsec")
    p = doc.panel
    cells = p[p["table_no"].notna()]
    assert cells[["indicator", "reporter", "period", "unit"]].values.tolist() == [
        ["exports", "MAC", "2023-01/2023-02", "MOP"],
        ["exports", "MAC", "2024-01/2024-02", "MOP"],
        ["exports", "MAC", "2024-01/2024-02", "percent"],
    ]
    assert all(doc.source[s:e] == f for s, e, f in p[["start", "end", "surface"]].values)
