"""The network ``mlpstudio train`` builds from its flags, as a :class:`NetworkSpec`.

The flags say what a person chooses (hidden layers, activations, output unit, loss, init,
dtype); the data decides the two ends. That last rule belongs to
:class:`mlpstudio.core.specs.NetworkSpec`, which the app uses too, so a network has the same
sizes whether it was shaped in a panel or on the command line. ``--layers`` spells out the ends
as well: they are checked against the spec's, never computed here.

A regression network has other defaults (:data:`REGRESSION_HIDDEN`): one hidden layer of 16
tanh units and the lecture's linear output unit, one per target.
"""

from __future__ import annotations

import argparse

from mlpstudio.core import activations as act_table
from mlpstudio.core import datasets, losses, regression
from mlpstudio.core import features as features_mod
from mlpstudio.core.network import MAX_LAYERS, MAX_UNITS, Network
from mlpstudio.core.specs import NetworkSpec

from .common import UsageError, int_list, items

DEFAULT_HIDDEN = 4  # units of each hidden layer when --layers is not given
# Regression: enough tanh units for a smooth 1-D curve (sin 3x to the noise level), and the
# identity on the output, so the outputs can reach any value the targets take.
REGRESSION_HIDDEN = (16, "tanh")
REGRESSION_OUTPUT = "linear"


def layer_sizes(text: str) -> list[int]:
    """The sizes ``--layers`` lists, input to output, each within the engine's bounds."""
    sizes = int_list(text, "--layers")
    if len(sizes) < 2:
        raise UsageError("--layers: give at least the input and output sizes, e.g. 2,4,1")
    if len(sizes) > MAX_LAYERS:
        raise UsageError(f"--layers: at most {MAX_LAYERS} layers, got {len(sizes)}")
    for n in sizes:
        if not 1 <= n <= MAX_UNITS:
            raise UsageError(f"--layers: every size must be between 1 and {MAX_UNITS:,}, got {n}")
    return sizes


def hidden_activations(
    args: argparse.Namespace, n_hidden: int | None, default: str = "sigmoid"
) -> list[str]:
    """One hidden activation per hidden layer (``n_hidden``; None: one layer per name given)."""
    names = items(args.activation, "--activation") if args.activation else [default]
    for name in names:
        act = act_table.ACTIVATIONS.get(name)
        if act is None or act.output_only:
            known = ", ".join(act_table.HIDDEN_ACTIVATIONS)
            raise UsageError(f"--activation: unknown hidden activation {name!r} (known: {known})")
    if n_hidden is None:
        return names
    if len(names) == 1:
        return names * n_hidden
    if len(names) != n_hidden:
        raise UsageError(
            f"--activation lists {len(names)} activations but --layers has {n_hidden} hidden "
            "layers: give one name for all of them or one per hidden layer"
        )
    return names


def network_spec(
    args: argparse.Namespace, n_inputs: int, n_classes: int, n_targets: int | None = None
) -> NetworkSpec:
    """The spec the network flags describe for data of ``n_inputs`` features and classes, or,
    with ``n_targets``, for regression on that many targets."""
    if n_targets is not None:
        return _regression_spec(args, n_inputs, n_targets)
    loss = args.loss or "squared_error"
    perceptron = args.optimizer == "perceptron"
    out_act = args.output_activation
    if out_act is not None and out_act not in act_table.ACTIVATIONS:
        known = ", ".join(act_table.OUTPUT_ACTIVATIONS)
        raise UsageError(f"--output-activation: unknown activation {out_act!r} (known: {known})")

    given = layer_sizes(args.layers) if args.layers is not None else None
    if given is None:
        # The perceptron rule trains a single layer: no hidden layer unless asked for.
        names = [] if perceptron else hidden_activations(args, None)
        hidden = [(DEFAULT_HIDDEN, name) for name in names]
        if out_act is None:
            out_act = _default_output(loss, perceptron and not hidden, n_classes > 2)
        # Two classes need one output unit, except under softmax, which spreads over one each.
        single_output = out_act != "softmax"
    else:
        names = hidden_activations(args, len(given) - 2)
        hidden = list(zip(given[1:-1], names, strict=True))
        if out_act is None:
            out_act = _default_output(loss, perceptron and not hidden, given[-1] > 1)
        single_output = given[-1] == 1
    features = _input_features(args, n_inputs)
    spec = NetworkSpec(
        hidden=hidden,
        output_activation=out_act,
        loss=loss,
        single_output=single_output,
        init=args.init or "xavier",
        dtype=args.dtype or "float64",
        features=features,
    )
    sizes = spec.sizes(n_inputs, n_classes)
    if given is not None:
        _check_ends(given, sizes, n_classes)
    if perceptron and (hidden or out_act != "step"):
        raise UsageError(
            "--optimizer perceptron trains one layer of step units: use no hidden layer "
            f"(--layers {sizes[0]},{sizes[-1]}) and --output-activation step"
        )
    return spec


def _regression_spec(args: argparse.Namespace, n_inputs: int, n_targets: int) -> NetworkSpec:
    """The spec of a regression network: one linear output per target by default."""
    if args.optimizer == "perceptron":
        raise UsageError(
            "--optimizer perceptron learns classes, not real-valued targets: use gd, sgd, "
            "momentum or adam for regression"
        )
    width, default_activation = REGRESSION_HIDDEN
    given = layer_sizes(args.layers) if args.layers is not None else None
    if given is None:
        hidden = [(width, name) for name in hidden_activations(args, None, default_activation)]
    else:
        names = hidden_activations(args, len(given) - 2, default_activation)
        hidden = list(zip(given[1:-1], names, strict=True))
    out_act = args.output_activation or REGRESSION_OUTPUT
    if out_act not in act_table.ACTIVATIONS:
        known = ", ".join(act_table.OUTPUT_ACTIVATIONS)
        raise UsageError(f"--output-activation: unknown activation {out_act!r} (known: {known})")
    features = _input_features(args, n_inputs)
    spec = NetworkSpec(
        hidden=hidden,
        output_activation=out_act,
        loss=args.loss or "squared_error",
        # single_output off: the spec's "classes" then count output units, one per target.
        single_output=False,
        init=args.init or "xavier",
        dtype=args.dtype or "float64",
        features=features,
    )
    sizes = spec.sizes(n_inputs, n_targets)
    if given is not None:
        if given[0] != sizes[0]:
            _check_ends(given, sizes, 0)
        if given[-1] != n_targets:
            raise UsageError(
                f"--layers ends with {given[-1]} output unit{'s' if given[-1] != 1 else ''} "
                f"but the data has {n_targets} target{'s' if n_targets != 1 else ''} (one "
                "output unit per target)"
            )
    return spec


def _input_features(args: argparse.Namespace, n_inputs: int) -> tuple[str, ...] | None:
    """The derived input features ``--inputs`` asks for (None: the point itself)."""
    if not getattr(args, "inputs", None):
        return None
    try:
        features = features_mod.normalise(features_mod.parse(args.inputs))
    except ValueError as exc:
        raise UsageError(f"--inputs: {exc}") from None
    if features is not None and n_inputs != features_mod.N_COORDINATES:
        raise UsageError(
            f"--inputs: derived features need data with 2 inputs, the data has {n_inputs}"
        )
    return features


def build_network(
    args: argparse.Namespace, ds: datasets.Dataset | regression.RegressionData, seed: int
) -> Network:
    """A freshly initialised network of the flags' spec, sized by ``ds``."""
    if isinstance(ds, regression.RegressionData):
        spec = network_spec(args, ds.n_features, 0, ds.n_targets)
        n_outputs, task = ds.n_targets, "regression"
    else:
        spec = network_spec(args, ds.n_features, ds.n_classes)
        n_outputs, task = ds.n_classes, "classification"
    try:
        sizes = spec.sizes(ds.n_features, n_outputs)
        losses.check_pairing(spec.loss, spec.output_activation, sizes[-1], task)
        net = spec.build(ds.n_features, n_outputs, seed)
    except ValueError as exc:  # e.g. a loss that does not pair with the output activation
        raise UsageError(str(exc)) from None
    return net


def _check_ends(given: list[int], sizes: list[int], n_classes: int) -> None:
    """Refuse ``--layers`` whose first or last size is not what the data makes of it."""
    d, K = sizes[0], given[-1]
    if given[0] != d:
        raise UsageError(
            f"--layers starts with {given[0]} inputs but the data has {d} "
            f"feature{'s' if d != 1 else ''}"
        )
    if given[-1] != sizes[-1]:
        hint = f"use {n_classes}" + (", or 1 for two classes" if n_classes == 2 else "")
        raise UsageError(
            f"--layers ends with {K} output unit{'s' if K != 1 else ''} but the data has "
            f"{n_classes} classes ({hint})"
        )


def _default_output(loss: str, step: bool, several_outputs: bool) -> str:
    # The lecture's sigmoid output; softmax when cross-entropy spreads over K > 1 units.
    if step:
        return "step"
    return "softmax" if loss == "cross_entropy" and several_outputs else "sigmoid"
