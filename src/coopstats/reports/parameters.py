"""What a report notebook declares, and the check every value passes before a kernel starts.

A report notebook states each fact about its parameters once:

* its cell tagged ``parameters`` gives each parameter's name, type, default and
  help, one per line (``name: type = default  # help``), which papermill reads;
* its notebook metadata ``coopstats.parameters`` gives the values each may
  take, and ``coopstats.grid`` its runs in ``coopstats report --all``::

      "coopstats": {
        "parameters": {
          "doc_id": {"choices": "corpus:task-list"},
          "top_n": {"min": 1},
          "lang": {"choices": "vocabulary:languages"}
        },
        "grid": [{"doc_id": {"each": "corpus:task-list"}}]
      }

Rules of a parameter: ``choices`` (a list, or a reference resolved when the
check runs), ``min`` and ``max`` (numbers), ``file`` (the value names an
existing file with one of the suffixes of a reference or a list; an empty value
means "not given"). A list-typed parameter's choices apply to each element.

References: ``vocabulary:NAME`` (the codes a function of
:mod:`coopstats.vocabulary` returns, e.g. ``vocabulary:languages``,
``vocabulary:convertible_currencies``), ``corpus`` (every document of the
corpus), ``corpus:KIND`` (its documents of one kind, e.g. ``corpus:task-list``)
and, for ``file``, ``readers:documents`` (the suffixes of the formats the
readers read).

The grid is a list of runs; each maps parameters to a value or to
``{"each": CHOICES}``, and stands for every combination. A notebook without a
``grid`` runs once with its defaults; ``"grid": []`` keeps it out of ``--all``.

:func:`check_parameters` checks values given to a run (the command line,
:func:`coopstats.run_report`); :func:`check_namespace` is what the cell right
after the ``parameters`` cell calls, so that a run through plain papermill
refuses the same values, with the same one-line message, in that cell.
"""

from __future__ import annotations

import ast
import contextlib
import itertools
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from coopstats.errors import ReportError, ReportParameterError
from coopstats.readers import SUFFIXES

__all__ = [
    "DOCUMENT_SUFFIXES",
    "ReportParameter",
    "ReportSpec",
    "available_reports",
    "check_namespace",
    "check_parameters",
    "default_grid",
    "notebook_file",
    "report_parameters",
    "report_spec",
    "resolve_choices",
]

METADATA_KEY = "coopstats"

#: Suffixes of the formats :mod:`coopstats.readers` reads (text, web page, Word, PDF).
DOCUMENT_SUFFIXES = tuple(suffix for group in SUFFIXES.values() for suffix in group)

_RULES = ("choices", "min", "max", "file")
_FILE_REFERENCES = {"readers:documents": DOCUMENT_SUFFIXES}

_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "list": (list, tuple),
    "dict": (dict,),
}
# Values a parameter can hold; other names in a kernel's namespace (modules, functions, frames) are not
# parameters, so an undeclared name is only refused when it holds one of these.
_PARAMETER_VALUES = (str, int, float, bool, list, tuple, dict, type(None))


@dataclass(frozen=True)
class ReportParameter:
    """One parameter: from the ``parameters`` cell, with the rules of the notebook's metadata."""

    name: str
    type_name: str
    default: Any
    help: str = ""
    rules: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """``name: type = default  # help``, as the notebook writes it."""
        text = f"{self.name}: {self.type_name} = {self.default!r}"
        return f"{text}  # {self.help}" if self.help else text

    def describe_rules(self) -> str:
        """The values the parameter may take, in words (``""`` when any value of its type will do).

        Examples
        --------
        >>> ReportParameter("top_n", "int", 15, rules={"min": 1}).describe_rules()
        'at least 1'
        """
        parts = []
        if "choices" in self.rules:
            parts.append("one of " + ", ".join(map(str, resolve_choices(self.rules["choices"]))))
        if "min" in self.rules:
            parts.append(f"at least {self.rules['min']}")
        if "max" in self.rules:
            parts.append(f"at most {self.rules['max']}")
        if "file" in self.rules:
            parts.append("an existing file: " + ", ".join(_suffixes(self.rules["file"])))
        return "; ".join(parts)


@dataclass(frozen=True)
class ReportSpec:
    """What a report notebook declares: its parameters and its runs in ``--all``."""

    name: str
    parameters: dict[str, ReportParameter]
    grid: tuple[Mapping[str, Any], ...] | None  # None: once with the defaults

    @property
    def defaults(self) -> dict[str, Any]:
        """Parameter name -> default."""
        return {k: p.default for k, p in self.parameters.items()}


# --------------------------------------------------------------------------- finding notebooks


def available_reports(notebook_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """Names of the report notebooks.

    Examples
    --------
    >>> "agency_workload" in available_reports()
    True
    """
    from coopstats._resources import notebooks_dir

    if notebook_dir is not None:
        return sorted(p.stem for p in Path(notebook_dir).glob("*.ipynb"))
    return sorted(
        entry.name.removesuffix(".ipynb")
        for entry in notebooks_dir().iterdir()
        if entry.name.endswith(".ipynb")
    )


@contextlib.contextmanager
def notebook_file(name: str, notebook_dir: str | os.PathLike[str] | None = None) -> Iterator[Path]:
    """The path of notebook ``name`` (package data are materialised if need be).

    Raises
    ------
    coopstats.errors.ReportError
        No such notebook; the message lists those there are.
    """
    from importlib.resources import as_file

    from coopstats._resources import notebooks_dir

    known = available_reports(notebook_dir)
    if name not in known:
        where = f"reports in {notebook_dir}" if notebook_dir is not None else "available reports"
        raise ReportError(f"unknown report {name!r}; {where}: {', '.join(known)}")
    if notebook_dir is not None:
        yield Path(notebook_dir) / f"{name}.ipynb"
        return
    with as_file(notebooks_dir().joinpath(f"{name}.ipynb")) as path:
        yield Path(path)


# --------------------------------------------------------------------------- declarations


def _literal(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


@lru_cache(maxsize=64)
def _read_spec(name: str, path: str, _mtime_ns: int) -> ReportSpec:
    """The declarations of one notebook file (cached until the file changes)."""
    import papermill

    with open(path, encoding="utf-8") as handle:
        metadata = json.load(handle).get("metadata", {}).get(METADATA_KEY, {})
    if not isinstance(metadata, dict):
        raise _bad_declaration(name, METADATA_KEY, "a mapping")
    inspected = papermill.inspect_notebook(path)
    declared_rules = metadata.get("parameters", {})
    if not isinstance(declared_rules, dict):
        raise _bad_declaration(name, "parameters", "a mapping of parameter names to rules")
    for key, rules in declared_rules.items():
        if key not in inspected:
            raise _bad_declaration(name, f"parameters.{key}", "a parameter of the notebook's parameters cell")
        if not isinstance(rules, dict) or set(rules) - set(_RULES):
            raise _bad_declaration(name, f"parameters.{key}", "a mapping of rules among " + ", ".join(_RULES))
    parameters: dict[str, ReportParameter] = {}
    for key, info in inspected.items():
        default = _literal(info["default"])
        type_name = info.get("inferred_type_name") or "None"
        if type_name == "None" and default is not None:
            type_name = type(default).__name__
        rules = dict(declared_rules.get(key, {}))
        parameters[key] = ReportParameter(key, type_name, default, info.get("help") or "", rules)
    grid = metadata.get("grid")
    if grid is not None:
        if not isinstance(grid, list) or not all(isinstance(run, dict) for run in grid):
            raise _bad_declaration(name, "grid", "a list of runs, each a mapping of parameters to values")
        for run in grid:
            for key in run:
                if key not in parameters:
                    raise _bad_declaration(name, f"grid.{key}", "a parameter of the notebook")
        grid = tuple(grid)
    return ReportSpec(name, parameters, grid)


def _bad_declaration(name: str, where: str, expected: str) -> ReportError:
    return ReportError(f"{name}.ipynb: bad metadata {METADATA_KEY}.{where} (expected {expected})")


def report_spec(name: str, *, notebook_dir: str | os.PathLike[str] | None = None) -> ReportSpec:
    """What notebook ``name`` declares, read without starting a kernel.

    Examples
    --------
    >>> spec = report_spec("agency_workload")
    >>> spec.parameters["lang"].rules
    {'choices': 'vocabulary:languages'}
    >>> spec.grid
    ({'doc_id': {'each': 'corpus:task-list'}},)
    """
    with notebook_file(name, notebook_dir) as path:
        return _read_spec(name, str(path), path.stat().st_mtime_ns)


def report_parameters(
    name: str, *, notebook_dir: str | os.PathLike[str] | None = None
) -> dict[str, ReportParameter]:
    """The parameters a report notebook declares, read without starting a kernel.

    Parameters
    ----------
    name : str
        Report (notebook) name, e.g. ``"agency_workload"``.
    notebook_dir : path, optional
        Folder to find the notebook in (default: the package's notebooks).

    Returns
    -------
    dict of str to ReportParameter
        In the order the notebook declares them.

    Examples
    --------
    >>> params = report_parameters("agency_workload")
    >>> params["top_n"].type_name, params["top_n"].default
    ('int', 15)
    """
    return dict(report_spec(name, notebook_dir=notebook_dir).parameters)


def resolve_choices(
    choices: str | Sequence[Any], *, origins: Sequence[str] = ("embedded", "user")
) -> tuple[Any, ...]:
    """The values a ``choices`` rule allows: a list as it is, a reference resolved now.

    Parameters
    ----------
    choices : str or sequence
        ``vocabulary:NAME``, ``corpus``, ``corpus:KIND`` or a list of values.
    origins : sequence of {"embedded", "user"}
        Which documents a ``corpus`` reference covers: both for checking a
        value, the embedded ones only for the default ``--all`` grid.

    Returns
    -------
    tuple

    Raises
    ------
    coopstats.errors.ReportError
        A reference to nothing (an unknown vocabulary function, a kind no
        document of the corpus has).

    Examples
    --------
    >>> resolve_choices("vocabulary:languages")
    ('en', 'zh')
    >>> resolve_choices("corpus:task-list")
    ('gdhk-keywork-2017', 'panprd-gd-opinions-2017', 'gdhk-keywork-2011')
    >>> resolve_choices([1, 2])
    (1, 2)
    """
    if not isinstance(choices, str):
        return tuple(choices)
    source, _, what = choices.partition(":")
    if source == "vocabulary":
        from coopstats import vocabulary

        function = getattr(vocabulary, what, None) if what in vocabulary.__all__ else None
        if not callable(function):
            raise ReportError(f"choices {choices!r}: coopstats.vocabulary has no function {what!r}")
        return tuple(function())
    if source == "corpus":
        from coopstats import corpus

        rows = [r for r in corpus.manifest() if r.origin in origins]
        chosen = tuple(r.doc_id for r in rows if not what or r.kind == what)
        if not chosen and "embedded" not in origins:
            return ()  # no user document of that kind: nothing to run
        if not chosen:
            kinds = sorted({r.kind for r in rows})
            raise ReportError(f"choices {choices!r}: no document of the corpus is a {what!r}; kinds: {kinds}")
        return chosen
    raise ReportError(f"choices {choices!r}: expected a list, vocabulary:NAME, corpus or corpus:KIND")


def _suffixes(rule: str | Sequence[str]) -> tuple[str, ...]:
    if isinstance(rule, str):
        if rule not in _FILE_REFERENCES:
            raise ReportError(
                f"file {rule!r}: expected a list of suffixes or one of {', '.join(_FILE_REFERENCES)}"
            )
        return _FILE_REFERENCES[rule]
    return tuple(s.lower() for s in rule)


# --------------------------------------------------------------------------- checking values


def _describe_all(declared: Mapping[str, ReportParameter]) -> str:
    return "; ".join(p.describe() for p in declared.values()) or "none"


def _coerce(parameter: ReportParameter, value: str) -> Any:
    """A value given as text (the command line) converted to the parameter's type."""
    kind = parameter.type_name
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
    except ValueError:
        raise ReportParameterError(f"parameter {parameter.name} expects {kind}, got {value!r}") from None
    if kind in {"list", "dict"}:
        text = value.strip()
        if text[:1] in {"[", "(", "{"}:
            parsed = _literal(text)
            if isinstance(parsed, str):
                raise ReportParameterError(
                    f"parameter {parameter.name} expects a {kind} literal, got {value!r}"
                )
            return list(parsed) if isinstance(parsed, tuple) else parsed
        if kind == "list":  # a comma-separated list: a,b,c
            return [item.strip() for item in text.split(",") if item.strip()]
        raise ReportParameterError(f"parameter {parameter.name} expects a dict literal, got {value!r}")
    if kind == "bool":
        lowered = value.strip().lower()
        if lowered in {"true", "1", "yes", "on"}:
            return True
        if lowered in {"false", "0", "no", "off"}:
            return False
        raise ReportParameterError(f"parameter {parameter.name} expects bool (true/false), got {value!r}")
    return value


def _check_choice(report: str, parameter: ReportParameter, value: Any) -> None:
    reference = parameter.rules["choices"]
    allowed = resolve_choices(reference)
    if value in allowed:
        return
    where = f"parameter {parameter.name} of {report}"
    if isinstance(reference, str) and reference.partition(":")[0] == "corpus":
        from coopstats import corpus

        known = corpus.doc_ids()
        if value not in known:
            raise ReportParameterError(
                f"{where}: unknown document {value!r}; known documents: {', '.join(known)}"
            )
        kind = corpus.entry(value).kind
        wanted = reference.partition(":")[2]
        raise ReportParameterError(
            f"{where}: {value} is a {kind} document, not a {wanted} document; "
            f"{wanted} documents: {', '.join(allowed)}"
        )
    raise ReportParameterError(f"{where}: {value!r} is not one of {', '.join(map(str, allowed))}")


def _check_value(report: str, parameter: ReportParameter, value: Any) -> Any:
    """A value checked against the parameter's type and rules; a file made absolute."""
    where = f"parameter {parameter.name} of {report}"
    expected = _TYPES.get(parameter.type_name)
    wrong_bool = isinstance(value, bool) and parameter.type_name in {"int", "float"}
    if expected is not None and (not isinstance(value, expected) or wrong_bool):
        raise ReportParameterError(
            f"{where} expects {parameter.type_name}, got {type(value).__name__} {value!r}"
        )
    rules = parameter.rules
    if "choices" in rules:
        for one in value if isinstance(value, (list, tuple)) else [value]:
            _check_choice(report, parameter, one)
    if "min" in rules and value < rules["min"]:
        raise ReportParameterError(f"{where} must be at least {rules['min']}, got {value!r}")
    if "max" in rules and value > rules["max"]:
        raise ReportParameterError(f"{where} must be at most {rules['max']}, got {value!r}")
    if "file" in rules and value:
        suffixes = _suffixes(rules["file"])
        path = Path(str(value)).expanduser()
        if path.suffix.lower() not in suffixes:
            raise ReportParameterError(
                f"{where}: {str(value)!r} is not a document coopstats reads (expected {', '.join(suffixes)})"
            )
        if not path.is_file():
            raise ReportParameterError(f"{where}: no such file {str(value)!r} (current folder {Path.cwd()})")
        value = str(path.resolve())
    return value


def check_parameters(
    name: str,
    parameters: Mapping[str, Any] | None = None,
    *,
    from_text: bool = False,
    notebook_dir: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Check parameters against what a notebook declares, before any kernel starts.

    Parameters
    ----------
    name : str
        Report name.
    parameters : mapping, optional
        Values to inject.
    from_text : bool, default False
        Values are text (as typed on the command line) to convert to each
        parameter's declared type; otherwise they must already have it.
    notebook_dir : path, optional
        Folder to find the notebook in.

    Returns
    -------
    dict
        The values, typed; ``file`` parameters made absolute.

    Raises
    ------
    coopstats.errors.ReportParameterError
        An undeclared name, a value of the wrong type, a value outside the
        declared choices or range, a file that does not exist or is in a format
        the readers do not read. The message is one line; for a wrong name or
        type it lists the valid parameters with their types and defaults.

    Examples
    --------
    >>> check_parameters("agency_workload", {"top_n": "5"}, from_text=True)
    {'top_n': 5}
    >>> check_parameters("agency_workload", {"topn": 5})
    Traceback (most recent call last):
    ...
    coopstats.errors.ReportParameterError: agency_workload has no parameter 'topn'; valid parameters: ...
    >>> check_parameters("agency_workload", {"lang": "fr"})
    Traceback (most recent call last):
    ...
    coopstats.errors.ReportParameterError: parameter lang of agency_workload: 'fr' is not one of en, zh
    """
    declared = report_parameters(name, notebook_dir=notebook_dir)
    checked: dict[str, Any] = {}
    for key, value in (parameters or {}).items():
        if key not in declared:
            raise ReportParameterError(
                f"{name} has no parameter {key!r}; valid parameters: {_describe_all(declared)}"
            )
        parameter = declared[key]
        if from_text and isinstance(value, str):
            try:
                value = _coerce(parameter, value)
            except ReportParameterError as exc:
                raise ReportParameterError(
                    f"{exc} (in {name}); valid parameters: {_describe_all(declared)}"
                ) from None
        try:
            checked[key] = _check_value(name, parameter, value)
        except ReportParameterError as exc:
            if " expects " not in str(exc):
                raise
            raise ReportParameterError(f"{exc}; valid parameters: {_describe_all(declared)}") from None
    return checked


def _one_line_traceback(error: BaseException) -> BaseException:
    """Make IPython show ``error`` as one line (``ReportParameterError: …``), not a traceback."""
    line = f"{type(error).__name__}: {error}"
    error._render_traceback_ = lambda: [line]  # type: ignore[attr-defined]
    return error


def check_namespace(
    name: str,
    namespace: Mapping[str, Any],
    *,
    notebook_dir: str | os.PathLike[str] | None = None,
) -> None:
    """Check the parameters a kernel holds: the call in the cell right after a notebook's ``parameters`` cell.

    papermill injects its values after the ``parameters`` cell, and injects
    names the notebook does not declare as well (it only warns). This refuses
    both, with the message :func:`check_parameters` gives, shown by IPython as
    one line, so a run through plain papermill stops in this cell with a
    non-zero exit.

    Parameters
    ----------
    name : str
        The report (notebook) name.
    namespace : mapping
        The kernel's ``globals()``, in a fresh kernel (names a later cell
        defined would count as undeclared).
    notebook_dir : path, optional
        Folder of the notebook, for notebooks outside the package.

    Raises
    ------
    coopstats.errors.ReportParameterError

    Examples
    --------
    >>> check_namespace("agency_workload", {"doc_id": "gdhk-keywork-2017", "top_n": 15})
    >>> check_namespace("agency_workload", {"top_n": -5})
    Traceback (most recent call last):
    ...
    coopstats.errors.ReportParameterError: parameter top_n of agency_workload must be at least 1, got -5
    """
    declared = report_parameters(name, notebook_dir=notebook_dir)
    shell = namespace.get("get_ipython")
    hidden: Mapping[str, Any] = getattr(shell(), "user_ns_hidden", {}) if callable(shell) else {}
    given = {
        key: value
        for key, value in namespace.items()
        if key in declared
        or (
            not key.startswith("_")
            and key not in hidden
            and key not in {"In", "Out"}
            and isinstance(value, _PARAMETER_VALUES)
        )
    }
    try:
        check_parameters(name, given, notebook_dir=notebook_dir)
    except ReportParameterError as exc:
        raise _one_line_traceback(ReportParameterError(str(exc))) from None


# --------------------------------------------------------------------------- the grid


def _expand(run: Mapping[str, Any], origins: Sequence[str]) -> list[dict[str, Any]]:
    fixed = {k: v for k, v in run.items() if not (isinstance(v, dict) and "each" in v)}
    each = [(k, resolve_choices(v["each"], origins=origins)) for k, v in run.items() if k not in fixed]
    if origins == ("user",) and not each:
        return []  # a run that names no document is the embedded grid's
    keys = [k for k, _ in each]
    return [
        {**fixed, **dict(zip(keys, values, strict=True))}
        for values in itertools.product(*(v for _, v in each))
    ]


def default_grid(
    notebook_dir: str | os.PathLike[str] | None = None, *, user: bool = False
) -> list[tuple[str, dict[str, Any]]]:
    """The reports ``coopstats report --all`` runs, from each notebook's ``coopstats.grid`` metadata.

    A notebook without a grid runs once with its defaults; one whose grid is
    ``[]`` is left out. A new notebook joins the grid by its metadata alone.
    ``corpus:…`` references expand over the embedded documents; with
    ``user=True`` (``--all --user``) also over the user's own documents.

    Examples
    --------
    >>> grid = default_grid()
    >>> ("trade_investment", {}) in grid
    True
    >>> ("agency_workload", {"doc_id": "gdhk-keywork-2011"}) in grid
    True
    >>> any(name == "getting_started" for name, _ in grid)
    False
    """
    grid: list[tuple[str, dict[str, Any]]] = []
    for name in available_reports(notebook_dir):
        spec = report_spec(name, notebook_dir=notebook_dir)
        runs: Sequence[Mapping[str, Any]] = [{}] if spec.grid is None else spec.grid
        for run in runs:
            grid += [(name, parameters) for parameters in _expand(run, ("embedded",))]
            if user:
                grid += [(name, parameters) for parameters in _expand(run, ("user",))]
    return grid
