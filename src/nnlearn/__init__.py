"""nnlearn: neural networks that learn by backpropagation, from scratch in NumPy.

The course's model (a 400-25-10 sigmoid network learning handwritten digits)
for networks of any depth: regularized cross-entropy cost, backpropagation,
gradient checking, training, and scikit-learn estimators for classification
and regression.
"""

__version__ = "0.1.0"

__all__ = [
    "Network",
    "MLPClassifier",
    "MLPRegressor",
    "train",
    "TrainResult",
    "sigmoid",
    "sigmoid_gradient",
    "numerical_gradient",
    "gradient_check",
    "GradientCheck",
    "save_model",
    "load_model",
]

# Submodules with heavier imports (matplotlib, joblib, Dask) load on first use:
# ``import nnlearn; nnlearn.sweep.run(...)`` works without slowing down ``import nnlearn``.
_SUBMODULES = ("datasets", "plots", "sweep", "report", "bench", "core")
# The core's modules are reachable by their short names too: nnlearn.params is nnlearn.core.params.
_CORE_MODULES = ("params", "reference", "activations", "losses", "kernel", "optimizers")
# Every public name loads on first use too (name -> module): ``import nnlearn`` itself imports nothing
# heavy, so the command's entry point (nnlearn._entry) sets up its Ctrl-C handling before NumPy and SciPy
# load, and the commands that need no estimator start without scikit-learn (about 1 s).
_LAZY_NAMES = {
    "sigmoid": "core.activations",
    "sigmoid_gradient": "core.activations",
    "GradientCheck": "gradcheck",
    "gradient_check": "gradcheck",
    "numerical_gradient": "gradcheck",
    "Network": "network",
    "TrainResult": "optimize",
    "train": "optimize",
    "MLPClassifier": "estimator",
    "MLPRegressor": "estimator",
    "save_model": "model_io",
    "load_model": "model_io",
}


def __getattr__(name):
    import importlib

    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _CORE_MODULES:
        return importlib.import_module(f"{__name__}.core.{name}")
    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY_NAMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_SUBMODULES, *_CORE_MODULES, *_LAZY_NAMES])
