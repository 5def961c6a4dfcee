"""Steps of the figures stage that were made faster read as the word-by-word loops they replaced."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopstats import figure_extraction as fe


def nearest_keyword_by_loop(lead_in: str, unit: fe._Unit) -> fe._MeasureReading | None:
    """The measure word nearest the number, one rfind per word (the reading before issue 19)."""
    groups = [
        (fe._DECLINE_WORDS, "growth", -1),
        (fe._GROWTH_WORDS, "growth", 1),
        (fe._SHARE_WORDS, "share", 1),
    ]
    if unit.kind == "pp":
        groups += [(fe._PP_LOWER, "growth", -1), (fe._PP_HIGHER, "growth", 1)]
    best: tuple[int, str, int] | None = None
    for words, measure, sign in groups:
        for word in words:
            at = lead_in.rfind(word)
            if at < 0:
                continue
            found = (at + len(word), measure, sign)
            if measure == "growth" and fe._TO_A_LEVEL.match(lead_in, at + len(word)):
                found = (at + len(word), "percent", 1)
            if best is None or found[0] > best[0]:
                best = found
    return None if best is None else fe._MeasureReading(best[1], best[2])


WORDS = [
    *fe._DECLINE_WORDS,
    *fe._GROWTH_WORDS,
    *fe._SHARE_WORDS,
    *fe._PP_LOWER,
    *fe._PP_HIGHER,
    *"负长至到了出口比全国 ",
    "增长",
    "提高至",
]
UNITS = [fe._Unit("percent", "percent", 1.0, 0, None), fe._Unit("pp", "pp", 1.0, 0, None)]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=8), st.sampled_from(UNITS))
def test_nearest_measure_word_is_the_loops(pieces: list[str], unit: fe._Unit) -> None:
    lead_in = "".join(pieces)
    if lead_in.rstrip().endswith(("至", "到")) or any(w in lead_in for w in fe._CONTRIBUTION_WORDS):
        return  # read before the measure words
    expected = nearest_keyword_by_loop(lead_in, unit) or fe._classify("", unit, "")
    assert fe._classify(lead_in, unit, "") == expected


def test_a_figure_row_has_every_column_of_an_extraction() -> None:
    assert sorted(fe._FIELDS) == sorted(fe.FIGURE_COLUMNS)


def test_document_figure_columns_are_the_frame_of_document_figures() -> None:
    """Plain columns in, plain columns out: the frame made of them is document_figures'."""
    import pandas.testing as pdt

    import coopstats as cs
    from coopstats import corpus
    from coopstats.schemas import frame_of

    for doc_id in ("legco-cb-trade-2011", "gdhk-keywork-2017"):
        provisions = cs.provisions(doc_id)
        source = corpus.source_text(doc_id)
        names = ("doc_id", "node_id", "para_no", "start", "end")
        lists = {name: provisions[name].tolist() for name in names}
        columns, length = fe.document_figure_columns(lists, source, default_currency="HKD")
        assert all(len(values) == length for values in columns.values())
        frame = fe.document_figures(provisions, source, default_currency="HKD")
        pdt.assert_frame_equal(frame_of("figures", columns, length), frame)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="1,a,、。2(", max_size=14), st.integers(0, 14), st.integers(0, 14))
def test_clause_boundaries_are_the_marks_and_commas_not_between_digits(text: str, a: int, b: int) -> None:
    # figure_extraction._CLAUSE_BOUNDARY: one character class first (searched fast), the same matches
    # as the marks, a comma not after a digit and a comma not before one (also searched from a to b)
    from coopstats.figure_extraction import _CLAUSE_BOUNDARY

    spelled = re.compile(r"[。；;！？!?:：()「」《》]|(?<![0-9]),|,(?![0-9])|、")
    found = _CLAUSE_BOUNDARY.search(text, a, b)
    expected = spelled.search(text, a, b)
    assert (found and found.span()) == (expected and expected.span())
    assert [m.span() for m in _CLAUSE_BOUNDARY.finditer(text)] == [m.span() for m in spelled.finditer(text)]


def _context(text: str, breaks: list[int]) -> fe._Context:
    """A figure context over ``text`` alone (no view map), with the breaks that fall in it."""
    from types import SimpleNamespace

    from coopstats.periods import Reference

    return fe._Context(
        SimpleNamespace(text=text),  # type: ignore[arg-type]
        Reference(),
        issuer_currency=None,
        default_currency=None,
        carried_currency=None,
        breaks=tuple(sorted({b for b in breaks if b <= len(text)})),
    )


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="1,a、。(：2 ", max_size=400),
    st.lists(st.integers(0, 400), max_size=3),
    st.data(),
)
def test_clause_bounds_from_listed_marks_are_those_searched(
    text: str, breaks: list[int], data: st.DataObject
) -> None:
    # _Context.clause with the marks listed at once (a text dense with numbers) gives what the
    # searches around each figure give
    searched, listed = _context(text, breaks), _context(text, breaks)
    listed.list_marks()
    for _ in range(5):
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, len(text)))
        assert listed.clause(i, j) == searched.clause(i, j)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["香港", "政府統計處", "澳門", "统计局", "广东", "联合国"]), max_size=5))
def test_issuer_currency_remembered_is_the_form_written_first(pieces: list[str]) -> None:
    # vocabulary.issuer_currency remembers each name's currency: the same as reading every form each time
    from coopstats import vocabulary

    name = "".join(pieces)
    best = None
    for form, code in vocabulary.issuer_currency_forms().items():
        at = name.find(form)
        if at >= 0 and (best is None or (at, -len(form)) < best[:2]):
            best = (at, -len(form), code)
    expected = None if not name or best is None else best[2]
    assert vocabulary.issuer_currency(name) == expected
    assert vocabulary.issuer_currency(name) == expected  # remembered


_SUBJECT_PIECES = [
    "比",
    "較",
    "与",
    " ",
    "上年",
    "去年",
    "同期",
    "2015",
    "19",
    "年",
    "相比",
    "同比",
    "按年",
    "實質",
]
_SUBJECT_PIECES += [
    "港元",
    "的",
    "为",
    "了",
    "約",
    "在",
    "截至",
    "自",
    "3",
    "月",
    "底",
    "以來",
    "出口",
    "而",
    "其中",
    "共",
    "總共",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SUBJECT_PIECES), max_size=10))
def test_subject_patterns_searched_behind_their_first_characters(pieces: list[str]) -> None:
    # the lookaheads on the first characters of _COMPARISON_ONLY and _PERIOD_WORDS, and the first-character
    # gate of _SUBJECT_TRIM_START, change nothing removed
    text = "".join(pieces)
    comparison = re.compile(fe._COMPARISON_ONLY_BODY)
    period = re.compile(fe._PERIOD_WORDS_BODY)
    assert fe._COMPARISON_ONLY.sub("", text) == comparison.sub("", text)
    assert fe._PERIOD_WORDS.sub("", text) == period.sub("", text)
    trimmed = fe._SUBJECT_TRIM_START.sub("", text)
    assert trimmed == text or text[0] in fe._SUBJECT_TRIM_FIRST
    # the trailing words trimmed off a subject (their pattern behind a lookahead on their first characters)
    trim_end = fe._words().subject_trim_end
    bare = re.compile(trim_end.pattern.split("])", 1)[1])
    assert trim_end.pattern.startswith("(?=[") and bare.pattern.startswith("(?:")
    for ending in ("", "約", "港幣", "的", " ", "人民币的 ", "达到"):
        assert trim_end.sub("", text + ending) == bare.sub("", text + ending)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "1",
                "2.5",
                ",",
                " ",
                "%",
                "％",
                "个百分点",
                "個百分點",
                "和",
                "以及",
                "與",
                "、",
                "出口",
                "增长",
            ]
        ),
        max_size=8,
    )
)
def test_a_lead_in_with_another_character_is_no_list(pieces: list[str]) -> None:
    # figure_extraction._NOT_LISTED: a character outside the list's words and figures rules the list out
    lead_in = "".join(pieces)
    listed = fe._LIST_LINK.fullmatch(fe._LISTED_FIGURE.sub("", lead_in)) is not None
    assert not (listed and fe._NOT_LISTED.search(lead_in))


_GATE_PIECES = [
    *"0123456789,.  、，。：:(（)）",
    *"〇零一二三四五六七八九十兩两百千万萬亿億點点第首",
    *"分之下同單单位元亿萬億%％倍成家項项个個人次年月日批套港幣美元人民币伏多余進出口增長",
    "分之",
    "百分之",
    "下同",
    "單位：",
    "(人民幣，下同)",
    "单位:亿元",
    "个百分点",
    "1234567890",
    "个月",
    "  ",
]


@given(st.lists(st.sampled_from(_GATE_PIECES), max_size=14))
@settings(max_examples=600, deadline=None)
def test_a_view_the_gate_finds_nothing_in_has_no_number_no_note_and_no_warning(pieces: list[str]) -> None:
    import warnings

    from coopstats.periods import Reference
    from coopstats.text import TextView

    text = "".join(pieces)
    view = TextView.of(text)
    if fe._figure_gate().search(view.text) is not None:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fe._scan_numbers(view.text) == []
    ctx = fe._Context(view, Reference(), issuer_currency=None, default_currency=None, carried_currency="X")
    assert ctx.note_codes == []


def test_document_figures_the_same_without_the_gates(monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    from coopstats import corpus

    samples = sorted((Path(__file__).parent / "fixtures" / "samples").glob("*.txt"))
    sources = [corpus.source_text(row.doc_id) for row in corpus.manifest()]
    sources += [path.read_text(encoding="utf-8") for path in samples]
    match_all = re.compile("(?s).")  # every character: every provision read
    for source in sources:
        for step in (41, 97):  # provisions that cut lines, sentences and numbers
            spans = sorted({*range(0, len(source), step), len(source)})
            provisions = {
                "doc_id": ["d"] * (len(spans) - 1),
                "node_id": [f"p{k}" for k in range(len(spans) - 1)],
                "start": spans[:-1],
                "end": spans[1:],
            }
            settings_ = {"default_currency": "HKD", "published": "2024-06-15", "issuer": None}
            gated = fe.document_figure_columns(provisions, source, **settings_)
            with monkeypatch.context() as patched:
                patched.setattr(fe, "_figure_gate", lambda: match_all)
                assert fe.document_figure_columns(provisions, source, **settings_) == gated


def _scan_numbers_as_before(text: str) -> list[tuple[fe._Number, fe._Unit]]:
    # figure_extraction._scan_numbers as it was: every run tested for a unit in the loop, every Arabic
    # candidate matched against _WELL_FORMED_ARABIC (the scan's warnings are not compared)
    ahead = fe._words().unit_ahead
    found: list[tuple[fe._Number, fe._Unit]] = []
    covered = bytearray(len(text)) if "分之" in text else None
    for m in fe._ARABIC_CANDIDATE.finditer(text):
        raw = m.group()
        i, j = m.span()
        if j - i > fe._MAX_DIGITS and sum(ch.isdigit() for ch in raw) > fe._MAX_DIGITS:
            continue
        if fe._WELL_FORMED_ARABIC.match(raw):
            if covered is not None:
                covered[i:j] = b"\x01" * (j - i)
            unit = fe._unit_after(text, j, ahead)
            if unit is not None:
                found.append((fe._Number(i, j, *fe._arabic_value(raw), "arabic"), unit))
            continue
        pieces = fe._split_at_list_comma(raw)
        if pieces is not None:
            for offset, piece in ((0, pieces[0]), (len(pieces[0]) + 1, pieces[1])):
                a, b = i + offset, i + offset + len(piece)
                if covered is not None:
                    covered[a:b] = b"\x01" * (b - a)
                unit = fe._unit_after(text, b, ahead)
                if unit is not None:
                    found.append((fe._Number(a, b, *fe._arabic_value(piece), "arabic"), unit))
    if covered is not None:
        for m in fe._PERCENT_WORDS.finditer(text):
            value = fe._numeral(m["number"])
            if value is not None:
                i, j = m.span()
                covered[i:j] = b"\x01" * (j - i)
                found.append((fe._Number(i, j, value, 0.0, "percent-words"), fe._percent(j)))
        for m in fe._FRACTION_WORDS.finditer(text):
            i, j = m.span()
            if any(covered[i:j]):
                continue
            d, n = fe._numeral(m["denominator"]), fe._numeral(m["numerator"])
            if d and n is not None and d > 0:
                covered[i:j] = b"\x01" * (j - i)
                found.append((fe._Number(i, j, 100.0 * n / d, 0.0, "fraction"), fe._percent(j)))
    for m in fe._CHINESE_NUMERAL_RUN.finditer(text):
        i, j = m.span()
        if not ahead.match(text, j) or (covered is not None and any(covered[i:j])):
            continue
        raw = m.group()
        value = fe.parse_chinese_numeral(raw)
        if value is not None:
            unit = fe._read_unit(text, j)
            if unit is not None:
                found.append((fe._Number(i, j, value, fe._chinese_resolution(raw), "chinese"), unit))
    found.sort(key=fe._number_order)
    return found


@given(st.lists(st.sampled_from(_GATE_PIECES), max_size=16))
@settings(max_examples=500, deadline=None)
def test_the_number_scan_reads_as_before(pieces: list[str]) -> None:
    import warnings

    text = "".join(pieces)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert fe._scan_numbers(text) == _scan_numbers_as_before(text)


_UNIT_PIECES = [
    "%",
    "‰",
    " ",
    "多",
    "億",
    "万",
    "元",
    "港元",
    "人民币",
    "个",
    "百分点",
    "月",
    "倍",
    "成",
    "立",
    "千伏",
    "1",
    "，",
]


@given(st.sampled_from(["%", "‰"]), st.lists(st.sampled_from(_UNIT_PIECES), max_size=6))
@settings(max_examples=300, deadline=None)
def test_a_sign_is_read_as_the_unit_words_read_it(sign: str, pieces: list[str]) -> None:
    # figure_extraction._SIGNS: a percent sign at once, as the general reading (without the shortcut) has it
    text = "3" + sign + "".join(pieces)
    fast = fe._read_unit(text, 1)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(fe, "_SIGNS", frozenset())
        assert fe._read_unit(text, 1) == fast


def _qualify_as_before(text: str, i: int, unit_end: int, unit_bound: str | None) -> fe._Qualifier:
    # figure_extraction._qualify before the gate on the window's last character
    words = fe._words()
    window = text[max(0, i - 10) : i].rstrip()
    currency = None
    if window.endswith(words.currency_forms):
        for form in words.currency_forms:
            if window.endswith(form):
                currency = words.currencies[form]
                window = window[: -len(form)].rstrip()
                break
    if window.endswith(fe._LINK_WORDS):
        for word in fe._LINK_WORDS:
            if window.endswith(word):
                window = window[: -len(word)].rstrip()
                break
    bound = None
    if window.endswith(fe._APPROX_BEFORE_WORDS):
        bound = next(b for word, b in fe._APPROX_BEFORE if window.endswith(word))
    after = None
    if text.startswith(fe._APPROX_AFTER_WORDS, unit_end):
        after = next(b for word, b in fe._APPROX_AFTER if text.startswith(word, unit_end))
    bound = unit_bound or after or bound
    if bound is None and currency is None:
        return fe._PLAIN
    return fe._Qualifier(bound is not None, bound, currency)


_BEFORE_PIECES = [
    *fe._APPROX_BEFORE_WORDS,
    *fe._LINK_WORDS,
    "港幣",
    "人民币",
    "美元",
    " ",
    "出口",
    "第",
    "首",
    "\u3000",
]


@given(
    st.lists(st.sampled_from(_BEFORE_PIECES), max_size=6),
    st.lists(st.sampled_from([*fe._APPROX_AFTER_WORDS, "，", "增长", ""]), max_size=2),
    st.sampled_from([None, "over"]),
)
@settings(max_examples=500, deadline=None)
def test_qualifiers_and_ordinals_read_as_before(
    before: list[str], after: list[str], bound: str | None
) -> None:
    # the gate of _qualify on the window's last character (_qualifier_last) and _is_figure's look at the two
    # characters before the number change nothing
    from types import SimpleNamespace

    head = "".join(before)
    text = head + "12%" + "".join(after)
    i = len(head)
    number = fe._Number(i, i + 2, 12.0, 1.0, "arabic")
    unit = fe._Unit("percent", "percent", 1.0, i + 3, bound)
    ctx = SimpleNamespace(text=text)
    assert fe._qualify(ctx, number, unit) == _qualify_as_before(text, i, i + 3, bound)  # type: ignore[arg-type]
    ordinal = text[max(0, i - 2) : i].rstrip().endswith(("第", "首"))
    assert fe._is_figure(ctx, number, unit) is not ordinal  # type: ignore[arg-type]


def _subject_as_before(text: str, i: int, j: int, measure: str, clause: tuple[int, int], kind: str) -> str:
    # figure_extraction._subject before the cut by offsets and the gate on characters no comparison has
    if kind in ("count", "scale", "physical"):
        tail = fe._COUNT_TAIL_STOP.split(text[j : clause[1]], maxsplit=1)[0]
        if tail.strip():
            return tail.strip()[:16]
    lead = text[clause[0] : i]
    if "年" in lead:
        lead = fe._PERIOD_WORDS.sub("", lead)
    lead = lead.strip().lstrip("0123456789 ")
    if lead and lead[0] in fe._SUBJECT_TRIM_FIRST:
        lead = fe._SUBJECT_TRIM_START.sub("", lead)
    if measure in ("growth", "share", "multiple", "contribution"):
        head = lead
        if measure != "share":
            for word in fe._RATE_VERBS:
                at = head.rfind(word)
                if at >= 0:
                    head = head[:at]
        if not re.compile(fe._COMPARISON_ONLY_BODY).sub("", head).strip():
            return ""
    if lead and (lead[-1] in fe._words().subject_trim_last or lead[-1].isspace()):
        lead = fe._words().subject_trim_end.sub("", lead)
    return lead.strip()[-24:]


_LEAD_PIECES = [
    *_SUBJECT_PIECES,
    *fe._RATE_VERBS[::3],
    "增长",
    "下降",
    "为",
    "占",
    "出口",
    "货值",
    "同",
    "月",
]


@settings(max_examples=800, deadline=None)
@given(
    st.lists(st.sampled_from(_LEAD_PIECES), max_size=10),
    st.sampled_from(["growth", "share", "multiple", "amount", "percent", "contribution"]),
    st.sampled_from(["percent", "count", "money"]),
)
def test_the_subject_reads_as_before(pieces: list[str], measure: str, kind: str) -> None:
    lead = "".join(pieces)
    text = lead + "12%，出口"
    i = len(lead)
    expected = _subject_as_before(text, i, i + 3, measure, (0, len(text) - 3), kind)
    assert fe._subject(text, lead, i + 3, measure, len(text) - 3, kind) == expected
    if fe._NOT_IN_COMPARISONS.search(lead):  # a character no comparison word has: it stays
        assert fe._COMPARISON_ONLY.sub("", lead).strip()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["。", "；", "!", "?", "，", " ", "1", "a" * 7, "a" * 60, "a" * 190]), max_size=30
    ),
    st.lists(st.integers(0, 2000), max_size=3),
    st.lists(st.integers(0, 2000), min_size=1, max_size=8),
)
def test_sentence_bounds_from_listed_marks_are_those_searched(
    pieces: list[str], breaks: list[int], figures: list[int]
) -> None:
    text = "".join(pieces)  # runs long and short between marks: sentences cut by the reach or not
    # _Context.sentence with the marks listed at once (a text dense with numbers) gives what the searches
    # around each figure give, figure after figure (the memo of the last sentence included)
    searched, listed = _context(text, breaks), _context(text, breaks)
    listed.list_marks()
    for i in sorted({i for i in figures if i < len(text)}):  # figures come in text order
        assert listed.sentence(i) == searched.sentence(i)


_COMPARISON_ALPHABET = "比較较與与上去前年同期相環环按實实質质月分別别了約约0123456789 　出口增长為的"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_COMPARISON_ALPHABET, max_size=40))
def test_no_match_of_the_comparison_words_has_a_character_outside_them(text: str) -> None:
    """_NOT_IN_COMPARISONS (derived from the comparison words) finds nothing in any of their matches."""
    for m in re.finditer(fe._COMPARISON_ONLY_BODY, text):
        assert fe._NOT_IN_COMPARISONS.search(m.group()) is None, m.group()
    assert fe._NOT_IN_COMPARISONS.search("出") and not fe._NOT_IN_COMPARISONS.search("去年同期 2010年")
