"""MLPClassifier: the network as a scikit-learn estimator."""

from __future__ import annotations

import contextlib
import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from . import params
from .activations import valid_activation_names
from .losses import OUTPUTS
from .network import Network
from .optimize import METHODS, TrainingDiverged, train

__all__ = ["MLPClassifier"]


@contextlib.contextmanager
def _naming_X():
    """scikit-learn's "could not convert string to float: 'a'" does not say which argument: name X."""
    try:
        yield
    except ValueError as err:
        if not str(err).startswith("could not convert"):
            raise
        raise ValueError(f"X must hold numbers; {err}") from err


_INF = float("inf")

# One table of hyperparameter constraints: name -> (kind, lower, upper, closed-lower, allow None).
_NUMERIC_CONSTRAINTS = {
    "alpha": ("real", 0.0, _INF, True, False),
    "max_iter": ("int", 0, _INF, True, False),
    "learning_rate": ("real", 0.0, _INF, False, True),
    "batch_size": ("int", 1, _INF, True, True),
    "momentum": ("real", 0.0, 1.0, True, False),
    "epsilon_init": ("real", 0.0, _INF, True, False),
    "tol": ("real", 0.0, _INF, True, True),
}
_OPTION_CONSTRAINTS = {
    "activation": valid_activation_names(),
    "output": sorted(OUTPUTS),
    "solver": list(METHODS),
    "init": list(params.INIT_METHODS),
}
# train() matches method names in any case; the activation, output and init names are matched exactly.
_CASE_INSENSITIVE_OPTIONS = ("solver",)


class MLPClassifier(ClassifierMixin, BaseEstimator):
    """Multi-layer perceptron classifier trained by backpropagation (the course's network).

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(25,)
        Units per hidden layer; ``()`` gives logistic/softmax regression.
    activation : {"sigmoid", "logistic", "tanh", "relu"}, default="sigmoid"
    output : {"sigmoid", "softmax"}, default="sigmoid"
        Two classes always use one sigmoid output unit (as scikit-learn does) when
        ``output="sigmoid"``; with ``"softmax"`` they use two softmax units.
    alpha : float >= 0, default=1.0
        L2 regularization strength, the course's lambda: J += alpha/(2m) * sum of squared weights.
    solver : str, default="CG"
        Any method of :func:`nnlearn.train`: "CG", "L-BFGS-B" (or "lbfgs"), "TNC",
        "BFGS" (small networks), "fmincg", "gd", "sgd", "adam".
    max_iter : int >= 0, default=50
        Iterations (line searches for CG/fmincg, epochs for sgd/adam).
    learning_rate : float > 0 or None, default=None
        Step size of gd/sgd/adam; None uses 1.0 (gd), 0.1 (sgd), 0.001 (adam).
    batch_size : int >= 1 or None, default=None
        Mini-batch size of sgd (None: min(200, m)) and adam (None: full batch).
    momentum : float in [0, 1), default=0.0
        Momentum of sgd.
    init : {"uniform", "glorot", "normal", "debug"}, default="uniform"
    epsilon_init : float >= 0, default=0.12
        Half-width of the uniform initialization (the course's epsilon_init).
    tol : float >= 0 or None, default=None
        Gradient tolerance of the scipy solvers (``gtol``); None keeps scipy's default (1e-5).
    random_state : None, int or Generator, default=None
        Initial weights and mini-batch order.
    verbose : bool, default=False
        Show a progress bar (iteration, cost, elapsed) on stderr.

    Attributes
    ----------
    thetas_ : list of ndarray, ``thetas_[l]`` of shape (s_{l+1}, s_l + 1), column 0 the biases
    classes_ : ndarray of shape (n_classes,)
    loss_curve_ : list of float, J after each iteration (``[0]`` at the initial weights)
    n_iter_ : int
    n_features_in_ : int
    network_ : nnlearn.Network
    train_result_ : nnlearn.optimize.TrainResult, timing and the optimizer's message
    """

    def __init__(
        self,
        hidden_layer_sizes=(25,),
        activation="sigmoid",
        output="sigmoid",
        alpha=1.0,
        solver="CG",
        max_iter=50,
        learning_rate=None,
        batch_size=None,
        momentum=0.0,
        init="uniform",
        epsilon_init=0.12,
        tol=None,
        random_state=None,
        verbose=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output = output
        self.alpha = alpha
        self.solver = solver
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.momentum = momentum
        self.init = init
        self.epsilon_init = epsilon_init
        self.tol = tol
        self.random_state = random_state
        self.verbose = verbose

    # -- validation ---------------------------------------------------------

    def _validate_hyperparameters(self):
        cls = type(self).__name__
        for name, (kind, low, high, closed_low, allow_none) in _NUMERIC_CONSTRAINTS.items():
            value = getattr(self, name)
            if value is None and allow_none:
                continue
            is_int = isinstance(value, numbers.Integral) and not isinstance(value, bool)
            ok_type = is_int if kind == "int" else (isinstance(value, numbers.Real) and not isinstance(value, bool))
            above = ok_type and (value >= low if closed_low else value > low)
            ok_range = above and (value < high if high != _INF else bool(np.isfinite(value)))
            if not ok_range:
                kind_text = "an int" if kind == "int" else "a float"
                interval = f"{'[' if closed_low else '('}{low}, {'inf)' if high == _INF else f'{high})'}"
                none_text = " or None" if allow_none else ""
                raise (ValueError if ok_type else TypeError)(
                    f"The '{name}' parameter of {cls} must be {kind_text} in the range {interval}{none_text}. "
                    f"Got {value!r} instead."
                )
        for name, options in _OPTION_CONSTRAINTS.items():
            value = getattr(self, name)
            fold = str.lower if name in _CASE_INSENSITIVE_OPTIONS else str
            if not isinstance(value, str) or fold(value) not in [fold(o) for o in options]:
                raise ValueError(f"The '{name}' parameter of {cls} must be a str among {options}. Got {value!r} instead.")
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
            sizes = (sizes,)
        try:
            sizes = tuple(sizes)
        except TypeError:
            raise TypeError(
                f"The 'hidden_layer_sizes' parameter of {cls} must be a tuple of ints such as (25,). Got {sizes!r} instead."
            ) from None
        for s in sizes:
            if isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 1:
                raise ValueError(
                    f"The 'hidden_layer_sizes' parameter of {cls} must hold ints >= 1. Got {self.hidden_layer_sizes!r} instead."
                )
        return tuple(int(s) for s in sizes)

    # -- fit / predict ------------------------------------------------------

    def fit(self, X, y):
        """Train on X (m, n) and labels y (m,) of any values; returns self."""
        hidden = self._validate_hyperparameters()
        with _naming_X():
            X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], y_numeric=False, multi_output=False)
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        classes, y_index = np.unique(y, return_inverse=True)
        if classes.size < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the data, but the data "
                f"contain only 1 class: {classes.tolist()[0]!r}."
            )
        K = 1 if classes.size == 2 and self.output == "sigmoid" else classes.size
        net = Network([X.shape[1], *hidden, K], activation=self.activation, output=self.output)
        theta0 = net.init_weights(method=self.init, epsilon=self.epsilon_init, random_state=self.random_state)

        progress = None
        callback = None
        if self.verbose:
            from tqdm.auto import tqdm

            progress = tqdm(total=self.max_iter, desc=f"{type(self).__name__} ({self.solver})", unit="it", leave=True)

            def callback(iteration, theta, cost):
                progress.update(1)
                progress.set_postfix(cost=f"{cost:.6f}")

        self.classes_ = classes
        self.network_ = net
        try:
            result = train(
                net,
                theta0,
                X,
                y_index,
                alpha=self.alpha,
                method=self.solver,
                max_iter=self.max_iter,
                learning_rate=self.learning_rate,
                batch_size=self.batch_size,
                momentum=self.momentum,
                callback=callback,
                random_state=self.random_state,
                tol=self.tol,
            )
        except TrainingDiverged as err:
            self._set_weights(net, err.theta, err.cost_history)
            raise ValueError(f"{type(self).__name__}.fit: {err}") from err
        finally:
            if progress is not None:
                progress.close()
        self._set_weights(net, result.theta, result.cost_history)
        self.train_result_ = result
        if result.message.startswith("reached max_iter") and self.max_iter > 0:
            warnings.warn(
                f"{self.solver} stopped after max_iter={self.max_iter} iterations without meeting its "
                "convergence criterion; increase max_iter for a closer optimum.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def _set_weights(self, net, theta, cost_history):
        self.thetas_ = [T.copy() for T in net.unpack(theta)]
        self.loss_curve_ = list(cost_history)
        self.n_iter_ = len(cost_history) - 1

    @property
    def coefs_(self):
        """Weights in scikit-learn's layout: ``coefs_[l]`` of shape (s_l, s_{l+1}) (read-only views)."""
        return [W.T for W in params.split_bias(self.thetas_)[0]]

    @property
    def intercepts_(self):
        """Biases in scikit-learn's layout: ``intercepts_[l]`` of shape (s_{l+1},) (read-only views)."""
        return params.split_bias(self.thetas_)[1]

    def _output_activations(self, X):
        check_is_fitted(self)
        with _naming_X():
            X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return self.network_.predict_proba(params.pack(self.thetas_), X)

    def predict_proba(self, X):
        """Class probabilities of shape (m, n_classes); rows sum to 1.

        With softmax outputs these are the softmax activations. With sigmoid
        outputs and more than 2 classes, the K independent output activations
        are divided by their row sum (the course's model does not make them sum
        to 1 by itself); with 2 classes the single unit h gives ``[1 - h, h]``.
        """
        h = self._output_activations(X)
        if h.shape[1] == 1:
            return np.hstack([1.0 - h, h])
        if self.network_.output == "softmax":
            return h
        total = h.sum(axis=1, keepdims=True)
        # All K units can underflow to 0 for extreme inputs: then no class is preferred.
        return np.divide(h, total, out=np.full_like(h, 1.0 / h.shape[1]), where=total > 0)

    def predict(self, X):
        """Predicted labels (values from ``classes_``) of shape (m,)."""
        h = self._output_activations(X)
        index = (h[:, 0] >= 0.5).astype(np.intp) if h.shape[1] == 1 else np.argmax(h, axis=1)
        return self.classes_[index]
