"""The genre's vocabulary, declared once in ``data/reference/vocabulary.csv``.

Every word the pipeline recognises by kind — currencies and all their written
forms, the word 元, scale words, physical units, percentage points, roles and
their chart colours, role words, role labels, the endings of a label, lead
rules, clause brackets and report languages — is one row of that table, with
its ``source``. Regexes, ``click.Choice`` lists, schema categories, plot
colours and notebook options are derived from it here, so adding a currency is
one row in the table (plus its rates in ``exchange_rates.csv`` if reports
should convert to it).

Columns: ``kind, code, forms`` (written forms, ``|``-separated, both scripts
where they differ), ``value`` (kind-specific: a scale's multiplier, a role's
colour, a bracket's closers), ``label_en, label_zh, source``.

The table is read with :mod:`csv` on first use (no pandas), validated, and
cached for the process.

Examples
--------
>>> currency_forms()["澳門幣"]
'MOP'
>>> "澳元" in currency_forms() and currency_forms()["澳元"]
'AUD'
>>> roles()
('lead', 'co', 'responsible', 'listed')
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from coopstats._resources import data_dir
from coopstats.errors import ReferenceDataError

__all__ = [
    "Term",
    "alternation",
    "brackets",
    "classifiers",
    "clause_words",
    "convertible_currencies",
    "currency_codes",
    "currency_forms",
    "currency_label",
    "economies",
    "field_labels",
    "issuer_currency",
    "issuer_currency_forms",
    "label_endings",
    "label_roles",
    "languages",
    "lead_rules",
    "measure_words",
    "percent_point_forms",
    "physical_units",
    "role_colours",
    "role_labels",
    "role_words",
    "roles",
    "scales",
    "terms",
    "time_words",
    "yuan_forms",
]

TABLE = "vocabulary.csv"
_COLUMNS = ("kind", "code", "forms", "value", "label_en", "label_zh", "source")
# What each kind's ``value`` must be: (regex, description for the error).
_KINDS: dict[str, tuple[str, str] | None] = {
    "currency": None,
    "currency-word": None,
    "scale": (r"1e[0-9]+", "a multiplier such as 1e8"),
    "unit": None,
    "percent-point": None,
    "classifier": None,
    "issuer-currency": None,
    "role": (r"#[0-9a-fA-F]{6}", "a chart colour such as #1f5f99"),
    "role-word": None,
    "role-label": None,
    "label-ending": None,
    "clause-word": None,
    "field-label": None,
    "time-word": None,
    "lead-rule": None,
    "bracket": (r".+", "the closing bracket(s), |-separated in the order of forms"),
    "language": None,
    "economy": None,
    "measure-word": None,
    "table-header": None,
}
_ROLE_CODES = ("lead", "co", "responsible", "listed")


@dataclass(frozen=True)
class Term:
    """One row of the vocabulary: a code and its written forms."""

    kind: str
    code: str
    forms: tuple[str, ...]
    value: str
    label_en: str
    label_zh: str
    source: str


@cache
def _table() -> tuple[Term, ...]:
    path = data_dir() / "reference" / TABLE
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != _COLUMNS:
            raise ReferenceDataError(TABLE, 1, "the header " + ",".join(_COLUMNS))
        rows = [_term(row, line) for line, row in enumerate(reader, start=2)]
    _check_whole(rows)
    return tuple(rows)


def _term(row: dict[str, str], line: int) -> Term:
    kind = (row.get("kind") or "").strip()
    if kind not in _KINDS:
        raise ReferenceDataError(TABLE, line, "a kind among " + ", ".join(_KINDS))
    code = (row.get("code") or "").strip()
    forms = tuple(f for f in (row.get("forms") or "").split("|") if f)
    if not code or not forms:
        raise ReferenceDataError(TABLE, line, "a code and at least one written form")
    if not (row.get("source") or "").strip():
        raise ReferenceDataError(TABLE, line, "a source saying where the term comes from")
    value = (row.get("value") or "").strip()
    rule = _KINDS[kind]
    if rule is not None and not re.fullmatch(rule[0], value):
        raise ReferenceDataError(TABLE, line, f"a value that is {rule[1]}")
    if kind == "bracket" and len(value.split("|")) != len(forms):
        raise ReferenceDataError(TABLE, line, "one closing bracket per opening form")
    if kind in ("role", "role-word", "role-label") and code not in _ROLE_CODES:
        raise ReferenceDataError(TABLE, line, "a role code among " + ", ".join(_ROLE_CODES))
    if kind == "currency" and not re.fullmatch(r"[A-Z]{3}", code):
        raise ReferenceDataError(TABLE, line, "an ISO 4217 code such as HKD")
    return Term(kind, code, forms, value, row.get("label_en") or "", row.get("label_zh") or "", row["source"])


def _check_whole(rows: list[Term]) -> None:
    """One written form names one thing within a kind; every role is declared."""
    seen: dict[tuple[str, str], int] = {}
    for line, term in enumerate(rows, start=2):
        for form in term.forms:
            group = "money" if term.kind in ("currency", "currency-word") else term.kind
            if (group, form) in seen:
                raise ReferenceDataError(
                    TABLE, line, f"a form not already declared (line {seen[group, form]} has {form!r})"
                )
            seen[group, form] = line
    currencies = {t.code for t in rows if t.kind == "currency"}
    for line, term in enumerate(rows, start=2):
        if term.kind == "issuer-currency" and term.code not in currencies:
            raise ReferenceDataError(TABLE, line, "an issuer currency that is a declared currency code")
    declared = tuple(t.code for t in rows if t.kind == "role")
    if declared != _ROLE_CODES:
        raise ReferenceDataError(TABLE, 2, "the roles " + ", ".join(_ROLE_CODES) + " in that order")


def terms(kind: str) -> tuple[Term, ...]:
    """The rows of one kind, in table order.

    Examples
    --------
    >>> [t.code for t in terms("lead-rule")]
    ['marker', 'first-listed', 'none']
    """
    if kind not in _KINDS:
        raise ValueError(f"unknown vocabulary kind {kind!r}; expected one of {', '.join(_KINDS)}")
    return tuple(t for t in _table() if t.kind == kind)


def _by_form(kind: str) -> dict[str, str]:
    """Written form -> code, longest form first (for matching)."""
    pairs = [(form, t.code) for t in terms(kind) for form in t.forms]
    return dict(sorted(pairs, key=lambda p: -len(p[0])))


def alternation(forms: Iterable[str]) -> str:
    """A regex alternation of written forms, longest first, escaped.

    Examples
    --------
    >>> alternation(["元", "港元", "HK$"])
    'HK\\\\$|港元|元'
    """
    return "|".join(re.escape(f) for f in sorted(set(forms), key=lambda f: (-len(f), f)))


@cache
def currency_forms() -> dict[str, str]:
    """Every written form of a currency name -> its ISO code, longest first.

    Examples
    --------
    >>> currency_forms()["港幣"], currency_forms()["葡币"]
    ('HKD', 'MOP')
    """
    return _by_form("currency")


@cache
def currency_codes() -> tuple[str, ...]:
    """ISO codes of the declared currencies, in table order."""
    return tuple(t.code for t in terms("currency"))


def currency_label(code: str, lang: str = "en") -> str:
    """The name of a currency in English or Chinese.

    Examples
    --------
    >>> currency_label("MOP"), currency_label("MOP", "zh")
    ('Macau pataca', '澳门元')
    """
    for term in terms("currency"):
        if term.code == code:
            return term.label_zh if lang == "zh" else term.label_en
    raise ValueError(f"unknown currency {code!r}; expected one of {', '.join(currency_codes())}")


@cache
def convertible_currencies() -> tuple[str, ...]:
    """Currencies a report may convert to: USD and those with rates in ``exchange_rates.csv``.

    Examples
    --------
    >>> convertible_currencies()
    ('HKD', 'CNY', 'MOP', 'USD')
    """
    path = data_dir() / "reference" / "exchange_rates.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        with_rates = {row["currency"] for row in csv.DictReader(handle)}
    return tuple(code for code in currency_codes() if code in with_rates or code == "USD")


@cache
def economies() -> dict[str, str]:
    """Written names of economies -> the codes of ``reporter``/``partner``/``via``, longest first.

    Examples
    --------
    >>> economies()["廣東省"], economies()["澳门"], economies()["內地"]
    ('CN-GD', 'MAC', 'CHN')
    """
    return _by_form("economy")


@cache
def yuan_forms() -> tuple[str, ...]:
    """The written forms of 元, the unit a currency name qualifies."""
    return tuple(form for t in terms("currency-word") for form in t.forms)


@cache
def scales() -> dict[str, float]:
    """Scale words -> multipliers, longest first.

    Examples
    --------
    >>> scales()["萬億"], scales()["亿"]
    (1000000000000.0, 100000000.0)
    """
    return {form: float(code) for form, code in _by_form("scale").items()}


@cache
def physical_units() -> dict[str, str]:
    """Physical unit words -> unit codes, longest first.

    Examples
    --------
    >>> physical_units()["標箱"], physical_units()["千瓦时"]
    ('TEU', 'kWh')
    """
    return _by_form("unit")


@cache
def percent_point_forms() -> tuple[str, ...]:
    """The written forms of "percentage points", longest first."""
    return tuple(_by_form("percent-point"))


@cache
def measure_words(code: str) -> tuple[str, ...]:
    """Words that make the rate after them a growth, a decline or a share, longest first.

    Examples
    --------
    >>> "回落" in measure_words("decline"), measure_words("share")[:2]
    (True, ('份額', '份额'))
    """
    forms = [form for term in terms("measure-word") if term.code == code for form in term.forms]
    if not forms:
        raise ValueError(f"no measure words for {code!r}; the vocabulary has decline, growth, share")
    return tuple(sorted(forms, key=lambda f: (-len(f), f)))


@cache
def table_header_words(code: str) -> tuple[str, ...]:
    """Words that say what a table's column or cell label is, longest first.

    ``growth`` (a growth rate), ``change`` (a change against a base, beside the
    growth words), ``this-month``, ``cumulative`` (the year so far) and
    ``same-last-year``.

    Examples
    --------
    >>> table_header_words("this-month")
    ('当月', '本月', '本期', '當月')
    """
    forms = [form for term in terms("table-header") if term.code == code for form in term.forms]
    if not forms:
        codes = ", ".join(dict.fromkeys(term.code for term in terms("table-header")))
        raise ValueError(f"no table header words for {code!r}; the vocabulary has {codes}")
    return tuple(sorted(forms, key=lambda f: (-len(f), f)))


@cache
def classifiers() -> tuple[str, ...]:
    """Measure words (量词) that make a number a count, longest first.

    Examples
    --------
    >>> classifiers()[:1], "家" in classifiers()
    (('架次',), True)
    """
    return tuple(_by_form("classifier"))


@cache
def issuer_currency_forms() -> dict[str, str]:
    """Words of an issuer's name -> the currency a bare 元 in its texts is, longest first.

    Examples
    --------
    >>> issuer_currency_forms()["政府統計處"], issuer_currency_forms()["统计暨普查局"]
    ('HKD', 'MOP')
    """
    return _by_form("issuer-currency")


def issuer_currency(issuer: str | None) -> str | None:
    """The currency of a bare 元 in texts of ``issuer``: the form written first in the name decides.

    Parameters
    ----------
    issuer : str or None
        The issuing body or bodies as written (either script).

    Returns
    -------
    str or None
        An ISO code, or ``None`` when no declared wording is in the name.

    Examples
    --------
    >>> issuer_currency("商務及經濟發展局、政制及內地事務局")
    'HKD'
    >>> issuer_currency("澳門統計暨普查局"), issuer_currency("广东省人民政府"), issuer_currency("联合国")
    ('MOP', 'CNY', None)
    """
    if not issuer:
        return None
    table = _table()
    if _ISSUERS[0] is not table:  # read anew (a test cleared the table): derived anew
        _ISSUERS[:] = [table, issuer_currency_forms(), {}]
    forms, known = _ISSUERS[1], _ISSUERS[2]
    if issuer in known:
        return known[issuer]
    best: tuple[int, int, str] | None = None
    for form, code in forms.items():
        at = issuer.find(form)
        if at >= 0 and (best is None or (at, -len(form)) < best[:2]):
            best = (at, -len(form), code)
    if len(known) > 4096:  # kept small whatever names come
        known.clear()
    known[issuer] = found = None if best is None else best[2]
    return found


# The table the issuers' currencies were read from, its issuer forms, and each issuer's currency so far.
_ISSUERS: list[Any] = [None, {}, {}]


@cache
def roles() -> tuple[str, ...]:
    """The roles of an agency, highest first: lead, co, responsible, listed."""
    return tuple(t.code for t in terms("role"))


@cache
def role_colours() -> dict[str, str]:
    """Chart colour of each role."""
    return {t.code: t.value for t in terms("role")}


def role_labels(lang: str = "en") -> dict[str, str]:
    """Display label of each role in ``lang``.

    Examples
    --------
    >>> role_labels("zh")["lead"]
    '牵头'
    """
    return {t.code: (t.label_zh if lang == "zh" else t.label_en) for t in terms("role")}


@cache
def role_words() -> dict[str, str]:
    """Role words closing a run of names (simplified script) -> role, longest first.

    Examples
    --------
    >>> role_words()["按职责分工落实"]
    'responsible'
    """
    return _by_form("role-word")


@cache
def label_roles() -> dict[str, str]:
    """Words inside a field label (牵头单位, 配合部门) -> the role they give, longest first."""
    return _by_form("role-label")


@cache
def label_endings() -> tuple[str, ...]:
    """What ends a field label before its colon: 单位, 部门, 机构."""
    return tuple(form for t in terms("label-ending") for form in t.forms)


@cache
def clause_words(code: str) -> tuple[str, ...]:
    """Written forms of one kind of clause word.

    Kinds: ``lead-co``, ``by``, ``etc``, ``generic``, ``drop``, ``each``.

    Examples
    --------
    >>> clause_words("lead-co")
    ('牵头会同', '会同')
    """
    forms = tuple(form for t in terms("clause-word") if t.code == code for form in t.forms)
    if not forms:
        raise ValueError(f"no clause word of kind {code!r} in {TABLE}")
    return forms


@cache
def field_labels() -> dict[str, str]:
    """Words of a field label that is not an agency label -> its kind, longest first.

    Kinds: ``person``, ``scope``, ``note``, ``deadline``, ``division``,
    ``measures``, ``task``, ``number``.

    Examples
    --------
    >>> field_labels()["完成时限"], field_labels()["领导"]
    ('deadline', 'person')
    """
    return _by_form("field-label")


@cache
def time_words() -> tuple[str, ...]:
    """Relative time phrases that make a clause's last group a deadline (年内, 年底前 …), longest first.

    Examples
    --------
    >>> "年内" in time_words()
    True
    """
    return tuple(_by_form("time-word"))


@cache
def lead_rules() -> tuple[str, ...]:
    """The lead rules a document may follow (``auto`` is resolved before use)."""
    return tuple(t.code for t in terms("lead-rule"))


@cache
def brackets() -> dict[str, str]:
    """Opening bracket -> closing bracket of agency clauses (normalised forms included).

    Examples
    --------
    >>> brackets()["〔"], brackets()["（"]
    ('〕', '）')
    """
    pairs: dict[str, str] = {}
    for term in terms("bracket"):
        for opener, closer in zip(term.forms, term.value.split("|"), strict=True):
            pairs[opener] = closer
    return pairs


@cache
def languages() -> tuple[str, ...]:
    """Report and chart languages.

    Examples
    --------
    >>> languages()
    ('en', 'zh')
    """
    return tuple(t.code for t in terms("language"))
