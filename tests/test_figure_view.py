"""The figures stage's own view of a text is :class:`coopstats.text.TextView`'s: same text, same map back."""

from __future__ import annotations

import bisect

from hypothesis import given, settings
from hypothesis import strategies as st

from coopstats import corpus
from coopstats.figure_extraction import _View
from coopstats.text import TextView

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
]


def same_view(source: str, start: int, end: int) -> None:
    expected = TextView.of(source, start, end)
    view = _View.of(source, start, end)
    assert view.text == expected.text
    assert tuple(view.position(i) for i in range(len(view.text))) == expected.positions
    for pos in range(start - 1, end + 2):
        assert view.index(pos) == bisect.bisect_left(expected.positions, pos)
    if view.text:
        assert view.source_span(0, len(view.text)) == expected.source_span(0, len(expected.text))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30), st.data())
def test_view_is_the_text_view(pieces: list[str], data: st.DataObject) -> None:
    source = "".join(pieces)
    start = data.draw(st.integers(0, len(source)))
    end = data.draw(st.integers(start, len(source)))
    same_view(source, 0, len(source))
    same_view(source, start, end)


def test_view_of_every_corpus_source_is_the_text_view() -> None:
    for doc_id in corpus.doc_ids():
        source = corpus.source_text(doc_id)
        start, end = corpus.span(doc_id)
        assert _View.of(source).text == TextView.of(source).text
        same_view(source, start, min(end, start + 3000))
