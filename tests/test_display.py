"""Results and figures in Jupyter: the MIME types each produces, short reprs, readable prints, no window.

IPython's own DisplayFormatter decides what a notebook shows for an object (the
same code a kernel runs for the last expression of a cell and for ``display()``),
so the tests ask it.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from IPython.core.formatters import DisplayFormatter

import nnlearn
from nnlearn import display, plots, sweep
from nnlearn.gradcheck import debug_problem
from nnlearn.report.result import ReportPath

PNG = b"\x89PNG\r\n\x1a\n"


def shown(obj):
    """The MIME bundle a notebook gets for ``obj`` (type -> data)."""
    data, _ = DisplayFormatter().format(obj)
    return data


@pytest.fixture(scope="module")
def spirals():
    return nnlearn.datasets.make_spirals(n_per_class=60, random_state=0)


def _figures(spirals):
    X, y = spirals
    rng = np.random.default_rng(0)
    images = rng.random((12, 64))
    return {
        "digits_grid": lambda ax=None: plots.digits_grid(images, n=9, random_state=0, order="C", ax=ax),
        "hidden_units": lambda ax=None: plots.hidden_units(rng.normal(size=(4, 65)), order="C", ax=ax),
        "learning_curve": lambda ax=None: plots.learning_curve([3.0, 2.0, 1.5], ax=ax),
        "decision_boundary": lambda ax=None: plots.decision_boundary(lambda P: (P[:, 0] > 0).astype(int), X, y,
                                                                      resolution=20, ax=ax),
        "confusion_matrix": lambda ax=None: plots.confusion_matrix(y, y[::-1], ax=ax),
        "misclassified": lambda ax=None: plots.misclassified(images, np.arange(12) % 3, np.zeros(12, int),
                                                             order="C", ax=ax),
        "sweep_heatmap": lambda ax=None: plots.sweep_heatmap(
            [{"alpha": a, "max_iter": i, "train_accuracy": a + i / 100} for a in (0, 1) for i in (5, 10)], ax=ax),
    }


# -- figures --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["digits_grid", "hidden_units", "learning_curve", "decision_boundary",
                                  "confusion_matrix", "misclassified", "sweep_heatmap"])
def test_every_plot_shows_as_a_png_with_no_magic(name, spirals):
    figure = _figures(spirals)[name]()
    data = shown(figure)
    assert set(data) == {"text/plain", "image/png"}
    assert data["image/png"].startswith(PNG)
    assert figure.figure_.axes and figure.ax_ in figure.figure_.axes
    assert data["text/plain"].startswith(f"<{type(figure).__name__}")
    assert len(data["text/plain"]) < 100


def test_a_figure_that_pyplot_manages_is_left_to_pyplot(spirals):
    """With ax= from plt.subplots, pyplot's backend shows the figure: the Display adds no second picture."""
    import matplotlib

    matplotlib.use("Agg")  # headless; a notebook's inline backend shows such figures at the end of the cell
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    try:
        figure = _figures(spirals)["learning_curve"](ax=ax)
        assert figure.figure_ is fig and display.managed_by_pyplot(fig)
        assert set(shown(figure)) == {"text/plain"}
        assert figure.to_png().startswith(PNG)  # still available on request
    finally:
        plt.close(fig)


def test_display_keeps_the_old_figure_interface(tmp_path, spirals):
    """report, the sweep CLI and user code called savefig and .axes on what plots returned: both still work."""
    figure = _figures(spirals)["sweep_heatmap"]()
    figure.savefig(tmp_path / "heatmap.png", dpi=40)
    assert (tmp_path / "heatmap.png").read_bytes().startswith(PNG)
    assert figure.axes == figure.figure_.axes and len(figure.axes) == 2  # the heatmap and its colorbar
    again = figure.plot(ax=None)  # a Display draws again on a new figure
    assert again is figure and figure.figure_ is not None


def test_no_window_and_no_pyplot_in_a_headless_run():
    """Every plot and its PNG in a fresh process: pyplot is never imported, so no backend, no window."""
    code = (
        "import sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "import nnlearn\n"
        "from test_display import _figures\n"
        "for make in _figures(nnlearn.datasets.make_spirals(n_per_class=30, random_state=0)).values():\n"
        "    assert make()._repr_png_().startswith(b'\\x89PNG')\n"
        "import matplotlib\n"
        "print('matplotlib.pyplot' in sys.modules, matplotlib.get_backend().lower())\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND"}}
    out = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent)], capture_output=True, text=True,
                         env=env, check=True)
    pyplot_imported, backend = out.stdout.split()
    assert pyplot_imported == "False" and backend == "agg"


# -- results ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def long_result():
    net, theta, X, y = debug_problem()
    return nnlearn.train(net, theta, X, y, method="gd", learning_rate=0.5, max_iter=3000)


def test_train_result_repr_is_one_short_line_and_html_has_a_sparkline(long_result):
    result = long_result
    text = repr(result)
    assert text.startswith("TrainResult(method='gd', n_iter=3000, n_evaluations=3001, cost=")
    assert "\n" not in text and len(text) < 200  # 3001 costs in the history, none of them printed
    assert f"cost={result.cost_history[0]:.6g} -> {result.cost_history[-1]:.6g}" in text
    lines = str(result).splitlines()
    assert lines[0].startswith("gd: 3000 iterations, 3001 evaluations") and lines[2] == "stopped: reached max_iter=3000"
    data = shown(result)
    assert set(data) == {"text/plain", "text/html"}
    html = data["text/html"]
    assert "<svg" in html and "<polyline" in html and "<script" not in html
    assert f"{result.cost_history[0]:.6f} → {result.cost_history[-1]:.6f}" in html
    points = html.split('points="')[1].split('"')[0].split()
    assert 2 <= len(points) <= 320 and len(html) < 12_000  # sampled, not 3001 points


def test_sparkline_points_follow_the_values():
    svg = display.sparkline_svg([4.0, 2.0, 1.0, np.nan, 0.0], width=100, height=20)
    points = [tuple(map(float, p.split(","))) for p in svg.split('points="')[1].split('"')[0].split()]
    assert [x for x, _ in points] == [2.0, 26.0, 50.0, 98.0]  # the NaN (index 3) is skipped
    assert points[0][1] == 2.0 and points[-1][1] == 18.0  # the largest value on top, the smallest at the bottom
    assert 'points="2.0,10.0 98.0,10.0"' in display.sparkline_svg([1.0, 1.0], width=100, height=20)  # a flat history is a line across the middle


def test_gradient_check_repr_print_and_html():
    net, theta, X, y = debug_problem()
    check = nnlearn.gradient_check(net, theta, X, y, alpha=3.0)
    text = repr(check)
    assert text.startswith("GradientCheck(relative_difference=") and "passed=True" in text and len(text) < 160
    assert "[" not in text.split("layer_sizes")[0]  # no array in it
    printed = str(check)
    assert "Theta[0] 5x4" in printed and printed.splitlines()[-1] == "PASS: relative difference < 1e-09"
    html = shown(check)["text/html"]
    assert ">PASS<" in html and "Θ(1)" in html and "5×4" in html and "3×6" in html
    failed = nnlearn.gradient_check(net, theta, X, y, threshold=1e-20)
    assert not failed.passed and ">FAIL<" in shown(failed)["text/html"]
    assert str(failed).splitlines()[-1] == "FAIL: relative difference >= 1e-20"


def test_network_html_has_sizes_parameters_and_a_diagram():
    net = nnlearn.Network([400, 25, 10])
    data = shown(net)
    assert data["text/plain"] == "Network(layer_sizes=[400, 25, 10], activation='sigmoid', output='sigmoid')"
    html = data["text/html"]
    assert "400-25-10" in html and "10,285 (25×401, 10×26)" in html and "<svg" in html
    assert html.count("<circle") == 6 + 6 + 6 - 3  # 6 drawn per layer, a "⋮" instead of one in each
    assert "no hidden layer" in shown(nnlearn.Network([4, 3], output="softmax"))["text/html"]


@pytest.fixture(scope="module")
def sweep_results():
    return sweep.run({"alpha": [0.0, 1.0], "max_iter": [2, 5]}, "spirals", progress=False)


def test_sweep_results_repr_print_and_html(sweep_results):
    results = sweep_results
    text = repr(results)
    assert text.startswith("<SweepResults: 4 runs over alpha x max_iter; best train accuracy ")
    assert "{" not in text and len(text) < 160
    best = results.best()
    assert text.endswith(f"at {results.describe(best)}>")
    printed = str(results).splitlines()
    assert printed[:-1] == results.table().splitlines() and printed[-1].startswith("best train accuracy")
    html = shown(results)["text/html"]
    assert html.count("<tr>") == 4 + 1 + 4  # summary rows, header, one row per run
    best_row = [row for row in html.split("<tr>") if "font-weight: bold" in row and "<td" in row]
    assert len(best_row) == 1 and f"{100 * best['train_accuracy']:.2f}" in best_row[0]


def test_sweep_results_to_pandas(sweep_results):
    pandas = pytest.importorskip("pandas")
    frame = sweep_results.to_pandas()
    assert isinstance(frame, pandas.DataFrame) and len(frame) == 4
    assert frame["alpha"].tolist() == [0.0, 0.0, 1.0, 1.0] and frame["max_iter"].tolist() == [2, 5, 2, 5]
    assert "thetas" not in frame.columns and frame["hidden_layer_sizes"].tolist() == [(25,)] * 4
    assert frame["train_accuracy"].tolist() == [r["train_accuracy"] for r in sweep_results]


def test_sweep_results_to_pandas_without_pandas(sweep_results, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas raises ImportError
    with pytest.raises(ImportError, match=r"^SweepResults.to_pandas needs pandas, which is not installed: "
                                          r"pip install pandas\."):
        sweep_results.to_pandas()


def test_report_path_is_a_path_and_shows_the_page(tmp_path):
    page = tmp_path / "index.html"
    page.write_text('<html><body><h1>"A" & <b>B</b></h1></body></html>', encoding="utf-8")
    path = ReportPath(page)
    assert isinstance(path, Path) and os.fspath(path) == str(page) and path.read_text(encoding="utf-8")
    assert path.resolve().as_uri() == page.resolve().as_uri()
    html = shown(path)["text/html"]
    assert html.startswith('<iframe srcdoc="&lt;html&gt;&lt;body&gt;&lt;h1&gt;&quot;A&quot; &amp; ')
    assert 'sandbox=""' in html and "<script" not in html
    assert "text/html" not in shown(path.parent)  # a derived path that is no page shows as text
    page.unlink()
    assert "text/html" not in shown(path)


def test_a_display_checks_the_axes_it_is_given(spirals):
    figure = _figures(spirals)["confusion_matrix"]()
    with pytest.raises(TypeError, match=r"^The 'ax' parameter of ConfusionMatrixDisplay.plot must be a matplotlib "
                                        r"Axes or None\. Got 'left' instead\.$"):
        figure.plot(ax="left")


def test_format_columns_checks_the_variant():
    check = nnlearn.gradient_check(*debug_problem())
    with pytest.raises(ValueError, match=r"^The 'variant' parameter of GradientCheck.format_columns must be a str "
                                         r"among \['python', 'octave'\]\. Got 'C' instead\.$"):
        check.format_columns("C")
