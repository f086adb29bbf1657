"""The planar exercise's own hand-written NumPy loop, transcribed as the benchmark's yardstick.

The course's "Planar data classification with one hidden layer" writes a 2-4-1
network (tanh hidden units, a sigmoid output) with one example per column,
``X`` of shape (2, m) and ``Y`` of shape (1, m), in four functions called once
per gradient step. They are transcribed here as the notebook writes them (the
function names and statements are the notebook's); :func:`run_gd` is its
``nn_model`` loop without the printing. nnlearn's gd, sgd and Adam steps are
timed against it in ``nnlearn bench --tables tiny``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["sigmoid", "forward_propagation", "compute_cost", "backward_propagation", "update_parameters", "run_gd"]


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
