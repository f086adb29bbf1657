"""What the benchmark's child processes run: each setup function returns its candidates, ``key -> callable``.

Every function here runs in a fresh child process (:class:`nnlearn.bench.workers.Worker`)
and sets that process's threads first, so the settings of one candidate never
reach another:

- ``threads=None``: as users run it. nnlearn's kernel chooses its threads
  (``nnlearn.core.kernel.BLAS_THREADS = None``); NumPy's BLAS, PyTorch and
  scikit-learn keep their defaults (one thread per core).
- ``threads=n``: nnlearn's kernel on n threads, NumPy's and SciPy's BLAS
  limited to n, ``torch.set_num_threads(n)``.
- ``threads="all"``: n = every core this process may use.

Data are loaded in the child (the bundled digits, the planar spiral, synthetic
MNIST-sized data), so the parent sends only a few options.
"""

from __future__ import annotations

import functools

import contextlib
import warnings

import numpy as np

from ..core import kernel, optimizers, threads as core_threads

__all__ = ["digits", "digits_eval", "digits_fit", "scaling_eval", "scaling_memory", "planar_steps"]

_held = []  # limits that stay in force for the child's life


def _set_threads(threads):
    """Set this process's threads for the candidates it hosts (see the module docstring)."""
    if threads is None:
        return
    n = core_threads.available_cores() if threads == "all" else int(threads)
    kernel.BLAS_THREADS = n
    from threadpoolctl import threadpool_limits

    _held.append(threadpool_limits(limits=n, user_api="blas"))


def _set_torch_threads(threads):
    import torch

    if threads is not None:
        torch.set_num_threads(core_threads.available_cores() if threads == "all" else int(threads))


def digits(rows=None):
    """The bundled digits (X (m, 400), y (m,)); ``rows``: that many, taken evenly (every digit stays)."""
    from ..datasets import load_digits20

    X, y = load_digits20()
    if rows is not None and rows < X.shape[0]:
        keep = np.linspace(0, X.shape[0] - 1, rows).astype(int)
        X, y = np.ascontiguousarray(X[keep]), y[keep]
    return X, y


def digits_eval(variant, threads=None, rows=None, alpha=1.0):
    """One cost-and-gradient evaluation of the course's 400-25-10 sigmoid network on the digits.

    ``variant``: "nnlearn float64", "nnlearn float32", "validated" (:meth:`nnlearn.Network.cost_and_gradient`),
    "plain", "loop" (the references), "floor float64", "floor float32" (``X @ W1.T`` and
    ``delta2.T @ X``, the two products with X any backpropagation does), "PyTorch float64",
    "PyTorch float32". Each call returns ``(J, grad)`` (the floor: its two products).
    """
    from ..core.reference import backprop_loop, cost_and_gradient_plain
    from ..network import Network

    X, y = digits(rows)
    K = int(y.max()) + 1
    net = Network([X.shape[1], 25, K])
    theta = net.init_weights(random_state=0)
    Y = np.eye(K)[y]
    X32 = X.astype(np.float32)
    if variant.startswith("PyTorch"):
        from .torch_models import torch_cost_and_gradient

        _set_torch_threads(threads)
        f = torch_cost_and_gradient(net, X, Y, alpha, variant.split()[1])
        return {"": lambda: f(theta)}
    _set_threads(threads)
    rng = np.random.default_rng(0)
    W1 = np.ascontiguousarray(net.unpack(theta)[0][:, 1:])
    delta2 = rng.random((X.shape[0], W1.shape[0]))
    W1_32, delta2_32 = W1.astype(np.float32), delta2.astype(np.float32)
    candidates = {
        "nnlearn float64": lambda: kernel.cost_and_gradient(theta, X, Y, alpha, net.spec),
        "nnlearn float32": lambda: kernel.cost_and_gradient(theta, X32, Y, alpha, net.spec),
        "validated": lambda: net.cost_and_gradient(theta, X, y, alpha),
        "plain": lambda: cost_and_gradient_plain(theta, X, Y, alpha, net.spec),
        "loop": lambda: backprop_loop(theta, X, Y, alpha, net.spec),
        "floor float64": lambda: (X @ W1.T, delta2.T @ X),
        "floor float32": lambda: (X32 @ W1_32.T, delta2_32.T @ X32),
    }
    return {"": candidates[variant]}


def digits_fit(variant, threads=None, rows=None, max_iter=50, alpha=1.0):
    """A whole fit on the digits: ``max_iter`` iterations of L-BFGS-B, 25 hidden units.

    ``variant``: "nnlearn float64", "nnlearn float32", "nnlearn float64, SciPy's BLAS at its
    default threads", "scikit-learn" (``MLPClassifier(solver="lbfgs", activation="logistic")``
    as users run it), "scikit-learn, SciPy's BLAS at 1 thread". Each call fits anew and
    returns ``(iterations, evaluations or None, training accuracy %)``.
    """
    X, y = digits(rows)
    _set_threads(threads)
    if variant.startswith("nnlearn"):
        from ..estimator import MLPClassifier

        X_fit = X.astype(np.float32) if "float32" in variant else X
        if "default threads" in variant:
            optimizers.SCIPY_BLAS_THREADS = None

        def fit():
            clf = MLPClassifier(hidden_layer_sizes=(25,), alpha=alpha, solver="L-BFGS-B", max_iter=max_iter,
                                random_state=0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # ConvergenceWarning at max_iter: the point here
                clf.fit(X_fit, y)
            return clf.n_iter_, clf.train_result_.n_evaluations, 100 * float(np.mean(clf.predict(X_fit) == y))

        return {"": fit}
    from sklearn.neural_network import MLPClassifier

    def sklearn_fit():
        clf = MLPClassifier(hidden_layer_sizes=(25,), solver="lbfgs", activation="logistic", alpha=alpha,
                            max_iter=max_iter, random_state=0)
        limit = core_threads.scipy_own_blas().limit(limits=1) if "1 thread" in variant else contextlib.nullcontext()
        with warnings.catch_warnings(), limit:
            warnings.simplefilter("ignore")
            clf.fit(X, y)
        return clf.n_iter_, None, 100 * float(np.mean(clf.predict(X) == y))

    return {"": sklearn_fit}


def _synthetic(m, n, K, random_state=0):
    """MNIST-sized synthetic data: pixels uniform in [0, 1], random labels 0..K-1."""
    rng = np.random.default_rng(random_state)
    return rng.random((m, n)), rng.integers(0, K, m)


def scaling_eval(variant, sizes, n_features=784, hidden=(25,), threads=None):
    """One evaluation per m in ``sizes`` (synthetic data): keys are the m's.

    ``variant``: "nnlearn float64", "nnlearn float32" or "plain" (the textbook vectorized version).
    """
    from ..core.reference import cost_and_gradient_plain
    from ..network import Network

    _set_threads(threads)
    net = Network([n_features, *hidden, 10])
    theta = net.init_weights(random_state=0)
    candidates = {}
    for m in sizes:
        X, y = _synthetic(m, n_features, 10)
        Y = np.eye(10)[y]
        if variant == "plain":
            candidates[m] = lambda X=X, Y=Y: cost_and_gradient_plain(theta, X, Y, 1.0, net.spec)
        else:
            Xd = X.astype(np.float32) if "float32" in variant else X
            candidates[m] = lambda Xd=Xd, Y=Y: kernel.cost_and_gradient(theta, Xd, Y, 1.0, net.spec)
    return candidates


def scaling_memory(sizes, n_features=784, hidden=(25,)):
    """``{"": f}``, f() -> ``{m: (data MB, extra MB, plain extra MB, RSS MB, peak RSS MB)}``, one m at a time.

    nnlearn's kernel runs on one thread here: each further thread holds one more block.
    """
    from ..core.reference import cost_and_gradient_plain
    from ..network import Network
    from .measure import peak_extra_bytes, rss_during

    _set_threads(1)
    net = Network([n_features, *hidden, 10])
    theta = net.init_weights(random_state=0)
    MB = 2.0**20

    def measure():
        X, y = _synthetic(100, n_features, 10)
        kernel.cost_and_gradient(theta, X, np.eye(10)[y], 1.0, net.spec)  # once first: the caches it fills stay
        memory = {}
        for m in sizes:
            X, y = _synthetic(m, n_features, 10)
            Y = np.eye(10)[y]
            evaluate = functools.partial(kernel.cost_and_gradient, theta, X, Y, 1.0, net.spec)  # binds this m's data
            extra = peak_extra_bytes(evaluate)
            plain_extra = peak_extra_bytes(functools.partial(cost_and_gradient_plain, theta, X, Y, 1.0, net.spec))
            rss, peak_rss = rss_during(evaluate)
            data = X.nbytes + Y.nbytes + y.nbytes
            memory[m] = (data / MB, extra / MB, plain_extra / MB, rss / MB, peak_rss / MB)
            del X, y, Y, evaluate  # this m's data is freed before the next m's is made
        return memory

    return {"": measure}


# The planar problem of the tiny-network table: the exercise's 2-4-1 tanh network, 800 spiral points.
PLANAR = {"hidden": 4, "n_per_class": 400, "random_state": 0}
PLANAR_RATES = {"gd": 1.2, "sgd": 0.5, "adam": 0.01}
PLANAR_MOMENTUM = 0.9


def planar_problem():
    """``(net, theta0, X (800, 2), y (800,))``: the spiral, a 2-4-1 tanh network, the exercise's initial weights.

    The exercise draws its weights from N(0, 0.01^2) and sets the biases to 0 (``init_weights(method="normal")``).
    """
    from ..datasets import make_spirals
    from ..network import Network

    X, y = make_spirals(n_per_class=PLANAR["n_per_class"], random_state=PLANAR["random_state"])
    net = Network([2, PLANAR["hidden"], 1], activation="tanh")
    return net, net.init_weights(method="normal", random_state=0), X, y


def planar_steps(variant, method="gd", steps=200, threads=None):
    """``steps`` steps of ``method`` (gd, sgd, adam) on the planar problem; keys: "".

    ``variant``: "exercise" (the notebook's loop, gd only), "floor" (its steps with every array
    made once and nothing checked, :func:`nnlearn.bench.exercise.run_gd_prepared`, gd only), "nnlearn" (:func:`nnlearn.train`;
    sgd with momentum 0.9 and adam on full batches, one step per epoch, as gd), "PyTorch"
    (the same network, loss and full batch, ``torch.optim.SGD``/``Adam``), "playground" (a
    playground session's own step loop: a 2-8-8-1 tanh network on 500 spiral points, gd).
    Each call returns the cost after the last step.
    """
    net, theta0, X, y = planar_problem()
    learning_rate = PLANAR_RATES[method]
    if variant == "exercise":
        from . import exercise

        _set_threads(threads)
        W1, b1 = net.unpack(theta0)[0][:, 1:].copy(), net.unpack(theta0)[0][:, :1].copy()
        W2, b2 = net.unpack(theta0)[1][:, 1:].copy(), net.unpack(theta0)[1][:, :1].copy()
        parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
        X_columns, Y_row = np.ascontiguousarray(X.T), y[None, :].astype(np.float64)
        return {"": lambda: exercise.run_gd(X_columns, Y_row, parameters, steps, learning_rate)[1][-1]}
    if variant == "floor":
        from . import exercise

        _set_threads(threads)
        Theta1, Theta2 = net.unpack(theta0)
        parameters = {"W1": Theta1[:, 1:], "b1": Theta1[:, :1], "W2": Theta2[:, 1:], "b2": Theta2[:, :1]}
        X_columns, Y_row = np.ascontiguousarray(X.T), y[None, :].astype(np.float64)
        return {"": lambda: exercise.run_gd_prepared(X_columns, Y_row, parameters, steps, learning_rate)[1][-1]}
    if variant == "nnlearn":
        from ..optimize import train

        _set_threads(threads)
        options = dict(method=method, learning_rate=learning_rate, max_iter=steps)
        if method != "gd":
            options.update(batch_size=X.shape[0], momentum=PLANAR_MOMENTUM if method == "sgd" else 0.0)
        return {"": lambda: train(net, theta0, X, y, **options).cost_history[-1]}
    if variant == "playground":
        from ..playground.bench import BENCH_SETTINGS
        from ..playground.session import Session
        from ..playground.settings import Settings

        _set_threads(threads)
        session = Session(Settings().update(BENCH_SETTINGS))

        def run():
            session.train_steps(steps)
            return session.curve.train[-1]

        return {"": run}
    from .torch_models import import_torch, torch_loss, torch_optimizer, torch_thetas

    torch = import_torch()
    _set_torch_threads(threads)
    X_t, Y_t = torch.from_numpy(X), torch.from_numpy(y[:, None].astype(np.float64))
    momentum = PLANAR_MOMENTUM if method == "sgd" else 0.0

    def run_torch():
        Thetas = torch_thetas(theta0, net.layer_sizes)
        optimizer = torch_optimizer(Thetas, method, learning_rate, momentum)
        for _ in range(steps):
            optimizer.zero_grad()
            J = torch_loss(Thetas, X_t, Y_t, 0.0, "tanh", "sigmoid", X.shape[0])
            J.backward()
            optimizer.step()
        return J.item()

    return {"": run_torch}
