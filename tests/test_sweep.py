"""Tests of nnlearn.sweep and ``nnlearn sweep``: grids, results files, resume, backends, the known shape."""

import json
import re
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from nnlearn import MLPClassifier, sweep
from nnlearn.cli import main
from nnlearn.datasets import load_digits20

TINY_GRID = {"alpha": [0.0, 1.0], "max_iter": [3, 6], "hidden_layer_sizes": [4]}


@pytest.fixture(scope="module")
def digits_small():
    """300 digits (30 of each), so a run takes milliseconds."""
    X, y = load_digits20()
    rows = np.concatenate([np.flatnonzero(y == k)[:30] for k in range(10)])
    return X[rows], y[rows]


def lines_of(path):
    text = Path(path).read_text()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def without_thetas(record):
    return {k: v for k, v in record.items() if k != "thetas"}


# -- the grid -------------------------------------------------------------------


def test_expand_grid_order_and_canonical_values():
    combos = sweep.expand_grid({"alpha": [0, 1], "max_iter": [10, 30], "hidden_layer_sizes": [25, (8, 4)]})
    assert len(combos) == 8
    # last key varies fastest, as itertools.product and scikit-learn's ParameterGrid
    assert [(c["alpha"], c["max_iter"], c["hidden_layer_sizes"]) for c in combos[:3]] == [
        (0.0, 10, [25]), (0.0, 10, [8, 4]), (0.0, 30, [25])]
    assert all(isinstance(c["alpha"], float) for c in combos)  # 1 and 1.0 are one alpha
    assert set(combos[0]) == set(sweep.PARAM_NAMES)
    assert combos[0]["solver"] == "CG" and combos[0]["random_state"] is None  # MLPClassifier's defaults
    assert "verbose" not in sweep.PARAM_NAMES


def test_expand_grid_list_of_dicts_is_a_union_without_repeats():
    combos = sweep.expand_grid([{"alpha": [0, 1], "max_iter": [5]}, {"alpha": [1.0], "max_iter": [5, 9]}])
    assert [(c["alpha"], c["max_iter"]) for c in combos] == [(0.0, 5), (1.0, 5), (1.0, 9)]


@pytest.mark.parametrize(
    "grid, error, match",
    [
        ({"lambda": [1]}, ValueError,
         r"The 'grid' parameter of sweep.run must be a dict whose keys are parameter names among \[.*'alpha'.*\]\. "
         r"Got the key 'lambda' instead\. Did you mean 'alpha'\?"),
        ({"seed": [0]}, ValueError, r"Got the key 'seed' instead\. Did you mean 'random_state'\?"),
        ({"verbose": [True]}, ValueError, r"The 'grid' parameter of sweep.run .* Got the key 'verbose' instead\.$"),
        ({"alpha": []}, ValueError, r"The 'grid\['alpha'\]' parameter of sweep.run must be a non-empty list of values\. Got \[\]"),
        ({"alpha": 1.0}, TypeError,
         r"The 'grid\['alpha'\]' parameter of sweep.run must be a list of values\. Got 1.0 instead\. Wrap a single value"),
        ({"solver": "CG"}, TypeError, r"The 'grid\['solver'\]' parameter of sweep.run must be a list of values"),
        ({"alpha": [1, 1.0]}, ValueError, r"The 'grid\['alpha'\]' parameter .* must be a list of distinct values\. Got 1.0 twice"),
        # the values follow MLPClassifier's rules, named by their place in the grid
        ({"alpha": [0, -1]}, ValueError,
         r"The 'grid\['alpha'\]\[1\]' parameter of sweep.run must be a float in the range \[0.0, inf\)\. Got -1 instead\."),
        ({"solver": ["newton"]}, ValueError, r"The 'grid\['solver'\]\[0\]' parameter of sweep.run must be a str among \[.*'CG'"),
        ({"max_iter": [2.5]}, TypeError, r"The 'grid\['max_iter'\]\[0\]' parameter of sweep.run must be an int in the range \[0, "),
        ({"max_iter": [-1]}, ValueError, r"The 'grid\['max_iter'\]\[0\]' parameter of sweep.run must be an int in the range \[0, "),
        ({"hidden_layer_sizes": ["25"]}, TypeError,
         r"The 'grid\['hidden_layer_sizes'\]\[0\]' parameter of sweep.run must be an int or a tuple of ints >= 1"),
        ({"random_state": [np.random.default_rng(0)]}, TypeError,
         r"The 'grid\['random_state'\]\[0\]' parameter of sweep.run must be None or an int >= 0 \(a sweep writes"),
        ({3: [1]}, TypeError, r"The 'grid' parameter of sweep.run must be a dict whose keys are parameter names .* Got the key 3"),
        ([{"alpha": [0]}, {"alpha": []}], ValueError, r"The 'grid\[1\]\['alpha'\]' parameter of sweep.run must be a non-empty list"),
        ([], TypeError, r"The 'grid' parameter of sweep.run must be a dict mapping parameter names .* Got \[\] instead"),
        ("alpha", TypeError, r"The 'grid' parameter of sweep.run must be a dict"),
    ],
)
def test_bad_grids_are_refused_before_any_run(grid, error, match, digits_small, tmp_path):
    results = tmp_path / "r.jsonl"
    with pytest.raises(error, match=match):
        sweep.run(grid, digits_small, results_path=results, progress=False)
    assert not results.exists()  # nothing created for a refused sweep


# -- running and recording ------------------------------------------------------------


def test_records_match_an_independent_fit(digits_small):
    X, y = digits_small
    records = sweep.run({**TINY_GRID, "random_state": [0, 1]}, (X, y), progress=False)
    assert len(records) == 8 and records.n_run == 8 and records.n_resumed == 0 and records.n_failed == 0
    assert records.varying == ["alpha", "max_iter", "random_state"]
    assert records.metric == "train_accuracy"
    for record in records:
        params = {k: record[k] for k in sweep.PARAM_NAMES}
        params["hidden_layer_sizes"] = tuple(params["hidden_layer_sizes"])
        with threadpool_limits(1), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf = MLPClassifier(**params).fit(X, y)
        assert record["train_accuracy"] == clf.score(X, y)
        assert record["final_cost"] == clf.loss_curve_[-1]
        assert record["n_iter"] == clf.n_iter_ == record["max_iter"]
        assert all(np.array_equal(a, b) for a, b in zip(record["thetas"], clf.thetas_))
        assert record["data"] == "arrays" and record["n_train"] == 300 and record["n_test"] == 0
        assert "test_accuracy" not in record and record["error"] is None and record["seconds"] > 0
    # grid order
    assert [(r["alpha"], r["max_iter"], r["random_state"]) for r in records[:3]] == [(0.0, 3, 0), (0.0, 3, 1), (0.0, 6, 0)]


def test_held_out_split_is_stratified_and_seeded(digits_small):
    X, y = digits_small
    records = sweep.run({"alpha": [1.0], "max_iter": [5], "hidden_layer_sizes": [4], "random_state": [0]},
                        (X, y), progress=False, test_size=0.2, split_seed=3)
    [record] = records
    assert records.metric == "test_accuracy"
    assert (record["n_train"], record["n_test"], record["test_size"], record["split_seed"]) == (240, 60, 0.2, 3)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=3, stratify=y)
    assert np.all(np.bincount(y_test) == 6)
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = MLPClassifier(hidden_layer_sizes=(4,), alpha=1.0, max_iter=5, random_state=0).fit(X_train, y_train)
    assert record["train_accuracy"] == clf.score(X_train, y_train)
    assert record["test_accuracy"] == clf.score(X_test, y_test)
    # the same split given as four arrays is the same data: same accuracies
    [explicit] = sweep.run({"alpha": [1.0], "max_iter": [5], "hidden_layer_sizes": [4], "random_state": [0]},
                           (X_train, y_train, X_test, y_test), progress=False)
    assert explicit["test_accuracy"] == record["test_accuracy"]
    assert explicit["test_size"] is None  # no split asked for: the caller's


def test_numpy_int_split_seed_is_the_same_split(digits_small):
    grid = {"max_iter": [2], "hidden_layer_sizes": [4]}
    [as_int] = sweep.run(grid, digits_small, progress=False, test_size=0.2, split_seed=3)
    [as_numpy] = sweep.run(grid, digits_small, progress=False, test_size=0.2, split_seed=np.int64(3))
    assert as_numpy["id"] == as_int["id"] and type(as_numpy["split_seed"]) is int


@pytest.mark.parametrize(
    "data, kwargs, error, match",
    [
        ("mnist", {}, ValueError,
         r"The 'data' parameter of sweep.run must be one of \['digits20', 'spirals', .*\], a path to a .csv, .tsv, .npz or "
         r".mat file, .* Got 'mnist'"),
        (42, {}, TypeError, r"The 'data' parameter of sweep.run must be one of .* Got 42 instead"),
        ((np.zeros((3, 2)),), {}, TypeError, r"The 'data' parameter of sweep.run must be"),
        ((np.zeros((3, 2)), [0, 1]), {}, ValueError,
         r"The 'y' parameter of sweep.run must be 3 labels, one per row of X\. Got 2 labels instead"),
        ((np.zeros((3, 2)), [1, 1, 1]), {}, ValueError,
         r"The 'y' parameter of sweep.run must be labels of at least 2 classes\. Got only the class 1"),
        ((np.zeros(3), [0, 1, 0]), {}, ValueError, r"The 'X' parameter of sweep.run must be a 2-D array"),
        ((np.zeros((4, 2)), [0, 1, 0, 1], np.zeros((2, 3)), [0, 1]), {}, ValueError,
         r"The 'X_test' parameter of sweep.run must be an array with 2 features \(X_train\)\. Got 3 features instead"),
        ((np.zeros((4, 2)), [0, 1, 0, 1], np.zeros((2, 2)), [0, 1]), {"test_size": 0.5}, ValueError,
         r"The 'test_size' parameter of sweep.run must be None when data holds a held-out set"),
        ("spirals", {"test_size": 1.5}, ValueError,
         r"The 'test_size' parameter of sweep.run must be a float in the range \(0.0, 1.0\) or None\. Got 1.5 instead"),
        ("spirals", {"test_size": "0.2"}, TypeError, r"The 'test_size' parameter of sweep.run must be a float"),
        ("spirals", {"split_seed": -1}, ValueError, r"The 'split_seed' parameter of sweep.run must be an int in the range \[0, "),
        ("spirals", {"split_seed": 2**32}, ValueError, r"The 'split_seed' parameter of sweep.run .* Got 4294967296 instead"),
        ("spirals", {"split_seed": "0"}, TypeError, r"The 'split_seed' parameter of sweep.run must be an int .* Got '0' instead"),
        ("spirals", {"n_jobs": 0}, ValueError, r"The 'n_jobs' parameter of sweep.run must be an int other than 0"),
        ("spirals", {"n_jobs": 1.5}, TypeError, r"The 'n_jobs' parameter of sweep.run must be an int or None\. Got 1.5"),
        ("spirals", {"resume": True}, ValueError,
         r"The 'results_path' parameter of sweep.run must be a str or os.PathLike when resume=True\. Got None"),
        ("spirals", {"save_weights": True}, ValueError, r"The 'results_path' parameter .* when save_weights=True"),
        ("spirals", {"results_path": 3}, TypeError, r"The 'results_path' parameter of sweep.run must be a str or os.PathLike"),
        ("spirals", {"resume": "yes"}, TypeError, r"The 'resume' parameter of sweep.run must be a bool .* Got 'yes' instead"),
        ("spirals", {"keep_weights": 1}, TypeError, r"The 'keep_weights' parameter of sweep.run must be a bool"),
        ("spirals", {"progress": "yes"}, TypeError,
         r"The 'progress' parameter of sweep.run must be a bool \(True or False\) or None\. Got 'yes' instead"),
        ("spirals", {"blas_threads": 0}, ValueError,
         r"The 'blas_threads' parameter of sweep.run must be an int in the range \[1, inf\) or None\. Got 0"),
        ("spirals", {"blas_threads": 1.5}, TypeError, r"The 'blas_threads' parameter of sweep.run .* Got 1.5"),
        ("spirals", {"scheduler": "tcp://127.0.0.1:1", "n_jobs": 2}, ValueError,
         r"The 'scheduler' parameter of sweep.run must be None when n_jobs is not 1 .* Got 'tcp://127.0.0.1:1' with n_jobs=2"),
        ("spirals", {"scheduler": 8786}, TypeError,
         r"The 'scheduler' parameter of sweep.run must be None, a Dask scheduler address .* or a distributed.Client\. Got 8786"),
        ("spirals", {"scheduler": " "}, ValueError, r"The 'scheduler' parameter of sweep.run must be .* Got ' ' instead"),
    ],
)
def test_bad_data_and_options(data, kwargs, error, match):
    with pytest.raises(error, match=match):
        sweep.run({"max_iter": [1]}, data, **{"progress": False, **kwargs})


def test_results_file_streams_whole_lines_equal_to_the_records(digits_small, tmp_path):
    path = tmp_path / "results.jsonl"
    records = sweep.run(TINY_GRID, digits_small, results_path=path, progress=False)
    stored = lines_of(path)
    assert len(stored) == 4 and len({r["id"] for r in stored}) == 4
    by_id = {r["id"]: r for r in stored}
    for record in records:
        assert without_thetas(record) == by_id[record["id"]]  # what is returned is what is on disk
    assert sweep.load_results(path) == stored
    # never overwrite finished results by accident
    with pytest.raises(FileExistsError, match=r"already holds sweep results; pass resume=True"):
        sweep.run(TINY_GRID, digits_small, results_path=path, progress=False)
    assert lines_of(path) == stored


def test_resume_runs_only_the_missing_combinations(digits_small, tmp_path):
    path = tmp_path / "results.jsonl"
    first = sweep.run({"alpha": [0.0], "max_iter": [3, 6], "hidden_layer_sizes": [4]}, digits_small,
                      results_path=path, progress=False)
    # a reordered, larger grid: the two finished runs are recognized, two new ones run
    second = sweep.run({"max_iter": [6, 3], "hidden_layer_sizes": [4], "alpha": [1, 0]}, digits_small,
                       results_path=path, resume=True, progress=False)
    assert (second.n_run, second.n_resumed) == (2, 2)
    assert len(lines_of(path)) == 4
    old = {r["id"]: r for r in first}
    for record in second:
        if record["id"] in old:
            assert without_thetas(record) == without_thetas(old[record["id"]])
            assert record["thetas"] is None  # weights were not saved: a resumed record has none
        else:
            assert [T.shape for T in record["thetas"]] == [(4, 401), (10, 5)]
    # nothing left to do
    third = sweep.run({"alpha": [0, 1], "max_iter": [3, 6], "hidden_layer_sizes": [4]}, digits_small,
                      results_path=path, resume=True, progress=False)
    assert (third.n_run, third.n_resumed) == (0, 4)
    # a smaller grid returns only its runs and leaves the others in the file
    fourth = sweep.run({"alpha": [1], "max_iter": [3], "hidden_layer_sizes": [4]}, digits_small,
                       results_path=path, resume=True, progress=False)
    assert len(fourth) == 1 and fourth.n_run == 0 and len(lines_of(path)) == 4
    # other data are other runs
    X, y = digits_small
    fifth = sweep.run({"alpha": [1], "max_iter": [3], "hidden_layer_sizes": [4]}, (X[:200], y[:200]),
                      results_path=path, resume=True, progress=False)
    assert fifth.n_run == 1 and len(lines_of(path)) == 5


def test_torn_last_line_is_set_aside_and_its_run_redone(digits_small, tmp_path):
    path = tmp_path / "results.jsonl"
    sweep.run(TINY_GRID, digits_small, results_path=path, progress=False)
    lines = path.read_text().splitlines(keepends=True)
    torn = lines[-1][:40]  # as if another writer died in the middle of the last line
    path.write_text("".join(lines[:-1]) + torn)
    with pytest.warns(UserWarning, match=r"ended with a torn line of 40 bytes .* moved to .*results.jsonl.torn"):
        records = sweep.run(TINY_GRID, digits_small, results_path=path, resume=True, progress=False)
    assert (records.n_run, records.n_resumed) == (1, 3)
    stored = lines_of(path)
    assert sorted(r["id"] for r in stored) == sorted(r["id"] for r in records)  # each exactly once
    assert (tmp_path / "results.jsonl.torn").read_text() == torn + "\n"
    # load_results leaves a torn tail out, with a warning
    path.write_text(path.read_text() + '{"id": "0')
    with pytest.warns(UserWarning, match=r"ends with a torn line of 9 bytes"):
        assert len(sweep.load_results(path)) == 4


def test_complete_last_record_without_newline_is_kept(digits_small, tmp_path):
    path = tmp_path / "results.jsonl"
    sweep.run(TINY_GRID, digits_small, results_path=path, progress=False)
    path.write_text(path.read_text().rstrip("\n"))
    records = sweep.run(TINY_GRID, digits_small, results_path=path, resume=True, progress=False)
    assert (records.n_run, records.n_resumed) == (0, 4)
    assert len(lines_of(path)) == 4


def test_corrupt_line_in_the_middle_is_refused_untouched(digits_small, tmp_path):
    path = tmp_path / "results.jsonl"
    sweep.run(TINY_GRID, digits_small, results_path=path, progress=False)
    lines = path.read_text().splitlines(keepends=True)
    lines[1] = "not json\n"
    path.write_text("".join(lines))
    with pytest.raises(ValueError, match=r"results.jsonl line 2 is not a JSON record"):
        sweep.run(TINY_GRID, digits_small, results_path=path, resume=True, progress=False)
    assert path.read_text() == "".join(lines)  # left as it was
    lines[1] = '{"id": "x"}\n'
    path.write_text("".join(lines))
    with pytest.raises(ValueError, match=r"line 2 is not a sweep record: it lacks \['train_accuracy'"):
        sweep.load_results(path)
    with pytest.raises(ValueError, match=r"line 2 is not a sweep record"):
        sweep.run(TINY_GRID, digits_small, results_path=path, resume=True, progress=False)
    assert path.read_text() == "".join(lines)


def test_one_writer_per_results_file(tmp_path):
    path = tmp_path / "results.jsonl"
    first = sweep.results_file.ResultsFile(path, resume=False)
    try:
        with pytest.raises(BlockingIOError, match=r"another sweep is writing"):
            sweep.results_file.ResultsFile(path, resume=True)
    finally:
        first.close()
    sweep.results_file.ResultsFile(path, resume=True).close()  # free again


@pytest.mark.parametrize("make, match", [
    (lambda p: p.mkdir(), r"is a directory"),
    (lambda p: None, None),
])
def test_results_path_must_be_a_file_in_an_existing_directory(make, match, tmp_path):
    target = tmp_path / "out.jsonl"
    make(target)
    if match:
        with pytest.raises(IsADirectoryError, match=match):
            sweep.run({"max_iter": [1]}, "spirals", results_path=target, progress=False)
    with pytest.raises(FileNotFoundError, match=r"the directory of results_path .* does not exist"):
        sweep.run({"max_iter": [1]}, "spirals", results_path=tmp_path / "missing" / "r.jsonl", progress=False)


def test_saved_weights_match_the_records(digits_small, tmp_path):
    path = tmp_path / "results.jsonl"
    records = sweep.run(TINY_GRID, digits_small, results_path=path, progress=False, save_weights=True)
    for record in records:
        assert record["weights"] == f"results.weights/{record['id']}.npz"
        saved = sweep.load_weights(tmp_path / record["weights"])
        assert all(np.array_equal(a, b) for a, b in zip(saved, record["thetas"]))
    assert sorted(p.name for p in (tmp_path / "results.weights").iterdir()) == sorted(
        f"{r['id']}.npz" for r in records)  # no temporary files left
    model_io = pytest.importorskip("nnlearn.model_io")
    model = model_io.load_model(tmp_path / records[0]["weights"])
    X, y = digits_small
    assert model.score(X, y) == records[0]["train_accuracy"]
    # resumed records get their weights back from the files
    again = sweep.run(TINY_GRID, digits_small, results_path=path, resume=True, progress=False)
    assert again.n_run == 0
    assert all(np.array_equal(a, b) for r, s in zip(records, again) for a, b in zip(r["thetas"], s["thetas"]))
    with pytest.raises(ValueError, match=r"holds no weight matrices"):
        np.savez(tmp_path / "empty.npz", x=np.zeros(2))
        sweep.load_weights(tmp_path / "empty.npz")


def test_failed_run_is_recorded_warned_and_not_rerun(tmp_path):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 100)), np.repeat([0, 1], 20)
    grid = {"solver": ["CG", "BFGS"], "max_iter": [2], "hidden_layer_sizes": [25]}  # BFGS refuses > 2000 weights
    path = tmp_path / "results.jsonl"
    with pytest.warns(FitFailedWarning, match=r"The run .*'BFGS'.* failed: ValueError: .*dense"):
        records = sweep.run(grid, (X, y), results_path=path, progress=False)
    ok, failed = records
    assert ok["error"] is None and np.isfinite(ok["train_accuracy"])
    assert failed["error"].startswith("ValueError: ") and np.isnan(failed["train_accuracy"])
    assert failed["thetas"] is None and records.n_failed == 1
    assert lines_of(path)[1]["train_accuracy"] is None  # JSON has null, memory has NaN
    table = records.table().splitlines()
    assert table[0].split() == ["alpha", "max_iter", "solver", "train", "%", "cost", "iters", "seconds"]
    assert table[2].split()[:5] == ["1", "2", "BFGS", "failed:", "ValueError:"]
    assert len(table[0]) == len(table[1])  # the error does not widen the aligned columns
    assert records.best()["solver"] == "CG"
    again = sweep.run(grid, (X, y), results_path=path, resume=True, progress=False)
    assert again.n_run == 0 and len(lines_of(path)) == 2


def test_interrupted_fit_is_not_recorded(digits_small, tmp_path, monkeypatch):
    real = sweep.fit.fit_one
    calls = []

    def fit_then_ctrl_c(index, params, data, blas_threads):
        calls.append(index)
        index, outcome, model = real(index, params, data, blas_threads)
        if len(calls) == 2:  # as train() reports a Ctrl-C: the run stopped early
            outcome["interrupted"] = True
        return index, outcome, model

    monkeypatch.setattr(sweep.fit, "fit_one", fit_then_ctrl_c)
    path = tmp_path / "results.jsonl"
    with pytest.raises(KeyboardInterrupt):
        sweep.run(TINY_GRID, digits_small, results_path=path, progress=False)
    assert len(lines_of(path)) == 1  # the finished run is safe, the interrupted one is not written
    monkeypatch.setattr(sweep.fit, "fit_one", real)
    records = sweep.run(TINY_GRID, digits_small, results_path=path, resume=True, progress=False)
    assert (records.n_run, records.n_resumed) == (3, 1)


def test_progress_bar_shows_done_total_and_best(digits_small, capsys):
    records = sweep.run(TINY_GRID, digits_small, progress=True)
    err = capsys.readouterr().err
    assert "sweep" in err and "4/4" in err
    best = records.best()
    assert f"best train {100 * best['train_accuracy']:.2f}%" in err


def test_table_and_heatmap(digits_small):
    from nnlearn.plots import sweep_heatmap, sweep_table

    records = sweep.run({**TINY_GRID, "random_state": [0, 1]}, digits_small, progress=False)
    text = records.table().splitlines()
    assert text[0].split() == ["alpha", "max_iter", "seed", "train", "%", "cost", "iters", "seconds"]
    assert len(text) == 9
    assert text[1].split()[:3] == ["0", "3", "0"]
    assert text[1].split()[3] == f"{100 * records[0]['train_accuracy']:.2f}"
    alphas, max_iters, matrix = sweep_table(records, "train_accuracy")
    assert alphas.tolist() == [0.0, 1.0] and max_iters.tolist() == [3, 6]
    assert matrix[0, 0] == pytest.approx(np.mean([records[0]["train_accuracy"], records[1]["train_accuracy"]]))
    figure = sweep_heatmap(records, metric="train_accuracy")
    assert figure.axes[0].images[0].get_array().shape == (2, 2)


# -- parallel backends ----------------------------------------------------------------


def test_joblib_processes_give_the_sequential_results(digits_small, tmp_path):
    grid = {**TINY_GRID, "random_state": [0, 1]}
    local = sweep.run(grid, digits_small, progress=False)
    path = tmp_path / "results.jsonl"
    parallel = sweep.run(grid, digits_small, results_path=path, n_jobs=2, progress=False)
    assert [r["id"] for r in parallel] == [r["id"] for r in local]  # grid order, whatever finished first
    for a, b in zip(local, parallel):
        assert (a["train_accuracy"], a["final_cost"]) == (b["train_accuracy"], b["final_cost"])
        assert all(np.array_equal(p, q) for p, q in zip(a["thetas"], b["thetas"]))
    assert len(lines_of(path)) == 8


def test_dask_cluster_gives_the_local_results(digits_small, tmp_path):
    distributed = pytest.importorskip("distributed")
    grid = {"alpha": [0.0, 1.0], "max_iter": [4, 8], "hidden_layer_sizes": [6], "random_state": [0, 1]}
    local = sweep.run(grid, digits_small, progress=False, test_size=0.2)
    path = tmp_path / "results.jsonl"
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        remote = sweep.run(grid, digits_small, results_path=path, scheduler=cluster.scheduler_address,
                           progress=False, test_size=0.2)
        assert [r["id"] for r in remote] == [r["id"] for r in local]
        for a, b in zip(local, remote):
            assert (a["random_state"], a["train_accuracy"], a["test_accuracy"], a["final_cost"]) == (
                b["random_state"], b["train_accuracy"], b["test_accuracy"], b["final_cost"])
            assert all(np.array_equal(p, q) for p, q in zip(a["thetas"], b["thetas"]))
        assert sorted(r["id"] for r in lines_of(path)) == sorted(r["id"] for r in local)

        # The data set is scattered once: every task gets the same future, never the arrays themselves.
        with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
            submitted = []
            real_submit = client.submit

            def spy(func, *args, **kwargs):
                submitted.append(args)
                return real_submit(func, *args, **kwargs)

            client.submit = spy
            more = sweep.run({**grid, "alpha": [3.0]}, digits_small, results_path=path, resume=True,
                             scheduler=client, progress=False, test_size=0.2)
            assert more.n_run == 4 and more.n_resumed == 0 and len(lines_of(path)) == 12
            data_args = [args[2] for args in submitted]
            assert len(submitted) == 4 and all(isinstance(d, distributed.Future) for d in data_args)
            assert len({d.key for d in data_args}) == 1
            assert client.status == "running"  # a Client passed in is left open


def test_unreachable_scheduler_fails_with_a_clear_error():
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        with pytest.raises(OSError, match=r"tcp://127.0.0.1:9"):
            sweep.run({"max_iter": [1]}, "spirals", scheduler="tcp://127.0.0.1:9", progress=False)


# -- kill and resume -----------------------------------------------------------------


def test_sigkill_then_resume_runs_every_combination_exactly_once(tmp_path):
    path = tmp_path / "results.jsonl"
    argv = ["sweep", "--data", "spirals", "--alpha", "0", "0.1", "1", "--max-iter", "150", "300",
            "--hidden", "10", "--seed", "0", "1", "--results", str(path), "--no-progress"]
    total = 12
    process = subprocess.Popen([sys.executable, "-m", "nnlearn.cli", *argv], cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if path.exists() and path.read_bytes().count(b"\n") >= 3:
                break
            time.sleep(0.01)
        assert process.poll() is None, f"the sweep ended before it could be killed: {process.stderr.read()!r}"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    killed = lines_of(path)  # every line whole and parseable
    assert 3 <= len(killed) < total
    assert main([*argv, "--resume"]) == 0
    final = lines_of(path)
    ids = [r["id"] for r in final]
    assert len(ids) == total and len(set(ids)) == total  # every combination exactly once
    assert final[:len(killed)] == killed  # the finished runs were kept as they were
    combos = {(r["alpha"], r["max_iter"], r["random_state"]) for r in final}
    assert combos == {(a, i, s) for a in (0.0, 0.1, 1.0) for i in (150, 300) for s in (0, 1)}


# -- the command line ----------------------------------------------------------------


def test_cli_sweep_prints_a_table_and_writes_a_heatmap(tmp_path, capsys):
    results, plot = tmp_path / "r.jsonl", tmp_path / "sweep.png"
    status = main(["sweep", "--data", "spirals", "--alpha", "0", "1", "--max-iter", "5", "20", "--hidden", "4", "3,3",
                   "--results", str(results), "--plot", str(plot), "--test-size", "0.25", "--no-progress"])
    out = capsys.readouterr().out
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["alpha", "max_iter", "hidden", "train", "%", "held-out", "%", "cost", "iters", "seconds"]
    assert [line.split()[2] for line in lines[1:9]] == ["4", "3-3"] * 4
    assert "best         held-out" in out and "runs         8: 8 run now, 0 from the results file" in out
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left
    stored = lines_of(results)
    assert {tuple(r["hidden_layer_sizes"]) for r in stored} == {(4,), (3, 3)}
    assert {r["activation"] for r in stored} == {"tanh"}  # planar data default, as in `nnlearn train`
    assert all(r["n_test"] == 200 for r in stored)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--resume"], "nnlearn: error: The '--resume' option of nnlearn sweep must be given with --results FILE.jsonl"),
        (["--save-weights"], "nnlearn: error: The '--save-weights' option of nnlearn sweep must be given with --results FILE.jsonl"),
        (["--hidden", "25,x"], "nnlearn: error: The '--hidden' option of nnlearn sweep must be units per hidden layer joined by commas "
                               "such as 25 or 64,32, or none for no hidden layer. Got '25,x' instead."),
        (["--hidden", "0"], "nnlearn: error: The '--hidden' option of nnlearn sweep must be units per hidden layer"),
        (["--alpha"], "nnlearn: error: argument --alpha: expected at least one argument"),
        # checked by sweep.run (or by the command line itself, naming its flag)
        (["--alpha", "-1"], re.compile(r"nnlearn: error: The '(grid\['alpha'\]\[0\]' parameter of sweep.run|--alpha' option "
                                       r"of nnlearn sweep) must be a float in the range \[0.0, inf\)")),
        (["--data", "nope"], "nnlearn: error: The '--data' option of nnlearn sweep must be one of ['digits20', 'spirals', "),
        (["--plot", "heat.bmpx"], "nnlearn: error: The '--plot' option of nnlearn sweep must be an image file name ending in one of "),
        (["--plot", "no/such/dir/h.png"], "nnlearn: error: The '--plot' option of nnlearn sweep must be the name of a file to write in an "
                                          "existing directory. Got 'no/such/dir/h.png' (directory no/such/dir does not exist) instead."),
        (["--test-size", "1"], "nnlearn: error: The '--test-size' option of nnlearn sweep must be a float in the range [0.0, 1.0). Got 1.0"),
        (["--jobs", "0"], re.compile(r"nnlearn: error: The '(n_jobs' parameter of sweep.run|--jobs' option of nnlearn sweep) "
                                     r"must be an int other than 0")),
        (["--results", "."], "nnlearn: error: The '--results' option of nnlearn sweep must be the name of a file to write in an "
                             "existing directory. Got '.' (which is a directory) instead."),
        (["--metric", "test_accuracy", "--test-size", "0"], "nnlearn: error: The '--test-size' option of nnlearn sweep must be a "
                                                            "fraction in (0.0, 1.0) with --metric test_accuracy"),
    ],
)
def test_cli_sweep_errors_are_one_line_with_status_2(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["sweep", "--data", "spirals", "--max-iter", "1", "--no-progress", *argv]) == 2
    captured = capsys.readouterr()
    if isinstance(message, re.Pattern):
        assert message.match(captured.err), captured.err
    else:
        assert captured.err.startswith(message), captured.err
    assert captured.err.count("\n") == 1, captured.err
    assert captured.out == "", captured.out
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_cli_sweep_refuses_to_overwrite_results(tmp_path, capsys):
    results = tmp_path / "r.jsonl"
    argv = ["sweep", "--data", "spirals", "--max-iter", "1", "--results", str(results), "--no-progress"]
    assert main(argv) == 0
    before = results.read_bytes()
    assert main(argv) == 2
    assert "already holds sweep results" in capsys.readouterr().err
    assert results.read_bytes() == before
    assert main([*argv, "--resume"]) == 0
    assert "0 run now, 1 from the results file" in capsys.readouterr().out and results.read_bytes() == before


# -- the known shape on the bundled digits -----------------------------------------------


def test_digits_reproduce_the_known_shape(tmp_path):
    """alpha 1000 collapses to chance, alpha 0 with 200 iterations fits the training set,
    alpha 1 with 50 iterations gives about 95% (the course's 95.3%)."""
    records = sweep.run({"alpha": [0, 1, 1000], "max_iter": [50, 200]}, "digits20",
                        results_path=tmp_path / "digits.jsonl", n_jobs=2, progress=False)
    accuracy = {(r["alpha"], r["max_iter"]): r["train_accuracy"] for r in records}
    assert accuracy[(1000.0, 50)] == pytest.approx(0.10, abs=0.02)
    assert accuracy[(1000.0, 200)] == pytest.approx(0.10, abs=0.02)
    assert accuracy[(0.0, 200)] >= 0.995
    assert 0.93 <= accuracy[(1.0, 50)] <= 0.98
    assert accuracy[(0.0, 50)] < accuracy[(0.0, 200)]
    assert all(r["data"] == "digits20" and r["n_train"] == 5000 for r in records)


# -- regression and data options -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_targets():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(120, 3))
    return X, X[:, 0] - 2 * X[:, 1] ** 2 + 0.1 * rng.normal(size=120)


def test_real_targets_sweep_regressors_scored_by_r2_and_rmse(real_targets, tmp_path):
    from nnlearn import MLPRegressor
    from nnlearn.metrics import r2, rmse
    from nnlearn.split import held_out_split

    X, y = real_targets
    grid = {"alpha": [0.0, 1.0], "max_iter": [5], "hidden_layer_sizes": [4], "random_state": [0]}
    path = tmp_path / "results.jsonl"
    records = sweep.run(grid, (X, y), results_path=path, test_size=0.25, progress=False)
    assert (records.task, records.metric) == ("regression", "test_r2")
    X_train, X_test, y_train, y_test = held_out_split(X, y, 0.25, 0, stratify=False)  # not stratified
    for record in records:
        assert record["task"] == "regression" and "output" not in record and "train_accuracy" not in record
        reg = MLPRegressor(hidden_layer_sizes=(4,), alpha=record["alpha"], max_iter=5, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reg.fit(X_train, y_train)
        np.testing.assert_array_equal(record["thetas"][0], reg.thetas_[0])
        assert record["test_r2"] == r2(y_test, reg.predict(X_test))
        assert record["test_rmse"] == rmse(y_test, reg.predict(X_test))
        assert record["train_rmse"] == rmse(y_train, reg.predict(X_train))
    assert records.best()["test_r2"] == max(r["test_r2"] for r in records)
    table = records.table().splitlines()
    assert table[0].split()[:8] == ["max_iter", "alpha", "train", "R^2", "held-out", "R^2", "held-out", "RMSE"]
    assert table[1].split()[2:5] == [f"{records[0]['train_r2']:.4f}", f"{records[0]['test_r2']:.4f}",
                                     f"{records[0]['test_rmse']:.4g}"]
    again = sweep.run(grid, (X, y), results_path=path, test_size=0.25, resume=True, progress=False)
    assert (again.n_run, again.n_resumed) == (0, 2)  # regression records are read back by resume
    assert [r["test_r2"] for r in sweep.load_results(path)] == [r["test_r2"] for r in records]


def test_regression_without_held_out_set_and_failed_runs(real_targets):
    X, y = real_targets
    with pytest.warns(FitFailedWarning):
        records = sweep.run({"max_iter": [3], "solver": ["CG", "BFGS"], "hidden_layer_sizes": [(60, 60)]}, (X, y),
                            progress=False)
    assert records.metric == "train_r2" and "test_r2" not in records[0]
    failed = records[1]
    assert failed["error"].startswith("ValueError") and np.isnan(failed["train_r2"]) and np.isnan(failed["train_rmse"])
    assert "train RMSE" in records.table().splitlines()[0]


def test_task_chooses_the_estimator_and_its_grid(real_targets, digits_small):
    X, y = real_targets
    with pytest.raises(ValueError, match=r"The 'grid' parameter of sweep.run must be a dict whose keys are parameter names "
                                         r"among \[.*\]\. Got the key 'output' instead\. A regression network's output is "
                                         r"always 'identity'\."):
        sweep.run({"output": ["sigmoid"]}, (X, y), progress=False)
    labels = (X[:, 0] > 0).astype(float)  # 0.0 / 1.0: classes by type_of_target, regression when asked
    assert sweep.run({"max_iter": [2]}, (X, labels), progress=False).task == "classification"
    assert sweep.run({"max_iter": [2]}, (X, labels), progress=False, task="regression").metric == "train_r2"
    with pytest.raises(ValueError, match=r"The 'task' parameter of sweep.run must be a str among \['classification', "
                                         r"'regression'\] or None\. Got 'ranking' instead\."):
        sweep.run({"max_iter": [2]}, digits_small, task="ranking", progress=False)


def test_named_data_take_their_options(tmp_path):
    path = tmp_path / "points.csv"
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    rows = [f"{int(a > 0)},{a!r},{b!r}" for a, b in X.tolist()]
    path.write_text("label,a,b\n" + "\n".join(rows) + "\n")
    records = sweep.run({"max_iter": [2], "hidden_layer_sizes": [3]}, path, data_options={"target": "label"},
                        test_size=0.25, progress=False)
    assert records[0]["n_train"] == 30 and records.task == "classification"
    moons = sweep.run({"max_iter": [2]}, "moons", data_options={"n_samples": 50, "noise": 0.0}, progress=False)
    assert moons[0]["n_train"] == 50
    with pytest.raises(ValueError, match=r"The 'noise' parameter of sweep.run must be left unset for 'iris', which takes no "
                                         r"options\. Got 0.1 instead\."):
        sweep.run({"max_iter": [2]}, "iris", data_options={"noise": 0.1}, progress=False)
    with pytest.raises(ValueError, match=r"The 'data_options' parameter of sweep.run must be None for data given as arrays"):
        sweep.run({"max_iter": [2]}, (X, X[:, 0] > 0), data_options={"target": 0}, progress=False)
    with pytest.raises(TypeError, match=r"The 'data_options' parameter of sweep.run must be None or a dict"):
        sweep.run({"max_iter": [2]}, "iris", data_options=[("noise", 0)], progress=False)
    with pytest.raises(TypeError, match=r"The 'data_options' parameter of sweep.run must be None or a dict of data options "
                                        r"\(the task is the argument task\)\. Got \{'task': 'regression'\} instead\."):
        sweep.run({"max_iter": [2]}, "iris", data_options={"task": "regression"}, progress=False)


def test_records_written_before_regression_still_load(tmp_path, digits_small):
    path = tmp_path / "old.jsonl"
    records = sweep.run(TINY_GRID, digits_small, results_path=path, progress=False)
    assert all(r["task"] == "classification" for r in records)
    lines = [{k: v for k, v in r.items() if k != "task"} for r in lines_of(path)]  # as an earlier nnlearn wrote them
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    again = sweep.run(TINY_GRID, digits_small, results_path=path, resume=True, progress=False)
    assert again.n_run == 0 and [r["train_accuracy"] for r in again] == [r["train_accuracy"] for r in records]


def test_multi_label_targets_sweep_unstratified(real_targets):
    X, _ = real_targets
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0]).astype(int)  # a 0/1 indicator matrix: two labels
    records = sweep.run({"max_iter": [5], "hidden_layer_sizes": [3], "random_state": [0]}, (X, Y), test_size=0.25,
                        progress=False)
    assert records.task == "classification" and records[0]["n_test"] == 30
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=5, random_state=0)
    from nnlearn.split import held_out_split

    X_train, X_test, Y_train, Y_test = held_out_split(X, Y, 0.25, 0, stratify=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X_train, Y_train)
    assert records[0]["test_accuracy"] == clf.score(X_test, Y_test)  # subset accuracy, as scikit-learn's
    with pytest.raises(ValueError, match=r"The 'y' parameter of sweep.run must be a 1-D array of labels of shape \(m,\), "
                                         r"or a 0/1 indicator matrix of shape \(m, n_labels\)\. Got an array of shape "
                                         r"\(120, 2\) instead\."):
        sweep.run({"max_iter": [5]}, (X, Y + 1), progress=False)
