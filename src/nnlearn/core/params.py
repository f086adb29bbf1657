r"""The one canonical parameter layout: ``Thetas`` and the flat vector ``theta``.

``Thetas[l]`` has shape ``(s_{l+1}, s_l + 1)``; column 0 holds the bias
weights (the Octave layout of the course). The flat vector ``theta`` is the
concatenation of every ``Thetas[l]`` raveled in row-major (C) order, layer by
layer. This module is the only code that knows that layout. It trusts its
arguments (the doors check them), except that :func:`unpack` refuses a vector
of the wrong size.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "layer_shapes",
    "layer_offsets",
    "n_params",
    "pack",
    "unpack",
    "split_bias",
    "init_weights",
    "debug_weights",
    "INIT_METHODS",
]

INIT_METHODS = ("uniform", "glorot", "normal", "debug")


def layer_shapes(layer_sizes):
    """Shapes of ``Thetas``: ``[(s_2, s_1 + 1), (s_3, s_2 + 1), ...]``."""
    return [(fan_out, fan_in + 1) for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def layer_offsets(layer_sizes):
    """``(start, end, shape)`` of each ``Thetas[l]`` inside the flat ``theta``."""
    offsets, start = [], 0
    for shape in layer_shapes(layer_sizes):
        end = start + shape[0] * shape[1]
        offsets.append((start, end, shape))
        start = end
    return offsets


def n_params(layer_sizes):
    r"""Number of parameters, :math:`\sum_l s_{l+1} (s_l + 1)`."""
    return sum(rows * cols for rows, cols in layer_shapes(layer_sizes))


def pack(Thetas):
    """Flatten ``Thetas`` into one float64 vector, layer by layer, each in C order.

    Parameters
    ----------
    Thetas : list of ndarray, ``Thetas[l]`` of shape (s_{l+1}, s_l + 1)

    Returns
    -------
    theta : ndarray of shape (n_params,), float64, a new array
    """
    return np.concatenate([np.asarray(T, dtype=np.float64).ravel(order="C") for T in Thetas])


def unpack(theta, layer_sizes):
    """Views of the flat ``theta`` as the list ``Thetas``.

    Parameters
    ----------
    theta : ndarray of shape (n_params,)
    layer_sizes : sequence of int

    Returns
    -------
    Thetas : list of ndarray, ``Thetas[l]`` of shape (s_{l+1}, s_l + 1), views of ``theta``

    Raises
    ------
    ValueError
        If ``theta`` does not have exactly ``n_params(layer_sizes)`` entries.
    """
    theta = np.asarray(theta)  # a list is accepted too (then the matrices view a new array)
    expected = n_params(layer_sizes)
    if theta.ndim != 1 or theta.size != expected:
        raise ValueError(
            f"theta has {theta.size} entries (shape {theta.shape}), but a network with "
            f"layer_sizes {tuple(layer_sizes)} has {expected} parameters; "
            f"expected a 1-D array of length {expected}."
        )
    return [theta[start:end].reshape(shape) for start, end, shape in layer_offsets(layer_sizes)]


def split_bias(Thetas):
    """Split each ``Thetas[l]`` into weights ``W[l]`` (s_{l+1}, s_l) and biases ``b[l]`` (s_{l+1},).

    Both are views: read-only use only (plots, the scikit-learn style
    ``coefs_``/``intercepts_`` views). The regularized weights are exactly ``W``.
    """
    return [T[:, 1:] for T in Thetas], [T[:, 0] for T in Thetas]


def debug_weights(fan_out, fan_in):
    r"""The course's deterministic ``debugInitializeWeights``: shape (fan_out, 1 + fan_in).

    Notes
    -----
    Octave fills ``sin(1:numel(W)) / 10`` into ``W`` in column-major order, and
    the course's Python exercise does the same
    (``np.sin(np.arange(1, 1 + (1 + fan_in) * fan_out)) / 10.0`` reshaped with
    ``order='F'``), so (0-based)
    :math:`W_{ij} = \sin(1 + i + j \cdot \mathrm{fan\_out}) / 10`.
    """
    W = np.sin(np.arange(1, fan_out * (fan_in + 1) + 1, dtype=np.float64)) / 10
    return W.reshape((fan_out, fan_in + 1), order="F").copy(order="C")


def init_weights(layer_sizes, method="uniform", epsilon=0.12, random_state=None):
    r"""Initial flat ``theta`` for a network with ``layer_sizes``.

    Parameters
    ----------
    layer_sizes : sequence of int
    method : {"uniform", "glorot", "normal", "debug"}
        ``"uniform"``: every entry from :math:`U(-\epsilon, \epsilon)` (the course's
        randInitializeWeights, ``epsilon=0.12``). ``"glorot"``: the same with
        :math:`\epsilon_l = \sqrt{6} / \sqrt{s_l + s_{l+1}}` per layer. ``"normal"``:
        weights from :math:`N(0, 0.01^2)`, biases zero (the planar exercise).
        ``"debug"``: the course's deterministic sin-based values.
    epsilon : float, used by ``"uniform"`` only
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    theta : ndarray of shape (n_params,), float64
    """
    rng = np.random.default_rng(random_state)
    Thetas = []
    for fan_out, cols in layer_shapes(layer_sizes):
        fan_in = cols - 1
        if method == "uniform":
            Theta = rng.uniform(-epsilon, epsilon, size=(fan_out, cols))
        elif method == "glorot":
            epsilon_l = np.sqrt(6.0) / np.sqrt(fan_in + fan_out)
            Theta = rng.uniform(-epsilon_l, epsilon_l, size=(fan_out, cols))
        elif method == "normal":
            Theta = np.zeros((fan_out, cols))
            Theta[:, 1:] = 0.01 * rng.standard_normal((fan_out, fan_in))
        else:
            Theta = debug_weights(fan_out, fan_in)
        Thetas.append(Theta)
    return pack(Thetas)
