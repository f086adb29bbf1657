"""Care of the command-line process: Ctrl-C held back while finished work is written, a closed pipe taken quietly.

Only the command line (:mod:`nnlearn.cli`) uses these; library code never
installs signal handlers or replaces streams.

- :func:`interrupts_held`: while the results of finished work are printed and
  written (a trained model saved, predictions written, a plot drawn), the
  first Ctrl-C is remembered instead of raised, and reported when the block
  ends; a second Ctrl-C interrupts at once (a stuck write can still be
  stopped). The work is not lost to a Ctrl-C that arrives one moment too late.
- :class:`PipeGuard`: a stream whose reader went away (``nnlearn ... | head
  -1``) swallows what is written to it from then on, as if it were
  ``/dev/null``; the command goes on (and saves what it was asked to save),
  and exits with :data:`EXIT_BROKEN_PIPE` (141, as a shell reports a
  process killed by SIGPIPE, the way coreutils programs end in a pipe).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading

__all__ = ["interrupts_held", "PipeGuard", "EXIT_BROKEN_PIPE", "EXIT_INTERRUPTED"]

EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE


class _Held:
    """What :func:`interrupts_held` saw: ``interrupted`` is True once a Ctrl-C was held back."""

    interrupted = False


@contextlib.contextmanager
def interrupts_held():
    """Hold back the first Ctrl-C (SIGINT) until the block ends; a second one raises KeyboardInterrupt at once.

    Yields an object whose ``interrupted`` is True if a Ctrl-C arrived; the
    caller reports it after the block. Outside the main thread (where Python
    cannot set signal handlers) the block runs unprotected.
    """
    held = _Held()
    if threading.current_thread() is not threading.main_thread():
        yield held
        return

    def hold(signum, frame):
        if held.interrupted:  # the user insists
            raise KeyboardInterrupt
        held.interrupted = True

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield held
    finally:
        signal.signal(signal.SIGINT, previous)


class PipeGuard:
    """A text stream wrapper: once writing raises BrokenPipeError, later output goes nowhere, silently.

    ``broken`` says whether that happened. The stream's file descriptor is
    then pointed at ``/dev/null`` (when it has one), so what its buffer still
    holds is flushed there at exit instead of raising again.
    """

    def __init__(self, stream):
        self.stream = stream
        self.broken = False

    def write(self, text):
        if not self.broken:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self.lose()
        return len(text)

    def flush(self):
        if not self.broken:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self.lose()

    def lose(self):
        """The reader is gone: discard from now on."""
        self.broken = True
        try:
            fd = self.stream.fileno()
            devnull = os.open(os.devnull, os.O_WRONLY)
        except (AttributeError, OSError, ValueError):  # a stream without a descriptor (a test's capture)
            return
        try:
            os.dup2(devnull, fd)
        finally:
            os.close(devnull)

    def __getattr__(self, name):
        return getattr(self.stream, name)
