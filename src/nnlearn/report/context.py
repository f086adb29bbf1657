"""What the report's sections share: the data, the split, the arguments and what earlier sections computed."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Context:
    X: np.ndarray
    y: np.ndarray
    data_description: str
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    data: object
    hidden: tuple
    alpha: float
    max_iter: int
    solver: str
    seed: int
    grid: dict
    weights: object = None
    weights_net: object = None
    weights_theta: object = None
    net: object = None
    theta0: object = None
    result: object = None
    summary: dict = field(default_factory=dict)

    @property
    def K(self):
        return max(int(self.y.max()) + 1, 2)
