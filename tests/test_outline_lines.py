"""The outline's per-line work done at once gives what the line-by-line code gave (kept as references)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopstats import corpus, outline
from coopstats.text import (
    _CharacterSum,
    gloss_spans,
    lines_with_glosses,
    normalize,
    normalized_wording,
    normalized_wordings,
    physical_lines,
    strip_glosses,
)

SAMPLES = Path(__file__).parent / "fixtures" / "samples"

# --- the classifier as it was: six anchored patterns tried in turn ---------------------------------

_CN = outline._CN_NUMERAL
_ANNEX_LABEL = re.compile(r"^附件\s*(?P<no>[一二三四五六七八九十\d]*)\s*[:：]?$")
_CHAPTER_ARTICLE = re.compile(rf"^第(?P<no>[{_CN}\d]+)(?P<kind>[章节節条條])\s*")
_CHAPTER = re.compile(rf"^(?P<no>[{_CN}]+)[、.]\s*")
_SECTION = re.compile(rf"^\((?P<no>[{_CN}]+)\)\s*")
_ITEM = re.compile(r"^(?P<no>\d{1,3})\s*[.、](?:(?!\d)|(?=(?:19|20)\d{2}年))\s*")
_FOOTNOTE = re.compile(r"^(?P<no>\d{1,2})\s+(?![年月日号號个個家项項名种種类類%.万萬亿億千百多余餘])(?=\S)")


def reference_classify(norm: str) -> tuple[str, int | None, str, int, bool]:
    number = outline._outline_number
    if match := _ANNEX_LABEL.match(norm):
        no = match["no"]
        return "annex", number(no) if no else None, norm, len(norm), False
    if match := _CHAPTER_ARTICLE.match(norm):
        kind = {"章": "chapter", "节": "section", "節": "section", "条": "item", "條": "item"}[match["kind"]]
        return kind, number(match["no"]), match.group().strip(), match.end(), True
    if match := _CHAPTER.match(norm):
        return "chapter", number(match["no"]), match.group().strip(), match.end(), False
    if match := _SECTION.match(norm):
        return "section", number(match["no"]), match.group().strip(), match.end(), False
    if match := _ITEM.match(norm):
        return "item", int(match["no"]), match.group().strip(), match.end(), False
    if match := _FOOTNOTE.match(norm):
        return "footnote", int(match["no"]), match["no"], match.end(), False
    return "text", None, "", 0, False


def reference_offset_after(raw_line: str, marker_len: int) -> int:
    if marker_len == 0:
        return 0
    consumed = 0
    for offset, ch in enumerate(raw_line):
        if consumed >= marker_len:
            return offset
        consumed += len(normalize(ch))
    return len(raw_line)


def texts() -> list[str]:
    found = [corpus.source_text(row.doc_id) for row in corpus.manifest()]
    return found + [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt"))]


TEXTS = texts()
MARKERY = "附件第一二两三十百〇零章节節条條、.．。:：()（）1234567890１２ 　\t年月个%万多余*"
marker_text = st.text(alphabet=st.sampled_from(MARKERY) | st.characters(), max_size=14)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(marker_text, marker_text.map(normalize)))
def test_one_alternation_classifies_as_the_patterns_in_turn(norm: str) -> None:
    assert outline._classify(norm) == reference_classify(norm)
    assert outline._classify_lines([norm, "", norm]) == [
        reference_classify(norm),
        reference_classify(""),
        reference_classify(norm),
    ]


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_real_lines_classified_and_measured_as_before(index: int) -> None:
    source = TEXTS[index]
    lines = [ln for ln in physical_lines(source) if not ln.is_blank and not ln.is_page_header]
    read = outline._Lines(source, lines)
    assert read.norm == [normalized_wording(source, ln) for ln in lines]
    assert read.kind == [reference_classify(norm) for norm in read.norm]
    assert read.plain == [
        normalize(raw) if ("(" in raw or "（" in raw) and gloss_spans(raw) else norm
        for raw, norm in zip(read.raw, read.norm, strict=True)
    ]
    assert read.width == [outline._display_width(source[ln.start : ln.content_end]) for ln in lines]
    assert read.balance == [outline._balance(norm) for norm in read.norm]
    for index, (raw, norm) in enumerate(zip(read.raw, read.norm, strict=True)):
        assert read.next_is_text(index - 1) == (reference_classify(read.plain[index])[0] == "text")
        marker_len = read.kind[index][3]
        if read.plain[index] is norm and len(norm) == len(raw):  # the outline's short cut
            assert reference_offset_after(raw, marker_len) == marker_len


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from("（一）１．關(guān)于 ａ\uf98e\u2f00ﬁ") | st.characters(), max_size=12
        ),
        max_size=8,
    )
)
def test_lines_without_gloss_or_expansion_map_one_character_to_one(words: list[str]) -> None:
    for raw in words:
        norm = normalize(strip_glosses(raw))
        if normalize(raw) == norm and len(norm) == len(raw):
            for marker_len in range(len(norm) + 1):
                assert reference_offset_after(raw, marker_len) == marker_len


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("一、\n\n - 5 -關(guān)１（ab") | st.characters(), max_size=20),
        max_size=6,
    ),
    st.data(),
)
def test_wordings_of_lines_at_once_are_each_line_s(parts: list[str], data: st.DataObject) -> None:
    source = "\n".join(parts)
    start = data.draw(st.integers(0, len(source)))
    end = data.draw(st.integers(start, len(source)))
    lines = [ln for ln in physical_lines(source, start, end) if not ln.is_blank]
    assert normalized_wordings(source, lines) == [normalized_wording(source, ln) for ln in lines]
    shuffled = data.draw(st.permutations(lines))
    assert normalized_wordings(source, shuffled) == [normalized_wording(source, ln) for ln in shuffled]


narrow = _CharacterSum(lambda ch: int(unicodedata.east_asian_width(ch) not in "FW"))
WIDTHY = "粤港 (CEPA)，。１ａ\t\f\r“”—\U00020000\uf98e\u2f00①\u3000"


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(WIDTHY + "\n") | st.characters(), max_size=15), max_size=8))
def test_counts_of_many_texts_are_each_text_s(texts: list[str]) -> None:
    assert narrow.counts(texts) == [narrow(text) for text in texts]
    assert narrow.counts(texts) == [
        sum(unicodedata.east_asian_width(c) not in "FW" for c in t) for t in texts
    ]


def test_counts_of_other_values_are_summed_one_by_one() -> None:
    weights = _CharacterSum(lambda ch: 2 if ch == "a" else int(ch == "b"))
    assert weights.counts(["ab", "bb", ""]) == [3, 2, 0]
    rare = _CharacterSum(lambda ch: 2 if ch == "\U00020000" else int(ch == "b"))
    assert rare.counts(["b\U00020000", "b"]) == [3, 1]


@settings(max_examples=600, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from("一、1. (一)关(guān)于\uf98e ab5/12 \u3000 - 3 -") | st.characters(),
            max_size=12,
        ),
        max_size=6,
    ),
    st.data(),
)
def test_clean_wording_sliced_to_a_line_end_is_as_by_edges(parts: list[str], data: st.DataObject) -> None:
    from coopstats.text import _clean_wording_of_edges, _clean_wording_of_lines, _document, _scan_lines

    source = "\n".join(parts)
    doc = _document(source)
    ends = sorted({0, len(source), *doc.kept_end})
    end = data.draw(st.sampled_from(ends))
    start = data.draw(st.integers(0, end))
    sliced = doc.clean_to_line_end(start, end)
    if sliced is not None:
        assert sliced == _clean_wording_of_edges(doc, start, end)
        assert sliced == _clean_wording_of_lines(source, _scan_lines(source, start, end))


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_clean_wording_of_real_provisions_is_as_by_edges(index: int) -> None:
    from coopstats.text import _clean_wording_of_edges, _document

    source = TEXTS[index]
    doc = _document(source)
    parsed = outline.parse_outline(source)
    for node in parsed.nodes:
        for start in (node.start, node.body_start):
            if start and start <= node.end:
                assert doc.clean_to_line_end(start, node.end) in (
                    None,
                    _clean_wording_of_edges(doc, start, node.end),
                )


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("關(guān)區（qū）(CEPA) 甲\n") | st.characters(), max_size=12),
        max_size=6,
    )
)
def test_lines_with_glosses_found_at_once_are_each_line_s(parts: list[str]) -> None:
    source = "\n".join(parts)
    lines = [ln for ln in physical_lines(source) if not ln.is_blank]
    expected = {i for i, ln in enumerate(lines) if gloss_spans(source[ln.content_start : ln.content_end])}
    assert lines_with_glosses(source, lines) == expected
    assert lines_with_glosses(source, lines[::-1]) == {len(lines) - 1 - i for i in expected}


@settings(max_examples=600, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("一、 \u3000 - 5 -第3页ab\n") | st.characters(), max_size=10),
        max_size=7,
    ),
    st.data(),
)
def test_wording_lines_are_the_physical_lines_not_blank(parts: list[str], data: st.DataObject) -> None:
    from coopstats.text import _scan_lines, wording_lines

    source = "\n".join(parts)
    start = data.draw(st.integers(0, len(source)))
    end = data.draw(st.integers(start, len(source)))
    expected = [ln for ln in physical_lines(source, start, end) if not ln.is_blank]
    assert wording_lines(source, start, end) == expected
    assert expected == [ln for ln in _scan_lines(source, start, end) if not ln.is_blank]


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_wording_lines_of_real_texts_are_the_physical_lines_not_blank(index: int) -> None:
    from coopstats.text import wording_lines

    source = TEXTS[index]
    for start, end in ((0, len(source)), (len(source) // 3, 2 * len(source) // 3)):
        assert wording_lines(source, start, end) == [
            ln for ln in physical_lines(source, start, end) if not ln.is_blank
        ]


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_a_unit_s_body_known_at_once_is_its_normalised_body(index: int) -> None:
    source = TEXTS[index]
    units = list(outline._units(source, 0, len(source), []))
    assert any(unit.body is not None for unit in units)
    for unit in units:
        if unit.body is not None:
            assert unit.body == normalize(source[unit.body_start : unit.end])
            assert unit.body == unit.norm[len(unit.norm) - len(unit.body) :]


def reference_nfkc(text: str) -> str:
    from coopstats.text import _NFKC_ORD, _changing

    parts = _changing().split(text)
    parts[1::2] = [part.translate(_NFKC_ORD) for part in parts[1::2]]
    return "".join(parts)


@settings(max_examples=800, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("，。（）：１ａ\uf98e\u2f00ﬁ²①𝐀\u3000粤 ") | st.characters(), max_size=80
    )
)
def test_nfkc_by_replacing_each_changing_character_is_per_character_nfkc(text: str) -> None:
    from coopstats import text as module

    expected = "".join(unicodedata.normalize("NFKC", ch) for ch in text)
    assert module._nfkc(text) == reference_nfkc(text) == expected
    scans = module._REPLACE_SCANS_PER_CHANGE
    try:
        module._REPLACE_SCANS_PER_CHANGE = 0  # the split, always
        assert module._nfkc(text) == expected
        module._REPLACE_SCANS_PER_CHANGE = 10**9  # the replacements, always
        assert module._nfkc(text) == expected
    finally:
        module._REPLACE_SCANS_PER_CHANGE = scans


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_nfkc_of_real_texts_is_per_character_nfkc(index: int) -> None:
    from coopstats.text import _nfkc

    assert _nfkc(TEXTS[index]) == reference_nfkc(TEXTS[index])


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet=st.sampled_from("2019年12月1日〇一二十 \n") | st.characters(), max_size=16))
def test_date_line_tested_only_when_it_ends_like_one_is_as_the_pattern(norm: str) -> None:
    for date in ("2019年12月\n", "2019年12月 \n ", "二〇一九年十二月一日"):
        assert outline._is_date_line(date)
    assert outline._is_date_line(norm) == (outline._DATE_LINE.match(norm.replace(" ", "")) is not None)


class _ScanningBuilder(outline._Builder):
    """The builder as it was: every node scanned for a block's paragraphs and for a node's parent."""

    def _imply_first_paragraph(self) -> None:
        block = [n for n in self.nodes if n.annex == self._annex_label() and n.level in ("paragraph",)]
        if any(n.para_no is not None for n in block):
            return
        unnumbered = [
            n
            for n in block
            if n.para_no is None and n.parent_id == (self.annex.node_id if self.annex else None)
        ]
        for node in unnumbered:
            node.para_no = 1
        if unnumbered:
            self.notes.append(
                outline.Note(
                    unnumbered[0].line,
                    "implied-paragraph-number",
                    "the unnumbered paragraph before paragraph 2 is taken as paragraph 1",
                )
            )

    def _reparent(self, node: outline.Node, parent: outline.Node | None) -> None:
        for other in self.nodes:
            if node in other.children:
                other.children.remove(node)
        node.parent_id = parent.node_id if parent is not None else None
        node.level = "heading"
        node.heading = node.text
        node.chapter_no = node.section_no = node.item_no = node.para_no = None
        if parent is not None:
            parent.children.append(node)


BRIEFING_LINES = [
    "2. 甲乙。",
    "3. 丙丁。",
    "1. 戊。",
    "一、总则",
    "概况",
    "合作取得进展。",
    "附件1",
    "附件2",
    "广东省人民政府",
    "2019年12月1日",
    "抄送：各市。",
    "1  不包括香港。",
    "（一）加强合作。",
    "",
]


def _shape(parsed: outline.Outline) -> list[tuple[object, ...]]:
    return [
        (n.node_id, n.parent_id, n.level, n.para_no, n.heading, tuple(c.node_id for c in n.children))
        for n in parsed.nodes
    ] + [(note.line, note.kind, note.message) for note in parsed.notes]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(BRIEFING_LINES), min_size=1, max_size=25))
def test_paragraph_numbers_and_back_matter_counted_as_by_scanning(lines: list[str]) -> None:
    source = "\n".join(lines)
    if not source.strip():
        return
    new = _shape(outline.parse_outline(source))
    builder = outline._Builder
    try:
        outline._Builder = _ScanningBuilder
        old = _shape(outline.parse_outline(source))
    finally:
        outline._Builder = builder
    assert new == old


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_real_outlines_are_as_by_scanning(index: int) -> None:
    new = _shape(outline.parse_outline(TEXTS[index]))
    builder = outline._Builder
    try:
        outline._Builder = _ScanningBuilder
        old = _shape(outline.parse_outline(TEXTS[index]))
    finally:
        outline._Builder = builder
    assert new == old


def test_many_paragraphs_numbered_2_cost_what_their_lines_do() -> None:
    """Was quadratic: each paragraph 2 scanned every node before it (16,000: 5 s)."""
    parsed = outline.parse_outline("2. 甲。\n" * 16000)
    assert len(parsed.nodes) == 16000 and {n.para_no for n in parsed.nodes} == {2}


@settings(max_examples=800, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("（一）１．㈠關(guān)ﬁ\uf98e甲 ") | st.characters(), max_size=12),
    st.integers(-1, 16),
)
def test_offset_after_normalized_characters_is_the_character_by_character_count(raw: str, count: int) -> None:
    assert outline._source_offset_after(raw, count) == reference_offset_after(raw, count)


@settings(max_examples=600, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from("()（）《》「」〔〕【】“”\"'{}[]甲\n") | st.characters(), max_size=12
        ),
        max_size=8,
    )
)
def test_balances_of_lines_at_once_are_each_line_s(texts: list[str]) -> None:
    assert outline._balances(texts) == [outline._balance(text) for text in texts]
