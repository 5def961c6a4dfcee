"""Task lists in every layout of the genre (genre.md §1–2), against gold typed by reading."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coopstats as cs
from coopstats import clauses
from coopstats.agency_resolution import clause_leftovers, load_registry, resolve_agencies

SAMPLES = Path(__file__).resolve().parent / "fixtures" / "samples"
GOLD = pd.read_csv(
    Path(__file__).resolve().parent / "gold" / "layouts.csv", dtype="string", keep_default_na=False
)


def _parse(name: str) -> cs.ParsedDocument:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cs.parse_document(SAMPLES / f"{name}.txt")


def _key(frame: pd.DataFrame) -> pd.Series:
    return frame[["chapter_no", "section_no", "item_no"]].astype("string").fillna("").agg("/".join, axis=1)


def _parsed(name: str) -> dict[str, list[tuple[str, str, str]]]:
    doc = _parse(name)
    tasks = doc.tasks.assign(key=_key(doc.tasks), seq=range(1, len(doc.tasks) + 1))
    if tasks["key"].eq("//").all():  # no numbers: tasks in document order
        tasks["key"] = tasks["seq"].astype(str)
    merged = doc.assignments.merge(tasks[["task_id", "key"]], on="task_id")
    out: dict[str, list[tuple[str, str, str]]] = {}
    for rec in merged.itertuples():
        out.setdefault(rec.key, []).append((rec.expanded, rec.role, "" if pd.isna(rec.label) else rec.label))
    return out


def _gold(name: str) -> dict[str, list[tuple[str, str, str]]]:
    gold = GOLD[GOLD["sample"] == name]
    keys = gold[["chapter_no", "section_no", "item_no"]].agg("/".join, axis=1)
    keys = keys.where(keys != "//", gold["seq"])
    out: dict[str, list[tuple[str, str, str]]] = {}
    for key, rec in zip(keys, gold.itertuples(), strict=True):
        out.setdefault(key, []).append((rec.name, rec.role, rec.label))
    return out


@pytest.mark.parametrize(
    "name",
    [
        "gdhk-2017-hans",
        "natl-nongye-2014-hant",
        "natl-gzbg-2020-hans",
        "lishan-zdgz-2023-hans",
        "huoshan-kfq-2025-hans",
        "gd-gzbg-2023-news-hans",
    ],
)
def test_sample_agencies_equal_the_gold(name: str) -> None:
    assert _parsed(name) == _gold(name)


def test_fields_inside_the_clause_with_damaged_numbers_keep_the_legible_tasks() -> None:
    # tasks (二)(三)(五)(六) of this mirror have their numbers replaced by mojibake: their lines
    # join the task before them, so only the gold's names are required of tasks (一) and (四)
    parsed = _parsed("gz-gzbg-2006-hant")
    for key, names in _gold("gz-gzbg-2006-hant").items():
        assert parsed[key][: len(names)] == names


@pytest.mark.parametrize(
    ("name", "layouts"),
    [
        ("gdhk-2017-hans", {"clause"}),
        ("gz-gzbg-2006-hant", {"clause"}),
        ("natl-nongye-2014-hant", {"text"}),
        ("lishan-zdgz-2023-hans", {"fields"}),
        ("huoshan-kfq-2025-hans", {"table"}),
        ("gd-gzbg-2023-news-hans", {"fields"}),
    ],
)
def test_layout_column(name: str, layouts: set[str]) -> None:
    assert set(_parse(name).tasks["layout"].dropna()) == layouts


def test_deadlines_as_written_and_as_dates() -> None:
    table = _parse("huoshan-kfq-2025-hans").tasks
    assert table["deadline"].tolist() == ["全年"] * 3
    assert table["deadline_date"].tolist() == ["2025-12-31"] * 3
    gzbg = _parse("natl-gzbg-2020-hans").tasks.iloc[0]
    assert (gzbg["deadline"], gzbg["deadline_date"]) == ("年内持续推进", "2020-12-31")


def test_table_cells_give_the_wording_without_hard_breaks_and_persons_are_not_agencies() -> None:
    doc = _parse("huoshan-kfq-2025-hans")
    assert doc.tasks["item_no"].tolist() == [1, 2, 3]
    assert "工作机制" in doc.tasks["text"].iloc[0]
    assert not doc.assignments["name"].isin(["叶林", "马振明", "张云峰"]).any()


def test_the_mirror_copy_gives_the_corpus_tasks_it_prints() -> None:
    mirror = _parse("gdhk-2017-hans").tasks
    mirror = mirror[mirror["item_no"].notna()]
    corpus = cs.tasks("gdhk-keywork-2017")
    corpus = corpus[corpus["item_no"].isin(mirror["item_no"])]
    assert mirror["item_no"].tolist() == list(range(1, 8))
    assert mirror["text"].iloc[4].startswith("2017年举办")  # item 5, then a year: not 5.2017
    norm = lambda s: s.map(lambda t: cs.text.normalize(t))  # noqa: E731
    assert norm(mirror["text"]).tolist() == norm(corpus["text"]).tolist()
    assert (
        norm(mirror["agency_clause"].str.replace(",", "，")).tolist()
        == norm(corpus["agency_clause"]).tolist()
    )


def test_a_press_release_without_numbered_structure_has_no_tasks() -> None:
    doc = _parse("gcs-2024-motrade-hant")
    assert doc.tasks.empty and doc.assignments.empty and len(doc.provisions) > 0


def test_pinyin_glosses_are_not_text() -> None:
    text = _parse("gz-gzbg-2006-hant").tasks["text"].iloc[0]
    assert "(shè)" not in text and text.startswith("加快建設東部")


# ---------------------------------------------------------------------------
# Made-up variants for what the samples lack
# ---------------------------------------------------------------------------


def _doc(text: str) -> cs.ParsedDocument:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cs.parse_document(text)


def _names(doc: cs.ParsedDocument) -> list[tuple[str, str]]:
    return list(zip(doc.assignments["expanded"], doc.assignments["role"], strict=True))


def test_table_split_by_tabs_with_a_deadline_column() -> None:
    doc = _doc(
        "2019年重点工作任务分工表\n序号\t工作任务\t牵头单位\t配合单位\t完成时限\n"
        "1\t推进口岸通关便利化。\t省商务厅\t省财政厅、公安厅\t2019年底前\n"
        "2\t完善联席会议机制。\t省港澳办\t\t长期坚持\n"
    )
    tasks = doc.tasks
    assert tasks["layout"].tolist() == ["table", "table"]
    assert tasks["deadline"].tolist() == ["2019年底前", "长期坚持"]
    assert tasks["deadline_date"].tolist()[0] == "2019-12-31" and pd.isna(tasks["deadline_date"].iloc[1])
    assert _names(doc) == [("省商务厅", "lead"), ("省财政厅", "co"), ("省公安厅", "co"), ("省港澳办", "lead")]
    assert doc.assignments["label"].tolist() == ["牵头单位", "配合单位", "配合单位", "牵头单位"]


def test_table_split_by_bars() -> None:
    doc = _doc("序号 │ 工作任务 │ 责任单位 │ 完成时间\n1 │ 推进改革。 │ 市科技局 │ 2020年6月\n")
    assert doc.tasks["deadline_date"].tolist() == ["2020-06-30"]
    assert _names(doc) == [("市科技局", "listed")]


def test_top_level_items_are_tasks_when_they_name_agencies() -> None:
    doc = _doc(
        "2021年重点工作\n一、推进口岸通关便利化。（省商务厅牵头，海关广东分署配合）\n"
        "二、完善联席会议机制。（由省港澳办负责，年内完成）\n"
    )
    tasks = doc.tasks
    assert tasks["chapter_no"].tolist() == [1, 2] and tasks["item_no"].isna().all()
    assert tasks["deadline"].tolist()[1] == "年内完成" and tasks["deadline_date"].tolist()[1] == "2021-12-31"
    assert _names(doc) == [("省商务厅", "lead"), ("海关广东分署", "co"), ("省港澳办", "responsible")]


def test_first_listed_rule_stated_inside_a_clause_holds_from_there_on() -> None:
    doc = _doc(
        "一、合作\n1. 推进通关。（省商务厅、省财政厅，排首位者牵头，下同）\n"
        "2. 完善机制。（省港澳办、省科技厅）\n"
    )
    assert _names(doc) == [("省商务厅", "lead"), ("省财政厅", "co"), ("省港澳办", "lead"), ("省科技厅", "co")]


def test_field_lines_after_sections_numbered_in_brackets() -> None:
    doc = _doc(
        "一、目标\n（一）推进试点。\n牵头单位：市科技局\n配合单位：市财政局、各区政府\n完成时限：2022年底\n"
        "（二）完善制度。\n部门分工：市发展改革委牵头，天河区、海珠区政府配合。\n"
    )
    assert doc.tasks["section_no"].tolist() == [1, 2]
    assert doc.tasks["layout"].tolist() == ["fields", "fields"]
    assert doc.tasks["deadline"].tolist()[0] == "2022年底"
    assert _names(doc) == [
        ("市科技局", "lead"),
        ("市财政局", "co"),
        ("各区政府", "co"),
        ("市发展改革委", "lead"),
        ("天河区政府", "co"),
        ("海珠区政府", "co"),
    ]


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("省商务厅牵头会同省财政厅", [("省商务厅", "lead"), ("省财政厅", "co")]),
        ("由省教育厅负责", [("省教育厅", "responsible")]),
        ("省科技厅等有关部门", [("省科技厅", "listed"), ("有关部门", "listed")]),
        ("省科技厅等部门按职责分工落实", [("省科技厅", "responsible")]),
        ("各市、县", [("各市", "listed"), ("各县", "listed")]),
        ("省发展改革委、市场监管总局", [("省发展改革委", "listed"), ("市场监管总局", "listed")]),
        ("发展改革委、财政部", [("发展改革委", "listed"), ("财政部", "listed")]),
        ("省商务厅负责。备注：每年报告进展", [("省商务厅", "responsible")]),
        ("责任领导：张三；责任单位：省商务厅", [("省商务厅", "listed")]),
        ("牵头单位：省商务厅  配合单位：省财政厅", [("省商务厅", "lead"), ("省财政厅", "co")]),
        ("实施范围：全省；责任单位：省商务厅", [("省商务厅", "listed")]),
    ],
)
def test_name_and_label_rules(clause: str, expected: list[tuple[str, str]]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = resolve_agencies(clause)
    assert list(zip(r["expanded"], r["role"], strict=True)) == expected


def test_text_layout_words() -> None:
    found = clauses.text_clauses("省人社厅会同省财政厅研究制定办法。")
    assert [f.role for f in found[0].fields] == [None, "co"]


# ---------------------------------------------------------------------------
# Property: field and table layouts built from registry names
# ---------------------------------------------------------------------------

_REGISTRY = load_registry(user=False)
_NAMES = sorted(n for n in _REGISTRY["name"] if n.startswith("省") and len(n) <= 12 and "、" not in n)
_LABELS = [("牵头单位", "lead"), ("配合单位", "co"), ("参与部门", "co"), ("协办单位", "co")]
_SEPARATORS = ["；", ";", "  "]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lead=st.lists(st.sampled_from(_NAMES), min_size=1, max_size=2, unique=True),
    others=st.lists(
        st.tuples(
            st.sampled_from(_LABELS[1:]),
            st.lists(st.sampled_from(_NAMES), min_size=1, max_size=3, unique=True),
        ),
        min_size=0,
        max_size=2,
    ),
    separator=st.sampled_from(_SEPARATORS),
)
def test_fields_resolve_every_name_with_its_label_role(lead, others, separator) -> None:
    fields = [("牵头单位", "lead", lead)] + [(label, role, names) for (label, role), names in others]
    clause = separator.join(f"{label}：{'、'.join(names)}" for label, _, names in fields)
    r = resolve_agencies(clause)
    expected = [(name, role, label) for label, role, names in fields for name in names]
    assert list(zip(r["expanded"], r["role"], r["label"], strict=True)) == expected
    assert clause_leftovers(clause) == []  # every character: a name, a label or a separator


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(_NAMES), st.lists(st.sampled_from(_NAMES), min_size=0, max_size=2, unique=True)
        ),
        min_size=1,
        max_size=4,
    ),
    split=st.sampled_from(["\t", " │ ", " | "]),
)
def test_tables_resolve_every_name_with_its_column_role(rows, split) -> None:
    lines = [split.join(["序号", "工作任务", "牵头单位", "配合单位"])]
    expected = []
    for n, (lead, co) in enumerate(rows, start=1):
        lines.append(split.join([str(n), f"推进第{n}项工作。", lead, "、".join(co)]))
        expected.append((lead, "lead"))
        expected.extend((name, "co") for name in co)
    doc = _doc("\n".join(lines) + "\n")
    assert doc.tasks["item_no"].tolist() == list(range(1, len(rows) + 1))
    got = list(zip(doc.assignments["expanded"], doc.assignments["role"], strict=True))
    assert got == expected
    for clause in doc.tasks["agency_clause"]:
        assert clause_leftovers(clause) == []


def test_a_unit_line_is_not_an_agency_label():
    """單位：百萬澳門元 under a numbered heading is a statistics table's unit, not a 责任单位 field."""
    text = "一、貿易\n單位：百萬澳門元\n項目 │ 2023年 │ 2024年\n出口 │ 1,932 │ 2,154\n"
    doc = cs.parse_document(text, doc_id="dsec", issuer="統計暨普查局")
    assert len(doc.assignments) == 0
    assert doc.tasks["agency_clause"].isna().all()
    labelled = cs.parse_document("一、合作\n1. 推进合作。\n责任单位：省商务厅\n", doc_id="kw")
    assert labelled.assignments[["name", "label"]].values.tolist() == [["省商务厅", "责任单位"]]


def test_inline_fields_of_many_fields_and_no_space_stay_linear() -> None:
    """Was 1.2 s for 8,000 fields (quadratic): each field searched the rest of the text for a space."""
    text = "推进" + "牵头单位:省发改委。" * 8000
    [(task_start, clause)] = clauses.inline_fields(text)
    assert (task_start, clause.span) == (0, (0, len(text) - 1))
    assert len(clause.fields) == 8000
    assert {(f.kind, f.role) for f in clause.fields} == {("agency", "lead")}


def test_many_one_cell_lines_of_header_words_are_no_table_and_stay_linear() -> None:
    """Was quadratic (29 s for 4,000 lines): every line of a run that is no header started the run anew."""
    text = "牵头单位\n" * 16000
    lines = [(n + 1, 5 * n, 5 * n + 4) for n in range(16000)]
    assert clauses.read_table(text, lines) is None


def test_lines_with_cell_separators_in_one_pass_are_those_line_by_line() -> None:
    import random

    rng = random.Random(11)
    pieces = ["序号", "牵头单位", "推进改革。", " ", "\t", "|", "│", "\u3000", "\n"]
    for _ in range(2_000):
        source = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        lines, position = [], 0
        for number, text in enumerate(source.split("\n"), start=1):
            if text.strip():
                lines.append((number, position, position + len(text)))
            position += len(text) + 1
        expected = {i for i, (_, a, b) in enumerate(lines) if any(ch in "\t|│" for ch in source[a:b])}
        assert clauses._lines_with_cell_separators(source, lines) == expected
        assert clauses._lines_with_cell_separators(source, lines[::-1]) == {
            len(lines) - 1 - i for i in expected
        }


def test_thousands_of_by_clauses_in_one_text_stay_linear() -> None:
    """Was quadratic (each 由X负责 was checked against every one taken before it)."""
    found = clauses.text_clauses("由省商务厅负责推进，" * 16000)
    assert len(found) == 16000
    assert found[-1].span == (10 * 15999, 10 * 15999 + 5)


_LABEL_PIECES = [
    *("牵头单位", "配合单位", "责任部门", "完成时限", "部门分工"),
    *(":", "：", "；", "，", " ", "("),
    *("省发改委", "2019年"),
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_LABEL_PIECES), max_size=12), st.data())
def test_labels_are_those_after_a_field_boundary_or_at_the_start(pieces, data) -> None:
    """The one-pattern search finds what trying the label pattern at every boundary finds."""
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    expected, i = [], start
    while i < end:
        at_boundary = i == start or text[i - 1] in clauses._FIELD_BOUNDARY
        if at_boundary and (match := clauses._label_pattern().match(text, i, end)) is not None:
            expected.append((i, match.end(), match["label"]))
            i = match.end()
            continue
        i += 1
    assert clauses._labels(text, start, end) == expected


_STATEMENT_PIECES = [
    *("列在", "排", "首位", "第一", "的", "为", "者"),
    *("牵头", "单位", "参加", "，", "下同", "(", "省商务厅"),
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_STATEMENT_PIECES), max_size=14))
def test_first_listed_statements_are_those_of_the_full_search(pieces) -> None:
    """Trying only the starts within reach of 首/第一 finds every statement the full search finds."""
    text = "".join(pieces)
    expected = [m.span() for m in clauses._FIRST_LISTED.finditer(text) if m.group().strip()]
    assert clauses.first_listed_statements(text, simplified=True) == expected


def _physical_lines(text: str) -> list[tuple[int, int, int]]:
    lines, position = [], 0
    for n, line in enumerate(text.split("\n"), start=1):
        if line:
            lines.append((n, position, position + len(line)))
        position += len(line) + 1
    return lines


_PROSE = st.sampled_from(
    ["推进粤港澳大湾区建设。", "加强两地金融合作和人员往来", "完善跨境基础设施衔接机制。"]
)
_HEADER_LINES = st.sampled_from(
    [
        ["序号 | 工作任务 | 牵头单位 | 完成时限", "1 | 推进改革。 | 省发展改革委 | 2019年底前"],
        [
            "序号\t工作任务\t牵头单位\t配合单位",
            "1\t推进改革。\t省商务厅\t省财政厅",
            "2\t深化合作。\t省港澳办\t",
        ],
        ["序号", "工作任务", "牵头单位", "完成时限", "1", "推进改革。", "省发展改革委", "2019年底前"],
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=_HEADER_LINES, before=st.lists(_PROSE, max_size=6))
def test_a_table_is_read_the_same_after_lines_of_prose(table: list[str], before: list[str]) -> None:
    """Lines of prose (never a header cell) before a table change nothing but its offsets."""
    alone = "\n".join(table)
    text = "\n".join([*before, *table])
    shift = len("\n".join(before)) + (1 if before else 0)
    expected = clauses.read_table(alone, _physical_lines(alone))
    found = clauses.read_table(text, _physical_lines(text))
    assert expected is not None and found is not None
    assert found.header == expected.header and (found.start, found.end) == (
        expected.start + shift,
        expected.end + shift,
    )
    cells = [[(c.kind, c.role, text[c.start : c.end]) for c in row.cells] for row in found.rows]
    assert cells == [[(c.kind, c.role, alone[c.start : c.end]) for c in row.cells] for row in expected.rows]
