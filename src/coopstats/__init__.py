"""coopstats: tidy frames from Guangdong–Hong Kong–Macau and Pan-PRD cooperation documents.

>>> import coopstats as cs
>>> tasks = cs.tasks("gdhk-keywork-2017")  # doctest: +SKIP

Public names are loaded on first use, so ``import coopstats`` stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "ParsedDocument": "coopstats.frames",
    "agencies": "coopstats.agency_resolution",
    "resolve_agencies": "coopstats.agency_resolution",
    "workload": "coopstats.analysis",
    "assignments": "coopstats.frames",
    "convert": "coopstats.trade_indicators",
    "derived_indicators": "coopstats.trade_indicators",
    "extract_figures": "coopstats.figure_extraction",
    "indicators": "coopstats.trade_indicators",
    "documents": "coopstats.frames",
    "figures": "coopstats.frames",
    "parse_document": "coopstats.frames",
    "parse_notes": "coopstats.frames",
    "provisions": "coopstats.frames",
    "source_text": "coopstats.frames",
    "tasks": "coopstats.frames",
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
