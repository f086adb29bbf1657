"""nnlearn.bench and `nnlearn bench`: the PyTorch oracle, the tables' structure, the SciPy thread limit.

No test here asserts a timing: the machine running the tests may be loaded, and
the benchmark is not a test. Tables are built with tiny sizes and checked for
their rows, columns and the numbers that do not depend on time.
"""

import subprocess
import sys

import time

import numpy as np
import pytest

import nnlearn
from nnlearn import bench, cli, datasets
from nnlearn.core import kernel, threads


ROWS = 300  # digits in the tests' tables (every digit present); their figures are not for comparison


def _torch_importable():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


# -- the PyTorch oracle -------------------------------------------------------------


@pytest.mark.parametrize("sizes", [[4, 3], [4, 6, 3], [4, 6, 5, 3]])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_cost_and_gradient_match_pytorch_autograd(sizes, activation, output):
    pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    net = nnlearn.Network(sizes, activation=activation, output=output)
    theta = net.init_weights(epsilon=1.0, random_state=1)
    X = rng.normal(size=(17, sizes[0]))
    y = rng.integers(0, 3, 17)
    J, grad = net.cost_and_gradient(theta, X, y, alpha=0.7)
    J_torch, grad_torch = bench.torch_cost_and_gradient(net, X, np.eye(3)[y], 0.7)(theta)
    assert J == pytest.approx(J_torch, rel=1e-12)
    np.testing.assert_allclose(grad, grad_torch, rtol=1e-10, atol=1e-12 * np.max(np.abs(grad_torch)))


def test_course_network_matches_pytorch_in_float32():
    pytest.importorskip("torch")
    X, y = datasets.load_digits20()
    X, y = X[::10], y[::10]
    net = nnlearn.Network([400, 25, 10])
    theta = net.init_weights(random_state=0)
    J, grad = net.cost_and_gradient(theta, X.astype(np.float32), y, alpha=1.0)
    J_torch, grad_torch = bench.torch_cost_and_gradient(net, X, np.eye(10)[y], 1.0, dtype="float32")(theta)
    assert J == pytest.approx(J_torch, rel=1e-5)
    assert np.max(np.abs(grad - grad_torch)) <= 1e-5 * np.max(np.abs(grad_torch))


def test_torch_oracle_says_how_to_install_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    with pytest.raises(ImportError, match=r"pip install torch==2\.13\.0"):
        bench.torch_cost_and_gradient(nnlearn.Network([2, 2]), np.ones((1, 2)), np.ones((1, 2)), 0.0)


# -- measuring -------------------------------------------------------------------------


def test_time_interleaved_rotates_and_respects_repeats():
    calls = []
    candidates = {name: (lambda name=name: calls.append(name)) for name in "abc"}
    times = bench.time_interleaved(candidates, budget=0.0, min_repeats=4, max_repeats_of={"c": 2})
    assert {name: len(t) for name, t in times.items()} == {"a": 4, "b": 4, "c": 2}
    assert calls[:3] == ["a", "b", "c"]  # one untimed warm-up call each
    rounds = calls[3:]
    assert rounds[:3] == ["a", "b", "c"] and rounds[3:6] == ["b", "c", "a"]  # order rotates
    assert all(np.all(t >= 0) for t in times.values())


def test_time_interleaved_times_with_the_clock_given():
    ticks = iter(range(0, 1000, 7))  # each reading 7 "seconds" after the last
    times = bench.time_interleaved({"a": lambda: None}, budget=0.0, min_repeats=3, clock=lambda: next(ticks))
    assert times["a"].tolist() == [7, 7, 7]


def test_time_interleaved_runs_groups_as_units_with_a_warm_up_call():
    calls = []
    candidates = {name: (lambda name=name: calls.append(name)) for name in ("a1", "a2", "b1")}
    groups = {"a1": "a", "a2": "a", "b1": "b"}
    times = bench.time_interleaved(candidates, budget=0.0, min_repeats=2, groups=groups, settle=0.0)
    assert {name: len(t) for name, t in times.items()} == {"a1": 2, "a2": 2, "b1": 2}
    rounds = calls[3:]  # after the warm-up call of each candidate
    # Round 0: group a (an untimed call of a1, then a1, a2), then group b (untimed b1, then b1).
    assert rounds[:5] == ["a1", "a1", "a2", "b1", "b1"]
    # Round 1: groups rotate (b first), and so do the members of a.
    assert rounds[5:10] == ["b1", "b1", "a1", "a2", "a1"]


def test_peak_extra_bytes_counts_what_a_call_allocates():
    assert bench.peak_extra_bytes(lambda: np.ones(1_000_000)) >= 8_000_000
    assert bench.peak_extra_bytes(lambda: None) < 10_000


def test_parallel_speedup_is_a_positive_ratio():
    assert 0 < bench.parallel_speedup(seconds=0.05) < 1000


def test_rss_during_reports_growth():
    before, peak = bench.rss_during(lambda: np.ones(20_000_000).sum())
    assert peak >= before > 0


# -- child processes -------------------------------------------------------------------------


class FakeWorker:
    """Stands in for a child process: records the calls time_workers makes."""

    def __init__(self, log, seconds=0.001):
        self.log, self.seconds = log, seconds

    def time(self, key, n, warm=bench.WARM_UP):
        self.log.append((key, n, warm))
        return bench.Timings(np.full(n, self.seconds), n * self.seconds / 2)


def test_time_workers_rotates_turns_and_respects_repeats():
    log = []
    worker = FakeWorker(log)
    candidates = {name: (worker, name) for name in "abc"}
    timings = bench.time_workers(candidates, budget=0.0, min_repeats=4, max_repeats_of={"c": 2}, turn=0.0, settle=0.0,
                                 warm=0.0)
    assert {name: t.n for name, t in timings.items()} == {"a": 4, "b": 4, "c": 2}
    keys = [key for key, _, _ in log]
    assert keys[:3] == ["a", "b", "c"] and keys[3:6] == ["b", "c", "a"]  # the order rotates from round to round
    assert all(n == 1 and warm == 0.0 for _, n, warm in log)  # turn=0: one timed call per turn (warm=0: after one)
    assert np.all(timings["a"].wall == 0.001) and timings["a"].cpu_per_call == 0.0005


def test_time_workers_turn_lasts_about_turn_seconds():
    log = []
    timings = bench.time_workers({"a": (FakeWorker(log, seconds=0.01), "a")}, budget=0.0, min_repeats=12,
                                 max_repeats=12, turn=0.05, settle=0.0)
    assert [n for _, n, _ in log] == [1, 5, 5, 1]  # the first turn measures one call; then 0.05 s / 0.01 s
    assert timings["a"].n == 12


def test_worker_times_and_returns_results_in_its_own_process():
    worker = bench.Worker("nnlearn.bench.candidates:planar_steps", {"variant": "exercise", "steps": 3})
    try:
        assert worker.keys == [""]
        timings = worker.time("", 4)
        assert timings.n == 4 and np.all(timings.wall > 0) and timings.cpu >= 0
        start = time.perf_counter()
        assert worker.time("", 1, warm=0.3).n == 1
        assert time.perf_counter() - start >= 0.3  # untimed calls for the warm-up time come first
        from nnlearn.bench import candidates, exercise

        net, theta0, X, y = candidates.planar_problem()
        Thetas = net.unpack(theta0)
        parameters = {"W1": Thetas[0][:, 1:], "b1": Thetas[0][:, :1], "W2": Thetas[1][:, 1:], "b2": Thetas[1][:, :1]}
        assert worker.result("") == exercise.run_gd(X.T, y[None, :].astype(float), parameters, 3)[1][-1]
        assert worker.process.pid != __import__("os").getpid()
    finally:
        worker.close()
    assert worker.process.poll() is not None  # ended


def test_a_script_without_a_main_guard_can_start_workers(tmp_path):
    script = tmp_path / "script.py"  # children are fresh interpreters: they do not run the parent's script again
    script.write_text("from nnlearn.bench import Worker\n"
                      "worker = Worker('nnlearn.bench.candidates:planar_steps', {'variant': 'exercise', 'steps': 1})\n"
                      "print(worker.keys, worker.time('', 2).n)\n"
                      "worker.close()\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout == "[''] 2\n", done.stderr


def test_an_error_in_a_child_is_raised_in_the_parent_with_its_traceback():
    with pytest.raises(RuntimeError, match=r"(?s)digits_eval.*KeyError: 'no such variant'"):
        bench.workers.start_workers({"bad": ("nnlearn.bench.candidates:digits_eval", {"variant": "no such variant"})})


def test_the_exercise_loop_is_the_notebooks_gradient_descent():
    # Its gradient is the kernel's (alpha 0, sigmoid output, tanh hidden layer), so one step moves alike.
    from nnlearn.bench import candidates, exercise

    net, theta0, X, y = candidates.planar_problem()
    Thetas = net.unpack(theta0)
    parameters = {"W1": Thetas[0][:, 1:], "b1": Thetas[0][:, :1], "W2": Thetas[1][:, 1:], "b2": Thetas[1][:, :1]}
    after, costs = exercise.run_gd(X.T, y[None, :].astype(float), parameters, 2, learning_rate=1.2)
    result = nnlearn.train(net, theta0, X, y, method="gd", learning_rate=1.2, max_iter=2)
    np.testing.assert_allclose(costs, result.cost_history[:2], rtol=1e-12)
    T1, T2 = net.unpack(result.theta)
    np.testing.assert_allclose(np.hstack([after["b1"], after["W1"]]), T1, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(np.hstack([after["b2"], after["W2"]]), T2, rtol=1e-10, atol=1e-15)


def test_the_prepared_loop_makes_the_exercises_steps():
    # The tiny table's floor candidate: the same gd trajectory as the notebook's loop, its own arrays untouched.
    from nnlearn.bench import candidates, exercise

    net, theta0, X, y = candidates.planar_problem()
    Thetas = net.unpack(theta0)
    parameters = {"W1": Thetas[0][:, 1:], "b1": Thetas[0][:, :1], "W2": Thetas[1][:, 1:], "b2": Thetas[1][:, :1]}
    kept = {name: value.copy() for name, value in parameters.items()}
    X_columns, Y_row = np.ascontiguousarray(X.T), y[None, :].astype(float)
    after, costs = exercise.run_gd(X_columns, Y_row, parameters, 30, learning_rate=1.2)
    after_prepared, costs_prepared = exercise.run_gd_prepared(X_columns, Y_row, parameters, 30, learning_rate=1.2)
    np.testing.assert_allclose(costs_prepared, costs, rtol=1e-12)
    assert costs[-1] < costs[0] - 0.01  # it learns
    for name in after:
        np.testing.assert_allclose(after_prepared[name], after[name], rtol=1e-10, atol=1e-14)
        np.testing.assert_array_equal(parameters[name], kept[name])


# -- the tables ------------------------------------------------------------------------------


def _rows(table):
    return {(row[0].rsplit(" (", 1)[0], row[1]): row for row in table.rows}


def test_eval_table_structure():
    table = bench.eval_table(rows=ROWS, budget=0.0, min_repeats=2, loop_repeats=1)  # as users run it, and on 1 thread
    assert table.columns == ["candidate", "threads", "wall ms", "CPU ms", "x PyTorch", "x floor", "grad diff"]
    rows = _rows(table)
    floor = "floor float64: X @ W1.T, delta2.T @ X"
    expected = {("nnlearn float64", "default"), ("nnlearn float32", "default"), ("nnlearn float64", "1"),
                ("plain vectorized float64 (reference)", "default"), ("per-example loop float64 (reference)", "default"),
                (floor, "default"), (floor, "1"), ("floor float32", "default")}
    assert expected <= set(rows)
    assert rows[floor, "default"][5] == 1.0 and rows["floor float32", "1"][5] == 1.0
    assert all(row[2] > 0 and row[3] >= 0 for row in table.rows)
    assert rows["per-example loop float64 (reference)", "default"][0].endswith("(1x)")
    for name in ("nnlearn float64", "per-example loop float64 (reference)"):
        assert rows[name, "default"][6] < 1e-12  # the same gradient as the plain version
    assert rows["nnlearn float64", "1"][6] < 1e-12 and rows["nnlearn float32", "default"][6] < 1e-5
    has_torch = any(name.startswith("PyTorch") for name, _ in rows)
    assert has_torch == _torch_importable()
    if has_torch:
        assert rows["PyTorch float64", "1"][4] == 1.0 and rows["PyTorch float64", "default"][6] < 1e-12
    assert any(note.startswith("Load ") and "at the end" in note for note in table.notes)


def test_tables_without_pytorch_say_so_and_measure_the_rest(monkeypatch):
    real = bench.measure.version_of
    monkeypatch.setattr(bench.tables, "version_of", lambda name: None if name == "torch" else real(name))
    table = bench.tiny_table(steps=2, budget=0.0, min_repeats=1)
    assert not any("PyTorch" in row[0] for row in table.rows)
    assert any("PyTorch is not installed" in note and "torch==2.13.0" in note for note in table.notes)
    monkeypatch.setattr(bench.measure, "version_of", lambda name: None if name == "torch" else real(name))
    assert any("PyTorch not installed" in line for line in bench.machine_info())


def test_fit_table_structure():
    table = bench.fit_table(rows=ROWS, max_iter=2, repeats=1, threads=(None,))
    rows = _rows(table)
    baseline = ("scikit-learn MLPClassifier(solver='lbfgs')", "default")
    assert rows[baseline][7] == 1.0
    assert {("nnlearn float64 MLPClassifier", "default"), ("nnlearn float32 MLPClassifier", "default")} <= set(rows)
    assert not any(threads == "1" for _, threads in rows)
    for (name, _), row in rows.items():
        assert row[4] == 2 and 0 <= row[6] <= 100  # iterations, training accuracy %
        assert (row[5] is not None) == name.startswith("nnlearn")  # evaluations


def test_scaling_table_memory_does_not_grow_with_m():
    rows = min(max(kernel.MIN_BLOCK_ROWS, kernel.BLOCK_WORK // (3 * (30 * 25 + 25 * 10))), kernel.BLOCK_ROWS)
    sizes = (2 * rows, 4 * rows, 8 * rows)  # blocks of the same size, rows each
    assert kernel.blocks(8 * rows, kernel.Spec((30, 25, 10))) == tuple((i * rows, (i + 1) * rows) for i in range(8))
    table = bench.scaling_table(sizes=sizes, n_features=30, budget=0.0, min_repeats=1)
    assert table.columns[:3] == ["m", "nnlearn ms", "us/sample"]
    assert [row[0] for row in table.rows] == list(sizes)
    extra = [row[6] for row in table.rows]
    plain_extra = [row[7] for row in table.rows]
    assert max(extra) - min(extra) < 0.01  # MB: blocks of rows, whatever m
    assert plain_extra[2] > 3 * plain_extra[0]  # the plain version grows with m
    assert all(row[9] >= row[8] > 0 for row in table.rows)  # peak RSS >= RSS before
    assert any("grows as m^" in note for note in table.notes)


def test_tiny_table_structure():
    table = bench.tiny_table(steps=2, budget=0.0, min_repeats=1)
    rows = _rows(table)
    exercise = ("the planar exercise's NumPy loop (2-4-1 tanh, 800 points)", "gd")
    assert rows[exercise][4] == 1.0
    assert {("nnlearn.train", method) for method in ("gd", "sgd", "adam")} <= set(rows)
    assert rows["playground session step loop (2-8-8-1 tanh, 500 points)", "gd"][4] is None
    assert all(row[2] > 0 and row[5] == pytest.approx(1e6 / row[2]) for row in table.rows)
    if _torch_importable():
        assert {("PyTorch, torch.optim", method) for method in ("gd", "sgd", "adam")} <= set(rows)


def test_load_table_structure():
    table = bench.load_table(rows=ROWS, max_iter=2, budget=0.0, min_repeats=1, fit_repeats=1)
    assert table.columns == ["candidate", "threads", "quiet ms", "x 1 thread", "loaded ms", "x 1 thread (loaded)"]
    rows = _rows(table)
    assert {("one evaluation, nnlearn float64", threads) for threads in ("default", "1", "all")} <= set(rows)
    assert {("2-iteration L-BFGS-B fit, nnlearn float64", threads) for threads in ("default", "1", "all")} <= set(rows)
    assert rows["one evaluation, nnlearn float64", "1"][3] == 1.0 and rows["one evaluation, nnlearn float64", "1"][5] == 1.0
    assert all(row[2] > 0 and row[4] > 0 for row in table.rows)
    assert "busy processes on" in table.title


def test_time_to_interpolates_between_the_measurements_around_the_target():
    from nnlearn.bench.fashion import time_to

    points = [(0.0, 0.10, 0), (1.0, 0.80, 1), (3.0, 0.90, 2), (4.0, 0.84, 3)]
    assert time_to(points, 0.85) == pytest.approx((2.0, 1.5))  # halfway from 80 % to 90 %
    assert time_to(points, 0.95) == (None, None)
    assert time_to([(0.0, 0.9, 0)], 0.85) == (0.0, 0)


def test_fashion_table_and_its_figure(tmp_path):
    from nnlearn.datasets.fashion import fashion_mnist_files

    if not all(path.is_file() for split in ("train", "test") for path in fashion_mnist_files(split)):
        pytest.skip("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
    systems = ["nnlearn", "PyTorch"] if _torch_importable() else ["nnlearn", "scikit-learn adam"]
    figure = tmp_path / "fashion.png"
    table = bench.fashion_table(seconds=0.1, epochs=1, systems=systems, figure=figure)
    assert [row[0] for row in table.rows] == systems
    for row in table.rows:  # one epoch: 85 % may or may not be reached; the accuracy is a real one
        assert 10 < row[3] <= 100 and row[4] > 0
        assert (row[1] is None) == (row[2] is None)
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert any(note.startswith("nnlearn: nnlearn.train(method='adam')") for note in table.notes)


def test_bench_figure_must_be_writable_before_anything_runs(tmp_path, capsys):
    assert cli.main(["bench", "--tables", "fashion", "--figure", str(tmp_path / "no" / "f.png")]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("nnlearn: error: The '--figure' option of nnlearn bench must be the name of a file")
    assert captured.out == ""


def test_format_table_text_and_markdown():
    table = bench.Table("Title", ["name", "ms", "ratio"], [["a", 1.23456, None], ["bb", 1234.5, 0.00001234]], ["a note"])
    text = bench.format_table(table)
    assert text.splitlines()[0] == "Title"
    assert "1.23" in text and "1234" in text and "1.2e-05" in text and " -" in text and "a note" in text
    markdown = bench.format_table(table, markdown=True)
    assert "| name | ms | ratio |" in markdown and "|:---|---:|---:|" in markdown and "| a | 1.23 | - |" in markdown


def test_run_rejects_unknown_tables():
    with pytest.raises(ValueError, match=r"The 'tables' parameter of bench.run must be a str among "
                                         r"\['eval', 'fit', 'scaling', 'tiny', 'load', 'fashion'\]. Got 'speed' instead"):
        bench.run(tables=["speed"])


# -- the command -----------------------------------------------------------------------------


@pytest.fixture
def tiny_settings(monkeypatch):
    monkeypatch.setitem(bench.QUICK, "scaling_sizes", (100, 200))
    monkeypatch.setitem(bench.QUICK, "scaling_budget", 0.0)


def test_bench_quick_prints_the_machine_a_table_and_the_load(tiny_settings, capsys):
    assert cli.main(["bench", "--quick", "--tables", "scaling", "--no-progress"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith("machine ") and "\nparallel  " in out and "\ncpus      " in out
    assert "Scaling in m: 784-25-10" in out and "\n100 " in out
    assert "load " in out.splitlines()[-1] and "at the end" in out.splitlines()[-1]


def test_bench_runs_every_table_by_default(monkeypatch, capsys):
    ran = []
    monkeypatch.setattr(bench, "run", lambda tables, quick, progress, figure: ran.extend(tables) or [])
    assert cli.main(["bench", "--quick", "--no-progress"]) == 0
    assert ran == list(bench.DEFAULT_TABLES) == ["eval", "fit", "scaling", "tiny", "load"]


def test_bench_markdown_and_progress(tiny_settings, capsys):
    assert cli.main(["bench", "--quick", "--tables", "scaling", "--markdown", "--progress"]) == 0
    out, err = capsys.readouterr()
    assert "| m | nnlearn ms |" in out and out.startswith("- machine")
    assert "nnlearn bench: memory, one m at a time" in err and "nnlearn bench: timing 2 sizes" in err


def test_bench_progress_by_default_only_on_a_terminal(tiny_settings, capsys):
    assert cli.main(["bench", "--quick", "--tables", "scaling"]) == 0
    assert capsys.readouterr().err == ""  # stderr is not a terminal under pytest


@pytest.mark.parametrize(
    "argv, shown",
    [
        (["--tables", "speed"], "must be a str among ['eval', 'fit', 'scaling', 'tiny', 'load', 'fashion']. "
                                "Got 'speed' instead."),
        (["--tables"], "must be one or more of ['eval', 'fit', 'scaling', 'tiny', 'load', 'fashion']. Got nothing "
                       "instead."),
    ],
)
def test_bench_bad_table_is_a_one_line_error(argv, shown, capsys):
    assert cli.main(["bench", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"nnlearn: error: The '--tables' option of nnlearn bench {shown}\n"
    assert captured.out == ""  # checked before the machine line


def test_python_m_nnlearn_bench_is_the_command():
    done = subprocess.run([sys.executable, "-m", "nnlearn.bench", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "--quick" in done.stdout and "torch==2.13.0" in done.stdout
    done = subprocess.run([sys.executable, "-m", "nnlearn.bench", "--tables", "speed"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("nnlearn: error: The '--tables' option of nnlearn bench")


def test_bench_does_not_import_the_command_line():
    """cli imports bench (when the bench command runs), never the reverse: no import circle."""
    code = "import sys, nnlearn.bench; assert 'nnlearn.cli' not in sys.modules and 'torch' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0
    code = "import sys, nnlearn.cli; assert 'nnlearn.bench' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


# -- SciPy's BLAS threads during scipy.optimize.minimize ----------------------------------------


def _blas_threads():
    from threadpoolctl import threadpool_info

    return {pool["filepath"]: pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


def test_numpys_and_scipys_own_blas_are_on_one_thread_during_training_only():
    scipy_pools = {lib.filepath for lib in threads.scipy_own_blas().lib_controllers}
    numpy_pools = {lib.filepath for lib in threads.numpy_blas().lib_controllers}
    before = _blas_threads()
    seen = []
    net = nnlearn.Network([3, 4, 2])
    X, y = np.random.default_rng(0).normal(size=(20, 3)), np.arange(20) % 2
    nnlearn.train(net, net.init_weights(random_state=0), X, y, method="L-BFGS-B", max_iter=3,
                  callback=lambda i, theta, J: seen.append(_blas_threads()))
    assert seen and all(
        threads[path] == (1 if path in scipy_pools | numpy_pools else before[path]) for threads in seen for path in threads
    )
    assert _blas_threads() == before  # restored
    for path in scipy_pools:  # only libraries in SciPy's own directories are selected
        assert "scipy" in path and "numpy" not in path
