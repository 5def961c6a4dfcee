"""Reports: parameterised notebooks run by papermill into self-contained HTML.

A report is a notebook of ``notebooks/`` (shipped inside the package). Its cell
tagged ``parameters`` declares, one per line, ``name: type = default  # help``;
its notebook metadata ``coopstats`` declares the values each parameter may
take and its runs in ``coopstats report --all`` (see
:mod:`coopstats.reports.parameters`). Every value is checked against those
declarations before any kernel starts, and again by the cell right after the
``parameters`` cell, so a run through plain papermill refuses the same values.

The stages, one module each:

- :mod:`~coopstats.reports.parameters`: declarations, the checks, the grid;
- :mod:`~coopstats.reports.run`: one run, a grid of runs, progress;
- :mod:`~coopstats.reports.render`: the HTML pages (Jinja2 templates in ``templates/``);
- :mod:`~coopstats.reports.index`: slugs, ``index.json``/``index.html``, pruning.

The ``coopstats report`` command (``report_command``) is in :mod:`coopstats.cli`.

Examples
--------
>>> from coopstats import reports
>>> reports.check_parameters("trade_investment", {"currency": "EUR"})
Traceback (most recent call last):
...
coopstats.errors.ReportParameterError: parameter currency of trade_investment: 'EUR' is not one of HKD, ...
"""

from __future__ import annotations

from coopstats.reports.index import (
    PruneResult,
    ReportRecord,
    prune_index,
    read_index,
    report_slug,
    write_index,
)
from coopstats.reports.parameters import (
    DOCUMENT_SUFFIXES,
    ReportParameter,
    ReportSpec,
    available_reports,
    check_namespace,
    check_parameters,
    default_grid,
    report_parameters,
    report_spec,
    resolve_choices,
)
from coopstats.reports.render import export_html
from coopstats.reports.run import (
    DEFAULT_TIMEOUT,
    PROGRESS_MODES,
    build_reports,
    run_all,
    run_report,
    summary_table,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "DOCUMENT_SUFFIXES",
    "PROGRESS_MODES",
    "PruneResult",
    "ReportParameter",
    "ReportRecord",
    "ReportSpec",
    "available_reports",
    "build_reports",
    "check_namespace",
    "check_parameters",
    "default_grid",
    "export_html",
    "prune_index",
    "read_index",
    "report_parameters",
    "report_slug",
    "report_spec",
    "resolve_choices",
    "run_all",
    "run_report",
    "summary_table",
    "write_index",
]
