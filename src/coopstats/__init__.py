"""coopstats: tidy frames from Guangdong–Hong Kong–Macau and Pan-PRD cooperation documents.

>>> import coopstats as cs
>>> tasks = cs.tasks("gdhk-keywork-2017")  # doctest: +SKIP

Public names are loaded on first use, so ``import coopstats`` stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it (no module may share a public name: importing
# coopstats.<module> would replace the function of that name in this namespace: cs.panel lives in
# coopstats.panels for that reason)
_EXPORTS: dict[str, str] = {
    "add": "coopstats.collection",
    "agencies": "coopstats.agency_resolution",
    "assignments": "coopstats.frames",
    "compare_themes": "coopstats.agenda",
    "concentration": "coopstats.agenda",
    "convert": "coopstats.trade_indicators",
    "derived_indicators": "coopstats.trade_indicators",
    "documents": "coopstats.frames",
    "extract_figures": "coopstats.figure_extraction",
    "figures": "coopstats.frames",
    "indicators": "coopstats.trade_indicators",
    "panel": "coopstats.frames",
    "parse_document": "coopstats.frames",
    "parse_documents": "coopstats.batch",
    "parse_notes": "coopstats.frames",
    "ParsedDocument": "coopstats.frames",
    "persistence": "coopstats.agenda",
    "project_mentions": "coopstats.agenda",
    "projects": "coopstats.agenda",
    "remove": "coopstats.collection",
    "provisions": "coopstats.frames",
    "resolve_agencies": "coopstats.agency_resolution",
    "run_report": "coopstats.reports",
    "search": "coopstats.agenda",
    "source_text": "coopstats.frames",
    "tasks": "coopstats.frames",
    "theme_shares": "coopstats.agenda",
    "to_wide": "coopstats.panels",
    "workload": "coopstats.analysis",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'coopstats' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
