"""Tests for nnlearn.datasets' data sources: the table of built-in sets, CSV/TSV, .npz, any .mat, Fashion-MNIST and its idx parser."""

import csv
import gzip
import io
import struct
import tracemalloc
import zipfile
import zlib

import numpy as np
import pytest
import scipy.io

from nnlearn import datasets
from nnlearn.datasets import fashion, tabular
from nnlearn.datasets.info import MAX_AUTO_CLASSES, decide_task

FASHION_INSTALLED = all(f.is_file() for pair in (fashion.fashion_mnist_files("train"), fashion.fashion_mnist_files("test"))
                        for f in pair)
needs_fashion = pytest.mark.skipif(not FASHION_INSTALLED, reason="Fashion-MNIST is not installed "
                                   "(apt-get install dataset-fashion-mnist)")
SKLEARN_SETS = {"iris": "iris", "wine": "wine", "breast_cancer": "breast_cancer", "digits8": "digits", "diabetes": "diabetes"}
PLANAR = {"spirals": datasets.make_spirals, "flower": datasets.make_flower, "circles": datasets.make_circles,
          "moons": datasets.make_moons, "xor": datasets.make_xor, "gaussians": datasets.make_gaussians}


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


# ---------------------------------------------------------------------------
# The table of built-in sets
# ---------------------------------------------------------------------------


def test_the_table_names_every_source_once():
    assert datasets.NAMES == ("digits20", "spirals", "flower", "circles", "moons", "xor", "gaussians", "iris", "wine",
                              "breast_cancer", "digits8", "diabetes", "fashion-mnist", "fashion-mnist-test")
    assert tuple(datasets.BUILTIN) == datasets.NAMES
    rows = datasets.catalog()
    assert tuple(row.name for row in rows) == datasets.NAMES
    by_name = {row.name: row for row in rows}
    assert by_name["digits20"].shape == (5000, 400) and by_name["digits20"].image_shape == (20, 20)
    assert by_name["digits20"].pixel_order == "F" and by_name["fashion-mnist"].pixel_order == "C"
    assert by_name["fashion-mnist"].shape == (60000, 784) and by_name["fashion-mnist-test"].shape == (10000, 784)
    assert by_name["digits8"].image_shape == (8, 8)
    assert {row.name for row in rows if row.kind == "regression"} == {"diabetes"}
    assert {row.name for row in rows if row.images} == {"digits20", "digits8", "fashion-mnist", "fashion-mnist-test"}
    assert {row.name for row in rows if row.family == "planar"} == set(PLANAR)
    assert all(row.source and row.format == "builtin" for row in rows)
    assert "MIT" in by_name["fashion-mnist"].source and "CC BY-SA 3.0" in by_name["digits20"].source
    assert by_name["fashion-mnist"].available == FASHION_INSTALLED
    assert dict(by_name["moons"].options) == {"noise": 0.1, "n_samples": 400, "seed": 0}
    assert dict(by_name["iris"].options) == {}
    assert "iris: 150 x 4, classification, 3 classes; Iris" in by_name["iris"].summary()
    assert "images 28x28" in by_name["fashion-mnist"].summary()


@pytest.mark.parametrize("name", [n for n in datasets.NAMES if not n.startswith("fashion")])
def test_every_built_in_set_loads_as_its_row_says(name):
    X, y, info = datasets.load(name, return_info=True)
    row = datasets.describe(name)
    assert info == row
    assert X.shape == row.shape and X.dtype == np.float64 and X.flags.c_contiguous
    assert np.all(np.isfinite(X))
    assert y.shape == (row.n_samples,)
    if row.kind == "classification":
        assert y.dtype == np.int64
        np.testing.assert_array_equal(np.unique(y), np.arange(row.n_classes))  # class indices 0..K-1
        assert len(row.class_names) == row.n_classes
    else:
        assert y.dtype == np.float64 and row.n_classes is None and row.class_names is None


@pytest.mark.parametrize("name, loader", SKLEARN_SETS.items())
def test_scikit_learns_sets_are_its_bundled_files(name, loader):
    from sklearn import datasets as sk

    bunch = getattr(sk, f"load_{loader}")()
    X, y = datasets.load(name)
    scale = 16.0 if name == "digits8" else 1.0  # digits8's intensities 0..16 become [0, 1]
    np.testing.assert_array_equal(X, bunch.data / scale)
    np.testing.assert_array_equal(y, bunch.target)
    info = datasets.describe(name)
    if name != "diabetes":
        assert info.class_names == tuple(str(c) for c in bunch.target_names)


def test_digits8_images_are_scikit_learns_images():
    from sklearn.datasets import load_digits

    images = load_digits().images  # (1797, 8, 8), upright
    X, _, info = datasets.load("digits8", return_info=True)
    for i in (0, 17, 1796):
        np.testing.assert_array_equal(info.image(X[i]), images[i] / 16)


def test_digits20_images_are_column_major():
    X, _, info = datasets.load("digits20", return_info=True)
    np.testing.assert_array_equal(info.image(X[7]), X[7].reshape(20, 20).T)
    with pytest.raises(ValueError, match=r"The 'row' parameter of DataInfo.image must be a row of digits20, of shape \(400,\). "
                                         r"Got an array of shape \(399,\) instead"):
        info.image(X[7][:-1])
    with pytest.raises(ValueError, match=r"The 'row' parameter of DataInfo.image must be a row of image data \(iris holds 4 "
                                         r"features, not images\)"):
        datasets.describe("iris").image(np.zeros(4))


def test_describe_loads_no_built_in_set(monkeypatch):
    import sklearn.datasets

    def refuse(*args, **kwargs):
        raise AssertionError("describe loaded the data")

    monkeypatch.setattr(sklearn.datasets, "load_iris", refuse)
    assert datasets.describe("iris").shape == (150, 4)
    with pytest.raises(AssertionError, match="describe loaded"):
        datasets.load("iris")  # the same patch reaches load: describe really did not call it


@pytest.mark.parametrize("name", PLANAR)
def test_planar_sets_take_noise_n_samples_and_seed(name):
    make = PLANAR[name]
    defaults = datasets.options_of(name)
    X, y = datasets.load(name)
    X0, y0 = make(n_per_class=defaults["n_samples"] // 2, noise=defaults["noise"], random_state=0)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    X, y, info = datasets.load(name, noise=0.3, n_samples=50, seed=7, return_info=True)
    X1, y1 = make(n_per_class=25, noise=0.3, random_state=7)
    np.testing.assert_array_equal(X, X1)
    np.testing.assert_array_equal(y, y1)
    assert info.n_samples == 50 and dict(info.options) == {"noise": 0.3, "n_samples": 50, "seed": 7}
    # None is the default, so a command line can pass every flag it has.
    np.testing.assert_array_equal(datasets.load(name, noise=None, n_samples=None, seed=None, target=None)[0],
                                  datasets.load(name)[0])


def test_spirals_by_name_is_the_course_spiral():
    X, y = datasets.load("spirals")
    X0, y0 = datasets.make_spirals(random_state=0)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


@pytest.mark.parametrize(
    "data, options, error, match",
    [
        ("iris", {"noise": 0.1}, ValueError,
         r"^The 'noise' parameter of load must be left unset for 'iris', which takes no options\. Got 0\.1 instead\.$"),
        ("moons", {"target": "y"}, ValueError,
         r"^The 'target' parameter of load must be left unset for 'moons', which takes only 'noise', 'n_samples', "
         r"'seed'\. Got 'y' instead\.$"),
        ("x.npz", {"header": True}, ValueError, r"left unset for 'x\.npz', which takes only 'task'"),
        ("moons", {"nosie": 0.1}, TypeError, r"^load\(\) got an unexpected keyword argument 'nosie'; the data options"),
        ("moons", {"n_samples": 401}, ValueError,
         r"^The 'n_samples' parameter of load must be an even int in the range \[2, 10000000\] \('moons' has 2 "
         r"classes of equal size\)\. Got 401 instead\.$"),
        ("moons", {"n_samples": 0}, ValueError, r"'n_samples' parameter of load must be an int in the range \[1, "),
        ("moons", {"n_samples": 2.0}, TypeError, r"'n_samples' parameter of load must be an int"),
        ("moons", {"noise": -1}, ValueError, r"'noise' parameter of load must be a float in the range \[0\.0, 1000000\.0\]"),
        ("moons", {"noise": "a"}, TypeError, r"'noise' parameter of load must be a float"),
        ("moons", {"seed": -1}, ValueError, r"'seed' parameter of load must be None, an int >= 0"),
        ("moons", {"seed": 1.5}, TypeError, r"'seed' parameter of load must be None, an int >= 0"),
        ("fashion-mnist-test", {"n_samples": 10001}, ValueError,
         r"'n_samples' parameter of load must be an int in the range \[1, 10000\] \('fashion-mnist-test' has 10000"),
        ("fashion-mnist", {"dtype": "float16"}, ValueError, r"'dtype' parameter of load must be a str among \['float64', 'float32'\]"),
        ("x.csv", {"target": 1.5}, TypeError, r"'target' parameter of load must be an int \(a column index from 0"),
        ("x.csv", {"target": True}, TypeError, r"'target' parameter of load must be an int"),
        ("x.csv", {"header": "yes"}, TypeError, r"'header' parameter of load must be a bool"),
        ("x.csv", {"task": "clf"}, ValueError,
         r"'task' parameter of load must be a str among \['classification', 'regression'\]\. Got 'clf'"),
        ("iris", {"return_info": 1}, TypeError, r"'return_info' parameter of load must be a bool"),
    ],
)
def test_option_errors(data, options, error, match):
    with pytest.raises(error, match=match):
        datasets.load(data, **options)
    if "return_info" not in options:
        with pytest.raises(error, match=match.replace("of load", "of describe").replace(r"^load\(\)", r"^describe\(\)")):
            datasets.describe(data, **options)


def test_options_of():
    assert datasets.options_of("spirals") == {"noise": 0.2, "n_samples": 800, "seed": 0}
    assert datasets.options_of("fashion-mnist") == {"dtype": "float64", "n_samples": None}
    assert datasets.options_of("my.TSV") == {"target": -1, "task": None, "header": None}
    assert datasets.options_of("a.mat") == {"task": None}
    with pytest.raises(ValueError, match="The 'data' parameter of options_of must be one of"):
        datasets.options_of("a.xlsx")


def test_option_rules_are_one_table():
    assert set(datasets.OPTIONS) == {"noise", "n_samples", "seed", "target", "task", "header", "dtype"}
    assert datasets.OPTIONS["noise"].check(0.5, "--noise", "nnlearn train") == 0.5
    with pytest.raises(ValueError, match=r"^The '--noise' option of nnlearn train must be a float in the range"):
        datasets.OPTIONS["noise"].check(-1.0, "--noise", "nnlearn train")


# ---------------------------------------------------------------------------
# The task rule
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "numeric, values, task",
    [
        (False, None, "classification"),  # text labels
        (True, np.array([0.0, 1.0, 2.0, 1.0]), "classification"),
        (True, np.array([-1.0, 1.0]), "classification"),
        (True, np.arange(MAX_AUTO_CLASSES, dtype=float), "classification"),
        (True, np.arange(MAX_AUTO_CLASSES + 1, dtype=float), "regression"),  # too many distinct integers
        (True, np.array([0.0, 0.5]), "regression"),  # a fractional part
        (True, np.array([1.0, np.nan]), "regression"),
        (True, np.array([0.0, 2.0**60]), "regression"),  # beyond exact integers
    ],
)
def test_decide_task(numeric, values, task):
    assert decide_task(numeric, values) == task


# ---------------------------------------------------------------------------
# CSV and TSV
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix, delimiter", [(".csv", ","), (".tsv", "\t")])
@pytest.mark.parametrize("header", [True, False])
def test_text_round_trip_is_exact(tmp_path, rng, suffix, delimiter, header):
    X = rng.standard_normal((30, 4)) * 10.0 ** rng.integers(-5, 5, size=(30, 4))
    y = rng.integers(0, 3, 30)
    path = tmp_path / f"data{suffix}"
    names = "f0,f1,f2,f3,label".replace(",", delimiter)
    np.savetxt(path, np.column_stack([X, y]), fmt="%.17g", delimiter=delimiter,
               header=names if header else "", comments="")
    X_read, y_read, info = datasets.load(path, return_info=True)
    np.testing.assert_array_equal(X_read, X)  # %.17g round-trips float64 exactly
    np.testing.assert_array_equal(y_read, y)
    assert y_read.dtype == np.int64 and X_read.dtype == np.float64
    assert info.kind == "classification" and info.n_classes == 3 and info.class_names == ("0", "1", "2")
    assert info.format == suffix[1:] and info.family == "tabular" and info.shape == (30, 4)
    assert info.feature_names == (("f0", "f1", "f2", "f3") if header else None)
    assert info.target_name == ("label" if header else None)
    assert dict(info.options) == {"target": 4, "task": "classification", "header": header}
    assert datasets.describe(path) == info


def test_regression_round_trip(tmp_path, rng):
    X = rng.standard_normal((20, 2))
    y = X @ [1.5, -2.0] + 0.1
    path = tmp_path / "reg.csv"
    np.savetxt(path, np.column_stack([y, X]), fmt="%.17g", delimiter=",", header="y,a,b", comments="")
    X_read, y_read, info = datasets.load(path, target="y", return_info=True)
    np.testing.assert_array_equal(X_read, X)
    np.testing.assert_array_equal(y_read, y)
    assert info.kind == "regression" and info.n_classes is None and info.target_name == "y"
    assert info.feature_names == ("a", "b")


def test_string_class_labels_written_by_the_csv_module(tmp_path):
    rows = [["sepal length", "species", "petal width"], [5.1, "Iris setosa", 0.2], [7.0, "versicolor, \"big\"", 1.4],
            [6.3, "virginica", 2.5], [4.9, "Iris setosa", 0.1]]
    path = tmp_path / "iris.csv"
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    X, y, info = datasets.load(path, target="species", return_info=True)
    np.testing.assert_array_equal(X, [[5.1, 0.2], [7.0, 1.4], [6.3, 2.5], [4.9, 0.1]])
    assert y.tolist() == ["Iris setosa", 'versicolor, "big"', "virginica", "Iris setosa"]
    assert y.dtype.kind == "U"
    assert info.class_names == ("Iris setosa", 'versicolor, "big"', "virginica") and info.n_classes == 3
    assert info.feature_names == ("sepal length", "petal width")


@pytest.mark.parametrize("target, column", [(0, 0), (-3, 0), ("0", 0), ("b", 1), ("1", 1), (-1, 2), ("c", 2)])
def test_target_by_name_or_index(tmp_path, target, column):
    path = write(tmp_path / "d.csv", "a,b,c\n1,10,100\n2,20,200\n1,10,200\n")
    data = np.array([[1, 10, 100], [2, 20, 200], [1, 10, 200]])
    X, y = datasets.load(path, target=target)
    np.testing.assert_array_equal(y, data[:, column])
    np.testing.assert_array_equal(X, np.delete(data, column, axis=1))


def test_a_column_name_wins_over_an_index(tmp_path):
    path = write(tmp_path / "d.csv", "2,0,label\n1,5,0\n2,6,1\n")  # numbers as names: 'label' over '0' gives the header away
    X, y = datasets.load(path, target="0")
    np.testing.assert_array_equal(y, [5, 6])  # the column named "0", not index 0


def test_header_detection(tmp_path):
    # Text over numbers is a header; a column of text labels is no evidence.
    assert tabular.has_header(["a", "b", "y"], ["1", "2", "cat"])
    assert not tabular.has_header(["1", "2", "cat"], ["3", "4", "dog"])
    assert tabular.has_header(["1", "2", "label"], ["1", "2", "0"])
    assert not tabular.has_header(["1", "2"], ["3", "4"])
    assert tabular.has_header(["a", "b"], None) and not tabular.has_header(["1", "b"], None)
    # Numeric names are not detected; header=True says so.
    path = write(tmp_path / "d.csv", "0,1,2\n5,6,0\n7,8,1\n")
    assert datasets.load(path)[0].shape == (3, 2)
    X, y = datasets.load(path, header=True)
    np.testing.assert_array_equal(X, [[5, 6], [7, 8]])
    # header=False reads line 1 as data even when it looks like a header.
    path = write(tmp_path / "e.csv", "1,x\n2,y\n3,x\n")
    assert datasets.load(path, header=False)[1].tolist() == ["x", "y", "x"]


def test_text_details_bom_crlf_quotes_blank_lines_spaces(tmp_path):
    path = write(tmp_path / "d.csv", '\ufeff"a", b ,y\r\n\r\n 1 ,"2",no\r\n3,4, yes\r\n\r\n', encoding="utf-8")
    X, y, info = datasets.load(path, return_info=True)
    np.testing.assert_array_equal(X, [[1, 2], [3, 4]])
    assert y.tolist() == ["no", "yes"]
    assert info.feature_names == ("a", "b")


def test_line_numbers_count_blank_and_multi_line_rows(tmp_path):
    path = write(tmp_path / "d.csv", 'a,b,y\n\n1,2,"two\nlines"\n\n3,x,0\n')
    with pytest.raises(ValueError, match=r"d\.csv, line 6, column 2 \('b'\): the feature 'x' is not a number"):
        datasets.load(path)


BAD_TEXT = [
    pytest.param("a,b,y\n1,2,0\n3,4\n", {}, r"bad\.csv, line 3: 2 fields, but the header on line 1 has 3\.$", id="ragged-short"),
    pytest.param("1,2,0\n3,4,1,5\n", {}, r"bad\.csv, line 2: 4 fields, but line 1 has 3\.$", id="ragged-long"),
    pytest.param("a,b,y\n1,2,0\n3,abc,1\n", {},
                 r"bad\.csv, line 3, column 2 \('b'\): the feature 'abc' is not a number; every feature must be a number\.$",
                 id="non-numeric-feature"),
    pytest.param("1,2,0\n3,,1\n", {}, r"bad\.csv, line 2, column 2: the feature '' is empty \(a missing value\?\)",
                 id="empty-feature"),
    pytest.param("", {}, r"bad\.csv is empty: it holds no rows\.$", id="empty-file"),
    pytest.param("\n  \n\n", {}, r"bad\.csv is empty: it holds no rows\.$", id="blank-file"),
    pytest.param("a,b,y\n", {}, r"bad\.csv has a header \(line 1\) but no data rows\.$", id="header-only"),
    pytest.param("a,b,y\n\n\n", {}, r"bad\.csv has a header \(line 1\) but no data rows\.$", id="header-and-blank-lines"),
    pytest.param("a,b,y\n1,2,0\n", {"target": "label"},
                 r"bad\.csv has no column named 'label'; its columns are \['a', 'b', 'y'\]\.$", id="no-such-column"),
    pytest.param("a,b,y\n1,2,0\n", {"target": 3},
                 r"bad\.csv: target=3 is out of range: the file has 3 columns \(indices 0\.\.2, or -3\.\.-1 from the end\)\.$",
                 id="index-out-of-range"),
    pytest.param("a,b,y\n1,2,0\n", {"target": -4}, r"bad\.csv: target=-4 is out of range", id="negative-index-out-of-range"),
    pytest.param("1,2,0\n3,4,1\n", {"target": "y"},
                 r"bad\.csv has no header row, so target='y' names no column; give the column's index", id="name-without-header"),
    pytest.param("a,a,y\n1,2,0\n", {"target": "a"}, r"bad\.csv: 2 columns are named 'a'; give the target's index", id="duplicate-name"),
    pytest.param("a,b,y\n1,2,0\n3,nan,1\n", {},
                 r"bad\.csv, line 3, column 2 \('b'\): the feature is nan \(NaN or infinity\); every feature must be a finite number",
                 id="nan-feature"),
    pytest.param("a,b,y\n1,-inf,0\n3,4,1\n", {}, r"bad\.csv, line 2, column 2 \('b'\): the feature is -inf", id="inf-feature"),
    pytest.param("y,a,b\n0,1,2\n1,3,inf\n", {"target": 0}, r"bad\.csv, line 3, column 3 \('b'\): the feature is inf",
                 id="inf-feature-after-the-target"),
    pytest.param("a,b,y\n1,2,cat\n3,4,cat\n", {},
                 r"bad\.csv, column 3 \('y'\): every one of the 2 targets is the class 'cat'; a classifier needs at least 2 classes\.$",
                 id="one-class"),
    pytest.param("a,y\n1,1\n2,1\n", {}, r"bad\.csv, column 2 \('y'\): every one of the 2 targets is the class 1;", id="one-class-numeric"),
    pytest.param("a,b,y\n1,2,0.5\n3,4,cat\n", {"task": "regression"},
                 r"bad\.csv, line 3, column 3 \('y'\): the target 'cat' is not a number, and regression \(task='regression'\) "
                 r"needs numeric targets\.$", id="regression-text-target"),
    pytest.param("a,b,y\n1,2,0.5\n3,4,nan\n", {},
                 r"bad\.csv, line 3, column 3 \('y'\): the target 'nan' is not finite \(NaN or infinity\)\.$", id="nan-target"),
    pytest.param("a,b,y\n1,2,0\n3,4,0.5\n", {"task": "classification"},
                 r"bad\.csv, line 3, column 3 \('y'\): the target '0\.5' is not an integer class label; for a continuous "
                 r"target use task='regression'\.$", id="classification-fractional-target"),
    pytest.param("a,b,y\n1,2,0\n3,4,\n", {}, r"bad\.csv, line 3, column 3 \('y'\): the target is empty \(a missing value\?\)",
                 id="empty-target"),
    pytest.param("y\n1\n2\n", {}, r"bad\.csv, line 1: 1 column; a data file needs at least one feature column and the target",
                 id="one-column"),
    pytest.param('a,b,y\n1,"2,0\n', {}, r"bad\.csv, line 2: not valid CSV \(unexpected end of data\)", id="open-quote"),
    pytest.param('a,b,y\n1,"2"x,0\n', {}, r"bad\.csv, line 2: not valid CSV \(',' expected after '\"'\)", id="bad-quote"),
]


@pytest.mark.parametrize("text, options, match", BAD_TEXT)
def test_bad_text_files_get_one_message_naming_file_line_and_column(tmp_path, text, options, match):
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(ValueError, match=match):
        datasets.load(path, **options)
    with pytest.raises(ValueError, match=match):
        datasets.describe(str(path), **options)


def test_bad_tsv_says_tsv(tmp_path):
    path = write(tmp_path / "bad.tsv", 'a\tb\ty\n1\t"2\n')
    with pytest.raises(ValueError, match=r"bad\.tsv, line 2: not valid TSV"):
        datasets.load(path)


def test_text_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("a,b,y\n1,2,caf\u00e9\n".encode("utf-8") + "3,4,na\u00efve\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin\.csv, line 3: not UTF-8 text \(byte 7 of the line: invalid"):
        datasets.load(path)


def test_size_limits(tmp_path, monkeypatch):
    path = write(tmp_path / "big.csv", "a,b,y\n" + "1,2,0\n3,4,1\n" * 5)
    monkeypatch.setattr(tabular, "MAX_CELLS", 20)  # 6 rows of 3 fields fit, the 7th does not
    with pytest.raises(ValueError, match=r"big\.csv: more than 20 fields \(at line 8\), the most nnlearn reads from a text "
                                         r"file; save large data as \.npz"):
        datasets.load(path)
    monkeypatch.setattr(tabular, "MAX_CELLS", 30)
    assert datasets.load(path)[0].shape == (10, 2)
    monkeypatch.setattr(tabular, "MAX_LINE_CHARS", 8)
    path = write(tmp_path / "wide.csv", "a,b,y\n1,2,0\n10000,20000,1\n")
    with pytest.raises(ValueError, match=r"wide\.csv, line 3: longer than 8 characters, the most nnlearn reads on one line"):
        datasets.load(path)
    path.write_bytes(b"a,b,y\n1,2,0\n" + b"9" * 100)  # no newline: the read stops at the limit
    with pytest.raises(ValueError, match=r"wide\.csv, line 3: longer than 8 characters"):
        datasets.load(path)


@pytest.mark.parametrize("suffix", [".csv", ".npz", ".mat"])
def test_missing_file_and_directory(tmp_path, suffix):
    with pytest.raises(FileNotFoundError, match=f"No such file.*missing{suffix}"):
        datasets.load(tmp_path / f"missing{suffix}")
    (tmp_path / f"dir{suffix}").mkdir()
    with pytest.raises(IsADirectoryError):
        datasets.load(tmp_path / f"dir{suffix}")


def test_auto_task_from_a_csv(tmp_path):
    ints = "\n".join(f"{i},{i % 7}" for i in range(40))
    assert datasets.describe(write(tmp_path / "c.csv", ints)).kind == "classification"
    many = "\n".join(f"{i},{i}" for i in range(MAX_AUTO_CLASSES + 1))
    info = datasets.describe(write(tmp_path / "r.csv", many))
    assert info.kind == "regression" and info.n_classes is None
    X, y = datasets.load(tmp_path / "c.csv", task="regression")
    assert y.dtype == np.float64 and y[8] == 1.0


# ---------------------------------------------------------------------------
# .npz
# ---------------------------------------------------------------------------


def test_npz_round_trip(tmp_path, rng):
    X = rng.standard_normal((12, 3))
    y = np.array(["cat", "dog", "emu"] * 4)
    np.savez(tmp_path / "a.npz", X=X, y=y)
    X_read, y_read, info = datasets.load(tmp_path / "a.npz", return_info=True)
    np.testing.assert_array_equal(X_read, X)
    np.testing.assert_array_equal(y_read, y)
    assert info.kind == "classification" and info.class_names == ("cat", "dog", "emu") and info.format == "npz"
    assert datasets.describe(tmp_path / "a.npz") == info


def test_npz_dtypes_and_shapes(tmp_path, rng):
    X32 = rng.standard_normal((6, 2)).astype(np.float32)
    np.savez_compressed(tmp_path / "f32.npz", X=X32, y=np.array([[0], [1], [0], [1], [0], [1]]))
    X, y = datasets.load(tmp_path / "f32.npz")
    assert X.dtype == np.float32 and y.shape == (6,) and y.dtype == np.int64  # float32 stays; a column y is raveled
    np.savez(tmp_path / "int.npz", X=np.arange(12, dtype=np.uint8).reshape(6, 2), y=np.linspace(0, 1, 6))
    X, y, info = datasets.load(tmp_path / "int.npz", return_info=True)
    assert X.dtype == np.float64 and info.kind == "regression"
    Y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
    np.savez(tmp_path / "multilabel.npz", X=np.ones((4, 2)), y=Y)
    X, y, info = datasets.load(tmp_path / "multilabel.npz", return_info=True)
    assert info.kind == "classification" and info.n_outputs == 2 and info.n_classes == 2
    np.testing.assert_array_equal(y, Y)
    np.savez(tmp_path / "multioutput.npz", X=np.ones((4, 2)), y=Y * 0.5)
    info = datasets.describe(tmp_path / "multioutput.npz")
    assert info.kind == "regression" and info.n_outputs == 2


def test_describe_npz_reads_only_the_header_of_X(tmp_path):
    """An X whose data is cut short: describe (header only) answers, load refuses."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (1000, 3)})
    y = io.BytesIO()
    np.lib.format.write_array(y, np.arange(1000) % 2)
    path = tmp_path / "cut.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("X.npy", header.getvalue() + b"\0" * 80)
        z.writestr("y.npy", y.getvalue())
    info = datasets.describe(path)
    assert info.shape == (1000, 3) and info.kind == "classification"
    with pytest.raises(ValueError, match=r"cut\.npz: the array X cannot be read"):
        datasets.load(path)


def _npz(path, **arrays):
    np.savez(path, **arrays)
    return path


BAD_NPZ = [
    pytest.param(lambda p: _npz(p, X=np.ones((2, 2))), r"bad\.npz has no array 'y': found \['X'\], expected 'X' and 'y'",
                 id="missing-y"),
    pytest.param(lambda p: _npz(p, A=np.ones(2), B=np.ones(2)), r"bad\.npz has no array 'X' or 'y'", id="missing-both"),
    pytest.param(lambda p: p.write_bytes(b"not a zip file"), r"bad\.npz is not a NumPy \.npz archive that nnlearn can read",
                 id="not-npz"),
    pytest.param(lambda p: np.save(open(p, "wb"), np.ones(3)), r"bad\.npz holds a single array \(a \.npy file\)", id="npy"),
    pytest.param(lambda p: _npz(p, X=np.array([[1, None]], dtype=object), y=np.ones(1)),
                 r"bad\.npz: X is an array of Python objects, which nnlearn does not read \(allow_pickle=False\)", id="object-X"),
    pytest.param(lambda p: _npz(p, X=np.ones((2, 2)), y=np.array(["a", 1], dtype=object)),
                 r"bad\.npz: y is an array of Python objects", id="object-y"),
    pytest.param(lambda p: _npz(p, X=np.ones(3), y=np.ones(3)), r"bad\.npz: X has shape \(3,\); expected \(m, n\)", id="X-1d"),
    pytest.param(lambda p: _npz(p, X=np.ones((0, 2)), y=np.ones(0)), r"bad\.npz: X has shape \(0, 2\)", id="X-empty"),
    pytest.param(lambda p: _npz(p, X=np.array([["a", "b"]]), y=np.ones(1)), r"bad\.npz: X has dtype <U1; nnlearn reads numbers",
                 id="X-text"),
    pytest.param(lambda p: _npz(p, X=np.array([[1.0, 2.0], [3.0, np.nan]]), y=np.array([0, 1])),
                 r"bad\.npz: X\[1, 1\] \(row 1, column 1\) is nan; every feature must be a finite number", id="X-nan"),
    pytest.param(lambda p: _npz(p, X=np.ones((3, 2)), y=np.array([0, 1])),
                 r"bad\.npz: y has 2 entries, but X has 3 rows; there must be one target per row", id="y-length"),
    pytest.param(lambda p: _npz(p, X=np.ones((2, 2)), y=np.array([1, 1])),
                 r"bad\.npz: y: every one of the 2 targets is the class 1; a classifier needs at least 2 classes", id="one-class"),
    pytest.param(lambda p: _npz(p, X=np.ones((2, 2)), y=np.array(["a", "a"])), r"every one of the 2 targets is the class 'a'",
                 id="one-text-class"),
    pytest.param(lambda p: _npz(p, X=np.ones((2, 2)), y=np.array([0.0, np.inf])), r"bad\.npz: y\[1\] is inf; targets must be finite",
                 id="y-inf"),
    pytest.param(lambda p: _npz(p, X=np.ones((2, 2)), y=np.array(["a", ""])), r"bad\.npz: y\[1\] is an empty label", id="y-empty-label"),
    pytest.param(lambda p: _npz(p, X=np.ones((2, 2)), y=np.ones((2, 2, 2))), r"bad\.npz: y has shape \(2, 2, 2\)", id="y-3d"),
    pytest.param(lambda p: _npz(p, X=np.ones((2, 2)), y=np.array([b"a", b"b"])), r"bad\.npz: y has dtype \|S1", id="y-bytes"),
]


@pytest.mark.parametrize("make, match", BAD_NPZ)
def test_bad_npz_files(tmp_path, make, match):
    path = tmp_path / "bad.npz"
    make(path)
    with pytest.raises(ValueError, match=match):
        datasets.load(path)


@pytest.mark.parametrize(
    "y, options, match",
    [
        (np.array(["a", "b"]), {"task": "regression"}, r"bad\.npz: y holds text labels \('a', \.\.\.\), but regression"),
        (np.array([0.0, 0.5]), {"task": "classification"}, r"bad\.npz: y\[1\] = 0\.5 is not an integer class label"),
        (np.array([[0, 2], [1, 0]]), {"task": "classification"}, r"bad\.npz: y\[0, 1\] = 2; a 2-D y for classification holds 0/1"),
    ],
)
def test_bad_npz_targets_for_the_task(tmp_path, y, options, match):
    path = _npz(tmp_path / "bad.npz", X=np.ones((2, 2)), y=y)
    with pytest.raises(ValueError, match=match):
        datasets.load(path, **options)


def test_npz_size_limit_is_checked_from_the_header(tmp_path, monkeypatch):
    path = _npz(tmp_path / "big.npz", X=np.zeros((10, 3)), y=np.arange(10) % 2)
    monkeypatch.setattr(tabular, "MAX_CELLS", 29)
    with pytest.raises(ValueError, match=r"big\.npz: X has shape \(10, 3\), more than the 29 values nnlearn reads from one array"):
        datasets.load(path)


# ---------------------------------------------------------------------------
# .mat: the course's digits, and any numeric X with y
# ---------------------------------------------------------------------------


def test_any_numeric_mat(tmp_path, rng):
    X = rng.standard_normal((6, 3))
    scipy.io.savemat(tmp_path / "small.mat", {"X": X, "y": np.array([[0], [1], [2], [0], [1], [2]])})
    X_read, y, info = datasets.load(tmp_path / "small.mat", return_info=True)
    np.testing.assert_array_equal(X_read, X)
    np.testing.assert_array_equal(y, [0, 1, 2, 0, 1, 2])  # labels as they are: no course convention
    assert info.kind == "classification" and info.family == "tabular" and not info.images
    scipy.io.savemat(tmp_path / "reg.mat", {"X": X, "y": X.sum(axis=1)})  # a row vector (1, 6)
    X_read, y, info = datasets.load(tmp_path / "reg.mat", return_info=True)
    np.testing.assert_array_equal(y, X.sum(axis=1))
    assert info.kind == "regression"


def test_the_course_mat_keeps_its_convention(tmp_path):
    X = np.zeros((3, 400))
    scipy.io.savemat(tmp_path / "ex4.mat", {"X": X, "y": np.array([[10], [1], [3]])})
    X_read, y, info = datasets.load(tmp_path / "ex4.mat", return_info=True)
    np.testing.assert_array_equal(y, [0, 1, 3])  # the course's label 10 is digit 0
    assert info.family == "digits" and info.image_shape == (20, 20) and info.pixel_order == "F"
    assert info.n_classes == 10 and info.class_names == tuple("0123456789")
    # Regression on 400 columns reads the values as they are.
    _, y, info = datasets.load(tmp_path / "ex4.mat", task="regression", return_info=True)
    np.testing.assert_array_equal(y, [10.0, 1.0, 3.0])
    assert info.family == "tabular" and info.kind == "regression"
    scipy.io.savemat(tmp_path / "bad.mat", {"X": X, "y": np.array([[0], [1], [3]])})
    with pytest.raises(ValueError, match=r"bad\.mat: y must hold integer labels 1\.\.10 \(10 means digit 0\)"):
        datasets.load(tmp_path / "bad.mat")


def test_bad_mat_data(tmp_path):
    X = np.ones((2, 3))
    X[1, 2] = np.nan
    scipy.io.savemat(tmp_path / "nan.mat", {"X": X, "y": np.array([[0], [1]])})
    with pytest.raises(ValueError, match=r"nan\.mat: X must be finite; found 1 NaN or infinite values, the first X\[1, 2\] "
                                         r"\(row 1, column 2\)"):
        datasets.load(tmp_path / "nan.mat")
    scipy.io.savemat(tmp_path / "short.mat", {"X": np.ones((3, 2)), "y": np.array([[0], [1]])})
    with pytest.raises(ValueError, match=r"short\.mat: y has 2 entries, but X has 3 rows"):
        datasets.load(tmp_path / "short.mat")
    scipy.io.savemat(tmp_path / "noy.mat", {"X": np.ones((3, 2))})
    with pytest.raises(ValueError, match=r"noy\.mat has no 'y'"):
        datasets.load(tmp_path / "noy.mat")


def test_mat_size_limit(tmp_path, monkeypatch):
    from nnlearn.datasets import mat5

    scipy.io.savemat(tmp_path / "big.mat", {"X": np.ones((10, 3)), "y": np.arange(10) % 2})
    size = (tmp_path / "big.mat").stat().st_size
    monkeypatch.setattr(mat5, "MAT_MAX_FILE", size - 1)
    with pytest.raises(ValueError, match=rf"big\.mat has {size} bytes, more than the {size - 1} nnlearn reads from a "
                                         r"\.mat file; save large data as \.npz"):
        datasets.load(tmp_path / "big.mat")
    monkeypatch.setattr(mat5, "MAT_MAX_FILE", size)
    assert datasets.load(tmp_path / "big.mat")[0].shape == (10, 3)


# ---------------------------------------------------------------------------
# The idx parser
# ---------------------------------------------------------------------------

IDX_CODES = {np.dtype(">u1"): 0x08, np.dtype(">i1"): 0x09, np.dtype(">i2"): 0x0B, np.dtype(">i4"): 0x0C,
             np.dtype(">f4"): 0x0D, np.dtype(">f8"): 0x0E}


def idx_bytes(values, dtype=">u1"):
    """An idx file's bytes: the magic number (0, 0, type code, ndim), the big-endian dims, then the values."""
    values = np.asarray(values, dtype=dtype)
    head = bytes([0, 0, IDX_CODES[np.dtype(dtype)], values.ndim]) + struct.pack(f">{values.ndim}I", *values.shape)
    return head + values.tobytes()


def write_idx(path, data, compress=True):
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("dtype", list(IDX_CODES))
def test_read_idx_round_trip(tmp_path, rng, compress, dtype):
    values = (rng.standard_normal((3, 4, 5)) * 50).astype(dtype)
    out = datasets.read_idx(write_idx(tmp_path / "a.idx", idx_bytes(values, dtype), compress))
    assert out.dtype == dtype and out.shape == (3, 4, 5)
    np.testing.assert_array_equal(out, values)
    out[0, 0, 0] = 1  # writable


def test_read_idx_hand_made_header(tmp_path):
    # Magic 0x00000803 (unsigned bytes, 3 dims), dims 2 x 1 x 3, then 6 bytes, row by row.
    data = bytes.fromhex("00000803" "00000002" "00000001" "00000003") + bytes([0, 1, 2, 253, 254, 255])
    out = datasets.read_idx(write_idx(tmp_path / "h.gz", data), magic=fashion.IDX_IMAGES)
    np.testing.assert_array_equal(out, [[[0, 1, 2]], [[253, 254, 255]]])
    labels = datasets.read_idx(write_idx(tmp_path / "l.gz", bytes.fromhex("00000801" "00000002") + bytes([7, 9])),
                               magic=fashion.IDX_LABELS)
    np.testing.assert_array_equal(labels, [7, 9])


BAD_IDX = [
    pytest.param(b"\0\0\x08", {}, r"truncated: 3 bytes, fewer than the 4-byte idx magic number", id="short-magic"),
    pytest.param(b"\x01\0\x08\x01" + b"\0\0\0\0", {}, r"magic number 0x01000801 is not an idx one", id="nonzero-first-byte"),
    pytest.param(b"\0\0\x0a\x01" + b"\0\0\0\0", {}, r"magic number 0x00000a01 is not an idx one", id="unknown-type"),
    pytest.param(b"\0\0\x08\0", {}, r"magic number 0x00000800 is not an idx one", id="no-dimensions"),
    pytest.param(idx_bytes(np.zeros(2)), {"magic": fashion.IDX_IMAGES},
                 r"magic number 0x00000801, expected 0x00000803 \(uint8 values in 3 dimensions\)", id="labels-for-images"),
    pytest.param(idx_bytes(np.zeros((1, 2, 2))), {"magic": fashion.IDX_LABELS},
                 r"magic number 0x00000803, expected 0x00000801 \(uint8 values in 1 dimension\)", id="images-for-labels"),
    pytest.param(bytes.fromhex("00000803" "00000002" "0000"), {}, r"truncated: the header declares 3 dimensions, but the file "
                 r"ends within their sizes", id="short-dims"),
    pytest.param(idx_bytes(np.zeros((2, 3, 3)))[:-1], {}, r"truncated: the header declares \(2, 3, 3\) values \(18 bytes of "
                 r"data\), but the file holds only 17", id="short-data"),
    pytest.param(idx_bytes(np.zeros((2, 3, 3))) + b"\0", {}, r"holds more data than its header declares \(\(2, 3, 3\) values, "
                 r"18 bytes\)", id="long-data"),
    pytest.param(idx_bytes(np.zeros((2, 3, 3), dtype=">f8"), ">f8")[:-3], {}, r"truncated: the header declares \(2, 3, 3\) values \(144 bytes of data\), but the file holds only 141",
                 id="short-doubles"),
    pytest.param(bytes.fromhex("00000803" "00010000" "00010000" "00010000"), {},
                 r"the header declares \(65536, 65536, 65536\) values \(281474976710656 bytes\), more than the 1073741824 bytes",
                 id="declares-too-much"),
    pytest.param(idx_bytes(np.zeros(100)), {"max_bytes": 99}, r"the header declares \(100,\) values \(100 bytes\), more than the 99 bytes", id="over-max-bytes"),
]


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("data, options, match", BAD_IDX)
def test_read_idx_refuses(tmp_path, data, options, match, compress):
    path = write_idx(tmp_path / "bad.idx", data, compress)
    with pytest.raises(ValueError, match=r"bad\.idx: " + match):
        datasets.read_idx(path, **options)


def test_read_idx_refuses_broken_gzip(tmp_path):
    good = gzip.compress(idx_bytes(np.arange(200).reshape(2, 10, 10)))
    cut = write_idx(tmp_path / "cut.gz", good[:-4], compress=False)  # the trailer's size field is gone
    with pytest.raises(ValueError, match=r"cut\.gz: truncated: the gzip stream ends before its trailer"):
        datasets.read_idx(cut)
    crc = bytearray(good)
    crc[-8] ^= 0xFF  # the CRC-32 of the trailer
    with pytest.raises(ValueError, match=r"crc\.gz: not a valid gzip stream \(.*incorrect data check"):
        datasets.read_idx(write_idx(tmp_path / "crc.gz", bytes(crc), compress=False))
    second = good + gzip.compress(b"\0" * 10)  # a second gzip member: more data than declared
    with pytest.raises(ValueError, match=r"two\.gz: holds bytes after the end of its gzip stream"):
        datasets.read_idx(write_idx(tmp_path / "two.gz", second, compress=False))
    with pytest.raises(ValueError, match=r"junk\.gz: not a valid gzip stream"):
        datasets.read_idx(write_idx(tmp_path / "junk.gz", b"\x1f\x8b" + b"junk" * 10, compress=False))


def test_read_idx_never_inflates_more_than_declared(tmp_path):
    """A gzip bomb (4 declared bytes, then 200 MB of zeros) is refused after inflating a few bytes, not 200 MB."""
    head = idx_bytes(np.zeros(4))
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunks = [compressor.compress(head)]
    block = b"\0" * (1 << 20)
    chunks += [compressor.compress(block) for _ in range(200)]
    chunks.append(compressor.flush())
    path = write_idx(tmp_path / "bomb.gz", b"".join(chunks), compress=False)
    assert path.stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"bomb\.gz: holds more data than its header declares"):
            datasets.read_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20  # read in 64 KiB chunks, inflated to at most declared + 1 bytes


# ---------------------------------------------------------------------------
# Fashion-MNIST
# ---------------------------------------------------------------------------


def fake_fashion(folder, images, labels, split="train"):
    """Write a split's two files, as Debian's package names them, into ``folder``."""
    image_path, label_path = fashion.fashion_mnist_files(split, folder)
    write_idx(image_path, idx_bytes(images))
    write_idx(label_path, idx_bytes(labels))
    return folder


def test_load_fashion_mnist_from_a_directory(tmp_path, rng):
    images = rng.integers(0, 256, (5, 28, 28))
    images[0, 0, :] = 255  # the top row of image 0: upright means row-major
    labels = np.array([9, 0, 3, 3, 1])
    fake_fashion(tmp_path, images, labels, "test")
    X, y = datasets.load_fashion_mnist("test", path=tmp_path)
    assert X.shape == (5, 784) and X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(X, images.reshape(5, 784) / 255.0)
    np.testing.assert_array_equal(X[0].reshape(28, 28)[0], 1.0)
    np.testing.assert_array_equal(y, labels)
    X32, _ = datasets.load_fashion_mnist("test", path=str(tmp_path), dtype="float32", n_samples=2)
    assert X32.dtype == np.float32 and X32.shape == (2, 784)
    np.testing.assert_allclose(X32, X[:2], rtol=1e-7)
    X32, _ = datasets.load_fashion_mnist("test", path=tmp_path, dtype=np.float32)
    assert X32.dtype == np.float32
    assert datasets.FASHION_MNIST_CLASSES[9] == "Ankle boot" and len(datasets.FASHION_MNIST_CLASSES) == 10


@pytest.mark.parametrize(
    "images, labels, match",
    [
        (np.zeros((2, 27, 28)), np.zeros(2), r"train-images-idx3-ubyte\.gz: holds images of 27x28 pixels; Fashion-MNIST's are 28x28"),
        (np.zeros((2, 28, 28)), np.zeros(3), r"train-labels-idx1-ubyte\.gz: holds 3 labels, but train-images-idx3-ubyte\.gz holds 2"),
        (np.zeros((2, 28, 28)), np.array([0, 10]), r"train-labels-idx1-ubyte\.gz: label 10 at index 1; Fashion-MNIST's are 0\.\.9"),
        (np.zeros((2, 28, 28)), np.zeros((2, 1)), r"train-labels-idx1-ubyte\.gz: magic number 0x00000802, expected 0x00000801"),
    ],
)
def test_load_fashion_mnist_refuses_bad_files(tmp_path, images, labels, match):
    fake_fashion(tmp_path, images, labels)
    with pytest.raises(ValueError, match=match):
        datasets.load_fashion_mnist(path=tmp_path)


def test_load_fashion_mnist_says_how_to_install_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"No Fashion-MNIST test files in .*: t10k-images-idx3-ubyte\.gz does not "
                                                r"exist\. Debian's package puts them in /usr/share/datasets/fashion-mnist "
                                                r"\(`apt-get install dataset-fashion-mnist`\)"):
        datasets.load_fashion_mnist("test", path=tmp_path)


def test_load_fashion_mnist_default_message_names_the_command(tmp_path, monkeypatch):
    monkeypatch.setattr(fashion, "FASHION_MNIST_DIR", tmp_path / "absent")  # as on a machine without the package
    with pytest.raises(FileNotFoundError, match=r"Fashion-MNIST is not installed: .*train-images-idx3-ubyte\.gz does not "
                                                r"exist\. Install Debian's package with `apt-get install dataset-fashion-mnist`"):
        datasets.load("fashion-mnist")


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"split": "validation"}, ValueError, r"^The 'split' parameter of load_fashion_mnist must be a str among \['train', 'test'\]"),
        ({"split": 0}, TypeError, r"'split' parameter of load_fashion_mnist"),
        ({"path": 3}, TypeError, r"^The 'path' parameter of load_fashion_mnist must be a str or os\.PathLike or None"),
        ({"dtype": "float16"}, ValueError, r"^The 'dtype' parameter of load_fashion_mnist must be 'float64' or 'float32'\. Got 'float16'"),
        ({"dtype": np.int64}, TypeError, r"'dtype' parameter of load_fashion_mnist must be 'float64' or 'float32'"),
        ({"dtype": object()}, TypeError, r"'dtype' parameter of load_fashion_mnist"),
        ({"n_samples": 0}, ValueError, r"^The 'n_samples' parameter of load_fashion_mnist must be an int in the range \[1, inf\) or None"),
    ],
)
def test_load_fashion_mnist_argument_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        datasets.load_fashion_mnist(**kwargs)


def test_load_fashion_mnist_n_samples_beyond_the_split(tmp_path):
    fake_fashion(tmp_path, np.zeros((3, 28, 28)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"'n_samples' parameter of load_fashion_mnist must be an int in the range \[1, 3\] "
                                         r"\(the train split has 3 images\)\. Got 4 instead"):
        datasets.load_fashion_mnist(path=tmp_path, n_samples=4)


@needs_fashion
def test_real_fashion_mnist_test_split():
    X, y, info = datasets.load("fashion-mnist-test", return_info=True)
    assert X.shape == (10000, 784) and X.dtype == np.float64 and info.available
    np.testing.assert_array_equal(np.bincount(y), [1000] * 10)
    assert X.min() == 0.0 and X.max() == 1.0
    # Oracle: the reader Zalando ships (utils/mnist_reader.py: gzip, then frombuffer past the 16-byte header).
    images_path, labels_path = fashion.fashion_mnist_files("test")
    with gzip.open(images_path) as f:
        pixels = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(labels_path) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    np.testing.assert_array_equal(X, pixels / 255.0)
    np.testing.assert_array_equal(y, labels)
    X_few, y_few = datasets.load("fashion-mnist-test", n_samples=100, dtype="float32")
    assert X_few.dtype == np.float32
    np.testing.assert_array_equal(X_few, X[:100].astype(np.float32))
    np.testing.assert_array_equal(y_few, y[:100])


@needs_fashion
def test_real_fashion_mnist_train_split():
    X, y = datasets.load_fashion_mnist("train", dtype="float32")
    assert X.shape == (60000, 784) and X.dtype == np.float32
    np.testing.assert_array_equal(np.bincount(y), [6000] * 10)
    assert 0.0 <= X.min() and X.max() == 1.0


# ---------------------------------------------------------------------------
# Data for a task (load_task) and the options' check for any door (check_options)
# ---------------------------------------------------------------------------


def test_load_task_keeps_the_kind_or_converts_built_in_targets():
    X, y, info = datasets.load_task("iris")
    assert info.kind == "classification" and y.dtype == np.int64
    X_r, y_r, info_r = datasets.load_task("iris", task="regression")
    np.testing.assert_array_equal(X_r, X)
    assert y_r.dtype == np.float64 and np.array_equal(y_r, y) and info_r.kind == "regression"
    assert (info_r.n_classes, info_r.class_names) == (None, None)
    _, y_c, info_c = datasets.load_task("diabetes", task="classification")  # whole numbers: 214 classes
    assert y_c.dtype == np.int64 and info_c.n_classes == np.unique(y_c).size == 214
    assert info_c.class_names[0] == str(y_c.min())


def test_load_task_reads_a_file_for_the_task(tmp_path):
    path = write(tmp_path / "d.csv", "a,y\n1,0\n2,1\n3,0\n4,1\n")
    assert datasets.load_task(path)[2].kind == "classification"
    X, y, info = datasets.load_task(path, task="regression")
    assert info.kind == "regression" and y.dtype == np.float64 and y.tolist() == [0.0, 1.0, 0.0, 1.0]


@pytest.mark.parametrize(
    "data, task, options, names, error, match",
    [
        ("iris", "ranking", {}, None, ValueError, r"^The 'task' parameter of load_task must be a str among "
                                                   r"\['classification', 'regression'\] or None\. Got 'ranking' instead\."),
        ("wine.txt", None, {}, {"data": "--data"}, ValueError, r"^The '--data' option of load_task must be one of "),
        ("moons", None, {"noise": -1.0}, {"noise": "--noise"}, ValueError,
         r"^The '--noise' option of load_task must be a float in the range \[0\.0, 1000000\.0\]\. Got -1\.0 instead\."),
        ("iris", None, {"n_samples": 10}, None, ValueError,
         r"^The 'n_samples' parameter of load_task must be left unset for 'iris', which takes no options\. Got 10 instead\."),
        ("spirals", None, {"n_samples": 5}, {"n_samples": "--n-samples"}, ValueError,
         r"^The '--n-samples' option of load_task must be an even int"),
        ("fashion-mnist", None, {"target": 1}, {"target": "--target", "dtype": "--dtype", "n_samples": "--n-samples"},
         ValueError, r"which takes only '--dtype', '--n-samples'\. Got 1 instead\."),
    ],
)
def test_load_task_errors_name_the_door_and_the_given_names(data, task, options, names, error, match):
    with pytest.raises(error, match=match):
        datasets.load_task(data, task, "load_task", names, **options)


def test_load_task_refuses_targets_the_task_cannot_use(tmp_path):
    path = tmp_path / "labels.npz"
    np.savez(path, X=np.zeros((4, 2)), y=np.array(["a", "b", "a", "b"]))
    with pytest.raises(ValueError, match=r"labels\.npz: y holds text labels .* but regression"):
        datasets.load_task(path, task="regression")


def test_check_options_fills_defaults_and_names_flags():
    assert datasets.check_options("spirals", {"noise": None, "seed": 4}, "door") == {"noise": 0.2, "n_samples": 800, "seed": 4}
    assert datasets.check_options("iris.csv", {}, "door") == {"target": -1, "task": None, "header": None}
    with pytest.raises(TypeError, match=r"^The '--target' option of nnlearn x must be an int \(a column index from 0, -1 "
                                        r"for the last\) or a str"):
        datasets.check_options("a.csv", {"target": 1.5}, "nnlearn x", names={"target": "--target"})
