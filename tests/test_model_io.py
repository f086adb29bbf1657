"""Model files: round trips, the file format, refusal of bad files, atomic writes, and the CLI."""

import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
import warnings
import zipfile

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

import nnlearn
from nnlearn import model_io
from nnlearn.cli import main
from nnlearn.datasets import make_spirals

NOT_A_MODEL = "is not an nnlearn model file"


def fit(X, y, **kwargs):
    params = dict(hidden_layer_sizes=(6,), activation="tanh", max_iter=15, random_state=0)
    params.update(kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning at max_iter
        return nnlearn.MLPClassifier(**params).fit(X, y)


@pytest.fixture(scope="module")
def spirals():
    return make_spirals(n_per_class=60, random_state=0)


@pytest.fixture(scope="module")
def fitted(spirals):
    return fit(*spirals)


@pytest.fixture
def model_file(tmp_path, fitted):
    path = tmp_path / "model.npz"
    nnlearn.save_model(path, fitted)
    return path


def read_members(path):
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def header_of(members):
    return json.loads(members["header"].tobytes().decode("utf-8"))


def rewrite(path, members, header=None):
    """Write ``members`` (with ``header`` as the JSON header, if given) to ``path`` as a plain npz."""
    members = dict(members)
    if header is not None:
        members["header"] = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    with open(path, "wb") as f:
        np.savez(f, **members)


def assert_same_classifier(a, b, X):
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    proba_a, proba_b = a.predict_proba(X), b.predict_proba(X)
    assert proba_a.tobytes() == proba_b.tobytes()  # bitwise identical


# -- round trips -----------------------------------------------------------------


def test_classifier_round_trip_is_bitwise_identical(tmp_path, fitted, spirals, rng):
    X, y = spirals
    path = tmp_path / "model.npz"
    assert nnlearn.save_model(path, fitted) is None
    loaded = nnlearn.load_model(path)
    assert type(loaded) is nnlearn.MLPClassifier
    assert_same_classifier(loaded, fitted, X)
    X_new = rng.normal(scale=3.0, size=(50, 2))  # data neither model has seen
    assert_same_classifier(loaded, fitted, X_new)
    assert loaded.score(X, y) == fitted.score(X, y)
    assert loaded.get_params() == fitted.get_params()
    for T_loaded, T in zip(loaded.thetas_, fitted.thetas_, strict=True):
        assert T_loaded.dtype == np.float64 and T_loaded.flags.writeable and T_loaded.flags.c_contiguous
        np.testing.assert_array_equal(T_loaded, T)
    np.testing.assert_array_equal(loaded.classes_, fitted.classes_)
    assert loaded.classes_.dtype == fitted.classes_.dtype
    assert loaded.n_features_in_ == fitted.n_features_in_ == 2
    assert loaded.loss_curve_ == fitted.loss_curve_
    assert loaded.n_iter_ == fitted.n_iter_ == 15
    assert loaded.network_.layer_sizes == fitted.network_.layer_sizes
    assert (loaded.network_.activation, loaded.network_.output) == ("tanh", "sigmoid")
    result, saved = loaded.train_result_, fitted.train_result_
    np.testing.assert_array_equal(result.theta, saved.theta)
    assert result.cost_history == saved.cost_history
    for name in ("n_iter", "n_evaluations", "message", "elapsed", "method", "converged", "interrupted"):
        assert getattr(result, name) == getattr(saved, name), name


def test_regressor_round_trip_is_bitwise_identical(tmp_path, rng):
    X = rng.normal(size=(80, 3))
    for y in (X[:, 0] - 2 * X[:, 1] ** 2, np.column_stack([X[:, 0], np.sin(X[:, 2])])):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reg = nnlearn.MLPRegressor(hidden_layer_sizes=(6,), activation="tanh", max_iter=20, alpha=0.1,
                                       random_state=0).fit(X, y)
        path = tmp_path / "regressor.npz"
        nnlearn.save_model(path, reg)
        loaded = nnlearn.load_model(path)
        assert type(loaded) is nnlearn.MLPRegressor and loaded.get_params() == reg.get_params()
        X_new = rng.normal(scale=2.0, size=(40, 3))
        for data in (X, X_new):
            assert loaded.predict(data).tobytes() == reg.predict(data).tobytes()
            assert loaded.predict(data).shape == reg.predict(data).shape
        assert loaded.score(X, y) == reg.score(X, y)
        for name in ("loss_curve_", "n_iter_", "loss_", "best_loss_", "validation_loss_curve_", "best_validation_loss_",
                     "n_layers_", "n_outputs_", "out_activation_", "n_features_in_"):
            assert getattr(loaded, name) == getattr(reg, name), name
        header = model_io.read_header(path)
        assert header["kind"] == "MLPRegressor" and header["output"] == "identity" and "classes" not in header


def test_early_stopping_and_multilabel_models_round_trip(tmp_path, rng):
    X = rng.normal(size=(80, 3))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0]).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = nnlearn.MLPClassifier(hidden_layer_sizes=(4,), max_iter=30, early_stopping=True, n_iter_no_change=3,
                                    random_state=0).fit(X, Y)
    path = tmp_path / "multilabel.npz"
    nnlearn.save_model(path, clf)
    loaded = nnlearn.load_model(path)
    assert loaded.multilabel_ and list(loaded.classes_) == [0, 1]
    assert loaded.predict_proba(X).tobytes() == clf.predict_proba(X).tobytes()
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    assert loaded.validation_loss_curve_ == clf.validation_loss_curve_ and len(loaded.validation_loss_curve_) > 1
    assert (loaded.loss_, loaded.best_loss_, loaded.best_validation_loss_) == (clf.loss_, None, clf.best_validation_loss_)


def test_files_without_the_new_fields_still_load(model_file, fitted, spirals):
    # What nnlearn wrote before regression and early stopping: no multilabel, loss, best_loss,
    # best_validation_loss, validation_loss_curve; hyperparameters without the new ones.
    members = read_members(model_file)
    header = header_of(members)
    del header["multilabel"]
    for name in ("loss", "best_loss", "best_validation_loss"):
        del header["training"][name]
    for name in ("early_stopping", "validation_fraction", "n_iter_no_change", "warm_start", "shuffle"):
        del header["hyperparameters"][name]
    assert "validation_loss_curve" not in members
    rewrite(model_file, members, header)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = nnlearn.load_model(model_file)
    X, _ = spirals
    assert_same_classifier(loaded, fitted, X)
    assert not loaded.multilabel_ and loaded.validation_loss_curve_ is None and loaded.best_validation_loss_ is None
    assert loaded.loss_ == fitted.loss_curve_[-1] and loaded.best_loss_ == min(fitted.loss_curve_)
    assert loaded.get_params() == fitted.get_params()  # the new hyperparameters load as their defaults


def test_inconsistent_estimator_files_are_refused(tmp_path, model_file, rng):
    members = read_members(model_file)
    header = header_of(members)
    rewrite(model_file, members, dict(header, kind="MLPRegressor"))  # a classifier's sigmoid network
    with pytest.raises(ValueError, match=r"is inconsistent: an MLPRegressor of 2 features, but layer_sizes \[2, 6, 1\] "
                                         r"with a sigmoid output"):
        with pytest.warns(UserWarning, match=r"stores hyperparameters this nnlearn does not know: \['output'\]"):
            nnlearn.load_model(model_file)
    rewrite(model_file, members, dict(header, output="identity"))
    with pytest.raises(ValueError, match=r"is inconsistent: hyperparameters.output is 'sigmoid', but the network's "
                                         r"output is 'identity'"):
        nnlearn.load_model(model_file)
    hyperparameters = {k: v for k, v in header["hyperparameters"].items() if k != "output"}
    rewrite(model_file, members, dict(header, output="identity", hyperparameters=hyperparameters))
    with pytest.raises(ValueError, match=r"is inconsistent: 2 classes and 2 features, .* with a identity output"):
        nnlearn.load_model(model_file)
    members["validation_loss_curve"] = np.zeros(3)
    rewrite(model_file, members, header)
    with pytest.raises(ValueError, match=r"'validation_loss_curve' has shape \(3,\)"):
        nnlearn.load_model(model_file)


def test_loaded_classifier_can_be_refitted(model_file, spirals):
    X, y = spirals
    loaded = nnlearn.load_model(model_file)
    refitted = fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded.fit(X, y)
    assert_same_classifier(loaded, refitted, X)


@pytest.mark.parametrize("call", ["net_theta", "tuple"])
@pytest.mark.parametrize(
    "layer_sizes, activation, output",
    [([3, 5, 3], "sigmoid", "sigmoid"), ([4, 7, 5, 2], "relu", "softmax"), ([3, 6, 2], "tanh", "identity")],
)
def test_network_round_trip(tmp_path, rng, call, layer_sizes, activation, output):
    net = nnlearn.Network(layer_sizes, activation=activation, output=output)
    theta = net.init_weights(epsilon=1.0, random_state=1)
    path = tmp_path / "net.npz"
    if call == "net_theta":
        nnlearn.save_model(path, net, theta)
    else:
        nnlearn.save_model(path, (net, theta))
    loaded_net, loaded_theta = nnlearn.load_model(path)
    assert isinstance(loaded_net, nnlearn.Network)
    assert loaded_net.layer_sizes == tuple(layer_sizes)
    assert (loaded_net.activation, loaded_net.output) == (activation, output)
    assert loaded_theta.tobytes() == theta.tobytes()
    X = rng.normal(size=(20, layer_sizes[0]))
    assert loaded_net.predict_proba(loaded_theta, X).tobytes() == net.predict_proba(theta, X).tobytes()
    header = model_io.read_header(path)
    assert header["kind"] == "Network" and "classes" not in header
    nnlearn.save_model(path, nnlearn.load_model(path))  # what load_model returns, save_model takes
    assert nnlearn.load_model(path)[1].tobytes() == theta.tobytes()


@pytest.mark.parametrize(
    "labels",
    [
        np.array([3, 7, 11]),
        np.array([-2, 0, 5], dtype=np.int32),
        np.array([1, 2, 250], dtype=np.uint8),
        np.array([0.0, 1.0, 2.0]),
        np.array([1.0, 4.0], dtype=np.float32),
        np.array(["cat", "dog", "emu"]),
        np.array(["ja", "nein"], dtype=object),
        np.array(["zéro", "一", "two"]),
        np.array([False, True]),
    ],
    ids=lambda labels: f"{labels.dtype}",
)
def test_labels_keep_their_values_and_dtype(tmp_path, spirals, labels):
    X, index = spirals
    y = labels[np.arange(len(index)) % len(labels)]
    clf = fit(X, y, max_iter=5)
    path = tmp_path / "labels.npz"
    nnlearn.save_model(path, clf)
    loaded = nnlearn.load_model(path)
    assert loaded.classes_.dtype == clf.classes_.dtype
    np.testing.assert_array_equal(loaded.classes_, clf.classes_)
    predicted = loaded.predict(X)
    assert predicted.dtype == clf.predict(X).dtype
    assert predicted.tolist() == clf.predict(X).tolist()
    assert [type(v) for v in predicted.tolist()] == [type(v) for v in clf.predict(X).tolist()]


def test_feature_names_are_restored(tmp_path, spirals):
    pd = pytest.importorskip("pandas")
    X, y = spirals
    frame = pd.DataFrame(X, columns=["x1", "x2"])
    clf = fit(frame, y, max_iter=5)
    path = tmp_path / "named.npz"
    nnlearn.save_model(path, clf)
    loaded = nnlearn.load_model(path)
    np.testing.assert_array_equal(loaded.feature_names_in_, ["x1", "x2"])
    np.testing.assert_array_equal(loaded.predict(frame), clf.predict(frame))
    with pytest.raises(ValueError, match="feature names"):
        loaded.predict(frame.rename(columns={"x1": "other"}))


def test_unsaveable_hyperparameters_are_listed_and_load_as_defaults(tmp_path, spirals):
    X, y = spirals
    clf = fit(X, y, max_iter=5, random_state=np.random.default_rng(3))
    path = tmp_path / "gen.npz"
    nnlearn.save_model(path, clf)
    header = model_io.read_header(path)
    assert header["hyperparameters_not_saved"] == {"random_state": "Generator"}
    assert "random_state" not in header["hyperparameters"]
    loaded = nnlearn.load_model(path)
    assert loaded.random_state is None
    assert_same_classifier(loaded, clf, X)


# -- the format ------------------------------------------------------------------


def test_file_is_plain_npz_with_json_header(model_file, fitted):
    members = read_members(model_file)  # np.load(allow_pickle=False) reads every member
    assert list(members) == ["header", "theta_0", "theta_1", "loss_curve"]
    assert members["header"].dtype == np.uint8 and members["header"].ndim == 1
    header = header_of(members)
    assert header["format"] == "nnlearn-model" and header["format_version"] == 1
    assert header["kind"] == "MLPClassifier"
    assert header["nnlearn_version"] == nnlearn.__version__
    assert header["layer_sizes"] == [2, 6, 1]
    assert (header["activation"], header["output"]) == ("tanh", "sigmoid")
    assert header["classes"] == {"dtype": np.dtype(np.int64).str, "values": [0, 1]}
    assert header["n_features_in"] == 2 and header["feature_names_in"] is None
    params = fitted.get_params()
    params["hidden_layer_sizes"] = list(params["hidden_layer_sizes"])
    assert header["hyperparameters"] == params
    training = header["training"]
    assert training["solver"] == "CG" and training["alpha"] == 1.0
    assert training["n_iter"] == 15 and training["n_evaluations"] == fitted.train_result_.n_evaluations
    assert training["initial_cost"] == fitted.loss_curve_[0]
    assert training["final_cost"] == fitted.loss_curve_[-1]
    assert training["elapsed"] == fitted.train_result_.elapsed
    assert training["message"] == "reached max_iter=15" and training["converged"] is False
    # The Octave layout: theta_l is (s_{l+1}, s_l + 1) with the bias in column 0.
    for l, T in enumerate(fitted.thetas_):
        np.testing.assert_array_equal(members[f"theta_{l}"], T)
    np.testing.assert_array_equal(members["theta_0"][:, 0], fitted.intercepts_[0])
    np.testing.assert_array_equal(members["theta_0"][:, 1:], fitted.coefs_[0].T)
    np.testing.assert_array_equal(members["loss_curve"], fitted.loss_curve_)
    assert model_io.read_header(model_file) == header


@pytest.mark.parametrize("name", ["model", "model.bin", "model.v2.npz"])
def test_path_is_used_exactly_as_given(tmp_path, fitted, spirals, name):
    path = tmp_path / name
    nnlearn.save_model(str(path), fitted)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # np.savez would have added .npz
    assert_same_classifier(nnlearn.load_model(str(path)), fitted, spirals[0])


def test_missing_suffix_hint(tmp_path, fitted):
    nnlearn.save_model(tmp_path / "model.npz", fitted)
    with pytest.raises(FileNotFoundError, match=r"but model\.npz exists") as info:
        nnlearn.load_model(tmp_path / "model")
    assert info.value.filename == str(tmp_path / "model")


def test_new_file_permissions_and_existing_permissions_kept(tmp_path, fitted):
    path = tmp_path / "model.npz"
    nnlearn.save_model(path, fitted)
    assert path.stat().st_mode & 0o777 == 0o644
    path.chmod(0o600)
    nnlearn.save_model(path, fitted)
    assert path.stat().st_mode & 0o777 == 0o600


def test_unknown_fields_and_arrays_are_ignored(model_file, fitted, spirals):
    members = read_members(model_file)
    header = header_of(members)
    header["added_in_a_later_version"] = {"anything": [1, 2]}
    members["extra_array"] = np.arange(3.0)
    rewrite(model_file, members, header)
    assert_same_classifier(nnlearn.load_model(model_file), fitted, spirals[0])


def test_unknown_hyperparameter_warns_and_is_ignored(model_file, fitted, spirals):
    members = read_members(model_file)
    header = header_of(members)
    header["hyperparameters"]["shiny_new_option"] = 3
    rewrite(model_file, members, header)
    with pytest.warns(UserWarning, match=r"does not know: \['shiny_new_option'\]"):
        loaded = nnlearn.load_model(model_file)
    assert_same_classifier(loaded, fitted, spirals[0])


# -- refusing bad files ----------------------------------------------------------


def test_missing_file(tmp_path):
    path = tmp_path / "absent.npz"
    with pytest.raises(FileNotFoundError) as info:
        nnlearn.load_model(path)
    assert info.value.filename == str(path)


def test_directory_is_refused(tmp_path):
    with pytest.raises(IsADirectoryError):
        nnlearn.load_model(tmp_path)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", r"\(the file is empty\)"),
        (b"index,predicted\n0,1\n", r"not a \.npz/zip archive: it starts with b'inde'"),
        (b"PK\x03\x04" + b"\x00" * 40, "truncated or corrupted"),
    ],
    ids=["empty", "text", "zip-magic-only"],
)
def test_foreign_bytes_are_refused(tmp_path, content, message):
    path = tmp_path / "bad.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=f"{NOT_A_MODEL}.*{message}"):
        nnlearn.load_model(path)


def test_npy_file_is_refused(tmp_path):
    path = tmp_path / "array.npz"
    with open(path, "wb") as f:
        np.save(f, np.arange(4.0))
    with pytest.raises(ValueError, match=f"{NOT_A_MODEL}.*single NumPy .npy array"):
        nnlearn.load_model(path)


def test_other_npz_without_header_is_refused(tmp_path):
    path = tmp_path / "data.npz"
    np.savez(path, X=np.zeros((2, 2)), y=np.zeros(2))
    with pytest.raises(ValueError, match=rf"{NOT_A_MODEL}.*no 'header' array; it holds \['X', 'y'\]"):
        nnlearn.load_model(path)


def test_zip_with_non_npy_member_is_refused(tmp_path):
    path = tmp_path / "archive.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValueError, match=f"{NOT_A_MODEL}.*'readme.txt', which is not a NumPy .npy array"):
        nnlearn.load_model(path)


class _Payload:
    """Unpickling this object creates the file ``marker``: proof that code ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickle_file_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "unpickled"
    path = tmp_path / "evil.npz"
    path.write_bytes(pickle.dumps(_Payload(str(marker))))
    with pytest.raises(ValueError, match=f"{NOT_A_MODEL}.*not a .npz/zip archive"):
        nnlearn.load_model(path)
    assert not marker.exists()


@pytest.mark.parametrize("member", ["theta_0", "header", "extra"])
def test_pickled_object_array_is_refused_without_running_it(model_file, tmp_path, member):
    marker = tmp_path / "unpickled"
    members = read_members(model_file)
    members[member] = np.array([_Payload(str(marker)), 1], dtype=object)
    rewrite(model_file, members)
    with pytest.raises(ValueError, match=rf"{NOT_A_MODEL}: {member}\.npy holds pickled Python objects.*never unpickles"):
        nnlearn.load_model(model_file)
    with pytest.raises(ValueError, match="pickled"):
        model_io.read_header(model_file)
    assert not marker.exists()
    # The payload is live: numpy with allow_pickle=True would have run it.
    with np.load(model_file, allow_pickle=True) as data:
        data[member]
    assert marker.exists()


def test_every_truncation_is_refused(model_file, fitted, spirals):
    content = model_file.read_bytes()
    truncated = model_file.with_name("truncated.npz")
    for size in range(len(content)):
        truncated.write_bytes(content[:size])
        with pytest.raises(ValueError, match=NOT_A_MODEL):
            nnlearn.load_model(truncated)
    truncated.write_bytes(content)
    assert_same_classifier(nnlearn.load_model(truncated), fitted, spirals[0])


@pytest.mark.parametrize("bits", [0x01, 0x80])
def test_every_corrupted_byte_is_refused_or_harmless(model_file, fitted, bits):
    """A flipped bit anywhere either gives a ValueError or (in zip metadata such as
    timestamps) loads the very same model: it never loads different weights or labels."""
    content = bytearray(model_file.read_bytes())
    corrupted = model_file.with_name("corrupted.npz")
    outcomes = {"refused": 0, "same": 0}
    for position in range(len(content)):
        flipped = bytearray(content)
        flipped[position] ^= bits
        corrupted.write_bytes(bytes(flipped))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                loaded = nnlearn.load_model(corrupted)
            except ValueError:
                outcomes["refused"] += 1
                continue
        for T_loaded, T in zip(loaded.thetas_, fitted.thetas_, strict=True):
            assert T_loaded.tobytes() == T.tobytes(), position
        assert loaded.classes_.tolist() == fitted.classes_.tolist(), position
        assert loaded.get_params() == fitted.get_params(), position
        outcomes["same"] += 1
    assert outcomes["refused"] > len(content) // 2  # the checksummed data and headers


def test_newer_format_version_is_refused(model_file):
    members = read_members(model_file)
    header = header_of(members)
    header["format_version"] = 2
    header["nnlearn_version"] = "9.0.0"
    rewrite(model_file, members, header)
    message = (
        r"is an nnlearn model file of format version 2 \(written by nnlearn 9\.0\.0\), but this nnlearn "
        rf"\({nnlearn.__version__}\) reads format version 1 only; upgrade nnlearn"
    )
    with pytest.raises(ValueError, match=message):
        nnlearn.load_model(model_file)
    with pytest.raises(ValueError, match=message):
        model_io.read_header(model_file)


def _edit_header(header, key, value):
    if value is _DELETE:
        del header[key]
    else:
        header[key] = value


_DELETE = object()


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("format", "something-else", rf"{NOT_A_MODEL} \(its header has format 'something-else'"),
        ("format", _DELETE, rf"{NOT_A_MODEL} \(its header has format None"),
        ("format_version", 0, "format_version is 0, expected an integer >= 1"),
        ("format_version", "1", "format_version is '1', expected an integer >= 1"),
        ("format_version", True, "format_version is True"),
        ("kind", "Pipeline", r"kind is 'Pipeline', expected one of \['MLPClassifier', 'MLPRegressor', 'Network'\]"),
        ("layer_sizes", [2, 0, 1], r"invalid header: .*'layer_sizes' .* ints >= 1 .* Got \[2, 0, 1\] instead"),
        ("layer_sizes", _DELETE, r"invalid header: .*'layer_sizes' .* Got None instead"),
        ("activation", "swish", "invalid header: .*swish"),
        ("classes", {"dtype": "<c16", "values": [0, 1]}, "invalid header: 'classes' must be"),
        ("classes", [0, 1], "invalid header: 'classes' must be"),
        ("classes", {"dtype": "<i8", "values": [0, 1, 2]}, r"inconsistent: 3 classes and 2 features"),
        ("n_features_in", 3, r"inconsistent: 2 classes and 3 features"),
        ("n_features_in", "2", r"invalid header: 'n_features_in' is '2'"),
        ("feature_names_in", ["only one"], "'feature_names_in' must be 2 strings"),
        ("hyperparameters", None, "invalid header: 'hyperparameters' is None"),
        ("training", _DELETE, "invalid header: 'training' is None"),
    ],
)
def test_invalid_header_is_refused(model_file, key, value, message):
    members = read_members(model_file)
    header = header_of(members)
    _edit_header(header, key, value)
    rewrite(model_file, members, header)
    with pytest.raises(ValueError, match=message):
        nnlearn.load_model(model_file)


@pytest.mark.parametrize(
    "header_array, message",
    [
        (np.frombuffer(b'{"format": "nnlearn-model"', dtype=np.uint8), "its 'header' is not JSON"),
        (np.frombuffer(b"\xff\xfe", dtype=np.uint8), "its 'header' is not JSON"),
        (np.frombuffer(b"[1, 2]", dtype=np.uint8), "its header has format 'list'"),
        (np.array(["{}"]), r"its 'header' is a <U2 array of shape \(1,\), not UTF-8 JSON bytes"),
    ],
)
def test_unreadable_header_is_refused(model_file, header_array, message):
    members = read_members(model_file)
    members["header"] = header_array
    rewrite(model_file, members)
    with pytest.raises(ValueError, match=f"{NOT_A_MODEL}.*{message}"):
        nnlearn.load_model(model_file)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda m: m.pop("theta_1"), r"missing the array 'theta_1' for layer 1 \(shape \(1, 7\)\)"),
        (lambda m: m.update(theta_0=m["theta_0"][:, 1:]), r"theta_0 has shape \(6, 2\).*shape \(6, 3\)"),
        (lambda m: m.update(theta_0=m["theta_0"].astype(np.int64)), r"theta_0 has shape \(6, 3\) and dtype int64"),
        (lambda m: m["theta_1"].__setitem__((0, 2), np.nan), "weights that are NaN or infinite"),
        (lambda m: m.pop("loss_curve"), "missing the array 'loss_curve'"),
        (lambda m: m.update(loss_curve=np.zeros(0)), "missing the array 'loss_curve'"),
    ],
    ids=["missing-theta", "theta-shape", "theta-dtype", "theta-nan", "no-loss-curve", "empty-loss-curve"],
)
def test_invalid_arrays_are_refused(model_file, edit, message):
    members = read_members(model_file)
    edit(members)
    rewrite(model_file, members)
    with pytest.raises(ValueError, match=message):
        nnlearn.load_model(model_file)


def test_load_and_read_header_take_paths_only():
    with pytest.raises(TypeError, match=r"The 'path' parameter of load_model must be a str or os.PathLike. Got 3 instead"):
        nnlearn.load_model(3)
    with pytest.raises(TypeError, match=r"The 'path' parameter of read_header must be a str or os.PathLike. Got b'model.npz' instead"):
        model_io.read_header(b"model.npz")


# -- refusing bad saves ----------------------------------------------------------


def test_saving_an_unfitted_classifier_is_refused(tmp_path):
    with pytest.raises(NotFittedError, match="not fitted yet"):
        nnlearn.save_model(tmp_path / "m.npz", nnlearn.MLPClassifier())
    assert list(tmp_path.iterdir()) == []


def test_bad_models_and_weights_are_refused(tmp_path, fitted):
    path = tmp_path / "m.npz"
    net = nnlearn.Network([3, 5, 3])
    theta = net.init_weights(random_state=0)
    with pytest.raises(TypeError, match=r"The 'model' parameter of save_model must be a fitted nnlearn.MLPClassifier.* Got builtins.dict instead"):
        nnlearn.save_model(path, {"thetas": []})
    with pytest.raises(TypeError, match=r"Got sklearn.neural_network._multilayer_perceptron.MLPClassifier instead"):
        from sklearn.neural_network import MLPClassifier as SkMLP

        nnlearn.save_model(path, SkMLP())
    with pytest.raises(TypeError, match=r"The 'theta' parameter of save_model must be the weights of the Network \(38 numbers\). Got None instead"):
        nnlearn.save_model(path, net)
    with pytest.raises(TypeError, match=r"The 'theta' parameter of save_model must be None for an MLPClassifier"):
        nnlearn.save_model(path, fitted, theta)
    with pytest.raises(ValueError, match=r"The 'theta' parameter of save_model must be a 1-D array of 38 finite numbers. Got a 1-D array of shape \(10,\)"):
        nnlearn.save_model(path, net, theta[:10])
    with pytest.raises(ValueError, match=r"'theta' .* Got an array containing NaN or infinity instead"):
        nnlearn.save_model(path, net, np.where(np.arange(theta.size) == 3, np.inf, theta))
    with pytest.raises(TypeError, match=r"The 'path' parameter of save_model must be a str or os.PathLike. Got None instead"):
        nnlearn.save_model(None, net, theta)
    assert list(tmp_path.iterdir()) == []


def test_unsaveable_labels_are_refused(tmp_path, spirals):
    clf = fit(*spirals, max_iter=2)
    clf.classes_ = np.array([b"a", b"b"])
    with pytest.raises(TypeError, match=r"The 'model.classes_' parameter of save_model must be a 1-D array of ints, floats, bools or strings. Got an array of dtype \|S1"):
        nnlearn.save_model(tmp_path / "m.npz", clf)
    clf.classes_ = np.array([("a", 1), "b"], dtype=object)
    with pytest.raises(TypeError, match=r"The 'model.classes_' parameter of save_model must be labels that are ints, finite floats, bools or strings. Got the label \('a', 1\) of type tuple instead"):
        nnlearn.save_model(tmp_path / "m.npz", clf)
    assert list(tmp_path.iterdir()) == []


def test_bad_destination_is_refused(tmp_path, fitted):
    with pytest.raises(FileNotFoundError, match="Directory to save into does not exist") as info:
        nnlearn.save_model(tmp_path / "missing" / "m.npz", fitted)
    assert info.value.filename == str(tmp_path / "missing")
    with pytest.raises(IsADirectoryError) as info:
        nnlearn.save_model(tmp_path, fitted)
    assert info.value.filename == str(tmp_path)


# -- atomic writes ---------------------------------------------------------------


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_failed_save_keeps_the_old_file_and_leaves_no_temp_file(model_file, spirals, monkeypatch, error):
    before = model_file.read_bytes()
    other = fit(*spirals, max_iter=3)

    def failing_fsync(fd):
        raise error

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(type(error)):
        nnlearn.save_model(model_file, other)
    monkeypatch.undo()
    assert model_file.read_bytes() == before
    assert sorted(p.name for p in model_file.parent.iterdir()) == ["model.npz"]


def test_write_atomically_names_its_temp_file_recognizably(tmp_path):
    seen = []

    def write(f):
        seen.append(os.path.basename(f.name))
        f.write(b"new")

    model_io.write_atomically(tmp_path / "out.csv", write)
    assert (tmp_path / "out.csv").read_bytes() == b"new"
    assert seen[0].startswith(".out.csv.tmp-") and len(seen[0]) > len(".out.csv.tmp-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


_SAVE_LOOP = textwrap.dedent(
    """
    import sys
    import numpy as np
    import nnlearn

    path = sys.argv[1]
    net = nnlearn.Network([400, 60, 10])
    models = [(net, net.init_weights(random_state=0)), (net, net.init_weights(random_state=1))]
    nnlearn.save_model(path, models[0])
    print("ready", flush=True)
    i = 1
    while True:
        nnlearn.save_model(path, models[i % 2])
        i += 1
    """
)


def test_killed_save_leaves_old_or_new_model(tmp_path):
    """SIGKILL a process that saves two models alternately to one path: the file is
    always one of the two, loadable; at most one temp file (from the killed save) remains."""
    net = nnlearn.Network([400, 60, 10])
    expected = [net.init_weights(random_state=0).tobytes(), net.init_weights(random_state=1).tobytes()]
    rng = np.random.default_rng(0)
    n_rounds = 4
    children = []
    for r in range(n_rounds):  # in parallel: one interpreter start-up for all rounds
        directory = tmp_path / f"round{r}"
        directory.mkdir()
        child = subprocess.Popen(
            [sys.executable, "-c", _SAVE_LOOP, str(directory / "model.npz")],
            stdout=subprocess.PIPE,
            text=True,
        )
        children.append((directory, child))
    try:
        for directory, child in children:
            assert child.stdout.readline().strip() == "ready"
        for directory, child in children:
            time.sleep(rng.uniform(0.05, 0.4))
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
            assert child.returncode == -signal.SIGKILL
    finally:
        for _, child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
            child.stdout.close()
    for directory, _ in children:
        loaded_net, theta = nnlearn.load_model(directory / "model.npz")
        assert loaded_net.layer_sizes == (400, 60, 10)
        assert theta.tobytes() in expected
        leftovers = sorted(p.name for p in directory.iterdir() if p.name != "model.npz")
        assert len(leftovers) <= 1, leftovers
        assert all(name.startswith(".model.npz.tmp-") for name in leftovers)


# -- the command line --------------------------------------------------------------


def run_cli(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_train_save_then_predict(tmp_path, capsys):
    model = tmp_path / "spirals.npz"
    status, out, err = run_cli(capsys, "train", "--data", "spirals", "--hidden", "8", "--max-iter", "20",
                               "--save", str(model))
    assert status == 0, err
    assert f"saved        {model}" in out
    clf = nnlearn.load_model(model)
    assert clf.network_.layer_sizes == (2, 8, 1) and clf.n_iter_ == 20

    predictions = tmp_path / "predictions.csv"
    status, out, err = run_cli(capsys, "predict", "--model", str(model), "--data", "spirals",
                               "--output", str(predictions))
    assert status == 0, err
    X, y = make_spirals(random_state=0)  # what --data spirals means
    predicted = clf.predict(X)
    correct = int(np.sum(predicted == y))
    lines = out.splitlines()
    assert f"accuracy     {100 * correct / len(y):.2f}% ({correct} of {len(y)})" in lines
    table = lines[lines.index("confusion matrix (rows: true label, columns: predicted label)") + 1:][:3]
    assert table[0].split() == ["true\\pred", "0", "1"]
    counts = np.array([[int(v) for v in row.split()[1:]] for row in table[1:]])
    np.testing.assert_array_equal(
        counts, [[np.sum((y == t) & (predicted == p)) for p in (0, 1)] for t in (0, 1)]
    )
    assert np.trace(counts) == correct
    rows = predictions.read_text().splitlines()
    assert rows[0] == "index,predicted,true"
    assert rows[1:] == [f"{i},{p},{t}" for i, (p, t) in enumerate(zip(predicted, y))]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["predictions.csv", "spirals.npz"]


def test_cli_predict_with_a_network_file(tmp_path, capsys):
    net = nnlearn.Network([2, 4, 1], activation="tanh")
    theta = net.init_weights(epsilon=1.0, random_state=0)
    path = tmp_path / "net.npz"
    nnlearn.save_model(path, net, theta)
    status, out, err = run_cli(capsys, "predict", "--model", str(path), "--data", "spirals")
    assert status == 0, err
    X, y = make_spirals(random_state=0)
    correct = int(np.sum(net.predict(theta, X) == y))
    assert f"({correct} of {len(y)})" in out
    assert "Network 2-4-1, tanh hidden, sigmoid output" in out


def test_cli_string_labels_table(capsys):
    from nnlearn.cli import format_confusion

    text = format_confusion(np.array(["cat", "hippopotamus"]), np.array([[3, 12345], [0, 7]]))
    assert text.splitlines() == [
        "   true\\pred           cat hippopotamus",
        "         cat             3        12345",
        "hippopotamus             0            7",
    ]


def one_error_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("nnlearn: error: ")
    return lines[0]


def test_cli_errors_exit_2_with_one_line(tmp_path, capsys, model_file):
    missing = tmp_path / "absent.npz"
    status, out, err = run_cli(capsys, "predict", "--model", str(missing), "--data", "spirals")
    assert status == 2 and str(missing) in one_error_line(err)

    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a model")
    status, out, err = run_cli(capsys, "predict", "--model", str(garbage), "--data", "spirals")
    assert status == 2 and NOT_A_MODEL in one_error_line(err)

    status, out, err = run_cli(capsys, "predict", "--data", "spirals")
    assert status == 2 and "--model" in one_error_line(err)

    output = tmp_path / "nowhere" / "p.csv"
    status, out, err = run_cli(capsys, "predict", "--model", str(model_file), "--data", "spirals", "--output", str(output))
    assert status == 2 and f"directory {output.parent} does not exist" in one_error_line(err)
    assert out == ""  # refused before any work

    status, out, err = run_cli(capsys, "predict", "--model", str(model_file), "--data", "spirals", "--output", str(tmp_path))
    assert status == 2 and "is a directory" in one_error_line(err)


def test_cli_train_refuses_a_bad_save_path_before_training(tmp_path, capsys):
    target = tmp_path / "missing" / "m.npz"
    status, out, err = run_cli(capsys, "train", "--data", "spirals", "--save", str(target))
    assert status == 2
    line = one_error_line(err)
    assert line.startswith("nnlearn: error: The '--save' option of nnlearn train must be the name of a file to write in an "
                           "existing directory. Got '")
    assert line.endswith(f"(directory {target.parent} does not exist) instead.")
    assert out == ""  # no training was done (and lost)


def test_a_network_with_one_activation_per_layer_round_trips(tmp_path):
    net = nnlearn.Network([3, 4, 5, 2], activation=["relu", "tanh"], output="softmax")
    theta = net.init_weights(random_state=1)
    nnlearn.save_model(tmp_path / "n.npz", net, theta)
    loaded, loaded_theta = nnlearn.load_model(tmp_path / "n.npz")
    assert loaded.activation == ("relu", "tanh") and model_io.read_header(tmp_path / "n.npz")["activation"] == ["relu", "tanh"]
    X = np.random.default_rng(2).normal(size=(7, 3))
    np.testing.assert_array_equal(loaded.predict_proba(loaded_theta, X), net.predict_proba(theta, X))
