"""Frame schemas, declared once.

Each public frame's columns are declared here with their dtype and meaning. The
declaration is used three ways: :func:`conform` gives a frame its column order
and dtypes, :func:`validate` checks it with a pandera schema, and
:func:`data_dictionary` writes ``docs/data-dictionary.md``. pandera is imported
only when a frame is validated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from coopstats import vocabulary

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa
    import pyarrow as pa_arrow

__all__ = [
    "FRAMES",
    "Column",
    "Columns",
    "column_array",
    "conform",
    "data_dictionary",
    "frame_from_arrays",
    "frame_from_arrow",
    "frame_of",
    "pandera_schema",
    "validate",
]

LEVELS = ("annex", "chapter", "section", "item", "subitem", "paragraph", "heading", "footnote")
ROLES = vocabulary.roles()
LAYOUTS = ("clause", "fields", "table", "text")
LEAD_RULES = vocabulary.lead_rules()
_PHYSICAL_UNITS = tuple(dict.fromkeys(vocabulary.physical_units().values()))


def _choices(values: tuple[str, ...], sep: str = ", ", last: str = " or ") -> str:
    quoted = [f"`{v}`" for v in values]
    return sep.join(quoted[:-1]) + last + quoted[-1] if len(quoted) > 1 else "".join(quoted)


MEASURES = ("amount", "count", "share", "growth", "percent", "volume", "multiple", "contribution")
PERIOD_KINDS = ("flow", "stock", "change")
STATUSES = ("actual", "target", "forecast")


@dataclass(frozen=True)
class Column:
    """One column of a frame: name, pandas dtype, meaning, allowed values."""

    name: str
    dtype: str
    description: str
    nullable: bool = True
    values: tuple[str, ...] | None = None


def _c(
    name: str, dtype: str, description: str, *, nullable: bool = True, values: tuple[str, ...] | None = None
) -> Column:
    return Column(name, dtype, description, nullable, values)


_DOC_ID = _c("doc_id", "string", "Document identifier (see `cs.documents()`).", nullable=False)
_LINE = _c("line", "Int64", "1-based line number in the raw source file where the unit starts.")
_START = _c("start", "Int64", "Offset of the first character in the decoded source file (`cs.source_text`).")
_END = _c("end", "Int64", "Offset after the last character; `source[start:end]` is the unit as printed.")
_PAGE = _c("page", "Int64", "1-based PDF page the unit starts on (parsed PDFs only).")
_TABLE_NO = _c("table_no", "Int64", "1-based table the unit starts in (parsed HTML, Word and PDF tables).")
_ROW_NO = _c("row_no", "Int64", "1-based row of that table the unit starts in.")
_THEME = _c("theme", "string", "Theme code from `data/reference/themes.csv` (the nearest heading's theme).")
_TOPICS = _c("topics", "string", "Secondary topic codes (`data/reference/theme_keywords.csv`), `|`-joined.")

FRAMES: dict[str, tuple[Column, ...]] = {
    "documents": (
        _DOC_ID,
        _c("title", "string", "Title in the document's own script."),
        _c("title_en", "string", "English title."),
        _c("issuer", "string", "Issuing body or bodies."),
        _c("doc_number", "string", "Official document number (发文字号), where there is one."),
        _c("issued", "string", "Date of issue or publication (ISO 8601, as precise as known)."),
        _c(
            "script",
            "category",
            "Script of the text: `hans` (simplified) or `hant` (traditional).",
            values=("hans", "hant"),
        ),
        _c(
            "kind",
            "category",
            "`task-list`, `policy` or `briefing`.",
            values=("task-list", "policy", "briefing"),
        ),
        _c(
            "lead_rule",
            "category",
            f"How lead agencies are marked: {_choices(LEAD_RULES)}.",
            values=LEAD_RULES,
        ),
        _c("source_file", "string", "Raw file in `data/raw/` that holds the document."),
        _c("sha256", "string", "sha256 of the raw file."),
        _c("line_start", "Int64", "First line of the document in its raw file."),
        _c("line_end", "Int64", "Last line of the document in its raw file."),
        _c("default_currency", "string", "Currency of amounts with no currency marker."),
        _c("issued_note", "string", "Where the dates of issue and publication come from."),
        _c(
            "published",
            "string",
            "Date the text was published (ISO 8601, as precise as known); relative period words"
            " resolve against it.",
        ),
        _c("format", "string", "Format the source file is in (`text`, `html`, `docx`, `pdf`)."),
        _c(
            "origin",
            "category",
            "`embedded` (the packaged corpus) or `user` (added with `coopstats add`).",
            values=("embedded", "user"),
        ),
        _c("added", "string", "When a user document was added (ISO 8601, UTC)."),
    ),
    "provisions": (
        _DOC_ID,
        _c(
            "node_id",
            "string",
            "Identifier of the unit within the document (path such as `c2.s1.i8`).",
            nullable=False,
        ),
        _c("parent_id", "string", "`node_id` of the enclosing unit; missing at the top."),
        _c("level", "category", "Kind of unit.", values=LEVELS),
        _c("label", "string", "Number marker as printed (`一、`, `（二）`, `8.`)."),
        _c("chapter_no", "Int64", "Chapter number (一、 = 1)."),
        _c("section_no", "Int64", "Section number ((一) = 1)."),
        _c("item_no", "Int64", "Arabic item or sub-item number."),
        _c(
            "para_no", "Int64", "Numbered paragraph of a briefing paper (an unnumbered first paragraph is 1)."
        ),
        _c("heading", "string", "Heading: a chapter's title, a section's short heading, a briefing's topic."),
        _c("text", "string", "Original wording of the unit, page-break whitespace removed."),
        _LINE,
        _START,
        _END,
        _c("annex", "string", "Annex label (`附件一`) when the unit is in an annex."),
        _THEME,
        _TOPICS,
        _PAGE,
        _TABLE_NO,
        _ROW_NO,
    ),
    "tasks": (
        _DOC_ID,
        _c("task_id", "string", "Task identifier, unique in the corpus: `doc_id/node_id`.", nullable=False),
        _c("chapter_no", "Int64", "Chapter number."),
        _c("chapter_title", "string", "Chapter heading."),
        _c("section_no", "Int64", "Section number, where the task is in a section."),
        _c("section_title", "string", "Section short heading."),
        _c("item_no", "Int64", "Item number; missing for a section-level task."),
        _c("text", "string", "Task wording without its agency clause(s); paragraphs joined by a newline."),
        _c("agency_clause", "string", "Raw agency clause(s) without parentheses, one per line."),
        _c(
            "layout",
            "category",
            "Where the task names its agencies: `clause` (a closing bracket, with or without labelled "
            "fields), `fields` (labelled lines after the task or an inline `部门分工`), `table` (cells of a "
            "table row) or `text` (roles only in the task's words); missing when it names none.",
            values=LAYOUTS,
        ),
        _c(
            "deadline",
            "string",
            "The task's deadline as written (`2019年底前`, `长期坚持`), where it gives one.",
        ),
        _c(
            "deadline_date",
            "string",
            "The date the deadline names (ISO 8601; `年内` against the document's year).",
        ),
        _LINE,
        _START,
        _END,
        _THEME,
        _c("n_agencies", "Int64", "Distinct agencies named in the task's clauses."),
        _c(
            "flag",
            "string",
            "Why the task needs a look: `degenerate-clause` (a clause naming no agency, kept raw).",
        ),
        _c("node_id", "string", "`node_id` of the task's unit in `provisions`."),
        _c(
            "level",
            "category",
            "Level of the task's unit (`item`, `subitem`, `section`, `chapter`; `paragraph` for inline "
            "fields).",
            values=LEVELS,
        ),
        _TOPICS,
        _PAGE,
        _TABLE_NO,
        _ROW_NO,
    ),
    "assignments": (
        _DOC_ID,
        _c("task_id", "string", "Task (see `cs.tasks()`).", nullable=False),
        _c("clause_no", "Int64", "Clause within the task (1 = the task's first paragraph with a clause)."),
        _c("position", "Int64", "Position of the agency within its clause (1-based)."),
        _c("name", "string", "Agency written out in full, simplified script."),
        _c("agency_id", "string", "Registry key (stable ASCII); missing when the registry lacks the name."),
        _c("name_en", "string", "English name from the registry."),
        _c("level", "string", "Administrative level from the registry."),
        _c("role", "category", f"{_choices(ROLES)}.", values=ROLES),
        _c("raw_clause", "string", "The clause as printed."),
        _c("known", "boolean", "Whether the registry holds the name."),
        _c(
            "expanded",
            "string",
            "The name as written, prefix or suffix distributed, before registry aliases.",
        ),
        _c(
            "label",
            "string",
            "The label the name stood under (`牵头单位`, a table column), where there was one.",
        ),
        _c("raw", "string", "The stretch of the clause the name was read from."),
        _c("flag", "string", "Why the row needs a look (an unknown name, a leftover), else missing."),
    ),
    "notes": (
        _DOC_ID,
        _LINE,
        _c("kind", "string", "What the parser noticed (`missing-section`, `page-header`, …)."),
        _c("message", "string", "Explanation."),
    ),
    "figures": (
        _DOC_ID,
        _c("para_no", "Int64", "Numbered paragraph the mention is in (briefings)."),
        _START,
        _END,
        _c("surface", "string", "The mention as printed: `source[start:end]`."),
        _c("value", "float64", "Value in base units (億 = 1e8); a percentage as written."),
        _c(
            "unit",
            "string",
            f"A currency ({_choices(vocabulary.currency_codes(), last=', ')}), `percent`, `pp`, `count`, "
            f"`times` or a physical unit ({_choices(_PHYSICAL_UNITS, last=', ')}).",
        ),
        _c("measure", "string", "What the number measures (a decline: negative growth).", values=MEASURES),
        _c(
            "period",
            "string",
            "Period in the grammar of docs/api.md: `Y`, `Y-MM`, `Y-MM/Y-MM`, `Y/Y`, `end-Y`, `end-Y-MM`.",
        ),
        _c(
            "approx",
            "boolean",
            "Whether the text marks the value as approximate (約, 逾, 超過, 多, 近, 以上).",
        ),
        _c("subject", "string", "Short phrase the number describes."),
        _c("sentence", "string", "The sentence the mention is in."),
        _c("node_id", "string", "Provision the mention is in (see `cs.provisions()`)."),
        _c("period_start", "datetime64[s]", "First day of the period (a stock: the day it stands at)."),
        _c("period_end", "datetime64[s]", "Last day of the period."),
        _c(
            "period_kind",
            "string",
            "`flow` (over the period), `stock` (at its end) or `change` (a change over it).",
            values=PERIOD_KINDS,
        ),
        _c(
            "status",
            "string",
            "`actual`, `target` (到2020年达到…, 力争) or `forecast` (预计).",
            values=STATUSES,
        ),
        _c("bound", "string", "Kind of approximation: `about`, `over`, `at-least`, `under`."),
        _c(
            "currency_source",
            "string",
            "Where the currency comes from: `explicit`, `carried` (下同), `issuer` or `default`.",
        ),
        _c("flag", "string", "Why the mention needs a look, else missing."),
        _c(
            "resolution",
            "float64",
            "Place value of the last written digit (12,334億 → 1e8): the rounding step.",
        ),
        _c("clause", "string", "The clause (between commas) the number is in."),
        _c("lead_in", "string", "Words of the clause before the number."),
        _c("context", "string", "The clause with the number written as `#`: what indicator rules match."),
        _c("table_no", "Int64", "Table the figure is a cell of (1-based in the document), else missing."),
        _c("row_no", "Int64", "Row of its table (the header row is 1), else missing."),
        _c(
            "column",
            "string",
            "Header of the cell's column as printed (`2021年`, `1-9月累计`).",
        ),
    ),
    "indicators": (
        _c("indicator", "string", "Stable indicator code.", nullable=False),
        _c("label_en", "string", "English label."),
        _c("reporter", "string", "Reporting economy: `HKG`, `MAC`, `CHN` (the Mainland), `CN-GD`, `WLD`."),
        _c("partner", "string", "Partner economy (same codes)."),
        _c("via", "string", "Economy of re-export (`HKG`)."),
        _c(
            "flow",
            "string",
            "`trade`, `exports`, `imports`, `re-exports`, `fdi`, `projects`, `enterprises`, …",
        ),
        _c("measure", "string", "What the value measures.", values=MEASURES),
        _c("period", "string", "Period, in the forms of `cs.figures()`."),
        _c("value", "float64", "Value in base units; a percentage as written."),
        _c("unit", "string", "Currency code, `percent` or `count`."),
        _DOC_ID,
        _c("quote", "string", "The sentence the value was read from."),
        _START,
        _END,
        _c("surface", "string", "The mention as printed."),
        _c("approx", "boolean", "Whether the text marks the value as approximate."),
        _c("resolution", "float64", "Rounding step of the published value."),
    ),
    "panel": (
        _c("indicator", "string", "Indicator code of `data/reference/indicator_names.csv`.", nullable=False),
        _c("reporter", "string", "Economy the value is of: `HKG`, `MAC`, `CHN`, `CN-GD`, `WLD`."),
        _c("partner", "string", "Partner economy (same codes), else missing."),
        _c("via", "string", "Economy of re-export, else missing."),
        _c("flow", "string", "`trade`, `exports`, `imports`, `re-exports`, `fdi`, `gdp`, …"),
        _c("measure", "string", "What the value measures.", values=MEASURES),
        _c("unit", "string", "As in `cs.figures()`."),
        _c("period", "string", "Period in the grammar of docs/api.md."),
        _c("period_start", "datetime64[s]", "First day of the period."),
        _c("period_end", "datetime64[s]", "Last day of the period."),
        _c("period_kind", "string", "`flow`, `stock` or `change`.", values=PERIOD_KINDS),
        _c("status", "string", "`actual`, `target` or `forecast`.", values=STATUSES),
        _c("value", "float64", "Value in base units; a percentage as written."),
        _c("approx", "boolean", "Whether the text marks the value as approximate."),
        _c("low", "float64", "Lowest value the printed rounding allows (value − resolution/2)."),
        _c("high", "float64", "Highest value the printed rounding allows (value + resolution/2)."),
        _DOC_ID,
        _c("published", "string", "When the document was published (ISO, as precise as known)."),
        _c("quote", "string", "The sentence, or the table row, the value was read from."),
        _LINE,
        _START,
        _END,
        _c(
            "conflict",
            "boolean",
            "Whether another document gives the series and period a disjoint interval.",
        ),
    ),
    "derived_indicators": (
        _c("indicator", "string", "Stable indicator code.", nullable=False),
        _c("label_en", "string", "English label."),
        _c("period", "string", "Period."),
        _c("value", "float64", "Value implied by the published inputs."),
        _c("low", "float64", "Lowest value the rounding of the inputs allows."),
        _c("high", "float64", "Highest value the rounding of the inputs allows."),
        _c("unit", "string", "Currency code, `percent` or `count`."),
        _c("formula", "string", "How the value follows from indicator codes of `cs.indicators()`."),
    ),
    "workload": (
        _c("agency_id", "string", "Registry key; missing for a name the registry lacks."),
        _c("name", "string", "Agency name, simplified script."),
        _c("name_en", "string", "English name."),
        _c("level", "string", "Administrative level."),
        _c("tasks", "int64", "Distinct tasks naming the agency."),
        _c("lead", "int64", "Tasks in which it leads at least once."),
        _c("co", "int64", "Tasks in which it is a co-operating unit at least once."),
        _c("responsible", "int64", "Tasks in which it is responsible (no lead named) at least once."),
        _c("listed", "int64", "Tasks in which it is listed without a role."),
        _c(
            "primary_role",
            "category",
            f"Highest role over all its tasks ({' > '.join(ROLES)}).",
            values=ROLES,
        ),
    ),
    "agencies": (
        _c("agency_id", "string", "Stable ASCII key.", nullable=False),
        _c("name", "string", "Canonical name, simplified script.", nullable=False),
        _c("name_en", "string", "English name."),
        _c("level", "string", "Administrative level (provincial-department, city-government, group, …)."),
        _c("aliases", "string", "Other names and spellings, `|`-separated."),
        _c(
            "successor",
            "string",
            "Successor(s) after the 2018 institutional reform (agency ids, `|`-separated).",
        ),
        _c("source", "string", "Publication the English name and successor come from."),
        _c("verified", "boolean", "Whether the entry was checked against its source."),
    ),
}


_CATEGORY_DTYPES: dict[tuple[str, ...], pd.CategoricalDtype] = {}


def _category_dtype(values: tuple[str, ...]) -> pd.CategoricalDtype:
    """The categorical dtype of a declared value list, made once."""
    dtype = _CATEGORY_DTYPES.get(values)
    if dtype is None:
        import pandas as pd

        dtype = _CATEGORY_DTYPES[values] = pd.CategoricalDtype(list(values))
    return dtype


def _has_dtype(dtype: object, column: Column) -> bool:
    """Whether a series of ``dtype`` already is ``column``'s declared dtype (categories in order)."""
    import pandas as pd

    if column.dtype == "category" and column.values is not None:
        return isinstance(dtype, pd.CategoricalDtype) and dtype.categories.equals(
            _category_dtype(column.values).categories
        )
    return str(dtype) == column.dtype


def column_array(column: Column | str, values: Sequence[object]) -> pd.api.extensions.ExtensionArray:
    """``values`` (a list, ``None`` for missing) as one array in ``column``'s final dtype.

    ``column`` is a declared :class:`Column` or a bare dtype name. The result
    is what :func:`conform` would make of a column of these values, built in
    one step so that ``conform`` has nothing left to convert. Lists of plain
    Python values (``str``, ``int``, ``bool``, ``float``, ``datetime.date``,
    ``None``) are turned into the array directly (NumPy or Arrow buffers);
    anything else takes pandas' general conversion, with the same result.

    Examples
    --------
    >>> str(column_array("Int64", [1, None]).dtype), column_array("string", ["a", None]).tolist()
    ('Int64', ['a', <NA>])
    >>> column_array("boolean", [True, None]).tolist(), str(column_array("float64", [0.5, None]).dtype)
    ([True, <NA>], 'float64')
    """
    import pandas as pd

    values = values if isinstance(values, list) else list(values)
    dtype = column if isinstance(column, str) else column.dtype
    if not isinstance(column, str) and column.dtype == "category" and column.values is not None:
        return _categorical(values, _category_dtype(column.values))
    fast = _FAST_ARRAYS.get(dtype)
    if fast is not None:
        array = fast(values)
        if array is not None:
            return array
    if dtype.startswith("datetime64"):
        return pd.to_datetime(pd.Series(values, dtype="object")).astype(dtype).array
    if dtype in ("string", "Int64", "boolean"):
        return pd.array(values, dtype=dtype)
    return pd.Series(values).astype(dtype).array


def _categorical(values: list[object], dtype: pd.CategoricalDtype) -> pd.Categorical:
    """``values`` as a categorical of ``dtype``; values not among its categories take pandas' way."""
    import numpy as np
    import pandas as pd

    codes = _codes_of(dtype)
    try:
        found = np.fromiter(
            (-1 if value is None else codes.get(value, -2) for value in values), np.int32, len(values)
        )
    except TypeError:  # an unhashable value
        found = None
    if found is None or (found == -2).any():  # a value not declared: pandas decides (and warns)
        return pd.Categorical(values, dtype=dtype)
    return pd.Categorical.from_codes(found, dtype=dtype)


_CATEGORY_CODES: dict[pd.CategoricalDtype, dict[object, int]] = {}


def _codes_of(dtype: pd.CategoricalDtype) -> dict[object, int]:
    """Each category of ``dtype`` and its code, made once per dtype."""
    codes = _CATEGORY_CODES.get(dtype)
    if codes is None:
        codes = _CATEGORY_CODES[dtype] = {value: k for k, value in enumerate(dtype.categories)}
    return codes


def _strings(values: list[object]) -> pd.api.extensions.ExtensionArray | None:
    import pandas as pd
    import pyarrow as pa

    try:
        return pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string(), from_pandas=False))
    except (pa.ArrowException, TypeError, ValueError):  # not all str or None: pandas converts
        return None


def _masked(values: list[object], kind: type, numpy_type: str) -> tuple | None:
    """Data and mask of ``values`` when each is a ``kind`` or ``None`` (``bool`` is not an ``int``)."""
    import numpy as np

    types = set(map(type, values))
    types.discard(type(None))
    if not types <= {kind}:
        return None
    length = len(values)
    try:
        if not types:  # all missing
            return np.zeros(length, numpy_type), np.ones(length, bool)
        if None not in values:  # (an int or a bool is never equal to None)
            return np.array(values, dtype=numpy_type), np.zeros(length, bool)
        mask = np.fromiter((value is None for value in values), bool, length)
        zero = kind()
        data = np.fromiter((zero if value is None else value for value in values), numpy_type, length)
    except OverflowError:  # beyond int64: pandas says so
        return None
    return data, mask


def _integers(values: list[object]) -> pd.api.extensions.ExtensionArray | None:
    import pandas as pd

    parts = _masked(values, int, "int64")
    return None if parts is None else pd.arrays.IntegerArray(*parts)


def _booleans(values: list[object]) -> pd.api.extensions.ExtensionArray | None:
    import pandas as pd

    parts = _masked(values, bool, "bool")
    return None if parts is None else pd.arrays.BooleanArray(*parts)


_FLOAT_TYPES = frozenset((float, int, type(None)))


def _floats(values: list[object]) -> pd.api.extensions.ExtensionArray | None:
    import numpy as np
    import pandas as pd

    if not set(map(type, values)) <= _FLOAT_TYPES:
        return None
    try:
        return pd.arrays.NumpyExtensionArray(np.array(values, dtype="float64"))
    except OverflowError:
        return None


def _datetimes(values: list[object]) -> pd.api.extensions.ExtensionArray | None:
    """Dates (``datetime.date``, or ``None``) as ``datetime64[s]``, by their day numbers.

    A period's dates repeat down a column: each distinct one is converted once.
    """
    import datetime as dt

    import numpy as np
    import pandas as pd

    try:
        distinct = set(values)
    except TypeError:  # an unhashable value: not a date
        return None
    seconds: dict[object, int] = {None: np.iinfo(np.int64).min}  # NaT
    for value in distinct:
        if value is None:
            continue
        if type(value) is not dt.date:
            return None
        seconds[value] = (value.toordinal() - _EPOCH_ORDINAL) * 86_400
    array = np.fromiter(map(seconds.__getitem__, values), np.int64, len(values)).view("datetime64[s]")
    return pd.array(array, dtype=array.dtype)


_EPOCH_ORDINAL = 719_163  # datetime.date(1970, 1, 1).toordinal()


_FAST_ARRAYS = {
    "string": _strings,
    "Int64": _integers,
    "boolean": _booleans,
    "float64": _floats,
    "datetime64[s]": _datetimes,
}


@cache
def _declared_names(name: str) -> frozenset[str]:
    """The declared column names of a frame."""
    return frozenset(column.name for column in FRAMES[name])


@dataclass(frozen=True, eq=False)
class Columns:
    """The columns of one declared frame as plain Python lists, before pandas.

    The document pipeline passes these between its stages and turns them into a
    :class:`pandas.DataFrame` once, when a frame is read (:meth:`frame`).

    Attributes
    ----------
    name : str
        The frame's name in :data:`FRAMES`.
    data : mapping of str to list
        Values of the columns given (``None`` for missing); a declared column
        not given is all missing.
    length : int
        The number of rows.

    Examples
    --------
    >>> notes = Columns("notes", {"kind": ["page-header"], "line": [203]}, 1)
    >>> notes["line"], notes["message"], len(notes)
    ([203], [None], 1)
    >>> notes.replace(message=["a running header"]).frame()["message"].tolist()
    ['a running header']
    """

    name: str
    data: Mapping[str, list[object]]
    length: int

    def __post_init__(self) -> None:
        declared = _declared_names(self.name)
        if not declared.issuperset(self.data):
            raise KeyError(f"not columns of {self.name}: {sorted(set(self.data) - declared)}")
        length = self.length
        if any(len(values) != length for values in self.data.values()):
            wrong = {c: len(v) for c, v in self.data.items() if len(v) != length}
            raise ValueError(f"{self.name}: {length} rows, but columns of lengths {wrong}")

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, column: str) -> list[object]:
        values = self.data.get(column)
        if values is not None:
            return values
        if column in _declared_names(self.name):
            return [None] * self.length
        raise KeyError(f"not a column of {self.name}: {column!r}")

    def replace(self, **columns: list[object]) -> Columns:
        """The same rows with some columns given anew."""
        return Columns(self.name, {**self.data, **columns}, self.length)

    def frame(self) -> pd.DataFrame:
        """The pandas frame, in declared order and final dtypes (:func:`frame_of`)."""
        return frame_of(self.name, self.data, self.length)


def frame_of(
    name: str, columns: Mapping[str, Sequence[object]], length: int, extra: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """A frame built column by column in its declared order and final dtypes.

    Parameters
    ----------
    name : str
        The frame's name in :data:`FRAMES`.
    columns : mapping of str to list
        Values of each column (``None`` for missing); a declared column not
        given is all missing.
    length : int
        The number of rows.
    extra : mapping of str to str, optional
        Undeclared columns to keep after the declared ones, with their dtype.

    Returns
    -------
    pandas.DataFrame
        As :func:`conform` would give it: ``conform(name, frame_of(...))`` is the
        same frame, returned without conversion.

    Examples
    --------
    >>> notes = frame_of("notes", {"kind": ["page-header"], "line": [203]}, 1)
    >>> notes.columns.tolist(), str(notes["line"].dtype), notes["doc_id"].isna().tolist()
    (['doc_id', 'line', 'kind', 'message'], 'Int64', [True])
    """
    missing = [None] * length
    data = {column.name: column_array(column, columns.get(column.name, missing)) for column in FRAMES[name]}
    for column, dtype in (extra or {}).items():
        data[column] = column_array(dtype, columns.get(column, missing))
    return frame_from_arrays(data, length)


def frame_from_arrays(arrays: Mapping[str, object], length: int) -> pd.DataFrame:
    """A frame of ready arrays (NumPy or pandas extension arrays), taken as they are, with a default index.

    What ``pd.DataFrame(arrays, index=pd.RangeIndex(length), copy=False)``
    gives, the same block layout included (a block per column, the arrays
    not copied), built without the constructor's inference: the arrays must
    already be in their final dtypes and ``length`` long, as
    :func:`column_array` makes them. Where pandas has no
    ``pandas.api.internals.create_dataframe_from_blocks`` (before 3.0), the
    constructor builds it.

    Examples
    --------
    >>> arrays = {"line": column_array("Int64", [1, None]), "x": column_array("float64", [0.5, 2])}
    >>> frame = frame_from_arrays(arrays, 2)
    >>> frame.dtypes.astype(str).tolist(), frame["x"].tolist()
    (['Int64', 'float64'], [0.5, 2.0])
    """
    import pandas as pd

    build = _blocks_builder()
    if build is None:
        return pd.DataFrame(arrays, index=pd.RangeIndex(length), copy=False)
    return build(arrays, length)


@cache
def _blocks_builder() -> Callable[[Mapping[str, object], int], pd.DataFrame] | None:
    """:func:`frame_from_arrays` through pandas' public block constructor, where pandas has one."""
    import numpy as np
    import pandas as pd

    try:
        from pandas.api.internals import create_dataframe_from_blocks
    except ImportError:  # pandas < 3.0
        return None

    def build(arrays: Mapping[str, object], length: int) -> pd.DataFrame:
        blocks = []
        for k, array in enumerate(arrays.values()):
            if isinstance(array, pd.arrays.NumpyExtensionArray):
                array = array.to_numpy()
            if isinstance(array, np.ndarray):
                array = array.reshape(1, -1)  # a block of one column (no copy), as the constructor makes
            blocks.append((array, np.array([k], dtype=np.intp)))
        columns = _column_index(tuple(arrays))
        return create_dataframe_from_blocks(blocks, index=pd.RangeIndex(length), columns=columns)

    return build


def frame_from_arrow(name: str, table: pa_arrow.Table) -> pd.DataFrame:
    """A declared frame from an Arrow table of its columns, as :func:`conform` would make it.

    The inverse of ``pyarrow.Table.from_pandas(frame, preserve_index=False)``
    for a conformed frame: each declared column is turned from its Arrow
    buffers straight into its final dtype. A table that is not exactly the
    declared columns in order, or a column whose Arrow type or values do not
    fit its dtype, takes ``pyarrow``'s own conversion and :func:`conform`.

    Examples
    --------
    >>> import pyarrow
    >>> notes = frame_of("notes", {"kind": ["page-header"], "line": [203]}, 1)
    >>> back = frame_from_arrow("notes", pyarrow.Table.from_pandas(notes, preserve_index=False))
    >>> back.equals(notes), str(back["line"].dtype)
    (True, 'Int64')
    """
    declared = FRAMES[name]
    if table.column_names == [column.name for column in declared]:
        arrays = {}
        for column, chunked in zip(declared, table.columns, strict=True):
            array = _from_arrow(column, chunked)
            if array is None:
                break
            arrays[column.name] = array
        else:
            return frame_from_arrays(arrays, table.num_rows)
    return conform(name, table.to_pandas())


def _from_arrow(column: Column, chunked: pa_arrow.ChunkedArray) -> object | None:
    """One Arrow column in ``column``'s dtype (a new, writable array), or ``None`` where it does not fit."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    kind = chunked.type
    array = chunked.combine_chunks()
    dtype = column.dtype
    if dtype == "category":
        if not pa.types.is_dictionary(kind) or column.values is None:
            return None
        categories = _category_dtype(column.values)
        codes_of = _codes_of(categories)
        try:  # each dictionary entry's declared code; the last, -1, is where a null's index points
            recoded = np.array([codes_of[value] for value in array.dictionary.to_pylist()] + [-1], np.int32)
        except (KeyError, TypeError):  # a value not declared (or missing): pandas decides
            return None
        indices = array.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp)
        return pd.Categorical.from_codes(recoded[indices], dtype=categories)
    if dtype == "string":
        if not (pa.types.is_large_string(kind) or pa.types.is_string(kind) or pa.types.is_null(kind)):
            return None
        return pd.arrays.ArrowStringArray(array.cast(pa.large_string()))
    # the NumPy-backed dtypes: read from the one Arrow type that pandas writes them as (or all nulls)
    written_as = {
        "float64": pa.float64(),
        "datetime64[s]": pa.timestamp("s"),
        "Int64": pa.int64(),
        "int64": pa.int64(),
        "boolean": pa.bool_(),
    }.get(dtype)
    if written_as is None or not (kind == written_as or pa.types.is_null(kind)):
        return None
    array = array.cast(written_as)  # all nulls: of the type, else nothing to do
    if dtype == "float64":
        return pd.arrays.NumpyExtensionArray(array.to_numpy(zero_copy_only=False).astype(np.float64))
    if dtype == "datetime64[s]":
        return pd.array(array.to_numpy(zero_copy_only=False).astype("datetime64[s]"))
    numpy_type = np.bool_ if dtype == "boolean" else np.int64
    mask = array.is_null().to_numpy(zero_copy_only=False)
    values = array.fill_null(numpy_type(0)).to_numpy(zero_copy_only=False).astype(numpy_type)  # a copy
    if dtype == "int64":
        return None if mask.any() else values
    if dtype == "Int64":
        return pd.arrays.IntegerArray(values, mask.copy())
    return pd.arrays.BooleanArray(values, mask.copy())


_COLUMN_INDEXES: dict[tuple[str, ...], pd.Index] = {}


def _column_index(names: tuple[str, ...]) -> pd.Index:
    """The columns index of ``names``: a copy of one made once (each frame's own, for ``.name`` set on it)."""
    index = _COLUMN_INDEXES.get(names)
    if index is None:
        import pandas as pd

        if len(_COLUMN_INDEXES) > 256:  # kept small whatever frames a caller makes
            _COLUMN_INDEXES.clear()
        index = _COLUMN_INDEXES[names] = pd.Index(list(names))
    return index.copy()


def conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Order a frame's declared columns first (adding missing ones, empty) and set their dtypes.

    Extra columns are kept after the declared ones. Columns that already have
    their dtype are not converted again; a frame already conformed (declared
    columns first, in order and dtype, a default index) is returned as a
    shallow copy, with no work.

    Examples
    --------
    >>> import pandas as pd
    >>> notes = conform("notes", pd.DataFrame({"kind": ["page-header"], "line": [203], "extra": [1]}))
    >>> notes.columns.tolist(), str(notes["line"].dtype), str(notes["doc_id"].dtype)
    (['doc_id', 'line', 'kind', 'message', 'extra'], 'Int64', 'string')
    """
    import pandas as pd

    declared = FRAMES[name]
    if _conformed(declared, frame):
        return frame.copy(deep=False)
    present = set(frame.columns)
    data: dict[str, object] = {}
    missing: list[None] | None = None
    for column in declared:
        if column.name not in present:
            missing = missing if missing is not None else [None] * len(frame)
            data[column.name] = column_array(column, missing)
            continue
        array = frame[column.name].array
        if not _has_dtype(array.dtype, column):
            if column.dtype == "category" and column.values is not None:
                array = pd.Categorical(array, dtype=_category_dtype(column.values))
            else:
                array = pd.Series(array, copy=False).astype(column.dtype).array
        else:  # taken as it is, it would be shared with ``frame`` untracked: a write to one would change both
            array = array.copy()
        data[column.name] = array
    for extra in frame.columns:
        if extra not in data:
            data[extra] = frame[extra].array.copy()
    return frame_from_arrays(data, len(frame))


def _conformed(declared: tuple[Column, ...], frame: pd.DataFrame) -> bool:
    """Whether ``frame`` already is as :func:`conform` makes it."""
    import pandas as pd

    index = frame.index
    if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1):
        return False
    names = list(frame.columns)
    if len(names) < len(declared) or len(set(names)) != len(names):
        return False
    dtypes = frame.dtypes.tolist()
    return all(names[k] == column.name and _has_dtype(dtypes[k], column) for k, column in enumerate(declared))


def pandera_schema(name: str) -> pa.DataFrameSchema:
    """The pandera schema of a frame (declared columns; extra columns allowed)."""
    import pandera.pandas as pa

    columns = {}
    for column in FRAMES[name]:
        checks = [pa.Check.isin(list(column.values))] if column.values is not None else None
        dtype = "category" if column.dtype == "category" else column.dtype
        columns[column.name] = pa.Column(
            dtype, checks=checks, nullable=column.nullable, description=column.description, coerce=False
        )
    return pa.DataFrameSchema(columns, strict=False, ordered=False, name=name)


def validate(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Validate a frame against its schema (raises pandera's ``SchemaError``)."""
    return pandera_schema(name).validate(frame)


def data_dictionary() -> str:
    """Markdown data dictionary of every frame, generated from the declarations."""
    lines = [
        "# coopstats data dictionary",
        "",
        "Generated by `coopstats build` from `src/coopstats/schemas.py`; do not edit by hand.",
        "",
    ]
    for name, columns in FRAMES.items():
        lines += [f"## `cs.{name}()`", "", "| column | dtype | meaning |", "|---|---|---|"]
        for column in columns:
            values = f" One of: {', '.join(f'`{v}`' for v in column.values)}." if column.values else ""
            required = "" if column.nullable else " Never missing."
            lines.append(f"| `{column.name}` | {column.dtype} | {column.description}{values}{required} |")
        lines.append("")
    return "\n".join(lines)
