"""What a playground run is made of: the settings a page sends, checked in the one message shape.

The page keeps these settings in its URL (reloading or sharing the link
restores them, data seed and weights seed included) and sends them to its
session as JSON; :meth:`Settings.update` checks each value with
:mod:`nnlearn._validation`'s rules, naming the playground as the door::

    The 'points' parameter of the playground must be an int in the range [10, 5000]. Got 9 instead.

A wrong value keeps the previous one and comes back as a message the page
shows; nothing here raises to the server.
"""

from __future__ import annotations

import numbers

from dataclasses import asdict, dataclass, field, fields, replace

from .. import _validation as v
from ..core.activations import ACTIVATIONS
from ..core.losses import OUTPUTS

__all__ = [
    "Settings",
    "DOOR",
    "DATASETS",
    "FEATURES",
    "METHODS",
    "FIRST_ORDER",
    "FULL_BATCH",
    "MAX_POINTS",
    "MAX_HIDDEN_LAYERS",
    "MAX_UNITS",
    "MAX_PARAMS",
    "MAX_SEED",
    "regression_available",
]

DOOR = "the playground"

# The data sets: name -> (label, task, default noise). "csv" is an uploaded file.
DATASETS = {
    "spirals": ("Spirals", "classification", 0.2),
    "spirals3": ("Spirals, 3 arms (3 classes)", "classification", 0.2),
    "flower": ("Flower", "classification", 0.2),
    "circles": ("Circles", "classification", 0.1),
    "circles3": ("Circles, 3 rings (3 classes)", "classification", 0.05),
    "moons": ("Moons", "classification", 0.1),
    "xor": ("XOR", "classification", 0.1),
    "gaussians": ("Gaussians", "classification", 1.0),
    "gaussians4": ("Gaussians, 4 blobs (4 classes)", "classification", 0.8),
    "plane": ("Regression: plane", "regression", 0.1),
    "bumps": ("Regression: Gaussian bumps", "regression", 0.05),
    "csv": ("Your CSV file", "any", 0.0),
}
# Input features: URL key -> label (functions of the first two columns in data.py).
FEATURES = {
    "x1": "x₁",
    "x2": "x₂",
    "x1sq": "x₁²",
    "x2sq": "x₂²",
    "x1x2": "x₁x₂",
    "sinx1": "sin x₁",
    "sinx2": "sin x₂",
}
# Optimizers: name -> label. The first-order ones step in the session, one gradient step at a
# time; the full-batch ones are nnlearn.core.optimizers.minimize's, one iteration per callback.
METHODS = {
    "gd": "Gradient descent",
    "sgd": "SGD (momentum)",
    "adam": "Adam",
    "CG": "Conjugate gradient (CG)",
    "L-BFGS-B": "L-BFGS-B",
    "fmincg": "fmincg (the course's)",
}
FIRST_ORDER = ("gd", "sgd", "adam")
FULL_BATCH = ("CG", "L-BFGS-B", "fmincg")

# Bounds that keep a session responsive on a laptop: a step of the largest network on the
# most points takes a few milliseconds, a frame of its unit maps stays small.
MAX_POINTS = 5000
MAX_HIDDEN_LAYERS = 10
MAX_UNITS = 128
MAX_PARAMS = 50_000
MAX_SEED = 2**31 - 1


def regression_available():
    """Whether nnlearn's core has the identity output with squared error (regression)."""
    return "identity" in OUTPUTS


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


class _Names(v.Rule):
    """A list of names from a table (each at most once, at least ``low`` and at most ``high`` of them)."""

    def __init__(self, table, low, high):
        self.table, self.low, self.high = list(table), low, high

    def text(self):
        return f"a list of {self.low} to {self.high} distinct names among {self.table}"

    def check(self, value, name, door):
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise TypeError(v.message(name, door, self.text(), v.describe(value)))
        if not self.low <= len(value) <= self.high or len(set(value)) != len(value) or set(value) - set(self.table):
            raise ValueError(v.message(name, door, self.text(), v.describe(value)))
        return tuple(value)


class _Hidden(v.Rule):
    """Units per hidden layer: a list of at most MAX_HIDDEN_LAYERS ints in [1, MAX_UNITS]."""

    def text(self):
        return f"a list of at most {MAX_HIDDEN_LAYERS} ints in the range [1, {MAX_UNITS}] (units per hidden layer)"

    def check(self, value, name, door):
        if not isinstance(value, list) or not all(_is_int(item) for item in value):
            raise TypeError(v.message(name, door, self.text(), v.describe(value)))
        if len(value) > MAX_HIDDEN_LAYERS or any(not 1 <= item <= MAX_UNITS for item in value):
            raise ValueError(v.message(name, door, self.text(), v.describe(value)))
        return tuple(int(item) for item in value)


class _Activations(v.Rule):
    """One activation name per hidden layer."""

    def text(self):
        return f"a list of activation names among {list(ACTIVATIONS)}, one per hidden layer"

    def check(self, value, name, door):
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise TypeError(v.message(name, door, self.text(), v.describe(value)))
        if any(item not in ACTIVATIONS for item in value):
            raise ValueError(v.message(name, door, self.text(), v.describe(value)))
        return tuple(value)


# Each setting's rule (the page's URL keys are these names).
RULES = {
    "data": v.Option(tuple(DATASETS)),
    "noise": v.Real(0.0, 5.0),
    "points": v.Int(10, MAX_POINTS),
    "test": v.Int(0, 90),
    "seed": v.Int(0, MAX_SEED),
    "features": _Names(FEATURES, 1, len(FEATURES)),
    "hidden": _Hidden(),
    "act": _Activations(),
    "method": v.Option(tuple(METHODS)),
    "lr": v.Real(0.0, 100.0, open="low"),
    "batch": v.Int(1, MAX_POINTS),
    "momentum": v.Real(0.0, 1.0, open="high"),
    "alpha": v.Real(0.0, 1000.0),
    "max_iter": v.Int(0, v.MAX_ITER),
    "target": v.Real(0.0, 1000.0),
    "patience": v.Int(0, v.MAX_ITER),
    "init": v.Int(0, MAX_SEED),
}
# Settings whose change makes new data, or a new network (both start again from iteration 0).
DATA_KEYS = ("data", "noise", "points", "test", "seed")
NETWORK_KEYS = ("features", "hidden", "act", "init")


@dataclass(frozen=True)
class Settings:
    """One run's settings (every field has its URL key as its name).

    Attributes
    ----------
    data : str, a key of :data:`DATASETS`
    noise : float, the generator's noise (its meaning is the generator's: angle, radius or coordinates)
    points : int, total number of points (split evenly between classes)
    test : int, the percentage held out for testing (0..90)
    seed : int, the data seed (points and split)
    features : tuple of str, keys of :data:`FEATURES`
    hidden : tuple of int, units per hidden layer (may be empty: logistic or softmax regression)
    act : tuple of str, one activation per hidden layer
    method : str, a key of :data:`METHODS`
    lr : float, the learning rate of gd, sgd and adam
    batch : int, the mini-batch size of sgd and adam (at most the training set)
    momentum : float, sgd's momentum in [0, 1)
    alpha : float, the course's lambda (L2 on the weights, bias excluded)
    max_iter : int, stop after this many iterations (0: no limit)
    target : float, stop when the test loss reaches it (0: no target)
    patience : int, early stopping: stop when the test loss has not improved for this many iterations (0: off)
    init : int, the weights seed (initial weights and the mini-batch order)
    """

    data: str = "spirals"
    noise: float = 0.2
    points: int = 500
    test: int = 20
    seed: int = 0
    features: tuple = ("x1", "x2")
    hidden: tuple = (8, 8)
    act: tuple = ("tanh", "tanh")
    method: str = "adam"
    lr: float = 0.03
    batch: int = 500
    momentum: float = 0.9
    alpha: float = 0.0
    max_iter: int = 0
    target: float = 0.0
    patience: int = 0
    init: int = 0
    messages: tuple = field(default=(), compare=False)

    def to_dict(self):
        """The settings as plain JSON data (lists for tuples), without messages."""
        values = asdict(self)
        del values["messages"]
        return {key: list(value) if isinstance(value, tuple) else value for key, value in values.items()}

    def update(self, values):
        """New settings from ``values`` (a dict of URL keys); bad or unknown values keep the old ones.

        Returns
        -------
        Settings
            With ``messages``: one line per value that was refused, in the one message shape.
        """
        if not isinstance(values, dict):
            return replace(self, messages=(f"The settings must be a JSON object. Got {v.describe(values)} instead.",))
        changes, messages = {}, []
        names = [f.name for f in fields(self) if f.name != "messages"]
        for key, value in values.items():
            if key not in names:
                messages.append(f"Unknown setting {v.describe(key)} ignored; the settings are {names}.")
                continue
            try:
                changes[key] = RULES[key].check(value, key, DOOR)
            except (TypeError, ValueError) as exc:
                messages.append(str(exc))
        if "data" in changes and changes["data"] != self.data and "noise" not in changes:
            changes["noise"] = DATASETS[changes["data"]][2]  # a new data set starts at its own noise
        new = replace(self, **changes)
        if len(new.act) != len(new.hidden):  # one activation per layer: repeat the last one for new layers
            fill = new.act[-1] if new.act else "tanh"
            act = (new.act + (fill,) * len(new.hidden))[: len(new.hidden)]
            new = replace(new, act=act)
        return replace(new, messages=tuple(messages))

    def changed(self, other):
        """Which of 'data', 'network' (both mean a new start) or 'training' differ between two settings."""
        kinds = set()
        for f in fields(self):
            if f.name != "messages" and getattr(self, f.name) != getattr(other, f.name):
                kinds.add("data" if f.name in DATA_KEYS else "network" if f.name in NETWORK_KEYS else "training")
        return kinds
