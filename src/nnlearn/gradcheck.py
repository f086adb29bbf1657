r"""Gradient checking: central differences against backpropagation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validation as v
from .core import kernel, params

__all__ = ["numerical_gradient", "relative_difference", "gradient_check", "debug_problem", "GradientCheck", "VARIANTS",
           "THRESHOLD"]


def numerical_gradient(f, theta, eps=1e-4):
    r"""Central-difference gradient of ``f`` at ``theta`` (the course's computeNumericalGradient).

    Parameters
    ----------
    f : callable
        ``f(theta)`` returns J, or a tuple whose first item is J (e.g. ``(J, grad)``).
    theta : ndarray of shape (n,)
    eps : float > 0

    Returns
    -------
    grad : ndarray of shape (n,)

    Notes
    -----
    .. math::
        \frac{\partial J}{\partial \theta_i} \approx
        \frac{J(\theta + \epsilon e_i) - J(\theta - \epsilon e_i)}{2 \epsilon}

    with an error of order :math:`\epsilon^2`.
    """
    door = "numerical_gradient"
    f = v.Function(allow_none=False).check(f, "f", door)
    eps = v.check(door, eps=eps)
    theta = np.array(v.check_theta(theta, None, door), dtype=np.float64)  # a copy, perturbed in place
    return central_differences(f, theta, eps)


def central_differences(f, theta, eps):
    """:func:`numerical_gradient` on checked arguments; ``theta`` (float64, (n,)) is perturbed and restored."""

    def J(t):
        value = f(t)
        value = value[0] if isinstance(value, tuple) else value
        if isinstance(value, (str, bytes)) or np.ndim(value) != 0:
            raise TypeError(f"f must return a scalar J (or a tuple (J, ...)); got {type(value).__name__} {value!r:.60}.")
        J_value = float(value)
        if not np.isfinite(J_value):
            raise ValueError(f"f returned a non-finite cost {J_value} near theta[{i}]; the gradient would be NaN.")
        return J_value

    grad = np.empty_like(theta)
    for i in range(theta.size):
        saved = theta[i]
        theta[i] = saved + eps
        J_plus = J(theta)
        theta[i] = saved - eps
        J_minus = J(theta)
        theta[i] = saved
        grad[i] = (J_plus - J_minus) / (2 * eps)
    return grad


def relative_difference(numerical, analytical):
    r""":math:`\|n - a\| / \|n + a\|` (0 when both are zero).

    Both vectors are divided by their largest entry first, which leaves the
    ratio unchanged and keeps the norms finite for entries near the float64
    limit (squaring 1e155 would overflow).
    """
    numerical, analytical = np.asarray(numerical, dtype=np.float64), np.asarray(analytical, dtype=np.float64)
    scale = max(float(np.max(np.abs(numerical), initial=0.0)), float(np.max(np.abs(analytical), initial=0.0)))
    if scale == 0 or not np.isfinite(scale):
        return 0.0 if scale == 0 else float("nan")
    numerical, analytical = numerical / scale, analytical / scale
    denominator = np.linalg.norm(numerical + analytical)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(numerical - analytical) / denominator)


# The two versions of the course's exercise, which list the same gradient in different orders.
VARIANTS = ("python", "octave")
# The largest relative difference a correct backpropagation gives on the debug network (the course's bound).
THRESHOLD = 1e-9


@dataclass
class GradientCheck:
    """Result of :func:`gradient_check`.

    Attributes
    ----------
    relative_difference : float
        ``norm(num - ana) / norm(num + ana)``; below 1e-9 for a correct backprop.
    max_abs_error : list of float
        Per weight matrix ``Thetas[l]``: the largest ``|num - ana|``, so a wrong layer is named.
    numerical, analytical : ndarray of shape (n_params,)
        In nnlearn's flat layout (each ``Thetas[l]`` raveled row by row).
    layer_sizes : tuple of int
    threshold : float
        The check passes when ``relative_difference < threshold``.
    """

    relative_difference: float
    max_abs_error: list
    numerical: np.ndarray
    analytical: np.ndarray
    layer_sizes: tuple
    threshold: float = THRESHOLD

    @property
    def passed(self):
        """True when ``relative_difference < threshold``."""
        return bool(self.relative_difference < self.threshold)

    @property
    def worst_layer(self):
        """Index l of the ``Thetas[l]`` with the largest error."""
        return int(np.argmax(self.max_abs_error))

    def table(self):
        """The per-layer breakdown as rows ``(l, shape, max_abs_error)``."""
        shapes = params.layer_shapes(self.layer_sizes)
        return [(l, shapes[l], err) for l, err in enumerate(self.max_abs_error)]

    def columns(self, variant="python"):
        """The numerical and the analytical gradient side by side, in the exercise's order.

        Parameters
        ----------
        variant : {"python", "octave"}, default="python"
            ``"python"``: the order of the course's Python exercise
            (``np.concatenate([Theta1.ravel(), Theta2.ravel()])``, each matrix
            row by row), which is nnlearn's flat layout. ``"octave"``: the
            order of the original Octave exercise (``[Theta1(:) ; Theta2(:)]``,
            each matrix column by column).

        Returns
        -------
        columns : ndarray of shape (n_params, 2)
            Column 0 the numerical gradient, column 1 the analytical one, as the
            exercise's ``checkNNGradients`` prints them.
        """
        variant = v.Option(VARIANTS).check(variant, "variant", "GradientCheck.columns")
        pair = np.stack([self.numerical, self.analytical], axis=1)  # (n_params, 2)
        if variant == "python":
            return pair
        order = np.concatenate([np.arange(start, end).reshape(shape).ravel(order="F")
                                for start, end, shape in params.layer_offsets(self.layer_sizes)])
        return pair[order]

    def format_columns(self, variant="python"):
        """:meth:`columns` as the exercise prints them.

        ``"python"``: ``print(np.stack([numgrad, grad], axis=1))``, NumPy's
        array text under the current print options. ``"octave"``: Octave's
        ``disp([numgrad grad])`` of this matrix: each value with 5 significant
        digits in e-notation, right-aligned in 13 characters.
        """
        variant = v.Option(VARIANTS).check(variant, "variant", "GradientCheck.format_columns")
        columns = self.columns(variant)
        if variant == "python":
            return str(columns)
        return "\n".join(f"{num:13.4e}{ana:13.4e}" for num, ana in columns)

    def __repr__(self):
        return (f"GradientCheck(relative_difference={self.relative_difference:.3g}, threshold={self.threshold:g}, "
                f"passed={self.passed}, layer_sizes={tuple(self.layer_sizes)}, worst_layer={self.worst_layer})")

    def __str__(self):
        lines = [f"relative difference: {self.relative_difference:.3e}"]
        lines += [f"  Theta[{l}] {shape[0]}x{shape[1]}: max |num - ana| = {err:.3e}" for l, shape, err in self.table()]
        verdict = "PASS" if self.passed else "FAIL"
        lines.append(f"{verdict}: relative difference {'<' if self.passed else '>='} {self.threshold:g}")
        return "\n".join(lines)

    def _repr_html_(self):
        from .display import html_table, summary_html

        pairs = [
            ("network", "-".join(map(str, self.layer_sizes)) + f" ({self.numerical.size} parameters)"),
            ("relative difference", f"{self.relative_difference:.3e} (‖num − ana‖ / ‖num + ana‖)"),
            ("threshold", f"{self.threshold:g}"),
        ]
        rows = [(f"Θ({l + 1})", f"{shape[0]}×{shape[1]}", f"{err:.3e}") for l, shape, err in self.table()]
        table = html_table(["weights", "shape", "max |num − ana|"], rows, bold_row=self.worst_layer)
        badge = ("PASS", True) if self.passed else ("FAIL", False)
        return summary_html("GradientCheck", pairs, extra=table, badge=badge)


def gradient_check(net, theta, X, y, alpha=0.0, eps=1e-4, threshold=THRESHOLD):
    """Compare backpropagation with central differences at ``theta``.

    Parameters
    ----------
    net : nnlearn.Network
    theta : ndarray of shape (n_params,)
    X : ndarray of shape (m, s_1)
    y : ndarray of shape (m,) or (m, K)
    alpha : float >= 0
    eps : float > 0
    threshold : float >= 0, default=1e-9
        The check passes (``GradientCheck.passed``) when the relative difference is below it.

    Returns
    -------
    GradientCheck
        Its ``print`` is a summary with PASS or FAIL; :meth:`GradientCheck.format_columns`
        lists the two gradients as the course's exercise does.
    """
    from .network import Network

    door = "gradient_check"
    if not isinstance(net, Network):
        raise TypeError(v.message("net", door, "an nnlearn.Network", v.describe(net)))
    theta, X, Y, alpha = net.check_inputs(theta, X, y, alpha, door=door)
    eps = v.check(door, eps=eps)
    threshold = v.Real(0.0).check(threshold, "threshold", door)
    X = X.astype(np.float64)
    analytical = kernel.cost_and_gradient(theta, X, Y, alpha, net.spec)[1]
    numerical = central_differences(lambda t: kernel.cost(t, X, Y, alpha, net.spec), theta.copy(), eps)
    errors = np.abs(numerical - analytical)
    per_layer = [float(np.max(err_l)) for err_l in params.unpack(errors, net.layer_sizes)]
    return GradientCheck(relative_difference(numerical, analytical), per_layer, numerical, analytical, net.layer_sizes,
                         threshold)


def debug_problem(input_layer_size=3, hidden_layer_size=5, num_labels=3, m=5, activation="sigmoid", output="sigmoid"):
    """The course's checkNNGradients problem: a small network, deterministic weights and data.

    Both versions of the exercise build the same problem: the original Octave
    ``checkNNGradients.m`` and the Python port's ``utils.checkNNGradients``
    (dibgerge/ml-coursera-python-assignments, Exercise4) fill every debug
    matrix with ``sin(1), sin(2), ...`` divided by 10, column by column
    (``order='F'`` in the port), X by the same rule, and label example t
    (t = 1..m) with output unit ``t mod num_labels``. They differ only in the
    order they list the parameters: see :meth:`GradientCheck.columns`.

    Returns
    -------
    net : Network of layer sizes (input_layer_size, hidden_layer_size, num_labels)
    theta : ndarray of shape (n_params,), the course's debug weights
    X : ndarray of shape (m, input_layer_size), debug values
    y : ndarray of shape (m,), class indices ``t mod num_labels`` for t = 1..m
        (the course's ``1 + mod(1:m, num_labels)`` in 0-based classes)
    """
    from .network import Network

    door = "debug_problem"
    sizes = {"input_layer_size": input_layer_size, "hidden_layer_size": hidden_layer_size, "num_labels": num_labels,
             "m": m}
    input_layer_size, hidden_layer_size, num_labels, m = (v.Int(1).check(value, name, door) for name, value in sizes.items())
    activation, output = v.check(door, activation=activation, output=output)
    net = Network([input_layer_size, hidden_layer_size, num_labels], activation=activation, output=output)
    theta = params.init_weights(net.layer_sizes, method="debug")
    X = params.debug_weights(m, input_layer_size - 1)
    y = np.arange(1, m + 1) % num_labels
    return net, theta, X, y
