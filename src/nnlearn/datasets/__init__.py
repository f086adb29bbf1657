r"""Data sets: bundled digits, the course's ``.mat`` files and planar toy data.

Every loader and generator returns ``(X, y)`` with ``X`` an ndarray of shape
(m, n) and dtype float64, one sample per row, and ``y`` an ndarray of shape
(m,) and dtype int64 holding the class index itself (digits are 0..9).

The course's files label digit 0 as 10 and put digit 0 in the last output
unit. Only :func:`load_ex4` (for ``y``), :func:`load_ex4_weights` and
:func:`save_ex4_weights` know that convention; everything they return uses
nnlearn's: label k is digit k and output unit k predicts digit k.

Modules: :mod:`~nnlearn.datasets.digits` (the bundled digits20),
:mod:`~nnlearn.datasets.course` (the course's files and their conventions),
:mod:`~nnlearn.datasets.mat5` (the structure check that runs before scipy's
``loadmat``), :mod:`~nnlearn.datasets.planar` (toy data and the linear
baseline) and :mod:`~nnlearn.datasets.names` (:func:`load` and
:func:`kind_of`: data sets by name, for the command line, sweeps and the
report; :class:`DataName`, the rule for a data name at any door).

Every public function is a door: it checks its arguments once with
:mod:`nnlearn._validation` and reports a mistake in the one message shape,
naming itself: "The 'n_per_class' parameter of make_moons must be an int in
the range [1, inf). Got 0 instead."
"""

from .course import load_ex4, load_ex4_weights, save_ex4_weights
from .digits import load_digits20
from .names import NAMES, DataName, kind_of, load
from .planar import (
    logistic_baseline,
    make_circles,
    make_flower,
    make_gaussians,
    make_moons,
    make_spirals,
    make_xor,
)

__all__ = [
    "load_digits20",
    "load_ex4",
    "load_ex4_weights",
    "save_ex4_weights",
    "make_spirals",
    "make_flower",
    "make_circles",
    "make_moons",
    "make_xor",
    "make_gaussians",
    "logistic_baseline",
    "load",
    "kind_of",
    "NAMES",
    "DataName",
]
