"""The weights as NumPy arrays in one ``.npz`` file, for people who load them into their own code.

Keys (``np.load(path, allow_pickle=False)`` reads every one; nothing is pickled):

- ``W2``, ``b2``, ``W3``, ``b3``, … ``WL``, ``bL``: the lecture's layer numbers (layer 1 is the
  input layer). ``W{l}`` has shape ``(n_l, n_{l−1})``, so ``W{l}[j, k]`` is ``w_jk^(l)``, the
  weight from unit k of layer l−1 to unit j of layer l (0-based here, 1-based in the lecture);
  ``b{l}`` has shape ``(n_l,)``. They keep the network's float type (float64 or float32) and are
  its values bit for bit.
- ``sizes``: int64 ``(L,)``, units per layer from the input layer to the output layer.
- ``activations``: str ``(L−1,)``, the activation of layers 2 … L (``linear``, ``step``,
  ``sigmoid``, ``tanh``, ``relu``, ``softmax``).
- ``class_names``: str, one name per class (two for one output unit).
- ``mean``, ``std``: float64 ``(d,)``, only when the project standardises its inputs: the
  network sees ``(x − mean) / std`` of each point ``x``.
- ``features``: str, only when the network has derived inputs: the keys of its input units
  (``x1``, ``x2``, ``x1^2``, ``x2^2``, ``x1*x2``, ``sin(x1)``, ``sin(x2)``), computed from the
  (standardised) 2-D point in this order.
"""

from __future__ import annotations

import io
import os

import numpy as np

from ..project import Project
from .common import check_exportable, layers, write_file


def arrays(project: Project) -> dict[str, np.ndarray]:
    """The arrays the ``.npz`` file holds, by key (copies: the network stays the caller's)."""
    check_exportable(project)
    net = project.network
    out: dict[str, np.ndarray] = {}
    for layer in layers(project):
        out[f"W{layer.l}"] = np.array(layer.W)
        out[f"b{layer.l}"] = np.array(layer.b)
    out["sizes"] = np.array(net.sizes, dtype=np.int64)
    out["activations"] = np.array(net.activations, dtype=np.str_)
    out["class_names"] = np.array(project.class_names, dtype=np.str_)
    scaling = project.scaling
    if scaling is not None:
        out["mean"] = np.array(scaling.mean)
        out["std"] = np.array(scaling.std)
    if net.features is not None:
        out["features"] = np.array(net.features, dtype=np.str_)
    return out


def to_npz(project: Project) -> bytes:
    """The ``.npz`` file's contents (uncompressed, as ``np.savez`` writes them)."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays(project))
    return buffer.getvalue()


def write_npz(project: Project, path: str | os.PathLike, *, overwrite: bool = False) -> None:
    """Write the arrays to ``path`` atomically; an existing file is replaced only if
    ``overwrite``. Raises :class:`~.common.ExportError` (and ``OSError`` when the disk refuses)."""
    write_file(path, to_npz(project), overwrite)
