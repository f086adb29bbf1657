"""The nnlearn playground: train a network in the browser and watch it learn.

``nnlearn playground`` (or ``python -m nnlearn.playground``) starts a local web
application and opens it in the browser. It needs the optional extra
``pip install "nnlearn[playground]"`` (Starlette, uvicorn, websockets).

Modules: :mod:`.settings` (what a run is made of, checked), :mod:`.data`
(planar sets, regression surfaces, CSV files, features), :mod:`.training`
(steppable gd/sgd/Adam, the loss curve, the run's log), :mod:`.session` (one
tab's run on nnlearn's core), :mod:`.frames` (what the page draws),
:mod:`.script` (the exported Python script), :mod:`.server` (Starlette app,
one session per tab, Host/Origin checks), :mod:`.launch` (binding, the browser,
Ctrl-C) and :mod:`.bench` (steps and frames per second). Only
:mod:`.server` and :mod:`.launch` need the extra.
"""

from .launch import EXTRA_MESSAGE, require_extra, run, start

__all__ = ["run", "start", "require_extra", "EXTRA_MESSAGE"]
