"""HTML of the reports: an executed notebook as an offline page, and the index page.

Both pages are Jinja2 templates shipped with the package in
``coopstats/reports/templates/``: ``report.html.j2`` extends nbconvert's
``lab`` template, ``index.html.j2`` lists the runs (autoescaped). Neither page
may load anything: a Content-Security-Policy allows only inline styles and
``data:`` images.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

__all__ = ["CONTENT_SECURITY_POLICY", "atomic_write", "export_html", "index_page"]

#: The only things a report page may load: inline styles and images inside the page.
CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"

#: ``<html lang>`` of a report language.
HTML_LANG = {"en": "en", "zh": "zh"}  # ISO 639-1, as nbconvert checks

FILE_MODE = 0o644  # reports are for reading by anyone (mkstemp creates 0600)

_STYLE_BLOCK = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)  # an inline stylesheet
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)  # a /* comment */ inside it


@cache
def _template_source(name: str) -> str:
    return files("coopstats.reports").joinpath("templates", name).read_text(encoding="utf-8")


def export_html(notebook: Any, *, title: str, lang: str = "en") -> str:
    """The HTML report of an executed notebook: outputs only, self-contained, offline.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        An executed notebook.
    title : str
        The page title.
    lang : {"en", "zh"}, default "en"
        The page's language (``<html lang>``).

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
        extra_loaders=[jinja2.DictLoader({"coopstats_report.html.j2": _template_source("report.html.j2")})],
        template_file="coopstats_report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code=HTML_LANG.get(lang, lang),
    )
    resources = {
        "metadata": {"name": title},
        "coopstats_csp": CONTENT_SECURITY_POLICY,
    }
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    # the template's stylesheets cite their sources in comments; drop comments so the page names no host
    return _STYLE_BLOCK.sub(lambda m: _CSS_COMMENT.sub("", m.group(0)), body)


def index_page(rows: Sequence[Mapping[str, Any]], generated: str, lang: str = "en") -> str:
    """The index page listing report runs (the entries of ``index.json``), in ``lang``.

    Headings come from the message catalogue (``index.*``); the page links its
    edition in the other language (``index.html`` ↔ ``index.zh.html``).

    Examples
    --------
    >>> row = {"name": "<x>", "parameters": {"top_n": 3}, "status": "ok", "html": "x/top_n-3.html",
    ...        "started": "2026-01-01T02:30:00+00:00", "duration_s": 1.0, "raw_documents": {}}
    >>> page = index_page([row], "2026-01-01T02:31:00+00:00")
    >>> '<a href="x/top_n-3.html">&lt;x&gt;</a>' in page, "top_n=3" in page, "2026-01-01 02:30:00" in page
    (True, True, True)
    """
    import jinja2

    from coopstats import messages

    environment = jinja2.Environment(autoescape=True, keep_trailing_newline=True)
    template = environment.from_string(_template_source("index.html.j2"))
    shown = [
        {
            **row,
            "parameters_text": ", ".join(f"{k}={v}" for k, v in row["parameters"].items())
            or messages.t("index.defaults", lang),
            "status_text": messages.label("index.status", row["status"], lang),
            "started_text": str(row["started"]).replace("T", " ").removesuffix("+00:00"),
            "duration_s": float(row["duration_s"]),
            "version": row.get("version", ""),
            "raw_documents": [(Path(f).name, h[:12]) for f, h in row.get("raw_documents", {}).items()],
        }
        for row in rows
    ]
    texts = {
        key.removeprefix("index."): texts[lang]
        for key, texts in messages.catalogue().items()
        if key.startswith("index.")
    }
    return template.render(
        rows=shown,
        generated=generated,
        csp=CONTENT_SECURITY_POLICY,
        t=texts,
        html_lang=HTML_LANG.get(lang, lang),
        other_index=INDEX_PAGES["zh" if lang == "en" else "en"],
        generated_text=messages.t("index.generated", lang, generated=generated),
        showing=lambda when: messages.t("index.showing_report_of", lang, when=when),
    )


#: The index page of each language.
INDEX_PAGES = {"en": "index.html", "zh": "index.zh.html"}


def atomic_write(path: Path, text: str) -> None:
    """Write a report file in one step, readable by anyone (:func:`coopstats._resources.atomic_write`)."""
    from coopstats._resources import atomic_write as write

    write(path, text, mode=FILE_MODE)


def utc_now() -> str:
    """The time now, UTC, to the second, ISO 8601."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
