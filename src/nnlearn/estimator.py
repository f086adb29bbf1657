"""MLPClassifier and MLPRegressor: the network as scikit-learn estimators.

Both are :class:`nnlearn.estimator_base.BaseMLP`, which holds what they share
(hyperparameter checks, early stopping, warm start, partial_fit, sample
weights); here is what differs: the targets, the output layer and ``predict``.

Where nnlearn's semantics differ from scikit-learn's MLPs
---------------------------------------------------------
- ``alpha`` is the course's lambda: J += alpha/(2m) sum W^2, the same penalty
  as scikit-learn's ``0.5 * alpha * ||W||^2 / n_samples``. For sgd and adam
  each mini-batch carries its share of that penalty (alpha * b/m), so a pass
  follows the gradient of the full J; scikit-learn divides it by the batch size.
- ``max_iter`` counts iterations of the solver: scipy steps (CG, L-BFGS-B,
  BFGS, TNC), line searches (fmincg), gradient steps (gd) or passes over the
  data (sgd, adam).
- ``loss_curve_`` starts with the cost at the initial weights (``n_iter_ + 1``
  entries), and the regression loss sums the squared error over the outputs
  (scikit-learn averages its reported loss over them but not its gradient).
- ``early_stopping`` works for every solver, the full-batch ones too, and
  watches the validation *loss* (``validation_loss_curve_``), not the score;
  it stops after ``n_iter_no_change`` iterations without an improvement larger
  than ``tol`` (scikit-learn after ``n_iter_no_change + 1``), and ``loss_`` is
  the training cost at the restored best weights.
- Without early stopping, sgd and adam run ``max_iter`` passes (scikit-learn
  also stops them when the training loss stops improving).
- ``n_iter_`` counts the iterations behind the current weights: with
  ``warm_start`` and ``partial_fit`` it goes on growing with ``loss_curve_``
  (scikit-learn counts the last call only).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d

from . import _validation as v
from .core import kernel
from .core.losses import CLASSIFICATION_OUTPUT_NAMES
from .estimator_base import BaseMLP, convergence_warning, stochastic_solver

__all__ = ["MLPClassifier", "MLPRegressor", "convergence_warning"]

_COMMON_PARAMETERS = """\
    hidden_layer_sizes : tuple of int, default=(25,)
        Units per hidden layer; ``()`` gives a network without hidden layers
        (logistic/softmax regression, or linear regression for MLPRegressor).
    activation : {"sigmoid", "logistic", "tanh", "relu"}, default="sigmoid"
        Activation of the hidden layers.
    alpha : float >= 0, default=1.0
        L2 regularization strength, the course's lambda: J += alpha/(2m) * sum of
        squared weights (biases excluded); with sample weights, alpha/(2S), S = sum of the weights.
    solver : str, default="CG"
        Any method of :func:`nnlearn.train`: "CG", "L-BFGS-B" (or "lbfgs"), "TNC",
        "BFGS" (small networks), "fmincg", "gd", "sgd", "adam". Names match in any case.
    max_iter : int >= 0, default=50
        Iterations: scipy steps (CG, L-BFGS-B, BFGS, TNC), line searches (fmincg),
        gradient steps (gd) or passes over the data (sgd, adam).
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
        Gradient tolerance of the scipy solvers (``gtol``; None keeps scipy's
        default, 1e-5), and the improvement of the validation loss that early
        stopping asks for (None: 1e-4, scikit-learn's default tol). It also
        decides the ConvergenceWarning: a fit stopped by ``max_iter`` warns only
        when ``tol`` is set and a scipy solver did not meet it. With ``tol=None``
        (the default) ``max_iter`` is a budget, as in the course, and reaching it
        is silent.
    random_state : None, int or Generator, default=None
        Initial weights, mini-batch order and the validation split.
    verbose : bool, default=False
        Show a progress bar (iteration, cost, elapsed) on stderr.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training rows (stratified by
        class for single-label classification), compute the validation loss
        after every iteration (``validation_loss_curve_``), stop once it has not
        improved by more than ``tol`` for ``n_iter_no_change`` iterations, and
        keep the weights of the iteration with the lowest validation loss. Works
        with every solver, full-batch ones included. The validation loss is the
        unregularized cost (alpha = 0) of the held-out rows.
    validation_fraction : float in (0, 1), default=0.1
        Share of the rows held out when ``early_stopping`` (rounded up).
    n_iter_no_change : int >= 1, default=10
        Iterations without improvement after which early stopping stops.
    warm_start : bool, default=False
        ``fit`` continues from the fitted weights instead of new ones (same
        network required); ``loss_curve_`` (and ``validation_loss_curve_``) go on
        where they stopped. sgd's and adam's moments start afresh.
    shuffle : bool, default=True
        sgd and adam shuffle the rows before each pass; False takes them in
        order (then ``partial_fit`` over batches equals ``fit`` over them)."""

_COMMON_ATTRIBUTES = """\
    thetas_ : list of ndarray, ``thetas_[l]`` of shape (s_{l+1}, s_l + 1), column 0 the biases
    coefs_, intercepts_ : lists of ndarray, read-only views in scikit-learn's layout
    loss_ : float, the training cost J at the fitted weights (with early stopping,
        at the restored best weights)
    best_loss_ : float or None, the lowest training cost in ``loss_curve_``; None
        with early stopping (see ``best_validation_loss_``)
    loss_curve_ : list of float, J after each iteration, ``[0]`` at the initial
        weights (``n_iter_ + 1`` entries; continued by warm_start and partial_fit)
    validation_loss_curve_ : list of float or None, beside ``loss_curve_``: the
        validation loss after each iteration, entry k after iteration k (NaN
        for iterations of earlier warm-started fits without a validation set);
        None without early stopping
    best_validation_loss_ : float or None, the lowest validation loss (the
        restored weights'); None without early stopping
    n_iter_ : int, iterations behind the fitted weights (all of them, with warm_start and partial_fit)
    n_layers_ : int, layers including input and output
    n_outputs_ : int, output units K
    out_activation_ : str, the output layer under scikit-learn's name
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when X has feature names
    network_ : nnlearn.Network
    train_result_ : nnlearn.optimize.TrainResult of the last fit or partial_fit
        (timing, the optimizer's message; its ``theta`` is the last iterate)
    fitted_params_ : dict, ``get_params()`` at the last successful fit or partial_fit: the
        parameters that produced the fitted attributes (``get_params()`` differs after a
        ``set_params`` whose refit failed; model files record these)"""


def _documented(cls):
    """Write the shared parameters and attributes into the class docstring (none under python -OO)."""
    if cls.__doc__:
        cls.__doc__ = cls.__doc__.replace("{common_parameters}", _COMMON_PARAMETERS).replace(
            "{common_attributes}", _COMMON_ATTRIBUTES)
    return cls


@_documented
class MLPClassifier(ClassifierMixin, BaseMLP):
    """Multi-layer perceptron classifier trained by backpropagation (the course's network).

    Parameters
    ----------
{common_parameters}
    output : {"sigmoid", "softmax"}, default="sigmoid"
        ``"sigmoid"``: independent sigmoid units with the summed binary
        cross-entropy, the course's model; two classes use one unit (as
        scikit-learn does), multi-label targets one unit per label.
        ``"softmax"``: one softmax unit per class (two for two classes).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,), the labels (``arange(n_labels)`` for multi-label y)
    multilabel_ : bool, True when y was a 2-D 0/1 indicator matrix
{common_attributes}

    Notes
    -----
    ``y`` holds labels of any values (shape (m,)), or, multi-label, a 2-D 0/1
    indicator matrix (m, n_labels) whose rows may hold any number of ones: then
    each label has its own sigmoid unit, ``predict`` returns the (m, n_labels)
    0/1 matrix of the units with h >= 0.5 and ``predict_proba`` their h.
    ``partial_fit`` needs the solver "sgd" or "adam". See :mod:`nnlearn.estimator`
    for where nnlearn differs from scikit-learn.
    """

    _extra_hyperparameters = ("output",)
    _y_validation = {"y_numeric": False}

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
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        warm_start=False,
        shuffle=True,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes, activation=activation, alpha=alpha, solver=solver,
            max_iter=max_iter, learning_rate=learning_rate, batch_size=batch_size, momentum=momentum, init=init,
            epsilon_init=epsilon_init, tol=tol, random_state=random_state, verbose=verbose,
            early_stopping=early_stopping, validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change, warm_start=warm_start, shuffle=shuffle,
        )
        self.output = output

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = self.output in ("sigmoid", "logistic")  # one unit per label
        return tags

    def _own_rules(self):
        return {"output": v.Option(CLASSIFICATION_OUTPUT_NAMES)}

    def _output(self, hp):
        return hp["output"]

    def fit(self, X, y, sample_weight=None):
        """Train on X (m, n) and labels y (m,) of any values, or a 0/1 indicator matrix (m, n_labels); returns self.

        Parameters
        ----------
        X : array-like of shape (m, n)
        y : array-like of shape (m,) or (m, n_labels)
        sample_weight : array-like of shape (m,) or None
            Weights >= 0 of the rows: the cost and its gradient weight row i's
            loss by w_i and divide by the total weight (scikit-learn's definition).

        A fit that raises leaves the estimator as it was (unfitted, or with its
        previous weights and results).
        """
        return self._fit_or_restore(X, y, sample_weight, incremental=False)

    @available_if(stochastic_solver)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One pass of mini-batch updates over (X, y); returns self.

        Exactly one epoch of ``fit`` with this solver over the given rows, as
        in scikit-learn: mini-batches of ``batch_size`` (sgd: min(200, m); adam:
        all rows), shuffled if ``shuffle``, each step following the gradient of
        its batch's share of the regularized cost J of (X, y) (so alpha/(2m) is
        relative to the m rows of this call). The first call initializes the
        network from ``random_state``; later calls continue the weights, sgd's
        velocity and Adam's moments and step count, and append one entry to
        ``loss_curve_`` (J of the given rows after the pass).

        Parameters
        ----------
        X : array-like of shape (m, n)
        y : array-like of shape (m,) or (m, n_labels)
        sample_weight : array-like of shape (m,) or None
        classes : array-like of shape (n_classes,) or None
            Every label of all calls: required on the first call (unless y is a
            multi-label indicator matrix), and if given later, the same.
        """
        return self._fit_or_restore(X, y, sample_weight, incremental=True, classes=classes)

    def _targets(self, y, hp, continuing, incremental, classes):
        cls = type(self).__name__
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        m = y.shape[0]
        if y.ndim == 2:
            return self._multilabel_targets(y, hp, continuing, cls)
        check_classification_targets(y)
        if continuing and self.multilabel_:
            raise ValueError(v.message("y", cls, f"a 0/1 indicator matrix of shape ({m}, {self.classes_.size}) (the fitted "
                                       "model is multi-label)", "labels of shape (m,)"))
        if classes is not None:
            classes = np.unique(np.asarray(classes))
            if continuing and not np.array_equal(classes, self.classes_):
                raise ValueError(v.message("classes", f"{cls}.partial_fit", f"the classes of the previous calls, "
                                           f"{v.describe(self.classes_.tolist())}", v.describe(classes.tolist())))
        elif continuing:
            classes = self.classes_
        elif incremental:
            raise ValueError(v.message("classes", f"{cls}.partial_fit", "every label of all calls (such as "
                                       "np.unique(y_all)) on the first call", "None"))
        else:
            classes = np.unique(y)
        if classes.size < 2:
            raise ValueError(v.message("y", cls, "labels of at least 2 classes", f"only 1 class, {classes.tolist()[0]!r}"))
        unknown = np.setdiff1d(np.unique(y), classes)
        if unknown.size:
            raise ValueError(v.message("y", cls, f"labels among the classes {v.describe(classes.tolist())} of the fitted "
                                       "model", f"labels {v.describe(unknown.tolist()[:5])}"))
        index = np.searchsorted(classes, y)
        K = 1 if classes.size == 2 and hp["output"] == "sigmoid" else classes.size
        Y = v.check_targets(index, m, K, hp["output"], cls)
        return Y, K, {"classes_": classes, "multilabel_": False}, index

    def _multilabel_targets(self, y, hp, continuing, cls):
        kind = type_of_target(y)
        if kind != "multilabel-indicator":
            raise ValueError(v.message("y", cls, "labels of shape (m,), or a 0/1 indicator matrix of shape (m, n_labels) "
                                       "(multi-label)", f"a 2-D y of type {kind!r}"))
        if hp["output"] != "sigmoid":
            raise ValueError(v.message("output", cls, "'sigmoid' for multi-label y (one independent unit per label)",
                                       repr(self.output)))
        n_labels = y.shape[1]
        if continuing and (not self.multilabel_ or self.classes_.size != n_labels):
            raise ValueError(v.message("y", cls, f"targets of the fitted model's {'labels' if self.multilabel_ else 'classes'} "
                                       f"{v.describe(self.classes_.tolist())}", f"a multi-label indicator matrix of {n_labels} labels"))
        Y = v.check_targets(np.asarray(y), y.shape[0], n_labels, "sigmoid", cls)
        return Y, n_labels, {"classes_": np.arange(n_labels), "multilabel_": True}, None

    def predict_proba(self, X):
        """Class probabilities of shape (m, n_classes); for multi-label y, each label's h (m, n_labels).

        With softmax outputs these are the softmax activations. With sigmoid
        outputs and more than 2 classes, the K independent output activations
        are divided by their row sum (the course's model does not make them sum
        to 1 by itself); with 2 classes the single unit h gives ``[1 - h, h]``.
        Multi-label: the units' h, each the probability of its label (rows need not sum to 1).
        """
        h = self._output_activations(X)
        if self.multilabel_:
            return h
        if h.shape[1] == 1:
            return np.hstack([1.0 - h, h])
        if self.network_.output == "softmax":
            return h
        total = h.sum(axis=1, keepdims=True)
        # All K units can underflow to 0 for extreme inputs: then no class is preferred.
        return np.divide(h, total, out=np.full_like(h, 1.0 / h.shape[1]), where=total > 0)

    def predict_log_proba(self, X):
        """``log(predict_proba(X))``, shape (m, n_classes); -inf where a probability underflows to 0."""
        P = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(P, out=P)

    def predict(self, X):
        """Predicted labels (values from ``classes_``) of shape (m,); multi-label: the 0/1 matrix (m, n_labels)."""
        h = self._output_activations(X)  # checks that the estimator is fitted
        if self.multilabel_:
            return (h >= 0.5).astype(np.int64)
        return self.classes_[kernel.predict(h)]


@_documented
class MLPRegressor(RegressorMixin, BaseMLP):
    r"""Multi-layer perceptron regressor trained by backpropagation: identity outputs, squared error.

    The cost is the course's with the squared error in place of the cross-entropy,

    .. math::
        J(\Theta) = \frac{1}{2m} \sum_{i=1}^m \lVert h(x^{(i)}) - y^{(i)} \rVert^2
            + \frac{\alpha}{2m} \sum_l \sum_{j, k \ge 1} \left(\Theta^{(l)}_{jk}\right)^2

    summed over the outputs for multi-output y. Its gradient is scikit-learn's
    MLPRegressor's (``alpha`` is the same; tests check both to 1e-10).

    Parameters
    ----------
{common_parameters}

    Attributes
    ----------
{common_attributes}

    Notes
    -----
    ``y`` holds real numbers, shape (m,) or (m, n_outputs); ``predict`` returns
    the same shape (a column (m, 1) y is raveled, with scikit-learn's warning).
    Scale the targets (e.g. ``sklearn.compose.TransformedTargetRegressor``) as
    well as the features: ``alpha`` weighs the weights against the squared
    error in the targets' units. ``partial_fit`` needs the solver "sgd" or
    "adam". See :mod:`nnlearn.estimator` for where nnlearn differs from scikit-learn.
    """

    _y_validation = {"y_numeric": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _output(self, hp):
        return "identity"

    def fit(self, X, y, sample_weight=None):
        """Train on X (m, n) and real targets y (m,) or (m, n_outputs); returns self.

        Parameters
        ----------
        X : array-like of shape (m, n)
        y : array-like of shape (m,) or (m, n_outputs)
        sample_weight : array-like of shape (m,) or None
            Weights >= 0 of the rows: the cost and its gradient weight row i's
            loss by w_i and divide by the total weight (scikit-learn's definition).

        A fit that raises leaves the estimator as it was (unfitted, or with its
        previous weights and results).
        """
        return self._fit_or_restore(X, y, sample_weight, incremental=False)

    @available_if(stochastic_solver)
    def partial_fit(self, X, y, sample_weight=None):
        """One pass of mini-batch updates over (X, y); returns self.

        Exactly one epoch of ``fit`` with this solver over the given rows, as
        in scikit-learn: mini-batches of ``batch_size`` (sgd: min(200, m); adam:
        all rows), shuffled if ``shuffle``, each step following the gradient of
        its batch's share of the regularized cost J of (X, y) (so alpha/(2m) is
        relative to the m rows of this call). The first call initializes the
        network from ``random_state``; later calls continue the weights, sgd's
        velocity and Adam's moments and step count, and append one entry to
        ``loss_curve_`` (J of the given rows after the pass).
        """
        return self._fit_or_restore(X, y, sample_weight, incremental=True)

    def _targets(self, y, hp, continuing, incremental, classes):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        K = 1 if y.ndim == 1 else y.shape[1]
        if continuing and K != self.network_.n_outputs:
            raise ValueError(v.message("y", type(self).__name__, f"targets of {self.network_.n_outputs} output(s), as the "
                                       "fitted network has", f"{K} output(s)"))
        Y = v.check_targets(y, y.shape[0], K, "identity", type(self).__name__)
        return Y, K, {}, None

    def predict(self, X):
        """Predicted values: shape (m,) for one output, (m, n_outputs) for several."""
        h = self._output_activations(X)
        return h[:, 0].copy() if h.shape[1] == 1 else h
