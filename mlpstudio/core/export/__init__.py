"""Models that leave the app: an ONNX model, a standalone NumPy script, the weights as arrays.

Each export holds the whole path from a point as the user gives it to the outputs ``a^(L)`` and
the predicted class, exactly as the engine computes them (``docs/file-format.md``, "Exported
models", documents the three formats):

- :mod:`.onnx_model`: :func:`to_onnx` / :func:`write_onnx`, for any ONNX runtime (needs the
  optional ``onnx`` package, ``pip install "mlpstudio[onnx]"``);
- :mod:`.python_script`: :func:`to_python` / :func:`write_python`, one readable ``.py`` file
  that needs numpy only;
- :mod:`.npz`: :func:`to_npz` / :func:`write_npz`, ``W2, b2, …`` with the lecture's shapes.

Every ``write_*`` writes atomically, as a project is saved, and refuses to replace an existing
file unless ``overwrite=True``. Problems raise :class:`ExportError` (a ``ValueError``).
"""

from __future__ import annotations

from .common import ExportError
from .npz import to_npz, write_npz
from .onnx_model import OPSET, to_onnx, write_onnx
from .python_script import to_python, write_python

__all__ = [
    "OPSET",
    "ExportError",
    "to_npz",
    "to_onnx",
    "to_python",
    "write_npz",
    "write_onnx",
    "write_python",
]
