"""Reports: every notebook through papermill into offline HTML, the CLI, and the failure modes.

The notebooks run once per parameter set, in the module-scoped ``reports_run`` fixture
(the default grid through ``coopstats report --all`` as cron runs it: a subprocess in
another folder, stdout to a log file; then one other parameter set per notebook); the
tests read what those runs wrote.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import coopstats as cs
from coopstats import reports
from coopstats.cli import report_command
from coopstats.errors import ReportError, ReportParameterError

ROOT = Path(__file__).parents[1]
GOLD = ROOT / "tests" / "gold"
TEST_NOTEBOOKS = ROOT / "tests" / "notebooks"

# A document of the genre, written for these tests: a task whose wording carries markup.
SCRIPT_DOCUMENT = (
    "关于测试合作的重点工作\n\n一、测试事项\n\n"
    '1．在文本中写入<script>alert("coopstats")</script>的任务。（省商务厅、港澳办）\n\n'
    "2．另一项任务。（省港澳办）\n"
)

OTHER_PARAMETERS = [
    (
        "agency_workload",
        {"doc_id": "panprd-gd-opinions-2017", "top_n": 10, "fold_successors": True, "lang": "zh"},
    ),
    ("document_profile", {"source": "SOURCE"}),  # the SCRIPT_DOCUMENT file, filled in by the fixture
    ("getting_started", {"doc_id": "panprd-gd-opinions-2017", "keyword": "港澳"}),
    ("cooperation_agenda", {"doc_ids": ["gdhk-keywork-2017", "panprd-gd-opinions-2017"], "lang": "zh"}),
]
# runs the default grid leaves out
EXTRA_RUNS = [("getting_started", {}), *OTHER_PARAMETERS]


def _gold_top(doc_id: str) -> tuple[list[str], int]:
    """The agencies named in most tasks, and their count, from the hand-typed gold assignments."""
    lines = (GOLD / f"assignments_{doc_id}.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    tasks: dict[str, set[tuple[str, str, str, str]]] = {}
    for row in rows:
        key = (row["chapter_no"], row["section_no"], row["item_no"], row["line"])
        tasks.setdefault(row["name"], set()).add(key)
    most = max(len(t) for t in tasks.values())
    return sorted(name for name, t in tasks.items() if len(t) == most), most


def _slug(name: str, parameters: dict) -> str:
    defaults = {k: p.default for k, p in reports.report_parameters(name).items()}
    return reports.report_slug(parameters, defaults)


def _chart_titles(page: str) -> list[str]:
    """The alternative texts (chart titles) of the embedded images, in page order."""
    titles = []
    for image in re.findall(r"<img\b[^>]*>", page):
        assert 'src="data:image/png;base64,' in image
        alt = re.search(r'alt="([^"]*)"', image)
        titles.append(html.unescape(alt.group(1)) if alt else "")
    return titles


def _page(output_dir: Path, name: str, parameters: dict) -> str:
    return (output_dir / name / f"{_slug(name, parameters)}.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def reports_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    cs.assignments()  # build the frame cache once, before several kernels want it at the same time
    cs.figures()
    source = tmp_path_factory.mktemp("mine") / "script-document.txt"
    source.write_text(SCRIPT_DOCUMENT, encoding="utf-8")
    runner = CliRunner()
    # as cron runs it: from another folder, no --out, stdout and stderr to a log file
    env = {k: v for k, v in os.environ.items() if k != "COOPSTATS_REPORTS"}
    elsewhere = tmp_path_factory.mktemp("cron-cwd")
    log = tmp_path_factory.mktemp("cron-log") / "cron.log"
    out = Path(os.environ["COOPSTATS_HOME"]) / "reports"  # the documented folder: the user folder's reports/
    shutil.rmtree(out, ignore_errors=True)
    with log.open("wb") as handle:
        completed = subprocess.run(
            [str(Path(sys.executable).parent / "coopstats"), "report", "--all", "--jobs", "2"],
            cwd=elsewhere,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            check=False,
        )
    grid_result = {"exit_code": completed.returncode, "output": log.read_text(encoding="utf-8")}
    grid = [
        (name, {k: (str(source) if v == "SOURCE" else v) for k, v in params.items()})
        for name, params in EXTRA_RUNS
    ]
    others = reports.run_all(out, jobs=2, grid=grid, progress=False)
    single = runner.invoke(
        report_command,
        ["trade_investment", "-p", "currency", "USD", "--output-dir", str(out)],
        catch_exceptions=False,
    )
    return {
        "out": out,
        "grid": grid_result,
        "others": others,
        "single": single,
        "source": source,
        "log": log,
        "cwd": elsewhere,
    }


def test_default_grid_runs_through_the_cli(reports_run: dict) -> None:
    result = reports_run["grid"]
    assert result["exit_code"] == 0, result["output"]
    task_lists = ["gdhk-keywork-2017", "panprd-gd-opinions-2017", "gdhk-keywork-2011"]
    for doc_id in task_lists:
        slug = _slug("agency_workload", {"doc_id": doc_id})
        assert (reports_run["out"] / "agency_workload" / f"{slug}.html").is_file()
    for doc_id in cs.documents()["doc_id"]:
        slug = _slug("document_profile", {"doc_id": doc_id})
        assert (reports_run["out"] / "document_profile" / f"{slug}.html").is_file()
    assert (reports_run["out"] / "trade_investment" / "default.html").is_file()
    assert (reports_run["out"] / "cooperation_agenda" / "default.html").is_file()
    # the totals close the run
    assert f"{3 + 6 + 2} ok, 0 failed" in result["output"]


def test_other_parameter_sets_ran(reports_run: dict) -> None:
    assert [r.status for r in reports_run["others"]] == ["ok"] * len(EXTRA_RUNS)
    assert reports_run["single"].exit_code == 0, reports_run["single"].output
    assert "wrote " in reports_run["single"].output


def _all_pages(out: Path) -> list[Path]:
    return sorted(out.glob("*/*.html"))


def test_no_cell_raised_and_nothing_on_stderr(reports_run: dict) -> None:
    notebooks = sorted(reports_run["out"].glob("*/*.ipynb"))
    assert len(notebooks) == 11 + len(EXTRA_RUNS) + 1
    assert not list(reports_run["out"].glob("*/*.failed.ipynb"))
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                assert output["output_type"] != "error", (path, output)
                # a glyph warning, a font warning or any other warning would land on stderr
                assert output.get("name") != "stderr", (path, output.get("text"))


def test_pages_have_no_code_and_load_nothing_from_the_network(reports_run: dict) -> None:
    pages = _all_pages(reports_run["out"])
    assert len(pages) == 11 + len(EXTRA_RUNS) + 1
    for page_path in pages:
        page = page_path.read_text(encoding="utf-8")
        assert 'class="jp-CodeMirrorEditor' not in page and "hl-ipython3" not in page  # no code input
        assert 'class="jp-InputPrompt' not in page and 'class="jp-OutputPrompt' not in page
        assert "import coopstats as cs" not in page  # the set-up cell's code
        assert "def show(fig)" not in page
        assert "<script" not in page.lower()
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page, re.IGNORECASE)
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", page, re.IGNORECASE)
        assert "http://" not in page and "https://" not in page
        for image in re.findall(r"<img[^>]*>", page):
            assert 'src="data:image/png;base64,' in image, image
        assert "Content-Security-Policy" in page


def test_workload_report_names_the_top_agency(reports_run: dict) -> None:
    names, count = _gold_top("gdhk-keywork-2017")
    registry = cs.agencies().set_index("name")
    english = [registry.loc[name, "name_en"] for name in names]
    page = _page(reports_run["out"], "agency_workload", {"doc_id": "gdhk-keywork-2017"})
    headline = re.search(r"<strong>Named in most tasks: (.*?)</strong>", page)
    assert headline is not None
    for name in english:
        assert name in html.unescape(headline.group(1))
    assert f"({count} tasks{' each' if len(names) > 1 else ''})" in headline.group(1)
    assert _chart_titles(page) == ["Top 15 agencies by distinct tasks", "Tasks shared by pairs of agencies"]


def test_workload_report_in_chinese(reports_run: dict) -> None:
    names, count = _gold_top("panprd-gd-opinions-2017")
    page = _page(reports_run["out"], "agency_workload", OTHER_PARAMETERS[0][1])
    # the Chinese edition says it in Chinese (issue 18): the same agencies, count and setting
    assert f"涉及任务最多：{'、'.join(names)}（{count}项任务）。" in html.unescape(page)
    assert "是否并入改革后的继任机构：是" in page
    assert "<title>机构工作量（" in page and '<html lang="zh">' in page
    assert "Named in most tasks" not in page and "Agency workload" not in page


def test_workload_report_of_a_list_without_agencies(reports_run: dict) -> None:
    page = _page(reports_run["out"], "agency_workload", {"doc_id": "gdhk-keywork-2011"})
    assert "This document names no agencies" in page


def test_trade_report_gives_guangdong_hong_kong_trade_2010(reports_run: dict) -> None:
    # 廣東省與香港的進出口總額約為港幣12,334億元 (legco-cb-trade-2011, line 55-56): HK$1,233.4 billion
    page = _page(reports_run["out"], "trade_investment", {})
    assert "Guangdong–Hong Kong trade in 2010: HKD\u00a01,233.4\u00a0bn" in page
    assert "12,334億元" in page
    assert _chart_titles(page) == [
        "Guangdong–Hong Kong trade and investment",
        "Shares involving Hong Kong (percent)",
    ]


def test_trade_report_in_us_dollars(reports_run: dict) -> None:
    rates = {
        (row["currency"], row["year"]): float(row["per_usd"])
        for row in csv.DictReader((ROOT / "data" / "reference" / "exchange_rates.csv").open(encoding="utf-8"))
    }
    expected = 12_334e8 / rates[("HKD", "2010")] / 1e9
    page = _page(reports_run["out"], "trade_investment", {"currency": "USD"})
    assert f"Guangdong–Hong Kong trade in 2010: USD\u00a0{expected:,.1f}\u00a0bn" in page


def test_profile_of_a_corpus_document(reports_run: dict) -> None:
    page = _page(reports_run["out"], "document_profile", {"doc_id": "gdhk-keywork-2017"})
    assert "77 tasks" in page
    assert "广东省人民政府关于印发实施粤港合作框架协议2017年重点工作的通知" in page


def test_profile_of_a_users_file_escapes_its_markup(reports_run: dict) -> None:
    page = _page(reports_run["out"], "document_profile", {"source": str(reports_run["source"].resolve())})
    assert "script-document.txt" in page
    assert "&lt;script&gt;alert(" in page
    assert "<script>alert(" not in page
    assert "2 tasks" in page


def test_getting_started_tour(reports_run: dict) -> None:
    page = _page(reports_run["out"], "getting_started", {})
    assert "深圳市政府" in page and "珠海市政府" in page  # the tour's own document: 深圳、珠海市政府
    other = _page(reports_run["out"], "getting_started", OTHER_PARAMETERS[2][1])
    assert "panprd-gd-opinions-2017:" in other


def test_index_lists_every_report_with_provenance(reports_run: dict) -> None:
    out = reports_run["out"]
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    entries = index["reports"]
    assert len(entries) == 11 + len(EXTRA_RUNS) + 1
    manifest = {row["source_file"]: row["sha256"] for row in cs.documents().to_dict("records")}
    for entry in entries:
        assert entry["status"] == "ok"
        assert entry["version"] == cs.__version__
        assert entry["duration_s"] > 0
        assert (out / entry["html"]).is_file()
        assert entry["raw_documents"], entry
        doc_id = entry["parameters"].get("doc_id")
        if doc_id and not entry["parameters"].get("source"):
            source_file = cs.documents().set_index("doc_id").loc[doc_id, "source_file"]
            assert entry["raw_documents"] == {source_file: manifest[source_file]}
    profile = next(e for e in entries if "source" in e["parameters"])
    assert list(profile["raw_documents"].values()) == [hashlib.sha256(SCRIPT_DOCUMENT.encode()).hexdigest()]
    page = (out / "index.html").read_text(encoding="utf-8")
    for entry in entries:
        assert f'href="{html.escape(entry["html"])}"' in page


# --------------------------------------------------------------------------- parameters, before any kernel


@pytest.fixture
def no_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    import papermill

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(papermill, "execute_notebook", refuse)


@pytest.mark.usefixtures("no_kernel")
@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"topn": 5}, "agency_workload has no parameter 'topn'"),
        ({"top_n": "ten"}, "parameter top_n of agency_workload expects int, got str 'ten'"),
        ({"top_n": True}, "expects int, got bool"),
        ({"fold_successors": "yes"}, "expects bool, got str"),
        ({"doc_id": "no-such-doc"}, "unknown document 'no-such-doc'; known documents: gd-hkmo-decision-2009"),
    ],
    ids=["unknown-name", "wrong-type", "bool-for-int", "str-for-bool", "unknown-doc"],
)
def test_bad_parameter_fails_before_the_kernel(tmp_path: Path, parameters: dict, message: str) -> None:
    with pytest.raises(ReportParameterError, match=re.escape(message)) as caught:
        reports.run_report("agency_workload", parameters, tmp_path)
    if "no parameter" in message or "expects" in message:
        text = str(caught.value)
        assert "top_n: int = 15  # agencies shown in the table and chart" in text
        assert "doc_id: str = 'gdhk-keywork-2017'" in text
    assert not any(tmp_path.iterdir())  # nothing written, no index entry


@pytest.mark.usefixtures("no_kernel")
def test_missing_source_file_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "my-document.txt"
    with pytest.raises(ReportParameterError, match=r"parameter source of document_profile: no such file"):
        reports.run_report("document_profile", {"source": str(missing)}, tmp_path / "out")
    result = CliRunner().invoke(
        report_command,
        ["document_profile", "-p", "source", str(missing), "--output-dir", str(tmp_path / "out")],
    )
    assert result.exit_code == 2
    assert "no such file" in result.output and "my-document.txt" in result.output


@pytest.mark.usefixtures("no_kernel")
def test_unknown_report_lists_the_reports(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="unknown report 'agency'; available reports: agency_workload"):
        reports.run_report("agency", None, tmp_path)


def test_cli_text_values_are_converted() -> None:
    checked = reports.check_parameters(
        "agency_workload", {"top_n": "7", "fold_successors": "true", "lang": "zh"}, from_text=True
    )
    assert checked == {"top_n": 7, "fold_successors": True, "lang": "zh"}
    for text in ("gdhk-keywork-2017,gdhk-keywork-2011", "['gdhk-keywork-2017', 'gdhk-keywork-2011']"):
        checked = reports.check_parameters("cooperation_agenda", {"doc_ids": text}, from_text=True)
        assert checked == {"doc_ids": ["gdhk-keywork-2017", "gdhk-keywork-2011"]}
    with pytest.raises(ReportParameterError, match="unknown document 'nope'"):
        reports.check_parameters("cooperation_agenda", {"doc_ids": "gdhk-keywork-2017,nope"}, from_text=True)


def test_cli_help_lists_a_reports_parameters() -> None:
    result = CliRunner().invoke(report_command, ["agency_workload", "--help"])
    assert result.exit_code == 0
    for line in ("doc_id", "'gdhk-keywork-2017'", "top_n", "int", "15", "fold_successors", "False", "lang"):
        assert line in result.output
    general = CliRunner().invoke(report_command, ["--help"])
    assert "--all" in general.output and "--jobs" in general.output


def test_report_parameters_read_from_the_cell() -> None:
    declared = reports.report_parameters("document_profile")
    assert list(declared) == ["doc_id", "source", "lang"]  # every report has a Chinese edition (issue 18)
    assert declared["source"].default == ""
    assert declared["lang"].default == "en"
    assert declared["source"].type_name == "str"


# --------------------------------------------------------------------------- slugs


@pytest.mark.parametrize(
    "value", ["../../x", "/etc/passwd", "..", "a/../../b", "..\\..\\x", "名字/../x", "\x00", " "]
)
def test_slug_never_forms_a_path(value: str) -> None:
    slug = reports.report_slug({"message": value})
    assert re.fullmatch(r"[A-Za-z0-9_-]+", slug), slug
    assert slug not in {".", ".."}


def test_distinct_parameters_get_distinct_slugs() -> None:
    slugs = {reports.report_slug({"message": v}) for v in ["a/b", "a-b", "a b", "a.b", "a_b"]}
    assert len(slugs) == 5
    # a value that spells out another parameter does not collide with it
    assert reports.report_slug({"message": "x__repeat-3"}) != reports.report_slug(
        {"message": "x", "repeat": 3}
    )
    assert reports.report_slug({"message": "x_repeat-3"}) != reports.report_slug(
        {"message": "x", "repeat": 3}
    )


_KEYS = st.sampled_from(["message", "repeat", "doc_id", "top_n", "source", "a__b"])
_VALUES = st.one_of(st.text(max_size=30), st.integers(), st.booleans(), st.floats(allow_nan=False))


@settings(deadline=None, max_examples=300)
@given(st.dictionaries(_KEYS, _VALUES, max_size=4), st.dictionaries(_KEYS, _VALUES, max_size=4))
def test_slugs_are_safe_and_tell_parameter_sets_apart(first: dict, second: dict) -> None:
    for params in (first, second):
        slug = reports.report_slug(params)
        assert re.fullmatch(r"[A-Za-z0-9_-]+", slug) and slug not in {".", ".."}
        assert len(slug) <= 80 + 11
    canonical = [json.dumps(p, sort_keys=True, default=str) for p in (first, second)]
    if canonical[0] != canonical[1]:
        assert reports.report_slug(first) != reports.report_slug(second)


def test_a_hostile_value_stays_inside_output_dir(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "out"
    path = reports.run_report("echo", {"message": "../../x"}, out, notebook_dir=TEST_NOTEBOOKS)
    assert path.resolve().is_relative_to(out.resolve())
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert all(p.startswith("deep/out/") for p in written), written
    assert "x" not in {p.name for p in tmp_path.rglob("*")}


# --------------------------------------------------------------------------- failures


def test_a_failing_run_leaves_the_last_good_report(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(TEST_NOTEBOOKS / "echo.ipynb", notebooks / "echo.ipynb")
    out = tmp_path / "out"
    good = reports.run_report("echo", {"message": "first run"}, out, notebook_dir=notebooks)
    before = good.read_bytes()
    assert b"first run" in before

    # the same report breaks: its last cell now raises
    nb = nbformat.read(notebooks / "echo.ipynb", as_version=4)
    nb.cells[-1].source = 'raise KeyError("column gone")'
    nbformat.write(nb, notebooks / "echo.ipynb")
    with pytest.raises(ReportError) as caught:
        reports.run_report("echo", {"message": "first run"}, out, notebook_dir=notebooks)
    message = str(caught.value)
    assert "failed in cell 4" in message and "raise KeyError" in message and "KeyError" in message
    assert (caught.value.cell_index, caught.value.ename) == (4, "KeyError")
    assert "column gone" in message
    assert good.read_bytes() == before
    failed = out / "echo" / f"{good.stem}.failed.ipynb"
    assert failed.is_file() and str(failed.resolve()) in message
    assert Path(caught.value.kept_path).resolve() == failed.resolve()
    executed = nbformat.read(failed, as_version=4)
    assert any(o.get("ename") == "KeyError" for c in executed.cells for o in c.get("outputs", []))
    assert not [p for p in (out / "echo").iterdir() if p.name.startswith(".")]  # no temporary left

    index = json.loads((out / "index.json").read_text(encoding="utf-8"))["reports"]
    (entry,) = index
    assert entry["status"] == "failed" and "KeyError" in entry["error"]
    assert entry["html"] == f"echo/{good.name}"  # still pointing at the last good report


def test_cli_exits_non_zero_and_names_the_cell(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        report_command,
        ["echo", "--notebook-dir", str(TEST_NOTEBOOKS), "-p", "fail", "true", "--output-dir", str(tmp_path)],
    )
    assert result.exit_code == 1
    assert "failed in cell 4" in result.output and "RuntimeError: asked to fail" in result.output


def test_time_limit_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(
        ReportError, match=r"ran out of time: the 3 s limit was reached in the cell starting"
    ) as caught:
        reports.run_report("echo", {"sleep": 60.0}, tmp_path, notebook_dir=TEST_NOTEBOOKS, timeout=3)
    assert caught.value.ename == "CellTimeoutError"
    assert not list((tmp_path / "echo").glob("*.html"))
    assert list((tmp_path / "echo").glob("*.failed.ipynb"))


def test_export_html_escapes_and_drops_code() -> None:
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "x = 1",
                outputs=[
                    nbformat.v4.new_output("display_data", data={"text/plain": "<script>alert(1)</script>"})
                ],
            )
        ]
    )
    page = reports.export_html(nb, title="<b>t</b>")
    assert "x = 1" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<title>&lt;b&gt;t&lt;/b&gt;</title>" in page


# --------------------------------------------------------------------------- plots


def _cjk_font_files() -> list[str]:
    from matplotlib import font_manager

    return [f for f in font_manager.findSystemFonts() if "cjk" in f.lower()]


def test_chinese_labels_draw_with_a_cjk_font_and_no_glyph_warning(
    recwarn: pytest.WarningsRecorder,
) -> None:
    if not _cjk_font_files():
        reason = "no CJK font installed (Debian: apt-get install fonts-noto-cjk)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)
    import matplotlib

    matplotlib.use("Agg")
    from coopstats import plots

    family = plots.cjk_font()
    assert family is not None and "CJK" in family
    assignments = cs.assignments("panprd-gd-opinions-2017")
    split = plots.role_split(assignments)
    fig = plots.workload_chart(split, top_n=10, lang="zh", title="牵头单位")
    fig.canvas.draw()
    heatmap = plots.coassignment_heatmap(
        plots.coassignment_matrix(assignments, split["agency_id"].head(5).tolist()),
        plots.agency_labels(split.head(5), "zh"),
        lang="zh",
    )
    heatmap.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[-1] == "省发展改革委"  # the most-named agency of the opinions, drawn at the top
    assert not [w for w in recwarn if "missing from font" in str(w.message)]


def test_without_a_cjk_font_labels_fall_back_to_english_and_warn_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from coopstats import plots
    from coopstats.errors import CoopstatsWarning

    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    monkeypatch.setattr(plots, "_warned_no_cjk", False)
    split = plots.role_split(cs.assignments("gdhk-keywork-2017"))
    with pytest.warns(CoopstatsWarning, match="no CJK font is installed") as caught:
        first = plots.workload_chart(split, top_n=3, lang="zh")
        plots.workload_chart(split, top_n=3, lang="zh")
    assert len([w for w in caught if issubclass(w.category, CoopstatsWarning)]) == 1
    labels = [t.get_text() for t in first.axes[0].get_yticklabels()]
    assert all(label.isascii() for label in labels), labels


def test_an_agency_without_an_english_name_gets_its_code() -> None:
    from coopstats import plots

    frame = cs.workload("gdhk-keywork-2017").head(2).copy()
    frame.loc[frame.index[0], "name_en"] = pd.NA
    frame.loc[frame.index[1], "name_en"] = "  "
    labels = plots.agency_labels(frame)
    assert labels == frame["agency_id"].tolist()
    assert all(labels)


def test_role_split_adds_up_even_with_successors_folded() -> None:
    from coopstats import plots

    assignments = cs.assignments("panprd-gd-opinions-2017")
    for fold in (False, True):
        split = plots.role_split(assignments, fold_successors=fold)
        overall = cs.workload("panprd-gd-opinions-2017", fold_successors=fold)
        assert (split[["lead", "co", "responsible", "listed"]].sum(axis=1) == split["tasks"]).all()
        assert split.set_index("agency_id")["tasks"].equals(overall.set_index("agency_id")["tasks"])
        # a lead in the split is a task the agency led at least once, as cs.workload counts it
        assert split.set_index("agency_id")["lead"].equals(overall.set_index("agency_id")["lead"])


def test_coassignment_matrix_counts_shared_tasks() -> None:
    from coopstats import plots

    assignments = cs.assignments("gdhk-keywork-2017")
    ids = cs.workload("gdhk-keywork-2017")["agency_id"].head(4).tolist()
    matrix = plots.coassignment_matrix(assignments, ids)
    tasks_of = {a: set(assignments.loc[assignments["agency_id"] == a, "task_id"]) for a in ids}
    for a in ids:
        for b in ids:
            assert matrix.loc[a, b] == len(tasks_of[a] & tasks_of[b])


# --------------------------------------------------------------------------- scheduled runs (cron)


def test_a_cron_log_has_one_line_per_report_and_no_carriage_return(reports_run: dict) -> None:
    raw = reports_run["log"].read_bytes()
    assert b"\r" not in raw  # no progress bar in a log
    lines = raw.decode("utf-8").splitlines()
    grid = reports.default_grid()
    progress = [line for line in lines if re.match(r"^\[\s*\d+/\d+\] ", line)]
    assert len(progress) == len(grid) == 11, lines
    for name, parameters in grid:
        text = ", ".join(f"{k}={v}" for k, v in parameters.items()) or "defaults"
        mine = [
            line for line in progress if re.search(rf"\] ok +{name} {re.escape(text)} \(\d+\.\d s\)$", line)
        ]
        assert len(mine) == 1, (name, parameters, progress)
    others = [line for line in lines if line not in progress]
    out = reports_run["out"]
    assert others == ["11 ok, 0 failed", f"index: {out / 'index.html'}"], others


def test_cron_reports_land_in_the_user_folder_not_the_current_one(reports_run: dict) -> None:
    from coopstats._resources import reports_dir, user_dir

    out = reports_run["out"]
    assert out == user_dir() / "reports" == reports_dir()
    assert (out / "index.html").is_file() and (out / "trade_investment" / "default.html").is_file()
    assert not any(reports_run["cwd"].iterdir())  # nothing written where cron started it


def test_the_output_folder_rule(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from coopstats import _resources

    monkeypatch.setenv("COOPSTATS_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("COOPSTATS_REPORTS", raising=False)
    monkeypatch.chdir(tmp_path)
    assert _resources.reports_dir() == tmp_path / "home" / "reports"
    monkeypatch.setenv("COOPSTATS_REPORTS", str(tmp_path / "env"))
    assert _resources.reports_dir() == tmp_path / "env"
    assert _resources.reports_dir("given") == tmp_path / "given"  # made absolute once, here
    assert _resources.reports_dir(tmp_path / "given") == tmp_path / "given"


def test_a_first_frame_build_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from coopstats import frames
    from coopstats.reports import run

    monkeypatch.setattr(run, "_SLOW_FRAMES_S", 0.05)
    monkeypatch.setattr(frames, "assignments", lambda *a, **k: time.sleep(0.3))
    lines: list[str] = []
    run.prepare_frames(lines.append)
    assert len(lines) == 2
    assert lines[0].startswith("building the corpus frames")
    assert re.fullmatch(r"corpus frames ready \(\d+ s\)", lines[1])
    quiet: list[str] = []
    monkeypatch.setattr(frames, "assignments", lambda *a, **k: None)
    run.prepare_frames(quiet.append)  # a warm cache: nothing to say
    assert quiet == []


def test_a_bar_only_on_a_terminal() -> None:
    import io

    from coopstats.reports import run

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert run.resolve_progress("auto", stream=io.StringIO()) == "plain"
    assert run.resolve_progress("auto", stream=Terminal()) == "bar"
    assert run.resolve_progress(True, stream=Terminal()) == "bar"
    assert run.resolve_progress("none") == run.resolve_progress(False) == "none"
    with pytest.raises(ValueError, match="progress must be one of"):
        run.resolve_progress("fancy")


# --------------------------------------------------------------------------- every bad value, before a kernel

BAD_VALUES = [
    ("agency_workload", "lang", "fr", "parameter lang of agency_workload: 'fr' is not one of en, zh"),
    (
        "trade_investment",
        "currency",
        "EUR",
        "parameter currency of trade_investment: 'EUR' is not one of HKD, CNY, MOP, USD",
    ),
    ("document_profile", "source", "x.docx", "parameter source of document_profile: no such file 'x.docx'"),
    ("agency_workload", "top_n", -5, "parameter top_n of agency_workload must be at least 1, got -5"),
    (
        "agency_workload",
        "doc_id",
        "no-such-doc",
        "parameter doc_id of agency_workload: unknown document 'no-such-doc'; known documents: ",
    ),
    ("agency_workload", "topn", 5, "agency_workload has no parameter 'topn'; valid parameters: "),
]
BAD_IDS = ["lang-fr", "currency-EUR", "missing-source", "top_n-negative", "unknown-doc_id", "misspelt-name"]


@pytest.mark.usefixtures("no_kernel")
@pytest.mark.parametrize(("name", "key", "value", "message"), BAD_VALUES, ids=BAD_IDS)
def test_bad_value_through_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, key: str, value: object, message: str
) -> None:
    from coopstats.cli import cli

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["report", name, "-p", key, str(value), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert result.output.count(message) == 1, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output  # one message, on one line
    assert not (tmp_path / "out").exists()


@pytest.mark.usefixtures("no_kernel")
@pytest.mark.parametrize(("name", "key", "value", "message"), BAD_VALUES, ids=BAD_IDS)
def test_bad_value_through_run_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, key: str, value: object, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ReportParameterError) as caught:
        cs.run_report(name, {key: value}, tmp_path / "out")
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_bad_value_through_the_command_exits_2_with_one_line(tmp_path: Path) -> None:
    coopstats = str(Path(sys.executable).parent / "coopstats")
    running = [
        (
            message,
            subprocess.Popen(
                [coopstats, "report", name, "-p", key, str(value), "--out", str(tmp_path / "out")],
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            ),
        )
        for name, key, value, message in BAD_VALUES
    ]
    for message, process in running:
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 2, output
        assert output.splitlines() == [output.strip()] and output.startswith(f"error: {message}"), output
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def papermill_runs(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """Each bad value through plain ``papermill in.ipynb out.ipynb -p KEY VALUE``, all at once."""
    folder = tmp_path_factory.mktemp("plain-papermill")
    papermill = str(Path(sys.executable).parent / "papermill")
    runs = []
    for number, (name, key, value, message) in enumerate(BAD_VALUES):
        executed = folder / f"{number}-{name}.ipynb"
        command = [papermill, str(ROOT / "notebooks" / f"{name}.ipynb"), str(executed), "-p", key, str(value)]
        process = subprocess.Popen(
            command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        runs.append({"message": message, "process": process, "executed": executed})
    for run in runs:
        run["output"], _ = run["process"].communicate(timeout=300)
        run["returncode"] = run["process"].returncode
        if "Kernel died before replying to kernel_info" in run["output"]:
            # kernels started at once can lose a port to each other (one process picks it free, another's
            # kernel binds it first): plain papermill has no restart, so this run goes again, alone
            again = subprocess.run(
                run["process"].args, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            run["output"], run["returncode"] = again.stdout, again.returncode
    return runs


@pytest.mark.parametrize("number", range(len(BAD_VALUES)), ids=BAD_IDS)
def test_bad_value_through_plain_papermill_stops_in_the_check_cell(
    papermill_runs: list[dict], number: int
) -> None:
    run = papermill_runs[number]
    assert run["returncode"] != 0, run["output"]
    assert run["output"].count(run["message"]) == 1, run["output"]
    nb = nbformat.read(run["executed"], as_version=4)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    tags = [c.metadata.get("tags", []) for c in code_cells]
    at = next(i for i, t in enumerate(tags) if "injected-parameters" in t)
    assert "parameters" in tags[at - 1] and "check-parameters" in tags[at + 1]
    failing = [i for i, c in enumerate(code_cells) if any(o["output_type"] == "error" for o in c.outputs)]
    assert failing == [at + 1]  # the cell right after the parameters (and papermill's injected values)
    (error,) = code_cells[at + 1].outputs
    assert error["ename"] == "ReportParameterError"
    assert error["traceback"] == [f"ReportParameterError: {error['evalue']}"]  # one line, no traceback
    assert run["message"] in error["evalue"]
    assert all(c.execution_count is None for c in code_cells[at + 2 :])  # nothing else ran


def test_the_check_cell_follows_the_parameters_cell_in_every_notebook() -> None:
    for name in reports.available_reports():
        nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
        check = nb.cells[at + 1]
        assert "check-parameters" in check.metadata.get("tags", []), name
        assert f'check_namespace("{name}", globals())' in check.source, name


def test_every_declaration_resolves() -> None:
    for name in reports.available_reports():
        spec = reports.report_spec(name)
        for parameter in spec.parameters.values():
            parameter.describe_rules()  # references resolve now
            reports.check_parameters(name, {parameter.name: parameter.default})  # defaults are allowed
    assert reports.report_spec("trade_investment").parameters["currency"].rules == {
        "choices": "vocabulary:convertible_currencies"
    }


def test_check_namespace_ignores_what_is_not_a_parameter() -> None:
    import math

    namespace = {"__name__": "__main__", "_": 1, "In": [""], "Out": {}, "math": math, "print": print}
    reports.check_namespace("trade_investment", {**namespace, "currency": "USD", "lang": "zh"})
    with pytest.raises(ReportParameterError, match="trade_investment has no parameter 'curency'"):
        reports.check_namespace("trade_investment", {**namespace, "curency": "USD"})


@pytest.mark.usefixtures("no_kernel")
def test_a_wrong_kind_of_document_and_a_wrong_format_are_refused(tmp_path: Path) -> None:
    with pytest.raises(
        ReportParameterError, match="gd-hkmo-decision-2009 is a policy document, not a task-list"
    ):
        cs.run_report("agency_workload", {"doc_id": "gd-hkmo-decision-2009"}, tmp_path)
    sheet = tmp_path / "figures.xlsx"
    sheet.write_bytes(b"PK")
    with pytest.raises(ReportParameterError, match=r"'.*figures.xlsx' is not a document coopstats reads"):
        cs.run_report("document_profile", {"source": str(sheet)}, tmp_path)


def test_help_shows_the_declared_choices() -> None:
    from coopstats.cli import cli

    result = CliRunner().invoke(cli, ["report", "trade_investment", "--help"])
    assert result.exit_code == 0
    assert "one of HKD, CNY, MOP, USD" in result.output


# --------------------------------------------------------------------------- a new notebook: metadata only


def _shout_notebook(folder: Path) -> None:
    """The test notebook ``echo`` again as ``shout``, declaring rules and a grid in its metadata only."""
    nb = nbformat.read(TEST_NOTEBOOKS / "echo.ipynb", as_version=4)
    nb.metadata["coopstats"] = {
        "parameters": {"repeat": {"min": 1, "max": 5}, "message": {"choices": ["a", "b", "hello", "c"]}},
        "grid": [{"message": {"each": ["a", "b"]}, "repeat": 3}],
    }
    nbformat.write(nb, folder / "shout.ipynb")


def test_a_new_notebook_joins_all_by_its_metadata(tmp_path: Path) -> None:
    from coopstats.cli import cli

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(TEST_NOTEBOOKS / "echo.ipynb", notebooks / "echo.ipynb")
    _shout_notebook(notebooks)
    assert reports.default_grid(notebooks) == [
        ("echo", {}),  # no grid declared: once, with its defaults
        ("shout", {"message": "a", "repeat": 3}),
        ("shout", {"message": "b", "repeat": 3}),
    ]
    with pytest.raises(ReportParameterError, match="parameter repeat of shout must be at most 5, got 9"):
        reports.check_parameters("shout", {"repeat": 9}, notebook_dir=notebooks)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["report", "--all", "--notebook-dir", str(notebooks), "--out", str(out), "--progress", "plain"]
    )
    assert result.exit_code == 0, result.output
    assert "3 ok, 0 failed" in result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.glob("*/*.html")) == [
        "echo/default.html",
        "shout/message-a__repeat-3.html",
        "shout/message-b__repeat-3.html",
    ]

    # --prune: a failed run goes, with its files; --keep 1 keeps the newest run of each report
    failed = CliRunner().invoke(
        cli, ["report", "shout", "-p", "fail", "true", "--notebook-dir", str(notebooks), "--out", str(out)]
    )
    assert failed.exit_code == 1
    assert failed.output.count("asked to fail") == 1, failed.output  # the failure is told once
    assert (out / "shout" / "fail-True.failed.ipynb").is_file()
    pruned = CliRunner().invoke(cli, ["report", "--prune", "--keep", "1", "--out", str(out)])
    assert pruned.exit_code == 0, pruned.output
    assert pruned.output.startswith("pruned 2 runs (1 failed, 1 old)")
    entries = json.loads((out / "index.json").read_text(encoding="utf-8"))["reports"]
    assert sorted(e["name"] for e in entries) == ["echo", "shout"]
    assert all(e["status"] == "ok" for e in entries)
    assert not (out / "shout" / "fail-True.failed.ipynb").exists()
    kept = next(e for e in entries if e["name"] == "shout")
    assert sorted(p.name for p in (out / "shout").iterdir()) == sorted(
        [Path(kept["html"]).name, Path(kept["notebook"]).name]
    )
    assert "fail-True" not in (out / "index.html").read_text(encoding="utf-8")


def test_keep_goes_with_prune(tmp_path: Path) -> None:
    from coopstats.cli import cli

    result = CliRunner().invoke(cli, ["report", "--keep", "3", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "--keep goes with --prune" in result.output


def test_templates_ship_with_the_package() -> None:
    from importlib.resources import files

    templates = files("coopstats.reports").joinpath("templates")
    assert {"report.html.j2", "index.html.j2"} <= {t.name for t in templates.iterdir()}


def test_a_kernel_that_dies_starting_is_started_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Eight reports starting at once can lose a port to each other: the kernel dies before it
    answers, no cell ran, so the run starts it again (up to three times), and says so in the log."""
    import papermill

    from coopstats.reports import remote

    calls: list[int] = []

    def flaky(source: str, executed: str, **kwargs: object) -> None:
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError("Kernel died before replying to kernel_info")
        shutil.copyfile(source, executed)

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    notebook = nbformat.writes(nbformat.v4.new_notebook()).encode()
    done = remote.execute(notebook, {}, timeout=5, kernel_name="python3", version=cs.__version__)
    assert (len(calls), done.error) == (3, None)

    calls.clear()
    monkeypatch.setattr(remote, "KERNEL_STARTS", 2)
    failed = remote.execute(notebook, {}, timeout=5, kernel_name="python3", version=cs.__version__)
    assert len(calls) == 2
    assert failed.error is not None and "Kernel died before replying to kernel_info" in failed.error


def test_what_a_kernel_process_prints_stays_out_of_the_callers_log(tmp_path: Path) -> None:
    """A kernel's own stderr (a native library's message at exit: libzmq's 'Assertion failed: …' once
    broke a cron log) goes to the kernel's log; a cell's output stays the notebook's."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "import atexit, os\n"
            "atexit.register(lambda: os.write(2, b'noise of the kernel process at exit\\n'))\n"
            "print('a cell speaks')"
        )
    ]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "noisy.ipynb"
    nbformat.write(notebook, path)
    code = (
        "import sys, nbformat, coopstats as cs\n"
        "from coopstats.reports import remote\n"
        "done = remote.execute(open(sys.argv[1], 'rb').read(), {}, timeout=120, kernel_name='python3',"
        " version=cs.__version__)\n"
        "cell = nbformat.reads(done.notebook.decode(), as_version=4).cells[0]\n"
        "print(done.error, [o.get('text') for o in cell.outputs])\n"
    )
    run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "None ['a cell speaks\\n']"
    assert "noise of the kernel process" not in run.stderr + run.stdout
