"""Any data through every command: ``--data`` and its option flags in train, predict, sweep and report.

Round trips (``train --save`` then ``predict``) are compared with the same fit done in Python; regression
goes through train, predict and sweep; ``nnlearn datasets`` lists the table; bad data and bad flags give one
``nnlearn: error:`` line and status 2.
"""

import csv
import json
import re
import warnings

import numpy as np
import pytest

from nnlearn import MLPClassifier, MLPRegressor, datasets, load_model, save_model
from nnlearn.cli import main, parse_args
from nnlearn.metrics import r2, rmse
from nnlearn.split import held_out_split

HIDDEN, MAX_ITER = 5, 20


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def error_line(err):
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("nnlearn: error: "), err
    assert "Traceback" not in err
    return lines[0][len("nnlearn: error: "):]


def value_after(out, label):
    """The text after ``label`` at the start of a line of ``out``."""
    line = next(line for line in out.splitlines() if line.startswith(label))
    return line[len(label):].strip()


# -- files of every kind, holding the same iris rows --------------------------------------------------------------


@pytest.fixture(scope="module")
def iris():
    X, y = datasets.load("iris")
    return X, y, np.array(["setosa", "versicolor", "virginica"])[y]


@pytest.fixture(scope="module")
def files(tmp_path_factory, iris):
    """The iris rows as a CSV with a header and text labels, a TSV without header whose target is the first column,
    an .npz and a .mat (numeric labels)."""
    import scipy.io

    folder = tmp_path_factory.mktemp("data")
    X, y, names = iris
    with open(folder / "iris.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["sepal_length", "sepal_width", "petal_length", "petal_width", "species"])
        writer.writerows([*map(repr, row), name] for row, name in zip(X.tolist(), names))
    with open(folder / "iris.tsv", "w", newline="") as f:
        csv.writer(f, delimiter="\t").writerows([int(t), *map(repr, row)] for row, t in zip(X.tolist(), y))
    np.savez(folder / "iris.npz", X=X, y=y)
    scipy.io.savemat(folder / "iris.mat", {"X": X, "y": y.reshape(-1, 1).astype(np.float64)})
    return folder


def python_fit(data, task=None, activation="sigmoid", **options):
    """What ``nnlearn train --data data --hidden 5 --max-iter 20`` fits, done in Python: (estimator, X, y, split)."""
    X, y, info = datasets.load_task(data, task, **options)
    regression = info.kind == "regression"
    X_train, X_test, y_train, y_test = held_out_split(X, y, 0.2, 0, stratify=not regression and y.ndim == 1)
    params = dict(hidden_layer_sizes=(HIDDEN,), activation=activation, alpha=1.0, solver="CG", max_iter=MAX_ITER,
                  random_state=0)
    estimator = MLPRegressor(**params) if regression else MLPClassifier(output="sigmoid", **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator.fit(X_train, y_train)
    return estimator, X, y, (X_train, X_test, y_train, y_test)


def read_predictions(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


SOURCES = [
    pytest.param("iris.csv", [], {}, "sigmoid", id="csv-header-text-labels"),
    pytest.param("iris.tsv", ["--target", "0", "--no-header"], {"target": 0, "header": False}, "sigmoid", id="tsv-target-0"),
    pytest.param("iris.npz", [], {}, "sigmoid", id="npz"),
    pytest.param("iris.mat", [], {}, "sigmoid", id="mat"),
    pytest.param("iris", [], {}, "sigmoid", id="name"),
    pytest.param("moons", ["--noise", "0.3", "--n-samples", "100", "--data-seed", "3"],
                 {"noise": 0.3, "n_samples": 100, "seed": 3}, "tanh", id="planar-options"),
]


@pytest.mark.parametrize("name, flags, options, activation", SOURCES)
def test_train_then_predict_gives_the_predictions_of_python(files, tmp_path, capsys, name, flags, options, activation):
    data = str(files / name) if "." in name else name
    model = tmp_path / "m.npz"
    common = ["--data", data, *flags]
    status, out, err = run(capsys, "train", *common, "--hidden", HIDDEN, "--max-iter", MAX_ITER, "--no-progress",
                           "--save", model)
    assert status == 0, err
    estimator, X, y, (X_train, X_test, y_train, y_test) = python_fit(data, activation=activation, **options)
    assert value_after(out, "train acc") == f"{100 * estimator.score(X_train, y_train):.2f}% on {len(y_train)} samples"
    assert value_after(out, "held-out acc") == f"{100 * estimator.score(X_test, y_test):.2f}% on {len(y_test)} samples"
    saved = load_model(model)
    expected = estimator.predict(X)
    np.testing.assert_array_equal(saved.predict(X), expected)  # the saved model is the Python fit, bit for bit

    predictions = tmp_path / "p.csv"
    status, out, err = run(capsys, "predict", "--model", model, *common, "--output", predictions)
    assert status == 0, err
    header, rows = read_predictions(predictions)
    assert header == ["index", "predicted", "true"]
    assert [r[1] for r in rows] == [str(label) for label in expected.tolist()]
    assert [r[2] for r in rows] == [str(label) for label in y.tolist()]
    correct = int(np.sum(expected == y))
    assert value_after(out, "accuracy") == f"{100 * correct / len(y):.2f}% ({correct} of {len(y)})"
    assert value_after(out, "rows").startswith(f"these rows include the model's {len(y_train)} training rows")


# -- regression ---------------------------------------------------------------------------------------------------


def test_regression_train_prints_r2_and_rmse_of_an_unstratified_split(tmp_path, capsys):
    model = tmp_path / "d.npz"
    status, out, err = run(capsys, "train", "--data", "diabetes", "--hidden", HIDDEN, "--max-iter", MAX_ITER,
                           "--no-progress", "--save", model)
    assert status == 0, err
    estimator, X, y, (X_train, X_test, y_train, y_test) = python_fit("diabetes")
    assert isinstance(estimator, MLPRegressor)
    assert f"network      10-{HIDDEN}-1 ({(11 * HIDDEN) + HIDDEN + 1} parameters), sigmoid hidden, identity output" in out
    assert value_after(out, "train") == (f"R^2 {r2(y_train, estimator.predict(X_train)):.4f}, "
                                         f"RMSE {rmse(y_train, estimator.predict(X_train)):.4g} on {len(y_train)} samples")
    held_out = estimator.predict(X_test)
    assert value_after(out, "held-out") == f"R^2 {r2(y_test, held_out):.4f}, RMSE {rmse(y_test, held_out):.4g} on 89 samples"
    assert "acc" not in out
    saved = load_model(model)
    assert isinstance(saved, MLPRegressor) and saved.out_activation_ == "identity"
    np.testing.assert_array_equal(saved.predict(X), estimator.predict(X))

    predictions = tmp_path / "p.csv"
    status, out, err = run(capsys, "predict", "--model", model, "--data", "diabetes", "--output", predictions)
    assert status == 0, err
    predicted = estimator.predict(X)
    assert value_after(out, "R^2, RMSE") == f"R^2 {r2(y, predicted):.4f}, RMSE {rmse(y, predicted):.4g} on 442 samples"
    assert value_after(out, "not trained") == (f"R^2 {r2(y_test, held_out):.4f}, RMSE {rmse(y_test, held_out):.4g} on 89 "
                                               "samples: the 89 rows that are not training rows")
    assert "confusion matrix" not in out
    header, rows = read_predictions(predictions)
    assert header == ["index", "predicted", "true"]
    np.testing.assert_array_equal([float(r[1]) for r in rows], predicted)  # repr of a float reads back exactly
    np.testing.assert_array_equal([float(r[2]) for r in rows], y)


def test_task_regression_reads_a_files_integer_targets_as_values(tmp_path, capsys, rng):
    X = rng.normal(size=(60, 3))
    y = 2.0 * (X[:, 0] > 0) + (X[:, 1] > 0) + X[:, 2].round()  # whole numbers, few distinct: classes unless --task regression
    path = tmp_path / "counts.csv"
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", fmt="%.17g")
    status, out, _ = run(capsys, "train", "--data", path, "--max-iter", 5, "--no-progress")
    assert status == 0 and "classification" in value_after(out, "data")
    status, out, err = run(capsys, "train", "--data", path, "--task", "regression", "--hidden", HIDDEN, "--max-iter",
                           MAX_ITER, "--no-progress")
    assert status == 0, err
    estimator, *_ , (X_train, X_test, y_train, y_test) = python_fit(str(path), task="regression")
    assert value_after(out, "held-out").startswith(f"R^2 {r2(y_test, estimator.predict(X_test)):.4f}")


def test_task_overrides_a_built_in_sets_kind(capsys):
    status, out, err = run(capsys, "train", "--data", "digits8", "--task", "regression", "--max-iter", 2, "--no-progress")
    assert status == 0, err
    assert "identity output" in out and value_after(out, "data").endswith("regression")
    status, out, err = run(capsys, "train", "--data", "iris", "--task", "classification", "--max-iter", 2, "--no-progress")
    assert status == 0 and "3 classes" in out


def test_multi_output_regression_writes_one_column_per_output(tmp_path, capsys, rng):
    X = rng.normal(size=(80, 4))
    Y = np.column_stack([X[:, 0] + 0.5, X[:, 1] * X[:, 2]])
    data = tmp_path / "two.npz"
    np.savez(data, X=X, y=Y)
    model, predictions = tmp_path / "m.npz", tmp_path / "p.csv"
    assert run(capsys, "train", "--data", data, "--max-iter", 10, "--no-progress", "--save", model)[0] == 0
    status, out, err = run(capsys, "predict", "--model", model, "--data", data, "--output", predictions)
    assert status == 0, err
    header, rows = read_predictions(predictions)
    assert header == ["index", "predicted_0", "predicted_1", "true_0", "true_1"]
    predicted = load_model(model).predict(X)
    np.testing.assert_array_equal([[float(v) for v in r[1:3]] for r in rows], predicted)
    np.testing.assert_array_equal([[float(v) for v in r[3:]] for r in rows], Y)
    assert f"wrote        {predictions} (80 rows: index,predicted_0,predicted_1,true_0,true_1)" in out


def test_regression_sweep_records_r2_and_rmse(tmp_path, capsys):
    results, plot = tmp_path / "r.jsonl", tmp_path / "heat.png"
    status, out, err = run(capsys, "sweep", "--data", "diabetes", "--alpha", 0, 1, "--max-iter", 5, 10, "--hidden", HIDDEN,
                           "--results", results, "--metric", "test_rmse", "--plot", plot, "--no-progress")
    assert status == 0, err
    records = [json.loads(line) for line in results.read_text().splitlines()]
    assert len(records) == 4 and {r["task"] for r in records} == {"regression"}
    assert "output" not in records[0] and "train_accuracy" not in records[0]
    X, y = datasets.load("diabetes")
    X_train, X_test, y_train, y_test = held_out_split(X, y, 0.2, 0, stratify=False)
    for record in records:
        reg = MLPRegressor(hidden_layer_sizes=(HIDDEN,), alpha=record["alpha"], max_iter=record["max_iter"], random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reg.fit(X_train, y_train)
        assert record["test_r2"] == pytest.approx(r2(y_test, reg.predict(X_test)), rel=1e-9)
        assert record["test_rmse"] == pytest.approx(rmse(y_test, reg.predict(X_test)), rel=1e-9)
        assert record["train_r2"] == pytest.approx(r2(y_train, reg.predict(X_train)), rel=1e-9)
    header = out.splitlines()[0].split()
    assert header[2:8] == ["train", "R^2", "held-out", "R^2", "held-out", "RMSE"]
    best = max(records, key=lambda r: r["test_r2"])
    assert value_after(out, "best") == f"held-out R^2 {best['test_r2']:.4f} at alpha {best['alpha']:g}, max_iter {best['max_iter']}"
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_sweep_reads_a_file_with_its_flags(files, capsys):
    status, out, err = run(capsys, "sweep", "--data", files / "iris.tsv", "--target", "0", "--no-header", "--max-iter", 5,
                           "--hidden", HIDDEN, "--no-progress")
    assert status == 0, err
    assert "held-out %" in out.splitlines()[0]


# -- what predict says about the rows -----------------------------------------------------------------------------


def test_predict_says_whether_the_rows_were_trained_on(files, tmp_path, capsys, iris):
    model = tmp_path / "m.npz"
    assert run(capsys, "train", "--data", files / "iris.csv", "--max-iter", 5, "--no-progress", "--save", model)[0] == 0
    X, y, names = iris
    X_train, X_test, _, y_test = held_out_split(X, names, 0.2, 0)
    apart = ~(X_test[:, None, :] == X_train[None, :, :]).all(axis=2).any(axis=1)  # iris has one row twice
    X_test, y_test = X_test[apart], y_test[apart]
    assert len(y_test) == 29

    def predict(X_rows, labels, name):
        path = tmp_path / name
        with open(path, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["a", "b", "c", "d", "species"])
            writer.writerows([*map(repr, row), label] for row, label in zip(X_rows.tolist(), labels))
        status, out, err = run(capsys, "predict", "--model", model, "--data", path)
        assert status == 0, err
        return value_after(out, "rows"), out

    rows, out = predict(X_test, y_test, "held_out.csv")
    assert rows == "held-out rows only: all 29 rows were held out of the training, none was trained on"
    assert "not trained" not in out
    rows, _ = predict(X_test + 0.01, y_test, "moved.csv")
    assert rows == "other data: none of these 29 rows was trained on"
    rows, _ = predict(np.vstack([X_test, X_test[:5] + 0.01]), [*y_test, *y_test[:5]], "mixed.csv")
    assert rows == "other data: none of these 34 rows was trained on, 29 of them held-out rows"
    status, out, _ = run(capsys, "predict", "--model", model, "--data", files / "iris.csv")
    # iris holds two equal rows: 121 of its 150 rows equal one of the 120 training rows
    assert value_after(out, "rows") == ("these rows include the model's 120 training rows (121 of the 150 rows equal a "
                                        "training row, 29 a held-out row): scores on them are optimistic")
    trained_on = value_after(out, "trained on")
    assert trained_on.startswith(f"{files / 'iris.csv'} (target -1): 120 rows trained on, 30 held out, test_size 0.2, "
                                 "split seed 0; fingerprint ")


def test_predict_with_a_model_that_does_not_record_its_data(tmp_path, capsys):
    X, y = datasets.load("moons")
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    save_model(tmp_path / "m.npz", clf)
    status, out, err = run(capsys, "predict", "--model", tmp_path / "m.npz", "--data", "moons")
    assert status == 0, err
    assert value_after(out, "rows").startswith("the model file does not record its training data")
    assert "trained on" not in out


def test_predict_refuses_data_labeled_otherwise(files, tmp_path, capsys):
    model = tmp_path / "m.npz"
    assert run(capsys, "train", "--data", files / "iris.csv", "--max-iter", 2, "--no-progress", "--save", model)[0] == 0
    status, out, err = run(capsys, "predict", "--model", model, "--data", "iris")
    assert status == 2 and out == ""
    assert error_line(err) == ("The '--data' option of nnlearn predict must be data labeled as the model's classes "
                               "['setosa', 'versicolor', 'virginica']. Got 'iris', labeled [0, 1, 2] instead.")


# -- nnlearn datasets -----------------------------------------------------------------------------------------------


def test_datasets_lists_every_name_once_with_shape_kind_and_source(capsys):
    status, out, _ = run(capsys, "datasets")
    assert status == 0
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines] == list(datasets.NAMES)
    for line, info in zip(lines, datasets.catalog()):
        assert line == info.summary()
        assert f"{info.n_samples} x {info.n_features}, {info.kind}" in line and info.source in line
    assert "images 28x28" in lines[datasets.NAMES.index("fashion-mnist")]
    assert "diabetes: 442 x 10, regression;" in out


def test_datasets_markdown_is_a_table(capsys):
    status, out, _ = run(capsys, "datasets", "--markdown")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "| name | X | kind | images | options | source |" and len(lines) == len(datasets.NAMES) + 2
    assert all(line.count("|") == 7 for line in lines)
    assert "| `digits20` | 5000 x 400 | 10 classes | 20x20, column-major |" in out
    assert "| `moons` | 400 x 2 | 2 classes | no | noise 0.1, n_samples 400, seed 0 |" in out


# -- flags: checked once, naming the flag and the command -------------------------------------------------------------


def test_data_flags_become_load_options():
    args = parse_args(["train", "--data", "moons", "--noise", "0.25", "--n-samples", "50", "--data-seed", "7"])
    assert args.data_options == {"noise": 0.25, "n_samples": 50, "seed": 7} and args.task is None
    args = parse_args(["sweep", "--data", "iris.csv", "--target", "species", "--no-header", "--task", "classification"])
    assert args.data_options == {"target": "species", "header": False} and args.task == "classification"
    args = parse_args(["report", "--data", "fashion-mnist", "--dtype", "float32", "--n-samples", "100"])
    assert args.data_options == {"dtype": "float32", "n_samples": 100}
    args = parse_args(["predict", "--model", "m.npz", "--data", "spirals", "--data-seed", "2"])
    assert args.data_options == {"noise": 0.2, "n_samples": 800, "seed": 2}


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--data", "iris", "--noise", "0.3"],
         "The '--noise' option of nnlearn train must be left unset for 'iris', which takes no options. Got 0.3 instead."),
        (["sweep", "--data", "moons", "--target", "2"],
         "The '--target' option of nnlearn sweep must be left unset for 'moons', which takes only '--noise', '--n-samples', "
         "'--data-seed'. Got '2' instead."),
        (["report", "--data", "x.npz", "--no-header"],
         "The '--header' option of nnlearn report must be left unset for 'x.npz', which takes only '--task'. Got False instead."),
        (["predict", "--model", "m.npz", "--data", "digits20", "--dtype", "float32"],
         "The '--dtype' option of nnlearn predict must be left unset for 'digits20', which takes no options."),
        (["train", "--data", "moons", "--n-samples", "201"],
         "The '--n-samples' option of nnlearn train must be an even int in the range [2, 10000000] ('moons' has 2 classes "
         "of equal size). Got 201 instead."),
        (["train", "--data", "moons", "--n-samples", "many"],
         "The '--n-samples' option of nnlearn train must be an int in the range [1, 10000000]. Got 'many' instead."),
        (["train", "--data", "moons", "--noise", "-1"], "The '--noise' option of nnlearn train must be a float in the range "
                                                        "[0.0, 1000000.0]. Got -1.0 instead."),
        (["train", "--data", "moons", "--data-seed", "-1"],
         "The '--data-seed' option of nnlearn train must be an int in the range [0, inf). Got -1 instead."),
        (["train", "--data", "fashion-mnist", "--dtype", "float16"],
         "The '--dtype' option of nnlearn train must be a str among ['float64', 'float32']. Got 'float16' instead."),
        (["train", "--data", "fashion-mnist-test", "--n-samples", "10001"],
         "The '--n-samples' option of nnlearn train must be an int in the range [1, 10000] ('fashion-mnist-test' has "
         "10000 samples). Got 10001 instead."),
        (["train", "--task", "ranking"],
         "The '--task' option of nnlearn train must be a str among ['classification', 'regression']. Got 'ranking' instead."),
        (["train", "--data", "diabetes", "--output", "sigmoid"],
         "The '--output' option of nnlearn train must be 'identity' for regression (linear output units; --task "
         "classification learns classes). Got 'sigmoid' instead."),
        (["train", "--data", "digits8", "--task", "regression", "--output", "softmax"],
         "The '--output' option of nnlearn train must be 'identity' for regression"),
        (["sweep", "--data", "diabetes", "--output", "identity", "softmax"],
         "The '--output' option of nnlearn sweep must be 'identity' for regression"),
        (["sweep", "--data", "iris", "--output", "identity"],
         "The '--output' option of nnlearn sweep must be a str among ['sigmoid', 'logistic', 'softmax'] for classification"),
        (["predict", "--model", "m.npz", "--task", "regression"], "unrecognized arguments: --task regression"),
    ],
)
def test_data_flag_errors_name_the_flag_and_the_command(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert error_line(err).startswith(message)


def test_target_help_says_how_indexes_count(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert ("--target NAME|INDEX CSV/TSV: the target column, by header name or by index; indexes count from 0 (0 is the "
            "first column), negative ones from the end (-1 is the last); default: the last column") in text
    assert "--data-seed S planar sets: the seed of the generated points (default: 0; --seed does not change the data)" in text


def test_the_data_seed_is_not_the_weights_seed(capsys):
    outs = {}
    for seeds in (("--seed", "0"), ("--seed", "1"), ("--data-seed", "1")):
        status, out, _ = run(capsys, "train", "--data", "moons", *seeds, "--max-iter", 3, "--test-size", 0, "--no-progress")
        assert status == 0
        outs[seeds] = out
    # --seed draws other initial weights (another cost) on the same points; --data-seed draws other points
    assert value_after(outs[("--seed", "0")], "cost") != value_after(outs[("--seed", "1")], "cost")
    X0, _ = datasets.load("moons")
    X1, _ = datasets.load("moons", seed=1)
    assert not np.array_equal(X0, X1)


# -- bad data: one line naming the file, the line and the column -------------------------------------------------------

BAD_DATA = [
    pytest.param("a,b,y\n1,2,0\n3,4\n", [], r"bad\.csv, line 3: 2 fields, but the header on line 1 has 3", id="ragged-row"),
    pytest.param("a,b,y\n1,x,0\n3,4,1\n", [], r"bad\.csv, line 2, column 2 \('b'\): the feature 'x' is not a number",
                 id="non-numeric-feature"),
    pytest.param("", [], r"bad\.csv is empty: it holds no rows\.$", id="empty-file"),
    pytest.param("a,b,y\n1,2,0\n", ["--target", "label"], r"bad\.csv has no column named 'label'", id="missing-target"),
    pytest.param("a,b,y\n1,2,0\n3,nan,1\n", [], r"bad\.csv, line 3, column 2 \('b'\): the feature is nan", id="nan-feature"),
    pytest.param("a,b,y\n1,2,0\n3,inf,1\n", [], r"bad\.csv, line 3, column 2 \('b'\): the feature is inf", id="inf-feature"),
    pytest.param("a,b,y\n1,2,cat\n3,4,cat\n", [], r"bad\.csv, column 3 \('y'\): every one of the 2 targets is the class 'cat'",
                 id="one-class"),
    pytest.param("a,b,y\n1,2,0.5\n3,4,cat\n", ["--task", "regression"],
                 r"bad\.csv, line 3, column 3 \('y'\): the target 'cat' is not a number", id="text-target-regression"),
]


@pytest.mark.parametrize("command", ["train", "sweep", "report"])
@pytest.mark.parametrize("text, flags, match", BAD_DATA)
def test_bad_data_is_one_line_naming_file_line_and_column(tmp_path, capsys, command, text, flags, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    extra = ["--out", tmp_path / "report"] if command == "report" else []
    status, out, err = run(capsys, command, "--data", path, *flags, *extra, "--no-progress")
    assert status == 2 and out == ""
    assert re.search(match, error_line(err))
    assert not (tmp_path / "report").exists()


@pytest.mark.parametrize("text, flags, match", BAD_DATA[:3])
def test_bad_data_through_predict(tmp_path, capsys, text, flags, match):
    model = tmp_path / "m.npz"
    good = tmp_path / "good.csv"
    good.write_text("a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,10,0\n11,12,1\n")
    assert run(capsys, "train", "--data", good, "--test-size", 0, "--max-iter", 2, "--no-progress", "--save", model)[0] == 0
    path = tmp_path / "bad.csv"
    path.write_text(text)
    status, out, err = run(capsys, "predict", "--model", model, "--data", path, *flags)
    assert status == 2 and out == ""
    assert re.search(match, error_line(err))
