"""Write the report notebooks of this folder.

Run ``python notebooks/make_notebooks.py && ruff format notebooks`` from the project root.

The notebooks are committed as .ipynb without outputs; this script is how they
are written, so a change to one is a reviewable change here. Each notebook is a
thin layer over ``coopstats``: a ``parameters`` cell papermill fills in, the
check cell right after it (papermill injects its values between the two), then
calls into the library and its ``plots`` module.

Each notebook's metadata ``coopstats`` declares the values its parameters may
take (``parameters``) and its runs in ``coopstats report --all`` (``grid``),
by reference to the vocabulary and the corpus, never by copying a list: see
``coopstats.reports.parameters``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

HERE = Path(__file__).parent
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

SETUP_TEMPLATE = """\
{path_import}
{matplotlib_import}import pandas as pd

import coopstats as cs
{plots_import}from coopstats.display import heading, say, {show}table
from coopstats.messages import t

{figure_dpi}pd.set_option("display.max_colwidth", None)
pd.set_option("display.max_rows", 200)
"""


def setup(*, uses_path: bool = False, uses_plots: bool = True) -> str:
    """The set-up cell: imports, figure format, and the display helpers every report uses.

    A report that draws no chart does not import matplotlib (its kernel starts lighter).
    """
    return (
        SETUP_TEMPLATE.replace("{path_import}\n", "from pathlib import Path\n\n" if uses_path else "")
        .replace("{matplotlib_import}", "import matplotlib.pyplot as plt\n" if uses_plots else "")
        .replace("{figure_dpi}", 'plt.rcParams["figure.dpi"] = 96\n' if uses_plots else "")
        .replace("{plots_import}", "from coopstats import plots\n" if uses_plots else "")
        .replace("{show}", "show, " if uses_plots else "")
    )


def section(key: str, intro: str | None = None, level: int = 2) -> nbformat.NotebookNode:
    """A heading (and a paragraph) from the message catalogue, in the report's language."""
    lines = [f'heading(t("{key}", lang), {level})']
    if intro:
        lines.append(f'say(t("{intro}", lang))')
    return code("\n".join(lines))


LANG_PARAMETER = 'lang: str = "en"  # language of the report: en or zh (headings, charts, tables)'


def markdown(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(text)


def code(source: str, *, tags: list[str] | None = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source.strip("\n"))
    if tags:
        cell.metadata["tags"] = tags
    return cell


def parameters(source: str) -> nbformat.NotebookNode:
    return code(source, tags=["parameters"])


CHECK_CELL = """\
import coopstats.reports

# refuse a bad value or an unknown parameter name (papermill injects them above), in one line
coopstats.reports.check_namespace("{name}", globals())
"""


def write(
    name: str,
    cells: list[nbformat.NotebookNode],
    *,
    rules: dict[str, dict[str, object]],
    grid: list[dict[str, object]] | None = None,
) -> None:
    """Write notebook ``name``: its cells with the check cell after ``parameters``, and its declarations."""
    at = next(i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", []))
    cells = [
        *cells[: at + 1],
        code(CHECK_CELL.format(name=name), tags=["check-parameters"]),
        *cells[at + 1 :],
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["coopstats"] = {"parameters": rules} | ({} if grid is None else {"grid": grid})
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"{name.replace('_', '-')}-{index}"
    nbformat.validate(nb)
    nbformat.write(nb, HERE / f"{name}.ipynb")


write(
    "agency_workload",
    [
        parameters(
            'doc_id: str = "gdhk-keywork-2017"  # a task-list document (coopstats list)\n'
            "top_n: int = 15  # agencies shown in the table and chart\n"
            "fold_successors: bool = False  # count agencies under their post-2018 successors\n"
            + LANG_PARAMETER
        ),
        code(setup()),
        code('heading(t("report.agency_workload.title", lang), 1)\nsay(t("workload.intro", lang))'),
        code(
            """
document = cs.documents().set_index("doc_id").loc[doc_id]
assignments = cs.assignments(doc_id)
workload = cs.workload(doc_id, fold_successors=fold_successors)
title = document["title"] if lang == "zh" else document["title_en"]
heading(f"{title} ({document['issued']})", 2)
say(t("workload.counts", lang, tasks=len(cs.tasks(doc_id)), agencies=workload["agency_id"].nunique(),
      named=assignments["task_id"].nunique(), folded=t(f"word.{str(fold_successors).lower()}", lang)))
"""
        ),
        section("workload.section_tasks"),
        code(
            """
from coopstats import vocabulary

if workload.empty:
    say(t("workload.no_agencies", lang))
else:
    top = workload[workload["tasks"] == workload["tasks"].max()]
    names = t("word.and", lang).join(plots.agency_labels(top, lang, width=10_000))
    say(t("workload.most_named", lang, names=names, count=int(top["tasks"].iloc[0]),
          each=t("workload.each", lang) if len(top) > 1 else ""), "strong")
    roles = [r for r in vocabulary.roles() if workload[r].any()]
    if roles == ["listed"]:
        say(t("workload.no_roles", lang))
    else:
        say(t("workload.role_columns", lang))
    shown = workload.head(top_n).assign(rank=lambda f: range(1, len(f) + 1),
                                        agency=lambda f: plots.agency_labels(f, lang, width=10_000))
    # the chart's label, and beside it the registry's name in the other language
    other = {"name_en": "name_en"} if lang == "zh" else {"name": "name_registered"}
    columns = ["rank", "agency", *other, "level", "tasks"] + (roles if roles != ["listed"] else [])
    table(shown[columns].rename(columns=other), lang, codes={"level": "level"})
"""
        ),
        code(
            """
if not workload.empty:
    split = plots.role_split(assignments, fold_successors=fold_successors)
    show(plots.workload_chart(split, top_n=top_n, lang=lang,
                              title=t("workload.top_chart_title", lang, n=min(top_n, len(split)))))
"""
        ),
        section("workload.section_levels"),
        code(
            """
if not workload.empty:
    by_level = (workload.groupby("level", observed=True)
                .agg(agencies=("agency_id", "nunique"), agency_task_pairs=("tasks", "sum"))
                .sort_values("agency_task_pairs", ascending=False).reset_index())
    table(by_level, lang, codes={"level": "level"})
"""
        ),
        section("workload.section_shared", "workload.shared_intro"),
        code(
            """
if len(workload) >= 2:
    shown = workload.head(min(top_n, 15))
    matrix = plots.coassignment_matrix(assignments, shown["agency_id"].tolist())
    show(plots.coassignment_heatmap(matrix, plots.agency_labels(shown, lang, width=34), lang=lang,
                                    title=t("workload.shared_chart_title", lang)))
"""
        ),
        section("workload.section_concentration", "workload.concentration_intro"),
        code(
            """
if not workload.empty:
    c = cs.concentration(doc_id, n_boot=1000).iloc[0]
    measures = pd.DataFrame({
        "measure": [t(f"measure.{m}", lang) for m in
                    ("agencies", "pairs", "top_k_share", "hhi", "n_equivalent", "gini")],
        "value": [f"{c['agencies']}", f"{c['pairs']}", f"{100 * c['top_k_share']:.1f}%", f"{c['hhi']:.3f}",
                  f"{c['n_equivalent']:.1f}", f"{c['gini']:.2f}"],
        "interval_95": ["", "", f"{100 * c['top_k_low']:.1f}–{100 * c['top_k_high']:.1f}%",
                        f"{c['hhi_low']:.3f}–{c['hhi_high']:.3f}",
                        f"{c['n_equivalent_low']:.1f}–{c['n_equivalent_high']:.1f}",
                        f"{c['gini_low']:.2f}–{c['gini_high']:.2f}"],
    })
    table(measures, lang)
    say(t("agenda.bca_note", lang, bias=f"{c['hhi_bias']:.3f}"))
"""
        ),
        section("workload.section_unknown"),
        code(
            """
odd = assignments[~assignments["known"].astype(bool) | assignments["flag"].notna()]
if odd.empty:
    say(t("workload.all_known", lang))
else:
    table(odd[["task_id", "name", "raw", "flag", "raw_clause"]], lang)
"""
        ),
    ],
    rules={
        "doc_id": {"choices": "corpus:task-list"},
        "top_n": {"min": 1},
        "lang": {"choices": "vocabulary:languages"},
    },
    grid=[{"doc_id": {"each": "corpus:task-list"}}],  # one run per task list
)

write(
    "trade_investment",
    [
        parameters(
            'currency: str = "HKD"  # money amounts are converted to it at annual average rates\n'
            + LANG_PARAMETER
        ),
        code(setup()),
        code('heading(t("report.trade_investment.title", lang), 1)\nsay(t("trade.intro", lang))'),
        code(
            """
from coopstats import vocabulary

money = set(vocabulary.currency_codes())
scale = 1e8 if lang == "zh" else 1e9  # 亿 in Chinese, billions in English


def in_currency(frame):
    \"\"\"Money rows converted to the report currency (others untouched).\"\"\"
    return cs.convert(frame, to=currency) if len(frame) else frame


def amount_text(value, unit):
    \"\"\"A value as a reader wants it: money in billions (亿), percentages with %, counts plain.\"\"\"
    if pd.isna(value):
        return ""
    if unit in money:
        return t("trade.money", lang, unit=unit, name=vocabulary.currency_label(unit, lang),
                 value=f"{value / scale:,.1f}")
    if unit == "percent":
        return f"{value:,.1f}%"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.0f}\\u00a0{unit}"


def named(frame):
    \"\"\"Indicator names in the report's language, with their period as a reader says it.\"\"\"
    return [plots.indicator_label(row, lang) for _, row in frame.iterrows()]


indicators = in_currency(cs.indicators())
derived = in_currency(cs.derived_indicators())
gd_hk_trade = indicators[indicators["indicator"] == "gd_hk_trade"]
if len(gd_hk_trade):
    row = gd_hk_trade.iloc[0]
    published = " ".join(str(row["surface"]).split())
    say(t("trade.headline", lang, period=plots.period_label(row["period"], lang),
          amount=amount_text(row["value"], row["unit"]), published=published, original=row["unit_original"]),
        "strong")
say(t("trade.currency_note", lang, currency=currency, name=vocabulary.currency_label(currency, lang),
      documents=", ".join(sorted(indicators["doc_id"].unique()))))
"""
        ),
        section("trade.section_indicators"),
        code(
            """
indicator_table = indicators.assign(
    indicator=named(indicators),
    period=[plots.period_label(p, lang) for p in indicators["period"]],
    amount=[amount_text(v, u) for v, u in zip(indicators["value"], indicators["unit"], strict=True)],
)
table(indicator_table[["indicator", "period", "amount", "reporter", "partner", "flow", "quote"]], lang)
"""
        ),
        section("trade.section_derived", "trade.derived_intro"),
        code(
            """
derived_table = derived.assign(
    figure=named(derived),
    period=[plots.period_label(p, lang) for p in derived["period"]],
    amount=[amount_text(v, u) for v, u in zip(derived["value"], derived["unit"], strict=True)],
    low_high=[f"{amount_text(lo, u)} – {amount_text(hi, u)}"
              for lo, hi, u in zip(derived["low"], derived["high"], derived["unit"], strict=True)],
)
table(derived_table[["figure", "period", "amount", "low_high", "formula"]], lang)
"""
        ),
        section("trade.section_gd_hk", "trade.panels_note"),
        code(
            """
gd_hk = indicators[(indicators["reporter"] == "CN-GD") & (indicators["partner"] == "HKG")
                   & (indicators["measure"] == "amount") & indicators["unit"].isin(money)]
gd_derived = derived[derived["indicator"].str.contains(r"^gd_.*hk") & derived["unit"].isin(money)]
both = pd.concat([gd_hk, gd_derived], ignore_index=True)
both = both[both["unit"] == currency]  # one unit per chart
if len(both):
    show(plots.amounts_chart(both, lang=lang, title=t("trade.gd_hk_chart_title", lang)))
"""
        ),
        section("trade.section_shares"),
        code(
            """
shares = indicators[(indicators["measure"] == "share") & (indicators["unit"] == "percent")
                    & ((indicators["partner"] == "HKG") | (indicators["reporter"] == "HKG"))]
if len(shares):
    show(plots.shares_chart(shares, lang=lang, title=t("trade.shares_chart_title", lang)))
"""
        ),
        section("trade.section_panel", "trade.panel_intro"),
        code(
            """
observations = cs.panel()
table(observations[["indicator", "reporter", "partner", "measure", "period", "value", "unit", "doc_id",
                    "published", "conflict", "quote"]], lang,
      codes={"measure": "figure_measure"})
for code_ in observations.groupby("indicator")["period"].nunique().loc[lambda n: n > 1].index:
    show(plots.panel_chart(observations, code_, lang=lang))
"""
        ),
    ],
    rules={
        "currency": {"choices": "vocabulary:convertible_currencies"},
        "lang": {"choices": "vocabulary:languages"},
    },
    grid=[{}],  # once, with the defaults
)

write(
    "document_profile",
    [
        parameters(
            'doc_id: str = "gdhk-keywork-2017"  # a document of the corpus (coopstats list)\n'
            'source: str = ""  # path to a text of the genre to profile instead of doc_id\n' + LANG_PARAMETER
        ),
        code(setup(uses_path=True, uses_plots=False)),
        code('heading(t("report.document_profile.title", lang), 1)\nsay(t("profile.intro", lang))'),
        code(
            """
if source:
    path = Path(source).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"source: no such file {source!r} (expected a text file of the genre)")
    parsed = cs.parse_document(path)
    meta = dict(parsed.meta)
    provisions, tasks, assignments = parsed.provisions, parsed.tasks, parsed.assignments
    figures, notes = parsed.figures, parsed.notes
    heading(f"{path.name} ({meta.get('encoding')}, {meta.get('script')}, {meta.get('kind')})", 2)
else:
    meta = cs.documents().set_index("doc_id").loc[doc_id].to_dict()
    provisions, tasks, assignments = cs.provisions(doc_id), cs.tasks(doc_id), cs.assignments(doc_id)
    figures, notes = cs.figures(doc_id), cs.parse_notes(doc_id)
    heading(f"{doc_id}: {meta['title'] if lang == 'zh' else meta['title_en']}", 2)
fields = [k for k in ("title", "title_en", "issuer", "doc_number", "issued", "script", "kind", "lead_rule",
                      "encoding", "sha256") if k in meta]
table(pd.DataFrame({"field": [t(f"col.{k}", lang) for k in fields], "value": [meta[k] for k in fields]}),
      lang)
"""
        ),
        section("profile.section_outline"),
        code(
            """
counts = {
    "chapters": int((provisions["level"] == "chapter").sum()),
    "sections": int((provisions["level"] == "section").sum()),
    "items": int((provisions["level"] == "item").sum()),
    "paragraphs": int((provisions["level"] == "paragraph").sum()),
    "tasks": len(tasks),
    "tasks_with_agency": int(assignments["task_id"].nunique()) if len(assignments) else 0,
    "distinct_agencies": int(assignments["agency_id"].nunique()) if len(assignments) else 0,
    "figures": len(figures),
    "parser_notes": len(notes),
}
say(t("word.list_separator", lang).join(t(f"profile.count_{k}", lang, n=v) for k, v in counts.items())
    + t("word.full_stop", lang), "strong")
chapters = provisions[provisions["level"] == "chapter"][["chapter_no", "label", "heading", "line"]]
if chapters.empty:
    say(t("profile.no_chapters", lang))
else:
    if len(tasks):
        per_chapter = tasks.groupby("chapter_no").size().rename("tasks")
        chapters = chapters.merge(per_chapter, left_on="chapter_no", right_index=True, how="left")
    table(chapters, lang, decimals=0)
"""
        ),
        section("profile.section_tasks"),
        code(
            """
if len(tasks):
    columns = ["chapter_no", "section_no", "item_no", "line", "text", "agency_clause", "n_agencies"]
    table(tasks[columns].head(20), lang)
else:
    say(t("profile.no_tasks", lang))
"""
        ),
        section("profile.section_agencies"),
        code(
            """
if len(assignments):
    local = cs.workload(assignments=assignments)
    table(local[["name", "name_en", "level", "tasks", "lead", "co", "responsible", "listed"]].head(20), lang,
          codes={"level": "level"})
    unknown = assignments[~assignments["known"].astype(bool)]
    if len(unknown):
        say(t("profile.unknown_names", lang, n=unknown["name"].nunique()))
        table(unknown[["task_id", "name", "raw_clause"]].drop_duplicates("name"), lang)
else:
    say(t("profile.no_clauses", lang))
"""
        ),
        section("profile.section_figures"),
        code(
            """
if len(figures):
    shown = figures.head(40).assign(
        surface=lambda f: [" ".join(str(v).split()) for v in f["surface"]],
        value=lambda f: [f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}" for v in f["value"]],
    )
    say(t("profile.figures_note", lang, n=len(figures), shown=len(shown)))
    table(shown[["surface", "value", "unit", "measure", "period", "subject"]], lang)
else:
    say(t("profile.no_figures", lang))
"""
        ),
        section("profile.section_flagged"),
        code(
            """
if len(notes):
    table(notes[["line", "kind", "message"]], lang)
else:
    say(t("profile.nothing_flagged", lang))
"""
        ),
    ],
    rules={
        "doc_id": {"choices": "corpus"},
        "source": {"file": "readers:documents"},
        "lang": {"choices": "vocabulary:languages"},
    },
    grid=[{"doc_id": {"each": "corpus"}}],  # one run per document of the corpus
)

write(
    "getting_started",
    [
        parameters(
            'doc_id: str = "gdhk-keywork-2017"  # the document the tour looks at\n'
            'keyword: str = "合作"  # a word to filter the tasks by\n' + LANG_PARAMETER
        ),
        code(setup()),
        code('heading(t("report.getting_started.title", lang), 1)\nsay(t("tour.intro", lang))'),
        section("tour.section_corpus"),
        code('table(cs.documents()[["doc_id", "title_en", "kind", "script", "issued"]], lang)'),
        section("tour.section_tasks"),
        code(
            """
tasks = cs.tasks(doc_id)
say(t("tour.keyword_count", lang, doc_id=doc_id, tasks=len(tasks), keyword=keyword,
      n=int(tasks["text"].str.contains(keyword).sum())))
table(tasks.loc[tasks["text"].str.contains(keyword), ["task_id", "chapter_title", "text", "agency_clause"]]
      .head(10), lang)
"""
        ),
        section("tour.section_chart"),
        code(
            """
workload = cs.workload(doc_id)
if workload.empty:
    say(t("tour.no_agencies", lang))
else:
    title = t("tour.chart_title", lang, doc_id=doc_id)
    show(plots.workload_chart(workload, top_n=10, lang=lang, title=title))
"""
        ),
        section("tour.section_own", "tour.own_intro"),
        code(
            """
my_text = \"\"\"关于推进示例合作的重点工作
一、基础设施
1．加快推进跨境通道建设，2017年完成投资20亿元。（省发展改革委、交通运输厅）
2．完善口岸通关设施。（省口岸办，深圳、珠海市政府）
\"\"\"
mine = cs.parse_document(my_text)
mine  # a ParsedDocument shows its meta and the size of each frame
"""
        ),
        code(
            """
table(mine.tasks[["task_id", "text", "agency_clause"]], lang)
table(mine.assignments[["task_id", "name", "name_en", "role"]], lang)
table(mine.figures[["surface", "value", "unit", "measure", "period"]], lang)
"""
        ),
    ],
    rules={"doc_id": {"choices": "corpus"}, "lang": {"choices": "vocabulary:languages"}},
    grid=[],  # a tour, not part of the nightly reports
)

write(
    "cooperation_agenda",
    [
        parameters(
            f"""
doc_ids: list = [
    "gd-hkmo-decision-2009",
    "gdhk-keywork-2011",
    "panprd-guidance-2016",
    "panprd-gd-opinions-2017",
    "gdhk-keywork-2017",
]  # documents to compare
{LANG_PARAMETER}
"""
        ),
        code(
            """
import warnings

import matplotlib.pyplot as plt

from coopstats import agenda, plots
from coopstats.display import heading, say, show, table
from coopstats.messages import t
from coopstats.themes import themes

plt.rcParams["figure.dpi"] = 96
label = "label_zh" if lang == "zh" else "label_en"
theme_names = dict(zip(themes()["code"], themes()[label], strict=True))
"""
        ),
        code('heading(t("report.cooperation_agenda.title", lang), 1)\nsay(t("agenda.intro", lang))'),
        section("agenda.section_themes", "agenda.themes_intro"),
        code(
            """
shares = agenda.theme_shares(doc_ids)
show(plots.theme_intervals_chart(shares, lang=lang, title=t("agenda.themes_chart_title", lang)).figure)
wide = shares.pivot_table(index=label, columns="doc_id", values="share").reset_index()
table(wide, lang, percent=[d for d in wide.columns if d != label],
      labels={label: t("col.theme", lang), **{d: d for d in wide.columns if d != label}})
"""
        ),
        section("agenda.section_compare"),
        code(
            """
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    comparison = agenda.compare_themes("gdhk-keywork-2011", "gdhk-keywork-2017", n_simulations=5000)
if comparison.warning:
    say(t("agenda.small_counts", lang, share=f"{100 * comparison.share_small_expected:.0f}"))
else:
    say(t("agenda.chi2_adequate", lang))
table(comparison.summary(), lang, percent=["share_small_expected"],
      decimals={"chi2": 2, "pvalue": 4, "pvalue_simulated": 4, "cramers_v": 3})
"""
        ),
        code(
            """
drivers = comparison.drivers().assign(theme=lambda f: f["theme"].map(theme_names).fillna(f["theme"]))
table(drivers, lang, percent=["share_a", "share_b"])
"""
        ),
        section("agenda.section_persistence"),
        code(
            """
persisted = agenda.persistence()
say(t("agenda.threshold", lang, threshold=f"{persisted.threshold:.3f}"))
summary = persisted.summary().reset_index()
table(summary.assign(theme=summary["theme"].map(theme_names).fillna(summary["theme"])), lang)
"""
        ),
        code(
            'links = persisted.links[["task_id_a", "task_id_b", "score", "text_a", "text_b"]]\n'
            "table(links, lang, decimals=3)"
        ),
        section("agenda.section_projects"),
        code(
            """
mentions = agenda.project_mentions()
show(plots.project_timeline_chart(mentions, lang=lang).figure)
"""
        ),
        section("agenda.section_concentration", "agenda.concentration_intro"),
        code(
            """
concentration = agenda.concentration(n_boot=1000)
show(plots.concentration_chart(concentration, lang=lang, title=t("agenda.concentration_chart_title", lang))
     .figure)
table(concentration[["doc_id", "tasks", "agencies", "pairs", "hhi", "hhi_low", "hhi_high", "n_equivalent",
                     "gini", "top_k_share"]], lang, percent=["top_k_share"],
      decimals={"hhi": 3, "hhi_low": 3, "hhi_high": 3, "n_equivalent": 1, "gini": 2})
say(t("agenda.bca_note", lang, bias=f"{concentration['hhi_bias'].mean():.3f}"))
"""
        ),
    ],
    rules={"doc_ids": {"choices": "corpus"}, "lang": {"choices": "vocabulary:languages"}},
    grid=[{}],  # once, with the defaults
)
