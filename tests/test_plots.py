"""Tests for nnlearn.plots: what is drawn, not only that it runs."""

import io
import os
import re
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytestmark = pytest.mark.filterwarnings("error")  # no singular limits, no leaks

from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from nnlearn import plots  # noqa: E402
from nnlearn.display import FigureDisplay  # noqa: E402


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture(scope="module")
def digits():
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.load_digits(return_X_y=True)
    return X[:60], y[:60]  # (60, 64) row-major 8x8 images, labels 0..9


def _image(fig):
    """The pixel array shown in the figure's first axes."""
    return np.asarray(fig.ax_.images[0].get_array())


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def _blobs():
    datasets = pytest.importorskip("sklearn.datasets")
    return datasets.make_blobs(n_samples=45, centers=3, random_state=0)


# ------------------------------------------------------------ rows_to_images
def test_rows_to_images_column_major_is_reshape_then_transpose(rng):
    images = rng.normal(size=(3, 20, 20))
    X = np.stack([im.ravel(order="F") for im in images])  # as in ex4data1.mat
    np.testing.assert_array_equal(plots.rows_to_images(X), images)
    np.testing.assert_array_equal(plots.rows_to_images(X)[1], X[1].reshape(20, 20).T)


def test_rows_to_images_row_major(rng):
    images = rng.normal(size=(2, 28, 28))
    X = images.reshape(2, -1)  # row-major, as MNIST and sklearn digits
    np.testing.assert_array_equal(plots.rows_to_images(X, order="C"), images)


# ---------------------------------------------------------------- image_grid
def test_image_grid_layout_padding_and_per_patch_scaling(rng):
    images = rng.uniform(-3, 2, size=(5, 3, 4))  # h=3, w=4
    grid = plots.image_grid(images)
    # 5 images: floor(sqrt(5)) = 2 rows, ceil(5 / 2) = 3 columns.
    assert grid.shape == (1 + 2 * (3 + 1), 1 + 3 * (4 + 1))
    # Padding rows/columns between and around patches are -1.
    for r in (0, 4, 8):
        np.testing.assert_array_equal(grid[r, :], -1.0)
    for c in (0, 5, 10, 15):
        np.testing.assert_array_equal(grid[:, c], -1.0)
    # The sixth cell has no image: all padding.
    np.testing.assert_array_equal(grid[5:8, 11:15], -1.0)
    for k in range(5):
        r, c = divmod(k, 3)
        top, left = 1 + r * 4, 1 + c * 5
        patch = grid[top:top + 3, left:left + 4]
        np.testing.assert_allclose(patch, images[k] / np.abs(images[k]).max())
        assert np.abs(patch).max() == pytest.approx(1.0)


def test_image_grid_keeps_sign_zero_image_and_custom_padding():
    images = np.array([[[-4.0, 2.0], [0.0, 1.0]], np.zeros((2, 2))])
    grid = plots.image_grid(images, pad=2, pad_value=0.5)
    # 2 images: 1 row, 2 columns; 2-pixel border of 0.5.
    assert grid.shape == (2 + 1 * 4, 2 + 2 * 4)
    np.testing.assert_array_equal(grid[2:4, 2:4], [[-1.0, 0.5], [0.0, 0.25]])
    np.testing.assert_array_equal(grid[2:4, 6:8], 0.0)  # zero image stays zero
    assert np.all(grid[:2] == 0.5) and np.all(grid[:, :2] == 0.5)


def test_image_grid_accepts_list_of_2d_arrays():
    grid = plots.image_grid([np.ones((2, 2)), 2 * np.ones((2, 2))])
    np.testing.assert_array_equal(grid[1:3, 1:3], 1.0)
    np.testing.assert_array_equal(grid[1:3, 4:6], 1.0)


# --------------------------------------------------------------- digits_grid
def test_digits_grid_shows_the_random_pick_and_is_deterministic(digits):
    X, _ = digits
    fig = plots.digits_grid(X, n=10, random_state=3, order="C")
    assert isinstance(fig, plots.ImageGridDisplay) and len(fig.figure_.axes) == 1
    idx = np.random.default_rng(3).choice(len(X), size=10, replace=False)
    expected = plots.image_grid(X[idx].reshape(10, 8, 8))
    np.testing.assert_array_equal(_image(fig), expected)
    # 10 images: 3 rows x 4 columns of 8x8 patches with 1-pixel padding.
    assert _image(fig).shape == (1 + 3 * 9, 1 + 4 * 9)
    again = plots.digits_grid(X, n=10, random_state=3, order="C")
    np.testing.assert_array_equal(_image(again), _image(fig))
    other = plots.digits_grid(X, n=10, random_state=4, order="C")
    assert not np.array_equal(_image(other), _image(fig))


def test_digits_grid_gray_colormap_over_minus_one_to_one(digits):
    fig = plots.digits_grid(digits[0], n=4, random_state=0, order="C")
    image = fig.ax_.images[0]
    assert image.get_cmap().name == "gray"
    assert image.get_clim() == (-1.0, 1.0)


def test_digits_grid_n_at_least_m_shows_all_rows_in_order(rng):
    X = rng.normal(size=(7, 400))  # 20x20, column-major like ex4data1
    fig = plots.digits_grid(X, n=100)
    np.testing.assert_array_equal(_image(fig), plots.image_grid(plots.rows_to_images(X)))
    assert _image(fig).shape == (1 + 2 * 21, 1 + 4 * 21)  # 7 -> 2 rows x 4 columns


def test_digits_grid_column_major_digit_is_upright():
    image = np.zeros((20, 20))
    image[0, 5] = 1.0  # a mark in the top row, column 5
    X = image.ravel(order="F")[None, :]
    grid = _image(plots.digits_grid(X))
    assert grid[1, 1 + 5] == 1.0  # after the 1-pixel border
    assert grid[1 + 5, 1] == 0.0  # not transposed


def test_digits_grid_draws_on_given_ax(digits):
    fig = Figure()
    ax1, ax2 = fig.subplots(1, 2)
    out = plots.digits_grid(digits[0], n=4, random_state=0, order="C", ax=ax2)
    assert out.figure_ is fig and out.ax_ is ax2
    assert len(ax2.images) == 1 and len(ax1.images) == 0


# -------------------------------------------------------------- hidden_units
def test_hidden_units_drops_bias_and_grids_weights(rng):
    theta1 = rng.normal(size=(5, 1 + 16))
    theta1[:, 0] = 1000.0  # a bias that leaked in would dominate the scaling
    fig = plots.hidden_units(theta1)
    expected = plots.image_grid(theta1[:, 1:].reshape(5, 4, 4).transpose(0, 2, 1))
    np.testing.assert_array_equal(_image(fig), expected)
    assert _image(fig).shape == (1 + 2 * 5, 1 + 3 * 5)  # 5 units -> 2 x 3 grid
    c_order = plots.hidden_units(theta1, order="C")
    np.testing.assert_array_equal(
        _image(c_order), plots.image_grid(theta1[:, 1:].reshape(5, 4, 4))
    )


# ------------------------------------------------------------ learning_curve
def test_learning_curve_one_run():
    fig = plots.learning_curve([3.0, 2.0, 1.5, 1.2])
    ax = fig.ax_
    assert len(ax.lines) == 1
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [0, 1, 2, 3])  # entry k is the cost after k iterations
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [3.0, 2.0, 1.5, 1.2])
    assert ax.get_yscale() == "linear"
    assert ax.get_legend() is None


def test_learning_curve_several_runs_with_labels_and_log_scale():
    runs = [[3.0, 2.0, 1.0], np.array([4.0, 3.0, 2.5, 2.0]), (5.0, 0.5)]
    fig = plots.learning_curve(runs, labels=["a", "b", "c"], log=True)
    ax = fig.ax_
    assert len(ax.lines) == 3
    assert [len(line.get_xdata()) for line in ax.lines] == [3, 4, 2]
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]


def test_learning_curve_2d_array_is_one_run_per_row():
    fig = plots.learning_curve(np.ones((2, 5)))
    assert len(fig.ax_.lines) == 2


# --------------------------------------------------------- decision_boundary
class _Recorder:
    """A callable classifier that keeps the grid it was asked about."""

    def __call__(self, X_grid):
        self.X_grid = X_grid
        return (X_grid[:, 0] > X_grid[:, 1]).astype(int)


def test_decision_boundary_limits_are_bounding_box_plus_margin():
    X = np.array([[0.0, -1.0], [2.0, 3.0], [1.0, 1.0]])
    y = np.array([0, 1, 0])
    f = _Recorder()
    fig = plots.decision_boundary(f, X, y, resolution=30, padding=0.25)
    ax = fig.ax_
    # x range [0, 2] (width 2), y range [-1, 3] (height 4); margin = 0.25 * size.
    assert ax.get_xlim() == pytest.approx((-0.5, 2.5))
    assert ax.get_ylim() == pytest.approx((-2.0, 4.0))
    # The model was asked about a 30 x 30 grid spanning exactly those limits.
    assert f.X_grid.shape == (900, 2)
    np.testing.assert_allclose(f.X_grid.min(axis=0), [-0.5, -2.0])
    np.testing.assert_allclose(f.X_grid.max(axis=0), [2.5, 4.0])


def test_decision_boundary_zero_padding_and_constant_coordinate():
    X = np.array([[1.0, 5.0], [3.0, 5.0]])  # all samples share y = 5
    fig = plots.decision_boundary(lambda G: np.zeros(len(G)), X, [0, 0], padding=0.0)
    assert fig.ax_.get_xlim() == pytest.approx((1.0, 3.0))
    assert fig.ax_.get_ylim() == pytest.approx((4.5, 5.5))  # box is 5 +- 0.5
    fig = plots.decision_boundary(lambda G: np.zeros(len(G)), X, [0, 0], padding=0.5)
    assert fig.ax_.get_xlim() == pytest.approx((0.0, 4.0))
    assert fig.ax_.get_ylim() == pytest.approx((4.0, 6.0))  # + 0.5 * height 1


def test_decision_boundary_points_colored_by_class():
    X, y = _blobs()
    fig = plots.decision_boundary(_Recorder(), X, y, resolution=20)
    ax = fig.ax_
    scatters = [c for c in ax.collections if len(c.get_offsets()) > 0
                and c.get_offsets().shape[1] == 2 and c.get_label() in {"0", "1", "2"}]
    assert sorted(c.get_label() for c in scatters) == ["0", "1", "2"]
    for c in scatters:
        np.testing.assert_array_equal(c.get_offsets(), X[y == int(c.get_label())])
    colors = {tuple(np.round(c.get_facecolor()[0], 6)) for c in scatters}
    assert len(colors) == 3
    # Region k of the filled contour has the color of class k's points.
    regions = [c for c in ax.collections if isinstance(c, ContourSet)][0]
    np.testing.assert_allclose(regions.get_facecolor()[:, :3],
                               [c.get_facecolor()[0][:3] for c in scatters])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["0", "1", "2"]


@pytest.mark.parametrize("make_model", ["logistic", "knn"])
def test_decision_boundary_with_sklearn_classifiers(make_model):
    X, y = _blobs()
    names = np.array(["ant", "bee", "cat"])[y]  # string labels work too
    if make_model == "logistic":
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression().fit(X, names)
    else:
        from sklearn.neighbors import KNeighborsClassifier

        model = KNeighborsClassifier(n_neighbors=3).fit(X, names)
    fig = plots.decision_boundary(model, X, names, resolution=25)
    ax = fig.ax_
    lo, hi = X.min(axis=0), X.max(axis=0)
    assert ax.get_xlim() == pytest.approx((lo[0] - 0.1 * (hi[0] - lo[0]),
                                           hi[0] + 0.1 * (hi[0] - lo[0])))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["ant", "bee", "cat"]
    fig.savefig(io.BytesIO(), format="png", dpi=30)


# ---------------------------------------------------------- confusion_matrix
def test_confusion_table_hand_worked():
    y_true = [0, 0, 1, 2, 2, 2]
    y_pred = [0, 1, 1, 2, 0, 2]
    labels, counts = plots.confusion_table(y_true, y_pred)
    np.testing.assert_array_equal(labels, [0, 1, 2])
    # row = true label, column = predicted label
    np.testing.assert_array_equal(counts, [[1, 1, 0],
                                           [0, 1, 0],
                                           [1, 0, 2]])


@pytest.mark.parametrize("labels", [None, [2, 0, 5], ["x"]])
def test_confusion_table_matches_sklearn(rng, labels):
    metrics = pytest.importorskip("sklearn.metrics")
    y_true = rng.integers(0, 4, size=50)
    y_pred = rng.integers(0, 4, size=50)
    if labels == ["x"]:
        y_true, y_pred, labels = y_true.astype(str), y_pred.astype(str), ["3", "1"]
    got_labels, counts = plots.confusion_table(y_true, y_pred, labels)
    expected = metrics.confusion_matrix(y_true, y_pred, labels=labels)
    np.testing.assert_array_equal(counts, expected)
    if labels is not None:
        np.testing.assert_array_equal(got_labels, labels)


def test_confusion_matrix_draws_counts_and_labels():
    y_true = ["cat", "cat", "dog", "dog", "dog"]
    y_pred = ["cat", "dog", "dog", "dog", "cat"]
    fig = plots.confusion_matrix(y_true, y_pred)
    ax = fig.ax_
    np.testing.assert_array_equal(ax.images[0].get_array(), [[1, 1], [1, 2]])
    assert _texts(ax) == ["1", "1", "1", "2"]  # row by row
    assert [(t.get_position()) for t in ax.texts] == [(0, 0), (1, 0), (0, 1), (1, 1)]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["cat", "dog"]
    assert ax.get_xlabel() == "predicted label" and ax.get_ylabel() == "true label"


# ------------------------------------------------------------- misclassified
def test_misclassified_shows_only_mistakes_with_true_pred_text(digits):
    X, y = digits
    X, y = X[:20], y[:20]
    y_pred = y.copy()
    wrong = [2, 7, 11]
    y_pred[wrong] = (y[wrong] + 1) % 10
    fig = plots.misclassified(X, y, y_pred, order="C")
    ax = fig.ax_
    np.testing.assert_array_equal(_image(fig), plots.image_grid(X[wrong].reshape(3, 8, 8)))
    assert _texts(ax) == [f"{y[i]}/{y_pred[i]}" for i in wrong]
    # 3 images -> 1 row x 3 columns; each label at its patch's top-left pixel.
    assert [t.get_position() for t in ax.texts] == [(1, 1), (10, 1), (19, 1)]


def test_misclassified_caps_at_n_with_reproducible_pick(digits):
    X, y = digits
    y_pred = (y + 1) % 10  # every sample wrong
    fig = plots.misclassified(X, y, y_pred, n=6, order="C", random_state=1)
    texts = _texts(fig.ax_)
    assert len(texts) == 6
    pick = np.sort(np.random.default_rng(1).choice(np.arange(len(X)), size=6, replace=False))
    assert texts == [f"{y[i]}/{y_pred[i]}" for i in pick]
    again = plots.misclassified(X, y, y_pred, n=6, order="C", random_state=1)
    assert _texts(again.ax_) == texts
    assert _image(fig).shape == (1 + 2 * 9, 1 + 3 * 9)  # 6 -> 2 rows x 3 columns


def test_misclassified_no_mistakes(digits):
    X, y = digits
    fig = plots.misclassified(X, y, y, order="C")
    ax = fig.ax_
    assert _texts(ax) == ["no misclassified samples"]
    assert len(ax.images) == 0


# ------------------------------------------------------------- sweep_heatmap
RESULTS = [
    {"alpha": 1.0, "max_iter": 50, "train_accuracy": 0.90, "seed": 0},
    {"alpha": 1.0, "max_iter": 50, "train_accuracy": 0.80, "seed": 1},
    {"alpha": 0.0, "max_iter": 50, "train_accuracy": 0.95, "seed": 0},
    {"alpha": 0.0, "max_iter": 10, "train_accuracy": 0.60, "seed": 0},
    {"alpha": 0.0, "max_iter": 10, "train_accuracy": 0.70, "seed": 1},
    {"alpha": 0.0, "max_iter": 10, "train_accuracy": 0.65, "seed": 2},
]


def test_sweep_table_averages_seeds_and_sorts_axes():
    alphas, max_iters, matrix = plots.sweep_table(RESULTS)
    np.testing.assert_array_equal(alphas, [0.0, 1.0])
    np.testing.assert_array_equal(max_iters, [10, 50])
    # (0, 10): mean(0.60, 0.70, 0.65) = 0.65; (0, 50): 0.95;
    # (1, 10): no record -> NaN; (1, 50): mean(0.90, 0.80) = 0.85.
    np.testing.assert_allclose(matrix, [[0.65, 0.95], [np.nan, 0.85]])


def test_sweep_table_other_metric():
    results = [dict(r, test_accuracy=r["train_accuracy"] / 2) for r in RESULTS]
    _, _, matrix = plots.sweep_table(results, metric="test_accuracy")
    np.testing.assert_allclose(matrix, [[0.325, 0.475], [np.nan, 0.425]])


def test_sweep_heatmap_draws_matrix_annotations_and_ticks():
    fig = plots.sweep_heatmap(RESULTS)
    ax = fig.ax_
    shown = np.ma.filled(ax.images[0].get_array().astype(float), np.nan)
    np.testing.assert_allclose(shown, [[0.65, 0.95], [np.nan, 0.85]])
    assert _texts(ax) == ["0.65", "0.95", "n/a", "0.85"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["10", "50"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "1"]
    assert ax.get_xlabel() == "max_iter" and ax.get_ylabel() == "alpha"
    assert len(fig.figure_.axes) == 2 and fig.figure_.axes[1].get_ylabel() == "train_accuracy"  # colorbar


# ------------------------------------------------------- every figure renders
@pytest.mark.parametrize("name", ["digits", "hidden", "curve", "boundary", "confusion",
                                  "mistakes", "sweep"])
def test_every_figure_renders_and_can_draw_on_given_ax(name, digits):
    X, y = digits
    calls = {
        "digits": lambda ax: plots.digits_grid(X, n=9, random_state=0, order="C", ax=ax),
        "hidden": lambda ax: plots.hidden_units(np.ones((4, 65)), order="C", ax=ax),
        "curve": lambda ax: plots.learning_curve([2.0, 1.0], ax=ax),
        "boundary": lambda ax: plots.decision_boundary(
            _Recorder(), X[:, :2] + X[:, 2:4], y, resolution=10, ax=ax),
        "confusion": lambda ax: plots.confusion_matrix(y, y[::-1], ax=ax),
        "mistakes": lambda ax: plots.misclassified(X, y, y[::-1], order="C", ax=ax),
        "sweep": lambda ax: plots.sweep_heatmap(RESULTS, ax=ax),
    }
    fig = calls[name](None)
    assert isinstance(fig, FigureDisplay) and isinstance(fig.figure_, Figure) and fig.ax_ in fig.figure_.axes
    fig.savefig(io.BytesIO(), format="png", dpi=30)
    given = Figure()
    ax = given.add_subplot()
    assert calls[name](ax).figure_ is given
    assert ax.has_data() or ax.texts


def test_no_pyplot_no_gui():
    code = (
        "import sys, numpy as np\n"
        "from nnlearn import plots\n"
        "plots.digits_grid(np.ones((4, 64)), order='C')\n"
        "plots.learning_curve([1.0, 0.5])\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "MPLBACKEND"}}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    assert out.stdout.strip() == "False"


# -------------------------------------------------------------------- errors
def _says(door, name, rule, got):
    """The pattern of nnlearn's one message shape; ``rule`` and ``got`` are regular expressions."""
    return rf"^The '{re.escape(name)}' parameter of {door} must be {rule}\. Got {got} instead\."


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: plots.rows_to_images(np.ones(64)), ValueError,
         _says("rows_to_images", "X", r"a 2-D array of numbers of shape \(m, side \* side\): .*", r"a 1-D array of shape \(64,\)")
         + r" Reshape a single image with X\.reshape\(1, -1\)\.$"),
        (lambda: plots.rows_to_images(np.ones((2, 10))), ValueError,
         _says("rows_to_images", "X", ".*", "10 features, not a square number")),
        (lambda: plots.rows_to_images(np.ones((2, 0))), ValueError,
         _says("rows_to_images", "X", ".*", "0 features, not a square number")),
        (lambda: plots.rows_to_images(np.ones((2, 4)), order="A"), ValueError,
         _says("rows_to_images", "order", r"a str among \['F', 'C'\]", "'A'")),
        (lambda: plots.rows_to_images(np.ones((2, 4)), order=None), TypeError,
         _says("rows_to_images", "order", r"a str among \['F', 'C'\]", "None")),
        (lambda: plots.rows_to_images([["a", "b"]]), TypeError,
         _says("rows_to_images", "X", "a 2-D array of numbers .*", "an array of dtype <U1")),
        (lambda: plots.image_grid(np.ones((2, 2))), ValueError,
         _says("image_grid", "images", r"a 3-D array of numbers of shape \(m, h, w\) with m >= 1", r"a 2-D array of shape \(2, 2\)")),
        (lambda: plots.image_grid(np.ones((0, 2, 2))), ValueError,
         _says("image_grid", "images", r".* with m >= 1", r"a 3-D array of shape \(0, 2, 2\)")),
        (lambda: plots.image_grid(np.ones((1, 2, 2)), pad=-1), ValueError,
         _says("image_grid", "pad", r"an int in the range \[0, inf\)", "-1")),
        (lambda: plots.image_grid(np.ones((1, 2, 2)), pad=1.5), TypeError,
         _says("image_grid", "pad", r"an int in the range \[0, inf\)", r"1\.5")),
        (lambda: plots.image_grid(np.ones((1, 2, 2)), pad_value="0"), TypeError,
         _says("image_grid", "pad_value", r"a float in the range \(-inf, inf\)", "'0'")),
        (lambda: plots.digits_grid(np.ones((0, 64))), ValueError,
         _says("digits_grid", "X", r"a 2-D array .* with at least 1 row: .*", r"a 2-D array of shape \(0, 64\)")),
        (lambda: plots.digits_grid(np.ones((3, 64)), n=0), ValueError,
         _says("digits_grid", "n", r"an int in the range \[1, inf\)", "0")),
        (lambda: plots.digits_grid(np.ones((3, 64)), n=2.0), TypeError,
         _says("digits_grid", "n", r"an int in the range \[1, inf\)", r"2\.0")),
        (lambda: plots.digits_grid(np.ones((3, 64)), ax="left"), TypeError,
         _says("digits_grid", "ax", "a matplotlib Axes or None", "'left'")),
        (lambda: plots.digits_grid(np.ones((3, 64)), n=2, random_state="x", order="C"), TypeError,
         _says("digits_grid", "random_state", r"None, an int >= 0 or a numpy\.random\.Generator", "'x'")),
        # random_state is checked even when the pick does not need it (n >= m: every row is shown).
        (lambda: plots.digits_grid(np.ones((3, 64)), n=5, random_state=-1), ValueError,
         _says("digits_grid", "random_state", r"None, an int >= 0 .*", "-1")),
        (lambda: plots.misclassified(np.ones((3, 4)), [0, 0, 0], [1, 1, 1], n=1, random_state=-1),
         ValueError, _says("misclassified", "random_state", r"None, an int >= 0 or a numpy\.random\.Generator", "-1")),
        (lambda: plots.hidden_units(np.ones(5)), ValueError,
         _says("hidden_units", "theta1", r"a 2-D array of numbers of shape \(s2, 1 \+ side \* side\) with s2 >= 1: .*",
               r"a 1-D array of shape \(5,\)")),
        (lambda: plots.hidden_units(np.ones((3, 1))), ValueError,
         _says("hidden_units", "theta1", ".*", r"a 2-D array of shape \(3, 1\)")),
        (lambda: plots.hidden_units(np.ones((0, 5))), ValueError,
         _says("hidden_units", "theta1", ".*", r"a 2-D array of shape \(0, 5\)")),
        (lambda: plots.hidden_units(np.ones((3, 11))), ValueError,
         _says("hidden_units", "theta1", ".*", r"11 columns \(n = 10 input weights\)")),
        (lambda: plots.hidden_units(np.ones((3, 5)), order="c"), ValueError,
         _says("hidden_units", "order", r"a str among \['F', 'C'\]", "'c'")),
        (lambda: plots.learning_curve([]), ValueError,
         _says("learning_curve", "cost_history", ".* with at least one run", "an empty sequence")),
        (lambda: plots.learning_curve(5), TypeError,
         _says("learning_curve", "cost_history", r"a sequence of numbers \(one run\), .*", "5")),
        (lambda: plots.learning_curve([[1.0], []]), ValueError,
         _says("learning_curve", "cost_history[1]", r"a non-empty 1-D sequence of numbers \(one run\)", r"a 1-D array of shape \(0,\)")),
        (lambda: plots.learning_curve(np.ones((2, 2, 2))), ValueError,
         _says("learning_curve", "cost_history", ".*", r"a 3-D array of shape \(2, 2, 2\)")),
        (lambda: plots.learning_curve([[1.0], ["x"]]), TypeError,
         _says("learning_curve", "cost_history[1]", r"a non-empty 1-D sequence of numbers \(one run\)", "an array of dtype <U1")),
        (lambda: plots.learning_curve([[1.0], [2.0]], labels=["a"]), ValueError,
         _says("learning_curve", "labels", r"None, a str or a sequence of 2 labels \(one per run of cost_history\)", "1 labels")),
        (lambda: plots.learning_curve([[1.0], [2.0]], labels=3), TypeError,
         _says("learning_curve", "labels", r"None, a str or a sequence of 2 labels .*", "3")),
        (lambda: plots.learning_curve([1.0, 0.0], log=True), ValueError,
         _says("learning_curve", "cost_history", "positive costs for log=True", r"cost_history\[0\] with minimum 0")),
        (lambda: plots.learning_curve([1.0, 0.5], log="yes"), TypeError,
         _says("learning_curve", "log", r"a bool \(True or False\)", "'yes'")),
        (lambda: plots.decision_boundary(_Recorder(), np.ones((3, 3)), [0, 1, 0]), ValueError,
         _says("decision_boundary", "X", r"a 2-D array of finite numbers of shape \(m, 2\) with m >= 1: points in the plane",
               r"a 2-D array of shape \(3, 3\)")),
        (lambda: plots.decision_boundary(_Recorder(), [[0.0, np.nan]], [0]), ValueError,
         _says("decision_boundary", "X", ".*", "an array containing NaN or infinity")),
        (lambda: plots.decision_boundary(_Recorder(), np.ones((3, 2)), [0, 1]), ValueError,
         _says("decision_boundary", "y", r"a 1-D array of 3 labels \(one per row of X\)", "2 labels")),
        (lambda: plots.decision_boundary(_Recorder(), np.ones((2, 2)), [[0, 1]]), ValueError,
         _says("decision_boundary", "y", r"a 1-D array of 2 labels .*", r"a 2-D array of shape \(1, 2\)")),
        (lambda: plots.decision_boundary(42, np.ones((2, 2)), [0, 1]), TypeError,
         _says("decision_boundary", "model", "an estimator with a predict method, or a callable", "42")),
        (lambda: plots.decision_boundary(_Recorder(), np.ones((2, 2)), [0, 1], resolution=1),
         ValueError, _says("decision_boundary", "resolution", r"an int in the range \[2, inf\)", "1")),
        (lambda: plots.decision_boundary(_Recorder(), np.ones((2, 2)), [0, 1], resolution=0),
         ValueError, _says("decision_boundary", "resolution", r"an int in the range \[2, inf\)", "0")),
        (lambda: plots.decision_boundary(_Recorder(), np.ones((2, 2)), [0, 1], padding=-0.1),
         ValueError, _says("decision_boundary", "padding", r"a float in the range \[0\.0, inf\)", r"-0\.1")),
        (lambda: plots.decision_boundary(_Recorder(), np.ones((2, 2)), [0, 1], padding="1"),
         TypeError, _says("decision_boundary", "padding", r"a float in the range \[0\.0, inf\)", "'1'")),
        (lambda: plots.decision_boundary(lambda G: [0, 1], np.ones((2, 2)), [0, 1],
                                         resolution=5),
         ValueError, _says("decision_boundary", "model", "a classifier that returns one label per point it is given",
                           "2 labels for 25 grid points")),
        (lambda: plots.confusion_table([[0]], [0]), ValueError,
         _says("confusion_table", "y_true", "a 1-D array of labels", r"a 2-D array of shape \(1, 1\)")),
        (lambda: plots.confusion_table([0], [[0]]), ValueError,
         _says("confusion_table", "y_pred", r"a 1-D array of 1 labels \(one per entry of y_true\)", r"a 2-D array of shape \(1, 1\)")),
        (lambda: plots.confusion_table([0, 1], [0]), ValueError,
         _says("confusion_table", "y_pred", r"a 1-D array of 2 labels \(one per entry of y_true\)", "1 labels")),
        (lambda: plots.confusion_table([], []), ValueError,
         _says("confusion_table", "y_true", "a non-empty array of labels when labels is None", "an empty array")),
        (lambda: plots.confusion_table([0], [0], labels=[]), ValueError,
         _says("confusion_table", "labels", "a non-empty 1-D array of distinct labels or None", "an empty array")),
        (lambda: plots.confusion_table([0], [0], labels=[0, 0]), ValueError,
         _says("confusion_table", "labels", "a non-empty 1-D array of distinct labels or None", r"\[0, 0\] \(with duplicates\)")),
        (lambda: plots.confusion_table([[0], [1, 2]], [0, 1]), ValueError,
         _says("confusion_table", "y_true", "a 1-D array of labels", r"\[\[0\], \[1, 2\]\]")),
        (lambda: plots.confusion_matrix([0, 1], [0]), ValueError,
         _says("confusion_matrix", "y_pred", r"a 1-D array of 2 labels \(one per entry of y_true\)", "1 labels")),
        (lambda: plots.confusion_matrix([0], [0], labels=[[0]]), ValueError,
         _says("confusion_matrix", "labels", "a 1-D array of labels", r"a 2-D array of shape \(1, 1\)")),
        (lambda: plots.confusion_matrix([0], [0], ax=1), TypeError,
         _says("confusion_matrix", "ax", "a matplotlib Axes or None", "1")),
        (lambda: plots.misclassified(np.ones((2, 4)), [0, 1, 1], [0, 1]), ValueError,
         _says("misclassified", "y_true", r"a 1-D array of 2 labels \(one per row of X\)", "3 labels")),
        (lambda: plots.misclassified(np.ones((2, 4)), [0, 1], [0, 1], n=0), ValueError,
         _says("misclassified", "n", r"an int in the range \[1, inf\)", "0")),
        (lambda: plots.misclassified(np.ones((2, 5)), [0, 1], [0, 1]), ValueError,
         _says("misclassified", "X", ".*", "5 features, not a square number")),
        (lambda: plots.sweep_table([]), ValueError,
         _says("sweep_table", "results", "a non-empty sequence of dicts with the keys 'alpha', 'max_iter' and 'train_accuracy'",
               "an empty sequence")),
        (lambda: plots.sweep_table({"alpha": 1}), TypeError,
         _says("sweep_table", "results", "a non-empty sequence of dicts .*", r"\{'alpha': 1\}")),
        (lambda: plots.sweep_table([RESULTS[0], 3]), TypeError,
         _says("sweep_table", "results[1]", "a dict", "3")),
        (lambda: plots.sweep_table([{"alpha": 0, "train_accuracy": 1}]), ValueError,
         _says("sweep_table", "results[0]", r"a dict with the keys \['alpha', 'max_iter', 'train_accuracy'\]",
               r"a dict without 'max_iter' \(its keys are \['alpha', 'train_accuracy'\]\)")),
        (lambda: plots.sweep_table(RESULTS, metric="loss"), ValueError,
         _says("sweep_table", "results[0]", r"a dict with the keys \['alpha', 'max_iter', 'loss'\]", "a dict without 'loss' .*")),
        (lambda: plots.sweep_table(RESULTS, metric=["loss"]), TypeError,
         _says("sweep_table", "metric", r"a str \(a key of the records\)", r"\['loss'\]")),
        (lambda: plots.sweep_table([{"alpha": "big", "max_iter": 1, "train_accuracy": 1}]),
         TypeError, _says("sweep_table", "results[0]['alpha']", "a real number", "'big'")),
        (lambda: plots.sweep_table([{"alpha": 0, "max_iter": 1, "train_accuracy": True}]),
         TypeError, _says("sweep_table", "results[0]['train_accuracy']", "a real number", "True")),
        (lambda: plots.sweep_heatmap([RESULTS[0], 3]), TypeError,
         _says("sweep_heatmap", "results[1]", "a dict", "3")),
        (lambda: plots.sweep_heatmap(RESULTS, ax=plots), TypeError,
         _says("sweep_heatmap", "ax", "a matplotlib Axes or None", "<module 'nnlearn.plots' .*")),
    ],
)
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_sweep_table_accepts_a_failed_run():
    # A failed run's metric is NaN (nnlearn.sweep): its cell shows "n/a", the others their means.
    results = RESULTS + [{"alpha": 1.0, "max_iter": 10, "train_accuracy": float("nan")}]
    _, _, matrix = plots.sweep_table(results)
    np.testing.assert_allclose(matrix, [[0.65, 0.95], [np.nan, 0.85]])
    assert "n/a" in _texts(plots.sweep_heatmap(results).ax_)



# -- regression figures: predicted_vs_true and residuals -------------------------------------------------------


def test_predicted_vs_true_draws_each_point_and_the_diagonal(rng):
    y = rng.normal(size=30)
    h = y + 0.3 * rng.normal(size=30)
    fig = plots.predicted_vs_true(y, h)
    assert isinstance(fig, plots.PredictedVsTrueDisplay) and fig.ax_ is fig.figure_.axes[0]
    ax = fig.ax_
    np.testing.assert_array_equal(ax.collections[0].get_offsets(), np.column_stack([y, h]))
    xs, ys = ax.lines[0].get_data()
    np.testing.assert_array_equal(xs, ys)  # the diagonal predicted = true
    lo, hi = ax.get_xlim()
    assert (lo, hi) == ax.get_ylim() and lo < min(y.min(), h.min()) and hi > max(y.max(), h.max())
    assert (xs[0], xs[-1]) == (lo, hi)
    from sklearn.metrics import r2_score

    assert f"R^2 = {r2_score(y, h):.3f}" in _texts(ax)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("true value", "predicted value")


def test_residuals_are_true_minus_predicted_against_predicted(rng):
    y = rng.normal(size=(20, 2))
    h = y + rng.normal(size=(20, 2))
    fig = plots.residuals(y, h)
    ax = fig.axes[0]
    assert len(ax.collections) == 2  # one scatter per output
    for j in range(2):
        np.testing.assert_array_equal(ax.collections[j].get_offsets(), np.column_stack([h[:, j], y[:, j] - h[:, j]]))
    assert list(ax.lines[0].get_ydata()) == [0.0, 0.0]
    assert f"RMSE = {np.sqrt(np.mean((y - h) ** 2)):.4g}" in _texts(ax)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["output 0", "output 1"]


def test_regression_figures_draw_on_a_given_axes_and_a_perfect_fit(rng):
    from matplotlib.figure import Figure as F

    fig = F()
    left, right = fig.subplots(1, 2)
    y = np.array([2.0, 2.0, 2.0])  # all targets equal, predicted exactly: limits still span something
    assert plots.predicted_vs_true(y, y, ax=left).figure_ is fig
    assert plots.residuals(y, y, ax=right).ax_ is right
    lo, hi = left.get_xlim()
    assert lo < 2.0 < hi


@pytest.mark.parametrize("function", [plots.predicted_vs_true, plots.residuals])
@pytest.mark.parametrize(
    "y_true, y_pred, error, match",
    [
        (np.zeros(3), np.zeros(4), ValueError, r"'y_pred' parameter of {door} must be an array of finite numbers of shape "
                                               r"\(3,\) \(the shape of y_true\)\. Got a 1-D array of shape \(4,\) instead\."),
        (np.zeros((3, 2)), np.zeros(3), ValueError, r"'y_pred' parameter of {door} must be an array of finite numbers of shape \(3, 2\)"),
        (np.zeros((2, 2, 2)), np.zeros((2, 2, 2)), ValueError, r"'y_true' parameter of {door} must be a 1-D or 2-D array"),
        (np.zeros(0), np.zeros(0), ValueError, r"'y_true' parameter of {door} must be a 1-D or 2-D array .* with m >= 1"),
        (np.array([1.0, np.nan]), np.zeros(2), ValueError, r"'y_true' parameter of {door} .* Got an array containing NaN"),
        (np.zeros(2), np.array([np.inf, 0.0]), ValueError, r"'y_pred' parameter of {door} .* Got an array containing NaN"),
        (np.array(["a", "b"]), np.zeros(2), TypeError, r"'y_true' parameter of {door} must be a 1-D or 2-D array of finite numbers"),
    ],
)
def test_regression_figures_check_their_arguments(function, y_true, y_pred, error, match):
    with pytest.raises(error, match=match.format(door=function.__name__)):
        function(y_true, y_pred)
    with pytest.raises(TypeError, match=rf"The 'ax' parameter of {function.__name__} must be a matplotlib Axes or None"):
        function(np.zeros(2), np.zeros(2), ax="left")
