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
import matplotlib.pyplot as plt
import pandas as pd

import coopstats as cs
{plots_import}from coopstats.display import say, {show}table

plt.rcParams["figure.dpi"] = 96
pd.set_option("display.max_colwidth", None)
pd.set_option("display.max_rows", 200)
"""


def setup(*, uses_path: bool = False, uses_plots: bool = True) -> str:
    """The set-up cell: imports, figure format, and the display helpers every report uses."""
    return (
        SETUP_TEMPLATE.replace("{path_import}\n", "from pathlib import Path\n\n" if uses_path else "")
        .replace("{plots_import}", "from coopstats import plots\n" if uses_plots else "")
        .replace("{show}", "show, " if uses_plots else "")
    )


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
        markdown(
            "# Agency workload\n\n"
            "Which agencies a task list names, how often and in which role. A task counts once per agency "
            "however many of its paragraphs name it; the bars split each agency's tasks by its highest role "
            "in the task (lead > co-operating > responsible > listed)."
        ),
        parameters(
            'doc_id: str = "gdhk-keywork-2017"  # a task-list document (coopstats list)\n'
            "top_n: int = 15  # agencies shown in the table and chart\n"
            "fold_successors: bool = False  # count agencies under their post-2018 successors\n"
            'lang: str = "en"  # agency labels: en (registry English names) or zh (Chinese names)'
        ),
        code(setup()),
        code(
            """
document = cs.documents().set_index("doc_id").loc[doc_id]
assignments = cs.assignments(doc_id)
workload = cs.workload(doc_id, fold_successors=fold_successors)
say(f"{document['title_en']} ({document['issued']})", "h2")
say(f"{len(cs.tasks(doc_id))} tasks; {workload['agency_id'].nunique()} agencies named in "
    f"{assignments['task_id'].nunique()} of them; successors folded: {fold_successors}.")
"""
        ),
        markdown("## Distinct tasks per agency"),
        code(
            """
if workload.empty:
    say("This document names no agencies: there is no workload to show.")
else:
    top = workload[workload["tasks"] == workload["tasks"].max()]
    names = " and ".join(plots.agency_labels(top, lang, width=10_000))
    say(f"Named in most tasks: {names} ({int(top['tasks'].iloc[0])} tasks"
        f"{' each' if len(top) > 1 else ''}).", "strong")
    roles = [r for r in ("lead", "co", "responsible", "listed") if workload[r].any()]
    if roles == ["listed"]:
        say("The document gives no roles: every agency is listed.")
    else:
        say("A role column counts the tasks in which the agency had that role at least once.")
    shown = workload.head(top_n).assign(rank=lambda f: range(1, len(f) + 1),
                                        agency=lambda f: plots.agency_labels(f, lang, width=10_000))
    columns = ["rank", "agency", "name", "level", "tasks"] + (roles if roles != ["listed"] else [])
    table(shown[columns].rename(columns={"name": "name (as registered)"}))
"""
        ),
        code(
            """
if not workload.empty:
    split = plots.role_split(assignments, fold_successors=fold_successors)
    show(plots.workload_chart(split, top_n=top_n, lang=lang,
                              title=f"Top {min(top_n, len(split))} agencies by distinct tasks"))
"""
        ),
        markdown("## Agencies by level"),
        code(
            """
if not workload.empty:
    by_level = (workload.groupby("level", observed=True)
                .agg(agencies=("agency_id", "nunique"), tasks_named=("tasks", "sum"))
                .sort_values("tasks_named", ascending=False).reset_index())
    table(by_level.rename(columns={"tasks_named": "agency–task pairs"}))
"""
        ),
        markdown(
            "## Which agencies share tasks\n\n"
            "Number of tasks that name both agencies, for the agencies of the chart above; "
            "the diagonal is left blank."
        ),
        code(
            """
if len(workload) >= 2:
    shown = workload.head(min(top_n, 15))
    matrix = plots.coassignment_matrix(assignments, shown["agency_id"].tolist())
    show(plots.coassignment_heatmap(matrix, plots.agency_labels(shown, lang, width=34), lang=lang,
                                    title="Tasks shared by pairs of agencies"))
"""
        ),
        markdown(
            "## Concentration\n\n"
            "Shares of all agency–task pairs (agencies as named, before any folding into successors): the "
            "share held by the five most-named agencies, the Herfindahl–Hirschman index (sum of squared "
            "shares × 10,000; 10,000 = one agency does everything) and the Gini coefficient, each with a "
            "95% bootstrap interval over tasks."
        ),
        code(
            """
if not workload.empty:
    c = cs.concentration(doc_id, n_boot=500).iloc[0]
    table(pd.DataFrame({
        "measure": ["agencies", "agency–task pairs", "share of the top 5", "HHI (0–10,000)", "Gini"],
        "value": [f"{c['agencies']}", f"{c['pairs']}", f"{100 * c['top_k_share']:.1f}%",
                  f"{10_000 * c['hhi']:,.0f}", f"{c['gini']:.2f}"],
        "95% interval": ["", "", f"{100 * c['top_k_low']:.1f}–{100 * c['top_k_high']:.1f}%",
                         f"{10_000 * c['hhi_low']:,.0f}–{10_000 * c['hhi_high']:,.0f}",
                         f"{c['gini_low']:.2f}–{c['gini_high']:.2f}"],
    }))
"""
        ),
        markdown("## Names the registry does not know, or that were flagged"),
        code(
            """
odd = assignments[~assignments["known"].astype(bool) | assignments["flag"].notna()]
if odd.empty:
    say("Every agency name was found in the registry and none was flagged.")
else:
    table(odd[["task_id", "name", "raw", "flag", "raw_clause"]])
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
        markdown(
            "# Trade and investment figures\n\n"
            "Named trade and investment indicators found in the corpus, each with the words it was read "
            "from, the figures they imply (with the interval implied by the rounding of the published "
            "inputs), and charts of Guangdong–Hong Kong trade and investment and of Hong Kong's shares."
        ),
        parameters(
            'currency: str = "HKD"  # money amounts are converted to it at annual average rates\n'
            'lang: str = "en"  # language of the chart titles (indicator names are in English)'
        ),
        code(setup()),
        code(
            """
from coopstats import vocabulary

money = set(vocabulary.currency_codes())


def in_currency(frame):
    \"\"\"Money rows converted to the report currency (others untouched).\"\"\"
    return cs.convert(frame, to=currency) if len(frame) else frame


def amount_text(value, unit):
    \"\"\"A value as a reader wants it: money in billions, percentages with %, counts plain.\"\"\"
    if unit in money:
        return f"{unit}\u00a0{value / 1e9:,.1f}\u00a0bn"
    if unit == "percent":
        return f"{value:,.1f}%"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.0f}\u00a0{unit}"


indicators = in_currency(cs.indicators())
derived = in_currency(cs.derived_indicators())
title_font = plots.font_kwargs(plots.resolve_lang(lang))
gd_hk_trade = indicators[indicators["indicator"] == "gd_hk_trade"]
if len(gd_hk_trade):
    row = gd_hk_trade.iloc[0]
    published = " ".join(str(row["surface"]).split())
    say(f"Guangdong–Hong Kong trade in {row['period']}: {amount_text(row['value'], row['unit'])} "
        f"(published as {published}, {row['unit_original']}).", "strong")
say(f"All amounts in {currency} (converted at annual average rates where published in another currency); "
    f"bn = billion. Source documents: {', '.join(sorted(indicators['doc_id'].unique()))}.")
"""
        ),
        markdown("## Indicators and their quotes"),
        code(
            """
indicator_table = indicators.assign(
    amount=[amount_text(v, u) for v, u in zip(indicators["value"], indicators["unit"], strict=True)],
)
table(indicator_table[["label_en", "period", "amount", "reporter", "partner", "flow", "quote"]]
      .rename(columns={"label_en": "indicator"}))
"""
        ),
        markdown("## Derived figures\n\n`low`–`high`: the interval implied by the rounding of the inputs."),
        code(
            """
derived_table = derived.assign(
    amount=[amount_text(v, u) for v, u in zip(derived["value"], derived["unit"], strict=True)],
    low_high=[f"{amount_text(lo, u)} – {amount_text(hi, u)}"
              for lo, hi, u in zip(derived["low"], derived["high"], derived["unit"], strict=True)],
)
table(derived_table[["label_en", "period", "amount", "low_high", "formula"]]
      .rename(columns={"label_en": "figure", "low_high": "low – high"}))
"""
        ),
        markdown("## Guangdong–Hong Kong trade and investment"),
        code(
            """
gd_hk = indicators[(indicators["reporter"] == "CN-GD") & (indicators["partner"] == "HKG")
                   & (indicators["measure"] == "amount") & indicators["unit"].isin(money)]
gd_derived = derived[derived["indicator"].str.contains(r"^gd_.*hk") & derived["unit"].isin(money)]
both = pd.concat([gd_hk, gd_derived], ignore_index=True)
if len(both):
    fig = plots.amounts_chart(both)
    fig.axes[0].set_title("粤港贸易与投资" if lang == "zh" else "Guangdong–Hong Kong trade and investment",
                          loc="left", **title_font)
    show(fig)
"""
        ),
        markdown("## Hong Kong's shares"),
        code(
            """
shares = indicators[(indicators["measure"] == "share") & (indicators["unit"] == "percent")
                    & ((indicators["partner"] == "HKG") | (indicators["reporter"] == "HKG"))]
if len(shares):
    fig = plots.shares_chart(shares)
    fig.axes[0].set_title("香港所占份额" if lang == "zh" else "Shares involving Hong Kong (percent)",
                          loc="left", **title_font)
    show(fig)
"""
        ),
        markdown(
            "## Panel: indicators across documents\n\n"
            "Every figure whose subject names an indicator of `indicator_names.csv`, one row per "
            "observation with its document, publication date and quote; values of one series and period "
            "that documents give with disjoint rounding intervals are marked `conflict`. Each chart keeps "
            "stocks, flows, changes and units on separate axes, with the source documents in the legend."
        ),
        code(
            """
observations = cs.panel()
table(observations[["indicator", "reporter", "partner", "measure", "period", "value", "unit", "doc_id",
                    "published", "conflict", "quote"]])
for code_ in observations.groupby("indicator")["period"].nunique().loc[lambda n: n > 1].index:
    show(plots.panel_chart(observations, code_))
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
        markdown(
            "# Document profile\n\n"
            "The outline, tasks, agencies and figures of one document: a document of the corpus "
            "(`doc_id`) or any text of the genre on disk (`source`). Use it to see what coopstats makes "
            "of a document of your own before you analyse it."
        ),
        parameters(
            'doc_id: str = "gdhk-keywork-2017"  # a document of the corpus (coopstats list)\n'
            'source: str = ""  # path to a text of the genre to profile instead of doc_id'
        ),
        code(setup(uses_path=True, uses_plots=False)),
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
    heading = f"{path.name} ({meta.get('encoding')}, {meta.get('script')}, {meta.get('kind')})"
else:
    meta = cs.documents().set_index("doc_id").loc[doc_id].to_dict()
    provisions, tasks, assignments = cs.provisions(doc_id), cs.tasks(doc_id), cs.assignments(doc_id)
    figures, notes = cs.figures(doc_id), cs.parse_notes(doc_id)
    heading = f"{doc_id}: {meta['title_en']}"
say(heading, "h2")
fields = [k for k in ("title", "title_en", "issuer", "doc_number", "issued", "script", "kind", "lead_rule",
                      "encoding", "sha256") if k in meta]
table(pd.DataFrame({"field": fields, "value": [meta[k] for k in fields]}))
"""
        ),
        markdown("## Outline"),
        code(
            """
counts = {
    "chapters": int((provisions["level"] == "chapter").sum()),
    "sections": int((provisions["level"] == "section").sum()),
    "items": int((provisions["level"] == "item").sum()),
    "paragraphs": int((provisions["level"] == "paragraph").sum()),
    "tasks": len(tasks),
    "tasks naming an agency": int(assignments["task_id"].nunique()) if len(assignments) else 0,
    "distinct agencies": int(assignments["agency_id"].nunique()) if len(assignments) else 0,
    "figures": len(figures),
    "parser notes": len(notes),
}
say(", ".join(f"{v} {k}" for k, v in counts.items()) + ".", "strong")
chapters = provisions[provisions["level"] == "chapter"][["chapter_no", "label", "heading", "line"]]
if chapters.empty:
    say("No chapters: the document is a run of paragraphs (a briefing paper, say).")
else:
    if len(tasks):
        per_chapter = tasks.groupby("chapter_no").size().rename("tasks")
        chapters = chapters.merge(per_chapter, left_on="chapter_no", right_index=True, how="left")
    table(chapters)
"""
        ),
        markdown("## Tasks (the first 20)"),
        code(
            """
if len(tasks):
    columns = ["chapter_no", "section_no", "item_no", "line", "text", "agency_clause", "n_agencies"]
    table(tasks[columns].head(20))
else:
    say("No tasks: the document has no numbered units carrying text (a briefing or a policy outline).")
"""
        ),
        markdown("## Agencies"),
        code(
            """
if len(assignments):
    local = cs.workload(assignments=assignments)
    table(local[["name", "name_en", "level", "tasks", "lead", "co", "responsible", "listed"]].head(20))
    unknown = assignments[~assignments["known"].astype(bool)]
    if len(unknown):
        say(f"{unknown['name'].nunique()} names are not in the agency registry:")
        table(unknown[["task_id", "name", "raw_clause"]].drop_duplicates("name"))
else:
    say("No agency clauses were found.")
"""
        ),
        markdown("## Figures found"),
        code(
            """
if len(figures):
    shown = figures.head(40).assign(
        surface=lambda f: [" ".join(str(v).split()) for v in f["surface"]],
        value=lambda f: [f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}" for v in f["value"]],
    )
    say(f"{len(figures)} figures; the first {len(shown)}. Values in base units (億 = 10^8).")
    table(shown[["surface", "value", "unit", "measure", "period", "subject"]])
else:
    say("No figures were found.")
"""
        ),
        markdown("## What the parser flagged"),
        code(
            """
if len(notes):
    table(notes[["line", "kind", "message"]])
else:
    say("Nothing was flagged.")
"""
        ),
    ],
    rules={"doc_id": {"choices": "corpus"}, "source": {"file": "readers:documents"}},
    grid=[{"doc_id": {"each": "corpus"}}],  # one run per document of the corpus
)

write(
    "getting_started",
    [
        markdown(
            "# Getting started with coopstats\n\n"
            "coopstats turns Chinese government documents on Guangdong–Hong Kong–Macau and "
            "Pan-Pearl-River-Delta cooperation into tidy pandas frames. This tour loads the frames, "
            "filters tasks, draws one chart and parses a document of your own. Every row keeps "
            "`line`, `start` and `end`, so `cs.source_text(doc_id)[start:end]` is the unit as printed."
        ),
        parameters(
            'doc_id: str = "gdhk-keywork-2017"  # the document the tour looks at\n'
            'keyword: str = "合作"  # a word to filter the tasks by'
        ),
        code(setup()),
        markdown("## The corpus"),
        code('cs.documents()[["doc_id", "title_en", "kind", "script", "issued"]]'),
        markdown("## Tasks of one document, and a filter"),
        code(
            """
tasks = cs.tasks(doc_id)
say(f"{doc_id}: {len(tasks)} tasks; {int(tasks['text'].str.contains(keyword).sum())} mention {keyword!r}.")
tasks.loc[tasks["text"].str.contains(keyword), ["task_id", "chapter_title", "text", "agency_clause"]].head(10)
"""
        ),
        markdown("## One chart: the agencies named most often"),
        code(
            """
workload = cs.workload(doc_id)
if workload.empty:
    say("This document names no agencies.")
else:
    show(plots.workload_chart(workload, top_n=10, title=f"Agencies named most often in {doc_id}"))
"""
        ),
        markdown(
            "## A document of your own\n\n"
            "`cs.parse_document` takes a path (`pathlib.Path`), bytes or text of the genre, in simplified "
            "or traditional script, and returns the same frames."
        ),
        code(
            """
my_text = \"\"\"关于推进示例合作的重点工作
一、基础设施
1．加快推进跨境通道建设，2017年完成投资20亿元。（省发展改革委、交通运输厅）
2．完善口岸通关设施。（省口岸办，深圳、珠海市政府）
\"\"\"
mine = cs.parse_document(my_text)
table(mine.tasks[["task_id", "text", "agency_clause"]])
table(mine.assignments[["task_id", "name", "name_en", "role"]])
table(mine.figures[["surface", "value", "unit", "measure", "period"]])
"""
        ),
    ],
    rules={"doc_id": {"choices": "corpus"}},
    grid=[],  # a tour, not part of the nightly reports
)

write(
    "cooperation_agenda",
    [
        markdown(
            "# The cooperation agenda\n\n"
            "Themes across documents, what persisted from the 2011 to the 2017 key-work list, flagship "
            "projects and the concentration of the workload."
        ),
        parameters(
            """
doc_ids: list = [
    "gd-hkmo-decision-2009",
    "gdhk-keywork-2011",
    "panprd-guidance-2016",
    "panprd-gd-opinions-2017",
    "gdhk-keywork-2017",
]  # documents to compare
lang: str = "en"  # language of the chart labels
"""
        ),
        code(
            """
import warnings

import matplotlib.pyplot as plt

from coopstats import agenda, plots
from coopstats.display import say, show, table

plt.rcParams["figure.dpi"] = 96
"""
        ),
        markdown("## Theme shares by document"),
        code(
            """
shares = agenda.theme_shares(doc_ids)
show(plots.theme_intervals_chart(shares, lang=lang).figure, alt="Theme shares by document")
label = "label_zh" if lang == "zh" else "label_en"
table(shares.pivot_table(index=label, columns="doc_id", values="share").round(3).reset_index())
"""
        ),
        markdown("## 2011 → 2017: did the mix of themes change?"),
        code(
            """
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    comparison = agenda.compare_themes("gdhk-keywork-2011", "gdhk-keywork-2017", n_simulations=5000)
say(comparison.warning or "The asymptotic chi-square test is adequate for these counts.")
table(comparison.summary().round(4))
"""
        ),
        code("table(comparison.drivers().round(3))"),
        markdown("## What persisted, what was dropped, what is new"),
        code(
            """
persisted = agenda.persistence()
say(f"Tasks are linked when their similarity is at least {persisted.threshold:.3f}.")
table(persisted.summary().reset_index())
"""
        ),
        code('table(persisted.links[["task_id_a", "task_id_b", "score", "text_a", "text_b"]].round(3))'),
        markdown("## Flagship projects over time"),
        code(
            """
mentions = agenda.project_mentions()
show(plots.project_timeline_chart(mentions).figure)
"""
        ),
        markdown("## Concentration of the workload"),
        code(
            """
concentration = agenda.concentration(n_boot=1000)
show(plots.concentration_chart(concentration).figure, alt="Concentration of the workload")
table(concentration.round(3))
"""
        ),
    ],
    rules={"doc_ids": {"choices": "corpus"}, "lang": {"choices": "vocabulary:languages"}},
    grid=[{}],  # once, with the defaults
)
