"""The text stage: decoding, normalisation, page-break repair, on real seed text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coopstats as cs
from coopstats.errors import DecodingError, ParseError, UnsupportedFormatError
from coopstats.text import TextView, clean_wording, decode, detect_script, normalize, to_simplified

SEED_SENTENCE = "廣東省與香港的進出口總額約為港幣12,334億元，比去年增長32.4%"


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "gb18030", "big5", "utf-16", "utf-16-le", "utf-16-be"],
)
def test_decode_detects_encodings(encoding):
    text = SEED_SENTENCE if encoding != "gb18030" else to_simplified(SEED_SENTENCE)
    decoded = decode(text.encode(encoding))
    assert decoded.text == text


def test_decode_reports_the_encoding_used():
    assert decode(SEED_SENTENCE.encode("big5")).encoding == "big5"
    assert decode(to_simplified(SEED_SENTENCE).encode("gb18030")).encoding == "gb18030"
    assert decode(SEED_SENTENCE.encode("utf-8")).encoding == "utf-8"


def test_decode_normalises_newlines():
    assert decode("一、合作\r\n1. 推进。\r2. 完善。".encode()).text == "一、合作\n1. 推进。\n2. 完善。"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary", UnsupportedFormatError),
        (b"PK\x03\x04\x14\x00\x06\x00 word/document.xml", UnsupportedFormatError),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", UnsupportedFormatError),
        (b"\x89PNG\r\n\x1a\n\x00\x00", UnsupportedFormatError),
        (b"abc\x00\x01\x02\x03\xff\xfe\x00", UnsupportedFormatError),
        (b"", ParseError),
        (b"   \n\n  ", ParseError),
    ],
    ids=["pdf", "docx", "doc", "png", "nul-bytes", "empty", "blank"],
)
def test_decode_refuses_binary_and_empty(data, error):
    with pytest.raises(error):
        decode(data, path="input.bin")


def test_decode_refuses_implausible_bytes_with_the_file_name():
    noise = bytes(range(0x81, 0xFF)) * 20  # decodes as GB18030, but to nonsense
    with pytest.raises(DecodingError, match=r"noise\.txt"):
        decode(noise, path="noise.txt")


def test_forced_encoding_that_does_not_fit_is_a_clear_error():
    with pytest.raises(DecodingError, match="cannot decode as ascii"):
        decode(SEED_SENTENCE.encode("utf-8"), encoding="ascii", path="x.txt")


def test_compatibility_ideographs_in_the_traditional_seed_are_normalised():
    source = cs.source_text("gdhk-keywork-2011")
    # the seed spells 年 as U+F98E and 六 as U+F9D1: they look right and compare wrong
    assert "\uf98e" in source and "\uf9d1" in source
    assert "\uf98e" not in normalize(source) and "六、教育與人才" in normalize(source)


def test_simplified_view_converts_hong_kong_variants():
    assert to_simplified("衞生") == "卫生"  # t2s would leave 衞
    assert to_simplified(normalize("六、教育與人才")) == "六、教育与人才"


def test_detect_script():
    assert detect_script(cs.source_text("legco-cb-trade-2011")) == "hant"
    assert detect_script(cs.source_text("gdhk-keywork-2017")) == "hans"


def test_view_repairs_a_number_split_by_a_page_break_and_maps_back():
    source = cs.source_text("legco-cb-trade-2011")
    view = TextView.of(source)
    i = view.text.index("港幣26,445億元")
    start, end = view.source_span(i, i + len("港幣26,445億元"))
    assert source[start:end] == "港幣26,445\n億元"


def test_clean_wording_removes_page_break_whitespace_only():
    source = cs.source_text("gdhk-keywork-2017")
    start = source.index("12. 推动粤港")
    end = source.index("（人行广州分行）", start)
    assert clean_wording(source, start, end) == (
        "12. 推动粤港两地金融机构及非银行支付机构合作，促进粤港跨境电子商务业务发展。"
        "完善非现金支付工具（包括银行卡、电子支票等）跨境使用和清算，便利两地企业跨境业务资金往来。"
    )


def test_page_header_is_dropped_from_the_view():
    source = cs.source_text("legco-cb-trade-2011")
    assert " - 5 -" in source
    assert "- 5 -" not in TextView.of(source).text


@settings(deadline=None, max_examples=200)
@given(st.text(alphabet=st.sampled_from([*"一二（）(). 1２３\n\n ﬁ㈠¼\uf98e、。，港幣億元%", "\u3000"])))
def test_view_offsets_slice_back_for_any_text(text):
    view = TextView.of(text)
    assert len(view.positions) == len(view.text)
    for i in range(len(view.text)):
        start, end = view.source_span(i, i + 1)
        assert view.text[i] in normalize(text[start:end]) or view.text[i] == " "
