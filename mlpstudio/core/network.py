"""The multilayer perceptron: sizes, weights ``W``, biases ``b``, forward and backward passes.

Layers are numbered as in the lecture, 1 (input) to L (output). ``weights[i]`` is the matrix of
layer ``l = i + 2`` with shape ``(n_l, n_{l-1})``, so ``weights[i][j, k]`` is ``w_jk^(l)``, the
weight from unit k of layer l-1 to unit j of layer l. All weights, then all biases, live in one
flat buffer (``params``), and ``weights``/``biases`` are views into it: optimisers update every
parameter with one call, and writing into a view edits the live network.

A batch is computed with one matrix product per layer; ``forward``/``backward`` allocate their
results (for the UI and the inspector) while the trainer reuses a :class:`Workspace`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import activations as act_table
from . import features as features_mod
from . import losses, notation

Array = np.ndarray

INITS = ("uniform", "xavier", "he")
MAX_LAYERS = 64
MAX_UNITS = 4096
# predict_proba works in blocks of rows whose buffers hold about this many numbers each: a
# block's z and a stay in cache, and no full-size buffers are allocated (first touching them
# page-faults, which costs more than the arithmetic of a 200×200 grid).
BLOCK_ELEMENTS = 32768


@dataclass
class Forward:
    """Everything the forward pass computed: ``z[i]`` of layer i+2, ``a[i]`` of layer i+1."""

    z: list[Array]
    a: list[Array]

    @property
    def output(self) -> Array:
        return self.a[-1]


@dataclass
class Backward:
    """``delta[i]`` per point (``∂E_x/∂z`` of layer i+2); gradients are means over the batch."""

    delta: list[Array]
    grad_W: list[Array]
    grad_b: list[Array]
    cost: float


@dataclass
class Workspace:
    """Preallocated arrays for one batch size, so a training step allocates nothing."""

    z: list[Array]
    a: list[Array]
    delta: list[Array]
    tmp: list[Array]
    grads: Array
    grad_W: list[Array] = field(default_factory=list)
    grad_b: list[Array] = field(default_factory=list)
    ones: Array | None = None  # m ones: column sums of δ as one matrix product


def _check_sizes(sizes: object) -> list[int]:
    if not isinstance(sizes, (list, tuple)) or len(sizes) < 2:
        raise ValueError("sizes must list at least 2 layers (input and output), e.g. [2, 4, 1]")
    if len(sizes) > MAX_LAYERS:
        raise ValueError(f"at most {MAX_LAYERS} layers, got {len(sizes)}")
    out = []
    for i, n in enumerate(sizes):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise ValueError(f"sizes[{i}] must be an integer, got {n!r}")
        if not 1 <= n <= MAX_UNITS:
            raise ValueError(f"sizes[{i}] must be between 1 and {MAX_UNITS}, got {n}")
        out.append(int(n))
    return out


class Network:
    """A fully connected network with one activation per non-input layer.

    >>> net = Network([2, 4, 1], activations=["sigmoid", "sigmoid"], seed=0)
    >>> fw = net.forward(X); bw = net.backward(fw, Y)
    """

    def __init__(
        self,
        sizes: list[int],
        activations: list[str] | str | None = None,
        loss: str = "squared_error",
        seed: int = 0,
        init: str = "xavier",
        dtype: type | str = np.float64,
        features: tuple[str, ...] | list[str] | None = None,
    ) -> None:
        self.sizes = _check_sizes(sizes)
        # Derived inputs (core/features.py): the input layer holds one unit per feature of the
        # 2-D point; None means the point's coordinates themselves.
        self.features = features_mod.normalise(features)
        if self.features is not None and len(self.features) != self.sizes[0]:
            raise ValueError(
                f"{len(self.features)} input features need {len(self.features)} input units, "
                f"got sizes[0] = {self.sizes[0]}"
            )
        n_layers = len(self.sizes) - 1
        if activations is None:
            activations = ["sigmoid"] * n_layers
        elif isinstance(activations, str):
            activations = [activations] * n_layers
        activations = list(activations)
        if len(activations) != n_layers:
            raise ValueError(
                f"expected {n_layers} activations (one per non-input layer), got {len(activations)}"
            )
        for i, name in enumerate(activations):
            act = act_table.get(name)
            if act.output_only and i != n_layers - 1:
                raise ValueError(f"{name} is allowed on the output layer only (layer {i + 2})")
        losses.check_pairing(loss, activations[-1], self.sizes[-1])
        if init not in INITS:
            raise ValueError(f"unknown initialisation {init!r} (known: {', '.join(INITS)})")
        if isinstance(dtype, str) and dtype not in ("float32", "float64"):
            raise ValueError(f"dtype must be float32 or float64, not {dtype!r}")
        try:
            self.dtype = np.dtype(dtype)
        except TypeError:
            raise ValueError(f"dtype must be float32 or float64, not {dtype!r}") from None
        if self.dtype not in (np.float32, np.float64):
            raise ValueError("dtype must be float32 or float64")
        self.activations = activations
        self.loss = loss
        self.init = init
        self.seed = int(seed)

        shapes = [(self.sizes[i + 1], self.sizes[i]) for i in range(n_layers)]
        self.n_weights = sum(r * c for r, c in shapes)
        self.n_params = self.n_weights + sum(self.sizes[1:])
        self.params = np.zeros(self.n_params, dtype=self.dtype)
        self.weights = self._views(self.params)[0]
        self.biases = self._views(self.params)[1]
        self.initialise(self.seed)

    # ---- structure -----------------------------------------------------------------------

    @property
    def n_layers(self) -> int:
        """L, the number of layers counting the input layer."""
        return len(self.sizes)

    @property
    def n_inputs(self) -> int:
        """Coordinates of a point the network reads (2 with derived features, else ``n_1``)."""
        return features_mod.N_COORDINATES if self.features is not None else self.sizes[0]

    @property
    def n_outputs(self) -> int:
        return self.sizes[-1]

    @property
    def output_activation(self) -> str:
        return self.activations[-1]

    def _views(self, flat: Array) -> tuple[list[Array], list[Array]]:
        """Split a flat parameter-shaped buffer into weight matrices and bias vectors (views)."""
        W, b, pos = [], [], 0
        for i in range(len(self.sizes) - 1):
            r, c = self.sizes[i + 1], self.sizes[i]
            W.append(flat[pos : pos + r * c].reshape(r, c))
            pos += r * c
        for n in self.sizes[1:]:
            b.append(flat[pos : pos + n])
            pos += n
        return W, b

    def param_index(self, kind: str, layer: int, j: int, k: int = 0) -> int:
        """Index in ``params`` of ``w_jk`` (kind "w") or ``b_j`` (kind "b") of list index layer."""
        pos = 0
        if kind == "w":
            for i in range(layer):
                pos += self.sizes[i + 1] * self.sizes[i]
            return pos + j * self.sizes[layer] + k
        pos = self.n_weights + sum(self.sizes[1 : layer + 1])
        return pos + j

    def param_name(self, index: int) -> str:
        """Lecture name of a parameter, e.g. ``w_12^(3)`` or ``b_1^(2)`` (1-based j, k)."""
        pos = 0
        for i in range(len(self.sizes) - 1):
            r, c = self.sizes[i + 1], self.sizes[i]
            if index < pos + r * c:
                j, k = divmod(index - pos, c)
                return f"w_{j + 1},{k + 1}^({i + 2})"
            pos += r * c
        for i, n in enumerate(self.sizes[1:]):
            if index < pos + n:
                return f"b_{index - pos + 1}^({i + 2})"
            pos += n
        raise IndexError(index)

    def describe(self) -> str:
        """Short text such as ``2-4-1 sigmoid/sigmoid, squared_error``."""
        shape = "-".join(map(str, self.sizes))
        text = f"{shape} {'/'.join(self.activations)}, {self.loss}"
        if self.features is not None:
            text += f", inputs {features_mod.text(self.features)}"
        return text

    # ---- initialisation ------------------------------------------------------------------

    def initialise(self, seed: int | None = None) -> None:
        """Draw new weights from ``seed`` (bit-identical for the same seed) and keep them."""
        if seed is not None:
            self.seed = int(seed)
        rng = np.random.default_rng(self.seed)
        for W, b in zip(self.weights, self.biases, strict=True):
            fan_out, fan_in = W.shape
            if self.init == "uniform":
                W[...] = rng.uniform(-0.5, 0.5, W.shape)
                b[...] = rng.uniform(-0.5, 0.5, b.shape)
            elif self.init == "xavier":
                limit = np.sqrt(6.0 / (fan_in + fan_out))
                W[...] = rng.uniform(-limit, limit, W.shape)
                b[...] = 0.0
            else:  # he
                W[...] = rng.normal(0.0, np.sqrt(2.0 / fan_in), W.shape)
                b[...] = 0.0
        self.initial_params = self.params.copy()

    def reset(self) -> None:
        """Return to the initial weights of the current seed (not a new draw)."""
        np.copyto(self.params, self.initial_params)

    def set_params(self, flat: Array) -> None:
        """Overwrite every parameter from a flat array of length ``n_params``."""
        flat = np.asarray(flat)
        if flat.shape != (self.n_params,):
            raise ValueError(f"expected {self.n_params} parameters, got shape {flat.shape}")
        np.copyto(self.params, flat, casting="same_kind")

    def __getstate__(self) -> dict:
        # ``weights`` and ``biases`` are views into ``params``; pickled they would become
        # copies that training no longer reaches (the app sends its trainer to a process).
        state = self.__dict__.copy()
        del state["weights"], state["biases"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.weights, self.biases = self._views(self.params)

    def copy(self) -> Network:
        """An independent network with the same structure, parameters and initial weights."""
        other = Network.__new__(Network)
        other.__dict__.update(self.__dict__)
        other.sizes = list(self.sizes)
        other.activations = list(self.activations)
        other.params = self.params.copy()
        other.initial_params = self.initial_params.copy()
        other.weights, other.biases = other._views(other.params)
        return other

    def astype(self, dtype: type | str) -> Network:
        """A copy computing in another float type (float32 for the boundary grid)."""
        other = self.copy()
        other.dtype = np.dtype(dtype)
        with np.errstate(over="ignore"):  # huge float64 weights become inf in float32
            other.params = self.params.astype(other.dtype)
        other.initial_params = self.initial_params.astype(other.dtype)
        other.weights, other.biases = other._views(other.params)
        return other

    # ---- targets and predictions ---------------------------------------------------------

    def encode(self, y: Array, n_classes: int | None = None) -> Array:
        """Class indices → targets: one-hot rows over K outputs, or one 0/1 column (±1 for tanh)."""
        y = np.asarray(y)
        K = self.n_outputs
        if n_classes is None:
            n_classes = max(K, 2)
        if len(y) and (y.min() < 0 or y.max() >= n_classes):
            raise ValueError(f"labels must lie in 0..{n_classes - 1}")
        if K == 1:
            if n_classes != 2:
                raise ValueError(f"one output unit can separate 2 classes, not {n_classes}")
            lo = -1.0 if self.output_activation == "tanh" else 0.0
            return np.where(y == 1, 1.0, lo).astype(self.dtype).reshape(-1, 1)
        if n_classes != K:
            raise ValueError(f"{K} output units need {K} classes, the data has {n_classes}")
        Y = np.zeros((len(y), K), dtype=self.dtype)
        Y[np.arange(len(y)), y] = 1.0
        return Y

    def threshold(self) -> float:
        """For one output unit, the output above which the class is 1."""
        # tanh targets are −1/+1, so its midpoint is 0; every other output aims at 0/1.
        return 0.0 if self.output_activation == "tanh" else 0.5

    def classify(self, out: Array) -> Array:
        """Predicted class per row of outputs: the largest unit, or the threshold for one unit."""
        if out.shape[1] == 1:
            return (out[:, 0] >= self.threshold()).astype(np.int64)
        return out.argmax(axis=1)

    def predict_proba(self, X: Array) -> Array:
        """The output layer's activations ``a^(L)`` for every row of ``X``."""
        X = self.as_points(X)
        m = len(X)
        rows = max(256, BLOCK_ELEMENTS // max(self.sizes[1:]))
        if m <= rows:
            return self.forward(X).output
        out = np.empty((m, self.n_outputs), self.dtype)
        ws = self.workspace(rows)
        for start in range(0, m, rows):
            stop = min(start + rows, m)
            if stop - start < rows:
                ws = self.workspace(stop - start)
            out[start:stop] = self.forward_into(self.input_layer(X[start:stop]), ws)
        return out

    def predict(self, X: Array) -> Array:
        """Predicted class index for every row of ``X``."""
        return self.classify(self.predict_proba(X))

    def cost(self, X: Array, Y: Array) -> float:
        """Mean ``E_x`` over the rows (without the L2 term)."""
        if len(X) == 0:
            return float("nan")
        ws = self.workspace(len(X))
        out = self.forward_into(self._as_input(X), ws)
        return losses.cost(self.loss, self.output_activation, out, Y, ws.z[-1])

    # ---- forward and backward ------------------------------------------------------------

    def workspace(self, m: int) -> Workspace:
        """Buffers for batches of ``m`` points."""
        outs = self.sizes[1:]
        grads = np.zeros(self.n_params, dtype=self.dtype)
        gW, gb = self._views(grads)
        return Workspace(
            z=[np.empty((m, n), self.dtype) for n in outs],
            a=[np.empty((m, n), self.dtype) for n in outs],
            delta=[np.empty((m, n), self.dtype) for n in outs],
            tmp=[np.empty((m, n), self.dtype) for n in outs],
            grads=grads,
            grad_W=gW,
            grad_b=gb,
            ones=np.ones(m, self.dtype),
        )

    def forward_into(self, X: Array, ws: Workspace) -> Array:
        """``z = W a_prev + b``, ``a = g(z)`` layer by layer into ``ws``; returns ``a^(L)``."""
        a_prev = X
        for W, b, name, z, a in zip(
            self.weights, self.biases, self.activations, ws.z, ws.a, strict=True
        ):
            np.matmul(a_prev, W.T, out=z)
            z += b
            act_table.ACTIVATIONS[name].g(z, a)
            a_prev = a
        return a_prev

    def backward_into(self, X: Array, Y: Array, ws: Workspace) -> None:
        """Back-propagate after :meth:`forward_into`: per-point δ and mean gradients in ``ws``.

        ``δ^(L) = ∂E_x/∂z^(L)`` from the loss; ``δ^(l) = (Σ_k δ_k^(l+1) w_kj^(l+1)) g'(z_j^(l))``;
        ``∂E/∂w_jk^(l) = mean_x δ_j^(l) a_k^(l-1)`` and ``∂E/∂b_j^(l) = mean_x δ_j^(l)``.
        """
        last = len(self.weights) - 1
        ones = ws.ones
        if ones is None or len(ones) != len(X):
            ones = np.ones(len(X), self.dtype)
        losses.output_delta(
            self.loss, self.activations[-1], ws.z[-1], ws.a[-1], Y, ws.delta[-1], ws.tmp[-1]
        )
        for i in range(last, -1, -1):
            a_prev = X if i == 0 else ws.a[i - 1]
            np.matmul(ws.delta[i].T, a_prev, out=ws.grad_W[i])
            # Σ_x δ_j as ones·δ: one BLAS call (~3 µs for 1000×16), where np.sum(axis=0) runs a
            # short inner loop per row of a narrow C-ordered array (~20 µs).
            np.matmul(ones, ws.delta[i], out=ws.grad_b[i])
            if i > 0:
                np.matmul(ws.delta[i], self.weights[i], out=ws.delta[i - 1])
                g_prime = act_table.ACTIVATIONS[self.activations[i - 1]].g_prime
                g_prime(ws.z[i - 1], ws.a[i - 1], ws.tmp[i - 1])
                ws.delta[i - 1] *= ws.tmp[i - 1]
        # Per-point gradients were summed above; one call turns all of them into means.
        ws.grads *= 1.0 / len(X)

    def as_points(self, X: Array) -> Array:
        """Points as a 2-D array in this network's float type, checked against ``n_inputs``."""
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim == 1:
            X = X.reshape(1, -1)
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(f"expected points with {self.n_inputs} features, got shape {X.shape}")
        return X

    def input_layer(self, points: Array) -> Array:
        """``a^(1)`` for checked points: the points, or their derived features."""
        if self.features is None:
            return points
        return features_mod.expand(points, self.features)

    def _as_input(self, X: Array) -> Array:
        return self.input_layer(self.as_points(X))

    def forward(self, X: Array) -> Forward:
        """The forward pass over a batch, keeping every ``z`` and ``a`` (``a[0]`` is ``a^(1)``:
        ``X``, or its derived features)."""
        X = self._as_input(X)
        ws = self.workspace(len(X))
        self.forward_into(X, ws)
        return Forward(z=ws.z, a=[X, *ws.a])

    def backward(self, fw: Forward, Y: Array) -> Backward:
        """The backward pass for the targets ``Y`` after ``forward``: every δ and mean gradient."""
        X = fw.a[0]
        Y = np.asarray(Y, dtype=self.dtype)
        if Y.ndim == 1:
            Y = Y.reshape(-1, 1) if self.n_outputs == 1 else Y.reshape(1, -1)
        if Y.shape != fw.output.shape:
            raise ValueError(f"targets must have shape {fw.output.shape}, got {Y.shape}")
        ws = self.workspace(len(X))
        ws.z = [z.copy() for z in fw.z]
        ws.a = [a.copy() for a in fw.a[1:]]
        self.backward_into(X, Y, ws)
        return Backward(
            delta=ws.delta,
            grad_W=ws.grad_W,
            grad_b=ws.grad_b,
            cost=losses.cost(self.loss, self.output_activation, ws.a[-1], Y, ws.z[-1]),
        )

    def gradient(self, X: Array, Y: Array) -> Array:
        """Flat gradient of the mean cost with respect to ``params`` (a new array)."""
        X = self._as_input(X)
        ws = self.workspace(len(X))
        self.forward_into(X, ws)
        self.backward_into(X, np.asarray(Y, dtype=self.dtype), ws)
        return ws.grads

    # ---- honesty about what backprop can train --------------------------------------------

    def untrainable_layers(self) -> list[int]:
        """Lecture numbers of layers whose units have ``g' = 0`` (step units)."""
        return [
            i + 2
            for i, name in enumerate(self.activations)
            if not act_table.ACTIVATIONS[name].trainable
        ]

    def warnings(self) -> list[str]:
        """Plain-language warnings the UI shows beside the network (empty when all is well)."""
        out = []
        layers = self.untrainable_layers()
        if layers:
            names = ", ".join(map(str, layers))
            step = notation.plain(notation.derivative_rule("step"))
            msg = (
                f"layer {names} uses step units: {step}, so back-propagation gives them "
                "zero gradient and cannot train them"
            )
            if self.perceptron_ok():
                msg += " (use the perceptron rule for a single step layer)"
            out.append(msg)
        return out

    def perceptron_ok(self) -> bool:
        """The classic perceptron rule applies: no hidden layer and a step output."""
        return len(self.sizes) == 2 and self.output_activation == "step"
