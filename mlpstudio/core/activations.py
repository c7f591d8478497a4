"""Activation functions g and their derivatives g', as a table keyed by name.

Every function writes into a preallocated ``out`` array so the training loop allocates nothing.
The derivative receives both ``z`` and ``a = g(z)`` because for sigmoid and tanh it is cheapest
to compute from ``a`` (``a (1 - a)``, ``1 - a²``), as the lecture writes it.
``softmax`` couples the units of a layer, so it has no elementwise derivative: it is allowed only
on the output layer, where the losses handle it (see ``losses.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import notation

Array = np.ndarray


def _linear(z: Array, out: Array) -> Array:
    np.copyto(out, z)
    return out


def _linear_prime(z: Array, a: Array, out: Array) -> Array:
    out.fill(1.0)
    return out


def _step(z: Array, out: Array) -> Array:
    # The lecture's threshold unit: 1 when z >= 0, else 0.
    np.greater_equal(z, 0.0, out=out, casting="unsafe")
    return out


def _step_prime(z: Array, a: Array, out: Array) -> Array:
    # Zero almost everywhere (undefined at 0): backpropagation cannot train a step unit.
    out.fill(0.0)
    return out


def _sigmoid(z: Array, out: Array) -> Array:
    # 1 / (1 + e^-z) written through tanh, which never overflows for large |z|.
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def _sigmoid_prime(z: Array, a: Array, out: Array) -> Array:
    np.subtract(1.0, a, out=out)
    out *= a
    return out


def _tanh(z: Array, out: Array) -> Array:
    return np.tanh(z, out=out)


def _tanh_prime(z: Array, a: Array, out: Array) -> Array:
    np.square(a, out=out)
    np.subtract(1.0, out, out=out)
    return out


def _relu(z: Array, out: Array) -> Array:
    return np.maximum(z, 0.0, out=out)


def _relu_prime(z: Array, a: Array, out: Array) -> Array:
    np.greater(z, 0.0, out=out, casting="unsafe")
    return out


def _softmax(z: Array, out: Array) -> Array:
    # Shift by the row maximum so exp never overflows.
    np.subtract(z, z.max(axis=-1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=-1, keepdims=True)
    return out


@dataclass(frozen=True)
class Activation:
    """One activation: its name, ``g(z, out)``, ``g'(z, a, out)`` and what the UI says of it.

    ``formula`` and ``derivative`` are plain text from :mod:`~mlpstudio.core.notation`.
    """

    name: str
    g: Callable[[Array, Array], Array]
    g_prime: Callable[[Array, Array, Array], Array] | None
    output_only: bool = False
    trainable: bool = True

    @property
    def formula(self) -> str:
        return notation.plain(notation.activation_rule(self.name))

    @property
    def derivative(self) -> str:
        return notation.plain(notation.derivative_rule(self.name))


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("linear", _linear, _linear_prime),
        Activation("step", _step, _step_prime, trainable=False),
        Activation("sigmoid", _sigmoid, _sigmoid_prime),
        Activation("tanh", _tanh, _tanh_prime),
        Activation("relu", _relu, _relu_prime),
        Activation("softmax", _softmax, None, output_only=True),
    )
}

HIDDEN_ACTIVATIONS = tuple(n for n, a in ACTIVATIONS.items() if not a.output_only)
OUTPUT_ACTIVATIONS = tuple(ACTIVATIONS)


def get(name: str) -> Activation:
    """Return the activation called ``name`` or raise ``ValueError`` listing the known ones."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        known = ", ".join(ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r} (known: {known})") from None


def apply(name: str, z: Array) -> Array:
    """``g(z)`` into a new array: a convenience for code off the hot path."""
    return get(name).g(z, np.empty_like(z))


def derivative(name: str, z: Array) -> Array:
    """``g'(z)`` into a new array (softmax: the diagonal ``a (1 − a)`` of its Jacobian)."""
    act = get(name)
    a = act.g(z, np.empty_like(z))
    if act.g_prime is None:
        return a * (1.0 - a)
    return act.g_prime(z, a, np.empty_like(z))
