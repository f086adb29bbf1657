"""Tests for nnlearn.report and ``nnlearn report``: the page, its numbers, its figures, its failures.

One quick report is built once per module through the command line (``--quick --max-iter 10``)
and shared by the tests that read it; a headless Chromium opens it from disk. A second, small one
(200 digits in a .mat file, no pretrained weights, max_iter=0) is built through build_report.
"""

import base64
import contextlib
import io
import os
import re
import struct
import subprocess
import sys
import warnings
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from nnlearn import report
from nnlearn.cli import main
from nnlearn.datasets import load_digits20, load_ex4_weights
from nnlearn.network import Network
from nnlearn.report.data import split
from nnlearn.report.figures import architecture_figure, cost_figure, gradcheck_figure, sigmoid_figure
from nnlearn.report.html import p, table
from nnlearn.report.page import command_line

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
    argv = ["report", "--progress", "--quick", "--max-iter", str(MAX_ITER), "--out", str(out), "--seed", "0"]
    with_weights = EX4WEIGHTS.is_file()
    if with_weights:
        argv += ["--weights", str(EX4WEIGHTS)]
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main(argv)
    assert status == 0, stderr.getvalue()
    path = out / "index.html"
    return path, path.read_text(encoding="utf-8"), stdout.getvalue(), stderr.getvalue(), with_weights


def write_small_digits(path, per_digit=20):
    """The first ``per_digit`` digits of each class of digits20, as the course's .mat file (label 10 is digit 0)."""
    import scipy.io

    X, y = load_digits20()
    rows = np.concatenate([np.flatnonzero(y == k)[:per_digit] for k in range(10)])
    scipy.io.savemat(path, {"X": X[rows], "y": np.where(y[rows] == 0, 10, y[rows]).reshape(-1, 1).astype(np.uint8)})
    return X[rows], y[rows]


SMALL_GRID = {"alpha": [0.0, 1.0], "max_iter": [0, 2]}


@pytest.fixture(scope="module")
def small_built(tmp_path_factory):
    """``(path, html, stderr, X, y)`` of a report on 200 digits without pretrained weights, trained for max_iter=0
    (what train accepts, the report accepts), built by build_report with progress off over a previous report."""
    folder = tmp_path_factory.mktemp("small")
    X, y = write_small_digits(folder / "small.mat")
    (folder / "out").mkdir()
    (folder / "out" / "index.html").write_text("the previous report")
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        path = report.build_report(folder / "out", data=folder / "small.mat", max_iter=0, grid=SMALL_GRID)
    return path, path.read_text(encoding="utf-8"), stderr.getvalue(), X, y


# -- the command and the file ------------------------------------------------------------------------------


def test_cli_writes_only_index_html_and_names_it(built):
    path, _, stdout, _, _ = built
    assert sorted(f.name for f in path.parent.iterdir()) == ["index.html"]  # no temporary files left
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


def _boom(*args, **kwargs):
    raise RuntimeError("stage failed")


def test_failure_keeps_the_previous_report_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("the previous report")
    monkeypatch.setattr("nnlearn.plots.digits_grid", _boom)  # section 1 draws the digits with it
    with pytest.raises(RuntimeError, match="stage failed"):
        report.build_report(out)
    assert (out / "index.html").read_text() == "the previous report"
    assert sorted(f.name for f in out.iterdir()) == ["index.html"]


def test_interrupted_write_keeps_the_previous_report(tmp_path, monkeypatch):
    write_small_digits(tmp_path / "small.mat", per_digit=10)
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("the previous report")
    real_replace = os.replace

    def interrupted_replace(src, dst):
        if os.fspath(dst).endswith("index.html"):  # Ctrl-C just as the finished page is moved into place
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", interrupted_replace)
    with pytest.raises(KeyboardInterrupt):
        report.build_report(out, data=tmp_path / "small.mat", max_iter=0, grid={"alpha": [1.0], "max_iter": [0]})
    assert (out / "index.html").read_text() == "the previous report"
    assert sorted(f.name for f in out.iterdir()) == ["index.html"]


def test_failure_removes_the_directories_it_made(tmp_path, monkeypatch):
    monkeypatch.setattr("nnlearn.plots.digits_grid", _boom)
    with pytest.raises(RuntimeError):
        report.build_report(tmp_path / "new" / "deeper")
    assert list(tmp_path.iterdir()) == []


def test_page_replaces_the_previous_one_whole(small_built):
    path, html, *_ = small_built
    assert html.startswith("<!DOCTYPE html>") and html.endswith("</html>")  # "the previous report" is gone
    assert "λ" in html  # written as UTF-8, as its meta tag says
    assert oct(path.stat().st_mode & 0o777) == "0o644"
    assert sorted(f.name for f in path.parent.iterdir()) == ["index.html"]  # no temporary files left


# -- bad input: clear errors before any work ---------------------------------------------------------------


def _message(name, rule, got):
    """The one message shape, for build_report's argument ``name``: a regex."""
    return rf"^The '{re.escape(name)}' parameter of build_report must be {rule}\. Got {got} instead\."


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"hidden": 0}, ValueError, _message("hidden", r"an int or a non-empty tuple of ints >= 1 .*", r"(0|\(0,\))")),
        # the page shows the hidden units: at least one hidden layer
        ({"hidden": ()}, ValueError, _message("hidden", r"an int or a non-empty tuple of ints >= 1 .*", r"\(\)")),
        ({"hidden": "25"}, TypeError, _message("hidden", r"an int or a non-empty tuple .*", "'25'")),
        ({"hidden": (25, 2.5)}, TypeError, _message("hidden", r"an int or a non-empty tuple .*", r"\(25, 2.5\)")),
        ({"alpha": -1.0}, ValueError, _message("alpha", r"a float in the range \[0.0, inf\)", "-1.0")),
        ({"alpha": "1"}, TypeError, _message("alpha", r"a float in the range \[0.0, inf\)", "'1'")),
        ({"max_iter": -1}, ValueError, _message("max_iter", r"an int in the range \[0, \d+\]", "-1")),
        ({"max_iter": 2.5}, TypeError, _message("max_iter", r"an int in the range \[0, \d+\]", "2.5")),
        ({"solver": "newton"}, ValueError, _message("solver", r"a str among \[.*'CG'.*\]", "'newton'")),
        ({"solver": 3}, TypeError, _message("solver", r"a str among \[.*\]", "3")),
        # 400-25-10 has 10285 weights: BFGS is refused here, not after five sections
        ({"solver": "bfgs"}, ValueError, r"^The 'solver' parameter of build_report must be a method other than 'BFGS'"),
        ({"quick": "yes"}, TypeError, _message("quick", r"a bool \(True or False\)", "'yes'")),
        ({"progress": 1}, TypeError, _message("progress", r"a bool \(True or False\) or None", "1")),
        ({"quick": "y" * 100}, TypeError, _message("quick", r"a bool \(True or False\)", r"'y{56}\.\.\.") + "$"),  # one short line
        ({"seed": -1}, ValueError, _message("seed", r"an int in the range \[0, 4294967295\]", "-1")),
        ({"seed": 2**32}, ValueError, _message("seed", r"an int in the range \[0, 4294967295\]", "4294967296")),
        ({"seed": "0"}, TypeError, _message("seed", r"an int in the range \[0, 4294967295\]", "'0'")),
        ({"seed": None}, TypeError, _message("seed", r"an int in the range \[0, 4294967295\]", "None")),
        ({"data": 3}, TypeError, _message("data", r"one of \['digits20', .*\] or a path to a .csv, .tsv, .npz or .mat file", "3")),
        ({"data": "cifar"}, ValueError, _message("data", r"one of \['digits20', 'spirals', .*\] or a path to a .csv, .tsv, "
                                                          r"\.npz or \.mat file", "'cifar'")),
        ({"data": "data.txt"}, ValueError, _message("data", r"one of \[.*\] or a path to a .csv.*", "'data.txt'")),
        ({"task": "ranking"}, ValueError, _message("task", r"a str among \['classification', 'regression'\] or None",
                                                   "'ranking'")),
        ({"data_options": {"noise": 0.3}}, ValueError,
         _message("noise", r"left unset for 'digits20', which takes no options", "0.3")),
        ({"data": "moons", "data_options": {"noise": -1.0}}, ValueError, _message("noise", r"a float in the range \[0.0, .*\]", "-1.0")),
        ({"data": "a.csv", "data_options": {"task": "regression"}}, TypeError,
         _message("data_options", r"None or a dict of data options \(the task is the argument task\)", r"\{'task': 'regression'\}")),
        ({"data": "iris", "weights": "ex4weights.mat"}, ValueError,
         _message("weights", r"None for data other than the course's digits .*", "'ex4weights.mat'")),
        ({"weights": 3}, TypeError, _message("weights", "a str or os.PathLike or None", "3")),
        ({"out_dir": None}, TypeError, _message("out_dir", "a str or os.PathLike", "None")),
        ({"grid": [1]}, TypeError, _message("grid", r"a dict with exactly the keys 'alpha' and 'max_iter', .*", r"\[1\]")),
        ({"grid": {"alpha": [1]}}, ValueError, _message("grid", r"a dict with exactly the keys .*", r"the keys \['alpha'\]")),
        ({"grid": {"alpha": [], "max_iter": [1]}}, ValueError, _message("grid['alpha']", "a non-empty list", r"\[\]")),
        ({"grid": {"alpha": 1, "max_iter": [1]}}, TypeError, _message("grid['alpha']", "a non-empty list", "1")),
        # the grid's values follow train's rules for alpha and max_iter
        ({"grid": {"alpha": [1, -1], "max_iter": [1]}}, ValueError,
         _message("grid['alpha'][1]", r"a float in the range \[0.0, inf\)", "-1")),
        ({"grid": {"alpha": [1], "max_iter": [0, -1]}}, ValueError,
         _message("grid['max_iter'][1]", r"an int in the range \[0, \d+\]", "-1")),
        ({"grid": {"alpha": [1], "max_iter": [True]}}, TypeError,
         _message("grid['max_iter'][0]", r"an int in the range \[0, \d+\]", "True")),
    ],
)
def test_bad_arguments_raise_before_any_work(tmp_path, monkeypatch, kwargs, error, match):
    monkeypatch.setattr("nnlearn.datasets.load", lambda data: pytest.fail("loaded data despite a bad argument"))
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
    with pytest.raises(ValueError, match=r"^The 'weights' parameter of build_report must be the weights of a network with 400 "
                                         r"inputs, .* Got weights for 16 inputs \(Theta1 has shape \(5, 17\)\) instead\."):
        report.build_report(tmp_path / "out", weights=weights)
    assert not (tmp_path / "out").exists()


def _cli_message(name, flag, rule):
    """build_report's message, or the command line's own for its flag: a regex."""
    return (rf"nnlearn: error: The '({re.escape(name)}' parameter of build_report|{re.escape(flag)}' option of "
            rf"nnlearn report) must be {rule}")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--data", "cifar"], _cli_message("data", "--data", r"one of \['digits20', ")),
        (["--data", "iris", "--noise", "0.2"], _cli_message("noise", "--noise", r"left unset for 'iris'")),
        (["--data", "moons", "--target", "2"], _cli_message("target", "--target", r"left unset for 'moons', which takes only "
                                                                                   r"'--noise', '--n-samples', '--data-seed'")),
        (["--task", "clustering"], _cli_message("task", "--task", r"a str among \['classification', 'regression'\]")),
        (["--hidden", "0"], re.escape("nnlearn: error: The '--hidden' option of nnlearn report must be units per hidden layer joined "
                                      "by commas such as 25 or 64,32 (at least 1 hidden layer). Got '0' instead.")),
        (["--alpha", "-1"], _cli_message("alpha", "--alpha", r"a float in the range \[0.0, inf\)\. Got -1.0 instead\.")),
        (["--max-iter", "-1"], _cli_message("max_iter", "--max-iter", r"an int in the range \[0, \d+\]\. Got -1 instead\.")),
        (["--max-iter", "x"], re.escape("nnlearn: error: The '--max-iter' option of nnlearn report must be an int in the range "
                                        "[0, 100000000]. Got 'x' instead.")),
        (["--solver", "newton"], _cli_message("solver", "--solver", r"a str among")),
        (["--weights", "/nonexistent/ex4weights.mat"], "nnlearn: error: "),
        (["--bogus"], re.escape("nnlearn: error: unrecognized arguments: --bogus")),
    ],
)
def test_cli_errors_are_one_line_and_status_2(tmp_path, capsys, argv, message):
    status = main(["report", "--out", str(tmp_path / "out"), "--no-progress", *argv])
    captured = capsys.readouterr()
    assert status == 2
    assert re.match(message, captured.err), captured.err
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


def _section(html, number):
    """The HTML of section ``number`` of a page."""
    return html.split(f"<h2>{number}. ", 1)[1].split("</section>", 1)[0]


def test_cost_section_without_weights_is_near_K_ln2(small_built):
    _, html, stderr, X, y = small_built
    cost = _section(html, 3)
    net = Network([400, 25, 10])
    theta0 = net.init_weights(method="uniform", epsilon=report.INIT_EPSILON, random_state=0)  # section 6's start
    J0 = net.cost(theta0, X, y, alpha=0.0)
    assert f"<th>0</th><td class=\"num\">{J0:.6f}</td>" in cost
    assert abs(J0 - 10 * np.log(2)) < 0.5  # every output near 0.5: about ln 2 per unit
    assert "No pretrained weights were given" in cost
    assert "small.mat: the course&#x27;s digits file (200 images" in html
    assert stderr == ""  # progress off: nothing on stderr


def test_max_iter_zero_trains_nothing_as_train_does(small_built):
    """max_iter=0 is what train accepts: section 6 keeps the initial weights, the grid has its 0-iteration runs."""
    _, html, _, X, y = small_built
    X_train, _, y_train, _ = split(X, y, seed=0)
    net = Network([400, 25, 10])
    theta0 = net.init_weights(method="uniform", epsilon=report.INIT_EPSILON, random_state=0)
    J0 = net.cost(theta0, X_train, y_train, alpha=1.0)
    assert _number(html, "optimizer").startswith("CG, 0 iterations")
    assert _number(html, "cost") == f"{J0:.4f} → {J0:.4f}"
    assert "With max_iter = 0 it keeps the initial weights" in _section(html, 6)
    table = _section(html, 8).split("Every run of the grid", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><th>([^<]*)</th><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>", table)
    assert rows == [(f"{a:g}", str(it), str(it)) for a in SMALL_GRID["alpha"] for it in SMALL_GRID["max_iter"]]
    assert [h.strip() for h in _parse(html).h2] == list(report.SECTION_TITLES)


def test_data_need_two_of_every_digit_for_the_split(tmp_path):
    import scipy.io

    scipy.io.savemat(tmp_path / "five.mat", {"X": np.zeros((5, 400)), "y": np.array([[10], [10], [1], [1], [2]])})
    with pytest.raises(ValueError, match=r"^The 'data' parameter of build_report must be digits with at least 2 samples "
                                         r"of every digit \(for the stratified held-out split\)\. Got only 1 sample of digit 2"):
        report.build_report(tmp_path / "out", data=tmp_path / "five.mat")
    assert not (tmp_path / "out").exists()


def test_html_escapes_text():
    assert p("<b>&") == "<p>&lt;b&gt;&amp;</p>"
    html = table(["a<"], [["<script>"]])
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_command_line_quotes_paths():
    command = command_line("my data.mat", "w's.mat", (25,), 1.0, 50, "CG", True, 0)
    assert "--data 'my data.mat'" in command and "--weights 'w'\"'\"'s.mat'" in command and command.endswith("--quick")


# -- the report's own figures --------------------------------------------------------------------------


def test_architecture_figure_draws_units_and_bias():
    from matplotlib.patches import Circle

    fig = architecture_figure((3, 5, 3))
    circles = [p for p in fig.axes[0].patches if isinstance(p, Circle)]
    assert len(circles) == 3 + 5 + 3 + 2  # every unit, plus a bias unit for the input and hidden layers
    fig = architecture_figure((400, 25, 10))
    circles = [p for p in fig.axes[0].patches if isinstance(p, Circle)]
    assert len(circles) == 5 + 5 + 5 + 2  # 6 rows per large layer, one of them the ellipsis
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "Θ(1): 25×401" in texts and "Θ(2): 10×26" in texts
    assert "input\n400 units" in texts and "output\n10 units" in texts


def test_cost_figure_stacks_data_and_regularization_terms():
    fig = cost_figure((0.0, 1.0, 3.0), [0.3, 0.3, 0.3], [0.0, 0.1, 0.3])
    bars = fig.axes[0].patches
    assert len(bars) == 6
    np.testing.assert_allclose([b.get_height() for b in bars[:3]], [0.3, 0.3, 0.3])
    np.testing.assert_allclose([b.get_height() for b in bars[3:]], [0.0, 0.1, 0.3])
    np.testing.assert_allclose([b.get_y() for b in bars[3:]], [0.3, 0.3, 0.3])  # stacked on the data term
    assert [t.get_text() for t in fig.axes[0].texts] == ["0.300000", "0.400000", "0.600000"]


def test_sigmoid_figure_marks_the_five_values():
    from nnlearn import sigmoid_gradient

    z = np.array(report.SIGMOID_GRADIENT_AT)
    fig = sigmoid_figure(z)
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
    fig = gradcheck_figure([(3.0, check)])
    offsets = fig.axes[0].collections[0].get_offsets()
    np.testing.assert_array_equal(offsets[:, 0], check.numerical)
    np.testing.assert_array_equal(offsets[:, 1], check.analytical)
    assert "relative difference" in fig.axes[0].get_title()


# -- in Jupyter ------------------------------------------------------------------------------------------


def test_build_report_returns_a_path_that_shows_the_page_inline(small_built):
    path, text = small_built[:2]
    assert isinstance(path, report.ReportPath) and isinstance(path, Path) and path.name == "index.html"
    html = path._repr_html_()
    assert html.startswith("<iframe srcdoc=") and 'sandbox=""' in html
    from html import unescape

    assert unescape(html.split('srcdoc="', 1)[1].split('" title=', 1)[0]) == text  # the page, whole


def test_build_report_is_silent_by_default_and_shows_progress_when_interactive(small_built, tmp_path, monkeypatch):
    assert small_built[2] == ""  # not interactive (a test run): no bars
    write_small_digits(tmp_path / "small.mat")
    monkeypatch.setattr(sys, "ps1", ">>> ", raising=False)  # Python's prompt: an interactive session
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), warnings.catch_warnings():
        warnings.simplefilter("error")  # and no warning on the way
        report.build_report(tmp_path / "out", data=tmp_path / "small.mat", max_iter=2, grid=SMALL_GRID)
    assert "[1/10] The data" in stderr.getvalue() and "[10/10]" in stderr.getvalue()


def test_the_gradient_check_section_lists_the_python_exercises_columns(built):
    text = built[1]
    section = text.split("<h2>5. ", 1)[1].split("<h2>6. ", 1)[0]
    assert "The debug network is the one of the course&#x27;s Python exercise" in section
    assert re.search(r'<th>θ1</th><td class="num">-9\.2782523\de-03</td>', section)
    assert "<th>θ2</th><td class=\"num\">-3.04978931e-06</td>" in section  # row by row through Θ(1)


def test_the_command_warns_of_nothing(built):
    assert "warning" not in built[3].lower()
