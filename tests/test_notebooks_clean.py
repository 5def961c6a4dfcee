"""Every notebook in git is committed clean: no outputs, a kernelspec that exists, documented parameters."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat
import papermill
import pytest

ROOT = Path(__file__).parents[1]


def _notebooks_in_git() -> list[Path]:
    git = shutil.which("git")
    if git is not None and (ROOT / ".git").exists():
        listed = subprocess.run(
            [git, "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
        return [ROOT / name for name in listed]
    # an unpacked sdist has no git: the notebooks it ships are the ones committed
    return sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("tests/notebooks/*.ipynb")])


NOTEBOOKS = _notebooks_in_git()
REPORT_NOTEBOOKS = [p for p in NOTEBOOKS if p.parent == ROOT / "notebooks"]


def test_the_report_notebooks_are_committed() -> None:
    names = {p.stem for p in REPORT_NOTEBOOKS}
    assert {"getting_started", "agency_workload", "trade_investment", "document_profile"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_has_no_outputs_and_a_kernelspec(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {index} of {path.name} has outputs"
            assert cell.execution_count is None, f"cell {index} of {path.name} has an execution count"
    kernelspec = nb.metadata.get("kernelspec", {})
    assert kernelspec.get("name") == "python3"
    assert kernelspec.get("language") == "python"
    assert kernelspec.get("display_name")


def test_the_named_kernel_exists() -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    assert "python3" in KernelSpecManager().find_kernel_specs()


@pytest.mark.parametrize("path", REPORT_NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_are_typed_and_documented(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name} needs exactly one cell tagged 'parameters'"
    declared = papermill.inspect_notebook(str(path))
    assert declared, f"{path.name} declares no parameters"
    for name, info in declared.items():
        assert info["inferred_type_name"] not in {None, "None"}, f"{path.name}: {name} has no type"
        assert info["help"], f"{path.name}: {name} has no help comment"


@pytest.mark.parametrize("path", REPORT_NOTEBOOKS, ids=lambda p: p.stem)
def test_a_report_imports_only_what_it_uses(path: Path) -> None:
    """Every name a report notebook imports is used in its cells: a kernel loads nothing it won't draw.

    (``import coopstats.reports`` binds ``coopstats``, used by the check cell; matplotlib only where a
    chart is drawn: setting its ``rcParams`` is not a use.)
    """
    import ast

    nb = nbformat.read(path, as_version=4)
    trees = [ast.parse(cell.source) for cell in nb.cells if cell.cell_type == "code"]
    imported: dict[str, str] = {}
    used: set[str] = set()
    configured: set[str] = set()
    for tree in trees:
        nodes = list(ast.walk(tree))
        # setting matplotlib's rcParams is not drawing: a use only in a report that draws
        settings_only = {
            id(node.value) for node in nodes if isinstance(node, ast.Attribute) and node.attr == "rcParams"
        }
        for node in nodes:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    name = alias.asname or alias.name.split(".")[0]
                    imported[name] = ast.unparse(node)
            elif isinstance(node, ast.Name):
                (configured if id(node) in settings_only else used).add(node.id)
    if "plots" in used:  # it draws: the figure settings are used
        used |= configured
    unused = {name: line for name, line in imported.items() if name not in used}
    assert unused == {}, f"{path.name}: imported, never used: {unused}"
