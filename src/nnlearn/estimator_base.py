r"""What :class:`~nnlearn.MLPClassifier` and :class:`~nnlearn.MLPRegressor` share: :class:`BaseMLP`.

The base class checks the hyperparameters once (:mod:`nnlearn._validation`),
builds or continues the network, and trains it with :func:`nnlearn.optimize.run_training`;
on the way it holds out a validation set for early stopping, continues the
previous weights for ``warm_start`` and ``partial_fit``, and weights the
examples by ``sample_weight``. The two estimators add what differs: how
targets become the target matrix ``Y`` (labels or real numbers), the output
layer, and what ``predict`` returns.

Early stopping works the same for every solver, through the optimizers'
callback: after each iteration :class:`ValidationMonitor` computes the
validation loss (the unregularized cost of the held-out rows, alpha = 0, as
the course measures the cross-validation error), keeps the weights of the best
iteration and stops the run after ``n_iter_no_change`` iterations that did not
lower the best validation loss by more than ``tol``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import warnings

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _validation as v
from .core import kernel, params
from .core.optimizers import METHODS, MINIBATCH_METHODS
from .network import Network
from .optimize import TrainingDiverged, check_training, run_training

__all__ = ["BaseMLP", "ValidationMonitor", "validation_split", "EARLY_STOPPING_TOL", "OUT_ACTIVATIONS"]

# The improvement early stopping asks of the validation loss when tol is None (scikit-learn's default tol).
EARLY_STOPPING_TOL = 1e-4
# The output layer under scikit-learn's names (out_activation_).
OUT_ACTIVATIONS = {"sigmoid": "logistic", "softmax": "softmax", "identity": "identity"}

# The hyperparameters of both estimators, in the order they are checked (each by its rule in
# nnlearn._validation.RULES, or by the estimator's own rule of the same name).
COMMON_HYPERPARAMETERS = (
    "hidden_layer_sizes", "activation", "alpha", "solver", "max_iter", "learning_rate", "batch_size", "momentum",
    "init", "epsilon_init", "tol", "random_state", "verbose", "early_stopping", "validation_fraction",
    "n_iter_no_change", "warm_start", "shuffle",
)


@contextlib.contextmanager
def naming_X(door):
    """scikit-learn's "could not convert string to float: 'a'" does not say which argument: name X and ``door``."""
    try:
        yield
    except ValueError as err:
        if not str(err).startswith("could not convert"):
            raise
        raise ValueError(v.message("X", door, "an array of numbers", f"a value that is not a number ({err})")) from err


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


def stochastic_solver(estimator):
    """True if the estimator's solver is sgd or adam (any case); else AttributeError: partial_fit is not offered."""
    solver = estimator.solver
    method = {k.lower(): m for k, m in METHODS.items()}.get(solver.lower()) if isinstance(solver, str) else None
    if method not in MINIBATCH_METHODS:
        raise AttributeError(
            f"partial_fit is only available for the solvers 'sgd' and 'adam' (one pass of mini-batch updates "
            f"over the given data); this {type(estimator).__name__} has solver={solver!r}."
        )
    return True


def validation_split(m, fraction, stratify, random_state):
    """Row indices ``(train, validation)`` of m rows, each sorted; ``fraction`` of them (rounded up) validate.

    Parameters
    ----------
    m : int
    fraction : float in (0, 1)
    stratify : ndarray of shape (m,) of class indices, or None
        With classes, each keeps its share in both parts (scikit-learn's
        ``train_test_split(stratify=...)``, which needs at least 2 rows per class).
    random_state : None, int or numpy.random.Generator

    Raises
    ------
    ValueError
        If the rows cannot be split so (too few rows, or a class too small to stratify).
    """
    from sklearn.model_selection import train_test_split

    seed = int(np.random.default_rng(random_state).integers(2**32 - 1))
    train, validation = train_test_split(np.arange(m), test_size=fraction, random_state=seed, stratify=stratify)
    return np.sort(train), np.sort(validation)


class ValidationMonitor:
    r"""The optimizers' callback of early stopping: validation loss, best weights, and when to stop.

    Parameters
    ----------
    spec : nnlearn.core.Spec
    X, Y : ndarrays of shape (m_val, s_1) and (m_val, K), the held-out rows (checked)
    sample_weight : ndarray of shape (m_val,) or None
    theta0 : ndarray of shape (n_params,), the weights before the first iteration
    tol : float >= 0, the improvement that counts
    n_iter_no_change : int >= 1

    Attributes
    ----------
    losses : list of float, the validation loss at theta0 and after each iteration
    best_loss : float, the smallest of them; best_theta, best_iteration: its weights and iteration
    stopped : bool, True once it has asked the optimizer to stop

    Notes
    -----
    The validation loss is the unregularized cost of the held-out rows,
    :math:`J_{val}(\Theta) = \frac{1}{m_{val}} \sum_i \sum_k \mathrm{loss}(z_{ik}, y_{ik})`
    (weighted as the training cost when there are sample weights). An
    iteration improves when its loss is below ``best_loss - tol``; after
    ``n_iter_no_change`` iterations in a row that do not, the callback returns
    True and the optimizer stops.
    """

    def __init__(self, spec, X, Y, sample_weight, theta0, tol, n_iter_no_change):
        self.spec, self.X, self.Y, self.sample_weight = spec, X, Y, sample_weight
        self.tol, self.n_iter_no_change = tol, n_iter_no_change
        self.losses = [self.loss(theta0)]
        self.best_loss, self.best_theta, self.best_iteration = self.losses[0], theta0.copy(), 0
        self.n_no_improvement, self.stopped = 0, False

    def loss(self, theta):
        """The validation loss at ``theta`` (alpha = 0); inf if it overflows."""
        with np.errstate(over="ignore", invalid="ignore"):
            J = kernel.cost(theta, self.X, self.Y, 0.0, self.spec, self.sample_weight)
        return J if np.isfinite(J) else float("inf")

    def __call__(self, iteration, theta, J):
        loss = self.loss(theta)
        self.losses.append(loss)
        self.n_no_improvement = 0 if loss < self.best_loss - self.tol else self.n_no_improvement + 1
        if loss < self.best_loss:
            self.best_loss, self.best_theta, self.best_iteration = loss, theta, iteration
        self.stopped = self.n_no_improvement >= self.n_iter_no_change
        return self.stopped


class BaseMLP(BaseEstimator):
    """The network as a scikit-learn estimator: what the classifier and the regressor share.

    Subclasses say which output layer to build and how the targets become the
    target matrix (:meth:`_targets`). Parameters and fitted attributes are
    documented on :class:`~nnlearn.MLPClassifier` and :class:`~nnlearn.MLPRegressor`.
    """

    def __init__(
        self,
        hidden_layer_sizes=(25,),
        activation="sigmoid",
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
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        warm_start=False,
        shuffle=True,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
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
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start
        self.shuffle = shuffle

    # -- what subclasses say ----------------------------------------------------

    # Hyperparameters of the subclass beyond COMMON_HYPERPARAMETERS, and rules of its own (name -> Rule).
    _extra_hyperparameters = ()

    def _own_rules(self):
        return {}

    def _output(self, hp):
        """The output layer's canonical name."""
        raise NotImplementedError

    def _targets(self, y, hp, continuing, incremental, classes):
        """``(Y, K, fitted, stratify)`` from the validated ``y``: the (m, K) target matrix, the number of
        output units, the target attributes to set after the fit, and class indices to stratify by (or None).

        ``continuing``: the fitted model goes on (warm_start or partial_fit); ``incremental``: partial_fit;
        ``classes``: partial_fit's argument."""
        raise NotImplementedError

    # Keyword arguments of validate_data for y.
    _y_validation = {}

    # -- validation ------------------------------------------------------------------

    def _validate_hyperparameters(self):
        """Every hyperparameter checked by its rule, as a dict name -> value to use."""
        cls = type(self).__name__
        own = self._own_rules()
        checked = {}
        for name in (*COMMON_HYPERPARAMETERS, *self._extra_hyperparameters):
            checked[name] = (own[name] if name in own else v.rule(name)).check(getattr(self, name), name, cls)
        return checked

    # -- fit ---------------------------------------------------------------------------

    def _fit_or_restore(self, X, y, sample_weight, incremental, classes=None):
        """:meth:`_fit`, leaving the estimator exactly as it was if anything raises.

        Every hyperparameter and the data are checked, and the network is
        trained, before any fitted attribute is set; and if anything raises the
        attributes are put back (validate_data records ``n_features_in_`` as soon
        as it has read X), so a fit that fails or is interrupted leaves the
        estimator unfitted, or with its previous weights and results.
        """
        before = dict(self.__dict__)
        try:
            return self._fit(X, y, sample_weight, incremental, classes)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise

    def _fit(self, X, y, sample_weight, incremental, classes):
        cls = type(self).__name__
        door = f"{cls}.partial_fit" if incremental else f"{cls}.fit"
        hp = self._validate_hyperparameters()
        if incremental and hp["early_stopping"]:
            raise ValueError(v.message(
                "early_stopping", door, "False (partial_fit makes one pass over the data it is given; "
                "early stopping holds out a validation set within fit)", "True"))
        continuing = hasattr(self, "thetas_") and (incremental or hp["warm_start"])
        with naming_X(cls):
            X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], reset=not continuing,
                                 multi_output=True, **self._y_validation)
        v.warn_large_features(float(np.max(np.abs(X))), "X")
        m = X.shape[0]
        sample_weight = v.check_sample_weight(sample_weight, m, door)
        output = self._output(hp)
        Y, K, fitted, stratify = self._targets(y, hp, continuing, incremental, classes)

        layer_sizes = (X.shape[1], *hp["hidden_layer_sizes"], K)
        if continuing:
            net = self.network_
            if (net.layer_sizes, net.activation, net.output) != (layer_sizes, hp["activation"], output):
                raise ValueError(v.message(
                    "X", door, f"data for the fitted network {list(net.layer_sizes)} ({net.activation} hidden, {net.output} "
                    f"output), which {'partial_fit' if incremental else 'warm_start'} continues",
                    f"data and hyperparameters asking for {list(layer_sizes)} ({hp['activation']} hidden, {output} output)")
                    + " Fit with warm_start=False to start afresh.")
        else:
            net = Network(layer_sizes, activation=hp["activation"], output=output)

        train, validation = self._hold_out(m, hp, stratify, sample_weight, door)
        w_train = None if sample_weight is None else sample_weight[train]
        X_train, Y_train = (X, Y) if validation is None else (X[train], Y[train])

        options = check_training(cls, net.n_params, X_train.shape[0], hp["solver"], 1 if incremental else hp["max_iter"],
                                 hp["learning_rate"], hp["batch_size"], hp["momentum"], hp["tol"], None,
                                 hp["random_state"], "solver", shuffle=hp["shuffle"])
        if continuing:
            theta0 = net.pack(self.thetas_)
        else:
            theta0 = params.init_weights(net.layer_sizes, method=hp["init"], epsilon=hp["epsilon_init"],
                                         random_state=hp["random_state"])
        monitor = None
        if validation is not None:
            tol = EARLY_STOPPING_TOL if hp["tol"] is None else hp["tol"]
            w_val = None if sample_weight is None else sample_weight[validation]
            monitor = ValidationMonitor(net.spec, X[validation], Y[validation], w_val, theta0, tol,
                                        hp["n_iter_no_change"])
        state = getattr(self, "_optimizer_state", None) if incremental and continuing else None

        progress = self._progress_bar(options["max_iter"]) if hp["verbose"] else None
        callbacks = [f for f in (progress and progress.callback, monitor) if f is not None]
        if callbacks:
            options["callback"] = lambda iteration, theta, cost: any([f(iteration, theta, cost) for f in callbacks])
        try:
            result = run_training(net, theta0, X_train, Y_train, hp["alpha"], options, w_train, state)
        except TrainingDiverged as err:
            raise ValueError(f"{door}: {err}") from err
        finally:
            if progress is not None:
                progress.close()
        # Only now, with the new model complete, are the fitted attributes set.
        self._record(net, result, monitor, fitted, continuing)
        warning = None if incremental else convergence_warning(result, hp["tol"])
        if warning:
            warnings.warn(warning, ConvergenceWarning, stacklevel=4)
        return self

    def _hold_out(self, m, hp, stratify, sample_weight, door):
        """Row indices ``(train, validation)``: all rows and None without early stopping."""
        if not hp["early_stopping"]:
            return np.arange(m), None
        try:
            train, validation = validation_split(m, hp["validation_fraction"], stratify, hp["random_state"])
        except ValueError as err:
            raise ValueError(v.message(
                "validation_fraction", door, f"a fraction that early_stopping can hold out of the {m} samples"
                f"{' (stratified by class)' if stratify is not None else ''}", f"{hp['validation_fraction']} ({err})")) from None
        for part, rows in (("training", train), ("validation", validation)):
            if sample_weight is not None and not np.sum(sample_weight[rows]) > 0:
                raise ValueError(v.message("sample_weight", door, f"weights with a positive sum over the {part} rows that "
                                           "early_stopping drew", "all zero weights there"))
        return train, validation

    def _progress_bar(self, total):
        """A progress bar (nnlearn.progress: a widget in Jupyter, text on stderr) with a ``callback`` that advances it."""
        from .progress import bar

        progress = bar(total, f"{type(self).__name__} ({self.solver})", unit="it", leave=True)

        def callback(iteration, theta, cost):
            progress.update(1)
            progress.set_postfix(cost=f"{cost:.6f}")

        progress.callback = callback
        return progress

    def _record(self, net, result, monitor, fitted, continuing):
        """Set the fitted attributes from a finished training run (continuing the history when ``continuing``)."""
        theta, kept = result.theta, result.n_iter
        if monitor is not None:
            theta, kept = monitor.best_theta, monitor.best_iteration
            if monitor.stopped:
                result = dataclasses.replace(result, message=(
                    f"validation loss did not improve by more than tol={monitor.tol:g} for {monitor.n_iter_no_change} "
                    f"iterations; kept the weights of iteration {kept} (validation loss {monitor.best_loss:.6g})"))
        previous = self.loss_curve_ if continuing else []
        previous_validation = getattr(self, "validation_loss_curve_", None) if continuing else None
        for name, value in fitted.items():
            setattr(self, name, value)
        self.network_ = net
        self.thetas_ = [T.copy() for T in params.unpack(theta, net.layer_sizes)]
        self.loss_curve_ = [*previous, *result.cost_history[1 if continuing else 0 :]]
        self.n_iter_ = len(self.loss_curve_) - 1
        self.loss_ = float(result.cost_history[kept])
        if monitor is None:
            self.validation_loss_curve_ = None
            self.best_loss_ = float(min(self.loss_curve_))
            self.best_validation_loss_ = None
        else:
            earlier = ([float("nan")] * len(previous) if previous_validation is None else list(previous_validation))
            self.validation_loss_curve_ = [*earlier, *monitor.losses[1 if continuing else 0 :]]
            self.best_loss_ = None
            self.best_validation_loss_ = float(monitor.best_loss)
        self.train_result_ = result
        self._optimizer_state = result.state
        # What produced these weights: get_params() may change afterwards (set_params, a refit that fails).
        self.fitted_params_ = self.get_params(deep=False)

    # -- fitted views -------------------------------------------------------------------

    @property
    def coefs_(self):
        """Weights in scikit-learn's layout: ``coefs_[l]`` of shape (s_l, s_{l+1}) (read-only views)."""
        return [W.T for W in params.split_bias(self.thetas_)[0]]

    @property
    def intercepts_(self):
        """Biases in scikit-learn's layout: ``intercepts_[l]`` of shape (s_{l+1},) (read-only views)."""
        return params.split_bias(self.thetas_)[1]

    @property
    def n_layers_(self):
        """Number of layers L, the input and output layers included (scikit-learn's count)."""
        return len(self.network_.layer_sizes)

    @property
    def n_outputs_(self):
        """Number of output units K."""
        return self.network_.n_outputs

    @property
    def out_activation_(self):
        """The output layer under scikit-learn's name: ``"logistic"``, ``"softmax"`` or ``"identity"``."""
        return OUT_ACTIVATIONS[self.network_.output]

    # -- predict --------------------------------------------------------------------------

    def _output_activations(self, X):
        """h = a^(L) of shape (m, K) for checked X, float64."""
        check_is_fitted(self)
        with naming_X(type(self).__name__):
            X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        v.warn_large_features(float(np.max(np.abs(X))), "X")
        return v.check_result(lambda: kernel.forward(self.thetas_, X, self.network_.spec), "output activations",
                              f"{type(self).__name__}.predict", self.thetas_, X)
