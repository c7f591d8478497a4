"""The network as an ONNX model: standardisation, input features, every layer, outputs and class.

The graph (opset :data:`OPSET`, every tensor in the network's float type, ``float64`` or
``float32``):

- input ``points`` ``[N, d]``: the points as the user gives them (``d`` coordinates);
- the project's standardisation ``x = (points − mean) / std``, if it has one (computed in
  float64 like the engine does, then cast to a ``float32`` network's type);
- the derived input features, if the network has them (``x1``, ``x2``, ``x1^2``, ``x2^2``,
  ``x1*x2``, ``sin(x1)``, ``sin(x2)`` of the standardised point, in the network's order): ``a1``;
- per layer ``l = 2 … L``: ``z_l = Gemm(a_{l−1}, W_l, b_l, transB=1)`` (``W_l`` has the engine's
  shape ``(n_l, n_{l−1})``) and ``a_l = g(z_l)``, with ``g`` written in the engine's exact form
  (step: ``z ≥ 0``; sigmoid: ``½ tanh(z/2) + ½``; softmax: ``exp(z − max z) / Σ exp(…)``);
- output ``outputs`` ``[N, n_L]``: ``a^(L)``, one column per output unit (``a1 … aK`` of
  ``mlpstudio predict``);
- output ``class`` ``[N]`` (int64): the predicted class index, the largest output unit, or, for
  one output unit, ``1`` when ``a_1 ≥`` the threshold (0.5; 0 for a tanh output) else ``0``.

The model's metadata holds the class names (``class_names``, JSON), the feature names, the
architecture and the project's name. The ``onnx`` package is optional: it is imported when an
export is asked for, and :class:`ExportError` says how to install it when it is missing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import numpy as np

from ... import __version__
from ..project import Project
from .common import ExportError, check_exportable, layers, write_file

OPSET = 17  # the ai.onnx opset the graph uses (onnx ≥ 1.12, onnxruntime ≥ 1.12)
IR_VERSION = 8  # the IR version that came with opset 17: older runtimes read the file too
INPUT = "points"
OUTPUT = "outputs"
CLASS = "class"
MISSING_ONNX = 'ONNX export needs the onnx package: pip install "mlpstudio[onnx]"'

_FEATURE_TENSORS = {  # feature key → tensor name (ONNX names are plain identifiers here)
    "x1": "x1",
    "x2": "x2",
    "x1^2": "x1_squared",
    "x2^2": "x2_squared",
    "x1*x2": "x1_times_x2",
    "sin(x1)": "sin_x1",
    "sin(x2)": "sin_x2",
}


def _import_onnx() -> Any:
    try:
        import onnx
        import onnx.checker
        import onnx.helper
        import onnx.numpy_helper
    except ImportError:
        raise ExportError(MISSING_ONNX) from None
    return onnx


class _Graph:
    """Nodes and constants of the graph being built, in one float type."""

    def __init__(self, onnx: Any, dtype: np.dtype) -> None:
        self.onnx = onnx
        self.dtype = dtype
        self.elem_type = onnx.helper.np_dtype_to_tensor_dtype(dtype)
        self.nodes: list[Any] = []
        self.constants: list[Any] = []

    def constant(self, name: str, value: Any, dtype: Any = None) -> str:
        array = np.asarray(value, dtype=self.dtype if dtype is None else dtype)
        self.constants.append(self.onnx.numpy_helper.from_array(array, name))
        return name

    def op(self, op_type: str, inputs: list[str], output: str, **attributes: Any) -> str:
        self.nodes.append(
            self.onnx.helper.make_node(op_type, inputs, [output], name=output, **attributes)
        )
        return output


# ---- activations: a = g(z), exactly as core/activations.py computes it -----------------------


def _linear(g: _Graph, z: str, a: str) -> str:
    return g.op("Identity", [z], a)


def _step(g: _Graph, z: str, a: str) -> str:
    # 1 when z >= 0, else 0: the lecture's threshold unit (1 at z = 0).
    fired = g.op("GreaterOrEqual", [z, g.constant(f"{a}_zero", 0.0)], f"{a}_fired")
    return g.op("Cast", [fired], a, to=g.elem_type)


def _sigmoid(g: _Graph, z: str, a: str) -> str:
    # 1 / (1 + e^-z) as the engine writes it, ½ tanh(z/2) + ½, which never overflows.
    half = g.constant(f"{a}_half", 0.5)
    t = g.op("Tanh", [g.op("Mul", [z, half], f"{a}_half_z")], f"{a}_tanh")
    return g.op("Add", [g.op("Mul", [t, half], f"{a}_half_tanh"), half], a)


def _tanh(g: _Graph, z: str, a: str) -> str:
    return g.op("Tanh", [z], a)


def _relu(g: _Graph, z: str, a: str) -> str:
    return g.op("Relu", [z], a)


def _softmax(g: _Graph, z: str, a: str) -> str:
    # exp(z_j − max_c z_c) / Σ_c exp(z_c − max_c z_c): the engine's shift, so exp never overflows.
    peak = g.op("ReduceMax", [z], f"{a}_max", axes=[1], keepdims=1)
    e = g.op("Exp", [g.op("Sub", [z, peak], f"{a}_shifted")], f"{a}_exp")
    axis = g.constant(f"{a}_axis", [1], np.int64)
    return g.op("Div", [e, g.op("ReduceSum", [e, axis], f"{a}_sum", keepdims=1)], a)


ACTIVATIONS: dict[str, Callable[[_Graph, str, str], str]] = {
    "linear": _linear,
    "step": _step,
    "sigmoid": _sigmoid,
    "tanh": _tanh,
    "relu": _relu,
    "softmax": _softmax,
}


# ---- the graph ---------------------------------------------------------------------------------


def _check_activations(project: Project) -> None:
    for layer in layers(project):
        if layer.activation not in ACTIVATIONS:
            raise ExportError(
                f"layer {layer.l}: the activation {layer.activation!r} cannot be expressed in "
                f"the ONNX export (it has {', '.join(ACTIVATIONS)})"
            )


def _standardised(g: _Graph, project: Project, points: str) -> str:
    scaling = project.scaling
    if scaling is None:
        return points
    wide = np.dtype(np.float64)
    if g.dtype != wide:
        points = g.op("Cast", [points], "points_float64", to=g.onnx.TensorProto.DOUBLE)
    centred = g.op("Sub", [points, g.constant("mean", scaling.mean, wide)], "x_centred")
    x = g.op("Div", [centred, g.constant("std", scaling.std, wide)], "x_float64")
    if g.dtype != wide:
        return g.op("Cast", [x], "x", to=g.elem_type)
    return g.op("Identity", [x], "x")


def _input_layer(g: _Graph, project: Project, x: str) -> str:
    features = project.network.features
    if features is None:
        return x
    x1, x2 = "x1", "x2"
    g.nodes.append(g.onnx.helper.make_node("Split", [x], [x1, x2], name="x1_x2", axis=1))
    made = {
        "x1": lambda: x1,
        "x2": lambda: x2,
        "x1^2": lambda: g.op("Mul", [x1, x1], _FEATURE_TENSORS["x1^2"]),
        "x2^2": lambda: g.op("Mul", [x2, x2], _FEATURE_TENSORS["x2^2"]),
        "x1*x2": lambda: g.op("Mul", [x1, x2], _FEATURE_TENSORS["x1*x2"]),
        "sin(x1)": lambda: g.op("Sin", [x1], _FEATURE_TENSORS["sin(x1)"]),
        "sin(x2)": lambda: g.op("Sin", [x2], _FEATURE_TENSORS["sin(x2)"]),
    }
    return g.op("Concat", [made[key]() for key in features], "a1", axis=1)


def _predicted_class(g: _Graph, project: Project, a_L: str) -> str:
    net = project.network
    if net.n_outputs > 1:  # the largest output unit (the first of equal ones, as numpy's argmax)
        return g.op("ArgMax", [a_L], CLASS, axis=1, keepdims=0, select_last_index=0)
    column = g.op("Squeeze", [a_L, g.constant("unit_axis", [1], np.int64)], "output_unit")
    above = g.op("GreaterOrEqual", [column, g.constant("threshold", net.threshold())], "above")
    return g.op("Cast", [above], CLASS, to=g.onnx.TensorProto.INT64)


def _doc(project: Project) -> str:
    net = project.network
    title = f"{project.name!r}: " if project.name else ""
    scaled = "standardised, " if project.standardisation is not None else ""
    return (
        f"{title}the {net.describe()} network of an MLP Studio project ({net.dtype.name}, "
        f"inputs {scaled}one matrix product per layer). Input '{INPUT}' [N, {net.n_inputs}]: "
        f"the points as given. Outputs '{OUTPUT}' [N, {net.n_outputs}]: a^(L), one column per "
        f"output unit; '{CLASS}' [N] int64: the predicted class index (metadata class_names)."
    )


def to_model(project: Project) -> Any:
    """The project's network as an ``onnx.ModelProto`` (checked by ``onnx.checker``).

    Raises :class:`ExportError` when the ``onnx`` package is missing, an activation has no ONNX
    form, or the network holds a value that is not finite.
    """
    onnx = _import_onnx()
    check_exportable(project)
    _check_activations(project)
    net = project.network
    g = _Graph(onnx, net.dtype)
    helper = onnx.helper

    a = _input_layer(g, project, _standardised(g, project, INPUT))
    for layer in layers(project):
        l = layer.l
        z = g.op(
            "Gemm",
            [a, g.constant(f"W{l}", layer.W), g.constant(f"b{l}", layer.b)],
            f"z{l}",
            transB=1,
        )
        a = ACTIVATIONS[layer.activation](g, z, f"a{l}")
    g.op("Identity", [a], OUTPUT)
    _predicted_class(g, project, a)

    graph = helper.make_graph(
        g.nodes,
        "mlpstudio",
        [
            helper.make_tensor_value_info(
                INPUT, g.elem_type, ["N", net.n_inputs], "the points, one row each, as given"
            )
        ],
        [
            helper.make_tensor_value_info(
                OUTPUT, g.elem_type, ["N", net.n_outputs], "a^(L): one column per output unit"
            ),
            helper.make_tensor_value_info(
                CLASS, onnx.TensorProto.INT64, ["N"], "the predicted class index"
            ),
        ],
        initializer=g.constants,
        doc_string=_doc(project),
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        ir_version=IR_VERSION,
        producer_name="MLP Studio",
        producer_version=__version__,
        doc_string=_doc(project),
    )
    helper.set_model_props(
        model,
        {
            "name": project.name,
            "sizes": json.dumps(net.sizes),
            "activations": json.dumps(net.activations),
            "features": json.dumps(list(net.features) if net.features else None),
            "feature_names": json.dumps(project.feature_names),
            "class_names": json.dumps(project.class_names),
            "standardised": json.dumps(project.standardisation is not None),
        },
    )
    onnx.checker.check_model(model, full_check=True)
    return model


def to_onnx(project: Project) -> bytes:
    """The ONNX model's file contents (see :func:`to_model`)."""
    return to_model(project).SerializeToString()


def write_onnx(project: Project, path: str | os.PathLike, *, overwrite: bool = False) -> None:
    """Write the ONNX model to ``path`` atomically; an existing file is replaced only if
    ``overwrite``. Raises :class:`ExportError` (and ``OSError`` when the disk refuses)."""
    write_file(path, to_onnx(project), overwrite)
