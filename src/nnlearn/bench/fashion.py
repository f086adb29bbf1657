r"""The Fashion-MNIST race: training time to a test accuracy, nnlearn against PyTorch and scikit-learn.

Each system trains a 784-100-10 network (relu hidden units, softmax output, the
same L2 term :math:`\frac{\alpha}{2m}\sum W^2` on the weights, not the biases)
on the 60,000 training images, in float32, in a child process of its own, one
system after the other; the test accuracy on the 10,000 test images is measured
after every epoch (every iteration for L-BFGS), with the clock stopped. The
table gives the training time until the test accuracy first reached the target
(85 %), interpolated linearly between the two measurements around it, and the
best accuracy within the time budget; ``nnlearn bench --tables fashion
--figure PATH`` also draws the curves (test accuracy against training time).

Recipes, each the system's own well-tuned way: batch size and learning rate
are the fastest to 85 % of the grid (64, 1e-3), (128, 1e-3), (128, 2e-3),
(256, 2e-3), (256, 3e-3), (512, 3e-3), (512, 5e-3), four epochs each, for every
Adam system, on one thread (:data:`RECIPES`) and with threads as users run them
(:data:`THREADED_RECIPES`, where the best differs). Seconds to 85 % of one such
grid, issue 15's second session (load 1.0-1.3; nnlearn then still computed the
exact J(theta0)):

- one thread: nnlearn (256, 3e-3) 0.56, next (512, 5e-3) 0.58; scikit-learn
  (256, 3e-3) 0.55, next (256, 2e-3) 0.57; PyTorch (128, 2e-3) 0.75, next
  (256, 3e-3) 0.83;
- threads as users run them: nnlearn (512, 5e-3) 0.44 (two blocks of rows a
  step, so nnlearn's two threads share each step), next (512, 3e-3) 0.44;
  scikit-learn (256, 3e-3) 0.51, next (512, 5e-3) 0.55; PyTorch (512, 3e-3)
  0.54, next (512, 5e-3) 0.55 and (128, 2e-3) 0.57, but three more rounds of
  (128, 2e-3), (256, 3e-3), (512, 3e-3) and (512, 5e-3) gave medians of
  0.60-0.65 s for all four (PyTorch on two threads varies by 0.55-0.78 s from
  run to run): PyTorch keeps its one-thread recipe.

The systems:

- nnlearn: :func:`nnlearn.train` with Adam on mini-batches, float32 X (the
  kernel then computes in float32, Adam's state is float32), its own threads
  chosen per evaluation, and ``pass_cost="batches"``: each epoch records the
  mean of its batch costs, as scikit-learn's ``loss_curve_`` does, instead of J
  of the 60,000 images after it (and J(theta0) is the first batch's cost);
- nnlearn, exact J per pass: the same with the default history, J of all
  60,000 images at the start and after every epoch: one more forward pass over
  the data each, about a third of an epoch's work (95 ms against 280 ms of
  steps on one thread);
- nnlearn L-BFGS-B: the same network on the full batch, float32;
- PyTorch: ``nn.Sequential(Linear, ReLU, Linear)``, ``torch.optim.Adam`` on
  mini-batches drawn by ``torch.randperm``, ``torch.set_num_threads`` at the
  cores this process may use;
- scikit-learn: ``MLPClassifier(solver="adam")``, one ``partial_fit`` per epoch
  (its Adam state goes on), and ``MLPClassifier(solver="lbfgs")`` fitted anew
  with more and more iterations (it has no callback); its alpha is scaled so
  that its penalty (divided by the batch size) equals the others'.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

__all__ = ["RECIPES", "THREADED_RECIPES", "TARGET", "fashion_race", "time_to", "plot_curves"]

TARGET = 0.85
_held = []  # thread limits kept for the child's life
ALPHA = 1.0  # nnlearn's alpha: the penalty alpha / (2 m) * sum W^2, m = 60,000
RECIPES = {
    "nnlearn": {"method": "adam", "batch_size": 256, "learning_rate": 3e-3, "pass_cost": "batches"},  # the grid's best
    "nnlearn, exact J per pass": {"method": "adam", "batch_size": 256, "learning_rate": 3e-3},  # the default history
    "nnlearn L-BFGS-B": {"method": "L-BFGS-B"},
    "PyTorch": {"batch_size": 128, "learning_rate": 2e-3},  # its best of the same grid
    "scikit-learn adam": {"batch_size": 256, "learning_rate": 3e-3},  # its best of the same grid
    "scikit-learn lbfgs": {"max_iter": (10, 20, 40, 80, 160, 320)},
}
# The grid's best with threads as users run them, where it differs from the one-thread best.
THREADED_RECIPES = {
    "nnlearn": {"batch_size": 512, "learning_rate": 5e-3},
    "nnlearn, exact J per pass": {"batch_size": 512, "learning_rate": 5e-3},
}


def _data():
    from ..datasets import load_fashion_mnist

    X, y = load_fashion_mnist("train", dtype="float32")
    X_test, y_test = load_fashion_mnist("test", dtype="float32")
    return X, y, X_test, y_test


class _Clock:
    """Training time: wall time from start, less the time spent measuring (``paused``)."""

    def __init__(self):
        self.start, self.paused = time.perf_counter(), 0.0

    def now(self):
        return time.perf_counter() - self.start - self.paused

    def pause(self):
        return _Pause(self)

    def mark(self, points, accuracy, iteration, seconds):
        """Append ``(training s, accuracy(), iteration)`` to ``points``, the clock stopped while ``accuracy()``
        runs; True once the training time has reached ``seconds`` (the race's time budget)."""
        now = self.now()
        with self.pause():
            points.append((now, accuracy(), iteration))
        return now >= seconds


class _Pause:
    def __init__(self, clock):
        self.clock = clock

    def __enter__(self):
        self.t0 = time.perf_counter()

    def __exit__(self, *exc):
        self.clock.paused += time.perf_counter() - self.t0
        return False


def fashion_race(system, seconds=60.0, epochs=20, threads=None):
    """``{"": run}``, ``run()`` -> ``{"points": [(training s, test accuracy, epochs or iterations)], "recipe": str}``.

    Runs in a child process (:mod:`nnlearn.bench.workers`): training stops when its
    clock passes ``seconds`` or after ``epochs`` epochs (L-BFGS: 50 iterations per epoch).
    """
    recipe = {**RECIPES[system], **(THREADED_RECIPES.get(system, {}) if threads is None else {})}
    if threads is not None and not system.startswith("PyTorch"):
        from threadpoolctl import threadpool_limits

        _held.append(threadpool_limits(limits=threads, user_api="blas"))  # scikit-learn's products, and SciPy's
    runner = {"nnlearn": _nnlearn, "nnlearn, exact J per pass": _nnlearn, "nnlearn L-BFGS-B": _nnlearn,
              "PyTorch": _torch, "scikit-learn adam": _sklearn_adam, "scikit-learn lbfgs": _sklearn_lbfgs}[system]
    return {"": lambda: runner(recipe, seconds, epochs, threads)}


def _nnlearn(recipe, seconds, epochs, threads):
    from ..core import kernel
    from ..network import Network
    from ..optimize import train

    if threads is not None:
        kernel.BLAS_THREADS = threads
    X, y, X_test, y_test = _data()
    net = Network([784, 100, 10], activation="relu", output="softmax")
    theta0 = net.init_weights(method="glorot", random_state=0)
    clock, points = _Clock(), []

    def accuracy(theta):
        return float(np.mean(kernel.predict(kernel.forward(theta, X_test, net.spec)) == y_test))

    def on_iteration(iteration, theta, J):
        return clock.mark(points, lambda: accuracy(theta), iteration, seconds)

    points.append((0.0, accuracy(theta0), 0))
    clock = _Clock()
    method = recipe.pop("method")
    max_iter = epochs if method == "adam" else 50 * epochs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        train(net, theta0, X, y, alpha=ALPHA, method=method, max_iter=max_iter, random_state=0,
              callback=on_iteration, **recipe)
    batch = f"batches of {recipe['batch_size']}, learning rate {recipe['learning_rate']:g}" if method == "adam" else \
        "full batch"
    if method == "adam":
        batch += (", pass_cost='batches' (each epoch records its mean batch cost)"
                  if recipe.get("pass_cost") == "batches" else ", J of the 60,000 images after each epoch (the default)")
    return {"points": points, "recipe": f"nnlearn.train(method={method!r}), {batch}, float32, alpha {ALPHA:g}"}


def _torch(recipe, seconds, epochs, threads):
    import torch

    from ..core import threads as core_threads

    torch.set_num_threads(threads or core_threads.available_cores())
    torch.manual_seed(0)
    X, y, X_test, y_test = (torch.from_numpy(a) for a in _data())
    model = torch.nn.Sequential(torch.nn.Linear(784, 100), torch.nn.ReLU(), torch.nn.Linear(100, 10))
    weights = [model[0].weight, model[2].weight]
    optimizer = torch.optim.Adam(model.parameters(), lr=recipe["learning_rate"])
    m, batch = X.shape[0], recipe["batch_size"]

    def accuracy():
        with torch.no_grad():
            return float((model(X_test).argmax(dim=1) == y_test).float().mean())

    points = [(0.0, accuracy(), 0)]
    clock = _Clock()
    for epoch in range(1, epochs + 1):
        order = torch.randperm(m)
        for start in range(0, m, batch):
            rows = order[start : start + batch]
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(X[rows]), y[rows])
            loss = loss + ALPHA / (2 * m) * sum((W * W).sum() for W in weights)  # alpha / (2m) sum W^2
            loss.backward()
            optimizer.step()
        if clock.mark(points, accuracy, epoch, seconds):
            break
    return {"points": points, "recipe": f"torch.optim.Adam, batches of {batch}, learning rate "
            f"{recipe['learning_rate']:g}, float32, {torch.get_num_threads()} threads"}


def _sklearn_adam(recipe, seconds, epochs, threads):
    from sklearn.neural_network import MLPClassifier

    X, y, X_test, y_test = _data()
    batch = recipe["batch_size"]
    clf = MLPClassifier(hidden_layer_sizes=(100,), activation="relu", solver="adam", batch_size=batch,
                        learning_rate_init=recipe["learning_rate"], alpha=ALPHA * batch / X.shape[0],
                        random_state=0, shuffle=True)
    classes = np.arange(10)
    points, clock = [], _Clock()
    for epoch in range(1, epochs + 1):
        clf.partial_fit(X, y, classes=classes)  # one pass over the data; Adam's state goes on
        if clock.mark(points, lambda: float(np.mean(clf.predict(X_test) == y_test)), epoch, seconds):
            break
    return {"points": points, "recipe": f"MLPClassifier(solver='adam'), partial_fit per epoch, batches of {batch}, "
            f"learning rate {recipe['learning_rate']:g}, float32"}


def _sklearn_lbfgs(recipe, seconds, epochs, threads):
    from sklearn.neural_network import MLPClassifier

    X, y, X_test, y_test = _data()
    points, spent = [], 0.0
    for max_iter in recipe["max_iter"]:
        clf = MLPClassifier(hidden_layer_sizes=(100,), activation="relu", solver="lbfgs", alpha=ALPHA,
                            max_iter=max_iter, random_state=0)
        clock = _Clock()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ConvergenceWarning: max_iter is the point
            clf.fit(X, y)
        took = clock.now()
        points.append((took, float(np.mean(clf.predict(X_test) == y_test)), max_iter))
        spent += took
        if spent >= seconds:
            break
    return {"points": points, "recipe": "MLPClassifier(solver='lbfgs') fitted anew with max_iter = "
            f"{', '.join(str(p[2]) for p in points)} (no callback), float32"}


def time_to(points, target=TARGET):
    """``(seconds, epochs)`` at which the test accuracy first reached ``target``, interpolated; (None, None) if never.

    ``points`` are ``(training seconds, accuracy, epochs)``; between the last point
    below the target and the first at or above it, time and epochs are interpolated
    linearly.
    """
    for (t0, a0, e0), (t1, a1, e1) in zip(points, points[1:]):
        if a0 < target <= a1:
            share = (target - a0) / (a1 - a0)
            return t0 + share * (t1 - t0), e0 + share * (e1 - e0)
    if points and points[0][1] >= target:
        return points[0][0], points[0][2]
    return None, None


def plot_curves(results, path, target=TARGET, title=None):
    """Test accuracy against training time for each system (``results``: name -> race result), saved as a PNG.

    Two panels: the first seconds, where the mini-batch systems reach the target (up to
    three times the first time to it, at least 2 s), and the whole run. Drawn on a
    matplotlib ``Figure`` of its own (no pyplot).
    """
    from matplotlib.figure import Figure

    reached = [time_to(result["points"], target)[0] for result in results.values()]
    first = min((t for t in reached if t is not None), default=None)
    zoom = max(2.0, 3 * first) if first is not None else None
    fig = Figure(figsize=(10, 4.5), dpi=110)
    axes = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.4]})
    for ax, right in zip(axes, (zoom, None)):
        for name, result in results.items():
            t, acc = zip(*[(p[0], p[1]) for p in result["points"]])
            ax.plot(t, np.array(acc) * 100, marker="o", markersize=3, label=name)
        ax.axhline(100 * target, color="gray", linestyle="--", linewidth=1)
        ax.set_xlabel("training time, s (test evaluations excluded)")
        ax.set_ylim(70, 92)
        ax.set_xlim(0, right)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("test accuracy, %")
    axes[0].set_title(f"the first {zoom:.3g} s" if zoom is not None else "")
    axes[1].set_title("the whole run")
    axes[1].legend(loc="lower right")
    fig.suptitle(title or "Fashion-MNIST, 784-100-10")
    fig.tight_layout()
    fig.savefig(path)
    return path
