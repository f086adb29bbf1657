r"""Training that can stop after any step: first-order steps, the loss curve, the run's log.

The page's play / pause / step need an optimizer that advances one step at a
time and keeps its state in between. :class:`FirstOrder` is gd, sgd with
momentum and Adam taken that way, with the update steps of
:func:`nnlearn.core.optimizers.minimize` (whose loops run to the end):
:func:`~nnlearn.core.optimizers.sgd_update` and :func:`~nnlearn.core.optimizers.adam_update`.

.. math::
    \text{gd: } \theta \leftarrow \theta - \eta \nabla J(\theta) \qquad
    \text{sgd: } v \leftarrow \mu v - \eta \nabla J_B(\theta),\ \theta \leftarrow \theta + v

    \text{adam: } m \leftarrow \beta_1 m + (1 - \beta_1) g,\ s \leftarrow \beta_2 s + (1 - \beta_2) g^2,\
    \theta \leftarrow \theta - \eta \frac{m / (1 - \beta_1^t)}{\sqrt{s / (1 - \beta_2^t)} + \epsilon}

where :math:`J_B` is the cost of a mini-batch B with the regularization scaled
by :math:`|B| / m`, so that a pass over the data follows the gradient of J.
One step is one update; a pass (epoch) is :math:`\lceil m / |B| \rceil` steps,
each drawn from a permutation of the training rows by the weights seed.

The full-batch methods (CG, L-BFGS-B, fmincg) are
:func:`nnlearn.core.optimizers.minimize`'s own, one iteration per callback.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..core import optimizers

__all__ = ["FirstOrder", "Curve", "Segment"]


class FirstOrder:
    """gd, sgd (momentum) or adam, one step at a time.

    Parameters
    ----------
    method : {"gd", "sgd", "adam"}
    m : int, training rows
    seed : int, the mini-batch order's seed
    """

    def __init__(self, method, m, seed):
        self.method, self.m = method, m
        self.rng = np.random.default_rng(seed)
        self.order, self.position = None, 0  # this pass's permutation and the next row in it
        self.state = None  # sgd's velocity, Adam's moments and step count (made at the first step)

    def rows(self, batch_size):
        """The next mini-batch's row indices, or None for the full batch (gd, or a batch of all rows)."""
        if self.method == "gd" or batch_size >= self.m:
            return None
        if self.position == 0:
            self.order = self.rng.permutation(self.m)
        rows = self.order[self.position : self.position + batch_size]
        self.position += batch_size
        if self.position >= self.m:
            self.position = 0
        return rows

    def update(self, theta, grad, lr, momentum):
        """The next ``theta`` (a new array) from the gradient ``grad`` at ``theta``: minimize's own steps."""
        if self.method == "gd":
            return theta - lr * grad  # θ ← θ - η ∇J(θ)
        if self.state is None:
            self.state = optimizers.MinibatchState.zeros(theta.size)
        out, scratch = np.empty_like(theta), np.empty_like(theta)
        if self.method == "sgd":
            return optimizers.sgd_update(theta, grad, self.state, lr, momentum, out, scratch)
        return optimizers.adam_update(theta, grad, self.state, lr, out, scratch, np.empty_like(theta))


class Curve:
    """Train and test loss at every ``stride``-th iteration, at most ``capacity`` points.

    When full, every other point is dropped and the stride doubles, so a long
    run keeps its whole shape in bounded memory and the test loss is computed
    less and less often.
    """

    def __init__(self, capacity=1000):
        self.capacity, self.stride = capacity, 1
        self.iterations, self.train, self.test = [], [], []

    def due(self, iteration):
        return iteration % self.stride == 0

    def add(self, iteration, train_loss, test_loss):
        self.iterations.append(iteration)
        self.train.append(train_loss)
        self.test.append(test_loss)
        if len(self.iterations) >= self.capacity:
            self.iterations, self.train, self.test = self.iterations[::2], self.train[::2], self.test[::2]
            self.stride *= 2

    def __len__(self):
        return len(self.iterations)

    def array(self):
        """(3, n) float64: iterations, train loss, test loss (NaN without a test split)."""
        return np.array([self.iterations, self.train, self.test], dtype=np.float64).reshape(3, -1)


@dataclass
class Segment:
    """One stretch of training with fixed settings, as the exported script replays it.

    ``kind`` is a method name or "edit" (one weight set by hand: ``edit`` =
    (layer, row, column, value)); ``fresh`` says whether the optimizer's state
    started anew (a new method, a restart after divergence).
    """

    kind: str
    lr: float = 0.0
    batch: int = 0
    momentum: float = 0.0
    alpha: float = 0.0
    steps: int = 0
    fresh: bool = True
    edit: tuple = field(default=())
