"""The core: the math of the network on arguments a door has already checked.

- :mod:`.params`: the one parameter layout (``Thetas`` and the flat ``theta``);
- :mod:`.activations`, :mod:`.losses`: g and g' per activation, each output's loss from the logits;
- :mod:`.kernel`: :class:`Spec`, :func:`cost_and_gradient`, :func:`cost`, :func:`forward`;
- :mod:`.reference`: the course's per-example loop and the plain vectorized version, same signature as the kernel;
- :mod:`.optimizers`: :func:`minimize` on flat vectors; :mod:`.fmincg` beside it;
- :mod:`.threads`: the BLAS thread pools.

Nothing here validates its arguments: :class:`nnlearn.Network`, :func:`nnlearn.train`,
:func:`nnlearn.gradient_check` and the estimators are the doors that do.
"""

from .kernel import Spec, cost, cost_and_gradient, forward, predict
from .optimizers import TrainResult, TrainingDiverged, TrainingInterrupted, minimize

__all__ = [
    "Spec",
    "cost",
    "cost_and_gradient",
    "forward",
    "predict",
    "minimize",
    "TrainResult",
    "TrainingDiverged",
    "TrainingInterrupted",
]
