"""Reports: parameterised notebooks run by papermill into self-contained HTML.

A report is a notebook of ``notebooks/`` (shipped inside the package) whose
cell tagged ``parameters`` declares, one per line, ``name: type = default  # help``.
:func:`run_report` checks the parameters given against that cell *before* any
kernel starts, executes the notebook with papermill under a time limit, and
writes, side by side::

    <output_dir>/<name>/<slug>.ipynb   the executed notebook
    <output_dir>/<name>/<slug>.html    the report: no code cells, images embedded,
                                       no script, stylesheet or font fetched from anywhere

Both are written to temporary files and renamed into place, so a failed run never
replaces the last good report; the failed executed notebook is kept as
``<slug>.failed.ipynb``. Every run is recorded in ``<output_dir>/index.json`` and
listed in ``<output_dir>/index.html``.

:func:`run_all` runs the default grid (see :func:`default_grid`) with parallel
workers; :data:`report_command` is the ``coopstats report`` command.
"""

from __future__ import annotations

import ast
import contextlib
import csv
import datetime as dt
import hashlib
import html
import json
import logging
import os
import re
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import click

from coopstats.errors import ReportError, ReportParameterError

__all__ = [
    "DEFAULT_TIMEOUT",
    "ReportParameter",
    "ReportRecord",
    "available_reports",
    "build_reports",
    "check_parameters",
    "default_grid",
    "export_html",
    "report_command",
    "report_parameters",
    "report_slug",
    "run_all",
    "run_report",
    "write_index",
]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 600.0
"""Seconds a report notebook may run (all cells together) before it is stopped."""

KERNEL_NAME = "python3"

# Parameters whose value names a file the notebook reads: checked and made absolute before the run.
_PATH_PARAMETER = re.compile(r"^(?:source|.+_path)$")

# A slug keeps letters, digits, "_" and "-"; anything else (path separators, dots, spaces, CJK) is folded.
_UNSAFE_SLUG_CHARACTERS = re.compile(r"[^A-Za-z0-9_-]+")
_SLUG_MAX_LENGTH = 80

_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "list": (list, tuple),
    "dict": (dict,),
}

# The only things a report page may load: inline styles and images inside the page.
_CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"

# A template over nbconvert's "lab" template that drops every block linking the network
# (require.js, MathJax, mermaid, the widget manager) and forbids any fetch by policy.
_OFFLINE_TEMPLATE = """\
{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}
<meta http-equiv="Content-Security-Policy" content="CSP">
{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<style type="text/css">
  main { max-width: 1100px; margin: 0 auto; }
  .jp-RenderedHTMLCommon table { font-size: 12px; }
  .jp-OutputArea-output.jp-RenderedHTMLCommon td,
  .jp-OutputArea-output.jp-RenderedHTMLCommon th { text-align: left; vertical-align: top; max-width: 42em; }
  .jp-OutputArea-output { overflow-x: auto; }
  .jp-RenderedImage img { max-width: 100%; height: auto; }
</style>
{%- endblock html_head_css -%}
""".replace("CSP", _CONTENT_SECURITY_POLICY)

_STYLE_BLOCK = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)  # an inline stylesheet
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)  # a /* comment */ inside it

_FILE_MODE = 0o644  # reports are for reading by anyone (mkstemp creates 0600)

_index_lock = threading.Lock()


@dataclass(frozen=True)
class ReportParameter:
    """One parameter declared in a notebook's ``parameters`` cell."""

    name: str
    type_name: str
    default: Any
    help: str = ""

    def describe(self) -> str:
        """``name: type = default  # help``, as the notebook writes it."""
        text = f"{self.name}: {self.type_name} = {self.default!r}"
        return f"{text}  # {self.help}" if self.help else text


@dataclass
class ReportRecord:
    """What one report run did: the rows of ``index.json``."""

    name: str
    parameters: dict[str, Any]
    slug: str
    status: str  # "ok" or "failed"
    started: str
    duration_s: float
    html: str | None = None
    notebook: str | None = None
    error: str | None = None
    cell_index: int | None = None
    ename: str | None = None
    version: str = ""
    raw_documents: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- notebooks and parameters


@contextlib.contextmanager
def _notebook_file(name: str, notebook_dir: str | os.PathLike[str] | None) -> Iterator[Path]:
    """The path of notebook ``name`` (package data are materialised if need be)."""
    from importlib.resources import as_file

    from coopstats._resources import notebooks_dir

    if notebook_dir is not None:
        folder = Path(notebook_dir)
        known = sorted(p.stem for p in folder.glob("*.ipynb"))
        if name not in known:
            raise ReportError(f"unknown report {name!r}; reports in {folder}: {', '.join(known)}")
        yield folder / f"{name}.ipynb"
        return
    known = available_reports()
    if name not in known:
        raise ReportError(f"unknown report {name!r}; available reports: {', '.join(known)}")
    with as_file(notebooks_dir().joinpath(f"{name}.ipynb")) as path:
        yield Path(path)


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


def _literal(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


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
    import papermill

    with _notebook_file(name, notebook_dir) as path:
        inspected = papermill.inspect_notebook(str(path))
    declared: dict[str, ReportParameter] = {}
    for key, info in inspected.items():
        default = _literal(info["default"])
        type_name = info.get("inferred_type_name") or "None"
        if type_name == "None" and default is not None:
            type_name = type(default).__name__
        declared[key] = ReportParameter(key, type_name, default, info.get("help") or "")
    return declared


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
                ) from None
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


def _known_doc_ids() -> list[str]:
    from coopstats._resources import data_dir

    with data_dir().joinpath("raw", "manifest.csv").open(encoding="utf-8") as handle:
        return [row["doc_id"] for row in csv.DictReader(handle)]


def check_parameters(
    name: str,
    parameters: Mapping[str, Any] | None = None,
    *,
    from_text: bool = False,
    notebook_dir: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Check parameters against a notebook's ``parameters`` cell, before any kernel starts.

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
        The values, typed; path parameters (``source``, ``*_path``) made absolute.

    Raises
    ------
    coopstats.errors.ReportParameterError
        An undeclared name, a value of the wrong type, an unknown ``doc_id`` or
        a path parameter naming no file; the message lists the valid parameters
        with their types and defaults.

    Examples
    --------
    >>> check_parameters("agency_workload", {"top_n": "5"}, from_text=True)
    {'top_n': 5}
    >>> check_parameters("agency_workload", {"topn": 5})
    Traceback (most recent call last):
    ...
    coopstats.errors.ReportParameterError: agency_workload has no parameter 'topn'; valid parameters: ...
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
        expected = _TYPES.get(parameter.type_name)
        wrong_bool = isinstance(value, bool) and parameter.type_name in {"int", "float"}
        if expected is not None and (not isinstance(value, expected) or wrong_bool):
            raise ReportParameterError(
                f"parameter {key} of {name} expects {parameter.type_name}, got {type(value).__name__} "
                f"{value!r}; valid parameters: {_describe_all(declared)}"
            )
        if key in {"doc_id", "doc_ids"} and value:
            known = _known_doc_ids()
            unknown = [v for v in ([value] if isinstance(value, str) else value) if v not in known]
            if unknown:
                raise ReportParameterError(
                    f"parameter {key} of {name}: unknown document {unknown[0]!r}; known documents: "
                    f"{', '.join(known)}"
                )
        if _PATH_PARAMETER.match(key) and value:
            path = Path(str(value)).expanduser()
            if not path.is_file():
                raise ReportParameterError(
                    f"parameter {key} of {name}: no such file {str(value)!r} "
                    f"(expected a text file of the genre; current folder {Path.cwd()})"
                )
            value = str(path.resolve())
        checked[key] = value
    return checked


# --------------------------------------------------------------------------- slugs and paths


def report_slug(parameters: Mapping[str, Any], defaults: Mapping[str, Any] | None = None) -> str:
    """A file-name-safe slug naming a parameter set.

    Only parameters that differ from their defaults count, so a run with the
    defaults spelt out is the same report as one without. Pairs ``key-value``
    are joined by ``__``. The slug holds only ``A-Z a-z 0-9 _ -``; when a value
    had to be folded (a path, CJK text, an underscore, …) or the slug is long, a
    short hash of the exact parameters is appended. So no value can form a path,
    and different parameter sets never share a file: an unhashed slug reads
    back to exactly one parameter set (keys hold no ``-``, values no ``_``).

    Examples
    --------
    >>> report_slug({})
    'default'
    >>> report_slug({"doc_id": "gdhk-keywork-2017", "top_n": 10})
    'doc_id-gdhk-keywork-2017__top_n-10'
    >>> report_slug({"source": "../../x"}).startswith("source-x-")
    True
    """
    defaults = defaults or {}
    chosen = {k: v for k, v in sorted(parameters.items()) if k not in defaults or defaults[k] != v}
    if not chosen:
        return "default"
    pieces = []
    for key, value in chosen.items():
        text = Path(str(value)).name if _PATH_PARAMETER.match(key) else str(value)
        pieces.append(f"{key}-{text}")
    raw = "__".join(pieces)
    slug = _UNSAFE_SLUG_CHARACTERS.sub("-", raw).strip("-_") or "report"
    slug = re.sub(r"-{2,}", "-", slug)
    ambiguous = any("_" in str(v) for v in chosen.values()) or any("__" in k for k in chosen)
    if (
        slug != raw
        or ambiguous
        or len(slug) > _SLUG_MAX_LENGTH
        or any(_PATH_PARAMETER.match(k) for k in chosen)
    ):
        digest = hashlib.sha256(json.dumps(chosen, sort_keys=True, default=str).encode()).hexdigest()[:10]
        slug = f"{slug[:_SLUG_MAX_LENGTH]}-{digest}"
    return slug


def _inside(folder: Path, path: Path) -> Path:
    resolved = path.resolve()
    if not resolved.is_relative_to(folder.resolve()):
        raise ReportError(f"refusing to write {resolved}: outside the output folder {folder.resolve()}")
    return resolved


# --------------------------------------------------------------------------- HTML export


def export_html(notebook: Any, *, title: str) -> str:
    """The HTML report of an executed notebook: outputs only, self-contained, offline.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        An executed notebook.
    title : str
        The page title.

    Returns
    -------
    str
        HTML with no code cells and no prompts, images as ``data:`` URIs, and a
        Content-Security-Policy that lets the page load nothing from anywhere.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")])
    >>> page = export_html(nb, title="t")
    >>> "print(1)" in page, "<script src" in page
    (False, False)
    """
    import jinja2
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[jinja2.DictLoader({"coopstats_offline.html.j2": _OFFLINE_TEMPLATE})],
        template_file="coopstats_offline.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    # the template's stylesheets cite their sources in comments; drop comments so the page names no host
    return _STYLE_BLOCK.sub(lambda m: _CSS_COMMENT.sub("", m.group(0)), body)


def _atomic_write(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, _FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


# --------------------------------------------------------------------------- provenance and index


def _raw_documents(parameters: Mapping[str, Any]) -> dict[str, str]:
    """``{file: sha256}`` of the raw documents a report read (from the manifest).

    A ``source`` file is hashed as it is now; ``doc_id``/``doc_ids`` select
    documents of the corpus; a report given neither reads the whole corpus.

    Examples
    --------
    >>> _raw_documents({"doc_id": "gdhk-keywork-2011"})
    {'legco-cb-trade-2011.txt': '7764d13cd28b73624bf76db59f75cdd6302cabec9e1c20a6dfa2f6992d336be5'}
    """
    from coopstats._resources import data_dir

    with data_dir().joinpath("raw", "manifest.csv").open(encoding="utf-8") as handle:
        manifest = list(csv.DictReader(handle))
    read: dict[str, str] = {}
    source = parameters.get("source")
    if source:
        read[str(source)] = hashlib.sha256(Path(str(source)).read_bytes()).hexdigest()
        return read
    wanted = parameters.get("doc_id") or parameters.get("doc_ids")
    chosen = {wanted} if isinstance(wanted, str) else set(wanted or ())
    for row in manifest:
        if not chosen or row["doc_id"] in chosen:
            read[row["source_file"]] = row["sha256"]
    return read


def _read_index(output_dir: Path) -> list[dict[str, Any]]:
    path = output_dir / "index.json"
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        logger.warning("%s is not valid JSON; starting a new index", path)
        return []
    return list(data.get("reports", []))


def _record_run(output_dir: Path, record: ReportRecord) -> None:
    """Add or replace one report's entry in ``index.json`` and rewrite ``index.html``."""
    with _index_lock:
        entries = [
            e for e in _read_index(output_dir) if (e.get("name"), e.get("slug")) != (record.name, record.slug)
        ]
        previous = next(
            (
                e
                for e in _read_index(output_dir)
                if (e.get("name"), e.get("slug")) == (record.name, record.slug)
            ),
            None,
        )
        entry = asdict(record)
        if record.status != "ok" and previous is not None and previous.get("html"):
            # the last good report is still on disk: keep pointing at it
            entry["html"] = previous["html"]
            entry["last_ok"] = previous.get("last_ok") or (
                previous.get("started") if previous.get("status") == "ok" else None
            )
        elif record.status == "ok":
            entry["last_ok"] = record.started
        entries.append(entry)
        entries.sort(key=lambda e: (e["name"], e["slug"]))
        write_index(output_dir, entries)


def write_index(
    output_dir: str | os.PathLike[str], entries: Sequence[Mapping[str, Any]] | None = None
) -> Path:
    """Write ``index.json`` and ``index.html`` listing every report in ``output_dir``.

    Parameters
    ----------
    output_dir : path
        The reports folder.
    entries : sequence of mappings, optional
        The report records (default: those already in ``index.json``).

    Returns
    -------
    pathlib.Path
        The path of ``index.html``.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> write_index(folder, []).name
    'index.html'
    >>> import json; json.loads((Path(folder) / "index.json").read_text())["reports"]
    []
    """
    from coopstats import __version__

    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    rows = list(entries) if entries is not None else _read_index(folder)
    generated = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    document = {"generated": generated, "coopstats_version": __version__, "reports": rows}
    _atomic_write(folder / "index.json", json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    _atomic_write(folder / "index.html", _index_page(rows, generated))
    return folder / "index.html"


def _index_page(rows: Sequence[Mapping[str, Any]], generated: str) -> str:
    escape = html.escape
    lines = []
    for row in rows:
        params = ", ".join(f"{k}={v}" for k, v in row["parameters"].items()) or "defaults"
        link = escape(str(row["html"])) if row.get("html") else None
        title = f'<a href="{link}">{escape(row["name"])}</a>' if link else escape(row["name"])
        status = escape(row["status"])
        if row["status"] != "ok":
            status += f'<div class="error">{escape(str(row.get("error") or ""))}</div>'
            if row.get("last_ok"):
                status += f'<div class="note">showing the report of {escape(str(row["last_ok"]))}</div>'
        docs = "<br>".join(
            f"{escape(Path(f).name)} <code>{escape(h[:12])}…</code>"
            for f, h in row.get("raw_documents", {}).items()
        )
        notebook = (
            f'<br><a class="note" href="{escape(str(row["notebook"]))}">executed notebook</a>'
            if row.get("notebook")
            else ""
        )
        started = str(row["started"]).replace("T", " ").removesuffix("+00:00")
        lines.append(
            f'<tr class="{escape(row["status"])}"><td>{title}{notebook}</td><td>{escape(params)}</td>'
            f'<td>{status}</td><td class="when">{escape(started)}</td>'
            f'<td class="num">{float(row["duration_s"]):.1f}</td>'
            f"<td>{escape(str(row.get('version', '')))}</td>"
            f'<td class="docs">{docs}</td></tr>'
        )
    body = "\n".join(lines)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CONTENT_SECURITY_POLICY}">
<title>coopstats reports</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; font-size: 14px; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: top; }}
td.num {{ text-align: right; }}
tr.failed td {{ background: #fdecea; }}
.error {{ color: #a40000; font-size: 12px; max-width: 40em; }}
.note {{ color: #555; font-size: 12px; }}
code {{ font-size: 12px; }}
td.when {{ white-space: nowrap; }}
td.docs {{ font-size: 12px; white-space: nowrap; }}
</style>
</head>
<body>
<h1>coopstats reports</h1>
<p>Generated {escape(generated)} (UTC). Machine-readable: <a href="index.json">index.json</a>.</p>
<table>
<thead><tr><th>report</th><th>parameters</th><th>status</th><th>run at (UTC)</th>
<th>duration (s)</th><th>coopstats</th><th>raw documents (sha256)</th></tr></thead>
<tbody>
{body}
</tbody>
</table>
</body>
</html>
"""


# --------------------------------------------------------------------------- running


def _failure_message(name: str, exc: BaseException, kept: Path | None) -> str:
    from papermill.exceptions import PapermillExecutionError

    where = f"; the executed notebook is kept at {kept}" if kept else ""
    if isinstance(exc, PapermillExecutionError):
        first_line = next((line for line in str(exc.source).splitlines() if line.strip()), "")
        return (
            f"report {name} failed in cell {exc.cell_index} (In [{exc.exec_count}]: {first_line[:80]!r}): "
            f"{exc.ename}: {exc.evalue}{where}"
        )
    return f"report {name} failed: {type(exc).__name__}: {exc}{where}"


def run_report(
    name: str,
    parameters: Mapping[str, Any] | None = None,
    output_dir: str | os.PathLike[str] = "reports",
    *,
    timeout: float = DEFAULT_TIMEOUT,
    notebook_dir: str | os.PathLike[str] | None = None,
    from_text: bool = False,
) -> Path:
    """Execute report notebook ``name`` with papermill and write its HTML report.

    Parameters
    ----------
    name : str
        Report name (see :func:`available_reports`).
    parameters : mapping, optional
        Values for the notebook's ``parameters`` cell; checked before any kernel
        starts.
    output_dir : path, default "reports"
        Folder of the reports; the run writes ``<name>/<slug>.ipynb`` and
        ``<name>/<slug>.html`` there and updates ``index.json``/``index.html``.
    timeout : float, default DEFAULT_TIMEOUT
        Seconds all cells together may run.
    notebook_dir : path, optional
        Folder to find the notebook in (default: the package's notebooks).
    from_text : bool, default False
        Parameter values are text to convert to the declared types (the CLI).

    Returns
    -------
    pathlib.Path
        The HTML report.

    Raises
    ------
    coopstats.errors.ReportParameterError
        Before any kernel starts, for an undeclared parameter or a wrong value.
    coopstats.errors.ReportError
        The notebook raised or ran out of time: the message names the cell and
        the error. The last good report is left in place and the failed
        executed notebook is kept as ``<slug>.failed.ipynb``.

    Examples
    --------
    >>> import tempfile
    >>> out = tempfile.mkdtemp()
    >>> run_report("trade_investment", {"currency": "USD"}, out).relative_to(out).as_posix()
    'trade_investment/currency-USD.html'
    """
    record = _run_one(name, parameters, Path(output_dir), timeout, notebook_dir, from_text)
    if record.status != "ok" or record.html is None:
        kept = str(Path(output_dir) / record.notebook) if record.notebook else None
        raise ReportError(
            record.error or f"report {name} failed",
            cell_index=record.cell_index,
            ename=record.ename,
            kept_path=kept,
        )
    return Path(output_dir) / record.html


def _run_one(
    name: str,
    parameters: Mapping[str, Any] | None,
    output_dir: Path,
    timeout: float,
    notebook_dir: str | os.PathLike[str] | None,
    from_text: bool,
) -> ReportRecord:
    """Run one report and record it in the index; parameter errors raise, run failures are returned."""
    import nbformat
    import papermill
    from nbclient.exceptions import CellTimeoutError

    from coopstats import __version__

    checked = check_parameters(name, parameters, from_text=from_text, notebook_dir=notebook_dir)
    defaults = {k: p.default for k, p in report_parameters(name, notebook_dir=notebook_dir).items()}
    slug = report_slug(checked, defaults)
    folder = output_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    html_path = _inside(output_dir, folder / f"{slug}.html")
    notebook_path = _inside(output_dir, folder / f"{slug}.ipynb")
    failed_path = _inside(output_dir, folder / f"{slug}.failed.ipynb")
    handle, temporary = tempfile.mkstemp(prefix=f".{slug}.", suffix=".ipynb", dir=folder)
    os.close(handle)
    executed = Path(temporary)

    started = dt.datetime.now(dt.UTC)
    clock = time.monotonic()
    deadline = clock + timeout
    record = ReportRecord(
        name=name,
        parameters=checked,
        slug=slug,
        status="ok",
        started=started.isoformat(timespec="seconds"),
        duration_s=0.0,
        version=__version__,
        raw_documents=_raw_documents(checked),
    )
    running = {"first_line": ""}

    def _remaining(cell: Any) -> int:
        running["first_line"] = next((ln for ln in str(cell.source).splitlines() if ln.strip()), "")[:80]
        return max(1, int(deadline - time.monotonic() + 0.999))

    title = f"{name} ({', '.join(f'{k}={v}' for k, v in checked.items()) or 'defaults'})"
    logger.info("running report %s with %s", name, checked or "defaults")
    try:
        with _notebook_file(name, notebook_dir) as source:
            try:
                papermill.execute_notebook(
                    str(source),
                    str(executed),
                    parameters=checked,
                    kernel_name=KERNEL_NAME,
                    progress_bar=False,
                    cwd=str(Path.cwd()),
                    timeout_func=_remaining,
                    extra_arguments=["--IPKernelApp.log_level=ERROR"],
                )
            except CellTimeoutError as exc:
                raise ReportError(
                    f"report {name} ran out of time: the {timeout:g} s limit was reached in the cell "
                    f"starting {running['first_line']!r}"
                ) from exc
        os.chmod(executed, _FILE_MODE)
        notebook = nbformat.read(str(executed), as_version=4)
        _atomic_write(html_path, export_html(notebook, title=title))
        os.replace(executed, notebook_path)
        with contextlib.suppress(FileNotFoundError):
            failed_path.unlink()
        record.html = html_path.relative_to(output_dir.resolve()).as_posix()
        record.notebook = notebook_path.relative_to(output_dir.resolve()).as_posix()
    except Exception as exc:
        kept: Path | None = None
        if executed.exists() and executed.stat().st_size > 0:
            os.replace(executed, failed_path)
            kept = failed_path
        else:
            with contextlib.suppress(FileNotFoundError):
                executed.unlink()
        record.status = "failed"
        record.cell_index = getattr(exc, "cell_index", None)
        record.ename = getattr(exc, "ename", None) or type(exc.__cause__ or exc).__name__
        record.error = _failure_message(name, exc, kept) if not isinstance(exc, ReportError) else str(exc)
        if kept and isinstance(exc, ReportError):
            record.error += f"; the executed notebook is kept at {kept}"
        record.notebook = kept.relative_to(output_dir.resolve()).as_posix() if kept else None
        logger.error("%s", record.error)
    record.duration_s = round(time.monotonic() - clock, 2)
    _record_run(output_dir, record)
    return record


def default_grid(notebook_dir: str | os.PathLike[str] | None = None) -> list[tuple[str, dict[str, Any]]]:
    """The reports ``coopstats report --all`` runs.

    Every task-list document through ``agency_workload``, every document through
    ``document_profile``, ``trade_investment``, and ``cooperation_agenda`` when
    that notebook exists. With ``notebook_dir`` (your own notebooks): each
    notebook there once, with its defaults.

    Examples
    --------
    >>> grid = default_grid()
    >>> ("trade_investment", {}) in grid
    True
    """
    from coopstats._resources import data_dir

    if notebook_dir is not None:
        return [(name, {}) for name in available_reports(notebook_dir)]
    with data_dir().joinpath("raw", "manifest.csv").open(encoding="utf-8") as handle:
        manifest = list(csv.DictReader(handle))
    names = set(available_reports())
    grid: list[tuple[str, dict[str, Any]]] = []
    if "agency_workload" in names:
        grid += [("agency_workload", {"doc_id": r["doc_id"]}) for r in manifest if r["kind"] == "task-list"]
    if "document_profile" in names:
        grid += [("document_profile", {"doc_id": r["doc_id"]}) for r in manifest]
    grid += [(name, {}) for name in ("trade_investment", "cooperation_agenda") if name in names]
    return grid


def run_all(
    output_dir: str | os.PathLike[str] = "reports",
    *,
    jobs: int = 2,
    timeout: float = DEFAULT_TIMEOUT,
    grid: Sequence[tuple[str, Mapping[str, Any]]] | None = None,
    progress: bool = True,
    notebook_dir: str | os.PathLike[str] | None = None,
) -> list[ReportRecord]:
    """Run a grid of reports with ``jobs`` parallel workers.

    Parameters
    ----------
    output_dir : path, default "reports"
        Folder of the reports.
    jobs : int, default 2
        Notebooks run at once (each in its own kernel).
    timeout : float, default DEFAULT_TIMEOUT
        Seconds each notebook may run.
    grid : sequence of (name, parameters), optional
        The reports to run (default: :func:`default_grid`).
    progress : bool, default True
        Show a tqdm progress bar on stderr.
    notebook_dir : path, optional
        Folder to find the notebooks in.

    Returns
    -------
    list of ReportRecord
        One per report, in grid order; failures are records with
        ``status == "failed"``, not exceptions.
    """
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from tqdm import tqdm

    folder = Path(output_dir)
    todo = list(grid) if grid is not None else default_grid(notebook_dir)
    # check every parameter set before starting any kernel
    for name, parameters in todo:
        check_parameters(name, parameters, notebook_dir=notebook_dir)
    records: list[ReportRecord | None] = [None] * len(todo)
    with (
        ThreadPoolExecutor(max_workers=max(1, jobs)) as pool,
        tqdm(total=len(todo), desc="reports", unit="report", disable=not progress, file=sys.stderr) as bar,
    ):
        futures = {
            pool.submit(_run_one, name, parameters, folder, timeout, notebook_dir, False): i
            for i, (name, parameters) in enumerate(todo)
        }
        for future in as_completed(futures):
            record = future.result()
            records[futures[future]] = record
            bar.set_postfix_str(f"{record.name}/{record.slug} {record.status}")
            bar.update()
    return [r for r in records if r is not None]


def summary_table(records: Sequence[ReportRecord]) -> str:
    """A plain-text table of report runs (name, parameters, status, seconds).

    Examples
    --------
    >>> r = ReportRecord("trade_investment", {}, "default", "ok", "2026-01-01T00:00:00+00:00", 3.25)
    >>> print(summary_table([r]))
    report            parameters  status  seconds
    trade_investment  defaults    ok          3.2
    1 ok, 0 failed
    """
    rows = [
        (r.name, ", ".join(f"{k}={v}" for k, v in r.parameters.items()) or "defaults", r.status, r.duration_s)
        for r in records
    ]
    widths = [
        max([len(h), *(len(str(row[i])) for row in rows)]) for i, h in enumerate(["report", "parameters"])
    ]
    status_width = max([len("status"), *(len(row[2]) for row in rows)])
    lines = [f"{'report':{widths[0]}}  {'parameters':{widths[1]}}  {'status':{status_width}}  seconds"]
    lines += [f"{a:{widths[0]}}  {b:{widths[1]}}  {c:{status_width}}  {d:7.1f}" for a, b, c, d in rows]
    ok = sum(r.status == "ok" for r in records)
    lines.append(f"{ok} ok, {len(records) - ok} failed")
    return "\n".join(lines)


def build_reports(
    output_dir: str | os.PathLike[str] | None = None,
    *,
    jobs: int = 2,
    progress: bool = True,
    grid: Sequence[tuple[str, Mapping[str, Any]]] | None = None,
) -> list[ReportRecord]:
    """Run the default grid (``coopstats build --reports``); return the failed runs.

    ``output_dir`` defaults to ``reports/`` in a source checkout, else the user
    folder's ``reports/``. Prints the summary table and where the index is.

    Examples
    --------
    >>> import tempfile
    >>> build_reports(tempfile.mkdtemp(), grid=[("trade_investment", {})], progress=False)
    report            parameters  status  seconds
    trade_investment  defaults    ok      ...
    1 ok, 0 failed
    index: ...index.html
    []
    """
    from coopstats._resources import checkout_root, user_dir

    if output_dir is None:
        root = checkout_root()
        output_dir = root / "reports" if root is not None else user_dir() / "reports"
    records = run_all(output_dir, jobs=jobs, progress=progress, grid=grid)
    click.echo(summary_table(records))
    click.echo(f"index: {Path(output_dir) / 'index.html'}")
    return [r for r in records if r.status != "ok"]


# --------------------------------------------------------------------------- command line


def _parameters_help(name: str, notebook_dir: Path | None = None) -> str:
    declared = report_parameters(name, notebook_dir=notebook_dir)
    lines = [f"Usage: coopstats report {name} [-p KEY VALUE]... [--output-dir DIR] [--timeout S]", ""]
    lines.append(f"Parameters of {name}:")
    for p in declared.values():
        lines.append(f"  {p.name:18} {p.type_name:6} default {p.default!r:26} {p.help}")
    return "\n".join(lines)


@click.command(
    "report",
    add_help_option=False,
    context_settings={"max_content_width": 110},
    epilog="Run `coopstats report NAME --help` to list the parameters of one report.",
)
@click.argument("name", required=False)
@click.option(
    "-p",
    "--parameter",
    "parameters",
    type=(str, str),
    multiple=True,
    metavar="KEY VALUE",
    help="A notebook parameter (repeat for several); see NAME --help.",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Folder of the reports.",
)
@click.option(
    "--timeout", type=float, default=DEFAULT_TIMEOUT, show_default=True, help="Seconds per notebook."
)
@click.option("--all", "run_grid", is_flag=True, help="Run the default grid of reports.")
@click.option("--jobs", type=int, default=2, show_default=True, help="Notebooks run in parallel with --all.")
@click.option(
    "--notebook-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder of your own report notebooks (default: the ones coopstats ships).",
)
@click.option("--help", "show_help", is_flag=True, help="Show this message (or NAME's parameters) and exit.")
@click.pass_context
def report_command(
    ctx: click.Context,
    name: str | None,
    parameters: tuple[tuple[str, str], ...],
    output_dir: Path,
    timeout: float,
    run_grid: bool,
    jobs: int,
    notebook_dir: Path | None,
    show_help: bool,
) -> None:
    """Run a report notebook (or --all of them) into an HTML report.

    \b
    coopstats report agency_workload -p doc_id gdhk-keywork-2017 -p top_n 10
    coopstats report document_profile -p source my-document.txt
    coopstats report --all --jobs 2
    """
    if show_help:
        if name and not run_grid:
            try:
                click.echo(_parameters_help(name, notebook_dir))
            except ReportError as exc:
                raise click.UsageError(str(exc)) from exc
        else:
            click.echo(ctx.get_help())
        return
    if run_grid:
        if name or parameters:
            raise click.UsageError("--all runs the default grid; give no NAME or -p with it")
        records = run_all(output_dir, jobs=jobs, timeout=timeout, notebook_dir=notebook_dir)
        click.echo(summary_table(records))
        click.echo(f"index: {output_dir / 'index.html'}")
        for record in records:
            if record.status != "ok":
                click.echo(f"FAILED {record.name}/{record.slug}: {record.error}", err=True)
        if any(r.status != "ok" for r in records):
            ctx.exit(1)
        return
    if not name:
        known = ", ".join(available_reports(notebook_dir))
        raise click.UsageError(f"give a report NAME or --all; reports: {known}")
    given = dict(parameters)
    try:
        record = _run_one(name, given, output_dir, timeout, notebook_dir, True)
    except ReportError as exc:  # unknown report or bad parameter: nothing ran
        click.echo(f"error: {exc}", err=True)
        ctx.exit(2)
    if record.status != "ok":
        click.echo(f"FAILED {record.error}", err=True)
        ctx.exit(1)
    click.echo(f"wrote {output_dir / str(record.html)} ({record.duration_s:.1f} s)")
