r"""The feed-forward network: the validated face of the kernel.

:class:`Network` checks its arguments once (:mod:`nnlearn._validation`) and
calls :mod:`nnlearn.core.kernel`, where the cost

.. math::
    J(\Theta) = \frac{1}{m} \sum_{i=1}^m \sum_{k=1}^K \mathrm{loss}(z^{(L)}_{ik}, y_{ik})
        + \frac{\alpha}{2m} \sum_l \sum_{j, k \ge 1} \left(\Theta^{(l)}_{jk}\right)^2

and its gradient by backpropagation are computed (``alpha`` is the course's
:math:`\lambda`; the bias column is not regularized). The loss is the
cross-entropy for the sigmoid and softmax outputs (classification) and half the
squared error for the identity output (regression):

.. math::
    J(\Theta) = \frac{1}{2m} \sum_{i=1}^m \lVert h(x^{(i)}) - y^{(i)} \rVert^2
        + \frac{\alpha}{2m} \sum_l \sum_{j, k \ge 1} \left(\Theta^{(l)}_{jk}\right)^2
"""

from __future__ import annotations

import numpy as np

from . import _validation as v
from .core import kernel, params
from .core.losses import OUTPUTS

__all__ = ["Network"]


class Network:
    """A fully connected feed-forward network with the course's parameter layout.

    Parameters
    ----------
    layer_sizes : sequence of int, length L >= 2
        ``[s_1, ..., s_L]``: inputs, hidden layers, outputs (e.g. ``[400, 25, 10]``).
    activation : {"sigmoid", "logistic", "tanh", "relu"} or a list of them
        Activation of every hidden layer, or one per hidden layer (``["tanh", "relu"]``
        for two hidden layers).
    output : {"sigmoid", "logistic", "softmax", "identity"}
        ``"sigmoid"``: K independent sigmoid units with the summed binary
        cross-entropy (the course's model; K = 1 is a binary classifier).
        ``"softmax"``: a softmax layer with categorical cross-entropy (K >= 2).
        ``"identity"``: K linear units, :math:`h = z`, with half the squared
        error (regression; the targets are real numbers).

    Attributes
    ----------
    spec : nnlearn.core.Spec
        What the kernel needs (layer sizes, activation, output), for calling
        :mod:`nnlearn.core` directly on checked arrays.

    Examples
    --------
    >>> net = Network([400, 25, 10])
    >>> net.n_params
    10285
    """

    def __init__(self, layer_sizes, activation="sigmoid", output="sigmoid"):
        layer_sizes, output = v.check("Network", layer_sizes=layer_sizes, output=output)
        activation = v.Activations().check(activation, "activation", "Network")
        if isinstance(activation, tuple) and len(activation) != len(layer_sizes) - 2:
            raise ValueError(v.message("activation", "Network", f"one activation per hidden layer ({len(layer_sizes) - 2} "
                                       f"for layer_sizes {list(layer_sizes)}) or a str", v.describe(list(activation))))
        min_units = OUTPUTS[output].min_units
        if layer_sizes[-1] < min_units:
            raise ValueError(v.message(
                "layer_sizes", "Network", f"a sequence ending with at least {min_units} output units for output={output!r}",
                v.describe(list(layer_sizes)),
            ))
        self.spec = kernel.Spec(layer_sizes, activation, output)

    def __repr__(self):
        return (
            f"Network(layer_sizes={list(self.layer_sizes)}, activation={self.activation!r}, "
            f"output={self.output!r})"
        )

    def _repr_html_(self):
        """Jupyter's view: layer sizes, parameter count, activations and a small diagram."""
        from .display import network_svg, summary_html

        shapes = ", ".join(f"{rows}×{cols}" for rows, cols in params.layer_shapes(self.layer_sizes))
        hidden = str(self.activation) if len(self.layer_sizes) > 2 else "no hidden layer"
        pairs = [("layer sizes", "-".join(map(str, self.layer_sizes))), ("parameters", f"{self.n_params:,} ({shapes})"),
                 ("hidden activation", hidden), ("output", self.output)]
        return summary_html("Network", pairs, extra=network_svg(self.layer_sizes))

    @property
    def layer_sizes(self):
        """``(s_1, ..., s_L)``, a tuple of ints."""
        return self.spec.layer_sizes

    @property
    def activation(self):
        """The hidden layers' activation (canonical name: ``"logistic"`` reads ``"sigmoid"``), or a tuple of one per layer."""
        return self.spec.activation

    @property
    def output(self):
        """The output layer (canonical name)."""
        return self.spec.output

    @property
    def n_params(self):
        r"""Number of parameters, :math:`\sum_l s_{l+1} (s_l + 1)`."""
        return self.spec.n_params

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
        rule = f"a list of {len(shapes)} matrices of shapes {shapes}"
        if isinstance(Thetas, np.ndarray) or not hasattr(Thetas, "__len__") or len(Thetas) != len(shapes):
            got = f"{len(Thetas)} matrices" if hasattr(Thetas, "__len__") else v.describe(Thetas)
            raise ValueError(v.message("Thetas", "Network.pack", rule, got))
        for l, (T, shape) in enumerate(zip(Thetas, shapes)):
            if np.shape(T) != shape:
                raise ValueError(v.message("Thetas", "Network.pack", rule, f"Thetas[{l}] of shape {np.shape(T)}"))
        return params.pack(Thetas)

    def unpack(self, theta):
        """Views of ``theta`` (n_params,) as ``Thetas``, ``Thetas[l]`` of shape (s_{l+1}, s_l + 1)."""
        return params.unpack(v.check_theta(theta, self.n_params, "Network.unpack"), self.layer_sizes)

    def init_weights(self, method="uniform", epsilon=0.12, random_state=None):
        """Initial ``theta`` (n_params,); see :func:`nnlearn.core.params.init_weights`."""
        method, epsilon, random_state = v.check(
            "Network.init_weights", init=method, epsilon=epsilon, random_state=random_state
        )
        return params.init_weights(self.layer_sizes, method=method, epsilon=epsilon, random_state=random_state)

    # -- the doors of the kernel ----------------------------------------------

    def check_inputs(self, theta, X, y=None, alpha=0.0, door="Network", theta_name="theta"):
        """``(theta, X, Y, alpha)`` checked for this network, as the kernel takes them.

        ``Y`` is the target matrix (m, K) built from ``y`` (None without ``y``):
        0/1 for the sigmoid and softmax outputs, real numbers for the identity output.
        Other doors that take a network's inputs (training, gradient checking)
        call this with their own ``door`` name.
        """
        theta = v.check_theta(theta, self.n_params, door, name=theta_name)
        X = v.check_X(X, door, n_features=self.n_features, feature_source="the network's layer_sizes[0]")
        Y = None if y is None else v.check_targets(y, X.shape[0], self.n_outputs, self.output, door)
        return theta, X, Y, v.check(door, alpha=alpha)

    def cost(self, theta, X, y, alpha=0.0, sample_weight=None):
        """The regularized cost J (float) at ``theta``; see :meth:`cost_and_gradient`."""
        door = "Network.cost"
        theta, X, Y, alpha = self.check_inputs(theta, X, y, alpha, door)
        w = v.check_sample_weight(sample_weight, X.shape[0], door)
        return v.check_result(lambda: kernel.cost(theta, X, Y, alpha, self.spec, w), "cost", door, theta, X)

    def cost_and_gradient(self, theta, X, y, alpha=0.0, sample_weight=None):
        """Regularized cost and its gradient by backpropagation.

        Parameters
        ----------
        theta : ndarray of shape (n_params,)
        X : ndarray of shape (m, s_1)
            float32 input is computed in float32 (cost accumulated and gradient
            returned in float64); anything else in float64.
        y : ndarray of shape (m,) with class indices 0..K-1 (0/1 for K = 1),
            or of shape (m, K) with 0/1 targets. Both forms give identical results.
            For the identity output: real targets of shape (m,) (K = 1) or (m, K).
        alpha : float >= 0
            The course's lambda.
        sample_weight : ndarray of shape (m,) or None
            Weights >= 0 of the examples (positive sum). J and the gradient are
            then weighted sums divided by the total weight S instead of m, the
            regularization term too (:math:`\alpha / 2S`), as in scikit-learn:
            integer weights equal repeated rows, a zero weight a dropped row.

        Returns
        -------
        J : float
        grad : ndarray of shape (n_params,), float64, in ``theta``'s layout

        Raises
        ------
        FloatingPointError
            If J or the gradient overflow float64 (weights or inputs far too large).
        """
        door = "Network.cost_and_gradient"
        theta, X, Y, alpha = self.check_inputs(theta, X, y, alpha, door)
        w = v.check_sample_weight(sample_weight, X.shape[0], door)
        return v.check_result(lambda: kernel.cost_and_gradient(theta, X, Y, alpha, self.spec, w), "cost and gradient",
                              door, theta, X)

    def predict_proba(self, theta, X):
        """Output activations ``h`` of shape (m, K) (sigmoid units, softmax rows or identity units).

        Raises FloatingPointError if they overflow float64 (never NaN probabilities).
        """
        door = "Network.predict_proba"
        theta, X, _, _ = self.check_inputs(theta, X, door=door)
        return v.check_result(lambda: kernel.forward(theta, X, self.spec), "output activations", door, theta, X)

    def predict(self, theta, X):
        """Predictions of shape (m,) for classification outputs, (m, K) for the identity output.

        Sigmoid and softmax outputs: the class index 0..K-1 (argmax of h) for
        K > 1, or 0/1 (h >= 0.5) for K == 1. Identity output (regression): the
        outputs h themselves, an (m, K) float64 array (the same as
        :meth:`predict_proba`; K = 1 keeps its column).
        """
        door = "Network.predict"
        theta, X, _, _ = self.check_inputs(theta, X, door=door)
        H = v.check_result(lambda: kernel.forward(theta, X, self.spec), "output activations", door, theta, X)
        return H if self.spec.h.regression else kernel.predict(H)
