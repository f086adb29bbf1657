"""The held-out split: a train/test split, stratified for classes, where a test size of 0 means no held-out set."""

from __future__ import annotations

import math
import numbers

import numpy as np

from . import _validation as v

__all__ = ["held_out_split"]

# scikit-learn seeds its splits with a legacy RandomState, which takes seeds below 2**32.
_SKLEARN_SEEDS = 2**32


def held_out_split(X, y, test_size=0.2, random_state=None, stratify=True):
    """Split ``(X, y)`` into a training set and a held-out set, stratified by class for classification.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Samples, one per row.
    y : array-like of shape (m,), or (m, k) when ``stratify`` is False
        Labels (any type :func:`numpy.unique` sorts), whose proportions the
        held-out set keeps; or, with ``stratify=False``, any targets (real
        values for regression, several outputs, 0/1 multi-label rows).
    test_size : float in [0, 1), default=0.2
        Fraction of the samples held out (rounded up to whole samples). 0: no
        held-out set; ``X`` and ``y`` are the training set, unshuffled.
    random_state : None, int >= 0 or numpy.random.Generator, default=None
        Seeds the shuffle. An int below 2**32 gives the split
        ``sklearn.model_selection.train_test_split`` gives with that
        ``random_state`` (and ``stratify=y`` when stratified); other values
        draw such a seed from ``numpy.random.default_rng(random_state)``.
    stratify : bool, default=True
        True: classification, the held-out set keeps each class's share.
        False: a plain shuffled split (regression, where there are no classes
        to keep, and multi-label targets).

    Returns
    -------
    X_train : ndarray of shape (m - m_test, n)
    X_test : ndarray of shape (m_test, n), or None when ``test_size`` is 0
    y_train : ndarray of shape (m - m_test,) or (m - m_test, k)
    y_test : ndarray of shape (m_test,) or (m_test, k), or None when ``test_size`` is 0

    Raises
    ------
    TypeError
        If ``test_size`` or ``random_state`` has the wrong type, or ``X`` is
        not numeric.
    ValueError
        If ``test_size`` is outside [0, 1), ``X`` is not 2-D, ``y`` does not
        have one label per row of ``X`` (1-D when stratified), or
        (``test_size`` > 0) a class has fewer than 2 samples or either part
        would hold fewer samples than there are classes (stratified), or
        either part would be empty (not stratified).

    Examples
    --------
    >>> import numpy as np
    >>> from nnlearn.split import held_out_split
    >>> X, y = np.arange(20.0).reshape(10, 2), np.array([0, 1] * 5)
    >>> X_train, X_test, y_train, y_test = held_out_split(X, y, test_size=0.2, random_state=0)
    >>> X_train.shape, X_test.shape, sorted(y_test.tolist())
    ((8, 2), (2, 2), [0, 1])
    >>> held_out_split(X, y, test_size=0)[1] is None
    True
    >>> y_real = np.linspace(0.0, 1.0, 10)
    >>> [part.shape for part in held_out_split(X, y_real, 0.3, random_state=0, stratify=False)]
    [(7, 2), (3, 2), (7,), (3,)]
    """
    door = "held_out_split"
    test_size, random_state = v.check(door, test_size=test_size, random_state=random_state)
    stratify = v.Bool().check(stratify, "stratify", door)
    X = v.check_array(X, "X", door, "a 2-D array of numbers of shape (m, n)")
    if X.ndim != 2:
        raise ValueError(v.message("X", door, "a 2-D array of shape (m, n)", f"a {X.ndim}-D array of shape {X.shape}"))
    y = np.asarray(y)
    if stratify and (y.ndim != 1 or y.shape[0] != X.shape[0]):
        raise ValueError(v.message("y", door, f"a 1-D array of {X.shape[0]} labels (one per row of X)",
                                   f"an array of shape {y.shape}"))
    if not stratify and (y.ndim not in (1, 2) or y.shape[0] != X.shape[0]):
        raise ValueError(v.message("y", door, f"an array of shape ({X.shape[0]},) or ({X.shape[0]}, k) (one target "
                                   "row per row of X)", f"an array of shape {y.shape}"))
    if test_size == 0:
        return X, None, y, None
    from sklearn.model_selection import train_test_split

    if not stratify:
        m = y.shape[0]
        m_test = math.ceil(test_size * m)
        if m_test >= m:
            raise ValueError(v.message("test_size", door, "a fraction that leaves at least 1 sample in each part",
                                       f"{test_size!r}, which holds out {m_test} of {m} samples"))
        return train_test_split(X, y, test_size=test_size, random_state=_sklearn_seed(random_state))
    labels, counts = np.unique(y, return_counts=True)
    if counts.min() < 2:
        rare = labels[np.argmin(counts)].item()
        raise ValueError(v.message("y", door, "labels with at least 2 samples of every class (a stratified split)",
                                   f"1 sample of class {rare!r}"))
    m, n_classes = y.shape[0], labels.size
    m_test = math.ceil(test_size * m)
    if min(m_test, m - m_test) < n_classes:
        raise ValueError(v.message(
            "test_size", door, f"a fraction that leaves at least {n_classes} samples (one per class) in each part",
            f"{test_size!r}, which holds out {m_test} of {m} samples"))
    return train_test_split(X, y, test_size=test_size, random_state=_sklearn_seed(random_state), stratify=y)


def _sklearn_seed(random_state):
    """An int seed below 2**32 for scikit-learn: the int itself if it fits, else one drawn from the generator."""
    if isinstance(random_state, numbers.Integral) and random_state < _SKLEARN_SEEDS:
        return int(random_state)
    return int(np.random.default_rng(random_state).integers(_SKLEARN_SEEDS))
