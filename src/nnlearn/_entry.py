"""The ``nnlearn`` command's entry point: Ctrl-C during start-up ends with one line, not a traceback.

``import nnlearn`` loads nothing heavy, so this module runs before NumPy,
SciPy and the command line's modules are imported (about half a second). A
Ctrl-C during those imports ends the process with ``nnlearn: interrupted``
and status 130; from then on :func:`nnlearn.cli.main` handles it.
"""

import sys

__all__ = ["main"]


def main(argv=None):
    """Import the command line and run it (see :func:`nnlearn.cli.main`); 130 if Ctrl-C stops the start-up."""
    try:
        from .cli import main as cli_main
    except KeyboardInterrupt:
        try:
            print("nnlearn: interrupted", file=sys.stderr)
        except OSError:  # stderr closed too
            pass
        return 130
    return cli_main(argv)
