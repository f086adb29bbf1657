"""``python -m nnlearn.playground [--port N] [--host H] [--no-browser]`` is ``nnlearn playground ...``."""

import sys

from ..cli import main

if __name__ == "__main__":
    sys.exit(main(["playground", *sys.argv[1:]]))
