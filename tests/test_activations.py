import numpy as np
import pytest

import nnlearn
from nnlearn.core.activations import ACTIVATION_NAMES, ACTIVATIONS, sigmoid, sigmoid_gradient


def test_sigmoid_gradient_at_zero_is_a_quarter():
    assert sigmoid_gradient(0) == 0.25


def test_sigmoid_gradient_course_values():
    # The course prints sigmoidGradient([-1 -0.5 0 0.5 1]) = 0.196612 0.235004 0.250000 0.235004 0.196612
    z = np.array([-1, -0.5, 0, 0.5, 1])
    np.testing.assert_allclose(sigmoid_gradient(z), [0.196612, 0.235004, 0.25, 0.235004, 0.196612], atol=5e-7)


def test_sigmoid_is_finite_and_warning_free_for_huge_inputs():
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        g = sigmoid(np.array([-1e308, -800.0, 0.0, 800.0, 1e308]))
    np.testing.assert_array_equal(g, [0.0, 0.0, 0.5, 1.0, 1.0])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_from_activations_matches_central_differences(name):
    act = ACTIVATIONS[name]
    z = np.array([-2.0, -0.7, 0.3, 1.5])  # away from relu's kink
    h = 1e-6
    numeric = (act.g(z + h) - act.g(z - h)) / (2 * h)
    np.testing.assert_allclose(act.g_prime_from_A(act.g(z)), numeric, rtol=1e-8, atol=1e-10)


def test_logistic_is_an_alias_of_sigmoid():
    assert ACTIVATIONS[ACTIVATION_NAMES["logistic"]] is ACTIVATIONS["sigmoid"]
    assert nnlearn.Network([2, 3, 1], activation="logistic").activation == "sigmoid"
    assert nnlearn.Network([2, 3, 1], output="logistic").output == "sigmoid"


def test_unknown_activation_lists_valid_names():
    with pytest.raises(ValueError, match=r"The 'activation' parameter of Network must be a str among "
                       r"\['sigmoid', 'logistic', 'tanh', 'relu'\] or a list of them, one per hidden layer. Got 'softsign' instead."):
        nnlearn.Network([2, 3, 1], activation="softsign")
    with pytest.raises(TypeError, match=r"The 'activation' parameter of Network must be a str among .* Got 3 instead"):
        nnlearn.Network([2, 3, 1], activation=3)
