"""The data of the command line: ``--data`` and its option flags, checked once, and the data they load.

Every command that reads data (``train``, ``predict``, ``sweep``, ``report``)
takes the same flags; each is an option of :func:`nnlearn.datasets.load`,
checked by its rule in :data:`nnlearn.datasets.OPTIONS` and named as the flag
in a message::

    --data NAME|PATH       a built-in set (nnlearn datasets) or a .csv, .tsv, .npz or .mat file
    --target NAME|INDEX    CSV/TSV: the target column (index from 0, negative from the end; default -1, the last)
    --header/--no-header   CSV/TSV: whether line 1 is a header (default: detected)
    --task TASK            classification or regression (default: the data's kind)
    --noise X              planar sets: the generator's noise
    --n-samples N          planar sets: the number of points; Fashion-MNIST: the first N images
    --data-seed S          planar sets: the seed of the points (default 0)
    --dtype DTYPE          Fashion-MNIST: float64 or float32

The data's seed is a flag of its own, ``--data-seed``, not ``--seed``:
``--seed`` seeds the initial weights and the held-out split, and ``sweep``
takes several of them, while the data must stay the same points in every run.
An option the chosen data does not take is an error that names the flag and
says which the data take. ``--task`` applies to all data: a file's targets
are read for it (text labels cannot be regressed on); a built-in set's
targets are converted (class indices become numbers to regress on; integer
targets become classes).
"""

from __future__ import annotations

import argparse

from . import _validation as v

__all__ = ["DATA_FLAGS", "FLAG_NAMES", "TASKS", "add_data_flags", "check_data_flags", "load_data"]

TASKS = ("classification", "regression")
# Flag -> the option of nnlearn.datasets.OPTIONS it sets.
DATA_FLAGS = {
    "--target": "target",
    "--header": "header",
    "--task": "task",
    "--noise": "noise",
    "--n-samples": "n_samples",
    "--data-seed": "seed",
    "--dtype": "dtype",
}
# The name of each argument of nnlearn.datasets.load_task as the command line spells it.
FLAG_NAMES = {"data": "--data", **{option: flag for flag, option in DATA_FLAGS.items()}}


def _dest(flag):
    return flag.lstrip("-").replace("-", "_")


def add_data_flags(parser, default="digits20", task=True):
    """Add ``--data`` and the data option flags to ``parser`` (``--task`` unless ``task`` is False)."""
    from .datasets import NAMES

    group = parser.add_argument_group("data", "the data set and its options (nnlearn datasets lists the names)")
    group.add_argument(
        "--data", default=default, metavar="NAME|PATH",
        help=f"a built-in data set ({', '.join(NAMES)}) or a .csv, .tsv, .npz or .mat file (default: %(default)s)")
    group.add_argument(
        "--target", default=None, metavar="NAME|INDEX",
        help="CSV/TSV: the target column, by header name or by index; indexes count from 0 (0 is the first "
        "column), negative ones from the end (-1 is the last); default: the last column")
    group.add_argument("--header", action=argparse.BooleanOptionalAction, default=None,
                       help="CSV/TSV: line 1 is a header row (--no-header: it is data); default: detected")
    if task:
        group.add_argument(
            "--task", default=None, metavar="TASK",
            help="classification or regression (default: the data's kind; a file's targets decide: text labels, "
            "and integers with at most 100 distinct values, are classes)")
    group.add_argument("--noise", default=None, metavar="X",
                       help="planar sets: the generator's noise (default: the set's own, e.g. 0.2 for spirals)")
    group.add_argument("--n-samples", default=None, metavar="N",
                       help="planar sets: the number of points, even (default: 800 for spirals, 400 for the others); "
                       "fashion-mnist: the first N images (default: all)")
    group.add_argument("--data-seed", default=None, metavar="S",
                       help="planar sets: the seed of the generated points (default: 0; --seed does not change the data)")
    group.add_argument("--dtype", default=None, metavar="DTYPE",
                       help="fashion-mnist: float64 or float32, the dtype of X (default: float64; float32 halves the memory)")


def check_data_flags(args, door):
    """Check ``--data`` and every data option flag given, once, before any work.

    Sets ``args.data_options`` (the options for :func:`nnlearn.datasets.load_task`,
    every one the data take but ``task``) and ``args.task`` (the ``--task`` asked, or None).
    A flag's text is converted for its option's rule (int, float) and checked
    by it; a flag the data do not take is a ValueError naming the flag.
    """
    from . import datasets

    datasets.DataName().check(args.data, "--data", door)
    given = {}
    for flag, option in DATA_FLAGS.items():
        text = getattr(args, _dest(flag), None)
        if text is None:
            continue
        given[option] = _converted(text, flag, option, door)
    task = given.pop("task", None)
    if task is not None:
        task = datasets.OPTIONS["task"].check(task, "--task", door)
    checked = datasets.check_options(args.data, given, door, names=FLAG_NAMES)
    args.data_options = {name: value for name, value in checked.items() if name != "task"}  # task: args.task
    args.task = task


def _converted(text, flag, option, door):
    """The value of a data flag written as ``text``: an int or float where its rule asks for one."""
    from . import datasets

    if not isinstance(text, str):
        return text  # --header: a bool already
    rule = datasets.OPTIONS[option]
    if option == "seed":
        rule = v.Int(0)  # a command line gives an int seed, never a Generator
    if isinstance(rule, (v.Int, v.Real)):
        try:
            value = int(text) if isinstance(rule, v.Int) else float(text)
        except ValueError:
            raise ValueError(v.message(flag, door, rule.text(), v.describe(text))) from None
        return rule.check(value, flag, door) if option == "seed" else value
    return text


def load_data(args, door, task=None):
    """``(X, y, info)`` of the checked ``args`` (see :func:`nnlearn.datasets.load_task`): for ``task``, else
    for ``--task``, else for the data's kind (``info.kind``); messages name the flags."""
    from . import datasets

    return datasets.load_task(args.data, task or args.task, door, names=FLAG_NAMES, **args.data_options)
