"""What the report's sections share: the data, the split, the arguments and what earlier sections computed."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Context:
    """The report's state. For classification ``y`` holds class indices 0..K-1 (``class_names[k]`` names
    class k); for regression ``y`` holds the targets, shape (m,) or (m, K)."""

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
    info: object = None  # the data's nnlearn.datasets.DataInfo
    task: str = "classification"
    course: bool = True  # the course's digits: digits20 or its .mat files
    class_names: tuple = ()
    data_options: dict = field(default_factory=dict)
    sections: tuple = ()  # the keys of the report's sections, in order

    def number(self, key):
        """The number of the section ``key`` (from 1) on this page."""
        return self.sections.index(key) + 1

    @property
    def n_classes(self):
        return max(len(self.class_names), 2)

    @property
    def K(self):
        """Output units: one per class (one unit for two classes, as MLPClassifier, except on the course's
        digits, which keep one unit per digit), or one per target for regression."""
        if self.regression:
            return 1 if self.y.ndim == 1 else self.y.shape[1]
        return 1 if self.n_classes == 2 and not self.course else self.n_classes

    @property
    def regression(self):
        return self.task == "regression"

    @property
    def images(self):
        """True for square image data: the sections show rows and hidden units as images."""
        shape = self.info.image_shape if self.info is not None else None
        return shape is not None and shape[0] == shape[1]

    @property
    def pixel_order(self):
        return self.info.pixel_order if self.info is not None and self.info.pixel_order else "F"

    @property
    def planar(self):
        """True for classes of points in the plane (2 features): the report draws decision boundaries."""
        return not self.regression and self.X.shape[1] == 2

    @property
    def noun(self):
        """What one row is, in the text: digits, images, points or samples."""
        if self.course:
            return "digits"
        if self.images:
            return "images"
        return "points" if self.X.shape[1] == 2 else "samples"

    @property
    def unit(self):
        """What one input unit stands for: a pixel or a feature."""
        return "pixel" if self.images else "feature"

    @property
    def klass(self):
        """What an output unit stands for: a digit or a class."""
        return "digit" if self.course else "class"
