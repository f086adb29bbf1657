"""MLPClassifier: the network as a scikit-learn estimator."""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from . import _validation as v
from .core import kernel, params
from .network import Network
from .optimize import TrainingDiverged, check_training, run_training

__all__ = ["MLPClassifier", "convergence_warning"]


def convergence_warning(result, tol):
    """The message of the ConvergenceWarning a fit deserves, or None: the estimators' one rule.

    Stopping at ``max_iter`` is how the course trains (a budget of iterations,
    e.g. 50 of fmincg), not a failure, so it alone warns of nothing. A fit warns
    only when you asked for a tolerance (``tol`` not None), the solver is one
    that uses it (the scipy solvers: "CG", "L-BFGS-B", "TNC", "BFGS"), and the
    run stopped at ``max_iter`` before meeting it.
    """
    from .core.optimizers import SCIPY_METHODS

    if tol is None or result.method not in SCIPY_METHODS or result.converged:
        return None
    if not result.message.startswith("reached max_iter") or result.n_iter == 0:
        return None
    return (f"{result.method} stopped at max_iter={result.n_iter} iterations before the gradient tolerance "
            f"tol={tol:g} was met; increase max_iter, or set tol=None to train for a fixed number of iterations.")


@contextlib.contextmanager
def _naming_X():
    """scikit-learn's "could not convert string to float: 'a'" does not say which argument: name X."""
    try:
        yield
    except ValueError as err:
        if not str(err).startswith("could not convert"):
            raise
        raise ValueError(v.message("X", "MLPClassifier", "an array of numbers", f"a value that is not a number ({err})")) from err


# The hyperparameters, each checked by the rule of the same name in nnlearn._validation.RULES.
_HYPERPARAMETERS = (
    "hidden_layer_sizes", "activation", "output", "alpha", "solver", "max_iter", "learning_rate", "batch_size",
    "momentum", "init", "epsilon_init", "tol", "random_state", "verbose",
)


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
        It also decides the ConvergenceWarning: a fit stopped by ``max_iter``
        warns only when ``tol`` is set and a scipy solver did not meet it (the
        other solvers ignore ``tol``). With ``tol=None`` (the default) ``max_iter``
        is a budget, as in the course, and reaching it is silent.
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
        """Every hyperparameter checked by its rule, as a dict name -> value to use."""
        cls = type(self).__name__
        return dict(zip(_HYPERPARAMETERS, v.check(cls, **{name: getattr(self, name) for name in _HYPERPARAMETERS})))

    # -- fit / predict ------------------------------------------------------

    def fit(self, X, y):
        """Train on X (m, n) and labels y (m,) of any values; returns self.

        Every hyperparameter and the data are checked, and the network is
        trained, before any fitted attribute is set: a fit that raises leaves the
        estimator as it was (unfitted, or with its previous weights and results).
        """
        before = dict(self.__dict__)
        try:
            return self._fit(X, y)
        except BaseException:
            # validate_data records n_features_in_ (and feature names) as soon as it has read X:
            # put back exactly what was there, so nothing of a failed or interrupted fit remains.
            self.__dict__.clear()
            self.__dict__.update(before)
            raise

    def _fit(self, X, y):
        cls = type(self).__name__
        hp = self._validate_hyperparameters()
        with _naming_X():
            X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], y_numeric=False, multi_output=False)
        v.warn_large_features(float(np.max(np.abs(X))), "X")
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        classes, y_index = np.unique(y, return_inverse=True)
        if classes.size < 2:
            raise ValueError(v.message("y", cls, "labels of at least 2 classes", f"only 1 class, {classes.tolist()[0]!r}"))
        K = 1 if classes.size == 2 and hp["output"] == "sigmoid" else classes.size
        net = Network([X.shape[1], *hp["hidden_layer_sizes"], K], activation=hp["activation"], output=hp["output"])
        options = check_training(cls, net.n_params, X.shape[0], hp["solver"], hp["max_iter"], hp["learning_rate"],
                                 hp["batch_size"], hp["momentum"], hp["tol"], None, hp["random_state"], "solver")
        theta0 = params.init_weights(net.layer_sizes, method=hp["init"], epsilon=hp["epsilon_init"],
                                     random_state=hp["random_state"])
        Y = v.check_targets(y_index, X.shape[0], K, net.output, cls)

        progress = None
        if hp["verbose"]:
            from .progress import bar

            progress = bar(hp["max_iter"], f"{cls} ({self.solver})", unit="it", leave=True)

            def callback(iteration, theta, cost):
                progress.update(1)
                progress.set_postfix(cost=f"{cost:.6f}")

            options["callback"] = callback
        try:
            result = run_training(net, theta0, X, Y, hp["alpha"], options)
        except TrainingDiverged as err:
            raise ValueError(f"{cls}.fit: {err}") from err
        finally:
            if progress is not None:
                progress.close()
        # Only now, with the new model complete, are the fitted attributes set.
        self.classes_ = classes
        self.network_ = net
        self._set_weights(net, result.theta, result.cost_history)
        self.train_result_ = result
        warning = convergence_warning(result, hp["tol"])
        if warning:
            warnings.warn(warning, ConvergenceWarning, stacklevel=2)
        return self

    def _set_weights(self, net, theta, cost_history):
        self.thetas_ = [T.copy() for T in params.unpack(theta, net.layer_sizes)]
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
        v.warn_large_features(float(np.max(np.abs(X))), "X")
        return v.check_result(lambda: kernel.forward(self.thetas_, X, self.network_.spec), "output activations",
                              f"{type(self).__name__}.predict", self.thetas_, X)

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
        index = kernel.predict(self._output_activations(X))  # checks that the estimator is fitted
        return self.classes_[index]
