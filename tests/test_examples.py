"""The example notebooks run, top to bottom, in a fresh kernel, as CI runs them.

Each notebook in examples/ is executed by nbclient on an IPython kernel of this
Python (the one running the tests, so the nnlearn under test): any error fails;
every cell tagged "figure" must show an image (image/png) without any
``%matplotlib`` magic; no cell may print a warning. The notebooks are committed
without outputs: a test checks that too.
"""

import os
import re
import sys
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import default

from conftest import EX4WEIGHTS

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))
# A warning shown in a cell: "...: UserWarning: ..." (or any other *Warning class) on stderr.
WARNING = re.compile(r"\b\w*Warning\b")


class ThisPythonKernel(AsyncKernelManager):
    """The IPython kernel of this Python (ipykernel's own kernelspec): no user-installed kernelspec can redirect it."""

    @default("kernel_spec_manager")
    def _this_python(self):
        return KernelSpecManager(kernel_dirs=[], ensure_native_kernel=True)


def execute(nb, env=None):
    """Run every cell of ``nb`` in examples/ as the working directory; returns the seconds it took."""
    saved = dict(os.environ)
    os.environ.update(env or {})
    try:
        start = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3", kernel_manager_class=ThisPythonKernel,
                       resources={"metadata": {"path": str(EXAMPLES)}}).execute()
        return time.perf_counter() - start
    finally:
        os.environ.clear()
        os.environ.update(saved)


def streams(cell, name):
    return "".join(out.get("text", "") for out in cell.get("outputs", []) if out.output_type == "stream"
                   and out.name == name)


def test_there_are_notebooks_and_they_are_committed_without_outputs():
    assert {p.name for p in NOTEBOOKS} >= {"ex4_neural_networks_learning.ipynb", "planar_classification.ipynb"}
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: outputs committed"
        code = [cell.source for cell in nb.cells if cell.cell_type == "code"]
        assert not any("%matplotlib" in source or "%config" in source for source in code), f"{path.name}: magic"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_shows_its_figures_and_warns_of_nothing(path):
    nb = nbformat.read(path, as_version=4)
    env = {"NNLEARN_EX4WEIGHTS": str(EX4WEIGHTS)} if EX4WEIGHTS.is_file() else {}
    seconds = execute(nb, env)
    figures = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        where = f"{path.name}, cell {i}: {cell.source.splitlines()[0]!r}"
        if "figure" in cell.metadata.get("tags", []):
            figures += 1
            assert any("image/png" in out.get("data", {}) for out in cell.outputs), f"{where} shows no image"
        warned = WARNING.search(streams(cell, "stderr"))
        assert warned is None, f"{where} printed a warning: {streams(cell, 'stderr')[:300]}"
    assert figures >= 4
    print(f"{path.name}: {seconds:.1f} s")  # shown with pytest -s: the budget is a minute or two per notebook


def test_ex4_notebook_goes_on_without_the_weights_file(tmp_path):
    """The cells that use ex4weights.mat say it is missing and go on (the first sections only: no training)."""
    nb = nbformat.read(EXAMPLES / "ex4_neural_networks_learning.ipynb", as_version=4)
    last = next(i for i, cell in enumerate(nb.cells) if "sigmoid_gradient" in cell.source)
    nb.cells = nb.cells[: last + 1]
    execute(nb, {"NNLEARN_EX4WEIGHTS": str(tmp_path / "missing.mat")})
    out = "".join(streams(cell, "stdout") for cell in nb.cells if cell.cell_type == "code")
    assert "ex4weights.mat not found" in out and "Cost at parameters" not in out
    assert "0.25" in out  # the sigmoid gradient at 0 still printed


def test_the_kernel_is_this_python():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys, nnlearn; print(sys.executable); "
                                                                    "print(nnlearn.__file__)")])
    execute(nb)
    executable, module = streams(nb.cells[0], "stdout").split()
    assert Path(executable).resolve() == Path(sys.executable).resolve()
    assert Path(module).resolve() == Path(__import__("nnlearn").__file__).resolve()


def test_the_readmes_example_runs_without_warnings():
    """The README's "Using it" code, on the bundled digits, with every warning an error."""
    import warnings

    from nnlearn.datasets import load_digits20

    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Using it\n", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    X, y = load_digits20()
    namespace = {"X": X, "y": y}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["clf"].n_iter_ == 50 and namespace["result"].n_iter == 50
