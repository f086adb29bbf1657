"""nnlearn.provenance and its model-file fields: what a model was trained on, and which rows it is shown."""

import hashlib
import json
import warnings

import numpy as np
import pytest

import nnlearn
from nnlearn.model_io import read_header, read_training_data
from nnlearn.provenance import TrainingData, row_fingerprints
from nnlearn.split import held_out_split


@pytest.fixture
def split(rng):
    X = rng.normal(size=(50, 3))
    y = np.repeat([0, 1], 25)
    return held_out_split(X, y, 0.2, 0)


@pytest.fixture
def record(split):
    X_train, X_test, _, _ = split
    return TrainingData.from_split("data.csv", X_train, X_test, options={"target": -1, "header": None},
                                   test_size=0.2, split_seed=0)


def test_row_fingerprints_are_blake2b_of_the_float64_bytes(rng):
    X = rng.normal(size=(4, 3))
    expected = [int.from_bytes(hashlib.blake2b(row.astype("<f8").tobytes(), digest_size=8).digest(), "little") for row in X]
    assert row_fingerprints(X).tolist() == expected
    assert row_fingerprints(X.astype(np.float32)).tolist() == row_fingerprints(X.astype(np.float32).astype(np.float64)).tolist()
    assert row_fingerprints(np.arange(6).reshape(3, 2)).tolist() == row_fingerprints(np.arange(6.0).reshape(3, 2)).tolist()
    big = rng.normal(size=(5000, 2))  # more than one block of rows
    assert row_fingerprints(big)[4096] == row_fingerprints(big[4096:4097])[0]
    assert np.unique(row_fingerprints(big)).size == 5000


@pytest.mark.parametrize("X, error", [(np.zeros(3), ValueError), (np.full((2, 2), "a"), TypeError)])
def test_row_fingerprints_refuse_what_is_not_a_matrix(X, error):
    with pytest.raises(error, match=r"The 'X' parameter of row_fingerprints must be a 2-D array"):
        row_fingerprints(X)


def test_compare_tells_training_held_out_and_other_rows(record, split):
    X_train, X_test, _, _ = split
    every = record.compare(np.vstack([X_train, X_test]))
    assert (every.verdict, every.n_rows, every.n_training, every.n_held_out) == ("training", 50, 40, 10)
    assert every.text == ("these rows include the model's 40 training rows (40 of the 50 rows equal a training row, 10 a "
                          "held-out row): scores on them are optimistic")
    np.testing.assert_array_equal(every.training, np.r_[np.ones(40, bool), np.zeros(10, bool)])
    some = record.compare(X_train[:3])
    assert some.verdict == "training"
    assert some.text == "these rows include training rows: 3 of the 3 rows equal a training row (of the model's 40): scores on them are optimistic"
    held_out = record.compare(X_test[::-1])  # any order
    assert (held_out.verdict, held_out.text) == ("held-out", "held-out rows only: all 10 rows were held out of the training, "
                                                 "none was trained on")
    other = record.compare(X_test + 1e-12)  # the smallest change is other data
    assert (other.verdict, other.n_training, other.n_held_out) == ("other", 0, 0)
    assert other.text == "other data: none of these 10 rows was trained on"
    mixed = record.compare(np.vstack([X_test, X_test + 1]))
    assert mixed.text == "other data: none of these 20 rows was trained on, 10 of them held-out rows"


def test_record_holds_what_the_header_needs(record, split):
    X_train = split[0]
    assert (record.n_train, record.n_held_out, record.test_size, record.split_seed) == (40, 10, 0.2, 0)
    assert record.fingerprint == hashlib.sha1(row_fingerprints(X_train).astype("<u8").tobytes()).hexdigest()[:16]
    assert record.training_rows.tolist() == sorted(set(row_fingerprints(X_train).tolist()))
    header = record.header()
    assert json.loads(json.dumps(header)) == header  # plain JSON
    assert header["data"] == "data.csv" and header["options"] == {"target": -1, "header": None}
    assert record.describe().startswith("data.csv (target -1): 40 rows trained on, 10 held out, test_size 0.2, split seed 0")
    none_held = TrainingData.from_split("iris", X_train)
    assert none_held.n_held_out == 0 and none_held.describe().startswith("iris: 40 rows trained on, none held out")


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"data": 3}, TypeError, r"The 'data' parameter of TrainingData.from_split must be a str or os.PathLike"),
        ({"options": {"noise": object()}}, TypeError, r"The 'options' parameter of TrainingData.from_split must be a dict"),
        ({"task": "ranking"}, ValueError, r"The 'task' parameter of TrainingData.from_split must be a str among"),
        ({"test_size": 1.0}, ValueError, r"The 'test_size' parameter of TrainingData.from_split must be a float"),
        ({"split_seed": -1}, ValueError, r"The 'split_seed' parameter of TrainingData.from_split must be an int"),
        ({"X_train": np.zeros(4)}, ValueError, r"The 'X' parameter of row_fingerprints must be a 2-D array"),
    ],
)
def test_from_split_checks_its_arguments(split, kwargs, error, match):
    arguments = {"data": "d.csv", "X_train": split[0], "X_test": split[1], **kwargs}
    with pytest.raises(error, match=match):
        TrainingData.from_split(**arguments)


# -- in model files ---------------------------------------------------------------------------------------------


@pytest.fixture
def fitted(split):
    X_train, _, y_train, _ = split
    clf = nnlearn.MLPClassifier(hidden_layer_sizes=(3,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return clf.fit(X_train, y_train)


def test_model_files_keep_the_record(tmp_path, fitted, record, split):
    path = tmp_path / "m.npz"
    nnlearn.save_model(path, fitted, training_data=record)
    back = read_training_data(path)
    assert back.header() == record.header()
    np.testing.assert_array_equal(back.training_rows, record.training_rows)
    np.testing.assert_array_equal(back.held_out_rows, record.held_out_rows)
    assert back.compare(split[1]).verdict == "held-out"
    assert read_header(path)["training_data"]["row_fingerprint"] == "blake2b-64 of each row's float64 bytes"
    loaded = nnlearn.load_model(path)  # the extra arrays do not disturb loading
    np.testing.assert_array_equal(loaded.predict(split[0]), fitted.predict(split[0]))
    net = fitted.network_
    nnlearn.save_model(tmp_path / "net.npz", net, net.pack(fitted.thetas_), training_data=record)
    assert read_training_data(tmp_path / "net.npz").fingerprint == record.fingerprint


def test_files_without_a_record_read_as_none(tmp_path, fitted):
    nnlearn.save_model(tmp_path / "m.npz", fitted)
    assert read_training_data(tmp_path / "m.npz") is None
    assert "training_data" not in read_header(tmp_path / "m.npz")


def test_save_model_refuses_another_record(tmp_path, fitted):
    with pytest.raises(TypeError, match=r"The 'training_data' parameter of save_model must be None or an "
                                        r"nnlearn.provenance.TrainingData\. Got \{'data': 'x'\} instead\."):
        nnlearn.save_model(tmp_path / "m.npz", fitted, training_data={"data": "x"})
    assert not (tmp_path / "m.npz").exists()


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda h, a: h["training_data"].pop("fingerprint"), r"training_data lacks 'fingerprint'"),
        (lambda h, a: h["training_data"].update(n_train=-1), r"training_data has n_train = -1"),
        (lambda h, a: h["training_data"].update(task="ranking"), r"training_data has task = 'ranking'"),
        (lambda h, a: h.update(training_data=[1]), r"training_data is \[1\], not an object"),
        (lambda h, a: a.pop("held_out_rows"), r"the array 'held_out_rows' of its training data must be 1-D uint64 \(no such array\)"),
        (lambda h, a: a.update(training_rows=np.zeros(3)), r"'training_rows' of its training data must be 1-D uint64 \(dtype float64"),
    ],
)
def test_malformed_records_are_refused(tmp_path, fitted, record, edit, match):
    path = tmp_path / "m.npz"
    nnlearn.save_model(path, fitted, training_data=record)
    with np.load(path, allow_pickle=False) as data:
        members = {name: data[name] for name in data.files}
    header = json.loads(members["header"].tobytes())
    edit(header, members)
    members["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    with open(path, "wb") as f:
        np.savez(f, **members)
    with pytest.raises(ValueError, match=match):
        read_training_data(path)
