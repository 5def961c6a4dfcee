"""The one view of a text (:class:`coopstats.text.TextView`, its map held as runs) against the old reading.

The reference below reads the slice line by line and keeps one source offset
per character, as the figures stage's own view and the text stage's did before
they became one: every character's position, every source offset's index and
the span of the whole view agree with it.
"""

from __future__ import annotations

import bisect

from hypothesis import given, settings
from hypothesis import strategies as st

from coopstats import corpus
from coopstats.text import _NFKC, TextView, gloss_spans, is_page_header

# What a view reads differently: line breaks, blank lines, indentation (ideographic space too), page
# headers, pinyin glosses, Latin letters and digits across a break, characters whose NFKC is longer
# (…, ㎡, ①), full-width forms, compatibility ideographs, characters beyond the BMP, a lone surrogate.
PIECES = [
    *"ab1２中國年\n\n\n  \t\u3000\r（(guān)）ā-－第5/页…㎡①，。Ａx",
    "\U0001d400",
    "\U0002f800",
    "\ud800",
    " - 5 - ",
    "第 3 页",
    "12/40",
    "關(guān)",
    "區（qū）",
    "…A",
    "z…",
]


def reference_view(source: str, start: int, end: int) -> tuple[str, list[int]]:
    """The view of ``source[start:end]`` read line by line, one source offset per character."""
    pieces: list[str] = []
    positions: list[int] = []
    previous = ""
    at = source.rfind("\n", 0, start) + 1
    while at <= end:
        newline = source.find("\n", at)
        line_end = len(source) if newline == -1 else newline
        lo, hi = max(at, start), min(line_end, end)
        line = source[lo:hi]
        content = line.strip()
        if content and not is_page_header(line):
            first = lo + len(line) - len(line.lstrip())
            if (
                previous
                and previous.isascii()
                and previous.isalnum()
                and content[0].isascii()
                and content[0].isalnum()
            ):
                pieces.append(" ")
                positions.append(first - 1)
            glossed = {i for a, b in gloss_spans(content) for i in range(a, b)}
            for offset, ch in enumerate(content, start=first):
                if offset - first not in glossed:
                    pieces.append(_NFKC[ch])
                    positions.extend([offset] * len(_NFKC[ch]))
            previous = content[-1]
        if newline == -1:
            break
        at = newline + 1
    return "".join(pieces), positions


def same_view(source: str, start: int, end: int) -> None:
    view = TextView.of(source, start, end)
    text, positions = reference_view(source, start, end)
    assert view.text == text
    assert view.positions == tuple(positions)
    assert [view.position(i) for i in range(len(text))] == positions
    for pos in range(start - 1, end + 2):
        assert view.index(pos) == bisect.bisect_left(positions, pos)
    if text:
        assert view.source_span(0, len(text)) == (positions[0], positions[-1] + 1)
    # Runs: one a line at most, unless a gloss is left out or a character expands.
    assert len(view.run_view) == len(view.run_source) <= len(text)
    assert view.run_view == sorted(set(view.run_view))
    assert TextView(source, view.text, view.positions) == view


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30), st.data())
def test_view_is_the_line_by_line_reading(pieces: list[str], data: st.DataObject) -> None:
    source = "".join(pieces)
    start = data.draw(st.integers(0, len(source)))
    end = data.draw(st.integers(start, len(source)))
    same_view(source, 0, len(source))
    same_view(source, start, end)


def test_view_of_every_corpus_source_is_the_line_by_line_reading() -> None:
    for doc_id in corpus.doc_ids():
        source = corpus.source_text(doc_id)
        start, end = corpus.span(doc_id)
        same_view(source, 0, len(source))
        same_view(source, start, min(end, start + 3000))
        view = TextView.of(source)
        assert len(view.run_view) <= source.count("\n") + 1 + len(gloss_spans(source)) + 4 * sum(
            len(_NFKC[ch]) > 1 for ch in source
        )


def test_views_of_lines_joined_to_lines_read_on_their_own() -> None:
    # A Latin line joined to one with a gloss, a character NFKC expands, a page header between.
    for source in [
        "Hong\nKong…１２\n\nab\n - 5 -\n9區（qū）域\nx…y\nz",
        "…\n㈠A\nB(CEPA)\n關(guān)\nC",
        "\u00a8a\nb\u00a8\n c",
    ]:
        for start in range(len(source) + 1):
            for end in range(start, len(source) + 1):
                same_view(source, start, end)
