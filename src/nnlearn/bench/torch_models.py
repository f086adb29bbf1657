r"""The benchmark's PyTorch versions of nnlearn's networks: the same math, written as a PyTorch user would.

Every model here has one leaf tensor per :math:`\Theta^{(l)}` (column 0 the
bias), nnlearn's activations, the loss from the logits summed over the
examples and divided by m, plus :math:`\frac{\alpha}{2m}\sum \Theta_{:,1:}^2`.
PyTorch is imported only by the functions that need it (and only in the
benchmark's PyTorch child processes).
"""

from __future__ import annotations

import numpy as np

from ..core import params

__all__ = ["TORCH_HINT", "import_torch", "torch_cost_and_gradient", "torch_loss", "torch_thetas", "torch_optimizer"]

TORCH_HINT = "pip install torch==2.13.0 (the CPU build)"


def import_torch():
    """The torch module, or an ImportError that says how to install it."""
    try:
        import torch
    except ImportError:
        raise ImportError(f"PyTorch is not installed; {TORCH_HINT}.") from None
    return torch


def torch_thetas(theta, layer_sizes, dtype="float64"):
    """Leaf tensors ``Thetas[l]`` (s_{l+1}, s_l + 1) that require a gradient, copies of the flat ``theta``."""
    torch = import_torch()
    tdtype = {"float64": torch.float64, "float32": torch.float32}[dtype]
    return [torch.tensor(T, dtype=tdtype, requires_grad=True) for T in params.unpack(theta, layer_sizes)]


def torch_loss(Thetas, X_t, targets, alpha, activation, output, m):
    r"""J of the network ``Thetas`` on the tensors ``X_t`` (m, s_1) and ``targets`` (0/1 (m, K), or labels (m,) for softmax).

    .. math::
        J = \frac{1}{m} \sum_i \mathrm{loss}(z^{(L)}_i, y_i) + \frac{\alpha}{2m} \sum_l \sum_{j,k \ge 1} \Theta^{(l)2}_{jk}
    """
    torch = import_torch()
    functional = torch.nn.functional
    g = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[activation]
    A = X_t
    for l, T in enumerate(Thetas):
        Z = A @ T[:, 1:].T + T[:, 0]
        A = g(Z) if l < len(Thetas) - 1 else Z
    if output == "sigmoid":
        loss = functional.binary_cross_entropy_with_logits(A, targets, reduction="sum")
    else:
        loss = functional.cross_entropy(A, targets, reduction="sum")
    return loss / m + alpha / (2 * m) * sum((T[:, 1:] ** 2).sum() for T in Thetas)


def torch_targets(Y, output, dtype="float64"):
    """The targets ``torch_loss`` takes: Y (m, K) as a tensor, or the labels (m,) for a softmax output."""
    torch = import_torch()
    if output == "softmax":
        return torch.from_numpy(np.argmax(Y, axis=1))
    return torch.from_numpy(np.ascontiguousarray(Y, dtype=dtype))


def torch_cost_and_gradient(net, X, Y, alpha, dtype="float64"):
    r"""A PyTorch autograd version of ``net``'s cost and gradient, as a function of theta.

    Parameters
    ----------
    net : nnlearn.Network
    X : ndarray of shape (m, s_1)
    Y : ndarray of shape (m, K), 0/1 targets (one-hot for softmax)
    alpha : float, the course's lambda
    dtype : {"float64", "float32"}, the precision PyTorch computes in

    Returns
    -------
    f : callable, ``f(theta)`` -> ``(J, grad)`` with grad of shape (n_params,), float64

    Notes
    -----
    :func:`torch_loss` (``torch.sigmoid``/``tanh``/``relu``, the loss from the logits by
    ``binary_cross_entropy_with_logits`` or ``cross_entropy``, summed, the L2 term) and
    ``J.backward()``. X and Y are converted to tensors once, outside ``f``.
    """
    torch = import_torch()
    X_t = torch.from_numpy(np.ascontiguousarray(X, dtype=dtype))
    targets = torch_targets(Y, net.output, dtype)
    m = X.shape[0]

    def f(theta):
        Thetas = torch_thetas(theta, net.layer_sizes, dtype)
        J = torch_loss(Thetas, X_t, targets, alpha, net.activation, net.output, m)
        J.backward()
        return J.item(), params.pack([T.grad.numpy().astype(np.float64) for T in Thetas])

    return f


def torch_optimizer(Thetas, method, learning_rate, momentum=0.0):
    """``torch.optim.SGD`` (gd, sgd with ``momentum``) or ``torch.optim.Adam`` (betas 0.9, 0.999, eps 1e-8).

    PyTorch's momentum keeps ``v = mu v + grad`` and steps ``-lr v``; nnlearn's keeps
    ``v = mu v - lr grad`` and steps ``+v``: the same iterates for a constant learning rate.
    """
    torch = import_torch()
    if method == "adam":
        return torch.optim.Adam(Thetas, lr=learning_rate, betas=(0.9, 0.999), eps=1e-8)
    return torch.optim.SGD(Thetas, lr=learning_rate, momentum=momentum if method == "sgd" else 0.0)
