"""``python -m nnlearn.bench [--quick] ...`` is ``nnlearn bench [--quick] ...``."""

import os
import sys

# The command line imports the benchmark, not the reverse: hand the process over to it.
os.execv(sys.executable, [sys.executable, "-m", "nnlearn.cli", "bench", *sys.argv[1:]])
