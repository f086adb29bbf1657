import numpy as np
import pytest

import nnlearn
from nnlearn.core import params


def test_layer_shapes_and_count_for_the_course_network():
    assert params.layer_shapes([400, 25, 10]) == [(25, 401), (10, 26)]
    assert params.n_params([400, 25, 10]) == 25 * 401 + 10 * 26 == 10285


def test_pack_is_layer_by_layer_row_major():
    T1 = np.arange(6.0).reshape(2, 3)  # (s_2 = 2, s_1 + 1 = 3)
    T2 = np.arange(6.0, 9.0).reshape(1, 3)
    theta = params.pack([T1, T2])
    np.testing.assert_array_equal(theta, np.arange(9.0))
    assert theta.dtype == np.float64


def test_round_trips(rng):
    sizes = [4, 3, 5, 2]
    theta = rng.normal(size=params.n_params(sizes))
    np.testing.assert_array_equal(params.pack(params.unpack(theta, sizes)), theta)
    Thetas = [rng.normal(size=s) for s in params.layer_shapes(sizes)]
    for a, b in zip(params.unpack(params.pack(Thetas), sizes), Thetas):
        np.testing.assert_array_equal(a, b)


def test_unpack_returns_views():
    theta = np.zeros(params.n_params([2, 2, 1]))
    Thetas = params.unpack(theta, [2, 2, 1])
    Thetas[1][0, 0] = 7.0
    assert theta[6] == 7.0


def test_unpack_wrong_size_names_both_sizes():
    with pytest.raises(ValueError, match=r"theta has 10 entries.*has 9 parameters"):
        params.unpack(np.zeros(10), [2, 2, 1])


def test_split_bias_column_zero_is_bias():
    T = np.arange(6.0).reshape(2, 3)
    (W,), (b,) = params.split_bias([T])
    np.testing.assert_array_equal(b, [0.0, 3.0])
    np.testing.assert_array_equal(W, [[1.0, 2.0], [4.0, 5.0]])


def test_debug_weights_follow_octave_column_major_fill():
    W = params.debug_weights(5, 3)  # Octave: reshape(sin(1:20), 5, 4) / 10
    assert W.shape == (5, 4)
    assert W[0, 0] == np.sin(1) / 10
    assert W[1, 0] == np.sin(2) / 10  # down the first column first
    assert W[0, 1] == np.sin(6) / 10


@pytest.mark.parametrize("method", params.INIT_METHODS)
def test_init_methods(method):
    sizes = [400, 25, 10]
    theta = params.init_weights(sizes, method=method, random_state=0)
    assert theta.shape == (10285,)
    Thetas = params.unpack(theta, sizes)
    if method == "uniform":
        assert np.abs(theta).max() <= 0.12
    elif method == "glorot":
        assert np.abs(Thetas[0]).max() <= np.sqrt(6) / np.sqrt(425)
        assert np.abs(Thetas[1]).max() > np.sqrt(6) / np.sqrt(425)  # each layer has its own epsilon
    elif method == "normal":
        assert np.all(Thetas[0][:, 0] == 0) and 0.005 < Thetas[0][:, 1:].std() < 0.015


def test_init_is_deterministic_and_seed_dependent():
    a = params.init_weights([5, 4, 3], random_state=3)
    np.testing.assert_array_equal(a, params.init_weights([5, 4, 3], random_state=3))
    assert not np.array_equal(a, params.init_weights([5, 4, 3], random_state=4))


def test_unknown_init_method():
    net = nnlearn.Network([2, 2])
    with pytest.raises(ValueError, match=r"The 'init' parameter of Network.init_weights must be a str among "
                       r"\['uniform', 'glorot', 'normal', 'debug'\]. Got 'he' instead"):
        net.init_weights(method="he")
    with pytest.raises(ValueError, match=r"The 'epsilon' parameter of Network.init_weights must be a float in the range \[0.0, inf\). Got -1"):
        net.init_weights(epsilon=-1)


def test_unpack_accepts_a_list():
    Thetas = params.unpack([0.0, 1.0, 2.0], [2, 1])
    np.testing.assert_array_equal(Thetas[0], [[0.0, 1.0, 2.0]])
