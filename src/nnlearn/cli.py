"""The ``nnlearn`` command: argparse only; every command calls library functions.

Commands share flag names (``--data``, ``--hidden``, ``--alpha``, ``--max-iter``,
``--solver``, ``--seed``). Bad usage or bad input exits with status 2 and one
line on stderr starting with ``nnlearn: error:`` (a traceback only with ``--debug``).
"""

from __future__ import annotations

import argparse
import sys
import warnings

import numpy as np

__all__ = ["main", "CLIError"]

PROG = "nnlearn"


class CLIError(Exception):
    """A user error found by the command line itself (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line: ``nnlearn: error: ...``, status 2."""

    def error(self, message):
        raise CLIError(message)


# -- shared flags -------------------------------------------------------------


def add_data_flag(parser, default="digits20"):
    parser.add_argument(
        "--data",
        default=default,
        metavar="NAME|PATH",
        help="data set: digits20 (bundled 20x20 digits, 5000x400), spirals (2-arm planar spiral), "
        "or a path to the course's ex4data1.mat / ex3data1.mat (default: %(default)s)",
    )


def add_model_flags(parser, hidden_default=(25,), alpha_default=1.0, max_iter_default=50, solver_default="CG"):
    parser.add_argument("--hidden", type=int, nargs="*", default=list(hidden_default), metavar="UNITS",
                        help="hidden layer sizes, e.g. --hidden 25 or --hidden 64 32 (default: %(default)s)")
    parser.add_argument("--alpha", type=float, default=alpha_default,
                        help="regularization strength, the course's lambda (default: %(default)s)")
    parser.add_argument("--max-iter", type=int, default=max_iter_default,
                        help="iterations of the optimizer (default: %(default)s)")
    parser.add_argument("--solver", default=solver_default,
                        help="CG, L-BFGS-B, TNC, fmincg, gd, sgd or adam (default: %(default)s)")
    parser.add_argument("--activation", default=None,
                        help="hidden activation: sigmoid, tanh or relu (default: sigmoid for digits, tanh for planar data)")
    parser.add_argument("--output", default="sigmoid", help="output layer: sigmoid or softmax (default: %(default)s)")
    parser.add_argument("--learning-rate", type=float, default=None, help="step size for gd, sgd and adam")


def add_seed_flag(parser):
    parser.add_argument("--seed", type=int, default=0, help="random seed for initial weights and splits (default: %(default)s)")


def data_kind(name):
    """"digits" or "planar" for a ``--data`` value, without loading it."""
    from . import datasets

    try:
        return datasets.kind_of(name)
    except ValueError:
        raise CLIError(f"unknown --data {name!r}: use {', '.join(datasets.NAMES)} or a path to a .mat file") from None


def load_data(name):
    """``(X, y, kind)`` for a data name or .mat path; kind is "digits" or "planar" (see nnlearn.datasets.load)."""
    from . import datasets

    kind = data_kind(name)
    X, y = datasets.load(name)
    return X, y, kind


def check_test_size(test_size):
    """Fail unless ``--test-size`` is in [0, 1) (0: no held-out set)."""
    if not 0 <= test_size < 1:
        raise CLIError(f"--test-size must be in [0, 1); got {test_size}")


def held_out_split(X, y, test_size, seed):
    """Stratified split; ``test_size`` 0 returns the data as the training set and no held-out set."""
    check_test_size(test_size)
    if test_size == 0:
        return X, None, y, None
    from sklearn.model_selection import train_test_split

    return train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y)


def make_classifier(args, kind):
    from .estimator import MLPClassifier

    activation = args.activation or ("tanh" if kind == "planar" else "sigmoid")
    return MLPClassifier(
        hidden_layer_sizes=tuple(args.hidden),
        activation=activation,
        output=args.output,
        alpha=args.alpha,
        solver=args.solver,
        max_iter=args.max_iter,
        learning_rate=args.learning_rate,
        random_state=args.seed,
        verbose=getattr(args, "progress", False),
    )


# -- commands -----------------------------------------------------------------


def cmd_train(args):
    """Train a network, print accuracies and timing; optionally save the model."""
    if args.save:
        check_output_path(args.save, "--save")  # before training, so no training is lost to a bad path
    X, y, kind = load_data(args.data)
    X_train, X_test, y_train, y_test = held_out_split(X, y, args.test_size, args.seed)
    clf = make_classifier(args, kind)
    from sklearn.exceptions import ConvergenceWarning

    from .optimize import TrainingInterrupted

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        warnings.simplefilter("ignore", category=TrainingInterrupted)  # reported after the results, below
        clf.fit(X_train, y_train)
    result = clf.train_result_
    layers = "-".join(str(s) for s in clf.network_.layer_sizes)
    print(f"network      {layers} ({clf.network_.n_params} parameters), {clf.network_.activation} hidden, "
          f"{clf.network_.output} output")
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

    sizes = args.layers
    if len(sizes) != 3:
        raise CLIError(f"--layers takes 3 sizes (input hidden labels); got {len(sizes)}")
    net, theta, X, y = debug_problem(*sizes, m=args.m, activation=args.activation, output=args.output)
    check = gradient_check(net, theta, X, y, alpha=args.alpha, eps=args.eps)
    print(f"network {'-'.join(map(str, net.layer_sizes))}, {args.activation} hidden, {args.output} output, "
          f"m = {args.m}, alpha = {args.alpha:g}, eps = {args.eps:g}")
    print(check)
    ok = check.relative_difference < args.threshold
    print(f"{'PASS' if ok else 'FAIL'}: relative difference {'<' if ok else '>='} {args.threshold:g}")
    return 0 if ok else 1


def check_output_path(path, flag):
    """Fail before any work when ``path`` (given with ``flag``) cannot be written: a directory or no such directory."""
    from pathlib import Path

    path = Path(path)
    if path.is_dir():
        raise CLIError(f"{flag} {path} is a directory; give a file name")
    if not path.parent.is_dir():
        raise CLIError(f"{flag} {path}: directory {path.parent} does not exist")


def format_confusion(labels, counts):
    """A plain-text confusion matrix: rows the true labels, columns the predicted ones."""
    names = [str(label) for label in labels]
    width = max([len(name) for name in names] + [len(str(int(counts.max()))) if counts.size else 1, 4])
    corner = "true\\pred"
    first = max(len(corner), max(len(name) for name in names))
    lines = [f"{corner:>{first}}  " + " ".join(f"{name:>{width}}" for name in names)]
    for name, row in zip(names, counts):
        lines.append(f"{name:>{first}}  " + " ".join(f"{int(c):>{width}}" for c in row))
    return "\n".join(lines)


def cmd_predict(args):
    """Predict with a saved model; print accuracy and a confusion matrix, optionally write the labels."""
    import csv
    import io

    from sklearn.metrics import confusion_matrix

    from ._atomic import write_text
    from .model_io import load_model

    if args.output:
        check_output_path(args.output, "--output")
    model = load_model(args.model)
    X, y, _ = load_data(args.data)
    if isinstance(model, tuple):  # a Network file: labels are output-unit indices
        net, theta = model
        predicted = net.predict(theta, X)
        description = f"Network {'-'.join(map(str, net.layer_sizes))}, {net.activation} hidden, {net.output} output"
        known = np.arange(max(net.n_outputs, 2))
    else:
        predicted = model.predict(X)
        net = model.network_
        description = (f"MLPClassifier {'-'.join(map(str, net.layer_sizes))}, {net.activation} hidden, "
                       f"{net.output} output, {len(model.classes_)} classes, {model.n_iter_} iterations")
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


def _architecture(text):
    """``--hidden`` of ``sweep``: one network per value, layers joined by commas ("25" or "64,32")."""
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(f"expected units per hidden layer such as 25 or 64,32; got {text!r}")
    return sizes


def cmd_sweep(args):
    """Fit every combination of the given values; print a table, optionally plot a heatmap."""
    from pathlib import Path

    from . import sweep
    from ._atomic import write_atomically

    if (args.resume or args.save_weights) and not args.results:
        raise CLIError(f"{'--resume' if args.resume else '--save-weights'} needs --results FILE.jsonl")
    if args.plot:
        from matplotlib.figure import Figure

        plot = Path(args.plot)
        formats = Figure().canvas.get_supported_filetypes()
        if plot.suffix[1:].lower() not in formats:
            raise CLIError(f"--plot {plot}: unknown image type {plot.suffix or '(none)'!r}; use one of "
                           f"{', '.join('.' + f for f in sorted(formats))}")
        check_output_path(plot, "--plot")
    check_test_size(args.test_size)
    if args.metric == "test_accuracy" and not args.test_size:
        raise CLIError("--metric test_accuracy needs a held-out set: give --test-size, e.g. 0.2")
    kind = data_kind(args.data)  # the sweep loads the data itself
    grid = {
        "alpha": args.alpha,
        "max_iter": args.max_iter,
        "hidden_layer_sizes": args.hidden,
        "random_state": args.seed,
        "solver": args.solver,
        "activation": args.activation or ["tanh" if kind == "planar" else "sigmoid"],
        "output": args.output,
    }
    if args.learning_rate:
        grid["learning_rate"] = args.learning_rate
    try:
        records = sweep.run(grid, args.data, results_path=args.results, n_jobs=args.jobs, scheduler=args.scheduler,
                            resume=args.resume, progress=not args.no_progress, test_size=args.test_size or None,
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

        figure = sweep_heatmap(records, metric=args.metric or records.metric)
        write_atomically(plot, lambda f: figure.savefig(f, format=plot.suffix[1:].lower(), dpi=120, bbox_inches="tight"))
        print(f"plot         {plot}")
    return 0


def cmd_report(args):
    """Train, check and explain a network; write the report's index.html (see nnlearn.report)."""
    from .report import build_report

    path = build_report(out_dir=args.out, data=args.data, weights=args.weights, hidden=args.hidden, alpha=args.alpha,
                        max_iter=args.max_iter, solver=args.solver, quick=args.quick, seed=args.seed,
                        progress=not args.no_progress)
    print(f"report       {path}")
    print(f"open         {path.resolve().as_uri()}")
    return 0


def cmd_bench(args):
    """Time nnlearn against PyTorch, scikit-learn and the floor; print the tables (see nnlearn.bench)."""
    import os

    from . import bench

    progress = None if args.no_progress else (lambda message: print(f"{PROG} bench: {message}", file=sys.stderr, flush=True))
    prefix = "- " if args.markdown else ""
    for line in bench.machine_info():
        print(prefix + line, flush=True)
    for name in args.tables or bench.TABLES:
        for table in bench.run(tables=[name], quick=args.quick, progress=progress):
            print()
            print(bench.format_table(table, markdown=args.markdown), flush=True)
    if hasattr(os, "getloadavg"):
        print()
        print(prefix + "load      {:.2f} {:.2f} {:.2f} (1, 5, 15 min averages at the end)".format(*os.getloadavg()))
    return 0


# -- parser -------------------------------------------------------------------


def build_parser():
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
    train.add_argument("--test-size", type=float, default=0.2,
                       help="fraction held out for the held-out accuracy, 0 for none (default: %(default)s)")
    train.add_argument("--save", metavar="MODEL.npz", help="write the trained model to this file")
    train.add_argument("--progress", action="store_true", help="show a progress bar on stderr")
    train.set_defaults(run=cmd_train)

    gradcheck = commands.add_parser("gradcheck", help="compare backpropagation with numerical gradients",
                                    description="Gradient check on the course's debug network (3-5-3, m = 5).")
    gradcheck.add_argument("--layers", type=int, nargs="+", default=[3, 5, 3], metavar="S",
                           help="input, hidden and output sizes (default: %(default)s)")
    gradcheck.add_argument("--m", type=int, default=5, help="number of debug samples (default: %(default)s)")
    gradcheck.add_argument("--alpha", type=float, default=0.0, help="regularization, the course's lambda (default: %(default)s)")
    gradcheck.add_argument("--activation", default="sigmoid", help="hidden activation (default: %(default)s)")
    gradcheck.add_argument("--output", default="sigmoid", help="output layer (default: %(default)s)")
    gradcheck.add_argument("--eps", type=float, default=1e-4, help="finite-difference step (default: %(default)s)")
    gradcheck.add_argument("--threshold", type=float, default=1e-9,
                           help="largest acceptable relative difference (default: %(default)s)")
    gradcheck.set_defaults(run=cmd_gradcheck)

    predict = commands.add_parser("predict", help="predict with a saved model; accuracy and confusion matrix",
                                  description="Load a model file written by 'nnlearn train --save' (or "
                                  "nnlearn.save_model), predict a data set, and print the accuracy and a "
                                  "confusion matrix.")
    predict.add_argument("--model", required=True, metavar="MODEL.npz", help="the model file to load")
    add_data_flag(predict)
    predict.add_argument("--output", metavar="PREDICTIONS.csv",
                         help="write the labels as CSV with header index,predicted,true (written atomically)")
    predict.set_defaults(run=cmd_predict)

    sweep = commands.add_parser(
        "sweep", help="fit every combination of hyperparameters; table, heatmap, resumable results",
        description="Fit one network per combination of the given values (--alpha, --max-iter, --hidden, --seed, --solver, "
        "--activation, --output and --learning-rate take several), "
        "stream each finished run to a JSON-lines file, print a table and optionally plot a heatmap of "
        "accuracy over alpha and max_iter (averaged over the other values).")
    add_data_flag(sweep)
    sweep.add_argument("--alpha", type=float, nargs="+", default=[1.0], metavar="A",
                       help="regularization strengths, the course's lambda (default: %(default)s)")
    sweep.add_argument("--max-iter", type=int, nargs="+", default=[50], metavar="N",
                       help="iterations of the optimizer (default: %(default)s)")
    sweep.add_argument("--hidden", type=_architecture, nargs="+", default=[(25,)], metavar="UNITS",
                       help="one network per value: 25 is one hidden layer of 25 units, 64,32 two layers "
                       "(default: 25)")
    sweep.add_argument("--seed", type=int, nargs="+", default=[0], metavar="S",
                       help="random seeds of the initial weights (default: %(default)s)")
    sweep.add_argument("--solver", nargs="+", default=["CG"],
                       help="CG, L-BFGS-B, TNC, fmincg, gd, sgd or adam (default: %(default)s)")
    sweep.add_argument("--activation", nargs="+", default=None,
                       help="hidden activations: sigmoid, tanh, relu (default: sigmoid for digits, tanh for planar data)")
    sweep.add_argument("--output", nargs="+", default=["sigmoid"], help="output layers: sigmoid, softmax (default: %(default)s)")
    sweep.add_argument("--learning-rate", type=float, nargs="+", default=None, metavar="ETA",
                       help="step sizes for gd, sgd and adam")
    sweep.add_argument("--test-size", type=float, default=0.0,
                       help="fraction held out (stratified) for the held-out accuracy, 0 for none (default: %(default)s)")
    sweep.add_argument("--split-seed", type=int, default=0, help="seed of the held-out split (default: %(default)s)")
    sweep.add_argument("--results", metavar="FILE.jsonl",
                       help="append one JSON line per finished run to this file (flushed and fsynced)")
    sweep.add_argument("--resume", action="store_true",
                       help="continue --results: run only the combinations missing from it")
    sweep.add_argument("--save-weights", action="store_true",
                       help="save each run's model as FILE.weights/ID.npz beside --results")
    sweep.add_argument("--jobs", type=int, default=1, metavar="N",
                       help="local worker processes (joblib); -1 for every core (default: %(default)s)")
    sweep.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on this Dask cluster, e.g. tcp://HOST:8786 (needs pip install 'nnlearn[dask]')")
    sweep.add_argument("--plot", metavar="HEATMAP.png", help="write a heatmap of the metric over alpha and max_iter")
    sweep.add_argument("--metric", choices=["train_accuracy", "test_accuracy", "final_cost"], default=None,
                       help="metric of the heatmap (default: test_accuracy with --test-size, else train_accuracy)")
    sweep.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    sweep.set_defaults(run=cmd_sweep)

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
    report.add_argument("--hidden", type=int, nargs="+", default=[25], metavar="UNITS",
                        help="hidden layer sizes of the trained network (default: %(default)s)")
    report.add_argument("--alpha", type=float, default=1.0,
                        help="regularization strength of the training section, the course's lambda (default: %(default)s)")
    report.add_argument("--max-iter", type=int, default=50, help="iterations of the optimizer (default: %(default)s)")
    report.add_argument("--solver", default="CG", help="CG, L-BFGS-B, TNC, fmincg, gd, sgd or adam (default: %(default)s)")
    add_seed_flag(report)
    report.add_argument("--quick", action="store_true",
                        help="a smaller lambda x max_iter grid in the experiments section (3 x 2 runs instead of 5 x 3)")
    report.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    report.set_defaults(run=cmd_report)

    bench = commands.add_parser(
        "bench", help="time nnlearn against PyTorch, scikit-learn and the floor",
        description="Time one cost-and-gradient evaluation of the course's 400-25-10 network (nnlearn float64 and "
        "float32, the plain and per-example reference versions, PyTorch autograd, the two-product floor), "
        "whole L-BFGS-B fits against scikit-learn's MLPClassifier, and the scaling in m with peak memory. "
        "Candidates are interleaved and repeated; the tables give medians. About 2-3 minutes "
        "(--quick: seconds, for a smoke test). PyTorch is optional: pip install torch==2.13.0.")
    bench.add_argument("--quick", action="store_true", help="a few seconds per table: fewer repeats, smaller sizes")
    bench.add_argument("--tables", nargs="+", choices=["eval", "fit", "scaling"], metavar="TABLE",
                       help="which tables: eval, fit, scaling (default: all three)")
    bench.add_argument("--markdown", action="store_true", help="print GitHub markdown tables (for the README)")
    bench.add_argument("--no-progress", action="store_true", help="no progress messages on stderr")
    bench.set_defaults(run=cmd_bench)

    from .playground import __main__ as playground  # its options and logic live there (needs no extra to import)

    playground.build_parser(commands.add_parser(
        "playground", help="train and watch a network live in the browser",
        description='A local web page to train a network and watch it learn (needs pip install "nnlearn[playground]").'
    )).set_defaults(run=playground.main)
    return parser


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
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
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
