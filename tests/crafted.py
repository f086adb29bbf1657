"""Crafted files for the bounds tests (issue 14, class 3): small files that declare or inflate to a lot.

Nothing here is shipped: the tests build every file in their tmp_path. The
compressed data are made without compressing gigabytes each time: a raw
deflate stream of 64 MiB of zeros is made once and repeated (deflate blocks
ended with a full flush can be concatenated), then wrapped as a zip member,
a zlib stream (``.mat``'s miCOMPRESSED) or a gzip file, with the checksum of
the whole content computed chunk by chunk.
"""

import functools
import json
import struct
import zlib

import numpy as np

CHUNK = 64 << 20
_ZEROS = bytes(CHUNK)


@functools.lru_cache(maxsize=None)
def _zero_chunk_deflated():
    """Raw deflate blocks of CHUNK zero bytes, not final, ending on a byte boundary."""
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(_ZEROS) + c.flush(zlib.Z_FULL_FLUSH)


def _raw(data):
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)


def _final_block():
    return zlib.compressobj(6, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)


def deflate_prefix_and_zeros(prefix, n_zeros, suffix=b""):
    """A raw deflate stream of ``prefix + bytes(n_zeros) + suffix`` (n_zeros a multiple of 64 MiB or small)."""
    whole, rest = divmod(n_zeros, CHUNK)
    return (_raw(prefix) + _zero_chunk_deflated() * whole + _raw(bytes(rest)) + _raw(suffix) + _final_block())


def _checksum(function, prefix, n_zeros, suffix, start):
    value = function(prefix, start)
    whole, rest = divmod(n_zeros, CHUNK)
    for _ in range(whole):
        value = function(_ZEROS, value)
    return function(suffix, function(bytes(rest), value))


def crc32(prefix, n_zeros, suffix=b""):
    return _checksum(zlib.crc32, prefix, n_zeros, suffix, 0) & 0xFFFFFFFF


def adler32(prefix, n_zeros, suffix=b""):
    return _checksum(zlib.adler32, prefix, n_zeros, suffix, 1) & 0xFFFFFFFF


def npy_header(shape, descr="<f8"):
    """The bytes of a ``.npy`` file's magic and header (format 1.0) for an array of ``shape`` and ``descr``."""
    header = "{'descr': %r, 'fortran_order': False, 'shape': %r, }" % (descr, tuple(shape))
    total = len(header) + 10 + 1
    header += " " * (-total % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1")


def npy_bytes(array):
    """The whole ``.npy`` bytes of ``array``."""
    import io

    f = io.BytesIO()
    np.lib.format.write_array(f, np.asarray(array), allow_pickle=False)
    return f.getvalue()


def zip_file(members):
    """The bytes of a zip archive.

    ``members`` is a list of ``(name, prefix, n_zeros, method)``: the member
    holds ``prefix`` followed by ``n_zeros`` zero bytes, stored (method 0),
    deflated (8) or declared as another method (its bytes then deflated, so
    only the method number is wrong for a reader that would not refuse it).
    Sizes up to 4 GiB (no zip64).
    """
    local, central, offset = [], [], 0
    for name, prefix, n_zeros, method in members:
        name = name.encode()
        size = len(prefix) + n_zeros
        crc = crc32(prefix, n_zeros)
        data = prefix + bytes(n_zeros) if method == 0 else deflate_prefix_and_zeros(prefix, n_zeros)
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size, len(name), 0)
        local.append(header + name + data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, len(data), size,
                                   len(name), 0, 0, 0, 0, 0, offset) + name)
        offset += len(header) + len(name) + len(data)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), offset, 0)
    return b"".join(local) + directory + end


def header_member(header):
    """The ``header`` member (name, prefix, 0, stored) of an nnlearn model file holding the JSON text ``header``."""
    text = header.encode() if isinstance(header, str) else header
    return ("header.npy", npy_header((len(text),), "|u1") + text, 0, 0)


def array_member(name, array, method=0):
    return (f"{name}.npy", npy_bytes(array), 0, method)


# -- MATLAB 5 --------------------------------------------------------------------------------------


def _element(mdtype, data):
    return struct.pack("<II", mdtype, len(data)) + data + bytes(-len(data) % 8)


def mat_matrix_head(name, dims, n_bytes_of_data):
    """The bytes of an miMATRIX of doubles up to its real part's tag (then ``n_bytes_of_data`` bytes follow)."""
    flags = _element(6, struct.pack("<II", 6, 0))  # mxDOUBLE_CLASS
    shape = _element(5, struct.pack(f"<{len(dims)}i", *dims))
    label = _element(1, name.encode())
    inner = flags + shape + label + struct.pack("<II", 9, n_bytes_of_data)  # miDOUBLE real part
    padding = -n_bytes_of_data % 8
    return struct.pack("<II", 14, len(inner) + n_bytes_of_data + padding) + inner, padding


MAT_HEADER = b"MATLAB 5.0 MAT-file, crafted by nnlearn's tests".ljust(116) + bytes(8) + b"\x00\x01IM"


def mat_variable(name, values=None, dims=None, compressed=True):
    """One top-level element: a double matrix ``values`` (as Fortran order), or ``dims`` of zeros."""
    if values is not None:
        values = np.asarray(values, dtype="<f8")
        dims = values.shape
        data = values.tobytes(order="F")
    else:
        data = None
    n = int(np.prod(dims)) * 8
    head, padding = mat_matrix_head(name, dims, n)
    if not compressed:
        return head + (data if data is not None else bytes(n)) + bytes(padding)
    if data is not None:
        body = zlib.compress(head + data + bytes(padding))
    else:
        raw = deflate_prefix_and_zeros(head, n + padding)
        body = b"\x78\x9c" + raw + struct.pack(">I", adler32(head, n + padding))
    return struct.pack("<II", 15, len(body)) + body


def gzip_of(prefix, n_zeros):
    """A gzip file holding ``prefix`` followed by ``n_zeros`` zero bytes."""
    raw = deflate_prefix_and_zeros(prefix, n_zeros)
    size = (len(prefix) + n_zeros) & 0xFFFFFFFF
    return b"\x1f\x8b\x08\x00" + bytes(4) + b"\x00\xff" + raw + struct.pack("<II", crc32(prefix, n_zeros), size)


# -- nnlearn model files ------------------------------------------------------------------------------


def model_header(layer_sizes=(2, 3, 1), kind="MLPClassifier", **changes):
    """A valid header of a fitted 2-3-1 classifier, changed by ``changes``."""
    header = {
        "format": "nnlearn-model", "format_version": 1, "kind": kind, "nnlearn_version": "0.1.0",
        "created": "2025-01-01T00:00:00+00:00", "layout": "theta_l", "layer_sizes": list(layer_sizes),
        "activation": "tanh", "output": "sigmoid",
        "classes": {"dtype": "<i8", "values": [0, 1]}, "n_features_in": layer_sizes[0], "feature_names_in": None,
        "hyperparameters": {"hidden_layer_sizes": list(layer_sizes[1:-1]), "activation": "tanh", "max_iter": 3},
        "hyperparameters_not_saved": {},
        "training": {"solver": "CG", "alpha": 1.0, "n_iter": 3, "n_evaluations": 5, "initial_cost": 0.7,
                     "final_cost": 0.6, "elapsed": 0.01, "message": "reached max_iter=3", "converged": False,
                     "interrupted": False},
    }
    header.update(changes)
    return json.dumps(header)


def thetas(layer_sizes=(2, 3, 1)):
    """The members theta_0, theta_1, ... of a network of ``layer_sizes`` (seeded weights)."""
    from nnlearn import Network

    net = Network(list(layer_sizes))
    return [array_member(f"theta_{l}", T) for l, T in enumerate(net.unpack(net.init_weights(random_state=0)))]


def good_model_members(**changes):
    """The members of a valid model file of a 2-3-1 classifier (the header changed by ``changes``)."""
    return [header_member(model_header(**changes)), *thetas(), array_member("loss_curve", np.linspace(0.7, 0.6, 4))]
