"""Plain-text forms nnlearn reads and prints: hidden layer sizes and confusion matrices.

One network's hidden layers are written as units per layer joined by commas,
the grammar of the command line's ``--hidden``::

    "25"     (25,)       one hidden layer of 25 units
    "64,32"  (64, 32)    two hidden layers
    "none"   ()          no hidden layer (logistic or softmax regression)
"""

from __future__ import annotations

import numpy as np

from . import _validation as v

__all__ = ["hidden_syntax", "parse_hidden", "format_hidden", "format_confusion", "format_number"]

NO_HIDDEN = "none"


def hidden_syntax(min_layers=0):
    """What the text of one network's hidden layers must be, as error messages say it.

    Examples
    --------
    >>> hidden_syntax()
    'units per hidden layer joined by commas such as 25 or 64,32, or none for no hidden layer'
    """
    syntax = "units per hidden layer joined by commas such as 25 or 64,32"
    if min_layers == 0:
        return f"{syntax}, or {NO_HIDDEN} for no hidden layer"
    return f"{syntax} (at least {min_layers} hidden layer{'s' if min_layers > 1 else ''})"


def parse_hidden(text, name="text", door="parse_hidden", min_layers=0):
    """The hidden layer sizes written in ``text``: ``"64,32"`` is ``(64, 32)``, ``"none"`` is ``()``.

    Parameters
    ----------
    text : str
        Units per hidden layer joined by commas (``"25"``, ``"64,32"``; spaces
        around the numbers are ignored), or ``"none"`` (any case) for no
        hidden layer.
    name, door : str
        The argument and the door named in error messages (the command line
        passes ``"--hidden"`` and ``"nnlearn train"``).
    min_layers : int, default=0
        The fewest hidden layers accepted (1 refuses ``"none"``).

    Returns
    -------
    sizes : tuple of int
        Units per hidden layer, each >= 1; ``()`` for ``"none"``.

    Raises
    ------
    TypeError
        If ``text`` is not a str.
    ValueError
        If ``text`` is empty, has a part that is not an int >= 1, or names
        fewer than ``min_layers`` layers.

    Examples
    --------
    >>> parse_hidden("64,32"), parse_hidden("25"), parse_hidden("none")
    ((64, 32), (25,), ())
    """
    syntax = hidden_syntax(min_layers)
    if not isinstance(text, str):
        raise TypeError(v.message(name, door, f"a str of {syntax}", v.describe(text)))
    if text.strip().lower() == NO_HIDDEN:
        sizes = ()
    else:
        try:
            sizes = tuple(int(part) for part in text.split(","))
        except ValueError:
            raise ValueError(v.message(name, door, syntax, v.describe(text))) from None
    try:
        return v.HiddenSizes(min_layers).check(sizes, name, door)
    except ValueError:
        if len(sizes) >= min_layers and all(s >= 1 for s in sizes):  # well written, but too large a network
            smallest = v.n_params_of((1, *sizes, 1), stop=v.MAX_PARAMS)
            raise ValueError(v.message(name, door, f"{syntax}, for a network of at most {v.MAX_PARAMS} parameters",
                                       v.describe(text))
                             + f" Even with one input and one output, that network has more than {smallest:.3g} "
                               "parameters.") from None
        raise ValueError(v.message(name, door, syntax, v.describe(text))) from None


def format_number(x, decimals=6):
    """``x`` with ``decimals`` decimals, or in scientific notation when that would be long or round to 0.

    Fixed notation for 0 and for ``10**-decimals <= |x| < 10**6``; otherwise
    ``decimals`` decimals of a mantissa and an exponent. A cost that grew to
    1.4e100 prints in 13 characters, not 108.

    Examples
    --------
    >>> format_number(0.6976354), format_number(1.4e100), format_number(2.5e-9, 4)
    ('0.697635', '1.400000e+100', '2.5000e-09')
    """
    x = float(x)
    if x == 0 or not np.isfinite(x) or 10.0**-decimals <= abs(x) < 1e6:
        return f"{x:.{decimals}f}"
    return f"{x:.{decimals}e}"


def format_hidden(sizes):
    """The text of hidden layer sizes, as :func:`parse_hidden` reads it: ``(64, 32)`` is ``"64,32"``.

    Parameters
    ----------
    sizes : int or sequence of int
        Units per hidden layer, each >= 1; ``()`` for no hidden layer.

    Returns
    -------
    text : str
        ``"25"``, ``"64,32"``, or ``"none"`` for ``()``.

    Raises
    ------
    TypeError, ValueError
        If ``sizes`` is not an int or a sequence of ints >= 1.

    Examples
    --------
    >>> format_hidden((64, 32)), format_hidden(25), format_hidden(())
    ('64,32', '25', 'none')
    """
    sizes = v.check("format_hidden", hidden_layer_sizes=sizes)
    return ",".join(str(s) for s in sizes) if sizes else NO_HIDDEN


def format_confusion(labels, counts):
    """A confusion matrix as aligned plain text: rows the true labels, columns the predicted ones.

    Parameters
    ----------
    labels : array-like of shape (K,)
        The labels, in row and column order (any type; printed with ``str``).
    counts : array-like of shape (K, K)
        ``counts[i, j]``: the samples of true label ``labels[i]`` predicted as
        ``labels[j]`` (as :func:`nnlearn.plots.confusion_table` or
        ``sklearn.metrics.confusion_matrix`` return them).

    Returns
    -------
    text : str
        A header line (``true\\pred`` and the labels) and one line per true
        label, right-aligned, without a final newline.

    Raises
    ------
    TypeError
        If ``counts`` is not numeric.
    ValueError
        If ``labels`` is not 1-D and non-empty, or ``counts`` is not of shape (K, K).

    Examples
    --------
    >>> print(format_confusion(["cat", "dog"], [[3, 1], [0, 4]]))
    true\\pred   cat  dog
          cat     3    1
          dog     0    4
    """
    door = "format_confusion"
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(v.message("labels", door, "a non-empty 1-D array of shape (K,)", f"shape {labels.shape}"))
    counts = v.check_array(counts, "counts", door, "a (K, K) array of counts")
    K = labels.size
    if counts.shape != (K, K):
        raise ValueError(v.message("counts", door, f"an array of shape ({K}, {K}) (one row and column per label)",
                                   f"shape {counts.shape}"))
    names = [str(label) for label in labels]
    width = max([len(name) for name in names] + [len(str(int(counts.max()))), 4])
    corner = "true\\pred"
    first = max(len(corner), max(len(name) for name in names))
    lines = [f"{corner:>{first}}  " + " ".join(f"{name:>{width}}" for name in names)]
    for name, row in zip(names, counts):
        lines.append(f"{name:>{first}}  " + " ".join(f"{int(c):>{width}}" for c in row))
    return "\n".join(lines)
