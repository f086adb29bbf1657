"""The ``nnlearn`` command: argparse, one check of every flag, then library calls.

The commands share one grammar:

- ``--hidden`` writes a network as units per hidden layer joined by commas
  (``25``, ``64,32``) or ``none`` for no hidden layer (:func:`nnlearn.text.parse_hidden`).
  ``train`` and ``report`` take one network, ``sweep`` several
  (``--hidden 25 64,32`` is two networks).
- ``--progress`` / ``--no-progress``: progress on stderr; by default shown when
  stderr is a terminal, in every command.
- ``--test-size``: the fraction held out (stratified), in [0, 1), 0 for none;
  default 0.2 in every command that has it.
- ``--data``, ``--alpha``, ``--max-iter``, ``--solver``, ``--activation``,
  ``--output``, ``--learning-rate`` and ``--seed`` mean the same everywhere.

Every flag value is checked before any work, by the rules of
:mod:`nnlearn._validation`, naming the flag and the command::

    The '--alpha' option of nnlearn train must be a float in the range [0.0, inf). Got -1.0 instead.

Bad usage or bad input exits with status 2 and one line on stderr starting
with ``nnlearn: error:`` (a traceback only with ``--debug``).
"""

from __future__ import annotations

import argparse
import sys
import warnings

import numpy as np

from . import _validation as v
from .split import held_out_split
from .text import format_confusion, hidden_syntax, parse_hidden

__all__ = ["main", "parse_args", "build_parser", "CLIError"]

PROG = "nnlearn"
TEST_SIZE = 0.2  # the default of --test-size in every command that has it
# Flags whose rule is not a hyperparameter's row in nnlearn._validation.RULES: flag -> rule.
FLAG_RULES = {
    "--seed": v.Int(0),
    "--split-seed": v.Int(0),
    "--jobs": v.Int(),  # sweep.run refuses 0 (its n_jobs rule)
    "--m": v.Int(1),
    "--threshold": v.Real(0.0),
    "--port": v.Int(0, 65535),
}
SWEEP_METRICS = ("train_accuracy", "test_accuracy", "final_cost")  # what sweep records and plots.sweep_heatmap show


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
    """Check ``--data`` names a data set (without loading it); its kind, "digits" or "planar", goes to ``args.kind``."""
    from . import datasets

    datasets.DataName().check(args.data, "--data", door)
    args.kind = datasets.kind_of(args.data)


def check_output_file(path, flag, door):
    """Fail before any work when ``path`` (given with ``flag``) cannot be written: a directory or no such directory."""
    from pathlib import Path

    rule = "the name of a file to write in an existing directory"
    if Path(path).is_dir():
        raise CLIError(v.message(flag, door, rule, f"{str(path)!r} (which is a directory)"))  # the whole path, never shortened
    parent = Path(path).parent
    if not parent.is_dir():
        raise CLIError(v.message(flag, door, rule, f"{str(path)!r} (directory {parent} does not exist)"))


def describe_network(net, parameters=False):
    """``400-25-10 (10285 parameters), sigmoid hidden, sigmoid output`` (``no hidden layer`` for a 2-layer network)."""
    sizes = "-".join(str(s) for s in net.layer_sizes) + (f" ({net.n_params} parameters)" if parameters else "")
    hidden = f"{net.activation} hidden" if len(net.layer_sizes) > 2 else "no hidden layer"
    return f"{sizes}, {hidden}, {net.output} output"


def make_classifier(args):
    """The MLPClassifier of ``train``'s checked flags (its activation by default: tanh for planar data, else sigmoid)."""
    from .estimator import MLPClassifier

    activation = args.activation or ("tanh" if args.kind == "planar" else "sigmoid")
    return MLPClassifier(
        hidden_layer_sizes=args.hidden,
        activation=activation,
        output=args.output,
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
    check_flags(args, door, "--m", "--alpha", "--activation", "--output", "--eps", "--threshold")


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
    if args.metric is not None:
        args.metric = v.Option(SWEEP_METRICS).check(args.metric, "--metric", door)
    check_progress(args)
    check_data(args, door)
    if args.resume and not args.results:
        raise CLIError(v.message("--resume", door, "given with --results FILE.jsonl (the results to continue)",
                                 "--resume without --results"))
    if args.save_weights and not args.results:
        raise CLIError(v.message("--save-weights", door, "given with --results FILE.jsonl (the weights go beside it)",
                                 "--save-weights without --results"))
    if args.metric == "test_accuracy" and not args.test_size:
        raise CLIError(v.message("--test-size", door, "a fraction in (0.0, 1.0) with --metric test_accuracy "
                                 "(it needs a held-out set)", v.describe(args.test_size)))
    if args.results:
        check_output_file(args.results, "--results", door)
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


def cmd_train(args):
    """Train a network, print accuracies and timing; optionally save the model."""
    from .datasets import load

    X, y = load(args.data)
    X_train, X_test, y_train, y_test = held_out_split(X, y, args.test_size, args.seed)
    clf = make_classifier(args)
    from sklearn.exceptions import ConvergenceWarning

    from .optimize import TrainingInterrupted

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        warnings.simplefilter("ignore", category=TrainingInterrupted)  # reported after the results, below
        clf.fit(X_train, y_train)
    result = clf.train_result_
    print(f"network      {describe_network(clf.network_, parameters=True)}")
    print(f"solver       {args.solver}, alpha {args.alpha:g}, {clf.n_iter_} iterations, "
          f"{result.n_evaluations} evaluations, {result.elapsed:.2f} s")
    print(f"cost         {clf.loss_curve_[0]:.6f} -> {clf.loss_curve_[-1]:.6f}")
    print(f"train acc    {100 * clf.score(X_train, y_train):.2f}% on {len(y_train)} samples")
    if X_test is not None:
        print(f"held-out acc {100 * clf.score(X_test, y_test):.2f}% on {len(y_test)} samples")
    if args.save:
        from .model_io import save_model

        save_model(args.save, clf)
        print(f"saved        {args.save}")
    if result.interrupted:  # Ctrl-C during training: the results above are those of the last finished iteration
        print(f"{PROG}: interrupted: training stopped by Ctrl-C after {clf.n_iter_} iterations; the results "
              f"above{' and the saved model' if args.save else ''} use the weights of iteration {clf.n_iter_}",
              file=sys.stderr)
        return 130
    return 0


def cmd_gradcheck(args):
    """Gradient check on the course's debug network (or a network of given sizes)."""
    from .gradcheck import debug_problem, gradient_check

    net, theta, X, y = debug_problem(*args.layers, m=args.m, activation=args.activation, output=args.output)
    check = gradient_check(net, theta, X, y, alpha=args.alpha, eps=args.eps)
    print(f"network {'-'.join(map(str, net.layer_sizes))}, {args.activation} hidden, {args.output} output, "
          f"m = {args.m}, alpha = {args.alpha:g}, eps = {args.eps:g}")
    print(check)
    ok = check.relative_difference < args.threshold
    print(f"{'PASS' if ok else 'FAIL'}: relative difference {'<' if ok else '>='} {args.threshold:g}")
    return 0 if ok else 1


def cmd_predict(args):
    """Predict with a saved model; print accuracy and a confusion matrix, optionally write the labels."""
    import csv
    import io

    from sklearn.metrics import confusion_matrix

    from ._atomic import write_text
    from .datasets import load
    from .model_io import load_model

    model = load_model(args.model)
    X, y = load(args.data)
    if isinstance(model, tuple):  # a Network file: labels are output-unit indices
        net, theta = model
        predicted = net.predict(theta, X)
        description = f"Network {describe_network(net)}"
        known = np.arange(max(net.n_outputs, 2))
    else:
        predicted = model.predict(X)
        net = model.network_
        description = (f"MLPClassifier {describe_network(net)}, {len(model.classes_)} classes, "
                       f"{model.n_iter_} iterations")
        known = model.classes_
    correct = int(np.sum(predicted == y))
    print(f"model        {args.model}: {description}")
    print(f"data         {args.data}: {X.shape[0]} samples, {X.shape[1]} features")
    print(f"accuracy     {100 * correct / len(y):.2f}% ({correct} of {len(y)})")
    labels = np.unique(np.concatenate([np.asarray(known), y, predicted]))
    counts = confusion_matrix(y, predicted, labels=labels)
    print("confusion matrix (rows: true label, columns: predicted label)")
    print(format_confusion(labels, counts))
    if args.output:
        text = io.StringIO(newline="")
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(["index", "predicted", "true"])
        writer.writerows(zip(range(len(y)), predicted.tolist(), y.tolist()))
        write_text(args.output, text.getvalue())
        print(f"wrote        {args.output} ({len(y)} rows: index,predicted,true)")
    return 0


def cmd_sweep(args):
    """Fit every combination of the given values; print a table, optionally plot a heatmap."""
    from pathlib import Path

    from . import sweep
    from ._atomic import write_atomically

    grid = {
        "alpha": args.alpha,
        "max_iter": args.max_iter,
        "hidden_layer_sizes": args.hidden,
        "random_state": args.seed,
        "solver": args.solver,
        "activation": args.activation or ["tanh" if args.kind == "planar" else "sigmoid"],
        "output": args.output,
    }
    if args.learning_rate:
        grid["learning_rate"] = args.learning_rate
    try:
        records = sweep.run(grid, args.data, results_path=args.results, n_jobs=args.jobs, scheduler=args.scheduler,
                            resume=args.resume, progress=args.progress, test_size=args.test_size or None,
                            split_seed=args.split_seed, save_weights=args.save_weights, keep_weights=False)
    except ImportError as err:
        raise CLIError(str(err)) from None
    except KeyboardInterrupt:
        where = f"; the finished runs are in {args.results} (--resume continues)" if args.results else ""
        print(f"{PROG}: interrupted{where}", file=sys.stderr)
        return 130
    print(records.table())
    best = records.best()
    if best is not None:
        where = records.describe(best) or "the only run"
        label = "held-out" if records.metric == "test_accuracy" else "train"
        print(f"best         {label} {100 * best[records.metric]:.2f}% at {where}")
    failed = f", {records.n_failed} failed" if records.n_failed else ""
    print(f"runs         {len(records)}: {records.n_run} run now, {records.n_resumed} from the results file{failed}; "
          f"{records.seconds:.1f} s")
    if args.results:
        print(f"results      {args.results}")
    if args.plot:
        from .plots import sweep_heatmap

        plot = Path(args.plot)
        figure = sweep_heatmap(records, metric=args.metric or records.metric)
        write_atomically(plot, lambda f: figure.savefig(f, format=plot.suffix[1:].lower(), dpi=120, bbox_inches="tight"))
        print(f"plot         {plot}")
    return 0


def cmd_report(args):
    """Train, check and explain a network; write the report's index.html (see nnlearn.report)."""
    from .report import build_report

    path = build_report(out_dir=args.out, data=args.data, weights=args.weights, hidden=args.hidden, alpha=args.alpha,
                        max_iter=args.max_iter, solver=args.solver, quick=args.quick, seed=args.seed,
                        progress=args.progress)
    print(f"report       {path}")
    print(f"open         {path.resolve().as_uri()}")
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


def add_data_flag(parser, default="digits20"):
    parser.add_argument(
        "--data",
        default=default,
        metavar="NAME|PATH",
        help="data set: digits20 (bundled 20x20 digits, 5000x400), spirals (2-arm planar spiral), "
        "or a path to the course's ex4data1.mat / ex3data1.mat (default: %(default)s)",
    )


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
                        help="hidden activation: sigmoid, tanh or relu (default: sigmoid for digits, tanh for planar data)")
    parser.add_argument("--output", default="sigmoid", help="output layer: sigmoid or softmax (default: %(default)s)")
    parser.add_argument("--learning-rate", default=None, help="step size for gd, sgd and adam")


def add_seed_flag(parser):
    parser.add_argument("--seed", default=0, help="random seed for initial weights and splits (default: %(default)s)")


def add_test_size_flag(parser):
    parser.add_argument("--test-size", default=TEST_SIZE,
                        help="fraction held out (stratified) for the held-out accuracy, in [0, 1), 0 for none "
                        "(default: %(default)s)")


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

    train = commands.add_parser("train", help="train a network and report accuracy",
                                description="Train a network on a data set and print its accuracy.")
    add_data_flag(train)
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
    gradcheck.set_defaults(check=check_gradcheck, run=cmd_gradcheck)

    predict = commands.add_parser("predict", help="predict with a saved model; accuracy and confusion matrix",
                                  description="Load a model file written by 'nnlearn train --save' (or "
                                  "nnlearn.save_model), predict a data set, and print the accuracy and a "
                                  "confusion matrix.")
    predict.add_argument("--model", required=True, metavar="MODEL.npz", help="the model file to load")
    add_data_flag(predict)
    predict.add_argument("--output", metavar="PREDICTIONS.csv",
                         help="write the labels as CSV with header index,predicted,true (written atomically)")
    predict.set_defaults(check=check_predict, run=cmd_predict)

    sweep = commands.add_parser(
        "sweep", help="fit every combination of hyperparameters; table, heatmap, resumable results",
        description="Fit one network per combination of the given values (--alpha, --max-iter, --hidden, --seed, --solver, "
        "--activation, --output and --learning-rate take several), "
        "stream each finished run to a JSON-lines file, print a table and optionally plot a heatmap of "
        "accuracy over alpha and max_iter (averaged over the other values).")
    add_data_flag(sweep)
    sweep.add_argument("--alpha", nargs="+", default=[1.0], metavar="A",
                       help="regularization strengths, the course's lambda (default: 1.0)")
    sweep.add_argument("--max-iter", nargs="+", default=[50], metavar="N",
                       help="iterations of the optimizer (default: 50)")
    add_hidden_flag(sweep, several=True)
    sweep.add_argument("--seed", nargs="+", default=[0], metavar="S",
                       help="random seeds of the initial weights (default: 0)")
    sweep.add_argument("--solver", nargs="+", default=["CG"], help=f"{SOLVERS} (default: CG)")
    sweep.add_argument("--activation", nargs="+", default=None,
                       help="hidden activations: sigmoid, tanh, relu (default: sigmoid for digits, tanh for planar data)")
    sweep.add_argument("--output", nargs="+", default=["sigmoid"], help="output layers: sigmoid, softmax (default: sigmoid)")
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
                       help=f"metric of the heatmap: {', '.join(SWEEP_METRICS)} "
                       "(default: test_accuracy with a held-out set, else train_accuracy)")
    add_progress_flag(sweep)
    sweep.set_defaults(check=check_sweep, run=cmd_sweep)

    report = commands.add_parser(
        "report", help="train, check and explain a network; write a report to read in a browser",
        description="Walk through the exercise on the digits (data, model, cost, sigmoid gradient, gradient check, "
        "training, hidden units, a lambda x max_iter experiment, planar data, mistakes) and write DIR/index.html, "
        "one self-contained page that opens from disk in any browser.")
    report.add_argument("--out", default="report", metavar="DIR", help="directory of index.html (default: %(default)s)")
    report.add_argument("--data", default="digits20", metavar="NAME|PATH",
                        help="digits20 (bundled 20x20 digits, 5000x400) or a path to the course's ex4data1.mat "
                        "(default: %(default)s)")
    report.add_argument("--weights", metavar="ex4weights.mat",
                        help="the course's pretrained weights: the cost section evaluates them (default: the initial weights)")
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
    130 interrupted by Ctrl-C)."""
    with warnings.catch_warnings():
        warnings.showwarning = _one_line_warnings()
        return _run(argv)


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
        return 130
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
