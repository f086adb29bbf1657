"""The report follows the data: which sections a report on other data than the course's digits has.

Four small reports, one per kind of data: a CSV of classes (text labels, 4 features), a regression set
(diabetes), classes in the plane (moons) and square images in row-major order (digits8). Each is checked for
the sections it must have and must not have, for numbers an independent fit gives, and in headless Chromium.
"""

import contextlib
import csv
import io
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from nnlearn import MLPClassifier, MLPRegressor, datasets, report
from nnlearn.cli import main
from nnlearn.metrics import r2, rmse
from nnlearn.split import held_out_split

CHROMIUM = Path("/usr/bin/chromium")
GRID = {"alpha": [0.0, 1.0], "max_iter": [2, 5]}
MAX_ITER = 10


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.h2, self.alts, self._in_h2 = [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h2":
            self._in_h2 = True
            self.h2.append("")
        if tag == "img":
            self.alts.append(attrs.get("alt", ""))

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        if self._in_h2:
            self.h2[-1] += data


def parse(html):
    page = _Page()
    page.feed(html)
    return [h.strip() for h in page.h2], page.alts


def number(html, name):
    match = re.search(rf"<dt>{re.escape(name)}</dt><dd><b>([^<]*)</b>", html)
    assert match, f"no {name!r} in the page"
    return match.group(1)


def build(folder, data, **kwargs):
    path = report.build_report(folder, data=data, max_iter=MAX_ITER, grid=GRID, **kwargs)
    return path, path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def iris_csv(tmp_path_factory):
    X, y = datasets.load("iris")
    path = tmp_path_factory.mktemp("csv") / "flowers.csv"
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["sepal_length", "sepal_width", "petal_length", "petal_width", "species"])
        writer.writerows([*map(repr, row), name] for row, name in zip(X.tolist(), names))
    return path, X, names


@pytest.fixture(scope="module")
def csv_report(tmp_path_factory, iris_csv):
    """A report on a CSV through the command line."""
    out = tmp_path_factory.mktemp("csv_report")
    stdout, stderr = io.StringIO(), io.StringIO()
    argv = ["report", "--data", str(iris_csv[0]), "--target", "species", "--quick", "--max-iter", str(MAX_ITER), "--out",
            str(out), "--progress"]
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        assert main(argv) == 0, stderr.getvalue()
    path = out / "index.html"
    return path, path.read_text(encoding="utf-8"), stderr.getvalue()


@pytest.fixture(scope="module")
def regression_report(tmp_path_factory):
    return build(tmp_path_factory.mktemp("diabetes"), "diabetes")


@pytest.fixture(scope="module")
def planar_report(tmp_path_factory):
    return build(tmp_path_factory.mktemp("moons"), "moons", data_options={"n_samples": 200, "noise": 0.2})


@pytest.fixture(scope="module")
def image_report(tmp_path_factory):
    return build(tmp_path_factory.mktemp("digits8"), "digits8", hidden=(16,))


COMMON = ["1. The data", "2. Model representation", "3. Cost", "4. Sigmoid gradient", "5. Gradient check", "6. Training"]


def test_csv_classes_have_a_confusion_matrix_and_no_images(csv_report):
    _, html, stderr = csv_report
    headings, alts = parse(html)
    assert headings == [*COMMON, "7. Experiments: regularization and iterations", "8. Confusion matrix"]
    for i, title in enumerate(headings, start=1):  # one progress bar per section, numbered as on the page
        assert f"[{i}/8] {title.split('. ', 1)[1]}" in stderr
    assert "confusion matrix of the held-out samples" in alts
    for absent in ("a grid of 100 random", "hidden units", "misclassified", "decision boundar", "predicted against"):
        assert not any(absent in alt for alt in alts), absent
    # the classes by name: 40 training and 10 held-out rows each, and 10 held-out in the per-class recall table
    for name in ("setosa", "versicolor", "virginica"):
        assert f'<tr><th>{name}</th><td class="num">50</td><td class="num">40</td><td class="num">10</td></tr>' in html
        assert f'<tr><th>{name}</th><td class="num">10</td>' in html
    assert "pretrained" not in html and "ex4weights" not in html and "0.287629" not in html  # the course's only
    assert "nothing is quoted from elsewhere" in html
    assert "--data" in html and "--target species" in html  # the command line that makes it again
    assert "Each row of X holds 4 numeric features (sepal_length, sepal_width, petal_length, petal_width)" in html


def test_csv_numbers_are_an_independent_fit(csv_report, iris_csv):
    _, html, _ = csv_report
    _, X, names = iris_csv
    _, y = np.unique(names, return_inverse=True)
    X_train, X_test, y_train, y_test = held_out_split(X, y, 0.2, 0)
    clf = MLPClassifier(hidden_layer_sizes=(25,), alpha=1.0, solver="CG", max_iter=MAX_ITER, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X_train, y_train)
    assert number(html, "training accuracy") == f"{100 * clf.score(X_train, y_train):.2f}%"
    assert number(html, "held-out accuracy") == f"{100 * clf.score(X_test, y_test):.2f}%"
    assert number(html, "layer sizes") == "4-25-3"
    assert number(html, "split") == "120 training / 30 held-out"


def test_regression_has_predictions_and_residuals(regression_report):
    _, html = regression_report
    headings, alts = parse(html)
    assert headings == [*COMMON, "7. Experiments: regularization and iterations", "8. Predictions and residuals"]
    assert "predicted against true targets of the held-out rows" in alts
    assert "residuals against predictions of the held-out rows" in alts
    assert "histogram of the targets" in alts
    assert not any("confusion" in alt or "hidden units" in alt or "boundar" in alt for alt in alts)
    assert "identity" in html and "squared error" in html
    assert "heatmap of held-out R² over lambda and max_iter" in alts


def test_regression_numbers_are_an_independent_fit(regression_report):
    _, html = regression_report
    X, y = datasets.load("diabetes")
    X_train, X_test, y_train, y_test = held_out_split(X, y, 0.2, 0, stratify=False)
    reg = MLPRegressor(hidden_layer_sizes=(25,), alpha=1.0, solver="CG", max_iter=MAX_ITER, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg.fit(X_train, y_train)
    predicted = reg.predict(X_test)
    assert number(html, "held-out R²") == f"{r2(y_test, predicted):.4f}"
    assert number(html, "held-out RMSE") == f"{rmse(y_test, predicted):.4g}"
    assert number(html, "training R²") == f"{r2(y_train, reg.predict(X_train)):.4f}"
    assert number(html, "layer sizes") == "10-25-1"
    assert number(html, "split") == "353 training / 89 held-out"
    # the gradient check of a regression report checks the identity output and its squared error
    assert float(number(html, "relative difference (λ = 3)")) < 1e-9


def test_points_in_the_plane_get_a_decision_boundary(planar_report):
    _, html = planar_report
    headings, alts = parse(html)
    assert headings == [*COMMON, "7. Experiments: regularization and iterations", "8. Decision boundary",
                        "9. Confusion matrix"]
    assert "decision boundary of the trained network" in alts
    assert "decision boundaries of logistic regression and a tanh network" in alts
    assert "the points in the plane, colored by class" in alts
    assert not any("input weights" in alt or "misclassified" in alt for alt in alts)
    assert number(html, "layer sizes") == "2-25-1"  # two classes: one sigmoid unit, as MLPClassifier
    assert "Points in the plane: logistic regression" in html


def test_square_images_get_hidden_units_and_mistakes(image_report):
    _, html = image_report
    headings, alts = parse(html)
    assert headings == [*COMMON, "7. Hidden layer", "8. Experiments: regularization and iterations",
                        "9. Confusion matrix and mistakes"]
    for alt in ("a grid of 100 random images", "the hidden units' input weights as images", "misclassified held-out images",
                "hidden units for a few cells of the grid"):
        assert alt in alts
    assert not any("boundar" in alt for alt in alts)
    assert "8x8 grey-scale image unrolled into 64 numbers (row by row)" in html
    assert number(html, "layer sizes") == "64-16-10"


def test_the_course_sections_stay_with_the_course(tmp_path):
    with pytest.raises(ValueError, match=r"^The 'weights' parameter of build_report must be None for data other than the "
                                         r"course's digits"):
        report.build_report(tmp_path / "out", data="digits8", weights="ex4weights.mat")
    npz = tmp_path / "multi.npz"
    np.savez(npz, X=np.zeros((6, 2)), y=np.array([[0, 1], [1, 0], [1, 1]] * 2))
    with pytest.raises(ValueError, match=r"^The 'data' parameter of build_report must be data with one label per row"):
        report.build_report(tmp_path / "out", data=npz)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("fixture", ["csv_report", "regression_report", "planar_report", "image_report"])
def test_reports_open_in_headless_chromium(request, fixture, tmp_path):
    if not CHROMIUM.is_file():
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    path, html = request.getfixturevalue(fixture)[:2]
    headings, _ = parse(html)
    errors = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("pageerror", lambda err: errors.append(f"pageerror: {err}"))
            page.on("requestfailed", lambda req: errors.append(f"requestfailed: {req.url[:80]}"))
            page.goto(path.resolve().as_uri(), wait_until="load")
            images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])")
            shown = page.evaluate("Array.from(document.querySelectorAll('h2')).map(h => h.textContent.trim())")
            wide = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert shown == headings
    assert images and all(complete and width > 0 for complete, width, _ in images)
    assert wide  # nothing sticks out sideways
    assert (tmp_path / "page.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
