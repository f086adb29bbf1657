"""nnlearn.split.held_out_split: the held-out split of train and sweep, stratified for classes."""

import numpy as np
import pytest

from nnlearn.split import held_out_split


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    y = np.repeat([0, 1, 2, 3], [40, 30, 20, 10])
    return X, y


def test_holds_out_a_stratified_fraction(data):
    X, y = data
    X_train, X_test, y_train, y_test = held_out_split(X, y, test_size=0.2, random_state=0)
    assert X_train.shape == (80, 3) and X_test.shape == (20, 3) and y_train.shape == (80,) and y_test.shape == (20,)
    assert np.bincount(y_test).tolist() == [8, 6, 4, 2]  # the classes' proportions
    # Every sample lands in exactly one part, with its label.
    rows = {tuple(x): label for x, label in zip(np.vstack([X_train, X_test]), np.concatenate([y_train, y_test]))}
    assert rows == {tuple(x): label for x, label in zip(X, y)}


def test_test_size_0_is_no_held_out_set(data):
    X, y = data
    X_train, X_test, y_train, y_test = held_out_split(X, y, test_size=0, random_state=0)
    assert X_test is None and y_test is None
    np.testing.assert_array_equal(X_train, X)  # unshuffled
    np.testing.assert_array_equal(y_train, y)


def test_an_int_seed_gives_scikit_learns_split(data):
    from sklearn.model_selection import train_test_split

    X, y = data
    ours = held_out_split(X, y, test_size=0.25, random_state=7)
    theirs = train_test_split(X, y, test_size=0.25, random_state=7, stratify=y)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("seed", [2**40, "generator"])
def test_other_seeds_are_reproducible(data, seed):
    X, y = data
    make = (lambda: np.random.default_rng(5)) if seed == "generator" else (lambda: seed)
    first = held_out_split(X, y, test_size=0.3, random_state=make())
    again = held_out_split(X, y, test_size=0.3, random_state=make())
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)


def test_string_labels(data):
    X, _ = data
    y = np.array(["cat", "dog"] * 50)
    _, _, _, y_test = held_out_split(X, y, test_size=0.2, random_state=0)
    assert sorted(y_test.tolist()) == ["cat"] * 10 + ["dog"] * 10


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"test_size": 1.0}, ValueError,
         r"The 'test_size' parameter of held_out_split must be a float in the range \[0\.0, 1\.0\)\. Got 1\.0 instead\."),
        ({"test_size": -0.1}, ValueError, r"'test_size' parameter of held_out_split"),
        ({"test_size": "0.2"}, TypeError, r"'test_size' parameter of held_out_split must be a float"),
        ({"random_state": -1}, ValueError, r"'random_state' parameter of held_out_split must be None, an int >= 0"),
        ({"random_state": 1.5}, TypeError, r"'random_state' parameter of held_out_split"),
        ({"y": np.zeros(99)}, ValueError,
         r"The 'y' parameter of held_out_split must be a 1-D array of 100 labels \(one per row of X\)\. "
         r"Got an array of shape \(99,\) instead\."),
        ({"X": np.zeros(100)}, ValueError, r"The 'X' parameter of held_out_split must be a 2-D array of shape \(m, n\)"),
        ({"X": np.full((100, 3), "a")}, TypeError, r"The 'X' parameter of held_out_split must be a 2-D array of numbers"),
        ({"y": np.r_[np.zeros(99), 1]}, ValueError,
         r"'y' parameter of held_out_split must be labels with at least 2 samples of every class \(a stratified "
         r"split\)\. Got 1 sample of class 1\.0 instead\."),
        ({"test_size": 0.01}, ValueError,
         r"The 'test_size' parameter of held_out_split must be a fraction that leaves at least 4 samples \(one per "
         r"class\) in each part\. Got 0\.01, which holds out 1 of 100 samples instead\."),
    ],
)
def test_bad_arguments(data, kwargs, error, match):
    X, y = data
    arguments = {"X": X, "y": y, "test_size": 0.2, "random_state": 0, **kwargs}
    with pytest.raises(error, match=match):
        held_out_split(**arguments)


# -- regression: a plain shuffled split ----------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(100,), (100, 2)])
def test_unstratified_split_is_scikit_learns_shuffle_for_real_targets(data, shape):
    from sklearn.model_selection import train_test_split

    X, _ = data
    y = np.random.default_rng(1).normal(size=shape)  # real values: no classes to keep
    ours = held_out_split(X, y, test_size=0.2, random_state=5, stratify=False)
    theirs = train_test_split(X, y, test_size=0.2, random_state=5)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a, b)
    assert ours[3].shape == (20, *shape[1:])
    X_train, X_test, y_train, y_test = held_out_split(X, y, test_size=0, stratify=False)
    assert X_test is None and y_test is None and y_train is y


def test_unstratified_split_takes_one_sample_classes(data):
    X, _ = data
    y = np.arange(100)  # every class once: no stratified split, but a plain one
    X_train, X_test, y_train, y_test = held_out_split(X, y, test_size=0.3, random_state=0, stratify=False)
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(100)) and len(y_test) == 30


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"stratify": "no"}, TypeError, r"The 'stratify' parameter of held_out_split must be a bool \(True or False\)"),
        ({"y": np.zeros((99, 2))}, ValueError,
         r"The 'y' parameter of held_out_split must be an array of shape \(100,\) or \(100, k\) \(one target row per row "
         r"of X\)\. Got an array of shape \(99, 2\) instead\."),
        ({"y": np.zeros((100, 2, 2))}, ValueError, r"'y' parameter of held_out_split must be an array of shape \(100,\)"),
        ({"X": np.zeros((1, 3)), "y": np.zeros(1), "test_size": 0.5}, ValueError,
         r"The 'test_size' parameter of held_out_split must be a fraction that leaves at least 1 sample in each part\. "
         r"Got 0\.5, which holds out 1 of 1 samples instead\."),
    ],
)
def test_bad_arguments_of_the_unstratified_split(data, kwargs, error, match):
    X, y = data
    arguments = {"X": X, "y": y, "test_size": 0.2, "random_state": 0, "stratify": False, **kwargs}
    with pytest.raises(error, match=match):
        held_out_split(**arguments)
