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
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import params, threads
from .activations import ACTIVATIONS
from .losses import OUTPUTS

__all__ = ["Spec", "cost_and_gradient", "cost", "forward", "predict", "BLOCK_ROWS", "BLAS_THREADS"]

# Rows per block: the activations of one block (a few times BLOCK_ROWS * sum(s_l) numbers)
# are all the extra memory an evaluation needs, whatever the number of rows. Large enough
# that BLAS's threads work on long products (the course's 5000 digits are one block: two
# blocks of 2500 took 30% longer on 2 cores).
BLOCK_ROWS = 8192
# Threads of NumPy's BLAS inside the kernel; None leaves NumPy's setting (one per core).
# On a machine whose cores other processes keep busy, 1 is much faster: OpenBLAS's
# threads wait for each other by spinning (see nnlearn.core.threads). At 1 the results
# also do not depend on how many threads the caller's BLAS has, to the last bit.
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
      blocks of at most ``BLOCK_ROWS`` (:func:`block_sums` does one) whose sums
      are added up, so the extra memory is one block's activations whatever m
      is. NumPy's BLAS runs with ``BLAS_THREADS`` threads (None: its own setting).
    - Inside a block, one example per column, as in the course's equations
      (:math:`z = \Theta a`): the product with X is ``W @ X_block.T``, which
      BLAS computes faster than ``X_block @ W.T``, and the bias and row sums
      run along contiguous rows.
    - The ones column is never built: :math:`\Theta^{(l)} [1; a] = W^{(l)} a + b^{(l)}`,
      and the bias gradient is the sum of :math:`\delta` over the examples.
    """
    return _evaluate(theta, X, Y, alpha, spec, need_gradient=True, sample_weight=sample_weight)


def cost(theta, X, Y, alpha, spec, sample_weight=None):
    """The regularized cost J alone (no backward pass); see :func:`cost_and_gradient`."""
    return _evaluate(theta, X, Y, alpha, spec, need_gradient=False, sample_weight=sample_weight)[0]


def _evaluate(theta, X, Y, alpha, spec, need_gradient, sample_weight=None):
    m = X.shape[0]
    S = m if sample_weight is None else float(np.sum(sample_weight))  # the normalizer: m, or the total weight
    Thetas = params.unpack(theta, spec.layer_sizes)
    W, b = weights_and_biases(Thetas, X.dtype)  # W[l] (s_{l+1}, s_l), b[l] (s_{l+1}, 1)
    n_blocks = -(-m // BLOCK_ROWS)  # equal blocks: sizes differ by at most one row

    J_sum = 0.0
    Delta_W = [np.zeros(W_l.shape) for W_l in W]  # Δ(l) = Σ δ(l+1) a(l)^T over all examples, float64
    Delta_b = [np.zeros(W_l.shape[0]) for W_l in W]  # and Σ δ(l+1): Δ(l)'s bias column
    W64 = b64 = None  # float64 weights, made only if a float32 block overflows
    with threads.numpy_blas_limited(BLAS_THREADS), _quiet_if_float32(X.dtype):
        for i in range(n_blocks):
            rows = (m * i // n_blocks, m * (i + 1) // n_blocks)
            J_block, dW, db = block_sums(W, b, X, Y, spec, need_gradient, rows, sample_weight)
            if X.dtype == np.float32 and not _all_finite(J_block, dW, db):  # float32 overflowed: redo in float64
                if W64 is None:
                    W64, b64 = weights_and_biases(Thetas, np.float64)
                J_block, dW, db = block_sums(W64, b64, X, Y, spec, need_gradient, rows, sample_weight)
            J_sum += J_block
            for l in range(len(W)) if need_gradient else ():
                Delta_W[l] += dW[l]
                Delta_b[l] += db[l]

    J = J_sum / S
    grad = np.empty_like(theta) if need_gradient else None
    grads = params.unpack(grad, spec.layer_sizes) if need_gradient else ()  # views: writing grads[l] fills grad
    for l, T in enumerate(Thetas):
        if alpha != 0:  # regularization skips the bias column; alpha = 0 adds nothing, even to huge weights
            J += alpha / (2 * S) * float(np.sum(T[:, 1:] ** 2))
        if need_gradient:
            grads[l][:, 0] = Delta_b[l] / S  # D(l) = Δ(l) / m on the bias column (S = m without weights),
            grads[l][:, 1:] = Delta_W[l] / S + (alpha / S) * T[:, 1:]  # + (α/m) Θ(l) elsewhere
    return J, grad


def block_sums(W, b, X, Y, spec, need_gradient, rows, sample_weight=None):
    r"""Backpropagation on the rows ``start:stop`` of X, one example per column.

    Parameters
    ----------
    W, b : lists of ndarray, ``W[l]`` (s_{l+1}, s_l) and ``b[l]`` (s_{l+1}, 1) in X's dtype
    X : ndarray of shape (m, s_1); Y : ndarray of shape (m, K)
    spec : Spec
    need_gradient : bool
    rows : (start, stop)
    sample_weight : ndarray of shape (m,) or None; with weights every sum below is weighted

    Returns
    -------
    J_block : float, the loss summed over the block's examples
    dW : list of ndarray (s_{l+1}, s_l), :math:`\sum \delta^{(l+1)} a^{(l)T}` over the block (None without gradient)
    db : list of ndarray (s_{l+1},), float64, :math:`\sum \delta^{(l+1)}` over the block (None without gradient)
    """
    start, stop = rows
    gs = spec.gs  # gs[l - 1] is hidden layer l's activation (A[l] = g(Z))
    L = len(spec.layer_sizes)
    A = [aligned(X[start:stop]).T]  # a(1) = x; (s_1, mb)
    Y_b = np.ascontiguousarray(Y[start:stop].T, dtype=X.dtype)  # y; (K, mb)
    for l in range(L - 2):
        Z = W[l] @ A[l]  # z(l+1) = Θ(l) [1; a(l)] = W(l) a(l) + b(l) ...
        Z += b[l]  # ... ; (s_{l+1}, mb)
        A.append(gs[l].g_inplace(Z))  # a(l+1) = g(z(l+1)), in place of z(l+1); (s_{l+1}, mb)
    Z_L = W[L - 2] @ A[L - 2]  # z(L), the logits ...
    Z_L += b[L - 2]  # ... ; (K, mb)
    w_b = None if sample_weight is None else sample_weight[start:stop]  # w; (mb,)
    J_block = spec.h.loss(Z_L.T, Y_b.T, w_b)  # from the logits: finite for any finite z
    if not need_gradient:
        return J_block, None, None
    # δ(L) = h - y: exact for the matching pairs sigmoid + binary cross-entropy,
    # softmax + categorical cross-entropy, and identity + squared error.
    delta = spec.h.h_inplace(Z_L.T).T  # h = a(L), in place of z(L); (K, mb)
    delta -= Y_b  # δ(L) = h - y; (K, mb)
    if w_b is not None:
        delta *= w_b.astype(X.dtype)  # δ(L) = w (h - y): the weighted loss's derivative; (K, mb)
    dW, db = [None] * (L - 1), [None] * (L - 1)
    for l in reversed(range(L - 1)):
        dW[l] = delta @ A[l].T  # Σ δ(l+1) a(l)^T over the block; (s_{l+1}, s_l)
        db[l] = delta.sum(axis=1, dtype=np.float64)  # the bias column: a_0 = 1; (s_{l+1},)
        if l > 0:
            delta = gs[l - 1].mul_g_prime_inplace(W[l].T @ delta, A[l])  # δ(l) = Θ(l)^T δ(l+1) .* g'(z(l)); (s_l, mb)
    return J_block, dW, db


def forward(theta, X, spec):
    """Output activations ``h = a^(L)`` of shape (m, K), float64; rows in blocks of ``BLOCK_ROWS``.

    Parameters
    ----------
    theta : ndarray of shape (n_params,), or the list ``Thetas``
    X : ndarray of shape (m, s_1), float64 or float32
    spec : Spec
    """
    Thetas = params.unpack(theta, spec.layer_sizes) if isinstance(theta, np.ndarray) else theta
    W, b = weights_and_biases(Thetas, X.dtype)
    g_inplaces, h_inplace = [g.g_inplace for g in spec.gs], spec.h.h_inplace
    m = X.shape[0]
    H = np.empty((m, spec.layer_sizes[-1]))
    with threads.numpy_blas_limited(BLAS_THREADS), _quiet_if_float32(X.dtype):
        for start in range(0, m, BLOCK_ROWS):
            H_block = _forward_block(W, b, X[start : start + BLOCK_ROWS], g_inplaces, h_inplace)
            if X.dtype == np.float32 and not np.all(np.isfinite(H_block)):  # float32 overflowed: redo in float64
                W64, b64 = weights_and_biases(Thetas, np.float64)
                H_block = _forward_block(W64, b64, X[start : start + BLOCK_ROWS], g_inplaces, h_inplace)
            H[start : start + BLOCK_ROWS] = H_block
    return H


def _forward_block(W, b, X_block, g_inplaces, h_inplace):
    """h of the rows ``X_block`` (mb, s_1), as an (mb, K) array; ``g_inplaces[l]`` makes a(l+2) (0-based l)."""
    A = aligned(X_block).T  # a(1) = x, one example per column; (s_1, mb)
    L = len(W) + 1
    for l in range(L - 1):
        Z = W[l] @ A + b[l]  # z(l+1) = Θ(l) [1; a(l)]; (s_{l+1}, mb)
        A = g_inplaces[l](Z) if l < L - 2 else h_inplace(Z.T).T  # a(l+1) = g(z(l+1)); h = a(L)
    return A.T


@functools.lru_cache(maxsize=256)
def _hidden_activations(activation, n_hidden):
    """The registered activation of each of ``n_hidden`` layers: ``activation`` is one name for all, or a tuple."""
    names = activation if isinstance(activation, tuple) else (activation,) * n_hidden
    return tuple([ACTIVATIONS[name] for name in names])


def _quiet_if_float32(dtype):
    """No overflow warnings for float32 blocks (a block that overflows is computed again in float64)."""
    return np.errstate(over="ignore", invalid="ignore") if dtype == np.float32 else contextlib.nullcontext()


def _all_finite(J_block, dW, db):
    """Whether a block's loss and (if computed) gradient sums are all finite."""
    if not np.isfinite(J_block):
        return False
    return dW is None or all(np.all(np.isfinite(d)) for d in (*dW, *db))


def predict(H):
    """Class indices from output activations ``H`` (m, K): argmax for K > 1, ``h >= 0.5`` for K = 1; shape (m,)."""
    if H.shape[1] == 1:
        return (H[:, 0] >= 0.5).astype(np.intp)
    return np.argmax(H, axis=1)


def weights_and_biases(Thetas, dtype):
    """Contiguous copies ``W[l]`` (s_{l+1}, s_l) and column vectors ``b[l]`` (s_{l+1}, 1) in ``dtype``.

    Weights beyond float32's range become infinite in float32; the blocks that
    then overflow are computed again in float64.
    """
    W, b = params.split_bias(Thetas)
    with np.errstate(over="ignore"):
        return [np.ascontiguousarray(W_l, dtype=dtype) for W_l in W], [b_l.astype(dtype)[:, None] for b_l in b]


def aligned(X_block):
    """``X_block``, copied if its memory is not aligned to its dtype.

    NumPy multiplies unaligned arrays (data unpickled by Dask can be) without
    BLAS: several times slower, and with other last bits. The copy is one block.
    """
    return X_block if X_block.flags.aligned else X_block.copy()
