"""Themes stage: a theme for every provision and task, from the headings above it.

Runs between the outline and the public frames. The taxonomy
(``data/reference/themes.csv``) has a dozen policy fields; every chapter and
section heading of the corpus is mapped to one of them in
``data/reference/theme_headings.csv`` (by reading the heading), and
``data/reference/theme_keywords.csv`` maps keywords to finer *topics*, each
belonging to one theme.

How a unit gets its theme (:func:`assign_themes`):

- a chapter, section, unnumbered heading or annex takes the theme of its own
  heading; a briefing's paragraph takes the theme of the topic heading it
  stands under (its ``heading`` column);
- an item, sub-item, footnote or a paragraph inside a numbered unit takes the
  theme of its nearest enclosing heading: its section, else its chapter;
- a heading is matched on a script-independent key (NFKC, then OpenCC
  ``hk2s``, whitespace, ``**`` and closing punctuation removed), so 跨界基礎設施
  and 跨界基础设施 are one heading;
- a heading the mapping lacks (a document a user parses) gets the theme its
  keywords point to most often; with no keyword, it has no theme and the unit
  falls back to the next heading up (section → chapter), else ``<NA>``;
- front matter (titles, document numbers, signatures) has no theme.

``topics`` lists, ``|``-joined and sorted, the topics whose keywords occur in
the unit's own wording.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from coopstats._resources import data_dir

if TYPE_CHECKING:
    import ahocorasick
    import pandas as pd

__all__ = [
    "ThemeTables",
    "assign_themes",
    "heading_key",
    "heading_theme",
    "match_form",
    "tables",
    "theme_columns",
    "themes",
    "topics_of",
]

logger = logging.getLogger(__name__)

# Numbered units: their theme comes from the section/chapter above, never from a heading of their own.
_NUMBERED_LEVELS = frozenset({"item", "subitem"})

# Whitespace (page breaks), bold markers and the quotation marks of either script, removed in one
# pass: "“湾区”重点行动计划" must match 湾区重点行动计划.
_NOT_MATCHED = re.compile(r"[\s*\"'“”‘’「」『』＂]+")
_CLOSING_PUNCTUATION = "。.:：；;，,"
_SEPARATOR = "\x00"  # between texts searched in one pass: no keyword holds it, nothing removes it


def match_form(text: str) -> str:
    """Script-independent form of a stretch of text, for matching.

    NFKC (full-width forms, compatibility ideographs), then OpenCC ``hk2s``,
    then whitespace (page breaks), bold markers and quotation marks removed.

    Examples
    --------
    >>> match_form("港珠澳大橋 主體工程")
    '港珠澳大桥主体工程'
    >>> match_form("蓮塘／香園圍口岸")
    '莲塘/香园围口岸'
    """
    from coopstats.text import normalize, to_simplified

    simplified = to_simplified(normalize(text))
    return _NOT_MATCHED.sub("", simplified)


def heading_key(heading: str) -> str:
    """Key a heading is matched on: :func:`match_form` without closing punctuation.

    Examples
    --------
    >>> heading_key("**服務貿易自由化。**")
    '服务贸易自由化'
    """
    return match_form(heading).rstrip(_CLOSING_PUNCTUATION)


@dataclass(frozen=True)
class ThemeTables:
    """The three reference tables, loaded and checked."""

    themes: pd.DataFrame
    headings: pd.DataFrame
    keywords: pd.DataFrame
    theme_by_key: dict[str, str | None]
    keyword_list: tuple[tuple[str, str, str], ...]  # (match form, topic, theme), longest first


def _read_reference(name: str) -> pd.DataFrame:
    import pandas as pd

    with data_dir().joinpath("reference", name).open("rb") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


def _check_tables(themes: pd.DataFrame, headings: pd.DataFrame, keywords: pd.DataFrame) -> None:
    from coopstats.errors import ReferenceDataError

    codes = set(themes["code"])
    for name, frame in (("theme_headings.csv", headings), ("theme_keywords.csv", keywords)):
        unknown = frame.index[(frame["theme"] != "") & ~frame["theme"].isin(codes)]
        if len(unknown):
            raise ReferenceDataError(
                name,
                int(unknown[0]) + 2,  # the header is line 1
                f"a theme code of themes.csv ({', '.join(sorted(codes))})",
                f"theme code {frame.loc[unknown[0], 'theme']!r} is not in themes.csv",
            )
    first_theme = keywords.groupby("topic")["theme"].transform("first")
    split = keywords.index[first_theme != keywords["theme"]]
    if len(split):
        topic = keywords.loc[split[0], "topic"]
        raise ReferenceDataError(
            "theme_keywords.csv",
            int(split[0]) + 2,
            f"the theme {first_theme[split[0]]!r} that topic {topic!r} has in its other rows",
            f"topic {topic!r} belongs to more than one theme",
        )


@cache
def tables() -> ThemeTables:
    """Load ``themes.csv``, ``theme_headings.csv`` and ``theme_keywords.csv``.

    Raises
    ------
    coopstats.errors.ReferenceDataError
        A heading or keyword names a theme code missing from ``themes.csv``, two
        readings of one heading disagree, or a topic belongs to two themes
        (with the table and row).

    Examples
    --------
    >>> t = tables()
    >>> t.theme_by_key["跨界基础设施"]
    'infra'
    """
    from coopstats.errors import ReferenceDataError

    themes_frame = _read_reference("themes.csv")
    headings = _read_reference("theme_headings.csv")
    keywords = _read_reference("theme_keywords.csv")
    _check_tables(themes_frame, headings, keywords)
    theme_by_key: dict[str, str | None] = {}
    rows = zip(headings["heading"], headings["theme"], strict=True)
    for line, (heading, theme) in enumerate(rows, start=2):  # the header is line 1
        key = heading_key(heading)
        value = theme or None
        if key in theme_by_key and theme_by_key[key] != value:
            raise ReferenceDataError(
                "theme_headings.csv",
                line,
                f"the theme {theme_by_key[key]!r} that another reading of the heading {heading!r} has",
                f"the heading {heading!r} is mapped to both {theme_by_key[key]!r} and {value!r}",
            )
        theme_by_key[key] = value
    keyword_list = tuple(
        sorted(
            (
                (match_form(k), t, th)
                for k, t, th in zip(keywords["keyword"], keywords["topic"], keywords["theme"], strict=True)
            ),
            key=lambda row: -len(row[0]),
        )
    )
    return ThemeTables(themes_frame, headings, keywords, theme_by_key, keyword_list)


def themes() -> pd.DataFrame:
    """The theme taxonomy: ``code, label_en, label_zh, description, source``.

    Examples
    --------
    >>> themes()["code"].head(3).tolist()
    ['infra', 'finance', 'services']
    """
    return tables().themes.copy()


@dataclass(frozen=True)
class _KeywordMatcher:
    """Every keyword of the tables in one Aho-Corasick automaton (``pyahocorasick``).

    One pass over a text finds every occurrence of every keyword, overlapping
    and nested ones included, in time linear in the text (plus the matches).
    Each keyword's match form maps to the indices (into ``keyword_list``) of the
    rows with that form and to the bit mask of their topics (``topic_names``
    sorted, bit ``i`` for ``topic_names[i]``), so a text's topics are the OR of
    its matches' masks. ``automaton`` is ``None`` when the tables have no
    keyword.
    """

    automaton: ahocorasick.Automaton | None
    topic_names: tuple[str, ...]
    joined: dict[int, str | None]  # topic mask -> sorted, |-joined topics (filled as masks are met)

    def matches(self, form: str) -> Iterator[tuple[tuple[int, ...], int]]:
        """``(indices, topic mask)`` of every keyword occurrence in a text already in match form."""
        if self.automaton is None or not form:
            return iter(())
        return (value for _, value in self.automaton.iter(form))

    def topics(self, mask: int) -> str | None:
        """The topics of a mask, sorted and ``|``-joined; ``None`` for no topic."""
        if mask not in self.joined:
            names = self.topic_names
            self.joined[mask] = "|".join(n for i, n in enumerate(names) if mask >> i & 1) or None
        return self.joined[mask]


@cache
def _keyword_matcher() -> _KeywordMatcher:
    import ahocorasick

    keyword_list = tables().keyword_list
    topic_names = tuple(sorted({topic for keyword, topic, _ in keyword_list if keyword}))
    bit = {topic: 1 << i for i, topic in enumerate(topic_names)}
    rows: dict[str, list[int]] = {}
    for i, (keyword, _, _) in enumerate(keyword_list):
        if keyword:
            rows.setdefault(keyword, []).append(i)
    if not rows:  # no keyword at all: nothing ever matches
        return _KeywordMatcher(None, topic_names, {0: None})
    automaton = ahocorasick.Automaton()
    for form, indices in rows.items():
        mask = 0
        for i in indices:
            mask |= bit[keyword_list[i][1]]
        automaton.add_word(form, (tuple(indices), mask))
    automaton.make_automaton()
    return _KeywordMatcher(automaton, topic_names, {0: None})


def _keyword_indices(form: str) -> set[int]:
    """Indices into ``keyword_list`` of the keywords occurring in a text already in match form."""
    found: set[int] = set()
    for indices, _ in _keyword_matcher().matches(form):
        found.update(indices)
    return found


def _keyword_hits(form: str) -> list[tuple[str, str]]:
    """(topic, theme) of every keyword in a text already in match form, each keyword counted once."""
    keyword_list = tables().keyword_list
    return [keyword_list[i][1:] for i in sorted(_keyword_indices(form))]


def _topics_of_form(form: str) -> str | None:
    matcher = _keyword_matcher()
    if matcher.automaton is None or not form:
        return None
    mask = 0
    for _, (_, topics) in matcher.automaton.iter(form):
        mask |= topics
    return matcher.topics(mask)


def topics_of(text: str | None) -> str | None:
    """Topics whose keywords occur in the text, sorted and ``|``-joined; ``None`` when there are none.

    Examples
    --------
    >>> topics_of("繼續實施粵港“清潔生產夥伴計劃＂，支持企業節能減排。")
    'air|cleaner-production'
    >>> topics_of("") is None
    True
    """
    if not text:
        return None
    return _topics_of_form(match_form(text))


_UNMAPPED = object()


def heading_theme(heading: str | None) -> str | None:
    """Theme of one heading: from the mapping, else from its keywords, else ``None``.

    Examples
    --------
    >>> heading_theme("跨界基礎設施")
    'infra'
    >>> heading_theme("深化與港澳旅遊合作")  # not in the mapping: keywords decide
    'tourism'
    >>> heading_theme("附则") is None
    True
    """
    theme = _heading_theme(heading)
    return None if theme is _UNMAPPED else theme  # type: ignore[return-value]


def _heading_theme(heading: str | None) -> str | object | None:
    """Like :func:`heading_theme`, but ``_UNMAPPED`` when nothing decides (so callers fall back)."""
    if heading is None or not str(heading).strip():
        return _UNMAPPED
    return _theme_of_heading(str(heading))


@lru_cache(maxsize=8192)
def _theme_of_heading(heading: str) -> str | object | None:
    """Theme of a non-blank heading (it depends on the reference tables only: kept per process)."""
    key = heading_key(heading)
    known = tables().theme_by_key
    if key in known:
        return known[key]  # None for front matter: a decided "no theme"
    hits = _keyword_hits(key)
    if not hits:
        return _UNMAPPED
    counts = Counter(theme for _, theme in hits)
    best = max(counts.values())
    # ties: the theme whose keyword comes first in the heading
    tied = {theme for theme, n in counts.items() if n == best}
    first = min(
        (key.find(match_form(k)), th)
        for k, _, th in tables().keyword_list
        if th in tied and match_form(k) in key
    )
    return first[1]


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return False
    import pandas as pd

    return bool(pd.isna(value))


def _values(frame: pd.DataFrame, column: str) -> list[object]:
    """A column's values as a list (``None`` for every row where the frame lacks the column)."""
    return frame[column].tolist() if column in frame.columns else [None] * len(frame)


def _provision_themes(
    doc_ids: list[object],
    node_ids: list[object],
    parent_ids: list[object],
    levels: list[object],
    headings: list[object],
) -> list[str | None]:
    """Theme of every provision row, walking up the parent chain within its document."""
    records = {
        (doc, node): (parent, str(level) if not _is_missing(level) else "", heading)
        for doc, node, parent, level, heading in zip(
            doc_ids, node_ids, parent_ids, levels, headings, strict=True
        )
    }
    memo: dict[tuple[object, object], str | None] = {}

    def theme_of(doc: object, node: object, depth: int = 0) -> str | None:
        if (doc, node) in memo:
            return memo[(doc, node)]
        record = records.get((doc, node))
        if record is None or depth > 50:  # unknown parent or a cycle: no theme, never a crash
            return None
        parent, level, heading = record
        result: str | object | None = _UNMAPPED
        if level not in _NUMBERED_LEVELS and not _is_missing(heading):
            result = _heading_theme(str(heading))
        if result is _UNMAPPED:
            result = None if _is_missing(parent) else theme_of(doc, parent, depth + 1)
        memo[(doc, node)] = result  # type: ignore[assignment]
        return result  # type: ignore[return-value]

    return [theme_of(doc, node) for doc, node in zip(doc_ids, node_ids, strict=True)]


def _task_theme_from_titles(section_title: object, chapter_title: object) -> str | None:
    for title in (section_title, chapter_title):
        if not _is_missing(title):
            theme = _heading_theme(str(title))
            if theme is not _UNMAPPED:
                return theme  # type: ignore[return-value]
    return None


def _topics(texts: list[object]) -> list[str | None]:
    """Topics of every text (``None`` where missing or without keyword).

    Each distinct text is put in match form once (many tasks repeat the wording
    of their unit); the match forms, joined by a character no keyword holds,
    are searched by one pass of the automaton.
    """
    from coopstats.text import normalize, to_simplified

    strings = [text if isinstance(text, str) else None if _is_missing(text) else str(text) for text in texts]
    distinct = [text for text in dict.fromkeys(strings) if text]  # None and "" have no topics
    forms = [to_simplified(normalize(text)) for text in distinct]
    joined = _NOT_MATCHED.sub("", _SEPARATOR.join(forms))
    matcher = _keyword_matcher()
    masks = [0] * len(distinct)
    if matcher.automaton is not None and joined.count(_SEPARATOR) == len(distinct) - 1:
        ends: list[int] = []  # where each text's form ends in the joined forms
        at = joined.find(_SEPARATOR)
        while at >= 0:
            ends.append(at)
            at = joined.find(_SEPARATOR, at + 1)
        ends.append(len(joined))
        k = 0
        for end, (_, mask) in matcher.automaton.iter(joined):
            while end >= ends[k]:
                k += 1
            masks[k] |= mask
    elif matcher.automaton is not None:  # a text holds the separator itself: one pass per text
        for k, form in enumerate(forms):
            for _, (_, mask) in matcher.automaton.iter(_NOT_MATCHED.sub("", form)):
                masks[k] |= mask
    topics = matcher.topics
    found: dict[object, str | None] = {None: None, "": None}
    found.update(zip(distinct, map(topics, masks), strict=True))
    return [found[text] for text in strings]


def _with_columns(frame: pd.DataFrame, theme: list[str | None], topics: list[str | None]) -> pd.DataFrame:
    """A shallow copy of ``frame`` with its ``theme`` and ``topics`` columns set (``string``)."""
    from coopstats.schemas import column_array

    out = frame.copy(deep=False)  # copy-on-write: the other columns are shared, never copied
    out["theme"] = column_array("string", theme)
    out["topics"] = column_array("string", topics)
    return out


def assign_themes(provisions: pd.DataFrame, tasks: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill the ``theme`` and ``topics`` columns of a provisions and a tasks frame.

    Parameters
    ----------
    provisions : pandas.DataFrame
        Provisions of one or more documents (``doc_id, node_id, parent_id,
        level, heading, text``).
    tasks : pandas.DataFrame
        Tasks of the same documents (``doc_id, node_id, chapter_title,
        section_title, text``).

    Returns
    -------
    tuple of pandas.DataFrame
        Copies of both frames with ``theme`` (theme code, ``string``, ``<NA>``
        where no heading decides) and ``topics`` (``|``-joined topic codes,
        ``string``, ``<NA>`` when no keyword occurs). A task takes the theme of
        its unit in ``provisions``; a task whose unit is missing there takes
        the theme of its section title, else its chapter title.

    Examples
    --------
    >>> import pandas as pd
    >>> provisions = pd.DataFrame({
    ...     "doc_id": ["d", "d", "d"], "node_id": ["c1", "c1.s1", "c1.s1.i1"],
    ...     "parent_id": [None, "c1", "c1.s1"], "level": ["chapter", "section", "item"],
    ...     "heading": ["現代服務業", "金融合作", None],
    ...     "text": ["現代服務業", "金融合作。", "支持粵港保險業務創新合作。"]})
    >>> tasks = pd.DataFrame({"doc_id": ["d"], "node_id": ["c1.s1.i1"], "chapter_title": ["現代服務業"],
    ...     "section_title": ["金融合作"], "text": ["支持粵港保險業務創新合作。"]})
    >>> p, t = assign_themes(provisions, tasks)
    >>> p["theme"].tolist(), t[["theme", "topics"]].iloc[0].tolist()
    (['services', 'finance', 'finance'], ['finance', 'insurance'])
    """
    # the columns are read once as lists; the work is on plain values; each frame gets its two columns once
    provision_columns = {c: _values(provisions, c) for c in _PROVISION_INPUTS}
    task_columns = {c: _values(tasks, c) for c in _TASK_INPUTS}
    themed_provisions, themed_tasks = theme_columns(provision_columns, task_columns)
    provisions = _with_columns(provisions, themed_provisions["theme"], themed_provisions["topics"])
    tasks = _with_columns(tasks, themed_tasks["theme"], themed_tasks["topics"])
    return provisions, tasks


_PROVISION_INPUTS = ("doc_id", "node_id", "parent_id", "level", "heading", "text")
_TASK_INPUTS = ("doc_id", "node_id", "section_title", "chapter_title", "text")


def theme_columns(
    provisions: Mapping[str, Sequence[object]], tasks: Mapping[str, Sequence[object]]
) -> tuple[dict[str, list[str | None]], dict[str, list[str | None]]]:
    """:func:`assign_themes` on plain columns: the ``theme`` and ``topics`` of every provision and task.

    Parameters
    ----------
    provisions : mapping of str to list
        ``doc_id, node_id, parent_id, level, heading, text`` of the provisions
        (``None`` or ``<NA>`` for missing), e.g. a
        :class:`coopstats.schemas.Columns`.
    tasks : mapping of str to list
        ``doc_id, node_id, section_title, chapter_title, text`` of the tasks.

    Returns
    -------
    tuple of dict
        For the provisions and for the tasks, ``{"theme": [...], "topics": [...]}``
        (``None`` where missing), as :func:`assign_themes` fills them.

    Examples
    --------
    >>> provisions = {"doc_id": ["d", "d"], "node_id": ["c1", "c1.i1"], "parent_id": [None, "c1"],
    ...     "level": ["chapter", "item"], "heading": ["金融合作", None],
    ...     "text": ["金融合作", "保險業務創新。"]}
    >>> tasks = {"doc_id": ["d"], "node_id": ["c1.i1"], "section_title": [None],
    ...     "chapter_title": ["金融合作"], "text": ["保險業務創新。"]}
    >>> p, t = theme_columns(provisions, tasks)
    >>> p["theme"], t["theme"], t["topics"]
    (['finance', 'finance'], ['finance'], ['insurance'])
    """
    doc_ids, node_ids = list(provisions["doc_id"]), list(provisions["node_id"])
    provision_themes = _provision_themes(
        doc_ids,
        node_ids,
        list(provisions["parent_id"]),
        list(provisions["level"]),
        list(provisions["heading"]),
    )
    by_node = dict(zip(zip(doc_ids, node_ids, strict=True), provision_themes, strict=True))
    task_themes: list[str | None] = []
    rows = zip(tasks["doc_id"], tasks["node_id"], tasks["section_title"], tasks["chapter_title"], strict=True)
    for doc_id, node_id, section_title, chapter_title in rows:
        key = (doc_id, node_id)
        if key in by_node:
            task_themes.append(by_node[key])
        else:
            task_themes.append(_task_theme_from_titles(section_title, chapter_title))
    unthemed = sum(theme is None for theme in task_themes)
    if unthemed:
        logger.info(
            "%d of %d tasks have no theme (no heading above them maps to one)", unthemed, len(task_themes)
        )
    provision_texts = list(provisions["text"])
    topics = _topics(provision_texts + list(tasks["text"]))
    return (
        {"theme": provision_themes, "topics": topics[: len(provision_texts)]},
        {"theme": task_themes, "topics": topics[len(provision_texts) :]},
    )
