"""What a data set is, without its arrays: :class:`DataInfo`, and the rule that decides the task from the targets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validation as v

__all__ = ["DataInfo", "KINDS", "FAMILIES", "MAX_AUTO_CLASSES", "decide_task"]

KINDS = ("classification", "regression")
# The family a data set belongs to: which defaults and which report sections suit it.
FAMILIES = ("digits", "planar", "images", "tabular")
# With task=None, integer targets with at most this many distinct values are class labels;
# more distinct integers (e.g. the 214 of diabetes) are a quantity to regress on.
MAX_AUTO_CLASSES = 100


@dataclass(frozen=True)
class DataInfo:
    """What a data value (a built-in name or a file) holds: its task, shapes, images and source.

    Returned by :func:`nnlearn.datasets.describe` and :func:`nnlearn.datasets.catalog`
    and, with ``return_info=True``, by :func:`nnlearn.datasets.load`.

    Attributes
    ----------
    name : str
        The built-in name (``"iris"``), or the path as given (``os.fspath``).
    kind : str
        ``"classification"`` or ``"regression"``.
    family : str
        ``"digits"`` (the course's 20x20 digits: digits20 and the course's
        ``.mat`` files), ``"planar"`` (2-D generated points), ``"images"``
        (other image data: digits8, Fashion-MNIST) or ``"tabular"`` (anything
        else: scikit-learn's tables, CSV/TSV, ``.npz``, other ``.mat``).
    n_samples, n_features : int
        The shape of ``X``, (n_samples, n_features).
    n_classes : int or None
        Classification: the number of distinct labels (for a 2-D 0/1 ``y``,
        multi-label, its number of columns). None for regression.
    n_outputs : int
        Columns of ``y``: 1 for a 1-D ``y``, k for a 2-D ``y`` of shape (m, k).
    image_shape : tuple of 2 ints or None
        (height, width) of one image when every row of ``X`` is an image.
    pixel_order : str or None
        ``"C"``: a row holds the pixels row by row, ``X[i].reshape(image_shape)``
        is upright (Fashion-MNIST, digits8); ``"F"``: column by column, the
        course's layout, ``X[i].reshape(image_shape, order="F")`` is upright
        (digits20, the course's ``.mat``). :meth:`image` does it for you.
    class_names : tuple of str or None
        Classification: the name of class index k at position k (built-in
        sets), or the sorted distinct labels as text (files). None for
        regression.
    feature_names : tuple of str or None
        The columns of ``X`` where the source names them (a CSV header,
        scikit-learn's tables).
    target_name : str or None
        The target column's name where the source names it.
    source : str
        One line: where the data come from and their license.
    options : tuple of (str, object) pairs
        The options this data value takes (see :func:`nnlearn.datasets.load`)
        with the values used; empty for a source that takes none.
    format : str
        ``"builtin"``, ``"csv"``, ``"tsv"``, ``"npz"`` or ``"mat"``.
    available : bool
        False when the data are not on this machine (Fashion-MNIST without
        Debian's package); :func:`nnlearn.datasets.load` then says what to install.
    """

    name: str
    kind: str
    family: str
    n_samples: int
    n_features: int
    n_classes: int | None
    n_outputs: int = 1
    image_shape: tuple | None = None
    pixel_order: str | None = None
    class_names: tuple | None = None
    feature_names: tuple | None = None
    target_name: str | None = None
    source: str = ""
    options: tuple = ()
    format: str = "builtin"
    available: bool = True

    @property
    def images(self):
        """True when every row of ``X`` is an image of :attr:`image_shape`."""
        return self.image_shape is not None

    @property
    def shape(self):
        """``(n_samples, n_features)``, the shape of ``X``."""
        return (self.n_samples, self.n_features)

    def image(self, row):
        """One row of ``X`` as an upright image of shape :attr:`image_shape` (a view where NumPy can).

        Parameters
        ----------
        row : array_like of shape (n_features,)

        Returns
        -------
        image : ndarray of shape image_shape
        """
        door = "DataInfo.image"
        if self.image_shape is None:
            raise ValueError(v.message("row", door, f"a row of image data ({self.name} holds {self.n_features} features, "
                                       "not images)", "a row"))
        row = v.check_array(row, "row", door)
        if row.shape != (self.n_features,):
            raise ValueError(v.message("row", door, f"a row of {self.name}, of shape ({self.n_features},)",
                                       f"an array of shape {row.shape}"))
        return row.reshape(self.image_shape, order=self.pixel_order)

    def summary(self):
        """One line: ``name: m x n, kind[, K classes][, images HxW], source``."""
        parts = [f"{self.n_samples} x {self.n_features}", self.kind]
        if self.n_classes is not None:
            parts.append(f"{self.n_classes} classes")
        if self.images:
            parts.append(f"images {self.image_shape[0]}x{self.image_shape[1]}")
        if not self.available:
            parts.append("not installed")
        return f"{self.name}: {', '.join(parts)}; {self.source}"


def decide_task(numeric, values):
    """The task the targets call for when none was asked: ``"classification"`` or ``"regression"``.

    The rule (:func:`nnlearn.datasets.load`'s ``task=None``):

    * targets that are not all numbers (text labels) are classes;
    * numbers that are all integers (1.0 counts; at most 2**53 in
      magnitude) with at most :data:`MAX_AUTO_CLASSES` (100) distinct values
      are classes;
    * any other numbers (a fractional part, NaN, more than 100 distinct
      integers) are a quantity: regression.

    Parameters
    ----------
    numeric : bool
        Whether every target parsed as a number.
    values : ndarray of float64, or None
        The targets as numbers when ``numeric``.
    """
    if not numeric:
        return "classification"
    integers = np.all(np.isfinite(values) & (values == np.round(values)) & (np.abs(values) <= 2.0**53))
    if integers and np.unique(values).size <= MAX_AUTO_CLASSES:
        return "classification"
    return "regression"
