"""Tests for nnlearn.report and ``nnlearn report``: the page, its numbers, its figures, its failures.

One quick report is built once per module through the command line (``--quick --max-iter 10``)
and shared by the tests that read it; a headless Chromium opens it from disk.
"""

import base64
import contextlib
import io
import os
import re
import shutil
import struct
import subprocess
import sys
import warnings
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from nnlearn import _atomic, report
from nnlearn.cli import main
from nnlearn.datasets import load_digits20, load_ex4_weights
from nnlearn.network import Network
from nnlearn.report.context import _Context
from nnlearn.report.data import _split
from nnlearn.report.figures import _architecture_figure, _cost_figure, _gradcheck_figure, _sigmoid_figure
from nnlearn.report.html import _p, _table
from nnlearn.report.page import _command_line
from nnlearn.report.progress import _Stages
from nnlearn.report.sections import _section_cost, _section_data, _section_model

from conftest import EX4WEIGHTS

CHROMIUM = Path("/usr/bin/chromium")
MAX_ITER = 10


class _Page(HTMLParser):
    """Collects h2 headings, img sources, scripts, links and every attribute holding a URL."""

    def __init__(self):
        super().__init__()
        self.h2, self.images, self.urls, self.tags = [], [], [], []
        self._in_h2 = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "h2":
            self._in_h2 = True
            self.h2.append("")
        if tag == "img":
            self.images.append(attrs)
        for name in ("src", "href"):
            if name in attrs:
                self.urls.append(attrs[name])

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        if self._in_h2:
            self.h2[-1] += data


def _parse(text):
    page = _Page()
    page.feed(text)
    return page


def _number(text, name):
    """The bold value after ``<dt>name</dt>`` in the page's definition lists."""
    match = re.search(rf"<dt>{re.escape(name)}</dt><dd><b>([^<]*)</b>", text)
    assert match, f"no {name!r} in the page"
    return match.group(1)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """``(path, html, stdout, stderr, with_weights)`` of one quick report made by ``nnlearn report``."""
    out = tmp_path_factory.mktemp("report") / "out"
    argv = ["report", "--quick", "--max-iter", str(MAX_ITER), "--out", str(out), "--seed", "0"]
    with_weights = EX4WEIGHTS.is_file()
    if with_weights:
        argv += ["--weights", str(EX4WEIGHTS)]
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main(argv)
    assert status == 0, stderr.getvalue()
    path = out / "index.html"
    return path, path.read_text(encoding="utf-8"), stdout.getvalue(), stderr.getvalue(), with_weights


# -- the command and the file ------------------------------------------------------------------------------


def test_cli_writes_only_index_html_and_names_it(built):
    path, _, stdout, _, _ = built
    assert sorted(p.name for p in path.parent.iterdir()) == ["index.html"]  # no temporary files left
    assert f"report       {path}" in stdout
    assert path.resolve().as_uri() in stdout


def test_cli_shows_one_progress_bar_per_section_on_stderr(built):
    stderr = built[3]
    for i, title in enumerate(report.SECTION_TITLES, start=1):
        assert f"[{i}/{len(report.SECTION_TITLES)}] {title.split('. ', 1)[1]}" in stderr
    assert f"{MAX_ITER}/{MAX_ITER}" in stderr  # the training bar counts iterations


def test_page_has_every_section_heading_in_order(built):
    page = _parse(built[1])
    assert [h.strip() for h in page.h2] == list(report.SECTION_TITLES)


def test_page_is_self_contained(built):
    text = built[1]
    page = _parse(text)
    assert "script" not in page.tags and "link" not in page.tags and "iframe" not in page.tags
    assert not re.search(r"url\(", text)  # no CSS fetches
    for url in page.urls:
        assert url.startswith("#") or url.startswith("data:image/png;base64,"), url[:80]
    # 10 sections: data 1, model 1, cost 1, sigmoid 1, gradcheck 1, training 1, hidden 1 (+1 with weights),
    # experiments 2 heatmaps + 1 hidden-unit grid, planar 2, confusion 2.
    assert len(page.images) == 14 + (1 if built[4] else 0)
    for image in page.images:
        png = base64.b64decode(image["src"].split(",", 1)[1], validate=True)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
        assert width > 50 and height > 50
        assert image["alt"]


# -- the numbers on the page are the library's --------------------------------------------------------------


def test_sigmoid_gradient_values(built):
    text = built[1]
    for z, value in [("-1", "0.196612"), ("-0.5", "0.235004"), ("0", "0.250000"), ("0.5", "0.235004"), ("1", "0.196612")]:
        assert re.search(rf"<th>{re.escape(z)}</th><td class=\"num\">[0-9.]+</td><td class=\"num\">{value}</td>", text)


def test_gradient_check_passes_on_the_page(built):
    text = built[1]
    for alpha in ("0", "3"):
        assert float(_number(text, f"relative difference (λ = {alpha})")) < 1e-9


def test_model_and_data_numbers(built):
    text = built[1]
    assert _number(text, "layer sizes") == "400-25-10"
    assert _number(text, "parameters") == str(Network([400, 25, 10]).n_params) == "10285"
    assert _number(text, "split") == "4000 training / 1000 held-out"
    for digit in range(10):
        assert f"<th>{digit}</th><td class=\"num\">500</td><td class=\"num\">400</td><td class=\"num\">100</td>" in text


def test_cost_section_matches_the_pretrained_weights(built):
    if not built[4]:
        pytest.skip(f"the course's ex4weights.mat is not at {EX4WEIGHTS}")
    text = built[1]
    X, y = load_digits20()
    net = Network([400, 25, 10])
    theta = net.pack(load_ex4_weights(EX4WEIGHTS))
    for alpha in (0, 1, 3):
        J = net.cost(theta, X, y, alpha=alpha)
        assert f"<th>{alpha}</th><td class=\"num\">{J:.6f}</td>" in text
    accuracy = np.mean(net.predict(theta, X) == y)
    assert _number(text, "accuracy") == f"{100 * accuracy:.2f}%"
    assert "0.287629" in text and "0.383770" in text  # the course's reference values, quoted for comparison


def test_training_numbers_match_an_independent_fit(built):
    """The same split, initial weights and optimizer through MLPClassifier give the page's accuracies."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split

    from nnlearn import MLPClassifier

    text = built[1]
    X, y = load_digits20()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier(hidden_layer_sizes=(25,), alpha=1.0, solver="CG", max_iter=MAX_ITER, random_state=0)
        clf.fit(X_train, y_train)
    assert _number(text, "training accuracy") == f"{100 * clf.score(X_train, y_train):.2f}%"
    assert _number(text, "held-out accuracy") == f"{100 * clf.score(X_test, y_test):.2f}%"
    assert _number(text, "cost") == f"{clf.loss_curve_[0]:.4f} → {clf.loss_curve_[-1]:.4f}"
    assert _number(text, "optimizer").startswith(f"CG, {MAX_ITER} iterations")
    mistakes = int(np.sum(clf.predict(X_test) != y_test))
    assert _number(text, "mistakes") == f"{mistakes} of 1000"


def test_experiment_table_has_one_row_per_cell_of_the_quick_grid(built):
    text = built[1]
    section = text.split("<h2>8. ", 1)[1].split("<h2>9. ", 1)[0]
    table = section.split("Every run of the grid", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><th>([^<]*)</th><td class=\"num\">(\d+)</td>", table)
    grid = report.QUICK_GRID
    assert rows == [(f"{a:g}", str(it)) for a in grid["alpha"] for it in grid["max_iter"]]
    # every accuracy is a percentage between 0 and 100
    for value in re.findall(r"(\d+\.\d\d)%", table):
        assert 0 <= float(value) <= 100


def test_planar_section_network_beats_logistic_regression(built):
    text = built[1]
    section = text.split("<h2>9. ", 1)[1].split("<h2>10. ", 1)[0]
    logistic = float(re.search(r"<th>logistic regression</th><td class=\"num\">-</td><td class=\"num\">([\d.]+)%", section).group(1))
    four = float(re.search(r"<th>4 hidden units</th><td class=\"num\">\d+</td><td class=\"num\">([\d.]+)%", section).group(1))
    assert logistic < 80 and four > 95  # a line cannot separate the spiral arms; 4 tanh units can
    for h in report.PLANAR_HIDDEN_SIZES:
        assert f"<th>{h} hidden unit{'s' if h > 1 else ''}</th>" in section


# -- the page in a browser ----------------------------------------------------------------------------------


def test_page_opens_in_headless_chromium(built):
    if not CHROMIUM.is_file():
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    path = built[0]
    errors, requests = [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        try:
            page = browser.new_page()
            page.on("pageerror", lambda err: errors.append(f"pageerror: {err}"))
            page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
            page.on("requestfailed", lambda req: errors.append(f"requestfailed: {req.url[:80]}"))
            page.on("request", lambda req: requests.append(req.url))
            page.goto(path.resolve().as_uri(), wait_until="load")
            images = page.evaluate(
                "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight, i.alt])"
            )
            headings = page.evaluate("Array.from(document.querySelectorAll('h2')).map(h => h.textContent.trim())")
            anchors = page.evaluate(
                "Array.from(document.querySelectorAll('nav a')).map(a => !!document.querySelector(a.getAttribute('href')))"
            )
        finally:
            browser.close()
    assert errors == []
    assert headings == list(report.SECTION_TITLES)
    assert len(images) >= 14
    for complete, width, height, alt in images:
        assert complete and width > 0 and height > 0, alt
    assert anchors == [True] * len(report.SECTION_TITLES)  # the table of contents links to every section
    for url in requests:
        assert url.startswith("file://") or url.startswith("data:"), url[:80]


# -- nothing lost or half-written ---------------------------------------------------------------------------


def _boom(ctx, stages):
    raise RuntimeError("stage failed")


def test_failure_keeps_the_previous_report_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("the previous report")
    monkeypatch.setattr(report, "_SECTIONS", (_section_data, _boom))
    with pytest.raises(RuntimeError, match="stage failed"):
        report.build_report(out)
    assert (out / "index.html").read_text() == "the previous report"
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]


def test_interrupted_write_keeps_the_previous_report(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("the previous report")
    monkeypatch.setattr(report, "_SECTIONS", (_section_data,))
    monkeypatch.setattr(report, "_render", lambda *args: "<html>" + "x" * 100_000)

    def interrupted_replace(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted_replace)
    with pytest.raises(KeyboardInterrupt):
        report.build_report(out)
    assert (out / "index.html").read_text() == "the previous report"
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]


def test_failure_removes_the_directories_it_made(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "_SECTIONS", (_boom,))
    with pytest.raises(RuntimeError):
        report.build_report(tmp_path / "new" / "deeper")
    assert list(tmp_path.iterdir()) == []


def test_write_atomically_replaces_whole_file(tmp_path):
    path = tmp_path / "index.html"
    path.write_text("old")
    _atomic.write_text(path, "new ü")
    assert path.read_text(encoding="utf-8") == "new ü"
    assert oct(path.stat().st_mode & 0o777) == "0o644"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]


# -- bad input: clear errors before any work ---------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"hidden": 0}, ValueError, r"hidden\[0\] must be >= 1 unit; got 0"),
        ({"hidden": ()}, ValueError, r"hidden must name at least one hidden layer"),
        ({"hidden": "25"}, TypeError, r"hidden must be an int or a sequence of ints.*got str '25'"),
        ({"hidden": (25, 2.5)}, TypeError, r"hidden\[1\] must be an int; got float 2.5"),
        ({"alpha": -1.0}, ValueError, r"alpha must be a finite number >= 0; got -1.0"),
        ({"alpha": "1"}, TypeError, r"alpha must be a real number >= 0; got str '1'"),
        ({"max_iter": 0}, ValueError, r"max_iter must be >= 1; got 0"),
        ({"max_iter": 2.5}, TypeError, r"max_iter must be an integer; got float 2.5"),
        ({"solver": "newton"}, ValueError, r"solver must be one of \[.*'CG'.*\]; got 'newton'"),
        ({"solver": 3}, TypeError, r"solver must be a str, one of .*; got int 3"),
        ({"quick": "yes"}, TypeError, r"quick must be True or False; got str 'yes'"),
        ({"progress": 1}, TypeError, r"progress must be True or False; got int 1"),
        ({"quick": "y" * 100}, TypeError, r"quick must be True or False; got str 'y{56}\.\.\.\.$"),  # one short line
        ({"seed": -1}, ValueError, r"seed must be >= 0; got -1"),
        ({"seed": "0"}, TypeError, r"seed must be an integer; got str '0'"),
        ({"data": 3}, TypeError, r"data must be a str or os.PathLike; got int 3"),
        ({"data": "spirals"}, ValueError, r"data must be 'digits20' or a path to the course's .*; got 'spirals'"),
        ({"weights": 3}, TypeError, r"weights must be a str or os.PathLike or None; got int 3"),
        ({"out_dir": None}, TypeError, r"out_dir must be a str or os.PathLike; got NoneType None"),
        ({"grid": [1]}, TypeError, r"grid must be a dict with keys 'alpha' and 'max_iter'; got list"),
        ({"grid": {"alpha": [1]}}, ValueError, r"grid must have exactly the keys 'alpha' and 'max_iter'; got \['alpha'\]"),
        ({"grid": {"alpha": [], "max_iter": [1]}}, ValueError, r"grid\['alpha'\] must be a non-empty list; got \[\]"),
        ({"grid": {"alpha": [-1], "max_iter": [1]}}, ValueError, r"grid\['alpha'\] entry must be a finite number >= 0; got -1"),
        ({"grid": {"alpha": [1], "max_iter": [0]}}, ValueError, r"grid\['max_iter'\] entry must be >= 1; got 0"),
    ],
)
def test_bad_arguments_raise_before_any_work(tmp_path, monkeypatch, kwargs, error, match):
    monkeypatch.setattr(report, "_load_digits", lambda data: pytest.fail("loaded data despite a bad argument"))
    kwargs = {"out_dir": tmp_path / "out", **kwargs}
    with pytest.raises(error, match=match):
        report.build_report(**kwargs)
    assert not (tmp_path / "out").exists()


def test_import_report_leaves_scikit_learn_and_the_sweep_for_build_report():
    code = "import sys, nnlearn.report; assert not {'sklearn', 'nnlearn.sweep'} & set(sys.modules), sorted(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_files_and_bad_places(tmp_path):
    with pytest.raises(FileNotFoundError):
        report.build_report(tmp_path / "out", data=tmp_path / "missing.mat")
    with pytest.raises(FileNotFoundError):
        report.build_report(tmp_path / "out", weights=tmp_path / "missing.mat")
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(NotADirectoryError, match=r"out_dir '.*file' exists and is not a directory"):
        report.build_report(tmp_path / "file")
    (tmp_path / "busy" / "index.html").mkdir(parents=True)
    with pytest.raises(IsADirectoryError, match=r"index.html' is a directory"):
        report.build_report(tmp_path / "busy")
    assert not (tmp_path / "out").exists()


def test_weights_that_do_not_fit_the_data(tmp_path):
    from nnlearn.datasets import save_ex4_weights

    weights = tmp_path / "small.mat"
    save_ex4_weights(weights, [np.zeros((5, 1 + 16)), np.zeros((10, 6))])
    with pytest.raises(ValueError, match=r"are for 16 inputs \(Theta1 has shape \(5, 17\)\), but the data have 400 features"):
        report.build_report(tmp_path / "out", weights=weights)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--data", "spirals"], "nnlearn: error: data must be 'digits20' or a path"),
        (["--hidden", "0"], "nnlearn: error: hidden[0] must be >= 1 unit; got 0."),
        (["--alpha", "-1"], "nnlearn: error: alpha must be a finite number >= 0; got -1.0."),
        (["--max-iter", "x"], "nnlearn: error: argument --max-iter: invalid int value: 'x'"),
        (["--solver", "newton"], "nnlearn: error: solver must be one of"),
        (["--weights", "/nonexistent/ex4weights.mat"], "nnlearn: error: "),
        (["--bogus"], "nnlearn: error: unrecognized arguments: --bogus"),
    ],
)
def test_cli_errors_are_one_line_and_status_2(tmp_path, capsys, argv, message):
    status = main(["report", "--out", str(tmp_path / "out"), "--no-progress", *argv])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err.startswith(message)
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert not (tmp_path / "out").exists()


def test_cli_out_is_a_file(tmp_path, capsys):
    (tmp_path / "taken").write_text("x")
    assert main(["report", "--out", str(tmp_path / "taken"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nnlearn: error: out_dir") and err.count("\n") == 1


def test_cli_help_lists_shared_flags(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--out", "--data", "--weights", "--hidden", "--alpha", "--max-iter", "--solver", "--seed", "--quick"):
        assert flag in out


# -- sections on their own -----------------------------------------------------------------------------------


def _small_context(weights=None):
    X, y = load_digits20()
    X, y = X[::10], y[::10]  # 500 digits, 50 of each
    X_train, X_test, y_train, y_test = _split(X, y, seed=0)
    ctx = _Context(X=X, y=y, data_description="test", X_train=X_train, X_test=X_test, y_train=y_train,
                   y_test=y_test, data="digits20", hidden=(25,), alpha=1.0, max_iter=5, solver="CG", seed=0,
                   grid=report.QUICK_GRID, weights=weights)
    return ctx


def test_cost_section_without_weights_is_near_K_ln2(capsys):
    ctx = _small_context()
    stages = _Stages(enabled=False)
    _section_model(ctx, stages)
    html = "".join(_section_cost(ctx, stages))
    J0 = ctx.net.cost(ctx.theta0, ctx.X, ctx.y, alpha=0.0)
    assert f"<th>0</th><td class=\"num\">{J0:.6f}</td>" in html
    assert abs(J0 - 10 * np.log(2)) < 0.5  # every output near 0.5: about ln 2 per unit
    assert "No pretrained weights were given" in html
    assert capsys.readouterr().err == ""  # progress disabled: nothing on stderr


def test_split_needs_two_of_every_digit():
    X, y = np.zeros((5, 400)), np.array([0, 0, 1, 1, 2])
    with pytest.raises(ValueError, match=r"only 1 sample of digit 2; the held-out split needs at least 2"):
        _split(X, y, seed=0)


def test_html_escapes_text():
    assert _p("<b>&") == "<p>&lt;b&gt;&amp;</p>"
    table = _table(["a<"], [["<script>"]])
    assert "<script>" not in table and "&lt;script&gt;" in table


def test_command_line_quotes_paths():
    command = _command_line("my data.mat", "w's.mat", (25,), 1.0, 50, "CG", True, 0)
    assert "--data 'my data.mat'" in command and "--weights 'w'\"'\"'s.mat'" in command and command.endswith("--quick")


# -- the figures drawn by report.py --------------------------------------------------------------------------


def test_architecture_figure_draws_units_and_bias():
    from matplotlib.patches import Circle

    fig = _architecture_figure((3, 5, 3))
    circles = [p for p in fig.axes[0].patches if isinstance(p, Circle)]
    assert len(circles) == 3 + 5 + 3 + 2  # every unit, plus a bias unit for the input and hidden layers
    fig = _architecture_figure((400, 25, 10))
    circles = [p for p in fig.axes[0].patches if isinstance(p, Circle)]
    assert len(circles) == 5 + 5 + 5 + 2  # 6 rows per large layer, one of them the ellipsis
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "Θ(1): 25×401" in texts and "Θ(2): 10×26" in texts
    assert "input\n400 units" in texts and "output\n10 units" in texts


def test_cost_figure_stacks_data_and_regularization_terms():
    fig = _cost_figure((0.0, 1.0, 3.0), [0.3, 0.3, 0.3], [0.0, 0.1, 0.3])
    bars = fig.axes[0].patches
    assert len(bars) == 6
    np.testing.assert_allclose([b.get_height() for b in bars[:3]], [0.3, 0.3, 0.3])
    np.testing.assert_allclose([b.get_height() for b in bars[3:]], [0.0, 0.1, 0.3])
    np.testing.assert_allclose([b.get_y() for b in bars[3:]], [0.3, 0.3, 0.3])  # stacked on the data term
    assert [t.get_text() for t in fig.axes[0].texts] == ["0.300000", "0.400000", "0.600000"]


def test_sigmoid_figure_marks_the_five_values():
    from nnlearn.activations import sigmoid_gradient

    z = np.array(report.SIGMOID_GRADIENT_AT)
    fig = _sigmoid_figure(z)
    ax = fig.axes[0]
    offsets = ax.collections[0].get_offsets()
    np.testing.assert_allclose(offsets[:, 0], z)
    np.testing.assert_allclose(offsets[:, 1], sigmoid_gradient(z))
    assert len(ax.lines) == 3  # g, g' and the 1/4 line
    assert ax.lines[1].get_ydata().max() == pytest.approx(0.25, abs=1e-4)


def test_gradcheck_figure_plots_numerical_against_analytical():
    from nnlearn.gradcheck import debug_problem, gradient_check

    net, theta, X, y = debug_problem()
    check = gradient_check(net, theta, X, y, alpha=3.0)
    fig = _gradcheck_figure([(3.0, check)])
    offsets = fig.axes[0].collections[0].get_offsets()
    np.testing.assert_array_equal(offsets[:, 0], check.numerical)
    np.testing.assert_array_equal(offsets[:, 1], check.analytical)
    assert "relative difference" in fig.axes[0].get_title()
