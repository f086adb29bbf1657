r"""What data a model was trained on: a record kept in its model file, and the check made when it predicts.

``nnlearn train --save`` records, in the model file, the data it read (a
built-in name or a file path, and the data options), the held-out split
(``test_size`` and its seed) and a fingerprint of every training row and
every held-out row. ``nnlearn predict`` fingerprints the rows it predicts and
says which they are: rows the model was trained on (its accuracy there is
optimistic), the held-out rows only, or other data.

A row's fingerprint is the first 8 bytes of the BLAKE2b hash of its values
as float64 (so a float32 copy of the same numbers matches): two rows match
when their numbers are bitwise equal, wherever they come from (the same
built-in set, a CSV export of it, a shuffled copy). Different rows share a
fingerprint with probability about 2**-64 per pair.

:class:`TrainingData` is the record; :func:`nnlearn.model_io.save_model`
writes it (header field ``training_data`` and the arrays ``training_rows``
and ``held_out_rows``) and :func:`nnlearn.model_io.read_training_data` reads
it back.
"""

from __future__ import annotations

import hashlib
import math
import numbers
import os
from dataclasses import dataclass, field

import numpy as np

from . import _validation as v

__all__ = ["TrainingData", "Overlap", "row_fingerprints", "ROW_FINGERPRINT"]

ROW_FINGERPRINT = "blake2b-64 of each row's float64 bytes"
_BLOCK_ROWS = 4096  # rows converted to float64 at a time (bounded memory for float32 data)


def row_fingerprints(X):
    """The fingerprint of each row of ``X``: 8 bytes of BLAKE2b of the row's float64 values, as uint64.

    Parameters
    ----------
    X : array-like of shape (m, n), numbers

    Returns
    -------
    fingerprints : ndarray of shape (m,), dtype uint64
        Equal rows (bitwise, after conversion to float64) have equal fingerprints.

    Raises
    ------
    TypeError, ValueError
        If ``X`` is not a 2-D array of numbers.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 2.0], [3.0, 4.0], [1.0, 2.0]])
    >>> f = row_fingerprints(X)
    >>> bool(f[0] == f[2]), bool(f[0] == f[1])
    (True, False)
    >>> bool(np.array_equal(row_fingerprints(X.astype(np.float32)), f))
    True
    """
    door = "row_fingerprints"
    X = v.check_array(X, "X", door, "a 2-D array of numbers of shape (m, n)")
    if X.ndim != 2:
        raise ValueError(v.message("X", door, "a 2-D array of shape (m, n)", f"a {X.ndim}-D array of shape {X.shape}"))
    out = np.empty(X.shape[0], dtype=np.uint64)
    for start in range(0, X.shape[0], _BLOCK_ROWS):
        block = np.ascontiguousarray(X[start:start + _BLOCK_ROWS], dtype=np.float64)  # (b, n)
        for i, row in enumerate(block):
            digest = hashlib.blake2b(row.tobytes(), digest_size=8).digest()
            out[start + i] = int.from_bytes(digest, "little")
    return out


def _digest(fingerprints):
    """16 hex digits identifying a sequence of row fingerprints, in order."""
    return hashlib.sha1(np.ascontiguousarray(fingerprints, dtype="<u8").tobytes()).hexdigest()[:16]


@dataclass(frozen=True)
class Overlap:
    """How the rows given to a model relate to the rows it was trained on (:meth:`TrainingData.compare`).

    Attributes
    ----------
    n_rows : int
        Rows compared.
    n_training : int
        Of them, rows equal to a training row.
    n_held_out : int
        Of them, rows equal to a held-out row (and to no training row).
    verdict : str
        ``"training"`` (some rows are training rows), ``"held-out"`` (held-out
        rows only) or ``"other"`` (no training row; not only held-out rows).
    text : str
        One sentence saying so, as ``nnlearn predict`` prints it.
    training : ndarray of shape (n_rows,), dtype bool
        Which rows are training rows.
    """

    n_rows: int
    n_training: int
    n_held_out: int
    verdict: str
    text: str
    training: np.ndarray = field(repr=False, compare=False)


@dataclass(frozen=True)
class TrainingData:
    """What a model was trained on: the data, its options, the held-out split and the rows' fingerprints.

    Build it with :meth:`from_split`; :func:`nnlearn.model_io.save_model`
    stores it in the model file and :func:`nnlearn.model_io.read_training_data`
    reads it back.

    Attributes
    ----------
    data : str
        The data's name (``"iris"``) or file path as given, or ``"arrays"``.
    options : dict
        The data options it was loaded with (see :func:`nnlearn.datasets.load`).
    task : str
        ``"classification"`` or ``"regression"``.
    test_size : float
        The held-out fraction (0: none).
    split_seed : int or None
        The seed of the held-out split (None when there is none).
    n_train, n_held_out : int
        Rows trained on, rows held out.
    training_rows, held_out_rows : ndarray of shape (n,), dtype uint64
        The sorted distinct fingerprints (:func:`row_fingerprints`) of the
        training rows and of the held-out rows.
    fingerprint : str
        16 hex digits identifying the training rows in their order (of their
        fingerprints): equal training matrices give equal values.
    """

    data: str
    options: dict
    task: str
    test_size: float
    split_seed: int | None
    n_train: int
    n_held_out: int
    training_rows: np.ndarray = field(repr=False)
    held_out_rows: np.ndarray = field(repr=False)
    fingerprint: str = ""

    @classmethod
    def from_split(cls, data, X_train, X_test=None, *, options=None, task="classification", test_size=0.0,
                   split_seed=None):
        """The record of a model trained on ``X_train``, with ``X_test`` held out.

        Parameters
        ----------
        data : str or os.PathLike
            The data's name or path (``"arrays"`` for arrays of your own).
        X_train : array-like of shape (m_train, n)
        X_test : array-like of shape (m_test, n) or None
        options : dict or None
            The data options (JSON values: str, int, float, bool or None).
        task : {"classification", "regression"}
        test_size : float in [0, 1)
        split_seed : int >= 0 or None

        Raises
        ------
        TypeError, ValueError
            If an argument breaks its rule.
        """
        door = "TrainingData.from_split"
        data = os.fspath(v.PathLike().check(data, "data", door))
        options = {} if options is None else options
        if isinstance(options, dict):
            options = {k: (x.item() if isinstance(x, np.generic) else x) for k, x in options.items()}
        if not isinstance(options, dict) or not all(isinstance(k, str) and _plain(x) for k, x in options.items()):
            raise TypeError(v.message("options", door, "a dict of str -> str, int, float, bool or None",
                                      v.describe(options)))
        task = v.Option(("classification", "regression")).check(task, "task", door)
        test_size = v.rule("test_size").check(test_size, "test_size", door)
        split_seed = v.Int(0, allow_none=True).check(split_seed, "split_seed", door)
        train = row_fingerprints(X_train)
        held_out = row_fingerprints(X_test) if X_test is not None else np.empty(0, dtype=np.uint64)
        return cls(data=data, options=dict(options), task=task, test_size=float(test_size), split_seed=split_seed,
                   n_train=int(train.size), n_held_out=int(held_out.size), training_rows=np.unique(train),
                   held_out_rows=np.unique(held_out), fingerprint=_digest(train))

    def header(self):
        """The JSON object the model file's header holds under ``training_data``."""
        return {
            "data": self.data,
            "options": dict(self.options),
            "task": self.task,
            "test_size": self.test_size,
            "split_seed": self.split_seed,
            "n_train": self.n_train,
            "n_held_out": self.n_held_out,
            "fingerprint": self.fingerprint,
            "row_fingerprint": ROW_FINGERPRINT,
        }

    @classmethod
    def from_header(cls, header, training_rows, held_out_rows, where):
        """The record of a model file: its header's ``training_data`` and its two arrays (ValueError if malformed)."""
        def bad(what):
            return ValueError(f"{where} has an invalid header: training_data {what}.")

        if not isinstance(header, dict):
            raise bad(f"is {v.describe(header)}, not an object")
        try:
            data, options, task = header["data"], header["options"], header["task"]
            test_size, split_seed = header["test_size"], header["split_seed"]
            n_train, n_held_out, fingerprint = header["n_train"], header["n_held_out"], header["fingerprint"]
        except KeyError as err:
            raise bad(f"lacks {err.args[0]!r}") from None
        checks = (
            ("data", isinstance(data, str)),
            ("options", isinstance(options, dict)),
            ("task", task in ("classification", "regression")),
            ("test_size", _number(test_size) and 0 <= test_size < 1),
            ("split_seed", split_seed is None or _integer(split_seed)),
            ("n_train", _integer(n_train)),
            ("n_held_out", _integer(n_held_out)),
            ("fingerprint", isinstance(fingerprint, str)),
        )
        for name, ok in checks:
            if not ok:
                raise bad(f"has {name} = {header[name]!r}")
        rows = []
        for name, array in (("training_rows", training_rows), ("held_out_rows", held_out_rows)):
            if array is None or array.ndim != 1 or array.dtype != np.uint64:
                got = "no such array" if array is None else f"dtype {array.dtype}, shape {array.shape}"
                raise ValueError(f"{where}: the array {name!r} of its training data must be 1-D uint64 ({got}).")
            rows.append(array)
        return cls(data=data, options=options, task=task, test_size=float(test_size), split_seed=split_seed,
                   n_train=n_train, n_held_out=n_held_out, training_rows=rows[0], held_out_rows=rows[1],
                   fingerprint=fingerprint)

    def describe(self):
        """One line: ``iris (150 rows: 120 trained on, 30 held out, test_size 0.2, split seed 0)``."""
        options = ", ".join(f"{k} {x}" for k, x in self.options.items() if x is not None)
        split = (f"{self.n_held_out} held out, test_size {self.test_size:g}, split seed {self.split_seed}"
                 if self.n_held_out else "none held out")
        return (f"{self.data}{f' ({options})' if options else ''}: {self.n_train} rows trained on, {split}; "
                f"fingerprint {self.fingerprint}")

    def compare(self, X):
        """How the rows of ``X`` relate to the training rows: an :class:`Overlap`.

        Parameters
        ----------
        X : array-like of shape (m, n)

        Returns
        -------
        overlap : Overlap
        """
        fingerprints = row_fingerprints(X)
        m = int(fingerprints.size)
        training = np.isin(fingerprints, self.training_rows)
        n_training = int(np.count_nonzero(training))
        n_held_out = int(np.count_nonzero(~training & np.isin(fingerprints, self.held_out_rows)))
        if n_training:
            also = f", {n_held_out} a held-out row" if n_held_out else ""
            counts = f"{n_training} of the {m} rows equal a training row{also}"
            if np.isin(self.training_rows, fingerprints).all():
                text = f"these rows include the model's {self.n_train} training rows ({counts})"
            else:
                text = f"these rows include training rows: {counts} (of the model's {self.n_train})"
            text += ": scores on them are optimistic"
            verdict = "training"
        elif m and n_held_out == m:
            text = f"held-out rows only: all {m} rows were held out of the training, none was trained on"
            verdict = "held-out"
        else:
            part = f", {n_held_out} of them held-out rows" if n_held_out else ""
            text = f"other data: none of these {m} rows was trained on{part}"
            verdict = "other"
        return Overlap(n_rows=m, n_training=n_training, n_held_out=n_held_out, verdict=verdict, text=text,
                       training=training)


def _plain(value):
    return value is None or isinstance(value, (str, bool)) or (
        isinstance(value, numbers.Real) and math.isfinite(value))


def _integer(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
