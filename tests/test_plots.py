"""Charts fit their figures in both languages; the message catalogue is complete; results display.

The layout test draws every chart of every report the way its notebook does (same plot
function, same corpus data, same figure size) in English and in Chinese, and checks that
every text artist (tick labels, titles, axis labels, legend entries, annotations) lies
inside the figure.
"""

from __future__ import annotations

import ast
import os
import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

import coopstats as cs
from coopstats import agenda, display, messages, plots, vocabulary

ROOT = Path(__file__).parents[1]
LANGS = vocabulary.languages()
NOTEBOOK_DOC_IDS = [
    "gd-hkmo-decision-2009",
    "gdhk-keywork-2011",
    "panprd-guidance-2016",
    "panprd-gd-opinions-2017",
    "gdhk-keywork-2017",
]


@pytest.fixture(autouse=True)
def _agg() -> Iterator[None]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def _needs_cjk(lang: str) -> None:
    if lang == "zh" and plots.cjk_font() is None:
        reason = "no CJK font installed (Debian: apt-get install fonts-noto-cjk)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)


# --------------------------------------------------------------------------- every chart of every report


def _workload_charts(doc_id: str, top_n: int = 15) -> Callable[[str], list[object]]:
    def draw(lang: str) -> list[object]:
        assignments = cs.assignments(doc_id)
        workload = cs.workload(doc_id)
        split = plots.role_split(assignments)
        shown = workload.head(min(top_n, 15))
        matrix = plots.coassignment_matrix(assignments, shown["agency_id"].tolist())
        return [
            plots.workload_chart(
                split, top_n=top_n, lang=lang, title=messages.t("workload.top_chart_title", lang, n=top_n)
            ),
            plots.coassignment_heatmap(
                matrix,
                plots.agency_labels(shown, lang, width=34),
                lang=lang,
                title=messages.t("workload.shared_chart_title", lang),
            ),
        ]

    return draw


def _trade_charts(currency: str) -> Callable[[str], list[object]]:
    def draw(lang: str) -> list[object]:
        money = set(vocabulary.currency_codes())
        indicators = cs.convert(cs.indicators(), to=currency)
        derived = cs.convert(cs.derived_indicators(), to=currency)
        gd_hk = indicators[
            (indicators["reporter"] == "CN-GD")
            & (indicators["partner"] == "HKG")
            & (indicators["measure"] == "amount")
            & indicators["unit"].isin(money)
        ]
        gd_derived = derived[derived["indicator"].str.contains(r"^gd_.*hk") & derived["unit"].isin(money)]
        both = pd.concat([gd_hk, gd_derived], ignore_index=True)
        both = both[both["unit"] == currency]
        shares = indicators[
            (indicators["measure"] == "share")
            & (indicators["unit"] == "percent")
            & ((indicators["partner"] == "HKG") | (indicators["reporter"] == "HKG"))
        ]
        return [
            plots.amounts_chart(both, lang=lang, title=messages.t("trade.gd_hk_chart_title", lang)),
            plots.shares_chart(shares, lang=lang, title=messages.t("trade.shares_chart_title", lang)),
        ]

    return draw


def _agenda_charts(lang: str) -> list[object]:
    shares = agenda.theme_shares(NOTEBOOK_DOC_IDS)
    return [
        plots.theme_intervals_chart(
            shares, lang=lang, title=messages.t("agenda.themes_chart_title", lang)
        ).figure,
        plots.project_timeline_chart(agenda.project_mentions(), lang=lang).figure,
        plots.concentration_chart(
            agenda.concentration(n_boot=50),
            lang=lang,
            title=messages.t("agenda.concentration_chart_title", lang),
        ).figure,
    ]


def _tour_charts(lang: str) -> list[object]:
    return [
        plots.workload_chart(
            cs.workload("gdhk-keywork-2017"),
            top_n=10,
            lang=lang,
            title=messages.t("tour.chart_title", lang, doc_id="gdhk-keywork-2017"),
        )
    ]


def _panel_charts(lang: str) -> list[object]:
    """The trade_investment panel section draws each indicator with more than one period, as here."""
    doc = cs.parse_document(
        Path(__file__).resolve().parent / "fixtures" / "samples" / "tjjgz-2022-gdind-hans.txt",
        published="2022-10",
        issuer="广州市统计局",
    )
    panel = doc.panel
    counts = panel.groupby("indicator")["period"].nunique()
    codes = counts[counts > 1].index[:3]
    assert len(codes) == 3  # GDP, population, employment … each for 2020 and 2021
    return [plots.panel_chart(panel, code, lang=lang) for code in codes]


CHARTS: dict[str, Callable[[str], list[object]]] = {
    # the default grid and the other parameter sets the report tests run
    "agency_workload/gdhk-keywork-2017": _workload_charts("gdhk-keywork-2017"),
    "agency_workload/panprd-gd-opinions-2017": _workload_charts("panprd-gd-opinions-2017"),
    "agency_workload/panprd-gd-opinions-2017/top_n-10": _workload_charts("panprd-gd-opinions-2017", 10),
    "trade_investment/HKD": _trade_charts("HKD"),
    "trade_investment/USD": _trade_charts("USD"),
    "cooperation_agenda": _agenda_charts,
    "getting_started": _tour_charts,
    "trade_investment/panel": _panel_charts,
}


def _texts(fig: object) -> list[object]:
    """Every visible, non-empty text artist of a figure: titles, labels, legends, annotations, ticks."""
    from matplotlib.text import Text

    texts = [
        t
        for t in fig.findobj(Text)  # type: ignore[attr-defined]
        if t.get_visible() and t.get_text().strip() and not _is_tick_label(t)
    ]
    for ax in fig.axes:  # type: ignore[attr-defined]
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis._update_ticks():  # the ticks drawn: those inside the view limits
                for label in (tick.label1, tick.label2):
                    if label.get_visible() and label.get_text().strip():
                        texts.append(label)
    return texts


def _is_tick_label(text: object) -> bool:
    for ax in text.figure.axes:  # type: ignore[attr-defined]
        for axis in (ax.xaxis, ax.yaxis):
            for tick in [*axis.majorTicks, *axis.minorTicks]:
                if text is tick.label1 or text is tick.label2:
                    return True
    return False


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_every_text_of_every_chart_lies_inside_its_figure(chart: str, lang: str) -> None:
    _needs_cjk(lang)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a glyph missing from the font, a layout that gave up
        figures = CHARTS[chart](lang)
        for fig in figures:
            fig.canvas.draw()  # type: ignore[attr-defined]
    for fig in figures:
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        box = fig.bbox  # type: ignore[attr-defined]
        texts = _texts(fig)
        assert len(texts) > 5, chart
        outside = []
        for text in texts:
            extent = text.get_window_extent(renderer)  # type: ignore[attr-defined]
            if not (
                extent.x0 >= box.x0 - 0.5
                and extent.y0 >= box.y0 - 0.5
                and extent.x1 <= box.x1 + 0.5
                and extent.y1 <= box.y1 + 0.5
            ):
                outside.append((text.get_text(), tuple(round(v) for v in extent.extents)))  # type: ignore[attr-defined]
        assert not outside, (chart, lang, fig.get_size_inches().tolist(), outside)  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", LANGS)
def test_chinese_charts_speak_chinese(lang: str) -> None:
    _needs_cjk(lang)
    fig = _workload_charts("panprd-gd-opinions-2017")(lang)[0]
    ax = fig.axes[0]  # type: ignore[attr-defined]
    assert ax.get_xlabel() == messages.t("chart.workload_x", lang)
    top = ax.get_yticklabels()[-1].get_text()
    assert (top == "省发展改革委") == (lang == "zh")
    amounts = _trade_charts("HKD")(lang)[0]
    assert amounts._suptitle.get_text() == messages.t("trade.gd_hk_chart_title", lang)  # type: ignore[attr-defined]
    assert ("十亿港元" in amounts.axes[0].get_xlabel()) == (lang == "zh")  # type: ignore[attr-defined]


def test_amounts_never_mix_stocks_flows_or_periods_on_one_axis() -> None:
    fig = _trade_charts("HKD")("en")[0]
    titles = [ax.get_title("left") for ax in fig.axes]  # type: ignore[attr-defined]
    assert titles == ["Flows in 2008", "Flows in 2009", "Flows in 2010", "Stocks at the end of 2009"], titles
    indicators = pd.concat([cs.indicators(), cs.derived_indicators()], ignore_index=True)
    for ax in fig.axes:  # type: ignore[attr-defined]
        kinds = set()
        periods = set()
        for label in ax.get_yticklabels():
            name = " ".join(label.get_text().split())
            rows = indicators[indicators["label_en"].str.split().str.join(" ") == name]
            assert len(rows), name
            periods |= set(rows["period"].astype(str))
            kinds |= {plots.period_kind(p) for p in rows["period"]}
        assert len(kinds) == 1, (ax.get_title("left"), kinds)
    shares = _trade_charts("HKD")("en")[1]
    assert len(shares.axes) >= 2  # type: ignore[attr-defined]  # 2010, end of 2009, end of 2010 ...


# --------------------------------------------------------------------------- the message catalogue


def test_every_key_has_a_text_in_every_language() -> None:
    catalogue = messages.catalogue()
    assert len(catalogue) > 200
    for key, texts in catalogue.items():
        assert set(texts) == set(LANGS), key
        for lang, text in texts.items():
            assert text.strip(), (key, lang)
        if any(lang != "en" and texts[lang] == texts["en"] for lang in LANGS):
            # the same text in both languages only for what is not words: codes, symbols, hashes
            assert not re.search(r"[a-z]{4,}", texts["en"].lower()) or key in {
                "col.sha256",
                "index.pdf",
            }, key


def test_a_bad_catalogue_row_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coopstats.errors import ReferenceDataError

    folder = tmp_path / "reference"
    folder.mkdir()
    (folder / "messages.csv").write_text("key,en,zh\nchart.x,axis,\n", encoding="utf-8")
    monkeypatch.setattr(messages, "data_dir", lambda: tmp_path)
    messages.catalogue.cache_clear()
    try:
        with pytest.raises(ReferenceDataError, match="lacks"):
            messages.catalogue()
    finally:
        monkeypatch.undo()
        messages.catalogue.cache_clear()


_LITERAL_KEY = re.compile(r"""\b(?:t|section|heading_key)\(\s*["']([A-Za-z0-9_.-]+)["']""")
_PREFIX_KEY = re.compile(r"""\bt\(\s*f["']([A-Za-z0-9_.-]+)\{""")


def _sources() -> dict[str, str]:
    import nbformat

    out = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in (ROOT / "src").rglob("*.py")}
    out["notebooks/make_notebooks.py"] = (ROOT / "notebooks" / "make_notebooks.py").read_text(
        encoding="utf-8"
    )
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        out[str(path.relative_to(ROOT))] = "\n".join(cell.source for cell in nb.cells)
    return out


def test_every_key_used_in_code_and_notebooks_exists() -> None:
    used: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for where, text in _sources().items():
        for key in _LITERAL_KEY.findall(text):
            if "." in key:
                used.setdefault(key, where)
        for prefix in _PREFIX_KEY.findall(text):
            prefixes.setdefault(prefix, where)
    assert len(used) > 80
    missing = {key: where for key, where in used.items() if not messages.has(key)}
    assert not missing, missing
    for prefix, where in prefixes.items():
        assert any(k.startswith(prefix) for k in messages.catalogue()), (prefix, where)
    # keys built from data: every report's title, every indicator's name, every value a notebook codes
    from coopstats.reports import available_reports

    for name in available_reports():
        assert messages.has(f"report.{name}.title"), name
    for code in [*cs.indicators()["indicator"], *cs.derived_indicators()["indicator"]]:
        assert messages.has(f"indicator.{code}"), code
    for level in cs.agencies()["level"].dropna().unique():
        assert messages.has(f"level.{level}"), level
    for status in ("persisted", "dropped", "continued", "new"):
        assert messages.has(f"status.{status}")
    for kind in ("flow", "stock", "undated"):
        assert messages.has(f"chart.panel_{kind}")


def test_notebooks_hold_no_text_of_one_language() -> None:
    """Every sentence a report shows goes through the catalogue: no markdown cells, no bare say("...")."""
    import nbformat

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert not [c for c in nb.cells if c.cell_type == "markdown"], path.name
        for cell in nb.cells:
            tree = ast.parse(cell.source)
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"say", "heading"}:
                    first = node.args[0] if node.args else None
                    assert not (isinstance(first, ast.Constant) and isinstance(first.value, str)), (
                        path.name,
                        ast.unparse(node),
                    )


# --------------------------------------------------------------------------- tables and result objects


def test_tables_are_labelled_in_both_languages_with_percentages() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        comparison = agenda.compare_themes(n_simulations=20)
    drivers = comparison.drivers()
    english = display.format_table(drivers, "en", percent=["share_a", "share_b"])
    chinese = display.format_table(drivers, "zh", percent=["share_a", "share_b"])
    assert "share_a" not in english.columns and "share in the first list" in english.columns
    assert "第一份文件中的占比" in chinese.columns
    assert all(v.endswith("%") for v in english["share in the first list"])
    assert all(re.fullmatch(r"-?\d+\.\d\d", v) for v in english["standardised residual"])
    links = display.format_table(agenda.persistence().links[["task_id_a", "task_id_b", "score"]], "zh")
    assert list(links.columns) == ["任务（第一份）", "任务（第二份）", "相似度"]
    with pytest.raises(KeyError, match=r"col\.no_such_column"):
        display.format_table(pd.DataFrame({"no_such_column": [1]}), "en")


def test_a_table_keeps_every_column_in_both_languages() -> None:
    """The trade report's table of observations: eleven columns, eleven labels (指标 and 度量 apart)."""
    import coopstats as cs

    columns = [
        "indicator", "reporter", "partner", "measure", "period", "value",
        "unit", "doc_id", "published", "conflict", "quote",
    ]  # fmt: skip
    panel = cs.panel()[columns]
    for lang in ("en", "zh"):
        shown = display.format_table(panel, lang)
        assert shown.shape == panel.shape and shown.columns.is_unique
    chinese = display.format_table(panel, "zh")
    assert chinese.columns[[0, 3]].tolist() == ["指标", "度量"]
    assert set(chinese["冲突"]) <= {"是", "否", ""}
    documents = display.format_table(cs.documents()[["issued", "published"]], "zh")
    assert documents.columns.tolist() == ["印发日期", "发布日期"]


def test_result_objects_display_in_a_notebook() -> None:
    persisted = agenda.persistence()
    page = persisted._repr_html_()
    assert "Persistence of tasks from gdhk-keywork-2011 to gdhk-keywork-2017" in page
    assert "task (first list)" in page and "<table" in page
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        comparison = agenda.compare_themes(n_simulations=20)
    page = comparison._repr_html_()
    assert "chi-square" in page and "Cramér" in page
    parsed = cs.parse_document("关于示例的重点工作\n一、基础设施\n1．建设<b>通道</b>。（省交通运输厅）\n")
    page = parsed._repr_html_()
    assert "<th>tasks</th><td>1</td>" in page and "<th>assignments</th><td>1</td>" in page
    assert "<b>" not in page.replace("<b>通道", "")  # text from a document stays text


# --------------------------------------------------------------------------- economics


def test_one_hhi_scale_and_an_interval_that_holds_the_estimate() -> None:
    result = agenda.concentration(n_boot=400)
    assert len(result) == 2
    for row in result.itertuples():
        assert 0 < row.hhi < 1
        assert row.hhi_low <= row.hhi <= row.hhi_high, row
        assert row.gini_low <= row.gini <= row.gini_high, row
        assert row.top_k_low <= row.top_k_share <= row.top_k_high, row
        assert row.n_equivalent == pytest.approx(1 / row.hhi)
        assert row.n_equivalent_low <= row.n_equivalent <= row.n_equivalent_high
        assert row.hhi_bias > 0  # resampling tasks raises the HHI on average
        assert row.interval == "BCa"


def test_a_percentile_interval_would_sit_above_the_estimate() -> None:
    """Why the BCa interval: the replicates of the HHI are biased upward."""
    import numpy as np

    assignments = cs.assignments("gdhk-keywork-2017")
    pairs = assignments[["task_id", "agency_id"]].dropna().drop_duplicates()
    incidence = pd.crosstab(pairs["task_id"], pairs["agency_id"]).clip(upper=1).to_numpy(dtype=float)
    rng = np.random.default_rng(0)
    hhi = agenda._concentration_stats(incidence.sum(axis=0), 5)[0]
    boot = np.array(
        [
            agenda._concentration_stats(incidence[rng.integers(0, len(incidence), len(incidence))].sum(0), 5)[
                0
            ]
            for _ in range(400)
        ]
    )
    assert (boot > hhi).mean() > 0.8  # most replicates above the estimate
    low, high, bias = agenda._bca_interval(hhi, boot, np.array([hhi]), 0.05)
    assert low <= hhi <= high and bias > 0


def test_the_shared_tasks_heatmap_needs_no_seaborn() -> None:
    """Drawn in plain matplotlib (issue 19): a report kernel drawing it never imports seaborn."""
    import subprocess
    import sys

    code = (
        "import sys, matplotlib; matplotlib.use('Agg'); import pandas as pd\n"
        "from coopstats import plots\n"
        "m = pd.DataFrame([[3, 2, 0], [2, 4, 1], [0, 1, 1]], index=list('abc'), columns=list('abc'))\n"
        "fig = plots.coassignment_heatmap(m, ['A', 'B', 'C'])\n"
        "cells = sorted(t.get_text() for t in fig.axes[0].texts)\n"
        "print(cells, 'seaborn' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    # the diagonal (own tasks) is blank; zero cells carry no number
    assert out.strip() == "['1', '1', '2', '2'] False"
