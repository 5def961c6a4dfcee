"""A panel of indicators across documents: one row per observation, each traced to its quote.

Every figure whose subject names an indicator of ``data/reference/indicator_names.csv`` (the
names and synonyms of an indicator in both scripts: 进出口总额, 外贸进出口, 進出口總值 …) is an
observation: the indicator's code and flow, the economies it is of (``reporter``, ``partner``,
``via``, read from the words of the vocabulary's ``economy`` rows, else the document's title),
the figure's measure, unit, period and value, the rounding interval ``low``–``high`` its
printed digits imply, and the document, publication date, quote, line and offsets it came
from. Table cells and prose figures go through the same step (:func:`observations`).

Two documents giving the same indicator (reporter, partner, via, measure, unit) for the same
period with rounding intervals that do not overlap are both kept, with ``conflict`` true; a
revision (the same from a later publication) is kept with its date. :func:`to_wide` gives a
period × indicator table on a :class:`pandas.PeriodIndex`; :func:`to_long` goes back.
"""

from __future__ import annotations

import csv
import re
import warnings
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from coopstats import vocabulary
from coopstats._resources import data_dir
from coopstats.errors import ReferenceDataError
from coopstats.schemas import FRAMES, conform

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["IndicatorName", "combine", "indicator_names", "observations", "to_long", "to_wide"]

PANEL_COLUMNS: tuple[str, ...] = tuple(column.name for column in FRAMES["panel"])
TABLE = "indicator_names.csv"
_COLUMNS = ("code", "label_en", "label_zh", "measure", "flow", "synonyms", "source")
# Levels of the wide table's columns: what must be equal for two values to be one series.
SERIES_KEYS: tuple[str, ...] = ("indicator", "reporter", "partner", "measure", "unit")
_FREQ_PATTERNS = {
    "Y": re.compile(r"(?:end-)?[12][0-9]{3}"),
    "M": re.compile(r"(?:end-)?[12][0-9]{3}-[0-9]{2}"),
}
_PARTNER_BEFORE = re.compile(r"(?:对|對|与|與|往|到|自|从|從|向|来自|來自)\s*$")
_VIA_BEFORE = re.compile(r"(?:经|經)\s*$")


@dataclass(frozen=True)
class IndicatorName:
    """One row of ``indicator_names.csv``."""

    code: str
    label_en: str
    label_zh: str
    measure: str
    flow: str
    synonyms: tuple[str, ...]
    source: str


@cache
def indicator_names() -> tuple[IndicatorName, ...]:
    """The indicators a panel knows, with their names in both scripts.

    Raises
    ------
    ReferenceDataError
        A header other than ``code,label_en,label_zh,measure,flow,synonyms,source``,
        or a row without a code or synonyms.

    Examples
    --------
    >>> names = {n.code: n for n in indicator_names()}
    >>> "進出口總值" in names["trade"].synonyms, names["fdi_utilised"].label_zh
    (True, '实际利用外资')
    """
    path = data_dir() / "reference" / TABLE
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != _COLUMNS:
            raise ReferenceDataError(TABLE, 1, "the header " + ",".join(_COLUMNS))
        rows = []
        for line, row in enumerate(reader, start=2):
            synonyms = tuple(s for s in (row["synonyms"] or "").split("|") if s)
            if not row["code"] or not synonyms:
                raise ReferenceDataError(TABLE, line, "a code and at least one synonym")
            rows.append(IndicatorName(**{**row, "synonyms": synonyms}))
    return tuple(rows)


@cache
def _matcher() -> tuple[re.Pattern[str], dict[str, IndicatorName]]:
    from coopstats.text import to_simplified

    by_form: dict[str, IndicatorName] = {}
    for name in indicator_names():
        for form in name.synonyms:
            by_form.setdefault(to_simplified(form), name)
    return re.compile(vocabulary.alternation(by_form)), by_form


def name_indicator(subject: str) -> tuple[IndicatorName, int, int] | None:
    """The indicator a subject names (its longest synonym, the last if several), and where.

    Examples
    --------
    >>> name_indicator("全省進出口總值")[0].code, name_indicator("对香港出口")[0].code
    ('trade', 'exports')
    >>> name_indicator("一般贸易") is None
    True
    """
    from coopstats.text import to_simplified

    pattern, by_form = _matcher()
    text = to_simplified(subject)
    found = list(pattern.finditer(text))
    if not found:
        return None
    best = max(found, key=lambda m: (len(m.group()), m.start()))
    return by_form[best.group()], best.start(), best.end()


@cache
def _economy_pattern() -> re.Pattern[str]:
    return re.compile(vocabulary.alternation(vocabulary.economies()))


def _economies(text: str, default: str | None) -> tuple[str | None, str | None, str | None]:
    """Reporter, partner and via named in the words before an indicator's name."""
    reporter = partner = via = None
    codes = vocabulary.economies()
    for m in _economy_pattern().finditer(text):
        code = codes[m.group()]
        before = text[: m.start()]
        if _VIA_BEFORE.search(before):
            via = code
        elif _PARTNER_BEFORE.search(before):
            partner = code
        elif reporter is None:
            reporter = code
    return reporter or default, partner, via


def _title_economy(source: str | None) -> str | None:
    if not source:
        return None
    head = "\n".join(source.lstrip().split("\n", 3)[:3])
    m = _economy_pattern().search(head)
    return vocabulary.economies()[m.group()] if m else None


def observations(
    figures: pd.DataFrame,
    *,
    doc_id: str | None = None,
    published: str | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """The observations of one document's figures: those whose subject names an indicator.

    Parameters
    ----------
    figures : pandas.DataFrame
        Figures of one document (``cs.figures(doc_id)``, ``doc.figures`` or
        :func:`coopstats.extract_figures`).
    doc_id : str, optional
        The document (default: the frame's ``doc_id``).
    published : str, optional
        Its publication date, kept on every row.
    source : str, optional
        The text the offsets index: gives ``line`` and, from its title, the
        reporter of figures that name none (广东省…, 澳門…).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`panel` (``conflict`` false: conflicts are between documents).

    Examples
    --------
    >>> from coopstats.figure_extraction import extract_figures
    >>> text = "单位：亿元\\n指标  2022年  2023年\\n进出口总额  83,102.9  83,040.8\\n"
    >>> obs = observations(extract_figures(text, issuer="广东省统计局"), doc_id="gd", source=text)
    >>> obs[["indicator", "period", "line"]].values.tolist()
    [['trade', '2022', 3], ['trade', '2023', 3]]
    >>> [round((h - lo) / 1e8, 6) for lo, h in zip(obs["low"], obs["high"])]  # 0.1 亿元: the last digit
    [0.1, 0.1]
    """
    import pandas as pd

    default = _title_economy(source)
    rows: list[dict[str, object]] = []
    for figure in figures.to_dict("records"):
        subject = str(figure.get("subject") or "") if not pd.isna(figure.get("subject")) else ""
        found = name_indicator(subject) if subject else None
        if found is None:
            continue
        name, at, _ = found
        reporter, partner, via = _economies(subject[:at] if at <= len(subject) else subject, default)
        value = float(figure["value"])
        resolution = figure.get("resolution")
        half = 0.0 if resolution is None or pd.isna(resolution) else float(resolution) / 2
        start = int(figure["start"])
        rows.append(
            {
                "indicator": name.code,
                "label_en": name.label_en,
                "reporter": reporter,
                "partner": partner,
                "via": via,
                "flow": name.flow,
                "measure": figure["measure"],
                "unit": figure["unit"],
                "period": figure["period"],
                "period_start": figure["period_start"],
                "period_end": figure["period_end"],
                "period_kind": figure["period_kind"],
                "status": figure["status"],
                "value": value,
                "approx": figure["approx"],
                "low": value - half,
                "high": value + half,
                "doc_id": doc_id if doc_id is not None else figure.get("doc_id"),
                "published": published,
                "quote": figure["sentence"],
                "line": source.count("\n", 0, start) + 1 if source is not None else None,
                "start": start,
                "end": int(figure["end"]),
                "conflict": False,
                "surface": figure["surface"],
                "table_no": figure.get("table_no"),
                "column": figure.get("column"),
            }
        )
    frame = pd.DataFrame(rows, columns=[*PANEL_COLUMNS, "label_en", "surface", "table_no", "column"])
    frame = conform("panel", frame)
    frame["table_no"] = frame["table_no"].astype("Int64")
    return frame


def flag_conflicts(frame: pd.DataFrame) -> pd.DataFrame:
    """Mark values of one series and period that documents give with disjoint rounding intervals.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"indicator": ["x"] * 3, "reporter": "HKG", "partner": None, "via": None,
    ...     "measure": "amount", "unit": "HKD", "period": "2020", "doc_id": ["a", "b", "c"],
    ...     "low": [99.5, 99.95, 101.5], "high": [100.5, 100.05, 102.5]})
    >>> flag_conflicts(f)["conflict"].tolist()
    [True, True, True]
    """
    import pandas as pd

    out = frame.copy()
    conflict = [False] * len(out)
    keys = ["indicator", "reporter", "partner", "via", "measure", "unit", "period"]
    grouped = out[keys].astype("string").fillna("").astype(str).agg("\x1f".join, axis=1)
    positions: dict[str, list[int]] = {}
    for k, key in enumerate(grouped):
        if not pd.isna(out["period"].iloc[k]):
            positions.setdefault(key, []).append(k)
    lows, highs, docs = out["low"].tolist(), out["high"].tolist(), out["doc_id"].astype("string").tolist()
    for members in positions.values():
        for i in members:
            for j in members:
                if docs[i] != docs[j] and (lows[i] > highs[j] or lows[j] > highs[i]):
                    conflict[i] = conflict[j] = True
    out["conflict"] = pd.array(conflict, dtype="boolean")
    return out


def combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Observations of several documents as one panel, conflicts flagged.

    Examples
    --------
    >>> combine([]).columns[:3].tolist()
    ['indicator', 'reporter', 'partner']
    """
    import pandas as pd

    parts = [p for p in parts if len(p)]
    if not parts:
        return observations(pd.DataFrame(columns=["subject"]))
    frame = pd.concat(parts, ignore_index=True)
    return conform("panel", flag_conflicts(frame))


def _frequency_rows(frame: pd.DataFrame, freq: str) -> pd.Series:
    pattern = _FREQ_PATTERNS.get(freq)
    if pattern is None:
        raise ValueError(f"freq must be one of {', '.join(_FREQ_PATTERNS)}, not {freq!r}")
    return frame["period"].astype("string").fillna("").map(lambda p: pattern.fullmatch(p) is not None)


def to_wide(frame: pd.DataFrame, freq: str = "Y") -> pd.DataFrame:
    """A period × series table of a panel, on a :class:`pandas.PeriodIndex` of one frequency.

    Parameters
    ----------
    frame : pandas.DataFrame
        A panel (:func:`panel`, ``ParsedDocument.panel``).
    freq : {"Y", "M"}
        ``"Y"`` keeps periods ``Y`` and ``end-Y``; ``"M"`` keeps ``Y-MM`` and
        ``end-Y-MM``. Rows of other periods are left out, with a warning.

    Returns
    -------
    pandas.DataFrame
        Index: the periods; columns: a MultiIndex of ``indicator, reporter,
        partner, measure, unit``. Where several rows give one cell (a revision, a
        repeat), the latest publication's is kept, with a warning if they differ.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"indicator": ["gdp", "gdp"], "reporter": "CN-GD", "partner": None,
    ...     "measure": "amount", "unit": "CNY", "period": ["2020", "2021"], "value": [1.0, 2.0],
    ...     "published": "2022", "doc_id": "d"})
    >>> w = to_wide(p)
    >>> w.index.tolist(), w.iloc[:, 0].tolist()
    ([Period('2020', 'Y-DEC'), Period('2021', 'Y-DEC')], [1.0, 2.0])
    """
    import pandas as pd

    keep = _frequency_rows(frame, freq)
    left = int((~keep).sum())
    if left:
        warnings.warn(
            f"to_wide(freq={freq!r}) left out {left} rows whose period is not of that frequency",
            UserWarning,
            stacklevel=2,
        )
    rows = frame[keep].copy()
    rows["_period"] = pd.PeriodIndex(rows["period"].astype(str).str.removeprefix("end-"), freq=freq)
    for key in SERIES_KEYS:
        rows[key] = rows[key].astype("string").fillna("")
    order = rows["published"].astype("string").fillna("") if "published" in rows else ""
    rows = rows.assign(_order=order).sort_values("_order", kind="stable")
    spread = rows.groupby([*SERIES_KEYS, "_period"], dropna=False)["value"].nunique()
    if (spread > 1).any():
        warnings.warn(
            f"to_wide kept the latest publication's value in {int((spread > 1).sum())} cells "
            "given differently by several rows",
            UserWarning,
            stacklevel=2,
        )
    last = rows.groupby([*SERIES_KEYS, "_period"], dropna=False, sort=True)["value"].last()
    wide = last.unstack(list(SERIES_KEYS)).sort_index()
    wide.index = pd.PeriodIndex(wide.index, freq=freq, name="period")
    return wide


def to_long(wide: pd.DataFrame) -> pd.DataFrame:
    """The long rows of a :func:`to_wide` table.

    Returns ``indicator, reporter, partner, measure, unit, period, value``.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"indicator": ["gdp"], "reporter": "CN-GD", "partner": None,
    ...     "measure": "amount", "unit": "CNY", "period": ["2020"], "value": [1.0], "published": "2022"})
    >>> to_long(to_wide(p))[["indicator", "period", "value"]].values.tolist()
    [['gdp', '2020', 1.0]]
    """
    long = wide.stack(list(range(wide.columns.nlevels))).dropna().rename("value").reset_index()
    long["period"] = long["period"].astype(str)
    for key in SERIES_KEYS:
        long[key] = long[key].replace("", None)
    return long[[*SERIES_KEYS, "period", "value"]]
