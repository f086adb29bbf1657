"""The targets of a data file: classes or a quantity, checked once for every file format.

:func:`text_targets` takes a CSV/TSV column (strings, one per row, with their
line numbers); :func:`array_targets` takes the ``y`` array of a ``.npz`` or
``.mat`` file. Both apply the ``task`` rule of :func:`nnlearn.datasets.load`
(see :func:`nnlearn.datasets.info.decide_task`) and refuse what neither task
can use, with one message naming the file, the row and the column.
"""

from __future__ import annotations

import numpy as np

from .info import decide_task

__all__ = ["text_targets", "array_targets", "classes_of"]


def text_targets(where, texts, lines, column, task):
    """``(y, task)`` from the target column of a text file.

    Parameters
    ----------
    where : str
        The file, for messages.
    texts : list of str
        The target field of each data row, stripped.
    lines : sequence of int
        The 1-based line number of each data row.
    column : str
        The column, for messages, e.g. ``"column 5 ('species')"``.
    task : {None, "classification", "regression"}

    Returns
    -------
    y : ndarray of shape (m,)
        int64 class labels (integer numbers), str class labels (text), or
        float64 values (regression).
    task : str
        The task used.
    """
    for i, text in enumerate(texts):
        if text == "":
            raise ValueError(f"{where}, line {lines[i]}, {column}: the target is empty (a missing value?); "
                             f"every row needs one.")
    values, first_text = _parse_numbers(texts)
    task = task or decide_task(first_text is None, values)

    def at(i, what):
        return ValueError(f"{where}, line {lines[i]}, {column}: the target {texts[i]!r} {what}.")

    if task == "regression":
        if first_text is not None:
            raise at(first_text, "is not a number, and regression (task='regression') needs numeric targets")
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise at(bad[0], "is not finite (NaN or infinity)")
        return values, task
    if first_text is not None:
        y = np.array(texts)  # text labels; (m,)
    else:
        y = _integer_labels(values, lambda i, what: at(i, what))
    _need_two_classes(y, f"{where}, {column}")
    return y, task


def array_targets(where, y, m, task):
    """``(y, task)`` from the ``y`` array of a ``.npz`` or ``.mat`` file, for an ``X`` of ``m`` rows.

    ``y`` may be 1-D (m,), a column (m, 1) or a row (1, m), or 2-D (m, k):
    several outputs (regression) or 0/1 labels (multi-label classification).
    Numbers (bools, ints, floats) and, 1-D, text labels (dtype ``U``) are
    read. Messages give the index of the first bad entry, e.g. ``y[3]``.
    """
    if y.dtype.kind not in "biufU":
        raise ValueError(f"{where}: y has dtype {y.dtype}; nnlearn reads numbers or text labels (dtype 'U').")
    if y.ndim == 2 and (y.shape[1] == 1 or (y.shape[0] == 1 and m != 1)):
        y = y.ravel()
    if y.ndim == 1 and y.shape[0] != m:
        raise ValueError(f"{where}: y has {y.shape[0]} entries, but X has {m} rows; there must be one target per row.")
    if y.ndim == 2 and y.shape[0] != m:
        raise ValueError(f"{where}: y has shape {y.shape}, but X has {m} rows; there must be one row of y per row of X.")
    if y.ndim not in (1, 2):
        raise ValueError(f"{where}: y has shape {y.shape}; expected ({m},) or ({m}, k).")
    if y.dtype.kind == "U":
        return _text_array_targets(where, y, task)
    values = y.astype(np.float64)
    bad = np.argwhere(~np.isfinite(values))
    if bad.size:
        index = ", ".join(str(int(k)) for k in bad[0])
        raise ValueError(f"{where}: y[{index}] is {values[tuple(bad[0])]}; targets must be finite.")
    if y.ndim == 2:
        return _two_d_targets(where, values, task)
    task = task or decide_task(True, values)
    if task == "regression":
        return values, task
    y = _integer_labels(values, lambda i, what: ValueError(f"{where}: y[{i}] = {values[i]:g} {what}."))
    _need_two_classes(y, f"{where}: y")
    return y, task


def classes_of(y, task):
    """``(n_classes, class_names, n_outputs)`` of checked targets ``y`` for ``task``."""
    n_outputs = 1 if y.ndim == 1 else y.shape[1]
    if task == "regression":
        return None, None, n_outputs
    if y.ndim == 2:  # multi-label: one 0/1 column per label
        return n_outputs, None, n_outputs
    return int(np.unique(y).size), tuple(str(c) for c in np.unique(y)), 1


def _text_array_targets(where, y, task):
    if y.ndim != 1:
        raise ValueError(f"{where}: y holds text of shape {y.shape}; text labels must be 1-D (one per row).")
    if task == "regression":
        raise ValueError(f"{where}: y holds text labels ({str(y[0])!r}, ...), but regression (task='regression') "
                         f"needs numeric targets.")
    empty = np.flatnonzero(y == "")
    if empty.size:
        raise ValueError(f"{where}: y[{empty[0]}] is an empty label (a missing value?).")
    _need_two_classes(y, f"{where}: y")
    return y, "classification"


def _two_d_targets(where, values, task):
    """(m, k) targets: several outputs to regress, or 0/1 labels (multi-label classification)."""
    zero_one = np.all((values == 0) | (values == 1))
    task = task or ("classification" if zero_one else "regression")
    if task == "classification":
        if not zero_one:
            i, j = np.argwhere((values != 0) & (values != 1))[0]
            raise ValueError(f"{where}: y[{i}, {j}] = {values[i, j]:g}; a 2-D y for classification holds 0/1 "
                             f"labels (multi-label); for continuous targets use task='regression'.")
        return values.astype(np.int64), task
    return values, task


def _integer_labels(values, error):
    """Class labels from numbers: int64 if every value is a (not too large) integer, else ``error(i, what)``."""
    bad = np.flatnonzero(~np.isfinite(values) | (values != np.round(values)) | (np.abs(values) > 2.0**53))
    if bad.size:
        raise error(bad[0], "is not an integer class label; for a continuous target use task='regression'")
    return values.astype(np.int64)


def _need_two_classes(y, where):
    classes = np.unique(y)
    if classes.size < 2:
        raise ValueError(f"{where}: every one of the {y.shape[0]} targets is the class {classes[0].item()!r}; "
                         f"a classifier needs at least 2 classes.")


def _parse_numbers(texts):
    """``(values, first_text)``: float64 values and None, or None and the index of the first text that is not a number."""
    values = np.empty(len(texts))
    for i, text in enumerate(texts):
        try:
            values[i] = float(text)
        except ValueError:
            return None, i
    return values, None
