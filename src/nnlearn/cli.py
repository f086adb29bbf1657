"""The ``nnlearn`` command: argparse, one check of every flag, then library calls.

The commands share one grammar:

- ``--hidden`` writes a network as units per hidden layer joined by commas
  (``25``, ``64,32``) or ``none`` for no hidden layer (:func:`nnlearn.text.parse_hidden`).
  ``train`` and ``report`` take one network, ``sweep`` several
  (``--hidden 25 64,32`` is two networks).
- ``--progress`` / ``--no-progress``: progress on stderr; by default shown when
  stderr is a terminal, in every command.
- ``--test-size``: the fraction held out (stratified for classes), in [0, 1),
  0 for none; default 0.2 in every command that has it.
- ``--data``, ``--alpha``, ``--max-iter``, ``--solver``, ``--activation``,
  ``--output``, ``--learning-rate`` and ``--seed`` mean the same everywhere.
- ``--data`` takes every data value :func:`nnlearn.datasets.load` does, with
  its options as flags (``--target``, ``--header``, ``--task``, ``--noise``,
  ``--n-samples``, ``--data-seed``, ``--dtype``; see :mod:`nnlearn.cli_data`).
  The task, classification or regression, is the data's kind unless
  ``--task`` says otherwise: regression trains an MLPRegressor (identity
  output) and reports R^2 and RMSE instead of the accuracy.

Every flag value is checked before any work, by the rules of
:mod:`nnlearn._validation`, naming the flag and the command::

    The '--alpha' option of nnlearn train must be a float in the range [0.0, inf). Got -1.0 instead.

Bad usage or bad input exits with status 2 and one line on stderr starting
with ``nnlearn: error:`` (a traceback only with ``--debug``).

Exit statuses: 0 done; 1 a gradient check failed; 2 bad usage, bad input,
training that diverged, or a sweep whose every run failed; 130 interrupted by
Ctrl-C (what was finished is kept: the weights of the last finished iteration,
the finished runs of a sweep, and a model saved even if Ctrl-C arrives while
it is being written); 141 standard output was closed by its reader
(``nnlearn train | head -1``): the rest of the output is dropped, the work
and its files are finished, no message. Every output flag (``--save``,
``--output``, ``--results``, ``--plot``) is checked before any work by
:func:`nnlearn._atomic.check_target`.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

import numpy as np

from . import _validation as v
from ._process import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, PipeGuard, interrupts_held
from .cli_data import add_data_flags
from .split import held_out_split
from .text import format_confusion, format_number, hidden_syntax, parse_hidden

__all__ = ["main", "parse_args", "build_parser", "CLIError"]

PROG = "nnlearn"
TEST_SIZE = 0.2  # the default of --test-size in every command that has it
# Flags whose rule is not a hyperparameter's row in nnlearn._validation.RULES: flag -> rule.
FLAG_RULES = {
    "--seed": v.Int(0),
    "--split-seed": v.Int(0),
    "--jobs": v.Int(),  # sweep.run refuses 0 (its n_jobs rule)
    "--m": v.Int(1),
    "--threshold": v.Real(0.0, open="low"),  # 0 would fail every check
    "--port": v.Int(0, 65535),
    "--variant": v.Option(("python", "octave")),  # nnlearn.gradcheck.VARIANTS
}
# What sweep records and plots.sweep_heatmap show, per task.
SWEEP_METRICS = {
    "classification": ("train_accuracy", "test_accuracy", "final_cost"),
    "regression": ("train_r2", "test_r2", "train_rmse", "test_rmse", "final_cost"),
}


class CLIError(Exception):
    """A user error found by the command line itself (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line: ``nnlearn: error: ...``, status 2."""

    def error(self, message):
        raise CLIError(message)


# -- checking flag values -------------------------------------------------------


def flag_rule(flag):
    """The rule of ``flag``: :data:`FLAG_RULES`, else its hyperparameter's (``--max-iter``: ``RULES["max_iter"]``)."""
    return FLAG_RULES[flag] if flag in FLAG_RULES else v.rule(flag)


def flag_value(text, flag, door):
    """The value of ``flag`` written as ``text``: converted for its rule (int, float or str) and checked by it."""
    rule = flag_rule(flag)
    value = text
    if isinstance(text, str) and isinstance(rule, (v.Int, v.Real)):
        try:
            value = int(text) if isinstance(rule, v.Int) else float(text)
        except ValueError:
            raise CLIError(v.message(flag, door, rule.text(), v.describe(text))) from None
    return rule.check(value, flag, door)


def check_flags(args, door, *flags):
    """Replace each flag's text in ``args`` by its checked value (each value of a flag that takes several).

    None (a flag not given whose default the command chooses, e.g. ``--activation``) stays None.
    """
    for flag in flags:
        dest = flag.lstrip("-").replace("-", "_")
        given = getattr(args, dest)
        if given is None:
            continue
        if isinstance(given, list):
            setattr(args, dest, [flag_value(text, flag, door) for text in given])
        else:
            setattr(args, dest, flag_value(given, flag, door))


def one_network(texts, door, min_layers=0):
    """The hidden layer sizes of ``--hidden`` in a command that trains one network (train, report)."""
    if len(texts) == 1:
        return parse_hidden(texts[0], "--hidden", door, min_layers)
    got = "nothing" if not texts else v.describe(" ".join(texts))
    hint = ""
    if len(texts) > 1 and all(text.strip().isdigit() for text in texts):
        hint = (f" Write --hidden {','.join(t.strip() for t in texts)} for {len(texts)} hidden layers; "
                f"only {PROG} sweep takes several networks.")
    raise CLIError(v.message("--hidden", door, f"one network: {hidden_syntax(min_layers)}", got) + hint)


def networks(texts, door):
    """The hidden layer sizes of each network of ``--hidden`` in ``sweep``."""
    if not texts:
        raise CLIError(v.message("--hidden", door, f"one or more networks, each {hidden_syntax()}", "nothing"))
    return [parse_hidden(text, "--hidden", door) for text in texts]


def check_progress(args):
    """``--progress`` / ``--no-progress`` as a bool: given, or whether stderr is a terminal."""
    args.progress = sys.stderr.isatty() if args.progress is None else args.progress


def check_data(args, door):
    """Check ``--data`` and its option flags (without loading the data: :func:`nnlearn.cli_data.check_data_flags`);
    the data's family ("digits", "planar", "images", "tabular") goes to ``args.kind``."""
    from . import datasets
    from .cli_data import check_data_flags

    check_data_flags(args, door)
    args.kind = datasets.kind_of(args.data)


def known_task(args):
    """The task of the checked data flags when known without reading a file: ``--task``, or a built-in set's kind."""
    from . import datasets

    if args.task is not None:
        return args.task
    if isinstance(args.data, str) and args.data in datasets.BUILTIN:
        return datasets.BUILTIN[args.data].kind
    return None


def output_for(task, outputs, door):
    """The output layer(s) ``--output`` gives for ``task``: None (not given) is sigmoid for classes, identity for
    regression; identity is refused for classes, and any other output for regression."""
    from .core.losses import CLASSIFICATION_OUTPUT_NAMES

    several = isinstance(outputs, list)
    chosen = []
    for output in (outputs if several else [outputs]):
        if task == "regression" and output not in (None, "identity"):
            raise CLIError(v.message("--output", door, "'identity' for regression (linear output units; --task "
                                     "classification learns classes)", v.describe(output)))
        if task == "classification" and output == "identity":
            raise CLIError(v.message("--output", door, f"a str among {list(CLASSIFICATION_OUTPUT_NAMES)} for "
                                     "classification (identity is the output of regression: --task regression)",
                                     v.describe(output)))
        chosen.append(output or ("identity" if task == "regression" else "sigmoid"))
    return chosen if several else chosen[0]


def check_output_file(path, flag, door, regular=False):
    """Fail before any work when ``path`` (given with ``flag``) cannot be written; return its :class:`~nnlearn._atomic.Target`.

    Refused, naming the flag and what is wrong (see :func:`nnlearn._atomic.check_target`): a directory, a
    missing directory, a dangling symbolic link, a read-only file, an unwritable directory, a name too long
    for the file system, a block device or a socket; ``-`` (write ``/dev/stdout`` for standard output); and
    with ``regular`` anything but a regular file (a FIFO, a device, standard output).
    """
    from ._atomic import check_target

    rule = "the name of a file to write in an existing directory"
    got = repr(str(path))  # the whole path, never shortened
    if str(path) == "-":
        raise CLIError(v.message(flag, door, rule, f"{got} (nnlearn writes files; give /dev/stdout for standard "
                                 "output)"))
    try:
        target = check_target(path)
    except (OSError, ValueError) as err:
        reason = getattr(err, "reason", None) or getattr(err, "strerror", None) or str(err)
        raise CLIError(v.message(flag, door, rule, f"{got} ({reason})")) from None
    if regular and target.kind != "file":
        raise CLIError(v.message(flag, door, "a regular file (it is read back)", f"{got} (not a regular file)"))
    return target


def describe_network(net, parameters=False):
    """``400-25-10 (10285 parameters), sigmoid hidden, sigmoid output`` (``no hidden layer`` for a 2-layer network)."""
    sizes = "-".join(str(s) for s in net.layer_sizes) + (f" ({net.n_params} parameters)" if parameters else "")
    hidden = f"{net.activation} hidden" if len(net.layer_sizes) > 2 else "no hidden layer"
    return f"{sizes}, {hidden}, {net.output} output"


def make_estimator(args, task):
    """The MLPClassifier, or MLPRegressor for regression, of ``train``'s checked flags (its activation by default:
    tanh for planar data, else sigmoid)."""
    from .estimator import MLPClassifier, MLPRegressor

    activation = args.activation or ("tanh" if args.kind == "planar" else "sigmoid")
    output = output_for(task, args.output, f"{PROG} train")
    if task == "regression":
        estimator, extra = MLPRegressor, {}
    else:
        estimator, extra = MLPClassifier, {"output": output}
    return estimator(
        hidden_layer_sizes=args.hidden,
        activation=activation,
        **extra,
        alpha=args.alpha,
        solver=args.solver,
        max_iter=args.max_iter,
        learning_rate=args.learning_rate,
        random_state=args.seed,
        verbose=args.progress,
    )


# -- the checks of each command (before any work) -----------------------------


def check_train(args):
    door = f"{PROG} train"
    args.hidden = one_network(args.hidden, door)
    check_flags(args, door, "--alpha", "--max-iter", "--solver", "--activation", "--output", "--learning-rate",
                "--seed", "--test-size")
    check_progress(args)
    check_data(args, door)
    if known_task(args) is not None:
        output_for(known_task(args), args.output, door)  # a file's kind is known once it is read: see cmd_train
    if args.save:
        check_output_file(args.save, "--save", door)  # before training, so no training is lost to a bad path


def check_gradcheck(args):
    door = f"{PROG} gradcheck"
    rule = "3 ints >= 1 (input, hidden and output units) such as 3 5 3"
    try:
        sizes = [int(text) for text in args.layers]
        if len(sizes) != 3:
            raise ValueError
        args.layers = v.LayerSizes().check(sizes, "--layers", door)
    except (TypeError, ValueError):
        raise CLIError(v.message("--layers", door, rule, v.describe(" ".join(map(str, args.layers))))) from None
    check_flags(args, door, "--m", "--alpha", "--activation", "--output", "--eps", "--threshold", "--variant")
    v.check_gradcheck_size(args.m, v.n_params_of(args.layers), door, "--m")  # 2 n_params evaluations of m samples


def check_predict(args):
    door = f"{PROG} predict"
    check_data(args, door)
    if args.output:
        check_output_file(args.output, "--output", door)


def check_sweep(args):
    door = f"{PROG} sweep"
    args.hidden = networks(args.hidden, door)
    check_flags(args, door, "--alpha", "--max-iter", "--seed", "--solver", "--activation", "--output",
                "--learning-rate", "--test-size", "--split-seed", "--jobs")
    check_progress(args)
    check_data(args, door)
    task = known_task(args)
    if task is not None:
        output_for(task, args.output, door)
    if args.metric is not None:
        metrics = SWEEP_METRICS[task] if task else tuple(dict.fromkeys(sum(SWEEP_METRICS.values(), ())))
        args.metric = v.Option(metrics).check(args.metric, "--metric", door)
    if args.resume and not args.results:
        raise CLIError(v.message("--resume", door, "given with --results FILE.jsonl (the results to continue)",
                                 "--resume without --results"))
    if args.save_weights and not args.results:
        raise CLIError(v.message("--save-weights", door, "given with --results FILE.jsonl (the weights go beside it)",
                                 "--save-weights without --results"))
    if args.metric in ("test_accuracy", "test_r2", "test_rmse") and not args.test_size:
        raise CLIError(v.message("--test-size", door, f"a fraction in (0.0, 1.0) with --metric {args.metric} "
                                 "(it needs a held-out set)", v.describe(args.test_size)))
    if args.results:
        check_output_file(args.results, "--results", door, regular=True)
        if args.save_weights:
            from .sweep.weights import check_weights_folder

            try:
                check_weights_folder(args.results)
            except (OSError, ValueError) as err:
                raise CLIError(v.message("--results", door, "a results file whose weights folder <stem>.weights can "
                                         "be written (--save-weights)", f"{str(args.results)!r} ({err.reason})")) from None
    if args.plot:
        from pathlib import Path

        from matplotlib.figure import Figure

        formats = Figure().canvas.get_supported_filetypes()
        if Path(args.plot).suffix[1:].lower() not in formats:
            rule = f"an image file name ending in one of {', '.join('.' + f for f in sorted(formats))}"
            raise CLIError(v.message("--plot", door, rule, v.describe(args.plot)))
        check_output_file(args.plot, "--plot", door)


def check_report(args):
    door = f"{PROG} report"
    args.hidden = one_network(args.hidden, door, min_layers=1)  # the report shows the hidden units
    check_flags(args, door, "--alpha", "--max-iter", "--solver", "--seed")
    check_progress(args)
    check_data(args, door)


def check_bench(args):
    door = f"{PROG} bench"
    from . import bench

    if args.tables is not None:
        if not args.tables:
            raise CLIError(v.message("--tables", door, f"one or more of {list(bench.TABLES)}", "nothing"))
        args.tables = [v.Option(bench.TABLES).check(name, "--tables", door) for name in args.tables]
    if args.figure is not None:
        check_output_file(args.figure, "--figure", door)  # before minutes of training
    check_progress(args)


# -- commands -----------------------------------------------------------------


def describe_data(args, X, info):
    """``iris: 150 samples, 4 features, classification (3 classes)``."""
    what = f"{info.kind} ({info.n_classes} classes)" if info.n_classes else info.kind
    return f"{os.fsdecode(args.data)}: {X.shape[0]} samples, {X.shape[1]} features, {what}"


def print_scores(label, task, y, predicted):
    """One line of the scores of ``predicted`` against ``y``: accuracy, or R^2 and RMSE (see nnlearn.metrics)."""
    from .metrics import scores

    found = scores(task, y, predicted)
    if task == "regression":
        print(f"{label:<12} R^2 {found['r2']:.4f}, RMSE {found['rmse']:.4g} on {len(y)} samples")
    else:
        print(f"{label:<12} {100 * found['accuracy']:.2f}% on {len(y)} samples")


def cmd_train(args):
    """Train a network, print accuracies (R^2 and RMSE for regression) and timing; optionally save the model."""
    from .cli_data import load_data

    door = f"{PROG} train"
    X, y, info = load_data(args, door)
    task = info.kind
    clf = make_estimator(args, task)  # refuses an --output the task does not take, before any work
    stratify = task == "classification" and y.ndim == 1  # regression and multi-label: a plain shuffled split
    X_train, X_test, y_train, y_test = held_out_split(X, y, args.test_size, args.seed, stratify=stratify)
    from sklearn.exceptions import ConvergenceWarning

    from .optimize import TrainingInterrupted

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        warnings.simplefilter("ignore", category=TrainingInterrupted)  # reported after the results, below
        clf.fit(X_train, y_train)
    result = clf.train_result_
    with interrupts_held() as held:  # the training is done: a Ctrl-C from now on does not lose it
        print(f"data         {describe_data(args, X, info)}")
        print(f"network      {describe_network(clf.network_, parameters=True)}")
        print(f"solver       {args.solver}, alpha {args.alpha:g}, {clf.n_iter_} iterations, "
              f"{result.n_evaluations} evaluations, {result.elapsed:.2f} s")
        print(f"cost         {format_number(clf.loss_curve_[0])} -> {format_number(clf.loss_curve_[-1])}")
        print_scores("train" if task == "regression" else "train acc", task, y_train, clf.predict(X_train))
        if X_test is not None:
            print_scores("held-out" if task == "regression" else "held-out acc", task, y_test, clf.predict(X_test))
        if args.save:
            from .model_io import save_model
            from .provenance import TrainingData

            record = TrainingData.from_split(args.data, X_train, X_test, options=args.data_options, task=task,
                                             test_size=args.test_size,
                                             split_seed=args.seed if X_test is not None else None)
            save_model(args.save, clf, training_data=record)
            print(f"saved        {args.save}")
    if result.interrupted:  # Ctrl-C during training: the results above are those of the last finished iteration
        print(f"{PROG}: interrupted: training stopped by Ctrl-C after {clf.n_iter_} iterations; the results "
              f"above{' and the saved model' if args.save else ''} use the weights of iteration {clf.n_iter_}",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    if held.interrupted:  # Ctrl-C after the training: held back until the results were written
        print(f"{PROG}: interrupted: Ctrl-C after the training had finished; the results above"
              f"{f' and the model saved to {args.save}' if args.save else ''} are complete", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


def cmd_gradcheck(args):
    """Gradient check on the course's debug network (or a network of given sizes).

    Prints the numerical and the analytical gradient side by side as the exercise's
    checkNNGradients does (``--variant``: the Python exercise's order and NumPy's print,
    or the Octave original's), then the relative difference, the per-layer table and PASS/FAIL.
    """
    from .gradcheck import debug_problem, gradient_check

    net, theta, X, y = debug_problem(*args.layers, m=args.m, activation=args.activation, output=args.output)
    check = gradient_check(net, theta, X, y, alpha=args.alpha, eps=args.eps, threshold=args.threshold)
    print(f"network {'-'.join(map(str, net.layer_sizes))}, {args.activation} hidden, {args.output} output, "
          f"m = {args.m}, alpha = {args.alpha:g}, eps = {args.eps:g}")
    print(check.format_columns(args.variant))
    print(f"(left: numerical gradient, right: analytical gradient by backpropagation; in the order of the "
          f"{args.variant} exercise)")
    print(f"Relative Difference: {check.relative_difference:g}")
    print(check)
    return 0 if check.passed else 1


def cmd_predict(args):
    """Predict with a saved model; print the accuracy and a confusion matrix (R^2 and RMSE for a regressor), say
    whether the rows include the model's training rows, optionally write the predictions."""
    from .cli_data import load_data
    from .estimator import MLPRegressor
    from .model_io import load_model, read_training_data

    door = f"{PROG} predict"
    model = load_model(args.model)
    training = read_training_data(args.model)
    if isinstance(model, tuple):  # a Network file: labels are output-unit indices, or h for identity outputs
        net, theta = model
        task = "regression" if net.output == "identity" else "classification"
        description = f"Network {describe_network(net)}"
    else:
        net = model.network_
        task = "regression" if isinstance(model, MLPRegressor) else "classification"
        classes = "" if task == "regression" else f", {len(model.classes_)} classes"
        description = f"{type(model).__name__} {describe_network(net)}{classes}, {model.n_iter_} iterations"
    X, y, info = load_data(args, door, task=task)  # the model's task: a file's targets are read for it
    if isinstance(model, tuple):
        predicted = net.predict(theta, X)
        if task == "regression" and predicted.shape[1] == 1:
            predicted = predicted[:, 0]
        known = np.arange(max(net.n_outputs, 2))
    else:
        if task == "classification" and y.ndim == 1 and (y.dtype.kind in "US") != (model.classes_.dtype.kind in "US"):
            raise CLIError(v.message(
                "--data", door, f"data labeled as the model's classes {v.describe(model.classes_.tolist())}",
                f"{v.describe(os.fsdecode(args.data))}, labeled {v.describe(np.unique(y).tolist())}"))
        predicted = model.predict(X)
        known = None if task == "regression" else model.classes_
    with interrupts_held() as held:  # the predictions are made: a Ctrl-C from now on does not lose them
        print(f"model        {args.model}: {description}")
        if training is not None:
            print(f"trained on   {training.describe()}")
        print(f"data         {describe_data(args, X, info)}")
        overlap = training.compare(X) if training is not None else None
        print("rows         " + (overlap.text if overlap is not None else "the model file does not record its "
                                 "training data (saved without it), so whether these rows include training rows is "
                                 "unknown"))
        print_prediction_scores(task, y, predicted, overlap)
        if task == "classification" and y.ndim == 1:
            from sklearn.metrics import confusion_matrix

            labels = np.unique(np.concatenate([np.asarray(known), y, predicted]))
            counts = confusion_matrix(y, predicted, labels=labels)
            print("confusion matrix (rows: true label, columns: predicted label)")
            print(format_confusion(labels, counts))
        if args.output:
            from ._atomic import write_text

            header, rows = prediction_rows(y, predicted)
            write_text(args.output, rows)
            print(f"wrote        {args.output} ({len(y)} rows: {header})")
    if held.interrupted:
        print(f"{PROG}: interrupted: Ctrl-C after the predictions were made; the output above"
              f"{f' and {args.output}' if args.output else ''} are complete", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


def print_prediction_scores(task, y, predicted, overlap):
    """``predict``'s scores on all rows and, when they mix training rows with others, on the rows not trained on."""
    from .metrics import scores

    def line(mask):
        found = scores(task, y[mask], predicted[mask])
        n = int(np.count_nonzero(mask))
        if task == "regression":
            return f"R^2 {found['r2']:.4f}, RMSE {found['rmse']:.4g} on {n} samples"
        correct = round(found["accuracy"] * n)
        return f"{100 * found['accuracy']:.2f}% ({correct} of {n})"

    every = np.ones(len(y), dtype=bool)
    print(f"{'R^2, RMSE' if task == 'regression' else 'accuracy':<12} {line(every)}")
    if overlap is not None and 0 < overlap.n_training < overlap.n_rows:
        print(f"{'not trained':<12} {line(~overlap.training)}: the {overlap.n_rows - overlap.n_training} rows that "
              "are not training rows")


def prediction_rows(y, predicted):
    """``(header, text)`` of the predictions CSV: ``index,predicted,true``, or one column per output
    (``predicted_0``, ..., ``true_0``, ...) for several outputs."""
    import csv
    import io

    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\n")
    if predicted.ndim == 1:
        header = ["index", "predicted", "true"]
        rows = zip(range(len(y)), predicted.tolist(), y.tolist())
    else:
        k = predicted.shape[1]
        header = ["index", *(f"predicted_{j}" for j in range(k)), *(f"true_{j}" for j in range(k))]
        rows = ([i, *p, *t] for i, (p, t) in enumerate(zip(predicted.tolist(), y.tolist())))
    writer.writerow(header)
    writer.writerows(rows)
    return ",".join(header), text.getvalue()


def cmd_sweep(args):
    """Fit every combination of the given values; print a table, optionally plot a heatmap."""
    from pathlib import Path

    from . import datasets, sweep
    from ._atomic import write_atomically

    door = f"{PROG} sweep"
    task = known_task(args)
    if task is None:  # a file: its kind is known once it is read (the sweep reads it again, as a name)
        task = datasets.describe(args.data, **args.data_options).kind
        if args.metric is not None:
            args.metric = v.Option(SWEEP_METRICS[task]).check(args.metric, "--metric", door)
    outputs = output_for(task, args.output or [None], door)
    grid = {
        "alpha": args.alpha,
        "max_iter": args.max_iter,
        "hidden_layer_sizes": args.hidden,
        "random_state": args.seed,
        "solver": args.solver,
        "activation": args.activation or ["tanh" if args.kind == "planar" else "sigmoid"],
    }
    if task == "classification":
        grid["output"] = outputs  # a regression network's output is identity
    if args.learning_rate:
        grid["learning_rate"] = args.learning_rate
    try:
        records = sweep.run(grid, args.data, results_path=args.results, n_jobs=args.jobs, scheduler=args.scheduler,
                            resume=args.resume, progress=args.progress, test_size=args.test_size or None,
                            split_seed=args.split_seed, save_weights=args.save_weights, keep_weights=False,
                            task=task, data_options=args.data_options)
    except ImportError as err:
        raise CLIError(str(err)) from None
    except KeyboardInterrupt:
        where = f"; the finished runs are in {args.results} (--resume continues)" if args.results else ""
        print(f"{PROG}: interrupted{where}", file=sys.stderr)
        return EXIT_INTERRUPTED
    with interrupts_held() as held:  # the runs are done: a Ctrl-C from now on does not lose the table or the plot
        print(records.table())
        best = records.best()
        if best is not None:
            where = records.describe(best) or "the only run"
            label = "held-out" if records.metric.startswith("test_") else "train"
            value = best[records.metric]
            score = f"R^2 {value:.4f}" if records.task == "regression" else f"{100 * value:.2f}%"
            print(f"best         {label} {score} at {where}")
        failed = f", {records.n_failed} failed" if records.n_failed else ""
        print(f"runs         {len(records)}: {records.n_run} run now, {records.n_resumed} from the results file"
              f"{failed}; {records.seconds:.1f} s")
        if args.results:
            print(f"results      {args.results}")
        if args.plot:
            from .plots import sweep_heatmap

            plot = Path(args.plot)
            figure = sweep_heatmap(records, metric=args.metric or records.metric)
            write_atomically(plot, lambda f: figure.savefig(f, format=plot.suffix[1:].lower(), dpi=120,
                                                            bbox_inches="tight"))
            print(f"plot         {plot}")
    if len(records) and records.n_failed == len(records):  # nothing to show for the sweep: say so, and fail
        first = next(r["error"] for r in records if r.get("error"))
        print(f"{PROG}: error: every run of the sweep failed ({len(records)} of {len(records)}); the first: "
              f"{str(first).splitlines()[0][:200]}", file=sys.stderr)
        return 2
    if held.interrupted:
        print(f"{PROG}: interrupted: Ctrl-C after the runs had finished; the output above is complete",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


def cmd_report(args):
    """Train, check and explain a network; write the report's index.html (see nnlearn.report)."""
    from .report import build_report

    path = build_report(out_dir=args.out, data=args.data, weights=args.weights, hidden=args.hidden, alpha=args.alpha,
                        max_iter=args.max_iter, solver=args.solver, quick=args.quick, seed=args.seed,
                        progress=args.progress, task=args.task, data_options=args.data_options)
    print(f"report       {path}")
    print(f"open         {path.resolve().as_uri()}")
    return 0


def cmd_datasets(args):
    """List the built-in data sets, one line each (a markdown table with --markdown); loads nothing."""
    from . import datasets

    rows = datasets.catalog()
    if not args.markdown:
        for info in rows:
            print(info.summary())
        return 0
    print("| name | X | kind | images | options | source |")
    print("|---|---|---|---|---|---|")
    for info in rows:
        kind = f"{info.n_classes} classes" if info.n_classes else info.kind
        images = "no"
        if info.images:
            order = {"F": "column-major", "C": "row-major"}[info.pixel_order]
            images = f"{info.image_shape[0]}x{info.image_shape[1]}, {order}"
        options = ", ".join(f"{name} {value}" if value is not None else name for name, value in info.options)
        installed = "" if info.available else " (not installed)"
        print(f"| `{info.name}` | {info.n_samples} x {info.n_features} | {kind} | {images} | {options} | "
              f"{info.source}{installed} |")
    return 0


def cmd_bench(args):
    """Time nnlearn against PyTorch, scikit-learn and the floor; print the tables (see nnlearn.bench)."""
    import os

    from . import bench

    progress = (lambda message: print(f"{PROG} bench: {message}", file=sys.stderr, flush=True)) if args.progress else None
    prefix = "- " if args.markdown else ""
    for line in bench.machine_info():
        print(prefix + line, flush=True)
    for name in args.tables or bench.DEFAULT_TABLES:
        for table in bench.run(tables=[name], quick=args.quick, progress=progress, figure=args.figure):
            print()
            print(bench.format_table(table, markdown=args.markdown), flush=True)
    if hasattr(os, "getloadavg"):
        print()
        print(prefix + "load      {:.2f} {:.2f} {:.2f} (1, 5, 15 min averages at the end)".format(*os.getloadavg()))
    return 0


# -- parser -------------------------------------------------------------------

SOLVERS = "CG, L-BFGS-B, TNC, fmincg, gd, sgd or adam"


def check_playground(args):
    args.port = flag_value(args.port, "--port", "nnlearn playground")


def cmd_playground(args):
    """Serve the playground until Ctrl-C (see nnlearn.playground.launch)."""
    from .playground.launch import host_warning, run

    warning = host_warning(args.host)
    if warning:
        print(f"{PROG}: {warning}", file=sys.stderr)
    try:
        run(args.host, args.port, open_browser=not args.no_browser,
            on_ready=lambda url: print(f"nnlearn playground at {url} (Ctrl-C stops it)", file=sys.stderr, flush=True))
    except ImportError as err:  # the playground extra is not installed: the message names it
        raise CLIError(str(err)) from None
    print("nnlearn playground stopped", file=sys.stderr)
    return 0


def add_hidden_flag(parser, several=False):
    what = ("one network per value, each written as in train: --hidden 25 64,32 is two networks" if several else
            "the hidden layers: units per layer joined by commas, e.g. 25, or 64,32 for two layers")
    parser.add_argument("--hidden", nargs="*", default=["25"], metavar="UNITS",
                        help=f"{what}; none for no hidden layer (default: 25)")


def add_model_flags(parser):
    add_hidden_flag(parser)
    parser.add_argument("--alpha", default=1.0, help="regularization strength, the course's lambda (default: %(default)s)")
    parser.add_argument("--max-iter", default=50, help="iterations of the optimizer (default: %(default)s)")
    parser.add_argument("--solver", default="CG", help=f"{SOLVERS} (default: %(default)s)")
    parser.add_argument("--activation", default=None,
                        help="hidden activation: sigmoid, tanh or relu (default: tanh for planar data, else sigmoid)")
    parser.add_argument("--output", default=None,
                        help="output layer: sigmoid or softmax for classification, identity for regression "
                        "(default: sigmoid for classification, identity for regression)")
    parser.add_argument("--learning-rate", default=None, help="step size for gd, sgd and adam")


def add_seed_flag(parser):
    parser.add_argument("--seed", default=0, help="random seed for initial weights and splits (default: %(default)s)")


def add_test_size_flag(parser):
    parser.add_argument("--test-size", default=TEST_SIZE,
                        help="fraction held out for the held-out accuracy (R^2 for regression), stratified for "
                        "classes, in [0, 1), 0 for none (default: %(default)s)")


def add_progress_flag(parser, what="a progress bar"):
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help=f"show (or hide) {what} on stderr (default: shown when stderr is a terminal)")


def build_parser():
    """The ``nnlearn`` argument parser. Flag values stay text: each command's check converts and checks them."""
    parser = _Parser(prog=PROG, description="Neural networks that learn by backpropagation (the course's model).")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    train = commands.add_parser("train", help="train a network and report accuracy (R^2 and RMSE for regression)",
                                description="Train a network on a data set and print its accuracy, or its R^2 and "
                                "RMSE for regression (an MLPRegressor: identity output, squared error). "
                                "The model file of --save records what it was trained on.")
    add_data_flags(train)
    add_model_flags(train)
    add_seed_flag(train)
    add_test_size_flag(train)
    train.add_argument("--save", metavar="MODEL.npz", help="write the trained model to this file")
    add_progress_flag(train)
    train.set_defaults(check=check_train, run=cmd_train)

    gradcheck = commands.add_parser("gradcheck", help="compare backpropagation with numerical gradients",
                                    description="Gradient check on the course's debug network (3-5-3, m = 5).")
    gradcheck.add_argument("--layers", nargs="+", default=[3, 5, 3], metavar="S",
                           help="input, hidden and output sizes (default: 3 5 3)")
    gradcheck.add_argument("--m", default=5, help="number of debug samples (default: %(default)s)")
    gradcheck.add_argument("--alpha", default=0.0, help="regularization, the course's lambda (default: %(default)s)")
    gradcheck.add_argument("--activation", default="sigmoid", help="hidden activation (default: %(default)s)")
    gradcheck.add_argument("--output", default="sigmoid", help="output layer (default: %(default)s)")
    gradcheck.add_argument("--eps", default=1e-4, help="finite-difference step (default: %(default)s)")
    gradcheck.add_argument("--threshold", default=1e-9,
                           help="largest acceptable relative difference (default: %(default)s)")
    gradcheck.add_argument("--variant", default="python",
                           help="list the gradients as the course's Python exercise does (python: row by row, NumPy's "
                           "print) or as the Octave original (octave: column by column) (default: %(default)s)")
    gradcheck.set_defaults(check=check_gradcheck, run=cmd_gradcheck)

    predict = commands.add_parser("predict", help="predict with a saved model; accuracy and confusion matrix",
                                  description="Load a model file written by 'nnlearn train --save' (or "
                                  "nnlearn.save_model), predict a data set, and print the accuracy and a "
                                  "confusion matrix (R^2 and RMSE for a regressor), and whether the rows include "
                                  "the model's training rows. The model decides the task: a file's targets are "
                                  "read for it.")
    predict.add_argument("--model", required=True, metavar="MODEL.npz", help="the model file to load")
    add_data_flags(predict, task=False)
    predict.add_argument("--output", metavar="PREDICTIONS.csv",
                         help="write the predictions as CSV with header index,predicted,true (one predicted_j and "
                         "true_j column per output for several outputs; written atomically)")
    predict.set_defaults(check=check_predict, run=cmd_predict)

    sweep = commands.add_parser(
        "sweep", help="fit every combination of hyperparameters; table, heatmap, resumable results",
        description="Fit one network per combination of the given values (--alpha, --max-iter, --hidden, --seed, --solver, "
        "--activation, --output and --learning-rate take several), "
        "stream each finished run to a JSON-lines file, print a table and optionally plot a heatmap of "
        "accuracy (R^2 for regression) over alpha and max_iter (averaged over the other values).")
    add_data_flags(sweep)
    sweep.add_argument("--alpha", nargs="+", default=[1.0], metavar="A",
                       help="regularization strengths, the course's lambda (default: 1.0)")
    sweep.add_argument("--max-iter", nargs="+", default=[50], metavar="N",
                       help="iterations of the optimizer (default: 50)")
    add_hidden_flag(sweep, several=True)
    sweep.add_argument("--seed", nargs="+", default=[0], metavar="S",
                       help="random seeds of the initial weights (default: 0)")
    sweep.add_argument("--solver", nargs="+", default=["CG"], help=f"{SOLVERS} (default: CG)")
    sweep.add_argument("--activation", nargs="+", default=None,
                       help="hidden activations: sigmoid, tanh, relu (default: tanh for planar data, else sigmoid)")
    sweep.add_argument("--output", nargs="+", default=None,
                       help="output layers: sigmoid, softmax (default: sigmoid; regression: identity, the only one)")
    sweep.add_argument("--learning-rate", nargs="+", default=None, metavar="ETA",
                       help="step sizes for gd, sgd and adam")
    add_test_size_flag(sweep)
    sweep.add_argument("--split-seed", default=0, help="seed of the held-out split (default: %(default)s)")
    sweep.add_argument("--results", metavar="FILE.jsonl",
                       help="append one JSON line per finished run to this file (flushed and fsynced)")
    sweep.add_argument("--resume", action="store_true",
                       help="continue --results: run only the combinations missing from it")
    sweep.add_argument("--save-weights", action="store_true",
                       help="save each run's model as FILE.weights/ID.npz beside --results")
    sweep.add_argument("--jobs", default=1, metavar="N",
                       help="local worker processes (joblib); -1 for every core (default: %(default)s)")
    sweep.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on this Dask cluster, e.g. tcp://HOST:8786 (needs pip install 'nnlearn[dask]')")
    sweep.add_argument("--plot", metavar="HEATMAP.png", help="write a heatmap of the metric over alpha and max_iter")
    sweep.add_argument("--metric", default=None, metavar="METRIC",
                       help=f"metric of the heatmap: {', '.join(SWEEP_METRICS['classification'])}; for regression "
                       f"{', '.join(SWEEP_METRICS['regression'])} (default: test_accuracy or test_r2 with a held-out "
                       "set, else train_accuracy or train_r2)")
    add_progress_flag(sweep)
    sweep.set_defaults(check=check_sweep, run=cmd_sweep)

    report = commands.add_parser(
        "report", help="train, check and explain a network; write a report to read in a browser",
        description="Walk through the exercise on the digits (data, model, cost, sigmoid gradient, gradient check, "
        "training, hidden units, a lambda x max_iter experiment, planar data, mistakes) and write DIR/index.html, "
        "one self-contained page that opens from disk in any browser. On other data the sections follow the data: "
        "images and hidden units for square images, a decision boundary for 2-D inputs, a confusion matrix for "
        "classes, predicted-vs-true and residuals for regression.")
    report.add_argument("--out", default="report", metavar="DIR", help="directory of index.html (default: %(default)s)")
    add_data_flags(report)
    report.add_argument("--weights", metavar="ex4weights.mat",
                        help="the course's pretrained weights (digits data only): the cost section evaluates them "
                        "(default: the initial weights)")
    report.add_argument("--hidden", nargs="*", default=["25"], metavar="UNITS",
                        help="the hidden layers of the trained network: units per layer joined by commas, e.g. 25, "
                        "or 64,32 for two layers (default: 25)")
    report.add_argument("--alpha", default=1.0,
                        help="regularization strength of the training section, the course's lambda (default: %(default)s)")
    report.add_argument("--max-iter", default=50, help="iterations of the optimizer (default: %(default)s)")
    report.add_argument("--solver", default="CG", help=f"{SOLVERS} (default: %(default)s)")
    add_seed_flag(report)
    report.add_argument("--quick", action="store_true",
                        help="a smaller lambda x max_iter grid in the experiments section (3 x 2 runs instead of 5 x 3)")
    add_progress_flag(report, "one progress bar per section")
    report.set_defaults(check=check_report, run=cmd_report)

    datasets = commands.add_parser(
        "datasets", help="list the built-in data sets: shape, kind, images, source",
        description="List the built-in data sets of --data, one line each: shape of X, classification or regression, "
        "images, source and license. Loads nothing.")
    datasets.add_argument("--markdown", action="store_true", help="print a GitHub markdown table (for the README)")
    datasets.set_defaults(check=lambda args: None, run=cmd_datasets)

    bench = commands.add_parser(
        "bench", help="time nnlearn against PyTorch, scikit-learn and the floor",
        description="Time one cost-and-gradient evaluation of the course's 400-25-10 network (nnlearn float64 and "
        "float32, the plain and per-example reference versions, PyTorch autograd, the two-product floor), "
        "whole L-BFGS-B fits against scikit-learn's MLPClassifier, the scaling in m with peak memory, gradient "
        "steps of tiny networks against the planar exercise's own loop, and the digits network under load. "
        "Each candidate runs in its own process; rounds are interleaved and the tables give medians. About "
        "5 minutes (--quick: a smoke test). PyTorch is optional: pip install torch==2.13.0.")
    bench.add_argument("--quick", action="store_true", help="a few seconds per table: fewer repeats, smaller sizes")
    bench.add_argument("--tables", nargs="*", metavar="TABLE",
                       help="which tables: eval, fit, scaling, tiny, load (default: these five), fashion (minutes: "
                       "time to 85%% test accuracy on Fashion-MNIST against PyTorch and scikit-learn)")
    bench.add_argument("--markdown", action="store_true", help="print GitHub markdown tables (for the README)")
    bench.add_argument("--figure", default=None, metavar="PATH",
                       help="with --tables fashion: save the test accuracy curves there (a PNG)")
    add_progress_flag(bench, "progress messages")
    bench.set_defaults(check=check_bench, run=cmd_bench)

    playground = commands.add_parser(
        "playground", help="train and watch a network live in the browser",
        description='Serve a local web page to train a network and watch it learn; Ctrl-C stops it '
        '(needs pip install "nnlearn[playground]").')
    playground.add_argument("--port", default="8000", metavar="N", help="port to listen on, 0 for a free one (default: %(default)s)")
    playground.add_argument("--host", default="127.0.0.1",
                            help="address to listen on (default: %(default)s, this computer only; any other warns)")
    playground.add_argument("--no-browser", action="store_true", help="do not open the page in the browser")
    playground.set_defaults(check=check_playground, run=cmd_playground)
    return parser


def parse_args(argv):
    """The checked arguments of the command line ``argv`` (without the program name); no work is done.

    argparse reads the words; the command's check then converts every flag
    value and checks it by the rules of :mod:`nnlearn._validation` (e.g.
    ``args.hidden`` becomes ``(64, 32)`` for ``train --hidden 64,32``).
    Raises :class:`CLIError`, ValueError or TypeError with one line naming the
    flag and the command. ``args.command`` is None when no command is given.
    """
    args = build_parser().parse_args(argv)
    if args.command is not None:
        args.check(args)
    return args


def _one_line_warnings():
    """A ``warnings.showwarning`` printing each distinct warning once as ``nnlearn: warning: ...``."""
    shown = set()

    def show(message, category, filename, lineno, file=None, line=None):
        text = str(message).strip()
        text = text.splitlines()[0] if text else category.__name__
        if text not in shown:
            shown.add(text)
            print(f"{PROG}: warning: {text}", file=sys.stderr)

    return show


def main(argv=None):
    """Run the command line; returns the exit status (0 ok, 1 check failed, 2 usage or input error,
    130 interrupted by Ctrl-C, 141 standard output closed by its reader: see the module docstring)."""
    out, err = PipeGuard(sys.stdout), PipeGuard(sys.stderr)
    sys.stdout, sys.stderr = out, err
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _one_line_warnings()
            try:
                status = _run(argv)
            except BrokenPipeError:  # a target written through stdout (--output /dev/stdout) lost its reader
                out.lose()
                status = EXIT_BROKEN_PIPE
        out.flush()
        err.flush()
    finally:
        sys.stdout, sys.stderr = out.stream, err.stream
    return EXIT_BROKEN_PIPE if out.broken else status


def _run(argv):
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        args = parse_args(argv)
        if args.command is None:
            build_parser().print_help()
            return 2
        return args.run(args)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        raise  # main() ends quietly
    except (CLIError, ValueError, TypeError, OSError, KeyError, FloatingPointError) as err:
        if debug:
            raise
        message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        if isinstance(err, FileNotFoundError) and err.filename and str(err.filename) not in message:
            message = f"{message}: {err.filename}"
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
