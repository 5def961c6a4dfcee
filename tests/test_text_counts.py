"""Counts over a whole text (decoding plausibility, script) give what counting character by character gave."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopstats import corpus
from coopstats.text import (
    _COMMON_HANZI,
    _SIMPLIFIED_MARKERS,
    _TRADITIONAL_MARKERS,
    _plausibility,
    _sample,
    _script_share,
    _text_share,
    detect_script,
    normalize,
)

SAMPLES = Path(__file__).parent / "fixtures" / "samples"


def reference_plausibility(text: str) -> tuple[float, float]:
    text = _sample(text)
    if not text:
        return 0.0, 0.0
    bad = ideographs = common = 0
    for ch in text:
        cat = unicodedata.category(ch)
        if (cat in ("Cc", "Co", "Cs", "Cn") and ch not in "\n\r\t\f") or ch == "\ufffd":
            bad += 1
        elif "\u4e00" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff":
            ideographs += 1
            if ch in _COMMON_HANZI:
                common += 1
        elif ch >= "\U00020000":
            ideographs += 1
    common_share = common / ideographs if ideographs else 1.0
    return 1 - bad / len(text), common_share


def reference_script_share(text: str) -> float:
    text = _sample(text)
    if not text:
        return 0.0
    fitting = sum(
        1
        for ch in text
        if " " <= ch <= "~"
        or ch in "\n\r\t\f"
        or "\u3000" <= ch <= "\u303f"
        or "\u3400" <= ch <= "\u4dbf"
        or "\u4e00" <= ch <= "\u9fff"
        or "\uf900" <= ch <= "\ufaff"
        or "\uff00" <= ch <= "\uffef"
        or "\u2000" <= ch <= "\u206f"
        or "\u2460" <= ch <= "\u24ff"
        or "\u2500" <= ch <= "\u257f"
        or ch in "\u00a0\u00b7\u00d7\u00f7\u00b0\u2103\u2116\u2160\u2161\u2162\u2163\u2164"
    )
    return fitting / len(text)


def reference_script(text: str) -> str:
    normal = normalize(text)
    hant = sum(ch in _TRADITIONAL_MARKERS for ch in normal)
    hans = sum(ch in _SIMPLIFIED_MARKERS for ch in normal)
    return "hant" if hant > hans else "hans"


def _texts() -> list[str]:
    raw = [corpus.data_dir().joinpath("raw", row.source_file) for row in corpus.manifest()]
    return [path.read_bytes().decode("utf-8") for path in raw + sorted(SAMPLES.glob("*.txt"))]


TEXTS = _texts()


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_counts_of_real_texts_are_as_before(index):
    text = TEXTS[index]
    assert _plausibility(text) == reference_plausibility(text)
    assert _text_share(text) == reference_plausibility(text)[0]
    assert _script_share(text) == reference_script_share(text)
    assert detect_script(text) == reference_script(text)
    wrong = text.encode("utf-8").decode("gb18030", "replace")  # a wrong decoding: rare characters
    assert _plausibility(wrong) == reference_plausibility(wrong)
    assert _script_share(wrong) == reference_script_share(wrong)


# Characters of every kind the counts tell apart: controls, private use, unassigned, surrogates,
# common and rare ideographs, compatibility ideographs, supplementary ones, punctuation.
ODD = "\x00\x07\n\r\t\f\x7f\x85\ue000\U000f0000\ufa6e\U0003134b\ud800\ufffd"
ODD += "\u4e00粤粵国國\uf98e\U00020000㍿，。a "


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(ODD) | st.characters(), max_size=60))
def test_counts_of_any_text_are_as_before(text):
    assert _plausibility(text) == reference_plausibility(text)
    assert _text_share(text) == reference_plausibility(text)[0]
    assert _script_share(text) == reference_script_share(text)
    assert detect_script(text) == reference_script(text)


def test_a_text_nfkc_leaves_alone_has_no_character_nfkc_changes_alone():
    import sys

    changed = [chr(i) for i in range(sys.maxunicode + 1) if unicodedata.normalize("NFKC", chr(i)) != chr(i)]
    for ch in changed:
        for text in (ch, "a" + ch, ch + "a", "一" + ch, ch + "\u0301", "\u0301" + ch):
            assert normalize(text) == "".join(unicodedata.normalize("NFKC", c) for c in text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(ODD + "（１２）ａ…㈠\u0301e") | st.characters(), max_size=60))
def test_normalize_is_nfkc_character_by_character(text):
    assert normalize(text) == "".join(unicodedata.normalize("NFKC", c) for c in text)


GLOSSED = ["關(guān)", "區（qū）", "(CEPA)", "(guān)", "a(guān)", "關（", "關(gu", "關(ā)"]
GLOSSED += ["粤", "（", ")", "ü"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(GLOSSED), max_size=12).map("".join))
def test_glosses_are_found_as_by_looking_behind_first(text):
    import re

    from coopstats.text import gloss_spans, strip_glosses

    before = re.compile(r"(?<=[\u3400-\u9fff])[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")
    assert gloss_spans(text) == [m.span() for m in before.finditer(text)]
    assert strip_glosses(text) == before.sub("", text)


def test_no_character_of_the_usual_blocks_becomes_a_script_marker():
    from coopstats.text import _USUAL_BLOCKS

    markers = _TRADITIONAL_MARKERS | _SIMPLIFIED_MARKERS
    assert all(unicodedata.normalize("NFKC", ch) == ch for ch in markers)
    for lo, hi in _USUAL_BLOCKS:
        for code in range(lo, hi + 1):
            normal = unicodedata.normalize("NFKC", chr(code))
            assert normal == chr(code) or not set(normal) & markers, hex(code)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("粵粤國国與与\uf98e\uf900㍿⾨，（１）a\n") | st.characters(), max_size=60
    )
)
def test_script_of_any_text_is_as_before(text):
    assert detect_script(text) == reference_script(text)


BRACKETY = "()（）[]［］{}《》「」『』〈〉【】〔〕﹙﹚︵︶⦅⦆\"“”'粤港 ａ１\t\n\U00020000\uf98e"


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_outline_widths_and_brackets_of_real_lines_are_as_before(index):
    from coopstats.clauses import bracket_balance
    from coopstats.outline import _balance, _display_width

    for line in TEXTS[index].split("\n"):
        assert _display_width(line) == sum(2 if unicodedata.east_asian_width(c) in "FW" else 1 for c in line)
        assert _balance(line) == bracket_balance(line)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(BRACKETY) | st.characters(), max_size=60))
def test_outline_widths_and_brackets_of_any_text_are_as_before(text):
    from coopstats.clauses import bracket_balance
    from coopstats.outline import _balance, _display_width

    assert _display_width(text) == sum(2 if unicodedata.east_asian_width(c) in "FW" else 1 for c in text)
    assert _balance(text) == bracket_balance(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["推进粤港澳合作", "，", "。", "（一）", "１．", "\uf98e", "\U0002f800", "㍿", "ａ", "a"]
        )
        | st.text(alphabet=st.characters(), max_size=3),
        max_size=80,
    ).map("".join)
)
def test_normalize_is_the_translate_of_each_character(text):
    """Long texts with few distinct changing characters (replaced throughout) and short ones with many
    (split at their runs) normalise as translating every character by its NFKC (the reference)."""
    from coopstats.text import _NFKC_ORD

    assert normalize(text) == text.translate(_NFKC_ORD)
    assert normalize(text) == "".join(unicodedata.normalize("NFKC", c) for c in text)
