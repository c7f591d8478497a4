"""``mlpstudio inspect``: the forward and backward pass of one point, in the lecture's notation.

Named ``inspect_cmd`` so that it is never mistaken for the standard library's ``inspect``.
Per layer it shows ``z``, ``a`` and ``δ``, then the gradients ``δ_j a_k`` of this point's error.
For a regression project the target is a value (``--target``, the dataset's, or the network's
own): the network's ``y`` is that value standardised, as it was trained.
"""

from __future__ import annotations

import argparse
import textwrap
from typing import Any, TextIO

import numpy as np

from mlpstudio.core import activations as act_table
from mlpstudio.core import notation as nt
from mlpstudio.core import project

from .common import EXIT_OK, fmt, table, to_json, vec
from .points import add_point_arguments, point_and_target, point_and_values

NAME = "inspect"
_X = nt.plain(nt.a_name(1, None))  # the network's input, a^(1) = x

_TARGET_FROM = {
    "label": "given with --label",
    "target": "given with --target",
    "dataset": "the dataset's label of this point",
    "prediction": "the network's own prediction (give --label to choose another)",
}
_VALUES_FROM = {
    **_TARGET_FROM,
    "dataset": "the dataset's target of this point",
    "prediction": "the network's own prediction, so δ = 0 (give --target to choose another)",
}


def add_arguments(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``inspect`` and its options to the command parsers; return its parser."""
    ins = subparsers.add_parser(
        NAME,
        help="the forward and backward pass for one point, in the lecture's notation",
        description=textwrap.fill(
            "Show z, a and δ of every layer and the gradients "
            f"{nt.plain(nt.weight_gradient_product(None, 'j', 'k'))} for one point. The "
            "target is --label if given, else the dataset's label (--index), else the "
            "network's own prediction.",
            79,
        ),
        epilog=(
            "examples:\n"
            "  mlpstudio inspect xor.json --point 1,0 --label 1\n"
            "  mlpstudio inspect xor.json --index 2 --json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ins.add_argument("project", metavar="PROJECT.json")
    add_point_arguments(ins)
    ins.add_argument("--json", action="store_true", help="print the values as JSON")
    return ins


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the passes of the chosen point on ``out``."""
    p = project.load(args.project)
    if p.regression:
        x, values, source = point_and_values(args, p)
        info = inspection(p, x, None, source, values)
    else:
        x, target, source = point_and_target(args, p)
        info = inspection(p, x, target, source)
    if args.json:
        out.write(to_json(info) + "\n")
    else:
        out.write(_text(info, source, p))
    return EXIT_OK


def inspection(
    p: project.Project,
    x: np.ndarray,
    target: int | None,
    source: str,
    values: np.ndarray | None = None,
) -> dict[str, Any]:
    """Every value of the forward and backward pass of point ``x``, as JSON-ready lists.

    A classifier's target is the class ``target`` (None: predicted); a regression project's
    is ``values`` in the targets' own units (None: the network's prediction).
    """
    net = p.network.astype(np.float64)
    # Huge weights or points overflow to inf or NaN: shown as such (null in JSON), and numpy's
    # warnings, which would only repeat it on stderr, are silenced.
    with np.errstate(all="ignore"):
        a1 = p.network_input(x)
        fw = net.forward(a1)
        if p.regression:
            predicted_values = p.predict_values(x)[0]
            if values is None:
                values = predicted_values
            Y = p.network_targets(values)
        else:
            predicted = int(net.classify(fw.output)[0])
            target_class = predicted if target is None else target
            Y = net.encode(np.array([target_class]), p.n_classes)
        bw = net.backward(fw, Y)
    layers: list[dict[str, Any]] = [{"layer": 1, "a": fw.a[0][0].tolist()}]
    for i, name in enumerate(net.activations):
        layers.append(
            {
                "layer": i + 2,
                "activation": name,
                "z": fw.z[i][0].tolist(),
                "a": fw.a[i + 1][0].tolist(),
                "delta": bw.delta[i][0].tolist(),
                "grad_weights": bw.grad_W[i].tolist(),
                "grad_biases": bw.grad_b[i].tolist(),
            }
        )
    common = {
        "network": net.describe(),
        "point": np.asarray(x, dtype=np.float64).tolist(),
        "standardised": p.standardisation is not None,
        "input": a1[0].tolist(),  # the point as the network reads it (standardised)
        "features": None if net.features is None else list(net.features),
        "target": Y[0].tolist(),
    }
    if p.regression:
        assert values is not None
        return {
            **common,
            "task": p.task,
            "targets_standardised": p.target_standardisation is not None,
            "target_names": p.target_names,
            "target_values": np.asarray(values, dtype=np.float64).tolist(),
            "target_from": source,
            "output": fw.output[0].tolist(),
            "predicted_values": predicted_values.tolist(),
            "cost": bw.cost,
            "layers": layers,
        }
    names = p.class_names
    return {
        **common,
        "target_class": target_class,
        "target_name": names[target_class],
        "target_from": source,
        "output": fw.output[0].tolist(),
        "predicted_class": predicted,
        "predicted_name": names[predicted],
        "cost": bw.cost,
        "layers": layers,
    }


def _output_delta_formula(loss: str, activation: str, L: int) -> str:
    """``δ_j^(L) = …`` of the output layer, with why it looks so when it is not the lecture's."""
    formula = f"{nt.delta_name(L, 'j')} = {nt.output_delta(loss, activation, L, 'j')}"
    note = nt.output_delta_note(loss, activation)
    return nt.plain(f"{formula}   ({note})" if note else formula)


def _error_formula(loss: str, activation: str) -> str:
    return nt.plain(nt.error_rule(loss, activation))


def _value(name: str, value: float) -> str:
    """``z_1^(2) = 0.5``: a value under its name from the notation (markup)."""
    return f"{nt.plain(name)} = {fmt(value)}"


def _text(info: dict[str, Any], source: str, p: project.Project) -> str:
    net = p.network
    L = net.n_layers
    layers = info["layers"]
    # The notation calls the network's input x (a^(1) = x): with a standardisation that is the
    # scaled point, so the point as given is then shown under no name of its own.
    lines = [f"Forward and backward pass of {info['network']} for one point"]
    if info["standardised"]:
        lines += [
            f"point    {vec(info['point'])}",
            f"input    {_X} = (point − mean) / std = {vec(info['input'])}",
        ]
    else:
        lines.append(f"point    {_X} = {vec(info['point'])}")
    y = nt.plain(nt.y_name(None))
    if p.regression:
        named = ", ".join(
            f"{n} = {fmt(v)}"
            for n, v in zip(info["target_names"], info["target_values"], strict=True)
        )
        lines.append(f"target   {named}: {_VALUES_FROM[source]}")
        scaled = " = (target − mean) / std" if info["targets_standardised"] else ""
        lines.append(f"         {y}{scaled} = {vec(info['target'])}")
    else:
        lines += [
            f"target   class {info['target_name']!r}: {_TARGET_FROM[source]}",
            f"         {y} = {vec(info['target'])}",
        ]
    lines += [
        "",
        f"Forward pass: {nt.plain(nt.z_rule())},  {nt.plain(nt.a_rule())}",
        "Layer 1 (input)",
    ]
    lines += [
        f"  {_value(nt.input_name(net.features, k), v)}" for k, v in enumerate(layers[0]["a"])
    ]
    for layer in layers[1:]:
        l = layer["layer"]
        kind = ", output" if l == L else ""
        lines.append(f"Layer {l} ({layer['activation']}{kind})")
        rows = [
            [_value(nt.z_name(l, j), z), _value(nt.a_name(l, j), a)]
            for j, (z, a) in enumerate(zip(layer["z"], layer["a"], strict=True))
        ]
        lines += table(rows, numbers=False)
    output = nt.plain(nt.a_name(L, None))
    if p.regression:
        predicted = ", ".join(
            f"{n} = {fmt(v)}"
            for n, v in zip(info["target_names"], info["predicted_values"], strict=True)
        )
        said = f"predicted {predicted}"
    else:
        said = f"predicted class {info['predicted_name']!r}"
    lines += [
        f"Output   {output} = {vec(info['output'])}: {said}",
        f"Error    {_error_formula(net.loss, net.output_activation)} = {fmt(info['cost'])}",
        "",
        f"Backward pass: {nt.plain(nt.delta_definition())}",
    ]
    for layer in reversed(layers[1:]):
        l = layer["layer"]
        if l == L:
            formula = _output_delta_formula(net.loss, layer["activation"], L)
        else:
            formula = nt.plain(f"{nt.delta_name(l, 'j')} = {nt.hidden_delta(l, 'j')}")
        lines.append(f"Layer {l}: {formula}")
        lines += [f"  {_value(nt.delta_name(l, j), v)}" for j, v in enumerate(layer["delta"])]
        if not act_table.ACTIVATIONS[layer["activation"]].trainable:
            step = nt.plain(nt.derivative_rule("step"))
            lines.append(f"  (step units: {step}, so δ = 0 and back-propagation cannot train them)")
    gradients = f"{nt.plain(nt.weight_gradient())},  {nt.plain(nt.bias_gradient())}"
    lines += ["", f"Gradients: {gradients}"]
    for layer in layers[1:]:
        l = layer["layer"]
        lines.append(f"Layer {l} (row j: unit of layer {l}; column k: unit of layer {l - 1})")
        n_in = len(layer["grad_weights"][0])
        rows = [["", *(f"k={k + 1}" for k in range(n_in)), "bias"]]
        for j, (gw, gb) in enumerate(zip(layer["grad_weights"], layer["grad_biases"], strict=True)):
            rows.append([f"j={j + 1}", *(fmt(v, 4) for v in gw), fmt(gb, 4)])
        lines += table(rows)
    return "\n".join(lines) + "\n"
