"""Named trade and investment indicators, what they imply, and currency conversion.

Indicators are found by reading the sentences a figure stands in, not by its
position: each row of ``data/reference/indicators.csv`` names a document, a
measure, a pattern the sentence must contain and a pattern its clause must
match, with the mention written ``#`` (``经香港转口到内地.*#``). Patterns are
written in simplified script and matched against the simplified form of the
text (OpenCC ``hk2s``), so they read documents in either script.

``derived_indicators.csv`` gives formulas over indicator codes; the interval
``low``–``high`` of a derived value is the range of the formula over the
rounding intervals of its published inputs (32.4% means 32.35–32.45%), taken
over the corners of the input box (exact for formulas monotone in each input,
which all of these are within their intervals).
"""

from __future__ import annotations

import ast
import itertools
import logging
import operator
import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from coopstats import vocabulary
from coopstats._resources import data_dir
from coopstats.errors import ExchangeRateError, ReferenceDataError
from coopstats.schemas import FRAMES

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "INDICATOR_COLUMNS",
    "convert",
    "derive",
    "derived_indicators",
    "exchange_rates",
    "indicators",
    "match_indicators",
]

logger = logging.getLogger(__name__)

# The columns of the two frames, as declared once in the schemas.
INDICATOR_COLUMNS: tuple[str, ...] = tuple(column.name for column in FRAMES["indicators"])
DERIVED_COLUMNS: tuple[str, ...] = tuple(column.name for column in FRAMES["derived_indicators"])


def _read_reference(name: str) -> pd.DataFrame:
    import pandas as pd

    with (data_dir() / "reference" / name).open(encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


@cache
def _rules() -> pd.DataFrame:
    return _read_reference("indicators.csv")


@cache
def _derived_rules() -> pd.DataFrame:
    return _read_reference("derived_indicators.csv")


def _simplified(text: str) -> str:
    from coopstats.text import to_simplified

    return to_simplified(text)


def match_indicators(figures: pd.DataFrame, rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """Name the figures of a frame that the indicator rules describe.

    Parameters
    ----------
    figures : pandas.DataFrame
        A figures frame (from :func:`coopstats.figure_extraction.extract_figures`
        or ``cs.figures``), with ``measure``, ``sentence`` and ``context``.
    rules : pandas.DataFrame, optional
        Indicator rules with the columns of ``indicators.csv``; default: all of
        them. Rules are applied to every row of ``figures`` whatever its
        ``doc_id``.

    Returns
    -------
    pandas.DataFrame
        One row per rule that matched: ``indicator, label_en, reporter,
        partner, via, flow, measure, period, value, unit, doc_id, quote`` (the
        clause), ``start, end, surface, approx, resolution``. A rule matching
        several figures takes the first and logs a warning; a rule matching none
        gives no row.

    Examples
    --------
    >>> from coopstats.figure_extraction import extract_figures
    >>> text = "在2012年，廣東省與香港的進出口總額約為港幣13,000億元，比去年增長5.4%，佔全省總額19.9%。"
    >>> found = match_indicators(extract_figures(text, default_currency="HKD"))
    >>> found[["indicator", "value", "unit", "period"]].values.tolist()
    [['gd_hk_trade', 1300000000000.0, 'HKD', '2012'], ['gd_hk_trade_growth', 5.4, 'percent', '2012'], \
['gd_hk_trade_share', 19.9, 'percent', '2012']]
    """
    import pandas as pd

    rules = _rules() if rules is None else rules
    sentences = [_simplified(str(s)) for s in figures["sentence"].fillna("")]
    contexts = [_simplified(str(s)) for s in figures["context"].fillna("")]
    measures = figures["measure"].astype("string").fillna("").tolist()
    rows: list[dict[str, object]] = []
    by_code: dict[str, dict[str, object]] = {}
    for rule in rules.itertuples(index=False):
        sentence_pattern = re.compile(rule.sentence_pattern) if rule.sentence_pattern else None
        context_pattern = re.compile(rule.context_pattern) if rule.context_pattern else None
        hits = [
            k
            for k in range(len(figures))
            if measures[k] == rule.measure
            and (sentence_pattern is None or sentence_pattern.search(sentences[k]))
            and (context_pattern is None or context_pattern.search(contexts[k]))
        ]
        if not hits:
            logger.info("indicator %s: no figure matches its rule", rule.code)
            continue
        if len(hits) > 1:
            logger.warning(
                "indicator %s: %d figures match its rule; the first is taken", rule.code, len(hits)
            )
        figure = figures.iloc[hits[0]]
        period = figure["period"]
        row = {
            "indicator": rule.code,
            "label_en": rule.label_en,
            "reporter": rule.reporter,
            "partner": rule.partner,
            "via": rule.via or pd.NA,
            "flow": rule.flow,
            "measure": figure["measure"],
            "period": period,
            "value": figure["value"],
            "unit": figure["unit"],
            "doc_id": figure["doc_id"] if "doc_id" in figures.columns else pd.NA,
            "quote": figure["clause"],
            "start": figure["start"],
            "end": figure["end"],
            "surface": figure["surface"],
            "approx": figure["approx"],
            "resolution": figure["resolution"],
            "_period_from": rule.period_from,
        }
        rows.append(row)
        by_code[rule.code] = row
    for row in rows:
        source = row.pop("_period_from")
        if pd.isna(row["period"]) and source and source in by_code:
            row["period"] = by_code[str(source)]["period"]
    frame = pd.DataFrame(rows, columns=list(INDICATOR_COLUMNS))
    return _typed(
        frame,
        {"start": "Int64", "end": "Int64", "value": "float64", "approx": "boolean", "resolution": "float64"},
    )


def _typed(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    for column in frame.columns:
        frame[column] = frame[column].astype(dtypes.get(column, "string"))
    return frame


def indicators() -> pd.DataFrame:
    """The named trade and investment indicators of the corpus's briefings.

    Reads ``cs.figures`` of every document ``indicators.csv`` names and applies
    its rules (see :func:`match_indicators`).

    Returns
    -------
    pandas.DataFrame
        ``indicator, label_en, reporter, partner, via, flow, measure, period,
        value, unit, doc_id, quote, start, end`` plus ``surface, approx,
        resolution``; ``start``/``end`` index ``cs.source_text(doc_id)``.

    Examples
    --------
    >>> found = indicators().set_index("indicator")
    >>> float(found.loc["gd_hk_trade", "value"]), found.loc["gd_hk_trade", "period"]
    (1233400000000.0, '2010')
    """
    import pandas as pd

    from coopstats.frames import figures

    parts = []
    rules = _rules()
    for doc_id, doc_rules in rules.groupby("doc_id", sort=False):
        parts.append(match_indicators(figures(str(doc_id)), doc_rules))
    if not parts:
        return pd.DataFrame(columns=list(INDICATOR_COLUMNS))
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------------
# Derived indicators
# ---------------------------------------------------------------------------

_OPERATORS: dict[type[ast.AST], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def _evaluate(node: ast.AST, values: dict[str, float]) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, values)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_evaluate(node.left, values), _evaluate(node.right, values))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand, values)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.Name):
        return values[node.id]
    raise ValueError(f"unsupported element in a derived-indicator formula: {ast.dump(node)}")


def _expand(code: str, formulas: dict[str, str], seen: tuple[str, ...] = ()) -> str:
    """A formula with derived codes replaced by their own formulas, down to published inputs."""
    if code in seen:
        raise ValueError(f"derived indicator {code!r} refers to itself through {' -> '.join(seen)}")

    def substitute(m: re.Match[str]) -> str:
        name = m.group()
        return f"({_expand(name, formulas, (*seen, code))})" if name in formulas else name

    return re.sub(r"[A-Za-z_][A-Za-z0-9_]*", substitute, formulas[code])


def _shift_period(period: object, shift: int) -> object:
    if not isinstance(period, str) or shift == 0:
        return period
    return re.sub(r"(?:19|20)[0-9]{2}", lambda m: str(int(m.group()) + shift), period)


def derive(indicator_frame: pd.DataFrame, rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """What published indicators imply: derived values with rounding intervals.

    Parameters
    ----------
    indicator_frame : pandas.DataFrame
        Indicators with ``indicator, value, resolution, period``.
    rules : pandas.DataFrame, optional
        Formulas with the columns of ``derived_indicators.csv``.

    Returns
    -------
    pandas.DataFrame
        ``indicator, label_en, period, value, low, high, unit, formula``; a
        formula whose inputs are missing gives no row.

    Examples
    --------
    >>> import pandas as pd
    >>> published = pd.DataFrame({"indicator": ["a", "s"], "value": [12334e8, 20.2],
    ...     "resolution": [1e8, 0.1], "period": ["2010", "2010"]})
    >>> rule = pd.DataFrame({"code": ["t"], "label_en": ["total"], "formula": ["a / (s / 100)"],
    ...     "unit": ["HKD"], "period_from": ["a"], "period_shift": ["0"]})
    >>> row = derive(published, rule).iloc[0]
    >>> [round(float(row[c]) / 1e8, 2) for c in ("value", "low", "high")]
    [61059.41, 60906.17, 61213.4]
    """
    import pandas as pd

    rules = _derived_rules() if rules is None else rules
    formulas = dict(zip(rules["code"], rules["formula"], strict=True))
    published = indicator_frame.drop_duplicates("indicator").set_index("indicator")
    rows = []
    for rule in rules.itertuples(index=False):
        expression = ast.parse(_expand(rule.code, formulas), mode="eval")
        inputs = sorted({n.id for n in ast.walk(expression) if isinstance(n, ast.Name)})
        missing = [name for name in inputs if name not in published.index]
        if missing:
            logger.info("derived indicator %s: inputs %s not published", rule.code, missing)
            continue
        centre = {name: float(published.at[name, "value"]) for name in inputs}
        half = {name: float(published.at[name, "resolution"]) / 2 for name in inputs}
        corners = [
            _evaluate(expression, {n: centre[n] + s * half[n] for n, s in zip(inputs, signs, strict=True)})
            for signs in itertools.product((-1, 1), repeat=len(inputs))
        ]
        period_source = rule.period_from if rule.period_from in published.index else inputs[0]
        rows.append(
            {
                "indicator": rule.code,
                "label_en": rule.label_en,
                "period": _shift_period(published.at[period_source, "period"], int(rule.period_shift or 0)),
                "value": _evaluate(expression, centre),
                "low": min(corners),
                "high": max(corners),
                "unit": rule.unit,
                "formula": rule.formula,
            }
        )
    frame = pd.DataFrame(rows, columns=list(DERIVED_COLUMNS))
    return _typed(frame, {"value": "float64", "low": "float64", "high": "float64"})


def derived_indicators() -> pd.DataFrame:
    """What the corpus's published indicators imply (see :func:`derive`).

    Returns
    -------
    pandas.DataFrame
        ``indicator, label_en, period, value, low, high, unit, formula``.

    Examples
    --------
    >>> derived_indicators().set_index("indicator").loc["gd_total_trade", "formula"]
    'gd_hk_trade / (gd_hk_trade_share / 100)'
    """
    return derive(indicators())


# ---------------------------------------------------------------------------
# Currency conversion
# ---------------------------------------------------------------------------


@cache
def exchange_rates() -> pd.DataFrame:
    """Annual average exchange rates, units of each currency per US dollar.

    Returns
    -------
    pandas.DataFrame
        ``currency, year, per_usd, source, verified`` from
        ``data/reference/exchange_rates.csv``.

    Examples
    --------
    >>> sorted(exchange_rates()["currency"].unique())
    ['CNY', 'HKD', 'MOP']
    """
    import pandas as pd

    frame = _read_reference("exchange_rates.csv")
    years = pd.to_numeric(frame["year"], errors="coerce")
    rates = pd.to_numeric(frame["per_usd"], errors="coerce")
    bad = frame.index[~frame["currency"].isin(vocabulary.currency_codes()) | years.isna() | ~(rates > 0)]
    if len(bad):
        raise ReferenceDataError(
            "exchange_rates.csv",
            int(bad[0]) + 2,  # the header is line 1
            "a currency of vocabulary.csv, a year and a positive rate per US dollar",
        )
    frame["year"] = years.astype(int)
    frame["per_usd"] = rates.astype(float)
    frame["verified"] = frame["verified"].str.lower().eq("true")
    return frame


def _years(period: object) -> list[int]:
    if not isinstance(period, str) or not period:
        return []
    return sorted({int(y) for y in re.findall(r"(?:19|20)[0-9]{2}", period)})


def _per_usd(currency: str, period: object, table: dict[tuple[str, int], float]) -> float:
    if currency == "USD":
        return 1.0
    years = _years(period)
    if not years:
        raise ExchangeRateError(
            f"cannot convert {currency}: the row has no period (expected a period such as '2010' "
            "to pick an annual average rate)"
        )
    missing = [y for y in range(years[0], years[-1] + 1) if (currency, y) not in table]
    if missing:
        known = sorted(y for c, y in table if c == currency)
        raise ExchangeRateError(
            f"no annual average rate for {currency} in {', '.join(map(str, missing))} "
            f"(exchange_rates.csv has {currency} for {', '.join(map(str, known)) or 'no year'})"
        )
    span = range(years[0], years[-1] + 1)
    return sum(table[(currency, y)] for y in span) / len(span)


def convert(frame: pd.DataFrame, to: str = "USD") -> pd.DataFrame:
    """Convert the money amounts of a frame to one currency at annual average rates.

    Rows whose ``unit`` is a currency are converted at the average rate of
    their period's year (a span of years: the mean of its annual averages; a
    stock at the end of a year: that year's average); other rows are left as
    they are.

    Parameters
    ----------
    frame : pandas.DataFrame
        A frame with ``value, unit, period`` (figures, indicators or derived
        indicators; ``low``/``high`` are converted too).
    to : str, default "USD"
        Target currency.

    Returns
    -------
    pandas.DataFrame
        A copy with converted ``value`` (and ``low``/``high``) and ``unit``, plus
        ``value_original``, ``unit_original`` and ``rate`` (units of the original
        currency per unit of ``to``).

    Raises
    ------
    ExchangeRateError
        A money row whose period is missing or has no rate in the table.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"value": [7769.0, 5.0], "unit": ["HKD", "percent"], "period": ["2010", "2010"]})
    >>> convert(f)[["value", "unit"]].values.tolist()
    [[1000.0, 'USD'], [5.0, 'percent']]
    """
    import pandas as pd

    table = {(r.currency, r.year): r.per_usd for r in exchange_rates().itertuples()}
    out = frame.copy()
    out["value_original"] = out["value"]
    out["unit_original"] = out["unit"]
    rates: list[float] = []
    for row in out.itertuples(index=False):
        unit = None if pd.isna(row.unit) else str(row.unit)
        if unit not in vocabulary.currency_codes() or unit == to:
            rates.append(float("nan") if unit != to else 1.0)
            continue
        rates.append(_per_usd(unit, row.period, table) / _per_usd(to, row.period, table))
    out["rate"] = pd.Series(rates, index=out.index, dtype="float64")
    money = out["rate"].notna()
    for column in ("value", "low", "high"):
        if column in out.columns:
            out[column] = out[column].astype("float64")
            out.loc[money, column] = out.loc[money, column] / out.loc[money, "rate"]
    out["unit"] = out["unit"].astype("object")
    out.loc[money, "unit"] = to
    out["unit"] = out["unit"].astype(frame["unit"].dtype if "unit" in frame else "string")
    return out
