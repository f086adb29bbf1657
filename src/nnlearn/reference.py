r"""The course's backpropagation, one training example at a time (for teaching).

This is the textbook algorithm, steps 1-5, written with column vectors and the
bias unit prepended, exactly as the exercise describes it. It computes the same
numbers as :meth:`nnlearn.Network.cost_and_gradient` (a test checks that) but
loops over examples in Python, so it is many times slower; ``nnlearn bench``
shows how much.
"""

from __future__ import annotations

import numpy as np

from . import params

__all__ = ["backprop_loop"]


def backprop_loop(net, theta, X, y, alpha=0.0):
    r"""Cost and gradient by the per-example loop of the course.

    Parameters
    ----------
    net : nnlearn.Network
    theta : ndarray of shape (n_params,)
    X : ndarray of shape (m, s_1)
    y : ndarray of shape (m,) class indices, or (m, K) 0/1 targets
    alpha : float >= 0, the course's lambda

    Returns
    -------
    J : float
    grad : ndarray of shape (n_params,)

    Notes
    -----
    For each example t = 1..m:

    1. Forward pass: :math:`a^{(1)} = [1; x^{(t)}]`, :math:`z^{(l+1)} = \Theta^{(l)} a^{(l)}`,
       :math:`a^{(l+1)} = [1; g(z^{(l+1)})]` (no bias unit on the output layer).
    2. Output error: :math:`\delta^{(L)} = a^{(L)} - y^{(t)}`.
    3. Hidden errors: :math:`\delta^{(l)} = (\Theta^{(l)})^T \delta^{(l+1)} \odot g'(z^{(l)})`,
       dropping the bias entry :math:`\delta^{(l)}_0`.
    4. Accumulate: :math:`\Delta^{(l)} \mathrel{+}= \delta^{(l+1)} (a^{(l)})^T`.
    5. Average and regularize: :math:`D^{(l)} = \Delta^{(l)} / m + (\alpha / m)\, \Theta^{(l)}`
       for every column but the bias column.
    """
    theta, X, Y, alpha = net._check(theta, X, y, alpha)
    Thetas = net.unpack(theta)
    g = net._activation.g
    g_prime_from_A = net._activation.g_prime_from_A
    m = X.shape[0]
    L = len(net.layer_sizes)

    Deltas = [np.zeros_like(T) for T in Thetas]
    J = 0.0
    for t in range(m):
        # Step 1: forward pass with column vectors; a[l] carries the bias unit.
        a = [np.concatenate(([1.0], X[t])).reshape(-1, 1)]  # a(1) = [1; x]; (s_1 + 1, 1)
        for l in range(L - 2):
            z = Thetas[l] @ a[l]  # z(l+1) = Θ(l) a(l); (s_{l+1}, 1)
            a.append(np.vstack(([[1.0]], g(z))))  # a(l+1) = [1; g(z(l+1))]
        z_L = Thetas[L - 2] @ a[L - 2]  # (K, 1)
        h = net._output.h(z_L.T).T  # a(L) = h; (K, 1)
        y_t = Y[t].reshape(-1, 1)  # (K, 1)
        J += net._output.loss(z_L.T, y_t.T)

        # Step 2: error of the output layer (sigmoid/softmax with cross-entropy).
        delta = h - y_t  # δ(L); (K, 1)
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
