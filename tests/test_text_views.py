"""The document-wide views give exactly what viewing each slice on its own gave.

:class:`~coopstats.text.TextView`, :func:`~coopstats.text.physical_lines` and
:func:`~coopstats.text.clean_wording` slice one view of the whole source, built
once. The references below read the slice line by line, as the package did
before; on every slice of the corpus, the samples and generated texts of the
genre's awkward cases (page headers, glosses, Latin words broken over lines,
full-width forms and characters NFKC expands), both give the same.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopstats import corpus
from coopstats.text import (
    _NFKC,
    PhysicalLine,
    TextView,
    clean_wording,
    gloss_spans,
    is_page_header,
    physical_lines,
    strip_glosses,
    to_simplified,
)

SAMPLES = Path(__file__).parent / "fixtures" / "samples"


# --- the references: each slice read line by line -----------------------------------------------


def reference_lines(source: str, start: int = 0, end: int | None = None) -> list[PhysicalLine]:
    end = len(source) if end is None else end
    number = source.count("\n", 0, start) + 1
    position = source.rfind("\n", 0, start) + 1
    found = []
    while position <= end and position <= len(source):
        newline = source.find("\n", position)
        line_end = len(source) if newline == -1 else newline
        lo, hi = max(position, start), min(line_end, end)
        text = source[lo:hi]
        content_start = lo + len(text) - len(text.lstrip())
        content_end = max(lo + len(text.rstrip()), content_start)
        if hi >= lo:
            found.append(PhysicalLine(number, lo, hi, content_start, content_end, is_page_header(text)))
        if newline == -1:
            break
        position = newline + 1
        number += 1
    return found


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def reference_view(source: str, start: int = 0, end: int | None = None) -> tuple[str, tuple[int, ...]]:
    pieces: list[str] = []
    positions: list[int] = []
    previous = ""
    for line in reference_lines(source, start, end):
        if line.is_blank or line.is_page_header:
            continue
        first = line.content_start
        content = source[first : line.content_end]
        if previous and content and _latin(previous) and _latin(content[0]):
            pieces.append(" ")
            positions.append(first - 1)
        glossed = {i for a, b in gloss_spans(content) for i in range(a, b)}
        for offset, ch in enumerate(content, start=first):
            if offset - first in glossed:
                continue
            normal = _NFKC[ch]
            pieces.append(normal)
            positions.extend([offset] * len(normal))
        if content:
            previous = content[-1]
    return "".join(pieces), tuple(positions)


def reference_clean(source: str, start: int, end: int) -> str:
    parts: list[str] = []
    previous = ""
    for line in reference_lines(source, start, end):
        if line.is_blank or line.is_page_header:
            continue
        content = strip_glosses(source[line.content_start : line.content_end])
        if not content:
            continue
        if previous and _latin(previous) and _latin(content[0]):
            parts.append(" ")
        parts.append(content)
        previous = content[-1]
    return "".join(parts)


def assert_same(source: str, start: int, end: int) -> None:
    view = TextView.of(source, start, end)
    assert (view.text, view.positions) == reference_view(source, start, end), (start, end)
    assert list(physical_lines(source, start, end)) == reference_lines(source, start, end), (start, end)
    assert clean_wording(source, start, end) == reference_clean(source, start, end), (start, end)


# --- the texts ---------------------------------------------------------------------------------


def _texts() -> list[str]:
    raw = [corpus.data_dir().joinpath("raw", row.source_file) for row in corpus.manifest()]
    files = raw + sorted(SAMPLES.glob("*.txt"))
    return [path.read_bytes().decode("utf-8").replace("\r\n", "\n") for path in files]


TEXTS = _texts()

# Pieces of the genre's awkward lines, put together at random.
PIECES = [
    "一、合作",
    "（一）推进",
    "1. 加快",
    "粤港",
    "關(guān)於",
    "區（qū）",
    "(CEPA)",
    "Hong",
    "Kong",
    "2024",
    "１２億元",
    "…",
    "㈠",
    "\uf98e",
    " - 5 - ",
    "第 3 页",
    "5/12",
    "。",
    "，",
    " ",
    "  ",
    "\u3000",
    "\t",
    "\n",
    "\n",
    "\n\n",
    "\n   ",
    "\r",
]


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_every_line_span_of_a_real_text_is_viewed_as_before(index):
    source = TEXTS[index]
    lines = reference_lines(source)
    rng = random.Random(index)
    cuts = sorted({0, len(source)} | {ln.start for ln in lines} | {ln.content_end for ln in lines})
    for _ in range(300):
        start, end = sorted(rng.sample(cuts, 2)) if len(cuts) > 1 else (0, len(source))
        assert_same(source, start, end)


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_random_slices_of_a_real_text_are_viewed_as_before(index):
    source = TEXTS[index]
    rng = random.Random(1000 + index)
    for _ in range(300):
        start = rng.randrange(len(source) + 1)
        end = min(len(source), start + rng.choice([0, 1, 2, 5, 40, 300, 3000]))
        assert_same(source, start, end)
    assert_same(source, 0, len(source))


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.integers(0, 400),
    st.integers(0, 400),
)
def test_slices_of_awkward_texts_are_viewed_as_before(source, a, b):
    start, end = sorted((min(a, len(source)), min(b, len(source))))
    assert_same(source, start, end)
    assert_same(source, 0, len(source))


def test_views_of_arguments_outside_the_text_are_read_as_before():
    source = "一、合作\n\n1. 推进 Hong\nKong 合作。"
    for start, end in [(5, 3), (0, 100), (3, 100), (-3, 4)]:
        view = TextView.of(source, start, end)
        assert (view.text, view.positions) == reference_view(source, start, end)
        assert list(physical_lines(source, start, end)) == reference_lines(source, start, end)
        assert clean_wording(source, start, end) == reference_clean(source, start, end)


def test_views_of_several_sources_in_turn_stay_apart():
    first, second = "粤港\n合作", "澳门\n合作"
    for _ in range(3):
        for source in (first, second, "".join([first])):
            assert TextView.of(source, 0, len(source)).text == reference_view(source)[0]


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_outline_brackets_count_as_the_clause_stage_counts_them(index):
    from coopstats.clauses import bracket_balance
    from coopstats.outline import _balance

    for line in TEXTS[index].split("\n"):
        assert _balance(line) == bracket_balance(line)
    assert _balance(TEXTS[index]) == bracket_balance(TEXTS[index])


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_simplified_lines_are_converted_as_before(index):
    from coopstats.text import _simplified, to_simplified

    for line in TEXTS[index].split("\n"):
        assert to_simplified(line) == _simplified(line) if line else to_simplified(line) == line


def test_viewing_many_short_texts_keeps_the_document_view():
    from coopstats import text

    source = TEXTS[0] if len(TEXTS[0]) >= text._SHORT_SOURCE else max(TEXTS, key=len)
    assert len(source) >= text._SHORT_SOURCE
    document = text._document(source)
    for k in range(20):
        TextView.of(f"第{k}项：粤港合作。")
    assert text._document(source) is document


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_document_lines_and_kept_lines_are_as_read_line_by_line(source):
    from coopstats.text import _Document

    doc = _Document(source)
    lines = reference_lines(source)
    assert doc.lines() == lines
    assert list(doc.line_start) == [ln.start for ln in lines]
    words = [ln for ln in lines if not ln.is_blank]
    assert list(doc.words_start) == [ln.content_start for ln in words]
    assert list(doc.words_end) == [ln.content_end for ln in words]
    assert doc.headers == {rank for rank, ln in enumerate(words) if ln.is_page_header}
    kept = [ln for ln in words if not ln.is_page_header]
    assert list(doc.kept_start) == [ln.content_start for ln in kept]
    assert list(doc.kept_end) == [ln.content_end for ln in kept]
    for rank, ln in enumerate(kept):
        assert doc.rank(ln.content_start, ln.content_end) == rank
        wording = doc.norm[doc.norm_start[rank] : doc.norm_end[rank]]
        assert wording == reference_view(source, ln.content_start, ln.content_end)[0]
        assert doc.clean[doc.clean_start[rank] : doc.clean_end[rank]] == reference_clean(
            source, ln.content_start, ln.content_end
        )


def test_views_taken_in_many_threads_at_once_are_those_of_one_thread():
    from concurrent.futures import ThreadPoolExecutor

    from coopstats import text

    def views(index: int) -> list[tuple[str, tuple[int, ...], str]]:
        source = TEXTS[index % len(TEXTS)]  # threads share sources, and more sources than are kept
        rng = random.Random(index)
        found = []
        for _ in range(60):
            start = rng.randrange(len(source) + 1)
            end = min(len(source), start + rng.choice([1, 40, 300]))
            view = TextView.of(source, start, end)
            found.append((view.text, view.positions, clean_wording(source, start, end)))
        return found

    expected = [views(index) for index in range(12)]
    text._DOCUMENTS[False] = text._DOCUMENTS[True] = ()
    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(views, range(12))) == expected


# --- the simplified view: sliced from one conversion of the document where that is exact -------

# Traditional words whose conversion depends on their neighbours (phrases), and what cuts them.
HANT_PIECES = [
    "粵港",
    "澳門",
    "關於",
    "發展",
    "衞生",
    "頭髮",
    "理髮",
    "皇后",
    "後來",
    "一隻",
    "聯繫",
    "干擾",
    "乾燥",
    "著名",
    "天后",
    "髮",
    "后",
    "乾",
    "，",
    "。",
    "（",
    "）",
    "1",
    "A",
    " ",
    "\n",
    "\n\n",
    "１２",
]


def _assert_simplified(source: str, start: int, end: int) -> None:
    view = TextView.of(source, start, end)
    assert view.simplified == to_simplified(view.text), (start, end)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(HANT_PIECES), max_size=40).map("".join), st.integers(0, 200), st.integers(0, 200)
)
def test_simplified_views_are_the_conversion_of_their_text(source, a, b):
    start, end = sorted((min(a, len(source)), min(b, len(source))))
    _assert_simplified(source, start, end)
    _assert_simplified(source, 0, len(source))


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_simplified_views_of_a_real_text_are_its_conversion(index):
    source = TEXTS[index]
    lines = reference_lines(source)
    rng = random.Random(2000 + index)
    cuts = sorted({0, len(source)} | {ln.start for ln in lines} | {ln.content_end for ln in lines})
    for _ in range(200):
        start, end = sorted(rng.sample(cuts, 2)) if len(cuts) > 1 else (0, len(source))
        _assert_simplified(source, start, end)


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_no_opencc_phrase_of_a_real_text_spans_a_character_that_is_no_ideograph(index):
    from coopstats.text import _IDEOGRAPH_RUN, _converter, normalize

    text = normalize(TEXTS[index])
    runs = [(m.start(), m.end()) for m in _IDEOGRAPH_RUN.finditer(text)]
    converted = _converter().convert(text)
    assert len(converted) == len(text)
    for a, b in runs:
        assert converted[a:b] == _converter().convert(text[a:b])
