"""Text stage: decoding bytes, normalising for matching, and repairing page breaks.

Everything the later stages match against goes through this module, and every
position they report is an offset into the *source text*: the decoded file with
its newlines normalised to ``\\n``. Three views of a stretch of source are used:

- the **source** itself, which frames slice to show the original wording;
- the **normalised view** (:class:`TextView`): Unicode NFKC applied character by
  character (full-width digits and punctuation become half-width, CJK
  compatibility ideographs such as U+F98E become the unified 年), with a map
  from every normalised character back to its source offset, held as one run
  of consecutive offsets a line;
- the **simplified-script view** (:func:`to_simplified`, :attr:`TextView.simplified`),
  OpenCC's ``hk2s`` conversion, used to compare traditional and simplified wording.

``hk2s`` is used rather than ``t2s`` because ``t2s`` leaves Hong Kong variants
such as 衞 unconverted, so 衞生 would not match 卫生.

The normalised view (and :func:`clean_wording`'s view of the original wording,
and the :func:`physical_lines`) of a whole source is built once, for the few
sources being parsed, and every stretch a stage views is sliced from it: only a
line the stretch cuts inside its wording is read again. A simplified text is
converted once (texts of up to 2,000 characters are remembered): OpenCC's
phrases make a conversion depend on the text around, so a slice of a
document-wide conversion could differ from converting the slice, except where
the slice is cut next to a character no phrase holds (no ideograph):
:attr:`TextView.simplified` is sliced from one conversion of the document there.
"""

from __future__ import annotations

import bisect
import codecs
import functools
import itertools
import operator
import re
import threading
import unicodedata
import warnings
from array import array
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from os import PathLike
from typing import TYPE_CHECKING, NamedTuple

from coopstats.errors import (
    DecodingError,
    DecodingWarning,
    ParseError,
    UndecodableBytesError,
    UnsupportedFormatError,
)

if TYPE_CHECKING:
    import opencc

__all__ = [
    "CHINESE_DIGITS",
    "CHINESE_GROUPS",
    "CHINESE_PLACES",
    "MAX_NUMBER",
    "MAX_SIGNIFICANT_DIGITS",
    "SHORT_INPUT_BYTES",
    "Decoded",
    "PhysicalLine",
    "TextView",
    "clean_wording",
    "clean_wording_of",
    "decode",
    "detect_script",
    "gloss_spans",
    "has_control_characters",
    "is_page_header",
    "lines_with_glosses",
    "normalize",
    "normalize_newlines",
    "normalized_with_positions",
    "normalized_wording",
    "normalized_wordings",
    "offset_after_normalized",
    "parse_chinese_numeral",
    "parse_number",
    "physical_lines",
    "strip_glosses",
    "to_simplified",
    "wording_lines",
]

# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------

# Signatures of binary formats a user may hand over by mistake.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "a zip archive (Word .docx, Excel .xlsx or similar)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE file (Word .doc, Excel .xls or similar)"),
    (b"{\\rtf", "RTF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
)

# About 400 of the most frequent Chinese characters in both scripts. A correct
# decoding of Chinese prose uses them for most of its ideographs; a wrong one
# (Big5 bytes read as GB18030 or the reverse) gives rare characters instead.
_COMMON_HANZI = frozenset(
    "一三上下不与业两並个中为主么义之九也了事二于五些产人从他代以们件任会但位体作你使來信個們做先党入內"
    "全兩公关其内军农决几出分则別利别到制則前力加动動化区區十原去又及反发取变只可各合同后向员命和品員問四"
    "回因国图國圖在地基处外多大天头她好如子学學它定实家實对将將對小少就展山工已常干平年并幹幾应府度建开式"
    "強强当形很後得從心必性总情想意應成我或战戰所手把指据接提據放政数數文料新方於无日时明是時最會月有期本"
    "机条来果样根條業樣機次正此比民气氣水求決沒没法活流点為無然物特现現理生產用由电當發的直相看着知研社种"
    "程種立第等管系級組結統經線總级线组经结统義老者而能自與處行表被裏西要見见角解計設説論變计论设说象資質"
    "质资起路軍較较農边过运还这进這通進運過道還邊那部都里重量長长開間關问间電面革頭題题體高麼點黨"
    "省港澳粤粵廣广香合作區域務务金融貿贸易投資资協协議议推進"
)
_MIN_COMMON_SHARE = 0.25  # share of ideographs that must be common for Chinese text
_MIN_TEXT_SHARE = 0.95  # share of characters that must be printable text
_MIN_SCRIPT_SHARE = 0.95  # UTF-16 without BOM or zero bytes: share of ASCII, CJK and CJK punctuation
#: Inputs with fewer non-ASCII bytes than this are too short to tell GB18030, Big5 and UTF-8 apart surely.
SHORT_INPUT_BYTES = 8
_PLAUSIBILITY_SAMPLE = 200_000  # characters looked at to judge a decoding (head, middle and tail)
_MAX_REPLACED_RUNS = 4  # bad byte runs read past in any text, however short
_ENCODING_ERRORS = ("strict", "replace")
_UTF16 = ("utf-16-le", "utf-16-be")
_RECORD_HANDLER = "coopstats-record"


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the encoding it was read with, and what was doubtful about it.

    Attributes
    ----------
    text : str
        The text, newlines normalised to ``\\n``.
    encoding : str
        The Python codec used.
    replaced : tuple of int
        0-based byte offsets of the bytes replaced by U+FFFD (only with
        ``encoding_errors="replace"``); empty when every byte decoded.
    guessed : bool
        True when the input was too short to tell its encoding for sure and
        another candidate also gave plausible text (a :class:`DecodingWarning`
        was issued).
    """

    text: str
    encoding: str
    replaced: tuple[int, ...] = ()
    guessed: bool = False


_recording = threading.local()


def _record_error(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: U+FFFD for the bad bytes, their offset noted for the caller."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    log = getattr(_recording, "offsets", None)
    if log is not None:
        log.append(exc.start)
    return "\ufffd", exc.end


codecs.register_error(_RECORD_HANDLER, _record_error)


def _decode_replacing(data: bytes, name: str) -> tuple[str, tuple[int, ...]]:
    """Decode with bad bytes replaced by U+FFFD; return the text and the offsets replaced."""
    _recording.offsets = []
    try:
        text = data.decode(name, _RECORD_HANDLER)
        return text, tuple(_recording.offsets)
    finally:
        _recording.offsets = None


def _sample(text: str) -> str:
    if len(text) <= _PLAUSIBILITY_SAMPLE:
        return text
    part = _PLAUSIBILITY_SAMPLE // 4
    middle = len(text) // 2
    return text[: 2 * part] + text[middle : middle + part] + text[-part:]


class _BadCharacters(dict[str, bool]):
    """Whether a character is not printable text (a control, private-use, surrogate, unassigned or U+FFFD).

    Judged once per distinct character; tabs, form feeds and line breaks are text.
    """

    def __missing__(self, ch: str) -> bool:
        bad = self.judge(ch)
        self[ch] = bad
        return bad

    @staticmethod
    def judge(ch: str) -> bool:
        """Whether ``ch`` is not printable text (not remembered)."""
        return (
            unicodedata.category(ch) in ("Cc", "Co", "Cs", "Cn") and ch not in "\n\r\t\f"
        ) or ch == "\ufffd"


_BAD_CHARACTERS = _BadCharacters()

_IDEOGRAPH_RANGES = "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0010ffff"
_IDEOGRAPHS = re.compile(f"[{_IDEOGRAPH_RANGES}]+")
_COMMON_IDEOGRAPHS = re.compile(
    "[" + "".join(sorted(ch for ch in _COMMON_HANZI if _IDEOGRAPHS.fullmatch(ch))) + "]+"
)


def _count(pattern: re.Pattern[str], text: str) -> int:
    """How many characters of ``text`` a character-class ``pattern`` matches."""
    return len(text) - len(pattern.sub("", text))


# The blocks a Chinese text is mostly made of: ASCII, general and CJK punctuation, ideographs, full width.
_USUAL_BLOCKS = ((0x20, 0x7E), (0x2000, 0x206F), (0x3000, 0x303F), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF))


_UNUSUAL = re.compile(
    "[^\\n\\r\\t\\f" + "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in _USUAL_BLOCKS) + "]"
)


class _CharacterSum(dict[str, int]):
    """The sum of a value of each character of a text: one regular expression, no Python step per character.

    The characters of the usual blocks (and tab, form feed and line breaks)
    whose value is not 0, and every character outside those blocks, make one
    character class (built on first use); the text's matches are summed,
    each distinct character's value computed once.

    Examples
    --------
    >>> narrow = _CharacterSum(lambda ch: unicodedata.east_asian_width(ch) not in "FW")
    >>> narrow("粤港 (CEPA)，\U00020000")
    7
    """

    def __init__(self, value: Callable[[str], int]) -> None:
        super().__init__()
        self._value = value
        self._pattern: re.Pattern[str] | None = None
        self._counting: tuple[int, str] | bool | None = None

    def __missing__(self, ch: str) -> int:
        value = self[ch] = self._value(ch)
        return value

    def _build(self) -> re.Pattern[str]:
        runs = [re.escape(ch) for ch in "\n\r\t\f" if self[ch]] + self._usual_runs()
        self._pattern = re.compile(f"[{''.join(runs)}]|{_UNUSUAL.pattern}" if runs else _UNUSUAL.pattern)
        return self._pattern

    def __call__(self, text: str) -> int:
        return sum(map(self.__getitem__, (self._pattern or self._build()).findall(text)))

    def counts(self, texts: Sequence[str]) -> list[int]:
        """``[self(text) for text in texts]`` of texts without line breaks, for every ASCII character 0 or 1.

        The texts are joined by line breaks: each text's ASCII characters are
        counted by one encoding of the whole (when each counts 1), and the
        others of a value that is not 0 are found by one regular expression
        (the usual blocks' and those outside them that the texts hold) and
        added to the text they are in. Texts of which one holds a line break are
        summed one by one.

        Examples
        --------
        >>> narrow = _CharacterSum(lambda ch: int(unicodedata.east_asian_width(ch) not in "FW"))
        >>> narrow.counts(["粤港 (CEPA)，\U00020000“", "", "12月\u2f00"])
        [8, 0, 2]
        """
        if self._counting is None:
            self._counting = self._counting_class()
        joined = "\n".join(texts)
        if self._counting is False or joined.count("\n") != len(texts) - 1:
            return list(map(self, texts))
        ascii_value, others = self._counting
        if ascii_value:
            counts = list(map(len, joined.encode("ascii", "ignore").split(b"\n")))
        else:
            counts = [0] * len(texts)
        if (unusual := _UNUSUAL.search(joined)) is not None:
            found = set(_UNUSUAL.findall(joined, unusual.start()))
            rare = sorted(ch for ch in found if not ch.isascii() and self[ch])  # ASCII counted already
            others += "".join(map(re.escape, rare))
        if others:
            starts = list(itertools.accumulate(map((1).__add__, map(len, texts)), initial=0))
            for match in re.finditer(f"[{others}]", joined):
                counts[bisect.bisect_right(starts, match.start()) - 1] += self[match.group()]
        return counts

    def _counting_class(self) -> tuple[int, str] | bool:
        """The ASCII characters' value (0 or 1), and a class of the other usual characters of a value not 0.

        ``False`` if the ASCII characters are not all 0 or all 1.
        """
        ascii_value = self._value("a")
        if ascii_value not in (0, 1) or any(self._value(chr(code)) != ascii_value for code in range(0x80)):
            return False
        return ascii_value, "".join(self._usual_runs(above=0x80))

    def _usual_runs(self, above: int = 0) -> list[str]:
        """Character-class ranges of the usual blocks' code points (from ``above`` on) of a value not 0."""
        spans = [(max(lo, above), hi) for lo, hi in _USUAL_BLOCKS if max(lo, above) <= hi]
        return _class_ranges(lambda ch: self._value(ch) != 0, spans)


def _class_ranges(holds: Callable[[str], bool], spans: Iterable[tuple[int, int]]) -> list[str]:
    """Character-class ranges (``a-b``, escaped) of the code points of ``spans`` (inclusive) where ``holds``.

    Examples
    --------
    >>> _class_ranges(str.isdigit, [(0x2F, 0x3A)])
    ['0-9']
    """
    ranges: list[str] = []
    for lo, hi in spans:
        first: int | None = None
        for code in range(lo, hi + 2):
            inside = code <= hi and holds(chr(code))
            if inside and first is None:
                first = code
            elif not inside and first is not None:
                ranges.append(f"{re.escape(chr(first))}-{re.escape(chr(code - 1))}")
                first = None
    return ranges


@cache
def _suspects() -> re.Pattern[str]:
    """Characters that may not be printable text: all but the usual blocks' printable code points.

    Built once from the Unicode database, so the few characters outside them are all that is judged.
    """
    runs = _class_ranges(lambda ch: not _BAD_CHARACTERS.judge(ch), _USUAL_BLOCKS)
    return re.compile(f"[^\\n\\r\\t\\f{''.join(runs)}]")


def _bad_characters(text: str) -> list[str]:
    """The distinct characters of ``text`` that are not printable text."""
    return [ch for ch in set(_suspects().findall(text)) if _BAD_CHARACTERS[ch]]


def _text_share(text: str) -> float:
    """Share of printable text characters: the first half of :func:`_plausibility`."""
    text = _sample(text)
    if not text:
        return 0.0
    return 1 - sum(map(text.count, _bad_characters(text))) / len(text)


def _plausibility(text: str) -> tuple[float, float]:
    """Return (share of printable text characters, share of common ideographs).

    Each distinct character is judged once; the characters are counted by regular expressions.
    """
    text = _sample(text)
    if not text:
        return 0.0, 0.0
    bad_chars = _bad_characters(text)
    bad = sum(map(text.count, bad_chars))
    # Ideographs that are not bad (unassigned or private-use code points in the ranges are bad).
    ideographs = _count(_IDEOGRAPHS, text) - sum(text.count(ch) for ch in bad_chars if _IDEOGRAPHS.match(ch))
    common = _count(_COMMON_IDEOGRAPHS, text)
    text_share = 1 - bad / len(text)
    common_share = common / ideographs if ideographs else 1.0
    return text_share, common_share


# The characters a Chinese document is made of: ASCII, CJK ideographs and punctuation.
_FITTING = re.compile(
    "[ -~\n\r\t\f"
    "\u3000-\u303f"  # CJK punctuation
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff00-\uffef"  # full-width forms
    "\u2000-\u206f"  # general punctuation: “”…—
    "\u2460-\u24ff"  # circled numbers ①
    "\u2500-\u257f"  # box drawing (table cells)
    "\u00a0\u00b7\u00d7\u00f7\u00b0\u2103\u2116\u2160\u2161\u2162\u2163\u2164]+"
)


def _script_share(text: str) -> float:
    """Share of characters a Chinese document is made of: ASCII, CJK ideographs and punctuation."""
    text = _sample(text)
    if not text:
        return 0.0
    return (len(text) - len(_FITTING.sub("", text))) / len(text)


def _looks_utf16(data: bytes) -> str | None:
    """Guess UTF-16 without a BOM from the pattern of zero bytes (text with ASCII in it)."""
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_zero = sample[0::2].count(0) / len(sample[0::2])
    odd_zero = sample[1::2].count(0) / len(sample[1::2])
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def _candidates(data: bytes) -> tuple[list[str], str | None]:
    """Encodings to try, in order of preference, and the one a zero-byte pattern points at."""
    if data.startswith(codecs.BOM_UTF8):
        return ["utf-8-sig"], None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ["utf-16"], None
    guess = _looks_utf16(data)
    if guess is not None:  # zeros at one alignment: ASCII in UTF-16, unless ideographs such as U+4E00
        return [guess, *(name for name in _UTF16 if name != guess)], guess
    if b"\x00" in data[:4000]:
        return list(_UTF16), None  # Chinese UTF-16 holds few zero bytes: judged by its text
    candidates = ["utf-8", "gb18030", "big5"]
    if len(data) % 2 == 0:
        candidates += _UTF16  # Chinese UTF-16 without BOM may hold no zero byte at all
    return candidates, None


def _acceptable(name: str, text: str, zero_guess: str | None) -> tuple[bool, float]:
    """Whether a decoding is plausible Chinese (or ASCII) text, and its score."""
    text_share, common_share = _plausibility(text)
    if name in _UTF16 and name != zero_guess and _script_share(text) < _MIN_SCRIPT_SHARE:
        return False, 0.0
    ok = text_share >= _MIN_TEXT_SHARE and common_share >= _MIN_COMMON_SHARE
    return ok, common_share + text_share


def decode(
    data: bytes,
    *,
    encoding: str = "auto",
    path: str | PathLike[str] | None = None,
    encoding_errors: str = "strict",
) -> Decoded:
    """Decode the bytes of a text document, detecting the encoding.

    Parameters
    ----------
    data : bytes
        The raw bytes.
    encoding : str, default "auto"
        A Python codec name to force, or ``"auto"`` to detect UTF-8 (with or
        without BOM), UTF-16 (with or without BOM), GB18030 and Big5.
    path : path-like, optional
        Used in error messages only.
    encoding_errors : {"strict", "replace"}, default "strict"
        What to do with bytes that are invalid in the text's encoding (a stray
        byte in a UTF-8 file): refuse the text, or replace each run of bad
        bytes by U+FFFD, return their byte offsets in ``replaced`` and warn.

    Returns
    -------
    Decoded
        ``text`` (newlines normalised to ``\\n``), the ``encoding`` used, the
        byte offsets ``replaced`` and whether the encoding was ``guessed``
        from too short an input (then a :class:`~coopstats.errors.DecodingWarning`
        is issued).

    Raises
    ------
    UnsupportedFormatError
        The bytes are a PDF, Word, zip, image or other binary file.
    UndecodableBytesError
        Bytes invalid in the text's encoding (with ``encoding_errors="strict"``);
        the error's ``offset`` is the first bad byte.
    DecodingError
        The bytes are empty after decoding, cannot be decoded with the forced
        encoding, or no candidate encoding gives plausible text.

    Examples
    --------
    >>> decode("粤港合作".encode("gb18030")).encoding
    'gb18030'
    >>> decode("粵港合作框架協議".encode("big5")).text
    '粵港合作框架協議'
    >>> decode("粤港澳大湾区建设合作框架协议".encode("utf-16-le")).encoding  # no BOM, no zero byte
    'utf-16-le'
    >>> data = "一、合作".encode() + b"\\xff" + "推进".encode()
    >>> decode(data)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    coopstats.errors.UndecodableBytesError: cannot decode as utf-8: byte 0xff at offset 12 is invalid ...
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     decoded = decode(data, encoding_errors="replace")
    >>> decoded.text, decoded.replaced
    ('一、合作\\ufffd推进', (12,))
    """
    if encoding_errors not in _ENCODING_ERRORS:
        choices = ", ".join(_ENCODING_ERRORS)
        raise ValueError(f"encoding_errors must be one of {choices}, not {encoding_errors!r}")
    for signature, kind in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise UnsupportedFormatError(
                f"this is {kind}, not a text file",
                path=path,
                line=None,
                expected="plain text (convert the document to .txt first)",
            )
    if encoding != "auto":
        return _decode_forced(data, encoding, path, encoding_errors)

    candidates, zero_guess = _candidates(data)
    short = len(data.translate(None, _ASCII_BYTES)) < SHORT_INPUT_BYTES
    plausible: list[tuple[float, str, str]] = []
    for name in candidates:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if name == "utf-8" and data.isascii():
            if len(data) % 2 or not text.strip() or _text_share(text) >= _MIN_TEXT_SHARE:
                return Decoded(_check_nonempty(normalize_newlines(text), path), name)
            continue  # control characters: perhaps UTF-16 of ideographs whose bytes are all ASCII
        # Valid UTF-8 with non-ASCII bytes, or a byte-order mark, is practically never an accident
        # (but a few bytes of GB18030 or Big5 can be valid UTF-8).
        sure = name in ("utf-8-sig", "utf-16") or (name == "utf-8" and not short)
        if sure and _text_share(text) >= _MIN_TEXT_SHARE:
            return Decoded(_check_nonempty(normalize_newlines(text.lstrip("\ufeff")), path), name)
        ok, score = _acceptable(name, text, zero_guess)
        if ok:
            plausible.append((score, name, text))
    if plausible:
        # Valid UTF-8 first (a strong sign even when short), then the most plausible text.
        score, name, text = max(plausible, key=lambda p: (p[1] == "utf-8", p[0]))
        guessed = short and len(plausible) > 1
        if guessed:
            others = ", ".join(p[1] for p in plausible if p[1] != name)
            warnings.warn(
                f"{_where(path)}only {len(data)} bytes: read as {name}, but {others} also give plausible "
                "text; pass encoding= to be sure",
                DecodingWarning,
                stacklevel=2,
            )
        return Decoded(_check_nonempty(normalize_newlines(text), path), name, guessed=guessed)

    # No clean decoding is plausible: the text may hold bad bytes.
    nearly = _best_with_replacements(data, candidates, zero_guess)
    if nearly is not None:
        name, text, replaced = nearly
        if encoding_errors == "strict":
            raise UndecodableBytesError(path, offset=replaced[0], encoding=name, byte=data[replaced[0]])
        _warn_replaced(path, name, replaced)
        return Decoded(_check_nonempty(normalize_newlines(text), path), name, replaced=replaced)
    if b"\x00" in data[:4000]:
        raise UnsupportedFormatError(
            "the file holds NUL bytes and is not plausible UTF-16 text: a binary file",
            path=path,
            expected="plain text",
        )
    raise DecodingError(
        f"the bytes decode to implausible text in every candidate encoding ({', '.join(candidates)})",
        path=path,
        expected="Chinese text in UTF-8, UTF-16, GB18030 or Big5; pass encoding= to force one",
    )


_ASCII_BYTES = bytes(range(128))


def _where(path: str | PathLike[str] | None) -> str:
    return f"{path}: " if path is not None else ""


def _decode_forced(data: bytes, encoding: str, path: str | PathLike[str] | None, errors: str) -> Decoded:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise DecodingError(
            f"cannot decode as {encoding}: unknown encoding", path=path, expected="a Python codec name"
        ) from None
    replaced: tuple[int, ...] = ()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if errors == "strict":
            raise UndecodableBytesError(
                path, offset=exc.start, encoding=encoding, byte=data[exc.start]
            ) from None
        text, replaced = _decode_replacing(data, encoding)
        _warn_replaced(path, encoding, replaced)
    except Exception as exc:  # a codec that is not a text encoding (e.g. "base64", "rot13")
        raise DecodingError(
            f"cannot decode as {encoding}: {exc}", path=path, expected="text in that encoding"
        ) from None
    if not isinstance(text, str):
        raise DecodingError(f"{encoding} is not a text encoding", path=path, expected="a text encoding")
    return Decoded(_check_nonempty(normalize_newlines(text.lstrip("\ufeff")), path), encoding, replaced)


def _best_with_replacements(
    data: bytes, candidates: list[str], zero_guess: str | None
) -> tuple[str, str, tuple[int, ...]] | None:
    """The candidate that gives plausible text with the fewest bytes replaced, if any."""
    best: tuple[int, float, str, str, tuple[int, ...]] | None = None
    for name in candidates:
        text, replaced = _decode_replacing(data, name)
        if not replaced or len(replaced) > max(_MAX_REPLACED_RUNS, len(text) * (1 - _MIN_TEXT_SHARE)):
            continue  # decoded cleanly (and was judged implausible), or is mostly bad bytes
        ok, score = _acceptable(name, text.replace("\ufffd", ""), zero_guess)
        if ok and (best is None or (len(replaced), -score) < (best[0], -best[1])):
            best = (len(replaced), score, name, text, replaced)
    return None if best is None else (best[2], best[3], best[4])


def _warn_replaced(path: str | PathLike[str] | None, name: str, replaced: tuple[int, ...]) -> None:
    shown = ", ".join(str(offset) for offset in replaced[:5]) + (" …" if len(replaced) > 5 else "")
    warnings.warn(
        f"{_where(path)}{len(replaced)} undecodable byte run(s) in {name} replaced by U+FFFD "
        f"at byte offset(s) {shown}",
        DecodingWarning,
        stacklevel=3,
    )


def _check_nonempty(text: str, path: str | PathLike[str] | None) -> str:
    if not text.strip():
        raise ParseError("the file is empty", path=path, line=1, expected="some text")
    return text


def normalize_newlines(text: str) -> str:
    r"""Turn ``\r\n`` and lone ``\r`` into ``\n``.

    Examples
    --------
    >>> normalize_newlines("a\r\nb\rc")
    'a\nb\nc'
    """
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------


class _NFKCTable(dict[str, str]):
    """Per-character NFKC, computed once per distinct character."""

    def __missing__(self, ch: str) -> str:
        value = unicodedata.normalize("NFKC", ch)
        self[ch] = value
        return value


_NFKC = _NFKCTable()


class _NFKCOrdinals(dict[int, str]):
    """:data:`_NFKC` keyed by code point, for ``str.translate``."""

    def __missing__(self, code: int) -> str:
        value = _NFKC[chr(code)]
        self[code] = value
        return value


_NFKC_ORD = _NFKCOrdinals()


@cache
def _changing() -> re.Pattern[str]:
    """Runs of characters NFKC changes: those of the Basic Multilingual Plane, and any beyond it.

    Built once from the Unicode database (every BMP code point normalised alone).
    """
    ranges = _class_ranges(lambda ch: unicodedata.normalize("NFKC", ch) != ch, [(0, 0xFFFF)])
    return re.compile(f"([{''.join(ranges)}\U00010000-\U0010ffff]+)")


@cache
def _changing_character() -> re.Pattern[str]:
    """One character NFKC changes, or any beyond the Basic Multilingual Plane (:func:`_changing`, one)."""
    return re.compile(_changing().pattern[1:-2])


# A str.replace scans the text at ~0.15 ns a character; the split costs ~300 ns a changing character.
_REPLACE_SCANS_PER_CHANGE = 1_000


def _nfkc(text: str) -> str:
    """NFKC character by character (:func:`normalize`), no test first whether any character changes.

    Chinese text changes in few places and in few characters (its full-width
    punctuation, a Big5 text's compatibility ideographs): each distinct
    character that changes is replaced throughout (:meth:`str.replace`, what
    NFKC gives being unchanged by it) while the scans this takes stay in
    proportion to the changes; otherwise the text is split at the runs of
    characters that change, which alone are translated.
    """
    changing = _changing_character().findall(text)
    if not changing:
        return text
    found = set(changing)
    if len(found) * len(text) <= _REPLACE_SCANS_PER_CHANGE * len(changing):
        for ch in found:
            text = text.replace(ch, _NFKC[ch])
        return text
    parts = _changing().split(text)
    parts[1::2] = [part.translate(_NFKC_ORD) for part in parts[1::2]]
    return "".join(parts)


def offset_after_normalized(text: str, count: int) -> int:
    """Offset in ``text`` after the characters whose :func:`normalize` makes the first ``count``.

    The first offset at which the normalised characters before it number
    ``count`` or more (``len(text)`` if none): the lengths of the characters'
    NFKC summed at once and searched.

    Examples
    --------
    >>> offset_after_normalized("（一）加强", 3), offset_after_normalized("㈠加强", 2)
    (3, 1)
    """
    if count <= 0:
        return 0
    sums = list(itertools.accumulate(map(len, map(_NFKC.__getitem__, text))))
    return min(bisect.bisect_left(sums, count) + 1, len(text))


def normalize(text: str) -> str:
    """Normalise text for matching: NFKC, character by character.

    Full-width digits, letters and punctuation become half-width and CJK
    compatibility ideographs become their unified forms, so a heading that
    looks right also compares right.

    Examples
    --------
    >>> normalize("（一）１．\\uf98e")
    '(一)1.年'
    """
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text  # no character changes alone either (a test checks every code point)
    # the few distinct characters that change, replaced throughout: 2-4× faster than a translate,
    # which looks every character up (a test compares the two)
    return _nfkc(text)


# A pinyin gloss a copying site inserts after a character: 關(guān), 區（qū）. At least one
# tone-marked vowel, so an abbreviation in parentheses (CEPA) is never taken for one.
# (The bracket comes first, the ideograph before it is looked behind at: the search skips to brackets.)
_GLOSS = re.compile(r"[(（](?<=[\u3400-\u9fff][(（])[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")
_CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})


def gloss_spans(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the pinyin glosses in ``text``.

    Examples
    --------
    >>> gloss_spans("關(guān)于(CEPA)")
    [(1, 7)]
    """
    return [match.span() for match in _GLOSS.finditer(text)]


def lines_with_glosses(source: str, lines: Sequence[PhysicalLine]) -> set[int]:
    """Which of ``lines`` (in source order, by index) hold a pinyin gloss in their wording.

    One search over the stretch the lines cover; the same lines as
    ``gloss_spans(wording)`` finds one in (a gloss never spans lines).

    Examples
    --------
    >>> text = "關(guān)於\\n甲\\n\\n區（qū）"
    >>> sorted(lines_with_glosses(text, [ln for ln in physical_lines(text) if not ln.is_blank]))
    [0, 2]
    """
    if not lines:
        return set()
    starts = list(map(operator.itemgetter(3), lines))
    ends = list(map(operator.itemgetter(4), lines))
    if not all(map(operator.le, ends, starts[1:])):  # not in source order: line by line
        return {i for i, (a, b) in enumerate(zip(starts, ends, strict=True)) if gloss_spans(source[a:b])}
    found = set()
    for match in _GLOSS.finditer(source, starts[0], ends[-1]):
        index = bisect.bisect_right(starts, match.start()) - 1
        if match.end() <= ends[index]:
            found.add(index)
    return found


def strip_glosses(text: str) -> str:
    """``text`` without pinyin glosses after characters: they are not text.

    Examples
    --------
    >>> strip_glosses("各區(qū)、縣級市")
    '各區、縣級市'
    """
    return _GLOSS.sub("", text)


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds control, format or private-use characters.

    Examples
    --------
    >>> has_control_characters("省财政厅\u200b")
    True
    """
    return any(unicodedata.category(ch) in _CONTROL_CATEGORIES and not ch.isspace() for ch in text)


@cache
def _converter() -> opencc.OpenCC:
    import opencc

    return opencc.OpenCC("hk2s")


def to_simplified(text: str) -> str:
    """Convert traditional-script text to simplified script (OpenCC ``hk2s``).

    The result has the same length as the input, so offsets carry over; where
    a phrase conversion would change the length, characters are converted one
    by one instead.

    Examples
    --------
    >>> to_simplified("粵港合作框架協議：衞生")
    '粤港合作框架协议：卫生'
    """
    if not text or text.isascii():  # OpenCC converts ideographs only
        return text
    if len(text) > _MAX_REMEMBERED_CHARS:
        return _simplified(text)
    return _remembered_simplified(text)


_MAX_REMEMBERED_CHARS = 2_000  # longer texts are converted each time rather than kept


def _simplified(text: str) -> str:
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    convert = _converter().convert
    return "".join(c if len(c := convert(ch)) == 1 else ch for ch in text)


# Every stage compares the same clauses, names and cells in simplified script: each is converted once.
_remembered_simplified = lru_cache(maxsize=4_096)(_simplified)  # at most ~32 MB


# A handful of characters that exist only in traditional script; enough to tell
# the scripts apart in a paragraph of government prose.
_TRADITIONAL_MARKERS = frozenset("與為國會發開關過這進們個來對時說經樣區務廣粵協議資貿實體關係環於")
_SIMPLIFIED_MARKERS = frozenset("与为国会发开关过这进们个来对时说经样区务广粤协议资贸实体系环于")
_MARKERS_OF: dict[str, tuple[int, int]] = {}  # traditional and simplified markers NFKC makes of a character
_TRADITIONAL_PATTERN = re.compile(f"[{re.escape(''.join(sorted(_TRADITIONAL_MARKERS)))}]+")
_SIMPLIFIED_PATTERN = re.compile(f"[{re.escape(''.join(sorted(_SIMPLIFIED_MARKERS)))}]+")
_MARKERS_PATTERN = re.compile(f"[{re.escape(''.join(sorted(_TRADITIONAL_MARKERS | _SIMPLIFIED_MARKERS)))}]+")


def detect_script(text: str) -> str:
    """Return ``"hant"`` or ``"hans"`` for the script a text is mostly written in.

    Examples
    --------
    >>> detect_script("粵港合作框架協議")
    'hant'
    >>> detect_script("粤港合作框架协议")
    'hans'
    """
    # Markers are counted in the text as written, plus those that NFKC makes of the few characters
    # outside the usual blocks (a compatibility ideograph; ㍿ is 株式会社): no character of the usual
    # blocks becomes a marker, and NFKC keeps the markers themselves (a test checks both).
    # one pass over the text for the markers of either script; each script's counted in what it found
    found = "".join(_MARKERS_PATTERN.findall(text))
    hant = _count(_TRADITIONAL_PATTERN, found)
    hans = _count(_SIMPLIFIED_PATTERN, found)
    for ch, count in Counter(_UNUSUAL.findall(text)).items():
        markers = _MARKERS_OF.get(ch)
        if markers is None:
            normal = _NFKC[ch]
            markers = _MARKERS_OF[ch] = (
                (_count(_TRADITIONAL_PATTERN, normal), _count(_SIMPLIFIED_PATTERN, normal))
                if normal != ch
                else (0, 0)
            )
        hant += count * markers[0]
        hans += count * markers[1]
    return "hant" if hant > hans else "hans"


def normalized_with_positions(
    text: str,
    *,
    simplified: bool = False,
    keep: Callable[[str], bool] | None = None,
    space_runs: str | None = None,
    drop_glosses: bool = False,
) -> tuple[str, list[int]]:
    """NFKC (and optionally simplified) form of ``text``, with the source index of every character.

    The one normalise-with-an-offset-map of the package: the agency, agenda
    and figure stages slice their matches back to the printed text through it.

    Parameters
    ----------
    text : str
        Any text.
    simplified : bool, default False
        Also convert to simplified script (:func:`to_simplified`, which keeps
        lengths, so positions carry over).
    keep : callable, optional
        A predicate on each normalised character; characters it rejects
        (whitespace, punctuation …) are dropped from the result.
    space_runs : str, optional
        A run of two or more spaces or tabs (no line break) becomes this one
        character, mapped to the run's first index, whatever ``keep`` says:
        fields of a clause may be separated by spaces alone.
    drop_glosses : bool, default False
        Leave out pinyin glosses after characters (``關(guān)``): they are not text.

    Returns
    -------
    (str, list of int)
        The normalised text and, for each of its characters, the index in
        ``text`` of the character it came from.

    Examples
    --------
    >>> normalized_with_positions("（一）粵 港", simplified=True, keep=lambda c: not c.isspace())
    ('(一)粤港', [0, 1, 2, 3, 5])
    >>> normalized_with_positions("甲局  乙局(jú)", keep=str.isalpha, space_runs=";", drop_glosses=True)
    ('甲局;乙局', [0, 1, 2, 4, 5])
    """
    skipped = {i for a, b in gloss_spans(text) for i in range(a, b)} if drop_glosses else set()
    chars: list[str] = []
    positions: list[int] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if i in skipped:
            i += 1
            continue
        if space_runs is not None and ch in " \t\u3000":
            j = i
            while j < len(text) and text[j] in " \t\u3000":
                j += 1
            if j - i >= 2 and chars:
                chars.append(space_runs)
                positions.append(i)
                i = j
                continue
        for normal in _NFKC[ch]:
            if keep is None or keep(normal):
                chars.append(normal)
                positions.append(i)
        i += 1
    joined = "".join(chars)
    return (to_simplified(joined) if simplified else joined), positions


class TextView:
    """A normalised view of (part of) a source text, with a map back to it.

    The map is held as *runs*: ``run_view[k]`` is the view offset where run
    ``k`` begins and ``run_source[k]`` the source offset of its first
    character; the run's characters come from consecutive source characters,
    up to the next run (one run a line, more only where a pinyin gloss is left
    out or a character normalises to several).

    Attributes
    ----------
    source : str
        The whole source text.
    text : str
        The normalised text of the view.
    positions : tuple of int
        ``positions[i]`` is the source offset of the character ``text[i]``
        came from (worked out from the runs on first use). Characters inserted
        by page-break repair (a space joining two Latin words) map to the line
        break they replace.
    run_view, run_source : list of int
        The runs: where each begins in the view and the source offset of its
        first character (:meth:`position` and :meth:`index` look them up).
    simplified : str
        :attr:`text` in simplified script (:func:`to_simplified`).

    Examples
    --------
    >>> v = TextView.of("約港幣\\n\\n１２億元")
    >>> v.text
    '約港幣12億元'
    >>> v.source_span(3, 5)
    (5, 7)
    >>> v.index(5), v.position(3), v.positions
    (3, 5, (0, 1, 2, 5, 6, 7, 8))
    """

    __slots__ = ("_positions", "_slice", "run_source", "run_view", "source", "text")

    def __init__(self, source: str, text: str, positions: Sequence[int] = ()) -> None:
        """A view of ``text`` whose character ``i`` came from ``source[positions[i]]`` (made into runs)."""
        run_view: list[int] = []
        run_source: list[int] = []
        expected = -1
        for i, pos in enumerate(positions):
            if pos != expected:
                run_view.append(i)
                run_source.append(pos)
            expected = pos + 1
        self.source, self.text = source, text
        self.run_view, self.run_source = run_view, run_source
        self._positions: tuple[int, ...] | None = tuple(positions)
        self._slice: tuple[_Document, int, int] | None = None

    @classmethod
    def _of_runs(cls, source: str, text: str, run_view: list[int], run_source: list[int]) -> TextView:
        """A view made of its runs (no offset per character until :attr:`positions` is asked for)."""
        view = cls.__new__(cls)
        view.source, view.text = source, text
        view.run_view, view.run_source = run_view, run_source
        view._positions = None
        view._slice = None
        return view

    @classmethod
    def of(cls, source: str, start: int = 0, end: int | None = None) -> TextView:
        """Normalised, page-break-repaired view of ``source[start:end]``.

        Line breaks, blank lines, page headers and the indentation of
        continuation lines are removed; two Latin letters or digits that a line
        break separated are joined by a space.

        The view is a slice of one normalised view of the whole source, built
        once for the few sources being parsed (:func:`_document`); only a line
        the slice cuts inside its wording is normalised again.
        """
        end = len(source) if end is None else end
        if not 0 <= start <= end <= len(source):
            built = _Runs()
            for line in _scan_lines(source, start, end):
                if not line.is_blank and not line.is_page_header:
                    built.add_line(source, line.content_start, line.content_end)
            return built.view(source)
        doc = _document(source)
        first, last, head, tail = doc.edges(start, end)
        if head is None and tail is None:
            if first > last:
                return cls._of_runs(source, "", [], [])
            i, j = doc.norm_start[first], doc.norm_end[last]
            view = cls._of_runs(source, doc.norm[i:j], *doc.runs(i, j))
            view._slice = (doc, i, j)
            return view
        built = _Runs()
        if head is not None:
            built.add_cut(doc, *head)
        if first <= last:
            i, j = doc.norm_start[first], doc.norm_end[last]
            built.add(source, doc.norm[i:j], *doc.runs(i, j), doc.kept_end[last])
        if tail is not None:
            built.add_cut(doc, *tail)
        return built.view(source)

    @property
    def positions(self) -> tuple[int, ...]:
        """The source offset of every character of the view."""
        if self._positions is None:
            ends = [*self.run_view[1:], len(self.text)]
            self._positions = tuple(
                itertools.chain.from_iterable(
                    map(
                        range,
                        self.run_source,
                        map(operator.add, self.run_source, map(operator.sub, ends, self.run_view)),
                    )
                )
            )
        return self._positions

    @property
    def simplified(self) -> str:
        """The view's text in simplified script: :func:`to_simplified` of :attr:`text`, the same length.

        A view of whole lines is sliced from the document's simplified view
        (converted once, :meth:`_Document.simplified_slice`) when both its ends
        touch a character that is no ideograph (punctuation, a digit, a letter
        or the end of the source): OpenCC's phrases are ideographs, so none
        spans such a cut and the slice is what converting the view gives.
        Any other view is converted on its own.

        Examples
        --------
        >>> source = "一、粵港合作\\n（一）衞生。理髮"
        >>> TextView.of(source, 7).simplified
        '(一)卫生。理发'
        """
        if self._slice is not None:
            found = self._slice[0].simplified_slice(self._slice[1], self._slice[2])
            if found is not None:
                return found
        return to_simplified(self.text)

    def position(self, i: int) -> int:
        """The source offset of the view's character ``i`` (``0 <= i < len(text)``)."""
        k = bisect.bisect_right(self.run_view, i) - 1
        return self.run_source[k] + i - self.run_view[k]

    def index(self, pos: int) -> int:
        """The first view offset whose source offset is ``pos`` or more (``len(text)`` if none)."""
        runs = self.run_source
        k = bisect.bisect_left(runs, pos)
        if k > 0:
            stop = self.run_view[k] if k < len(runs) else len(self.text)
            if runs[k - 1] + stop - self.run_view[k - 1] > pos:  # inside the run before
                return self.run_view[k - 1] + pos - runs[k - 1]
        return self.run_view[k] if k < len(runs) else len(self.text)

    def source_span(self, i: int, j: int) -> tuple[int, int]:
        """Source offsets ``(start, end)`` of the view's characters ``i`` to ``j``."""
        if not 0 <= i < j <= len(self.text):
            raise IndexError(f"span {i}:{j} outside a view of length {len(self.text)}")
        return self.position(i), self.position(j - 1) + 1

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TextView):
            return NotImplemented
        return (self.source, self.text, self.positions) == (other.source, other.text, other.positions)

    def __hash__(self) -> int:
        return hash((self.source, self.text, self.positions))

    def __repr__(self) -> str:
        return f"TextView(source={self.source!r}, text={self.text!r}, positions={self.positions!r})"


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _line_runs(source: str, first: int, last: int) -> tuple[str, list[int], list[int]]:
    """Normalised wording of ``source[first:last]`` (one line's content) and its runs (from view offset 0).

    Pinyin glosses are left out; each character becomes its NFKC form. A
    character whose NFKC is longer gives a run of one character for each of its
    own (all mapped to it), and the character after it begins a run.
    """
    content = source[first:last]
    normal = _nfkc(content)
    glosses = gloss_spans(content) if "(" in content or "（" in content else ()
    if not glosses and len(normal) == len(content):
        return normal, [0], [first]  # the common line: each character one
    pieces: list[str] = []
    starts: list[int] = []
    kept = 0
    for a, b in [*glosses, (len(content), len(content))]:
        if a > kept:  # a pinyin gloss is not text
            pieces.append(content[kept:a])
            starts.append(first + kept)
        kept = b
    run_view: list[int] = []
    run_source: list[int] = []
    texts: list[str] = []
    length = 0
    for piece, at in zip(pieces, starts, strict=True):
        normal = _nfkc(piece)
        texts.append(normal)
        if len(normal) == len(piece):
            run_view.append(length)
            run_source.append(at)
            length += len(piece)
            continue
        extends = False  # whether the last run takes the next character
        for offset, ch in enumerate(piece, start=at):
            one = _NFKC_ORD[ord(ch)]
            if len(one) == 1 and extends:
                length += 1
                continue
            for _ in one:
                run_view.append(length)
                run_source.append(offset)
                length += 1
            extends = len(one) == 1
    return "".join(texts), run_view, run_source


_IDEOGRAPH_RUN = re.compile(f"[{_IDEOGRAPH_RANGES}\u3400-\u4dbf]+")


def _cut_between_words(text: str, at: int) -> bool:
    """Whether a cut of ``text`` at ``at`` touches a character that is no ideograph (or an end)."""
    return at <= 0 or at >= len(text) or _IDEOGRAPH_RUN.fullmatch(text, at - 1, at + 1) is None


def _simplified_runs(text: str) -> tuple[str, list[int]]:
    """``text`` in simplified script, converted at once, and where a run of ideographs changed length.

    The conversion of the whole is the conversion of its runs of ideographs
    (no OpenCC phrase holds another character) when it keeps the length;
    otherwise each run is converted as :func:`to_simplified` converts it, and
    the starts of the runs whose phrase conversion changes length are listed.
    """
    if not text or text.isascii():
        return text, []
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted, []
    parts: list[str] = []
    unsure: list[int] = []
    at = 0
    for match in _IDEOGRAPH_RUN.finditer(text):
        parts.append(text[at : match.start()])
        run = match.group()
        if len(_converter().convert(run)) != len(run):
            unsure.append(match.start())
        parts.append(to_simplified(run))
        at = match.end()
    parts.append(text[at:])
    return "".join(parts), unsure


class _Runs:
    """A view put together piece by piece: lines' wording and slices of a document view."""

    __slots__ = ("length", "pieces", "previous", "run_source", "run_view")

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.run_view: list[int] = []
        self.run_source: list[int] = []
        self.length = 0
        self.previous = ""  # the source character the view ends with

    def add(self, source: str, text: str, run_view: list[int], run_source: list[int], last: int) -> None:
        """Add wording ``text`` with its runs (from view offset 0), ending at source offset ``last``."""
        first = run_source[0]
        length = self.length
        if self.previous and _is_latin(self.previous) and _is_latin(source[first]):
            # The joining space maps to the character before the wording: one run with it.
            self.pieces.append(" ")
            self.run_view.append(length)
            self.run_source.append(first - 1)
            length += 1
            self.run_view.extend([v + length for v in run_view[1:]])
            self.run_source.extend(run_source[1:])
        else:
            self.run_view.extend([v + length for v in run_view])
            self.run_source.extend(run_source)
        self.pieces.append(text)
        self.length = length + len(text)
        self.previous = source[last - 1]

    def add_line(self, source: str, first: int, last: int) -> None:
        """Add the wording of one line, ``source[first:last]`` (not empty)."""
        self.add(source, *_line_runs(source, first, last), last)

    def add_cut(self, doc: _Document, first: int, last: int) -> None:
        """Add the wording ``source[first:last]`` of a line a span cuts, sliced from ``doc`` when it can be.

        A kept line read with the whole source (no gloss, no character NFKC
        expands) is normalised character for character there.
        """
        rank = bisect.bisect_right(doc.kept_start, first) - 1
        if rank >= 0 and last <= doc.kept_end[rank] and rank not in doc.special:
            at = first - doc.kept_start[rank] + doc.norm_start[rank]
            self.add(doc.source, doc.norm[at : at + last - first], [0], [first], last)
        else:
            self.add_line(doc.source, first, last)

    def view(self, source: str) -> TextView:
        return TextView._of_runs(source, "".join(self.pieces), self.run_view, self.run_source)


# ---------------------------------------------------------------------------
# Physical lines and page-break artefacts
# ---------------------------------------------------------------------------

# " - 5 -", "－ 12 －", "— 3 —", "第 5 页", "5/12": page numbers printed by a PDF export.
_PAGE_HEADER = re.compile(
    r"""^\s*(?:
        [-－—–]\s*\d{1,3}\s*[-－—–]       # - 5 -
      | 第\s*\d{1,3}\s*[页頁]             # 第5页
      | \d{1,3}\s*/\s*\d{1,3}             # 5/12
    )\s*$""",
    re.VERBOSE,
)


def is_page_header(line: str) -> bool:
    """Whether a line is a page number left by a PDF export (`` - 5 -``).

    Examples
    --------
    >>> is_page_header(" - 5 - ")
    True
    >>> is_page_header("5. 粤港合作")
    False
    """
    return _PAGE_HEADER.match(line) is not None


class PhysicalLine(NamedTuple):
    """One line of the source text, located by offsets.

    ``start``/``end`` delimit the line without its newline;
    ``content_start``/``content_end`` the line without its leading and trailing
    whitespace. A light record (a named tuple): a document's lines are all made at once.
    """

    number: int
    start: int
    end: int
    content_start: int
    content_end: int
    is_page_header: bool

    @property
    def is_blank(self) -> bool:
        """Whether the line holds only whitespace."""
        return self.content_start == self.content_end


def _clipped_line(source: str, number: int, lo: int, hi: int) -> PhysicalLine:
    """The line ``source[lo:hi]`` (no newline in it), its content located by stripping whitespace."""
    text = source[lo:hi]
    content_start = lo + len(text) - len(text.lstrip())
    content_end = max(lo + len(text.rstrip()), content_start)
    return PhysicalLine(number, lo, hi, content_start, content_end, is_page_header(text))


def _scan_lines(source: str, start: int, end: int) -> Iterator[PhysicalLine]:
    """:func:`physical_lines` found line by line in the source, without a document view."""
    number = source.count("\n", 0, start) + 1
    position = source.rfind("\n", 0, start) + 1
    while position <= end and position <= len(source):
        newline = source.find("\n", position)
        line_end = len(source) if newline == -1 else newline
        lo, hi = max(position, start), min(line_end, end)
        if hi >= lo:
            yield _clipped_line(source, number, lo, hi)
        if newline == -1:
            break
        position = newline + 1
        number += 1


_PAGE_HEADER_LEADS = re.compile(r"[-－—–第\d]")
_CONTENT = re.compile(r"\S(?:[^\n]*\S)?")  # a line's wording: from its first to its last non-space
_LATIN = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_LATIN_CHARACTER = re.compile("[0-9A-Za-z]")
_NEW_LINE = functools.partial(tuple.__new__, PhysicalLine)


class _Document:
    """One source text with its normalised and its clean view, each built once.

    Every stage views a stretch of the same source many times (a provision, its
    clause, its figures); each view is a slice of these, plus at most two lines
    the stretch cuts inside their wording, which are read again
    (:meth:`edges`). The views are built for the whole source at once: the
    lines' wording is found by one regular expression, the source normalised
    in one :meth:`str.translate` and sliced, the offsets summed by
    :func:`itertools.accumulate`; only a line with a pinyin gloss or a
    character NFKC expands is read on its own. Every line (for
    :func:`physical_lines`) is made on first use.

    Attributes
    ----------
    words_start, words_end : array of int
        The wording (content) of each line that holds any, in source order.
    headers : frozenset of int
        Which of those (by rank) are page headers.
    special : frozenset of int
        The kept lines (by rank) read on their own: with a pinyin gloss, or a
        character NFKC makes more than one of.
    kept_start, kept_end : array of int
        The wording of the lines that hold wording and are no page header:
        the *kept* lines, whose wording the views are made of.
    norm, norm_start, norm_end, run_view, run_source
        The normalised view of the whole source (what :meth:`TextView.of`
        gives for it), where each kept line's wording begins and ends in it
        (after the space joining it to the line before) and its runs
        (:class:`TextView`: one a kept line, the joining space included).
    clean, clean_start, clean_end
        The same for :func:`clean_wording`.
    """

    __slots__ = (
        "_clean",
        "_joins",
        "_line_start",
        "_lines",
        "_simplified",
        "_wording_lines",
        "clean_end",
        "clean_start",
        "headers",
        "kept_end",
        "kept_start",
        "norm",
        "norm_end",
        "norm_start",
        "run_source",
        "run_view",
        "source",
        "special",
        "words_end",
        "words_start",
    )

    def __init__(self, source: str) -> None:
        self.source = source
        self._lines: list[PhysicalLine] | None = None
        self._wording_lines: list[PhysicalLine] | None = None
        self._line_start: array[int] | None = None
        self._clean: str | None = None
        self._simplified: tuple[str, list[int]] | None = None
        spans = list(map(re.Match.span, _CONTENT.finditer(source)))
        words_start, words_end = tuple(zip(*spans, strict=True)) if spans else ((), ())
        leads = "".join(map(source.__getitem__, words_start))
        headers = frozenset(
            rank
            for rank in map(re.Match.start, _PAGE_HEADER_LEADS.finditer(leads))
            if _PAGE_HEADER.match(source[words_start[rank] : words_end[rank]])
        )
        if headers:
            keep = [rank not in headers for rank in range(len(spans))]
            first = tuple(itertools.compress(words_start, keep))
            last = tuple(itertools.compress(words_end, keep))
        else:
            first, last = words_start, words_end
        count = len(first)
        # Lines read on their own: with a pinyin gloss (glosses never span lines) or a character
        # whose NFKC is not one character.
        special = {bisect.bisect_right(first, m.start()) - 1 for m in _GLOSS.finditer(source)}
        whole = _nfkc(source)
        if len(whole) == len(source):
            pieces = list(map(whole.__getitem__, map(slice, first, last)))
        else:
            pieces = list(map(_nfkc, map(source.__getitem__, map(slice, first, last))))
            sizes = map(operator.sub, last, first)
            special.update(itertools.compress(itertools.count(), map(operator.ne, map(len, pieces), sizes)))
        special.discard(-1)  # a gloss on a page header's line (none: a header has no ideograph)
        own_runs: dict[int, tuple[list[int], list[int]]] = {}
        clean = list(map(source.__getitem__, map(slice, first, last))) if special else pieces
        for rank in special:
            pieces[rank], own_view, own_source = _line_runs(source, first[rank], last[rank])
            own_runs[rank] = (own_view, own_source)
            clean[rank] = _clean_line(source, first[rank], last[rank])
        # A space joins two lines where a Latin letter or digit ends one and begins the next (rare).
        tails = "".join(map(source.__getitem__, map((-1).__add__, last)))
        joins = (
            [
                rank
                for rank in map(
                    (1).__add__, map(re.Match.start, _LATIN_CHARACTER.finditer(tails, 0, count - 1))
                )
                if source[first[rank]] in _LATIN
            ]
            if count > 1
            else []
        )
        self._joins = joins
        sizes = list(map(len, pieces))
        if joins:
            joined = [0] * count
            for rank in joins:
                joined[rank] = 1
                pieces[rank] = " " + pieces[rank]
                if special:
                    clean[rank] = " " + clean[rank]
            norm_end = list(itertools.accumulate(map(operator.add, sizes, joined)))
            norm_start = list(map(operator.sub, norm_end, sizes))
            run_view = list(map(operator.sub, norm_start, joined))
            run_source = list(map(operator.sub, first, joined))
        else:
            joined = None
            norm_end = list(itertools.accumulate(sizes))
            norm_start = list(map(operator.sub, norm_end, sizes))
            run_view, run_source = norm_start, first
        self.norm = "".join(pieces)
        if own_runs:
            views = list(zip(run_view))
            sources = list(zip(run_source))
            for rank, (own_view, own_source) in own_runs.items():
                at, skip = norm_start[rank], 1 if joined and joined[rank] else 0
                views[rank] = (*views[rank][:skip], *(v + at for v in own_view[skip:]))
                sources[rank] = (*sources[rank][:skip], *own_source[skip:])
            run_view = list(itertools.chain.from_iterable(views))
            run_source = list(itertools.chain.from_iterable(sources))
            self._clean = "".join(clean)
            clean_sizes = [len(wording) - (wording[0] == " ") for wording in clean]
            clean_end = list(
                itertools.accumulate(map(operator.add, clean_sizes, joined or itertools.repeat(0)))
            )
            clean_start = list(map(operator.sub, clean_end, clean_sizes))
        else:
            clean_start, clean_end = norm_start, norm_end  # the same wording, character for character
        self.special = frozenset(special)
        self.words_start, self.words_end, self.headers = words_start, words_end, headers
        self.kept_start, self.kept_end = first, last
        self.norm_start, self.norm_end = norm_start, norm_end
        self.run_view, self.run_source = run_view, run_source
        self.clean_start, self.clean_end = clean_start, clean_end

    def simplified_slice(self, i: int, j: int) -> str | None:
        """:func:`to_simplified` of ``norm[i:j]``, sliced from one conversion of ``norm``; ``None`` if unsure.

        Sure when each end of the slice touches a character that is no
        ideograph (or the end of ``norm``) and the slice holds no run of
        ideographs whose conversion changes its length (which
        :func:`to_simplified` would convert character by character).
        """
        norm = self.norm
        if not (_cut_between_words(norm, i) and _cut_between_words(norm, j)):
            return None
        if self._simplified is None:
            self._simplified = _simplified_runs(norm)
        text, unsure = self._simplified
        if unsure and bisect.bisect_left(unsure, i) < bisect.bisect_left(unsure, j):
            return None
        return text[i:j]

    @property
    def clean(self) -> str:
        """The clean view of the whole source (what :func:`clean_wording` gives for it)."""
        if self._clean is None:
            wording = list(map(self.source.__getitem__, map(slice, self.kept_start, self.kept_end)))
            for rank in self._joins:
                wording[rank] = " " + wording[rank]
            self._clean = "".join(wording)
        return self._clean

    @property
    def line_start(self) -> array[int]:
        """Where each line begins (made on first use)."""
        if self._line_start is None:
            code = "i" if len(self.source) < 2**31 else "q"
            lengths = map((1).__add__, map(len, self.source.split("\n")))
            starts = array(code, itertools.accumulate(lengths, initial=0))
            starts.pop()
            self._line_start = starts
        return self._line_start

    def lines(self) -> list[PhysicalLine]:
        """Every line, whole (made on first use)."""
        if self._lines is None:
            line_start = self.line_start
            count = len(line_start)
            line_end = [*map(operator.sub, line_start[1:], itertools.repeat(1)), len(self.source)]
            content_start, content_end = line_end.copy(), line_end.copy()  # a blank line's
            found = map(bisect.bisect_right, itertools.repeat(line_start), self.words_start)
            index = list(map(operator.sub, found, itertools.repeat(1)))
            deque(map(content_start.__setitem__, index, self.words_start), maxlen=0)
            deque(map(content_end.__setitem__, index, self.words_end), maxlen=0)
            headers = [False] * count
            for rank in self.headers:
                headers[index[rank]] = True
            self._lines = list(
                map(
                    _NEW_LINE,
                    zip(itertools.count(1), line_start, line_end, content_start, content_end, headers),
                )
            )
        return self._lines

    def line_end(self, index: int) -> int:
        """Where line ``index`` (0-based) ends, before its newline."""
        line_start = self.line_start
        return line_start[index + 1] - 1 if index + 1 < len(line_start) else len(self.source)

    def wording_lines(self) -> list[PhysicalLine]:
        """Every line that holds wording (page headers too), whole, in order (made on first use)."""
        if self._wording_lines is None:
            line_start, source, words_start = self.line_start, self.source, self.words_start
            # each line's index: the line breaks before its wording, counted from the wording before
            breaks = map(source.count, itertools.repeat("\n"), (0, *words_start[:-1]), words_start)
            index = list(itertools.accumulate(breaks))
            starts = map(line_start.__getitem__, index)
            following = [*line_start[1:], len(self.source) + 1]  # where the next line starts
            ends = map(operator.sub, map(following.__getitem__, index), itertools.repeat(1))
            headers = [False] * len(index)
            for rank in self.headers:
                headers[rank] = True
            numbers = map((1).__add__, index)
            self._wording_lines = list(
                map(
                    _NEW_LINE,
                    zip(numbers, starts, ends, self.words_start, self.words_end, headers, strict=True),
                )
            )
        return self._wording_lines

    def runs(self, i: int, j: int) -> tuple[list[int], list[int]]:
        """The runs of the view's characters ``i`` to ``j`` (``i < j``), from view offset 0."""
        if i == 0 and j == len(self.norm):
            return list(self.run_view), list(self.run_source)
        k = bisect.bisect_right(self.run_view, i) - 1
        stop = bisect.bisect_left(self.run_view, j, k)
        run_view = [v - i for v in self.run_view[k:stop]]
        run_source = list(self.run_source[k:stop])
        if run_view[0] < 0:  # the slice begins inside a run
            run_source[0] -= run_view[0]
            run_view[0] = 0
        return run_view, run_source

    def kept(self, start: int, end: int) -> tuple[int, int]:
        """The kept lines (by rank, ``first`` to ``last``) whose wording ``[start, end)`` holds whole."""
        return bisect.bisect_left(self.kept_start, start), bisect.bisect_right(self.kept_end, end) - 1

    def rank(self, start: int, end: int) -> int | None:
        """The rank of the kept line whose wording is ``source[start:end]``, if one is."""
        rank = bisect.bisect_left(self.kept_start, start)
        if rank < len(self.kept_start) and self.kept_start[rank] == start and self.kept_end[rank] == end:
            return rank
        return None

    def edges(self, start: int, end: int) -> tuple[int, int, tuple[int, int] | None, tuple[int, int] | None]:
        """Kept lines ``first`` to ``last`` (ranks) that ``[start, end)`` holds whole, and cut lines around.

        ``head`` and ``tail`` are the wording ``(start, end)`` of the lines
        whose wording the span cuts into (at ``start`` and at ``end``), clipped
        to the span, when they hold wording still (a page header cut may no
        longer be one); otherwise ``None``.
        """
        first, last = self.kept(start, end)
        words_start, words_end = self.words_start, self.words_end
        head = tail = None
        at = bisect.bisect_right(words_start, start) - 1  # the line with wording whose wording holds start
        if at >= 0 and words_start[at] < start < words_end[at]:
            head = self._clipped_wording(start, min(words_end[at], end))
        at_end = bisect.bisect_left(words_start, end) - 1  # ... and the one whose wording holds end
        if at_end >= 0 and words_start[at_end] < end < words_end[at_end] and words_start[at_end] >= start:
            tail = self._clipped_wording(words_start[at_end], end)
        return first, last, head, tail

    def clean_to_line_end(self, start: int, end: int) -> str | None:
        """:func:`clean_wording` of ``[start, end)`` by one slice of :attr:`clean`, or ``None``.

        Sliced when the span ends where a kept line's wording ends and begins
        where one's begins, or inside one read with the rest (no gloss, no
        expanding character): what a provision's wording or body mostly is.
        """
        kept_start, kept_end = self.kept_start, self.kept_end
        rank = bisect.bisect_right(kept_start, start) - 1
        last = bisect.bisect_left(kept_end, end)
        if rank < 0 or last >= len(kept_end) or kept_end[last] != end or last < rank:
            return None
        at = kept_start[rank]
        if start == at:
            return self.clean[self.clean_start[rank] : self.clean_end[last]]
        if start >= kept_end[rank] or rank in self.special:
            return None
        head = self.source[start : kept_end[rank]]
        skip = len(head) - len(head.lstrip())
        if skip == len(head) or is_page_header(head):  # nothing of the line: the wording after it
            return self.clean[self.clean_start[rank + 1] : self.clean_end[last]] if last > rank else ""
        return self.clean[self.clean_start[rank] + start + skip - at : self.clean_end[last]]

    def _clipped_wording(self, lo: int, hi: int) -> tuple[int, int] | None:
        """The wording of ``source[lo:hi]`` (part of one line's); ``None`` if blank or a page header."""
        text = self.source[lo:hi]
        stripped = text.strip()
        if not stripped or is_page_header(text):
            return None
        first = lo + len(text) - len(text.lstrip())
        return first, first + len(stripped)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The lines ``first`` to ``last`` that overlap ``[start, end]`` (0-based)."""
        line_start = self.line_start
        return bisect.bisect_right(line_start, start) - 1, bisect.bisect_right(line_start, end) - 1

    def _clip(self, index: int, start: int, end: int) -> PhysicalLine:
        line = self.lines()[index]
        return _clipped_line(self.source, index + 1, max(line.start, start), min(line.end, end))


# The sources being parsed, most recent first: short texts (a clause, a news item) apart from
# documents, so viewing many short texts never drops the document being parsed.
_DOCUMENTS: dict[bool, tuple[_Document, ...]] = {False: (), True: ()}
_DOCUMENTS_LOCK = threading.Lock()
_MAX_DOCUMENTS = 4
_SHORT_SOURCE = 4_000  # characters


def _document(source: str) -> _Document:
    """The document view of ``source``, built once for the few sources being parsed (by identity)."""
    short = len(source) < _SHORT_SOURCE
    for doc in _DOCUMENTS[short]:
        if doc.source is source:
            return doc
    doc = _Document(source)
    with _DOCUMENTS_LOCK:
        others = tuple(d for d in _DOCUMENTS[short] if d.source is not source)
        _DOCUMENTS[short] = (doc, *others)[:_MAX_DOCUMENTS]
    return doc


def physical_lines(source: str, start: int = 0, end: int | None = None) -> Iterator[PhysicalLine]:
    """The lines of ``source`` that overlap ``[start, end)``, clipped to it.

    Line numbers are 1-based and count from the beginning of ``source``.

    Examples
    --------
    >>> [(ln.number, ln.is_blank) for ln in physical_lines("a\\n\\n - 5 -\\nb")]
    [(1, False), (2, True), (3, False), (4, False)]
    """
    end = len(source) if end is None else end
    if not 0 <= start <= end <= len(source):
        return _scan_lines(source, start, end)
    doc = _document(source)
    first, last = doc.span(start, end)
    lines = doc.lines()
    if first == last:
        if start <= lines[first].start and lines[first].end <= end:
            return iter((lines[first],))
        return iter((doc._clip(first, start, end),))
    found = lines[first : last + 1]
    if start > found[0].start:
        found[0] = doc._clip(first, start, end)
    if end < found[-1].end:
        found[-1] = doc._clip(last, start, end)
    return iter(found)


def wording_lines(source: str, start: int = 0, end: int | None = None) -> list[PhysicalLine]:
    """The lines of :func:`physical_lines` that are not blank, without making the blank ones.

    Examples
    --------
    >>> [(ln.number, ln.is_page_header) for ln in wording_lines("a\\n\\n - 5 -\\nb", 1)]
    [(3, True), (4, False)]
    """
    end = len(source) if end is None else end
    if not 0 <= start <= end <= len(source):
        return [ln for ln in _scan_lines(source, start, end) if not ln.is_blank]
    doc = _document(source)
    first, last = doc.span(start, end)
    line_start, words_start = doc.line_start, doc.words_start
    lo = bisect.bisect_left(words_start, line_start[first])
    hi = (
        bisect.bisect_left(words_start, line_start[last + 1])
        if last + 1 < len(line_start)
        else len(words_start)
    )
    found = doc.wording_lines()[lo:hi]
    for index in {first, last}:  # a line the span cuts: clipped (its wording found again)
        at, to = line_start[index], doc.line_end(index)
        if start <= at and to <= end:
            continue
        clipped = _clipped_line(source, index + 1, max(at, start), min(to, end))
        position = 0 if index == first else len(found) - 1
        if found and found[position].number == index + 1:
            if clipped.is_blank:
                del found[position]
            else:
                found[position] = clipped
    return found


def normalized_wording(source: str, line: PhysicalLine) -> str:
    """A line's wording normalised for matching, pinyin glosses left out.

    ``normalize(strip_glosses(wording))`` of the line's content, taken from the
    document's normalised view when the line is one of its whole lines.

    Examples
    --------
    >>> text = "一、合作\\n關(guān)於１２項"
    >>> [normalized_wording(text, ln) for ln in physical_lines(text)]
    ['一、合作', '關於12項']
    """
    if 0 <= line.content_start <= line.content_end <= len(source) and line.content_start < line.content_end:
        doc = _document(source)
        rank = doc.rank(line.content_start, line.content_end)
        if rank is not None:
            return doc.norm[doc.norm_start[rank] : doc.norm_end[rank]]
    return normalize(strip_glosses(source[line.content_start : line.content_end]))


def normalized_wordings(source: str, lines: Sequence[PhysicalLine]) -> list[str]:
    """:func:`normalized_wording` of each of ``lines`` (lines of ``source`` that hold wording).

    A run of the document's kept lines, one after another (what a span's
    wording lines mostly are), is sliced from the normalised view at once.

    Examples
    --------
    >>> text = "一、合作\\n\\n關(guān)於１２項\\n - 5 -\\n二、"
    >>> normalized_wordings(text, [ln for ln in physical_lines(text) if not ln.is_blank])
    ['一、合作', '關於12項', '- 5 -', '二、']
    """
    if not lines:
        return []
    if not all(0 <= ln.content_start < ln.content_end <= len(source) for ln in (lines[0], lines[-1])):
        return [normalized_wording(source, ln) for ln in lines]
    doc = _document(source)
    starts = list(map(operator.itemgetter(3), lines))
    ends = list(map(operator.itemgetter(4), lines))
    out: list[str] = []
    at = 0
    while at < len(lines):
        rank = doc.rank(starts[at], ends[at])
        if rank is None:
            out.append(normalized_wording(source, lines[at]))
            at += 1
            continue
        # the kept lines from this one on that are the next lines, one after another
        stop = min(len(lines), at + len(doc.kept_start) - rank)
        size = stop - at
        if doc.kept_start[rank : rank + size] != tuple(starts[at:stop]) or doc.kept_end[
            rank : rank + size
        ] != tuple(ends[at:stop]):
            size = 1
            while (
                at + size < len(lines)
                and rank + size < len(doc.kept_start)
                and doc.kept_start[rank + size] == starts[at + size]
                and doc.kept_end[rank + size] == ends[at + size]
            ):
                size += 1
        norm = doc.norm
        out.extend(
            map(
                norm.__getitem__,
                map(slice, doc.norm_start[rank : rank + size], doc.norm_end[rank : rank + size]),
            )
        )
        at += size
    return out


def _clean_line(source: str, first: int, last: int) -> str:
    """One line's wording as written, without pinyin glosses."""
    content = source[first:last]
    if "(" in content or "（" in content:
        return strip_glosses(content)
    return content


def clean_wording(source: str, start: int, end: int) -> str:
    """The original wording of ``source[start:end]`` with page-break whitespace removed.

    Line breaks, blank lines, page headers and indentation go; characters are
    kept as written (no normalisation), so the result can be found in the
    source once its whitespace is removed.

    Examples
    --------
    >>> clean_wording("促进粤\\n\\n港跨境电子商务", 0, 13)
    '促进粤港跨境电子商务'
    """
    if not 0 <= start <= end <= len(source):
        return _clean_wording_of_lines(source, _scan_lines(source, start, end))
    doc = _document(source)
    if (sliced := doc.clean_to_line_end(start, end)) is not None:
        return sliced
    return _clean_wording_of_edges(doc, start, end)


def clean_wording_of(source: str) -> Callable[[int, int], str]:
    """:func:`clean_wording` of ``source``, as a function of ``(start, end)`` bound to its document view.

    For a stage that asks for the wording of many spans of one source.

    Examples
    --------
    >>> wording = clean_wording_of("促进粤\\n\\n港跨境电子商务")
    >>> wording(0, 13), wording(2, 6)
    ('促进粤港跨境电子商务', '粤港')
    """
    doc = _document(source)
    size = len(source)
    sliced = doc.clean_to_line_end

    def wording(start: int, end: int) -> str:
        if 0 <= start <= end <= size and (found := sliced(start, end)) is not None:
            return found
        return clean_wording(source, start, end)

    return wording


def _clean_wording_of_edges(doc: _Document, start: int, end: int) -> str:
    """:func:`clean_wording` of the lines ``doc`` holds whole and the lines cut at either end."""
    source = doc.source
    first, last, head, tail = doc.edges(start, end)
    whole = doc.clean[doc.clean_start[first] : doc.clean_end[last]] if first <= last else ""
    if head is None and tail is None:
        return whole
    parts: list[str] = []
    previous = ""
    if head is not None:
        previous = _clean_line(source, *head)
        parts.append(previous)
    if whole:
        if previous and _is_latin(previous[-1]) and _is_latin(whole[0]):
            parts.append(" ")
        parts.append(whole)
        previous = whole
    if tail is not None:
        wording = _clean_line(source, *tail)
        if previous and _is_latin(previous[-1]) and _is_latin(wording[0]):
            parts.append(" ")
        parts.append(wording)
    return "".join(parts)


def _clean_wording_of_lines(source: str, lines: Iterator[PhysicalLine]) -> str:
    """:func:`clean_wording` of the lines found (without a document view)."""
    parts: list[str] = []
    previous = ""
    for line in lines:
        if line.is_blank or line.is_page_header:
            continue
        content = strip_glosses(source[line.content_start : line.content_end])
        if not content:
            continue
        if previous and _is_latin(previous) and _is_latin(content[0]):
            parts.append(" ")
        parts.append(content)
        previous = content[-1]
    return "".join(parts)


# ---------------------------------------------------------------------------
# Chinese numerals
# ---------------------------------------------------------------------------

CHINESE_DIGITS: dict[str, int] = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "兩": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CHINESE_PLACES: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
CHINESE_GROUPS: dict[str, int] = {"萬": 10**4, "万": 10**4, "億": 10**8, "亿": 10**8}


#: Numbers read from text are bounded: more significant digits, or a larger value, is "not a number".
MAX_SIGNIFICANT_DIGITS = 16
MAX_NUMBER = 1e16
_MAX_NUMERAL_LENGTH = 64  # characters: 九千九百九十九万九千九百九十九亿 … is far shorter


def parse_chinese_numeral(text: str) -> float | None:
    """Value of a number written in Chinese numerals, or ``None`` if it is not one.

    Every value is bounded: a numeral with more than
    :data:`MAX_SIGNIFICANT_DIGITS` digits, or worth more than
    :data:`MAX_NUMBER`, is ``None`` (never an exception or an infinite float).

    Parameters
    ----------
    text : str
        Chinese numerals, optionally with 萬/億 groups and a decimal part
        after 點/点; digit-by-digit forms (二零一一) are read as digits.

    Returns
    -------
    float or None

    Examples
    --------
    >>> parse_chinese_numeral("八百三十億")
    83000000000.0
    >>> parse_chinese_numeral("四点三")
    4.3
    >>> parse_chinese_numeral("十六")
    16.0
    >>> parse_chinese_numeral("二零一一")
    2011.0
    >>> parse_chinese_numeral("萬") is None
    True
    >>> parse_chinese_numeral("九" * 400) is None, parse_chinese_numeral("九亿" * 30) is None
    (True, True)
    """
    if not text or len(text) > _MAX_NUMERAL_LENGTH:
        return None
    integer, _, fraction = re.sub("[點点]", ".", text).partition(".")
    if fraction and not all(ch in CHINESE_DIGITS for ch in fraction):
        return None
    if integer and all(ch in CHINESE_DIGITS for ch in integer):
        digits = "".join(str(CHINESE_DIGITS[ch]) for ch in integer)
        if len(digits.lstrip("0")) > MAX_SIGNIFICANT_DIGITS:
            return None
        whole = float(int(digits))
    else:
        whole = _parse_place_value(integer)
        if whole is None:
            return None
    if fraction:
        places = "".join(str(CHINESE_DIGITS[ch]) for ch in fraction)
        if len(str(int(whole)).lstrip("0")) + len(places.rstrip("0")) > MAX_SIGNIFICANT_DIGITS:
            return None
        return float(f"{int(whole)}.{places}")
    return whole


def parse_number(text: str) -> float | None:
    """Value of an outline or figure number in Arabic or Chinese numerals, bounded; ``None`` if none.

    Arabic digits of any script (``12``, full-width ``１２``) and Chinese numerals
    (:func:`parse_chinese_numeral`). More than :data:`MAX_SIGNIFICANT_DIGITS`
    digits or a value above :data:`MAX_NUMBER` is ``None``, never an error.

    Examples
    --------
    >>> parse_number("35"), parse_number("三十五"), parse_number("１２")
    (35.0, 35.0, 12.0)
    >>> parse_number("1" * 5000) is None
    True
    """
    if text and text.isdecimal():
        digits = text.lstrip("0") or "0"
        if len(digits) > MAX_SIGNIFICANT_DIGITS:
            return None
        return float(int(digits))
    return parse_chinese_numeral(text)


def _parse_place_value(text: str) -> float | None:
    total = 0
    group = 0
    digit: int | None = None
    seen_any = False
    for ch in text:
        if ch in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[ch]
            seen_any = True
        elif ch in CHINESE_PLACES:
            group += (1 if digit is None else digit) * CHINESE_PLACES[ch]
            digit = None
            seen_any = True
        elif ch in CHINESE_GROUPS:
            if not seen_any and total == 0:
                return None
            group += digit or 0
            multiplier = CHINESE_GROUPS[ch]
            if multiplier == 10**8:
                total = (total + group) * multiplier
            else:
                total += group * multiplier
            group = 0
            digit = None
        else:
            return None
        if total + group > MAX_NUMBER:
            return None
    group += digit or 0
    if not seen_any or total + group > MAX_NUMBER:
        return None
    return float(total + group)
