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

from . import params
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

__all__ = ["Network", "BLOCK_ROWS"]

# Rows per block in cost_and_gradient: bounds the memory of the activations by
# BLOCK_ROWS * max(s_l) instead of m * max(s_l).
BLOCK_ROWS = 4096


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
        for start in range(0, m, BLOCK_ROWS):
            A = X[start : start + BLOCK_ROWS]  # a(1) = x; (mb, s_1)
            for l in range(L - 1):
                Z = A @ W[l].T + b[l]  # z(l+1) = Θ(l) [1; a(l)]; (mb, s_{l+1})
                A = g_inplace(Z) if l < L - 2 else h_inplace(Z)  # a(l+1) = g(z(l+1)); h = a(L)
            H[start : start + BLOCK_ROWS] = A
        return H

    def _cost_and_gradient(self, theta, X, Y, alpha, need_gradient=True):
        r"""J and dJ/dtheta on validated inputs: X (m, s_1) float64 or float32, Y (m, K) 0/1.

        The vectorized backpropagation of :func:`nnlearn.reference.cost_and_gradient_plain`
        (a test checks they agree to 1e-12), organized for speed:

        - the ones column is never built: :math:`\Theta^{(l)} [1; a] = W^{(l)} a + b^{(l)}`,
          and the bias gradient is the column sum of :math:`\delta`;
        - rows are processed in blocks of ``BLOCK_ROWS``, and each block reuses
          the same buffers for its activations and errors (written in place by
          ``g_inplace``, ``h_inplace`` and ``mul_g_prime_inplace``), so the extra
          memory is about ``BLOCK_ROWS * sum(s_l)`` numbers whatever m is, and a
          block of X is still in cache when the gradient product reads it again;
        - float32 X is computed in float32 (weights cast once per call); the
          cost and the gradient are accumulated over blocks in float64.
        """
        m, L = X.shape[0], len(self.layer_sizes)
        Thetas = params.unpack(theta, self.layer_sizes)
        W, b = _weights_and_biases(Thetas, X.dtype)  # W[l] (s_{l+1}, s_l), b[l] (s_{l+1},)
        g_inplace, mul_g_prime_inplace = self._activation.g_inplace, self._activation.mul_g_prime_inplace
        loss, h_inplace = self._output.loss, self._output.h_inplace
        rows = min(m, BLOCK_ROWS)
        # One block's buffers, reused by every block: Z_buf[l] holds z(l) and then a(l)
        # (for l = L-1: the logits, then h, then δ(L)); D_buf[l] holds δ(l).
        Z_buf = [None] + [np.empty((rows, s), X.dtype) for s in self.layer_sizes[1:]]
        D_buf = ([None] + [np.empty((rows, s), X.dtype) for s in self.layer_sizes[1:-1]]) if need_gradient else None
        Delta_W = [np.zeros(W_l.shape) for W_l in W]  # Σ over blocks of δ(l+1) a(l)^T; float64
        Delta_b = [np.zeros(b_l.shape) for b_l in b]  # Σ over blocks of δ(l+1)
        J_sum = 0.0
        for start in range(0, m, rows):
            stop = min(start + rows, m)
            A = [X[start:stop]] + [buf[: stop - start] for buf in Z_buf[1:]]  # a(1) = x; (mb, s_1)
            Y_b = Y[start:stop].astype(X.dtype, copy=False)  # (mb, K)
            for l in range(L - 1):
                np.matmul(A[l], W[l].T, out=A[l + 1])  # z(l+1) = Θ(l) [1; a(l)] = W a(l) + b ...
                A[l + 1] += b[l]  # ... (mb, s_{l+1})
                if l < L - 2:
                    g_inplace(A[l + 1])  # a(l+1) = g(z(l+1)); (mb, s_{l+1})
            J_sum += loss(A[L - 1], Y_b)  # from the logits z(L): finite for any z
            if not need_gradient:
                continue
            # δ(L) = h - y: exact for the matching pairs sigmoid + binary
            # cross-entropy and softmax + categorical cross-entropy.
            delta = h_inplace(A[L - 1])  # h = a(L); (mb, K)
            delta -= Y_b  # δ(L) = h - y; (mb, K)
            for l in reversed(range(L - 1)):
                Delta_W[l] += delta.T @ A[l]  # Δ(l) += δ(l+1) a(l)^T; (s_{l+1}, s_l)
                Delta_b[l] += delta.sum(axis=0, dtype=np.float64)  # bias column: a_0 = 1
                if l > 0:
                    delta = np.matmul(delta, W[l], out=D_buf[l][: stop - start])  # Θ(l)^T δ(l+1); (mb, s_l)
                    mul_g_prime_inplace(delta, A[l])  # δ(l) = Θ(l)^T δ(l+1) .* g'(z(l))

        J = J_sum / m
        grad = np.empty_like(theta)
        grads = params.unpack(grad, self.layer_sizes)  # views: writing grads[l] fills grad
        for l, T in enumerate(Thetas):
            J += alpha / (2 * m) * float(np.sum(T[:, 1:] ** 2))  # regularization skips the bias column
            if need_gradient:
                grads[l][:, 0] = Delta_b[l] / m  # D(l) = Δ(l) / m for the bias column,
                grads[l][:, 1:] = Delta_W[l] / m + (alpha / m) * T[:, 1:]  # + (α/m) Θ(l) elsewhere
        return J, grad


def _weights_and_biases(Thetas, dtype):
    """Contiguous copies ``W[l]`` (s_{l+1}, s_l) and ``b[l]`` (s_{l+1},) of ``Thetas`` in ``dtype``."""
    W, b = params.split_bias(Thetas)
    return [np.ascontiguousarray(W_l, dtype=dtype) for W_l in W], [b_l.astype(dtype) for b_l in b]
