"""The planar exercise's own hand-written NumPy loop, transcribed as the benchmark's yardstick.

The course's "Planar data classification with one hidden layer" writes a 2-4-1
network (tanh hidden units, a sigmoid output) with one example per column,
``X`` of shape (2, m) and ``Y`` of shape (1, m), in four functions called once
per gradient step. They are transcribed here as the notebook writes them (the
function names and statements are the notebook's); :func:`run_gd` is its
``nn_model`` loop without the printing. nnlearn's gd, sgd and Adam steps are
timed against it in ``nnlearn bench --tables tiny``.

:func:`run_gd_prepared` makes the same steps as fast as NumPy can, as a
measure of what is left to gain: every array made once, nothing checked,
one NumPy call per operation of the math. What it costs is the floor of
any step written in NumPy calls.
"""

from __future__ import annotations

import numpy as np

__all__ = ["sigmoid", "forward_propagation", "compute_cost", "backward_propagation", "update_parameters", "run_gd",
           "run_gd_prepared"]


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def forward_propagation(X, parameters):
    W1, b1, W2, b2 = parameters["W1"], parameters["b1"], parameters["W2"], parameters["b2"]
    Z1 = np.dot(W1, X) + b1
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = sigmoid(Z2)
    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    return A2, cache


def compute_cost(A2, Y):
    m = Y.shape[1]
    logprobs = np.multiply(np.log(A2), Y) + np.multiply(np.log(1 - A2), 1 - Y)
    cost = -np.sum(logprobs) / m
    return float(np.squeeze(cost))


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = (1 / m) * np.dot(dZ1, X.T)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters, grads, learning_rate=1.2):
    W1, b1, W2, b2 = parameters["W1"], parameters["b1"], parameters["W2"], parameters["b2"]
    W1 = W1 - learning_rate * grads["dW1"]
    b1 = b1 - learning_rate * grads["db1"]
    W2 = W2 - learning_rate * grads["dW2"]
    b2 = b2 - learning_rate * grads["db2"]
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def run_gd(X, Y, parameters, num_iterations, learning_rate=1.2):
    """``num_iterations`` gradient steps from ``parameters``; returns the last parameters and the costs.

    Parameters
    ----------
    X : ndarray of shape (2, m); Y : ndarray of shape (1, m), 0/1
    parameters : dict of W1 (n_h, 2), b1 (n_h, 1), W2 (1, n_h), b2 (1, 1)
    """
    costs = []
    for _ in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        costs.append(compute_cost(A2, Y))
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads, learning_rate)
    return parameters, costs


def run_gd_prepared(X, Y, parameters, num_iterations, learning_rate=1.2):
    """:func:`run_gd`'s steps with every array made once and nothing checked; returns the same.

    The weights are one vector ``theta`` with views per layer, ``Θ1 = [b1 W1]`` and
    ``Θ2 = [b2 W2]``, and the activations carry a row of ones, so that each product of
    the math is one ``np.dot`` into memory made before the loop. The cost comes from the
    margin ``u = (1 - 2y) z``: ``log(1 + e^u)``, and ``δ = (1 - 2y) e^u / (1 + e^u) = a2 - y``
    (no check that ``e^u`` stays finite). 18 NumPy calls a step.
    """
    W1, b1, W2, b2 = parameters["W1"], parameters["b1"], parameters["W2"], parameters["b2"]
    n_h, m = W1.shape[0], X.shape[1]
    theta = np.concatenate([np.hstack([b1, W1]).ravel(), np.hstack([b2, W2]).ravel()])
    Theta1, Theta2 = theta[: n_h * 3].reshape(n_h, 3), theta[n_h * 3 :].reshape(1, n_h + 1)
    grad = np.empty_like(theta)
    Grad1, Grad2 = grad[: n_h * 3].reshape(n_h, 3), grad[n_h * 3 :].reshape(1, n_h + 1)
    X1 = np.vstack([np.ones((1, m)), X])  # [1; x]; (3, m)
    A1 = np.empty((n_h + 1, m))  # [1; a1]
    A1[0] = 1.0
    a1, W2_T = A1[1:], Theta2[:, 1:].T
    S = 1.0 - 2.0 * Y  # the margin's sign, ±1
    U, E, Q, loss = (np.empty((1, m)) for _ in range(4))
    delta1, g_prime = np.empty((n_h, m)), np.empty((n_h, m))
    costs, step = [], learning_rate / m
    for _ in range(num_iterations):
        np.dot(Theta1, X1, out=a1)  # z1 = W1 x + b1
        np.tanh(a1, out=a1)  # a1
        np.dot(Theta2, A1, out=U)  # z2 = W2 a1 + b2
        np.multiply(U, S, out=U)  # u = (1 - 2y) z2
        np.exp(U, out=E)
        np.add(E, 1.0, out=Q)
        np.log(Q, out=loss)  # log(1 + e^u): each example's cross-entropy
        costs.append(float(np.add.reduce(loss, axis=None)) / m)
        np.divide(E, Q, out=E)
        np.multiply(E, S, out=E)  # dZ2 = a2 - y
        np.dot(E, A1.T, out=Grad2)  # [db2 dW2] m
        np.dot(W2_T, E, out=delta1)
        np.multiply(a1, a1, out=g_prime)
        np.subtract(1.0, g_prime, out=g_prime)
        np.multiply(delta1, g_prime, out=delta1)  # dZ1 = W2^T dZ2 (1 - a1^2)
        np.dot(delta1, X1.T, out=Grad1)  # [db1 dW1] m
        np.multiply(grad, step, out=grad)
        np.subtract(theta, grad, out=theta)  # θ ← θ - η ∇J
    parameters = {"W1": Theta1[:, 1:].copy(), "b1": Theta1[:, :1].copy(), "W2": Theta2[:, 1:].copy(),
                  "b2": Theta2[:, :1].copy()}
    return parameters, costs
