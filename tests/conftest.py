import os
from pathlib import Path

import numpy as np
import pytest

# The course's pretrained 400-25-10 weights live beside the checkout (../shared/data);
# NNLEARN_EX4WEIGHTS points elsewhere. Tests that need them skip where they are absent.
EX4WEIGHTS = Path(os.environ.get("NNLEARN_EX4WEIGHTS", Path(__file__).resolve().parents[2] / "shared" / "data" / "ex4weights.mat"))


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def ex4weights_path():
    if not EX4WEIGHTS.is_file():
        pytest.skip(f"the course's ex4weights.mat is not at {EX4WEIGHTS}")
    return EX4WEIGHTS
