"""Write the tiny notebooks the report machinery is tested with (run: python make_test_notebooks.py)."""

from pathlib import Path

import nbformat

HERE = Path(__file__).parent
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def code(source: str, tags: list[str] | None = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    if tags:
        cell.metadata["tags"] = tags
    return cell


def write(name: str, cells: list[nbformat.NotebookNode]) -> None:
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, HERE / f"{name}.ipynb")


write(
    "echo",
    [
        nbformat.v4.new_markdown_cell("# Echo\n\nA test report."),
        code(
            'message: str = "hello"  # text shown in a table\n'
            "repeat: int = 2  # rows of the table\n"
            "fail: bool = False  # raise in the last cell\n"
            "sleep: float = 0.0  # seconds to sleep\n",
            tags=["parameters"],
        ),
        code(
            "import time\n\nimport pandas as pd\n\n"
            "time.sleep(sleep)\n"
            'pd.DataFrame({"row": range(repeat), "message": [message] * repeat})'
        ),
        code('SECRET_CODE_MARKER = 1\nif fail:\n    raise RuntimeError("asked to fail")\nprint("done")'),
    ],
)
