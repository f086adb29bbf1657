r"""One browser tab's run: its data, network, weights, optimizer state and history.

A :class:`Session` is plain synchronous Python (the unit tests drive it
without a server); :mod:`nnlearn.playground.server` runs one per tab and
decides when it trains and when it draws. It computes on nnlearn's core:
:class:`nnlearn.core.kernel.Objective` (the rows prepared once; the same numbers as
:func:`~nnlearn.core.kernel.cost_and_gradient`, to the bit) and
:func:`~nnlearn.core.kernel.forward` with a :class:`~nnlearn.core.kernel.Spec`
built from the task,

- classification into 2 classes: one sigmoid output unit and the course's
  cross-entropy :math:`-y \log h - (1 - y) \log(1 - h)`;
- into K > 2 classes: a softmax layer and the categorical cross-entropy;
- regression (when the core has it): an identity output with squared error,

the regularized cost :math:`J = \frac1m \sum \mathrm{loss} + \frac{\alpha}{2m}
\sum W^2` (bias excluded), :class:`~nnlearn.playground.training.FirstOrder`
steps for gd, sgd and Adam, and :func:`nnlearn.core.optimizers.minimize` for
CG, L-BFGS-B and fmincg.

Session methods are called from one thread at a time.
"""

from __future__ import annotations

import math
import tempfile
import time
from pathlib import Path

import numpy as np

from ..core import kernel, optimizers, params
from ..core.losses import one_hot
from . import data as pdata
from . import frames
from .settings import FIRST_ORDER, MAX_PARAMS, MAX_SEED, Settings
from .training import Curve, FirstOrder, Segment

__all__ = ["Session", "ExportError"]

# The most iterations one run of a full-batch method is given (a stop condition or the page ends it sooner).
FULL_BATCH_MAX_ITER = 10**8


class ExportError(ValueError):
    """The run cannot be exported as asked; the message is for the page."""


class Session:
    """A playground run.

    Parameters
    ----------
    settings : Settings or None (the defaults)
    table : nnlearn.playground.data.Table or None, an uploaded file

    Attributes
    ----------
    settings : Settings
    dataset : Dataset or None (None while the settings ask for a file not uploaded yet)
    spec : nnlearn.core.kernel.Spec or None
    theta : ndarray of shape (n_params,), the weights
    iteration : int, steps (gd, sgd, adam) or iterations (CG, L-BFGS-B, fmincg) done
    curve : Curve, the train and test loss history
    status : str, "ready", "running", "paused" or "stopped" (the driver sets running and paused)
    reason : str, why training stopped, or a message about the data or the network
    """

    def __init__(self, settings=None, table=None):
        self.settings = settings if settings is not None else Settings()
        self.table = table
        self.dataset = self.spec = None
        self.theta = np.zeros(0)
        self.status, self.reason = "ready", ""
        self._rebuild()

    # -- settings and data ---------------------------------------------------------------

    def configure(self, values):
        """Apply the settings ``values`` (a dict of URL keys); new data or a new network start over.

        Returns
        -------
        messages : list of str, one per refused value
        """
        new = self.settings.update(values)
        kinds = self.settings.changed(new)
        self.settings = new
        if kinds & {"data", "network"} or self.dataset is None:
            self._rebuild()
        return list(new.messages)

    def load_table(self, table):
        """Use an uploaded file (a :class:`~nnlearn.playground.data.Table`) as the data; start over."""
        self.table = table
        self.settings = self.settings.update({"data": "csv"})
        self._rebuild()

    def _rebuild(self):
        """New data and network from the settings; weights from the weights seed."""
        s = self.settings
        self.dataset = self.spec = None
        self.theta = np.zeros(0)
        try:
            self.dataset = pdata.make_dataset(s, self.table)
        except pdata.DataError as exc:
            self._halt(str(exc))
            return
        ds = self.dataset
        n_inputs = len(s.features) + ds.X.shape[1] - 2
        if ds.task == "regression":
            output, K = "identity", 1
        else:
            output, K = ("sigmoid", 1) if ds.n_classes == 2 else ("softmax", ds.n_classes)
        sizes = (n_inputs, *s.hidden, K)
        if params.n_params(sizes) > MAX_PARAMS:
            self._halt(f"A network of layer sizes {list(sizes)} has {params.n_params(sizes):,} weights; the "
                       f"playground trains at most {MAX_PARAMS:,} to stay responsive. Use fewer units or layers.")
            return
        activation = s.act if len(set(s.act)) > 1 else (s.act[0] if s.act else "tanh")
        self.spec = kernel.Spec(sizes, activation, output)
        self.F_train = pdata.features(ds.X[ds.train], s.features, ds.scaler)
        self.F_test = pdata.features(ds.X[ds.test], s.features, ds.scaler)
        self.Y_train, self.Y_test = self._targets(ds.y[ds.train]), self._targets(ds.y[ds.test])
        # The training and test rows prepared once for the many evaluations of the session.
        self.train_objective = kernel.Objective(self.F_train, self.Y_train, self.spec)
        self.test_objective = kernel.Objective(self.F_test, self.Y_test, self.spec) if len(self.F_test) else None
        mean = None if ds.scaler is None else ds.X[ds.train].mean(axis=0)
        self.surface_inputs = pdata.features(pdata.grid(ds.box, frames.SURFACE_SIZE, ds.X.shape[1], mean),
                                             s.features, ds.scaler)
        self.unit_side = frames.unit_side(sum(s.hidden))
        unit_grid = pdata.grid(ds.box, self.unit_side, ds.X.shape[1], mean)
        self.unit_inputs = pdata.features(unit_grid, s.features, ds.scaler)
        self.input_maps = frames.input_maps(self)
        self.reset()

    def _targets(self, y):
        if self.spec.output == "identity":
            return np.asarray(y, dtype=np.float64).reshape(-1, 1)
        return one_hot(np.asarray(y, dtype=np.intp), self.spec.layer_sizes[-1])

    def _halt(self, message):
        self.status, self.reason = "stopped", message

    @property
    def ready(self):
        """Whether there is a network to train (data loaded, network within bounds)."""
        return self.spec is not None

    # -- the run ------------------------------------------------------------------------------

    def reset(self):
        """Back to iteration 0: the initial weights of the weights seed, an empty history."""
        if self.spec is None:
            return
        self.theta = params.init_weights(self.spec.layer_sizes, "glorot", random_state=self.settings.init)
        self.initial_theta = self.theta.copy()
        self.iteration, self.samples = 0, 0
        self.stepper = None
        self.curve = Curve()
        self.segments = []
        self.best = (math.inf, 0)
        self.status, self.reason = "ready", ""
        self.steps_per_second = 0.0
        self._record()

    @property
    def m(self):
        """Training rows."""
        return self.F_train.shape[0]

    def objective(self, theta, rows=None):
        """``(J, grad)`` on the training rows, or on the mini-batch ``rows`` (regularization scaled by its share)."""
        alpha = self.settings.alpha
        if rows is None:
            return self.train_objective(theta, alpha)
        return self.train_objective(theta, alpha * len(rows) / self.m, rows)

    def losses(self, theta=None):
        """(train loss, test loss) without the regularization term (test: NaN without a test split)."""
        theta = self.theta if theta is None else theta
        train = self.train_objective.cost(theta, 0.0)
        test = self.test_objective.cost(theta, 0.0) if self.test_objective is not None else math.nan
        return train, test

    def _record(self):
        """Add the current losses to the curve and note the best test (or train) loss."""
        train, test = self.losses()
        self.curve.add(self.iteration, train, test)
        watched = test if len(self.F_test) else train
        if watched < self.best[0]:
            self.best = (watched, self.iteration)
        return watched

    def _after_iteration(self):
        """Record if due; the reason to stop (a stop condition), or ""."""
        s = self.settings
        if s.max_iter and self.iteration >= s.max_iter:
            if not self.curve.due(self.iteration):
                self._record()
        if self.curve.due(self.iteration):
            watched = self._record()
            if s.target and watched <= s.target:
                return f"reached the target {'test' if len(self.F_test) else 'train'} loss {s.target:g} ({watched:.4g})"
            if s.patience and self.iteration - self.best[1] >= s.patience:
                return (f"early stopping: the {'test' if len(self.F_test) else 'train'} loss has not improved for "
                        f"{self.iteration - self.best[1]} iterations (best {self.best[0]:.4g} at iteration {self.best[1]})")
        if s.max_iter and self.iteration >= s.max_iter:
            return f"reached max_iter={s.max_iter}"
        return ""

    def limit_reached(self):
        """The reason training may not go on (max_iter reached), or ""."""
        s = self.settings
        return f"reached max_iter={s.max_iter}" if s.max_iter and self.iteration >= s.max_iter else ""

    def _segment(self, kind):
        """The log entry the next step belongs to: the last one if nothing changed, else a new one."""
        s = self.settings
        lr = s.lr if kind in FIRST_ORDER else 0.0
        batch = s.batch if kind in ("sgd", "adam") else 0
        momentum = s.momentum if kind == "sgd" else 0.0
        last = self.segments[-1] if self.segments else None
        fresh = self.stepper is None or self.stepper.method != kind
        if last is not None and not fresh and (last.kind, last.lr, last.batch, last.momentum, last.alpha) == (
                kind, lr, batch, momentum, s.alpha):
            return last
        self.segments.append(Segment(kind, lr, batch, momentum, s.alpha, 0, fresh))
        return self.segments[-1]

    def train_steps(self, max_steps, deadline=None):
        """Up to ``max_steps`` steps of gd, sgd or adam (until ``deadline``, a ``time.perf_counter`` value).

        Returns
        -------
        steps : int, steps done
        stop : str, why training must stop ("" to go on)
        """
        s = self.settings
        if self.limit_reached():
            return 0, self.limit_reached()
        segment = self._segment(s.method)
        if segment.fresh and segment.steps == 0:
            self.stepper = FirstOrder(s.method, self.m, self._batch_seed())
        stepper, batch = self.stepper, min(s.batch, self.m)
        start, steps, stop = time.perf_counter(), 0, ""
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
            while steps < max_steps and not stop:
                rows = stepper.rows(batch if s.method != "gd" else self.m)
                J, grad = self.objective(self.theta, rows)
                theta = stepper.update(self.theta, grad, s.lr, s.momentum)
                if not (np.isfinite(J) and np.all(np.isfinite(theta))):
                    self.stepper = None  # the optimizer's state is lost with the step; a new run starts fresh
                    return steps, (f"diverged at iteration {self.iteration + 1}: the cost or the weights became "
                                   "non-finite; the last finite weights are kept. Lower the learning rate.")
                self.theta = theta
                self.iteration += 1
                self.samples += self.m if rows is None else len(rows)
                segment.steps += 1
                steps += 1
                stop = self._after_iteration()
                if deadline is not None and time.perf_counter() >= deadline:
                    break
        self._measure(steps, start)
        return steps, stop

    def _batch_seed(self):
        """The mini-batch order's seed: the weights seed and the number of fresh starts so far."""
        return [self.settings.init, sum(segment.fresh for segment in self.segments if segment.kind != "edit")]

    def train_full_batch(self, on_iteration=None):
        """Run the settings' CG, L-BFGS-B or fmincg until a stop condition, convergence or ``on_iteration``.

        ``on_iteration()`` is called after every iteration; True ends the run.

        Returns
        -------
        stop : str, why the run ended
        """
        s = self.settings
        if self.limit_reached():
            return self.limit_reached()
        segment = Segment(s.method, alpha=s.alpha)
        self.segments.append(segment)
        self.stepper = None
        reasons = [""]
        start = time.perf_counter()

        def callback(iteration, theta, J):
            self.theta = theta
            self.iteration += 1
            self.samples += self.m
            segment.steps += 1
            reasons[0] = self._after_iteration()
            asked = on_iteration() if on_iteration is not None else False
            return bool(reasons[0]) or bool(asked)

        try:
            result = optimizers.minimize(lambda theta: self.train_objective(theta, s.alpha), self.theta, s.method,
                                         max_iter=FULL_BATCH_MAX_ITER, callback=callback)
        except optimizers.TrainingDiverged as exc:
            self.theta = exc.theta
            return str(exc)
        except ValueError as exc:
            return f"cannot start {s.method}: {exc}"
        self.theta = result.theta
        self._measure(segment.steps, start)
        if reasons[0]:
            return reasons[0]
        if result.message == "stopped by callback":
            return ""
        return f"{s.method} stopped: {result.message}"

    def _measure(self, steps, start):
        elapsed = time.perf_counter() - start
        if steps and elapsed > 0:
            self.steps_per_second = steps / elapsed

    def set_weight(self, layer, row, column, value):
        """Set ``Thetas[layer][row, column]`` (column 0: the bias) to ``value``, as the page's weight editor does.

        Raises
        ------
        ValueError
            If the position is outside the network or ``value`` is not a finite number.
        """
        if not self.ready:
            raise ValueError("there is no network to edit")
        shapes = params.layer_shapes(self.spec.layer_sizes)
        if not all(isinstance(i, int) and not isinstance(i, bool) for i in (layer, row, column)) or not (
                0 <= layer < len(shapes) and 0 <= row < shapes[layer][0] and 0 <= column < shapes[layer][1]):
            raise ValueError(f"no weight at layer {layer!r}, row {row!r}, column {column!r} in a network of "
                             f"weight shapes {shapes}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"a weight must be a finite number; got {value!r}")
        theta = self.theta.copy()
        params.unpack(theta, self.spec.layer_sizes)[layer][row, column] = float(value)
        self.theta = theta
        self.segments.append(Segment("edit", edit=(layer, row, column, float(value)), fresh=False))
        self._record()  # the curve shows the edit's effect at once

    def new_weights_seed(self):
        """Pick the next weights seed and start over (the page's "new weights")."""
        self.settings = self.settings.update({"init": (self.settings.init + 1) % (MAX_SEED + 1)})
        self.reset()

    # -- what the page sees ---------------------------------------------------------------

    @property
    def epoch(self):
        """Passes over the training rows so far."""
        return self.samples / self.m if self.ready else 0.0

    def frame(self, number=0):
        """The page's picture of the run as bytes (see :mod:`nnlearn.playground.frames`)."""
        return frames.encode(self, number)

    def data_message(self):
        """The points, classes and plot extent, as JSON data for the page."""
        return frames.data_message(self)

    def export_model(self):
        """The weights as an nnlearn model file (bytes of the ``.npz``), loadable with :func:`nnlearn.load_model`.

        The file is written by :func:`nnlearn.save_model` into a private
        temporary directory, read back and removed.

        Raises
        ------
        ExportError
            If there is no network.
        """
        from ..model_io import save_model
        from ..network import Network

        if not self.ready:
            raise ExportError("There is no trained network to export: " + (self.reason or "no data."))
        net = Network(self.spec.layer_sizes, activation=self.spec.activation, output=self.spec.output)
        with tempfile.TemporaryDirectory(prefix="nnlearn-playground-") as directory:
            path = Path(directory) / "model.npz"
            save_model(path, net, self.theta)
            return path.read_bytes()

    def export_script(self):
        """A Python script using nnlearn that reproduces this run (see :mod:`nnlearn.playground.script`)."""
        from .script import render

        if not self.ready:
            raise ExportError("There is no run to export: " + (self.reason or "no data."))
        return render(self)
