"""No input crashes, stalls or refuses a whole document for the wrong reason: decoding, numbers, files."""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
import warnings

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import coopstats as cs
from coopstats.errors import (
    CoopstatsError,
    DecodingWarning,
    DocumentTooLargeError,
    FigureWarning,
    NotAFileError,
    UndecodableBytesError,
)
from coopstats.readers import read_document, read_file
from coopstats.text import _COMMON_HANZI, MAX_NUMBER, decode, parse_chinese_numeral, parse_number

DOC = "一、合作机制\n1. 完善联席会议机制，推进粤港澳大湾区建设。（省港澳办牵头，省商务厅等按职责分工负责）\n"


# --- decoding ----------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_and_without_zero_bytes_is_read(codec):
    text = "粤港澳大湾区建设合作框架协议推进落实"
    assert not any(b == 0 for b in text.encode(codec))
    assert decode(text.encode(codec)).text == text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_with_few_zero_bytes_is_read_not_refused_as_binary(codec):
    text = DOC * 3
    data = text.encode(codec)
    assert 0 in data
    decoded = decode(data)
    assert (decoded.text, decoded.encoding) == (text, codec)
    assert len(cs.parse_document(data).tasks) == 3


def test_a_stray_byte_in_utf8_names_its_offset_and_can_be_read_past():
    good = DOC.encode("utf-8")
    at = good.index(b"1.")  # the start of line 2
    data = good[:at] + b"\xff" + good[at:]
    with pytest.raises(UndecodableBytesError, match=f"offset {at}") as info:
        decode(data, path="a.txt")
    assert (info.value.offset, info.value.encoding, info.value.path) == (at, "utf-8", "a.txt")
    with pytest.warns(DecodingWarning, match="byte offset"):
        decoded = decode(data, encoding_errors="replace")
    assert decoded.replaced == (at,)
    assert decoded.text.replace("\ufffd", "") == DOC
    with pytest.warns(DecodingWarning):
        doc = cs.parse_document(data, encoding_errors="replace")
    note = doc.notes[doc.notes["kind"] == "replaced-bytes"]
    assert note["message"].tolist() == [f"undecodable byte(s) at byte offset {at}"]
    assert note["line"].tolist() == [2]
    with pytest.raises(UndecodableBytesError, match=f"offset {at}"):
        read_document(data, encoding="utf-8")


_HANZI = sorted(_COMMON_HANZI)[::4]  # about a hundred common characters: 10,000 pairs per codec


@pytest.mark.parametrize("codec", ["gb18030", "big5", "utf-8"])
def test_two_common_hanzi_never_decode_silently_to_mojibake(codec):
    silent_wrong = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DecodingWarning)
        for a, b in itertools.product(_HANZI, repeat=2):
            try:
                data = (a + b).encode(codec)
            except UnicodeEncodeError:
                continue
            try:
                decoded = decode(data)
            except CoopstatsError:
                continue  # refused with a clear error: acceptable
            if decoded.text != a + b and not decoded.guessed:
                silent_wrong.append((a + b, decoded.text, decoded.encoding))
    assert silent_wrong == []


def test_a_short_ambiguous_input_is_flagged_with_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DecodingWarning)
        data = next(
            data
            for a, b in itertools.product(_HANZI, repeat=2)
            if decode(data := (a + b).encode("gb18030")).guessed
        )
    with pytest.warns(DecodingWarning, match="also give plausible"):
        decoded = decode(data)
    assert decoded.guessed
    with pytest.warns(DecodingWarning):
        notes = cs.parse_document(b"1." + data).notes
    assert "guessed-encoding" in notes["kind"].tolist()


def test_a_lone_surrogate_in_a_str_becomes_fffd_with_a_warning():
    text = DOC.replace("完善", "完\ud800善")
    with pytest.warns(DecodingWarning, match="lone surrogate"):
        doc = cs.parse_document(text)
    assert "\ufffd" in doc.source and "\ud800" not in doc.source
    assert doc.notes["kind"].tolist()[-1] == "replaced-surrogates"
    assert len(doc.tasks) == 1


_SNIPPET = st.text(
    alphabet=st.sampled_from(
        list("0123456789０１２零一二三四五六七八九十百千万亿點点.,，、。%()（）【】第条章\n 　")
    ),
    max_size=20_000,
)


_LONG = ("第一百二十三条（一）1.5亿元，增长3.1%；" * 800)[:20_000]


@settings(max_examples=30, deadline=None)
@example(text=_LONG, codec="gb18030")
@example(text="九" * 20_000, codec="utf-16-le")
@given(text=_SNIPPET, codec=st.sampled_from(["utf-8", "gb18030", "big5", "utf-16-le", "utf-16-be", "utf-16"]))
def test_long_texts_of_numerals_decode_or_raise_a_coopstats_error(text, codec):
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DecodingWarning)
        try:
            decode(data)
            decode(data[: len(data) // 2 + 1], encoding_errors="replace")
        except CoopstatsError:
            pass


# --- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "numeral", ["九" * 400, "九亿" * 30, "一" * 17, "二零一一点" + "五" * 30, "1" * 5000, "亿亿亿亿亿亿"]
)
def test_absurd_numerals_are_not_numbers(numeral):
    assert parse_chinese_numeral(numeral) is None
    assert parse_number(numeral) is None


def test_an_article_number_of_5000_digits_does_not_crash_the_parse():
    text = "第" + "1" * 5000 + "条 推进合作。\n第二条 完善机制。\n"
    # not read as a figure, with a warning saying so; the article keeps its number as its label
    with pytest.warns(FigureWarning, match="skipped a number of 5000 digits at offset 1"):
        doc = cs.parse_document(text)
    assert doc.provisions["label"].tolist() == ["第" + "1" * 5000 + "条", "第二条"]
    assert doc.figures.empty


def test_chapters_numbered_with_400_nines_parse():
    doc = cs.parse_document("九" * 400 + "、合作\n1. 推进合作。（省商务厅牵头）\n")
    assert doc.tasks["text"].tolist() == ["推进合作。"]


@settings(max_examples=60, deadline=None)
@example(text="九" * 20_000)
@example(text="1" * 20_000)
@given(text=_SNIPPET)
def test_any_long_string_of_numerals_is_a_bounded_number_or_none(text):
    for value in (parse_chinese_numeral(text), parse_number(text)):
        assert value is None or (0 <= value <= MAX_NUMBER)


@settings(max_examples=15, deadline=None)
@example(text=_LONG)
@example(text="第" + "1" * 19_998 + "条")
@given(text=_SNIPPET)
def test_any_long_string_of_numerals_parses_or_raises_a_coopstats_error(text):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.suppress(CoopstatsError):
            cs.parse_document(text)


# --- files -------------------------------------------------------------------------------------


def test_dev_zero_is_refused_without_reading_it():
    with pytest.raises(NotAFileError, match="character device"):
        cs.parse_document(__import__("pathlib").Path("/dev/zero"))


def test_a_fifo_is_refused_at_once_instead_of_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def parse() -> None:
        try:
            cs.parse_document(fifo)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=parse, daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # unblock the thread before failing
        with open(fifo, "wb"):
            pass
        pytest.fail("parse_document blocked on a FIFO")
    assert isinstance(outcome[0], NotAFileError)


def test_a_file_over_max_bytes_is_refused_with_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_bytes(DOC.encode() * 100)
    with pytest.raises(DocumentTooLargeError, match="limit of 1000 bytes") as info:
        cs.parse_document(path, max_bytes=1000)
    assert info.value.limit == 1000 and info.value.size == path.stat().st_size
    monkeypatch.setenv("COOPSTATS_MAX_BYTES", "2000")
    with pytest.raises(DocumentTooLargeError):
        read_file(path)
    with pytest.raises(DocumentTooLargeError):
        cs.parse_document(path.read_bytes())
    monkeypatch.delenv("COOPSTATS_MAX_BYTES")
    assert len(cs.parse_document(path).tasks) == 100


def test_a_folder_is_refused_clearly(tmp_path):
    with pytest.raises(NotAFileError, match="folder"):
        cs.parse_document(tmp_path)
