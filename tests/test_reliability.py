"""Reliability (issue 6): every mistake gets a clear error, never a NumPy traceback or a silent NaN.

The bad-input matrix below has one row per case: the call, the exception type and a
pattern the message must contain (what is wrong, and where sizes are involved both
the expected and the given value). The same mistakes reached through the command
line must exit with status 2 and print one ``nnlearn: error:`` line.

After the matrix: numerical robustness (saturated units, huge features, divergence)
and nothing lost on Ctrl-C (a callback, an interrupted evaluation, a real SIGINT).
"""

import json
import os
import pickle
import re
import select
import signal
import subprocess
import sys
import time
import types
import warnings

import numpy as np
import pytest
import scipy.io
from sklearn.exceptions import NotFittedError

from nnlearn import MLPClassifier, Network, gradient_check, numerical_gradient, train
from nnlearn.cli import main
from nnlearn.core import kernel
from nnlearn.datasets import load_ex4, load_ex4_weights, save_ex4_weights
from nnlearn.model_io import load_model, save_model
from nnlearn.optimize import TrainingDiverged, TrainingInterrupted

# A small fixed problem: a 3-4-2 network, m = 6.
NET = Network([3, 4, 2])
THETA = NET.init_weights(random_state=0)  # 26 parameters
X = np.random.default_rng(0).normal(size=(6, 3))
y = np.array([0, 1, 0, 1, 1, 0])
NET1 = Network([3, 4, 1])  # K = 1: one sigmoid unit, targets 0/1
THETA1 = NET1.init_weights(random_state=0)
SOFTMAX = Network([3, 4, 3], output="softmax")
THETA_S = SOFTMAX.init_weights(random_state=0)

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


class _Payload:
    """Unpickling this creates the file ``marker``: proof that a loader ran pickled code."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _model_files(d):
    """A good model file and broken ones: truncated, a newer format version, pickled objects inside, a pickle."""
    rng = np.random.default_rng(2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=3, random_state=0).fit(rng.normal(size=(30, 2)), np.arange(30) % 2)
    save_model(d / "model.npz", clf)
    content = (d / "model.npz").read_bytes()
    (d / "model_truncated.npz").write_bytes(content[: len(content) * 2 // 3])
    with np.load(d / "model.npz") as data:
        members = {name: data[name] for name in data.files}
    header = json.loads(members["header"].tobytes())
    newer = dict(header, format_version=header["format_version"] + 1, nnlearn_version="99.0")
    np.savez(d / "model_newer.npz", **dict(members, header=np.frombuffer(json.dumps(newer).encode(), dtype=np.uint8)))
    payload = np.array([_Payload(str(d / "UNPICKLED")), 1], dtype=object)
    np.savez(d / "model_pickled.npz", **dict(members, theta_0=payload))  # np.savez pickles object arrays
    (d / "model_pickle.npz").write_bytes(pickle.dumps(_Payload(str(d / "UNPICKLED"))))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Bad (and good) input files, written once for the whole module."""
    d = tmp_path_factory.mktemp("files")
    rng = np.random.default_rng(1)
    X5 = rng.uniform(size=(20, 400))
    labels = (np.arange(20) % 10 + 1).reshape(-1, 1)  # the course's 1..10
    ok = d / "ok.mat"
    scipy.io.savemat(ok, {"X": X5, "y": labels})
    (d / "text.mat").write_text("this is not a MATLAB file\n")
    (d / "empty.mat").write_bytes(b"")
    (d / "truncated.mat").write_bytes(ok.read_bytes()[: ok.stat().st_size // 2])
    (d / "a_directory.mat").mkdir()
    scipy.io.savemat(d / "no_y.mat", {"X": X5})
    scipy.io.savemat(d / "x399.mat", {"X": X5[:, :399], "y": labels})
    scipy.io.savemat(d / "y_short.mat", {"X": X5, "y": labels[:-1]})
    scipy.io.savemat(d / "label11.mat", {"X": X5, "y": np.where(labels == 10, 11, labels)})
    scipy.io.savemat(d / "x_nan.mat", {"X": np.where(np.eye(20, 400) == 1, np.nan, X5), "y": labels})
    scipy.io.savemat(d / "x_text.mat", {"X": "pixels", "y": labels})
    scipy.io.savemat(d / "one_class.mat", {"X": X5, "y": np.full((20, 1), 3)})
    scipy.io.savemat(d / "no_theta2.mat", {"Theta1": rng.normal(size=(25, 401))})
    scipy.io.savemat(d / "theta2_shape.mat", {"Theta1": rng.normal(size=(25, 401)), "Theta2": rng.normal(size=(10, 25))})
    _model_files(d)
    unreadable = d / "unreadable.mat"
    unreadable.write_bytes(ok.read_bytes())
    unreadable.chmod(0)
    return types.SimpleNamespace(dir=d, **{p.stem: p for p in d.iterdir()})


def cost(net, theta, X_, y_, alpha=0.0):
    return lambda f: net.cost(theta, X_, y_, alpha)


def trains(theta0=THETA, X_=X, y_=y, **kwargs):
    return lambda f: train(NET, theta0, X_, y_, **kwargs)


def fits(X_=X, y_=y, **params):
    return lambda f: MLPClassifier(max_iter=2, **params).fit(X_, y_)


def fitted():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0).fit(X, y)


# (call, exception, pattern that must appear in the message); call receives the `files` namespace.
BAD_INPUTS = [
    # -- Network: layer sizes, activation, output, parameters ------------------------------
    pytest.param(lambda f: Network([400]), ValueError, r"The 'layer_sizes' parameter of Network must be a sequence of at least 2 ints >= 1 such as \[400, 25, 10\]\. Got \[400\] instead", id="net-one-layer"),
    pytest.param(lambda f: Network([]), ValueError, r"The 'layer_sizes' parameter of Network must be a sequence of at least 2 ints >= 1 such as \[400, 25, 10\]\. Got \[\] instead", id="net-no-layers"),
    pytest.param(lambda f: Network([3, 0, 2]), ValueError, r"The 'layer_sizes' parameter of Network must be a sequence of at least 2 ints >= 1 such as \[400, 25, 10\]\. Got \[3, 0, 2\] instead", id="net-zero-units"),
    pytest.param(lambda f: Network([3, 4, -2]), ValueError, r"The 'layer_sizes' parameter of Network must be a sequence of at least 2 ints >= 1 such as \[400, 25, 10\]\. Got \[3, 4, -2\] instead", id="net-negative-units"),
    pytest.param(lambda f: Network([3, 2.5, 2]), TypeError, r"The 'layer_sizes' parameter of Network must be a sequence of at least 2 ints >= 1 such as \[400, 25, 10\]\. Got \[3, 2\.5, 2\] instead", id="net-float-size"),
    pytest.param(lambda f: Network([3.0, 2]), TypeError, r"The 'layer_sizes' parameter of Network must be a sequence of at least 2 ints >= 1 such as \[400, 25, 10\]\. Got \[3\.0, 2\] instead", id="net-integral-float-size"),
    pytest.param(lambda f: Network(["3", 2]), TypeError, r"The 'layer_sizes' parameter of Network must be a sequence of at least 2 ints >= 1 such as \[400, 25, 10\]\. Got \['3', 2\] instead", id="net-str-size"),
    pytest.param(lambda f: Network(400), TypeError, r"The 'layer_sizes' parameter of Network must be a sequence of at least 2 ints >= 1 such as \[400, 25, 10\]\. Got 400 instead", id="net-int-not-sequence"),
    pytest.param(lambda f: Network("400-25-10"), TypeError, r"The 'layer_sizes' parameter of Network must be a sequence of at least 2 ints >= 1 such as \[400, 25, 10\]\. Got '400-25-10' instead", id="net-str-not-sequence"),
    pytest.param(lambda f: Network([3, 2], activation="gelu"), ValueError,
                 r"The 'activation' parameter of Network must be a str among \['sigmoid', 'logistic', 'tanh', 'relu'\] or a list of them, one per hidden layer\. Got 'gelu' instead", id="net-unknown-activation"),
    pytest.param(lambda f: Network([3, 2], activation=None), TypeError,
                 r"The 'activation' parameter of Network must be a str among \['sigmoid', 'logistic', 'tanh', 'relu'\] or a list of them, one per hidden layer\. Got None instead", id="net-activation-none"),
    pytest.param(lambda f: Network([3, 2], output="linear"), ValueError,
                 r"The 'output' parameter of Network must be a str among \['sigmoid', 'logistic', 'softmax', 'identity'\]\. Got 'linear' instead", id="net-unknown-output"),
    pytest.param(lambda f: Network([3, 2], output=1), TypeError, r"The 'output' parameter of Network must be a str among \['sigmoid', 'logistic', 'softmax', 'identity'\]\. Got 1 instead", id="net-output-int"),
    pytest.param(lambda f: Network([3, 1], output="softmax"), ValueError,
                 r"The 'layer_sizes' parameter of Network must be a sequence ending with at least 2 output units for output='softmax'\. Got \[3, 1\] instead", id="net-softmax-one-unit"),
    pytest.param(lambda f: NET.init_weights(method="he"), ValueError,
                 r"The 'init' parameter of Network\.init_weights must be a str among \['uniform', 'glorot', 'normal', 'debug'\]\. Got 'he' instead", id="init-unknown-method"),
    pytest.param(lambda f: NET.init_weights(epsilon=-0.1), ValueError, r"The 'epsilon' parameter of Network\.init_weights must be a float in the range \[0\.0, inf\)\. Got -0\.1 instead", id="init-negative-epsilon"),
    pytest.param(lambda f: NET.init_weights(epsilon="0.1"), TypeError, r"The 'epsilon' parameter of Network\.init_weights must be a float in the range \[0\.0, inf\)\. Got '0\.1' instead", id="init-str-epsilon"),
    pytest.param(lambda f: NET.init_weights(random_state="seed"), TypeError,
                 r"The 'random_state' parameter of Network\.init_weights must be None, an int >= 0 or a numpy\.random\.Generator\. Got 'seed' instead", id="init-bad-random-state"),
    pytest.param(lambda f: NET.init_weights(random_state=-1), ValueError, r"The 'random_state' parameter of Network\.init_weights must be None, an int >= 0 or a numpy\.random\.Generator\. Got -1 instead", id="init-negative-seed"),
    pytest.param(lambda f: NET.pack([np.ones((4, 4))]), ValueError, r"The 'Thetas' parameter of Network\.pack must be a list of 2 matrices of shapes \[\(4, 4\), \(2, 5\)\]\. Got 1 matrices instead", id="pack-count"),
    pytest.param(lambda f: NET.pack([np.ones((4, 4)), np.ones((2, 4))]), ValueError,
                 r"The 'Thetas' parameter of Network\.pack must be a list of 2 matrices of shapes \[\(4, 4\), \(2, 5\)\]\. Got Thetas\[1\] of shape \(2, 4\) instead", id="pack-shape"),
    pytest.param(lambda f: NET.unpack(THETA[:-1]), ValueError, r"The 'theta' parameter of Network\.unpack must be a 1-D array of 26 finite numbers\. Got a 1-D array of shape \(25,\) instead", id="unpack-length"),
    # -- arrays: theta ----------------------------------------------------------------------
    pytest.param(cost(NET, THETA[:-1], X, y), ValueError,
                 r"The 'theta' parameter of Network\.cost must be a 1-D array of 26 finite numbers\. Got a 1-D array of shape \(25,\) instead", id="theta-short"),
    pytest.param(cost(NET, np.append(THETA, 0.0), X, y), ValueError, r"The 'theta' parameter of Network\.cost must be a 1-D array of 26 finite numbers\. Got a 1-D array of shape \(27,\) instead", id="theta-long"),
    pytest.param(cost(NET, THETA.reshape(2, 13), X, y), ValueError,
                 r"The 'theta' parameter of Network\.cost must be a 1-D array of 26 finite numbers\. Got a 2-D array of shape \(2, 13\) instead\. Flatten it with Network\.pack", id="theta-2d"),
    pytest.param(cost(NET, THETA.astype(str), X, y), TypeError, r"The 'theta' parameter of Network\.cost must be a 1-D array of 26 finite numbers\. Got an array of dtype <U32 instead", id="theta-strings"),
    pytest.param(cost(NET, np.where(np.arange(26) == 5, np.nan, THETA), X, y), ValueError,
                 r"The 'theta' parameter of Network\.cost must be a 1-D array of 26 finite numbers\. Got an array containing NaN or infinity instead", id="theta-nan"),
    pytest.param(lambda f: NET.predict(np.full(26, np.inf), X), ValueError, r"The 'theta' parameter of Network\.predict must be a 1-D array of 26 finite numbers\. Got an array containing NaN or infinity instead", id="theta-inf-predict"),
    # -- arrays: X --------------------------------------------------------------------------
    pytest.param(cost(NET, THETA, np.ones((6, 4)), y), ValueError,
                 r"The 'X' parameter of Network\.cost must be an array with 3 features \(the network's layer_sizes\[0\]\)\. Got 4 features instead", id="X-wrong-features"),
    pytest.param(lambda f: NET.predict_proba(THETA, np.ones((2, 400))), ValueError,
                 r"The 'X' parameter of Network\.predict_proba must be an array with 3 features \(the network's layer_sizes\[0\]\)\. Got 400 features instead", id="X-wrong-features-predict"),
    pytest.param(cost(NET, THETA, X[0], y[:1]), ValueError,
                 r"The 'X' parameter of Network\.cost must be a 2-D array of shape \(m, n\)\. Got a 1-D array of shape \(3,\) instead\. Reshape a single sample with X\.reshape\(1, -1\)", id="X-1d"),
    pytest.param(cost(NET, THETA, X[:, :, None], y), ValueError, r"The 'X' parameter of Network\.cost must be a 2-D array of shape \(m, n\)\. Got a 3-D array of shape \(6, 3, 1\) instead", id="X-3d"),
    pytest.param(cost(NET, THETA, 5.0, y), ValueError, r"The 'X' parameter of Network\.cost must be a 2-D array of shape \(m, n\)\. Got a 0-D array of shape \(\) instead", id="X-scalar"),
    pytest.param(cost(NET, THETA, np.ones((0, 3)), y[:0]), ValueError,
                 r"The 'X' parameter of Network\.cost must be a 2-D array with at least 1 row\. Got a 2-D array of shape \(0, 3\) instead", id="X-empty"),
    pytest.param(cost(NET, THETA, np.where(X > 1, np.nan, X), y), ValueError, r"The 'X' parameter of Network\.cost must be finite \(no NaN or infinity\)\. Got an array containing NaN instead", id="X-nan"),
    pytest.param(cost(NET, THETA, np.where(X > 1, np.inf, X), y), ValueError, r"The 'X' parameter of Network\.cost must be finite \(no NaN or infinity\)\. Got an array containing infinity instead", id="X-inf"),
    pytest.param(cost(NET, THETA, np.where(X > 1, -np.inf, X), y), ValueError, r"The 'X' parameter of Network\.cost must be finite \(no NaN or infinity\)\. Got an array containing infinity instead", id="X-minus-inf"),
    pytest.param(cost(NET, THETA, X.astype(str), y), TypeError, r"The 'X' parameter of Network\.cost must be a 2-D array of numbers of shape \(m, n\)\. Got an array of dtype <U32 instead", id="X-strings"),
    pytest.param(cost(NET, THETA, X.astype(object), y), TypeError, r"The 'X' parameter of Network\.cost must be a 2-D array of numbers of shape \(m, n\)\. Got an array of dtype object instead", id="X-objects"),
    pytest.param(cost(NET, THETA, [[1, 2, 3], [4, 5]], y[:2]), ValueError, r"The 'X' parameter of Network\.cost must be a 2-D array of numbers of shape \(m, n\)\. Got \[\[1, 2, 3\], \[4, 5\]\] instead\. It could not be converted to an array \(ragged rows\?\)", id="X-ragged"),
    pytest.param(cost(NET, THETA, X + 1j, y), TypeError, r"The 'X' parameter of Network\.cost must be a 2-D array of numbers of shape \(m, n\)\. Got an array of dtype complex128 instead", id="X-complex"),
    pytest.param(cost(NET, THETA, None, y), TypeError, r"The 'X' parameter of Network\.cost must be a 2-D array of numbers of shape \(m, n\)\. Got None instead", id="X-none"),
    pytest.param(cost(NET, THETA, {"a": 1}, y), TypeError, r"The 'X' parameter of Network\.cost must be a 2-D array of numbers of shape \(m, n\)\. Got \{'a': 1\} instead", id="X-dict"),
    # -- arrays: y ---------------------------------------------------------------------------
    pytest.param(cost(NET, THETA, X, y[:-1]), ValueError, r"The 'y' parameter of Network\.cost must be 6 class indices in 0\.\.1 \(one per row of X; the network has 2 output units\)\. Got 5 entries instead", id="y-short"),
    pytest.param(cost(NET, THETA, X, np.eye(2)[[0, 1, 0, 1]]), ValueError, r"The 'y' parameter of Network\.cost must be a 0/1 target matrix of shape \(6, 2\) \(one row per row of X, one column per output unit\)\. Got a 2-D array of shape \(4, 2\) instead", id="Y-short"),
    pytest.param(cost(NET, THETA, X, np.where(y == 1, 2, y)), ValueError,
                 r"The 'y' parameter of Network\.cost must be 6 class indices in 0\.\.1 \(one per row of X; the network has 2 output units\)\. Got class index 2 instead", id="y-index-K"),
    pytest.param(cost(NET, THETA, X, y - 1), ValueError, r"The 'y' parameter of Network\.cost must be 6 class indices in 0\.\.1 \(one per row of X; the network has 2 output units\)\. Got class index -1 instead", id="y-index-negative"),
    pytest.param(cost(NET1, THETA1, X, y * 2), ValueError, r"The 'y' parameter of Network\.cost must be 6 class indices in 0\.\.1 \(one per row of X; the network has 1 output unit\)\. Got class index 2 instead", id="y-K1-index-2"),
    pytest.param(cost(NET, THETA, X, y + 0.5), ValueError, r"The 'y' parameter of Network\.cost must be 6 class indices in 0\.\.1 \(one per row of X; the network has 2 output units\)\. Got non-integer values instead", id="y-fractional"),
    pytest.param(cost(NET, THETA, X, np.where(y == 1, np.nan, y)), ValueError, r"The 'y' parameter of Network\.cost must be 6 class indices in 0\.\.1 \(one per row of X; the network has 2 output units\)\. Got non-integer values instead", id="y-nan"),
    pytest.param(cost(NET, THETA, X, np.array(list("abcabc"))), TypeError, r"The 'y' parameter of Network\.cost must be class indices of shape \(m,\) or 0/1 targets of shape \(m, K\)\. Got an array of dtype <U1 instead", id="y-strings"),
    pytest.param(cost(NET, THETA, X, np.ones((6, 3))), ValueError,
                 r"The 'y' parameter of Network\.cost must be a 0/1 target matrix of shape \(6, 2\) \(one row per row of X, one column per output unit\)\. Got a 2-D array of shape \(6, 3\) instead", id="Y-width"),
    pytest.param(cost(NET, THETA, X, np.full((6, 2), 0.5)), ValueError, r"The 'y' parameter of Network\.cost must be a 0/1 target matrix of shape \(6, 2\) \(one row per row of X, one column per output unit\)\. Got values other than 0 and 1 instead", id="Y-half"),
    pytest.param(cost(NET, THETA, X, 2 * np.eye(2)[y]), ValueError, r"The 'y' parameter of Network\.cost must be a 0/1 target matrix of shape \(6, 2\) \(one row per row of X, one column per output unit\)\. Got values other than 0 and 1 instead", id="Y-two"),
    pytest.param(cost(SOFTMAX, THETA_S, X, np.ones((6, 3))), ValueError,
                 r"The 'y' parameter of Network\.cost must be a 0/1 target matrix of shape \(6, 3\) \(one row per row of X, one column per output unit\) with exactly one 1 per row \(one-hot\) for a softmax output\. Got row 0 with 3 ones instead", id="Y-softmax-not-one-hot"),
    pytest.param(cost(SOFTMAX, THETA_S, X, np.zeros((6, 3))), ValueError, r"one-hot", id="Y-softmax-empty-rows"),
    pytest.param(cost(NET, THETA, X, np.ones((6, 2, 1))), ValueError,
                 r"The 'y' parameter of Network\.cost must be class indices of shape \(m,\) or 0/1 targets of shape \(m, K\)\. Got a 3-D array of shape \(6, 2, 1\) instead", id="y-3d"),
    pytest.param(cost(NET, THETA, X, 1), ValueError, r"The 'y' parameter of Network\.cost must be class indices of shape \(m,\) or 0/1 targets of shape \(m, K\)\. Got a 0-D array of shape \(\) instead", id="y-scalar"),
    # -- alpha ------------------------------------------------------------------------------
    pytest.param(cost(NET, THETA, X, y, -1.0), ValueError, r"The 'alpha' parameter of Network\.cost must be a float in the range \[0\.0, inf\)\. Got -1\.0 instead", id="alpha-negative"),
    pytest.param(cost(NET, THETA, X, y, np.nan), ValueError, r"The 'alpha' parameter of Network\.cost must be a float in the range \[0\.0, inf\)\. Got nan instead", id="alpha-nan"),
    pytest.param(cost(NET, THETA, X, y, np.inf), ValueError, r"The 'alpha' parameter of Network\.cost must be a float in the range \[0\.0, inf\)\. Got inf instead", id="alpha-inf"),
    pytest.param(cost(NET, THETA, X, y, "1"), TypeError, r"The 'alpha' parameter of Network\.cost must be a float in the range \[0\.0, inf\)\. Got '1' instead", id="alpha-str"),
    pytest.param(cost(NET, THETA, X, y, None), TypeError, r"The 'alpha' parameter of Network\.cost must be a float in the range \[0\.0, inf\)\. Got None instead", id="alpha-none"),
    # -- train ------------------------------------------------------------------------------
    pytest.param(trains(max_iter=-1), ValueError, r"The 'max_iter' parameter of train must be an int in the range \[0, 100000000\]\. Got -1 instead", id="train-max-iter-negative"),
    pytest.param(trains(max_iter=2.5), TypeError, r"The 'max_iter' parameter of train must be an int in the range \[0, 100000000\]\. Got 2\.5 instead", id="train-max-iter-float"),
    pytest.param(trains(max_iter="10"), TypeError, r"The 'max_iter' parameter of train must be an int in the range \[0, 100000000\]\. Got '10' instead", id="train-max-iter-str"),
    pytest.param(trains(method="gd", learning_rate=0), ValueError, r"The 'learning_rate' parameter of train must be a float in the range \(0\.0, inf\) or None\. Got 0 instead", id="train-lr-zero"),
    pytest.param(trains(method="sgd", learning_rate=-0.1), ValueError, r"The 'learning_rate' parameter of train must be a float in the range \(0\.0, inf\) or None\. Got -0\.1 instead", id="train-lr-negative"),
    pytest.param(trains(method="adam", learning_rate=np.inf), ValueError, r"The 'learning_rate' parameter of train must be a float in the range \(0\.0, inf\) or None\. Got inf instead", id="train-lr-inf"),
    # regression: a bad learning_rate used to be ignored silently by the methods that do not use it
    pytest.param(trains(method="CG", learning_rate=0), ValueError, r"The 'learning_rate' parameter of train must be a float in the range \(0\.0, inf\) or None\. Got 0 instead", id="train-lr-zero-CG"),
    pytest.param(trains(method="Nelder-Mead"), ValueError,
                 r"The 'method' parameter of train must be a str among \['CG', 'L-BFGS-B', 'lbfgs', 'TNC', 'BFGS', 'fmincg', 'gd', 'sgd', 'adam'\]\. Got 'Nelder-Mead' instead",
                 id="train-unknown-method"),
    pytest.param(trains(method=None), TypeError, r"The 'method' parameter of train must be a str among \['CG', 'L-BFGS-B', 'lbfgs', 'TNC', 'BFGS', 'fmincg', 'gd', 'sgd', 'adam'\]\. Got None instead", id="train-method-none"),
    pytest.param(trains(method="sgd", batch_size=0), ValueError, r"The 'batch_size' parameter of train must be an int in the range \[1, inf\) or None\. Got 0 instead", id="train-batch-zero"),
    pytest.param(trains(method="sgd", batch_size=-5), ValueError, r"The 'batch_size' parameter of train must be an int in the range \[1, inf\) or None\. Got -5 instead", id="train-batch-negative"),
    pytest.param(trains(method="sgd", batch_size=2.0), TypeError, r"The 'batch_size' parameter of train must be an int in the range \[1, inf\) or None\. Got 2\.0 instead", id="train-batch-float"),
    pytest.param(trains(method="sgd", momentum=1.0), ValueError, r"The 'momentum' parameter of train must be a float in the range \[0\.0, 1\.0\)\. Got 1\.0 instead", id="train-momentum-one"),
    pytest.param(trains(method="sgd", momentum=-0.5), ValueError, r"The 'momentum' parameter of train must be a float in the range \[0\.0, 1\.0\)\. Got -0\.5 instead", id="train-momentum-negative"),
    pytest.param(trains(tol=-1e-3), ValueError, r"The 'tol' parameter of train must be a float in the range \[0\.0, inf\) or None\. Got -0\.001 instead", id="train-tol-negative"),
    pytest.param(trains(callback="print"), TypeError, r"The 'callback' parameter of train must be a callable or None\. Got 'print' instead", id="train-callback"),
    pytest.param(trains(method="sgd", random_state="seed"), TypeError, r"The 'random_state' parameter of train must be None, an int >= 0 or a numpy\.random\.Generator\. Got 'seed' instead", id="train-random-state"),
    pytest.param(trains(alpha=-2), ValueError, r"The 'alpha' parameter of train must be a float in the range \[0\.0, inf\)\. Got -2 instead", id="train-alpha"),
    pytest.param(trains(theta0=np.zeros(5)), ValueError, r"The 'theta0' parameter of train must be a 1-D array of 26 finite numbers\. Got a 1-D array of shape \(5,\) instead", id="train-theta0-length"),
    pytest.param(trains(X_=np.ones((6, 2))), ValueError, r"The 'X' parameter of train must be an array with 3 features \(the network's layer_sizes\[0\]\)\. Got 2 features instead", id="train-X-features"),
    pytest.param(trains(y_=y[:3]), ValueError, r"The 'y' parameter of train must be 6 class indices in 0\.\.1 \(one per row of X; the network has 2 output units\)\. Got 3 entries instead", id="train-y-length"),
    pytest.param(trains(y_=y + 5), ValueError, r"The 'y' parameter of train must be 6 class indices in 0\.\.1 \(one per row of X; the network has 2 output units\)\. Got class index 5 instead", id="train-y-index"),
    pytest.param(lambda f: train(Network([400, 25, 10]), np.zeros(10285), np.zeros((3, 400)), [0, 1, 2], method="BFGS"), ValueError,
                 r"The 'method' parameter of train must be a method other than 'BFGS' for a network of more than 2000 parameters\. Got 'BFGS' with 10285 parameters instead\. BFGS keeps a dense 10285 x 10285 Hessian approximation \(0\.8 GiB\); use 'L-BFGS-B', 'CG' or 'fmincg'", id="train-bfgs-too-large"),
    # regression: a theta0 whose cost overflows used to start training from J = inf
    pytest.param(trains(theta0=np.full(26, 1e200), alpha=1.0), ValueError,
                 r"the cost at theta0 is (nan|inf): theta0 or X is too large for float64 \(largest \|theta0\| 1e\+200", id="train-theta0-overflow"),
    # -- numerical_gradient / gradient_check (regressions: these used to escape as Python/NumPy errors or NaN)
    pytest.param(lambda f: numerical_gradient(3, THETA), TypeError, r"The 'f' parameter of numerical_gradient must be a callable\. Got 3 instead", id="numgrad-f-not-callable"),
    pytest.param(lambda f: numerical_gradient(lambda t: np.nan, THETA), ValueError,
                 r"f returned a non-finite cost nan near theta\[0\]; the gradient would be NaN", id="numgrad-f-nan"),
    pytest.param(lambda f: numerical_gradient(lambda t: (np.inf, None), THETA), ValueError, r"f returned a non-finite cost inf", id="numgrad-f-inf"),
    pytest.param(lambda f: numerical_gradient(lambda t: "J", THETA), TypeError, r"f must return a scalar J \(or a tuple \(J, ...\)\); got str 'J'", id="numgrad-f-str"),
    pytest.param(lambda f: numerical_gradient(lambda t: t, THETA), TypeError, r"f must return a scalar J.*got ndarray", id="numgrad-f-vector"),
    pytest.param(lambda f: numerical_gradient(lambda t: 0.0, ["a", "b"]), TypeError, r"The 'theta' parameter of numerical_gradient must be a non-empty 1-D array of finite numbers\. Got an array of dtype <U1 instead", id="numgrad-theta-strings"),
    pytest.param(lambda f: numerical_gradient(lambda t: 0.0, THETA.reshape(2, 13)), ValueError, r"The 'theta' parameter of numerical_gradient must be a non-empty 1-D array of finite numbers\. Got a 2-D array of shape \(2, 13\) instead", id="numgrad-theta-2d"),
    pytest.param(lambda f: numerical_gradient(lambda t: 0.0, THETA, eps=0), ValueError, r"The 'eps' parameter of numerical_gradient must be a float in the range \(0\.0, inf\)\. Got 0 instead", id="numgrad-eps-zero"),
    pytest.param(lambda f: gradient_check("3-4-2", THETA, X, y), TypeError, r"The 'net' parameter of gradient_check must be an nnlearn\.Network\. Got '3-4-2' instead", id="gradcheck-net-str"),
    pytest.param(lambda f: gradient_check(NET, THETA, X, y, eps=-1e-4), ValueError, r"The 'eps' parameter of gradient_check must be a float in the range \(0\.0, inf\)\. Got -0\.0001 instead", id="gradcheck-eps"),
    pytest.param(lambda f: gradient_check(NET, THETA, X[:, :2], y), ValueError, r"The 'X' parameter of gradient_check must be an array with 3 features \(the network's layer_sizes\[0\]\)\. Got 2 features instead", id="gradcheck-X"),
    pytest.param(lambda f: gradient_check(NET, THETA[1:], X, y), ValueError, r"The 'theta' parameter of gradient_check must be a 1-D array of 26 finite numbers\. Got a 1-D array of shape \(25,\) instead", id="gradcheck-theta"),
    pytest.param(lambda f: gradient_check(NET, THETA, X, y, alpha=-3), ValueError, r"The 'alpha' parameter of gradient_check must be a float in the range \[0\.0, inf\)\. Got -3 instead", id="gradcheck-alpha"),
    # -- MLPClassifier -----------------------------------------------------------------------
    pytest.param(fits(y_=np.full(6, 7)), ValueError,
                 r"The 'y' parameter of MLPClassifier must be labels of at least 2 classes\. Got only 1 class, 7 instead", id="fit-one-class"),
    pytest.param(lambda f: MLPClassifier().predict(X), NotFittedError, r"This MLPClassifier instance is not fitted yet", id="predict-before-fit"),
    pytest.param(lambda f: MLPClassifier().predict_proba(X), NotFittedError, r"not fitted yet", id="predict-proba-before-fit"),
    pytest.param(lambda f: MLPClassifier().score(X, y), NotFittedError, r"not fitted yet", id="score-before-fit"),
    pytest.param(lambda f: fitted().predict(np.ones((2, 4))), ValueError,
                 r"X has 4 features, but MLPClassifier is expecting 3 features as input", id="predict-other-features"),
    pytest.param(lambda f: fitted().predict(X[0]), ValueError, r"Expected 2D array, got 1D array instead", id="predict-1d"),
    pytest.param(lambda f: fitted().predict(np.where(X > 1, np.nan, X)), ValueError, r"Input X contains NaN", id="predict-nan"),
    pytest.param(lambda f: fitted().predict(np.full((2, 3), "a")), ValueError,
                 r"The 'X' parameter of MLPClassifier must be an array of numbers\. Got a value that is not a number \(could not convert string to float", id="predict-strings"),
    pytest.param(fits(X_=np.full((6, 3), "a")), ValueError, r"The 'X' parameter of MLPClassifier must be an array of numbers\. Got a value that is not a number \(could not convert string to float: .*'a'", id="fit-X-strings"),
    pytest.param(fits(X_=np.where(X > 1, np.inf, X)), ValueError, r"Input X contains infinity", id="fit-X-inf"),
    pytest.param(fits(X_=np.ones((0, 3)), y_=y[:0]), ValueError, r"Found array with 0 sample\(s\) \(shape=\(0, 3\)\)", id="fit-X-empty"),
    pytest.param(fits(X_=X[:, :, None]), ValueError, r"Found array with dim 3", id="fit-X-3d"),
    pytest.param(fits(y_=y[:-1]), ValueError, r"inconsistent numbers of samples: \[6, 5\]", id="fit-y-length"),
    pytest.param(fits(y_=y + 0.5), ValueError, r"Unknown label type: continuous", id="fit-y-continuous"),
    pytest.param(fits(alpha=-1), ValueError, r"The 'alpha' parameter of MLPClassifier must be a float in the range \[0.0, inf\). Got -1 instead", id="fit-alpha"),
    pytest.param(fits(alpha=np.nan), ValueError, r"The 'alpha' parameter.*Got nan instead", id="fit-alpha-nan"),
    pytest.param(fits(learning_rate=0), ValueError, r"The 'learning_rate' parameter.*range \(0.0, inf\) or None. Got 0 instead", id="fit-lr"),
    pytest.param(fits(solver="newton"), ValueError, r"The 'solver' parameter of MLPClassifier must be a str among \['CG',", id="fit-solver"),
    pytest.param(fits(activation="gelu"), ValueError, r"The 'activation' parameter of MLPClassifier must be a str among \['sigmoid', 'logistic', 'tanh', 'relu'\]\. Got 'gelu' instead", id="fit-activation"),
    pytest.param(fits(hidden_layer_sizes=(4, 0)), ValueError, r"The 'hidden_layer_sizes' parameter of MLPClassifier must be an int or a tuple of ints >= 1 such as \(25,\) or \(64, 32\)\. Got \(4, 0\) instead", id="fit-hidden"),
    pytest.param(fits(solver="sgd", batch_size=0), ValueError, r"The 'batch_size' parameter.*Got 0 instead", id="fit-batch"),
    pytest.param(fits(random_state="seed"), TypeError, r"The 'random_state' parameter of MLPClassifier must be None, an int >= 0 or a numpy\.random\.Generator\. Got 'seed' instead", id="fit-random-state"),
    pytest.param(fits(epsilon_init=-1.0), ValueError, r"The 'epsilon_init' parameter.*Got -1.0 instead", id="fit-epsilon-init"),
    # -- files: the course's .mat files --------------------------------------------------------
    pytest.param(lambda f: load_ex4(f.dir / "missing.mat"), FileNotFoundError, r"No such file.*missing.mat", id="mat-missing"),
    pytest.param(lambda f: load_ex4(f.a_directory), IsADirectoryError, r"Expected a .mat file, got a directory", id="mat-directory"),
    pytest.param(lambda f: load_ex4(None), TypeError, r"The 'path' parameter of load_ex4 must be a str or os.PathLike\. Got None instead", id="mat-path-none"),
    pytest.param(lambda f: load_ex4(f.text), ValueError, r"text.mat is not a MATLAB .mat file that scipy can read", id="mat-text"),
    pytest.param(lambda f: load_ex4(f.empty), ValueError, r"empty.mat is not a MATLAB .mat file", id="mat-empty"),
    pytest.param(lambda f: load_ex4(f.truncated), ValueError, r"truncated.mat is not a MATLAB .mat file", id="mat-truncated"),
    pytest.param(lambda f: load_ex4(f.no_y), ValueError, r"no_y.mat has no 'y': found keys \['X'\], expected keys \['X', 'y'\]", id="mat-no-y"),
    pytest.param(lambda f: load_ex4(f.x399), ValueError, r"X has shape \(20, 399\), expected \(m, 400\)", id="mat-X-shape"),
    pytest.param(lambda f: load_ex4(f.y_short), ValueError, r"y has shape \(19, 1\), expected \(20, 1\)", id="mat-y-shape"),
    pytest.param(lambda f: load_ex4(f.label11), ValueError, r"y must hold integer labels 1..10 \(10 means digit 0\); found \[11\]", id="mat-label-11"),
    pytest.param(lambda f: load_ex4(f.x_nan), ValueError, r"X must be finite; found 20 NaN or infinite values", id="mat-X-nan"),
    pytest.param(lambda f: load_ex4(f.x_text), ValueError, r"X must be a 2-D numeric matrix; found dtype <U6", id="mat-X-text"),
    pytest.param(lambda f: load_ex4_weights(f.no_theta2), ValueError, r"has no 'Theta2': found keys \['Theta1'\]", id="weights-no-theta2"),
    pytest.param(lambda f: load_ex4_weights(f.theta2_shape), ValueError,
                 r"Theta2 has shape \(10, 25\), expected \(10, 26\)", id="weights-theta2-shape"),
    pytest.param(lambda f: load_ex4_weights(f.ok), ValueError, r"ok.mat has no 'Theta1', 'Theta2': found keys \['X', 'y'\]", id="weights-from-data-file"),
    pytest.param(lambda f: save_ex4_weights(f.dir / "no_such_dir" / "w.mat", [np.ones((2, 3)), np.ones((10, 3))]),
                 FileNotFoundError, r"Directory to save into does not exist", id="weights-save-missing-dir"),
    pytest.param(lambda f: save_ex4_weights(f.dir / "w.mat", [np.ones((2, 3))]), ValueError,
                 r"The 'thetas' parameter of save_ex4_weights must be a list or tuple \[Theta1, Theta2\] .* Got 1 matrices instead", id="weights-save-count"),
    pytest.param(lambda f: load_ex4(f.unreadable), PermissionError, r"Permission denied",
                 marks=pytest.mark.skipif(ROOT, reason="root reads files of mode 000"), id="mat-unreadable"),
    # -- files: model files (nnlearn.model_io) ------------------------------------------------
    pytest.param(lambda f: load_model(f.dir / "missing.npz"), FileNotFoundError, r"missing.npz", id="model-missing"),
    pytest.param(lambda f: load_model(f.a_directory), IsADirectoryError, r"a_directory", id="model-directory"),
    pytest.param(lambda f: load_model(None), TypeError, r"The 'path' parameter of load_model must be a str or os\.PathLike\. Got None instead", id="model-path-none"),
    pytest.param(lambda f: load_model(f.text), ValueError, r"text.mat is not an nnlearn model file \(not a .npz/zip archive", id="model-text"),
    pytest.param(lambda f: load_model(f.empty), ValueError, r"empty.mat is not an nnlearn model file \(the file is empty\)", id="model-empty"),
    pytest.param(lambda f: load_model(f.ok), ValueError, r"ok.mat is not an nnlearn model file", id="model-mat-file"),
    pytest.param(lambda f: load_model(f.model_truncated), ValueError,
                 r"model_truncated.npz is not an nnlearn model file \(truncated or corrupted", id="model-truncated"),
    pytest.param(lambda f: load_model(f.model_newer), ValueError,
                 r"model_newer.npz is an nnlearn model file of format version 2 \(written by nnlearn 99.0\), but this nnlearn "
                 r"\(.*\) reads format version 1 only; upgrade nnlearn", id="model-newer-version"),
    pytest.param(lambda f: load_model(f.model_pickled), ValueError,
                 r"theta_0.npy holds pickled Python objects \(dtype object\), which nnlearn refuses to load", id="model-pickled-array"),
    pytest.param(lambda f: load_model(f.model_pickle), ValueError, r"model_pickle.npz is not an nnlearn model file", id="model-pickle"),
    pytest.param(lambda f: save_model(f.dir / "no_such_dir" / "m.npz", fitted()), FileNotFoundError,
                 r"Directory to save into does not exist", id="model-save-missing-dir"),
    pytest.param(lambda f: save_model(f.dir / "m.npz", MLPClassifier()), NotFittedError, r"not fitted yet", id="model-save-unfitted"),
]


@pytest.mark.parametrize("call, error, match", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(files, call, error, match):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no NumPy warning on the way to the error
        with pytest.raises(error, match=match) as info:
            call(files)
    assert str(info.value).strip(), "an empty message names nothing"
    assert not (files.dir / "UNPICKLED").exists(), "a loader ran pickled code"


# Warnings, not errors: the call succeeds, says what it did, and returns finite results.
WARNINGS = [
    pytest.param(lambda: train(NET, THETA, X, y, method="sgd", batch_size=100, max_iter=2), UserWarning,
                 r"batch_size=100 is larger than the 6 samples; using batch_size=6", id="train-batch-clamped"),
    pytest.param(lambda: MLPClassifier(solver="adam", batch_size=50, max_iter=1).fit(X, y), UserWarning,
                 r"batch_size=50 is larger than the 6 samples; using batch_size=6", id="fit-batch-clamped"),
    pytest.param(lambda: NET.cost_and_gradient(THETA, X * 1e6, y), UserWarning,
                 r"X has features as large as 2.\d+e\+06; .*Scale the features \(e.g. sklearn.preprocessing.StandardScaler\)", id="X-huge-features"),
    pytest.param(lambda: train(NET, THETA, X * 1e6, y, max_iter=3).theta, UserWarning, r"Scale the features", id="train-huge-features"),
]


@pytest.mark.parametrize("call, warning, match", WARNINGS)
def test_questionable_input_warns_and_still_works(call, warning, match):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", category=__import__("sklearn").exceptions.ConvergenceWarning)
        with pytest.warns(warning, match=match):
            result = call()
    values = result if isinstance(result, tuple) else (result,)
    for value in values:
        if isinstance(value, (np.ndarray, float)):
            assert np.all(np.isfinite(value))


def test_batch_size_is_clamped_to_m_not_refused():
    with pytest.warns(UserWarning, match="using batch_size=6"):
        clamped = train(NET, THETA, X, y, method="sgd", batch_size=10**6, max_iter=3, random_state=0)
    full = train(NET, THETA, X, y, method="sgd", batch_size=6, max_iter=3, random_state=0)
    np.testing.assert_array_equal(clamped.theta, full.theta)


# -- the command line -------------------------------------------------------------------------

SPIRALS = ["train", "--data", "spirals", "--max-iter", "2"]

# (argv, pattern in the one error line); "{dir}" is the directory of the `files` fixture.
CLI_ERRORS = [
    pytest.param(["gradcheck", "--layers", "3", "0", "3"], r"The '--layers' option of nnlearn gradcheck must be 3 ints >= 1 \(input, hidden and output units\) such as 3 5 3\. Got '3 0 3' instead", id="net-zero-units"),
    pytest.param(["gradcheck", "--layers", "3", "-2", "3"], r"The '--layers' option of nnlearn gradcheck must be 3 ints >= 1 \(input, hidden and output units\) such as 3 5 3\. Got '3 -2 3' instead", id="net-negative-units"),
    pytest.param(["gradcheck", "--layers", "3", "5"], r"The '--layers' option of nnlearn gradcheck must be 3 ints >= 1 \(input, hidden and output units\) such as 3 5 3\. Got '3 5' instead", id="net-two-sizes"),
    pytest.param(["gradcheck", "--layers", "3", "2.5", "3"], r"The '--layers' option of nnlearn gradcheck must be 3 ints >= 1 \(input, hidden and output units\) such as 3 5 3\. Got '3 2\.5 3' instead", id="net-float-size"),
    pytest.param(["gradcheck", "--activation", "gelu"], r"The '--activation' option of nnlearn gradcheck must be a str among \['sigmoid', 'logistic', 'tanh', 'relu'\]\. Got 'gelu' instead", id="net-activation"),
    pytest.param(["gradcheck", "--output", "linear"], r"The '--output' option of nnlearn gradcheck must be a str among \['sigmoid', 'logistic', 'softmax', 'identity'\]\. Got 'linear' instead", id="net-output"),
    pytest.param(["gradcheck", "--output", "softmax", "--layers", "3", "5", "1"], r"The 'layer_sizes' parameter of Network must be a sequence ending with at least 2 output units for output='softmax'\. Got \[3, 5, 1\] instead", id="net-softmax-one-unit"),
    pytest.param(["gradcheck", "--alpha", "-1"], r"The '--alpha' option of nnlearn gradcheck must be a float in the range \[0\.0, inf\)\. Got -1\.0 instead", id="gradcheck-alpha"),
    pytest.param(["gradcheck", "--alpha", "nan"], r"The '--alpha' option of nnlearn gradcheck must be a float in the range \[0\.0, inf\)\. Got nan instead", id="gradcheck-alpha-nan"),
    pytest.param(["gradcheck", "--eps", "0"], r"The '--eps' option of nnlearn gradcheck must be a float in the range \(0\.0, inf\)\. Got 0\.0 instead", id="gradcheck-eps"),
    pytest.param(["gradcheck", "--m", "0"], r"The '--m' option of nnlearn gradcheck must be an int in the range \[1, inf\)\. Got 0 instead", id="gradcheck-m-zero"),
    pytest.param(SPIRALS + ["--alpha", "-1"], r"The '--alpha' option of nnlearn train must be a float in the range \[0\.0, inf\)\. Got -1\.0 instead", id="alpha-negative"),
    pytest.param(SPIRALS + ["--alpha", "inf"], r"The '--alpha' option of nnlearn train must be a float in the range \[0\.0, inf\)\. Got inf instead", id="alpha-inf"),
    pytest.param(SPIRALS + ["--alpha", "nan"], r"The '--alpha' option of nnlearn train must be a float in the range \[0\.0, inf\)\. Got nan instead", id="alpha-nan"),
    pytest.param(SPIRALS + ["--alpha", "much"], r"The '--alpha' option of nnlearn train must be a float in the range \[0\.0, inf\)\. Got 'much' instead", id="alpha-text"),
    pytest.param(["train", "--data", "spirals", "--max-iter", "-1"], r"The '--max-iter' option of nnlearn train must be an int in the range \[0, 100000000\]\. Got -1 instead", id="max-iter-negative"),
    pytest.param(["train", "--data", "spirals", "--max-iter", "2.5"], r"The '--max-iter' option of nnlearn train must be an int in the range \[0, 100000000\]\. Got '2\.5' instead", id="max-iter-float"),
    pytest.param(SPIRALS + ["--solver", "gd", "--learning-rate", "0"], r"The '--learning-rate' option of nnlearn train must be a float in the range \(0\.0, inf\)\. Got 0\.0 instead", id="lr-zero"),
    pytest.param(SPIRALS + ["--learning-rate", "-1"], r"The '--learning-rate' option of nnlearn train must be a float in the range \(0\.0, inf\)\. Got -1\.0 instead", id="lr-negative-CG"),
    pytest.param(SPIRALS + ["--solver", "newton"], r"The '--solver' option of nnlearn train must be a str among \['CG', 'L-BFGS-B', 'lbfgs', 'TNC', 'BFGS', 'fmincg', 'gd', 'sgd', 'adam'\]\. Got 'newton' instead", id="solver"),
    pytest.param(SPIRALS + ["--activation", "gelu"], r"The '--activation' option of nnlearn train must be a str among \['sigmoid', 'logistic', 'tanh', 'relu'\]\. Got 'gelu' instead", id="activation"),
    pytest.param(SPIRALS + ["--output", "linear"], r"The '--output' option of nnlearn train must be a str among \['sigmoid', 'logistic', 'softmax', 'identity'\]\. Got 'linear' instead", id="output"),
    pytest.param(SPIRALS + ["--hidden", "4,0"], r"The '--hidden' option of nnlearn train must be units per hidden layer joined by commas such as 25 or 64,32, or none for no hidden layer\. Got '4,0' instead", id="hidden-zero"),
    pytest.param(SPIRALS + ["--hidden", "-3"], r"The '--hidden' option of nnlearn train must be units per hidden layer joined by commas such as 25 or 64,32, or none for no hidden layer\. Got '-3' instead", id="hidden-negative"),
    pytest.param(SPIRALS + ["--test-size", "1"], r"The '--test-size' option of nnlearn train must be a float in the range \[0\.0, 1\.0\)\. Got 1\.0 instead", id="test-size"),
    pytest.param(["train", "--data", "mnist"], r"The '--data' option of nnlearn train must be one of \['digits20', 'spirals', .*'fashion-mnist-test'\] or a path to a \.csv, \.tsv, \.npz or \.mat file\. Got 'mnist' instead", id="data-unknown"),
    pytest.param(["train", "--data", "{dir}/missing.mat"], r"No such file.*missing.mat", id="data-missing"),
    pytest.param(["train", "--data", "{dir}/a_directory.mat"], r"Expected a .mat file, got a directory.*a_directory.mat", id="data-directory"),
    pytest.param(["train", "--data", "{dir}/text.mat"], r"text.mat is not a MATLAB .mat file that scipy can read", id="data-not-mat"),
    pytest.param(["train", "--data", "{dir}/empty.mat"], r"empty.mat is not a MATLAB .mat file", id="data-empty"),
    pytest.param(["train", "--data", "{dir}/truncated.mat"], r"truncated.mat is not a MATLAB .mat file", id="data-truncated"),
    pytest.param(["train", "--data", "{dir}/no_y.mat"], r"has no 'y': found keys \['X'\], expected keys \['X', 'y'\]", id="data-no-y"),
    # a .mat of other than 400 columns is read as ordinary data: 20 rows of 10 classes leave no room for a held-out set
    pytest.param(["train", "--data", "{dir}/x399.mat"], r"The 'test_size' parameter of held_out_split must be a fraction that "
                 r"leaves at least 10 samples \(one per class\) in each part\. Got 0\.2, which holds out 4 of 20 samples instead", id="data-X-shape"),
    pytest.param(["train", "--data", "{dir}/y_short.mat"], r"y has shape \(19, 1\), expected \(20, 1\)", id="data-y-shape"),
    pytest.param(["train", "--data", "{dir}/label11.mat"], r"y must hold integer labels 1..10 \(10 means digit 0\); found \[11\]", id="data-labels"),
    pytest.param(["train", "--data", "{dir}/x_nan.mat"], r"X must be finite; found 20 NaN or infinite values", id="data-X-nan"),
    pytest.param(["train", "--data", "{dir}/x_text.mat"], r"X must be a 2-D numeric matrix", id="data-X-text"),
    pytest.param(["train", "--data", "{dir}/one_class.mat", "--test-size", "0"],
                 r"The 'y' parameter of MLPClassifier must be labels of at least 2 classes\. Got only 1 class, 3 instead", id="data-one-class"),
    pytest.param(["train", "--data", "{dir}/unreadable.mat"], r"Permission denied",
                 marks=pytest.mark.skipif(ROOT, reason="root reads files of mode 000"), id="data-unreadable"),
    pytest.param(SPIRALS + ["--save", "{dir}/no_such_dir/model.npz"], r"The '--save' option of nnlearn train must be the name of a file to write in an existing directory\. Got '.*no_such_dir/model\.npz' \(directory .*no_such_dir does not exist\) instead", id="save-missing-dir"),
    pytest.param(["train", "--data", "spirals", "--max-iter", "20", "--solver", "gd", "--learning-rate", "1e300"],
                 r"training diverged at iteration 1: the cost or the weights became non-finite", id="diverged"),
    pytest.param(["predict", "--model", "{dir}/missing.npz", "--data", "spirals"], r"No such file.*missing.npz", id="model-missing"),
    pytest.param(["predict", "--model", "{dir}/text.mat", "--data", "spirals"], r"is not an nnlearn model file", id="model-not-a-model"),
    pytest.param(["predict", "--model", "{dir}/model_truncated.npz", "--data", "spirals"], r"truncated or corrupted", id="model-truncated"),
    pytest.param(["predict", "--model", "{dir}/model_newer.npz", "--data", "spirals"], r"format version 2.*reads format version 1 only", id="model-newer"),
    pytest.param(["predict", "--model", "{dir}/model_pickled.npz", "--data", "spirals"], r"holds pickled Python objects", id="model-pickled"),
    pytest.param(["predict", "--model", "{dir}/model_pickle.npz", "--data", "spirals"], r"is not an nnlearn model file", id="model-pickle"),
    pytest.param(["predict", "--model", "{dir}/model.npz", "--data", "digits20"], r"X has 400 features, but MLPClassifier is expecting 2", id="model-other-features"),
    pytest.param(["predict", "--data", "spirals"], r"the following arguments are required: --model", id="model-flag-missing"),
    pytest.param(["train", "--bogus"], r"unrecognized arguments: --bogus", id="unknown-flag"),
    pytest.param(["frobnicate"], r"invalid choice: 'frobnicate'", id="unknown-command"),
]


@pytest.mark.parametrize("argv, match", CLI_ERRORS)
def test_cli_error_is_one_line_with_status_2(files, capsys, argv, match):
    argv = [arg.replace("{dir}", str(files.dir)) for arg in argv]
    status = main(argv)
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert status == 2, captured.err
    assert len(lines) == 1 and lines[0].startswith("nnlearn: error: "), captured.err
    assert "Traceback" not in captured.err and "Warning:" not in captured.err
    assert not (files.dir / "UNPICKLED").exists()
    assert re.search(match, lines[0]), lines[0]


@pytest.mark.parametrize(
    "argv, match",
    [
        (["train", "--data", "{dir}/text.mat"], "is not a MATLAB .mat file"),
        (["train", "--data", "spirals", "--alpha", "-1"], "The '--alpha' option of nnlearn train"),
        (["gradcheck", "--layers", "3", "0", "3"], r"The '--layers' option of nnlearn gradcheck must be"),
    ],
    ids=["not-mat", "alpha", "zero-units"],
)
def test_cli_process_exits_2_with_one_line(files, argv, match):
    """The installed entry point, as a real process: status 2, one stderr line, nothing on stdout."""
    argv = [arg.replace("{dir}", str(files.dir)) for arg in argv]
    done = subprocess.run([sys.executable, "-m", "nnlearn.cli", *argv], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("nnlearn: error: "), done.stderr
    assert re.search(match, lines[0])
    assert done.stdout == ""


def test_cli_warnings_are_one_line(files, capsys, tmp_path):
    path = tmp_path / "huge.mat"
    rng = np.random.default_rng(3)
    scipy.io.savemat(path, {"X": rng.normal(size=(30, 400)) * 1e6, "y": (np.arange(30) % 10 + 1).reshape(-1, 1)})
    assert main(["train", "--data", str(path), "--max-iter", "2", "--test-size", "0"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("nnlearn: warning: X has features as large as"), err
    assert "Scale the features" in err[0]


# -- numerical robustness -----------------------------------------------------------------------

ACTIVATIONS = ["sigmoid", "tanh", "relu"]
OUTPUTS = [("sigmoid", 1), ("sigmoid", 4), ("softmax", 4)]


def _problem(activation, output, K, m=9, seed=0):
    net = Network([5, 6, 4, K], activation=activation, output=output)
    rng = np.random.default_rng(seed)
    return net, net.init_weights(method="glorot", random_state=seed), rng.normal(size=(m, 5)), rng.integers(0, max(K, 2), m)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output, K", OUTPUTS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_saturated_units_give_finite_cost_and_gradient_without_warnings(activation, output, K, dtype):
    net, theta, X_, y_ = _problem(activation, output, K)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning (overflow, log(0), 0/0) fails the test
        for scale in (1e3, 1e6):
            J, grad = net.cost_and_gradient(theta * scale, X_.astype(dtype), y_, alpha=1.0)
            P = net.predict_proba(theta * scale, X_.astype(dtype))
            assert np.isfinite(J) and J > 0
            assert grad.dtype == np.float64 and np.all(np.isfinite(grad))
            assert np.all((P >= 0) & (P <= 1))
    # the premise: at 1000x almost every first-layer unit is saturated (|z| > 20: g'(z) < 1e-8)
    Theta1 = net.unpack(theta * 1e3)[0]
    Z = X_ @ Theta1[:, 1:].T + Theta1[:, 0]
    assert np.mean(np.abs(Z) > 20) > 0.9


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("output, K", OUTPUTS)
@pytest.mark.parametrize("scale", [1.0, 3.0, 10.0])
def test_gradient_check_holds_at_moderate_scales(activation, output, K, scale):
    net, theta, X_, y_ = _problem(activation, output, K, m=5)
    check = gradient_check(net, theta * scale, X_, y_, alpha=0.7)
    assert check.relative_difference < 1e-7, str(check)


def test_huge_features_train_to_finite_weights_with_a_scaling_hint():
    rng = np.random.default_rng(4)
    X_ = rng.normal(size=(40, 3)) * 1e6
    y_ = (X_[:, 0] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", category=__import__("sklearn").exceptions.ConvergenceWarning)
        with pytest.warns(UserWarning, match="Scale the features"):
            clf = MLPClassifier(hidden_layer_sizes=(4,), max_iter=10, random_state=0).fit(X_, y_)
        with pytest.warns(UserWarning, match="Scale the features"):
            P = clf.predict_proba(X_)
    assert all(np.all(np.isfinite(T)) for T in clf.thetas_)
    assert np.all(np.isfinite(clf.loss_curve_)) and np.all(np.isfinite(P))


@pytest.fixture
def diverging():
    """gd with learning_rate 1e100 and alpha 1: finite after iteration 1, the cost overflows at iteration 2."""
    rng = np.random.default_rng(0)
    return rng.normal(size=(20, 2)), np.arange(20) % 2


@pytest.mark.parametrize("method", ["gd", "sgd", "adam"])
def test_divergence_names_the_iteration_and_keeps_the_last_finite_weights(diverging, method):
    X_, y_ = diverging
    net = Network([2, 3, 1])
    theta0 = net.init_weights(random_state=0)
    seen = {0: theta0}
    kwargs = dict(alpha=1.0, method=method, learning_rate=1e100 if method != "adam" else 1e200, batch_size=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # regression: overflow warnings used to leak from the optimizer loops
        with pytest.raises(TrainingDiverged, match=r"training diverged at iteration (\d+): the (cost or the weights became "
                                                   r"non-finite|cost grew from)") as info:
            train(net, theta0, X_, y_, max_iter=50, callback=lambda k, theta, J: seen.__setitem__(k, theta), **kwargs)
    k = info.value.iteration
    assert k >= 1 and f"iteration {k}:" in str(info.value)
    np.testing.assert_array_equal(info.value.theta, seen[k - 1])  # the weights of the last finite iteration
    assert len(info.value.cost_history) == k and np.all(np.isfinite(info.value.cost_history))
    assert isinstance(info.value, FloatingPointError)


def test_estimator_divergence_raises_and_keeps_the_last_finite_weights(diverging):
    X_, y_ = diverging
    params = dict(hidden_layer_sizes=(3,), solver="gd", learning_rate=1e100, alpha=1.0, random_state=0)
    clf = MLPClassifier(max_iter=50, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        # Iteration 1 is still finite, but its cost is beyond the divergence rule (a million times J(theta0)).
        with pytest.raises(ValueError, match=r"MLPClassifier.fit: training diverged at iteration 1: the cost grew "
                                             r"from .* more than 1e\+06 times its start") as info:
            clf.fit(X_, y_)
    no_step = MLPClassifier(max_iter=0, **params).fit(X_, y_)  # the initial weights, untrained
    # The estimator is left as it was (unfitted); the error keeps the last accepted weights.
    with pytest.raises(NotFittedError):
        clf.predict(X_)
    diverged = info.value.__cause__
    assert isinstance(diverged, TrainingDiverged) and diverged.iteration == 1
    np.testing.assert_array_equal(diverged.theta, no_step.network_.pack(no_step.thetas_))
    assert diverged.cost_history == no_step.loss_curve_


# -- nothing lost on Ctrl-C -------------------------------------------------------------------

METHODS = ["CG", "L-BFGS-B", "TNC", "BFGS", "fmincg", "gd", "sgd", "adam"]


@pytest.mark.parametrize("method", METHODS)
def test_ctrl_c_in_the_callback_keeps_the_finished_iteration(method):
    net, theta0, X_, y_ = _problem("tanh", "softmax", 3, m=30)
    seen = {}

    def callback(k, theta, J):
        seen[k] = (theta, J)
        if k == 3:
            raise KeyboardInterrupt

    with pytest.warns(TrainingInterrupted, match=r"interrupted \(Ctrl-C\) after 3 iterations; keeping the weights"):
        result = train(net, theta0, X_, y_, alpha=0.1, method=method, max_iter=100, callback=callback,
                       learning_rate=0.01 if method == "adam" else None, random_state=0)
    assert result.interrupted and result.n_iter == 3 and "interrupted by the user after 3 iterations" in result.message
    np.testing.assert_array_equal(result.theta, seen[3][0])
    assert result.cost_history[1:] == [seen[k][1] for k in (1, 2, 3)]
    assert result.cost_history[-1] == net.cost(result.theta, X_, y_, alpha=0.1)


def _interrupt_at_evaluation(monkeypatch, n):
    """Make the n-th cost evaluation (training's: kernel.Objective's) raise KeyboardInterrupt, as a Ctrl-C
    landing mid-computation."""
    evaluate = kernel.Objective.__call__
    calls = {"n": 0}

    def interrupted(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise KeyboardInterrupt
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(kernel.Objective, "__call__", interrupted)


def test_estimator_ctrl_c_keeps_the_weights_of_the_last_finished_iteration(monkeypatch):
    X_, y_ = _problem("sigmoid", "sigmoid", 3, m=40)[2:]
    params = dict(hidden_layer_sizes=(5,), solver="gd", learning_rate=0.5, random_state=0)
    expected = MLPClassifier(max_iter=4, **params).fit(X_, y_)  # max_iter reached without a tol: no warning
    # gd evaluates J once per iteration: the evaluation after the reference run's last one is
    # iteration 5's, so the Ctrl-C lands inside iteration 5 with iterations 1..4 finished.
    _interrupt_at_evaluation(monkeypatch, expected.train_result_.n_evaluations + 1)
    clf = MLPClassifier(max_iter=1000, **params)
    with pytest.warns(TrainingInterrupted, match="after 4 iterations; keeping the weights of the last finished iteration"):
        assert clf.fit(X_, y_) is clf
    for kept, reference in zip(clf.thetas_, expected.thetas_):
        np.testing.assert_array_equal(kept, reference)
    assert clf.n_iter_ == 4 and clf.loss_curve_ == expected.loss_curve_
    assert clf.train_result_.interrupted
    np.testing.assert_array_equal(clf.predict(X_), expected.predict(X_))


@pytest.mark.parametrize("solver", ["L-BFGS-B", "CG", "fmincg", "adam"])
def test_estimator_ctrl_c_mid_evaluation_leaves_a_consistent_fitted_model(monkeypatch, solver):
    X_, y_ = _problem("tanh", "softmax", 3, m=40)[2:]
    _interrupt_at_evaluation(monkeypatch, 9)
    clf = MLPClassifier(hidden_layer_sizes=(5,), output="softmax", solver=solver, max_iter=1000, random_state=0,
                        learning_rate=0.01 if solver == "adam" else None)
    with pytest.warns(TrainingInterrupted):
        clf.fit(X_, y_)
    monkeypatch.undo()
    assert 1 <= clf.n_iter_ == len(clf.loss_curve_) - 1 == clf.train_result_.n_iter
    theta = clf.network_.pack(clf.thetas_)
    # the kept weights are exactly those whose cost was recorded last
    assert clf.loss_curve_[-1] == clf.network_.cost(theta, X_, np.unique(y_, return_inverse=True)[1], alpha=clf.alpha)
    assert clf.predict(X_).shape == y_.shape


def _read_until(stream, needle, timeout):
    buffer, deadline = b"", time.monotonic() + timeout
    while needle not in buffer and time.monotonic() < deadline:
        ready, _, _ = select.select([stream], [], [], 0.5)
        if ready:
            chunk = os.read(stream.fileno(), 65536)
            if not chunk:
                break
            buffer += chunk
    return buffer


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a subprocess is POSIX")
def test_real_sigint_to_nnlearn_train_reports_and_saves_the_kept_iteration(tmp_path):
    saved = tmp_path / "interrupted.npz"
    command = [sys.executable, "-m", "nnlearn.cli", "train", "--data", "spirals", "--hidden", "5", "--solver", "gd",
               "--max-iter", "100000000", "--progress", "--save", str(saved)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        started = _read_until(process.stderr, b"cost=", timeout=120)  # the progress bar: training is running
        assert b"cost=" in started, started.decode(errors="replace")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    out, err = out.decode(), (started + err).decode()
    assert process.returncode == 130, err
    assert "Traceback" not in err
    last = err.replace("\r", "\n").strip().splitlines()[-1]
    assert last.startswith("nnlearn: interrupted: training stopped by Ctrl-C after "), err[-500:]
    n_iter = int(last.split("after ")[1].split(" iterations")[0])
    assert n_iter >= 1 and f"the results above and the saved model use the weights of iteration {n_iter}" in last
    assert f"{n_iter} iterations" in out and "train acc" in out and "held-out acc" in out
    model = load_model(saved)  # the interrupted run is not lost
    assert model.n_iter_ == n_iter and len(model.loss_curve_) == n_iter + 1 and model.train_result_.interrupted
    assert f"cost         {model.loss_curve_[0]:.6f} -> {model.loss_curve_[-1]:.6f}" in out
