"""``python -m nnlearn ...`` is the ``nnlearn`` command (through :mod:`nnlearn._entry`)."""

import sys

from ._entry import main

if __name__ == "__main__":
    sys.exit(main())
