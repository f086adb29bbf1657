r"""The course's backpropagation written plainly, for teaching and as the tests' reference.

:func:`backprop_loop` is the textbook algorithm, steps 1-5, one training
example at a time, with column vectors and the bias unit prepended, exactly as
the exercise describes it. :func:`cost_and_gradient_plain` is the same
algorithm vectorized over all m examples at once, the way the course's
vectorized solution writes it (``a1 = [ones(m, 1) X]``, ...). Both compute the
same numbers as :func:`nnlearn.core.kernel.cost_and_gradient`, the plain version
reorganized for speed (tests check all three agree); ``nnlearn bench`` shows
how much faster that kernel is. All three take the same arguments, already
checked by a door: ``(theta, X, Y, alpha, spec)``, and the optional
``sample_weight`` (m,): example i's loss and error count ``w_i`` times, and the
total weight :math:`S = \sum_i w_i` takes the place of m (see :mod:`nnlearn.core.kernel`).
"""

from __future__ import annotations

import numpy as np

from . import params

__all__ = ["backprop_loop", "cost_and_gradient_plain"]


def backprop_loop(theta, X, Y, alpha, spec, sample_weight=None):
    r"""Cost and gradient by the per-example loop of the course.

    Parameters
    ----------
    theta : ndarray of shape (n_params,), float64
    X : ndarray of shape (m, s_1), float64
    Y : ndarray of shape (m, K), 0/1 targets (real for the identity output)
    alpha : float >= 0, the course's lambda
    spec : nnlearn.core.kernel.Spec
    sample_weight : ndarray of shape (m,) or None (every weight 1)

    Returns
    -------
    J : float
    grad : ndarray of shape (n_params,)

    Notes
    -----
    For each example t = 1..m:

    1. Forward pass: :math:`a^{(1)} = [1; x^{(t)}]`, :math:`z^{(l+1)} = \Theta^{(l)} a^{(l)}`,
       :math:`a^{(l+1)} = [1; g(z^{(l+1)})]` (no bias unit on the output layer).
    2. Output error: :math:`\delta^{(L)} = a^{(L)} - y^{(t)}` (times :math:`w_t` with sample weights).
    3. Hidden errors: :math:`\delta^{(l)} = (\Theta^{(l)})^T \delta^{(l+1)} \odot g'(z^{(l)})`,
       dropping the bias entry :math:`\delta^{(l)}_0`.
    4. Accumulate: :math:`\Delta^{(l)} \mathrel{+}= \delta^{(l+1)} (a^{(l)})^T`.
    5. Average and regularize: :math:`D^{(l)} = \Delta^{(l)} / m + (\alpha / m)\, \Theta^{(l)}`
       for every column but the bias column (with sample weights, S in place of m).
    """
    Thetas = params.unpack(theta, spec.layer_sizes)
    g, g_prime_from_A = spec.g.g, spec.g.g_prime_from_A
    L = len(spec.layer_sizes)
    w = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    m = X.shape[0] if sample_weight is None else float(np.sum(sample_weight))  # S = Σ w_t

    Deltas = [np.zeros_like(T) for T in Thetas]
    J = 0.0
    for t in range(X.shape[0]):
        # Step 1: forward pass with column vectors; a[l] carries the bias unit.
        a = [np.concatenate(([1.0], X[t])).reshape(-1, 1)]  # a(1) = [1; x]; (s_1 + 1, 1)
        for l in range(L - 2):
            z = Thetas[l] @ a[l]  # z(l+1) = Θ(l) a(l); (s_{l+1}, 1)
            a.append(np.vstack(([[1.0]], g(z))))  # a(l+1) = [1; g(z(l+1))]
        z_L = Thetas[L - 2] @ a[L - 2]  # (K, 1)
        h = spec.h.h(z_L.T).T  # a(L) = h; (K, 1)
        y_t = Y[t].reshape(-1, 1)  # (K, 1)
        J += w[t] * spec.h.loss(z_L.T, y_t.T)

        # Step 2: error of the output layer; h - y for the matching pairs (sigmoid or softmax
        # with cross-entropy, identity with squared error), weighted by the example's weight.
        delta = w[t] * (h - y_t)  # δ(L); (K, 1)
        for l in reversed(range(L - 1)):
            # Step 4: accumulate the gradient of Θ(l).
            Deltas[l] += delta @ a[l].T  # Δ(l) += δ(l+1) a(l)^T; (s_{l+1}, s_l + 1)
            if l > 0:
                # Step 3: propagate the error back; drop the bias row.
                delta = (Thetas[l].T @ delta)[1:] * g_prime_from_A(a[l][1:])  # δ(l); (s_l, 1)

    # Step 5: average and regularize (not the bias column).
    J /= m
    grads = []
    for T, Delta in zip(Thetas, Deltas):
        D = Delta / m
        D[:, 1:] += (alpha / m) * T[:, 1:]
        J += alpha / (2 * m) * float(np.sum(T[:, 1:] ** 2))
        grads.append(D)
    return J, params.pack(grads)


def cost_and_gradient_plain(theta, X, Y, alpha, spec, sample_weight=None):
    r"""Cost and gradient by the textbook vectorized backpropagation (all m examples at once).

    Parameters
    ----------
    theta : ndarray of shape (n_params,), float64
    X : ndarray of shape (m, s_1), float64 or float32 (computed in float32)
    Y : ndarray of shape (m, K), 0/1 targets (real for the identity output)
    alpha : float >= 0, the course's lambda
    spec : nnlearn.core.kernel.Spec
    sample_weight : ndarray of shape (m,) or None (every weight 1)

    Returns
    -------
    J : float
    grad : ndarray of shape (n_params,), float64

    Notes
    -----
    With the ones column prepended to every layer's activations, rows = examples:

    .. math::
        A^{(1)} = [\mathbf{1}, X], \quad Z^{(l+1)} = A^{(l)} \Theta^{(l)T}, \quad
        A^{(l+1)} = [\mathbf{1}, g(Z^{(l+1)})], \quad H = h(Z^{(L)})

    .. math::
        \delta^{(L)} = H - Y, \quad
        \delta^{(l)} = \left(\delta^{(l+1)} \Theta^{(l)}\right)_{:, 1:} \odot g'(Z^{(l)}), \quad
        D^{(l)} = \frac{1}{m} \delta^{(l+1)T} A^{(l)} + \frac{\alpha}{m} [0, \Theta^{(l)}_{:, 1:}]

    The memory grows with m (every layer's activations for all examples are
    kept); :func:`nnlearn.core.kernel.cost_and_gradient` works in blocks of rows instead.

    With sample weights :math:`w` (m,), :math:`S = \sum_i w_i` replaces m and the
    output error is weighted, :math:`\delta^{(L)} = w \odot (H - Y)` (row i times :math:`w_i`):

    .. math::
        J_w = \frac{1}{S} \sum_i w_i \sum_k \mathrm{loss}(z_{ik}, y_{ik})
            + \frac{\alpha}{2S} \sum_l \sum_{j, k \ge 1} \left(\Theta^{(l)}_{jk}\right)^2
    """
    Thetas = params.unpack(theta, spec.layer_sizes)  # float64, for the regularization
    Thetas_x = [T.astype(X.dtype) for T in Thetas]  # the same weights in X's precision
    Y = Y.astype(X.dtype)
    g, g_prime_from_A = spec.g.g, spec.g.g_prime_from_A
    m = X.shape[0]
    L = len(spec.layer_sizes)
    ones = np.ones((m, 1), dtype=X.dtype)
    S = m if sample_weight is None else float(np.sum(sample_weight))  # the normalizer: m, or Σ w_i

    A = [np.hstack([ones, X])]  # a(1) = [1, x]; (m, s_1 + 1)
    for l in range(L - 2):
        Z = A[l] @ Thetas_x[l].T  # z(l+1) = Θ(l) a(l); (m, s_{l+1})
        A.append(np.hstack([ones, g(Z)]))  # a(l+1) = [1, g(z(l+1))]; (m, s_{l+1} + 1)
    Z_L = A[L - 2] @ Thetas_x[L - 2].T  # z(L); (m, K)
    H = spec.h.h(Z_L)  # h = a(L); (m, K)
    J = spec.h.loss(Z_L, Y, sample_weight) / S  # the loss from the logits: finite for any z
    J += alpha / (2 * S) * sum(float(np.sum(T[:, 1:] ** 2)) for T in Thetas)  # not the bias column

    # δ(L) = h - y holds for sigmoid + binary and softmax + categorical cross-entropy,
    # and identity + squared error.
    delta = H - Y  # δ(L); (m, K)
    if sample_weight is not None:
        delta = delta * sample_weight.astype(X.dtype)[:, None]  # δ(L) = w (h - y); (m, K)
    grads = [None] * (L - 1)
    for l in reversed(range(L - 1)):
        grads[l] = (delta.T @ A[l]).astype(np.float64) / S  # D(l) = Δ(l) / m, Δ(l) = δ(l+1)^T a(l); (s_{l+1}, s_l + 1)
        grads[l][:, 1:] += (alpha / S) * Thetas[l][:, 1:]  # regularize all but the bias column
        if l > 0:
            delta = (delta @ Thetas_x[l])[:, 1:] * g_prime_from_A(A[l][:, 1:])  # δ(l); (m, s_l)
    return J, params.pack(grads)
