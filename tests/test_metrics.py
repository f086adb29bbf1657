"""nnlearn.metrics: accuracy, R^2 and RMSE, against scikit-learn's and by hand."""

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, mean_squared_error, r2_score

from nnlearn.metrics import accuracy, r2, rmse, scores


def test_by_hand():
    y, h = np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 5.0])
    # residuals 0, 0, -2: mean square 4/3; around the mean 2: 1 + 0 + 1 = 2, so R^2 = 1 - 4/2 = -1
    assert rmse(y, h) == pytest.approx(np.sqrt(4 / 3))
    assert r2(y, h) == pytest.approx(-1.0)
    assert accuracy([0, 1, 1, 2], [0, 1, 2, 2]) == 0.75


def test_against_scikit_learn(rng):
    y, h = rng.normal(size=(50, 3)), rng.normal(size=(50, 3))
    assert r2(y, h) == pytest.approx(r2_score(y, h))  # averaged over the outputs
    assert rmse(y, h) == pytest.approx(np.sqrt(mean_squared_error(y, h)))  # equal counts: mean over every entry
    labels = rng.integers(0, 2, size=(40, 2))  # 0/1 indicator rows
    assert accuracy(labels, labels[::-1]) == accuracy_score(labels, labels[::-1])  # multi-label: whole rows


def test_scores_by_task():
    assert scores("classification", ["a", "b"], ["a", "a"]) == {"accuracy": 0.5}
    assert set(scores("regression", [1.0, 2.0], [1.0, 2.0])) == {"r2", "rmse"}
