r"""The kernel: the regularized cost, its gradient by backpropagation, and the forward pass.

Notation (the course's, 0-based in code): ``L`` layers of sizes
``s_1 .. s_L``; ``A[0] = X`` (m, s_1); for each layer

.. math::
    z^{(l+1)} = \Theta^{(l)} [1; a^{(l)}], \qquad a^{(l+1)} = g(z^{(l+1)})

with ``Thetas[l]`` of shape (s_{l+1}, s_l + 1), column 0 the bias. The
regularized cost is

.. math::
    J(\Theta) = \frac{1}{m} \sum_{i=1}^m \sum_{k=1}^K \mathrm{loss}(z^{(L)}_{ik}, y_{ik})
        + \frac{\alpha}{2m} \sum_l \sum_{j, k \ge 1} \left(\Theta^{(l)}_{jk}\right)^2

where ``alpha`` is the course's :math:`\lambda` and the bias column is not regularized.
With sample weights :math:`w_i \ge 0` (``sample_weight``) the sums over examples
are weighted and :math:`S = \sum_i w_i` takes the place of m, as in
scikit-learn's MLP (1.7 and later):

.. math::
    J_w(\Theta) = \frac{1}{S} \sum_{i=1}^m w_i \sum_{k=1}^K \mathrm{loss}(z^{(L)}_{ik}, y_{ik})
        + \frac{\alpha}{2S} \sum_l \sum_{j, k \ge 1} \left(\Theta^{(l)}_{jk}\right)^2

so integer weights equal repeating rows, and a zero weight equals dropping the row.

Nothing here validates: the doors (:class:`nnlearn.Network`, :func:`nnlearn.train`,
the estimator) check the arguments once and call these functions with
``theta`` a float64 vector of ``spec.n_params`` entries, ``X`` a C-contiguous
float64 or float32 array of shape (m, s_1), ``Y`` a float64 array of shape
(m, K) (0/1 for sigmoid and softmax outputs, real for identity), ``alpha`` a
float >= 0 and ``sample_weight`` None or a float64 array of shape (m,) of
weights >= 0 with a positive sum.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import params, threads
from .activations import ACTIVATIONS
from .losses import OUTPUTS

__all__ = ["Spec", "cost_and_gradient", "cost", "Objective", "forward", "predict", "blocks", "block_sums", "BLOCK_ROWS",
           "BLOCK_WORK", "MIN_BLOCK_ROWS", "BLAS_THREADS", "PREPARED_BYTES"]

# How the rows are cut into blocks (:func:`blocks`). The number of blocks depends only on m,
# the layer sizes and the dtype, never on the threads, so the sums, added in block order,
# have the same last bits on any number of threads. A block holds about BLOCK_WORK
# multiply-adds in float64 (one example costs 3 per weight: forward, backward, gradient):
# for the course's network, 6 blocks of 833 digits. Measured on the 2-core machine the
# project is built on: one thread took 5.6 ms with blocks of 500 digits, 6.1 ms with 1000
# and 8.8 ms with one block of 5000 (cache); two threads need longer blocks, whose
# elementwise passes are long enough to run while the other thread holds the GIL (two
# threads on (25, 500) arrays took 0.84x the time of one, on (25, 2500) 0.63x).
BLOCK_WORK = 2**25
MIN_BLOCK_ROWS = 128  # below it BLAS multiplies thin matrices slowly
BLOCK_ROWS = 8192  # the most rows of a block: its activations are the extra memory of a thread
# Threads the kernel computes with: its own (nnlearn.core.threads.run_tasks), each
# running NumPy's BLAS on one thread. None chooses them per evaluation from the
# blocks and the cores this process may use and other processes leave idle
# (nnlearn.core.threads.choose_threads); a number forces that many (at most one per block).
# The results are the same to the last bit either way.
BLAS_THREADS = None


@dataclass(frozen=True)
class Spec:
    """What the kernel needs to know of a network: its layer sizes, hidden activation and output.

    Attributes
    ----------
    layer_sizes : tuple of int, ``(s_1, ..., s_L)``
    activation : str, a key of :data:`nnlearn.core.activations.ACTIVATIONS`, for every hidden
        layer; or a tuple of L - 2 such keys, one per hidden layer (``activation[l - 1]`` is
        layer l + 1's, 1-based as in the course)
    output : str, a key of :data:`nnlearn.core.losses.OUTPUTS`
    """

    layer_sizes: tuple
    activation: str = "sigmoid"
    output: str = "sigmoid"

    @cached_property
    def n_params(self):
        r""":math:`\sum_l s_{l+1} (s_l + 1)`."""
        return params.n_params(self.layer_sizes)

    @property
    def g(self):
        """The hidden layers' :class:`~nnlearn.core.activations.Activation` (one ``activation`` for all)."""
        return ACTIVATIONS[self.activation]

    @property
    def gs(self):
        """Each hidden layer's :class:`~nnlearn.core.activations.Activation`: a tuple of L - 2.

        Looked up on each use, never stored: a Spec pickles as its three fields.
        """
        return _hidden_activations(self.activation, len(self.layer_sizes) - 2)

    @property
    def h(self):
        """The output layer's :class:`~nnlearn.core.losses.Output` (activation and loss)."""
        return OUTPUTS[self.output]


def cost_and_gradient(theta, X, Y, alpha, spec, sample_weight=None):
    r"""J and dJ/dtheta by backpropagation.

    Parameters
    ----------
    theta : ndarray of shape (n_params,), float64
    X : ndarray of shape (m, s_1), float64 or float32 (float32 is computed in
        float32; J and the gradient are accumulated and returned in float64; a
        block whose float32 numbers overflow is computed again in float64)
    Y : ndarray of shape (m, K), 0/1 targets (real targets for the identity output)
    alpha : float >= 0, the course's lambda
    spec : Spec
    sample_weight : ndarray of shape (m,), float64, or None
        Weights >= 0 of the examples (positive sum): the weighted J of the
        module docstring. None is every weight 1 (and computes exactly as
        without the argument).

    Returns
    -------
    J : float
    grad : ndarray of shape (n_params,), float64, in ``theta``'s layout

    Non-finite values (weights too large even for float64) are returned as they
    are: the optimizers treat them as a step too long or a divergence, and the
    doors report them (:func:`nnlearn._validation.check_result`).

    Notes
    -----
    The same numbers as the textbook vectorized backpropagation,
    :func:`nnlearn.core.reference.cost_and_gradient_plain` (tests check 1e-12),
    organized for speed and bounded memory:

    - J and the gradient are sums over examples: the rows are cut into equal
      :func:`blocks` whose sums (:func:`block_sums`) are added up in block
      order, so the extra memory is one block's activations per thread,
      whatever m is. Threads of nnlearn's own take the blocks one by one
      (``BLAS_THREADS``; NumPy's BLAS runs on one thread inside), and the
      result does not depend on their number.
    - Inside a block, one example per column, as in the course's equations
      (:math:`z = \Theta a`): the product with X is ``W @ X_block.T``, which
      BLAS computes faster than ``X_block @ W.T``, and the row sums run along
      contiguous rows. The gradient's product with X is made as its transpose,
      :math:`x \delta^T` of shape (s_1, s_2), which OpenBLAS writes faster than
      :math:`\delta x^T` (measured here for a float64 block of 833 digits: 377
      against 426 microseconds, the transposed copy included).
    - The hidden activations carry the bias unit as a row of ones,
      :math:`[1; a]`, so that :math:`z = \Theta [1; a]` and the gradient
      :math:`\sum \delta [1; a]^T` are one product each, written straight into
      the gradient's layout. X gets no ones column (that would copy the data):
      :math:`\Theta^{(1)} [1; x] = W^{(1)} x + b^{(1)}`, and its bias gradient is
      the sum of :math:`\delta^{(2)}` over the examples. (:class:`Objective`
      prepares a small X with its ones row once for a whole training run.)
    - The loss and :math:`\delta^{(L)} = h - y` come from one pass over the
      logits (:attr:`~nnlearn.core.losses.Output.loss_and_delta`).
    - In float64 the weights are used where they are, as views of ``theta``.
    """
    return _evaluate(theta, alpha, spec, _data(X, Y, sample_weight), need_gradient=True)


def cost(theta, X, Y, alpha, spec, sample_weight=None):
    """The regularized cost J alone (no backward pass); see :func:`cost_and_gradient`."""
    return _evaluate(theta, alpha, spec, _data(X, Y, sample_weight), need_gradient=False)[0]


class Objective:
    r"""J and its gradient on fixed data, for the many evaluations of a training run.

    Parameters
    ----------
    X : ndarray of shape (m, s_1), float64 or float32, C-contiguous
    Y : ndarray of shape (m, K)
    spec : Spec
    sample_weight : ndarray of shape (m,) or None

    Calling ``objective(theta, alpha)`` gives :func:`cost_and_gradient`'s
    ``(J, grad)`` on all rows, and ``objective(theta, alpha, rows)`` on the rows
    ``rows`` (an index array), the same numbers to the last bit as
    ``cost_and_gradient(theta, X[rows], Y[rows], alpha, spec, sample_weight[rows])``
    (tests check both).

    Notes
    -----
    What :func:`cost_and_gradient` prepares on every call is prepared here once.
    Small data (at most :data:`PREPARED_BYTES`) are used one example per
    column with X's ones row, :math:`[1; x]`: then :math:`\Theta^{(1)} [1; x]`
    and its gradient :math:`\sum \delta^{(2)} [1; x]^T` are one product each.
    That is much of an evaluation's work for a network of a few units. When
    all rows are one block in float64 (a tiny network's data: the planar
    exercise's, the playground's), an evaluation on all rows reuses the
    activations' memory, made once (:class:`_Plan`): a gradient step of the
    exercise's 2-4-1 network is a few microseconds of NumPy calls, and little else.
    """

    def __init__(self, X, Y, spec, sample_weight=None):
        self.spec = spec
        self.data = _data(X, Y, sample_weight)
        self.plan = _Plan(self.data, spec) if _Plan.fits(self.data, spec) else None

    def __call__(self, theta, alpha, rows=None):
        if rows is None and self.plan is not None:
            return self.plan(theta, alpha, need_gradient=True)
        data = self.data if rows is None else self.data.subset(rows)
        return _evaluate(theta, alpha, self.spec, data, need_gradient=True)

    def cost(self, theta, alpha, rows=None):
        """J alone."""
        if rows is None and self.plan is not None:
            return self.plan(theta, alpha, need_gradient=False)[0]
        data = self.data if rows is None else self.data.subset(rows)
        return _evaluate(theta, alpha, self.spec, data, need_gradient=False)[0]


# Data of at most this many bytes (X with its ones row and Y, one example per column) are
# copied into that layout (by cost_and_gradient on each call, by an Objective once).
PREPARED_BYTES = 2**16


def _data(X, Y, sample_weight):
    """The examples as the kernel takes them: one per column with X's ones row if small, else as they are."""
    rows = _Rows(X, Y, sample_weight)
    return _Columns.of(rows) if X.shape[0] * (X.shape[1] + 1 + Y.shape[1]) * X.itemsize <= PREPARED_BYTES else rows


class _Rows:
    """Examples as the caller holds them: X (m, s_1) and Y (m, K) row by row, weights or None."""

    def __init__(self, X, Y, sample_weight):
        self.X, self.Y, self.w = X, Y, sample_weight
        self.m, self.dtype = X.shape[0], X.dtype
        self.S = self.m if sample_weight is None else float(np.sum(sample_weight))  # the normalizer

    def block(self, start, stop):
        """``(x, y, w)`` of rows start:stop: x (s_1, mb) and y (K, mb) one example per column, w (mb,) or None."""
        x = aligned(self.X[start:stop]).T  # a view
        y = np.ascontiguousarray(self.Y[start:stop].T, dtype=self.dtype)  # one block's copy: memory stays bounded
        return x, y, None if self.w is None else self.w[start:stop]

    def subset(self, rows):
        """The examples ``rows`` (an index array). Their X and Y are gathered into this thread's
        scratch buffers (:func:`_scratch`): the subset is valid until the next one in the same thread."""
        # (mode "wrap": indices in [-m, m) as X[rows] takes them, without take's bounds-checking copy)
        X = np.take(self.X, rows, axis=0, mode="wrap",
                    out=_scratch("subset X", (len(rows), self.X.shape[1]), self.X.dtype))
        Y = np.take(self.Y, rows, axis=0, mode="wrap",
                    out=_scratch("subset Y", (len(rows), self.Y.shape[1]), self.Y.dtype))
        return _data(X, Y, None if self.w is None else self.w[rows])


class _Columns(_Rows):
    """Examples one per column: ``X1 = [1; x]`` (s_1 + 1, m) and ``Y_T`` (K, m) in X's dtype."""

    def __init__(self, X1, Y_T, sample_weight):
        self.X1, self.Y_T, self.w = X1, Y_T, sample_weight
        self.m, self.dtype = X1.shape[1], X1.dtype
        self.S = self.m if sample_weight is None else float(np.sum(sample_weight))

    @classmethod
    def of(cls, rows):
        X1 = np.empty((rows.X.shape[1] + 1, rows.m), rows.dtype)
        X1[0] = 1.0  # the bias unit
        X1[1:] = rows.X.T
        return cls(X1, np.ascontiguousarray(rows.Y.T, dtype=rows.dtype), rows.w)

    def block(self, start, stop):
        return self.X1[:, start:stop], self.Y_T[:, start:stop], None if self.w is None else self.w[start:stop]

    def subset(self, rows):
        return _Columns(self.X1[:, rows], self.Y_T[:, rows], None if self.w is None else self.w[rows])


def blocks(m, spec, dtype=np.float64):
    """The blocks of rows of an evaluation: a tuple of ``(start, stop)``, equal sizes (differing by one at most).

    A block has about ``BLOCK_WORK`` multiply-adds in float64 (3 per weight and
    example; twice as many in float32, which BLAS multiplies twice as fast), and
    between ``MIN_BLOCK_ROWS`` and ``BLOCK_ROWS`` rows. More than one block come in an
    even number, so that two threads share them equally. The blocks depend on m,
    the layer sizes and the dtype only.
    """
    return _blocks(m, tuple(spec.layer_sizes), BLOCK_WORK * 8 // np.dtype(dtype).itemsize, MIN_BLOCK_ROWS, BLOCK_ROWS)


@functools.lru_cache(maxsize=256)
def _blocks(m, layer_sizes, work, min_rows, max_rows):
    per_row = 3 * sum(fan_in * fan_out for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]))
    rows = min(max(min_rows, work // max(per_row, 1)), max_rows)
    n = -(-m // rows)
    n = min(n + n % 2, m) if n > 1 else 1  # an even number of blocks
    return tuple((m * i // n, m * (i + 1) // n) for i in range(n))


@functools.lru_cache(maxsize=256)
def _layout(layer_sizes):
    """``(offsets, weights)``: params.layer_offsets, and a float64 mask of ``theta``: 1 on weights, 0 on biases."""
    offsets = params.layer_offsets(layer_sizes)
    weights = np.ones(params.n_params(layer_sizes))
    for start, end, shape in offsets:
        weights[start:end].reshape(shape)[:, 0] = 0.0
    weights.flags.writeable = False
    return offsets, weights


# OpenBLAS multiplies a product of m n k <= 2^16 * 4 multiply-adds (its GEMM_MULTITHREAD_THRESHOLD,
# 4 by default) on one thread whatever its setting; nnlearn counts on a quarter of that.
ONE_THREAD_PRODUCT = 2**16


def _blas_limit(spec, rows, n_blocks=1):
    """The limit on NumPy's BLAS threads for an evaluation in blocks of ``rows`` examples: 1, or None.

    None (the pool is left alone; setting and restoring it costs microseconds) when there is one
    block and its largest product is small enough for one thread anyway.
    """
    sizes = spec.layer_sizes
    largest = max(s_out * (s_in + 1) for s_in, s_out in zip(sizes[:-1], sizes[1:])) * rows
    return None if n_blocks == 1 and largest <= ONE_THREAD_PRODUCT else 1


def _threads(n_blocks):
    return threads.choose_threads(n_blocks) if BLAS_THREADS is None else max(1, min(BLAS_THREADS, n_blocks))


def _evaluate(theta, alpha, spec, data, need_gradient):
    offsets, weights = _layout(tuple(spec.layer_sizes))
    Thetas = [theta[start:end].reshape(shape) for start, end, shape in offsets]  # views of theta
    Thetas_x = Thetas if data.dtype == np.float64 else _in_dtype(theta, data.dtype, offsets)

    def block(rows):
        x, y, w = data.block(*rows)
        J_block, Delta = block_sums(Thetas_x, x, y, spec, need_gradient, w)
        if data.dtype != np.float64 and not _all_finite(J_block, Delta):  # float32 overflowed: redo in float64
            J_block, Delta = block_sums(Thetas, x, y.astype(np.float64), spec, need_gradient, w)
        return J_block, Delta

    parts = blocks(data.m, spec, data.dtype)
    # Every BLAS call here runs on one thread, the dot product below too: a multi-threaded one
    # waits for a descheduled thread when other processes are busy.
    with threads.numpy_blas_limited(_blas_limit(spec, parts[0][1], len(parts))), _quiet_if_float32(data.dtype):
        if len(parts) == 1:
            J_sum, Delta = block(parts[0])
        else:
            J_sum, Delta = threads.run_tasks(lambda i: block(parts[i]), len(parts), _threads(len(parts)), fold=_add)
        return _regularized(J_sum, Delta, theta, alpha, data.S, weights)


def _regularized(J_sum, Delta, theta, alpha, S, weights, in_place=True):
    """``(J, grad)`` from the sums over the examples: divided by S and the regularization term added.

    D(l) = Δ(l) / S + (α/S) Θ(l) off the bias column (S = m without weights); ``weights`` is
    :func:`_layout`'s mask. Regularization skips the bias column, and alpha = 0 adds nothing,
    even to huge weights. ``Delta`` (None for J alone) becomes the gradient, in place (or,
    with ``in_place=False``, in a new array: a :class:`_Plan`'s Delta is its buffer).
    """
    # r: Θ with its bias column zeroed, in a reused buffer; (n_params,)
    r = np.multiply(theta, weights, out=_scratch("L2", theta.shape, theta.dtype)) if alpha != 0 else None
    J = J_sum / S + (alpha / (2 * S) * float(r @ r) if alpha != 0 else 0.0)
    if Delta is None:
        return J, None
    grad = np.divide(Delta, S, out=Delta if in_place else None)
    if alpha != 0:
        r *= alpha / S
        grad += r
    return J, grad


def _add(a, b):
    """The sums of two blocks, added (in place into ``a``)."""
    J_a, Delta_a = a
    J_b, Delta_b = b
    if Delta_a is not None:
        Delta_a += Delta_b
    return J_a + J_b, Delta_a


def _with_bias_unit(s, mb, dtype):
    """An (s + 1, mb) array whose row 0 is the bias unit, 1; rows 1.. are for s units' activations."""
    A = np.empty((s + 1, mb), dtype)
    A[0] = 1.0
    return A


class _Buffers:
    r"""The memory of :func:`block_sums` on a block of ``mb`` examples: made per block, or once by a :class:`_Plan`.

    ``A[l]`` (l >= 1) holds :math:`[1; a^{(l+1)}]` (its bias row set here), ``Z`` the
    output logits (K, mb), ``back[l]`` (l >= 1) the product :math:`\Theta^{(l)T} \delta^{(l+1)}`
    that becomes :math:`\delta^{(l)}`, all in the dtype computed in; ``Delta`` (n_params,),
    float64, the gradient's sums, and ``D`` its views in each layer's shape.
    """

    def __init__(self, layer_sizes, mb, dtype):
        self.mb, self.dtype = mb, dtype
        hidden = layer_sizes[1:-1]
        self.A = [None] + [_with_bias_unit(s, mb, dtype) for s in hidden]
        self.Z = np.empty((layer_sizes[-1], mb), dtype)
        self.back = [None] + [np.empty((s, mb), dtype) for s in hidden]
        offsets, _ = _layout(layer_sizes)
        self.Delta = np.empty(offsets[-1][1])
        self.D = [self.Delta[start:end].reshape(shape) for start, end, shape in offsets]

    @cached_property
    def ones(self):
        r"""(mb,) ones: sums over the block's examples by a product, :math:`\sum \delta = \delta \mathbf{1}`
        (2 against 10 microseconds for :math:`\delta^{(2)}` of the digits' float32 block of 1250).
        Made when first asked for: only X without its ones row needs it."""
        return np.ones(self.mb, self.dtype)


class _Plan:
    """:class:`Objective`'s evaluation on all rows when they are one block of float64 columns.

    Everything an evaluation needs besides ``theta`` is made once: the blocks'
    buffers (:class:`_Buffers`), the layout, and the weights' views of the
    last two ``theta`` arrays seen (an optimizer that alternates two arrays finds
    them made). The numbers are :func:`_evaluate`'s to the last bit: the same
    :func:`block_sums` and :func:`_regularized` on the same arrays. Threads that
    share an objective take turns (a lock), since they would share the buffers.
    """

    @staticmethod
    def fits(data, spec):
        """Whether ``data`` (prepared by :func:`_data`) are columns in float64 that make one block."""
        return isinstance(data, _Columns) and data.dtype == np.float64 and len(blocks(data.m, spec)) == 1

    def __init__(self, data, spec):
        self.spec, self.data = spec, data
        self.x, self.y, self.w = data.block(0, data.m)
        self.offsets, self.weights = _layout(tuple(spec.layer_sizes))
        self.buffers = _Buffers(tuple(spec.layer_sizes), data.m, np.float64)
        self.limit = _blas_limit(spec, data.m)
        self._seen = []  # [(theta, Thetas)] of the last two theta arrays
        self._lock = threading.Lock()  # one evaluation at a time in the buffers

    def _thetas(self, theta):
        for seen, Thetas in self._seen:
            if seen is theta:  # views follow theta's memory: right even if it was changed in place
                return Thetas
        Thetas = [theta[start:end].reshape(shape) for start, end, shape in self.offsets]
        self._seen = [(theta, Thetas)] + self._seen[:1]
        return Thetas

    def __call__(self, theta, alpha, need_gradient):
        with self._lock:
            if self.limit is not None:
                with threads.numpy_blas_limited(self.limit):
                    return self._evaluate(theta, alpha, need_gradient)
            return self._evaluate(theta, alpha, need_gradient)  # (its small products run on one thread anyway)

    def _evaluate(self, theta, alpha, need_gradient):
        J_sum, Delta = block_sums(self._thetas(theta), self.x, self.y, self.spec, need_gradient, self.w, self.buffers)
        return _regularized(J_sum, Delta, theta, alpha, self.data.S, self.weights, in_place=False)


def block_sums(Thetas, x, y, spec, need_gradient, sample_weight=None, buffers=None):
    r"""Backpropagation on one block of examples, one example per column.

    Parameters
    ----------
    Thetas : list of ndarray, ``Thetas[l]`` (s_{l+1}, s_l + 1), column 0 the bias, in the dtype to compute in
    x : ndarray of shape (s_1, mb), the examples' inputs :math:`a^{(1)}`; or (s_1 + 1, mb),
        :math:`[1; a^{(1)}]` with the bias unit on top
    y : ndarray of shape (K, mb), their targets, in the dtype of ``Thetas``
    spec : Spec
    need_gradient : bool
    sample_weight : ndarray of shape (mb,) or None; with weights every sum below is weighted
    buffers : _Buffers or None, the memory to compute in (None: made for this call); the
        returned ``Delta`` is ``buffers.Delta``

    Returns
    -------
    J_block : float, the loss summed over the block's examples
    Delta : ndarray of shape (n_params,), float64, in ``theta``'s layout: each layer's
        :math:`\Delta^{(l)} = \sum \delta^{(l+1)} [1; a^{(l)}]^T` over the block (None without gradient)
    """
    gs = spec.gs  # gs[l - 1] is hidden layer l's activation (a(l+1) = g(z(l+1)))
    L = len(spec.layer_sizes)
    if buffers is None:
        buffers = _Buffers(tuple(spec.layer_sizes), x.shape[1], Thetas[0].dtype)
    ones = x.shape[0] == Thetas[0].shape[1]  # x carries the bias unit
    A = [x] + buffers.A[1:]  # A[l] for l >= 1 is [1; a(l+1)] (0-based l), the bias unit on top; (s_{l+1} + 1, mb)
    for l in range(L - 1):
        Z = buffers.A[l + 1][1:] if l < L - 2 else buffers.Z  # z(l+1) is computed here; (s_{l+1}, mb)
        if l > 0 or ones:
            np.dot(Thetas[l], A[l], out=Z)  # z(l+1) = Θ(l) [1; a(l)]
        else:
            np.dot(Thetas[0][:, 1:], x, out=Z)  # z(2) = Θ(1) [1; x] = W(1) x ...
            Z += Thetas[0][:, :1]  # ... + b(1)
        if l < L - 2:
            gs[l].g_inplace(Z)  # a(l+1) = g(z(l+1)), in place of z(l+1)
    # δ(L) = h - y: exact for the matching pairs sigmoid + binary cross-entropy,
    # softmax + categorical cross-entropy, and identity + squared error.
    J_block, delta = spec.h.loss_and_delta(Z.T, y.T, sample_weight)  # the loss and h - y from the logits z(L)
    if not need_gradient:  # (the same J as with the gradient, to the last bit)
        return J_block, None
    delta = delta.T  # δ(L); (K, mb)
    if sample_weight is not None:
        delta *= sample_weight.astype(Z.dtype)  # δ(L) = w (h - y): the weighted loss's derivative; (K, mb)
    D = buffers.D  # views of buffers.Delta: D[l] fills layer l's part
    for l in reversed(range(L - 1)):
        if l > 0 or ones:
            _product(delta, A[l].T, D[l])  # Δ(l) = Σ δ(l+1) [1; a(l)]^T over the block; (s_{l+1}, s_l + 1)
        else:
            D[0][:, 1:].T[...] = x @ delta.T  # Δ(1) = Σ δ(2) x^T, made as its transpose (see cost_and_gradient) ...
            D[0][:, 0] = delta @ buffers.ones  # ... and Σ δ(2) on the bias column (x_0 = 1)
        if l > 0:
            back = np.dot(Thetas[l][:, 1:].T, delta, out=buffers.back[l])  # Θ(l)^T δ(l+1); (s_l, mb)
            delta = gs[l - 1].mul_g_prime_inplace(back, A[l][1:])  # δ(l) = Θ(l)^T δ(l+1) .* g'(z(l))
    return J_block, buffers.Delta


def _product(a, b, out=None):
    """``a @ b``, written into ``out`` if given (a C-contiguous array; cast to its dtype if need be).

    ``np.dot`` multiplies small matrices with less overhead than ``np.matmul`` (1 against 4
    microseconds for a 4 x 1 by 1 x 800 product here) and as fast when they are large.
    """
    if out is None:
        return np.dot(a, b)
    if out.dtype == a.dtype == b.dtype:
        return np.dot(a, b, out=out)
    out[...] = np.dot(a, b)
    return out


def forward(theta, X, spec):
    """Output activations ``h = a^(L)`` of shape (m, K), float64; the rows in :func:`blocks`.

    Parameters
    ----------
    theta : ndarray of shape (n_params,), or the list ``Thetas``
    X : ndarray of shape (m, s_1), float64 or float32
    spec : Spec
    """
    Thetas = params.unpack(theta, spec.layer_sizes) if isinstance(theta, np.ndarray) else list(theta)
    Thetas_x = Thetas if X.dtype == np.float64 else _in_dtype(Thetas, X.dtype)
    g_inplaces, h_inplace = [g.g_inplace for g in spec.gs], spec.h.h_inplace
    m = X.shape[0]
    H = np.empty((m, spec.layer_sizes[-1]))

    def block(rows):
        start, stop = rows
        H_block = _forward_block(Thetas_x, X[start:stop], g_inplaces, h_inplace)
        if X.dtype != np.float64 and not np.all(np.isfinite(H_block)):  # float32 overflowed: redo in float64
            H_block = _forward_block(Thetas, X[start:stop], g_inplaces, h_inplace)
        H[start:stop] = H_block

    parts = blocks(m, spec, X.dtype)
    with threads.numpy_blas_limited(_blas_limit(spec, parts[0][1], len(parts))), _quiet_if_float32(X.dtype):
        threads.run_tasks(lambda i: block(parts[i]), len(parts), _threads(len(parts)))
    return H


def _forward_block(Thetas, X_block, g_inplaces, h_inplace):
    """h of the rows ``X_block`` (mb, s_1), as an (mb, K) array; ``g_inplaces[l]`` makes a(l+2) (0-based l)."""
    A = aligned(X_block).T  # a(1) = x, one example per column; (s_1, mb)
    L = len(Thetas) + 1
    for l in range(L - 1):
        Z = Thetas[l][:, 1:] @ A + Thetas[l][:, :1]  # z(l+1) = Θ(l) [1; a(l)] = W(l) a(l) + b(l); (s_{l+1}, mb)
        A = g_inplaces[l](Z) if l < L - 2 else h_inplace(Z.T).T  # a(l+1) = g(z(l+1)); h = a(L)
    return A.T


@functools.lru_cache(maxsize=256)
def _hidden_activations(activation, n_hidden):
    """The registered activation of each of ``n_hidden`` layers: ``activation`` is one name for all, or a tuple."""
    names = activation if isinstance(activation, tuple) else (activation,) * n_hidden
    return tuple([ACTIVATIONS[name] for name in names])


def _in_dtype(theta, dtype, offsets=None):
    """``Thetas`` (a list, or with ``offsets`` the flat ``theta``) converted to ``dtype`` (float32).

    Weights beyond its range become infinite, and the blocks that then overflow are
    computed again in float64. A flat ``theta`` is converted in one pass into this
    thread's scratch buffer (:func:`_scratch`), whose views are valid until the next
    conversion in the same thread.
    """
    with np.errstate(over="ignore"):
        if offsets is None:
            return [T.astype(dtype) for T in theta]
        flat = _scratch("weights", theta.shape, dtype)
        np.copyto(flat, theta, casting="same_kind")
        return [flat[start:end].reshape(shape) for start, end, shape in offsets]


def _quiet_if_float32(dtype):
    """No overflow warnings for float32 blocks (a block that overflows is computed again in float64)."""
    return np.errstate(over="ignore", invalid="ignore") if dtype == np.float32 else contextlib.nullcontext()


def _all_finite(J_block, Delta):
    """Whether a block's loss and (if computed) gradient sums are all finite.

    Delta holds float32 numbers in float64 here, so its sum overflows only if one is
    infinite (or two of opposite signs are: NaN), and a NaN stays NaN.
    """
    return np.isfinite(J_block) and (Delta is None or np.isfinite(np.add.reduce(Delta)))


def predict(H):
    """Class indices from output activations ``H`` (m, K): argmax for K > 1, ``h >= 0.5`` for K = 1; shape (m,)."""
    if H.shape[1] == 1:
        return (H[:, 0] >= 0.5).astype(np.intp)
    return np.argmax(H, axis=1)


def aligned(X_block):
    """``X_block``, copied if its memory is not aligned to its dtype.

    NumPy multiplies unaligned arrays (data unpickled by Dask can be) without
    BLAS: several times slower, and with other last bits. The copy is one block.
    """
    return X_block if X_block.flags.aligned else X_block.copy()


# -- scratch buffers ---------------------------------------------------------------------------

# An evaluation on a mini-batch allocates arrays of 0.1-1 MB (the batch's rows, the weights in
# float32, the L2 term); fresh ones of that size can cost page faults on every step (the C
# library may return them to the system in between). Up to SCRATCH_BYTES, such an array is kept
# per thread and name and reused. Measured on Fashion-MNIST's 784-100-10, one batch of 256
# evaluated again and again (float32, one thread): 2.0 ms an evaluation with fresh arrays,
# 0.9 ms with these buffers.
SCRATCH_BYTES = 2**23
_scratch_space = threading.local()


def _scratch(name, shape, dtype):
    """An uninitialized array of ``shape`` and ``dtype``, this thread's buffer ``name`` reused.

    The buffer holds the largest size asked so far (a view of its start is returned), so
    the array is valid until the next call with the same name in the same thread. Arrays
    larger than :data:`SCRATCH_BYTES` are allocated anew.
    """
    dtype = np.dtype(dtype)
    size = int(np.prod(shape))
    if size * dtype.itemsize > SCRATCH_BYTES:
        return np.empty(shape, dtype)
    buffers = getattr(_scratch_space, "buffers", None)
    if buffers is None:
        buffers = _scratch_space.buffers = {}
    buffer = buffers.get((name, dtype))
    if buffer is None or buffer.size < size:
        buffer = buffers[(name, dtype)] = np.empty(size, dtype)
    return buffer[:size].reshape(shape)
