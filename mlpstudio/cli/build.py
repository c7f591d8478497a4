"""The project ``mlpstudio train`` starts from: data, network and settings built from its flags.

Either a new project (``--dataset`` or ``--data`` and the network flags) or a saved one to
continue (``--project``, with training flags as overrides). Every check of a flag against the
data happens here, before any training, so a mistake costs nothing.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from mlpstudio.core import activations as act_table
from mlpstudio.core import datasets, project
from mlpstudio.core.network import MAX_LAYERS, MAX_UNITS, Network
from mlpstudio.core.training import History, TrainingError, TrainSettings

from .common import (
    MAX_BATCH_SIZE,
    MAX_EPOCHS,
    MAX_POINTS,
    MAX_SEED,
    UsageError,
    check_count,
    int_list,
    items,
)

DEFAULT_HIDDEN = 4
NO_TARGET = "none"

NETWORK_FLAGS = ("layers", "activation", "output_activation", "loss", "init", "dtype")
DATA_FLAGS = ("points", "noise", "classes", "data_seed", "features", "label", "standardise")


def check_limits(args: argparse.Namespace) -> None:
    """Refuse an absurd count or seed at once, before any data is read or generated."""
    check_count(args.epochs, "--epochs", 0, MAX_EPOCHS)
    check_count(args.points, "--points", 1, MAX_POINTS)
    check_count(args.batch_size, "--batch-size", 1, MAX_BATCH_SIZE)
    check_count(args.seed, "--seed", 0, MAX_SEED)
    check_count(args.data_seed, "--data-seed", 0, MAX_SEED)
    if args.layers is not None:
        _layer_sizes(args.layers)
    elif args.activation and len(items(args.activation, "--activation")) > MAX_LAYERS - 2:
        # Without --layers every name is a hidden layer of its own.
        raise UsageError(f"--activation lists more than {MAX_LAYERS - 2} hidden layers")


def target_cost(text: str) -> float | str:
    """argparse type of ``--target-cost``: a number, or ``none`` to drop a project's target."""
    if text.strip().lower() == NO_TARGET:
        return NO_TARGET
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'none', got {text!r}") from None


def new_project(args: argparse.Namespace) -> project.Project:
    """A project from ``--dataset`` or ``--data`` and the network and training flags."""
    seed = args.seed or 0
    ds = _load_data(args)
    if args.test_ratio is not None:
        try:
            ds = datasets.split(ds, args.test_ratio, seed)
        except datasets.DataError as exc:
            raise UsageError(f"--test-ratio: {exc}") from None
    net = _build_network(args, ds, seed)
    standardisation = None
    if args.standardise:
        _, mean, std = datasets.standardise(ds.X_train)
        standardisation = {"mean": mean.tolist(), "std": std.tolist()}
    return project.Project(
        network=net,
        dataset=ds,
        settings=_settings(args, TrainSettings(learning_rate=0.5)),
        standardisation=standardisation,
    )


def continued_project(args: argparse.Namespace) -> project.Project:
    """The saved ``--project``, its settings overridden by the training flags given."""
    for flag in (*NETWORK_FLAGS, *DATA_FLAGS):
        value = getattr(args, flag)
        if value not in (None, False):
            raise UsageError(
                f"--{flag.replace('_', '-')} cannot be used with --project: the project fixes "
                "its network and data"
            )
    p = project.load(args.project)
    if p.dataset is None:
        raise project.ProjectError(
            f"{args.project}: the project has no dataset to train on (it holds a model only)"
        )
    if args.reset:
        p.network.reset()
        p.epoch = 0
        p.history = History()
    if args.test_ratio is not None:
        seed = args.seed if args.seed is not None else p.settings.seed
        try:
            p.dataset = datasets.split(p.dataset, args.test_ratio, seed)
        except datasets.DataError as exc:
            raise UsageError(f"--test-ratio: {exc}") from None
    p.settings = _settings(args, p.settings)
    return p


def _load_data(args: argparse.Namespace) -> datasets.Dataset:
    if args.dataset:
        for flag in ("features", "label"):
            if getattr(args, flag) is not None:
                raise UsageError(f"--{flag} is for --data FILE.csv, not --dataset")
        seed = args.data_seed if args.data_seed is not None else (args.seed or 0)
        kwargs: dict[str, Any] = {"noise": args.noise, "seed": seed}
        if args.points is not None:
            kwargs["points"] = args.points
        if args.classes is not None:
            kwargs["classes"] = args.classes
        try:
            return datasets.generate(args.dataset, **kwargs)
        except datasets.DataError as exc:
            raise UsageError(f"--dataset {args.dataset}: {exc}") from None
    for flag in ("points", "classes", "data_seed"):
        if getattr(args, flag) is not None:
            raise UsageError(f"--{flag.replace('_', '-')} is for --dataset NAME, not --data")
    if args.noise:
        raise UsageError("--noise is for --dataset NAME, not --data")

    def column(item: str) -> str | int:
        # A number picks a column by 0-based index, anything else by its header name.
        return int(item) if item.lstrip("-").isdigit() else item

    features = [column(f) for f in items(args.features, "--features")] if args.features else None
    label = column(args.label) if args.label is not None else None
    return datasets.read_csv(args.data, features=features, label=label)


def _hidden_activations(args: argparse.Namespace, n_hidden: int | None) -> list[str]:
    names = items(args.activation, "--activation") if args.activation else ["sigmoid"]
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


def _layer_sizes(text: str) -> list[int]:
    sizes = int_list(text, "--layers")
    if len(sizes) < 2:
        raise UsageError("--layers: give at least the input and output sizes, e.g. 2,4,1")
    if len(sizes) > MAX_LAYERS:
        raise UsageError(f"--layers: at most {MAX_LAYERS} layers, got {len(sizes)}")
    for n in sizes:
        if not 1 <= n <= MAX_UNITS:
            raise UsageError(f"--layers: every size must be between 1 and {MAX_UNITS:,}, got {n}")
    return sizes


def _build_network(args: argparse.Namespace, ds: datasets.Dataset, seed: int) -> Network:
    d, C = ds.n_features, ds.n_classes
    loss = args.loss or "squared_error"
    perceptron = args.optimizer == "perceptron"
    out_act = args.output_activation
    if out_act is not None and out_act not in act_table.ACTIVATIONS:
        known = ", ".join(act_table.OUTPUT_ACTIVATIONS)
        raise UsageError(f"--output-activation: unknown activation {out_act!r} (known: {known})")

    if args.layers is None:
        if perceptron:
            hidden: list[int] = []
            hidden_acts: list[str] = []
        else:
            hidden_acts = _hidden_activations(args, None)
            hidden = [DEFAULT_HIDDEN] * len(hidden_acts)
        if out_act is None:
            out_act = _default_output(loss, perceptron and not hidden, C if C > 2 else 1)
        K = 1 if C == 2 and out_act != "softmax" else C
        sizes = [d, *hidden, K]
    else:
        sizes = _layer_sizes(args.layers)
        if sizes[0] != d:
            raise UsageError(
                f"--layers starts with {sizes[0]} inputs but the data has {d} "
                f"feature{'s' if d != 1 else ''}"
            )
        K = sizes[-1]
        if not (K == C or (K == 1 and C == 2)):
            hint = f"use {C}" + (", or 1 for two classes" if C == 2 else "")
            raise UsageError(
                f"--layers ends with {K} output unit{'s' if K != 1 else ''} but the data has "
                f"{C} classes ({hint})"
            )
        hidden_acts = _hidden_activations(args, len(sizes) - 2)
        if out_act is None:
            out_act = _default_output(loss, perceptron and len(sizes) == 2, K)
    if perceptron and (len(sizes) != 2 or out_act != "step"):
        raise UsageError(
            "--optimizer perceptron trains one layer of step units: use no hidden layer "
            f"(--layers {d},{K}) and --output-activation step"
        )
    try:
        return Network(
            sizes,
            [*hidden_acts, out_act],
            loss,
            seed=seed,
            init=args.init or "xavier",
            dtype=args.dtype or "float64",
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _default_output(loss: str, step: bool, n_outputs: int) -> str:
    # The lecture's sigmoid output; softmax when cross-entropy spreads over K > 1 units.
    if step:
        return "step"
    return "softmax" if loss == "cross_entropy" and n_outputs > 1 else "sigmoid"


def _settings(args: argparse.Namespace, base: TrainSettings) -> TrainSettings:
    changes = {
        "optimizer": args.optimizer,
        "learning_rate": args.lr,
        "batch_size": args.batch_size,
        "momentum": args.momentum,
        "l2": args.l2,
        "target_cost": None if args.target_cost == NO_TARGET else args.target_cost,
        "seed": args.seed,
    }
    settings = replace(base, **{k: v for k, v in changes.items() if v is not None})
    if args.target_cost == NO_TARGET:
        settings.target_cost = None
    try:
        return settings.validate()
    except TrainingError as exc:
        raise UsageError(str(exc)) from None
