"""The pipeline's modules import one way: no stage imports a later one (lazy imports included).

Run alone with ``python -m pytest tests/test_structure.py``; README's "Changing coopstats" says
where a new module goes.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "coopstats"

# Stage of every module, in pipeline order. A module may import modules of its own stage or an
# earlier one. Packages (a folder with __init__.py) count as one module.
STAGES: dict[str, int] = {
    # foundations: errors, where files are, the vocabulary
    "__init__": 0, "errors": 0, "_resources": 0, "vocabulary": 1, "schemas": 1, "messages": 1,
    # corpus → readers → text
    "text": 2, "corpus": 3, "readers": 3,
    # outline → clauses / agencies / figures / themes
    "outline": 4, "clauses": 4,
    "agency_resolution": 5, "figure_extraction": 5, "periods": 5, "tables": 5, "themes": 5,
    # frames: settings, cache, the public frames
    "settings": 6, "cache": 6, "frames": 7, "panels": 7,
    # analysis → plots → reports, then the edges
    "analysis": 8, "agenda": 8, "trade_indicators": 8, "panel": 8, "collection": 8, "batch": 8,
    "plots": 9, "display": 9,
    "reports": 10,
    "export": 11, "validation": 11, "cli": 12,
}  # fmt: skip


def _modules() -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for path in PACKAGE.glob("*.py"):
        found[path.stem] = [path]
    for folder in PACKAGE.iterdir():
        if (folder / "__init__.py").is_file():
            found[folder.name] = sorted(folder.rglob("*.py"))
    return found


def _imports(paths: list[Path]) -> set[str]:
    """coopstats modules imported anywhere in the files (top level or inside functions)."""
    names: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                parts = node.module.split(".")
                if parts[0] != "coopstats":
                    continue
                if len(parts) > 1:
                    names.add(parts[1])
                else:
                    names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if parts[0] == "coopstats" and len(parts) > 1:
                        names.add(parts[1])
    return names


def test_every_module_has_a_declared_stage():
    undeclared = sorted(set(_modules()) - set(STAGES))
    assert not undeclared, f"declare the stage of {undeclared} in STAGES (tests/test_structure.py)"


@pytest.mark.parametrize("module", sorted(_modules()))
def test_no_module_imports_a_later_stage(module):
    if module not in STAGES:
        pytest.fail(f"{module} has no declared stage")
    later = sorted(
        name
        for name in _imports(_modules()[module])
        if name in STAGES and STAGES[name] > STAGES[module] and name != module
    )
    assert not later, f"{module} (stage {STAGES[module]}) imports later stages: {later}"
