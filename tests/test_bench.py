"""nnlearn.bench and `nnlearn bench`: the PyTorch oracle, the tables' structure, the SciPy thread limit.

No test here asserts a timing: the machine running the tests may be loaded, and
the benchmark is not a test. Tables are built with tiny sizes and checked for
their rows, columns and the numbers that do not depend on time.
"""

import subprocess
import sys

import numpy as np
import pytest

import nnlearn
from nnlearn import bench, cli, datasets
from nnlearn.core import kernel, optimizers, threads


@pytest.fixture
def small_digits(monkeypatch):
    """The bundled digits cut to 300 (every digit), for fast tables."""
    X, y = datasets.load_digits20()
    X, y = X[::50][:300].copy(), y[::50][:300].copy()
    X, y = np.concatenate([X, X, X]), np.concatenate([y, y, y])
    monkeypatch.setattr(datasets, "load_digits20", lambda: (X, y))
    return X, y


@pytest.fixture
def tiny_settings(monkeypatch):
    monkeypatch.setitem(bench.QUICK, "eval_budget", 0.0)
    monkeypatch.setitem(bench.QUICK, "eval_min_repeats", 1)
    monkeypatch.setitem(bench.QUICK, "fit_max_iter", 2)
    monkeypatch.setitem(bench.QUICK, "scaling_sizes", (100, 200))
    monkeypatch.setitem(bench.QUICK, "scaling_budget", 0.0)


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


# -- the tables ------------------------------------------------------------------------------


def test_eval_table_structure(small_digits):
    X, y = small_digits
    table = bench.eval_table(X, y, budget=0.0, min_repeats=2, loop_repeats=1)
    assert table.columns == ["candidate", "median ms", "x PyTorch", "x floor", "grad diff"]
    rows = {row[0].rsplit(" (", 1)[0]: row for row in table.rows}
    expected = {"nnlearn float64", "nnlearn float32", "nnlearn float64, NumPy's BLAS at 1 thread",
                "plain vectorized float64 (reference)",
                "per-example loop float64 (reference)", "floor float64: X @ W1.T, delta2.T @ X", "floor float32"}
    assert expected <= set(rows)
    assert rows["floor float64: X @ W1.T, delta2.T @ X"][3] == 1.0 and rows["floor float32"][3] == 1.0
    assert all(row[1] > 0 for row in table.rows)
    assert rows["per-example loop float64 (reference)"][0].endswith("(1x)")
    for name in ("nnlearn float64", "nnlearn float64, NumPy's BLAS at 1 thread", "per-example loop float64 (reference)"):
        assert rows[name][4] < 1e-12  # the same gradient as the plain version
    assert rows["nnlearn float32"][4] < 1e-5
    has_torch = any(name.startswith("PyTorch") for name in rows)
    assert has_torch == _torch_importable()
    if has_torch:
        assert rows["PyTorch autograd float64"][2] == 1.0 and rows["PyTorch autograd float64"][4] < 1e-12


def test_eval_table_without_pytorch_says_so_and_measures_the_rest(small_digits, monkeypatch):
    import sklearn.neural_network  # noqa: F401  (SciPy, which it imports, breaks on the hidden torch below)

    monkeypatch.setitem(sys.modules, "torch", None)
    X, y = small_digits
    table = bench.eval_table(X, y, budget=0.0, min_repeats=1, loop_repeats=1)
    assert not any("PyTorch" in row[0] for row in table.rows)
    assert all(row[2] is None for row in table.rows)  # no ratio to PyTorch
    assert any("PyTorch is not installed" in note and "torch==2.13.0" in note for note in table.notes)
    assert any("PyTorch not installed" in line for line in bench.machine_info())


def test_fit_table_structure(small_digits):
    X, y = small_digits
    table = bench.fit_table(X, y, max_iter=2, repeats=1)
    rows = {row[0].rsplit(" (", 1)[0]: row for row in table.rows}
    baseline = "scikit-learn MLPClassifier(solver='lbfgs') as users run it"
    assert rows[baseline][5] == 1.0
    assert set(rows) >= {"nnlearn MLPClassifier float64", "nnlearn MLPClassifier float32", baseline}
    for name, row in rows.items():
        assert row[2] == 2 and 0 <= row[4] <= 100  # iterations, training accuracy %
        assert (row[3] is not None) == name.startswith("nnlearn")  # evaluations
    assert optimizers.SCIPY_BLAS_THREADS == 1  # the unlimited row restored the setting


def test_scaling_table_memory_does_not_grow_with_m(monkeypatch):
    monkeypatch.setattr(kernel, "BLOCK_ROWS", 100)
    table = bench.scaling_table(sizes=(400, 800, 1600), n_features=30, budget=0.0, min_repeats=1)
    assert table.columns[:3] == ["m", "nnlearn ms", "us/sample"]
    assert [row[0] for row in table.rows] == [400, 800, 1600]
    extra = [row[6] for row in table.rows]
    plain_extra = [row[7] for row in table.rows]
    assert max(extra) - min(extra) < 0.001  # MB: blocks of 100 rows, whatever m
    assert plain_extra[2] > 3 * plain_extra[0]  # the plain version grows with m
    assert all(row[9] >= row[8] > 0 for row in table.rows)  # peak RSS >= RSS before
    assert any("grows as m^" in note for note in table.notes)


def test_format_table_text_and_markdown():
    table = bench.Table("Title", ["name", "ms", "ratio"], [["a", 1.23456, None], ["bb", 1234.5, 0.00001234]], ["a note"])
    text = bench.format_table(table)
    assert text.splitlines()[0] == "Title"
    assert "1.23" in text and "1234" in text and "1.2e-05" in text and " -" in text and "a note" in text
    markdown = bench.format_table(table, markdown=True)
    assert "| name | ms | ratio |" in markdown and "|:---|---:|---:|" in markdown and "| a | 1.23 | - |" in markdown


def test_run_rejects_unknown_tables():
    with pytest.raises(ValueError, match=r"The 'tables' parameter of bench.run must be a str among \['eval', 'fit', 'scaling'\]. Got 'speed' instead"):
        bench.run(tables=["speed"])


# -- the command -----------------------------------------------------------------------------


def test_bench_quick_prints_all_three_tables(small_digits, tiny_settings, capsys):
    assert cli.main(["bench", "--quick", "--no-progress"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith("machine ") and "\nparallel  " in out
    for title in ("Cost and gradient, 400-25-10", "Whole fit: 2 iterations of L-BFGS-B", "Scaling in m: 784-25-10"):
        assert title in out
    assert "nnlearn float64 (" in out and "per-example loop" in out and "scikit-learn MLPClassifier" in out
    assert "load " in out.splitlines()[-1]


def test_bench_markdown_and_progress(small_digits, tiny_settings, capsys):
    assert cli.main(["bench", "--quick", "--tables", "scaling", "--markdown", "--progress"]) == 0
    out, err = capsys.readouterr()
    assert "| m | nnlearn ms |" in out and out.startswith("- machine")
    assert "nnlearn bench: memory, m = 100" in err and "nnlearn bench: timing 2 sizes" in err


def test_bench_progress_by_default_only_on_a_terminal(small_digits, tiny_settings, capsys):
    assert cli.main(["bench", "--quick", "--tables", "scaling"]) == 0
    assert capsys.readouterr().err == ""  # stderr is not a terminal under pytest


@pytest.mark.parametrize(
    "argv, shown",
    [
        (["--tables", "speed"], "must be a str among ['eval', 'fit', 'scaling']. Got 'speed' instead."),
        (["--tables"], "must be one or more of ['eval', 'fit', 'scaling']. Got nothing instead."),
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
    code = "import sys, nnlearn.bench; assert 'nnlearn.cli' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0
    code = "import sys, nnlearn.cli; assert 'nnlearn.bench' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


# -- SciPy's BLAS threads during scipy.optimize.minimize ----------------------------------------


def _blas_threads():
    from threadpoolctl import threadpool_info

    return {pool["filepath"]: pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


def test_scipy_own_blas_is_limited_during_training_only():
    scipy_pools = {lib.filepath for lib in threads.scipy_own_blas().lib_controllers}
    before = _blas_threads()
    seen = []
    net = nnlearn.Network([3, 4, 2])
    X, y = np.random.default_rng(0).normal(size=(20, 3)), np.arange(20) % 2
    nnlearn.train(net, net.init_weights(random_state=0), X, y, method="L-BFGS-B", max_iter=3,
                  callback=lambda i, theta, J: seen.append(_blas_threads()))
    assert seen and all(
        threads[path] == (1 if path in scipy_pools else before[path]) for threads in seen for path in threads
    )
    assert _blas_threads() == before  # restored
    for path in scipy_pools:  # only libraries in SciPy's own directories are selected
        assert "scipy" in path and "numpy" not in path


