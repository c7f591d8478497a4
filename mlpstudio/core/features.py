"""Derived inputs: the network may see x₁², x₂², x₁x₂, sin x₁, sin x₂ beside x₁ and x₂.

As in TensorFlow Playground, a network on 2-D points can be given extra input units computed
from the point, so that a linear unit can draw a circle (x₁² + x₂²) or a network without hidden
layers separate XOR (x₁x₂). The features are part of the network (``Network.features``): its
input layer ``a^(1)`` holds one unit per feature, every forward pass computes them from the
(standardised) point, and the project file stores their keys. ``None`` means the point itself.

The keys below are the file's and the command line's spelling; ``notation.feature_name`` gives
each one's name as the lecture writes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

Array = np.ndarray

# key -> the feature from the columns x1 = X[:, 0], x2 = X[:, 1], written into ``out``
_COMPUTE: dict[str, Callable[[Array, Array, Array], None]] = {
    "x1": lambda x1, x2, out: np.copyto(out, x1),
    "x2": lambda x1, x2, out: np.copyto(out, x2),
    "x1^2": lambda x1, x2, out: np.multiply(x1, x1, out=out),
    "x2^2": lambda x1, x2, out: np.multiply(x2, x2, out=out),
    "x1*x2": lambda x1, x2, out: np.multiply(x1, x2, out=out),
    "sin(x1)": lambda x1, x2, out: np.sin(x1, out=out),
    "sin(x2)": lambda x1, x2, out: np.sin(x2, out=out),
}
KEYS: tuple[str, ...] = tuple(_COMPUTE)  # in the order the app lists them
IDENTITY: tuple[str, ...] = ("x1", "x2")
N_COORDINATES = 2  # derived features are defined on 2-D points


def check(keys: Iterable[object]) -> tuple[str, ...]:
    """The keys as a tuple in :data:`KEYS` order; ValueError names an unknown or repeated key."""
    if isinstance(keys, str):
        keys = parse(keys)
    out: list[str] = []
    for key in keys:
        if not isinstance(key, str) or key not in _COMPUTE:
            raise ValueError(f"unknown input feature {key!r} (known: {', '.join(KEYS)})")
        if key in out:
            raise ValueError(f"the input feature {key!r} is listed twice")
        out.append(key)
    if not out:
        raise ValueError("at least one input feature is needed")
    return tuple(k for k in KEYS if k in out)


def parse(text: str) -> tuple[str, ...]:
    """``"x1,x2,x1^2"`` (commas, spaces allowed) as checked keys."""
    return check([part.strip() for part in text.split(",") if part.strip()])


def normalise(keys: Iterable[str] | None) -> tuple[str, ...] | None:
    """None for the point itself (no keys, or exactly x1 and x2); the checked keys otherwise."""
    if keys is None:
        return None
    keys = check(keys)
    return None if keys == IDENTITY else keys


def text(keys: Iterable[str] | None) -> str:
    """The command line's spelling, ``x1,x2,x1^2`` (``x1,x2`` for None)."""
    return ",".join(IDENTITY if keys is None else keys)


def expand(X: Array, keys: tuple[str, ...], out: Array | None = None) -> Array:
    """Points ``(n, 2)`` → features ``(n, len(keys))`` in ``X``'s float type (one pass each)."""
    if X.ndim != 2 or X.shape[1] != N_COORDINATES:
        raise ValueError(f"derived features need points of shape (n, 2), got {X.shape}")
    if out is None:
        out = np.empty((X.shape[0], len(keys)), dtype=X.dtype)
    x1, x2 = X[:, 0], X[:, 1]
    # Large standardised values may overflow x² in float32 (a diverging grid): inf is shown.
    with np.errstate(over="ignore"):
        for c, key in enumerate(keys):
            _COMPUTE[key](x1, x2, out[:, c])
    return out
