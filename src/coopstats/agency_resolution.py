"""Agencies stage: resolve the agency clauses of tasks into named agencies with roles.

A task of a Guangdong key-work list or implementation opinion ends with a
parenthesised clause naming the units responsible for it::

    （省发展改革委、公安厅牵头，有关地级以上市政府等按职责分工负责）
    （广州、深圳、珠海市政府，省住房城乡建设厅）

This module turns such a clause into one row per agency:

- **separators** ``、 ， , ； ; 及 以及`` split names (``和`` never does: it is
  part of names such as 省经济和信息化委); separators inside parentheses do not
  split;
- a **jurisdiction prefix** (省, 省委, 广东省, 广州市, 广东, …) distributes
  forward along a ``、``/``及`` chain to names written without one
  (省发展改革委、公安厅 → 省公安厅); a name with a jurisdiction or parent of its
  own (水利部珠江水利委员会, 海关广东分署, 团省委) or one the registry holds as
  written is left as written; a ``，`` starts a new group with its own prefix;
- a **suffix** distributes backwards over bare place names
  (深圳、珠海市政府 → 深圳市政府, 珠海市政府);
- **roles** come from the words of the clause: names before 牵头 lead, the
  others of a clause with a lead are ``co``, names before (等)按职责分工负责 in a
  clause without a lead are ``responsible``, and a clause without role words is
  ``listed``. Under ``lead_rule="first-listed"`` (a document that says the
  first-listed unit leads) the first name of a clause without a 牵头 leads and
  the rest are ``co``;
- the clause is normalised (NFKC) and converted to simplified script before
  matching, so traditional-script clauses resolve to the same names and ids.

Names are matched against the registry (``data/reference/agencies.csv`` plus
an optional ``agencies.csv`` in the user folder). Names the registry lacks are
kept, with ``known`` false and a flag, never dropped.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from coopstats import _resources, clauses, vocabulary
from coopstats.errors import ParseError, ParseWarning, ReferenceDataError, UnknownAgencyWarning
from coopstats.schemas import FRAMES, column_array, frame_from_arrays
from coopstats.text import (
    gloss_spans,
    has_control_characters,
    normalize,
    normalized_with_positions,
    to_simplified,
)

__all__ = [
    "LEAD_RULES",
    "ROLES",
    "agencies",
    "assign",
    "assignment_columns",
    "clause_leftovers",
    "detect_lead_rule",
    "load_registry",
    "resolve_agencies",
]

logger = logging.getLogger(__name__)

ROLES: tuple[str, ...] = vocabulary.roles()
LEAD_RULES: tuple[str, ...] = vocabulary.lead_rules()
REGISTRY_COLUMNS: tuple[str, ...] = tuple(column.name for column in FRAMES["agencies"])
USER_REGISTRY_FILE = "agencies.csv"

# A name longer than this is almost certainly two names run together or prose.
_MAX_NAME_CHARS = 40

# ---------------------------------------------------------------------------
# Genre knowledge: place names, jurisdiction prefixes, role words
# ---------------------------------------------------------------------------

# Places that head agency names in the genre: Guangdong and its 21
# prefecture-level cities, districts and cooperation zones that act as
# jurisdictions, the two SARs and the provinces of the Pan-PRD region.
# (Administrative divisions of the People's Republic of China, 2017.)
PLACES: tuple[str, ...] = (
    # province and prefecture-level cities of Guangdong
    "广东", "广州", "深圳", "珠海", "汕头", "佛山", "韶关", "湛江", "肇庆", "江门", "茂名", "惠州",
    "梅州", "汕尾", "河源", "阳江", "清远", "东莞", "中山", "潮州", "揭阳", "云浮",
    # districts and zones that act as jurisdictions
    "顺德", "南沙", "前海", "横琴",
    # special administrative regions
    "香港", "澳门",
    # the other Pan-PRD provinces and regions, and the two largest municipalities
    "福建", "江西", "湖南", "广西", "海南", "四川", "贵州", "云南", "北京", "上海",
)  # fmt: skip

_PLACE_ALTERNATION = "|".join(sorted(PLACES, key=len, reverse=True))
_PLACE_SET = frozenset(PLACES)
# The longest place a name starts with, where more follows it.
_PLACE_HEAD = re.compile(rf"(?:{_PLACE_ALTERNATION})(?=.)", re.DOTALL)

# The jurisdiction a name starts with: this is what distributes along a 、 chain.
_JURISDICTION_PREFIX = re.compile(
    rf"""^(?:
        广东省委 | 广东省 | 省委 | 省             # the province and its party committee
      | 市(?!场) | 区 | 县                       # a city's, district's or county's own list
      | 国家 | 中央                              # the central level
      | (?:{_PLACE_ALTERNATION})(?:省|市|区|县)?  # a place, with or without its level
    )""",
    re.VERBOSE,
)

# A parent or jurisdiction inside a name that does not start with one:
# 水利部珠江水利委员会 (a ministry), 海关广东分署 / 人民银行广州分行 (a place),
# 民航中南管理局 (a region), 团省委 (the provincial youth league).
_OWN_PARENT = re.compile(
    rf"""(?:
        (?:{_PLACE_ALTERNATION})          # a place anywhere in the name
      | 中南 | 华南 | 珠江 | 南方          # a region
      | ^团省委 | ^有关                     # youth league; generic groups
      | 部(?=.)                           # a ministry followed by its unit
      | 总局 | 总署
      | ^[\u4e00-\u9fff]{{2,3}}[区县](?:人民)?政府$   # a district's or county's own government
    )""",
    re.VERBOSE,
)

# Central-level prefixes distribute only to names the registry holds with them.
_CENTRAL_PREFIXES = frozenset({"国家", "中央"})

# A bare department name waiting for a prefix ends like an institution.
_INSTITUTION_ENDING = re.compile(r"(?:厅|委|办|局|部|院|会|中心|集团|公司|行|署|站|处|所|组|单位|政府)$")

# The administrative level a bare place may carry before a shared suffix
# (广州市、深圳市政府): it is dropped so that 市 is not doubled.
_PLACE_LEVEL_ENDING = re.compile(r"(?:省|市|区|县)$")

_LEAD_CO = vocabulary.alternation(vocabulary.clause_words("lead-co"))
_GENERIC = vocabulary.alternation(vocabulary.clause_words("generic"))
_ETC = vocabulary.alternation(vocabulary.clause_words("etc"))
_DROP = vocabulary.alternation(vocabulary.clause_words("drop"))
_EACH = vocabulary.alternation(vocabulary.clause_words("each"))

# Separators between names, at bracket depth 0. 以及 before 及; "X等有关部门" keeps 有关部门 as a name.
_SEPARATOR = re.compile(
    rf"""
    (?P<with>{_LEAD_CO})                                  # X会同Y: X leads, Y co-operates
  | (?P<chain>以及|及|、|(?:{_ETC})(?=(?:{_GENERIC})))      # joins names of one chain
  | (?P<group>[,，;；])                                   # starts a new group with its own prefix
    """,
    re.VERBOSE,
)

# Role words that close a run of names: "…牵头", "…等按职责分工负责", "…配合" (declared in vocabulary.csv).
_ROLE_TAIL = re.compile(
    rf"(?P<etc>(?:{_ETC})(?:{_DROP})?)?(?P<marker>{vocabulary.alternation(vocabulary.role_words())})$"
)
# A trailing 等 / 等部门 ("and others") with no role word after it.
_TRAILING_ETC = re.compile(rf"(?:{_ETC})(?:{_DROP})?$")
# The longest tail the two patterns above can match: they are anchored at the end, so a search from
# this far before the end finds what a search of the whole name would (and keeps stripping linear).
_TAIL_WINDOW = (
    max(map(len, vocabulary.clause_words("etc")))
    + max(map(len, vocabulary.clause_words("drop")), default=0)
    + max(map(len, vocabulary.role_words()))
)
# "由省发展改革委牵头": a leading 由 is a role word.
_LEADING_BY = re.compile(rf"^(?:{vocabulary.alternation(vocabulary.clause_words('by'))})")
# 各 / 各有关 heading a chain distributes along it: 各市、县 → 各市, 各县.
_LEADING_EACH = re.compile(rf"^(?:{_EACH})")
# A label without role words ("责任单位" stands alone): listed, or co beside a lead.
_UNMARKED = "unmarked"


# ---------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _key(name: str) -> str:
    """Matching key of a name: NFKC, simplified script, no whitespace."""
    return "".join(to_simplified(normalize(name)).split())


def _read_registry_csv(path: Any, *, origin: str) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype="string", keep_default_na=False, comment=None)
    missing = [c for c in ("agency_id", "name") if c not in frame.columns]
    if missing:
        raise ReferenceDataError(
            str(path),
            1,
            "a header with agency_id and name (optionally " + ", ".join(REGISTRY_COLUMNS[2:]) + ")",
            f"the agency registry {origin} lacks the columns {', '.join(missing)}",
        )
    for column in REGISTRY_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    frame = frame[list(REGISTRY_COLUMNS)].copy()
    for column in REGISTRY_COLUMNS:
        frame[column] = frame[column].fillna("").str.strip()
    bad_ids = frame.loc[~frame["agency_id"].str.fullmatch(r"[a-z0-9][a-z0-9-]*"), "agency_id"]
    if len(bad_ids):
        raise ReferenceDataError(
            str(path),
            int(bad_ids.index[0]) + 2,  # the header is line 1
            "lower-case ASCII keys of letters, digits and hyphens, e.g. gd-drc",
            f"the agency registry {origin} has invalid agency_id values: {', '.join(map(repr, bad_ids))}",
        )
    frame["origin"] = origin
    return frame


@cache
def _registry_cached(user_file: str | None, user_mtime: float | None) -> pd.DataFrame:
    with _resources.data_dir().joinpath("reference", "agencies.csv").open("rb") as handle:
        package = _read_registry_csv(handle, origin="package")
    frames = [package]
    if user_file is not None:
        frames.append(_read_registry_csv(user_file, origin="user"))
    registry = pd.concat(frames, ignore_index=True)
    # a user row replaces the package row with the same agency_id
    registry = registry.drop_duplicates("agency_id", keep="last").reset_index(drop=True)
    registry["verified"] = registry["verified"].str.lower().isin(["true", "1", "yes"]).astype("boolean")
    for column in REGISTRY_COLUMNS:
        if column != "verified":
            registry[column] = registry[column].astype("string")
    registry["origin"] = registry["origin"].astype("string")
    return registry


def load_registry(*, user: bool = True) -> pd.DataFrame:
    """The agency registry: the package's table plus the user's own entries.

    Parameters
    ----------
    user : bool, default True
        Also read ``agencies.csv`` in the user folder
        (:func:`coopstats._resources.user_dir`), whose rows are added to the
        package's and replace package rows with the same ``agency_id``.

    Returns
    -------
    pandas.DataFrame
        One row per agency: ``agency_id, name, name_en, level, aliases``
        (``|``-separated), ``successor`` (names, ``|``-separated, after the 2018
        institutional reforms), ``source``, ``verified`` and ``origin``
        (``package`` or ``user``).

    Raises
    ------
    ParseError
        A registry file lacks required columns or has invalid ids.

    Examples
    --------
    >>> reg = load_registry(user=False)
    >>> reg.set_index("name").loc["省经济和信息化委", "successor"]
    '省工业和信息化厅'
    """
    user_path: Path | None = _resources.user_dir() / USER_REGISTRY_FILE if user else None
    if user_path is not None and user_path.is_file():
        return _registry_cached(str(user_path), user_path.stat().st_mtime).copy()
    return _registry_cached(None, None).copy()


def agencies() -> pd.DataFrame:
    """The agency registry (``cs.agencies()``).

    Returns
    -------
    pandas.DataFrame
        ``agency_id, name, name_en, level, aliases, successor, source, verified``
        (see :func:`load_registry`).

    Examples
    --------
    >>> reg = agencies()
    >>> reg.set_index("agency_id").loc["pboc-gz", ["name", "aliases"]].tolist()
    ['人民银行广州分行', '人行广州分行']
    """
    return load_registry().drop(columns="origin")


@dataclass(frozen=True)
class _Index:
    """Registry lookups by matching key."""

    by_key: Mapping[str, str]  # key of name or alias -> agency_id
    rows: Mapping[str, Mapping[str, Any]]  # agency_id -> registry row
    # name -> agency_id (None: not in the registry), as _lookup found it: a name is looked up several
    # times per clause (expanding prefixes, then the record), and again in every document naming it
    found: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)
    # (clause, lead rule) -> the clause's records and whether it states the first-listed rule, or the
    # ParseError it raised, as _assignment_records found them: a clause depends on its text, its rule
    # and this index alone, and the genre repeats its clauses (省商务厅牵头) across tasks and documents
    resolved: dict[tuple[str, str], tuple[list[dict[str, Any]], bool] | ParseError] = field(
        default_factory=dict, compare=False, repr=False
    )


def _index(registry: pd.DataFrame) -> _Index:
    by_key: dict[str, str] = {}
    rows: dict[str, dict[str, Any]] = {}
    for row in registry.to_dict("records"):
        agency_id = str(row["agency_id"])
        rows[agency_id] = row
        names = [str(row["name"]), *[a for a in str(row["aliases"] or "").split("|") if a.strip()]]
        for name in names:
            by_key.setdefault(_key(name), agency_id)
    return _Index(by_key, rows)


@cache
def _index_cached(user_file: str | None, user_mtime: float | None) -> _Index:
    return _index(_registry_cached(user_file, user_mtime))


def _index_for(registry: pd.DataFrame | None) -> _Index:
    """The index of a registry frame, or of the package's and user's registry (cached)."""
    if registry is not None:
        return _index(registry)
    user_path = _resources.user_dir() / USER_REGISTRY_FILE
    if user_path.is_file():
        return _index_cached(str(user_path), user_path.stat().st_mtime)
    return _index_cached(None, None)


_MAX_FOUND = 100_000  # names whose lookup an index keeps
_MAX_RESOLVED = 20_000  # clauses whose resolution an index keeps


def _lookup(name: str, index: _Index) -> str | None:
    """agency_id of a name (matching key), trying the long forms of the genre too."""
    found = index.found
    if name in found:
        return found[name]
    if len(found) >= _MAX_FOUND:
        found.clear()
    agency_id = found[name] = _lookup_key(name, index)
    return agency_id


def _lookup_key(name: str, index: _Index) -> str | None:
    """:func:`_lookup` without remembering."""
    key = _key(name)
    by_key = index.by_key
    if key in by_key:
        return by_key[key]
    province = "省" + key[3:] if key.startswith("广东省") else key  # 广东省财政厅 = 省财政厅
    for candidate in (
        province,
        key.replace("人民政府", "政府"),  # 广州市人民政府 = 广州市政府
        province.replace("人民政府", "政府"),
    ):
        if candidate in by_key:
            return by_key[candidate]
    return None


# ---------------------------------------------------------------------------
# Tokenising a clause
# ---------------------------------------------------------------------------


@dataclass
class _Token:
    """One name of a clause, before expansion."""

    text: str  # normalised simplified wording of the name
    start: int  # offsets into the compact clause
    end: int
    joined_by: str  # "chain" (、及), "group" (，；), "with" (会同) or "start": the separator before it
    marker: str | None = None  # role word after it ("lead", "responsible", "co")
    label: str | None = None  # role its field's label gives (a role, "unmarked"), None without a label
    label_text: str | None = None  # the label as printed
    expanded: str = ""
    flags: list[str] = field(default_factory=list)


@dataclass
class _Clause:
    """A clause normalised for matching, with a map back to the raw text."""

    raw: str
    text: str  # compact normalised simplified text (whitespace and control characters removed)
    positions: list[int]  # raw offset of every character of ``text``
    covered: list[bool]  # characters accounted for as separators, role words, labels or 等
    control_characters: bool
    balanced: bool
    first_listed: bool = False  # the clause states the first-listed rule


class _MatchedCharacters(dict[str, bool]):
    """Characters a clause is matched on (no whitespace, no control characters), once per character."""

    def __missing__(self, ch: str) -> bool:
        value = self[ch] = not ch.isspace() and not has_control_characters(ch)
        return value


_MATCHED = _MatchedCharacters()


class _ControlCharacters(dict[str, bool]):
    """Whether a character is a control, format or private-use one (not whitespace), once per character."""

    def __missing__(self, ch: str) -> bool:
        value = self[ch] = has_control_characters(ch)
        return value


_CONTROL = _ControlCharacters()


_SPACE_RUN = re.compile(r"[ \t\u3000]{2,}")  # fields of a clause may be separated by spaces alone


def _compact(clause: str) -> tuple[str, list[int]]:
    """The clause's compact normalised simplified text and the raw offset of each character.

    What ``normalized_with_positions(clause, simplified=True, keep=…, space_runs=";",
    drop_glosses=True)`` gives, without a step per character: when no character of the
    clause expands under NFKC and it holds no pinyin gloss (nearly always), the normalised
    clause is the clause character for character, so it is cut at space runs and only a
    stretch holding whitespace or control characters is filtered.

    Examples
    --------
    >>> _compact("（一）粵港  省財政廳 、\u200b省商務廳")
    ('(一)粤港;省财政厅、省商务厅', [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 14, 15, 16, 17])
    """
    normal = normalize(clause)
    if len(normal) != len(clause) or (("(" in clause or "（" in clause) and gloss_spans(clause)):
        return normalized_with_positions(
            clause, simplified=True, keep=_MATCHED.__getitem__, space_runs=";", drop_glosses=True
        )
    pieces: list[str] = []
    positions: list[int] = []
    begin = 0
    for run in _SPACE_RUN.finditer(clause):
        _keep_matched(normal, begin, run.start(), pieces, positions)
        if pieces:
            pieces.append(";")
            positions.append(run.start())
        begin = run.end()
    _keep_matched(normal, begin, len(normal), pieces, positions)
    return to_simplified("".join(pieces)), positions


def _keep_matched(normal: str, start: int, end: int, pieces: list[str], positions: list[int]) -> None:
    """Append the characters of ``normal[start:end]`` a clause is matched on, and their offsets."""
    if start >= end:
        return
    piece = normal[start:end]
    matched = _MATCHED.__getitem__
    if all(map(matched, set(piece))):
        pieces.append(piece)
        positions.extend(range(start, end))
        return
    for i in range(start, end):
        if matched(normal[i]):
            pieces.append(normal[i])
            positions.append(i)


def _prepare(clause: str) -> _Clause:
    text, positions = _compact(clause)
    depth = 0
    balanced = True
    for match in _bracket().finditer(text):
        if match["open"] is not None:
            depth += 1
        else:
            depth -= 1
            if depth < 0:
                balanced = False
                break
    balanced = balanced and depth == 0
    control = any(map(_CONTROL.__getitem__, set(clause)))  # each distinct character looked up once
    return _Clause(clause, text, positions, [False] * len(text), control, balanced)


def _strip_enclosing_parentheses(clause: _Clause) -> tuple[int, int]:
    """A clause passed with its brackets: （省发展改革委牵头） → 省发展改革委牵头. The inner range."""
    text = clause.text
    if len(text) >= 2 and clauses.is_opener(text[0]) and clauses.is_closer(text[-1]):
        depth = 0
        for i, ch in enumerate(text):
            depth += clauses.is_opener(ch)
            depth -= clauses.is_closer(ch)
            if depth == 0 and i < len(text) - 1:
                return 0, len(text)  # "(A)、(B)": not one enclosing pair
        clause.covered[0] = clause.covered[-1] = True
        return 1, len(text) - 1
    return 0, len(text)


@cache
def _bracket() -> re.Pattern[str]:
    """An opening (group ``open``) or a closing bracket (group ``close``)."""
    openers, closers = clauses.bracket_characters()
    return re.compile(
        rf"(?P<open>[{re.escape(''.join(sorted(openers)))}])|(?P<close>[{re.escape(''.join(sorted(closers)))}])"
    )


@cache
def _separator_or_bracket() -> re.Pattern[str]:
    """A bracket (which changes the depth) or a separator (which splits at depth 0)."""
    return re.compile(f"{_bracket().pattern}|{_SEPARATOR.pattern}", re.VERBOSE)


def _split(clause: _Clause, start: int, end: int) -> list[_Token]:
    """Split ``text[start:end]`` at separators of depth 0 (all separators when brackets are unbalanced).

    No separator holds a bracket, so one pass over brackets and separators together
    sees every change of depth.
    """
    text = clause.text
    tokens: list[_Token] = []
    depth = 0
    begin = start
    joined_by = "start"
    pattern = _separator_or_bracket() if clause.balanced else _SEPARATOR
    covered = clause.covered
    for match in pattern.finditer(text, start, end):
        kind = match.lastgroup  # the one group that matched (no group holds another)
        if kind == "open":
            depth += 1
            continue
        if kind == "close":
            depth -= 1
            continue
        if depth != 0:
            continue
        i, j = match.span()
        tokens.append(_Token(text[begin:i], begin, i, joined_by))
        covered[i:j] = [True] * (j - i)
        joined_by = kind  # type: ignore[assignment]
        begin = j
    tokens.append(_Token(text[begin:end], begin, end, joined_by))
    return tokens


_FIELD_SEPARATOR = re.compile(r"[;,。|│]")


def _tokens(clause: _Clause, start: int, end: int) -> list[_Token]:
    """Names of every field of names in the clause, each with its label's role; other fields covered."""
    for a, b in clauses.first_listed_statements(clause.text[start:end]):
        a, b = start + a, start + b
        if (
            a > start
            and b < end
            and clauses.is_opener(clause.text[a - 1])
            and clauses.is_closer(clause.text[b])
        ):
            a, b = a - 1, b + 1  # the statement in brackets of its own: (排首位者牵头，下同)
        _cover(clause, a, b)
        clause.first_listed = True
    tokens: list[_Token] = []
    found = clauses.clause_fields(clause.text, start, end)
    values = [fld.value_span for fld in found]
    for separator in _FIELD_SEPARATOR.finditer(
        clause.text, start, end
    ):  # those between fields are accounted for
        i = separator.start()
        if not any(a <= i < b for a, b in values):
            clause.covered[i] = True
    for fld in found:
        if fld.label_span is not None:
            _cover(clause, *fld.label_span)
        if fld.kind not in ("agency", "division"):  # persons, scopes, notes, deadlines, measures
            _cover(clause, *fld.value_span)
            continue
        a, b = fld.value_span
        while a < b and clause.covered[a]:
            a += 1
        while b > a and clause.covered[b - 1]:
            b -= 1
        if a >= b:
            continue
        field_tokens = _split(clause, a, b)
        for token in field_tokens:  # what is accounted for at a name's edges is not part of it
            while token.start < token.end and clause.covered[token.start]:
                token.start += 1
            while token.end > token.start and clause.covered[token.end - 1]:
                token.end -= 1
            token.text = clause.text[token.start : token.end]
        if fld.label is not None:
            label_text = clause.raw[
                clause.positions[fld.label_span[0]] : clause.positions[fld.label_span[1] - 1]
            ]
            for token in field_tokens:
                token.label = (
                    fld.role
                    if fld.kind == "agency" and fld.role
                    else (_UNMARKED if fld.kind == "agency" else None)
                )
                token.label_text = label_text.strip()
            field_tokens[0].joined_by = "start"
        tokens.extend(field_tokens)
    # X会同Y: the names before 会同 lead, those after co-operate (all of them from the first 会同 on)
    co_from_here = False
    for i, token in enumerate(tokens):
        if token.joined_by == "with":
            j = i - 1
            while j >= 0:
                tokens[j].marker = tokens[j].marker or "lead"
                if tokens[j].joined_by != "chain":
                    break
                j -= 1
            if not co_from_here:
                co_from_here = True
                for later in tokens[i:]:
                    if later.label is None:
                        later.label = "co"
            token.joined_by = "group"
    return tokens


def _trim_stray_parentheses(tokens: list[_Token]) -> None:
    """A stray parenthesis at the edge of a name is not part of it (it stays a leftover)."""
    edge = clauses.is_opener
    while_edge = lambda ch: edge(ch) or clauses.is_closer(ch)  # noqa: E731
    for token in tokens:
        while token.text and while_edge(token.text[0]):
            token.text, token.start = token.text[1:], token.start + 1
        while token.text and while_edge(token.text[-1]):
            token.text, token.end = token.text[:-1], token.end - 1


def _strip_role_words(token: _Token, clause: _Clause) -> None:
    """Remove role words, a leading 由 and a trailing 等 around a name, marking them as accounted for."""
    if match := _LEADING_BY.match(token.text):
        _cover(clause, token.start, token.start + match.end())
        token.start += match.end()
        token.text = token.text[match.end() :]
    words = vocabulary.role_words()
    text, end = token.text, len(token.text)  # strip from the end without copying the name each time
    while True:
        tail = max(0, end - _TAIL_WINDOW)
        if match := _ROLE_TAIL.search(text, tail, end):
            # the last role word of a run wins: "牵头负责" would be odd, keep the first seen from the end
            token.marker = token.marker or words[match["marker"]]
        elif not (match := _TRAILING_ETC.search(text, tail, end)):
            break
        end = match.start()
    if end < len(text):
        _cover(clause, token.start + end, token.end)
        token.end = token.start + end
        token.text = text[:end]


def _cover(clause: _Clause, start: int, end: int) -> None:
    covered = clause.covered
    if 0 <= start < end <= len(covered):
        covered[start:end] = [True] * (end - start)
        return
    for j in range(start, end):  # (a span never leaves the clause; if one did, it would be told)
        covered[j] = True


# ---------------------------------------------------------------------------
# Expanding names
# ---------------------------------------------------------------------------


def _place_split(name: str) -> tuple[str, str] | None:
    """Split 珠海市政府 into (珠海, 市政府) at the longest leading place name."""
    match = _PLACE_HEAD.match(name)
    return (match.group(), name[match.end() :]) if match is not None else None


# A bare district or county of two characters (天河区, 从化区): a suffix distributes over it too.
_BARE_DISTRICT = re.compile(r"^[\u4e00-\u9fff]{2}[区县]$")
_DISTRICT_SPLIT = re.compile(r"^(?P<place>[\u4e00-\u9fff]{2})[区县](?P<suffix>(?:人民)?政府|党委|委员会)$")


def _is_bare_place(name: str) -> bool:
    return _PLACE_LEVEL_ENDING.sub("", name) in _PLACE_SET or bool(_BARE_DISTRICT.match(name))


def _distribute_suffixes(tokens: list[_Token]) -> None:
    """深圳、珠海市政府 → 深圳市政府, 珠海市政府 (backwards along a 、 chain)."""
    for i in range(len(tokens) - 1, -1, -1):
        token = tokens[i]
        if _is_bare_place(token.expanded):
            continue
        split = _place_split(token.expanded)
        district = _DISTRICT_SPLIT.match(token.expanded)
        if split is None and district is None:
            continue
        suffix = split[1] if split is not None else district["suffix"]
        j = i
        while j > 0 and tokens[j].joined_by == "chain" and _is_bare_place(tokens[j - 1].expanded):
            j -= 1
            if district is not None and split is None:
                tokens[j].expanded = tokens[j].expanded + suffix  # 天河区 + 政府
                continue
            place = _PLACE_LEVEL_ENDING.sub("", tokens[j].expanded)
            tokens[j].expanded = place + suffix


def _jurisdiction_prefix(name: str) -> str | None:
    match = _JURISDICTION_PREFIX.match(name)
    if match is None or match.end() == len(name):
        return None
    return match.group(0)


def _distribute_prefixes(tokens: list[_Token], index: _Index) -> None:
    """省发展改革委、公安厅 → 省发展改革委, 省公安厅 (forwards along a 、/及 chain)."""
    prefix: str | None = None
    each: str | None = None
    for token in tokens:
        if token.joined_by in ("group", "start"):
            prefix = each = None
        name = token.expanded
        if match := _LEADING_EACH.match(name):  # 各市、县 → 各市, 各县; 各区政府 takes no prefix
            each = match.group()
            continue
        elif each is not None and len(name) <= 3 and _lookup(name, index) is None:
            token.expanded = each + name
            continue
        own = _jurisdiction_prefix(name)
        if _lookup(name, index) is not None or _is_bare_place(name):
            prefix = own or prefix
            continue
        if own is not None:
            prefix = own
            continue
        if prefix is not None and _lookup(prefix + name, index) is not None:
            token.expanded = prefix + name
            continue
        central = prefix in _CENTRAL_PREFIXES  # 中央农办、农业部: a ministry takes no 中央
        if (
            prefix is not None
            and not central
            and not _OWN_PARENT.search(name)
            and _INSTITUTION_ENDING.search(name)
        ):
            token.expanded = prefix + name


def _assign_roles(tokens: list[_Token], lead_rule: str) -> list[str]:
    """Roles of the names of one clause, from labels, role words and the document's lead rule."""
    explicit: list[str | None] = [None] * len(tokens)
    pending: list[int] = []
    for i, token in enumerate(tokens):
        if token.label is not None:  # a label gives its field's names their role
            explicit[i] = token.marker if token.label == _UNMARKED and token.marker else token.label
            pending = []
            continue
        pending.append(i)
        if token.marker is not None:
            for j in pending:
                explicit[j] = token.marker
            pending = []
    if lead_rule == "none":
        return ["listed"] * len(tokens)
    has_lead = "lead" in explicit
    if not has_lead and lead_rule == "first-listed" and tokens:
        return ["lead"] + ["co"] * (len(tokens) - 1)
    roles: list[str] = []
    for role in explicit:
        if role == "lead":
            roles.append(role)
        elif has_lead:
            roles.append("co")
        elif role in (None, _UNMARKED):
            roles.append("listed")
        else:
            roles.append(role)
    return roles


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------

_RESOLVED_COLUMNS: dict[str, str] = {
    "position": "Int64",
    "name": "string",
    "role": "string",
    "agency_id": "string",
    "known": "boolean",
    "expanded": "string",
    "name_en": "string",
    "level": "string",
    "label": "string",
    "raw": "string",
    "raw_start": "Int64",
    "raw_end": "Int64",
    "flag": "string",
}


def _check_lead_rule(lead_rule: str) -> str:
    if lead_rule == "auto":
        return "marker"
    if lead_rule not in LEAD_RULES:
        raise ValueError(f"lead_rule must be one of {', '.join(LEAD_RULES)} or 'auto', not {lead_rule!r}")
    return lead_rule


def _resolve(clause: str, lead_rule: str, index: _Index) -> tuple[list[dict[str, Any]], _Clause]:
    if not isinstance(clause, str):
        raise TypeError(f"an agency clause must be a str, not {type(clause).__name__}")
    rule = _check_lead_rule(lead_rule)
    prepared = _prepare(clause)
    inner = _strip_enclosing_parentheses(prepared)
    if not prepared.text[inner[0] : inner[1]].strip("()"):
        raise ParseError(
            f"empty agency clause {clause!r}",
            expected="agency names separated by 、，,；及, e.g. 省发展改革委牵头，省财政厅等按职责分工负责",
        )
    tokens = _tokens(prepared, *inner)
    if prepared.first_listed and rule == "marker":
        rule = "first-listed"  # the clause states the rule itself (排首位者牵头，下同)
    for token in tokens:
        _strip_role_words(token, prepared)
    if not prepared.balanced:
        _trim_stray_parentheses(tokens)
        for token in tokens:
            _strip_role_words(token, prepared)
    # a role word that stands alone ("…，牵头") closes the names before it; an empty
    # name between two separators ("省财政厅、、省商务厅") flags the name after it
    kept: list[_Token] = []
    empty_before = False
    for token in tokens:
        if token.text:
            if empty_before:
                token.flags.append("empty-name")
                empty_before = False
            kept.append(token)
        elif token.marker is not None and kept and kept[-1].marker is None:
            kept[-1].marker = token.marker
        elif token.marker is None and token.label is None:
            empty_before = True
    if empty_before and kept:
        kept[-1].flags.append("empty-name")
    if not kept:
        raise ParseError(
            f"agency clause {clause!r} names no agency",
            expected="agency names besides the role words, e.g. 省发展改革委牵头",
        )
    tokens = kept
    for token in tokens:
        token.expanded = token.text
    _distribute_suffixes(tokens)
    _distribute_prefixes(tokens, index)
    roles = _assign_roles(tokens, rule)
    records: list[dict[str, Any]] = []
    for position, (token, role) in enumerate(zip(tokens, roles, strict=True), start=1):
        agency_id = _lookup(token.expanded, index)
        row = index.rows.get(agency_id) if agency_id is not None else None
        flags = list(token.flags)
        if row is None:
            flags.append("unknown-name")
        if len(token.expanded) > _MAX_NAME_CHARS:
            flags.append("implausibly-long-name")
        if not prepared.balanced:
            flags.append("unbalanced-parenthesis")
        if prepared.control_characters:
            flags.append("control-characters-removed")
        raw_start = prepared.positions[token.start]
        raw_end = prepared.positions[token.end - 1] + 1
        records.append(
            {
                "position": position,
                "name": row["name"] if row is not None else token.expanded,
                "role": role,
                "agency_id": agency_id,
                "known": row is not None,
                "expanded": token.expanded,
                "name_en": row["name_en"] if row is not None else None,
                "level": row["level"] if row is not None else None,
                "label": token.label_text,
                "raw": clause[raw_start:raw_end],
                "raw_start": raw_start,
                "raw_end": raw_end,
                "flag": ";".join(flags) or None,
            }
        )
    # name spans of known agencies count as accounted for
    for token, record in zip(tokens, records, strict=True):
        if record["known"]:
            _cover(prepared, token.start, token.end)
    return records, prepared


def _is_missing(value: object) -> bool:
    """Whether a cell read with ``tolist()`` is missing (``None``, ``<NA>`` or NaN)."""
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _records_frame(records: list[dict[str, Any]], dtypes: Mapping[str, str]) -> pd.DataFrame:
    """Records as a frame built column by column, each column made once in its final dtype."""
    data = {
        name: column_array(dtype, [record.get(name) for record in records]) for name, dtype in dtypes.items()
    }
    return frame_from_arrays(data, len(records))


def _resolved_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    return _records_frame(records, _RESOLVED_COLUMNS)


def resolve_agencies(
    clause: str, lead_rule: str = "marker", *, registry: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Resolve one agency clause into one row per agency, with its role.

    Parameters
    ----------
    clause : str
        The text inside one agency parenthesis, in simplified or traditional
        script, with full- or half-width punctuation; enclosing parentheses are
        allowed.
    lead_rule : {"marker", "first-listed", "none", "auto"}, default "marker"
        How roles are read: ``"marker"`` from the role words of the clause;
        ``"first-listed"`` makes the first name lead (and the rest ``co``) in a
        clause without 牵头; ``"none"`` lists every name without a role.
        ``"auto"`` needs a document and means ``"marker"`` here (see
        :func:`detect_lead_rule`).
    registry : pandas.DataFrame, optional
        A registry frame (:func:`load_registry`); the package's and the user's
        by default.

    Returns
    -------
    pandas.DataFrame
        One row per agency in clause order: ``position`` (1-based), ``name``
        (the registry's canonical name, or the expanded name when unknown),
        ``role`` (``lead``/``co``/``responsible``/``listed``), ``agency_id``,
        ``known``, ``expanded`` (the name written out in full as worded in the
        clause, simplified script), ``name_en``, ``level``, ``raw`` (the span of
        the clause the name came from, as printed), ``raw_start``/``raw_end``
        (its offsets in ``clause``) and ``flag`` (``;``-separated:
        ``unknown-name``, ``unbalanced-parenthesis``,
        ``control-characters-removed``, ``implausibly-long-name``,
        ``empty-name``).

    Raises
    ------
    ParseError
        The clause is empty.
    TypeError
        The clause is not a string.
    ValueError
        Unknown ``lead_rule``.

    Warns
    -----
    UnknownAgencyWarning
        Some names are not in the registry (they are kept, flagged).

    See Also
    --------
    assign : the same for every clause of a tasks frame.

    Examples
    --------
    >>> r = resolve_agencies("省发展改革委、公安厅牵头，深圳、珠海市政府等按职责分工负责")
    >>> print(r[["position", "name", "role", "agency_id"]].to_string(index=False))
    position   name role agency_id
           1 省发展改革委 lead gd-drc
           2   省公安厅 lead gd-public-security
           3  深圳市政府   co sz-gov
           4  珠海市政府   co zh-gov
    >>> resolve_agencies("省發展改革委牽頭，省港澳辦等按職責分工負責")["agency_id"].tolist()
    ['gd-drc', 'gd-hkmao']
    """
    records, _ = _resolve(clause, lead_rule, _index_for(registry))
    frame = _resolved_frame(records)
    unknown = frame.loc[~frame["known"], "name"].tolist()
    if unknown:
        warnings.warn(
            f"agencies not in the registry (kept, flagged): {', '.join(unknown)}",
            UnknownAgencyWarning,
            stacklevel=2,
        )
    return frame


def clause_leftovers(clause: str, *, registry: pd.DataFrame | None = None) -> list[str]:
    """The parts of a clause that are not accounted for.

    Every character of a clause should be inside the name of a *known* agency
    (the registry holds it), a separator, a role word, 等 or whitespace. What
    is left (runs of characters, in clause order) points at an unknown name, a
    stray parenthesis or prose inside the clause. ``coopstats validate``
    reports clauses whose leftovers are not empty.

    Parameters
    ----------
    clause : str
        One agency clause.
    registry : pandas.DataFrame, optional
        Registry to resolve names against (package and user by default).

    Returns
    -------
    list of str
        The leftover runs, as printed in ``clause``; empty when nothing is left.

    Examples
    --------
    >>> clause_leftovers("省发展改革委牵头，有关地级以上市政府等按职责分工负责")
    []
    >>> clause_leftovers("省发展改革委、发展和改革局牵头")
    ['发展和改革局']
    """
    _, prepared = _resolve(clause, "marker", _index_for(registry))
    runs: list[str] = []
    current: list[int] = []
    for i, covered in enumerate(prepared.covered):
        if covered:
            if current:
                runs.append(clause[prepared.positions[current[0]] : prepared.positions[current[-1]] + 1])
                current = []
        else:
            current.append(i)
    if current:
        runs.append(clause[prepared.positions[current[0]] : prepared.positions[current[-1]] + 1])
    return runs


def detect_lead_rule(text: str) -> str:
    """The lead rule a document states: ``"first-listed"`` or ``"marker"``.

    Some key-work lists say that the unit listed first in each clause leads
    ("列在任务分工首位的为牵头单位，其他为主要参加单位"); their clauses carry
    no 牵头 and the rule must come from that statement.

    Parameters
    ----------
    text : str
        The document text (either script).

    Returns
    -------
    str
        ``"first-listed"`` when the document states the rule, else ``"marker"``.

    Examples
    --------
    >>> detect_lead_rule("各项工作中，列在任务分工首位的为牵头单位，其他为主要参加单位。")
    'first-listed'
    >>> detect_lead_rule("列在任務分工首位的為牽頭單位")
    'first-listed'
    >>> detect_lead_rule("（省发展改革委牵头，省财政厅等按职责分工负责）")
    'marker'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    if _LEAD_RULE_GATE.search(text) is None:
        return "marker"  # no statement can be there: the text is neither normalised nor converted
    # converted once: a second conversion changes no character the statement is matched on
    simplified = to_simplified(normalize(text))
    return "first-listed" if clauses.first_listed_statements(simplified, simplified=True) else "marker"


# What a first-listed statement needs, as written: 首 or 第一, then 牵头 at most 13 characters on, with
# none of the punctuation the statement stops at between. The classes hold every character NFKC and hk2s
# make them of (only ⾸ becomes 首, only ⼀ ㆒ ㊀ 🈩 become 一, only 牽 and 頭 become 牵 and 头), the gap's
# excluded characters only ones that become that punctuation (a test checks every code point), and NFKC
# never shortens a text. The pattern opens with one class of its first characters: the search skips to them.
_LEAD_RULE_FIRST = "首\u2fb8"
_LEAD_RULE_ONE = "一\u2f00\u3192\u3280\U0001f229"
_LEAD_RULE_STOPS = "。；;，,()（）｡"
_LEAD_RULE_GATE = re.compile(
    f"[{_LEAD_RULE_FIRST}第](?:(?<=第)[{_LEAD_RULE_ONE}]|(?<=[{_LEAD_RULE_FIRST}]))"
    f"[^{re.escape(_LEAD_RULE_STOPS)}]{{0,16}}?[牵牽][头頭]"
)


# The assignments frame's columns and dtypes, as declared once in the schemas (roles stay text here;
# ``conform`` makes them the declared category).
_ASSIGNMENT_COLUMNS: dict[str, str] = {
    c.name: ("string" if c.dtype == "category" else c.dtype) for c in FRAMES["assignments"]
}


def assign(
    tasks: pd.DataFrame,
    *,
    lead_rule: str | Mapping[str, str] = "marker",
    registry: pd.DataFrame | None = None,
    problems: list[tuple[str, int, str]] | None = None,
) -> pd.DataFrame:
    r"""Resolve the agency clauses of a tasks frame into the assignments frame.

    Parameters
    ----------
    tasks : pandas.DataFrame
        Needs ``doc_id, task_id, agency_clause`` (clauses of a task joined by
        ``"\n"``, missing when the task has none), as :func:`coopstats.tasks`
        returns.
    lead_rule : str or mapping of doc_id to str, default "marker"
        ``"marker"``, ``"first-listed"`` or ``"none"`` (see
        :func:`resolve_agencies`), one for all documents or one per ``doc_id``
        (documents missing from the mapping use ``"marker"``). Call
        :func:`detect_lead_rule` on a document's text to get its rule.
    registry : pandas.DataFrame, optional
        Registry frame; the package's and the user's by default.
    problems : list, optional
        Where to keep the clauses that name no agency (``（牵头）``, ``（；）``, a
        zero-width space): each is appended as ``(task_id, clause_no, message)``
        and skipped, so one degenerate clause never refuses the document.
        Without it such a clause raises :class:`~coopstats.errors.ParseError`.

    Returns
    -------
    pandas.DataFrame
        One row per task × clause × agency: ``doc_id, task_id, clause_no,
        position, name, agency_id, name_en, level, role, raw_clause, known,
        expanded, raw, flag`` (see :func:`resolve_agencies`).

    Raises
    ------
    ValueError
        ``tasks`` lacks a required column, or a lead rule is unknown.

    Warns
    -----
    UnknownAgencyWarning
        Some names are not in the registry (one warning listing them).
    ParseWarning
        A clause line is empty (it is skipped, naming the task).

    Examples
    --------
    >>> tasks = pd.DataFrame({"doc_id": ["d"], "task_id": ["d/1"],
    ...     "agency_clause": ["省商务厅牵头，省港澳办等按职责分工负责\n省旅游局"]})
    >>> print(assign(tasks)[["clause_no", "name", "role"]].to_string(index=False))
    clause_no name role
            1 省商务厅 lead
            1 省港澳办 co
            2 省旅游局 listed
    """
    missing = [c for c in ("doc_id", "task_id", "agency_clause") if c not in tasks.columns]
    if missing:
        raise ValueError(f"the tasks frame lacks the columns {', '.join(missing)} (see coopstats.tasks())")
    records = _assignment_records(
        tasks["doc_id"].tolist(),
        tasks["task_id"].tolist(),
        tasks["agency_clause"].tolist(),
        lead_rule,
        registry,
        problems,
        stacklevel=3,
    )
    return _records_frame(records, _ASSIGNMENT_COLUMNS)


def assignment_columns(
    doc_ids: Sequence[object],
    task_ids: Sequence[object],
    agency_clauses: Sequence[object],
    *,
    lead_rule: str | Mapping[str, str] = "marker",
    registry: pd.DataFrame | None = None,
    problems: list[tuple[str, int, str]] | None = None,
) -> dict[str, list[Any]]:
    """:func:`assign` on plain columns: the assignments as lists, one per column, before pandas.

    Parameters
    ----------
    doc_ids, task_ids, agency_clauses : sequence
        The tasks' ``doc_id``, ``task_id`` and ``agency_clause`` (``None`` or
        ``<NA>`` where a task has no clause), of one length.
    lead_rule, registry, problems
        As for :func:`assign`.

    Returns
    -------
    dict of str to list
        Every column of the assignments frame (``None`` for missing values),
        in the frame's order; ``role`` holds the role words as text.

    Examples
    --------
    >>> columns = assignment_columns(["d"], ["d/1"], ["省商务厅牵头，省港澳办等按职责分工负责"])
    >>> columns["name"], columns["role"], columns["clause_no"]
    (['省商务厅', '省港澳办'], ['lead', 'co'], [1, 1])
    """
    records = _assignment_records(
        doc_ids, task_ids, agency_clauses, lead_rule, registry, problems, stacklevel=3
    )
    return {name: [record.get(name) for record in records] for name in _ASSIGNMENT_COLUMNS}


def _assignment_records(
    doc_ids: Sequence[object],
    task_ids: Sequence[object],
    agency_clauses: Sequence[object],
    lead_rule: str | Mapping[str, str],
    registry: pd.DataFrame | None,
    problems: list[tuple[str, int, str]] | None,
    *,
    stacklevel: int,
) -> list[dict[str, Any]]:
    """One record per task × clause × agency; warnings name the frame ``stacklevel`` calls up."""
    rules: Mapping[str, str] = lead_rule if isinstance(lead_rule, Mapping) else {}
    default_rule = "marker" if isinstance(lead_rule, Mapping) else lead_rule
    if default_rule == "auto" or "auto" in rules.values():
        raise ValueError(
            "assign() needs a resolved lead rule; call detect_lead_rule(document_text) for 'auto'"
        )
    index = _index_for(registry)
    records: list[dict[str, Any]] = []
    stated: set[str] = set()  # documents whose clauses stated the first-listed rule: it holds from there on
    # a clause's resolution depends on its text, its rule and the registry alone: a clause
    # repeated by several tasks (省科技厅), or documents, is resolved once per index, each task
    # getting copies of its records (the kept records are never changed)
    resolved = index.resolved
    for doc_id, task_id, task_clauses in zip(doc_ids, task_ids, agency_clauses, strict=True):
        if _is_missing(task_clauses):
            continue
        rule = rules.get(str(doc_id), default_rule)
        if str(doc_id) in stated and rule == "marker":
            rule = "first-listed"
        for clause_no, clause in enumerate(str(task_clauses).split("\n"), start=1):
            if not clause.strip():
                warnings.warn(
                    f"task {task_id}: clause {clause_no} is empty and was skipped",
                    ParseWarning,
                    stacklevel=stacklevel,
                )
                continue
            found = resolved.get((clause, rule))
            if found is None or (problems is None and isinstance(found, ParseError)):
                if len(resolved) >= _MAX_RESOLVED:
                    resolved.clear()
                try:
                    clause_records, prepared = _resolve(clause, rule, index)
                except ParseError as exc:
                    resolved[(clause, rule)] = exc
                    if problems is None:
                        raise
                    found = exc
                else:
                    found = resolved[(clause, rule)] = (clause_records, prepared.first_listed)
            if isinstance(found, ParseError):
                problems.append((str(task_id), clause_no, str(found)))  # type: ignore[union-attr]
                continue
            clause_records, first_listed = found
            if first_listed:
                stated.add(str(doc_id))
                rule = "first-listed" if rule == "marker" else rule
            place = {"doc_id": doc_id, "task_id": task_id, "clause_no": clause_no, "raw_clause": clause}
            records.extend(record | place for record in clause_records)
    unknown = [record["name"] for record in records if not record["known"]]
    if unknown:
        warnings.warn(
            f"{len(unknown)} agency names not in the registry (kept, flagged): "
            + ", ".join(dict.fromkeys(unknown)),
            UnknownAgencyWarning,
            stacklevel=stacklevel,
        )
    return records
