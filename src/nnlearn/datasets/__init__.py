r"""Data sets: built-in sets by name, your own files (CSV, TSV, .npz, .mat), Fashion-MNIST, planar toy data.

The doors for data by name or path are :func:`load` (``(X, y)``, optionally
with a :class:`DataInfo`), :func:`describe` (the :class:`DataInfo` alone,
reading as little as it can) and :func:`catalog` (every built-in set, for
``nnlearn datasets``). The names come from one table,
:data:`~nnlearn.datasets.builtin.BUILTIN` (:data:`NAMES`): the planar
generators, scikit-learn's bundled sets, digits20 and Fashion-MNIST.

Every loader and generator returns ``(X, y)`` with ``X`` an ndarray of shape
(m, n), one sample per row, float64 unless float32 is asked for. For the
built-in sets ``y`` holds the class index itself (digits are 0..9), int64,
or float64 values for regression (diabetes); a file's labels are returned as
they are (ints, or str for text labels).

The course's files label digit 0 as 10 and put digit 0 in the last output
unit. Only :func:`load_ex4` (for ``y``, also reached through :func:`load`),
:func:`load_ex4_weights` and :func:`save_ex4_weights` know that convention;
everything they return uses nnlearn's: label k is digit k and output unit k
predicts digit k.

Modules: :mod:`~nnlearn.datasets.names` (:func:`load`, :func:`describe`,
:func:`catalog`, the option table :data:`OPTIONS`, the rule :class:`DataName`),
:mod:`~nnlearn.datasets.builtin` (the table of names),
:mod:`~nnlearn.datasets.info` (:class:`DataInfo`, the task rule),
:mod:`~nnlearn.datasets.task` (:func:`load_task`: data loaded for a task, the door the
command line, sweeps and the report share),
:mod:`~nnlearn.datasets.tabular` (CSV/TSV and .npz files),
:mod:`~nnlearn.datasets.targets` (a file's targets: classes or values),
:mod:`~nnlearn.datasets.fashion` (Fashion-MNIST and the idx parser),
:mod:`~nnlearn.datasets.digits` (the bundled digits20),
:mod:`~nnlearn.datasets.course` (the course's files and their conventions),
:mod:`~nnlearn.datasets.mat5` (the structure check that runs before scipy's
``loadmat``), :mod:`~nnlearn.datasets.planar` (toy data, the planar exercise's own
spiral and initial weights, and the linear baseline).

Every public function is a door: it checks its arguments once with
:mod:`nnlearn._validation` and reports a mistake in the one message shape,
naming itself: "The 'n_per_class' parameter of make_moons must be an int in
the range [1, inf). Got 0 instead." What is wrong inside a file is reported
with the file, the line and the column instead.
"""

from .builtin import BUILTIN, NAMES
from .course import load_ex4, load_ex4_weights, save_ex4_weights
from .digits import load_digits20
from .fashion import FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, load_fashion_mnist, read_idx
from .info import DataInfo
from .names import OPTIONS, DataName, catalog, check_options, describe, kind_of, load, options_of
from .planar import (
    load_planar_exercise,
    logistic_baseline,
    make_circles,
    make_flower,
    make_gaussians,
    make_moons,
    make_spirals,
    make_xor,
    planar_exercise_weights,
)
from .tabular import MAX_CELLS
from .task import guess_task, load_task

__all__ = [
    "load",
    "load_task",
    "guess_task",
    "describe",
    "catalog",
    "options_of",
    "check_options",
    "kind_of",
    "NAMES",
    "BUILTIN",
    "OPTIONS",
    "DataName",
    "DataInfo",
    "MAX_CELLS",
    "load_digits20",
    "load_fashion_mnist",
    "FASHION_MNIST_CLASSES",
    "FASHION_MNIST_DIR",
    "read_idx",
    "load_ex4",
    "load_ex4_weights",
    "save_ex4_weights",
    "load_planar_exercise",
    "planar_exercise_weights",
    "make_spirals",
    "make_flower",
    "make_circles",
    "make_moons",
    "make_xor",
    "make_gaussians",
    "logistic_baseline",
]
