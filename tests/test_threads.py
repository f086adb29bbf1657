"""nnlearn.core.threads: NumPy's and SciPy's BLAS told apart, and the shared thread limits."""

import threading
import time

import pytest
from threadpoolctl import threadpool_info

from nnlearn.core import threads


def _blas_threads():
    return {pool["filepath"]: pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


def _numpy_paths():
    return {lib.filepath for lib in threads.numpy_blas().lib_controllers}


def test_the_two_wheels_blas_are_told_apart():
    numpy_paths = _numpy_paths()
    scipy_paths = {lib.filepath for lib in threads.scipy_own_blas().lib_controllers}
    assert not numpy_paths & scipy_paths
    assert all("numpy" in path for path in numpy_paths) and all("scipy" in path for path in scipy_paths)


def test_shared_limits_restore_once_when_the_last_user_leaves():
    before = _blas_threads()
    scipy_paths = {lib.filepath for lib in threads.scipy_own_blas().lib_controllers}
    with threads.scipy_blas_limited(1):
        with threads.scipy_blas_limited(1):
            pass
        inside = _blas_threads()  # still limited: the outer user has not left
    assert all(inside[path] == 1 for path in scipy_paths)
    assert _blas_threads() == before
    with threads.scipy_blas_limited(None), threads.numpy_blas_limited(None):
        assert _blas_threads() == before


def test_available_cores_is_positive():
    assert threads.available_cores() >= 1


def test_numpy_blas_limit_applies_inside_and_is_restored():
    before = _blas_threads()
    with threads.numpy_blas_limited(1):
        inside = _blas_threads()
    assert _blas_threads() == before
    for path, n in inside.items():
        assert n == (1 if path in _numpy_paths() else before[path])


def test_a_thread_leaving_does_not_lift_the_limit_of_another():
    before = _blas_threads()
    seen = {}

    def other():
        with threads.numpy_blas_limited(1):
            seen["other"] = _blas_threads()

    with threads.numpy_blas_limited(1):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join(10)
        seen["after"] = _blas_threads()  # the other thread has left; this one is still inside
    for counts in (seen["other"], seen["after"]):
        assert all(counts[path] == 1 for path in _numpy_paths())
    assert _blas_threads() == before


# -- the kernel's own threads ---------------------------------------------------------------------


@pytest.mark.parametrize("n_threads", [1, 2, 3, 8])
def test_run_tasks_returns_results_in_task_order_and_folds_in_that_order(n_threads):
    def f(i):
        time.sleep(0.001 * ((i * 7) % 3))  # tasks end out of order
        return [i]

    assert threads.run_tasks(f, 10, n_threads) == [[i] for i in range(10)]
    assert threads.run_tasks(f, 10, n_threads, fold=lambda a, b: a + b) == list(range(10))
    assert threads.run_tasks(f, 1, n_threads, fold=lambda a, b: a + b) == [0]


def test_run_tasks_uses_helper_threads():
    seen = set()

    def f(i):
        seen.add(threading.current_thread().name)
        time.sleep(0.01)

    threads.run_tasks(f, 6, 2)
    assert threading.current_thread().name in seen and any(name.startswith("nnlearn-kernel-") for name in seen)


def test_an_error_in_a_task_is_raised_once_every_thread_has_stopped():
    done = []

    def f(i):
        if i == 3:
            raise ValueError("task 3")
        time.sleep(0.002)
        done.append(i)

    with pytest.raises(ValueError, match="task 3"):
        threads.run_tasks(f, 50, 2)
    stopped = len(done)
    time.sleep(0.05)
    assert len(done) == stopped < 49  # the other tasks were not all run, and none runs later
    assert threads.run_tasks(lambda i: i, 4, 2) == [0, 1, 2, 3]  # the team is free again


def test_a_second_caller_computes_its_tasks_itself_while_the_team_is_busy():
    inside, names = threading.Event(), []

    def slow(i):
        inside.set()
        time.sleep(0.05)

    first = threading.Thread(target=threads.run_tasks, args=(slow, 2, 2))
    first.start()
    inside.wait(5)
    threads.run_tasks(lambda i: names.append(threading.current_thread().name), 4, 2)
    first.join(5)
    assert names == [threading.current_thread().name] * 4


def test_choose_threads_is_between_1_and_the_tasks_and_the_cores():
    assert threads.choose_threads(1) == 1
    for n_tasks in (2, 5, 100):
        assert 1 <= threads.choose_threads(n_tasks) <= min(n_tasks, threads.available_cores())
    assert threads.busy_cores() >= 0


def test_cgroup_cpu_limit_reads_v1_and_v2_quotas(tmp_path):
    assert threads.cgroup_cpu_limit(str(tmp_path)) is None  # no files: no quota
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("-1\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert threads.cgroup_cpu_limit(str(tmp_path)) is None  # -1: none
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("150000\n")
    assert threads.cgroup_cpu_limit(str(tmp_path)) == 1.5
    with open("/proc/self/cgroup") as cgroup:
        own = [line.partition("::")[2].strip() for line in cgroup if line.startswith("0::")]
    if own:  # cgroup v2: cpu.max of the process's cgroup or a parent, the smallest
        (tmp_path / "cpu.max").write_text("50000 100000\n")
        assert threads.cgroup_cpu_limit(str(tmp_path)) == 0.5
