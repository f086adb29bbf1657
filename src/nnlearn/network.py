r"""The feed-forward network: layer sizes, activations, cost and backpropagation.

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
"""

from __future__ import annotations

import numpy as np

from . import _threads, params
from ._validation import (
    check_alpha,
    check_layer_sizes,
    check_positive_float,
    check_random_state,
    check_targets,
    check_theta,
    check_X,
)
from .activations import ACTIVATIONS, resolve_activation
from .losses import OUTPUTS, resolve_output

__all__ = ["Network", "BLOCK_ROWS", "BLAS_THREADS"]

# Rows per block in cost_and_gradient: the activations of one block (a few times
# BLOCK_ROWS * sum(s_l) numbers) are all the extra memory an evaluation needs, whatever
# the number of rows. Large enough that BLAS's threads work on long products (the
# course's 5000 digits are one block: two blocks of 2500 took 30% longer on 2 cores).
BLOCK_ROWS = 8192
# Threads of NumPy's BLAS inside the kernel; None leaves NumPy's setting (one per core).
# On a machine whose cores other processes keep busy, 1 is much faster: OpenBLAS's
# threads wait for each other by spinning (see nnlearn._threads). At 1 the results also
# do not depend on how many threads the caller's BLAS has, to the last bit.
BLAS_THREADS = None


class Network:
    """A fully connected feed-forward network with the course's parameter layout.

    Parameters
    ----------
    layer_sizes : sequence of int, length L >= 2
        ``[s_1, ..., s_L]``: inputs, hidden layers, outputs (e.g. ``[400, 25, 10]``).
    activation : {"sigmoid", "logistic", "tanh", "relu"}
        Activation of every hidden layer.
    output : {"sigmoid", "softmax"}
        ``"sigmoid"``: K independent sigmoid units with the summed binary
        cross-entropy (the course's model; K = 1 is a binary classifier).
        ``"softmax"``: a softmax layer with categorical cross-entropy (K >= 2).

    Examples
    --------
    >>> net = Network([400, 25, 10])
    >>> net.n_params
    10285
    """

    def __init__(self, layer_sizes, activation="sigmoid", output="sigmoid"):
        self.layer_sizes = check_layer_sizes(layer_sizes)
        # Only the canonical names are stored (the network pickles; the registries hold the functions).
        self.activation = resolve_activation(activation).name
        self.output = resolve_output(output).name
        if self.layer_sizes[-1] < self._output.min_units:
            raise ValueError(
                f"output={output!r} needs at least {self._output.min_units} output units; "
                f"layer_sizes ends with {self.layer_sizes[-1]}."
            )
        self.n_params = params.n_params(self.layer_sizes)

    def __repr__(self):
        return (
            f"Network(layer_sizes={list(self.layer_sizes)}, activation={self.activation!r}, "
            f"output={self.output!r})"
        )

    @property
    def _activation(self):
        return ACTIVATIONS[self.activation]

    @property
    def _output(self):
        return OUTPUTS[self.output]

    @property
    def n_features(self):
        """Number of inputs, ``s_1``."""
        return self.layer_sizes[0]

    @property
    def n_outputs(self):
        """Number of output units, ``K = s_L``."""
        return self.layer_sizes[-1]

    # -- parameters ---------------------------------------------------------

    def pack(self, Thetas):
        """Flatten ``Thetas`` (list of (s_{l+1}, s_l + 1) matrices) into ``theta`` (n_params,).

        Raises
        ------
        ValueError
            If the number of matrices or any shape does not match ``layer_sizes``.
        """
        shapes = params.layer_shapes(self.layer_sizes)
        if len(Thetas) != len(shapes):
            raise ValueError(f"Thetas has {len(Thetas)} matrices, but the network has {len(shapes)} layers of weights.")
        for l, (T, shape) in enumerate(zip(Thetas, shapes)):
            if np.shape(T) != shape:
                raise ValueError(f"Thetas[{l}] has shape {np.shape(T)}, but layer {l} needs shape {shape}.")
        return params.pack(Thetas)

    def unpack(self, theta):
        """Views of ``theta`` (n_params,) as ``Thetas``; a wrong size raises ValueError naming both sizes."""
        return params.unpack(np.asarray(theta), self.layer_sizes)

    def init_weights(self, method="uniform", epsilon=0.12, random_state=None):
        """Initial ``theta`` (n_params,); see :func:`nnlearn.params.init_weights`."""
        if method == "uniform":
            check_positive_float(epsilon, "epsilon", allow_zero=True)
        check_random_state(random_state)
        return params.init_weights(self.layer_sizes, method=method, epsilon=epsilon, random_state=random_state)

    # -- public, validated --------------------------------------------------

    def _check(self, theta, X, y=None, alpha=0.0):
        theta = check_theta(theta, self.n_params)
        X = check_X(X, self.n_features, feature_source=f"the network expects {self.n_features} (layer_sizes[0])")
        Y = None if y is None else check_targets(y, X.shape[0], self.n_outputs, self.output)
        return theta, X, Y, check_alpha(alpha)

    def cost(self, theta, X, y, alpha=0.0):
        """The regularized cost J (float) at ``theta``; see :meth:`cost_and_gradient`."""
        theta, X, Y, alpha = self._check(theta, X, y, alpha)
        return self._cost_and_gradient(theta, X, Y, alpha, need_gradient=False)[0]

    def cost_and_gradient(self, theta, X, y, alpha=0.0):
        """Regularized cost and its gradient by backpropagation.

        Parameters
        ----------
        theta : ndarray of shape (n_params,)
        X : ndarray of shape (m, s_1)
            float32 input is computed in float32 (cost accumulated and gradient
            returned in float64); anything else in float64.
        y : ndarray of shape (m,) with class indices 0..K-1 (0/1 for K = 1),
            or of shape (m, K) with 0/1 targets. Both forms give identical results.
        alpha : float >= 0
            The course's lambda.

        Returns
        -------
        J : float
        grad : ndarray of shape (n_params,), float64, in ``theta``'s layout
        """
        theta, X, Y, alpha = self._check(theta, X, y, alpha)
        return self._cost_and_gradient(theta, X, Y, alpha)

    def predict_proba(self, theta, X):
        """Output activations ``h`` of shape (m, K) (sigmoid units or softmax rows)."""
        theta, X, _, _ = self._check(theta, X)
        return self._forward(self.unpack(theta), X)

    def predict(self, theta, X):
        """Class index 0..K-1 (argmax of h) for K > 1, or 0/1 (h >= 0.5) for K == 1; shape (m,)."""
        h = self.predict_proba(theta, X)
        if self.n_outputs == 1:
            return (h[:, 0] >= 0.5).astype(np.intp)
        return np.argmax(h, axis=1)

    # -- the math, on validated inputs ---------------------------------------

    def _forward(self, Thetas, X):
        """Output activations h = a^(L) of shape (m, K), float64; rows in blocks of ``BLOCK_ROWS``."""
        W, b = _weights_and_biases(Thetas, X.dtype)
        g_inplace, h_inplace = self._activation.g_inplace, self._output.h_inplace
        m, L = X.shape[0], len(self.layer_sizes)
        H = np.empty((m, self.n_outputs))
        with _threads.numpy_blas_limited(BLAS_THREADS):
            for start in range(0, m, BLOCK_ROWS):
                A = _aligned(X[start : start + BLOCK_ROWS]).T  # a(1) = x, one example per column; (s_1, mb)
                for l in range(L - 1):
                    Z = W[l] @ A + b[l]  # z(l+1) = Θ(l) [1; a(l)]; (s_{l+1}, mb)
                    A = g_inplace(Z) if l < L - 2 else h_inplace(Z.T).T  # a(l+1) = g(z(l+1)); h = a(L)
                H[start : start + BLOCK_ROWS] = A.T
        return H

    def _cost_and_gradient(self, theta, X, Y, alpha, need_gradient=True):
        r"""J and dJ/dtheta on validated inputs: X (m, s_1) float64 or float32, Y (m, K) 0/1.

        The same numbers as the textbook vectorized backpropagation,
        :func:`nnlearn.reference.cost_and_gradient_plain` (tests check 1e-12),
        organized for speed and bounded memory:

        - J and the gradient are sums over examples: the rows are cut into
          equal blocks of at most ``BLOCK_ROWS`` (:meth:`_block_sums` does one)
          whose sums are added up, so the extra memory is one block's
          activations whatever m is. NumPy's BLAS runs with ``BLAS_THREADS``
          threads (None: its own setting).
        - Inside a block, one example per column, as in the course's equations
          (:math:`z = \Theta a`): the product with X is ``W @ X_block.T``, which
          BLAS computes faster than ``X_block @ W.T``, and the bias and row
          sums run along contiguous rows.
        - The ones column is never built: :math:`\Theta^{(l)} [1; a] = W^{(l)} a + b^{(l)}`,
          and the bias gradient is the sum of :math:`\delta` over the examples.
        - float32 X is computed in float32 (weights cast once per call); the
          cost and the gradient are accumulated over blocks in float64.
        """
        m = X.shape[0]
        Thetas = params.unpack(theta, self.layer_sizes)
        W, b = _weights_and_biases(Thetas, X.dtype)  # W[l] (s_{l+1}, s_l), b[l] (s_{l+1}, 1)
        n_blocks = -(-m // BLOCK_ROWS)  # equal blocks: sizes differ by at most one row

        J_sum = 0.0
        Delta_W = [np.zeros(W_l.shape) for W_l in W]  # Δ(l) = Σ δ(l+1) a(l)^T over all examples, float64
        Delta_b = [np.zeros(W_l.shape[0]) for W_l in W]  # and Σ δ(l+1): Δ(l)'s bias column
        with _threads.numpy_blas_limited(BLAS_THREADS):
            for i in range(n_blocks):
                rows = (m * i // n_blocks, m * (i + 1) // n_blocks)
                J_block, dW, db = self._block_sums(W, b, X, Y, need_gradient, rows)
                J_sum += J_block
                for l in range(len(W)) if need_gradient else ():
                    Delta_W[l] += dW[l]
                    Delta_b[l] += db[l]

        J = J_sum / m
        grad = np.empty_like(theta)
        grads = params.unpack(grad, self.layer_sizes)  # views: writing grads[l] fills grad
        for l, T in enumerate(Thetas):
            J += alpha / (2 * m) * float(np.sum(T[:, 1:] ** 2))  # regularization skips the bias column
            if need_gradient:
                grads[l][:, 0] = Delta_b[l] / m  # D(l) = Δ(l) / m on the bias column,
                grads[l][:, 1:] = Delta_W[l] / m + (alpha / m) * T[:, 1:]  # + (α/m) Θ(l) elsewhere
        return J, grad

    def _block_sums(self, W, b, X, Y, need_gradient, rows):
        r"""Backpropagation on the rows ``start:stop`` of X, one example per column.

        Parameters
        ----------
        W, b : lists of ndarray, ``W[l]`` (s_{l+1}, s_l) and ``b[l]`` (s_{l+1}, 1) in X's dtype
        X : ndarray of shape (m, s_1); Y : ndarray of shape (m, K)
        need_gradient : bool
        rows : (start, stop)

        Returns
        -------
        J_block : float, the loss summed over the block's examples
        dW : list of ndarray (s_{l+1}, s_l), :math:`\sum \delta^{(l+1)} a^{(l)T}` over the block (None without gradient)
        db : list of ndarray (s_{l+1},), float64, :math:`\sum \delta^{(l+1)}` over the block (None without gradient)
        """
        start, stop = rows
        g_inplace, mul_g_prime_inplace = self._activation.g_inplace, self._activation.mul_g_prime_inplace
        L = len(self.layer_sizes)
        A = [_aligned(X[start:stop]).T]  # a(1) = x; (s_1, mb)
        Y_b = np.ascontiguousarray(Y[start:stop].T, dtype=X.dtype)  # y; (K, mb)
        for l in range(L - 2):
            Z = W[l] @ A[l]  # z(l+1) = Θ(l) [1; a(l)] = W(l) a(l) + b(l) ...
            Z += b[l]  # ... ; (s_{l+1}, mb)
            A.append(g_inplace(Z))  # a(l+1) = g(z(l+1)), in place of z(l+1); (s_{l+1}, mb)
        Z_L = W[L - 2] @ A[L - 2]  # z(L), the logits ...
        Z_L += b[L - 2]  # ... ; (K, mb)
        J_block = self._output.loss(Z_L.T, Y_b.T)  # from the logits: finite for any z
        if not need_gradient:
            return J_block, None, None
        # δ(L) = h - y: exact for the matching pairs sigmoid + binary
        # cross-entropy and softmax + categorical cross-entropy.
        delta = self._output.h_inplace(Z_L.T).T  # h = a(L), in place of z(L); (K, mb)
        delta -= Y_b  # δ(L) = h - y; (K, mb)
        dW, db = [None] * (L - 1), [None] * (L - 1)
        for l in reversed(range(L - 1)):
            dW[l] = delta @ A[l].T  # Σ δ(l+1) a(l)^T over the block; (s_{l+1}, s_l)
            db[l] = delta.sum(axis=1, dtype=np.float64)  # the bias column: a_0 = 1; (s_{l+1},)
            if l > 0:
                delta = mul_g_prime_inplace(W[l].T @ delta, A[l])  # δ(l) = Θ(l)^T δ(l+1) .* g'(z(l)); (s_l, mb)
        return J_block, dW, db


def _weights_and_biases(Thetas, dtype):
    """Contiguous copies ``W[l]`` (s_{l+1}, s_l) and column vectors ``b[l]`` (s_{l+1}, 1) in ``dtype``."""
    W, b = params.split_bias(Thetas)
    return [np.ascontiguousarray(W_l, dtype=dtype) for W_l in W], [b_l.astype(dtype)[:, None] for b_l in b]


def _aligned(X_block):
    """``X_block``, copied if its memory is not aligned to its dtype.

    NumPy multiplies unaligned arrays (data unpickled by Dask can be) without
    BLAS: several times slower, and with other last bits. The copy is one block.
    """
    return X_block if X_block.flags.aligned else X_block.copy()
