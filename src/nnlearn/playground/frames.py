r"""Frames: what the page draws of a run, computed on the session's side and sent as one binary message.

A frame is ``uint32`` (little-endian) header length ``H``, ``H`` bytes of UTF-8
JSON, zero padding to a multiple of 8 bytes, then the payload; the header's
``*_offset`` fields count bytes from the payload's start:

``theta`` (float64, ``n_params``)
    the weights, in nnlearn's flat layout (the links' colours, widths and values).
``curve`` (float64, 3 x ``curve_length``)
    iterations, train loss and test loss (NaN without a test split).
``surface`` (uint8, ``SURFACE_SIZE``\ :sup:`2`, or twice that)
    the output on a 100 x 100 grid over the plot, row by row from the top:
    ``binary``: :math:`h = P(y = 1)` as ``round(255 h)``; ``classes``: the
    predicted class, then its probability as ``round(255 p)``; ``regression``:
    the output scaled from ``[lo, hi]`` to 0..255.
``units`` (uint8, one ``unit_side``\ :sup:`2` map per input and hidden unit)
    each input feature's and each hidden unit's value on a coarser grid,
    scaled from its ``[lo, hi]`` (``unit_ranges``) to 0..255.

The surface is :func:`nnlearn.core.kernel.forward` itself, the function
:meth:`nnlearn.Network.predict_proba` calls, so a model exported from the
page predicts exactly what it shows.
"""

from __future__ import annotations

import json
import math
import struct

import numpy as np

from ..core import kernel, params
from . import data as pdata

__all__ = ["encode", "decode", "data_message", "layer_activations", "input_maps", "unit_side", "quantize", "SURFACE_SIZE"]

SURFACE_SIZE = 100


def unit_side(n_hidden_units):
    """Side of each unit's map: finer for small networks, coarser when there are many units to draw."""
    return 40 if n_hidden_units <= 64 else 24 if n_hidden_units <= 200 else 16


def quantize(values, lo, hi):
    """``values`` scaled from ``[lo, hi]`` to 0..255 (clipped, rounded), as uint8."""
    scaled = (np.asarray(values, dtype=np.float64) - lo) * (255.0 / (hi - lo))
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def layer_activations(theta, F, spec):
    """The hidden layers' activations ``[a(2), ..., a(L-1)]``, each of shape (m, s_l).

    Parameters
    ----------
    theta : ndarray of shape (n_params,)
    F : ndarray of shape (m, s_1), the network's inputs
    spec : nnlearn.core.kernel.Spec
    """
    W, b = params.split_bias(params.unpack(theta, spec.layer_sizes))
    A, hidden = F, []
    for l, g in enumerate(spec.gs):
        A = g.g(A @ W[l].T + b[l])  # a(l+2) = g(Θ(l+1) [1; a(l+1)]); (m, s_{l+2})
        hidden.append(A)
    return hidden


def _surface(session, theta):
    """(header fields, bytes) of the output on the 100 x 100 grid."""
    H = kernel.forward(theta, session.surface_inputs, session.spec)  # (G², K)
    ds = session.dataset
    if ds.task == "regression":
        lo, hi = _target_range(ds)
        return {"kind": "regression", "lo": lo, "hi": hi}, quantize(H[:, 0], lo, hi).tobytes()
    if H.shape[1] == 1:
        return {"kind": "binary"}, quantize(H[:, 0], 0.0, 1.0).tobytes()
    predicted = np.argmax(H, axis=1).astype(np.uint8)
    return {"kind": "classes"}, predicted.tobytes() + quantize(H.max(axis=1), 0.0, 1.0).tobytes()


def _target_range(ds):
    lo, hi = float(np.min(ds.y)), float(np.max(ds.y))
    pad = max(0.05 * (hi - lo), 1e-6)
    return lo - pad, hi + pad


def input_maps(session):
    """(ranges, bytes) of every input feature's map: fixed for a data set and features, computed once."""
    F = session.unit_inputs
    top = np.max(np.abs(F), axis=0)  # the colour scale is symmetric about 0; (n_inputs,)
    top = np.where(top > 1e-12, top, 1.0)
    return [[-t, t] for t in top.tolist()], quantize(F.T, -top[:, None], top[:, None]).tobytes()


def _units(session, theta):
    """(ranges, bytes) of every input feature's and hidden unit's map."""
    ranges, maps = list(session.input_maps[0]), [session.input_maps[1]]
    for g, A in zip(session.spec.gs, layer_activations(theta, session.unit_inputs, session.spec)):
        if g.name in ("sigmoid", "tanh"):
            lo, hi = (0.0, 1.0) if g.name == "sigmoid" else (-1.0, 1.0)
            ranges += [[lo, hi]] * A.shape[1]
            maps.append(quantize(A.T, lo, hi).tobytes())
        else:  # relu: each unit on its own scale, symmetric about 0
            top = np.max(np.abs(A), axis=0)
            top = np.where(top > 1e-12, top, 1.0)
            ranges += [[-t, t] for t in top.tolist()]
            maps.append(quantize(A.T, -top[:, None], top[:, None]).tobytes())
    return ranges, b"".join(maps)


def _metrics(session, theta):
    """Accuracy (or R²) on both splits and the confusion matrix (test split, or train without one)."""
    ds, spec = session.dataset, session.spec
    out = {}
    splits = {"train": (session.F_train, ds.y[ds.train]), "test": (session.F_test, ds.y[ds.test])}
    for name, (F, y) in splits.items():
        if not len(F):
            out[name] = None
            continue
        H = kernel.forward(theta, F, spec)
        if ds.task == "regression":
            residual = float(np.sum((H[:, 0] - y) ** 2))
            total = float(np.sum((y - y.mean()) ** 2))
            out[name] = 1.0 - residual / total if total > 0 else None
        else:
            predicted = kernel.predict(H)
            out[name] = float(np.mean(predicted == y))
            if name == "test" or not len(session.F_test):
                K = ds.n_classes
                confusion = np.zeros((K, K), dtype=np.int64)
                np.add.at(confusion, (y, predicted), 1)
                out["confusion"] = confusion.tolist()
                out["confusion_split"] = name
    out["name"] = "R²" if ds.task == "regression" else "accuracy"
    return out


def _finite(x):
    return x if x is not None and math.isfinite(x) else None


def encode(session, number=0):
    """The frame of ``session`` as bytes (header and payload, see the module docstring)."""
    header = {
        "type": "frame",
        "number": number,
        "status": session.status,
        "reason": session.reason,
        "ready": session.ready,
    }
    if not session.ready:
        return _pack(header, [])
    theta = session.theta
    train_loss, test_loss = session.losses(theta)
    surface_info, surface = _surface(session, theta)
    ranges, units = _units(session, theta)
    curve = session.curve.array()
    header.update(
        iteration=session.iteration,
        epoch=session.epoch,
        steps_per_second=session.steps_per_second,
        train_loss=_finite(train_loss),
        test_loss=_finite(test_loss),
        metrics=_metrics(session, theta),
        layer_sizes=list(session.spec.layer_sizes),
        n_params=int(theta.size),
        surface=dict(surface_info, size=SURFACE_SIZE),
        unit_side=session.unit_side,
        unit_ranges=ranges,
        curve_length=int(curve.shape[1]),
        curve_stride=session.curve.stride,
    )
    sections = [("theta", theta.astype("<f8").tobytes()), ("curve", curve.astype("<f8").tobytes()),
                ("surface", surface), ("units", units)]
    return _pack(header, sections)


def _pack(header, sections):
    offset = 0
    for name, payload in sections:
        header[f"{name}_offset"] = offset
        offset += -(-len(payload) // 8) * 8  # each section starts at a multiple of 8 (Float64Array views)
    text = json.dumps(header, allow_nan=False, separators=(",", ":")).encode("utf-8")
    start = -(-(4 + len(text)) // 8) * 8
    out = bytearray(struct.pack("<I", len(text)) + text)
    out += bytes(start - len(out))
    for _, payload in sections:
        out += payload
        out += bytes(-len(payload) % 8)
    return bytes(out)


def decode(frame):
    """``(header, payload)`` of a frame's bytes (for tests and the benchmark; the page decodes it in JS)."""
    (n,) = struct.unpack_from("<I", frame)
    header = json.loads(frame[4 : 4 + n].decode("utf-8"))
    return header, memoryview(frame)[-(-(4 + n) // 8) * 8 :]


def data_message(session):
    """The data the page draws under the surface, and what it should say about it (JSON data)."""
    message = {"type": "data", "ready": session.ready, "settings": session.settings.to_dict(),
               "reason": session.reason}
    ds = session.dataset
    if ds is None:
        return message
    def points(rows):
        return {"x": np.round(ds.X[rows, :2], 6).tolist(),
                "y": (ds.y[rows].tolist() if ds.task == "classification" else np.round(ds.y[rows], 6).tolist())}
    message.update(
        task=ds.task,
        classes=list(ds.classes),
        columns=list(ds.columns),
        box=list(ds.box),
        note=ds.note,
        train=points(ds.train),
        test=points(ds.test),
        target_range=list(_target_range(ds)) if ds.task == "regression" else None,
    )
    if session.ready:
        message.update(
            inputs=pdata.feature_names(session.settings.features, ds.columns),
            layer_sizes=list(session.spec.layer_sizes),
            activations=[g.name for g in session.spec.gs],
            output=session.spec.output,
        )
    return message
